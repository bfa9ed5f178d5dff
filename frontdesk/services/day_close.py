"""The close of day: one guided pass over a business date, then the manager's sign-off
that locks it.

The steps: every drawer of the date closed; the no-show list resolved; every kept
appointment with a fee sheet (or the reason it has none); every fee sheet finalized;
the day sheet balanced (its charges equal the finalized fee sheets, and beginning A/R +
charges - payments - adjustments + refunds + voids = ending A/R); the deposit slip and
the card batches from the drawers' closes; the sign-off. A signed-off date is in
`day_closes` and takes no entry, no drawer and no drawer move again (the database's
triggers refuse them); a later correction is posted on an open day, naming the original.
There is no reopening.

A/R rolls forward from the last closed day's ending A/R (kept with its close), so a
day's sheet reads that day's entries, not the whole ledger.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.data.clock import day_bounds
from frontdesk.data.money import Money
from frontdesk.errors import AccessDenied, Conflict, Invalid, NotFound, echo
from frontdesk.services import audit, drawers
from frontdesk.services.drawer_counts import VALUE
from frontdesk.services.fields import one_line

if TYPE_CHECKING:
    from frontdesk.data.drawer_models import (
        CloseOfDay,
        CloseStep,
        DaySheet,
        DaySheetLine,
        DepositSlip,
        DrawerSession,
    )
    from frontdesk.data.models import Actor
    from frontdesk.data.print_models import Report
    from frontdesk.services.context import Desk

__all__ = [
    "KEPT",
    "beginning_ar",
    "bulk_totals",
    "card_batches",
    "check_business_day",
    "close_of_day",
    "closed_days",
    "csv_amount",
    "day_sheet",
    "day_sheet_lines",
    "day_sheet_report",
    "deposit_report",
    "deposit_slip",
    "drawers_report",
    "export_csv",
    "export_files",
    "next_to_close",
    "printout",
    "queue_printout",
    "record_no_charge",
    "sign_off",
]

#: Appointments that were kept: the patient came.
KEPT = ("arrived", "roomed", "with_provider", "ready_checkout", "checked_out")
_METHOD_WORDS = {
    "cash": "Cash",
    "check": "Check",
    "card": "Card",
    "gift_card": "Gift card",
    "credit": "Credit on account",
    None: "No method",
}


# -- the day sheet --------------------------------------------------------------------------


def _grouped(desk: Desk, day: dt.date) -> list[tuple]:
    """The date's entries summed by kind, account, method, provider and staff."""
    return desk.db.execute(
        "SELECT kind, account, method, provider_id, staff_id, count(*), sum(amount_cents)"
        " FROM ledger WHERE business_date = ?"
        " GROUP BY kind, account, method, provider_id, staff_id",
        (day.isoformat(),),
    ).fetchall()


def _closed_ar_before(desk: Desk, day: dt.date) -> tuple[str, int] | None:
    """The latest closed date before `day` and its ending A/R."""
    row = desk.db.execute(
        "SELECT business_date, totals FROM day_closes WHERE business_date < ?"
        " ORDER BY business_date DESC LIMIT 1",
        (day.isoformat(),),
    ).fetchone()
    if row is None:
        return None
    totals = json.loads(row[1] or "{}")
    if "ending_ar" not in totals:
        return None
    return row[0], int(totals["ending_ar"])


def beginning_ar(desk: Desk, day: dt.date) -> Money:
    """What patients owed at the start of `day`: the last closed day's ending A/R plus
    the entries dated after it and before `day`."""
    closed = _closed_ar_before(desk, day)
    if closed is None:
        (cents,) = desk.db.execute(
            "SELECT coalesce(sum(amount_cents), 0) FROM ledger"
            " WHERE business_date < ? AND account = 'patient'",
            (day.isoformat(),),
        ).fetchone()
        return Money(cents)
    since, ending = closed
    (cents,) = desk.db.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM ledger"
        " WHERE business_date > ? AND business_date < ? AND account = 'patient'",
        (since, day.isoformat()),
    ).fetchone()
    return Money(ending + cents)


def _ending_ar(desk: Desk, day: dt.date) -> Money:
    """What patients owed at the end of `day`, summed apart from the day sheet's lines
    (so that the roll checks them): the last close's ending A/R and every balance entry
    since, to `day`."""
    closed = _closed_ar_before(desk, day)
    since, ending = closed if closed is not None else ("", 0)
    (cents,) = desk.db.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM ledger"
        " WHERE business_date > ? AND business_date <= ? AND account = 'patient'",
        (since, day.isoformat()),
    ).fetchone()
    return Money(ending + cents)


