"""Checks for text typed into any field: one line, printable, not too long, and never a
card number.

A value that is too long is refused, never cut: what is saved is what was typed.
"""

from __future__ import annotations

import re
import unicodedata

from frontdesk.errors import Invalid

__all__ = ["CARD_NUMBER_MESSAGE", "looks_like_card_number", "one_line"]

# A run of 13 to 19 digits, maybe grouped by single spaces or dashes as cards print them.
_CARD_NUMBER = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")
CARD_NUMBER_MESSAGE = (
    "That looks like a card number; frontdesk never keeps one. Type only the card's last "
    "4 digits and the terminal's approval code."
)


def looks_like_card_number(text: str) -> bool:
    """True when `text` holds a run of 13-19 digits (a payment card number, PAN)."""
    return _CARD_NUMBER.search(text) is not None


def one_line(value: str, what: str, *, max_length: int, required: bool = False) -> str:
    """`value` with its spaces tidied, or Invalid saying what is wrong with the `what`
    (including a card number typed into it: no field ever stores one)."""
    text = " ".join(value.split())
    if required and not text:
        raise Invalid(f"Enter the {what}.")
    if len(text) > max_length:
        raise Invalid(f"The {what} can have at most {max_length} characters.")
    # Control characters (ESC, NUL, ...) would reach terminals, receipts and exports.
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        has = "have" if what.endswith("s") and not what.endswith(("ss", "us")) else "has"
        raise Invalid(f"The {what} {has} a character that cannot be printed.")
    if looks_like_card_number(text):
        raise Invalid(CARD_NUMBER_MESSAGE)
    return text
