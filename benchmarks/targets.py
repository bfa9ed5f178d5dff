"""What the benchmarks launch: the one place to change commands and marker words."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import BenchmarkError, work_dir

ROOT = Path(__file__).resolve().parent.parent
FRONTDESK = [sys.executable, "-m", "frontdesk"]
WORKSTATION = "bench"
# The login form label, written contiguously once the login screen is painted.
LOGIN_MARKER = "Username"
BARE_MARKER = "Ready"
# Sign in as the demo manager; Today shows "Signed in: ...".
SIGN_IN_STEPS = ((b"dokafor\r", "Password"), (b"frontdesk\r", "Signed"))
# ... and open the appointment book (F2): the title counts the day's appointments.
BOOK_STEPS = (*SIGN_IN_STEPS, (b"\x1bOQ", "appointments"))
BARE_CMD = [sys.executable, str(Path(__file__).with_name("bare_app.py"))]


def frontdesk_cmd(db: Path) -> list[str]:
    """Command that starts a frontdesk session on `db`."""
    return [*FRONTDESK, "--db", str(db), "--workstation", WORKSTATION]


def demo_cmd(db: Path, scale: str) -> list[str]:
    """Command that builds a demo database at `db`."""
    return [*FRONTDESK, "demo", "--db", str(db), "--scale", scale, "--no-open"]


@dataclass(frozen=True)
class Target:
    """A command to run on a pty and the word that shows it is ready."""

    name: str
    cmd: list[str]
    marker: str
    # Keys sent once the marker shows, each followed by the word that shows it worked:
    # how the memory benchmark gets a signed-in session.
    steps: tuple[tuple[bytes, str], ...] = ()


BARE = Target("bare", BARE_CMD, BARE_MARKER)


def use_bare_target() -> bool:
    """FRONTDESK_BENCH_TARGET=bare measures the bare app against itself (harness check)."""
    return os.environ.get("FRONTDESK_BENCH_TARGET", "") == "bare"


_demo_dbs: dict[str, Path] = {}
DEMO_TIMEOUT_S = {"small": 300.0, "large": 3600.0}


def demo_db(scale: str = "small") -> Path:
    """A demo database of `scale`, built once per run; FRONTDESK_BENCH_DIR keeps them
    (demo-small.db, demo-large.db) between runs."""
    if scale in _demo_dbs:
        return _demo_dbs[scale]
    keep = os.environ.get("FRONTDESK_BENCH_DIR")
    db = (Path(keep) if keep else work_dir()) / f"demo-{scale}.db"
    if not db.exists():
        try:
            done = subprocess.run(
                demo_cmd(db, scale),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=DEMO_TIMEOUT_S.get(scale, 600.0),
            )
        except subprocess.TimeoutExpired as e:
            raise BenchmarkError(f"demo --scale {scale} timed out after {e.timeout:.0f} s") from e
        if done.returncode != 0 or not db.exists():
            tail = (done.stderr or done.stdout).strip()[-800:]
            raise BenchmarkError(f"demo --scale {scale} failed ({done.returncode}): {tail}")
    _demo_dbs[scale] = db
    return db


def frontdesk_target(scale: str = "small") -> Target:
    """frontdesk up to its login screen (or the bare app, see use_bare_target)."""
    if use_bare_target():
        return BARE
    return Target("frontdesk", frontdesk_cmd(demo_db(scale)), LOGIN_MARKER, BOOK_STEPS)
