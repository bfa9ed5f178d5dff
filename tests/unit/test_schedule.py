"""The book's frame: providers and rooms, hours, special days, closed days, blocks and
appointment types; manager only, checked, audited; bad input changes nothing.

The demo practice at Tue 2026-11-24 09:30 Chicago: appointments from 11/03 to 12/15,
Thanksgiving (11/26) closed, Lindqvist NP on vacation 12/07-12/11; 12/21 on is empty.
"""

import datetime as dt

import pytest

from frontdesk.errors import AccessDenied, BadTime, Conflict, Invalid, NotFound
from frontdesk.services import block_time, schedule, visit_types, working_hours
from frontdesk.services.context import Desk

EMPTY_MONDAY = dt.date(2026, 12, 21)
BOOKED_WEDNESDAY = dt.date(2026, 11, 25)
H = 60


def _count(desk: Desk, sql: str, *params: object) -> int:
    return desk.db.execute(sql, params).fetchone()[0]


def _last_audit(desk: Desk) -> tuple:
    return desk.db.execute(
        "SELECT action, table_name, record_id, summary, workstation FROM audit_log"
        " ORDER BY id DESC LIMIT 1"
    ).fetchone()


def _id(desk: Desk, heading: str) -> int:
    return _count(desk, "SELECT id FROM resources WHERE short_name = ?", heading)


def _type_id(desk: Desk, name: str) -> int:
    return _count(desk, "SELECT id FROM appointment_types WHERE name = ?", name)


def _snapshot(desk: Desk) -> tuple:
    """Everything the book setup can change, to prove a refusal changed nothing."""
    return tuple(
        desk.db.execute(sql).fetchall()
        for sql in (
            "SELECT * FROM resources ORDER BY id",
            "SELECT * FROM resource_hours ORDER BY id",
            "SELECT * FROM hours_exceptions ORDER BY id",
            "SELECT * FROM closed_days ORDER BY day",
            "SELECT * FROM blocks ORDER BY id",
            "SELECT * FROM appointment_types ORDER BY id",
            "SELECT * FROM appointment_type_resources ORDER BY type_id, resource_id",
            "SELECT count(*) FROM audit_log",
        )
    )


