"""The ledger's rules, held by the database and by the services: nothing posted is ever
changed or removed, a closed day takes no entry, a screen posts once however often it is
submitted (and from however many sessions), a refund race cannot overdraw a payment,
only the right people move money, and a card number is never kept."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest

from frontdesk.data.db import sqlite3
from frontdesk.data.models import PatientDraft
from frontdesk.data.money import Money
from frontdesk.data.money_models import Posting
from frontdesk.errors import AccessDenied, Conflict, FrontDeskError, Invalid
from frontdesk.services import corrections, ledger, patients, payments, receipts, visits
from frontdesk.services.context import Desk
from frontdesk.services.ledger import NeedsApproval
from tests.conftest import FakeClock, actor
from tests.unit.money_helpers import (
    SUNSCREEN,
    TODAY,
    a_mornings_books,
    a_patient_with_nothing_today,
    a_visit_with_a_balance,
    card,
    cash,
    check,
    check_in,
    check_out,
    close_day,
    fingerprint,
    key,
    payment_entry,
    product,
    quick_commits,
    service,
    todays_visits,
)

CARD_NUMBERS = ("4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111")


@pytest.fixture(autouse=True)
def _quick(desk: Desk) -> None:
    quick_commits(desk)


@pytest.fixture
def books(manager_desk: Desk) -> dict:
    return a_mornings_books(manager_desk)


# -- the database refuses to change what was posted ---------------------------------------------

REFUSED_STATEMENTS = {
    "ledger update": "UPDATE ledger SET amount_cents = 1 WHERE id = (SELECT max(id) FROM ledger)",
    "ledger update of a note": "UPDATE ledger SET note = 'edited'",
    "ledger delete": "DELETE FROM ledger WHERE id = (SELECT max(id) FROM ledger)",
    "ledger delete all": "DELETE FROM ledger",
    "postings update": "UPDATE postings SET patient_id = NULL",
    "postings delete": "DELETE FROM postings",
    "stock moves update": "UPDATE stock_moves SET quantity = 1000",
    "stock moves delete": "DELETE FROM stock_moves",
    "finalized encounter update": "UPDATE encounters SET no_charge_reason = 'edited'"
    " WHERE status = 'finalized'",
    "finalized encounter reopened": "UPDATE encounters SET status = 'open'",
    "encounter delete": "DELETE FROM encounters",
    "finalized charge update": "UPDATE charges SET total_cents = 0, unit_price_cents = 0,"
    " tax_cents = 0, discount_cents = 0",
    "finalized charge delete": "DELETE FROM charges",
    "charge added to a finalized sheet": "INSERT INTO charges (encounter_id, line_no, kind,"
    " fee_id, code, description, quantity, list_price_cents, unit_price_cents, total_cents,"
    " created_at) SELECT id, 99, 'service', 1, 'X', 'x', 1, 1, 1, 1, 'now' FROM encounters"
    " WHERE status = 'finalized'",
    "day close update": "UPDATE day_closes SET totals = '{\"edited\": 1}'",
    "day close delete": "DELETE FROM day_closes",
}


@pytest.mark.parametrize("statement", REFUSED_STATEMENTS.values(), ids=REFUSED_STATEMENTS.keys())
def test_what_was_posted_cannot_be_changed_or_removed_even_by_raw_sql(
    manager_desk: Desk, books: dict, statement: str
) -> None:
    close_day(manager_desk, TODAY.replace(day=23))
    before = fingerprint(manager_desk, (*_POSTED, "day_closes"))
    with pytest.raises(sqlite3.IntegrityError):
        manager_desk.db.execute(statement)
    assert fingerprint(manager_desk, (*_POSTED, "day_closes")) == before


_POSTED = ("ledger", "postings", "stock_moves", "encounters", "charges")


def test_a_mistake_is_put_right_by_a_reversal_that_names_it(
    manager_desk: Desk, books: dict
) -> None:
    void = corrections.void_entry(manager_desk, books["deposit_id"], "wrong patient", key())
    (reversal,) = void.entries
    assert reversal.kind == "reversal" and reversal.reverses_id == books["deposit_id"]
    assert reversal.amount == Money(20000)
    original = ledger.entry(manager_desk, books["deposit_id"])
    assert original is not None and original.amount == Money(-20000)
    assert ledger.credit(manager_desk, books["depositor"]) == Money(0)


# -- a closed day ------------------------------------------------------------------------------

CLOSED_DAY_ENTRIES: dict[str, Callable[[Desk, dict], Posting]] = {
    "payment": lambda desk, books: payments.post_payment(
        desk, books["owing_patient"], [cash(1000)], key()
    ),
    "deposit": lambda desk, books: payments.post_deposit(
        desk, books["depositor"], [card(5000)], key()
    ),
    "gift card": lambda desk, books: payments.sell_gift_card(
        desk, Money(5000), [cash(5000)], key()
    ),
    "refund": lambda desk, books: corrections.refund_payment(
        desk, books["payment_id"], Money(1000), "overcharged", key(), reference="RF9921"
    ),
    "void": lambda desk, books: corrections.void_entry(
        desk, books["deposit_id"], "wrong patient", key()
    ),
    "adjustment": lambda desk, books: corrections.adjust_balance(
        desk, books["owing_patient"], Money(1000), "courtesy", key()
    ),
    "check-out": lambda desk, books: _check_out_next_visit(desk),
}


def _check_out_next_visit(desk: Desk) -> Posting:
    appointment_id = todays_visits(desk, ("arrived",))[0][0]
    return check_out(desk, appointment_id, [service("99212")], [cash(8500)])


@pytest.mark.parametrize("post", CLOSED_DAY_ENTRIES.values(), ids=CLOSED_DAY_ENTRIES.keys())
def test_a_closed_day_takes_no_new_entry_and_says_so(
    manager_desk: Desk, books: dict, post: Callable[[Desk, dict], Posting]
) -> None:
    check_in(manager_desk, todays_visits(manager_desk)[0][0])  # someone waiting to check out
    close_day(manager_desk)
    before = fingerprint(manager_desk)
    with pytest.raises(Conflict, match=r"Today.s books \(Tue 11/24/2026\) are closed"):
        post(manager_desk, books)
    assert fingerprint(manager_desk) == before


def test_the_database_refuses_an_entry_dated_on_a_closed_day(
    manager_desk: Desk, books: dict
) -> None:
    close_day(manager_desk)
    before = fingerprint(manager_desk, ("ledger",))
    with pytest.raises(sqlite3.IntegrityError, match="closed"):
        manager_desk.db.execute(
            "INSERT INTO ledger (posting_id, idempotency_key, kind, account, patient_id,"
            " amount_cents, business_date, at) VALUES (?, ?, 'payment', 'patient', ?, -100,"
            " '2026-11-24', '2026-11-24T15:30:00.000000Z')",
            (books["owing"].id, key(), books["owing_patient"]),
        )
    assert fingerprint(manager_desk, ("ledger",)) == before
    # Another, open day still takes an entry written the same way.
    manager_desk.db.execute(
        "INSERT INTO ledger (posting_id, idempotency_key, kind, account, patient_id,"
        " amount_cents, business_date, at) VALUES (?, ?, 'payment', 'patient', ?, -100,"
        " '2026-11-25', '2026-11-25T15:30:00.000000Z')",
        (books["owing"].id, key(), books["owing_patient"]),
    )


# -- one submit, one posting ------------------------------------------------------------------


def _twice(post: Callable[[str], Posting]) -> tuple[Posting, Posting]:
    same = key()
    return post(same), post(same)


SUBMITTED_TWICE: dict[str, Callable[[Desk, dict, str], Posting]] = {
    "payment": lambda desk, books, k: payments.post_payment(
        desk, books["owing_patient"], [cash(5000, 6000)], k
    ),
    "deposit": lambda desk, books, k: payments.post_deposit(
        desk, books["depositor"], [card(5000)], k
    ),
    "gift card": lambda desk, books, k: payments.sell_gift_card(
        desk, Money(5000), [check(5000, "2211")], k
    ),
    "check-out": lambda desk, books, k: check_out(
        desk,
        todays_visits(desk, ("arrived",))[0][0],
        [service("99212"), product(SUNSCREEN)],
        [cash(8500 + 3528, 20000)],
        idempotency_key=k,
    ),
    "refund": lambda desk, books, k: corrections.refund_payment(
        desk, books["payment_id"], Money(1000), "overcharged", k, reference="RF9921"
    ),
    "void": lambda desk, books, k: corrections.void_entry(
        desk, books["deposit_id"], "wrong patient", k
    ),
    "adjustment": lambda desk, books, k: corrections.adjust_balance(
        desk, books["owing_patient"], Money(1000), "courtesy", k
    ),
}


@pytest.mark.parametrize("post", SUBMITTED_TWICE.values(), ids=SUBMITTED_TWICE.keys())
def test_the_same_screen_submitted_twice_posts_once(
    manager_desk: Desk, books: dict, post: Callable[[Desk, dict, str], Posting]
) -> None:
    check_in(manager_desk, todays_visits(manager_desk)[0][0])
    before = fingerprint(manager_desk)
    first, second = _twice(lambda k: post(manager_desk, books, k))
    assert not first.replayed and second.replayed
    assert second.id == first.id and second.entries == first.entries
    assert second.receipt == first.receipt and second.print_job_id == first.print_job_id
    after = fingerprint(manager_desk)
    assert after["postings"][0] == before["postings"][0] + 1
    assert after["ledger"][0] == before["ledger"][0] + len(first.entries)
    printed = 1 if first.kind in receipts.PRINTED_KINDS else 0
    assert after["print_jobs"][0] == before["print_jobs"][0] + printed
    # A third submit changes nothing at all.
    post(manager_desk, books, _key_of(manager_desk, first.id))
    assert fingerprint(manager_desk) == after


def _key_of(desk: Desk, posting_id: int) -> str:
    return desk.db.execute(
        "SELECT idempotency_key FROM postings WHERE id = ?", (posting_id,)
    ).fetchone()[0]


def test_a_check_in_submitted_twice_collects_the_co_pay_once(receptionist_desk: Desk) -> None:
    (appointment_id, patient_id), *_ = todays_visits(receptionist_desk)
    same = key()
    first = visits.check_in(
        receptionist_desk, appointment_id, collect="copay", tenders=[card(3000)], key=same
    )
    second = visits.check_in(
        receptionist_desk, appointment_id, collect="copay", tenders=[card(3000)], key=same
    )
    assert first[1] is not None and second[1] is not None
    assert second[1].replayed and second[1].id == first[1].id
    assert ledger.balance(receptionist_desk, patient_id) == Money(-3000)
    (events,) = receptionist_desk.db.execute(
        "SELECT count(*) FROM appointment_events WHERE appointment_id = ? AND to_status = ?",
        (appointment_id, "arrived"),
    ).fetchone()
    assert events == 1


# -- two sessions at once ----------------------------------------------------------------------

ROUNDS = 4


def _session(path: str, username: str, workstation: str, plan: list, barrier, results) -> None:
    """One desk in its own process with its own connection: at each round, do the
    round's step at the same moment as the other desk."""
    from frontdesk.data.schema import open_database

    db = open_database(path)
    try:
        desk = Desk(db=db, clock=FakeClock(), workstation=workstation)
        desk = desk.signed_in(actor(desk, username))
        for number, (what, args) in enumerate(plan):
            barrier.wait(timeout=60)
            try:
                if what == "payment":
                    patient_id, same = args
                    done = payments.post_payment(desk, patient_id, [cash(1000)], same)
                elif what == "checkout":
                    appointment_id, same = args
                    done = check_out(
                        desk, appointment_id, [service("99213")], [card(5000)], idempotency_key=same
                    )
                else:
                    payment_id, reference = args
                    done = corrections.refund_payment(
                        desk, payment_id, Money(6000), "overcharged", key(), reference=reference
                    )
                outcome = f"{'replayed' if done.replayed else 'posted'} {done.id}"
            except FrontDeskError as error:
                outcome = f"refused {type(error).__name__}: {error}"
            except Exception as error:  # "database is locked" would land here
                outcome = f"error {error!r}"
            results.put((number, workstation, outcome))
    finally:
        db.close()


