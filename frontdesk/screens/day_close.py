"""The close of day (F7, manager): a business date's eight steps on the left, the
highlighted step's open items on the right, each resolved where it is shown; the
sign-off by PIN locks the date. The day sheet, deposit slip and drawer closes print
(p) and export as CSV for the accountant (x)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.data.drawer_models import DENOMINATIONS, CloseOfDay, CloseStep, DrawerSession
from frontdesk.data.money import Money
from frontdesk.errors import FrontDeskError
from frontdesk.services import appointment_status, day_close, drawers, no_shows
from frontdesk.widgets.dialogs import AskDialog, ConfirmDialog, PinDialog
from frontdesk.widgets.form import ErrorLine, fit, plain

__all__ = ["DayCloseScreen"]

#: What Enter and the letter keys do on each step's items.
_ITEM_HINTS = {
    "drawers": "Enter: count or close the drawer   p: print the drawer closes",
    "no_shows": "n: no-show  N: all no-show  l: late cancel  a: arrived late",
    "no_fee_sheet": "Enter: check out (fee sheet)   r: no fee sheet, with the reason",
    "open_fee_sheets": "Enter: finish the fee sheet at check-out",
    "day_sheet": "p: print   x: export CSV",
    "deposit": "p: print the deposit slip   x: export CSV",
    "card_batch": "Each drawer's batch beside the card payments posted",
    "sign_off": "Enter or s: sign off with your PIN (the date is locked)",
}
_PRINTED = {
    "day_sheet": "day_sheet",
    "deposit": "deposit",
    "drawers": "drawers",
    "card_batch": "drawers",
}


class DayCloseScreen(Screen[None]):
    """One guided pass over a business date."""

    TITLE = "Close of day"
    CSS_PATH = "day_close.tcss"
    BINDINGS = [
        Binding("left_square_bracket", "day(-1)", "Day before"),
        Binding("right_square_bracket", "day(1)", "Day after"),
        Binding("t", "today", "Today"),
        Binding("enter", "act", "Resolve", show=False),
        Binding("n", "mark('no_show')", "No-show", show=False),
        Binding("N", "all_no_shows", "All no-show", show=False),
        Binding("l", "mark('late_cancel')", "Late cancel", show=False),
        Binding("a", "mark('arrived')", "Arrived late", show=False),
        Binding("r", "no_charge", "Reason", show=False),
        Binding("s", "sign_off", "Sign off"),
        Binding("p", "print", "Print"),
        Binding("x", "export", "Export CSV"),
        Binding("escape", "app.back", "Back"),
    ]
    AUTO_FOCUS = "#dc-steps"

    def __init__(self) -> None:
        super().__init__()
        self._day: dt.date | None = None
        self._close: CloseOfDay | None = None

    def compose(self) -> ComposeResult:
        yield self.app.header()
        with Vertical(id="dc"):
            yield Static("", id="dc-title", classes="card-title", markup=False)
            yield ErrorLine(id="dc-result")
            with Horizontal(id="dc-body"):
                yield OptionList(id="dc-steps")
                with Vertical(id="dc-detail"):
                    yield Static("", id="dc-summary", markup=False)
                    table: DataTable[str] = DataTable(id="dc-items", cursor_type="row")
                    yield table
                    yield Static("", id="dc-hint", classes="hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._day = day_close.next_to_close(self.app.desk)

    def on_screen_resume(self) -> None:
        self.refresh_close()

    # -- what is shown -----------------------------------------------------------------------

    def refresh_close(self) -> None:
        assert self._day is not None
        try:
            self._close = day_close.close_of_day(self.app.desk, self._day)
        except FrontDeskError as error:
            self.app.show_error(error)
            if self._close is not None:  # the day shown stays the one the steps are of
                self._day = self._close.business_date
            return
        close = self._close
        state = (
            f"closed {self._clock(close.closed_at)} by {close.closed_by}"
            if close.closed_at
            else "ready to sign off"
            if close.ready
            else _steps_open(sum(not s.done for s in close.steps if s.key != "sign_off"))
        )
        self.query_one("#dc-title", Static).update(f"Close of day {self._day:%a %m/%d/%Y}: {state}")
        steps = self.query_one("#dc-steps", OptionList)
        highlighted = steps.highlighted or 0
        steps.clear_options()
        steps.add_options(
            [
                Option(
                    f"{'✓' if s.done else '✗'} {s.number} {s.title}"
                    + (f" ({len(s.items)})" if s.items else ""),
                    id=s.key,
                )
                for s in close.steps
            ]
        )
        steps.highlighted = min(highlighted, len(close.steps) - 1)
        self._show_step()

    def _clock(self, stamp: str | None) -> str:
        from frontdesk.services.book import time_text

        return time_text(stamp, self.app.clock.tz) if stamp else ""

    def _step(self) -> CloseStep | None:
        if self._close is None:
            return None
        index = self.query_one("#dc-steps", OptionList).highlighted
        return self._close.steps[index] if index is not None else None

    @on(OptionList.OptionHighlighted, "#dc-steps")
    def _highlighted(self) -> None:
        self._show_step()

    @on(OptionList.OptionSelected, "#dc-steps")
    def _selected(self) -> None:
        step = self._step()
        if step is None:
            return
        if step.key == "sign_off":
            self.action_sign_off()
        elif self.query_one("#dc-items", DataTable).row_count:
            self.query_one("#dc-items", DataTable).focus()

    @on(DataTable.RowSelected, "#dc-items")
    def _item_chosen(self) -> None:
        self.action_act()

    def _show_step(self) -> None:
        step = self._step()
        if step is None:
            return
        self.query_one("#dc-summary", Static).update(f"{step.number}. {step.title}: {step.summary}")
        self.query_one("#dc-hint", Static).update(_ITEM_HINTS[step.key])
        table = self.query_one("#dc-items", DataTable)
        table.clear(columns=True)
        day = self._day
        assert day is not None
        desk = self.app.desk
        if step.key == "day_sheet":
            sheet = day_close.day_sheet(desk, day)
            table.add_columns("Line", "N", "Amount")
            group = ""
            for line in sheet.lines:
                if line.group != group:
                    group = line.group
                    table.add_row(*plain(group, "", ""))
                table.add_row(*plain(fit(f"  {line.label}", 26), str(line.count), str(line.amount)))
            for label, amount in (
                ("Beginning A/R", sheet.beginning_ar),
                ("+ charges", sheet.charges),
                ("- payments", sheet.payments),
                ("- adjustments", sheet.adjustments),
                ("+ refunds", sheet.refunds),
                ("+ voids", sheet.voids),
                ("= ending A/R", sheet.ending_ar),
                (f"Fee sheets ({sheet.fee_sheet_count})", sheet.fee_sheets),
            ):
                table.add_row(*plain(label, "", str(amount)))
        elif step.key == "deposit":
            slip = day_close.deposit_slip(desk, day)
            table.add_columns("Deposit", "Count", "Amount")
            for d in DENOMINATIONS:
                if slip.counts.get(d.key):
                    number = slip.counts[d.key]
                    table.add_row(*plain(d.label, str(number), str(Money(number * d.cents))))
            for check in slip.checks:
                table.add_row(*plain(fit(f"Check {check.number} {check.payer}", 26), "1",
                                     str(check.amount)))  # fmt: skip
            table.add_row(*plain("Total deposit", "", str(slip.total)))
        elif step.key == "card_batch":
            table.add_columns("Drawer", "Batch", "Posted", "Difference")
            for name, batch, posted in day_close.card_batches(desk, day):
                difference = (batch - posted) if batch is not None else None
                table.add_row(
                    *plain(
                        fit(name, 16),
                        str(batch) if batch is not None else "not counted",
                        str(posted),
                        str(difference) if difference is not None else "",
                    )
                )
        else:
            table.add_columns("Still open" if not step.done else "Done")
            for item in step.items:
                table.add_row(*plain(fit(item.text, 50)), key=str(item.id))
            if not step.items:
                table.add_row(*plain("Nothing left here."))

    def _item_id(self) -> int | None:
        step = self._step()
        table = self.query_one("#dc-items", DataTable)
        if step is None or not step.items or not 0 <= table.cursor_row < len(step.items):
            return None
        return step.items[table.cursor_row].id

    def _say(self, text: str) -> None:
        self.query_one("#dc-result", ErrorLine).success(text)

    def _fail(self, error: FrontDeskError | str) -> None:
        self.query_one("#dc-result", ErrorLine).show(error)

    # -- moving between days -----------------------------------------------------------------

    def action_day(self, days: int) -> None:
        assert self._day is not None
        self._day = min(self._day + dt.timedelta(days=days), self.app.desk.clock.business_date())
        self.refresh_close()

    def action_today(self) -> None:
        self._day = self.app.desk.clock.business_date()
        self.refresh_close()

    # -- resolving ---------------------------------------------------------------------------

    def action_act(self) -> None:
        if self.focused is self.query_one("#dc-steps", OptionList):
            self._selected()
            return
        step = self._step()
        item_id = self._item_id()
        if step is None:
            return
        if step.key == "sign_off":
            self.action_sign_off()
        elif item_id is None:
            return
        elif step.key == "drawers":
            self._drawer(drawers.session(self.app.desk, item_id))
        elif step.key in ("no_fee_sheet", "open_fee_sheets"):
            from frontdesk.screens.checkout import CheckoutScreen

            self.app.push_screen(CheckoutScreen(item_id))

    def _drawer(self, session: DrawerSession) -> None:
        from frontdesk.screens.drawer_dialogs import CloseDrawerDialog, CountDrawerDialog

        def closed(_result: object) -> None:
            self.refresh_close()

        def counted(result: object) -> None:
            if result is not None:
                fresh = drawers.session(self.app.desk, session.id)
                self.app.push_screen(CloseDrawerDialog(fresh, result), closed)  # type: ignore[arg-type]
            else:
                self.refresh_close()

        if session.status == "open":
            self.app.push_screen(CountDrawerDialog(session), counted)
        else:
            self.app.push_screen(CloseDrawerDialog(session), closed)

    def action_mark(self, how: str) -> None:
        step = self._step()
        item_id = self._item_id()
        if step is None or step.key != "no_shows" or item_id is None:
            return
        desk = self.app.desk
        try:
            if how == "no_show":
                no_shows.mark_no_shows(desk, [item_id])
                words = "Marked no-show"
            elif how == "late_cancel":
                appointment_status.cancel(desk, item_id, "late_cancel")
                words = "Recorded as a late cancel"
            else:
                appointment_status.set_status(desk, item_id, "arrived", "arrived late")
                words = "Marked arrived late (it now needs its fee sheet)"
        except FrontDeskError as error:
            self._fail(error)
            return
        self._say(f"{words}: {step.items[self.query_one('#dc-items', DataTable).cursor_row].text}")
        self.refresh_close()

    def action_all_no_shows(self) -> None:
        step = self._step()
        if step is None or step.key != "no_shows" or not step.items:
            return
        ids = [item.id for item in step.items]

        def answered(agreed: bool | None) -> None:
            if not agreed:
                return
            try:
                no_shows.mark_no_shows(self.app.desk, ids)
            except FrontDeskError as error:
                self._fail(error)
                return
            self._say(f"Marked {len(ids)} appointments no-show.")
            self.refresh_close()

        self.app.push_screen(
            ConfirmDialog(
                "Mark the rest no-show",
                f"Mark all {len(ids)} appointments still booked on {self._day:%m/%d/%Y} as "
                "no-shows? (Late cancels and late arrivals: mark those first, one by one.)",
                "Mark all",
            ),
            answered,
        )

    def action_no_charge(self) -> None:
        step = self._step()
        item_id = self._item_id()
        if step is None or step.key != "no_fee_sheet" or item_id is None:
            return

        def check(text: str) -> str:
            day_close.record_no_charge(self.app.desk, item_id, text)
            return text

        def done(reason: object) -> None:
            if reason is not None:
                self._say(f"No fee sheet: {reason}.")
            self.refresh_close()

        self.app.push_screen(AskDialog("No fee sheet for this visit", "Reason", check), done)

    def action_sign_off(self) -> None:
        close = self._close
        if close is None or self._day is None:
            return
        if close.closed_at:
            self._fail(f"{self._day:%m/%d/%Y} is closed already; a closed day stays closed.")
            return
        if not close.ready:
            missing = ", ".join(
                str(s.number) for s in close.steps if not s.done and s.key != "sign_off"
            )
            self._fail(f"Not yet: steps {missing} are still open.")
            return
        day = self._day

        def signed(manager: object) -> None:
            if manager is None:
                return
            try:
                day_close.sign_off(self.app.desk, day, manager)  # type: ignore[arg-type]
            except FrontDeskError as error:
                self._fail(error)
                return
            self._say(f"{day:%a %m/%d/%Y} is closed and locked.")
            self.refresh_close()

        self.app.push_screen(
            PinDialog(
                f"Sign off {day:%a %m/%d/%Y}",
                "Signing off locks the date: nothing more can be posted to it, and it is "
                "never reopened (a correction goes on an open day).",
                f"closing {day.isoformat()}",
            ),
            signed,
        )

    def _what(self) -> str:
        step = self._step()
        return _PRINTED.get(step.key if step else "", "day_sheet")

    def action_print(self) -> None:
        assert self._day is not None
        what = self._what()
        try:
            job = day_close.queue_printout(self.app.desk, self._day, what)
        except FrontDeskError as error:
            self._fail(error)
            return
        words = {"day_sheet": "Day sheet", "deposit": "Deposit slip", "drawers": "Drawer closes"}
        self._say(f"{words[what]} sent to the printer (job {job}).")

    def action_export(self) -> None:
        assert self._day is not None
        day = self._day
        folder = Path(self.app.db.path).parent / "exports"

        def answered(agreed: bool | None) -> None:
            if not agreed:
                return
            try:
                written = day_close.export_files(self.app.desk, day, folder)
            except FrontDeskError as error:
                self._fail(error)
                return
            self._say(f"Wrote {len(written)} CSV files to {folder}.")

        self.app.push_screen(
            ConfirmDialog(
                "Export for the accountant",
                f"Write the day sheet, deposit slip and drawer closes of {day:%m/%d/%Y} as "
                f"CSV files to {folder}?",
                "Export",
            ),
            answered,
        )


def _steps_open(count: int) -> str:
    return f"{count} step{'s' if count != 1 else ''} open"
