"""The print queue against a fake network printer on 127.0.0.1: the bytes it records are
the golden ones; a printer that refuses, never reads, drops the connection or has no
paper leaves the payment committed and its receipt waiting with a readable error, and
the receipt prints exactly once when the printer is back. Claims, back-off, the other
connections' errors, and the drawer opening for cash."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from frontdesk.data.money import Money
from frontdesk.data.money_models import Receipt
from frontdesk.data.printer_models import Printer, QueueState
from frontdesk.errors import PrinterProblem
from frontdesk.printing import transports
from frontdesk.printing.render import job_bytes
from frontdesk.printing.transports import Timeouts
from frontdesk.printing.worker import PrintWorker
from frontdesk.services import drawers, payments, print_queue, printers, receipts
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, actor
from tests.fake_printer import FakePrinter
from tests.unit.money_helpers import a_patient_with_nothing_today, card, cash, key
from tests.unit.test_receipt_layout import GOLDEN, payment

QUICK = Timeouts(connect=1.0, send=1.0)
# A failing send is over within its timeouts; the slack is for a loaded test machine.
BOUND = QUICK.connect + QUICK.send + 1.5


@pytest.fixture
def fake():
    printer = FakePrinter()
    yield printer
    printer.stop()


def _network_printer(desk: Desk, port: int, name: str = "Front receipt") -> Printer:
    manager = desk.signed_in(actor(desk, "dokafor"))
    saved = printers.save_printer(
        manager, Printer(name=name, connection="network", host="127.0.0.1", port=port)
    )
    printers.assign(manager, desk.workstation, saved.name)
    return saved


def _worker(desk: Desk, clock: FakeClock) -> PrintWorker:
    return PrintWorker(desk.db.path, desk.workstation, clock.now, timeouts=QUICK)


def _job(desk: Desk, job_id: int) -> dict:
    return desk.db.query("SELECT * FROM print_jobs WHERE id = ?", (job_id,))[0]


def _pending(desk: Desk) -> None:
    """Only the test's jobs wait (the demo's history is printed already)."""
    desk.db.execute("UPDATE print_jobs SET status = 'printed' WHERE status = 'pending'")


def _cash_payment(desk: Desk):
    clerk = desk.signed_in(actor(desk, "anguyen"))
    patient = a_patient_with_nothing_today(clerk)
    # A deposit takes money whatever the balance: cash, so the drawer opens too.
    return payments.post_deposit(clerk, patient, [cash(2500, tendered=3000)], key())


def test_a_recording_printer_gets_the_golden_bytes(desk: Desk, clock: FakeClock, fake) -> None:
    _pending(desk)
    _network_printer(desk, fake.port)
    job_id = desk.db.execute(
        "INSERT INTO print_jobs (workstation, kind, payload, kick, created_at)"
        " VALUES ('FRONT-1', 'receipt', ?, 1, ?)",
        (payment().model_dump_json(), clock.stamp()),
    ).lastrowid
    assert _worker(desk, clock).run_once(desk.db)
    golden = (GOLDEN.parent / "escpos" / "payment_42_pulse.hex").read_text(encoding="ascii")
    (recorded,) = fake.wait_for_jobs(1)
    assert recorded == bytes.fromhex(golden.replace("\n", " "))
    row = _job(desk, job_id)
    assert (row["status"], row["attempts"], row["last_error"]) == ("printed", 1, "")
    assert row["printed_at"] == clock.stamp()


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("refuse", "refused the connection"),
        ("never_read", "stopped reading"),
        ("drop", "dropped the connection"),
        ("paper_out", "out of paper"),
    ],
)
def test_a_failing_printer_never_undoes_the_payment_and_prints_once_when_back(
    desk: Desk, clock: FakeClock, fake, mode: str, error: str
) -> None:
    _pending(desk)
    printer = _network_printer(desk, fake.port)
    if mode == "refuse":
        fake.stop()
    else:
        fake.mode = mode
    posting = _cash_payment(desk)
    # The payment is committed before any printer is tried.
    assert (
        desk.db.execute(
            "SELECT count(*) FROM ledger WHERE posting_id = ?", (posting.id,)
        ).fetchone()[0]
        > 0
    )
    worker = _worker(desk, clock)
    started = time.monotonic()
    assert worker.run_once(desk.db)
    assert time.monotonic() - started < BOUND
    row = _job(desk, posting.print_job_id)
    assert row["status"] == "pending" and row["attempts"] == 1
    assert error in row["last_error"] and "Front receipt (127.0.0.1:" in row["last_error"]
    state = print_queue.state(desk.db, "FRONT-1")
    assert state.status_text() == "printer offline — 1 receipt waiting"
    # Not due again before its back-off, even with the printer back.
    if mode == "refuse":
        fake.start()
    else:
        fake.stop()
        fake.mode = "record"
        fake.start()
    assert not worker.run_once(desk.db)
    clock.advance(seconds=print_queue.backoff_seconds(1))
    assert worker.run_once(desk.db)
    assert not worker.run_once(desk.db)
    (recorded,) = fake.wait_for_jobs(1)
    job = print_queue._job(
        desk.db.execute(f"{print_queue._JOB} WHERE id = ?", (posting.print_job_id,)).fetchone()
    )
    assert recorded == job_bytes(job, printer)
    assert b"\x1bp\x00" in recorded  # cash: the drawer opened with the receipt
    row = _job(desk, posting.print_job_id)
    assert (row["status"], row["attempts"]) == ("printed", 2)
    assert print_queue.state(desk.db, "FRONT-1") == QueueState()
    assert len(fake.jobs) == 1


def test_a_job_is_claimed_by_one_worker_at_a_time(desk: Desk, clock: FakeClock) -> None:
    _pending(desk)
    job_id = desk.db.execute(
        "INSERT INTO print_jobs (workstation, kind, payload, created_at)"
        " VALUES ('FRONT-1', 'test', '{}', ?)",
        (clock.stamp(),),
    ).lastrowid
    first = print_queue.claim(desk.db, "FRONT-1", "a", clock.now())
    assert first is not None and first.id == job_id and first.attempts == 1
    assert print_queue.claim(desk.db, "FRONT-1", "b", clock.now()) is None
    assert print_queue.claim(desk.db, "FRONT-2", "c", clock.now()) is None
    # A worker that died with the job in hand: after its lease another takes it over,
    # and the first can no longer mark it.
    clock.advance(seconds=print_queue.LEASE_SECONDS + 1)
    second = print_queue.claim(desk.db, "FRONT-1", "b", clock.now())
    assert second is not None and second.attempts == 2
    assert not print_queue.mark_printed(desk.db, job_id, "a", clock.now())
    assert print_queue.mark_printed(desk.db, job_id, "b", clock.now())
    assert _job(desk, job_id)["status"] == "printed"


def test_back_off_doubles_to_two_minutes() -> None:
    assert [print_queue.backoff_seconds(n) for n in range(1, 9)] == [
        5, 10, 20, 40, 80, 120, 120, 120,
    ]  # fmt: skip


def test_no_printer_set_up_prints_to_the_file_in_the_data_directory(
    desk: Desk, clock: FakeClock
) -> None:
    _pending(desk)
    posting = _cash_payment(desk)
    assert _worker(desk, clock).run_once(desk.db)
    out = Path(desk.db.path).parent / "printed" / "FRONT-1.escpos"
    data = out.read_bytes()
    assert posting.receipt.number.encode() in data and data.count(b"\x1dV\x00") == 1
    assert _job(desk, posting.print_job_id)["status"] == "printed"
    assert printers.printer_for(desk.db, "FRONT-1").name == printers.FILE_PRINTER


def test_a_job_that_cannot_be_laid_out_waits_with_its_reason(desk: Desk, clock: FakeClock) -> None:
    _pending(desk)
    job_id = desk.db.execute(
        "INSERT INTO print_jobs (workstation, kind, payload, created_at)"
        " VALUES ('FRONT-1', 'receipt', 'not json', ?)",
        (clock.stamp(),),
    ).lastrowid
    assert _worker(desk, clock).run_once(desk.db)
    row = _job(desk, job_id)
    assert row["status"] == "pending" and "receipt cannot be read" in row["last_error"]


def test_the_worker_thread_sends_what_is_queued(desk: Desk, clock: FakeClock, fake) -> None:
    _pending(desk)
    _network_printer(desk, fake.port)
    seen: list[QueueState] = []
    worker = PrintWorker(desk.db.path, "FRONT-1", clock.now, timeouts=QUICK, on_change=seen.append)
    worker.start()
    try:
        posting = _cash_payment(desk)
        worker.wake()
        (recorded,) = fake.wait_for_jobs(1)
        assert posting.receipt.number.encode() in recorded
    finally:
        worker.stop(wait=5)
    assert _job(desk, posting.print_job_id)["status"] == "printed"
    assert seen and seen[-1] == QueueState()


# -- the other connections: what a wrong setting says ------------------------------------


def test_an_unreachable_host_fails_within_the_connect_timeout() -> None:
    printer = Printer(name="Back office", connection="network", host="192.0.2.1", port=9100)
    started = time.monotonic()
    with pytest.raises(PrinterProblem, match=r"Back office \(192\.0\.2\.1:9100\)"):
        transports.send(printer, b"x", Timeouts(connect=0.3, send=0.3))
    assert time.monotonic() - started < 2


def test_a_wrong_usb_id_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import usb.core

    monkeypatch.setattr(usb.core, "find", lambda **ids: None)
    printer = Printer(name="Desk 2", connection="usb", usb_vendor=0x04B8, usb_product=0x0E15)
    with pytest.raises(PrinterProblem, match=r"USB 04b8:0e15.*no USB printer with that id"):
        transports.send(printer, b"x")


def test_usb_without_libusb_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import usb.core

    def no_backend(**ids):
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", no_backend)
    printer = Printer(name="Desk 2", connection="usb", usb_vendor=1, usb_product=2)
    with pytest.raises(PrinterProblem, match="libusb"):
        transports.send(printer, b"x")


def test_a_missing_serial_port_and_a_missing_cups_say_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serial = Printer(name="Old TM", connection="serial", device="/dev/ttyNOPE9", baud=9600)
    with pytest.raises(PrinterProblem, match=r"Old TM \(/dev/ttyNOPE9\) cannot be opened"):
        transports.send(serial, b"x")
    monkeypatch.setenv("PATH", str(tmp_path))
    cups = Printer(name="Office", connection="cups", queue="receipts")
    with pytest.raises(PrinterProblem, match="CUPS is not installed"):
        transports.send(cups, b"x")
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    blocked = Printer(name="Spool", connection="file", path=str(in_the_way / "out.bin"))
    with pytest.raises(PrinterProblem, match=r"Spool: cannot write .*a-file/out.bin"):
        transports.send(blocked, b"x")


# -- setup -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the printer's name"),
        ({"name": "File (built in)"}, "built-in printer's name"),
        ({"host": ""}, "Enter the host"),
        ({"host": "bad host!"}, "The host is a name"),
        ({"port": 0}, "The port is from 1 to 65535"),
        ({"profile": "TM-NOPE"}, "no printer profile 'TM-NOPE'"),
        ({"code_page": "CP999"}, "has no code page CP999"),
        ({"columns": 40}, "58 mm"),
        ({"drawer_pin": 3}, "pin is 2 or 5"),
        ({"pulse_ms": 900}, "pulse is from 2 to 510"),
        ({"connection": "usb"}, "Enter the USB vendor id"),
        ({"connection": "serial", "device": "COM1"}, "is a /dev path"),
        ({"connection": "serial", "device": "/dev/ttyS0", "baud": 1234}, "baud rate is one of"),
        ({"connection": "cups", "queue": "a queue"}, "CUPS queue's name"),
        ({"connection": "file", "path": "out.bin"}, "full path"),
    ],
)
def test_a_bad_printer_setting_is_refused_and_nothing_saved(
    manager_desk: Desk, changes: dict, message: str
) -> None:
    good = Printer(name="Front receipt", connection="network", host="10.0.0.40")
    with pytest.raises(Exception, match=message):
        printers.save_printer(manager_desk, good.model_copy(update=changes))
    assert printers.printers(manager_desk) == []


def test_printers_are_set_up_by_a_manager_and_mapped_to_workstations(
    manager_desk: Desk, receptionist_desk: Desk
) -> None:
    front = Printer(name="Front receipt", connection="network", host="10.0.0.40")
    with pytest.raises(Exception, match="Only a manager"):
        printers.save_printer(receptionist_desk, front)
    saved = printers.save_printer(manager_desk, front)
    assert saved.id > 0 and saved.where == "10.0.0.40:9100"
    with pytest.raises(Exception, match="already a printer called"):
        printers.save_printer(manager_desk, front.model_copy(update={"name": "front RECEIPT"}))
    usb = printers.save_printer(
        manager_desk,
        Printer(name="Check-out", connection="usb", columns=32, drawer_pin=5,
                usb_vendor=printers.parse_usb_id("0x04b8", "vendor"),
                usb_product=printers.parse_usb_id("0202", "product")),
    )  # fmt: skip
    assert usb.where == "USB 04b8:0202"
    with pytest.raises(Exception, match="4 hex digits"):
        printers.parse_usb_id("04b8x", "vendor")
    printers.assign(manager_desk, "FRONT-2", "Check-out")
    assert printers.printer_for(manager_desk.db, "FRONT-2").name == "Check-out"
    # A job naming a printer (a drawer's) goes there; an unknown name falls back.
    assert printers.printer_for(manager_desk.db, "FRONT-2", "front receipt").name == (
        "Front receipt"
    )
    assert printers.printer_for(manager_desk.db, "FRONT-2", "gone").name == "Check-out"
    assert printers.printer_for(manager_desk.db, "FRONT-1").name == printers.FILE_PRINTER
    with pytest.raises(Exception, match="no printer in use called"):
        printers.assign(manager_desk, "FRONT-1", "Nope")
    printers.save_printer(manager_desk, usb.model_copy(update={"active": False}))
    assert printers.printer_for(manager_desk.db, "FRONT-2").name == printers.FILE_PRINTER
    assert ("FRONT-2", "Check-out") in printers.workstations(manager_desk)


# -- the drawer opens for cash ---------------------------------------------------------------


def test_cash_opens_the_drawer_and_a_card_or_a_reprint_does_not(desk: Desk) -> None:
    clerk = desk.signed_in(actor(desk, "anguyen"))
    patient = a_patient_with_nothing_today(clerk)
    by_cash = payments.post_deposit(clerk, patient, [cash(1000)], key())
    by_card = payments.post_deposit(clerk, patient, [card(1000)], key())
    reprint = receipts.reprint(clerk, by_cash.id)
    kicks = dict(
        desk.db.execute(
            "SELECT id, kick FROM print_jobs WHERE id IN (?, ?, ?)",
            (by_cash.print_job_id, by_card.print_job_id, reprint),
        ).fetchall()
    )
    assert kicks == {by_cash.print_job_id: 1, by_card.print_job_id: 0, reprint: 0}
    payload = json.loads(_job(desk, reprint)["payload"])
    assert Receipt.model_validate(payload).reprint


def test_a_paid_out_opens_the_drawer(desk: Desk) -> None:
    clerk = desk.signed_in(actor(desk, "anguyen"))
    before = desk.db.execute("SELECT count(*) FROM print_jobs WHERE kind = 'drawer_kick'")
    before = before.fetchone()[0]
    drawers.record_move(
        clerk, "paid_out", Money(1200), key(), payee="Post office", reason="stamps",
        approver=actor(desk, "dokafor"),
    )  # fmt: skip
    (after,) = desk.db.execute(
        "SELECT count(*) FROM print_jobs WHERE kind = 'drawer_kick'"
    ).fetchone()
    assert after == before + 1


def test_a_new_printer_for_the_desk_tries_what_waits_at_once(
    desk: Desk, clock: FakeClock, fake
) -> None:
    _pending(desk)
    fake.stop()
    _network_printer(desk, fake.port)
    posting = _cash_payment(desk)
    worker = _worker(desk, clock)
    assert worker.run_once(desk.db) and not worker.run_once(desk.db)  # waits its back-off
    printers.assign(desk.signed_in(actor(desk, "dokafor")), "FRONT-1", "")
    assert worker.run_once(desk.db)  # at once, on the built-in file printer
    assert _job(desk, posting.print_job_id)["status"] == "printed"


def test_a_days_jobs_are_those_queued_on_its_local_date(desk: Desk) -> None:
    import datetime as dt

    from frontdesk.data.clock import to_stored

    late, early = (
        to_stored(dt.datetime(2026, 11, 26, hour, 30, tzinfo=dt.UTC)) for hour in (5, 6)
    )  # 11:30pm on the 25th and 12:30am on the 26th in Chicago
    ids = [
        desk.db.execute(
            "INSERT INTO print_jobs (workstation, kind, payload, created_at)"
            " VALUES ('FRONT-1', 'test', '{}', ?)",
            (stamp,),
        ).lastrowid
        for stamp in (late, early)
    ]
    on = {day: [r["id"] for r in print_queue.day_jobs(desk, day)]
          for day in (dt.date(2026, 11, 25), dt.date(2026, 11, 26))}  # fmt: skip
    assert on == {dt.date(2026, 11, 25): [ids[0]], dt.date(2026, 11, 26): [ids[1]]}
    assert print_queue.day_jobs(desk, dt.date(2026, 11, 25))[0]["time"] == "11:30pm"