def _run_two_desks(path: Path, plan: list) -> dict[int, list[str]]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    desks = [
        context.Process(
            target=_session, args=(str(path), username, station, plan, barrier, results)
        )
        for username, station in (("dokafor", "FRONT-1"), ("dokafor", "FRONT-2"))
    ]
    for desk in desks:
        desk.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * len(plan))]
    for desk in desks:
        desk.join(timeout=30)
        assert desk.exitcode == 0
    by_round: dict[int, list[str]] = {}
    for number, _, outcome in outcomes:
        by_round.setdefault(number, []).append(outcome)
    return by_round


def test_two_sessions_submitting_the_same_screen_make_one_posting(
    manager_desk: Desk, practice_path: Path
) -> None:
    (owing_visit, patient_id), (waiting_visit, waiting_patient), *_ = todays_visits(manager_desk)
    a_visit_with_a_balance(manager_desk, owing_visit)  # owes $130.00
    check_in(manager_desk, waiting_visit)
    plan = [("payment", (patient_id, key())) for _ in range(ROUNDS)]
    plan.append(("checkout", (waiting_visit, key())))
    by_round = _run_two_desks(practice_path, plan)

    for number, said in by_round.items():
        posted = [s for s in said if s.startswith("posted ")]
        replayed = [s for s in said if s.startswith("replayed ")]
        assert len(posted) == 1 and len(replayed) == 1, (number, said)
        assert posted[0].split()[1] == replayed[0].split()[1]
        (postings,) = manager_desk.db.execute(
            "SELECT count(*) FROM postings WHERE idempotency_key = ?", (plan[number][1][1],)
        ).fetchone()
        assert postings == 1
    assert ledger.balance(manager_desk, patient_id) == Money(13000 - ROUNDS * 1000)
    assert ledger.balance(manager_desk, waiting_patient) == Money(13000 - 5000)
    (charges,) = manager_desk.db.execute(
        "SELECT count(*) FROM charges c JOIN encounters e ON e.id = c.encounter_id"
        " WHERE e.appointment_id = ?",
        (waiting_visit,),
    ).fetchone()
    assert charges == 1
    assert manager_desk.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_refunds_at_once_cannot_together_exceed_the_payment(
    manager_desk: Desk, practice_path: Path
) -> None:
    (visit, patient_id), *_ = todays_visits(manager_desk)
    a_visit_with_a_balance(manager_desk, visit, [service("JUVEDERM-SYR")])  # $750.00
    paid = [
        payments.post_payment(manager_desk, patient_id, [card(10000)], key()) for _ in range(ROUNDS)
    ]
    plan = [("refund", (payment_entry(p), f"RF{n}")) for n, p in enumerate(paid)]
    by_round = _run_two_desks(practice_path, plan)

    for number, said in by_round.items():
        posted = [s for s in said if s.startswith("posted ")]
        refused = [s for s in said if s.startswith("refused Conflict: ")]
        assert len(posted) == 1 and len(refused) == 1, (number, said)
        assert "Only $40.00 is left" in refused[0]
        payment_id = payment_entry(paid[number])
        assert ledger.refundable(manager_desk, payment_id) == Money(4000)
    assert ledger.balance(manager_desk, patient_id) == Money(75000 - ROUNDS * 10000 + ROUNDS * 6000)


