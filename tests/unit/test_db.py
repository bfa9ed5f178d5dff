"""The database: pragmas, the write helper, migrations, and refusing files it can't use."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from frontdesk.data.db import connect, journal_warning, sqlite3, wal_is_safe, write
from frontdesk.data.schema import MIGRATIONS, SCHEMA_VERSION, migrate, open_database, state
from frontdesk.errors import DatabaseProblem

ROOT = Path(__file__).resolve().parents[2]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_connection_uses_the_pragmas_every_session_needs(tmp_path: Path) -> None:
    db = open_database(tmp_path / "p.db")
    pragma = lambda name: db.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2  # FULL
    assert pragma("busy_timeout") >= 5000


def test_the_sqlite_library_is_new_enough_for_wal() -> None:
    assert wal_is_safe(sqlite3.sqlite_version)
    assert journal_warning() is None


@pytest.mark.parametrize(
    ("version", "safe"),
    [
        ("3.51.3", True),
        ("3.53.0", True),
        ("3.51.2", False),
        ("3.45.1", False),
        ("3.50.7", True),
        ("3.50.6", False),
        ("3.44.6", True),
        ("3.44.5", False),
        ("3.7.0", False),
        ("4.0.0", True),
    ],
)
def test_wal_is_refused_on_libraries_with_the_wal_reset_bug(version: str, safe: bool) -> None:
    assert wal_is_safe(version) is safe
    assert (journal_warning(version) is None) is safe


def test_migrations_apply_once_and_reapply_as_a_no_op(tmp_path: Path) -> None:
    db = open_database(tmp_path / "p.db")
    assert state(db).version == SCHEMA_VERSION
    assert state(db).pending == []
    assert migrate(db) == []
    db.close()
    db = open_database(tmp_path / "p.db")
    rows = db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    assert rows == SCHEMA_VERSION
    assert {"staff", "patients", "audit_log", "settings"} <= set(db.table_names())


def test_tables_are_strict(tmp_path: Path) -> None:
    db = open_database(tmp_path / "p.db")
    with pytest.raises(sqlite3.IntegrityError), write(db):
        db.execute("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 'ten', 'x')")
    for table in ("staff", "patients", "audit_log", "settings", "audit_head"):
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        assert sql[0].rstrip().endswith("STRICT")


def test_write_rolls_back_everything_on_an_error(tmp_path: Path) -> None:
    db = open_database(tmp_path / "p.db")
    with pytest.raises(RuntimeError), write(db):
        db.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
        with write(db):  # a nested write joins the outer transaction
            db.execute("INSERT INTO settings (key, value) VALUES ('b', '2')")
        raise RuntimeError("power cut")
    assert db.execute("SELECT count(*) FROM settings").fetchone()[0] == 0
    assert not db.conn.in_transaction


def test_write_takes_the_write_lock_up_front(tmp_path: Path) -> None:
    db = open_database(tmp_path / "p.db")
    other = connect(tmp_path / "p.db")
    other.execute("PRAGMA busy_timeout = 0")
    # No write yet, but IMMEDIATE already holds the lock.
    with write(db), pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")


def test_a_file_that_is_not_sqlite_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list: sunscreen\n" * 100)
    before = _digest(path)
    with pytest.raises(DatabaseProblem, match="is not a frontdesk database"):
        open_database(path)
    assert _digest(path) == before


def test_another_programs_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    other = connect(path, journal=False)
    other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    other.close()
    before = _digest(path)
    with pytest.raises(DatabaseProblem, match="is not a frontdesk database"):
        open_database(path)
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists()


def test_a_database_from_a_newer_frontdesk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    db = open_database(path)
    with write(db):
        db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('frontdesk', '0099_from_the_future', '2030-01-01')"
        )
    db.close()
    with pytest.raises(DatabaseProblem, match="newer frontdesk"):
        open_database(path)


def test_a_read_only_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    open_database(path).close()
    before = _digest(path)
    path.chmod(0o444)
    try:
        with pytest.raises(DatabaseProblem, match="read-only"):
            open_database(path)
    finally:
        path.chmod(0o644)
    assert _digest(path) == before


def test_a_missing_file_is_not_created_when_not_asked(tmp_path: Path) -> None:
    with pytest.raises(DatabaseProblem, match="There is no database"):
        open_database(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


def test_migration_names_are_numbered_in_order() -> None:
    names = [name for name, _ in MIGRATIONS]
    assert names == sorted(names)
    assert all(name[:4].isdigit() for name in names)


def test_the_sqlite_module_is_the_one_sqlite_utils_uses() -> None:
    import sqlite_utils.utils

    assert sqlite3 is sqlite_utils.utils.sqlite3
    assert sqlite3.__name__ == "pysqlite3"  # the bundled, current SQLite on this platform


def test_opening_a_current_database_does_not_load_sqlite_utils(practice_path) -> None:
    code = (
        "import sys; from frontdesk.data.schema import open_database; "
        f"open_database({str(practice_path)!r}); "
        "sys.exit(1 if 'sqlite_utils' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_the_project_never_imports_the_standard_sqlite3() -> None:
    offenders = []
    for folder in ("frontdesk", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                stripped = line.strip()
                if stripped.startswith(("import sqlite3", "from sqlite3")):
                    offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []


def test_services_and_data_never_import_textual() -> None:
    code = (
        "import importlib, pkgutil, sys, frontdesk.data, frontdesk.services, frontdesk.cli\n"
        "for package in (frontdesk.data, frontdesk.services):\n"
        "    for module in pkgutil.iter_modules(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(module.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'escpos')]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_console_starts_without_importing_escpos() -> None:
    code = (
        "import sys, frontdesk.app; "
        "bad = [m for m in sys.modules if m.split('.')[0] == 'escpos']; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_an_old_sqlite_library_gets_the_rollback_journal_and_a_warning(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    from frontdesk import cli
    from frontdesk.data import db as database

    monkeypatch.setattr(database, "SQLITE_VERSION", "3.45.1")
    db = open_database(tmp_path / "old.db")
    assert db.journal == "delete"
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()
    assert cli.main(["check", "--db", str(tmp_path / "old.db")]) == 0
    out = capsys.readouterr().out
    assert "SQLite library   3.45.1" in out and "WARNING" in out
    assert "has the WAL-reset bug" in out
    assert "Journal mode     delete" in out


def test_a_database_kept_busy_too_long_is_a_message_not_a_crash(tmp_path: Path) -> None:
    from frontdesk.errors import DatabaseBusy

    db = open_database(tmp_path / "p.db")
    other = connect(tmp_path / "p.db")
    db.execute("PRAGMA busy_timeout = 0")
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(DatabaseBusy, match="nothing was saved"), write(db):
        db.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
    other.execute("ROLLBACK")
    assert db.execute("SELECT count(*) FROM settings").fetchone()[0] == 0


def test_check_reports_pending_migrations_without_applying_them(tmp_path: Path, capsys) -> None:
    from frontdesk import cli

    path = tmp_path / "old.db"
    db = open_database(path)
    with write(db):
        db.execute("DELETE FROM _sqlite_migrations WHERE name != '0001_foundation'")
    db.close()
    before = _digest(path)
    cli.main(["check", "--db", str(path)])
    assert "pending: run migrate" in capsys.readouterr().out
    assert _digest(path) == before
