"""The waitlist and recalls through the keys: add to the waitlist, take one off, book one;
a recall's contact attempt, closing one, months, booking, and the recall cards file."""

from __future__ import annotations

import csv

from frontdesk.screens.recalls import AttemptForm, RecallsScreen
from frontdesk.screens.waitlist import WaitlistForm, WaitlistScreen
from frontdesk.widgets.dialogs import AskDialog
from tests.functional.conftest import SIZE, db_value, screen_text, sign_in


async def _open(pilot, console, screen) -> None:
    await sign_in(pilot, "anguyen")
    await console.push_screen(screen)
    await pilot.pause()


# -- waitlist --------------------------------------------------------------------------


async def test_the_book_opens_the_waitlist(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "mbell")
        console.open_place("waitlist")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, WaitlistScreen)
        text = screen_text(console)
        assert "Waitlist: 8 waiting" in text
        # The first entry (longest waiting), with its notes and since when beneath.
        first = console.screen._shown[0]
        oldest = db_value(console, "SELECT min(created_at) FROM waitlist WHERE status = 'waiting'")
        assert first.created_at == oldest
        since = console.clock.local(first.created_at)
        assert first.notes in text and f"waiting since {since:MM/DD/YYYY}" in text
        await pilot.press("escape")
        await pilot.pause()
        assert type(console.screen).__name__ == "BookScreen"


