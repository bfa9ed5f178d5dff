"""Book setup, the tabs about days: one column's own hours on one date, the practice's
closed days, and blocks (lunch, surgery, meeting, vacation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from frontdesk.data.models import BLOCK_KINDS, Block, Resource
from frontdesk.errors import Invalid
from frontdesk.screens.book_setup_pane import (
    HOURS_HINT,
    Row,
    SetupForm,
    SetupPane,
    column_choice,
    day_text,
)
from frontdesk.services import block_time, schedule, working_hours
from frontdesk.widgets.form import Choice, Field, FormRow

__all__ = [
    "BlockFilter",
    "BlockForm",
    "BlocksPane",
    "CloseDayForm",
    "ClosedPane",
    "DayHoursForm",
    "DayHoursPane",
]

#: How far ahead the blocks tab looks until the manager says otherwise.
BLOCK_DAYS_SHOWN = 30
_DATE = {"placeholder": "MM/DD/YYYY", "max_length": 10, "restrict": r"[0-9/.-]*"}


def _headings(desk) -> dict[int, str]:
    return {r.id: r.short_name for r in schedule.list_resources(desk, include_inactive=True)}


# -- one column's hours on one date -------------------------------------------------------


class DayHoursForm(SetupForm[tuple[str, int] | None]):
    """Different hours (or a day off) for one column on one date, with a note."""

    def __init__(self, resources: list[Resource], resource_id: int | None = None) -> None:
        super().__init__("Hours for one day")
        self._resources = resources
        self._resource_id = resource_id

    def fields(self) -> Iterable[Widget]:
        yield FormRow(
            "Column",
            column_choice(self._resources, self._resource_id, "bs-day-column"),
        )
        yield FormRow("Date", Field(id="bs-day-date", **_DATE))
        yield FormRow("Hours", Field("off", max_length=80, id="bs-day-hours"))
        yield Static(HOURS_HINT, classes="bs-form-note")
        yield FormRow("Note", Field(max_length=80, id="bs-day-note"))

    def save(self) -> tuple[str, int]:
        resource_id = self.choice("bs-day-column")
        if resource_id is None:
            raise Invalid("Choose the column.")
        day = schedule.read_date(self.value("bs-day-date"))
        stretches = working_hours.parse_hours(self.value("bs-day-hours"))
        outside = working_hours.set_day_hours(
            self.app.desk, resource_id, day, stretches, self.value("bs-day-note")
        )
        return f"{resource_id}:{day.isoformat()}", outside


class DayHoursPane(SetupPane):
    """Single-day hours from today on: a column's day off, or its hours that day."""

    COLUMNS = ("Date", "Column", "Hours", "Note")
    BINDINGS = [
        Binding("a", "add", "Set day's hours"),
        Binding("d", "remove", "Remove"),
    ]

    def rows(self) -> list[Row]:
        desk = self.app.desk
        headings = _headings(desk)
        days = working_hours.special_days(desk, desk.clock.business_date())
        self.caption("One column's own hours on one date (they replace its weekly hours).")
        return [
            (
                f"{d.resource_id}:{d.day.isoformat()}",
                (
                    day_text(d.day),
                    headings.get(d.resource_id, ""),
                    working_hours.hours_text(list(d.stretches)),
                    d.note,
                ),
            )
            for d in days
        ]

    def action_add(self) -> None:
        def saved(result: tuple[str, int] | None) -> None:
            if result is None:
                return
            key, outside = result
            self.refresh_list(select=key)
            message = "Saved the day's hours."
            if outside:
                message += f" {outside} booked appointment(s) that day now fall outside them."
            self.app.notify(message, timeout=6, markup=False)

        resources = schedule.list_resources(self.app.desk)
        self.app.push_screen(DayHoursForm(resources), saved)

    def action_remove(self) -> None:
        key = self.selected_or_say("day")
        if key is None:
            return
        resource_id, _, iso = key.partition(":")
        day = dt.date.fromisoformat(iso)
        heading = str(self.table.get_row(key)[1])
        self.confirm(
            "Remove the day's hours",
            f"Remove {heading}'s own hours on {day_text(day)}? Its weekly hours apply again.",
            "Remove",
            lambda: self.attempt(
                lambda: working_hours.remove_day_hours(self.app.desk, int(resource_id), day),
                f"{heading} keeps the weekly hours on {day_text(day)}.",
            ),
        )


