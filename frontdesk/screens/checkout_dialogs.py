"""The check-out screen's own small dialogs: a line's discount (amount or percent, and
its reason) and picking the provider of a line."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.data.money import Money
from frontdesk.data.money_models import DISCOUNT_REASONS
from frontdesk.errors import FrontDeskError
from frontdesk.services.checkout_bill import parse_discount
from frontdesk.services.fee_sheets import DISCOUNT_WORDS
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow

__all__ = ["Discount", "DiscountDialog", "PickDialog"]

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 64; max-width: 100%; height: auto; max-height: 100%; padding: 0 2;
    border: thick $primary; background: $surface;
}}
{name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
{name} FormRow {{ margin-bottom: 0; }}
"""


@dataclass(frozen=True)
class Discount:
    """A discount as typed: an amount or a percent (neither: no discount) and why."""

    amount: Money | None
    percent: int | None
    reason: str | None


class DiscountDialog(ModalScreen[Discount | None]):
    """A line's discount. Dismisses with a Discount (an empty one removes it), or None."""

    DEFAULT_CSS = _CSS.format(name="DiscountDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "take", "OK")]
    AUTO_FOCUS = "#dd-reason"

    def __init__(self, line: str, value: str = "", reason: str | None = None) -> None:
        super().__init__()
        self._line, self._value, self._reason = line, value, reason

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Discount", classes="dialog-title")
            yield Static(self._line, markup=False)
            yield FormRow(
                "Reason",
                Choice(
                    [(DISCOUNT_WORDS[r], r) for r in DISCOUNT_REASONS],
                    allow_blank=False,
                    value=self._reason or DISCOUNT_REASONS[0],
                    id="dd-reason",
                ),
            )
            yield FormRow("Amount or %", Field(self._value, id="dd-value", max_length=12))
            yield ErrorLine(id="dd-error")
            yield Static(
                "e.g. 20 or 10%; empty removes it   Enter: OK   Esc: cancel", classes="hint"
            )

    @on(Input.Submitted, "#dd-value")
    def action_take(self) -> None:
        try:
            amount, percent = parse_discount(
                self.query_one("#dd-value", Input).value,
                ceiling=self.app.settings.amount_ceiling.cents,
            )
        except FrontDeskError as error:
            self.query_one("#dd-error", ErrorLine).show(error)
            return
        reason = str(self.query_one("#dd-reason", Choice).value)
        none = amount is None and percent is None
        self.dismiss(Discount(amount, percent, None if none else reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickDialog(ModalScreen[object]):
    """Pick one of a few choices (Enter); dismisses with its value, or None on Escape."""

    DEFAULT_CSS = _CSS.format(name="PickDialog") + "PickDialog OptionList { max-height: 12; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "OptionList"

    def __init__(self, title: str, choices: list[tuple[str, object]], current: object) -> None:
        super().__init__()
        self._title, self._choices, self._current = title, choices, current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="dialog-title", markup=False)
            yield OptionList(*(Option(label) for label, _ in self._choices))
            yield Static("Enter: choose   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        values = [value for _, value in self._choices]
        if self._current in values:
            self.query_one(OptionList).highlighted = values.index(self._current)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._choices[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
