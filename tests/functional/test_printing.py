"""Printing from the console: the screen keeps answering keys while the printer hangs,
and the header says the printer is offline with the receipts waiting; Manager > Printers
sets a printer up (refusing bad settings) and prints a test page; today's receipts list
reprints a receipt."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from frontdesk.app import FrontDeskApp
from frontdesk.data.printer_models import Printer
from frontdesk.data.schema import open_database
from frontdesk.printing.transports import Timeouts
from frontdesk.screens.patients import PatientsScreen
from frontdesk.screens.printers import PrinterForm, PrinterSetupScreen
from frontdesk.screens.receipts import ReceiptsScreen
from frontdesk.services import payments, printers
from frontdesk.services.context import Desk
from frontdesk.widgets.receipt_dialog import ReceiptDialog
from tests.conftest import FakeClock, actor
from tests.fake_printer import FakePrinter
from tests.functional.conftest import SIZE, db_value, screen_text, sign_in
from tests.unit.money_helpers import a_patient_with_nothing_today, cash, key


@pytest.fixture
def fake():
    printer = FakePrinter()
    yield printer
    printer.stop()


def _desk(app: FrontDeskApp, username: str) -> Desk:
    desk = Desk(db=app.db, clock=app.clock, workstation=app.workstation)
    return desk.signed_in(actor(desk, username))


def _set_up_printer(app: FrontDeskApp, port: int) -> None:
    manager = _desk(app, "dokafor")
    printers.save_printer(
        manager, Printer(name="Front receipt", connection="network", host="127.0.0.1", port=port)
    )
    printers.assign(manager, "FRONT-1", "Front receipt")


def _deposit(app: FrontDeskApp):
    clerk = _desk(app, "anguyen")
    return payments.post_deposit(clerk, a_patient_with_nothing_today(clerk), [cash(2500)], key())


@pytest.fixture
def printing_console(practice_path: Path, clock: FakeClock, monotonic):
    """The console at FRONT-1 with its print worker running (quick timeouts)."""
    db = open_database(practice_path)
    db.execute("UPDATE print_jobs SET status = 'printed' WHERE status = 'pending'")
    app = FrontDeskApp(
        db=db, workstation="FRONT-1", clock=clock, monotonic=monotonic,
        print_timeouts=Timeouts(connect=1.0, send=30.0),
    )  # fmt: skip
    yield app
    db.close()


async def _until(event: threading.Event) -> None:
    """Wait (at most 10 s) for another thread to set `event`."""
    assert await asyncio.wait_for(asyncio.to_thread(event.wait, 10), 12)


async def test_the_screen_answers_keys_while_the_printer_hangs(printing_console, fake) -> None:
    app = printing_console
    fake.mode = "never_read"
    _set_up_printer(app, fake.port)
    posting = _deposit(app)
    heard = threading.Event()
    shown = app._printer_changed

    def changed(state) -> None:
        shown(state)
        if state.offline:
            heard.set()

    app._printer_changed = changed
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _until(fake.connected)  # the worker is now stuck on the printer
        await sign_in(pilot, "anguyen")
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, PatientsScreen)
        await pilot.press(*"smi")
        await pilot.pause()
        assert "smi" in screen_text(app)
        job = db_value(app, "SELECT status || ':' || last_error FROM print_jobs WHERE id = ?",
                       posting.print_job_id)  # fmt: skip
        assert job == "pending:"  # still in the printer's hands
        fake.stop()  # the printer gives up the connection: the send fails
        await _until(heard)  # the job waits with its error
        await pilot.pause()
        assert "printer offline — 1 receipt waiting" in screen_text(app)
        error = db_value(app, "SELECT last_error FROM print_jobs WHERE id = ?",
                         posting.print_job_id)  # fmt: skip
        assert "dropped the connection mid-job" in error
        # The ledger kept the deposit.
        assert db_value(app, "SELECT count(*) FROM ledger WHERE posting_id = ?", posting.id) > 0


async def _open_printers(pilot, app) -> None:
    await sign_in(pilot, "dokafor")
    app.open_place("printers")
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, PrinterSetupScreen)


async def test_a_manager_sets_up_a_network_printer_and_prints_a_test_page(
    printing_console, fake
) -> None:
    app = printing_console
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open_printers(pilot, app)
        assert "File (built in)" in screen_text(app)  # FRONT-1 has no printer yet
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PrinterForm)
        form = app.screen
        form.query_one("#pf-name").value = "Front receipt"
        form.query_one("#pf-host").value = "bad host!"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "The host is a name such as" in screen_text(app)
        form.query_one("#pf-host").value = "127.0.0.1"
        form.query_one("#pf-port").value = "ninety"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "The port is a whole number." in screen_text(app)
        assert db_value(app, "SELECT count(*) FROM printers") == 0
        # A USB printer's fields show only when USB is chosen.
        assert not form.query_one("#pf-row-vendor").display
        form.query_one("#pf-connection").value = "usb"
        await pilot.pause()
        assert (
            form.query_one("#pf-row-vendor").display and not form.query_one("#pf-row-host").display
        )
        assert "The port is a whole number." not in screen_text(app)
        form.query_one("#pf-connection").value = "network"
        await pilot.pause()
        form.query_one("#pf-port").value = str(fake.port)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PrinterSetupScreen)
        assert "Saved Front receipt." in screen_text(app)
        assert db_value(app, "SELECT host || ':' || port FROM printers") == f"127.0.0.1:{fake.port}"
        await pilot.press("t")
        (page,) = await asyncio.to_thread(fake.wait_for_jobs, 1)
        assert b"frontdesk test page" in page
        for _ in range(20):  # the thread's result is handed to the screen's loop
            await pilot.pause()
            if "Test page printed on Front receipt" in screen_text(app):
                break
        assert "Test page printed on Front receipt" in screen_text(app)
        # FRONT-1 now prints on it.
        app.screen.query_one("#pr-stations-table").focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#sp-workstation").value = "FRONT-1"
        app.screen.query_one("#sp-printer").value = "Front receipt"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert printers.printer_for(app.db, "FRONT-1").name == "Front receipt"


async def test_todays_receipts_reprints_a_receipt(console) -> None:
    app = console
    posting = _deposit(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        app.open_place("receipts")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReceiptsScreen)
        text = screen_text(app)
        assert posting.number in text and "waiting" in text
        assert "This desk prints on the built-in file printer (printed/): 1 waiting." in text
        await pilot.press("enter")  # the highlighted (newest) receipt, previewed
        await pilot.pause()
        assert isinstance(app.screen, ReceiptDialog) and posting.number in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        # It has not printed yet: a reprint asks first (two copies would come out).
        await pilot.press("r")
        await pilot.pause()
        assert "is still waiting for the printer" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert db_value(app, "SELECT count(*) FROM print_jobs WHERE reprint = 1") == 0
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert f"Receipt {posting.number} reprint queued." in screen_text(app)
        assert (
            db_value(
                app,
                "SELECT count(*) FROM print_jobs WHERE posting_id = ? AND reprint = 1",
                posting.id,
            )
            == 1
        )
        assert "receipt REPRINT" in screen_text(app)
        await pilot.press("x", "y")  # a receptionist cannot cancel a job
        await pilot.pause()
        assert "Only a manager can" in screen_text(app)
        assert db_value(app, "SELECT status FROM print_jobs WHERE id = (SELECT max(id)"
                        " FROM print_jobs)") == "pending"  # fmt: skip
