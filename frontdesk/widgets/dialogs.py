"""The dialogs every screen shares: confirm, ask for one value, a manager's approval, and a
new password or PIN typed twice."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from frontdesk.errors import FrontDeskError, Invalid
from frontdesk.widgets.form import ErrorLine, Field, FormRow

__all__ = ["ApproveDialog", "AskDialog", "ConfirmDialog", "PinDialog", "SecretDialog"]

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


class AskDialog(ModalScreen[object]):
    """One value: `check` turns the text into the value or raises a FrontDeskError shown
    under the field. Dismisses with the value, or None on Escape."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="AskDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, label: str, check, *, value: str = "") -> None:
        super().__init__()
        self._title, self._label, self._check, self._value = title, label, check, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="dialog-title", markup=False)
            yield FormRow(self._label, Field(self._value, id="ask-value", max_length=200))
            yield ErrorLine(id="ask-error")
            yield Static("Enter: OK   Esc: cancel", classes="hint")

    @on(Input.Submitted, "#ask-value")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            value = self._check(event.value)
        except FrontDeskError as error:
            self.query_one("#ask-error", ErrorLine).show(error)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ApproveDialog(ModalScreen[object]):
    """A manager's say-so with a reason. A signed-in manager gives only the reason; anyone
    else has a manager type their username and PIN (checked by `auth.approve`, audited).
    Dismisses with (reason, approving manager or None), or None on Escape."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="ApproveDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, problem: str, doing: str) -> None:
        super().__init__()
        self._title, self._problem, self._doing = title, problem, doing

    @property
    def _needs_manager(self) -> bool:
        actor = self.app.actor
        return actor is None or not actor.is_manager

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="dialog-title", markup=False)
            yield Static(self._problem, markup=False)
            yield FormRow("Reason", Field(id="approve-reason", max_length=80))
            if self._needs_manager:
                yield FormRow("Manager", Field(id="approve-user", max_length=40))
                yield FormRow(
                    "Manager PIN", Field(password=True, restrict=r"[0-9]*", id="approve-pin")
                )
            yield ErrorLine(id="approve-error")
            yield Static("Enter: next / approve   Esc: cancel", classes="hint")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        last = "#approve-pin" if self._needs_manager else "#approve-reason"
        if f"#{event.input.id}" != last:
            self.focus_next()
            return
        from frontdesk.services import auth

        reason = self.query_one("#approve-reason", Input).value.strip()
        error_line = self.query_one("#approve-error", ErrorLine)
        if not reason:
            error_line.show("Give the reason for the override.")
            self.query_one("#approve-reason", Input).focus()
            return
        approver = None
        if self._needs_manager:
            try:
                approver = auth.approve(
                    self.app.desk,
                    self.query_one("#approve-user", Input).value,
                    self.query_one("#approve-pin", Input).value,
                    self._doing,
                )
            except FrontDeskError as error:
                self.query_one("#approve-pin", Input).value = ""
                error_line.show(error)
                return
        self.dismiss((reason, approver))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PinDialog(ModalScreen[object]):
    """A manager's signature: their username (the signed-in manager's, filled in) and
    PIN, checked by `auth.approve` (audited). Dismisses with the manager, or None."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="PinDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, text: str, doing: str) -> None:
        super().__init__()
        self._title, self._text, self._doing = title, text, doing

    def compose(self) -> ComposeResult:
        actor = self.app.actor
        username = actor.username if actor is not None and actor.is_manager else ""
        with Vertical():
            yield Static(self._title, classes="dialog-title", markup=False)
            yield Static(self._text, markup=False)
            yield FormRow("Manager", Field(username, id="pin-user", max_length=40))
            yield FormRow("PIN", Field(password=True, restrict=r"[0-9]*", id="pin-pin"))
            yield ErrorLine(id="pin-error")
            yield Static("Enter: sign   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        if self.query_one("#pin-user", Input).value:
            self.query_one("#pin-pin", Input).focus()

    @on(Input.Submitted, "#pin-user")
    def _next(self) -> None:
        self.query_one("#pin-pin", Input).focus()

    @on(Input.Submitted, "#pin-pin")
    def _sign(self) -> None:
        from frontdesk.services import auth

        try:
            manager = auth.approve(
                self.app.desk,
                self.query_one("#pin-user", Input).value,
                self.query_one("#pin-pin", Input).value,
                self._doing,
            )
        except FrontDeskError as error:
            self.query_one("#pin-pin", Input).value = ""
            self.query_one("#pin-error", ErrorLine).show(error)
            return
        self.dismiss(manager)

    def action_cancel(self) -> None:
        self.dismiss(None)
