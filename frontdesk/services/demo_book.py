"""The demo practice's appointment book: providers and rooms, hours, closed days, blocks,
types, bookings around today with a real mix of statuses, a waitlist and recalls.

`small` books three weeks back and three ahead; `large` goes back far enough to reach
the 400k appointments of DESIGN.md §6. Rows go in by `executemany`, instants are
formatted directly (arrow is too slow for half a million of them).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from frontdesk.data.clock import to_stored

if TYPE_CHECKING:
    from frontdesk.services.context import Desk
    from frontdesk.services.demo import DemoPlan

__all__ = ["BOOK_STEPS", "holidays"]

# (name, column heading, kind, staff username)
_RESOURCES = (
    ("Dr. Elena Vargas", "Dr Vargas", "provider", "evargas"),
    ("Dr. James O'Connor", "Dr O'Connor", "provider", "joconnor"),
    ("Priya Raman, PA-C", "Raman PA", "provider", "praman"),
    ("Zoë Lindqvist, NP", "Lindqvist NP", "provider", "zlindqvist"),
    ("Laser room", "Laser room", "room", None),
    ("Injectables room", "Injectables", "room", None),
)
_H = 60
# Weekly hours per resource (weekday -> stretches in minutes after midnight).
_WEEK = {
    "Dr Vargas": {d: [(8 * _H, 17 * _H)] for d in (0, 1, 3, 4)} | {2: [(8 * _H, 12 * _H)]},
    "Dr O'Connor": {d: [(7 * _H + 30, 16 * _H + 30)] for d in range(5)},
    "Raman PA": {d: [(8 * _H, 17 * _H)] for d in (0, 1, 2, 3, 4)} | {5: [(8 * _H, 12 * _H)]},
    "Lindqvist NP": {d: [(8 * _H, 17 * _H)] for d in (0, 1, 2, 4)} | {3: [(10 * _H, 19 * _H)]},
    "Laser room": {d: [(8 * _H, 18 * _H)] for d in range(6)},
    "Injectables": {d: [(9 * _H, 19 * _H)] for d in range(1, 6)},
}
# name, minutes, colour, cosmetic, needs room, double-book, fee codes, recall, columns
_TYPES = (
    ("New patient visit", 30, "blue", 0, 0, 0, "99203", None, "", "providers"),
    ("Follow-up", 15, "green", 0, 0, 1, "99213", None, "", "providers"),
    ("Full-body skin check", 20, "teal", 0, 0, 0, "99213", 12, "Yearly skin check", "providers"),
    ("Biopsy", 30, "orange", 0, 0, 0, "11102", None, "", "providers"),
    ("Mohs surgery", 120, "purple", 0, 0, 0, "17311", 3, "Post-Mohs check", "Dr O'Connor"),
    ("Acne follow-up", 15, "green", 0, 0, 1, "99212", None, "", "providers"),
    ("Cosmetic consult", 30, "purple", 1, 0, 0, "", None, "", "providers"),
    ("Neurotoxin", 30, "pink", 1, 1, 0, "64612-C", None, "", "Injectables"),
    ("Filler", 45, "pink", 1, 1, 0, "FILLER", None, "", "Injectables"),
    ("Chemical peel", 45, "yellow", 1, 1, 0, "PEEL", None, "", "Injectables"),
    ("Laser hair removal", 30, "yellow", 1, 1, 0, "LHR", None, "", "Laser room"),
    ("IPL photofacial", 45, "orange", 1, 1, 0, "IPL", None, "", "Laser room"),
    ("Microneedling", 60, "teal", 1, 1, 0, "MICRO", None, "", "Laser room"),
)
# How often each type is booked in a column of its kind.
_PROVIDER_MIX = (
    ("Follow-up", 40),
    ("Full-body skin check", 18),
    ("New patient visit", 8),
    ("Biopsy", 7),
    ("Acne follow-up", 20),
    ("Cosmetic consult", 4),
    ("Mohs surgery", 3),
)
_ROOM_MIX = {
    "Laser room": (("Laser hair removal", 50), ("IPL photofacial", 30), ("Microneedling", 20)),
    "Injectables": (("Neurotoxin", 55), ("Filler", 30), ("Chemical peel", 15)),
}
_DOUBLE = ("Follow-up", "Acne follow-up")
_NOTES = ("", "", "", "", "Prefers afternoon", "Interpreter: Spanish", "Bring list of meds")
# How a recall contact went, by how it was tried.
_CONTACTS = (
    ("phone", ("Left voicemail", "No answer", "Will call back", "Spoke: will book online")),
    ("text", ("Sent", "Replied: will call")),
    ("email", ("Sent", "Bounced")),
    ("card", ("Mailed",)),
)
_RECALL_KINDS = ("Yearly skin check", "Post-Mohs check", "6-month acne check", "Mole watch")


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _thanksgiving(year: int) -> dt.date:
    first = dt.date(year, 11, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)


def holidays(year: int) -> list[tuple[dt.date, str]]:
    """The days the practice closes every year, with the reason the book shows."""
    return [
        (_thanksgiving(year), "Thanksgiving"),
        (dt.date(year, 12, 25), "Christmas Day"),
        (dt.date(year, 1, 1), "New Year's Day"),
        (dt.date(year, 7, 4), "Independence Day"),
    ]


def _frame(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    """Resources, weekly hours, closed days, appointment types."""
    db = desk.db
    now = desk.clock.stamp()
    staff = dict(db.execute("SELECT username, id FROM staff").fetchall())
    for order, (name, short, kind, username) in enumerate(_RESOURCES):
        db.execute(
            "INSERT INTO resources (name, short_name, kind, staff_id, sort_order, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name, short, kind, staff.get(username), order, now, now),
        )
    ids = dict(db.execute("SELECT short_name, id FROM resources").fetchall())
    db.conn.executemany(
        "INSERT INTO resource_hours (resource_id, weekday, start_minute, end_minute)"
        " VALUES (?, ?, ?, ?)",
        [
            (ids[short], weekday, start, end)
            for short, week in _WEEK.items()
            for weekday, stretches in week.items()
            for start, end in stretches
        ],
    )
    today = desk.clock.business_date()
    closed = [day for year in range(today.year - 1, today.year + 2) for day in holidays(year)]
    db.conn.executemany(
        "INSERT INTO closed_days (day, reason) VALUES (?, ?)",
        [(day.isoformat(), reason) for day, reason in closed],
    )
    providers = [ids[short] for _, short, kind, _ in _RESOURCES if kind == "provider"]
    for name, minutes, colour, cosmetic, room, double, codes, months, recall, where in _TYPES:
        type_id = db.execute(
            "INSERT INTO appointment_types (name, minutes, colour, cosmetic, needs_room,"
            " double_book, default_fee_codes, recall_months, recall_kind, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (name, minutes, colour, cosmetic, room, double, codes, months, recall, now, now),
        ).lastrowid
        allowed = providers if where == "providers" else [ids[where]]
        db.conn.executemany(
            "INSERT INTO appointment_type_resources (type_id, resource_id) VALUES (?, ?)",
            [(type_id, resource_id) for resource_id in allowed],
        )


def _days(plan: DemoPlan, today: dt.date) -> list[dt.date]:
    back = 21 if plan.scale == "small" else 3610
    return [today + dt.timedelta(days=offset) for offset in range(-back, 22)]


def _status(day: dt.date, start: dt.datetime, end: dt.datetime, now: dt.datetime, rng) -> str:
    """A believable status for an appointment at `start` seen at `now`."""
    if end <= now - dt.timedelta(hours=1) or day < now.date():
        roll = rng.random()
        if (now.date() - day).days <= 1 and roll < 0.06:
            return "booked"  # nobody marked it yet: the no-show list has work to do
        return "no_show" if roll < 0.05 else "cancelled" if roll < 0.12 else "checked_out"
    if start <= now < end:
        return rng.choice(("arrived", "roomed", "with_provider"))
    if start <= now:
        return rng.choice(("with_provider", "checked_out"))
    if start < now + dt.timedelta(minutes=45):
        return rng.choice(("arrived", "confirmed", "booked"))
    if (day - now.date()).days <= 2:
        return "confirmed" if rng.random() < 0.6 else "booked"
    return "booked" if rng.random() < 0.85 else "confirmed"


#: A visit's way through the office, and when each step came (minutes from its start;
#: None: at its end).
_VISIT_STEPS = (("arrived", -10), ("roomed", 0), ("with_provider", 5), ("checked_out", None))


def _visit_events(
    appointment_id: int, status: str, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> list[tuple]:
    """The status changes after booking that lead to `status`: each step of a visit in
    the office (so the flow board has its times), else the one change."""
    steps = [name for name, _ in _VISIT_STEPS]
    if status not in steps:
        if status == "booked":
            return []
        reason = "patient cancelled" if status == "cancelled" else ""
        return [(appointment_id, _stamp(min(start, now)), "booked", status, reason)]
    events, before = [], "booked"
    for name, minutes in _VISIT_STEPS[: steps.index(status) + 1]:
        at = end if minutes is None else start + dt.timedelta(minutes=minutes)
        events.append((appointment_id, _stamp(min(at, now)), before, name, ""))
        before = name
    return events


def _bookings(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    """Lunch blocks, a vacation, a meeting, and the bookings of every open day."""
    db = desk.db
    zone = ZoneInfo(desk.clock.tz)
    stamp_now = desk.clock.stamp()
    now = desk.clock.local_now().datetime.replace(tzinfo=zone)
    today = now.date()
    ids = dict(db.execute("SELECT short_name, id FROM resources").fetchall())
    types = {
        name: (type_id, minutes)
        for type_id, name, minutes in db.execute("SELECT id, name, minutes FROM appointment_types")
    }
    closed = {row[0] for row in db.execute("SELECT day FROM closed_days")}
    booked_by = [row[0] for row in db.execute("SELECT id FROM staff WHERE role = 'receptionist'")]
    (patients,) = db.execute("SELECT count(*) FROM patients").fetchone()
    vacation = {today + dt.timedelta(days=n) for n in range(13, 18)}  # Lindqvist, next week+
    blocks, appointments, events = [], [], []
    appointment_id = 0

    seen: set[tuple[dt.date, int]] = set()

    def patient(day: dt.date) -> int:
        """A patient with no other visit that day (nobody is in two rooms at once)."""
        for _ in range(20):
            chosen = rng.randint(1, patients)
            if (day, chosen) not in seen:
                break
        seen.add((day, chosen))
        return chosen

    def at(day: dt.date, minute: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=zone)

    for day in _days(plan, today):
        if day.isoformat() in closed or day.weekday() == 6:
            continue
        for short, week in _WEEK.items():
            resource = ids[short]
            stretches = week.get(day.weekday(), [])
            if not stretches:
                continue
            busy: list[tuple[int, int]] = []
            if short == "Lindqvist NP" and day in vacation:
                start, end = at(day, 0), at(day + dt.timedelta(days=1), 0)
                blocks.append((resource, "vacation", _stamp(start), _stamp(end), "Vacation"))
                continue
            if short not in _ROOM_MIX and stretches[0][1] - stretches[0][0] > 300:
                busy.append((12 * _H, 13 * _H))
                blocks.append(
                    (resource, "lunch", _stamp(at(day, 12 * _H)), _stamp(at(day, 13 * _H)), "")
                )
            if short == "Dr Vargas" and day.weekday() == 4:
                busy.append((8 * _H, 9 * _H))
                blocks.append(
                    (
                        resource,
                        "meeting",
                        _stamp(at(day, 8 * _H)),
                        _stamp(at(day, 9 * _H)),
                        "Tumour board",
                    )
                )
            mix = _ROOM_MIX.get(short, _PROVIDER_MIX)
            names = [name for name, _ in mix]
            weights = [weight for _, weight in mix]
            ahead = (day - today).days
            fill = 0.97 if ahead <= 3 else max(0.4, 0.97 - 0.03 * ahead)
            for open_start, open_end in stretches:
                minute = open_start
                while minute < open_end:
                    name = rng.choices(names, weights)[0]
                    if name == "Mohs surgery" and short != "Dr O'Connor":
                        name = "Follow-up"
                    type_id, length = types[name]
                    end_minute = minute + length
                    clash = any(minute < e and s < end_minute for s, e in busy)
                    if end_minute > open_end or clash or rng.random() > fill:
                        minute += 15
                        continue
                    start, end = at(day, minute), at(day, end_minute)
                    status = _status(day, start, end, now, rng)
                    appointment_id += 1
                    booked_on = min(start - dt.timedelta(days=rng.randint(1, 60)), now)
                    appointments.append(
                        (
                            appointment_id,
                            patient(day),
                            resource,
                            type_id,
                            _stamp(start),
                            _stamp(end),
                            status,
                            "patient_cancelled" if status == "cancelled" else None,
                            rng.choice(_NOTES),
                            rng.choice(booked_by),
                            _stamp(booked_on),
                            stamp_now,
                            0,
                        )
                    )
                    events.append((appointment_id, _stamp(booked_on), None, "booked", ""))
                    events.extend(_visit_events(appointment_id, status, start, end, now))
                    if name in _DOUBLE and rng.random() < 0.6:
                        # A second follow-up squeezed into the same slot, as busy days go.
                        appointment_id += 1
                        appointments.append(
                            (
                                appointment_id,
                                patient(day),
                                resource,
                                type_id,
                                _stamp(start),
                                _stamp(end),
                                "booked" if start > now else "checked_out",
                                None,
                                "Double-booked",
                                rng.choice(booked_by),
                                _stamp(booked_on),
                                stamp_now,
                                1,
                            )
                        )
                        events.append((appointment_id, _stamp(booked_on), None, "booked", ""))
                    minute = end_minute + (-end_minute % 15)
    db.conn.executemany(
        "INSERT INTO blocks (resource_id, kind, starts_at, ends_at, note, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(*block, stamp_now) for block in blocks],
    )
    db.conn.executemany(
        "INSERT INTO appointments (id, patient_id, resource_id, type_id, starts_at, ends_at,"
        " status, cancel_reason, notes, booked_by, booked_at, workstation, updated_at,"
        " double_booked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'FRONT-1', ?, ?)",
        appointments,
    )
    db.conn.executemany(
        "INSERT INTO appointment_events (appointment_id, at, from_status, to_status, reason,"
        " workstation) VALUES (?, ?, ?, ?, ?, 'FRONT-1')",
        events,
    )


def _waitlist_and_recalls(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    db = desk.db
    now = desk.clock.stamp()
    today = desk.clock.business_date()
    (patients,) = db.execute("SELECT count(*) FROM patients").fetchone()
    types = dict(db.execute("SELECT name, id FROM appointment_types").fetchall())
    ids = dict(db.execute("SELECT short_name, id FROM resources").fetchall())
    staff = [row[0] for row in db.execute("SELECT id FROM staff WHERE role = 'receptionist'")]
    wanted = (
        ("Full-body skin check", "Dr Vargas", "morning", "Wants the first slot possible"),
        ("Mohs surgery", "Dr O'Connor", "any", "Referred by Dr. Hale"),
        ("Neurotoxin", "Injectables", "afternoon", "Before her wedding on the 12th"),
        ("New patient visit", None, "any", ""),
        ("Laser hair removal", "Laser room", "afternoon", "Session 3 of 6"),
        ("Follow-up", "Raman PA", "morning", "Can come in at 15 minutes' notice"),
        ("Biopsy", None, "any", "Changing mole, left shoulder"),
        ("Filler", "Injectables", "any", ""),
    )
    db.conn.executemany(
        "INSERT INTO waitlist (patient_id, type_id, resource_id, earliest, latest, time_of_day,"
        " notes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                rng.randint(1, patients),
                types[name],
                ids.get(short) if short else None,
                today.isoformat(),
                (today + dt.timedelta(days=rng.randint(10, 40))).isoformat(),
                part,
                note,
                rng.choice(staff),
                to_stored(desk.clock.now().shift(days=-rng.randint(1, 30))),
            )
            for name, short, part, note in wanted
        ],
    )
    count = 80 if plan.scale == "small" else 6000
    recalls = []
    for _ in range(count):
        kind = rng.choice(_RECALL_KINDS)
        due = today + dt.timedelta(days=rng.randint(-45, 120))
        type_id = {
            "Yearly skin check": types["Full-body skin check"],
            "Post-Mohs check": types["Follow-up"],
            "6-month acne check": types["Acne follow-up"],
        }.get(kind, types["Follow-up"])
        recalls.append((rng.randint(1, patients), kind, due.isoformat(), type_id, "checkout", now))
    db.conn.executemany(
        "INSERT INTO recalls (patient_id, kind, due_date, type_id, source, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        recalls,
    )
    attempts = []
    for (recall_id,) in db.execute(
        "SELECT id FROM recalls WHERE due_date < ?",
        ((today + dt.timedelta(days=30)).isoformat(),),
    ):
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            method, outcomes = rng.choice(_CONTACTS)
            when = desk.clock.now().shift(days=-rng.randint(1, 25), minutes=-rng.randint(0, 480))
            attempts.append(
                (recall_id, to_stored(when), method, rng.choice(outcomes), rng.choice(staff))
            )
    db.conn.executemany(
        "INSERT INTO recall_attempts (recall_id, at, method, outcome, staff_id)"
        " VALUES (?, ?, ?, ?, ?)",
        attempts,
    )


BOOK_STEPS = [_frame, _bookings, _waitlist_and_recalls]
