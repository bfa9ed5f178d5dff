"""A fake ESC/POS network printer on 127.0.0.1: it records what it is sent and answers
status requests (DLE EOT n) like a printer with paper, or misbehaves on purpose.

Modes: "record" (a good printer), "never_read" (accepts the connection and never reads a
byte), "drop" (reads a few bytes of the job, then closes), "paper_out" (answers that the
paper ran out). `stop()` closes the port, so a connection is refused; `start()` opens
the same port again (the printer is back).
"""

from __future__ import annotations

import contextlib
import socket
import threading

__all__ = ["FakePrinter"]

_STATUS = b"\x10\x04"
_ONLINE = 0x12  # bits 1 and 4 are always set; nothing wrong
_PAPER_END = 0x72  # paper roll sensor: paper end (bits 5 and 6)


class FakePrinter:
    def __init__(self, mode: str = "record") -> None:
        self.mode = mode
        self.jobs: list[bytes] = []  # one entry per connection that sent anything
        self.connected = threading.Event()  # set when a connection is accepted
        self._server: socket.socket | None = None
        self._held: list[socket.socket] = []
        self.port = 0
        self._recorded = threading.Condition()
        self.start()

    # -- the port ----------------------------------------------------------------------

    def start(self) -> None:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(4)
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            # shutdown wakes the thread blocked in accept(); close alone would not.
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        for held in self._held:
            held.close()
        self._held.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            self.connected.set()
            if self.mode == "never_read":
                self._held.append(conn)  # never read; closed by stop()
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    # -- one connection ----------------------------------------------------------------

    def _serve(self, conn: socket.socket) -> None:
        received = bytearray()
        job = bytearray()
        with conn:
            while True:
                try:
                    chunk = conn.recv(4096)
                except OSError:
                    break
                if not chunk:
                    break
                received += chunk
                if self.mode == "drop" and len(received) > 8:
                    break  # the cable is pulled mid-receipt
                while True:
                    at = received.find(_STATUS)
                    if at < 0 or len(received) < at + 3:
                        break
                    job += received[:at]
                    n = received[at + 2]
                    del received[: at + 3]
                    paper_out = self.mode == "paper_out" and n == 4
                    conn.sendall(bytes([_PAPER_END if paper_out else _ONLINE]))
        if self.mode != "drop":
            job += received
        if job and self.mode == "record":
            with self._recorded:
                self.jobs.append(bytes(job))
                self._recorded.notify_all()

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[bytes]:
        """The jobs recorded once there are `count` of them (or when `timeout` is up)."""
        with self._recorded:
            self._recorded.wait_for(lambda: len(self.jobs) >= count, timeout)
            return list(self.jobs)
