"""Workstations: the desks thin clients connect from, and which one a session is.

A session is the workstation it names (`--workstation` or `FRONTDESK_WORKSTATION`), else
the one set up for the SSH client's address (`SSH_CONNECTION`), else the one set up for
the Unix user it logged in as. A connection none of these recognise still opens the
console, as `unknown-<address>`: it has no drawer, so it takes no cash or check until a
manager sets the workstation up.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from frontdesk.errors import Conflict, Invalid, NotFound, echo
from frontdesk.services import audit
from frontdesk.services.fields import one_line

if TYPE_CHECKING:
    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.services.context import Desk

__all__ = [
    "UNKNOWN_PREFIX",
    "check_name",
    "recognise",
    "remove_workstation",
    "save_workstation",
    "workstations",
]

UNKNOWN_PREFIX = "unknown-"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
_USER = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")


def workstations(db: FrontDeskDatabase) -> list[tuple[str, str, str]]:
    """(name, client address, Unix user) of every workstation in use, by name."""
    return [
        (name, address, user)
        for name, address, user in db.execute(
            "SELECT name, client_address, unix_user FROM workstations WHERE active = 1"
            " ORDER BY name COLLATE NOCASE"
        )
    ]


def check_name(name: str, db: FrontDeskDatabase | None = None) -> str:
    """A workstation's name as typed (FRONT-1), tidied, or Invalid: letters, digits,
    '-', '_' and '.', at most 32, and not one of the names given to strangers. Given `db`,
    a name a drawer or a printer already stands at is taken as it is (one saved before
    this rule, e.g. with a space), so that what stands there can still be changed."""
    name = one_line(name, "workstation's name", max_length=32, required=True)
    if (
        db is not None
        and db.execute(
            "SELECT 1 FROM drawers WHERE workstation = ?1"
            " UNION ALL SELECT 1 FROM workstation_printers WHERE workstation = ?1",
            (name,),
        ).fetchone()
    ):
        return name
    if not _NAME.match(name) or name.lower().startswith(UNKNOWN_PREFIX):
        raise Invalid("A workstation's name has letters, digits, '-', '_' and '.', e.g. FRONT-1.")
    return name


def save_workstation(desk: Desk, name: str, client_address: str = "", unix_user: str = "") -> None:
    """Set up (or change) a workstation: the address its thin client connects from and/or
    the Unix user it logs in as. Manager only; Invalid or Conflict with nothing saved."""
    desk.require_manager("set up workstations")
    name = check_name(name)
    address = client_address.strip()
    if address:
        try:
            address = str(ipaddress.ip_address(address))
        except ValueError as error:
            raise Invalid(f"{echo(address, 40)} is not an IP address (e.g. 10.0.0.21).") from error
    user = unix_user.strip()
    if user and not _USER.match(user):
        raise Invalid(f"{echo(user, 40)} is not a Unix user name.")
    with desk.writing():
        for column, value, what in (("client_address", address, "address"),
                                    ("unix_user", user, "Unix user")):  # fmt: skip
            if value and (
                other := desk.db.execute(
                    f"SELECT name FROM workstations WHERE {column} = ? AND active = 1"
                    " AND name <> ?",
                    (value, name),
                ).fetchone()
            ):
                raise Conflict(f"{other[0]} already has that {what}.")
        desk.db.execute(
            "INSERT INTO workstations (name, client_address, unix_user, active)"
            " VALUES (?, ?, ?, 1) ON CONFLICT (name) DO UPDATE SET"
            " client_address = excluded.client_address, unix_user = excluded.unix_user,"
            " active = 1",
            (name, address, user),
        )
        audit.record(desk, "workstation set up", "workstations", None,
                     f"{name} {address} {user}".strip())  # fmt: skip


def remove_workstation(desk: Desk, name: str) -> None:
    """Take a workstation out of use (its history stays). Manager only."""
    desk.require_manager("set up workstations")
    with desk.writing():
        if not desk.db.execute(
            "UPDATE workstations SET active = 0 WHERE name = ? AND active = 1", (name,)
        ).rowcount:
            raise NotFound(f"There is no workstation {name} in use.")
        audit.record(desk, "workstation removed", "workstations", None, name)


def recognise(
    db: FrontDeskDatabase, environ: Mapping[str, str], unix_user: str, named: str = ""
) -> tuple[str, bool]:
    """(the workstation this session is, whether it was recognised): `named` (or
    FRONTDESK_WORKSTATION) first, then the SSH client's address, then the Unix user;
    else `unknown-<address>` (or `unknown-<user>`), not recognised."""
    explicit = (named or environ.get("FRONTDESK_WORKSTATION", "")).strip()
    if explicit:
        # Named as a workstation is (FRONT-1): a space or an accent becomes '-'.
        return re.sub(r"[^A-Za-z0-9_.-]", "-", explicit)[:32], True
    address = environ.get("SSH_CONNECTION", "").split(" ")[0].strip()
    for column, value in (("client_address", address), ("unix_user", unix_user)):
        if value:
            row = db.execute(
                f"SELECT name FROM workstations WHERE {column} = ? AND active = 1", (value,)
            ).fetchone()
            if row:
                return row[0], True
    tail = re.sub(r"[^A-Za-z0-9_.-]", "-", address or unix_user or "console")
    return f"{UNKNOWN_PREFIX}{tail}"[:32], False
