"""The schema as numbered migrations (run by sqlite-utils `Migrations`), and opening a
file safely.

Every schema change is a new migration appended to `MIGRATIONS`; never edit an applied
one. Tables are STRICT; table names are a contract (reports and people using sqlite-utils
rely on them). Which migrations a file has is read with plain SQL, so opening an
up-to-date file does not load sqlite-utils.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from frontdesk.data.db import FrontDeskDatabase, connect, set_journal_mode, sqlite3, write
from frontdesk.errors import DatabaseProblem

if TYPE_CHECKING:
    from sqlite_utils.migrations import Migrations

__all__ = [
    "MIGRATIONS",
    "MIGRATION_SET",
    "SCHEMA_VERSION",
    "SchemaState",
    "migrate",
    "migrations",
    "open_database",
    "state",
]

MIGRATION_SET = "frontdesk"
#: (name, step over a sqlite-utils Database), in the order they apply.
MIGRATIONS: list[tuple[str, Callable[[Any], None]]] = []


def migration(name: str) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register the decorated function as the next migration, called `name`."""

    def register(step: Callable[[Any], None]) -> Callable[[Any], None]:
        MIGRATIONS.append((name, step))
        return step

    return register


def migrations() -> Migrations:
    """The steps as a sqlite-utils migration set."""
    from sqlite_utils.migrations import Migrations

    steps = Migrations(MIGRATION_SET)
    for name, step in MIGRATIONS:
        steps(name=name)(step)
    return steps


def _run(db: Any, *statements: str) -> None:
    # One statement at a time: executescript() would commit the migration's transaction.
    for statement in statements:
        db.execute(statement)


