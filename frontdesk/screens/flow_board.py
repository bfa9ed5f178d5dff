"""F4 Flow board: today's patients by where they are, from scheduled to checked out.

One table, grouped by status in the order a visit moves (scheduled, arrived, roomed,
with provider, ready for check-out, checked out, no-show), each row with its minutes in
the status and the wait since arrival; a wait over the practice's alert minutes is marked
"!" and coloured. Keys move a visit along (room it, with the provider, ready for
check-out) and open check-in and check-out.

It reads the board again when it comes back on top and every 30 seconds while it is on
top, but only when something may have changed (another session committed, or a minute
went by), and it repaints only the cells that changed: an idle board sends nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from frontdesk.data.clock import clock_text
from frontdesk.data.money_models import FlowRow
from frontdesk.errors import FrontDeskError
from frontdesk.services import appointment_status, visits
from frontdesk.services.book import STATUS_WORDS, local_time
from frontdesk.services.ledger import MONEY_ROLES
from frontdesk.widgets.form import fit

__all__ = ["FlowBoardScreen"]

POLL_SECONDS = 30.0

# Column widths that keep the table (and its scrollbar) on an 80-column terminal.
_PATIENT_WIDTH = 15
_COLUMN_WIDTH = 10
_TYPE_WIDTH = 11
_STATUS_WIDTH = 11
# Short status words for the table (the counts line and F1 help use the full ones).
_SHORT = {
    "booked": "booked",
    "confirmed": "confirmed",
    "arrived": "arrived",
    "roomed": "roomed",
    "with_provider": "w/ provider",
    "ready_checkout": "ready c/o",
    "checked_out": "checked out",
    "no_show": "no-show",
}
# Where each status sorts on the board: its flow column's place.
_GROUP = {status: n for n, (_, statuses) in enumerate(visits.FLOW_STATUSES) for status in statuses}
# Who may check a patient in or out (the services say so again when it is done).
_CHECK_IN_FROM = (*visits.FLOW_STATUSES[0][1], *visits.IN_OFFICE)


class FlowBoardScreen(Screen[None]):
    """Today's flow board."""

    TITLE = "Flow board"
    CSS_PATH = "flow_board.tcss"
    HELP_NOTES = (
        ("Min", "Minutes in the current status (patients in the office)"),
        ("Wait", "Minutes since the patient arrived (until check-out)"),
        ("!", "Waiting longer than the practice's alert minutes"),
    )
    BINDINGS = [
        Binding("i", "check_in", "Check in"),
        Binding("r", "move('roomed')", "Roomed"),
        Binding("p", "move('with_provider')", "With provider"),
        Binding("o", "move('ready_checkout')", "Ready c/o"),
        Binding("c", "check_out", "Check out"),
        Binding("a", "refresh", "Refresh"),
        Binding("n", "next_group", "Next status group", show=False),
        Binding("escape", "app.back", "Back"),
    ]
    AUTO_FOCUS = "#fb-table"

    def __init__(self) -> None:
        super().__init__()
        #: The rows as the table shows them, top to bottom.
        self.shown: list[FlowRow] = []
        self._cells: list[tuple[Text, ...]] = []
        self._data_version: int | None = None
        self._minute: str = ""

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="fb"):
            yield Static("", id="fb-counts", markup=False)
            table: DataTable[Text] = DataTable(id="fb-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Time", "Patient", "Column", "Type", "Status", "Min", "Wait")
            yield table
            yield Static("", id="fb-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(POLL_SECONDS, self.poll)

    def on_screen_resume(self) -> None:
        # Also when first shown, and back from check-in or check-out.
        self.reload()

    # -- reading -------------------------------------------------------------------------

    def poll(self) -> None:
        """Read again if this is the top screen and something may have changed: another
        session committed, or a minute went by (the minutes on the board move on)."""
        if self.app.screen is not self:
            return
        changed = self.app.db.data_version() != self._data_version
        if changed or self.app.clock.local_now().format("HH:mm") != self._minute:
            self.reload()

    def reload(self, *, follow: int | None = None) -> None:
        """Read the board; repaint what changed, keeping the cursor on the same patient
        (or on `follow`, an appointment that just moved)."""
        try:
            rows = visits.flow_board(self.app.desk)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self._data_version = self.app.db.data_version()
        self._minute = self.app.clock.local_now().format("HH:mm")
        rows.sort(key=lambda row: _GROUP.get(row.status, len(_GROUP)))  # stable: book order
        cells = [self._cells_of(row) for row in rows]
        table = self.query_one("#fb-table", DataTable)
        current = self._current()
        keep = follow if follow is not None else current.appointment_id if current else None
        same_rows = [r.appointment_id for r in rows] == [r.appointment_id for r in self.shown]
        old_cells, self.shown, self._cells = self._cells, rows, cells
        if same_rows:
            columns = [column.key for column in table.ordered_columns]
            for row, new, old in zip(rows, cells, old_cells, strict=True):
                for column, value, was in zip(columns, new, old, strict=True):
                    if value != was:
                        table.update_cell(str(row.appointment_id), column, value)
        else:
            table.clear()
            for row, values in zip(rows, cells, strict=True):
                table.add_row(*values, key=str(row.appointment_id))
        if keep is not None and str(keep) in table.rows:
            table.move_cursor(row=table.get_row_index(str(keep)))
        self._show_counts()
        self._show_detail()

    def _cells_of(self, row: FlowRow) -> tuple[Text, ...]:
        local = local_time(row.starts_at, self.app.clock.tz)
        in_office = row.status in visits.IN_OFFICE
        wait = Text("" if row.wait_minutes is None else str(row.wait_minutes))
        if row.over_threshold:
            # The "!" says it without colour; the colour makes it stand out.
            wait = Text(f"!{row.wait_minutes}", style=f"bold {self.app.current_theme.error}")
        return (
            Text(clock_text(local.hour * 60 + local.minute)),
            Text(fit(row.patient_name, _PATIENT_WIDTH)),
            Text(fit(row.resource_name, _COLUMN_WIDTH)),
            Text(fit(row.type_name, _TYPE_WIDTH)),
            Text(fit(_SHORT.get(row.status, row.status), _STATUS_WIDTH)),
            Text(str(row.in_status_minutes) if in_office else ""),
            wait,
        )

    def _show_counts(self) -> None:
        counts = [
            (label, sum(1 for row in self.shown if row.status in statuses))
            for label, statuses in visits.FLOW_STATUSES
        ]
        text = " · ".join(f"{label} {count}" for label, count in counts)
        late = sum(1 for row in self.shown if row.over_threshold)
        if late:
            text += f" · ! {late} waiting over {self.app.settings.wait_alert_minutes} min"
        self.query_one("#fb-counts", Static).update(text)

    def _current(self) -> FlowRow | None:
        table = self.query_one("#fb-table", DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        row = self._current()
        detail = self.query_one("#fb-detail", Static)
        if row is None:
            detail.update("Nobody is on the book today.")
            return
        local = local_time(row.starts_at, self.app.clock.tz)
        parts = [
            f"{row.patient_name} #{row.account_no}",
            f"{clock_text(local.hour * 60 + local.minute)} {row.type_name}",
            STATUS_WORDS.get(row.status, row.status),
        ]
        if row.status in visits.IN_OFFICE:
            parts[-1] += f" {row.in_status_minutes} min"
        if row.wait_minutes is not None:
            parts.append(f"wait {row.wait_minutes}" + ("!" if row.over_threshold else ""))
        if row.balance:
            parts.append(f"bal {row.balance}")
        if row.fee_sheet != "none":
            parts.append(f"fee sheet {row.fee_sheet}")
        detail.update(" · ".join(parts))

    # -- actions -------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.reload()

    def action_next_group(self) -> None:
        """The cursor to the first patient of the next status group (round to the top)."""
        row = self._current()
        if row is None:
            return
        group = _GROUP.get(row.status)
        index = next(
            (n for n, r in enumerate(self.shown) if _GROUP.get(r.status, 99) > (group or 0)), 0
        )
        self.query_one("#fb-table", DataTable).move_cursor(row=index)

    def action_move(self, to_status: str) -> None:
        row = self._current()
        if row is None:
            return
        try:
            appointment_status.set_status(self.app.desk, row.appointment_id, to_status)
        except FrontDeskError as error:
            self.app.show_error(error)
        self.reload(follow=row.appointment_id)

    def _may_take_money(self, doing: str) -> bool:
        try:
            self.app.desk.require_role(MONEY_ROLES, doing)
        except FrontDeskError as error:
            self.app.show_error(error)
            return False
        return True

    def action_check_in(self) -> None:
        row = self._current()
        if row is None or not self._may_take_money("check patients in"):
            return
        if row.status not in _CHECK_IN_FROM:
            self.app.show_error(
                f"{row.patient_name} is {STATUS_WORDS.get(row.status, row.status)}; only a "
                "scheduled patient (or one in the office) is checked in."
            )
            return
        from frontdesk.screens.check_in import CheckInScreen

        self.app.push_screen(CheckInScreen(row.appointment_id))

    def action_check_out(self) -> None:
        row = self._current()
        if row is None or not self._may_take_money("check patients out"):
            return
        if row.status not in visits.IN_OFFICE:
            self.app.show_error(
                f"{row.patient_name} is {STATUS_WORDS.get(row.status, row.status)}; only a "
                "patient who is in the office is checked out."
            )
            return
        from frontdesk.screens.checkout import CheckoutScreen

        self.app.push_screen(CheckoutScreen(row.appointment_id))
