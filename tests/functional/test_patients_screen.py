"""F3 Patients through the keys: look-up, summary (with the balance for the money desk),
register (bad, duplicate, good), edit, open the account."""

from frontdesk.screens.account import AccountScreen
from frontdesk.screens.patients import PatientForm, PatientsScreen
from frontdesk.widgets.dialogs import ConfirmDialog
from tests.functional.conftest import SIZE, db_value, screen_text, sign_in


async def _patients(pilot, console) -> None:
    await sign_in(pilot, "anguyen")
    await pilot.press("f3")
    await pilot.pause()
    await pilot.pause()
    assert isinstance(console.screen, PatientsScreen)


def _fill(console, **values: str) -> None:
    for field, value in values.items():
        console.screen.query_one(f"#pf-{field}").value = value


async def test_look_up_shows_matches_and_the_summary(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _patients(pilot, console)
        row = console.db.execute(
            "SELECT first_name, last_name, account_no, phone FROM patients "
            "WHERE last_name = 'Peña' ORDER BY id LIMIT 1"
        ).fetchone()
        await pilot.press(*"pena ", *row[0][:3].lower())
        await pilot.pause()
        text = screen_text(console)
        assert f"Peña, {row[0]}" in text
        assert f"account {row[2]}" in text and row[3] in text  # the summary panel
        await pilot.press(*"zzz")
        await pilot.pause()
        assert "No patient matches" in screen_text(console)


async def test_register_a_new_patient_with_checks(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _patients(pilot, console)
        before = db_value(console, "SELECT count(*) FROM patients")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(console.screen, PatientForm)
        # First, middle, last, goes by, then Tab past the Sex choice to the birth date.
        await pilot.press(*"Siobhán", "enter", "enter", *"Ó Súilleabháin", "enter", "enter")
        await pilot.press("tab", *"13/45/1980")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "'13/45/1980' is not a date" in screen_text(console)
        _fill(console, dob="04/05/1980", phone="(773) 555-0101", email="siobhan@example.com")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, PatientsScreen)
        assert db_value(console, "SELECT count(*) FROM patients") == before + 1
        assert "Saved Ó Súilleabháin, Siobhán" in screen_text(console)
        assert "born 04/05/1980" in screen_text(console)


async def test_a_duplicate_asks_before_registering(console) -> None:
    existing = console.db.execute(
        "SELECT first_name, last_name, dob, phone FROM patients ORDER BY id LIMIT 1"
    ).fetchone()
    first, last, dob, phone = existing
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _patients(pilot, console)
        before = db_value(console, "SELECT count(*) FROM patients")
        await pilot.press("ctrl+n")
        await pilot.pause()
        year, month, day = dob.split("-")
        _fill(console, first_name=first, last_name=last, dob=f"{month}/{day}/{year}", phone=phone)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(console.screen, ConfirmDialog)
        assert f"Possible duplicate: {last}, {first}" in screen_text(console)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(console.screen, PatientForm)
        assert db_value(console, "SELECT count(*) FROM patients") == before
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, PatientsScreen)
        assert db_value(console, "SELECT count(*) FROM patients") == before + 1


async def test_edit_a_patient_from_the_look_up(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _patients(pilot, console)
        account, pid = console.db.execute(
            "SELECT account_no, id FROM patients ORDER BY id LIMIT 1"
        ).fetchone()
        await pilot.press(*account, "enter")  # one match: Enter opens it
        await pilot.pause()
        assert isinstance(console.screen, PatientForm)
        _fill(console, alerts="Prefers afternoon visits")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert "ALERT: Prefers afternoon visits" in screen_text(console)
        assert db_value(console, "SELECT alerts FROM patients WHERE id = ?", pid) == (
            "Prefers afternoon visits"
        )
        assert db_value(console, "SELECT summary FROM audit_log ORDER BY id DESC") == "alerts"


async def test_names_that_look_like_markup_are_shown_as_typed(console) -> None:
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _patients(pilot, console)
        await pilot.press("ctrl+n")
        await pilot.pause()
        _fill(
            console, first_name="[b]Ann", last_name="Zed[/]", dob="01/02/1990", phone="312 555 7000"
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, PatientsScreen)  # no crash on the table
        await pilot.press("ctrl+f", *"zed ann")
        await pilot.pause()
        assert "Zed[/], [b]Ann" in screen_text(console)


async def test_the_summary_shows_the_balance_and_f5_opens_the_account(console) -> None:
    from tests.functional.test_account import owing_patient, paid_in_cash

    patient_id = owing_patient(console)
    paid_in_cash(console, patient_id, "20")
    account = db_value(console, "SELECT account_no FROM patients WHERE id = ?", patient_id)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await _patients(pilot, console)
        await pilot.press(*account)
        await pilot.pause()
        assert "Account: Owes $30.00 (F5: open it)" in screen_text(console)
        await pilot.press("f5")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, AccountScreen)
        assert console.screen.patient_id == patient_id
        assert "Payment · Cash -20.00 30.00 20.00" in screen_text(console)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter", "enter", "enter")  # cash, the $30.00 due, nothing handed over
        await pilot.pause()
        await pilot.press("enter")  # post
        await pilot.pause()
        await pilot.press("escape", "escape")  # the receipt, then back to the look-up
        await pilot.pause()
        assert isinstance(console.screen, PatientsScreen)
        assert "Account: Owes nothing (F5: open it)" in screen_text(console)


async def test_a_provider_sees_no_balance(console) -> None:
    from tests.functional.test_account import owing_patient

    patient_id = owing_patient(console)
    account = db_value(console, "SELECT account_no FROM patients WHERE id = ?", patient_id)
    async with console.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await sign_in(pilot, "evargas")
        await pilot.press("f3")
        await pilot.pause()
        await pilot.pause()
        await pilot.press(*account)
        await pilot.pause()
        text = screen_text(console)
        assert f"account {account}" in text and "Account:" not in text and "Owes" not in text
        await pilot.press("f5")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(console.screen, PatientsScreen)  # F5 is not theirs
