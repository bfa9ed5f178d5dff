"""Pydantic models that cross layer boundaries (services return these to screens)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.data.money import DEFAULT_CEILING_CENTS, Money

__all__ = [
    "ROLES",
    "Actor",
    "AuditEntry",
    "Patient",
    "PatientDraft",
    "PatientMatch",
    "PracticeSettings",
    "Role",
    "StaffMember",
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
