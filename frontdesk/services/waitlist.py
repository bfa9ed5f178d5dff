"""The waitlist (ASAP list): patients who want an earlier slot, and which of them fit a
slot that a cancellation or a reschedule has just freed.

Booking from the list goes through `appointments.book(..., waitlist_id=...)`, which marks
the entry booked in the booking's own transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from frontdesk.data.clock import from_stored, local_wall_time
from frontdesk.data.db import write
from frontdesk.data.models import ROLES, WaitlistEntry
from frontdesk.errors import BadTime, Conflict, Invalid, NotFound
from frontdesk.services import audit, patients, schedule, visit_types
from frontdesk.services.fields import one_line

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = [
    "TIMES_OF_DAY",
    "WRITE_ROLES",
    "add_to_waitlist",
    "get_entry",
    "list_waitlist",
    "matches_for_opening",
    "read_date",
    "remove_from_waitlist",
]

WRITE_ROLES = ("receptionist", "manager")
TIMES_OF_DAY = ("any", "morning", "afternoon")
#: Local noon: a slot starting before it is a morning slot.
NOON = dt.time(12, 0)

_SELECT = (
    "SELECT w.id, w.patient_id, p.last_name || ', ' || p.first_name AS patient_name,"
    " p.phone, w.type_id, t.name AS type_name, t.minutes, w.resource_id,"
    " r.short_name AS resource_name, w.earliest, w.latest, w.time_of_day, w.notes, w.status,"
    " w.appointment_id, w.created_at, w.closed_at"
    " FROM waitlist w JOIN patients p ON p.id = w.patient_id"
    " JOIN appointment_types t ON t.id = w.type_id"
    " LEFT JOIN resources r ON r.id = w.resource_id"
)


def read_date(value: dt.date | str, what: str) -> dt.date:
    """A date given as a date or typed (MM/DD/YYYY or YYYY-MM-DD); BadTime naming `what`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return schedule.read_date(str(value), what)


def _entries(desk: Desk, where: str, params: tuple = ()) -> list[WaitlistEntry]:
    return [WaitlistEntry(**row) for row in desk.db.query(f"{_SELECT} {where}", params)]


def get_entry(desk: Desk, entry_id: int) -> WaitlistEntry:
    """One waitlist entry (whatever its status), or NotFound."""
    desk.require_role(ROLES, "see the waitlist")
    found = _entries(desk, "WHERE w.id = ?", (entry_id,))
    if not found:
        raise NotFound("That waitlist entry does not exist.")
    return found[0]


def list_waitlist(desk: Desk) -> list[WaitlistEntry]:
    """The patients still waiting, soonest wanted first (then longest waiting)."""
    desk.require_role(ROLES, "see the waitlist")
    return _entries(desk, "WHERE w.status = 'waiting' ORDER BY w.earliest, w.created_at, w.id")


def add_to_waitlist(
    desk: Desk,
    patient_id: int,
    type_id: int,
    resource_id: int | None,
    earliest: dt.date | str,
    latest: dt.date | str,
    time_of_day: str = "any",
    notes: str = "",
) -> WaitlistEntry:
    """Put a patient on the waitlist for a type, with whom (None: anyone who takes the
    type), between two local dates, at any time or in the morning or afternoon.

    Refused (nothing saved): dates that are not dates, in the past, or the wrong way
    round; an unknown patient, type or provider/room (NotFound); an inactive patient,
    type or provider/room, or one that does not take the type; the patient already
    waiting for the same type (Conflict).
    """
    actor = desk.require_role(WRITE_ROLES, "change the waitlist")
    first = read_date(earliest, "earliest date")
    last = read_date(latest, "latest date")
    today = desk.clock.business_date()
    if first < today:
        raise BadTime(f"The earliest date ({first:%m/%d/%Y}) is in the past.")
    if last < first:
        raise BadTime(
            f"The latest date ({last:%m/%d/%Y}) is before the earliest ({first:%m/%d/%Y})."
        )
    schedule.check_reach(last, today, "latest date")
    if time_of_day not in TIMES_OF_DAY:
        raise Invalid("Choose a time of day: any, morning or afternoon.")
    notes = one_line(notes, "notes", max_length=200)
    with write(desk.db):
        # Checked inside the transaction: another desk may retire the type meanwhile.
        kind = visit_types.get_type(desk, type_id)
        if not kind.active:
            raise Conflict(f"{kind.name} is no longer offered.")
        if resource_id is not None:
            resource = schedule.get_resource(desk, resource_id)
            if not resource.active:
                raise Conflict(f"{resource.name} is no longer on the book.")
            visit_types.require_taken(kind, resource)
        patients.require_active(desk, patient_id, "add them to the waitlist")
        already = desk.db.execute(
            "SELECT earliest FROM waitlist WHERE patient_id = ? AND type_id = ?"
            " AND status = 'waiting'",
            (patient_id, type_id),
        ).fetchone()
        if already:
            raise Conflict(
                f"This patient is already on the waitlist for {kind.name} "
                f"(from {dt.date.fromisoformat(already[0]):%m/%d/%Y})."
            )
        entry_id = desk.db.execute(
            "INSERT INTO waitlist (patient_id, type_id, resource_id, earliest, latest,"
            " time_of_day, notes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                patient_id,
                type_id,
                resource_id,
                first.isoformat(),
                last.isoformat(),
                time_of_day,
                notes,
                actor.staff_id if actor else None,
                desk.clock.stamp(),
            ),
        ).lastrowid
        audit.record(
            desk,
            "waitlist added",
            "waitlist",
            entry_id,
            f"patient {patient_id}, type {type_id}"
            + (f", resource {resource_id}" if resource_id is not None else ""),
        )
    return get_entry(desk, entry_id)


