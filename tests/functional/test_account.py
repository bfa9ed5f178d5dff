"""F5 Payments through the keys: a patient's account, a payment with change, a split, a
deposit, a gift card sold and spent, a void, an adjustment, a return and old receipts."""

from __future__ import annotations

from uuid import uuid4

from frontdesk.data.money import Money
from frontdesk.data.print_models import Statement
from frontdesk.screens.account import AccountScreen
from frontdesk.screens.account_dialogs import TakeMoneyDialog
from frontdesk.services import corrections, payments, visits
from frontdesk.services.ledger import balance, credit
from frontdesk.widgets.dialogs import ApproveDialog
from frontdesk.widgets.receipt_dialog import ReceiptDialog
from frontdesk.widgets.tender_dialog import TenderDialog
from tests.conftest import actor
from tests.functional.conftest import SIZE, db_value, screen_text, sign_in

#: The demo practice's business date (tests.conftest.MORNING).
TODAY = "2026-11-24"


def desk_of(console, username: str = "mbell"):
    """Another desk of the practice, as `username`: what happened before the test."""
    return console.desk.signed_in(actor(console.desk, username))


def owing_patient(console) -> int:
    """A patient who owed nothing and has had nothing posted today, until the $50.00 fee
    of an appointment they missed was posted this morning at another desk."""
    appointment_id, patient_id = console.db.execute(
        "SELECT a.id, a.patient_id FROM appointments a JOIN patients p ON p.id = a.patient_id"
        " WHERE a.status = 'no_show' AND p.active = 1"
        " AND NOT EXISTS (SELECT 1 FROM encounters e WHERE e.appointment_id = a.id)"
        " AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.patient_id = a.patient_id"
        "  AND (l.business_date >= ? OR l.account <> 'patient'))"
        " AND (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger l"
        "  WHERE l.patient_id = a.patient_id) = 0"
        " ORDER BY a.id LIMIT 1",
        (TODAY,),
    ).fetchone()
    corrections.post_no_show_fee(desk_of(console), appointment_id, uuid4().hex)
    assert balance(console.desk, patient_id) == Money(5000)
    return patient_id


def paid_in_cash(console, patient_id: int, amount: str = "50") -> int:
    """A cash payment on the patient's balance this morning; its ledger entry's id."""
    desk = desk_of(console)
    posting = payments.post_payment(
        desk, patient_id, [payments.make_tender(desk, "cash", amount)], uuid4().hex
    )
    return posting.entries[0].id


async def open_account(pilot, console, patient_id: int, username: str = "anguyen") -> None:
    """Sign in, F5, look the patient up by account number and open their account."""
    await sign_in(pilot, username)
    await pilot.press("f5")
    await pilot.pause()
    await pilot.pause()
    assert isinstance(console.screen, AccountScreen)
    account_no = db_value(console, "SELECT account_no FROM patients WHERE id = ?", patient_id)
    await pilot.press(*account_no, "enter")
    await pilot.pause()
    assert f"account {account_no}" in screen_text(console)


def ledger(console, patient_id: int, columns: str, where: str = "1", *params) -> list[tuple]:
    """The `columns` of the patient's entries of today `where`, oldest first."""
    return console.db.execute(
        f"SELECT {columns} FROM ledger WHERE patient_id = ? AND business_date >= ?"
        f" AND ({where}) ORDER BY id",
        (patient_id, TODAY, *params),
    ).fetchall()


async def take_tender(pilot, console, method: str, *fields: str) -> None:
    """In the open TenderDialog: choose `method`, then type each field in turn
    (amount first; an empty string keeps what the field holds)."""
    assert isinstance(console.screen, TenderDialog)
    console.screen.query_one("#td-method").value = method
    await pilot.pause()
    await pilot.press("enter")  # the method chosen: on to the amount
    for value in fields:
        if value:
            await pilot.press("home", "ctrl+k", *value)
        await pilot.press("enter")
        await pilot.pause()
    await pilot.pause()


async def test_the_account_shows_every_entry_with_the_running_balance(console) -> None:
    patient_id = owing_patient(console)
    paid_in_cash(console, patient_id, "20")
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id)
        text = screen_text(console)
        assert "Owes $30.00" in text
        assert "Date No. What Amount Balance Left" in text
        assert "NOSHOW Missed appointment (… 50.00 50.00" in text
        assert "Payment · Cash -20.00 30.00 20.00" in text
        table = console.screen.query_one("#acct-table")
        lines = console.screen.account.lines
        assert table.cursor_row == len(lines) - 1  # the newest entry, at the bottom
        assert lines[-1].entry.kind == "payment"


