"""Cash drawers: each stands at a workstation and is opened with a counted float, takes
that workstation's cash and checks, gives change and cash refunds, pays out petty cash
and drops to the safe, and is closed by a blind count and a manager's sign-off.

What a drawer should hold is never shown before its count is in: expected cash = float
+ cash received - change - cash paid back - paid-outs - drops + petty cash put back.
A session goes open -> counted (once) -> closed (once); the database refuses anything
else, so two sessions closing one drawer at once let exactly one through.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from frontdesk.data.money import Money
from frontdesk.errors import AccessDenied, BadAmount, Conflict, Invalid, NotFound
from frontdesk.services import audit
from frontdesk.services.drawer_counts import (
    check_counts,
    count_from_json,
    count_to_json,
    count_total,
    float_mix,
    split_leave,
    subtract,
)
from frontdesk.services.fields import one_line
from frontdesk.services.ledger import MONEY_ROLES, check_key, ensure_open_day
from frontdesk.services.payments import CHECK_NUMBER
from frontdesk.services.workstations import check_name

if TYPE_CHECKING:
    from frontdesk.data.drawer_models import (
        CountedCheck,
        Drawer,
        DrawerCount,
        DrawerExpected,
        DrawerHistory,
        DrawerMove,
        DrawerSession,
        TenderCount,
    )
    from frontdesk.data.models import Actor
    from frontdesk.services.context import Desk

__all__ = [
    "MOVE_WORDS",
    "TENDER_SUMS",
    "check_the_checks",
    "close_drawer",
    "current_session",
    "drawer_at",
    "drawers",
    "expected",
    "history",
    "offered_float",
    "open_drawer",
    "posting_session",
    "record_move",
    "save_drawer",
    "session",
    "sessions_of",
    "submit_count",
]

MOVE_WORDS = {
    "paid_out": "Paid out",
    "drop": "Drop to safe",
    "replenish": "Petty cash back",
    "no_sale": "No sale",
}
#: The float a new drawer starts with.
DEFAULT_FLOAT = Money(20000)
_MOST_CHECKS = 200


# -- drawers --------------------------------------------------------------------------------


def _drawer(row: tuple) -> Drawer:
    from frontdesk.data.drawer_models import Drawer

    return Drawer(
        id=row[0],
        name=row[1],
        workstation=row[2],
        printer=row[3],
        default_float=Money(row[4]),
        active=bool(row[5]),
    )


_DRAWER = "SELECT id, name, workstation, printer, default_float_cents, active FROM drawers"


def drawers(desk: Desk, *, active_only: bool = False) -> list[Drawer]:
    where = " WHERE active = 1" if active_only else ""
    return [_drawer(r) for r in desk.db.execute(f"{_DRAWER}{where} ORDER BY name").fetchall()]


def drawer_at(desk: Desk, workstation: str | None = None) -> Drawer | None:
    """The active drawer at `workstation` (this desk's by default)."""
    row = desk.db.execute(
        f"{_DRAWER} WHERE workstation = ? AND active = 1", (workstation or desk.workstation,)
    ).fetchone()
    return _drawer(row) if row else None


def save_drawer(
    desk: Desk,
    *,
    name: str,
    workstation: str,
    printer: str = "",
    default_float: Money = DEFAULT_FLOAT,
    active: bool = True,
    drawer_id: int | None = None,
) -> Drawer:
    """Add a drawer (or change one): its name, the workstation it stands at, the printer
    whose drawer port opens it, the float it usually starts with. Manager only."""
    desk.require_manager("set up cash drawers")
    name = one_line(name, "drawer's name", max_length=40, required=True)
    workstation = check_name(workstation, desk.db)
    printer = one_line(printer, "printer", max_length=60)
    if default_float.cents < 0 or default_float.cents > 10_000_000:
        raise BadAmount("The default float must be from $0.00 to $100,000.00.")
    with desk.writing():
        if desk.db.execute(
            "SELECT 1 FROM drawers WHERE name = ? AND id IS NOT ?", (name, drawer_id)
        ).fetchone():
            raise Conflict(f"There is already a drawer called {name}.")
        if active and (
            other := desk.db.execute(
                "SELECT name FROM drawers WHERE workstation = ? AND active = 1 AND id IS NOT ?",
                (workstation, drawer_id),
            ).fetchone()
        ):
            raise Conflict(f"Workstation {workstation} already has a drawer ({other[0]}).")
        values = (name, workstation, printer, default_float.cents, int(active))
        if drawer_id is None:
            drawer_id = desk.db.execute(
                "INSERT INTO drawers (name, workstation, printer, default_float_cents, active)"
                " VALUES (?, ?, ?, ?, ?)",
                values,
            ).lastrowid
            audit.record(desk, "drawer added", "drawers", drawer_id, workstation)
        else:
            current = current_session(desk, drawer_id)
            if current is not None and not active:
                raise Conflict(f"{name} is open; close it before taking it out of use.")
            if current is not None and current.workstation.lower() != workstation.lower():
                raise Conflict(f"{name} is open; close it before moving it to another desk.")
            changed = desk.db.execute(
                "UPDATE drawers SET name = ?, workstation = ?, printer = ?,"
                " default_float_cents = ?, active = ? WHERE id = ?",
                (*values, drawer_id),
            ).rowcount
            if not changed:
                raise NotFound("There is no such drawer.")
            audit.record(desk, "drawer changed", "drawers", drawer_id, workstation)
        row = desk.db.execute(f"{_DRAWER} WHERE id = ?", (drawer_id,)).fetchone()
    return _drawer(row)


# -- sessions -------------------------------------------------------------------------------

_SESSION = (
    "SELECT s.id, s.drawer_id, d.name, d.workstation, s.business_date, s.status, s.opened_at,"
    " coalesce(o.full_name, ''), s.float_cents, s.float_counts, s.counted_at,"
    " coalesce(c.full_name, ''), s.counted_counts, s.counted_cash_cents,"
    " s.counted_checks_cents, s.card_batch_cents, s.expected_cash_cents,"
    " s.expected_checks_cents, s.expected_card_cents, s.closed_at,"
    " coalesce(k.full_name, ''), coalesce(a.full_name, ''), s.reason, s.leave_cents,"
    " s.leave_counts, s.deposit_cents, s.deposit_counts"
    " FROM drawer_sessions s JOIN drawers d ON d.id = s.drawer_id"
    " LEFT JOIN staff o ON o.id = s.opened_by LEFT JOIN staff c ON c.id = s.counted_by"
    " LEFT JOIN staff k ON k.id = s.closed_by LEFT JOIN staff a ON a.id = s.approver_id"
)


def _session(desk: Desk, row: tuple, *, moves: bool = True) -> DrawerSession:
    from frontdesk.data.drawer_models import CountedCheck, DrawerSession, TenderCount

    (sid, drawer_id, name, workstation, day, status, opened_at, opened_by, float_cents,
     float_counts, counted_at, counted_by, counted_counts, cash, checks, card,
     expected_cash, expected_checks, expected_card, closed_at, closed_by, approver,
     reason, leave, leave_counts, deposit, deposit_counts) = row  # fmt: skip
    tenders: tuple[TenderCount, ...] = ()
    counted_checks: tuple[CountedCheck, ...] = ()
    if counted_at is not None:
        tenders = (
            TenderCount(tender="cash", expected=Money(expected_cash), counted=Money(cash)),
            TenderCount(tender="checks", expected=Money(expected_checks), counted=Money(checks)),
            TenderCount(tender="card", expected=Money(expected_card), counted=Money(card)),
        )
        counted_checks = tuple(
            CountedCheck(number=r[0], payer=r[1], amount=Money(r[2]))
            for r in desk.db.execute(
                "SELECT check_number, payer, amount_cents FROM drawer_checks"
                " WHERE session_id = ? ORDER BY id",
                (sid,),
            )
        )
    return DrawerSession(
        id=sid,
        drawer_id=drawer_id,
        drawer_name=name,
        workstation=workstation,
        business_date=dt.date.fromisoformat(day),
        status=status,
        opened_at=opened_at,
        opened_by=opened_by,
        float=Money(float_cents),
        float_counts=count_from_json(float_counts),
        counted_at=counted_at,
        counted_by=counted_by,
        counted_counts=count_from_json(counted_counts),
        checks=counted_checks,
        card_batch=None if card is None else Money(card),
        tenders=tenders,
        closed_at=closed_at,
        closed_by=closed_by,
        approver=approver,
        reason=reason,
        leave=None if leave is None else Money(leave),
        leave_counts=count_from_json(leave_counts),
        deposit=None if deposit is None else Money(deposit),
        deposit_counts=count_from_json(deposit_counts),
        moves=tuple(_moves(desk, sid)) if moves else (),
    )


def _moves(desk: Desk, session_id: int) -> list[DrawerMove]:
    from frontdesk.data.drawer_models import DrawerMove

    rows = desk.db.execute(
        "SELECT m.id, m.kind, m.amount_cents, m.payee, m.reason, m.receipt_ref, m.at,"
        " coalesce(s.full_name, ''), coalesce(a.full_name, '') FROM drawer_moves m"
        " LEFT JOIN staff s ON s.id = m.staff_id LEFT JOIN staff a ON a.id = m.approver_id"
        " WHERE m.session_id = ? ORDER BY m.id",
        (session_id,),
    )
    return [
        DrawerMove(
            id=r[0],
            kind=r[1],
            amount=Money(r[2]),
            payee=r[3],
            reason=r[4],
            receipt_ref=r[5],
            at=r[6],
            staff_name=r[7],
            approver_name=r[8],
        )
        for r in rows
    ]


def session(desk: Desk, session_id: int) -> DrawerSession:
    row = desk.db.execute(f"{_SESSION} WHERE s.id = ?", (session_id,)).fetchone()
    if row is None:
        raise NotFound("There is no such drawer session.")
    return _session(desk, row)


def current_session(desk: Desk, drawer_id: int) -> DrawerSession | None:
    """The drawer's session not yet closed (open, or counted and waiting for sign-off)."""
    row = desk.db.execute(
        f"{_SESSION} WHERE s.drawer_id = ? AND s.status <> 'closed'", (drawer_id,)
    ).fetchone()
    return _session(desk, row) if row else None


def sessions_of(desk: Desk, day: dt.date) -> list[DrawerSession]:
    """The drawer sessions of a business date (a session only ever takes its own date's
    money: `posting_session`)."""
    rows = desk.db.execute(
        f"{_SESSION} WHERE s.business_date = ? ORDER BY d.name, s.id", (day.isoformat(),)
    ).fetchall()
    return [_session(desk, row, moves=False) for row in rows]


def offered_float(desk: Desk, drawer_id: int) -> dict[str, int]:
    """The float offered when the drawer opens: what its last close left in it, or its
    default float made of change."""
    row = desk.db.execute(
        "SELECT leave_counts FROM drawer_sessions WHERE drawer_id = ? AND status = 'closed'"
        " ORDER BY id DESC LIMIT 1",
        (drawer_id,),
    ).fetchone()
    if row and row[0] and row[0] != "{}":
        return count_from_json(row[0])
    found = desk.db.execute(
        "SELECT default_float_cents FROM drawers WHERE id = ?", (drawer_id,)
    ).fetchone()
    if found is None:
        raise NotFound("There is no such drawer.")
    return float_mix(Money(found[0]))


def _staff_id(desk: Desk) -> int | None:
    return desk.actor.staff_id if desk.actor else None


def open_drawer(desk: Desk, drawer_id: int, counts: dict[str, int]) -> DrawerSession:
    """Open the drawer with its float, counted by denomination (the change envelope)."""
    desk.require_role(MONEY_ROLES, "open a cash drawer")
    counts = check_counts(counts)
    with desk.writing():
        found = desk.db.execute(
            "SELECT name, active FROM drawers WHERE id = ?", (drawer_id,)
        ).fetchone()
        if found is None or not found[1]:
            raise NotFound("There is no such drawer in use.")
        day = desk.clock.business_date()
        ensure_open_day(desk, day)
        current = current_session(desk, drawer_id)
        if current is not None:
            raise Conflict(
                f"{found[0]} is already open (since {_when(desk, current.opened_at)}, "
                f"by {current.opened_by or 'the shell'})."
            )
        total = count_total(counts)
        session_id = desk.db.execute(
            "INSERT INTO drawer_sessions (drawer_id, business_date, opened_at, opened_by,"
            " float_cents, float_counts) VALUES (?, ?, ?, ?, ?, ?)",
            (
                drawer_id,
                day.isoformat(),
                desk.clock.stamp(),
                _staff_id(desk),
                total.cents,
                count_to_json(counts),
            ),
        ).lastrowid
        audit.record(desk, "drawer opened", "drawer_sessions", session_id, f"float {total.cents}")
        return session(desk, session_id)


def _when(desk: Desk, stamp: str) -> str:
    from frontdesk.services.book import time_text

    return time_text(stamp, desk.clock.tz)


def posting_session(desk: Desk, method: str) -> int | None:
    """The drawer session a `method` entry posted now at this workstation goes in
    (inside the posting's transaction): cash and checks need the workstation's drawer
    open; a card payment is kept with it when there is one (for the card batch)."""
    row = desk.db.execute(
        "SELECT s.id, s.status, d.name, s.business_date FROM drawers d"
        " LEFT JOIN drawer_sessions s ON s.drawer_id = d.id AND s.status <> 'closed'"
        " WHERE d.workstation = ? AND d.active = 1",
        (desk.workstation,),
    ).fetchone()
    today = desk.clock.business_date().isoformat()
    if row is not None and row[0] is not None and row[1] == "open" and row[3] == today:
        return row[0]
    if method not in ("cash", "check"):
        return None
    if row is None:
        raise Conflict(
            f"Open the drawer first: workstation {desk.workstation} has no cash drawer"
            " (a manager sets drawers up in Manager > Cash drawers). Take card instead."
        )
    if row[0] is not None and row[1] == "open":
        raise Conflict(
            f"{row[2]} is still open from {dt.date.fromisoformat(row[3]):%a %m/%d}: count "
            "and close it, then open the drawer first (F6) with today's float."
        )
    if row[0] is not None:
        raise Conflict(
            f"{row[2]} has been counted for the day; open the drawer first (F6) to take "
            "cash or a check again."
        )
    raise Conflict(f"Open the drawer first: {row[2]} is not open (F6 opens it with its float).")


#: A drawer's entries summed: cash received (as handed over), change given, cash paid
#: back, and card taken (net of card refunds).
TENDER_SUMS = (
    "coalesce(sum(CASE WHEN method = 'cash' AND amount_cents < 0"
    "   THEN coalesce(tendered_cents, -amount_cents) END), 0),"
    " coalesce(sum(CASE WHEN method = 'cash' AND amount_cents < 0"
    "   THEN coalesce(change_cents, 0) END), 0),"
    " coalesce(sum(CASE WHEN method = 'cash' AND amount_cents > 0 THEN amount_cents END), 0),"
    " coalesce(-sum(CASE WHEN method = 'card' THEN amount_cents END), 0)"
)


# -- what it should hold --------------------------------------------------------------------


def expected(desk: Desk, session_id: int) -> DrawerExpected:
    """What the drawer should hold now, by tender."""
    from frontdesk.data.drawer_models import CountedCheck, DrawerExpected

    found = desk.db.execute(
        "SELECT float_cents FROM drawer_sessions WHERE id = ?", (session_id,)
    ).fetchone()
    if found is None:
        raise NotFound("There is no such drawer session.")
    received, change, paid_back, card = desk.db.execute(
        f"SELECT {TENDER_SUMS} FROM ledger WHERE drawer_session_id = ?", (session_id,)
    ).fetchone()
    moves = dict.fromkeys(("paid_out", "drop", "replenish", "no_sale"), 0)
    for kind, cents in desk.db.execute(
        "SELECT kind, sum(amount_cents) FROM drawer_moves WHERE session_id = ? GROUP BY kind",
        (session_id,),
    ):
        moves[kind] = cents
    # Checks taken in and still in the drawer: a voided check payment's check went back
    # to the patient (a refund "by check" is a check the practice writes, not from here).
    checks = tuple(
        CountedCheck(number=r[0], payer=r[1], amount=Money(-r[2]))
        for r in desk.db.execute(
            "SELECT l.reference, p.first_name || ' ' || p.last_name, l.amount_cents"
            " FROM ledger l LEFT JOIN patients p ON p.id = l.patient_id"
            " WHERE l.drawer_session_id = ? AND l.method = 'check' AND l.amount_cents < 0"
            " AND l.kind IN ('payment', 'deposit', 'gift_card_sale')"
            " AND NOT EXISTS (SELECT 1 FROM ledger v WHERE v.reverses_id = l.id)"
            " ORDER BY l.id",
            (session_id,),
        )
    )
    float_cents = found[0]
    cash = (
        float_cents
        + received
        - change
        - paid_back
        - moves["paid_out"]
        - moves["drop"]
        + moves["replenish"]
    )
    return DrawerExpected(
        float=Money(float_cents),
        received=Money(received),
        change=Money(change),
        paid_back=Money(paid_back),
        paid_outs=Money(moves["paid_out"]),
        drops=Money(moves["drop"]),
        replenished=Money(moves["replenish"]),
        cash=Money(cash),
        checks=checks,
        checks_total=sum((c.amount for c in checks), Money(0)),
        card=Money(card),
    )


# -- moves ----------------------------------------------------------------------------------


def record_move(
    desk: Desk,
    kind: str,
    amount: Money,
    key: str,
    *,
    payee: str = "",
    reason: str = "",
    receipt_ref: str = "",
    approver: Actor | None = None,
) -> DrawerMove:
    """Cash out of (or into) this workstation's open drawer that is not a patient's: a
    paid-out from petty cash (payee, reason, receipt; a manager approves), a drop to the
    safe, petty cash put back (a manager approves) or a no-sale opening (its reason).
    The same `key` again returns the first move."""
    from frontdesk.services.ledger import manager_approval

    desk.require_role(MONEY_ROLES, "work the cash drawer")
    key = check_key(key)
    if kind not in MOVE_WORDS:
        raise Invalid("Choose paid-out, drop, petty cash back or no sale.")
    payee = one_line(payee, "payee", max_length=60, required=kind == "paid_out")
    reason = one_line(
        reason, "reason", max_length=80, required=kind in ("paid_out", "no_sale", "replenish")
    )
    receipt_ref = one_line(receipt_ref, "receipt reference", max_length=30)
    if kind == "no_sale":
        amount = Money(0)
    elif amount.cents <= 0:
        raise BadAmount(f"The {MOVE_WORDS[kind].lower()} amount must be more than $0.00.")
    elif amount.cents > 10_000_000:
        raise BadAmount(f"{amount} is over the largest amount allowed.")
    with desk.writing():
        found = desk.db.execute(
            "SELECT id FROM drawer_moves WHERE idempotency_key = ?", (key,)
        ).fetchone()
        if found is not None:
            return next(m for m in _moves_by_id(desk, found[0]))
        session_id = posting_session(desk, "cash")
        assert session_id is not None
        day = desk.clock.business_date()
        ensure_open_day(desk, day)
        approver_id = None
        if kind in ("paid_out", "replenish"):
            approver_id = manager_approval(desk, approver, f"a {MOVE_WORDS[kind].lower()}")
        if kind in ("paid_out", "drop") and amount > expected(desk, session_id).cash:
            raise Conflict(f"{amount} is more than the cash in the drawer.")
        move_id = desk.db.execute(
            "INSERT INTO drawer_moves (session_id, idempotency_key, kind, amount_cents, payee,"
            " reason, receipt_ref, business_date, at, staff_id, workstation, approver_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                key,
                kind,
                amount.cents,
                payee,
                reason,
                receipt_ref,
                day.isoformat(),
                desk.clock.stamp(),
                _staff_id(desk),
                desk.workstation,
                approver_id,
            ),
        ).lastrowid
        audit.record(desk, f"drawer {kind.replace('_', ' ')}", "drawer_moves", move_id,
                     f"{amount.cents} cents")  # fmt: skip
        # Every move takes cash out or puts it in: the drawer opens for each.
        _kick(desk, session_id)
        return next(m for m in _moves_by_id(desk, move_id))


