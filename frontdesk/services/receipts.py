"""Receipts: what a posting's receipt says, and its job in the print queue.

A posting's receipt job is queued in the posting's own transaction, so a receipt is
never lost: the printing worker sends it when the printer can take it, and any receipt
can be queued again as a reprint. A receipt holds only what the patient needs: first
name and last initial, account number, each line by its receipt text, the tenders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.data.money import Money
from frontdesk.errors import NotFound
from frontdesk.services import audit
from frontdesk.services.ledger import (
    MONEY_ROLES,
    card_parts,
    entries_of_posting,
    receipt_number,
)

if TYPE_CHECKING:
    from frontdesk.data.money_models import LedgerEntry, Posting, Receipt
    from frontdesk.services.context import Desk
    from frontdesk.services.ledger import PostingWriter

__all__ = [
    "PRINTED_KINDS",
    "build_receipt",
    "finish_posting",
    "posting_result",
    "queue_receipt",
    "reprint",
]

#: Postings whose receipt prints at once (an adjustment or a no-show fee is posted with
#: the patient away: its receipt can be printed from the account).
PRINTED_KINDS = ("checkout", "payment", "deposit", "gift_card_sale", "refund", "void")
_RECEIPT_KIND = {
    "checkout": "payment",
    "payment": "payment",
    "deposit": "payment",
    "no_show_fee": "payment",
    "gift_card_sale": "gift_card",
    "refund": "refund",
    "void": "void",
    "adjustment": "adjustment",
}
_MONEY_KINDS = ("payment", "deposit", "gift_card_sale", "refund")


def _short_name(first: str, last: str) -> str:
    return f"{first} {last[:1]}.".strip() if last else first


def _detail(entry: LedgerEntry) -> str:
    if entry.method == "card":
        last4, code = card_parts(entry.reference)
        card = f"{entry.card_brand} ****{last4}".strip() if last4 else entry.card_brand
        return f"{card} refund {code}".strip() if entry.kind == "refund" else card
    if entry.method == "check":
        return f"#{entry.reference}" if entry.reference else ""
    if entry.method == "gift_card":
        return entry.reference
    return ""


def _sum_until(desk: Desk, where: str, value: int, last_id: int) -> int:
    (cents,) = desk.db.execute(
        f"SELECT coalesce(sum(amount_cents), 0) FROM ledger WHERE {where} AND id <= ?",
        (value, last_id),
    ).fetchone()
    return cents


def build_receipt(
    desk: Desk,
    posting_id: int,
    *,
    reprint: bool = False,
    entries: list[LedgerEntry] | None = None,
) -> Receipt:
    """The receipt of a posting, as it stood when posted (a reprint says the same);
    `entries` are the posting's, if already read."""
    from frontdesk.data.money_models import Receipt, ReceiptLine, ReceiptTender
    from frontdesk.services.practice import load_settings

    row = desk.db.execute(
        "SELECT p.kind, p.patient_id, p.encounter_id, p.at, p.workstation, s.full_name,"
        " pt.first_name, pt.last_name, pt.account_no"
        " FROM postings p LEFT JOIN staff s ON s.id = p.staff_id"
        " LEFT JOIN patients pt ON pt.id = p.patient_id WHERE p.id = ?",
        (posting_id,),
    ).fetchone()
    if row is None:
        raise NotFound("There is no such receipt.")
    kind, patient_id, encounter_id, at, workstation, cashier, first, last, account_no = row
    settings = load_settings(desk.db)
    if entries is None:
        entries = entries_of_posting(desk, posting_id)
    last_id = max((e.id for e in entries), default=0)
    lines: list[ReceiptLine] = []
    subtotal = discounts = tax = 0
    if encounter_id is not None and kind in ("checkout", "no_show_fee"):
        for text, quantity, unit, discount, line_tax in desk.db.execute(
            "SELECT CASE WHEN receipt_text <> '' THEN receipt_text ELSE description END,"
            " quantity, unit_price_cents, discount_cents, tax_cents FROM charges"
            " WHERE encounter_id = ? ORDER BY line_no",
            (encounter_id,),
        ):
            lines.append(
                ReceiptLine(
                    text=text,
                    quantity=quantity,
                    unit_price=Money(unit),
                    amount=Money(unit * quantity),
                    discount=Money(discount),
                )
            )
            subtotal += unit * quantity
            discounts += discount
            tax += line_tax
    tenders = []
    reason = ""
    gift_card_id = None
    for entry in entries:
        if entry.method and (entry.kind in _MONEY_KINDS or entry.kind == "reversal"):
            tenders.append(
                ReceiptTender(
                    method=entry.method or "cash",
                    amount=-entry.amount,
                    detail=_detail(entry),
                    tendered=entry.tendered,
                    change=entry.change,
                )
            )
        if entry.kind == "charge" and kind not in ("checkout", "no_show_fee"):
            subtotal += entry.amount.cents
        if entry.reason and not reason:
            reason = entry.reason
        if entry.gift_card_id is not None and gift_card_id is None:
            gift_card_id = entry.gift_card_id
    if kind == "gift_card_sale":
        subtotal = sum(-e.amount.cents for e in entries)
    if kind in ("payment", "deposit"):
        # No fee sheet: the receipt's one line says what the money was for.
        paid = sum(-e.amount.cents for e in entries if e.kind in ("payment", "deposit"))
        opening = entries[0] if entries else None
        text = (
            "Deposit (held as credit)"
            if kind == "deposit"
            else "Co-pay"
            if opening is not None and opening.appointment_id is not None
            else "Payment on account"
        )
        lines.append(ReceiptLine(text=text, unit_price=Money(paid), amount=Money(paid)))
        subtotal = paid
    total = subtotal - discounts + tax
    if kind == "refund":
        # The money handed back, whichever account it came off (a deposit's is credit).
        total = sum(
            e.amount.cents
            for e in entries
            if e.kind == "refund" and e.method and e.account != "gift_card"
        )
    elif kind in ("void", "adjustment"):
        total = sum(e.amount.cents for e in entries if e.account == "patient")
    code, card_balance = "", None
    if gift_card_id is not None:
        code = desk.db.execute(
            "SELECT code FROM gift_cards WHERE id = ?", (gift_card_id,)
        ).fetchone()[0]
        card_balance = Money(-_sum_until(desk, "gift_card_id = ?", gift_card_id, last_id))
    balance_after = credit_after = None
    if patient_id is not None:
        balance_after = Money(
            _sum_until(desk, "account = 'patient' AND patient_id = ?", patient_id, last_id)
        )
        credit_after = Money(
            -_sum_until(desk, "account = 'credit' AND patient_id = ?", patient_id, last_id)
        )
    cashier_first, _, cashier_last = (cashier or "").partition(" ")
    return Receipt(
        kind=_RECEIPT_KIND[kind],
        number=receipt_number(posting_id),
        practice_name=settings.name,
        practice_address=settings.address,
        practice_phone=settings.phone,
        at=desk.clock.local(at).format("MM/DD/YYYY h:mm A"),
        cashier=_short_name(cashier_first, cashier_last) if cashier else "shell",
        workstation=workstation,
        patient=_short_name(first, last) if first else "",
        account_no=account_no or "",
        lines=tuple(lines),
        subtotal=Money(subtotal),
        discounts=Money(discounts),
        tax=Money(tax),
        total=Money(total),
        tenders=tuple(tenders),
        balance_after=balance_after,
        credit_after=credit_after if credit_after else None,
        gift_card_code=code,
        gift_card_balance=card_balance,
        reason=reason,
        reprint=reprint,
    )


