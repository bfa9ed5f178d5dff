"""Printed documents other than receipts: golden statements, day sheets, deposit slips
and drawer closes at each paper width, the print job dispatcher, and the promises every
document keeps (no row wider than the paper, amounts whole, no date of birth and no
diagnosis on paper).

Regenerate the golden files after a deliberate layout change with
`FRONTDESK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_documents.py`,
then read the diff before keeping it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from rich.cells import cell_len

from frontdesk.data.drawer_models import (
    CountedCheck,
    DaySheet,
    DaySheetLine,
    DepositSlip,
    DrawerSession,
    TenderCount,
)
from frontdesk.data.money import Money
from frontdesk.data.print_models import Report, ReportRow, Statement, StatementLine
from frontdesk.printing.documents import (
    DOCUMENT_KINDS,
    document_lines,
    report_lines,
    statement_lines,
)
from frontdesk.printing.layout import receipt_lines
from frontdesk.services import day_close, drawers, receipts, statements
from frontdesk.services.context import Desk
from tests.unit.test_receipt_layout import desk_text, maybe_money, money, payment

GOLDEN = Path(__file__).parent / "golden" / "documents"
UPDATE_GOLDEN = os.environ.get("FRONTDESK_UPDATE_GOLDEN") == "1"
PAPER_WIDTHS = (32, 42, 48)
DAY = dt.date(2026, 11, 24)

PRACTICE = {
    "practice_name": "Lakeshore Dermatology",
    "practice_address": "1200 N Lake Shore Dr, Suite 400\nChicago, IL 60610",
    "practice_phone": "(312) 555-0142",
}


# -- the documents ----------------------------------------------------------------------------


def statement() -> Statement:
    """Nguyễn's statement: a balance carried in, a visit with a cosmetic package whose
    name cannot fit a 58 mm roll, a card payment, a courtesy adjustment, a check."""
    visit = {"business_date": dt.date(2026, 9, 14), "number": "R0000612"}
    return Statement(
        **PRACTICE,
        statement_date=DAY,
        since=dt.date(2026, 8, 26),
        patient="Nguyễn T.",
        account_no="A-20871",
        previous_balance=Money(4500),
        lines=(
            StatementLine(**visit, text="Office visit", amount=Money(13000)),
            StatementLine(**visit, text="Microneedling with PRP, full face, three-session "
                          "package", amount=Money(120000)),
            StatementLine(**visit, text="Payment - Visa ****4242", amount=Money(-100000)),
            StatementLine(business_date=dt.date(2026, 10, 2), number="R0000853",
                          text="Adjustment - courtesy", amount=Money(-2500)),
            StatementLine(business_date=dt.date(2026, 11, 3), number="R0001180",
                          text="Payment - Check #1042", amount=Money(-10000)),
        ),
        ending_balance=Money(25000),
        credit=Money(5000),
    )  # fmt: skip


def day_sheet() -> DaySheet:
    """A Tuesday: charges by two providers (one with a name too long for a row), card and
    cash payments, a refund, an adjustment, and what each receptionist collected."""

    def line(group: str, label: str, count: int, cents: int) -> DaySheetLine:
        return DaySheetLine(group=group, label=label, count=count, amount=Money(cents))

    return DaySheet(
        business_date=DAY,
        lines=(
            line("Charges", "Charges", 12, 245000),
            line("Charges by provider", "Dr Peña", 5, 98000),
            line("Charges by provider", "Nguyễn Thị Hương, Physician Assistant-Certified", 7,
                 147000),
            line("Payments", "Card", 9, 182340),
            line("Payments", "Cash", 4, 36234),
            line("Refunds", "Card", 1, 3749),
            line("Adjustments", "Adjustments", 1, 2500),
            line("Collected by staff", "Lucía Peña", 8, 150000),
            line("Collected by staff", "Ashley Nguyen", 5, 68574),
        ),
        charges=Money(245000),
        payments=Money(218574),
        refunds=Money(3749),
        adjustments=Money(2500),
        voids=Money(0),
        fee_sheets=Money(245000),
        fee_sheet_count=9,
        beginning_ar=Money(837940),
        ending_ar=Money(865615),
        entry_count=33,
    )  # fmt: skip


def deposit() -> DepositSlip:
    return DepositSlip(
        business_date=DAY,
        counts={"b100": 2, "b20": 11, "b5": 3, "c25": 6},
        cash=Money(43650),
        checks=(
            CountedCheck(number="1042", payer="José Peña", amount=Money(10000)),
            CountedCheck(number="5631", payer="Nguyễn Văn An", amount=Money(4500)),
        ),
        checks_total=Money(14500),
        drawers=("Front desk", "Check-out"),
    )


def closed_drawer() -> DrawerSession:
    """The front desk's drawer, $12.34 short in cash, signed off with the reason."""
    return DrawerSession(
        id=7,
        drawer_id=1,
        drawer_name="Front desk",
        workstation="FRONT-1",
        business_date=DAY,
        status="closed",
        opened_at="2026-11-24T14:02:00Z",
        opened_by="Lucía Peña",
        float=Money(20000),
        counted_at="2026-11-24T23:40:00Z",
        counted_by="Nguyễn Thị Hương",
        tenders=(
            TenderCount(tender="cash", expected=Money(56234), counted=Money(55000)),
            TenderCount(tender="checks", expected=Money(14500), counted=Money(14500)),
            TenderCount(tender="card", expected=Money(182340), counted=Money(182340)),
        ),
        card_batch=Money(182340),
        closed_at="2026-11-24T23:55:00Z",
        closed_by="Denise Okafor",
        approver="Denise Okafor",
        reason="Change given twice to a patient paying for a three-session package",
        leave=Money(20000),
        deposit=Money(35000),
    )


