"""Text lines to ESC/POS bytes (the second step after `layout`): the practice's name bold
and double height, the lines as laid out, the receipt number as a QR code, the cut, and
the drawer's pulse when asked.

python-escpos builds the bytes on its `Dummy` printer (no device), so rendering is pure
and quick and the same bytes go to any connection. It is imported on first use, with its
capabilities cache kept in the data directory (not a new temporary folder each run).
Characters a printer's code pages lack are sent as "?" by python-escpos' encoder, never
as garbage; a name is first transliterated where that keeps it readable (Nguyễn ->
Nguyen).
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "DEFAULT_PROFILE",
    "DEFAULT_PULSE_MS",
    "DRAWER_PINS",
    "code_pages",
    "kick_bytes",
    "printable",
    "profiles",
    "receipt_bytes",
    "render_lines",
    "report_bytes",
    "use_data_dir",
]

#: The profile used when a printer names none: Epson's TM-T88V, the common desk printer.
DEFAULT_PROFILE = "TM-T88V"
#: The drawer kick connector pins python-escpos knows.
DRAWER_PINS = (2, 5)
#: The drawer pulse python-escpos sends for pin 2 or 5 (ESC p m 50 50: 100 ms on).
DEFAULT_PULSE_MS = 100
# Latin letters the printers' Western code pages have; anything else is transliterated.
_KEEP = set("áéíóúàèìòùâêîôûäëïöüÿçñÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÄËÏÖÜÇÑ")
# Letters with no accent to take off.
_SPELLED = {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss",
            "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th"}  # fmt: skip


def use_data_dir(folder: Path) -> None:
    """Keep python-escpos' capabilities cache in `folder` (the data directory), unless
    the environment already names a place; call before printing starts."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        cache = Path(folder) / "escpos-cache"
        cache.mkdir(parents=True, exist_ok=True)
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)


def _escpos_dummy():
    """python-escpos' Dummy printer class, imported once with its cache in place."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        from platformdirs import user_data_path

        use_data_dir(user_data_path("frontdesk", appauthor=False, ensure_exists=True))
    _load_capabilities()
    from escpos.printer import Dummy

    return Dummy


def _load_capabilities() -> None:
    """Import python-escpos' capabilities so that sessions starting together never read a
    cache file another one is still writing. python-escpos writes its pickle in place, so
    each process reads a copy in a private folder, and a newly made pickle is moved into
    the shared folder whole; a damaged shared pickle is rebuilt, not fatal."""
    with _LOADING:  # the print worker's thread and the screens' may both get here
        if "escpos.capabilities" not in sys.modules:
            _load_capabilities_once()


_LOADING = threading.Lock()


def _load_capabilities_once() -> None:
    shared = Path(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"])
    name = f"{platform.python_version()}.capabilities.pickle"
    with tempfile.TemporaryDirectory(prefix="frontdesk-escpos-") as private:
        mine = Path(private) / name
        with contextlib.suppress(OSError):
            shutil.copy2(shared / name, mine)  # keeps its time: escpos compares them
        copied = mine.exists()
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = private
        try:
            try:
                import escpos.capabilities
            except Exception:  # a damaged pickle fails in many ways: it is rebuilt
                sys.modules.pop("escpos.capabilities", None)
                mine.unlink(missing_ok=True)  # left half-written by an older version
                copied = False
                import escpos.capabilities  # noqa: F401
        finally:
            os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(shared)
        with contextlib.suppress(OSError):  # a cache not kept costs the next start time
            if not copied or mine.stat().st_mtime != (shared / name).stat().st_mtime:
                partial = shared / f"{name}.{os.getpid()}.part"
                shutil.copy2(mine, partial)
                os.replace(partial, shared / name)


def profiles() -> list[str]:
    """The printer profiles python-escpos knows (TM-T88V, TM-T20II, ...)."""
    _escpos_dummy()
    from escpos.capabilities import CAPABILITIES

    return sorted(name for name in CAPABILITIES["profiles"] if name not in ("default", "simple"))


def code_pages(profile: str) -> list[str]:
    """The code pages a profile's printer has (CP437, CP850, ...); ValueError for a
    profile python-escpos does not know."""
    _escpos_dummy()
    from escpos.capabilities import get_profile

    try:
        pages = get_profile(profile).profile_data.get("codePages", {})
    except KeyError as error:
        raise ValueError(f"python-escpos has no printer profile {profile!r}.") from error
    return sorted({page for page in pages.values() if page and page != "Unknown"})


def printable(text: str) -> str:
    """`text` as a receipt printer's code pages can show it: Western accents kept,
    other marks dropped (Nguyễn -> Nguyen), anything left unprintable as "?"."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char.isascii() or char in _KEEP:
            out.append(char if char.isprintable() or char == "\n" else " ")
            continue
        if char in _SPELLED:
            out.append(_SPELLED[char])
            continue
        base = unicodedata.normalize("NFKD", char)
        stripped = "".join(c for c in base if not unicodedata.combining(c))
        out.append(stripped if stripped.isascii() and stripped.isprintable() else "?")
    return "".join(out)


