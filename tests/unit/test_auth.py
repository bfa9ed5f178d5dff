"""Signing in: argon2id hashes, failed attempts, lockout, unlock, PINs, approvals."""

import pytest
from argon2 import extract_parameters

from frontdesk.errors import AccessDenied, AccountLocked, Invalid, LoginFailed
from frontdesk.services import accounts, auth
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, actor


def _staff(desk: Desk, username: str) -> dict:
    cursor = desk.db.execute("SELECT * FROM staff WHERE username = ?", (username,))
    return dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))


def _audit_actions(desk: Desk) -> list[str]:
    return [row[0] for row in desk.db.execute("SELECT action FROM audit_log ORDER BY id")]


def test_passwords_and_pins_are_argon2id_with_at_least_owasp_parameters(desk: Desk) -> None:
    row = _staff(desk, "anguyen")
    for stored in (row["password_hash"], row["pin_hash"]):
        assert stored.startswith("$argon2id$")
        params = extract_parameters(stored)
        assert params.memory_cost >= 19_456
        assert params.time_cost >= 2
        assert "frontdesk" not in stored and "1357" not in stored


def test_good_login_returns_the_person_and_is_audited(desk: Desk) -> None:
    who = auth.login(desk, "anguyen", "frontdesk")
    assert (who.username, who.role, who.workstation) == ("anguyen", "receptionist", "FRONT-1")
    assert _staff(desk, "anguyen")["last_login_at"] is not None
    last = desk.db.execute(
        "SELECT action, staff_id, workstation FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert last == ("login", who.staff_id, "FRONT-1")


def test_username_is_not_case_sensitive(desk: Desk) -> None:
    assert auth.login(desk, "  ANguyen ", "frontdesk").username == "anguyen"


def test_wrong_password_counts_and_says_how_many_are_left(desk: Desk) -> None:
    with pytest.raises(LoginFailed, match=r"Wrong username or password\. 4 more failed"):
        auth.login(desk, "anguyen", "frontdesk!")
    assert _staff(desk, "anguyen")["failed_attempts"] == 1
    assert _audit_actions(desk)[-1] == "login failed"


def test_unknown_username_gets_the_same_message_and_is_audited(desk: Desk) -> None:
    with pytest.raises(LoginFailed, match=r"^Wrong username or password\.$"):
        auth.login(desk, "nobody", "frontdesk")
    row = desk.db.execute(
        "SELECT action, staff_id, summary FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row == ("login failed", None, "unknown username")


def test_empty_fields_are_refused_without_counting(desk: Desk) -> None:
    with pytest.raises(LoginFailed, match="Enter your username and password"):
        auth.login(desk, "anguyen", "")
    assert _staff(desk, "anguyen")["failed_attempts"] == 0


def test_five_failures_lock_the_login_for_fifteen_minutes(desk: Desk, clock: FakeClock) -> None:
    for _ in range(4):
        with pytest.raises(LoginFailed):
            auth.login(desk, "anguyen", "wrong-password")
    with pytest.raises(AccountLocked, match="locked after 5 failed attempts until 09:45"):
        auth.login(desk, "anguyen", "wrong-password")
    # Even the right password is refused while locked.
    with pytest.raises(AccountLocked, match="until 09:45"):
        auth.login(desk, "anguyen", "frontdesk")
    assert "login locked" in _audit_actions(desk)
    clock.advance(minutes=15, seconds=1)
    assert auth.login(desk, "anguyen", "frontdesk").username == "anguyen"
    assert _staff(desk, "anguyen")["failed_attempts"] == 0


def test_a_manager_unlocks_a_locked_login(desk: Desk, manager_desk: Desk) -> None:
    for _ in range(5):
        with pytest.raises(LoginFailed):
            auth.login(desk, "mbell", "wrong-password")
    member = accounts.find_staff(manager_desk, "mbell")
    assert member.locked_until is not None
    accounts.unlock(manager_desk, member.id)
    assert auth.login(desk, "mbell", "frontdesk").username == "mbell"


def test_a_deactivated_login_cannot_sign_in(desk: Desk, manager_desk: Desk) -> None:
    member = accounts.find_staff(manager_desk, "kpark")
    accounts.set_active(manager_desk, member.id, False)
    with pytest.raises(AccessDenied, match="deactivated"):
        auth.login(desk, "kpark", "frontdesk")


def test_pin_reopens_a_locked_session_for_the_same_person(receptionist_desk: Desk) -> None:
    assert auth.unlock_with_pin(receptionist_desk, "1357").username == "anguyen"
    with pytest.raises(LoginFailed, match="Wrong PIN"):
        auth.unlock_with_pin(receptionist_desk, "2468")  # the manager's PIN, not hers


def test_wrong_pins_lock_the_login_too(receptionist_desk: Desk) -> None:
    for _ in range(4):
        with pytest.raises(LoginFailed):
            auth.unlock_with_pin(receptionist_desk, "0000")
    with pytest.raises(AccountLocked):
        auth.unlock_with_pin(receptionist_desk, "0000")
    with pytest.raises(AccountLocked):
        auth.unlock_with_pin(receptionist_desk, "1357")


def test_only_a_manager_pin_approves(receptionist_desk: Desk) -> None:
    approver = auth.approve(receptionist_desk, "dokafor", "2468", "refund over $500")
    assert approver.role == "manager"
    with pytest.raises(LoginFailed, match="not an active manager"):
        auth.approve(receptionist_desk, "mbell", "1357", "refund over $500")
    with pytest.raises(LoginFailed, match="Wrong manager username or PIN"):
        auth.approve(receptionist_desk, "dokafor", "1111", "refund over $500")


def test_lock_and_sign_out_are_audited(receptionist_desk: Desk) -> None:
    auth.record_lock(receptionist_desk, "idle")
    auth.sign_out(receptionist_desk)
    assert _audit_actions(receptionist_desk)[-2:] == ["session locked", "sign out"]


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short", "at least 8"),
        ("x" * 129, "at most 128"),
        ("aaaaaaaaaa", "too easy"),
        ("my-anguyen-pw", "must not contain the username"),
    ],
)
def test_weak_passwords_are_refused(password: str, why: str) -> None:
    with pytest.raises(Invalid, match=why):
        auth.check_password(password, "anguyen")


