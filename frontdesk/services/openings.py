"""Find next available: the next free slots for an appointment type."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from frontdesk.data.clock import day_bounds, local_wall_time, to_stored
from frontdesk.data.models import ROLES, Opening
from frontdesk.errors import BadTime, Conflict, Invalid
from frontdesk.services import block_time, schedule, visit_types, working_hours
from frontdesk.services.book import HOLDS_TIME, local_time, wall_minutes

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = ["TimeOfDay", "find_openings"]

TimeOfDay = Literal["any", "morning", "afternoon"]


def _fits(
    stretches: list[tuple[int, int]], busy: list[tuple[int, int]], start: int, end: int
) -> bool:
    return any(s <= start and end <= e for s, e in stretches) and all(
        end <= s or e <= start for s, e in busy
    )


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


def _busy_days(
    desk: Desk, first: dt.date, last: dt.date
) -> dict[dt.date, dict[int, list[tuple[int, int]]]]:
    """What holds time on each day of [first, last], per resource, in wall minutes:
    appointments that hold their time, and blocks. One read for the whole stretch; the
    lower bound on `starts_at` keeps it on the index (an appointment ends the day it
    starts), so a long history is never scanned."""
    tz = desk.clock.tz
    start, end = day_bounds(first, tz)[0], day_bounds(last, tz)[1]
    lower = day_bounds(first - dt.timedelta(days=1), tz)[0]
    busy: dict[dt.date, dict[int, list[tuple[int, int]]]] = {}

    def hold(resource_id: int, starts_at: str, ends_at: str) -> None:
        day = max(local_time(starts_at, tz).date(), first)
        while day <= min(local_time(ends_at, tz).date(), last):
            busy.setdefault(day, {}).setdefault(resource_id, []).append(
                (wall_minutes(starts_at, day, tz), wall_minutes(ends_at, day, tz))
            )
            day += dt.timedelta(days=1)

    for resource_id, starts_at, ends_at in desk.db.execute(
        "SELECT resource_id, starts_at, ends_at FROM appointments WHERE starts_at >= ?"
        f" AND starts_at < ? AND ends_at > ? AND {HOLDS_TIME}",
        (lower, end, start),
    ):
        hold(resource_id, starts_at, ends_at)
    for block in block_time.list_blocks(desk.db, start, end):
        hold(block.resource_id, block.starts_at, block.ends_at)
    return busy


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
    morning, the afternoon or any time, from now (or `since`) over the next `days`.
    Every slot offered can be booked as it stands: inside hours, clear of blocks and
    appointments, not on a closed day, not in the past, on the slot grid."""
    desk.require_role(ROLES, "see the appointment book")
    from frontdesk.services.practice import load_settings

    kind = visit_types.get_type(desk, type_id)
    if not kind.active:
        raise Conflict(f"{kind.name} is no longer offered.")
    step = load_settings(desk.db).slot_minutes
    resources = [
        r
        for r in schedule.list_resources(desk)
        if (resource_id is None or r.id == resource_id) and visit_types.takes(kind, r)
    ]
    if not resources:
        raise Invalid(f"No provider or room on the book takes {kind.name}.")
    tz = desk.clock.tz
    now = desk.clock.local_now()
    if since is not None:
        schedule.check_reach(since, now.date(), "first date")
    day = max(since or now.date(), now.date())
    last = day + dt.timedelta(days=days - 1)
    found: list[Opening] = []
    while day <= last and len(found) < limit:
        week_end = min(day + dt.timedelta(days=6), last)
        busy_days = _busy_days(desk, day, week_end)
        while day <= week_end and len(found) < limit:
            hours = working_hours.day_hours(desk.db, day)
            busy = busy_days.get(day, {})
            earliest = now.hour * 60 + now.minute + 1 if day == now.date() else 0
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
                    ends = starts.shift(minutes=kind.minutes)
                    end_minute = wall_minutes(to_stored(ends), day, tz)
                    if end_minute != minute + kind.minutes and not _fits(
                        hours.get(resource.id, []),
                        busy.get(resource.id, []),
                        minute,
                        end_minute,
                    ):
                        continue  # across a DST change the wall clock ends elsewhere
                    today.append(
                        Opening(
                            type_id=kind.id,
                            resource_id=resource.id,
                            resource_name=resource.name,
                            starts_at=to_stored(starts),
                            ends_at=to_stored(ends),
                        )
                    )
            today.sort(key=lambda o: (o.starts_at, o.resource_name))
            found += today
            day += dt.timedelta(days=1)
    return found[:limit]
