"""The account screen's dialog for money taken in one or more tenders: a payment on the
balance, a deposit, a gift card sold (the corrections are in `account_corrections`).

Each account dialog makes its posting's idempotency key when it opens, so a double Enter
or a retry posts once, calls one service, shows a refusal in its own error line (nothing
is posted and the dialog stays open to put it right) and dismisses with the posting and
a line saying what was done (`Done`).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from frontdesk.data.money import Money
from frontdesk.data.money_models import Account, Posting, Tender
from frontdesk.errors import FrontDeskError
from frontdesk.services import payments
from frontdesk.services.ledger import new_key
from frontdesk.services.payments import METHOD_WORDS
from frontdesk.widgets.form import ErrorLine, Field, FormRow, MoneyInput
from frontdesk.widgets.tender_dialog import TenderDialog

__all__ = ["Done", "TakeMoneyDialog", "replayed", "tender_text"]

#: What a dialog dismisses with: the posting and a line saying what was done.
Done = tuple[Posting, str]

# (title, the ways it may be paid) of each kind of money taken.
_TAKING = {
    "payment": ("Payment on the balance", ("cash", "check", "card", "gift_card", "credit")),
    "deposit": ("Deposit (held as credit)", ("cash", "check", "card")),
    "gift_card": ("Sell a gift card", ("cash", "check", "card")),
}


def tender_text(tender: Tender) -> str:
    """One tender as the dialog lists it: "Card Visa ****4242  $20.00"."""
    detail = {
        "check": f" #{tender.check_number}",
        "card": f" {tender.card_brand} ****{tender.card_last4}",
        "gift_card": f" {tender.gift_card_code}",
    }.get(tender.method, "")
    text = f"{METHOD_WORDS[tender.method]}{detail}  {tender.amount}"
    if tender.method == "cash" and tender.tendered is not None:
        text += f"  (handed over {tender.tendered}, change {tender.change})"
    return text


def replayed(posting: Posting, note: str) -> str:
    """`note`, or that it was posted already (the same dialog submitted again)."""
    return f"Posted already: receipt {posting.number}." if posting.replayed else note


class TakeMoneyDialog(ModalScreen[Done | None]):
    """A payment on the balance, a deposit or a gift card sold (`kind`), paid by one or
    more tenders (a split): each tender is taken in the TenderDialog, listed here, and
    Enter posts them together."""

    CSS_PATH = "account.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "post", "Post"),
        Binding("enter", "post", "Post", show=False),
        Binding("a", "add", "Another tender"),
        Binding("delete,backspace", "remove", "Remove the last tender"),
    ]
    AUTO_FOCUS = ""  # nothing to type for a payment or deposit: keys go to the bindings

    def __init__(self, kind: str, account: Account) -> None:
        super().__init__()
        self.kind = kind
        self.account = account
        self.key = new_key()  # one posting, however often Enter is pressed
        self.tenders: list[Tender] = []

    def compose(self) -> ComposeResult:
        title, _ = _TAKING[self.kind]
        with Vertical(classes="acct-dialog dense"):
            yield Static(title, classes="dialog-title", markup=False)
            yield Static(
                f"{self.account.patient_name}  ·  account {self.account.account_no}",
                markup=False,
            )
            if self.kind == "gift_card":
                ceiling = self.app.settings.amount_ceiling.cents
                yield FormRow("Card amount", MoneyInput(None, ceiling=ceiling, id="tm-amount"))
                yield FormRow("For (recipient)", Field(id="tm-recipient", max_length=60))
            yield Static("", id="tm-tenders", markup=False)
            yield Static("", id="tm-due", markup=False)
            yield ErrorLine(id="tm-error")
            yield Static(
                "Enter: post   a: another tender   Del: remove the last   Esc: cancel",
                classes="hint",
            )

    def on_mount(self) -> None:
        self._show()
        if self.kind == "gift_card":
            self.query_one("#tm-amount").focus()
        else:
            self.action_add()

    # -- what is due ------------------------------------------------------------------------

    def _taken(self) -> Money:
        return sum((t.amount for t in self.tenders), Money(0))

    def _due(self) -> Money | None:
        """What the tenders should come to: the balance, the card's amount, or None
        (a deposit, or a card amount not typed yet)."""
        if self.kind == "payment":
            return self.account.balance
        if self.kind == "gift_card":
            try:
                return self._card_amount()
            except FrontDeskError:
                return None
        return None

    def _card_amount(self) -> Money:
        """The gift card's amount as typed, or BadAmount saying why not."""
        return self.query_one("#tm-amount", MoneyInput).money

    def _left(self) -> Money | None:
        due = self._due()
        return None if due is None else due - self._taken()

    def _show(self) -> None:
        lines = [f"  {tender_text(t)}" for t in self.tenders]
        self.query_one("#tm-tenders", Static).update(
            "Tenders:\n" + "\n".join(lines) if lines else "No tender taken yet."
        )
        due, left = self._due(), self._left()
        text = f"Taken: {self._taken()}"
        if self.kind == "payment" and due is not None:
            text = f"Balance: {due}   " + text
        if left is not None and left.cents > 0:
            text += f"   Still to pay: {left}"
        self.query_one("#tm-due", Static).update(text)

    @on(Input.Changed, "#tm-amount")
    def _amount_changed(self) -> None:
        self._show()

    # -- keys ---------------------------------------------------------------------------------

    @on(Input.Submitted, "#tm-amount")
    def _to_recipient(self) -> None:
        self.query_one("#tm-recipient").focus()

    @on(Input.Submitted, "#tm-recipient")
    def _recipient_done(self) -> None:
        if self.tenders:
            self.action_post()
        else:
            self.action_add()

    def action_add(self) -> None:
        self.query_one("#tm-error", ErrorLine).clear()
        if self.kind == "gift_card":
            try:
                self._card_amount()
            except FrontDeskError as error:
                self.query_one("#tm-error", ErrorLine).show(error)
                self.query_one("#tm-amount").focus()
                return
        title, methods = _TAKING[self.kind]
        credit = self.account.credit
        if self.kind == "payment" and not credit.cents > 0:
            methods = tuple(m for m in methods if m != "credit")
        left = self._left()
        self.app.push_screen(
            TenderDialog(title, left, methods=methods, credit=credit), self._tender_taken
        )

    def _tender_taken(self, tender: Tender | None) -> None:
        if tender is None:
            if not self.tenders and self.kind != "gift_card":
                self.dismiss(None)  # nothing taken: the payment was not wanted after all
            return
        self.tenders.append(tender)
        self._show()
        self.set_focus(None)  # Enter now posts; Tab gets back to the fields

    def action_remove(self) -> None:
        if self.tenders:
            self.tenders.pop()
            self._show()

    def action_post(self) -> None:
        if not self.tenders:
            self.action_add()
            return
        desk = self.app.desk
        patient_id = self.account.patient_id
        try:
            if self.kind == "payment":
                posting = payments.post_payment(desk, patient_id, self.tenders, self.key)
            elif self.kind == "deposit":
                posting = payments.post_deposit(desk, patient_id, self.tenders, self.key)
            else:
                posting = payments.sell_gift_card(
                    desk,
                    self._card_amount(),
                    self.tenders,
                    self.key,
                    purchaser_id=patient_id,
                    recipient=self.query_one("#tm-recipient", Input).value,
                )
        except FrontDeskError as error:
            self.query_one("#tm-error", ErrorLine).show(error)
            return
        self.dismiss((posting, replayed(posting, self._note(posting))))

    def _note(self, posting: Posting) -> str:
        taken = self._taken()
        if self.kind == "payment":
            note = f"Payment of {taken} posted."
        elif self.kind == "deposit":
            note = f"Deposit of {taken} taken; it is held as credit on account."
        else:
            code = posting.receipt.gift_card_code if posting.receipt else ""
            note = f"Gift card {code} sold: {taken}."
        if posting.change:
            note += f" Change due: {posting.change}"
        return note

    def action_cancel(self) -> None:
        self.dismiss(None)
