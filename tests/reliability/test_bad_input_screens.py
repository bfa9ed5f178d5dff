"""Every screen and dialog where people type, under the bad-input catalogue.

Signed in as the manager (every place opens), each form is opened the way a person opens
it and every field it shows is found by asking the form for its inputs. Each hostile value
goes into one field at a time (a short printable value typed key by key, the long and the
control-character ones set on the field as a paste would leave them), then Enter is pressed
in the field and the form's save key. After each: the app has not crashed, the form (or
what it opened over itself) is still there, a refusal is said in readable words (not a
traceback, a Python repr or a wall of 10 000 characters) and nothing was written; at the
end of the form's pass the database's checksum is what it was.

A value a field rightly accepts is not typed where accepting it would save something: each
such case is taken out by name in the form's `accepts`, with the reason.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

from frontdesk.screens import registry
from frontdesk.widgets.form import ErrorLine, MoneyInput
from tests.functional.conftest import SIZE, console, db_value, monotonic  # noqa: F401
from tests.reliability.catalogue import AMOUNTS, DATES, HOSTILE, changed, checksum

Opener = Callable[[object], Awaitable[Screen]]

#: The longest message a person is expected to read in an error line or a notification.
MAX_MESSAGE = 480  # six lines at 80 columns (widgets.form.readable)
# What a message shows when it is Python talking, not the desk.
_PYTHON = re.compile(
    r"Traceback|\b\w+(Error|Exception)\b|object at 0x|NoneType|invalid literal|could not "
    r"convert|validation error|Input should|errors\.pydantic|\[type=|unsupported operand|"
    r"\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|sqlite|constraint failed"
)
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: The values every field of a kind gets; the rest of the catalogue goes round the fields,
#: EXTRA at a time, so that every value is typed somewhere in each kind of field.
CORE = {
    "amount": {"negative", "huge", "fractional cent", "exponent", "NaN", "comma decimal",
               "10 000 characters", "NUL"},
    "date": {"impossible date", "far future", "far past", "DST gap", "10 000 characters",
             "NUL", "emoji"},
    "text": {"empty", "whitespace", "10 000 characters", "NUL", "control characters",
             "right-to-left", "emoji", "SQL"},
}  # fmt: skip
POOL = {"amount": AMOUNTS, "date": DATES + [v for v in HOSTILE if v not in DATES], "text": HOSTILE}
EXTRA = 2
#: The values a field like one already filled (the next denomination of a count) gets.
SPOT = {"negative", "huge", "10 000 characters", "NUL", "emoji"}


def unreadable(text: str) -> str | None:
    """Why `text` is not a message a receptionist can read, or None."""
    if not text.strip():
        return "an empty message"
    if len(text) > MAX_MESSAGE:
        return f"a message {len(text)} characters long"
    odd = sorted({c for c in text if c in _BIDI or (unicodedata.category(c) == "Cc" != c)})
    odd = [c for c in odd if c != "\n"]
    if odd:
        return f"control characters {odd!r} in the message"
    python = _PYTHON.search(text)
    if python:
        return f"Python in the message ({python.group(0)!r})"
    return None


def kind_of(widget: Widget) -> str:
    """Whether a field takes an amount, a date or text."""
    if isinstance(widget, MoneyInput):
        return "amount"
    words = f"{widget.id} {getattr(widget, 'placeholder', '')}".lower()
    if re.search(r"date|day|dob|verified|earliest|latest|due|mm/dd|first|last", words):
        return "date"
    return "text"


class Values:
    """The catalogue's values for each field: its kind's core, and the rest in turn."""

    def __init__(self) -> None:
        self._turn = dict.fromkeys(POOL, 0)

    def next_for(self, widget: Widget) -> list[tuple[str, str]]:
        kind = kind_of(widget)
        rest = [v for v in POOL[kind] if v[0] not in CORE[kind]]
        start = self._turn[kind]
        self._turn[kind] += EXTRA
        extra = {rest[(start + n) % len(rest)][0] for n in range(EXTRA)}
        return [v for v in POOL[kind] if v[0] in CORE[kind] or v[0] in extra]


def typable(text: str) -> bool:
    """Whether a person can type `text` key by key (else it can only be pasted)."""
    return len(text) <= 40 and text.isprintable()


def as_typed(widget: Widget, text: str) -> str:
    """What the field holds once `text` is typed into it: a key its length or its
    characters refuse leaves it as it was (Input's own rule)."""
    if not typable(text) or not isinstance(widget, Input):
        return text
    value = ""
    for character in text:
        longer = value + character
        if widget.max_length and len(longer) > widget.max_length:
            continue
        if widget.restrict and re.fullmatch(widget.restrict, longer) is None:
            continue
        value = longer
    return value


@dataclass
class Form:
    """A form to fill with bad input: how it opens, how it is saved and what it rightly
    accepts."""

    name: str
    open: Opener
    #: The keys that save (Enter in the field is always pressed first); "enter:<id>"
    #: presses Enter in that field.
    save: tuple[str, ...] = ("ctrl+s",)
    #: Values other fields hold while one is filled (to make the form whole).
    baseline: dict[str, str] = field(default_factory=dict)
    #: Fields that take any text: filled while `invalid` keeps the form from saving.
    free: set[str] = field(default_factory=set)
    invalid: dict[str, str] = field(default_factory=dict)
    #: Fields that always hold what another field holds (a password typed twice).
    mirror: dict[str, str] = field(default_factory=dict)
    #: (field id, catalogue label) pairs the form rightly takes (and saves): not typed.
    accepts: set[tuple[str, str]] = field(default_factory=set)
    #: Fields whose Enter is a search: finding nothing is not a refusal to explain.
    quiet: set[str] = field(default_factory=set)
    #: Fields left alone, with the reason in the form's definition.
    skip: set[str] = field(default_factory=set)
    #: Id prefixes of a row of like fields (a count by denomination): the first takes
    #: every value, the others a spot check.
    spot: tuple[str, ...] = ()
    #: Steps that open the form again from the screen it opened over (by default the
    #: opener's last key).
    again: tuple = ()
    #: Tables a refusal writes on purpose (a failed sign-in is audited and counted).
    records: frozenset[str] = frozenset()
    #: The opener writes (a drawer counted before it can be closed): the database is
    #: compared with itself as it is once the form is open.
    prepares: bool = False


# -- keys and waiting -------------------------------------------------------------------


def _busy(app) -> bool:
    """Whether the app or a widget of an open screen has a message queued or in hand."""
    for node in (app, *app.screen.walk_children(with_self=True)):
        if node.message_queue_size or node._next_callbacks:
            return True
    return False


async def settle(pilot) -> None:
    """Let the app finish what the last keys started (messages, dialogs, mounts), without
    painting: the attempt paints once, at its end."""
    app = pilot.app
    depth = len(app.screen_stack)
    calm = 0
    while calm < 2 and app._exception is None:
        await asyncio.sleep(0)
        calm = 0 if _busy(app) else calm + 1
    if len(app.screen_stack) != depth and app._exception is None:
        await pilot.pause()


def key_event(character: str) -> events.Key:
    key = character if character.isalnum() else _character_to_key(character)
    return events.Key(key, character)


async def press(pilot, key: str) -> None:
    """One key as the terminal sends it, then wait for the app."""
    pilot.app.post_message(events.Key(key, "\r" if key == "enter" else None))
    await settle(pilot)


def shown(widget: Widget) -> bool:
    node: object = widget
    while isinstance(node, Widget):
        if not node.display:
            return False
        node = node.parent
    return True


def inputs(form: Screen) -> dict[str, Widget]:
    """The fields a person can type in on the form, by id, in focus order."""
    found = [w for w in form.query("Input, TextArea") if shown(w) and not w.disabled]
    chain = form.focus_chain
    found.sort(key=lambda w: chain.index(w) if w in chain else len(chain))
    return {w.id or f"{type(w).__name__}-{n}": w for n, w in enumerate(found)}


def set_value(widget: Widget, text: str) -> None:
    if isinstance(widget, TextArea):
        widget.text = text
    else:
        widget.value = text  # type: ignore[attr-defined]


def value_of(widget: Widget) -> str:
    return widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore


async def put(pilot, form: Screen, widget: Widget, text: str) -> None:
    """The value into the field: typed key by key when a person can type it, else set as a
    paste leaves it (control characters, 10 000 characters)."""
    form.set_focus(widget)
    if typable(text):
        set_value(widget, "")
        for character in text:
            pilot.app.post_message(key_event(character))
    else:
        set_value(widget, text)
    await settle(pilot)


# -- what the form says -------------------------------------------------------------------


class Watch:
    """Every message shown, as it is shown: error lines (as they read once shown) and
    notifications, each as (text, "error" or "ok")."""

    def __init__(self, app, monkeypatch) -> None:
        self.said: list[tuple[str, str]] = []
        said = self.said
        show, success, notify = ErrorLine.show, ErrorLine.success, app.notify

        def shown_error(line, error):
            show(line, error)
            said.append((line.text, "error"))

        def shown_success(line, text):
            success(line, text)
            said.append((line.text, "ok"))

        def notified(message, *args, **kwargs):
            severity = kwargs.get("severity", "information")
            said.append((str(message), "error" if severity == "error" else "ok"))
            return notify(message, *args, **kwargs)

        monkeypatch.setattr(ErrorLine, "show", shown_error)
        monkeypatch.setattr(ErrorLine, "success", shown_success)
        monkeypatch.setattr(app, "notify", notified)

    def since(self, mark: int) -> tuple[list[str], list[str]]:
        """(refusals, the rest) said since `mark`."""
        told = self.said[mark:]
        return [t for t, kind in told if kind == "error"], [t for t, kind in told if kind == "ok"]


# -- the pass ---------------------------------------------------------------------------


async def back_to(pilot, form: Screen) -> None:
    """Close whatever the attempt opened over the form."""
    app = pilot.app
    while form in app.screen_stack and app.screen is not form:
        await app.pop_screen()
        await settle(pilot)


class Session:
    """One app run: the pilot, what is said, the database as it was and the values."""

    def __init__(self, pilot, watch: Watch) -> None:
        self.pilot, self.app, self.watch = pilot, pilot.app, watch
        self.values = Values()
        self.before = checksum(self.app.db)

    def wrote(self, since: int) -> list[str]:
        """The tables changed since `since` (the connection's count of changes), and
        from now on the database as it is is the one to compare with."""
        if self.app.db.conn.total_changes == since:
            return []
        now = checksum(self.app.db)
        tables, self.before = changed(self.before, now), now
        return tables


class Fuzzer:
    """One form's pass: every field, every value of the catalogue for its kind."""

    def __init__(self, session: Session, spec: Form) -> None:
        self.session, self.spec = session, spec
        self.pilot, self.app, self.watch = session.pilot, session.app, session.watch
        self.problems: list[str] = []
        self.attempts = 0
        self.opened = 0

    async def open(self) -> None:
        app, spec = self.app, self.spec
        again = spec.again or getattr(spec.open, "again", ())
        self.opened += 1
        if again and getattr(self, "parent", None) is app.screen:
            self.form = await run_steps(self.pilot, again)  # quicker than from the start
        else:
            self.form = await spec.open(self.pilot)
        assert app.screen is self.form, f"{spec.name}: {app.screen} is on top"
        self.parent = app.screen_stack[-2]
        self.fields = inputs(self.form)

    async def run(self) -> None:
        app, spec = self.app, self.spec
        writes = app.db.conn.total_changes
        await self.open()
        if spec.prepares:
            self.session.wrote(writes)  # what the opener wrote is the starting point
            writes = app.db.conn.total_changes
        self.original = {fid: value_of(w) for fid, w in self.fields.items()}
        ids = [i for i in self.fields if i not in spec.skip and i not in spec.mirror]
        assert ids, f"{spec.name}: no field to type in"
        spotted: set[str] = set()
        for fid in ids:
            self.navigation = False  # Enter only moves on from here: the save key tries it
            widget = self.fields[fid]
            values = self.session.values.next_for(widget)
            like = next((prefix for prefix in spec.spot if fid.startswith(prefix)), None)
            if like is not None and like in spotted:
                values = [v for v in values if v[0] in SPOT]
            spotted.add(like or fid)
            # What the field holds once a value it rightly takes is typed (an emoji typed
            # where only digits go leaves it as blank does).
            taken = {as_typed(widget, t) for lb, t in HOSTILE if (fid, lb) in spec.accepts}
            typed: set[str] = set()
            for label, text in values:
                held = as_typed(widget, text)
                if (fid, label) in spec.accepts or held in typed or held in taken:
                    continue  # taken rightly, or what the field holds was tried already
                typed.add(held)
                await self.attempt(fid, label, text)
            if self.form in app.screen_stack:
                set_value(self.fields[fid], self.original[fid])
                await settle(self.pilot)
                await self.pilot.pause(0)  # painted once a field is done
        await back_to(self.pilot, self.form)
        tables = [t for t in self.session.wrote(writes) if t not in spec.records]
        if tables:
            self.problems.append(f"{spec.name}: the database changed: {tables}")
        if self.form in app.screen_stack:
            await app.pop_screen()
            await settle(self.pilot)

    async def attempt(self, fid: str, label: str, text: str) -> None:
        app, spec, pilot = self.app, self.spec, self.pilot
        if self.form not in app.screen_stack:
            writes = app.db.conn.total_changes
            await self.open()
            if spec.prepares:
                self.session.wrote(writes)
        form, fields = self.form, self.fields
        if fid not in fields:
            self.problems.append(f"{spec.name}: opened again without its field {fid}")
            return
        self.attempts += 1
        where = f"{spec.name}: {fid} = {label}"
        others = {**self.original, **spec.baseline}
        if fid in spec.free:
            others.update(spec.invalid)
        for other, value in others.items():
            if other != fid and other in fields and value_of(fields[other]) != value:
                set_value(fields[other], value)
        mark, writes = len(self.watch.said), app.db.conn.total_changes
        target = fields[fid]
        await put(pilot, form, target, text)
        for copy, source in spec.mirror.items():
            if source == fid:
                set_value(fields[copy], value_of(target))
        submitted = False
        if not self.navigation:
            form.set_focus(target)
            await press(pilot, "enter")
            self.alive(where)
            errors, fine = self.watch.since(mark)
            moved = app.screen is form and form.focused is not target
            if moved and not (errors or fine) and app.db.conn.total_changes == writes:
                self.navigation = True  # the same for every value: the save key tries them
            else:
                submitted = True
        for step in spec.save:
            if app.screen is not form:
                break
            if step.startswith("enter:"):
                last = list(fields)[-1] if step == "enter:last" else step[6:]
                if last not in fields:
                    continue
                form.set_focus(fields[last])
                step = "enter"
            await press(pilot, step)
            self.alive(where)
            submitted = True
        self.alive(where)
        errors, fine = self.watch.since(mark)
        for message in errors:
            why = unreadable(message)
            if why:
                self.problems.append(f"{where}: {why}: {message[:100]!r}")
        tables = [t for t in self.session.wrote(writes) if t not in spec.records]
        if tables:
            self.problems.append(f"{where}: saved ({', '.join(tables)})")
        elif submitted and app.screen is form and not (errors or fine) and fid not in spec.quiet:
            self.problems.append(f"{where}: refused without a word")
        await back_to(pilot, form)

    def alive(self, where: str) -> None:
        app = self.app
        if app._exception is not None:
            raise AssertionError(f"{where}: the app crashed: {app._exception!r}")
        assert len(app.screen_stack) >= 2, f"{where}: the screens fell to {app.screen_stack}"


# -- opening the forms --------------------------------------------------------------------


async def sign_in_manager(pilot) -> None:
    await pilot.pause()
    pilot.app.sign_in("dokafor", "frontdesk")
    await pilot.pause()
    await pilot.pause()


async def place(pilot, name: str) -> Screen:
    """A place of the registry opened as its key, menu or the palette opens it."""
    app = pilot.app
    app.open_place(name)
    await pilot.pause()
    await pilot.pause()
    assert registry.made_from(app.screen, registry.place(name)), f"{name}: {app.screen}"
    return app.screen


def opens(name: str, *steps: str | Callable) -> Opener:
    """The place `name`, then each step: a key pressed, or `step(pilot, screen)` on the
    screen on top (to pick a row, a tab, a choice on the form)."""

    async def opener(pilot) -> Screen:
        await place(pilot, name)
        return await run_steps(pilot, steps)

    # Opened again from where it opened (the screen under it), by its last key.
    opener.again = (steps[-1],) if steps and isinstance(steps[-1], str) else ()  # type: ignore
    return opener


async def run_steps(pilot, steps) -> Screen:
    app = pilot.app
    for step in steps:
        if isinstance(step, str):
            await pilot.press(step)
            await pilot.pause()
        else:
            await step(pilot, app.screen)
    return app.screen


def fill(values: dict[str, str]) -> Callable:
    """Fill fields of the form on top with good values (to reach what it opens)."""

    async def filled(pilot, screen: Screen) -> Screen:
        for fid, value in values.items():
            set_value(screen.query_one(f"#{fid}"), value)
        await pilot.pause()
        return screen

    return filled


def focus(selector: str) -> Callable:
    async def focused(pilot, screen: Screen) -> Screen:
        screen.set_focus(screen.query_one(selector))
        await pilot.pause()
        return screen

    return focused


def choose(field_id: str, value: object) -> Callable:
    """Set a choice of the form (a tender's method, a printer's connection)."""

    async def chosen(pilot, screen: Screen) -> Screen:
        screen.query_one(f"#{field_id}").value = value
        await pilot.pause()
        return screen

    return chosen


def row_where(table_id: str, test: Callable[[list[str]], bool]) -> Callable:
    """Move the cursor of a table to the first row whose cells pass `test`."""

    async def moved(pilot, screen: Screen) -> Screen:
        table = screen.query_one(f"#{table_id}")
        for index, key in enumerate(table.rows):
            if test([str(cell) for cell in table.get_row(key)]):
                table.move_cursor(row=index)
                table.focus()
                await pilot.pause()
                return screen
        raise AssertionError(f"no row of {table_id} to choose")

    return moved


def look_up(query: str | Callable) -> Callable:
    """Type a patient's account number in the screen's patient picker and pick them."""

    async def picked(pilot, screen: Screen) -> Screen:
        text = query(pilot.app) if callable(query) else query
        field = screen.query_one("#pp-query")
        screen.set_focus(field)
        await pilot.pause()
        await pilot.press(*text, "enter")
        await pilot.pause()
        return pilot.app.screen

    return picked


def account_line(test: Callable[[object], bool]) -> Callable:
    """Highlight the first entry of the open account that passes `test(line)`."""

    async def highlighted(pilot, screen: Screen) -> Screen:
        lines = screen.account.lines  # type: ignore[attr-defined]
        row = next(n for n, line in enumerate(lines) if test(line))
        table = screen.query_one("#acct-table")
        table.move_cursor(row=row)
        table.focus()
        await pilot.pause()
        return screen

    return highlighted


def _card_payment(line) -> bool:
    return line.entry.kind == "payment" and line.entry.method == "card" and line.refundable


def _today(line) -> bool:
    return line.voidable


def _product(line) -> bool:
    return (
        line.entry.kind == "charge"
        and line.entry.charge_id is not None
        and ("SPF" in line.description or "Gel" in line.description or "Balm" in line.description)
    )


async def _counted(pilot, screen: Screen) -> Screen:
    """The drawer counted to the cent (through the services: the count's own form has its
    pass), so that it can be closed."""
    from frontdesk.services import drawers

    desk = pilot.app.desk
    drawer = drawers.drawer_at(desk)
    current = drawers.current_session(desk, drawer.id)
    if current.status == "open":
        should = drawers.expected(desk, current.id)
        counts = {"b1": should.cash.cents // 100, "c1": should.cash.cents % 100}
        drawers.submit_count(desk, current.id, counts, list(should.checks), should.card)
        screen.refresh_drawers()  # type: ignore[attr-defined]
        await pilot.pause()
    return screen


def tab(number: int, *, focus: str = "") -> Callable:
    """A tab of the book setup (its digit), with the focus on `focus` if given."""

    async def shown(pilot, screen: Screen) -> Screen:
        await pilot.press(str(number))
        await pilot.pause()
        await pilot.pause()
        if focus:
            screen.set_focus(screen.query_one(f"#{focus}"))
            await pilot.pause()
        return screen

    return shown


def account_no(sql: str) -> Callable:
    def find(app) -> str:
        return db_value(app, f"SELECT account_no FROM patients WHERE id = ({sql})")

    return find


#: A patient with a product sold and payments taken today (a refund, a return).
_SHOPPER = account_no(
    "SELECT l.patient_id FROM ledger l JOIN charges c ON c.id = l.charge_id"
    " WHERE c.kind = 'product' AND l.kind = 'charge' AND EXISTS (SELECT 1 FROM ledger p"
    " WHERE p.patient_id = l.patient_id AND p.kind = 'payment' AND p.method = 'card'"
    " AND p.business_date = '2026-11-24') ORDER BY l.patient_id LIMIT 1"
)
_ANYONE = account_no("SELECT min(id) FROM patients WHERE active = 1")


async def _to_lines(pilot, screen: Screen) -> Screen:
    """A service on the fee sheet, the cursor on it (check-out's line keys)."""
    await pilot.press(*"99213", "enter")
    await pilot.pause()
    screen.query_one("#fl-table").focus()
    await pilot.pause()
    return screen


def _flow(status: str) -> Callable:
    async def highlighted(pilot, screen: Screen) -> Screen:
        table = screen.query_one("#fb-table")
        row = next(n for n, r in enumerate(screen.shown) if r.status == status)
        table.move_cursor(row=row)
        table.focus()
        await pilot.pause()
        return screen

    return highlighted


FORMS: dict[str, Form] = {}

#: What a free-text field refuses: nothing there, or what no one types (the rest is taken).
_NOT_TEXT = {"empty", "whitespace", "10 000 characters", "NUL", "control characters"}


def taking(fid: str, *labels: str) -> set[tuple[str, str]]:
    return {(fid, label) for label in labels}


def any_text(fid: str) -> set[tuple[str, str]]:
    """Every value but those no one types: a field whose words are saved as they are."""
    return taking(fid, *(label for label, _ in HOSTILE if label not in _NOT_TEXT))


def form(spec: Form) -> Form:
    FORMS[spec.name] = spec
    return spec


# -- the forms ------------------------------------------------------------------------------

form(
    Form(
        "settings",
        opens("settings"),
        free={"set-name", "set-address"},
        invalid={"set-wait": ""},
        accepts={
            # No phone, and none of these at all, are settings a practice may choose.
            ("set-phone", "empty"),
            ("set-phone", "whitespace"),
            *((f, z) for f in ("set-grace", "set-tax", "set-discount", "set-over-short")
              for z in ("zero", "zero cents")),
        },
    )
)  # fmt: skip
# A blank day is no filter: every day is shown.
form(Form("audit", opens("audit"), save=(), quiet={"audit-text", "audit-day"}))
form(Form("patients", opens("patients"), save=(), quiet={"pp-query"}))
form(Form("payments", opens("payments"), save=(), quiet={"pp-query"}))
form(Form("patient (new)", opens("patients", "ctrl+n")))
form(
    Form(
        "patient (edit)",
        opens("patients", look_up(_ANYONE)),  # Enter on the one match opens it
        free={f"pf-{f}" for f in ("first_name", "middle_name", "last_name", "preferred_name",
                                  "address1", "address2", "city", "alerts", "notes")},
        invalid={"pf-dob": ""},
        # Typed into a field that takes only digits (or two letters), these leave what
        # a person may save: a birth date typed up to its time, a blank or two-letter state,
        # a blank ZIP, no email.
        accepts=taking("pf-dob", "DST gap")
        | taking("pf-email", "empty", "whitespace")
        | taking("pf-state", "NaN", "infinity", "empty", "whitespace")
        | taking("pf-postal_code", "NaN", "infinity", "empty", "whitespace", "combining", "emoji"),
    )
)  # fmt: skip

# The manager's own places.
form(Form("staff (new)", opens("staff", "a")))
form(
    Form(
        "staff (edit)",
        opens("staff", "e"),
        free={"sf-fullname", "sf-credentials"},
        invalid={"sf-fullname": "", "sf-credentials": "x" * 21},
    )
)
form(Form("staff (password)", opens("staff", "p"), save=(), mirror={"secret-2": "secret-1"}))
form(Form("staff (PIN)", opens("staff", "n"), save=(), mirror={"secret-2": "secret-1"}))
_DRAWER_TEXT = {"ds-name", "ds-workstation", "ds-printer"}
_NO_FLOAT = taking("ds-float", "zero", "zero cents")  # a drawer may start the day empty
for verb, key in (("new", "a"), ("edit", "e")):
    form(
        Form(
            f"drawer ({verb})",
            opens("drawer_setup", key),
            free=_DRAWER_TEXT,
            invalid={"ds-float": "x"},
            accepts=_NO_FLOAT,
        )
    )
for connection in ("network", "usb", "serial", "cups", "file"):
    form(
        Form(f"printer ({connection})", opens("printers", "a", choose("pf-connection", connection)))
    )
form(
    Form(
        "workstation's printer",
        opens("printers", focus("#pr-stations-table"), "a"),
        # A workstation is named as its desk is: the name is saved with its printer.
        accepts=any_text("sp-workstation"),
    )
)
form(
    Form(
        "workstation (new)",
        opens("workstations", "a"),
        free={"ws-name"},
        invalid={"ws-address": "not an address"},
    )
)

# Book setup, tab by tab.
# Any words name a column or a type, and a number typed in a field of digits is a number:
# those forms are filled while one more field (a name left blank, a length in letters)
# keeps them from saving.
_COLUMN_TEXT = {"bs-col-name", "bs-col-heading", "bs-col-order"}
_NO_COLUMN = {"bs-col-order": "x", "bs-col-name": ""}
form(Form("column (new)", opens("book_setup", "a"), free=_COLUMN_TEXT, invalid=_NO_COLUMN))
form(Form("column (edit)", opens("book_setup", "e"), free=_COLUMN_TEXT, invalid=_NO_COLUMN))
form(
    Form(
        "weekly hours",
        opens("book_setup", tab(2), "enter", "e"),
        accepts=taking("bs-hours-text", "empty", "whitespace"),  # blank: a day off
    )
)
form(Form("day hours", opens("book_setup", tab(3), "a")))
form(Form("closed day", opens("book_setup", tab(4), "a")))
form(Form("block", opens("book_setup", tab(5), "a")))
form(Form("blocks shown", opens("book_setup", tab(5), "f")))
_TYPE_TEXT = {"bs-type-name", "bs-type-minutes", "bs-type-fees", "bs-type-recall",
              "bs-type-recall-kind", "bs-type-columns"}  # fmt: skip
_NO_TYPE = {"bs-type-minutes": "x", "bs-type-name": ""}
form(Form("type (new)", opens("book_setup", tab(6), "a"), free=_TYPE_TEXT, invalid=_NO_TYPE))
form(Form("type (edit)", opens("book_setup", tab(6), "e"), free=_TYPE_TEXT, invalid=_NO_TYPE))

# The appointment book and its lists.
form(Form("go to a date", opens("book", "g"), save=()))
form(Form("find next available", opens("book", "f"), save=()))
form(Form("booking", opens("book", "b")))
form(Form("waitlist (add)", opens("waitlist", "a")))
form(Form("recall (add)", opens("recalls", "a")))
# What came of a call is any words (saved as they are), or nothing at all.
form(Form("recall: contact", opens("recalls", "c"), accepts=any_text("rca-outcome")))

# Check-in and check-out from the flow board.
_CHECK_OUT = ("flow", _flow("arrived"), "c")
form(
    Form(
        "check-in",
        opens("flow", _flow("booked"), "i"),
        free={"ci-address1", "ci-city", "ci-payer", "ci-member", "ci-group"},
        invalid={"ci-verified": "02/30/2026"},
        # No phone or email is a patient's choice; a state takes two letters as typed
        # ("Na", "in"): these check the patient in.
        accepts=taking("ci-phone", "empty", "whitespace")
        | taking("ci-email", "empty", "whitespace")
        | taking("ci-state", "NaN", "infinity", "empty", "whitespace")
        # Blank: checked today; the DST gap's first 10 characters are 03/08/2026, a day
        # the card may have been checked.
        | taking("ci-verified", "empty", "whitespace", "DST gap"),
    )
)
form(Form("check-out", opens(*_CHECK_OUT), save=(), quiet={"fl-search"}))
form(Form("check-out: quantity", opens(*_CHECK_OUT, _to_lines, "q"), save=()))
form(Form("check-out: discount", opens(*_CHECK_OUT, _to_lines, "d")))
form(Form("check-out: price", opens(*_CHECK_OUT, _to_lines, "o"), save=()))
form(Form("check-out: no charge", opens(*_CHECK_OUT, focus("#fl-table"), "n"), save=()))

# Payments.
for method in ("cash", "check", "card", "gift_card"):
    form(
        Form(
            f"tender ({method})",
            opens("payments", look_up(_SHOPPER), "p", choose("td-method", method)),
        )
    )
form(Form("gift card sale", opens("payments", look_up(_SHOPPER), "g")))
form(Form("adjustment", opens("payments", look_up(_SHOPPER), "a")))
# A card refund: the amount and the terminal's refund code. One the form takes goes on to
# the manager's approval (a dialog over the form), never straight to the books.
form(
    Form(
        "refund",
        opens("payments", look_up(_SHOPPER), account_line(_card_payment), "R"),
        free={"rf-reference"},
        invalid={"rf-amount": "x"},
    )
)
form(
    Form(
        "refund: the manager's approval",
        opens("payments", look_up(_SHOPPER), account_line(_card_payment), "R",
              fill({"rf-reference": "R7731", "rf-amount": "1.00"}), "ctrl+s"),
        # The manager is signed in: any words are the reason the refund is approved for.
        accepts=any_text("approve-reason"),
    )
)  # fmt: skip
form(
    Form(
        "void: the reason",
        opens("payments", look_up(_SHOPPER), account_line(_today), "v"),
        # Any words are a reason the manager (signed in) gives for the void.
        accepts=any_text("approve-reason"),
    )
)
form(Form("return", opens("payments", look_up(_SHOPPER), account_line(_product), "t")))

# The cash drawer.
for kind, key in (("paid-out", "p"), ("drop", "d"), ("petty cash", "r")):
    form(Form(f"drawer: {kind}", opens("drawer", key), save=("enter:last",)))
form(
    Form(
        "drawer: no sale",
        opens("drawer", "n"),
        save=("enter:last",),
        accepts=any_text("mv-reason"),  # the drawer opened for whatever reason is given
    )
)
form(
    Form(
        "drawer: close",
        opens("drawer", _counted, "k"),
        save=("enter:last",),
        prepares=True,
        free={"cl-reason"},
        invalid={"cl-leave": "x"},
        # A wrong PIN for a real manager is counted towards the lock-out, and audited.
        records=frozenset({"staff", "audit_log", "audit_head"}),
    )
)
form(
    Form(
        "drawer: count",
        opens("drawer", "c"),
        spot=("cg-",),
        accepts=taking("cd-card", "zero", "zero cents"),  # no card taken: a $0.00 batch
    )
)


async def run_forms(app, monkeypatch, names: list[str]) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        watch = Watch(app, monkeypatch)
        await sign_in_manager(pilot)
        session = Session(pilot, watch)
        passes = []
        for name in names:
            passes.append(Fuzzer(session, FORMS[name]))
            await passes[-1].run()
        problems = [p for found in passes for p in found.problems]
        print({found.spec.name: (found.attempts, found.opened) for found in passes})
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize("names", [[name] for name in FORMS], ids=list(FORMS))
async def test_forms(console, monkeypatch, names) -> None:  # noqa: F811
    await asyncio.wait_for(run_forms(console, monkeypatch, names), 400)


# -- signing in and unlocking ----------------------------------------------------------------

#: What a refused sign-in writes, on purpose: the audit log's entry and the failed count
#: (the lock-out after too many).
_SIGN_IN_RECORDS = {"staff", "audit_log", "audit_head"}


async def _refused_everywhere(
    pilot, watch, screen, fields: dict[str, str], name: str, *, spec: Form | None = None
):
    """Each catalogue value in each field of `fields` (the others holding their values:
    good but wrong, or good with one of `spec.invalid` keeping a `spec.free` field's
    value from being saved), Enter pressed in the field and then in the last one: a
    readable refusal each time, still on `screen`, and nothing written but what a refused
    sign-in records. `spec.accepts` and `spec.mirror` are as for the forms."""
    app, problems = pilot.app, []
    spec = spec or Form(name, screen)
    before = checksum(app.db)
    ids = list(fields)
    for fid in (i for i in ids if i not in spec.mirror):
        widget = screen.query_one(f"#{fid}")
        taken = {as_typed(widget, t) for lb, t in HOSTILE if (fid, lb) in spec.accepts}
        for label, text in HOSTILE:
            if (fid, label) in spec.accepts or as_typed(widget, text) in taken:
                continue
            where = f"{name}: {fid} = {label}"
            others = {**fields, **(spec.invalid if fid in spec.free else {})}
            for other, value in others.items():
                if other != fid:
                    set_value(screen.query_one(f"#{other}"), value)
            mark = len(watch.said)
            await put(pilot, screen, widget, text)
            for copy, source in spec.mirror.items():
                if source == fid:
                    set_value(screen.query_one(f"#{copy}"), value_of(widget))
            await press(pilot, "enter")  # in the field: the PIN unlocks, a name moves on
            if app.screen is screen and fid != ids[-1]:
                screen.set_focus(screen.query_one(f"#{ids[-1]}"))
                await press(pilot, "enter")
            if app._exception is not None:
                raise AssertionError(f"{where}: the app crashed: {app._exception!r}")
            errors, _ = watch.since(mark)
            if app.screen is not screen:
                problems.append(f"{where}: let through to {app.screen}")
                break
            if not errors:
                problems.append(f"{where}: refused without a word")
            problems += [f"{where}: {why}" for why in map(unreadable, errors) if why]
    after = checksum(app.db)
    wrote = [t for t in changed(before, after) if t not in _SIGN_IN_RECORDS]
    if wrote:
        problems.append(f"{name}: the database changed: {wrote}")
    return problems


async def test_sign_in_and_unlock_under_bad_input(console, monkeypatch) -> None:  # noqa: F811
    app = console
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        watch = Watch(app, monkeypatch)
        login = app.screen
        problems = await _refused_everywhere(
            pilot, watch, login, {"login-username": "anguyen", "login-password": "wrong-pass"},
            "sign-in",
        )  # fmt: skip
        assert app.actor is None  # nobody got in
        await sign_in_manager(pilot)
        assert app.actor is not None and app.actor.username == "dokafor"
        await pilot.press("ctrl+l")
        await pilot.pause()
        lock = app.screen
        assert app.locked
        problems += await _refused_everywhere(
            pilot, watch, lock, {"lock-pin": "", "lock-username": "mbell", "lock-password": "x"},
            "lock",
        )  # fmt: skip
        assert app.locked and app.actor.username == "dokafor"
        assert not problems, "\n".join(problems)


async def test_first_run_under_bad_input(tmp_path, clock) -> None:
    from frontdesk.app import FrontDeskApp
    from frontdesk.data.schema import open_database

    db = open_database(tmp_path / "new.db")
    app = FrontDeskApp(db=db, workstation="OFFICE", clock=clock, printing=False)
    good = {
        "fr-name": "Northside Skin", "fr-address": "5 Elm St", "fr-phone": "(773) 555-0123",
        "fr-tz": "America/Chicago", "fr-username": "boss", "fr-fullname": "Bea Boss",
        "fr-password": "good-password-5", "fr-password2": "good-password-5", "fr-pin": "4826",
    }  # fmt: skip
    spec = Form(
        "first run",
        None,  # type: ignore[arg-type]
        free={"fr-name", "fr-address", "fr-fullname"},
        invalid={"fr-pin": "12"},
        mirror={"fr-password2": "fr-password"},
        # No phone is the practice's choice; a username and a password of these
        # characters are good ones (a password of any words, a name of letters).
        accepts=taking("fr-phone", "empty", "whitespace")
        | taking("fr-username", "NaN", "infinity")
        | taking("fr-password", "SQL", "right-to-left", "DST gap", "far past", "far future",
                 "impossible date", "card-like", "card digits")
        # A PIN takes the digits typed, up to 8: a date's digits make a PIN.
        | taking("fr-pin", "card-like", "card digits", "huge", "DST gap", "far past",
                 "far future", "impossible date"),
    )  # fmt: skip
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            screen = app.screen
            watch = Watch(app, pytest.MonkeyPatch())
            problems = await _refused_everywhere(pilot, watch, screen, good, "first run", spec=spec)
            assert not problems, "\n".join(problems)
            assert db.execute("SELECT count(*) FROM staff").fetchone()[0] == 0
    finally:
        db.close()
