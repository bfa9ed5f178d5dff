"""Pydantic models of the money desk: the fee schedule, fee sheets, tenders, postings,
the patient account, receipts and the flow board."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from frontdesk.data.models import _Model
from frontdesk.data.money import Money

__all__ = [
    "ACCOUNTS",
    "ADJUSTMENT_REASONS",
    "DISCOUNT_REASONS",
    "LEDGER_KINDS",
    "METHODS",
    "POSTING_KINDS",
    "TENDER_METHODS",
    "Account",
    "AccountLine",
    "Checkout",
    "FeeCode",
    "FeeLine",
    "FeeSheet",
    "FlowRow",
    "GiftCard",
    "InsuranceCard",
    "Item",
    "LedgerEntry",
    "Posting",
    "PricedLine",
    "Receipt",
    "ReceiptLine",
    "ReceiptTender",
    "Tender",
]

LedgerKind = Literal[
    "charge",
    "payment",
    "refund",
    "adjustment",
    "reversal",
    "deposit",
    "credit_applied",
    "gift_card_sale",
    "gift_card_redeem",
]
LEDGER_KINDS: tuple[LedgerKind, ...] = get_args(LedgerKind)
AccountName = Literal["patient", "credit", "gift_card"]
ACCOUNTS: tuple[AccountName, ...] = get_args(AccountName)
Method = Literal["cash", "check", "card", "gift_card", "credit"]
METHODS: tuple[Method, ...] = get_args(Method)
#: Money that changes hands at the desk (gift card and credit move value already held).
TENDER_METHODS: tuple[Method, ...] = ("cash", "check", "card")
PostingKind = Literal[
    "checkout",
    "payment",
    "deposit",
    "gift_card_sale",
    "refund",
    "void",
    "adjustment",
    "no_show_fee",
]
POSTING_KINDS: tuple[PostingKind, ...] = get_args(PostingKind)
DiscountReason = Literal["courtesy", "employee", "package", "promotion"]
DISCOUNT_REASONS: tuple[DiscountReason, ...] = get_args(DiscountReason)
AdjustmentReason = Literal["courtesy", "small_balance", "bad_debt", "no_show_waived"]
ADJUSTMENT_REASONS: tuple[AdjustmentReason, ...] = get_args(AdjustmentReason)


# -- what the desk sells ----------------------------------------------------------------------


class FeeCode(_Model):
    """A service on the fee schedule (an office visit, a biopsy, Botox per unit...)."""

    id: int
    code: str
    description: str
    receipt_text: str = ""
    kind: Literal["medical", "cosmetic", "fee"]
    unit: str = ""
    price: Money
    active: bool = True


class Item(_Model):
    """A retail product (or supply) with its stock on hand."""

    id: int
    sku: str
    name: str
    kind: Literal["retail", "supply", "equipment"] = "retail"
    price: Money
    cost: Money = Money(0)
    taxable: bool = True
    active: bool = True
    on_hand: int = 0


# -- the fee sheet ----------------------------------------------------------------------------


class FeeLine(_Model):
    """One line as the desk types it: a fee code or a SKU, how many, by which provider,
    and any price override or discount (each may need a manager)."""

    kind: Literal["service", "product"]
    code: str
    quantity: int = 1
    provider_id: int | None = None
    unit_price: Money | None = None  # an override of the list price
    discount_amount: Money | None = None
    discount_percent: int | None = None  # whole percent, 1-100
    discount_reason: DiscountReason | None = None


class PricedLine(_Model):
    """A fee line with its prices worked out by the fee schedule and the tax rate."""

    kind: Literal["service", "product"]
    fee_id: int | None = None
    item_id: int | None = None
    code: str
    description: str
    receipt_text: str = ""
    quantity: int
    provider_id: int | None = None
    list_price: Money
    unit_price: Money
    discount: Money = Money(0)
    discount_reason: DiscountReason | None = None
    taxable: bool = False
    tax: Money = Money(0)
    total: Money
    needs_approval: str = ""  # why a manager must approve this line, if one must

    @property
    def gross(self) -> Money:
        return self.unit_price * self.quantity


class FeeSheet(_Model):
    """A visit's fee sheet (encounter) with its lines and totals."""

    id: int | None = None
    patient_id: int
    appointment_id: int | None = None
    provider_id: int | None = None
    business_date: dt.date
    status: Literal["open", "finalized"] = "open"
    lines: tuple[PricedLine, ...] = ()
    no_charge_reason: str = ""

    @property
    def subtotal(self) -> Money:
        return sum((line.gross for line in self.lines), Money(0))

    @property
    def discounts(self) -> Money:
        return sum((line.discount for line in self.lines), Money(0))

    @property
    def tax(self) -> Money:
        return sum((line.tax for line in self.lines), Money(0))

    @property
    def total(self) -> Money:
        return sum((line.total for line in self.lines), Money(0))


# -- paying ----------------------------------------------------------------------------------


