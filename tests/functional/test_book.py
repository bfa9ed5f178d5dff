"""The appointment book through the keys: open, move, book, move an appointment, cancel,
overrides, other sessions' bookings, the week view."""

from __future__ import annotations

import datetime as dt

from frontdesk.data.schema import open_database
from frontdesk.screens.book import BookScreen
from frontdesk.services import appointments, openings
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, actor
from tests.functional.conftest import SIZE, db_value, screen_text, sign_in

WIDE = (120, 40)


def _resource(app, short: str) -> int:
    return db_value(app, "SELECT id FROM resources WHERE short_name = ?", short)


def _type(app, name: str) -> int:
    return db_value(app, "SELECT id FROM appointment_types WHERE name = ?", name)


async def _open_book(pilot, username: str = "anguyen") -> BookScreen:
    await sign_in(pilot, username)
    await pilot.press("f2")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, BookScreen)
    return screen


async def _go_to(pilot, day: dt.date) -> None:
    await pilot.press("g", "ctrl+u", *f"{day:%m/%d/%Y}", "enter")
    await pilot.pause()


async def _cursor_to(pilot, screen: BookScreen, short: str, minute: int) -> None:
    """Move the cursor with the arrow keys to a column heading and a time."""
    grid = screen.grid
    target = next(n for n, c in enumerate(grid.model.columns) if c.title == short)
    row = grid.row_for(minute)
    keys = ["right" if target > grid.column else "left"] * abs(target - grid.column)
    keys += ["down" if row > grid.row else "up"] * abs(row - grid.row)
    await pilot.press(*keys)
    await pilot.pause()
    assert (grid.column, grid.row) == (target, row)


def _free_slot(desk: Desk, type_name: str, short: str, since: dt.date):
    type_id = desk.db.execute(
        "SELECT id FROM appointment_types WHERE name = ?", (type_name,)
    ).fetchone()[0]
    resource_id = desk.db.execute(
        "SELECT id FROM resources WHERE short_name = ?", (short,)
    ).fetchone()[0]
    opening = openings.find_openings(desk, type_id, resource_id=resource_id, since=since)[0]
    local = desk.clock.local(opening.starts_at)
    return local.date(), local.hour * 60 + local.minute


async def test_book_opens_on_today_with_its_columns_and_appointments(console):
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        text = screen_text(console)
        (count,) = console.db.execute(
            "SELECT count(*) FROM appointments WHERE starts_at >= '2026-11-24T06:00'"
            " AND starts_at < '2026-11-25T06:00' AND status NOT IN ('cancelled', 'no_show')"
        ).fetchone()
        assert f"Tuesday 11/24/2026 · {count} appointments" in text
        for heading in ("Dr Vargas", "Dr O'Connor", "Raman PA", "Lindqvist NP", "Laser room"):
            assert heading in text
        assert "Lunch" in text
        # The cursor starts at the current time (09:30 at the practice).
        assert screen.grid.current_minute == 9 * 60 + 30
        assert screen.grid.current_column.title == "Dr Vargas"


async def test_page_down_and_today_change_the_day(console):
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _open_book(pilot)
        await pilot.press("pagedown")
        await pilot.pause()
        assert "Wednesday 11/25/2026" in screen_text(console)
        await pilot.press("pagedown")
        await pilot.pause()
        assert "CLOSED: Thanksgiving" in screen_text(console)
        await pilot.press("t")
        await pilot.pause()
        assert "Tuesday 11/24/2026" in screen_text(console)


async def test_more_columns_than_fit_scroll_sideways_at_80_columns(console):
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        assert "Injectables" not in screen_text(console)
        await pilot.press(*["right"] * 5)
        await pilot.pause()
        assert screen.grid.current_column.title == "Injectables"
        assert "Injectables" in screen_text(console)


