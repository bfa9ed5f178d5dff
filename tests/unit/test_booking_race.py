"""Two sessions (two processes, two connections to one file) booking the same slot at the
same moment: one appointment is made and the other session is told the slot was taken,
never "database is locked"."""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
from pathlib import Path

from frontdesk.data.schema import open_database
from frontdesk.services import audit
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, actor

ROUNDS = 10
DAY = dt.date(2027, 1, 12)  # a Tuesday after the demo's bookings: an empty book
SESSIONS = (("anguyen", 21, "FRONT-1"), ("mbell", 22, "FRONT-2"))


def _slot_minute(round_number: int) -> int:
    return 8 * 60 + 30 * round_number  # 8:00, 8:30, ... on Dr Vargas's column


def _stored(minute: int) -> str:
    """The stored instant of a wall-clock minute on DAY (CST is UTC-6 in January)."""
    moment = dt.datetime.combine(DAY, dt.time(0)) + dt.timedelta(minutes=minute + 6 * 60)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def _session(path: str, number: int, barrier, results) -> None:
    """One receptionist's session: at each round, book the round's slot at the same
    moment as the other session."""
    from frontdesk.services.appointments import Booking, SlotTaken, book

    username, patient_id, workstation = SESSIONS[number]
    db = open_database(path)
    try:
        desk = Desk(db=db, clock=FakeClock(), workstation=workstation)
        desk = desk.signed_in(actor(desk, username))
        vargas = db.execute("SELECT id FROM resources WHERE short_name = 'Dr Vargas'").fetchone()[0]
        visit = db.execute(
            "SELECT id FROM appointment_types WHERE name = 'New patient visit'"
        ).fetchone()[0]
        for round_number in range(ROUNDS):
            wanted = Booking(
                patient_id=patient_id,
                resource_id=vargas,
                type_id=visit,
                day=DAY,
                start_minute=_slot_minute(round_number),
            )
            barrier.wait(timeout=60)
            try:
                made = book(desk, wanted)
                outcome = f"booked {made.id}"
            except SlotTaken as error:
                outcome = f"taken: {error}"
            except Exception as error:  # "database is locked" would land here
                outcome = f"error: {error!r}"
            results.put((round_number, number, outcome))
    finally:
        db.close()


def test_two_sessions_booking_one_slot_at_once_make_one_appointment(
    practice_path: Path,
) -> None:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(len(SESSIONS)), context.Queue()
    sessions = [
        context.Process(target=_session, args=(str(practice_path), n, barrier, results))
        for n in range(len(SESSIONS))
    ]
    for session in sessions:
        session.start()
    outcomes = [results.get(timeout=120) for _ in range(ROUNDS * len(SESSIONS))]
    for session in sessions:
        session.join(timeout=30)
        assert session.exitcode == 0

    db = open_database(practice_path)
    try:
        by_round: dict[int, list[str]] = {}
        for round_number, _, outcome in outcomes:
            by_round.setdefault(round_number, []).append(outcome)
        for round_number, said in sorted(by_round.items()):
            booked = [s for s in said if s.startswith("booked ")]
            taken = [s for s in said if s.startswith("taken: ")]
            assert len(booked) == 1 and len(taken) == 1, (round_number, said)
            assert "Tue 01/12" in taken[0] and "Dr Vargas" in taken[0]
            start = _stored(_slot_minute(round_number))
            rows = db.execute(
                "SELECT id, status FROM appointments WHERE starts_at = ?", (start,)
            ).fetchall()
            assert rows == [(int(booked[0].split()[1]), "booked")], (round_number, rows)
        # Exactly one appointment per round on that day, none overlapping.
        day_rows = db.execute(
            "SELECT starts_at, ends_at, workstation FROM appointments"
            " WHERE starts_at LIKE '2027-01-12%' ORDER BY starts_at"
        ).fetchall()
        assert len(day_rows) == ROUNDS
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(day_rows))
        (events,) = db.execute(
            "SELECT count(*) FROM appointment_events e JOIN appointments a"
            " ON a.id = e.appointment_id WHERE a.starts_at LIKE '2027-01-12%'"
        ).fetchone()
        assert events == ROUNDS
        chain = audit.verify_chain(Desk(db=db, clock=FakeClock(), workstation="CHECK", shell=True))
        assert chain.ok, chain.problem
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
