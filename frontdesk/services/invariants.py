"""The books' invariants, checked over the whole database (DESIGN.md §4).

`check(db)` reads, never writes, and returns every violation it finds (empty when all
holds). `frontdesk check` runs it on the practice's database, the reliability tests after
every crash, race and bad input. Each rule is a function over the database returning the
violations of that rule; a rule that finds the file too damaged to run reports that
instead of raising.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from frontdesk.services.schedule import HOLDS_TIME

if TYPE_CHECKING:
    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.services.context import Desk

__all__ = ["RULES", "Violation", "check"]

#: Tables whose rows may only be added to (each has UPDATE and DELETE triggers).
APPEND_ONLY = ("ledger", "postings", "audit_log", "drawer_moves", "stock_moves",
               "appointment_events", "drawer_checks")  # fmt: skip
_SHOWN = 5  # violations of one rule listed one by one; the rest counted


class Violation(BaseModel):
    """One thing in the database that breaks a rule."""

    model_config = ConfigDict(frozen=True)

    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail}"


def _desk(db: FrontDeskDatabase) -> Desk:
    from frontdesk.data.clock import Clock
    from frontdesk.services.context import Desk
    from frontdesk.services.practice import load_settings

    return Desk(db=db, clock=Clock(load_settings(db).time_zone), workstation="CHECK", shell=True)


def _money(cents: int) -> str:
    from frontdesk.data.money import Money

    return str(Money(cents))


# -- the file ---------------------------------------------------------------------------


def integrity(desk: Desk) -> Iterator[str]:
    """SQLite's own check of the file, and every foreign key resolves."""
    found = [row[0] for row in desk.db.execute("PRAGMA integrity_check").fetchall()]
    if found != ["ok"]:
        yield from found
    for table, rowid, parent, _ in desk.db.execute("PRAGMA foreign_key_check").fetchall():
        yield f"{table} row {rowid} points at a missing {parent} row"


def audit_chain(desk: Desk) -> Iterator[str]:
    """The audit log's hash chain: no row changed, removed or put in."""
    from frontdesk.services.audit import verify_chain

    chain = verify_chain(desk)
    if not chain.ok:
        yield chain.problem


