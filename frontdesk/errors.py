"""The one family of errors a person can cause; each message is written for them.

Every layer raises these (money parsing in data/, rules in services/); the UI catches
`FrontDeskError` in one place and shows `str(error)`.
"""

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
]


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
