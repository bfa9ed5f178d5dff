"""F8: the manager's menu of manager-only places."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.screens import registry

__all__ = ["ManagerScreen"]


class ManagerScreen(Screen[None]):
    """Lists every manager place; Enter opens one."""

    TITLE = "Manager"
    CSS_PATH = "manager.tcss"

    BINDINGS = [Binding("escape", "app.go_home", "Back")]
    AUTO_FOCUS = "#manager-places"

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="manager"):
            yield Static("Manager", classes="card-title")
            yield OptionList(
                *(
                    Option(f"{p.title:<20} {p.help}", id=p.name)
                    for p in registry.children("manager", self.app.actor.role)
                ),
                id="manager-places",
            )
        yield Footer()

    @on(OptionList.OptionSelected, "#manager-places")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.app.open_place(event.option.id)
