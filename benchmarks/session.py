"""Whole-session budgets on a real pty (startup time, memory) against a bare Textual app."""

import statistics
from collections.abc import Callable

from benchmarks.harness import Result, benchmark
from benchmarks.pty_session import PtySession
from benchmarks.targets import BARE, ROOT, Target, frontdesk_target

MARKER_TIMEOUT_S = 20.0


def interleaved(
    measure: Callable[[Target], float], target: Target, runs: int, warmup: int
) -> tuple[float, float]:
    """Medians of `measure` for target and BARE, alternating so drift hits both alike."""
    samples: dict[str, list[float]] = {"target": [], "bare": []}
    for i in range(runs + warmup):
        order = [("target", target), ("bare", BARE)]
        for key, t in order if i % 2 == 0 else reversed(order):
            value = measure(t)
            if i >= warmup:
                samples[key].append(value)
    return statistics.median(samples["target"]), statistics.median(samples["bare"])


def seconds_to_marker(target: Target) -> float:
    """Seconds from fork until the target's marker word is on the terminal."""
    with PtySession() as session:
        session.start(target.cmd, 80, 24, cwd=ROOT)
        return session.wait_for(target.marker, MARKER_TIMEOUT_S)


def rss_signed_in(target: Target) -> float:
    """RSS in MB once the target is signed in (its steps done) and the output settled."""
    with PtySession() as session:
        session.start(target.cmd, 80, 24, cwd=ROOT)
        session.wait_for(target.marker, MARKER_TIMEOUT_S)
        for keys, marker in target.steps:
            session.wait_quiet(0.2, timeout=5.0)
            session.send(keys)
            session.wait_for(marker, MARKER_TIMEOUT_S)
        session.wait_quiet(0.5, timeout=5.0)
        return session.rss_mb()


@benchmark("startup", budget=1.5)
def startup() -> Result:
    """Process start to login screen shown on an 80x24 pty; median of 6 after 1 warm-up."""
    measured, baseline = interleaved(seconds_to_marker, frontdesk_target(), runs=6, warmup=1)
    return Result(measured * 1000, "ms", baseline * 1000)


@benchmark("memory", budget=1.6)
def memory() -> Result:
    """RSS of a session signed in with the appointment book open (today, small demo),
    settled, vs the bare app; median of 3."""
    measured, baseline = interleaved(rss_signed_in, frontdesk_target(), runs=3, warmup=0)
    return Result(measured, "MB", baseline)
