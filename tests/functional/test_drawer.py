"""The cash drawer screen (F6): the blind count hides what the drawer should hold until
the count is in, then shows it tender by tender; the close needs the manager's PIN; a
move needs its manager; cash at a workstation without an open drawer is refused."""

from __future__ import annotations

from frontdesk.screens.drawer import DrawerScreen
from frontdesk.screens.drawer_dialogs import CloseDrawerDialog, CountDrawerDialog, MoveDialog
from frontdesk.services import drawers
from frontdesk.services.context import Desk
from tests.functional.conftest import SIZE, db_value, screen_text, sign_in


def _front_session(console) -> int:
    return db_value(
        console,
        "SELECT s.id FROM drawer_sessions s JOIN drawers d ON d.id = s.drawer_id"
        " WHERE d.workstation = 'FRONT-1' AND s.status = 'open'",
    )


def _expected(console, session_id: int):
    desk = Desk(db=console.db, clock=console.clock, workstation="FRONT-1", shell=True)
    return drawers.expected(desk, session_id)


async def _open_drawers(pilot, console, username: str = "anguyen") -> None:
    await sign_in(pilot, username)
    await pilot.press("f6")
    await pilot.pause()
    assert isinstance(console.screen, DrawerScreen)


async def test_the_blind_count_shows_expected_only_after_it_is_submitted(console) -> None:
    session_id = _front_session(console)
    should = _expected(console, session_id)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open_drawers(pilot, console)
        text = screen_text(console)
        assert "This desk's drawer: Front desk, open since" in text
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(console.screen, CountDrawerDialog)
        text = screen_text(console)
        assert "blind" in text and "Expected" not in text
        assert str(should.cash) not in text and should.cash.format(symbol=False) not in text
        # A bad count is refused with its reason, and nothing is counted.
        console.screen.query_one("#cg-b20").value = "-3"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "The count of $20 is less than 0" in screen_text(console)
        assert db_value(console, "SELECT status FROM drawer_sessions WHERE id = ?", session_id) == (
            "open"
        )
        # $3.00 short: every dollar but three as $1 bills, the cents as pennies.
        counted = should.cash.cents - 300
        console.screen.query_one("#cg-b20").value = ""
        console.screen.query_one("#cg-b1").value = str(counted // 100)
        console.screen.query_one("#cg-c1").value = str(counted % 100)
        for check in should.checks:
            console.screen.query_one("#cd-number").value = check.number
            console.screen.query_one("#cd-check-amount").value = check.amount.format(symbol=False)
            console.screen.query_one("#cd-check-amount").focus()
            await pilot.press("enter")
            await pilot.pause()
        console.screen.query_one("#cd-card").value = should.card.format(symbol=False)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, CloseDrawerDialog)
        text = screen_text(console)
        assert f"Cash {should.cash} {should.cash - _dollars(3)} short $3.00" in text
        assert "Within $5.00" in text
        assert (
            db_value(
                console, "SELECT counted_cash_cents FROM drawer_sessions WHERE id = ?", session_id
            )
            == counted
        )
        # The receptionist's close: a wrong PIN, then the manager's.
        await pilot.press("enter", "enter", *"dokafor", "enter", *"9999", "enter")
        await pilot.pause()
        assert "Wrong manager username or PIN." in screen_text(console)
        assert db_value(console, "SELECT status FROM drawer_sessions WHERE id = ?", session_id) == (
            "counted"
        )
        console.screen.query_one("#cl-pin").focus()
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert isinstance(console.screen, DrawerScreen)
        text = screen_text(console)
        assert "Front desk closed, short $3.00" in text
        status, approver = console.db.execute(
            "SELECT s.status, a.username FROM drawer_sessions s JOIN staff a"
            " ON a.id = s.approver_id WHERE s.id = ?",
            (session_id,),
        ).fetchone()
        assert (status, approver) == ("closed", "dokafor")


def _dollars(n: int):
    from frontdesk.data.money import Money

    return Money(n * 100)


async def test_a_paid_out_by_a_receptionist_needs_a_manager_pin(console) -> None:
    session_id = _front_session(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open_drawers(pilot, console)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(console.screen, MoveDialog)
        await pilot.press(*"18.50", "enter", *"USPS", "enter", *"stamps", "enter", *"R-1")
        await pilot.press("enter", *"anguyen", "enter", *"1357", "enter")
        await pilot.pause()
        assert "That is not an active manager's username and PIN." in screen_text(console)
        assert db_value(console, "SELECT count(*) FROM drawer_moves WHERE session_id = ?",
                        session_id) == 0  # fmt: skip
        console.screen.query_one("#mv-user").value = "dokafor"
        console.screen.query_one("#mv-pin").focus()
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert isinstance(console.screen, DrawerScreen)
        text = screen_text(console)
        assert "Paid out $18.50 recorded." in text and "USPS · stamps" in text
        assert console.db.execute(
            "SELECT kind, amount_cents, payee, receipt_ref FROM drawer_moves WHERE session_id = ?",
            (session_id,),
        ).fetchall() == [("paid_out", 1850, "USPS", "R-1")]


async def test_the_drawer_history_is_the_managers(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open_drawers(pilot, console)
        await pilot.press("h")
        await pilot.pause()
        assert "Only a manager sees the drawer history." in screen_text(console)
    console.exit()


async def test_the_manager_sees_over_short_by_staff(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _open_drawers(pilot, console, "dokafor")
        await pilot.press("h")
        await pilot.pause()
        text = screen_text(console)
        assert "Drawer history" in text and "By staff:" in text and "of" in text
        (off,) = console.db.execute(
            "SELECT count(*) FROM drawer_sessions WHERE status = 'closed'"
            " AND business_date >= '2026-10-26' AND counted_cash_cents <> expected_cash_cents"
        ).fetchone()
        assert off >= 1


async def test_a_manager_sets_drawers_up_one_a_workstation(console) -> None:
    from frontdesk.screens.drawer_setup import DrawerForm, DrawerSetupScreen

    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "dokafor")
        console.open_place("drawer_setup")
        await pilot.pause()
        assert isinstance(console.screen, DrawerSetupScreen)
        text = screen_text(console)
        assert "Front desk FRONT-1 $200.00 yes" in text
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(console.screen, DrawerForm)
        await pilot.press(*"Lobby", "enter", *"FRONT-2", "enter", *"lobby", "enter", "enter")
        await pilot.pause()
        assert "Workstation FRONT-2 already has a drawer (Check-out)." in screen_text(console)
        assert db_value(console, "SELECT count(*) FROM drawers") == 2
        console.screen.query_one("#ds-workstation").value = "LOBBY"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, DrawerSetupScreen)
        assert "Lobby LOBBY lobby $200.00 yes" in screen_text(console)


async def test_the_close_of_day_is_the_managers(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "anguyen")
        await pilot.press("f7")
        await pilot.pause()
        assert "Close of day" not in screen_text(console)
