"""Receipt layout: golden receipts at each paper width, and the promises that hold for any
receipt (no row wider than the paper, every amount printed whole).

Regenerate the golden files after a deliberate layout change with
`FRONTDESK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_receipt_layout.py`,
then read the diff before keeping it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from frontdesk.data.money import Money
from frontdesk.data.money_models import Receipt, ReceiptLine, ReceiptTender
from frontdesk.printing.layout import MIN_WIDTH, preview_text, receipt_lines

GOLDEN = Path(__file__).parent / "golden" / "receipts"
UPDATE_GOLDEN = os.environ.get("FRONTDESK_UPDATE_GOLDEN") == "1"
PAPER_WIDTHS = (32, 42, 48)

PRACTICE = {
    "practice_name": "Lakeshore Dermatology",
    "practice_address": "1200 N Lake Shore Dr, Suite 400\nChicago, IL 60610",
    "practice_phone": "(312) 555-0142",
}


def payment() -> Receipt:
    """María pays for a visit and two products, part by card and the rest in cash."""
    return Receipt(
        kind="payment",
        number="R-2026-000123",
        **PRACTICE,
        at="2026-11-24 09:42",
        cashier="Dana K.",
        workstation="FRONT-1",
        patient="María P.",
        account_no="A-10234",
        lines=(
            ReceiptLine(text="Office visit, established patient", unit_price=Money(14500),
                        amount=Money(14500)),
            ReceiptLine(text="CeraVe Moisturizing Cream 16 oz", quantity=2,
                        unit_price=Money(1850), amount=Money(3700), discount=Money(370)),
            ReceiptLine(text="EltaMD UV Clear SPF 46", unit_price=Money(3400),
                        amount=Money(3400)),
        ),
        subtotal=Money(21600),
        discounts=Money(370),
        tax=Money(690),
        total=Money(21920),
        tenders=(
            ReceiptTender(method="card", amount=Money(15000), detail="Visa 4242"),
            ReceiptTender(method="cash", amount=Money(6920), tendered=Money(8000),
                          change=Money(1080)),
        ),
        balance_after=Money(0),
    )  # fmt: skip


def refund() -> Receipt:
    """An unopened sunscreen comes back and the money goes back to the card."""
    return Receipt(
        kind="refund",
        number="R-2026-000131",
        **PRACTICE,
        at="2026-11-24 14:05",
        cashier="Dana K.",
        workstation="FRONT-2",
        patient="María P.",
        account_no="A-10234",
        lines=(
            ReceiptLine(text="EltaMD UV Clear SPF 46", unit_price=Money(-3400),
                        amount=Money(-3400)),
        ),
        subtotal=Money(-3400),
        tax=Money(-349),
        total=Money(-3749),
        tenders=(ReceiptTender(method="card", amount=Money(-3749), detail="Visa 4242"),),
        balance_after=Money(0),
        reason="Product returned unopened",
    )  # fmt: skip


def gift_card() -> Receipt:
    """A reprint of a $100 gift card bought by check, with a credit left on the account."""
    return Receipt(
        kind="gift_card",
        number="R-2026-000127",
        **PRACTICE,
        at="2026-11-24 11:18",
        cashier="Sam O.",
        workstation="FRONT-1",
        patient="Nguyễn T.",
        account_no="A-20871",
        lines=(
            ReceiptLine(text="Gift card GC-7QK2-M9XD", unit_price=Money(10000),
                        amount=Money(10000)),
        ),
        subtotal=Money(10000),
        total=Money(10000),
        tenders=(ReceiptTender(method="check", amount=Money(10000), detail="1234"),),
        credit_after=Money(2500),
        gift_card_code="GC-7QK2-M9XD",
        gift_card_balance=Money(10000),
        reprint=True,
    )  # fmt: skip


def void() -> Receipt:
    """A card payment put on the wrong card, voided the same afternoon."""
    return Receipt(
        kind="void",
        number="R-2026-000133",
        **PRACTICE,
        at="2026-11-24 15:20",
        cashier="Dana K.",
        workstation="FRONT-2",
        patient="José P.",
        account_no="A-31007",
        total=Money(4000),
        tenders=(ReceiptTender(method="card", amount=Money(-4000), detail="Visa ****3582"),),
        balance_after=Money(4000),
        reason="Wrong card: the patient's HSA card was meant",
    )


def adjustment() -> Receipt:
    """A courtesy adjustment taking a small balance off, printed from the account."""
    return Receipt(
        kind="adjustment",
        number="R-2026-000138",
        **PRACTICE,
        at="2026-11-24 16:02",
        cashier="Sam O.",
        workstation="OFFICE",
        patient="Nguyễn T.",
        account_no="A-20871",
        total=Money(-1250),
        balance_after=Money(0),
        reason="Courtesy: waiting time over an hour",
    )


def long_product_names() -> Receipt:
    """Products whose names cannot fit a 58 mm roll, one of them a single long word and
    one in Japanese (two cells a character), paid by gift card and credit."""
    return Receipt(
        kind="payment",
        number="R-2026-000140",
        **PRACTICE,
        at="2026-11-24 16:51",
        cashier="Dana K.",
        workstation="FRONT-1",
        patient="María P.",
        account_no="A-10234",
        lines=(
            ReceiptLine(
                text="SkinCeuticals C E Ferulic with 15% L-ascorbic acid antioxidant serum 30 ml",
                unit_price=Money(18200), amount=Money(18200),
            ),
            ReceiptLine(text="Ultra-hydrating-barrier-repair-ceramide-cream", quantity=3,
                        unit_price=Money(2400), amount=Money(7200)),
            ReceiptLine(text="日焼け止め ジェル SPF50+ 日本製", unit_price=Money(2900),
                        amount=Money(2900)),
        ),
        subtotal=Money(28300),
        tax=Money(2901),
        total=Money(31201),
        tenders=(
            ReceiptTender(method="gift_card", amount=Money(10000), detail="GC-7QK2-M9XD"),
            ReceiptTender(method="credit", amount=Money(2500)),
            ReceiptTender(method="card", amount=Money(18701), detail="Mastercard 5100"),
        ),
        balance_after=Money(0),
        credit_after=Money(0),
        gift_card_code="GC-7QK2-M9XD",
        gift_card_balance=Money(0),
    )  # fmt: skip


#: A sample of each kind of receipt, by the name of its golden files.
KINDS: dict[str, Callable[[], Receipt]] = {
    "payment": payment,
    "refund": refund,
    "gift_card": gift_card,
    "void": void,
    "adjustment": adjustment,
}
GOLDEN_CASES: list[tuple[str, Callable[[], Receipt], int]] = [
    *((f"{name}_{width}", build, width) for name, build in KINDS.items() for width in PAPER_WIDTHS),
    ("long_product_names_32", long_product_names, 32),
]


# -- golden receipts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "width"), GOLDEN_CASES, ids=[case[0] for case in GOLDEN_CASES]
)
def test_receipt_prints_as_its_golden_file(
    name: str, build: Callable[[], Receipt], width: int
) -> None:
    path = GOLDEN / f"{name}.txt"
    text = preview_text(build(), width) + "\n"
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"No golden file {path.name}: run with FRONTDESK_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


# -- what every receipt promises --------------------------------------------------------------


def amounts_on(receipt: Receipt) -> list[str]:
    """Every amount the receipt must show, as printed (discounts as money off)."""
    shown = [receipt.total]
    if receipt.lines:
        shown.append(receipt.subtotal)
    if receipt.discounts:
        shown.append(-abs(receipt.discounts))
    if receipt.tax:
        shown.append(receipt.tax)
    for line in receipt.lines:
        shown.append(line.amount)
        if line.quantity > 1:
            shown.append(line.unit_price)
        if line.discount:
            shown.append(-abs(line.discount))
    for tender in receipt.tenders:
        shown.append(tender.amount)
        if tender.method == "cash":
            shown += [m for m in (tender.tendered, tender.change) if m is not None]
    shown += [
        m
        for m in (receipt.balance_after, receipt.credit_after, receipt.gift_card_balance)
        if m is not None
    ]
    return [m.format() for m in shown]


def assert_fits_and_shows_every_amount(receipt: Receipt, width: int) -> None:
    lines = receipt_lines(receipt, width)
    for line in lines:
        assert cell_len(line) <= width, f"{line!r} is {cell_len(line)} cells"
        assert line == line.rstrip()
        assert "\n" not in line
    tokens = {token for line in lines for token in line.split()}
    for amount in amounts_on(receipt):
        assert amount in tokens, f"{amount} is missing or broken"


@pytest.mark.parametrize("width", PAPER_WIDTHS)
@pytest.mark.parametrize("build", [*KINDS.values(), long_product_names])
def test_sample_receipts_fit_every_paper_width(build: Callable[[], Receipt], width: int) -> None:
    assert_fits_and_shows_every_amount(build(), width)


# Text as the desk might type or paste it: accents (composed or not), wide characters,
# stray control characters and runs of spaces.
desk_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("abcdefgh ÁéíñöüçãễạĐ日本製ジェル\u0301\n\t\x1b-#*%,./"),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Co", "Cn")),
    ),
    max_size=90,
)
money = st.integers(min_value=-5_000_000, max_value=5_000_000).map(Money)
maybe_money = st.none() | money

receipt_line = st.builds(
    ReceiptLine,
    text=desk_text,
    quantity=st.integers(min_value=1, max_value=99),
    unit_price=money,
    amount=money,
    discount=money,
)
receipt_tender = st.builds(
    ReceiptTender,
    method=st.sampled_from(["cash", "check", "card", "gift_card", "credit"]),
    amount=money,
    detail=desk_text,
    tendered=maybe_money,
    change=maybe_money,
)
any_receipt = st.builds(
    Receipt,
    kind=st.sampled_from(["payment", "refund", "gift_card", "void", "adjustment"]),
    number=desk_text,
    practice_name=desk_text,
    practice_address=desk_text,
    practice_phone=desk_text,
    at=desk_text,
    cashier=desk_text,
    workstation=desk_text,
    patient=desk_text,
    account_no=desk_text,
    lines=st.lists(receipt_line, max_size=5).map(tuple),
    subtotal=money,
    discounts=money,
    tax=money,
    total=money,
    tenders=st.lists(receipt_tender, max_size=4).map(tuple),
    balance_after=maybe_money,
    credit_after=maybe_money,
    gift_card_code=desk_text,
    gift_card_balance=maybe_money,
    reason=desk_text,
    reprint=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(receipt=any_receipt, width=st.sampled_from(PAPER_WIDTHS))
def test_no_row_is_wider_than_the_paper_and_every_amount_is_whole(
    receipt: Receipt, width: int
) -> None:
    assert_fits_and_shows_every_amount(receipt, width)


# -- particular promises --------------------------------------------------------------------------


@pytest.mark.parametrize("width", PAPER_WIDTHS)
def test_amounts_line_up_at_the_right_edge_past_accents_and_wide_characters(width: int) -> None:
    lines = receipt_lines(long_product_names(), width)
    for amount in ("$182.00", "$72.00", "$29.00", "$312.01"):
        (row,) = [line for line in lines if line.endswith(" " + amount)]
        assert cell_len(row) == width
    (patient,) = [line for line in lines if line.startswith("Patient")]
    assert cell_len(patient) == width and patient.endswith("María P.")


def test_a_decomposed_accent_prints_like_a_composed_one() -> None:
    composed = payment()
    decomposed = composed.model_copy(update={"patient": "Mari\u0301a P."})
    assert receipt_lines(decomposed, 32) == receipt_lines(composed, 32)


def test_control_characters_never_reach_the_printer() -> None:
    pasted = payment().model_copy(update={"patient": "María\x1b@ P.\n", "cashier": "Dana\tK."})
    lines = receipt_lines(pasted, 42)
    assert not any(char in line for line in lines for char in "\x1b\n\t")
    assert "Cashier" + " " * 28 + "Dana K." in lines


def test_refund_has_reason_and_a_signature_line_across_the_paper() -> None:
    lines = receipt_lines(refund(), 42)
    assert "Reason: Product returned unopened" in lines
    assert "Signature " + "_" * 32 in lines


def test_reprint_says_so_under_the_title() -> None:
    lines = receipt_lines(gift_card(), 42)
    title = lines.index(" " * 16 + "GIFT CARD")
    assert "REPRINT" in lines[title + 1]
    assert not any("REPRINT" in line for line in receipt_lines(payment(), 42))


@pytest.mark.parametrize(
    ("kind", "title"), [("void", "VOID"), ("adjustment", "ADJUSTMENT"), ("payment", "RECEIPT")]
)
def test_each_kind_of_receipt_has_its_title(kind: str, title: str) -> None:
    lines = receipt_lines(payment().model_copy(update={"kind": kind}), 42)
    assert title in [line.strip() for line in lines]


def test_tenders_read_as_the_desk_names_them() -> None:
    lines = receipt_lines(long_product_names(), 42) + receipt_lines(gift_card(), 42)
    labels = [line.rsplit("  ", 1)[0].strip() for line in lines]
    for name in ("Gift card GC-7QK2-M9XD", "Credit on account", "Mastercard ****5100",
                 "Check #1234"):  # fmt: skip
        assert name in labels


def test_narrower_than_any_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        receipt_lines(payment(), MIN_WIDTH - 1)
