"""Concurrency across features: ten processes at once on the same day, each pair racing
for one thing (one slot, one payment's refund, one drawer's count), the rest posting
payments and paid-outs all the while. Each pair has exactly one winner; the loser gets a
FrontDeskError saying why; nothing is lost; no "database is locked" reaches anyone; and
the books' invariants hold afterwards."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path

from frontdesk.data.money import Money
from frontdesk.data.schema import open_database
from frontdesk.errors import FrontDeskError
from frontdesk.services import appointments, corrections, drawers, invariants, ledger, openings
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, actor

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
