"""The header every screen shows: practice, workstation, who is signed in, and a clock that
changes once a minute (a per-second clock would repaint every thin client every second)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

__all__ = ["DeskHeader"]


class DeskHeader(Widget):
    """One line: practice · workstation · person (role) on the left, date and time right.

    It reads them from the app when it paints, so a change of settings shows at once.
    """

    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $primary;
        color: $text;
    }
    """

    def __init__(self, *, show_person: bool = False) -> None:
        super().__init__()
        self._show_person = show_person
        self._shown_status = ""

    def time_text(self) -> str:
        return self.app.clock.local_now().format("ddd D MMM HH:mm")

    def render(self) -> Text:
        app = self.app
        actor = app.actor if self._show_person else None
        person = f"{actor.full_name} ({actor.role})" if actor else ""
        right = self._shown_minute = self.time_text()
        width = self.content_size.width
        # The practice's name gives way first: who and where must stay readable.
        tail = "".join(f"  ·  {part}" for part in (app.workstation, person) if part)
        room = max(0, width - len(right) - len(tail) - 2)
        practice = app.practice_name or "frontdesk"
        if len(practice) > room:
            practice = practice[: max(0, room - 1)] + "…" if room > 1 else ""
        left = (practice + tail).lstrip(" ·")
        # A printer that is not taking receipts takes the practice's place: it needs
        # someone to look at it, the practice's name does not.
        warning = self._shown_status = getattr(app, "printer_status", "")
        if warning:
            left = f"⚠ {warning}{tail}"
        if len(left) > width - len(right) - 1:
            left = left[: max(0, width - len(right) - 2)] + "…"
        gap = " " * max(1, width - len(left) - len(right))
        if warning:
            return Text.assemble((left, "bold reverse"), gap, right)
        return Text.assemble((left, "bold"), gap, right)

    def on_mount(self) -> None:
        self._shown_minute = ""
        self._shown_status = ""
        self._schedule_tick()
        # A screen coming back to the top lays itself out again: catch up on the minutes
        # missed while covered (the header is not repainted underneath another screen).
        self.screen.screen_layout_refresh_signal.subscribe(self, self._catch_up)

    def _catch_up(self, screen: object) -> None:
        if self.time_text() != self._shown_minute or self._shown_status != getattr(
            self.app, "printer_status", ""
        ):
            self.refresh()

    def _schedule_tick(self) -> None:
        now = self.app.clock.local_now()
        seconds_left = 60 - now.second - now.microsecond / 1_000_000
        self.set_timer(seconds_left + 0.05, self._tick)

    def _tick(self) -> None:
        # Only the screen on top: refreshing a widget of a screen underneath makes Textual
        # repaint the whole terminal. A screen coming back to the top repaints anyway.
        if self.app.screen is self.screen:
            self.refresh()
        self._schedule_tick()
