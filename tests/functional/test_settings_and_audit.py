"""Practice settings and the audit log through the keys."""

from frontdesk.screens.audit import AuditScreen
from frontdesk.screens.settings import SettingsScreen

from .conftest import SIZE, db_value, screen_text, sign_in


async def _open(pilot, console, name: str) -> None:
    await sign_in(pilot, "dokafor")
    console.open_place(name)
    await pilot.pause()
    await pilot.pause()


async def test_bad_amount_in_settings_says_why_and_saves_nothing(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, "settings")
        assert isinstance(console.screen, SettingsScreen)
        ceiling = console.screen.query_one("#set-ceiling")
        ceiling.value = ""
        ceiling.focus()
        await pilot.press(*"12.345", "ctrl+s")
        await pilot.pause()
        assert "Amounts have at most two decimals (cents)." in screen_text(console)
        assert (
            db_value(console, "SELECT value FROM settings WHERE key = 'amount_ceiling'")
            == "5000000"
        )


async def test_settings_are_saved_from_the_form(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, "settings")
        screen = console.screen
        screen.query_one("#set-idle").value = ""
        screen.query_one("#set-ceiling").value = ""
        screen.query_one("#set-phone").value = ""
        screen.query_one("#set-phone").focus()
        # Phone, time zone, idle lock, book slot, no-show grace, largest amount.
        await pilot.press(
            *"312 555 0111", "tab", "tab", *"9", "tab", "tab", "tab", *"$2,500", "ctrl+s"
        )
        await pilot.pause()
        assert "Saved." in screen_text(console)
        assert db_value(console, "SELECT value FROM settings WHERE key = 'phone'") == (
            '"(312) 555-0111"'
        )
        assert (
            db_value(console, "SELECT value FROM settings WHERE key = 'idle_lock_minutes'") == "9"
        )
        assert (
            db_value(console, "SELECT value FROM settings WHERE key = 'amount_ceiling'") == "250000"
        )
        assert console.settings.idle_lock_minutes == 9


async def test_bad_time_zone_is_refused(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, "settings")
        console.screen.query_one("#set-tz").value = "Central Time"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "'Central Time' is not a time zone" in screen_text(console)
        assert db_value(console, "SELECT value FROM settings WHERE key = 'time_zone'") == (
            '"America/Chicago"'
        )


async def test_audit_log_lists_filters_and_verifies(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, "audit")
        assert isinstance(console.screen, AuditScreen)
        assert "2026-11-24 09:30 dokafor login" in screen_text(console)
        await pilot.press(*"demo", "enter")
        await pilot.pause()
        text = screen_text(console)
        assert "demo practice created" in text and "dokafor login" not in text
        await pilot.press("tab", *"2026-13-01", "enter")
        await pilot.pause()
        assert "'2026-13-01' is not a date" in screen_text(console)
        await pilot.press("ctrl+r")
        await console.workers.wait_for_complete()
        await pilot.pause()
        assert "Audit chain verified:" in screen_text(console)


async def test_a_saved_name_shows_in_the_header_and_today_at_once(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, "settings")
        console.screen.query_one("#set-name").value = "Lakeside Skin"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Lakeside Skin · FRONT-1 · Denise Okafor" in screen_text(console)
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.pause()
        assert "Today" in screen_text(console)
        assert screen_text(console).count("Lakeside Skin") == 2  # header and Today


async def test_typed_values_are_refused_not_silently_cut(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, "settings")
        screen = console.screen
        for value, why in (
            ("1e5", "write it out in dollars and cents"),
            ("99999999999999999999", "over the largest amount"),
        ):
            screen.query_one("#set-ceiling").value = value
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert why in screen_text(console)
        screen.query_one("#set-ceiling").value = "500"
        screen.query_one("#set-idle").value = "1000"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Idle lock is a whole number of minutes, 1 to 60." in screen_text(console)
        assert (
            db_value(console, "SELECT value FROM settings WHERE key = 'idle_lock_minutes'") == "5"
        )


async def test_book_slot_and_no_show_grace_are_saved_from_the_form(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, "settings")
        screen = console.screen
        assert "Book slot 15 minutes" in screen_text(console)
        assert "No-show grace 15" in screen_text(console)
        screen.query_one("#set-idle").focus()
        await pilot.press("enter", "down")  # on to the slot; Down opens its list
        await pilot.pause()
        await pilot.press("up", "enter")  # 10 minutes
        await pilot.pause()
        await pilot.press("enter")  # on to the grace
        screen.query_one("#set-grace").value = ""
        # On through the largest amount, sales tax, discount and over/short limits; Enter
        # on the wait alert, the last field, saves.
        await pilot.press(*"30", "enter", "enter", "enter", "enter", "enter", "enter")
        await pilot.pause()
        text = screen_text(console)
        assert "Saved." in text and "Book slot 10 minutes" in text
        assert db_value(console, "SELECT value FROM settings WHERE key = 'slot_minutes'") == "10"
        assert (
            db_value(console, "SELECT value FROM settings WHERE key = 'no_show_grace_minutes'")
            == "30"
        )
        assert (console.settings.slot_minutes, console.settings.no_show_grace_minutes) == (10, 30)


async def test_a_bad_no_show_grace_says_why_and_saves_nothing(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, "settings")
        grace = console.screen.query_one("#set-grace")
        grace.value = ""
        grace.focus()
        await pilot.press(*"300", "ctrl+s")
        await pilot.pause()
        assert "The no-show grace is a whole number of minutes, 0 to 240." in screen_text(console)
        assert (
            db_value(console, "SELECT value FROM settings WHERE key = 'no_show_grace_minutes'")
            == "15"
        )
        before = db_value(console, "SELECT count(*) FROM audit_log")
        grace.value = "-5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "0 to 240" in screen_text(console)
        assert db_value(console, "SELECT count(*) FROM audit_log") == before


async def test_sales_tax_is_typed_as_a_percent_and_saved_in_hundredths(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, "settings")
        assert "Sales tax % 10.25" in screen_text(console)  # the demo's Chicago rate
        tax = console.screen.query_one("#set-tax")
        tax.value = ""
        tax.focus()
        await pilot.press(*"8.125", "enter", "enter", "enter", "enter")
        await pilot.pause()
        assert "Sales tax has at most two decimals, e.g. 10.25." in screen_text(console)
        assert (
            db_value(console, "SELECT value FROM settings WHERE key = 'sales_tax_basis_points'")
            == "1025"
        )
        tax.value = ""
        tax.focus()
        # Enter on the last field saves.
        await pilot.press(*"9.5%", "enter", "enter", "enter", "enter")
        await pilot.pause()
        assert "Saved." in screen_text(console)
        assert (
            db_value(console, "SELECT value FROM settings WHERE key = 'sales_tax_basis_points'")
            == "950"
        )
        assert console.settings.sales_tax_basis_points == 950
        summary = db_value(console, "SELECT summary FROM audit_log ORDER BY id DESC LIMIT 1")
        assert summary == "sales_tax_basis_points"


async def test_discount_limit_and_wait_alert_are_saved_from_the_form(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, "settings")
        screen = console.screen
        screen.query_one("#set-discount").value = "40"
        screen.query_one("#set-wait").value = "241"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "The wait alert is a whole number of minutes, 1 to 240." in screen_text(console)
        screen.query_one("#set-wait").value = "30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Saved." in screen_text(console)
        assert (
            db_value(console, "SELECT value FROM settings WHERE key = 'discount_limit'") == "4000"
        )
        assert (
            db_value(console, "SELECT value FROM settings WHERE key = 'wait_alert_minutes'") == "30"
        )
