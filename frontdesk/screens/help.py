"""F1: every key that works on the screen beneath, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from frontdesk.widgets.form import plain

__all__ = ["HelpScreen"]


class HelpScreen(ModalScreen[None]):
    """A table of keys; Esc or F1 closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    HelpScreen DataTable { height: auto; max-height: 18; }
    """
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, title: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        self._keys = keys

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Keys: {self._title}", classes="card-title", markup=False)
            table: DataTable[str] = DataTable(id="help-keys", cursor_type="row")
            table.add_columns("Key", "What it does")
            for key, description in self._keys:
                table.add_row(*plain(key, description))
            yield table
            yield Static("Esc: close", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
