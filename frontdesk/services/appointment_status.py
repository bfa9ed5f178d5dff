"""An appointment's life after booking: confirm, arrive (and undo), room, with the
provider, check out (which sets up the type's recall), no-show, cancel with a reason, and
move (reschedule). Every change is one transaction with its `appointment_events` row and
its audit row; nothing is deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.data.clock import from_stored
from frontdesk.data.models import CANCEL_REASONS, Appointment
from frontdesk.errors import Conflict, Invalid, NotFound
from frontdesk.services import audit, block_time
from frontdesk.services.appointments import (
    ACTIVE_STATUSES,
    BOOKING_ROLES,
    Booking,
    Override,
    book,
    overlapping,
    record_event,
    span_text,
)
from frontdesk.services.book import STATUS_WORDS, get_appointment, when_text
from frontdesk.services.fields import one_line

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = ["REASON_WORDS", "cancel", "move_status", "reschedule", "set_status"]

CLINIC_ROLES = ("receptionist", "manager", "clinical", "provider")
#: Which status may follow which; everything else is refused.
_NEXT: dict[str, tuple[str, ...]] = {
    "booked": ("confirmed", "arrived", "no_show", "cancelled"),
    "confirmed": ("booked", "arrived", "no_show", "cancelled"),
    "arrived": ("roomed", "with_provider", "ready_checkout", "checked_out", "booked"),
    "roomed": ("with_provider", "ready_checkout", "checked_out"),
    "with_provider": ("ready_checkout", "checked_out"),
    "ready_checkout": ("checked_out",),
    "checked_out": (),
    "no_show": ("arrived", "booked"),
    "cancelled": (),
}
REASON_WORDS = {
    "patient_cancelled": "patient cancelled",
    "late_cancel": "late cancel",
    "practice_cancelled": "practice cancelled",
    "rescheduled": "rescheduled",
}


def _current(desk: Desk, appointment_id: int) -> tuple[str, str, str, int, int]:
    row = desk.db.execute(
        "SELECT a.status, a.starts_at, a.ends_at, a.resource_id, t.double_book"
        " FROM appointments a JOIN appointment_types t ON t.id = a.type_id WHERE a.id = ?",
        (appointment_id,),
    ).fetchone()
    if row is None:
        raise NotFound("That appointment is not on the book.")
    return row


def _status_words(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def _change_status(
    desk: Desk,
    appointment_id: int,
    to_status: str,
    reason: str = "",
    cancel_reason: str | None = None,
) -> str:
    """Move an appointment to `to_status` inside the caller's transaction; returns the old
    status. Conflict if the move is not allowed from where it is now, or if a no-show is
    taken back while its freed time was booked or blocked meanwhile."""
    status, starts_at, ends_at, resource_id, double_book = _current(desk, appointment_id)
    if to_status not in _NEXT[status]:
        doing = "cancelled" if to_status == "cancelled" else f"marked {_status_words(to_status)}"
        raise Conflict(f"This appointment is marked {_status_words(status)}; it cannot be {doing}.")
    tz = desk.clock.tz
    future = starts_at > desk.clock.stamp()
    later_day = from_stored(starts_at).to(tz).date() > desk.clock.business_date()
    if (to_status == "no_show" and future) or (to_status == "arrived" and later_day):
        raise Conflict(f"This appointment has not started yet ({when_text(starts_at, tz)}).")
    if status not in ACTIVE_STATUSES and to_status in ACTIVE_STATUSES:
        # A no-show freed its time; taking it back must not land on whoever got it since.
        blocks = block_time.list_blocks(desk.db, starts_at, ends_at, (resource_id,))
        if blocks:
            raise Conflict(
                f"Its time has been blocked since ({blocks[0].kind}, "
                f"{block_time.block_span(blocks[0], tz)}); book a new time instead."
            )
        taken = overlapping(desk, "resource_id", resource_id, starts_at, ends_at, appointment_id)
        if taken and not (double_book and all(row[2] for row in taken)):
            raise Conflict(
                f"Its time was booked since for {taken[0][1]} "
                f"({span_text(taken[0][4], taken[0][5], tz)}); book a new time instead."
            )
    desk.db.execute(
        "UPDATE appointments SET status = ?, cancel_reason = ?, updated_at = ? WHERE id = ?",
        (to_status, cancel_reason, desk.clock.stamp(), appointment_id),
    )
    record_event(desk, appointment_id, status, to_status, reason)
    # Ids and codes only: the reason may be free text about the patient.
    audit.record(
        desk,
        f"appointment {_status_words(to_status)}",
        "appointments",
        appointment_id,
        f"{status} -> {to_status}" + (f" ({cancel_reason})" if cancel_reason else ""),
    )
    return status


def set_status(desk: Desk, appointment_id: int, to_status: str, reason: str = "") -> Appointment:
    """Confirm, mark arrived (also "arrived late"), roomed, with provider, checked out or
    no-show, by the status model; Conflict for a move it does not allow (e.g. a no-show
    before the appointment starts). Check-out creates the type's recall, if it has one."""
    if to_status == "cancelled":
        raise Invalid("Cancel with a reason.")
    if to_status not in STATUS_WORDS:
        raise Invalid("That is not an appointment status.")
    # The clinic side moves a visit along (roomed, with the provider); what the front desk
    # answers for (confirming, arrivals, no-shows, check-out) stays with the front desk.
    roles = (
        CLINIC_ROLES
        if to_status in ("roomed", "with_provider", "ready_checkout")
        else BOOKING_ROLES
    )
    desk.require_role(roles, f"mark an appointment {STATUS_WORDS[to_status]}")
    reason = one_line(reason, "reason", max_length=80)
    with desk.writing():
        _change_status(desk, appointment_id, to_status, reason)
        if to_status == "checked_out":
            _recall_after_visit(desk, appointment_id)
    return get_appointment(desk, appointment_id)


