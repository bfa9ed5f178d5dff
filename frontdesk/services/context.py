"""The desk a service works at: database, clock, workstation, and who is signed in."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from frontdesk.errors import AccessDenied

if TYPE_CHECKING:  # kept out of start-up: the login screen must not wait for pydantic
    from frontdesk.data.clock import Clock
    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.data.models import Actor

__all__ = ["Desk"]


@dataclass(frozen=True)
class Desk:
    """Everything a service needs besides its arguments.

    `actor` is None before anyone signs in (login, first run). `shell` marks the
    `frontdesk` shell commands run on the server itself: whoever can run them can already
    edit the file, so they act as a manager (and are audited as the shell).
    """

    db: FrontDeskDatabase
    clock: Clock
    workstation: str
    actor: Actor | None = None
    shell: bool = False

    def signed_in(self, actor: Actor | None) -> Desk:
        """The same desk with `actor` at the keyboard (None: signed out)."""
        return replace(self, actor=actor)

    @contextlib.contextmanager
    def writing(self) -> Iterator[FrontDeskDatabase]:
        """One write transaction (`db.write`) in which "now" holds still: every row it
        writes carries the same instant."""
        from frontdesk.data.db import write

        with write(self.db) as db, self.clock.held():
            yield db

    def require_actor(self) -> Actor:
        """The signed-in staff member, or AccessDenied."""
        if self.actor is None:
            raise AccessDenied("Sign in first.")
        return self.actor

    def require_role(self, roles: tuple[str, ...], doing: str) -> Actor | None:
        """The signed-in person if their role is one of `roles` (None for the shell), or
        AccessDenied naming the task."""
        if self.shell:
            return None
        actor = self.require_actor()
        if actor.role not in roles:
            raise AccessDenied(f"Your role ({actor.role}) cannot {doing}.")
        return actor

    def require_manager(self, doing: str) -> Actor | None:
        """The signed-in manager (None for the shell), or AccessDenied naming the task."""
        if self.shell:
            return None
        actor = self.require_actor()
        if actor.role != "manager":
            raise AccessDenied(f"Only a manager can {doing}.")
        return actor
