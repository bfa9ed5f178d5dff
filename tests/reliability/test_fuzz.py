"""Hypothesis over what people type and do: the money parser, booking and posting.

Each test works on one copy of the demo practice: a refused example must change nothing
(seen statement by statement through `watch`), so examples can share it; an accepted one
stays, and the next example runs on the practice as it left it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.data.clock import from_stored
from frontdesk.data.money import DEFAULT_CEILING_CENTS, Money
from frontdesk.data.schema import open_database
from frontdesk.errors import BadAmount, FrontDeskError, Invalid
from frontdesk.services import appointments, drawers, ledger, payments
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, actor
from tests.reliability.watch import watch, written


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


TZ = "America/Chicago"
TODAY = dt.date(2026, 11, 24)


def _readable(message: str) -> None:
    assert message.strip() and len(message) <= 300, message
    assert "Traceback" not in message and "Error(" not in message, message
    assert not [ch for ch in message if unicodedata.category(ch) in ("Cc", "Cs")], message


# -- the money parser ---------------------------------------------------------------------

#: Text near the grammar of an amount, where the parser's edges are.
AMOUNTISH = st.text(alphabet="0123456789.,$-+ eE\t", max_size=30)


@fuzz(400)
@given(text=st.one_of(st.text(max_size=40), AMOUNTISH))
def test_any_text_is_an_exact_amount_or_refused(text: str) -> None:
    try:
        money = Money.parse(text)
    except BadAmount as error:
        assert isinstance(error, Invalid)
        _readable(str(error))
        return
    assert type(money.cents) is int
    assert abs(money.cents) <= DEFAULT_CEILING_CENTS
    # What was taken is exactly what was typed, read as a decimal number of dollars.
    typed = Decimal(re.sub(r"[\s$,]", "", text)) * 100
    assert typed == typed.to_integral_value() and money.cents == int(typed)


@fuzz(200)
@given(cents=st.integers(min_value=-(10**15), max_value=10**15), symbol=st.booleans())
def test_an_amount_formatted_parses_back_to_itself(cents: int, symbol: bool) -> None:
    shown = Money(cents).format(symbol=symbol)
    assert Money.parse(shown, ceiling=None) == Money(cents)


@fuzz(200)
@given(cents=st.integers(min_value=0, max_value=DEFAULT_CEILING_CENTS))
def test_plain_dollars_and_cents_parse_exactly(cents: int) -> None:
    dollars, rest = divmod(cents, 100)
    assert Money.parse(f"{dollars}.{rest:02d}") == Money(cents)
    assert Money.parse(f" ${dollars:,}.{rest:02d} ") == Money(cents)
    if rest % 10 == 0:
        assert Money.parse(f"{dollars}.{rest // 10}") == Money(cents)


# -- one practice per test -------------------------------------------------------------------


@pytest.fixture
def practice(practice_template: Path, tmp_path: Path) -> Iterator[Desk]:
    """The demo practice at FRONT-1 (its drawer open), nobody signed in; commits skip
    the fsync (this is about the books, not about a power cut)."""
    path = tmp_path / "fuzz.db"
    shutil.copy(practice_template, path)
    db = open_database(path)
    db.execute("PRAGMA synchronous = OFF")
    watch(db)
    yield Desk(db=db, clock=FakeClock(), workstation="FRONT-1")
    db.close()


def _invariants(desk: Desk) -> Callable[[], set[str]] | None:
    """`invariants.check` of the practice, or None while that module is not there. The
    demo may break a rule as it is built: what counts is that an example breaks none
    that held before it. "integrity" and "whole postings" read every row, seconds on the
    demo: they are left to the crash and concurrency tests."""
    try:
        from frontdesk.services import invariants
    except ImportError:
        return None
    quick = tuple(name for name in invariants.RULES if name not in ("integrity", "whole postings"))
    return lambda: {str(v) for v in invariants.check(desk.db, quick)}


# -- booking -------------------------------------------------------------------------------

#: The weekdays of the next weeks (sampled evenly: hypothesis's integers crowd the ends).
NEXT_WEEKS = [
    day for day in (TODAY + dt.timedelta(days=n) for n in range(1, 60)) if day.weekday() < 5
]
#: True about four times in five: the plausible branch of a strategy.
MOSTLY = st.integers(min_value=0, max_value=9).map(lambda n: n not in (3, 7))
#: Text with nothing a field refuses outright (no control character, no lone surrogate).
PRINTABLE_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
# Days around today and the clock changes: the spring-forward gap and the fall-back fold.
DST_DAYS = [dt.date(2026, 11, 1), dt.date(2027, 3, 14), dt.date(2027, 11, 7)]
DAYS = st.one_of(
    st.integers(min_value=-30, max_value=130).map(lambda n: TODAY + dt.timedelta(days=n)),
    st.sampled_from(DST_DAYS),
)


@st.composite
def bookings(draw: st.DrawFn, patients: list[int], pairs: list[tuple[int, int]]) -> dict:
    """A booking as the form could send it: mostly one the book can take (a column and
    a type it takes, a weekday in the next weeks, a time on the grid), else anything."""
    if draw(MOSTLY):
        resource, kind = draw(st.sampled_from(pairs))
        day = draw(st.sampled_from(NEXT_WEEKS))
        b = {
            "patient": draw(st.sampled_from(patients)),
            "resource": resource,
            "type": kind,
            "day": day,
            "minute": draw(st.sampled_from(range(8 * 60, 16 * 60 + 45, 15))),
            "minutes": draw(st.sampled_from([None, None, 15, 30, 45])),
        }
    else:
        b = {
            "patient": draw(st.sampled_from([*patients[:3], 99_999])),
            "resource": draw(st.integers(min_value=0, max_value=8)),
            "type": draw(st.integers(min_value=0, max_value=15)),
            "day": draw(DAYS),
            "minute": draw(st.integers(min_value=-20, max_value=1500)),
            "minutes": draw(st.one_of(st.none(), st.integers(min_value=-10, max_value=500))),
        }
    b.update(
        notes=draw(PRINTABLE_TEXT if draw(MOSTLY) else st.text(max_size=30)),
        which=draw(st.sampled_from([None, "earlier", "later"])),
        double_book=draw(st.booleans()),
        same_patient_ok=draw(st.booleans()),
        manager=draw(st.booleans()),
        override=draw(st.booleans()),
    )
    return b


def _overlaps_of(desk: Desk, appointment_id: int) -> list[tuple]:
    """Appointments holding time on the new one's column while it does."""
    return desk.db.execute(
        "SELECT b.id FROM appointments a JOIN appointments b ON b.resource_id = a.resource_id"
        " AND b.id <> a.id AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at"
        " AND b.status NOT IN ('cancelled', 'no_show') WHERE a.id = ?",
        (appointment_id,),
    ).fetchall()