def remove_from_waitlist(desk: Desk, entry_id: int, reason: str) -> WaitlistEntry:
    """Take a patient off the waitlist with a reason (kept in the entry's notes).
    NotFound for an unknown entry; Conflict if it was already booked or removed."""
    desk.require_role(WRITE_ROLES, "change the waitlist")
    reason = one_line(reason, "reason", max_length=80, required=True)
    with write(desk.db):
        row = desk.db.execute(
            "SELECT status, notes FROM waitlist WHERE id = ?", (entry_id,)
        ).fetchone()
        if row is None:
            raise NotFound("That waitlist entry does not exist.")
        if row[0] != "waiting":
            raise Conflict(f"That waitlist entry was already {row[0]}.")
        notes = " · ".join(part for part in (row[1], f"Removed: {reason}") if part)
        desk.db.execute(
            "UPDATE waitlist SET status = 'removed', notes = ?, closed_at = ? WHERE id = ?",
            (notes, desk.clock.stamp(), entry_id),
        )
        audit.record(desk, "waitlist removed", "waitlist", entry_id)
    return get_entry(desk, entry_id)


def matches_for_opening(
    desk: Desk, resource_id: int, starts_at: str, ends_at: str
) -> list[WaitlistEntry]:
    """Waiting patients who fit a freed slot [starts_at, ends_at) on a resource, best
    (longest waiting) first.

    An entry fits when its type is active, takes no longer than the slot, may be booked
    on the resource (its list of columns, or any; a room type only in a room), its
    preferred provider/room is none or this one, the slot's local date is within its
    dates, and its time of day allows the slot (morning: starting before noon; afternoon:
    starting at noon or later, so a slot that spans noon fits if the type fits after
    noon). The part of a slot already gone by is not offered.
    """
    desk.require_role(ROLES, "see the waitlist")
    try:
        start, end = from_stored(starts_at), from_stored(ends_at)
    except (TypeError, ValueError) as error:
        raise Invalid("That slot's times cannot be read.") from error
    if end <= start:
        raise BadTime("A slot must end after it starts.")
    resource = schedule.get_resource(desk, resource_id)
    if not resource.active:
        return []
    start = max(start, desk.clock.now())
    if end <= start:
        return []
    tz = desk.clock.tz
    local_start = start.to(tz)
    day = local_start.date()
    noon = local_wall_time(day, NOON, tz)
    slot = (end - start).total_seconds() / 60
    after_noon = (end - max(start, noon)).total_seconds() / 60
    candidates = _entries(
        desk,
        "WHERE w.status = 'waiting' AND p.active = 1 AND t.active = 1"
        " AND w.earliest <= ? AND w.latest >= ? AND t.minutes <= ?"
        " AND (w.resource_id IS NULL OR w.resource_id = ?)"
        " AND (t.needs_room = 0 OR ? = 'room')"
        " AND (NOT EXISTS (SELECT 1 FROM appointment_type_resources x WHERE x.type_id = t.id)"
        "  OR EXISTS (SELECT 1 FROM appointment_type_resources x"
        "   WHERE x.type_id = t.id AND x.resource_id = ?))"
        " ORDER BY w.created_at, w.id",
        (day.isoformat(), day.isoformat(), slot, resource.id, resource.kind, resource.id),
    )
    fits = []
    for entry in candidates:
        if entry.time_of_day == "morning" and local_start.time() >= NOON:
            continue
        if entry.time_of_day == "afternoon" and entry.minutes > after_noon:
            continue
        fits.append(entry)
    return fits
