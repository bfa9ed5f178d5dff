"""The no-show list: what it lists (past the grace period, unmarked) and marking from it."""

from __future__ import annotations

import re

import arrow
import pytest

from frontdesk.data.clock import from_stored
from frontdesk.errors import AccessDenied, Conflict, Invalid
from frontdesk.services import appointment_status, ledger, no_shows, practice
from frontdesk.services.book import get_appointment, patient_book_summary, when_text
from frontdesk.services.context import Desk
from frontdesk.services.no_shows import no_show_list
from tests.conftest import FakeClock, actor
from tests.unit.money_helpers import a_missed_appointment, close_day, fingerprint, key

# Noon at the demo practice: the book was last marked at 9:30, so the appointments
# that ended since (booked or confirmed) are waiting on the no-show list.
NOON = arrow.get("2026-11-24T18:00:00+00:00")


@pytest.fixture
def noon(clock: FakeClock) -> FakeClock:
    clock.at = NOON
    return clock


def _listed(desk: Desk) -> list[int]:
    return [a.id for a in no_show_list(desk)]


def _unmarked(desk: Desk, after: str, before: str) -> int:
    """The first booked or confirmed appointment starting in [after, before) (UTC)."""
    (appointment_id,) = desk.db.execute(
        "SELECT id FROM appointments WHERE starts_at >= ? AND starts_at < ?"
        " AND status IN ('booked', 'confirmed') ORDER BY starts_at, id LIMIT 1",
        (after, before),
    ).fetchone()
    return appointment_id


def _unmarked_later_today(desk: Desk) -> int:
    """An appointment between 1pm and 2pm today, booked or confirmed (not started yet)."""
    return _unmarked(desk, "2026-11-24T19:00:00", "2026-11-24T20:00:00")


def _set_grace(desk: Desk, minutes: int) -> None:
    shown = practice.load_settings(desk.db)
    manager = desk.signed_in(actor(desk, "dokafor"))
    practice.update_settings(
        manager, shown.model_copy(update={"no_show_grace_minutes": minutes}), original=shown
    )


def _events(desk: Desk, appointment_id: int) -> list[tuple]:
    return desk.db.execute(
        "SELECT from_status, to_status, reason FROM appointment_events"
        " WHERE appointment_id = ? ORDER BY id",
        (appointment_id,),
    ).fetchall()


def _status(desk: Desk, appointment_id: int) -> str:
    return desk.db.execute(
        "SELECT status FROM appointments WHERE id = ?", (appointment_id,)
    ).fetchone()[0]


def test_the_list_holds_every_unmarked_appointment_past_its_grace_oldest_first(
    receptionist_desk: Desk, noon: FakeClock
) -> None:
    listed = no_show_list(receptionist_desk)
    expected = receptionist_desk.db.execute(
        "SELECT id FROM appointments WHERE status IN ('booked', 'confirmed')"
        " AND ends_at <= '2026-11-24T17:45:00.000000Z'"
        " AND starts_at >= '2026-11-10T18:00:00.000000Z'"
        " ORDER BY starts_at, id"
    ).fetchall()
    assert len(listed) >= 5
    assert [a.id for a in listed] == [row[0] for row in expected]
    assert {a.status for a in listed} <= {"booked", "confirmed"}


def test_an_appointment_that_ended_ten_minutes_ago_waits_out_a_15_minute_grace(
    receptionist_desk: Desk, clock: FakeClock
) -> None:
    _set_grace(receptionist_desk, 15)
    appointment_id = _unmarked_later_today(receptionist_desk)
    ends = from_stored(get_appointment(receptionist_desk, appointment_id).ends_at)
    clock.at = ends.shift(minutes=10)
    assert appointment_id not in _listed(receptionist_desk)
    clock.at = ends.shift(minutes=15)
    assert appointment_id in _listed(receptionist_desk)


def test_with_no_grace_an_appointment_is_listed_as_it_ends(
    receptionist_desk: Desk, clock: FakeClock
) -> None:
    _set_grace(receptionist_desk, 0)
    appointment_id = _unmarked_later_today(receptionist_desk)
    ends = from_stored(get_appointment(receptionist_desk, appointment_id).ends_at)
    clock.at = ends.shift(minutes=-1)
    assert appointment_id not in _listed(receptionist_desk)
    clock.at = ends
    assert appointment_id in _listed(receptionist_desk)


def test_future_appointments_are_not_listed(receptionist_desk: Desk, noon: FakeClock) -> None:
    listed = no_show_list(receptionist_desk)
    cutoff = noon.now().shift(minutes=-15)
    assert listed and all(from_stored(a.ends_at) <= cutoff for a in listed)
    assert _unmarked_later_today(receptionist_desk) not in [a.id for a in listed]


def test_cancelled_arrived_and_marked_appointments_are_not_listed(
    receptionist_desk: Desk, noon: FakeClock
) -> None:
    first, second, *rest = no_show_list(receptionist_desk)
    appointment_status.cancel(receptionist_desk, first.id, "late_cancel")
    assert _listed(receptionist_desk) == [second.id, *(a.id for a in rest)]
    appointment_status.set_status(receptionist_desk, second.id, "arrived", "arrived late")
    assert _listed(receptionist_desk) == [a.id for a in rest]
    assert _events(receptionist_desk, first.id)[-1] == (
        first.status,
        "cancelled",
        "late cancel",
    )
    assert _events(receptionist_desk, second.id)[-1] == (
        second.status,
        "arrived",
        "arrived late",
    )


