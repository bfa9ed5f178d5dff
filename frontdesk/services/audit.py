"""The audit trail: one hash-chained row for every change, written in the same transaction.

Rows carry ids and short summaries only, never patient details. Each row's hash covers
its fields and the previous row's hash; `audit_head` holds the newest hash, so editing,
deleting or removing the newest rows is found by `verify_chain`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from frontdesk.data.clock import day_bounds
from frontdesk.data.models import AuditEntry
from frontdesk.errors import Invalid
from frontdesk.services.context import Desk

__all__ = ["GENESIS", "ChainCheck", "list_entries", "record", "verify_chain"]

GENESIS = "0" * 64


def _digest(prev_hash: str, row: tuple[object, ...]) -> str:
    text = "\x1f".join("" if value is None else str(value) for value in (prev_hash, *row))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(
    desk: Desk,
    action: str,
    table_name: str = "",
    record_id: int | None = None,
    summary: str = "",
    *,
    staff_id: int | None = None,
) -> int:
    """Append one audit row inside the caller's write transaction; returns its id.

    `staff_id` defaults to the signed-in staff member (None for the shell or a failed
    login of an unknown name).
    """
    db = desk.db
    if not db.conn.in_transaction:
        raise RuntimeError("audit.record must run inside the write transaction it audits")
    if staff_id is None and desk.actor is not None:
        staff_id = desk.actor.staff_id
    head = db.execute("SELECT last_hash FROM audit_head WHERE id = 1").fetchone()
    prev_hash = head[0] if head else GENESIS
    at = desk.clock.stamp()
    row = (at, staff_id, desk.workstation, action, table_name, record_id, summary)
    new_hash = _digest(prev_hash, row)
    cursor = db.execute(
        "INSERT INTO audit_log (at, staff_id, workstation, action, table_name, record_id,"
        " summary, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*row, prev_hash, new_hash),
    )
    audit_id = cursor.lastrowid
    db.execute(
        "INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id, "
        "last_hash = excluded.last_hash",
        (audit_id, new_hash),
    )
    return int(audit_id)


@dataclass(frozen=True)
class ChainCheck:
    """The result of checking the audit chain."""

    ok: bool
    rows: int
    problem: str = ""
    bad_id: int | None = None


def verify_chain(desk: Desk) -> ChainCheck:
    """Recompute every row's hash in order; report the first row that does not fit.
    Manager only (the shell counts as one)."""
    desk.require_manager("verify the audit log")
    prev_hash, count, last_id = GENESIS, 0, None
    cursor = desk.db.execute(
        "SELECT id, at, staff_id, workstation, action, table_name, record_id, summary,"
        " prev_hash, hash FROM audit_log ORDER BY id"
    )
    for row in cursor:
        audit_id, *fields, stored_prev, stored_hash = row
        if stored_prev != prev_hash:
            return ChainCheck(
                False,
                count,
                f"row {audit_id}: a row before it was removed or changed",
                audit_id,
            )
        if _digest(prev_hash, tuple(fields)) != stored_hash:
            return ChainCheck(
                False, count, f"row {audit_id} was changed after it was written", audit_id
            )
        prev_hash, count, last_id = stored_hash, count + 1, audit_id
    head = desk.db.execute("SELECT last_id, last_hash FROM audit_head WHERE id = 1").fetchone()
    if head is None and count:
        return ChainCheck(False, count, "the chain's head record is missing")
    if head is not None and (head[0] != last_id or head[1] != prev_hash):
        return ChainCheck(
            False, count, f"the newest rows after row {last_id} were removed", last_id
        )
    return ChainCheck(True, count)


def list_entries(
    desk: Desk,
    *,
    text: str = "",
    day: dt.date | None = None,
    limit: int = 500,
) -> list[AuditEntry]:
    """The newest audit rows, optionally of one local day and matching `text` (action,
    table, username, workstation or summary). Manager only."""
    desk.require_manager("read the audit log")
    where, params = [], []
    words = text.split()
    if len(words) > 8 or any(len(word) > 60 for word in words):
        raise Invalid("Filter with at most 8 words of up to 60 characters.")
    for word in words:
        # Each word must appear somewhere in the row, in any order; % and _ are letters.
        like = "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"
        where.append(
            "(a.action LIKE ? ESCAPE '\\' OR a.table_name LIKE ? ESCAPE '\\' OR a.summary "
            "LIKE ? ESCAPE '\\' OR a.workstation LIKE ? ESCAPE '\\' OR s.username LIKE ? "
            "ESCAPE '\\')"
        )
        params += [like] * 5
    if day is not None:
        where.append("a.at >= ? AND a.at < ?")
        params += list(day_bounds(day, desk.clock.tz))
    sql = (
        "SELECT a.id, a.at, a.staff_id, s.username, a.workstation, a.action, a.table_name,"
        " a.record_id, a.summary FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.id DESC LIMIT ?"
    )
    rows = desk.db.execute(sql, [*params, limit]).fetchall()
    keys = (
        "id",
        "at",
        "staff_id",
        "username",
        "workstation",
        "action",
        "table_name",
        "record_id",
        "summary",
    )
    return [AuditEntry(**dict(zip(keys, row, strict=True))) for row in rows]
