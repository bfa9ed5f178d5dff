"""Form pieces: a labelled row, the one inline error line, and the money input."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from frontdesk.data.money import DEFAULT_CEILING_CENTS, Money
from frontdesk.errors import FrontDeskError

__all__ = ["Choice", "ErrorLine", "Field", "FormRow", "MoneyInput", "fit", "plain", "readable"]

# What a message quotes back from a field must not steer the terminal or flood the screen:
# control characters and right-to-left overrides, runs too long to wrap, pages of text.
_UNSEEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_RUN = 76  # characters without a space: what fits on a line of the screen
_LONG_RUN = re.compile(rf"\S{{{_RUN + 1},}}")
_MESSAGE = 480  # characters: six lines at 80 columns


def plain(*values: object) -> tuple[Text, ...]:
    """Table cells shown as typed: a name like "[b]Bob" is text, never markup."""
    return tuple(Text(str(value)) for value in values)


def readable(message: object) -> str:
    """A message as a person reads it on one screen: a control character or a right-to-left
    override (from what was typed) shown as "\ufffd", a tab as a space, a run of more than
    76 characters without a space cut in its middle with "\u2026" (a path keeps its start
    and its file name), and a message longer than six lines cut in its middle (its end
    says what is wrong)."""
    text = _UNSEEN.sub("\ufffd", str(message).replace("\t", " "))
    text = _LONG_RUN.sub(_shortened, text)
    if len(text) > _MESSAGE:
        text = text[: _MESSAGE * 2 // 3] + " \u2026 " + text[-(_MESSAGE // 3 - 3) :]
    return text


def _shortened(run: re.Match) -> str:
    """A run cut in its middle: its start and its end (a path's file name) stay."""
    text = run.group(0)
    return text[: _RUN // 2 - 1] + "\u2026" + text[-(_RUN // 2) :]


@lru_cache(maxsize=4096)
def fit(text: str, width: int) -> str:
    """`text` in exactly `width` terminal cells: cut with "…" or padded with spaces
    (wide characters count double)."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class Field(Input):
    """A text field that keeps type-ahead where it belongs.

    Over SSH, "name<Tab>secret<Enter>" can arrive in one burst. Textual would move the
    focus only once Tab or Enter has bubbled up to the app, after this field had already
    taken the keys queued behind it: a password would land, readable, in the username
    field. So Tab moves the focus here and now, and keys that follow Enter wait until the
    screen has acted on it (`TypeAheadDone` reaches the app after the screen's
    `Submitted` handler), then go to whichever widget has the focus.
    """

    @dataclass
    class TypeAheadDone(Message):
        """The screen has handled this field's Enter; the app hands the held keys on."""

        field: Field

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[events.Key] = []
        self._leaving = False

    async def _on_key(self, event: events.Key) -> None:
        if self._leaving or self.screen.focused is not self:
            event.stop()
            event.prevent_default()
            key = events.Key(event.key, event.character)
            if self._leaving:
                self._held.append(key)
            else:
                self.app.post_message(key)  # focus has moved on: the app sends it there
            return
        if event.key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
        elif event.key == "enter":
            event.stop()
            event.prevent_default()
            self._leaving = True
            await self.action_submit()
            self.post_message(self.TypeAheadDone(self))
        # Otherwise Input's own _on_key runs next (Textual calls each class's handler).

    def hand_over(self) -> None:
        """Give the keys held since Enter back to the app, as fresh key presses."""
        self._leaving = False
        held, self._held = self._held, []
        for key in held:
            self.app.post_message(key)


class Choice(Select):
    """A pick-one field for forms: Enter moves on to the next field like every other
    field (Space or Down opens the list), so typing through a form never lands a word in
    an open list; keys that arrive after focus has moved on go where the focus is."""

    async def _on_key(self, event: events.Key) -> None:
        if self.screen.focused is not self and not self.expanded:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
        elif event.key in ("enter", "tab", "shift+tab") and not self.expanded:
            # Move now, as Field does: keys queued behind go where the focus is.
            event.stop()
            event.prevent_default()
            if event.key == "shift+tab":
                self.screen.focus_previous()
            else:
                self.screen.focus_next()


class FormRow(Horizontal):
    """A label on the left, a field on the right."""

    DEFAULT_CSS = """
    FormRow { height: auto; margin-bottom: 1; }
    FormRow > Label { width: 18; padding-right: 1; text-align: right; }
    FormRow > Input, FormRow > Select { width: 1fr; }
    """

    def __init__(self, label: str, field: Widget) -> None:
        super().__init__()
        self._label = label
        self._field = field
        # One line per field keeps a whole form on an 80x24 terminal.
        if isinstance(field, (Input, Select)):
            field.compact = True

    def compose(self) -> ComposeResult:
        yield Label(self._label)
        yield self._field


class ErrorLine(Static):
    """Where a form says what is wrong, in words; empty (no height) when all is well."""

    DEFAULT_CSS = """
    ErrorLine { color: $error; text-style: bold; height: auto; display: none; }
    ErrorLine.-shown { display: block; }
    ErrorLine.-ok { color: $success; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def show(self, error: FrontDeskError | str) -> None:
        self.remove_class("-ok")
        self.update(readable(error))
        self.add_class("-shown")
        self.call_after_refresh(self.scroll_visible, animate=False)

    def success(self, text: str) -> None:
        self.add_class("-ok")
        self.update(readable(text))
        self.add_class("-shown")

    def clear(self) -> None:
        self.update("")
        self.remove_class("-shown", "-ok")

    @property
    def text(self) -> str:
        return str(self.render())


class MoneyInput(Field):
    """A field for an amount; `.money` parses it exactly or raises BadAmount saying why
    (nothing typed is dropped silently: "1e5" is refused, not read as 15)."""

    def __init__(
        self,
        value: Money | None = None,
        *,
        ceiling: int | None = DEFAULT_CEILING_CENTS,
        id: str | None = None,
    ) -> None:
        super().__init__(
            value=value.format(symbol=False) if value is not None else "",
            placeholder="0.00",
            id=id,
        )
        self.ceiling = ceiling

    @property
    def money(self) -> Money:
        return Money.parse(self.value, ceiling=self.ceiling)
