"""Book setup, first two tabs: the book's columns (providers and rooms) and their weekly
hours."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.data.models import Resource
from frontdesk.errors import FrontDeskError
from frontdesk.screens.book_setup_pane import HOURS_HINT, Row, SetupForm, SetupPane
from frontdesk.services import accounts, schedule, working_hours
from frontdesk.widgets.form import Choice, Field, FormRow, plain

__all__ = ["ColumnForm", "ColumnsPane", "HoursDialog", "HoursPane"]

_NO_STAFF = 0  # the Choice's value for "not linked to a login"


class ColumnForm(SetupForm[Resource | None]):
    """Add a provider or room, or change one's name, heading, kind, login and order."""

    def __init__(self, resource: Resource | None = None) -> None:
        super().__init__("New provider or room" if resource is None else f"Edit {resource.name}")
        self._resource = resource

    def fields(self) -> Iterable[Widget]:
        resource = self._resource
        staff = accounts.list_staff(self.app.desk, include_inactive=False)
        linked = resource.staff_id if resource and resource.staff_id else _NO_STAFF
        options = [("not linked", _NO_STAFF)] + [
            (f"{m.full_name} ({m.username})", m.id) for m in staff
        ]
        if linked not in [value for _, value in options]:
            options.append((f"staff #{linked} (inactive)", linked))
        yield FormRow("Name", Field(resource.name if resource else "", id="bs-col-name"))
        yield FormRow(
            "Column heading",
            Field(
                resource.short_name if resource else "",
                placeholder="blank: the name's first 14 letters",
                max_length=14,
                id="bs-col-heading",
            ),
        )
        yield FormRow(
            "Kind",
            Choice(
                (("provider", "provider"), ("room", "room")),
                allow_blank=False,
                value=resource.kind if resource else "provider",
                id="bs-col-kind",
            ),
        )
        yield FormRow(
            "Linked login", Choice(options, allow_blank=False, value=linked, id="bs-col-staff")
        )
        yield FormRow(
            "Order (0-99)",
            Field(
                str(resource.sort_order) if resource else "",
                placeholder="blank: last",
                restrict=r"[0-9]*",
                max_length=2,
                id="bs-col-order",
            ),
        )

    def save(self) -> Resource:
        desk = self.app.desk
        order = schedule.read_number(self.value("bs-col-order"), "order", required=False)
        if order is None:
            order = max((r.sort_order for r in schedule.list_resources(desk)), default=-1) + 1
        staff_id = self.choice("bs-col-staff")
        return schedule.save_resource(
            desk,
            name=self.value("bs-col-name"),
            short_name=self.value("bs-col-heading"),
            kind=self.choice("bs-col-kind"),
            staff_id=staff_id or None,
            sort_order=order,
            resource_id=self._resource.id if self._resource else None,
        )


class ColumnsPane(SetupPane):
    """Providers and rooms: the book's columns, in their order, with those taken off."""

    COLUMNS = ("Order", "Heading", "Name", "Kind", "Linked login", "On the book")
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "take_off", "Take off"),
        Binding("r", "put_back", "Put back"),
    ]

    def rows(self) -> list[Row]:
        desk = self.app.desk
        names = {m.id: m.full_name for m in accounts.list_staff(desk)}
        resources = schedule.list_resources(desk, include_inactive=True)
        self.caption("The book's columns: Enter or e edits, a adds, d takes one off the book.")
        return [
            (
                str(r.id),
                (
                    r.sort_order,
                    r.short_name,
                    r.name,
                    r.kind,
                    names.get(r.staff_id, "") if r.staff_id else "",
                    "yes" if r.active else "taken off",
                ),
            )
            for r in resources
        ]

    def _selected(self) -> Resource | None:
        key = self.selected_or_say("provider or room")
        if key is None:
            return None
        try:
            return schedule.get_resource(self.app.desk, int(key))
        except FrontDeskError as error:
            self.app.show_error(error)
            return None

    def _changed(self, saved: Resource | None, verb: str) -> None:
        if saved is not None:
            self.refresh_list(select=str(saved.id))
            self.app.notify(f"{verb} {saved.name}.", timeout=4, markup=False)
            self.screen.columns_changed()

    def action_add(self) -> None:
        self.app.push_screen(ColumnForm(), lambda saved: self._changed(saved, "Added"))

    def action_edit(self) -> None:
        resource = self._selected()
        if resource is not None:
            self.app.push_screen(ColumnForm(resource), lambda saved: self._changed(saved, "Saved"))

    @on(DataTable.RowSelected)
    def _enter(self) -> None:
        self.action_edit()

    def action_take_off(self) -> None:
        resource = self._selected()
        if resource is None:
            return

        def take_off() -> None:
            if self.attempt(
                lambda: schedule.set_resource_active(self.app.desk, resource.id, False),
                f"{resource.name} is off the book; its history stays.",
                str(resource.id),
            ):
                self.screen.columns_changed()

        self.confirm(
            "Take off the book",
            f"Take {resource.name} off the book? Nothing more can be booked in the column; "
            "its history stays.",
            "Take off",
            take_off,
        )

    def action_put_back(self) -> None:
        resource = self._selected()
        if resource is not None and self.attempt(
            lambda: schedule.set_resource_active(self.app.desk, resource.id, True),
            f"{resource.name} is back on the book.",
            str(resource.id),
        ):
            self.screen.columns_changed()


