"""Every printed document as text lines at a paper width: receipts, patient statements
and reports (the day sheet, the deposit slip, drawer closes).

Pure and quick like `layout`, whose rows it shares: amounts right-aligned and never
cut, text wrapped beside them, widths in terminal cells. The first line of a document is
its title, which the printer prints bold and double height.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ValidationError
from rich.cells import cell_len, set_cell_size

from frontdesk.data.money_models import Receipt
from frontdesk.data.print_models import Report, ReportRow, Statement
from frontdesk.printing.layout import (
    _MIN_TEXT,
    MIN_WIDTH,
    _amount_row,
    _centred,
    _clean,
    _field,
    _right,
    _rule,
    _wrap,
    receipt_lines,
)

__all__ = [
    "DOCUMENT_KINDS",
    "REPORT_KINDS",
    "document_lines",
    "report_lines",
    "statement_lines",
]

#: Print jobs whose payload is a `Report`.
REPORT_KINDS = ("day_sheet", "deposit", "drawers", "drawer_close")
#: Every kind of print job that is a document to lay out.
DOCUMENT_KINDS = ("receipt", "statement", *REPORT_KINDS)

_MODELS: dict[str, type[BaseModel]] = {
    "receipt": Receipt,
    "statement": Statement,
    **dict.fromkeys(REPORT_KINDS, Report),
}


def document_lines(kind: str, payload: str, width: int) -> list[str]:
    """The lines of a print job's document: its `kind` says what its JSON `payload`
    holds (a receipt, a statement or a report). Raises ValueError, saying what is
    wrong, for a kind that is not a document, a payload that does not read as one, or
    a width under MIN_WIDTH."""
    model = _MODELS.get(kind)
    if model is None:
        raise ValueError(
            f"A print job of kind {kind!r} is not a document; "
            f"the kinds are {', '.join(DOCUMENT_KINDS)}."
        )
    if kind in REPORT_KINDS and (laid_out := _laid_out(payload)) is not None:
        return laid_out
    try:
        document = model.model_validate_json(payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        detail = f"{where}: {first['msg']}" if where else first["msg"]
        raise ValueError(
            f"The {kind} print job does not hold a readable {model.__name__.lower()} ({detail})."
        ) from error
    if isinstance(document, Receipt):
        return receipt_lines(document, width)
    if isinstance(document, Statement):
        return statement_lines(document, width)
    assert isinstance(document, Report)
    return report_lines(document, width)


def _laid_out(payload: str) -> list[str] | None:
    """A printout queued already laid out (a title and 42-column lines, as the close of
    day queued them before reports were laid out at the printer's width), else None."""
    import json

    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or "rows" in data:
        return None
    title, lines = data.get("title"), data.get("lines")
    if not isinstance(title, str) or not isinstance(lines, list):
        return None
    return [title, *(str(line) for line in lines)]


# -- reports ---------------------------------------------------------------------------------


def report_lines(report: Report, width: int) -> list[str]:
    """Lay out `report` as lines at most `width` cells wide, without trailing spaces:
    the title centred on the first line, the subtitle centred under it, a rule, then
    each row. Raises ValueError for a width under MIN_WIDTH or an amount wider than the
    paper."""
    _check_width(width)
    lines = _centred(report.title, width) or [""]
    lines += _centred(report.subtitle, width)
    lines.append(_rule(width))
    for row in report.rows:
        lines += _report_row(row, width)
    return lines


def _report_row(row: ReportRow, width: int) -> list[str]:
    indent = row.indent
    if row.kind == "blank":
        return [""]
    if row.kind == "rule":
        return [" " * indent + _rule(width - indent)]
    if row.kind == "heading":
        return _wrap(row.text.upper(), width - indent, indent=indent)
    if row.amount is not None:
        return _amount_row(row.text, row.amount, width, indent=indent)
    if _clean(row.value):
        return _value_row(row.text, row.value, width, indent=indent)
    return _wrap(row.text, width - indent, indent=indent)


def _value_row(text: str, value: str, width: int, *, indent: int = 0) -> list[str]:
    """`text` wrapped on the left with `value` right-aligned on its first row; a value
    that leaves too little room goes on rows of its own below, still right-aligned."""
    value = _clean(value)
    size = cell_len(value)
    room = width - indent - size - 1  # one space between the text and the value
    if room < _MIN_TEXT:
        below = [_right(part, width) for part in _wrap(value, width - indent - 2)]
        return [*_wrap(text, width - indent, indent=indent), *below]
    rows = _wrap(text, room, indent=indent) or [" " * indent]
    return [set_cell_size(rows[0], width - size) + value, *rows[1:]]


# -- statements ------------------------------------------------------------------------------


def statement_lines(statement: Statement, width: int) -> list[str]:
    """Lay out a patient's statement as lines at most `width` cells wide, without
    trailing spaces: the practice (its name first), the patient and the period, the
    previous balance, each entry under its date and receipt number, then the ending
    balance, the credit held and the amount due. Raises ValueError as `report_lines`."""
    _check_width(width)
    lines = _centred(statement.practice_name, width) or [""]
    for address_row in statement.practice_address.splitlines():
        lines += _centred(address_row, width)
    lines += _centred(statement.practice_phone, width)
    lines.append(_rule(width))
    lines += _centred("STATEMENT", width)
    lines.append("")
    lines += _field("Statement date", f"{statement.statement_date:%m/%d/%Y}", width)
    lines += _field("Activity since", f"{statement.since:%m/%d/%Y}", width)
    lines += _field("Patient", statement.patient, width)
    lines += _field("Account", statement.account_no, width)
    lines.append(_rule(width))
    lines += _amount_row("Previous balance", statement.previous_balance, width)
    heading: tuple[dt.date, str] | None = None
    for line in statement.lines:
        # The entries of one receipt go under one date and number.
        if (line.business_date, line.number) != heading:
            heading = (line.business_date, line.number)
            lines += ["", *_field(f"{line.business_date:%m/%d/%Y}", line.number, width)]
        lines += _amount_row(line.text, line.amount, width, indent=2)
    if not statement.lines:
        lines += ["", *_wrap("No activity in this period.", width)]
    lines.append(_rule(width))
    lines += _amount_row("Ending balance", statement.ending_balance, width)
    if statement.credit:
        lines += _amount_row("Credit on account", statement.credit, width)
    lines += ["", *_amount_row("Amount due", statement.amount_due, width)]
    lines += ["", *_centred("Thank you", width)]
    return lines


def _check_width(width: int) -> None:
    if width < MIN_WIDTH:
        raise ValueError(f"A printed document needs at least {MIN_WIDTH} cells; got {width}.")
