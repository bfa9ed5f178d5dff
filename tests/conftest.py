"""Fixtures that build a practice, not rows: the demo practice from `frontdesk demo`."""

from __future__ import annotations

import shutil
from pathlib import Path

import arrow
import pytest

from frontdesk.data.clock import Clock
from frontdesk.data.models import Actor
from frontdesk.data.schema import open_database
from frontdesk.services import demo
from frontdesk.services.context import Desk

# A Tuesday morning at the demo practice (Chicago): 2026-11-24 09:30 local.
MORNING = arrow.get("2026-11-24T15:30:00+00:00")


class FakeClock(Clock):
    """A clock the test moves by hand."""

    def __init__(self, tz: str = "America/Chicago", at: arrow.Arrow = MORNING) -> None:
        self.at = at
        super().__init__(tz, source=lambda: self.at)

    def advance(self, **shift: float) -> None:
        self.at = self.at.shift(**shift)


@pytest.fixture(scope="session")
def practice_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo practice, built once per test run."""
    path = tmp_path_factory.mktemp("template") / "practice.db"
    db = open_database(path)
    desk = Desk(db=db, clock=FakeClock(), workstation="SETUP", shell=True)
    demo.build_demo(desk, scale="small", seed=7)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def practice_path(practice_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo practice for one test."""
    path = tmp_path / "practice.db"
    shutil.copy(practice_template, path)
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def desk(practice_path: Path, clock: FakeClock):
    """A desk at workstation FRONT-1 of the demo practice, nobody signed in."""
    db = open_database(practice_path)
    yield Desk(db=db, clock=clock, workstation="FRONT-1")
    db.close()


def column(desk: Desk, short_name: str) -> int:
    """The id of the book's column with this heading (e.g. "Dr Vargas", "Laser room")."""
    return desk.db.execute(
        "SELECT id FROM resources WHERE short_name = ?", (short_name,)
    ).fetchone()[0]


def kind(desk: Desk, name: str) -> int:
    """The id of the appointment type called `name` (e.g. "Follow-up")."""
    return desk.db.execute("SELECT id FROM appointment_types WHERE name = ?", (name,)).fetchone()[0]


def actor(desk: Desk, username: str) -> Actor:
    """The demo staff member `username`, as if signed in at the desk's workstation."""
    row = desk.db.execute(
        "SELECT id, username, full_name, role FROM staff WHERE username = ?", (username,)
    ).fetchone()
    return Actor(
        staff_id=row[0],
        username=row[1],
        full_name=row[2],
        role=row[3],
        workstation=desk.workstation,
    )


@pytest.fixture
def manager_desk(desk: Desk) -> Desk:
    """The office manager (dokafor) at the desk."""
    return desk.signed_in(actor(desk, "dokafor"))


@pytest.fixture
def receptionist_desk(desk: Desk) -> Desk:
    """A receptionist (anguyen) at the desk."""
    return desk.signed_in(actor(desk, "anguyen"))
