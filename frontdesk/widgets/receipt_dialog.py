"""The receipt as it prints, on screen: shown after every posting and from the account.

The receipt's print job is already queued when this opens (the posting queued it); `r`
queues it again as a reprint.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from frontdesk.data.money_models import Posting, Receipt
from frontdesk.errors import FrontDeskError
from frontdesk.printing.layout import preview_text
from frontdesk.services import receipts

__all__ = ["ReceiptDialog"]


class ReceiptDialog(ModalScreen[None]):
    """A receipt preview; `note` says what was just done (e.g. the change to give)."""

    DEFAULT_CSS = """
    ReceiptDialog { align: center middle; }
    ReceiptDialog > Vertical {
        width: 50; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    ReceiptDialog #rd-note { text-style: bold; color: $success; height: auto; }
    ReceiptDialog #rd-scroll { height: auto; max-height: 16; }
    ReceiptDialog #rd-paper { width: 44; background: $panel; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,enter", "close", "Close"),
        Binding("r", "reprint", "Reprint"),
    ]

    def __init__(self, receipt: Receipt, posting_id: int | None = None, note: str = "") -> None:
        super().__init__()
        self._receipt = receipt
        self._posting_id = posting_id
        self._note = note

    @classmethod
    def of(cls, posting: Posting, note: str = "") -> ReceiptDialog:
        assert posting.receipt is not None
        return cls(posting.receipt, posting.id, note)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._note, id="rd-note", markup=False)
            with VerticalScroll(id="rd-scroll"):
                yield Static(preview_text(self._receipt, 42), id="rd-paper", markup=False)
            yield Static("Enter/Esc: close   r: print again (reprint)", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#rd-note").display = bool(self._note)
        self.app.wake_printer()  # the posting queued its receipt

    def action_close(self) -> None:
        self.dismiss(None)

    def action_reprint(self) -> None:
        if self._posting_id is None:
            return
        try:
            receipts.reprint(self.app.desk, self._posting_id)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self.app.wake_printer()
        self.app.notify("Reprint queued.", timeout=3)
