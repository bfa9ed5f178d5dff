"""F3 Patients: look a patient up, see their summary (with their balance, for the desk
that takes money), register a new one, edit one, open their account."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Select, Static

from frontdesk.data.clock import clock_text, from_stored
from frontdesk.data.models import Appointment, Patient, PatientDraft, PatientMatch
from frontdesk.errors import FrontDeskError
from frontdesk.screens.account import AccountScreen, balance_text
from frontdesk.services import patient_account, patients
from frontdesk.services.book import PatientBookSummary, patient_book_summary
from frontdesk.services.ledger import MONEY_ROLES
from frontdesk.widgets.dialogs import ConfirmDialog
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow
from frontdesk.widgets.patient_picker import PatientPicker

__all__ = ["PatientForm", "PatientsScreen", "book_text", "summary_text"]

# (field, label, input options) in the order the form shows them.
_TEXT_FIELDS = (
    ("first_name", "First name", {"max_length": 60}),
    ("middle_name", "Middle name", {"max_length": 60}),
    ("last_name", "Last name", {"max_length": 60}),
    ("preferred_name", "Goes by", {"max_length": 60}),
    ("dob", "Born (MM/DD/YYYY)", {"max_length": 10, "restrict": r"[0-9/.-]*"}),
    ("phone", "Phone", {"max_length": 20}),
    ("email", "Email", {"max_length": 120}),
    ("address1", "Street", {"max_length": 100}),
    ("address2", "Apt / suite", {"max_length": 100}),
    ("city", "City", {"max_length": 60}),
    ("state", "State", {"max_length": 2}),
    ("postal_code", "ZIP", {"max_length": 10, "restrict": r"[0-9-]*"}),
    ("alerts", "Alerts", {"max_length": 200}),
    ("notes", "Notes", {"max_length": 500}),
)
_CONTACTS = (
    ("Phone call", "phone"),
    ("Text message", "text"),
    ("Email", "email"),
    ("Mail", "mail"),
)
_SEXES = (("Not given", ""), ("Female", "F"), ("Male", "M"), ("X", "X"))


def _visit_text(visit: Appointment | None, tz: str) -> str:
    if visit is None:
        return "none"
    local = from_stored(visit.starts_at).to(tz)
    return (
        f"{local.format('ddd MM/DD/YYYY')} {clock_text(local.hour * 60 + local.minute)}, "
        f"{visit.type_name} with {visit.resource_name}"
    )


def book_text(book: PatientBookSummary, tz: str) -> str:
    """The book's part of the summary: next and last visit, no-shows, recall due."""
    recall = (
        f"recall due {book.recall_due:%m/%d/%Y} ({book.recall_kind})"
        if book.recall_due
        else "no recall due"
    )
    return "\n".join(
        (
            f"Next visit: {_visit_text(book.next_appointment, tz)}",
            f"Last visit: {_visit_text(book.last_appointment, tz)}",
            f"No-shows: {book.no_shows}   {recall}",
        )
    )


def summary_text(
    patient: Patient, today, book: PatientBookSummary | None = None, tz: str = ""
) -> str:
    """The patient summary panel: who, how to reach them, alerts and notes, and (given
    `book`, shown in time zone `tz`) their next and last visits, no-shows and recall."""
    age = (
        today.year
        - patient.dob.year
        - ((today.month, today.day) < (patient.dob.month, patient.dob.day))
    )
    lines = [
        f"{patient.display_name}   born {patient.dob:%m/%d/%Y} ({age})   "
        f"account {patient.account_no}" + ("" if patient.active else "   INACTIVE"),
        "  ·  ".join(
            part
            for part in (patient.phone, patient.email, f"prefers {patient.preferred_contact}")
            if part
        ),
    ]
    address = ", ".join(
        part
        for part in (
            " ".join(p for p in (patient.address1, patient.address2) if p),
            patient.city,
            " ".join(p for p in (patient.state, patient.postal_code) if p),
        )
        if part
    )
    if address:
        lines.append(address)
    if patient.alerts:
        lines.append(f"ALERT: {patient.alerts}")
    if patient.notes:
        lines.append(f"Notes: {patient.notes}")
    if book is not None:
        lines.append(book_text(book, tz))
    return "\n".join(lines)