async def test_booking_a_free_slot_through_the_keys(console, desk):
    day, minute = _free_slot(
        desk.signed_in(actor(desk, "anguyen")), "Follow-up", "Dr Vargas", dt.date(2026, 12, 7)
    )
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await _go_to(pilot, day)
        await _cursor_to(pilot, screen, "Dr Vargas", minute)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"100010", "enter")  # an account number: one patient
        await pilot.pause()
        name = db_value(
            console,
            "SELECT last_name || ', ' || first_name FROM patients WHERE account_no = ?",
            "100010",
        )
        assert f"Patient: {name}" in screen_text(console)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, BookScreen)
        row = console.db.execute(
            "SELECT a.status, s.username, a.workstation, p.account_no, a.resource_id,"
            " a.starts_at FROM appointments a JOIN patients p ON p.id = a.patient_id"
            " JOIN staff s ON s.id = a.booked_by ORDER BY a.id DESC"
        ).fetchone()
        assert row[:4] == ("booked", "anguyen", "FRONT-1", "100010")
        assert row[4] == _resource(console, "Dr Vargas")
        local = console.clock.local(row[5])
        assert (local.date(), local.hour * 60 + local.minute) == (day, minute)
        assert "Booked " in screen_text(console)


async def test_moving_an_appointment_cancels_the_old_as_rescheduled(console, desk):
    booker = desk.signed_in(actor(desk, "anguyen"))
    day, minute = _free_slot(booker, "Follow-up", "Raman PA", dt.date(2026, 12, 8))
    first = appointments.book(
        booker,
        appointments.Booking(
            patient_id=5,
            resource_id=_resource(console, "Raman PA"),
            type_id=_type(console, "Follow-up"),
            day=day,
            start_minute=minute,
        ),
    )
    later_day, later_minute = _free_slot(booker, "Follow-up", "Raman PA", dt.date(2026, 12, 10))
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await _go_to(pilot, day)
        await _cursor_to(pilot, screen, "Raman PA", minute)
        assert screen.grid.current_appointment.id == first.id
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("ctrl+u", *f"{later_minute // 60}:{later_minute % 60:02d}")
        await pilot.press("shift+tab", "ctrl+u", *f"{later_day:%m/%d/%Y}")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # The freed slot is offered to the waitlist (a follow-up with Raman PA fits it).
        assert "On the waitlist for it" in screen_text(console)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(console.screen, BookScreen), screen_text(console)
    old = console.db.execute(
        "SELECT status, cancel_reason FROM appointments WHERE id = ?", (first.id,)
    ).fetchone()
    assert old == ("cancelled", "rescheduled")
    new = console.db.execute(
        "SELECT starts_at, status FROM appointments WHERE rescheduled_from = ?", (first.id,)
    ).fetchone()
    assert new[1] == "booked"
    assert desk.clock.local(new[0]).date() == later_day


async def test_cancelling_with_a_reason_keeps_the_appointment_and_its_history(console):
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await pilot.press("pagedown")  # tomorrow: nobody has arrived yet
        await pilot.pause()
        grid = screen.grid
        while grid.current_appointment is None or grid.current_appointment.status not in (
            "booked",
            "confirmed",
        ):
            await pilot.press("down")
        target = grid.current_appointment
        await pilot.press("x")
        await pilot.pause()
        assert "Cancel appointment" in screen_text(console)
        await pilot.press("down", "down", "enter")  # open the reasons, take Late cancel
        await pilot.pause()
        await pilot.press("tab", *"called at 8", "enter")
        await pilot.pause()
    row = console.db.execute(
        "SELECT status, cancel_reason FROM appointments WHERE id = ?", (target.id,)
    ).fetchone()
    assert row == ("cancelled", "late_cancel")
    event = console.db.execute(
        "SELECT to_status, reason FROM appointment_events WHERE appointment_id = ?"
        " ORDER BY id DESC",
        (target.id,),
    ).fetchone()
    assert event == ("cancelled", "late cancel: called at 8")


async def test_receptionist_needs_a_managers_pin_to_book_outside_hours(console):
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await _go_to(pilot, dt.date(2026, 12, 9))  # Wednesday: Dr Vargas works mornings
        await _cursor_to(pilot, screen, "Dr Vargas", 15 * 60)
        assert "outside working hours" in screen_text(console)
        before = db_value(console, "SELECT count(*) FROM appointments")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"100010", "enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Manager override" in screen_text(console)
        assert "outside Dr. Elena Vargas's hours" in screen_text(console)
        await pilot.press(*"Post-op check", "enter", *"dokafor", "enter", *"1111", "enter")
        await pilot.pause()
        assert "Wrong manager username or PIN" in screen_text(console)
        assert db_value(console, "SELECT count(*) FROM appointments") == before
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert isinstance(console.screen, BookScreen), screen_text(console)
    reason = db_value(console, "SELECT override_reason FROM appointments ORDER BY id DESC")
    assert reason == "Post-op check (by dokafor)"