async def test_a_payment_on_the_balance_gives_change_and_its_receipt(console) -> None:
    patient_id = owing_patient(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id)
        await pilot.press("p")
        await pilot.pause()
        assert "Payment on the balance" in screen_text(console)
        await take_tender(pilot, console, "cash", "", "100")  # $50.00 due, $100 handed over
        assert isinstance(console.screen, TakeMoneyDialog)
        assert "Cash $50.00 (handed over $100.00, change $50.00)" in screen_text(console)
        dialog = console.screen
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        text = screen_text(console)
        assert "Payment of $50.00 posted. Change due: $50.00" in text and "RECEIPT" in text
        assert ledger(
            console,
            patient_id,
            "kind, method, amount_cents, tendered_cents, change_cents",
            "kind = 'payment'",
        ) == [("payment", "cash", -5000, 10000, 5000)]
        # The dialog's key: posting again (a double Enter, a retry) is the same posting.
        tender = payments.make_tender(console.desk, "cash", "50", tendered="100")
        again = payments.post_payment(console.desk, patient_id, [tender], dialog.key)
        assert again.replayed
        assert (
            db_value(
                console,
                "SELECT count(*) FROM postings WHERE kind = 'payment' AND patient_id = ?"
                " AND business_date = ?",
                patient_id,
                TODAY,
            )
            == 1
        )
        await pilot.press("enter")  # closes the receipt
        await pilot.pause()
        text = screen_text(console)
        assert "Owes nothing" in text and "Payment · Cash -50.00 0.00 50.00" in text


async def test_a_payment_split_over_cash_and_card(console) -> None:
    patient_id = owing_patient(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id)
        await pilot.press("p")
        await pilot.pause()
        await take_tender(pilot, console, "cash", "20", "")
        assert "Still to pay: $30.00" in screen_text(console)
        await pilot.press("a")
        await pilot.pause()
        assert console.screen.query_one("#td-amount").value == "30.00"
        await take_tender(pilot, console, "card", "", "", "4242", "A1B2C3")
        text = screen_text(console)
        assert "Cash $20.00" in text and "Card Visa ****4242 $30.00" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        assert ledger(
            console, patient_id, "method, amount_cents, reference", "kind = 'payment'"
        ) == [
            ("cash", -2000, ""),
            ("card", -3000, "4242 A1B2C3"),
        ]
        assert balance(console.desk, patient_id) == Money(0)


async def test_a_payment_above_the_balance_is_refused_and_nothing_posts(console) -> None:
    patient_id = owing_patient(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id)
        await pilot.press("p")
        await pilot.pause()
        await take_tender(pilot, console, "cash", "80", "")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(console.screen, TakeMoneyDialog)
        assert (
            "$80.00 is more than the balance ($50.00); take the rest as a deposit."
            in screen_text(console)
        )
        assert ledger(console, patient_id, "kind", "kind = 'payment'") == []
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(console.screen, AccountScreen)
        assert "Owes $50.00" in screen_text(console)


async def test_a_deposit_is_held_as_credit_on_account(console) -> None:
    patient_id = owing_patient(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id)
        await pilot.press("d")
        await pilot.pause()
        assert "Deposit (held as credit)" in screen_text(console)
        await take_tender(pilot, console, "check", "200", "1234")
        assert "Check #1234 $200.00" in screen_text(console)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        assert "Deposit of $200.00 taken; it is held as credit on account." in screen_text(console)
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(console)
        assert "Owes $50.00 · credit on account $200.00" in text
        assert "Deposit · Check 1234 -200.00 200.00" in text
        assert ledger(
            console,
            patient_id,
            "kind, account, method, reference, amount_cents",
            "kind = 'deposit'",
        ) == [("deposit", "credit", "check", "1234", -20000)]
        assert credit(console.desk, patient_id) == Money(20000)
        assert balance(console.desk, patient_id) == Money(5000)


