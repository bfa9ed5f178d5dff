"""The `frontdesk` command: open the console, make a demo practice, and the shell tools a
manager needs on the server (migrate, check, user, audit, recall cards)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from frontdesk import __version__
from frontdesk.errors import FrontDeskError

__all__ = ["default_db_path", "main"]

PROG = "frontdesk"


def default_db_path(name: str = "frontdesk.db") -> Path:
    """`frontdesk.db` (or `name`) in the platform data directory (created if missing)."""
    from platformdirs import user_data_path

    return user_data_path("frontdesk", appauthor=False, ensure_exists=True) / name


def _workstation(args: argparse.Namespace) -> str:
    import socket

    name = args.workstation or os.environ.get("FRONTDESK_WORKSTATION") or socket.gethostname()
    return name.strip()[:32] or "workstation"


def _db_path(args: argparse.Namespace, default_name: str = "frontdesk.db") -> Path:
    if args.db:
        return Path(args.db).expanduser()
    if os.environ.get("FRONTDESK_DB"):
        return Path(os.environ["FRONTDESK_DB"]).expanduser()
    return default_db_path(default_name)


def _open(args: argparse.Namespace, *, create: bool = True, upgrade: bool = True):
    from frontdesk.data.schema import open_database

    return open_database(_db_path(args), create=create, upgrade=upgrade)


def _shell_desk(db):
    """A desk for shell commands: acts as a manager, audited as the Unix user."""
    import getpass

    from frontdesk.data.clock import Clock
    from frontdesk.services.context import Desk
    from frontdesk.services.practice import load_settings

    tz = load_settings(db).time_zone
    return Desk(db=db, clock=Clock(tz), workstation=f"shell:{getpass.getuser()}", shell=True)


def _session_audit(db, workstation: str, action: str, summary: str = "") -> None:
    """ "session started" / "session ended" in the audit log, when the database lets us
    (a session ending badly must still end)."""
    from frontdesk.data.clock import Clock
    from frontdesk.services import audit
    from frontdesk.services.context import Desk
    from frontdesk.services.practice import load_settings

    try:
        desk = Desk(db=db, clock=Clock(load_settings(db).time_zone), workstation=workstation)
        with desk.writing():
            audit.record(desk, action, "", None, summary)
    except Exception:  # nothing must stop the session closing
        pass


def _who_connected(environ) -> str:
    """The Unix user, and the client's address when the session came over SSH."""
    import getpass

    client = (environ.get("SSH_CONNECTION") or "").split()
    where = f"from {client[0]} port {client[1]}" if len(client) >= 2 else "on the server"
    return f"{getpass.getuser()} {where}"


def _run_console(db, workstation: str) -> int:
    """The console until it is quit, or its connection drops (SIGHUP) or it is killed
    (SIGTERM): then it exits at once; a write in progress is one transaction, so it is
    either all there or not at all. The terminal's modes are put back on a normal exit."""
    import signal

    from frontdesk.app import FrontDeskApp

    app = FrontDeskApp(db=db, workstation=workstation)
    ended = {"how": "quit"}

    def hang_up(signum: int, frame: object) -> None:
        ended["how"] = "connection dropped" if signum == signal.SIGHUP else "stopped"
        loop = getattr(app, "_loop", None)
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(app.exit)
        else:
            raise SystemExit(129)

    def started() -> None:
        """ "session started", once: when the login screen is up (its imports are not
        on the way to it), or at the end if the session never got that far."""
        if not ended.get("started"):
            ended["started"] = "yes"
            _session_audit(db, workstation, "session started", _who_connected(os.environ))

    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, hang_up)
    app.on_shown = started
    try:
        app.run()
    finally:
        started()
        _session_audit(db, workstation, "session ended", ended["how"])
    return 0


# -- commands ---------------------------------------------------------------------------


def cmd_open(args: argparse.Namespace) -> int:
    db = _open(args)
    return _run_console(db, _workstation(args))


def cmd_demo(args: argparse.Namespace) -> int:
    from frontdesk.services import demo

    path = _db_path(args, "demo.db")
    args.db = str(path)
    db = _open(args)
    desk = _shell_desk(db)
    if demo.build_demo(desk, scale=args.scale, seed=args.seed):
        print(f"Created the demo practice ({args.scale}) in {path}")
    else:
        print(
            f"Opening the existing practice in {path} (logins as first created;"
            " changes made since then stand)"
        )
    print(demo.demo_logins_text())
    if args.no_open:
        db.close()
        return 0
    return _run_console(db, _workstation(args))