# -- closed days -------------------------------------------------------------------------


class CloseDayForm(SetupForm[dt.date | None]):
    """Close the whole practice on one date, with the reason."""

    def __init__(self) -> None:
        super().__init__("Close the practice for a day")

    def fields(self) -> Iterable[Widget]:
        yield FormRow("Date", Field(id="bs-close-date", **_DATE))
        yield FormRow(
            "Reason",
            Field(placeholder="holiday, weather...", max_length=60, id="bs-close-reason"),
        )

    def save(self) -> dt.date:
        day = schedule.read_date(self.value("bs-close-date"))
        working_hours.close_day(self.app.desk, day, self.value("bs-close-reason"))
        return day


class ClosedPane(SetupPane):
    """The practice's closed days from today on."""

    COLUMNS = ("Date", "Reason")
    BINDINGS = [
        Binding("a", "close_day", "Close a day"),
        Binding("d", "reopen", "Reopen"),
    ]

    def rows(self) -> list[Row]:
        desk = self.app.desk
        self.caption("Days the whole practice is closed; nothing can be booked on them.")
        return [
            (c.day.isoformat(), (day_text(c.day), c.reason))
            for c in working_hours.list_closed_days(desk, desk.clock.business_date())
        ]

    def action_close_day(self) -> None:
        def saved(day: dt.date | None) -> None:
            if day is not None:
                self.refresh_list(select=day.isoformat())
                self.app.notify(f"The practice is closed on {day_text(day)}.", markup=False)

        self.app.push_screen(CloseDayForm(), saved)

    def action_reopen(self) -> None:
        key = self.selected_or_say("closed day")
        if key is None:
            return
        day = dt.date.fromisoformat(key)
        self.confirm(
            "Reopen a day",
            f"Open the practice again on {day_text(day)}? It can be booked again.",
            "Reopen",
            lambda: self.attempt(
                lambda: working_hours.reopen_day(self.app.desk, day),
                f"The practice is open on {day_text(day)}.",
            ),
        )


# -- blocks ------------------------------------------------------------------------------


class BlockForm(SetupForm[Block | None]):
    """Block time on a column: one stretch of one day, or whole days (a vacation)."""

    def __init__(self, resources: list[Resource], resource_id: int | None = None) -> None:
        super().__init__("Block time")
        self._resources = resources
        self._resource_id = resource_id

    def fields(self) -> Iterable[Widget]:
        yield FormRow(
            "Column",
            column_choice(self._resources, self._resource_id, "bs-block-column"),
        )
        yield FormRow(
            "Kind",
            Choice(
                ((kind, kind) for kind in BLOCK_KINDS),
                allow_blank=False,
                value="lunch",
                id="bs-block-kind",
            ),
        )
        yield FormRow("Date (first day)", Field(id="bs-block-date", **_DATE))
        yield FormRow(
            "Last day",
            Field(id="bs-block-last", **(_DATE | {"placeholder": "blank: the same day"})),
        )
        yield FormRow(
            "From",
            Field(placeholder="12:00pm; blank: whole days", max_length=8, id="bs-block-from"),
        )
        yield FormRow("To", Field(placeholder="1:00pm", max_length=8, id="bs-block-to"))
        yield FormRow("Note", Field(max_length=60, id="bs-block-note"))

    def save(self) -> Block:
        resource_id = self.choice("bs-block-column")
        if resource_id is None:
            raise Invalid("Choose the column.")
        day = schedule.read_date(self.value("bs-block-date"), "first day")
        last = self.value("bs-block-last")
        start, end = self.value("bs-block-from"), self.value("bs-block-to")
        return block_time.add_block_on(
            self.app.desk,
            resource_id,
            self.choice("bs-block-kind"),
            day,
            start_minute=schedule.read_time(start, "start") if start.strip() else None,
            end_minute=schedule.read_time(end, "end") if end.strip() else None,
            last_day=schedule.read_date(last, "last day") if last.strip() else None,
            note=self.value("bs-block-note"),
        )


