"""The money desk at the service, on a copy of the large demo practice (its ten years of
posted visits): one check-out posting, and twelve sessions posting at once."""

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import BenchmarkError, Result, benchmark, work_dir
from benchmarks.posting_worker import as_tenders
from benchmarks.targets import ROOT, demo_db

TZ = "America/Chicago"
CHECKOUTS = 300
WARMUP = 20
SESSIONS = 12
POSTINGS = 200
CHECKOUT_EVERY = 4  # of a session's postings, every 4th is a check-out, the rest co-pays
# Fee sheets of 2-4 lines (services, units, retail), as the check-out screen sends them.
FEE_SHEETS = (
    (("service", "99213", 1), ("service", "17000", 1)),
    (("service", "99214", 1), ("service", "17000", 1), ("service", "17003", 4)),
    (("service", "99203", 1), ("service", "11102", 1), ("product", "850012410300", 1)),
    (("service", "BOTOX-U", 40), ("product", "850012413103", 1)),
    (
        ("service", "99213", 1),
        ("service", "11102", 1),
        ("service", "11103", 2),
        ("product", "850012416104", 2),
    ),
    (("service", "COSCONSULT", 1), ("service", "IPL-FACE", 1)),
)

_copy: Path | None = None


def _commit_loop(path: str, commits: int, start, results) -> None:
    """One raw session of the baseline: `commits` transactions of one small row each,
    with the console's own pragmas (WAL, synchronous=FULL), timed one by one."""
    from frontdesk.data.db import sqlite3

    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 30000")
    times = []
    start.wait()
    for n in range(commits):
        began = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (n, at) VALUES (?, ?)", (n, time.time()))
        conn.execute("COMMIT")
        times.append((time.perf_counter() - began) * 1000)
    conn.close()
    results.put(times)


def raw_commits(sessions: int, commits: int) -> tuple[float, float]:
    """The baseline of this machine's disk: raw SQLite committing one row per transaction
    from `sessions` processes at once into a new WAL file. Returns (median ms per commit
    in one session, wall ms per commit overall)."""
    import multiprocessing

    from frontdesk.data.db import sqlite3

    path = work_dir() / f"raw-commits-{sessions}.db"
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, at REAL)")
    conn.close()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(sessions + 1)
    results = context.Queue()
    workers = [
        context.Process(target=_commit_loop, args=(str(path), commits, start, results))
        for _ in range(sessions)
    ]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    times = [t for _ in workers for t in results.get(timeout=300)]
    wall = (time.perf_counter() - began) * 1000
    for worker in workers:
        worker.join()
    median = statistics.median(times)
    return median, wall / (sessions * commits)


def _posting_db() -> Path:
    """A copy of the large demo to post into (the demo kept by FRONTDESK_BENCH_DIR stays
    as it was built), made once per run."""
    global _copy
    if _copy is None:
        source = demo_db("large")
        _copy = work_dir() / "posting-large.db"
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copy(f"{source}{suffix}", f"{_copy}{suffix}")
        _open_drawers(_copy, ["bench", *(f"DESK-{n + 1}" for n in range(SESSIONS))])
    return _copy


def _open_drawers(path: Path, workstations: list[str]) -> None:
    """A drawer open at each workstation the benchmarks post from (cash needs one)."""
    from frontdesk.data.clock import Clock
    from frontdesk.data.schema import open_database
    from frontdesk.services import drawers
    from frontdesk.services.context import Desk

    db = open_database(path)
    desk = Desk(db=db, clock=Clock(TZ), workstation="bench", shell=True)
    for name in workstations:
        drawer = drawers.save_drawer(desk, name=f"Drawer {name}", workstation=name)
        drawers.open_drawer(desk, drawer.id, {"b20": 10})
    db.close()


def _clerk(db) -> dict:
    row = db.execute(
        "SELECT id, username, full_name, role FROM staff WHERE username = 'anguyen'"
    ).fetchone()
    return {"staff_id": row[0], "username": row[1], "full_name": row[2], "role": row[3]}


