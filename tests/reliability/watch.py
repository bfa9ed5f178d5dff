"""Which tables a connection writes, statement by statement: temporary triggers (on this
connection only; the file itself is untouched) note each table an INSERT, UPDATE or
DELETE touches. A write that is rolled back takes its note with it, so what is noted is
what was committed (or is still pending in an open transaction).

Cheap enough to ask after every case, where `catalogue.checksum` reads every row.
"""

from __future__ import annotations

__all__ = ["watch", "written"]


def watch(db) -> None:
    """Note, from now on, every table `db`'s connection writes.

    The FTS index's shadow tables are left out: the index is written only through the
    patients table's triggers, and SQLite 3.53.4 crashes (SIGSEGV) when a temporary
    trigger on `patients_fts_idx` and another temporary trigger fire in one statement."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS written (name TEXT)")
    virtual = [
        row[0]
        for row in db.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%'")
    ]
    tables = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
    ).fetchall()
    for (name,) in tables:
        if any(name.startswith(f"{table}_") for table in virtual):
            continue
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute(
                f'CREATE TEMP TRIGGER IF NOT EXISTS "watch {name} {event}" AFTER {event} ON'
                f" main.\"{name}\" BEGIN INSERT INTO temp.written VALUES ('{name}'); END"
            )


def written(db) -> set[str]:
    """The tables written since the last call (or since `watch`)."""
    names = {row[0] for row in db.execute("SELECT name FROM temp.written")}
    db.execute("DELETE FROM temp.written")
    return names
