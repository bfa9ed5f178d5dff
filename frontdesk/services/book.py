"""Reading the book: one day's (or one resource's) appointments, hours and blocks, an
appointment and its history, and what a patient's summary shows from the book."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from frontdesk.data.clock import clock_text, day_bounds
from frontdesk.data.models import ROLES, Appointment, AppointmentEvent, Block, Resource
from frontdesk.errors import NotFound
from frontdesk.services import block_time, schedule, working_hours
from frontdesk.services.schedule import HOLDS_TIME

if TYPE_CHECKING:
    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.services.context import Desk

__all__ = [
    "HOLDS_TIME",
    "STATUS_WORDS",
    "BookDay",
    "PatientBookSummary",
    "appointments_where",
    "book_day",
    "events",
    "get_appointment",
    "local_time",
    "patient_book_summary",
    "time_text",
    "wall_minutes",
    "when_text",
]

STATUS_WORDS = {
    "booked": "booked",
    "confirmed": "confirmed",
    "arrived": "arrived",
    "roomed": "roomed",
    "with_provider": "with provider",
    "ready_checkout": "ready for check-out",
    "checked_out": "checked out",
    "no_show": "no-show",
    "cancelled": "cancelled",
}


def local_time(instant: str, tz: str) -> dt.datetime:
    """A stored instant as a datetime in zone `tz`. The standard library's parser, not
    arrow's: a view of the book converts hundreds of instants, ~100 times faster."""
    return dt.datetime.fromisoformat(instant).astimezone(ZoneInfo(tz))


def time_text(instant: str, tz: str) -> str:
    """A stored instant's local time of day as the desk reads it: '9:30am'."""
    local = local_time(instant, tz)
    return clock_text(local.hour * 60 + local.minute)


def when_text(instant: str, tz: str) -> str:
    """A stored instant as the desk reads it: 'Tue 11/24 9:30am'."""
    local = local_time(instant, tz)
    return f"{local:%a %m/%d} {clock_text(local.hour * 60 + local.minute)}"


# -- reading -----------------------------------------------------------------------------

_SELECT = (
    "SELECT a.id, a.patient_id, p.last_name || ', ' || p.first_name AS patient_name,"
    " p.account_no, a.resource_id, r.short_name AS resource_name, a.type_id,"
    " t.name AS type_name, t.colour, a.starts_at, a.ends_at, a.status, a.cancel_reason,"
    " a.double_booked, a.override_reason, a.notes, a.rescheduled_from, a.booked_by,"
    " a.booked_at, a.updated_at"
    " FROM appointments a JOIN patients p ON p.id = a.patient_id"
    " JOIN resources r ON r.id = a.resource_id JOIN appointment_types t ON t.id = a.type_id"
)


def appointments_where(db: FrontDeskDatabase, where: str, params: tuple = ()) -> list[Appointment]:
    return [Appointment(**row) for row in db.query(f"{_SELECT} {where}", params)]


def get_appointment(desk: Desk, appointment_id: int) -> Appointment:
    """One appointment, or NotFound."""
    desk.require_role(ROLES, "see the appointment book")
    found = appointments_where(desk.db, "WHERE a.id = ?", (appointment_id,))
    if not found:
        raise NotFound("That appointment is not on the book.")
    return found[0]


def events(desk: Desk, appointment_id: int) -> list[AppointmentEvent]:
    """An appointment's history, oldest first."""
    desk.require_role(ROLES, "see the appointment book")
    return [
        AppointmentEvent(**row)
        for row in desk.db.query(
            "SELECT e.id, e.appointment_id, e.at, e.from_status, e.to_status, e.reason,"
            " e.staff_id, s.username, e.workstation FROM appointment_events e"
            " LEFT JOIN staff s ON s.id = e.staff_id WHERE e.appointment_id = ? ORDER BY e.id",
            (appointment_id,),
        )
    ]


