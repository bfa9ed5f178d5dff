"""A drawer's day at random (hypothesis' rule-based state machine): opened with a float,
cash sales with change, cash deposits, cash refunds and voids, paid-outs, drops, petty
cash put back, no-sale openings, then a blind count and a close, and the next drawer
opened from what the close left. After every step the drawer's expected cash is

    float + cash received - change given - cash paid back - paid-outs - drops + put back

as this machine counted it by hand; a refused step leaves nothing behind."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

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
from frontdesk.data.schema import open_database
from frontdesk.errors import Conflict, FrontDeskError
from frontdesk.services import corrections, drawers, ledger, payments
from frontdesk.services.context import Desk
from frontdesk.services.drawer_counts import count_total, float_mix
from tests.conftest import FakeClock, actor
from tests.unit.money_helpers import (
    a_patient_with_nothing_today,
    cash,
    fingerprint,
    key,
    quick_commits,
)

WORKSTATION = "DRAWER-TEST"
WRITTEN = ("ledger", "postings", "drawer_sessions", "drawer_moves", "drawer_checks", "audit_log")
cents = st.integers(min_value=1, max_value=40_000)
picks = st.integers(min_value=0, max_value=10_000)


class DrawerDay(RuleBasedStateMachine):
    """A new drawer at its own workstation in a fresh copy of the demo practice."""

    def __init__(self, template: Path, work: Path) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(dir=work))
        path = self.folder / "practice.db"
        shutil.copy(template, path)
        self.db = open_database(path)
        desk = Desk(db=self.db, clock=FakeClock(), workstation=WORKSTATION)
        quick_commits(desk)
        self.manager = actor(desk, "dokafor")
        drawer = drawers.save_drawer(
            desk.signed_in(self.manager), name="Test drawer", workstation=WORKSTATION
        )
        self.desk = desk.signed_in(actor(desk, "anguyen"))
        self.drawer_id = drawer.id
        self.patients = [a_patient_with_nothing_today(desk, n) for n in range(3)]
        self.session_id: int | None = None
        self.cash_payments: list[int] = []
        self.closes = 0
        self._open(float_mix(Money(20000)))

    def teardown(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the machine's own count -------------------------------------------------------------

    def _open(self, counts: dict[str, int]) -> None:
        opened = drawers.open_drawer(self.desk, self.drawer_id, counts)
        assert opened.float == count_total(counts)
        self.session_id = opened.id
        self.float = opened.float.cents
        self.received = self.change = self.paid_back = 0
        self.paid_outs = self.drops = self.put_back = 0
        self.cash_payments = []

    @property
    def should_hold(self) -> int:
        return (
            self.float
            + self.received
            - self.change
            - self.paid_back
            - self.paid_outs
            - self.drops
            + self.put_back
        )

    def attempt(self, do: Callable[[], object]) -> object | None:
        before = fingerprint(self.desk, WRITTEN)
        try:
            return do()
        except FrontDeskError:
            assert fingerprint(self.desk, WRITTEN) == before, "a refusal wrote something"
            return None

    # -- the rules ---------------------------------------------------------------------------

    @rule(amount=cents, over=st.integers(min_value=0, max_value=10_000), pick=picks)
    def a_cash_sale_with_change(self, amount: int, over: int, pick: int) -> None:
        patient = self.patients[pick % len(self.patients)]
        # Paid ahead for a cosmetic package (a deposit): the desk takes it in cash.
        posted = payments.post_deposit(self.desk, patient, [cash(amount, amount + over)], key())
        self.received += amount + over
        self.change += over
        self.cash_payments += [e.id for e in posted.entries if e.kind == "deposit"]

    @rule(amount=cents, pick=picks)
    def a_gift_card_sold_for_cash(self, amount: int, pick: int) -> None:
        payments.sell_gift_card(self.desk, Money(amount), [cash(amount)], key())
        self.received += amount

    @precondition(lambda self: self.cash_payments)
    @rule(pick=picks, percent=st.integers(min_value=1, max_value=130))
    def a_cash_refund(self, pick: int, percent: int) -> None:
        payment_id = self.cash_payments[pick % len(self.cash_payments)]
        left = ledger.refundable(self.desk, payment_id).cents
        amount = max(1, left * percent // 100)
        done = self.attempt(
            lambda: corrections.refund_payment(
                self.desk,
                payment_id,
                Money(amount),
                "patient asked",
                key(),
                method="cash",
                approver=self.manager,
            )
        )
        if done is not None:
            self.paid_back += amount
        else:
            assert amount > left

    @precondition(lambda self: self.cash_payments)
    @rule(pick=picks)
    def a_void_of_a_cash_payment(self, pick: int) -> None:
        payment_id = self.cash_payments[pick % len(self.cash_payments)]
        entry = ledger.entry(self.desk, payment_id)
        assert entry is not None
        refunded = self.db.execute(
            "SELECT 1 FROM ledger WHERE refunds_id = ? OR reverses_id = ?", (payment_id, payment_id)
        ).fetchone()
        done = self.attempt(
            lambda: corrections.void_entry(
                self.desk, payment_id, "posted in error", key(), approver=self.manager
            )
        )
        if done is not None:
            self.paid_back += -entry.amount.cents
        else:
            assert refunded is not None or entry.kind == "deposit"

    @rule(amount=cents, approved=st.booleans())
    def a_paid_out(self, amount: int, approved: bool) -> None:
        done = self.attempt(
            lambda: drawers.record_move(
                self.desk,
                "paid_out",
                Money(amount),
                key(),
                payee="Office Depot",
                reason="paper",
                receipt_ref="R-1",
                approver=self.manager if approved else None,
            )
        )
        if done is not None:
            self.paid_outs += amount
        else:
            assert not approved or amount > self.should_hold

    @rule(amount=cents)
    def a_drop_to_the_safe(self, amount: int) -> None:
        done = self.attempt(
            lambda: drawers.record_move(self.desk, "drop", Money(amount), key(), reason="midday")
        )
        if done is not None:
            self.drops += amount
        else:
            assert amount > self.should_hold

    @rule(amount=cents)
    def petty_cash_put_back(self, amount: int) -> None:
        drawers.record_move(
            self.desk, "replenish", Money(amount), key(), reason="from the safe",
            approver=self.manager,
        )  # fmt: skip
        self.put_back += amount

    @rule()
    def a_no_sale(self) -> None:
        drawers.record_move(self.desk, "no_sale", Money(0), key(), reason="change for a $20")

    @rule(off=st.integers(min_value=-2_000, max_value=2_000))
    def a_blind_count_and_close(self, off: int) -> None:
        assert self.session_id is not None
        counted = max(0, self.should_hold + off)
        counts = _pieces(counted)
        count = drawers.submit_count(self.desk, self.session_id, counts, [], Money(0))
        cash_line = count.tenders[0]
        assert cash_line.expected.cents == self.should_hold
        assert cash_line.over_short.cents == counted - self.should_hold
        # Counted: the drawer takes no more cash until it is opened again.
        patient = self.patients[0]
        before = fingerprint(self.desk, WRITTEN)
        try:
            payments.post_deposit(self.desk, patient, [cash(100)], key())
            raise AssertionError("a counted drawer took cash")
        except Conflict as error:
            assert "open the drawer first" in str(error).lower()
        assert fingerprint(self.desk, WRITTEN) == before
        closed = drawers.close_drawer(
            self.desk, self.session_id, leave=Money(min(20000, counted)),
            reason="recounted twice", approver=self.manager,
        )  # fmt: skip
        assert closed.status == "closed"
        assert (closed.deposit or Money(0)) + (closed.leave or Money(0)) == Money(counted)
        assert count_total(closed.leave_counts) == closed.leave
        assert count_total(closed.deposit_counts) == closed.deposit
        self.closes += 1
        # The next drawer starts from what the close left in it (the default float when
        # it left nothing: the change envelope comes from the safe).
        offered = drawers.offered_float(self.desk, self.drawer_id)
        assert offered == (closed.leave_counts or float_mix(Money(20000)))
        self._open(offered)

    # -- what must hold after every step -----------------------------------------------------

    @invariant()
    def expected_cash_is_the_hand_count(self) -> None:
        assert self.session_id is not None
        found = drawers.expected(self.desk, self.session_id)
        assert found.cash.cents == self.should_hold
        assert found.received.cents == self.received
        assert found.change.cents == self.change
        assert found.paid_back.cents == self.paid_back
        assert found.paid_outs.cents == self.paid_outs
        assert found.drops.cents == self.drops

    @invariant()
    def every_cash_entry_is_in_a_drawer(self) -> None:
        (loose,) = self.db.execute(
            "SELECT count(*) FROM ledger WHERE method IN ('cash', 'check')"
            " AND drawer_session_id IS NULL"
        ).fetchone()
        assert loose == 0


def _pieces(cents_: int) -> dict[str, int]:
    counts, left = {}, cents_
    for key_, value in (("b20", 2000), ("b5", 500), ("b1", 100), ("c25", 25), ("c1", 1)):
        number, left = divmod(left, value)
        if number:
            counts[key_] = number
    return counts


def test_a_drawers_expected_cash_always_adds_up(practice_template: Path, tmp_path: Path) -> None:
    run_state_machine_as_test(
        lambda: DrawerDay(practice_template, tmp_path),
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