def _names(desk: Desk, table: str, column: str) -> dict[int, str]:
    return dict(desk.db.execute(f"SELECT id, {column} FROM {table}").fetchall())


def day_sheet_lines(desk: Desk, grouped: list[tuple]) -> list[DaySheetLine]:
    """The day sheet's lines from the grouped entries: charges by provider, payments,
    deposits, gift cards and refunds by method, adjustments, voids, collections by
    staff member (amounts as the desk says them: money in and money out both plus)."""
    from frontdesk.data.drawer_models import DaySheetLine

    providers = _names(desk, "resources", "short_name")
    staff = _names(desk, "staff", "full_name")
    sums: dict[tuple[str, str], list[int]] = {}

    def add(group: str, label: str, count: int, cents: int) -> None:
        entry = sums.setdefault((group, label), [0, 0])
        entry[0] += count
        entry[1] += cents

    for kind, account, method, provider, staff_id, count, cents in grouped:
        words = _METHOD_WORDS.get(method, method)
        if kind == "charge":
            add("Charges", "Charges", count, cents)
            add("Charges by provider", providers.get(provider, "Room or retail"), count, cents)
        elif kind == "payment":
            add("Payments", words, count, -cents)
        elif kind == "deposit":
            add("Deposits (credit held)", words, count, -cents)
        elif kind == "credit_applied":
            add("Credit applied", "Credit applied to visits", count, cents)
        elif kind == "gift_card_sale" and method is not None:
            add("Gift cards sold", words, count, -cents)
        elif kind == "gift_card_redeem":
            add("Gift cards redeemed", "Redeemed", count, cents)
        elif kind == "refund" and method is not None:
            add("Refunds", words, count, cents)
        elif kind == "adjustment":
            add("Adjustments", "Adjustments", count, -cents)
        elif kind == "reversal" and account == "patient":
            add("Voids", "Voids (on balances)", count, cents)
        if method in ("cash", "check", "card") and kind != "reversal":
            add("Collected by staff", staff.get(staff_id, "The shell"), count, -cents)
    order = (
        "Charges",
        "Charges by provider",
        "Payments",
        "Deposits (credit held)",
        "Credit applied",
        "Gift cards sold",
        "Gift cards redeemed",
        "Refunds",
        "Adjustments",
        "Voids",
        "Collected by staff",
    )
    return [
        DaySheetLine(group=group, label=label, count=value[0], amount=Money(value[1]))
        for (group, label), value in sorted(
            sums.items(), key=lambda item: (order.index(item[0][0]), item[0][1])
        )
    ]


def day_sheet(desk: Desk, day: dt.date) -> DaySheet:
    """The date's day sheet, the fee sheets it must agree with and its A/R roll."""
    from frontdesk.data.drawer_models import DaySheet

    desk.require_manager("see the day sheet")
    grouped = _grouped(desk, day)

    def patient_sum(kind: str) -> int:
        return sum(r[6] for r in grouped if r[0] == kind and r[1] == "patient")

    # The fee sheets finalized with the date's charges (a draft opened the day before and
    # finished today is today's: its charges are).
    fee_count, fee_total = desk.db.execute(
        "SELECT count(DISTINCT c.encounter_id), coalesce(sum(c.total_cents), 0)"
        " FROM charges c JOIN encounters e ON e.id = c.encounter_id AND e.status = 'finalized'"
        " WHERE c.id IN (SELECT charge_id FROM ledger WHERE business_date = ?"
        "   AND kind = 'charge' AND charge_id IS NOT NULL)",
        (day.isoformat(),),
    ).fetchone()
    beginning = beginning_ar(desk, day)
    return DaySheet(
        business_date=day,
        lines=tuple(day_sheet_lines(desk, grouped)),
        charges=Money(patient_sum("charge")),
        payments=Money(-patient_sum("payment")),
        refunds=Money(patient_sum("refund")),
        adjustments=Money(-patient_sum("adjustment")),
        voids=Money(patient_sum("reversal")),
        fee_sheets=Money(fee_total),
        fee_sheet_count=fee_count,
        beginning_ar=beginning,
        ending_ar=_ending_ar(desk, day),
        entry_count=sum(r[5] for r in grouped),
    )


