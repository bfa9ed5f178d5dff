"""The flow board through the keys: today's patients by status, long waits marked, moving
a visit along (roomed, with provider, ready for check-out), who may check in, and other
workstations' changes showing up without repainting an idle board."""

from __future__ import annotations

from frontdesk.data.schema import open_database
from frontdesk.screens.check_in import CheckInScreen
from frontdesk.screens.flow_board import FlowBoardScreen
from frontdesk.services import appointment_status, visits
from frontdesk.services.book import STATUS_WORDS
from frontdesk.services.context import Desk
from tests.conftest import actor
from tests.functional.conftest import SIZE, db_value, screen_text, sign_in


async def open_board(pilot, username: str = "anguyen") -> FlowBoardScreen:
    """Sign in and press F4."""
    await sign_in(pilot, username)
    await pilot.press("f4")
    await pilot.pause()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, FlowBoardScreen)
    return screen


async def highlight(pilot, screen: FlowBoardScreen, appointment_id: int) -> None:
    """Move the cursor to an appointment's row the way a person does: `n` to its status
    group, then down."""
    table = screen.query_one("#fb-table")
    target = [row.appointment_id for row in screen.shown].index(appointment_id)
    group = _group_of(screen.shown[target].status)
    for _ in visits.FLOW_STATUSES:
        if _group_of(screen.shown[table.cursor_row].status) == group:
            break
        await pilot.press("n")
    row = table.cursor_row
    await pilot.press(*["down"] * (target - row))
    await pilot.pause()
    assert screen.shown[screen.query_one("#fb-table").cursor_row].appointment_id == appointment_id


def shows(app, message: str) -> bool:
    """Whether the screen shows `message`, word by word in order (a notification laid over
    a table interleaves with the rows behind it)."""
    words = iter(screen_text(app).split())
    return all(any(word == seen for seen in words) for word in message.split())


def _group_of(status: str) -> str:
    return next(label for label, statuses in visits.FLOW_STATUSES if status in statuses)


def arrived_today(app) -> list[int]:
    """Today's patients marked arrived by the demo (waiting since 9:30), in book order."""
    desk = app.desk.signed_in(actor(app.desk, "anguyen"))
    return [r.appointment_id for r in visits.flow_board(desk) if r.status == "arrived"]


def _status(app, appointment_id: int) -> str:
    return db_value(app, "SELECT status FROM appointments WHERE id = ?", appointment_id)


