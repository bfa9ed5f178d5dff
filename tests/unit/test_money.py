"""Money is integer cents: exact parsing, refusal of anything unclear, formatting."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.data.money import DEFAULT_CEILING_CENTS, Money
from frontdesk.errors import BadAmount


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("$1,234.56", 123456),
        ("  9.95 ", 995),
        ("0.01", 1),
        (".5", 50),
        ("12.", 1200),
        ("-3.10", -310),
        ("-$3.10", -310),
        ("$-3.10", -310),
        ("+7", 700),
        ("1,000,000", 100_000_000),
    ],
)
def test_parses_what_people_type_exactly(text: str, cents: int) -> None:
    assert Money.parse(text, ceiling=None) == Money(cents)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "Enter an amount"),
        ("   ", "Enter an amount"),
        ("abc", "not an amount"),
        ("NaN", "not an amount"),
        ("inf", "not an amount"),
        ("1e5", "dollars and cents"),
        ("1E-2", "dollars and cents"),
        ("1.234", "two decimals"),
        ("0.001", "two decimals"),
        ("1,23", "not an amount"),
        ("12,34.00", "not an amount"),
        ("1.2.3", "not an amount"),
        ("$", "not an amount"),
        ("--5", "not an amount"),
        ("-$-5", "not an amount"),
        ("\uff15", "not an amount"),  # a full-width digit
        ("12 34", "not an amount"),
    ],
)
def test_refuses_bad_amounts_saying_why(text: str, why: str) -> None:
    with pytest.raises(BadAmount, match=why):
        Money.parse(text)


def test_refuses_amounts_over_the_ceiling() -> None:
    assert Money.parse("50,000.00") == Money(DEFAULT_CEILING_CENTS)
    with pytest.raises(BadAmount, match=r"over the largest amount allowed here \(\$50,000.00\)"):
        Money.parse("50,000.01")
    with pytest.raises(BadAmount, match="largest amount"):
        Money.parse("100", ceiling=9_999)
    with pytest.raises(BadAmount, match="largest amount"):
        Money.parse("-100", ceiling=9_999)


def test_formats_for_screens_and_receipts() -> None:
    assert Money(123456).format() == "$1,234.56"
    assert Money(-310).format() == "-$3.10"
    assert Money(5).format(symbol=False) == "0.05"
    assert str(Money(0)) == "$0.00"


def test_never_takes_a_float() -> None:
    with pytest.raises(TypeError):
        Money(9.95)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)  # type: ignore[arg-type]
    assert (Money(100) * 3) == Money(300)
    with pytest.raises(TypeError):
        Money(100) * 1.5  # type: ignore[operator]


def test_is_immutable_and_hashable() -> None:
    money = Money(100)
    with pytest.raises(AttributeError):
        money.cents = 5  # type: ignore[misc]
    assert {Money(100), Money(100)} == {Money(100)}


@given(st.integers(min_value=-DEFAULT_CEILING_CENTS, max_value=DEFAULT_CEILING_CENTS))
def test_formatting_then_parsing_gives_the_same_cents(cents: int) -> None:
    money = Money(cents)
    assert Money.parse(money.format()) == money
    assert Money.parse(money.format(symbol=False)) == money


@given(st.integers(0, 10**9), st.integers(0, 99))
def test_dollars_and_cents_text_parses_exactly(dollars: int, cents: int) -> None:
    assert Money.parse(f"{dollars}.{cents:02d}", ceiling=None).cents == dollars * 100 + cents


@given(st.lists(st.integers(-(10**7), 10**7), max_size=30))
def test_sums_are_exact(amounts: list[int]) -> None:
    total = Money(0)
    for cents in amounts:
        total = total + Money(cents)
    assert total.cents == sum(amounts)


@given(st.text(max_size=12))
def test_any_text_either_parses_or_says_why(text: str) -> None:
    try:
        money = Money.parse(text)
    except BadAmount as error:
        assert str(error)
    else:
        assert isinstance(money.cents, int)
        assert abs(money.cents) <= DEFAULT_CEILING_CENTS


def test_a_pasted_wall_of_digits_is_refused_not_a_crash() -> None:
    with pytest.raises(BadAmount, match="too long"):
        Money.parse("1" * 5000)
