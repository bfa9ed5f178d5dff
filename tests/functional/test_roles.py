"""A receptionist does not see or open manager screens; help lists every key."""

from frontdesk.screens.help import HelpScreen
from frontdesk.screens.home import HomeScreen
from frontdesk.screens.manager import ManagerScreen

from .conftest import SIZE, screen_text, sign_in


async def test_receptionist_cannot_open_manager_screens(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        assert "Manager" not in screen_text(console)  # not in the footer nor on Today
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(console.screen, HomeScreen)
        titles = [c.title for c in console.get_system_commands(console.screen)]
        assert "Staff & logins" not in titles and "Audit log" not in titles
        assert {"Lock", "Sign out", "Keys", "Quit"} <= set(titles)
        console.open_place("staff")  # even asked directly
        await pilot.pause()
        assert isinstance(console.screen, HomeScreen)


async def test_manager_sees_and_opens_manager_screens(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "dokafor")
        assert "F8 Manager Staff, settings, drawers, printers, backups, audit" in screen_text(
            console
        )
        titles = [c.title for c in console.get_system_commands(console.screen)]
        assert {"Manager", "Staff & logins", "Practice settings", "Audit log", "Printers",
                "Backups"} <= set(titles)  # fmt: skip
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(console.screen, ManagerScreen)
        text = screen_text(console)
        assert "Practice settings" in text and "Printers" in text and "Backups" in text


async def test_help_lists_the_keys_of_the_screen(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "dokafor")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(console.screen, HelpScreen)
        text = screen_text(console)
        for words in ("Sign out", "Lock", "Manager", "Command palette", "Quit"):
            assert words in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(console.screen, HomeScreen)


async def test_the_manager_is_warned_when_wal_is_refused(console, monkeypatch) -> None:
    from frontdesk.data import db as database

    monkeypatch.setattr(database, "SQLITE_VERSION", "3.45.1")
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        assert "WAL-reset bug" not in screen_text(console)  # not the receptionist's worry
        await pilot.press("f10")
        await pilot.pause()
        await sign_in(pilot, "dokafor")
        assert "SQLite 3.45.1 has the WAL-reset bug" in screen_text(console)


async def test_no_cursor_blinks_and_nothing_animates(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert console.focused.id == "login-username"
        assert console.focused.cursor_blink is False
        assert console.animation_level == "none"
