"""Drive a terminal app on a real pty: start it, wait for text, send keys, read its RSS."""

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Mapping
from pathlib import Path

from benchmarks.harness import BenchmarkError

# CSI/OSC/DCS sequences and two-byte escapes; Textual puts them between styled cells.
_ANSI = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|.)")


def strip_ansi(data: bytes) -> str:
    """The text of `data` with escape sequences removed."""
    return _ANSI.sub(b"", data).decode("utf-8", "replace")


class PtySession:
    """One app on a pty of its own, which is its controlling terminal as in a real one."""

    def __init__(self) -> None:
        self.pid = 0
        self.fd = -1
        self.started = 0.0
        self.output = bytearray()
        self._mark = 0
        self._eof = False

    @property
    def bytes_written(self) -> int:
        """Bytes the app has written to the terminal so far."""
        return len(self.output)

    def start(
        self,
        cmd: list[str],
        cols: int = 80,
        rows: int = 24,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        """Fork `cmd` onto a new pty of `cols` x `rows` with TERM=xterm-256color. The
        child keeps its compiled bytecode as an installed server does (an environment
        that says PYTHONDONTWRITEBYTECODE would have frontdesk's own modules compiled anew
        on every start, and the bare app's, from site-packages, not)."""
        child_env = {
            k: v
            for k, v in (env or os.environ).items()
            if not k.startswith("TEXTUAL") and k != "PYTHONDONTWRITEBYTECODE"
        }
        child_env |= {"TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child: never return into the harness
            try:
                # Set the size before exec so the app never sees a default size first.
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                if cwd:
                    os.chdir(cwd)
                os.execvpe(cmd[0], cmd, child_env)
            except BaseException as e:
                os.write(2, f"cannot start {cmd[0]}: {e}\n".encode())
            os._exit(127)

    def read_available(self, timeout: float = 0.0) -> bytes:
        """Read what the app has written, waiting up to `timeout` s for the first byte."""
        chunks = []
        while not self._eof and select.select([self.fd], [], [], timeout)[0]:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # EIO: the app exited and closed the pty
                chunk = b""
            if not chunk:
                self._eof = True
                break
            chunks.append(chunk)
            timeout = 0.0
        data = b"".join(chunks)
        self.output += data
        return data

    def wait_for(self, text: str, timeout: float = 20.0) -> float:
        """Wait until `text` shows in the output since start or the last send().

        Returns the seconds since start(); raises BenchmarkError on timeout or exit.
        """
        deadline = time.monotonic() + timeout
        while text not in strip_ansi(bytes(self.output[self._mark :])):
            left = deadline - time.monotonic()
            if left <= 0 or self._eof:
                why = "exited" if self._eof else f"not within {timeout:g} s"
                tail = strip_ansi(bytes(self.output[-2000:])).replace("\r", "").strip()
                raise BenchmarkError(f"{text!r} not seen ({why}); last output:\n{tail[-600:]}")
            self.read_available(min(left, 0.1))
        return time.perf_counter() - self.started

    def wait_quiet(self, quiet: float = 0.5, timeout: float = 5.0) -> None:
        """Read until the app has written nothing for `quiet` s (at most `timeout` s)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self._eof:
            if not self.read_available(min(quiet, max(deadline - time.monotonic(), 0))):
                return

    def send(self, data: bytes) -> None:
        """Type `data` (keys as the terminal would send them)."""
        self._mark = len(self.output)
        os.write(self.fd, data)

    def rss_mb(self) -> float:
        """Resident memory of the app process (VmRSS) in MB."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        kb = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if not kb:
            raise BenchmarkError(f"no VmRSS for pid {self.pid} (exited?)")
        return int(kb.group(1)) / 1024

    def close(self) -> None:
        """SIGTERM, then SIGKILL after 2 s; reap the child and close the pty."""
        if self.pid:
            deadline = time.monotonic() + 2.0
            self._signal(signal.SIGTERM)
            while not os.waitpid(self.pid, os.WNOHANG)[0]:
                if time.monotonic() > deadline:
                    self._signal(signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    break
                # Drain, or an app blocked writing to a full pty might never see the signal.
                self.read_available(0.02)
                if self._eof:
                    time.sleep(0.01)
            self.pid = 0
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def _signal(self, sig: signal.Signals) -> None:
        # The app leads its own session, so its process group has its id.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)

    def __enter__(self) -> "PtySession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
