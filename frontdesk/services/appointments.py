"""Appointments: booking by the book's rules (status changes, cancelling and moving are
in `appointment_status`).

Every check that depends on what others booked runs inside the booking's own
`BEGIN IMMEDIATE` transaction, so two sessions booking one slot at the same moment end
with exactly one appointment and the other is told the slot was just taken. Nothing is
deleted: each status change is a row in `appointment_events`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from frontdesk.data.clock import (
    clock_text,
    local_wall_time,
    to_stored,
)
from frontdesk.data.db import write
from frontdesk.data.models import (
    Appointment,
    AppointmentType,
    Resource,
)
from frontdesk.errors import BadTime, Conflict, Invalid, NotFound
from frontdesk.services import audit, block_time, patients, schedule, visit_types, working_hours
from frontdesk.services.book import (
    HOLDS_TIME,
    get_appointment,
    local_time,
    when_text,
)
from frontdesk.services.fields import one_line
from frontdesk.services.ledger import still_a_manager

if TYPE_CHECKING:
    from frontdesk.data.clock import Which
    from frontdesk.data.models import Actor
    from frontdesk.services.context import Desk

__all__ = [
    "ACTIVE_STATUSES",
    "Booking",
    "DoubleBookOffer",
    "NeedsOverride",
    "Override",
    "SamePatientElsewhere",
    "SlotTaken",
    "book",
    "overlapping",
    "record_event",
    "span_text",
]

BOOKING_ROLES = ("receptionist", "manager")
#: Statuses that hold their time on the book (cancelled and no-show free it).
ACTIVE_STATUSES = (
    "booked",
    "confirmed",
    "arrived",
    "roomed",
    "with_provider",
    "ready_checkout",
    "checked_out",
)


class NeedsOverride(Conflict):
    """Outside the resource's hours or in the past: only a manager's override books it."""


class DoubleBookOffer(Conflict):
    """The slot is taken but its types allow a double-book, if the person confirms."""


class SlotTaken(Conflict):
    """The slot is taken (or blocked) and cannot be double-booked."""


class SamePatientElsewhere(Conflict):
    """The patient is already booked at an overlapping time elsewhere; confirm to go on."""


@dataclass(frozen=True)
class Booking:
    """What the booking form asks for. `start_minute` is wall-clock minutes after local
    midnight on `day`; `which` picks the earlier or later of a time that happens twice."""

    patient_id: int
    resource_id: int
    type_id: int
    day: dt.date
    start_minute: int
    minutes: int | None = None
    notes: str = ""
    which: Which | None = None


@dataclass(frozen=True)
class Override:
    """A manager's say-so for booking outside hours or in the past."""

    reason: str
    approver: Actor | None = None


# -- booking -----------------------------------------------------------------------------


def _check_override(desk: Desk, override: Override | None, problem: str) -> str:
    """The override's reason, naming the manager who gave it; NeedsOverride naming
    `problem` when no manager (signed in, or approving) gave one."""
    approver = override.approver if override else None
    if approver is not None and approver.is_manager and still_a_manager(desk, approver):
        manager = approver.username
    elif desk.actor is not None and desk.actor.is_manager:
        manager = desk.actor.username
    elif desk.shell:
        manager = ""
    else:
        manager = None
    if override is None or manager is None:
        raise NeedsOverride(f"{problem} A manager can override this with a reason.")
    reason = one_line(override.reason, "reason for the override", max_length=80, required=True)
    return f"{reason} (by {manager})" if manager else reason


def _check_hours(desk: Desk, resource: Resource, day: dt.date, start: int, end: int) -> str | None:
    """A sentence saying why [start, end) is outside the resource's hours, or None."""
    stretches = working_hours.day_hours(desk.db, day).get(resource.id, [])
    if any(s <= start and end <= e for s, e in stretches):
        return None
    if not stretches:
        return f"{resource.name} does not work on {day:%a %m/%d/%Y}."
    return (
        f"{clock_text(start)}-{clock_text(end)} is outside {resource.name}'s hours on "
        f"{day:%a %m/%d} ({working_hours.hours_text(stretches)})."
    )


def overlapping(
    desk: Desk, column: str, value: int, start: str, end: str, ignore: int | None = None
) -> list[tuple]:
    """Appointments holding time in [start, end) for one resource or one patient."""
    return desk.db.execute(
        "SELECT a.id, p.last_name || ', ' || p.first_name, t.double_book, r.short_name,"
        " a.starts_at, a.ends_at FROM appointments a JOIN patients p ON p.id = a.patient_id"
        " JOIN appointment_types t ON t.id = a.type_id JOIN resources r ON r.id = a.resource_id"
        f" WHERE a.{column} = ? AND a.starts_at < ? AND a.ends_at > ? AND a.{HOLDS_TIME}"
        " AND a.id IS NOT ? ORDER BY a.starts_at",
        (value, end, start, ignore),
    ).fetchall()


