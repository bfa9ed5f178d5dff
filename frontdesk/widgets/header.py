"""The header every screen shows: practice, workstation, who is signed in, and a clock that
changes once a minute (a per-second clock would repaint every thin client every second)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from frontdesk.data.clock import Clock

__all__ = ["DeskHeader"]


class DeskHeader(Horizontal):
    """One line: practice · workstation · person (role) · date and time."""

    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 1;
        background: $primary;
        color: $text;
    }
    DeskHeader > Static { width: auto; padding: 0 1; }
    DeskHeader > #hd-practice { width: 1fr; text-style: bold; }
    DeskHeader > #hd-clock { min-width: 19; text-align: right; }
    """

    def __init__(self, practice: str, workstation: str, person: str, clock: Clock) -> None:
        super().__init__()
        self._practice = practice or "frontdesk"
        self._workstation = workstation
        self._person = person
        self._clock = clock

    def compose(self) -> ComposeResult:
        yield Static(self._practice, id="hd-practice", markup=False)
        yield Static(self._workstation, id="hd-workstation", markup=False)
        if self._person:
            yield Static(self._person, id="hd-person", markup=False)
        yield Static(self._time_text(), id="hd-clock")

    def _time_text(self) -> str:
        return self._clock.local_now().format("ddd D MMM HH:mm")

    def on_mount(self) -> None:
        self._schedule_tick()

    def _schedule_tick(self) -> None:
        now = self._clock.local_now()
        seconds_left = 60 - now.second - now.microsecond / 1_000_000
        self.set_timer(seconds_left + 0.05, self._tick)

    def _tick(self) -> None:
        self.query_one("#hd-clock", Static).update(self._time_text())
        self._schedule_tick()
