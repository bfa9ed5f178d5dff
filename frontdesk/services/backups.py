"""Daily backups and restore.

A backup is an online copy through SQLite's backup API, taken in one step so it is one
consistent moment of the database while sessions go on writing (in WAL mode a reader
never blocks a writer). It is written to a temporary file in the backup folder, checked
with `PRAGMA integrity_check` and opened as a frontdesk database, then renamed into place,
so a backup file that exists is a whole one. The folder keeps the newest daily copies
(`frontdesk-daily-YYYY-MM-DD.db`) and one copy a month (`frontdesk-monthly-YYYY-MM.db`);
each backup tried is recorded in `backups`, with its reason when it failed.

A restore checks the file the same way first, keeps the current database aside
(`<name>.before-restore-<when>.db`), and copies the backup into the live file through the
same API, so sessions still open see the restored data at their next read. It refuses
while another session is writing, unless forced.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.data.clock import to_stored
from frontdesk.data.db import connect, sqlite3, write
from frontdesk.errors import Conflict, DatabaseProblem, Invalid, NotFound, echo

if TYPE_CHECKING:
    from frontdesk.data.clock import Clock
    from frontdesk.data.db import FrontDeskDatabase

__all__ = [
    "KEEP_DAILY",
    "KEEP_MONTHLY",
    "STALE_HOURS",
    "Backup",
    "backup",
    "default_folder",
    "history",
    "last_verified",
    "restore",
    "stale_warning",
    "verify_file",
]

KEEP_DAILY = 7
KEEP_MONTHLY = 12
#: A manager is warned when the last verified backup is older than this.
STALE_HOURS = 26
_DAILY = re.compile(r"^frontdesk-daily-\d{4}-\d{2}-\d{2}\.db$")
_MONTHLY = re.compile(r"^frontdesk-monthly-\d{4}-\d{2}\.db$")
# How long a restore waits for other sessions to finish a write before it refuses.
_QUIET_MS = 2000


@dataclass
class Backup:
    """One backup tried: where, when, how big, whether it was verified (or why not), and
    the older copies its retention removed."""

    path: str
    at: str
    size_bytes: int = 0
    verified: bool = False
    error: str = ""
    made_by: str = ""
    removed: tuple[str, ...] = field(default_factory=tuple)


def default_folder(db_path: str | Path) -> Path:
    """`backups/` beside the database file."""
    return Path(db_path).resolve().parent / "backups"


# -- checking a file -------------------------------------------------------------------------


def _shown(path: str | Path) -> str:
    """A path as a message quotes it: printable, and not endless."""
    return echo(path, 200)


def _read_only(path: str | Path) -> str:
    """The URI that opens `path` read-only ('?' or '#' in a file name stays the name)."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def verify_file(path: str | Path) -> str:
    """ "" when `path` is a whole frontdesk database this code can open, else what is
    wrong with it, in one line."""
    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.data.schema import SCHEMA_VERSION, state

    if not str(path).strip():
        return "No file was named."
    path = Path(path)
    shown = _shown(path)
    try:
        if not path.is_file():
            return f"There is no file {shown}."
    except OSError as error:  # a name too long for the file system, say
        return f"{shown} cannot be read ({error.strerror or error})."
    try:
        conn = sqlite3.connect(_read_only(path), uri=True)
    except sqlite3.Error as error:
        return f"{shown} cannot be opened ({error})."
    try:
        try:
            checked = conn.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as error:
            return f"{shown} is not an SQLite database, or is damaged ({error})."
        if [row[0] for row in checked] != ["ok"]:
            return f"{shown} is damaged: {echo(checked[0][0], 120)}."
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "_sqlite_migrations" not in tables or "settings" not in tables:
            return f"{shown} is not a frontdesk database."
        current = state(FrontDeskDatabase(conn, path))
        if current.unknown:
            return (
                f"{shown} was made by a newer frontdesk (schema {current.version}, this one "
                f"knows {SCHEMA_VERSION})."
            )
    finally:
        conn.close()
    return ""


# -- backing up --------------------------------------------------------------------------------


def _folder(folder: Path, *, create: bool) -> Path:
    shown = _shown(folder)
    try:
        exists = folder.exists()
        if not exists and create:
            folder.mkdir(parents=True)
        elif not exists:
            raise NotFound(f"The backup folder {shown} does not exist.")
        if not folder.is_dir():
            raise Invalid(f"{shown} is not a folder.")
    except OSError as error:
        verb = "make" if create else "use"
        raise Invalid(f"Cannot {verb} the backup folder {shown} ({error.strerror}).") from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise Invalid(f"The backup folder {shown} cannot be written to.")
    return folder


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_error(error: OSError, folder: Path) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"The backup folder {_shown(folder)} is full; nothing was replaced."
    return f"Could not write the backup in {_shown(folder)} ({error.strerror or error})."


def _copy(source: FrontDeskDatabase, target: Path) -> None:
    """`source` copied, as one moment, to a new file `target`."""
    out = sqlite3.connect(str(target))
    try:
        source.conn.backup(out)  # all pages in one step: one consistent snapshot
        out.execute("PRAGMA journal_mode = DELETE")  # a single file, nothing beside it
    finally:
        out.close()


def _keep(folder: Path, pattern: re.Pattern[str], keep: int) -> list[str]:
    """Remove all but the newest `keep` files of `folder` whose names match."""
    names = sorted((p.name for p in folder.iterdir() if pattern.match(p.name)), reverse=True)
    removed = []
    for name in names[keep:]:
        (folder / name).unlink(missing_ok=True)
        removed.append(name)
    return removed


