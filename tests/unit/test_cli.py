"""The `frontdesk` command: demo, migrate, check, user, audit, and one clear line on error."""

from pathlib import Path

import pytest

from frontdesk.cli import main
from frontdesk.data.db import write
from frontdesk.data.schema import SCHEMA_VERSION, open_database


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_creates_the_practice_and_prints_the_logins(tmp_path: Path, capsys) -> None:
    path = tmp_path / "demo.db"
    code, out, _ = run(capsys, "demo", "--db", str(path), "--no-open")
    assert code == 0
    assert "Created the demo practice (small)" in out
    assert "dokafor     manager       PIN 2468" in out
    code, out, _ = run(capsys, "demo", "--db", str(path), "--no-open")
    assert "Opening the existing practice" in out


def test_check_reports_library_journal_schema_integrity_and_chain(practice_path, capsys):
    code, out, _ = run(capsys, "check", "--db", str(practice_path))
    assert code == 0
    assert "Journal mode     wal" in out
    assert f"Schema version   {SCHEMA_VERSION} of {SCHEMA_VERSION} (up to date)" in out
    assert "Integrity        ok" in out
    assert "Audit chain      ok" in out


def test_check_and_audit_verify_fail_on_a_tampered_chain(practice_path, capsys) -> None:
    db = open_database(practice_path)
    with write(db):
        db.execute("DROP TRIGGER audit_log_append_only_update")
        db.execute("UPDATE audit_log SET summary = 'nothing to see' WHERE id = 1")
    db.close()
    code, out, _ = run(capsys, "audit", "verify", "--db", str(practice_path))
    assert code == 1 and "BROKEN: row 1 was changed" in out
    code, out, _ = run(capsys, "check", "--db", str(practice_path))
    assert code == 1 and "Audit chain      BROKEN" in out


def test_migrate_is_a_no_op_on_a_current_database(practice_path, capsys) -> None:
    code, out, _ = run(capsys, "migrate", "--db", str(practice_path))
    assert code == 0 and "up to date" in out


def test_user_commands_recover_a_practice_from_the_shell(
    practice_path, capsys, monkeypatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("night-shift-9\n8642\n"))
    code, out, _ = run(
        capsys,
        "user",
        "add",
        "nightmgr",
        "--name",
        "Night Manager",
        "--role",
        "manager",
        "--db",
        str(practice_path),
    )
    assert code == 0 and "Added nightmgr (manager)" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("another-pass-8\n"))
    assert run(capsys, "user", "passwd", "anguyen", "--db", str(practice_path))[0] == 0
    assert run(capsys, "user", "disable", "kpark", "--db", str(practice_path))[0] == 0
    code, out, _ = run(capsys, "user", "list", "--db", str(practice_path))
    assert "kpark" in out and "inactive" in out
    db = open_database(practice_path)
    who = db.execute(
        "SELECT workstation, staff_id FROM audit_log WHERE action = 'staff deactivated'"
    ).fetchone()
    assert who[0].startswith("shell:") and who[1] is None


def test_user_command_errors_are_one_clear_line(practice_path, capsys, monkeypatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n8642\n"))
    code, _, err = run(
        capsys,
        "user",
        "add",
        "newbie",
        "--name",
        "New",
        "--role",
        "receptionist",
        "--db",
        str(practice_path),
    )
    assert code == 2
    assert err == "frontdesk: A password needs at least 8 characters.\n"
    code, _, err = run(capsys, "user", "unlock", "ghost", "--db", str(practice_path))
    assert code == 2 and err == "frontdesk: There is no login named 'ghost'.\n"


@pytest.mark.parametrize("content", [b"not a database at all\n" * 50, b"\x00" * 4096])
def test_a_file_that_is_not_a_frontdesk_database_exits_with_one_line(
    tmp_path, capsys, content
) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(content)
    code, out, err = run(capsys, "check", "--db", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "is not a frontdesk database" in err
    assert path.read_bytes() == content


def test_the_database_comes_from_the_environment(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FRONTDESK_DB", str(tmp_path / "env.db"))
    assert run(capsys, "migrate")[0] == 0
    assert (tmp_path / "env.db").exists()