# -- typed hours ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stretches"),
    [
        ("8:00-12:00, 1:00pm-5:00pm", [(8 * H, 12 * H), (13 * H, 17 * H)]),
        ("1:00pm-5:00pm, 8:00-12:00", [(8 * H, 12 * H), (13 * H, 17 * H)]),
        ("8-5", [(8 * H, 17 * H)]),
        ("9:00 to 12:00; 1:00 to 5:30", [(9 * H, 12 * H), (13 * H, 17 * H + 30)]),
        ("7:30am\u201311:45am", [(7 * H + 30, 11 * H + 45)]),
        ("6:00pm-12:00am", [(18 * H, 24 * H)]),
        ("8:00-12:00, 12:00-4:00", [(8 * H, 12 * H), (12 * H, 16 * H)]),
        ("8:00-12:00,", [(8 * H, 12 * H)]),
        ("  OFF ", []),
        ("", []),
        ("closed", []),
    ],
)
def test_hours_are_read_as_the_desk_types_them(typed: str, stretches: list) -> None:
    assert working_hours.parse_hours(typed) == stretches


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9:00-", "is not a time of day"),
        ("banana", "is not a stretch of hours"),
        ("8:00-12:00-1:00", "is not a stretch of hours"),
        ("25:00-26:00", "is not a time of day"),
        ("5:00pm-9:00am", "ends before it starts"),
        ("9:00-9:00", "ends before it starts"),
        ("8:00-12:00, 11:00-3:00", "8:00am-12:00pm and 11:00am-3:00pm overlap"),
        ("8:00-5:00, 9:00-10:00", "overlap"),
        (",", "Write the hours as"),
    ],
)
def test_hours_that_make_no_sense_are_refused_saying_why(typed: str, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        working_hours.parse_hours(typed)


def test_hours_read_back_the_way_they_are_shown() -> None:
    shown = working_hours.hours_text([(8 * H, 12 * H), (13 * H, 17 * H)])
    assert shown == "8:00am-12:00pm, 1:00pm-5:00pm"
    assert working_hours.parse_hours(shown) == [(8 * H, 12 * H), (13 * H, 17 * H)]
    assert working_hours.hours_text([]) == "off"
    assert working_hours.parse_hours(working_hours.hours_text([(18 * H, 24 * H)])) == [
        (18 * H, 24 * H)
    ]


def test_typed_dates_times_and_numbers_say_what_is_wrong() -> None:
    assert schedule.read_date("12/21/2026") == EMPTY_MONDAY
    assert schedule.read_date("2026-12-21") == EMPTY_MONDAY
    assert schedule.read_time("1:30") == 13 * H + 30
    assert schedule.read_number(" 45 ", "length") == 45
    assert schedule.read_number("", "recall", required=False) is None
    with pytest.raises(BadTime, match="'02/30/2026' is not a date"):
        schedule.read_date("02/30/2026")
    with pytest.raises(BadTime, match="Enter the first day"):
        schedule.read_date("  ", "first day")
    with pytest.raises(BadTime, match="'noonish' is not a time of day"):
        schedule.read_time("noonish")
    with pytest.raises(Invalid, match=r"'4\.5' is not a whole number"):
        schedule.read_number("4.5", "length")
    with pytest.raises(Invalid, match="Enter the length"):
        schedule.read_number("", "length")


# -- who may -----------------------------------------------------------------------------


def test_a_receptionist_cannot_change_the_book_whatever_the_screen_did(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    before = _snapshot(desk)
    vargas = _id(desk, "Dr Vargas")
    for call in (
        lambda: schedule.save_resource(desk, name="Dr. New", kind="provider"),
        lambda: schedule.set_resource_active(desk, vargas, False),
        lambda: working_hours.set_weekly_hours(desk, vargas, 1, []),
        lambda: working_hours.set_day_hours(desk, vargas, EMPTY_MONDAY, []),
        lambda: working_hours.remove_day_hours(desk, vargas, EMPTY_MONDAY),
        lambda: working_hours.close_day(desk, EMPTY_MONDAY, "Snow"),
        lambda: working_hours.reopen_day(desk, dt.date(2026, 11, 26)),
        lambda: block_time.add_block_on(desk, vargas, "meeting", EMPTY_MONDAY),
        lambda: block_time.remove_block(desk, 1),
        lambda: visit_types.save_type(desk, name="Sneaky", minutes=15),
        lambda: visit_types.set_type_active(desk, 1, False),
    ):
        with pytest.raises(AccessDenied, match="Only a manager can"):
            call()
    assert _snapshot(desk) == before
    # Reading the book is for everyone at the desk.
    assert len(schedule.list_resources(desk)) == 6
    assert working_hours.weekly_hours(desk, vargas)[1] == [(8 * H, 17 * H)]


def test_nobody_signed_in_cannot_even_read_the_frame(desk: Desk) -> None:
    for call in (
        lambda: schedule.list_resources(desk),
        lambda: visit_types.list_types(desk),
        lambda: working_hours.list_closed_days(desk, EMPTY_MONDAY),
        lambda: working_hours.special_days(desk, EMPTY_MONDAY),
        lambda: block_time.upcoming_blocks(desk, EMPTY_MONDAY, EMPTY_MONDAY),
    ):
        with pytest.raises(AccessDenied, match="Sign in first"):
            call()


# -- providers and rooms -------------------------------------------------------------------


def test_manager_adds_a_provider_with_a_default_heading_and_it_is_audited(
    manager_desk: Desk,
) -> None:
    staff_id = _count(manager_desk, "SELECT id FROM staff WHERE username = 'kpark'")
    added = schedule.save_resource(
        manager_desk,
        name="  Dr.   Amara  Whitfield-Jones ",
        kind="provider",
        staff_id=staff_id,
        sort_order=6,
    )
    assert (added.name, added.short_name, added.kind, added.staff_id, added.active) == (
        "Dr. Amara Whitfield-Jones",
        "Dr. Amara Whit",
        "provider",
        staff_id,
        True,
    )
    assert [r.id for r in schedule.list_resources(manager_desk)][-1] == added.id
    assert _last_audit(manager_desk) == (
        "resource added",
        "resources",
        added.id,
        "provider",
        "FRONT-1",
    )


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"name": "laser ROOM"}, Conflict, "already a provider or room named 'laser ROOM'"),
        ({"short_name": "dr vargas"}, Conflict, "Dr. Elena Vargas already has the column"),
        ({"short_name": "Smith, MD"}, Invalid, "cannot contain a comma"),
        ({"name": "   "}, Invalid, "Enter the name"),
        ({"name": "x" * 41}, Invalid, "at most 40 characters"),
        ({"short_name": "y" * 15}, Invalid, "at most 14 characters"),
        ({"kind": "nurse"}, Invalid, "a provider or a room"),
        ({"sort_order": 100}, Invalid, "0 to 99"),
        ({"staff_id": 9999}, NotFound, "staff member does not exist"),
        ({"name": "Dr.\x1b[2J"}, Invalid, "cannot be printed"),
    ],
)
def test_a_bad_provider_or_room_is_refused_and_nothing_is_saved(
    manager_desk: Desk, changes: dict, error: type, message: str
) -> None:
    values = {"name": "Dr. New Person", "short_name": "Dr New", "kind": "provider"} | changes
    before = _snapshot(manager_desk)
    with pytest.raises(error, match=message):
        schedule.save_resource(manager_desk, **values)
    assert _snapshot(manager_desk) == before