class Tender(_Model):
    """One way the patient pays part of what is due. Cash has what was handed over
    (`tendered`, change is worked out); a check its number; a card the brand, last 4 and
    the terminal's approval code (never the card number); a gift card its code."""

    method: Method
    amount: Money
    tendered: Money | None = None
    check_number: str = ""
    card_brand: str = ""
    card_last4: str = ""
    auth_code: str = ""
    gift_card_code: str = ""

    @property
    def change(self) -> Money:
        if self.method != "cash" or self.tendered is None:
            return Money(0)
        return self.tendered - self.amount


class Checkout(_Model):
    """What the check-out screen posts in one go."""

    appointment_id: int
    lines: tuple[FeeLine, ...]
    tenders: tuple[Tender, ...] = ()
    idempotency_key: str
    no_charge_reason: str = ""


# -- the ledger and the account ----------------------------------------------------------------


class LedgerEntry(_Model):
    """One row of the append-only ledger."""

    id: int
    posting_id: int
    kind: LedgerKind
    account: AccountName
    patient_id: int | None
    gift_card_id: int | None = None
    amount: Money
    method: Method | None = None
    reference: str = ""
    card_brand: str = ""
    tendered: Money | None = None
    change: Money | None = None
    encounter_id: int | None = None
    charge_id: int | None = None
    appointment_id: int | None = None
    refunds_id: int | None = None
    reverses_id: int | None = None
    reason: str = ""
    note: str = ""
    business_date: dt.date
    at: str
    staff_id: int | None = None
    workstation: str = ""
    approver_id: int | None = None


class AccountLine(_Model):
    """A line of the patient account view, with the running balance after it."""

    entry: LedgerEntry
    description: str
    balance: Money
    refundable: Money = Money(0)  # what is left of a payment or deposit to refund
    voidable: bool = False  # a same-day entry on an open day, not yet reversed
    reversed: bool = False


class Account(_Model):
    """A patient's account: the balance they owe (minus: a credit), the credit held
    from deposits, and every entry."""

    patient_id: int
    patient_name: str
    account_no: str
    balance: Money
    credit: Money
    lines: tuple[AccountLine, ...] = ()


class GiftCard(_Model):
    id: int
    code: str
    balance: Money
    purchaser_id: int | None = None
    recipient: str = ""
    sold_at: str


class InsuranceCard(_Model):
    id: int
    patient_id: int
    payer: str
    member_id: str
    group_no: str = ""
    verified_on: dt.date
    recorded_at: str


# -- receipts --------------------------------------------------------------------------------


class ReceiptLine(_Model):
    text: str
    quantity: int = 1
    unit_price: Money
    amount: Money
    discount: Money = Money(0)


class ReceiptTender(_Model):
    method: Method
    amount: Money
    detail: str = ""  # card brand and last 4, check number, gift card code
    tendered: Money | None = None
    change: Money | None = None


class Receipt(_Model):
    """What a receipt says: only what the patient needs (no date of birth, no
    diagnosis; cosmetic lines by their receipt text)."""

    kind: Literal["payment", "refund", "gift_card", "void", "adjustment"]
    number: str
    practice_name: str
    practice_address: str = ""
    practice_phone: str = ""
    at: str  # local date and time, as printed
    cashier: str
    workstation: str
    patient: str = ""  # first name and last initial
    account_no: str = ""
    lines: tuple[ReceiptLine, ...] = ()
    subtotal: Money = Money(0)
    discounts: Money = Money(0)
    tax: Money = Money(0)
    total: Money = Money(0)
    tenders: tuple[ReceiptTender, ...] = ()
    balance_after: Money | None = None
    credit_after: Money | None = None
    gift_card_code: str = ""
    gift_card_balance: Money | None = None
    reason: str = ""
    reprint: bool = False


class Posting(_Model):
    """One submit of a money screen: its entries and its receipt. `replayed` is True
    when the same screen had posted it already (a double Enter, a retry)."""

    id: int
    kind: PostingKind
    number: str
    patient_id: int | None = None
    encounter_id: int | None = None
    business_date: dt.date
    at: str
    entries: tuple[LedgerEntry, ...] = ()
    receipt: Receipt | None = None
    print_job_id: int | None = None
    replayed: bool = False

    @property
    def change(self) -> Money:
        return sum((e.change for e in self.entries if e.change), Money(0))


# -- the flow board ----------------------------------------------------------------------------


class FlowRow(_Model):
    """Today's appointment on the flow board: where the visit is and for how long."""

    appointment_id: int
    patient_id: int
    patient_name: str
    account_no: str
    resource_name: str
    type_name: str
    starts_at: str
    status: str
    since: str  # when it reached its status (UTC instant)
    in_status_minutes: int
    wait_minutes: int | None  # from arrival, until check-out or now
    over_threshold: bool = False
    balance: Money = Money(0)
    fee_sheet: Literal["none", "open", "finalized"] = "none"
