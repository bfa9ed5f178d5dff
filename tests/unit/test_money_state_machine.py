"""A random morning at the money desk (hypothesis' rule-based state machine): visits
checked in and out with random fee sheets and split tenders, deposits, gift cards sold
and spent, payments on balances, refunds of random amounts, voids, adjustments and
returns, in any order. After every step the books must still add up; a step the desk
refuses must leave nothing behind."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from frontdesk.data.money import Money
from frontdesk.data.money_models import Checkout, FeeLine, Posting, Tender
from frontdesk.data.schema import open_database
from frontdesk.errors import FrontDeskError
from frontdesk.services import corrections, fee_sheets, ledger, patient_account, payments, visits
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, actor
from tests.unit.money_helpers import (
    ADAPALENE,
    LIP_BALM,
    SUNSCREEN,
    a_patient_with_nothing_today,
    card,
    cash,
    check,
    fingerprint,
    gift,
    key,
    on_account,
    quick_commits,
    todays_visits,
)

SERVICES = ("99212", "99213", "11102", "17000", "BOTOX-U", "PEEL-LIGHT", "JUVEDERM-SYR")
PRODUCTS = (SUNSCREEN, LIP_BALM, ADAPALENE)
METHODS = ("cash", "card", "check", "gift_card", "credit")
# The tables a money step writes; a refused step must leave each as it was.
WRITTEN = (
    "ledger",
    "postings",
    "stock_moves",
    "print_jobs",
    "encounters",
    "charges",
    "gift_cards",
    "insurance_cards",
    "audit_log",
    "appointment_events",
)


discounts = st.one_of(st.none(), st.integers(min_value=5, max_value=30))
fee_lines = st.one_of(
    st.tuples(st.just("service"), st.sampled_from(SERVICES), st.integers(1, 3), discounts),
    st.tuples(st.just("product"), st.sampled_from(PRODUCTS), st.integers(1, 3), discounts),
)
# How a sum is split between tenders: each tender's method and its share.
splits = st.lists(
    st.tuples(st.sampled_from(METHODS), st.integers(min_value=1, max_value=5)),
    min_size=1,
    max_size=3,
)
picks = st.integers(min_value=0, max_value=10_000)
# Of what is due: nothing, part, all, or more than is due (which must be refused).
shares = st.sampled_from([0, 0, 35, 60, 100, 100, 120])


def _fee_line(kind: str, code: str, quantity: int, percent: int | None) -> FeeLine:
    extra: dict[str, Any] = {}
    if percent is not None:
        extra = {"discount_percent": percent, "discount_reason": "courtesy"}
    return FeeLine(kind=kind, code=code, quantity=quantity, **extra)  # type: ignore[arg-type]


class MoneyDesk(RuleBasedStateMachine):
    """The front desk of a fresh copy of the demo practice."""

    def __init__(self, template: Path, work: Path) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(dir=work))
        path = self.folder / "practice.db"
        shutil.copy(template, path)
        self.db = open_database(path)
        desk = Desk(db=self.db, clock=FakeClock(), workstation="FRONT-1")
        quick_commits(desk)
        self.desk = desk.signed_in(actor(desk, "anguyen"))
        self.manager = actor(desk, "dokafor")
        self.waiting = todays_visits(self.desk)[:12]
        self.patients = [p for _, p in self.waiting] + [
            a_patient_with_nothing_today(desk, n) for n in range(3)
        ]
        self.cards: list[str] = []
        self.touched: set[int] = set(self.patients)
        self.items = dict(
            self.db.execute(
                f"SELECT id, sku FROM items WHERE sku IN ({', '.join('?' for _ in PRODUCTS)})",
                PRODUCTS,
            ).fetchall()
        )
        self.stock = {item_id: self._on_hand(item_id) for item_id in self.items}
        # The demo's money history (weeks of it) ends here: what follows is this morning's.
        self.history_entry, self.history_posting, self.history_charge = self.db.execute(
            "SELECT (SELECT coalesce(max(id), 0) FROM ledger),"
            " (SELECT coalesce(max(id), 0) FROM postings),"
            " (SELECT coalesce(max(id), 0) FROM charges)"
        ).fetchone()

    def teardown(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- doing things at the desk ------------------------------------------------------------

    def attempt(self, do: Callable[[], Posting]) -> Posting | None:
        """Do one thing; a refusal is fine as long as it wrote nothing."""
        before = fingerprint(self.desk, WRITTEN)
        try:
            return do()
        except FrontDeskError:
            assert fingerprint(self.desk, WRITTEN) == before
            return None

    def _on_hand(self, item_id: int) -> int:
        (units,) = self.db.execute(
            "SELECT coalesce(sum(quantity), 0) FROM stock_moves WHERE item_id = ?", (item_id,)
        ).fetchone()
        return units

    def _someone_who_owes(self, pick: int) -> int:
        """A patient with a balance, when there is one (else anyone: to be refused)."""
        owing = [p for p in self.patients if ledger.balance(self.desk, p) > Money(0)]
        choices = owing or self.patients
        return choices[pick % len(choices)]

    def _gift_card(self, pick: int) -> str | None:
        return self.cards[pick % len(self.cards)] if self.cards else None

    def tenders(self, total: int, split: list, pick: int) -> list[Tender]:
        """`total` cents split between the tenders of `split` (a gift card or the credit
        held may fall short: the desk must refuse that)."""
        weights = sum(weight for _, weight in split)
        parts = [total * weight // weights for _, weight in split]
        parts[-1] += total - sum(parts)
        tenders = []
        for (method, _), part in zip(split, parts, strict=True):
            if part <= 0:
                continue
            code = self._gift_card(pick) if method == "gift_card" else None
            if method == "gift_card" and code is not None:
                tenders.append(gift(part, code))
            elif method == "credit":
                tenders.append(on_account(part))
            elif method == "card":
                tenders.append(card(part))
            elif method == "check":
                tenders.append(check(part, f"{1000 + pick % 9000}"))
            else:
                tenders.append(cash(part, (part // 2000 + 1) * 2000))
        return tenders

    # -- the rules ---------------------------------------------------------------------------

    @precondition(lambda self: self.waiting)
    @rule(
        lines=st.lists(fee_lines, max_size=3),
        split=splits,
        share=shares,
        pick=picks,
        copay=st.sampled_from([None, None, 2500]),
    )
    def a_visit(self, lines: list, split: list, share: int, pick: int, copay: int | None) -> None:
        appointment_id, patient_id = self.waiting.pop(pick % len(self.waiting))
        if copay:
            self.attempt(
                lambda: visits.check_in(
                    self.desk,
                    appointment_id,
                    collect="copay",
                    tenders=[card(copay)],
                    key=key(),
                )[1]
            )
        self.attempt(lambda: visits.check_in(self.desk, appointment_id)[1])
        fee_sheet = [_fee_line(*line) for line in lines]
        total = sum(line.total.cents for line in fee_sheets.price_lines(self.desk, fee_sheet))
        due = ledger.balance(self.desk, patient_id).cents + total
        tenders = self.tenders(max(due, 0) * share // 100, split, pick)

        def check_out(tenders: list[Tender]) -> Posting:
            checkout = Checkout(
                appointment_id=appointment_id,
                lines=tuple(fee_sheet),
                tenders=tuple(tenders),
                idempotency_key=key(),
                no_charge_reason="" if fee_sheet else "seen at no charge",
            )
            return visits.check_out(self.desk, checkout, approver=self.manager)

        # A check-out the desk refused (too much paid, a gift card short...) goes through
        # with nothing paid: the patient still leaves.
        done = self.attempt(lambda: check_out(tenders)) or self.attempt(lambda: check_out([]))
        assert done is not None, "a check-out with nothing paid is always taken"
        for line in fee_sheet:
            if line.kind == "product":
                item_id = next(i for i, sku in self.items.items() if sku == line.code)
                self.stock[item_id] -= line.quantity
        self.touched.add(patient_id)

    @rule(pick=picks, dollars=st.integers(1, 500), method=st.sampled_from(["cash", "card"]))
    def a_deposit(self, pick: int, dollars: int, method: str) -> None:
        patient_id = self.patients[pick % len(self.patients)]
        tender = cash(dollars * 100) if method == "cash" else card(dollars * 100)
        self.attempt(lambda: payments.post_deposit(self.desk, patient_id, [tender], key()))
        self.touched.add(patient_id)

    @rule(dollars=st.integers(1, 300), split=splits, pick=picks)
    def a_gift_card_sold(self, dollars: int, split: list, pick: int) -> None:
        money = [(m if m in ("cash", "card", "check") else "card", w) for m, w in split]
        tenders = self.tenders(dollars * 100, money, pick)
        sold = self.attempt(
            lambda: payments.sell_gift_card(self.desk, Money(dollars * 100), tenders, key())
        )
        assert sold is not None and sold.receipt is not None
        self.cards.append(sold.receipt.gift_card_code)

    @rule(pick=picks, split=splits, share=shares)
    def a_payment_on_a_balance(self, pick: int, split: list, share: int) -> None:
        patient_id = self._someone_who_owes(pick)
        owed = ledger.balance(self.desk, patient_id).cents
        tenders = self.tenders(max(owed, 100) * max(share, 1) // 100, split, pick)
        if tenders:
            self.attempt(lambda: payments.post_payment(self.desk, patient_id, tenders, key()))
        self.touched.add(patient_id)

    @rule(
        pick=picks,
        percent=st.integers(1, 130),
        method=st.sampled_from([None, None, "cash", "credit", "gift_card"]),
    )
    def a_refund(self, pick: int, percent: int, method: str | None) -> None:
        # Mostly of a payment it can go back on (a gift card's for a gift card, a
        # payment's for credit); now and then of any payment, to be refused.
        fits = {
            "gift_card": "kind = 'payment' AND method = 'gift_card'",
            "credit": "kind = 'payment' AND method <> 'credit'",
        }.get(method or "", "kind IN ('payment', 'deposit')")
        if pick % 7 == 0:
            fits = "kind IN ('payment', 'deposit')"
        paid = [
            row[0] for row in self.db.execute(f"SELECT id FROM ledger WHERE {fits} ORDER BY id")
        ]
        if not paid:
            return
        recent = paid[-8:]
        payment_id = recent[pick % len(recent)]
        left = ledger.refundable(self.desk, payment_id).cents
        amount = Money(max(1, left * percent // 100))
        self.attempt(
            lambda: corrections.refund_payment(
                self.desk,
                payment_id,
                amount,
                "patient asked",
                key(),
                method=method,
                reference="RF2025",
                approver=self.manager,
            )
        )
        self._touch_entry(payment_id)

    @rule(pick=picks)
    def a_void(self, pick: int) -> None:
        voidable = self.db.execute(
            "SELECT l.id FROM ledger l WHERE l.kind IN ('charge', 'payment', 'deposit',"
            " 'refund', 'gift_card_sale') ORDER BY l.id"
        ).fetchall()
        if not voidable:
            return
        # A void is mostly of something just posted: one of the last few entries.
        recent = voidable[-6:]
        entry_id = recent[pick % len(recent)][0]
        target = ledger.entry(self.desk, entry_id)
        assert target is not None
        done = self.attempt(
            lambda: corrections.void_entry(
                self.desk, entry_id, "posted in error", key(), approver=self.manager
            )
        )
        if done is not None and target.kind == "charge" and target.charge_id is not None:
            item_id, quantity = self.db.execute(
                "SELECT item_id, quantity FROM charges WHERE id = ?", (target.charge_id,)
            ).fetchone()
            if item_id in self.stock:  # a product the machine follows
                self.stock[item_id] += quantity
        self._touch_entry(entry_id)

    @rule(pick=picks, percent=st.integers(1, 120), reason=st.sampled_from(["courtesy", "bad_debt"]))
    def an_adjustment(self, pick: int, percent: int, reason: str) -> None:
        patient_id = self._someone_who_owes(pick)
        owed = ledger.balance(self.desk, patient_id).cents
        amount = Money(max(1, owed * percent // 100))
        self.attempt(
            lambda: corrections.adjust_balance(
                self.desk, patient_id, amount, reason, key(), approver=self.manager
            )
        )
        self.touched.add(patient_id)

    @rule(pick=picks, back=st.booleans())
    def a_return(self, pick: int, back: bool) -> None:
        # Of a product sold this morning (whose stock the machine follows).
        sold = self.db.execute(
            "SELECT c.id, c.item_id, e.patient_id FROM charges c JOIN encounters e"
            " ON e.id = c.encounter_id WHERE c.kind = 'product' AND c.id > ? ORDER BY c.id",
            (self.history_charge,),
        ).fetchall()
        if not sold:
            return
        charge_id, item_id, patient_id = sold[pick % len(sold)]
        done = self.attempt(
            lambda: corrections.return_product(
                self.desk, charge_id, 1, key(), back_to_stock=back, approver=self.manager
            )
        )
        if done is not None and back:
            self.stock[item_id] += 1
        self.touched.add(patient_id)

    def _touch_entry(self, entry_id: int) -> None:
        row = self.db.execute("SELECT patient_id FROM ledger WHERE id = ?", (entry_id,)).fetchone()
        if row and row[0] is not None:
            self.touched.add(row[0])

    # -- what must hold after every step --------------------------------------------------------

    @invariant()
    def each_balance_is_the_sum_of_its_entries(self) -> None:
        for patient_id in self.touched:
            owes, held = self.db.execute(
                "SELECT coalesce(sum(CASE WHEN account = 'patient' THEN amount_cents END), 0),"
                " -coalesce(sum(CASE WHEN account = 'credit' THEN amount_cents END), 0)"
                " FROM ledger WHERE patient_id = ?",
                (patient_id,),
            ).fetchone()
            assert ledger.balance(self.desk, patient_id) == Money(owes)
            assert ledger.credit(self.desk, patient_id) == Money(held)
            assert held >= 0, f"patient {patient_id} holds {held} cents of credit"
            shown = patient_account.account(self.desk, patient_id)
            assert shown.balance == Money(owes) and shown.credit == Money(held)
            patient_lines = [line for line in shown.lines if line.entry.account == "patient"]
            if patient_lines:
                assert shown.lines[-1].balance == Money(owes)
        self.touched.clear()

    @invariant()
    def no_gift_card_is_overdrawn(self) -> None:
        overdrawn = self.db.execute(
            "SELECT gift_card_id, sum(amount_cents) FROM ledger WHERE account = 'gift_card'"
            " GROUP BY gift_card_id HAVING sum(amount_cents) > 0"
        ).fetchall()
        assert overdrawn == []
        for code in self.cards[-3:]:
            found = payments.find_gift_card(self.desk, code)
            (cents,) = self.db.execute(
                "SELECT -coalesce(sum(amount_cents), 0) FROM ledger WHERE gift_card_id = ?",
                (found.id,),
            ).fetchone()
            assert found.balance == Money(cents) >= Money(0)

    @invariant()
    def value_moved_from_a_card_or_credit_is_never_made_or_lost(self) -> None:
        """Within each posting, a payment from a gift card or credit and the card's or
        credit's side of it (and a refund back onto them, and their voids) cancel out."""
        unbalanced = self.db.execute(
            "SELECT posting_id, sum(amount_cents) FROM ledger l"
            " WHERE method IN ('gift_card', 'credit')"
            " OR (method IS NULL AND kind IN ('gift_card_redeem', 'credit_applied', 'refund'))"
            " OR (method IS NULL AND kind = 'reversal' AND (SELECT t.kind FROM ledger t"
            "     WHERE t.id = l.reverses_id) IN ('gift_card_redeem', 'credit_applied', 'refund'))"
            " GROUP BY posting_id HAVING sum(amount_cents) <> 0"
        ).fetchall()
        assert unbalanced == []

    @invariant()
    def no_refund_exceeds_its_payment(self) -> None:
        """Of the payments this morning posted, refunded or voided (or voided a refund
        of): the history's are test_demo_money's."""
        rows = self.db.execute(
            "SELECT p.id, -p.amount_cents, p.method, (SELECT coalesce(sum(r.amount_cents), 0)"
            "   FROM ledger r WHERE r.refunds_id = p.id AND r.kind = 'refund'"
            "   AND r.account = CASE p.kind WHEN 'deposit' THEN 'credit' ELSE 'patient' END"
            "   AND NOT EXISTS (SELECT 1 FROM ledger v WHERE v.reverses_id = r.id)),"
            " EXISTS (SELECT 1 FROM ledger v WHERE v.reverses_id = p.id)"
            " FROM ledger p WHERE p.kind IN ('payment', 'deposit') AND (p.id > :since"
            "   OR p.id IN (SELECT coalesce(n.refunds_id, n.reverses_id) FROM ledger n"
            "     WHERE n.id > :since)"
            "   OR p.id IN (SELECT r.refunds_id FROM ledger r JOIN ledger n"
            "     ON n.reverses_id = r.id WHERE n.id > :since))",
            {"since": self.history_entry},
        ).fetchall()
        for payment_id, paid, method, refunded, voided in rows:
            assert 0 <= refunded <= paid, (payment_id, paid, refunded)
            left = ledger.refundable(self.desk, payment_id)
            assert left >= Money(0)
            if method != "credit" and not voided:
                assert left <= Money(paid - refunded)

    @invariant()
    def every_entry_carries_its_postings_business_date(self) -> None:
        """... and this morning's are dated today (the history's, their own day), and
        each of this morning's postings that prints a receipt queued exactly one."""
        (strays,) = self.db.execute(
            "SELECT count(*) FROM ledger l JOIN postings p ON p.id = l.posting_id"
            " WHERE l.business_date <> p.business_date"
            " OR (l.id > ? AND l.business_date <> '2026-11-24')",
            (self.history_entry,),
        ).fetchone()
        assert strays == 0
        (unprinted,) = self.db.execute(
            "SELECT count(*) FROM postings p WHERE p.id > ? AND p.kind IN"
            " ('checkout', 'payment', 'deposit', 'gift_card_sale', 'refund', 'void')"
            " AND (SELECT count(*) FROM print_jobs j WHERE j.posting_id = p.id) <> 1",
            (self.history_posting,),
        ).fetchone()
        assert unprinted == 0

    @invariant()
    def stock_on_hand_is_what_was_sold_and_brought_back(self) -> None:
        for item_id, sku in self.items.items():
            assert self._on_hand(item_id) == self.stock[item_id], sku
            found = fee_sheets.find_sku(self.desk, sku)
            assert found is not None and found.on_hand == self.stock[item_id]


def test_a_random_morning_at_the_money_desk_keeps_the_books(
    practice_template: Path, tmp_path: Path
) -> None:
    run_state_machine_as_test(
        lambda: MoneyDesk(practice_template, tmp_path),
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
