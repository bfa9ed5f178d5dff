"""Working hours: each column's weekly template, single-day exceptions, and the
practice's closed days, kept by a manager.

Hours are wall-clock minutes after local midnight, so a 9:00 start stays 9:00 on both
sides of a DST change.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from frontdesk.data.clock import clock_text, day_bounds, from_stored, parse_time_of_day
from frontdesk.data.db import write
from frontdesk.data.models import ROLES, ClosedDay, HoursException
from frontdesk.errors import BadTime, Conflict, Invalid, NotFound, echo
from frontdesk.services import audit
from frontdesk.services.fields import one_line
from frontdesk.services.schedule import (
    HOLDS_TIME,
    WEEKDAYS,
    Intervals,
    check_reach,
    get_resource,
)

if TYPE_CHECKING:
    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.services.context import Desk

__all__ = [
    "SpecialDay",
    "close_day",
    "closed_day",
    "day_hours",
    "hours_text",
    "list_closed_days",
    "list_exceptions",
    "parse_hours",
    "remove_day_hours",
    "reopen_day",
    "set_day_hours",
    "set_weekly_hours",
    "special_days",
    "weekly_hours",
]


def parse_hours(text: str) -> Intervals:
    """Working hours typed as '8:00-12:00, 1:00pm-5:00pm' (or 'off'): sorted stretches
    that do not overlap; Invalid saying what is wrong otherwise. A stretch may end at
    midnight ('6:00pm-12:00am'); stretches that touch (8-12, 12-5) stay two."""
    raw = text.strip().lower()
    if raw in ("", "off", "closed", "-", "none"):
        return []
    stretches: Intervals = []
    for part in re.split(r"[,;]", raw):
        part = part.strip()
        if not part:
            continue  # "8:00-12:00," : a trailing comma is not a mistake worth stopping for
        pieces = re.split(r"\s*(?:-|\u2013|\u2014|to)\s*", part)
        if len(pieces) != 2:
            raise Invalid(f"'{echo(part)}' is not a stretch of hours; write 8:00-12:00.")
        start, end = (parse_time_of_day(piece) for piece in pieces)
        if start is None or end is None:
            raise Invalid(f"'{echo(part)}' has a time that is not a time of day.")
        if end == 0:
            end = 1440
        if end <= start:
            raise BadTime(f"'{echo(part)}' ends before it starts.")
        stretches.append((start, end))
    if not stretches:
        raise Invalid("Write the hours as 8:00-12:00, 1:00pm-5:00pm, or 'off'.")
    return _check_stretches(stretches)


def _check_stretches(stretches: Intervals) -> Intervals:
    """Stretches sorted, each inside one day and ending after it starts, none overlapping."""
    ordered = sorted((int(start), int(end)) for start, end in stretches)
    for start, end in ordered:
        if not (0 <= start < 1440 and 0 < end <= 1440):
            raise BadTime("Hours are times within one day.")
        if end <= start:
            raise BadTime(f"{clock_text(start)}-{clock_text(end)} ends before it starts.")
    for (first_start, first_end), (second_start, second_end) in itertools.pairwise(ordered):
        if second_start < first_end:
            raise Invalid(
                f"{clock_text(first_start)}-{clock_text(first_end)} and "
                f"{clock_text(second_start)}-{clock_text(second_end)} overlap."
            )
    return ordered


def hours_text(stretches: Intervals) -> str:
    """Stretches as the desk reads them: '8:00am-12:00pm, 1:00pm-5:00pm' or 'off'."""
    if not stretches:
        return "off"
    return ", ".join(f"{clock_text(start)}-{clock_text(end)}" for start, end in stretches)


def weekly_hours(desk: Desk, resource_id: int) -> dict[int, Intervals]:
    """A resource's weekly template: weekday (0 = Monday) -> stretches."""
    desk.require_role(ROLES, "see the appointment book")
    template: dict[int, Intervals] = {day: [] for day in range(7)}
    for row in desk.db.query(
        "SELECT weekday, start_minute, end_minute FROM resource_hours WHERE resource_id = ?"
        " ORDER BY weekday, start_minute",
        (resource_id,),
    ):
        template[row["weekday"]].append((row["start_minute"], row["end_minute"]))
    return template


