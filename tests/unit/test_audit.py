"""The audit trail: hash-chained, append-only, and `verify` finds what was tampered with."""

import datetime as dt

import pytest

from frontdesk.data.db import sqlite3, write
from frontdesk.errors import AccessDenied
from frontdesk.services import audit
from frontdesk.services.context import Desk


def _write_some(desk: Desk, count: int = 5) -> None:
    for i in range(count):
        with write(desk.db):
            audit.record(desk, "test", "settings", i, f"entry {i}")


def test_a_fresh_practice_verifies(manager_desk: Desk) -> None:
    _write_some(manager_desk)
    chain = audit.verify_chain(manager_desk)
    assert chain.ok and chain.rows >= 5


def test_audit_rows_must_be_written_inside_the_change_they_audit(manager_desk: Desk) -> None:
    with pytest.raises(RuntimeError, match="inside the write transaction"):
        audit.record(manager_desk, "loose", "settings", None)


def test_update_and_delete_are_blocked(manager_desk: Desk) -> None:
    _write_some(manager_desk)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), write(manager_desk.db):
        manager_desk.db.execute("UPDATE audit_log SET summary = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), write(manager_desk.db):
        manager_desk.db.execute("DELETE FROM audit_log")


def _tamper(desk: Desk, sql: str) -> None:
    with write(desk.db):
        desk.db.execute("DROP TRIGGER audit_log_append_only_update")
        desk.db.execute("DROP TRIGGER audit_log_append_only_delete")
        desk.db.execute(sql)


def test_verify_finds_an_edited_row(manager_desk: Desk) -> None:
    _write_some(manager_desk)
    target = manager_desk.db.execute(
        "SELECT id FROM audit_log WHERE summary = 'entry 2'"
    ).fetchone()[0]
    _tamper(manager_desk, f"UPDATE audit_log SET staff_id = NULL WHERE id = {target}")
    chain = audit.verify_chain(manager_desk)
    assert not chain.ok
    assert chain.bad_id == target
    assert "changed after it was written" in chain.problem


def test_verify_finds_a_deleted_row(manager_desk: Desk) -> None:
    _write_some(manager_desk)
    target = manager_desk.db.execute(
        "SELECT id FROM audit_log WHERE summary = 'entry 2'"
    ).fetchone()[0]
    _tamper(manager_desk, f"DELETE FROM audit_log WHERE id = {target}")
    chain = audit.verify_chain(manager_desk)
    assert not chain.ok and chain.bad_id == target + 1
    assert "removed or changed" in chain.problem


def test_verify_finds_the_newest_rows_removed(manager_desk: Desk) -> None:
    _write_some(manager_desk)
    _tamper(manager_desk, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    chain = audit.verify_chain(manager_desk)
    assert not chain.ok and "newest rows" in chain.problem


def test_entries_filter_by_words_and_local_day(manager_desk: Desk) -> None:
    _write_some(manager_desk, 3)
    entries = audit.list_entries(manager_desk, text="entry 2")
    assert [e.summary for e in entries] == ["entry 2"]
    # Words match anywhere in the row, in any order.
    assert [e.summary for e in audit.list_entries(manager_desk, text="2 dokafor TEST")] == [
        "entry 2"
    ]
    assert entries[0].username == "dokafor"
    today = manager_desk.clock.business_date()
    assert len(audit.list_entries(manager_desk, text="test", day=today)) == 3
    assert audit.list_entries(manager_desk, text="test", day=today - dt.timedelta(days=1)) == []
    # Words are only words, never SQL.
    assert audit.list_entries(manager_desk, text="%' OR 1=1 --") == []


def test_only_a_manager_reads_the_audit_log(receptionist_desk: Desk) -> None:
    with pytest.raises(AccessDenied):
        audit.list_entries(receptionist_desk)


def test_filter_words_are_bounded_and_wildcards_are_letters(manager_desk: Desk) -> None:
    from frontdesk.errors import Invalid

    _write_some(manager_desk, 2)
    assert audit.list_entries(manager_desk, text="_") == []
    assert audit.list_entries(manager_desk, text="%") == []
    with pytest.raises(Invalid, match="at most 8 words"):
        audit.list_entries(manager_desk, text="x " * 9)
    with pytest.raises(Invalid, match="at most 8 words"):
        audit.list_entries(manager_desk, text="x" * 100_000)
