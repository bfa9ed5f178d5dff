"""Reading the book: a day's columns, hours, blocks and appointments; one appointment and
its history; what the patient summary shows from the book."""

from __future__ import annotations

import datetime as dt

import arrow
import pytest

from frontdesk.data.models import PatientDraft
from frontdesk.errors import NotFound
from frontdesk.services import patients
from frontdesk.services.appointment_status import cancel, set_status
from frontdesk.services.appointments import (
    Booking,
    book,
)
from frontdesk.services.book import (
    book_day,
    events,
    get_appointment,
    patient_book_summary,
    wall_minutes,
    when_text,
)
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, column, kind

TUESDAY = dt.date(2026, 11, 24)  # the demo's "today"
# Local midnight to midnight in Chicago (CST, UTC-6), written out rather than computed.
TUESDAY_STARTS, TUESDAY_ENDS = "2026-11-24T06:00:00.000000Z", "2026-11-25T06:00:00.000000Z"
COLUMNS = ["Dr Vargas", "Dr O'Connor", "Raman PA", "Lindqvist NP", "Laser room", "Injectables"]
TZ = "America/Chicago"


def ids_on_tuesday(desk: Desk, resource_id: int, where: str = "status != 'cancelled'") -> list:
    return [
        r[0]
        for r in desk.db.execute(
            f"SELECT id FROM appointments WHERE resource_id = ? AND starts_at >= ?"
            f" AND starts_at < ? AND {where} ORDER BY starts_at, id",
            (resource_id, TUESDAY_STARTS, TUESDAY_ENDS),
        )
    ]