async def test_the_board_shows_todays_patients_grouped_by_status_with_counts(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_board(pilot)
        board = visits.flow_board(console.desk)
        text = screen_text(console)
        counts = " · ".join(
            f"{label} {sum(1 for r in board if r.status in statuses)}"
            for label, statuses in visits.FLOW_STATUSES
        )
        assert counts in text
        assert "Time Patient Column Type Status Min Wait" in text
        # Grouped in the order a visit moves; within a group, the book's order.
        order = [label for label, _ in visits.FLOW_STATUSES]
        groups = [order.index(_group_of(row.status)) for row in screen.shown]
        assert groups == sorted(groups)
        assert sorted(r.appointment_id for r in screen.shown) == sorted(
            r.appointment_id for r in board
        )
        first = screen.shown[0]
        assert first.status in ("booked", "confirmed")
        assert f"{first.patient_name} #{first.account_no}" in text  # the detail line


async def test_a_wait_over_the_alert_minutes_is_marked(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_board(pilot)
        desk = console.desk.signed_in(actor(console.desk, "anguyen"))
        # The demo's first arrived patient came in 10 minutes ago; the alert is at 20.
        first = next(r for r in visits.flow_board(desk) if r.status == "arrived")
        assert first.wait_minutes == 10 and not first.over_threshold
        already = sum(r.over_threshold for r in visits.flow_board(desk))
        await highlight(pilot, screen, first.appointment_id)
        assert f"! {already} waiting over 20 min" in screen_text(console)
        assert "!" not in str(screen.query_one("#fb-table").get_row(str(first.appointment_id))[6])
        console.clock.advance(minutes=35)
        await pilot.press("a")
        await pilot.pause()
        text = screen_text(console)
        over = sum(r.over_threshold for r in visits.flow_board(desk))
        assert over > already
        assert f"! {over} waiting over 20 min" in text
        assert "arrived 45 !45" in text  # minutes in status, then the marked wait
        assert "wait 45!" in text
        wait = screen.query_one("#fb-table").get_row(str(first.appointment_id))[6]
        assert str(wait) == "!45" and console.current_theme.error in str(wait.style)


async def test_r_p_o_move_the_highlighted_patient_along(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_board(pilot, "hschultz")  # clinical staff move visits along
        patient = arrived_today(console)[0]
        await highlight(pilot, screen, patient)
        for key, status in (("r", "roomed"), ("p", "with_provider"), ("o", "ready_checkout")):
            await pilot.press(key)
            await pilot.pause()
            assert _status(console, patient) == status
            # The cursor goes with the patient to their new group.
            row = screen.shown[screen.query_one("#fb-table").cursor_row]
            assert (row.appointment_id, row.status) == (patient, status)
        text = screen_text(console)
        assert "ready c/o" in text and "ready for check-out 1" in text
        assert console.db.execute(
            "SELECT e.to_status, s.username FROM appointment_events e"
            " JOIN staff s ON s.id = e.staff_id WHERE e.appointment_id = ? ORDER BY e.id",
            (patient,),
        ).fetchall()[-3:] == [
            ("roomed", "hschultz"),
            ("with_provider", "hschultz"),
            ("ready_checkout", "hschultz"),
        ]


async def test_a_move_the_book_does_not_allow_is_refused(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_board(pilot)
        first = screen.shown[0]  # scheduled: not in the office yet
        await pilot.press("r")
        await pilot.pause()
        words = STATUS_WORDS[first.status]
        assert shows(console, f"This appointment is marked {words}; it cannot be marked roomed.")
        assert _status(console, first.appointment_id) == first.status


async def test_clinical_staff_cannot_check_in_or_out(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_board(pilot, "hschultz")
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(console.screen, FlowBoardScreen)
        assert shows(console, "Your role (clinical) cannot check patients in.")
        await highlight(pilot, screen, arrived_today(console)[0])
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(console.screen, FlowBoardScreen)
        assert shows(console, "Your role (clinical) cannot check patients out.")


async def test_i_opens_check_in_and_c_only_takes_a_patient_in_the_office(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_board(pilot)
        first = screen.shown[0]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(console.screen, FlowBoardScreen)
        assert shows(console, "only a patient who is in the office is checked out.")
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(console.screen, CheckInScreen)
        assert console.screen.appointment_id == first.appointment_id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(console.screen, FlowBoardScreen)


async def test_another_workstations_change_shows_up_and_an_idle_board_reads_nothing(
    console, practice_path, monkeypatch
) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_board(pilot)
        patient = arrived_today(console)[0]
        reads = []
        real = visits.flow_board
        monkeypatch.setattr(
            "frontdesk.screens.flow_board.visits.flow_board",
            lambda desk: reads.append(1) or real(desk),
        )
        screen.poll()  # the 30-second timer, with nothing new: no read, no repaint
        assert reads == []
        other_db = open_database(practice_path)
        try:
            other = Desk(db=other_db, clock=console.clock, workstation="BACK-2")
            appointment_status.set_status(
                other.signed_in(actor(other, "lortega")), patient, "roomed"
            )
        finally:
            other_db.close()
        screen.poll()
        await pilot.pause()
        assert reads == [1]
        assert next(r for r in screen.shown if r.appointment_id == patient).status == "roomed"
        assert "roomed 3" in screen_text(console)  # two from the demo, one from BACK-2
        await pilot.press("f1")  # covered by help: the timer reads nothing
        await pilot.pause()
        console.clock.advance(minutes=5)
        screen.poll()
        assert reads == [1]
