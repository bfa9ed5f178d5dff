"""Staff & logins: add, edit, reset password or PIN, unlock, deactivate (never delete).

Manager only. A practice always keeps at least one active manager.
"""

from __future__ import annotations

import re

from frontdesk.data.db import sqlite3, write
from frontdesk.data.models import ROLES, Role, StaffMember
from frontdesk.errors import Conflict, Invalid, NotFound
from frontdesk.services import audit
from frontdesk.services.auth import check_password, check_pin, hash_secret
from frontdesk.services.context import Desk
from frontdesk.services.fields import one_line

__all__ = [
    "add_staff",
    "check_full_name",
    "check_username",
    "find_staff",
    "get_staff",
    "list_staff",
    "reset_password",
    "reset_pin",
    "set_active",
    "unlock",
    "update_staff",
]

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
_COLUMNS = (
    "id, username, full_name, credentials, role, active, pin_hash IS NOT NULL AS has_pin, "
    "failed_attempts, locked_until, last_login_at"
)


def check_username(username: str) -> str:
    """The username in lower case if acceptable (2-32 of a-z 0-9 . _ -), else Invalid."""
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise Invalid(
            "A username is 2 to 32 letters a-z, digits, '.', '_' or '-', starting with a letter."
        )
    return name


def check_full_name(full_name: str) -> str:
    """A staff member's name, tidied, or Invalid."""
    return one_line(full_name, "person's full name", max_length=80, required=True)


def _check_role(role: str) -> Role:
    if role not in ROLES:
        raise Invalid(f"Role must be one of: {', '.join(ROLES)}.")
    return role  # type: ignore[return-value]


