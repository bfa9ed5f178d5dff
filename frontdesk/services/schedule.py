"""The book's frame, kept by a manager: its columns (providers and rooms), and reading
what people type into the book's forms. Hours and closed days: `working_hours`; blocks:
`block_time`; appointment types: `visit_types`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from frontdesk.data.clock import (
    parse_date,
    parse_time_of_day,
)
from frontdesk.data.db import write
from frontdesk.data.models import (
    ROLES,
    Resource,
)
from frontdesk.errors import BadTime, Conflict, Invalid, NotFound, echo
from frontdesk.services import audit
from frontdesk.services.fields import one_line

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = [
    "COLOURS",
    "HOLDS_TIME",
    "WEEKDAYS",
    "YEARS_AHEAD",
    "check_reach",
    "date_text",
    "get_resource",
    "headings_text",
    "list_resources",
    "read_date",
    "read_number",
    "read_time",
    "resources_from_headings",
    "save_resource",
    "set_resource_active",
]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Appointment colours: names the theme maps to 256-colour-safe shades.
COLOURS = ("blue", "green", "purple", "orange", "teal", "pink", "yellow", "grey")
#: The longest block (a vacation), in days: a mistyped year is caught, not booked out.
MAX_BLOCK_DAYS = 62
#: How far ahead the book reaches, in years: a date further off is a mistyped year.
YEARS_AHEAD = 5
#: The years a typed date may fall in (01/01/0001 and 12/31/9999 are slips of the keyboard).
FIRST_YEAR, LAST_YEAR = 1900, 2199
Intervals = list[tuple[int, int]]
# Appointments that hold their time (cancelled and no-show ones free it).
HOLDS_TIME = "status NOT IN ('cancelled', 'no_show')"


# -- typed values ------------------------------------------------------------------------


def read_date(text: str, what: str = "date", *, today: dt.date | None = None) -> dt.date:
    """A date typed as MM/DD/YYYY (or YYYY-MM-DD), or BadTime saying what is wrong. Given
    `today`, MM/DD alone is also a date: in the year that puts it nearest to today (on
    11/24, "12/1" is next week and "1/5" next January)."""
    if not text.strip():
        raise BadTime(f"Enter the {what} (MM/DD/YYYY).")
    day = parse_date(text)
    short = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})\s*", text, re.ASCII)
    if day is None and short and today is not None:
        month, number = int(short.group(1)), int(short.group(2))
        candidates = []
        for year in (today.year - 1, today.year, today.year + 1):
            try:
                candidates.append(dt.date(year, month, number))
            except ValueError:
                continue
        if candidates:
            day = min(candidates, key=lambda each: (abs(each - today), each < today))
    if day is None:
        raise BadTime(f"'{echo(text)}' is not a date; write the {what} as MM/DD/YYYY.")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadTime(
            f"The {what} ({date_text(day)}) is not a year the desk keeps; check the year."
        )
    return day


def _years_from(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (or earlier); 2/29 becomes 2/28 in a common year."""
    year = min(max(day.year + years, dt.MINYEAR), dt.MAXYEAR)
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def date_text(day: dt.date) -> str:
    """MM/DD/YYYY, with four digits even for the year 1."""
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def check_reach(
    day: dt.date, today: dt.date, what: str = "date", *, years_back: int | None = None
) -> dt.date:
    """`day` if the book reaches it: at most YEARS_AHEAD years after `today` and, given
    `years_back`, at most that many years before it; else BadTime (a mistyped year is
    caught before it is booked, blocked or closed)."""
    if day > _years_from(today, YEARS_AHEAD):
        raise BadTime(
            f"The {what} ({date_text(day)}) is more than {YEARS_AHEAD} years away; check the year."
        )
    if years_back is not None and day < _years_from(today, -years_back):
        ago = "a year" if years_back == 1 else f"{years_back} years"
        raise BadTime(f"The {what} ({date_text(day)}) is more than {ago} ago; check the year.")
    return day


def read_time(text: str, what: str = "time") -> int:
    """A time of day typed as 9:30, 1:30pm or 13:30: minutes after midnight, or BadTime."""
    if not text.strip():
        raise BadTime(f"Enter the {what}, e.g. 9:30 or 1:30pm.")
    minute = parse_time_of_day(text)
    if minute is None:
        raise BadTime(f"'{echo(text)}' is not a time of day; write the {what} as 9:30am.")
    return minute


def read_number(text: str, what: str, *, required: bool = True) -> int | None:
    """A whole number typed into a field (None when left empty and not required)."""
    raw = text.strip()
    if not raw:
        if required:
            raise Invalid(f"Enter the {what}.")
        return None
    if not re.fullmatch(r"[0-9]{1,6}", raw, re.ASCII):
        raise Invalid(f"'{echo(text)}' is not a whole number; enter the {what} in digits.")
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
            raise Invalid(f"No column of the book is headed '{echo(heading)}'.")
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