def open_drawer() -> DrawerSession:
    """The check-out desk's drawer, still open: nothing counted yet."""
    return DrawerSession(
        id=8,
        drawer_id=2,
        drawer_name="Check-out",
        workstation="FRONT-2",
        business_date=DAY,
        status="open",
        opened_at="2026-11-24T14:05:00Z",
        opened_by="Ashley Nguyen",
        float=Money(20000),
    )


#: Each kind of printed document, as its print job holds it.
DOCUMENTS: dict[str, Callable[[], BaseModel]] = {
    "statement": statement,
    "day_sheet": lambda: day_close.day_sheet_report(day_sheet()),
    "deposit": lambda: day_close.deposit_report(deposit()),
    "drawer_close": lambda: drawers.close_slip(closed_drawer()),
    "drawers": lambda: day_close.drawers_report(DAY, [open_drawer(), closed_drawer()]),
}


# -- golden documents ----------------------------------------------------------------------------


@pytest.mark.parametrize("width", PAPER_WIDTHS)
@pytest.mark.parametrize("kind", DOCUMENTS)
def test_document_prints_as_its_golden_file(kind: str, width: int) -> None:
    path = GOLDEN / f"{kind}_{width}.txt"
    lines = document_lines(kind, DOCUMENTS[kind]().model_dump_json(), width)
    text = "\n".join(lines) + "\n"
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"No golden file {path.name}: run with FRONTDESK_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


# -- what every document promises -------------------------------------------------------------


def report_amounts(report: Report) -> list[str]:
    """Every amount the report must show (a heading, rule or blank row shows none)."""
    return [
        row.amount.format() for row in report.rows if row.kind == "line" and row.amount is not None
    ]


def statement_amounts(statement: Statement) -> list[str]:
    shown = [statement.previous_balance, statement.ending_balance, statement.amount_due]
    shown += [line.amount for line in statement.lines]
    if statement.credit:
        shown.append(statement.credit)
    return [amount.format() for amount in shown]


def assert_fits(lines: list[str], width: int, amounts: list[str]) -> None:
    for line in lines:
        assert cell_len(line) <= width, f"{line!r} is {cell_len(line)} cells"
        assert line == line.rstrip()
        assert "\n" not in line
    tokens = {token for line in lines for token in line.split()}
    for amount in amounts:
        assert amount in tokens, f"{amount} is missing or broken"


@pytest.mark.parametrize("width", PAPER_WIDTHS)
@pytest.mark.parametrize("kind", DOCUMENTS)
def test_sample_documents_fit_every_paper_width(kind: str, width: int) -> None:
    document = DOCUMENTS[kind]()
    if isinstance(document, Statement):
        assert_fits(statement_lines(document, width), width, statement_amounts(document))
    else:
        assert isinstance(document, Report)
        assert_fits(report_lines(document, width), width, report_amounts(document))