def test_the_book_for_nov_24_shows_each_column_its_appointments(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    day = book_day(desk, TUESDAY)
    assert [r.short_name for r in day.resources] == COLUMNS
    assert day.closed is None
    total = 0
    for resource in day.resources:
        shown = [a.id for a in day.appointments if a.resource_id == resource.id]
        assert shown == ids_on_tuesday(desk, resource.id), resource.short_name
        assert shown, f"{resource.short_name} has a full Tuesday in the demo"
        total += len(shown)
    assert total == len(day.appointments) > 100
    for appointment in day.appointments:
        assert appointment.status != "cancelled"
        assert 7 * 60 + 30 <= wall_minutes(appointment.starts_at, TUESDAY, TZ) < 19 * 60
    # Nothing from the day before or after.
    assert not [a for a in day.appointments if not TUESDAY_STARTS <= a.starts_at < TUESDAY_ENDS]


def test_a_cancelled_appointment_leaves_the_book_and_a_no_show_stays(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    vargas = column(desk, "Dr Vargas")
    upcoming = ids_on_tuesday(
        desk, vargas, "status IN ('booked', 'confirmed') AND starts_at > '2026-11-24T16:00'"
    )
    gone, missed = upcoming[0], ids_on_tuesday(desk, vargas, "status = 'no_show'")
    cancel(desk, gone, "patient_cancelled")
    day = book_day(desk, TUESDAY, (vargas,))
    shown = [a.id for a in day.appointments]
    assert gone not in shown
    assert shown == ids_on_tuesday(desk, vargas)
    assert set(missed) <= set(shown)
    assert [r.short_name for r in day.resources] == ["Dr Vargas"]


def test_the_book_carries_each_columns_hours_and_the_lunch_blocks(
    receptionist_desk: Desk,
) -> None:
    desk = receptionist_desk
    day = book_day(desk, TUESDAY)
    hours = {r.short_name: day.hours.get(r.id) for r in day.resources}
    assert hours == {
        "Dr Vargas": [(480, 1020)],
        "Dr O'Connor": [(450, 990)],
        "Raman PA": [(480, 1020)],
        "Lindqvist NP": [(480, 1020)],
        "Laser room": [(480, 1080)],
        "Injectables": [(540, 1140)],
    }
    names = {r.id: r.short_name for r in day.resources}
    lunches = sorted(
        (names[b.resource_id], wall_minutes(b.starts_at, TUESDAY, TZ))
        for b in day.blocks
        if b.kind == "lunch"
    )
    assert lunches == sorted((name, 720) for name in COLUMNS[:4])
    for block in day.blocks:
        assert (
            wall_minutes(block.ends_at, TUESDAY, TZ) - wall_minutes(block.starts_at, TUESDAY, TZ)
            == 60
        )
    # Lunch is free of appointments in every column that has it.
    for appointment in day.appointments:
        if names[appointment.resource_id] in COLUMNS[:4]:
            start = wall_minutes(appointment.starts_at, TUESDAY, TZ)
            end = wall_minutes(appointment.ends_at, TUESDAY, TZ)
            assert end <= 720 or start >= 780


def test_a_closed_day_is_reported_with_no_hours_and_no_appointments(
    receptionist_desk: Desk,
) -> None:
    day = book_day(receptionist_desk, dt.date(2026, 11, 26))
    assert day.closed == "Thanksgiving"
    assert day.hours == {} and day.appointments == []
    assert len(day.resources) == 6


def test_the_books_version_changes_when_an_appointment_does(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    first = book_day(desk, TUESDAY).version
    assert book_day(desk, TUESDAY).version == first
    upcoming = ids_on_tuesday(
        desk, column(desk, "Raman PA"), "status = 'booked' AND starts_at > '2026-11-24T16:00'"
    )
    set_status(desk, upcoming[0], "confirmed")
    assert book_day(desk, TUESDAY).version != first


def test_an_appointment_and_its_history(receptionist_desk: Desk) -> None:
    desk = receptionist_desk
    made = book(
        desk,
        Booking(
            patient_id=21,
            resource_id=column(desk, "Dr Vargas"),
            type_id=kind(desk, "Follow-up"),
            day=dt.date(2027, 1, 12),
            start_minute=9 * 60,
        ),
    )
    found = get_appointment(desk, made.id)
    assert found == made and found.starts_at == "2027-01-12T15:00:00.000000Z"
    assert when_text(found.starts_at, TZ) == "Tue 01/12 9:00am"
    cancel(desk, made.id, "late_cancel")
    history = events(desk, made.id)
    assert [(e.from_status, e.to_status, e.username) for e in history] == [
        (None, "booked", "anguyen"),
        ("booked", "cancelled", "anguyen"),
    ]
    with pytest.raises(NotFound, match="not on the book"):
        get_appointment(desk, 999_999)


# -- the patient summary ------------------------------------------------------------------


def _local(clock: FakeClock, text: str) -> None:
    clock.at = arrow.get(text, "YYYY-MM-DD HH:mm", tzinfo=TZ).to("UTC")


def test_patient_summary_shows_next_last_visit_no_shows_and_the_recall(
    receptionist_desk: Desk, clock: FakeClock
) -> None:
    desk = receptionist_desk
    patient = patients.register_patient(
        desk,
        PatientDraft(
            first_name="Marisol", last_name="Quintero", dob="1984-07-02", phone="(312) 555-0142"
        ),
    ).id
    empty = patient_book_summary(desk, patient)
    assert (empty.next_appointment, empty.last_appointment, empty.no_shows) == (None, None, 0)
    assert empty.recall_due is None

    def visit(day: int, hour: int, where: str, what: str) -> int:
        return book(
            desk,
            Booking(
                patient_id=patient,
                resource_id=column(desk, where),
                type_id=kind(desk, what),
                day=dt.date(2027, 1, day),
                start_minute=hour * 60,
            ),
        ).id

    with desk.db.conn:  # set-up: a follow-up recall, which booking a follow-up will close
        desk.db.execute(
            "INSERT INTO recalls (patient_id, kind, due_date, type_id, created_at)"
            " VALUES (?, 'Mole watch', '2027-01-05', ?, '2026-07-01T00:00:00.000000Z')",
            (patient, kind(desk, "Follow-up")),
        )
    _local(clock, "2027-01-11 12:00")
    skin_check = visit(12, 9, "Dr Vargas", "Full-body skin check")
    missed = visit(13, 9, "Raman PA", "Follow-up")
    never_marked = visit(13, 11, "Raman PA", "Follow-up")
    called_off = visit(18, 10, "Raman PA", "Follow-up")
    coming = visit(19, 9, "Raman PA", "Follow-up")
    visit(26, 9, "Raman PA", "Follow-up")
    cancel(desk, called_off, "patient_cancelled")

    _local(clock, "2027-01-12 09:05")
    for status in ("arrived", "checked_out"):
        set_status(desk, skin_check, status)
    _local(clock, "2027-01-13 09:30")
    set_status(desk, missed, "no_show")
    _local(clock, "2027-01-14 08:00")

    summary = patient_book_summary(desk, patient)
    assert summary.next_appointment is not None and summary.next_appointment.id == coming
    # The last visit is the one she came to, not the 11:00 nobody marked yet.
    assert summary.last_appointment is not None and summary.last_appointment.id == skin_check
    assert never_marked != skin_check
    assert summary.no_shows == 1
    assert summary.recall_due == dt.date(2028, 1, 12)
    assert summary.recall_kind == "Yearly skin check"