def test_booking_is_refused_cleanly_or_booked_where_asked(practice: Desk) -> None:
    reception = practice.signed_in(actor(practice, "anguyen"))
    manager = practice.signed_in(actor(practice, "dokafor"))
    check = _invariants(practice)
    before = check() if check else set()
    booked: list[int] = []
    patients = [
        row[0] for row in practice.db.execute("SELECT id FROM patients WHERE active = 1 LIMIT 12")
    ]
    pairs = practice.db.execute(
        "SELECT x.resource_id, x.type_id FROM appointment_type_resources x"
        " JOIN resources r ON r.id = x.resource_id AND r.active = 1"
        " JOIN appointment_types t ON t.id = x.type_id AND t.active = 1 ORDER BY 1, 2"
    ).fetchall()

    @fuzz(150)
    @given(b=bookings(patients, pairs))
    def example(b: dict) -> None:
        desk = manager if b["manager"] else reception
        booking = appointments.Booking(
            patient_id=b["patient"],
            resource_id=b["resource"],
            type_id=b["type"],
            day=b["day"],
            start_minute=b["minute"],
            minutes=b["minutes"],
            notes=b["notes"],
            which=b["which"],
        )
        override = appointments.Override(reason="fuzz") if b["override"] else None
        written(practice.db)
        try:
            made = appointments.book(
                desk,
                booking,
                double_book=b["double_book"],
                same_patient_ok=b["same_patient_ok"],
                override=override,
            )
        except FrontDeskError as error:
            _readable(str(error))
            assert written(practice.db) == set(), f"refused ({error}) but wrote"
            return
        booked.append(made.id)
        # Booked at the wall time asked for, on the day asked for: never moved.
        start = from_stored(made.starts_at).to(TZ)
        assert start.date() == b["day"]
        assert start.hour * 60 + start.minute == b["minute"]
        # Nothing else holds that time on the column, unless this one is flagged (and
        # was asked for) as a double-book.
        (doubled,) = practice.db.execute(
            "SELECT double_booked FROM appointments WHERE id = ?", (made.id,)
        ).fetchone()
        overlaps = _overlaps_of(practice, made.id)
        assert bool(doubled) == bool(overlaps), f"appointment {made.id}: {overlaps}"
        assert not doubled or b["double_book"]
        if check:
            assert check() <= before, "a booking broke an invariant"

    example()
    assert booked, "no example booked anything: the strategy misses the book"


# -- posting --------------------------------------------------------------------------------

METHODS = ["cash", "check", "card", "gift_card", "credit", "wampum"]
AMOUNTS = st.one_of(
    st.integers(min_value=-500, max_value=20_000).map(lambda c: Money(c).format(symbol=False)),
    st.sampled_from(["", "0", "1e2", "9.999", "NaN", "1,00", "$5", " 12.5 ", "٣"]),
    st.text(max_size=8),
)