class PatientForm(ModalScreen[Patient | None]):
    """Register a new patient (checking for duplicates first) or edit one."""

    DEFAULT_CSS = """
    PatientForm { align: center middle; }
    PatientForm > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, patient: Patient | None = None) -> None:
        super().__init__()
        self._patient = patient

    def compose(self) -> ComposeResult:
        patient = self._patient
        with VerticalScroll(classes="dense"):
            title = (
                "New patient"
                if patient is None
                else f"{patient.display_name}  ·  account {patient.account_no}"
            )
            yield Static(title, classes="card-title", markup=False)
            yield ErrorLine(id="pf-error")
            for field, label, options in _TEXT_FIELDS:
                value = ""
                if patient is not None:
                    raw = getattr(patient, field)
                    value = f"{raw:%m/%d/%Y}" if field == "dob" else str(raw)
                yield FormRow(label, Field(value, id=f"pf-{field}", **options))
                if field == "preferred_name":
                    yield FormRow(
                        "Sex",
                        Choice(
                            _SEXES,
                            allow_blank=False,
                            id="pf-sex",
                            value=patient.sex if patient else "",
                        ),
                    )
                if field == "email":
                    yield FormRow(
                        "Prefers",
                        Choice(
                            _CONTACTS,
                            allow_blank=False,
                            id="pf-preferred_contact",
                            value=patient.preferred_contact if patient else "phone",
                        ),
                    )
            yield Static("Enter: next field    Ctrl+S: save    Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#pf-first_name").focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "pf-notes":
            self.action_save()
        else:
            self.focus_next()

    def _draft(self) -> PatientDraft:
        values = {
            field: self.query_one(f"#pf-{field}", Input).value for field, _, _ in _TEXT_FIELDS
        }
        values["sex"] = str(self.query_one("#pf-sex", Select).value)
        values["preferred_contact"] = str(self.query_one("#pf-preferred_contact", Select).value)
        return PatientDraft(**values)

    def action_save(self, allow_duplicate: bool = False) -> None:
        desk = self.app.desk
        try:
            if self._patient is None:
                saved = patients.register_patient(
                    desk, self._draft(), allow_duplicate=allow_duplicate
                )
            else:
                saved = patients.update_patient(
                    desk, self._patient.id, self._draft(), original=self._patient
                )
        except patients.PossibleDuplicate as duplicate:
            self.query_one("#pf-error", ErrorLine).show(duplicate)
            self.app.push_screen(
                ConfirmDialog(
                    "Possible duplicate",
                    f"{duplicate}\n\nRegister a new patient anyway?",
                    yes="Register",
                ),
                lambda yes: self.action_save(allow_duplicate=True) if yes else None,
            )
            return
        except FrontDeskError as error:
            self.query_one("#pf-error", ErrorLine).show(error)
            return
        self.dismiss(saved)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PatientsScreen(Screen[None]):
    """Look-up with the summary of the highlighted patient beneath."""

    TITLE = "Patients"
    CSS_PATH = "patients.tcss"
    BINDINGS = [
        Binding("ctrl+n", "new", "New patient"),
        Binding("ctrl+o", "open", "Open / edit"),
        Binding("ctrl+f", "find", "Find"),
        # F5 (Payments) opens the highlighted patient's own account here.
        Binding("f5", "account", "Account"),
        Binding("escape", "app.back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._current: Patient | None = None

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="patients"):
            yield PatientPicker(id="patients-picker")
            yield Static(
                "Type a name, phone, birth date or account number.",
                id="patients-summary",
                classes="card",
                markup=False,
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pp-query", Input).focus()

    @on(PatientPicker.Highlighted)
    def _show(self, event: PatientPicker.Highlighted) -> None:
        self._summarize(event.match)

    def on_screen_resume(self) -> None:
        # Back from the account (or an edit): the balance may have changed.
        if self._current is not None:
            self._summarize(self._current.id)

    def _summarize(self, match: PatientMatch | int | None) -> None:
        """The summary of the patient (a look-up match or an id), or why there is none."""
        summary = self.query_one("#patients-summary", Static)
        if match is None:
            self._current = None
            text = self.query_one(PatientPicker).query_text.strip()
            summary.update(
                f"No patient matches '{text}'. Ctrl+N registers a new one."
                if text
                else "Type a name, phone, birth date or account number."
            )
            return
        patient_id = match if isinstance(match, int) else match.id
        try:
            self._current = patients.get_patient(self.app.desk, patient_id)
            visits = patient_book_summary(self.app.desk, patient_id)
            money = None
            if self._takes_money:
                money = patient_account.summary(self.app.desk, patient_id)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        clock = self.app.clock
        text = summary_text(self._current, clock.business_date(), visits, clock.tz)
        if money is not None:
            text += f"\nAccount: {balance_text(*money)}   (F5: open it)"
        summary.update(text)

    @property
    def _takes_money(self) -> bool:
        actor = self.app.actor
        return actor is not None and actor.role in MONEY_ROLES

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Not for a role that takes no money: F5 is then the app's (which says so).
        return self._takes_money if action == "account" else True

    def action_account(self) -> None:
        if self._current is None:
            self.app.open_place("payments")
        else:
            self.app.push_screen(AccountScreen(patient_id=self._current.id))

    @on(PatientPicker.Picked)
    def _picked(self) -> None:
        self.action_open()

    def _saved(self, patient: Patient | None) -> None:
        if patient is not None:
            self.query_one(PatientPicker).search(patient.account_no)
            self.app.notify(
                f"Saved {patient.display_name} (account {patient.account_no}).",
                timeout=4,
                markup=False,
            )

    def action_new(self) -> None:
        self.app.push_screen(PatientForm(), self._saved)

    def action_open(self) -> None:
        if self._current is not None:
            self.app.push_screen(PatientForm(self._current), self._saved)

    def action_find(self) -> None:
        self.query_one("#pp-query", Input).focus()
