"""Find next available: openings respect hours, blocks, bookings, the slot size, the time
of day and the column, skip closed days and Sundays, never offer the past, and every
opening offered can actually be booked."""

from __future__ import annotations

import datetime as dt

import arrow
import pytest

from frontdesk.data.models import PatientDraft
from frontdesk.errors import Conflict, Invalid
from frontdesk.services import block_time, patients, practice, visit_types, working_hours
from frontdesk.services.appointment_status import cancel
from frontdesk.services.appointments import (
    Booking,
    book,
)
from frontdesk.services.book import local_time
from frontdesk.services.context import Desk
from frontdesk.services.openings import find_openings
from tests.conftest import FakeClock, column, kind

TZ = "America/Chicago"
DAY = dt.date(2027, 1, 12)  # a Tuesday after the demo's bookings: an empty book
TYPES = (
    "New patient visit",
    "Follow-up",
    "Full-body skin check",
    "Biopsy",
    "Mohs surgery",
    "Acne follow-up",
    "Cosmetic consult",
    "Neurotoxin",
    "Filler",
    "Chemical peel",
    "Laser hair removal",
    "IPL photofacial",
    "Microneedling",
)


def starts(openings, day: dt.date | None = None) -> list[int]:
    """The wall-clock minutes the openings start at (on `day`, if given)."""
    found = []
    for opening in openings:
        local = local_time(opening.starts_at, TZ)
        if day is None or local.date() == day:
            found.append(local.hour * 60 + local.minute)
    return found


def days_of(openings) -> set[dt.date]:
    return {local_time(o.starts_at, TZ).date() for o in openings}


def set_local(clock: FakeClock, text: str) -> None:
    clock.at = arrow.get(text, "YYYY-MM-DD HH:mm", tzinfo=TZ).to("UTC")


def vargas_new_patient(desk: Desk, **options) -> list:
    return find_openings(
        desk,
        kind(desk, "New patient visit"),
        resource_id=column(desk, "Dr Vargas"),
        since=DAY,
        **options,
    )


def book_at(desk: Desk, where: str, what: str, minute: int, patient: int = 11) -> int:
    return book(
        desk,
        Booking(
            patient_id=patient,
            resource_id=column(desk, where),
            type_id=kind(desk, what),
            day=DAY,
            start_minute=minute,
        ),
    ).id


def test_openings_fill_the_columns_hours_on_the_slot_grid(receptionist_desk: Desk) -> None:
    found = vargas_new_patient(receptionist_desk, limit=100)
    # Dr Vargas works 8:00-5:00 on Tuesdays: a 30-minute visit starts 8:00 to 4:30.
    assert starts(found, DAY) == list(range(8 * 60, 16 * 60 + 31, 15))
    assert {o.resource_name for o in found} == {"Dr. Elena Vargas"}
    assert found[0].starts_at == "2027-01-12T14:00:00.000000Z"
    assert found[0].ends_at == "2027-01-12T14:30:00.000000Z"
    assert {o.type_id for o in found} == {kind(receptionist_desk, "New patient visit")}
    # Wednesday she works the morning only.
    assert starts(found, dt.date(2027, 1, 13)) == list(range(8 * 60, 11 * 60 + 31, 15))


def test_openings_keep_clear_of_blocks_and_appointments(
    manager_desk: Desk, receptionist_desk: Desk
) -> None:
    vargas = column(manager_desk, "Dr Vargas")
    noon = arrow.get("2027-01-12T12:00:00", tzinfo=TZ)
    block_time.add_block(manager_desk, vargas, noon, noon.shift(hours=1), "lunch")
    book_at(receptionist_desk, "Dr Vargas", "New patient visit", 8 * 60)
    book_at(receptionist_desk, "Dr Vargas", "Biopsy", 9 * 60 + 15, patient=12)
    book_at(receptionist_desk, "Dr Vargas", "Follow-up", 15 * 60, patient=13)
    cancelled = book_at(receptionist_desk, "Dr Vargas", "Follow-up", 16 * 60, patient=14)
    cancel(receptionist_desk, cancelled, "patient_cancelled")

    taken = [(480, 510), (555, 585), (720, 780), (900, 915)]
    expected = [
        minute
        for minute in range(480, 991, 15)
        if all(minute + 30 <= s or e <= minute for s, e in taken)
    ]
    assert starts(vargas_new_patient(receptionist_desk, limit=100), DAY) == expected
    assert 16 * 60 in expected  # the cancelled one's time is offered again


