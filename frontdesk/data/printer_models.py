"""Pydantic models of the receipt printers and their queue: a printer's setup, a job as
the sending worker sees it, and what the status line says about a workstation's queue."""

from __future__ import annotations

from typing import Literal, get_args

from frontdesk.data.models import _Model

__all__ = [
    "CONNECTIONS",
    "PAPER_COLUMNS",
    "Connection",
    "PrintJob",
    "Printer",
    "QueueState",
]

Connection = Literal["network", "usb", "serial", "cups", "file"]
CONNECTIONS: tuple[Connection, ...] = get_args(Connection)
#: Characters a line of each paper holds: 58 mm rolls take 32, 80 mm rolls 42 (font A on
#: most printers) or 48 (printers with a denser font A, such as the TM-T20 series).
PAPER_COLUMNS = {32: "58 mm, 32 columns", 42: "80 mm, 42 columns", 48: "80 mm, 48 columns"}


class Printer(_Model):
    """A receipt printer: how it is reached (only the fields of its connection count),
    its python-escpos profile, paper and drawer port. `id` 0 is the built-in file printer
    used when a workstation has none."""

    id: int = 0
    name: str
    connection: Connection
    host: str = ""
    port: int = 9100
    usb_vendor: int | None = None
    usb_product: int | None = None
    device: str = ""
    baud: int = 9600
    queue: str = ""
    path: str = ""
    profile: str = "TM-T88V"
    columns: int = 42
    code_page: str = ""  # "" lets python-escpos choose per character
    cut: bool = True
    drawer_pin: int = 2
    pulse_ms: int = 100
    active: bool = True

    @property
    def where(self) -> str:
        """Where the printer is, in a few words ("10.0.0.40:9100", "USB 04b8:0202")."""
        if self.connection == "network":
            return f"{self.host}:{self.port}"
        if self.connection == "usb":
            return f"USB {self.usb_vendor or 0:04x}:{self.usb_product or 0:04x}"
        if self.connection == "serial":
            return f"{self.device} at {self.baud} baud"
        if self.connection == "cups":
            return f"CUPS queue {self.queue}"
        return self.path


class PrintJob(_Model):
    """A job as the worker sends it."""

    id: int
    workstation: str
    printer: str  # the printer named when queued ("" for the workstation's)
    kind: str
    payload: str
    reprint: bool = False
    kick: bool = False
    attempts: int = 0


class QueueState(_Model):
    """A workstation's queue at a glance: jobs waiting, and why the oldest failed."""

    waiting: int = 0
    failing: int = 0  # waiting jobs that failed at least once
    last_error: str = ""

    @property
    def offline(self) -> bool:
        return self.failing > 0

    def status_text(self) -> str:
        """The status line: "printer offline — 3 receipts waiting" (empty when fine)."""
        if not self.offline:
            return ""
        noun = "receipt" if self.waiting == 1 else "receipts"
        return f"printer offline — {self.waiting} {noun} waiting"
