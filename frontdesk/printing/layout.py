"""Receipt layout: a `Receipt` as plain text lines for a thermal printer or a preview.

Pure and quick: no printer, no database, no I/O. Widths are terminal cells (rich's
`cell_len`), so accented names and wide characters keep the columns straight. Thermal
paper is 32 cells wide on 58 mm rolls and 42 or 48 on 80 mm rolls.
"""

from __future__ import annotations

import re
import unicodedata

from rich.cells import cell_len, chop_cells, set_cell_size

from frontdesk.data.money import Money
from frontdesk.data.money_models import Receipt, ReceiptLine, ReceiptTender

__all__ = ["MIN_WIDTH", "preview_text", "receipt_lines"]

#: The narrowest receipt laid out; below this a product name would be a few letters a row.
MIN_WIDTH = 24

_TITLES = {
    "payment": "RECEIPT",
    "refund": "REFUND",
    "gift_card": "GIFT CARD",
    "void": "VOID",
    "adjustment": "ADJUSTMENT",
}

# When the amount leaves less than this for the text beside it, the text gets rows of its
# own and the amount a row below: a column two letters wide is unreadable.
_MIN_TEXT = 8

# The parts of a word that a row may end after: each up to and including its hyphens.
_HYPHENATED = re.compile(r"[^-]*-+|[^-]+")


def receipt_lines(receipt: Receipt, width: int) -> list[str]:
    """Lay out `receipt` as lines at most `width` cells wide, without trailing spaces.

    Amounts are right-aligned and never wrapped or cut; the text beside them wraps
    instead. Raises ValueError for a width under MIN_WIDTH or an amount wider than the
    paper.
    """
    if width < MIN_WIDTH:
        raise ValueError(f"A receipt needs at least {MIN_WIDTH} cells; got {width}.")
    lines: list[str] = []
    lines += _header(receipt, width)
    lines += _items(receipt, width)
    lines += _totals(receipt, width)
    lines += _tenders(receipt, width)
    lines += _after(receipt, width)
    lines += ["", *_centred("Thank you", width)]
    return lines


def preview_text(receipt: Receipt, width: int = 42) -> str:
    """The receipt as one string (lines joined by newlines) for an on-screen preview."""
    return "\n".join(receipt_lines(receipt, width))


# -- the parts of a receipt ---------------------------------------------------------------------


def _header(receipt: Receipt, width: int) -> list[str]:
    lines = _centred(receipt.practice_name, width)
    # An address is kept on the rows it was entered on (street, then city).
    for address_row in receipt.practice_address.splitlines():
        lines += _centred(address_row, width)
    lines += _centred(receipt.practice_phone, width)
    lines.append(_rule(width))
    lines += _centred(_TITLES[receipt.kind], width)
    if receipt.reprint:
        lines += _centred("*** REPRINT ***", width)
    lines.append("")
    lines += _field("Receipt", receipt.number, width)
    lines += _field("Date", receipt.at, width)
    lines += _field("Cashier", receipt.cashier, width)
    lines += _field("Workstation", receipt.workstation, width)
    if _clean(receipt.patient):
        lines += _field("Patient", receipt.patient, width)
    if _clean(receipt.account_no):
        lines += _field("Account", receipt.account_no, width)
    return lines


def _items(receipt: Receipt, width: int) -> list[str]:
    if not receipt.lines:
        return []
    lines = [_rule(width)]
    for item in receipt.lines:
        lines += _item(item, width)
    return lines


def _item(item: ReceiptLine, width: int) -> list[str]:
    lines = _amount_row(item.text, item.amount, width)
    if item.quantity > 1:
        lines += _wrap(f"{item.quantity} x {item.unit_price.format()}", width - 2, indent=2)
    if item.discount:
        lines += _amount_row("Discount", _off(item.discount), width, indent=2)
    return lines


def _totals(receipt: Receipt, width: int) -> list[str]:
    lines = [_rule(width)]
    if receipt.lines:
        lines += _amount_row("Subtotal", receipt.subtotal, width)
    if receipt.discounts:
        lines += _amount_row("Discounts", _off(receipt.discounts), width)
    if receipt.tax:
        lines += _amount_row("Tax", receipt.tax, width)
    lines += _amount_row("TOTAL", receipt.total, width)
    return lines


def _tenders(receipt: Receipt, width: int) -> list[str]:
    if not receipt.tenders:
        return []
    lines = [""]
    for tender in receipt.tenders:
        lines += _amount_row(_tender_name(tender), tender.amount, width)
        if tender.method == "cash" and tender.tendered is not None:
            lines += _amount_row("Tendered", tender.tendered, width, indent=2)
        if tender.method == "cash" and tender.change is not None:
            lines += _amount_row("Change", tender.change, width, indent=2)
    return lines


