"""Today's receipts: every receipt and printout queued on a day at any workstation, with
whether it printed, how many tries and why it did not; a receipt is previewed or printed
again (marked REPRINT) from here, a waiting job retried now or (a manager) cancelled."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from frontdesk.errors import FrontDeskError
from frontdesk.services import print_queue, printers, receipts
from frontdesk.widgets.dialogs import ConfirmDialog
from frontdesk.widgets.form import ErrorLine, fit, plain

__all__ = ["ReceiptsScreen"]

_KIND_WORDS = {
    "receipt": "receipt",
    "statement": "statement",
    "day_sheet": "day sheet",
    "deposit": "deposit slip",
    "drawers": "drawer closes",
    "drawer_close": "drawer close",
    "test": "test page",
}
_STATUS_WORDS = {"pending": "waiting", "printed": "printed", "cancelled": "cancelled",
                 "failed": "failed"}  # fmt: skip


class ReceiptsScreen(Screen[None]):
    """The day's jobs, newest first; [ and ] move a day."""

    TITLE = "Today's receipts"
    BINDINGS = [
        Binding("enter", "preview", "Preview"),
        Binding("r", "reprint", "Reprint"),
        Binding("t", "retry", "Retry now"),
        Binding("x", "cancel_job", "Cancel job"),
        Binding("left_square_bracket", "day(-1)", "Day before"),
        Binding("right_square_bracket", "day(1)", "Day after"),
        Binding("escape", "app.back", "Back"),
    ]
    DEFAULT_CSS = """
    ReceiptsScreen #rc { padding: 0 1; }
    ReceiptsScreen #rc-table { height: 1fr; }
    ReceiptsScreen #rc-why { height: 2; color: $warning; }
    """
    AUTO_FOCUS = "#rc-table"

    def __init__(self) -> None:
        super().__init__()
        self._day: dt.date | None = None
        self._rows: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="rc"):
            yield Static("Today's receipts", classes="card-title", id="rc-title")
            yield Static("", id="rc-printer", markup=False)
            yield ErrorLine(id="rc-result")
            table: DataTable[str] = DataTable(id="rc-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Time", "Receipt", "What", "Patient", "Desk", "Status")
            yield table
            yield Static("", id="rc-why", markup=False)
        yield Footer()

    def on_screen_resume(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        desk = self.app.desk
        self._day = self._day or desk.clock.business_date()
        table = self.query_one("#rc-table", DataTable)
        current = self._selected_key()
        try:
            rows = print_queue.day_jobs(desk, self._day)
            printer = printers.printer_for(desk.db, desk.workstation)
            state = print_queue.state(desk.db, desk.workstation)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        today = self._day == desk.clock.business_date()
        self.query_one("#rc-title", Static).update(
            "Today's receipts" if today else f"Receipts of {self._day:%a %m/%d/%Y}"
        )
        waiting = f"{state.waiting} waiting" if state.waiting else "nothing waiting"
        if printer.id:
            where = f"{printer.name} ({printer.where[:30]})"
        else:  # the built-in file printer: its file is beside the database
            where = "the built-in file printer (printed/)"
        self.query_one("#rc-printer", Static).update(f"This desk prints on {where}: {waiting}.")
        self._rows = {str(r["id"]): r for r in rows}
        table.clear()
        for key, r in self._rows.items():
            status = _STATUS_WORDS.get(r["status"], r["status"])
            if r["status"] == "pending" and r["attempts"]:
                status = f"{r['attempts']} tries"
            what = _KIND_WORDS.get(r["kind"], r["kind"]) + (" REPRINT" if r["reprint"] else "")
            table.add_row(
                *plain(r["time"], r["number"], fit(what, 16), fit(r["patient"], 14),
                       r["workstation"], status),
                key=key,
            )  # fmt: skip
        keys = list(self._rows)
        if current in keys:
            table.move_cursor(row=keys.index(current))
        self._show_why()

    def printer_news(self) -> None:
        """The print worker tried a job or the queue changed: read the list again."""
        self.refresh_list()

    @on(DataTable.RowHighlighted, "#rc-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_why()

    @on(DataTable.RowSelected, "#rc-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_preview()

    def _show_why(self) -> None:
        """Under the list: why the highlighted job has not printed (its last error)."""
        key = self._selected_key()
        row = self._rows.get(key) if key else None
        why = ""
        if row is not None and row["status"] == "pending" and row["last_error"]:
            why = f"Not printed yet: {row['last_error']}"
        elif row is not None and row["status"] == "cancelled":
            why = "Cancelled: it will not print."
        self.query_one("#rc-why", Static).update(why)

    def _selected_key(self) -> str | None:
        table = self.query_one("#rc-table", DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def _chosen(self) -> dict | None:
        key = self._selected_key()
        if key is None:
            self.app.show_error("There is no receipt to choose.")
            return None
        return self._rows.get(key)

    def _receipt_of(self) -> dict | None:
        row = self._chosen()
        if row is not None and not row["posting_id"]:
            self.app.show_error("That is a printout; print it again from its own screen.")
            return None
        return row

    def action_preview(self) -> None:
        from frontdesk.widgets.receipt_dialog import ReceiptDialog

        row = self._receipt_of()
        if row is None:
            return
        try:
            receipt = receipts.build_receipt(self.app.desk, row["posting_id"])
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self.app.push_screen(ReceiptDialog(receipt, row["posting_id"]))

    def action_reprint(self) -> None:
        row = self._receipt_of()
        if row is None:
            return
        if row["status"] == "pending":
            # It prints once the printer is back: a reprint now makes two copies.
            self.app.push_screen(
                ConfirmDialog(
                    "Not printed yet",
                    f"Receipt {row['number']} is still waiting for the printer and prints "
                    "when it is back. Print a second copy as well?",
                    yes="Reprint",
                ),
                lambda yes: self._reprint(row) if yes else None,
            )
            return
        self._reprint(row)

    def _reprint(self, row: dict) -> None:
        try:
            receipts.reprint(self.app.desk, row["posting_id"])
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self.app.wake_printer()
        self._day = self.app.desk.clock.business_date()
        self.refresh_list()
        self.query_one("#rc-result", ErrorLine).success(f"Receipt {row['number']} reprint queued.")

    def action_retry(self) -> None:
        try:
            waiting = print_queue.retry_now(self.app.desk)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self.app.wake_printer()
        said = f"Trying the printer again now ({waiting} waiting)." if waiting else ""
        self.query_one("#rc-result", ErrorLine).success(said or "Nothing is waiting.")

    def action_cancel_job(self) -> None:
        row = self._chosen()
        if row is None:
            return
        if row["status"] != "pending":
            self.app.show_error(f"That job is {row['status']} already.")
            return
        what = f"receipt {row['number']}" if row["number"] else "this printout"
        self.app.push_screen(
            ConfirmDialog("Cancel print job", f"Stop {what} from printing?", yes="Cancel it"),
            lambda yes: self._cancel(row) if yes else None,
        )

    def _cancel(self, row: dict) -> None:
        try:
            print_queue.cancel(self.app.desk, row["id"])
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self.refresh_list()
        self.query_one("#rc-result", ErrorLine).success("Job cancelled; it will not print.")

    def action_day(self, step: int) -> None:
        assert self._day is not None
        self._day += dt.timedelta(days=step)
        self.refresh_list()
