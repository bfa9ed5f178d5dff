"""Check-in: confirm the patient's contact details and insurance card, collect a co-pay or
a deposit, and mark the patient arrived, all in one save (Ctrl+S).

Contact details are saved only when changed; the card is recorded as verified on the date
shown (today unless changed). A co-pay or deposit is taken in one or more tenders (t adds
one, Delete removes the highlighted one). The posting number is made when the screen
opens, so a second Ctrl+S posts once.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Select, Static

from frontdesk.data.models import Patient, PatientDraft
from frontdesk.data.money_models import Tender
from frontdesk.errors import FrontDeskError
from frontdesk.services import patients, visits
from frontdesk.services.book import STATUS_WORDS, get_appointment, when_text
from frontdesk.services.ledger import new_key
from frontdesk.widgets.dialogs import ConfirmDialog
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow
from frontdesk.widgets.receipt_dialog import ReceiptDialog
from frontdesk.widgets.tender_dialog import TenderDialog
from frontdesk.widgets.tender_list import TenderList

__all__ = ["CheckInScreen"]

# (patient field, label, input options): the contact details confirmed at the desk.
_CONTACT = (
    ("phone", "Phone", {"max_length": 20}),
    ("email", "Email", {"max_length": 120}),
    ("address1", "Street", {"max_length": 100}),
    ("city", "City", {"max_length": 60}),
    ("state", "State", {"max_length": 2}),
    ("postal_code", "ZIP", {"max_length": 10, "restrict": r"[0-9-]*"}),
)
_COLLECT = (("Nothing", "none"), ("Co-pay", "copay"), ("Deposit", "deposit"))
# How each is paid: a deposit is money that changes hands (it becomes credit).
_METHODS = {
    "copay": ("cash", "check", "card", "gift_card"),
    "deposit": ("cash", "check", "card"),
}
_WORDS = {"copay": "Co-pay", "deposit": "Deposit"}


class CheckInScreen(Screen[None]):
    """Check one appointment's patient in."""

    TITLE = "Check-in"
    CSS_PATH = "check_in.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Check in", priority=True),
        Binding("t", "tender", "Add tender"),
        Binding("escape", "leave", "Back"),
    ]
    AUTO_FOCUS = "#ci-phone"

    def __init__(self, appointment_id: int) -> None:
        super().__init__()
        self.appointment_id = appointment_id
        # Made once, when the screen opens: a second Ctrl+S or a retry posts once.
        self.key = new_key()
        self._patient: Patient | None = None
        self._failed: FrontDeskError | None = None
        self._done = False

    def compose(self) -> ComposeResult:
        desk = self.app.desk
        yield self.app.header()
        try:
            visit = get_appointment(desk, self.appointment_id)
            patient = self._patient = patients.get_patient(desk, visit.patient_id)
            card = visits.current_insurance(desk, patient.id)
        except FrontDeskError as error:
            self._failed = error
            yield Footer()
            return
        today = self.app.clock.business_date()
        with VerticalScroll(id="ci", classes="dense"):
            yield Static(
                f"Check-in: {patient.display_name} · #{patient.account_no} · "
                f"born {patient.dob:%m/%d/%Y}",
                classes="card-title",
                markup=False,
            )
            yield Static(
                f"{visit.type_name}, {visit.resource_name} "
                f"{when_text(visit.starts_at, self.app.clock.tz)} · "
                f"{STATUS_WORDS.get(visit.status, visit.status)}"
                + (f" · alert: {patient.alerts}" if patient.alerts else ""),
                id="ci-visit",
                markup=False,
            )
            yield ErrorLine(id="ci-error")
            with Horizontal(id="ci-panels"):
                with Vertical(id="ci-contact"):
                    yield Static("Contact", classes="section-title")
                    for name, label, options in _CONTACT:
                        yield FormRow(
                            label, Field(str(getattr(patient, name)), id=f"ci-{name}", **options)
                        )
                with Vertical(id="ci-insurance"):
                    on_file = f" (on file, checked {card.verified_on:%m/%d/%Y})" if card else ""
                    yield Static(f"Insurance card{on_file}", classes="section-title")
                    yield FormRow(
                        "Payer", Field(card.payer if card else "", id="ci-payer", max_length=60)
                    )
                    yield FormRow(
                        "Member id",
                        Field(card.member_id if card else "", id="ci-member", max_length=30),
                    )
                    yield FormRow(
                        "Group", Field(card.group_no if card else "", id="ci-group", max_length=30)
                    )
                    yield FormRow(
                        "Verified",
                        Field(
                            f"{today:%m/%d/%Y}",
                            id="ci-verified",
                            max_length=10,
                            restrict=r"[0-9/.-]*",
                        ),
                    )
            yield FormRow(
                "Collect",
                Choice(_COLLECT, allow_blank=False, value="none", id="ci-collect"),
            )
            yield TenderList(id="ci-tenders")
            yield Static("", id="ci-total", markup=False)
            yield Static(
                "Enter: next   t: add tender   Del: remove it   Ctrl+S: check in   Esc: back",
                classes="hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        if self._failed is not None:
            self.app.show_error(self._failed)
            self.app.call_later(self.app.pop_screen)
            return
        self._show_tenders()

    @property
    def collect(self) -> str:
        return str(self.query_one("#ci-collect", Select).value)

    @property
    def _error(self) -> ErrorLine:
        return self.query_one("#ci-error", ErrorLine)

    # -- moving through the form -------------------------------------------------------------

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    @on(Select.Changed, "#ci-collect")
    def _collect_changed(self) -> None:
        self._error.clear()
        self._show_tenders()

    # -- tenders -----------------------------------------------------------------------------

    @property
    def _tenders(self) -> list[Tender]:
        return self.query_one(TenderList).tenders

    def _show_tenders(self) -> None:
        tender_list = self.query_one(TenderList)
        collecting = self.collect != "none"
        tender_list.display = collecting and bool(tender_list.tenders)
        total = self.query_one("#ci-total", Static)
        total.display = collecting
        if collecting:
            what = _WORDS[self.collect]
            count = len(tender_list.tenders)
            if not count:
                total.update(f"{what}: no tender yet — t adds how the patient pays.")
            else:
                text = f"{what}: {tender_list.paid} in {count} tender{'s' * (count != 1)}"
                change = tender_list.change
                total.update(text + (f" · change due {change}" if change else ""))

    def action_tender(self) -> None:
        if self._done:
            return
        collect = self.collect
        if collect == "none":
            self._error.show("Choose what to collect first: a co-pay or a deposit.")
            self.query_one("#ci-collect").focus()
            return

        def taken(tender: Tender | None) -> None:
            if tender is not None:
                self._error.clear()
                self.query_one(TenderList).add(tender)
                self.query_one(TenderList).focus()

        self.app.push_screen(TenderDialog(_WORDS[collect], methods=_METHODS[collect]), taken)

    @on(TenderList.Changed)
    def _tenders_changed(self, event: TenderList.Changed) -> None:
        self._show_tenders()
        if event.emptied:
            self.query_one("#ci-collect").focus()

    # -- checking in ------------------------------------------------------------------------

    def _value(self, name: str) -> str:
        return self.query_one(f"#ci-{name}", Input).value.strip()

    def _contact(self) -> PatientDraft | None:
        """The patient's record with the contact fields as typed, or None if unchanged."""
        patient = self._patient
        assert patient is not None
        typed = {name: self._value(name) for name, _, _ in _CONTACT}
        if all(typed[name] == str(getattr(patient, name)) for name in typed):
            return None
        values = patient.model_dump(include=set(PatientDraft.model_fields) - {"dob"})
        return PatientDraft(**{**values, **typed, "dob": f"{patient.dob:%m/%d/%Y}"})

    def _insurance(self):
        payer, member, group = self._value("payer"), self._value("member"), self._value("group")
        verified = visits.parse_verified_on(self.app.desk, self._value("verified"))
        if not (payer or member or group):
            return None
        return payer, member, group, verified

    def action_save(self) -> None:
        if self._done:
            return
        collect = self.collect
        try:
            _visit, posting = visits.check_in(
                self.app.desk,
                self.appointment_id,
                contact=self._contact(),
                original=self._patient,
                insurance=self._insurance(),
                collect=None if collect == "none" else collect,
                tenders=self._tenders if collect != "none" else [],
                key=self.key,
            )
        except FrontDeskError as error:
            self._error.show(error)
            return
        self._done = True
        patient = self._patient
        assert patient is not None
        if posting is None:
            self.app.notify(f"Checked in: {patient.display_name}.", timeout=4, markup=False)
            self.app.pop_screen()
            return
        change = posting.change
        note = (
            f"Change due: {change}"
            if change
            else f"Checked in: {patient.display_name} · {_WORDS[collect]} taken"
        )
        self.app.push_screen(
            ReceiptDialog.of(posting, note=note), lambda _closed: self.app.pop_screen()
        )

    def action_leave(self) -> None:
        if self._done or not self._tenders:
            self.app.pop_screen()
            return
        self.app.push_screen(
            ConfirmDialog(
                "Leave check-in",
                f"Leave without checking in? The {len(self._tenders)} tender(s) taken are not "
                "posted.",
                "Leave",
            ),
            lambda leave: self.app.pop_screen() if leave else None,
        )
