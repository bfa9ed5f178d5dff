"""The demo practice's money history (`MONEY_STEPS`): the posted visits of the last four
weeks (small) or of the whole ten years of the book (large, ~1.2M ledger rows).

Every checked-out visit of the posted window has its finalized fee sheet, charges,
payments and receipt, as the check-in and check-out screens would have posted them at the
time (co-pays at check-in, the rest at check-out, balances paid later from statements),
plus the desk's rarer work: deposits applied at a later laser visit, gift cards sold and
redeemed, refunds, a same-day void, returns, courtesy adjustments, no-show fees (some
waived) and the deliveries that keep the shelf stocked. Business dates are the local date
of each posting; nothing is posted on a closed day or after "now"; today's patients still
in the office are left as they are, to try check-out on.

The rows are made in Python and written in bulk, a chunk at a time, but each is the row
the service would write (`visits.check_out`, `payments.post_payment`, ...): same columns,
signs, accounts, `<key>:<n>` entry keys, receipts (with the balance after) in print_jobs,
marked printed. tests/unit/test_demo_money.py replays the same postings through the
services and compares every row. Not written: audit rows (the demo's booked history has
none either) and, at the large scale, print jobs older than `_PRINTED_DAYS` (ten years
of receipt payloads would add a gigabyte; any receipt can still be reprinted).

The work is split as the services split it, each class building on the one before:
demo_days.Calendar (the days and what is due on them), demo_rows.Rows (ids, keys, the
bulk write), demo_receipts.Receipts, demo_payments.Payments,
demo_corrections.Corrections and demo_visits.Visits (with demo_fee_sheets.FeeSheets
choosing and pricing each visit's lines).
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from frontdesk.services.demo_days import history_days
from frontdesk.services.demo_visits import Visits

if TYPE_CHECKING:
    from frontdesk.services.context import Desk
    from frontdesk.services.demo import DemoPlan

__all__ = ["MONEY_STEPS", "money_history"]

_POSTED_DAYS = {"small": 28, "large": 3700}
_PRINTED_DAYS = {"small": 28, "large": 60}
#: Ledger rows held before a bulk write.
_CHUNK = 100_000


class _MoneyHistory(Visits):
    """Posts the demo's money history; `record` collects each posting as the call a
    service would take (for the test that replays them through the services)."""

    def __init__(
        self,
        desk: Desk,
        plan: DemoPlan,
        rng: random.Random,
        *,
        days: int | None = None,
        write: bool = True,
        record: list | None = None,
    ) -> None:
        span = days or _POSTED_DAYS[plan.scale]
        super().__init__(desk, rng, history_days(desk, span, _PRINTED_DAYS[plan.scale]))
        self.write = write
        self.record = record
        self._load_visits()
        self._choose_the_rare_work(span)

    def _load_visits(self) -> None:
        """The checked-out visits and no-shows of each open day."""
        days = self.days
        start = dt.datetime.fromtimestamp(days[0].epoch0 - 3 * 3600, dt.UTC)
        end = dt.datetime.fromtimestamp(days[-1].epoch0 + 27 * 3600, dt.UTC)
        rows = self.db.execute(
            "SELECT id, patient_id, resource_id, type_id, unixepoch(starts_at),"
            " unixepoch(ends_at), status FROM appointments"
            " WHERE starts_at >= ? AND starts_at < ? AND status IN ('checked_out', 'no_show')"
            " ORDER BY starts_at, id",
            (f"{start:%Y-%m-%dT%H:%M:%S}.000000Z", f"{end:%Y-%m-%dT%H:%M:%S}.000000Z"),
        )
        index, last = 0, len(days) - 1
        for appointment, patient, resource, type_id, starts, ends, status in rows:
            while index < last and starts >= days[index + 1].epoch0:
                index += 1
            day = days[index]
            if not day.open or not 0 <= starts - day.epoch0 < 86_400:
                continue  # never posted on a day the practice is closed
            s0, s1 = starts - day.epoch0, ends - day.epoch0
            visit = (appointment, patient, resource, type_id, s0, s1, status)
            # Visits in the office now are left as they are, to try check-out on.
            (day.no_shows if status == "no_show" else day.visits).append(visit)

    def _choose_the_rare_work(self, span: int) -> None:
        """Which visits a deposit, a gift card, a void, a return or a courtesy
        adjustment goes with (a few at the small scale, a few a month at the large)."""
        rng = self.rng
        laser_room = self.sheets.laser_room
        laser, cosmetic, medical, sold = [], [], [], []
        for day in self.days:
            for visit in day.visits:
                _name, is_cosmetic = self.types[visit[3]]
                if visit[2] == laser_room:
                    laser.append((day.index, visit))
                if is_cosmetic:
                    cosmetic.append((day.index, visit))
                else:
                    medical.append((day.index, visit))
                sold.append((day.index, visit))

        def pick(pool: list, per_month: float, least: int, room: int = 0) -> list:
            """Visits early enough for what follows them (`room` days) to be history."""
            early = [entry for entry in pool if entry[0] < len(self.days) - room] or pool
            count = min(len(early), max(least, round(per_month * span / 30)))
            return rng.sample(early, count)

        self.deposit_for.update({v[0]: None for _, v in pick(laser, 3, 4)})
        self.gift_for.update({v[0]: None for _, v in pick(cosmetic, 4, 3)})
        self.voided.update(v[0] for _, v in pick(medical, 1, 1))
        self.courtesy.update({v[0] for _, v in pick(medical, 2, 2, room=4)} - self.voided)
        self.returned.update({v[0] for _, v in pick(sold, 1, 1, room=11)})
        self.returned -= {*self.deposit_for, *self.gift_for, *self.courtesy}
        self.deposit_patients.update(v[1] for _, v in laser if v[0] in self.deposit_for)
        for index, visit in laser:
            if visit[0] in self.deposit_for:
                self._before(index, visit, 2, 14, self._deposit, visit)
        for index, visit in cosmetic:
            if visit[0] in self.gift_for:
                self._before(index, visit, 3, 30, self._gift_card_sale, visit)
        for _ in range(max(1, round(span / 90))):
            index = self._open_day_after(rng.randrange(max(1, len(self.days) - 11)), 0, 0)
            self._later(index, self._cancelled_deposit, None)
        for _ in range(max(1, round(span / 30))):
            index = self._open_day_after(rng.randrange(len(self.days)), 0, 0)
            self._later(index, self._gift_card_sale, None)

    def run(self) -> None:
        """Post the history: generated in a thread, written in chunks by this one."""
        if self.write:
            self._write(self._generate)
        else:
            self._generate(lambda: None)

    def _generate(self, hand_over: Callable[[], None]) -> None:
        """Each day's visits, no-shows and what earlier days left for it, in time order;
        every `_CHUNK` ledger rows handed over to be written."""
        rng = self.rng
        now_s = self.now_s
        seq = self.seq
        types = self.types
        voided = self.voided
        for day in self.days:
            events = self.later.pop(day.index, [])
            if day.open:
                today = day is self.today
                for visit in day.visits:
                    s_in = visit[4] - rng.randint(180, 900)
                    s_out = visit[5] + rng.randint(60, 720)
                    if today:
                        s_in = min(s_in, now_s - rng.randint(60, 600))
                        if s_out >= now_s:
                            s_out = max(s_in + 30, now_s - rng.randint(1, 30))
                    if not types[visit[3]][1] and (visit[0] in voided or rng.random() < 0.9):
                        events.append((s_in, next(seq), self._co_pay, visit))
                    events.append((s_out, next(seq), self._check_out, visit))
                for visit in day.no_shows:
                    if rng.random() < 0.4:
                        s = rng.randint(17 * 3600 + 1800, 18 * 3600 + 1800)
                        events.append((s, next(seq), self._no_show_fee, visit))
            heapq.heapify(events)
            self.events = events
            self._staff_the_desks(day)
            self.shown = day.kept
            while events:
                s, _, handler, data = heapq.heappop(events)
                if day is self.today and s >= now_s:
                    continue  # not yet
                handler(day, s, data)
            if len(self.rows["ledger"]) >= _CHUNK:
                hand_over()


def _posted_visits(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    """The posted visits of the last weeks (small) or of the whole history (large)."""
    _MoneyHistory(desk, plan, rng).run()


def money_history(
    desk: Desk, plan: DemoPlan, rng: random.Random, *, days: int, write: bool = True
) -> list[tuple]:
    """Post `days` of history (ending today) and return what each posting was, as the
    service call that would make it (for the test replaying them through the services)."""
    record: list[tuple] = []
    _MoneyHistory(desk, plan, rng, days=days, write=write, record=record).run()
    return record


MONEY_STEPS = [_posted_visits]
