"""Check-out through the keys: the fee sheet (a service by code, a product scanned, a
discount, quantities), a split payment with change, the posting (receipt, ledger,
encounter, stock, print job), the follow-up offer; and the refusals: payments over what
is due, a discount over the limit without a manager, an unknown barcode."""

from __future__ import annotations

from frontdesk.data.money import Money
from frontdesk.screens.check_in import CheckInScreen
from frontdesk.screens.checkout import CheckoutScreen
from frontdesk.screens.checkout_dialogs import DiscountDialog
from frontdesk.screens.flow_board import FlowBoardScreen
from frontdesk.services import fee_sheets, ledger
from frontdesk.widgets.dialogs import ApproveDialog, ConfirmDialog
from frontdesk.widgets.receipt_dialog import ReceiptDialog
from tests.functional.conftest import SIZE, db_value, screen_text
from tests.functional.test_check_in import choose_collect, open_check_in, take_card, take_cash
from tests.functional.test_flow_board import arrived_today, highlight, open_board

SUNSCREEN = "850012410300"  # Mineral Sunscreen SPF 30, $32.00, taxable


async def open_checkout(pilot, appointment_id: int, username: str = "anguyen"):
    board = await open_board(pilot, username)
    await highlight(pilot, board, appointment_id)
    await pilot.press("c")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CheckoutScreen)
    return screen


async def add(pilot, text: str) -> None:
    """Type in the search field and Enter (a scanner types the SKU and Enter the same way)."""
    await pilot.press(*text, "enter")
    await pilot.pause()


async def discount(pilot, value: str, downs: int = 0) -> None:
    """`d` on the highlighted line: the reason (courtesy, then `downs` further) and amount."""
    await pilot.press("d")
    await pilot.pause()
    assert isinstance(pilot.app.screen, DiscountDialog)
    if downs:
        await pilot.press("down", *["down"] * downs, "enter")
    await pilot.press("tab", "ctrl+u", *value, "enter")
    await pilot.pause()


def _totals(app) -> tuple[int, int, int]:
    """How many postings, ledger rows and print jobs there are."""
    return (
        db_value(app, "SELECT count(*) FROM postings"),
        db_value(app, "SELECT count(*) FROM ledger"),
        db_value(app, "SELECT count(*) FROM print_jobs"),
    )


def _encounter(app, appointment_id: int) -> tuple | None:
    return app.db.execute(
        "SELECT id, status FROM encounters WHERE appointment_id = ?", (appointment_id,)
    ).fetchone()


def _status(app, appointment_id: int) -> str:
    return db_value(app, "SELECT status FROM appointments WHERE id = ?", appointment_id)


