"""Recalls: the patients due back in a month, the tries at reaching them, closing one that
will not be booked, booking one, and the month's recall cards as a CSV file."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Select, Static

from frontdesk.data.models import Recall, RecallAttempt
from frontdesk.errors import FrontDeskError
from frontdesk.screens.booking import start_booking
from frontdesk.services import recalls, visit_types
from frontdesk.widgets.dialogs import AskDialog
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow, fit, plain
from frontdesk.widgets.patient_picker import PatientPicker, chosen_text

__all__ = ["AttemptForm", "RecallForm", "RecallsScreen"]

_METHODS = (("Phone call", "phone"), ("Text message", "text"), ("Email", "email"), ("Card", "card"))
_NO_TYPE = 0  # the "Type" choice for none
#: Attempts the detail line names (newest last).
_SHOWN_ATTEMPTS = 2
# Column widths that keep the whole list on an 80-column terminal.
_PATIENT_WIDTH = 16
_KIND_WIDTH = 14
_ATTEMPT_WIDTH = 18


def _month_after(month: dt.date, step: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + step
    return dt.date(index // 12, index % 12 + 1, 1)


class RecallForm(ModalScreen[Recall | None]):
    """Add a recall by hand: the patient (picker), the type to book, what for, when due."""

    CSS_PATH = "recalls.tcss"
    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "cancel", "Cancel")]

    def __init__(self, due: dt.date | None = None) -> None:
        super().__init__()
        self.patient_id: int | None = None
        self._due = due

    def compose(self) -> ComposeResult:
        self._types = visit_types.list_types(self.app.desk)
        with VerticalScroll(id="rcf"):
            yield Static("Add a recall", classes="card-title")
            yield ErrorLine(id="rcf-error")
            yield PatientPicker(id="rcf-picker")
            yield Static("", id="rcf-patient", markup=False)
            with Vertical(id="rcf-fields"):
                yield FormRow(
                    "Type to book",
                    Choice(
                        [("None", _NO_TYPE)] + [(t.name, t.id) for t in self._types],
                        allow_blank=False,
                        id="rcf-type",
                    ),
                )
                yield FormRow(
                    "Recall for",
                    Field(placeholder="Yearly skin check", id="rcf-kind", max_length=40),
                )
                due = f"{self._due:%m/%d/%Y}" if self._due else ""
                yield FormRow(
                    "Due (MM/DD/YYYY)",
                    Field(due, id="rcf-due", max_length=10, restrict=r"[0-9/.-]*"),
                )
                yield FormRow("Notes", Field(id="rcf-notes", max_length=200))
            yield Static("Enter: next field   Ctrl+S: save   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#pp-query", Input).focus()

    @on(PatientPicker.Picked)
    def _picked(self, event: PatientPicker.Picked) -> None:
        self.patient_id = event.match.id
        self.query_one("#rcf-patient", Static).update(chosen_text(event.match))
        self.query_one("#rcf-type").focus()

    @on(Select.Changed, "#rcf-type")
    def _type_changed(self, event: Select.Changed) -> None:
        kind = self.query_one("#rcf-kind", Input)
        chosen = next((t for t in self._types if t.id == event.value), None)
        if chosen is not None and not kind.value.strip():
            kind.value = chosen.recall_kind or chosen.name

    @on(Input.Submitted, "#rcf-fields Input")
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "rcf-notes":
            self.action_save()
        else:
            self.focus_next()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def action_save(self) -> None:
        error_line = self.query_one("#rcf-error", ErrorLine)
        if self.patient_id is None:
            error_line.show("Pick the patient first: type a name, phone or birth date.")
            self.query_one("#pp-query", Input).focus()
            return
        type_id = self.query_one("#rcf-type", Choice).value
        try:
            recall = recalls.add_recall(
                self.app.desk,
                self.patient_id,
                self._value("rcf-kind"),
                self._value("rcf-due"),
                type_id if isinstance(type_id, int) and type_id != _NO_TYPE else None,
                self._value("rcf-notes"),
            )
        except FrontDeskError as error:
            error_line.show(error)
            return
        self.dismiss(recall)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AttemptForm(ModalScreen[RecallAttempt | None]):
    """One try at reaching the patient: how, and how it went."""

    CSS_PATH = "recalls.tcss"
    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "cancel", "Cancel")]

    def __init__(self, recall: Recall) -> None:
        super().__init__()
        self.recall = recall

    def compose(self) -> ComposeResult:
        recall = self.recall
        with Vertical(id="rca"):
            yield Static(
                f"Contact {recall.patient_name}: {recall.kind}, due {recall.due_date:%m/%d/%Y}",
                classes="card-title",
                markup=False,
            )
            reach = "  ·  ".join(part for part in (recall.phone, recall.email) if part)
            yield Static(reach or "No phone or email on file.", markup=False)
            yield FormRow("How", Choice(_METHODS, allow_blank=False, id="rca-method"))
            yield FormRow(
                "Outcome",
                Field(placeholder="Left voicemail", id="rca-outcome", max_length=80),
            )
            yield ErrorLine(id="rca-error")
            yield Static("Enter: next / save   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#rca-method").focus()

    @on(Input.Submitted, "#rca-outcome")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        try:
            attempt = recalls.record_attempt(
                self.app.desk,
                self.recall.id,
                str(self.query_one("#rca-method", Choice).value),
                self.query_one("#rca-outcome", Input).value,
            )
        except FrontDeskError as error:
            self.query_one("#rca-error", ErrorLine).show(error)
            return
        self.dismiss(attempt)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RecallsScreen(Screen[None]):
    """One month's recalls by due date; PgUp/PgDn change the month."""

    TITLE = "Recalls"
    CSS_PATH = "recalls.tcss"
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("c", "contact", "Contact"),
        Binding("b", "book", "Book"),
        Binding("x", "close_recall", "Close"),
        Binding("e", "export", "Export"),
        # Priority: the table would otherwise take them to scroll.
        Binding("pageup", "month(-1)", "Prev month", priority=True),
        Binding("pagedown", "month(1)", "Next month", priority=True),
        Binding("d", "due_only", "Due only / all", show=False),
        Binding("escape", "app.back", "Back"),
    ]
    AUTO_FOCUS = "#rc-table"

    def __init__(self, month: dt.date | None = None) -> None:
        super().__init__()
        self.month = month.replace(day=1) if month else None
        self.due_only = False
        self._shown: list[Recall] = []

    def compose(self) -> ComposeResult:
        if self.month is None:
            self.month = self.app.clock.business_date().replace(day=1)
        yield self.app.header()
        with Vertical(id="rc"):
            yield Static("Recalls", id="rc-title", classes="card-title", markup=False)
            table: DataTable[str] = DataTable(id="rc-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Patient", "Recall", "Due", "Tries", "Last attempt", "Status")
            yield table
            yield Static("", id="rc-detail", markup=False)
            yield Static("", id="rc-note", markup=False)
        yield Footer()

    def on_screen_resume(self) -> None:
        # Also when first shown, and after a booking made from here.
        self.refresh_list()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Providers and clinical staff read recalls; the keys that change them are hidden.
        if action in ("add", "contact", "book", "close_recall", "export"):
            actor = self.app.actor
            return actor is not None and actor.role in recalls.WRITE_ROLES
        return True

    # -- the list --------------------------------------------------------------------------

    def refresh_list(self, select_id: int | None = None) -> None:
        """Read the month again, keeping the cursor on the same recall (or row)."""
        assert self.month is not None
        try:
            self._shown = recalls.list_recalls(
                self.app.desk, self.month, include_closed=not self.due_only
            )
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        table = self.query_one("#rc-table", DataTable)
        keep = select_id if select_id is not None else self._selected_id()
        row = table.cursor_row
        table.clear()
        today = self.app.clock.business_date()
        for recall in self._shown:
            table.add_row(
                *plain(
                    fit(recall.patient_name, _PATIENT_WIDTH),
                    fit(recall.kind, _KIND_WIDTH),
                    f"{recall.due_date:%m/%d}",
                    recall.attempts,
                    fit(self._last_attempt(recall), _ATTEMPT_WIDTH),
                    self._status(recall, today),
                ),
                key=str(recall.id),
            )
        ids = [r.id for r in self._shown]
        if keep in ids:
            row = ids.index(keep)
        if ids:
            table.move_cursor(row=min(row, len(ids) - 1))
        due = sum(r.status == "due" for r in self._shown)
        title = f"Recalls due in {self.month:%B %Y}: {due} to reach"
        if not self.due_only:
            done = len(self._shown) - due
            title += f", {done} booked or closed" if done else ""
        else:
            title += " (due only; d shows all)"
        self.query_one("#rc-title", Static).update(title)
        self._show_detail()

    def _last_attempt(self, recall: Recall) -> str:
        if not recall.last_attempt_at:
            return ""
        when = self.app.clock.local(recall.last_attempt_at).format("MM/DD")
        return f"{when} {recall.last_attempt_method}: {recall.last_attempt_outcome}"

    @staticmethod
    def _status(recall: Recall, today: dt.date) -> str:
        if recall.status == "due" and recall.due_date < today:
            return "overdue"
        return recall.status

    def _selected(self) -> Recall | None:
        table = self.query_one("#rc-table", DataTable)
        if not self._shown or not 0 <= table.cursor_row < len(self._shown):
            return None
        return self._shown[table.cursor_row]

    def _selected_id(self) -> int | None:
        recall = self._selected()
        return recall.id if recall else None

    @on(DataTable.RowHighlighted, "#rc-table")
    def _show_detail(self) -> None:
        recall = self._selected()
        detail = self.query_one("#rc-detail", Static)
        if recall is None:
            detail.update(f"No recalls in {self.month:%B %Y}. PgUp/PgDn: another month.")
            return
        lines = ["  ·  ".join(p for p in (recall.phone, recall.email, recall.notes) if p)]
        try:
            tries = recalls.attempts(self.app.desk, recall.id)[-_SHOWN_ATTEMPTS:]
        except FrontDeskError:
            tries = []
        for attempt in tries:
            when = self.app.clock.local(attempt.at).format("MM/DD h:mma")
            who = f" ({attempt.username})" if attempt.username else ""
            lines.append(f"{when} {attempt.method}: {attempt.outcome}{who}")
        detail.update("\n".join(line for line in lines if line))

    def _selected_or_say(self) -> Recall | None:
        recall = self._selected()
        if recall is None:
            self.app.show_error(f"No recall is due in {self.month:%B %Y}.")
        return recall

    def _due_or_say(self) -> Recall | None:
        recall = self._selected_or_say()
        if recall is not None and recall.status != "due":
            self.app.show_error(f"That recall is already {recall.status}.")
            return None
        return recall

    # -- actions ---------------------------------------------------------------------------

    def action_month(self, step: int) -> None:
        assert self.month is not None
        self.month = _month_after(self.month, step)
        self.query_one("#rc-note", Static).update("")
        self.refresh_list()
        self.query_one("#rc-table", DataTable).move_cursor(row=0)

    def action_due_only(self) -> None:
        self.due_only = not self.due_only
        self.refresh_list()

    def action_add(self) -> None:
        today = self.app.clock.business_date()
        due = self.month if self.month and self.month > today else None

        def added(recall: Recall | None) -> None:
            if recall is None:
                return
            self.month = recall.due_date.replace(day=1)
            self.refresh_list(select_id=recall.id)
            self.app.notify(
                f"Recall added: {recall.patient_name}, {recall.kind}, due "
                f"{recall.due_date:%m/%d/%Y}.",
                timeout=4,
                markup=False,
            )

        self.app.push_screen(RecallForm(due), added)

    def action_contact(self) -> None:
        recall = self._due_or_say()
        if recall is None:
            return

        def recorded(attempt: RecallAttempt | None) -> None:
            if attempt is not None:
                self.refresh_list()
                self.app.notify(
                    f"Noted: {attempt.method}, {attempt.outcome}.", timeout=4, markup=False
                )

        self.app.push_screen(AttemptForm(recall), recorded)

    def action_close_recall(self) -> None:
        recall = self._due_or_say()
        if recall is None:
            return
        desk = self.app.desk

        def closed(result: object) -> None:
            if result is not None:
                self.refresh_list()
                self.app.notify(
                    f"Closed the {recall.kind} recall of {recall.patient_name}.",
                    timeout=4,
                    markup=False,
                )

        self.app.push_screen(
            AskDialog(
                f"Close the recall of {recall.patient_name}",
                "Reason",
                lambda reason: recalls.close_recall(desk, recall.id, reason),
            ),
            closed,
        )

    def action_book(self) -> None:
        recall = self._due_or_say()
        if recall is None:
            return
        start_booking(
            self.app, patient_id=recall.patient_id, type_id=recall.type_id, recall_id=recall.id
        )

    def action_export(self) -> None:
        assert self.month is not None
        try:
            path, rows = recalls.export_recalls_file(self.app.desk, self.month)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        message = f"{rows} recall card(s) for {self.month:%B %Y} saved to {path}"
        self.query_one("#rc-note", Static).update(message)
        self.app.notify(message, timeout=8, markup=False)
