"""The no-show list: past appointments nobody resolved. Marking one (no-show, late cancel,
arrived late) goes through `appointment_status.set_status` and `appointment_status.cancel`;
`mark_no_shows` marks several at once, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from frontdesk.data.clock import to_stored
from frontdesk.data.models import ROLES, Appointment
from frontdesk.errors import Conflict, Invalid, NotFound
from frontdesk.services.appointment_status import set_status
from frontdesk.services.book import appointments_where, get_appointment, when_text

if TYPE_CHECKING:
    from frontdesk.data.money_models import Posting
    from frontdesk.services.context import Desk

__all__ = [
    "LOOK_BACK_DAYS",
    "MARKING_ROLES",
    "mark_no_show_with_fee",
    "mark_no_shows",
    "no_show_list",
]

#: Who works the no-show list.
MARKING_ROLES = ("receptionist", "manager")
#: How far back the list looks, in days.
LOOK_BACK_DAYS = 14


def no_show_list(desk: Desk, *, days: int = LOOK_BACK_DAYS) -> list[Appointment]:
    """Past appointments still booked or confirmed after their end plus the practice's
    grace period, over the last `days` days, oldest first."""
    desk.require_role(ROLES, "see the appointment book")
    from frontdesk.services.practice import load_settings

    grace = load_settings(desk.db).no_show_grace_minutes
    cutoff = to_stored(desk.clock.now().shift(minutes=-grace))
    since = to_stored(desk.clock.now().shift(days=-days))
    return appointments_where(
        desk.db,
        "WHERE a.starts_at >= ? AND a.ends_at <= ? AND a.status IN ('booked', 'confirmed')"
        " ORDER BY a.starts_at, a.id",
        (since, cutoff),
    )


def mark_no_shows(desk: Desk, appointment_ids: Iterable[int]) -> list[Appointment]:
    """Mark several appointments no-show in one transaction: all of them or, if any one
    cannot be (not started yet, already resolved elsewhere, not on the book), none, with
    a Conflict or NotFound naming that one. Returns them as marked, in the order given."""
    desk.require_role(MARKING_ROLES, "mark no-shows")
    ids = list(dict.fromkeys(appointment_ids))
    if not ids:
        raise Invalid("Choose the appointments to mark no-show first.")
    marked = []
    with desk.writing():
        for appointment_id in ids:
            try:
                marked.append(set_status(desk, appointment_id, "no_show"))
            except (Conflict, NotFound) as error:
                raise type(error)(_naming(desk, appointment_id, error)) from error
    return marked


def mark_no_show_with_fee(desk: Desk, appointment_id: int, key: str) -> Posting:
    """Mark one appointment a no-show and charge its patient the no-show fee, in one
    transaction: both or, if either cannot be done, neither. The same `key` again
    returns the fee posted the first time."""
    from frontdesk.services import corrections
    from frontdesk.services.ledger import check_key, existing_posting
    from frontdesk.services.receipts import posting_result

    desk.require_role(MARKING_ROLES, "mark no-shows")
    key = check_key(key)
    with desk.writing():
        found = existing_posting(desk, key)
        if found is not None:
            return posting_result(desk, found, replayed=True)
        mark_no_shows(desk, [appointment_id])
        return corrections.post_no_show_fee(desk, appointment_id, key)


def _naming(desk: Desk, appointment_id: int, error: Exception) -> str:
    """The error with the patient and time it is about, when the appointment exists."""
    try:
        found = get_appointment(desk, appointment_id)
    except NotFound:
        return str(error)
    return f"{found.patient_name}, {when_text(found.starts_at, desk.clock.tz)}: {error}"
