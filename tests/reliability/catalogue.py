"""The bad-input catalogue: hostile values a tired or careless person (or a pasted
clipboard) can put into any field, and a checksum of every table to show that a refused
input changed nothing."""

from __future__ import annotations

import hashlib

#: (label, text): what is typed into a field.
HOSTILE: list[tuple[str, str]] = [
    ("negative", "-5.00"),
    ("zero", "0"),
    ("zero cents", "0.00"),
    ("huge", "99999999999999999999"),
    ("fractional cent", "9.999"),
    ("exponent", "1e3"),
    ("NaN", "NaN"),
    ("infinity", "inf"),
    ("comma decimal", "1,00"),
    ("empty", ""),
    ("whitespace", " \t  "),
    ("10 000 characters", "x" * 10_000),
    ("NUL", "ab\x00cd"),
    ("control characters", "\x1b[31mred\x07\x08"),
    ("right-to-left", "\u202eevil\u202c"),
    ("combining", "e\u0301\u0301\u0301\u0301"),
    ("emoji", "💸🙂"),
    ("SQL", "'; DROP TABLE ledger; --"),
    ("card-like", "4111 1111 1111 1111"),
    ("card digits", "4111111111111111"),
    ("DST gap", "03/08/2026 2:30am"),
    ("far past", "01/01/0001"),
    ("far future", "12/31/9999"),
    ("impossible date", "02/30/2026"),
]

#: Only the labels and texts of the amount-like values (for money fields).
AMOUNTS = [item for item in HOSTILE if item[0] in {
    "negative", "zero", "zero cents", "huge", "fractional cent", "exponent", "NaN",
    "infinity", "comma decimal", "empty", "whitespace", "10 000 characters", "NUL",
    "emoji", "SQL", "card digits",
}]  # fmt: skip

#: Dates that must be refused (or, for DST, disambiguated, never shifted) where a date
#: or time is asked for.
DATES = [item for item in HOSTILE if item[0] in {
    "empty", "whitespace", "DST gap", "far past", "far future", "impossible date", "NUL",
    "10 000 characters", "emoji", "SQL",
}]  # fmt: skip


def checksum(db) -> dict[str, str]:
    """A digest of every table's rows (user tables and FTS shadow tables alike)."""
    digests = {}
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE"
            " 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]
    for name in names:
        rows = db.execute(f'SELECT * FROM "{name}"').fetchall()
        digest = hashlib.sha256()
        for row in sorted(repr(r) for r in rows):
            digest.update(row.encode("utf-8", "surrogatepass"))
        digests[name] = f"{len(rows)}:{digest.hexdigest()[:16]}"
    return digests


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows differ."""
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
