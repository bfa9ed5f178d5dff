"""Staff & logins: manager-only, validated, audited, never deleted, always one manager."""

import pytest

from frontdesk.data.db import write
from frontdesk.errors import AccessDenied, Conflict, Invalid
from frontdesk.services import accounts, audit, auth
from frontdesk.services.context import Desk


def _count(desk: Desk, sql: str, *params: object) -> int:
    return desk.db.execute(sql, params).fetchone()[0]


def test_a_receptionist_cannot_add_staff_whatever_the_screen_did(
    receptionist_desk: Desk,
) -> None:
    before = _count(receptionist_desk, "SELECT count(*) FROM staff")
    with pytest.raises(AccessDenied, match="Only a manager can add staff"):
        accounts.add_staff(
            receptionist_desk, "sneaky", "Sneaky Pete", "manager", "long-password-1", "2580"
        )
    assert _count(receptionist_desk, "SELECT count(*) FROM staff") == before
    for call in (
        lambda d: accounts.list_staff(d),
        lambda d: accounts.unlock(d, 1),
        lambda d: accounts.set_active(d, 1, False),
        lambda d: accounts.reset_password(d, 1, "another-pass-1"),
        lambda d: accounts.update_staff(d, 2, full_name="X", role="manager"),
    ):
        with pytest.raises(AccessDenied):
            call(receptionist_desk)


def test_nobody_signed_in_can_do_nothing(desk: Desk) -> None:
    with pytest.raises(AccessDenied, match="Sign in first"):
        accounts.list_staff(desk)


def test_adding_staff_stores_hashes_and_audits_in_one_go(manager_desk: Desk) -> None:
    member = accounts.add_staff(
        manager_desk,
        " RGarcia ",
        "  Rosa   García ",
        "receptionist",
        "sunny-day-42",
        "8642",
        credentials="",
    )
    assert (member.username, member.full_name, member.role) == (
        "rgarcia",
        "Rosa García",
        "receptionist",
    )
    assert member.has_pin and member.active
    row = manager_desk.db.execute(
        "SELECT action, table_name, record_id, staff_id, workstation, summary "
        "FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row == (
        "staff added",
        "staff",
        member.id,
        manager_desk.actor.staff_id,
        "FRONT-1",
        "role receptionist",
    )
    assert "García" not in str(row)  # ids only in the audit log
    assert auth.login(manager_desk.signed_in(None), "rgarcia", "sunny-day-42").role == (
        "receptionist"
    )