# -- who may move money --------------------------------------------------------------------------

TAKING_MONEY: dict[str, Callable[[Desk], object]] = {
    "payment": lambda desk: payments.post_payment(
        desk, a_patient_with_nothing_today(desk), [cash(1000)], key()
    ),
    "deposit": lambda desk: payments.post_deposit(
        desk, a_patient_with_nothing_today(desk), [cash(1000)], key()
    ),
    "gift card": lambda desk: payments.sell_gift_card(desk, Money(1000), [cash(1000)], key()),
    "check-in with a co-pay": lambda desk: visits.check_in(
        desk, todays_visits(desk)[0][0], collect="copay", tenders=[cash(3000)], key=key()
    ),
    "check-out": lambda desk: check_out(
        desk, todays_visits(desk, ("arrived",))[0][0], [service("99212")]
    ),
}


@pytest.mark.parametrize("username", ["evargas", "hschultz"], ids=["provider", "clinical"])
@pytest.mark.parametrize("take", TAKING_MONEY.values(), ids=TAKING_MONEY.keys())
def test_providers_and_clinical_staff_cannot_take_money(
    desk: Desk, username: str, take: Callable[[Desk], object]
) -> None:
    clinician = desk.signed_in(actor(desk, username))
    before = fingerprint(desk)
    with pytest.raises(AccessDenied, match=r"Your role \((provider|clinical)\) cannot"):
        take(clinician)
    assert fingerprint(desk) == before