async def test_slot_taken_in_another_session_is_refused_and_shown(console, practice_path):
    other_db = open_database(practice_path)
    other = Desk(db=other_db, clock=FakeClock(), workstation="FRONT-2")
    other = other.signed_in(actor(other, "mbell"))
    day, minute = _free_slot(other, "Biopsy", "Lindqvist NP", dt.date(2026, 12, 11))
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await _go_to(pilot, day)
        await _cursor_to(pilot, screen, "Lindqvist NP", minute)
        assert screen.grid.current_appointment is None
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"100011", "enter")
        await pilot.pause()
        # Meanwhile, at the other desk:
        taken = appointments.book(
            other,
            appointments.Booking(
                patient_id=3,
                resource_id=_resource(console, "Lindqvist NP"),
                type_id=_type(console, "Biopsy"),
                day=day,
                start_minute=minute,
            ),
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "That slot is taken" in screen_text(console)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.grid.current_appointment.id == taken.id
    other_db.close()
    on_the_slot = console.db.execute(
        "SELECT patient_id FROM appointments WHERE starts_at = ? AND resource_id = ?",
        (taken.starts_at, taken.resource_id),
    ).fetchall()
    assert on_the_slot == [(3,)]


async def test_another_sessions_booking_appears_without_a_key(console, practice_path):
    other_db = open_database(practice_path)
    other = Desk(db=other_db, clock=FakeClock(), workstation="FRONT-2")
    other = other.signed_in(actor(other, "mbell"))
    day, minute = _free_slot(other, "Follow-up", "Dr Vargas", dt.date(2026, 11, 25))
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await _go_to(pilot, day)
        await _cursor_to(pilot, screen, "Dr Vargas", minute)
        assert screen.grid.current_appointment is None
        appointments.book(
            other,
            appointments.Booking(
                patient_id=3,
                resource_id=_resource(console, "Dr Vargas"),
                type_id=_type(console, "Follow-up"),
                day=day,
                start_minute=minute,
            ),
        )
        screen._poll()  # what the two-second timer does
        await pilot.pause()
        assert screen.grid.current_appointment is not None
        # Nothing new: the book is not read again, and the grid is not repainted.
        reloads, refreshes = [], []
        screen.reload = lambda **kw: reloads.append(kw)
        screen.grid.refresh = lambda *a, **kw: refreshes.append(a)
        screen._poll()
        assert reloads == [] and refreshes == []
    other_db.close()


async def test_week_view_shows_seven_days_of_one_column(console):
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await pilot.press("right", "w")
        await pilot.pause()
        text = screen_text(console)
        assert "Dr. James O'Connor · week of Mon 11/23/2026" in text
        assert [c.title for c in screen.grid.model.columns][:2] == ["Mon 11/23", "Tue 11/24"]
        assert screen.grid.current_column.day == dt.date(2026, 11, 24)
        await pilot.press("pagedown")
        await pilot.pause()
        assert "week of Mon 11/30/2026" in screen_text(console)
        await pilot.press("w")
        await pilot.pause()
        assert "Tuesday 12/01/2026" in screen_text(console)
        assert screen.grid.current_column.title == "Dr O'Connor"


async def test_the_waitlist_opens_over_the_book_which_keeps_its_day(console):
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await pilot.press("pagedown", "down", "down")
        await pilot.pause()
        row = screen.grid.row
        await pilot.press("l")
        await pilot.pause()
        assert "Waitlist" in screen_text(console)
        await pilot.press("escape")
        await pilot.pause()
        assert console.screen is screen
        assert "Wednesday 11/25/2026" in screen_text(console)
        assert screen.grid.row == row


async def test_a_slot_rebooked_after_a_no_show_opens_the_new_booking(console, desk):
    manager = desk.signed_in(actor(desk, "dokafor"))
    no_show = console.db.execute(
        "SELECT a.id, a.starts_at, r.short_name, a.resource_id, a.type_id FROM appointments a"
        " JOIN resources r ON r.id = a.resource_id WHERE a.status = 'no_show'"
        " AND a.starts_at < '2026-11-24' AND a.type_id IN (SELECT id FROM appointment_types"
        " WHERE name = 'Biopsy') ORDER BY a.starts_at DESC"
    ).fetchone()
    local = desk.clock.local(no_show[1])
    minute = local.hour * 60 + local.minute
    rebooked = appointments.book(
        manager,
        appointments.Booking(
            patient_id=7,
            resource_id=no_show[3],
            type_id=no_show[4],
            day=local.date(),
            start_minute=minute,
        ),
        override=appointments.Override(reason="Walk-in after a no-show"),
        same_patient_ok=True,
    )
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await _go_to(pilot, local.date())
        await _cursor_to(pilot, screen, no_show[2], minute)
        assert screen.grid.current_appointment.id == rebooked.id
        assert "double-booked" not in screen_text(console)


async def test_the_menu_on_an_appointment_confirms_and_undoes(console):
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await pilot.press("pagedown")
        await pilot.pause()
        grid = screen.grid
        while grid.current_appointment is None or grid.current_appointment.status != "booked":
            await pilot.press("down")
        target = grid.current_appointment.id
        await pilot.press("enter")
        await pilot.pause()
        assert "Confirm (c)" in screen_text(console)
        await pilot.press("c")
        await pilot.pause()
        await pilot.pause()
        assert db_value(console, "SELECT status FROM appointments WHERE id = ?", target) == (
            "confirmed"
        )
        await pilot.press("enter", "u")
        await pilot.pause()
        await pilot.pause()
        assert db_value(console, "SELECT status FROM appointments WHERE id = ?", target) == "booked"
        assert isinstance(console.screen, BookScreen)


async def test_s_steps_through_the_patients_of_a_double_booked_slot(console):
    (starts_at, resource_id) = console.db.execute(
        "SELECT starts_at, resource_id FROM appointments WHERE double_booked = 1"
        " AND starts_at > '2026-11-25T06:00' AND status IN ('booked', 'confirmed')"
        " ORDER BY starts_at"
    ).fetchone()
    both = {
        row[0]
        for row in console.db.execute(
            "SELECT id FROM appointments WHERE starts_at = ? AND resource_id = ?"
            " AND status IN ('booked', 'confirmed')",
            (starts_at, resource_id),
        )
    }
    short = db_value(console, "SELECT short_name FROM resources WHERE id = ?", resource_id)
    local = console.clock.local(starts_at)
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await _go_to(pilot, local.date())
        await _cursor_to(pilot, screen, short, local.hour * 60 + local.minute)
        assert "double-booked (s: next)" in screen_text(console)
        first = screen.grid.current_appointment.id
        await pilot.press("s")
        await pilot.pause()
        second = screen.grid.current_appointment.id
        assert {first, second} == both


async def test_the_books_clock_catches_up_after_another_screen_covered_it(console, clock):
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _open_book(pilot)
        assert "09:30" in screen_text(console)
        await pilot.press("l")
        await pilot.pause()
        clock.advance(minutes=7)  # the book's header was covered at the minute's turn
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, BookScreen)
        assert "09:37" in screen_text(console)


