"""One desk session of the concurrent posting benchmark (`concurrent_post`).

`python -m benchmarks.posting_worker DB JOBS`: reads its postings from the JSON file JOBS,
signs in, prints "ready", waits for a line on stdin, posts them one after the other at
the service (payments.post_payment or visits.check_out) and prints one JSON line: when it
started and ended, the keys it posted, the ledger entries they should have made, and every
error (a "locked"/"busy" one apart).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def as_tenders(items: list[list]) -> tuple:
    """Tenders from [method, cents, cents handed over (cash; 0: none)] lists."""
    from frontdesk.data.money import Money
    from frontdesk.data.money_models import Tender

    return tuple(
        Tender(
            method=method,
            amount=Money(cents),
            tendered=Money(tendered) if tendered else None,
            card_brand="Visa" if method == "card" else "",
            card_last4="4242" if method == "card" else "",
            auth_code="A1B2C3" if method == "card" else "",
        )
        for method, cents, tendered in items
    )


def main(db_path: str, jobs_path: str) -> int:
    from frontdesk.data.clock import Clock
    from frontdesk.data.models import Actor
    from frontdesk.data.money_models import Checkout, FeeLine
    from frontdesk.data.schema import open_database
    from frontdesk.services import fee_sheets, payments, visits
    from frontdesk.services.context import Desk
    from frontdesk.services.ledger import new_key

    spec = json.loads(Path(jobs_path).read_text())
    db = open_database(db_path)
    clerk = spec["clerk"]
    desk = Desk(
        db=db,
        clock=Clock(spec["tz"]),
        workstation=spec["workstation"],
        actor=Actor(**clerk, workstation=spec["workstation"]),
    )

    prepared = []
    for job in spec["jobs"]:
        key = new_key()  # as the money screen makes it when it opens
        if job["kind"] == "payment":
            prepared.append((key, job, as_tenders(job["tenders"]), None, len(job["tenders"])))
        else:
            lines = tuple(
                FeeLine(kind=kind, code=code, quantity=n) for kind, code, n in job["lines"]
            )
            charged = sum(1 for line in fee_sheets.price_lines(desk, lines) if line.total)
            checkout = Checkout(
                appointment_id=job["appointment"],
                lines=lines,
                tenders=as_tenders(job["tenders"]),
                idempotency_key=key,
            )
            prepared.append((key, job, None, checkout, charged + len(job["tenders"])))
    print("ready", flush=True)
    sys.stdin.readline()
    posted, entries, locked, errors = [], 0, [], []
    started = time.time()
    for key, job, paid, checkout, expected in prepared:
        try:
            if checkout is None:
                payments.post_payment(
                    desk,
                    job["patient"],
                    paid,
                    key,
                    appointment_id=job["appointment"],
                    note="co-pay",
                )
            else:
                visits.check_out(desk, checkout)
        except Exception as error:  # counted, not fatal: the run reports every one
            text = f"{type(error).__name__}: {error}"
            (locked if "locked" in text or "busy" in text else errors).append(text)
            continue
        posted.append(key)
        entries += expected
    ended = time.time()
    db.close()
    print(
        json.dumps(
            {
                "started": started,
                "ended": ended,
                "keys": posted,
                "entries": entries,
                "locked": locked,
                "errors": errors,
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