def _tender_name(tender: ReceiptTender) -> str:
    """How a tender reads on paper: "Cash", "Check #1234", "Visa ****4242"..."""
    detail = _clean(tender.detail)
    if tender.method == "cash":
        return "Cash"
    if tender.method == "check":
        return f"Check #{detail.removeprefix('#')}" if detail else "Check"
    if tender.method == "card":
        return _card_name(detail)
    if tender.method == "gift_card":
        return f"Gift card {detail}" if detail else "Gift card"
    return "Credit on account"


def _card_name(detail: str) -> str:
    """A card's brand and masked last four ("Visa ****4242") from "Visa 4242"; a detail
    that is already masked, or has no last four, is printed as given."""
    brand, _, last = detail.rpartition(" ")
    if last.isdigit() and len(last) == 4:
        return f"{brand} ****{last}" if brand else f"Card ****{last}"
    return detail or "Card"


def _after(receipt: Receipt, width: int) -> list[str]:
    lines: list[str] = []
    if receipt.balance_after is not None or receipt.credit_after is not None:
        lines.append("")
    if receipt.balance_after is not None:
        lines += _amount_row("Balance after", receipt.balance_after, width)
    if receipt.credit_after is not None:
        lines += _amount_row("Credit after", receipt.credit_after, width)
    if _clean(receipt.gift_card_code) or receipt.gift_card_balance is not None:
        lines.append("")
    if _clean(receipt.gift_card_code):
        lines += _field("Gift card", receipt.gift_card_code, width)
    if receipt.gift_card_balance is not None:
        lines += _amount_row("Gift card balance", receipt.gift_card_balance, width)
    if _clean(receipt.reason):
        lines.append("")
        lines += _wrap(f"Reason: {receipt.reason}", width)
    if receipt.kind == "refund":
        # Two blank rows leave room to sign on the paper.
        lines += ["", ""]
        lines.append("Signature " + "_" * (width - cell_len("Signature ")))
    return lines


# -- rows -------------------------------------------------------------------------------------


def _amount_row(text: str, amount: Money, width: int, *, indent: int = 0) -> list[str]:
    """`text` wrapped on the left with `amount` right-aligned on its first row."""
    shown = amount.format()
    size = cell_len(shown)
    if size > width:
        raise ValueError(f"{shown} is wider than a {width}-cell receipt.")
    room = width - indent - size - 1  # one space between the text and the amount
    if room < _MIN_TEXT:
        return [*_wrap(text, width - indent, indent=indent), _right(shown, width)]
    rows = _wrap(text, room, indent=indent) or [" " * indent]
    first = set_cell_size(rows[0], width - size) + shown
    return [first, *rows[1:]]


def _field(label: str, value: str, width: int) -> list[str]:
    """A label on the left and its value right-aligned; a value too long for the row
    goes on rows of its own below the label, still right-aligned."""
    value = _clean(value)
    if not value:
        return [label]
    if cell_len(label) + 1 + cell_len(value) <= width:
        return [set_cell_size(label, width - cell_len(value)) + value]
    return [label, *(_right(row, width) for row in _wrap(value, width - 2))]


def _centred(text: str, width: int) -> list[str]:
    rows = _wrap(text, width)
    return [" " * ((width - cell_len(row)) // 2) + row for row in rows]


def _right(text: str, width: int) -> str:
    return " " * (width - cell_len(text)) + text


def _rule(width: int) -> str:
    return "-" * width


def _off(amount: Money) -> Money:
    """A discount as money off, printed with a minus whichever sign it was stored with."""
    return -abs(amount)


def _wrap(text: str, width: int, *, indent: int = 0) -> list[str]:
    """`text` word-wrapped to rows of at most `width` cells, each then indented by
    `indent` spaces; a word longer than a row breaks after its hyphens, else anywhere."""
    rows: list[str] = []
    row = ""
    for word in _clean(text).split(" "):
        # A word too long for a row breaks after a hyphen if it has one, so
        # "barrier-repair-cream" wraps where a reader expects, not inside "repair".
        pieces = [word] if cell_len(word) <= width else _HYPHENATED.findall(word)
        for index, piece in enumerate(pieces):
            joined = f"{row}{' ' if index == 0 else ''}{piece}" if row else piece
            if cell_len(joined) <= width:
                row = joined
                continue
            if row:
                rows.append(row)
            chopped = chop_cells(piece, width)
            rows += chopped[:-1]
            row = chopped[-1]
    if row:
        rows.append(row)
    return [" " * indent + row for row in rows]


def _clean(text: str) -> str:
    """`text` on one row: composed characters (NFC) and no control characters.

    A decomposed "é" (e + accent) is measured and chopped as one character once composed.
    Control characters become spaces: a stray ESC or newline from a pasted name would
    otherwise be a command to an ESC/POS printer or break a row in two.
    """
    composed = unicodedata.normalize("NFC", text)
    plain = "".join(" " if unicodedata.category(char) == "Cc" else char for char in composed)
    return " ".join(plain.split())
