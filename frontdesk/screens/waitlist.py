"""The waitlist (ASAP list): who wants an earlier slot, for what, with whom and when; add a
patient, take one off with a reason, or book one (find next available, then the booking
form). The book offers matching entries itself when a slot opens."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Select, Static

from frontdesk.data.models import AppointmentType, Resource, WaitlistEntry
from frontdesk.errors import FrontDeskError
from frontdesk.screens.book_dialogs import PARTS
from frontdesk.screens.booking import start_booking
from frontdesk.services import schedule, visit_types, waitlist
from frontdesk.widgets.dialogs import AskDialog
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow, fit, plain
from frontdesk.widgets.patient_picker import PatientPicker, chosen_text

__all__ = ["WaitlistForm", "WaitlistScreen"]

_PART_WORDS = {"any": "any time", "morning": "morning", "afternoon": "afternoon"}
#: How far ahead the "latest" date starts when adding someone.
_DEFAULT_DAYS = 30
_ANYONE = 0  # the "With" choice for no preference
# Column widths that keep all but the notes on an 80-column terminal.
_PATIENT_WIDTH = 16
_TYPE_WIDTH = 14


def _takes(kind: AppointmentType | None, resource: Resource) -> bool:
    return kind is None or visit_types.takes(kind, resource)


class WaitlistForm(ModalScreen[WaitlistEntry | None]):
    """Put a patient on the waitlist: the patient (picker), then type, with whom, the
    dates, the time of day and notes."""

    CSS_PATH = "waitlist.tcss"
    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "cancel", "Cancel")]

    def __init__(self) -> None:
        super().__init__()
        self.patient_id: int | None = None

    def compose(self) -> ComposeResult:
        desk = self.app.desk
        self._types = visit_types.list_types(desk)
        self._resources = schedule.list_resources(desk)
        today = self.app.clock.business_date()
        with VerticalScroll(id="wlf"):
            yield Static("Add to the waitlist", classes="card-title")
            yield ErrorLine(id="wlf-error")
            yield PatientPicker(id="wlf-picker")
            yield Static("", id="wlf-patient", markup=False)
            with Vertical(id="wlf-fields"):
                yield FormRow(
                    "Type",
                    Choice(
                        [(f"{t.name} ({t.minutes} min)", t.id) for t in self._types],
                        allow_blank=False,
                        id="wlf-type",
                    ),
                )
                yield FormRow(
                    "With",
                    Choice(
                        self._with_options(self._first_type()), allow_blank=False, id="wlf-with"
                    ),
                )
                yield FormRow(
                    "Earliest",
                    Field(f"{today:%m/%d/%Y}", id="wlf-earliest", max_length=10),
                )
                latest = today + dt.timedelta(days=_DEFAULT_DAYS)
                yield FormRow("Latest", Field(f"{latest:%m/%d/%Y}", id="wlf-latest", max_length=10))
                yield FormRow("Time of day", Choice(PARTS, allow_blank=False, id="wlf-time"))
                yield FormRow("Notes", Field(id="wlf-notes", max_length=200))
            yield Static("Enter: next field   Ctrl+S: save   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#pp-query", Input).focus()

    def _first_type(self) -> AppointmentType | None:
        return self._types[0] if self._types else None

    def _with_options(self, kind: AppointmentType | None) -> list[tuple[str, int]]:
        return [("Anyone who takes it", _ANYONE)] + [
            (r.name, r.id) for r in self._resources if _takes(kind, r)
        ]

    @on(PatientPicker.Picked)
    def _picked(self, event: PatientPicker.Picked) -> None:
        self.patient_id = event.match.id
        self.query_one("#wlf-patient", Static).update(chosen_text(event.match))
        self.query_one("#wlf-type").focus()

    @on(Select.Changed, "#wlf-type")
    def _type_changed(self, event: Select.Changed) -> None:
        kind = next((t for t in self._types if t.id == event.value), None)
        choice = self.query_one("#wlf-with", Choice)
        current = choice.value
        options = self._with_options(kind)
        choice.set_options(options)
        choice.value = current if current in [v for _, v in options] else _ANYONE

    @on(Input.Submitted, "#wlf-fields Input")
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "wlf-notes":
            self.action_save()
        else:
            self.focus_next()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def action_save(self) -> None:
        error_line = self.query_one("#wlf-error", ErrorLine)
        if self.patient_id is None:
            error_line.show("Pick the patient first: type a name, phone or birth date.")
            self.query_one("#pp-query", Input).focus()
            return
        type_id = self.query_one("#wlf-type", Choice).value
        with_id = self.query_one("#wlf-with", Choice).value
        if not isinstance(type_id, int):
            error_line.show("Choose the appointment type.")
            return
        try:
            entry = waitlist.add_to_waitlist(
                self.app.desk,
                self.patient_id,
                type_id,
                with_id if isinstance(with_id, int) and with_id != _ANYONE else None,
                self._value("wlf-earliest"),
                self._value("wlf-latest"),
                str(self.query_one("#wlf-time", Choice).value),
                self._value("wlf-notes"),
            )
        except FrontDeskError as error:
            error_line.show(error)
            return
        self.dismiss(entry)

    def action_cancel(self) -> None:
        self.dismiss(None)


class WaitlistScreen(Screen[None]):
    """The patients still waiting, soonest wanted first."""

    TITLE = "Waitlist"
    CSS_PATH = "waitlist.tcss"
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("b", "book", "Book"),
        Binding("x", "remove", "Remove"),
        Binding("escape", "app.back", "Back"),
    ]
    AUTO_FOCUS = "#wl-table"

    def __init__(self) -> None:
        super().__init__()
        self._shown: list[WaitlistEntry] = []

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="wl"):
            yield Static("Waitlist", id="wl-title", classes="card-title")
            table: DataTable[str] = DataTable(id="wl-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Patient", "Type", "With", "Dates", "Time", "Since", "Notes")
            yield table
            yield Static("", id="wl-detail", markup=False)
        yield Footer()

    def on_screen_resume(self) -> None:
        # Also when first shown, and after a booking made from here.
        self.refresh_list()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Providers and clinical staff read the list; the keys that change it are hidden.
        if action in ("add", "remove", "book"):
            actor = self.app.actor
            return actor is not None and actor.role in waitlist.WRITE_ROLES
        return True

    def refresh_list(self, select_id: int | None = None) -> None:
        """Read the list again, keeping the cursor on the same entry (or row)."""
        try:
            self._shown = waitlist.list_waitlist(self.app.desk)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        table = self.query_one("#wl-table", DataTable)
        keep = select_id if select_id is not None else self._selected_id()
        row = table.cursor_row
        table.clear()
        today = self.app.clock.business_date()
        for entry in self._shown:
            dates = f"{entry.earliest:%m/%d}-{entry.latest:%m/%d}"
            if entry.latest < today:
                dates += " past"
            table.add_row(
                *plain(
                    fit(entry.patient_name, _PATIENT_WIDTH),
                    fit(entry.type_name, _TYPE_WIDTH),
                    entry.resource_name or "anyone",
                    dates,
                    _PART_WORDS[entry.time_of_day],
                    self.app.clock.local(entry.created_at).format("MM/DD")
                    if entry.created_at
                    else "",
                    entry.notes,
                ),
                key=str(entry.id),
            )
        ids = [e.id for e in self._shown]
        if keep in ids:
            row = ids.index(keep)
        if ids:
            table.move_cursor(row=min(row, len(ids) - 1))
        waiting = len(ids)
        self.query_one("#wl-title", Static).update(
            f"Waitlist: {waiting} waiting" if waiting else "Waitlist: nobody waiting (a: add)"
        )
        self._show_detail()

    def _selected_id(self) -> int | None:
        entry = self._selected()
        return entry.id if entry else None

    def _selected(self) -> WaitlistEntry | None:
        table = self.query_one("#wl-table", DataTable)
        if not self._shown or not 0 <= table.cursor_row < len(self._shown):
            return None
        return self._shown[table.cursor_row]

    @on(DataTable.RowHighlighted, "#wl-table")
    def _show_detail(self) -> None:
        entry = self._selected()
        detail = self.query_one("#wl-detail", Static)
        if entry is None:
            detail.update("")
            return
        parts = [entry.patient_name, entry.phone or "no phone", f"{entry.minutes} min"]
        if entry.created_at:
            parts.append(f"waiting since {self.app.clock.local(entry.created_at):MM/DD/YYYY}")
        if entry.notes:
            parts.append(entry.notes)
        detail.update("  ·  ".join(parts))

    def _selected_or_say(self) -> WaitlistEntry | None:
        entry = self._selected()
        if entry is None:
            self.app.show_error("Nobody is on the waitlist.")
        return entry

    # -- actions ---------------------------------------------------------------------------

    def action_add(self) -> None:
        if not visit_types.list_types(self.app.desk):
            self.app.show_error("There are no appointment types yet: a manager adds them (F8).")
            return

        def added(entry: WaitlistEntry | None) -> None:
            if entry is not None:
                self.refresh_list(select_id=entry.id)
                self.app.notify(
                    f"{entry.patient_name} is on the waitlist for {entry.type_name}.",
                    timeout=4,
                    markup=False,
                )

        self.app.push_screen(WaitlistForm(), added)

    def action_remove(self) -> None:
        entry = self._selected_or_say()
        if entry is None:
            return
        desk = self.app.desk

        def removed(result: object) -> None:
            if result is not None:
                self.refresh_list()
                self.app.notify(
                    f"{entry.patient_name} is off the waitlist.", timeout=4, markup=False
                )

        self.app.push_screen(
            AskDialog(
                f"Take {entry.patient_name} off the waitlist",
                "Reason",
                lambda reason: waitlist.remove_from_waitlist(desk, entry.id, reason),
            ),
            removed,
        )

    def action_book(self) -> None:
        entry = self._selected_or_say()
        if entry is None:
            return
        start_booking(
            self.app,
            patient_id=entry.patient_id,
            type_id=entry.type_id,
            resource_id=entry.resource_id,
            waitlist_id=entry.id,
            part=entry.time_of_day,
            since=entry.earliest,
        )