@migration("0001_foundation")
def _foundation(db: Any) -> None:
    _run(
        db,
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE staff (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL COLLATE NOCASE UNIQUE,
            full_name TEXT NOT NULL,
            credentials TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL
                CHECK (role IN ('receptionist', 'manager', 'provider', 'clinical')),
            password_hash TEXT NOT NULL,
            pin_hash TEXT,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            last_login_at TEXT
        ) STRICT""",
        """CREATE TABLE patients (
            id INTEGER PRIMARY KEY,
            account_no TEXT NOT NULL UNIQUE,
            first_name TEXT NOT NULL,
            middle_name TEXT NOT NULL DEFAULT '',
            last_name TEXT NOT NULL,
            preferred_name TEXT NOT NULL DEFAULT '',
            dob TEXT NOT NULL,
            sex TEXT NOT NULL DEFAULT '' CHECK (sex IN ('', 'F', 'M', 'X')),
            phone TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            address1 TEXT NOT NULL DEFAULT '',
            address2 TEXT NOT NULL DEFAULT '',
            city TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT '',
            postal_code TEXT NOT NULL DEFAULT '',
            preferred_contact TEXT NOT NULL DEFAULT 'phone'
                CHECK (preferred_contact IN ('phone', 'text', 'email', 'mail')),
            notes TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX patients_name ON patients (last_name, first_name)",
        "CREATE INDEX patients_dob ON patients (dob)",
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            staff_id INTEGER REFERENCES staff (id),
            workstation TEXT NOT NULL,
            action TEXT NOT NULL,
            table_name TEXT NOT NULL DEFAULT '',
            record_id INTEGER,
            summary TEXT NOT NULL DEFAULT '',
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX audit_log_record ON audit_log (table_name, record_id)",
        "CREATE INDEX audit_log_staff ON audit_log (staff_id, at)",
        """CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        """CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        # The chain's head, so that removing the newest rows is found too.
        """CREATE TABLE audit_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last_id INTEGER NOT NULL,
            last_hash TEXT NOT NULL
        ) STRICT""",
    )


_DIGITS = (
    "replace(replace(replace(replace(replace(replace(phone, '(', ''), ')', ''), '-', ''),"
    " ' ', ''), '.', ''), '+', '')"
)
# What the look-up index holds for a patient: the names as written, and again with
# apostrophes and hyphens dropped ("O'Brien" is found as "obrien"); the account number
# and the phone's digits, whole and by their last 7 and last 4.
_FTS_NAMES = (
    "new.first_name || ' ' || new.middle_name || ' ' || new.last_name || ' ' ||"
    " new.preferred_name || ' ' ||"
    " replace(replace(replace(new.last_name, char(39), ''), char(8217), ''), '-', '') || ' ' ||"
    " replace(replace(new.first_name, char(39), ''), '-', '')"
)
_FTS_NUMBERS = (
    "new.account_no || ' ' || new.phone_digits || ' ' || substr(new.phone_digits, -7)"
    " || ' ' || substr(new.phone_digits, -4)"
)


@migration("0002_patient_lookup")
def _patient_lookup(db: Any) -> None:
    _run(
        db,
        f"ALTER TABLE patients ADD COLUMN phone_digits TEXT GENERATED ALWAYS AS ({_DIGITS})"
        " VIRTUAL",
        "ALTER TABLE patients ADD COLUMN alerts TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX patients_phone_digits ON patients (phone_digits)",
        "CREATE INDEX patients_account_no ON patients (account_no)",
        """CREATE VIRTUAL TABLE patients_fts USING fts5(
            names, numbers, content='', contentless_delete=1,
            tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
        )""",
        f"""CREATE TRIGGER patients_fts_insert AFTER INSERT ON patients BEGIN
            INSERT INTO patients_fts (rowid, names, numbers)
            VALUES (new.id, {_FTS_NAMES}, {_FTS_NUMBERS});
        END""",
        f"""CREATE TRIGGER patients_fts_update AFTER UPDATE ON patients BEGIN
            DELETE FROM patients_fts WHERE rowid = old.id;
            INSERT INTO patients_fts (rowid, names, numbers)
            VALUES (new.id, {_FTS_NAMES}, {_FTS_NUMBERS});
        END""",
        """CREATE TRIGGER patients_fts_delete AFTER DELETE ON patients BEGIN
            DELETE FROM patients_fts WHERE rowid = old.id;
        END""",
        f"""INSERT INTO patients_fts (rowid, names, numbers)
            SELECT new.id, {_FTS_NAMES}, {_FTS_NUMBERS} FROM patients AS new""",
    )


@migration("0003_appointment_book")
def _appointment_book(db: Any) -> None:
    # Wall-clock hours are minutes after local midnight; instants are UTC ISO strings;
    # dates are local ISO dates (YYYY-MM-DD).
    _run(
        db,
        """CREATE TABLE resources (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE,
            short_name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('provider', 'room')),
            staff_id INTEGER REFERENCES staff (id),
            sort_order INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE resource_hours (
            id INTEGER PRIMARY KEY,
            resource_id INTEGER NOT NULL REFERENCES resources (id),
            weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
            start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
            end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
            CHECK (end_minute > start_minute)
        ) STRICT""",
        "CREATE INDEX resource_hours_resource ON resource_hours (resource_id, weekday)",
        # A day's exception replaces the weekly template for that resource and date; a row
        # with no start is a day off.
        """CREATE TABLE hours_exceptions (
            id INTEGER PRIMARY KEY,
            resource_id INTEGER NOT NULL REFERENCES resources (id),
            day TEXT NOT NULL,
            start_minute INTEGER CHECK (start_minute BETWEEN 0 AND 1439),
            end_minute INTEGER CHECK (end_minute BETWEEN 1 AND 1440),
            note TEXT NOT NULL DEFAULT '',
            CHECK ((start_minute IS NULL AND end_minute IS NULL)
                OR (start_minute IS NOT NULL AND end_minute > start_minute))
        ) STRICT""",
        "CREATE INDEX hours_exceptions_day ON hours_exceptions (day, resource_id)",
        """CREATE TABLE closed_days (
            day TEXT PRIMARY KEY,
            reason TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE blocks (
            id INTEGER PRIMARY KEY,
            resource_id INTEGER NOT NULL REFERENCES resources (id),
            kind TEXT NOT NULL
                CHECK (kind IN ('lunch', 'surgery', 'meeting', 'vacation', 'other')),
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            created_by INTEGER REFERENCES staff (id),
            created_at TEXT NOT NULL,
            removed_at TEXT,
            removed_by INTEGER REFERENCES staff (id),
            CHECK (ends_at > starts_at)
        ) STRICT""",
        "CREATE INDEX blocks_resource ON blocks (resource_id, ends_at)",
        "CREATE INDEX blocks_ends ON blocks (ends_at)",
        """CREATE TABLE appointment_types (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE,
            minutes INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 480),
            colour TEXT NOT NULL DEFAULT 'blue',
            cosmetic INTEGER NOT NULL DEFAULT 0 CHECK (cosmetic IN (0, 1)),
            needs_room INTEGER NOT NULL DEFAULT 0 CHECK (needs_room IN (0, 1)),
            double_book INTEGER NOT NULL DEFAULT 0 CHECK (double_book IN (0, 1)),
            default_fee_codes TEXT NOT NULL DEFAULT '',
            recall_months INTEGER CHECK (recall_months BETWEEN 1 AND 60),
            recall_kind TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT""",
        # Which resources may take a type; none listed means any (of the right kind).
        """CREATE TABLE appointment_type_resources (
            type_id INTEGER NOT NULL REFERENCES appointment_types (id),
            resource_id INTEGER NOT NULL REFERENCES resources (id),
            PRIMARY KEY (type_id, resource_id)
        ) STRICT""",
        """CREATE TABLE appointments (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients (id),
            resource_id INTEGER NOT NULL REFERENCES resources (id),
            type_id INTEGER NOT NULL REFERENCES appointment_types (id),
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'confirmed',
                'arrived', 'roomed', 'with_provider', 'checked_out', 'no_show', 'cancelled')),
            cancel_reason TEXT CHECK (cancel_reason IN ('patient_cancelled', 'late_cancel',
                'practice_cancelled', 'rescheduled')),
            double_booked INTEGER NOT NULL DEFAULT 0 CHECK (double_booked IN (0, 1)),
            override_reason TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            rescheduled_from INTEGER REFERENCES appointments (id),
            booked_by INTEGER REFERENCES staff (id),
            booked_at TEXT NOT NULL,
            workstation TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            CHECK (ends_at > starts_at)
        ) STRICT""",
        "CREATE INDEX appointments_resource ON appointments (resource_id, starts_at)",
        "CREATE INDEX appointments_starts ON appointments (starts_at)",
        "CREATE INDEX appointments_patient ON appointments (patient_id, starts_at)",
        """CREATE TABLE appointment_events (
            id INTEGER PRIMARY KEY,
            appointment_id INTEGER NOT NULL REFERENCES appointments (id),
            at TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            staff_id INTEGER REFERENCES staff (id),
            workstation TEXT NOT NULL DEFAULT ''
        ) STRICT""",
        "CREATE INDEX appointment_events_appointment ON appointment_events (appointment_id, at)",
        """CREATE TRIGGER appointment_events_append_only_update
           BEFORE UPDATE ON appointment_events
           BEGIN SELECT RAISE(ABORT, 'appointment_events is append-only'); END""",
        """CREATE TRIGGER appointment_events_append_only_delete
           BEFORE DELETE ON appointment_events
           BEGIN SELECT RAISE(ABORT, 'appointment_events is append-only'); END""",
        """CREATE TRIGGER appointments_never_deleted BEFORE DELETE ON appointments
           BEGIN SELECT RAISE(ABORT, 'appointments are cancelled, never deleted'); END""",
        """CREATE TABLE waitlist (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients (id),
            type_id INTEGER NOT NULL REFERENCES appointment_types (id),
            resource_id INTEGER REFERENCES resources (id),
            earliest TEXT NOT NULL,
            latest TEXT NOT NULL,
            time_of_day TEXT NOT NULL DEFAULT 'any'
                CHECK (time_of_day IN ('any', 'morning', 'afternoon')),
            notes TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'waiting'
                CHECK (status IN ('waiting', 'booked', 'removed')),
            appointment_id INTEGER REFERENCES appointments (id),
            created_by INTEGER REFERENCES staff (id),
            created_at TEXT NOT NULL,
            closed_at TEXT,
            CHECK (latest >= earliest)
        ) STRICT""",
        "CREATE INDEX waitlist_waiting ON waitlist (status, earliest)",
        "CREATE INDEX waitlist_appointment ON waitlist (appointment_id)",
        """CREATE TABLE recalls (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients (id),
            kind TEXT NOT NULL,
            due_date TEXT NOT NULL,
            type_id INTEGER REFERENCES appointment_types (id),
            notes TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'booked', 'closed')),
            appointment_id INTEGER REFERENCES appointments (id),
            source TEXT NOT NULL DEFAULT 'manual'
                CHECK (source IN ('manual', 'booking', 'checkout')),
            created_by INTEGER REFERENCES staff (id),
            created_at TEXT NOT NULL,
            closed_at TEXT
        ) STRICT""",
        "CREATE INDEX recalls_due ON recalls (status, due_date)",
        "CREATE INDEX recalls_patient ON recalls (patient_id, due_date)",
        "CREATE INDEX recalls_appointment ON recalls (appointment_id)",
        """CREATE TABLE recall_attempts (
            id INTEGER PRIMARY KEY,
            recall_id INTEGER NOT NULL REFERENCES recalls (id),
            at TEXT NOT NULL,
            method TEXT NOT NULL CHECK (method IN ('phone', 'text', 'email', 'card')),
            outcome TEXT NOT NULL DEFAULT '',
            staff_id INTEGER REFERENCES staff (id)
        ) STRICT""",
        "CREATE INDEX recall_attempts_recall ON recall_attempts (recall_id, at)",
    )


_APPOINTMENT_STATUSES = (
    "'booked', 'confirmed', 'arrived', 'roomed', 'with_provider', 'ready_checkout',"
    " 'checked_out', 'no_show', 'cancelled'"
)


@migration("0004_money_desk")
def _money_desk(db: Any) -> None:
    # "Ready for check-out" is a new appointment status: SQLite cannot change a CHECK
    # constraint in place, so the table is rebuilt (its references are deferred meanwhile).
    _run(
        db,
        "PRAGMA defer_foreign_keys = ON",
        f"""CREATE TABLE appointments_new (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients (id),
            resource_id INTEGER NOT NULL REFERENCES resources (id),
            type_id INTEGER NOT NULL REFERENCES appointment_types (id),
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ({_APPOINTMENT_STATUSES})),
            cancel_reason TEXT CHECK (cancel_reason IN ('patient_cancelled', 'late_cancel',
                'practice_cancelled', 'rescheduled')),
            double_booked INTEGER NOT NULL DEFAULT 0 CHECK (double_booked IN (0, 1)),
            override_reason TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            rescheduled_from INTEGER REFERENCES appointments (id),
            booked_by INTEGER REFERENCES staff (id),
            booked_at TEXT NOT NULL,
            workstation TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            CHECK (ends_at > starts_at)
        ) STRICT""",
        # Rows go back in after the old table is dropped, so that each one settles the
        # deferred references the drop left open.
        "CREATE TEMP TABLE appointments_copy AS SELECT * FROM appointments",
        "DROP TABLE appointments",
        "ALTER TABLE appointments_new RENAME TO appointments",
        "INSERT INTO appointments SELECT * FROM temp.appointments_copy",
        "DROP TABLE temp.appointments_copy",
        "CREATE INDEX appointments_resource ON appointments (resource_id, starts_at)",
        "CREATE INDEX appointments_starts ON appointments (starts_at)",
        "CREATE INDEX appointments_patient ON appointments (patient_id, starts_at)",
        """CREATE TRIGGER appointments_never_deleted BEFORE DELETE ON appointments
           BEGIN SELECT RAISE(ABORT, 'appointments are cancelled, never deleted'); END""",
        # -- what the desk sells ---------------------------------------------------------
        """CREATE TABLE fee_schedule (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL COLLATE NOCASE UNIQUE,
            description TEXT NOT NULL,
            receipt_text TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL CHECK (kind IN ('medical', 'cosmetic', 'fee')),
            unit TEXT NOT NULL DEFAULT '',
            price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT""",
        """CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            sku TEXT NOT NULL COLLATE NOCASE UNIQUE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'retail' CHECK (kind IN ('retail', 'supply', 'equipment')),
            price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
            cost_cents INTEGER NOT NULL DEFAULT 0 CHECK (cost_cents >= 0),
            taxable INTEGER NOT NULL DEFAULT 1 CHECK (taxable IN (0, 1)),
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) STRICT""",
        # On hand is the sum of the moves; a move is never changed or removed.
        """CREATE TABLE stock_moves (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id),
            at TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity <> 0),
            reason TEXT NOT NULL
                CHECK (reason IN ('receive', 'sale', 'return', 'void', 'adjust', 'count')),
            charge_id INTEGER REFERENCES charges (id),
            note TEXT NOT NULL DEFAULT '',
            staff_id INTEGER REFERENCES staff (id),
            workstation TEXT NOT NULL DEFAULT ''
        ) STRICT""",
        "CREATE INDEX stock_moves_item ON stock_moves (item_id, at)",
        "CREATE INDEX stock_moves_charge ON stock_moves (charge_id)",
        """CREATE TRIGGER stock_moves_append_only_update BEFORE UPDATE ON stock_moves
           BEGIN SELECT RAISE(ABORT, 'stock_moves is append-only'); END""",
        """CREATE TRIGGER stock_moves_append_only_delete BEFORE DELETE ON stock_moves
           BEGIN SELECT RAISE(ABORT, 'stock_moves is append-only'); END""",
        # -- check-in ----------------------------------------------------------------------
        """CREATE TABLE insurance_cards (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients (id),
            payer TEXT NOT NULL,
            member_id TEXT NOT NULL,
            group_no TEXT NOT NULL DEFAULT '',
            verified_on TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            recorded_by INTEGER REFERENCES staff (id),
            recorded_at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX insurance_cards_patient ON insurance_cards (patient_id, active)",
        # -- the fee sheet -------------------------------------------------------------------
        """CREATE TABLE encounters (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES patients (id),
            appointment_id INTEGER UNIQUE REFERENCES appointments (id),
            provider_id INTEGER REFERENCES resources (id),
            business_date TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'finalized')),
            no_charge_reason TEXT NOT NULL DEFAULT '',
            opened_by INTEGER REFERENCES staff (id),
            opened_at TEXT NOT NULL,
            finalized_by INTEGER REFERENCES staff (id),
            finalized_at TEXT
        ) STRICT""",
        "CREATE INDEX encounters_date ON encounters (business_date, status)",
        "CREATE INDEX encounters_patient ON encounters (patient_id)",
        """CREATE TRIGGER encounters_finalized_stay BEFORE UPDATE ON encounters
           WHEN old.status = 'finalized'
           BEGIN SELECT RAISE(ABORT, 'a finalized fee sheet is not changed'); END""",
        """CREATE TRIGGER encounters_never_deleted BEFORE DELETE ON encounters
           BEGIN SELECT RAISE(ABORT, 'fee sheets are never deleted'); END""",
        # A line's total is its price times quantity, less its discount, plus its tax.
        """CREATE TABLE charges (
            id INTEGER PRIMARY KEY,
            encounter_id INTEGER NOT NULL REFERENCES encounters (id),
            line_no INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('service', 'product')),
            fee_id INTEGER REFERENCES fee_schedule (id),
            item_id INTEGER REFERENCES items (id),
            code TEXT NOT NULL,
            description TEXT NOT NULL,
            receipt_text TEXT NOT NULL DEFAULT '',
            quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 9999),
            list_price_cents INTEGER NOT NULL CHECK (list_price_cents >= 0),
            unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
            discount_cents INTEGER NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
            discount_reason TEXT NOT NULL DEFAULT ''
                CHECK (discount_reason IN ('', 'courtesy', 'employee', 'package', 'promotion')),
            taxable INTEGER NOT NULL DEFAULT 0 CHECK (taxable IN (0, 1)),
            tax_cents INTEGER NOT NULL DEFAULT 0 CHECK (tax_cents >= 0),
            total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
            provider_id INTEGER REFERENCES resources (id),
            approver_id INTEGER REFERENCES staff (id),
            created_by INTEGER REFERENCES staff (id),
            created_at TEXT NOT NULL,
            CHECK ((kind = 'service') = (fee_id IS NOT NULL)),
            CHECK ((kind = 'product') = (item_id IS NOT NULL)),
            CHECK (total_cents = unit_price_cents * quantity - discount_cents + tax_cents),
            UNIQUE (encounter_id, line_no)
        ) STRICT""",
        """CREATE TRIGGER charges_finalized_stay_update BEFORE UPDATE ON charges
           WHEN (SELECT status FROM encounters WHERE id = old.encounter_id) = 'finalized'
           BEGIN SELECT RAISE(ABORT, 'a finalized fee sheet is not changed'); END""",
        """CREATE TRIGGER charges_finalized_stay_delete BEFORE DELETE ON charges
           WHEN (SELECT status FROM encounters WHERE id = old.encounter_id) = 'finalized'
           BEGIN SELECT RAISE(ABORT, 'a finalized fee sheet is not changed'); END""",
        """CREATE TRIGGER charges_finalized_stay_insert BEFORE INSERT ON charges
           WHEN (SELECT status FROM encounters WHERE id = new.encounter_id) = 'finalized'
           BEGIN SELECT RAISE(ABORT, 'a finalized fee sheet is not changed'); END""",
        # -- money ---------------------------------------------------------------------------
        """CREATE TABLE gift_cards (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL COLLATE NOCASE UNIQUE,
            purchaser_id INTEGER REFERENCES patients (id),
            recipient TEXT NOT NULL DEFAULT '',
            sold_at TEXT NOT NULL,
            sold_by INTEGER REFERENCES staff (id)
        ) STRICT""",
        # One submit of a money screen (a check-out, a payment, a refund...): its entries,
        # its receipt, and the key that makes a second submit of the same screen a no-op.
        """CREATE TABLE postings (
            id INTEGER PRIMARY KEY,
            idempotency_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('checkout', 'payment', 'deposit',
                'gift_card_sale', 'refund', 'void', 'adjustment', 'no_show_fee')),
            patient_id INTEGER REFERENCES patients (id),
            encounter_id INTEGER REFERENCES encounters (id),
            business_date TEXT NOT NULL,
            at TEXT NOT NULL,
            staff_id INTEGER REFERENCES staff (id),
            workstation TEXT NOT NULL DEFAULT '',
            approver_id INTEGER REFERENCES staff (id)
        ) STRICT""",
        "CREATE INDEX postings_patient ON postings (patient_id, at)",
        "CREATE INDEX postings_date ON postings (business_date)",
        """CREATE TRIGGER postings_append_only_update BEFORE UPDATE ON postings
           BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END""",
        """CREATE TRIGGER postings_append_only_delete BEFORE DELETE ON postings
           BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END""",
        # A closed business date (the close-of-day sign-off writes these).
        """CREATE TABLE day_closes (
            business_date TEXT PRIMARY KEY,
            closed_at TEXT NOT NULL,
            closed_by INTEGER REFERENCES staff (id),
            totals TEXT NOT NULL DEFAULT '{}'
        ) STRICT""",
        """CREATE TRIGGER day_closes_stay_closed_update BEFORE UPDATE ON day_closes
           BEGIN SELECT RAISE(ABORT, 'a closed day stays closed'); END""",
        """CREATE TRIGGER day_closes_stay_closed_delete BEFORE DELETE ON day_closes
           BEGIN SELECT RAISE(ABORT, 'a closed day stays closed'); END""",
        # Every entry is signed cents on one account: a patient's balance ('patient':
        # charges +, payments and adjustments -), a patient's credit held from deposits
        # ('credit': deposits -, applied +) or a gift card ('gift_card': sold -,
        # redeemed +). Money that changed hands has a method; minus is money in.
        """CREATE TABLE ledger (
            id INTEGER PRIMARY KEY,
            posting_id INTEGER NOT NULL REFERENCES postings (id),
            idempotency_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('charge', 'payment', 'refund', 'adjustment',
                'reversal', 'deposit', 'credit_applied', 'gift_card_sale',
                'gift_card_redeem')),
            account TEXT NOT NULL CHECK (account IN ('patient', 'credit', 'gift_card')),
            patient_id INTEGER REFERENCES patients (id),
            gift_card_id INTEGER REFERENCES gift_cards (id),
            amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0),
            method TEXT CHECK (method IN ('cash', 'check', 'card', 'gift_card', 'credit')),
            reference TEXT NOT NULL DEFAULT '',
            card_brand TEXT NOT NULL DEFAULT '',
            tendered_cents INTEGER,
            change_cents INTEGER,
            encounter_id INTEGER REFERENCES encounters (id),
            charge_id INTEGER REFERENCES charges (id),
            appointment_id INTEGER REFERENCES appointments (id),
            refunds_id INTEGER REFERENCES ledger (id),
            reverses_id INTEGER UNIQUE REFERENCES ledger (id),
            reason TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            provider_id INTEGER REFERENCES resources (id),
            drawer_session_id INTEGER,
            business_date TEXT NOT NULL,
            at TEXT NOT NULL,
            staff_id INTEGER REFERENCES staff (id),
            workstation TEXT NOT NULL DEFAULT '',
            approver_id INTEGER REFERENCES staff (id),
            CHECK ((account = 'gift_card') = (gift_card_id IS NOT NULL)),
            CHECK (account = 'gift_card' OR patient_id IS NOT NULL)
        ) STRICT""",
        "CREATE INDEX ledger_patient ON ledger (patient_id, account, id)",
        "CREATE INDEX ledger_date ON ledger (business_date)",
        "CREATE INDEX ledger_posting ON ledger (posting_id)",
        "CREATE INDEX ledger_refunds ON ledger (refunds_id)",
        "CREATE INDEX ledger_gift_card ON ledger (gift_card_id)",
        "CREATE INDEX ledger_encounter ON ledger (encounter_id)",
        """CREATE TRIGGER ledger_append_only_update BEFORE UPDATE ON ledger
           BEGIN SELECT RAISE(ABORT, 'the ledger is append-only; post a reversal'); END""",
        """CREATE TRIGGER ledger_append_only_delete BEFORE DELETE ON ledger
           BEGIN SELECT RAISE(ABORT, 'the ledger is append-only; post a reversal'); END""",
        """CREATE TRIGGER ledger_closed_day BEFORE INSERT ON ledger
           WHEN EXISTS (SELECT 1 FROM day_closes WHERE business_date = new.business_date)
           BEGIN SELECT RAISE(ABORT, 'that business date is closed'); END""",
        # -- receipts waiting for a printer ------------------------------------------------
        """CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY,
            printer TEXT NOT NULL DEFAULT '',
            workstation TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL,
            posting_id INTEGER REFERENCES postings (id),
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'printed', 'failed', 'cancelled')),
            reprint INTEGER NOT NULL DEFAULT 0 CHECK (reprint IN (0, 1)),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            printed_at TEXT
        ) STRICT""",
        "CREATE INDEX print_jobs_status ON print_jobs (status, id)",
        "CREATE INDEX print_jobs_posting ON print_jobs (posting_id)",
    )


@migration("0005_sparse_ledger_indexes")
def _sparse_ledger_indexes(db: Any) -> None:
    # Most entries refund and redeem nothing: indexing only the entries that do keeps a
    # posting's commit to fewer pages (each page costs time while the file is locked); a
    # lookup by one of these columns still uses its index. Nothing looks entries up by
    # their encounter (a fee sheet's lines are its charges), so that index goes.
    _run(
        db,
        "DROP INDEX ledger_refunds",
        "DROP INDEX ledger_gift_card",
        "DROP INDEX ledger_encounter",
        "CREATE INDEX ledger_refunds ON ledger (refunds_id) WHERE refunds_id IS NOT NULL",
        "CREATE INDEX ledger_gift_card ON ledger (gift_card_id) WHERE gift_card_id IS NOT NULL",
    )


@migration("0006_drawers")
def _drawers(db: Any) -> None:
    # Counts by denomination are JSON objects of cents -> how many ({"2000": 5} is five
    # $20 bills; rolls are counted as their own denominations, "r25" a roll of quarters).
    # A drawer session goes open -> counted (the blind count, once) -> closed (the
    # manager's sign-off, once); neither a count nor a close is ever changed.
    _run(
        db,
        """CREATE TABLE drawers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE,
            workstation TEXT NOT NULL COLLATE NOCASE,
            printer TEXT NOT NULL DEFAULT '',
            default_float_cents INTEGER NOT NULL DEFAULT 20000
                CHECK (default_float_cents BETWEEN 0 AND 10000000),
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
        ) STRICT""",
        "CREATE UNIQUE INDEX drawers_workstation ON drawers (workstation) WHERE active = 1",
        """CREATE TABLE drawer_sessions (
            id INTEGER PRIMARY KEY,
            drawer_id INTEGER NOT NULL REFERENCES drawers (id),
            business_date TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'counted', 'closed')),
            opened_at TEXT NOT NULL,
            opened_by INTEGER REFERENCES staff (id),
            float_cents INTEGER NOT NULL CHECK (float_cents >= 0),
            float_counts TEXT NOT NULL,
            counted_at TEXT,
            counted_by INTEGER REFERENCES staff (id),
            counted_counts TEXT,
            counted_cash_cents INTEGER,
            counted_checks_cents INTEGER,
            card_batch_cents INTEGER,
            expected_cash_cents INTEGER,
            expected_checks_cents INTEGER,
            expected_card_cents INTEGER,
            closed_at TEXT,
            closed_by INTEGER REFERENCES staff (id),
            approver_id INTEGER REFERENCES staff (id),
            reason TEXT NOT NULL DEFAULT '',
            leave_cents INTEGER,
            leave_counts TEXT,
            deposit_cents INTEGER,
            deposit_counts TEXT,
            CHECK (status = 'open' OR (counted_at IS NOT NULL AND counted_cash_cents IS NOT NULL)),
            CHECK (status <> 'closed' OR (closed_at IS NOT NULL AND deposit_cents IS NOT NULL))
        ) STRICT""",
        # A drawer has one session open (or counted, waiting for sign-off) at a time.
        """CREATE UNIQUE INDEX drawer_sessions_one_open ON drawer_sessions (drawer_id)
           WHERE status <> 'closed'""",
        "CREATE INDEX drawer_sessions_date ON drawer_sessions (business_date, drawer_id)",
        """CREATE TRIGGER drawer_sessions_closed_stay BEFORE UPDATE ON drawer_sessions
           WHEN old.status = 'closed'
             OR (old.status = 'counted' AND (new.status <> 'closed'
                 OR new.counted_counts IS NOT old.counted_counts
                 OR new.counted_cash_cents IS NOT old.counted_cash_cents
                 OR new.expected_cash_cents IS NOT old.expected_cash_cents))
           BEGIN SELECT RAISE(ABORT, 'a drawer is counted once and closed once'); END""",
        """CREATE TRIGGER drawer_sessions_never_deleted BEFORE DELETE ON drawer_sessions
           BEGIN SELECT RAISE(ABORT, 'drawer sessions are never deleted'); END""",
        """CREATE TRIGGER drawer_sessions_closed_day BEFORE INSERT ON drawer_sessions
           WHEN EXISTS (SELECT 1 FROM day_closes WHERE business_date = new.business_date)
           BEGIN SELECT RAISE(ABORT, 'that business date is closed'); END""",
        # The checks found in the drawer at its count.
        """CREATE TABLE drawer_checks (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES drawer_sessions (id),
            check_number TEXT NOT NULL CHECK (check_number <> ''),
            payer TEXT NOT NULL DEFAULT '',
            amount_cents INTEGER NOT NULL CHECK (amount_cents > 0)
        ) STRICT""",
        "CREATE INDEX drawer_checks_session ON drawer_checks (session_id)",
        """CREATE TRIGGER drawer_checks_append_only_update BEFORE UPDATE ON drawer_checks
           BEGIN SELECT RAISE(ABORT, 'a drawer count is not changed'); END""",
        """CREATE TRIGGER drawer_checks_append_only_delete BEFORE DELETE ON drawer_checks
           BEGIN SELECT RAISE(ABORT, 'a drawer count is not changed'); END""",
        # Cash in or out of a drawer that is not a patient's money: paid-outs from petty
        # cash, drops to the safe, petty cash put back, and the drawer opened for no sale.
        """CREATE TABLE drawer_moves (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES drawer_sessions (id),
            idempotency_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('paid_out', 'drop', 'replenish', 'no_sale')),
            amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
            payee TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            receipt_ref TEXT NOT NULL DEFAULT '',
            business_date TEXT NOT NULL,
            at TEXT NOT NULL,
            staff_id INTEGER REFERENCES staff (id),
            workstation TEXT NOT NULL DEFAULT '',
            approver_id INTEGER REFERENCES staff (id),
            CHECK ((kind = 'no_sale') = (amount_cents = 0))
        ) STRICT""",
        "CREATE INDEX drawer_moves_session ON drawer_moves (session_id)",
        """CREATE TRIGGER drawer_moves_append_only_update BEFORE UPDATE ON drawer_moves
           BEGIN SELECT RAISE(ABORT, 'drawer moves are append-only'); END""",
        """CREATE TRIGGER drawer_moves_append_only_delete BEFORE DELETE ON drawer_moves
           BEGIN SELECT RAISE(ABORT, 'drawer moves are append-only'); END""",
        """CREATE TRIGGER drawer_moves_closed_day BEFORE INSERT ON drawer_moves
           WHEN EXISTS (SELECT 1 FROM day_closes WHERE business_date = new.business_date)
           BEGIN SELECT RAISE(ABORT, 'that business date is closed'); END""",
        """CREATE INDEX ledger_drawer ON ledger (drawer_session_id)
           WHERE drawer_session_id IS NOT NULL""",
    )


@migration("0007_printers")
def _printers(db: Any) -> None:
    # A printer is reached one way (`connection`); only that way's fields are used. A
    # workstation prints on the printer mapped to it, else on the file printer in the data
    # directory. A job is claimed by one sending worker at a time (`claimed_by` until
    # `claimed_until`), and a failed one waits until `next_try_at`.
    _run(
        db,
        """CREATE TABLE printers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE,
            connection TEXT NOT NULL
                CHECK (connection IN ('network', 'usb', 'serial', 'cups', 'file')),
            host TEXT NOT NULL DEFAULT '',
            port INTEGER NOT NULL DEFAULT 9100 CHECK (port BETWEEN 1 AND 65535),
            usb_vendor INTEGER CHECK (usb_vendor BETWEEN 0 AND 65535),
            usb_product INTEGER CHECK (usb_product BETWEEN 0 AND 65535),
            device TEXT NOT NULL DEFAULT '',
            baud INTEGER NOT NULL DEFAULT 9600,
            queue TEXT NOT NULL DEFAULT '',
            path TEXT NOT NULL DEFAULT '',
            profile TEXT NOT NULL DEFAULT 'TM-T88V',
            columns INTEGER NOT NULL DEFAULT 42 CHECK (columns IN (32, 42, 48)),
            code_page TEXT NOT NULL DEFAULT '',
            cut INTEGER NOT NULL DEFAULT 1 CHECK (cut IN (0, 1)),
            drawer_pin INTEGER NOT NULL DEFAULT 2 CHECK (drawer_pin IN (2, 5)),
            pulse_ms INTEGER NOT NULL DEFAULT 100 CHECK (pulse_ms BETWEEN 2 AND 510),
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
        ) STRICT""",
        """CREATE TABLE workstation_printers (
            workstation TEXT PRIMARY KEY COLLATE NOCASE,
            printer_id INTEGER NOT NULL REFERENCES printers (id)
        ) STRICT""",
        "ALTER TABLE print_jobs ADD COLUMN kick INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE print_jobs ADD COLUMN claimed_by TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE print_jobs ADD COLUMN claimed_until TEXT",
        "ALTER TABLE print_jobs ADD COLUMN next_try_at TEXT",
        "DROP INDEX print_jobs_status",
        "CREATE INDEX print_jobs_waiting ON print_jobs (workstation, id) WHERE status = 'pending'",
    )


@migration("0008_backups")
def _backups(db: Any) -> None:
    # One row per backup tried: where it went, its size, and whether the copy passed
    # SQLite's integrity check (a failed one keeps its reason).
    _run(
        db,
        """CREATE TABLE backups (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            path TEXT NOT NULL,
            size_bytes INTEGER NOT NULL DEFAULT 0,
            verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
            error TEXT NOT NULL DEFAULT '',
            made_by TEXT NOT NULL DEFAULT ''
        ) STRICT""",
        "CREATE INDEX backups_verified ON backups (verified, at)",
    )


@migration("0009_workstations")
def _workstations(db: Any) -> None:
    # The desks a thin client connects from: recognised by the SSH client's address or
    # the Unix user it logs in as (each at most one desk), unless the session names one.
    _run(
        db,
        """CREATE TABLE workstations (
            name TEXT PRIMARY KEY COLLATE NOCASE,
            client_address TEXT NOT NULL DEFAULT '',
            unix_user TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
        ) STRICT""",
        """CREATE UNIQUE INDEX workstations_address ON workstations (client_address)
           WHERE client_address <> '' AND active = 1""",
        """CREATE UNIQUE INDEX workstations_user ON workstations (unix_user)
           WHERE unix_user <> '' AND active = 1""",
    )


SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class SchemaState:
    """What a database file holds compared with what this code knows."""

    applied: list[str]
    pending: list[str]
    unknown: list[str]

    @property
    def version(self) -> int:
        return len(self.applied)


def _applied(db: FrontDeskDatabase) -> list[str]:
    if "_sqlite_migrations" not in db.table_names():
        return []
    rows = db.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        (MIGRATION_SET,),
    )
    return [row[0] for row in rows]


def state(db: FrontDeskDatabase) -> SchemaState:
    """Which migrations are applied, pending, or unknown to this code (a newer frontdesk)."""
    applied = _applied(db)
    known = [name for name, _ in MIGRATIONS]
    return SchemaState(
        applied=applied,
        pending=[name for name in known if name not in applied],
        unknown=[name for name in applied if name not in known],
    )


def _refuse_foreign(db: FrontDeskDatabase) -> None:
    tables = set(db.table_names())
    if tables and "_sqlite_migrations" not in tables:
        raise DatabaseProblem(f"{db.path} is not a frontdesk database (it has other tables).")
    current = state(db)
    if tables and not current.applied:
        raise DatabaseProblem(f"{db.path} is not a frontdesk database.")
    if current.unknown:
        raise DatabaseProblem(
            f"{db.path} was made by a newer frontdesk (schema {current.version}, this one "
            f"knows {SCHEMA_VERSION}); install the newer frontdesk to use it."
        )


def migrate(db: FrontDeskDatabase) -> list[str]:
    """Apply pending migrations in one IMMEDIATE transaction; return the names applied.

    Safe when several sessions start at once: the second waits, then finds nothing to do.
    """
    with write(db):
        _refuse_foreign(db)
        pending = state(db).pending
        if pending:
            migrations().apply(db.utils)
    return pending


def open_database(
    path: str | Path, *, create: bool = True, upgrade: bool = True
) -> FrontDeskDatabase:
    """Open a frontdesk database, creating and migrating it as needed (`upgrade=False`
    only looks: no migration, no change of journal mode).

    Raises DatabaseProblem (one clear line, nothing changed) when the file is not SQLite,
    not frontdesk's, newer than this code, read-only, or missing and `create` is False.
    """
    path = Path(path)
    if not create and not path.exists():
        raise DatabaseProblem(f"There is no database at {path}.")
    db = connect(path, journal=False)
    try:
        try:
            _refuse_foreign(db)
        except sqlite3.DatabaseError as error:
            raise DatabaseProblem(f"{path} is not a frontdesk database ({error}).") from error
        if upgrade:
            set_journal_mode(db)
            migrate(db)
    except BaseException:
        db.close()
        raise
    return db
