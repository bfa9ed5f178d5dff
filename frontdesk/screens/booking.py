"""The booking form: from a slot (or an opening, a waitlist entry, a recall), pick the
patient, the type, the column, the time and notes; also used to move an appointment.

The book's rules are the service's; this form only asks back what the service asks: a
double-book or a patient booked elsewhere (yes/no), and hours or the past (a manager's
override with a reason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from frontdesk.data.clock import clock_text
from frontdesk.data.models import Appointment
from frontdesk.errors import FrontDeskError, Invalid
from frontdesk.services import appointment_status, appointments, schedule, visit_types
from frontdesk.widgets.dialogs import ApproveDialog, ConfirmDialog
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow
from frontdesk.widgets.patient_picker import PatientPicker, chosen_text

__all__ = ["BookingDialog", "Prefill", "start_booking"]


@dataclass(frozen=True)
class Prefill:
    """What the form starts with, and where the booking comes from."""

    patient_id: int | None = None
    patient_name: str = ""
    type_id: int | None = None
    resource_id: int | None = None
    day: dt.date | None = None
    minute: int | None = None
    minutes: int | None = None
    notes: str = ""
    waitlist_id: int | None = None
    recall_id: int | None = None
    moving: Appointment | None = None


@dataclass(frozen=True)
class _Answers:
    """What the person already said yes to while this form was open."""

    double_book: bool = False
    same_patient_ok: bool = False
    override: appointments.Override | None = None


class BookingDialog(ModalScreen[Appointment | None]):
    """Book (or move) one appointment; dismisses with it, or None."""

    CSS_PATH = "booking.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Book"),
        Binding("ctrl+n", "new_patient", "New patient"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, prefill: Prefill) -> None:
        super().__init__()
        self.prefill = prefill
        self.patient_id = prefill.patient_id
        self.patient_name = prefill.patient_name
        self._length_typed = prefill.minutes is not None and prefill.moving is None
        self._types_blank = False

    def compose(self) -> ComposeResult:
        desk = self.app.desk
        self._resources = schedule.list_resources(desk)
        self._types = visit_types.list_types(desk)
        prefill = self.prefill
        resource_id = prefill.resource_id or (self._resources[0].id if self._resources else None)
        title = "Move appointment" if prefill.moving else "Book appointment"
        with VerticalScroll(id="booking"):
            yield Static(title, classes="card-title")
            yield ErrorLine(id="booking-error")
            if self.patient_id is None:
                yield PatientPicker(id="booking-picker")
                yield Static("", id="booking-patient", markup=False)
            else:
                yield Static(f"Patient: {self.patient_name}", id="booking-patient", markup=False)
            with Vertical(id="booking-fields"):
                yield FormRow(
                    "Column",
                    Choice(
                        [(r.name, r.id) for r in self._resources],
                        allow_blank=False,
                        value=resource_id if resource_id is not None else Select.NULL,
                        id="booking-resource",
                    ),
                )
                yield FormRow("Type", self._type_choice(resource_id, prefill.type_id))
                day = prefill.day or self.app.clock.business_date()
                yield FormRow("Date", Field(f"{day:%m/%d/%Y}", id="booking-day", max_length=10))
                minute = prefill.minute if prefill.minute is not None else 9 * 60
                yield FormRow("Time", Field(clock_text(minute), id="booking-time", max_length=8))
                yield FormRow(
                    "Minutes",
                    Field(
                        str(prefill.minutes or self._type_minutes(prefill.type_id) or ""),
                        id="booking-minutes",
                        max_length=3,
                        restrict=r"[0-9]*",
                    ),
                )
                yield FormRow("Notes", Field(prefill.notes, id="booking-notes", max_length=200))
            yield Static(
                "Enter: next field   Ctrl+N: new patient   Ctrl+S: book   Esc: cancel",
                classes="hint",
            )

    def _type_choice(self, resource_id: int | None, type_id: int | None) -> Choice:
        options = self._type_options(resource_id)
        ids = [value for _, value in options]
        self._types_blank = not options
        return Choice(
            options,
            allow_blank=not options,  # an empty list with no blank is an error in Textual
            value=type_id if type_id in ids else (ids[0] if ids else Select.NULL),
            id="booking-type",
        )

    def _type_options(self, resource_id: int | None) -> list[tuple[str, int]]:
        resource = next((r for r in self._resources if r.id == resource_id), None)
        return [
            (f"{t.name} ({t.minutes} min)", t.id)
            for t in self._types
            if resource is None or visit_types.takes(t, resource)
        ]

    def _type_minutes(self, type_id: int | None) -> int | None:
        kind = next((t for t in self._types if t.id == type_id), None)
        if kind is None:
            options = self._type_options(self.prefill.resource_id)
            kind = next((t for t in self._types if options and t.id == options[0][1]), None)
        return kind.minutes if kind else None

    def on_mount(self) -> None:
        if self.patient_id is None:
            self.query_one("#pp-query", Input).focus()
        else:
            self.query_one("#booking-time", Input).focus()

    # -- the patient -----------------------------------------------------------------------

    @on(PatientPicker.Picked)
    def _picked(self, event: PatientPicker.Picked) -> None:
        self.patient_id = event.match.id
        self.patient_name = event.match.name
        self.query_one("#booking-patient", Static).update(chosen_text(event.match))
        self.query_one("#booking-type").focus()

    def action_new_patient(self) -> None:
        """Register the caller as a new patient (the patients screen's form) and pick them."""
        if self.prefill.moving is not None or self.prefill.patient_id is not None:
            self.app.show_error("This booking's patient is already chosen.")
            return
        from frontdesk.screens.patients import PatientForm

        def registered(patient) -> None:
            if patient is None:
                return
            self.patient_id = patient.id
            self.patient_name = patient.display_name
            self.query_one("#booking-patient", Static).update(
                f"Patient: {patient.display_name}  ·  born {patient.dob:%m/%d/%Y}  ·  "
                f"account {patient.account_no} (new)"
            )
            self.query_one("#booking-type").focus()

        self.app.push_screen(PatientForm(), registered)

    # -- fields ----------------------------------------------------------------------------

    @on(Select.Changed, "#booking-resource")
    async def _column_changed(self, event: Select.Changed) -> None:
        old = self.query_one("#booking-type", Choice)
        current = old.value
        resource = event.value if isinstance(event.value, int) else None
        ids = [value for _, value in self._type_options(resource)]
        if bool(ids) == self._types_blank:
            # Whether the list may be empty is fixed when a Select is made: make a new one.
            row = old.parent
            await old.remove()
            await row.mount(self._type_choice(resource, current if current in ids else None))
            return
        old.set_options(self._type_options(resource))
        if current in ids:
            old.value = current
        elif ids:
            old.value = ids[0]

    @on(Select.Changed, "#booking-type")
    def _type_changed(self, event: Select.Changed) -> None:
        if self._length_typed or not isinstance(event.value, int):
            return
        minutes = self._type_minutes(event.value)
        if minutes:
            self.query_one("#booking-minutes", Input).value = str(minutes)

    @on(Input.Changed, "#booking-minutes")
    def _length_changed(self, event: Input.Changed) -> None:
        if self.query_one("#booking-minutes", Input).has_focus:
            self._length_typed = True

    @on(Input.Submitted, "#booking-fields Input")
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "booking-notes":
            self.action_save()
        else:
            self.focus_next()

    def _booking(self) -> appointments.Booking:
        if self.patient_id is None:
            raise Invalid("Pick the patient first: type a name, phone or birth date.")
        resource = self.query_one("#booking-resource", Choice).value
        kind = self.query_one("#booking-type", Choice).value
        if not isinstance(resource, int):
            raise Invalid("Choose the column (provider or room).")
        if not isinstance(kind, int):
            raise Invalid(
                "Choose the appointment type."
                if self._type_options(resource)
                else "No appointment type is booked in this column; choose another column."
            )
        day = schedule.read_date(
            self.query_one("#booking-day", Input).value, today=self.app.clock.business_date()
        )
        minute = schedule.read_time(self.query_one("#booking-time", Input).value)
        length = schedule.read_number(
            self.query_one("#booking-minutes", Input).value, "length in minutes", required=False
        )
        return appointments.Booking(
            patient_id=self.patient_id,
            resource_id=resource,
            type_id=kind,
            day=day,
            start_minute=minute,
            minutes=length,
            notes=self.query_one("#booking-notes", Input).value,
        )

    # -- saving ----------------------------------------------------------------------------

    def action_save(self, answers: _Answers | None = None) -> None:
        answers = answers or _Answers()
        error_line = self.query_one("#booking-error", ErrorLine)
        desk = self.app.desk
        try:
            booking = self._booking()
            if self.prefill.moving is not None:
                saved = appointment_status.reschedule(
                    desk,
                    self.prefill.moving.id,
                    booking,
                    double_book=answers.double_book,
                    same_patient_ok=answers.same_patient_ok,
                    override=answers.override,
                )
            else:
                saved = appointments.book(
                    desk,
                    booking,
                    double_book=answers.double_book,
                    same_patient_ok=answers.same_patient_ok,
                    override=answers.override,
                    waitlist_id=self.prefill.waitlist_id,
                    recall_id=self.prefill.recall_id,
                )
        except appointments.DoubleBookOffer as offer:
            self._ask(offer, "Double-book", replace(answers, double_book=True))
            return
        except appointments.SamePatientElsewhere as clash:
            self._ask(clash, "Patient already booked", replace(answers, same_patient_ok=True))
            return
        except appointments.NeedsOverride as needs:
            self._override(needs, answers)
            return
        except appointments.SlotTaken as taken:
            error_line.show(taken)
            self._refresh_book()
            return
        except FrontDeskError as error:
            error_line.show(error)
            return
        self.dismiss(saved)

    def _ask(self, question: FrontDeskError, title: str, answers: _Answers) -> None:
        self.app.push_screen(
            ConfirmDialog(title, str(question), yes="Book"),
            lambda yes: self.action_save(answers) if yes else None,
        )

    def _override(self, needs: FrontDeskError, answers: _Answers) -> None:
        def approved(answer) -> None:
            if answer is None:
                return
            reason, approver = answer
            self.action_save(
                replace(answers, override=appointments.Override(reason=reason, approver=approver))
            )

        self.app.push_screen(
            ApproveDialog("Manager override", str(needs), "book outside hours or in the past"),
            approved,
        )

    def _refresh_book(self) -> None:
        from frontdesk.screens.book import BookScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, BookScreen):
                screen.reload()

    def action_cancel(self) -> None:
        self.dismiss(None)


