"""Pydantic models that cross layer boundaries (services return these to screens)."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.data.money import DEFAULT_CEILING_CENTS, Money

__all__ = [
    "APPOINTMENT_STATUSES",
    "BLOCK_KINDS",
    "CANCEL_REASONS",
    "ROLES",
    "Actor",
    "Appointment",
    "AppointmentEvent",
    "AppointmentType",
    "AuditEntry",
    "Block",
    "ClosedDay",
    "HoursException",
    "Opening",
    "Patient",
    "PatientDraft",
    "PatientMatch",
    "PracticeSettings",
    "Recall",
    "RecallAttempt",
    "Resource",
    "Role",
    "StaffMember",
    "WaitlistEntry",
    "WorkingHours",
]

Role = Literal["receptionist", "manager", "provider", "clinical"]
ROLES: tuple[Role, ...] = ("receptionist", "manager", "provider", "clinical")


class _Model(BaseModel):
    # Schemas are built on first use, not at import: start-up time is budgeted.
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)


class Actor(_Model):
    """Who is at the keyboard: the signed-in staff member and their workstation."""

    staff_id: int
    username: str
    full_name: str
    role: Role
    workstation: str

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


class StaffMember(_Model):
    """A staff login as the Staff & logins screen shows it (never its hashes)."""

    id: int
    username: str
    full_name: str
    credentials: str = ""
    role: Role
    active: bool
    has_pin: bool
    failed_attempts: int
    locked_until: str | None = None
    last_login_at: str | None = None


class PracticeSettings(_Model):
    """The practice's own settings, kept in the database."""

    name: str = ""
    address: str = ""
    phone: str = ""
    time_zone: str = "America/New_York"
    idle_lock_minutes: int = Field(default=5, ge=1, le=60)
    amount_ceiling: Money = Money(DEFAULT_CEILING_CENTS)
    slot_minutes: Literal[5, 10, 15] = 15
    no_show_grace_minutes: int = Field(default=15, ge=0, le=240)
    #: Sales tax on taxable retail, in hundredths of a percent (1025 is 10.25%).
    sales_tax_basis_points: int = Field(default=0, ge=0, le=2000)
    #: A discount on one line above this needs a manager's approval.
    discount_limit: Money = Money(2500)
    #: The flow board marks a wait longer than this.
    wait_alert_minutes: int = Field(default=20, ge=1, le=240)
    #: A drawer over or short by more than this needs a reason at its close.
    over_short_limit: Money = Money(500)

    @property
    def configured(self) -> bool:
        return bool(self.name)


class AuditEntry(_Model):
    """One audit row: who did what to which record, when, from where (ids only, no PHI)."""

    id: int
    at: str
    staff_id: int | None
    username: str | None
    workstation: str
    action: str
    table_name: str
    record_id: int | None
    summary: str


class _PatientDetails(_Model):
    """What a patient record and the patient form have alike."""

    middle_name: str = ""
    preferred_name: str = ""
    sex: str = ""
    phone: str = ""
    email: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    preferred_contact: str = "phone"
    notes: str = ""
    alerts: str = ""


class Patient(_PatientDetails):
    """A patient's demographics and contact, as the desk sees them."""

    id: int
    account_no: str
    first_name: str
    last_name: str
    dob: dt.date
    active: bool = True

    @property
    def display_name(self) -> str:
        """'Peña, María (Mari)': last name first, as a front desk files them."""
        preferred = f" ({self.preferred_name})" if self.preferred_name else ""
        return f"{self.last_name}, {self.first_name}{preferred}"


class PatientMatch(_Model):
    """One line of a look-up result."""

    id: int
    account_no: str
    name: str
    dob: dt.date
    phone: str


class PatientDraft(_PatientDetails):
    """What a person typed into the patient form (checked by the patients service)."""

    first_name: str = ""
    last_name: str = ""
    dob: str = ""


# -- the appointment book ---------------------------------------------------------------

AppointmentStatus = Literal[
    "booked",
    "confirmed",
    "arrived",
    "roomed",
    "with_provider",
    "ready_checkout",
    "checked_out",
    "no_show",
    "cancelled",
]
APPOINTMENT_STATUSES: tuple[AppointmentStatus, ...] = get_args(AppointmentStatus)
CancelReason = Literal["patient_cancelled", "late_cancel", "practice_cancelled", "rescheduled"]
CANCEL_REASONS: tuple[CancelReason, ...] = get_args(CancelReason)
BlockKind = Literal["lunch", "surgery", "meeting", "vacation", "other"]
BLOCK_KINDS: tuple[BlockKind, ...] = get_args(BlockKind)


