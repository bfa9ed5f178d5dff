"""Files the console writes for people (CSV for a mail merge or the accountant): owner
only, complete or not at all."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from frontdesk.errors import FrontDeskError

__all__ = ["write_private"]

T = TypeVar("T")


def write_private(path: Path, write: Callable[[TextIO], T]) -> T:
    """Write `path` with `write(out)`: readable by its owner only, UTF-8 with a
    byte-order mark (spreadsheets read accents), an earlier file of that name replaced
    only once the new one is complete. FrontDeskError, in one line, when it can't be."""
    partial = path.with_name(path.name + ".part")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "w", encoding="utf-8-sig", newline="") as out:
            result = write(out)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise FrontDeskError(f"Could not write {path}: {error.strerror or error}.") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return result