def wall_minutes(stored: str, day: dt.date, tz: str) -> int:
    """Where a stored instant falls on `day`'s wall clock, in minutes (clamped to the
    day: 0 before it, 1440 after it)."""
    local = local_time(stored, tz)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 1440
    return local.hour * 60 + local.minute


@dataclass
class BookDay:
    """Everything one view of the book shows: columns, their hours, blocks, appointments."""

    day: dt.date
    resources: list[Resource]
    hours: dict[int, list[tuple[int, int]]]
    blocks: list[Block]
    appointments: list[Appointment]
    closed: str | None = None
    version: tuple = field(default=())


def book_day(desk: Desk, day: dt.date, resource_ids: tuple[int, ...] | None = None) -> BookDay:
    """The book for one local date: active resources (or those asked for), their hours,
    blocks and the appointments that hold time or were no-shows (cancelled ones are not
    shown)."""
    resources = schedule.list_resources(desk)
    if resource_ids is not None:
        resources = [r for r in resources if r.id in resource_ids]
    start, end = day_bounds(day, desk.clock.tz)
    ids = tuple(r.id for r in resources)
    marks = ",".join("?" * len(ids))
    appointments = (
        appointments_where(
            desk.db,
            f"WHERE a.starts_at >= ? AND a.starts_at < ? AND a.status != 'cancelled'"
            f" AND a.resource_id IN ({marks}) ORDER BY a.starts_at, a.id",
            (start, end, *ids),
        )
        if ids
        else []
    )
    blocks = block_time.list_blocks(desk.db, start, end, ids) if ids else []
    return BookDay(
        day=day,
        resources=resources,
        hours=working_hours.day_hours(desk.db, day),
        blocks=blocks,
        appointments=appointments,
        closed=working_hours.closed_day(desk.db, day),
        version=(
            # Everything the grid or its detail line shows of an appointment.
            tuple(
                (a.id, a.status, a.starts_at, a.ends_at, a.resource_id, a.patient_name, a.notes)
                for a in appointments
            ),
            tuple((b.id, b.starts_at, b.ends_at) for b in blocks),
        ),
    )


@dataclass(frozen=True)
class PatientBookSummary:
    """What the patient summary shows from the book."""

    next_appointment: Appointment | None
    last_appointment: Appointment | None
    no_shows: int
    recall_due: dt.date | None
    recall_kind: str = ""


def patient_book_summary(desk: Desk, patient_id: int) -> PatientBookSummary:
    """A patient's next appointment, last visit (one they came to), no-show count and the
    earliest recall still due."""
    desk.require_role(ROLES, "see the appointment book")
    now = desk.clock.stamp()
    upcoming = appointments_where(
        desk.db,
        "WHERE a.patient_id = ? AND a.starts_at >= ? AND a.status IN ('booked', 'confirmed',"
        " 'arrived', 'roomed', 'with_provider', 'ready_checkout') ORDER BY a.starts_at LIMIT 1",
        (patient_id, now),
    )
    # The last visit is one the patient came to, not one still waiting to be marked.
    last = appointments_where(
        desk.db,
        "WHERE a.patient_id = ? AND a.starts_at < ? AND a.status IN ('arrived', 'roomed',"
        " 'with_provider', 'ready_checkout', 'checked_out') ORDER BY a.starts_at DESC LIMIT 1",
        (patient_id, now),
    )
    (no_shows,) = desk.db.execute(
        "SELECT count(*) FROM appointments WHERE patient_id = ? AND status = 'no_show'",
        (patient_id,),
    ).fetchone()
    recall = desk.db.execute(
        "SELECT due_date, kind FROM recalls WHERE patient_id = ? AND status = 'due'"
        " ORDER BY due_date LIMIT 1",
        (patient_id,),
    ).fetchone()
    return PatientBookSummary(
        next_appointment=upcoming[0] if upcoming else None,
        last_appointment=last[0] if last else None,
        no_shows=no_shows,
        recall_due=dt.date.fromisoformat(recall[0]) if recall else None,
        recall_kind=recall[1] if recall else "",
    )
