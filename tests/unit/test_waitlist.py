"""The waitlist: adding, listing, removing, and who fits a freed slot."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk.data.clock import local_wall_time, to_stored
from frontdesk.data.db import write
from frontdesk.errors import AccessDenied, BadTime, Conflict, Invalid, NotFound
from frontdesk.services import appointments, openings, visit_types, waitlist
from frontdesk.services.context import Desk
from tests.conftest import actor

TODAY = dt.date(2026, 11, 24)  # the test clock's Tuesday
WEDNESDAY = dt.date(2026, 11, 25)


def _ids(desk: Desk, table: str, column: str = "name") -> dict[str, int]:
    return dict(desk.db.execute(f"SELECT {column}, id FROM {table}").fetchall())


@pytest.fixture
def book(receptionist_desk: Desk):
    """The demo practice's types and columns by name, with the demo waitlist emptied."""
    with write(receptionist_desk.db):
        receptionist_desk.db.execute("UPDATE waitlist SET status = 'removed'")
    types = _ids(receptionist_desk, "appointment_types")
    columns = _ids(receptionist_desk, "resources", "short_name")
    return types, columns


def _slot(day: dt.date, at: str, minutes: int, tz: str = "America/Chicago") -> tuple[str, str]:
    hour, minute = (int(part) for part in at.split(":"))
    start = local_wall_time(day, dt.time(hour, minute), tz)
    return to_stored(start), to_stored(start.shift(minutes=minutes))


def _counts(desk: Desk) -> tuple[int, int]:
    return (
        desk.db.execute("SELECT count(*) FROM waitlist").fetchone()[0],
        desk.db.execute("SELECT count(*) FROM audit_log").fetchone()[0],
    )


def _add(desk: Desk, types, columns, type_name="Follow-up", column=None, **kwargs):
    values = {
        "patient_id": kwargs.pop("patient_id", 1),
        "type_id": types[type_name],
        "resource_id": columns[column] if column else None,
        "earliest": TODAY,
        "latest": TODAY + dt.timedelta(days=14),
    }
    values.update(kwargs)
    return waitlist.add_to_waitlist(desk, **values)


# -- adding and listing ----------------------------------------------------------------


def test_adding_a_patient_to_the_waitlist_saves_it_and_is_audited(receptionist_desk, book):
    types, columns = book
    entry = _add(
        receptionist_desk,
        types,
        columns,
        "Full-body skin check",
        "Dr Vargas",
        earliest="11/30/2026",
        latest="2026-12-18",
        time_of_day="morning",
        notes="  Wants   the first slot ",
    )
    assert entry.status == "waiting"
    assert (entry.type_name, entry.minutes, entry.resource_id) == (
        "Full-body skin check",
        20,
        columns["Dr Vargas"],
    )
    assert (entry.earliest, entry.latest) == (dt.date(2026, 11, 30), dt.date(2026, 12, 18))
    assert entry.time_of_day == "morning" and entry.notes == "Wants the first slot"
    assert entry.created_at == receptionist_desk.clock.stamp()
    row = receptionist_desk.db.execute(
        "SELECT action, table_name, record_id, summary, staff_id FROM audit_log"
        " ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row == (
        "waitlist added",
        "waitlist",
        entry.id,
        f"patient 1, type {types['Full-body skin check']}, resource {columns['Dr Vargas']}",
        receptionist_desk.actor.staff_id,
    )


def test_the_waitlist_lists_waiting_patients_soonest_wanted_first(receptionist_desk, book):
    types, columns = book
    later = _add(receptionist_desk, types, columns, earliest=TODAY + dt.timedelta(days=5))
    sooner = _add(receptionist_desk, types, columns, "Biopsy", patient_id=2)
    gone = _add(receptionist_desk, types, columns, "Biopsy", patient_id=3)
    waitlist.remove_from_waitlist(receptionist_desk, gone.id, "Found another practice")
    listed = waitlist.list_waitlist(receptionist_desk)
    assert [e.id for e in listed] == [sooner.id, later.id]


