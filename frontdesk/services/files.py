"""Files the console writes for people (CSV for a mail merge or the accountant): owner
only, complete or not at all."""

from __future__ import annotations

import contextlib
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from frontdesk.errors import FrontDeskError, Invalid, echo

__all__ = ["check_path", "write_private"]

T = TypeVar("T")
#: The longest path taken (Linux's PATH_MAX is 4096; a person types far less).
_MOST = 1024


def check_path(path: str | Path, what: str = "file") -> Path:
    """A path as typed, or Invalid: not blank, not endless, and no character that acts
    on a terminal or turns a name around (NUL, ESC, direction marks) in it."""
    text = str(path)
    if not text.strip() or text == ".":
        raise Invalid(f"Enter the {what} to write to.")
    if len(text) > _MOST:
        raise Invalid(f"That {what} name is too long.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text):
        raise Invalid(f"The {what} name has a character that cannot be in one.")
    if Path(text).name in ("", "..") or text.endswith("/"):
        raise Invalid(f"Name the {what} itself, not only the folder it goes in.")
    return Path(path)


def write_private(path: Path, write: Callable[[TextIO], T]) -> T:
    """Write `path` with `write(out)`: readable by its owner only, UTF-8 with a
    byte-order mark (spreadsheets read accents), an earlier file of that name replaced
    only once the new one is complete. FrontDeskError, in one line, when it can't be."""
    path = check_path(path)
    partial = path.with_name(path.name + ".part")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "w", encoding="utf-8-sig", newline="") as out:
            result = write(out)
        os.replace(partial, path)
    except OSError as error:
        _remove(partial)
        shown = echo(path, 200)
        raise FrontDeskError(f"Could not write {shown}: {error.strerror or error}.") from error
    except BaseException:
        _remove(partial)
        raise
    return result


def _remove(partial: Path) -> None:
    """Remove a partial file, if there is one (a name too long to make is none)."""
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)
