"""Putting money right, always with a manager: refunds from a payment, same-day voids
(a reversal entry), adjustments with a reason code, returned products, and no-show fees.

Nothing is edited or removed: each correction is a new posting that names what it
corrects, so the account shows both the mistake and its correction.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from frontdesk.data.money import Money
from frontdesk.errors import BadAmount, Conflict, Invalid, NotFound
from frontdesk.services import fee_sheets, patients
from frontdesk.services.fields import one_line
from frontdesk.services.ledger import (
    MONEY_ROLES,
    PostingWriter,
    balance,
    card_parts,
    card_reference,
    check_key,
    credit,
    entries_of_posting,
    entry,
    existing_posting,
    gift_card_balance,
    manager_approval,
    refundable,
)

if TYPE_CHECKING:
    from frontdesk.data.models import Actor
    from frontdesk.data.money_models import LedgerEntry, Posting
    from frontdesk.services.context import Desk

__all__ = [
    "ADJUSTMENT_WORDS",
    "adjust_balance",
    "check_refund",
    "post_no_show_fee",
    "refund_payment",
    "return_product",
    "void_entry",
    "void_problem",
]

ADJUSTMENT_WORDS = {
    "courtesy": "courtesy",
    "small_balance": "small balance",
    "bad_debt": "bad debt",
    "no_show_waived": "no-show fee waived",
    "returned": "product returned",
}
_REFUND_CODE = re.compile(r"[0-9A-Za-z-]{1,12}")


def _reason(reason: str) -> str:
    return one_line(reason, "reason", max_length=80, required=True)


def _replay(desk: Desk, key: str) -> Posting | None:
    from frontdesk.services.receipts import posting_result

    found = existing_posting(desk, key)
    return posting_result(desk, found, replayed=True) if found is not None else None


def _finish(desk: Desk, writer: PostingWriter) -> Posting:
    from frontdesk.services.receipts import finish_posting

    return finish_posting(desk, writer)


# -- refunds -----------------------------------------------------------------------------------


def check_refund(
    desk: Desk,
    payment_id: int,
    amount: Money,
    *,
    method: str | None = None,
    reference: str = "",
) -> tuple[LedgerEntry, str, str]:
    """Whether this refund can be made (all but the manager's say-so): the payment or
    deposit, the method (its own by default) and the reference, or the error that
    stops it. The refund form asks this before it asks a manager; `refund_payment`
    asks it again in its own transaction."""
    if amount.cents <= 0:
        raise BadAmount("A refund must be more than $0.00.")
    original = entry(desk, payment_id)
    if original is None or original.kind not in ("payment", "deposit"):
        raise NotFound("Refunds start from a payment or deposit on the account.")
    if original.method == "credit":
        raise Invalid("That payment came from the patient's credit; refund the deposit.")
    method = method or original.method
    if method not in ("cash", "check", "card", "gift_card", "credit"):
        raise Invalid("Refund in cash, by check, to the card, to the gift card or as credit.")
    if method == "gift_card" and original.method != "gift_card":
        raise Invalid("Only a gift-card payment goes back on a gift card.")
    if method == "credit" and original.kind == "deposit":
        raise Invalid("A deposit is already credit; refund it in money.")
    reference = one_line(reference, "refund reference", max_length=12)
    if method == "card" and not _REFUND_CODE.fullmatch(reference):
        raise Invalid("Enter the card terminal's refund approval code.")
    if method == "check" and not _REFUND_CODE.fullmatch(reference):
        raise Invalid("Enter the number of the refund check.")
    left = refundable(desk, payment_id)
    if amount > left:
        raise Conflict(
            f"Only {left} is left of that payment to refund; {amount} is more than that."
        )
    return original, method, reference


def refund_payment(
    desk: Desk,
    payment_id: int,
    amount: Money,
    reason: str,
    key: str,
    *,
    method: str | None = None,
    reference: str = "",
    approver: Actor | None = None,
) -> Posting:
    """Refund part or all of a payment or deposit: never more than is left of it (what
    came in less the refunds made from it), checked in the refund's own transaction so
    two refunds at once cannot together exceed it. It goes back on the original tender
    unless the approving manager chooses another (`method`): a card refund needs the
    terminal's refund approval code, a check refund the refund check's number. Needs a
    reason and a manager."""
    desk.require_role(MONEY_ROLES, "refund payments")
    key = check_key(key)
    reason = _reason(reason)
    with desk.writing():
        done = _replay(desk, key)
        if done is not None:
            return done
        original, method, reference = check_refund(
            desk, payment_id, amount, method=method, reference=reference
        )
        approver_id = manager_approval(desk, approver, f"a refund of {amount}")
        account = "credit" if original.kind == "deposit" else "patient"
        writer = PostingWriter(
            desk, "refund", key, patient_id=original.patient_id, approver_id=approver_id
        )
        writer.open()
        card_brand = original.card_brand if method == "card" else ""
        if method == "card":
            last4 = card_parts(original.reference)[0] if original.method == "card" else ""
            reference = card_reference(last4, reference)
        if method == "gift_card":
            reference = original.reference
        refund_id = writer.add(
            "refund",
            account,
            amount,
            method=method,
            reference=reference,
            card_brand=card_brand,
            refunds_id=payment_id,
            reason=reason,
        )
        if method == "gift_card":
            card = next(
                e
                for e in entries_of_posting(desk, original.posting_id)
                if e.gift_card_id and e.reference == str(payment_id)
            )
            writer.add(
                "refund",
                "gift_card",
                -amount,
                gift_card_id=card.gift_card_id,
                refunds_id=payment_id,
                reason=reason,
                reference=str(refund_id),
            )
        elif method == "credit":
            writer.add(
                "refund",
                "credit",
                -amount,
                refunds_id=payment_id,
                reason=reason,
                reference=str(refund_id),
            )
        writer.audit("refund posted", f"entry {payment_id}: {amount.cents} cents")
        return _finish(desk, writer)


# -- voids -----------------------------------------------------------------------------------


def void_problem(desk: Desk, item: LedgerEntry) -> str:
    """Why `item` cannot be voided now ("" when it can)."""
    if item.kind not in ("charge", "payment", "deposit", "refund", "gift_card_sale"):
        return "Only a charge, a payment, a deposit, a refund or a gift card sale is voided."
    if item.kind == "refund" and item.method is None:
        # The gift card's or the credit's side of a refund goes with the refund itself.
        return "That is part of a refund; void the refund it belongs to."
    if item.business_date != desk.clock.business_date():
        return (
            f"That entry is from {item.business_date:%m/%d/%Y}; only today's entries are "
            "voided. Refund or adjust it instead."
        )
    if desk.db.execute("SELECT 1 FROM ledger WHERE reverses_id = ?", (item.id,)).fetchone():
        return "That entry was voided already."
    if item.kind == "deposit" and credit(desk, item.patient_id) < -item.amount:
        return "Part of that deposit was applied to a visit; refund what is left instead."
    if (
        item.kind in ("payment", "deposit")
        and item.method != "credit"
        and refundable(desk, item.id) != -item.amount
    ):
        return "Part of that payment was refunded; refund the rest instead of voiding it."
    if item.kind == "refund" and item.method in ("gift_card", "credit"):
        # Voiding takes the value back off the card or the credit: it must still be there.
        side = next(
            (
                e
                for e in entries_of_posting(desk, item.posting_id)
                if e.reference == str(item.id) and e.account != item.account
            ),
            None,
        )
        if side is not None:
            held = (
                gift_card_balance(desk, side.gift_card_id)
                if side.gift_card_id is not None
                else credit(desk, item.patient_id)
            )
            if held < item.amount:
                return (
                    f"The refunded {item.amount} has been used since ({held} is left); "
                    "it can no longer be voided."
                )
    if (
        item.kind == "charge"
        and desk.db.execute(
            "SELECT 1 FROM ledger WHERE charge_id = ? AND kind = 'adjustment'", (item.charge_id,)
        ).fetchone()
    ):
        return "Part of that sale was returned; adjust or refund instead of voiding it."
    if item.kind == "gift_card_sale":
        (used,) = desk.db.execute(
            "SELECT count(*) FROM ledger WHERE gift_card_id = ? AND kind <> 'gift_card_sale'",
            (item.gift_card_id,),
        ).fetchone()
        if used:
            return "That gift card has been used; it can no longer be voided."
    return ""


def void_entry(
    desk: Desk,
    entry_id: int,
    reason: str,
    key: str,
    *,
    approver: Actor | None = None,
    back_to_stock: bool = True,
) -> Posting:
    """Void today's charge, payment, deposit, refund or gift card sale before the day
    is closed: a reversal entry for it (and for the entries posted with it: a gift
    card's redemption, credit applied), the product back in stock for a retail charge.
    Needs a reason and a manager."""
    desk.require_role(MONEY_ROLES, "void entries")
    key = check_key(key)
    reason = _reason(reason)
    with desk.writing():
        done = _replay(desk, key)
        if done is not None:
            return done
        item = entry(desk, entry_id)
        if item is None:
            raise NotFound("There is no such entry on the account.")
        problem = void_problem(desk, item)
        if problem:
            raise Conflict(problem)
        approver_id = manager_approval(desk, approver, f"a void of entry {entry_id}")
        writer = PostingWriter(
            desk, "void", key, patient_id=item.patient_id, approver_id=approver_id
        )
        writer.open()
        targets = [item]
        # The value a payment moved from a gift card or from credit goes back with it.
        if item.kind in ("payment", "refund") and item.method in ("gift_card", "credit"):
            targets += [
                e
                for e in entries_of_posting(desk, item.posting_id)
                if e.reference == str(item.id) and e.account != item.account
            ]
        if item.kind == "gift_card_sale":
            targets = [
                e for e in entries_of_posting(desk, item.posting_id) if e.kind == "gift_card_sale"
            ]
        for target in targets:
            writer.add(
                "reversal",
                target.account,
                -target.amount,
                patient_id=target.patient_id,
                gift_card_id=target.gift_card_id,
                method=target.method,
                reference=target.reference,
                card_brand=target.card_brand,
                charge_id=target.charge_id,
                appointment_id=target.appointment_id,
                reverses_id=target.id,
                reason=reason,
            )
        if item.kind == "charge" and item.charge_id is not None and back_to_stock:
            _restock(desk, item.charge_id, None, "void")
        writer.audit("entry voided", f"entry {entry_id}")
        return _finish(desk, writer)


def _restock(desk: Desk, charge_id: int, quantity: int | None, reason: str) -> None:
    row = desk.db.execute(
        "SELECT item_id, quantity FROM charges WHERE id = ?", (charge_id,)
    ).fetchone()
    if row is None or row[0] is None:
        return
    desk.db.execute(
        "INSERT INTO stock_moves (item_id, at, quantity, reason, charge_id, staff_id,"
        " workstation) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            row[0],
            desk.clock.stamp(),
            quantity if quantity is not None else row[1],
            reason,
            charge_id,
            desk.actor.staff_id if desk.actor else None,
            desk.workstation,
        ),
    )


# -- adjustments and returns -------------------------------------------------------------------


def adjust_balance(
    desk: Desk,
    patient_id: int,
    amount: Money,
    reason_code: str,
    key: str,
    *,
    note: str = "",
    approver: Actor | None = None,
) -> Posting:
    """Take `amount` off what the patient owes (courtesy, small balance, bad debt, no-show
    fee waived), no more than the balance. Needs a manager."""
    desk.require_role(MONEY_ROLES, "adjust balances")
    key = check_key(key)
    if reason_code not in ADJUSTMENT_WORDS or reason_code == "returned":
        raise Invalid("Choose the reason: courtesy, small balance, bad debt or no-show waived.")
    if amount.cents <= 0:
        raise BadAmount("An adjustment must be more than $0.00.")
    note = one_line(note, "note", max_length=120)
    with desk.writing():
        done = _replay(desk, key)
        if done is not None:
            return done
        patients.require_active(desk, patient_id, "adjust their balance")
        owed = balance(desk, patient_id)
        if amount > owed:
            raise Conflict(
                f"The patient owes {max(owed, Money(0))}; an adjustment of {amount} is more "
                "than that."
            )
        approver_id = manager_approval(desk, approver, f"an adjustment of {amount}")
        writer = PostingWriter(
            desk, "adjustment", key, patient_id=patient_id, approver_id=approver_id, note=note
        )
        writer.open()
        writer.add("adjustment", "patient", -amount, reason=reason_code)
        writer.audit("balance adjusted", f"patient {patient_id}: {amount.cents} cents")
        return _finish(desk, writer)


def return_product(
    desk: Desk,
    charge_id: int,
    quantity: int,
    key: str,
    *,
    back_to_stock: bool = True,
    approver: Actor | None = None,
    reason: str = "",
) -> Posting:
    """A retail product brought back: its price (with its tax, less its discount) comes
    off the balance for `quantity` of the units sold, and the units go back to stock
    unless they cannot be sold again. The money goes back by refunding the payment.
    Needs a manager; why it came back (`reason`) is kept as the entry's note."""
    desk.require_role(MONEY_ROLES, "take returns")
    key = check_key(key)
    reason = one_line(reason, "reason", max_length=80)
    with desk.writing():
        done = _replay(desk, key)
        if done is not None:
            return done
        row = desk.db.execute(
            "SELECT c.item_id, c.quantity, c.total_cents, e.patient_id, e.status, c.description"
            " FROM charges c JOIN encounters e ON e.id = c.encounter_id WHERE c.id = ?",
            (charge_id,),
        ).fetchone()
        if row is None or row[0] is None or row[4] != "finalized":
            raise NotFound("Returns start from a product sold on a finalized fee sheet.")
        item_id, sold, total, patient_id, _status, name = row
        (returned,) = desk.db.execute(
            "SELECT coalesce(sum(quantity), 0) FROM stock_moves WHERE charge_id = ?"
            " AND reason = 'return'",
            (charge_id,),
        ).fetchone()
        if desk.db.execute(
            "SELECT 1 FROM ledger l JOIN ledger r ON r.reverses_id = l.id"
            " WHERE l.charge_id = ? AND l.kind = 'charge'",
            (charge_id,),
        ).fetchone():
            raise Conflict("That sale was voided already.")
        left = sold - returned
        if isinstance(quantity, bool) or not 1 <= quantity <= left:
            raise Invalid(f"{left} of {name} can still be returned from that sale.")
        approver_id = manager_approval(desk, approver, f"a return of {name}")
        # Shares of the line's total, so returning every unit gives back exactly all of it.
        value = Money(total * (returned + quantity) // sold - total * returned // sold)
        writer = PostingWriter(
            desk, "adjustment", key, patient_id=patient_id, approver_id=approver_id, note=reason
        )
        writer.open()
        if value:
            writer.add("adjustment", "patient", -value, charge_id=charge_id, reason="returned")
        # The units come back in; ones that cannot be sold again are written off at once.
        _restock(desk, charge_id, quantity, "return")
        if not back_to_stock:
            desk.db.execute(
                "INSERT INTO stock_moves (item_id, at, quantity, reason, charge_id, note,"
                " staff_id, workstation) VALUES (?, ?, ?, 'adjust', ?, ?, ?, ?)",
                (
                    item_id,
                    desk.clock.stamp(),
                    -quantity,
                    charge_id,
                    "returned, written off",
                    desk.actor.staff_id if desk.actor else None,
                    desk.workstation,
                ),
            )
        writer.audit("product returned", f"charge {charge_id}: {quantity}")
        return _finish(desk, writer)


# -- no-show fees ------------------------------------------------------------------------------


def post_no_show_fee(desk: Desk, appointment_id: int, key: str, *, code: str = "NOSHOW") -> Posting:
    """Charge the practice's no-show fee (or late-cancel fee, `code="LATECANCEL"`) for a
    missed appointment: a finalized fee sheet of that one line, once per appointment."""
    from frontdesk.data.money_models import FeeLine

    desk.require_role(MONEY_ROLES, "post no-show fees")
    key = check_key(key)
    priced = fee_sheets.price_lines(desk, [FeeLine(kind="service", code=code)])
    with desk.writing():
        done = _replay(desk, key)
        if done is not None:
            return done
        row = desk.db.execute(
            "SELECT patient_id, status, cancel_reason FROM appointments WHERE id = ?",
            (appointment_id,),
        ).fetchone()
        if row is None:
            raise NotFound("That appointment is not on the book.")
        patient_id, status, cancel_reason = row
        if status != "no_show" and cancel_reason != "late_cancel":
            raise Conflict("A no-show fee is for a no-show or a late cancel.")
        if desk.db.execute(
            "SELECT 1 FROM encounters WHERE appointment_id = ?", (appointment_id,)
        ).fetchone():
            raise Conflict("That appointment has its fee already.")
        encounter_id = fee_sheets.open_encounter(desk, appointment_id, priced)
        writer = PostingWriter(
            desk, "no_show_fee", key, patient_id=patient_id, encounter_id=encounter_id
        )
        writer.open()
        charge_id = desk.db.execute(
            "SELECT id FROM charges WHERE encounter_id = ?", (encounter_id,)
        ).fetchone()[0]
        writer.add(
            "charge",
            "patient",
            priced[0].total,
            charge_id=charge_id,
            appointment_id=appointment_id,
        )
        desk.db.execute(
            "UPDATE encounters SET status = 'finalized', finalized_by = ?, finalized_at = ?"
            " WHERE id = ?",
            (desk.actor.staff_id if desk.actor else None, desk.clock.stamp(), encounter_id),
        )
        writer.audit("no-show fee posted", f"appt {appointment_id}")
        return _finish(desk, writer)
