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
