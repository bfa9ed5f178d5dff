"""Snapshots of the main screens at 80x24 (update with `pytest --snapshot-update`)."""

from tests.functional.conftest import SIZE, sign_in


def test_login_screen(snap_compare, console) -> None:
    assert snap_compare(console, terminal_size=SIZE)


def test_today_for_the_manager(snap_compare, console) -> None:
    async def run_before(pilot) -> None:
        await pilot.pause()  # the login screen ready for the keys
        await sign_in(pilot, "dokafor")

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def test_staff_and_logins(snap_compare, console) -> None:
    async def run_before(pilot) -> None:
        await pilot.pause()  # the login screen ready for the keys
        await sign_in(pilot, "dokafor")
        console.open_place("staff")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def test_appointment_book_day_view(snap_compare, console) -> None:
    async def run_before(pilot) -> None:
        await pilot.pause()  # the login screen ready for the keys
        await sign_in(pilot, "anguyen")
        await pilot.press("f2")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def _in_the_office(console) -> tuple[int, int]:
    """The morning's first visit still in the office: (appointment, patient)."""
    return console.db.execute(
        "SELECT id, patient_id FROM appointments WHERE status IN ('arrived', 'roomed',"
        " 'with_provider') ORDER BY starts_at, id LIMIT 1"
    ).fetchone()


def test_flow_board(snap_compare, console) -> None:
    async def run_before(pilot) -> None:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        await pilot.press("f4")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def test_check_out_fee_sheet(snap_compare, console) -> None:
    from frontdesk.screens.checkout import CheckoutScreen

    async def run_before(pilot) -> None:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        console.push_screen(CheckoutScreen(_in_the_office(console)[0]))
        await pilot.pause()
        await pilot.press(*"99213", "enter", *"850012410522", "enter", "tab")
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def test_patient_account(snap_compare, console) -> None:
    from frontdesk.screens.account import AccountScreen

    async def run_before(pilot) -> None:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        (patient,) = console.db.execute(
            "SELECT patient_id FROM ledger WHERE kind = 'refund' ORDER BY id LIMIT 1"
        ).fetchone()
        console.push_screen(AccountScreen(patient))
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def test_cash_drawers(snap_compare, console) -> None:
    async def run_before(pilot) -> None:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        await pilot.press("f6")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def test_blind_count(snap_compare, console) -> None:
    async def run_before(pilot) -> None:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def test_close_of_day(snap_compare, console) -> None:
    async def run_before(pilot) -> None:
        await pilot.pause()
        await sign_in(pilot, "dokafor")
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("down", "enter")  # the no-show step's items
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def test_printers(snap_compare, console) -> None:
    from frontdesk.data.printer_models import Printer
    from frontdesk.services import printers
    from frontdesk.services.context import Desk

    desk = Desk(db=console.db, clock=console.clock, workstation="FRONT-1", shell=True)
    printers.save_printer(
        desk, Printer(name="Front receipt", connection="network", host="10.0.0.40")
    )
    printers.assign(desk, "FRONT-1", "Front receipt")

    async def run_before(pilot) -> None:
        await pilot.pause()
        await sign_in(pilot, "dokafor")
        console.open_place("printers")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)


def test_todays_receipts(snap_compare, console) -> None:
    async def run_before(pilot) -> None:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        console.open_place("receipts")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(console, terminal_size=SIZE, run_before=run_before)
