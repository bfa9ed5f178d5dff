"""`frontdesk printer list` and `frontdesk printer test`: a test page on the built-in
file printer, on a fake network printer, and what a printer that refuses says."""

from __future__ import annotations

from pathlib import Path

from frontdesk.cli import main
from frontdesk.data.clock import Clock
from frontdesk.data.printer_models import Printer
from frontdesk.data.schema import open_database
from frontdesk.services import printers
from frontdesk.services.context import Desk
from tests.fake_printer import FakePrinter


def _add(path: Path, port: int) -> None:
    db = open_database(path)
    desk = Desk(db=db, clock=Clock("America/Chicago"), workstation="shell:test", shell=True)
    printers.save_printer(
        desk, Printer(name="Front receipt", connection="network", host="127.0.0.1", port=port)
    )
    printers.assign(desk, "FRONT-1", "Front receipt")
    db.close()


def test_a_test_page_on_the_file_printer_then_a_network_one(practice_path: Path, capsys) -> None:
    db = str(practice_path)
    assert main(["printer", "test", "--db", db, "--workstation", "FRONT-2"]) == 0
    out = capsys.readouterr().out
    page = practice_path.parent / "printed" / "FRONT-2.escpos"
    assert f"Test page printed on File (built in) ({page})." in out
    assert b"frontdesk test page" in page.read_bytes()
    fake = FakePrinter()
    try:
        _add(practice_path, fake.port)
        assert main(["printer", "test", "Front receipt", "--db", db]) == 0
        (recorded,) = fake.wait_for_jobs(1)
        assert b"Printer: Front receipt" in recorded
        assert main(["printer", "list", "--db", db]) == 0
        listing = capsys.readouterr().out
        assert f"Front receipt: network, 127.0.0.1:{fake.port}, TM-T88V, 42 columns" in listing
        assert "FRONT-1 prints on Front receipt" in listing
        fake.stop()
        assert main(["printer", "test", "--db", db, "--workstation", "FRONT-1"]) == 1
        assert "Not printed: Front receipt (127.0.0.1:" in capsys.readouterr().err
    finally:
        fake.stop()
    assert main(["printer", "test", "Nope", "--db", db]) == 2
    assert "There is no printer in use called Nope." in capsys.readouterr().err
    db_ = open_database(practice_path)
    audited = db_.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'printer test page'"
    ).fetchone()[0]
    db_.close()
    assert audited == 3
