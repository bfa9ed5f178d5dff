"""Blocks on the book: time on a column that cannot be booked (lunch, surgery, meeting,
vacation), kept by a manager. Blocks are UTC instants like appointments."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from frontdesk.data.clock import clock_text, day_bounds, from_stored, local_wall_time, to_stored
from frontdesk.data.db import write
from frontdesk.data.models import BLOCK_KINDS, ROLES, Block
from frontdesk.errors import BadTime, Conflict, Invalid, NotFound
from frontdesk.services import audit
from frontdesk.services.fields import one_line
from frontdesk.services.schedule import (
    HOLDS_TIME,
    MAX_BLOCK_DAYS,
    check_reach,
    get_resource,
)

if TYPE_CHECKING:
    import arrow

    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.services.context import Desk

__all__ = [
    "add_block",
    "add_block_on",
    "block_span",
    "list_blocks",
    "remove_block",
    "upcoming_blocks",
]


_BLOCK_COLUMNS = "id, resource_id, kind, starts_at, ends_at, note"


def add_block(
    desk: Desk,
    resource_id: int,
    starts: arrow.Arrow,
    ends: arrow.Arrow,
    kind: str,
    note: str = "",
) -> Block:
    """Block time on a resource (lunch, surgery, meeting, vacation); refused over booked
    appointments, over a block of the same kind, for time already over, and beyond
    MAX_BLOCK_DAYS. Manager only, audited."""
    desk.require_manager("block time on the book")
    if kind not in BLOCK_KINDS:
        raise Invalid(f"A block is one of: {', '.join(BLOCK_KINDS)}.")
    if ends <= starts:
        raise BadTime("A block must end after it starts.")
    if ends - starts > dt.timedelta(days=MAX_BLOCK_DAYS):
        raise BadTime(f"A block is at most {MAX_BLOCK_DAYS} days; check the dates.")
    if ends <= desk.clock.now():
        raise BadTime("That time is already over; a block is for time still to come.")
    check_reach(starts.to(desk.clock.tz).date(), desk.clock.business_date(), "block's start")
    note = one_line(note, "note", max_length=60)
    start, end = to_stored(starts), to_stored(ends)
    with write(desk.db):
        resource = get_resource(desk, resource_id)
        if not resource.active:
            raise Conflict(f"{resource.name} is no longer on the book.")
        (booked,) = desk.db.execute(
            "SELECT count(*) FROM appointments WHERE resource_id = ? AND starts_at < ?"
            f" AND ends_at > ? AND {HOLDS_TIME}",
            (resource_id, end, start),
        ).fetchone()
        if booked:
            raise Conflict(
                f"{booked} appointment(s) are booked on {resource.name} in that time; move "
                "or cancel them first."
            )
        for other in list_blocks(desk.db, start, end, (resource_id,)):
            if other.kind == kind:
                raise Conflict(
                    f"{resource.name} already has a {kind} block then "
                    f"({block_span(other, desk.clock.tz)})."
                )
        block_id = desk.db.execute(
            "INSERT INTO blocks (resource_id, kind, starts_at, ends_at, note, created_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (resource_id, kind, start, end, note, _staff_id(desk), desk.clock.stamp()),
        ).lastrowid
        audit.record(desk, "block added", "blocks", block_id, f"{kind} on resource {resource_id}")
    return Block(
        id=block_id, resource_id=resource_id, kind=kind, starts_at=start, ends_at=end, note=note
    )


def add_block_on(
    desk: Desk,
    resource_id: int,
    kind: str,
    day: dt.date,
    *,
    start_minute: int | None = None,
    end_minute: int | None = None,
    last_day: dt.date | None = None,
    note: str = "",
) -> Block:
    """Block a stretch of one day (both times, local wall clock) or whole days from `day`
    to `last_day` (no times; a vacation), by `add_block`'s rules. A wall time that does
    not exist that day (the clocks jump) or happens twice is refused (BadTime)."""
    tz = desk.clock.tz
    # Before the day's bounds are worked out: 12/31/9999 has no next midnight.
    check_reach(day, desk.clock.business_date(), "first day")
    if last_day is not None:
        check_reach(last_day, desk.clock.business_date(), "last day")
    if (start_minute is None) != (end_minute is None):
        raise BadTime("Enter both times, or neither to block whole days.")
    if start_minute is None or end_minute is None:
        last = last_day or day
        if last < day:
            raise BadTime("The last day comes before the first.")
        if (last - day).days >= MAX_BLOCK_DAYS:
            raise BadTime(f"A block is at most {MAX_BLOCK_DAYS} days; check the dates.")
        first, _ = day_bounds(day, tz)
        _, after = day_bounds(last, tz)
        return add_block(desk, resource_id, from_stored(first), from_stored(after), kind, note)
    if last_day is not None and last_day != day:
        raise BadTime(
            "A block with times is on one day; leave the times empty to block whole days."
        )
    if not (0 <= start_minute < 1440 and 0 < end_minute <= 1440):
        raise BadTime("That is not a time of day.")
    if end_minute == 0 or end_minute <= start_minute:
        raise BadTime("A block must end after it starts.")
    starts = local_wall_time(day, dt.time(start_minute // 60, start_minute % 60), tz)
    if end_minute == 1440:
        ends = from_stored(day_bounds(day, tz)[1])
    else:
        ends = local_wall_time(day, dt.time(end_minute // 60, end_minute % 60), tz)
    return add_block(desk, resource_id, starts, ends, kind, note)


def remove_block(desk: Desk, block_id: int) -> None:
    """Free a block's time again (kept, marked removed). Manager only, audited."""
    desk.require_manager("remove a block")
    with write(desk.db):
        if not desk.db.execute(
            "UPDATE blocks SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL",
            (desk.clock.stamp(), _staff_id(desk), block_id),
        ).rowcount:
            raise NotFound("That block is not on the book.")
        audit.record(desk, "block removed", "blocks", block_id)


