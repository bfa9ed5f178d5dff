"""The appointment book on a real pty, large demo practice: key to painted when opening a
day and moving to the next, and bytes written per arrow key and while idle."""

import datetime as dt
import statistics
import time

from benchmarks.harness import BenchmarkError, Result, benchmark
from benchmarks.pty_session import PtySession
from benchmarks.targets import ROOT, demo_db, frontdesk_cmd

WIDE = (120, 40)
F2 = b"\x1bOQ"
PAGE_DOWN = b"\x1b[6~"
DOWN, RIGHT, UP, LEFT = b"\x1b[B", b"\x1b[C", b"\x1b[A", b"\x1b[D"
# A receptionist signs in and opens the book.
RECEPTIONIST = ((b"anguyen\r", "Password"), (b"frontdesk\r", "Signed"))
DAYS = 40


def _session(session: PtySession) -> None:
    session.start(frontdesk_cmd(demo_db("large")), *WIDE, cwd=ROOT)
    session.wait_for("Username", 20)
    for keys, marker in RECEPTIONIST:
        session.wait_quiet(0.2, timeout=5.0)
        session.send(keys)
        session.wait_for(marker, 20)
    session.wait_quiet(0.3, timeout=5.0)


def _day_title(day: dt.date) -> str:
    return f"{day:%A %m/%d/%Y}"


def _appointments_per_day(first: dt.date, days: int) -> float:
    """How full the days measured were (read with the project's own SQLite module)."""
    from frontdesk.data.clock import day_bounds
    from frontdesk.data.db import connect

    db = connect(demo_db("large"))
    counts = []
    for n in range(days):
        start, end = day_bounds(first + dt.timedelta(days=n), "America/Chicago")
        (count,) = db.execute(
            "SELECT count(*) FROM appointments WHERE starts_at >= ? AND starts_at < ?"
            " AND status != 'cancelled'",
            (start, end),
        ).fetchone()
        if count:
            counts.append(count)
    db.close()
    return statistics.mean(counts) if counts else 0.0


@benchmark("book_day", budget=50.0, unit="ms")
def book_day() -> Result:
    """p95 from a key to the day painted: F2 opens today, then PgDn to each next day
    (40 days, 6 columns, large demo), at 120x40 on a real pty."""
    times = []
    with PtySession() as session:
        _session(session)
        started = time.perf_counter()
        session.send(F2)
        session.wait_for(_day_title(_practice_today()), 20)
        times.append((time.perf_counter() - started) * 1000)
        session.wait_quiet(0.2, timeout=5.0)
        day = _practice_today()
        for _ in range(DAYS):
            day += dt.timedelta(days=1)
            started = time.perf_counter()
            session.send(PAGE_DOWN)
            session.wait_for(_day_title(day), 10)
            times.append((time.perf_counter() - started) * 1000)
            session.wait_quiet(0.1, timeout=5.0)
    mean = _appointments_per_day(_practice_today(), DAYS + 1)
    print(f"  book_day: {mean:.0f} appointments per open day measured")
    times.sort()
    p95 = times[max(int(len(times) * 0.95) - 1, 0)]
    return Result(p95, "ms")


def _practice_today() -> dt.date:
    import zoneinfo

    return dt.datetime.now(zoneinfo.ZoneInfo("America/Chicago")).date()


@benchmark("book_bytes", budget=2048.0, unit="bytes")
def book_bytes() -> Result:
    """Largest number of bytes written for one arrow key in the book at 120x40 (60 keys
    around the day), then the bytes of 10 idle seconds, which must be 0."""
    per_key = []
    with PtySession() as session:
        _session(session)
        session.send(F2)
        session.wait_for(_day_title(_practice_today()), 20)
        session.wait_quiet(0.5, timeout=5.0)
        keys = [DOWN] * 20 + [RIGHT] * 5 + [UP] * 10 + [LEFT] * 5 + [DOWN] * 20
        for key in keys:
            before = session.bytes_written
            session.send(key)
            session.read_available(2.0)
            session.wait_quiet(0.15, timeout=3.0)
            per_key.append(session.bytes_written - before)
        # The header's clock ticks once a minute: keep the idle window inside one minute.
        if 60 - time.localtime().tm_sec < 12:
            time.sleep(60 - time.localtime().tm_sec + 1)
            session.wait_quiet(0.5, timeout=5.0)
        before = session.bytes_written
        time.sleep(10)
        session.read_available(0.0)
        idle = session.bytes_written - before
    if idle:
        raise BenchmarkError(f"{idle} bytes written in 10 idle seconds (budget: 0)")
    return Result(float(max(per_key)), "bytes")