def test_appointments_older_than_the_look_back_are_not_listed(
    receptionist_desk: Desk, noon: FakeClock
) -> None:
    listed = no_show_list(receptionist_desk)
    first = listed[0]
    later = next(a for a in listed if a.starts_at > first.starts_at)
    noon.at = from_stored(first.starts_at).shift(days=no_shows.LOOK_BACK_DAYS)
    assert {first.id, later.id} <= set(_listed(receptionist_desk))
    noon.advance(minutes=1)
    assert first.id not in _listed(receptionist_desk)
    assert later.id in _listed(receptionist_desk)


def test_marking_several_no_show_records_each_change(
    receptionist_desk: Desk, noon: FakeClock
) -> None:
    first, second, *rest = _listed(receptionist_desk)
    audit_before = receptionist_desk.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    marked = no_shows.mark_no_shows(receptionist_desk, [first, second, first])
    assert [a.id for a in marked] == [first, second]
    assert {a.status for a in marked} == {"no_show"}
    assert _listed(receptionist_desk) == rest
    for appointment_id in (first, second):
        assert _events(receptionist_desk, appointment_id)[-1] == ("booked", "no_show", "")
    rows = receptionist_desk.db.execute(
        "SELECT action, record_id, staff_id FROM audit_log ORDER BY id DESC LIMIT 2"
    ).fetchall()
    staff_id = receptionist_desk.actor.staff_id
    assert set(rows) == {
        ("appointment no-show", first, staff_id),
        ("appointment no-show", second, staff_id),
    }
    assert (
        receptionist_desk.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        == audit_before + 2
    )


def test_marking_a_future_appointment_no_show_is_refused(receptionist_desk: Desk) -> None:
    future = _unmarked_later_today(receptionist_desk)
    status = _status(receptionist_desk, future)
    events = _events(receptionist_desk, future)
    with pytest.raises(Conflict, match="has not started yet"):
        appointment_status.set_status(receptionist_desk, future, "no_show")
    assert _status(receptionist_desk, future) == status
    assert _events(receptionist_desk, future) == events


def test_one_refused_appointment_leaves_the_whole_batch_unmarked(
    receptionist_desk: Desk, noon: FakeClock
) -> None:
    listed = _listed(receptionist_desk)
    first, second = listed[:2]
    future = _unmarked_later_today(receptionist_desk)
    name = get_appointment(receptionist_desk, future).patient_name
    events = _events(receptionist_desk, first)
    with pytest.raises(Conflict, match=rf"^{re.escape(name)}, Tue 11/24 .*has not started yet"):
        no_shows.mark_no_shows(receptionist_desk, [first, second, future])
    assert _listed(receptionist_desk) == listed
    assert _events(receptionist_desk, first) == events


def test_an_appointment_marked_at_another_desk_is_refused_by_name(
    receptionist_desk: Desk, noon: FakeClock
) -> None:
    first = _listed(receptionist_desk)[0]
    found = get_appointment(receptionist_desk, first)
    named = f"{found.patient_name}, {when_text(found.starts_at, noon.tz)}: "
    other = receptionist_desk.signed_in(actor(receptionist_desk, "mbell"))
    appointment_status.cancel(other, first, "patient_cancelled")
    with pytest.raises(Conflict, match=rf"^{re.escape(named)}.*cancelled.*cannot be"):
        no_shows.mark_no_shows(receptionist_desk, [first])
    assert _status(receptionist_desk, first) == "cancelled"


def test_nothing_chosen_is_refused(receptionist_desk: Desk) -> None:
    with pytest.raises(Invalid, match="Choose the appointments"):
        no_shows.mark_no_shows(receptionist_desk, [])


def test_providers_do_not_mark_no_shows(desk: Desk, noon: FakeClock) -> None:
    provider = desk.signed_in(actor(desk, "evargas"))
    first = _listed(provider)[0]
    with pytest.raises(AccessDenied, match="cannot mark no-shows"):
        no_shows.mark_no_shows(provider, [first])
    assert _status(desk, first) == "booked"


def test_a_no_show_is_counted_on_the_patient_summary(
    receptionist_desk: Desk, noon: FakeClock
) -> None:
    first = _listed(receptionist_desk)[0]
    patient_id = get_appointment(receptionist_desk, first).patient_id
    before = patient_book_summary(receptionist_desk, patient_id).no_shows
    no_shows.mark_no_shows(receptionist_desk, [first])
    assert patient_book_summary(receptionist_desk, patient_id).no_shows == before + 1


def test_a_no_show_with_its_fee_is_marked_and_charged_together(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    appointment_id, patient_id = a_missed_appointment(desk)
    owed = ledger.balance(desk, patient_id)
    # The day is closed: the fee cannot be posted, so the no-show is not marked either.
    close_day(desk)
    before = fingerprint(desk, ("appointments", "appointment_events", "ledger", "postings"))
    with pytest.raises(Conflict, match="closed"):
        no_shows.mark_no_show_with_fee(desk, appointment_id, key())
    assert fingerprint(desk, ("appointments", "appointment_events", "ledger", "postings")) == (
        before
    )
    assert get_appointment(desk, appointment_id).status != "no_show"

    desk.clock.advance(days=1)
    same = key()
    posting = no_shows.mark_no_show_with_fee(desk, appointment_id, same)
    assert get_appointment(desk, appointment_id).status == "no_show"
    assert ledger.balance(desk, patient_id) == owed + posting.entries[0].amount
    # Sent twice (a double Enter): the first fee, not a second one or a refusal.
    again = no_shows.mark_no_show_with_fee(desk, appointment_id, same)
    assert again.replayed and again.id == posting.id
