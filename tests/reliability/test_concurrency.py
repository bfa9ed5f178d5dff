"""Concurrency across features: ten processes at once on the same day, each pair racing
for one thing (one slot, one payment's refund, one drawer's count), the rest posting
payments and paid-outs all the while; then two managers signing the day off while six desks
take deposits. Each pair has exactly one winner; the loser gets a FrontDeskError saying
why; nothing is lost; no "database is locked" reaches anyone; and the books' invariants
hold afterwards."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from pathlib import Path

from frontdesk.data.money import Money
from frontdesk.data.schema import open_database
from frontdesk.errors import FrontDeskError
from frontdesk.services import (
    appointments,
    corrections,
    day_close,
    drawers,
    invariants,
    ledger,
    no_shows,
    openings,
    payments,
)
from frontdesk.services.context import Desk
from tests.conftest import MORNING, FakeClock, actor
from tests.unit.money_helpers import TODAY, a_patient_with_nothing_today, card
from tests.unit.test_day_close import _close_todays_drawers

POSTS_EACH = 15


def _desk(path: str, workstation: str) -> Desk:
    db = open_database(path)
    desk = Desk(db=db, clock=FakeClock(), workstation=workstation)
    return desk.signed_in(actor(desk, "dokafor"))


def _racer(path: str, role: str, number: int, plan: dict, start, results) -> None:
    """One session: its part of the race, reported as ("won"|"lost"|"error", text)."""
    desk = _desk(path, "FRONT-2" if role == "count" else "FRONT-1")
    manager = desk.actor
    start.wait()
    try:
        if role == "book":
            booked = appointments.book(desk, appointments.Booking(
                patient_id=plan["patients"][number], resource_id=plan["resource"],
                type_id=plan["type"], day=plan["day"], start_minute=plan["minute"],
            ))  # fmt: skip
            outcome = ("won", f"appointment {booked.id}")
        elif role == "refund":
            posting = corrections.refund_payment(
                desk,
                plan["payment"],
                plan["refundable"],
                "Overcharged",
                ledger.new_key(),
                approver=manager,
            )
            outcome = ("won", f"posting {posting.id}")
        elif role == "count":
            drawers.submit_count(desk, plan["session"], {"b20": 10}, (), Money(0))
            outcome = ("won", "counted")
        else:  # a desk posting all the while
            for _ in range(POSTS_EACH):
                drawers.record_move(desk, "paid_out", Money(100), ledger.new_key(),
                                    payee="Post office", reason="Stamps", receipt_ref="R9",
                                    approver=manager)  # fmt: skip
            outcome = ("won", f"{POSTS_EACH} paid-outs")
    except FrontDeskError as error:
        outcome = ("lost", str(error))
    except Exception as error:  # "database is locked" would land here
        outcome = ("error", repr(error))
    finally:
        desk.db.close()
    results.put((role, number, *outcome))


def _plan(path: Path) -> dict:
    desk = _desk(str(path), "FRONT-1")
    db = desk.db
    try:
        type_id = db.execute("SELECT id FROM appointment_types WHERE name = 'Biopsy'").fetchone()[0]
        opening = openings.find_openings(desk, type_id, since=dt.date(2026, 12, 9))[0]
        local = desk.clock.local(opening.starts_at)
        payment = db.execute(
            "SELECT id FROM ledger WHERE kind = 'payment' AND method = 'cash'"
            " AND business_date = '2026-11-23' ORDER BY id LIMIT 1"
        ).fetchone()[0]
        session = db.execute(
            "SELECT s.id FROM drawer_sessions s JOIN drawers d ON d.id = s.drawer_id"
            " WHERE d.workstation = 'FRONT-2' AND s.status = 'open'"
        ).fetchone()[0]
        return {
            "type": type_id, "resource": opening.resource_id, "day": local.date(),
            "minute": local.hour * 60 + local.minute, "patients": (11, 12),
            "payment": payment, "refundable": ledger.refundable(desk, payment),
            "session": session, "starts_at": opening.starts_at,
        }  # fmt: skip
    finally:
        db.close()


def test_ten_sessions_racing_across_features_one_winner_each(practice_path: Path) -> None:
    plan = _plan(practice_path)
    assert plan["refundable"] > Money(0)
    roles = ["book", "book", "refund", "refund", "count", "count", *["post"] * 4]
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(len(roles)), context.Queue()
    sessions = [
        context.Process(target=_racer, args=(str(practice_path), role, n % 2, plan, start, results))
        for n, role in enumerate(roles)
    ]
    for session in sessions:
        session.start()
    outcomes = [results.get(timeout=120) for _ in roles]
    for session in sessions:
        session.join(timeout=30)
    assert [o for o in outcomes if o[2] == "error"] == []  # nothing but a clear refusal
    by_role: dict[str, list[tuple]] = {}
    for role, _, said, text in outcomes:
        by_role.setdefault(role, []).append((said, text))
    for role in ("book", "refund", "count"):
        said = sorted(s for s, _ in by_role[role])
        assert said == ["lost", "won"], (role, by_role[role])
    assert all(s == "won" for s, _ in by_role["post"]), by_role["post"]
    lost = {
        role: next(t for s, t in by_role[role] if s == "lost")
        for role in ("book", "refund", "count")
    }
    assert "taken" in lost["book"] or "Double-book" in lost["book"], lost["book"]
    assert "counted" in lost["count"], lost["count"]
    assert lost["refund"], lost["refund"]

    db = open_database(practice_path)
    try:
        on_slot = db.execute(
            "SELECT count(*) FROM appointments WHERE starts_at = ? AND resource_id = ?"
            " AND status = 'booked'",
            (plan["starts_at"], plan["resource"]),
        ).fetchone()[0]
        refunds = db.execute(
            "SELECT count(*) FROM ledger WHERE kind = 'refund' AND refunds_id = ?",
            (plan["payment"],),
        ).fetchone()[0]
        stamps = db.execute("SELECT count(*) FROM drawer_moves WHERE receipt_ref = 'R9'").fetchone()
        assert (on_slot, refunds, stamps[0]) == (1, 1, 4 * POSTS_EACH)  # nothing lost, once
        assert invariants.check(db) == []
    finally:
        db.close()


# -- closing the day while the desk posts ---------------------------------------------------

EVENING = MORNING.shift(hours=10)  # 7:30 pm: the day's visits are over
POSTERS, DEPOSITS_EACH = 6, 20


def _ready_to_close(path: Path) -> None:
    """Yesterday signed off; today's no-shows marked, visits without a fee sheet given a
    reason and the drawers counted and closed: today can be signed off."""
    db = open_database(path)
    desk = Desk(db=db, clock=FakeClock(at=EVENING), workstation="OFFICE")
    desk = desk.signed_in(actor(desk, "dokafor"))
    manager = desk.actor
    try:
        yesterday = TODAY - dt.timedelta(days=1)
        shows = day_close.close_of_day(desk, yesterday).step("no_shows").items
        no_shows.mark_no_shows(desk, [item.id for item in shows])
        day_close.sign_off(desk, yesterday, manager)
        close = day_close.close_of_day(desk, TODAY)
        no_shows.mark_no_shows(desk, [item.id for item in close.step("no_shows").items])
        for item in close.step("no_fee_sheet").items:
            day_close.record_no_charge(desk, item.id, "Left before check-out")
        _close_todays_drawers(desk, manager)
        close = day_close.close_of_day(desk, TODAY)
        assert close.ready, [step.summary for step in close.steps if not step.done]
    finally:
        db.close()


def _closer_or_poster(path: str, role: str, number: int, patients, posted, start, results):
    """A manager signing today off once some deposits are in, or a desk taking card
    deposits until it is told the day is closed."""
    db = open_database(path)
    desk = Desk(db=db, clock=FakeClock(at=EVENING), workstation=f"FRONT-{number % 2 + 1}")
    desk = desk.signed_in(actor(desk, "dokafor"))
    start.wait()
    made, outcome = 0, ("won", "")
    try:
        if role == "close":
            posted.wait(timeout=60)  # a few deposits are in: the close lands among them
            day_close.sign_off(desk, TODAY, desk.actor)
            outcome = ("won", "closed")
        else:
            for _ in range(DEPOSITS_EACH):
                payments.post_deposit(desk, patients[number], [card(1500)], ledger.new_key())
                made += 1
                if made == 3 and number == 0:
                    posted.set()
            outcome = ("won", "all posted")
    except FrontDeskError as error:
        outcome = ("lost", str(error))
    except Exception as error:  # "database is locked" would land here
        outcome = ("error", repr(error))
    finally:
        db.close()
    results.put((role, number, made, *outcome))


def test_the_day_closes_once_while_six_desks_post_and_nothing_lands_after(
    practice_path: Path,
) -> None:
    _ready_to_close(practice_path)
    db = open_database(practice_path)
    try:
        office = Desk(db=db, clock=FakeClock(), workstation="OFFICE")
        patients = [a_patient_with_nothing_today(office, n) for n in range(POSTERS)]
    finally:
        db.close()
    roles = ["close", "close", *["post"] * POSTERS]
    context = multiprocessing.get_context("fork")
    start, posted, results = context.Barrier(len(roles)), context.Event(), context.Queue()
    numbers = [0, 1, *range(POSTERS)]  # each closer, each poster its own patient
    sessions = [
        context.Process(
            target=_closer_or_poster,
            args=(str(practice_path), role, n, patients, posted, start, results),
        )
        for role, n in zip(roles, numbers, strict=True)
    ]
    for session in sessions:
        session.start()
    outcomes = [results.get(timeout=120) for _ in roles]
    for session in sessions:
        session.join(timeout=30)
    assert [o for o in outcomes if o[3] == "error"] == []
    closers = sorted(o[3:] for o in outcomes if o[0] == "close")
    assert [said for said, _ in closers] == ["lost", "won"], closers
    assert "closed already" in closers[0][1], closers
    posters = [o for o in outcomes if o[0] == "post"]
    # The close landed among the deposits: those after it were refused, saying why.
    assert any(o[3] == "lost" for o in posters), posters
    for _, _, _, said, text in posters:
        assert said == "won" or "the day was signed off" in text, text
    db = open_database(practice_path)
    try:
        (deposits,) = db.execute(
            "SELECT count(*) FROM ledger WHERE kind = 'deposit' AND business_date = ?"
            " AND patient_id IN (SELECT value FROM json_each(?))",
            (TODAY.isoformat(), json.dumps(patients)),
        ).fetchone()
        assert deposits == sum(o[2] for o in posters)  # every one told "posted" is there
        # The day as signed off is the day as it is: no entry after the close, totals whole.
        assert invariants.check(db) == []
    finally:
        db.close()