def test_editing_a_resource_keeps_its_own_name_and_heading(manager_desk: Desk) -> None:
    laser = schedule.get_resource(manager_desk, _id(manager_desk, "Laser room"))
    saved = schedule.save_resource(
        manager_desk,
        name="Laser room",
        short_name="Laser room",
        kind="room",
        sort_order=9,
        resource_id=laser.id,
    )
    assert saved.sort_order == 9
    assert _last_audit(manager_desk)[:3] == ("resource changed", "resources", laser.id)


def test_a_room_that_takes_room_only_types_cannot_become_a_provider(manager_desk: Desk) -> None:
    laser = _id(manager_desk, "Laser room")
    before = _snapshot(manager_desk)
    with pytest.raises(Conflict, match="IPL photofacial needs a room"):
        schedule.save_resource(manager_desk, name="Laser room", kind="provider", resource_id=laser)
    assert _snapshot(manager_desk) == before


def test_a_provider_with_appointments_to_come_stays_on_the_book(manager_desk: Desk) -> None:
    vargas = _id(manager_desk, "Dr Vargas")
    before = _snapshot(manager_desk)
    with pytest.raises(Conflict, match=r"Dr. Elena Vargas has \d+ appointment\(s\) still to come"):
        schedule.set_resource_active(manager_desk, vargas, False)
    assert _snapshot(manager_desk) == before


def test_a_new_column_comes_off_the_book_and_back(manager_desk: Desk) -> None:
    room = schedule.save_resource(manager_desk, name="Procedure room 2", kind="room")
    off = schedule.set_resource_active(manager_desk, room.id, False)
    assert not off.active
    assert _last_audit(manager_desk)[:3] == ("resource retired", "resources", room.id)
    assert room.id not in [r.id for r in schedule.list_resources(manager_desk)]
    assert room.id in [r.id for r in schedule.list_resources(manager_desk, include_inactive=True)]
    with pytest.raises(Conflict, match="already off the book"):
        schedule.set_resource_active(manager_desk, room.id, False)
    assert schedule.set_resource_active(manager_desk, room.id, True).active
    assert _last_audit(manager_desk)[:3] == ("resource restored", "resources", room.id)
    with pytest.raises(NotFound):
        schedule.set_resource_active(manager_desk, 9999, True)


# -- weekly hours and special days ---------------------------------------------------------


