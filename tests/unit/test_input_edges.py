"""Edges of what people type that the bad-input catalogue's review turned up: names saved
before a rule existed, paths without a file name, long paths in messages, joiners in
names, and days of a practice's book before its first money."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from frontdesk.data.money import Money
from frontdesk.errors import Invalid, echo
from frontdesk.services import backups, day_close, drawers, printers, workstations
from frontdesk.services.context import Desk
from frontdesk.services.files import check_path
from frontdesk.widgets.form import readable


def test_a_workstation_named_before_the_rule_keeps_its_drawer_and_printer(
    manager_desk: Desk,
) -> None:
    desk = manager_desk
    front = drawers.drawer_at(desk, "FRONT-1")
    assert front is not None
    with desk.writing():  # as an older version saved it
        desk.db.execute("UPDATE drawers SET workstation = 'Front Desk 1' WHERE id = ?", (front.id,))
    saved = drawers.save_drawer(
        desk, name=front.name, workstation="Front Desk 1", drawer_id=front.id,
        default_float=Money(15000),
    )  # fmt: skip
    assert saved.workstation == "Front Desk 1" and saved.default_float == Money(15000)
    printers.assign(desk, "Front Desk 1", "")  # its printer can still be chosen
    # A new name still follows the rule.
    with pytest.raises(Invalid, match="letters, digits"):
        drawers.save_drawer(desk, name="Annex", workstation="Annex desk", default_float=Money(0))
    # A session named with a space (FRONTDESK_WORKSTATION) is named by the rule.
    named = workstations.recognise(desk.db, {"FRONTDESK_WORKSTATION": "Recepción 2"}, "x")
    assert named == ("Recepci-n-2", True)


@pytest.mark.parametrize("path", ["/", "exports/", "..", "/tmp/.."])
def test_a_path_without_a_file_name_is_refused(path: str) -> None:
    with pytest.raises(Invalid, match="Name the file itself"):
        check_path(path)


def test_a_backup_folder_of_a_user_the_server_has_not_is_refused(practice_path: Path) -> None:
    from tests.conftest import FakeClock

    with pytest.raises(Invalid, match="no home folder"):
        backups.backup(practice_path, FakeClock(), folder="~nosuchuser-frontdesk/backups")


def test_a_long_path_in_a_message_keeps_its_file_name() -> None:
    path = "/home/reception/.local/share/frontdesk/backups/" + "x" * 40 + "-daily-2026-03-14.db"
    shown = readable(f"Backed up: {path} (3.2 MB).")
    assert "\u2026" in shown and shown.endswith("-daily-2026-03-14.db (3.2 MB).")
    assert shown.startswith("Backed up: /home/reception/")


def test_a_name_with_a_joiner_is_quoted_as_typed_and_direction_marks_are_not() -> None:
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # a zero-width non-joiner
    assert echo(persian) == persian
    assert echo("\u202eevil\u202c") == "evil"


def test_a_day_with_visits_before_the_first_money_still_has_its_close(
    manager_desk: Desk,
) -> None:
    desk = manager_desk
    (first_money,) = desk.db.execute("SELECT min(business_date) FROM ledger").fetchone()
    visit_day = dt.date.fromisoformat(first_money) - dt.timedelta(days=10)
    columns = [row[1] for row in desk.db.execute("PRAGMA table_info(appointments)")]
    copied = ", ".join(c for c in columns if c not in ("id", "starts_at", "ends_at"))
    with desk.writing():  # a visit booked before any money was taken (no fee sheet yet)
        desk.db.execute(
            f"INSERT INTO appointments (starts_at, ends_at, {copied}) SELECT ?, ?, {copied}"
            " FROM appointments WHERE status = 'cancelled' LIMIT 1",
            (f"{visit_day}T15:00:00.000000Z", f"{visit_day}T15:15:00.000000Z"),
        )
    assert day_close.close_of_day(desk, visit_day).business_date == visit_day
    with pytest.raises(Invalid, match="books start on"):
        day_close.close_of_day(desk, visit_day - dt.timedelta(days=1))
