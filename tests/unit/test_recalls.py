"""Recalls: adding, the month's list, contact attempts, closing, and the recall cards."""

from __future__ import annotations

import csv
import datetime as dt
import io
import stat

import pytest

from frontdesk.data.db import write
from frontdesk.errors import (
    AccessDenied,
    BadTime,
    Conflict,
    FrontDeskError,
    Invalid,
    NotFound,
)
from frontdesk.services import appointments, openings, recalls
from frontdesk.services.context import Desk
from tests.conftest import actor

TODAY = dt.date(2026, 11, 24)  # the test clock's Tuesday
JUNE = dt.date(2027, 6, 1)  # a month the demo has no recalls in


@pytest.fixture(autouse=True)
def _first_patients_have_no_recalls(request) -> None:
    """The demo's recalls of patients 1-10 are closed, so these tests choose theirs."""
    if "desk" not in request.fixturenames:
        return
    desk = request.getfixturevalue("desk")
    with write(desk.db):
        desk.db.execute("UPDATE recalls SET status = 'closed' WHERE patient_id <= 10")


def _counts(desk: Desk) -> tuple[int, ...]:
    return tuple(
        desk.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("recalls", "recall_attempts", "audit_log")
    )


def _type(desk: Desk, name: str) -> int:
    return desk.db.execute("SELECT id FROM appointment_types WHERE name = ?", (name,)).fetchone()[0]


def _add(desk: Desk, patient_id: int = 1, kind: str = "Mole watch", due=JUNE, **kwargs):
    return recalls.add_recall(desk, patient_id, kind, due, **kwargs)


# -- adding ----------------------------------------------------------------------------


def test_adding_a_recall_by_hand_saves_it_and_is_audited(receptionist_desk):
    skin_check = _type(receptionist_desk, "Full-body skin check")
    recall = _add(
        receptionist_desk,
        kind=" Yearly  skin check ",
        due="06/15/2027",
        type_id=skin_check,
        notes="Atypical mole, left calf",
    )
    assert (recall.kind, recall.due_date, recall.type_id) == (
        "Yearly skin check",
        dt.date(2027, 6, 15),
        skin_check,
    )
    assert (recall.status, recall.source, recall.attempts, recall.last_attempt_at) == (
        "due",
        "manual",
        0,
        None,
    )
    assert recall.notes == "Atypical mole, left calf"
    row = receptionist_desk.db.execute(
        "SELECT action, table_name, record_id, summary, staff_id FROM audit_log"
        " ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row == (
        "recall added",
        "recalls",
        recall.id,
        "patient 1, manual",
        receptionist_desk.actor.staff_id,
    )


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"kind": "  "}, Invalid, "Enter the recall kind"),
        ({"kind": "x" * 41}, Invalid, "at most 40 characters"),
        ({"due": "13/45/2027"}, Invalid, "'13/45/2027' is not a date"),
        ({"due": TODAY - dt.timedelta(days=1)}, BadTime, "is in the past"),
        ({"due": dt.date(2032, 1, 1)}, BadTime, "more than 5 years away"),
        ({"notes": "x" * 201}, Invalid, "at most 200 characters"),
        ({"notes": "\x07ring"}, Invalid, "cannot be printed"),
        ({"patient_id": 999_999}, NotFound, "not in the practice's records"),
        ({"type_id": 999_999}, NotFound, "appointment type does not exist"),
    ],
)
def test_bad_recalls_are_refused_and_nothing_is_saved(receptionist_desk, change, error, words):
    before = _counts(receptionist_desk)
    with pytest.raises(error, match=words):
        _add(receptionist_desk, **change)
    assert _counts(receptionist_desk) == before


def test_inactive_patients_and_types_and_repeats_are_refused(receptionist_desk):
    db = receptionist_desk.db
    _add(receptionist_desk, kind="Mole watch")
    with write(db):
        db.execute("UPDATE patients SET active = 0 WHERE id = 7")
        db.execute("UPDATE appointment_types SET active = 0 WHERE name = 'Biopsy'")
    before = _counts(receptionist_desk)
    with pytest.raises(Conflict, match="record is inactive"):
        _add(receptionist_desk, patient_id=7)
    with pytest.raises(Conflict, match="Biopsy is no longer offered"):
        _add(receptionist_desk, patient_id=2, type_id=_type(receptionist_desk, "Biopsy"))
    with pytest.raises(Conflict, match="already has a MOLE WATCH recall due 06/01/2027"):
        _add(receptionist_desk, kind="MOLE WATCH", due=dt.date(2027, 7, 1))
    assert _counts(receptionist_desk) == before


