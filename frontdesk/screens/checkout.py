"""Check-out: the visit's fee sheet, the payment, and the visit checked out in one posting.

Type a code or words in the search field (or scan a product's barcode) and Enter adds the
highlighted service or product. On the lines: + / - change the quantity, q types it, d
gives a discount (20 or 10%, with its reason), o overrides the price, v changes the
provider, Delete removes the line. Ctrl+S saves the fee sheet as a draft. t adds a
tender (several make a split payment), n records a visit with no charge, and F9 checks
the patient out: fee sheet finalized, charges and payments posted, receipt queued. A
discount over the limit or a price override asks a manager first. The posting number is
made when the screen opens, so a second F9 (or a retry) posts once.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from frontdesk.data.money_models import Checkout, FeeLine, Tender
from frontdesk.errors import FrontDeskError, Invalid
from frontdesk.screens.checkout_lines import FeeLinesEditor
from frontdesk.services import fee_sheets, ledger, schedule, visits
from frontdesk.services.book import get_appointment, when_text
from frontdesk.services.checkout_bill import Bill, as_fee_lines, paid_at_check_in
from frontdesk.services.ledger import NeedsApproval
from frontdesk.widgets.dialogs import ApproveDialog, AskDialog, ConfirmDialog
from frontdesk.widgets.form import ErrorLine
from frontdesk.widgets.receipt_dialog import ReceiptDialog
from frontdesk.widgets.tender_dialog import TenderDialog
from frontdesk.widgets.tender_list import TenderList

__all__ = ["CheckoutScreen"]

_DOING = "a discount or a price change at check-out"


class CheckoutScreen(Screen[None]):
    """The check-out of one visit."""

    TITLE = "Check-out"
    CSS_PATH = "checkout.tcss"
    HELP_NOTES = (
        ("type, Enter", "Search services and products; Enter adds the highlighted one"),
        ("scan", "A product's barcode adds it at once"),
        ("tab", "From the search to the lines and the tenders"),
        ("*", "The line needs a manager's approval (discount over the limit, price change)"),
    )
    BINDINGS = [
        Binding("f9", "post", "Check out", priority=True),
        Binding("ctrl+s", "save", "Save draft", priority=True),
        Binding("t", "tender", "Add tender"),
        Binding("n", "no_charge", "No charge"),
        Binding("escape", "leave", "Back"),
    ]
    AUTO_FOCUS = "#fl-search"

    def __init__(self, appointment_id: int) -> None:
        super().__init__()
        self.appointment_id = appointment_id
        # Made once, when the screen opens: a second F9 or a retry posts once.
        self.key = ledger.new_key()
        self._saved: list[FeeLine] = []
        self._no_charge = ""
        self._approver = None
        self._approval_reason = ""
        self._posted = False
        self._failed: FrontDeskError | None = None

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        desk = self.app.desk
        yield self.app.header()
        try:
            visit = self._visit = get_appointment(desk, self.appointment_id)
            sheet = fee_sheets.fee_sheet(desk, self.appointment_id)
            self._saved = as_fee_lines(sheet.lines)
            try:  # priced again: today's prices, and which lines need a manager
                priced = tuple(fee_sheets.price_lines(desk, self._saved))
            except FrontDeskError:
                priced = sheet.lines  # as saved; the change that fails will say why
            sheet = sheet.model_copy(update={"lines": priced})
            providers = [r for r in schedule.list_resources(desk) if r.kind == "provider"]
            self._bill = Bill(
                sheet=sheet,
                balance=ledger.balance(desk, visit.patient_id),
                paid_at_check_in=paid_at_check_in(desk, visit.patient_id, self.appointment_id),
                credit=ledger.credit(desk, visit.patient_id),
            )
        except FrontDeskError as error:
            self._failed = error
            yield Footer()
            return
        with VerticalScroll(id="co"):
            yield Static(
                f"Check-out: {visit.patient_name} #{visit.account_no} · {visit.type_name}, "
                f"{visit.resource_name} {when_text(visit.starts_at, self.app.clock.tz)}",
                classes="card-title",
                markup=False,
            )
            yield ErrorLine(id="co-error")
            yield FeeLinesEditor(
                list(self._saved),
                sheet.lines,
                provider_id=sheet.provider_id,
                providers=providers,
                id="co-sheet",
            )
            yield Static("", id="co-totals", markup=False)
            yield TenderList(id="co-tenders")
            yield Static("", id="co-paid", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        if self._failed is not None:
            self.app.show_error(self._failed)
            self.app.call_later(self.app.pop_screen)
            return
        self._show_totals()
        self._show_tenders()

    @property
    def _lines(self) -> list[FeeLine]:
        return self.query_one(FeeLinesEditor).lines

    @on(FeeLinesEditor.Changed)
    def _lines_changed(self, event: FeeLinesEditor.Changed) -> None:
        self._error.clear()
        self._approver = None  # an approval was for the lines as they were
        self._bill = self._bill.priced(list(event.editor.priced))
        self._show_totals()

    @on(FeeLinesEditor.Refused)
    def _line_refused(self, event: FeeLinesEditor.Refused) -> None:
        self._error.show(event.error)

    @property
    def _error(self) -> ErrorLine:
        return self.query_one("#co-error", ErrorLine)

    # -- showing -----------------------------------------------------------------------------

    def _show_totals(self) -> None:
        bill = self._bill
        sheet = bill.sheet
        self.query_one("#co-totals", Static).update(
            f"Subtotal {sheet.subtotal} · Discounts {-sheet.discounts} · Tax {sheet.tax} · "
            f"Visit total {sheet.total}\n"
            f"Prior balance {bill.prior_balance} · Paid at check-in {bill.paid_at_check_in} · "
            f"Credit {bill.credit} · Due now {bill.due_now}"
        )
        self._show_paid()

    @property
    def _tenders(self) -> list[Tender]:
        return self.query_one(TenderList).tenders

    def _show_tenders(self) -> None:
        self._bill = replace(self._bill, tenders=tuple(self._tenders))
        self._show_paid()

    def _show_paid(self) -> None:
        bill = self._bill
        if self._tenders:
            text = f"Paying {bill.paying} of {bill.due_now} due"
            if bill.left.cents < 0:
                text += f" · over by {-bill.left}: remove a tender"
            else:
                text += f" · left to pay {bill.left}"
            if bill.change:
                text += f" · change due {bill.change}"
        elif self._no_charge and not bill.sheet.lines:
            text = f"No charge: {self._no_charge}"
        else:
            text = f"Due now {bill.due_now}: t adds a tender · F9 checks out"
        self.query_one("#co-paid", Static).update(text)

    # -- saving the draft --------------------------------------------------------------------

    def action_save(self) -> None:
        if self._posted:
            return
        why = self._bill.needs_approval
        if why and self._approver is None and not self._manager_signed_in:
            self._ask_manager(why, self.action_save)
            return
        try:
            fee_sheets.save_fee_sheet(
                self.app.desk,
                self.appointment_id,
                self._lines,
                approver=self._approver,
                approval_reason=self._approval_reason,
            )
        except NeedsApproval as needs:
            self._ask_manager(str(needs), self.action_save)
            return
        except FrontDeskError as error:
            self._error.show(error)
            return
        self._saved = list(self._lines)
        count = len(self._lines)
        self._error.success(f"Fee sheet saved as a draft: {count} line{'s' * (count != 1)}.")

    @property
    def _manager_signed_in(self) -> bool:
        actor = self.app.actor
        return actor is not None and actor.is_manager

    def _ask_manager(self, why: str, then) -> None:
        """A manager's username and PIN for `why`; then `then` again, with the approver."""

        def answered(answer: object) -> None:
            if not isinstance(answer, tuple):
                self._error.show(f"Not done: a manager must approve {why}.")
                return
            self._approval_reason, self._approver = answer[0], answer[1]
            then()

        self.app.push_screen(
            ApproveDialog("Manager approval", f"A manager must approve: {why}.", _DOING),
            answered,
        )

    # -- paying --------------------------------------------------------------------------------

    def action_tender(self) -> None:
        if self._posted:
            return
        bill = self._bill
        methods = ("cash", "check", "card", "gift_card")
        if bill.credit.cents > 0:
            methods += ("credit",)

        def taken(tender: Tender | None) -> None:
            if tender is None:
                return
            self._error.clear()
            self.query_one(TenderList).add(tender)
            self.query_one(TenderList).focus()

        self.app.push_screen(
            TenderDialog(
                f"Payment: {bill.left} left to pay", bill.left, methods=methods, credit=bill.credit
            ),
            taken,
        )

    @on(TenderList.Changed)
    def _tenders_changed(self, event: TenderList.Changed) -> None:
        self._show_tenders()
        if event.emptied:
            self.query_one(FeeLinesEditor).focus_lines()

    def action_no_charge(self) -> None:
        if self._lines:
            self._error.show("A visit with no charge has no lines: remove them first (Delete).")
            return

        def reason(text: object) -> None:
            if isinstance(text, str):
                self._no_charge = text
                self._show_paid()

        def check(text: str) -> str:
            if not text.strip():
                raise Invalid("Say why there is no charge, e.g. post-op check in global period.")
            return text.strip()

        self.app.push_screen(AskDialog("No charge", "Reason", check, value=self._no_charge), reason)

    # -- checking out --------------------------------------------------------------------------

    def action_post(self) -> None:
        if self._posted:
            return
        why = self._bill.needs_approval
        if why and self._approver is None and not self._manager_signed_in:
            self._ask_manager(why, self.action_post)
            return
        checkout = Checkout(
            appointment_id=self.appointment_id,
            lines=tuple(self._lines),
            tenders=tuple(self._tenders),
            idempotency_key=self.key,
            no_charge_reason=self._no_charge if not self._lines else "",
        )
        try:
            posting = visits.check_out(
                self.app.desk,
                checkout,
                approver=self._approver,
                approval_reason=self._approval_reason,
            )
        except NeedsApproval as needs:
            self._approver = None
            self._ask_manager(str(needs), self.action_post)
            return
        except FrontDeskError as error:
            self._error.show(error)
            return
        self._posted = True
        self._saved = list(self._lines)
        change = posting.change
        note = f"Change due: {change}" if change else f"Checked out: {self._visit.patient_name}"
        self.app.push_screen(ReceiptDialog.of(posting, note=note), self._checked_out)

    def _checked_out(self, _closed: object = None) -> None:
        """Back to the flow board, then offer to book the follow-up."""
        app, visit = self.app, self._visit
        question = f"Book {visit.patient_name}'s follow-up now?" + _recall_text(app, visit)
        app.pop_screen()
        app.call_later(_offer_follow_up, app, visit, question)

    def action_leave(self) -> None:
        if self._posted or (self._lines == self._saved and not self._tenders):
            self.app.pop_screen()
            return
        unsaved = []
        if self._lines != self._saved:
            unsaved.append("The fee sheet's changes are not saved (Ctrl+S saves a draft).")
        if self._tenders:
            unsaved.append(f"The {len(self._tenders)} tender(s) taken are not posted.")
        self.app.push_screen(
            ConfirmDialog(
                "Leave check-out", " ".join(["Leave without checking out?", *unsaved]), "Leave"
            ),
            lambda leave: self.app.pop_screen() if leave else None,
        )


def _recall_text(app, visit) -> str:
    """The recall the check-out set up, if the visit's type has one."""
    from frontdesk.services import visit_types
    from frontdesk.services.book import patient_book_summary

    try:
        kind = visit_types.get_type(app.desk, visit.type_id)
        if not kind.recall_months:
            return ""
        summary = patient_book_summary(app.desk, visit.patient_id)
    except FrontDeskError:
        return ""
    if summary.recall_due is not None and summary.recall_kind.lower() == kind.recall_kind.lower():
        return f"\nA recall was set up: {kind.recall_kind}, due {summary.recall_due:%m/%d/%Y}."
    return f"\nA recall was set up: {kind.recall_kind}, in {kind.recall_months} months."


def _offer_follow_up(app, visit, question: str) -> None:
    from frontdesk.screens.booking import start_booking

    def answered(yes: bool | None) -> None:
        if yes:
            start_booking(
                app,
                patient_id=visit.patient_id,
                patient_name=visit.patient_name,
                resource_id=visit.resource_id,
            )

    app.push_screen(ConfirmDialog("Next step", question, yes="Book"), answered)