# -- the deposit and the card batches -------------------------------------------------------


def deposit_slip(
    desk: Desk, day: dt.date, sessions: list[DrawerSession] | None = None
) -> DepositSlip:
    """The bank deposit of the date's closed drawers: their cash by denomination (what
    each close did not leave as float) and every check counted."""
    from frontdesk.data.drawer_models import CountedCheck, DepositSlip

    sessions = sessions if sessions is not None else drawers.sessions_of(desk, day)
    closed = [s for s in sessions if s.status == "closed"]
    counts: dict[str, int] = {}
    for s in closed:
        for key, number in s.deposit_counts.items():
            counts[key] = counts.get(key, 0) + number
    checks: list[CountedCheck] = []
    if closed:
        marks = ", ".join("?" for _ in closed)
        checks = [
            CountedCheck(number=r[0], payer=r[1], amount=Money(r[2]))
            for r in desk.db.execute(
                "SELECT check_number, payer, amount_cents FROM drawer_checks"
                f" WHERE session_id IN ({marks}) ORDER BY session_id, id",
                tuple(s.id for s in closed),
            )
        ]
    return DepositSlip(
        business_date=day,
        counts={key: counts[key] for key in VALUE if counts.get(key)},
        cash=Money(sum(s.deposit.cents for s in closed if s.deposit is not None)),
        checks=tuple(checks),
        checks_total=sum((c.amount for c in checks), Money(0)),
        drawers=tuple(s.drawer_name for s in closed),
    )


def card_batches(
    desk: Desk, day: dt.date, sessions: list[DrawerSession] | None = None
) -> list[tuple[str, Money | None, Money]]:
    """Each drawer's card batch as counted beside the card payments posted to it, and
    the card payments of the date taken at a workstation without an open drawer."""
    sessions = sessions if sessions is not None else drawers.sessions_of(desk, day)
    rows: list[tuple[str, Money | None, Money]] = []
    for s in sessions:
        posted = s.tenders[2].expected if s.tenders else drawers.expected(desk, s.id).card
        rows.append((s.drawer_name, s.card_batch, posted))
    (loose,) = desk.db.execute(
        "SELECT coalesce(-sum(amount_cents), 0) FROM ledger WHERE business_date = ?"
        " AND method = 'card' AND drawer_session_id IS NULL",
        (day.isoformat(),),
    ).fetchone()
    if loose:
        rows.append(("No drawer", None, Money(loose)))
    return rows


# -- the steps ------------------------------------------------------------------------------


def _step(number: int, key: str, title: str, done: bool, summary: str, items=()) -> CloseStep:
    from frontdesk.data.drawer_models import CloseStep

    return CloseStep(
        number=number, key=key, title=title, done=done, summary=summary, items=tuple(items)
    )


def _time(desk: Desk, stamp: str) -> str:
    from frontdesk.services.book import time_text

    return time_text(stamp, desk.clock.tz)


def _appointments(desk: Desk, day: dt.date, where: str, params: tuple = ()) -> list[tuple]:
    start, end = day_bounds(day, desk.clock.tz)
    return desk.db.execute(
        "SELECT a.id, a.starts_at, p.first_name || ' ' || p.last_name, r.short_name, a.status"
        " FROM appointments a JOIN patients p ON p.id = a.patient_id"
        " JOIN resources r ON r.id = a.resource_id"
        f" WHERE a.starts_at >= ? AND a.starts_at < ? AND {where} ORDER BY a.starts_at, a.id",
        (start, end, *params),
    ).fetchall()


def check_business_day(desk: Desk, day: dt.date) -> dt.date:
    """`day` if it can have a close of day: not one still to come, nor one before the
    practice's first business date (the first visit booked, money taken, drawer opened
    or day closed); else Invalid. A mistyped year (01/01/0001, 12/31/9999) is caught
    here."""
    from frontdesk.services.schedule import date_text

    if day > desk.clock.business_date():
        raise Invalid(f"{date_text(day)} has not happened yet.")
    (first, booked) = desk.db.execute(
        "SELECT (SELECT min(day) FROM (SELECT min(business_date) AS day FROM ledger"
        " UNION ALL SELECT min(business_date) FROM drawer_sessions"
        " UNION ALL SELECT min(business_date) FROM day_closes)),"
        " (SELECT min(starts_at) FROM appointments)"
    ).fetchone()
    days = [desk.clock.business_date()]
    if first:
        days.append(dt.date.fromisoformat(first))
    if booked:  # a day with visits and no money yet still has its close (no-shows...)
        days.append(desk.clock.local(booked).date())
    first = min(days)
    if day < first:
        raise Invalid(
            f"The practice's books start on {date_text(first)}; there is no close of day "
            f"for {date_text(day)}."
        )
    return day


