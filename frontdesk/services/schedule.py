"""The book's frame, kept by a manager: resources (its columns), weekly hours, single-day
exceptions and practice closed days (blocks: `block_time`; appointment types:
`visit_types`).

Hours are wall-clock minutes after local midnight, so a 9:00 start stays 9:00 on both
sides of a DST change; blocks are UTC instants like appointments.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from frontdesk.data.clock import (
    clock_text,
    day_bounds,
    from_stored,
    parse_date,
    parse_time_of_day,
)
from frontdesk.data.db import write
from frontdesk.data.models import (
    ROLES,
    ClosedDay,
    HoursException,
    Resource,
)
from frontdesk.errors import BadTime, Conflict, Invalid, NotFound
from frontdesk.services import audit
from frontdesk.services.fields import one_line

if TYPE_CHECKING:
    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.services.context import Desk

__all__ = [
    "COLOURS",
    "HOLDS_TIME",
    "WEEKDAYS",
    "SpecialDay",
    "close_day",
    "closed_day",
    "day_hours",
    "get_resource",
    "headings_text",
    "hours_text",
    "list_closed_days",
    "list_exceptions",
    "list_resources",
    "parse_hours",
    "read_date",
    "read_number",
    "read_time",
    "remove_day_hours",
    "reopen_day",
    "resources_from_headings",
    "save_resource",
    "set_day_hours",
    "set_resource_active",
    "set_weekly_hours",
    "special_days",
    "weekly_hours",
]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Appointment colours: names the theme maps to 256-colour-safe shades.
COLOURS = ("blue", "green", "purple", "orange", "teal", "pink", "yellow", "grey")
#: The longest block (a vacation), in days: a mistyped year is caught, not booked out.
MAX_BLOCK_DAYS = 62
Intervals = list[tuple[int, int]]
# Appointments that hold their time (cancelled and no-show ones free it).
HOLDS_TIME = "status NOT IN ('cancelled', 'no_show')"


# -- typed values ------------------------------------------------------------------------


def _echo(text: str) -> str:
    """What was typed, short enough to quote back in a message."""
    text = " ".join(text.split())
    return text if len(text) <= 24 else text[:23] + "\u2026"


def read_date(text: str, what: str = "date") -> dt.date:
    """A date typed as MM/DD/YYYY (or YYYY-MM-DD), or BadTime saying what is wrong."""
    if not text.strip():
        raise BadTime(f"Enter the {what} (MM/DD/YYYY).")
    day = parse_date(text)
    if day is None:
        raise BadTime(f"'{_echo(text)}' is not a date; write the {what} as MM/DD/YYYY.")
    return day


def read_time(text: str, what: str = "time") -> int:
    """A time of day typed as 9:30, 1:30pm or 13:30: minutes after midnight, or BadTime."""
    if not text.strip():
        raise BadTime(f"Enter the {what}, e.g. 9:30 or 1:30pm.")
    minute = parse_time_of_day(text)
    if minute is None:
        raise BadTime(f"'{_echo(text)}' is not a time of day; write the {what} as 9:30am.")
    return minute


def read_number(text: str, what: str, *, required: bool = True) -> int | None:
    """A whole number typed into a field (None when left empty and not required)."""
    raw = text.strip()
    if not raw:
        if required:
            raise Invalid(f"Enter the {what}.")
        return None
    if not re.fullmatch(r"[0-9]{1,6}", raw, re.ASCII):
        raise Invalid(f"'{_echo(text)}' is not a whole number; enter the {what} in digits.")
    return int(raw)


# -- resources ---------------------------------------------------------------------------


def _resource(row: dict) -> Resource:
    return Resource(**row)


_RESOURCE_COLUMNS = "id, name, short_name, kind, staff_id, sort_order, active"


def list_resources(desk: Desk, *, include_inactive: bool = False) -> list[Resource]:
    """The book's columns in their order (providers, then rooms, unless sorted otherwise)."""
    desk.require_role(ROLES, "see the appointment book")
    where = "" if include_inactive else "WHERE active = 1"
    return [
        _resource(row)
        for row in desk.db.query(
            f"SELECT {_RESOURCE_COLUMNS} FROM resources {where} "
            "ORDER BY sort_order, kind = 'room', name"
        )
    ]


def get_resource(desk: Desk, resource_id: int) -> Resource:
    """One resource, or NotFound."""
    rows = desk.db.query(f"SELECT {_RESOURCE_COLUMNS} FROM resources WHERE id = ?", (resource_id,))
    if not rows:
        raise NotFound("That provider or room is not in the book.")
    return _resource(rows[0])


