"""The App: sign-in, idle lock, navigation between places, help and the command palette.

Screens call services through `app.desk`; this class holds who is signed in and moves
between screens, nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from frontdesk.data.clock import Clock
from frontdesk.data.db import FrontDeskDatabase
from frontdesk.data.models import Actor, PracticeSettings
from frontdesk.errors import FrontDeskError
from frontdesk.screens import registry
from frontdesk.services import auth, practice
from frontdesk.services.context import Desk
from frontdesk.widgets.header import DeskHeader

__all__ = ["FrontDeskApp"]

# Every colour is an exact xterm-256 palette entry, so a 256-colour terminal shows the
# same thing; meaning never rests on a subtle shade.
THEME = Theme(
    name="frontdesk",
    primary="#005f87",
    secondary="#5f87af",
    accent="#d78700",
    warning="#d7af00",
    error="#d70000",
    success="#00af5f",
    foreground="#e4e4e4",
    background="#1c1c1c",
    surface="#262626",
    panel="#303030",
    dark=True,
)

# Actions that work with nobody signed in, or while the workstation is locked.
_ALWAYS_ALLOWED = {"quit", "help"}
IDLE_CHECK_SECONDS = 15


class FrontDeskApp(App[None]):
    """The front-desk console."""

    TITLE = "frontdesk"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+l", "lock", "Lock"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        *(Binding(p.key, f"open_place('{p.name}')", p.title) for p in registry.PLACES if p.key),
    ]

    def __init__(
        self,
        db: FrontDeskDatabase,
        workstation: str,
        *,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.db = db
        self.workstation = workstation
        self.settings: PracticeSettings = practice.load_settings(db)
        self.clock = clock or Clock(self.settings.time_zone)
        self.clock.tz = self.settings.time_zone
        self.actor: Actor | None = None
        self._monotonic = monotonic
        self._last_input = monotonic()
        # Nothing animates and no cursor blinks: each costs bytes on every thin client.
        self.animation_level = "none"

    # -- state ---------------------------------------------------------------------------

    @property
    def desk(self) -> Desk:
        """The desk services work at: this database, clock, workstation and person."""
        return Desk(db=self.db, clock=self.clock, workstation=self.workstation, actor=self.actor)

    @property
    def locked(self) -> bool:
        from frontdesk.screens.lock import LockScreen

        return isinstance(self.screen, LockScreen)

    def header(self) -> DeskHeader:
        """The header for a screen of the signed-in person."""
        person = f"{self.actor.full_name} ({self.actor.role})" if self.actor else ""
        return DeskHeader(self.settings.name, self.workstation, person, self.clock)

    def settings_changed(self, settings: PracticeSettings) -> None:
        self.settings = settings
        self.clock.tz = settings.time_zone

    # -- start ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.register_theme(THEME)
        self.theme = "frontdesk"
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        if practice.is_set_up(self.db):
            from frontdesk.screens.login import LoginScreen

            self.push_screen(LoginScreen())
        else:
            from frontdesk.screens.firstrun import FirstRunScreen

            self.push_screen(FirstRunScreen())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)
        ):
            self._last_input = self._monotonic()
        await super().on_event(event)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    # -- signing in and out -------------------------------------------------------------------

    def practice_set_up(self, username: str) -> None:
        """First run finished: reload the settings and ask the new manager to sign in."""
        from frontdesk.screens.login import LoginScreen

        self.settings_changed(practice.load_settings(self.db))
        self.switch_screen(LoginScreen(username=username))
        self.notify("The practice is set up. Sign in as its manager.", timeout=6)

    def sign_in(self, username: str, password: str) -> None:
        """Sign in (raises FrontDeskError for the screen to show) and open Today."""
        actor = auth.login(self.desk.signed_in(None), username, password)
        if self.locked and self.actor and actor.staff_id == self.actor.staff_id:
            self.actor = actor
            self.pop_screen()
            return
        self.actor = actor
        self.call_later(self._start_over)

    def unlock_with_pin(self, pin: str) -> None:
        self.actor = auth.unlock_with_pin(self.desk, pin)
        self.pop_screen()

    async def _start_over(self) -> None:
        """Close everything that was open and show the signed-in person's Today (or the
        login screen when nobody is signed in)."""
        from frontdesk.screens.home import HomeScreen
        from frontdesk.screens.login import LoginScreen

        while len(self.screen_stack) > 1:
            await self.pop_screen()
        await self.push_screen(HomeScreen() if self.actor else LoginScreen())

    def action_sign_out(self) -> None:
        auth.sign_out(self.desk)
        self.actor = None
        self.call_later(self._start_over)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _ALWAYS_ALLOWED:
            return True
        if self.actor is None or self.locked:
            return False
        if action == "open_place":
            # Hidden from the footer when the role may not open it.
            return self.actor.role in registry.place(str(parameters[0])).roles
        return True

    # -- idle lock -----------------------------------------------------------------------------

    def lock_if_idle(self) -> None:
        """Lock the workstation when nobody has pressed a key for the idle minutes."""
        idle = self._monotonic() - self._last_input
        if self.actor is not None and idle >= self.settings.idle_lock_minutes * 60:
            self.lock("idle")

    def action_lock(self) -> None:
        self.lock("by hand")

    def lock(self, reason: str) -> None:
        """Cover the screen; only the same PIN or another person's sign-in opens it."""
        from frontdesk.screens.lock import LockScreen

        if self.actor is None or self.locked:
            return
        auth.record_lock(self.desk, reason)
        self.push_screen(LockScreen(self.actor.full_name, self.settings.name))

    # -- places ---------------------------------------------------------------------------------

    def open_place(self, name: str) -> None:
        """Open a place from a key, a menu or the palette, if the role allows it."""
        item = registry.place(name)
        if self.actor is None or self.actor.role not in item.roles:
            self.show_error(
                FrontDeskError(
                    f"{item.title} needs a manager's login."
                    if item.roles == ("manager",)
                    else f"Your role cannot open {item.title}."
                )
            )
            return
        self.call_later(self._open_place, item)

    async def _open_place(self, item: registry.Place) -> None:
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if item.parent:
            await self.push_screen(registry.make(registry.place(item.parent)))
        await self.push_screen(registry.make(item))

    def action_open_place(self, name: str) -> None:
        self.open_place(name)

    def action_back(self) -> None:
        if len(self.screen_stack) > 2:
            self.pop_screen()

    def action_go_home(self) -> None:
        self.call_later(self._go_home)

    async def _go_home(self) -> None:
        while len(self.screen_stack) > 2:
            await self.pop_screen()

    # -- help, palette, errors ---------------------------------------------------------------

    def action_help(self) -> None:
        from frontdesk.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        for _key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.description in seen or not active.enabled:
                continue
            seen.add(binding.description)
            keys.append((self.get_key_display(binding), binding.description))
        keys.append(("Ctrl+P", "Command palette: every place and action you may use"))
        keys.append(("Tab / Shift+Tab", "Next / previous field"))
        title = getattr(self.screen, "TITLE_TEXT", None) or type(self.screen).__name__
        self.push_screen(HelpScreen(title.replace("Screen", ""), keys))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if self.actor is not None and not self.locked:
            for item in registry.places_for(self.actor.role):
                yield SystemCommand(item.title, item.help, partial(self.open_place, item.name))
            yield SystemCommand("Lock", "Lock this workstation (Ctrl+L)", self.action_lock)
            yield SystemCommand(
                "Sign out", "Sign out and show the login screen", self.action_sign_out
            )
        yield SystemCommand("Keys", "Every key on this screen (F1)", self.action_help)
        yield SystemCommand("Quit", "Close the console (Ctrl+Q)", self.action_quit)

    def show_error(self, error: FrontDeskError | str) -> None:
        """The one way an error from an action (not a form) is shown."""
        self.notify(str(error), title="Not done", severity="error", timeout=8)
