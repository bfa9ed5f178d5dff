"""Audit log (manager): the newest entries, filtered by words or a day; verify the chain."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from frontdesk.data.db import connect
from frontdesk.errors import FrontDeskError
from frontdesk.services import audit
from frontdesk.services.schedule import read_date
from frontdesk.widgets.form import ErrorLine, Field, plain

__all__ = ["AuditScreen"]


def _parse_day(text: str) -> dt.date | None:
    """The day typed in the filter, or None when it is left blank."""
    return read_date(text, "day") if text.strip() else None


class AuditScreen(Screen[None]):
    """Filter by words (action, user, workstation, table, summary) and by day."""

    TITLE = "Audit log"
    CSS_PATH = "audit.tcss"

    BINDINGS = [
        Binding("ctrl+f", "focus_filter", "Filter"),
        Binding("ctrl+r", "verify", "Verify chain"),
        Binding("escape", "app.back", "Back"),
    ]
    AUTO_FOCUS = "#audit-text"

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="audit"):
            yield Static("Audit log", classes="card-title")
            with Horizontal(id="audit-filters"):
                yield Field(
                    placeholder="words: action, user, workstation...",
                    id="audit-text",
                    max_length=60,
                )
                yield Field(placeholder="day MM/DD/YYYY", id="audit-day", max_length=10)
            yield ErrorLine(id="audit-error")
            table: DataTable[str] = DataTable(
                id="audit-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns("When", "Who", "Action", "Summary", "Record", "Workstation")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    @on(Input.Submitted)
    def _filter(self) -> None:
        self._load()

    def _load(self) -> None:
        error_line = self.query_one("#audit-error", ErrorLine)
        try:
            entries = audit.list_entries(
                self.app.desk,
                text=self.query_one("#audit-text", Input).value,
                day=_parse_day(self.query_one("#audit-day", Input).value),
            )
        except FrontDeskError as error:
            error_line.show(error)
            return
        error_line.clear()
        table = self.query_one("#audit-table", DataTable)
        table.clear()
        for entry in entries:
            record = f"{entry.table_name} {entry.record_id or ''}".strip()
            table.add_row(
                *plain(
                    self.app.clock.local(entry.at).format("YYYY-MM-DD HH:mm"),
                    entry.username or "-",
                    entry.action,
                    entry.summary,
                    record,
                    entry.workstation,
                ),
                key=str(entry.id),
            )
        if not entries:
            error_line.success("No entries match.")

    def action_focus_filter(self) -> None:
        self.query_one("#audit-text", Input).focus()

    def action_verify(self) -> None:
        self.query_one("#audit-error", ErrorLine).success("Verifying the audit chain...")
        self._verify()

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit-verify")
    def _verify(self) -> None:
        # Years of rows take a while: a thread with its own connection, never the screen's.
        db = connect(self.app.db.path)
        try:
            chain = audit.verify_chain(replace(self.app.desk, db=db))
        finally:
            db.close()
        self.app.call_from_thread(self._show_chain, chain)

    def _show_chain(self, chain: audit.ChainCheck) -> None:
        error_line = self.query_one("#audit-error", ErrorLine)
        if chain.ok:
            error_line.success(f"Audit chain verified: {chain.rows} rows, unbroken.")
        else:
            error_line.show(f"Audit chain BROKEN: {chain.problem}.")
