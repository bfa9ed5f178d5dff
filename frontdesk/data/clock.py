"""Time: UTC instants stored, the practice's local time shown, DST handled honestly.

A `Clock` is the one source of "now" (tests pass a fixed one). Wall-clock times that do
not exist (spring forward) are refused; times that exist twice (fall back) must say which.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import arrow

from frontdesk.errors import BadTime, echo

__all__ = [
    "Clock",
    "check_time_zone",
    "clock_text",
    "day_bounds",
    "from_stored",
    "local_wall_time",
    "parse_date",
    "parse_time_of_day",
    "to_stored",
]

Which = Literal["earlier", "later"]


def check_time_zone(name: str) -> str:
    """Return `name` if it is an IANA time zone (e.g. America/Chicago), else BadTime."""
    name = (name or "").strip()
    if not name:
        raise BadTime("Enter the practice's time zone, e.g. America/New_York.")
    # Area/City names only: abbreviations such as EST ignore daylight saving time.
    if name not in available_timezones() or ("/" not in name and name != "UTC"):
        raise BadTime(f"'{echo(name)}' is not a time zone; use a name like America/Chicago.")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise BadTime(f"'{echo(name)}' is not a time zone on this server.") from error
    return name


def local_wall_time(
    day: dt.date, time: dt.time, tz: str, *, which: Which | None = None
) -> arrow.Arrow:
    """The instant at wall-clock `time` on `day` in zone `tz`.

    Raises BadTime when the time falls in a DST gap (it never happens that day) or in a
    DST fold (it happens twice) and `which` does not say the earlier or later one.
    """
    zone = ZoneInfo(tz)
    naive = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0))
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    # A gap: the wall time does not survive a round trip through UTC.
    back = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        raise BadTime(
            f"{time:%H:%M} does not exist on {day:%a %d %b %Y}: the clocks jump forward "
            "then. Choose another time."
        )
    if first.utcoffset() != second.utcoffset():
        if which is None:
            raise BadTime(
                f"{time:%H:%M} happens twice on {day:%a %d %b %Y} (the clocks go back): "
                "say the earlier or the later one."
            )
        chosen = first if which == "earlier" else second
        return arrow.Arrow.fromdatetime(chosen.astimezone(dt.UTC))
    return arrow.Arrow.fromdatetime(first.astimezone(dt.UTC))


def parse_date(text: str) -> dt.date | None:
    """A date typed as MM/DD/YYYY (also with - or .) or YYYY-MM-DD; None if it is not a
    real date. Two-digit years are not guessed."""
    text = text.strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text, re.ASCII)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text, re.ASCII)
        if not match:
            return None
        month, day, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_time_of_day(text: str) -> int | None:
    """Minutes after midnight for a time typed as 9:30, 09:30, 930, 9:30am, 1:30 pm or
    13:30; None if it is not a time of day. As on a clinic's book, 1:00 to 6:59 without
    am/pm is the afternoon (01:30 or 1:30am is the night)."""
    raw = text.strip().lower().replace(" ", "").replace(".", "")
    match = re.fullmatch(r"(\d{1,2}):?(\d{2})?(am|pm|a|p)?", raw, re.ASCII)
    if not match or (match.group(2) is None and len(match.group(1)) > 2):
        match = re.fullmatch(r"(\d{1,2})(\d{2})(am|pm|a|p)?", raw, re.ASCII)
        if not match:
            return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = match.group(3)
    if minute > 59:
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    elif hour > 23:
        return None
    elif 1 <= hour <= 6 and not match.group(1).startswith("0"):
        hour += 12
    return hour * 60 + minute


def clock_text(minute: int) -> str:
    """Minutes after midnight as the desk reads them: 9:30am, 12:15pm."""
    hour, rest = divmod(minute % 1440, 60)
    return f"{(hour % 12) or 12}:{rest:02d}{'am' if hour < 12 else 'pm'}"


def day_bounds(day: dt.date, tz: str) -> tuple[str, str]:
    """The stored instants of local midnight starting `day` and the next day (BadTime for
    a day at the very end of the calendar, which has no next midnight)."""
    if day >= dt.date.max:
        raise BadTime(
            f"{day:%m/%d}/{day.year:04d} is past the end of the calendar; check the year."
        )
    zone = ZoneInfo(tz)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return to_stored(start), to_stored(end)


def to_stored(instant: arrow.Arrow | dt.datetime) -> str:
    """A UTC instant as stored in the database: ISO 8601, 'Z', microseconds (a naive
    datetime is taken as UTC)."""
    moment = instant.datetime if isinstance(instant, arrow.Arrow) else instant
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def from_stored(text: str) -> arrow.Arrow:
    """The inverse of `to_stored`."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return arrow.Arrow.fromdatetime(moment.astimezone(dt.UTC))


class Clock:
    """Now, in UTC and in the practice's zone. `source` is replaceable for tests.

    Inside `held()` "now" stands still (for this thread): one posting, its entries, its
    audit rows and the visit's status change all carry the same instant.
    """

    def __init__(self, tz: str = "UTC", source: Callable[[], arrow.Arrow] | None = None):
        self.tz = tz
        self._source = source or arrow.utcnow
        self._held = threading.local()

    def now(self) -> arrow.Arrow:
        """The current UTC instant."""
        held = getattr(self._held, "instant", None)
        return held if held is not None else self._source().to("UTC")

    @contextlib.contextmanager
    def held(self) -> Iterator[arrow.Arrow]:
        """Hold "now" at this instant until the block ends (a block inside another keeps
        the outer one's instant)."""
        instant = getattr(self._held, "instant", None)
        if instant is not None:
            yield instant
            return
        instant = self.now()
        self._held.instant = instant
        self._held.stamp = to_stored(instant)
        self._held.day = instant.to(self.tz).date()
        try:
            yield instant
        finally:
            self._held.instant = None

    def local_now(self) -> arrow.Arrow:
        """The current instant in the practice's zone."""
        return self.now().to(self.tz)

    def business_date(self) -> dt.date:
        """Today's date at the practice (a business date is a local date)."""
        if getattr(self._held, "instant", None) is not None:
            return self._held.day
        return self.local_now().date()

    def local(self, instant: arrow.Arrow | str) -> arrow.Arrow:
        """An instant (or a stored one) shown in the practice's zone."""
        moment = from_stored(instant) if isinstance(instant, str) else instant
        return moment.to(self.tz)

    def stamp(self) -> str:
        """Now, as stored."""
        if getattr(self._held, "instant", None) is not None:
            return self._held.stamp
        return to_stored(self.now())