def span_text(starts_at: str, ends_at: str, tz: str) -> str:
    """'9:00am-9:30am' for two stored instants."""
    first, last = local_time(starts_at, tz), local_time(ends_at, tz)
    return (
        f"{clock_text(first.hour * 60 + first.minute)}-{clock_text(last.hour * 60 + last.minute)}"
    )


def _check_slot(
    desk: Desk,
    resource: Resource,
    kind: AppointmentType,
    patient_id: int,
    start: str,
    end: str,
    *,
    double_book: bool,
    same_patient_ok: bool,
) -> bool:
    """Refuse a slot that is blocked or taken; returns whether it is a double-book.
    Messages name the time asked for and the column, then what is in the way."""
    tz = desk.clock.tz
    asked = f"{when_text(start, tz)}, {resource.short_name}"
    blocks = block_time.list_blocks(desk.db, start, end, (resource.id,))
    if blocks:
        block = blocks[0]
        raise SlotTaken(
            f"That time is blocked: {asked} ({block.kind}"
            + (f": {block.note}" if block.note else "")
            + f", {block_time.block_span(block, tz)})."
        )
    taken = overlapping(desk, "resource_id", resource.id, start, end)
    if taken:
        holders = "; ".join(f"{row[1]}, {span_text(row[4], row[5], tz)}" for row in taken[:2])
        if not kind.double_book or not all(row[2] for row in taken):
            raise SlotTaken(f"That slot is taken: {asked} ({holders}).")
        if not double_book:
            raise DoubleBookOffer(f"Double-book {asked} ({holders})?")
    if not same_patient_ok:
        elsewhere = overlapping(desk, "patient_id", patient_id, start, end)
        if elsewhere:
            first = elsewhere[0]
            raise SamePatientElsewhere(
                f"{first[1]} is already booked at {when_text(first[4], tz)} with {first[3]}. "
                "Book anyway?"
            )
    return bool(taken)


def _resolve_slot(
    desk: Desk, booking: Booking
) -> tuple[Resource, AppointmentType, str, str, int, int]:
    """Check what does not depend on other bookings; the slot's instants and the wall-clock
    minutes it starts and ends at on its day (from the instants, so a DST day is right)."""
    resource = schedule.get_resource(desk, booking.resource_id)
    if not resource.active:
        raise Conflict(f"{resource.name} is no longer on the book.")
    # A far year is a slip of the keyboard, not a booking (nor a DST rule to guess).
    schedule.check_reach(booking.day, desk.clock.business_date(), "day", years_back=1)
    kind = visit_types.get_type(desk, booking.type_id)
    if not kind.active:
        raise Conflict(f"{kind.name} is no longer offered.")
    visit_types.require_taken(kind, resource)
    minutes = kind.minutes if booking.minutes is None else booking.minutes
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise Invalid("A length is 5 to 480 minutes, in steps of 5.")
    if minutes <= 0:
        raise BadTime("An appointment must end after it starts.")
    if minutes > 480 or minutes % 5:
        raise Invalid("A length is 5 to 480 minutes, in steps of 5.")
    start_minute = booking.start_minute
    if isinstance(start_minute, bool) or not isinstance(start_minute, int):
        raise BadTime("That is not a time of day.")
    if not 0 <= start_minute < 1440:
        raise BadTime("That is not a time of day.")
    if start_minute + minutes > 1440:
        raise BadTime("An appointment must end on the day it starts.")
    tz = desk.clock.tz
    starts = local_wall_time(
        booking.day, dt.time(start_minute // 60, start_minute % 60), tz, which=booking.which
    )
    ends = starts.shift(minutes=minutes)
    local_end = ends.to(tz)
    end_minute = (local_end.date() - booking.day).days * 1440 + local_end.hour * 60
    end_minute += local_end.minute
    return resource, kind, to_stored(starts), to_stored(ends), start_minute, end_minute


def book(
    desk: Desk,
    booking: Booking,
    *,
    double_book: bool = False,
    same_patient_ok: bool = False,
    override: Override | None = None,
    rescheduled_from: int | None = None,
    waitlist_id: int | None = None,
    recall_id: int | None = None,
) -> Appointment:
    """Book an appointment by the book's rules, in one transaction.

    Refused (nothing saved): an unknown patient, an inactive resource or type, a closed
    day, a DST-gap time, a blocked or taken slot (SlotTaken). Asked back: a slot whose
    types allow a double-book (DoubleBookOffer, unless `double_book`), the patient booked
    elsewhere at that time (SamePatientElsewhere, unless `same_patient_ok`), outside hours
    or in the past (NeedsOverride, unless a manager's `override`). Closes the waitlist
    entry or recall it was booked from, and the patient's due recall for this type.
    """
    actor = desk.require_role(BOOKING_ROLES, "book appointments")
    notes = one_line(booking.notes, "notes", max_length=200)
    tz = desk.clock.tz
    with write(desk.db):
        # Inside the transaction: a column or type retired by another session a moment
        # ago is seen, as is anything booked there meanwhile.
        resource, kind, start, end, start_minute, end_minute = _resolve_slot(desk, booking)
        now = desk.clock.stamp()
        patients.require_active(desk, booking.patient_id, "book")
        closed = working_hours.closed_day(desk.db, booking.day)
        if closed is not None:
            raise Conflict(f"The practice is closed on {booking.day:%a %m/%d/%Y} ({closed}).")
        doubled = _check_slot(
            desk,
            resource,
            kind,
            booking.patient_id,
            start,
            end,
            double_book=double_book,
            same_patient_ok=same_patient_ok,
        )
        problems = []
        if start < now:
            problems.append(f"{when_text(start, tz)} is in the past.")
        outside = _check_hours(desk, resource, booking.day, start_minute, end_minute)
        if outside:
            problems.append(outside)
        override_reason = _check_override(desk, override, " ".join(problems)) if problems else ""
        appointment_id = desk.db.execute(
            "INSERT INTO appointments (patient_id, resource_id, type_id, starts_at, ends_at,"
            " double_booked, override_reason, notes, rescheduled_from, booked_by, booked_at,"
            " workstation, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                booking.patient_id,
                resource.id,
                kind.id,
                start,
                end,
                int(doubled),
                override_reason,
                notes,
                rescheduled_from,
                actor.staff_id if actor else None,
                now,
                desk.workstation,
                now,
            ),
        ).lastrowid
        record_event(desk, appointment_id, None, "booked", override_reason)
        summary = f"resource {resource.id}, type {kind.id}"
        if doubled:
            summary += ", double-booked"
        if override_reason:
            approver = override.approver if override else None
            summary += ", override" + (
                f" approved by staff {approver.staff_id}"
                if approver is not None and approver.is_manager
                else ""
            )
        audit.record(desk, "appointment booked", "appointments", appointment_id, summary)
        _close_sources(desk, appointment_id, booking, kind, waitlist_id, recall_id)
    return get_appointment(desk, appointment_id)


