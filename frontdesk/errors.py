"""The one family of errors a person can cause; each message is written for them.

Every layer raises these (money parsing in data/, rules in services/); the UI catches
`FrontDeskError` in one place and shows `str(error)`.
"""

import unicodedata

__all__ = [
    "AccessDenied",
    "AccountLocked",
    "BadAmount",
    "BadTime",
    "Conflict",
    "DatabaseBusy",
    "DatabaseProblem",
    "FrontDeskError",
    "Invalid",
    "LoginFailed",
    "NotFound",
    "PrinterProblem",
    "echo",
]


#: The marks that turn a line around (a joiner, as in a Persian name or an emoji, stays).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def echo(text: object, limit: int = 24) -> str:
    """What was typed, fit to quote back in a message: one line, without the characters
    that would act on a terminal or turn the line around (NUL, ESC, direction marks),
    and at most `limit` characters (the rest elided with '\u2026')."""
    words = " ".join(str(text).split())
    shown = "".join(
        ch for ch in words if ch not in _BIDI and unicodedata.category(ch) not in ("Cc", "Cs")
    )
    return shown if len(shown) <= limit else shown[: limit - 1].rstrip() + "\u2026"


class FrontDeskError(Exception):
    """Something a person did or asked for that frontdesk will not do; the message says why."""


class Invalid(FrontDeskError):
    """A value typed into a field is not acceptable."""


class BadAmount(Invalid):
    """A money amount that cannot be taken exactly."""


class BadTime(Invalid):
    """A date or wall-clock time that does not exist or is ambiguous."""


class NotFound(FrontDeskError):
    """The record asked for does not exist (or no longer does)."""


class Conflict(FrontDeskError):
    """Someone else (or an earlier action) got there first."""


class AccessDenied(FrontDeskError):
    """The signed-in person's role does not allow this."""


class LoginFailed(FrontDeskError):
    """Wrong username, password or PIN."""


class AccountLocked(LoginFailed):
    """Too many failed attempts; the message says until when."""


class DatabaseBusy(FrontDeskError):
    """Other sessions kept the database busy for longer than we wait; nothing was saved."""


class DatabaseProblem(FrontDeskError):
    """The database file cannot be used as it is (not ours, too new, read-only...)."""


class PrinterProblem(FrontDeskError):
    """A printer could not take a job (unreachable, refused, not answering, out of paper,
    unplugged); the job waits in the queue and the message says what is wrong."""
