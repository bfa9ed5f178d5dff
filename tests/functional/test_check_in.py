"""Check-in through the keys: contact details confirmed (saved only when changed), the
insurance card, a co-pay or deposit in one or more tenders, the receipt, and back on the
flow board with the patient arrived; bad input says why and saves nothing."""

from __future__ import annotations

from frontdesk.data.money import Money
from frontdesk.screens.check_in import CheckInScreen
from frontdesk.screens.flow_board import FlowBoardScreen
from frontdesk.services import visits
from frontdesk.services.fields import CARD_NUMBER_MESSAGE
from frontdesk.services.ledger import credit, receipt_number
from frontdesk.widgets.receipt_dialog import ReceiptDialog
from frontdesk.widgets.tender_dialog import TenderDialog
from tests.functional.conftest import SIZE, db_value, screen_text
from tests.functional.test_flow_board import open_board

# Tab presses from the first field (phone) to each field of the check-in form.
FIELDS = ("phone", "email", "address1", "city", "state", "postal_code")
TO_PAYER = len(FIELDS)
TO_COLLECT = len(FIELDS) + 4


async def open_check_in(pilot, username: str = "anguyen") -> CheckInScreen:
    """The flow board's first patient (scheduled, at the top) opened with `i`."""
    board = await open_board(pilot, username)
    assert board.shown[0].status in ("booked", "confirmed")
    await pilot.press("i")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CheckInScreen)
    return screen


async def choose_collect(pilot, what: str, tabs: int = TO_COLLECT) -> None:
    """Tab to Collect (from the first field) and pick co-pay (one down) or deposit (two)."""
    downs = {"copay": 1, "deposit": 2}[what]
    await pilot.press(*["tab"] * tabs, "down", *["down"] * downs, "enter")
    await pilot.pause()


async def take_card(pilot, amount: str, last4: str = "4242", auth: str = "A1B2C3") -> None:
    """`t`, then a card tender in the tender dialog: Paid by Card, amount, last 4, code."""
    await pilot.press("t")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TenderDialog)
    await pilot.press("down", "down", "down", "enter")  # cash, check, card
    await pilot.press("tab", "ctrl+u", *amount, "tab", "tab", *last4, "tab", *auth, "enter")
    await pilot.pause()


async def take_cash(pilot, amount: str, handed: str) -> None:
    await pilot.press("t")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TenderDialog)
    await pilot.press("tab", "ctrl+u", *amount, "tab", *handed, "enter")
    await pilot.pause()


def posting_of(app, key: str) -> int:
    """The posting a screen made with its idempotency key."""
    return db_value(app, "SELECT id FROM postings WHERE idempotency_key = ?", key)


def _counts(app) -> tuple[int, int, int, int]:
    return (
        db_value(app, "SELECT count(*) FROM ledger"),
        db_value(app, "SELECT count(*) FROM insurance_cards"),
        db_value(app, "SELECT count(*) FROM print_jobs"),
        db_value(app, "SELECT count(*) FROM audit_log WHERE action = 'patient edited'"),
    )


