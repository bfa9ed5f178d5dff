"""Signing in and proving who you are: passwords, PINs, lockout, idle lock, approvals.

Passwords and PINs are argon2id hashes (argon2-cffi, OWASP's minimum parameters or
stronger). Five failed attempts, by password or PIN, lock a login for fifteen minutes;
a manager can unlock it sooner.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from frontdesk.data.clock import from_stored, to_stored
from frontdesk.data.db import write
from frontdesk.data.models import Actor
from frontdesk.errors import AccessDenied, AccountLocked, Invalid, LoginFailed
from frontdesk.services import audit
from frontdesk.services.context import Desk

__all__ = [
    "LOCKOUT_MINUTES",
    "MAX_FAILED_ATTEMPTS",
    "approve",
    "check_password",
    "check_pin",
    "hash_secret",
    "login",
    "record_lock",
    "sign_out",
    "unlock_with_pin",
    "verify_secret",
]

MAX_FAILED_ATTEMPTS = 5
LOCKOUT_MINUTES = 15

# OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


def hash_secret(secret: str) -> str:
    """An argon2id hash of a password or PIN."""
    return _HASHER.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """True when `secret` matches `stored_hash` (False for no hash or a damaged one)."""
    if not stored_hash:
        return False
    try:
        return _HASHER.verify(stored_hash, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(password: str, username: str = "") -> str:
    """Return `password` if it is acceptable, else Invalid saying why."""
    if len(password) < 8:
        raise Invalid("A password needs at least 8 characters.")
    if len(password) > 128:
        raise Invalid("A password can have at most 128 characters.")
    # A control character (ESC, NUL...) cannot be typed at the sign-in screen again.
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in password):
        raise Invalid("A password cannot have control characters (such as Esc or Tab).")
    if username and username.lower() in password.lower():
        raise Invalid("A password must not contain the username.")
    if len(set(password)) < 3:
        raise Invalid("That password is too easy to guess.")
    return password


def check_pin(pin: str) -> str:
    """Return `pin` if it is 4 to 8 digits, else Invalid."""
    if not (4 <= len(pin) <= 8) or not pin.isascii() or not pin.isdigit():
        raise Invalid("A PIN is 4 to 8 digits.")
    if len(set(pin)) == 1:
        raise Invalid("A PIN of one repeated digit is too easy to guess.")
    return pin


_STAFF_COLUMNS = (
    "id, username, full_name, role, password_hash, pin_hash, failed_attempts, locked_until, active"
)


def _staff_row(desk: Desk, where: str, value: object) -> dict | None:
    cursor = desk.db.execute(f"SELECT {_STAFF_COLUMNS} FROM staff WHERE {where}", (value,))
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([c[0] for c in cursor.description], row, strict=True))


def _locked_message(desk: Desk, locked_until: str) -> str:
    until = desk.clock.local(locked_until)
    return (
        f"This login is locked after {MAX_FAILED_ATTEMPTS} failed attempts until "
        f"{until:HH:mm}. A manager can unlock it sooner."
    )


def _still_locked(desk: Desk, row: dict) -> bool:
    until = row["locked_until"]
    return bool(until) and from_stored(until) > desk.clock.now()


def _record_failure(desk: Desk, row: dict, what: str) -> LoginFailed:
    """Count a failed attempt (committed even though the caller then raises)."""
    with write(desk.db):
        # A lock that has run out starts the count afresh.
        now = desk.clock.stamp()
        attempts = desk.db.execute(
            "UPDATE staff SET failed_attempts = CASE WHEN locked_until IS NOT NULL AND "
            "locked_until <= ? THEN 1 ELSE failed_attempts + 1 END, locked_until = CASE "
            "WHEN locked_until <= ? THEN NULL ELSE locked_until END WHERE id = ? "
            "RETURNING failed_attempts",
            (now, now, row["id"]),
        ).fetchone()[0]
        audit.record(
            desk,
            f"{what} failed",
            "staff",
            row["id"],
            f"attempt {attempts}",
            staff_id=row["id"],
        )
        if attempts >= MAX_FAILED_ATTEMPTS:
            until = to_stored(desk.clock.now() + dt.timedelta(minutes=LOCKOUT_MINUTES))
            desk.db.execute(
                "UPDATE staff SET locked_until = ?, updated_at = ? WHERE id = ?",
                (until, desk.clock.stamp(), row["id"]),
            )
            audit.record(
                desk,
                "login locked",
                "staff",
                row["id"],
                f"{attempts} failed attempts",
                staff_id=row["id"],
            )
            return AccountLocked(_locked_message(desk, until))
    left = MAX_FAILED_ATTEMPTS - attempts
    wrong = {
        "login": "Wrong username or password.",
        "unlock": "Wrong PIN.",
        "approval": "Wrong manager username or PIN.",
    }[what]
    more = f"{left} more failed attempts lock" if left != 1 else "1 more failed attempt locks"
    return LoginFailed(f"{wrong} {more} the login.")


def _actor(desk: Desk, row: dict) -> Actor:
    return Actor(
        staff_id=row["id"],
        username=row["username"],
        full_name=row["full_name"],
        role=row["role"],
        workstation=desk.workstation,
    )


def _succeed(desk: Desk, row: dict, action: str) -> Actor:
    with write(desk.db):
        desk.db.execute(
            "UPDATE staff SET failed_attempts = 0, locked_until = NULL, last_login_at = ? "
            "WHERE id = ?",
            (desk.clock.stamp(), row["id"]),
        )
        audit.record(desk, action, "staff", row["id"], staff_id=row["id"])
    return _actor(desk, row)


def login(desk: Desk, username: str, password: str) -> Actor:
    """Sign in with username and password; returns who is now at the keyboard.

    Raises LoginFailed (wrong name or password, with attempts left), AccountLocked
    (saying until when) or AccessDenied (a deactivated login).
    """
    username = username.strip()
    if not username or not password:
        raise LoginFailed("Enter your username and password.")
    row = _staff_row(desk, "username = ?", username)
    if row is None:
        # Hash anyway so an unknown name takes as long as a wrong password.
        verify_secret(_dummy_hash(), password)
        with write(desk.db):
            audit.record(desk, "login failed", "staff", None, "unknown username")
        raise LoginFailed("Wrong username or password.")
    if _still_locked(desk, row):
        with write(desk.db):
            audit.record(desk, "login refused", "staff", row["id"], "locked", staff_id=row["id"])
        raise AccountLocked(_locked_message(desk, row["locked_until"]))
    if not verify_secret(row["password_hash"], password):
        raise _record_failure(desk, row, "login")
    if not row["active"]:
        with write(desk.db):
            audit.record(
                desk, "login refused", "staff", row["id"], "deactivated", staff_id=row["id"]
            )
        raise AccessDenied("This login is deactivated. Ask the office manager.")
    if _HASHER.check_needs_rehash(row["password_hash"]):
        with write(desk.db):
            desk.db.execute(
                "UPDATE staff SET password_hash = ? WHERE id = ?",
                (hash_secret(password), row["id"]),
            )
            audit.record(desk, "password rehashed", "staff", row["id"], staff_id=row["id"])
    return _succeed(desk, row, "login")


def unlock_with_pin(desk: Desk, pin: str) -> Actor:
    """Reopen a locked session with the signed-in person's own PIN.

    Failures count towards the lockout; once locked, only a full login opens the desk.
    """
    actor = desk.require_actor()
    if not pin:
        raise LoginFailed("Enter your PIN.")
    row = _staff_row(desk, "id = ?", actor.staff_id)
    if row is None or not row["active"]:
        raise AccessDenied("This login is no longer active. Sign in again.")
    if _still_locked(desk, row):
        raise AccountLocked(_locked_message(desk, row["locked_until"]))
    if not row["pin_hash"]:
        raise LoginFailed("You have no PIN set; sign in with your password.")
    if not verify_secret(row["pin_hash"], pin):
        raise _record_failure(desk, row, "unlock")
    return _succeed(desk, row, "unlock")


def approve(desk: Desk, username: str, pin: str, doing: str) -> Actor:
    """A manager's approval by username and PIN, for a task the signed-in person may not
    do alone; audited with who asked and `doing`. Raises LoginFailed, AccountLocked or
    AccessDenied (only a manager approves)."""
    asking = desk.require_actor()
    row = _staff_row(desk, "username = ?", username.strip())
    if row is None or not row["pin_hash"] or not row["active"] or row["role"] != "manager":
        verify_secret(_dummy_hash(), pin)  # the same time whoever was named
        raise LoginFailed("That is not an active manager's username and PIN.")
    if _still_locked(desk, row):
        raise AccountLocked(_locked_message(desk, row["locked_until"]))
    if not verify_secret(row["pin_hash"], pin):
        raise _record_failure(desk, row, "approval")
    with write(desk.db):
        desk.db.execute("UPDATE staff SET failed_attempts = 0 WHERE id = ?", (row["id"],))
        audit.record(
            desk, "approval", "staff", row["id"], f"for staff {asking.staff_id}: {doing}"[:120]
        )
    return _actor(desk, row)


def record_lock(desk: Desk, reason: str) -> None:
    """Audit that the workstation was locked (idle or by hand)."""
    actor = desk.require_actor()
    with write(desk.db):
        audit.record(desk, "session locked", "staff", actor.staff_id, reason)


def sign_out(desk: Desk) -> None:
    """Audit that the signed-in person signed out."""
    if desk.actor is None:
        return
    with write(desk.db):
        audit.record(desk, "sign out", "staff", desk.actor.staff_id)


@functools.cache
def _dummy_hash() -> str:
    return hash_secret("not a real password")
