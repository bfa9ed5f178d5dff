"""The practice's settings (name, address, phone, time zone, idle lock, amount ceiling,
the book's slot, the no-show grace, sales tax, discount limit, wait alert) and the
first-run set-up that creates them with the first manager login."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from frontdesk.data.clock import check_time_zone
from frontdesk.data.db import FrontDeskDatabase, write
from frontdesk.data.money import Money
from frontdesk.errors import BadAmount, Conflict, Invalid, echo
from frontdesk.services.fields import one_line

if TYPE_CHECKING:
    from frontdesk.data.models import PracticeSettings
    from frontdesk.services.context import Desk

# The rest of this module imports pydantic (via the models) and argon2 when first used:
# `is_set_up` and `identity` are all the login screen needs, and it must not wait for them.

__all__ = [
    "SLOT_CHOICES",
    "build_settings",
    "check_phone",
    "format_tax_rate",
    "identity",
    "is_set_up",
    "load_settings",
    "parse_ceiling",
    "parse_discount_limit",
    "parse_grace_minutes",
    "parse_idle_minutes",
    "parse_over_short_limit",
    "parse_tax_rate",
    "parse_wait_minutes",
    "save_settings",
    "set_up_practice",
    "update_settings",
]


def identity(db: FrontDeskDatabase) -> tuple[str, str]:
    """The practice's name and time zone, read without building the settings model."""
    stored = dict(
        db.execute("SELECT key, value FROM settings WHERE key IN ('name', 'time_zone')").fetchall()
    )
    name = json.loads(stored["name"]) if "name" in stored else ""
    tz = json.loads(stored["time_zone"]) if "time_zone" in stored else "America/New_York"
    return name, tz


def _fields() -> tuple[str, ...]:
    from frontdesk.data.models import PracticeSettings

    return tuple(PracticeSettings.model_fields)


def load_settings(db: FrontDeskDatabase) -> PracticeSettings:
    """The practice's settings (defaults for anything never saved). Read again only
    when another session has written to the file since, or this one saved settings
    (`save_settings`) or rolled back: a posting asks several times."""
    from frontdesk.data.models import PracticeSettings

    version = db.data_version()
    cached = db.settings_cache
    if cached is not None and cached[0] == version:
        return cached[1]
    fields = _fields()
    stored = {
        key: json.loads(value)
        for key, value in db.execute("SELECT key, value FROM settings").fetchall()
        if key in fields
    }
    settings = PracticeSettings(**stored)
    db.settings_cache = (version, settings)
    return settings


def is_set_up(db: FrontDeskDatabase) -> bool:
    """True once the first-run set-up has created the practice and a manager."""
    return db.execute("SELECT 1 FROM staff LIMIT 1").fetchone() is not None