def _moves_by_id(desk: Desk, move_id: int) -> list[DrawerMove]:
    (session_id,) = desk.db.execute(
        "SELECT session_id FROM drawer_moves WHERE id = ?", (move_id,)
    ).fetchone()
    return [m for m in _moves(desk, session_id) if m.id == move_id]


def _kick(desk: Desk, session_id: int) -> None:
    """Ask the drawer's printer to open the drawer (its drawer port)."""
    import json

    (printer,) = desk.db.execute(
        "SELECT d.printer FROM drawer_sessions s JOIN drawers d ON d.id = s.drawer_id"
        " WHERE s.id = ?",
        (session_id,),
    ).fetchone()
    desk.db.execute(
        "INSERT INTO print_jobs (printer, workstation, kind, payload, created_at)"
        " VALUES (?, ?, 'drawer_kick', ?, ?)",
        (printer, desk.workstation, json.dumps({"session": session_id}), desk.clock.stamp()),
    )


# -- the blind count and the close ----------------------------------------------------------


def check_the_checks(checks: list[CountedCheck] | tuple[CountedCheck, ...]) -> list[CountedCheck]:
    """The checks of a count, each with its number and an amount above zero."""
    from frontdesk.data.drawer_models import CountedCheck

    if len(checks) > _MOST_CHECKS:
        raise Invalid(f"A count takes at most {_MOST_CHECKS} checks.")
    tidy = []
    for n, check in enumerate(checks, start=1):
        number = " ".join(check.number.split())
        if not number:
            raise Invalid(f"Check {n} has no number: enter the number printed on it.")
        if not CHECK_NUMBER.fullmatch(number):
            raise Invalid(f"Check {n}'s number is not a check number (up to 12 letters or digits).")
        if check.amount.cents <= 0:
            raise BadAmount(f"Check {number}'s amount must be more than $0.00.")
        payer = one_line(check.payer, "payer", max_length=60)
        tidy.append(CountedCheck(number=number, payer=payer, amount=check.amount))
    return tidy


