"""Patient statements: a period's entries that add up from the previous balance to what
is owed, each entry in the words of the patient's receipt, and the statement queued for
the printer by the money desk only, audited."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk.data.money import Money
from frontdesk.data.print_models import Statement
from frontdesk.errors import AccessDenied, Invalid, NotFound
from frontdesk.printing.documents import document_lines
from frontdesk.services import ledger, statements
from frontdesk.services.context import Desk
from tests.conftest import actor
from tests.unit.money_helpers import TODAY


def _busy_patient(desk: Desk) -> int:
    """The patient with the most entries on their balance: charges, payments, more."""
    (patient_id,) = desk.db.execute(
        "SELECT patient_id FROM ledger WHERE account = 'patient' AND patient_id IN"
        " (SELECT patient_id FROM ledger WHERE kind IN ('refund', 'adjustment'))"
        " GROUP BY patient_id ORDER BY count(*) DESC, patient_id LIMIT 1"
    ).fetchone()
    return patient_id


def test_a_statement_adds_up_from_the_previous_balance_to_what_is_owed(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    patient_id = _busy_patient(desk)
    since = TODAY - dt.timedelta(days=14)
    statement = statements.build_statement(desk, patient_id, since=since)
    assert statement.statement_date == TODAY and statement.since == since
    assert all(line.business_date >= since for line in statement.lines)
    (in_period,) = desk.db.execute(
        "SELECT count(*) FROM ledger WHERE patient_id = ? AND account = 'patient'"
        " AND business_date >= ?",
        (patient_id, since.isoformat()),
    ).fetchone()
    assert len(statement.lines) == in_period > 0
    period = sum((line.amount for line in statement.lines), Money(0))
    assert statement.previous_balance + period == statement.ending_balance
    assert statement.ending_balance == ledger.balance(desk, patient_id)
    assert statement.credit == ledger.credit(desk, patient_id)
    # Everything since the first entry: nothing owed before it.
    whole = statements.build_statement(desk, patient_id, since=dt.date(2000, 1, 1))
    assert whole.previous_balance == Money(0)
    first, last, account_no = desk.db.execute(
        "SELECT first_name, last_name, account_no FROM patients WHERE id = ?", (patient_id,)
    ).fetchone()
    assert (whole.patient, whole.account_no) == (f"{first} {last[0]}.", account_no)
    assert whole.practice_name == "Lakeside Dermatology & Laser"


def test_each_entry_reads_as_the_patients_receipt(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    patient_id = _busy_patient(desk)
    statement = statements.build_statement(desk, patient_id, since=dt.date(2000, 1, 1))
    texts = [line.text for line in statement.lines]
    receipt_texts = {
        text
        for (text,) in desk.db.execute(
            "SELECT CASE WHEN receipt_text <> '' THEN receipt_text ELSE description END"
            " FROM charges c JOIN encounters e ON e.id = c.encounter_id WHERE e.patient_id = ?",
            (patient_id,),
        )
    }
    charges = [
        line
        for line in statement.lines
        if not line.text.startswith(("Payment", "Refund", "Adjustment", "Void"))
    ]
    assert charges and all(line.text.split(" x")[0] in receipt_texts for line in charges)
    payments = [text for text in texts if text.startswith("Payment - ")]
    assert payments
    for text in payments:
        method = text.removeprefix("Payment - ")
        assert method in ("Cash", "Credit on account") or method.startswith(
            ("Check #", "Gift card ", "Visa ****", "Mastercard ****", "Amex ****", "Discover ****")
        ), text
    assert any(text.startswith(("Refund - ", "Adjustment - ")) for text in texts)
    numbers = {line.number for line in statement.lines}
    assert all(number.startswith("R") and len(number) == 8 for number in numbers)


def test_a_statement_for_no_one_or_for_days_to_come_is_refused(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    with pytest.raises(NotFound):
        statements.build_statement(desk, 999_999)
    with pytest.raises(Invalid, match="to come"):
        statements.build_statement(desk, _busy_patient(desk), since=TODAY + dt.timedelta(days=1))


def test_queueing_a_statement_needs_the_money_desk_and_is_audited(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    patient_id = _busy_patient(desk)
    nurse = desk.signed_in(actor(desk, "hschultz"))
    with pytest.raises(AccessDenied):
        statements.queue_statement(nurse, patient_id)
    assert (
        desk.db.execute("SELECT count(*) FROM print_jobs WHERE kind = 'statement'").fetchone()[0]
        == 0
    )
    job = statements.queue_statement(desk, patient_id)
    workstation, status, posting, payload = desk.db.execute(
        "SELECT workstation, status, posting_id, payload FROM print_jobs"
        " WHERE id = ? AND kind = 'statement'",
        (job,),
    ).fetchone()
    assert (workstation, status, posting) == ("FRONT-1", "pending", None)
    statement = Statement.model_validate_json(payload)
    assert statement == statements.build_statement(desk, patient_id)
    assert statement.since == TODAY - dt.timedelta(days=statements.STATEMENT_DAYS)
    lines = document_lines("statement", payload, 32)
    assert "STATEMENT" in [line.strip() for line in lines]
    assert lines[-3].startswith("Amount due") and lines[-3].endswith(str(statement.amount_due))
    audited = desk.db.execute(
        "SELECT staff_id, record_id FROM audit_log WHERE action = 'statement printed'"
    ).fetchall()
    assert audited == [(desk.actor.staff_id, patient_id)]
    with pytest.raises(NotFound):
        statements.queue_statement(desk, 999_999)
