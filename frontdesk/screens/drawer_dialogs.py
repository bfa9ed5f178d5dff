"""The cash drawer's dialogs: open with a float, a drawer move (paid-out, drop, petty
cash back, no sale), the blind count, and the close with its over/short and sign-off."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from frontdesk.data.drawer_models import CountedCheck, Drawer, DrawerCount, DrawerSession
from frontdesk.data.money import Money
from frontdesk.errors import FrontDeskError, Invalid
from frontdesk.services import drawers
from frontdesk.services.ledger import new_key
from frontdesk.widgets.count_grid import CountGrid
from frontdesk.widgets.form import ErrorLine, Field, FormRow, MoneyInput, fit, plain

__all__ = ["CloseDrawerDialog", "CountDrawerDialog", "MoveDialog", "OpenDrawerDialog"]

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 76; max-width: 100%; height: auto; max-height: 100%; padding: 0 1;
    border: thick $primary; background: $surface;
}}
{name} .dialog-title {{ text-style: bold; }}
{name} .hint {{ margin-top: 0; }}
"""


def over_short_text(amount: Money) -> str:
    if amount.cents > 0:
        return f"over {amount}"
    if amount.cents < 0:
        return f"short {-amount}"
    return "even"


class OpenDrawerDialog(ModalScreen[object]):
    """Open a drawer with its float counted by denomination (the change envelope); the
    count offered is what the last close left, or the drawer's default float."""

    DEFAULT_CSS = _CSS.format(name="OpenDrawerDialog")
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "open", "Open the drawer"),
    ]

    def __init__(self, drawer: Drawer, offered: dict[str, int]) -> None:
        super().__init__()
        self._drawer, self._offered = drawer, offered

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Open {self._drawer.name}: count the float", classes="dialog-title")
            yield Static(
                "Filled in: what the last close left in the drawer (or its default float). "
                "Count what is really there.",
                markup=False,
            )
            yield CountGrid(self._offered, id="od-count")
            yield ErrorLine(id="od-error")
            yield Static(
                "Tab: next   Ctrl+S or Enter on 1c roll: open   Esc: cancel", classes="hint"
            )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        grid = self.query_one(CountGrid)
        if event.input is grid.last():
            self.action_open()
        else:
            self.focus_next()

    def action_open(self) -> None:
        try:
            counts = self.query_one(CountGrid).counts
            session = drawers.open_drawer(self.app.desk, self._drawer.id, counts)
        except FrontDeskError as error:
            self.query_one("#od-error", ErrorLine).show(error)
            return
        self.dismiss(session)

    def action_cancel(self) -> None:
        self.dismiss(None)


_MOVE_FIELDS = {
    "paid_out": ("Paid out of petty cash", True, True, True),
    "drop": ("Drop to the safe", True, False, False),
    "replenish": ("Petty cash put back", True, False, False),
    "no_sale": ("Open the drawer: no sale", False, False, False),
}