def test_manager_sets_a_new_columns_tuesday_hours(manager_desk: Desk) -> None:
    room = schedule.save_resource(manager_desk, name="Procedure room 2", kind="room")
    stretches = working_hours.parse_hours("8:00-12:00, 1:00pm-5:00pm")
    assert working_hours.set_weekly_hours(manager_desk, room.id, 1, stretches) == 0
    week = working_hours.weekly_hours(manager_desk, room.id)
    assert week[1] == [(8 * H, 12 * H), (13 * H, 17 * H)]
    assert all(week[day] == [] for day in (0, 2, 3, 4, 5, 6))
    assert _last_audit(manager_desk) == (
        "hours changed",
        "resources",
        room.id,
        "Tuesday: 8:00am-12:00pm, 1:00pm-5:00pm",
        "FRONT-1",
    )
    # Tuesday off again.
    working_hours.set_weekly_hours(manager_desk, room.id, 1, [])
    assert working_hours.weekly_hours(manager_desk, room.id)[1] == []


def test_hours_that_overlap_or_run_backwards_are_refused_by_the_service_too(
    manager_desk: Desk,
) -> None:
    vargas = _id(manager_desk, "Dr Vargas")
    before = _snapshot(manager_desk)
    with pytest.raises(Invalid, match="overlap"):
        working_hours.set_weekly_hours(manager_desk, vargas, 1, [(8 * H, 12 * H), (11 * H, 14 * H)])
    with pytest.raises(BadTime, match="ends before it starts"):
        working_hours.set_weekly_hours(manager_desk, vargas, 1, [(12 * H, 8 * H)])
    with pytest.raises(BadTime, match="within one day"):
        working_hours.set_day_hours(manager_desk, vargas, EMPTY_MONDAY, [(20 * H, 25 * H)])
    with pytest.raises(Invalid, match="Choose a weekday"):
        working_hours.set_weekly_hours(manager_desk, vargas, 7, [])
    with pytest.raises(NotFound):
        working_hours.set_weekly_hours(manager_desk, 9999, 1, [])
    assert _snapshot(manager_desk) == before


def test_shorter_hours_tell_how_many_booked_appointments_fall_outside(
    manager_desk: Desk,
) -> None:
    vargas = _id(manager_desk, "Dr Vargas")
    outside = _count(
        manager_desk,
        "SELECT count(*) FROM appointments WHERE resource_id = ? AND starts_at >= ?"
        " AND status NOT IN ('cancelled', 'no_show')"
        " AND strftime('%w', starts_at, '-6 hours') = '2'"
        " AND time(starts_at, '-6 hours') < '10:00'",
        vargas,
        manager_desk.clock.stamp(),
    )
    assert outside > 0
    appointments = "SELECT * FROM appointments ORDER BY id"
    booked = manager_desk.db.execute(appointments).fetchall()
    assert working_hours.set_weekly_hours(manager_desk, vargas, 1, [(10 * H, 17 * H)]) == outside
    # The appointments stay booked as they were; the book shows them outside hours.
    assert manager_desk.db.execute(appointments).fetchall() == booked


def test_a_day_off_for_one_provider_replaces_the_week_and_can_be_removed(
    manager_desk: Desk,
) -> None:
    vargas = _id(manager_desk, "Dr Vargas")
    assert working_hours.set_day_hours(manager_desk, vargas, EMPTY_MONDAY, [], "  CME course ") == 0
    assert working_hours.day_hours(manager_desk.db, EMPTY_MONDAY)[vargas] == []
    assert _last_audit(manager_desk)[:4] == (
        "day hours set",
        "resources",
        vargas,
        "2026-12-21: off",
    )
    special = working_hours.special_days(manager_desk, manager_desk.clock.business_date())
    assert [(d.resource_id, d.day, d.stretches, d.note) for d in special] == [
        (vargas, EMPTY_MONDAY, (), "CME course")
    ]
    # Different hours that day replace the day off.
    working_hours.set_day_hours(manager_desk, vargas, EMPTY_MONDAY, [(10 * H, 14 * H)], "Half day")
    assert working_hours.day_hours(manager_desk.db, EMPTY_MONDAY)[vargas] == [(10 * H, 14 * H)]
    assert _count(manager_desk, "SELECT count(*) FROM hours_exceptions") == 1
    working_hours.remove_day_hours(manager_desk, vargas, EMPTY_MONDAY)
    assert working_hours.day_hours(manager_desk.db, EMPTY_MONDAY)[vargas] == [(8 * H, 17 * H)]
    assert _last_audit(manager_desk)[:4] == (
        "day hours removed",
        "resources",
        vargas,
        "2026-12-21",
    )
    with pytest.raises(NotFound, match="no special hours"):
        working_hours.remove_day_hours(manager_desk, vargas, EMPTY_MONDAY)


