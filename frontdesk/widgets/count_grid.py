"""Cash counted by denomination: bills, coins and rolls side by side, one field each,
with the total so far (six lines: fits a dialog at 80x24)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Input, Static

from frontdesk.data.drawer_models import DENOMINATIONS
from frontdesk.errors import Invalid
from frontdesk.services.drawer_counts import count_total, parse_count
from frontdesk.widgets.form import Field

__all__ = ["CountGrid"]

_GROUPS = ("bills", "coins", "rolls")


class CountGrid(Vertical):
    """The count's fields (`cg-<key>`), filled from `counts`; `.counts` reads them (Invalid
    naming the denomination for a bad one), `.total_line` says the total so far."""

    DEFAULT_CSS = """
    CountGrid { height: auto; }
    CountGrid Horizontal { height: 6; }
    CountGrid Grid {
        grid-size: 2; grid-columns: 10 8; grid-rows: 1; height: 6; width: 20; grid-gutter: 0 1;
        margin-right: 2;
    }
    CountGrid Grid > Static { text-align: right; }
    CountGrid Input { width: 8; }
    CountGrid .cg-total { margin-top: 0; text-style: bold; }
    """

    def __init__(self, counts: dict[str, int] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._start = counts or {}

    def compose(self) -> ComposeResult:
        # A column each of bills, coins and rolls: Tab goes down the bills first.
        with Horizontal():
            for group in _GROUPS:
                with Grid():
                    for d in (d for d in DENOMINATIONS if d.group == group):
                        yield Static(d.label, markup=False)
                        number = self._start.get(d.key, 0)
                        field = Field(
                            str(number) if number else "", id=f"cg-{d.key}", max_length=6,
                            placeholder="0",
                        )  # fmt: skip
                        field.compact = True
                        yield field
        yield Static("", classes="cg-total", markup=False)

    def on_mount(self) -> None:
        self._show_total()

    @property
    def fields(self) -> dict[str, str]:
        return {d.key: self.query_one(f"#cg-{d.key}", Input).value for d in DENOMINATIONS}

    @property
    def counts(self) -> dict[str, int]:
        return parse_count(self.fields)

    def set_counts(self, counts: dict[str, int]) -> None:
        for d in DENOMINATIONS:
            number = counts.get(d.key, 0)
            self.query_one(f"#cg-{d.key}", Input).value = str(number) if number else ""

    @on(Input.Changed)
    def _show_total(self) -> None:
        line = self.query_one(".cg-total", Static)
        try:
            line.update(f"Cash counted: {count_total(self.counts)}")
        except Invalid as error:
            line.update(str(error))

    def first(self) -> Input:
        return self.query_one(f"#cg-{DENOMINATIONS[0].key}", Input)

    def last(self) -> Input:
        return self.query_one(f"#cg-{DENOMINATIONS[-1].key}", Input)