def _threshold(desk: Desk) -> Money:
    from frontdesk.services.practice import load_settings

    return load_settings(desk.db).over_short_limit


def _open_for_count(desk: Desk, session_id: int) -> tuple:
    row = desk.db.execute(
        "SELECT s.status, d.name, s.business_date FROM drawer_sessions s"
        " JOIN drawers d ON d.id = s.drawer_id WHERE s.id = ?",
        (session_id,),
    ).fetchone()
    if row is None:
        raise NotFound("There is no such drawer session.")
    return row


def submit_count(
    desk: Desk,
    session_id: int,
    counts: dict[str, int],
    checks: list[CountedCheck] | tuple[CountedCheck, ...],
    card_batch: Money,
) -> DrawerCount:
    """The blind count: the cash by denomination, each check, and the card terminal's
    batch total. Kept as submitted (a drawer is counted once: the drawer takes no more
    cash after it); returns the count beside what the drawer should hold."""
    from frontdesk.data.drawer_models import DrawerCount

    desk.require_role(MONEY_ROLES, "count a cash drawer")
    counts = check_counts(counts)
    checks = check_the_checks(checks)
    if card_batch.cents < 0 or card_batch.cents > 10_000_000:
        raise BadAmount("Enter the card batch total from the terminal's settlement report.")
    with desk.writing():
        status, name, _day = _open_for_count(desk, session_id)
        if status != "open":
            done = session(desk, session_id)
            raise Conflict(
                f"{name} was already counted by {done.counted_by or 'the shell'} at "
                f"{_when(desk, done.counted_at or '')}."
            )
        should = expected(desk, session_id)
        cash = count_total(counts)
        checks_total = sum((c.amount for c in checks), Money(0))
        changed = desk.db.execute(
            "UPDATE drawer_sessions SET status = 'counted', counted_at = ?, counted_by = ?,"
            " counted_counts = ?, counted_cash_cents = ?, counted_checks_cents = ?,"
            " card_batch_cents = ?, expected_cash_cents = ?, expected_checks_cents = ?,"
            " expected_card_cents = ? WHERE id = ? AND status = 'open'",
            (
                desk.clock.stamp(),
                _staff_id(desk),
                count_to_json(counts),
                cash.cents,
                checks_total.cents,
                card_batch.cents,
                should.cash.cents,
                should.checks_total.cents,
                should.card.cents,
                session_id,
            ),
        ).rowcount
        if changed != 1:  # pragma: no cover - the status was read in this transaction
            raise Conflict(f"{name} was counted meanwhile.")
        desk.db.conn.executemany(
            "INSERT INTO drawer_checks (session_id, check_number, payer, amount_cents)"
            " VALUES (?, ?, ?, ?)",
            [(session_id, c.number, c.payer, c.amount.cents) for c in checks],
        )
        audit.record(
            desk,
            "drawer counted",
            "drawer_sessions",
            session_id,
            f"cash {cash.cents}, checks {checks_total.cents}, card {card_batch.cents}",
        )
        counted = session(desk, session_id)
    threshold = _threshold(desk)
    return DrawerCount(
        session=counted,
        tenders=counted.tenders,
        needs_reason=any(abs(t.over_short) > threshold for t in counted.tenders),
        threshold=threshold,
        suggested_leave=min(_default_float(desk, counted.drawer_id), cash),
    )


