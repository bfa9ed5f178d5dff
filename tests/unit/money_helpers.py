"""Helpers for the money desk's tests: today's visits in the demo book, tenders and fee
lines as the desk types them, and a fingerprint of every table a posting touches (so a
refused entry can be shown to have left nothing behind)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from frontdesk.data.money import Money
from frontdesk.data.money_models import Checkout, FeeLine, Posting, Tender
from frontdesk.services import visits
from frontdesk.services.context import Desk

# The demo practice's Tuesday (Chicago, UTC-6 in November).
TODAY = dt.date(2026, 11, 24)
_TODAY_FROM, _TODAY_UNTIL = "2026-11-24T06:00:00", "2026-11-25T06:00:00"

# The demo's retail shelf (taxable) and its prices in cents.
SUNSCREEN = "850012410300"  # Mineral Sunscreen SPF 30, $32.00
LIP_BALM = "850012416104"  # Lip Balm SPF 30, $9.00
ADAPALENE = "300450021014"  # Adapalene Gel 0.1%, $15.99
TAX_BASIS_POINTS = 1025

#: Every table a money entry can touch; each must stay as it was when one is refused.
MONEY_TABLES = (
    "ledger",
    "postings",
    "stock_moves",
    "print_jobs",
    "encounters",
    "charges",
    "gift_cards",
    "appointments",
    "appointment_events",
    "insurance_cards",
    "patients",
    "recalls",
    "audit_log",
)


def key() -> str:
    """A fresh idempotency key, as a money screen makes when it opens."""
    return uuid.uuid4().hex


# The big tables of the book and of the demo's money history: what a money entry can
# change of them, so the fingerprint stays quick. The append-only ones (their triggers
# refuse an update or a delete) can only gain rows; a finalized fee sheet and its lines
# never change (triggers again), an open one can; a printed receipt's job is done with,
# one waiting to print can move.
_FINGERPRINT_SQL = {
    "appointments": "SELECT id, status, cancel_reason, updated_at FROM appointments ORDER BY id",
    "appointment_events": "SELECT count(*), max(id) FROM appointment_events",
    "ledger": "SELECT count(*), max(id) FROM ledger",
    "postings": "SELECT count(*), max(id) FROM postings",
    "stock_moves": "SELECT count(*), max(id) FROM stock_moves",
    "encounters": "SELECT * FROM encounters WHERE status <> 'finalized' ORDER BY id",
    "charges": "SELECT * FROM charges WHERE encounter_id IN"
    " (SELECT id FROM encounters WHERE status <> 'finalized') ORDER BY id",
    "print_jobs": "SELECT * FROM print_jobs WHERE status <> 'printed' ORDER BY id",
}


def fingerprint(desk: Desk, tables: tuple[str, ...] = MONEY_TABLES) -> dict[str, tuple]:
    """Each table's row count and a hash of its rows."""
    prints = {}
    for table in tables:
        sql = _FINGERPRINT_SQL.get(table, f"SELECT * FROM {table} ORDER BY rowid")
        rows = desk.db.execute(sql).fetchall()
        (count,) = desk.db.execute(f"SELECT count(*) FROM {table}").fetchone()
        prints[table] = (count, hashlib.sha256(repr(rows).encode()).hexdigest())
    return prints


# Patients whose account is not settled: the demo's money history (weeks of visits)
# leaves some owing and some holding credit. The tests' patients start settled, so that
# what a test posts is all there is to their balance and credit.
_UNSETTLED = (
    "SELECT patient_id FROM ledger WHERE account IN ('patient', 'credit')"
    " AND patient_id IS NOT NULL GROUP BY patient_id, account HAVING sum(amount_cents) <> 0"
)


def todays_visits(desk: Desk, statuses: tuple[str, ...] = ("booked", "confirmed")) -> list[tuple]:
    """Today's appointments in `statuses` as (appointment id, patient id), one per patient
    (a patient seen twice today would mix two visits' balances), of patients whose
    account is settled, in the book's order."""
    marks = ", ".join("?" for _ in statuses)
    rows = desk.db.execute(
        "SELECT id, patient_id FROM appointments WHERE starts_at >= ? AND starts_at < ?"
        f" AND status IN ({marks}) AND patient_id NOT IN (SELECT patient_id FROM appointments"
        "   WHERE starts_at >= ? AND starts_at < ? GROUP BY patient_id HAVING count(*) > 1)"
        f" AND patient_id NOT IN ({_UNSETTLED}) ORDER BY starts_at, id",
        (_TODAY_FROM, _TODAY_UNTIL, *statuses, _TODAY_FROM, _TODAY_UNTIL),
    ).fetchall()
    return [tuple(row) for row in rows]


def a_patient_with_nothing_today(desk: Desk, skip: int = 0) -> int:
    """An active patient with no appointment today and a settled account (for payments
    without a visit)."""
    (patient_id,) = desk.db.execute(
        "SELECT id FROM patients WHERE active = 1 AND id NOT IN (SELECT patient_id FROM"
        f" appointments WHERE starts_at >= ? AND starts_at < ?) AND id NOT IN ({_UNSETTLED})"
        " ORDER BY id LIMIT 1 OFFSET ?",
        (_TODAY_FROM, _TODAY_UNTIL, skip),
    ).fetchone()
    return patient_id


def status_of(desk: Desk, appointment_id: int) -> str:
    return desk.db.execute(
        "SELECT status FROM appointments WHERE id = ?", (appointment_id,)
    ).fetchone()[0]