def test_a_day_off_on_a_booked_day_says_how_many_appointments_it_leaves_out(
    manager_desk: Desk,
) -> None:
    vargas = _id(manager_desk, "Dr Vargas")
    day = dt.date(2026, 12, 1)
    assert working_hours.set_day_hours(manager_desk, vargas, day, []) > 0


def test_a_day_that_is_over_keeps_its_hours(manager_desk: Desk) -> None:
    before = _snapshot(manager_desk)
    with pytest.raises(BadTime, match="is over"):
        working_hours.set_day_hours(
            manager_desk, _id(manager_desk, "Dr Vargas"), dt.date(2026, 11, 23), []
        )
    with pytest.raises(Invalid, match="at most 80 characters"):
        working_hours.set_day_hours(manager_desk, 1, EMPTY_MONDAY, [], "n" * 81)
    assert _snapshot(manager_desk) == before


# -- closed days ---------------------------------------------------------------------------


def test_manager_closes_an_empty_day_and_opens_it_again(manager_desk: Desk) -> None:
    day = dt.date(2026, 12, 28)
    working_hours.close_day(manager_desk, day, " Staff   training ")
    assert working_hours.closed_day(manager_desk.db, day) == "Staff training"
    assert working_hours.day_hours(manager_desk.db, day) == {}
    upcoming = working_hours.list_closed_days(manager_desk, manager_desk.clock.business_date())
    assert [(c.day, c.reason) for c in upcoming][:3] == [
        (dt.date(2026, 11, 26), "Thanksgiving"),
        (dt.date(2026, 12, 25), "Christmas Day"),
        (day, "Staff training"),
    ]
    assert _last_audit(manager_desk)[:4] == (
        "day closed to bookings",
        "closed_days",
        None,
        "2026-12-28",
    )
    with pytest.raises(Conflict, match="already closed on Mon 12/28/2026"):
        working_hours.close_day(manager_desk, day, "Again")
    working_hours.reopen_day(manager_desk, day)
    assert working_hours.closed_day(manager_desk.db, day) is None
    assert _last_audit(manager_desk)[0] == "day reopened to bookings"
    with pytest.raises(NotFound, match="not closed on Mon 12/28/2026"):
        working_hours.reopen_day(manager_desk, day)


def test_a_day_with_appointments_booked_cannot_be_closed(manager_desk: Desk) -> None:
    before = _snapshot(manager_desk)
    with pytest.raises(Conflict, match=r"\d+ appointment\(s\) are booked on Wed 11/25/2026"):
        working_hours.close_day(manager_desk, BOOKED_WEDNESDAY, "Snow")
    with pytest.raises(Invalid, match="Enter the reason"):
        working_hours.close_day(manager_desk, EMPTY_MONDAY, "  ")
    with pytest.raises(BadTime, match="is over"):
        working_hours.close_day(manager_desk, dt.date(2026, 11, 23), "Too late")
    assert _snapshot(manager_desk) == before


# -- blocks --------------------------------------------------------------------------------