def test_nobody_signed_in_cannot_take_money(desk: Desk) -> None:
    before = fingerprint(desk)
    with pytest.raises(AccessDenied, match="Sign in first"):
        payments.post_deposit(desk, a_patient_with_nothing_today(desk), [cash(1000)], key())
    assert fingerprint(desk) == before


CORRECTIONS: dict[str, Callable[..., Posting]] = {
    "refund": lambda desk, books, **who: corrections.refund_payment(
        desk, books["payment_id"], Money(1000), "overcharged", key(), reference="RF77", **who
    ),
    "void": lambda desk, books, **who: corrections.void_entry(
        desk, books["deposit_id"], "wrong patient", key(), **who
    ),
    "adjustment": lambda desk, books, **who: corrections.adjust_balance(
        desk, books["owing_patient"], Money(1000), "courtesy", key(), **who
    ),
    "return": lambda desk, books, **who: corrections.return_product(
        desk, _sunscreen_charge(desk, books), 1, key(), **who
    ),
}


def _sunscreen_charge(desk: Desk, books: dict) -> int:
    return desk.db.execute(
        "SELECT id FROM charges WHERE encounter_id = ? AND kind = 'product'",
        (books["checkout"].encounter_id,),
    ).fetchone()[0]


@pytest.mark.parametrize("correct", CORRECTIONS.values(), ids=CORRECTIONS.keys())
def test_a_receptionist_cannot_correct_money_without_a_manager(
    books: dict, receptionist_desk: Desk, correct: Callable[..., Posting]
) -> None:
    before = fingerprint(receptionist_desk)
    with pytest.raises(NeedsApproval, match="A manager must approve"):
        correct(receptionist_desk, books)
    assert fingerprint(receptionist_desk) == before


