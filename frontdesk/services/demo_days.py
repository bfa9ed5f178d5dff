"""The demo money history's calendar: its days (open or closed, their instants as the
database stores them), who works which desk, and the work waiting for a later day or
for later the same day.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from frontdesk.services.demo_book import holidays

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = ["BACK", "FRONT", "OFFICE", "Calendar", "Day", "Handler", "history_days"]

#: The workstations: check-in, check-out, the manager's office.
FRONT, BACK, OFFICE = "FRONT-1", "FRONT-2", "OFFICE"


class Day:
    """A local day of the history: its business date and how its instants are written."""

    __slots__ = (
        "date",
        "epoch0",
        "index",
        "iso",
        "kept",
        "no_shows",
        "off",
        "open",
        "printed_date",
        "utc0",
        "utc1",
        "visits",
    )

    def __init__(self, index: int, date: dt.date, zone: ZoneInfo, open_: bool, kept: bool) -> None:
        noon = dt.datetime.combine(date, dt.time(12), tzinfo=zone)
        offset = noon.utcoffset()
        assert offset is not None
        self.index = index
        self.date = date
        self.iso = date.isoformat()
        self.open = open_
        self.kept = kept  # its receipts are still in the print queue
        # Business hours are far from 2 am: the whole working day has noon's offset.
        self.off = -int(offset.total_seconds()) // 3600
        self.epoch0 = int(noon.timestamp()) - 12 * 3600
        self.utc0 = self.iso
        self.utc1 = (date + dt.timedelta(days=1)).isoformat()
        self.printed_date = f"{date:%m/%d/%Y}"
        self.visits: list[tuple] = []
        self.no_shows: list[tuple] = []

    def stamp(self, s: int) -> str:
        """The stored UTC instant `s` seconds after local midnight (as clock.stamp())."""
        hour, rest = divmod(s, 3600)
        minute, second = divmod(rest, 60)
        hour += self.off
        if hour >= 24:
            return f"{self.utc1}T{hour - 24:02d}:{minute:02d}:{second:02d}.000000Z"
        return f"{self.utc0}T{hour:02d}:{minute:02d}:{second:02d}.000000Z"

    def printed(self, s: int) -> str:
        """The local time as a receipt prints it ("MM/DD/YYYY h:mm A")."""
        hour, rest = divmod(s, 3600)
        half = "AM" if hour < 12 else "PM"
        return f"{self.printed_date} {(hour % 12) or 12}:{rest // 60:02d} {half}"


#: Work for a day: handler(day, seconds after local midnight, data).
Handler = Callable[[Day, int, Any], None]


def history_days(desk: Desk, span: int, kept: int) -> list[Day]:
    """The `span` days ending today; open unless a Sunday or closed (the book's closed
    days, and every year's holidays: the history is longer than the book). Receipts are
    kept for the last `kept` days."""
    zone = ZoneInfo(desk.clock.tz)
    today = desk.clock.local_now().date()
    first = today - dt.timedelta(days=span - 1)
    closed = {row[0] for row in desk.db.execute("SELECT day FROM closed_days")}
    for year in range(first.year, today.year + 1):
        closed |= {day.isoformat() for day, _reason in holidays(year)}
    days = []
    for n in range(span):
        date = first + dt.timedelta(days=n)
        is_open = date.weekday() != 6 and date.isoformat() not in closed
        days.append(Day(n, date, zone, is_open, n >= span - kept))
    return days


class Calendar:
    """The history's days, the desks' rota, and what each day has still to do: `later`
    holds what a coming day will do, `events` what the day being posted has left."""

    def __init__(self, desk: Desk, rng: random.Random, days: list[Day]) -> None:
        self.rng = rng
        self.days = days
        self.today = days[-1]
        self.now_s = int(desk.clock.now().timestamp()) - self.today.epoch0
        staff = desk.db.execute("SELECT id, full_name, role FROM staff ORDER BY id").fetchall()
        self.receptionists = [row[0] for row in staff if row[1] and row[2] == "receptionist"]
        self.manager = next(row[0] for row in staff if row[2] == "manager")
        self.later: dict[int, list[tuple[int, int, Handler, Any]]] = {}
        self.events: list[tuple[int, int, Handler, Any]] = []
        self.seq = itertools.count()
        self._staff_the_desks(days[0])

    def _staff_the_desks(self, day: Day) -> None:
        """The receptionists at the front and back desks take turns, a day each."""
        self.front = self.receptionists[day.index % len(self.receptionists)]
        self.back = self.receptionists[(day.index + 1) % len(self.receptionists)]

    def _later(self, index: int | None, handler: Handler, data: Any, s: int | None = None) -> None:
        """Do `handler(day, s, data)` on day `index` (at a time of its working hours)."""
        if index is None:
            return
        if s is None:
            s = self.rng.randint(9 * 3600, 17 * 3600)
        self.later.setdefault(index, []).append((s, next(self.seq), handler, data))

    def _in_days(self, day: Day, low: int, high: int, handler: Handler, data: Any) -> None:
        """Do `handler` on the first open day `low` to `high` days after `day`."""
        self._later(self._open_day_after(day.index, low, high), handler, data)

    def _before(
        self, index: int, visit: tuple, low: int, high: int, handler: Handler, data: Any
    ) -> None:
        """Do `handler` on an open day some days before the visit (or, when the history
        starts that day, half an hour before it)."""
        target = self._open_day_before(index, low, high)
        self._later(target, handler, data, visit[4] - 1800 if target == index else None)

    def _soon(self, s: int, handler: Handler, data: Any) -> None:
        """Do `handler` later the same day."""
        heapq.heappush(self.events, (s, next(self.seq), handler, data))

    def _open_day_after(self, index: int, low: int, high: int) -> int | None:
        index += self.rng.randint(low, high) if high else low
        while index < len(self.days) and not self.days[index].open:
            index += 1
        return index if index < len(self.days) else None

    def _open_day_before(self, index: int, low: int, high: int) -> int:
        target = max(0, index - self.rng.randint(low, high))
        while target < index and not self.days[target].open:
            target += 1
        return target