@pytest.mark.parametrize("slot", [5, 10])
def test_openings_follow_the_practices_slot_size(manager_desk: Desk, slot: int) -> None:
    settings = practice.load_settings(manager_desk.db)
    practice.update_settings(manager_desk, settings.model_copy(update={"slot_minutes": slot}))
    found = starts(vargas_new_patient(manager_desk, limit=200), DAY)
    assert found == list(range(8 * 60, 16 * 60 + 31, slot))


def test_morning_and_afternoon_openings_split_at_noon(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    every = starts(vargas_new_patient(desk, limit=35), DAY)
    morning = starts(vargas_new_patient(desk, part="morning", limit=35), DAY)
    afternoon = starts(vargas_new_patient(desk, part="afternoon", limit=35), DAY)
    assert morning and afternoon
    assert all(minute < 12 * 60 for minute in morning)
    assert all(minute >= 12 * 60 for minute in afternoon)
    assert sorted(morning + afternoon) == every


def test_any_column_offers_every_provider_and_one_column_only_that_one(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    anyone = find_openings(desk, kind(desk, "Full-body skin check"), since=DAY, limit=12)
    # Dr O'Connor starts at 7:30; the others at 8:00; rooms never take a skin check.
    assert [(o.resource_name, starts([o])[0]) for o in anyone[:3]] == [
        ("Dr. James O'Connor", 450),
        ("Dr. James O'Connor", 465),
        ("Dr. Elena Vargas", 480),
    ]
    assert {o.resource_name for o in anyone} == {
        "Dr. Elena Vargas",
        "Dr. James O'Connor",
        "Priya Raman, PA-C",
        "Zoë Lindqvist, NP",
    }
    raman = column(desk, "Raman PA")
    one = find_openings(desk, kind(desk, "Full-body skin check"), resource_id=raman, since=DAY)
    assert one and {o.resource_id for o in one} == {raman}


@pytest.mark.parametrize(
    ("what", "room"),
    [("Neurotoxin", "Injectables room"), ("Microneedling", "Laser room")],
)
def test_types_needing_a_room_are_offered_only_in_their_room(
    receptionist_desk: Desk, what: str, room: str
) -> None:
    desk = receptionist_desk
    found = find_openings(desk, kind(desk, what), since=DAY, limit=30)
    assert found and {o.resource_name for o in found} == {room}
    with pytest.raises(Invalid, match=f"No provider or room on the book takes {what}"):
        find_openings(desk, kind(desk, what), resource_id=column(desk, "Dr Vargas"))


def test_a_room_type_taken_by_any_column_is_offered_in_rooms_only(manager_desk: Desk) -> None:
    tattoo = visit_types.save_type(
        manager_desk, name="Tattoo removal", minutes=30, needs_room=True, cosmetic=True
    )
    found = find_openings(manager_desk, tattoo.id, since=DAY, limit=40)
    assert {o.resource_name for o in found} == {"Laser room", "Injectables room"}


def test_closed_days_and_sundays_are_skipped(manager_desk: Desk) -> None:
    desk = manager_desk
    # Special hours on Christmas do not open a closed day.
    laser = column(desk, "Laser room")
    working_hours.set_day_hours(desk, laser, dt.date(2026, 12, 25), [(480, 720)], note="Holiday")
    thanksgiving = dt.date(2026, 11, 26)
    found = find_openings(desk, kind(desk, "Follow-up"), since=thanksgiving, limit=500, days=40)
    days = days_of(found)
    assert thanksgiving not in days and dt.date(2026, 12, 25) not in days
    assert not [day for day in days if day.weekday() == 6]
    assert dt.date(2026, 11, 27) in days or dt.date(2026, 11, 28) in days
    sunday = dt.date(2027, 1, 10)
    after = find_openings(desk, kind(desk, "Follow-up"), since=sunday, limit=5)
    assert days_of(after) == {dt.date(2027, 1, 11)}


def test_openings_are_never_in_the_past(receptionist_desk: Desk, clock: FakeClock) -> None:
    desk = receptionist_desk
    set_local(clock, "2027-01-12 10:07")
    found = vargas_new_patient(desk, limit=3)
    assert starts(found) == [10 * 60 + 15, 10 * 60 + 30, 10 * 60 + 45]
    # Asking from a day already gone starts from now.
    from_last_year = find_openings(
        desk,
        kind(desk, "New patient visit"),
        resource_id=column(desk, "Dr Vargas"),
        since=dt.date(2026, 1, 1),
        limit=3,
    )
    assert from_last_year == found
    set_local(clock, "2026-11-24 09:30")
    today = find_openings(desk, kind(desk, "Follow-up"), limit=20)
    assert today and all(o.starts_at > desk.clock.stamp() for o in today)


def test_a_retired_type_has_no_openings(manager_desk: Desk) -> None:
    consult = kind(manager_desk, "Cosmetic consult")
    visit_types.set_type_active(manager_desk, consult, False)
    with pytest.raises(Conflict, match="no longer offered"):
        find_openings(manager_desk, consult)


def test_openings_skip_times_a_dst_change_skips_or_repeats(
    manager_desk: Desk, clock: FakeClock
) -> None:
    desk = manager_desk
    set_local(clock, "2026-10-30 09:00")
    laser = column(desk, "Laser room")
    fall_back, spring = dt.date(2026, 11, 1), dt.date(2027, 3, 14)
    working_hours.set_day_hours(desk, laser, fall_back, [(0, 4 * 60)], note="Night study")
    working_hours.set_day_hours(desk, laser, spring, [(0, 3 * 60)], note="Night study")
    hair = kind(desk, "Laser hair removal")
    autumn = find_openings(desk, hair, since=fall_back, limit=200, days=1)
    assert starts(autumn) == [0, 15, 30, 45, 120, 135, 150, 165, 180, 195, 210]  # no 1:xx
    # 2:xx never happens, and 1:45am + 30 minutes is 3:15am, past the 3:00am close.
    march = find_openings(desk, hair, since=spring, limit=200, days=1)
    assert starts(march) == [0, 15, 30, 45, 60, 75, 90]
    patient = _new_patient(desk)
    for opening in autumn + march:
        made = book(desk, _booking(opening, patient))
        assert made.ends_at == opening.ends_at and made.override_reason == ""
        cancel(desk, made.id, "practice_cancelled")


# -- every opening offered can be booked --------------------------------------------------


def _new_patient(desk: Desk) -> int:
    return patients.register_patient(
        desk,
        PatientDraft(
            first_name="Ines", last_name="Fairbanks", dob="1990-02-14", phone="(312) 555-0188"
        ),
    ).id


def _booking(opening, patient: int) -> Booking:
    local = local_time(opening.starts_at, TZ)
    return Booking(
        patient_id=patient,
        resource_id=opening.resource_id,
        type_id=opening.type_id,
        day=local.date(),
        start_minute=local.hour * 60 + local.minute,
    )


@pytest.mark.parametrize("what", TYPES)
def test_every_offered_opening_can_be_booked(receptionist_desk: Desk, what: str) -> None:
    desk = receptionist_desk
    part = ("any", "morning", "afternoon")[TYPES.index(what) % 3]
    type_id = kind(desk, what)
    patient = _new_patient(desk)
    offered = find_openings(desk, type_id, part=part, limit=5)
    assert len(offered) == 5
    for opening in offered:
        made = book(desk, _booking(opening, patient))
        assert (made.starts_at, made.ends_at) == (opening.starts_at, opening.ends_at)
        assert made.override_reason == "" and not made.double_booked
        cancel(desk, made.id, "practice_cancelled")
    # Taking the first offered opening five times over: each one is still bookable.
    for _ in range(5):
        first = find_openings(desk, type_id, part=part, limit=1)[0]
        made = book(desk, _booking(first, patient), same_patient_ok=True)
        assert desk.db.execute(
            "SELECT status, starts_at FROM appointments WHERE id = ?", (made.id,)
        ).fetchone() == ("booked", first.starts_at)
