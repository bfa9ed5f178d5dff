"""The money desk through a day at the practice: check-in with a co-pay, check-out with a
fee sheet and split tenders, sales tax and discounts, deposits, gift cards, payments on a
balance, refunds, voids, adjustments, no-show fees and returns, and every bad amount a
person can type refused with nothing written."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable

import pytest

from frontdesk.data.money import Money
from frontdesk.data.money_models import FeeLine
from frontdesk.errors import BadAmount, Conflict, FrontDeskError, Invalid, NotFound
from frontdesk.services import (
    appointment_status,
    corrections,
    fee_sheets,
    ledger,
    patient_account,
    payments,
    practice,
    receipts,
    visits,
)
from frontdesk.services.context import Desk
from frontdesk.services.ledger import NeedsApproval
from tests.conftest import MORNING, FakeClock, actor
from tests.unit.money_helpers import (
    ADAPALENE,
    LIP_BALM,
    SUNSCREEN,
    a_missed_appointment,
    a_mornings_books,
    a_patient_with_nothing_today,
    a_visit_with_a_balance,
    card,
    cash,
    check,
    check_in,
    check_out,
    fingerprint,
    gift,
    key,
    on_account,
    on_hand,
    payment_entry,
    product,
    quick_commits,
    service,
    status_of,
    tax_of,
    todays_visits,
)


@pytest.fixture(autouse=True)
def _quick(desk: Desk) -> None:
    quick_commits(desk)


@pytest.fixture
def manager(desk: Desk):
    return actor(desk, "dokafor")


def _events(desk: Desk, appointment_id: int) -> list[tuple]:
    return desk.db.execute(
        "SELECT from_status, to_status, staff_id FROM appointment_events"
        " WHERE appointment_id = ? ORDER BY id",
        (appointment_id,),
    ).fetchall()


# -- a visit from check-in to check-out ---------------------------------------------------------


def test_a_visit_checks_in_with_a_co_pay_and_out_with_card_and_cash_with_change(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    booked_as = status_of(desk, appointment_id)
    shelf = on_hand(desk, SUNSCREEN)
    arrived, copay = visits.check_in(
        desk, appointment_id, collect="copay", tenders=[card(3000, last4="1881")], key=key()
    )
    assert arrived.status == "arrived" and copay is not None
    assert ledger.balance(desk, patient_id) == Money(-3000)

    # An office visit, 20 units of Botox and two sunscreens (taxed): $480.56, less the
    # $30.00 co-pay: $450.56, paid $400.00 by card and $50.56 in cash from $60.00.
    sunscreen_tax = tax_of(2 * 3200)
    assert sunscreen_tax == 656
    posting = check_out(
        desk,
        appointment_id,
        [service("99213"), service("BOTOX-U", 20), product(SUNSCREEN, 2)],
        [card(40000, last4="1881", auth="0K7Q2A"), cash(5056, 6000)],
    )

    assert ledger.balance(desk, patient_id) == Money(0)
    assert posting.change == Money(944)
    charges = [e.amount.cents for e in posting.entries if e.kind == "charge"]
    assert charges == [13000, 28000, 6400 + sunscreen_tax]
    (cash_entry,) = [e for e in posting.entries if e.method == "cash"]
    assert (cash_entry.amount, cash_entry.tendered, cash_entry.change) == (
        Money(-5056),
        Money(6000),
        Money(944),
    )
    assert all(e.business_date == dt.date(2026, 11, 24) for e in posting.entries)

    receipt = posting.receipt
    assert receipt is not None
    assert [(line.text, line.quantity, line.amount.cents) for line in receipt.lines] == [
        ("Office visit", 1, 13000),
        ("Cosmetic service", 20, 28000),
        ("Mineral Sunscreen SPF 30, untinted, 3 oz", 2, 6400),
    ]
    assert (receipt.subtotal, receipt.tax, receipt.total) == (
        Money(47400),
        Money(656),
        Money(48056),
    )
    assert [(t.method, t.amount.cents, t.detail) for t in receipt.tenders] == [
        ("card", 40000, "Visa ****1881"),
        ("cash", 5056, ""),
    ]
    assert receipt.tenders[1].change == Money(944) and receipt.balance_after == Money(0)
    first, last, dob = desk.db.execute(
        "SELECT first_name, last_name, dob FROM patients WHERE id = ?", (patient_id,)
    ).fetchone()
    assert receipt.patient == f"{first} {last[0]}."
    assert receipt.cashier == "Ashley N." and receipt.workstation == "FRONT-1"

    job = desk.db.execute(
        "SELECT id, kind, status, workstation, payload FROM print_jobs WHERE posting_id = ?",
        (posting.id,),
    ).fetchall()
    assert len(job) == 1 and job[0][:4] == (posting.print_job_id, "receipt", "pending", "FRONT-1")
    payload = job[0][4]
    assert json.loads(payload) == json.loads(receipt.model_dump_json())
    born = dt.date.fromisoformat(dob)
    for written in (dob, f"{born:%m/%d/%Y}", f"{born.month}/{born.day}/{born.year}"):
        assert written not in payload
    assert "Botox" not in payload and "onabotulinumtoxinA" not in payload

    assert status_of(desk, appointment_id) == "checked_out"
    anguyen = actor(desk, "anguyen").staff_id
    assert _events(desk, appointment_id)[-2:] == [
        (booked_as, "arrived", anguyen),
        ("arrived", "checked_out", anguyen),
    ]
    assert on_hand(desk, SUNSCREEN) == shelf - 2
    sheet = fee_sheets.fee_sheet(desk, appointment_id)
    assert sheet.status == "finalized" and sheet.total == Money(48056)
    (row,) = [r for r in visits.flow_board(desk) if r.appointment_id == appointment_id]
    assert (row.status, row.fee_sheet, row.balance) == ("checked_out", "finalized", Money(0))
    shown = patient_account.account(desk, patient_id)
    assert shown.balance == Money(0) and shown.lines[-1].balance == Money(0)


def test_check_out_moves_the_visit_on_only_once_with_its_event(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    (appointment_id, _), *_ = todays_visits(desk)
    check_in(desk, appointment_id)
    check_out(desk, appointment_id, [service("99212")], [cash(8500)])
    assert [e[1] for e in _events(desk, appointment_id)][-2:] == ["arrived", "checked_out"]
    before = fingerprint(desk)
    with pytest.raises(Conflict, match="only a patient who is in the office"):
        check_out(desk, appointment_id, [service("99212")], [cash(8500)])
    assert fingerprint(desk) == before


def test_a_visit_not_yet_checked_in_cannot_be_checked_out(receptionist_desk: Desk) -> None:
    (appointment_id, _), *_ = todays_visits(receptionist_desk)
    before = fingerprint(receptionist_desk)
    with pytest.raises(Conflict, match=r"cannot|only a patient who is in the office"):
        check_out(receptionist_desk, appointment_id, [service("99212")])
    assert fingerprint(receptionist_desk) == before


def test_a_visit_with_no_charge_needs_the_reason(receptionist_desk: Desk) -> None:
    (appointment_id, _), *_ = todays_visits(receptionist_desk)
    check_in(receptionist_desk, appointment_id)
    with pytest.raises(Invalid, match="say why there is no charge"):
        check_out(receptionist_desk, appointment_id, [])


# -- pricing: tax and discounts ------------------------------------------------------------------


def test_sales_tax_is_only_on_taxable_retail_rounded_half_up(manager_desk: Desk) -> None:
    desk = manager_desk
    # $15.99 x 10.25% = $1.6390 -> $1.64; $2.00 x 10.25% = $0.205 -> $0.21 (half up,
    # where a banker's rounding would give $0.20).
    adapalene = fee_sheets.price_line(desk, product(ADAPALENE))
    assert (adapalene.taxable, adapalene.tax, adapalene.total) == (True, Money(164), Money(1763))
    two_dollars = fee_sheets.price_line(desk, product(LIP_BALM, unit_price=Money(200)))
    assert two_dollars.tax == Money(21) and two_dollars.total == Money(221)
    six_dollars = fee_sheets.price_line(desk, product(LIP_BALM, unit_price=Money(600)))
    assert six_dollars.tax == Money(62)  # $0.615 -> $0.62
    # Services are never taxed, nor a product the practice marks as not taxable.
    visit = fee_sheets.price_line(desk, service("99213"))
    botox = fee_sheets.price_line(desk, service("BOTOX-U", 20))
    assert visit.tax == botox.tax == Money(0) and botox.total == Money(28000)
    desk.db.execute(
        "INSERT INTO items (sku, name, kind, price_cents, taxable, created_at, updated_at)"
        " VALUES ('850012499998', 'Prescription skin cream', 'retail', 4500, 0, 'now', 'now')"
    )
    untaxed = fee_sheets.price_line(desk, product("850012499998", 3))
    assert (untaxed.taxable, untaxed.tax, untaxed.total) == (False, Money(0), Money(13500))


def test_tax_on_a_fee_sheet_is_worked_out_line_by_line(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    check_in(desk, appointment_id)
    posting = check_out(
        desk, appointment_id, [service("99212"), product(ADAPALENE), product(LIP_BALM, 3)]
    )
    assert posting.receipt is not None
    assert posting.receipt.tax == Money(164 + tax_of(2700)) == Money(164 + 277)
    assert ledger.balance(desk, patient_id) == Money(8500 + 1599 + 2700 + 164 + 277)


def test_a_percent_discount_is_rounded_half_up_and_tax_is_on_the_discounted_price(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    # 10% of $15.99 is $1.599 -> $1.60; tax on $14.39 is $1.474975 -> $1.47.
    line = fee_sheets.price_line(
        desk, product(ADAPALENE, discount_percent=10, discount_reason="promotion")
    )
    assert (line.discount, line.tax, line.total) == (Money(160), Money(147), Money(1586))
    assert not line.needs_approval
    # 15% off an office visit: $19.50, no tax.
    visit = fee_sheets.price_line(
        desk, service("99213", discount_percent=15, discount_reason="courtesy")
    )
    assert (visit.discount, visit.total) == (Money(1950), Money(11050))


def test_an_amount_discount_comes_off_the_line_before_tax(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    check_in(desk, appointment_id)
    posting = check_out(
        desk,
        appointment_id,
        [
            product(SUNSCREEN, 2, discount_amount=Money(1000), discount_reason="employee"),
            service("PEEL-LIGHT", discount_amount=Money(2500), discount_reason="package"),
        ],
    )
    assert posting.receipt is not None
    assert posting.receipt.discounts == Money(3500)
    assert posting.receipt.tax == Money(tax_of(6400 - 1000)) == Money(554)
    assert ledger.balance(desk, patient_id) == Money(6400 - 1000 + 554 + 15000 - 2500)
    assert [line.discount for line in posting.receipt.lines] == [Money(1000), Money(2500)]


def test_a_discount_needs_a_reason_and_cannot_be_more_than_the_line(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    with pytest.raises(Invalid, match="discount's reason"):
        fee_sheets.price_line(desk, service("99213", discount_amount=Money(500)))
    with pytest.raises(BadAmount, match="more than the line"):
        fee_sheets.price_line(
            desk, product(LIP_BALM, discount_amount=Money(901), discount_reason="courtesy")
        )
    with pytest.raises(Invalid, match="amount or a percent"):
        fee_sheets.price_line(
            desk,
            service(
                "99213",
                discount_amount=Money(500),
                discount_percent=5,
                discount_reason="courtesy",
            ),
        )
    for percent in (0, 101, -5):
        with pytest.raises(Invalid, match="whole number from 1 to 100"):
            fee_sheets.price_line(
                desk, service("99213", discount_percent=percent, discount_reason="courtesy")
            )


OVER_THE_LIMIT = {
    "a discount over $25.00": service(
        "JUVEDERM-SYR", discount_amount=Money(2501), discount_reason="courtesy"
    ),
    "a percent discount over $25.00": service(
        "JUVEDERM-SYR", discount_percent=10, discount_reason="promotion"
    ),
    "a lower price": service("99213", unit_price=Money(12000)),
    "a higher price": product(SUNSCREEN, unit_price=Money(3500)),
    "a free service": service("COSCONSULT", unit_price=Money(0)),
}


@pytest.mark.parametrize("line", OVER_THE_LIMIT.values(), ids=OVER_THE_LIMIT.keys())
def test_a_discount_over_the_limit_or_any_price_change_needs_a_manager(
    receptionist_desk: Desk, manager, line: FeeLine
) -> None:
    desk = receptionist_desk
    (appointment_id, _), *_ = todays_visits(desk)
    check_in(desk, appointment_id)
    assert fee_sheets.price_line(desk, line).needs_approval
    before = fingerprint(desk)
    with pytest.raises(NeedsApproval, match="A manager must approve"):
        check_out(desk, appointment_id, [service("99212"), line])
    with pytest.raises(NeedsApproval):
        check_out(desk, appointment_id, [line], approver=actor(desk, "mbell"))
    with pytest.raises(NeedsApproval):
        fee_sheets.save_fee_sheet(desk, appointment_id, [line])
    assert fingerprint(desk) == before

    posting = check_out(desk, appointment_id, [service("99212"), line], approver=manager)
    approvers = desk.db.execute(
        "SELECT code, approver_id FROM charges WHERE encounter_id = ? ORDER BY line_no",
        (posting.encounter_id,),
    ).fetchall()
    assert approvers == [("99212", None), (line.code, manager.staff_id)]
    (approver_id,) = desk.db.execute(
        "SELECT approver_id FROM postings WHERE id = ?", (posting.id,)
    ).fetchone()
    assert approver_id == manager.staff_id


def test_a_discount_up_to_the_limit_needs_no_manager(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    check_in(desk, appointment_id)
    line = service("JUVEDERM-SYR", discount_amount=Money(2500), discount_reason="courtesy")
    check_out(desk, appointment_id, [line], [card(72500)])
    assert ledger.balance(desk, patient_id) == Money(0)


# -- deposits, credit and gift cards ---------------------------------------------------------------


def test_a_deposit_is_held_as_credit_and_applied_at_check_out(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    deposit = payments.post_deposit(desk, patient_id, [card(20000)], key(), note="filler")
    assert [(e.kind, e.account, e.amount.cents) for e in deposit.entries] == [
        ("deposit", "credit", -20000)
    ]
    assert ledger.credit(desk, patient_id) == Money(20000)
    assert ledger.balance(desk, patient_id) == Money(0)  # a deposit is not a payment yet

    check_in(desk, appointment_id)
    posting = check_out(
        desk, appointment_id, [service("JUVEDERM-SYR")], [on_account(20000), card(55000)]
    )
    assert ledger.credit(desk, patient_id) == Money(0)
    assert ledger.balance(desk, patient_id) == Money(0)
    assert {(e.kind, e.account, e.amount.cents) for e in posting.entries} >= {
        ("payment", "patient", -20000),
        ("credit_applied", "credit", 20000),
    }
    assert posting.receipt is not None
    assert [t.method for t in posting.receipt.tenders] == ["credit", "card"]


def test_credit_on_account_cannot_be_more_than_the_credit_held(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    payments.post_deposit(desk, patient_id, [cash(5000)], key())
    check_in(desk, appointment_id)
    before = fingerprint(desk)
    with pytest.raises(Conflict, match=r"has \$50.00 of credit on account, less than \$50.01"):
        check_out(desk, appointment_id, [service("99213")], [on_account(5001)])
    assert fingerprint(desk) == before
    # Nor can a deposit be paid from the credit it makes, or from a gift card.
    with pytest.raises(Invalid, match="cash, by check or by card"):
        payments.post_deposit(desk, patient_id, [on_account(1000)], key())


def test_a_gift_card_is_sold_then_redeemed_against_its_balance(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    sold = payments.sell_gift_card(
        desk, Money(10000), [cash(10000, 10000)], key(), recipient="Maya"
    )
    assert sold.receipt is not None
    code = sold.receipt.gift_card_code
    assert sold.receipt.gift_card_balance == Money(10000)
    card_found = payments.find_gift_card(desk, code.lower())
    assert card_found.code == code and card_found.balance == Money(10000)
    assert card_found.recipient == "Maya"
    # A gift card is a liability, not a payment on anyone's account.
    assert ledger.balance(desk, patient_id) == Money(0)

    check_in(desk, appointment_id)
    posting = check_out(desk, appointment_id, [service("PEEL-LIGHT")], [gift(6000, code)])
    assert payments.find_gift_card(desk, code).balance == Money(4000)
    assert ledger.balance(desk, patient_id) == Money(15000 - 6000)
    assert posting.receipt is not None and posting.receipt.gift_card_balance == Money(4000)
    (used,) = [t for t in posting.receipt.tenders if t.method == "gift_card"]
    assert used.detail == code and used.amount == Money(6000)

    # The rest of the balance: $50.00 is more than the card has left.
    before = fingerprint(desk)
    with pytest.raises(Conflict, match=rf"Gift card {code} has \$40.00 left"):
        payments.post_payment(desk, patient_id, [gift(5000, code)], key())
    assert fingerprint(desk) == before
    payments.post_payment(desk, patient_id, [gift(4000, code), cash(5000)], key())
    assert payments.find_gift_card(desk, code).balance == Money(0)
    assert ledger.balance(desk, patient_id) == Money(0)


def test_an_unknown_or_mistyped_gift_card_is_refused(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    (appointment_id, _), *_ = todays_visits(desk)
    check_in(desk, appointment_id)
    before = fingerprint(desk)
    with pytest.raises(NotFound, match="There is no gift card GC-2345-6789"):
        check_out(desk, appointment_id, [service("99213")], [gift(1000, "GC-2345-6789")])
    with pytest.raises(NotFound):
        payments.find_gift_card(desk, "GC-2345-6789")
    with pytest.raises(Invalid, match="gift card's code"):
        check_out(desk, appointment_id, [service("99213")], [gift(1000, "12345")])
    assert fingerprint(desk) == before


def test_a_gift_card_is_paid_for_in_full_in_money(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    before = fingerprint(desk)
    with pytest.raises(BadAmount, match="must add up to the card's"):
        payments.sell_gift_card(desk, Money(10000), [cash(5000)], key())
    sold = payments.sell_gift_card(desk, Money(5000), [cash(5000)], key())
    assert sold.receipt is not None
    with pytest.raises(Invalid, match="cash, by check or by card"):
        payments.sell_gift_card(desk, Money(1000), [gift(1000, sold.receipt.gift_card_code)], key())
    assert fingerprint(desk)["ledger"][0] == before["ledger"][0] + 1


# -- payments on a balance -----------------------------------------------------------------------


def test_a_payment_on_a_prior_balance_needs_no_visit(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    a_visit_with_a_balance(desk, appointment_id, [service("11102")])  # $165.00 owed
    paid = payments.post_payment(
        desk, patient_id, [check(10000, "5521"), cash(6500, 10000)], key(), note="by mail"
    )
    assert ledger.balance(desk, patient_id) == Money(0)
    assert paid.change == Money(3500) and paid.kind == "payment"
    assert all(e.appointment_id is None and e.note == "by mail" for e in paid.entries)
    assert paid.receipt is not None and paid.receipt.balance_after == Money(0)
    assert paid.print_job_id is not None


def test_a_payment_cannot_be_more_than_the_balance(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    nobody_owes = a_patient_with_nothing_today(desk)
    with pytest.raises(Conflict, match="take the rest as a deposit"):
        payments.post_payment(desk, nobody_owes, [cash(100)], key())
    a_visit_with_a_balance(desk, appointment_id)  # $130.00 owed
    with pytest.raises(Conflict, match=r"\$130.01 is more than the balance \(\$130.00\)"):
        payments.post_payment(desk, patient_id, [card(13000), cash(1)], key())
    after_visit = fingerprint(desk)
    with pytest.raises(Conflict):
        payments.post_payment(desk, patient_id, [cash(13001)], key())
    assert fingerprint(desk) == after_visit


# -- refunds --------------------------------------------------------------------------------------


@pytest.fixture
def books(manager_desk: Desk) -> dict:
    return a_mornings_books(manager_desk)


def test_a_refund_goes_back_on_the_original_tender(manager_desk: Desk, books: dict) -> None:
    desk = manager_desk
    refund = corrections.refund_payment(
        desk, books["payment_id"], Money(3528), "product returned", key(), reference="RF0091"
    )
    (entry,) = refund.entries
    assert (entry.kind, entry.account, entry.amount, entry.method) == (
        "refund",
        "patient",
        Money(3528),
        "card",
    )
    # Kept as a card payment keeps it: the card's last 4, then the terminal's code.
    assert (entry.reference, entry.card_brand, entry.refunds_id) == (
        "4242 RF0091",
        "Visa",
        books["payment_id"],
    )
    (tender,) = refund.receipt.tenders
    assert tender.detail == "Visa ****4242 refund RF0091"
    assert (
        entry.reason == "product returned" and entry.approver_id == actor(desk, "dokafor").staff_id
    )
    assert refund.receipt is not None and refund.receipt.kind == "refund"
    assert ledger.balance(desk, books["paid_patient"]) == Money(3528)

    # A cash deposit goes back in cash, needing no reference.
    back = corrections.refund_payment(desk, books["deposit_id"], Money(5000), "cancelled", key())
    assert back.entries[0].method == "cash" and back.entries[0].account == "credit"
    assert back.receipt.total == Money(5000)  # what was handed back, though not on the balance
    assert ledger.credit(desk, books["depositor"]) == Money(15000)


def test_a_card_refund_needs_the_terminals_refund_code(manager_desk: Desk, books: dict) -> None:
    before = fingerprint(manager_desk)
    for reference in ("", "RF 0091", "refund-code-too-long"):
        with pytest.raises(Invalid):
            corrections.refund_payment(
                manager_desk,
                books["payment_id"],
                Money(1000),
                "overcharged",
                key(),
                reference=reference,
            )
    assert fingerprint(manager_desk) == before


def test_a_check_refund_needs_the_refund_checks_number(manager_desk: Desk, books: dict) -> None:
    paid = payments.post_payment(
        manager_desk, books["owing_patient"], [check(13000, "3301")], key()
    )
    before = fingerprint(manager_desk)
    with pytest.raises(Invalid, match="number of the refund check"):
        corrections.refund_payment(manager_desk, payment_entry(paid), Money(1000), "over", key())
    assert fingerprint(manager_desk) == before
    done = corrections.refund_payment(
        manager_desk, payment_entry(paid), Money(1000), "over", key(), reference="7001"
    )
    assert done.entries[0].method == "check" and done.entries[0].reference == "7001"


def test_refund_cannot_exceed_what_is_left_of_payment(manager_desk: Desk, books: dict) -> None:
    desk = manager_desk
    payment_id = books["payment_id"]  # $165.28 by card
    corrections.refund_payment(desk, payment_id, Money(10000), "overcharged", key(), reference="A1")
    assert ledger.refundable(desk, payment_id) == Money(6528)
    before = fingerprint(desk)
    with pytest.raises(Conflict, match=r"Only \$65.28 is left of that payment to refund"):
        corrections.refund_payment(desk, payment_id, Money(6529), "more", key(), reference="A2")
    assert fingerprint(desk) == before
    corrections.refund_payment(desk, payment_id, Money(6528), "the rest", key(), reference="A3")
    assert ledger.refundable(desk, payment_id) == Money(0)
    with pytest.raises(Conflict, match=r"Only \$0.00 is left"):
        corrections.refund_payment(desk, payment_id, Money(1), "again", key(), reference="A4")


def test_a_refund_needs_a_reason_and_an_amount(manager_desk: Desk, books: dict) -> None:
    before = fingerprint(manager_desk)
    with pytest.raises(Invalid, match="Enter the reason"):
        corrections.refund_payment(manager_desk, books["deposit_id"], Money(1000), "   ", key())
    for cents in (0, -1000):
        with pytest.raises(BadAmount):
            corrections.refund_payment(
                manager_desk, books["deposit_id"], Money(cents), "cancelled", key()
            )
    with pytest.raises(NotFound, match="Refunds start from a payment or deposit"):
        corrections.refund_payment(
            manager_desk, books["owing"].entries[0].id, Money(1000), "cancelled", key()
        )
    assert fingerprint(manager_desk) == before


def test_a_voided_refund_gives_its_amount_back_to_refund(manager_desk: Desk, books: dict) -> None:
    desk = manager_desk
    refund = corrections.refund_payment(desk, books["deposit_id"], Money(20000), "gone", key())
    assert ledger.refundable(desk, books["deposit_id"]) == Money(0)
    corrections.void_entry(desk, refund.entries[0].id, "wrong deposit", key())
    assert ledger.refundable(desk, books["deposit_id"]) == Money(20000)
    assert ledger.credit(desk, books["depositor"]) == Money(20000)


# -- voids -----------------------------------------------------------------------------------------


def test_only_todays_entries_are_voided(manager_desk: Desk, clock: FakeClock) -> None:
    desk = manager_desk
    patient_id = a_patient_with_nothing_today(desk)
    clock.at = MORNING.shift(days=-1)
    yesterday = payments.post_deposit(desk, patient_id, [card(5000)], key())
    clock.at = MORNING
    before = fingerprint(desk)
    with pytest.raises(Conflict, match=r"That entry is from 11/23/2026; only today's"):
        corrections.void_entry(desk, payment_entry(yesterday), "mistake", key())
    assert fingerprint(desk) == before
    shown = patient_account.account(desk, patient_id)
    deposit = payment_entry(yesterday)
    assert [line.voidable for line in shown.lines if line.entry.id == deposit] == [False]


def test_an_entry_is_voided_only_once(manager_desk: Desk, books: dict) -> None:
    desk = manager_desk
    void = corrections.void_entry(desk, books["payment_id"], "wrong card", key())
    assert void.entries[0].reverses_id == books["payment_id"]
    assert ledger.balance(desk, books["paid_patient"]) == Money(16528)
    assert ledger.refundable(desk, books["payment_id"]) == Money(0)
    before = fingerprint(desk)
    with pytest.raises(Conflict, match="voided already"):
        corrections.void_entry(desk, books["payment_id"], "again", key())
    with pytest.raises(Conflict, match=r"Only \$0.00 is left"):
        corrections.refund_payment(desk, books["payment_id"], Money(100), "x", key(), reference="R")
    assert fingerprint(desk) == before


def test_a_partly_refunded_payment_is_not_voided(manager_desk: Desk, books: dict) -> None:
    desk = manager_desk
    corrections.refund_payment(desk, books["payment_id"], Money(1), "x", key(), reference="R1")
    before = fingerprint(desk)
    with pytest.raises(Conflict, match="Part of that payment was refunded"):
        corrections.void_entry(desk, books["payment_id"], "wrong card", key())
    assert fingerprint(desk) == before


def test_a_voided_product_sale_puts_the_product_back_on_the_shelf(
    manager_desk: Desk, books: dict
) -> None:
    desk = manager_desk
    shelf = on_hand(desk, SUNSCREEN)
    (charge,) = [
        e for e in books["checkout"].entries if e.kind == "charge" and e.amount == Money(3528)
    ]
    corrections.void_entry(desk, charge.id, "not bought", key())
    assert on_hand(desk, SUNSCREEN) == shelf + 1
    assert ledger.balance(desk, books["paid_patient"]) == Money(-3528)


def test_a_voided_gift_card_payment_gives_the_card_its_value_back(
    receptionist_desk: Desk, manager
) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    sold = payments.sell_gift_card(desk, Money(5000), [card(5000)], key())
    assert sold.receipt is not None
    code = sold.receipt.gift_card_code
    check_in(desk, appointment_id)
    posting = check_out(desk, appointment_id, [service("99212")], [gift(5000, code)])
    corrections.void_entry(desk, payment_entry(posting), "wrong card", key(), approver=manager)
    assert payments.find_gift_card(desk, code).balance == Money(5000)
    assert ledger.balance(desk, patient_id) == Money(8500)


def test_a_used_gift_card_sale_is_not_voided(receptionist_desk: Desk, manager) -> None:
    desk = receptionist_desk
    patient_id = a_patient_with_nothing_today(desk)
    sold = payments.sell_gift_card(desk, Money(5000), [cash(5000)], key(), purchaser_id=patient_id)
    assert sold.receipt is not None
    (sale,) = sold.entries
    (appointment_id, owner), *_ = todays_visits(desk)
    a_visit_with_a_balance(desk, appointment_id)
    payments.post_payment(desk, owner, [gift(1000, sold.receipt.gift_card_code)], key())
    before = fingerprint(desk)
    with pytest.raises(Conflict, match="gift card has been used"):
        corrections.void_entry(desk, sale.id, "changed mind", key(), approver=manager)
    assert fingerprint(desk) == before


# -- adjustments -----------------------------------------------------------------------------------


def test_an_adjustment_is_at_most_the_balance_and_has_a_reason_code(
    receptionist_desk: Desk, manager
) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    a_visit_with_a_balance(desk, appointment_id)  # $130.00
    before = fingerprint(desk)
    for reason in ("", "because", "returned", "COURTESY"):
        with pytest.raises(Invalid, match="Choose the reason"):
            corrections.adjust_balance(
                desk, patient_id, Money(100), reason, key(), approver=manager
            )
    with pytest.raises(Conflict, match=r"owes \$130.00; an adjustment of \$130.01"):
        corrections.adjust_balance(
            desk, patient_id, Money(13001), "courtesy", key(), approver=manager
        )
    for cents in (0, -100):
        with pytest.raises(BadAmount):
            corrections.adjust_balance(
                desk, patient_id, Money(cents), "courtesy", key(), approver=manager
            )
    assert fingerprint(desk) == before
    done = corrections.adjust_balance(
        desk,
        patient_id,
        Money(13000),
        "bad_debt",
        key(),
        note="sent to collections",
        approver=manager,
    )
    (entry,) = done.entries
    assert (entry.kind, entry.amount, entry.reason) == ("adjustment", Money(-13000), "bad_debt")
    assert ledger.balance(desk, patient_id) == Money(0)
    shown = patient_account.account(desk, patient_id)
    assert "bad debt" in shown.lines[-1].description
    with pytest.raises(Conflict):
        corrections.adjust_balance(desk, patient_id, Money(1), "courtesy", key(), approver=manager)


# -- no-show fees ----------------------------------------------------------------------------------


def test_a_no_show_fee_is_only_for_a_no_show_and_only_once(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    missed, patient_id = a_missed_appointment(desk)
    before = fingerprint(desk)
    with pytest.raises(Conflict, match="for a no-show or a late cancel"):
        corrections.post_no_show_fee(desk, missed, key())
    (kept, _), *_ = todays_visits(desk)
    check_in(desk, kept)
    with pytest.raises(Conflict, match="for a no-show or a late cancel"):
        corrections.post_no_show_fee(desk, kept, key())
    assert fingerprint(desk, ("ledger", "postings", "encounters", "charges")) == {
        t: before[t] for t in ("ledger", "postings", "encounters", "charges")
    }

    appointment_status.set_status(desk, missed, "no_show")
    fee = corrections.post_no_show_fee(desk, missed, key())
    (charge,) = fee.entries
    assert (charge.kind, charge.amount, charge.appointment_id) == ("charge", Money(5000), missed)
    assert ledger.balance(desk, patient_id) == Money(5000)
    assert fee.receipt is not None
    assert [line.text for line in fee.receipt.lines] == ["No-show fee"]
    assert fee.print_job_id is None  # posted with the patient away: printed from the account
    after = fingerprint(desk)
    with pytest.raises(Conflict, match="has its fee already"):
        corrections.post_no_show_fee(desk, missed, key())
    assert fingerprint(desk) == after


# -- returns ---------------------------------------------------------------------------------------


def test_a_returned_product_goes_back_to_stock_and_off_the_balance(
    receptionist_desk: Desk, manager
) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    shelf = on_hand(desk, SUNSCREEN)
    sale = a_visit_with_a_balance(desk, appointment_id, [product(SUNSCREEN, 3)])
    line_total = 9600 + tax_of(9600)  # $105.84
    assert ledger.balance(desk, patient_id) == Money(line_total)
    (charge,) = sale.entries
    assert charge.charge_id is not None

    corrections.return_product(desk, charge.charge_id, 1, key(), approver=manager)
    assert on_hand(desk, SUNSCREEN) == shelf - 2
    assert ledger.balance(desk, patient_id) == Money(line_total - line_total // 3)
    # A unit that cannot be sold again comes off the balance but not back on the shelf.
    corrections.return_product(
        desk, charge.charge_id, 2, key(), back_to_stock=False, approver=manager
    )
    assert on_hand(desk, SUNSCREEN) == shelf - 2
    assert ledger.balance(desk, patient_id) == Money(0)  # every cent of the line back
    before = fingerprint(desk)
    with pytest.raises(Invalid, match="0 of Mineral Sunscreen"):
        corrections.return_product(desk, charge.charge_id, 1, key(), approver=manager)
    assert fingerprint(desk) == before


def test_a_service_is_not_returned(manager_desk: Desk, books: dict) -> None:
    service_charge = manager_desk.db.execute(
        "SELECT id FROM charges WHERE kind = 'service' LIMIT 1"
    ).fetchone()[0]
    with pytest.raises(NotFound, match="Returns start from a product"):
        corrections.return_product(manager_desk, service_charge, 1, key())


# -- bad amounts, wherever they are typed --------------------------------------------------------

BAD_AMOUNTS = ("-5", "-0.01", "0", "0.00", "50000.01", "1e3", "NaN", "9.999", "1,00", "", " ")


def _typed(desk: Desk, text: str) -> Money:
    """An amount typed into a money field (refund, adjustment, gift card value)."""
    return Money.parse(text, ceiling=practice.load_settings(desk.db).amount_ceiling.cents)


MONEY_ENTRIES: dict[str, Callable[[Desk, dict, str], object]] = {
    "payment": lambda desk, books, text: payments.post_payment(
        desk, books["owing_patient"], [payments.make_tender(desk, "cash", text)], key()
    ),
    "payment by card": lambda desk, books, text: payments.post_payment(
        desk,
        books["owing_patient"],
        [
            payments.make_tender(
                desk, "card", text, card_brand="Visa", card_last4="4242", auth_code="A1B2C3"
            )
        ],
        key(),
    ),
    # (Left empty, the cash handed over is simply not given: no change is worked out.)
    "cash handed over": lambda desk, books, text: payments.post_payment(
        desk,
        books["owing_patient"],
        [payments.make_tender(desk, "cash", "10", tendered=text.strip() or "-")],
        key(),
    ),
    "co-pay at check-in": lambda desk, books, text: visits.check_in(
        desk,
        todays_visits(desk)[0][0],
        collect="copay",
        tenders=[payments.make_tender(desk, "check", text, check_number="1001")],
        key=key(),
    ),
    "deposit": lambda desk, books, text: payments.post_deposit(
        desk, books["depositor"], [payments.make_tender(desk, "cash", text)], key()
    ),
    "gift card value": lambda desk, books, text: payments.sell_gift_card(
        desk, _typed(desk, text), [cash(1000)], key()
    ),
    "check-out tender": lambda desk, books, text: check_out(
        desk,
        todays_visits(desk, ("arrived",))[0][0],
        [service("99213")],
        [payments.make_tender(desk, "cash", text)],
    ),
    "refund": lambda desk, books, text: corrections.refund_payment(
        desk, books["deposit_id"], _typed(desk, text), "cancelled", key()
    ),
    "adjustment": lambda desk, books, text: corrections.adjust_balance(
        desk, books["owing_patient"], _typed(desk, text), "courtesy", key()
    ),
}


@pytest.mark.parametrize("entry", MONEY_ENTRIES.values(), ids=MONEY_ENTRIES.keys())
def test_a_bad_amount_is_refused_at_every_money_entry_and_nothing_is_written(
    manager_desk: Desk, books: dict, entry: Callable[[Desk, dict, str], object]
) -> None:
    before = fingerprint(manager_desk)
    for text in BAD_AMOUNTS:
        with pytest.raises(FrontDeskError):
            entry(manager_desk, books, text)
        assert fingerprint(manager_desk) == before, text


SERVICE_AMOUNTS: dict[str, Callable[[Desk, dict, Money], object]] = {
    "payment": lambda desk, books, amount: payments.post_payment(
        desk, books["owing_patient"], [cash(amount)], key()
    ),
    "deposit": lambda desk, books, amount: payments.post_deposit(
        desk, books["depositor"], [card(amount)], key()
    ),
    "gift card value": lambda desk, books, amount: payments.sell_gift_card(
        desk, amount, [cash(amount)], key()
    ),
    "check-out tender": lambda desk, books, amount: check_out(
        desk, todays_visits(desk, ("arrived",))[0][0], [service("99213")], [check(amount)]
    ),
    "refund": lambda desk, books, amount: corrections.refund_payment(
        desk, books["deposit_id"], amount, "cancelled", key()
    ),
    "adjustment": lambda desk, books, amount: corrections.adjust_balance(
        desk, books["owing_patient"], amount, "courtesy", key()
    ),
}


@pytest.mark.parametrize("entry", SERVICE_AMOUNTS.values(), ids=SERVICE_AMOUNTS.keys())
def test_the_services_refuse_zero_negative_and_over_the_ceiling_amounts(
    manager_desk: Desk, books: dict, entry: Callable[[Desk, dict, Money], object]
) -> None:
    """What a screen might hand over without parsing (Money built elsewhere)."""
    before = fingerprint(manager_desk)
    for cents in (0, -1, -5000, 5_000_001):
        with pytest.raises(FrontDeskError):
            entry(manager_desk, books, Money(cents))
        assert fingerprint(manager_desk) == before, cents


def test_cash_handed_over_cannot_be_less_than_the_amount(manager_desk: Desk, books: dict) -> None:
    before = fingerprint(manager_desk)
    with pytest.raises(BadAmount, match=r"cash handed over \(\$40.00\) is less than"):
        payments.make_tender(manager_desk, "cash", "50", tendered="40")
    with pytest.raises(BadAmount, match="less than the amount"):
        payments.post_payment(manager_desk, books["owing_patient"], [cash(5000, 4999)], key())
    with pytest.raises(BadAmount, match="less than the amount"):
        payments.sell_gift_card(manager_desk, Money(5000), [cash(5000, 2000)], key())
    assert fingerprint(manager_desk) == before


def test_payments_more_than_due_at_check_out_are_refused(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    visits.check_in(desk, appointment_id, collect="copay", tenders=[cash(3000)], key=key())
    before = fingerprint(desk)
    # $130.00 less the $30.00 co-pay leaves $100.00 due.
    with pytest.raises(Conflict, match=r"payments \(\$100.01\) are more than what is due"):
        check_out(desk, appointment_id, [service("99213")], [card(5000), cash(5001)])
    assert fingerprint(desk) == before
    assert status_of(desk, appointment_id) == "arrived"
    check_out(desk, appointment_id, [service("99213")], [card(5000), cash(5000)])
    assert ledger.balance(desk, patient_id) == Money(0)


# -- bugs found while writing these tests ---------------------------------------------------------


def _deposit_used_at_check_out(desk: Desk) -> tuple[int, int, int]:
    """A $100.00 card deposit applied in full at a check-out: (patient, deposit entry,
    credit payment entry)."""
    (appointment_id, patient_id), *_ = todays_visits(desk)
    deposit = payments.post_deposit(desk, patient_id, [card(10000)], key())
    check_in(desk, appointment_id)
    posting = check_out(desk, appointment_id, [service("99213")], [on_account(10000)])
    assert ledger.credit(desk, patient_id) == Money(0)
    return patient_id, payment_entry(deposit), payment_entry(posting, "credit")


def test_a_deposit_already_used_at_check_out_cannot_be_refunded_again(
    manager_desk: Desk,
) -> None:
    patient_id, deposit_id, _ = _deposit_used_at_check_out(manager_desk)
    before = fingerprint(manager_desk)
    with pytest.raises(Conflict, match=r"Only \$0.00 is left"):
        corrections.refund_payment(
            manager_desk, deposit_id, Money(10000), "changed mind", key(), reference="RF1"
        )
    assert fingerprint(manager_desk) == before
    assert ledger.credit(manager_desk, patient_id) == Money(0)


def test_a_deposit_already_used_at_check_out_cannot_be_voided(manager_desk: Desk) -> None:
    patient_id, deposit_id, _ = _deposit_used_at_check_out(manager_desk)
    before = fingerprint(manager_desk)
    with pytest.raises(Conflict, match="applied to a visit"):
        corrections.void_entry(manager_desk, deposit_id, "mistake", key())
    assert fingerprint(manager_desk) == before
    assert ledger.credit(manager_desk, patient_id) == Money(0)


def test_only_the_credit_still_held_of_a_deposit_is_refunded(manager_desk: Desk) -> None:
    desk = manager_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    deposit = payments.post_deposit(desk, patient_id, [cash(20000)], key())
    check_in(desk, appointment_id)
    check_out(desk, appointment_id, [service("99213")], [on_account(13000)])
    with pytest.raises(Conflict, match=r"Only \$70.00 is left"):
        corrections.refund_payment(desk, payment_entry(deposit), Money(7001), "rest", key())
    corrections.refund_payment(desk, payment_entry(deposit), Money(7000), "rest", key())
    assert ledger.credit(desk, patient_id) == Money(0)


def test_a_payment_from_credit_on_account_is_voided_the_same_day(manager_desk: Desk) -> None:
    patient_id, _, credit_payment = _deposit_used_at_check_out(manager_desk)
    corrections.void_entry(manager_desk, credit_payment, "wrong tender", key())
    assert ledger.credit(manager_desk, patient_id) == Money(10000)
    assert ledger.balance(manager_desk, patient_id) == Money(13000)


def test_a_sale_partly_returned_is_never_credited_or_restocked_twice(
    manager_desk: Desk,
) -> None:
    desk = manager_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    shelf = on_hand(desk, SUNSCREEN)
    sale = a_visit_with_a_balance(desk, appointment_id, [product(SUNSCREEN, 2)])
    (charge,) = sale.entries
    assert charge.charge_id is not None
    corrections.return_product(desk, charge.charge_id, 1, key())
    before = fingerprint(desk)
    with pytest.raises(Conflict, match="Part of that sale was returned"):
        corrections.void_entry(desk, charge.id, "not bought", key())
    assert fingerprint(desk) == before
    assert ledger.balance(desk, patient_id) == Money(3528)
    assert on_hand(desk, SUNSCREEN) == shelf - 1


def test_voiding_a_refund_to_a_gift_card_cannot_overdraw_the_card(manager_desk: Desk) -> None:
    desk = manager_desk
    (first, _), (second, _), *_ = todays_visits(desk)
    sold = payments.sell_gift_card(desk, Money(5000), [cash(5000)], key())
    assert sold.receipt is not None
    code = sold.receipt.gift_card_code
    check_in(desk, first)
    paid = check_out(desk, first, [service("99212")], [gift(5000, code)])
    refund = corrections.refund_payment(desk, payment_entry(paid), Money(5000), "over", key())
    check_in(desk, second)
    check_out(desk, second, [service("99212")], [gift(5000, code)])  # the card spent again
    (back_on_account,) = [e for e in refund.entries if e.account == "patient"]
    with pytest.raises(Conflict):
        corrections.void_entry(desk, back_on_account.id, "mistake", key())
    assert payments.find_gift_card(desk, code).balance >= Money(0)


def test_voiding_a_refund_to_credit_cannot_overdraw_the_credit(manager_desk: Desk) -> None:
    desk = manager_desk
    (first, patient_id), *_ = todays_visits(desk)
    check_in(desk, first)
    paid = check_out(desk, first, [service("99213")], [card(13000)])
    refund = corrections.refund_payment(
        desk, payment_entry(paid), Money(5000), "overcharged", key(), method="credit"
    )
    assert ledger.credit(desk, patient_id) == Money(5000)
    # The refund left $50.00 owing again; the credit held pays it.
    payments.post_payment(desk, patient_id, [on_account(5000)], key())
    assert ledger.credit(desk, patient_id) == Money(0)
    (back,) = [e for e in refund.entries if e.account == "patient"]
    with pytest.raises(Conflict):
        corrections.void_entry(desk, back.id, "mistake", key())
    assert ledger.credit(desk, patient_id) >= Money(0)


def test_a_gift_card_refund_goes_back_on_the_card_it_came_from(manager_desk: Desk) -> None:
    desk = manager_desk
    (appointment_id, _), *_ = todays_visits(desk)
    codes = []
    for _ in range(2):
        sold = payments.sell_gift_card(desk, Money(5000), [cash(5000)], key())
        assert sold.receipt is not None
        codes.append(sold.receipt.gift_card_code)
    first, second = codes
    check_in(desk, appointment_id)
    posting = check_out(
        desk, appointment_id, [service("99213")], [gift(3000, first), gift(4000, second)]
    )
    (from_second,) = [e for e in posting.entries if e.kind == "payment" and e.reference == second]
    corrections.refund_payment(desk, from_second.id, Money(4000), "overcharged", key())
    assert payments.find_gift_card(desk, first).balance == Money(2000)
    assert payments.find_gift_card(desk, second).balance == Money(5000)


def test_a_refund_to_a_gift_card_prints_one_tender_line(manager_desk: Desk) -> None:
    desk = manager_desk
    (appointment_id, _), *_ = todays_visits(desk)
    sold = payments.sell_gift_card(desk, Money(5000), [cash(5000)], key())
    assert sold.receipt is not None
    code = sold.receipt.gift_card_code
    check_in(desk, appointment_id)
    posting = check_out(desk, appointment_id, [service("99212")], [gift(5000, code)])
    refund = corrections.refund_payment(desk, payment_entry(posting), Money(1000), "x", key())
    assert refund.receipt is not None
    assert [(t.method, t.detail) for t in refund.receipt.tenders] == [("gift_card", code)]


def test_voiding_the_credit_side_of_a_refund_never_leaves_half_a_refund(
    manager_desk: Desk,
) -> None:
    desk = manager_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    check_in(desk, appointment_id)
    paid = check_out(desk, appointment_id, [service("99213")], [card(13000)])
    refund = corrections.refund_payment(
        desk, payment_entry(paid), Money(5000), "overcharged", key(), method="credit"
    )
    (credit_side,) = [e for e in refund.entries if e.account == "credit"]
    # Refusing it is right; so is voiding the whole refund (both halves).
    with contextlib.suppress(Conflict):
        corrections.void_entry(desk, credit_side.id, "mistake", key())
    assert (ledger.balance(desk, patient_id), ledger.credit(desk, patient_id)) in (
        (Money(5000), Money(5000)),
        (Money(0), Money(0)),
    )


def test_voiding_the_gift_card_side_of_a_refund_never_leaves_half_a_refund(
    manager_desk: Desk,
) -> None:
    desk = manager_desk
    (appointment_id, patient_id), *_ = todays_visits(desk)
    sold = payments.sell_gift_card(desk, Money(5000), [cash(5000)], key())
    assert sold.receipt is not None
    code = sold.receipt.gift_card_code
    check_in(desk, appointment_id)
    paid = check_out(desk, appointment_id, [service("99212")], [gift(5000, code)])
    refund = corrections.refund_payment(desk, payment_entry(paid), Money(5000), "over", key())
    (card_side,) = [e for e in refund.entries if e.account == "gift_card"]
    with contextlib.suppress(Conflict):
        corrections.void_entry(desk, card_side.id, "mistake", key())
    assert (ledger.balance(desk, patient_id), payments.find_gift_card(desk, code).balance) in (
        (Money(8500), Money(5000)),
        (Money(3500), Money(0)),
    )


def test_a_receipt_can_be_printed_again_marked_reprint(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    patient_id = a_patient_with_nothing_today(desk)
    deposit = payments.post_deposit(desk, patient_id, [cash(5000, 10000)], key())
    job_id = receipts.reprint(desk, deposit.id)
    assert job_id != deposit.print_job_id
    first, again = (
        json.loads(row[0])
        for row in desk.db.execute(
            "SELECT payload FROM print_jobs WHERE posting_id = ? ORDER BY id", (deposit.id,)
        )
    )
    assert again["reprint"] is True and first["reprint"] is False
    assert {**again, "reprint": False} == first


def test_the_account_does_not_offer_to_void_a_partly_refunded_payment(
    manager_desk: Desk, books: dict
) -> None:
    desk = manager_desk
    corrections.refund_payment(desk, books["payment_id"], Money(100), "x", key(), reference="R1")
    shown = patient_account.account(desk, books["paid_patient"])
    (payment,) = [line for line in shown.lines if line.entry.id == books["payment_id"]]
    assert payment.refundable == Money(16428)
    assert not payment.voidable


def test_the_account_shows_only_the_credit_still_held_as_refundable_of_a_deposit(
    manager_desk: Desk,
) -> None:
    patient_id, deposit_id, _ = _deposit_used_at_check_out(manager_desk)
    shown = patient_account.account(manager_desk, patient_id)
    (deposit,) = [line for line in shown.lines if line.entry.id == deposit_id]
    assert deposit.refundable == Money(0)


def test_posting_keys_made_later_sort_later_and_are_accepted(monkeypatch) -> None:
    now = iter((1_796_000_000_000_000_000, 1_796_000_000_001_000_000))  # 1 ms apart
    monkeypatch.setattr(ledger.time, "time_ns", lambda: next(now))
    first, second = ledger.new_key(), ledger.new_key()
    monkeypatch.undo()
    assert len(first) == len(second) == 32 and first < second
    assert ledger.check_key(second) == second
    assert ledger.new_key() != ledger.new_key()  # the random part


@pytest.mark.parametrize(
    ("reference", "parts"),
    [
        ("4242 A1B2C3", ("4242", "A1B2C3")),
        ("4242", ("4242", "")),
        ("RF9912", ("", "RF9912")),
        ("", ("", "")),
    ],
)
def test_a_card_reference_is_its_last_4_then_the_terminals_code(
    reference: str, parts: tuple[str, str]
) -> None:
    assert ledger.card_parts(reference) == parts
    assert ledger.card_reference(*parts) == reference


@pytest.mark.parametrize(
    ("typed", "verified"),
    [
        ("", dt.date(2026, 11, 24)),
        ("11/20", dt.date(2026, 11, 20)),
        ("10/2/2026", dt.date(2026, 10, 2)),
    ],
)
def test_an_insurance_card_was_checked_today_or_on_a_day_typed(
    receptionist_desk: Desk, typed: str, verified: dt.date
) -> None:
    assert visits.parse_verified_on(receptionist_desk, typed) == verified


# A day to come, no such day, words, and full-width digits.
@pytest.mark.parametrize("typed", ["11/30", "13/45", "yesterday", "\uff11\uff11/\uff12\uff10"])
def test_a_card_checked_on_a_day_to_come_or_no_day_is_refused(
    receptionist_desk: Desk, typed: str
) -> None:
    with pytest.raises(FrontDeskError):
        visits.parse_verified_on(receptionist_desk, typed)