def save_resource(
    desk: Desk,
    *,
    name: str,
    short_name: str = "",
    kind: str,
    staff_id: int | None = None,
    sort_order: int = 0,
    resource_id: int | None = None,
) -> Resource:
    """Add a resource (no `resource_id`) or change one; manager only, audited. Names and
    column headings are unique; the heading defaults to the first 14 characters of the
    name and has no comma (types list their columns by heading, comma-separated). A
    column that a room-only type names stays a room."""
    desk.require_manager("change the book's providers and rooms")
    name = one_line(name, "name", max_length=40, required=True)
    short_name = one_line(short_name, "column heading", max_length=14) or name[:14].strip()
    if "," in short_name:
        raise Invalid("A column heading cannot contain a comma.")
    if kind not in ("provider", "room"):
        raise Invalid("A resource is a provider or a room.")
    if not 0 <= sort_order <= 99:
        raise Invalid("The order is a number from 0 to 99.")
    now = desk.clock.stamp()
    with write(desk.db):
        clash = desk.db.execute(
            "SELECT id FROM resources WHERE name = ? AND id IS NOT ?", (name, resource_id)
        ).fetchone()
        if clash:
            raise Conflict(f"There is already a provider or room named '{name}'.")
        clash = desk.db.execute(
            "SELECT name FROM resources WHERE short_name = ? COLLATE NOCASE AND id IS NOT ?",
            (short_name, resource_id),
        ).fetchone()
        if clash:
            raise Conflict(f"{clash[0]} already has the column heading '{short_name}'.")
        if (
            staff_id is not None
            and not desk.db.execute("SELECT 1 FROM staff WHERE id = ?", (staff_id,)).fetchone()
        ):
            raise NotFound("That staff member does not exist.")
        if resource_id is None:
            resource_id = desk.db.execute(
                "INSERT INTO resources (name, short_name, kind, staff_id, sort_order,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, short_name, kind, staff_id, sort_order, now, now),
            ).lastrowid
            audit.record(desk, "resource added", "resources", resource_id, kind)
        else:
            get_resource(desk, resource_id)
            if kind != "room":
                needs_room = desk.db.execute(
                    "SELECT t.name FROM appointment_types t JOIN appointment_type_resources a"
                    " ON a.type_id = t.id WHERE a.resource_id = ? AND t.needs_room = 1"
                    " ORDER BY t.name LIMIT 1",
                    (resource_id,),
                ).fetchone()
                if needs_room:
                    raise Conflict(
                        f"{needs_room[0]} needs a room and is booked in this column; "
                        "take the column off that type first."
                    )
            desk.db.execute(
                "UPDATE resources SET name = ?, short_name = ?, kind = ?, staff_id = ?,"
                " sort_order = ?, updated_at = ? WHERE id = ?",
                (name, short_name, kind, staff_id, sort_order, now, resource_id),
            )
            audit.record(desk, "resource changed", "resources", resource_id, kind)
    return get_resource(desk, resource_id)


def resources_from_headings(desk: Desk, text: str) -> tuple[int, ...]:
    """The resources a comma list of column headings (or names) means, e.g. 'Dr Vargas,
    Laser room'; empty or 'any' means no limit. Invalid names the heading not found."""
    raw = text.strip()
    if raw.lower() in ("", "any", "all"):
        return ()
    known: dict[str, int] = {}
    for resource in list_resources(desk, include_inactive=True):
        known.setdefault(resource.name.casefold(), resource.id)
        known[resource.short_name.casefold()] = resource.id
    found: list[int] = []
    for part in raw.split(","):
        heading = " ".join(part.split())
        if not heading:
            continue
        if heading.casefold() not in known:
            raise Invalid(f"No column of the book is headed '{_echo(heading)}'.")
        if known[heading.casefold()] not in found:
            found.append(known[heading.casefold()])
    return tuple(found)


def headings_text(resources: list[Resource], resource_ids: tuple[int, ...]) -> str:
    """Resource ids as the comma list of column headings a manager types ('any': none)."""
    if not resource_ids:
        return "any"
    headings = {r.id: r.short_name for r in resources}
    return ", ".join(headings.get(i, f"#{i}") for i in resource_ids)


def set_resource_active(desk: Desk, resource_id: int, active: bool) -> Resource:
    """Take a resource off the book (its history stays) or put it back; a resource with
    appointments still to come cannot be taken off."""
    desk.require_manager("change the book's providers and rooms")
    with write(desk.db):
        resource = get_resource(desk, resource_id)
        if resource.active == active:
            raise Conflict(f"{resource.name} is already {'on' if active else 'off'} the book.")
        if not active:
            (upcoming,) = desk.db.execute(
                "SELECT count(*) FROM appointments WHERE resource_id = ? AND starts_at >= ?"
                " AND status IN ('booked', 'confirmed')",
                (resource_id, desk.clock.stamp()),
            ).fetchone()
            if upcoming:
                raise Conflict(
                    f"{resource.name} has {upcoming} appointment(s) still to come; move or "
                    "cancel them first."
                )
        desk.db.execute(
            "UPDATE resources SET active = ?, updated_at = ? WHERE id = ?",
            (int(active), desk.clock.stamp(), resource_id),
        )
        audit.record(
            desk, "resource restored" if active else "resource retired", "resources", resource_id
        )
    return get_resource(desk, resource_id)


# -- hours -------------------------------------------------------------------------------


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
            raise Invalid(f"'{_echo(part)}' is not a stretch of hours; write 8:00-12:00.")
        start, end = (parse_time_of_day(piece) for piece in pieces)
        if start is None or end is None:
            raise Invalid(f"'{_echo(part)}' has a time that is not a time of day.")
        if end == 0:
            end = 1440
        if end <= start:
            raise BadTime(f"'{_echo(part)}' ends before it starts.")
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
