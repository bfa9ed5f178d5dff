"""Receipt printers: their setup, which workstation prints where, and the built-in file
printer.

A printer is reached over the network (raw TCP, port 9100), USB (vendor and product id),
a serial port, a CUPS queue or a file (a device file such as /dev/usb/lp0 counts). A
workstation with no printer mapped prints to the file printer in the data directory,
so the demo works anywhere; each receipt is shown on screen as well.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.errors import Conflict, Invalid, NotFound, echo
from frontdesk.services import audit
from frontdesk.services.fields import one_line

if TYPE_CHECKING:
    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.data.printer_models import Printer
    from frontdesk.printing.transports import Timeouts
    from frontdesk.services.context import Desk

__all__ = [
    "BAUD_RATES",
    "FILE_PRINTER",
    "assign",
    "data_folder",
    "default_printer",
    "parse_usb_id",
    "printer_for",
    "printer_named",
    "printers",
    "record_test",
    "save_printer",
    "test_page",
    "test_page_bytes",
    "workstations",
]

#: The name of the built-in printer used by a workstation with none of its own.
FILE_PRINTER = "File (built in)"
BAUD_RATES = (9600, 19200, 38400, 57600, 115200)
_COLUMNS = (
    "id, name, connection, host, port, usb_vendor, usb_product, device, baud, queue, path,"
    " profile, columns, code_page, cut, drawer_pin, pulse_ms, active"
)
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$|^\[?[0-9A-Fa-f:]+\]?$")
_QUEUE = re.compile(r"^[A-Za-z0-9_.-]{1,127}$")


def _printer(row: tuple) -> Printer:
    from frontdesk.data.printer_models import Printer

    fields = dict(zip([c.strip() for c in _COLUMNS.split(",")], row, strict=True))
    return Printer(**{**fields, "cut": bool(fields["cut"]), "active": bool(fields["active"])})


def data_folder(db: FrontDeskDatabase) -> Path:
    """The data directory: the folder the database file is in."""
    return Path(db.path).resolve().parent


def default_printer(db: FrontDeskDatabase, workstation: str) -> Printer:
    """The built-in file printer: each workstation's receipts appended, as ESC/POS bytes,
    to `printed/<workstation>.escpos` in the data directory."""
    from frontdesk.data.printer_models import Printer

    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", workstation) or "workstation"
    path = data_folder(db) / "printed" / f"{safe}.escpos"
    return Printer(name=FILE_PRINTER, connection="file", path=str(path))


def printers(desk: Desk, *, active_only: bool = False) -> list[Printer]:
    """The printers set up, by name."""
    where = " WHERE active = 1" if active_only else ""
    rows = desk.db.execute(f"SELECT {_COLUMNS} FROM printers{where} ORDER BY name").fetchall()
    return [_printer(row) for row in rows]


def printer_named(db: FrontDeskDatabase, name: str) -> Printer | None:
    """The active printer called `name` (any case), or None."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM printers WHERE name = ? AND active = 1", (name,)
    ).fetchone()
    return _printer(row) if row else None


def printer_for(db: FrontDeskDatabase, workstation: str, name: str = "") -> Printer:
    """The printer a job of `workstation` goes to: the one it names (a drawer's printer),
    else the workstation's, else the built-in file printer."""
    if name and (named := printer_named(db, name)) is not None:
        return named
    row = db.execute(
        f"SELECT {', '.join('p.' + c.strip() for c in _COLUMNS.split(','))}"
        " FROM workstation_printers w JOIN printers p ON p.id = w.printer_id"
        " WHERE w.workstation = ? AND p.active = 1",
        (workstation,),
    ).fetchone()
    return _printer(row) if row else default_printer(db, workstation)


def workstations(desk: Desk) -> list[tuple[str, str]]:
    """(workstation, printer name) for every workstation known: mapped to a printer, at a
    drawer, or having queued a job; "" where it prints to the built-in file printer."""
    rows = desk.db.execute(
        "SELECT w, coalesce((SELECT p.name FROM workstation_printers m"
        " JOIN printers p ON p.id = m.printer_id WHERE m.workstation = w), '') FROM ("
        " SELECT workstation AS w FROM workstation_printers UNION"
        " SELECT workstation FROM drawers WHERE active = 1 UNION"
        " SELECT DISTINCT workstation FROM print_jobs WHERE workstation NOT LIKE 'shell:%'"
        "   AND workstation <> '')"
        " ORDER BY w COLLATE NOCASE"
    ).fetchall()
    return [(w, name) for w, name in rows]


