"""What every tab of the book setup shares: a pane (a table of what is set up, with its
own keys) and a form (a modal that calls one service and shows its refusal inline)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Select, Static

from frontdesk.data.models import Resource
from frontdesk.errors import FrontDeskError
from frontdesk.widgets.dialogs import ConfirmDialog
from frontdesk.widgets.form import Choice, ErrorLine, plain

__all__ = ["HOURS_HINT", "Row", "SetupForm", "SetupPane", "column_choice", "day_text"]

T = TypeVar("T")
Row = tuple[str, tuple[object, ...]]


#: The hours field's hint, shared by the weekly and the single-day forms.
HOURS_HINT = "e.g. 8:00-12:00, 1:00pm-5:00pm   or   off"


def day_text(day) -> str:
    """A date as the desk reads it: 'Mon 12/21/2026'."""
    return f"{day:%a %m/%d/%Y}"


def column_choice(resources: list[Resource], value: int | None, field_id: str) -> Choice:
    """A Choice of the book's columns by heading (the first one unless `value` says)."""
    ids = [r.id for r in resources]
    return Choice(
        [(r.short_name, r.id) for r in resources],
        allow_blank=not resources,
        value=value if value in ids else (ids[0] if ids else Select.NULL),
        id=field_id,
    )


class SetupPane(Vertical):
    """One tab: a line saying what it lists, and a table with a row cursor. Subclasses
    give the columns and the rows (one service call) and bind their own keys."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="bs-pane")

    @property
    def table_id(self) -> str:
        return f"{self.id}-table"

    def compose(self) -> ComposeResult:
        yield Static("", id=f"{self.id}-caption", classes="bs-caption", markup=False)
        table: DataTable[Any] = DataTable(id=self.table_id, cursor_type="row", zebra_stripes=True)
        table.add_columns(*self.COLUMNS)
        yield table

    def on_mount(self) -> None:
        self.refresh_list()

    @property
    def table(self) -> DataTable:
        return self.query_one(f"#{self.table_id}", DataTable)

    def caption(self, text: str) -> None:
        self.query_one(f"#{self.id}-caption", Static).update(text)

    def rows(self) -> list[Row]:
        """(key, cells) of every row, from one service call."""
        raise NotImplementedError

    def refresh_list(self, select: str | None = None) -> None:
        """Reload the rows, keeping the cursor on `select` (or the row it was on)."""
        table = self.table
        current = select if select is not None else self.selected_key()
        row_index = table.cursor_row
        try:
            rows = self.rows()
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        table.clear()
        for key, cells in rows:
            table.add_row(*plain(*cells), key=key)
        keys = [key for key, _ in rows]
        if current in keys:
            table.move_cursor(row=keys.index(current))
        elif rows:
            table.move_cursor(row=min(row_index, len(rows) - 1))

    def selected_key(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def selected_or_say(self, what: str) -> str | None:
        key = self.selected_key()
        if key is None:
            self.app.show_error(f"There is no {what} to choose.")
        return key

    def attempt(
        self, change: Callable[[], object], message: str, select: str | None = None
    ) -> bool:
        """Run one service call; on success reload and say `message`, else show why not."""
        try:
            change()
        except FrontDeskError as error:
            self.app.show_error(error)
            return False
        self.refresh_list(select)
        self.app.notify(message, timeout=4, markup=False)
        return True

    def confirm(self, title: str, question: str, yes: str, then: Callable[[], None]) -> None:
        def answered(answer: bool | None) -> None:
            if answer:
                then()

        self.app.push_screen(ConfirmDialog(title, question, yes=yes), answered)


class SetupForm(ModalScreen[T], Generic[T]):
    """A form over the book setup: rows of fields, the one error line, Ctrl+S saves,
    Enter moves on (and saves from the last field), Esc cancels."""

    DEFAULT_CSS = """
    SetupForm { align: center middle; }
    SetupForm > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    SetupForm .bs-form-note { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dense"):
            yield Static(self._title, classes="card-title", markup=False)
            yield from self.fields()
            yield ErrorLine(id="bs-form-error")
            yield Static("Enter: next field    Ctrl+S: save    Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query("Input, Select").first().focus()

    def fields(self) -> Iterable[Widget]:
        """The form's rows."""
        raise NotImplementedError

    def save(self) -> T:
        """Call the service; raise FrontDeskError to show it and stay."""
        raise NotImplementedError

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def choice(self, field_id: str) -> Any:
        value = self.query_one(f"#{field_id}", Select).value
        return None if value is Select.NULL else value

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input is list(self.query(Input))[-1]:
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        try:
            result = self.save()
        except FrontDeskError as error:
            self.query_one("#bs-form-error", ErrorLine).show(error)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
