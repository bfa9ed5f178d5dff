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

import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path

__all__ = ["DEFAULT_PROFILE", "DRAWER_PINS", "receipt_bytes", "render_lines", "report_bytes"]

#: The profile used when a printer names none: Epson's TM-T88V, the common desk printer.
DEFAULT_PROFILE = "TM-T88V"
#: The drawer kick connector pins python-escpos knows.
DRAWER_PINS = (2, 5)
# Latin letters the printers' Western code pages have; anything else is transliterated.
_KEEP = set("áéíóúàèìòùâêîôûäëïöüÿçñÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÄËÏÖÜÇÑ")
# Letters with no accent to take off.
_SPELLED = {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss",
            "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th"}  # fmt: skip


def _escpos_dummy():
    """python-escpos' Dummy printer class, imported once with its cache in place."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        from platformdirs import user_cache_path

        cache = user_cache_path("frontdesk", appauthor=False, ensure_exists=True)
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(Path(cache))
    from escpos.printer import Dummy

    return Dummy


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
    profile: str = DEFAULT_PROFILE,
) -> bytes:
    """ESC/POS bytes for laid-out `lines`: the first `title_lines` bold and double height
    (they are centred by the layout already), then the rest, a QR code of `qr` if given,
    a cut, and a pulse on `drawer_pin` (2 or 5) if given. ValueError for another pin or
    a profile python-escpos does not know."""
    if drawer_pin is not None and drawer_pin not in DRAWER_PINS:
        raise ValueError(f"The drawer pin is 2 or 5, not {drawer_pin}.")
    dummy = _escpos_dummy()
    try:
        printer = dummy(profile=profile)
    except Exception as error:  # python-escpos raises its own NotSupported and KeyError
        raise ValueError(f"python-escpos has no printer profile {profile!r}.") from error
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
        printer.cashdraw(drawer_pin)
    return printer.output


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