def backup(
    db_path: str | Path,
    clock: Clock,
    folder: str | Path | None = None,
    *,
    made_by: str = "",
    keep_daily: int = KEEP_DAILY,
    keep_monthly: int = KEEP_MONTHLY,
) -> Backup:
    """Back up the database at `db_path` into `folder` (default `backups/` beside it,
    made if missing; a folder named must exist). Raises NotFound or Invalid for a folder
    that cannot take it, and DatabaseProblem when the copy does not verify; the live
    database is only read, and the attempt is recorded either way."""
    if keep_daily < 1 or keep_monthly < 0:
        raise Invalid("Keep at least 1 daily backup (and 0 or more monthly ones).")
    if folder is not None and not str(folder).strip():
        folder = None  # a folder left blank is the default one
    try:
        named = Path(folder).expanduser() if folder else None
    except RuntimeError as error:  # ~someone for a user this server does not have
        raise Invalid(f"There is no home folder for {_shown(folder)}.") from error
    target = _folder(named or default_folder(db_path), create=folder is None)
    day = clock.business_date()
    final = target / f"frontdesk-daily-{day.isoformat()}.db"
    monthly = target / f"frontdesk-monthly-{day:%Y-%m}.db"
    temporary = target / f".{final.name}.{os.getpid()}.tmp"
    source = connect(db_path)
    result = Backup(str(final), to_stored(clock.now()), made_by=made_by)
    try:
        try:
            _copy(source, temporary)
            problem = verify_file(temporary)
            if problem:
                raise DatabaseProblem(f"The backup did not verify: {problem}")
            _fsync(temporary)
            os.replace(temporary, final)
            if not monthly.exists():
                month_copy = temporary.with_suffix(".month.tmp")
                month_copy.write_bytes(final.read_bytes())
                _fsync(month_copy)
                os.replace(month_copy, monthly)
            _fsync(target)
        except OSError as error:
            raise Invalid(_write_error(error, target)) from error
        finally:
            temporary.unlink(missing_ok=True)
            temporary.with_suffix(".month.tmp").unlink(missing_ok=True)
        result.size_bytes = final.stat().st_size
        result.verified = True
        result.removed = tuple(
            _keep(target, _DAILY, keep_daily) + _keep(target, _MONTHLY, keep_monthly)
        )
    except (Invalid, DatabaseProblem) as error:
        result.error = str(error)
        raise
    finally:
        _record(source, result)
        source.close()
    return result


def _record(db: FrontDeskDatabase, result: Backup) -> None:
    try:
        with write(db):
            db.execute(
                "INSERT INTO backups (at, path, size_bytes, verified, error, made_by)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (result.at, result.path, result.size_bytes, int(result.verified),
                 result.error[:300], result.made_by),
            )  # fmt: skip
    except Exception:  # a failed record must not hide the backup's own outcome
        pass


def history(db: FrontDeskDatabase, limit: int = 60) -> list[Backup]:
    """The backups tried, newest first."""
    rows = db.execute(
        "SELECT path, at, size_bytes, verified, error, made_by FROM backups"
        " ORDER BY id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [Backup(p, at, size, bool(ok), error, by) for p, at, size, ok, error, by in rows]


def last_verified(db: FrontDeskDatabase) -> Backup | None:
    """The newest verified backup, if any."""
    row = db.execute(
        "SELECT path, at, size_bytes, verified, error, made_by FROM backups"
        " WHERE verified = 1 ORDER BY at DESC LIMIT 1"
    ).fetchone()
    return Backup(row[0], row[1], row[2], True, row[4], row[5]) if row else None


def stale_warning(db: FrontDeskDatabase, clock: Clock) -> str:
    """What the manager's Today says when the last verified backup is over 26 hours old
    (or there is none); "" when it is recent."""
    from frontdesk.data.clock import from_stored

    last = last_verified(db)
    if last is None:
        return "No verified backup yet: Manager → Backups → b, or `frontdesk backup` nightly."
    hours = (clock.now() - from_stored(last.at)).total_seconds() / 3600
    if hours <= STALE_HOURS:
        return ""
    when = clock.local(last.at).format("ddd D MMM HH:mm")
    return f"The last verified backup is from {when} ({hours:.0f} hours ago): back up now."


# -- restoring -----------------------------------------------------------------------------


def restore(db_path: str | Path, file: str | Path, clock: Clock, *, force: bool = False) -> Path:
    """Replace the database at `db_path` with the backup `file`; returns where the
    database as it was is kept. Refuses (nothing changed) a file that does not verify, and
    while another session is writing unless `force`."""
    from frontdesk.data.schema import open_database

    problem = verify_file(file)
    if problem:
        raise DatabaseProblem(f"Not restored: {problem}")
    live = connect(db_path)
    try:
        if not force:
            live.execute(f"PRAGMA busy_timeout = {_QUIET_MS}")
            try:
                live.execute("BEGIN IMMEDIATE")
                live.execute("ROLLBACK")
            except sqlite3.OperationalError as error:
                raise Conflict(
                    "Not restored: another session is writing to the database. Close the "
                    "sessions (or restore with --force)."
                ) from error
        stamp = clock.now().format("YYYYMMDD-HHmmss")
        aside = Path(db_path).with_name(f"{Path(db_path).stem}.before-restore-{stamp}.db")
        try:
            _copy(live, aside)
        except OSError as error:
            raise Invalid(
                f"Not restored: cannot keep the current database aside ({error.strerror})."
            ) from error
        incoming = sqlite3.connect(_read_only(file), uri=True)
        try:
            live.execute("PRAGMA busy_timeout = 10000")
            incoming.backup(live.conn)
        finally:
            incoming.close()
    finally:
        live.close()
    open_database(db_path).close()  # an older backup is brought up to this schema
    return aside