def append_only(desk: Desk) -> Iterator[str]:
    """The money and history tables still refuse UPDATE and DELETE."""
    triggers = {
        row[0] for row in desk.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    for table in APPEND_ONLY:
        for verb in ("update", "delete"):
            if f"{table}_append_only_{verb}" not in triggers:
                yield f"{table} lost its trigger refusing {verb.upper()}"
    if "ledger_closed_day" not in triggers:
        yield "the ledger lost its trigger refusing entries on a closed day"


# -- postings -----------------------------------------------------------------------------


def whole_postings(desk: Desk) -> Iterator[str]:
    """A posting is all there or not at all: its entries carry its date and a key of its
    own; a finalized fee sheet's every charged line is in the ledger, once; a checked-out
    visit has its finalized fee sheet; a sold product took its stock out."""
    for posting_id, kind in desk.db.execute(
        "SELECT p.id, p.kind FROM postings p WHERE p.kind <> 'checkout'"
        " AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.posting_id = p.id)"
    ):
        yield f"posting {posting_id} ({kind}) has no ledger entries"
    for posting_id, entry_id in desk.db.execute(
        "SELECT p.id, l.id FROM ledger l JOIN postings p ON p.id = l.posting_id"
        " WHERE l.business_date <> p.business_date"
        " OR substr(l.idempotency_key, 1, length(p.idempotency_key) + 1)"
        "    <> p.idempotency_key || ':'"
    ):
        yield f"ledger entry {entry_id} does not belong to its posting {posting_id}"
    for charge_id, encounter_id, entries in desk.db.execute(
        "WITH charged AS (SELECT charge_id, count(*) AS n FROM ledger"
        "   WHERE kind = 'charge' AND charge_id IS NOT NULL GROUP BY charge_id)"
        " SELECT c.id, c.encounter_id, coalesce(charged.n, 0) FROM charges c"
        " JOIN encounters e ON e.id = c.encounter_id AND e.status = 'finalized'"
        " LEFT JOIN charged ON charged.charge_id = c.id"
        " WHERE c.total_cents > 0 AND coalesce(charged.n, 0) <> 1"
    ):
        yield f"charge {charge_id} of fee sheet {encounter_id} is in the ledger {entries} times"
    for entry_id, encounter_id in desk.db.execute(
        "SELECT l.id, c.encounter_id FROM ledger l JOIN charges c ON c.id = l.charge_id"
        " JOIN encounters e ON e.id = c.encounter_id WHERE l.kind = 'charge'"
        " AND e.status <> 'finalized'"
    ):
        yield f"ledger charge {entry_id} is for fee sheet {encounter_id}, which is not finalized"
    for entry_id, charged, line in desk.db.execute(
        "SELECT l.id, l.amount_cents, c.total_cents FROM ledger l"
        " JOIN charges c ON c.id = l.charge_id WHERE l.kind = 'charge'"
        " AND l.amount_cents <> c.total_cents"
    ):
        yield f"ledger charge {entry_id} is {_money(charged)}, its fee-sheet line {_money(line)}"
    for (appointment_id,) in desk.db.execute(
        "SELECT a.id FROM appointments a WHERE a.status = 'checked_out' AND NOT EXISTS"
        " (SELECT 1 FROM encounters e WHERE e.appointment_id = a.id AND e.status = 'finalized')"
    ):
        yield f"appointment {appointment_id} is checked out without a finalized fee sheet"
    for charge_id, quantity, taken in desk.db.execute(
        "WITH taken AS (SELECT charge_id, -sum(quantity) AS n FROM stock_moves"
        "   WHERE reason = 'sale' AND charge_id IS NOT NULL GROUP BY charge_id)"
        " SELECT c.id, c.quantity, coalesce(taken.n, 0) FROM charges c"
        " JOIN encounters e ON e.id = c.encounter_id AND e.status = 'finalized'"
        " LEFT JOIN taken ON taken.charge_id = c.id"
        " WHERE c.kind = 'product' AND coalesce(taken.n, 0) <> c.quantity"
    ):
        yield f"product line {charge_id} sold {quantity} but took {taken} out of stock"


def stock(desk: Desk) -> Iterator[str]:
    """On hand is the sum of an item's moves: no sale line put back (returned or voided)
    more than it took out, and every move is of an item that exists."""
    for charge_id, sold, back in desk.db.execute(
        "SELECT m.charge_id, -sum(CASE WHEN m.reason = 'sale' THEN m.quantity ELSE 0 END),"
        " sum(CASE WHEN m.reason IN ('return', 'void') THEN m.quantity ELSE 0 END)"
        " FROM stock_moves m WHERE m.charge_id IS NOT NULL GROUP BY m.charge_id"
        " HAVING sum(CASE WHEN m.reason IN ('return', 'void') THEN m.quantity ELSE 0 END)"
        "  > -sum(CASE WHEN m.reason = 'sale' THEN m.quantity ELSE 0 END)"
    ):
        yield f"product line {charge_id} put {back} back into stock after selling {sold}"


# -- balances and refunds -------------------------------------------------------------------


def balances(desk: Desk) -> Iterator[str]:
    """Each account's balance is the sum of its entries, and no credit or gift card is
    spent past nothing: deposits held and gift-card balances never go below zero."""
    from frontdesk.services import ledger

    for patient_id, cents in desk.db.execute(
        "SELECT patient_id, sum(amount_cents) FROM ledger WHERE account = 'patient'"
        " GROUP BY patient_id"
    ):
        shown = ledger.balance(desk, patient_id).cents
        if shown != cents:
            yield (
                f"patient {patient_id} shows {_money(shown)} but the entries sum to {_money(cents)}"
            )
    for patient_id, cents in desk.db.execute(
        "SELECT patient_id, sum(amount_cents) FROM ledger WHERE account = 'credit'"
        " GROUP BY patient_id HAVING sum(amount_cents) > 0"
    ):
        yield f"patient {patient_id}'s credit is below nothing ({_money(-cents)})"
    for card_id, cents in desk.db.execute(
        "SELECT gift_card_id, sum(amount_cents) FROM ledger WHERE account = 'gift_card'"
        " GROUP BY gift_card_id HAVING sum(amount_cents) > 0"
    ):
        yield f"gift card {card_id} is spent past its value ({_money(-cents)})"


def refunds(desk: Desk) -> Iterator[str]:
    """No payment or deposit is refunded beyond what came in; every refund names the
    payment it refunds and a reason; a reversal reverses one entry, by its exact amount."""
    for entry_id, paid, refunded in desk.db.execute(
        "SELECT p.id, -p.amount_cents, sum(r.amount_cents) FROM ledger p"
        " JOIN ledger r ON r.refunds_id = p.id AND r.kind = 'refund'"
        "  AND NOT EXISTS (SELECT 1 FROM ledger v WHERE v.reverses_id = r.id)"
        "  AND r.account = CASE p.kind WHEN 'deposit' THEN 'credit' ELSE 'patient' END"
        " WHERE p.kind IN ('payment', 'deposit') GROUP BY p.id"
        " HAVING sum(r.amount_cents) > -p.amount_cents"
    ):
        yield f"payment {entry_id} of {_money(paid)} was refunded {_money(refunded)}"
    for (entry_id,) in desk.db.execute(
        "SELECT id FROM ledger WHERE kind = 'refund' AND (refunds_id IS NULL OR reason = '')"
    ):
        yield f"refund {entry_id} names no payment or no reason"
    for entry_id, cents, original in desk.db.execute(
        "SELECT v.id, v.amount_cents, o.amount_cents FROM ledger v"
        " JOIN ledger o ON o.id = v.reverses_id WHERE v.amount_cents <> -o.amount_cents"
    ):
        yield f"reversal {entry_id} of {_money(cents)} does not undo its entry ({_money(original)})"


# -- drawers ------------------------------------------------------------------------------


def drawers(desk: Desk) -> Iterator[str]:
    """A counted drawer's expected cash = float + cash received - change - cash paid back
    - paid-outs - drops (+ petty cash put back), as recorded at its count; it took nothing
    after the count; a closed drawer's over/short is its count less what was expected."""
    from frontdesk.services import drawers as drawer_service

    for session_id, status, stored, counted, counted_at in desk.db.execute(
        "SELECT id, status, expected_cash_cents, counted_cash_cents, counted_at"
        " FROM drawer_sessions WHERE status <> 'open'"
    ):
        now = drawer_service.expected(desk, session_id).cash.cents
        if stored is None or now != stored:
            yield (
                f"drawer session {session_id} expected {_money(stored or 0)} at its count;"
                f" its entries now give {_money(now)}"
            )
        for table, when in (("ledger", "at"), ("drawer_moves", "at")):
            column = "drawer_session_id" if table == "ledger" else "session_id"
            (late,) = desk.db.execute(
                f"SELECT count(*) FROM {table} WHERE {column} = ? AND {when} > ?"
                + (" AND method IN ('cash', 'check')" if table == "ledger" else ""),
                (session_id, counted_at),
            ).fetchone()
            if late:
                yield f"drawer session {session_id} took {late} {table} rows after its count"
        if status == "closed" and counted is None:
            yield f"drawer session {session_id} is closed without a count"
    for (drawer_id,) in desk.db.execute(
        "SELECT drawer_id FROM drawer_sessions WHERE status <> 'closed'"
        " GROUP BY drawer_id HAVING count(*) > 1"
    ):
        yield f"drawer {drawer_id} has more than one session open"


# -- the close of day ---------------------------------------------------------------------


def _closes(desk: Desk) -> list[tuple[str, str, dict]]:
    return [
        (day, closed_at, json.loads(totals or "{}"))
        for day, closed_at, totals in desk.db.execute(
            "SELECT business_date, closed_at, totals FROM day_closes ORDER BY business_date"
        )
    ]


def day_sheets(desk: Desk) -> Iterator[str]:
    """For every closed date: the day sheet = the fee sheets = the ledger of the date,
    as signed off (nothing changed since), and ending A/R = beginning A/R + the date's
    patient entries."""
    from frontdesk.services.day_close import day_sheet

    for day, _, totals in _closes(desk):
        sheet = day_sheet(desk, dt.date.fromisoformat(day))
        if sheet.charges != sheet.fee_sheets:
            yield f"{day}: charges {sheet.charges} but fee sheets {sheet.fee_sheets}"
        now = {
            "entries": sheet.entry_count, "charges": sheet.charges.cents,
            "payments": sheet.payments.cents, "refunds": sheet.refunds.cents,
            "adjustments": sheet.adjustments.cents, "voids": sheet.voids.cents,
            "fee_sheets": sheet.fee_sheets.cents, "beginning_ar": sheet.beginning_ar.cents,
            "ending_ar": sheet.ending_ar.cents,
        }  # fmt: skip
        for name, value in now.items():
            if name in totals and totals[name] != value:
                yield f"{day}: {name} signed off as {totals[name]}, the ledger now gives {value}"
        (net,) = desk.db.execute(
            "SELECT coalesce(sum(amount_cents), 0) FROM ledger WHERE business_date = ?"
            " AND account = 'patient'",
            (day,),
        ).fetchone()
        if sheet.beginning_ar.cents + net != sheet.ending_ar.cents:
            yield (
                f"{day}: beginning A/R {sheet.beginning_ar} + the day's {_money(net)}"
                f" is not its ending A/R {sheet.ending_ar}"
            )


def ar_roll(desk: Desk) -> Iterator[str]:
    """Each closed date's ending A/R, plus what was posted on the dates between, is the
    next closed date's beginning A/R (consecutive dates: the one is the other)."""
    closes = [(day, totals) for day, _, totals in _closes(desk) if "ending_ar" in totals]
    for (day, totals), (after, later) in itertools.pairwise(closes):
        (between,) = desk.db.execute(
            "SELECT coalesce(sum(amount_cents), 0) FROM ledger WHERE business_date > ?"
            " AND business_date < ? AND account = 'patient'",
            (day, after),
        ).fetchone()
        if "beginning_ar" in later and totals["ending_ar"] + between != later["beginning_ar"]:
            yield (
                f"{day} ended with A/R {_money(totals['ending_ar'])}"
                + (f" (+{_money(between)} between)" if between else "")
                + f" but {after} began with {_money(later['beginning_ar'])}"
            )


def locked_days(desk: Desk) -> Iterator[str]:
    """A closed date takes nothing after its close: no ledger entry, drawer move or open
    drawer session dated on it."""
    for table in ("ledger", "drawer_moves"):
        for day, count in desk.db.execute(
            f"SELECT t.business_date, count(*) FROM {table} t JOIN day_closes c"
            " ON c.business_date = t.business_date WHERE t.at > c.closed_at"
            " GROUP BY t.business_date"
        ):
            yield f"{day} is closed but took {count} {table} rows after its close"
    for day, count in desk.db.execute(
        "SELECT s.business_date, count(*) FROM drawer_sessions s JOIN day_closes c"
        " ON c.business_date = s.business_date WHERE s.status <> 'closed'"
        " GROUP BY s.business_date"
    ):
        yield f"{day} is closed with {count} drawer session(s) not closed"


# -- the book -----------------------------------------------------------------------------


def book(desk: Desk) -> Iterator[str]:
    """No two appointments hold one column's time at once unless one of them was booked
    as a double-book."""
    holds = HOLDS_TIME.replace("status", "{t}.status")
    for first, second, resource in desk.db.execute(
        "SELECT a.id, b.id, a.resource_id FROM appointments a JOIN appointments b"
        # Of two that overlap, one starts within the other: a range of the index.
        " ON b.resource_id = a.resource_id AND b.starts_at >= a.starts_at"
        " AND b.starts_at < a.ends_at AND b.id <> a.id"
        " AND (b.starts_at > a.starts_at OR b.id > a.id)"
        f" WHERE {holds.format(t='a')} AND {holds.format(t='b')}"
        " AND a.double_booked = 0 AND b.double_booked = 0"
    ):
        yield f"appointments {first} and {second} overlap on column {resource}"


RULES: dict[str, Callable[[Desk], Iterator[str]]] = {
    "integrity": integrity,
    "audit chain": audit_chain,
    "append-only": append_only,
    "whole postings": whole_postings,
    "stock": stock,
    "balances": balances,
    "refunds": refunds,
    "drawers": drawers,
    "day sheets": day_sheets,
    "A/R roll": ar_roll,
    "locked days": locked_days,
    "book": book,
}


def check(db: FrontDeskDatabase, rules: tuple[str, ...] | None = None) -> list[Violation]:
    """Every violation of the rules (all of them, or those named); empty when all hold."""
    desk = _desk(db)
    found: list[Violation] = []
    for name in rules or tuple(RULES):
        try:
            details = list(RULES[name](desk))
        except Exception as error:  # a damaged file: say so, and go on with the others
            details = [f"could not be checked ({error})"]
        found += [Violation(rule=name, detail=detail) for detail in details]
    return found


def summary(violations: list[Violation]) -> dict[str, list[str]]:
    """The violations by rule, each rule's first few listed and the rest counted."""
    by_rule: dict[str, list[str]] = {name: [] for name in RULES}
    for violation in violations:
        by_rule.setdefault(violation.rule, []).append(violation.detail)
    for name, details in by_rule.items():
        if len(details) > _SHOWN:
            by_rule[name] = [*details[:_SHOWN], f"... and {len(details) - _SHOWN} more"]
    return by_rule
