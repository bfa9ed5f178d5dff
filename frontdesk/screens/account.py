"""F5 Payments: a patient's account, every entry with the running balance, newest at the
bottom; from it the desk takes a payment (split over tenders), a deposit or a gift card
sale, and with a manager refunds, voids, adjusts and takes back products. Every posting
shows its receipt; any entry's receipt can be seen and printed again, and the patient's
statement printed."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from frontdesk.data.money import Money
from frontdesk.data.money_models import Account, AccountLine
from frontdesk.errors import FrontDeskError
from frontdesk.screens.account_corrections import AdjustDialog, RefundDialog, ReturnDialog
from frontdesk.screens.account_dialogs import Done, TakeMoneyDialog
from frontdesk.services import corrections, patient_account, receipts, statements
from frontdesk.services.ledger import new_key
from frontdesk.widgets.dialogs import ApproveDialog
from frontdesk.widgets.form import ErrorLine, fit
from frontdesk.widgets.patient_picker import PatientPicker
from frontdesk.widgets.receipt_dialog import ReceiptDialog

__all__ = ["AccountScreen", "balance_text"]

# Column widths that keep the whole account on an 80-column terminal.
_WHAT_WIDTH = 28
_MONEY_WIDTH = 9
# The keys that work on an account (not while the patient is being looked up).
_ON_ACCOUNT = {
    "payment",
    "deposit",
    "gift_card",
    "refund",
    "void",
    "adjust",
    "return_product",
    "receipt",
    "statement",
}


def balance_text(balance: Money, credit: Money) -> str:
    """A patient's money in the desk's words: what they owe (or overpaid) and the
    credit held for them from deposits."""
    if balance.cents > 0:
        text = f"Owes {balance}"
    elif balance.cents < 0:
        text = f"Overpaid {-balance} (owed back)"
    else:
        text = "Owes nothing"
    if credit.cents:
        text += f"  ·  credit on account {credit}"
    return text


def _money_cell(amount: Money) -> Text:
    return Text(amount.format(symbol=False), justify="right")


def _left_cell(line: AccountLine) -> Text:
    """What is left to refund of a payment or deposit; VOIDED for a reversed entry."""
    entry = line.entry
    if line.reversed:
        return Text("VOIDED", justify="right", style="bold")
    if entry.kind in ("payment", "deposit") and entry.method != "credit":
        if line.refundable:
            return _money_cell(line.refundable)
        return Text("refunded", justify="right")
    return Text("")


class AccountScreen(Screen[None]):
    """Look a patient up (or open with `patient_id`), then their account."""

    TITLE = "Payments"
    CSS_PATH = "account.tcss"
    BINDINGS = [
        Binding("p", "payment", "Payment"),
        Binding("d", "deposit", "Deposit"),
        Binding("g", "gift_card", "Gift card"),
        Binding("R", "refund", "Refund"),
        Binding("f", "refund", "Refund", show=False),
        Binding("v", "void", "Void"),
        Binding("a", "adjust", "Adjust"),
        Binding("t", "return_product", "Return"),
        Binding("o", "receipt", "Receipt"),
        Binding("S", "statement", "Statement"),
        Binding("L", "app.open_place('receipts')", "Today's receipts", show=False),
        Binding("ctrl+f", "find", "Find patient"),
        Binding("escape", "app.back", "Back"),
    ]
    #: Shown in F1 help after the keys.
    HELP_NOTES = (
        ("enter", "The highlighted entry's receipt (r in it prints it again)"),
        ("Left", "What is left to refund of a payment or deposit"),
        ("VOIDED", "Reversed by a void: the void is its own line further down"),
    )
    AUTO_FOCUS = ""

    def __init__(self, patient_id: int | None = None) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.account: Account | None = None

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="acct-find"):
            yield Static("Payments: whose account?", classes="card-title")
            yield PatientPicker(id="acct-picker")
            yield Static("Enter on a patient opens their account.", classes="hint")
        with Vertical(id="acct-view"):
            yield Static("", id="acct-title", markup=False)
            yield ErrorLine(id="acct-result")
            table: DataTable[Text] = DataTable(
                id="acct-table", cursor_type="row", zebra_stripes=True
            )
            table.add_column("Date", width=8)
            table.add_column(Text("No.", justify="right"), width=5)
            table.add_column("What", width=_WHAT_WIDTH)
            table.add_column(Text("Amount", justify="right"), width=_MONEY_WIDTH)
            table.add_column(Text("Balance", justify="right"), width=_MONEY_WIDTH)
            table.add_column(Text("Left", justify="right"), width=8)  # to refund
            yield table
        yield Footer()

    def on_mount(self) -> None:
        if self.patient_id is None:
            self.action_find()

    def on_screen_resume(self) -> None:
        # Also when first shown, and after a dialog: another desk may have posted.
        if self.patient_id is not None:
            self.read_account()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _ON_ACCOUNT:
            return self.account is not None
        return True

    # -- finding the patient ---------------------------------------------------------------------

    def action_find(self) -> None:
        """Back to the look-up."""
        self.patient_id = None
        self.account = None
        self.query_one("#acct-view").display = False
        self.query_one("#acct-find").display = True
        self.query_one("#pp-query", Input).focus()
        self.refresh_bindings()

    @on(PatientPicker.Picked)
    def _picked(self, event: PatientPicker.Picked) -> None:
        self.patient_id = event.match.id
        self.read_account(to_end=True)

    # -- the account -----------------------------------------------------------------------------

    def read_account(self, *, to_end: bool = False) -> None:
        """Read the account again; the cursor stays on its row, or goes to the newest
        entry (`to_end`, and when the account is first shown)."""
        assert self.patient_id is not None
        try:
            account = patient_account.account(self.app.desk, self.patient_id)
        except FrontDeskError as error:
            self.app.show_error(error)
            if self.account is None:
                self.action_find()
            return
        first = self.account is None or self.account.patient_id != account.patient_id
        self.account = account
        self.query_one("#acct-find").display = False
        self.query_one("#acct-view").display = True
        self.query_one("#acct-title", Static).update(
            f"{account.patient_name}  ·  account {account.account_no}  ·  "
            + balance_text(account.balance, account.credit)
        )
        table = self.query_one("#acct-table", DataTable)
        row = table.cursor_row
        table.clear()
        for line in account.lines:
            entry = line.entry
            table.add_row(
                Text(f"{entry.business_date:%m/%d/%y}"),
                Text(str(entry.id), justify="right"),
                Text(fit(line.description, _WHAT_WIDTH)),
                _money_cell(entry.amount),
                _money_cell(line.balance) if entry.account == "patient" else Text(""),
                _left_cell(line),
                key=str(entry.id),
            )
        if account.lines:
            last = len(account.lines) - 1
            table.move_cursor(row=last if first or to_end else min(max(row, 0), last))
        if first:
            self.query_one("#acct-result", ErrorLine).clear()
        table.focus()
        self.refresh_bindings()

    def _line(self) -> AccountLine | None:
        table = self.query_one("#acct-table", DataTable)
        if self.account is None or not 0 <= table.cursor_row < len(self.account.lines):
            return None
        return self.account.lines[table.cursor_row]

    def _refuse(self, error: FrontDeskError | str) -> None:
        """Why a key did nothing: on the screen, above the entries, until the next."""
        self.query_one("#acct-result", ErrorLine).show(error)

    def _posted(self, done: Done | None) -> None:
        """After a posting: the account read again, what was done said, the receipt shown."""
        if done is None:
            return
        posting, note = done
        self.read_account(to_end=True)
        self.query_one("#acct-result", ErrorLine).success(note)
        self.app.push_screen(ReceiptDialog.of(posting, note=note))

    # -- taking money ----------------------------------------------------------------------------

    def _take(self, kind: str) -> None:
        if self.account is not None:
            self.app.push_screen(TakeMoneyDialog(kind, self.account), self._posted)

    def action_payment(self) -> None:
        self._take("payment")

    def action_deposit(self) -> None:
        self._take("deposit")

    def action_gift_card(self) -> None:
        self._take("gift_card")

    # -- putting it right ------------------------------------------------------------------------

    def action_refund(self) -> None:
        line = self._line()
        if line is None or self.account is None:
            return
        if line.entry.kind not in ("payment", "deposit"):
            self._refuse("Refunds start from a payment or deposit: highlight one.")
        elif line.reversed:
            self._refuse("That payment was voided; there is nothing to refund.")
        elif not line.refundable:
            self._refuse(
                "Nothing is left of that payment to refund."
                if line.entry.method != "credit"
                else "That payment came from the patient's credit; refund the deposit."
            )
        else:
            self.app.push_screen(RefundDialog(self.account, line), self._posted)

    def action_void(self) -> None:
        line = self._line()
        if line is None:
            return
        entry = line.entry
        if not line.voidable:
            self._refuse(
                "That entry was voided already."
                if line.reversed
                else f"Only today's charges, payments, deposits and refunds are voided (this "
                f"one is from {entry.business_date:%m/%d/%Y}); refund or adjust it instead."
                if entry.business_date != self.app.clock.business_date()
                else "That entry cannot be voided; refund or adjust it instead."
            )
            return
        key = new_key()  # made as the void is asked for: one reversal however often

        def approved(answer: object) -> None:
            if answer is None:
                return
            reason, approver = answer  # type: ignore[misc]
            try:
                posting = corrections.void_entry(
                    self.app.desk, entry.id, reason, key, approver=approver
                )
            except FrontDeskError as error:
                self._refuse(error)
                return
            self._posted((posting, f"Voided: {line.description} ({entry.amount})."))

        self.app.push_screen(
            ApproveDialog(
                "Approve void",
                f"Void {line.description}, {entry.amount} of "
                f"{entry.business_date:%m/%d/%Y}? A reversal is posted; both stay on the "
                "account.",
                f"a void of entry {entry.id}",
            ),
            approved,
        )

    def action_adjust(self) -> None:
        if self.account is not None:
            self.app.push_screen(AdjustDialog(self.account), self._posted)

    def action_return_product(self) -> None:
        line = self._line()
        if line is None or self.account is None:
            return
        if line.entry.kind != "charge" or line.entry.charge_id is None:
            self._refuse("Returns start from a product's charge: highlight one.")
            return
        self.app.push_screen(ReturnDialog(self.account, line), self._posted)

    # -- receipts ----------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#acct-table")
    def _selected(self) -> None:
        self.action_receipt()

    def action_receipt(self) -> None:
        line = self._line()
        if line is None:
            return
        posting_id = line.entry.posting_id
        try:
            receipt = receipts.build_receipt(self.app.desk, posting_id, reprint=True)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self.app.push_screen(ReceiptDialog(receipt, posting_id))

    def action_statement(self) -> None:
        """The patient's statement to this workstation's printer."""
        if self.patient_id is None:
            return
        try:
            statements.queue_statement(self.app.desk, self.patient_id)
        except FrontDeskError as error:
            self._refuse(error)
            return
        self.app.notify("Statement sent to the printer.", timeout=3)
