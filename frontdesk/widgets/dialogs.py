"""The dialogs every screen shares: confirm, and a new password or PIN typed twice."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from frontdesk.errors import FrontDeskError, Invalid
from frontdesk.widgets.form import ErrorLine, Field, FormRow

__all__ = ["ConfirmDialog", "SecretDialog"]

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 64; max-width: 100%; height: auto; padding: 1 2;
    border: thick $primary; background: $surface;
}}
{name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
{name} Horizontal.buttons {{ height: auto; align-horizontal: right; margin-top: 1; }}
{name} Button {{ margin-left: 2; min-width: 10; }}
"""


class ConfirmDialog(ModalScreen[bool]):
    """Ask yes or no; dismisses with True for yes."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self._title, self._question, self._yes = title, question, yes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="dialog-title", markup=False)
            yield Static(self._question, markup=False)
            with Horizontal(classes="buttons"):
                yield Button(f"{self._yes} (y)", id="yes", variant="primary")
                yield Button("No (n)", id="no")

    AUTO_FOCUS = "#no"  # Enter alone never confirms

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class SecretDialog(ModalScreen[str | None]):
    """A new password or PIN, typed twice; `check` is the service rule (raises Invalid).

    Dismisses with the secret, or None on Escape.
    """

    DEFAULT_CSS = _DIALOG_CSS.format(name="SecretDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, what: str, check, *, digits: bool = False) -> None:
        super().__init__()
        self._title, self._what, self._check, self._digits = title, what, check, digits

    def compose(self) -> ComposeResult:
        restrict = r"[0-9]*" if self._digits else None
        with Vertical():
            yield Static(self._title, classes="dialog-title", markup=False)
            yield FormRow(
                f"New {self._what}", Field(password=True, restrict=restrict, id="secret-1")
            )
            yield FormRow("Again", Field(password=True, restrict=restrict, id="secret-2"))
            yield ErrorLine(id="secret-error")
            yield Static("Enter: save   Esc: cancel", classes="hint")

    @on(Input.Submitted, "#secret-1")
    def _next(self) -> None:
        self.query_one("#secret-2", Input).focus()

    @on(Input.Submitted, "#secret-2")
    def _save(self) -> None:
        first = self.query_one("#secret-1", Input).value
        second = self.query_one("#secret-2", Input).value
        try:
            if first != second:
                raise Invalid(f"The two {self._what}s differ.")
            self._check(first)
        except FrontDeskError as error:
            self.query_one("#secret-error", ErrorLine).show(error)
            return
        self.dismiss(first)

    def action_cancel(self) -> None:
        self.dismiss(None)