def _outside_hours(desk: Desk, resource_id: int, wanted) -> int:
    """How many of the resource's appointments still to come would fall outside its hours;
    `wanted(day)` gives the stretches of a local date, or None for a day not concerned."""
    zone = ZoneInfo(desk.clock.tz)
    count = 0
    for starts_at, ends_at in desk.db.execute(
        f"SELECT starts_at, ends_at FROM appointments WHERE resource_id = ? AND starts_at >= ?"
        f" AND {HOLDS_TIME}",
        (resource_id, desk.clock.stamp()),
    ):
        start = from_stored(starts_at).datetime.astimezone(zone)
        end = from_stored(ends_at).datetime.astimezone(zone)
        stretches = wanted(start.date())
        if stretches is None:
            continue
        first = start.hour * 60 + start.minute
        last = end.hour * 60 + end.minute if end.date() == start.date() else 1440
        if not any(s <= first and last <= e for s, e in stretches):
            count += 1
    return count


def set_weekly_hours(desk: Desk, resource_id: int, weekday: int, stretches: Intervals) -> int:
    """Replace one weekday of a resource's template (manager only, audited). Returns how
    many appointments still to come now fall outside the resource's hours (they stay
    booked; the book shows them)."""
    desk.require_manager("change working hours")
    if not 0 <= weekday <= 6:
        raise Invalid("Choose a weekday.")
    stretches = _check_stretches(stretches)
    with write(desk.db):
        get_resource(desk, resource_id)
        desk.db.execute(
            "DELETE FROM resource_hours WHERE resource_id = ? AND weekday = ?",
            (resource_id, weekday),
        )
        desk.db.conn.executemany(
            "INSERT INTO resource_hours (resource_id, weekday, start_minute, end_minute)"
            " VALUES (?, ?, ?, ?)",
            [(resource_id, weekday, start, end) for start, end in stretches],
        )
        audit.record(
            desk,
            "hours changed",
            "resources",
            resource_id,
            f"{WEEKDAYS[weekday]}: {hours_text(stretches)}",
        )
        special = {
            row[0]
            for row in desk.db.execute(
                "SELECT DISTINCT day FROM hours_exceptions WHERE resource_id = ?", (resource_id,)
            )
        }
        return _outside_hours(
            desk,
            resource_id,
            lambda day: (
                stretches if day.weekday() == weekday and day.isoformat() not in special else None
            ),
        )


def set_day_hours(
    desk: Desk, resource_id: int, day: dt.date, stretches: Intervals, note: str = ""
) -> int:
    """Give a resource different hours on one date (no stretches: a day off); replaces an
    earlier exception for that date. Not for a day that is over. Manager only, audited.
    Returns how many appointments that day now fall outside the resource's hours."""
    desk.require_manager("change working hours")
    note = one_line(note, "note", max_length=80)
    stretches = _check_stretches(stretches)
    if day < desk.clock.business_date():
        raise BadTime(f"{day:%a %m/%d/%Y} is over; its hours can no longer change.")
    check_reach(day, desk.clock.business_date(), "day")
    with write(desk.db):
        get_resource(desk, resource_id)
        desk.db.execute(
            "DELETE FROM hours_exceptions WHERE resource_id = ? AND day = ?",
            (resource_id, day.isoformat()),
        )
        desk.db.conn.executemany(
            "INSERT INTO hours_exceptions (resource_id, day, start_minute, end_minute, note)"
            " VALUES (?, ?, ?, ?, ?)",
            [(resource_id, day.isoformat(), start, end, note) for start, end in stretches]
            or [(resource_id, day.isoformat(), None, None, note)],
        )
        audit.record(
            desk, "day hours set", "resources", resource_id, f"{day}: {hours_text(stretches)}"
        )
        return _outside_hours(desk, resource_id, lambda other: stretches if other == day else None)


def remove_day_hours(desk: Desk, resource_id: int, day: dt.date) -> None:
    """Drop a single-day exception: the weekly template applies again."""
    desk.require_manager("change working hours")
    with write(desk.db):
        gone = desk.db.execute(
            "DELETE FROM hours_exceptions WHERE resource_id = ? AND day = ?",
            (resource_id, day.isoformat()),
        ).rowcount
        if not gone:
            raise NotFound("There are no special hours on that day.")
        audit.record(desk, "day hours removed", "resources", resource_id, str(day))


def list_exceptions(desk: Desk, since: dt.date) -> list[HoursException]:
    """Single-day hours from `since` on, by date (one row per stretch)."""
    desk.require_role(ROLES, "see the appointment book")
    return [
        HoursException(**row)
        for row in desk.db.query(
            "SELECT id, resource_id, day, start_minute, end_minute, note FROM hours_exceptions"
            " WHERE day >= ? ORDER BY day, resource_id, start_minute",
            (since.isoformat(),),
        )
    ]


