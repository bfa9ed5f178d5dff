"""The no-show list through the keys: no-show (with its fee), late cancel, arrived late,
several at once; and what the patient summary then shows."""

from __future__ import annotations

import arrow

from frontdesk.data.models import Appointment
from frontdesk.data.money import Money
from frontdesk.screens.no_shows import NoShowsScreen
from frontdesk.screens.patients import PatientsScreen
from frontdesk.services import appointment_status
from frontdesk.services.book import patient_book_summary, when_text
from frontdesk.services.ledger import balance
from frontdesk.services.no_shows import no_show_list
from frontdesk.widgets.dialogs import ConfirmDialog
from tests.conftest import actor
from tests.functional.conftest import SIZE, db_value, screen_text, sign_in

# Noon at the demo practice: the book was last marked at 9:30, so the appointments that
# ended since, booked or confirmed, are waiting on the no-show list.
NOON = arrow.get("2026-11-24T18:00:00+00:00")


async def _open(pilot, console, username: str = "anguyen") -> list[Appointment]:
    """Sign in, open the no-show list; what it should show, oldest first."""
    await sign_in(pilot, username)
    await console.push_screen(NoShowsScreen())
    await pilot.pause()
    assert isinstance(console.screen, NoShowsScreen)
    listed = no_show_list(console.desk)
    assert len(listed) >= 3
    return listed


def _named(console, item: Appointment) -> str:
    return f"{item.patient_name}, {when_text(item.starts_at, console.clock.tz)}"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _status(console, appointment_id: int) -> tuple:
    return console.db.execute(
        "SELECT status, cancel_reason FROM appointments WHERE id = ?", (appointment_id,)
    ).fetchone()


def _last_event(console, appointment_id: int) -> tuple:
    return console.db.execute(
        "SELECT e.from_status, e.to_status, e.reason, s.username, e.workstation"
        " FROM appointment_events e JOIN staff s ON s.id = e.staff_id"
        " WHERE e.appointment_id = ? ORDER BY e.id DESC LIMIT 1",
        (appointment_id,),
    ).fetchone()


def _row(console, item: Appointment) -> str:
    """The item's row as the screen reads (unselected)."""
    local = console.clock.local(item.starts_at)
    return (
        f"{local:MM/DD} {when_text(item.starts_at, console.clock.tz).split()[-1]} "
        f"{item.resource_name} {_fit(item.patient_name, 16)} {_fit(item.type_name, 14)} "
        f"{item.status}"
    )


async def test_the_list_shows_what_is_left_to_mark_oldest_first(console) -> None:
    console.clock.at = NOON
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        listed = await _open(pilot, console)
        text = screen_text(console)
        assert f"{len(listed)} appointments left to mark · last 14 days, 15 min grace" in text
        assert "Date Time Column Patient Type Status" in text
        rows = [text.index(_row(console, item)) for item in listed[:3]]
        assert rows == sorted(rows)


async def test_n_marks_the_highlighted_appointment_no_show_after_asking(console) -> None:
    console.clock.at = NOON
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        listed = await _open(pilot, console)
        first = listed[0]
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(console.screen, ConfirmDialog)
        assert (
            f"Mark {_named(console, first)} ({first.type_name} with {first.resource_name}) "
            "as a no-show?"
        ) in screen_text(console)
        await pilot.press("y")
        await pilot.pause()
        text = screen_text(console)
        assert f"{len(listed) - 1} appointments left to mark" in text
        assert _row(console, first) not in text and _row(console, listed[1]) in text
        assert f"No-show: {_named(console, first)}" in text
        assert _status(console, first.id) == ("no_show", None)
        assert _last_event(console, first.id) == (
            first.status,
            "no_show",
            "",
            "anguyen",
            "FRONT-1",
        )


