"""The money desk's migration: a file from before it keeps every appointment and its
history, and gains the new status (ready for check-out) and the ledger's guards."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.data.db import sqlite3
from frontdesk.data.schema import MIGRATIONS, open_database
from frontdesk.services import demo
from frontdesk.services.context import Desk
from frontdesk.services.demo_money import CATALOGUE_STEPS
from tests.conftest import FakeClock


def test_a_book_from_before_the_money_desk_keeps_its_appointments(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    first_money = [name for name, _ in MIGRATIONS].index("0004_money_desk")
    money = MIGRATIONS[first_money:]
    del MIGRATIONS[first_money:]
    try:
        db = open_database(path)
        demo_steps = list(demo.STEPS)
        # The demo's later steps need the new tables: build the book only.
        demo.STEPS[:] = demo_steps[: demo_steps.index(CATALOGUE_STEPS[0])]
        try:
            demo.build_demo(Desk(db=db, clock=FakeClock(), workstation="T", shell=True))
        finally:
            demo.STEPS[:] = demo_steps
        before = db.execute(
            "SELECT count(*), sum(id), group_concat(status) FROM appointments"
        ).fetchone()
        events = db.execute("SELECT count(*) FROM appointment_events").fetchone()
        db.close()
    finally:
        MIGRATIONS.extend(money)
    db = open_database(path)
    try:
        assert (
            db.execute(
                "SELECT count(*), sum(id), group_concat(status) FROM appointments"
            ).fetchone()
            == before
        )
        assert db.execute("SELECT count(*) FROM appointment_events").fetchone() == events
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        assert {"appointments_never_deleted", "appointments_resource", "ledger"} <= names
        # The new status is allowed; a made-up one still is not.
        first = db.execute("SELECT id FROM appointments LIMIT 1").fetchone()[0]
        db.execute("UPDATE appointments SET status = 'ready_checkout' WHERE id = ?", (first,))
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE appointments SET status = 'gone' WHERE id = ?", (first,))
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            db.execute("DELETE FROM appointments WHERE id = ?", (first,))
    finally:
        db.close()


def test_the_ledger_indexes_only_entries_that_refund_or_redeem(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    try:
        indexes = dict(
            db.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'ledger'").fetchall()
        )
        for name, column in (
            ("ledger_refunds", "refunds_id"),
            ("ledger_gift_card", "gift_card_id"),
        ):
            assert indexes[name].endswith(f"WHERE {column} IS NOT NULL")
            plan = db.execute(
                f"EXPLAIN QUERY PLAN SELECT sum(amount_cents) FROM ledger WHERE {column} = ?",
                (1,),
            ).fetchall()
            assert any(name in row[3] for row in plan), plan
        assert "ledger_encounter" not in indexes
    finally:
        db.close()
