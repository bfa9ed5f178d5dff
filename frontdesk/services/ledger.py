"""The ledger: append-only money entries, grouped in postings, on three kinds of account.

A patient's balance (`patient`: charges and refunds +, payments and adjustments -), the
credit held for a patient from deposits (`credit`: deposits -, applied +) and a gift
card's value (`gift_card`: sold -, redeemed +). Every balance is the sum of its entries;
nothing is ever changed or removed (the database's triggers refuse it): a mistake is put
right by a reversal. A posting is one submit of a money screen; its idempotency key,
made when the screen opened, makes a second submit (a double Enter, a retry, another
session with the same screen) return the first posting instead of posting again.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from frontdesk.data.money import Money
from frontdesk.errors import AccessDenied, Conflict, Invalid
from frontdesk.services import audit

if TYPE_CHECKING:
    from frontdesk.data.models import Actor
    from frontdesk.data.money_models import LedgerEntry
    from frontdesk.services.context import Desk

__all__ = [
    "MONEY_ROLES",
    "NeedsApproval",
    "PostingWriter",
    "balance",
    "card_parts",
    "card_reference",
    "check_key",
    "credit",
    "ensure_open_day",
    "entries_of_posting",
    "entry",
    "existing_posting",
    "gift_card_balance",
    "is_closed",
    "manager_approval",
    "new_key",
    "receipt_number",
    "refundable",
    "still_a_manager",
]

#: Who takes money at the desk.
MONEY_ROLES = ("receptionist", "manager")

_ENTRY_COLUMNS = (
    "id, posting_id, kind, account, patient_id, gift_card_id, amount_cents, method,"
    " reference, card_brand, tendered_cents, change_cents, encounter_id, charge_id,"
    " appointment_id, refunds_id, reverses_id, reason, note, business_date, at, staff_id,"
    " workstation, approver_id"
)


class NeedsApproval(AccessDenied):
    """A manager must approve this (signed in, or by username and PIN at this desk)."""


# -- who may --------------------------------------------------------------------------------


def still_a_manager(desk: Desk, approver: Actor) -> bool:
    """Whether `approver` is, in this transaction, an active manager login (an approval
    given a moment ago does not outlive a deactivation or a change of role)."""
    row = desk.db.execute(
        "SELECT role, active FROM staff WHERE id = ?", (approver.staff_id,)
    ).fetchone()
    return row is not None and row[0] == "manager" and bool(row[1])


def manager_approval(desk: Desk, approver: Actor | None, doing: str) -> int | None:
    """The staff id of the manager answering for `doing`: the signed-in manager, or the
    manager who approved at this desk (`auth.approve`); None for the shell. Raises
    NeedsApproval when neither is a current, active manager."""
    if desk.shell:
        return None
    actor = desk.require_actor()
    if actor.is_manager and still_a_manager(desk, actor):
        return actor.staff_id
    if approver is not None and approver.is_manager and still_a_manager(desk, approver):
        return approver.staff_id
    raise NeedsApproval(f"A manager must approve {doing}: their username and PIN.")


# -- keys, days and numbers ------------------------------------------------------------------


def new_key() -> str:
    """A posting's idempotency key, made when its screen opens: 32 hex digits, the time
    in milliseconds then 80 random bits. Keys made later sort later, so the ledger's
    key index grows at its end instead of being written all over."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


def check_key(key: str) -> str:
    """An idempotency key as the screen made it (`new_key`), or Invalid."""
    key = (key or "").strip()
    if not 8 <= len(key) <= 64 or not all(ch.isalnum() or ch in "-_:" for ch in key):
        raise Invalid("This screen lost its posting number; close it and open it again.")
    return key


def existing_posting(desk: Desk, key: str) -> int | None:
    """The posting made with `key` already, if any (inside the caller's transaction)."""
    row = desk.db.execute("SELECT id FROM postings WHERE idempotency_key = ?", (key,)).fetchone()
    return row[0] if row else None


def is_closed(desk: Desk, day: dt.date) -> bool:
    row = desk.db.execute(
        "SELECT 1 FROM day_closes WHERE business_date = ?", (day.isoformat(),)
    ).fetchone()
    return row is not None


def ensure_open_day(desk: Desk, day: dt.date) -> None:
    """Conflict when the business date `day` has been closed (a closed day takes no entry;
    a correction is posted on an open day and names the original)."""
    if is_closed(desk, day):
        if day == desk.clock.business_date():  # signed off early, or while this was typed
            raise Conflict(
                f"Today's books ({day:%a %m/%d/%Y}) are closed: the day was signed off, "
                "and this was not posted. New entries go on tomorrow's date."
            )
        raise Conflict(
            f"The books for {day:%a %m/%d/%Y} are closed; nothing more can be posted to "
            "that day. Post a correction today instead."
        )


