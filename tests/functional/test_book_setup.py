"""Book setup through the keys (manager): a new room and its Tuesday hours, a block, a
closed day, a day's own hours, an appointment type; refusals shown, nothing saved.

The demo practice at Tue 2026-11-24 09:30 Chicago; 12/21 on has no appointments.
"""

from textual import events

from frontdesk.screens.book_setup import BookSetupScreen
from frontdesk.screens.book_setup_pane import SetupForm
from frontdesk.services import schedule
from frontdesk.widgets.dialogs import ConfirmDialog

from .conftest import SIZE, db_value, screen_text, sign_in


async def _book_setup(pilot, console) -> None:
    """The manager signed in (as the login screen does it; typing the password is
    tested elsewhere), F8, and Book setup opened from the manager's menu."""
    await pilot.pause()
    console.sign_in("dokafor", "frontdesk")
    await pilot.pause()
    await pilot.press("f8")
    await pilot.pause()
    places = console.screen.query_one("#manager-places")
    places.highlighted = places.get_option_index("book_setup")
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(console.screen, BookSetupScreen)


async def _type(pilot, *fields: str) -> None:
    """Type each value into a field, Tab between them (an empty string skips a field)."""
    for index, text in enumerate(fields):
        if index:
            await pilot.press("tab")
        if text:
            await pilot.press(*text)


async def _select_row(pilot, console, table_id: str, first_cell: str) -> None:
    table = console.screen.query_one(f"#{table_id}")
    for index, row_key in enumerate(table.rows):
        if str(table.get_row(row_key)[0]) == first_cell:
            table.move_cursor(row=index)
    await pilot.pause()


def _form_error(console) -> str:
    return str(console.screen.query_one("#bs-form-error").render())


def _rows(console, table_id: str) -> list[str]:
    """The rows of a table as the screen shows them, cells joined by single spaces."""
    table = console.screen.query_one(f"#{table_id}")
    return [" ".join(str(cell) for cell in table.get_row(key)) for key in table.rows]


