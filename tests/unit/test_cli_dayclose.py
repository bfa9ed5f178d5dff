"""`frontdesk dayclose`: a date's close-of-day steps and its CSV files from the shell."""

from __future__ import annotations

import csv
import stat

from frontdesk.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_status_lists_the_steps_and_what_is_open(practice_path, capsys) -> None:
    code, out, _ = run(capsys, "dayclose", "status", "--date", "11/23", "--db", str(practice_path))
    assert code == 1  # not ready: yesterday's no-shows
    assert out.startswith("Close of day Mon 11/23/2026\n")
    assert "  done  1. Drawers closed: 2 of 2 drawers closed" in out
    assert "  OPEN  2. No-shows resolved:" in out
    code, out, _ = run(capsys, "dayclose", "status", "--date", "11/21", "--db", str(practice_path))
    assert "Close of day Sat 11/21/2026: closed by Denise Okafor" in out


def test_export_writes_three_owner_only_files(practice_path, tmp_path, capsys) -> None:
    folder = tmp_path / "accountant"
    code, out, _ = run(
        capsys, "dayclose", "export", "--date", "11/21", "--out", str(folder),
        "--db", str(practice_path),
    )  # fmt: skip
    assert code == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "day-sheet-2026-11-21.csv",
        "deposit-slip-2026-11-21.csv",
        "drawer-closes-2026-11-21.csv",
    ]
    assert out.count("Wrote ") == 3
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with (folder / "deposit-slip-2026-11-21.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["date", "item", "count", "amount"]
    assert rows[-1][1] == "Total deposit"


def test_a_bad_date_is_one_clear_line(practice_path, capsys) -> None:
    code, out, err = run(
        capsys, "dayclose", "status", "--date", "13/45", "--db", str(practice_path)
    )
    assert code == 2 and out == ""
    assert err.startswith("frontdesk: ") and len(err.strip().splitlines()) == 1
