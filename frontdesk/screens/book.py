"""F2 Appointment book: the day by provider and room (or a week of one column).

Arrows move, PgUp/PgDn change the day (the week in the week view), `t` is today and `g`
goes to a date. Enter on a free slot books it; on an appointment it offers what can be
done. Other sessions' changes appear within two seconds: the screen asks SQLite whether
anything was committed (`PRAGMA data_version`) and repaints only when the book changed.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer

from frontdesk.data.clock import clock_text
from frontdesk.data.models import Appointment
from frontdesk.errors import FrontDeskError
from frontdesk.services import appointment_status, book, schedule
from frontdesk.services.book import STATUS_WORDS, when_text
from frontdesk.widgets.book_grid import BookGrid, build_grid
from frontdesk.widgets.dialogs import AskDialog

__all__ = ["BookScreen"]

POLL_SECONDS = 2.0


class _Line(Widget):
    """Plain text that repaints itself without a new layout (cheaper than Static)."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._text = ""

    def update(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.refresh()

    def render(self) -> Text:
        return Text(self._text, no_wrap=False)


class BookScreen(Screen[None]):
    """The appointment book."""

    TITLE = "Appointment book"
    CSS_PATH = "book.tcss"
    #: Shown in F1 help after the keys.
    HELP_NOTES = (
        ("arrows", "Move between slots and columns; more columns scroll sideways"),
        ("home / end", "First / last slot of the day"),
        ("pgdn / pgup", "Next / previous day (week, in the week view)"),
        ("✓ ● ■ ✗", "Confirmed, in the office, checked out, no-show"),
        ("+1", "Double-booked: s shows the next patient in the slot"),
    )
    AUTO_FOCUS = "#book-grid"
    BINDINGS = [
        Binding("enter", "open_cell", "Book/open"),
        Binding("b", "book", "Book here", show=False),
        Binding("s", "next_in_slot", "Next patient in slot", show=False),
        Binding("pagedown", "step(1)", "Next"),
        Binding("pageup", "step(-1)", "Prev"),
        Binding("t", "today", "Today"),
        Binding("g", "go_to", "Go to"),
        Binding("w", "toggle_week", "Week"),
        Binding("f", "find", "Find next"),
        Binding("m", "move", "Move", show=False),
        Binding("x", "cancel", "Cancel appt", show=False),
        Binding("c", "set_status('confirmed')", "Confirm", show=False),
        Binding("a", "set_status('arrived')", "Arrived", show=False),
        Binding("h", "history", "History", show=False),
        Binding("l", "app.open_place('waitlist')", "Waitlist", show=False),
        Binding("r", "app.open_place('recalls')", "Recalls", show=False),
        Binding("n", "app.open_place('no_shows')", "No-show list", show=False),
        Binding("escape", "app.back", "Back"),
    ]

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        self.day = day
        self.week_of: int | None = None  # the resource shown in the week view
        self._version: object = None
        self._data_version: int | None = None

    def compose(self) -> ComposeResult:
        yield self.app.header()
        yield _Line(id="book-title")
        yield BookGrid(id="book-grid")
        yield _Line(id="book-detail")
        yield Footer()

    def on_mount(self) -> None:
        if self.day is None:
            self.day = self.app.clock.business_date()
        self.reload(to_now=True)
        self.set_interval(POLL_SECONDS, self._poll)

    # -- loading ---------------------------------------------------------------------------

    @property
    def grid(self) -> BookGrid:
        return self.query_one("#book-grid", BookGrid)

    def _days(self) -> list[book.BookDay]:
        desk = self.app.desk
        if self.week_of is None:
            return [book.book_day(desk, self.day)]
        monday = self.day - dt.timedelta(days=self.day.weekday())
        return [
            book.book_day(desk, monday + dt.timedelta(days=n), (self.week_of,)) for n in range(7)
        ]

    def reload(self, *, to_now: bool = False, force: bool = False) -> None:
        """Read the book again; repaint only if something on it changed."""
        try:
            days = self._days()
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self._data_version = self.app.db.data_version()
        version = (
            self.day,
            self.week_of,
            tuple((d.version, d.hours, d.closed) for d in days),
        )
        if version == self._version and not force:
            return
        self._version = version
        model = build_grid(
            days, self.app.settings.slot_minutes, self.app.clock.tz, by_day=self.week_of is not None
        )
        grid = self.grid
        row = column = None
        if to_now:
            now = self.app.clock.local_now()
            minute = now.hour * 60 + now.minute if now.date() == self.day else 8 * 60
            row = 0
            grid.show(model, row=row)
            row = grid.row_for(minute)
        if self.week_of is not None:
            column = self.day.weekday()
        grid.show(model, column=column, row=row)
        self._show_title(days)
        self._show_detail()  # now, so that the day is painted in one frame

    def _poll(self) -> None:
        # Only while the book is on screen (alone or under a dialog): repainting a covered
        # screen repaints the whole terminal. It reads again when it comes back.
        stack = self.app.screen_stack
        under_dialog = isinstance(stack[-1], ModalScreen) and stack[-2:-1] == [self]
        if stack[-1] is not self and not under_dialog:
            return
        if self.app.db.data_version() != self._data_version:
            self.reload()

    def on_screen_resume(self) -> None:
        if self._data_version is not None and self.app.db.data_version() != self._data_version:
            self.reload()

    def _show_title(self, days: list[book.BookDay]) -> None:
        count = sum(1 for d in days for a in d.appointments if a.status != "no_show")
        if self.week_of is None:
            title = f"{self.day:%A %m/%d/%Y}  ·  {count} appointments"
            if days[0].closed:
                title += f"  ·  CLOSED: {days[0].closed}"
        else:
            name = days[0].resources[0].name if days[0].resources else "?"
            monday = days[0].day
            title = f"{name}  ·  week of {monday:%a %m/%d/%Y}  ·  {count} appointments"
        self.query_one("#book-title", _Line).update(title)

    @on(BookGrid.CursorMoved)
    def _show_detail(self) -> None:
        grid = self.grid
        column, minute = grid.current_column, grid.current_minute
        detail = self.query_one("#book-detail", _Line)
        if column is None or minute is None:
            detail.update("No providers or rooms on the book yet: a manager adds them (F8).")
            return
        if self.week_of is not None and column.day != self.day:
            self.day = column.day
        items = grid.current_items
        appointment = grid.current_appointment
        if appointment is not None:
            others = grid.current_holders - (appointment.status != "no_show")
            detail.update(self._describe(appointment, others))
        elif items and items[0].block is not None:
            block = items[0].block
            detail.update(
                f"{column.day:%a %m/%d} {clock_text(minute)}  {column.title}: blocked "
                f"({block.kind}{': ' + block.note if block.note else ''})"
            )
        else:
            open_now = column.open_at(minute, grid.model.slot) and column.closed is None
            where = f"{column.day:%a %m/%d} {clock_text(minute)}  {column.title}"
            detail.update(
                f"{where}: free. Enter books it."
                if open_now
                else f"{where}: outside working hours"
                + (f" (closed: {column.closed})" if column.closed else "")
                + ". A manager can override."
            )

    def _describe(self, item: Appointment, others: int) -> str:
        """Two lines that fit 80 columns: who, what, status; then the rest."""
        tz = self.app.clock.tz
        first = (
            f"{when_text(item.starts_at, tz)} {item.resource_name}: {item.patient_name}"
            f" · {item.type_name} {item.minutes}m · {STATUS_WORDS[item.status]}"
        )
        extras = [f"acct {item.account_no}"]
        if others > 0:
            extras.append(f"+{others} double-booked (s: next)")
        if item.override_reason:
            extras.append(f"override: {item.override_reason}")
        if item.notes:
            extras.append(item.notes)
        return first + "\n" + " · ".join(extras)

    # -- moving around ---------------------------------------------------------------------

    def action_next_in_slot(self) -> None:
        if not self.grid.next_in_slot():
            self.app.show_error("Only one appointment here; s shows the others of a double-book.")

    def action_step(self, direction: int) -> None:
        self.day += dt.timedelta(days=7 if self.week_of is not None else 1) * direction
        self.reload()

    def action_today(self) -> None:
        self.day = self.app.clock.business_date()
        self.reload(to_now=True)

    def action_go_to(self) -> None:
        def go(day: dt.date | None) -> None:
            if day is not None:
                self.day = day
                self.reload(to_now=True)

        self.app.push_screen(
            AskDialog(
                "Go to a date",
                "Date (MM/DD/YYYY, or MM/DD)",
                lambda text: schedule.read_date(text, today=self.app.clock.business_date()),
                value=f"{self.day:%m/%d/%Y}",
            ),
            go,
        )

    def action_toggle_week(self) -> None:
        column = self.grid.current_column
        if self.week_of is None:
            if column is None:
                return
            self.week_of = column.resource_id
            self.day = column.day
        else:
            self.week_of = None
        self.reload(force=True)
        if self.week_of is None and column is not None:
            for n, each in enumerate(self.grid.model.columns):
                if each.resource_id == column.resource_id:
                    self.grid.move_to(n, self.grid.row)

    # -- acting on the cell ----------------------------------------------------------------

    def _slot(self) -> tuple[int, dt.date, int] | None:
        column, minute = self.grid.current_column, self.grid.current_minute
        if column is None or minute is None:
            return None
        return column.resource_id, column.day, minute

    def action_open_cell(self) -> None:
        appointment = self.grid.current_appointment
        if appointment is not None:
            from frontdesk.screens.book_dialogs import AppointmentActions

            self.app.push_screen(AppointmentActions(appointment), self._act)
            return
        items = self.grid.current_items
        if items and items[0].block is not None:
            self.app.show_error("That time is blocked; a manager can remove the block (F8).")
            return
        self.action_book()

    def _act(self, action: str | None) -> None:
        if action:
            # After the menu has closed, so the action's own dialog opens over the book.
            self.call_later(self.run_action, action)

    def action_book(self) -> None:
        from frontdesk.screens.booking import BookingDialog, Prefill

        slot = self._slot()
        if slot is None:
            return
        resource_id, day, minute = slot
        self.app.push_screen(
            BookingDialog(Prefill(resource_id=resource_id, day=day, minute=minute)),
            self.booked,
        )

    def booked(self, appointment: Appointment | None, *, verb: str = "Booked") -> None:
        """After a booking or move: show it on the book."""
        if appointment is None:
            self.reload()
            return
        local = self.app.clock.local(appointment.starts_at)
        self.day = local.date()
        self.reload(force=True)
        for n, column in enumerate(self.grid.model.columns):
            if column.resource_id == appointment.resource_id and column.day == self.day:
                self.grid.move_to(n, self.grid.row_for(local.hour * 60 + local.minute))
        when = when_text(appointment.starts_at, self.app.clock.tz)
        self.app.notify(
            f"{verb} {appointment.patient_name}: {when}, {appointment.resource_name}.",
            timeout=4,
            markup=False,
        )

    def _appointment_or_say(self) -> Appointment | None:
        appointment = self.grid.current_appointment
        if appointment is None:
            self.app.show_error("There is no appointment here. Move onto one first.")
        return appointment

    def action_set_status(self, status: str) -> None:
        appointment = self._appointment_or_say()
        if appointment is None:
            return
        try:
            appointment_status.set_status(self.app.desk, appointment.id, status)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self.reload()
        self.app.notify(
            f"{appointment.patient_name}: {STATUS_WORDS[status]}.", timeout=3, markup=False
        )

    def action_move(self) -> None:
        from frontdesk.screens.booking import BookingDialog, Prefill

        appointment = self._appointment_or_say()
        if appointment is None:
            return
        local = self.app.clock.local(appointment.starts_at)
        self.app.push_screen(
            BookingDialog(
                Prefill(
                    patient_id=appointment.patient_id,
                    patient_name=appointment.patient_name,
                    type_id=appointment.type_id,
                    resource_id=appointment.resource_id,
                    day=local.date(),
                    minute=local.hour * 60 + local.minute,
                    minutes=appointment.minutes,
                    notes=appointment.notes,
                    moving=appointment,
                )
            ),
            lambda moved: self._moved(appointment, moved),
        )

    def _moved(self, old: Appointment, new: Appointment | None) -> None:
        self.booked(new, verb="Moved")
        if new is not None:
            self._offer_waitlist(old)

    def action_cancel(self) -> None:
        from frontdesk.screens.book_dialogs import CancelDialog

        appointment = self._appointment_or_say()
        if appointment is None:
            return

        def cancel(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            reason, note = answer
            try:
                appointment_status.cancel(self.app.desk, appointment.id, reason, note)
            except FrontDeskError as error:
                self.app.show_error(error)
                return
            self.reload()
            self.app.notify(f"Cancelled {appointment.patient_name}.", timeout=3, markup=False)
            self._offer_waitlist(appointment)

        self.app.push_screen(CancelDialog(appointment, self.app.clock.tz), cancel)

    def _offer_waitlist(self, freed: Appointment) -> None:
        """A slot just opened: show the waitlist entries that fit it, book one if asked."""
        from frontdesk.screens.book_dialogs import WaitlistMatches
        from frontdesk.screens.booking import BookingDialog, Prefill
        from frontdesk.services import waitlist

        try:
            matches = waitlist.matches_for_opening(
                self.app.desk, freed.resource_id, freed.starts_at, freed.ends_at
            )
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        if not matches:
            return

        def book_match(entry) -> None:
            if entry is None:
                return
            local = self.app.clock.local(freed.starts_at)
            minute = local.hour * 60 + local.minute
            now = self.app.clock.local_now()
            if local < now:  # the slot has begun: offer what is left of it, on the grid
                slot = self.app.settings.slot_minutes
                minute = -(-(now.hour * 60 + now.minute) // slot) * slot
            self.app.push_screen(
                BookingDialog(
                    Prefill(
                        patient_id=entry.patient_id,
                        patient_name=entry.patient_name,
                        type_id=entry.type_id,
                        resource_id=freed.resource_id,
                        day=local.date(),
                        minute=minute,
                        notes=entry.notes,
                        waitlist_id=entry.id,
                    )
                ),
                self.booked,
            )

        self.app.push_screen(WaitlistMatches(freed, matches, self.app.clock.tz), book_match)

    def action_history(self) -> None:
        from frontdesk.screens.book_dialogs import HistoryDialog

        appointment = self._appointment_or_say()
        if appointment is None:
            return
        try:
            history = book.events(self.app.desk, appointment.id)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self.app.push_screen(HistoryDialog(appointment, history, self.app.clock.tz))

    def action_find(self) -> None:
        column = self.grid.current_column
        from frontdesk.screens.booking import start_booking

        start_booking(self.app, resource_id=column.resource_id if column else None)
