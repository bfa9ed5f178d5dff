"""The crash loop: a child process works the money desk and the book through the services
(bookings, check-ins, check-outs with fee sheets and split payments, refunds, paid-outs,
drawers counted, closed and opened again)
and is killed with SIGKILL at a random moment, again and again. After every kill the file
passes `PRAGMA integrity_check` and every invariant of the books holds
(`services.invariants`: audit chain, whole postings, drawers, refunds, the book...)."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from frontdesk.data.money import Money
from frontdesk.data.schema import open_database
from frontdesk.errors import FrontDeskError
from frontdesk.services import appointments, corrections, drawers, invariants, ledger, openings
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, actor
from tests.unit.money_helpers import card, cash, check_in, check_out, service, todays_visits

KILLS = int(os.environ.get("FRONTDESK_CRASH_KILLS", "200"))
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _work(path: Path, seed: int) -> None:
    """The child's day at the desk, until it is killed."""
    rng = random.Random(seed)
    db = open_database(path)
    desk = Desk(db=db, clock=FakeClock(), workstation="FRONT-1")
    manager = actor(desk, "dokafor")
    desk = desk.signed_in(manager)
    while True:
        try:
            roll = rng.random()
            if roll < 0.45:
                visits = todays_visits(desk)
                if visits:
                    appointment_id = rng.choice(visits)[0]
                    check_in(desk, appointment_id)
                    check_out(desk, appointment_id, [service("99213")],
                              [cash(Money(500), Money(2000)), card(Money(300))])  # fmt: skip
            elif roll < 0.65:
                (payment,) = db.execute(
                    "SELECT id FROM ledger WHERE kind = 'payment' AND method IN ('cash', 'card')"
                    " AND business_date = '2026-11-24' ORDER BY random() LIMIT 1"
                ).fetchone() or (None,)
                if payment and ledger.refundable(desk, payment) >= Money(100):
                    corrections.refund_payment(desk, payment, Money(100), "Crash loop",
                                               ledger.new_key(), approver=manager)  # fmt: skip
            elif roll < 0.72:
                drawers.record_move(desk, "paid_out", Money(100), ledger.new_key(),
                                    payee="Post office", reason="Stamps", receipt_ref="R1",
                                    approver=manager)  # fmt: skip
            elif roll < 0.8:
                _count_close_or_open(desk, manager)
            else:
                type_id = rng.choice([row[0] for row in db.execute(
                    "SELECT id FROM appointment_types WHERE active = 1")])  # fmt: skip
                found = openings.find_openings(desk, type_id, limit=3)
                if found:
                    opening = rng.choice(found)
                    local = desk.clock.local(opening.starts_at)
                    patient = rng.randint(1, 300)
                    appointments.book(desk, appointments.Booking(
                        patient_id=patient, resource_id=opening.resource_id, type_id=type_id,
                        day=local.date(), start_minute=local.hour * 60 + local.minute,
                    ), same_patient_ok=True)  # fmt: skip
        except FrontDeskError:
            pass  # a visit taken by then, a refund used up...: the desk goes on


def _count_close_or_open(desk: Desk, manager) -> None:
    """The drawer's next step: counted (to the cent) if open, closed with tomorrow's float
    if counted, opened with a float if closed."""
    drawer = drawers.drawer_at(desk)
    assert drawer is not None
    current = drawers.current_session(desk, drawer.id)
    if current is None:
        drawers.open_drawer(desk, drawer.id, {"b20": 10})
    elif current.status == "open":
        should = drawers.expected(desk, current.id)
        counts = {"b1": should.cash.cents // 100, "c1": should.cash.cents % 100}
        drawers.submit_count(desk, current.id, counts, list(should.checks), should.card)
    else:
        left = min(Money(20000), drawers.expected(desk, current.id).cash)
        drawers.close_drawer(desk, current.id, leave=left, approver=manager)


def test_killed_at_random_moments_the_books_stay_whole(practice_path: Path) -> None:
    rng = random.Random(20261202)
    db = open_database(practice_path)
    (entries_before,) = db.execute("SELECT count(*) FROM ledger").fetchone()
    db.close()
    for kill in range(KILLS):
        child = os.fork()
        if child == 0:  # the child: work until killed
            try:
                _work(practice_path, rng.randint(0, 10**9))
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0.01, 0.12))  # the random moment of the crash
        os.kill(child, signal.SIGKILL)
        _, status = os.waitpid(child, 0)
        assert os.WIFSIGNALED(status), f"kill {kill}: the child ended by itself ({status})"
        db = open_database(practice_path)
        try:
            broken = invariants.check(db)
        finally:
            db.close()
        assert broken == [], f"after kill {kill}: {[str(v) for v in broken]}"
    db = open_database(practice_path)
    (entries_after,) = db.execute("SELECT count(*) FROM ledger").fetchone()
    (moves,) = db.execute("SELECT count(*) FROM drawer_moves WHERE reason = 'Stamps'").fetchone()
    (closes,) = db.execute(
        "SELECT count(*) FROM drawer_sessions WHERE business_date = '2026-11-24'"
        " AND status = 'closed'"
    ).fetchone()
    db.close()
    assert entries_after > entries_before + KILLS // 2  # the children worked between kills
    assert moves > 0 and closes > 0