def test_the_demo_waitlist_is_on_the_list(receptionist_desk):
    assert len(waitlist.list_waitlist(receptionist_desk)) == 8


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"latest": TODAY - dt.timedelta(days=1)}, BadTime, "is before the earliest"),
        ({"earliest": TODAY - dt.timedelta(days=1)}, BadTime, "is in the past"),
        ({"earliest": "13/45/2026"}, Invalid, "'13/45/2026' is not a date"),
        ({"latest": ""}, Invalid, "Enter the latest date"),
        ({"time_of_day": "evening"}, Invalid, "any, morning or afternoon"),
        ({"notes": "x" * 201}, Invalid, "at most 200 characters"),
        ({"notes": "call \x1b[2J"}, Invalid, "cannot be printed"),
        ({"patient_id": 999_999}, NotFound, "not in the practice's records"),
        ({"type_id": 999_999}, NotFound, "appointment type does not exist"),
        ({"resource_id": 999_999}, NotFound, "not in the book"),
    ],
)
def test_bad_waitlist_entries_are_refused_and_nothing_is_saved(
    receptionist_desk, book, change, error, words
):
    types, columns = book
    before = _counts(receptionist_desk)
    with pytest.raises(error, match=words):
        _add(receptionist_desk, types, columns, **change)
    assert _counts(receptionist_desk) == before


def test_a_provider_or_room_that_cannot_take_the_type_is_refused(receptionist_desk, book):
    types, columns = book
    before = _counts(receptionist_desk)
    with pytest.raises(Invalid, match="does not take Mohs surgery"):
        _add(receptionist_desk, types, columns, "Mohs surgery", "Dr Vargas")
    with pytest.raises(Invalid, match="Neurotoxin needs a room"):
        _add(receptionist_desk, types, columns, "Neurotoxin", "Dr Vargas")
    with pytest.raises(Invalid, match="does not take Neurotoxin"):
        _add(receptionist_desk, types, columns, "Neurotoxin", "Laser room")
    assert _counts(receptionist_desk) == before


def test_inactive_resource_type_or_patient_is_refused(receptionist_desk, book):
    types, columns = book
    db = receptionist_desk.db
    with write(db):
        db.execute("UPDATE resources SET active = 0 WHERE id = ?", (columns["Raman PA"],))
        db.execute("UPDATE appointment_types SET active = 0 WHERE id = ?", (types["Biopsy"],))
        db.execute("UPDATE patients SET active = 0 WHERE id = 7")
    before = _counts(receptionist_desk)
    with pytest.raises(Conflict, match="no longer on the book"):
        _add(receptionist_desk, types, columns, column="Raman PA")
    with pytest.raises(Conflict, match="Biopsy is no longer offered"):
        _add(receptionist_desk, types, columns, "Biopsy")
    with pytest.raises(Conflict, match="record is inactive"):
        _add(receptionist_desk, types, columns, patient_id=7)
    assert _counts(receptionist_desk) == before


def test_a_patient_waits_once_for_a_type(receptionist_desk, book):
    types, columns = book
    _add(receptionist_desk, types, columns)
    before = _counts(receptionist_desk)
    with pytest.raises(Conflict, match="already on the waitlist for Follow-up"):
        _add(receptionist_desk, types, columns, column="Dr Vargas")
    assert _counts(receptionist_desk) == before
    _add(receptionist_desk, types, columns, "Biopsy")  # another type is fine


def test_providers_see_the_waitlist_but_do_not_change_it(desk, book):
    types, columns = book
    provider = desk.signed_in(actor(desk, "evargas"))
    assert waitlist.list_waitlist(provider) == []
    with pytest.raises(AccessDenied, match="cannot change the waitlist"):
        _add(provider, types, columns)
    with pytest.raises(AccessDenied):
        waitlist.list_waitlist(desk)  # nobody signed in


# -- removing --------------------------------------------------------------------------