class HoursDialog(SetupForm[int | None]):
    """One weekday of one column's weekly hours, typed as stretches or 'off'."""

    def __init__(self, resource: Resource, weekday: int, current: str) -> None:
        super().__init__(f"{resource.short_name}: {schedule.WEEKDAYS[weekday]} hours")
        self._resource, self._weekday, self._current = resource, weekday, current

    def fields(self) -> Iterable[Widget]:
        yield FormRow("Hours", Field(self._current, max_length=80, id="bs-hours-text"))
        yield Static(HOURS_HINT, classes="bs-form-note")

    def save(self) -> int:
        stretches = working_hours.parse_hours(self.value("bs-hours-text"))
        return working_hours.set_weekly_hours(
            self.app.desk, self._resource.id, self._weekday, stretches
        )


class HoursPane(Vertical):
    """Weekly hours: the columns on the left, the chosen one's week on the right."""

    BINDINGS = [Binding("e", "edit", "Edit day")]

    def __init__(self) -> None:
        super().__init__(id="bs-hours", classes="bs-pane")
        self._resources: list[Resource] = []

    def compose(self) -> ComposeResult:
        yield Static(
            "Choose a column, Enter, then e (or Enter) on a weekday to change its hours.",
            classes="bs-caption",
        )
        with Horizontal(id="bs-hours-body"):
            yield OptionList(id="bs-hours-columns")
            table: DataTable[str] = DataTable(id="bs-hours-table", cursor_type="row")
            table.add_columns("Weekday", "Hours")
            yield table

    def on_mount(self) -> None:
        self.load_columns()

    def load_columns(self) -> None:
        """Reload the list of columns (after one is added or taken off)."""
        columns = self.query_one("#bs-hours-columns", OptionList)
        chosen = self.resource
        try:
            self._resources = schedule.list_resources(self.app.desk)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        columns.clear_options()
        columns.add_options(Option(r.short_name, id=str(r.id)) for r in self._resources)
        ids = [r.id for r in self._resources]
        columns.highlighted = ids.index(chosen.id) if chosen and chosen.id in ids else 0
        self.show_week()

    @property
    def resource(self) -> Resource | None:
        if not self._resources:
            return None
        index = self.query_one("#bs-hours-columns", OptionList).highlighted
        return self._resources[index] if index is not None else None

    def show_week(self) -> None:
        table = self.query_one("#bs-hours-table", DataTable)
        resource = self.resource
        row = table.cursor_row
        table.clear()
        if resource is None:
            return
        week = working_hours.weekly_hours(self.app.desk, resource.id)
        for weekday, name in enumerate(schedule.WEEKDAYS):
            table.add_row(*plain(name, working_hours.hours_text(week[weekday])), key=str(weekday))
        table.move_cursor(row=row)

    @on(OptionList.OptionHighlighted, "#bs-hours-columns")
    def _column(self) -> None:
        self.show_week()

    @on(OptionList.OptionSelected, "#bs-hours-columns")
    def _to_week(self) -> None:
        self.query_one("#bs-hours-table").focus()

    @on(DataTable.RowSelected, "#bs-hours-table")
    def _enter(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        resource = self.resource
        if resource is None:
            self.app.show_error("Add a provider or room first.")
            return
        table = self.query_one("#bs-hours-table", DataTable)
        weekday = table.cursor_row
        current = str(table.get_row_at(weekday)[1])

        def saved(outside: int | None) -> None:
            if outside is None:
                return
            self.show_week()
            day = schedule.WEEKDAYS[weekday]
            message = f"Saved {resource.short_name}'s {day} hours."
            if outside:
                message += f" {outside} booked appointment(s) now fall outside them."
            self.app.notify(message, timeout=6, markup=False)

        self.app.push_screen(HoursDialog(resource, weekday, current), saved)