async def test_answering_no_changes_nothing(console) -> None:
    console.clock.at = NOON
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        listed = await _open(pilot, console)
        events = db_value(console, "SELECT count(*) FROM appointment_events")
        for key in ("n", "l", "a"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(console.screen, ConfirmDialog)
            await pilot.press("n")
            await pilot.pause()
        assert f"{len(listed)} appointments left to mark" in screen_text(console)
        assert _status(console, listed[0].id) == (listed[0].status, None)
        assert db_value(console, "SELECT count(*) FROM appointment_events") == events


async def test_l_records_a_late_cancel(console) -> None:
    console.clock.at = NOON
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        listed = await _open(pilot, console)
        second = listed[1]
        await pilot.press("down", "l")
        await pilot.pause()
        assert (
            f"Record {_named(console, second)} ({second.type_name} with "
            f"{second.resource_name}) as a late cancel?"
        ) in screen_text(console)
        await pilot.press("y")
        await pilot.pause()
        text = screen_text(console)
        assert f"{len(listed) - 1} appointments left to mark" in text
        assert f"Late cancel: {_named(console, second)}" in text
        assert _row(console, second) not in text and _row(console, listed[0]) in text
        assert _status(console, second.id) == ("cancelled", "late_cancel")
        await pilot.press("n")  # the cursor moved on to the next one
        await pilot.pause()
        assert f"Mark {_named(console, listed[2])} (" in screen_text(console)
        await pilot.press("n")
        assert _last_event(console, second.id) == (
            second.status,
            "cancelled",
            "late cancel",
            "anguyen",
            "FRONT-1",
        )


async def test_a_marks_arrived_late(console) -> None:
    console.clock.at = NOON
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        listed = await _open(pilot, console, "dokafor")
        first = listed[0]
        await pilot.press("a")
        await pilot.pause()
        assert (
            f"Did {_named(console, first)} ({first.type_name} with {first.resource_name}) "
            "arrive late?"
        ) in screen_text(console)
        await pilot.press("y")
        await pilot.pause()
        text = screen_text(console)
        assert f"Arrived late: {_named(console, first)}" in text
        assert f"{len(listed) - 1} appointments left to mark" in text
        assert _status(console, first.id) == ("arrived", None)
        assert _last_event(console, first.id) == (
            first.status,
            "arrived",
            "arrived late",
            "dokafor",
            "FRONT-1",
        )


async def test_space_selects_several_and_n_marks_them_together(console) -> None:
    console.clock.at = NOON
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        listed = await _open(pilot, console)
        first, _, third = listed[:3]
        await pilot.press("space", "down", "down", "space", "up")
        await pilot.pause()
        text = screen_text(console)
        assert "· 2 selected" in text and f"✓ {_row(console, third)}" in text
        await pilot.press("n")
        await pilot.pause()
        text = screen_text(console)
        assert "Mark these 2 appointments as no-shows?" in text
        assert _named(console, first) in text and _named(console, third) in text
        assert _named(console, listed[1]) not in text  # highlighted, not selected
        await pilot.press("y")
        await pilot.pause()
        text = screen_text(console)
        assert f"{len(listed) - 2} appointments left to mark" in text
        assert "Marked 2 appointments no-show." in text and "selected" not in text
        assert [_status(console, a.id)[0] for a in listed[:3]] == [
            "no_show",
            listed[1].status,
            "no_show",
        ]


async def test_space_again_unselects(console) -> None:
    console.clock.at = NOON
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        listed = await _open(pilot, console)
        first, second = listed[:2]
        await pilot.press("space", "space", "down", "n")
        await pilot.pause()
        text = screen_text(console)
        assert f"Mark {_named(console, second)} (" in text
        assert _named(console, first) not in text
        await pilot.press("y")
        await pilot.pause()
        assert _status(console, second.id)[0] == "no_show"
        assert _status(console, first.id)[0] == first.status


async def test_one_marked_at_another_desk_is_refused_and_the_list_catches_up(console) -> None:
    console.clock.at = NOON
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        listed = await _open(pilot, console)
        first = listed[0]
        other = console.desk.signed_in(actor(console.desk, "mbell"))
        appointment_status.set_status(other, first.id, "arrived", "arrived late")
        await pilot.press("n", "y")
        await pilot.pause()
        text = screen_text(console)
        assert f"{_named(console, first)}: This appointment is" in text
        assert "it cannot be marked no-show." in text
        assert f"{len(listed) - 1} appointments left to mark" in text
        assert _status(console, first.id) == ("arrived", None)
        assert _last_event(console, first.id)[3] == "mbell"


async def test_the_patient_summary_shows_the_book(console) -> None:
    console.clock.at = NOON
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        listed = await _open(pilot, console)
        first = listed[0]
        before = patient_book_summary(console.desk, first.patient_id)
        await pilot.press("n", "y", "down", "a", "y")  # the next one arrived late
        await pilot.pause()
        assert _status(console, first.id)[0] == "no_show"
        await pilot.press("f3")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, PatientsScreen)
        await pilot.press(*first.account_no)
        await pilot.pause()
        text = screen_text(console)
        assert f"No-shows: {before.no_shows + 1}" in text
        after = patient_book_summary(console.desk, first.patient_id)
        assert after.no_shows == before.no_shows + 1
        for label, visit in (("Next", after.next_appointment), ("Last", after.last_appointment)):
            if visit is None:
                assert f"{label} visit: none" in text
            else:
                local = console.clock.local(visit.starts_at)
                time = when_text(visit.starts_at, console.clock.tz).split()[-1]
                assert (
                    f"{label} visit: {local:ddd MM/DD/YYYY} {time}, {visit.type_name} "
                    f"with {visit.resource_name}"
                ) in text
        if after.recall_due is None:
            assert "no recall due" in text
        else:
            assert f"recall due {after.recall_due:%m/%d/%Y} ({after.recall_kind})" in text