@pytest.mark.parametrize(
    ("username", "name", "role", "password", "pin", "why"),
    [
        ("x", "Ok Name", "receptionist", "long-password-1", "2580", "username is 2 to 32"),
        ("9lives", "Ok Name", "receptionist", "long-password-1", "2580", "starting with"),
        ("robert'); drop", "Ok", "receptionist", "long-password-1", "2580", "username"),
        ("zoë", "Zoë", "receptionist", "long-password-1", "2580", "username"),
        ("okname", "   ", "receptionist", "long-password-1", "2580", "full name"),
        ("okname", "N" * 81, "receptionist", "long-password-1", "2580", "80 characters"),
        ("okname", "Ok Name", "admin", "long-password-1", "2580", "Role must be one of"),
        ("okname", "Ok Name", "receptionist", "short", "2580", "at least 8"),
        ("okname", "Ok Name", "receptionist", "long-password-1", "12", "4 to 8 digits"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_saved(
    manager_desk: Desk, username, name, role, password, pin, why
) -> None:
    before = _count(manager_desk, "SELECT count(*) FROM audit_log")
    with pytest.raises(Invalid, match=why):
        accounts.add_staff(manager_desk, username, name, role, password, pin)
    assert (
        _count(
            manager_desk, "SELECT count(*) FROM staff WHERE username = ?", username.strip().lower()
        )
        == 0
    )
    assert _count(manager_desk, "SELECT count(*) FROM audit_log") == before


def test_a_taken_username_is_refused(manager_desk: Desk) -> None:
    with pytest.raises(Conflict, match="'anguyen' is already taken"):
        accounts.add_staff(
            manager_desk, "ANGUYEN", "Another Ashley", "receptionist", "long-password-1", "2580"
        )


def test_the_last_active_manager_cannot_be_demoted_or_deactivated(manager_desk: Desk) -> None:
    me = accounts.find_staff(manager_desk, "dokafor")
    with pytest.raises(Conflict, match="at least one active manager"):
        accounts.update_staff(manager_desk, me.id, full_name=me.full_name, role="receptionist")
    with pytest.raises(Conflict, match="cannot deactivate your own login"):
        accounts.set_active(manager_desk, me.id, False)
    assert accounts.find_staff(manager_desk, "dokafor").role == "manager"


def test_a_second_manager_can_be_demoted_and_deactivated(manager_desk: Desk) -> None:
    other = accounts.add_staff(
        manager_desk, "boss2", "Second Boss", "manager", "long-password-1", "2580"
    )
    edited = accounts.update_staff(
        manager_desk, other.id, full_name="Second Boss", role="receptionist", credentials=""
    )
    assert edited.role == "receptionist"
    summary = manager_desk.db.execute(
        "SELECT summary FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    assert summary == "role (manager -> receptionist)"
    assert not accounts.set_active(manager_desk, other.id, False).active
    assert accounts.set_active(manager_desk, other.id, True).active


def test_deactivated_staff_are_kept_not_deleted(manager_desk: Desk) -> None:
    member = accounts.find_staff(manager_desk, "truiz")
    accounts.set_active(manager_desk, member.id, False)
    listed = {m.username: m for m in accounts.list_staff(manager_desk)}
    assert listed["truiz"].active is False
    assert [m.username for m in accounts.list_staff(manager_desk, include_inactive=False)].count(
        "truiz"
    ) == 0


def test_reset_password_and_pin(manager_desk: Desk) -> None:
    member = accounts.find_staff(manager_desk, "mbell")
    accounts.reset_password(manager_desk, member.id, "brand-new-pass-7")
    accounts.reset_pin(manager_desk, member.id, "97531")
    front = manager_desk.signed_in(None)
    who = auth.login(front, "mbell", "brand-new-pass-7")
    assert auth.unlock_with_pin(front.signed_in(who), "97531").username == "mbell"
    with pytest.raises(Invalid, match="4 to 8 digits"):
        accounts.reset_pin(manager_desk, member.id, "12")


def test_an_audit_row_and_its_change_commit_or_roll_back_together(manager_desk: Desk) -> None:
    before_staff = _count(manager_desk, "SELECT count(*) FROM staff")
    before_audit = _count(manager_desk, "SELECT count(*) FROM audit_log")
    with pytest.raises(RuntimeError), write(manager_desk.db):
        accounts.add_staff(
            manager_desk, "ghost", "Ghost Writer", "receptionist", "long-password-1", "2580"
        )
        raise RuntimeError("the session dropped here")
    assert _count(manager_desk, "SELECT count(*) FROM staff") == before_staff
    assert _count(manager_desk, "SELECT count(*) FROM audit_log") == before_audit
    assert audit.verify_chain(manager_desk).ok


def test_unlocking_a_login_that_is_not_locked_is_refused(manager_desk: Desk) -> None:
    member = accounts.find_staff(manager_desk, "truiz")
    before = _count(manager_desk, "SELECT count(*) FROM audit_log")
    with pytest.raises(Conflict, match="truiz is not locked"):
        accounts.unlock(manager_desk, member.id)
    assert _count(manager_desk, "SELECT count(*) FROM audit_log") == before


def test_names_with_control_characters_and_repeat_deactivations_are_refused(
    manager_desk: Desk,
) -> None:
    with pytest.raises(Invalid, match="cannot be printed"):
        accounts.add_staff(
            manager_desk, "ashley2", "Ash\x00ley", "receptionist", "long-password-1", "2580"
        )
    member = accounts.find_staff(manager_desk, "kpark")
    accounts.set_active(manager_desk, member.id, False)
    before = _count(manager_desk, "SELECT count(*) FROM audit_log")
    with pytest.raises(Conflict, match="already inactive"):
        accounts.set_active(manager_desk, member.id, False)
    assert _count(manager_desk, "SELECT count(*) FROM audit_log") == before


def test_two_managers_editing_one_login_do_not_undo_each_other(manager_desk: Desk) -> None:
    shown = accounts.find_staff(manager_desk, "mbell")
    accounts.update_staff(
        manager_desk,
        shown.id,
        full_name="Marcus Bell",
        role="receptionist",
        credentials="CMA",
        original=shown,
    )
    saved = accounts.update_staff(
        manager_desk,
        shown.id,
        full_name="Marcus A. Bell",
        role="receptionist",
        credentials="",
        original=shown,
    )
    assert (saved.full_name, saved.credentials) == ("Marcus A. Bell", "CMA")
    with pytest.raises(Conflict, match="Another manager changed this login"):
        accounts.update_staff(
            manager_desk,
            shown.id,
            full_name="Marcus Bell",
            role="receptionist",
            credentials="RMA",
            original=shown,
        )