report_row = st.builds(
    ReportRow,
    kind=st.sampled_from(["heading", "line", "rule", "blank"]),
    text=desk_text,
    amount=maybe_money,
    value=desk_text,
    indent=st.integers(min_value=0, max_value=8),
)
any_report = st.builds(
    Report, title=desk_text, subtitle=desk_text, rows=st.lists(report_row, max_size=12).map(tuple)
)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
statement_line = st.builds(
    StatementLine, business_date=days, number=desk_text, text=desk_text, amount=money
)
any_statement = st.builds(
    Statement,
    practice_name=desk_text,
    practice_address=desk_text,
    practice_phone=desk_text,
    statement_date=days,
    since=days,
    patient=desk_text,
    account_no=desk_text,
    previous_balance=money,
    lines=st.lists(statement_line, max_size=8).map(tuple),
    ending_balance=money,
    credit=money,
)
any_width = st.integers(min_value=32, max_value=48)


@settings(max_examples=300, deadline=None)
@given(report=any_report, width=any_width)
def test_no_report_row_is_wider_than_the_paper(report: Report, width: int) -> None:
    assert_fits(report_lines(report, width), width, report_amounts(report))


@settings(max_examples=300, deadline=None)
@given(statement=any_statement, width=any_width)
def test_no_statement_row_is_wider_than_the_paper(statement: Statement, width: int) -> None:
    assert_fits(statement_lines(statement, width), width, statement_amounts(statement))


# -- particular promises ----------------------------------------------------------------------