async def test_a_gift_card_is_sold_and_then_pays_a_balance(console) -> None:
    patient_id = owing_patient(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"75", "enter", *"Maria Evans", "enter")
        await pilot.pause()
        assert console.screen.query_one("#td-amount").value == "75.00"
        await take_tender(pilot, console, "cash", "", "80")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        code, recipient, purchaser = console.db.execute(
            "SELECT code, recipient, purchaser_id FROM gift_cards ORDER BY id DESC"
        ).fetchone()
        assert (recipient, purchaser) == ("Maria Evans", patient_id)
        text = screen_text(console)
        assert f"Gift card {code} sold: $75.00. Change due: $5.00" in text
        assert "GIFT CARD" in text
        assert payments.find_gift_card(console.desk, code).balance == Money(7500)
        await pilot.press("escape")
        await pilot.pause()
        # On the buyer's account, but not on what they owe.
        text = screen_text(console)
        assert f"Gift card sold {code}" in text and "Owes $50.00" in text
        # The card pays the patient's $50.00.
        await pilot.press("p")
        await pilot.pause()
        await take_tender(pilot, console, "gift_card", "", code)
        assert f"Gift card {code} $50.00" in screen_text(console)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(console)
        assert "Owes nothing" in text and f"Payment · Gift card {code[:7]}" in text
        assert payments.find_gift_card(console.desk, code).balance == Money(2500)
        assert ledger(console, patient_id, "kind, amount_cents", "kind LIKE 'gift_card%'") == [
            ("gift_card_sale", -7500),
            ("gift_card_redeem", 5000),
        ]


async def test_a_same_day_payment_is_voided_with_a_managers_pin(console) -> None:
    patient_id = owing_patient(console)
    payment_id = paid_in_cash(console, patient_id)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "anguyen")
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(console.screen, ApproveDialog)
        assert "Void Payment · Cash, -$50.00 of 11/24/2026?" in screen_text(console)
        await pilot.press(*"wrong patient", "enter", *"dokafor", "enter", *"2468", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        assert "Voided: Payment · Cash (-$50.00)." in screen_text(console)
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(console)
        assert "Owes $50.00" in text and "VOIDED" in text
        assert f"Void · Cash of #{payment_id} · wron… 50.00 50.00" in text
        manager = db_value(console, "SELECT id FROM staff WHERE username = 'dokafor'")
        assert ledger(
            console,
            patient_id,
            "kind, amount_cents, reason, approver_id",
            "reverses_id = ?",
            payment_id,
        ) == [("reversal", 5000, "wrong patient", manager)]
        # Voided once: a second void is refused before anyone is asked.
        await pilot.press("up", "v")
        await pilot.pause()
        assert not isinstance(console.screen, ApproveDialog)
        assert "That entry was voided already." in screen_text(console)


async def test_an_old_entry_is_not_voided(console) -> None:
    patient_id = owing_patient(console)
    console.clock.advance(days=1)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "dokafor")
        await pilot.press("v")
        await pilot.pause()
        assert not isinstance(console.screen, ApproveDialog)
        assert "this one is from 11/24/2026" in screen_text(console)
        assert ledger(console, patient_id, "kind", "kind = 'reversal'") == []


