"""Patients: look-up as you type, registration with a duplicate check, edits (audited).

Look-up goes through the `patients_fts` index (accent-insensitive, prefix per word) so a
keystroke's query stays within a few milliseconds on fifty thousand patients.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING

from frontdesk.data.clock import parse_date
from frontdesk.data.db import write
from frontdesk.data.models import ROLES, Patient, PatientDraft, PatientMatch
from frontdesk.errors import Conflict, Invalid, NotFound, echo
from frontdesk.services import audit
from frontdesk.services.fields import one_line
from frontdesk.services.practice import check_phone

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = [
    "FRONT_DESK_ROLES",
    "PossibleDuplicate",
    "get_patient",
    "parse_dob",
    "register_patient",
    "require_active",
    "search_patients",
    "update_patient",
]

FRONT_DESK_ROLES = ("receptionist", "manager")
CONTACT_CHOICES = ("phone", "text", "email", "mail")
SEX_CHOICES = ("", "F", "M", "X")
_COLUMNS = (
    "id, account_no, first_name, middle_name, last_name, preferred_name, dob, sex, phone,"
    " email, address1, address2, city, state, postal_code, preferred_contact, notes, alerts,"
    " active"
)
_EDITABLE = tuple(PatientDraft.model_fields)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONEISH = re.compile(r"^[\d\s().+-]+$", re.ASCII)
_CANDIDATES = 200  # looked at when a query matches more than _RANKED patients
_RANKED = 800


class PossibleDuplicate(Conflict):
    """The new patient looks like one already registered; `matches` says which."""

    def __init__(self, matches: list[PatientMatch]) -> None:
        first = matches[0]
        super().__init__(
            f"Possible duplicate: {first.name}, born {first.dob:%m/%d/%Y}, account "
            f"{first.account_no}"
            + (f" (and {len(matches) - 1} more)" if len(matches) > 1 else "")
            + ". Check before registering."
        )
        self.matches = matches


# -- look-up --------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without accents: 'Peña' -> 'pena'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def parse_dob(text: str, *, today: dt.date | None = None) -> dt.date:
    """A date of birth typed as 1978-03-14 or 3/14/1978; Invalid saying why otherwise."""
    raw = text.strip()
    if not raw:
        raise Invalid("Enter the date of birth, e.g. 03/14/1978.")
    day = parse_date(raw)
    if day is None:
        raise Invalid(f"'{echo(raw)}' is not a date; write it as MM/DD/YYYY, e.g. 03/14/1978.")
    today = today or dt.date.today()
    if day > today:
        raise Invalid("A date of birth cannot be in the future.")
    if day.year < today.year - 125:
        raise Invalid("That date of birth is more than 125 years ago.")
    return day


def _match(row: tuple) -> PatientMatch:
    pid, account, first, last, preferred, dob, phone = row
    name = f"{last}, {first}" + (f" ({preferred})" if preferred else "")
    return PatientMatch(
        id=pid, account_no=account, name=name, dob=dt.date.fromisoformat(dob), phone=phone
    )


_MATCH_COLUMNS = "p.id, p.account_no, p.first_name, p.last_name, p.preferred_name, p.dob, p.phone"


def search_patients(
    desk: Desk, text: str, *, limit: int = 20, include_inactive: bool = False
) -> list[PatientMatch]:
    """Patients matching what was typed, best first.

    Words match the start of any name, in any order and without accents ("pena mar"
    finds María Peña); digits match an account number or a phone number (whole, last 7
    or last 4, any formatting); a date (03/14/1978 or 1978-03-14) matches the birth date.
    """
    desk.require_role(ROLES, "look up patients")
    words: list[str] = []
    numbers: list[str] = []
    dob: dt.date | None = None
    text = text.strip()
    if (
        text
        and _PHONEISH.match(text)
        and sum(ch.isdigit() for ch in text) >= 3
        and not (parse_date(text))
    ):
        numbers.append(re.sub(r"\D", "", text))
    else:
        for token in text.split():
            as_date = parse_date(token)
            if as_date is not None:
                dob = as_date
                continue
            digits = re.sub(r"[()+.-]", "", token)
            if digits.isdigit():
                numbers.append(digits)
                continue
            word = "".join(ch for ch in _fold(token) if ch.isalnum())
            if word:
                words.append(word)
    if not words and not numbers and dob is None:
        return []
    active = "" if include_inactive else " AND p.active = 1"
    if not words and not numbers:
        rows = desk.db.execute(
            f"SELECT {_MATCH_COLUMNS} FROM patients p WHERE p.dob = ?{active} "
            "ORDER BY p.last_name, p.first_name LIMIT ?",
            (dob.isoformat(), limit),
        ).fetchall()
        return [_match(row) for row in rows]
    if not words and len(numbers) == 1 and dob is None:
        return _by_number(desk, numbers[0], active, limit)
    query = " AND ".join(
        [f'names:"{word}"*' for word in words] + [f'numbers:"{n}"*' for n in numbers]
    )
    base = (
        f"FROM patients_fts f JOIN patients p ON p.id = f.rowid WHERE patients_fts MATCH ?{active}"
    )
    params: list[object] = [query]
    if dob is not None:
        base += " AND p.dob = ?"
        params.append(dob.isoformat())
    matches = desk.db.execute(
        "SELECT count(*) FROM (SELECT rowid FROM patients_fts WHERE patients_fts MATCH ? LIMIT ?)",
        (query, _RANKED + 1),
    ).fetchone()[0]
    if matches <= _RANKED:
        sql = f"SELECT {_MATCH_COLUMNS} {base} ORDER BY f.rank LIMIT ?"
        return [_match(row) for row in desk.db.execute(sql, [*params, limit])]
    # Thousands match (a first letter): ranking them all would cost more than a keystroke
    # may, so the first few hundred are sorted by name; the next letter narrows it.
    sql = f"SELECT {_MATCH_COLUMNS} {base} LIMIT ?"
    rows = desk.db.execute(sql, [*params, _CANDIDATES]).fetchall()
    rows.sort(key=lambda row: (_fold(row[3]), _fold(row[2])))
    return [_match(row) for row in rows[:limit]]


def _by_number(desk: Desk, digits: str, active: str, limit: int) -> list[PatientMatch]:
    """Digits alone: a phone from its area code or an account number (index range scans,
    so "(773) 555" stays quick though thousands match), or a phone's last 4 or 7."""
    found: dict[int, PatientMatch] = {}
    # ':' sorts right after '9': [digits, digits + ':') is every value starting with them.
    for column in ("phone_digits", "account_no"):
        rows = desk.db.execute(
            f"SELECT {_MATCH_COLUMNS} FROM patients p WHERE p.{column} >= ? AND "
            f"p.{column} < ?{active} ORDER BY p.{column} LIMIT ?",
            (digits, digits + ":", limit),
        )
        for row in rows:
            found.setdefault(row[0], _match(row))
    if len(digits) in (4, 7):
        rows = desk.db.execute(
            f"SELECT {_MATCH_COLUMNS} FROM patients_fts f JOIN patients p ON p.id = f.rowid "
            f"WHERE patients_fts MATCH ?{active} LIMIT ?",
            (f'numbers:"{digits}"', limit),
        )
        for row in rows:
            found.setdefault(row[0], _match(row))
    return list(found.values())[:limit]


