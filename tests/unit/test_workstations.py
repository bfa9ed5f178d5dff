"""Workstation identity and the SSH login: a session is the workstation it names, else
the one set up for its client address, else for its Unix user, else an unknown one that
takes no cash; the login wrapper fixes what sshd does not pass and refuses commands; a
session's start and end are audited, also when the connection drops."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from frontdesk import cli
from frontdesk.data.money import Money
from frontdesk.data.schema import open_database
from frontdesk.errors import Conflict, Invalid
from frontdesk.services import drawers, workstations
from frontdesk.services.context import Desk
from tests.conftest import actor
from tests.unit.money_helpers import a_patient_with_nothing_today, cash, key


def test_a_session_is_named_then_by_address_then_by_user(manager_desk: Desk) -> None:
    workstations.save_workstation(manager_desk, "FRONT-1", "10.0.0.21", "front1")
    workstations.save_workstation(manager_desk, "FRONT-2", "", "front2")
    db = manager_desk.db
    ssh = {"SSH_CONNECTION": "10.0.0.21 50022 10.0.0.2 22"}
    assert workstations.recognise(db, ssh, "someone") == ("FRONT-1", True)
    assert workstations.recognise(db, {}, "front2") == ("FRONT-2", True)
    assert workstations.recognise(db, {**ssh, "FRONTDESK_WORKSTATION": "OFFICE"}, "x") == (
        "OFFICE", True,
    )  # fmt: skip
    assert workstations.recognise(db, ssh, "x", named="BACK") == ("BACK", True)
    stranger = {"SSH_CONNECTION": "10.0.0.99 40000 10.0.0.2 22"}
    assert workstations.recognise(db, stranger, "guest") == ("unknown-10.0.0.99", False)
    assert workstations.workstations(db) == [
        ("FRONT-1", "10.0.0.21", "front1"), ("FRONT-2", "", "front2"),
    ]  # fmt: skip


def test_an_unknown_workstation_takes_no_cash(desk: Desk) -> None:
    stranger = Desk(db=desk.db, clock=desk.clock, workstation="unknown-10.0.0.99")
    clerk = stranger.signed_in(actor(stranger, "anguyen"))
    from frontdesk.services import payments

    with pytest.raises(Conflict, match="has no cash drawer"):
        payments.post_deposit(clerk, a_patient_with_nothing_today(clerk), [cash(500)], key())
    with pytest.raises(Conflict, match="has no cash drawer"):
        drawers.record_move(clerk, "no_sale", Money(0), key(), reason="look")


@pytest.mark.parametrize(
    ("name", "address", "user", "message"),
    [
        ("", "", "", "Enter the workstation's name"),
        ("FRONT 1", "", "", "letters, digits"),
        ("unknown-1", "", "", "letters, digits"),
        ("FRONT-3", "10.0.0.300", "", "is not an IP address"),
        ("FRONT-3", "", "Front User", "is not a Unix user name"),
        ("FRONT-3", "10.0.0.21", "", "FRONT-1 already has that address"),
    ],
)
def test_a_bad_workstation_is_refused(
    manager_desk: Desk, name: str, address: str, user: str, message: str
) -> None:
    workstations.save_workstation(manager_desk, "FRONT-1", "10.0.0.21")
    with pytest.raises((Invalid, Conflict), match=message):
        workstations.save_workstation(manager_desk, name, address, user)
    assert len(workstations.workstations(manager_desk.db)) == 1


def test_only_a_manager_sets_up_workstations(receptionist_desk: Desk) -> None:
    with pytest.raises(Exception, match="Only a manager"):
        workstations.save_workstation(receptionist_desk, "FRONT-9", "10.0.0.9")


def _audit(path: Path) -> list[tuple[str, str, str]]:
    db = open_database(path)
    rows = db.execute(
        "SELECT action, workstation, summary FROM audit_log WHERE action LIKE 'session %'"
        " ORDER BY id"
    ).fetchall()
    db.close()
    return rows


def test_the_login_shell_fixes_the_terminal_and_finds_the_workstation(
    practice_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    opened: list[tuple[str, str]] = []
    monkeypatch.setattr(
        cli, "_run_console", lambda db, name: opened.append((name, os.environ["TERM"])) or 0
    )
    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.delenv("FRONTDESK_WORKSTATION", raising=False)
    monkeypatch.delenv("SSH_ORIGINAL_COMMAND", raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.77 50022 10.0.0.2 22")
    masks: list[int] = []
    monkeypatch.setattr(cli.os, "umask", masks.append)  # this test process keeps its own
    assert cli.main(["login-shell", "--db", str(practice_path)]) == 0
    assert masks == [0o007]  # the database and its -wal/-shm stay the desk group's
    assert opened == [("unknown-10.0.0.77", "xterm-256color")]
    assert "takes no cash until a manager sets it up" in capsys.readouterr().out
    assert cli.main(["workstation", "add", "FRONT-7", "--address", "10.0.0.77",
                     "--db", str(practice_path)]) == 0  # fmt: skip
    monkeypatch.setenv("TERM", "screen-256color")
    assert cli.main(["login-shell", "--db", str(practice_path)]) == 0
    assert opened[-1] == ("FRONT-7", "screen-256color")
    # `ssh server some-command` gets no command run, only a refusal.
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "cat /etc/passwd")
    assert cli.main(["login-shell", "--db", str(practice_path)]) == 2
    assert "opens the console only" in capsys.readouterr().err
    assert len(opened) == 2


def test_a_session_start_and_end_are_audited_also_when_the_line_drops(
    practice_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frontdesk.app import FrontDeskApp

    db = open_database(practice_path)
    monkeypatch.setattr(FrontDeskApp, "run", lambda self: None)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.21 50122 10.0.0.2 22")
    monkeypatch.setattr("getpass.getuser", lambda: "front1")
    previous = signal.getsignal(signal.SIGHUP), signal.getsignal(signal.SIGTERM)
    try:
        assert cli._run_console(db, "FRONT-1") == 0

        def hang_up(self) -> None:
            os.kill(os.getpid(), signal.SIGHUP)

        monkeypatch.setattr(FrontDeskApp, "run", hang_up)
        with pytest.raises(SystemExit):
            cli._run_console(db, "FRONT-2")
    finally:
        signal.signal(signal.SIGHUP, previous[0])
        signal.signal(signal.SIGTERM, previous[1])
        db.close()
    assert _audit(practice_path)[-4:] == [
        ("session started", "FRONT-1", "front1 from 10.0.0.21 port 50122"),
        ("session ended", "FRONT-1", "quit"),
        ("session started", "FRONT-2", "front1 from 10.0.0.21 port 50122"),
        ("session ended", "FRONT-2", "connection dropped"),
    ]