def close_of_day(desk: Desk, day: dt.date) -> CloseOfDay:
    """The close-of-day steps for `day`, each with what is still open (Invalid for a day
    that has none: see `check_business_day`)."""
    from frontdesk.data.drawer_models import CloseOfDay, StepItem
    from frontdesk.services.book import STATUS_WORDS

    desk.require_manager("close the day")
    check_business_day(desk, day)
    closed = desk.db.execute(
        "SELECT d.closed_at, coalesce(s.full_name, 'the shell') FROM day_closes d"
        " LEFT JOIN staff s ON s.id = d.closed_by WHERE d.business_date = ?",
        (day.isoformat(),),
    ).fetchone()
    sessions = drawers.sessions_of(desk, day)
    still_open = [s for s in sessions if s.status != "closed"]
    drawer_items = [
        StepItem(
            id=s.id,
            text=f"{s.drawer_name}: "
            + (
                f"open since {_time(desk, s.opened_at)} ({s.opened_by or 'the shell'})"
                if s.status == "open"
                else f"counted by {s.counted_by or 'the shell'}, waiting for sign-off"
            ),
        )
        for s in still_open
    ]
    unmarked = _appointments(desk, day, "a.status IN ('booked', 'confirmed')")
    no_show_items = [
        StepItem(id=r[0], text=f"{_time(desk, r[1])} {r[2]} ({r[3]}): {STATUS_WORDS[r[4]]}")
        for r in unmarked
    ]
    kept = ", ".join(f"'{status}'" for status in KEPT)
    no_sheet = _appointments(
        desk,
        day,
        f"a.status IN ({kept}) AND NOT EXISTS"
        " (SELECT 1 FROM encounters e WHERE e.appointment_id = a.id)",
    )
    no_sheet_items = [
        StepItem(id=r[0], text=f"{_time(desk, r[1])} {r[2]} ({r[3]}): {STATUS_WORDS[r[4]]}")
        for r in no_sheet
    ]
    open_sheets = desk.db.execute(
        "SELECT e.appointment_id, a.starts_at, p.first_name || ' ' || p.last_name,"
        " coalesce(r.short_name, ''), (SELECT count(*) FROM charges c WHERE c.encounter_id = e.id)"
        " FROM encounters e JOIN patients p ON p.id = e.patient_id"
        " LEFT JOIN appointments a ON a.id = e.appointment_id"
        " LEFT JOIN resources r ON r.id = e.provider_id"
        " WHERE e.business_date = ? AND e.status = 'open' ORDER BY a.starts_at, e.id",
        (day.isoformat(),),
    ).fetchall()
    open_sheet_items = [
        StepItem(
            id=r[0] or 0,
            text=f"{_time(desk, r[1]) if r[1] else '--'} {r[2]} ({r[3]}): {r[4]} lines, not"
            " finalized",
        )
        for r in open_sheets
    ]
    sheet = day_sheet(desk, day)
    slip = deposit_slip(desk, day, sessions)
    batches = card_batches(desk, day, sessions)
    batch_total = sum((b for _, b, _ in batches if b is not None), Money(0))
    card_posted = sum((p for _, _, p in batches), Money(0))
    drawers_done = not still_open
    steps = (
        _step(1, "drawers", "Drawers closed", drawers_done,
              f"{len(sessions) - len(still_open)} of {len(sessions)} drawers closed",
              drawer_items),
        _step(2, "no_shows", "No-shows resolved", not unmarked,
              f"{len(unmarked)} appointments still booked" if unmarked else "All resolved",
              no_show_items),
        _step(3, "no_fee_sheet", "Visits have fee sheets", not no_sheet,
              f"{len(no_sheet)} kept visits without a fee sheet" if no_sheet
              else "Every kept visit has one", no_sheet_items),
        _step(4, "open_fee_sheets", "Fee sheets finalized", not open_sheets,
              f"{len(open_sheets)} fee sheets not finalized" if open_sheets
              else "All finalized", open_sheet_items),
        _step(5, "day_sheet", "Day sheet balanced", sheet.balanced,
              f"Charges {sheet.charges}, fee sheets {sheet.fee_sheets}; A/R {sheet.beginning_ar}"
              f" -> {sheet.ending_ar}"),
        _step(6, "deposit", "Deposit slip", drawers_done,
              f"Cash {slip.cash} + {len(slip.checks)} checks {slip.checks_total} ="
              f" {slip.total}"),
        _step(7, "card_batch", "Card batch", drawers_done,
              f"Batches {batch_total}, card posted {card_posted}"),
        _step(8, "sign_off", "Sign-off", closed is not None,
              f"Closed {_time(desk, closed[0])} by {closed[1]}" if closed
              else "A manager signs off with their PIN"),
    )  # fmt: skip
    return CloseOfDay(
        business_date=day,
        steps=steps,
        closed_at=closed[0] if closed else None,
        closed_by=closed[1] if closed else "",
    )


