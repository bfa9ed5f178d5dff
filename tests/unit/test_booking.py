"""Booking by the book's rules: hours, overlaps, double-books, blocks, overrides, DST,
reschedules, cancels, the status model, and what a booking closes (recalls, waitlist).

Most tests book on Tue 01/12/2027, a day well ahead of the demo's bookings, so each test
sets up exactly the appointments it talks about; the database is checked after each step.
"""

from __future__ import annotations

import datetime as dt
import re

import arrow
import pytest

from frontdesk.data.clock import parse_time_of_day
from frontdesk.errors import AccessDenied, BadTime, Conflict, Invalid, NotFound
from frontdesk.services import appointment_status, block_time, schedule, visit_types, working_hours
from frontdesk.services.appointment_status import cancel, reschedule, set_status
from frontdesk.services.appointments import (
    Booking,
    DoubleBookOffer,
    NeedsOverride,
    Override,
    SamePatientElsewhere,
    SlotTaken,
    book,
)
from frontdesk.services.book import book_day, events, wall_minutes
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, actor, column, kind

DAY = dt.date(2027, 1, 12)  # a Tuesday (CST, UTC-6), after the demo's bookings
PATIENT, OTHER, THIRD = 11, 12, 13


def slot(
    desk: Desk,
    where: str,
    what: str,
    when: str = "10:00am",
    *,
    day: dt.date = DAY,
    patient: int = PATIENT,
    **extra,
) -> Booking:
    """The booking form filled in: column, type, time, day, patient."""
    start = parse_time_of_day(when)
    assert start is not None, when
    return Booking(
        patient_id=patient,
        resource_id=column(desk, where),
        type_id=kind(desk, what),
        day=day,
        start_minute=start,
        **extra,
    )


def state(desk: Desk) -> tuple:
    """Everything a refused booking must leave alone."""
    return (
        desk.db.execute(
            "SELECT count(*), max(id), group_concat(status) FROM appointments"
        ).fetchone(),
        desk.db.execute("SELECT count(*) FROM appointment_events").fetchone()[0],
        desk.db.execute("SELECT count(*) FROM audit_log").fetchone()[0],
        desk.db.execute("SELECT group_concat(status) FROM recalls").fetchone()[0],
        desk.db.execute("SELECT group_concat(status) FROM waitlist").fetchone()[0],
    )


def row(desk: Desk, appointment_id: int) -> dict:
    return desk.db.query("SELECT * FROM appointments WHERE id = ?", (appointment_id,))[0]


def set_local(clock: FakeClock, text: str) -> None:
    """Move the desk's clock to a Chicago wall time, e.g. '2027-01-12 09:50'."""
    clock.at = arrow.get(text, "YYYY-MM-DD HH:mm", tzinfo="America/Chicago").to("UTC")


# -- booking inside hours ---------------------------------------------------------------


