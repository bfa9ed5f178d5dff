"""The one dialog that takes a tender: how the patient pays one part of what is due.

Cash asks what was handed over (and shows the change), a check its number, a card the
brand, the last 4 digits and the terminal's approval code (never the card number), a
gift card its code (and shows its balance). `payments.make_tender` checks it all; the
dialog dismisses with the Tender, or None on Escape.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from frontdesk.data.money import Money
from frontdesk.data.money_models import Tender
from frontdesk.errors import FrontDeskError
from frontdesk.services import payments
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow, MoneyInput

__all__ = ["TenderDialog"]

# Which fields each method asks for, in the order Enter moves through them.
_FIELDS = {
    "cash": ("td-amount", "td-tendered"),
    "check": ("td-amount", "td-check"),
    "card": ("td-amount", "td-brand", "td-last4", "td-auth"),
    "gift_card": ("td-amount", "td-gift"),
    "credit": ("td-amount",),
}
_OPTIONAL = ("td-check", "td-brand", "td-last4", "td-auth", "td-gift", "td-tendered")


class TenderDialog(ModalScreen[Tender | None]):
    """One tender. `methods` are the ways this payment may be made; `amount` is what is
    still due (the amount field starts with it)."""

    DEFAULT_CSS = """
    TenderDialog { align: center middle; }
    TenderDialog > Vertical {
        width: 64; max-width: 100%; height: auto; padding: 0 2;
        border: thick $primary; background: $surface;
    }
    TenderDialog .dialog-title { text-style: bold; margin-bottom: 1; }
    TenderDialog FormRow { margin-bottom: 0; }
    TenderDialog #td-info { color: $text-muted; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "take", "Take")]
    AUTO_FOCUS = "#td-method"

    def __init__(
        self,
        title: str,
        amount: Money | None = None,
        *,
        methods: tuple[str, ...] = ("cash", "check", "card", "gift_card", "credit"),
        credit: Money | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._amount = amount if amount is not None and amount.cents > 0 else None
        self._methods = methods
        self._credit = credit

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="dialog-title", markup=False)
            yield FormRow(
                "Paid by",
                Choice(
                    [(payments.METHOD_WORDS[m], m) for m in self._methods],
                    allow_blank=False,
                    value=self._methods[0],
                    id="td-method",
                ),
            )
            ceiling = self.app.settings.amount_ceiling.cents
            yield FormRow("Amount", MoneyInput(self._amount, ceiling=ceiling, id="td-amount"))
            yield FormRow("Cash handed over", MoneyInput(None, ceiling=ceiling, id="td-tendered"))
            yield FormRow("Check number", Field(id="td-check", max_length=12))
            yield FormRow(
                "Card brand",
                Choice(
                    [(brand, brand) for brand in payments.CARD_BRANDS],
                    allow_blank=False,
                    value=payments.CARD_BRANDS[0],
                    id="td-brand",
                ),
            )
            yield FormRow("Last 4 digits", Field(id="td-last4", max_length=4, restrict=r"[0-9]*"))
            yield FormRow("Approval code", Field(id="td-auth", max_length=12))
            yield FormRow("Gift card code", Field(id="td-gift", max_length=12))
            yield Static("", id="td-info", markup=False)
            yield ErrorLine(id="td-error")
            yield Static("Enter: next / take   Ctrl+S: take   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self._show_fields()

    @property
    def method(self) -> str:
        return str(self.query_one("#td-method", Select).value)

    def _show_fields(self) -> None:
        wanted = _FIELDS[self.method]
        for field_id in _OPTIONAL:
            self.query_one(f"#{field_id}").parent.display = field_id in wanted
        info = ""
        if self.method == "credit" and self._credit is not None:
            info = f"Credit on account: {self._credit}"
        elif self.method == "card":
            info = "Take the card on the terminal first; never type the card number."
        self.query_one("#td-info", Static).update(info)

    @on(Select.Changed, "#td-method")
    def _method_changed(self) -> None:
        self.query_one("#td-error", ErrorLine).clear()
        self._show_fields()

    @on(Input.Changed, "#td-tendered")
    def _show_change(self, event: Input.Changed) -> None:
        try:
            tendered = Money.parse(event.value)
            amount = self.query_one("#td-amount", MoneyInput).money
        except FrontDeskError:
            return
        if tendered >= amount:
            self.query_one("#td-info", Static).update(f"Change due: {tendered - amount}")

    @on(Input.Submitted, "#td-gift")
    def _gift_balance(self) -> None:
        try:
            card = payments.find_gift_card(self.app.desk, self._value("td-gift"))
        except FrontDeskError:
            pass
        else:
            self.query_one("#td-info", Static).update(f"Gift card {card.code}: {card.balance} left")
        self.action_take()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "td-gift":
            return
        wanted = _FIELDS[self.method]
        if event.input.id == wanted[-1]:
            self.action_take()
        else:
            self.focus_next()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def action_take(self) -> None:
        method = self.method
        amount = self._value("td-amount")
        try:
            tender = payments.make_tender(
                self.app.desk,
                method,
                amount,
                tendered=self._value("td-tendered") if method == "cash" else "",
                check_number=self._value("td-check") if method == "check" else "",
                card_brand=str(self.query_one("#td-brand", Select).value)
                if method == "card"
                else "",
                card_last4=self._value("td-last4") if method == "card" else "",
                auth_code=self._value("td-auth") if method == "card" else "",
                gift_card_code=self._value("td-gift") if method == "gift_card" else "",
            )
        except FrontDeskError as error:
            self.query_one("#td-error", ErrorLine).show(error)
            return
        self.dismiss(tender)

    def action_cancel(self) -> None:
        self.dismiss(None)