def _default_float(desk: Desk, drawer_id: int) -> Money:
    (cents,) = desk.db.execute(
        "SELECT default_float_cents FROM drawers WHERE id = ?", (drawer_id,)
    ).fetchone()
    return Money(cents)


def close_drawer(
    desk: Desk,
    session_id: int,
    *,
    leave: Money,
    reason: str = "",
    approver: Actor | None = None,
) -> DrawerSession:
    """Close a counted drawer: the manager's sign-off (their PIN: `approver`, from
    `auth.approve`), a reason when any tender is over or short by more than the
    practice's limit, and the cash to leave as tomorrow's float (the change first); the
    rest of the cash and every check go to the bank deposit."""
    desk.require_role(MONEY_ROLES, "close a cash drawer")
    reason = one_line(reason, "reason for the over/short", max_length=120)
    if leave.cents < 0:
        raise BadAmount("The float to leave can't be less than $0.00.")
    with desk.writing():
        status, name, _day = _open_for_count(desk, session_id)
        if status == "open":
            raise Conflict(f"Count {name} first (a blind count of its cash, checks and card).")
        if status == "closed":
            done = session(desk, session_id)
            raise Conflict(
                f"{name} was already closed by {done.closed_by or 'the shell'} at "
                f"{_when(desk, done.closed_at or '')}."
            )
        if not desk.shell and (approver is None or not approver.is_manager):
            raise AccessDenied(f"A manager signs {name}'s close off with their PIN.")
        from frontdesk.services.ledger import still_a_manager

        if approver is not None and not still_a_manager(desk, approver):
            raise AccessDenied("That manager's login is no longer active.")
        counted = session(desk, session_id)
        limit = _threshold(desk)
        off = [t for t in counted.tenders if abs(t.over_short) > limit]
        if off and not reason:
            words = ", ".join(f"{t.tender} {_signed(t.over_short)}" for t in off)
            raise Invalid(f"Say why the drawer is off ({words}; the limit is {limit}).")
        cash = count_total(counted.counted_counts)
        if leave > cash:
            raise BadAmount(f"The drawer has {cash} in cash; it can't leave {leave}.")
        leave_counts, left = split_leave(counted.counted_counts, leave)
        deposit_counts = subtract(counted.counted_counts, leave_counts)
        changed = desk.db.execute(
            "UPDATE drawer_sessions SET status = 'closed', closed_at = ?, closed_by = ?,"
            " approver_id = ?, reason = ?, leave_cents = ?, leave_counts = ?,"
            " deposit_cents = ?, deposit_counts = ? WHERE id = ? AND status = 'counted'",
            (
                desk.clock.stamp(),
                _staff_id(desk),
                approver.staff_id if approver else None,
                reason,
                left.cents,
                count_to_json(leave_counts),
                (cash - left).cents,
                count_to_json(deposit_counts),
                session_id,
            ),
        ).rowcount
        if changed != 1:  # pragma: no cover - the status was read in this transaction
            raise Conflict(f"{name} was closed meanwhile.")
        audit.record(
            desk,
            "drawer closed",
            "drawer_sessions",
            session_id,
            f"over/short {counted.over_short.cents}, deposit {(cash - left).cents}",
        )
        closed = session(desk, session_id)
        queue_close_slip(desk, closed)
        return closed


