"""The close of day: the day sheet's identities on the demo's days, the guided steps,
the sign-off that locks a date, and a locked date refusing every entry."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from frontdesk.data.money import Money
from frontdesk.data.print_models import Report
from frontdesk.data.schema import open_database
from frontdesk.errors import AccessDenied, Conflict, Invalid
from frontdesk.printing.documents import document_lines
from frontdesk.services import day_close, drawers, no_shows, payments
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, actor
from tests.unit.money_helpers import (
    TODAY,
    a_patient_with_nothing_today,
    card,
    cash,
    fingerprint,
    key,
)

YESTERDAY = TODAY - dt.timedelta(days=1)
TABLES = ("ledger", "postings", "drawer_sessions", "drawer_moves", "day_closes", "encounters")


# -- the day sheet on the demo's days -------------------------------------------------------


@pytest.fixture(scope="module")
def demo_desk(practice_template: Path):
    db = open_database(practice_template, upgrade=False)
    desk = Desk(db=db, clock=FakeClock(), workstation="OFFICE", shell=True)
    yield desk
    db.close()


def _posted_dates(desk: Desk) -> list[dt.date]:
    return [
        dt.date.fromisoformat(r[0])
        for r in desk.db.execute("SELECT DISTINCT business_date FROM ledger ORDER BY 1")
    ]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pick=st.integers(min_value=0, max_value=10_000))
def test_the_day_sheet_identities_hold_on_the_demos_days(demo_desk: Desk, pick: int) -> None:
    desk = demo_desk
    dates = _posted_dates(desk)
    day = dates[pick % len(dates)]
    sheet = day_close.day_sheet(desk, day)
    # Day sheet charges = the finalized fee sheets of the date = the ledger's charges.
    assert sheet.charges == sheet.fee_sheets
    (ledger_charges,) = desk.db.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM ledger WHERE business_date = ?"
        " AND kind = 'charge'",
        (day.isoformat(),),
    ).fetchone()
    assert sheet.charges == Money(ledger_charges)
    # Beginning A/R + charges - payments - adjustments + refunds + voids = ending A/R ...
    assert sheet.rolled_ar == sheet.ending_ar
    # ... which is every balance summed as of that day, counted the long way ...
    (owed,) = desk.db.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM ledger WHERE account = 'patient'"
        " AND business_date <= ?",
        (day.isoformat(),),
    ).fetchone()
    assert sheet.ending_ar == Money(owed)
    # ... and the next day's beginning.
    later = [d for d in dates if d > day]
    if later:
        assert day_close.day_sheet(desk, later[0]).beginning_ar == sheet.ending_ar
    # The sign-off kept the same figures.
    row = desk.db.execute(
        "SELECT totals FROM day_closes WHERE business_date = ?", (day.isoformat(),)
    ).fetchone()
    if row is not None:
        totals = json.loads(row[0])
        assert totals["charges"] == sheet.charges.cents
        assert totals["payments"] == sheet.payments.cents
        assert totals["ending_ar"] == sheet.ending_ar.cents
        assert totals["beginning_ar"] == sheet.beginning_ar.cents
        slip = day_close.deposit_slip(desk, day)
        assert totals["deposit_cash"] == slip.cash.cents
        assert totals["deposit_checks"] == slip.checks_total.cents
        assert count_of(slip.counts) == slip.cash


def count_of(counts: dict[str, int]) -> Money:
    from frontdesk.services.drawer_counts import count_total

    return count_total(counts)


def test_the_demo_closed_its_past_days_and_left_yesterday_and_today(demo_desk: Desk) -> None:
    desk = demo_desk
    closed = day_close.closed_days(desk, TODAY - dt.timedelta(days=40), TODAY)
    assert len(closed) >= 15
    assert YESTERDAY not in closed and TODAY not in closed
    off = desk.db.execute(
        "SELECT count(*), sum(reason <> '') FROM drawer_sessions WHERE status = 'closed'"
        " AND counted_cash_cents <> expected_cash_cents"
    ).fetchone()
    assert off[0] >= 2 and off[1] >= 1
    close = day_close.close_of_day(desk, YESTERDAY)
    assert close.step("drawers").done and close.step("day_sheet").done
    assert not close.step("no_shows").done  # yesterday's no-show list waits for the manager
    today = day_close.close_of_day(desk, TODAY)
    assert not today.step("drawers").done
    assert len(today.step("drawers").items) == 2


# -- closing a day --------------------------------------------------------------------------


def test_a_day_closes_only_when_resolved_and_then_takes_nothing(manager_desk: Desk) -> None:
    desk = manager_desk
    manager = actor(desk, "dokafor")
    close = day_close.close_of_day(desk, YESTERDAY)
    unmarked = [item.id for item in close.step("no_shows").items]
    assert unmarked
    before = fingerprint(desk, TABLES)
    with pytest.raises(Conflict, match=r"Not yet: 2\. No-shows resolved"):
        day_close.sign_off(desk, YESTERDAY, manager)
    with pytest.raises(AccessDenied, match="PIN"):
        day_close.sign_off(desk, YESTERDAY, None)
    with pytest.raises(Invalid, match="not happened"):
        day_close.sign_off(desk, TODAY + dt.timedelta(days=1), manager)
    receptionist = desk.signed_in(actor(desk, "anguyen"))
    with pytest.raises(AccessDenied):
        day_close.sign_off(receptionist, YESTERDAY, manager)
    assert fingerprint(desk, TABLES) == before
    no_shows.mark_no_shows(desk, unmarked)
    done = day_close.sign_off(desk, YESTERDAY, manager)
    assert done.closed_at is not None and done.closed_by == "Denise Okafor"
    with pytest.raises(Conflict, match="closed already"):
        day_close.sign_off(desk, YESTERDAY, manager)
    (totals,) = desk.db.execute(
        "SELECT totals FROM day_closes WHERE business_date = ?", (YESTERDAY.isoformat(),)
    ).fetchone()
    sheet = day_close.day_sheet(desk, YESTERDAY)
    assert json.loads(totals)["ending_ar"] == sheet.ending_ar.cents
    # Today's A/R now rolls from yesterday's close.
    assert day_close.day_sheet(desk, TODAY).beginning_ar == sheet.ending_ar


def _close_todays_drawers(desk: Desk, manager) -> None:
    for found in drawers.drawers(desk, active_only=True):
        session = drawers.current_session(desk, found.id)
        if session is None:
            continue
        should = drawers.expected(desk, session.id)
        counts = {"b1": should.cash.cents // 100, "c1": should.cash.cents % 100}
        drawers.submit_count(desk, session.id, counts, list(should.checks), should.card)
        drawers.close_drawer(desk, session.id, leave=Money(20000), approver=manager)


def test_a_locked_day_refuses_postings_drawers_and_moves(manager_desk: Desk, clock) -> None:
    desk = manager_desk
    manager = actor(desk, "dokafor")
    # Yesterday first (its no-shows), then the whole of today, after hours.
    no_shows.mark_no_shows(
        desk, [i.id for i in day_close.close_of_day(desk, YESTERDAY).step("no_shows").items]
    )
    day_close.sign_off(desk, YESTERDAY, manager)
    clock.advance(hours=10)  # 7:30 pm
    close = day_close.close_of_day(desk, TODAY)
    no_shows.mark_no_shows(desk, [i.id for i in close.step("no_shows").items])
    for item in close.step("no_fee_sheet").items:
        day_close.record_no_charge(desk, item.id, "Left before check-out")
    for item in close.step("open_fee_sheets").items:
        day_close.record_no_charge(desk, item.id, "Seen at no charge")  # pragma: no cover
    _close_todays_drawers(desk, manager)
    close = day_close.close_of_day(desk, TODAY)
    assert close.ready, [s.summary for s in close.steps if not s.done]
    slip = day_close.deposit_slip(desk, TODAY)
    assert slip.cash > Money(0) and len(slip.drawers) == 2
    day_close.sign_off(desk, TODAY, manager)
    # Locked: no posting, no drawer, no move on the date.
    patient = a_patient_with_nothing_today(desk)
    before = fingerprint(desk, TABLES)
    with pytest.raises(Conflict, match="closed"):
        payments.post_deposit(desk, patient, [card(2500)], key())
    front = drawers.drawer_at(desk, "FRONT-1")
    assert front is not None
    with pytest.raises(Conflict, match="closed"):
        drawers.open_drawer(desk, front.id, {"b20": 10})
    with pytest.raises(Conflict):
        payments.post_deposit(desk, patient, [cash(2500)], key())
    assert fingerprint(desk, TABLES) == before
    # The next morning is a new business date.
    clock.advance(hours=13)
    drawers.open_drawer(desk, front.id, drawers.offered_float(desk, front.id))
    posted = payments.post_deposit(desk, patient, [cash(2500)], key())
    assert posted.business_date == TODAY + dt.timedelta(days=1)


def test_a_kept_visit_without_a_fee_sheet_needs_a_reason(manager_desk: Desk) -> None:
    desk = manager_desk
    in_office = desk.db.execute(
        "SELECT id FROM appointments WHERE status IN ('arrived', 'roomed', 'with_provider')"
        " ORDER BY id LIMIT 1"
    ).fetchone()[0]
    booked = desk.db.execute(
        "SELECT id FROM appointments WHERE status = 'booked' ORDER BY starts_at DESC LIMIT 1"
    ).fetchone()[0]
    before = fingerprint(desk, TABLES)
    with pytest.raises(Invalid, match="reason"):
        day_close.record_no_charge(desk, in_office, "  ")
    with pytest.raises(Conflict, match="kept visit"):
        day_close.record_no_charge(desk, booked, "no show")
    assert fingerprint(desk, TABLES) == before
    day_close.record_no_charge(desk, in_office, "Left before check-out")
    status, reason = desk.db.execute(
        "SELECT a.status, e.no_charge_reason FROM appointments a JOIN encounters e"
        " ON e.appointment_id = a.id WHERE a.id = ?",
        (in_office,),
    ).fetchone()
    assert (status, reason) == ("checked_out", "Left before check-out")
    with pytest.raises(Conflict, match="has a fee sheet"):
        day_close.record_no_charge(desk, in_office, "again")


def test_the_close_of_day_prints_as_reports_for_any_paper(manager_desk: Desk) -> None:
    desk = manager_desk
    sheet = day_close.day_sheet(desk, YESTERDAY)
    slip = day_close.deposit_slip(desk, YESTERDAY)
    sessions = drawers.sessions_of(desk, YESTERDAY)
    assert sessions and slip.total > Money(0)
    # What each printout must say, as "label ... amount" rows at 42 columns.
    wanted = {
        "day_sheet": ("DAY SHEET", [("Beginning A/R", sheet.beginning_ar),
                                    ("Ending A/R", sheet.ending_ar),
                                    (f"Fee sheets ({sheet.fee_sheet_count})", sheet.fee_sheets)]),
        "deposit": ("DEPOSIT SLIP", [("Cash total", slip.cash),
                                     (f"Checks total ({len(slip.checks)})", slip.checks_total),
                                     ("Total deposit", slip.total)]),
        "drawers": ("DRAWER CLOSES", [("Deposit", s.deposit) for s in sessions]
                    + [("Left as float", s.leave) for s in sessions]),
    }  # fmt: skip
    for what, (title, rows) in wanted.items():
        job = day_close.queue_printout(desk, YESTERDAY, what)
        kind, workstation, payload = desk.db.execute(
            "SELECT kind, workstation, payload FROM print_jobs WHERE id = ?", (job,)
        ).fetchone()
        assert (kind, workstation) == (what, "FRONT-1")
        report = Report.model_validate_json(payload)
        assert (report.title, report.subtitle) == (title, f"{YESTERDAY:%a %m/%d/%Y}")
        for width in (32, 42, 48):
            lines = document_lines(kind, payload, width)
            assert lines[0].strip() == title
            assert all(cell_len(line) <= width for line in lines)
        lines = document_lines(kind, payload, 42)
        for label, amount in rows:
            assert amount is not None
            assert label + " " * (42 - len(label) - len(str(amount))) + str(amount) in lines
    drawer_lines = document_lines("drawers", day_close.printout(desk, YESTERDAY, "drawers")
                                  .model_dump_json(), 42)  # fmt: skip
    for s in sessions:
        assert f"{s.drawer_name.upper()} (CLOSED)" in drawer_lines
    receptionist = desk.signed_in(actor(desk, "anguyen"))
    (before,) = desk.db.execute("SELECT count(*) FROM print_jobs").fetchone()
    with pytest.raises(AccessDenied):
        day_close.queue_printout(receptionist, YESTERDAY, "deposit")
    with pytest.raises(Invalid):
        day_close.queue_printout(desk, YESTERDAY, "everything")
    assert desk.db.execute("SELECT count(*) FROM print_jobs").fetchone() == (before,)


def test_the_day_sheet_deposit_and_drawers_export_as_csv(demo_desk: Desk) -> None:
    desk = demo_desk
    day = max(day_close.closed_days(desk, TODAY - dt.timedelta(days=10), TODAY))
    sheet_csv = day_close.export_csv(desk, day, "day_sheet")
    lines = sheet_csv.splitlines()
    assert lines[0] == "date,group,line,entries,amount"
    sheet = day_close.day_sheet(desk, day)
    assert f"{day},Charges,Charges," in sheet_csv
    assert f"{day},Totals,Ending A/R,,{day_close.csv_amount(sheet.ending_ar)}" in lines
    deposit = day_close.export_csv(desk, day, "deposit")
    slip = day_close.deposit_slip(desk, day)
    assert deposit.splitlines()[-1] == f"{day},Total deposit,,{day_close.csv_amount(slip.total)}"
    drawers_csv = day_close.export_csv(desk, day, "drawers")
    assert drawers_csv.count(",cash,") == len(slip.drawers)
    with pytest.raises(Invalid):
        day_close.export_csv(desk, day, "everything")
