"""Manager > Backups: every backup tried (when, where, how big, verified or why not) and
a backup now, taken in the background while the desk goes on working."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from frontdesk.errors import FrontDeskError
from frontdesk.services import backups
from frontdesk.widgets.form import ErrorLine, fit, plain

__all__ = ["BackupsScreen"]


class BackupsScreen(Screen[None]):
    """The backups, newest first; b backs up now."""

    TITLE = "Backups"
    BINDINGS = [
        Binding("b", "back_up", "Back up now"),
        Binding("escape", "app.back", "Back"),
    ]
    DEFAULT_CSS = """
    BackupsScreen #bk { padding: 0 1; }
    BackupsScreen #bk-table { height: 1fr; }
    """
    AUTO_FOCUS = "#bk-table"

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="bk"):
            yield Static("Backups", classes="card-title")
            yield Static("", id="bk-summary", markup=False)
            yield ErrorLine(id="bk-result")
            table: DataTable[str] = DataTable(id="bk-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("When", "File", "Size", "Verified")
            yield table
        yield Footer()

    def on_screen_resume(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        app = self.app
        try:
            rows = backups.history(app.db)
            warning = backups.stale_warning(app.db, app.clock)
        except FrontDeskError as error:
            app.show_error(error)
            return
        folder = backups.default_folder(app.db.path)
        self.query_one("#bk-summary", Static).update(
            (warning + "\n" if warning else "")
            + f"b backs up to {fit(str(folder), 50).rstrip()} now; nightly: `frontdesk backup`."
        )
        table = self.query_one("#bk-table", DataTable)
        table.clear()
        for n, b in enumerate(rows):
            when = app.clock.local(b.at).format("ddd MM/DD HH:mm")
            size = f"{b.size_bytes / 1_000_000:.1f} MB" if b.size_bytes else ""
            verified = "yes" if b.verified else f"NO: {b.error}"
            name = b.path.rsplit("/", 1)[-1]
            table.add_row(*plain(when, fit(name, 30).rstrip(), size, fit(verified, 24).rstrip()),
                          key=str(n))  # fmt: skip

    def action_back_up(self) -> None:
        self.query_one("#bk-result", ErrorLine).success("Backing up...")
        actor = self.app.actor
        self._back_up(self.app.db.path, actor.username if actor else "")

    @work(thread=True, exit_on_error=False, exclusive=True, group="backup")
    def _back_up(self, path, made_by: str) -> None:
        # Its own connection, in a thread: a large practice takes seconds to copy.
        try:
            done = backups.backup(path, self.app.clock, made_by=made_by)
        except FrontDeskError as error:
            self.app.call_from_thread(self._finished, str(error), True)
            return
        self.app.call_from_thread(
            self._finished, f"Backed up: {done.path} ({done.size_bytes:,} bytes, verified).", False
        )

    def _finished(self, message: str, failed: bool) -> None:
        line = self.query_one("#bk-result", ErrorLine)
        if failed:
            line.show(message)
        else:
            line.success(message)
        self.refresh_list()
