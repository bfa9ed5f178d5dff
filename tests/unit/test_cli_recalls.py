"""`frontdesk recalls export`: the month's recall cards from the shell, to stdout or a file."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest

from frontdesk.cli import main
from frontdesk.data.schema import open_database


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _due_in_december(path: Path) -> int:
    db = open_database(path)
    try:
        return db.execute(
            "SELECT count(*) FROM recalls c JOIN patients p ON p.id = c.patient_id"
            " WHERE c.status = 'due' AND p.active = 1 AND c.due_date LIKE '2026-12-%'"
        ).fetchone()[0]
    finally:
        db.close()


def test_export_prints_the_month_as_csv(practice_path, capsys) -> None:
    code, out, err = run(
        capsys, "recalls", "export", "--month", "2026-12", "--db", str(practice_path)
    )
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    due = _due_in_december(practice_path)
    assert due and len(rows) == due + 1
    assert rows[0] == [
        "Name",
        "Address 1",
        "Address 2",
        "City",
        "State",
        "ZIP",
        "Email",
        "Phone",
        "Recall",
        "Due date",
    ]
    assert all(row[-1].startswith("12/") and row[-1].endswith("/2026") for row in rows[1:])
    assert f"{due} recall card(s) due in December 2026." in err  # not mixed into the CSV
    db = open_database(practice_path)
    audit = db.execute(
        "SELECT action, summary, workstation, staff_id FROM audit_log ORDER BY id DESC"
    ).fetchone()
    db.close()
    assert audit[:2] == ("recalls exported", f"2026-12: {due} rows")
    assert audit[2].startswith("shell:") and audit[3] is None


def test_export_writes_a_file_for_its_owner_only(practice_path, tmp_path, capsys) -> None:
    target = tmp_path / "cards" / "december.csv"
    target.parent.mkdir()
    code, out, _ = run(
        capsys,
        "recalls",
        "export",
        "--month",
        "2026-12",
        "--out",
        str(target),
        "--db",
        str(practice_path),
    )
    due = _due_in_december(practice_path)
    assert code == 0 and out.strip() == (
        f"{due} recall card(s) due in December 2026 written to {target}."
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with target.open(encoding="utf-8-sig", newline="") as cards:
        assert len(list(csv.reader(cards))) == due + 1


def test_a_bad_month_is_one_clear_line_and_nothing_is_written(practice_path, capsys) -> None:
    code, out, err = run(
        capsys, "recalls", "export", "--month", "2026-13", "--db", str(practice_path)
    )
    assert code == 2 and out == ""
    assert err.strip() == "frontdesk: '2026-13' is not a month; write it as YYYY-MM, e.g. 2026-12."


def test_an_unwritable_file_is_one_clear_line(practice_path, tmp_path, capsys) -> None:
    target = tmp_path / "missing" / "cards.csv"
    code, _, err = run(
        capsys,
        "recalls",
        "export",
        "--month",
        "2026-12",
        "--out",
        str(target),
        "--db",
        str(practice_path),
    )
    assert code == 2 and err.startswith(f"frontdesk: Could not write {target}")
    assert not target.parent.exists()


def test_a_missing_database_is_not_created(tmp_path, capsys) -> None:
    path = tmp_path / "none.db"
    code, _, err = run(capsys, "recalls", "export", "--month", "2026-12", "--db", str(path))
    assert code == 2 and "There is no database" in err
    assert not path.exists()


def test_the_month_is_required(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["recalls", "export"])
    assert exit_.value.code == 2
    assert "--month" in capsys.readouterr().err
