"""Several processes writing through the one write helper at once: nothing lost, no errors."""

import multiprocessing
from pathlib import Path

import pytest

from frontdesk.data.db import write
from frontdesk.data.schema import SCHEMA_VERSION, open_database
from frontdesk.errors import Conflict
from frontdesk.services import accounts, audit
from frontdesk.services.context import Desk
from tests.conftest import FakeClock

WRITERS = 8
WRITES_EACH = 150


def _writer(path: str, number: int, start, results) -> None:
    try:
        db = open_database(path)
        desk = Desk(db=db, clock=FakeClock(), workstation=f"WS-{number}", shell=True)
        start.wait()
        for i in range(WRITES_EACH):
            # Read, then write, then audit: the pattern that fails with a deferred BEGIN.
            with write(db):
                count = db.execute("SELECT count(*) FROM settings").fetchone()[0]
                db.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?)",
                    (f"w{number}-{i}", str(count)),
                )
                audit.record(desk, "test write", "settings", None, f"{number}/{i}")
        db.close()
        results.put((number, "ok"))
    except Exception as error:  # reported to the parent, which fails the test
        results.put((number, repr(error)))


def test_eight_processes_write_at_once_with_no_errors_and_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    open_database(path).close()
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(target=_writer, args=(str(path), n, start, results)) for n in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes == {n: "ok" for n in range(WRITERS)}
    db = open_database(path)
    assert db.execute("SELECT count(*) FROM settings").fetchone()[0] == WRITERS * WRITES_EACH
    desk = Desk(db=db, clock=FakeClock(), workstation="CHECK", shell=True)
    chain = audit.verify_chain(desk)
    assert chain.ok, chain.problem
    assert chain.rows == WRITERS * WRITES_EACH
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _add_same_username(path: str, number: int, start, results) -> None:
    db = open_database(path)
    desk = Desk(db=db, clock=FakeClock(), workstation=f"WS-{number}", shell=True)
    start.wait()
    try:
        accounts.add_staff(
            desk, "newhire", f"New Hire {number}", "receptionist", "correct-horse-9", "2580"
        )
        results.put("added")
    except Conflict as error:
        results.put(f"conflict: {error}")
    finally:
        db.close()


@pytest.mark.parametrize("attempt", range(2))
def test_two_sessions_creating_one_username_one_wins_the_other_is_told(
    practice_path: Path, attempt: int
) -> None:
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(target=_add_same_username, args=(str(practice_path), n, start, results))
        for n in range(2)
    ]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = sorted(results.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes[0] == "added"
    assert outcomes[1] == "conflict: The username 'newhire' is already taken."
    db = open_database(practice_path)
    assert db.execute("SELECT count(*) FROM staff WHERE username = 'newhire'").fetchone()[0] == 1


def _open_new(path: str, start, results) -> None:
    start.wait()
    try:
        open_database(path).close()
        results.put("ok")
    except Exception as error:
        results.put(repr(error))


def test_sessions_starting_on_a_new_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(target=_open_new, args=(str(path), start, results)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes == ["ok"] * 4
    db = open_database(path)
    assert db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
