"""First run: the practice's name, address, phone, time zone, and the first manager."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from frontdesk.errors import FrontDeskError, Invalid
from frontdesk.services import practice
from frontdesk.widgets.form import ErrorLine, Field, FormRow
from frontdesk.widgets.header import DeskHeader

__all__ = ["FirstRunScreen"]

_FIELDS = (
    ("fr-name", "Practice name", {}),
    ("fr-address", "Address", {}),
    ("fr-phone", "Phone", {}),
    ("fr-tz", "Time zone", {"value": "America/New_York"}),
    ("fr-username", "Manager username", {"max_length": 32}),
    ("fr-fullname", "Manager's name", {}),
    ("fr-password", "Password", {"password": True}),
    ("fr-password2", "Password again", {"password": True}),
    ("fr-pin", "PIN (4-8 digits)", {"password": True, "restrict": r"[0-9]*", "max_length": 8}),
)


class FirstRunScreen(Screen[None]):
    """Shown once, on an empty database."""

    TITLE = "New practice"
    CSS_PATH = "firstrun.tcss"

    BINDINGS = [Binding("ctrl+s", "save", "Set up the practice")]
    AUTO_FOCUS = "#fr-name"

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with VerticalScroll(id="firstrun-box", classes="card dense"):
            yield Static("Set up frontdesk for your practice", classes="card-title")
            for field_id, label, options in _FIELDS:
                yield FormRow(label, Field(id=field_id, **options))
            yield ErrorLine(id="fr-error")
            yield Static("Enter: next field    Ctrl+S: set up    Ctrl+Q: quit", classes="hint")
        yield Footer()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "fr-pin":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        try:
            if self._value("fr-password") != self._value("fr-password2"):
                raise Invalid("The two passwords differ.")
            settings = practice.build_settings(
                name=self._value("fr-name"),
                address=self._value("fr-address"),
                phone=self._value("fr-phone"),
                time_zone=self._value("fr-tz"),
            )
            practice.set_up_practice(
                self.app.desk,
                settings,
                username=self._value("fr-username"),
                full_name=self._value("fr-fullname"),
                password=self._value("fr-password"),
                pin=self._value("fr-pin"),
            )
        except FrontDeskError as error:
            self.query_one("#fr-error", ErrorLine).show(error)
            return
        self.app.practice_set_up(self._value("fr-username").strip().lower())