async def test_the_summary_shows_the_next_visit_and_the_recall_due(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        # A patient with a recall due and a visit booked after today.
        account, patient_id = console.db.execute(
            "SELECT p.account_no, p.id FROM patients p JOIN recalls r ON r.patient_id = p.id"
            " JOIN appointments a ON a.patient_id = p.id WHERE r.status = 'due'"
            " AND a.starts_at > '2026-11-25' AND a.status IN ('booked', 'confirmed')"
            " ORDER BY p.id LIMIT 1"
        ).fetchone()
        summary = patient_book_summary(console.desk, patient_id)
        assert summary.next_appointment is not None and summary.recall_due is not None
        await pilot.press("f3")
        await pilot.pause()
        await pilot.pause()
        await pilot.press(*account)
        await pilot.pause()
        text = screen_text(console)
        visit = summary.next_appointment
        local = console.clock.local(visit.starts_at)
        assert (
            f"Next visit: {local:ddd MM/DD/YYYY} "
            f"{when_text(visit.starts_at, console.clock.tz).split()[-1]}, "
            f"{visit.type_name} with {visit.resource_name}"
        ) in text
        assert f"recall due {summary.recall_due:%m/%d/%Y} ({summary.recall_kind})" in text


async def test_a_provider_cannot_open_the_list(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "evargas")
        console.open_place("no_shows")
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(console.screen, NoShowsScreen)
        assert "Your role cannot open No-show list." in screen_text(console)


async def test_a_receptionist_opens_the_list_from_its_place(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "mbell")
        console.open_place("no_shows")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, NoShowsScreen)
        assert "No-show list" in screen_text(console)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(console.screen, NoShowsScreen)


async def test_f_marks_a_no_show_and_charges_the_fee(console) -> None:
    console.clock.at = NOON
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        listed = await _open(pilot, console)
        first = listed[0]
        owed = balance(console.desk, first.patient_id)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(console.screen, ConfirmDialog)
        assert (
            f"Mark {_named(console, first)} ({first.type_name} with {first.resource_name}) "
            f"as a no-show and charge {first.patient_name} the no-show fee of $50.00?"
        ) in screen_text(console)
        await pilot.press("y")
        await pilot.pause()
        text = screen_text(console)
        assert f"No-show: {_named(console, first)}" in text
        assert "fee $50.00 charged (receipt R" in text
        assert f"{len(listed) - 1} appointments left to mark" in text
        assert _status(console, first.id) == ("no_show", None)
        assert console.db.execute(
            "SELECT kind, amount_cents, patient_id FROM ledger WHERE appointment_id = ?",
            (first.id,),
        ).fetchall() == [("charge", 5000, first.patient_id)]
        assert balance(console.desk, first.patient_id) == owed + Money(5000)


async def test_answering_no_to_the_fee_changes_nothing(console) -> None:
    console.clock.at = NOON
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        listed = await _open(pilot, console)
        entries = db_value(console, "SELECT count(*) FROM ledger")
        await pilot.press("f", "n")
        await pilot.pause()
        assert _status(console, listed[0].id) == (listed[0].status, None)
        assert db_value(console, "SELECT count(*) FROM ledger") == entries
