"""Pydantic models of the cash drawers and the close of day: denominations, drawers,
their sessions and moves, a blind count and its result, the day sheet and the steps of
a close."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from frontdesk.data.models import _Model
from frontdesk.data.money import Money

__all__ = [
    "DENOMINATIONS",
    "MOVE_KINDS",
    "CloseOfDay",
    "CloseStep",
    "CountedCheck",
    "DaySheet",
    "DaySheetLine",
    "Denomination",
    "DepositSlip",
    "Drawer",
    "DrawerCount",
    "DrawerExpected",
    "DrawerHistory",
    "DrawerMove",
    "DrawerSession",
    "HistoryRow",
    "StepItem",
    "TenderCount",
]


class Denomination(_Model):
    """A bill, a coin or a roll of coins, as counted: its key in a count, its value."""

    key: str
    cents: int
    label: str
    group: Literal["bills", "coins", "rolls"]


def _d(key: str, cents: int, label: str, group: str) -> Denomination:
    return Denomination(key=key, cents=cents, label=label, group=group)  # type: ignore[arg-type]


#: What a count is made of, largest first in each group. A roll is counted whole: 40
#: quarters ($10), 50 dimes ($5), 40 nickels ($2), 50 pennies ($0.50).
DENOMINATIONS: tuple[Denomination, ...] = (
    _d("b100", 10000, "$100", "bills"),
    _d("b50", 5000, "$50", "bills"),
    _d("b20", 2000, "$20", "bills"),
    _d("b10", 1000, "$10", "bills"),
    _d("b5", 500, "$5", "bills"),
    _d("b1", 100, "$1", "bills"),
    _d("c100", 100, "$1 coin", "coins"),
    _d("c25", 25, "25c", "coins"),
    _d("c10", 10, "10c", "coins"),
    _d("c5", 5, "5c", "coins"),
    _d("c1", 1, "1c", "coins"),
    _d("r25", 1000, "25c roll", "rolls"),
    _d("r10", 500, "10c roll", "rolls"),
    _d("r5", 200, "5c roll", "rolls"),
    _d("r1", 50, "1c roll", "rolls"),
)

MoveKind = Literal["paid_out", "drop", "replenish", "no_sale"]
MOVE_KINDS: tuple[MoveKind, ...] = get_args(MoveKind)


class Drawer(_Model):
    """A cash drawer: the workstation it stands at and the printer that opens it."""

    id: int
    name: str
    workstation: str
    printer: str = ""
    default_float: Money = Money(20000)
    active: bool = True


class DrawerMove(_Model):
    """Cash in or out of a drawer that is not a patient's: a paid-out, a drop to the
    safe, petty cash put back, or the drawer opened for no sale."""

    id: int
    kind: MoveKind
    amount: Money
    payee: str = ""
    reason: str = ""
    receipt_ref: str = ""
    at: str
    staff_name: str = ""
    approver_name: str = ""


class CountedCheck(_Model):
    """A check found in the drawer (or expected in it): its number, payer and amount."""

    number: str
    payer: str = ""
    amount: Money


class DrawerExpected(_Model):
    """What the drawer should hold, worked out from the ledger and its moves:
    cash = float + received - change - paid back - paid-outs - drops + replenished."""

    float: Money
    received: Money
    change: Money
    paid_back: Money  # cash refunds and voided cash payments
    paid_outs: Money
    drops: Money
    replenished: Money
    cash: Money
    checks: tuple[CountedCheck, ...] = ()
    checks_total: Money = Money(0)
    card: Money = Money(0)


class TenderCount(_Model):
    """One tender of a count: what the system expects, what was counted, the difference
    (over is +, short is -)."""

    tender: Literal["cash", "checks", "card"]
    expected: Money
    counted: Money

    @property
    def over_short(self) -> Money:
        return self.counted - self.expected


class DrawerSession(_Model):
    """A drawer from its opening to its close. The count's fields are set once counted;
    `expected` is only shown after the blind count is in."""

    id: int
    drawer_id: int
    drawer_name: str
    workstation: str
    business_date: dt.date
    status: Literal["open", "counted", "closed"]
    opened_at: str
    opened_by: str = ""
    float: Money
    float_counts: dict[str, int] = {}
    counted_at: str | None = None
    counted_by: str = ""
    counted_counts: dict[str, int] = {}
    checks: tuple[CountedCheck, ...] = ()
    card_batch: Money | None = None
    tenders: tuple[TenderCount, ...] = ()
    closed_at: str | None = None
    closed_by: str = ""
    approver: str = ""
    reason: str = ""
    leave: Money | None = None
    leave_counts: dict[str, int] = {}
    deposit: Money | None = None
    deposit_counts: dict[str, int] = {}
    moves: tuple[DrawerMove, ...] = ()

    @property
    def over_short(self) -> Money:
        return sum((t.over_short for t in self.tenders), Money(0))


class DrawerCount(_Model):
    """A blind count as submitted, with what the drawer was expected to hold."""

    session: DrawerSession
    tenders: tuple[TenderCount, ...]
    needs_reason: bool
    threshold: Money
    suggested_leave: Money


class HistoryRow(_Model):
    """One closed drawer in the history."""

    session_id: int
    business_date: dt.date
    drawer_name: str
    staff_name: str
    cash: Money
    checks: Money
    card: Money
    reason: str = ""

    @property
    def total(self) -> Money:
        return self.cash + self.checks + self.card


class DrawerHistory(_Model):
    """Closed drawers over a span, and over/short summed by drawer and by staff member."""

    rows: tuple[HistoryRow, ...]
    by_drawer: tuple[tuple[str, int, Money, int], ...]  # name, closes, net, how many off
    by_staff: tuple[tuple[str, int, Money, int], ...]


class DaySheetLine(_Model):
    """A line of the day sheet: what, how many entries, how much."""

    group: str
    label: str
    count: int
    amount: Money


class DepositSlip(_Model):
    """The bank deposit of a date: cash by denomination and each check, from the
    drawers' closes."""

    business_date: dt.date
    counts: dict[str, int]
    cash: Money
    checks: tuple[CountedCheck, ...]
    checks_total: Money
    drawers: tuple[str, ...]

    @property
    def total(self) -> Money:
        return self.cash + self.checks_total


