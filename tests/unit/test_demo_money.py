"""The demo's posted visits: weeks of fee sheets, payments and receipts that add up, and
rows that are exactly what the money desk's services write."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections import defaultdict
from pathlib import Path

import arrow
import pytest

from frontdesk.data.db import write
from frontdesk.data.models import Actor
from frontdesk.data.money import Money
from frontdesk.data.money_models import Checkout, FeeLine, Receipt, Tender
from frontdesk.data.schema import open_database
from frontdesk.services import corrections, demo, drawers, ledger, payments, receipts, visits
from frontdesk.services.context import Desk
from frontdesk.services.demo_drawers import DRAWER_HISTORY_STEPS
from frontdesk.services.demo_history import MONEY_STEPS, money_history
from tests.conftest import FakeClock

MONEY_TABLES = (
    "encounters",
    "charges",
    "postings",
    "ledger",
    "stock_moves",
    "gift_cards",
    "print_jobs",
)


def _week(day: str) -> tuple[int, int]:
    return dt.date.fromisoformat(day).isocalendar()[:2]


# -- the history is there -----------------------------------------------------------------------


def test_posted_visits_cover_the_last_three_weeks(desk: Desk) -> None:
    days = [
        row[0]
        for row in desk.db.execute(
            "SELECT DISTINCT business_date FROM encounters WHERE status = 'finalized'"
            " AND appointment_id IN (SELECT id FROM appointments WHERE status = 'checked_out')"
            " ORDER BY business_date"
        )
    ]
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    assert (last - first).days >= 20
    assert len({_week(day) for day in days}) >= 4
    assert len(days) >= 17  # every open day


def test_every_checked_out_visit_has_its_finalized_fee_sheet(desk: Desk) -> None:
    (missing,) = desk.db.execute(
        "SELECT count(*) FROM appointments a LEFT JOIN encounters e ON e.appointment_id = a.id"
        " WHERE a.status = 'checked_out' AND (e.id IS NULL OR e.status <> 'finalized')"
    ).fetchone()
    assert missing == 0
    (open_sheets,) = desk.db.execute(
        "SELECT count(*) FROM encounters WHERE status <> 'finalized'"
    ).fetchone()
    assert open_sheets == 0


def test_todays_patients_in_the_office_are_left_to_check_out(desk: Desk) -> None:
    (waiting, posted) = desk.db.execute(
        "SELECT count(*), (SELECT count(*) FROM ledger l WHERE l.appointment_id IN"
        "   (SELECT id FROM appointments WHERE status IN ('arrived', 'roomed', 'with_provider',"
        "    'booked', 'confirmed', 'cancelled')))"
        " FROM appointments a WHERE a.status IN ('arrived', 'roomed', 'with_provider')"
    ).fetchone()
    assert waiting and posted == 0
    (sheets,) = desk.db.execute(
        "SELECT count(*) FROM encounters e JOIN appointments a ON a.id = e.appointment_id"
        " WHERE a.status NOT IN ('checked_out', 'no_show')"
    ).fetchone()
    assert sheets == 0


def test_medical_visits_pay_a_co_pay_and_cosmetic_ones_pay_in_full(desk: Desk) -> None:
    co_pays = desk.db.execute(
        "SELECT l.amount_cents FROM ledger l JOIN postings p ON p.id = l.posting_id"
        " WHERE p.kind = 'payment' AND l.appointment_id IS NOT NULL AND l.note = 'co-pay'"
        " AND l.kind = 'payment'"
    ).fetchall()
    assert len(co_pays) > 500
    assert all(2000 <= -amount <= 6000 for (amount,) in co_pays)
    methods = dict(
        desk.db.execute(
            "SELECT method, count(*) FROM ledger WHERE kind = 'payment' GROUP BY method"
        ).fetchall()
    )
    assert {"cash", "check", "card", "gift_card", "credit"} <= set(methods)
    # A cosmetic visit is paid in full at check-out: what it charged, it took.
    rows = desk.db.execute(
        "SELECT e.id, (SELECT sum(amount_cents) FROM ledger l WHERE l.encounter_id = e.id"
        "   AND l.account = 'patient')"
        " FROM encounters e JOIN appointments a ON a.id = e.appointment_id"
        " JOIN appointment_types t ON t.id = a.type_id WHERE t.cosmetic = 1"
    ).fetchall()
    assert len(rows) > 100
    paid_in_full = sum(1 for _, left in rows if left <= 0)
    assert paid_in_full / len(rows) > 0.95
    # Some medical visits leave a balance owing.
    (owing,) = desk.db.execute(
        "SELECT count(*) FROM (SELECT patient_id, sum(amount_cents) b FROM ledger"
        " WHERE account = 'patient' GROUP BY patient_id HAVING b > 0)"
    ).fetchone()
    assert owing >= 10


def test_cosmetic_lines_have_units_and_retail_is_taxed(desk: Desk) -> None:
    units = desk.db.execute(
        "SELECT code, quantity FROM charges WHERE code IN ('BOTOX-U', 'DYSPORT-U', 'XEOMIN-U')"
    ).fetchall()
    assert units and all(quantity >= 20 for _, quantity in units)
    products = desk.db.execute(
        "SELECT unit_price_cents * quantity - discount_cents, tax_cents FROM charges"
        " WHERE kind = 'product'"
    ).fetchall()
    visits_with_products = desk.db.execute(
        "SELECT count(DISTINCT encounter_id) * 1.0 / (SELECT count(*) FROM encounters)"
        " FROM charges WHERE kind = 'product'"
    ).fetchone()[0]
    assert 0.10 <= visits_with_products <= 0.22
    assert all(tax == (net * 1025 + 5000) // 10000 for net, tax in products)


# -- it adds up -------------------------------------------------------------------------------


def test_every_fee_sheet_equals_its_ledger_charges(desk: Desk) -> None:
    sheets = dict(
        desk.db.execute(
            "SELECT encounter_id, sum(total_cents) FROM charges GROUP BY encounter_id"
        ).fetchall()
    )
    charged = dict(
        desk.db.execute(
            "SELECT encounter_id, sum(amount_cents) FROM ledger WHERE kind = 'charge'"
            " GROUP BY encounter_id"
        ).fetchall()
    )
    assert len(sheets) > 1500
    assert sheets == charged
    # ... one ledger charge per line, of the line's total.
    lines = desk.db.execute(
        "SELECT c.total_cents, (SELECT group_concat(l.amount_cents) FROM ledger l"
        " WHERE l.charge_id = c.id AND l.kind = 'charge') FROM charges c"
    ).fetchall()
    assert all(str(total) == entries for total, entries in lines)


def test_balances_are_the_sums_of_the_entries_and_receipts_show_them(desk: Desk) -> None:
    balance: dict[int, int] = defaultdict(int)
    held: dict[int, int] = defaultdict(int)
    after: dict[int, tuple[int, int]] = {}
    for posting, patient, account, amount in desk.db.execute(
        "SELECT posting_id, patient_id, account, amount_cents FROM ledger ORDER BY id"
    ):
        if account == "patient":
            balance[patient] += amount
        elif account == "credit":
            held[patient] += amount
        if patient is not None:
            after[posting] = (balance[patient], -held[patient])
    for patient in list(balance)[:200]:
        assert ledger.balance(desk, patient) == Money(balance[patient])
        assert ledger.credit(desk, patient) == Money(-held[patient])
    assert all(cents <= 0 for cents in held.values())  # credit held is never overdrawn
    checked = 0
    for posting, payload in desk.db.execute(
        "SELECT posting_id, payload FROM print_jobs ORDER BY id"
    ):
        receipt = Receipt.model_validate_json(payload)
        if receipt.balance_after is not None:
            assert (receipt.balance_after.cents, (receipt.credit_after or Money(0)).cents) == (
                after[posting]
            )
            checked += 1
    assert checked > 2000


def test_no_refund_exceeds_its_payment(desk: Desk) -> None:
    refunds = desk.db.execute(
        "SELECT r.refunds_id, sum(r.amount_cents), -p.amount_cents FROM ledger r"
        " JOIN ledger p ON p.id = r.refunds_id WHERE r.kind = 'refund' GROUP BY r.refunds_id"
    ).fetchall()
    assert len(refunds) >= 2
    for payment, refunded, paid in refunds:
        assert 0 < refunded <= paid
        assert ledger.refundable(desk, payment) == Money(paid - refunded)
    voids = desk.db.execute(
        "SELECT v.amount_cents, o.amount_cents, v.business_date = o.business_date"
        " FROM ledger v JOIN ledger o ON o.id = v.reverses_id"
    ).fetchall()
    assert voids and all(amount == -original and same_day for amount, original, same_day in voids)


def test_nothing_is_posted_on_a_closed_day(desk: Desk) -> None:
    closed = {row[0] for row in desk.db.execute("SELECT day FROM closed_days")}
    for table in ("ledger", "postings", "encounters"):
        days = {row[0] for row in desk.db.execute(f"SELECT DISTINCT business_date FROM {table}")}
        assert not days & closed, table
        assert all(dt.date.fromisoformat(day).weekday() != 6 for day in days), table
    (late,) = desk.db.execute(
        "SELECT count(*) FROM ledger WHERE at > ?", (desk.clock.stamp(),)
    ).fetchone()
    assert late == 0  # nothing after "now"


def test_the_business_date_is_the_local_date_of_the_posting(desk: Desk) -> None:
    rows = desk.db.execute("SELECT business_date, at FROM postings ORDER BY random() LIMIT 300")
    for business_date, at in rows:
        assert desk.clock.local(at).date().isoformat() == business_date


def test_gift_cards_are_sold_and_redeemed_without_going_below_zero(desk: Desk) -> None:
    cards = desk.db.execute("SELECT id FROM gift_cards").fetchall()
    assert len(cards) >= 3
    balances = [ledger.gift_card_balance(desk, card) for (card,) in cards]
    assert all(value >= Money(0) for value in balances)
    sold = dict(
        desk.db.execute(
            "SELECT gift_card_id, -sum(amount_cents) FROM ledger WHERE kind = 'gift_card_sale'"
            " GROUP BY gift_card_id"
        ).fetchall()
    )
    assert any(0 < value.cents < sold[card] for (card,), value in zip(cards, balances, strict=True))


def test_deposits_are_held_then_applied_at_a_later_laser_visit(desk: Desk) -> None:
    rows = desk.db.execute(
        "SELECT d.patient_id, d.business_date, a.business_date, t.name FROM ledger d"
        " JOIN ledger a ON a.patient_id = d.patient_id AND a.kind = 'credit_applied'"
        " JOIN encounters e ON e.id = a.encounter_id"
        " JOIN appointments ap ON ap.id = e.appointment_id"
        " JOIN appointment_types t ON t.id = ap.type_id WHERE d.kind = 'deposit'"
    ).fetchall()
    assert len(rows) >= 2
    assert all(held <= used for _, held, used, _ in rows)
    assert {name for *_, name in rows} <= {"Laser hair removal", "IPL photofacial", "Microneedling"}


def test_the_rarer_corrections_are_there(desk: Desk) -> None:
    kinds = dict(desk.db.execute("SELECT kind, count(*) FROM postings GROUP BY kind").fetchall())
    assert kinds["refund"] >= 2 and kinds["void"] >= 1 and kinds["no_show_fee"] >= 5
    assert kinds["deposit"] >= 4 and kinds["gift_card_sale"] >= 4
    reasons = {
        row[0] for row in desk.db.execute("SELECT reason FROM ledger WHERE kind = 'adjustment'")
    }
    assert {"courtesy", "returned"} <= reasons
    # Corrections carry the approving manager.
    manager = desk.db.execute("SELECT id FROM staff WHERE role = 'manager'").fetchone()[0]
    approvers = {
        row[0]
        for row in desk.db.execute(
            "SELECT approver_id FROM postings WHERE kind IN ('refund', 'void', 'adjustment')"
        )
    }
    assert approvers == {manager}


def test_stock_on_hand_never_goes_below_zero(desk: Desk) -> None:
    on_hand: dict[int, int] = defaultdict(int)
    moves = desk.db.execute(
        "SELECT item_id, quantity, reason FROM stock_moves WHERE note <> 'Opening stock'"
        " ORDER BY at, id"
    ).fetchall()
    assert any(reason == "sale" for *_, reason in moves)
    for item, quantity, _ in moves:
        on_hand[item] += quantity
        assert on_hand[item] >= 0
    totals = desk.db.execute(
        "SELECT item_id, sum(quantity) FROM stock_moves GROUP BY item_id"
    ).fetchall()
    assert all(total >= 0 for _, total in totals)
    # Every product sold took its units off the shelf.
    (unmatched,) = desk.db.execute(
        "SELECT count(*) FROM charges c WHERE c.kind = 'product' AND NOT EXISTS"
        " (SELECT 1 FROM stock_moves m WHERE m.charge_id = c.id AND m.reason = 'sale'"
        "  AND m.quantity = -c.quantity)"
    ).fetchone()
    assert unmatched == 0


def test_postings_have_unique_keys_and_numbered_entries(desk: Desk) -> None:
    keys = [row[0] for row in desk.db.execute("SELECT idempotency_key FROM postings")]
    assert len(keys) == len(set(keys))
    assert all(ledger.check_key(key) == key for key in keys)
    rows = desk.db.execute(
        "SELECT p.idempotency_key, l.idempotency_key FROM ledger l"
        " JOIN postings p ON p.id = l.posting_id ORDER BY l.id"
    )
    numbers: dict[str, int] = defaultdict(int)
    for key, entry_key in rows:
        numbers[key] += 1
        assert entry_key == f"{key}:{numbers[key]}"


def test_receipts_are_queued_printed_and_say_what_build_receipt_says(desk: Desk) -> None:
    printed = set(receipts.PRINTED_KINDS)
    rows = desk.db.execute(
        "SELECT p.id, p.kind, count(j.id), min(j.status) FROM postings p"
        " LEFT JOIN print_jobs j ON j.posting_id = p.id GROUP BY p.id"
    ).fetchall()
    for _, kind, jobs, status in rows:
        assert jobs == (1 if kind in printed else 0)
        assert status in (None, "printed")
    sample = random.Random(3).sample([row[0] for row in rows if row[1] in printed], 150)
    for posting in sample:
        (payload,) = desk.db.execute(
            "SELECT payload FROM print_jobs WHERE posting_id = ?", (posting,)
        ).fetchone()
        assert payload == receipts.build_receipt(desk, posting).model_dump_json()


def test_the_rows_keep_every_constraint_of_the_schema(desk: Desk) -> None:
    # The demo writes its history with CHECK constraints skipped (for speed):
    # integrity_check checks every one of them, and the foreign keys are checked here.
    assert desk.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert desk.db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert desk.db.execute("PRAGMA ignore_check_constraints").fetchone() == (0,)


# -- exactly what the services write ----------------------------------------------------------


def _staff(desk: Desk) -> dict[int, Actor]:
    return {
        row[0]: Actor(
            staff_id=row[0], username=row[1], full_name=row[2], role=row[3], workstation=""
        )
        for row in desk.db.execute("SELECT id, username, full_name, role FROM staff")
    }


def _tenders(tenders: list[tuple]) -> list[Tender]:
    return [
        Tender(
            method=method,
            amount=Money(amount),
            tendered=None if tendered is None else Money(tendered),
            check_number=check_number,
            card_brand=brand,
            card_last4=last4,
            auth_code=auth,
            gift_card_code=code,
        )
        for method, amount, tendered, check_number, brand, last4, auth, code in tenders
    ]


def _lines(specs: list[list]) -> tuple[FeeLine, ...]:
    return tuple(
        FeeLine(
            kind=kind,
            code=code if kind == "service" else code[1],
            quantity=quantity,
            provider_id=provider or None,
            discount_percent=percent or None,
            discount_reason=reason or None,
        )
        for kind, code, quantity, provider, percent, reason in specs
    )


def _open_the_drawer(desk: Desk, manager: Actor) -> None:
    """Open the desk's drawer for the day, closing the day before's first."""
    found = drawers.drawer_at(desk)
    assert found is not None
    current = drawers.current_session(desk, found.id)
    if current is not None:
        drawers.submit_count(desk, current.id, {}, [], Money(0))
        drawers.close_drawer(desk, current.id, leave=Money(0), reason="replayed", approver=manager)
        # The recorded history closes no drawer: this close's slip is the replay's own.
        with write(desk.db):
            desk.db.execute("DELETE FROM print_jobs WHERE kind = 'drawer_close'")
    drawers.open_drawer(desk, found.id, {"b20": 10})


def _replay(db, record: list[tuple], monkeypatch: pytest.MonkeyPatch) -> None:
    """Post each recorded posting through the service that posts it, at its time, by
    its staff member at their workstation."""
    clock = FakeClock()
    base = Desk(db=db, clock=clock, workstation="")
    staff = _staff(base)
    manager = next(person for person in staff.values() if person.role == "manager")
    codes: list[str] = []
    monkeypatch.setattr(payments, "_new_code", lambda desk: codes.pop())
    for op in record:
        if op[0] == "printed":  # the printer took the receipt
            with write(db):
                db.execute(
                    "UPDATE print_jobs SET status = 'printed', attempts = 1, printed_at = ?"
                    " WHERE id = (SELECT max(id) FROM print_jobs)",
                    (op[1],),
                )
            continue
        kind, epoch, staff_id, workstation, *args = op
        clock.at = arrow.get(epoch)
        person = staff[staff_id].model_copy(update={"workstation": workstation})
        desk = Desk(db=db, clock=clock, workstation=workstation, actor=person)
        approver = manager if person.role != "manager" else None
        if kind == "open_drawer":  # the day's first posting at a desk with a drawer
            _open_the_drawer(desk, manager)
        elif kind == "payment":
            patient, key, tenders, appointment, note = args
            if appointment:  # a co-pay, taken at check-in
                with write(db):
                    db.execute(
                        "UPDATE appointments SET status = 'arrived' WHERE id = ?"
                        " AND status = 'checked_out'",
                        (appointment,),
                    )
            payments.post_payment(
                desk,
                patient,
                _tenders(tenders),
                key,
                appointment_id=appointment or None,
                note=note,
            )
        elif kind == "checkout":
            appointment, key, specs, tenders, approved = args
            with write(db):  # the visit is in the office again, ready to check out
                db.execute(
                    "UPDATE appointments SET status = 'with_provider' WHERE id = ?",
                    (appointment,),
                )
            visits.check_out(
                desk,
                Checkout(
                    appointment_id=appointment,
                    lines=_lines(specs),
                    tenders=tuple(_tenders(tenders)),
                    idempotency_key=key,
                ),
                approver=approver if approved else None,
            )
        elif kind == "deposit":
            patient, key, tenders, note = args
            payments.post_deposit(desk, patient, _tenders(tenders), key, note=note)
        elif kind == "gift_card_sale":
            purchaser, key, amount, tenders, recipient, code = args
            codes.append(code)
            payments.sell_gift_card(
                desk,
                Money(amount),
                _tenders(tenders),
                key,
                purchaser_id=purchaser or None,
                recipient=recipient,
            )
        elif kind == "void":
            entry, reason, key = args
            corrections.void_entry(desk, entry, reason, key, approver=approver)
        elif kind == "refund":
            entry, amount, reason, key, reference = args
            corrections.refund_payment(
                desk, entry, Money(amount), reason, key, reference=reference, approver=approver
            )
        elif kind == "adjustment":
            patient, amount, reason, key, note = args
            corrections.adjust_balance(
                desk, patient, Money(amount), reason, key, note=note, approver=approver
            )
        elif kind == "return":
            charge, quantity, key = args
            corrections.return_product(desk, charge, quantity, key, approver=approver)
        elif kind == "no_show_fee":
            appointment, key = args
            corrections.post_no_show_fee(desk, appointment, key)
        elif kind == "receive":  # a delivery (no service books one yet): as the catalogue does
            item, quantity = args
            with write(db):
                db.execute(
                    "INSERT INTO stock_moves (item_id, at, quantity, reason, note, staff_id,"
                    " workstation) VALUES (?, ?, ?, 'receive', 'Delivery', ?, ?)",
                    (item, clock.stamp(), quantity, staff_id, workstation),
                )
        else:
            raise AssertionError(f"no service for {kind}")


def _rows(db, table: str) -> list[tuple]:
    return db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def test_the_bulk_rows_are_what_the_services_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo practice without its money history, its book thinned out (a sixth of the
    # checked-out visits stay) so that two weeks replay through the services quickly.
    before = tmp_path / "before.db"
    db = open_database(before)
    setup = Desk(db=db, clock=FakeClock(), workstation="SETUP", shell=True)
    rng = random.Random(7)
    with write(db):
        for step in demo.STEPS:
            if step not in MONEY_STEPS + DRAWER_HISTORY_STEPS:
                step(setup, demo.plan("small", 7), rng)
        db.execute(
            "UPDATE appointments SET status = 'cancelled', cancel_reason = 'patient_cancelled'"
            " WHERE status = 'checked_out' AND id % 6 <> 0"
        )
    state = rng.getstate()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    bulk_path, services_path = tmp_path / "bulk.db", tmp_path / "services.db"
    shutil.copy(before, bulk_path)
    shutil.copy(before, services_path)

    bulk = open_database(bulk_path)
    rng.setstate(state)
    with write(bulk):
        record = money_history(
            Desk(db=bulk, clock=FakeClock(), workstation="SETUP", shell=True),
            demo.plan("small", 7),
            rng,
            days=15,
        )
    kinds = {op[0] for op in record}
    assert kinds >= {
        "payment",
        "checkout",
        "deposit",
        "gift_card_sale",
        "void",
        "refund",
        "adjustment",
        "return",
        "no_show_fee",
        "receive",
        "printed",
    }

    services = open_database(services_path)
    _replay(services, record, monkeypatch)
    for table in MONEY_TABLES:
        made, posted = _rows(bulk, table), _rows(services, table)
        assert len(made) == len(posted), table
        for mine, theirs in zip(made, posted, strict=True):
            assert mine == theirs, table
    bulk.close()
    services.close()
