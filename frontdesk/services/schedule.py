"""The book's frame, kept by a manager: resources (its columns), weekly hours, single-day
exceptions, practice closed days, blocks, and appointment types.

Hours are wall-clock minutes after local midnight, so a 9:00 start stays 9:00 on both
sides of a DST change; blocks are UTC instants like appointments.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import TYPE_CHECKING

from frontdesk.data.clock import clock_text, day_bounds, from_stored, parse_time_of_day, to_stored
from frontdesk.data.db import write
from frontdesk.data.models import (
    BLOCK_KINDS,
    ROLES,
    AppointmentType,
    Block,
    ClosedDay,
    HoursException,
    Resource,
)
from frontdesk.errors import BadTime, Conflict, Invalid, NotFound
from frontdesk.services import audit
from frontdesk.services.fields import one_line

if TYPE_CHECKING:
    import arrow

    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.services.context import Desk

__all__ = [
    "COLOURS",
    "WEEKDAYS",
    "add_block",
    "block_span",
    "close_day",
    "closed_day",
    "day_hours",
    "get_resource",
    "get_type",
    "hours_text",
    "list_blocks",
    "list_closed_days",
    "list_exceptions",
    "list_resources",
    "list_types",
    "parse_hours",
    "remove_block",
    "remove_day_hours",
    "reopen_day",
    "save_resource",
    "save_type",
    "set_day_hours",
    "set_resource_active",
    "set_type_active",
    "set_weekly_hours",
    "weekly_hours",
]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Appointment colours: names the theme maps to 256-colour-safe shades.
COLOURS = ("blue", "green", "purple", "orange", "teal", "pink", "yellow", "grey")
Intervals = list[tuple[int, int]]


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
    """Add a resource (no `resource_id`) or change one; manager only, audited. Names are
    unique; the short name (the column heading) defaults to the first 14 characters."""
    desk.require_manager("change the book's providers and rooms")
    name = one_line(name, "name", max_length=40, required=True)
    short_name = one_line(short_name, "column heading", max_length=14) or name[:14].strip()
    if kind not in ("provider", "room"):
        raise Invalid("A resource is a provider or a room.")
    now = desk.clock.stamp()
    with write(desk.db):
        clash = desk.db.execute(
            "SELECT id FROM resources WHERE name = ? AND id IS NOT ?", (name, resource_id)
        ).fetchone()
        if clash:
            raise Conflict(f"There is already a provider or room named '{name}'.")
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
            desk.db.execute(
                "UPDATE resources SET name = ?, short_name = ?, kind = ?, staff_id = ?,"
                " sort_order = ?, updated_at = ? WHERE id = ?",
                (name, short_name, kind, staff_id, sort_order, now, resource_id),
            )
            audit.record(desk, "resource changed", "resources", resource_id, kind)
    return get_resource(desk, resource_id)


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
    that do not overlap; Invalid saying what is wrong otherwise."""
    raw = text.strip().lower()
    if raw in ("", "off", "closed", "-"):
        return []
    stretches: Intervals = []
    for part in re.split(r"[,;]", raw):
        pieces = re.split(r"\s*(?:-|\u2013|to)\s*", part.strip())
        if len(pieces) != 2:
            raise Invalid(f"'{part.strip()}' is not a stretch of hours; write 8:00-12:00.")
        start, end = (parse_time_of_day(piece) for piece in pieces)
        if start is None or end is None:
            raise Invalid(f"'{part.strip()}' has a time that is not a time of day.")
        if end == 0:
            end = 1440
        if end <= start:
            raise BadTime(f"'{part.strip()}' ends before it starts.")
        stretches.append((start, end))
    stretches.sort()
    for (_, first_end), (second_start, _) in itertools.pairwise(stretches):
        if second_start < first_end:
            raise Invalid("Those hours overlap each other.")
    return stretches


def hours_text(stretches: Intervals) -> str:
    """Stretches as the desk reads them: '8:00am-12:00pm, 1:00pm-5:00pm' or 'off'."""
    if not stretches:
        return "off"
    return ", ".join(f"{clock_text(start)}-{clock_text(end)}" for start, end in stretches)


