"""Manager > Cash drawers: each drawer's name, the workstation it stands at, the printer
whose drawer port opens it and its usual float; taken out of use or put back."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static

from frontdesk.data.drawer_models import Drawer
from frontdesk.errors import FrontDeskError
from frontdesk.screens.book_setup_pane import Row, SetupForm, SetupPane
from frontdesk.services import drawers
from frontdesk.widgets.form import Field, FormRow, MoneyInput

__all__ = ["DrawerForm", "DrawerSetupScreen", "DrawersPane"]


class DrawerForm(SetupForm[Drawer | None]):
    """Add a drawer, or change one."""

    def __init__(self, drawer: Drawer | None = None) -> None:
        super().__init__("New cash drawer" if drawer is None else f"Edit {drawer.name}")
        self._drawer = drawer

    def fields(self) -> Iterable[Widget]:
        drawer = self._drawer
        yield FormRow("Name", Field(drawer.name if drawer else "", id="ds-name", max_length=40))
        yield FormRow(
            "Workstation",
            Field(
                drawer.workstation if drawer else "",
                placeholder="as the header shows it, e.g. FRONT-1",
                id="ds-workstation",
                max_length=32,
            ),
        )
        yield FormRow(
            "Printer",
            Field(
                drawer.printer if drawer else "",
                placeholder="blank: the printer of its workstation",
                id="ds-printer",
                max_length=60,
            ),
        )
        yield FormRow(
            "Default float",
            MoneyInput(drawer.default_float if drawer else drawers.DEFAULT_FLOAT, id="ds-float"),
        )

    def save(self) -> Drawer | None:
        drawer = self._drawer
        return drawers.save_drawer(
            self.app.desk,
            name=self.value("ds-name"),
            workstation=self.value("ds-workstation"),
            printer=self.value("ds-printer"),
            default_float=self.query_one("#ds-float", MoneyInput).money,
            active=drawer.active if drawer else True,
            drawer_id=drawer.id if drawer else None,
        )


class DrawersPane(SetupPane):
    """Every drawer, in use or not."""

    COLUMNS = ("Drawer", "Workstation", "Printer", "Float", "In use")
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e,enter", "edit", "Edit"),
        Binding("d", "take_out", "Take out of use"),
        Binding("r", "put_back", "Put back"),
    ]

    def rows(self) -> list[Row]:
        self.caption("Cash drawers: Enter or e edits, a adds, d takes one out of use.")
        self._drawers = {str(d.id): d for d in drawers.drawers(self.app.desk)}
        return [
            (
                key,
                (
                    d.name,
                    d.workstation,
                    d.printer,
                    str(d.default_float),
                    "yes" if d.active else "no",
                ),
            )
            for key, d in self._drawers.items()
        ]

    def _chosen(self) -> Drawer | None:
        key = self.selected_or_say("drawer")
        return self._drawers.get(key) if key else None

    def _saved(self, saved: Drawer | None) -> None:
        if saved is not None:
            self.refresh_list(select=str(saved.id))
            self.app.notify(f"Saved {saved.name}.", timeout=4, markup=False)

    def action_add(self) -> None:
        self.app.push_screen(DrawerForm(), self._saved)

    @on(DataTable.RowSelected)
    def _enter(self, event: DataTable.RowSelected) -> None:
        event.stop()  # the table takes Enter before the pane's binding would
        self.action_edit()

    def action_edit(self) -> None:
        drawer = self._chosen()
        if drawer is not None:
            self.app.push_screen(DrawerForm(drawer), self._saved)

    def _set_active(self, active: bool) -> None:
        drawer = self._chosen()
        if drawer is None:
            return

        def change() -> None:
            drawers.save_drawer(
                self.app.desk,
                name=drawer.name,
                workstation=drawer.workstation,
                printer=drawer.printer,
                default_float=drawer.default_float,
                active=active,
                drawer_id=drawer.id,
            )

        self.attempt(
            change, f"{drawer.name} {'back in use' if active else 'out of use'}.", str(drawer.id)
        )

    def action_take_out(self) -> None:
        self._set_active(False)

    def action_put_back(self) -> None:
        self._set_active(True)


class DrawerSetupScreen(Screen[None]):
    """The drawers pane on its own screen."""

    TITLE = "Cash drawers"
    BINDINGS = [Binding("escape", "app.back", "Back")]
    DEFAULT_CSS = """
    DrawerSetupScreen DrawersPane { height: 1fr; padding: 0 1; }
    DrawerSetupScreen .bs-caption { margin-bottom: 1; }
    """
    AUTO_FOCUS = "#ds-pane-table"

    def compose(self) -> ComposeResult:
        yield self.app.header()
        yield Static("Cash drawers", classes="card-title")
        yield DrawersPane(id="ds-pane")
        yield Footer()

    def on_screen_resume(self) -> None:
        try:
            self.query_one(DrawersPane).refresh_list()
        except FrontDeskError as error:  # pragma: no cover - refresh_list shows its own
            self.app.show_error(error)
