"""Pydantic models of printed documents other than receipts: a report (the day sheet,
the deposit slip, drawer closes) as titled rows, and a patient's statement.

They are what a print job holds (as JSON), so a document is laid out at the paper width
of whichever printer takes the job.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from frontdesk.data.models import _Model
from frontdesk.data.money import Money

__all__ = ["Report", "ReportRow", "Statement", "StatementLine"]


class ReportRow(_Model):
    """One row of a printed report: a heading, a line (its text, with an amount or a
    value right-aligned, or neither), a rule across the paper, or a blank row; each
    indented by `indent` cells."""

    kind: Literal["heading", "line", "rule", "blank"] = "line"
    text: str = ""
    amount: Money | None = None
    value: str = ""
    indent: int = Field(default=0, ge=0, le=8)

    @classmethod
    def heading(cls, text: str, *, indent: int = 0) -> ReportRow:
        return cls(kind="heading", text=text, indent=indent)

    @classmethod
    def line(cls, text: str, amount: Money | None = None, *, indent: int = 0) -> ReportRow:
        """Text, with `amount` at the right edge if there is one."""
        return cls(kind="line", text=text, amount=amount, indent=indent)

    @classmethod
    def field(cls, text: str, value: str, *, indent: int = 0) -> ReportRow:
        """A label with its value (a name, a date) at the right edge."""
        return cls(kind="line", text=text, value=value, indent=indent)

    @classmethod
    def rule(cls, *, indent: int = 0) -> ReportRow:
        return cls(kind="rule", indent=indent)

    @classmethod
    def blank(cls) -> ReportRow:
        return cls(kind="blank")


class Report(_Model):
    """A printed report: its title (printed bold and double height), a subtitle under
    it (the date, the drawer), and its rows."""

    title: str
    subtitle: str = ""
    rows: tuple[ReportRow, ...] = ()


class StatementLine(_Model):
    """One entry on a patient's balance in a statement's period."""

    business_date: dt.date
    number: str  # the receipt number of the posting it was part of
    text: str
    amount: Money


class Statement(_Model):
    """A patient's statement: what they owed before the period, each entry of the
    period, what they owe now. Like a receipt it names the patient by first name and
    last initial and holds no date of birth and no diagnosis."""

    practice_name: str
    practice_address: str = ""
    practice_phone: str = ""
    statement_date: dt.date
    since: dt.date
    patient: str  # first name and last initial
    account_no: str
    previous_balance: Money
    lines: tuple[StatementLine, ...] = ()
    ending_balance: Money
    credit: Money = Money(0)  # held from deposits, not taken off the balance

    @property
    def amount_due(self) -> Money:
        """What the patient is asked to pay: the ending balance, or nothing when the
        practice owes them."""
        return max(self.ending_balance, Money(0))
