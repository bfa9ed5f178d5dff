"""Signing in through the keys: wrong password, lockout, good login."""

from frontdesk.screens.home import HomeScreen
from frontdesk.screens.login import LoginScreen

from .conftest import SIZE, db_value, screen_text, sign_in


async def test_wrong_password_shows_why_and_counts(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert "Sign in" in screen_text(console)
        await sign_in(pilot, "anguyen", "frontdesk?")
        assert isinstance(console.screen, LoginScreen)
        text = screen_text(console)
        assert "Wrong username or password. 4 more failed attempts lock the login." in text
        assert console.actor is None
        assert (
            db_value(console, "SELECT failed_attempts FROM staff WHERE username = ?", "anguyen")
            == 1
        )
        # The password field is emptied, the username kept, focus on the password.
        assert console.focused.id == "login-password"
        assert console.focused.value == ""


async def test_a_locked_login_says_until_when(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "mbell", "nope-nope")
        for _ in range(4):
            await pilot.press(*"nope-nope", "enter")
            await pilot.pause()
        assert "locked after 5 failed attempts until 09:45" in screen_text(console)
        await pilot.press(*"frontdesk", "enter")
        await pilot.pause()
        assert isinstance(console.screen, LoginScreen)
        assert "until 09:45" in screen_text(console)


async def test_good_login_opens_today_for_that_person(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        assert isinstance(console.screen, HomeScreen)
        text = screen_text(console)
        assert "Today, Tuesday 24 November 2026" in text
        assert "Signed in: Ashley Nguyen (receptionist)" in text
        assert "FRONT-1" in text
        assert "Tue 24 Nov 09:30" in text  # the header's clock, practice time
        assert db_value(console, "SELECT action FROM audit_log ORDER BY id DESC") == "login"


async def test_sign_out_returns_to_the_login_screen(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(console.screen, LoginScreen)
        assert console.actor is None
        assert "Ashley" not in screen_text(console)


async def test_help_over_the_login_screen_keeps_what_was_typed(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press(*"anguyen", "f1")
        await pilot.pause()
        assert "Command palette" not in screen_text(console)  # not before signing in
        await pilot.press("escape")
        await pilot.pause()
        assert console.screen.query_one("#login-username").value == "anguyen"


async def test_a_small_window_is_told_its_size_and_keeps_working(console) -> None:
    async with console.run_test(size=(60, 20), notifications=True) as pilot:
        await pilot.pause()
        assert "This window is 60x20" in screen_text(console)
        assert "at least 80x24" in screen_text(console)
        await sign_in(pilot, "anguyen")
        assert "Signed in: Ashley Nguyen" in screen_text(console)
