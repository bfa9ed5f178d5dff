"""The close of day from the manager's login (F7): today's drawers counted and closed,
the rest of the no-show list marked, the visits that never reached check-out given
their reason, the day sheet read, the sign-off by PIN; then the date is locked."""

from __future__ import annotations

import pytest

from frontdesk.data.money import Money
from frontdesk.errors import Conflict
from frontdesk.screens.day_close import DayCloseScreen
from frontdesk.screens.drawer_dialogs import CloseDrawerDialog, CountDrawerDialog
from frontdesk.services import day_close, drawers, payments
from frontdesk.services.context import Desk
from frontdesk.widgets.dialogs import AskDialog, ConfirmDialog, PinDialog
from tests.functional.conftest import SIZE, db_value, screen_text, sign_in
from tests.unit.money_helpers import TODAY, a_patient_with_nothing_today, card, key


def _shell(console) -> Desk:
    return Desk(db=console.db, clock=console.clock, workstation="OFFICE", shell=True)


def _steps(console) -> list[str]:
    screen = console.screen
    assert isinstance(screen, DayCloseScreen)
    return [s.summary for s in screen._close.steps]


async def _count_and_close(pilot, console) -> None:
    """Enter on the highlighted drawer: count it exactly, then sign its close off."""
    await pilot.press("enter")
    await pilot.pause()
    dialog = console.screen
    assert isinstance(dialog, CountDrawerDialog)
    should = drawers.expected(_shell(console), dialog._session.id)
    dialog.query_one("#cg-b1").value = str(should.cash.cents // 100)
    dialog.query_one("#cg-c1").value = str(should.cash.cents % 100)
    for check in should.checks:
        dialog.query_one("#cd-number").value = check.number
        dialog.query_one("#cd-check-amount").value = check.amount.format(symbol=False)
        dialog.query_one("#cd-check-amount").focus()
        await pilot.press("enter")
        await pilot.pause()
    dialog.query_one("#cd-card").value = should.card.format(symbol=False)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(console.screen, CloseDrawerDialog)
    assert "Within $5.00." in screen_text(console)
    await pilot.press("enter", "enter", "enter", *"2468", "enter")
    await pilot.pause()
    assert isinstance(console.screen, DayCloseScreen)


def _done_at_the_desk(console) -> None:
    """What the desk did before the manager sat down: the check-out desk counted and
    closed its drawer, and all but one of the visits left in the office were given
    their reason (each of the manager's steps is still done once through the screen)."""
    desk = _shell(console)
    back = drawers.drawer_at(desk, "FRONT-2")
    assert back is not None
    session = drawers.current_session(desk, back.id)
    assert session is not None
    should = drawers.expected(desk, session.id)
    counts = {"b1": should.cash.cents // 100, "c1": should.cash.cents % 100}
    drawers.submit_count(desk, session.id, counts, list(should.checks), should.card)
    drawers.close_drawer(desk, session.id, leave=Money(20000))
    left = day_close.close_of_day(desk, TODAY).step("no_fee_sheet").items
    for item in left[1:]:
        day_close.record_no_charge(desk, item.id, "Left before check-out")


async def test_a_full_close_of_day_from_the_managers_login(console, clock) -> None:
    clock.advance(hours=10)  # 7:30 pm: the last patient has gone
    _done_at_the_desk(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "dokafor")
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(console.screen, DayCloseScreen)
        # It opens on the oldest day not closed: yesterday, waiting for its no-shows.
        assert "Close of day Mon 11/23/2026: 1 step open" in screen_text(console)
        await pilot.press("t")
        await pilot.pause()
        text = screen_text(console)
        assert "Close of day Tue 11/24/2026" in text and "1 of 2 drawers closed" in text
        # Signing off now is refused, naming what is open.
        await pilot.press("s")
        await pilot.pause()
        assert "Not yet: steps 1, 2, 3, 6, 7 are still open." in screen_text(console)
        # 1. The drawers.
        await pilot.press("enter")  # into the step's list
        await pilot.pause()
        await _count_and_close(pilot, console)
        assert "2 of 2 drawers closed" in screen_text(console)
        # 2. The no-show list: the rest of the day's bookings are no-shows.
        console.screen.query_one("#dc-steps").focus()
        await pilot.press("down")
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        assert isinstance(console.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert "All resolved" in screen_text(console)
        # 3. The visits still shown in the office: they left without checking out.
        await pilot.press("down")
        await pilot.pause()
        assert len(console.screen._close.step("no_fee_sheet").items) == 1
        console.screen.query_one("#dc-items").focus()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(console.screen, AskDialog)
        await pilot.press("enter")  # no reason: refused, and the dialog stays
        await pilot.pause()
        assert "Enter the reason there is no fee sheet." in screen_text(console)
        await pilot.press(*"Left before check-out", "enter")
        await pilot.pause()
        text = screen_text(console)
        assert "Every kept visit" in text and "ready to sign off" in text
        # 5. The day sheet balances.
        console.screen.query_one("#dc-steps").focus()
        await pilot.press("down", "down")
        await pilot.pause()
        text = screen_text(console)
        assert "Beginning A/R" in text and "Day sheet balanced" in text
        # 8. The sign-off, by PIN.
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(console.screen, PinDialog)
        await pilot.press(*"1111", "enter")
        await pilot.pause()
        assert "Wrong manager username or PIN." in screen_text(console)
        assert db_value(console, "SELECT count(*) FROM day_closes WHERE business_date = ?",
                        TODAY.isoformat()) == 0  # fmt: skip
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        text = screen_text(console)
        assert "Tue 11/24/2026 is closed and locked." in text
        assert "closed 7:30pm by Denise Okafor" in text
        closed_by = db_value(
            console,
            "SELECT s.username FROM day_closes d JOIN staff s ON s.id = d.closed_by"
            " WHERE d.business_date = ?",
            TODAY.isoformat(),
        )
        assert closed_by == "dokafor"
        await pilot.press("s")
        await pilot.pause()
        assert "is closed already" in screen_text(console)
    # The locked date takes no posting.
    desk = _shell(console)
    with pytest.raises(Conflict, match="closed"):
        payments.post_deposit(desk, a_patient_with_nothing_today(desk), [card(1000)], key())
