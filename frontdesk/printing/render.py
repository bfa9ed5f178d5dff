"""A queued job to the bytes its printer takes: the job's document laid out at the
printer's width, rendered for its profile and code page, cut if it cuts, with the drawer
pulse when the job opens the drawer. Pure: no database, no device."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.printing import escpos_bytes

if TYPE_CHECKING:
    from frontdesk.data.printer_models import Printer, PrintJob

__all__ = ["job_bytes", "test_page_lines"]


def test_page_lines(printer: Printer, width: int) -> list[str]:
    """A test page: the printer's name and setup, a ruler as wide as the paper, accents."""
    ruler = ("1234567890" * 5)[:width]
    return [
        "frontdesk test page".center(width).rstrip(),
        "",
        f"Printer: {printer.name}"[:width],
        f"Where: {printer.where}"[:width],
        f"Profile: {printer.profile}"[:width],
        f"Paper: {width} columns"[:width],
        f"Drawer: pin {printer.drawer_pin}, {printer.pulse_ms} ms"[:width],
        "",
        ruler,
        "Peña Müller Nguyễn Ørsted"[:width],
        "",
    ]


def job_bytes(job: PrintJob, printer: Printer) -> bytes:
    """The ESC/POS bytes of `job` on `printer`; ValueError for a job that cannot be laid
    out or rendered (an unknown kind, a payload that does not parse, a bad profile)."""
    options = {
        "profile": printer.profile,
        "code_page": printer.code_page,
        "cut": printer.cut,
        "pulse_ms": printer.pulse_ms,
    }
    pin = printer.drawer_pin if job.kick else None
    if job.kind == "drawer_kick":
        return escpos_bytes.kick_bytes(printer.drawer_pin, printer.pulse_ms)
    if job.kind == "test":
        return escpos_bytes.render_lines(
            test_page_lines(printer, printer.columns), drawer_pin=pin, **options
        )
    if job.kind == "receipt":
        from frontdesk.data.money_models import Receipt

        try:
            receipt = Receipt.model_validate_json(job.payload)
        except ValueError as error:
            raise ValueError(f"Job {job.id}: the receipt cannot be read.") from error
        return escpos_bytes.receipt_bytes(receipt, printer.columns, drawer_pin=pin, **options)
    from frontdesk.printing.documents import document_lines

    lines = document_lines(job.kind, job.payload, printer.columns)
    return escpos_bytes.render_lines(lines, drawer_pin=pin, **options)
