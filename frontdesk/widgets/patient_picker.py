"""The patient picker: type a name, phone, birth date or account number; pick from the list.

Every screen that needs a patient uses this one widget. It posts `PatientPicker.Highlighted`
as the cursor moves and `PatientPicker.Picked` on Enter.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input

from frontdesk.data.models import PatientMatch
from frontdesk.errors import FrontDeskError
from frontdesk.services import patients
from frontdesk.widgets.form import Field, plain

__all__ = ["PatientPicker", "chosen_text"]


def chosen_text(match: PatientMatch) -> str:
    """The line a form shows once its patient is picked."""
    return f"Patient: {match.name}  ·  born {match.dob:%m/%d/%Y}  ·  account {match.account_no}"


class PatientPicker(Vertical):
    """A search field over a results table."""

    DEFAULT_CSS = """
    PatientPicker { height: auto; }
    PatientPicker > #pp-query { margin-bottom: 1; }
    PatientPicker > #pp-results { height: auto; max-height: 9; }
    """
    BINDINGS = [Binding("down", "to_results", "Results", show=False)]

    @dataclass
    class Highlighted(Message):
        """The cursor is on this patient (None: no results)."""

        match: PatientMatch | None

    @dataclass
    class Picked(Message):
        """Enter was pressed on this patient."""

        match: PatientMatch

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.matches: list[PatientMatch] = []

    def compose(self) -> ComposeResult:
        query = Field(
            placeholder="Name, phone, birth date (MM/DD/YYYY) or account number",
            id="pp-query",
            max_length=60,
        )
        query.compact = True
        yield query
        table: DataTable[str] = DataTable(id="pp-results", cursor_type="row")
        table.add_columns("Name", "Born", "Phone", "Account")
        yield table

    @property
    def query_text(self) -> str:
        return self.query_one("#pp-query", Input).value

    def search(self, text: str) -> None:
        """Show the patients matching `text` (also used to refresh after an edit)."""
        self.query_one("#pp-query", Input).value = text
        self._show(text)

    @on(Input.Changed, "#pp-query")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._show(event.value)

    def _show(self, text: str) -> None:
        try:
            self.matches = patients.search_patients(self.app.desk, text)
        except FrontDeskError as error:
            self.app.show_error(error)
            self.matches = []
        table = self.query_one("#pp-results", DataTable)
        table.clear()
        for match in self.matches:
            table.add_row(
                *plain(match.name, f"{match.dob:%m/%d/%Y}", match.phone, match.account_no),
                key=str(match.id),
            )
        self.post_message(self.Highlighted(self.matches[0] if self.matches else None))

    @on(Input.Submitted, "#pp-query")
    def _pick_first(self, event: Input.Submitted) -> None:
        event.stop()
        if len(self.matches) == 1:
            self.post_message(self.Picked(self.matches[0]))
        elif self.matches:
            self.action_to_results()

    def action_to_results(self) -> None:
        if self.matches:
            self.query_one("#pp-results", DataTable).focus()

    @on(DataTable.RowHighlighted, "#pp-results")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.matches):
            self.post_message(self.Highlighted(self.matches[event.cursor_row]))

    @on(DataTable.RowSelected, "#pp-results")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.matches):
            self.post_message(self.Picked(self.matches[event.cursor_row]))