@st.composite
def tenders(draw: st.DrawFn) -> dict:
    """A tender as the tender dialog could send it: mostly a good one (a few dollars in
    cash, by check, card or gift card), else any of the fields typed wrong."""
    good = {
        "cash": {},
        "check": {"check_number": "1042"},
        "card": {"card_brand": "Visa", "card_last4": "4242", "auth_code": "A1B2C3"},
        "gift_card": {"gift_card_code": "GIFT"},
    }
    if draw(MOSTLY):
        method = draw(st.sampled_from(sorted(good)))
        cents = draw(st.integers(min_value=1, max_value=2_500))
        tender = {"method": method, "amount": Money(cents).format(symbol=False), **good[method]}
        if method == "cash" and draw(st.booleans()):
            extra = draw(st.integers(min_value=0, max_value=5_000))
            tender["tendered"] = Money(cents + extra).format(symbol=False)
        return tender
    return {
        "method": draw(st.sampled_from(METHODS)),
        "amount": draw(AMOUNTS),
        "tendered": draw(st.one_of(st.just(""), AMOUNTS)),
        "check_number": draw(st.sampled_from(["1042", "", "12345678901234", "A-7"])),
        "card_brand": draw(st.sampled_from(["Visa", "Amex", "", "visa"])),
        "card_last4": draw(st.sampled_from(["4242", "424", "4111111111111111", ""])),
        "auth_code": draw(st.sampled_from(["A1B2C3", "12", "", "OK-1"])),
        "gift_card_code": draw(st.sampled_from(["GIFT", "GC-AAAA-BBBB", ""])),
    }


def _owing(desk: Desk) -> list[int]:
    return [
        row[0]
        for row in desk.db.execute(
            "SELECT l.patient_id FROM ledger l JOIN patients p ON p.id = l.patient_id"
            " WHERE l.account = 'patient' AND p.active = 1 GROUP BY l.patient_id"
            " HAVING sum(l.amount_cents) > 0 ORDER BY l.patient_id LIMIT 6"
        )
    ]


def _gift_card(desk: Desk) -> str:
    return desk.db.execute(
        "SELECT g.code FROM gift_cards g JOIN ledger l ON l.gift_card_id = g.id"
        " AND l.account = 'gift_card' GROUP BY g.id ORDER BY sum(l.amount_cents) LIMIT 1"
    ).fetchone()[0]


def test_a_posting_is_refused_cleanly_or_adds_up(practice: Desk) -> None:
    reception = practice.signed_in(actor(practice, "anguyen"))
    owing = _owing(practice)
    card = _gift_card(practice)
    session = drawers.current_session(reception, drawers.drawer_at(reception).id).id
    check = _invariants(practice)
    before = check() if check else set()
    posted: list[int] = []

    @fuzz(150)
    @given(
        typed=st.lists(tenders(), min_size=1, max_size=3),
        patient=st.sampled_from(owing),
        deposit=st.booleans(),
        replay=st.booleans(),
    )
    def example(typed: list[dict], patient: int, deposit: bool, replay: bool) -> None:
        for tender in typed:
            if tender.get("gift_card_code") == "GIFT":
                tender["gift_card_code"] = card
        cash_before = drawers.expected(reception, session).cash
        owed_before = ledger.balance(reception, patient)
        credit_before = ledger.credit(reception, patient)
        key = ledger.new_key()
        written(practice.db)
        try:
            made = [payments.make_tender(reception, **tender) for tender in typed]
            post = payments.post_deposit if deposit else payments.post_payment
            posting = post(reception, patient, made, key)
        except FrontDeskError as error:
            _readable(str(error))
            assert written(practice.db) == set(), f"refused ({error}) but wrote"
            return
        posted.append(posting.id)
        paid = sum((t.amount for t in made), Money(0))
        kept = sum((t.amount for t in made if t.method == "cash"), Money(0))
        (entries,) = practice.db.execute(
            "SELECT -coalesce(sum(amount_cents), 0) FROM ledger WHERE posting_id = ?"
            " AND kind IN ('payment', 'deposit')",
            (posting.id,),
        ).fetchone()
        assert entries == paid.cents, "the entries do not add up to what was paid"
        if deposit:
            assert ledger.credit(reception, patient) == credit_before + paid
            assert ledger.balance(reception, patient) == owed_before
        else:
            assert ledger.balance(reception, patient) == owed_before - paid
        assert drawers.expected(reception, session).cash == cash_before + kept
        if replay:  # the same screen submitted again: the same posting, nothing more
            written(practice.db)
            again = post(reception, patient, made, key)
            assert again.id == posting.id and written(practice.db) == set()
        if check:
            assert check() <= before, "a posting broke an invariant"

    example()
    assert posted, "no example posted anything: the strategy misses the desk"
