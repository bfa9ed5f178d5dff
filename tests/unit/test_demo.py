"""The demo practice: realistic, repeatable, and quick to build."""

from pathlib import Path

from frontdesk.data.schema import open_database
from frontdesk.services import demo
from frontdesk.services.context import Desk
from tests.conftest import FakeClock


def test_the_small_demo_has_the_staff_the_readme_lists(desk: Desk) -> None:
    roles = dict(desk.db.execute("SELECT role, count(*) FROM staff GROUP BY role").fetchall())
    assert roles == {"manager": 1, "receptionist": 4, "provider": 4, "clinical": 3}
    text = demo.demo_logins_text()
    for login in demo.DEMO_LOGINS:
        assert login.username in text


def test_the_small_demo_has_patients_with_real_world_names(desk: Desk) -> None:
    count = desk.db.execute("SELECT count(*) FROM patients").fetchone()[0]
    assert 200 <= count <= 1000
    names = {row[0] for row in desk.db.execute("SELECT last_name FROM patients")}
    assert {"Peña", "O'Brien", "Nguyễn"} <= names
    firsts = {row[0] for row in desk.db.execute("SELECT first_name FROM patients")}
    assert "Zoë" in firsts
    emails = [row[0] for row in desk.db.execute("SELECT email FROM patients WHERE email != ''")]
    assert all(
        e.isascii() and e.endswith(("example.com", "example.org", "example.net")) for e in emails
    )


def test_the_same_seed_gives_the_same_practice(tmp_path: Path) -> None:
    def build(name: str, seed: int) -> list:
        db = open_database(tmp_path / name)
        desk = Desk(db=db, clock=FakeClock(), workstation="X", shell=True)
        assert demo.build_demo(desk, "small", seed)
        rows = db.execute(
            "SELECT first_name, last_name, dob, phone FROM patients ORDER BY id LIMIT 50"
        ).fetchall()
        assert not demo.build_demo(desk, "small", seed)  # never twice into one file
        return rows

    assert build("a.db", 3) == build("b.db", 3)
    assert build("c.db", 3) != build("d.db", 4)
