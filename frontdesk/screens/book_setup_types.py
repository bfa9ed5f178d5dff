"""Book setup, last tab: appointment types (length, colour, cosmetic or medical, room,
double-booking, recall, and which columns take them)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Static

from frontdesk.data.models import AppointmentType
from frontdesk.errors import FrontDeskError
from frontdesk.screens.book_setup_pane import Row, SetupForm, SetupPane
from frontdesk.services import schedule, visit_types
from frontdesk.widgets.form import Choice, Field, FormRow

__all__ = ["TypeForm", "TypesPane"]

_NO_YES = (("no", False), ("yes", True))


class TypeForm(SetupForm[AppointmentType | None]):
    """Add an appointment type or change one; its columns typed as headings."""

    def __init__(self, kind: AppointmentType | None = None) -> None:
        super().__init__("New appointment type" if kind is None else f"Edit {kind.name}")
        self._kind = kind

    def fields(self) -> Iterable[Widget]:
        kind = self._kind
        resources = schedule.list_resources(self.app.desk, include_inactive=True)
        columns = schedule.headings_text(resources, kind.resource_ids) if kind else "any"
        yield FormRow("Name", Field(kind.name if kind else "", max_length=40, id="bs-type-name"))
        yield FormRow(
            "Minutes",
            Field(
                str(kind.minutes) if kind else "",
                placeholder="5 to 480, steps of 5",
                restrict=r"[0-9]*",
                max_length=3,
                id="bs-type-minutes",
            ),
        )
        yield FormRow(
            "Colour",
            Choice(
                ((c, c) for c in schedule.COLOURS),
                allow_blank=False,
                value=kind.colour if kind and kind.colour in schedule.COLOURS else "blue",
                id="bs-type-colour",
            ),
        )
        yield FormRow(
            "Medical/cosmetic",
            Choice(
                (("medical", False), ("cosmetic", True)),
                allow_blank=False,
                value=kind.cosmetic if kind else False,
                id="bs-type-cosmetic",
            ),
        )
        yield FormRow(
            "Needs a room",
            Choice(
                _NO_YES,
                allow_blank=False,
                value=kind.needs_room if kind else False,
                id="bs-type-room",
            ),
        )
        yield FormRow(
            "Double-book",
            Choice(
                _NO_YES,
                allow_blank=False,
                value=kind.double_book if kind else False,
                id="bs-type-double",
            ),
        )
        yield FormRow(
            "Fee codes",
            Field(kind.default_fee_codes if kind else "", max_length=80, id="bs-type-fees"),
        )
        yield FormRow(
            "Recall (months)",
            Field(
                str(kind.recall_months) if kind and kind.recall_months else "",
                placeholder="blank: no recall",
                restrict=r"[0-9]*",
                max_length=2,
                id="bs-type-recall",
            ),
        )
        yield FormRow(
            "Recall name",
            Field(
                kind.recall_kind if kind else "",
                placeholder="blank: the type's name",
                max_length=40,
                id="bs-type-recall-kind",
            ),
        )
        yield FormRow("Columns", Field(columns, max_length=200, id="bs-type-columns"))
        yield Static(
            "Columns: headings with commas (Dr Vargas, Laser room), or any.",
            classes="bs-form-note",
        )

    def save(self) -> AppointmentType:
        desk = self.app.desk
        minutes = schedule.read_number(self.value("bs-type-minutes"), "length in minutes")
        recall = schedule.read_number(self.value("bs-type-recall"), "recall", required=False)
        columns = schedule.resources_from_headings(desk, self.value("bs-type-columns"))
        return visit_types.save_type(
            desk,
            name=self.value("bs-type-name"),
            minutes=minutes or 0,
            colour=self.choice("bs-type-colour"),
            cosmetic=bool(self.choice("bs-type-cosmetic")),
            needs_room=bool(self.choice("bs-type-room")),
            double_book=bool(self.choice("bs-type-double")),
            default_fee_codes=self.value("bs-type-fees"),
            recall_months=recall,
            recall_kind=self.value("bs-type-recall-kind"),
            resource_ids=columns,
            type_id=self._kind.id if self._kind else None,
        )


class TypesPane(SetupPane):
    """Every appointment type, those retired too."""

    COLUMNS = ("Name", "Min", "Colour", "Kind", "Room", "Dbl", "Recall", "Offered", "Columns")
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "retire", "Retire"),
        Binding("r", "restore", "Restore"),
    ]

    def rows(self) -> list[Row]:
        desk = self.app.desk
        resources = schedule.list_resources(desk, include_inactive=True)
        self.caption("Appointment types: Enter or e edits, a adds, d retires, r restores.")
        return [
            (
                str(t.id),
                (
                    t.name,
                    t.minutes,
                    t.colour,
                    "cosmetic" if t.cosmetic else "medical",
                    "room" if t.needs_room else "",
                    "yes" if t.double_book else "",
                    f"{t.recall_months} mo" if t.recall_months else "",
                    "yes" if t.active else "retired",
                    schedule.headings_text(resources, t.resource_ids),
                ),
            )
            for t in visit_types.list_types(desk, include_inactive=True)
        ]

    def _selected(self) -> AppointmentType | None:
        key = self.selected_or_say("appointment type")
        if key is None:
            return None
        try:
            return visit_types.get_type(self.app.desk, int(key))
        except FrontDeskError as error:
            self.app.show_error(error)
            return None

    def _saved(self, kind: AppointmentType | None, verb: str) -> None:
        if kind is not None:
            self.refresh_list(select=str(kind.id))
            self.app.notify(f"{verb} {kind.name}.", timeout=4, markup=False)

    def action_add(self) -> None:
        self.app.push_screen(TypeForm(), lambda kind: self._saved(kind, "Added"))

    def action_edit(self) -> None:
        kind = self._selected()
        if kind is not None:
            self.app.push_screen(TypeForm(kind), lambda saved: self._saved(saved, "Saved"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_retire(self) -> None:
        kind = self._selected()
        if kind is None:
            return
        self.confirm(
            "Retire an appointment type",
            f"Stop offering {kind.name}? Appointments already booked keep it.",
            "Retire",
            lambda: self.attempt(
                lambda: visit_types.set_type_active(self.app.desk, kind.id, False),
                f"{kind.name} is retired.",
            ),
        )

    def action_restore(self) -> None:
        kind = self._selected()
        if kind is not None:
            self.attempt(
                lambda: visit_types.set_type_active(self.app.desk, kind.id, True),
                f"{kind.name} is offered again.",
            )
