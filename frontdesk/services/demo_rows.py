"""The demo money history's rows, column for column as the services write them: ids,
idempotency keys, postings and their ledger entries, fee sheets; and their bulk write,
a chunk at a time, while the next chunk is made.

A nullable column is carried as a stand-in (0, "" or -1) turned back into NULL by the
bulk insert: binding None costs pysqlite3 ~2.5 us a value, as much as the rest of a row.
"""

from __future__ import annotations

import queue
import random
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from frontdesk.services.demo_days import BACK, FRONT, Calendar, Day

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = ["DRAWER_DESKS", "Posting", "Rows"]


def _columns(names: str) -> list[str]:
    return names.split()


# The columns of each table the history writes, in the order its rows hold them.
_COLUMNS = {
    "gift_cards": _columns("id code purchaser_id recipient sold_at sold_by"),
    "charges": _columns(
        "id encounter_id line_no kind fee_id item_id code description receipt_text quantity"
        " list_price_cents unit_price_cents discount_cents discount_reason taxable tax_cents"
        " total_cents provider_id approver_id created_by created_at"
    ),
    "encounters": _columns(
        "id patient_id appointment_id provider_id business_date status no_charge_reason"
        " opened_by opened_at finalized_by finalized_at"
    ),
    "postings": _columns(
        "id idempotency_key kind patient_id encounter_id business_date at staff_id"
        " workstation approver_id"
    ),
    "ledger": _columns(
        "id posting_id idempotency_key kind account patient_id gift_card_id amount_cents"
        " method reference card_brand tendered_cents change_cents encounter_id charge_id"
        " appointment_id refunds_id reverses_id reason note provider_id business_date at"
        " staff_id workstation approver_id drawer_session_id"
    ),
    "stock_moves": _columns("id item_id at quantity reason charge_id note staff_id workstation"),
    "print_jobs": _columns(
        "id printer workstation kind posting_id payload status reprint attempts last_error"
        " created_at printed_at kick"
    ),
}
_NULL_AS: dict[str, object] = {
    **dict.fromkeys(("purchaser_id", "sold_by", "fee_id", "item_id", "provider_id"), 0),
    **dict.fromkeys(("approver_id", "patient_id", "encounter_id", "gift_card_id"), 0),
    **dict.fromkeys(("charge_id", "appointment_id", "refunds_id", "reverses_id"), 0),
    "drawer_session_id": 0,
    **dict.fromkeys(("tendered_cents", "change_cents"), -1),
    **dict.fromkeys(("method", "printed_at"), ""),
}
# Parents before children. A fee sheet goes in open and is finalized once its lines are in
# (the database refuses a line on a finalized sheet), as check-out does.
_WRITE_ORDER = ("gift_cards", "encounters", "charges", "postings", "ledger", "stock_moves")
_WRITE_ORDER += ("print_jobs",)
_MASK62 = (1 << 62) - 1
#: The workstations with a cash drawer.
DRAWER_DESKS = (FRONT, BACK)


class _Stopped(Exception):
    """The writing thread failed: the generator stops."""


class Posting:
    """A posting being written: its id and key, and what each of its entries repeats."""

    __slots__ = ("approver", "day", "id", "key", "patient", "s", "staff", "stamp", "workstation")

    def __init__(
        self,
        id_: int,
        key: str,
        day: Day,
        s: int,
        staff: int,
        workstation: str,
        patient: int,
        approver: int,
    ) -> None:
        self.id, self.key, self.day, self.s, self.stamp = id_, key, day, s, day.stamp(s)
        self.staff, self.workstation = staff, workstation
        self.patient, self.approver = patient, approver