def closed_days(desk: Desk, since: dt.date, until: dt.date) -> dict[dt.date, str]:
    """The closed dates from `since` to `until` and when each was closed."""
    return {
        dt.date.fromisoformat(r[0]): r[1]
        for r in desk.db.execute(
            "SELECT business_date, closed_at FROM day_closes WHERE business_date BETWEEN ? AND ?",
            (since.isoformat(), until.isoformat()),
        )
    }


# -- resolving and signing off --------------------------------------------------------------


def record_no_charge(desk: Desk, appointment_id: int, reason: str) -> None:
    """A kept visit without a fee sheet, resolved by the reason it has none: a finalized
    fee sheet with no lines and the reason (a patient still shown in the office is
    checked out)."""
    from frontdesk.services import appointment_status
    from frontdesk.services.ledger import ensure_open_day

    actor = desk.require_manager("resolve visits at the close of day")
    reason = one_line(reason, "reason there is no fee sheet", max_length=80, required=True)
    with desk.writing():
        row = desk.db.execute(
            "SELECT patient_id, resource_id, status, starts_at FROM appointments WHERE id = ?",
            (appointment_id,),
        ).fetchone()
        if row is None:
            raise NotFound("There is no such appointment.")
        if row[2] not in KEPT:
            raise Conflict("Only a kept visit (the patient came) needs a fee sheet.")
        if desk.db.execute(
            "SELECT 1 FROM encounters WHERE appointment_id = ?", (appointment_id,)
        ).fetchone():
            raise Conflict("This visit has a fee sheet already.")
        from frontdesk.services.book import local_time

        day = local_time(row[3], desk.clock.tz).date()
        ensure_open_day(desk, day)
        provider = desk.db.execute(
            "SELECT id FROM resources WHERE id = ? AND kind = 'provider'", (row[1],)
        ).fetchone()
        stamp = desk.clock.stamp()
        staff_id = actor.staff_id if actor else None
        encounter_id = desk.db.execute(
            "INSERT INTO encounters (patient_id, appointment_id, provider_id, business_date,"
            " status, no_charge_reason, opened_by, opened_at, finalized_by, finalized_at)"
            " VALUES (?, ?, ?, ?, 'finalized', ?, ?, ?, ?, ?)",
            (row[0], appointment_id, provider[0] if provider else None, day.isoformat(),
             reason, staff_id, stamp, staff_id, stamp),
        ).lastrowid  # fmt: skip
        if row[2] != "checked_out":
            appointment_status.move_status(desk, appointment_id, "checked_out")
        audit.record(desk, "no fee sheet: reason", "encounters", encounter_id, reason)


def _totals(desk: Desk, close: CloseOfDay, sheet: DaySheet, slip: DepositSlip) -> dict:
    batches = card_batches(desk, close.business_date)
    return {
        "entries": sheet.entry_count,
        "charges": sheet.charges.cents,
        "payments": sheet.payments.cents,
        "refunds": sheet.refunds.cents,
        "adjustments": sheet.adjustments.cents,
        "voids": sheet.voids.cents,
        "fee_sheets": sheet.fee_sheets.cents,
        "beginning_ar": sheet.beginning_ar.cents,
        "ending_ar": sheet.ending_ar.cents,
        "deposit_cash": slip.cash.cents,
        "deposit_checks": slip.checks_total.cents,
        "card_batch": sum(b.cents for _, b, _ in batches if b is not None),
        "card_posted": sum(p.cents for _, _, p in batches),
    }


