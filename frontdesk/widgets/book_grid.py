"""The appointment book's grid: time rows by columns (resources of a day, or days of a
resource), drawn line by line.

The layout (`build_grid`) is plain Python over the book's models, so it is tested without
a terminal. The widget repaints only the two cells a cursor move touches, so an arrow key
costs a few hundred bytes over SSH, and nothing at all while idle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from frontdesk.data.clock import clock_text
from frontdesk.data.models import Appointment, Block
from frontdesk.services.book import STATUS_WORDS, BookDay, wall_minutes
from frontdesk.widgets.form import fit

__all__ = ["STATUS_MARKS", "BookGrid", "GridColumn", "GridItem", "GridModel", "build_grid"]

#: A character before the patient's name says where the visit is.
STATUS_MARKS = {
    "booked": " ",
    "confirmed": "✓",
    "arrived": "●",
    "roomed": "●",
    "with_provider": "●",
    "ready_checkout": "●",
    "checked_out": "■",
    "no_show": "✗",
}
_GUTTER = 8
_MIN_WIDTH = 16
_MAX_WIDTH = 26


@dataclass(frozen=True)
class GridColumn:
    """One column: a resource on a day."""

    title: str
    day: dt.date
    resource_id: int
    hours: tuple[tuple[int, int], ...]
    closed: str | None = None

    def open_at(self, minute: int, slot: int) -> bool:
        return any(start <= minute and minute + slot <= end for start, end in self.hours)


@dataclass(frozen=True)
class GridItem:
    """An appointment or a block laid over rows `first_row`..`last_row` of a column."""

    column: int
    first_row: int
    last_row: int
    lines: tuple[str, ...]
    style: str
    appointment: Appointment | None = None
    block: Block | None = None


@dataclass
class GridModel:
    """What the grid shows: columns, the minute each row starts, and the items."""

    columns: list[GridColumn]
    rows: list[int]
    slot: int
    items: list[GridItem] = field(default_factory=list)
    cells: dict[tuple[int, int], list[GridItem]] = field(default_factory=dict)

    def at(self, column: int, row: int) -> list[GridItem]:
        return self.cells.get((column, row), [])


def _row_of(minute: int, first: int, slot: int) -> int:
    return (minute - first) // slot


def build_grid(days: list[BookDay], slot: int, tz: str, *, by_day: bool = False) -> GridModel:
    """Lay out one or more days of the book. `by_day` makes one column per day (the week
    view of a single resource); otherwise one column per resource of the first day."""
    columns: list[GridColumn] = []
    sources: list[tuple[BookDay, int]] = []
    for book in days:
        for resource in book.resources:
            title = f"{book.day:%a %m/%d}" if by_day else resource.short_name
            columns.append(
                GridColumn(
                    title=title,
                    day=book.day,
                    resource_id=resource.id,
                    hours=tuple(book.hours.get(resource.id, ())),
                    closed=book.closed,
                )
            )
            sources.append((book, resource.id))
    spans: list[tuple[int, int]] = [s for column in columns for s in column.hours]
    for book in days:
        for item in book.appointments:
            spans.append(
                (
                    wall_minutes(item.starts_at, book.day, tz),
                    wall_minutes(item.ends_at, book.day, tz),
                )
            )
    first = min([8 * 60, *(start for start, _ in spans)])
    last = max([17 * 60, *(end for _, end in spans)])
    first -= first % slot
    rows = list(range(first, min(last, 1440), slot))
    model = GridModel(columns=columns, rows=rows, slot=slot)
    index = {(book.day, resource_id): n for n, (book, resource_id) in enumerate(sources)}
    for book in days:
        for block in book.blocks:
            column = index.get((book.day, block.resource_id))
            if column is None:
                continue
            start = max(wall_minutes(block.starts_at, book.day, tz), first)
            end = min(wall_minutes(block.ends_at, book.day, tz), rows[-1] + slot)
            if end <= start:
                continue
            label = " " + block.kind.capitalize() + (f": {block.note}" if block.note else "")
            _place(model, column, start, end, (label,), "block", block=block)
        for item in book.appointments:
            column = index.get((book.day, item.resource_id))
            if column is None:
                continue
            start = wall_minutes(item.starts_at, book.day, tz)
            end = wall_minutes(item.ends_at, book.day, tz)
            mark = STATUS_MARKS.get(item.status, " ")
            lines = (
                f"{mark}{item.patient_name}",
                f" {item.type_name}",
                f" {STATUS_WORDS[item.status]}",
            )
            style = "noshow" if item.status == "no_show" else item.colour
            _place(model, column, start, max(end, start + 1), lines, style, appointment=item)
    return model


def _place(
    model: GridModel,
    column: int,
    start: int,
    end: int,
    lines: tuple[str, ...],
    style: str,
    **what: object,
) -> None:
    first_row = max(_row_of(start, model.rows[0], model.slot), 0)
    last_row = min(_row_of(end - 1, model.rows[0], model.slot), len(model.rows) - 1)
    item = GridItem(column, first_row, last_row, lines, style, **what)  # type: ignore[arg-type]
    model.items.append(item)
    for row in range(first_row, last_row + 1):
        model.cells.setdefault((column, row), []).append(item)


class BookGrid(Widget, can_focus=True):
    """Rows of time by columns; arrows move a cursor cell, Home/End go to the day's ends."""

    COMPONENT_CLASSES = {
        "book-grid--header",
        "book-grid--time",
        "book-grid--hour",
        "book-grid--free",
        "book-grid--closed",
        "book-grid--block",
        "book-grid--cursor",
        "book-grid--rule",
        "book-grid--noshow",
        "book-grid--blue",
        "book-grid--green",
        "book-grid--purple",
        "book-grid--orange",
        "book-grid--teal",
        "book-grid--pink",
        "book-grid--yellow",
        "book-grid--grey",
    }
    # Colours are xterm-256 palette values, so thin clients in 256 colours see the same.
    DEFAULT_CSS = """
    BookGrid { height: 1fr; width: 1fr; }
    BookGrid > .book-grid--header { background: #303030; color: #eeeeee; text-style: bold; }
    BookGrid > .book-grid--time { background: #1c1c1c; color: #8a8a8a; }
    BookGrid > .book-grid--hour { background: #1c1c1c; color: #d0d0d0; text-style: bold; }
    BookGrid > .book-grid--free { background: #121212; color: #585858; }
    BookGrid > .book-grid--closed { background: #262626; color: #4e4e4e; }
    BookGrid > .book-grid--block { background: #444444; color: #bcbcbc; text-style: italic; }
    BookGrid > .book-grid--cursor { background: #ffd75f; color: #000000; text-style: bold; }
    BookGrid > .book-grid--rule { background: #121212; color: #3a3a3a; }
    BookGrid > .book-grid--noshow { background: #3a3a3a; color: #ff5f5f; text-style: strike; }
    BookGrid > .book-grid--blue { background: #005f87; color: #ffffff; }
    BookGrid > .book-grid--green { background: #005f00; color: #ffffff; }
    BookGrid > .book-grid--purple { background: #5f005f; color: #ffffff; }
    BookGrid > .book-grid--orange { background: #875f00; color: #ffffff; }
    BookGrid > .book-grid--teal { background: #005f5f; color: #ffffff; }
    BookGrid > .book-grid--pink { background: #87005f; color: #ffffff; }
    BookGrid > .book-grid--yellow { background: #5f5f00; color: #ffffff; }
    BookGrid > .book-grid--grey { background: #585858; color: #ffffff; }
    """
    BINDINGS = [
        Binding("up", "move(0, -1)", "Earlier", show=False),
        Binding("down", "move(0, 1)", "Later", show=False),
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right", "move(1, 0)", "Right", show=False),
        Binding("home", "ends(-1)", "First slot", show=False),
        Binding("end", "ends(1)", "Last slot", show=False),
    ]

    @dataclass
    class CursorMoved(Message):
        """The cursor is on another cell."""

        grid: BookGrid

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = GridModel(columns=[], rows=[], slot=15)
        self.column = 0
        self.row = 0
        self._top = 0
        self._left = 0
        self._pick = 0  # which appointment of a double-booked cursor cell is shown
        self._styles: dict[str, Style] = {}

    # -- the model and the cursor ----------------------------------------------------------

    def show(self, model: GridModel, *, column: int | None = None, row: int | None = None) -> None:
        """Show `model`; the cursor keeps its place unless told where to go."""
        self.model = model
        self._pick = 0
        self.column = min(self.column if column is None else column, max(len(model.columns) - 1, 0))
        self.row = min(self.row if row is None else row, max(len(model.rows) - 1, 0))
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.CursorMoved(self))

    def row_for(self, minute: int) -> int:
        """The row holding `minute` (clamped to the grid)."""
        if not self.model.rows:
            return 0
        row = _row_of(minute, self.model.rows[0], self.model.slot)
        return min(max(row, 0), len(self.model.rows) - 1)

    @property
    def current_column(self) -> GridColumn | None:
        columns = self.model.columns
        return columns[self.column] if 0 <= self.column < len(columns) else None

    @property
    def current_minute(self) -> int | None:
        rows = self.model.rows
        return rows[self.row] if 0 <= self.row < len(rows) else None

    @property
    def current_items(self) -> list[GridItem]:
        return self.model.at(self.column, self.row)

    @property
    def current_appointment(self) -> Appointment | None:
        """The appointment under the cursor: one that holds its time before a no-show, one
        starting in this slot first; `s` (next_in_slot) steps through the others."""
        shown = _appointments(self.current_items, self.row)
        return shown[self._pick % len(shown)].appointment if shown else None

    @property
    def current_holders(self) -> int:
        """How many appointments hold the time under the cursor (2 or more: double-booked)."""
        return sum(1 for item in _appointments(self.current_items) if item.style != "noshow")

    def next_in_slot(self) -> bool:
        """Show the next appointment of a double-booked slot; False if there is only one."""
        if len(_appointments(self.current_items)) < 2:
            return False
        self._pick += 1
        self.refresh(self._cell_region(self.column, self.row))
        self.post_message(self.CursorMoved(self))
        return True

    def move_to(self, column: int, row: int) -> None:
        """Put the cursor on a cell, repainting only what changed."""
        if not self.model.rows or not self.model.columns:
            return
        column = min(max(column, 0), len(self.model.columns) - 1)
        row = min(max(row, 0), len(self.model.rows) - 1)
        if (column, row) == (self.column, self.row):
            return
        old = self._cell_region(self.column, self.row)
        self.column, self.row = column, row
        self._pick = 0
        if self._scroll_to_cursor():
            self.refresh()
        else:
            self.refresh(old, self._cell_region(column, row))
        self.post_message(self.CursorMoved(self))

    def action_move(self, columns: int, rows: int) -> None:
        self.move_to(self.column + columns, self.row + rows)

    def action_ends(self, direction: int) -> None:
        self.move_to(self.column, 0 if direction < 0 else len(self.model.rows) - 1)

    # -- geometry --------------------------------------------------------------------------

    @property
    def _column_width(self) -> int:
        count = max(len(self.model.columns), 1)
        fair = (self.size.width - _GUTTER) // count
        return min(max(fair, _MIN_WIDTH), _MAX_WIDTH)

    @property
    def _visible_columns(self) -> int:
        return max((self.size.width - _GUTTER) // self._column_width, 1)

    @property
    def _visible_rows(self) -> int:
        return max(self.size.height - 1, 1)

    def _cell_region(self, column: int, row: int) -> Region:
        x = _GUTTER + (column - self._left) * self._column_width
        return Region(x, row - self._top + 1, self._column_width, 1)

    def _scroll_to_cursor(self) -> bool:
        """Bring the cursor into view; True if the view moved."""
        top, left = self._top, self._left
        if self.row < self._top:
            self._top = self.row
        elif self.row >= self._top + self._visible_rows:
            self._top = self.row - self._visible_rows + 1
        if self.column < self._left:
            self._left = self.column
        elif self.column >= self._left + self._visible_columns:
            self._left = self.column - self._visible_columns + 1
        self._top = max(min(self._top, len(self.model.rows) - self._visible_rows), 0)
        return (top, left) != (self._top, self._left)

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_to_cursor()
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1 and event.x >= _GUTTER:
            self.move_to(
                self._left + (event.x - _GUTTER) // self._column_width,
                self._top + event.y - 1,
            )

    # -- drawing ---------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"book-grid--{name}")
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        cell = self._column_width
        columns = range(
            self._left, min(self._left + self._visible_columns, len(self.model.columns))
        )
        segments: list[Segment] = []
        if y == 0:
            header = self._style("header")
            segments.append(Segment(" " * _GUTTER, header))
            for column in columns:
                segments.append(Segment(fit(self.model.columns[column].title, cell), header))
        else:
            row = self._top + y - 1
            if row >= len(self.model.rows):
                return Strip([Segment(" " * width, self._style("free"))], width)
            minute = self.model.rows[row]
            hour = minute % 60 == 0
            label = clock_text(minute) if self.model.slot >= 10 or minute % 15 == 0 else ""
            segments.append(Segment(f"{label:>7} ", self._style("hour" if hour else "time")))
            for column in columns:
                text, style = self._cell(column, row, minute)
                if (column, row) == (self.column, self.row) and self.has_focus:
                    style = self._style("cursor")
                segments.append(Segment("│", self._style("rule")))
                segments.append(Segment(fit(text, cell - 1), style))
        used = sum(segment.cell_length for segment in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), self._style("free")))
        return Strip(segments, width).crop(0, width)

    def _cell(self, column: int, row: int, minute: int) -> tuple[str, Style]:
        items = self.model.at(column, row)
        if items:
            appointments = _appointments(items, row)
            pick = self._pick if (column, row) == (self.column, self.row) else 0
            item = appointments[pick % len(appointments)] if appointments else items[0]
            offset = row - item.first_row
            text = item.lines[offset] if offset < len(item.lines) else ""
            holders = sum(1 for each in appointments if each.style != "noshow")
            if offset == 0 and holders > 1:
                text = f"{text[:1]}+{holders - 1} {text[1:]}"
            return text, self._style(item.style if item.style in _STYLES else "blue")
        grid_column = self.model.columns[column]
        if grid_column.closed is not None:
            return (grid_column.closed if row == 0 else ""), self._style("closed")
        if grid_column.open_at(minute, self.model.slot):
            return "", self._style("free")
        return "", self._style("closed")

    def on_focus(self) -> None:
        self.refresh(self._cell_region(self.column, self.row))

    def on_blur(self) -> None:
        self.refresh(self._cell_region(self.column, self.row))


def _appointments(items: list[GridItem], row: int | None = None) -> list[GridItem]:
    """The appointments among `items`: those holding their time before no-shows, and
    those starting in `row` before those running on into it from above."""
    return sorted(
        (item for item in items if item.appointment is not None),
        key=lambda item: (item.style == "noshow", row is not None and item.first_row != row),
    )


_STYLES = {
    "block",
    "noshow",
    "blue",
    "green",
    "purple",
    "orange",
    "teal",
    "pink",
    "yellow",
    "grey",
}
