"""The print worker: a background thread per session that sends its workstation's queued
jobs to their printers, so no screen ever waits on a printer.

It has its own database connection. It looks for work when the database changes (any
session's commit, read from SQLite's `data_version`: no query while nothing happens)
and when a failed job is due again; each job is claimed, rendered, sent within the
timeouts and then marked printed, or put back with its error. `on_change` hears how
the queue stands after each try and each change (for the status line and the receipts
list), from the worker's thread.
"""

from __future__ import annotations

import itertools
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.errors import PrinterProblem
from frontdesk.printing.transports import Timeouts, send

if TYPE_CHECKING:
    import arrow

    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.data.printer_models import PrintJob, QueueState

__all__ = ["PrintWorker"]

# How often the thread looks at the database's change counter while idle.
_LOOK_SECONDS = 1.0
_serial = itertools.count(1)


class PrintWorker:
    """Sends `workstation`'s jobs from the database at `db_path`; `now` gives the UTC
    instant (the practice clock's `now`)."""

    def __init__(
        self,
        db_path: str | Path,
        workstation: str,
        now: Callable[[], arrow.Arrow],
        *,
        timeouts: Timeouts | None = None,
        on_change: Callable[[QueueState], None] | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.workstation = workstation
        self.timeouts = timeouts or Timeouts()
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{next(_serial)}"
        self._now = now
        self._on_change = on_change
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._state: QueueState | None = None

    # -- the thread -----------------------------------------------------------------------

    def start(self) -> None:
        """Start sending in the background (a daemon thread: it never holds up exit)."""
        self._thread = threading.Thread(target=self._run, name="frontdesk-print", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at the queue now (a job was queued, or the printer is back)."""
        self._wake.set()

    def stop(self, wait: float = 0.5) -> None:
        """Stop after the job in hand (waiting at most `wait` seconds for it)."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(wait)

    def _run(self) -> None:
        from frontdesk.data.db import connect
        from frontdesk.printing import escpos_bytes
        from frontdesk.services.printers import data_folder

        db = connect(self.db_path)
        escpos_bytes.use_data_dir(data_folder(db))
        seen, look, due_at = None, True, None
        try:
            while not self._stopping:
                # Another session's commit changes `data_version`; this one's own do not.
                version = db.data_version()
                if look or version != seen or (due_at is not None and self._now() >= due_at):
                    seen = version
                    due_at = self._work(db)
                look = self._wake.wait(_LOOK_SECONDS)
                self._wake.clear()
        finally:
            db.close()

    def _work(self, db: FrontDeskDatabase) -> arrow.Arrow | None:
        """Send every due job; when the next waiting one is due (None: nothing waits)."""
        from frontdesk.services import print_queue

        try:
            tried = False
            while not self._stopping and self.run_once(db):
                tried = True
            self._report(db, tried=tried)
            now = self._now()
            due_in = print_queue.seconds_to_next(db, self.workstation, now)
        except Exception:  # a busy or damaged database: the thread must outlive it
            return self._now().shift(seconds=5)
        return None if due_in is None else now.shift(seconds=due_in)

    def _report(self, db: FrontDeskDatabase, *, tried: bool = False) -> None:
        """Tell `on_change` how the queue stands when that changed or a job was tried."""
        from frontdesk.services import print_queue

        state = print_queue.state(db, self.workstation)
        if state != self._state or tried:
            self._state = state
            if self._on_change is not None:
                self._on_change(state)

    # -- one job --------------------------------------------------------------------------

    def run_once(self, db: FrontDeskDatabase) -> bool:
        """Claim and send one due job; False when none is due."""
        from frontdesk.services import print_queue

        job = print_queue.claim(db, self.workstation, self.worker_id, self._now())
        if job is None:
            return False
        try:
            self.send_job(db, job)
        except PrinterProblem as problem:
            print_queue.mark_failed(db, job.id, self.worker_id, str(problem), self._now())
        else:
            print_queue.mark_printed(db, job.id, self.worker_id, self._now())
        return True

    def send_job(self, db: FrontDeskDatabase, job: PrintJob) -> None:
        """Render `job` for its printer and send it; PrinterProblem if it did not print
        (a job that cannot be rendered is a problem too: it waits, with the reason)."""
        from frontdesk.printing.render import job_bytes
        from frontdesk.services.printers import printer_for

        printer = printer_for(db, job.workstation, job.printer)
        try:
            data = job_bytes(job, printer)
        except ValueError as error:
            raise PrinterProblem(f"{printer.name}: {error}") from error
        send(printer, data, self.timeouts)
