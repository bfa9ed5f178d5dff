"""Refunds from the account screen: a manager's PIN for a receptionist, never more than is
left of the payment, the terminal's refund code for a card, and no card number in a
reason."""

from __future__ import annotations

from uuid import uuid4

from frontdesk.data.money import Money
from frontdesk.screens.account import AccountScreen
from frontdesk.screens.account_corrections import RefundDialog
from frontdesk.services import corrections, payments
from frontdesk.services.fields import CARD_NUMBER_MESSAGE
from frontdesk.services.ledger import refundable
from frontdesk.widgets.dialogs import ApproveDialog
from frontdesk.widgets.receipt_dialog import ReceiptDialog
from tests.functional.conftest import SIZE, db_value, screen_text
from tests.functional.test_account import (
    desk_of,
    ledger,
    open_account,
    owing_patient,
    paid_in_cash,
)


def _refunds(console, patient_id: int) -> list[tuple]:
    return ledger(
        console,
        patient_id,
        "amount_cents, method, reference, refunds_id, reason, approver_id",
        "kind = 'refund'",
    )


def _manager_id(console) -> int:
    return db_value(console, "SELECT id FROM staff WHERE username = 'dokafor'")


async def _refund_form(pilot, console, amount: str) -> None:
    """R on the highlighted payment; keep the tender as paid, type the amount, Enter."""
    await pilot.press("R")
    await pilot.pause()
    assert isinstance(console.screen, RefundDialog)
    await pilot.press("enter", "home", "ctrl+k", *amount, "enter")
    await pilot.pause()


async def test_a_receptionists_refund_needs_a_managers_pin(console) -> None:
    patient_id = owing_patient(console)
    payment_id = paid_in_cash(console, patient_id)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "mbell")
        await _refund_form(pilot, console, "20")
        assert isinstance(console.screen, ApproveDialog)
        text = screen_text(console)
        name = db_value(
            console, "SELECT last_name || ', ' || first_name FROM patients WHERE id = ?", patient_id
        )
        assert f"Refund {name} $20.00 in cash, from Payment · Cash of 11/24/2026." in text
        assert "Manager PIN" in text
        await pilot.press(*"charged twice", "enter", *"dokafor", "enter", *"1111", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ApproveDialog)
        assert "Wrong manager username or PIN." in screen_text(console)
        assert _refunds(console, patient_id) == []  # nothing written
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        text = screen_text(console)
        assert "Refunded $20.00 in cash. Give $20.00 from the drawer." in text
        assert "REFUND" in text
        assert _refunds(console, patient_id) == [
            (2000, "cash", "", payment_id, "charged twice", _manager_id(console))
        ]
        assert refundable(console.desk, payment_id) == Money(3000)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(console.screen, AccountScreen)
        text = screen_text(console)
        assert "Payment · Cash -50.00 0.00 30.00" in text  # $30.00 left to refund
        assert "Owes $20.00" in text


async def test_a_refund_cannot_exceed_what_is_left_of_the_payment(console) -> None:
    patient_id = owing_patient(console)
    payment_id = paid_in_cash(console, patient_id)
    manager = desk_of(console, "dokafor")
    corrections.refund_payment(manager, payment_id, Money(3000), "overpaid", uuid4().hex)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "dokafor")
        await pilot.press("up")  # from the refund to the payment
        await pilot.press("R")
        await pilot.pause()
        assert "$20.00 left to refund" in screen_text(console)
        assert console.screen.query_one("#rf-amount").value == "20.00"
        await pilot.press("enter", "home", "ctrl+k", *"25", "enter")
        await pilot.pause()
        # Said on the form, before any manager is asked to approve it.
        assert isinstance(console.screen, RefundDialog)
        assert (
            "Only $20.00 is left of that payment to refund; $25.00 is more than that."
            in screen_text(console)
        )
        assert len(_refunds(console, patient_id)) == 1
        assert refundable(console.desk, payment_id) == Money(2000)


async def test_a_card_number_typed_as_the_reason_is_refused(console) -> None:
    patient_id = owing_patient(console)
    payment_id = paid_in_cash(console, patient_id)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "dokafor")
        await _refund_form(pilot, console, "10")
        await pilot.press(*"card 4111 1111 1111 1111", "enter")
        await pilot.pause()
        assert isinstance(console.screen, RefundDialog)
        assert CARD_NUMBER_MESSAGE in screen_text(console)
        assert _refunds(console, patient_id) == []
        assert "4111" not in " ".join(
            str(row) for row in console.db.execute("SELECT * FROM audit_log").fetchall()
        )
        assert refundable(console.desk, payment_id) == Money(5000)


async def test_a_card_refund_needs_the_terminals_refund_code(console) -> None:
    patient_id = owing_patient(console)
    desk = desk_of(console)
    tender = payments.make_tender(
        desk, "card", "50", card_brand="Visa", card_last4="4242", auth_code="AB12CD"
    )
    payment_id = payments.post_payment(desk, patient_id, [tender], uuid4().hex).entries[0].id
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "dokafor")
        await pilot.press("f")  # f is R too
        await pilot.pause()
        assert isinstance(console.screen, RefundDialog)
        assert "Refund approval" in screen_text(console)
        await pilot.press("enter", "enter", "enter")  # no refund code typed
        await pilot.pause()
        # Said on the form, before the manager is asked.
        assert isinstance(console.screen, RefundDialog)
        assert "Enter the card terminal's refund approval code." in screen_text(console)
        assert _refunds(console, patient_id) == []
        await pilot.press("shift+tab", *"RF9912", "enter", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ApproveDialog)
        await pilot.press(*"double charge", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        assert "Refunded $50.00 to the Visa card." in screen_text(console)
        assert _refunds(console, patient_id) == [
            (5000, "card", "4242 RF9912", payment_id, "double charge", _manager_id(console))
        ]


async def test_a_manager_may_refund_a_card_payment_in_cash(console) -> None:
    patient_id = owing_patient(console)
    desk = desk_of(console)
    tender = payments.make_tender(
        desk, "card", "50", card_brand="Visa", card_last4="4242", auth_code="AB12CD"
    )
    payments.post_payment(desk, patient_id, [tender], uuid4().hex)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "mbell")
        await pilot.press("R")
        await pilot.pause()
        console.screen.query_one("#rf-method").value = "cash"
        await pilot.pause()
        assert "Refund approval" not in screen_text(console)
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press(*"card closed", "enter", *"dokafor", "enter", *"2468", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        assert [(r[0], r[1]) for r in _refunds(console, patient_id)] == [(5000, "cash")]


async def test_only_a_payment_or_deposit_is_refunded(console) -> None:
    patient_id = owing_patient(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "dokafor")
        await pilot.press("R")  # the highlighted entry is the no-show fee
        await pilot.pause()
        assert isinstance(console.screen, AccountScreen)
        assert "Refunds start from a payment or deposit" in screen_text(console)


async def test_each_refund_asks_the_manager_again(console) -> None:
    patient_id = owing_patient(console)
    paid_in_cash(console, patient_id)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "mbell")
        for amount in ("10", "5"):
            await _refund_form(pilot, console, amount)
            assert "Manager PIN" in screen_text(console)
            await pilot.press(*"returned item", "enter", *"dokafor", "enter", *"2468", "enter")
            await pilot.pause()
            assert isinstance(console.screen, ReceiptDialog)
            await pilot.press("escape", "up")  # back to the payment
            await pilot.pause()
        assert [r[0] for r in _refunds(console, patient_id)] == [1000, 500]
