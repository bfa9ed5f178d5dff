"""The close of day on the large demo: computing a date's eight steps, day sheet,
deposit slip and card batches (what F7 shows), for dates of about 500 ledger entries."""

import statistics
import time

from benchmarks.harness import BenchmarkError, Result, benchmark
from benchmarks.targets import demo_db

TZ = "America/Chicago"
ENTRIES = 500
DATES = 10
ROUNDS = 5


def _dates(db) -> list[tuple[str, int]]:
    """The closed dates whose entry count is nearest 500 (the A/R rolls from the day
    before's close, as it does at the desk)."""
    rows = db.execute(
        "SELECT business_date, count(*) AS n FROM ledger"
        " WHERE business_date IN (SELECT business_date FROM day_closes)"
        " GROUP BY business_date ORDER BY abs(n - ?) LIMIT ?",
        (ENTRIES, DATES),
    ).fetchall()
    if len(rows) < DATES:
        raise BenchmarkError("the large demo has too few closed days")
    return rows


def _raw(db, dates: list[str]) -> float:
    """Baseline: raw SQLite reading the same dates' entries summed by kind and method."""
    times = []
    for _ in range(ROUNDS):
        for day in dates:
            started = time.perf_counter()
            db.execute(
                "SELECT kind, method, count(*), sum(amount_cents) FROM ledger"
                " WHERE business_date = ? GROUP BY kind, method",
                (day,),
            ).fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


@benchmark("close_day", budget=200.0, unit="ms")
def close_day() -> Result:
    """Median time of day_close.close_of_day (every step, the day sheet with its A/R
    roll, the deposit slip, the card batches) for the 10 closed dates nearest 500
    ledger entries on the large demo, 5 rounds each; budget 200 ms."""
    import datetime as dt

    from frontdesk.data.clock import Clock
    from frontdesk.data.schema import open_database
    from frontdesk.services import day_close
    from frontdesk.services.context import Desk

    db = open_database(demo_db("large"), upgrade=False)
    desk = Desk(db=db, clock=Clock(TZ), workstation="bench", shell=True)
    chosen = _dates(db)
    days = [dt.date.fromisoformat(day) for day, _ in chosen]
    day_close.close_of_day(desk, days[0])  # warm the page cache as a day at the desk would
    times = []
    for _ in range(ROUNDS):
        for day in days:
            started = time.perf_counter()
            close = day_close.close_of_day(desk, day)
            times.append((time.perf_counter() - started) * 1000)
            if not close.step("day_sheet").done:
                raise BenchmarkError(f"the day sheet of {day} does not balance")
    raw = _raw(db, [day for day, _ in chosen])
    (total,) = db.execute("SELECT count(*) FROM ledger").fetchone()
    db.close()
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    counts = [n for _, n in chosen]
    print(
        f"  close_day: p95 {p95:.1f} ms over dates of {min(counts)}-{max(counts)} entries,"
        f" ledger {total:,} rows; baseline: raw SQLite summing a date's entries {raw:.2f} ms"
    )
    return Result(statistics.median(times), "ms", baseline=raw)