def test_removing_needs_a_reason_which_is_kept(receptionist_desk, book):
    types, columns = book
    entry = _add(receptionist_desk, types, columns, notes="Prefers Dr Raman")
    before = _counts(receptionist_desk)
    with pytest.raises(Invalid, match="Enter the reason"):
        waitlist.remove_from_waitlist(receptionist_desk, entry.id, "  ")
    assert _counts(receptionist_desk) == before
    removed = waitlist.remove_from_waitlist(receptionist_desk, entry.id, "Booked by phone")
    assert removed.status == "removed" and removed.closed_at
    assert removed.notes == "Prefers Dr Raman · Removed: Booked by phone"
    audit = receptionist_desk.db.execute(
        "SELECT action, record_id, summary FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert audit == ("waitlist removed", entry.id, "")
    with pytest.raises(Conflict, match="already removed"):
        waitlist.remove_from_waitlist(receptionist_desk, entry.id, "again")
    with pytest.raises(NotFound):
        waitlist.remove_from_waitlist(receptionist_desk, 999_999, "gone")


# -- matching a freed slot -------------------------------------------------------------


def _matches(desk: Desk, columns, column: str, day: dt.date, at: str, minutes: int):
    start, end = _slot(day, at, minutes)
    return [e.id for e in waitlist.matches_for_opening(desk, columns[column], start, end)]


def test_a_freed_slot_offers_entries_whose_type_fits_its_length(receptionist_desk, book):
    types, columns = book
    follow_up = _add(receptionist_desk, types, columns)  # 15 minutes
    biopsy = _add(receptionist_desk, types, columns, "Biopsy", patient_id=2)  # 30 minutes
    assert _matches(receptionist_desk, columns, "Dr Vargas", WEDNESDAY, "10:00", 15) == [
        follow_up.id
    ]
    assert _matches(receptionist_desk, columns, "Dr Vargas", WEDNESDAY, "10:00", 30) == [
        follow_up.id,
        biopsy.id,
    ]


def test_a_freed_slot_respects_the_wanted_provider(receptionist_desk, book):
    types, columns = book
    vargas = _add(receptionist_desk, types, columns, column="Dr Vargas")
    anyone = _add(receptionist_desk, types, columns, patient_id=2)
    assert _matches(receptionist_desk, columns, "Dr Vargas", WEDNESDAY, "10:00", 15) == [
        vargas.id,
        anyone.id,
    ]
    assert _matches(receptionist_desk, columns, "Dr O'Connor", WEDNESDAY, "10:00", 15) == [
        anyone.id
    ]


def test_a_freed_slot_must_fall_within_the_wanted_dates(receptionist_desk, book):
    types, columns = book
    entry = _add(
        receptionist_desk,
        types,
        columns,
        earliest=dt.date(2026, 11, 30),
        latest=dt.date(2026, 12, 2),
    )
    for day, offered in (
        (dt.date(2026, 11, 27), False),
        (dt.date(2026, 11, 30), True),  # first day counts
        (dt.date(2026, 12, 2), True),  # last day counts
        (dt.date(2026, 12, 3), False),
    ):
        found = _matches(receptionist_desk, columns, "Raman PA", day, "9:00", 30)
        assert (entry.id in found) is offered, day


def test_the_slot_date_is_the_local_date(receptionist_desk, book):
    types, columns = book
    entry = _add(receptionist_desk, types, columns, earliest=WEDNESDAY, latest=WEDNESDAY)
    # 7:00pm Wednesday in Chicago is already Thursday in UTC.
    assert _matches(receptionist_desk, columns, "Lindqvist NP", WEDNESDAY, "19:00", 30) == [
        entry.id
    ]


def test_a_freed_slot_respects_morning_and_afternoon(receptionist_desk, book):
    types, columns = book
    morning = _add(receptionist_desk, types, columns, "Biopsy", time_of_day="morning")
    afternoon = _add(
        receptionist_desk, types, columns, "Biopsy", patient_id=2, time_of_day="afternoon"
    )
    any_time = _add(receptionist_desk, types, columns, "Biopsy", patient_id=3)
    raman = ("Raman PA", WEDNESDAY)
    assert _matches(receptionist_desk, columns, *raman, "9:00", 30) == [morning.id, any_time.id]
    assert _matches(receptionist_desk, columns, *raman, "11:30", 30) == [
        morning.id,
        any_time.id,
    ]
    assert _matches(receptionist_desk, columns, *raman, "12:00", 30) == [
        afternoon.id,
        any_time.id,
    ]
    # Spanning noon: the morning one starts at 11:30, the afternoon one at noon.
    assert _matches(receptionist_desk, columns, *raman, "11:30", 60) == [
        morning.id,
        afternoon.id,
        any_time.id,
    ]
    assert _matches(receptionist_desk, columns, *raman, "11:45", 30) == [
        morning.id,
        any_time.id,
    ]


def test_a_freed_slot_only_offers_types_the_column_takes(receptionist_desk, book):
    types, columns = book
    mohs = _add(receptionist_desk, types, columns, "Mohs surgery")
    botox = _add(receptionist_desk, types, columns, "Neurotoxin", patient_id=2)
    laser = _add(receptionist_desk, types, columns, "Laser hair removal", patient_id=3)
    at = (WEDNESDAY, "13:00", 120)
    assert _matches(receptionist_desk, columns, "Dr O'Connor", *at) == [mohs.id]
    assert _matches(receptionist_desk, columns, "Dr Vargas", *at) == []
    assert _matches(receptionist_desk, columns, "Injectables", *at) == [botox.id]
    assert _matches(receptionist_desk, columns, "Laser room", *at) == [laser.id]


def test_a_room_type_with_no_column_list_still_needs_a_room(manager_desk, book):

    _, columns = book
    peel = visit_types.save_type(manager_desk, name="Glycolic peel", minutes=30, needs_room=True)
    chat = visit_types.save_type(manager_desk, name="Skincare chat", minutes=15)
    peel_entry = _add(manager_desk, {"x": peel.id}, columns, "x")
    chat_entry = _add(manager_desk, {"x": chat.id}, columns, "x", patient_id=2)
    assert _matches(manager_desk, columns, "Dr Vargas", WEDNESDAY, "10:00", 30) == [chat_entry.id]
    assert _matches(manager_desk, columns, "Laser room", WEDNESDAY, "10:00", 30) == [
        peel_entry.id,
        chat_entry.id,
    ]


def test_longest_waiting_is_offered_first(receptionist_desk, clock, book):
    types, columns = book
    first = _add(receptionist_desk, types, columns, "Biopsy", earliest=WEDNESDAY)
    clock.advance(minutes=5)
    second = _add(receptionist_desk, types, columns, patient_id=2)
    clock.advance(minutes=5)
    third = _add(receptionist_desk, types, columns, "Biopsy", patient_id=3)
    assert _matches(receptionist_desk, columns, "Raman PA", WEDNESDAY, "14:00", 30) == [
        first.id,
        second.id,
        third.id,
    ]


def test_removed_and_booked_entries_are_not_offered(receptionist_desk, book):
    types, columns = book
    removed = _add(receptionist_desk, types, columns)
    booked = _add(receptionist_desk, types, columns, patient_id=2, column="Raman PA")
    waiting = _add(receptionist_desk, types, columns, patient_id=3)
    waitlist.remove_from_waitlist(receptionist_desk, removed.id, "Changed her mind")
    opening = openings.find_openings(
        receptionist_desk, types["Follow-up"], resource_id=columns["Raman PA"], limit=1
    )[0]
    local = receptionist_desk.clock.local(opening.starts_at)
    appointment = appointments.book(
        receptionist_desk,
        appointments.Booking(
            patient_id=2,
            resource_id=columns["Raman PA"],
            type_id=types["Follow-up"],
            day=local.date(),
            start_minute=local.hour * 60 + local.minute,
        ),
        waitlist_id=booked.id,
    )
    entry = waitlist.get_entry(receptionist_desk, booked.id)
    assert (entry.status, entry.appointment_id) == ("booked", appointment.id)
    assert _matches(receptionist_desk, columns, "Raman PA", WEDNESDAY, "14:00", 30) == [waiting.id]
    assert [e.id for e in waitlist.list_waitlist(receptionist_desk)] == [waiting.id]


def test_inactive_types_and_patients_are_not_offered(receptionist_desk, book):
    types, columns = book
    entry = _add(receptionist_desk, types, columns)
    other = _add(receptionist_desk, types, columns, "Biopsy", patient_id=2)
    db = receptionist_desk.db
    with write(db):
        db.execute("UPDATE appointment_types SET active = 0 WHERE id = ?", (types["Biopsy"],))
        db.execute("UPDATE patients SET active = 0 WHERE id = 1")
    assert entry.id and other.id
    assert _matches(receptionist_desk, columns, "Raman PA", WEDNESDAY, "14:00", 30) == []


def test_the_part_of_a_slot_already_gone_by_is_not_offered(receptionist_desk, book):
    types, columns = book
    entry = _add(receptionist_desk, types, columns)  # 15 minutes; now is 9:30
    assert _matches(receptionist_desk, columns, "Raman PA", TODAY, "9:00", 30) == []
    assert _matches(receptionist_desk, columns, "Raman PA", TODAY, "9:00", 45) == [entry.id]
    assert _matches(receptionist_desk, columns, "Raman PA", TODAY, "8:00", 60) == []


def test_a_slot_that_makes_no_sense_is_refused(receptionist_desk, book):
    _, columns = book
    start, end = _slot(WEDNESDAY, "10:00", 30)
    with pytest.raises(BadTime, match="must end after it starts"):
        waitlist.matches_for_opening(receptionist_desk, columns["Raman PA"], end, start)
    with pytest.raises(Invalid, match="cannot be read"):
        waitlist.matches_for_opening(receptionist_desk, columns["Raman PA"], "soon", end)
    with pytest.raises(NotFound):
        waitlist.matches_for_opening(receptionist_desk, 999_999, start, end)


def test_the_demo_waitlist_fits_some_freed_slots(receptionist_desk):
    """The demo's entries (created today) are offered for a long afternoon slot."""
    columns = _ids(receptionist_desk, "resources", "short_name")
    found = _matches(receptionist_desk, columns, "Injectables", WEDNESDAY, "14:00", 60)
    names = {waitlist.get_entry(receptionist_desk, i).type_name for i in found}
    assert names and names <= {"Neurotoxin", "Filler", "Chemical peel"}
