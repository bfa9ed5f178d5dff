"""Bytes to a printer, with bounded waits: connecting takes at most `connect_timeout`
seconds and sending at most `send_timeout` (DESIGN: 3 s and 5 s). Every failure is a
`PrinterProblem` whose message says what is wrong in words a receptionist can act on;
nothing here touches the database.

A network printer is asked for its status (ESC/POS DLE EOT) before the job, so a
printer out of paper is not sent a receipt it would lose, and after it: the answer comes
only once the printer has read everything before it, so a printer that accepts a
connection and never reads, or drops it mid-job, never counts as having printed.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.errors import PrinterProblem

if TYPE_CHECKING:
    from frontdesk.data.printer_models import Printer

__all__ = ["CONNECT_TIMEOUT", "SEND_TIMEOUT", "Timeouts", "send"]

CONNECT_TIMEOUT = 3.0
SEND_TIMEOUT = 5.0
# DLE EOT n: transmit real-time status. n=1 printer status (bit 3: offline), n=4 paper
# roll sensor (bits 5 and 6: paper end).
_ASK_PRINTER = b"\x10\x04\x01"
_ASK_PAPER = b"\x10\x04\x04"
_OFFLINE = 0x08
_PAPER_END = 0x60
_CHUNK = 4096


@dataclass(frozen=True)
class Timeouts:
    connect: float = CONNECT_TIMEOUT
    send: float = SEND_TIMEOUT


def send(printer: Printer, data: bytes, timeouts: Timeouts | None = None) -> None:
    """Send `data` to `printer`; returns once the printer has taken all of it, or raises
    PrinterProblem within the timeouts (DESIGN's 3 s and 5 s unless given)."""
    timeouts = timeouts or Timeouts()
    if printer.connection == "network":
        _network(printer, data, timeouts)
    elif printer.connection == "file":
        _file(printer, data)
    elif printer.connection == "cups":
        _cups(printer, data, timeouts)
    elif printer.connection == "serial":
        _serial(printer, data, timeouts)
    elif printer.connection == "usb":
        _usb(printer, data, timeouts)
    else:  # pragma: no cover - the schema allows no other
        raise PrinterProblem(f"{printer.name}: unknown connection {printer.connection!r}.")


# -- network: raw TCP ---------------------------------------------------------------------


def _network(printer: Printer, data: bytes, timeouts: Timeouts) -> None:
    where = f"{printer.name} ({printer.host}:{printer.port})"
    try:
        sock = socket.create_connection((printer.host, printer.port), timeout=timeouts.connect)
    except TimeoutError as error:
        raise PrinterProblem(f"{where} does not answer; is it on and on the network?") from error
    except ConnectionRefusedError as error:
        raise PrinterProblem(f"{where} refused the connection; check its port.") from error
    except socket.gaierror as error:
        raise PrinterProblem(f"{where}: no such host on the network.") from error
    except OSError as error:
        raise PrinterProblem(f"{where} cannot be reached ({error.strerror or error}).") from error
    deadline = time.monotonic() + timeouts.send
    try:
        with sock:
            paper = _ask(sock, _ASK_PAPER, deadline, where)
            if paper & _PAPER_END:
                raise PrinterProblem(f"{where} is out of paper.")
            _send_all(sock, data, deadline)
            status = _ask(sock, _ASK_PRINTER, deadline, where)
            if status & _OFFLINE:
                raise PrinterProblem(f"{where} is offline (cover open or paper out).")
    except TimeoutError as error:
        raise PrinterProblem(f"{where} took the connection but stopped reading.") from error
    except OSError as error:
        raise PrinterProblem(f"{where} dropped the connection mid-job.") from error


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _send_all(sock: socket.socket, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    while view:
        sock.settimeout(_left(deadline))
        sent = sock.send(view[:_CHUNK])
        view = view[sent:]


def _ask(sock: socket.socket, question: bytes, deadline: float, where: str) -> int:
    """Send a real-time status request and read its one-byte answer."""
    _send_all(sock, question, deadline)
    sock.settimeout(_left(deadline))
    answer = sock.recv(1)
    if not answer:
        raise PrinterProblem(f"{where} dropped the connection mid-job.")
    return answer[0]


# -- the others ----------------------------------------------------------------------------


def _file(printer: Printer, data: bytes) -> None:
    path = Path(printer.path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as out:
            out.write(data)
    except OSError as error:
        raise PrinterProblem(
            f"{printer.name}: cannot write {path} ({error.strerror or error})."
        ) from error


def _cups(printer: Printer, data: bytes, timeouts: Timeouts) -> None:
    where = f"{printer.name} (CUPS queue {printer.queue})"
    try:
        done = subprocess.run(
            ["lp", "-d", printer.queue, "-o", "raw", "-s"],
            input=data,
            capture_output=True,
            timeout=timeouts.connect + timeouts.send,
            check=False,
        )
    except FileNotFoundError as error:
        raise PrinterProblem(f"{where}: CUPS is not installed here (no lp command).") from error
    except subprocess.TimeoutExpired as error:
        raise PrinterProblem(f"{where}: CUPS did not take the job in time.") from error
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise PrinterProblem(f"{where}: {reason[-1] if reason else 'lp failed'}.")


def _serial(printer: Printer, data: bytes, timeouts: Timeouts) -> None:
    import serial  # pyserial

    where = f"{printer.name} ({printer.device})"
    try:
        port = serial.Serial(
            printer.device,
            baudrate=printer.baud,
            timeout=timeouts.connect,
            write_timeout=timeouts.send,
        )
    except (serial.SerialException, OSError) as error:
        raise PrinterProblem(f"{where} cannot be opened; is the cable in?") from error
    try:
        with port:
            port.write(data)
            port.flush()
    except serial.SerialTimeoutException as error:
        raise PrinterProblem(f"{where} stopped taking data; is it on?") from error
    except (serial.SerialException, OSError) as error:
        raise PrinterProblem(f"{where} failed mid-job ({error}).") from error


def _usb(printer: Printer, data: bytes, timeouts: Timeouts) -> None:
    usb_id = f"{printer.usb_vendor or 0:04x}:{printer.usb_product or 0:04x}"
    where = f"{printer.name} (USB {usb_id})"
    try:
        import usb.core  # pyusb
    except ImportError as error:  # pragma: no cover - a dependency
        raise PrinterProblem(f"{where}: USB printing needs pyusb.") from error
    try:
        device = usb.core.find(idVendor=printer.usb_vendor, idProduct=printer.usb_product)
    except usb.core.NoBackendError as error:
        raise PrinterProblem(
            f"{where}: USB needs libusb on this server (Debian: apt install libusb-1.0-0)."
        ) from error
    if device is None:
        raise PrinterProblem(f"{where}: no USB printer with that id is plugged in.")
    try:
        if device.is_kernel_driver_active(0):
            device.detach_kernel_driver(0)
        device.set_configuration()
        config = device.get_active_configuration()
        interface = config[(0, 0)]
        out = usb.util.find_descriptor(
            interface,
            custom_match=lambda e: (
                usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_OUT
            ),
        )
        if out is None:
            raise PrinterProblem(f"{where} has no endpoint to print through.")
        out.write(data, timeout=int(timeouts.send * 1000))
    except usb.core.USBTimeoutError as error:
        raise PrinterProblem(f"{where} stopped taking data; is it on?") from error
    except usb.core.USBError as error:
        raise PrinterProblem(f"{where} failed ({error.strerror or error}).") from error
    finally:
        usb.util.dispose_resources(device)
