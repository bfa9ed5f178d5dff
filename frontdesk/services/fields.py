"""Checks for text typed into any field: one line, printable, not too long.

A value that is too long is refused, never cut: what is saved is what was typed.
"""

from __future__ import annotations

import unicodedata

from frontdesk.errors import Invalid

__all__ = ["one_line"]


def one_line(value: str, what: str, *, max_length: int, required: bool = False) -> str:
    """`value` with its spaces tidied, or Invalid saying what is wrong with the `what`."""
    text = " ".join(value.split())
    if required and not text:
        raise Invalid(f"Enter the {what}.")
    if len(text) > max_length:
        raise Invalid(f"The {what} can have at most {max_length} characters.")
    # Control characters (ESC, NUL, ...) would reach terminals, receipts and exports.
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise Invalid(f"The {what} has a character that cannot be printed.")
    return text
