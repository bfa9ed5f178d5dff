"""The demo practice's cash drawers and closed days (`DRAWER_STEPS`).

Two drawers: the front desk's (check-in, FRONT-1) and the check-out desk's (FRONT-2).
Every day the money history posted has each desk's drawer opened with a $200 float
(its money's entries already carry the session, as the services tag them); the past
days' drawers were blind-counted and closed by the manager, a few over or short with
their reasons, with the odd paid-out and drop to the safe; every past day but the last
open one is signed off in `day_closes` with its totals (its A/R rolled from the day
before); yesterday's close is waiting for its no-show list; today's drawers are open.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from frontdesk.data.money import Money
from frontdesk.services.demo_days import BACK, FRONT, Day
from frontdesk.services.drawer_counts import (
    count_to_json,
    count_total,
    float_mix,
    split_leave,
    subtract,
)
from frontdesk.services.drawers import TENDER_SUMS

if TYPE_CHECKING:
    from frontdesk.services.context import Desk
    from frontdesk.services.demo import DemoPlan

__all__ = ["DRAWERS", "DRAWER_HISTORY_STEPS", "DRAWER_SETUP_STEPS"]

#: (name, workstation, printer) of the demo's drawers.
DRAWERS = (("Front desk", FRONT, ""), ("Check-out", BACK, ""))
_FLOAT = Money(20000)
_OFF_REASONS = (
    "Change given twice to one patient at lunch",
    "A $10 co-pay taken but not entered; posted next morning",
    "Rolled quarters miscounted at opening",
    "Cash refund handed back before the void was posted",
    "Counted with the coin tray out; recount confirmed",
)
_PAID_OUTS = (
    ("Office Depot", "Printer paper and toner", 4 * 1000 + 347),
    ("Walgreens", "Bandages for the procedure room", 1899),
    ("Postmaster", "Stamps for recall cards", 7300),
    ("Corner Bakery", "Staff lunch, manager's treat", 6450),
    ("FedEx", "Lab specimen shipping", 3215),
)


def _setup(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    """The drawers, before the money history posts to them."""
    desk.db.conn.executemany(
        "INSERT INTO drawers (name, workstation, printer, default_float_cents) VALUES (?, ?, ?, ?)",
        [(name, ws, printer, _FLOAT.cents) for name, ws, printer in DRAWERS],
    )


def _history(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    _DrawerHistory(desk, random.Random(plan.seed * 7919 + 11)).run()


class _DrawerHistory:
    def __init__(self, desk: Desk, rng: random.Random) -> None:
        self.desk, self.db, self.rng = desk, desk.db, rng
        self.zone = ZoneInfo(desk.clock.tz)
        self.today = desk.clock.business_date()
        self.drawer_of = {
            ws: drawer_id
            for drawer_id, ws in self.db.execute("SELECT id, workstation FROM drawers")
        }
        self.manager = self.db.execute(
            "SELECT id FROM staff WHERE role = 'manager' ORDER BY id LIMIT 1"
        ).fetchone()[0]

    def _day(self, iso: str) -> Day:
        return Day(0, dt.date.fromisoformat(iso), self.zone, True, False)

    def run(self) -> None:
        db = self.db
        sessions = db.execute(
            "SELECT drawer_session_id, business_date, workstation, min(at), staff_id, max(at)"
            " FROM ledger"
            " WHERE drawer_session_id IS NOT NULL GROUP BY drawer_session_id"
            " ORDER BY drawer_session_id"
        ).fetchall()
        sums = {
            row[0]: row[1:]
            for row in db.execute(
                f"SELECT drawer_session_id, {TENDER_SUMS}"
                " FROM ledger WHERE drawer_session_id IS NOT NULL GROUP BY drawer_session_id"
            )
        }
        checks: dict[int, list[tuple]] = {}
        for sid, number, payer, cents in db.execute(
            "SELECT l.drawer_session_id, l.reference, p.first_name || ' ' || p.last_name,"
            " -l.amount_cents FROM ledger l LEFT JOIN patients p ON p.id = l.patient_id"
            " WHERE l.drawer_session_id IS NOT NULL AND l.method = 'check'"
            " AND l.kind IN ('payment', 'deposit', 'gift_card_sale')"
            " AND l.amount_cents < 0 AND NOT EXISTS"
            " (SELECT 1 FROM ledger v WHERE v.reverses_id = l.id) ORDER BY l.id"
        ):
            checks.setdefault(sid, []).append((number, payer, cents))
        today = self.today.isoformat()
        seen_today = {ws for _, day, ws, *_ in sessions if day == today}
        session_rows, check_rows, move_rows = [], [], []
        for sid, day_iso, ws, first_at, staff, last_at in sessions:
            day = self._day(day_iso)
            opened = day.stamp(7 * 3600 + 45 * 60 + self.rng.randint(0, 600))
            opened = min(opened, first_at)
            float_counts = float_mix(_FLOAT)
            received, change, paid_back, card = sums.get(sid, (0, 0, 0, 0))
            if day_iso == today:
                session_rows.append(self._open_row(sid, ws, day_iso, opened, staff, float_counts))
                continue
            moves = self._moves(sid, day, ws, staff, _FLOAT.cents + received - change - paid_back)
            move_rows += moves
            paid_out = sum(m[3] for m in moves if m[2] in ("paid_out", "drop"))
            expected = _FLOAT.cents + received - change - paid_back - paid_out
            expected_checks = sum(c[2] for c in checks.get(sid, ()))
            session_rows.append(
                self._closed_row(
                    sid,
                    ws,
                    day,
                    opened,
                    staff,
                    float_counts,
                    expected,
                    expected_checks,
                    card,
                    max([last_at, *(m[8] for m in moves)]),
                )
            )
            check_rows += [(sid, *c) for c in checks.get(sid, ())]
        next_id = max((s[0] for s in sessions), default=0) + 1
        for ws in (FRONT, BACK):
            if ws not in seen_today:  # open this morning, nothing taken yet
                day = self._day(today)
                opened = day.stamp(7 * 3600 + 50 * 60)
                session_rows.append(
                    self._open_row(next_id, ws, today, opened, None, float_mix(_FLOAT))
                )
                next_id += 1
        db.conn.executemany(
            "INSERT INTO drawer_sessions (id, drawer_id, business_date, status, opened_at,"
            " opened_by, float_cents, float_counts, counted_at, counted_by, counted_counts,"
            " counted_cash_cents, counted_checks_cents, card_batch_cents, expected_cash_cents,"
            " expected_checks_cents, expected_card_cents, closed_at, closed_by, approver_id,"
            " reason, leave_cents, leave_counts, deposit_cents, deposit_counts)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            session_rows,
        )
        db.conn.executemany(
            "INSERT INTO drawer_checks (session_id, check_number, payer, amount_cents)"
            " VALUES (?, ?, ?, ?)",
            check_rows,
        )
        db.conn.executemany(
            "INSERT INTO drawer_moves (session_id, idempotency_key, kind, amount_cents, payee,"
            " reason, receipt_ref, business_date, at, staff_id, workstation, approver_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            move_rows,
        )
        self._close_days()

    def _open_row(self, sid, ws, day_iso, opened, staff, float_counts) -> tuple:
        return (sid, self.drawer_of[ws], day_iso, "open", opened, staff,
                count_total(float_counts).cents, count_to_json(float_counts), None, None, None,
                None, None, None, None, None, None, None, None, None, "", None, None, None,
                None)  # fmt: skip

    def _moves(self, sid: int, day: Day, ws: str, staff: int, cash: int) -> list[tuple]:
        """A paid-out now and then at the front desk, a drop to the safe on a day heavy
        with cash."""
        rng, moves = self.rng, []
        if ws == FRONT and rng.random() < 0.3:
            payee, reason, cents = rng.choice(_PAID_OUTS)
            if cents < cash:
                at = day.stamp(rng.randint(10 * 3600, 15 * 3600))
                moves.append((sid, f"demo-move-{sid}-1", "paid_out", cents, payee, reason,
                              f"RCPT-{rng.randint(1000, 9999)}", day.iso, at, staff, ws,
                              self.manager))  # fmt: skip
                cash -= cents
        if cash > 60000:
            drop = (cash - 30000) // 10000 * 10000
            at = day.stamp(13 * 3600 + rng.randint(0, 3600))
            moves.append((sid, f"demo-move-{sid}-2", "drop", drop, "", "Midday drop to the safe",
                          "", day.iso, at, staff, ws, None))  # fmt: skip
        return moves

    def _closed_row(
        self, sid, ws, day, opened, staff, float_counts, expected, expected_checks, card, last_at
    ) -> tuple:
        rng = self.rng
        off, reason = 0, ""
        roll = rng.random()
        if roll < 0.05:
            off = rng.choice((-1, 1)) * rng.randint(510, 2000)
            reason = rng.choice(_OFF_REASONS)
        elif roll < 0.12:
            off = rng.choice((-1, 1)) * rng.randint(1, 300)
        counted = max(0, expected + off)
        off = counted - expected
        if counted >= _FLOAT.cents:
            counts = dict(float_counts)
            for key, number in _bills(counted - _FLOAT.cents).items():
                counts[key] = counts.get(key, 0) + number
        else:
            counts = float_mix(Money(counted))
        leave_counts, left = split_leave(counts, min(_FLOAT, Money(counted)))
        deposit_counts = subtract(counts, leave_counts)
        # Counted after the day's last cash (a late patient keeps the desk open).
        counted_at = max(
            day.stamp(17 * 3600 + 40 * 60 + rng.randint(0, 1200)),
            _later(last_at, rng.randint(120, 600)),
        )
        closed_at = max(
            day.stamp(18 * 3600 + 5 * 60 + rng.randint(0, 900)),
            _later(counted_at, rng.randint(300, 900)),
        )
        return (sid, self.drawer_of[ws], day.iso, "closed", opened, staff,
                _FLOAT.cents, count_to_json(float_counts), counted_at, staff,
                count_to_json(counts), counted, expected_checks, card, expected,
                expected_checks, card, closed_at, self.manager, self.manager, reason,
                left.cents, count_to_json(leave_counts), counted - left.cents,
                count_to_json(deposit_counts))  # fmt: skip

    def _close_days(self) -> None:
        """Sign off every posted day but the last one before today."""
        db = self.db
        dates = [
            row[0]
            for row in db.execute(
                "SELECT DISTINCT business_date FROM drawer_sessions WHERE business_date < ?"
                " ORDER BY business_date",
                (self.today.isoformat(),),
            )
        ]
        closing = dates[:-1]
        if not closing:
            return
        from frontdesk.services.day_close import bulk_totals

        totals = bulk_totals(self.desk, closing)
        # Signed off after the date's last posting and drawer close.
        last = dict(db.execute(
            "SELECT business_date, max(at) FROM (SELECT business_date, at FROM ledger"
            " UNION ALL SELECT business_date, closed_at FROM drawer_sessions"
            " UNION ALL SELECT business_date, at FROM drawer_moves) GROUP BY business_date"
        ).fetchall())  # fmt: skip
        rows = []
        for iso in closing:
            day = self._day(iso)
            closed_at = day.stamp(18 * 3600 + 30 * 60)
            if last.get(iso):
                closed_at = max(closed_at, _later(last[iso], 300))
            rows.append((iso, closed_at, self.manager, json.dumps(totals[iso], sort_keys=True)))
        db.conn.executemany(
            "INSERT INTO day_closes (business_date, closed_at, closed_by, totals)"
            " VALUES (?, ?, ?, ?)",
            rows,
        )


def _later(stamp: str, seconds: int) -> str:
    """A stored UTC instant `seconds` later, in the same form."""
    when = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ") + dt.timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _bills(cents: int) -> dict[str, int]:
    """Cash taken in over the day, as it comes: twenties and smaller, and some coins."""
    counts: dict[str, int] = {}
    for key, value in (("b20", 2000), ("b10", 1000), ("b5", 500), ("b1", 100), ("c25", 25),
                       ("c10", 10), ("c5", 5), ("c1", 1)):  # fmt: skip
        number, cents = divmod(cents, value)
        if number:
            counts[key] = number
    return counts


DRAWER_SETUP_STEPS = [_setup]
DRAWER_HISTORY_STEPS = [_history]
