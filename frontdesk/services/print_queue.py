"""The print queue (`print_jobs`): what the sending worker claims, marks printed or puts
back with its error, and what the screens show of it.

A job is claimed by one worker at a time (a lease: `claimed_by` until `claimed_until`),
so two sessions of one workstation never send it both. It is marked printed only after
the printer took it; a failure puts it back with its error and a time to try again,
backing off from 5 seconds to 2 minutes. Nothing is ever deleted: a job that will never
print can be cancelled by a manager, and any receipt queued again as a reprint.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from frontdesk.data.clock import day_bounds, from_stored, to_stored
from frontdesk.data.db import write
from frontdesk.errors import Conflict, NotFound
from frontdesk.services import audit

if TYPE_CHECKING:
    import arrow

    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.data.printer_models import PrintJob, QueueState
    from frontdesk.services.context import Desk

__all__ = [
    "LEASE_SECONDS",
    "backoff_seconds",
    "cancel",
    "claim",
    "day_jobs",
    "mark_failed",
    "mark_printed",
    "retry_now",
    "seconds_to_next",
    "state",
]

#: How long a claim holds: longer than connecting and sending together (3 s + 5 s).
LEASE_SECONDS = 60
_FIRST_RETRY = 5
_LONGEST_WAIT = 120
_JOB = "SELECT id, workstation, printer, kind, payload, reprint, kick, attempts FROM print_jobs"


def backoff_seconds(attempts: int) -> int:
    """The wait before the next try after `attempts` failed ones: 5, 10, 20 ... 120 s."""
    return min(_LONGEST_WAIT, _FIRST_RETRY * 2 ** max(0, attempts - 1))


def _job(row: tuple) -> PrintJob:
    from frontdesk.data.printer_models import PrintJob

    id_, workstation, printer, kind, payload, reprint, kick, attempts = row
    return PrintJob(
        id=id_, workstation=workstation, printer=printer, kind=kind, payload=payload,
        reprint=bool(reprint), kick=bool(kick), attempts=attempts,
    )  # fmt: skip


def claim(
    db: FrontDeskDatabase, workstation: str, worker: str, now: arrow.Arrow
) -> PrintJob | None:
    """The oldest job of `workstation` that is due and not claimed by another worker,
    now claimed by `worker` (its attempt counted); None when there is none."""
    stamp = to_stored(now)
    with write(db):
        row = db.execute(
            f"{_JOB} WHERE status = 'pending' AND workstation = ?"
            " AND (next_try_at IS NULL OR next_try_at <= ?)"
            " AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY id LIMIT 1",
            (workstation, stamp, stamp),
        ).fetchone()
        if row is None:
            return None
        until = to_stored(now.shift(seconds=LEASE_SECONDS))
        db.execute(
            "UPDATE print_jobs SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1"
            " WHERE id = ?",
            (worker, until, row[0]),
        )
    return _job(row).model_copy(update={"attempts": row[-1] + 1})


def mark_printed(db: FrontDeskDatabase, job_id: int, worker: str, now: arrow.Arrow) -> bool:
    """The printer took job `job_id`: printed, unless `worker` no longer holds it."""
    with write(db):
        return bool(
            db.execute(
                "UPDATE print_jobs SET status = 'printed', printed_at = ?, last_error = '',"
                " claimed_until = NULL WHERE id = ? AND claimed_by = ? AND status = 'pending'",
                (to_stored(now), job_id, worker),
            ).rowcount
        )


def mark_failed(
    db: FrontDeskDatabase, job_id: int, worker: str, error: str, now: arrow.Arrow
) -> None:
    """Job `job_id` did not print: back in the queue with `error`, due again after the
    back-off for its attempts."""
    with write(db):
        row = db.execute("SELECT attempts FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            return
        due = to_stored(now.shift(seconds=backoff_seconds(row[0])))
        db.execute(
            "UPDATE print_jobs SET last_error = ?, next_try_at = ?, claimed_until = NULL"
            " WHERE id = ? AND claimed_by = ? AND status = 'pending'",
            (error[:300], due, job_id, worker),
        )


def seconds_to_next(db: FrontDeskDatabase, workstation: str, now: arrow.Arrow) -> float | None:
    """Seconds until the next waiting job of `workstation` is due (0 if one is due now),
    or None when nothing waits."""
    row = db.execute(
        "SELECT min(max(coalesce(next_try_at, ''), coalesce(claimed_until, '')))"
        " FROM print_jobs WHERE status = 'pending' AND workstation = ?",
        (workstation,),
    ).fetchone()
    if row is None or row[0] is None:
        return None
    if not row[0]:
        return 0.0
    return max(0.0, (from_stored(row[0]) - now).total_seconds())


def state(db: FrontDeskDatabase, workstation: str) -> QueueState:
    """How `workstation`'s queue stands: jobs waiting, how many failed, the last error."""
    from frontdesk.data.printer_models import QueueState

    waiting, failing = db.execute(
        "SELECT count(*), coalesce(sum(last_error <> ''), 0) FROM print_jobs"
        " WHERE status = 'pending' AND workstation = ?",
        (workstation,),
    ).fetchone()
    error = db.execute(
        "SELECT last_error FROM print_jobs WHERE status = 'pending' AND workstation = ?"
        " AND last_error <> '' ORDER BY id DESC LIMIT 1",
        (workstation,),
    ).fetchone()
    return QueueState(waiting=waiting, failing=failing, last_error=error[0] if error else "")


