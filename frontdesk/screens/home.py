"""Today: where the signed-in person starts, and the places they may open."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.data.db import journal_warning
from frontdesk.screens import registry
from frontdesk.services import backups

__all__ = ["HomeScreen"]


class HomeScreen(Screen[None]):
    """The "Today" screen: practice, date, who and where, and what they can open."""

    TITLE = "Today"
    CSS_PATH = "home.tcss"
    BINDINGS = [Binding("f10", "app.sign_out", "Sign out")]
    AUTO_FOCUS = "#home-places"

    def compose(self) -> ComposeResult:
        app = self.app
        actor = app.actor
        settings = app.settings
        yield app.header()
        with Vertical(id="home"):
            today = app.clock.local_now()
            yield Static(f"Today, {today:dddd D MMMM YYYY}", id="home-date", classes="card-title")
            details = "  ·  ".join(p for p in (settings.address, settings.phone) if p)
            yield Static(f"{settings.name}\n{details}", id="home-practice", markup=False)
            yield Static(
                f"Signed in: {actor.full_name} ({actor.role})  ·  workstation {app.workstation}",
                id="home-who",
                markup=False,
            )
            warnings = []
            if actor.is_manager:
                journal = journal_warning()
                if journal or app.db.journal != "wal":
                    warnings.append(
                        journal or f"The database uses the '{app.db.journal}' journal, not WAL."
                    )
                warnings.append(backups.stale_warning(app.db, app.clock))
            if any(warnings):
                yield Static(
                    "\n".join(w for w in warnings if w),
                    id="home-warning",
                    classes="warning",
                    markup=False,
                )
            places = [p for p in registry.places_for(actor.role) if p.parent is None]
            if places:
                yield Static("Open", classes="section-title")
                yield OptionList(
                    *(
                        Option(f"{p.key.upper():<4} {p.title:<18} {p.help}", id=p.name)
                        for p in places
                        if p.key
                    ),
                    id="home-places",
                )
            else:
                yield Static(
                    "Nothing else to open for your role yet. F1 lists the keys.",
                    id="home-nothing",
                )
        yield Footer()

    def on_screen_resume(self) -> None:
        # Settings or the date may have changed while another screen was on top.
        if self.is_mounted:
            self.refresh(recompose=True)

    @on(OptionList.OptionSelected, "#home-places")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.app.open_place(event.option.id)