def card_reference(last4: str, code: str) -> str:
    """What a card entry keeps as its reference: the card's last 4 and the terminal's
    approval (or refund approval) code."""
    return f"{last4} {code}".strip()


def card_parts(reference: str) -> tuple[str, str]:
    """The last 4 and the terminal's code of a card entry's reference (either may be
    missing: a refund to a card the payment was not made with has only its code)."""
    first, _, rest = (reference or "").partition(" ")
    if rest or (len(first) == 4 and first.isdigit()):
        return first, rest
    return "", first


def receipt_number(posting_id: int) -> str:
    """The number printed on a posting's receipt."""
    return f"R{posting_id:07d}"


# -- balances ---------------------------------------------------------------------------------


def balance(desk: Desk, patient_id: int) -> Money:
    """What the patient owes (negative: the practice owes them)."""
    (cents,) = desk.db.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM ledger"
        " WHERE patient_id = ? AND account = 'patient'",
        (patient_id,),
    ).fetchone()
    return Money(cents)


def credit(desk: Desk, patient_id: int) -> Money:
    """The credit held for the patient from deposits, not yet applied or refunded."""
    (cents,) = desk.db.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM ledger"
        " WHERE patient_id = ? AND account = 'credit'",
        (patient_id,),
    ).fetchone()
    return Money(-cents)


def gift_card_balance(desk: Desk, gift_card_id: int) -> Money:
    (cents,) = desk.db.execute(
        "SELECT coalesce(sum(amount_cents), 0) FROM ledger"
        " WHERE gift_card_id = ? AND account = 'gift_card'",
        (gift_card_id,),
    ).fetchone()
    return Money(-cents)


def _entry(row: tuple) -> LedgerEntry:
    from frontdesk.data.money_models import LedgerEntry

    (
        entry_id,
        posting_id,
        kind,
        account,
        patient_id,
        gift_card_id,
        amount,
        method,
        reference,
        card_brand,
        tendered,
        change,
        encounter_id,
        charge_id,
        appointment_id,
        refunds_id,
        reverses_id,
        reason,
        note,
        business_date,
        at,
        staff_id,
        workstation,
        approver_id,
    ) = row
    return LedgerEntry(
        id=entry_id,
        posting_id=posting_id,
        kind=kind,
        account=account,
        patient_id=patient_id,
        gift_card_id=gift_card_id,
        amount=Money(amount),
        method=method,
        reference=reference,
        card_brand=card_brand,
        tendered=None if tendered is None else Money(tendered),
        change=None if change is None else Money(change),
        encounter_id=encounter_id,
        charge_id=charge_id,
        appointment_id=appointment_id,
        refunds_id=refunds_id,
        reverses_id=reverses_id,
        reason=reason,
        note=note,
        business_date=dt.date.fromisoformat(business_date),
        at=at,
        staff_id=staff_id,
        workstation=workstation,
        approver_id=approver_id,
    )


def entry(desk: Desk, entry_id: int) -> LedgerEntry | None:
    row = desk.db.execute(
        f"SELECT {_ENTRY_COLUMNS} FROM ledger WHERE id = ?", (entry_id,)
    ).fetchone()
    return _entry(row) if row else None


def entries_of_posting(desk: Desk, posting_id: int) -> list[LedgerEntry]:
    rows = desk.db.execute(
        f"SELECT {_ENTRY_COLUMNS} FROM ledger WHERE posting_id = ? ORDER BY id", (posting_id,)
    ).fetchall()
    return [_entry(row) for row in rows]


def entries_where(desk: Desk, where: str, parameters: tuple = ()) -> list[LedgerEntry]:
    rows = desk.db.execute(f"SELECT {_ENTRY_COLUMNS} FROM ledger {where}", parameters).fetchall()
    return [_entry(row) for row in rows]


