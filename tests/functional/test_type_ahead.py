"""Keys that arrive in one burst over SSH still land in the right fields."""

from textual import events

from frontdesk.screens.home import HomeScreen
from tests.functional.conftest import SIZE, screen_text


def _burst(app, text: str) -> None:
    """Queue every key at once, as a slow link delivers them, without waiting between."""
    for part in text.split("|"):
        if part in ("tab", "enter"):
            app.post_message(events.Key(part, "\t" if part == "tab" else "\r"))
        else:
            for ch in part:
                app.post_message(events.Key(ch, ch))


async def test_a_burst_of_username_tab_password_enter_signs_in(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        _burst(console, "anguyen|tab|frontdesk|enter")
        for _ in range(6):
            await pilot.pause()
        assert isinstance(console.screen, HomeScreen)
        assert console.actor.username == "anguyen"


async def test_a_burst_never_shows_the_password_in_the_username_field(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        _burst(console, "anguyen|tab|wrong-pass|enter")
        for _ in range(6):
            await pilot.pause()
        assert console.screen.query_one("#login-username").value == "anguyen"
        assert "wrong-pass" not in screen_text(console)
        assert "Wrong username or password" in screen_text(console)


async def test_typing_through_a_form_with_enter_skips_over_the_role_choice(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press(*"dokafor", "enter", *"frontdesk", "enter")
        await pilot.pause()
        console.open_place("staff")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        # Username, name, credentials, [role: Enter keeps receptionist], password, PIN.
        _burst(
            console, "rgarcia|enter|Rosa Garcia|enter|MA|enter|enter|abc-secret-9|enter|8642|enter"
        )
        for _ in range(10):
            await pilot.pause()
        row = console.db.execute(
            "SELECT role, credentials FROM staff WHERE username = 'rgarcia'"
        ).fetchone()
        assert row == ("receptionist", "MA")