def queue_receipt(
    desk: Desk, posting_id: int, *, reprint: bool = False, receipt: Receipt | None = None
) -> int:
    """Queue the posting's receipt (`receipt`, if already built) for this workstation's
    printer, inside the caller's transaction; returns the print job's id. A receipt with
    cash on it opens the drawer."""
    receipt = receipt or build_receipt(desk, posting_id, reprint=reprint)
    # Cash taken or handed back opens the drawer as the receipt prints (a reprint never).
    kick = not reprint and any(t.method == "cash" and t.amount for t in receipt.tenders)
    return desk.db.execute(
        "INSERT INTO print_jobs (workstation, kind, posting_id, payload, reprint, kick,"
        " created_at) VALUES (?, 'receipt', ?, ?, ?, ?, ?)",
        (desk.workstation, posting_id, receipt.model_dump_json(), int(reprint), int(kick),
         desk.clock.stamp()),
    ).lastrowid  # fmt: skip


def posting_result(
    desk: Desk,
    posting_id: int,
    *,
    replayed: bool = False,
    print_job_id: int | None = None,
    receipt: Receipt | None = None,
    entries: list[LedgerEntry] | None = None,
) -> Posting:
    """A posting with its entries and receipt (`entries` and `receipt`, if already
    read and built)."""
    from frontdesk.data.money_models import Posting

    row = desk.db.execute(
        "SELECT kind, patient_id, encounter_id, business_date, at FROM postings WHERE id = ?",
        (posting_id,),
    ).fetchone()
    if row is None:
        raise NotFound("There is no such posting.")
    if print_job_id is None:
        job = desk.db.execute(
            "SELECT id FROM print_jobs WHERE posting_id = ? AND reprint = 0 ORDER BY id LIMIT 1",
            (posting_id,),
        ).fetchone()
        print_job_id = job[0] if job else None
    return Posting(
        id=posting_id,
        kind=row[0],
        number=receipt_number(posting_id),
        patient_id=row[1],
        encounter_id=row[2],
        business_date=row[3],
        at=row[4],
        entries=tuple(entries_of_posting(desk, posting_id) if entries is None else entries),
        receipt=receipt or build_receipt(desk, posting_id),
        print_job_id=print_job_id,
        replayed=replayed,
    )


def finish_posting(desk: Desk, writer: PostingWriter) -> Posting:
    """Queue the receipt of a posting just written (when its kind prints at once) and
    return the posting, still inside its transaction."""
    entries = entries_of_posting(desk, writer.posting_id)
    receipt = build_receipt(desk, writer.posting_id, entries=entries)
    job_id = (
        queue_receipt(desk, writer.posting_id, receipt=receipt)
        if writer.kind in PRINTED_KINDS
        else None
    )
    return posting_result(
        desk, writer.posting_id, print_job_id=job_id, receipt=receipt, entries=entries
    )


def reprint(desk: Desk, posting_id: int) -> int:
    """Queue a posting's receipt again, marked REPRINT; returns the job's id."""
    desk.require_role(MONEY_ROLES, "reprint receipts")
    with desk.writing():
        if not desk.db.execute("SELECT 1 FROM postings WHERE id = ?", (posting_id,)).fetchone():
            raise NotFound("There is no such receipt.")
        job_id = queue_receipt(desk, posting_id, reprint=True)
        audit.record(desk, "receipt reprinted", "postings", posting_id)
    return job_id