def _close_sources(
    desk: Desk,
    appointment_id: int,
    booking: Booking,
    kind: AppointmentType,
    waitlist_id: int | None,
    recall_id: int | None,
) -> None:
    """Mark the waitlist entry or recall booked from, and the patient's due recalls of
    this type, as booked by `appointment_id`; refused (the booking rolls back) when the
    entry or recall is someone else's or was already booked or closed."""
    now = desk.clock.stamp()
    if waitlist_id is not None:
        _source_row(desk, "waitlist", waitlist_id, booking.patient_id, "waiting")
        desk.db.execute(
            "UPDATE waitlist SET status = 'booked', appointment_id = ?, closed_at = ? WHERE id = ?",
            (appointment_id, now, waitlist_id),
        )
        audit.record(
            desk, "waitlist booked", "waitlist", waitlist_id, f"appointment {appointment_id}"
        )
    recalls = []
    if recall_id is not None:
        _source_row(desk, "recalls", recall_id, booking.patient_id, "due")
        recalls.append(recall_id)
    recalls += [
        row[0]
        for row in desk.db.execute(
            "SELECT id FROM recalls WHERE patient_id = ? AND status = 'due' AND type_id = ?"
            " AND id IS NOT ?",
            (booking.patient_id, kind.id, recall_id),
        )
    ]
    for number in recalls:
        desk.db.execute(
            "UPDATE recalls SET status = 'booked', appointment_id = ?, closed_at = ? WHERE id = ?",
            (appointment_id, now, number),
        )
        audit.record(desk, "recall booked", "recalls", number, f"appointment {appointment_id}")


def _source_row(desk: Desk, table: str, row_id: int, patient_id: int, open_status: str) -> None:
    what = "waitlist entry" if table == "waitlist" else "recall"
    row = desk.db.execute(
        f"SELECT patient_id, status FROM {table} WHERE id = ?", (row_id,)
    ).fetchone()
    if row is None:
        raise NotFound(f"That {what} is not on the list.")
    if row[0] != patient_id:
        raise Invalid(f"That {what} is for another patient.")
    if row[1] != open_status:
        raise Conflict(f"That {what} was already booked or closed.")


def record_event(
    desk: Desk, appointment_id: int, from_status: str | None, to_status: str, reason: str = ""
) -> None:
    desk.db.execute(
        "INSERT INTO appointment_events (appointment_id, at, from_status, to_status, reason,"
        " staff_id, workstation) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            appointment_id,
            desk.clock.stamp(),
            from_status,
            to_status,
            reason,
            desk.actor.staff_id if desk.actor else None,
            desk.workstation,
        ),
    )