def test_a_lunch_block_is_stored_as_the_instants_of_that_wall_time(manager_desk: Desk) -> None:
    vargas = _id(manager_desk, "Dr Vargas")
    block = block_time.add_block_on(
        manager_desk,
        vargas,
        "lunch",
        EMPTY_MONDAY,
        start_minute=12 * H,
        end_minute=13 * H,
        note="Team lunch",
    )
    assert (block.starts_at, block.ends_at) == (
        "2026-12-21T18:00:00.000000Z",
        "2026-12-21T19:00:00.000000Z",
    )
    assert block_time.block_span(block, "America/Chicago") == "Mon 12/21 12:00pm-1:00pm"
    row = manager_desk.db.execute(
        "SELECT resource_id, kind, note, created_by FROM blocks WHERE id = ?", (block.id,)
    ).fetchone()
    assert row == (vargas, "lunch", "Team lunch", manager_desk.actor.staff_id)
    assert _last_audit(manager_desk)[:4] == (
        "block added",
        "blocks",
        block.id,
        f"lunch on resource {vargas}",
    )
    # A second lunch over it is refused; a meeting over lunch is not.
    with pytest.raises(Conflict, match="already has a lunch block then"):
        block_time.add_block_on(
            manager_desk, vargas, "lunch", EMPTY_MONDAY, start_minute=12 * H + 30, end_minute=14 * H
        )
    block_time.add_block_on(
        manager_desk, vargas, "meeting", EMPTY_MONDAY, start_minute=12 * H, end_minute=14 * H
    )


def test_a_vacation_blocks_whole_days_as_one_block(manager_desk: Desk) -> None:
    raman = _id(manager_desk, "Raman PA")
    block = block_time.add_block_on(
        manager_desk,
        raman,
        "vacation",
        EMPTY_MONDAY,
        last_day=dt.date(2026, 12, 23),
        note="Family trip",
    )
    assert (block.starts_at, block.ends_at) == (
        "2026-12-21T06:00:00.000000Z",
        "2026-12-24T06:00:00.000000Z",
    )
    assert block_time.block_span(block, "America/Chicago") == "Mon 12/21 - Wed 12/23"
    listed = block_time.upcoming_blocks(
        manager_desk, dt.date(2026, 12, 22), dt.date(2026, 12, 22), raman
    )
    assert [b.id for b in listed] == [block.id]
    assert (
        block_time.upcoming_blocks(
            manager_desk,
            dt.date(2026, 12, 22),
            dt.date(2026, 12, 22),
            _id(manager_desk, "Dr Vargas"),
        )
        == []
    )
    one = block_time.add_block_on(manager_desk, raman, "meeting", dt.date(2026, 12, 28))
    assert block_time.block_span(one, "America/Chicago") == "Mon 12/28 all day"


def test_a_block_over_booked_appointments_is_refused(manager_desk: Desk) -> None:
    vargas = _id(manager_desk, "Dr Vargas")
    before = _snapshot(manager_desk)
    with pytest.raises(Conflict, match=r"appointment\(s\) are booked on Dr. Elena Vargas"):
        block_time.add_block_on(
            manager_desk,
            vargas,
            "meeting",
            dt.date(2026, 12, 1),
            start_minute=8 * H,
            end_minute=17 * H,
        )
    with pytest.raises(Conflict, match=r"booked on Dr\. Elena Vargas"):
        block_time.add_block_on(
            manager_desk, vargas, "vacation", dt.date(2026, 12, 14), last_day=EMPTY_MONDAY
        )
    assert _snapshot(manager_desk) == before


