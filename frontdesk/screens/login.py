"""Sign in with username and password."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from frontdesk.errors import FrontDeskError
from frontdesk.widgets.form import ErrorLine, FormRow
from frontdesk.widgets.header import DeskHeader

__all__ = ["LoginScreen"]


class LoginScreen(Screen[None]):
    """The first screen of every session."""

    AUTO_FOCUS = "#login-username"

    def __init__(self, username: str = "") -> None:
        super().__init__()
        self._username = username

    def compose(self) -> ComposeResult:
        app = self.app
        yield DeskHeader(app.settings.name, app.workstation, "", app.clock)
        with Center(), Vertical(id="login-box", classes="card"):
            yield Static("Sign in", classes="card-title")
            yield FormRow("Username", Input(self._username, id="login-username", max_length=32))
            yield FormRow("Password", Input(password=True, id="login-password", max_length=128))
            yield ErrorLine(id="login-error")
            yield Static("Enter: next field / sign in    Ctrl+Q: quit", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        if self._username:
            self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-username")
    def _to_password(self) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    def _sign_in(self) -> None:
        username = self.query_one("#login-username", Input).value
        password_field = self.query_one("#login-password", Input)
        try:
            self.app.sign_in(username, password_field.value)
        except FrontDeskError as error:
            self.query_one("#login-error", ErrorLine).show(error)
            password_field.value = ""
            if not username.strip():
                self.query_one("#login-username", Input).focus()
            else:
                password_field.focus()