def render_lines(
    lines: Sequence[str],
    *,
    title_lines: int = 1,
    qr: str = "",
    cut: bool = True,
    drawer_pin: int | None = None,
    pulse_ms: int = DEFAULT_PULSE_MS,
    profile: str = DEFAULT_PROFILE,
    code_page: str = "",
) -> bytes:
    """ESC/POS bytes for laid-out `lines`: the first `title_lines` bold and double height
    (they are centred by the layout already), then the rest, a QR code of `qr` if given,
    a cut, and a pulse of `pulse_ms` on `drawer_pin` (2 or 5) if given. `code_page`
    fixes the printer's code page ("" lets python-escpos pick one per character).
    ValueError for another pin, a profile python-escpos does not know or a code page its
    printer lacks."""
    if drawer_pin is not None and drawer_pin not in DRAWER_PINS:
        raise ValueError(f"The drawer pin is 2 or 5, not {drawer_pin}.")
    dummy = _escpos_dummy()
    try:
        printer = dummy(profile=profile)
    except Exception as error:  # python-escpos raises its own NotSupported and KeyError
        raise ValueError(f"python-escpos has no printer profile {profile!r}.") from error
    if code_page:
        try:
            printer.charcode(code_page)
        except Exception as error:  # CharCodeError, or a code page the profile lacks
            raise ValueError(f"The {profile} has no code page {code_page}.") from error
    title, body = list(lines[:title_lines]), list(lines[title_lines:])
    if title:
        printer.set(bold=True, double_height=True)
        printer.text(printable("\n".join(title)) + "\n")
        printer.set(normal_textsize=True, bold=False)
    if body:
        printer.text(printable("\n".join(body)) + "\n")
    if qr:
        printer.set(align="center")
        printer.qr(qr, size=4, native=True)
        printer.set(align="left")
    if cut:
        printer.cut()
    if drawer_pin is not None:
        printer.cashdraw(_pulse(drawer_pin, pulse_ms))
    return printer.output


def _pulse(pin: int, pulse_ms: int) -> int | list[int]:
    """What python-escpos' cashdraw takes for a pulse of `pulse_ms` on `pin`: the pin
    itself for its standard 100 ms pulse, else ESC p m t1 t2 (2 ms units)."""
    if pulse_ms == DEFAULT_PULSE_MS:
        return pin
    ticks = max(1, min(255, pulse_ms // 2))
    return [27, 112, 0 if pin == 2 else 1, ticks, ticks]


def kick_bytes(pin: int = 2, pulse_ms: int = DEFAULT_PULSE_MS) -> bytes:
    """Only a drawer pulse: the drawer opens, nothing prints (a no sale, a paid-out)."""
    return render_lines([], title_lines=0, cut=False, drawer_pin=pin, pulse_ms=pulse_ms)


def receipt_bytes(receipt, width: int, *, drawer_pin: int | None = None, **options) -> bytes:
    """A receipt (`money_models.Receipt`) laid out at `width` and rendered, its number as
    the QR code."""
    from frontdesk.printing.layout import receipt_lines

    return render_lines(
        receipt_lines(receipt, width), qr=receipt.number, drawer_pin=drawer_pin, **options
    )


def report_bytes(title: str, lines: Sequence[str], **options) -> bytes:
    """A printed report (a day sheet, a deposit slip, drawer closes): its title bold and
    double height, then its lines."""
    return render_lines([title, *lines], **options)
