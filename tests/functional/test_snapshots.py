"""Snapshots of the main screens at 80x24 (update with `pytest --snapshot-update`)."""

from tests.functional.conftest import SIZE, sign_in


def test_login_screen(snap_compare, console) -> None:
    assert snap_compare(console, terminal_size=SIZE)


def test_today_for_the_manager(snap_compare, console) -> None:
    async def run_before(pilot) -> None:
        await sign_in(pilot, "dokafor")

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def test_staff_and_logins(snap_compare, console) -> None:
    async def run_before(pilot) -> None:
        await sign_in(pilot, "dokafor")
        console.open_place("staff")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def test_appointment_book_day_view(snap_compare, console) -> None:
    async def run_before(pilot) -> None:
        await sign_in(pilot, "anguyen")
        await pilot.press("f2")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)