class DaySheet(_Model):
    """A business date's money: charges, payments by method, refunds, adjustments and
    voids, by provider and by staff; the fee sheets it agrees with; the A/R roll."""

    business_date: dt.date
    lines: tuple[DaySheetLine, ...]
    charges: Money
    payments: Money
    refunds: Money
    adjustments: Money
    voids: Money
    fee_sheets: Money
    fee_sheet_count: int
    beginning_ar: Money
    ending_ar: Money
    entry_count: int

    @property
    def rolled_ar(self) -> Money:
        """Beginning A/R + charges - payments - adjustments + refunds + voids."""
        return (
            self.beginning_ar
            + self.charges
            - self.payments
            - self.adjustments
            + self.refunds
            + self.voids
        )

    @property
    def balanced(self) -> bool:
        return self.charges == self.fee_sheets and self.rolled_ar == self.ending_ar


class StepItem(_Model):
    """Something a close-of-day step lists as still open."""

    id: int
    text: str


class CloseStep(_Model):
    """One step of the close of day."""

    number: int
    key: str
    title: str
    done: bool
    summary: str
    items: tuple[StepItem, ...] = ()


class CloseOfDay(_Model):
    """A business date's close: its steps, whether it is already closed and by whom."""

    business_date: dt.date
    steps: tuple[CloseStep, ...]
    closed_at: str | None = None
    closed_by: str = ""

    @property
    def ready(self) -> bool:
        return all(step.done for step in self.steps if step.key != "sign_off")

    def step(self, key: str) -> CloseStep:
        return next(s for s in self.steps if s.key == key)
