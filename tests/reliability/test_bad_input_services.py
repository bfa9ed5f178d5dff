"""The bad-input catalogue at every service entry point that takes what a person typed.

Each entry below is one typed field: how the screen (or the shell command) hands its text
to the services, and which of the catalogue's values that field legitimately takes. Every
other value must be refused with a `FrontDeskError` whose message a receptionist can read,
and must leave every table as it was; a value the field takes must be stored as a
reasonable system stores it (tidied, never with a NUL or a control character).

Refused cases share one database per test module (a refusal changes nothing): writes are
seen case by case through temporary triggers on this connection (`watch`), and the whole
file is compared with `checksum` when the module is done. A value that is stored is
stored inside a transaction rolled back after it is read back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from frontdesk.data.clock import from_stored
from frontdesk.data.drawer_models import CountedCheck
from frontdesk.data.money import Money
from frontdesk.data.money_models import Checkout, FeeLine
from frontdesk.data.printer_models import Printer
from frontdesk.data.schema import open_database
from frontdesk.errors import FrontDeskError
from frontdesk.services import (
    accounts,
    appointment_status,
    appointments,
    audit,
    auth,
    backups,
    block_time,
    checkout_bill,
    corrections,
    day_close,
    drawer_counts,
    drawers,
    fee_sheets,
    ledger,
    openings,
    patients,
    payments,
    practice,
    printers,
    recalls,
    schedule,
    visit_types,
    visits,
    waitlist,
    working_hours,
    workstations,
)
from frontdesk.services.context import Desk
from tests.conftest import FakeClock, actor
from tests.reliability.catalogue import HOSTILE, changed, checksum
from tests.reliability.watch import watch, written

# -- what a field takes ------------------------------------------------------------------


class Outcome(enum.Enum):
    REFUSED = "refused"  # a FrontDeskError with a readable message; no table changed
    STORED = "stored"  # accepted and stored as the entry says
    ANSWERED = "answered"  # a look-up: it answers (maybe with nothing) and writes nothing


LABELS = frozenset(label for label, _ in HOSTILE)
#: Printable one-line text of at most 24 characters (every free-text field takes these).
PRINTABLE = frozenset({
    "negative", "zero", "zero cents", "huge", "fractional cent", "exponent", "NaN", "infinity",
    "comma decimal", "right-to-left", "combining", "emoji", "SQL", "DST gap", "far past",
    "far future", "impossible date",
})  # fmt: skip
BLANK = frozenset({"empty", "whitespace"})
#: An optional free-text field (a note): blank is stored as nothing.
NOTE = PRINTABLE | BLANK
#: The catalogue's printable values of more than 14 and more than 20 characters.
OVER_14 = frozenset({"huge", "SQL", "DST gap"})
OVER_20 = frozenset({"SQL"})
#: Values that read as a bare number of letters, digits, '.' and '-' (codes, names of
#: machines): what a check number, a host or a CUPS queue may be.
CODE_LIKE = frozenset({"zero", "exponent", "NaN", "infinity"})
#: Values a machine's name may be (a host, a workstation): letters, digits, '.', '-'.
MACHINE_NAMES = CODE_LIKE | {"zero cents", "huge", "fractional cent"}
#: Values that name a file in the working folder (no slash, nothing unprintable).
FILE_NAMES = MACHINE_NAMES | {"negative", "comma decimal", "combining", "emoji", "SQL",
                              "card-like", "card digits"}  # fmt: skip
#: Values that are zero, as an amount or a count.
ZERO = frozenset({"zero", "zero cents"})

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
BOOK_DAY = "01/05/2027"  # a Tuesday with nothing on the book yet
BOOK_TIME = "10:00am"
NEW_PHONE = "(312) 555-0199"


def tidy(text: str) -> str:
    """What a one-line field keeps of `text`: its words, single-spaced."""
    return " ".join(text.split())


@dataclasses.dataclass(frozen=True)
class Entry:
    """One typed field at one service entry point."""

    name: str
    run: Callable[[World, str], Any]
    #: Labels of the catalogue this field takes (STORED); every other one is REFUSED.
    stored: frozenset[str] = frozenset()
    #: What the database holds of the value afterwards, and what it should hold.
    read: Callable[[World, Any], Any] | None = None
    expect: Callable[[str], Any] = tidy
    #: Instead of `expect`: whether what is stored is right for what was typed.
    matches: Callable[[World, Any, str], bool] | None = None
    #: A look-up: these labels are answered (nothing written), the others refused.
    answered: frozenset[str] = frozenset()
    #: A refusal may still write these tables (a failed login is counted and audited).
    may_write: frozenset[str] = frozenset()
    #: Runs on a copy of its own (it writes through a connection of its own).
    own_file: bool = False
    values: tuple[tuple[str, str], ...] = tuple(HOSTILE)

    def outcome(self, label: str) -> Outcome:
        if label in self.stored:
            return Outcome.STORED
        if label in self.answered:
            return Outcome.ANSWERED
        return Outcome.REFUSED


# -- the practice the cases run against ------------------------------------------------------


class World:
    """A copy of the demo practice, its desks, and what the cases need from it."""

    def __init__(self, path: Path, facts: dict[str, Any]) -> None:
        self.path = path
        self.facts = facts
        self.clock = FakeClock()
        self.db = open_database(path)
        base = Desk(db=self.db, clock=self.clock, workstation="FRONT-1")
        self.nobody = base
        self.reception = base.signed_in(actor(base, "anguyen"))
        self.manager = base.signed_in(actor(base, "dokafor"))
        self.shell = Desk(db=self.db, clock=self.clock, workstation="shell:test", shell=True)
        watch(self.db)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.facts[name]
        except KeyError:
            raise AttributeError(name) from None

    def at(self, workstation: str, username: str = "dokafor") -> Desk:
        desk = Desk(db=self.db, clock=self.clock, workstation=workstation)
        return desk.signed_in(actor(desk, username))

    def value(self, sql: str, *params: Any) -> Any:
        row = self.db.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @contextlib.contextmanager
    def rolled_back(self) -> Iterator[None]:
        """The case inside one transaction that is rolled back after it (the services'
        own transactions join it): what a stored value changed is undone, cheaply."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")
            self.db.settings_cache = None
            self.written()

    def written(self) -> set[str]:
        """The tables written since the last call."""
        return written(self.db)

    def close(self) -> None:
        self.db.close()


def _facts(db_path: Path) -> dict[str, Any]:
    """Rows of the demo practice the cases work on."""
    db = open_database(db_path)

    def one(sql: str, *params: Any) -> Any:
        row = db.execute(sql, params).fetchone()
        assert row is not None, sql
        return row[0] if len(row) == 1 else row

    today = "2026-11-24"
    facts = {
        "vargas": one("SELECT id FROM resources WHERE short_name = 'Dr Vargas'"),
        "laser": one("SELECT id FROM resources WHERE short_name = 'Laser room'"),
        "follow_up": one("SELECT id FROM appointment_types WHERE name = 'Follow-up'"),
        "patient": one(
            "SELECT id FROM patients WHERE active = 1 AND id NOT IN (SELECT patient_id FROM"
            " waitlist WHERE status = 'waiting') ORDER BY id LIMIT 1"
        ),
        "owing": one(
            "SELECT l.patient_id FROM ledger l JOIN patients p ON p.id = l.patient_id"
            " WHERE l.account = 'patient' AND p.active = 1 GROUP BY l.patient_id"
            " HAVING sum(l.amount_cents) >= 10000 ORDER BY l.patient_id LIMIT 1"
        ),
        "booked": one(
            "SELECT id FROM appointments WHERE status = 'booked' AND starts_at > ?"
            " ORDER BY starts_at, id LIMIT 1",
            "2026-11-25T15:00",
        ),
        "card_payment": one(
            "SELECT l.id FROM ledger l WHERE l.kind = 'payment' AND l.method = 'card'"
            " AND l.business_date = ? AND l.amount_cents <= -2000 AND NOT EXISTS (SELECT 1"
            " FROM ledger r WHERE r.refunds_id = l.id OR r.reverses_id = l.id)"
            " ORDER BY l.id LIMIT 1",
            today,
        ),
        "voidable": one(
            "SELECT l.id FROM ledger l WHERE l.kind = 'payment' AND l.method = 'cash'"
            " AND l.business_date = ? AND NOT EXISTS (SELECT 1 FROM ledger r"
            " WHERE r.refunds_id = l.id OR r.reverses_id = l.id) ORDER BY l.id LIMIT 1",
            today,
        ),
        "sold_product": one(
            "SELECT c.id FROM charges c JOIN encounters e ON e.id = c.encounter_id"
            " WHERE e.status = 'finalized' AND c.item_id IS NOT NULL AND c.quantity >= 1"
            " AND NOT EXISTS (SELECT 1 FROM stock_moves m WHERE m.charge_id = c.id"
            "  AND m.reason = 'return')"
            " AND NOT EXISTS (SELECT 1 FROM ledger l JOIN ledger r ON r.reverses_id = l.id"
            "  WHERE l.charge_id = c.id) ORDER BY c.id DESC LIMIT 1"
        ),
        "in_office": one(
            "SELECT a.id FROM appointments a WHERE a.status = 'arrived' AND a.starts_at >= ?"
            " AND NOT EXISTS (SELECT 1 FROM encounters e WHERE e.appointment_id = a.id)"
            " ORDER BY a.id LIMIT 1",
            "2026-11-24T06:00",
        ),
        "recall": one("SELECT id FROM recalls WHERE status = 'due' ORDER BY id LIMIT 1"),
        "waiting": one("SELECT id FROM waitlist WHERE status = 'waiting' ORDER BY id LIMIT 1"),
        "mbell": one("SELECT id FROM staff WHERE username = 'mbell'"),
        "front_session": one(
            "SELECT s.id FROM drawer_sessions s JOIN drawers d ON d.id = s.drawer_id"
            " WHERE d.workstation = 'FRONT-1' AND s.status = 'open'"
        ),
        "spare_drawer": one("SELECT id FROM drawers WHERE name = 'Spare'"),
        "counted_session": one(
            "SELECT s.id FROM drawer_sessions s JOIN drawers d ON d.id = s.drawer_id"
            " WHERE d.name = 'Back office' AND s.status = 'counted'"
        ),
        "gift_card": one(
            "SELECT g.code FROM gift_cards g JOIN ledger l ON l.gift_card_id = g.id"
            " AND l.account = 'gift_card' GROUP BY g.id HAVING -sum(l.amount_cents) >= 2000"
            " ORDER BY g.id LIMIT 1"
        ),
        "service_code": one(
            "SELECT code FROM fee_schedule WHERE kind = 'medical' AND active = 1"
            " ORDER BY code LIMIT 1"
        ),
    }
    facts["in_office_patient"] = one(
        "SELECT patient_id FROM appointments WHERE id = ?", facts["in_office"]
    )
    facts["card_last4"] = one(
        "SELECT substr(reference, 1, 4) FROM ledger WHERE id = ?", facts["card_payment"]
    )
    assert not one("SELECT count(*) FROM patients WHERE phone = ?", NEW_PHONE)
    db.close()
    return facts