@pytest.mark.parametrize("correct", CORRECTIONS.values(), ids=CORRECTIONS.keys())
def test_a_receptionist_corrects_money_with_a_manager_approving(
    books: dict, receptionist_desk: Desk, correct: Callable[..., Posting]
) -> None:
    manager = actor(receptionist_desk, "dokafor")
    done = correct(receptionist_desk, books, approver=manager)
    row = receptionist_desk.db.execute(
        "SELECT staff_id, approver_id FROM postings WHERE id = ?", (done.id,)
    ).fetchone()
    assert row == (actor(receptionist_desk, "anguyen").staff_id, manager.staff_id)
    assert done.entries and all(e.approver_id == manager.staff_id for e in done.entries)


@pytest.mark.parametrize("correct", CORRECTIONS.values(), ids=CORRECTIONS.keys())
def test_an_approver_who_is_not_a_manager_is_refused(
    books: dict, receptionist_desk: Desk, correct: Callable[..., Posting]
) -> None:
    before = fingerprint(receptionist_desk)
    for approver in ("mbell", "evargas", "hschultz"):  # receptionist, provider, clinical
        with pytest.raises(NeedsApproval):
            correct(receptionist_desk, books, approver=actor(receptionist_desk, approver))
        assert fingerprint(receptionist_desk) == before