def check_phone(phone: str) -> str:
    """A phone number as typed, if it has 10 digits (US), optionally a leading 1."""
    digits = re.sub(r"[^0-9]", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or not re.fullmatch(r"[0-9\s().+-]+", phone.strip()):
        raise Invalid(f"'{echo(phone)}' is not a phone number, e.g. (312) 555-0142.")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


#: The lengths a slot of the appointment book may have, in minutes.
SLOT_CHOICES = (5, 10, 15)
SLOT_RULE = "The book's slot is 5, 10 or 15 minutes."
GRACE_RULE = "The no-show grace is a whole number of minutes, 0 to 240."
#: The most sales tax may be, in hundredths of a percent (20%).
TAX_LIMIT = 2000
TAX_RULE = "Sales tax is a percent from 0 to 20, e.g. 10.25 (0 for none)."
DISCOUNT_RULE = "The discount limit is an amount of $0.00 or more."
WAIT_RULE = "The wait alert is a whole number of minutes, 1 to 240."


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validated(settings: PracticeSettings) -> PracticeSettings:
    name = one_line(settings.name, "practice's name", max_length=80, required=True)
    # Checked here too: a model_copy() skips the model's own checks.
    if not _whole(settings.slot_minutes) or settings.slot_minutes not in SLOT_CHOICES:
        raise Invalid(SLOT_RULE)
    if not _whole(settings.no_show_grace_minutes) or not 0 <= settings.no_show_grace_minutes <= 240:
        raise Invalid(GRACE_RULE)
    if settings.amount_ceiling.cents <= 0:
        raise BadAmount("The largest amount must be more than $0.00.")
    if settings.amount_ceiling > CEILING_LIMIT:
        raise BadAmount(f"The largest amount can be at most {CEILING_LIMIT}.")
    tax = settings.sales_tax_basis_points
    if not _whole(tax) or not 0 <= tax <= TAX_LIMIT:
        raise Invalid(TAX_RULE)
    if not isinstance(settings.discount_limit, Money) or settings.discount_limit.cents < 0:
        raise BadAmount(DISCOUNT_RULE)
    if settings.discount_limit > CEILING_LIMIT:
        raise BadAmount(f"The discount limit can be at most {CEILING_LIMIT}.")
    if not _whole(settings.wait_alert_minutes) or not 1 <= settings.wait_alert_minutes <= 240:
        raise Invalid(WAIT_RULE)
    limit = settings.over_short_limit
    if not isinstance(limit, Money) or not 0 <= limit.cents <= OVER_SHORT_MOST.cents:
        raise BadAmount(OVER_SHORT_RULE)
    return settings.model_copy(
        update={
            "name": name,
            "address": one_line(settings.address, "address", max_length=200),
            "phone": check_phone(settings.phone) if settings.phone.strip() else "",
            "time_zone": check_time_zone(settings.time_zone),
        }
    )


def build_settings(**values: object) -> PracticeSettings:
    """Settings from form values; Invalid (with the field's rule) instead of a traceback."""
    from pydantic import ValidationError

    from frontdesk.data.models import PracticeSettings

    try:
        return PracticeSettings(**values)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]).replace("_", " ") if first["loc"] else "a field"
        if field == "idle lock minutes":
            raise Invalid("Idle lock is 1 to 60 minutes.") from error
        if field == "slot minutes":
            raise Invalid(SLOT_RULE) from error
        if field == "no show grace minutes":
            raise Invalid(GRACE_RULE) from error
        if field == "sales tax basis points":
            raise Invalid(TAX_RULE) from error
        if field == "discount limit":
            raise BadAmount(DISCOUNT_RULE) from error
        if field == "wait alert minutes":
            raise Invalid(WAIT_RULE) from error
        raise Invalid(f"Check {field}: {first['msg']}.") from error


def save_settings(
    desk: Desk, settings: PracticeSettings, *, original: PracticeSettings | None = None
) -> list[str]:
    """Store settings inside the caller's write transaction; returns the fields changed.

    With `original` (what the form showed) only the fields changed from it are written,
    so two managers saving different fields at once do not undo each other.
    """
    current = load_settings(desk.db)
    before = original or current
    fields = _fields()
    changed = [key for key in fields if getattr(before, key) != getattr(settings, key)]
    data = settings.model_dump()
    for key in changed if original is not None else fields:
        desk.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(data[key])),
        )
    desk.db.settings_cache = None
    return changed


def update_settings(
    desk: Desk, settings: PracticeSettings, *, original: PracticeSettings | None = None
) -> PracticeSettings:
    """Save the practice's settings (manager only, audited with the fields changed);
    `original` is what the form showed (see `save_settings`). Returns them as saved."""
    from frontdesk.services import audit

    desk.require_manager("change practice settings")
    settings = _validated(settings)
    with write(desk.db):
        changed = save_settings(desk, settings, original=original)
        if changed:
            audit.record(desk, "settings changed", "settings", None, ", ".join(changed))
    return load_settings(desk.db)


