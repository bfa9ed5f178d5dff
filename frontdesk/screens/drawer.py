"""The cash drawers (F6): every drawer and its state, this workstation's first; open it
with a counted float, pay out, drop to the safe, put petty cash back, open it for no
sale, count it blind and close it with the manager's sign-off; the drawer history."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from frontdesk.data.drawer_models import Drawer, DrawerCount, DrawerSession
from frontdesk.data.money import Money
from frontdesk.errors import FrontDeskError
from frontdesk.services import drawers
from frontdesk.services.book import time_text
from frontdesk.widgets.form import ErrorLine, fit, plain

__all__ = ["DrawerHistoryScreen", "DrawerScreen"]

_STATUS = {"open": "Open", "counted": "Counted, to sign off", "closed": "Closed"}


def _clock(desk, stamp: str | None) -> str:
    return time_text(stamp, desk.clock.tz) if stamp else ""


class DrawerScreen(Screen[None]):
    """The drawers, one row each; moves go to this workstation's drawer, a count and a
    close to the highlighted one."""

    TITLE = "Cash drawers"
    CSS_PATH = "drawer.tcss"
    BINDINGS = [
        Binding("o", "open_drawer", "Open"),
        Binding("p", "move('paid_out')", "Paid-out"),
        Binding("d", "move('drop')", "Drop"),
        Binding("r", "move('replenish')", "Petty cash in"),
        Binding("n", "move('no_sale')", "No sale"),
        Binding("c", "count", "Count"),
        Binding("k", "close_drawer", "Close"),
        Binding("h", "history", "History"),
        Binding("escape", "app.back", "Back"),
    ]
    AUTO_FOCUS = "#dr-table"

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[Drawer, DrawerSession | None]] = []

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="dr"):
            yield Static("Cash drawers", classes="card-title")
            yield Static("", id="dr-here", markup=False)
            yield ErrorLine(id="dr-result")
            table: DataTable[str] = DataTable(id="dr-table", cursor_type="row")
            table.add_columns("Drawer", "Station", "Status", "Since", "By", "Float")
            yield table
            yield Static("Moves", classes="section-title")
            moves: DataTable[str] = DataTable(id="dr-moves", cursor_type="none", zebra_stripes=True)
            moves.add_columns("Time", "Move", "Amount", "To / why", "By", "Approved")
            yield moves
        yield Footer()

    def on_screen_resume(self) -> None:
        self.refresh_drawers()

    # -- what is shown -----------------------------------------------------------------------

    def refresh_drawers(self) -> None:
        desk = self.app.desk
        try:
            found = drawers.drawers(desk, active_only=True)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        here = next((d for d in found if d.workstation.lower() == desk.workstation.lower()), None)
        ordered = ([here] if here else []) + [d for d in found if d is not here]
        self._rows = [(d, drawers.current_session(desk, d.id)) for d in ordered]
        table = self.query_one("#dr-table", DataTable)
        row = table.cursor_row
        table.clear()
        for drawer, session in self._rows:
            table.add_row(
                *plain(
                    fit(drawer.name, 14),
                    fit(drawer.workstation, 9),
                    _STATUS[session.status] if session else "Closed",
                    _clock(desk, session.opened_at) if session else "",
                    fit(session.opened_by, 14) if session else "",
                    str(session.float) if session else "",
                ),
                key=str(drawer.id),
            )
        if self._rows:
            table.move_cursor(row=min(max(row, 0), len(self._rows) - 1))
        self._show_here(here)
        self._show_moves()

    def _show_here(self, here: Drawer | None) -> None:
        desk = self.app.desk
        line = self.query_one("#dr-here", Static)
        if here is None:
            line.update(
                f"Workstation {desk.workstation} has no cash drawer: take card here, or a "
                "manager adds one in Manager > Cash drawers."
            )
            return
        session = next(s for d, s in self._rows if d is here)
        if session is None:
            line.update(f"This desk's drawer: {here.name}, closed. o opens it with its float.")
        elif session.status == "counted":
            line.update(f"This desk's drawer: {here.name}, counted; a manager closes it (k).")
        else:
            line.update(
                f"This desk's drawer: {here.name}, open since {_clock(desk, session.opened_at)}"
                f" by {session.opened_by or 'the shell'}, float {session.float}."
            )

    def _selected(self) -> tuple[Drawer, DrawerSession | None] | None:
        table = self.query_one("#dr-table", DataTable)
        if not self._rows or not 0 <= table.cursor_row < len(self._rows):
            return None
        return self._rows[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "dr-table":
            self._show_moves()

    def _show_moves(self) -> None:
        table = self.query_one("#dr-moves", DataTable)
        table.clear()
        chosen = self._selected()
        if chosen is None or chosen[1] is None:
            return
        desk = self.app.desk
        for move in chosen[1].moves:
            table.add_row(
                *plain(
                    _clock(desk, move.at),
                    drawers.MOVE_WORDS[move.kind],
                    str(move.amount) if move.kind != "no_sale" else "",
                    fit(" · ".join(p for p in (move.payee, move.reason) if p), 22),
                    fit(move.staff_name, 12),
                    fit(move.approver_name, 12),
                )
            )

    def _here(self) -> tuple[Drawer, DrawerSession | None] | None:
        desk = self.app.desk
        return next(
            ((d, s) for d, s in self._rows if d.workstation.lower() == desk.workstation.lower()),
            None,
        )

    def _say(self, text: str) -> None:
        self.query_one("#dr-result", ErrorLine).success(text)

    # -- actions -----------------------------------------------------------------------------

    def action_open_drawer(self) -> None:
        from frontdesk.screens.drawer_dialogs import OpenDrawerDialog

        chosen = self._here() or self._selected()
        if chosen is None:
            self.query_one("#dr-result", ErrorLine).show("There is no drawer to open.")
            return
        drawer, session = chosen
        if session is not None:
            self.query_one("#dr-result", ErrorLine).show(f"{drawer.name} is already open.")
            return

        def opened(result: object) -> None:
            if isinstance(result, DrawerSession):
                self._say(f"{result.drawer_name} is open with a float of {result.float}.")
            self.refresh_drawers()

        offered = drawers.offered_float(self.app.desk, drawer.id)
        self.app.push_screen(OpenDrawerDialog(drawer, offered), opened)

    def action_move(self, kind: str) -> None:
        from frontdesk.screens.drawer_dialogs import MoveDialog

        here = self._here()
        if here is None or here[1] is None or here[1].status != "open":
            self.query_one("#dr-result", ErrorLine).show(
                "Open the drawer first: moves are made at the drawer of this workstation."
            )
            return

        def done(result: object) -> None:
            if result is not None:
                words = drawers.MOVE_WORDS[kind]
                amount = getattr(result, "amount", Money(0))
                self._say(f"{words}{f' {amount}' if amount else ''} recorded.")
            self.refresh_drawers()

        self.app.push_screen(MoveDialog(kind), done)

    def action_count(self) -> None:
        from frontdesk.screens.drawer_dialogs import CountDrawerDialog

        chosen = self._selected()
        if chosen is None or chosen[1] is None:
            self.query_one("#dr-result", ErrorLine).show("That drawer is not open.")
            return
        session = chosen[1]
        if session.status != "open":
            self.action_close_drawer()
            return

        def counted(result: object) -> None:
            self.refresh_drawers()
            if isinstance(result, DrawerCount):
                self._close(result.session, result)

        self.app.push_screen(CountDrawerDialog(session), counted)

    def action_close_drawer(self) -> None:
        chosen = self._selected()
        if chosen is None or chosen[1] is None:
            self.query_one("#dr-result", ErrorLine).show("That drawer is not open.")
            return
        if chosen[1].status == "open":
            self.query_one("#dr-result", ErrorLine).show(
                f"Count {chosen[0].name} first (c): a blind count of its cash, checks and card."
            )
            return
        self._close(drawers.session(self.app.desk, chosen[1].id), None)

    def _close(self, session: DrawerSession, count: DrawerCount | None) -> None:
        from frontdesk.screens.drawer_dialogs import CloseDrawerDialog, over_short_text

        def closed(result: object) -> None:
            if isinstance(result, DrawerSession):
                self._say(
                    f"{result.drawer_name} closed, {over_short_text(result.over_short)}: "
                    f"deposit {result.deposit}, {result.leave} left as float."
                )
            self.refresh_drawers()

        self.app.push_screen(CloseDrawerDialog(session, count), closed)

    def action_history(self) -> None:
        actor = self.app.actor
        if actor is None or not actor.is_manager:
            self.query_one("#dr-result", ErrorLine).show("Only a manager sees the drawer history.")
            return
        self.app.push_screen(DrawerHistoryScreen())


class DrawerHistoryScreen(Screen[None]):
    """Closed drawers over the last weeks, and over/short by drawer and by staff member,
    so a pattern shows."""

    TITLE = "Drawer history"
    CSS_PATH = "drawer.tcss"
    BINDINGS = [
        Binding("left_square_bracket", "span(-30)", "30 days back"),
        Binding("right_square_bracket", "span(30)", "30 days on"),
        Binding("escape", "app.pop_screen", "Back"),
    ]
    AUTO_FOCUS = "#dh-table"

    def __init__(self) -> None:
        super().__init__()
        self._until: dt.date | None = None

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="dh"):
            yield Static("", id="dh-title", classes="card-title", markup=False)
            yield Static("", id="dh-staff", markup=False)
            table: DataTable[str] = DataTable(id="dh-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Date", "Drawer", "Worked by", "Cash", "Checks", "Card", "Reason")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self._until = self.app.desk.clock.business_date()
        self._show()

    def action_span(self, days: int) -> None:
        assert self._until is not None
        self._until = min(
            self._until + dt.timedelta(days=days), self.app.desk.clock.business_date()
        )
        self._show()

    def _show(self) -> None:
        assert self._until is not None
        since = self._until - dt.timedelta(days=29)
        try:
            found = drawers.history(self.app.desk, since, self._until)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self.query_one("#dh-title", Static).update(
            f"Drawer history {since:%m/%d} to {self._until:%m/%d/%Y}: {len(found.rows)} closes"
        )
        staff = "; ".join(
            f"{fit(name, 16)} {off} of {closes} off, net {net}"
            for name, closes, net, off in found.by_staff
        )
        drawer_words = "; ".join(
            f"{name} {off} of {closes} off, net {net}" for name, closes, net, off in found.by_drawer
        )
        self.query_one("#dh-staff", Static).update(f"By staff: {staff}\nBy drawer: {drawer_words}")
        table = self.query_one("#dh-table", DataTable)
        table.clear()
        for row in found.rows:
            table.add_row(
                *plain(
                    f"{row.business_date:%m/%d}",
                    fit(row.drawer_name, 11),
                    fit(row.staff_name, 14),
                    _signed(row.cash),
                    _signed(row.checks),
                    _signed(row.card),
                    fit(row.reason, 20),
                )
            )


def _signed(amount: Money) -> str:
    if not amount:
        return "-"
    return f"+{amount}" if amount.cents > 0 else str(amount)
