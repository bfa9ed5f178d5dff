"""The console through a real sshd on 127.0.0.1, as thin clients reach it: the block
`frontdesk ssh-config` prints (its ForceCommand wrapper, no forwarding), a throwaway host
key and login key, `ssh -tt` inside tmux at 80x24; a session signs in to the demo and
sees Today, and asking the login for a command runs none.

It needs OpenSSH's server and tmux (`.ci/run` installs them from Debian's packages) and
root, which sshd needs to become the logged-in user; elsewhere it is skipped."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from frontdesk.cli import SSHD_BLOCK

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
pytestmark = pytest.mark.skipif(
    not (
        Path(SSHD).exists() and shutil.which("tmux") and shutil.which("ssh") and os.geteuid() == 0
    ),
    reason="needs sshd, ssh, tmux and root",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(check, what: str, timeout: float = 30.0, pane: str = ""):
    """Poll `check` until it returns something true (at most `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.1)
    shown = _pane(pane) if pane else ""
    raise AssertionError(f"waited {timeout} s for {what}; the screen:\n{shown}")


@pytest.fixture
def sshd(tmp_path: Path, practice_path: Path):
    """sshd on a free loopback port, the console for root's group, a key to log in."""
    folder = tmp_path / "ssh"
    folder.mkdir()
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", folder / "host"], check=True
    )
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", folder / "client"], check=True
    )
    (folder / "authorized_keys").write_text((folder / "client.pub").read_text())
    port = _free_port()
    command = Path(sys.executable).with_name("frontdesk")
    block = SSHD_BLOCK.format(group="root", command=command, db=practice_path)
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host'}\n"
        f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {folder / 'authorized_keys'}\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\nUsePAM no\n"
        "StrictModes no\n" + block
    )
    Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
    subprocess.run([SSHD, "-t", "-f", config], check=True)
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", config], stderr=subprocess.PIPE)
    _until(lambda: _answers(port), "sshd to listen")
    ssh = ["ssh", "-p", str(port), "-i", str(folder / "client"), "-o", "BatchMode=yes",
           "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={os.devnull}",
           "-o", "LogLevel=ERROR", "root@127.0.0.1"]  # fmt: skip
    yield ssh
    server.terminate()
    server.wait(10)


def _answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _pane(name: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True, check=False
    ).stdout


def _dead(name: str) -> bool:
    shown = subprocess.run(["tmux", "display-message", "-p", "-t", name, "#{pane_dead}"],
                           capture_output=True, text=True, check=False)  # fmt: skip
    return shown.stdout.strip() == "1"


def test_a_thin_client_signs_in_over_ssh_and_sees_today(sshd, practice_path: Path) -> None:
    name = f"fd-ssh-{os.getpid()}"
    line = " ".join(["env", "TERM=xterm-256color", "FRONTDESK_WORKSTATION=FRONT-1",
                     sshd[0], "-tt", "-o", "SendEnv=FRONTDESK_WORKSTATION", *sshd[1:]])  # fmt: skip
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", line],
                   check=True)  # fmt: skip
    subprocess.run(["tmux", "set-option", "-t", name, "remain-on-exit", "on"], check=False)
    try:
        _until(lambda: "Username" in _pane(name), "the login screen", pane=name)
        assert "FRONT-1" in _pane(name)  # the workstation the client named
        subprocess.run(["tmux", "send-keys", "-t", name, "anguyen", "Enter"], check=True)
        _until(lambda: "Password" in _pane(name), "the password field")
        subprocess.run(["tmux", "send-keys", "-t", name, "frontdesk", "Enter"], check=True)
        screen = _until(lambda: (p := _pane(name)) and "Signed in:" in p and p, "Today")
        assert "Signed in: Ashley Nguyen (receptionist)" in screen
        assert "workstation FRONT-1" in screen
        subprocess.run(["tmux", "send-keys", "-t", name, "C-q"], check=True)
        _until(lambda: _dead(name), "the session to end", pane=name)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False)
    from frontdesk.data.schema import open_database

    db = open_database(practice_path)
    ended = db.execute(
        "SELECT summary FROM audit_log WHERE action = 'session ended' AND workstation = 'FRONT-1'"
    ).fetchall()
    started = db.execute(
        "SELECT summary FROM audit_log WHERE action = 'session started' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    db.close()
    assert ended and ended[-1][0] == "quit"
    assert started[0].startswith("127.0.0.1 ")  # SSH_CONNECTION: the client's address


def test_the_login_runs_no_command(sshd) -> None:
    done = subprocess.run([*sshd, "cat", "/etc/passwd"], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 2
    assert "opens the console only" in done.stderr and "root:" not in done.stdout
