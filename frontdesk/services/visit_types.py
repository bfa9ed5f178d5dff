"""Appointment types: length, colour, cosmetic or medical, whether they need a room,
which columns take them, double-booking, and the recall a visit sets up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.data.db import write
from frontdesk.data.models import ROLES, AppointmentType, Resource
from frontdesk.errors import Conflict, Invalid, NotFound
from frontdesk.services import audit
from frontdesk.services.fields import one_line
from frontdesk.services.schedule import COLOURS, get_resource

if TYPE_CHECKING:
    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.services.context import Desk

__all__ = [
    "get_type",
    "list_types",
    "require_taken",
    "save_type",
    "set_type_active",
    "takes",
]


_TYPE_COLUMNS = (
    "id, name, minutes, colour, cosmetic, needs_room, double_book, default_fee_codes,"
    " recall_months, recall_kind, active"
)


def takes(kind: AppointmentType, resource: Resource) -> bool:
    """Whether `resource`'s column may be booked with `kind`: a type that needs a room goes
    in a room, and a type that lists its columns goes only in those."""
    if kind.needs_room and resource.kind != "room":
        return False
    return not kind.resource_ids or resource.id in kind.resource_ids


def require_taken(kind: AppointmentType, resource: Resource) -> None:
    """Invalid, saying why, when `resource`'s column does not take `kind` (see `takes`)."""
    if kind.needs_room and resource.kind != "room":
        raise Invalid(f"{kind.name} needs a room; choose a room's column.")
    if not takes(kind, resource):
        raise Invalid(f"{resource.name} does not take {kind.name}.")


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
    if not recall_months:
        recall_months, recall_kind = None, ""  # no recall: its name would mean nothing
    elif not recall_kind:
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
