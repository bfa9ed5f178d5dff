"""Pilot helpers: a console on the demo practice, signing in, reading the screen."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from frontdesk.app import FrontDeskApp
from frontdesk.data.schema import open_database
from tests.conftest import FakeClock

SIZE = (80, 24)


class FakeMonotonic:
    """Seconds since start, moved by hand (for the idle lock)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def console(practice_path: Path, clock: FakeClock, monotonic: FakeMonotonic):
    """The console on the demo practice at workstation FRONT-1."""
    db = open_database(practice_path)
    yield FrontDeskApp(
        db=db, workstation="FRONT-1", clock=clock, monotonic=monotonic, printing=False
    )
    db.close()


def screen_text(app: FrontDeskApp) -> str:
    """What the terminal shows now, as words: frames dropped, lines joined, so a message
    that wraps still reads as one."""
    svg = app.export_screenshot()
    body = svg[svg.index("</style>") :] if "</style>" in svg else svg
    text = html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\xa0", " ")
    text = re.sub(r"[\u2500-\u259f]", " ", text)  # box drawing and block elements
    return " ".join(text.split())


async def sign_in(pilot, username: str, password: str = "frontdesk") -> None:
    await pilot.press(*username, "enter", *password, "enter")
    await pilot.pause()
    await pilot.pause()


def db_value(app: FrontDeskApp, sql: str, *params: object):
    return app.db.execute(sql, params).fetchone()[0]
