"""Counting cash by denomination: reading a count as typed, its total, a float made of
change, and what to leave in a drawer (the small money) with the rest for the bank."""

from __future__ import annotations

import json

from frontdesk.data.drawer_models import DENOMINATIONS
from frontdesk.data.money import Money
from frontdesk.errors import Invalid

__all__ = [
    "VALUE",
    "check_counts",
    "count_from_json",
    "count_to_json",
    "count_total",
    "float_mix",
    "parse_count",
    "split_leave",
    "subtract",
]

#: Cents of each denomination, by its key.
VALUE = {d.key: d.cents for d in DENOMINATIONS}
_LABEL = {d.key: d.label for d in DENOMINATIONS}
#: A drawer's change: the rolls and small bills a float is made of first.
_MIX = (("r25", 1), ("r10", 1), ("r5", 1), ("r1", 1), ("b1", 25), ("b5", 8), ("b10", 4))
_MOST = 99_999


def parse_count(fields: dict[str, str]) -> dict[str, int]:
    """A count as typed (denomination key -> text), as whole numbers; blank is none.
    Invalid, naming the denomination, for anything but a whole number from 0."""
    counts: dict[str, int] = {}
    for key, text in fields.items():
        if key not in VALUE:
            raise Invalid(f"There is no denomination {key!r}.")
        raw = (text or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not raw.isascii():
            what = "less than 0" if raw.startswith("-") else "not a whole number"
            raise Invalid(f"The count of {_LABEL[key]} is {what}: enter how many, 0 or more.")
        number = int(raw)
        if number > _MOST:
            raise Invalid(f"The count of {_LABEL[key]} is more than {_MOST:,}.")
        if number:
            counts[key] = number
    return counts


def check_counts(counts: dict[str, int]) -> dict[str, int]:
    """A count as held (key -> int), checked as `parse_count` checks text."""
    return parse_count({key: str(value) for key, value in counts.items()})


def count_total(counts: dict[str, int]) -> Money:
    return Money(sum(VALUE[key] * number for key, number in counts.items()))


def count_to_json(counts: dict[str, int]) -> str:
    ordered = {d.key: counts[d.key] for d in DENOMINATIONS if counts.get(d.key)}
    return json.dumps(ordered, separators=(",", ":"))


def count_from_json(text: str | None) -> dict[str, int]:
    return {key: int(value) for key, value in json.loads(text or "{}").items()}


def subtract(counts: dict[str, int], taken: dict[str, int]) -> dict[str, int]:
    left = {key: counts.get(key, 0) - taken.get(key, 0) for key in counts}
    return {key: number for key, number in left.items() if number}


def _fill(available: dict[str, int] | None, amount: int) -> tuple[dict[str, int], int]:
    """Pieces making up to `amount` cents: the change mix first, then the largest
    pieces down from a $20 (a float holds no big bills while smaller ones are there);
    from `available` (None: any number of each). Returns the pieces and the cents it
    could not make."""
    taken: dict[str, int] = {}
    left = amount

    def take(key: str, most: int) -> None:
        nonlocal left
        have = _MOST if available is None else available.get(key, 0) - taken.get(key, 0)
        number = min(most, have, left // VALUE[key])
        if number > 0:
            taken[key] = taken.get(key, 0) + number
            left -= number * VALUE[key]

    for key, most in _MIX:
        take(key, most)
    # Twenties down to pennies; fifties and hundreds only when nothing smaller is left.
    for d in sorted(DENOMINATIONS, key=lambda d: (d.cents > 2000, -d.cents)):
        take(d.key, _MOST)
    return taken, left


def float_mix(amount: Money) -> dict[str, int]:
    """A float of `amount` made of change: a roll of each coin, ones, fives, tens, then
    twenties (what is offered when a drawer has no last close to start from)."""
    pieces, _ = _fill(None, amount.cents)
    return pieces


def split_leave(counted: dict[str, int], leave: Money) -> tuple[dict[str, int], Money]:
    """What to leave in the drawer for tomorrow's float, taken from the `counted` cash
    (change first, as `float_mix`), and how much that is: no more than `leave`, less
    when the counted pieces cannot make it exactly."""
    pieces, short = _fill(counted, leave.cents)
    return pieces, Money(leave.cents - short)
