"""Practice settings and first-run set-up."""

import re
from pathlib import Path

import pytest

from frontdesk.data.models import PracticeSettings
from frontdesk.data.money import Money
from frontdesk.data.schema import open_database
from frontdesk.errors import AccessDenied, BadAmount, BadTime, Conflict, Invalid
from frontdesk.services import practice
from frontdesk.services.context import Desk
from tests.conftest import FakeClock

GOOD = PracticeSettings(
    name="Riverside Skin", address="1 Main St", phone="773.555.0199", time_zone="America/Chicago"
)


def test_settings_are_saved_normalised_and_audited(manager_desk: Desk) -> None:
    saved = practice.update_settings(
        manager_desk,
        practice.build_settings(
            name="  Riverside   Skin ",
            phone="1-773-555-0199",
            time_zone="America/Denver",
            idle_lock_minutes=10,
            amount_ceiling=Money(1_000_000),
        ),
    )
    assert saved.name == "Riverside Skin" and saved.phone == "(773) 555-0199"
    loaded = practice.load_settings(manager_desk.db)
    assert loaded == saved
    assert loaded.amount_ceiling == Money(1_000_000)
    row = manager_desk.db.execute(
        "SELECT action, summary FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row[0] == "settings changed"
    assert "name" in row[1] and "time_zone" in row[1] and "idle_lock_minutes" in row[1]


@pytest.mark.parametrize(
    ("values", "error", "why"),
    [
        ({"name": ""}, Invalid, "practice's name"),
        ({"phone": "555-0199"}, Invalid, "not a phone number"),
        ({"phone": "call us"}, Invalid, "not a phone number"),
        ({"time_zone": "Chicago"}, BadTime, "not a time zone"),
        ({"amount_ceiling": Money(0)}, BadAmount, "more than"),
        ({"slot_minutes": 20}, Invalid, "The book's slot is 5, 10 or 15 minutes."),
        ({"slot_minutes": 0}, Invalid, "The book's slot is 5, 10 or 15 minutes."),
        ({"no_show_grace_minutes": 241}, Invalid, "grace is a whole number of minutes, 0 to"),
        ({"no_show_grace_minutes": -1}, Invalid, "grace is a whole number of minutes, 0 to"),
        ({"sales_tax_basis_points": 2001}, Invalid, "Sales tax is a percent from 0 to 20"),
        ({"sales_tax_basis_points": -1}, Invalid, "Sales tax is a percent from 0 to 20"),
        ({"sales_tax_basis_points": 10.25}, Invalid, "Sales tax is a percent from 0 to 20"),
        ({"discount_limit": Money(-1)}, BadAmount, "discount limit is an amount of"),
        ({"discount_limit": Money(100_000_001)}, BadAmount, "discount limit can be at most"),
        ({"wait_alert_minutes": 0}, Invalid, "wait alert is a whole number of minutes, 1 to"),
        ({"wait_alert_minutes": 241}, Invalid, "wait alert is a whole number of minutes, 1 to"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    manager_desk: Desk, values, error, why
) -> None:
    before = practice.load_settings(manager_desk.db)
    with pytest.raises(error, match=why):
        practice.update_settings(manager_desk, GOOD.model_copy(update=values))
    assert practice.load_settings(manager_desk.db) == before


@pytest.mark.parametrize("minutes", [0, 61, -5])
def test_idle_lock_must_be_one_to_sixty_minutes(minutes: int) -> None:
    with pytest.raises(Invalid, match="1 to 60 minutes"):
        practice.build_settings(name="x", idle_lock_minutes=minutes)


def test_only_a_manager_changes_settings(receptionist_desk: Desk) -> None:
    with pytest.raises(AccessDenied):
        practice.update_settings(receptionist_desk, GOOD)


def test_first_run_creates_the_practice_and_its_manager_once(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    desk = Desk(db=db, clock=FakeClock(), workstation="FRONT-1")
    assert not practice.is_set_up(db)
    assert practice.load_settings(db).configured is False
    practice.set_up_practice(
        desk, GOOD, username="boss", full_name="The Boss", password="long-password-1", pin="2580"
    )
    assert practice.is_set_up(db)
    assert practice.load_settings(db).name == "Riverside Skin"
    assert db.execute("SELECT username, role FROM staff").fetchall() == [("boss", "manager")]
    with pytest.raises(Conflict, match="just set up from another workstation"):
        practice.set_up_practice(
            desk, GOOD, username="boss2", full_name="Other", password="long-password-1", pin="2580"
        )


def test_first_run_with_a_bad_field_saves_nothing(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    desk = Desk(db=db, clock=FakeClock(), workstation="FRONT-1")
    with pytest.raises(Invalid, match="at least 8"):
        practice.set_up_practice(
            desk, GOOD, username="boss", full_name="The Boss", password="short", pin="2580"
        )
    assert not practice.is_set_up(db)
    assert db.execute("SELECT count(*) FROM settings").fetchone()[0] == 0


def test_saving_unchanged_settings_writes_no_audit_row(manager_desk: Desk) -> None:
    current = practice.load_settings(manager_desk.db)
    before = manager_desk.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    practice.update_settings(manager_desk, current)
    assert manager_desk.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before


@pytest.mark.parametrize("text", ["", "0", "61", "1000", "five", "\uff15"])
def test_idle_minutes_as_typed_are_checked(text: str) -> None:
    with pytest.raises(Invalid, match="1 to 60"):
        practice.parse_idle_minutes(text)
    assert practice.parse_idle_minutes(" 15 ") == 15


def test_the_largest_amount_has_a_limit_of_its_own() -> None:
    assert practice.parse_ceiling("1,000,000") == Money(100_000_000)
    with pytest.raises(BadAmount, match="over the largest amount"):
        practice.parse_ceiling("1,000,000.01")


def test_two_managers_saving_different_settings_keep_both(manager_desk: Desk) -> None:
    shown = practice.load_settings(manager_desk.db)
    practice.update_settings(
        manager_desk, shown.model_copy(update={"phone": "3125550111"}), original=shown
    )
    saved = practice.update_settings(
        manager_desk, shown.model_copy(update={"idle_lock_minutes": 9}), original=shown
    )
    assert saved.phone == "(312) 555-0111" and saved.idle_lock_minutes == 9


def test_book_slot_and_no_show_grace_are_saved_and_audited(manager_desk: Desk) -> None:
    shown = practice.load_settings(manager_desk.db)
    saved = practice.update_settings(
        manager_desk,
        practice.build_settings(
            **{**shown.model_dump(), "slot_minutes": 10, "no_show_grace_minutes": 0}
        ),
        original=shown,
    )
    assert (saved.slot_minutes, saved.no_show_grace_minutes) == (10, 0)
    loaded = practice.load_settings(manager_desk.db)
    assert (loaded.slot_minutes, loaded.no_show_grace_minutes) == (10, 0)
    summary = manager_desk.db.execute(
        "SELECT summary FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    assert summary == "slot_minutes, no_show_grace_minutes"


@pytest.mark.parametrize(
    ("values", "why"),
    [
        ({"slot_minutes": 20}, "The book's slot is 5, 10 or 15 minutes."),
        ({"slot_minutes": "ten"}, "The book's slot is 5, 10 or 15 minutes."),
        ({"no_show_grace_minutes": 241}, "The no-show grace is a whole number of minutes, 0 to"),
        ({"no_show_grace_minutes": -5}, "The no-show grace is a whole number of minutes, 0 to"),
    ],
)
def test_form_values_for_the_book_are_checked_with_the_rule(values, why: str) -> None:
    with pytest.raises(Invalid, match=re.escape(why)):
        practice.build_settings(name="x", **values)


@pytest.mark.parametrize("text", ["", "-5", "241", "1000", "fifteen", "1.5", "\uff15"])
def test_no_show_grace_as_typed_is_checked(text: str) -> None:
    with pytest.raises(Invalid, match="0 to 240"):
        practice.parse_grace_minutes(text)


@pytest.mark.parametrize(("text", "minutes"), [(" 0 ", 0), ("15", 15), ("240", 240)])
def test_no_show_grace_as_typed_is_read(text: str, minutes: int) -> None:
    assert practice.parse_grace_minutes(text) == minutes


def test_saving_other_settings_keeps_the_book_slot_and_grace(manager_desk: Desk) -> None:
    shown = practice.load_settings(manager_desk.db)
    manager_desk.db.execute(
        "UPDATE settings SET value = '10' WHERE key = 'slot_minutes'"
    )  # another manager's change, after this form was shown
    practice.update_settings(
        manager_desk, shown.model_copy(update={"idle_lock_minutes": 9}), original=shown
    )
    loaded = practice.load_settings(manager_desk.db)
    assert (loaded.slot_minutes, loaded.idle_lock_minutes) == (10, 9)


@pytest.mark.parametrize(
    ("text", "basis_points"),
    [
        ("10.25", 1025),
        ("10.25%", 1025),
        (" 8.5 % ", 850),
        ("8", 800),
        ("0", 0),
        ("0.00", 0),
        (".75", 75),
        ("20", 2000),
    ],
)
def test_sales_tax_as_typed_is_read_in_hundredths_of_a_percent(
    text: str, basis_points: int
) -> None:
    assert practice.parse_tax_rate(text) == basis_points


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "Sales tax is a percent from 0 to 20"),
        ("-1", "Sales tax is a percent from 0 to 20"),
        ("ten", "Sales tax is a percent from 0 to 20"),
        ("8.5a", "Sales tax is a percent from 0 to 20"),
        ("1e1", "Sales tax is a percent from 0 to 20"),
        ("10,25", "Sales tax is a percent from 0 to 20"),
        ("%", "Sales tax is a percent from 0 to 20"),
        ("\uff18", "Sales tax is a percent from 0 to 20"),
        ("10.255", "at most two decimals"),
        ("20.01", "at most 20%"),
        ("100", "at most 20%"),
    ],
)
def test_sales_tax_as_typed_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(Invalid, match=re.escape(why)):
        practice.parse_tax_rate(text)


@pytest.mark.parametrize(("basis_points", "text"), [(1025, "10.25"), (800, "8"), (850, "8.5")])
def test_sales_tax_is_shown_as_the_percent_a_person_types(basis_points: int, text: str) -> None:
    assert practice.format_tax_rate(basis_points) == text
    assert practice.parse_tax_rate(text) == basis_points


def test_the_discount_limit_is_an_amount_of_zero_or_more() -> None:
    assert practice.parse_discount_limit("$40") == Money(4000)
    assert practice.parse_discount_limit("0") == Money(0)
    with pytest.raises(BadAmount, match="discount limit is an amount of"):
        practice.parse_discount_limit("-5")
    with pytest.raises(BadAmount, match="at most two decimals"):
        practice.parse_discount_limit("12.345")
    with pytest.raises(BadAmount, match="Enter an amount"):
        practice.parse_discount_limit("")


@pytest.mark.parametrize("text", ["", "0", "-5", "241", "1000", "twenty", "1.5", "\uff15"])
def test_wait_alert_as_typed_is_checked(text: str) -> None:
    with pytest.raises(Invalid, match="1 to 240"):
        practice.parse_wait_minutes(text)


@pytest.mark.parametrize(("text", "minutes"), [(" 1 ", 1), ("20", 20), ("240", 240)])
def test_wait_alert_as_typed_is_read(text: str, minutes: int) -> None:
    assert practice.parse_wait_minutes(text) == minutes


@pytest.mark.parametrize(
    ("values", "error", "why"),
    [
        ({"sales_tax_basis_points": 2001}, Invalid, "Sales tax is a percent from 0 to 20"),
        ({"sales_tax_basis_points": "8%"}, Invalid, "Sales tax is a percent from 0 to 20"),
        ({"discount_limit": "lots"}, BadAmount, "discount limit is an amount of"),
        ({"wait_alert_minutes": 0}, Invalid, "wait alert is a whole number of minutes"),
        ({"wait_alert_minutes": 241}, Invalid, "wait alert is a whole number of minutes"),
    ],
)
def test_form_values_for_the_money_desk_are_checked_with_the_rule(values, error, why) -> None:
    with pytest.raises(error, match=why):
        practice.build_settings(name="x", **values)


def test_sales_tax_discount_limit_and_wait_alert_are_saved_and_audited(
    manager_desk: Desk,
) -> None:
    shown = practice.load_settings(manager_desk.db)
    saved = practice.update_settings(
        manager_desk,
        practice.build_settings(
            **{
                **shown.model_dump(),
                "sales_tax_basis_points": practice.parse_tax_rate("9.5"),
                "discount_limit": practice.parse_discount_limit("40"),
                "wait_alert_minutes": practice.parse_wait_minutes("30"),
            }
        ),
        original=shown,
    )
    loaded = practice.load_settings(manager_desk.db)
    assert loaded == saved
    assert (loaded.sales_tax_basis_points, loaded.discount_limit, loaded.wait_alert_minutes) == (
        950,
        Money(4000),
        30,
    )
    summary = manager_desk.db.execute(
        "SELECT summary FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    assert summary == "sales_tax_basis_points, discount_limit, wait_alert_minutes"


def test_settings_read_once_are_read_again_after_any_change(
    manager_desk: Desk, practice_path: Path
) -> None:
    from frontdesk.data.db import write

    db = manager_desk.db
    shown = practice.load_settings(db)
    assert practice.load_settings(db) is shown  # nothing changed: not read again
    # Another session saves a setting: this one sees it at its next read.
    other = open_database(practice_path)
    try:
        other_desk = Desk(db=other, clock=manager_desk.clock, workstation="FRONT-2")
        other_desk = other_desk.signed_in(manager_desk.actor)
        practice.update_settings(
            other_desk, shown.model_copy(update={"idle_lock_minutes": 7}), original=shown
        )
    finally:
        other.close()
    assert practice.load_settings(db).idle_lock_minutes == 7
    # A save this session rolls back: what it saved is not what is read afterwards.
    before = practice.load_settings(db)
    with pytest.raises(RuntimeError), write(db):
        practice.save_settings(
            manager_desk, before.model_copy(update={"idle_lock_minutes": 12}), original=before
        )
        assert practice.load_settings(db).idle_lock_minutes == 12
        raise RuntimeError("the rest of the change failed")
    assert practice.load_settings(db).idle_lock_minutes == 7