def start_booking(
    app,
    *,
    patient_id: int | None = None,
    patient_name: str = "",
    type_id: int | None = None,
    resource_id: int | None = None,
    waitlist_id: int | None = None,
    recall_id: int | None = None,
    part: str = "any",
    since: dt.date | None = None,
) -> None:
    """Find next available for a type (on a column, at a time of day, from a date, when
    given), then book the chosen opening for a patient, a waitlist entry or a recall; the
    book, if open, then shows the booking."""
    from frontdesk.screens.book_dialogs import FindOpenings, opening_day_minute

    try:
        if not visit_types.list_types(app.desk):
            raise Invalid("There are no appointment types yet: a manager adds them (F8).")
        if patient_id is not None and not patient_name:
            from frontdesk.services import patients

            patient_name = patients.get_patient(app.desk, patient_id).display_name
    except FrontDeskError as error:
        app.show_error(error)
        return

    def booked(appointment: Appointment | None) -> None:
        if appointment is None:
            return
        from frontdesk.screens.book import BookScreen

        books = [s for s in app.screen_stack if isinstance(s, BookScreen)]
        if books:
            books[-1].booked(appointment)
        else:
            app.notify(f"Booked {appointment.patient_name}.", timeout=4, markup=False)

    def chosen(opening) -> None:
        if opening is None:
            return
        day, minute = opening_day_minute(opening, app.clock.tz)
        app.push_screen(
            BookingDialog(
                Prefill(
                    patient_id=patient_id,
                    patient_name=patient_name,
                    type_id=opening.type_id,
                    resource_id=opening.resource_id,
                    day=day,
                    minute=minute,
                    waitlist_id=waitlist_id,
                    recall_id=recall_id,
                )
            ),
            booked,
        )

    app.push_screen(
        FindOpenings(type_id=type_id, resource_id=resource_id, part=part, since=since), chosen
    )
