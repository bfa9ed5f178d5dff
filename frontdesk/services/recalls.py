"""Recalls: patients due back (yearly skin check, post-Mohs check...), the tries at
reaching them, closing one that will not be booked, and the month's recall cards as CSV.

Check-out adds a recall for types that have one; booking the patient's type (or booking
from the recall) marks it booked, in the booking's own transaction (`appointments`).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from frontdesk.data.db import write
from frontdesk.data.models import ROLES, Recall, RecallAttempt
from frontdesk.errors import BadTime, Conflict, Invalid, NotFound, echo
from frontdesk.services import audit, patients, visit_types
from frontdesk.services.fields import one_line
from frontdesk.services.waitlist import read_date

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = [
    "CSV_COLUMNS",
    "METHODS",
    "WRITE_ROLES",
    "add_recall",
    "attempts",
    "close_recall",
    "due_recalls",
    "export_recalls_csv",
    "export_recalls_file",
    "get_recall",
    "list_recalls",
    "month_bounds",
    "parse_month",
    "record_attempt",
]

WRITE_ROLES = ("receptionist", "manager")
METHODS = ("phone", "text", "email", "card")
#: The furthest ahead a recall can be due (the longest a type's recall interval can be).
MAX_YEARS_AHEAD = 5
CSV_COLUMNS = (
    "Name",
    "Address 1",
    "Address 2",
    "City",
    "State",
    "ZIP",
    "Email",
    "Phone",
    "Recall",
    "Due date",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_SELECT = (
    "SELECT c.id, c.patient_id, p.last_name || ', ' || p.first_name AS patient_name,"
    " p.account_no, p.phone, p.email, c.kind, c.due_date, c.type_id, c.notes, c.status,"
    " c.appointment_id, c.source, c.created_at, c.closed_at,"
    " (SELECT count(*) FROM recall_attempts a WHERE a.recall_id = c.id) AS attempts,"
    " l.at AS last_attempt_at, l.method AS last_attempt_method,"
    " coalesce(l.outcome, '') AS last_attempt_outcome"
    " FROM recalls c JOIN patients p ON p.id = c.patient_id"
    " LEFT JOIN recall_attempts l ON l.id = (SELECT a.id FROM recall_attempts a"
    "  WHERE a.recall_id = c.id ORDER BY a.at DESC, a.id DESC LIMIT 1)"
)


def _recalls(desk: Desk, where: str, params: tuple = ()) -> list[Recall]:
    return [Recall(**row) for row in desk.db.query(f"{_SELECT} {where}", params)]


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month `month` falls in."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def parse_month(text: str) -> dt.date:
    """A month typed as YYYY-MM (or MM/YYYY): its first day; Invalid otherwise."""
    raw = text.strip()
    for pattern in ("%Y-%m", "%m/%Y"):
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise Invalid(f"'{echo(raw)}' is not a month; write it as YYYY-MM, e.g. 2026-12.")


def get_recall(desk: Desk, recall_id: int) -> Recall:
    """One recall with its attempts count and last attempt, or NotFound."""
    desk.require_role(ROLES, "see recalls")
    found = _recalls(desk, "WHERE c.id = ?", (recall_id,))
    if not found:
        raise NotFound("That recall does not exist.")
    return found[0]


def list_recalls(desk: Desk, month: dt.date, include_closed: bool = False) -> list[Recall]:
    """The recalls due in `month`'s month (any day in it), by due date then patient:
    the ones still due, or with `include_closed` also the booked and closed ones."""
    desk.require_role(ROLES, "see recalls")
    first, last = month_bounds(month)
    status = "" if include_closed else " AND c.status = 'due'"
    return _recalls(
        desk,
        f"WHERE c.due_date BETWEEN ? AND ?{status} ORDER BY c.due_date, patient_name, c.id",
        (first.isoformat(), last.isoformat()),
    )


def due_recalls(desk: Desk, through: dt.date) -> list[Recall]:
    """Every recall still due on or before `through` (overdue ones included), oldest
    first."""
    desk.require_role(ROLES, "see recalls")
    return _recalls(
        desk,
        "WHERE c.status = 'due' AND c.due_date <= ? ORDER BY c.due_date, patient_name, c.id",
        (through.isoformat(),),
    )


def add_recall(
    desk: Desk,
    patient_id: int,
    kind: str,
    due_date: dt.date | str,
    type_id: int | None = None,
    notes: str = "",
) -> Recall:
    """Add a recall by hand (source 'manual'): what for, when due, optionally the type to
    book.

    Refused (nothing saved): no kind; a due date that is not a date, in the past or more
    than five years ahead; an unknown patient or type (NotFound); an inactive patient or
    type, or a recall of the same kind already due for the patient (Conflict).
    """
    actor = desk.require_role(WRITE_ROLES, "change recalls")
    kind = one_line(kind, "recall kind", max_length=40, required=True)
    due = read_date(due_date, "due date")
    today = desk.clock.business_date()
    if due < today:
        raise BadTime(f"The due date ({due:%m/%d/%Y}) is in the past.")
    if due.year > today.year + MAX_YEARS_AHEAD:
        raise BadTime(f"The due date ({due:%m/%d/%Y}) is more than {MAX_YEARS_AHEAD} years away.")
    notes = one_line(notes, "notes", max_length=200)
    with write(desk.db):
        if type_id is not None:  # inside: another desk may retire the type meanwhile
            appointment_type = visit_types.get_type(desk, type_id)
            if not appointment_type.active:
                raise Conflict(f"{appointment_type.name} is no longer offered.")
        patients.require_active(desk, patient_id, "add a recall")
        already = desk.db.execute(
            "SELECT due_date FROM recalls WHERE patient_id = ? AND kind = ? COLLATE NOCASE"
            " AND status = 'due'",
            (patient_id, kind),
        ).fetchone()
        if already:
            raise Conflict(
                f"This patient already has a {kind} recall due "
                f"{dt.date.fromisoformat(already[0]):%m/%d/%Y}."
            )
        recall_id = desk.db.execute(
            "INSERT INTO recalls (patient_id, kind, due_date, type_id, notes, source,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, 'manual', ?, ?)",
            (
                patient_id,
                kind,
                due.isoformat(),
                type_id,
                notes,
                actor.staff_id if actor else None,
                desk.clock.stamp(),
            ),
        ).lastrowid
        audit.record(desk, "recall added", "recalls", recall_id, f"patient {patient_id}, manual")
    return get_recall(desk, recall_id)


def _still_due(desk: Desk, recall_id: int) -> str:
    """The recall's notes if it is still due (inside the caller's transaction)."""
    row = desk.db.execute("SELECT status, notes FROM recalls WHERE id = ?", (recall_id,)).fetchone()
    if row is None:
        raise NotFound("That recall does not exist.")
    if row[0] != "due":
        raise Conflict(f"That recall is already {row[0]}.")
    return row[1]


def record_attempt(desk: Desk, recall_id: int, method: str, outcome: str) -> RecallAttempt:
    """Note one try at reaching the patient (phone, text, email or card) and how it went.
    NotFound for an unknown recall; Conflict once it is booked or closed."""
    actor = desk.require_role(WRITE_ROLES, "change recalls")
    if method not in METHODS:
        raise Invalid("Choose how: phone, text, email or card.")
    outcome = one_line(outcome, "outcome", max_length=80, required=True)
    with write(desk.db):
        _still_due(desk, recall_id)
        attempt_id = desk.db.execute(
            "INSERT INTO recall_attempts (recall_id, at, method, outcome, staff_id)"
            " VALUES (?, ?, ?, ?, ?)",
            (recall_id, desk.clock.stamp(), method, outcome, actor.staff_id if actor else None),
        ).lastrowid
        audit.record(
            desk, "recall attempt", "recalls", recall_id, f"attempt {attempt_id}, {method}"
        )
    return next(a for a in attempts(desk, recall_id) if a.id == attempt_id)


def close_recall(desk: Desk, recall_id: int, reason: str) -> Recall:
    """Close a recall that will not be booked (patient declined, moved away...), with the
    reason kept in its notes. NotFound for an unknown recall; Conflict once it is booked
    or closed."""
    desk.require_role(WRITE_ROLES, "change recalls")
    reason = one_line(reason, "reason", max_length=80, required=True)
    with write(desk.db):
        notes = _still_due(desk, recall_id)
        notes = " · ".join(part for part in (notes, f"Closed: {reason}") if part)
        desk.db.execute(
            "UPDATE recalls SET status = 'closed', notes = ?, closed_at = ? WHERE id = ?",
            (notes, desk.clock.stamp(), recall_id),
        )
        audit.record(desk, "recall closed", "recalls", recall_id)
    return get_recall(desk, recall_id)


def attempts(desk: Desk, recall_id: int) -> list[RecallAttempt]:
    """A recall's contact attempts, oldest first; NotFound for an unknown recall."""
    desk.require_role(ROLES, "see recalls")
    if not desk.db.execute("SELECT 1 FROM recalls WHERE id = ?", (recall_id,)).fetchone():
        raise NotFound("That recall does not exist.")
    return [
        RecallAttempt(**row)
        for row in desk.db.query(
            "SELECT a.id, a.recall_id, a.at, a.method, a.outcome, a.staff_id,"
            " coalesce(s.username, '') AS username FROM recall_attempts a"
            " LEFT JOIN staff s ON s.id = a.staff_id WHERE a.recall_id = ? ORDER BY a.at, a.id",
            (recall_id,),
        )
    ]


