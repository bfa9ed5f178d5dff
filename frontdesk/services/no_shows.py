"""The no-show list: past appointments nobody resolved. Marking one (no-show, late cancel,
arrived late) goes through `appointments.set_status` and `appointments.cancel`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.data.clock import to_stored
from frontdesk.data.models import ROLES, Appointment
from frontdesk.services.book import appointments_where

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = ["no_show_list"]


def no_show_list(desk: Desk, *, days: int = 14) -> list[Appointment]:
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