def refundable(desk: Desk, entry_id: int) -> Money:
    """What is left to refund of a payment or deposit: what came in, less the refunds
    made from it that stand (a voided refund gives its amount back); nothing once the
    payment itself was voided. Of a deposit, no more than the credit still held (credit
    applied to a visit is spent)."""
    row = desk.db.execute(
        "SELECT kind, amount_cents, method, patient_id FROM ledger WHERE id = ?", (entry_id,)
    ).fetchone()
    if row is None or row[0] not in ("payment", "deposit") or row[2] == "credit":
        return Money(0)
    if desk.db.execute("SELECT 1 FROM ledger WHERE reverses_id = ?", (entry_id,)).fetchone():
        return Money(0)
    (refunded,) = desk.db.execute(
        "SELECT coalesce(sum(r.amount_cents), 0) FROM ledger r WHERE r.refunds_id = ?"
        " AND r.kind = 'refund' AND r.account = ?"
        " AND NOT EXISTS (SELECT 1 FROM ledger v WHERE v.reverses_id = r.id)",
        (entry_id, "credit" if row[0] == "deposit" else "patient"),
    ).fetchone()
    left = Money(-row[1] - refunded)
    if row[0] == "deposit":
        left = min(left, credit(desk, row[3]))
    return max(left, Money(0))


# -- writing a posting -------------------------------------------------------------------------


@dataclass
class PostingWriter:
    """Writes one posting and its entries inside the caller's write transaction.

    `open()` refuses a closed business date; each `add()` appends an entry with the
    posting's date, staff, workstation and approver, keyed `<posting key>:<n>` (the
    ledger's UNIQUE idempotency key).
    """

    desk: Desk
    kind: str
    key: str
    patient_id: int | None = None
    encounter_id: int | None = None
    approver_id: int | None = None
    note: str = ""
    posting_id: int = 0
    business_date: dt.date = field(default_factory=lambda: dt.date.min)
    at: str = ""
    count: int = 0
    #: The drawer session of this workstation, looked up once (0: not yet).
    drawer_session: int | None = 0

    def open(self) -> int:
        """Insert the posting, dated now: its entries all carry this one instant."""
        desk = self.desk
        self.business_date = desk.clock.business_date()
        ensure_open_day(desk, self.business_date)
        self.at = desk.clock.stamp()
        self.posting_id = desk.db.execute(
            "INSERT INTO postings (idempotency_key, kind, patient_id, encounter_id,"
            " business_date, at, staff_id, workstation, approver_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.key,
                self.kind,
                self.patient_id,
                self.encounter_id,
                self.business_date.isoformat(),
                self.at,
                desk.actor.staff_id if desk.actor else None,
                desk.workstation,
                self.approver_id,
            ),
        ).lastrowid
        return self.posting_id

    def add(
        self,
        kind: str,
        account: str,
        amount: Money,
        *,
        patient_id: int | None = None,
        gift_card_id: int | None = None,
        method: str | None = None,
        reference: str = "",
        card_brand: str = "",
        tendered: Money | None = None,
        change: Money | None = None,
        encounter_id: int | None = None,
        charge_id: int | None = None,
        appointment_id: int | None = None,
        refunds_id: int | None = None,
        reverses_id: int | None = None,
        reason: str = "",
        note: str = "",
        provider_id: int | None = None,
    ) -> int:
        """Append one entry; returns its id."""
        if not self.posting_id:
            raise RuntimeError("open() the posting first")
        if account == "gift_card" and gift_card_id is None:
            raise RuntimeError("a gift card entry needs its card")
        self.count += 1
        desk = self.desk
        drawer_session = None
        if method in ("cash", "check", "card"):
            if self.drawer_session == 0 or (self.drawer_session is None and method != "card"):
                from frontdesk.services.drawers import posting_session

                self.drawer_session = posting_session(desk, method)
            drawer_session = self.drawer_session
        return desk.db.execute(
            f"INSERT INTO ledger ({_ENTRY_COLUMNS.replace('id, posting_id', 'posting_id', 1)},"
            " idempotency_key, provider_id, drawer_session_id)"
            f" VALUES ({', '.join('?' * 26)})",
            (
                self.posting_id,
                kind,
                account,
                self.patient_id if patient_id is None and account != "gift_card" else patient_id,
                gift_card_id,
                amount.cents,
                method,
                reference,
                card_brand,
                None if tendered is None else tendered.cents,
                None if change is None else change.cents,
                encounter_id if encounter_id is not None else self.encounter_id,
                charge_id,
                appointment_id,
                refunds_id,
                reverses_id,
                reason,
                note or self.note,
                self.business_date.isoformat(),
                self.at,
                desk.actor.staff_id if desk.actor else None,
                desk.workstation,
                self.approver_id,
                f"{self.key}:{self.count}",
                provider_id,
                drawer_session,
            ),
        ).lastrowid

    def audit(self, action: str, summary: str = "") -> None:
        """The posting's audit row (ids and amounts only)."""
        audit.record(self.desk, action, "postings", self.posting_id, summary)