def _signed(amount: Money) -> str:
    return f"+{amount}" if amount.cents > 0 else str(amount)


# -- history --------------------------------------------------------------------------------


def history(desk: Desk, since: dt.date, until: dt.date) -> DrawerHistory:
    """Closed drawers from `since` to `until`, newest first, with over/short summed by
    drawer and by the staff member who worked the drawer (opened it), so a pattern
    shows. Manager only."""
    from frontdesk.data.drawer_models import DrawerHistory, HistoryRow

    desk.require_manager("see the drawer history")
    rows = desk.db.execute(
        "SELECT s.id, s.business_date, d.name, coalesce(o.full_name, ''),"
        " s.counted_cash_cents - s.expected_cash_cents,"
        " s.counted_checks_cents - s.expected_checks_cents,"
        " s.card_batch_cents - s.expected_card_cents, s.reason"
        " FROM drawer_sessions s JOIN drawers d ON d.id = s.drawer_id"
        " LEFT JOIN staff o ON o.id = s.opened_by"
        " WHERE s.status = 'closed' AND s.business_date BETWEEN ? AND ?"
        " ORDER BY s.business_date DESC, d.name, s.id DESC",
        (since.isoformat(), until.isoformat()),
    ).fetchall()
    history_rows = tuple(
        HistoryRow(
            session_id=r[0],
            business_date=dt.date.fromisoformat(r[1]),
            drawer_name=r[2],
            staff_name=r[3],
            cash=Money(r[4]),
            checks=Money(r[5]),
            card=Money(r[6]),
            reason=r[7],
        )
        for r in rows
    )

    def summed(name_of) -> tuple[tuple[str, int, Money, int], ...]:
        groups: dict[str, list[HistoryRow]] = {}
        for row in history_rows:
            groups.setdefault(name_of(row), []).append(row)
        return tuple(
            (
                name,
                len(group),
                sum((r.total for r in group), Money(0)),
                sum(1 for r in group if r.total),
            )
            for name, group in sorted(groups.items())
        )

    return DrawerHistory(
        rows=history_rows,
        by_drawer=summed(lambda r: r.drawer_name),
        by_staff=summed(lambda r: r.staff_name or "(the shell)"),
    )