def move_status(desk: Desk, appointment_id: int, to_status: str, reason: str = "") -> str:
    """`set_status` inside the caller's write transaction (check-in and check-out post
    money in the same one); returns the old status."""
    if not desk.db.conn.in_transaction:
        raise RuntimeError("move_status runs inside the caller's write transaction")
    old = _change_status(desk, appointment_id, to_status, reason)
    if to_status == "checked_out":
        _recall_after_visit(desk, appointment_id)
    return old


def _recall_after_visit(desk: Desk, appointment_id: int) -> None:
    row = desk.db.execute(
        "SELECT a.patient_id, a.starts_at, t.recall_months, t.recall_kind, t.id"
        " FROM appointments a JOIN appointment_types t ON t.id = a.type_id WHERE a.id = ?",
        (appointment_id,),
    ).fetchone()
    patient_id, starts_at, months, kind, type_id = row
    if not months:
        return
    visit = from_stored(starts_at).to(desk.clock.tz)
    due = visit.shift(months=months).date()
    already = desk.db.execute(
        "SELECT id FROM recalls WHERE patient_id = ? AND status = 'due' AND kind = ?"
        " COLLATE NOCASE",
        (patient_id, kind),
    ).fetchone()
    if already is not None:  # one recall of a kind at a time: this visit moves it on
        desk.db.execute(
            "UPDATE recalls SET due_date = ? WHERE id = ?", (due.isoformat(), already[0])
        )
        audit.record(
            desk, "recall moved", "recalls", already[0], f"after appointment {appointment_id}"
        )
        return
    recall_id = desk.db.execute(
        "INSERT INTO recalls (patient_id, kind, due_date, type_id, source, created_by,"
        " created_at) VALUES (?, ?, ?, ?, 'checkout', ?, ?)",
        (
            patient_id,
            kind,
            due.isoformat(),
            type_id,
            desk.actor.staff_id if desk.actor else None,
            desk.clock.stamp(),
        ),
    ).lastrowid
    audit.record(desk, "recall added", "recalls", recall_id, f"after appointment {appointment_id}")


def cancel(desk: Desk, appointment_id: int, reason: str, note: str = "") -> Appointment:
    """Cancel with a reason (patient cancelled, late cancel, practice cancelled); the
    appointment and its history stay. Conflict once the patient has arrived."""
    desk.require_role(BOOKING_ROLES, "cancel appointments")
    if reason not in CANCEL_REASONS or reason == "rescheduled":
        raise Invalid("Choose why: patient cancelled, late cancel or practice cancelled.")
    note = one_line(note, "note", max_length=80)
    words = REASON_WORDS[reason] + (f": {note}" if note else "")
    with desk.writing():
        _change_status(desk, appointment_id, "cancelled", words, cancel_reason=reason)
        # The visit will not happen: a recall this appointment had closed is due again.
        for (recall,) in desk.db.execute(
            "SELECT id FROM recalls WHERE appointment_id = ? AND status = 'booked'",
            (appointment_id,),
        ).fetchall():
            desk.db.execute(
                "UPDATE recalls SET status = 'due', appointment_id = NULL, closed_at = NULL"
                " WHERE id = ?",
                (recall,),
            )
            audit.record(
                desk,
                "recall reopened",
                "recalls",
                recall,
                f"appointment {appointment_id} cancelled",
            )
    return get_appointment(desk, appointment_id)


def reschedule(
    desk: Desk,
    appointment_id: int,
    booking: Booking,
    *,
    note: str = "",
    double_book: bool = False,
    same_patient_ok: bool = False,
    override: Override | None = None,
) -> Appointment:
    """Move an appointment: the old one is cancelled as "rescheduled" and a new one is
    booked by the same rules, in one transaction. Returns the new appointment."""
    desk.require_role(BOOKING_ROLES, "reschedule appointments")
    note = one_line(note, "note", max_length=80)
    with desk.writing():
        old = get_appointment(desk, appointment_id)
        if old.status not in ("booked", "confirmed", "no_show"):
            raise Conflict(
                f"This appointment is {STATUS_WORDS[old.status]}; only a booked, confirmed "
                "or no-show one can be moved."
            )
        if booking.patient_id != old.patient_id:
            raise Invalid("A rescheduled appointment keeps its patient.")
        if old.status != "no_show":
            _change_status(
                desk,
                appointment_id,
                "cancelled",
                "rescheduled" + (f": {note}" if note else ""),
                cancel_reason="rescheduled",
            )
        new = book(
            desk,
            booking,
            double_book=double_book,
            same_patient_ok=same_patient_ok,
            override=override,
            rescheduled_from=appointment_id,
        )
        # The waitlist entry or recall the old one was booked from now points at the new one.
        for table in ("waitlist", "recalls"):
            for (number,) in desk.db.execute(
                f"SELECT id FROM {table} WHERE appointment_id = ? AND status = 'booked'",
                (appointment_id,),
            ).fetchall():
                desk.db.execute(
                    f"UPDATE {table} SET appointment_id = ? WHERE id = ?", (new.id, number)
                )
                audit.record(
                    desk,
                    f"{'waitlist' if table == 'waitlist' else 'recall'} moved",
                    table,
                    number,
                    f"appointment {appointment_id} -> {new.id}",
                )
    return new
