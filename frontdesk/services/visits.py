"""A visit at the desk: the flow board, check-in (demographics confirmed, the insurance
card on file, a co-pay or deposit, arrived) and check-out (the fee sheet finalized, its
charges and payments posted, the visit checked out and its receipt queued), each one
transaction: all of it happens, or none of it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from frontdesk.data.clock import day_bounds, from_stored
from frontdesk.data.money import Money
from frontdesk.errors import Conflict, Invalid, NotFound
from frontdesk.services import appointment_status, audit, fee_sheets, patients
from frontdesk.services.book import STATUS_WORDS
from frontdesk.services.fields import one_line
from frontdesk.services.ledger import (
    MONEY_ROLES,
    PostingWriter,
    balance,
    check_key,
    existing_posting,
)
from frontdesk.services.payments import check_tenders, post_deposit, post_payment, post_tenders

if TYPE_CHECKING:
    from frontdesk.data.models import Actor, Appointment, Patient, PatientDraft
    from frontdesk.data.money_models import (
        Checkout,
        FlowRow,
        InsuranceCard,
        Posting,
        Tender,
    )
    from frontdesk.services.context import Desk

__all__ = [
    "FLOW_STATUSES",
    "IN_OFFICE",
    "check_in",
    "check_out",
    "current_insurance",
    "flow_board",
    "parse_verified_on",
    "record_insurance",
]

#: The flow board's columns, in the order a visit moves through them.
FLOW_STATUSES = (
    ("scheduled", ("booked", "confirmed")),
    ("arrived", ("arrived",)),
    ("roomed", ("roomed",)),
    ("with provider", ("with_provider",)),
    ("ready for check-out", ("ready_checkout",)),
    ("checked out", ("checked_out",)),
    ("no-show", ("no_show",)),
)
#: Statuses of a patient who is in the office (and can be checked out).
IN_OFFICE = ("arrived", "roomed", "with_provider", "ready_checkout")


# -- the flow board ------------------------------------------------------------------------------


def flow_board(desk: Desk, day: dt.date | None = None) -> list[FlowRow]:
    """The day's appointments (cancelled ones left out) in the order of the book, each
    with the minutes in its status and the wait since arrival (until check-out, or now);
    a wait over the practice's alert minutes is marked."""
    from frontdesk.data.money_models import FlowRow
    from frontdesk.services.practice import load_settings

    desk.require_role(("receptionist", "manager", "provider", "clinical"), "see the flow board")
    day = day or desk.clock.business_date()
    start, end = day_bounds(day, desk.clock.tz)
    alert = load_settings(desk.db).wait_alert_minutes
    now = desk.clock.now()
    rows = desk.db.execute(
        "SELECT a.id, a.patient_id, p.last_name || ', ' || p.first_name, p.account_no,"
        " r.short_name, t.name, a.starts_at, a.status,"
        " (SELECT max(e.at) FROM appointment_events e WHERE e.appointment_id = a.id),"
        " (SELECT max(e.at) FROM appointment_events e WHERE e.appointment_id = a.id"
        "   AND e.to_status = 'arrived'),"
        " (SELECT max(e.at) FROM appointment_events e WHERE e.appointment_id = a.id"
        "   AND e.to_status = 'checked_out'),"
        " (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger l"
        "   WHERE l.patient_id = a.patient_id AND l.account = 'patient'),"
        " (SELECT status FROM encounters n WHERE n.appointment_id = a.id)"
        " FROM appointments a JOIN patients p ON p.id = a.patient_id"
        " JOIN resources r ON r.id = a.resource_id"
        " JOIN appointment_types t ON t.id = a.type_id"
        " WHERE a.starts_at >= ? AND a.starts_at < ? AND a.status <> 'cancelled'"
        " ORDER BY a.starts_at, r.sort_order, a.id",
        (start, end),
    ).fetchall()

    def minutes(since: str | None, until: str | None = None) -> int:
        if since is None:
            return 0
        later = from_stored(until) if until else now
        return max(0, int((later - from_stored(since)).total_seconds() // 60))

    board = []
    for (
        appointment_id,
        patient_id,
        name,
        account_no,
        column,
        type_name,
        starts_at,
        status,
        since,
        arrived,
        checked_out,
        owed,
        sheet,
    ) in rows:
        since = since or starts_at
        waiting = status in IN_OFFICE or status == "checked_out"
        wait = minutes(arrived, checked_out if status == "checked_out" else None)
        board.append(
            FlowRow(
                appointment_id=appointment_id,
                patient_id=patient_id,
                patient_name=name,
                account_no=account_no,
                resource_name=column,
                type_name=type_name,
                starts_at=starts_at,
                status=status,
                since=since,
                in_status_minutes=minutes(since),
                wait_minutes=wait if waiting and arrived else None,
                over_threshold=status in IN_OFFICE and arrived is not None and wait > alert,
                balance=Money(owed),
                fee_sheet=sheet or "none",
            )
        )
    return board


# -- check-in ----------------------------------------------------------------------------------


def parse_verified_on(desk: Desk, text: str) -> dt.date:
    """The date an insurance card was checked (today when empty; MM/DD alone is the
    nearest such day); not in the future."""
    from frontdesk.services.schedule import check_reach, read_date

    today = desk.clock.business_date()
    if not (text or "").strip():
        return today
    day = read_date(text, "date the card was checked", today=today)
    if day > today:
        raise Invalid("The card cannot have been checked on a day still to come.")
    check_reach(day, today, "date the card was checked", years_back=1)
    return day


def current_insurance(desk: Desk, patient_id: int) -> InsuranceCard | None:
    """The patient's insurance card on file, if any."""
    from frontdesk.data.money_models import InsuranceCard

    row = desk.db.execute(
        "SELECT id, patient_id, payer, member_id, group_no, verified_on, recorded_at"
        " FROM insurance_cards WHERE patient_id = ? AND active = 1 ORDER BY id DESC LIMIT 1",
        (patient_id,),
    ).fetchone()
    if row is None:
        return None
    return InsuranceCard(
        id=row[0],
        patient_id=row[1],
        payer=row[2],
        member_id=row[3],
        group_no=row[4],
        verified_on=row[5],
        recorded_at=row[6],
    )


def record_insurance(
    desk: Desk,
    patient_id: int,
    payer: str,
    member_id: str,
    *,
    group_no: str = "",
    verified_on: dt.date | None = None,
) -> InsuranceCard:
    """Put the patient's insurance card on file (payer, member id, group, the day it was
    checked; no eligibility call). The card it replaces stays, inactive."""
    desk.require_role(MONEY_ROLES, "record insurance cards")
    payer = one_line(payer, "payer", max_length=60, required=True)
    member_id = one_line(member_id, "member id", max_length=30, required=True)
    group_no = one_line(group_no, "group number", max_length=30)
    verified_on = verified_on or desk.clock.business_date()
    if verified_on > desk.clock.business_date():
        raise Invalid("The card cannot have been checked on a day still to come.")
    with desk.writing():
        patients.require_active(desk, patient_id, "record their insurance")
        on_file = current_insurance(desk, patient_id)
        same = on_file is not None and (on_file.payer, on_file.member_id, on_file.group_no) == (
            payer,
            member_id,
            group_no,
        )
        if same and on_file.verified_on >= verified_on:
            return on_file
        desk.db.execute(
            "UPDATE insurance_cards SET active = 0 WHERE patient_id = ? AND active = 1",
            (patient_id,),
        )
        card_id = desk.db.execute(
            "INSERT INTO insurance_cards (patient_id, payer, member_id, group_no, verified_on,"
            " recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                patient_id,
                payer,
                member_id,
                group_no,
                verified_on.isoformat(),
                desk.actor.staff_id if desk.actor else None,
                desk.clock.stamp(),
            ),
        ).lastrowid
        audit.record(
            desk, "insurance recorded", "insurance_cards", card_id, f"patient {patient_id}"
        )
        return current_insurance(desk, patient_id)  # type: ignore[return-value]


def _appointment(desk: Desk, appointment_id: int) -> tuple[int, str]:
    row = desk.db.execute(
        "SELECT patient_id, status FROM appointments WHERE id = ?", (appointment_id,)
    ).fetchone()
    if row is None:
        raise NotFound("That appointment is not on the book.")
    return row


def check_in(
    desk: Desk,
    appointment_id: int,
    *,
    contact: PatientDraft | None = None,
    original: Patient | None = None,
    insurance: tuple[str, str, str, dt.date] | None = None,
    collect: str | None = None,
    tenders: tuple[Tender, ...] | list[Tender] = (),
    key: str = "",
) -> tuple[Appointment, Posting | None]:
    """Check a patient in, in one transaction: the demographics as confirmed (edits
    audited by field), the insurance card (payer, member id, group, verified on), a
    co-pay (`collect="copay"`, held against the visit) or a deposit (`"deposit"`,
    held as credit), and the appointment marked arrived now. A second submit of the
    same screen (`key`) changes nothing more. Returns the appointment and the posting."""
    from frontdesk.services.book import get_appointment

    desk.require_role(MONEY_ROLES, "check patients in")
    if collect not in (None, "copay", "deposit"):
        raise Invalid("Collect a co-pay or a deposit.")
    if collect and not tenders:
        raise Invalid("Add how the patient pays.")
    if collect:
        key = check_key(key)
        check_tenders(desk, tenders)
    with desk.writing():
        patient_id, status = _appointment(desk, appointment_id)
        replay = bool(collect) and existing_posting(desk, key) is not None
        if status not in ("booked", "confirmed", *IN_OFFICE) and not replay:
            raise Conflict(
                f"This appointment is {STATUS_WORDS.get(status, status)}; it cannot be checked in."
            )
        # A replay of the same screen changed these the first time: writing them again
        # would clash with itself (update_patient sees its own change as someone else's).
        if contact is not None and not replay:
            patients.update_patient(desk, patient_id, contact, original=original)
        if insurance is not None and not replay:
            payer, member_id, group_no, verified_on = insurance
            record_insurance(
                desk, patient_id, payer, member_id, group_no=group_no, verified_on=verified_on
            )
        posting = None
        if collect == "copay":
            posting = post_payment(
                desk, patient_id, tenders, key, appointment_id=appointment_id, note="co-pay"
            )
        elif collect == "deposit":
            posting = post_deposit(desk, patient_id, tenders, key, note="deposit at check-in")
        if status in ("booked", "confirmed"):
            appointment_status.move_status(desk, appointment_id, "arrived", "checked in")
    return get_appointment(desk, appointment_id), posting


# -- check-out ---------------------------------------------------------------------------------


def check_out(
    desk: Desk,
    checkout: Checkout,
    *,
    approver: Actor | None = None,
    approval_reason: str = "",
) -> Posting:
    """Complete a visit in one transaction: its fee sheet finalized (a line that needs
    a manager, approved), a charge per line, retail stock taken out, each tender paid
    (no more than is due after the charges), the appointment checked out (setting up
    its type's recall) and the receipt queued. The same idempotency key again returns
    the first posting. A visit with no charge needs the reason. The approving manager's
    reason, if given, is kept in the audit trail."""
    from frontdesk.services.receipts import finish_posting, posting_result

    desk.require_role(MONEY_ROLES, "check patients out")
    key = check_key(checkout.idempotency_key)
    priced = fee_sheets.price_lines(desk, checkout.lines)
    tenders = check_tenders(desk, checkout.tenders)
    reason = one_line(checkout.no_charge_reason, "reason for no charge", max_length=80)
    approval_reason = one_line(approval_reason, "reason for the approval", max_length=80)
    if not priced and not reason:
        raise Invalid("Add the visit's services and products, or say why there is no charge.")
    with desk.writing():
        found = existing_posting(desk, key)
        if found is not None:
            return posting_result(desk, found, replayed=True)
        patient_id, status = _appointment(desk, checkout.appointment_id)
        if status not in IN_OFFICE:
            raise Conflict(
                f"This appointment is {STATUS_WORDS.get(status, status)}; only a patient "
                "who is in the office can be checked out."
            )
        why = fee_sheets.approval_needed(priced)
        encounter_id = fee_sheets.open_encounter(
            desk, checkout.appointment_id, priced, approver=approver, audited=False
        )
        writer = PostingWriter(desk, "checkout", key, patient_id=patient_id)
        writer.encounter_id = encounter_id
        if why:
            from frontdesk.services.ledger import manager_approval

            writer.approver_id = manager_approval(desk, approver, why)
        writer.open()
        provider = desk.db.execute(
            "SELECT provider_id FROM encounters WHERE id = ?", (encounter_id,)
        ).fetchone()[0]
        charge_ids = [
            row[0]
            for row in desk.db.execute(
                "SELECT id FROM charges WHERE encounter_id = ? ORDER BY line_no", (encounter_id,)
            )
        ]
        for line, charge_id in zip(priced, charge_ids, strict=True):
            if line.total:
                writer.add(
                    "charge",
                    "patient",
                    line.total,
                    charge_id=charge_id,
                    appointment_id=checkout.appointment_id,
                    provider_id=line.provider_id or provider,
                )
            if line.item_id is not None:
                desk.db.execute(
                    "INSERT INTO stock_moves (item_id, at, quantity, reason, charge_id,"
                    " staff_id, workstation) VALUES (?, ?, ?, 'sale', ?, ?, ?)",
                    (
                        line.item_id,
                        writer.at,
                        -line.quantity,
                        charge_id,
                        desk.actor.staff_id if desk.actor else None,
                        desk.workstation,
                    ),
                )
        due = balance(desk, patient_id)
        paid = sum((t.amount for t in tenders), Money(0))
        if paid > max(due, Money(0)):
            raise Conflict(f"The payments ({paid}) are more than what is due ({due}).")
        post_tenders(writer, patient_id, tenders, appointment_id=checkout.appointment_id)
        desk.db.execute(
            "UPDATE encounters SET status = 'finalized', no_charge_reason = ?,"
            " finalized_by = ?, finalized_at = ? WHERE id = ?",
            (
                reason if not priced else "",
                desk.actor.staff_id if desk.actor else None,
                writer.at,
                encounter_id,
            ),
        )
        appointment_status.move_status(desk, checkout.appointment_id, "checked_out")
        total = sum((line.total for line in priced), Money(0))
        writer.audit(
            "checkout posted",
            f"appt {checkout.appointment_id}: charges {total.cents}, paid {paid.cents}"
            + (f"; approved: {approval_reason}" if why and approval_reason else ""),
        )
        return finish_posting(desk, writer)
