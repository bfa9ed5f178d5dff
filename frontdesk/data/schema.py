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