def set_up_practice(
    desk: Desk,
    settings: PracticeSettings,
    *,
    username: str,
    full_name: str,
    password: str,
    pin: str,
) -> PracticeSettings:
    """First run: save the practice and create its first manager, all or nothing.

    Raises Invalid for a bad field and Conflict when another session set it up first.
    """
    from frontdesk.services import accounts, audit
    from frontdesk.services.auth import check_password, check_pin, hash_secret

    settings = _validated(settings)
    username = accounts.check_username(username)
    full_name = accounts.check_full_name(full_name)
    check_password(password, username)
    check_pin(pin)
    password_hash, pin_hash = hash_secret(password), hash_secret(pin)
    now = desk.clock.stamp()
    with write(desk.db):
        if is_set_up(desk.db):
            raise Conflict(
                "This practice was just set up from another workstation; sign in instead."
            )
        save_settings(desk, settings)
        staff_id = desk.db.execute(
            "INSERT INTO staff (username, full_name, role, password_hash, pin_hash,"
            " created_at, updated_at) VALUES (?, ?, 'manager', ?, ?, ?, ?)",
            (username, full_name, password_hash, pin_hash, now, now),
        ).lastrowid
        audit.record(desk, "practice set up", "settings", None, "first run")
        audit.record(desk, "staff added", "staff", staff_id, "role manager")
    return settings


#: The most the largest-amount setting itself may be.
CEILING_LIMIT = Money(100_000_000)  # $1,000,000.00


def parse_ceiling(text: str) -> Money:
    """The largest amount any money field accepts: more than $0, at most $1,000,000."""
    return Money.parse(text, ceiling=CEILING_LIMIT.cents)


def parse_grace_minutes(text: str) -> int:
    """The no-show grace as typed: a whole number of minutes from 0 to 240, else Invalid."""
    raw = text.strip()
    if len(raw) > 3 or not raw.isascii() or not raw.isdigit() or int(raw) > 240:
        raise Invalid(GRACE_RULE)
    return int(raw)


def parse_idle_minutes(text: str) -> int:
    """Idle lock minutes as typed: a whole number from 1 to 60, else Invalid."""
    raw = text.strip()
    if len(raw) > 2 or not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 60:
        raise Invalid("Idle lock is a whole number of minutes, 1 to 60.")
    return int(raw)


def parse_tax_rate(text: str) -> int:
    """Sales tax as typed ("10.25", "10.25%", "8", "0") in hundredths of a percent
    (1025); Invalid, saying why, for letters, a minus, more than two decimals or over 20%."""
    raw = text.strip().removesuffix("%").rstrip()
    match = re.fullmatch(r"(?P<whole>[0-9]{0,6})(?:\.(?P<frac>[0-9]*))?", raw)
    if not match or not (match["whole"] or match["frac"]):
        raise Invalid(TAX_RULE)
    frac = match["frac"] or ""
    if len(frac) > 2:
        raise Invalid("Sales tax has at most two decimals, e.g. 10.25.")
    basis_points = int(match["whole"] or "0") * 100 + int(frac.ljust(2, "0"))
    if basis_points > TAX_LIMIT:
        raise Invalid(f"Sales tax can be at most {format_tax_rate(TAX_LIMIT)}%.")
    return basis_points


def format_tax_rate(basis_points: int) -> str:
    """Hundredths of a percent as the form shows them: 1025 is "10.25", 800 is "8"."""
    whole, frac = divmod(basis_points, 100)
    return f"{whole}.{frac:02d}".rstrip("0").rstrip(".")


OVER_SHORT_MOST = Money(100_000)
OVER_SHORT_RULE = "The over/short limit must be from $0.00 to $1,000.00."


def parse_over_short_limit(text: str) -> Money:
    """How far a drawer may be over or short without a reason: $0.00 to $1,000.00."""
    limit = Money.parse(text, ceiling=OVER_SHORT_MOST.cents)
    if limit.cents < 0:
        raise BadAmount(OVER_SHORT_RULE)
    return limit


def parse_discount_limit(text: str) -> Money:
    """The discount a line may have without a manager's approval: $0.00 or more (at most
    the largest-amount setting's own limit), else BadAmount."""
    limit = Money.parse(text, ceiling=CEILING_LIMIT.cents)
    if limit.cents < 0:
        raise BadAmount(DISCOUNT_RULE)
    return limit


def parse_wait_minutes(text: str) -> int:
    """The flow board's wait alert as typed: a whole number of minutes from 1 to 240."""
    raw = text.strip()
    if len(raw) > 3 or not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 240:
        raise Invalid(WAIT_RULE)
    return int(raw)