@pytest.fixture(scope="module")
def base(practice_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo practice with a spare drawer (closed) and a counted one, ready to copy."""
    path = tmp_path_factory.mktemp("bad-input") / "base.db"
    shutil.copy(practice_template, path)
    db = open_database(path)
    shell = Desk(db=db, clock=FakeClock(), workstation="shell:setup", shell=True)
    drawers.save_drawer(shell, name="Spare", workstation="FRONT-3")
    office = drawers.save_drawer(shell, name="Back office", workstation="FRONT-4")
    opened = drawers.open_drawer(shell, office.id, {"b20": 10})
    drawers.submit_count(shell, opened.id, {"b20": 10}, [], Money(0))
    printers.save_printer(shell, Printer(name="Receipt 1", connection="network", host="10.0.0.40"))
    # The demo's logins again, hashed at argon2's cheapest (see `cheap_hashes`).
    for staff_id, username in db.execute("SELECT id, username FROM staff").fetchall():
        pin = "2468" if username == "dokafor" else "1357"
        db.execute(
            "UPDATE staff SET password_hash = ?, pin_hash = ? WHERE id = ?",
            (CHEAP.hash("frontdesk"), CHEAP.hash(pin), staff_id),
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture(scope="module")
def facts(base: Path) -> dict[str, Any]:
    return _facts(base)


class Shared:
    """The module's database for refusals, made again if a refusal wrote to it."""

    def __init__(self, base: Path, folder: Path, facts: dict[str, Any]) -> None:
        self.base, self.folder, self.facts = base, folder, facts
        self.count = 0
        self.world: World | None = None
        self.baseline: dict[str, str] = {}

    def get(self) -> World:
        if self.world is None:
            self.count += 1
            path = self.folder / f"shared-{self.count}.db"
            shutil.copy(self.base, path)
            self.world = World(path, self.facts)
            self.baseline = checksum(self.world.db)
        return self.world

    def spoilt(self) -> None:
        if self.world is not None:
            self.world.close()
            self.world = None


@pytest.fixture(scope="module")
def shared(base: Path, facts: dict[str, Any], tmp_path_factory) -> Iterator[Shared]:
    holder = Shared(base, tmp_path_factory.mktemp("shared"), facts)
    yield holder
    if holder.world is not None:
        # Every refusal of the module, case by case above, and here all at once.
        assert changed(holder.baseline, checksum(holder.world.db)) == []
        holder.world.close()


@pytest.fixture(scope="module")
def cheap_hashes() -> Iterator[None]:
    """Argon2 at its cheapest while this module signs in and stores passwords and PINs:
    the hash is not what is tested here, and OWASP's parameters cost ~50 ms each."""
    dummy = CHEAP.hash("not anyone's password")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_HASHER", CHEAP)
        patch.setattr(auth, "_dummy_hash", lambda: dummy)
        yield


@pytest.fixture
def fresh(
    base: Path, facts: dict[str, Any], request: pytest.FixtureRequest
) -> Iterator[Callable[[], World]]:
    """A copy of the practice for one case (made only when the case asks for it)."""
    made: list[World] = []

    def make() -> World:
        path = request.getfixturevalue("tmp_path") / f"fresh-{len(made)}.db"
        shutil.copy(base, path)
        made.append(World(path, facts))
        return made[-1]

    yield make
    for world in made:
        world.close()


# -- reading messages ------------------------------------------------------------------------

_LEAKS = (
    "Traceback",
    "Error(",
    "Exception",
    "invalid literal",
    "ValidationError",
    "validation error",
    "pydantic",
    "sqlite",
    "IntegrityError",
    "OverflowError",
    "could not convert",
    "object has no attribute",
    "NoneType",
    "decimal.",
    "[type=",
)
#: Characters that change how the rest of a line reads (bidirectional controls).
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def assert_readable(message: str, typed: str) -> None:
    """A sentence for the person at the desk: short, plain, no echo of a long input and
    no control character from it."""
    assert message.strip(), "the message is empty"
    assert len(message) <= 300, f"the message is {len(message)} characters long"
    for leak in _LEAKS:
        assert leak not in message, f"the message shows Python: {message!r}"
    bad = [ch for ch in message if unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI]
    assert not bad, f"the message carries control characters {bad!r}: {message!r}"
    if len(typed) > 300:
        assert typed[:250] not in message, "the message echoes a long input whole"
    assert message.rstrip()[-1] in ".?!)", f"not a sentence: {message!r}"


def assert_clean(value: Any) -> None:
    """Nothing stored carries a NUL or a control character."""
    if isinstance(value, str):
        assert not [ch for ch in value if unicodedata.category(ch) in ("Cc", "Cs")], value


# -- the entry points ------------------------------------------------------------------------


def _key() -> str:
    return ledger.new_key()


def _one(w: World, sql: str, *params: Any) -> Any:
    return w.value(sql, *params)


# patients ------------------------------------------------------------------------------------


def _draft(**typed: str) -> patients.PatientDraft:
    values = {
        "first_name": "Rosa",
        "last_name": "Quintero",
        "dob": "03/14/1978",
        "phone": NEW_PHONE,
        "email": "rosa@example.com",
        "preferred_contact": "email",
    }
    values.update(typed)
    return patients.PatientDraft(**values)


def _register(field: str) -> Callable[[World, str], Any]:
    # The draft is reached by email; typing over the email, it is reached by phone.
    contact = {"email": {"preferred_contact": "phone"}}.get(field, {})
    return lambda w, text: patients.register_patient(
        w.reception, _draft(**contact, **{field: text})
    )


def _update(field: str) -> Callable[[World, str], Any]:
    def run(w: World, text: str) -> Any:
        shown = patients.get_patient(w.reception, w.patient)
        typed = {
            key: str(value)
            for key, value in shown.model_dump().items()
            if key in patients.PatientDraft.model_fields
        }
        typed["dob"] = f"{shown.dob:%m/%d/%Y}"
        typed["preferred_contact"] = "mail" if shown.address1 else "phone"
        typed[field] = text
        return patients.update_patient(
            w.reception, w.patient, patients.PatientDraft(**typed), original=shown
        )

    return run


def _patient_column(field: str) -> Callable[[World, Any], Any]:
    return lambda w, saved: _one(w, f"SELECT {field} FROM patients WHERE id = ?", saved.id)


_PATIENT_FIELDS: dict[str, frozenset[str]] = {
    "first_name": PRINTABLE,
    "middle_name": NOTE,
    "last_name": PRINTABLE,
    "preferred_name": NOTE,
    "dob": frozenset(),
    "sex": BLANK,
    "phone": BLANK,
    "email": BLANK,
    "address1": NOTE,
    "address2": NOTE,
    "city": NOTE,
    "state": BLANK,
    "postal_code": BLANK,
    "preferred_contact": BLANK,  # blank is the default: phone (the draft has one)
    "notes": NOTE,
    "alerts": NOTE,
}

ENTRIES: list[Entry] = [
    Entry(
        f"patients.register_patient({field})",
        _register(field),
        stored=takes,
        read=_patient_column(field),
        expect=(lambda text: "phone") if field == "preferred_contact" else tidy,
    )
    for field, takes in _PATIENT_FIELDS.items()
]
ENTRIES += [
    Entry(
        f"patients.update_patient({field})",
        _update(field),
        stored=_PATIENT_FIELDS[field],
        read=_patient_column(field),
    )
    for field in ("first_name", "last_name", "dob", "phone", "notes", "alerts")
]
ENTRIES.append(
    Entry(
        "patients.search_patients(text)",
        lambda w, text: patients.search_patients(w.reception, text),
        answered=LABELS,
    )
)

# the book: booking, cancelling, moving ---------------------------------------------------------


def _booking(
    w: World,
    *,
    day: str = BOOK_DAY,
    time: str = BOOK_TIME,
    minutes: str = "",
    notes: str = "",
    which: str | None = None,
) -> appointments.Booking:
    """A booking as the booking form reads its fields."""
    today = w.clock.business_date()
    return appointments.Booking(
        patient_id=w.patient,
        resource_id=w.vargas,
        type_id=w.follow_up,
        day=schedule.read_date(day, today=today),
        start_minute=schedule.read_time(time),
        minutes=schedule.read_number(minutes, "length in minutes", required=False),
        notes=notes,
        which=which,  # type: ignore[arg-type]
    )


_OVERRIDE = appointments.Override(reason="entered from the paper book")


def _book_read(w: World, saved: Any) -> Any:
    return _one(w, "SELECT notes FROM appointments WHERE id = ?", saved.id)


ENTRIES += [
    # A manager with an override: a far date must be refused for being far, not only
    # for being outside the hours.
    Entry(
        "appointments.book(day)",
        lambda w, text: appointments.book(w.manager, _booking(w, day=text), override=_OVERRIDE),
    ),
    # A receptionist: midnight ("0") is outside the hours, so it needs a manager.
    Entry(
        "appointments.book(time)",
        lambda w, text: appointments.book(w.reception, _booking(w, time=text)),
    ),
    Entry(
        "appointments.book(minutes)",
        lambda w, text: appointments.book(w.reception, _booking(w, minutes=text)),
        stored=BLANK,
        read=lambda w, saved: _one(
            w,
            "SELECT (julianday(ends_at) - julianday(starts_at)) * 1440 FROM appointments"
            " WHERE id = ?",
            saved.id,
        ),
        expect=lambda text: pytest.approx(15),
    ),
    Entry(
        "appointments.book(notes)",
        lambda w, text: appointments.book(w.reception, _booking(w, notes=text)),
        stored=NOTE,
        read=_book_read,
    ),
    Entry(
        "appointments.book(override reason)",
        lambda w, text: appointments.book(
            w.manager,
            _booking(w, time="7:00am"),
            override=appointments.Override(reason=text),
        ),
        stored=PRINTABLE,
        read=lambda w, saved: _one(
            w, "SELECT override_reason FROM appointments WHERE id = ?", saved.id
        ),
        expect=lambda text: f"{tidy(text)} (by dokafor)",
    ),
    Entry(
        "appointment_status.cancel(reason)",
        lambda w, text: appointment_status.cancel(w.reception, w.booked, text),
    ),
    Entry(
        "appointment_status.cancel(note)",
        lambda w, text: appointment_status.cancel(w.reception, w.booked, "patient_cancelled", text),
        stored=NOTE,
        read=lambda w, saved: _one(
            w,
            "SELECT reason FROM appointment_events WHERE appointment_id = ? ORDER BY id DESC",
            saved.id,
        ),
        expect=lambda text: "patient cancelled" + (f": {tidy(text)}" if tidy(text) else ""),
    ),
    Entry(
        "appointment_status.reschedule(day)",
        lambda w, text: appointment_status.reschedule(
            w.manager, w.booked, _moved(w, day=text), override=_OVERRIDE
        ),
    ),
    Entry(
        "appointment_status.reschedule(note)",
        lambda w, text: appointment_status.reschedule(w.reception, w.booked, _moved(w), note=text),
        stored=NOTE,
        read=lambda w, saved: _one(
            w,
            "SELECT reason FROM appointment_events WHERE appointment_id = ? ORDER BY id DESC",
            w.booked,
        ),
        expect=lambda text: "rescheduled" + (f": {tidy(text)}" if tidy(text) else ""),
    ),
]


def _moved(w: World, *, day: str = BOOK_DAY) -> appointments.Booking:
    old = w.db.execute(
        "SELECT patient_id, resource_id, type_id FROM appointments WHERE id = ?", (w.booked,)
    ).fetchone()
    return appointments.Booking(
        patient_id=old[0],
        resource_id=old[1],
        type_id=old[2],
        day=schedule.read_date(day, today=w.clock.business_date()),
        start_minute=schedule.read_time("11:00am"),
    )


# the waitlist and recalls ----------------------------------------------------------------------


def _waitlist(w: World, *, earliest: str = "12/01/2026", latest: str = "12/31/2026", notes=""):
    return waitlist.add_to_waitlist(
        w.reception, w.patient, w.follow_up, None, earliest, latest, notes=notes
    )


ENTRIES += [
    Entry("waitlist.add_to_waitlist(earliest)", lambda w, text: _waitlist(w, earliest=text)),
    Entry("waitlist.add_to_waitlist(latest)", lambda w, text: _waitlist(w, latest=text)),
    Entry(
        "waitlist.add_to_waitlist(notes)",
        lambda w, text: _waitlist(w, notes=text),
        stored=NOTE,
        read=lambda w, entry: _one(w, "SELECT notes FROM waitlist WHERE id = ?", entry.id),
    ),
    Entry(
        "waitlist.remove_from_waitlist(reason)",
        lambda w, text: waitlist.remove_from_waitlist(w.reception, w.waiting, text),
        stored=PRINTABLE,
        read=lambda w, entry: _one(w, "SELECT notes FROM waitlist WHERE id = ?", entry.id).split(
            " · "
        )[-1],
        expect=lambda text: f"Removed: {tidy(text)}",
    ),
]


def _in_folder(w: World, name: str, run: Callable[[], Any]) -> Any:
    """`run` with the working folder a scratch one beside the database (a shell command
    writes a relative path there)."""
    folder = w.path.parent / name
    folder.mkdir(exist_ok=True)
    with contextlib.chdir(folder):
        return run()


def _recall(w: World, *, kind: str = "Mole watch", due: str = "06/01/2027", notes: str = ""):
    return recalls.add_recall(w.reception, w.patient, kind, due, notes=notes)


def _recall_column(column: str) -> Callable[[World, Any], Any]:
    return lambda w, recall: _one(w, f"SELECT {column} FROM recalls WHERE id = ?", recall.id)


ENTRIES += [
    Entry(
        "recalls.add_recall(kind)",
        lambda w, text: _recall(w, kind=text),
        stored=PRINTABLE,
        read=_recall_column("kind"),
    ),
    Entry("recalls.add_recall(due date)", lambda w, text: _recall(w, due=text)),
    Entry(
        "recalls.add_recall(notes)",
        lambda w, text: _recall(w, notes=text),
        stored=NOTE,
        read=_recall_column("notes"),
    ),
    Entry(
        "recalls.record_attempt(outcome)",
        lambda w, text: recalls.record_attempt(w.reception, w.recall, "phone", text),
        stored=PRINTABLE,
        read=lambda w, attempt: _one(
            w, "SELECT outcome FROM recall_attempts WHERE id = ?", attempt.id
        ),
    ),
    Entry(
        "recalls.record_attempt(method)",
        lambda w, text: recalls.record_attempt(w.reception, w.recall, text, "left a message"),
    ),
    Entry(
        "recalls.close_recall(reason)",
        lambda w, text: recalls.close_recall(w.reception, w.recall, text),
        stored=PRINTABLE,
        read=lambda w, recall: _one(w, "SELECT notes FROM recalls WHERE id = ?", recall.id).split(
            " · "
        )[-1],
        expect=lambda text: f"Closed: {tidy(text)}",
    ),
    Entry(
        "recalls.export_recalls_file(path)",
        lambda w, text: _in_folder(
            w,
            "recalls",
            lambda: recalls.export_recalls_file(w.reception, dt.date(2026, 12, 1), Path(text)),
        ),
        stored=FILE_NAMES,
        read=lambda w, written: _in_folder(w, "recalls", lambda: written[0].is_file()),
        expect=lambda text: True,
    ),
    Entry(
        "recalls.parse_month(month)",
        lambda w, text: recalls.list_recalls(w.reception, recalls.parse_month(text)),
    ),
]

# the book's setup --------------------------------------------------------------------------


def _resource(w: World, *, name: str = "Dr New", short: str = "New col", order: str = ""):
    return schedule.save_resource(
        w.manager,
        name=name,
        short_name=short,
        kind="provider",
        sort_order=schedule.read_number(order, "order", required=False) or 0,
    )


def _type(
    w: World,
    *,
    name: str = "Wart check",
    minutes: str = "15",
    codes: str = "",
    recall: str = "",
    recall_kind: str = "",
):
    return visit_types.save_type(
        w.manager,
        name=name,
        minutes=schedule.read_number(minutes, "length in minutes") or 0,
        default_fee_codes=codes,
        recall_months=schedule.read_number(recall, "recall", required=False),
        recall_kind=recall_kind,
    )


def _block(
    w: World,
    *,
    day: str = BOOK_DAY,
    start: str = "12:00pm",
    end: str = "1:00pm",
    last: str = "",
    note: str = "",
):
    """A block as the block form reads its fields."""
    return block_time.add_block_on(
        w.manager,
        w.vargas,
        "meeting",
        schedule.read_date(day, "first day"),
        start_minute=schedule.read_time(start, "start") if start.strip() else None,
        end_minute=schedule.read_time(end, "end") if end.strip() else None,
        last_day=schedule.read_date(last, "last day") if last.strip() else None,
        note=note,
    )


def _block_column(column: str) -> Callable[[World, Any], Any]:
    return lambda w, block: _one(w, f"SELECT {column} FROM blocks WHERE id = ?", block.id)


ENTRIES += [
    Entry(
        "schedule.save_resource(name)",
        lambda w, text: _resource(w, name=text),
        stored=PRINTABLE,
        read=lambda w, saved: _one(w, "SELECT name FROM resources WHERE id = ?", saved.id),
    ),
    Entry(
        "schedule.save_resource(column heading)",
        lambda w, text: _resource(w, short=text),
        stored=NOTE - OVER_14 - {"comma decimal"},
        read=lambda w, saved: _one(w, "SELECT short_name FROM resources WHERE id = ?", saved.id),
        expect=lambda text: tidy(text) or "Dr New",
    ),
    Entry(
        "schedule.save_resource(order)",
        lambda w, text: _resource(w, order=text),
        stored=BLANK | {"zero"},
        read=lambda w, saved: _one(w, "SELECT sort_order FROM resources WHERE id = ?", saved.id),
        expect=lambda text: 0,
    ),
    Entry(
        "schedule.resources_from_headings(columns)",
        lambda w, text: schedule.resources_from_headings(w.manager, text),
        answered=BLANK,
    ),
    Entry(
        "visit_types.save_type(name)",
        lambda w, text: _type(w, name=text),
        stored=PRINTABLE,
        read=lambda w, t: _one(w, "SELECT name FROM appointment_types WHERE id = ?", t.id),
    ),
    Entry("visit_types.save_type(minutes)", lambda w, text: _type(w, minutes=text)),
    Entry(
        "visit_types.save_type(fee codes)",
        lambda w, text: _type(w, codes=text),
        stored=NOTE,
        read=lambda w, t: _one(
            w, "SELECT default_fee_codes FROM appointment_types WHERE id = ?", t.id
        ),
    ),
    Entry(
        "visit_types.save_type(recall months)",
        lambda w, text: _type(w, recall=text),
        stored=BLANK,
        read=lambda w, t: _one(w, "SELECT recall_months FROM appointment_types WHERE id = ?", t.id),
        expect=lambda text: None,
    ),
    Entry(
        "visit_types.save_type(recall kind)",
        lambda w, text: _type(w, recall="12", recall_kind=text),
        stored=NOTE,
        read=lambda w, t: _one(w, "SELECT recall_kind FROM appointment_types WHERE id = ?", t.id),
        expect=lambda text: tidy(text) or "Wart check",
    ),
    Entry(
        "working_hours.set_weekly_hours(hours)",
        lambda w, text: working_hours.set_weekly_hours(
            w.manager, w.vargas, 5, working_hours.parse_hours(text)
        ),
        stored=BLANK,
        read=lambda w, _: _one(
            w, "SELECT count(*) FROM resource_hours WHERE resource_id = ? AND weekday = 5", w.vargas
        ),
        expect=lambda text: 0,
    ),
    Entry(
        "working_hours.set_day_hours(day)",
        lambda w, text: working_hours.set_day_hours(
            w.manager, w.vargas, schedule.read_date(text), [(480, 720)]
        ),
    ),
    Entry(
        "working_hours.set_day_hours(hours)",
        lambda w, text: working_hours.set_day_hours(
            w.manager, w.vargas, schedule.read_date(BOOK_DAY), working_hours.parse_hours(text)
        ),
        stored=BLANK,
        read=lambda w, _: _one(
            w,
            "SELECT start_minute IS NULL FROM hours_exceptions WHERE resource_id = ? AND day = ?",
            w.vargas,
            "2027-01-05",
        ),
        expect=lambda text: 1,
    ),
    Entry(
        "working_hours.set_day_hours(note)",
        lambda w, text: working_hours.set_day_hours(
            w.manager, w.vargas, schedule.read_date(BOOK_DAY), [(480, 720)], text
        ),
        stored=NOTE,
        read=lambda w, _: _one(
            w,
            "SELECT note FROM hours_exceptions WHERE resource_id = ? AND day = ?",
            w.vargas,
            "2027-01-05",
        ),
    ),
    Entry(
        "working_hours.close_day(day)",
        lambda w, text: working_hours.close_day(w.manager, schedule.read_date(text), "Snow"),
    ),
    Entry(
        "working_hours.close_day(reason)",
        lambda w, text: working_hours.close_day(w.manager, schedule.read_date(BOOK_DAY), text),
        stored=PRINTABLE,
        read=lambda w, _: _one(w, "SELECT reason FROM closed_days WHERE day = '2027-01-05'"),
    ),
    Entry(
        "working_hours.reopen_day(day)",
        lambda w, text: working_hours.reopen_day(w.manager, schedule.read_date(text)),
    ),
    Entry("block_time.add_block_on(day)", lambda w, text: _block(w, day=text)),
    Entry(
        "block_time.add_block_on(start)",
        lambda w, text: _block(w, start=text),
        stored=ZERO,
        read=lambda w, block: (
            from_stored(_one(w, "SELECT starts_at FROM blocks WHERE id = ?", block.id))
            .to("America/Chicago")
            .format("YYYY-MM-DD HH:mm")
        ),
        expect=lambda text: "2027-01-05 00:00",
    ),
    Entry("block_time.add_block_on(end)", lambda w, text: _block(w, end=text)),
    Entry(
        "block_time.add_block_on(last day)",
        lambda w, text: _block(w, start="", end="", last=text),
        stored=BLANK,
        read=lambda w, block: _one(
            w,
            "SELECT (julianday(ends_at) - julianday(starts_at)) FROM blocks WHERE id = ?",
            block.id,
        ),
        expect=lambda text: 1.0,
    ),
    Entry(
        "block_time.add_block_on(note)",
        lambda w, text: _block(w, note=text),
        stored=NOTE,
        read=_block_column("note"),
    ),
    Entry(
        "openings.find_openings(first date)",
        lambda w, text: openings.find_openings(
            w.reception,
            w.follow_up,
            since=schedule.read_date(text, "first date", today=w.clock.business_date()),
        ),
    ),
]

# money in: tenders, payments, deposits, gift cards --------------------------------------------


def _tender(w: World, method: str = "cash", amount: str = "20.00", **typed: str):
    """A tender as the tender dialog types it."""
    fields = {
        "cash": {},
        "check": {"check_number": "1042"},
        "card": {"card_brand": "Visa", "card_last4": "4242", "auth_code": "A1B2C3"},
        "gift_card": {"gift_card_code": "GC-AAAA-BBBB"},
    }.get(method, {})
    fields.update(typed)
    return payments.make_tender(w.reception, method, amount, **fields)


def _pay(w: World, *tenders: Any):
    return payments.post_payment(w.reception, w.owing, list(tenders), _key())


def _paid(column: str) -> Callable[[World, Any], Any]:
    return lambda w, posting: _one(
        w, f"SELECT {column} FROM ledger WHERE posting_id = ? AND kind = 'payment'", posting.id
    )


ENTRIES += [
    Entry("payments.make_tender(method)", lambda w, text: _pay(w, _tender(w, text))),
    Entry("payments.make_tender(amount)", lambda w, text: _pay(w, _tender(w, amount=text))),
    Entry(
        "payments.make_tender(tendered)",
        lambda w, text: _pay(w, _tender(w, tendered=text)),
        stored=BLANK,
        read=_paid("tendered_cents"),
        expect=lambda text: None,
    ),
    Entry(
        "payments.make_tender(check number)",
        lambda w, text: _pay(w, _tender(w, "check", check_number=text)),
        stored=CODE_LIKE,
        read=_paid("reference"),
    ),
    Entry(
        "payments.make_tender(card brand)",
        lambda w, text: _pay(w, _tender(w, "card", card_brand=text)),
    ),
    Entry(
        "payments.make_tender(card last 4)",
        lambda w, text: _pay(w, _tender(w, "card", card_last4=text)),
    ),
    Entry(
        "payments.make_tender(approval code)",
        lambda w, text: _pay(w, _tender(w, "card", auth_code=text)),
    ),
    Entry(
        "payments.make_tender(gift card code)",
        lambda w, text: _pay(w, _tender(w, "gift_card", gift_card_code=text)),
    ),
    Entry(
        "payments.find_gift_card(code)",
        lambda w, text: payments.find_gift_card(w.reception, text),
    ),
    Entry(
        "payments.post_deposit(amount)",
        lambda w, text: payments.post_deposit(
            w.reception, w.patient, [_tender(w, amount=text)], _key()
        ),
    ),
    Entry(
        "payments.sell_gift_card(amount)",
        lambda w, text: payments.sell_gift_card(
            w.reception,
            Money.parse(text, ceiling=practice.load_settings(w.db).amount_ceiling.cents),
            [_tender(w, amount="25.00")],
            _key(),
        ),
    ),
    Entry(
        "payments.sell_gift_card(recipient)",
        lambda w, text: payments.sell_gift_card(
            w.reception, Money(2500), [_tender(w, amount="25.00")], _key(), recipient=text
        ),
        stored=NOTE,
        read=lambda w, posting: _one(
            w,
            "SELECT g.recipient FROM gift_cards g JOIN ledger l ON l.gift_card_id = g.id"
            " WHERE l.posting_id = ?",
            posting.id,
        ),
    ),
]

# check-out: the fee sheet's lines --------------------------------------------------------------


def _checkout(
    w: World,
    *,
    quantity: str = "1",
    price: str = "",
    discount: str = "",
    no_charge: str | None = None,
    approval: str = "",
):
    """A check-out as the check-out screen reads its lines (a manager at the desk, so an
    override or a discount needs no one else)."""
    ceiling = practice.load_settings(w.db).amount_ceiling.cents
    lines: tuple[FeeLine, ...] = ()
    if no_charge is None:
        amount, percent = checkout_bill.parse_discount(discount, ceiling=ceiling)
        lines = (
            FeeLine(
                kind="service",
                code=w.service_code,
                quantity=checkout_bill.parse_quantity(quantity),
                unit_price=Money.parse(price, ceiling=ceiling) if price.strip() else None,
                discount_amount=amount,
                discount_percent=percent,
                discount_reason="courtesy" if amount or percent else None,
            ),
        )
    sale = Checkout(
        appointment_id=w.in_office,
        lines=lines,
        idempotency_key=_key(),
        no_charge_reason=no_charge or "",
    )
    return visits.check_out(w.manager, sale, approval_reason=approval)


def _charge(column: str) -> Callable[[World, Any], Any]:
    return lambda w, posting: _one(
        w,
        f"SELECT c.{column} FROM charges c JOIN encounters e ON e.id = c.encounter_id"
        " WHERE e.appointment_id = ?",
        w.in_office,
    )


ENTRIES += [
    Entry("visits.check_out(quantity)", lambda w, text: _checkout(w, quantity=text)),
    Entry(
        "visits.check_out(price)",
        lambda w, text: _checkout(w, price=text),
        stored=ZERO | BLANK,
        read=_charge("unit_price_cents"),
        # Blank keeps the list price; zero is a manager's override to nothing.
        matches=lambda w, stored, text: (
            stored
            == (
                _one(w, "SELECT price_cents FROM fee_schedule WHERE code = ?", w.service_code)
                if not text.strip()
                else 0
            )
        ),
    ),
    Entry(
        "visits.check_out(discount)",
        lambda w, text: _checkout(w, discount=text),
        stored=BLANK,
        read=_charge("discount_cents"),
        expect=lambda text: 0,
    ),
    Entry(
        "visits.check_out(no-charge reason)",
        lambda w, text: _checkout(w, no_charge=text),
        stored=PRINTABLE,
        read=lambda w, posting: _one(
            w, "SELECT no_charge_reason FROM encounters WHERE appointment_id = ?", w.in_office
        ),
    ),
    Entry(
        "visits.check_out(approval reason)",
        lambda w, text: _checkout(w, price="50.00", approval=text),
        stored=NOTE,
        read=lambda w, posting: _one(
            w,
            "SELECT summary FROM audit_log WHERE action = 'checkout posted' AND record_id = ?",
            posting.id,
        ),
        # The price changed needs a manager; the reason they gave is kept with it.
        matches=lambda w, summary, text: (
            summary.endswith(f"; approved: {tidy(text)}")
            if tidy(text)
            else "approved" not in summary
        ),
    ),
    Entry(
        "fee_sheets.find_code(code)",
        lambda w, text: fee_sheets.find_code(w.reception, text),
    ),
    Entry(
        "fee_sheets.find_sku(sku)",
        lambda w, text: fee_sheets.find_sku(w.reception, text),
    ),
    Entry(
        "fee_sheets.search_catalogue(text)",
        lambda w, text: fee_sheets.search_catalogue(w.reception, text),
        answered=LABELS,
    ),
]

# corrections: refunds, voids, adjustments, returns --------------------------------------------


def _refund(w: World, *, amount: str = "10.00", reason: str = "overcharged", reference="RF1234"):
    return corrections.refund_payment(
        w.manager,
        w.card_payment,
        Money.parse(amount),
        reason,
        _key(),
        method="card",
        reference=reference,
    )


def _refunded(column: str) -> Callable[[World, Any], Any]:
    return lambda w, posting: _one(
        w,
        f"SELECT {column} FROM ledger WHERE posting_id = ? AND kind = 'refund'",
        posting.id,
    )


ENTRIES += [
    Entry("corrections.refund_payment(amount)", lambda w, text: _refund(w, amount=text)),
    Entry(
        "corrections.refund_payment(reason)",
        lambda w, text: _refund(w, reason=text),
        stored=PRINTABLE,
        read=_refunded("reason"),
    ),
    Entry(
        "corrections.refund_payment(refund approval code)",
        lambda w, text: _refund(w, reference=text),
        stored=CODE_LIKE,
        read=_refunded("reference"),
        # The card's last 4 (from the payment refunded), then the refund's approval code.
        matches=lambda w, stored, text: stored == f"{w.card_last4} {tidy(text)}",
    ),
    Entry(
        "corrections.void_entry(reason)",
        lambda w, text: corrections.void_entry(w.manager, w.voidable, text, _key()),
        stored=PRINTABLE,
        read=lambda w, posting: _one(
            w, "SELECT reason FROM ledger WHERE posting_id = ?", posting.id
        ),
    ),
    Entry(
        "corrections.adjust_balance(amount)",
        lambda w, text: corrections.adjust_balance(
            w.manager, w.owing, Money.parse(text), "courtesy", _key()
        ),
    ),
    Entry(
        "corrections.adjust_balance(reason code)",
        lambda w, text: corrections.adjust_balance(w.manager, w.owing, Money(500), text, _key()),
    ),
    Entry(
        "corrections.adjust_balance(note)",
        lambda w, text: corrections.adjust_balance(
            w.manager, w.owing, Money(500), "courtesy", _key(), note=text
        ),
        stored=NOTE,
        read=lambda w, posting: _one(w, "SELECT note FROM ledger WHERE posting_id = ?", posting.id),
    ),
    Entry(
        "corrections.return_product(quantity)",
        lambda w, text: corrections.return_product(
            w.manager, w.sold_product, checkout_bill.parse_quantity(text), _key()
        ),
    ),
    Entry(
        "corrections.return_product(reason)",
        lambda w, text: corrections.return_product(
            w.manager, w.sold_product, 1, _key(), reason=text
        ),
        stored=NOTE,
        read=lambda w, posting: _one(w, "SELECT note FROM ledger WHERE posting_id = ?", posting.id),
    ),
]

# the drawers ---------------------------------------------------------------------------------


def _move(w: World, *, amount="5.00", payee="Office Depot", reason="paper", receipt=""):
    return drawers.record_move(
        w.manager,
        "paid_out",
        Money.parse(amount),
        _key(),
        payee=payee,
        reason=reason,
        receipt_ref=receipt,
    )


def _moved_column(column: str) -> Callable[[World, Any], Any]:
    return lambda w, move: _one(w, f"SELECT {column} FROM drawer_moves WHERE id = ?", move.id)


def _count(w: World, *, twenties="", number="1042", payer="", amount="45.00", card="0.00"):
    """The blind count as the count dialog reads it: a denomination, one check, the card
    terminal's batch total."""
    check = CountedCheck(number=number, payer=payer, amount=Money.parse(amount))
    return drawers.submit_count(
        w.manager,
        w.front_session,
        drawer_counts.parse_count({"b20": twenties, "b1": "3"}),
        drawers.check_the_checks([check]),
        Money.parse(card),
    )


def _counted(column: str) -> Callable[[World, Any], Any]:
    return lambda w, _: _one(
        w, f"SELECT {column} FROM drawer_sessions WHERE id = ?", w.front_session
    )


def _checked(column: str) -> Callable[[World, Any], Any]:
    return lambda w, _: _one(
        w, f"SELECT {column} FROM drawer_checks WHERE session_id = ?", w.front_session
    )


def _close(w: World, *, leave: str = "0.00", reason: str = ""):
    return drawers.close_drawer(
        w.at("FRONT-4"),
        w.counted_session,
        leave=Money.parse(leave),
        reason=reason,
        approver=actor(w.manager, "dokafor"),
    )


def _drawer(w: World, *, name="Annex", workstation="FRONT-9", printer="", default="200.00"):
    return drawers.save_drawer(
        w.manager,
        name=name,
        workstation=workstation,
        printer=printer,
        default_float=Money.parse(default),
    )


def _drawer_column(column: str) -> Callable[[World, Any], Any]:
    return lambda w, drawer: _one(w, f"SELECT {column} FROM drawers WHERE id = ?", drawer.id)


ENTRIES += [
    Entry(
        "drawers.open_drawer(count)",
        lambda w, text: drawers.open_drawer(
            w.at("FRONT-3"), w.spare_drawer, drawer_counts.parse_count({"b20": text})
        ),
        stored=BLANK | {"zero"},
        read=lambda w, session: _one(
            w, "SELECT float_cents FROM drawer_sessions WHERE id = ?", session.id
        ),
        expect=lambda text: 0,
    ),
    Entry("drawers.record_move(amount)", lambda w, text: _move(w, amount=text)),
    Entry(
        "drawers.record_move(payee)",
        lambda w, text: _move(w, payee=text),
        stored=PRINTABLE,
        read=_moved_column("payee"),
    ),
    Entry(
        "drawers.record_move(reason)",
        lambda w, text: _move(w, reason=text),
        stored=PRINTABLE,
        read=_moved_column("reason"),
    ),
    Entry(
        "drawers.record_move(receipt)",
        lambda w, text: _move(w, receipt=text),
        stored=NOTE,
        read=_moved_column("receipt_ref"),
    ),
    Entry(
        "drawers.submit_count(count)",
        lambda w, text: _count(w, twenties=text),
        stored=BLANK | {"zero"},
        read=_counted("counted_cash_cents"),
        expect=lambda text: 300,
    ),
    Entry(
        "drawers.submit_count(check number)",
        lambda w, text: _count(w, number=text),
        stored=CODE_LIKE,
        read=_checked("check_number"),
    ),
    Entry(
        "drawers.submit_count(check payer)",
        lambda w, text: _count(w, payer=text),
        stored=NOTE,
        read=_checked("payer"),
    ),
    Entry("drawers.submit_count(check amount)", lambda w, text: _count(w, amount=text)),
    Entry(
        "drawers.submit_count(card batch)",
        lambda w, text: _count(w, card=text),
        stored=ZERO,
        read=_counted("card_batch_cents"),
        expect=lambda text: 0,
    ),
    Entry(
        "drawers.close_drawer(leave)",
        lambda w, text: _close(w, leave=text),
        stored=ZERO,
        read=lambda w, closed: _one(
            w, "SELECT leave_cents FROM drawer_sessions WHERE id = ?", closed.id
        ),
        expect=lambda text: 0,
    ),
    Entry(
        "drawers.close_drawer(reason)",
        lambda w, text: _close(w, reason=text),
        stored=NOTE,
        read=lambda w, closed: _one(
            w, "SELECT reason FROM drawer_sessions WHERE id = ?", closed.id
        ),
    ),
    Entry(
        "drawers.save_drawer(name)",
        lambda w, text: _drawer(w, name=text),
        stored=PRINTABLE,
        read=_drawer_column("name"),
    ),
    Entry(
        "drawers.save_drawer(workstation)",
        lambda w, text: _drawer(w, workstation=text),
        stored=MACHINE_NAMES,
        read=_drawer_column("workstation"),
    ),
    Entry(
        "drawers.save_drawer(printer)",
        lambda w, text: _drawer(w, printer=text),
        stored=NOTE,
        read=_drawer_column("printer"),
    ),
    Entry(
        "drawers.save_drawer(default float)",
        lambda w, text: _drawer(w, default=text),
        stored=ZERO,
        read=_drawer_column("default_float_cents"),
        expect=lambda text: 0,
    ),
]

# the close of day ------------------------------------------------------------------------------


def _business_day(w: World, text: str) -> dt.date:
    """A business date as `frontdesk dayclose --date` reads it."""
    return schedule.read_date(text, "business date", today=w.clock.business_date())


ENTRIES += [
    Entry(
        "day_close.record_no_charge(reason)",
        lambda w, text: day_close.record_no_charge(w.manager, w.in_office, text),
        stored=PRINTABLE,
        read=lambda w, _: _one(
            w, "SELECT no_charge_reason FROM encounters WHERE appointment_id = ?", w.in_office
        ),
    ),
    Entry(
        "day_close.export_files(folder)",
        lambda w, text: _in_folder(
            w,
            "day-close",
            lambda: day_close.export_files(w.manager, dt.date(2026, 11, 23), Path(text)),
        ),
        # Nested folders are made as needed: a date's slashes make folders.
        stored=FILE_NAMES | {"DST gap", "far past", "far future", "impossible date"},
        read=lambda w, written: _in_folder(
            w, "day-close", lambda: all(p.is_file() for p in written)
        ),
        expect=lambda text: True,
    ),
    Entry(
        "day_close.close_of_day(day)",
        lambda w, text: day_close.close_of_day(w.shell, _business_day(w, text)),
    ),
    Entry(
        "day_close.sign_off(day)",
        lambda w, text: day_close.sign_off(w.shell, _business_day(w, text), None),
    ),
]

# staff, logins and approvals ----------------------------------------------------------------


def _add_staff(w: World, **typed: str):
    fields = {
        "username": "rquintero",
        "full_name": "Rosa Quintero",
        "role": "receptionist",
        "password": "correct horse battery",
        "pin": "",
        "credentials": "",
    }
    fields.update(typed)
    return accounts.add_staff(w.manager, **fields)


def _staff_column(column: str) -> Callable[[World, Any], Any]:
    return lambda w, member: _one(w, f"SELECT {column} FROM staff WHERE id = ?", member.id)


_PASSWORDS = frozenset({"SQL", "card-like", "DST gap", "far past", "far future",
                        "impossible date"})  # fmt: skip
_FAILED_LOGIN = frozenset({"audit_log", "audit_head", "staff"})

ENTRIES += [
    Entry(
        "accounts.add_staff(username)",
        lambda w, text: _add_staff(w, username=text),
        stored=frozenset({"NaN", "infinity"}),
        read=_staff_column("username"),
        expect=lambda text: text.strip().lower(),
    ),
    Entry(
        "accounts.add_staff(full name)",
        lambda w, text: _add_staff(w, full_name=text),
        stored=PRINTABLE,
        read=_staff_column("full_name"),
    ),
    Entry("accounts.add_staff(role)", lambda w, text: _add_staff(w, role=text)),
    Entry(
        "accounts.add_staff(password)",
        lambda w, text: _add_staff(w, password=text),
        stored=_PASSWORDS,
        read=_staff_column("password_hash"),
        matches=lambda w, stored, text: auth.verify_secret(stored, text),
    ),
    Entry(
        "accounts.add_staff(PIN)",
        lambda w, text: _add_staff(w, pin=text),
        stored=frozenset({"empty"}),
        read=_staff_column("pin_hash"),
        expect=lambda text: None,
    ),
    Entry(
        "accounts.add_staff(credentials)",
        lambda w, text: _add_staff(w, credentials=text),
        stored=NOTE - OVER_20,
        read=_staff_column("credentials"),
    ),
    Entry(
        "accounts.update_staff(full name)",
        lambda w, text: accounts.update_staff(
            w.manager, w.mbell, full_name=text, role="receptionist"
        ),
        stored=PRINTABLE,
        read=_staff_column("full_name"),
    ),
    Entry(
        "accounts.update_staff(role)",
        lambda w, text: accounts.update_staff(w.manager, w.mbell, full_name="Maya Bell", role=text),
    ),
    Entry(
        "accounts.reset_password(password)",
        lambda w, text: accounts.reset_password(w.manager, w.mbell, text),
        stored=_PASSWORDS,
        read=lambda w, _: _one(w, "SELECT password_hash FROM staff WHERE username = 'mbell'"),
        matches=lambda w, stored, text: auth.verify_secret(stored, text),
    ),
    Entry(
        "accounts.reset_pin(PIN)",
        lambda w, text: accounts.reset_pin(w.manager, w.mbell, text),
    ),
    Entry(
        "auth.login(username)",
        lambda w, text: auth.login(w.nobody, text, "frontdesk"),
        may_write=_FAILED_LOGIN,
    ),
    Entry(
        "auth.login(password)",
        lambda w, text: auth.login(w.nobody, "anguyen", text),
        may_write=_FAILED_LOGIN,
    ),
    Entry(
        "auth.unlock_with_pin(PIN)",
        lambda w, text: auth.unlock_with_pin(w.at("FRONT-2", "mbell"), text),
        may_write=_FAILED_LOGIN,
    ),
    Entry(
        "auth.approve(username)",
        lambda w, text: auth.approve(w.reception, text, "2468", "a refund"),
        may_write=_FAILED_LOGIN,
    ),
    Entry(
        "auth.approve(PIN)",
        lambda w, text: auth.approve(w.reception, "dokafor", text, "a refund"),
        may_write=_FAILED_LOGIN,
    ),
]
# the practice's settings ------------------------------------------------------------------------


def _settings(w: World, **typed: str):
    """The settings form: what it shows, with one field typed over."""
    shown = practice.load_settings(w.db)
    fields = {
        "name": shown.name,
        "address": shown.address,
        "phone": shown.phone,
        "time_zone": shown.time_zone,
        "idle": str(shown.idle_lock_minutes),
        "grace": str(shown.no_show_grace_minutes),
        "ceiling": shown.amount_ceiling.format(symbol=False),
        "tax": practice.format_tax_rate(shown.sales_tax_basis_points),
        "discount": shown.discount_limit.format(symbol=False),
        "wait": str(shown.wait_alert_minutes),
        "over_short": shown.over_short_limit.format(symbol=False),
    }
    fields.update(typed)
    settings = practice.build_settings(
        name=fields["name"],
        address=fields["address"],
        phone=fields["phone"],
        time_zone=fields["time_zone"],
        idle_lock_minutes=practice.parse_idle_minutes(fields["idle"]),
        slot_minutes=shown.slot_minutes,
        no_show_grace_minutes=practice.parse_grace_minutes(fields["grace"]),
        amount_ceiling=practice.parse_ceiling(fields["ceiling"]),
        sales_tax_basis_points=practice.parse_tax_rate(fields["tax"]),
        discount_limit=practice.parse_discount_limit(fields["discount"]),
        wait_alert_minutes=practice.parse_wait_minutes(fields["wait"]),
        over_short_limit=practice.parse_over_short_limit(fields["over_short"]),
    )
    return practice.update_settings(w.manager, settings, original=shown)


def _setting(key: str) -> Callable[[World, Any], Any]:
    import json

    return lambda w, _: json.loads(_one(w, "SELECT value FROM settings WHERE key = ?", key))


ENTRIES += [
    Entry(
        "practice.update_settings(name)",
        lambda w, text: _settings(w, name=text),
        stored=PRINTABLE,
        read=_setting("name"),
    ),
    Entry(
        "practice.update_settings(address)",
        lambda w, text: _settings(w, address=text),
        stored=NOTE,
        read=_setting("address"),
    ),
    Entry(
        "practice.update_settings(phone)",
        lambda w, text: _settings(w, phone=text),
        stored=BLANK,
        read=_setting("phone"),
    ),
    Entry("practice.update_settings(time zone)", lambda w, text: _settings(w, time_zone=text)),
    Entry("practice.update_settings(idle lock)", lambda w, text: _settings(w, idle=text)),
    Entry(
        "practice.update_settings(no-show grace)",
        lambda w, text: _settings(w, grace=text),
        stored=frozenset({"zero"}),
        read=_setting("no_show_grace_minutes"),
        expect=lambda text: 0,
    ),
    Entry("practice.update_settings(largest amount)", lambda w, text: _settings(w, ceiling=text)),
    Entry(
        "practice.update_settings(sales tax)",
        lambda w, text: _settings(w, tax=text),
        stored=ZERO,
        read=_setting("sales_tax_basis_points"),
        expect=lambda text: 0,
    ),
    Entry(
        "practice.update_settings(discount limit)",
        lambda w, text: _settings(w, discount=text),
        stored=ZERO,
        read=_setting("discount_limit"),
        expect=lambda text: 0,
    ),
    Entry("practice.update_settings(wait alert)", lambda w, text: _settings(w, wait=text)),
    Entry(
        "practice.update_settings(over/short limit)",
        lambda w, text: _settings(w, over_short=text),
        stored=ZERO,
        read=_setting("over_short_limit"),
        expect=lambda text: 0,
    ),
]

# printers, workstations, backups ---------------------------------------------------------------


def _printer(w: World, connection: str = "network", **typed: Any):
    fields: dict[str, Any] = {
        "network": {"host": "10.0.0.40"},
        "usb": {"usb_vendor": 0x04B8, "usb_product": 0x0202},
        "serial": {"device": "/dev/ttyUSB0"},
        "cups": {"queue": "receipts"},
        "file": {"path": "/tmp/receipts.escpos"},
    }[connection]
    fields.update(typed)
    return printers.save_printer(
        w.manager, Printer(name=fields.pop("name", "Receipt 2"), connection=connection, **fields)
    )


def _printer_column(column: str) -> Callable[[World, Any], Any]:
    return lambda w, saved: _one(w, f"SELECT {column} FROM printers WHERE id = ?", saved.id)


ENTRIES += [
    Entry(
        "printers.save_printer(name)",
        lambda w, text: _printer(w, name=text),
        stored=PRINTABLE,
        read=_printer_column("name"),
    ),
    Entry(
        "printers.save_printer(host)",
        lambda w, text: _printer(w, host=text),
        stored=MACHINE_NAMES,
        read=_printer_column("host"),
    ),
    Entry(
        "printers.save_printer(port)",
        lambda w, text: _printer(w, port=schedule.read_number(text, "port")),
    ),
    Entry(
        "printers.save_printer(USB vendor id)",
        lambda w, text: _printer(w, "usb", usb_vendor=printers.parse_usb_id(text, "vendor")),
        stored=frozenset({"exponent"}),
        read=_printer_column("usb_vendor"),
        expect=lambda text: 0x1E3,
    ),
    Entry(
        "printers.save_printer(serial device)",
        lambda w, text: _printer(w, "serial", device=text),
    ),
    Entry(
        "printers.save_printer(CUPS queue)",
        lambda w, text: _printer(w, "cups", queue=text),
        stored=MACHINE_NAMES | {"negative"},
        read=_printer_column("queue"),
    ),
    Entry("printers.save_printer(file)", lambda w, text: _printer(w, "file", path=text)),
    Entry(
        "printers.save_printer(code page)",
        lambda w, text: _printer(w, code_page=text.strip().upper()),
        stored=BLANK,
        read=_printer_column("code_page"),
    ),
    Entry(
        "printers.assign(workstation)",
        lambda w, text: printers.assign(w.manager, text, "Receipt 1"),
        stored=MACHINE_NAMES,
        read=lambda w, _: _one(
            w,
            "SELECT w.workstation FROM workstation_printers w JOIN printers p"
            " ON p.id = w.printer_id WHERE p.name = 'Receipt 1'",
        ),
    ),
    Entry(
        "workstations.save_workstation(name)",
        lambda w, text: workstations.save_workstation(w.manager, text, "10.0.0.77"),
        stored=MACHINE_NAMES,
        read=lambda w, _: _one(
            w, "SELECT name FROM workstations WHERE client_address = '10.0.0.77'"
        ),
    ),
    Entry(
        "workstations.save_workstation(address)",
        lambda w, text: workstations.save_workstation(w.manager, "FRONT-7", text),
        stored=BLANK,
        read=lambda w, _: _one(w, "SELECT client_address FROM workstations WHERE name = 'FRONT-7'"),
    ),
    Entry(
        "workstations.save_workstation(Unix user)",
        lambda w, text: workstations.save_workstation(w.manager, "FRONT-7", "", text),
        stored=BLANK | {"infinity"},
        read=lambda w, _: _one(w, "SELECT unix_user FROM workstations WHERE name = 'FRONT-7'"),
    ),
    Entry(
        "backups.backup(folder)",
        lambda w, text: backups.backup(w.path, w.clock, text, made_by="test"),
        own_file=True,
        stored=BLANK,  # blank: the default folder beside the database
        read=lambda w, made: _one(w, "SELECT verified FROM backups WHERE path = ?", made.path),
        expect=lambda text: 1,
    ),
    Entry(
        "backups.restore(file)",
        lambda w, text: backups.restore(w.path, text, w.clock),
        own_file=True,
    ),
]

# insurance at check-in --------------------------------------------------------------------------


def _insurance(w: World, *, payer="Blue Cross", member="XJH123456", group="", verified=""):
    return visits.record_insurance(
        w.reception,
        w.patient,
        payer,
        member,
        group_no=group,
        verified_on=visits.parse_verified_on(w.reception, verified),
    )


def _card_column(column: str) -> Callable[[World, Any], Any]:
    return lambda w, card: _one(w, f"SELECT {column} FROM insurance_cards WHERE id = ?", card.id)


ENTRIES += [
    Entry(
        "visits.record_insurance(payer)",
        lambda w, text: _insurance(w, payer=text),
        stored=PRINTABLE,
        read=_card_column("payer"),
    ),
    Entry(
        "visits.record_insurance(member id)",
        lambda w, text: _insurance(w, member=text),
        stored=PRINTABLE,
        read=_card_column("member_id"),
    ),
    Entry(
        "visits.record_insurance(group)",
        lambda w, text: _insurance(w, group=text),
        stored=NOTE,
        read=_card_column("group_no"),
    ),
    Entry(
        "visits.parse_verified_on(checked on)",
        lambda w, text: _insurance(w, verified=text),
        stored=BLANK,
        read=_card_column("verified_on"),
        expect=lambda text: "2026-11-24",
    ),
    Entry(
        "audit.list_entries(text)",
        lambda w, text: audit.list_entries(w.manager, text=text),
        answered=LABELS - {"10 000 characters"},
    ),
]

# Times that do not exist, or exist twice, on the practice's clock (America/Chicago):
# refused, or booked at the one the person chose, never moved.
EXTRA: list[tuple[Entry, str, str, Outcome]] = [
    (
        Entry(
            "appointments.book(time in the spring-forward gap)",
            lambda w, text: appointments.book(
                w.manager, _booking(w, day="03/14/2027", time=text), override=_OVERRIDE
            ),
        ),
        "DST gap",
        "2:30am",
        Outcome.REFUSED,
    ),
    (
        Entry(
            "appointments.book(time that happens twice)",
            lambda w, text: appointments.book(
                w.manager, _booking(w, day="11/07/2027", time=text), override=_OVERRIDE
            ),
        ),
        "DST fold",
        "1:30am",
        Outcome.REFUSED,
    ),
    (
        Entry(
            "appointments.book(the earlier of a time that happens twice)",
            lambda w, text: appointments.book(
                w.manager,
                _booking(w, day="11/07/2027", time=text, which="earlier"),
                override=_OVERRIDE,
            ),
            stored=frozenset({"DST fold"}),
            read=lambda w, saved: _one(
                w, "SELECT starts_at FROM appointments WHERE id = ?", saved.id
            ),
            expect=lambda text: "2027-11-07T06:30:00.000000Z",  # 1:30am CDT
        ),
        "DST fold",
        "1:30am",
        Outcome.STORED,
    ),
    (
        Entry(
            "appointments.book(the later of a time that happens twice)",
            lambda w, text: appointments.book(
                w.manager,
                _booking(w, day="11/07/2027", time=text, which="later"),
                override=_OVERRIDE,
            ),
            stored=frozenset({"DST fold"}),
            read=lambda w, saved: _one(
                w, "SELECT starts_at FROM appointments WHERE id = ?", saved.id
            ),
            expect=lambda text: "2027-11-07T07:30:00.000000Z",  # 1:30am CST
        ),
        "DST fold",
        "1:30am",
        Outcome.STORED,
    ),
    (
        Entry(
            "appointments.book(ends after midnight)",
            lambda w, text: appointments.book(
                w.manager, _booking(w, time="11:45pm", minutes=text), override=_OVERRIDE
            ),
        ),
        "end before start",
        "30",
        Outcome.REFUSED,
    ),
    (
        Entry(
            "block_time.add_block_on(start in the spring-forward gap)",
            lambda w, text: _block(w, day="03/14/2027", start=text, end="3:30am"),
        ),
        "DST gap",
        "2:30am",
        Outcome.REFUSED,
    ),
    (
        Entry(
            "block_time.add_block_on(start that happens twice)",
            lambda w, text: _block(w, day="11/07/2027", start=text, end="3:00am"),
        ),
        "DST fold",
        "1:30am",
        Outcome.REFUSED,
    ),
    (
        Entry(
            "block_time.add_block_on(ends before it starts)",
            lambda w, text: _block(w, start="1:00pm", end=text),
        ),
        "end before start",
        "12:00pm",
        Outcome.REFUSED,
    ),
    (
        Entry(
            "working_hours.parse_hours(ends before it starts)",
            lambda w, text: working_hours.set_weekly_hours(
                w.manager, w.vargas, 5, working_hours.parse_hours(text)
            ),
        ),
        "end before start",
        "5:00pm-9:00am",
        Outcome.REFUSED,
    ),
]


#: A good value for each field: the entry point takes it (so a refusal above is the
#: value's doing, not the entry's); a function of the practice for a value it holds.
#: None: no value is good to try here.
VALID: dict[str, str | Callable[[World], str] | None] = {
    "patients.register_patient(first_name)": "Rosa",
    "patients.register_patient(middle_name)": "Ann",
    "patients.register_patient(last_name)": "Quintero",
    "patients.register_patient(preferred_name)": "Ro",
    "patients.register_patient(dob)": "3/14/1978",
    "patients.register_patient(sex)": "f",
    "patients.register_patient(phone)": "312-555-0199",
    "patients.register_patient(email)": "rosa.q@example.com",
    "patients.register_patient(address1)": "12 Elm St",
    "patients.register_patient(address2)": "Apt 2",
    "patients.register_patient(city)": "Chicago",
    "patients.register_patient(state)": "il",
    "patients.register_patient(postal_code)": "60611-1234",
    "patients.register_patient(preferred_contact)": "Email",
    "patients.register_patient(notes)": "Prefers mornings",
    "patients.register_patient(alerts)": "Latex allergy",
    "patients.update_patient(first_name)": "Rosalind",
    "patients.update_patient(last_name)": "Quintero-Ruiz",
    "patients.update_patient(dob)": "1978-03-14",
    "patients.update_patient(phone)": "(773) 555-0188",
    "patients.update_patient(notes)": "Prefers mornings",
    "patients.update_patient(alerts)": "Latex allergy",
    "patients.search_patients(text)": "smith",
    "appointments.book(day)": BOOK_DAY,
    "appointments.book(time)": "10:15",
    "appointments.book(minutes)": "30",
    "appointments.book(notes)": "Bring the biopsy report",
    "appointments.book(override reason)": "Doctor's request",
    "appointment_status.cancel(reason)": "late_cancel",
    "appointment_status.cancel(note)": "Sick",
    "appointment_status.reschedule(day)": BOOK_DAY,
    "appointment_status.reschedule(note)": "Asked for a morning",
    "waitlist.add_to_waitlist(earliest)": "12/02/2026",
    "waitlist.add_to_waitlist(latest)": "2027-01-31",
    "waitlist.add_to_waitlist(notes)": "Any morning",
    "waitlist.remove_from_waitlist(reason)": "Booked elsewhere",
    "recalls.add_recall(kind)": "Skin check",
    "recalls.add_recall(due date)": "06/01/2027",
    "recalls.add_recall(notes)": "Call after 5",
    "recalls.record_attempt(outcome)": "Left a message",
    "recalls.record_attempt(method)": "text",
    "recalls.close_recall(reason)": "Moved away",
    "recalls.parse_month(month)": "12/2026",
    "recalls.export_recalls_file(path)": "recall-cards.csv",
    "schedule.save_resource(name)": "Dr. Ana Silva",
    "schedule.save_resource(column heading)": "Dr Silva",
    "schedule.save_resource(order)": "7",
    "schedule.resources_from_headings(columns)": "Dr Vargas, laser room",
    "visit_types.save_type(name)": "Wart check",
    "visit_types.save_type(minutes)": "20",
    "visit_types.save_type(fee codes)": "17110",
    "visit_types.save_type(recall months)": "6",
    "visit_types.save_type(recall kind)": "Wart recheck",
    "working_hours.set_weekly_hours(hours)": "8:00-12:00, 1:00pm-5:00pm",
    "working_hours.set_day_hours(day)": BOOK_DAY,
    "working_hours.set_day_hours(hours)": "9-1",
    "working_hours.set_day_hours(note)": "Half day",
    "working_hours.close_day(day)": BOOK_DAY,
    "working_hours.close_day(reason)": "Snow day",
    "working_hours.reopen_day(day)": "01/01/2027",
    "block_time.add_block_on(day)": "1/5/2027",
    "block_time.add_block_on(start)": "11:30am",
    "block_time.add_block_on(end)": "2:00pm",
    "block_time.add_block_on(last day)": "01/08/2027",
    "block_time.add_block_on(note)": "Staff meeting",
    "openings.find_openings(first date)": "12/01/2026",
    "payments.make_tender(method)": "cash",
    "payments.make_tender(amount)": "$20",
    "payments.make_tender(tendered)": "50",
    "payments.make_tender(check number)": "1043",
    "payments.make_tender(card brand)": "Mastercard",
    "payments.make_tender(card last 4)": "0005",
    "payments.make_tender(approval code)": "ok1234",
    "payments.make_tender(gift card code)": lambda w: w.gift_card,
    "payments.find_gift_card(code)": lambda w: f" {w.gift_card.lower()} ",
    "payments.post_deposit(amount)": "150.00",
    "payments.sell_gift_card(amount)": "25",
    "payments.sell_gift_card(recipient)": "Mom",
    "visits.check_out(quantity)": "2",
    "visits.check_out(price)": "90.00",
    "visits.check_out(discount)": "10%",
    "visits.check_out(no-charge reason)": "Post-op check",
    "visits.check_out(approval reason)": "Long-time patient",
    "fee_sheets.find_code(code)": lambda w: w.service_code,
    "fee_sheets.find_sku(sku)": "850012410300",
    "fee_sheets.search_catalogue(text)": "sunscreen",
    "corrections.refund_payment(amount)": "20",
    "corrections.refund_payment(reason)": "Charged twice",
    "corrections.refund_payment(refund approval code)": "RF-9921",
    "corrections.void_entry(reason)": "Wrong patient",
    "corrections.adjust_balance(amount)": "5.00",
    "corrections.adjust_balance(reason code)": "small_balance",
    "corrections.adjust_balance(note)": "Goodwill",
    "corrections.return_product(quantity)": "1",
    "corrections.return_product(reason)": "Unopened",
    "drawers.open_drawer(count)": "10",
    "drawers.record_move(amount)": "12.50",
    "drawers.record_move(payee)": "Jewel-Osco",
    "drawers.record_move(reason)": "Coffee for the office",
    "drawers.record_move(receipt)": "R-1001",
    "drawers.submit_count(count)": "12",
    "drawers.submit_count(check number)": "2001",
    "drawers.submit_count(check payer)": "J. Smith",
    "drawers.submit_count(check amount)": "45",
    "drawers.submit_count(card batch)": "1,234.56",
    "drawers.close_drawer(leave)": "100",
    "drawers.close_drawer(reason)": "Counted twice",
    "drawers.save_drawer(name)": "Annex",
    "drawers.save_drawer(workstation)": "FRONT-9",
    "drawers.save_drawer(printer)": "Receipt 1",
    "drawers.save_drawer(default float)": "150",
    "day_close.record_no_charge(reason)": "Post-op check, no charge",
    "day_close.close_of_day(day)": "11/23/2026",
    "day_close.sign_off(day)": "11/22/2026",
    "day_close.export_files(folder)": "exports/november",
    "accounts.add_staff(username)": "RQuintero",
    "accounts.add_staff(full name)": "Rosa Quintero",
    "accounts.add_staff(role)": "clinical",
    "accounts.add_staff(password)": "sunscreen every day",
    "accounts.add_staff(PIN)": "2580",
    "accounts.add_staff(credentials)": "CMA",
    "accounts.update_staff(full name)": "Marcus A. Bell",
    "accounts.update_staff(role)": "clinical",
    "accounts.reset_password(password)": "sunscreen every day",
    "accounts.reset_pin(PIN)": "2580",
    "auth.login(username)": "ANguyen",
    "auth.login(password)": "frontdesk",
    "auth.unlock_with_pin(PIN)": "1357",
    "auth.approve(username)": "dokafor",
    "auth.approve(PIN)": "2468",
    "practice.update_settings(name)": "Lakeside Dermatology",
    "practice.update_settings(address)": "1 Main St, Chicago, IL 60611",
    "practice.update_settings(phone)": "312.555.0100",
    "practice.update_settings(time zone)": "America/New_York",
    "practice.update_settings(idle lock)": "10",
    "practice.update_settings(no-show grace)": "10",
    "practice.update_settings(largest amount)": "10,000",
    "practice.update_settings(sales tax)": "8.5%",
    "practice.update_settings(discount limit)": "50",
    "practice.update_settings(wait alert)": "30",
    "practice.update_settings(over/short limit)": "10.00",
    "printers.save_printer(name)": "Receipt 3",
    "printers.assign(workstation)": "FRONT-6",
    "printers.save_printer(host)": "receipt-2.local",
    "printers.save_printer(port)": "9100",
    "printers.save_printer(USB vendor id)": "0x04b8",
    "printers.save_printer(serial device)": "/dev/ttyUSB1",
    "printers.save_printer(CUPS queue)": "front_desk",
    "printers.save_printer(file)": "/var/spool/receipts.escpos",
    "printers.save_printer(code page)": "cp1252",
    "workstations.save_workstation(name)": "FRONT-8",
    "workstations.save_workstation(address)": "10.0.0.78",
    "workstations.save_workstation(Unix user)": "front8",
    "backups.backup(folder)": None,  # blank, above: the default folder
    "backups.restore(file)": None,  # a real restore replaces the file: test_backups.py
    "visits.record_insurance(payer)": "Aetna",
    "visits.record_insurance(member id)": "W123456789",
    "visits.record_insurance(group)": "G-100",
    "visits.parse_verified_on(checked on)": "11/20",
    "audit.list_entries(text)": "login",
}


def _entry(name: str) -> Entry:
    return next(entry for entry in ENTRIES if entry.name == name)


# A file name longer than the file system takes (255 bytes), though a short path.
EXTRA += [
    (_entry("recalls.export_recalls_file(path)"), "name too long", "y" * 300, Outcome.REFUSED),
    (_entry("day_close.export_files(folder)"), "name too long", "y" * 300, Outcome.REFUSED),
    (_entry("backups.backup(folder)"), "name too long", "y" * 300, Outcome.REFUSED),
    (_entry("backups.restore(file)"), "name too long", "y" * 300, Outcome.REFUSED),
]


def _cases() -> Iterator[Any]:
    for entry in ENTRIES:
        for label, text in entry.values:
            outcome = entry.outcome(label)
            yield pytest.param(
                entry, label, text, outcome, id=f"{entry.name}-{label}-{outcome.value}"
            )
    for entry in ENTRIES:
        if VALID[entry.name] is not None:
            yield pytest.param(entry, "valid", VALID[entry.name], None, id=f"{entry.name}-valid")
    for entry, label, text, outcome in EXTRA:
        yield pytest.param(entry, label, text, outcome, id=f"{entry.name}-{label}-{outcome.value}")


CASES = list(_cases())


def test_every_entry_takes_known_labels() -> None:
    names = [entry.name for entry in ENTRIES]
    assert len(names) == len(set(names))
    for entry in ENTRIES:
        assert entry.stored <= LABELS and entry.answered <= LABELS, entry.name
        assert not entry.stored & entry.answered, entry.name
        if entry.stored:
            assert entry.read is not None, entry.name
    assert set(VALID) == set(names)


@pytest.mark.parametrize(("entry", "label", "text", "outcome"), CASES)
def test_bad_input(
    entry: Entry,
    label: str,
    text: Any,
    outcome: Outcome | None,
    shared: Shared,
    fresh: Callable[[], World],
    cheap_hashes: None,
) -> None:
    world = fresh() if entry.own_file else shared.get()
    world.written()
    if outcome is None:  # the field's good value: taken (what it changes is undone)
        good = text(world) if callable(text) else text
        with world.rolled_back():
            entry.run(world, good)
        return
    if outcome is Outcome.STORED:
        with contextlib.nullcontext() if entry.own_file else world.rolled_back():
            result = entry.run(world, text)
            assert entry.read is not None
            stored = entry.read(world, result)
        if entry.matches is not None:
            assert entry.matches(world, stored, text), f"stored {stored!r} for {text!r}"
        else:
            assert stored == entry.expect(text)
        assert_clean(stored)
        return
    try:
        if outcome is Outcome.ANSWERED:
            entry.run(world, text)
            assert world.written() == set()
            return
        # A refusal meant to leave a trace (a failed login is counted) leaves it in a
        # transaction rolled back here; any other runs as the desk runs it, committing.
        with world.rolled_back() if entry.may_write else contextlib.nullcontext():
            with pytest.raises(FrontDeskError) as refused:
                entry.run(world, text)
            written = world.written() - entry.may_write
        assert_readable(str(refused.value), text)
        assert written == set(), f"a refused input wrote to {sorted(written)}"
    except BaseException:
        shared.spoilt()  # the next case starts from a clean copy
        raise
    if entry.own_file:
        # A backup records itself on a connection of its own.
        assert _one(world, "SELECT count(*) FROM backups") == 0


def test_a_backup_named_with_uri_characters_is_the_file_named(base: Path, tmp_path: Path) -> None:
    """'?' and '#' are letters of a file name, not the query and fragment of a URI: the
    backup verified is the file named, and no other file is made."""
    named = tmp_path / "copy #2?mode=rwc.db"
    shutil.copy(base, named)
    assert backups.verify_file(named) == ""
    # Nothing but the file (and SQLite's own -wal and -shm beside it).
    assert all(p.name.startswith(named.name) for p in tmp_path.iterdir())
