"""Sign in with username and password."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input

from frontdesk.errors import FrontDeskError
from frontdesk.widgets.form import ErrorLine, Field, FormRow
from frontdesk.widgets.header import DeskHeader

__all__ = ["LoginScreen"]


class LoginScreen(Screen[None]):
    """The first screen of every session."""

    TITLE = "Sign in"
    CSS_PATH = "login.tcss"

    AUTO_FOCUS = "#login-username"

    def __init__(self) -> None:
        super().__init__()
        self._username = ""  # offered when the screen shows again (see `remember`)
        self._start_afresh = False

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Vertical(id="login-box", classes="card") as box:
            box.border_title = "Sign in"
            yield FormRow("Username", Field(id="login-username", max_length=32))
            yield FormRow("Password", Field(password=True, id="login-password", max_length=128))
            yield ErrorLine(id="login-error")
        yield Footer()

    def remember(self, username: str) -> None:
        """Offer `username` the next time this screen shows (after the first run)."""
        self._username = username
        self._start_afresh = True

    def on_screen_suspend(self) -> None:
        # Covered by someone's session: when it shows again, nothing of theirs stays.
        # (Covered by help or the first run: what was typed stays.)
        self._start_afresh = self.app.actor is not None

    def on_screen_resume(self) -> None:
        if not self._start_afresh:
            return
        self._start_afresh = False
        self.query_one("#login-username", Input).value = self._username
        self.query_one("#login-password", Input).value = ""
        self.query_one("#login-error", ErrorLine).clear()
        self.query_one("#login-password" if self._username else "#login-username").focus()
        self._username = ""

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