async def test_the_form_shows_the_patients_contact_and_the_visit(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_check_in(pilot)
        patient = screen._patient
        text = screen_text(console)
        assert f"Check-in: {patient.display_name} · #{patient.account_no}" in text
        assert f"Phone {patient.phone}" in text and f"Email {patient.email}" in text
        assert f"City {patient.city}" in text and f"ZIP {patient.postal_code}" in text
        assert "Verified 11/24/2026" in text  # today, unless changed
        assert "Collect Nothing" in text
        form = screen.query_one("#ci")
        assert form.max_scroll_y == 0 and form.max_scroll_x == 0  # all of it on 80x24


async def test_check_in_with_a_copay_by_card_shows_the_receipt_and_the_patient_arrived(
    console,
) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_check_in(pilot)
        appointment_id, patient = screen.appointment_id, screen._patient
        before = _counts(console)
        await pilot.press(*["tab"] * TO_PAYER, *"Aetna", "tab", *"W123456789", "tab", *"G-77")
        await choose_collect(pilot, "copay", tabs=2)  # group, verified, collect
        await take_card(pilot, "25")
        text = screen_text(console)
        assert "Card Visa 4242 A1B2C3 $25.00" in text
        assert "Co-pay: $25.00 in 1 tender" in text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        text = screen_text(console)
        assert f"Checked in: {patient.display_name} · Co-pay taken" in text
        assert "RECEIPT" in text and receipt_number(posting_of(console, screen.key)) in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(console.screen, FlowBoardScreen)
        row = console.screen.shown[console.screen.query_one("#fb-table").cursor_row]
        assert (row.appointment_id, row.status) == (appointment_id, "arrived")
        assert db_value(
            console, "SELECT status FROM appointments WHERE id = ?", appointment_id
        ) == ("arrived")
        posting_id = posting_of(console, screen.key)
        assert console.db.execute(
            "SELECT kind, account, amount_cents, method, reference, card_brand, appointment_id"
            " FROM ledger WHERE posting_id = ?",
            (posting_id,),
        ).fetchall() == [
            ("payment", "patient", -2500, "card", "4242 A1B2C3", "Visa", appointment_id)
        ]
        assert console.db.execute(
            "SELECT payer, member_id, group_no, verified_on, active FROM insurance_cards"
            " WHERE patient_id = ?",
            (patient.id,),
        ).fetchall() == [("Aetna", "W123456789", "G-77", "2026-11-24", 1)]
        assert console.db.execute(
            "SELECT kind, reprint FROM print_jobs WHERE posting_id = ?", (posting_id,)
        ).fetchall() == [("receipt", 0)]
        # Nothing in the contact details changed: the record was not written.
        assert _counts(console)[3] == before[3]


async def test_a_changed_phone_is_saved_with_the_check_in(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_check_in(pilot)
        patient = screen._patient
        ledger_rows = _counts(console)[0]
        await pilot.press("ctrl+u", *"312-555-0199", "ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, FlowBoardScreen)  # no money taken: no receipt
        assert f"Checked in: {patient.display_name}." in screen_text(console)
        assert console.db.execute(
            "SELECT phone, email FROM patients WHERE id = ?", (patient.id,)
        ).fetchone() == ("(312) 555-0199", patient.email)
        assert console.db.execute(
            "SELECT summary FROM audit_log WHERE action = 'patient edited' AND record_id = ?",
            (patient.id,),
        ).fetchall() == [("phone",)]
        assert _counts(console)[0] == ledger_rows


async def test_a_card_number_typed_in_a_field_is_refused_and_nothing_is_saved(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_check_in(pilot)
        status = db_value(
            console, "SELECT status FROM appointments WHERE id = ?", screen.appointment_id
        )
        before = _counts(console)
        await pilot.press(*["tab"] * TO_PAYER, *"Aetna", "tab", *"4111 1111 1111 1111")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, CheckInScreen)
        assert CARD_NUMBER_MESSAGE in screen_text(console)
        assert _counts(console) == before
        assert (
            db_value(console, "SELECT status FROM appointments WHERE id = ?", screen.appointment_id)
            == status
        )


async def test_a_bad_zip_or_a_future_verified_date_is_refused(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_check_in(pilot)
        before = _counts(console)
        await pilot.press(*["tab"] * 5, "ctrl+u", *"606", "ctrl+s")
        await pilot.pause()
        assert "ZIP code is 5 digits" in screen_text(console)
        await pilot.press("ctrl+u", *"60611", "tab", *"Aetna", "tab", *"W1", "tab", "tab")
        await pilot.press("ctrl+u", *"12/01/2026", "ctrl+s")
        await pilot.pause()
        assert "The card cannot have been checked on a day still to come." in screen_text(console)
        assert _counts(console) == before
        assert isinstance(console.screen, CheckInScreen) and screen.is_attached


async def test_a_copay_needs_a_tender_and_cash_must_cover_its_amount(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await open_check_in(pilot)
        before = _counts(console)
        await choose_collect(pilot, "copay")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Add how the patient pays." in screen_text(console)
        await take_cash(pilot, "25", "20")
        assert isinstance(console.screen, TenderDialog)
        assert "The cash handed over ($20.00) is less than the amount ($25.00)." in screen_text(
            console
        )
        await pilot.press("escape")
        await pilot.pause()
        assert "Co-pay: no tender yet" in screen_text(console)
        assert _counts(console) == before


async def test_a_deposit_in_two_tenders_with_change_becomes_credit(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_check_in(pilot)
        patient = screen._patient
        held = credit(console.desk, patient.id)
        await choose_collect(pilot, "deposit")
        await take_card(pilot, "100")
        await take_cash(pilot, "50", "60")
        text = screen_text(console)
        assert "Deposit: $150.00 in 2 tenders · change due $10.00" in text
        await pilot.press("ctrl+s", "ctrl+s")  # a double press posts once
        await pilot.pause()
        assert isinstance(console.screen, ReceiptDialog)
        assert "Change due: $10.00" in screen_text(console)
        await pilot.press("enter")
        await pilot.pause()
        assert console.db.execute(
            "SELECT kind, account, amount_cents, method, tendered_cents, change_cents"
            " FROM ledger WHERE posting_id = ? ORDER BY id",
            (posting_of(console, screen.key),),
        ).fetchall() == [
            ("deposit", "credit", -10000, "card", None, None),
            ("deposit", "credit", -5000, "cash", 6000, 1000),
        ]
        assert (
            db_value(console, "SELECT count(*) FROM postings WHERE idempotency_key = ?", screen.key)
            == 1
        )
        assert (
            db_value(console, "SELECT status FROM appointments WHERE id = ?", screen.appointment_id)
            == "arrived"
        )
        assert credit(console.desk, patient.id) - held == Money(15000)


async def test_delete_removes_the_highlighted_tender(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await open_check_in(pilot)
        await choose_collect(pilot, "copay")
        await take_card(pilot, "25")
        await take_cash(pilot, "10", "")
        assert "Co-pay: $35.00 in 2 tenders" in screen_text(console)
        await pilot.press("up", "delete")  # the card
        await pilot.pause()
        text = screen_text(console)
        assert "Co-pay: $10.00 in 1 tender" in text and "Visa 4242" not in text


async def test_the_same_check_in_sent_again_posts_once_and_changes_nothing_more(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_check_in(pilot)
        patient = screen._patient
        await pilot.press("ctrl+u", *"312-555-0199")
        contact = screen._contact()
        await choose_collect(pilot, "copay")
        await take_card(pilot, "25")
        tenders = list(screen._tenders)
        await pilot.press("ctrl+s")
        await pilot.pause()
        first = posting_of(console, screen.key)
        # The same screen's submit again (a retry after a dropped connection).
        _visit, again = visits.check_in(
            console.desk,
            screen.appointment_id,
            contact=contact,
            original=patient,
            collect="copay",
            tenders=tenders,
            key=screen.key,
        )
        assert again is not None and again.id == first and again.replayed
        assert db_value(console, "SELECT count(*) FROM ledger WHERE posting_id = ?", first) == 1
        assert (
            db_value(
                console,
                "SELECT count(*) FROM audit_log WHERE action = 'patient edited' AND record_id = ?",
                patient.id,
            )
            == 1
        )
