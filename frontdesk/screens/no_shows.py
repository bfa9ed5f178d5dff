"""The no-show list: past appointments nobody marked. Each one becomes a no-show (with
the practice's no-show fee, if the desk charges it), a late cancel or an arrived-late
visit; Space selects several to mark no-show at once."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from frontdesk.data.clock import clock_text
from frontdesk.data.models import Appointment
from frontdesk.errors import FrontDeskError
from frontdesk.services import appointment_status, fee_sheets, no_shows
from frontdesk.services.book import STATUS_WORDS, when_text
from frontdesk.services.ledger import new_key
from frontdesk.widgets.dialogs import ConfirmDialog
from frontdesk.widgets.form import ErrorLine, fit, plain

__all__ = ["NoShowsScreen"]

# Column widths that keep the whole list on an 80-column terminal.
_PATIENT_WIDTH = 16
_TYPE_WIDTH = 14
# How many appointments a confirm dialog names before it says "and N more".
_NAMED = 6
# The fee schedule's code of the no-show fee.
_NO_SHOW_FEE = "NOSHOW"


class NoShowsScreen(Screen[None]):
    """The list, oldest first, with a key for each way to resolve an appointment."""

    TITLE = "No-show list"
    CSS_PATH = "no_shows.tcss"

    BINDINGS = [
        Binding("n", "no_show", "No-show"),
        Binding("f", "no_show_fee", "No-show + fee"),
        Binding("l", "late_cancel", "Late cancel"),
        Binding("a", "arrived_late", "Arrived late"),
        Binding("space", "select", "Select for no-show"),
        Binding("escape", "app.back", "Back"),
    ]
    AUTO_FOCUS = "#ns-table"

    def __init__(self) -> None:
        super().__init__()
        self._shown: list[Appointment] = []
        self._selected: set[int] = set()

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="ns"):
            yield Static("No-show list", classes="card-title")
            yield Static("", id="ns-count", markup=False)
            yield ErrorLine(id="ns-result")
            table: DataTable[str] = DataTable(id="ns-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(" ", "Date", "Time", "Column", "Patient", "Type", "Status")
            yield table
        yield Footer()

    def on_screen_resume(self) -> None:
        # Also when first shown, and after another screen marked or rebooked something.
        self.refresh_list()

    # -- the list ------------------------------------------------------------------------------

    def refresh_list(self) -> None:
        """Read the list again, keeping the cursor where it was (on the next one, when the
        highlighted appointment was just resolved)."""
        try:
            self._shown = no_shows.no_show_list(self.app.desk)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self._selected &= {a.id for a in self._shown}
        table = self.query_one("#ns-table", DataTable)
        row = table.cursor_row
        table.clear()
        for item in self._shown:
            local = self.app.clock.local(item.starts_at)
            table.add_row(
                "✓" if item.id in self._selected else "",
                *plain(
                    local.format("MM/DD"),
                    clock_text(local.hour * 60 + local.minute),
                    item.resource_name,
                    fit(item.patient_name, _PATIENT_WIDTH),
                    fit(item.type_name, _TYPE_WIDTH),
                    STATUS_WORDS[item.status],
                ),
                key=str(item.id),
            )
        if self._shown:
            table.move_cursor(row=min(max(row, 0), len(self._shown) - 1))
        self._show_count()

    def _show_count(self) -> None:
        left = len(self._shown)
        if not left:
            text = "Nothing left to mark: every past appointment has its status."
        else:
            grace = self.app.settings.no_show_grace_minutes
            text = (
                f"{left} appointment{'s' if left != 1 else ''} left to mark · last "
                f"{no_shows.LOOK_BACK_DAYS} days, {grace} min grace"
            )
            if self._selected:
                text += f" · {len(self._selected)} selected"
        self.query_one("#ns-count", Static).update(text)

    def _current(self) -> Appointment | None:
        table = self.query_one("#ns-table", DataTable)
        if not self._shown or not 0 <= table.cursor_row < len(self._shown):
            return None
        return self._shown[table.cursor_row]

    def _named(self, item: Appointment, *, full: bool = True) -> str:
        named = f"{item.patient_name}, {when_text(item.starts_at, self.app.clock.tz)}"
        return f"{named} ({item.type_name} with {item.resource_name})" if full else named

    # -- actions -------------------------------------------------------------------------------

    def action_select(self) -> None:
        item = self._current()
        if item is None:
            return
        self._selected ^= {item.id}
        table = self.query_one("#ns-table", DataTable)
        table.update_cell(
            str(item.id), table.ordered_columns[0].key, "✓" if item.id in self._selected else ""
        )
        self._show_count()

    def _ask(self, title: str, question: str, yes: str, change: Callable[[], str]) -> None:
        """Confirm, then make the change (one service call); say what was done or why not
        on the screen (it stays there while working down the list), and read the list
        again either way: another desk may have marked it first."""

        def answered(agreed: bool | None) -> None:
            if not agreed:
                return
            result = self.query_one("#ns-result", ErrorLine)
            try:
                done = change()
            except FrontDeskError as error:
                result.show(error)
            else:
                result.success(done)
            self.refresh_list()

        self.app.push_screen(ConfirmDialog(title, question, yes=yes), answered)

    def action_no_show(self) -> None:
        chosen = [a for a in self._shown if a.id in self._selected]
        if not chosen:
            current = self._current()
            chosen = [current] if current is not None else []
        if not chosen:
            return
        ids = [a.id for a in chosen]
        if len(chosen) == 1:
            question = f"Mark {self._named(chosen[0])} as a no-show?"
            done = f"No-show: {self._named(chosen[0])}."
        else:
            names = [f"  {self._named(a, full=False)}" for a in chosen[:_NAMED]]
            if len(chosen) > _NAMED:
                names.append(f"  and {len(chosen) - _NAMED} more")
            question = f"Mark these {len(chosen)} appointments as no-shows?\n" + "\n".join(names)
            done = f"Marked {len(chosen)} appointments no-show."

        def mark() -> str:
            no_shows.mark_no_shows(self.app.desk, ids)
            self._selected.difference_update(ids)
            return done

        self._ask("Mark no-show", question, "No-show", mark)

    def action_no_show_fee(self) -> None:
        """Mark the highlighted appointment a no-show and charge the patient the fee."""
        item = self._current()
        if item is None:
            return
        try:
            fee = fee_sheets.find_code(self.app.desk, _NO_SHOW_FEE)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        assert fee is not None
        key = new_key()  # made as the question is asked: one fee however often

        def mark() -> str:
            posting = no_shows.mark_no_show_with_fee(self.app.desk, item.id, key)
            return (
                f"No-show: {self._named(item)}; fee {fee.price} charged (receipt {posting.number})."
            )

        self._ask(
            "No-show fee",
            f"Mark {self._named(item)} as a no-show and charge {item.patient_name} the "
            f"no-show fee of {fee.price}?",
            "Charge fee",
            mark,
        )

    def action_late_cancel(self) -> None:
        item = self._current()
        if item is None:
            return

        def mark() -> str:
            appointment_status.cancel(self.app.desk, item.id, "late_cancel")
            return f"Late cancel: {self._named(item)}."

        self._ask(
            "Late cancel",
            f"Record {self._named(item)} as a late cancel? The appointment is cancelled; "
            "its history stays.",
            "Late cancel",
            mark,
        )

    def action_arrived_late(self) -> None:
        item = self._current()
        if item is None:
            return

        def mark() -> str:
            appointment_status.set_status(self.app.desk, item.id, "arrived", "arrived late")
            return f"Arrived late: {self._named(item)}."

        self._ask(
            "Arrived late",
            f"Did {self._named(item)} arrive late? The appointment is marked arrived.",
            "Arrived",
            mark,
        )
