"""Book setup (manager): the appointment book's columns, their weekly hours, one column's
hours on one date, the practice's closed days, blocks, and appointment types, one tab
each. Every change goes through `frontdesk.services.schedule`, which says no in words."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from frontdesk.screens.book_setup_columns import ColumnsPane, HoursPane
from frontdesk.screens.book_setup_days import BlocksPane, ClosedPane, DayHoursPane
from frontdesk.screens.book_setup_pane import SetupPane
from frontdesk.screens.book_setup_types import TypesPane

__all__ = ["BookSetupScreen"]

# (tab id, label, what it shows); the number in the label is the tab's key. A tab's
# content is mounted when it is first shown: opening the screen stays quick.
TABS = (
    ("bs-tab-columns", "1 Columns", lambda: ColumnsPane(id="bs-columns")),
    ("bs-tab-hours", "2 Weekly hours", HoursPane),
    ("bs-tab-days", "3 Day hours", lambda: DayHoursPane(id="bs-days")),
    ("bs-tab-closed", "4 Closed days", lambda: ClosedPane(id="bs-closed")),
    ("bs-tab-blocks", "5 Blocks", lambda: BlocksPane(id="bs-blocks")),
    ("bs-tab-types", "6 Types", lambda: TypesPane(id="bs-types")),
)
_CONTENT = {tab_id: make for tab_id, _, make in TABS}


class BookSetupScreen(Screen[None]):
    """Six tabs; the digits 1-6 switch between them, each tab has its own keys."""

    TITLE = "Book setup"
    CSS_PATH = "book_setup.tcss"

    BINDINGS = [
        *(
            Binding(str(number), f"tab('{tab_id}')", f"{label[2:]} tab", show=False)
            for number, (tab_id, label, _) in enumerate(TABS, start=1)
        ),
        Binding("escape", "app.back", "Back"),
    ]
    AUTO_FOCUS = "#bs-columns-table"

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with TabbedContent(id="bs-tabs"):
            for index, (tab_id, label, make) in enumerate(TABS):
                with TabPane(label, id=tab_id):
                    if not index:
                        yield make()
        yield Footer()

    def action_tab(self, tab_id: str) -> None:
        self.query_one("#bs-tabs", TabbedContent).active = tab_id
        self.call_after_refresh(self._focus_tab, tab_id)

    def _focus_tab(self, tab_id: str) -> None:
        pane = self.query_one(f"#{tab_id}", TabPane)
        target = pane.query("OptionList, DataTable").first() if pane.children else None
        if target is not None:
            target.focus()

    @on(TabbedContent.TabActivated, "#bs-tabs")
    async def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane
        if not pane.children:
            await pane.mount(_CONTENT[pane.id]())
        # A tab chosen on the tab bar itself keeps the focus there (arrows go on moving).
        if not self.query_one("#bs-tabs").query("Tabs").first().has_focus:
            self.call_after_refresh(self._focus_tab, pane.id)

    def columns_changed(self) -> None:
        """A column was added, renamed, taken off or put back: every tab shows it."""
        for hours in self.query(HoursPane):
            hours.load_columns()
        for pane in self.query(SetupPane):
            if not isinstance(pane, ColumnsPane):
                pane.refresh_list()
