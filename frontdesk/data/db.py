"""One way into the database: the SQLite library, the connection pragmas, the write helper.

The project never imports `sqlite3` itself: two SQLite libraries opening one file do not
see each other's POSIX locks and can corrupt it, so everything takes the module from here.
It is the one sqlite-utils chooses (pysqlite3's bundled, current SQLite when installed,
else the standard library's), picked by the same rule without importing sqlite-utils,
whose import (click, pluggy, dateutil) would cost the start-up budget; a test proves both
are the same module. sqlite-utils itself is loaded when a migration runs (`.utils`).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import stat
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from frontdesk.errors import DatabaseBusy, DatabaseProblem

if TYPE_CHECKING:
    from sqlite_utils import Database


def _sqlite_module() -> ModuleType:
    # The rule of sqlite_utils.utils: pysqlite3 when it is installed.
    try:
        return importlib.import_module("pysqlite3")
    except ImportError:
        return importlib.import_module("sqlite3")


sqlite3: Any = _sqlite_module()

__all__ = [
    "BUSY_TIMEOUT_MS",
    "SQLITE_VERSION",
    "FrontDeskDatabase",
    "connect",
    "journal_warning",
    "set_journal_mode",
    "sqlite3",
    "wal_is_safe",
    "write",
]

SQLITE_VERSION: str = sqlite3.sqlite_version
BUSY_TIMEOUT_MS = 10_000

# Releases with the fix for the WAL-reset corruption bug (3.7.0 - 3.51.2), incl. backports.
_WAL_FIXED_BACKPORTS = {(3, 44, 6), (3, 50, 7)}
_WAL_FIXED_FROM = (3, 51, 3)


def _version(text: str) -> tuple[int, int, int]:
    major, minor, patch = ([int(p) for p in text.split(".")[:3]] + [0, 0, 0])[:3]
    return major, minor, patch


def wal_is_safe(version: str | None = None) -> bool:
    """True when this SQLite library (or `version`) can run WAL with several writers."""
    ver = _version(version or SQLITE_VERSION)
    if ver >= _WAL_FIXED_FROM:
        return True
    # A backport fixes its own patch line from that release on.
    return any(ver[:2] == fix[:2] and ver >= fix for fix in _WAL_FIXED_BACKPORTS)


def journal_warning(version: str | None = None) -> str | None:
    """The warning shown when WAL is refused for this library, else None."""
    version = version or SQLITE_VERSION
    if wal_is_safe(version):
        return None
    return (
        f"SQLite {version} has the WAL-reset bug, so frontdesk uses the slower rollback "
        "journal. Install frontdesk with the pysqlite3 wheel (SQLite 3.51.3 or newer)."
    )


class FrontDeskDatabase:
    """A connection with the path it came from and its journal mode.

    Services run plain SQL through `execute`; `utils` is the same connection as a
    sqlite-utils Database, for migrations and bulk work.
    """

    def __init__(self, conn: Any, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.journal = ""
        # The data version and the settings read then: see load_settings.
        self.settings_cache: tuple[int, Any] | None = None

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Any:
        """Run one statement; returns the cursor."""
        return self.conn.execute(sql, parameters)

    def data_version(self) -> int:
        """A number that changes when another connection commits to the file (SQLite's
        `PRAGMA data_version`): a cheap way to know whether anything needs reading again."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def query(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> list[dict]:
        """Run one SELECT; returns its rows as dicts keyed by column name."""
        cursor = self.conn.execute(sql, parameters)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    @cached_property
    def utils(self) -> Database:
        from sqlite_utils import Database

        return Database(self.conn, execute_plugins=False)

    def table_names(self) -> list[str]:
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]

    def close(self) -> None:
        self.conn.close()


def _check_file(path: Path) -> None:
    """Refuse a file we could not safely write before SQLite touches it."""
    if path.exists():
        if path.is_dir():
            raise DatabaseProblem(f"{path} is a folder, not a database file.")
        mode = path.stat().st_mode
        if not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP):
            raise DatabaseProblem(f"{path} is read-only; frontdesk needs to write to it.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise DatabaseProblem(f"The folder {folder} does not exist.")
    if not os.access(folder, os.W_OK):
        raise DatabaseProblem(
            f"The folder {folder} is read-only; the database needs its journal files there."
        )


def connect(path: str | Path, *, journal: bool = True) -> FrontDeskDatabase:
    """Open `path` with the pragmas every session uses (WAL only on a safe SQLite).

    With `journal=False` the file's journal mode is left alone (call `set_journal_mode`
    once the file is known to be ours). Raises DatabaseProblem for a folder, a read-only
    file or a file that is not SQLite.
    """
    path = Path(path)
    _check_file(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as error:
        raise DatabaseProblem(f"Cannot open {path}: {error}.") from error
    db = FrontDeskDatabase(conn, path)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        db.journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if journal:
            set_journal_mode(db)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise DatabaseProblem(f"{path} is not a frontdesk database ({error}).") from error
    return db


def set_journal_mode(db: FrontDeskDatabase) -> str:
    """WAL on a safe SQLite library, else the rollback journal; returns the mode in use."""
    wanted = "wal" if wal_is_safe() else "delete"
    if db.journal != wanted:
        # Switching needs the file to ourselves; while another session holds it the mode
        # it already has stays (the mode is a property of the file).
        try:
            db.journal = db.conn.execute(f"PRAGMA journal_mode = {wanted}").fetchone()[0]
        except sqlite3.OperationalError:
            db.journal = db.conn.execute("PRAGMA journal_mode").fetchone()[0]
    return db.journal


@contextlib.contextmanager
def write(db: FrontDeskDatabase) -> Iterator[FrontDeskDatabase]:
    """One write transaction: BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error.

    IMMEDIATE takes the write lock up front, so a transaction that reads before it writes
    waits its turn (busy_timeout) instead of failing with "database is locked". A write
    inside another joins it: the outer one commits or rolls back the whole.
    """
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise DatabaseBusy(
                "The database stayed busy for 10 seconds; nothing was saved. Try again."
            ) from error
        raise
    try:
        yield db
    except BaseException:
        db.settings_cache = None  # it may hold what is now rolled back
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except BaseException:
            db.settings_cache = None
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