async def test_a_manager_adjusts_a_balance_with_a_reason_code(console) -> None:
    patient_id = owing_patient(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "dokafor")
        await pilot.press("a")
        await pilot.pause()
        console.screen.query_one("#ad-code").value = "no_show_waived"
        await pilot.pause()
        await pilot.press("enter", "home", "ctrl+k", *"50", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ApproveDialog)
        text = screen_text(console)
        assert "Take $50.00 off" in text and "(no-show fee waived)" in text
        assert "Manager PIN" not in text  # the signed-in manager gives only the reason
        await pilot.press(*"first miss, waived", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        assert "Adjusted: $50.00 off the balance (no-show fee waived)." in screen_text(console)
        await pilot.press("escape")
        await pilot.pause()
        assert "Owes nothing" in screen_text(console)
        manager = db_value(console, "SELECT id FROM staff WHERE username = 'dokafor'")
        assert ledger(
            console, patient_id, "amount_cents, reason, note, approver_id", "kind = 'adjustment'"
        ) == [(-5000, "no_show_waived", "first miss, waived", manager)]


async def test_an_adjustment_escaped_at_the_approval_posts_nothing(console) -> None:
    patient_id = owing_patient(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "mbell")
        await pilot.press("a", "enter", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ApproveDialog)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(console.screen, AccountScreen)
        assert ledger(console, patient_id, "kind", "kind = 'adjustment'") == []


async def test_a_product_is_returned_and_put_back_on_the_shelf(console) -> None:
    appointment_id, patient_id = console.db.execute(
        "SELECT id, patient_id FROM appointments WHERE status = 'with_provider' ORDER BY id"
    ).fetchone()
    item_id, sku = console.db.execute(
        "SELECT id, sku FROM items WHERE kind = 'retail' AND active = 1 ORDER BY id"
    ).fetchone()
    from frontdesk.data.money_models import Checkout, FeeLine

    sale = visits.check_out(
        desk_of(console),
        Checkout(
            appointment_id=appointment_id,
            lines=(FeeLine(kind="product", code=sku, quantity=2),),
            idempotency_key=uuid4().hex,
        ),
    )
    owed = balance(console.desk, patient_id)
    (sold,) = [e.amount.cents for e in sale.entries if e.kind == "charge"]
    on_hand = db_value(console, "SELECT sum(quantity) FROM stock_moves WHERE item_id = ?", item_id)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id, "dokafor")
        await pilot.press("t")
        await pilot.pause()
        assert "Return a product" in screen_text(console)
        await pilot.press("enter", "enter")  # back on the shelf: yes; one of the two
        await pilot.pause()
        await pilot.press(*"unopened", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        assert "Returned 1; its price is off the balance." in screen_text(console)
        await pilot.press("escape")
        await pilot.pause()
    (returned,) = ledger(console, patient_id, "amount_cents, note", "reason = 'returned'")
    assert returned == (-(sold // 2), "unopened")  # one of the two, and why
    assert balance(console.desk, patient_id) == owed - Money(sold // 2)
    assert (
        db_value(console, "SELECT sum(quantity) FROM stock_moves WHERE item_id = ?", item_id)
        == on_hand + 1
    )


async def test_enter_shows_an_old_receipt_and_r_prints_it_again(console) -> None:
    patient_id = owing_patient(console)
    paid_in_cash(console, patient_id)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id)
        jobs = db_value(console, "SELECT count(*) FROM print_jobs WHERE reprint = 1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        assert "*** REPRINT ***" in screen_text(console)
        await pilot.press("r")
        await pilot.pause()
        assert db_value(console, "SELECT count(*) FROM print_jobs WHERE reprint = 1") == jobs + 1
        assert "Reprint queued." in screen_text(console)
        await pilot.press("escape", "o")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)


async def test_s_sends_the_patients_statement_to_the_printer(console) -> None:
    patient_id = owing_patient(console)
    paid_in_cash(console, patient_id, "20")
    statements = "SELECT workstation, payload FROM print_jobs WHERE kind = 'statement'"
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id)
        assert console.db.execute(statements).fetchall() == []
        await pilot.press("S")
        await pilot.pause()
        assert "Statement sent to the printer." in screen_text(console)
    ((workstation, payload),) = console.db.execute(statements).fetchall()
    assert workstation == "FRONT-1"
    statement = Statement.model_validate_json(payload)
    account_no = db_value(console, "SELECT account_no FROM patients WHERE id = ?", patient_id)
    assert statement.account_no == account_no
    # This morning's missed-appointment fee and the $20.00 paid on it in cash.
    assert [(line.text, line.amount) for line in statement.lines[-2:]] == [
        ("No-show fee", Money(5000)),
        ("Payment - Cash", Money(-2000)),
    ]
    assert statement.ending_balance == statement.amount_due == Money(3000)
    assert (
        db_value(console, "SELECT count(*) FROM audit_log WHERE action = 'statement printed'") == 1
    )


async def test_ctrl_f_goes_back_to_the_look_up(console) -> None:
    patient_id = owing_patient(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_account(pilot, console, patient_id)
        await pilot.press("ctrl+f")
        await pilot.pause()
        text = screen_text(console)
        assert "Payments: whose account?" in text and "Owes $50.00" not in text
        await pilot.press("p")  # typed into the look-up, not a payment
        await pilot.pause()
        assert isinstance(console.screen, AccountScreen)


async def test_another_screen_opens_a_patients_account(console) -> None:
    patient_id = owing_patient(console)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "mbell")
        await console.push_screen(AccountScreen(patient_id))
        await pilot.pause()
        assert "Owes $50.00" in screen_text(console)


async def test_a_provider_cannot_open_payments(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "evargas")
        await pilot.press("f5")
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(console.screen, AccountScreen)
