"""Practice settings (manager): name, address, phone, time zone, idle lock, the book's slot,
the no-show grace, largest amount, sales tax, discount limit and the flow board's wait
alert. Enter moves on (and saves from the last field), Ctrl+S saves."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static

from frontdesk.errors import FrontDeskError
from frontdesk.services import practice
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow, MoneyInput

__all__ = ["SettingsScreen"]


class SettingsScreen(Screen[None]):
    """A form over the practice's settings; Ctrl+S saves."""

    TITLE = "Practice settings"
    CSS_PATH = "settings.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "app.back", "Back"),
    ]
    AUTO_FOCUS = "#set-name"

    def compose(self) -> ComposeResult:
        settings = self._shown = practice.load_settings(self.app.db)
        yield self.app.header()
        # Dense rows: the whole form fits an 80x24 terminal without scrolling.
        with VerticalScroll(id="settings", classes="card dense"):
            yield Static("Practice settings", classes="card-title")
            yield FormRow("Practice name", Field(settings.name, id="set-name", max_length=80))
            yield FormRow("Address", Field(settings.address, id="set-address", max_length=200))
            yield FormRow("Phone", Field(settings.phone, id="set-phone", max_length=24))
            yield FormRow("Time zone", Field(settings.time_zone, id="set-tz", max_length=64))
            yield FormRow("Idle lock (min)", Field(str(settings.idle_lock_minutes), id="set-idle"))
            yield FormRow(
                "Book slot",
                Choice(
                    ((f"{minutes} minutes", minutes) for minutes in practice.SLOT_CHOICES),
                    allow_blank=False,
                    value=settings.slot_minutes,
                    id="set-slot",
                ),
            )
            yield FormRow(
                "No-show grace",
                Field(
                    str(settings.no_show_grace_minutes),
                    placeholder="minutes after the end, 0 to 240",
                    id="set-grace",
                ),
            )
            yield FormRow(
                "Largest amount",
                MoneyInput(settings.amount_ceiling, ceiling=None, id="set-ceiling"),
            )
            yield FormRow(
                "Sales tax %",
                Field(
                    practice.format_tax_rate(settings.sales_tax_basis_points),
                    placeholder="on taxable retail, e.g. 10.25",
                    id="set-tax",
                ),
            )
            yield FormRow(
                "Discount limit",
                MoneyInput(settings.discount_limit, ceiling=None, id="set-discount"),
            )
            yield FormRow(
                "Over/short limit",
                MoneyInput(settings.over_short_limit, ceiling=None, id="set-over-short"),
            )
            yield FormRow(
                "Wait alert (min)",
                Field(
                    str(settings.wait_alert_minutes),
                    placeholder="minutes, 1 to 240",
                    id="set-wait",
                ),
            )
            yield ErrorLine(id="set-error")
            yield Static(
                "No-show grace: minutes after its end before a visit joins the no-show list."
                "\nDiscount limit: a larger discount on one line needs a manager's approval."
                "\nOver/short limit: a drawer off by more needs a reason at its close."
                "\nWait alert: the flow board marks a patient waiting longer than this."
                "\nEnter: next field    Ctrl+S: save    Esc: back",
                classes="hint",
            )
        yield Footer()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "set-wait":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        error_line = self.query_one("#set-error", ErrorLine)
        try:
            settings = practice.build_settings(
                name=self._value("set-name"),
                address=self._value("set-address"),
                phone=self._value("set-phone"),
                time_zone=self._value("set-tz"),
                idle_lock_minutes=practice.parse_idle_minutes(self._value("set-idle")),
                slot_minutes=self.query_one("#set-slot", Select).value,
                no_show_grace_minutes=practice.parse_grace_minutes(self._value("set-grace")),
                amount_ceiling=practice.parse_ceiling(self._value("set-ceiling")),
                sales_tax_basis_points=practice.parse_tax_rate(self._value("set-tax")),
                discount_limit=practice.parse_discount_limit(self._value("set-discount")),
                wait_alert_minutes=practice.parse_wait_minutes(self._value("set-wait")),
                over_short_limit=practice.parse_over_short_limit(self._value("set-over-short")),
            )
            saved = practice.update_settings(self.app.desk, settings, original=self._shown)
        except FrontDeskError as error:
            error_line.show(error)
            return
        self._shown = saved
        self.app.settings_changed(saved)
        error_line.success("Saved.")
