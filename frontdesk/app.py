"""The App: sign-in, idle lock, navigation between places, help and the command palette.

Screens call services through `app.desk`; this class holds who is signed in and moves
between screens, nothing else.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from frontdesk.data.clock import Clock
from frontdesk.errors import FrontDeskError
from frontdesk.screens import registry
from frontdesk.services import practice
from frontdesk.services.context import Desk
from frontdesk.widgets.form import Field, readable
from frontdesk.widgets.header import DeskHeader

if TYPE_CHECKING:
    from frontdesk.data.db import FrontDeskDatabase
    from frontdesk.data.models import Actor, PracticeSettings
    from frontdesk.data.printer_models import QueueState
    from frontdesk.printing.transports import Timeouts
    from frontdesk.printing.worker import PrintWorker

# Start-up is budgeted (DESIGN §6): the login screen is shown before pydantic and argon2
# are imported; they load with the first sign-in (`auth`, `settings`).

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

# Actions that need someone signed in and the workstation unlocked.
_SIGNED_IN_ONLY = {"open_place", "lock", "sign_out", "command_palette", "back", "go_home"}
IDLE_CHECK_SECONDS = 15
PRINTING_STARTS_AFTER = 1.0  # seconds
MIN_SIZE = (80, 24)


class FrontDeskApp(App[None]):
    """The front-desk console."""

    TITLE = "frontdesk"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        # Priority: they work over an open dialog too.
        Binding("ctrl+l", "lock", "Lock", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
        *(Binding(p.key, f"open_place('{p.name}')", p.title) for p in registry.PLACES if p.key),
    ]

    def __init__(
        self,
        db: FrontDeskDatabase,
        workstation: str,
        *,
        clock: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        printing: bool = True,
        print_timeouts: Timeouts | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        self.workstation = workstation
        self.practice_name, time_zone = practice.identity(db)
        self._settings: PracticeSettings | None = None
        self.clock = clock or Clock(time_zone)
        self.clock.tz = time_zone
        self.actor: Actor | None = None
        self._monotonic = monotonic
        self._last_input = monotonic()
        self._printing = printing
        self._print_timeouts = print_timeouts
        self.print_worker: PrintWorker | None = None
        #: What the status line says about this workstation's printer ("" when fine).
        self.printer_status = ""
        self._said_small = False
        #: Called once the first screen is painted (the session's "session started"):
        #: what it imports is kept off the time to the login screen.
        self.on_shown: Callable[[], None] | None = None
        # Nothing animates and no cursor blinks: each costs bytes on every thin client.
        self.animation_level = "none"
        self.register_theme(THEME)
        self.theme = "frontdesk"

    # -- state ---------------------------------------------------------------------------

    @property
    def desk(self) -> Desk:
        """The desk services work at: this database, clock, workstation and person."""
        return Desk(db=self.db, clock=self.clock, workstation=self.workstation, actor=self.actor)

    @property
    def locked(self) -> bool:
        """True while a lock screen is anywhere on the stack (help may be open over it)."""
        from frontdesk.screens.lock import LockScreen

        return any(isinstance(screen, LockScreen) for screen in self.screen_stack)

    @property
    def settings(self) -> PracticeSettings:
        """The practice's settings, loaded on first use."""
        if self._settings is None:
            self._settings = practice.load_settings(self.db)
        return self._settings

    def header(self) -> DeskHeader:
        """The header for a screen of the signed-in person."""
        return DeskHeader(show_person=True)

    def settings_changed(self, settings: PracticeSettings) -> None:
        """New practice settings: every open screen's header shows them at once."""
        self._settings = settings
        self.practice_name = settings.name
        self.clock.tz = settings.time_zone
        for screen in self.screen_stack:
            for header in screen.query(DeskHeader):
                header.refresh()

    # -- start ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The bottom of the screen stack: the login screen.

        Whoever signs in works on screens pushed above it; signing out pops back to it.
        """
        from frontdesk.screens.login import LoginScreen

        return LoginScreen()

    def on_mount(self) -> None:
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self._check_size(self.size.width, self.size.height)
        if self.on_shown is not None:
            self.call_after_refresh(self.on_shown)
        if self._printing:
            # After the login screen is up: the worker's first look at the queue loads
            # pydantic, which start-up keeps for the first sign-in (DESIGN §6).
            self.set_timer(PRINTING_STARTS_AFTER, self.start_printing)
        if not practice.is_set_up(self.db):
            from frontdesk.screens.firstrun import FirstRunScreen

            self.push_screen(FirstRunScreen())

    # -- the terminal ----------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        """Say once when the terminal is smaller than the 80x24 every screen is laid out
        for (a thin client's window shrunk, a small default size): nothing is lost."""
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        if small and not self._said_small:
            self.notify(
                f"This window is {width}x{height}; frontdesk is laid out for at least "
                f"{MIN_SIZE[0]}x{MIN_SIZE[1]}. Make it larger: nothing is lost meanwhile.",
                title="Window too small",
                severity="warning",
                timeout=20,
            )
        self._said_small = small

    # -- printing ------------------------------------------------------------------------

    def start_printing(self) -> None:
        """Send this workstation's print jobs from a background thread (never this one)."""
        from frontdesk.printing.transports import Timeouts
        from frontdesk.printing.worker import PrintWorker

        self.print_worker = PrintWorker(
            self.db.path,
            self.workstation,
            self.clock.now,
            timeouts=self._print_timeouts or Timeouts(),
            on_change=self._printer_changed,
        )
        self.print_worker.start()

    def wake_printer(self) -> None:
        """A job was queued or the printer is back: the worker looks now."""
        if self.print_worker is not None:
            self.print_worker.wake()

    def _printer_changed(self, state: QueueState) -> None:
        # Called from the worker's thread.
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.call_from_thread(self._show_printer_status, state.status_text())

    def _show_printer_status(self, text: str) -> None:
        # Only the screen on top repaints; a screen coming back catches up when shown.
        if text != self.printer_status:
            self.printer_status = text
            for header in self.screen.query(DeskHeader):
                header.refresh()
        news = getattr(self.screen, "printer_news", None)
        if callable(news):  # a screen listing print jobs reads them again
            news()

    def on_unmount(self) -> None:
        if self.print_worker is not None:
            self.print_worker.stop()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)
        ):
            self._last_input = self._monotonic()
        await super().on_event(event)

    def on_field_type_ahead_done(self, message: Field.TypeAheadDone) -> None:
        # Reached only after the screen acted on the field's Enter (see Field).
        message.field.hand_over()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    # -- signing in and out -------------------------------------------------------------------

    def practice_set_up(self, username: str) -> None:
        """First run finished: reload the settings and ask the new manager to sign in."""
        self.settings_changed(practice.load_settings(self.db))
        self.screen_stack[0].remember(username)
        self.pop_screen()
        self.notify("The practice is set up. Sign in as its manager.", timeout=6)

    def sign_in(self, username: str, password: str) -> None:
        """Sign in (raises FrontDeskError for the screen to show) and open Today."""
        from frontdesk.services import auth

        actor = auth.login(self.desk.signed_in(None), username, password)
        if self.locked and self.actor and actor.staff_id == self.actor.staff_id:
            self.actor = actor
            self.call_later(self._unlock)
            return
        self.actor = actor
        self.call_later(self._start_over)

    def unlock_with_pin(self, pin: str) -> None:
        from frontdesk.services import auth

        self.actor = auth.unlock_with_pin(self.desk, pin)
        self.call_later(self._unlock)

    async def _unlock(self) -> None:
        """Close the lock screen (and anything opened over it) and resume."""
        from frontdesk.screens.lock import LockScreen

        while self.locked:
            closing = self.screen
            await self.pop_screen()
            if isinstance(closing, LockScreen):
                break

    async def _start_over(self) -> None:
        """Close everything that was open and show the signed-in person's Today (or the
        login screen when nobody is signed in)."""
        from frontdesk.screens.home import HomeScreen

        while len(self.screen_stack) > 1:
            await self.pop_screen()
        if self.actor is not None:
            await self.push_screen(HomeScreen())

    def action_sign_out(self) -> None:
        from frontdesk.services import auth

        auth.sign_out(self.desk)
        self.actor = None
        self.call_later(self._start_over)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in _SIGNED_IN_ONLY:
            return True
        if self.actor is None or self.locked:
            return False
        if action == "open_place":
            # Hidden from the footer when the role may not open it.
            known = {item.name: item for item in registry.PLACES}.get(str(parameters[0]))
            return known is not None and self.actor.role in known.roles
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
        from frontdesk.services import auth

        if self.actor is None or self.locked:
            return
        auth.record_lock(self.desk, reason)
        self.push_screen(LockScreen(self.actor.full_name, self.practice_name))

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
        parent = registry.place(item.parent) if item.parent else None
        # A place inside another opens over that one if it is open (the book keeps its day
        # and cursor under the waitlist); everything else open is closed first.
        keep = 2
        for depth, screen in enumerate(self.screen_stack[2:], start=3):
            if parent is not None and registry.made_from(screen, parent):
                keep = depth
        while len(self.screen_stack) > keep:
            await self.pop_screen()
        if parent is not None and keep == 2:
            await self.push_screen(registry.make(parent))
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
        # The screen's and the app's keys first; a field's own keys only if it shows them.
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        actives = sorted(
            self.screen.active_bindings.values(),
            key=lambda a: not isinstance(a.node, (App, Screen)),
        )
        for active in actives:
            binding = active.binding
            own = isinstance(active.node, (App, Screen))
            if not binding.description or binding.description in seen or not active.enabled:
                continue
            if (not own and not binding.show) or binding.action == "command_palette":
                continue
            seen.add(binding.description)
            keys.append((self.get_key_display(binding), binding.description))
        keys += list(getattr(self.screen, "HELP_NOTES", ()))
        if self.actor is not None and not self.locked:
            keys.append(("ctrl+p", "Command palette: every place and action you may use"))
        title = self.screen.title or type(self.screen).__name__.replace("Screen", "")
        self.push_screen(HelpScreen(title, keys))

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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's failure is shown (workers run with exit_on_error off)."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.show_error(
                error if isinstance(error, FrontDeskError) else f"That did not finish: {error}"
            )

    def show_error(self, error: FrontDeskError | str) -> None:
        """The one way an error from an action (not a form) is shown."""
        self.notify(readable(error), title="Not done", severity="error", timeout=8, markup=False)