def on_hand(desk: Desk, sku: str) -> int:
    """Units of the product on the shelf: the sum of its stock moves."""
    (units,) = desk.db.execute(
        "SELECT coalesce(sum(m.quantity), 0) FROM stock_moves m JOIN items i"
        " ON i.id = m.item_id WHERE i.sku = ?",
        (sku,),
    ).fetchone()
    return units


def close_day(desk: Desk, day: dt.date = TODAY) -> None:
    """Sign the books of `day` off (as the close-of-day screen will)."""
    desk.db.execute(
        "INSERT INTO day_closes (business_date, closed_at) VALUES (?, ?)",
        (day.isoformat(), desk.clock.stamp()),
    )


# -- what the desk types -------------------------------------------------------------------


def cents(amount: int | str | Money) -> Money:
    if isinstance(amount, Money):
        return amount
    if isinstance(amount, str):
        return Money.parse(amount)
    return Money(amount)


def cash(amount: int | str | Money, tendered: int | str | Money | None = None) -> Tender:
    return Tender(
        method="cash",
        amount=cents(amount),
        tendered=None if tendered is None else cents(tendered),
    )


def card(amount: int | str | Money, *, last4: str = "4242", auth: str = "A1B2C3") -> Tender:
    return Tender(
        method="card",
        amount=cents(amount),
        card_brand="Visa",
        card_last4=last4,
        auth_code=auth,
    )


def check(amount: int | str | Money, number: str = "1043") -> Tender:
    return Tender(method="check", amount=cents(amount), check_number=number)


def gift(amount: int | str | Money, code: str) -> Tender:
    return Tender(method="gift_card", amount=cents(amount), gift_card_code=code)


def on_account(amount: int | str | Money) -> Tender:
    """Credit on account (a deposit applied)."""
    return Tender(method="credit", amount=cents(amount))


def service(code: str, quantity: int = 1, **extra) -> FeeLine:
    return FeeLine(kind="service", code=code, quantity=quantity, **extra)


def product(sku: str, quantity: int = 1, **extra) -> FeeLine:
    return FeeLine(kind="product", code=sku, quantity=quantity, **extra)


def tax_of(net_cents: int) -> int:
    """Sales tax at the demo's 10.25%, rounded half up."""
    return (net_cents * TAX_BASIS_POINTS + 5000) // 10000


# -- a visit ----------------------------------------------------------------------------------


def check_in(desk: Desk, appointment_id: int) -> None:
    visits.check_in(desk, appointment_id)


def check_out(
    desk: Desk,
    appointment_id: int,
    lines: list[FeeLine],
    tenders: tuple[Tender, ...] | list[Tender] = (),
    *,
    idempotency_key: str | None = None,
    approver=None,
) -> Posting:
    return visits.check_out(
        desk,
        Checkout(
            appointment_id=appointment_id,
            lines=tuple(lines),
            tenders=tuple(tenders),
            idempotency_key=idempotency_key or key(),
        ),
        approver=approver,
    )


def a_visit_with_a_balance(
    desk: Desk, appointment_id: int, lines: list[FeeLine] | None = None
) -> Posting:
    """Check the visit in and out with its charges left on the account (nothing paid)."""
    check_in(desk, appointment_id)
    return check_out(desk, appointment_id, lines or [service("99213")])


def payment_entry(posting: Posting, method: str | None = None) -> int:
    """The id of the (first) payment or deposit entry of a posting, by method."""
    return next(
        e.id
        for e in posting.entries
        if e.kind in ("payment", "deposit") and (method is None or e.method == method)
    )


def quick_commits(desk: Desk) -> None:
    """Let this test's connection skip the fsync of each commit: these tests are about
    the books, not about surviving a power cut (which synchronous=FULL is for), and a
    test run does thousands of commits."""
    desk.db.execute("PRAGMA synchronous = OFF")


def a_mornings_books(desk: Desk) -> dict:
    """A morning's money at `desk` (a manager's): a visit checked out with a product and
    a card payment, a deposit held as credit, and a patient who still owes for a visit."""
    from frontdesk.services import payments

    (paid_visit, paid_patient), (owing_visit, owing_patient), *_ = todays_visits(desk)
    check_in(desk, paid_visit)
    checkout = check_out(
        desk,
        paid_visit,
        [service("99213"), product(SUNSCREEN)],
        [card(13000 + 3200 + tax_of(3200))],
    )
    owing = a_visit_with_a_balance(desk, owing_visit)
    depositor = a_patient_with_nothing_today(desk)
    deposit = payments.post_deposit(desk, depositor, [cash(20000)], key())
    return {
        "checkout": checkout,
        "paid_patient": paid_patient,
        "owing": owing,
        "owing_patient": owing_patient,
        "deposit": deposit,
        "depositor": depositor,
        "payment_id": payment_entry(checkout),
        "deposit_id": payment_entry(deposit),
    }


def a_missed_appointment(desk: Desk) -> tuple[int, int]:
    """Yesterday's appointment nobody marked (booked or confirmed), of a patient not
    booked today, as (appointment id, patient id)."""
    row = desk.db.execute(
        "SELECT id, patient_id FROM appointments WHERE status IN ('booked', 'confirmed')"
        " AND starts_at >= '2026-11-23T06:00:00' AND starts_at < ? AND patient_id NOT IN"
        " (SELECT patient_id FROM appointments WHERE starts_at >= ? AND starts_at < ?)"
        " ORDER BY starts_at, id LIMIT 1",
        (_TODAY_FROM, _TODAY_FROM, _TODAY_UNTIL),
    ).fetchone()
    return tuple(row)
