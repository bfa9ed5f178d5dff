"""Backups and restore: a backup taken while four processes keep posting verifies and
restores to a working database; retention keeps the right files; a folder that cannot
take a backup and a file that is not a good backup are refused with the live database
as it was."""

from __future__ import annotations

import errno
import hashlib
import multiprocessing
import shutil
from pathlib import Path

import pytest

from frontdesk.cli import main
from frontdesk.data.db import connect
from frontdesk.data.schema import open_database
from frontdesk.errors import Conflict, DatabaseProblem, Invalid, NotFound
from frontdesk.services import audit, backups
from frontdesk.services.context import Desk
from tests.conftest import FakeClock

WRITERS = 4


def _poster(path: str, number: int, started, stop, results) -> None:
    """Post card deposits as a receptionist at a workstation of its own until told."""
    try:
        from frontdesk.services import payments
        from tests.conftest import actor
        from tests.unit.money_helpers import a_patient_with_nothing_today, card, key

        db = open_database(path)
        desk = Desk(db=db, clock=FakeClock(), workstation=f"DESK-{number}")
        desk = desk.signed_in(actor(desk, "anguyen"))
        patient = a_patient_with_nothing_today(desk, skip=number)
        posted = 0
        while not stop.is_set():
            payments.post_deposit(desk, patient, [card(100 + posted)], key())
            posted += 1
            if posted == 3:
                started.release()
        db.close()
        results.put((number, posted))
    except Exception as error:  # reported to the parent, which fails the test
        started.release()
        results.put((number, repr(error)))


def _digest(path: Path) -> str:
    db = connect(path)
    try:
        rows = db.execute("SELECT count(*), coalesce(sum(amount_cents), 0) FROM ledger").fetchone()
        audits = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        return f"{rows}/{audits}"
    finally:
        db.close()


def test_a_backup_while_four_processes_post_verifies_and_restores(
    practice_path: Path, tmp_path: Path, clock: FakeClock
) -> None:
    context = multiprocessing.get_context("spawn")
    started, stop, results = context.Semaphore(0), context.Event(), context.Queue()
    workers = [
        context.Process(target=_poster, args=(str(practice_path), n, started, stop, results))
        for n in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    try:
        for _ in workers:
            assert started.acquire(timeout=120)
        (tmp_path / "out").mkdir()
        done = backups.backup(practice_path, clock, tmp_path / "out", made_by="test")
    finally:
        stop.set()
        outcomes = dict(results.get(timeout=120) for _ in workers)
        for worker in workers:
            worker.join(timeout=30)
    assert all(isinstance(n, int) and n >= 3 for n in outcomes.values()), outcomes
    assert done is not None and done.verified and done.size_bytes > 0
    assert backups.verify_file(done.path) == ""
    copy = connect(done.path)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copied = copy.execute("SELECT count(*) FROM postings WHERE workstation LIKE 'DESK-%'")
    copied = copied.fetchone()[0]
    copy.close()
    live = connect(practice_path)
    total = live.execute("SELECT count(*) FROM postings WHERE workstation LIKE 'DESK-%'")
    assert 0 < copied <= total.fetchone()[0] == sum(outcomes.values())
    recorded = live.execute("SELECT verified, made_by, path FROM backups").fetchall()
    live.close()
    assert recorded == [(1, "test", done.path)]
    # Restored, it is a working database: it opens, its audit chain holds, it takes a write.
    aside = backups.restore(practice_path, done.path, clock)
    assert aside.exists() and _digest(aside) != _digest(practice_path)
    db = open_database(practice_path)
    desk = Desk(db=db, clock=clock, workstation="CHECK", shell=True)
    restored = db.execute("SELECT count(*) FROM postings WHERE workstation LIKE 'DESK-%'")
    assert restored.fetchone()[0] == copied
    assert audit.verify_chain(desk).ok
    with desk.writing():
        audit.record(desk, "after the restore")
    db.close()


def test_retention_keeps_the_newest_days_and_one_copy_a_month(
    practice_path: Path, tmp_path: Path, clock: FakeClock
) -> None:
    folder = tmp_path / "nightly"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup: never removed")
    for _ in range(40):  # Nov 24 .. Jan 2
        done = backups.backup(practice_path, clock, folder, keep_daily=3, keep_monthly=2)
        clock.advance(days=1)
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "frontdesk-daily-2026-12-31.db",
        "frontdesk-daily-2027-01-01.db",
        "frontdesk-daily-2027-01-02.db",
        "frontdesk-monthly-2026-12.db",
        "frontdesk-monthly-2027-01.db",
        "notes.txt",
    ]
    assert done.removed == ("frontdesk-daily-2026-12-30.db",)
    assert all(backups.verify_file(folder / n) == "" for n in names if n.endswith(".db"))


