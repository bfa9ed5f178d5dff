"""The manager is told on Today when no backup is recent; Manager > Backups backs up now
in the background and lists it as verified."""

from __future__ import annotations

from frontdesk.screens.backups import BackupsScreen
from frontdesk.screens.home import HomeScreen
from tests.functional.conftest import SIZE, db_value, screen_text, sign_in


async def test_a_manager_backs_up_from_the_screen_and_the_warning_goes(console) -> None:
    app = console
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "dokafor")
        assert isinstance(app.screen, HomeScreen)
        assert "No verified backup yet" in screen_text(app)
        app.open_place("backups")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, BackupsScreen)
        await pilot.press("b")
        await pilot.pause()
        await app.workers.wait_for_complete()
        for _ in range(20):  # the thread's result is handed back to the screen's loop
            await pilot.pause()
            if "Backed up:" in screen_text(app):
                break
        text = screen_text(app)
        assert "Backed up:" in text and "verified" in text
        assert "frontdesk-daily-2026-11-24.db" in text and "yes" in text
        assert db_value(app, "SELECT verified FROM backups") == 1
        app.action_go_home()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "No verified backup yet" not in screen_text(app)


async def test_a_receptionist_is_not_told_about_backups(console) -> None:
    async with console.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        assert "backup" not in screen_text(console).lower()