async def test_check_in_then_check_out_with_a_fee_sheet_and_a_split_payment(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        check_in = await open_check_in(pilot)
        visit_id, patient = check_in.appointment_id, check_in._patient
        desk = console.desk
        owed, held = ledger.balance(desk, patient.id), ledger.credit(desk, patient.id)
        on_hand = fee_sheets.find_sku(desk, SUNSCREEN).on_hand
        await choose_collect(pilot, "copay")
        await take_card(pilot, "25")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")  # the co-pay's receipt
        await pilot.pause()
        assert isinstance(console.screen, FlowBoardScreen)
        await pilot.press("c")  # the cursor stayed on the patient, now arrived
        await pilot.pause()
        screen = console.screen
        assert isinstance(screen, CheckoutScreen) and screen.appointment_id == visit_id
        assert "Paid at check-in $25.00" in screen_text(console)

        await add(pilot, "99213")  # a service by its code
        await add(pilot, SUNSCREEN)  # a product, scanned
        text = screen_text(console)
        assert "99213 Established patient… 1 $130.00 $130.00" in text
        assert f"{SUNSCREEN} Mineral Sunscreen S… 1 $32.00 $3.28 $35.28" in text
        await pilot.press("tab")  # to the lines; the product is highlighted
        await discount(pilot, "10%")
        text = screen_text(console)
        assert f"{SUNSCREEN} Mineral Sunscreen S… 1 $32.00 -$3.20 $2.95 $31.75" in text
        assert "courtesy discount $3.20" in text
        assert "Subtotal $162.00 · Discounts -$3.20 · Tax $2.95 · Visit total $161.75" in text
        due = owed - Money(2500) + Money(16175)
        assert (
            f"Prior balance {owed} · Paid at check-in $25.00 · Credit {held} · Due now {due}"
            in text
        )

        card = due - Money(3675)  # the rest, $36.75, in cash: $50.00 handed over
        assert card.cents > 0
        await take_card(pilot, card.format(symbol=False), "1881", "Z9Y8X7")
        await take_cash(pilot, "36.75", "50")
        text = screen_text(console)
        assert f"Card Visa 1881 Z9Y8X7 {card}" in text
        assert "Cash handed over $50.00 $36.75 $13.25" in text
        assert f"Paying {due} of {due} due · left to pay $0.00 · change due $13.25" in text
        assert screen.query_one("#co").max_scroll_y == 0  # all of it on 80x24

        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        text = screen_text(console)
        posting_id = db_value(
            console, "SELECT id FROM postings WHERE idempotency_key = ?", screen.key
        )
        assert "Change due: $13.25" in text and ledger.receipt_number(posting_id) in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(console.screen, ConfirmDialog)
        assert f"Book {patient.display_name}'s follow-up now?" in screen_text(console)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(console.screen, FlowBoardScreen)
        row = next(r for r in console.screen.shown if r.appointment_id == visit_id)
        assert row.status == "checked_out"

        assert console.db.execute(
            "SELECT kind, account, amount_cents, method, tendered_cents, change_cents"
            " FROM ledger WHERE posting_id = ? ORDER BY id",
            (posting_id,),
        ).fetchall() == [
            ("charge", "patient", 13000, None, None, None),
            ("charge", "patient", 3175, None, None, None),
            ("payment", "patient", -card.cents, "card", None, None),
            ("payment", "patient", -3675, "cash", 5000, 1325),
        ]
        assert ledger.balance(desk, patient.id).cents == 0  # the co-pay and payments cover it
        encounter = console.db.execute(
            "SELECT id, status, finalized_by FROM encounters WHERE appointment_id = ?", (visit_id,)
        ).fetchone()
        assert encounter[1] == "finalized"
        assert console.db.execute(
            "SELECT code, quantity, discount_cents, discount_reason, tax_cents, total_cents"
            " FROM charges WHERE encounter_id = ? ORDER BY line_no",
            (encounter[0],),
        ).fetchall() == [
            ("99213", 1, 0, "", 0, 13000),
            (SUNSCREEN, 1, 320, "courtesy", 295, 3175),
        ]
        assert _status(console, visit_id) == "checked_out"
        assert console.db.execute(
            "SELECT kind, reprint FROM print_jobs WHERE posting_id = ?", (posting_id,)
        ).fetchall() == [("receipt", 0)]
        assert console.db.execute(
            "SELECT m.quantity, m.reason FROM stock_moves m JOIN charges c ON c.id = m.charge_id"
            " WHERE c.encounter_id = ?",
            (encounter[0],),
        ).fetchall() == [(-1, "sale")]
        assert fee_sheets.find_sku(desk, SUNSCREEN).on_hand == on_hand - 1


async def test_payments_above_what_is_due_are_refused_and_nothing_is_posted(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        visit_id = arrived_today(console)[0]
        screen = await open_checkout(pilot, visit_id)
        due = ledger.balance(console.desk, screen._visit.patient_id) + Money(13000)
        before = _totals(console)
        await add(pilot, "99213")
        await pilot.press("tab")  # out of the search field, where t is a letter
        await take_card(pilot, "200")
        over = Money(20000) - due
        assert f"Paying $200.00 of {due} due · over by {over}: remove a tender" in screen_text(
            console
        )
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(console.screen, CheckoutScreen)
        assert f"The payments ($200.00) are more than what is due ({due})." in screen_text(console)
        assert _totals(console) == before
        assert _encounter(console, visit_id) is None
        assert _status(console, visit_id) == "arrived"
        await pilot.press("delete")  # the tender (the tenders table has the focus)
        await pilot.pause()
        assert f"Due now {due}: t adds a tender" in screen_text(console)


async def test_a_receptionists_discount_over_the_limit_needs_a_manager(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        visit_id = arrived_today(console)[0]
        screen = await open_checkout(pilot, visit_id)
        before = _totals(console)
        await add(pilot, "99213")
        await pilot.press("tab")
        await discount(pilot, "30")  # the practice's limit is $25.00
        text = screen_text(console)
        assert "*Established pati" in text and "* needs a manager" in text
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(console.screen, ApproveDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert (
            "Not done: a manager must approve discount of $30.00 on 99213 (over $25.00)."
            in screen_text(console)
        )
        assert _totals(console) == before and _encounter(console, visit_id) is None
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press(*"long wait", "enter", *"dokafor", "enter", *"1111", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ApproveDialog)  # a wrong PIN approves nothing
        assert _totals(console) == before
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        manager = db_value(console, "SELECT id FROM staff WHERE username = 'dokafor'")
        assert console.db.execute(
            "SELECT p.approver_id, c.approver_id, c.discount_cents FROM postings p"
            " JOIN encounters e ON e.id = p.encounter_id JOIN charges c ON c.encounter_id = e.id"
            " WHERE p.idempotency_key = ?",
            (screen.key,),
        ).fetchall() == [(manager, manager, 3000)]
        assert _status(console, visit_id) == "checked_out"


async def test_quantity_keys_and_delete_change_the_lines(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await open_checkout(pilot, arrived_today(console)[0])
        await add(pilot, SUNSCREEN)
        await add(pilot, SUNSCREEN)  # scanned twice: two of it on one line
        await pilot.press("tab")
        assert f"{SUNSCREEN} Mineral Sunscreen S… 2 $32.00 $6.56 $70.56" in screen_text(console)
        await pilot.press("plus")
        await pilot.pause()
        assert "Mineral Sunscreen S… 3 $32.00" in screen_text(console)
        await pilot.press("q", "ctrl+u", *"x", "enter")
        await pilot.pause()
        assert "'x' is not a quantity" in screen_text(console)
        await pilot.press("ctrl+u", "1", "enter")
        await pilot.pause()
        assert "Mineral Sunscreen S… 1 $32.00" in screen_text(console)
        await pilot.press("minus")
        await pilot.pause()
        assert "The quantity is at least 1; Delete removes the line." in screen_text(console)
        await pilot.press("delete")
        await pilot.pause()
        text = screen_text(console)
        assert "No lines yet" in text and "Visit total $0.00" in text


async def test_an_unknown_barcode_says_so_and_adds_nothing(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await open_checkout(pilot, arrived_today(console)[0])
        await add(pilot, "000000000000")
        text = screen_text(console)
        assert "There is no product with SKU '000000000000'." in text
        assert "No lines yet" in text


async def test_words_find_services_and_products_and_down_picks_one(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await open_checkout(pilot, arrived_today(console)[0])
        await pilot.press(*"punch biopsy")
        await pilot.pause()
        text = screen_text(console)
        assert "11104 Punch biopsy of skin, first lesion $195.00" in text
        assert "11105 Punch biopsy of skin, each additional lesion $95.00" in text
        await pilot.press("down", "enter")
        await pilot.pause()
        assert "11105 Punch biopsy of ski… 1 $95.00 $95.00" in screen_text(console)


async def test_ctrl_s_saves_the_draft_and_it_comes_back(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        visit_id = arrived_today(console)[0]
        await open_checkout(pilot, visit_id)
        before = _totals(console)
        await add(pilot, "99213")
        await pilot.press("escape")  # unsaved: it asks
        await pilot.pause()
        assert isinstance(console.screen, ConfirmDialog)
        await pilot.press("n", "ctrl+s")
        await pilot.pause()
        assert "Fee sheet saved as a draft: 1 line." in screen_text(console)
        assert console.db.execute(
            "SELECT e.status, c.code FROM encounters e JOIN charges c ON c.encounter_id = e.id"
            " WHERE e.appointment_id = ?",
            (visit_id,),
        ).fetchall() == [("open", "99213")]
        await pilot.press("escape")  # saved: it goes
        await pilot.pause()
        assert isinstance(console.screen, FlowBoardScreen)
        await pilot.press("c")
        await pilot.pause()
        assert "99213 Established patient… 1 $130.00 $130.00" in screen_text(console)
        assert _totals(console) == before


async def test_no_charge_visit_sets_up_the_recall_and_offers_the_follow_up(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        visit_id = next(
            r.appointment_id
            for r in (await open_board(pilot)).shown
            if r.status == "arrived" and r.type_name == "Full-body skin check"
        )
        await pilot.press("escape")
        await pilot.pause()
        await open_checkout(pilot, visit_id)
        await pilot.press("f9")
        await pilot.pause()
        assert "Add the visit's services and products, or say why there is no charge." in (
            screen_text(console)
        )
        await pilot.press("tab", "n")  # from the search field (n there is a letter)
        await pilot.pause()
        await pilot.press(*"post-op check", "enter")
        await pilot.pause()
        assert "No charge: post-op check" in screen_text(console)
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("enter")  # the receipt
        await pilot.pause()
        assert isinstance(console.screen, ConfirmDialog)
        assert "A recall was set up: Yearly skin check, due 11/24/2027." in screen_text(console)
        await pilot.press("y")
        await pilot.pause()
        assert "Find next available" in screen_text(console)
        assert console.db.execute(
            "SELECT status, no_charge_reason FROM encounters WHERE appointment_id = ?",
            (visit_id,),
        ).fetchone() == ("finalized", "post-op check")
        assert _status(console, visit_id) == "checked_out"
        assert isinstance(console.screen_stack[-2], FlowBoardScreen)
        assert not any(isinstance(s, (CheckoutScreen, CheckInScreen)) for s in console.screen_stack)
