"""The fee sheet's lines on the check-out screen: the search field (a code, words, or a
product's barcode scanned), the matches, the lines table and the keys that change the
highlighted line. Every change is priced by the fee-sheet service before it is kept; the
editor says so with `Changed`, or why not with `Refused`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, OptionList, Static

from frontdesk.data.models import Resource
from frontdesk.data.money import Money
from frontdesk.data.money_models import FeeCode, FeeLine, Item, PricedLine
from frontdesk.errors import FrontDeskError, Invalid
from frontdesk.screens.checkout_dialogs import Discount, DiscountDialog, PickDialog
from frontdesk.services import fee_sheets
from frontdesk.services.checkout_bill import add_line, parse_quantity
from frontdesk.widgets.dialogs import AskDialog
from frontdesk.widgets.form import Field, FormRow, fit, plain

__all__ = ["FeeLinesEditor"]

# A barcode scanner types the product's 12-digit SKU (UPC-A) and Enter.
_SCANNED = re.compile(r"[0-9]{12}")
_MATCHES = 8
_CODE_WIDTH = 12
_DESCRIPTION_WIDTH = 20


class FeeLinesEditor(Vertical):
    """The search and the lines. The line keys work while the lines table has the focus
    (in the search field they are letters)."""

    DEFAULT_CSS = """
    FeeLinesEditor { height: auto; }
    FeeLinesEditor > FormRow { margin: 0; }
    FeeLinesEditor > FormRow > Label { width: 5; }
    FeeLinesEditor > OptionList {
        height: auto; max-height: 6; border: none; padding: 0; background: $panel;
    }
    FeeLinesEditor > DataTable { height: auto; max-height: 9; }
    FeeLinesEditor > .fl-line { height: auto; color: $text-muted; }
    """
    BINDINGS = [
        Binding("plus", "step(1)", "One more"),
        Binding("minus", "step(-1)", "One less"),
        Binding("q", "quantity", "Quantity"),
        Binding("d", "discount", "Discount"),
        Binding("o", "override", "Price override"),
        Binding("v", "provider", "Provider"),
        Binding("delete", "remove", "Remove line"),
        Binding("down", "match(1)", "Next match", show=False),
        Binding("up", "match(-1)", "Previous match", show=False),
    ]

    @dataclass
    class Changed(Message):
        """The lines changed (and were priced)."""

        editor: FeeLinesEditor

    @dataclass
    class Refused(Message):
        """A change was not made; `error` says why."""

        error: FrontDeskError | str

    def __init__(
        self,
        lines: list[FeeLine],
        priced: tuple[PricedLine, ...],
        *,
        provider_id: int | None,
        providers: list[Resource],
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.lines = lines
        self.priced = priced
        self._provider = provider_id  # of new lines: the appointment's provider
        self._providers = providers
        self._matches: list[FeeCode | Item] = []

    def compose(self) -> ComposeResult:
        yield FormRow(
            "Add",
            Field(placeholder="code or words, or scan a barcode", id="fl-search", max_length=60),
        )
        matches = OptionList(id="fl-matches")
        matches.can_focus = False  # the search field moves through it (up, down)
        yield matches
        table = DataTable(id="fl-table", cursor_type="row")
        table.add_columns("Code", "Description", "Qty", "Unit", "Disc", "Tax", "Total")
        yield table
        yield Static("", classes="fl-line", markup=False)

    def on_mount(self) -> None:
        self.query_one("#fl-matches").display = False
        self._show()

    # -- showing -----------------------------------------------------------------------------

    def _show(self) -> None:
        table = self.query_one("#fl-table", DataTable)
        row = table.cursor_row
        table.clear()
        for n, line in enumerate(self.priced):
            mark = "*" if line.needs_approval else ""
            table.add_row(
                *plain(
                    fit(line.code, _CODE_WIDTH),
                    fit(mark + line.description, _DESCRIPTION_WIDTH),
                    line.quantity,
                    line.unit_price,
                    -line.discount if line.discount else "",
                    line.tax if line.tax else "",
                    line.total,
                ),
                key=str(n),
            )
        if self.priced:
            table.move_cursor(row=min(max(row, 0), len(self.priced) - 1))
        self._show_line()

    @on(DataTable.RowHighlighted, "#fl-table")
    def _show_line(self) -> None:
        index = self.current
        text = "No lines yet: type a code or words above, or scan a product."
        if index is not None:
            line = self.priced[index]
            names = {r.id: r.short_name for r in self._providers}
            parts = [f"Line {index + 1}: {names.get(line.provider_id, 'no provider')}"]
            if line.discount_reason:
                parts.append(f"{line.discount_reason} discount {line.discount}")
            if line.unit_price != line.list_price:
                parts.append(f"list price {line.list_price}")
            if line.needs_approval:
                parts.append("* needs a manager")
            text = " · ".join(parts)
        self.query_one(".fl-line", Static).update(text)

    @property
    def current(self) -> int | None:
        """The highlighted line's index, if there are lines."""
        table = self.query_one("#fl-table", DataTable)
        if not self.priced or not 0 <= table.cursor_row < len(self.priced):
            return None
        return table.cursor_row

    def focus_lines(self) -> None:
        self.query_one("#fl-table").focus()

    # -- changing the lines ----------------------------------------------------------------

    def apply(self, lines: list[FeeLine]) -> bool:
        """Keep `lines` if the fee-sheet service prices them; else say why, keep the old."""
        try:
            priced = fee_sheets.price_lines(self.app.desk, lines)
        except FrontDeskError as error:
            self.post_message(self.Refused(error))
            return False
        self.lines, self.priced = lines, tuple(priced)
        self._show()
        self.post_message(self.Changed(self))
        return True

    def _change(self, **update: object) -> None:
        index = self.current
        if index is not None:
            lines = list(self.lines)
            lines[index] = lines[index].model_copy(update=update)
            self.apply(lines)

    def _named(self, index: int) -> str:
        line = self.priced[index]
        return f"{line.code} {line.description} x{line.quantity}"

    def action_step(self, step: int) -> None:
        index = self.current
        if index is None:
            return
        quantity = self.lines[index].quantity + step
        if quantity < 1:
            self.post_message(self.Refused("The quantity is at least 1; Delete removes the line."))
            return
        self._change(quantity=quantity)

    def action_quantity(self) -> None:
        index = self.current
        if index is None:
            return

        def typed(quantity: object) -> None:
            if isinstance(quantity, int):
                self._change(quantity=quantity)

        self.app.push_screen(
            AskDialog(
                f"Quantity of {self._named(index)}",
                "How many",
                parse_quantity,
                value=str(self.lines[index].quantity),
            ),
            typed,
        )

    def action_discount(self) -> None:
        index = self.current
        if index is None:
            return
        line = self.lines[index]
        value = ""
        if line.discount_percent is not None:
            value = f"{line.discount_percent}%"
        elif line.discount_amount is not None:
            value = line.discount_amount.format(symbol=False)

        def given(discount: Discount | None) -> None:
            if discount is not None:
                self._change(
                    discount_amount=discount.amount,
                    discount_percent=discount.percent,
                    discount_reason=discount.reason,
                )

        self.app.push_screen(DiscountDialog(self._named(index), value, line.discount_reason), given)

    def action_override(self) -> None:
        index = self.current
        if index is None:
            return
        line = self.priced[index]
        ceiling = self.app.settings.amount_ceiling.cents

        def price(text: str) -> Money | None:
            return Money.parse(text, ceiling=ceiling) if text.strip() else line.list_price

        def typed(unit: object) -> None:
            if isinstance(unit, Money):
                self._change(unit_price=unit if unit != line.list_price else None)

        self.app.push_screen(
            AskDialog(
                f"Price of {line.code} (list {line.list_price}; a manager approves)",
                "Unit price",
                price,
                value=line.unit_price.format(symbol=False),
            ),
            typed,
        )

    def action_provider(self) -> None:
        index = self.current
        if index is None or not self._providers:
            return

        def chosen(provider_id: object) -> None:
            if isinstance(provider_id, int):
                self._change(provider_id=provider_id)

        self.app.push_screen(
            PickDialog(
                f"Provider of {self._named(index)}",
                [(r.name, r.id) for r in self._providers],
                self.lines[index].provider_id,
            ),
            chosen,
        )

    def action_remove(self) -> None:
        index = self.current
        if index is not None:
            self.apply([*self.lines[:index], *self.lines[index + 1 :]])

    # -- the search --------------------------------------------------------------------------

    @on(Input.Changed, "#fl-search")
    def _search(self, event: Input.Changed) -> None:
        matches = self.query_one("#fl-matches", OptionList)
        try:
            found = fee_sheets.search_catalogue(self.app.desk, event.value, limit=_MATCHES)
        except FrontDeskError as error:
            self.post_message(self.Refused(error))
            found = []
        self._matches = found
        matches.clear_options()
        matches.add_options([Text(_match_text(item), no_wrap=True) for item in found])
        matches.display = bool(found)
        if found:
            matches.highlighted = 0

    def action_match(self, step: int) -> None:
        if self.screen.focused is not self.query_one("#fl-search") or not self._matches:
            if step > 0:
                self.screen.focus_next()
            return
        matches = self.query_one("#fl-matches", OptionList)
        current = matches.highlighted or 0
        matches.highlighted = min(max(current + step, 0), len(self._matches) - 1)

    @on(Input.Submitted, "#fl-search")
    def _add(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.focus_lines()
            return
        try:
            if _SCANNED.fullmatch(text):
                chosen = fee_sheets.find_sku(self.app.desk, text)
            else:
                index = self.query_one("#fl-matches", OptionList).highlighted
                if not self._matches or index is None:
                    raise Invalid(f"Nothing on the fee schedule or the shelf matches '{text}'.")
                chosen = self._matches[index]
        except FrontDeskError as error:
            self.post_message(self.Refused(error))
            return
        if isinstance(chosen, FeeCode):
            kind, code = "service", chosen.code
        else:
            kind, code = "product", chosen.sku
        if self.apply(add_line(self.lines, kind, code, self._provider)):
            self.query_one("#fl-search", Input).value = ""
            row = [line.code for line in self.lines].index(code)
            self.query_one("#fl-table", DataTable).move_cursor(row=row)


def _match_text(item: FeeCode | Item) -> str:
    if isinstance(item, FeeCode):
        return f"{fit(item.code, _CODE_WIDTH)}  {fit(item.description, 44)} {item.price}"
    return f"{fit(item.sku, _CODE_WIDTH)}  {fit(item.name, 44)} {item.price} ({item.on_hand} left)"