@pytest.mark.parametrize(
    ("day", "extra", "error", "message"),
    [
        (EMPTY_MONDAY, {"start_minute": 13 * H, "end_minute": 12 * H}, BadTime, "end after"),
        (EMPTY_MONDAY, {"start_minute": 13 * H}, BadTime, "both times, or neither"),
        (
            EMPTY_MONDAY,
            {"start_minute": 9 * H, "end_minute": 10 * H, "last_day": dt.date(2026, 12, 22)},
            BadTime,
            "on one day",
        ),
        (EMPTY_MONDAY, {"last_day": dt.date(2026, 12, 20)}, BadTime, "last day comes before"),
        (EMPTY_MONDAY, {"last_day": dt.date(2027, 12, 21)}, BadTime, "at most 62 days"),
        (dt.date(2026, 11, 23), {}, BadTime, "already over"),
        (
            dt.date(2027, 3, 14),
            {"start_minute": 2 * H + 30, "end_minute": 3 * H + 30},
            BadTime,
            "does not exist",
        ),
        (
            dt.date(2027, 11, 7),
            {"start_minute": 1 * H + 30, "end_minute": 3 * H},
            BadTime,
            "happens twice",
        ),
        (EMPTY_MONDAY, {"note": "n" * 61}, Invalid, "at most 60 characters"),
    ],
)
def test_a_block_that_makes_no_sense_is_refused(
    manager_desk: Desk, day: dt.date, extra: dict, error: type, message: str
) -> None:
    before = _snapshot(manager_desk)
    with pytest.raises(error, match=message):
        block_time.add_block_on(
            manager_desk, _id(manager_desk, "Laser room"), "other", day, **extra
        )
    assert _snapshot(manager_desk) == before


def test_a_block_needs_a_known_kind_and_a_column_still_on_the_book(manager_desk: Desk) -> None:
    room = schedule.save_resource(manager_desk, name="Procedure room 2", kind="room")
    schedule.set_resource_active(manager_desk, room.id, False)
    before = _snapshot(manager_desk)
    with pytest.raises(Invalid, match="A block is one of"):
        block_time.add_block_on(manager_desk, room.id, "nap", EMPTY_MONDAY)
    with pytest.raises(Conflict, match="no longer on the book"):
        block_time.add_block_on(manager_desk, room.id, "other", EMPTY_MONDAY)
    with pytest.raises(NotFound):
        block_time.add_block_on(manager_desk, 9999, "other", EMPTY_MONDAY)
    assert _snapshot(manager_desk) == before


def test_removing_a_block_frees_the_time_and_keeps_the_row(manager_desk: Desk) -> None:
    vargas = _id(manager_desk, "Dr Vargas")
    block = block_time.add_block_on(
        manager_desk, vargas, "surgery", EMPTY_MONDAY, start_minute=8 * H, end_minute=10 * H
    )
    block_time.remove_block(manager_desk, block.id)
    assert block_time.upcoming_blocks(manager_desk, EMPTY_MONDAY, EMPTY_MONDAY, vargas) == []
    assert _count(manager_desk, "SELECT removed_by FROM blocks WHERE id = ?", block.id) == (
        manager_desk.actor.staff_id
    )
    assert _last_audit(manager_desk)[:3] == ("block removed", "blocks", block.id)
    with pytest.raises(NotFound, match="not on the book"):
        block_time.remove_block(manager_desk, block.id)


# -- appointment types ---------------------------------------------------------------------


def test_manager_adds_a_type_for_two_columns_named_by_heading(manager_desk: Desk) -> None:
    columns = schedule.resources_from_headings(manager_desk, "dr vargas,  Raman PA ,")
    assert columns == (_id(manager_desk, "Dr Vargas"), _id(manager_desk, "Raman PA"))
    added = visit_types.save_type(
        manager_desk,
        name="Wart treatment",
        minutes=15,
        colour="orange",
        default_fee_codes="17110",
        recall_months=2,
        resource_ids=columns,
    )
    assert (added.minutes, added.colour, added.cosmetic, added.recall_kind) == (
        15,
        "orange",
        False,
        "Wart treatment",
    )
    assert set(added.resource_ids) == set(columns)
    resources = schedule.list_resources(manager_desk)
    assert schedule.headings_text(resources, added.resource_ids) == "Dr Vargas, Raman PA"
    assert _last_audit(manager_desk)[:3] == (
        "appointment type added",
        "appointment_types",
        added.id,
    )
    # Edit: any column, no recall.
    changed = visit_types.save_type(
        manager_desk,
        name="Wart treatment",
        minutes=20,
        recall_months=None,
        recall_kind="ignored",
        type_id=added.id,
    )
    assert (changed.minutes, changed.resource_ids, changed.recall_kind) == (20, (), "")
    assert schedule.headings_text(resources, changed.resource_ids) == "any"
    assert _last_audit(manager_desk)[0] == "appointment type changed"