# -- the month's list ------------------------------------------------------------------


def test_the_month_lists_recalls_due_in_it_by_due_date(receptionist_desk):
    late = _add(receptionist_desk, patient_id=1, due=dt.date(2027, 6, 30))
    early = _add(receptionist_desk, patient_id=2, due=dt.date(2027, 6, 1))
    _add(receptionist_desk, patient_id=3, due=dt.date(2027, 7, 1))
    _add(receptionist_desk, patient_id=4, due=dt.date(2027, 5, 31))
    listed = recalls.list_recalls(receptionist_desk, dt.date(2027, 6, 17))
    assert [r.id for r in listed] == [early.id, late.id]


def test_booked_and_closed_recalls_show_only_when_asked(receptionist_desk):
    due = _add(receptionist_desk, patient_id=1)
    closed = _add(receptionist_desk, patient_id=2)
    recalls.close_recall(receptionist_desk, closed.id, "Moved away")
    assert [r.id for r in recalls.list_recalls(receptionist_desk, JUNE)] == [due.id]
    everything = recalls.list_recalls(receptionist_desk, JUNE, include_closed=True)
    assert {r.id: r.status for r in everything} == {due.id: "due", closed.id: "closed"}


def test_the_demo_month_has_recalls_with_attempts(receptionist_desk):
    listed = recalls.list_recalls(receptionist_desk, TODAY)
    assert listed and all(r.due_date.month == 11 and r.status == "due" for r in listed)
    tried = [r for r in listed if r.attempts]
    assert tried and all(r.last_attempt_at and r.last_attempt_method for r in tried)


def test_due_recalls_include_overdue_ones_up_to_a_date(receptionist_desk):
    through = dt.date(2027, 6, 10)
    listed = recalls.due_recalls(receptionist_desk, through)
    assert listed and all(r.status == "due" and r.due_date <= through for r in listed)
    assert any(r.due_date < TODAY for r in listed)  # the demo's overdue ones
    assert [r.due_date for r in listed] == sorted(r.due_date for r in listed)
    mine = _add(receptionist_desk, due=dt.date(2027, 6, 10))
    later = _add(receptionist_desk, patient_id=2, due=dt.date(2027, 6, 11))
    ids = [r.id for r in recalls.due_recalls(receptionist_desk, through)]
    assert mine.id in ids and later.id not in ids


# -- contact attempts ------------------------------------------------------------------


