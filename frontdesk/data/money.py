"""Money as integer cents: exact parsing, arithmetic and formatting. No floats anywhere."""

from __future__ import annotations

import re
from functools import total_ordering
from typing import Any

from frontdesk.errors import BadAmount, echo

__all__ = ["DEFAULT_CEILING_CENTS", "Money"]

#: The largest amount a single field accepts unless the practice sets another ceiling.
DEFAULT_CEILING_CENTS = 5_000_000  # $50,000.00

# Optional sign, optional $, digits with optional correct thousands commas, up to 2 decimals.
_AMOUNT = re.compile(
    r"""^(?P<sign>[-+]?)\s*\$?\s*(?P<sign2>[-+]?)
        (?P<whole>\d{1,3}(?:,\d{3})+|\d*)
        (?:\.(?P<frac>\d*))?$""",
    re.VERBOSE | re.ASCII,
)


@total_ordering
class Money:
    """An amount of US dollars held as a whole number of cents."""

    __slots__ = ("cents",)
    cents: int

    def __init__(self, cents: int = 0) -> None:
        if isinstance(cents, bool) or not isinstance(cents, int):
            raise TypeError("Money takes whole cents (int); use Money.parse for text")
        object.__setattr__(self, "cents", cents)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Money is immutable")

    # -- parsing -----------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str, *, ceiling: int | None = DEFAULT_CEILING_CENTS) -> Money:
        """Parse what a person typed ("12", "12.5", "$1,234.56", "-3.10") exactly.

        Raises BadAmount, saying why, for empty text, letters, exponents, NaN, more than
        two decimals, misplaced commas, or an amount above `ceiling` cents (in size).
        """
        raw = (text or "").strip()
        if not raw:
            raise BadAmount("Enter an amount.")
        if len(raw) > 24:
            raise BadAmount("That is too long to be an amount.")
        match = _AMOUNT.match(raw)
        if not match or (match["sign"] and match["sign2"]):
            if re.search(r"[0-9][eE][-+]?[0-9]", raw):
                raise BadAmount(
                    f"'{echo(raw)}' is not an amount: write it out in dollars and cents."
                )
            if re.fullmatch(r"[-+$0-9.,\s]+", raw) and raw.count(".") == 1:
                _, _, frac = raw.partition(".")
                if len(frac.strip()) > 2 and frac.strip().isdigit():
                    raise BadAmount("Amounts have at most two decimals (cents).")
            raise BadAmount(f"'{echo(raw)}' is not an amount, e.g. 45 or 1,234.50.")
        whole, frac = match["whole"], match["frac"]
        if not whole and not frac:
            raise BadAmount(f"'{echo(raw)}' is not an amount, e.g. 45 or 1,234.50.")
        frac = frac or ""
        if len(frac) > 2:
            raise BadAmount("Amounts have at most two decimals (cents).")
        cents = int(whole.replace(",", "") or "0") * 100 + int(frac.ljust(2, "0"))
        if "-" in (match["sign"] + match["sign2"]):
            cents = -cents
        money = cls(cents)
        if ceiling is not None and abs(cents) > ceiling:
            raise BadAmount(
                f"{money.format()} is over the largest amount allowed here "
                f"({cls(ceiling).format()})."
            )
        return money

    # -- formatting --------------------------------------------------------------------

    def format(self, *, symbol: bool = True) -> str:
        """'$1,234.56', '-$3.10' (or without the $)."""
        sign = "-" if self.cents < 0 else ""
        dollars, cents = divmod(abs(self.cents), 100)
        return f"{sign}{'$' if symbol else ''}{dollars:,}.{cents:02d}"

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"Money({self.cents})"

    # -- arithmetic and comparison -------------------------------------------------------

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.cents + other.cents)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.cents - other.cents)

    def __mul__(self, times: int) -> Money:
        if isinstance(times, bool) or not isinstance(times, int):
            return NotImplemented
        return Money(self.cents * times)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.cents)

    def __abs__(self) -> Money:
        return Money(abs(self.cents))

    def __bool__(self) -> bool:
        return self.cents != 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and other.cents == self.cents

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.cents < other.cents

    def __hash__(self) -> int:
        return hash(("Money", self.cents))

    # -- pydantic: a Money field validates from int cents or a Money, serialises to cents --

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        def validate(value: Any) -> Money:
            if isinstance(value, Money):
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                return Money(value)
            raise ValueError("money must be whole cents")

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda m: m.cents),
        )