def parse_usb_id(text: str, what: str) -> int:
    """A USB vendor or product id typed as hex ("04b8", "0x04b8"), or Invalid."""
    value = text.strip().lower().removeprefix("0x")
    if not re.fullmatch(r"[0-9a-f]{1,4}", value):
        raise Invalid(f"The USB {what} id is 4 hex digits, such as 04b8.")
    return int(value, 16)


def _check(printer: Printer) -> Printer:
    """The printer as it will be saved, or Invalid saying which field is wrong."""
    from frontdesk.data.printer_models import PAPER_COLUMNS
    from frontdesk.printing import escpos_bytes

    name = one_line(printer.name, "printer's name", max_length=40, required=True)
    if name.lower() == FILE_PRINTER.lower():
        raise Invalid(f"{FILE_PRINTER} is the built-in printer's name; choose another.")
    changes: dict = {"name": name}
    if printer.connection == "network":
        host = one_line(printer.host, "host", max_length=253, required=True)
        if not _HOST.match(host):
            raise Invalid("The host is a name such as receipt-1.local or an address.")
        if not 1 <= printer.port <= 65535:
            raise Invalid("The port is from 1 to 65535 (receipt printers use 9100).")
        changes["host"] = host
    elif printer.connection == "usb":
        for what, value in (("vendor", printer.usb_vendor), ("product", printer.usb_product)):
            if value is None or not 0 < value <= 0xFFFF:
                raise Invalid(f"Enter the USB {what} id (4 hex digits, such as 04b8).")
    elif printer.connection == "serial":
        device = one_line(printer.device, "serial device", max_length=200, required=True)
        if not device.startswith("/dev/"):
            raise Invalid("The serial device is a /dev path, such as /dev/ttyUSB0.")
        if printer.baud not in BAUD_RATES:
            rates = ", ".join(str(rate) for rate in BAUD_RATES)
            raise Invalid(f"The baud rate is one of {rates}.")
        changes["device"] = device
    elif printer.connection == "cups":
        queue = one_line(printer.queue, "CUPS queue", max_length=127, required=True)
        if not _QUEUE.match(queue):
            raise Invalid("A CUPS queue's name has letters, digits, '-', '_' and '.' only.")
        changes["queue"] = queue
    else:
        path = one_line(printer.path, "file", max_length=400, required=True)
        if not Path(path).is_absolute():
            raise Invalid("The file is a full path, such as /dev/usb/lp0.")
        changes["path"] = path
    if printer.profile not in escpos_bytes.profiles():
        raise Invalid(f"python-escpos has no printer profile {printer.profile!r}.")
    if printer.code_page and printer.code_page not in escpos_bytes.code_pages(printer.profile):
        raise Invalid(f"The {printer.profile} has no code page {echo(printer.code_page)}.")
    if printer.columns not in PAPER_COLUMNS:
        raise Invalid("The paper is 58 mm (32 columns) or 80 mm (42 or 48 columns).")
    if printer.drawer_pin not in escpos_bytes.DRAWER_PINS:
        raise Invalid("The drawer pin is 2 or 5.")
    if not 2 <= printer.pulse_ms <= 510:
        raise Invalid("The drawer pulse is from 2 to 510 ms (100 ms suits most drawers).")
    return printer.model_copy(update=changes)


