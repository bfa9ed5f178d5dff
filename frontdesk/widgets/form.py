"""Form pieces: a labelled row, the one inline error line, and the money input."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from frontdesk.data.money import DEFAULT_CEILING_CENTS, Money
from frontdesk.errors import FrontDeskError

__all__ = ["ErrorLine", "FormRow", "MoneyInput"]


class FormRow(Horizontal):
    """A label on the left, a field on the right."""

    DEFAULT_CSS = """
    FormRow { height: auto; margin-bottom: 1; }
    .dense FormRow { margin-bottom: 0; }
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
        self.update(str(error))
        self.add_class("-shown")
        self.call_after_refresh(self.scroll_visible, animate=False)

    def success(self, text: str) -> None:
        self.add_class("-ok")
        self.update(text)
        self.add_class("-shown")

    def clear(self) -> None:
        self.update("")
        self.remove_class("-shown", "-ok")

    @property
    def text(self) -> str:
        return str(self.render())


class MoneyInput(Input):
    """A field for an amount: keeps to money characters; `.money` parses it exactly or
    raises BadAmount saying why."""

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
            restrict=r"[-+$0-9.,\s]*",
            max_length=16,
            id=id,
        )
        self.ceiling = ceiling

    @property
    def money(self) -> Money:
        return Money.parse(self.value, ceiling=self.ceiling)
