"""The check-out's bill: the fee sheet as priced by the fee-sheet service, the patient's
account before it, the tenders taken so far; and reading what is typed for a line.

`visits.check_out` enforces the same sums when it posts; the bill is what the check-out
screen shows while the fee sheet is being made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from frontdesk.data.money import Money
from frontdesk.data.money_models import FeeLine, FeeSheet, PricedLine, Tender
from frontdesk.errors import Invalid, echo
from frontdesk.services import fee_sheets

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = [
    "Bill",
    "add_line",
    "as_fee_lines",
    "paid_at_check_in",
    "parse_discount",
    "parse_quantity",
    "tender_text",
]


def as_fee_lines(lines: tuple[PricedLine, ...]) -> list[FeeLine]:
    """A saved draft's lines as the screen edits them (a discount as its amount)."""
    return [
        FeeLine(
            kind=line.kind,
            code=line.code,
            quantity=line.quantity,
            provider_id=line.provider_id,
            unit_price=line.unit_price if line.unit_price != line.list_price else None,
            discount_amount=line.discount if line.discount else None,
            discount_reason=line.discount_reason,
        )
        for line in lines
    ]


def add_line(lines: list[FeeLine], kind: str, code: str, provider_id: int | None) -> list[FeeLine]:
    """`lines` with one more of `code`: the same plain line again counts one more (a
    product scanned twice), anything else is a new line."""
    for n, line in enumerate(lines):
        plain = line.unit_price is None and line.discount_amount is None
        plain = plain and line.discount_percent is None
        if (line.kind, line.code, line.provider_id) == (kind, code, provider_id) and plain:
            return [
                *lines[:n],
                line.model_copy(update={"quantity": line.quantity + 1}),
                *lines[n + 1 :],
            ]
    return [*lines, FeeLine(kind=kind, code=code, quantity=1, provider_id=provider_id)]


def parse_quantity(text: str) -> int:
    """A quantity as typed: a whole number (the service checks its range)."""
    raw = (text or "").strip()
    if not re.fullmatch(r"[0-9]{1,5}", raw):
        raise Invalid(f"'{echo(raw)}' is not a quantity: type a whole number, e.g. 2.")
    return int(raw)


def parse_discount(text: str, *, ceiling: int) -> tuple[Money | None, int | None]:
    """A discount as typed: an amount ("20", "12.50") or a percent ("10%"); nothing
    typed removes the discount. The service checks that it fits the line."""
    raw = (text or "").strip()
    if not raw:
        return None, None
    if raw.endswith("%"):
        digits = raw[:-1].strip()
        if not re.fullmatch(r"[0-9]{1,3}", digits):
            raise Invalid(f"'{echo(raw)}' is not a percent: type a whole number, e.g. 10%.")
        return None, int(digits)
    return Money.parse(raw, ceiling=ceiling), None


def tender_text(tender: Tender) -> str:
    """What a tender list shows besides the method: the card, check or gift card, or the
    cash handed over (never more of a card than its last 4)."""
    if tender.method == "card":
        return f"{tender.card_brand} {tender.card_last4} {tender.auth_code}"
    if tender.method == "check":
        return f"no. {tender.check_number}"
    if tender.method == "gift_card":
        return tender.gift_card_code
    if tender.method == "cash" and tender.tendered is not None:
        return f"handed over {tender.tendered}"
    return ""


def paid_at_check_in(desk: Desk, patient_id: int, appointment_id: int) -> Money:
    """What the patient paid towards this visit before check-out (the co-pay), voided
    payments left out."""
    (cents,) = desk.db.execute(
        "SELECT coalesce(sum(l.amount_cents), 0) FROM ledger l WHERE l.patient_id = ?"
        " AND l.appointment_id = ? AND l.kind = 'payment' AND l.account = 'patient'"
        " AND NOT EXISTS (SELECT 1 FROM ledger v WHERE v.reverses_id = l.id)",
        (patient_id, appointment_id),
    ).fetchone()
    return Money(-cents)


@dataclass(frozen=True)
class Bill:
    """The check-out's totals: the visit's fee sheet (its lines priced), the account
    before it (the balance already counts the co-pay paid at check-in) and the tenders
    taken so far."""

    sheet: FeeSheet
    balance: Money
    paid_at_check_in: Money
    credit: Money
    tenders: tuple[Tender, ...] = ()

    def priced(self, lines: list[PricedLine]) -> Bill:
        """The same bill with the fee sheet's lines as newly priced."""
        return replace(self, sheet=self.sheet.model_copy(update={"lines": tuple(lines)}))

    @property
    def prior_balance(self) -> Money:
        """What was owed before today's visit and its co-pay."""
        return self.balance + self.paid_at_check_in

    @property
    def due_now(self) -> Money:
        """What the patient owes once the visit is charged (after the co-pay)."""
        return self.balance + self.sheet.total

    @property
    def paying(self) -> Money:
        return sum((t.amount for t in self.tenders), Money(0))

    @property
    def left(self) -> Money:
        """What stays due after the tenders (negative: the tenders are over)."""
        return self.due_now - self.paying

    @property
    def change(self) -> Money:
        return sum((t.change for t in self.tenders), Money(0))

    @property
    def needs_approval(self) -> str:
        """Why a manager must approve these lines ("" when no manager is needed)."""
        return fee_sheets.approval_needed(list(self.sheet.lines))
