"""The console through a real sshd on 127.0.0.1, as thin clients reach it: the block
`frontdesk ssh-config` prints (its ForceCommand wrapper, no forwarding), a throwaway host
key, a throwaway desk group and user with a login key, the database in a setgid group
directory as docs/deploy-ssh.md sets it up, and `ssh -tt` inside tmux at 80x24. A session
signs in to the demo and sees Today; two sessions book the same slot at once and exactly
one wins; asking the login for a command runs none.

It needs OpenSSH's server, tmux and root (`.ci/run` installs them from Debian's packages;
sshd needs root to become the user, the test to add one); elsewhere it is skipped. The
throwaway user must be able to run this checkout's Python: when the interpreter sits under
a private home (a pyenv in /root), the login runs the system's Python of the same version
over this checkout and its virtual environment's packages instead."""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from frontdesk.cli import SSHD_BLOCK
from frontdesk.data.schema import open_database

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not (
        Path(SSHD).exists()
        and shutil.which("tmux")
        and shutil.which("ssh")
        and shutil.which("useradd")
        and os.geteuid() == 0
    ),
    reason="needs sshd, ssh, tmux, useradd and root",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _until(check, what: str, timeout: float = 60.0, *panes: str):
    """Poll `check` until it returns something true (at most `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.1)
    shown = "\n".join(_pane(pane) for pane in panes)
    raise AssertionError(f"waited {timeout} s for {what}; the screen:\n{shown}")


def _pane(name: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True, check=False
    ).stdout


def _reachable_by_others(path: Path) -> bool:
    """Whether a user with no special rights can run `path` (every folder above it open)."""
    path = path.resolve()
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


def _console_command(folder: Path) -> Path:
    """The frontdesk command the throwaway user can run: this environment's, or a wrapper
    running the system's Python of the same version over this checkout's packages."""
    own = Path(sys.executable).with_name("frontdesk")
    if _reachable_by_others(Path(sys.executable)):
        return own
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not system.exists():
        pytest.skip(f"{sys.executable} is private and there is no {system} for another user")
    wrapper = folder / "frontdesk"
    packages = sysconfig.get_paths()["purelib"]
    wrapper.write_text(
        f'#!/bin/sh\nPYTHONPATH="{ROOT}:{packages}" exec {system} -m frontdesk "$@"\n'
    )
    wrapper.chmod(0o755)
    return wrapper


@dataclass
class Server:
    ssh: list[str]  # ssh with every option, ending in user@127.0.0.1
    user: str
    db: Path


@pytest.fixture
def sshd(practice_path: Path):
    """sshd on a free loopback port; a throwaway desk group and user whose login opens the
    console on a copy of the demo in a setgid group folder; FRONT-2 set up for that user."""
    user = f"fdssh{os.getpid() % 100000}x{next(_USERS)}"
    _remove_user(user)  # one left by a run that was killed
    folder = Path(tempfile.mkdtemp(prefix="frontdesk-ssh-"))
    folder.chmod(0o755)
    server = None
    try:
        home, data, keys = folder / "home", folder / "data", folder / "keys"
        keys.mkdir()
        subprocess.run(["groupadd", user], check=True)
        subprocess.run(["useradd", "-M", "-d", home, "-s", "/bin/sh", "-g", user, user],
                       check=True)  # fmt: skip
        subprocess.run(["usermod", "-p", "*", user], check=True)  # no password, not locked
        account = pwd.getpwnam(user)
        home.mkdir()
        os.chown(home, account.pw_uid, account.pw_gid)
        data.mkdir()
        os.chown(data, 0, account.pw_gid)
        data.chmod(0o2770)  # as the deploy guide: the group's, new files keep the group
        db = data / "practice.db"
        shutil.copy(practice_path, db)
        os.chown(db, 0, account.pw_gid)
        db.chmod(0o660)
        _set_up_workstation(db, "FRONT-2", user)
        for name in ("host", "client"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys / name],
                           check=True)  # fmt: skip
        (keys / "authorized_keys").write_text((keys / "client.pub").read_text())
        # sshd reads the user's keys as the user, whatever umask this process has.
        keys.chmod(0o755)
        (keys / "authorized_keys").chmod(0o644)
        port = _free_port()
        block = SSHD_BLOCK.format(group=user, command=_console_command(folder), db=db)
        config = keys / "sshd_config"
        config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\n"
            f"PidFile {keys / 'sshd.pid'}\nAuthorizedKeysFile {keys / 'authorized_keys'}\n"
            "PermitRootLogin no\nPasswordAuthentication no\nUsePAM no\n"
            "StrictModes no\n" + block
        )
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
        subprocess.run([SSHD, "-t", "-f", config], check=True)
        server = subprocess.Popen([SSHD, "-D", "-e", "-f", config], stderr=subprocess.DEVNULL)
        _until(lambda: _answers(port), "sshd to listen")
        ssh = ["ssh", "-p", str(port), "-i", str(keys / "client"), "-o", "BatchMode=yes",
               "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={os.devnull}",
               "-o", "LogLevel=ERROR", f"{user}@127.0.0.1"]  # fmt: skip
        yield Server(ssh=ssh, user=user, db=db)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        _remove_user(user)
        shutil.rmtree(folder, ignore_errors=True)


_USERS = itertools.count(1)


def _remove_user(user: str) -> None:
    """End the user's processes (sessions sshd has not reaped yet), then the user and group."""
    subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True, check=False)
    _until(lambda: subprocess.run(["pgrep", "-u", user], capture_output=True).returncode != 0,
           f"{user}'s processes to end", 10.0)  # fmt: skip
    subprocess.run(["userdel", "-f", user], capture_output=True, check=False)
    subprocess.run(["groupdel", user], capture_output=True, check=False)