def test_an_approval_does_not_outlive_the_managers_deactivation(
    books: dict, receptionist_desk: Desk
) -> None:
    manager = actor(receptionist_desk, "dokafor")
    receptionist_desk.db.execute("UPDATE staff SET active = 0 WHERE id = ?", (manager.staff_id,))
    before = fingerprint(receptionist_desk)
    with pytest.raises(NeedsApproval):
        CORRECTIONS["adjustment"](receptionist_desk, books, approver=manager)
    assert fingerprint(receptionist_desk) == before


# -- never a card number --------------------------------------------------------------------------


def _patient_notes(desk: Desk, books: dict, text: str) -> object:
    shown = patients.get_patient(desk, books["owing_patient"])
    draft = PatientDraft(
        **shown.model_dump(exclude={"id", "account_no", "active", "dob"}),
        dob=shown.dob.strftime("%m/%d/%Y"),
    )
    return patients.update_patient(
        desk, shown.id, draft.model_copy(update={"notes": f"pays with {text}"}), original=shown
    )


CARD_NUMBER_FIELDS: dict[str, Callable[[Desk, dict, str], object]] = {
    "payment note": lambda desk, books, text: payments.post_payment(
        desk, books["owing_patient"], [cash(1000)], key(), note=f"card {text}"
    ),
    "check number typed": lambda desk, books, text: payments.make_tender(
        desk, "check", "10", check_number=text
    ),
    "check number": lambda desk, books, text: payments.post_payment(
        desk, books["owing_patient"], [check(1000, text)], key()
    ),
    "auth code typed": lambda desk, books, text: payments.make_tender(
        desk, "card", "10", card_brand="Visa", card_last4="4242", auth_code=text
    ),
    "auth code": lambda desk, books, text: payments.post_payment(
        desk, books["owing_patient"], [card(1000, auth=text)], key()
    ),
    "card last 4 typed": lambda desk, books, text: payments.make_tender(
        desk, "card", "10", card_brand="Visa", card_last4=text, auth_code="A1B2C3"
    ),
    "refund reason": lambda desk, books, text: corrections.refund_payment(
        desk, books["payment_id"], Money(1000), f"card was {text}", key(), reference="RF1"
    ),
    "refund reference": lambda desk, books, text: corrections.refund_payment(
        desk, books["payment_id"], Money(1000), "overcharged", key(), reference=text
    ),
    "void reason": lambda desk, books, text: corrections.void_entry(
        desk, books["deposit_id"], f"card {text}", key()
    ),
    "adjustment note": lambda desk, books, text: corrections.adjust_balance(
        desk, books["owing_patient"], Money(1000), "courtesy", key(), note=text
    ),
    "gift card recipient": lambda desk, books, text: payments.sell_gift_card(
        desk, Money(1000), [cash(1000)], key(), recipient=text
    ),
    "patient notes": _patient_notes,
    "insurance member id": lambda desk, books, text: visits.record_insurance(
        desk, books["owing_patient"], "Blue Cross Blue Shield of Illinois", text
    ),
    "insurance at check-in": lambda desk, books, text: visits.check_in(
        desk,
        todays_visits(desk)[0][0],
        insurance=("Aetna", text, "GRP-100", TODAY),
    ),
}


@pytest.mark.parametrize("field", CARD_NUMBER_FIELDS.values(), ids=CARD_NUMBER_FIELDS.keys())
def test_a_card_number_typed_anywhere_is_refused_and_nothing_is_written(
    manager_desk: Desk, books: dict, field: Callable[[Desk, dict, str], object]
) -> None:
    before = fingerprint(manager_desk)
    for number in CARD_NUMBERS:
        with pytest.raises(Invalid, match=r"card number|at most 12 characters"):
            field(manager_desk, books, number)
        assert fingerprint(manager_desk) == before


def test_the_card_number_message_tells_the_desk_what_to_type_instead(
    manager_desk: Desk, books: dict
) -> None:
    with pytest.raises(Invalid) as refused:
        payments.post_payment(
            manager_desk, books["owing_patient"], [card(1000, auth="4111111111111111")], key()
        )
    assert "last 4 digits" in str(refused.value) and "approval code" in str(refused.value)
