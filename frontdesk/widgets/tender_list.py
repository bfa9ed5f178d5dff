"""The tenders taken so far on a money screen (a split payment has several): how each is
paid, its detail, amount and change; `Delete` removes the highlighted one."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from frontdesk.data.money import Money
from frontdesk.data.money_models import Tender
from frontdesk.services.checkout_bill import tender_text
from frontdesk.services.payments import METHOD_WORDS
from frontdesk.widgets.form import fit, plain

__all__ = ["TenderList"]


class TenderList(DataTable):
    """The tenders, in the order taken. Posts `Changed` when one is added or removed."""

    BINDINGS = [Binding("delete", "remove", "Remove tender")]

    class Changed(Message):
        """The tenders changed; `emptied` when the last one was removed."""

        def __init__(self, tender_list: TenderList, emptied: bool) -> None:
            super().__init__()
            self.tender_list = tender_list
            self.emptied = emptied

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.tenders: list[Tender] = []
        self.add_columns("Paid by", "Detail", "Amount", "Change")
        self.display = False

    @property
    def paid(self) -> Money:
        return sum((t.amount for t in self.tenders), Money(0))

    @property
    def change(self) -> Money:
        return sum((t.change for t in self.tenders), Money(0))

    def add(self, tender: Tender) -> None:
        self.tenders.append(tender)
        self._show()
        self.post_message(self.Changed(self, emptied=False))

    def action_remove(self) -> None:
        if self.tenders and 0 <= self.cursor_row < len(self.tenders):
            del self.tenders[self.cursor_row]
            self._show()
            self.post_message(self.Changed(self, emptied=not self.tenders))

    def _show(self) -> None:
        self.clear()
        for n, tender in enumerate(self.tenders):
            self.add_row(
                *plain(
                    METHOD_WORDS[tender.method],
                    fit(tender_text(tender), 24),
                    tender.amount,
                    tender.change if tender.change else "",
                ),
                key=str(n),
            )
        self.display = bool(self.tenders)