def bulk_totals(desk: Desk, dates: list[str]) -> dict[str, dict]:
    """What `sign_off` keeps for each of many dates (ISO, ascending), read in a few
    grouped passes (for the demo's years of closed days)."""
    first, last = dates[0], dates[-1]
    (ar,) = desk.db.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM ledger"
        " WHERE business_date < ? AND account = 'patient'",
        (first,),
    ).fetchone()
    per_day: dict[str, dict[str, int]] = {}
    for day, kind, account, count, cents in desk.db.execute(
        "SELECT business_date, kind, account, count(*), sum(amount_cents) FROM ledger"
        " WHERE business_date BETWEEN ? AND ? GROUP BY business_date, kind, account"
        " ORDER BY business_date",
        (first, last),
    ):
        sums = per_day.setdefault(day, dict.fromkeys(_TOTAL_KEYS, 0))
        sums["entries"] += count
        if account == "patient":
            sums["on_balances"] += cents
            field = {"charge": "charges", "payment": "payments", "refund": "refunds",
                     "adjustment": "adjustments", "reversal": "voids"}.get(kind)  # fmt: skip
            if field:
                sums[field] += -cents if field in ("payments", "adjustments") else cents
    for day, cents in desk.db.execute(
        "SELECT l.business_date, sum(c.total_cents) FROM ledger l"
        " JOIN charges c ON c.id = l.charge_id"
        " JOIN encounters e ON e.id = c.encounter_id AND e.status = 'finalized'"
        " WHERE l.kind = 'charge' AND l.business_date BETWEEN ? AND ? GROUP BY l.business_date",
        (first, last),
    ):
        per_day.setdefault(day, dict.fromkeys(_TOTAL_KEYS, 0))["fee_sheets"] = cents
    for day, cash, checks, batch, card in desk.db.execute(
        "SELECT business_date, sum(deposit_cents), sum(counted_checks_cents),"
        " sum(card_batch_cents), sum(expected_card_cents) FROM drawer_sessions"
        " WHERE status = 'closed' AND business_date BETWEEN ? AND ? GROUP BY business_date",
        (first, last),
    ):
        sums = per_day.setdefault(day, dict.fromkeys(_TOTAL_KEYS, 0))
        sums.update(deposit_cash=cash, deposit_checks=checks, card_batch=batch, card_posted=card)
    for day, cents in desk.db.execute(
        "SELECT business_date, -sum(amount_cents) FROM ledger WHERE method = 'card'"
        " AND drawer_session_id IS NULL AND business_date BETWEEN ? AND ? GROUP BY business_date",
        (first, last),
    ):
        per_day.setdefault(day, dict.fromkeys(_TOTAL_KEYS, 0))["card_posted"] += cents
    totals = {}
    wanted = set(dates)
    for day in sorted(per_day.keys() | wanted):
        sums = per_day.get(day, dict.fromkeys(_TOTAL_KEYS, 0))
        beginning, ar = ar, ar + sums.pop("on_balances")
        if day in wanted:
            totals[day] = {**sums, "beginning_ar": beginning, "ending_ar": ar}
    return totals


_TOTAL_KEYS = (
    "entries", "charges", "payments", "refunds", "adjustments", "voids", "fee_sheets",
    "deposit_cash", "deposit_checks", "card_batch", "card_posted", "on_balances",
)  # fmt: skip


def sign_off(desk: Desk, day: dt.date, approver: Actor | None) -> CloseOfDay:
    """Sign the date off and lock it: a manager's PIN (`approver`, from `auth.approve`),
    every step resolved. Refused for a day to come, a day already closed, or a step
    still open (named)."""
    from frontdesk.services.ledger import still_a_manager

    desk.require_manager("close the day")
    if not desk.shell and (approver is None or not approver.is_manager):
        raise AccessDenied("A manager signs the day off with their PIN.")
    if day > desk.clock.business_date():
        raise Invalid(f"{day:%a %m/%d/%Y} has not happened yet.")
    with desk.writing():
        if approver is not None and not still_a_manager(desk, approver):
            raise AccessDenied("That manager's login is no longer active.")
        close = close_of_day(desk, day)
        if close.closed_at is not None:
            raise Conflict(
                f"{day:%a %m/%d/%Y} was closed already ({close.closed_by}); a closed day "
                "stays closed."
            )
        missing = [s for s in close.steps if s.key != "sign_off" and not s.done]
        if missing:
            raise Conflict(
                "Not yet: " + "; ".join(f"{s.number}. {s.title} ({s.summary})" for s in missing)
            )
        sheet = day_sheet(desk, day)
        slip = deposit_slip(desk, day)
        desk.db.execute(
            "INSERT INTO day_closes (business_date, closed_at, closed_by, totals)"
            " VALUES (?, ?, ?, ?)",
            (
                day.isoformat(),
                desk.clock.stamp(),
                approver.staff_id if approver else None,
                json.dumps(_totals(desk, close, sheet, slip), sort_keys=True),
            ),
        )
        audit.record(desk, "day closed", "day_closes", None, day.isoformat())
        return close_of_day(desk, day)


