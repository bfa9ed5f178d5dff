"""The header every screen shows: practice, workstation, who is signed in, and a clock that
changes once a minute (a per-second clock would repaint every thin client every second)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from frontdesk.data.clock import Clock

__all__ = ["DeskHeader"]


class DeskHeader(Widget):
    """One line: practice · workstation · person (role) on the left, date and time right."""

    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $primary;
        color: $text;
    }
    """

    def __init__(self, practice: str, workstation: str, person: str, clock: Clock) -> None:
        super().__init__()
        self._left = "  ·  ".join(part for part in (practice, workstation, person) if part)
        self._clock = clock

    def time_text(self) -> str:
        return self._clock.local_now().format("ddd D MMM HH:mm")

    def render(self) -> Text:
        right = self.time_text()
        width = self.content_size.width
        room = max(0, width - len(right) - 2)
        left = self._left if len(self._left) <= room else self._left[: max(0, room - 1)] + "…"
        return Text.assemble((left, "bold"), " " * max(1, width - len(left) - len(right)), right)

    def on_mount(self) -> None:
        self._schedule_tick()

    def _schedule_tick(self) -> None:
        now = self._clock.local_now()
        seconds_left = 60 - now.second - now.microsecond / 1_000_000
        self.set_timer(seconds_left + 0.05, self._tick)

    def _tick(self) -> None:
        self.refresh()
        self._schedule_tick()