class Resource(_Model):
    """A column of the book: a provider or a room."""

    id: int
    name: str
    short_name: str
    kind: Literal["provider", "room"]
    staff_id: int | None = None
    sort_order: int = 0
    active: bool = True


class WorkingHours(_Model):
    """One stretch of a resource's weekly template (weekday 0 = Monday)."""

    id: int
    resource_id: int
    weekday: int
    start_minute: int
    end_minute: int


class HoursException(_Model):
    """A single day's hours for a resource, replacing the template (None: day off)."""

    id: int
    resource_id: int
    day: dt.date
    start_minute: int | None
    end_minute: int | None
    note: str = ""


class ClosedDay(_Model):
    """A day the whole practice is closed."""

    day: dt.date
    reason: str


class Block(_Model):
    """Time on a resource that cannot be booked (lunch, surgery, meeting, vacation)."""

    id: int
    resource_id: int
    kind: BlockKind
    starts_at: str
    ends_at: str
    note: str = ""


class AppointmentType(_Model):
    """What is booked: length, colour, cosmetic or medical, room, double-booking."""

    id: int
    name: str
    minutes: int
    colour: str
    cosmetic: bool
    needs_room: bool
    double_book: bool
    default_fee_codes: str = ""
    recall_months: int | None = None
    recall_kind: str = ""
    active: bool = True
    resource_ids: tuple[int, ...] = ()


class Appointment(_Model):
    """An appointment as the book shows it."""

    id: int
    patient_id: int
    patient_name: str
    account_no: str
    resource_id: int
    resource_name: str
    type_id: int
    type_name: str
    colour: str
    starts_at: str
    ends_at: str
    status: AppointmentStatus
    cancel_reason: CancelReason | None = None
    double_booked: bool = False
    override_reason: str = ""
    notes: str = ""
    rescheduled_from: int | None = None
    booked_by: int | None = None
    booked_at: str = ""
    updated_at: str = ""

    @property
    def minutes(self) -> int:
        from frontdesk.data.clock import from_stored

        return int((from_stored(self.ends_at) - from_stored(self.starts_at)).total_seconds() // 60)


class AppointmentEvent(_Model):
    """One change of an appointment's status."""

    id: int
    appointment_id: int
    at: str
    from_status: str | None
    to_status: str
    reason: str
    staff_id: int | None
    username: str | None = None
    workstation: str


class Opening(_Model):
    """A free slot that "find next available" offers."""

    type_id: int
    resource_id: int
    resource_name: str
    starts_at: str
    ends_at: str


class WaitlistEntry(_Model):
    """A patient waiting for an earlier slot."""

    id: int
    patient_id: int
    patient_name: str
    phone: str = ""
    type_id: int
    type_name: str
    minutes: int
    resource_id: int | None = None
    resource_name: str | None = None
    earliest: dt.date
    latest: dt.date
    time_of_day: Literal["any", "morning", "afternoon"] = "any"
    notes: str = ""
    status: Literal["waiting", "booked", "removed"] = "waiting"
    appointment_id: int | None = None
    created_at: str = ""
    closed_at: str | None = None


class RecallAttempt(_Model):
    """One try at reaching a patient about a recall."""

    id: int
    recall_id: int
    at: str
    method: Literal["phone", "text", "email", "card"]
    outcome: str
    staff_id: int | None = None
    username: str = ""


class Recall(_Model):
    """A patient due back (yearly skin check, post-Mohs check...)."""

    id: int
    patient_id: int
    patient_name: str
    account_no: str = ""
    phone: str = ""
    email: str = ""
    kind: str
    due_date: dt.date
    type_id: int | None = None
    notes: str = ""
    status: Literal["due", "booked", "closed"] = "due"
    appointment_id: int | None = None
    source: Literal["manual", "booking", "checkout"] = "manual"
    attempts: int = 0
    last_attempt_at: str | None = None
    last_attempt_method: str | None = None
    last_attempt_outcome: str = ""
    created_at: str = ""
    closed_at: str | None = None