# -- for the accountant ---------------------------------------------------------------------


def csv_amount(amount: Money) -> str:
    """An amount as a spreadsheet reads it: 1234.50, -3.07."""
    cents = abs(amount.cents)
    return f"{'-' if amount.cents < 0 else ''}{cents // 100}.{cents % 100:02d}"


def export_csv(desk: Desk, day: dt.date, what: str) -> str:
    """The day sheet, the deposit slip or the drawer closes of `day` as CSV text."""
    from frontdesk.data.drawer_models import DENOMINATIONS

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if what == "day_sheet":
        sheet = day_sheet(desk, day)
        writer.writerow(["date", "group", "line", "entries", "amount"])
        for line in sheet.lines:
            writer.writerow([day, line.group, line.label, line.count, csv_amount(line.amount)])
        for label, amount in (
            ("Beginning A/R", sheet.beginning_ar),
            ("Ending A/R", sheet.ending_ar),
            ("Finalized fee sheets", sheet.fee_sheets),
        ):
            writer.writerow([day, "Totals", label, "", csv_amount(amount)])
    elif what == "deposit":
        desk.require_manager("see the deposit slip")
        slip = deposit_slip(desk, day)
        writer.writerow(["date", "item", "count", "amount"])
        for d in DENOMINATIONS:
            number = slip.counts.get(d.key, 0)
            if number:
                writer.writerow([day, d.label, number, csv_amount(Money(number * d.cents))])
        for check in slip.checks:
            writer.writerow([day, f"Check {check.number} {check.payer}".strip(), 1,
                             csv_amount(check.amount)])  # fmt: skip
        writer.writerow([day, "Total deposit", "", csv_amount(slip.total)])
    elif what == "drawers":
        desk.require_manager("see the drawer closes")
        writer.writerow(
            ["date", "drawer", "opened by", "counted by", "approved by", "float", "tender",
             "expected", "counted", "over/short", "reason", "deposit", "left"]
        )  # fmt: skip
        for s in drawers.sessions_of(desk, day):
            for t in s.tenders:
                writer.writerow([
                    day, s.drawer_name, s.opened_by, s.counted_by, s.approver,
                    csv_amount(s.float), t.tender, csv_amount(t.expected),
                    csv_amount(t.counted), csv_amount(t.over_short), s.reason,
                    csv_amount(s.deposit) if s.deposit is not None else "",
                    csv_amount(s.leave) if s.leave is not None else "",
                ])  # fmt: skip
    else:
        raise Invalid("Export the day sheet, the deposit or the drawers.")
    return out.getvalue()


_CSV_NAMES = {"day_sheet": "day-sheet", "deposit": "deposit-slip", "drawers": "drawer-closes"}