def test_a_folder_that_cannot_take_a_backup_is_refused(
    practice_path: Path, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _digest(practice_path)
    with pytest.raises(NotFound, match="does not exist"):
        backups.backup(practice_path, clock, tmp_path / "missing")
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("")
    with pytest.raises(Invalid, match="is not a folder"):
        backups.backup(practice_path, clock, in_the_way)
    folder = tmp_path / "full"
    folder.mkdir()
    # A folder this user may not write to (root may write anywhere, so its answer is faked).
    monkeypatch.setattr(backups.os, "access", lambda path, mode: Path(path) != folder)
    with pytest.raises(Invalid, match="cannot be written to"):
        backups.backup(practice_path, clock, folder)
    monkeypatch.undo()

    def disk_full(source, target: Path) -> None:
        target.write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups, "_copy", disk_full)
    with pytest.raises(Invalid, match="is full; nothing was replaced"):
        backups.backup(practice_path, clock, folder)
    assert list(folder.iterdir()) == []  # no partial file left behind
    db = connect(practice_path)
    failed = db.execute("SELECT verified, error FROM backups").fetchall()
    db.close()
    assert failed[-1][0] == 0 and "is full" in failed[-1][1]
    assert _digest(practice_path) == before
    # With no backup verified the manager is told; after one, not.
    db = connect(practice_path)
    assert "No verified backup yet" in backups.stale_warning(db, clock)
    db.close()
    monkeypatch.undo()
    backups.backup(practice_path, clock, folder)
    db = connect(practice_path)
    assert backups.stale_warning(db, clock) == ""
    clock.advance(hours=27)
    assert "27 hours ago" in backups.stale_warning(db, clock)
    db.close()


def test_restore_refuses_a_bad_file_and_leaves_the_live_database(
    practice_path: Path, tmp_path: Path, clock: FakeClock
) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    good = Path(backups.backup(practice_path, clock, folder).path)
    live_bytes = hashlib.sha256(practice_path.read_bytes()).hexdigest()
    corrupt = tmp_path / "corrupt.db"
    data = bytearray(good.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 8192] = b"\xff" * 8192
    corrupt.write_bytes(bytes(data))
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[: len(data) // 3])
    foreign = tmp_path / "foreign.db"
    other = connect(foreign)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.close()
    newer = tmp_path / "newer.db"
    shutil.copy(good, newer)
    future = connect(newer)
    future.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " SELECT migration_set, '9999_future', applied_at FROM _sqlite_migrations LIMIT 1"
    )
    future.close()
    for bad, message in (
        (tmp_path / "nowhere.db", "There is no file"),
        (corrupt, "damaged"),
        (truncated, "damaged"),
        (foreign, "is not a frontdesk database"),
        (newer, "made by a newer frontdesk"),
    ):
        with pytest.raises(DatabaseProblem, match=message):
            backups.restore(practice_path, bad, clock)
    assert hashlib.sha256(practice_path.read_bytes()).hexdigest() == live_bytes
    assert not list(tmp_path.glob("practice.before-restore-*"))


def test_restore_waits_for_no_writer_unless_forced(
    practice_path: Path, tmp_path: Path, clock: FakeClock
) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    good = backups.backup(practice_path, clock, folder).path
    writer = connect(practice_path)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Conflict, match="another session is writing"):
            backups.restore(practice_path, good, clock)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    aside = backups.restore(practice_path, good, clock, force=True)
    assert aside.name.startswith("practice.before-restore-")


def test_backup_and_restore_from_the_shell(practice_path: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "nightly"
    out.mkdir()
    assert main(["backup", "--db", str(practice_path), "--to", str(out)]) == 0
    said = capsys.readouterr().out
    (made,) = out.glob("frontdesk-daily-*.db")
    assert f"Backed up to {made}" in said and "integrity checked" in said
    assert main(["backup", "--db", str(practice_path), "--to", str(tmp_path / "none")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "none.db"), "--db", str(practice_path)]) == 2
    assert "Not restored: There is no file" in capsys.readouterr().err
    assert main(["restore", str(made), "--db", str(practice_path)]) == 0
    assert "The database as it was is kept as" in capsys.readouterr().out