def require_active(desk: Desk, patient_id: int, doing: str = "go on") -> None:
    """NotFound for an unknown patient, Conflict for an inactive one (checked inside the
    caller's transaction, so a record deactivated a moment ago counts)."""
    row = desk.db.execute("SELECT active FROM patients WHERE id = ?", (patient_id,)).fetchone()
    if row is None:
        raise NotFound("That patient is not in the practice's records.")
    if not row[0]:
        raise Conflict(f"That patient's record is inactive; reactivate it to {doing}.")


def get_patient(desk: Desk, patient_id: int) -> Patient:
    """One patient, or NotFound."""
    desk.require_role(ROLES, "look up patients")
    cursor = desk.db.execute(f"SELECT {_COLUMNS} FROM patients WHERE id = ?", (patient_id,))
    row = cursor.fetchone()
    if row is None:
        raise NotFound("That patient is not in the practice's records.")
    return Patient(**dict(zip([c[0] for c in cursor.description], row, strict=True)))


# -- registration and edits --------------------------------------------------------------------


def _name(value: str, what: str, *, required: bool) -> str:
    return one_line(
        value, f"patient's {what}" if required else what, max_length=60, required=required
    )


def _checked(desk: Desk, draft: PatientDraft) -> dict[str, object]:
    """The draft as column values, or Invalid naming the first field that is wrong."""
    values: dict[str, object] = {
        "first_name": _name(draft.first_name, "first name", required=True),
        "middle_name": _name(draft.middle_name, "middle name", required=False),
        "last_name": _name(draft.last_name, "last name", required=True),
        "preferred_name": _name(draft.preferred_name, "preferred name", required=False),
        "dob": parse_dob(draft.dob, today=desk.clock.business_date()).isoformat(),
    }
    sex = draft.sex.strip().upper()
    if sex not in SEX_CHOICES:
        raise Invalid("Sex is F, M, X or left empty.")
    values["sex"] = sex
    values["phone"] = check_phone(draft.phone) if draft.phone.strip() else ""
    email = one_line(draft.email, "email address", max_length=120)
    if email and not _EMAIL.match(email):
        raise Invalid(f"'{echo(email, 60)}' is not an email address, e.g. name@example.com.")
    values["email"] = email
    contact = draft.preferred_contact.strip().lower() or "phone"
    if contact not in CONTACT_CHOICES:
        raise Invalid("Preferred contact is phone, text, email or mail.")
    if contact in ("phone", "text") and not values["phone"]:
        raise Invalid(f"Preferred contact is {contact}: enter a phone number.")
    if contact == "email" and not email:
        raise Invalid("Preferred contact is email: enter an email address.")
    values["preferred_contact"] = contact
    values["address1"] = one_line(draft.address1, "street", max_length=100)
    values["address2"] = one_line(draft.address2, "apartment or suite", max_length=100)
    values["city"] = one_line(draft.city, "city", max_length=60)
    state = draft.state.strip().upper()
    if state and not re.fullmatch(r"[A-Z]{2}", state, re.ASCII):
        raise Invalid("State is its two-letter code, e.g. IL.")
    values["state"] = state
    postal = draft.postal_code.strip()
    if postal and not re.fullmatch(r"\d{5}(-\d{4})?", postal, re.ASCII):
        raise Invalid("ZIP code is 5 digits (or ZIP+4, e.g. 60611-1234).")
    values["postal_code"] = postal
    if contact == "mail" and not (values["address1"] and values["city"] and postal):
        raise Invalid("Preferred contact is mail: enter the street, city and ZIP code.")
    values["notes"] = one_line(draft.notes, "notes", max_length=500)
    values["alerts"] = one_line(draft.alerts, "alerts", max_length=200)
    return values