def test_recording_an_attempt_counts_it_and_shows_the_last_one(receptionist_desk, clock):
    recall = _add(receptionist_desk)
    first = recalls.record_attempt(receptionist_desk, recall.id, "phone", "Left voicemail")
    clock.advance(days=2)
    second = recalls.record_attempt(receptionist_desk, recall.id, "card", "Mailed")
    assert (second.method, second.outcome, second.username) == ("card", "Mailed", "anguyen")
    again = recalls.get_recall(receptionist_desk, recall.id)
    assert again.attempts == 2
    assert (again.last_attempt_at, again.last_attempt_method, again.last_attempt_outcome) == (
        second.at,
        "card",
        "Mailed",
    )
    assert [a.id for a in recalls.attempts(receptionist_desk, recall.id)] == [first.id, second.id]
    audit = receptionist_desk.db.execute(
        "SELECT action, record_id, summary FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert audit == ("recall attempt", recall.id, f"attempt {second.id}, card")


@pytest.mark.parametrize(
    ("method", "outcome", "error", "words"),
    [
        ("fax", "Sent", Invalid, "phone, text, email or card"),
        ("phone", " ", Invalid, "Enter the outcome"),
        ("phone", "x" * 81, Invalid, "at most 80 characters"),
    ],
)
def test_bad_attempts_are_refused(receptionist_desk, method, outcome, error, words):
    recall = _add(receptionist_desk)
    before = _counts(receptionist_desk)
    with pytest.raises(error, match=words):
        recalls.record_attempt(receptionist_desk, recall.id, method, outcome)
    assert _counts(receptionist_desk) == before


def test_attempts_on_unknown_or_closed_recalls_are_refused(receptionist_desk):
    recall = _add(receptionist_desk)
    recalls.close_recall(receptionist_desk, recall.id, "Patient declined")
    before = _counts(receptionist_desk)
    with pytest.raises(Conflict, match="already closed"):
        recalls.record_attempt(receptionist_desk, recall.id, "phone", "No answer")
    with pytest.raises(NotFound):
        recalls.record_attempt(receptionist_desk, 999_999, "phone", "No answer")
    with pytest.raises(NotFound):
        recalls.attempts(receptionist_desk, 999_999)
    assert _counts(receptionist_desk) == before


# -- closing and booking ---------------------------------------------------------------


def test_closing_a_recall_needs_a_reason_which_is_kept(receptionist_desk):
    recall = _add(receptionist_desk, notes="Spouse answers the phone")
    before = _counts(receptionist_desk)
    with pytest.raises(Invalid, match="Enter the reason"):
        recalls.close_recall(receptionist_desk, recall.id, "")
    assert _counts(receptionist_desk) == before
    closed = recalls.close_recall(receptionist_desk, recall.id, "Moved to Denver")
    assert closed.status == "closed" and closed.closed_at
    assert closed.notes == "Spouse answers the phone · Closed: Moved to Denver"
    audit = receptionist_desk.db.execute(
        "SELECT action, record_id, summary FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert audit == ("recall closed", recall.id, "")  # no free text in the audit trail
    with pytest.raises(Conflict, match="already closed"):
        recalls.close_recall(receptionist_desk, recall.id, "again")
    with pytest.raises(NotFound):
        recalls.close_recall(receptionist_desk, 999_999, "gone")


def test_booking_from_a_recall_marks_it_booked(receptionist_desk):
    follow_up = _type(receptionist_desk, "Follow-up")
    recall = _add(receptionist_desk, patient_id=5, kind="Post-Mohs check", type_id=follow_up)
    opening = openings.find_openings(receptionist_desk, follow_up, limit=1)[0]
    local = receptionist_desk.clock.local(opening.starts_at)
    appointment = appointments.book(
        receptionist_desk,
        appointments.Booking(
            patient_id=5,
            resource_id=opening.resource_id,
            type_id=follow_up,
            day=local.date(),
            start_minute=local.hour * 60 + local.minute,
        ),
        recall_id=recall.id,
    )
    booked = recalls.get_recall(receptionist_desk, recall.id)
    assert (booked.status, booked.appointment_id) == ("booked", appointment.id)
    with pytest.raises(Conflict, match="already booked"):
        recalls.close_recall(receptionist_desk, recall.id, "Declined")


def test_providers_read_recalls_but_do_not_change_or_export_them(desk):
    provider = desk.signed_in(actor(desk, "hschultz"))
    recall_id = desk.db.execute("SELECT min(id) FROM recalls").fetchone()[0]
    assert recalls.list_recalls(provider, TODAY)
    assert recalls.get_recall(provider, recall_id).id == recall_id
    recalls.attempts(provider, recall_id)
    before = _counts(desk)
    for attempt in (
        lambda: _add(provider),
        lambda: recalls.record_attempt(provider, recall_id, "phone", "No answer"),
        lambda: recalls.close_recall(provider, recall_id, "Declined"),
        lambda: recalls.export_recalls_csv(provider, TODAY, io.StringIO()),
    ):
        with pytest.raises(AccessDenied):
            attempt()
    assert _counts(desk) == before


# -- recall cards ----------------------------------------------------------------------


def _patient(desk: Desk, patient_id: int, **values: str) -> None:
    sets = ", ".join(f"{name} = ?" for name in values)
    with write(desk.db):
        desk.db.execute(f"UPDATE patients SET {sets} WHERE id = ?", (*values.values(), patient_id))


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_recall_cards_hold_the_mailing_details_of_the_month_due(receptionist_desk):
    _patient(
        receptionist_desk,
        1,
        first_name="María José",
        last_name="Peña-Ñúñez",
        address1='1200 N "Lake" Shore Dr, Apt 4',
        address2="Rear",
        city="Chicago",
        state="IL",
        postal_code="60610",
        email="mj.pena@example.com",
        phone="(312) 555-0142",
    )
    second = _add(receptionist_desk, patient_id=1, kind="Yearly skin check", due="06/20/2027")
    first = _add(receptionist_desk, patient_id=2, kind="Mole watch", due="06/03/2027")
    closed = _add(receptionist_desk, patient_id=3, kind="Mole watch", due="06/04/2027")
    recalls.close_recall(receptionist_desk, closed.id, "Declined")
    _add(receptionist_desk, patient_id=4, due="07/01/2027")  # another month
    _add(receptionist_desk, patient_id=6, due="06/05/2027")
    _patient(receptionist_desk, 6, active="0")  # an inactive patient gets no card
    out = io.StringIO()
    assert recalls.export_recalls_csv(receptionist_desk, dt.date(2027, 6, 30), out) == 2
    rows = _rows(out.getvalue())
    assert rows[0] == list(recalls.CSV_COLUMNS)
    assert len(rows) == 3
    assert rows[1][-2:] == ["Mole watch", "06/03/2027"] and first.patient_id == 2
    assert rows[2] == [
        "María José Peña-Ñúñez",
        '1200 N "Lake" Shore Dr, Apt 4',
        "Rear",
        "Chicago",
        "IL",
        "60610",
        "mj.pena@example.com",
        "(312) 555-0142",
        "Yearly skin check",
        "06/20/2027",
    ]
    assert second.kind == "Yearly skin check"
    audit = receptionist_desk.db.execute(
        "SELECT action, table_name, record_id, summary FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert audit == ("recalls exported", "recalls", None, "2027-06: 2 rows")


def test_recall_cards_cannot_run_as_spreadsheet_formulas(receptionist_desk):
    _patient(
        receptionist_desk,
        1,
        first_name='=HYPERLINK("http://x","y")',
        last_name="Smith",
        address1="+1 Cmd|' /C calc'!A0",
        address2="-2+3",
        city="@SUM(A1)",
        email="\tx@example.com",
        phone="+1 312 555 0100",
    )
    _add(receptionist_desk, patient_id=1, kind="-Mole watch")
    out = io.StringIO()
    recalls.export_recalls_csv(receptionist_desk, JUNE, out)
    row = _rows(out.getvalue())[1]
    assert row[0] == '\'=HYPERLINK("http://x","y") Smith'
    assert row[1:5] == ["'+1 Cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)", "IL"]
    assert row[6:9] == ["'\tx@example.com", "'+1 312 555 0100", "'-Mole watch"]


def test_an_empty_month_exports_just_the_header(receptionist_desk):
    out = io.StringIO()
    assert recalls.export_recalls_csv(receptionist_desk, dt.date(2028, 2, 29), out) == 0
    assert _rows(out.getvalue()) == [list(recalls.CSV_COLUMNS)]


def test_recall_cards_are_saved_beside_the_database_for_its_owner_only(receptionist_desk):
    _patient(receptionist_desk, 1, first_name="Chloé", last_name="Dubois")
    _add(receptionist_desk, patient_id=1)
    path, rows = recalls.export_recalls_file(receptionist_desk, dt.date(2027, 6, 12))
    assert path == receptionist_desk.db.path.parent / "recalls-2027-06.csv"
    assert rows == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheets then read the accents
    assert "Chloé Dubois" in raw.decode("utf-8-sig")
    assert not list(path.parent.glob("*.part"))
    _add(receptionist_desk, patient_id=2)
    assert recalls.export_recalls_file(receptionist_desk, JUNE)[1] == 2  # replaced


def test_recall_cards_into_a_missing_folder_say_so(receptionist_desk, tmp_path):
    before = _counts(receptionist_desk)
    with pytest.raises(FrontDeskError, match="Could not write"):
        recalls.export_recalls_file(receptionist_desk, JUNE, tmp_path / "nowhere" / "x.csv")
    assert _counts(receptionist_desk) == before


@pytest.mark.parametrize(
    ("typed", "month"),
    [("2026-12", dt.date(2026, 12, 1)), (" 12/2026 ", dt.date(2026, 12, 1))],
)
def test_a_month_is_typed_as_year_and_month(typed, month):
    assert recalls.parse_month(typed) == month


@pytest.mark.parametrize("typed", ["2026-13", "December", "", "2026-12-01"])
def test_a_month_that_is_not_one_is_refused(typed):
    with pytest.raises(Invalid, match="is not a month"):
        recalls.parse_month(typed)