def test_booking_inside_hours_saves_the_appointment_its_history_and_the_audit(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    made = book(desk, slot(desk, "Dr Vargas", "New patient visit", notes="Referred by Dr Hale"))

    saved = row(desk, made.id)
    assert saved["starts_at"] == "2027-01-12T16:00:00.000000Z"  # 10:00 CST
    assert saved["ends_at"] == "2027-01-12T16:30:00.000000Z"
    assert saved["status"] == "booked" and saved["double_booked"] == 0
    assert saved["booked_by"] == desk.actor.staff_id
    assert saved["workstation"] == "FRONT-1"
    assert saved["booked_at"] == desk.clock.stamp()
    assert saved["notes"] == "Referred by Dr Hale" and saved["override_reason"] == ""
    assert made.resource_name == "Dr Vargas" and made.type_name == "New patient visit"

    history = events(desk, made.id)
    assert [(e.from_status, e.to_status) for e in history] == [(None, "booked")]
    assert history[0].staff_id == desk.actor.staff_id and history[0].workstation == "FRONT-1"

    audit = desk.db.query(
        "SELECT action, table_name, record_id, staff_id, workstation, summary FROM audit_log"
        " ORDER BY id DESC LIMIT 1"
    )[0]
    assert audit["action"] == "appointment booked" and audit["table_name"] == "appointments"
    assert audit["record_id"] == made.id
    assert audit["staff_id"] == desk.actor.staff_id and audit["workstation"] == "FRONT-1"
    last_name = desk.db.execute("SELECT last_name FROM patients WHERE id = ?", (PATIENT,))
    assert last_name.fetchone()[0] not in audit["summary"]


def test_only_front_desk_staff_book(desk: Desk) -> None:
    provider = desk.signed_in(actor(desk, "evargas"))
    before = state(desk)
    with pytest.raises(AccessDenied, match="cannot book appointments"):
        book(provider, slot(desk, "Dr Vargas", "Follow-up"))
    assert state(desk) == before


# -- overlaps ---------------------------------------------------------------------------


def test_overlapping_booking_in_the_same_column_is_refused_naming_time_and_column(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    book(desk, slot(desk, "Dr Vargas", "New patient visit", "10:00am"))
    before = state(desk)
    with pytest.raises(SlotTaken) as refused:
        book(desk, slot(desk, "Dr Vargas", "Biopsy", "10:15am", patient=OTHER))
    message = str(refused.value)
    assert "Tue 01/12 10:15am" in message and "Dr Vargas" in message
    assert "10:00am-10:30am" in message  # what is in the way
    assert state(desk) == before


@pytest.mark.parametrize("when", ["10:30am", "9:30am"], ids=["starts-at-its-end", "ends-at-start"])
def test_bookings_that_only_touch_end_to_start_are_fine(receptionist_desk: Desk, when) -> None:
    desk = receptionist_desk
    first = book(desk, slot(desk, "Dr Vargas", "New patient visit", "10:00am"))
    second = book(desk, slot(desk, "Dr Vargas", "New patient visit", when, patient=OTHER))
    assert {first.ends_at, first.starts_at} & {second.starts_at, second.ends_at}
    (holding,) = desk.db.execute(
        "SELECT count(*) FROM appointments WHERE resource_id = ? AND starts_at LIKE '2027-01-12%'"
        " AND status = 'booked'",
        (column(desk, "Dr Vargas"),),
    ).fetchone()
    assert holding == 2


def test_another_column_at_the_same_time_is_fine(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    first = book(desk, slot(desk, "Dr Vargas", "New patient visit"))
    second = book(desk, slot(desk, "Raman PA", "New patient visit", patient=OTHER))
    assert first.starts_at == second.starts_at and first.resource_id != second.resource_id
    assert row(desk, second.id)["status"] == "booked"


@pytest.mark.parametrize("freed_by", ["cancelled", "no_show"])
def test_a_cancelled_or_no_show_appointment_frees_its_time(
    receptionist_desk: Desk, clock: FakeClock, freed_by: str
) -> None:
    desk = receptionist_desk
    first = book(desk, slot(desk, "Dr Vargas", "New patient visit"))
    if freed_by == "cancelled":
        cancel(desk, first.id, "patient_cancelled")
    else:
        set_local(clock, "2027-01-12 10:20")
        set_status(desk, first.id, "no_show")
        set_local(clock, "2027-01-11 09:00")
    assert row(desk, first.id)["status"] == freed_by
    second = book(desk, slot(desk, "Dr Vargas", "New patient visit", patient=OTHER))
    assert second.starts_at == first.starts_at and row(desk, second.id)["status"] == "booked"


# -- double-booking ---------------------------------------------------------------------


def test_double_book_is_offered_when_both_types_allow_it_then_booked_when_confirmed(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    first = book(desk, slot(desk, "Raman PA", "Follow-up"))
    before = state(desk)
    with pytest.raises(DoubleBookOffer, match="Double-book Tue 01/12 10:00am, Raman PA"):
        book(desk, slot(desk, "Raman PA", "Acne follow-up", patient=OTHER))
    assert state(desk) == before

    second = book(desk, slot(desk, "Raman PA", "Acne follow-up", patient=OTHER), double_book=True)
    assert second.starts_at == first.starts_at and second.double_booked
    assert row(desk, second.id)["double_booked"] == 1
    assert row(desk, first.id)["double_booked"] == 0
    (summary,) = desk.db.execute(
        "SELECT summary FROM audit_log WHERE table_name = 'appointments' AND record_id = ?",
        (second.id,),
    ).fetchone()
    assert "double-booked" in summary


@pytest.mark.parametrize(
    ("there", "asked"),
    [("Follow-up", "New patient visit"), ("New patient visit", "Follow-up")],
    ids=["new-type-disallows", "booked-type-disallows"],
)
def test_no_double_book_when_either_type_disallows_it(
    receptionist_desk: Desk, there: str, asked: str
) -> None:
    desk = receptionist_desk
    book(desk, slot(desk, "Raman PA", there))
    before = state(desk)
    with pytest.raises(SlotTaken, match="Tue 01/12 10:00am, Raman PA"):
        book(desk, slot(desk, "Raman PA", asked, patient=OTHER), double_book=True)
    assert state(desk) == before


# -- blocks -----------------------------------------------------------------------------


def test_a_lunch_block_refuses_a_booking_over_it_until_it_is_removed(
    manager_desk: Desk, receptionist_desk: Desk
) -> None:
    vargas = column(manager_desk, "Dr Vargas")
    noon = arrow.get("2027-01-12T12:00:00", tzinfo="America/Chicago")
    lunch = block_time.add_block(manager_desk, vargas, noon, noon.shift(hours=1), "lunch")
    desk = receptionist_desk
    before = state(desk)
    with pytest.raises(SlotTaken) as refused:
        book(desk, slot(desk, "Dr Vargas", "New patient visit", "11:45am"))
    assert "blocked" in str(refused.value) and "lunch" in str(refused.value)
    assert "11:45am" in str(refused.value) and "Dr Vargas" in str(refused.value)
    assert state(desk) == before
    # Right up to lunch is fine.
    book(desk, slot(desk, "Dr Vargas", "New patient visit", "11:30am", patient=OTHER))

    block_time.remove_block(manager_desk, lunch.id)
    made = book(desk, slot(desk, "Dr Vargas", "New patient visit", "12:00pm"))
    assert row(desk, made.id)["starts_at"] == "2027-01-12T18:00:00.000000Z"


# -- outside hours, days off, closed days, the past: overrides --------------------------


def _past(desk: Desk, clock: FakeClock) -> Booking:
    set_local(clock, "2027-01-12 11:00")
    return slot(desk, "Dr Vargas", "New patient visit", "10:00am")


PROBLEMS = {
    "before-hours": (lambda d, c: slot(d, "Dr Vargas", "Follow-up", "7:30am"), "outside"),
    "after-hours": (lambda d, c: slot(d, "Dr Vargas", "Follow-up", "4:50pm"), "outside"),
    "day-off": (
        lambda d, c: slot(d, "Dr Vargas", "Follow-up", day=dt.date(2027, 1, 16)),
        "does not work on Sat 01/16/2027",
    ),
    "in-the-past": (_past, "is in the past"),
}


@pytest.mark.parametrize("problem", PROBLEMS)
def test_receptionist_needs_a_manager_override_outside_hours_or_in_the_past(
    receptionist_desk: Desk, clock: FakeClock, problem: str
) -> None:
    make, words = PROBLEMS[problem]
    desk = receptionist_desk
    wanted = make(desk, clock)
    before = state(desk)
    with pytest.raises(NeedsOverride, match=words) as refused:
        book(desk, wanted)
    assert "A manager can override" in str(refused.value)
    # A reason without a manager's say-so is not an override.
    with pytest.raises(NeedsOverride):
        book(desk, wanted, override=Override("Patient insists"))
    with pytest.raises(NeedsOverride):
        book(desk, wanted, override=Override("Patient insists", approver=actor(desk, "mbell")))
    assert state(desk) == before


@pytest.mark.parametrize("problem", PROBLEMS)
def test_manager_override_books_and_keeps_the_reason(
    manager_desk: Desk, clock: FakeClock, problem: str
) -> None:
    make, _ = PROBLEMS[problem]
    desk = manager_desk
    made = book(desk, make(desk, clock), override=Override("Patient flying in from Denver"))
    saved = row(desk, made.id)
    assert saved["override_reason"] == "Patient flying in from Denver (by dokafor)"
    assert events(desk, made.id)[0].reason == saved["override_reason"]


def test_receptionist_books_outside_hours_with_an_approving_manager(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    manager = actor(desk, "dokafor")
    made = book(
        desk,
        slot(desk, "Dr Vargas", "Follow-up", "7:30am"),
        override=Override("Surgery prep, Dr Vargas agreed", approver=manager),
    )
    saved = row(desk, made.id)
    assert saved["override_reason"] == "Surgery prep, Dr Vargas agreed (by dokafor)"
    assert saved["booked_by"] == desk.actor.staff_id  # the receptionist booked it
    (summary,) = desk.db.execute(
        "SELECT summary FROM audit_log WHERE table_name = 'appointments' AND record_id = ?",
        (made.id,),
    ).fetchone()
    assert f"approved by staff {manager.staff_id}" in summary


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_needs_a_reason(manager_desk: Desk, reason: str) -> None:
    desk = manager_desk
    before = state(desk)
    with pytest.raises(Invalid, match="reason for the override"):
        book(desk, slot(desk, "Dr Vargas", "Follow-up", "7:30am"), override=Override(reason))
    assert state(desk) == before


def test_a_closed_day_is_refused_outright_even_with_an_override(manager_desk: Desk) -> None:
    desk = manager_desk
    thanksgiving = dt.date(2026, 11, 26)
    before = state(desk)
    with pytest.raises(Conflict, match=r"closed on Thu 11/26/2026 \(Thanksgiving\)"):
        book(
            desk,
            slot(desk, "Dr Vargas", "Follow-up", day=thanksgiving),
            override=Override("Emergency"),
        )
    assert state(desk) == before


# -- the same patient elsewhere ---------------------------------------------------------


def test_same_patient_booked_elsewhere_at_that_time_is_asked_then_booked(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    book(desk, slot(desk, "Dr Vargas", "New patient visit", "10:00am"))
    before = state(desk)
    with pytest.raises(SamePatientElsewhere) as asked:
        book(desk, slot(desk, "Laser room", "Laser hair removal", "10:15am"))
    assert "10:00am" in str(asked.value) and "Dr Vargas" in str(asked.value)
    assert state(desk) == before

    made = book(
        desk, slot(desk, "Laser room", "Laser hair removal", "10:15am"), same_patient_ok=True
    )
    assert row(desk, made.id)["patient_id"] == PATIENT
    # Right after the first visit needs no question.
    book(desk, slot(desk, "Raman PA", "Follow-up", "10:45am"))


# -- bad input --------------------------------------------------------------------------


def _inactive_resource(manager: Desk) -> Booking:
    added = schedule.save_resource(manager, name="Dr. Ada Quist", kind="provider")
    schedule.set_resource_active(manager, added.id, False)
    return Booking(
        patient_id=PATIENT,
        resource_id=added.id,
        type_id=kind(manager, "Follow-up"),
        day=DAY,
        start_minute=600,
    )


def _retired_type(manager: Desk) -> Booking:
    visit_types.set_type_active(manager, kind(manager, "Cosmetic consult"), False)
    return slot(manager, "Dr Vargas", "Cosmetic consult")


BAD = {
    "unknown-patient": (
        lambda m: slot(m, "Dr Vargas", "Follow-up", patient=999_999),
        NotFound,
        "not in the practice's records",
    ),
    "inactive-resource": (_inactive_resource, Conflict, "no longer on the book"),
    "retired-type": (_retired_type, Conflict, "no longer offered"),
    "room-type-on-a-provider": (
        lambda m: slot(m, "Dr Vargas", "Neurotoxin"),
        Invalid,
        "needs a room",
    ),
    "column-does-not-take-type": (
        lambda m: slot(m, "Injectables", "Laser hair removal"),
        Invalid,
        "does not take Laser hair removal",
    ),
    "length-0": (
        lambda m: slot(m, "Dr Vargas", "Follow-up", minutes=0),
        BadTime,
        "end after it starts",
    ),
    "length-negative": (
        lambda m: slot(m, "Dr Vargas", "Follow-up", minutes=-15),
        BadTime,
        "end after it starts",
    ),
    "length-over-8-hours": (
        lambda m: slot(m, "Dr Vargas", "Follow-up", "8:00am", minutes=485),
        Invalid,
        "5 to 480 minutes",
    ),
    "length-not-a-multiple-of-5": (
        lambda m: slot(m, "Dr Vargas", "Follow-up", minutes=17),
        Invalid,
        "steps of 5",
    ),
    "ends-past-midnight": (
        lambda m: slot(m, "Dr Vargas", "Follow-up", "11:30pm", minutes=60),
        BadTime,
        "end on the day it starts",
    ),
    "not-a-time-of-day": (
        lambda m: Booking(PATIENT, column(m, "Dr Vargas"), kind(m, "Follow-up"), DAY, 1440),
        BadTime,
        "not a time of day",
    ),
    "dst-gap": (
        lambda m: slot(m, "Laser room", "Laser hair removal", "2:30am", day=dt.date(2027, 3, 14)),
        BadTime,
        "does not exist",
    ),
    "dst-fold-unsaid": (
        lambda m: slot(m, "Laser room", "Laser hair removal", "1:30am", day=dt.date(2026, 11, 1)),
        BadTime,
        "happens twice",
    ),
    "notes-with-escape": (
        lambda m: slot(m, "Dr Vargas", "Follow-up", notes="call \x1b[31mnow\x1b[0m"),
        Invalid,
        "cannot be printed",
    ),
    "notes-with-nul": (
        lambda m: slot(m, "Dr Vargas", "Follow-up", notes="a\x00b"),
        Invalid,
        "cannot be printed",
    ),
    "notes-10000-characters": (
        lambda m: slot(m, "Dr Vargas", "Follow-up", notes="x" * 10_000),
        Invalid,
        "at most 200 characters",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_booking_is_refused_and_the_book_is_unchanged(
    manager_desk: Desk, receptionist_desk: Desk, case: str
) -> None:
    make, error, words = BAD[case]
    wanted = make(manager_desk)
    before = state(receptionist_desk)
    with pytest.raises(error, match=words):
        book(receptionist_desk, wanted)
    # A manager's override does not get bad input through either.
    with pytest.raises(error, match=words):
        book(manager_desk, wanted, override=Override("Trying anyway"))
    assert state(receptionist_desk) == before


def test_an_inactive_patient_is_refused(manager_desk: Desk) -> None:
    desk = manager_desk
    with desk.db.conn:  # set-up only: the patients service owns reactivation
        desk.db.execute("UPDATE patients SET active = 0 WHERE id = ?", (THIRD,))
    before = state(desk)
    with pytest.raises(Conflict, match="inactive"):
        book(desk, slot(desk, "Dr Vargas", "Follow-up", patient=THIRD))
    assert state(desk) == before


def test_sql_looking_notes_are_stored_as_text(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    notes = 'Robert\'); DROP TABLE appointments;-- "quoted" % _'
    made = book(desk, slot(desk, "Dr Vargas", "Follow-up", notes=notes))
    assert row(desk, made.id)["notes"] == notes
    assert "appointments" in desk.db.table_names()


def test_fold_time_books_the_earlier_or_later_one_as_asked(manager_desk: Desk) -> None:
    desk = manager_desk
    fall_back = dt.date(2026, 11, 1)  # 1:30am happens twice
    reason = Override("Overnight laser study")
    earlier = book(
        desk,
        slot(desk, "Laser room", "Laser hair removal", "1:30am", day=fall_back, which="earlier"),
        override=reason,
    )
    later = book(
        desk,
        slot(
            desk,
            "Laser room",
            "Laser hair removal",
            "1:30am",
            day=fall_back,
            which="later",
            patient=OTHER,
        ),
        override=reason,
    )
    assert row(desk, earlier.id)["starts_at"] == "2026-11-01T06:30:00.000000Z"  # CDT
    assert row(desk, later.id)["starts_at"] == "2026-11-01T07:30:00.000000Z"  # CST
    shown = book_day(desk, fall_back).appointments
    assert [wall_minutes(a.starts_at, fall_back, "America/Chicago") for a in shown] == [90, 90]


# -- daylight saving time ---------------------------------------------------------------


def test_booking_after_the_spring_change_is_stored_in_utc_and_shown_at_its_wall_time(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    monday = dt.date(2027, 3, 15)  # the clocks went forward on Sunday 03/14
    made = book(desk, slot(desk, "Dr Vargas", "Follow-up", "9:00am", day=monday))
    assert row(desk, made.id)["starts_at"] == "2027-03-15T14:00:00.000000Z"  # CDT, UTC-5
    shown = book_day(desk, monday)
    (appointment,) = [a for a in shown.appointments if a.id == made.id]
    assert wall_minutes(appointment.starts_at, monday, "America/Chicago") == 9 * 60
    assert wall_minutes(appointment.ends_at, monday, "America/Chicago") == 9 * 60 + 15


@pytest.mark.parametrize(
    ("day", "stored"),
    [
        (dt.date(2027, 3, 12), "2027-03-12T14:00:00.000000Z"),
        (dt.date(2027, 3, 15), "2027-03-15T13:00:00.000000Z"),
    ],
    ids=["friday-before-cst", "monday-after-cdt"],
)
def test_an_8am_start_is_honoured_on_both_sides_of_the_spring_change(
    receptionist_desk: Desk, day: dt.date, stored: str
) -> None:
    desk = receptionist_desk
    made = book(desk, slot(desk, "Dr Vargas", "Follow-up", "8:00am", day=day))
    assert row(desk, made.id)["starts_at"] == stored
    assert row(desk, made.id)["override_reason"] == ""
    with pytest.raises(NeedsOverride, match=re.escape("outside Dr. Elena Vargas's hours")):
        book(desk, slot(desk, "Dr Vargas", "Follow-up", "7:45am", day=day, patient=OTHER))


def test_rescheduling_by_a_week_across_the_spring_change_keeps_the_wall_time(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    before_change, after_change = dt.date(2027, 3, 8), dt.date(2027, 3, 15)
    old = book(desk, slot(desk, "Dr Vargas", "Follow-up", "9:00am", day=before_change))
    assert row(desk, old.id)["starts_at"] == "2027-03-08T15:00:00.000000Z"
    new = reschedule(desk, old.id, slot(desk, "Dr Vargas", "Follow-up", "9:00am", day=after_change))
    assert row(desk, new.id)["starts_at"] == "2027-03-15T14:00:00.000000Z"
    (shown,) = [a for a in book_day(desk, after_change).appointments if a.id == new.id]
    assert wall_minutes(shown.starts_at, after_change, "America/Chicago") == 9 * 60


def test_a_booking_across_the_spring_gap_ends_an_hour_later_on_the_wall_clock(
    manager_desk: Desk, receptionist_desk: Desk
) -> None:
    gap_day = dt.date(2027, 3, 14)  # 2:00am becomes 3:00am
    laser = column(manager_desk, "Laser room")
    working_hours.set_day_hours(manager_desk, laser, gap_day, [(0, 3 * 60)], note="Night study")
    desk = receptionist_desk
    # An hour from 1:30am CST is 3:30am CDT: past the hours, though 1:30 + 60 minutes
    # would look like 2:30 to a wall-clock sum.
    with pytest.raises(NeedsOverride, match="1:30am-3:30am is outside"):
        book(
            desk, slot(desk, "Laser room", "Laser hair removal", "1:30am", day=gap_day, minutes=60)
        )
    # Thirty minutes from 1:30am CST is 3:00am CDT: just inside.
    made = book(desk, slot(desk, "Laser room", "Laser hair removal", "1:30am", day=gap_day))
    assert (row(desk, made.id)["starts_at"], row(desk, made.id)["ends_at"]) == (
        "2027-03-14T07:30:00.000000Z",
        "2027-03-14T08:00:00.000000Z",
    )


# -- reschedule -------------------------------------------------------------------------


def test_reschedule_cancels_the_old_one_and_books_the_new_one(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    old = book(desk, slot(desk, "Dr Vargas", "New patient visit", "10:00am", notes="Bring meds"))
    new = reschedule(
        desk,
        old.id,
        slot(desk, "Raman PA", "New patient visit", "2:00pm", day=dt.date(2027, 1, 14)),
        note="Car trouble",
    )
    was = row(desk, old.id)
    assert was["status"] == "cancelled" and was["cancel_reason"] == "rescheduled"
    assert events(desk, old.id)[-1].reason == "rescheduled: Car trouble"
    now = row(desk, new.id)
    assert now["status"] == "booked" and now["rescheduled_from"] == old.id
    assert now["starts_at"] == "2027-01-14T20:00:00.000000Z"
    actions = [
        r[0]
        for r in desk.db.execute(
            "SELECT action FROM audit_log WHERE table_name = 'appointments' AND record_id IN"
            " (?, ?) ORDER BY id",
            (old.id, new.id),
        )
    ]
    assert actions == ["appointment booked", "appointment cancelled", "appointment booked"]


def test_moving_by_15_minutes_within_its_own_time_does_not_collide_with_itself(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    old = book(desk, slot(desk, "Dr Vargas", "New patient visit", "10:00am"))
    new = reschedule(desk, old.id, slot(desk, "Dr Vargas", "New patient visit", "10:15am"))
    assert row(desk, new.id)["starts_at"] == "2027-01-12T16:15:00.000000Z"
    assert row(desk, old.id)["status"] == "cancelled"


def test_a_failed_reschedule_leaves_the_old_appointment_booked(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    old = book(desk, slot(desk, "Dr Vargas", "New patient visit", "10:00am"))
    book(desk, slot(desk, "Dr Vargas", "New patient visit", "2:00pm", patient=OTHER))
    before = state(desk)
    with pytest.raises(SlotTaken, match="2:00pm, Dr Vargas"):
        reschedule(desk, old.id, slot(desk, "Dr Vargas", "New patient visit", "2:00pm"))
    assert state(desk) == before
    assert row(desk, old.id)["status"] == "booked" and row(desk, old.id)["cancel_reason"] is None


def test_reschedule_keeps_the_patient_and_only_moves_a_booked_appointment(
    receptionist_desk: Desk, clock: FakeClock
) -> None:
    desk = receptionist_desk
    old = book(desk, slot(desk, "Dr Vargas", "New patient visit", "10:00am"))
    with pytest.raises(Invalid, match="keeps its patient"):
        reschedule(desk, old.id, slot(desk, "Dr Vargas", "New patient visit", patient=OTHER))
    set_local(clock, "2027-01-12 09:55")
    set_status(desk, old.id, "arrived")
    before = state(desk)
    with pytest.raises(Conflict, match="only a booked, confirmed or no-show one can be moved"):
        reschedule(desk, old.id, slot(desk, "Dr Vargas", "New patient visit", "2:00pm"))
    assert state(desk) == before


# -- cancel -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("patient_cancelled", "patient cancelled: Has the flu"),
        ("late_cancel", "late cancel: Has the flu"),
        ("practice_cancelled", "practice cancelled: Has the flu"),
    ],
)
def test_cancel_keeps_the_appointment_with_its_reason(
    receptionist_desk: Desk, reason: str, words: str
) -> None:
    desk = receptionist_desk
    made = book(desk, slot(desk, "Dr Vargas", "Follow-up"))
    cancel(desk, made.id, reason, note="Has the flu")
    saved = row(desk, made.id)
    assert saved["status"] == "cancelled" and saved["cancel_reason"] == reason
    last = events(desk, made.id)[-1]
    assert (last.from_status, last.to_status, last.reason) == ("booked", "cancelled", words)
    (summary,) = desk.db.execute(
        "SELECT summary FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert "flu" not in summary and reason in summary  # free text stays out of the audit


@pytest.mark.parametrize("reason", ["rescheduled", "changed her mind", ""])
def test_cancel_needs_one_of_the_desk_reasons(receptionist_desk: Desk, reason: str) -> None:
    desk = receptionist_desk
    made = book(desk, slot(desk, "Dr Vargas", "Follow-up"))
    before = state(desk)
    with pytest.raises(Invalid, match="Choose why"):
        cancel(desk, made.id, reason)
    assert state(desk) == before


def test_an_arrived_appointment_cannot_be_cancelled(
    receptionist_desk: Desk, clock: FakeClock
) -> None:
    desk = receptionist_desk
    made = book(desk, slot(desk, "Dr Vargas", "Follow-up"))
    set_local(clock, "2027-01-12 09:50")
    set_status(desk, made.id, "arrived")
    before = state(desk)
    with pytest.raises(Conflict, match="marked arrived; it cannot be cancelled"):
        cancel(desk, made.id, "patient_cancelled")
    assert state(desk) == before and row(desk, made.id)["status"] == "arrived"


def test_cancelling_an_unknown_appointment_is_not_found(receptionist_desk: Desk) -> None:
    with pytest.raises(NotFound):
        cancel(receptionist_desk, 999_999, "patient_cancelled")


# -- the status model -------------------------------------------------------------------


def test_a_visit_moves_through_the_day_and_check_out_sets_up_the_yearly_recall(
    receptionist_desk: Desk, clock: FakeClock
) -> None:
    desk = receptionist_desk
    made = book(desk, slot(desk, "Dr Vargas", "Full-body skin check", "10:00am"))
    (recalls_before,) = desk.db.execute(
        "SELECT count(*) FROM recalls WHERE patient_id = ?", (PATIENT,)
    ).fetchone()
    set_local(clock, "2027-01-12 09:40")
    for status in ("confirmed", "arrived", "roomed", "with_provider", "checked_out"):
        assert set_status(desk, made.id, status).status == status
        assert row(desk, made.id)["status"] == status
    steps = [(e.from_status, e.to_status) for e in events(desk, made.id)]
    assert steps == [
        (None, "booked"),
        ("booked", "confirmed"),
        ("confirmed", "arrived"),
        ("arrived", "roomed"),
        ("roomed", "with_provider"),
        ("with_provider", "checked_out"),
    ]
    recalls = desk.db.query(
        "SELECT kind, due_date, type_id, source, status FROM recalls WHERE patient_id = ?"
        " ORDER BY id",
        (PATIENT,),
    )
    assert len(recalls) == recalls_before + 1
    assert recalls[-1] == {
        "kind": "Yearly skin check",
        "due_date": "2028-01-12",
        "type_id": kind(desk, "Full-body skin check"),
        "source": "checkout",
        "status": "due",
    }
    with pytest.raises(Conflict, match="marked checked out"):
        set_status(desk, made.id, "arrived")


def test_check_out_of_a_type_without_recall_adds_none(
    receptionist_desk: Desk, clock: FakeClock
) -> None:
    desk = receptionist_desk
    made = book(desk, slot(desk, "Dr Vargas", "Follow-up"))
    (before,) = desk.db.execute("SELECT count(*) FROM recalls").fetchone()
    set_local(clock, "2027-01-12 10:00")
    for status in ("arrived", "checked_out"):
        set_status(desk, made.id, status)
    assert desk.db.execute("SELECT count(*) FROM recalls").fetchone()[0] == before


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ((), "checked_out"),
        ((), "roomed"),
        (("confirmed",), "with_provider"),
        (("arrived", "roomed"), "booked"),
        ((), "nonsense"),
    ],
)
def test_moves_the_status_model_does_not_allow_are_refused(
    receptionist_desk: Desk, clock: FakeClock, path: tuple, refused: str
) -> None:
    desk = receptionist_desk
    made = book(desk, slot(desk, "Dr Vargas", "Follow-up"))
    set_local(clock, "2027-01-12 10:05")
    for status in path:
        set_status(desk, made.id, status)
    before = state(desk)
    with pytest.raises((Conflict, Invalid)):
        set_status(desk, made.id, refused)
    assert state(desk) == before


def test_no_show_only_after_the_appointment_starts(
    receptionist_desk: Desk, clock: FakeClock
) -> None:
    desk = receptionist_desk
    made = book(desk, slot(desk, "Dr Vargas", "Follow-up"))
    set_local(clock, "2027-01-12 09:59")
    before = state(desk)
    with pytest.raises(Conflict, match="has not started yet"):
        set_status(desk, made.id, "no_show")
    assert state(desk) == before
    set_local(clock, "2027-01-12 10:00")
    assert set_status(desk, made.id, "no_show").status == "no_show"
    assert row(desk, made.id)["status"] == "no_show"


def test_taking_back_a_no_show_whose_time_was_given_away_is_refused(
    receptionist_desk: Desk, clock: FakeClock
) -> None:
    desk = receptionist_desk
    first = book(desk, slot(desk, "Dr Vargas", "New patient visit"))
    set_local(clock, "2027-01-12 10:05")
    set_status(desk, first.id, "no_show")
    set_local(clock, "2027-01-12 09:00")  # (a walk-in squeezed in, as seen earlier that day)
    book(desk, slot(desk, "Dr Vargas", "Biopsy", "10:00am", patient=OTHER))
    set_local(clock, "2027-01-12 10:10")
    before = state(desk)
    for status in ("booked", "arrived"):
        with pytest.raises(Conflict, match="booked since"):
            set_status(desk, first.id, status)
    assert state(desk) == before and row(desk, first.id)["status"] == "no_show"


def test_a_no_show_who_turns_up_late_is_marked_arrived(
    receptionist_desk: Desk, clock: FakeClock
) -> None:
    desk = receptionist_desk
    made = book(desk, slot(desk, "Dr Vargas", "Follow-up"))
    set_local(clock, "2027-01-12 10:20")
    set_status(desk, made.id, "no_show")
    set_status(desk, made.id, "arrived", reason="arrived late")
    assert row(desk, made.id)["status"] == "arrived"
    assert events(desk, made.id)[-1].reason == "arrived late"


# -- what a booking closes: recalls and the waitlist ------------------------------------


def _recall(desk: Desk, patient: int, type_name: str, due: str = "2027-01-01") -> int:
    with desk.db.conn:  # set-up only: the recall list is another screen's service
        return desk.db.execute(
            "INSERT INTO recalls (patient_id, kind, due_date, type_id, created_at)"
            " VALUES (?, 'Yearly skin check', ?, ?, '2026-01-01T00:00:00.000000Z')",
            (patient, due, kind(desk, type_name)),
        ).lastrowid


def _waitlist(desk: Desk, patient: int, type_name: str) -> int:
    with desk.db.conn:
        return desk.db.execute(
            "INSERT INTO waitlist (patient_id, type_id, earliest, latest, created_at)"
            " VALUES (?, ?, '2026-11-24', '2027-02-01', '2026-11-24T15:00:00.000000Z')",
            (patient, kind(desk, type_name)),
        ).lastrowid


def _recall_row(desk: Desk, recall_id: int) -> tuple:
    return desk.db.execute(
        "SELECT status, appointment_id, closed_at IS NOT NULL FROM recalls WHERE id = ?",
        (recall_id,),
    ).fetchone()


def test_booking_from_a_recall_closes_it(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    recall = _recall(desk, PATIENT, "Follow-up")
    made = book(desk, slot(desk, "Dr Vargas", "Biopsy"), recall_id=recall)
    assert _recall_row(desk, recall) == ("booked", made.id, 1)


def test_booking_the_patients_type_closes_their_due_recall_of_that_type(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    skin = _recall(desk, PATIENT, "Full-body skin check")
    other_type = _recall(desk, PATIENT, "Acne follow-up")
    someone_else = _recall(desk, OTHER, "Full-body skin check")
    made = book(desk, slot(desk, "Dr Vargas", "Full-body skin check"))
    assert _recall_row(desk, skin) == ("booked", made.id, 1)
    assert _recall_row(desk, other_type) == ("due", None, 0)
    assert _recall_row(desk, someone_else) == ("due", None, 0)


def test_cancelling_the_visit_a_recall_was_booked_for_makes_it_due_again(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    recall = _recall(desk, PATIENT, "Full-body skin check")
    made = book(desk, slot(desk, "Dr Vargas", "Full-body skin check"))
    moved = reschedule(desk, made.id, slot(desk, "Dr Vargas", "Full-body skin check", "2:00pm"))
    assert _recall_row(desk, recall) == ("booked", moved.id, 1)  # follows the new time
    cancel(desk, moved.id, "patient_cancelled")
    assert _recall_row(desk, recall) == ("due", None, 0)


def test_a_closed_or_someone_elses_recall_is_refused(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    theirs = _recall(desk, OTHER, "Follow-up")
    before = state(desk)
    with pytest.raises(Invalid, match="another patient"):
        book(desk, slot(desk, "Dr Vargas", "Follow-up"), recall_id=theirs)
    assert state(desk) == before
    mine = _recall(desk, PATIENT, "Biopsy")
    book(desk, slot(desk, "Dr Vargas", "Follow-up"), recall_id=mine)
    before = state(desk)
    with pytest.raises(Conflict, match="already booked or closed"):
        book(desk, slot(desk, "Raman PA", "Follow-up", "2:00pm"), recall_id=mine)
    assert state(desk) == before


def test_booking_from_the_waitlist_closes_the_entry_once(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    entry = _waitlist(desk, PATIENT, "New patient visit")
    made = book(desk, slot(desk, "Dr Vargas", "New patient visit"), waitlist_id=entry)
    assert desk.db.execute(
        "SELECT status, appointment_id, closed_at IS NOT NULL FROM waitlist WHERE id = ?",
        (entry,),
    ).fetchone() == ("booked", made.id, 1)

    before = state(desk)
    with pytest.raises(Conflict, match="waitlist entry was already booked"):
        book(desk, slot(desk, "Raman PA", "New patient visit", "2:00pm"), waitlist_id=entry)
    assert state(desk) == before  # the second appointment rolled back with the refusal


def test_someone_elses_waitlist_entry_is_refused(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    entry = _waitlist(desk, OTHER, "New patient visit")
    before = state(desk)
    with pytest.raises(Invalid, match="another patient"):
        book(desk, slot(desk, "Dr Vargas", "New patient visit"), waitlist_id=entry)
    assert state(desk) == before


def test_only_the_front_desk_marks_no_shows_and_the_clinic_rooms_patients(desk):

    provider = desk.signed_in(actor(desk, "evargas"))
    nurse = desk.signed_in(actor(desk, "lortega"))
    desk.clock.advance(hours=5)  # 2:30pm: the morning's visits are over
    past = desk.db.execute(
        "SELECT id FROM appointments WHERE status = 'booked' AND ends_at < ? ORDER BY starts_at"
        " DESC",
        (desk.clock.stamp(),),
    ).fetchone()[0]
    with pytest.raises(AccessDenied, match="no-show"):
        appointment_status.set_status(provider, past, "no_show")
    assert desk.db.execute("SELECT status FROM appointments WHERE id = ?", (past,)).fetchone() == (
        "booked",
    )
    (arrived,) = desk.db.execute(
        "SELECT id FROM appointments WHERE status IN ('booked', 'confirmed') AND starts_at > ?"
        " AND starts_at < '2026-11-25' ORDER BY starts_at",
        (desk.clock.stamp(),),
    ).fetchone()
    appointment_status.set_status(desk.signed_in(actor(desk, "anguyen")), arrived, "arrived")
    assert appointment_status.set_status(nurse, arrived, "roomed").status == "roomed"


def test_an_approval_does_not_outlive_the_managers_deactivation(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    manager = actor(desk, "dokafor")
    desk.db.execute("UPDATE staff SET active = 0 WHERE id = ?", (manager.staff_id,))
    desk.db.conn.commit()
    before = state(desk)
    with pytest.raises(NeedsOverride):
        book(
            desk,
            slot(desk, "Dr Vargas", "Follow-up", "7:30am"),
            override=Override("Approved before she left", approver=manager),
        )
    assert state(desk) == before