async def test_adding_a_patient_to_the_waitlist_checks_the_dates(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, WaitlistScreen())
        before = db_value(console, "SELECT count(*) FROM waitlist")
        account, last_name = console.db.execute(
            "SELECT account_no, last_name FROM patients WHERE id = 5"
        ).fetchone()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(console.screen, WaitlistForm)
        await pilot.press(*account, "enter")  # one match: picked, on to the type
        await pilot.pause()
        assert console.screen.patient_id == 5
        # Type: open the list, Biopsy is second (types are by name); With: anyone.
        await pilot.press("space", "down", "enter")
        await pilot.pause()
        await pilot.press("enter", "enter", "enter")  # type, with, earliest (today)
        await pilot.press(*"11/01/2026", "enter", "enter")  # latest, time of day
        await pilot.press(*"Mole, back", "enter")
        await pilot.pause()
        assert "is before the earliest" in screen_text(console)
        assert db_value(console, "SELECT count(*) FROM waitlist") == before
        await pilot.press("shift+tab", "shift+tab", *"12/15/2026", "ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, WaitlistScreen)
        row = console.db.execute(
            "SELECT t.name, w.resource_id, w.earliest, w.latest, w.time_of_day, w.notes,"
            " w.status FROM waitlist w JOIN appointment_types t ON t.id = w.type_id"
            " WHERE w.patient_id = 5 ORDER BY w.id DESC"
        ).fetchone()
        assert row == (
            "Biopsy",
            None,
            "2026-11-24",
            "2026-12-15",
            "any",
            "Mole, back",
            "waiting",
        )
        text = screen_text(console)
        assert "Waitlist: 9 waiting" in text
        assert last_name in text and "11/24-12/15" in text
        assert "Mole, back" in text  # the new entry is highlighted


async def test_taking_a_patient_off_the_waitlist_needs_a_reason(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, WaitlistScreen())
        first = console.screen._shown[0]
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(console.screen, AskDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert "Enter the reason" in screen_text(console)
        await pilot.press(*"Booked at another office", "enter")
        await pilot.pause()
        assert isinstance(console.screen, WaitlistScreen)
        status, notes = console.db.execute(
            "SELECT status, notes FROM waitlist WHERE id = ?", (first.id,)
        ).fetchone()
        assert status == "removed" and notes.endswith("Removed: Booked at another office")
        assert "Waitlist: 7 waiting" in screen_text(console)
        assert first.id not in [entry.id for entry in console.screen._shown]


async def _book_first_opening(pilot, console) -> None:
    """Find next available is open: take the first opening, then book it."""
    assert "Find next available" in screen_text(console)
    await pilot.press("tab", "tab", "tab", "tab", "enter")  # from the type to the list
    await pilot.pause()
    assert "Patient:" in screen_text(console), screen_text(console)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_booking_from_the_waitlist_books_the_entry_and_closes_it(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, WaitlistScreen())
        await pilot.press("down", "b")
        await pilot.pause()
        await _book_first_opening(pilot, console)
    booked = console.db.execute(
        "SELECT w.status, a.patient_id = w.patient_id, a.type_id = w.type_id,"
        " a.resource_id = coalesce(w.resource_id, a.resource_id), a.status"
        " FROM waitlist w JOIN appointments a ON a.id = w.appointment_id"
    ).fetchall()
    assert booked == [("booked", 1, 1, 1, "booked")]


# -- recalls ---------------------------------------------------------------------------


def _due_in(console, first: str, last: str) -> int:
    return db_value(
        console,
        "SELECT count(*) FROM recalls WHERE status = 'due' AND due_date BETWEEN ? AND ?",
        first,
        last,
    )


async def test_recalls_show_a_month_and_page_through_months(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, RecallsScreen())
        november = _due_in(console, "2026-11-01", "2026-11-30")
        assert f"Recalls due in November 2026: {november} to reach" in screen_text(console)
        assert "overdue" in screen_text(console)  # due before today, not yet reached
        await pilot.press("pagedown")
        await pilot.pause()
        december = _due_in(console, "2026-12-01", "2026-12-31")
        assert f"Recalls due in December 2026: {december} to reach" in screen_text(console)
        assert len(console.screen._shown) == december
        await pilot.press("pageup", "pageup")
        await pilot.pause()
        assert "Recalls due in October 2026" in screen_text(console)


async def test_recording_a_contact_attempt(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, RecallsScreen())
        recall = console.screen._shown[0]
        before = recall.attempts
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(console.screen, AttemptForm)
        await pilot.press("space", "down", "enter", "enter")  # Text message
        await pilot.press("enter")  # no outcome yet
        await pilot.pause()
        assert "Enter the outcome" in screen_text(console)
        await pilot.press(*"Sent reminder", "enter")
        await pilot.pause()
        assert isinstance(console.screen, RecallsScreen)
        assert (
            db_value(console, "SELECT count(*) FROM recall_attempts WHERE recall_id = ?", recall.id)
            == before + 1
        )
        method, outcome, staff = console.db.execute(
            "SELECT a.method, a.outcome, s.username FROM recall_attempts a"
            " JOIN staff s ON s.id = a.staff_id WHERE a.recall_id = ? ORDER BY a.id DESC",
            (recall.id,),
        ).fetchone()
        assert (method, outcome, staff) == ("text", "Sent reminder", "anguyen")
        assert "11/24 text: Sent …" in screen_text(console)  # the list's last attempt
        detail = str(console.screen.query_one("#rc-detail").render())
        assert "9:30am text: Sent reminder (anguyen)" in detail


async def test_closing_a_recall_with_a_reason(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, RecallsScreen())
        recall = console.screen._shown[0]
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"Moved to Denver", "enter")
        await pilot.pause()
        status, notes = console.db.execute(
            "SELECT status, notes FROM recalls WHERE id = ?", (recall.id,)
        ).fetchone()
        assert status == "closed" and notes.endswith("Closed: Moved to Denver")
        assert "closed" in screen_text(console)  # the list's status column
        await pilot.press("c")  # the highlighted recall is closed now
        await pilot.pause()
        assert isinstance(console.screen, RecallsScreen)
        assert "That recall is already closed" in screen_text(console)


async def test_booking_from_a_recall_books_it_and_closes_the_recall(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, RecallsScreen())
        recall = console.screen._shown[0]
        await pilot.press("b")
        await pilot.pause()
        await _book_first_opening(pilot, console)
    row = console.db.execute(
        "SELECT r.status, a.patient_id, a.type_id FROM recalls r"
        " JOIN appointments a ON a.id = r.appointment_id WHERE r.id = ?",
        (recall.id,),
    ).fetchone()
    assert row == ("booked", recall.patient_id, recall.type_id)


async def test_exporting_the_month_saves_recall_cards_beside_the_database(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open(pilot, console, RecallsScreen())
        await pilot.press("pagedown", "e")
        await pilot.pause()
        path = console.db.path.parent / "recalls-2026-12.csv"
        assert path.exists()
        note = str(console.screen.query_one("#rc-note").render())
        assert f"recall card(s) for December 2026 saved to {path}" in note
        with path.open(encoding="utf-8-sig", newline="") as cards:
            rows = list(csv.reader(cards))
        december = db_value(
            console,
            "SELECT count(*) FROM recalls c JOIN patients p ON p.id = c.patient_id"
            " WHERE c.status = 'due' AND p.active = 1 AND c.due_date LIKE '2026-12-%'",
        )
        assert len(rows) == december + 1 and rows[0][0] == "Name"
        assert all(row[-1].startswith("12/") and row[-1].endswith("/2026") for row in rows[1:])


async def test_clinical_staff_read_recalls_without_the_keys_that_change_them(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "hschultz")
        await console.push_screen(RecallsScreen())
        await pilot.pause()
        before = db_value(console, "SELECT count(*) FROM recall_attempts")
        text = screen_text(console)
        assert "Recalls due in November 2026" in text and "Prev month" in text
        assert "Contact" not in text and "Export" not in text
        await pilot.press("c", "e", "x")
        await pilot.pause()
        assert isinstance(console.screen, RecallsScreen)
        assert db_value(console, "SELECT count(*) FROM recall_attempts") == before
        assert not list(console.db.path.parent.glob("recalls-*.csv"))