class MoveDialog(ModalScreen[object]):
    """A drawer move at this workstation: amount, payee, reason, receipt; a manager's
    username and PIN when the move needs one and a manager is not signed in."""

    DEFAULT_CSS = _CSS.format(name="MoveDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, kind: str) -> None:
        super().__init__()
        self._kind = kind
        self._key = new_key()

    @property
    def _needs_manager(self) -> bool:
        actor = self.app.actor
        return self._kind in ("paid_out", "replenish") and (actor is None or not actor.is_manager)

    def compose(self) -> ComposeResult:
        title, amount, payee, receipt = _MOVE_FIELDS[self._kind]
        with Vertical(classes="dense"):
            yield Static(title, classes="dialog-title", markup=False)
            if amount:
                yield FormRow("Amount", MoneyInput(id="mv-amount"))
            if payee:
                yield FormRow("Paid to", Field(id="mv-payee", max_length=60))
            yield FormRow("Reason", Field(id="mv-reason", max_length=80))
            if receipt:
                yield FormRow("Receipt ref", Field(id="mv-receipt", max_length=30))
            if self._needs_manager:
                yield FormRow("Manager", Field(id="mv-user", max_length=40))
                yield FormRow("Manager PIN", Field(password=True, id="mv-pin"))
            yield ErrorLine(id="mv-error")
            yield Static("Enter: next / record   Esc: cancel", classes="hint")

    def _value(self, name: str) -> str:
        found = self.query(f"#mv-{name}")
        return found.first(Input).value if found else ""

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        fields = list(self.query(Input))
        if event.input is not fields[-1]:
            self.focus_next()
            return
        error_line = self.query_one("#mv-error", ErrorLine)
        try:
            amount = (
                self.query_one("#mv-amount", MoneyInput).money
                if self.query("#mv-amount")
                else Money(0)
            )
            approver = None
            if self._needs_manager:
                from frontdesk.services import auth

                approver = auth.approve(
                    self.app.desk,
                    self._value("user"),
                    self._value("pin"),
                    f"drawer {self._kind.replace('_', ' ')} of {amount}",
                )
            move = drawers.record_move(
                self.app.desk,
                self._kind,
                amount,
                self._key,
                payee=self._value("payee"),
                reason=self._value("reason"),
                receipt_ref=self._value("receipt"),
                approver=approver,
            )
        except FrontDeskError as error:
            if self.query("#mv-pin"):
                self.query_one("#mv-pin", Input).value = ""
            error_line.show(error)
            return
        self.dismiss(move)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CountDrawerDialog(ModalScreen[object]):
    """The blind count: cash by denomination, each check (number, payer, amount) and the
    card terminal's batch total. What the drawer should hold is not shown here; it is
    shown once the count is in, and the count can't be changed after."""

    DEFAULT_CSS = (
        _CSS.format(name="CountDrawerDialog")
        + """
    CountDrawerDialog #cd-check-row { height: 1; }
    CountDrawerDialog #cd-check-row Static { width: 7; }
    CountDrawerDialog #cd-check-row Input { width: 14; margin-right: 1; }
    CountDrawerDialog #cd-check-row #cd-payer { width: 24; }
    CountDrawerDialog #cd-checks { height: auto; max-height: 4; }
    CountDrawerDialog FormRow { margin-bottom: 0; }
    """
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Submit the count"),
        Binding("ctrl+d", "remove_check", "Remove last check", priority=True),
    ]

    def __init__(self, session: DrawerSession) -> None:
        super().__init__()
        self._session = session
        self._checks: list[CountedCheck] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                f"Count {self._session.drawer_name} (blind: the expected cash is shown after)",
                classes="dialog-title",
                markup=False,
            )
            yield CountGrid(id="cd-count")
            with Horizontal(id="cd-check-row"):
                yield Static("Check  ")
                fields = (
                    Field(placeholder="number", id="cd-number", max_length=12),
                    Field(placeholder="payer", id="cd-payer", max_length=60),
                    MoneyInput(id="cd-check-amount"),
                )
                for field in fields:
                    field.compact = True
                    yield field
            table: DataTable[str] = DataTable(id="cd-checks", cursor_type="row")
            table.add_columns("Check", "Payer", "Amount")
            table.display = False
            yield table
            yield FormRow("Card batch", MoneyInput(id="cd-card"))
            yield ErrorLine(id="cd-error")
            yield Static(
                "Enter on a check's amount: add it   Ctrl+D: remove last check   "
                "Ctrl+S: submit   Esc: cancel",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(CountGrid).first().focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "cd-check-amount":
            self._add_check()
        elif event.input.id == "cd-card":
            self.action_submit()
        else:
            self.focus_next()

    def _add_check(self) -> None:
        error_line = self.query_one("#cd-error", ErrorLine)
        number = self.query_one("#cd-number", Input)
        payer = self.query_one("#cd-payer", Input)
        amount_field = self.query_one("#cd-check-amount", MoneyInput)
        if not (number.value.strip() or payer.value.strip() or amount_field.value.strip()):
            self.query_one("#cd-card", Input).focus()  # no more checks
            return
        try:
            amount = amount_field.money
            check = CountedCheck(number=number.value, payer=payer.value, amount=amount)
            drawers.check_the_checks([*self._checks, check])
        except FrontDeskError as error:
            error_line.show(error)
            return
        error_line.clear()
        self._checks.append(check)
        self._show_checks()
        number.value = payer.value = amount_field.value = ""
        number.focus()

    def _show_checks(self) -> None:
        table = self.query_one("#cd-checks", DataTable)
        table.clear()
        for check in self._checks:
            table.add_row(*plain(check.number, fit(check.payer, 24), str(check.amount)))
        table.display = bool(self._checks)

    def action_remove_check(self) -> None:
        if self._checks:
            self._checks.pop()
            self._show_checks()

    def action_submit(self) -> None:
        error_line = self.query_one("#cd-error", ErrorLine)
        number = self.query_one("#cd-number", Input)
        if number.value.strip() or self.query_one("#cd-check-amount", Input).value.strip():
            error_line.show("Add the check being typed (Enter on its amount) or clear it first.")
            return
        try:
            counts = self.query_one(CountGrid).counts
            card_text = self.query_one("#cd-card", Input).value.strip()
            if not card_text:
                raise Invalid(
                    "Enter the card batch total from the terminal's settlement report "
                    "(0 if no cards were taken)."
                )
            card = self.query_one("#cd-card", MoneyInput).money
            count = drawers.submit_count(
                self.app.desk, self._session.id, counts, self._checks, card
            )
        except FrontDeskError as error:
            error_line.show(error)
            return
        self.dismiss(count)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CloseDrawerDialog(ModalScreen[object]):
    """The count beside what the drawer should hold, tender by tender; the reason when it
    is off by more than the limit; what to leave as tomorrow's float; the manager's
    sign-off by PIN."""

    DEFAULT_CSS = (
        _CSS.format(name="CloseDrawerDialog")
        + """
    CloseDrawerDialog #cl-table { height: auto; margin: 1 0; }
    CloseDrawerDialog FormRow { margin-bottom: 0; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Later")]

    def __init__(self, session: DrawerSession, count: DrawerCount | None = None) -> None:
        super().__init__()
        self._session = session
        self._count = count

    def compose(self) -> ComposeResult:
        session = self._session
        threshold = self._count.threshold if self._count else self.app.settings.over_short_limit
        suggested = (
            self._count.suggested_leave
            if self._count
            else min(
                (drawers.drawer_at(self.app.desk, session.workstation) or _NO_DRAWER).default_float,
                session.tenders[0].counted,
            )
        )
        with Vertical(classes="dense"):
            yield Static(
                f"{session.drawer_name}: counted by {session.counted_by or 'the shell'}",
                classes="dialog-title",
                markup=False,
            )
            table: DataTable[str] = DataTable(id="cl-table", cursor_type="none")
            table.add_columns("Tender", "Expected", "Counted", "Over/short")
            for line in session.tenders:
                table.add_row(
                    *plain(
                        line.tender.capitalize(),
                        str(line.expected),
                        str(line.counted),
                        over_short_text(line.over_short),
                    )
                )
            yield table
            off = [t for t in session.tenders if abs(t.over_short) > threshold]
            yield Static(
                f"Off by more than {threshold}: say why." if off else f"Within {threshold}.",
                classes="warning" if off else "",
                markup=False,
            )
            yield FormRow("Reason", Field(id="cl-reason", max_length=120))
            yield FormRow("Leave as float", MoneyInput(suggested, id="cl-leave"))
            actor = self.app.actor
            username = actor.username if actor is not None and actor.is_manager else ""
            yield FormRow("Manager", Field(username, id="cl-user", max_length=40))
            yield FormRow("Manager PIN", Field(password=True, id="cl-pin"))
            yield ErrorLine(id="cl-error")
            yield Static(
                "Enter: next / close the drawer   Esc: later (the count is kept)", classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#cl-reason", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "cl-pin":
            self.focus_next()
            return
        from frontdesk.services import auth

        error_line = self.query_one("#cl-error", ErrorLine)
        try:
            leave = self.query_one("#cl-leave", MoneyInput).money
            manager = auth.approve(
                self.app.desk,
                self.query_one("#cl-user", Input).value,
                self.query_one("#cl-pin", Input).value,
                f"closing {self._session.drawer_name}",
            )
            closed = drawers.close_drawer(
                self.app.desk,
                self._session.id,
                leave=leave,
                reason=self.query_one("#cl-reason", Input).value,
                approver=manager,
            )
        except FrontDeskError as error:
            self.query_one("#cl-pin", Input).value = ""
            error_line.show(error)
            return
        self.dismiss(closed)

    def action_cancel(self) -> None:
        self.dismiss(None)


_NO_DRAWER = Drawer(id=0, name="", workstation="", default_float=Money(20000))