# -- the close slip -------------------------------------------------------------------------

if TYPE_CHECKING:
    from frontdesk.data.print_models import Report, ReportRow

_TENDER_WORDS = {"cash": "Cash", "checks": "Checks", "card": "Card batch"}


def close_slip_rows(closed: DrawerSession) -> list[ReportRow]:
    """What a drawer's close slip says of its session: the workstation, who opened,
    counted and signed it off, the float, each tender expected, counted and over/short,
    the reason, the deposit and the float left (what the session has of these so far)."""
    from frontdesk.data.print_models import ReportRow as Row

    rows = [
        Row.field("Workstation", closed.workstation),
        Row.field("Opened by", closed.opened_by or "-"),
        Row.field("Counted by", closed.counted_by or "-"),
        Row.field("Approved by", closed.approver or "-"),
        Row.line("Float", closed.float),
    ]
    for tender in closed.tenders:
        rows += [
            Row.line(_TENDER_WORDS[tender.tender]),
            Row.line("Expected", tender.expected, indent=2),
            Row.line("Counted", tender.counted, indent=2),
            Row.line("Over/short", tender.over_short, indent=2),
        ]
    if closed.tenders:
        rows.append(Row.line("Over/short, all tenders", closed.over_short))
    if closed.reason:
        rows.append(Row.line(f"Reason: {closed.reason}"))
    if closed.deposit is not None:
        rows.append(Row.line("Deposit", closed.deposit))
    if closed.leave is not None:
        rows.append(Row.line("Left as float", closed.leave))
    return rows


def close_slip(closed: DrawerSession) -> Report:
    """A closed drawer's slip, printed at its close."""
    from frontdesk.data.print_models import Report
    from frontdesk.data.print_models import ReportRow as Row

    return Report(
        title="DRAWER CLOSE",
        subtitle=f"{closed.business_date:%a %m/%d/%Y}",
        rows=(Row.field("Drawer", closed.drawer_name), *close_slip_rows(closed)),
    )


def queue_close_slip(desk: Desk, closed: DrawerSession) -> int:
    """Queue a closed drawer's slip for this workstation's printer, inside the caller's
    transaction; returns the print job's id."""
    return desk.db.execute(
        "INSERT INTO print_jobs (workstation, kind, payload, created_at)"
        " VALUES (?, 'drawer_close', ?, ?)",
        (desk.workstation, close_slip(closed).model_dump_json(), desk.clock.stamp()),
    ).lastrowid