def _likely_duplicates(
    desk: Desk, values: dict[str, object], *, ignore_id: int | None = None
) -> list[PatientMatch]:
    """Registered patients with the same name and birth date, or the same phone."""
    first, last = _fold(str(values["first_name"])), _fold(str(values["last_name"]))
    found: dict[int, PatientMatch] = {}
    for row in desk.db.execute(
        f"SELECT {_MATCH_COLUMNS} FROM patients p WHERE p.dob = ?", (values["dob"],)
    ):
        if _fold(row[2]) == first and _fold(row[3]) == last:
            found[row[0]] = _match(row)
    digits = re.sub(r"\D", "", str(values["phone"]))
    if digits:
        for row in desk.db.execute(
            f"SELECT {_MATCH_COLUMNS} FROM patients p WHERE p.phone_digits = ? LIMIT 5",
            (digits,),
        ):
            found.setdefault(row[0], _match(row))
    found.pop(ignore_id, None)  # type: ignore[arg-type]
    return list(found.values())


def _next_account_no(desk: Desk) -> str:
    row = desk.db.execute(
        "SELECT max(CAST(account_no AS INTEGER)) FROM patients WHERE account_no GLOB '[0-9]*'"
    ).fetchone()
    return str(max(100001, (row[0] or 100000) + 1))


def register_patient(desk: Desk, draft: PatientDraft, *, allow_duplicate: bool = False) -> Patient:
    """Register a new patient with the next account number.

    Raises Invalid for a bad field, and PossibleDuplicate (nothing saved) when a patient
    with the same name and birth date, or the same phone, exists, unless
    `allow_duplicate` says the person checked.
    """
    desk.require_role(FRONT_DESK_ROLES, "register patients")
    values = _checked(desk, draft)
    now = desk.clock.stamp()
    with write(desk.db):
        if not allow_duplicate:
            matches = _likely_duplicates(desk, values)
            if matches:
                raise PossibleDuplicate(matches)
        values["account_no"] = _next_account_no(desk)
        values["created_at"] = values["updated_at"] = now
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        patient_id = desk.db.execute(
            f"INSERT INTO patients ({columns}) VALUES ({marks})", tuple(values.values())
        ).lastrowid
        audit.record(desk, "patient registered", "patients", patient_id)
    return get_patient(desk, patient_id)


def update_patient(
    desk: Desk, patient_id: int, draft: PatientDraft, *, original: Patient | None = None
) -> Patient:
    """Save edited demographics; the audit row names the fields changed, not their values.

    `original` is the record as the form showed it: only the fields this person changed
    are written, and if another session changed one of those same fields meanwhile, the
    save is refused (Conflict) instead of silently undoing their change.
    """
    desk.require_role(FRONT_DESK_ROLES, "edit patients")
    values = _checked(desk, draft)
    with write(desk.db):
        current = get_patient(desk, patient_id).model_dump()
        before = original.model_dump() if original is not None else current
        changed = [key for key in _EDITABLE if str(before[key]) != str(values[key])]
        clashes = [key for key in changed if str(current[key]) != str(before[key])]
        if clashes:
            raise Conflict(
                "Someone else changed this patient's "
                + ", ".join(key.replace("_", " ") for key in clashes)
                + " while you were editing; close the form and open it again."
            )
        if changed:
            assignments = ", ".join(f"{key} = ?" for key in changed)
            desk.db.execute(
                f"UPDATE patients SET {assignments}, updated_at = ? WHERE id = ?",
                (*(values[key] for key in changed), desk.clock.stamp(), patient_id),
            )
        audit.record(
            desk, "patient edited", "patients", patient_id, ", ".join(changed) or "no change"
        )
    return get_patient(desk, patient_id)
