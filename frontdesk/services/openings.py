"""Find next available: the next free slots for an appointment type."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from frontdesk.data.clock import day_bounds, local_wall_time, to_stored
from frontdesk.data.models import ROLES, Opening
from frontdesk.errors import BadTime, Invalid
from frontdesk.services import schedule
from frontdesk.services.book import HOLDS_TIME, wall_minutes

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = ["TimeOfDay", "find_openings"]

TimeOfDay = Literal["any", "morning", "afternoon"]


def _free_starts(
    stretches: list[tuple[int, int]],
    busy: list[tuple[int, int]],
    minutes: int,
    step: int,
    earliest: int,
    part: TimeOfDay,
) -> list[int]:
    starts = []
    for open_start, open_end in stretches:
        minute = max(open_start, -(-earliest // step) * step)
        while minute + minutes <= open_end:
            fits = all(minute + minutes <= s or e <= minute for s, e in busy)
            wanted = part == "any" or (part == "morning") == (minute < 720)
            if fits and wanted:
                starts.append(minute)
            minute += step
    return starts


def find_openings(
    desk: Desk,
    type_id: int,
    *,
    resource_id: int | None = None,
    part: TimeOfDay = "any",
    since: dt.date | None = None,
    limit: int = 10,
    days: int = 90,
) -> list[Opening]:
    """The next free slots for a type, on one resource or any that takes it, in the
    morning, the afternoon or any time, from now (or `since`) over the next `days`."""
    desk.require_role(ROLES, "see the appointment book")
    from frontdesk.services.practice import load_settings

    kind = schedule.get_type(desk, type_id)
    step = load_settings(desk.db).slot_minutes
    resources = [
        r
        for r in schedule.list_resources(desk)
        if (resource_id is None or r.id == resource_id)
        and (not kind.resource_ids or r.id in kind.resource_ids)
        and (not kind.needs_room or r.kind == "room")
    ]
    if not resources:
        raise Invalid(f"No provider or room on the book takes {kind.name}.")
    tz = desk.clock.tz
    now = desk.clock.local_now()
    day = max(since or now.date(), now.date())
    found: list[Opening] = []
    for _ in range(days):
        hours = schedule.day_hours(desk.db, day)
        earliest = now.hour * 60 + now.minute + 1 if day == now.date() else 0
        start, end = day_bounds(day, tz)
        busy: dict[int, list[tuple[int, int]]] = {}
        for resource, s, e in desk.db.execute(
            f"SELECT resource_id, starts_at, ends_at FROM appointments WHERE starts_at < ?"
            f" AND ends_at > ? AND {HOLDS_TIME}",
            (end, start),
        ):
            busy.setdefault(resource, []).append(
                (wall_minutes(s, day, tz), wall_minutes(e, day, tz))
            )
        for block in schedule.list_blocks(desk.db, start, end):
            busy.setdefault(block.resource_id, []).append(
                (wall_minutes(block.starts_at, day, tz), wall_minutes(block.ends_at, day, tz))
            )
        today: list[Opening] = []
        for resource in resources:
            for minute in _free_starts(
                hours.get(resource.id, []),
                busy.get(resource.id, []),
                kind.minutes,
                step,
                earliest,
                part,
            ):
                try:
                    starts = local_wall_time(day, dt.time(minute // 60, minute % 60), tz)
                except BadTime:
                    continue  # a DST gap or fold: offer only times that happen once
                today.append(
                    Opening(
                        resource_id=resource.id,
                        resource_name=resource.name,
                        starts_at=to_stored(starts),
                        ends_at=to_stored(starts.shift(minutes=kind.minutes)),
                    )
                )
        today.sort(key=lambda o: (o.starts_at, o.resource_name))
        found += today
        if len(found) >= limit:
            break
        day += dt.timedelta(days=1)
    return found[:limit]
