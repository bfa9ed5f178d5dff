"""Manager > Printers: the receipt printers (how each is reached, its profile, paper and
drawer port), a test page, and which workstation prints where.

The form shows only the fields of the connection chosen. A test page is sent from a
background thread, so a printer that does not answer never holds the screen; its
result (or what is wrong) is shown when it comes.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Select, Static

from frontdesk.data.printer_models import CONNECTIONS, PAPER_COLUMNS, Printer
from frontdesk.errors import FrontDeskError, PrinterProblem
from frontdesk.screens.book_setup_pane import Row, SetupForm, SetupPane
from frontdesk.services import printers
from frontdesk.widgets.form import Choice, ErrorLine, Field, FormRow

__all__ = ["PrinterForm", "PrinterSetupScreen", "PrintersPane", "StationPrinterForm"]

_CONNECTION_WORDS = {
    "network": "network (TCP 9100)",
    "usb": "USB",
    "serial": "serial port",
    "cups": "CUPS queue",
    "file": "file or device",
}
# The form rows that belong to each connection; the others are hidden.
_ROWS_OF = {
    "network": ("pf-row-host", "pf-row-port"),
    "usb": ("pf-row-vendor", "pf-row-product"),
    "serial": ("pf-row-device", "pf-row-baud"),
    "cups": ("pf-row-queue",),
    "file": ("pf-row-path",),
}
_NO_YES = (("no", False), ("yes", True))


def _row(label: str, field: Widget, row_id: str) -> FormRow:
    row = FormRow(label, field)
    row.id = row_id
    return row


class PrinterForm(SetupForm[Printer | None]):
    """Add a printer, or change one."""

    def __init__(self, printer: Printer | None = None) -> None:
        super().__init__("New printer" if printer is None else f"Edit {printer.name}")
        self._printer = printer or Printer(name="", connection="network")

    def fields(self) -> Iterable[Widget]:
        from frontdesk.printing import escpos_bytes

        p = self._printer
        yield FormRow("Name", Field(p.name, id="pf-name", max_length=40))
        yield FormRow(
            "Connection",
            Choice([(_CONNECTION_WORDS[c], c) for c in CONNECTIONS], allow_blank=False,
                   value=p.connection, id="pf-connection"),
        )  # fmt: skip
        yield _row("Host", Field(p.host, placeholder="receipt-1.local or 10.0.0.40",
                                 id="pf-host"), "pf-row-host")  # fmt: skip
        yield _row("Port", Field(str(p.port), id="pf-port", max_length=5), "pf-row-port")
        vendor = f"{p.usb_vendor:04x}" if p.usb_vendor is not None else ""
        product = f"{p.usb_product:04x}" if p.usb_product is not None else ""
        yield _row("USB vendor id", Field(vendor, placeholder="04b8 (Epson)", id="pf-vendor",
                                          max_length=6), "pf-row-vendor")  # fmt: skip
        yield _row("USB product id", Field(product, placeholder="0202", id="pf-product",
                                           max_length=6), "pf-row-product")  # fmt: skip
        yield _row("Serial device", Field(p.device, placeholder="/dev/ttyUSB0",
                                          id="pf-device"), "pf-row-device")  # fmt: skip
        yield _row(
            "Baud",
            Choice([(str(b), b) for b in printers.BAUD_RATES], allow_blank=False,
                   value=p.baud if p.baud in printers.BAUD_RATES else 9600, id="pf-baud"),
            "pf-row-baud",
        )  # fmt: skip
        yield _row("CUPS queue", Field(p.queue, id="pf-queue"), "pf-row-queue")
        yield _row("File", Field(p.path, placeholder="/dev/usb/lp0", id="pf-path"),
                   "pf-row-path")  # fmt: skip
        names = escpos_bytes.profiles()
        yield FormRow(
            "Profile",
            Choice([(n, n) for n in names], allow_blank=False,
                   value=p.profile if p.profile in names else escpos_bytes.DEFAULT_PROFILE,
                   id="pf-profile"),
        )  # fmt: skip
        yield FormRow(
            "Paper",
            Choice([(words, cols) for cols, words in PAPER_COLUMNS.items()],
                   allow_blank=False, value=p.columns, id="pf-columns"),
        )  # fmt: skip
        yield FormRow("Code page", Field(p.code_page, placeholder="blank: chosen per letter",
                                         id="pf-code-page", max_length=12))  # fmt: skip
        yield FormRow("Cut paper", Choice(_NO_YES, allow_blank=False, value=p.cut, id="pf-cut"))
        yield FormRow(
            "Drawer pin",
            Choice((("2", 2), ("5", 5)), allow_blank=False, value=p.drawer_pin, id="pf-pin"),
        )
        yield FormRow("Pulse (ms)", Field(str(p.pulse_ms), id="pf-pulse", max_length=3))

    def on_mount(self) -> None:
        super().on_mount()
        self._show_rows(self._printer.connection)

    @on(Select.Changed, "#pf-connection")
    def _connection_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self._show_rows(str(event.value))
            self.query_one("#bs-form-error", ErrorLine).clear()  # it was about the old one

    def _show_rows(self, connection: str) -> None:
        for rows in _ROWS_OF.values():
            for row_id in rows:
                self.query_one(f"#{row_id}").display = row_id in _ROWS_OF[connection]

    def _number(self, field_id: str, what: str) -> int:
        text = self.value(field_id).strip()
        if not text.isdigit():
            raise _invalid(f"The {what} is a whole number.")
        return int(text)

    def save(self) -> Printer | None:
        connection = self.choice("pf-connection")
        vendor = product = None
        if connection == "usb":
            vendor = printers.parse_usb_id(self.value("pf-vendor"), "vendor")
            product = printers.parse_usb_id(self.value("pf-product"), "product")
        printer = self._printer.model_copy(
            update={
                "name": self.value("pf-name"),
                "connection": connection,
                "host": self.value("pf-host"),
                "port": self._number("pf-port", "port") if connection == "network" else 9100,
                "usb_vendor": vendor,
                "usb_product": product,
                "device": self.value("pf-device"),
                "baud": self.choice("pf-baud"),
                "queue": self.value("pf-queue"),
                "path": self.value("pf-path"),
                "profile": self.choice("pf-profile"),
                "columns": self.choice("pf-columns"),
                "code_page": self.value("pf-code-page").strip().upper(),
                "cut": self.choice("pf-cut"),
                "drawer_pin": self.choice("pf-pin"),
                "pulse_ms": self._number("pf-pulse", "drawer pulse"),
            }
        )
        return printers.save_printer(self.app.desk, printer)


def _invalid(message: str) -> FrontDeskError:
    from frontdesk.errors import Invalid

    return Invalid(message)


class StationPrinterForm(SetupForm[str | None]):
    """Choose the printer a workstation prints on."""

    def __init__(self, workstation: str, current: str, names: list[str]) -> None:
        super().__init__("Workstation's printer")
        self._workstation, self._current, self._names = workstation, current, names

    def fields(self) -> Iterable[Widget]:
        yield FormRow("Workstation", Field(self._workstation, id="sp-workstation",
                                           placeholder="e.g. FRONT-1", max_length=32))  # fmt: skip
        options = [(printers.FILE_PRINTER, ""), *((n, n) for n in self._names)]
        yield FormRow(
            "Printer",
            Choice(options, allow_blank=False,
                   value=self._current if self._current in self._names else "",
                   id="sp-printer"),
        )  # fmt: skip

    def on_mount(self) -> None:
        super().on_mount()
        if self._workstation:  # chosen from the list: what changes is its printer
            self.query_one("#sp-printer").focus()

    def save(self) -> str | None:
        workstation = self.value("sp-workstation")
        printers.assign(self.app.desk, workstation, self.choice("sp-printer") or "")
        return workstation.strip()


class PrintersPane(SetupPane):
    """Every printer, in use or not."""

    COLUMNS = ("Printer", "Connection", "Where", "Paper", "Profile", "In use")
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e,enter", "edit", "Edit"),
        Binding("t", "test", "Test page"),
        Binding("d", "take_out", "Take out of use"),
        Binding("r", "put_back", "Put back"),
    ]

    def rows(self) -> list[Row]:
        self.caption("Printers: a adds, Enter or e edits, t prints a test page.")
        self._printers = {str(p.id): p for p in printers.printers(self.app.desk)}
        return [
            (key, (p.name, p.connection, p.where, f"{p.columns} col", p.profile,
                   "yes" if p.active else "no"))
            for key, p in self._printers.items()
        ]  # fmt: skip

    def _chosen(self) -> Printer | None:
        key = self.selected_or_say("printer")
        return self._printers.get(key) if key else None

    def _saved(self, saved: Printer | None) -> None:
        if saved is not None:
            self.refresh_list(select=str(saved.id))
            self.app.notify(f"Saved {saved.name}.", timeout=4, markup=False)

    def action_add(self) -> None:
        self.app.push_screen(PrinterForm(), self._saved)

    @on(DataTable.RowSelected)
    def _enter(self, event: DataTable.RowSelected) -> None:
        event.stop()  # the table takes Enter before the pane's binding would
        self.action_edit()

    def action_edit(self) -> None:
        printer = self._chosen()
        if printer is not None:
            self.app.push_screen(PrinterForm(printer), self._saved)

    def _set_active(self, active: bool) -> None:
        printer = self._chosen()
        if printer is not None:
            self.attempt(
                lambda: printers.save_printer(
                    self.app.desk, printer.model_copy(update={"active": active})
                ),
                f"{printer.name} {'back in use' if active else 'out of use'}.",
                str(printer.id),
            )

    def action_take_out(self) -> None:
        self._set_active(False)

    def action_put_back(self) -> None:
        self._set_active(True)

    def action_test(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        try:
            printer, data = printers.test_page_bytes(self.app.desk, chosen.name)
        except FrontDeskError as error:
            self.app.show_error(error)
            return
        self.app.notify(f"Sending a test page to {printer.name}...", timeout=3, markup=False)
        self._send_test(printer, data)

    @work(thread=True, exit_on_error=False, group="printer-test")
    def _send_test(self, printer: Printer, data: bytes) -> None:
        # In a thread: connecting and sending may take seconds; the screen goes on. The
        # database is the screen's: the outcome is recorded back on its thread.
        from frontdesk.printing.transports import send

        try:
            send(printer, data)
        except PrinterProblem as problem:
            self.app.call_from_thread(self._tested, printer, str(problem))
        else:
            self.app.call_from_thread(self._tested, printer, "")

    def _tested(self, printer: Printer, problem: str) -> None:
        try:
            printers.record_test(self.app.desk, printer, problem or "printed")
        except FrontDeskError as error:
            self.app.show_error(error)
        if problem:
            self.app.show_error(problem)
        else:
            self.app.notify(f"Test page printed on {printer.name} ({printer.where}).",
                            timeout=5, markup=False)  # fmt: skip


class StationsPane(SetupPane):
    """Every workstation known, and the printer it uses."""

    COLUMNS = ("Workstation", "Prints on")
    BINDINGS = [
        Binding("e,enter", "edit", "Choose printer"),
        Binding("a", "add", "Add workstation"),
    ]

    def rows(self) -> list[Row]:
        self.caption("Workstations: Enter or e chooses the printer; a adds one not listed.")
        self._stations = printers.workstations(self.app.desk)
        return [(w, (w, name or printers.FILE_PRINTER)) for w, name in self._stations]

    def _choose(self, workstation: str, current: str) -> None:
        names = [p.name for p in printers.printers(self.app.desk, active_only=True)]

        def saved(name: str | None) -> None:
            if name:
                self.refresh_list(select=name)
                self.app.notify(f"Saved {name}'s printer.", timeout=4, markup=False)

        self.app.push_screen(StationPrinterForm(workstation, current, names), saved)

    def action_edit(self) -> None:
        key = self.selected_or_say("workstation")
        if key is not None:
            self._choose(key, dict(self._stations).get(key, ""))

    def action_add(self) -> None:
        self._choose("", "")

    @on(DataTable.RowSelected)
    def _enter(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()


class PrinterSetupScreen(Screen[None]):
    """Printers above, workstations below; Tab moves between them."""

    TITLE = "Printers"
    BINDINGS = [Binding("escape", "app.back", "Back")]
    DEFAULT_CSS = """
    PrinterSetupScreen PrintersPane { height: 1fr; padding: 0 1; }
    PrinterSetupScreen StationsPane { height: 1fr; padding: 0 1; }
    """
    AUTO_FOCUS = "#pr-printers-table"

    def compose(self) -> ComposeResult:
        yield self.app.header()
        yield Static("Printers", classes="card-title")
        yield PrintersPane(id="pr-printers")
        yield StationsPane(id="pr-stations")
        yield Footer()

    def on_screen_resume(self) -> None:
        self.query_one(PrintersPane).refresh_list()
        self.query_one(StationsPane).refresh_list()
