"""The lock screen: covers everything (no patient data shows) until the same person's PIN
or another person's full sign-in."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from frontdesk.errors import FrontDeskError
from frontdesk.widgets.form import ErrorLine, Field, FormRow

__all__ = ["LockScreen"]


class LockScreen(Screen[None]):
    """Pushed over whatever was open; opaque, so nothing beneath is painted."""

    TITLE = "Locked"
    CSS_PATH = "lock.tcss"

    AUTO_FOCUS = "#lock-pin"

    def __init__(self, full_name: str, practice: str) -> None:
        super().__init__()
        self._full_name = full_name
        self._practice = practice

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box", classes="card"):
            yield Static(f"Locked  ·  {self._practice}", classes="card-title", markup=False)
            yield Static(f"{self._full_name}: your PIN opens it again.", markup=False)
            yield FormRow(
                "PIN", Field(password=True, restrict=r"[0-9]*", max_length=8, id="lock-pin")
            )
            yield Static("Someone else: sign in (what was open is closed).")
            yield FormRow("Username", Field(max_length=32, id="lock-username"))
            yield FormRow("Password", Field(password=True, max_length=128, id="lock-password"))
            yield ErrorLine(id="lock-error")

    @on(Input.Submitted, "#lock-pin")
    def _pin(self, event: Input.Submitted) -> None:
        try:
            self.app.unlock_with_pin(event.value)
        except FrontDeskError as error:
            event.input.value = ""
            self.query_one("#lock-error", ErrorLine).show(error)

    @on(Input.Submitted, "#lock-username")
    def _to_password(self) -> None:
        self.query_one("#lock-password", Input).focus()

    @on(Input.Submitted, "#lock-password")
    def _sign_in(self, event: Input.Submitted) -> None:
        username = self.query_one("#lock-username", Input).value
        try:
            self.app.sign_in(username, event.value)
        except FrontDeskError as error:
            event.input.value = ""
            self.query_one("#lock-error", ErrorLine).show(error)
