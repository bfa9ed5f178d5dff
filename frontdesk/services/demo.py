"""A demo practice: Lakeside Dermatology, its staff and patients, from a seed.

`small` is a realistic practice to try the console on; `large` is the benchmark size of
DESIGN.md §6. Each later area adds its own step to `STEPS`. Bulk inserts keep `large`
within minutes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from frontdesk.data.db import write
from frontdesk.data.models import PracticeSettings
from frontdesk.services import audit, practice
from frontdesk.services.auth import hash_secret
from frontdesk.services.context import Desk
from frontdesk.services.demo_book import BOOK_STEPS
from frontdesk.services.demo_drawers import DRAWER_HISTORY_STEPS, DRAWER_SETUP_STEPS
from frontdesk.services.demo_history import MONEY_STEPS
from frontdesk.services.demo_money import CATALOGUE_STEPS

__all__ = ["DEMO_LOGINS", "STEPS", "DemoLogin", "Scale", "build_demo", "demo_logins_text"]

Scale = Literal["small", "large"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    credentials: str
    role: str
    password: str
    pin: str


_PASSWORD = "frontdesk"
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("dokafor", "Denise Okafor", "", "manager", _PASSWORD, "2468"),
    DemoLogin("anguyen", "Ashley Nguyen", "", "receptionist", _PASSWORD, "1357"),
    DemoLogin("mbell", "Marcus Bell", "", "receptionist", _PASSWORD, "1357"),
    DemoLogin("truiz", "Tanya Ruiz", "", "receptionist", _PASSWORD, "1357"),
    DemoLogin("kpark", "Kevin Park", "", "receptionist", _PASSWORD, "1357"),
    DemoLogin("evargas", "Elena Vargas", "MD", "provider", _PASSWORD, "1357"),
    DemoLogin("joconnor", "James O'Connor", "MD", "provider", _PASSWORD, "1357"),
    DemoLogin("praman", "Priya Raman", "PA-C", "provider", _PASSWORD, "1357"),
    DemoLogin("zlindqvist", "Zoë Lindqvist", "NP", "provider", _PASSWORD, "1357"),
    DemoLogin("hschultz", "Hannah Schultz", "MA", "clinical", _PASSWORD, "1357"),
    DemoLogin("lortega", "Luis Ortega", "RN", "clinical", _PASSWORD, "1357"),
    DemoLogin("cdubois", "Chloé Dubois", "LE", "clinical", _PASSWORD, "1357"),
)

DEMO_SETTINGS = PracticeSettings(
    name="Lakeside Dermatology & Laser",
    address="1200 N Lake Shore Dr, Suite 300, Chicago, IL 60611",
    phone="(312) 555-0100",
    time_zone="America/Chicago",
    sales_tax_basis_points=1025,  # Chicago's combined rate on general merchandise
)


@dataclass(frozen=True)
class DemoPlan:
    """How much of everything a scale makes."""

    scale: Scale
    seed: int
    patients: int


def plan(scale: Scale, seed: int) -> DemoPlan:
    return DemoPlan(scale=scale, seed=seed, patients=400 if scale == "small" else 50_000)


def _practice(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    practice.save_settings(desk, DEMO_SETTINGS)
    # From here on "today" and wall-clock times are the practice's, not the default zone's.
    desk.clock.tz = DEMO_SETTINGS.time_zone


def _staff(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    # One hash per distinct secret: hashing is deliberately slow.
    hashes = {
        secret: hash_secret(secret) for secret in {_PASSWORD, *(login.pin for login in DEMO_LOGINS)}
    }
    now = desk.clock.stamp()
    desk.db.conn.executemany(
        "INSERT INTO staff (username, full_name, credentials, role, password_hash, pin_hash,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                login.username,
                login.full_name,
                login.credentials,
                login.role,
                hashes[login.password],
                hashes[login.pin],
                now,
                now,
            )
            for login in DEMO_LOGINS
        ],
    )


_FIRST_F = (
    "María",
    "Zoë",
    "Siobhán",
    "Chloé",
    "Ashley",
    "Jennifer",
    "Aisha",
    "Mei",
    "Olivia",
    "Emma",
    "Sofía",
    "Grace",
    "Linh",
    "Fatima",
    "Renée",
    "Hannah",
    "Priyanka",
    "Claire",
    "Nora",
    "Ingrid",
    "Camila",
    "Dana",
    "Keisha",
    "Yuki",
)
_FIRST_M = (
    "José",
    "François",
    "Liam",
    "Noah",
    "Muhammad",
    "Darnell",
    "Wei",
    "Seán",
    "Mateo",
    "Ethan",
    "Raj",
    "Lucas",
    "Thanh",
    "Björn",
    "Andre",
    "Samuel",
    "Diego",
    "Connor",
    "Kwame",
    "Henrik",
    "Tomás",
    "Omar",
    "Jae-won",
    "Paul",
)
_LAST = (
    "Peña",
    "O'Brien",
    "Nguyễn",
    "García",
    "Smith",
    "Johnson",
    "Müller",
    "Kowalski",
    "Núñez",
    "D'Angelo",
    "Smith-Jones",
    "Okonkwo",
    "Lefèvre",
    "Chen",
    "Patel",
    "Kim",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Rodríguez",
    "Martínez",
    "Lee",
    "Walker",
    "Hall",
    "Allen",
    "Young",
    "Hernández",
    "King",
    "Wright",
    "López",
    "Hill",
    "Scott",
    "Green",
    "Adams",
    "Baker",
    "González",
    "Nelson",
    "Carter",
    "Mitchell",
    "Pérez",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Edwards",
    "Collins",
    "Stewart",
    "Sánchez",
    "Morris",
    "Rogers",
    "Reed",
    "Cook",
    "Morgan",
    "Bell",
    "Murphy",
    "Bailey",
    "Rivera",
    "Cooper",
    "Richardson",
    "Cox",
    "Howard",
    "Ward",
    "Torres",
    "Peterson",
    "Gray",
    "Ramírez",
    "James",
    "Watson",
    "Brooks",
    "Kelly",
    "Sanders",
    "Price",
    "Bennett",
    "Wood",
    "Barnes",
    "Ross",
    "Henderson",
    "Coleman",
    "Jenkins",
    "Perry",
    "Powell",
    "Long",
    "Patterson",
    "Hughes",
    "Flores",
    "Washington",
    "Butler",
    "Simmons",
    "Foster",
    "Bryant",
    "Alexander",
    "Russell",
    "Griffin",
    "Díaz",
    "Hayes",
    "Ó Súilleabháin",
)
_STREETS = (
    "N Clark St",
    "W Belmont Ave",
    "N Halsted St",
    "W Diversey Pkwy",
    "N Sheridan Rd",
    "W Fullerton Ave",
    "N Broadway",
    "W Addison St",
    "N Lincoln Ave",
    "W Armitage Ave",
    "S Michigan Ave",
    "W Chicago Ave",
)
_PLACES = (
    ("Chicago", "IL", "606"),
    ("Evanston", "IL", "602"),
    ("Oak Park", "IL", "603"),
    ("Skokie", "IL", "600"),
)
_ASCII = str.maketrans("áéíóúñüöçèëêễŏő'", "aeiounuoceeeeoo ")


def _email_part(name: str) -> str:
    return "".join(ch for ch in name.lower().translate(_ASCII) if ch.isalnum())


def _patients(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    today = desk.clock.business_date()
    now = desk.clock.stamp()
    rows = []
    for number in range(plan.patients):
        female = rng.random() < 0.6
        first = rng.choice(_FIRST_F if female else _FIRST_M)
        last = rng.choice(_LAST)
        age_days = int(rng.triangular(2, 92, 48) * 365.25)
        dob = today - dt.timedelta(days=age_days)
        city, state, zip3 = rng.choice(_PLACES)
        domain = rng.choice(("example.com", "example.org", "example.net"))
        email = (
            f"{_email_part(first)}.{_email_part(last)}{rng.randint(1, 99)}@{domain}"
            if rng.random() < 0.85
            else ""
        )
        rows.append(
            (
                f"{100001 + number}",
                first,
                last,
                dob.isoformat(),
                "F" if female else "M",
                f"({rng.choice(('312', '773', '847', '708'))}) 555-{rng.randint(0, 9999):04d}",
                email,
                f"{rng.randint(100, 4999)} {rng.choice(_STREETS)}",
                "" if rng.random() < 0.8 else f"Apt {rng.randint(1, 40)}{rng.choice('ABCD')}",
                city,
                state,
                f"{zip3}{rng.randint(10, 99)}",
                rng.choice(("phone", "phone", "text", "text", "email", "mail")),
                now,
                now,
            )
        )
    desk.db.conn.executemany(
        "INSERT INTO patients (account_no, first_name, last_name, dob, sex, phone, email,"
        " address1, address2, city, state, postal_code, preferred_contact, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


#: The generator's steps in order; each later area appends its own.
STEPS: list[Callable[[Desk, DemoPlan, random.Random], None]] = [
    _practice,
    _staff,
    _patients,
    *BOOK_STEPS,
    *CATALOGUE_STEPS,
    *DRAWER_SETUP_STEPS,
    *MONEY_STEPS,
    *DRAWER_HISTORY_STEPS,
]


def build_demo(desk: Desk, scale: Scale = "small", seed: int = 7) -> bool:
    """Fill an empty database with the demo practice; False (and nothing done) if the
    database already holds a practice."""
    if practice.is_set_up(desk.db):
        return False
    the_plan = plan(scale, seed)
    rng = random.Random(seed)
    with write(desk.db):
        if practice.is_set_up(desk.db):
            return False
        for step in STEPS:
            step(desk, the_plan, rng)
        audit.record(desk, "demo practice created", "settings", None, f"scale {scale}, seed {seed}")
    return True


def demo_logins_text() -> str:
    """The demo logins as printed by `frontdesk demo` and listed in the README."""
    lines = ["Demo logins (password 'frontdesk' for everyone):"]
    for login in DEMO_LOGINS:
        title = f"{login.full_name}{', ' + login.credentials if login.credentials else ''}"
        lines.append(f"  {login.username:<11} {login.role:<13} PIN {login.pin}  {title}")
    return "\n".join(lines)
