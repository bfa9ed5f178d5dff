"""The appointment book's smaller dialogs: what to do with an appointment, cancel with a
reason, its history, waitlist matches for a freed slot, and find next available."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from frontdesk.data.models import Appointment, AppointmentEvent, Opening, WaitlistEntry
from frontdesk.errors import FrontDeskError, Invalid
from frontdesk.services import openings, schedule, visit_types
from frontdesk.services.book import STATUS_WORDS, when_text
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow, plain

__all__ = [
    "PARTS",
    "AppointmentActions",
    "CancelDialog",
    "FindOpenings",
    "HistoryDialog",
    "WaitlistMatches",
]

# (key, book screen action, words, statuses it is offered for: None = all).
_ACTIONS = (
    ("c", "set_status('confirmed')", "Confirm", ("booked",)),
    ("a", "set_status('arrived')", "Mark arrived", ("booked", "confirmed")),
    ("m", "move", "Move / reschedule", ("booked", "confirmed", "no_show")),
    ("x", "cancel", "Cancel with a reason", ("booked", "confirmed")),
    ("u", "set_status('booked')", "Undo: back to booked", ("arrived", "confirmed", "no_show")),
    ("h", "history", "History", None),
    ("b", "book", "Book another patient in this slot", None),
)


class AppointmentActions(ModalScreen[str | None]):
    """What can be done with an appointment; dismisses with a book screen action."""

    CSS_PATH = "book_dialogs.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close"),
        *(
            Binding(key, f"choose({action!r})", words, show=False)
            for key, action, words, _ in _ACTIONS
        ),
    ]

    def __init__(self, appointment: Appointment) -> None:
        super().__init__()
        self.appointment = appointment

    def compose(self) -> ComposeResult:
        item = self.appointment
        with Vertical(classes="book-dialog"):
            yield Static(
                f"{item.patient_name}  ·  {item.type_name}  ·  {STATUS_WORDS[item.status]}",
                classes="dialog-title",
                markup=False,
            )
            yield OptionList(
                *(
                    Option(f"{words} ({key})", id=action)
                    for key, action, words, statuses in _ACTIONS
                    if statuses is None or item.status in statuses
                ),
                id="book-actions",
            )

    @on(OptionList.OptionSelected, "#book-actions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_choose(self, action: str) -> None:
        offered = {option.id for option in self.query_one("#book-actions", OptionList).options}
        if action in offered:
            self.dismiss(action)

    def action_close(self) -> None:
        self.dismiss(None)


_REASONS = (
    ("Patient cancelled", "patient_cancelled"),
    ("Late cancel", "late_cancel"),
    ("Practice cancelled", "practice_cancelled"),
)


class CancelDialog(ModalScreen[tuple[str, str] | None]):
    """Why the appointment is cancelled; dismisses with (reason, note)."""

    CSS_PATH = "book_dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Cancel it"),
        Binding("escape", "close", "Keep it"),
    ]

    def __init__(self, appointment: Appointment, tz: str) -> None:
        super().__init__()
        self.appointment, self.tz = appointment, tz

    def compose(self) -> ComposeResult:
        item = self.appointment
        with Vertical(classes="book-dialog"):
            yield Static("Cancel appointment", classes="dialog-title")
            yield Static(
                f"{item.patient_name}, {when_text(item.starts_at, self.tz)}, "
                f"{item.resource_name} ({item.type_name})",
                markup=False,
            )
            yield FormRow("Reason", Choice(_REASONS, allow_blank=False, id="cancel-reason"))
            yield FormRow("Note", Field(id="cancel-note", max_length=80))
            yield ErrorLine(id="cancel-error")
            yield Static("Enter on the note or Ctrl+S: cancel it   Esc: keep it", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#cancel-reason").focus()

    @on(Input.Submitted, "#cancel-note")
    def action_save(self) -> None:
        reason = self.query_one("#cancel-reason", Select).value
        self.dismiss((str(reason), self.query_one("#cancel-note", Input).value))

    def action_close(self) -> None:
        self.dismiss(None)


class HistoryDialog(ModalScreen[None]):
    """Every status change of one appointment: when, what, why, who, where."""

    CSS_PATH = "book_dialogs.tcss"
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, appointment: Appointment, history: list[AppointmentEvent], tz: str):
        super().__init__()
        self.appointment, self.history, self.tz = appointment, history, tz

    def compose(self) -> ComposeResult:
        with Vertical(classes="book-dialog"):
            yield Static(
                f"History: {self.appointment.patient_name}, "
                f"{when_text(self.appointment.starts_at, self.tz)}",
                classes="dialog-title",
                markup=False,
            )
            table: DataTable[str] = DataTable(id="history-table", cursor_type="row")
            table.add_columns("When", "Status", "Why", "Who", "Where")
            for event in self.history:
                table.add_row(
                    *plain(
                        when_text(event.at, self.tz),
                        STATUS_WORDS.get(event.to_status, event.to_status),
                        event.reason,
                        event.username or "",
                        event.workstation,
                    )
                )
            yield table
            yield Static("Esc: close", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


class WaitlistMatches(ModalScreen[WaitlistEntry | None]):
    """Patients on the waitlist who fit a slot that just opened; Enter books one."""

    CSS_PATH = "book_dialogs.tcss"
    BINDINGS = [Binding("escape", "close", "Not now")]

    def __init__(self, freed: Appointment, matches: list[WaitlistEntry], tz: str) -> None:
        super().__init__()
        self.freed, self.matches, self.tz = freed, matches, tz

    def compose(self) -> ComposeResult:
        with Vertical(classes="book-dialog"):
            yield Static(
                f"Slot open: {when_text(self.freed.starts_at, self.tz)}, "
                f"{self.freed.resource_name}. On the waitlist for it:",
                classes="dialog-title",
                markup=False,
            )
            table: DataTable[str] = DataTable(id="matches-table", cursor_type="row")
            table.add_columns("Patient", "Phone", "Type", "Until", "Notes")
            for entry in self.matches:
                table.add_row(
                    *plain(
                        entry.patient_name,
                        entry.phone,
                        entry.type_name,
                        f"{entry.latest:%m/%d}",
                        entry.notes,
                    )
                )
            yield table
            yield Static("Enter: book this patient into the slot   Esc: not now", classes="hint")

    @on(DataTable.RowSelected, "#matches-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.dismiss(self.matches[event.cursor_row])

    def action_close(self) -> None:
        self.dismiss(None)


#: The time-of-day choices of find next available and the waitlist.
PARTS = (("Any time", "any"), ("Morning", "morning"), ("Afternoon", "afternoon"))


class FindOpenings(ModalScreen[Opening | None]):
    """Find next available: a type, a column or any, a time of day, from a date; the next
    openings listed as the choices change. Enter takes one."""

    CSS_PATH = "book_dialogs.tcss"
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(
        self,
        *,
        type_id: int | None = None,
        resource_id: int | None = None,
        part: str = "any",
        since: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.type_id, self.resource_id, self.part, self.since = type_id, resource_id, part, since
        self.found: list[Opening] = []

    def compose(self) -> ComposeResult:
        desk = self.app.desk
        types = visit_types.list_types(desk)
        resources = schedule.list_resources(desk)
        type_ids = [t.id for t in types]
        resource_ids = [r.id for r in resources]
        with Vertical(classes="book-dialog", id="find-openings"):
            yield Static("Find next available", classes="dialog-title")
            yield FormRow(
                "Type",
                Choice(
                    [(f"{t.name} ({t.minutes} min)", t.id) for t in types],
                    allow_blank=False,
                    value=self.type_id
                    if self.type_id in type_ids
                    else type_ids[0],  # never empty: see start_booking
                    id="find-type",
                ),
            )
            yield FormRow(
                "Column",
                Choice(
                    [("Any that takes it", 0), *((r.name, r.id) for r in resources)],
                    allow_blank=False,
                    value=self.resource_id if self.resource_id in resource_ids else 0,
                    id="find-resource",
                ),
            )
            yield FormRow(
                "Time of day", Choice(PARTS, allow_blank=False, value=self.part, id="find-part")
            )
            since = max(
                self.since or self.app.clock.business_date(), self.app.clock.business_date()
            )
            yield FormRow("From", Field(f"{since:%m/%d/%Y}", id="find-from", max_length=10))
            yield ErrorLine(id="find-error")
            table: DataTable[str] = DataTable(id="find-table", cursor_type="row")
            table.add_columns("When", "Column")
            yield table
            yield Static("Tab: to the list   Enter: book it   Esc: close", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#find-type").focus()
        self.search()

    @on(Select.Changed)
    @on(Input.Submitted, "#find-from")
    def search(self) -> None:
        error_line = self.query_one("#find-error", ErrorLine)
        table = self.query_one("#find-table", DataTable)
        table.clear()
        self.found = []
        kind = self.query_one("#find-type", Select).value
        resource = self.query_one("#find-resource", Select).value
        part = self.query_one("#find-part", Select).value
        text = self.query_one("#find-from", Input).value
        try:
            since = schedule.read_date(text, "first date", today=self.app.clock.business_date())
            if not isinstance(kind, int):
                raise Invalid("Choose the appointment type.")
            self.found = openings.find_openings(
                self.app.desk,
                kind,
                resource_id=resource if isinstance(resource, int) and resource else None,
                part=str(part),  # type: ignore[arg-type]
                since=since,
                limit=12,
            )
        except FrontDeskError as error:
            error_line.show(error)
            return
        error_line.clear()
        tz = self.app.clock.tz
        for opening in self.found:
            table.add_row(*plain(when_text(opening.starts_at, tz), opening.resource_name))
        if not self.found:
            error_line.show("No openings in the next 90 days for that choice.")

    @on(Input.Submitted, "#find-from")
    def _to_list(self) -> None:
        if self.found:
            self.query_one("#find-table").focus()

    @on(DataTable.RowSelected, "#find-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.dismiss(self.found[event.cursor_row])

    def action_close(self) -> None:
        self.dismiss(None)


def opening_day_minute(opening: Opening, tz: str) -> tuple[dt.date, int]:
    """An opening's local date and wall-clock minute, for the booking form."""
    from frontdesk.data.clock import from_stored

    local = from_stored(opening.starts_at).to(tz)
    return local.date(), local.hour * 60 + local.minute