def list_blocks(
    db: FrontDeskDatabase, start: str, end: str, resource_ids: tuple[int, ...] | None = None
) -> list[Block]:
    """Blocks overlapping [start, end) (stored instants), on the given resources."""
    where = ""
    params: list[object] = [end, start]
    if resource_ids is not None:
        where = f" AND resource_id IN ({','.join('?' * len(resource_ids))})"
        params += list(resource_ids)
    return [
        Block(**row)
        for row in db.query(
            f"SELECT {_BLOCK_COLUMNS} FROM blocks WHERE starts_at < ? AND ends_at > ?"
            f" AND removed_at IS NULL{where} ORDER BY starts_at",
            params,
        )
    ]


def upcoming_blocks(
    desk: Desk, first: dt.date, last: dt.date, resource_id: int | None = None
) -> list[Block]:
    """Blocks on the book from local date `first` through `last`, on one resource or all."""
    desk.require_role(ROLES, "see the appointment book")
    if last < first:
        raise BadTime("The last day comes before the first.")
    start, _ = day_bounds(first, desk.clock.tz)
    _, end = day_bounds(last, desk.clock.tz)
    return list_blocks(desk.db, start, end, None if resource_id is None else (resource_id,))


def _staff_id(desk: Desk) -> int | None:
    return desk.actor.staff_id if desk.actor else None


def block_span(block: Block, tz: str) -> str:
    """A block's time as the desk reads it: 'Tue 11/24 12:00pm-1:00pm', 'Mon 12/07 all
    day', 'Mon 12/07 - Fri 12/11' (whole days) or 'Mon 12/07 5:00pm - Tue 12/08 8:00am'."""
    start = from_stored(block.starts_at).to(tz).datetime
    end = from_stored(block.ends_at).to(tz).datetime

    def minute(moment: dt.datetime) -> int:
        return moment.hour * 60 + moment.minute

    if minute(start) == 0 and minute(end) == 0 and end.date() > start.date():
        last = end.date() - dt.timedelta(days=1)
        if last == start.date():
            return f"{start:%a %m/%d} all day"
        return f"{start:%a %m/%d} - {last:%a %m/%d}"
    if start.date() == end.date() or (
        minute(end) == 0 and end.date() == start.date() + dt.timedelta(days=1)
    ):
        return f"{start:%a %m/%d} {clock_text(minute(start))}-{clock_text(minute(end))}"
    return (
        f"{start:%a %m/%d} {clock_text(minute(start))} - {end:%a %m/%d} {clock_text(minute(end))}"
    )