def cmd_migrate(args: argparse.Namespace) -> int:
    from frontdesk.data.schema import SCHEMA_VERSION, migrate

    db = _open(args, create=True)
    applied = migrate(db)  # open_database has already applied; this reports "up to date"
    print(
        f"Schema version {SCHEMA_VERSION}: "
        + ("applied " + ", ".join(applied) if applied else "up to date.")
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from frontdesk.data import db as database
    from frontdesk.data.db import journal_warning, sqlite3
    from frontdesk.data.schema import SCHEMA_VERSION, state
    from frontdesk.services.audit import verify_chain

    db = _open(args, create=False, upgrade=False)  # a check changes nothing
    problems = 0
    warning = journal_warning()
    library = getattr(sqlite3, "__name__", "sqlite3")
    flag = "" if warning is None else "  WARNING"
    print(f"SQLite library   {database.SQLITE_VERSION} ({library}){flag}")
    if warning:
        print(f"                 {warning}")
    print(f"Journal mode     {db.journal}")
    current = state(db)
    print(
        f"Schema version   {current.version} of {SCHEMA_VERSION}"
        f"{' (up to date)' if not current.pending else ' (pending: run migrate)'}"
    )
    integrity = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
    ok = integrity == ["ok"]
    problems += not ok
    print(f"Integrity        {'ok' if ok else '; '.join(integrity[:5])}")
    chain = verify_chain(_shell_desk(db))
    problems += not chain.ok
    print(
        f"Audit chain      {'ok' if chain.ok else 'BROKEN: ' + chain.problem} "
        f"({chain.rows} rows checked)"
    )
    from frontdesk.services import invariants

    rules = tuple(name for name in invariants.RULES if name not in ("integrity", "audit chain"))
    broken = invariants.check(db, rules)
    problems += len(broken)
    for name, details in invariants.summary(broken).items():
        if name in rules:
            print(f"{name[:1].upper() + name[1:]:<16} {'ok' if not details else 'VIOLATED'}")
            for detail in details:
                print(f"                 {detail}")
    return 1 if problems else 0


def _secret(prompt: str) -> str:
    import getpass

    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    return line.rstrip("\n")


def _new_secret(what: str) -> str:
    first = _secret(f"New {what}: ")
    if sys.stdin.isatty() and _secret(f"Repeat the {what}: ") != first:
        raise FrontDeskError(f"The two {what}s differ; nothing was changed.")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    from frontdesk.services import accounts

    db = _open(args, create=False)
    desk = _shell_desk(db)
    if args.user_command == "list":
        for member in accounts.list_staff(desk):
            state = "active" if member.active else "inactive"
            if member.locked_until:
                state += ", locked"
            print(f"{member.username:<16} {member.role:<13} {state:<16} {member.full_name}")
        return 0
    if args.user_command == "add":
        password = _new_secret("password")
        pin = _new_secret("PIN")
        member = accounts.add_staff(
            desk,
            args.username,
            args.name,
            args.role,
            password,
            pin,
            credentials=args.credentials or "",
        )
        print(f"Added {member.username} ({member.role}).")
        return 0
    member = accounts.find_staff(desk, args.username)
    if args.user_command == "passwd":
        accounts.reset_password(desk, member.id, _new_secret("password"))
        print(f"Password of {member.username} changed; the login is unlocked.")
    elif args.user_command == "pin":
        accounts.reset_pin(desk, member.id, _new_secret("PIN"))
        print(f"PIN of {member.username} changed.")
    elif args.user_command == "disable":
        accounts.set_active(desk, member.id, False)
        print(f"{member.username} is deactivated.")
    elif args.user_command == "enable":
        accounts.set_active(desk, member.id, True)
        print(f"{member.username} is active again.")
    elif args.user_command == "unlock":
        accounts.unlock(desk, member.id)
        print(f"{member.username} is unlocked.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from frontdesk.services.audit import verify_chain

    db = _open(args, create=False, upgrade=False)
    chain = verify_chain(_shell_desk(db))
    if chain.ok:
        print(f"Audit chain ok: {chain.rows} rows.")
        return 0
    print(f"Audit chain BROKEN: {chain.problem}.")
    return 1


def cmd_recalls(args: argparse.Namespace) -> int:
    from frontdesk.services import recalls

    month = recalls.parse_month(args.month)
    db = _open(args, create=False)
    desk = _shell_desk(db)
    if args.out is None:
        rows = recalls.export_recalls_csv(desk, month, sys.stdout)
        print(f"{rows} recall card(s) due in {month:%B %Y}.", file=sys.stderr)
        return 0
    path, rows = recalls.export_recalls_file(desk, month, Path(args.out).expanduser())
    print(f"{rows} recall card(s) due in {month:%B %Y} written to {path}.")
    return 0


def cmd_dayclose(args: argparse.Namespace) -> int:
    from frontdesk.services import day_close, schedule

    db = _open(args, create=False)
    desk = _shell_desk(db)
    day = (
        schedule.read_date(args.date, "business date", today=desk.clock.business_date())
        if args.date
        else desk.clock.business_date()
    )
    if args.dayclose_command == "status":
        close = day_close.close_of_day(desk, day)
        print(
            f"Close of day {day:%a %m/%d/%Y}"
            + (f": closed by {close.closed_by}" if close.closed_at else "")
        )
        for step in close.steps:
            print(
                f"  {'done' if step.done else 'OPEN'}  {step.number}. {step.title}: {step.summary}"
            )
            for item in step.items:
                print(f"          {item.text}")
        return 0 if close.ready else 1
    folder = Path(args.out).expanduser() if args.out else Path(db.path).parent / "exports"
    for path in day_close.export_files(desk, day, folder):
        print(f"Wrote {path}")
    return 0


def cmd_printer(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from frontdesk.services import print_queue, printers

    db = _open(args, create=False)
    desk = _shell_desk(db)
    if args.workstation:
        desk = replace(desk, workstation=_workstation(args))
    if args.printer_command == "test":
        from frontdesk.errors import PrinterProblem

        try:
            printer = printers.test_page(desk, args.name or "")
        except PrinterProblem as problem:
            print(f"Not printed: {problem}", file=sys.stderr)
            return 1
        print(f"Test page printed on {printer.name} ({printer.where}).")
        return 0
    known = printers.printers(desk)
    for printer in known:
        state = "" if printer.active else "  (out of use)"
        print(f"{printer.name}: {printer.connection}, {printer.where}, {printer.profile},"
              f" {printer.columns} columns, drawer pin {printer.drawer_pin}{state}")  # fmt: skip
    if not known:
        print("No printers set up: every workstation prints to the built-in file printer.")
    for workstation, name in printers.workstations(desk):
        queue = print_queue.state(db, workstation)
        waiting = f", {queue.waiting} waiting" if queue.waiting else ""
        error = f" (last error: {queue.last_error})" if queue.last_error else ""
        on = name or f"{printers.FILE_PRINTER} {printers.default_printer(db, workstation).path}"
        print(f"  {workstation} prints on {on}{waiting}{error}")
    return 0


def _practice_clock(args: argparse.Namespace):
    """The practice's clock (its time zone), read from the database, which is closed."""
    from frontdesk.data.clock import Clock
    from frontdesk.services.practice import load_settings

    db = _open(args, create=False)
    try:
        return Clock(load_settings(db).time_zone)
    finally:
        db.close()


def cmd_backup(args: argparse.Namespace) -> int:
    import getpass

    from frontdesk.services import backups

    path, clock = _db_path(args), _practice_clock(args)
    done = backups.backup(
        path, clock, args.to, made_by=f"shell:{getpass.getuser()}",
        keep_daily=args.keep_daily, keep_monthly=args.keep_monthly,
    )  # fmt: skip
    print(f"Backed up to {done.path} ({done.size_bytes:,} bytes, integrity checked).")
    for name in done.removed:
        print(f"  removed the older {name}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from frontdesk.services import backups

    path, clock = _db_path(args), _practice_clock(args)
    aside = backups.restore(path, Path(args.file).expanduser(), clock, force=args.force)
    print(f"Restored {args.file} into {path}.")
    print(f"The database as it was is kept as {aside}.")
    return 0


def cmd_login_shell(args: argparse.Namespace) -> int:
    """What sshd's ForceCommand runs for desk staff: set what sshd does not pass, find
    the database and the workstation, open the console."""
    import getpass

    from frontdesk.services import workstations

    os.umask(0o007)  # the database and its -wal/-shm stay writable by the desk group
    term = os.environ.get("TERM", "")
    if not term or term in ("dumb", "unknown", "network"):
        os.environ["TERM"] = "xterm-256color"
    os.environ.setdefault("COLORTERM", "")
    os.environ.setdefault("ESCDELAY", "25")
    if os.environ.get("SSH_ORIGINAL_COMMAND"):
        print(f"{PROG}: this login opens the console only; no commands.", file=sys.stderr)
        return 2
    db = _open(args, create=False)
    name, known = workstations.recognise(db, os.environ, getpass.getuser(), args.workstation or "")
    if not known:
        print(
            f"This connection is not a workstation frontdesk knows; it opens as {name}, "
            "which takes no cash until a manager sets it up (frontdesk workstation add)."
        )
    return _run_console(db, name)


SSHD_BLOCK = """\
# frontdesk: compress for slow links (sshd takes this outside a Match block only).
Compression yes

# frontdesk: desk staff get the console and nothing else.
Match Group {group}
    ForceCommand {command} login-shell --db {db}
    AllowTcpForwarding no
    AllowAgentForwarding no
    AllowStreamLocalForwarding no
    X11Forwarding no
    PermitTunnel no
    PermitTTY yes
    PermitUserRC no
    AcceptEnv FRONTDESK_WORKSTATION
    ClientAliveInterval 30
    ClientAliveCountMax 4
"""


def cmd_ssh_config(args: argparse.Namespace) -> int:
    command = Path(sys.argv[0]).resolve() if Path(sys.argv[0]).name == PROG else PROG
    db = Path(args.db or "/srv/frontdesk/practice.db")
    print(SSHD_BLOCK.format(group=args.group, command=command, db=db))
    print(f"""# Steps on the practice's server (as root); docs/deploy-ssh.md explains each:
#   groupadd {args.group}
#   install -d -m 2770 -g {args.group} {db.parent}      # setgid: new files keep the group
#   {command} migrate --db {db}; chgrp {args.group} {db}*; chmod 660 {db}*
#   useradd -m -G {args.group} -s /bin/bash front1     # one login per workstation
#   {command} workstation add FRONT-1 --user front1 --db {db}
#   add the lines above at the END of /etc/ssh/sshd_config; sshd -t; systemctl reload ssh""")
    return 0


def cmd_workstation(args: argparse.Namespace) -> int:
    from frontdesk.services import workstations

    db = _open(args, create=False)
    desk = _shell_desk(db)
    if args.workstation_command == "add":
        workstations.save_workstation(desk, args.name, args.address or "", args.user or "")
        print(f"Workstation {args.name} set up.")
    elif args.workstation_command == "remove":
        workstations.remove_workstation(desk, args.name)
        print(f"Workstation {args.name} taken out of use.")
    else:
        rows = workstations.workstations(db)
        for name, address, user in rows:
            print(f"{name:<16} address {address or '-':<16} user {user or '-'}")
        if not rows:
            print("No workstations set up: sessions name theirs with --workstation.")
    return 0


# -- parsing ----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file (default: $FRONTDESK_DB, else frontdesk.db in the data directory)",
    )
    common.add_argument(
        "--workstation",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="this workstation's name (default: $FRONTDESK_WORKSTATION, else the host name)",
    )
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[common],
        description="The front-desk console of the practice. With no command it opens the console.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.set_defaults(func=cmd_open)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common], help="create a demo practice and open it")
    demo.add_argument("--scale", choices=("small", "large"), default="small")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--no-open", action="store_true", help="create it, do not open it")
    demo.set_defaults(func=cmd_demo)

    sub.add_parser("migrate", parents=[common], help="apply schema migrations").set_defaults(
        func=cmd_migrate
    )
    sub.add_parser(
        "check", parents=[common], help="check the library, schema, integrity and audit chain"
    ).set_defaults(func=cmd_check)

    user = sub.add_parser("user", parents=[common], help="manage logins from the shell")
    user.set_defaults(func=cmd_user)
    users = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = users.add_parser("add", parents=[common], help="add a login (asks for password and PIN)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="full name")
    add.add_argument(
        "--role", required=True, choices=("receptionist", "manager", "provider", "clinical")
    )
    add.add_argument("--credentials", help="e.g. MD, PA-C, NP")
    users.add_parser("list", parents=[common], help="list logins")
    for action, text in (
        ("passwd", "set a new password (and unlock)"),
        ("pin", "set a new PIN"),
        ("disable", "deactivate a login"),
        ("enable", "reactivate a login"),
        ("unlock", "clear failed attempts"),
    ):
        users.add_parser(action, parents=[common], help=text).add_argument("username")

    audit = sub.add_parser("audit", parents=[common], help="audit trail tools")
    audit.set_defaults(func=cmd_audit)
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_sub.add_parser("verify", parents=[common], help="verify the hash chain")

    recall = sub.add_parser("recalls", parents=[common], help="recall tools")
    recall.set_defaults(func=cmd_recalls)
    recall_sub = recall.add_subparsers(dest="recalls_command", metavar="ACTION", required=True)
    export = recall_sub.add_parser(
        "export", parents=[common], help="the month's recall cards as CSV (for a mail merge)"
    )
    export.add_argument("--month", required=True, metavar="YYYY-MM", help="e.g. 2026-12")
    export.add_argument(
        "--out", metavar="FILE", help="write to FILE (owner-only, UTF-8 with BOM); default stdout"
    )

    dayclose = sub.add_parser("dayclose", parents=[common], help="close-of-day tools")
    dayclose.set_defaults(func=cmd_dayclose)
    dayclose_sub = dayclose.add_subparsers(dest="dayclose_command", metavar="ACTION", required=True)
    for action, text in (
        ("status", "the close-of-day steps of a date and what is still open"),
        ("export", "the day sheet, deposit slip and drawer closes as CSV (for the accountant)"),
    ):
        step = dayclose_sub.add_parser(action, parents=[common], help=text)
        step.add_argument(
            "--date", metavar="DATE", help="business date, e.g. 11/23 (default today)"
        )
        if action == "export":
            step.add_argument(
                "--out",
                metavar="DIR",
                help="folder for the files (default: exports/ by the database)",
            )
    backup = sub.add_parser(
        "backup", parents=[common], help="back up the database now (safe while sessions work)"
    )
    backup.set_defaults(func=cmd_backup)
    backup.add_argument(
        "--to", metavar="DIR", help="backup folder (default: backups/ beside the database)"
    )
    backup.add_argument("--keep-daily", type=int, default=7, metavar="N",
                        help="daily copies kept (default 7)")  # fmt: skip
    backup.add_argument("--keep-monthly", type=int, default=12, metavar="M",
                        help="monthly copies kept (default 12)")  # fmt: skip
    restore = sub.add_parser(
        "restore", parents=[common], help="replace the database with a verified backup"
    )
    restore.set_defaults(func=cmd_restore)
    restore.add_argument("file", help="the backup file")
    restore.add_argument(
        "--force", action="store_true", help="restore even while another session is writing"
    )
    sub.add_parser(
        "login-shell", parents=[common], help="the console for an SSH login (sshd ForceCommand)"
    ).set_defaults(func=cmd_login_shell)
    ssh = sub.add_parser(
        "ssh-config", parents=[common], help="print the sshd_config block and setup steps"
    )
    ssh.set_defaults(func=cmd_ssh_config)
    ssh.add_argument("--group", default="frontdesk", help="Unix group of desk staff")
    station = sub.add_parser("workstation", parents=[common], help="workstations of thin clients")
    station.set_defaults(func=cmd_workstation)
    station_sub = station.add_subparsers(dest="workstation_command", metavar="ACTION",
                                         required=True)  # fmt: skip
    station_sub.add_parser("list", parents=[common], help="the workstations set up")
    add_station = station_sub.add_parser(
        "add", parents=[common], help="set up a workstation: its client address or Unix user"
    )
    add_station.add_argument("name")
    add_station.add_argument("--address", help="the IP address its SSH client connects from")
    add_station.add_argument("--user", help="the Unix user it logs in as")
    station_sub.add_parser("remove", parents=[common], help="take one out of use").add_argument(
        "name"
    )
    printer = sub.add_parser("printer", parents=[common], help="receipt printer tools")
    printer.set_defaults(func=cmd_printer)
    printer_sub = printer.add_subparsers(dest="printer_command", metavar="ACTION", required=True)
    printer_sub.add_parser(
        "list", parents=[common], help="the printers, each workstation's printer and its queue"
    )
    test = printer_sub.add_parser(
        "test", parents=[common], help="print a test page now and say whether it printed"
    )
    test.add_argument("name", nargs="?", help="printer name (default: the --workstation's printer)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    for name in ("db", "workstation"):
        if not hasattr(args, name):
            setattr(args, name, None)
    try:
        return args.func(args)
    except FrontDeskError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
