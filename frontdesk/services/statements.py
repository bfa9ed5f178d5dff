"""Patient statements: what a patient owed before a period, every entry on their
balance in it, and what they owe now, queued for the printer.

A statement says only what a receipt may: the patient's first name and last initial and
their account number (no date of birth, no diagnosis), each charge by its receipt text
(a cosmetic or clinical line as the patient's receipt named it), each payment by its
method with a card's last four only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from frontdesk.data.money import Money
from frontdesk.errors import Invalid, NotFound
from frontdesk.services import audit
from frontdesk.services.corrections import ADJUSTMENT_WORDS
from frontdesk.services.ledger import (
    MONEY_ROLES,
    balance,
    card_parts,
    credit,
    entries_where,
    entry,
    receipt_number,
)
from frontdesk.services.payments import METHOD_WORDS
from frontdesk.services.receipts import _short_name

if TYPE_CHECKING:
    from frontdesk.data.money_models import LedgerEntry
    from frontdesk.data.print_models import Statement
    from frontdesk.services.context import Desk

__all__ = ["STATEMENT_DAYS", "build_statement", "queue_statement"]

#: The days a statement covers when no start is given.
STATEMENT_DAYS = 90


def build_statement(desk: Desk, patient_id: int, *, since: dt.date | None = None) -> Statement:
    """The patient's statement of today for the entries on their balance from `since`
    (STATEMENT_DAYS ago by default) to today. Raises NotFound for no such patient,
    Invalid for a period starting after today."""
    from frontdesk.data.print_models import Statement, StatementLine
    from frontdesk.services.practice import load_settings

    desk.require_role(MONEY_ROLES, "see patient accounts")
    today = desk.clock.business_date()
    since = since or today - dt.timedelta(days=STATEMENT_DAYS)
    if since > today:
        raise Invalid(f"A statement covers days up to today; {since:%m/%d/%Y} is to come.")
    row = desk.db.execute(
        "SELECT first_name, last_name, account_no FROM patients WHERE id = ?", (patient_id,)
    ).fetchone()
    if row is None:
        raise NotFound("That patient is not in the practice's records.")
    first, last, account_no = row
    entries = entries_where(
        desk,
        "WHERE patient_id = ? AND account = 'patient' AND business_date >= ? ORDER BY id",
        (patient_id, since.isoformat()),
    )
    charges = _charge_texts(desk, [e.charge_id for e in entries if e.charge_id is not None])
    lines = tuple(
        StatementLine(
            business_date=e.business_date,
            number=receipt_number(e.posting_id),
            text=_text(desk, e, charges),
            amount=e.amount,
        )
        for e in entries
    )
    ending = balance(desk, patient_id)
    settings = load_settings(desk.db)
    return Statement(
        practice_name=settings.name,
        practice_address=settings.address,
        practice_phone=settings.phone,
        statement_date=today,
        since=since,
        patient=_short_name(first, last),
        account_no=account_no,
        previous_balance=ending - sum((line.amount for line in lines), Money(0)),
        lines=lines,
        ending_balance=ending,
        credit=credit(desk, patient_id),
    )


def queue_statement(desk: Desk, patient_id: int) -> int:
    """Queue the patient's statement (of the default period) for this workstation's
    printer; returns the print job's id. Audited."""
    desk.require_role(MONEY_ROLES, "print statements")
    with desk.writing():
        statement = build_statement(desk, patient_id)
        job_id = desk.db.execute(
            "INSERT INTO print_jobs (workstation, kind, payload, created_at)"
            " VALUES (?, 'statement', ?, ?)",
            (desk.workstation, statement.model_dump_json(), desk.clock.stamp()),
        ).lastrowid
        audit.record(desk, "statement printed", "patients", patient_id)
    return job_id


# -- what each entry says ------------------------------------------------------------------------


def _charge_texts(desk: Desk, charge_ids: list[int]) -> dict[int, str]:
    """Each charge as its receipt reads: its receipt text, else its description, and how
    many when more than one."""
    if not charge_ids:
        return {}
    marks = ", ".join("?" for _ in charge_ids)
    return {
        charge_id: f"{text} x{quantity}" if quantity > 1 else text
        for charge_id, text, quantity in desk.db.execute(
            "SELECT id, CASE WHEN receipt_text <> '' THEN receipt_text ELSE description END,"
            f" quantity FROM charges WHERE id IN ({marks})",
            tuple(charge_ids),
        )
    }


def _text(desk: Desk, item: LedgerEntry, charges: dict[int, str]) -> str:
    if item.kind == "charge":
        return charges.get(item.charge_id or 0, "Charge")
    if item.kind in ("payment", "refund"):
        words = "Payment" if item.kind == "payment" else "Refund"
        method = _tender(item)
        return f"{words} - {method}" if method else words
    if item.kind == "adjustment":
        return f"Adjustment - {ADJUSTMENT_WORDS.get(item.reason, item.reason or 'balance')}"
    if item.kind == "reversal":
        original = entry(desk, item.reverses_id) if item.reverses_id else None
        return f"Void of {receipt_number(original.posting_id)}" if original else "Void"
    return item.kind.replace("_", " ").capitalize()


def _tender(item: LedgerEntry) -> str:
    """A payment's method as the patient's receipt names it: "Visa ****4242", "Check
    #1234", "Cash"..."""
    if item.method == "card":
        last4, _code = card_parts(item.reference)
        brand = item.card_brand or "Card"
        return f"{brand} ****{last4}" if last4 else brand
    if item.method == "check":
        return f"Check #{item.reference}" if item.reference else "Check"
    if item.method == "gift_card":
        return f"Gift card {item.reference}".strip()
    return METHOD_WORDS.get(item.method or "", "")
