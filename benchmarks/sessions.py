"""Many console sessions at once on this machine, as the practice server runs them: N real
processes on ptys (40 by default, FRONTDESK_BENCH_SESSIONS to change), each signed in and
idle on the appointment book of the large demo, while one more moves through 40 days;
memory per session, and key-to-paint p95 of the active one."""

import datetime as dt
import os
import statistics
import time

from benchmarks.book import DAYS, F2, PAGE_DOWN, _day_title, _practice_today, _session
from benchmarks.harness import Result, benchmark
from benchmarks.pty_session import PtySession

SESSIONS = int(os.environ.get("FRONTDESK_BENCH_SESSIONS", "40"))


def _on_the_book(session: PtySession) -> None:
    _session(session)
    session.send(F2)
    session.wait_for(_day_title(_practice_today()), 30)
    session.wait_quiet(0.2, timeout=5.0)


@benchmark("sessions", budget=100.0, unit="ms")
def sessions() -> Result:
    """p95 from a key to the day painted in one session while N-1 others sit idle on
    the book (large demo, 120x40 ptys); prints memory per session."""
    idle: list[PtySession] = []
    active = PtySession()
    try:
        for _ in range(SESSIONS - 1):
            session = PtySession()
            idle.append(session)
            _on_the_book(session)
            for other in idle:  # keep every pty drained (a full one blocks its app)
                other.read_available(0.0)
        _on_the_book(active)
        for other in idle:
            other.wait_quiet(0.2, timeout=5.0)
        times = []
        day = _practice_today()
        for _ in range(DAYS):
            day += dt.timedelta(days=1)
            started = time.perf_counter()
            active.send(PAGE_DOWN)
            active.wait_for(_day_title(day), 10)
            times.append((time.perf_counter() - started) * 1000)
            active.wait_quiet(0.1, timeout=5.0)
            for other in idle:
                other.read_available(0.0)
        memory = [s.rss_mb() for s in (*idle, active)]
    finally:
        for session in (*idle, active):
            session.close()
    print(
        f"  sessions: {SESSIONS} at once; memory per session mean {statistics.mean(memory):.1f}"
        f" MB, max {max(memory):.1f} MB, {sum(memory) / 1024:.2f} GB in all",
        flush=True,
    )
    times.sort()
    return Result(times[max(int(len(times) * 0.95) - 1, 0)], "ms")