def _member(desk: Desk, where: str, params: tuple) -> list[StaffMember]:
    cursor = desk.db.execute(f"SELECT {_COLUMNS} FROM staff {where}", params)
    names = [c[0] for c in cursor.description]
    return [StaffMember(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def list_staff(desk: Desk, *, include_inactive: bool = True) -> list[StaffMember]:
    """Every staff login, active first, then by name."""
    desk.require_manager("see staff logins")
    where = "" if include_inactive else "WHERE active = 1"
    return _member(desk, where + " ORDER BY active DESC, full_name COLLATE NOCASE", ())


def get_staff(desk: Desk, staff_id: int) -> StaffMember:
    """One staff login by id, or NotFound."""
    desk.require_manager("see staff logins")
    found = _member(desk, "WHERE id = ?", (staff_id,))
    if not found:
        raise NotFound("That staff member no longer exists.")
    return found[0]


def find_staff(desk: Desk, username: str) -> StaffMember:
    """One staff login by username, or NotFound."""
    desk.require_manager("see staff logins")
    found = _member(desk, "WHERE username = ?", (username.strip(),))
    if not found:
        raise NotFound(f"There is no login named '{username.strip()}'.")
    return found[0]


def _active_managers(desk: Desk) -> int:
    return desk.db.execute(
        "SELECT count(*) FROM staff WHERE role = 'manager' AND active = 1"
    ).fetchone()[0]


def add_staff(
    desk: Desk,
    username: str,
    full_name: str,
    role: str,
    password: str,
    pin: str = "",
    credentials: str = "",
) -> StaffMember:
    """Create a login. Raises Invalid for a bad field, Conflict for a taken username."""
    desk.require_manager("add staff")
    username = check_username(username)
    full_name = check_full_name(full_name)
    role = _check_role(role)
    credentials = one_line(credentials, "credentials", max_length=20)
    check_password(password, username)
    pin_hash = hash_secret(check_pin(pin)) if pin else None
    password_hash = hash_secret(password)
    now = desk.clock.stamp()
    try:
        with write(desk.db):
            taken = desk.db.execute(
                "SELECT 1 FROM staff WHERE username = ?", (username,)
            ).fetchone()
            if taken:
                raise Conflict(f"The username '{username}' is already taken.")
            staff_id = desk.db.execute(
                "INSERT INTO staff (username, full_name, credentials, role, password_hash,"
                " pin_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    username,
                    full_name,
                    credentials,
                    role,
                    password_hash,
                    pin_hash,
                    now,
                    now,
                ),
            ).lastrowid
            audit.record(desk, "staff added", "staff", staff_id, f"role {role}")
    except sqlite3.IntegrityError as error:
        # Another session inserted the same name between our check and our insert.
        raise Conflict(f"The username '{username}' is already taken.") from error
    return get_staff(desk, staff_id)


def update_staff(
    desk: Desk,
    staff_id: int,
    *,
    full_name: str,
    role: str,
    credentials: str = "",
    original: StaffMember | None = None,
) -> StaffMember:
    """Change a login's name, credentials or role; the last active manager stays one.

    `original` is the login as the form showed it: a field another manager changed
    meanwhile is not silently undone (Conflict if this edit changes it too).
    """
    actor = desk.require_manager("edit staff")
    full_name = check_full_name(full_name)
    role = _check_role(role)
    credentials = one_line(credentials, "credentials", max_length=20)
    with write(desk.db):
        current = get_staff(desk, staff_id)
        before = original or current
        wanted = {"full_name": full_name, "role": role, "credentials": credentials}
        changed = [key for key, value in wanted.items() if getattr(before, key) != value]
        if any(getattr(current, key) != getattr(before, key) for key in changed):
            raise Conflict(
                "Another manager changed this login while you were editing; "
                "close the form and open it again."
            )
        if "role" in changed and current.role == "manager" and current.active:
            if _active_managers(desk) <= 1:
                raise Conflict("The practice needs at least one active manager.")
            if actor is not None and actor.staff_id == staff_id:
                raise Conflict("Another manager must change your role.")
        if changed:
            assignments = ", ".join(f"{key} = ?" for key in changed)
            desk.db.execute(
                f"UPDATE staff SET {assignments}, updated_at = ? WHERE id = ?",
                (*(wanted[key] for key in changed), desk.clock.stamp(), staff_id),
            )
        names = {"full_name": "name", "role": "role", "credentials": "credentials"}
        summary = ", ".join(names[key] for key in changed) or "no change"
        if "role" in changed:
            summary += f" ({current.role} -> {role})"
        audit.record(desk, "staff edited", "staff", staff_id, summary)
    return get_staff(desk, staff_id)


def reset_password(desk: Desk, staff_id: int, password: str) -> None:
    """Set a new password (and clear a lockout)."""
    desk.require_manager("reset passwords")
    member = get_staff(desk, staff_id)
    check_password(password, member.username)
    password_hash = hash_secret(password)
    with write(desk.db):
        desk.db.execute(
            "UPDATE staff SET password_hash = ?, failed_attempts = 0, locked_until = NULL,"
            " updated_at = ? WHERE id = ?",
            (password_hash, desk.clock.stamp(), staff_id),
        )
        audit.record(desk, "password reset", "staff", staff_id)


def reset_pin(desk: Desk, staff_id: int, pin: str) -> None:
    """Set a new 4-8 digit PIN."""
    desk.require_manager("reset PINs")
    get_staff(desk, staff_id)
    pin_hash = hash_secret(check_pin(pin))
    with write(desk.db):
        desk.db.execute(
            "UPDATE staff SET pin_hash = ?, updated_at = ? WHERE id = ?",
            (pin_hash, desk.clock.stamp(), staff_id),
        )
        audit.record(desk, "pin reset", "staff", staff_id)


def unlock(desk: Desk, staff_id: int) -> None:
    """Clear a login's failed attempts and lockout."""
    desk.require_manager("unlock logins")
    member = get_staff(desk, staff_id)
    if not member.locked_until and not member.failed_attempts:
        raise Conflict(f"{member.username} is not locked.")
    with write(desk.db):
        desk.db.execute(
            "UPDATE staff SET failed_attempts = 0, locked_until = NULL, updated_at = ? "
            "WHERE id = ?",
            (desk.clock.stamp(), staff_id),
        )
        audit.record(desk, "login unlocked", "staff", staff_id)


def set_active(desk: Desk, staff_id: int, active: bool) -> StaffMember:
    """Deactivate (or reactivate) a login; nobody is ever deleted.

    You cannot deactivate yourself, nor the last active manager.
    """
    actor = desk.require_manager("deactivate or reactivate staff")
    with write(desk.db):
        member = get_staff(desk, staff_id)
        if member.active == active:
            raise Conflict(f"{member.username} is already {'active' if active else 'inactive'}.")
        if not active:
            if actor is not None and actor.staff_id == staff_id:
                raise Conflict("You cannot deactivate your own login.")
            if member.role == "manager" and member.active and _active_managers(desk) <= 1:
                raise Conflict("The practice needs at least one active manager.")
        desk.db.execute(
            "UPDATE staff SET active = ?, updated_at = ? WHERE id = ?",
            (int(active), desk.clock.stamp(), staff_id),
        )
        audit.record(
            desk, "staff reactivated" if active else "staff deactivated", "staff", staff_id
        )
    return get_staff(desk, staff_id)