def export_files(desk: Desk, day: dt.date, folder: Path) -> list[Path]:
    """The day sheet, the deposit slip and the drawer closes of `day` written as CSV
    files into `folder` (made if missing; owner-only files: checks name their payers);
    returns the paths."""
    from frontdesk.services.files import check_path, write_private

    desk.require_manager("export the close of day")
    check_business_day(desk, day)
    folder = check_path(folder, "folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        shown = echo(folder, 200)
        raise Invalid(f"Could not make {shown}: {error.strerror or error}.") from error
    written = []
    for what, name in _CSV_NAMES.items():
        path = folder / f"{name}-{day.isoformat()}.csv"
        text = export_csv(desk, day, what)
        write_private(path, lambda out, text=text: out.write(text))
        written.append(path)
    with desk.writing():
        audit.record(desk, "close of day exported", "day_closes", None, day.isoformat())
    return written


def day_sheet_report(sheet: DaySheet) -> Report:
    """The printed day sheet: its lines by group, then the A/R roll's ends and the fee
    sheets it agrees with."""
    from frontdesk.data.print_models import Report
    from frontdesk.data.print_models import ReportRow as Row

    rows: list[Row] = []
    group = ""
    for line in sheet.lines:
        if line.group != group:
            if group:
                rows.append(Row.blank())
            rows.append(Row.heading(line.group))
            group = line.group
        rows.append(Row.line(f"{line.label} ({line.count})", line.amount, indent=2))
    rows += [
        Row.rule(),
        Row.line("Beginning A/R", sheet.beginning_ar),
        Row.line("Ending A/R", sheet.ending_ar),
        Row.line(f"Fee sheets ({sheet.fee_sheet_count})", sheet.fee_sheets),
    ]
    return Report(
        title="DAY SHEET", subtitle=f"{sheet.business_date:%a %m/%d/%Y}", rows=tuple(rows)
    )


def deposit_report(slip: DepositSlip) -> Report:
    """The printed deposit slip: the drawers it comes from, the cash by denomination,
    each check, the total."""
    from frontdesk.data.drawer_models import DENOMINATIONS
    from frontdesk.data.print_models import Report
    from frontdesk.data.print_models import ReportRow as Row

    rows: list[Row] = []
    if slip.drawers:
        rows += [Row.field("Drawers", ", ".join(slip.drawers)), Row.blank()]
    rows.append(Row.heading("Cash"))
    for d in DENOMINATIONS:
        if number := slip.counts.get(d.key):
            rows.append(Row.line(f"{d.label} x {number}", Money(number * d.cents), indent=2))
    rows += [Row.line("Cash total", slip.cash), Row.blank(), Row.heading("Checks")]
    rows += [
        Row.line(f"Check {c.number} {c.payer}".strip(), c.amount, indent=2) for c in slip.checks
    ]
    rows += [
        Row.line(f"Checks total ({len(slip.checks)})", slip.checks_total),
        Row.rule(),
        Row.line("Total deposit", slip.total),
    ]
    return Report(
        title="DEPOSIT SLIP", subtitle=f"{slip.business_date:%a %m/%d/%Y}", rows=tuple(rows)
    )


def drawers_report(day: dt.date, sessions: list[DrawerSession]) -> Report:
    """The printed close slips of a date's drawers, one after the other."""
    from frontdesk.data.print_models import Report
    from frontdesk.data.print_models import ReportRow as Row

    rows: list[Row] = []
    for s in sessions:
        if rows:
            rows.append(Row.blank())
        rows += [Row.heading(f"{s.drawer_name} ({s.status})"), *drawers.close_slip_rows(s)]
    if not rows:
        rows.append(Row.line("No drawer was opened on this date."))
    return Report(title="DRAWER CLOSES", subtitle=f"{day:%a %m/%d/%Y}", rows=tuple(rows))


def printout(desk: Desk, day: dt.date, what: str) -> Report:
    """The printed day sheet, deposit slip or drawer close slips of `day`, as a report
    (laid out at the paper width of the printer that takes it)."""
    desk.require_manager("print the close of day")
    if what == "day_sheet":
        return day_sheet_report(day_sheet(desk, day))
    if what == "deposit":
        return deposit_report(deposit_slip(desk, day))
    if what == "drawers":
        return drawers_report(day, drawers.sessions_of(desk, day))
    raise Invalid("Print the day sheet, the deposit slip or the drawer closes.")


def queue_printout(desk: Desk, day: dt.date, what: str) -> int:
    """Queue a printed day sheet, deposit slip or drawer close slips for this
    workstation's printer; returns the print job's id."""
    report = printout(desk, day, what)
    with desk.writing():
        return desk.db.execute(
            "INSERT INTO print_jobs (workstation, kind, payload, created_at) VALUES (?, ?, ?, ?)",
            (desk.workstation, what, report.model_dump_json(), desk.clock.stamp()),
        ).lastrowid


def next_to_close(desk: Desk) -> dt.date:
    """The date the close of day opens on: the oldest of the last 31 days that took money
    or opened a drawer and is not closed yet, else today."""
    today = desk.clock.business_date()
    since = (today - dt.timedelta(days=31)).isoformat()
    row = desk.db.execute(
        "SELECT min(business_date) FROM drawer_sessions WHERE business_date >= ?"
        " AND business_date < ? AND business_date NOT IN (SELECT business_date FROM day_closes)",
        (since, today.isoformat()),
    ).fetchone()
    return dt.date.fromisoformat(row[0]) if row and row[0] else today