@pytest.mark.parametrize("width", PAPER_WIDTHS)
def test_the_first_line_is_the_title_centred(width: int) -> None:
    for kind, title in (("day_sheet", "DAY SHEET"), ("drawer_close", "DRAWER CLOSE")):
        lines = document_lines(kind, DOCUMENTS[kind]().model_dump_json(), width)
        assert lines[0].strip() == title
        assert lines[0] == " " * ((width - len(title)) // 2) + title
    lines = document_lines("statement", statement().model_dump_json(), width)
    assert lines[0].strip() == "Lakeshore Dermatology"


def test_a_long_label_wraps_beside_its_amount_at_32() -> None:
    lines = report_lines(day_close.day_sheet_report(day_sheet()), 32)
    (first,) = [line for line in lines if line.startswith("  Nguyễn")]
    assert first.endswith(" $1,470.00") and cell_len(first) == 32
    following = lines[lines.index(first) + 1]
    assert following.startswith("  ") and "$" not in following
    wrapped = statement_lines(statement(), 32)
    (package,) = [line for line in wrapped if line.startswith("  Microneedling")]
    assert package.endswith(" $1,200.00")


def test_the_statement_adds_up_to_the_amount_due() -> None:
    lines = statement_lines(statement(), 42)
    assert "Previous balance" + " " * 20 + "$45.00" in lines
    assert "Ending balance" + " " * 21 + "$250.00" in lines
    assert "Credit on account" + " " * 19 + "$50.00" in lines
    assert "Amount due" + " " * 25 + "$250.00" in lines
    # One heading for the entries of one receipt.
    assert sum(line.startswith("09/14/2026") for line in lines) == 1
    overpaid = statement().model_copy(update={"ending_balance": Money(-1500)})
    assert "Amount due" + " " * 27 + "$0.00" in statement_lines(overpaid, 42)


def test_the_drawer_close_slip_says_who_and_how_much() -> None:
    lines = document_lines(
        "drawer_close", drawers.close_slip(closed_drawer()).model_dump_json(), 42
    )
    for label, value in (
        ("Drawer", "Front desk"),
        ("Workstation", "FRONT-1"),
        ("Opened by", "Lucía Peña"),
        ("Counted by", "Nguyễn Thị Hương"),
        ("Approved by", "Denise Okafor"),
        ("Float", "$200.00"),
        ("  Expected", "$562.34"),
        ("  Counted", "$550.00"),
        ("  Over/short", "-$12.34"),
        ("Deposit", "$350.00"),
        ("Left as float", "$200.00"),
    ):
        assert any(
            line.startswith(label + " ") and line.endswith(" " + value) and cell_len(line) == 42
            for line in lines
        ), (label, value)
    assert "Reason: Change given twice to a patient" in lines


def test_a_receipt_job_lays_out_as_the_receipt() -> None:
    receipt = payment()
    for width in PAPER_WIDTHS:
        assert document_lines("receipt", receipt.model_dump_json(), width) == receipt_lines(
            receipt, width
        )


def test_a_job_that_is_not_a_document_is_refused_readably() -> None:
    with pytest.raises(ValueError, match="'drawer_kick' is not a document"):
        document_lines("drawer_kick", "{}", 42)
    with pytest.raises(ValueError, match="statement print job does not hold a readable"):
        document_lines("statement", "not json", 42)
    report = day_close.deposit_report(deposit()).model_dump_json()
    with pytest.raises(ValueError, match="receipt print job does not hold a readable receipt"):
        document_lines("receipt", report, 42)
    with pytest.raises(ValueError, match="at least"):
        document_lines("deposit", report, 20)
    assert set(DOCUMENT_KINDS) == {"receipt", *DOCUMENTS}


# -- nothing clinical on paper ------------------------------------------------------------------


def _dates_written(dob: dt.date) -> set[str]:
    """A date of birth as it might be written anywhere."""
    return {
        dob.isoformat(),
        f"{dob:%m/%d/%Y}",
        f"{dob:%m/%d/%y}",
        f"{dob:%m-%d-%Y}",
        f"{dob:%d/%m/%Y}",
        f"{dob:%Y%m%d}",
        f"{dob.month}/{dob.day}/{dob.year}",
        f"{dob.month}/{dob.day}/{dob:%y}",
        f"{dob:%B} {dob.day}, {dob.year}",
        f"{dob:%b} {dob.day}, {dob.year}",
        f"{dob.day} {dob:%B} {dob.year}",
    }


def test_no_document_shows_a_date_of_birth_or_a_diagnosis(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    # A patient seen for a clinical procedure (its fee schedule line names the lesion).
    patient_id, posting_id = desk.db.execute(
        "SELECT p.patient_id, p.id FROM postings p JOIN charges c ON c.encounter_id ="
        " p.encounter_id WHERE p.kind = 'checkout' AND c.receipt_text <> ''"
        " AND c.description LIKE '%lesion%' ORDER BY p.id LIMIT 1"
    ).fetchone()
    dob, notes = desk.db.execute(
        "SELECT dob, notes FROM patients WHERE id = ?", (patient_id,)
    ).fetchone()
    clinical = {
        text
        for (text,) in desk.db.execute(
            "SELECT c.description FROM charges c JOIN encounters e ON e.id = c.encounter_id"
            " WHERE e.patient_id = ? AND c.receipt_text <> '' AND c.description <> c.receipt_text",
            (patient_id,),
        )
    }
    clinical |= {
        text
        for (text,) in desk.db.execute(
            "SELECT notes FROM appointments WHERE patient_id = ? AND notes <> ''", (patient_id,)
        )
    }
    if notes:
        clinical.add(notes)
    assert any("lesion" in text for text in clinical)
    jobs = {
        "statement": statements.build_statement(
            desk, patient_id, since=dt.date(2000, 1, 1)
        ).model_dump_json(),
        "receipt": receipts.build_receipt(desk, posting_id).model_dump_json(),
    }
    never = _dates_written(dt.date.fromisoformat(dob)) | clinical | {"lesion", "biopsy"}
    for kind, payload in jobs.items():
        for width in PAPER_WIDTHS:
            printed = "\n".join(document_lines(kind, payload, width))
            assert "Skin procedure" in printed
            for words in never:
                assert words.lower() not in printed.lower(), (kind, width, words)
                assert words.lower() not in payload.lower(), (kind, words)


def test_a_printout_queued_already_laid_out_still_prints() -> None:
    payload = json.dumps({"title": "Deposit slip 11/21/2026", "lines": ["Cash   $120.00"]})
    assert document_lines("deposit", payload, 42) == ["Deposit slip 11/21/2026", "Cash   $120.00"]