async def test_a_new_caller_is_registered_from_the_booking_form_and_booked(console, desk):
    day, minute = _free_slot(
        desk.signed_in(actor(desk, "anguyen")),
        "New patient visit",
        "Raman PA",
        dt.date(2026, 12, 9),
    )
    async with console.run_test(size=WIDE, notifications=True) as pilot:
        screen = await _open_book(pilot)
        await _go_to(pilot, day)
        await _cursor_to(pilot, screen, "Raman PA", minute)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"Zaïre", "enter", "enter", *"Ngata-Brown", "enter", "enter")
        await pilot.press("tab", *"02/29/1996", "enter", *"(312) 555-0199")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert "Patient: Ngata-Brown, Zaïre" in screen_text(console), screen_text(console)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, BookScreen), screen_text(console)
    row = console.db.execute(
        "SELECT p.last_name, p.dob, a.status, a.resource_id FROM appointments a"
        " JOIN patients p ON p.id = a.patient_id ORDER BY a.id DESC"
    ).fetchone()
    assert row == ("Ngata-Brown", "1996-02-29", "booked", _resource(console, "Raman PA"))


async def test_go_to_takes_a_date_without_its_year(console):
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _open_book(pilot)
        await pilot.press("g", "ctrl+u", *"12/1", "enter")
        await pilot.pause()
        assert "Tuesday 12/01/2026" in screen_text(console)
        await pilot.press("g", "ctrl+u", *"1/5", "enter")
        await pilot.pause()
        assert "Tuesday 01/05/2027" in screen_text(console)
