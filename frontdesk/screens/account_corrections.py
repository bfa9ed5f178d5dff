"""The corrections a manager approves, from the account screen: a refund of a payment or
deposit, an adjustment of the balance, a product taken back. Each form takes its values,
then the manager's say-so (ApproveDialog: the reason, and a manager's username and PIN
unless one is signed in), then makes one service call; a refusal is shown in the form,
which stays open, and nothing is posted."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from frontdesk.data.models import Actor
from frontdesk.data.money import Money
from frontdesk.data.money_models import Account, AccountLine
from frontdesk.errors import FrontDeskError, Invalid
from frontdesk.screens.account_dialogs import Done, replayed
from frontdesk.services import corrections
from frontdesk.services.ledger import new_key
from frontdesk.services.payments import METHOD_WORDS
from frontdesk.widgets.dialogs import ApproveDialog
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow, MoneyInput

__all__ = ["AdjustDialog", "RefundDialog", "ReturnDialog"]

# How a refund goes back, in words.
_HOW = {
    "cash": "in cash",
    "check": "by check",
    "card": "to the card",
    "gift_card": "to the gift card",
    "credit": "as credit on account",
}


class _ApprovedForm(ModalScreen[Done | None]):
    """A correction's form: its values, a manager's say-so (ApproveDialog: the reason,
    and a manager's username and PIN unless one is signed in), then one service call."""

    CSS_PATH = "account.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "take", "Ask")]
    APPROVAL_TITLE = "Manager approval"
    LAST_FIELD = ""  # the field whose Enter asks for the approval
    ERROR_ID = ""  # the form's error line

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account
        self.key = new_key()  # made as the form opens: one posting for all its tries

    def _question(self) -> tuple[str, str]:
        """What the manager is asked to approve and the words for the audit log; raises
        FrontDeskError when a field is not right."""
        raise NotImplementedError

    def _post(self, reason: str, approver: Actor | None) -> Done:
        raise NotImplementedError

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == self.LAST_FIELD:
            self.action_take()
        else:
            self.focus_next()

    def action_take(self) -> None:
        error_line = self.query_one(f"#{self.ERROR_ID}", ErrorLine)
        error_line.clear()
        try:
            problem, doing = self._question()
        except FrontDeskError as error:
            error_line.show(error)
            return
        self.app.push_screen(ApproveDialog(self.APPROVAL_TITLE, problem, doing), self._approved)

    def _approved(self, answer: object) -> None:
        if answer is None:
            return  # the manager said no or Esc: the form stays as it was
        reason, approver = answer  # type: ignore[misc]
        try:
            done = self._post(reason, approver)
        except FrontDeskError as error:
            self.query_one(f"#{self.ERROR_ID}", ErrorLine).show(error)
            return
        self.dismiss(done)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _refund_methods(line: AccountLine) -> list[tuple[str, str]]:
    """The original tender first; then the others a manager may choose instead."""
    original = line.entry.method or "cash"
    others = ["cash", "check", "card"]
    if line.entry.kind == "payment":
        others.append("credit")
    choices = [(f"{METHOD_WORDS[original]} (as paid)", original)]
    choices += [(METHOD_WORDS[m], m) for m in others if m != original]
    return choices


class RefundDialog(_ApprovedForm):
    """Refund part or all of a payment or deposit: back on the original tender unless
    another is chosen, a card's refund approval code or the refund check's number, the
    amount (what is left, to start with); the reason goes to the manager's approval."""

    APPROVAL_TITLE = "Approve refund"
    LAST_FIELD = "rf-amount"
    ERROR_ID = "rf-error"

    def __init__(self, account: Account, line: AccountLine) -> None:
        super().__init__(account)
        self.line = line

    def compose(self) -> ComposeResult:
        entry = self.line.entry
        with Vertical(classes="acct-dialog dense"):
            yield Static("Refund", classes="dialog-title")
            yield Static(
                f"{self.line.description}\n{entry.business_date:%m/%d/%Y}  ·  paid "
                f"{-entry.amount}  ·  {self.line.refundable} left to refund",
                markup=False,
            )
            yield FormRow(
                "Back on",
                Choice(
                    _refund_methods(self.line),
                    allow_blank=False,
                    value=entry.method or "cash",
                    id="rf-method",
                ),
            )
            yield FormRow("Refund code", Field(id="rf-reference", max_length=12))
            ceiling = self.app.settings.amount_ceiling.cents
            yield FormRow(
                "Amount", MoneyInput(self.line.refundable, ceiling=ceiling, id="rf-amount")
            )
            yield Static("", id="rf-info", markup=False)
            yield ErrorLine(id="rf-error")
            yield Static("Enter: next / ask the manager   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self._show_reference()
        self.query_one("#rf-method").focus()

    @property
    def method(self) -> str:
        return str(self.query_one("#rf-method", Select).value)

    @on(Select.Changed, "#rf-method")
    def _show_reference(self) -> None:
        method = self.method
        field = self.query_one("#rf-reference", Input)
        row = field.parent
        assert row is not None
        row.display = method in ("card", "check")
        row.query_one(Label).update("Refund approval" if method == "card" else "Refund check no.")
        info = {
            "card": "Refund on the card terminal first; type its refund approval code.",
            "check": "Write the refund check first; type its number.",
            "credit": "The amount stays with the practice as the patient's credit.",
        }.get(method, "")
        self.query_one("#rf-info", Static).update(info)
        self.query_one("#rf-info").display = bool(info)

    def _amount(self) -> Money:
        return self.query_one("#rf-amount", MoneyInput).money

    def _how(self) -> str:
        method = self.method
        reference = self.query_one("#rf-reference", Input).value.strip()
        if method == "check" and reference:
            return f"by check #{reference}"
        if method == "card" and self.line.entry.card_brand:
            return f"to the {self.line.entry.card_brand} card"
        return _HOW[method]

    def _question(self) -> tuple[str, str]:
        amount = self._amount()
        corrections.check_refund(  # what stops it is said before a manager is asked
            self.app.desk,
            self.line.entry.id,
            amount,
            method=self.method,
            reference=self.query_one("#rf-reference", Input).value,
        )
        return (
            f"Refund {self.account.patient_name} {amount} {self._how()}, from "
            f"{self.line.description} of {self.line.entry.business_date:%m/%d/%Y}.",
            f"a refund of {amount}",
        )

    def _post(self, reason: str, approver: Actor | None) -> Done:
        amount = self._amount()
        posting = corrections.refund_payment(
            self.app.desk,
            self.line.entry.id,
            amount,
            reason,
            self.key,
            method=self.method,
            reference=self.query_one("#rf-reference", Input).value,
            approver=approver,
        )
        note = f"Refunded {amount} {self._how()}."
        if self.method == "cash":
            note += f" Give {amount} from the drawer."
        return posting, replayed(posting, note)


class AdjustDialog(_ApprovedForm):
    """Take an amount off what the patient owes, with its reason code; the reason given
    to the approving manager is kept as the adjustment's note."""

    APPROVAL_TITLE = "Approve adjustment"
    LAST_FIELD = "ad-amount"
    ERROR_ID = "ad-error"

    def compose(self) -> ComposeResult:
        owed = self.account.balance
        with Vertical(classes="acct-dialog dense"):
            yield Static("Adjustment", classes="dialog-title")
            yield Static(
                f"{self.account.patient_name} owes {owed if owed.cents > 0 else Money(0)}.",
                markup=False,
            )
            yield FormRow(
                "Reason code",
                Choice(
                    [
                        (words.capitalize(), code)
                        for code, words in corrections.ADJUSTMENT_WORDS.items()
                        if code != "returned"  # a return is its own key (t)
                    ],
                    allow_blank=False,
                    value="courtesy",
                    id="ad-code",
                ),
            )
            ceiling = self.app.settings.amount_ceiling.cents
            yield FormRow(
                "Amount off",
                MoneyInput(owed if owed.cents > 0 else None, ceiling=ceiling, id="ad-amount"),
            )
            yield ErrorLine(id="ad-error")
            yield Static(
                "The reason you give the manager is kept as the adjustment's note.\n"
                "Enter: next / ask the manager   Esc: cancel",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#ad-code").focus()

    def _code(self) -> str:
        return str(self.query_one("#ad-code", Select).value)

    def _question(self) -> tuple[str, str]:
        amount = self.query_one("#ad-amount", MoneyInput).money
        words = corrections.ADJUSTMENT_WORDS[self._code()]
        return (
            f"Take {amount} off {self.account.patient_name}'s balance ({words}).",
            f"an adjustment of {amount}",
        )

    def _post(self, reason: str, approver: Actor | None) -> Done:
        amount = self.query_one("#ad-amount", MoneyInput).money
        posting = corrections.adjust_balance(
            self.app.desk,
            self.account.patient_id,
            amount,
            self._code(),
            self.key,
            note=reason,
            approver=approver,
        )
        words = corrections.ADJUSTMENT_WORDS[self._code()]
        return posting, replayed(posting, f"Adjusted: {amount} off the balance ({words}).")


class ReturnDialog(_ApprovedForm):
    """A retail product brought back from a sale on the account: how many, and whether
    they go back on the shelf or are written off."""

    APPROVAL_TITLE = "Approve return"
    LAST_FIELD = "rt-quantity"
    ERROR_ID = "rt-error"

    def __init__(self, account: Account, line: AccountLine) -> None:
        super().__init__(account)
        self.line = line

    def compose(self) -> ComposeResult:
        with Vertical(classes="acct-dialog dense"):
            yield Static("Return a product", classes="dialog-title")
            yield Static(
                f"{self.line.description}\nsold {self.line.entry.business_date:%m/%d/%Y}"
                f"  ·  {self.line.entry.amount}",
                markup=False,
            )
            yield FormRow(
                "Back on the shelf",
                Choice(
                    [("Yes, it can be sold again", "yes"), ("No, write it off", "no")],
                    allow_blank=False,
                    value="yes",
                    id="rt-stock",
                ),
            )
            yield FormRow(
                "How many", Field("1", id="rt-quantity", max_length=3, restrict=r"[0-9]*")
            )
            yield ErrorLine(id="rt-error")
            yield Static("Enter: next / ask the manager   Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#rt-stock").focus()

    def _quantity(self) -> int:
        text = self.query_one("#rt-quantity", Input).value.strip()
        if not text.isdigit() or int(text) < 1:
            raise Invalid("Enter how many came back (1 or more).")
        return int(text)

    def _back_to_stock(self) -> bool:
        return self.query_one("#rt-stock", Select).value == "yes"

    def _question(self) -> tuple[str, str]:
        quantity = self._quantity()
        shelf = "back on the shelf" if self._back_to_stock() else "written off"
        return (
            f"Take back {quantity} of {self.line.description} ({shelf}); its price comes "
            "off the balance.",
            f"a return of {self.line.description}",
        )

    def _post(self, reason: str, approver: Actor | None) -> Done:
        quantity = self._quantity()
        posting = corrections.return_product(
            self.app.desk,
            self.line.entry.charge_id or 0,
            quantity,
            self.key,
            back_to_stock=self._back_to_stock(),
            approver=approver,
            reason=reason,
        )
        note = (
            f"Returned {quantity}; its price is off the balance. To give the money back, "
            "refund the payment (R)."
        )
        return posting, replayed(posting, note)