def _set_up_workstation(db_path: Path, name: str, unix_user: str) -> None:
    from frontdesk.data.clock import Clock
    from frontdesk.services import workstations
    from frontdesk.services.context import Desk

    db = open_database(db_path)
    try:
        desk = Desk(db=db, clock=Clock("America/Chicago"), workstation="SETUP", shell=True)
        workstations.save_workstation(desk, name, unix_user=unix_user)
    finally:
        db.close()


class Session:
    """One thin client: `ssh -tt` in a tmux window of 80x24."""

    def __init__(self, server: Server, name: str, workstation: str = "") -> None:
        self.name = f"fd-{name}-{os.getpid()}"
        env = ["env", "TERM=xterm-256color"]
        if workstation:
            env.append(f"FRONTDESK_WORKSTATION={workstation}")
        line = " ".join([*env, server.ssh[0], "-tt", "-o", "SendEnv=FRONTDESK_WORKSTATION",
                         *server.ssh[1:]])  # fmt: skip
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "80", "-y", "24",
                        line], check=True)  # fmt: skip
        subprocess.run(["tmux", "set-option", "-t", self.name, "remain-on-exit", "on"],
                       check=False)  # fmt: skip

    def screen(self) -> str:
        return _pane(self.name)

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        return _until(lambda: (s := self.screen()) and text in s and s, repr(text), timeout,
                      self.name)  # fmt: skip

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def sign_in(self, username: str) -> str:
        self.wait_for("Username")
        self.keys(username, "Enter")
        self.wait_for("Password")
        self.keys("frontdesk", "Enter")
        return self.wait_for("Signed in:")

    def ended(self) -> bool:
        shown = subprocess.run(
            ["tmux", "display-message", "-p", "-t", self.name, "#{pane_dead}"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        return shown.stdout.strip() == "1"

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True,
                       check=False)  # fmt: skip


def test_a_thin_client_signs_in_over_ssh_and_sees_today(sshd: Server) -> None:
    session = Session(sshd, "today", workstation="FRONT-1")
    try:
        session.wait_for("Username")
        assert "FRONT-1" in session.screen()  # the workstation the client named
        screen = session.sign_in("anguyen")
        assert "Signed in: Ashley Nguyen (receptionist)" in screen
        assert "workstation FRONT-1" in screen
        # The files the session made beside the database stay the desk group's, readable
        # and writable by the other desks' sessions (setgid folder, umask 007).
        group = pwd.getpwnam(sshd.user).pw_gid
        for suffix in ("-wal", "-shm"):
            made = sshd.db.with_name(sshd.db.name + suffix).stat()
            assert (made.st_uid, made.st_gid) == (pwd.getpwnam(sshd.user).pw_uid, group)
            assert made.st_mode & 0o777 == 0o660, suffix
        session.keys("C-q")
        _until(session.ended, "the session to end", 60.0, session.name)
    finally:
        session.close()
    db = open_database(sshd.db)
    ended = db.execute(
        "SELECT summary FROM audit_log WHERE action = 'session ended' AND workstation = 'FRONT-1'"
    ).fetchall()
    started = db.execute(
        "SELECT summary FROM audit_log WHERE action = 'session started' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    db.close()
    assert ended and ended[-1][0] == "quit"
    assert started[0].startswith(f"{sshd.user} from 127.0.0.1 port ")  # who, from where


def _appointments(db_path: Path, after_id: int = 0) -> list[tuple]:
    db = open_database(db_path)
    try:
        return db.execute(
            "SELECT a.id, p.account_no, a.workstation FROM appointments a"
            " JOIN patients p ON p.id = a.patient_id WHERE a.id > ? ORDER BY a.id",
            (after_id,),
        ).fetchall()
    finally:
        db.close()


def test_two_sessions_book_the_same_slot_at_once_and_exactly_one_wins(sshd: Server) -> None:
    (last,) = _appointments(sshd.db)[-1][:1]
    # The first names its workstation; the second is known by its Unix user (FRONT-2).
    first, second = Session(sshd, "one", workstation="FRONT-1"), Session(sshd, "two")
    try:
        for session, username, workstation in ((first, "anguyen", "FRONT-1"),
                                               (second, "mbell", "FRONT-2")):  # fmt: skip
            assert f"workstation {workstation}" in session.sign_in(username)
        # Both: the book (F2), Find next on the first column, the first opening listed.
        for session, account in ((first, "100010"), (second, "100011")):
            session.keys("F2")
            session.wait_for("Book/open")
            session.keys("f")
            session.wait_for("Find next available")
            # The openings listed (the form is mounted and searched) before the keys go.
            _until(lambda s=session: _OPENING.search(s.screen()), "the openings", 60.0,
                   session.name)  # fmt: skip
            session.keys("Tab", "Tab", "Tab", "Tab", "Enter")
            session.wait_for("Book appointment")
            session.keys(account, "Enter")
            session.wait_for("Patient:")
        # Each holds the same slot in a filled-in form; both save at once.
        subprocess.run(["tmux", "send-keys", "-t", first.name, "C-s", ";",
                        "send-keys", "-t", second.name, "C-s"], check=True)  # fmt: skip
        loser = _until(lambda: _turned_away(first, second), "one session to be turned away",
                       60.0, first.name, second.name)  # fmt: skip
        winner = second if loser is first else first
        # The loser is told the slot is now taken (or, for a type that may be double-booked,
        # asked whether to double-book it); it says no.
        if "Double-book" in loser.screen():
            loser.keys("n")
            loser.wait_for("Book appointment")
        booked = _until(lambda: _appointments(sshd.db, last), "the winner's booking")
        winner.wait_for("Book/open")
        assert "Book appointment" in loser.screen()  # its form still open, nothing booked
    finally:
        first.close()
        second.close()
    wanted = {first.name: ("100010", "FRONT-1"), second.name: ("100011", "FRONT-2")}
    assert [row[1:] for row in _appointments(sshd.db, last)] == [wanted[winner.name]]
    assert len(booked) == 1


_OPENING = re.compile(r"\w{3} \d\d/\d\d +\d{1,2}:\d\d[ap]m")


def _turned_away(*sessions: Session) -> Session | None:
    for session in sessions:
        screen = session.screen()
        if "That slot is taken" in screen or "Double-book" in screen:
            return session
    return None


def test_the_login_runs_no_command(sshd: Server) -> None:
    done = subprocess.run([*sshd.ssh, "cat", "/etc/passwd"], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 2
    assert "opens the console only" in done.stderr and "root:" not in done.stdout
