"""Staff & logins through the keys: add (bad then good), reset PIN, deactivate."""

from frontdesk.screens.staff import StaffForm, StaffScreen
from frontdesk.services import auth
from frontdesk.widgets.dialogs import ConfirmDialog, SecretDialog

from .conftest import SIZE, db_value, screen_text, sign_in


async def _staff_screen(pilot) -> None:
    await sign_in(pilot, "dokafor")
    await pilot.press("f8")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def _select(pilot, console, username: str) -> None:
    table = console.screen.query_one("#staff-table")
    for index, row_key in enumerate(table.rows):
        if str(table.get_row(row_key)[0]) == username:
            table.move_cursor(row=index)
    await pilot.pause()


async def test_manager_adds_a_staff_member_end_to_end(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _staff_screen(pilot)
        assert isinstance(console.screen, StaffScreen)
        before = db_value(console, "SELECT count(*) FROM staff")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(console.screen, StaffForm)
        # Username, full name, credentials, role (kept), password, PIN - a weak password.
        await pilot.press(
            *"rgarcia",
            "tab",
            *"Rosa García",
            "tab",
            *"MA",
            "tab",
            "tab",
            *"short",
            "tab",
            *"8642",
            "enter",
        )
        await pilot.pause()
        assert isinstance(console.screen, StaffForm)
        assert "A password needs at least 8 characters." in screen_text(console)
        assert db_value(console, "SELECT count(*) FROM staff") == before
        # Fix the password and save.
        password = console.screen.query_one("#sf-password")
        password.value = ""
        password.focus()
        await pilot.press(*"sunny-day-42", "ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, StaffScreen)
        text = screen_text(console)
        assert "rgarcia Rosa García, MA receptionist active never" in text
        assert "Added rgarcia (receptionist)." in text
        row = console.db.execute(
            "SELECT full_name, credentials, role, active FROM staff WHERE username = 'rgarcia'"
        ).fetchone()
        assert row == ("Rosa García", "MA", "receptionist", 1)
        assert auth.login(console.desk.signed_in(None), "rgarcia", "sunny-day-42")
        assert (
            db_value(
                console,
                "SELECT count(*) FROM audit_log WHERE action = "
                "'staff added' AND workstation = 'FRONT-1'",
            )
            >= 1
        )


async def test_taken_username_is_told_and_not_saved(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _staff_screen(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(
            *"mbell",
            "tab",
            *"Another Marcus",
            "tab",
            "tab",
            "tab",
            *"long-password-1",
            "tab",
            *"8642",
            "enter",
        )
        await pilot.pause()
        assert "The username 'mbell' is already taken." in screen_text(console)
        assert db_value(console, "SELECT full_name FROM staff WHERE username = 'mbell'") == (
            "Marcus Bell"
        )
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(console.screen, StaffScreen)


async def test_reset_pin_and_deactivate(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _staff_screen(pilot)
        await _select(pilot, console, "kpark")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(console.screen, SecretDialog)
        await pilot.press(*"9753", "enter", *"9751", "enter")
        await pilot.pause()
        assert "The two PINs differ." in screen_text(console)
        console.screen.query_one("#secret-2").value = ""
        console.screen.query_one("#secret-2").focus()
        await pilot.press(*"9753", "enter")
        await pilot.pause()
        assert isinstance(console.screen, StaffScreen)
        kpark = console.desk.signed_in(None)
        who = auth.login(kpark, "kpark", "frontdesk")
        assert auth.unlock_with_pin(kpark.signed_in(who), "9753").username == "kpark"

        await _select(pilot, console, "kpark")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(console.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert "kpark Kevin Park receptionist inactive" in screen_text(console)
        assert db_value(console, "SELECT active FROM staff WHERE username = 'kpark'") == 0


async def test_the_last_manager_cannot_deactivate_herself(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _staff_screen(pilot)
        await _select(pilot, console, "dokafor")
        await pilot.press("d", "y")
        await pilot.pause()
        assert "You cannot deactivate your own login." in screen_text(console)
        assert db_value(console, "SELECT active FROM staff WHERE username = 'dokafor'") == 1
