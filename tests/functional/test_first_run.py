"""An empty database starts the first-run screen; it sets up the practice and a manager."""

from pathlib import Path

from frontdesk.app import FrontDeskApp
from frontdesk.data.schema import open_database
from frontdesk.screens.firstrun import FirstRunScreen
from frontdesk.screens.home import HomeScreen
from frontdesk.screens.login import LoginScreen
from tests.conftest import FakeClock

from .conftest import SIZE, screen_text


async def test_first_run_sets_up_the_practice_and_its_manager(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    app = FrontDeskApp(db=db, workstation="OFFICE", clock=FakeClock(), printing=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        await pilot.press(
            *"Northside Skin & Laser", "enter", *"5 Elm St", "enter", *"(773) 555-0123", "enter"
        )
        await pilot.press(*["backspace"] * 20, *"America/Chicago", "enter")
        await pilot.press(
            *"boss",
            "enter",
            *"Bea Boss",
            "enter",
            *"pass",
            "enter",
            *"pass",
            "enter",
            *"4826",
            "enter",
        )
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        assert "A password needs at least 8 characters." in screen_text(app)
        assert db.execute("SELECT count(*) FROM staff").fetchone()[0] == 0
        for field_id in ("#fr-password", "#fr-password2"):
            app.screen.query_one(field_id).value = "good-password-5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert db.execute("SELECT username, role FROM staff").fetchall() == [("boss", "manager")]
        assert app.settings.name == "Northside Skin & Laser"
        await pilot.press(*"good-password-5", "enter")  # username is already filled in
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Signed in: Bea Boss (manager)" in screen_text(app)