def test_an_unknown_column_heading_is_named_back(manager_desk: Desk) -> None:
    assert schedule.resources_from_headings(manager_desk, " any ") == ()
    with pytest.raises(Invalid, match="No column of the book is headed 'Dr Varga'"):
        schedule.resources_from_headings(manager_desk, "Laser room, Dr Varga")


def test_a_type_that_needs_a_room_is_limited_to_rooms(manager_desk: Desk) -> None:
    before = _snapshot(manager_desk)
    with pytest.raises(Invalid, match=r"Tattoo removal needs a room, and Dr\. Elena Vargas"):
        visit_types.save_type(
            manager_desk,
            name="Tattoo removal",
            minutes=30,
            needs_room=True,
            resource_ids=(_id(manager_desk, "Laser room"), _id(manager_desk, "Dr Vargas")),
        )
    assert _snapshot(manager_desk) == before
    saved = visit_types.save_type(
        manager_desk,
        name="Tattoo removal",
        minutes=30,
        needs_room=True,
        cosmetic=True,
        resource_ids=(_id(manager_desk, "Laser room"),),
    )
    assert saved.needs_room and saved.cosmetic


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"name": "FOLLOW-UP"}, Conflict, "already an appointment type named 'FOLLOW-UP'"),
        ({"name": ""}, Invalid, "Enter the type's name"),
        ({"minutes": 7}, Invalid, "steps of 5"),
        ({"minutes": 0}, Invalid, "5 to 480 minutes"),
        ({"minutes": 485}, Invalid, "5 to 480 minutes"),
        ({"colour": "magenta"}, Invalid, "Choose a colour"),
        ({"recall_months": 61}, Invalid, "1 to 60 months"),
        ({"default_fee_codes": "9" * 81}, Invalid, "at most 80 characters"),
        ({"resource_ids": (9999,)}, NotFound, "not in the book"),
        ({"type_id": 9999}, NotFound, "does not exist"),
    ],
)
def test_a_bad_appointment_type_is_refused_and_nothing_is_saved(
    manager_desk: Desk, changes: dict, error: type, message: str
) -> None:
    values = {"name": "Wart treatment", "minutes": 15} | changes
    before = _snapshot(manager_desk)
    with pytest.raises(error, match=message):
        visit_types.save_type(manager_desk, **values)
    assert _snapshot(manager_desk) == before


def test_a_type_is_retired_and_restored(manager_desk: Desk) -> None:
    peel = _type_id(manager_desk, "Chemical peel")
    assert not visit_types.set_type_active(manager_desk, peel, False).active
    assert peel not in [t.id for t in visit_types.list_types(manager_desk)]
    assert _last_audit(manager_desk)[:3] == (
        "appointment type retired",
        "appointment_types",
        peel,
    )
    with pytest.raises(Conflict, match="Chemical peel is already retired"):
        visit_types.set_type_active(manager_desk, peel, False)
    assert visit_types.set_type_active(manager_desk, peel, True).active
    assert _last_audit(manager_desk)[0] == "appointment type restored"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12/1", dt.date(2026, 12, 1)),  # next week
        ("1/5", dt.date(2027, 1, 5)),  # next January, not last
        ("11/23", dt.date(2026, 11, 23)),  # yesterday, not next year
        ("12/01/2027", dt.date(2027, 12, 1)),
    ],
)
def test_a_date_without_its_year_is_the_nearest_one(typed: str, expected: dt.date) -> None:
    assert schedule.read_date(typed, today=dt.date(2026, 11, 24)) == expected


@pytest.mark.parametrize("typed", ["13/1", "2/30", "2/29", "12/1/26", "12"])
def test_a_short_date_that_is_not_a_date_is_refused(typed: str) -> None:
    with pytest.raises(BadTime, match="is not a date"):
        schedule.read_date(typed, today=dt.date(2026, 11, 24))
    with pytest.raises(BadTime):
        schedule.read_date("12/1")  # without today, the year is needed
