"""Cash drawers: opening with a counted float, cash needing an open drawer, moves with
their approvals, the blind count, the close, and every bad input refused with nothing
changed."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from frontdesk.data.drawer_models import CountedCheck
from frontdesk.data.money import Money
from frontdesk.data.print_models import Report
from frontdesk.data.schema import open_database
from frontdesk.errors import AccessDenied, BadAmount, Conflict, Invalid
from frontdesk.printing.documents import document_lines
from frontdesk.services import drawers, payments
from frontdesk.services.context import Desk
from frontdesk.services.drawer_counts import count_total, float_mix, parse_count, split_leave
from tests.conftest import FakeClock, actor
from tests.unit.money_helpers import (
    a_patient_with_nothing_today,
    card,
    cash,
    check,
    fingerprint,
    key,
)

TABLES = ("ledger", "postings", "drawer_sessions", "drawer_moves", "drawer_checks", "audit_log")


def _front(desk: Desk):
    found = drawers.drawer_at(desk, "FRONT-1")
    assert found is not None
    session = drawers.current_session(desk, found.id)
    assert session is not None and session.status == "open"
    return found, session


# -- counting -------------------------------------------------------------------------------


def test_a_count_reads_whole_numbers_and_refuses_anything_else() -> None:
    assert parse_count({"b20": "5", "c25": " 12 ", "b1": ""}) == {"b20": 5, "c25": 12}
    assert count_total({"b20": 5, "c25": 12, "r1": 2}) == Money(10000 + 300 + 100)
    for text, words in (("-2", "less than 0"), ("two", "not a whole number"), ("1.5", "whole")):
        with pytest.raises(Invalid, match=words):
            parse_count({"b10": text})
    with pytest.raises(Invalid, match=r"\$10"):
        parse_count({"b10": "x"})


def test_a_float_is_made_of_change_and_a_close_leaves_the_small_money() -> None:
    mix = float_mix(Money(20000))
    assert count_total(mix) == Money(20000)
    assert {"r25", "r10", "r5", "r1", "b1", "b5", "b10"} <= set(mix)
    counted = {"b100": 3, "b20": 10, "b5": 8, "b1": 30, "c25": 40, "r25": 1}
    leave, left = split_leave(counted, Money(20000))
    assert left == Money(20000) == count_total(leave)
    assert leave.get("b100", 0) == 0  # the big bills go to the bank
    # Pieces that cannot make the amount exactly leave less, never more.
    leave, left = split_leave({"b100": 2}, Money(15000))
    assert left == Money(10000) and leave == {"b100": 1}


# -- opening, and cash needing it -----------------------------------------------------------


def test_the_demo_opened_todays_drawers_and_cash_goes_in_them(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    _drawer, session = _front(desk)
    patient = a_patient_with_nothing_today(desk)
    posted = payments.post_deposit(desk, patient, [cash(5000, 6000), check(2500)], key())
    sessions = {
        row[0]
        for row in desk.db.execute(
            "SELECT drawer_session_id FROM ledger WHERE posting_id = ?", (posted.id,)
        )
    }
    assert sessions == {session.id}
    should = drawers.expected(desk, session.id)
    assert should.received >= Money(6000) and should.change >= Money(1000)
    assert any(c.number == "1043" and c.amount == Money(2500) for c in should.checks)


def test_cash_at_a_workstation_without_an_open_drawer_is_refused(desk: Desk) -> None:
    elsewhere = desk.signed_in(actor(desk, "anguyen"))
    elsewhere = Desk(db=desk.db, clock=desk.clock, workstation="LOBBY", actor=elsewhere.actor)
    patient = a_patient_with_nothing_today(desk)
    before = fingerprint(desk, TABLES)
    for tender in (cash(2000), check(2000)):
        with pytest.raises(Conflict, match="Open the drawer first"):
            payments.post_deposit(elsewhere, patient, [tender], key())
    assert fingerprint(desk, TABLES) == before
    # A card needs no drawer.
    posted = payments.post_deposit(elsewhere, patient, [card(2000)], key())
    assert posted.entries[0].method == "card"


def test_a_drawer_left_open_overnight_takes_no_cash_the_next_day(
    receptionist_desk: Desk, clock
) -> None:
    desk = receptionist_desk
    clock.advance(days=1)  # Wednesday morning: Tuesday's drawer was never counted
    patient = a_patient_with_nothing_today(desk)
    before = fingerprint(desk, TABLES)
    with pytest.raises(Conflict, match=r"still open from Tue 11/24: count and close it"):
        payments.post_deposit(desk, patient, [cash(2000)], key())
    with pytest.raises(Conflict, match="still open from"):
        drawers.record_move(desk, "drop", Money(1000), key())
    assert fingerprint(desk, TABLES) == before
    posted = payments.post_deposit(desk, patient, [card(2000)], key())
    assert posted.entries[0].method == "card"
    (tagged,) = desk.db.execute(
        "SELECT drawer_session_id FROM ledger WHERE posting_id = ?", (posted.id,)
    ).fetchone()
    assert tagged is None  # not put in Tuesday's card batch


def test_opening_an_open_drawer_or_with_a_bad_count_is_refused(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    drawer, _session = _front(desk)
    before = fingerprint(desk, TABLES)
    with pytest.raises(Conflict, match="already open"):
        drawers.open_drawer(desk, drawer.id, {"b20": 10})
    with pytest.raises(Invalid, match="less than 0"):
        drawers.open_drawer(desk, drawer.id, {"b20": -1})
    assert fingerprint(desk, TABLES) == before


# -- moves ----------------------------------------------------------------------------------


def test_a_paid_out_needs_a_manager_and_the_cash(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    manager = actor(desk, "dokafor")
    _drawer, session = _front(desk)
    before = fingerprint(desk, TABLES)
    with pytest.raises(AccessDenied, match="manager must approve"):
        drawers.record_move(desk, "paid_out", Money(1500), key(), payee="USPS", reason="stamps")
    with pytest.raises(Conflict, match="more than the cash in the drawer"):
        drawers.record_move(
            desk, "paid_out", Money(900_000), key(), payee="USPS", reason="stamps",
            approver=manager,
        )  # fmt: skip
    with pytest.raises(Invalid, match="payee"):
        drawers.record_move(desk, "paid_out", Money(1500), key(), reason="stamps", approver=manager)
    with pytest.raises(BadAmount):
        drawers.record_move(desk, "drop", Money(0), key())
    assert fingerprint(desk, TABLES) == before
    cash_before = drawers.expected(desk, session.id).cash
    move_key = key()
    move = drawers.record_move(
        desk, "paid_out", Money(1500), move_key, payee="USPS", reason="stamps",
        receipt_ref="R-88", approver=manager,
    )  # fmt: skip
    again = drawers.record_move(
        desk, "paid_out", Money(1500), move_key, payee="USPS", reason="stamps", approver=manager
    )
    assert again.id == move.id and move.approver_name == "Denise Okafor"
    assert drawers.expected(desk, session.id).cash == cash_before - Money(1500)
    (audited,) = desk.db.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'drawer paid out' AND record_id = ?",
        (move.id,),
    ).fetchone()
    assert audited == 1


def test_a_no_sale_is_recorded_and_opens_the_drawer(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    with pytest.raises(Invalid, match="reason"):
        drawers.record_move(desk, "no_sale", Money(0), key())
    move = drawers.record_move(desk, "no_sale", Money(0), key(), reason="change for the meter")
    assert move.kind == "no_sale" and move.staff_name
    (kicks,) = desk.db.execute(
        "SELECT count(*) FROM print_jobs WHERE kind = 'drawer_kick'"
    ).fetchone()
    assert kicks == 1


# -- the blind count and the close ----------------------------------------------------------


def test_count_then_close_with_over_short_reason_and_sign_off(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    manager = actor(desk, "dokafor")
    _drawer, session = _front(desk)
    should = drawers.expected(desk, session.id)
    with pytest.raises(Conflict, match="Count"):
        drawers.close_drawer(desk, session.id, leave=Money(20000), approver=manager)
    before = fingerprint(desk, TABLES)
    with pytest.raises(Invalid, match="no number"):
        drawers.submit_count(
            desk, session.id, {}, [CountedCheck(number=" ", amount=Money(100))], Money(0)
        )
    with pytest.raises(Invalid, match="not a check number"):
        drawers.submit_count(
            desk, session.id, {}, [CountedCheck(number="12/34", amount=Money(100))], Money(0)
        )
    with pytest.raises(BadAmount, match="more than"):
        drawers.submit_count(
            desk, session.id, {}, [CountedCheck(number="1001", amount=Money(0))], Money(0)
        )
    assert fingerprint(desk, TABLES) == before
    # $12.34 short in cash.
    counted = should.cash - Money(1234)
    counts = {"b1": counted.cents // 100, "c1": counted.cents % 100}
    count = drawers.submit_count(desk, session.id, counts, list(should.checks), should.card)
    cash_line, checks_line, card_line = count.tenders
    assert cash_line.over_short == Money(-1234) and count.needs_reason
    assert checks_line.over_short == Money(0) and card_line.over_short == Money(0)
    with pytest.raises(Conflict, match="already counted"):
        drawers.submit_count(desk, session.id, counts, [], should.card)
    before = fingerprint(desk, TABLES)
    with pytest.raises(Invalid, match="Say why"):
        drawers.close_drawer(desk, session.id, leave=Money(20000), approver=manager)
    with pytest.raises(AccessDenied, match="PIN"):
        drawers.close_drawer(desk, session.id, leave=Money(20000), reason="miscounted")
    with pytest.raises(AccessDenied):
        drawers.close_drawer(
            desk, session.id, leave=Money(20000), reason="x", approver=actor(desk, "anguyen")
        )
    assert fingerprint(desk, TABLES) == before
    closed = drawers.close_drawer(
        desk, session.id, leave=Money(20000), reason="Change given twice", approver=manager
    )
    assert closed.status == "closed" and closed.approver == "Denise Okafor"
    assert closed.leave == Money(20000) and closed.deposit == counted - Money(20000)
    with pytest.raises(Conflict, match="already closed"):
        drawers.close_drawer(desk, session.id, leave=Money(0), reason="x", approver=manager)
    history = drawers.history(desk.signed_in(manager), closed.business_date, closed.business_date)
    assert history.rows[0].cash == Money(-1234)
    assert history.rows[0].reason == "Change given twice"


def test_closing_a_drawer_queues_one_close_slip_with_its_numbers(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    manager = actor(desk, "dokafor")
    _drawer, session = _front(desk)
    should = drawers.expected(desk, session.id)
    counted = should.cash + Money(250)  # $2.50 over: within the limit, no reason needed
    counts = {"b1": counted.cents // 100, "c1": counted.cents % 100}
    drawers.submit_count(desk, session.id, counts, list(should.checks), should.card)
    slips = (
        "SELECT workstation, status, created_at, payload FROM print_jobs"
        " WHERE kind = 'drawer_close' ORDER BY id"
    )
    with pytest.raises(AccessDenied):
        drawers.close_drawer(desk, session.id, leave=Money(20000))
    assert desk.db.execute(slips).fetchall() == []  # a refused close prints nothing
    closed = drawers.close_drawer(desk, session.id, leave=Money(20000), approver=manager)
    (job,) = desk.db.execute(slips).fetchall()
    workstation, status, created_at, payload = job
    assert (workstation, status, created_at) == ("FRONT-1", "pending", closed.closed_at)
    assert Report.model_validate_json(payload) == drawers.close_slip(closed)
    lines = document_lines("drawer_close", payload, 42)
    assert lines[0].strip() == "DRAWER CLOSE"

    def shows(label: str, value: str) -> bool:
        return any(
            line.startswith(label + " ") and line.endswith(" " + value) and len(line) == 42
            for line in lines
        )

    assert shows("Drawer", closed.drawer_name) and shows("Workstation", "FRONT-1")
    assert shows("Opened by", closed.opened_by) and shows("Counted by", "Ashley Nguyen")
    assert shows("Approved by", "Denise Okafor")
    assert shows("Float", str(should.float))
    assert shows("  Expected", str(should.cash)) and shows("  Counted", str(counted))
    assert shows("  Over/short", "$2.50")
    assert shows("  Expected", str(should.card)) and shows("  Over/short", "$0.00")
    assert shows("Deposit", str(counted - Money(20000)))
    assert shows("Left as float", "$200.00")


def _close_at_once(path: str, session_id: int, barrier, results) -> None:
    """One session counting, then closing, the drawer at the same moment as the other."""
    db = open_database(path)
    try:
        desk = Desk(db=db, clock=FakeClock(), workstation="FRONT-1")
        desk = desk.signed_in(actor(desk, "anguyen"))
        manager = actor(desk, "dokafor")
        for step in ("count", "close"):
            barrier.wait(timeout=60)
            try:
                if step == "count":
                    drawers.submit_count(desk, session_id, {"b20": 10}, [], Money(0))
                else:
                    drawers.close_drawer(
                        desk, session_id, leave=Money(0), reason="race", approver=manager
                    )
                results.put((step, "done"))
            except Conflict as error:
                results.put((step, f"refused: {error}"))
            except Exception as error:  # "database is locked" would land here
                results.put((step, f"error: {error!r}"))
    finally:
        db.close()


def test_two_sessions_counting_and_closing_one_drawer_let_one_through(
    practice_path: Path, desk: Desk
) -> None:
    _drawer, session = _front(desk)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(
            target=_close_at_once, args=(str(practice_path), session.id, barrier, results)
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=120) for _ in range(4))
    for worker in workers:
        worker.join(timeout=30)
    by_step = {step: sorted(o for s, o in outcomes if s == step) for step in ("count", "close")}
    for step, words in (("count", "already counted"), ("close", "already closed")):
        done, refused = by_step[step]
        assert done == "done", outcomes
        assert refused.startswith("refused:") and words in refused, outcomes
    for action in ("drawer counted", "drawer closed"):
        (rows,) = desk.db.execute(
            "SELECT count(*) FROM audit_log WHERE action = ? AND record_id = ?",
            (action, session.id),
        ).fetchone()
        assert rows == 1


def test_the_database_refuses_a_second_close_or_a_changed_count(desk: Desk) -> None:
    import pysqlite3

    closed = desk.db.execute(
        "SELECT id FROM drawer_sessions WHERE status = 'closed' LIMIT 1"
    ).fetchone()[0]
    for sql in (
        "UPDATE drawer_sessions SET reason = 'later' WHERE id = ?",
        "DELETE FROM drawer_sessions WHERE id = ?",
    ):
        with pytest.raises(pysqlite3.dbapi2.IntegrityError):
            desk.db.execute(sql, (closed,))


def test_drawers_are_set_up_by_a_manager_one_a_workstation(manager_desk: Desk) -> None:
    desk = manager_desk
    with pytest.raises(Conflict, match="already has a drawer"):
        drawers.save_drawer(desk, name="Second", workstation="FRONT-1")
    with pytest.raises(Conflict, match="already a drawer called"):
        drawers.save_drawer(desk, name="front desk", workstation="LOBBY")
    made = drawers.save_drawer(desk, name="Lobby", workstation="LOBBY", printer="lobby")
    assert drawers.drawer_at(desk, "LOBBY") == made
    front = drawers.drawer_at(desk, "FRONT-1")
    assert front is not None
    with pytest.raises(Conflict, match="is open"):
        drawers.save_drawer(
            desk, name=front.name, workstation=front.workstation, active=False, drawer_id=front.id
        )
    with pytest.raises(Conflict, match="before moving it"):
        drawers.save_drawer(desk, name=front.name, workstation="LOBBY-2", drawer_id=front.id)
    receptionist = desk.signed_in(actor(desk, "anguyen"))
    with pytest.raises(AccessDenied):
        drawers.save_drawer(receptionist, name="Mine", workstation="X")


def test_a_check_refund_and_its_void_leave_the_drawers_checks_as_taken(
    receptionist_desk: Desk,
) -> None:
    from frontdesk.services import corrections

    desk = receptionist_desk
    manager = actor(desk, "dokafor")
    _drawer, session = _front(desk)
    patient = a_patient_with_nothing_today(desk)
    posted = payments.post_deposit(desk, patient, [check(4000, "2211")], key())
    taken = drawers.expected(desk, session.id)
    assert [c.number for c in taken.checks][-1] == "2211"
    deposit = next(e.id for e in posted.entries if e.kind == "deposit")
    # The practice mails its own check back; then the refund is voided as a mistake.
    refund = corrections.refund_payment(
        desk, deposit, Money(1500), "patient asked", key(), method="check",
        reference="PR-77", approver=manager,
    )  # fmt: skip
    refund_id = next(e.id for e in refund.entries if e.kind == "refund" and e.method == "check")
    corrections.void_entry(desk, refund_id, "posted in error", key(), approver=manager)
    after = drawers.expected(desk, session.id)
    assert after.checks == taken.checks and after.checks_total == taken.checks_total
    assert after.cash == taken.cash