def retry_now(desk: Desk) -> int:
    """Make this workstation's waiting jobs due at once (the printer is back); returns
    how many wait."""
    with desk.writing():
        return desk.db.execute(
            "UPDATE print_jobs SET next_try_at = NULL WHERE status = 'pending' AND workstation = ?",
            (desk.workstation,),
        ).rowcount


def cancel(desk: Desk, job_id: int) -> None:
    """Stop a waiting job from printing (it stays on record). Manager only."""
    desk.require_manager("cancel a print job")
    with desk.writing():
        row = desk.db.execute(
            "SELECT status, kind FROM print_jobs WHERE id = ?", (job_id,)
        ).fetchone()
        if row is None:
            raise NotFound("There is no such print job.")
        if row[0] != "pending":
            raise Conflict(f"That job is {row[0]} already.")
        desk.db.execute(
            "UPDATE print_jobs SET status = 'cancelled', claimed_until = NULL WHERE id = ?",
            (job_id,),
        )
        audit.record(desk, "print job cancelled", "print_jobs", job_id, row[1])


def day_jobs(desk: Desk, day: dt.date) -> list[dict]:
    """The print jobs queued on `day` (practice time), newest first: kind, status, tries,
    last error, the local time queued and, for a receipt, its number and patient."""
    since, until = day_bounds(day, desk.clock.tz)
    rows = desk.db.query(
        "SELECT j.id, j.kind, j.posting_id, j.status, j.reprint, j.attempts, j.last_error,"
        " j.created_at, j.printed_at, j.workstation, p.kind AS posting_kind,"
        " coalesce(pt.first_name || ' ' || substr(pt.last_name, 1, 1) || '.', '') AS patient"
        " FROM print_jobs j LEFT JOIN postings p ON p.id = j.posting_id"
        " LEFT JOIN patients pt ON pt.id = p.patient_id"
        " WHERE j.created_at >= ? AND j.created_at < ? AND j.kind <> 'drawer_kick'"
        " ORDER BY j.id DESC",
        (since, until),
    )
    from frontdesk.services.ledger import receipt_number

    for row in rows:
        row["number"] = receipt_number(row["posting_id"]) if row["posting_id"] else ""
        row["time"] = desk.clock.local(row["created_at"]).format("h:mma").lower()
    return rows
