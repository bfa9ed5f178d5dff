"""The invariant checker: the demo practice keeps every rule, and each rule, broken by hand
in a scratch copy (as someone with the sqlite3 shell could), is reported by `check` and by
`frontdesk check`, which then exits 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.cli import main
from frontdesk.data.db import write
from frontdesk.data.schema import open_database
from frontdesk.services import invariants

OPEN_DAY = "2026-11-24"  # the demo's today: not closed
_POSTING = (
    "INSERT INTO postings (idempotency_key, kind, patient_id, business_date, at)"
    " VALUES ('by-hand', '{kind}', {patient}, '{day}', '{at}')"
)
_ENTRY = (
    "INSERT INTO ledger (posting_id, idempotency_key, kind, account, patient_id, amount_cents,"
    " method, refunds_id, reason, business_date, at) SELECT id, 'by-hand:1', '{kind}',"
    " '{account}', {patient}, {cents}, {method}, {refunds}, 'by hand', business_date, at"
    " FROM postings WHERE idempotency_key = 'by-hand'"
)
_CLOSED = "(SELECT min(business_date) FROM day_closes)"

BREAKAGES: dict[str, list[str]] = {
    "book": [
        "INSERT INTO appointments (patient_id, resource_id, type_id, starts_at, ends_at, status,"
        " booked_at, updated_at) SELECT patient_id + 1, resource_id, type_id, starts_at, ends_at,"
        " 'booked', booked_at, updated_at FROM appointments WHERE status = 'booked'"
        " AND double_booked = 0 ORDER BY id LIMIT 1"
    ],
    "refunds": [
        _POSTING.format(kind="refund", patient=1, day=OPEN_DAY, at="2026-11-24T16:00:00.000000Z"),
        _ENTRY.format(
            kind="refund",
            account="patient",
            patient="(SELECT patient_id FROM ledger WHERE kind = 'payment' ORDER BY id LIMIT 1)",
            method="'card'",
            cents="(SELECT -2 * amount_cents FROM ledger WHERE kind = 'payment' ORDER BY id"
            " LIMIT 1)",
            refunds="(SELECT id FROM ledger WHERE kind = 'payment' ORDER BY id LIMIT 1)",
        ),
    ],
    "balances": [
        _POSTING.format(kind="payment", patient=1, day=OPEN_DAY, at="2026-11-24T16:00:00.000000Z"),
        _ENTRY.format(
            kind="credit_applied",
            account="credit",
            patient=1,
            cents=90000,
            method="'credit'",
            refunds="NULL",
        ),
    ],
    "whole postings": [
        _POSTING.format(kind="payment", patient=1, day=OPEN_DAY, at="2026-11-24T16:00:00.000000Z")
    ],
    "drawers": [
        "INSERT INTO drawer_moves (session_id, idempotency_key, kind, amount_cents, reason,"
        " business_date, at) SELECT id, 'by-hand', 'paid_out', 500, 'by hand', business_date,"
        " '2099-01-01T00:00:00.000000Z' FROM drawer_sessions WHERE status = 'closed'"
        " AND business_date NOT IN (SELECT business_date FROM day_closes) LIMIT 1"
    ],
    "stock": [
        "INSERT INTO stock_moves (item_id, at, quantity, reason, charge_id) SELECT item_id,"
        " '2026-11-24T16:00:00.000000Z', 50, 'return', id FROM charges WHERE kind = 'product'"
        " ORDER BY id LIMIT 1"
    ],
    "day sheets": [
        "DROP TRIGGER day_closes_stay_closed_update",
        "UPDATE day_closes SET totals = json_set(totals, '$.charges', 1)"
        f" WHERE business_date = {_CLOSED}",
    ],
    "A/R roll": [
        "DROP TRIGGER day_closes_stay_closed_update",
        "UPDATE day_closes SET totals = json_set(totals, '$.ending_ar', 1)"
        f" WHERE business_date = {_CLOSED}",
    ],
    "locked days": [
        "DROP TRIGGER ledger_closed_day",
        _POSTING.format(
            kind="payment", patient=1, day="2026-10-28", at="2026-11-24T16:00:00.000000Z"
        ),
        _ENTRY.format(
            kind="payment",
            account="patient",
            patient=1,
            cents=-500,
            method="'card'",
            refunds="NULL",
        ),
    ],
    "append-only": ["DROP TRIGGER ledger_append_only_delete"],
    "audit chain": [
        "DROP TRIGGER audit_log_append_only_update",
        "UPDATE audit_log SET summary = 'nothing to see' WHERE id = 1",
    ],
}


def test_the_demo_practice_keeps_every_rule(practice_path: Path) -> None:
    db = open_database(practice_path)
    try:
        assert invariants.check(db) == []
    finally:
        db.close()


def test_every_rule_has_a_breakage_here() -> None:
    assert set(BREAKAGES) == set(invariants.RULES) - {"integrity"}


@pytest.mark.parametrize("rule", sorted(BREAKAGES))
def test_a_rule_broken_by_hand_is_reported(rule: str, practice_path: Path, capsys) -> None:
    db = open_database(practice_path)
    try:
        with write(db):
            for statement in BREAKAGES[rule]:
                db.execute(statement)
        found = invariants.check(db)
    finally:
        db.close()
    assert rule in {violation.rule for violation in found}, found
    code = main(["check", "--db", str(practice_path)])
    out = capsys.readouterr().out
    assert code == 1
    title = rule[:1].upper() + rule[1:]
    shown = "BROKEN" if rule == "audit chain" else "VIOLATED"
    assert any(line.startswith(title) and shown in line for line in out.splitlines()), out


def test_a_file_too_damaged_to_check_is_reported_not_raised(practice_path: Path) -> None:
    db = open_database(practice_path)
    try:
        with write(db):
            db.execute("DROP TRIGGER day_closes_stay_closed_update")
            db.execute(f"UPDATE day_closes SET totals = 'not json' WHERE business_date = {_CLOSED}")
        found = invariants.check(db, ("day sheets",))
    finally:
        db.close()
    assert [v.rule for v in found] == ["day sheets"]
    assert found[0].detail.startswith("could not be checked")