def weekly_hours(desk: Desk, resource_id: int) -> dict[int, Intervals]:
    """A resource's weekly template: weekday (0 = Monday) -> stretches."""
    template: dict[int, Intervals] = {day: [] for day in range(7)}
    for row in desk.db.query(
        "SELECT weekday, start_minute, end_minute FROM resource_hours WHERE resource_id = ?"
        " ORDER BY weekday, start_minute",
        (resource_id,),
    ):
        template[row["weekday"]].append((row["start_minute"], row["end_minute"]))
    return template


def set_weekly_hours(desk: Desk, resource_id: int, weekday: int, stretches: Intervals) -> None:
    """Replace one weekday of a resource's template (manager only, audited)."""
    desk.require_manager("change working hours")
    if not 0 <= weekday <= 6:
        raise Invalid("Choose a weekday.")
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


def set_day_hours(
    desk: Desk, resource_id: int, day: dt.date, stretches: Intervals, note: str = ""
) -> None:
    """Give a resource different hours on one date (no stretches: a day off); replaces an
    earlier exception for that date. Manager only, audited."""
    desk.require_manager("change working hours")
    note = one_line(note, "note", max_length=80)
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
    """Single-day hours from `since` on, by date."""
    return [
        HoursException(**row)
        for row in desk.db.query(
            "SELECT id, resource_id, day, start_minute, end_minute, note FROM hours_exceptions"
            " WHERE day >= ? ORDER BY day, resource_id, start_minute",
            (since.isoformat(),),
        )
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
        audit.record(desk, "day closed to bookings", "closed_days", None, f"{day}: {reason}")


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
    return [
        ClosedDay(**row)
        for row in desk.db.query(
            "SELECT day, reason FROM closed_days WHERE day >= ? ORDER BY day",
            (since.isoformat(),),
        )
    ]


# -- blocks ------------------------------------------------------------------------------


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
    appointments. Manager only, audited."""
    desk.require_manager("block time on the book")
    if kind not in BLOCK_KINDS:
        raise Invalid(f"A block is one of: {', '.join(BLOCK_KINDS)}.")
    if ends <= starts:
        raise BadTime("A block must end after it starts.")
    note = one_line(note, "note", max_length=60)
    start, end = to_stored(starts), to_stored(ends)
    with write(desk.db):
        resource = get_resource(desk, resource_id)
        if not resource.active:
            raise Conflict(f"{resource.name} is no longer on the book.")
        (booked,) = desk.db.execute(
            "SELECT count(*) FROM appointments WHERE resource_id = ? AND starts_at < ?"
            " AND ends_at > ? AND status NOT IN ('cancelled', 'no_show')",
            (resource_id, end, start),
        ).fetchone()
        if booked:
            raise Conflict(
                f"{booked} appointment(s) are booked on {resource.name} in that time; move "
                "or cancel them first."
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


def _staff_id(desk: Desk) -> int | None:
    return desk.actor.staff_id if desk.actor else None


# -- appointment types -------------------------------------------------------------------


_TYPE_COLUMNS = (
    "id, name, minutes, colour, cosmetic, needs_room, double_book, default_fee_codes,"
    " recall_months, recall_kind, active"
)


def _types(db: FrontDeskDatabase, where: str, params: tuple = ()) -> list[AppointmentType]:
    allowed: dict[int, list[int]] = {}
    for type_id, resource_id in db.execute(
        "SELECT type_id, resource_id FROM appointment_type_resources ORDER BY resource_id"
    ):
        allowed.setdefault(type_id, []).append(resource_id)
    return [
        AppointmentType(**row, resource_ids=tuple(allowed.get(row["id"], ())))
        for row in db.query(
            f"SELECT {_TYPE_COLUMNS} FROM appointment_types {where} ORDER BY name", params
        )
    ]


def list_types(desk: Desk, *, include_inactive: bool = False) -> list[AppointmentType]:
    """Appointment types by name."""
    desk.require_role(ROLES, "see the appointment book")
    return _types(desk.db, "" if include_inactive else "WHERE active = 1")


def get_type(desk: Desk, type_id: int) -> AppointmentType:
    """One appointment type, or NotFound."""
    found = _types(desk.db, "WHERE id = ?", (type_id,))
    if not found:
        raise NotFound("That appointment type does not exist.")
    return found[0]


def save_type(
    desk: Desk,
    *,
    name: str,
    minutes: int,
    colour: str = "blue",
    cosmetic: bool = False,
    needs_room: bool = False,
    double_book: bool = False,
    default_fee_codes: str = "",
    recall_months: int | None = None,
    recall_kind: str = "",
    resource_ids: tuple[int, ...] = (),
    type_id: int | None = None,
) -> AppointmentType:
    """Add (no `type_id`) or change an appointment type. A type that needs a room is
    booked on a room; `resource_ids` limits which resources take it (none: any).
    Manager only, audited."""
    desk.require_manager("change appointment types")
    name = one_line(name, "type's name", max_length=40, required=True)
    if not 5 <= minutes <= 480 or minutes % 5:
        raise Invalid("A length is 5 to 480 minutes, in steps of 5.")
    if colour not in COLOURS:
        raise Invalid(f"Choose a colour: {', '.join(COLOURS)}.")
    codes = one_line(default_fee_codes, "fee codes", max_length=80)
    recall_kind = one_line(recall_kind, "recall", max_length=40)
    if recall_months is not None and not 1 <= recall_months <= 60:
        raise Invalid("A recall is 1 to 60 months after the visit.")
    if recall_months and not recall_kind:
        recall_kind = name
    now = desk.clock.stamp()
    with write(desk.db):
        if desk.db.execute(
            "SELECT 1 FROM appointment_types WHERE name = ? AND id IS NOT ?", (name, type_id)
        ).fetchone():
            raise Conflict(f"There is already an appointment type named '{name}'.")
        for resource_id in resource_ids:
            resource = get_resource(desk, resource_id)
            if needs_room and resource.kind != "room":
                raise Invalid(f"{name} needs a room, and {resource.name} is not a room.")
        values = (
            name,
            minutes,
            colour,
            int(cosmetic),
            int(needs_room),
            int(double_book),
            codes,
            recall_months,
            recall_kind,
        )
        if type_id is None:
            type_id = desk.db.execute(
                "INSERT INTO appointment_types (name, minutes, colour, cosmetic, needs_room,"
                " double_book, default_fee_codes, recall_months, recall_kind, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, now, now),
            ).lastrowid
            audit.record(desk, "appointment type added", "appointment_types", type_id)
        else:
            get_type(desk, type_id)
            desk.db.execute(
                "UPDATE appointment_types SET name = ?, minutes = ?, colour = ?, cosmetic = ?,"
                " needs_room = ?, double_book = ?, default_fee_codes = ?, recall_months = ?,"
                " recall_kind = ?, updated_at = ? WHERE id = ?",
                (*values, now, type_id),
            )
            desk.db.execute("DELETE FROM appointment_type_resources WHERE type_id = ?", (type_id,))
            audit.record(desk, "appointment type changed", "appointment_types", type_id)
        desk.db.conn.executemany(
            "INSERT INTO appointment_type_resources (type_id, resource_id) VALUES (?, ?)",
            [(type_id, resource_id) for resource_id in sorted(set(resource_ids))],
        )
    return get_type(desk, type_id)


def set_type_active(desk: Desk, type_id: int, active: bool) -> AppointmentType:
    """Stop offering a type (booked ones keep it) or offer it again."""
    desk.require_manager("change appointment types")
    with write(desk.db):
        kind = get_type(desk, type_id)
        if kind.active == active:
            raise Conflict(f"{kind.name} is already {'offered' if active else 'retired'}.")
        desk.db.execute(
            "UPDATE appointment_types SET active = ?, updated_at = ? WHERE id = ?",
            (int(active), desk.clock.stamp(), type_id),
        )
        audit.record(
            desk,
            "appointment type " + ("restored" if active else "retired"),
            "appointment_types",
            type_id,
        )
    return get_type(desk, type_id)


def block_span(block: Block, tz: str) -> str:
    """A block's time as the desk reads it."""
    start = from_stored(block.starts_at).to(tz).datetime
    end = from_stored(block.ends_at).to(tz).datetime
    if start.date() == end.date():
        return f"{start:%a %m/%d} {clock_text(start.hour * 60 + start.minute)}-" + clock_text(
            end.hour * 60 + end.minute
        )
    return f"{start:%a %m/%d} - {end:%a %m/%d}"
