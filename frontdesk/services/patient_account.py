"""A patient's account: every charge, payment, adjustment and refund with the running
balance, the credit held from deposits, and what can still be refunded or voided."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.data.money import Money
from frontdesk.errors import NotFound
from frontdesk.services.corrections import void_problem
from frontdesk.services.ledger import (
    MONEY_ROLES,
    balance,
    card_parts,
    credit,
    entries_where,
    is_closed,
    refundable,
)
from frontdesk.services.payments import METHOD_WORDS

if TYPE_CHECKING:
    from frontdesk.data.money_models import Account, LedgerEntry
    from frontdesk.services.context import Desk

__all__ = ["KIND_WORDS", "account", "describe", "summary"]

KIND_WORDS = {
    "charge": "Charge",
    "payment": "Payment",
    "refund": "Refund",
    "adjustment": "Adjustment",
    "reversal": "Void",
    "deposit": "Deposit",
    "credit_applied": "Credit applied",
    "gift_card_sale": "Gift card sold",
    "gift_card_redeem": "Gift card used",
}


def describe(desk: Desk, item: LedgerEntry) -> str:
    """One line saying what an entry is, as the account shows it."""
    from frontdesk.services.corrections import ADJUSTMENT_WORDS

    words = KIND_WORDS[item.kind]
    if item.kind == "gift_card_sale" and item.gift_card_id is not None:
        (code,) = desk.db.execute(
            "SELECT code FROM gift_cards WHERE id = ?", (item.gift_card_id,)
        ).fetchone()
        words += f" {code} (not on the balance)"
    if item.kind == "charge" and item.charge_id is not None:
        row = desk.db.execute(
            "SELECT code, description, quantity FROM charges WHERE id = ?", (item.charge_id,)
        ).fetchone()
        if row:
            quantity = f" x{row[2]}" if row[2] > 1 else ""
            return f"{row[0]} {row[1]}{quantity}"
    if item.method:
        words += f" · {METHOD_WORDS[item.method]}"
        if item.method == "card" and item.reference:
            words += f" {item.card_brand} {card_parts(item.reference)[0]}".rstrip()
        elif item.method in ("check", "gift_card") and item.reference:
            words += f" {item.reference}"
    if item.reverses_id:
        words += f" of #{item.reverses_id}"
    if item.refunds_id and item.kind == "refund":
        words += f" of #{item.refunds_id}"
    if item.kind == "adjustment":
        words += f" · {ADJUSTMENT_WORDS.get(item.reason, item.reason)}"
    elif item.reason:
        words += f" · {item.reason}"
    if item.note:
        words += f" · {item.note}"
    return words


def account(desk: Desk, patient_id: int, *, limit: int = 500) -> Account:
    """The patient's account, oldest entry first, the newest `limit` entries."""
    from frontdesk.data.money_models import Account, AccountLine

    desk.require_role(MONEY_ROLES, "see patient accounts")
    row = desk.db.execute(
        "SELECT last_name || ', ' || first_name, account_no FROM patients WHERE id = ?",
        (patient_id,),
    ).fetchone()
    if row is None:
        raise NotFound("That patient is not in the practice's records.")
    # Gift cards the patient bought show too (they are the practice's debt to whoever
    # holds the card, not the patient's balance), so a same-day sale can be voided here.
    entries = entries_where(
        desk,
        "WHERE patient_id = ? AND (account IN ('patient', 'credit') OR kind = 'gift_card_sale')"
        " ORDER BY id",
        (patient_id,),
    )
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    today = desk.clock.business_date()
    today_open = not is_closed(desk, today)
    running = 0
    lines = []
    for item in entries:
        if item.account == "patient":
            running += item.amount.cents
        lines.append(
            AccountLine(
                entry=item,
                description=describe(desk, item),
                balance=Money(running),
                refundable=refundable(desk, item.id)
                if item.kind in ("payment", "deposit")
                else Money(0),
                voidable=today_open
                and item.business_date == today
                and item.id not in reversed_ids
                and not void_problem(desk, item),
                reversed=item.id in reversed_ids,
            )
        )
    return Account(
        patient_id=patient_id,
        patient_name=row[0],
        account_no=row[1],
        balance=Money(running),
        credit=credit(desk, patient_id),
        lines=tuple(lines[-limit:]),
    )


def summary(desk: Desk, patient_id: int) -> tuple[Money, Money]:
    """The patient's balance and credit, for their summary (any role that sees it)."""
    return balance(desk, patient_id), credit(desk, patient_id)