def _booked(db, count: int, *, arrive: bool) -> list[tuple[int, int]]:
    """`count` visits booked from now on (appointment, patient); with `arrive`, put in
    the office, as check-in leaves them (setup, not measured). Without, the visits are
    for co-pays, and may repeat (a visit takes more than one payment)."""
    import arrow

    from frontdesk.data.clock import to_stored
    from frontdesk.data.db import write

    now = to_stored(arrow.utcnow())
    rows = db.execute(
        "SELECT a.id, a.patient_id FROM appointments a JOIN patients p ON p.id = a.patient_id"
        " WHERE a.status IN ('booked', 'confirmed') AND a.starts_at >= ? AND p.active = 1"
        " ORDER BY a.starts_at, a.id LIMIT ?",
        (now, count),
    ).fetchall()
    if not arrive and rows:
        rows = [rows[n % len(rows)] for n in range(count)]
    if len(rows) < count:
        raise BenchmarkError(f"the large demo has {len(rows)} visits to post, not {count}")
    if arrive:
        with write(db):
            db.conn.executemany(
                "UPDATE appointments SET status = 'arrived' WHERE id = ?", [(r[0],) for r in rows]
            )
    return rows


def _split(pay: int, rng: random.Random) -> list[list]:
    """Card and cash (handed over in bills, with change) for `pay` cents."""
    if pay < 200:
        return [["card", pay, 0]] if pay else []
    cash = max(100, pay * rng.randint(2, 5) // 10 // 100 * 100)
    tendered = -(-cash // 2000) * 2000
    return [["card", pay - cash, 0], ["cash", cash, tendered]]


def _due(desk, patient: int, lines) -> int:
    """What a check-out of `lines` may take: the visit's total, no more than is owed."""
    from frontdesk.services import fee_sheets, ledger

    total = sum(line.total.cents for line in fee_sheets.price_lines(desk, lines))
    return max(0, min(total, ledger.balance(desk, patient).cents + total))


@benchmark("checkout_post", budget=5.0, unit="ms")
def checkout_post() -> Result:
    """Median time of one check-out at the service (visits.check_out: a fee sheet of 2-4
    lines finalized, its charges, a card + cash split payment, the visit checked out,
    the audit rows and the receipt's print job), on the large demo: 300 after 20."""
    from frontdesk.data.clock import Clock
    from frontdesk.data.models import Actor
    from frontdesk.data.money_models import Checkout, FeeLine
    from frontdesk.data.schema import open_database
    from frontdesk.services import visits
    from frontdesk.services.context import Desk
    from frontdesk.services.ledger import new_key

    db = open_database(_posting_db())
    desk = Desk(db=db, clock=Clock(TZ), workstation="bench")
    desk = desk.signed_in(Actor(**_clerk(db), workstation="bench"))
    rng = random.Random(5)
    checkouts = []
    for appointment, patient in _booked(db, CHECKOUTS + WARMUP, arrive=True):
        lines = tuple(FeeLine(kind=k, code=c, quantity=n) for k, c, n in rng.choice(FEE_SHEETS))
        tenders = as_tenders(_split(_due(desk, patient, lines), rng))
        checkouts.append(
            Checkout(
                appointment_id=appointment,
                lines=lines,
                tenders=tenders,
                idempotency_key=new_key(),
            )
        )
    times = []
    for n, checkout in enumerate(checkouts):
        started = time.perf_counter()
        posting = visits.check_out(desk, checkout)
        elapsed = (time.perf_counter() - started) * 1000
        if posting.replayed or posting.print_job_id is None:
            raise BenchmarkError(f"check-out {n} did not post (or queue its receipt)")
        if n >= WARMUP:
            times.append(elapsed)
    (entries,) = db.execute("SELECT count(*) FROM ledger").fetchone()
    db.close()
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    raw, _ = raw_commits(1, CHECKOUTS)
    print(
        f"  checkout_post: p95 {p95:.2f} ms, ledger {entries:,} rows; baseline: one raw"
        f" SQLite commit of one row (synchronous=FULL) {raw:.2f} ms"
    )
    return Result(statistics.median(times), "ms", baseline=raw)


def _count(db) -> tuple[int, int]:
    return (
        db.execute("SELECT count(*) FROM postings").fetchone()[0],
        db.execute("SELECT count(*) FROM ledger").fetchone()[0],
    )


@benchmark("concurrent_post", budget=1.0, unit="ms/posting")
def concurrent_post() -> Result:
    """12 sessions (processes) each posting 200 at once into one file (3 co-pays by
    payments.post_payment to 1 check-out): wall time per posting overall, budget 1 ms
    (1000 postings/s). Any posting lost (postings and ledger rows counted after) or any
    "database is locked"/busy error is a FAIL."""
    from frontdesk.data.clock import Clock
    from frontdesk.data.money_models import FeeLine
    from frontdesk.data.schema import open_database
    from frontdesk.services.context import Desk

    path = _posting_db()
    db = open_database(path)
    desk = Desk(db=db, clock=Clock(TZ), workstation="bench", shell=True)
    clerk = _clerk(db)
    staff = db.execute(
        "SELECT id, username, full_name, role FROM staff WHERE role = 'receptionist'"
    ).fetchall()
    checkouts_each = -(-POSTINGS // CHECKOUT_EVERY)
    arriving = _booked(db, SESSIONS * checkouts_each, arrive=True)
    # Co-pays for other patients than those checked out: what a check-out may take is
    # worked out here, before the run.
    checked_out = {patient for _, patient in arriving}
    booked = [
        visit
        for visit in _booked(db, 4 * SESSIONS * POSTINGS, arrive=False)
        if visit[1] not in checked_out
    ][: SESSIONS * (POSTINGS - checkouts_each)]
    rng = random.Random(9)
    folder = work_dir()
    job_files = []
    for session in range(SESSIONS):
        person = staff[session % len(staff)] if staff else None
        jobs = []
        for n in range(POSTINGS):
            if n % CHECKOUT_EVERY == CHECKOUT_EVERY - 1:
                appointment, patient = arriving.pop()
                sheet = rng.choice(FEE_SHEETS)
                lines = tuple(FeeLine(kind=k, code=c, quantity=q) for k, c, q in sheet)
                jobs.append(
                    {
                        "kind": "checkout",
                        "appointment": appointment,
                        "lines": sheet,
                        "tenders": _split(_due(desk, patient, lines), rng),
                    }
                )
            else:
                appointment, patient = booked.pop()
                co_pay = rng.choice((2000, 2500, 3000, 4000, 5000))
                jobs.append(
                    {
                        "kind": "payment",
                        "appointment": appointment,
                        "patient": patient,
                        "tenders": [["card", co_pay, 0]],
                    }
                )
        file = folder / f"postings-{session}.json"
        file.write_text(
            json.dumps(
                {
                    "tz": TZ,
                    "workstation": f"DESK-{session + 1}",
                    "clerk": dict(
                        zip(("staff_id", "username", "full_name", "role"), person, strict=True)
                    )
                    if person
                    else clerk,
                    "jobs": jobs,
                }
            )
        )
        job_files.append(file)
    before = _count(db)
    db.close()

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "benchmarks.posting_worker", str(path), str(file)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for file in job_files
    ]
    try:
        for worker in workers:
            line = worker.stdout.readline()
            if line.strip() != "ready":
                raise BenchmarkError(f"a session did not start: {worker.stderr.read()[-800:]}")
        for worker in workers:  # all at once
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = []
        for worker in workers:
            line = worker.stdout.readline()
            if not line:
                raise BenchmarkError(f"a session crashed: {worker.stderr.read()[-800:]}")
            results.append(json.loads(line))
            worker.wait(timeout=60)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()

    db = open_database(path)
    after = _count(db)
    keys = [key for result in results for key in result["keys"]]
    found = 0
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found += db.execute(
            f"SELECT count(*) FROM postings WHERE idempotency_key IN ({marks})", chunk
        ).fetchone()[0]
    db.close()
    expected_entries = sum(result["entries"] for result in results)
    locked = [text for result in results for text in result["locked"]]
    errors = [text for result in results for text in result["errors"]]
    wanted = SESSIONS * POSTINGS
    lost = (
        (wanted - len(keys) - len(locked) - len(errors))
        + (len(keys) - found)
        + abs((after[0] - before[0]) - len(keys))
        + abs((after[1] - before[1]) - expected_entries)
    )
    elapsed = max(r["ended"] for r in results) - min(r["started"] for r in results)
    rate = len(keys) / elapsed if elapsed else 0.0
    _, raw = raw_commits(SESSIONS, POSTINGS)
    print(
        f"  baseline: raw SQLite, {SESSIONS} processes x {POSTINGS} one-row commits"
        f" (synchronous=FULL): {1000 / raw:.0f} commits/s, {raw:.2f} ms each"
    )
    print(
        f"  concurrent_post: {SESSIONS} x {POSTINGS} postings in {elapsed:.2f} s, {rate:.0f}/s;"
        f" {after[0] - before[0]} postings and {after[1] - before[1]} ledger rows added"
        f" ({expected_entries} expected); {lost} lost, {len(locked)} locked, {len(errors)} other"
        " errors"
    )
    if locked or errors or lost:
        shown = (locked + errors)[:3]
        raise BenchmarkError(
            f"{lost} lost, {len(locked)} 'locked' errors, {len(errors)} other errors"
            + (": " + "; ".join(shown) if shown else "")
        )
    return Result(elapsed * 1000 / len(keys), "ms/posting", baseline=raw)
