"""Idle lock: the screen is cleared, only the same PIN or another person's login opens it."""

from frontdesk.screens.home import HomeScreen
from frontdesk.screens.lock import LockScreen
from frontdesk.screens.staff import StaffScreen

from .conftest import SIZE, db_value, screen_text, sign_in


async def _open_staff_list(pilot) -> None:
    await sign_in(pilot, "dokafor")
    await pilot.press("f8")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_idle_lock_clears_the_screen_and_the_pin_opens_it(console, monotonic) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open_staff_list(pilot)
        assert isinstance(console.screen, StaffScreen)
        assert "Chloé Dubois" in screen_text(console)
        monotonic.now += 4 * 60  # the demo practice locks after 5 idle minutes
        console.lock_if_idle()
        await pilot.pause()
        assert not isinstance(console.screen, LockScreen)
        monotonic.now += 61
        console.lock_if_idle()
        await pilot.pause()
        assert isinstance(console.screen, LockScreen)
        text = screen_text(console)
        assert "Locked" in text
        for private in ("Chloé Dubois", "hschultz", "Staff & logins"):
            assert private not in text
        assert (
            db_value(
                console,
                "SELECT summary FROM audit_log WHERE action = 'session locked' ORDER BY id DESC",
            )
            == "idle"
        )
        # Function keys and the palette do nothing while locked.
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(console.screen, LockScreen)
        await pilot.press(*"2460", "enter")
        await pilot.pause()
        assert "Wrong PIN. 4 more failed attempts lock the login." in screen_text(console)
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert isinstance(console.screen, StaffScreen)  # back where she was
        assert "Chloé Dubois" in screen_text(console)


async def test_keys_keep_the_desk_awake(console, monotonic) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        monotonic.now += 4 * 60
        await pilot.press("down")
        monotonic.now += 4 * 60
        console.lock_if_idle()
        await pilot.pause()
        assert isinstance(console.screen, HomeScreen)


async def test_another_person_signs_in_over_the_lock(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open_staff_list(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(console.screen, LockScreen)
        await pilot.press("tab", *"anguyen", "enter", *"frontdesk", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, HomeScreen)
        assert console.actor.username == "anguyen"
        assert len(console.screen_stack) == 2  # the manager's screens are closed
        assert "Signed in: Ashley Nguyen" in screen_text(console)


async def test_ctrl_l_locks_over_an_open_dialog(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open_staff_list(pilot)
        await pilot.press("a", *"newbie")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(console.screen, LockScreen)
        assert "newbie" not in screen_text(console)
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert console.screen.query_one("#sf-username").value == "newbie"  # form kept


async def test_help_and_the_palette_cannot_get_past_the_lock(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "dokafor")
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("f1")  # help over the lock is allowed...
        await pilot.pause()
        await pilot.press("ctrl+p", *"staff", "enter")  # ...the palette is not
        await pilot.pause()
        await pilot.pause()
        assert console.locked
        assert not any(isinstance(s, StaffScreen) for s in console.screen_stack)
        assert [c.title for c in console.get_system_commands(console.screen)] == ["Keys", "Quit"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(console.screen, LockScreen)