def save_printer(desk: Desk, printer: Printer) -> Printer:
    """Add a printer (`printer.id` 0) or change one. Manager only; Invalid or Conflict
    with nothing saved."""
    desk.require_manager("set up printers")
    printer = _check(printer)
    values = printer.model_dump(exclude={"id"})
    values["cut"], values["active"] = int(printer.cut), int(printer.active)
    names = list(values)
    with desk.writing():
        if desk.db.execute(
            "SELECT 1 FROM printers WHERE name = ? AND id <> ?", (printer.name, printer.id)
        ).fetchone():
            raise Conflict(f"There is already a printer called {printer.name}.")
        if printer.id == 0:
            printer_id = desk.db.execute(
                f"INSERT INTO printers ({', '.join(names)})"
                f" VALUES ({', '.join('?' for _ in names)})",
                [values[n] for n in names],
            ).lastrowid
            audit.record(desk, "printer added", "printers", printer_id, printer.where)
        else:
            printer_id = printer.id
            changed = desk.db.execute(
                f"UPDATE printers SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
                [*(values[n] for n in names), printer_id],
            ).rowcount
            if not changed:
                raise NotFound("There is no such printer.")
            audit.record(desk, "printer changed", "printers", printer_id, printer.where)
        # A changed setup may be the fix: what waits is tried again at once.
        desk.db.execute("UPDATE print_jobs SET next_try_at = NULL WHERE status = 'pending'")
        row = desk.db.execute(
            f"SELECT {_COLUMNS} FROM printers WHERE id = ?", (printer_id,)
        ).fetchone()
    return _printer(row)


def assign(desk: Desk, workstation: str, printer_name: str) -> None:
    """Make `workstation` print on `printer_name` ("" for the built-in file printer).
    Manager only."""
    from frontdesk.services.workstations import check_name

    desk.require_manager("choose a workstation's printer")
    workstation = check_name(workstation, desk.db)
    with desk.writing():
        if not printer_name or printer_name.lower() == FILE_PRINTER.lower():
            desk.db.execute(
                "DELETE FROM workstation_printers WHERE workstation = ?", (workstation,)
            )
        else:
            row = desk.db.execute(
                "SELECT id FROM printers WHERE name = ? AND active = 1", (printer_name,)
            ).fetchone()
            if row is None:
                raise NotFound(f"There is no printer in use called {printer_name}.")
            desk.db.execute(
                "INSERT INTO workstation_printers (workstation, printer_id) VALUES (?, ?)"
                " ON CONFLICT (workstation) DO UPDATE SET printer_id = excluded.printer_id",
                (workstation, row[0]),
            )
        desk.db.execute(
            "UPDATE print_jobs SET next_try_at = NULL WHERE status = 'pending' AND workstation = ?",
            (workstation,),
        )
        audit.record(
            desk, "workstation printer set", "workstation_printers", None,
            f"{workstation} -> {printer_name or FILE_PRINTER}",
        )  # fmt: skip


def test_page_bytes(desk: Desk, name: str = "") -> tuple[Printer, bytes]:
    """The printer called `name` (this workstation's when blank) and a test page's bytes
    for it; NotFound for an unknown name, PrinterProblem if it cannot be rendered."""
    from frontdesk.data.printer_models import PrintJob
    from frontdesk.errors import PrinterProblem
    from frontdesk.printing.render import job_bytes

    if name and name.lower() != FILE_PRINTER.lower():
        printer = printer_named(desk.db, name)
        if printer is None:
            raise NotFound(f"There is no printer in use called {name}.")
    else:
        printer = printer_for(desk.db, desk.workstation)
    job = PrintJob(id=0, workstation=desk.workstation, printer=printer.name, kind="test",
                   payload="{}")  # fmt: skip
    try:
        return printer, job_bytes(job, printer)
    except ValueError as error:
        raise PrinterProblem(f"{printer.name}: {error}") from error


def record_test(desk: Desk, printer: Printer, outcome: str) -> None:
    """Audit a test page and how it went ("printed", or what was wrong)."""
    with desk.writing():
        audit.record(desk, "printer test page", "printers", printer.id or None,
                     f"{printer.name}: {outcome}"[:200])  # fmt: skip


def test_page(desk: Desk, name: str = "", timeouts: Timeouts | None = None) -> Printer:
    """Print a test page on the printer called `name` (this workstation's when blank),
    straight away and not through the queue; returns the printer, or raises NotFound or
    PrinterProblem saying what is wrong. Audited either way."""
    from frontdesk.errors import PrinterProblem
    from frontdesk.printing.transports import Timeouts, send

    printer, data = test_page_bytes(desk, name)
    try:
        send(printer, data, timeouts or Timeouts())
    except PrinterProblem as problem:
        record_test(desk, printer, str(problem))
        raise
    record_test(desk, printer, "printed")
    return printer