@dataclass(frozen=True)
class SpecialDay:
    """One resource's own hours on one date (no stretches: a day off)."""

    resource_id: int
    day: dt.date
    stretches: tuple[tuple[int, int], ...]
    note: str = ""


def special_days(desk: Desk, since: dt.date) -> list[SpecialDay]:
    """Single-day hours from `since` on, one entry per resource and date."""
    days: dict[tuple[dt.date, int], list[HoursException]] = {}
    for row in list_exceptions(desk, since):
        days.setdefault((row.day, row.resource_id), []).append(row)
    return [
        SpecialDay(
            resource_id=resource_id,
            day=day,
            stretches=tuple(
                (row.start_minute, row.end_minute)
                for row in rows
                if row.start_minute is not None and row.end_minute is not None
            ),
            note=rows[0].note,
        )
        for (day, resource_id), rows in days.items()
    ]


def closed_day(db: FrontDeskDatabase, day: dt.date) -> str | None:
    """Why the practice is closed on `day`, or None when it is open."""
    row = db.execute("SELECT reason FROM closed_days WHERE day = ?", (day.isoformat(),)).fetchone()
    return row[0] if row else None


def day_hours(db: FrontDeskDatabase, day: dt.date) -> dict[int, Intervals]:
    """Every resource's working stretches on `day` (exceptions replace the template; a
    closed day has none)."""
    if closed_day(db, day) is not None:
        return {}
    hours: dict[int, Intervals] = {}
    for resource_id, start, end in db.execute(
        "SELECT resource_id, start_minute, end_minute FROM resource_hours WHERE weekday = ?"
        " ORDER BY start_minute",
        (day.weekday(),),
    ):
        hours.setdefault(resource_id, []).append((start, end))
    special: dict[int, Intervals] = {}
    for resource_id, start, end in db.execute(
        "SELECT resource_id, start_minute, end_minute FROM hours_exceptions WHERE day = ?"
        " ORDER BY start_minute",
        (day.isoformat(),),
    ):
        special.setdefault(resource_id, [])
        if start is not None:
            special[resource_id].append((start, end))
    hours.update(special)
    return hours


def close_day(desk: Desk, day: dt.date, reason: str) -> None:
    """Close the practice on `day` (holiday, weather); refused while appointments are
    still booked that day. Manager only, audited."""
    desk.require_manager("close the practice for a day")
    reason = one_line(reason, "reason", max_length=60, required=True)
    if day < desk.clock.business_date():
        raise BadTime(f"{day:%a %m/%d/%Y} is over; it can no longer be closed.")
    check_reach(day, desk.clock.business_date(), "day")
    start, end = day_bounds(day, desk.clock.tz)
    with write(desk.db):
        if closed_day(desk.db, day) is not None:
            raise Conflict(f"The practice is already closed on {day:%a %m/%d/%Y}.")
        (booked,) = desk.db.execute(
            "SELECT count(*) FROM appointments WHERE starts_at >= ? AND starts_at < ?"
            " AND status NOT IN ('cancelled', 'no_show')",
            (start, end),
        ).fetchone()
        if booked:
            raise Conflict(
                f"{booked} appointment(s) are booked on {day:%a %m/%d/%Y}; move or cancel "
                "them first."
            )
        desk.db.execute(
            "INSERT INTO closed_days (day, reason) VALUES (?, ?)", (day.isoformat(), reason)
        )
        audit.record(desk, "day closed to bookings", "closed_days", None, str(day))


def reopen_day(desk: Desk, day: dt.date) -> None:
    """Open a closed day again."""
    desk.require_manager("open the practice on a closed day")
    with write(desk.db):
        if not desk.db.execute(
            "DELETE FROM closed_days WHERE day = ?", (day.isoformat(),)
        ).rowcount:
            raise NotFound(f"The practice is not closed on {day:%a %m/%d/%Y}.")
        audit.record(desk, "day reopened to bookings", "closed_days", None, str(day))


def list_closed_days(desk: Desk, since: dt.date) -> list[ClosedDay]:
    """Closed days from `since` on."""
    desk.require_role(ROLES, "see the appointment book")
    return [
        ClosedDay(**row)
        for row in desk.db.query(
            "SELECT day, reason FROM closed_days WHERE day >= ? ORDER BY day",
            (since.isoformat(),),
        )
    ]