@pytest.mark.parametrize(
    "pin", ["", "123", "123456789", "12a4", "\uff11\uff12\uff13\uff14", "1111", "12 34"]
)
def test_bad_pins_are_refused(pin: str) -> None:
    with pytest.raises(Invalid):
        auth.check_pin(pin)


def test_the_actor_helper_matches_a_real_login(desk: Desk) -> None:
    assert auth.login(desk, "dokafor", "frontdesk") == actor(desk, "dokafor")


def test_a_lock_that_ran_out_starts_the_count_afresh(desk: Desk, clock: FakeClock) -> None:
    for _ in range(5):
        with pytest.raises(LoginFailed):
            auth.login(desk, "anguyen", "wrong-password")
    clock.advance(minutes=16)
    with pytest.raises(LoginFailed, match="4 more failed attempts"):
        auth.login(desk, "anguyen", "wrong-password")
    assert _staff(desk, "anguyen")["failed_attempts"] == 1


def test_approval_needs_someone_asking_and_tells_nothing_of_other_pins(
    desk: Desk, receptionist_desk: Desk
) -> None:
    with pytest.raises(AccessDenied, match="Sign in first"):
        auth.approve(desk, "dokafor", "2468", "refund")
    with pytest.raises(LoginFailed, match="not an active manager"):
        auth.approve(receptionist_desk, "mbell", "1357", "refund")  # right PIN, wrong role
    assert _staff(desk, "mbell")["failed_attempts"] == 0
    auth.approve(receptionist_desk, "dokafor", "2468", "refund $80")
    summary = desk.db.execute("SELECT summary FROM audit_log ORDER BY id DESC").fetchone()[0]
    assert summary == f"for staff {receptionist_desk.actor.staff_id}: refund $80"