class BlockFilter(SetupForm[tuple[int | None, dt.date, dt.date] | None]):
    """Which blocks the tab lists: one column or all, from one date to another."""

    def __init__(
        self, resources: list[Resource], resource_id: int | None, first: dt.date, last: dt.date
    ) -> None:
        super().__init__("Show blocks")
        self._resources, self._resource_id = resources, resource_id
        self._first, self._last = first, last

    def fields(self) -> Iterable[Widget]:
        yield FormRow(
            "Column",
            Choice(
                [("every column", 0), *((r.short_name, r.id) for r in self._resources)],
                allow_blank=False,
                value=self._resource_id or 0,
                id="bs-filter-column",
            ),
        )
        yield FormRow("From", Field(f"{self._first:%m/%d/%Y}", id="bs-filter-from", **_DATE))
        yield FormRow("To", Field(f"{self._last:%m/%d/%Y}", id="bs-filter-to", **_DATE))

    def save(self) -> tuple[int | None, dt.date, dt.date]:
        first = schedule.read_date(self.value("bs-filter-from"), "first day")
        last = schedule.read_date(self.value("bs-filter-to"), "last day")
        resource_id = self.choice("bs-filter-column") or None
        block_time.upcoming_blocks(self.app.desk, first, last, resource_id)  # checks the range
        return resource_id, first, last


class BlocksPane(SetupPane):
    """Blocks on the book in a date range, on one column or all."""

    COLUMNS = ("When", "Column", "Kind", "Note")
    BINDINGS = [
        Binding("a", "add", "Block time"),
        Binding("d", "remove", "Remove"),
        Binding("f", "filter", "Show..."),
    ]

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._resource_id: int | None = None
        self._first: dt.date | None = None
        self._last: dt.date | None = None

    def rows(self) -> list[Row]:
        desk = self.app.desk
        if self._first is None or self._last is None:
            self._first = desk.clock.business_date()
            self._last = self._first + dt.timedelta(days=BLOCK_DAYS_SHOWN)
        headings = _headings(desk)
        blocks = block_time.upcoming_blocks(desk, self._first, self._last, self._resource_id)
        where = headings.get(self._resource_id, "") if self._resource_id else "every column"
        self.caption(
            f"{len(blocks)} block(s), {where}, {self._first:%m/%d/%Y}-{self._last:%m/%d/%Y}"
            " (f: other columns or dates)"
        )
        return [
            (
                str(b.id),
                (
                    block_time.block_span(b, desk.clock.tz),
                    headings.get(b.resource_id, ""),
                    b.kind,
                    b.note,
                ),
            )
            for b in blocks
        ]

    def action_add(self) -> None:
        def saved(block: Block | None) -> None:
            if block is not None:
                self.refresh_list(select=str(block.id))
                span = block_time.block_span(block, self.app.desk.clock.tz)
                self.app.notify(f"Blocked {span} ({block.kind}).", markup=False)

        resources = schedule.list_resources(self.app.desk)
        self.app.push_screen(BlockForm(resources, self._resource_id), saved)

    def action_remove(self) -> None:
        key = self.selected_or_say("block")
        if key is None:
            return
        when, heading, kind, _ = (str(cell) for cell in self.table.get_row(key))
        self.confirm(
            "Remove a block",
            f"Remove the {kind} block on {heading}, {when}? The time can be booked again.",
            "Remove",
            lambda: self.attempt(
                lambda: block_time.remove_block(self.app.desk, int(key)),
                f"Removed the {kind} block on {heading}, {when}.",
            ),
        )

    def action_filter(self) -> None:
        def chosen(result: tuple[int | None, dt.date, dt.date] | None) -> None:
            if result is not None:
                self._resource_id, self._first, self._last = result
                self.refresh_list()

        resources = schedule.list_resources(self.app.desk, include_inactive=True)
        first = self._first or self.app.desk.clock.business_date()
        last = self._last or first
        self.app.push_screen(BlockFilter(resources, self._resource_id, first, last), chosen)
