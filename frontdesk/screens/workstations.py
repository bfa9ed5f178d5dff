"""Manager > Workstations: the desks thin clients connect from, how each is recognised
(its client address or the Unix user it logs in as), its printer, and its cash drawer
(set up in Manager > Cash drawers)."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static

from frontdesk.screens.book_setup_pane import Row, SetupForm, SetupPane
from frontdesk.services import drawers, printers, workstations
from frontdesk.widgets.form import Choice, Field, FormRow

__all__ = ["WorkstationForm", "WorkstationsScreen"]


class WorkstationForm(SetupForm[str | None]):
    """Set up a workstation, or change one."""

    def __init__(self, current: tuple[str, str, str] | None, printer: str) -> None:
        super().__init__("New workstation" if current is None else f"Edit {current[0]}")
        self._current = current or ("", "", "")
        self._printer = printer

    def fields(self) -> Iterable[Widget]:
        name, address, user = self._current
        yield FormRow("Name", Field(name, placeholder="e.g. FRONT-3", id="ws-name",
                                    max_length=32))  # fmt: skip
        yield FormRow("Client address", Field(address, placeholder="its IP, e.g. 10.0.0.23",
                                              id="ws-address", max_length=45))  # fmt: skip
        yield FormRow("Unix user", Field(user, placeholder="the login it uses, e.g. front3",
                                         id="ws-user", max_length=32))  # fmt: skip
        names = [p.name for p in printers.printers(self.app.desk, active_only=True)]
        yield FormRow(
            "Printer",
            Choice([(printers.FILE_PRINTER, ""), *((n, n) for n in names)], allow_blank=False,
                   value=self._printer if self._printer in names else "", id="ws-printer"),
        )  # fmt: skip

    def save(self) -> str | None:
        desk = self.app.desk
        name = self.value("ws-name").strip()
        with desk.writing():  # both or neither
            workstations.save_workstation(
                desk, name, self.value("ws-address"), self.value("ws-user")
            )
            printers.assign(desk, name, self.choice("ws-printer") or "")
        return name


class WorkstationsPane(SetupPane):
    """Every workstation in use."""

    COLUMNS = ("Workstation", "Client address", "Unix user", "Drawer", "Printer")
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "remove", "Take out of use"),
    ]

    def rows(self) -> list[Row]:
        desk = self.app.desk
        self.caption("Thin clients are recognised by address or Unix user; a adds, Enter edits.")
        self._rows = {w[0]: w for w in workstations.workstations(desk.db)}
        self._printers = dict(printers.workstations(desk))
        return [
            (name, (name, address or "-", user or "-",
                    (drawer.name if (drawer := drawers.drawer_at(desk, name)) else "none"),
                    self._printers.get(name) or printers.FILE_PRINTER))
            for name, address, user in self._rows.values()
        ]  # fmt: skip

    def _saved(self, name: str | None) -> None:
        if name:
            self.refresh_list(select=name)
            self.app.notify(f"Saved {name}.", timeout=4, markup=False)

    def action_add(self) -> None:
        self.app.push_screen(WorkstationForm(None, ""), self._saved)

    def action_edit(self) -> None:
        key = self.selected_or_say("workstation")
        if key is not None:
            self.app.push_screen(
                WorkstationForm(self._rows[key], self._printers.get(key, "")), self._saved
            )

    @on(DataTable.RowSelected)
    def _enter(self, event: DataTable.RowSelected) -> None:
        event.stop()  # the table takes Enter before the pane's binding would
        self.action_edit()

    def action_remove(self) -> None:
        key = self.selected_or_say("workstation")
        if key is not None:
            self.confirm(
                "Take out of use",
                f"Stop recognising {key}? Its history stays; its connections open as unknown.",
                "Take out of use",
                lambda: self.attempt(
                    lambda: workstations.remove_workstation(self.app.desk, key),
                    f"{key} taken out of use.",
                ),
            )


class WorkstationsScreen(Screen[None]):
    """The workstations pane on its own screen."""

    TITLE = "Workstations"
    BINDINGS = [Binding("escape", "app.back", "Back")]
    DEFAULT_CSS = """
    WorkstationsScreen WorkstationsPane { height: 1fr; padding: 0 1; }
    """
    AUTO_FOCUS = "#ws-pane-table"

    def compose(self) -> ComposeResult:
        yield self.app.header()
        yield Static("Workstations", classes="card-title")
        yield WorkstationsPane(id="ws-pane")
        yield Footer()

    def on_screen_resume(self) -> None:
        self.query_one(WorkstationsPane).refresh_list()