class Rows(Calendar):
    """The rows made so far (taken a chunk at a time), the next id of each table and the
    balances the ledger holds so far, by account (signed cents, as the ledger sums)."""

    def __init__(self, desk: Desk, rng: random.Random, days: list[Day]) -> None:
        super().__init__(desk, rng, days)
        self.db = desk.db
        self.next = {
            table: self.db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0] + 1
            for table in _COLUMNS
        }
        self.rows: dict[str, list[tuple]] = {table: [] for table in _COLUMNS}
        self.balance: dict[int, int] = {}
        self.credit: dict[int, int] = {}
        self.card_value: dict[int, int] = {}
        # The drawer session of each (day, workstation), opened when it first takes money.
        self.drawer_sessions: dict[tuple[int, str], int] = {}
        self.next["drawer_sessions"] = (
            self.db.execute("SELECT coalesce(max(id), 0) FROM drawer_sessions").fetchone()[0] + 1
        )
        # Each posting as the service call that makes it, for the test replaying them.
        self.record: list[tuple] | None = None

    def _id(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value

    def _key(self, day: Day, s: int) -> str:
        """A screen's idempotency key: a UUID (version 7, time-ordered, so that the bulk
        insert appends to the key indexes)."""
        ms = (day.epoch0 + s) * 1000
        bits = self.rng.getrandbits(74)
        return f"{ms:012x}7{bits >> 62:03x}{(2 << 62) | (bits & _MASK62):016x}"

    def _record_call(self, *op: object) -> None:
        """Record `op` for the replaying test: a service call or a receipt printed."""
        if self.record is not None:
            self.record.append(op)

    def _record_posting(self, kind: str, p: Posting, *args: object) -> None:
        """Record posting `p` as the call of service `kind` with `args`."""
        self._record_call(kind, p.day.epoch0 + p.s, p.staff, p.workstation, *args)

    def _posting(
        self,
        kind: str,
        day: Day,
        s: int,
        staff: int,
        workstation: str,
        patient: int | None,
        *,
        encounter: int = 0,
        approver: int = 0,
    ) -> Posting:
        if workstation in DRAWER_DESKS and (day.index, workstation) not in self.drawer_sessions:
            # The desk's drawer is opened with its float before it first takes money.
            self.drawer_sessions[(day.index, workstation)] = self._id("drawer_sessions")
            self._record_call("open_drawer", day.epoch0 + s, staff, workstation)
        posting, key = self._id("postings"), self._key(day, s)
        p = Posting(posting, key, day, s, staff, workstation, patient or 0, approver)
        self.rows["postings"].append(
            (p.id, p.key, kind, p.patient, encounter, day.iso, p.stamp, staff, workstation,
             approver)
        )  # fmt: skip
        return p

    def _entry(
        self,
        p: Posting,
        n: int,
        kind: str,
        account: str,
        amount: int,
        *,
        gift_card: int = 0,
        method: str = "",
        reference: str = "",
        brand: str = "",
        tendered: int = -1,
        change: int = -1,
        encounter: int = 0,
        charge: int = 0,
        appointment: int = 0,
        refunds: int = 0,
        reverses: int = 0,
        reason: str = "",
        note: str = "",
    ) -> int:
        """Ledger entry `n` of posting `p`, and the balance it moves."""
        entry = self._id("ledger")
        patient = p.patient
        drawer = 0
        if method in ("cash", "check", "card"):
            drawer = self.drawer_sessions.get((p.day.index, p.workstation), 0)
        self.rows["ledger"].append(
            (entry, p.id, f"{p.key}:{n}", kind, account, patient, gift_card, amount, method,
             reference, brand, tendered, change, encounter, charge, appointment, refunds,
             reverses, reason, note, 0, p.day.iso, p.stamp, p.staff, p.workstation, p.approver,
             drawer)
        )  # fmt: skip
        if account == "patient":
            self.balance[patient] = self.balance.get(patient, 0) + amount
        elif account == "credit":
            self.credit[patient] = self.credit.get(patient, 0) + amount
        else:
            self.card_value[gift_card] = self.card_value.get(gift_card, 0) + amount
        return entry

    def _encounter(
        self, day: Day, stamp: str, staff: int, patient: int, appointment: int, provider: int
    ) -> int:
        """A visit's fee sheet, opened and finalized at `stamp` (as check-out does)."""
        encounter = self._id("encounters")
        self.rows["encounters"].append(
            (encounter, patient, appointment, provider, day.iso, "finalized", "", staff, stamp,
             staff, stamp)
        )  # fmt: skip
        return encounter

    # -- the bulk write --------------------------------------------------------------------------

    def _take_rows(self) -> dict[str, list[tuple]]:
        rows = self.rows
        self.rows = {table: [] for table in _COLUMNS}
        return rows

    def _write(self, generate: Callable[[Callable[[], None]], None]) -> None:
        """Run `generate(hand_over)` in a thread and write each chunk of rows it hands
        over (each chunk's INSERT ... SELECT runs without the GIL while the next chunk is
        made)."""
        db = self.db
        saved = {}
        for pragma, value in (("main.cache_size", -262_144), ("temp.cache_size", -131_072)):
            saved[pragma] = db.execute(f"PRAGMA {pragma}").fetchone()[0]
            db.execute(f"PRAGMA {pragma} = {value}")
        # The rows are checked by tests/unit/test_demo_money.py (replayed through the
        # services, and PRAGMA integrity_check, which checks every CHECK constraint);
        # skipping the checks here saves a fifth of the large demo's insert time.
        db.execute("PRAGMA ignore_check_constraints = ON")
        chunks: queue.Queue = queue.Queue(maxsize=1)
        resume = threading.Event()
        stop = threading.Event()

        def hand_over() -> None:
            chunks.put(self._take_rows())
            resume.wait()
            resume.clear()
            if stop.is_set():
                raise _Stopped

        def run() -> None:
            try:
                generate(hand_over)
                chunks.put(self._take_rows())
                chunks.put(None)
            except _Stopped:
                pass
            except BaseException as error:  # handed to the writing thread, raised there
                chunks.put(error)

        worker = threading.Thread(target=run, name="demo money", daemon=True)
        worker.start()
        try:
            while (chunk := chunks.get()) is not None:
                if isinstance(chunk, BaseException):
                    raise chunk
                self._load(chunk)  # the generator waits meanwhile: binding needs the GIL
                resume.set()
                self._insert(chunk)
        except BaseException:
            stop.set()
            resume.set()
            raise
        finally:
            worker.join(timeout=5)
            db.execute("PRAGMA ignore_check_constraints = OFF")
            for table in _COLUMNS:
                db.execute(f"DROP TABLE IF EXISTS temp.demo_{table}")
            for pragma, value in saved.items():
                db.execute(f"PRAGMA {pragma} = {value}")

    def _load(self, chunk: dict[str, list[tuple]]) -> None:
        """The chunk's rows into temp tables (no constraints, no indexes)."""
        db = self.db
        for table in _WRITE_ORDER:
            rows = chunk[table]
            if rows:
                columns = _COLUMNS[table]
                db.execute(f"CREATE TEMP TABLE IF NOT EXISTS demo_{table} ({', '.join(columns)})")
                db.conn.executemany(
                    f"INSERT INTO temp.demo_{table} VALUES ({', '.join('?' * len(columns))})",
                    rows,
                )

    def _insert(self, chunk: dict[str, list[tuple]]) -> None:
        """The temp tables into the practice's, one statement a table (a CHECK's IN list
        is built once a statement, not once a row as executemany would)."""
        db = self.db
        for table in _WRITE_ORDER:
            rows = chunk[table]
            if not rows:
                continue
            columns = _COLUMNS[table]
            values = ", ".join(
                "'open'"
                if table == "encounters" and c == "status"
                else f"NULLIF({c}, {_NULL_AS[c]!r})"
                if c in _NULL_AS
                else c
                for c in columns
            )
            db.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM temp.demo_{table}"
            )
            db.execute(f"DELETE FROM temp.demo_{table}")
        encounters = chunk["encounters"]
        if encounters:  # finalized once their lines are in
            db.execute(
                "UPDATE encounters SET status = 'finalized' WHERE id BETWEEN ? AND ?",
                (encounters[0][0], encounters[-1][0]),
            )