async def test_manager_adds_a_room_through_the_keys(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _book_setup(pilot, console)
        assert "Dr Vargas Dr. Elena Vargas provider Elena Vargas yes" in screen_text(console)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(console.screen, SetupForm)
        # Name, heading (blank: the name), kind: open the list, down to "room", take it;
        # login (not linked), order.
        await pilot.press(*"Room 7", "tab", "tab", "down", "down", "enter")
        await pilot.press("tab", "tab", "7", "enter")
        await pilot.pause()
        assert isinstance(console.screen, BookSetupScreen)
        text = screen_text(console)
        assert "7 Room 7 Room 7 room yes" in text
        assert "Added Room 7." in text
        assert console.db.execute(
            "SELECT short_name, kind, staff_id, sort_order, active FROM resources"
            " WHERE name = 'Room 7'"
        ).fetchone() == ("Room 7", "room", None, 7, 1)


async def test_manager_sets_a_new_rooms_tuesday_hours(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        console.sign_in("dokafor", "frontdesk")
        room = schedule.save_resource(console.desk, name="Room 7", kind="room", sort_order=7)
        await _book_setup(pilot, console)
        # The new column is last; Enter goes to its week, down to Tuesday, e edits it.
        await pilot.press("2", "end", "enter", "down", "e")
        await pilot.pause()
        assert "Room 7: Tuesday hours" in screen_text(console)
        await pilot.press(*"9-8", "enter")
        await pilot.pause()
        assert _form_error(console) == "'9-8' ends before it starts."
        assert (
            db_value(console, "SELECT count(*) FROM resource_hours WHERE resource_id = ?", room.id)
            == 0
        )
        await pilot.press("ctrl+u", *"8-12,1-5", "enter")
        await pilot.pause()
        assert isinstance(console.screen, BookSetupScreen)
        assert _rows(console, "bs-hours-table")[:3] == [
            "Monday off",
            "Tuesday 8:00am-12:00pm, 1:00pm-5:00pm",
            "Wednesday off",
        ]
        assert "Saved Room 7's Tuesday hours." in screen_text(console)
        assert console.db.execute(
            "SELECT weekday, start_minute, end_minute FROM resource_hours WHERE resource_id = ?"
            " ORDER BY start_minute",
            (room.id,),
        ).fetchall() == [(1, 480, 720), (1, 780, 1020)]
        assert (
            db_value(
                console,
                "SELECT summary FROM audit_log WHERE action = 'hours changed' ORDER BY id DESC",
            )
            == "Tuesday: 8:00am-12:00pm, 1:00pm-5:00pm"
        )


async def test_manager_blocks_a_lunch_and_a_booked_stretch_is_refused(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _book_setup(pilot, console)
        blocks = db_value(console, "SELECT count(*) FROM blocks")
        await pilot.press("5", "a")
        await pilot.pause()
        # Column (Dr Vargas), kind (lunch), first day, last day (blank), from, to, note.
        await pilot.press("tab", "tab", *"12/01/2026", "tab", "tab", "8", "tab", "5", "ctrl+s")
        await pilot.pause()
        assert "appointment(s) are booked on Dr. Elena Vargas in that time" in _form_error(console)
        assert db_value(console, "SELECT count(*) FROM blocks") == blocks
        # A time that never happens that day (the clocks jump forward) is refused too.
        date = console.screen.query_one("#bs-block-date")
        date.value = "03/14/2027"
        console.screen.query_one("#bs-block-from").value = "2:30am"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "02:30 does not exist on Sun 14 Mar 2027" in _form_error(console)
        date.value = "12/21/2026"
        console.screen.query_one("#bs-block-from").value = "12"
        console.screen.query_one("#bs-block-to").value = "1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, BookSetupScreen)
        assert "Mon 12/21 12:00pm-1:00pm Dr Vargas lunch " in _rows(console, "bs-blocks-table")
        assert "Blocked Mon 12/21 12:00pm-1:00pm" in screen_text(console)
        assert console.db.execute(
            "SELECT kind, starts_at, ends_at FROM blocks ORDER BY id DESC LIMIT 1"
        ).fetchone() == ("lunch", "2026-12-21T18:00:00.000000Z", "2026-12-21T19:00:00.000000Z")


async def test_manager_removes_a_vacation_day_and_it_can_be_booked_again(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _book_setup(pilot, console)
        await pilot.press("5")
        await pilot.pause()
        await _select_row(pilot, console, "bs-blocks-table", "Mon 12/07 all day")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(console.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert "Mon 12/07 all day Lindqvist NP vacation Vacation" not in _rows(
            console, "bs-blocks-table"
        )
        assert "Removed the vacation block" in screen_text(console)
        assert (
            db_value(
                console,
                "SELECT count(*) FROM blocks WHERE kind = 'vacation' AND removed_at IS NULL"
                " AND starts_at = '2026-12-07T06:00:00.000000Z'",
            )
            == 0
        )


async def test_manager_closes_a_day_and_a_booked_day_is_refused(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _book_setup(pilot, console)
        await pilot.press("4", "a")
        await pilot.pause()
        await pilot.press(*"11/25/2026", "tab", *"Snow", "enter")
        await pilot.pause()
        assert "appointment(s) are booked on Wed 11/25/2026; move or cancel them first." in (
            _form_error(console)
        )
        assert db_value(console, "SELECT count(*) FROM closed_days WHERE day = '2026-11-25'") == 0
        console.screen.query_one("#bs-close-date").value = "12/28/2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Mon 12/28/2026 Snow" in _rows(console, "bs-closed-table")
        assert "The practice is closed on Mon 12/28/2026." in screen_text(console)
        assert db_value(console, "SELECT reason FROM closed_days WHERE day = '2026-12-28'") == (
            "Snow"
        )


async def test_manager_reopens_christmas_day(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _book_setup(pilot, console)
        await pilot.press("4")
        await pilot.pause()
        await _select_row(pilot, console, "bs-closed-table", "Fri 12/25/2026")
        await pilot.press("d", "y")
        await pilot.pause()
        assert "Fri 12/25/2026 Christmas Day" not in _rows(console, "bs-closed-table")
        assert "The practice is open on Fri 12/25/2026." in screen_text(console)
        assert db_value(console, "SELECT count(*) FROM closed_days WHERE day = '2026-12-25'") == 0


async def test_a_day_off_for_one_provider_is_set_and_listed(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _book_setup(pilot, console)
        await pilot.press("3", "a")
        await pilot.pause()
        # Column (first: Dr Vargas), date, hours ("off" kept), note.
        await pilot.press("tab")
        await _type(pilot, "12/21/2026", "", "CME")
        await pilot.press("enter")
        await pilot.pause()
        assert _rows(console, "bs-days-table") == ["Mon 12/21/2026 Dr Vargas off CME"]
        assert "Saved the day's hours." in screen_text(console)
        assert console.db.execute(
            "SELECT day, start_minute, end_minute, note FROM hours_exceptions"
        ).fetchall() == [("2026-12-21", None, None, "CME")]


async def test_taking_off_a_provider_with_appointments_to_come_says_why(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _book_setup(pilot, console)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(console.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert "appointment(s) still to come; move or cancel them first." in screen_text(console)
        assert db_value(console, "SELECT active FROM resources WHERE short_name = 'Dr Vargas'")


async def test_a_room_type_named_for_a_provider_is_refused_then_saved_for_a_room(
    console,
) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _book_setup(pilot, console)
        types = db_value(console, "SELECT count(*) FROM appointment_types")
        await pilot.press("6", "a")
        await pilot.pause()
        # Name and minutes typed; cosmetic and "needs a room" chosen; columns named.
        await pilot.press(*"Tattoo", "tab", *"30")
        console.screen.query_one("#bs-type-cosmetic").value = True
        console.screen.query_one("#bs-type-room").value = True
        console.screen.query_one("#bs-type-columns").value = "Dr Vargas"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Tattoo needs a room, and Dr. Elena Vargas is not a room." in (_form_error(console))
        assert db_value(console, "SELECT count(*) FROM appointment_types") == types
        console.screen.query_one("#bs-type-columns").value = "laser room"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, BookSetupScreen)
        assert "Tattoo 30 blue cosmetic room   yes Laser room" in _rows(console, "bs-types-table")
        assert "Added Tattoo." in screen_text(console)
        row = console.db.execute(
            "SELECT t.minutes, t.cosmetic, t.needs_room, r.short_name FROM appointment_types t"
            " JOIN appointment_type_resources a ON a.type_id = t.id"
            " JOIN resources r ON r.id = a.resource_id WHERE t.name = 'Tattoo'"
        ).fetchall()
        assert row == [(30, 1, 1, "Laser room")]


async def test_a_receptionist_cannot_open_book_setup(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        console.open_place("book_setup")
        await pilot.pause()
        assert not isinstance(console.screen, BookSetupScreen)
        assert "Book setup needs a manager's login." in screen_text(console)


async def test_a_burst_of_keys_tabbing_past_the_choices_lands_in_the_right_fields(
    console,
) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await _book_setup(pilot, console)
        await pilot.press("5", "a")
        await pilot.pause()
        # Column and kind kept with Tab, then date, (last day), from, to, note: one burst,
        # as a slow SSH link delivers it.
        for key in ["tab", "tab", *"12/29/2026", "tab", "tab", *"2", "tab", *"3", "tab", *"Rep"]:
            console.post_message(events.Key(key, "\t" if key == "tab" else key))
        for _ in range(8):
            await pilot.pause()
        assert [
            console.screen.query_one(f"#bs-block-{name}").value
            for name in ("column", "kind", "date", "last", "from", "to", "note")
        ] == [
            db_value(console, "SELECT id FROM resources WHERE short_name = 'Dr Vargas'"),
            "lunch",
            "12/29/2026",
            "",
            "2",
            "3",
            "Rep",
        ]