# -- recall cards ------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def export_recalls_csv(desk: Desk, month: dt.date, out: TextIO) -> int:
    """Write the recall cards of `month`'s month to `out` as CSV (a header, then one row
    per recall still due, of active patients, by due date): name, address, city, state,
    ZIP, email, phone, recall and due date. Returns the number of rows; the export is
    audited (count only)."""
    desk.require_role(WRITE_ROLES, "export recall cards")
    first, last = month_bounds(month)
    rows = desk.db.execute(
        "SELECT p.first_name || ' ' || p.last_name,"
        " p.address1, p.address2, p.city, p.state, p.postal_code, p.email, p.phone, c.kind,"
        " c.due_date FROM recalls c JOIN patients p ON p.id = c.patient_id"
        " WHERE c.status = 'due' AND p.active = 1 AND c.due_date BETWEEN ? AND ?"
        " ORDER BY c.due_date, p.last_name, p.first_name, c.id",
        (first.isoformat(), last.isoformat()),
    ).fetchall()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for *fields, due in rows:
        writer.writerow(
            [_cell(value) for value in fields] + [f"{dt.date.fromisoformat(due):%m/%d/%Y}"]
        )
    with write(desk.db):
        audit.record(desk, "recalls exported", "recalls", None, f"{first:%Y-%m}: {len(rows)} rows")
    return len(rows)


def export_recalls_file(desk: Desk, month: dt.date, path: Path | None = None) -> tuple[Path, int]:
    """Export `month`'s recall cards to the file `path` (default: recalls-YYYY-MM.csv in
    the database's folder), readable by its owner only and with a byte-order mark so
    spreadsheets read accents; an earlier file of that name is replaced only once the new
    one is complete. Returns the file and the number of rows."""
    desk.require_role(WRITE_ROLES, "export recall cards")
    first, _ = month_bounds(month)
    if path is None:
        path = Path(desk.db.path).parent / f"recalls-{first:%Y-%m}.csv"
    from frontdesk.services.files import write_private

    path = Path(path)
    rows = write_private(path, lambda out: export_recalls_csv(desk, first, out))
    return path, rows
