"""Laid-out lines to ESC/POS bytes through python-escpos' Dummy printer: the golden bytes
of a payment receipt with a drawer pulse, names with accents, and what is refused."""

from __future__ import annotations

import pytest

from frontdesk.printing.escpos_bytes import printable, receipt_bytes, render_lines, report_bytes
from tests.unit.test_receipt_layout import GOLDEN, UPDATE_GOLDEN, payment

ESC, GS = b"\x1b", b"\x1d"
CUT = GS + b"V\x00"
PULSE_PIN_2 = ESC + b"p\x00"  # ESC p m t1 t2: the drawer kick on pin 2


def _hex(data: bytes) -> str:
    """Bytes as rows of 32 hex pairs (a golden file a diff can read)."""
    return "\n".join(data[i : i + 32].hex(" ") for i in range(0, len(data), 32)) + "\n"


def test_a_payment_receipt_with_a_drawer_pulse_is_its_golden_bytes() -> None:
    data = receipt_bytes(payment(), 42, drawer_pin=2)
    path = GOLDEN.parent / "escpos" / "payment_42_pulse.hex"
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_hex(data), encoding="ascii")
    assert path.exists(), f"No golden file {path.name}: run with FRONTDESK_UPDATE_GOLDEN=1"
    assert _hex(data) == path.read_text(encoding="ascii")
    # The practice's name bold and double height, then the cut, then the pulse.
    assert ESC + b"E\x01" in data and ESC + b"!\x10" in data
    assert data.index(CUT) < data.index(PULSE_PIN_2)
    assert payment().number.encode() in data  # the QR code's content


def test_no_pulse_unless_asked_and_every_line_is_sent() -> None:
    data = receipt_bytes(payment(), 32)
    assert PULSE_PIN_2 not in data and ESC + b"p\x01" not in data
    assert data.endswith(CUT)
    assert b"TOTAL" in data


def test_names_with_accents_print_or_are_transliterated_never_garbage() -> None:
    assert printable("Peña Zoë Chloé Siobhán") == "Peña Zoë Chloé Siobhán"
    assert printable("Nguyễn Thị") == "Nguyen Thi"
    assert printable("Łukasz Øster 中村") == "Lukasz Oster ??"
    assert printable("bad\x1bname") == "bad name"  # an ESC never reaches the printer
    data = render_lines(["Lakeside", "Nguyễn, Peña"], cut=False)
    assert b"Nguyen, Pe\xa4a" in data  # n-tilde in the printer's code page


def test_a_report_prints_its_title_then_its_lines() -> None:
    data = report_bytes("Deposit slip 11/21/2026", ["$20 x 6   $120.00", "Total   $120.00"])
    assert data.index(b"Deposit slip") < data.index(b"$20 x 6") < data.index(b"Total")


def test_a_bad_pin_or_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="2 or 5"):
        render_lines(["x"], drawer_pin=3)
    with pytest.raises(ValueError, match="no printer profile"):
        render_lines(["x"], profile="NO-SUCH-PRINTER")


def test_only_the_title_is_bold() -> None:
    data = render_lines(["Lakeside", "Body line"], cut=False)
    assert data.index(ESC + b"E\x01") < data.index(b"Lakeside") < data.index(ESC + b"E\x00")
    assert data.index(ESC + b"E\x00") < data.index(b"Body line")


_SESSION_START = """
from frontdesk.printing import escpos_bytes
print(len(escpos_bytes.profiles()))
"""


def test_sessions_starting_together_never_read_a_half_written_capabilities_cache(
    tmp_path,
) -> None:
    """python-escpos writes its cache in place; eight sessions starting at once, over a
    cache left empty (half-written) by an older version, all start and leave one whole
    cache behind."""
    import os
    import platform
    import subprocess
    import sys

    pickle = tmp_path / f"{platform.python_version()}.capabilities.pickle"
    pickle.write_bytes(b"")  # newer than python-escpos' own file: it is read, not rebuilt
    env = {**os.environ, "ESCPOS_CAPABILITIES_PICKLE_DIR": str(tmp_path)}
    started = [
        subprocess.Popen(
            [sys.executable, "-c", _SESSION_START],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    results = [(process.communicate(timeout=60), process.returncode) for process in started]
    for (out, err), code in results:
        assert code == 0, err
        assert int(out) > 10  # the printer profiles python-escpos knows
    assert os.listdir(tmp_path) == [pickle.name] and pickle.stat().st_size > 1000
