"""Patients: look-up as you type, registration, duplicates, edits."""

import datetime as dt

import pytest

from frontdesk.data.models import PatientDraft
from frontdesk.errors import AccessDenied, Conflict, Invalid, NotFound
from frontdesk.services import patients
from frontdesk.services.context import Desk
from tests.conftest import actor

MARIA = PatientDraft(
    first_name="María",
    last_name="Peña",
    dob="03/14/1978",
    phone="(312) 555-0142",
    email="maria.pena@example.com",
    preferred_contact="text",
    alerts="Latex allergy",
)


def _register(desk: Desk, draft: PatientDraft = MARIA, **kwargs):
    return patients.register_patient(desk, draft, **kwargs)


def test_registration_gives_the_next_account_number_and_is_audited(
    receptionist_desk: Desk,
) -> None:
    last = receptionist_desk.db.execute(
        "SELECT max(CAST(account_no AS INTEGER)) FROM patients"
    ).fetchone()[0]
    patient = _register(receptionist_desk)
    assert patient.account_no == str(last + 1)
    assert (patient.first_name, patient.last_name, patient.dob) == (
        "María",
        "Peña",
        dt.date(1978, 3, 14),
    )
    assert patient.display_name == "Peña, María"
    row = receptionist_desk.db.execute(
        "SELECT action, table_name, record_id, summary FROM audit_log ORDER BY id DESC"
    ).fetchone()
    assert row == ("patient registered", "patients", patient.id, "")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("pena mar", True),
        ("MAR PEÑA", True),
        ("peña", True),
        ("maria", True),
        ("312 555 0142", True),
        ("(312) 555-0142", True),
        ("5550142", True),
        ("0142", True),
        ("03/14/1978", True),
        ("1978-03-14 pena", True),
        ("pena 03/14/1978", True),
        ("pena zz", False),
        ("03/15/1978 pena", False),
        ("", False),
        ("   ", False),
        ("'; DROP TABLE patients; --", False),
        ('"pena', True),
        ("pena*", True),
    ],
)
def test_look_up_as_you_type(receptionist_desk: Desk, typed: str, expected: bool) -> None:
    patient = _register(receptionist_desk)
    found = patients.search_patients(receptionist_desk, typed)
    assert (patient.id in [m.id for m in found]) is expected


def test_look_up_by_account_number_and_names_with_apostrophes_and_hyphens(
    receptionist_desk: Desk,
) -> None:
    patient = _register(
        receptionist_desk,
        PatientDraft(
            first_name="Mary-Kate", last_name="O'Brien-Núñez", dob="1/2/1990", phone="8475557788"
        ),
    )
    for typed in (
        "obrien",
        "o'brien",
        "nunez",
        "obriennunez",
        "mary kate",
        "marykate",
        patient.account_no,
    ):
        assert patient.id in [m.id for m in patients.search_patients(receptionist_desk, typed)], (
            typed
        )


def test_emoji_and_very_long_names_are_stored_and_found(receptionist_desk: Desk) -> None:
    patient = _register(
        receptionist_desk,
        PatientDraft(
            first_name="Zoë 🌸",
            last_name="Wolfeschlegelsteinhausenbergerdorff",
            dob="1/1/2000",
            email="zoe@example.org",
            preferred_contact="email",
        ),
    )
    assert patient.first_name == "Zoë 🌸"
    assert patient.id in [m.id for m in patients.search_patients(receptionist_desk, "wolfe zoe")]


def test_a_likely_duplicate_is_shown_before_saving(receptionist_desk: Desk) -> None:
    first = _register(receptionist_desk)
    before = receptionist_desk.db.execute("SELECT count(*) FROM patients").fetchone()[0]
    same_person = MARIA.model_copy(
        update={"first_name": "MARIA", "last_name": "pena", "phone": "708 555 9999"}
    )
    with pytest.raises(patients.PossibleDuplicate, match="Possible duplicate: Peña, María"):
        _register(receptionist_desk, same_person)
    same_phone = PatientDraft(
        first_name="Tomás", last_name="Peña", dob="5/5/2010", phone="312.555.0142"
    )
    with pytest.raises(patients.PossibleDuplicate) as caught:
        _register(receptionist_desk, same_phone)
    assert [m.id for m in caught.value.matches] == [first.id]
    assert receptionist_desk.db.execute("SELECT count(*) FROM patients").fetchone()[0] == before
    twin = _register(receptionist_desk, same_phone, allow_duplicate=True)
    assert twin.id != first.id


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"first_name": "  "}, "first name"),
        ({"last_name": ""}, "last name"),
        ({"dob": ""}, "date of birth"),
        ({"dob": "14/03/1978"}, "not a date"),
        ({"dob": "02/30/1990"}, "not a date"),
        ({"dob": "3/14/78"}, "not a date"),
        ({"dob": "12/31/2099"}, "future"),
        ({"dob": "01/01/1850"}, "125 years"),
        ({"phone": "555-0142"}, "not a phone number"),
        ({"email": "maria@"}, "not an email"),
        ({"email": "", "preferred_contact": "email"}, "enter an email"),
        ({"phone": "", "preferred_contact": "text"}, "enter a phone"),
        ({"preferred_contact": "mail"}, "street, city and ZIP"),
        ({"state": "Illinois"}, "two-letter"),
        ({"postal_code": "6061"}, "ZIP code"),
        ({"sex": "Q"}, "Sex is"),
        ({"last_name": "x" * 61}, "at most 60"),
        ({"first_name": "Ann\x07"}, "cannot be printed"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_saved(receptionist_desk: Desk, changes, why) -> None:
    before = receptionist_desk.db.execute("SELECT count(*) FROM patients").fetchone()[0]
    with pytest.raises(Invalid, match=why):
        _register(receptionist_desk, MARIA.model_copy(update=changes))
    assert receptionist_desk.db.execute("SELECT count(*) FROM patients").fetchone()[0] == before


def test_edits_are_saved_and_audited_by_field_name_only(receptionist_desk: Desk) -> None:
    patient = _register(receptionist_desk)
    edited = patients.update_patient(
        receptionist_desk,
        patient.id,
        MARIA.model_copy(update={"phone": "773-555-0199", "preferred_name": "Mari"}),
    )
    assert edited.phone == "(773) 555-0199" and edited.display_name == "Peña, María (Mari)"
    summary = receptionist_desk.db.execute(
        "SELECT summary FROM audit_log WHERE action = 'patient edited'"
    ).fetchone()[0]
    assert summary == "preferred_name, phone"
    assert "773" not in summary
    # The look-up index follows the edit.
    assert patient.id in [m.id for m in patients.search_patients(receptionist_desk, "0199")]
    assert patient.id not in [m.id for m in patients.search_patients(receptionist_desk, "0142")]


def test_providers_look_up_but_do_not_register(desk: Desk) -> None:
    provider = desk.signed_in(actor(desk, "evargas"))
    assert patients.search_patients(provider, "a")
    with pytest.raises(AccessDenied, match="cannot register patients"):
        _register(provider)
    with pytest.raises(NotFound):
        patients.get_patient(provider, 999_999)


def test_two_desks_editing_one_patient_do_not_undo_each_other(receptionist_desk: Desk) -> None:
    patient = _register(receptionist_desk)
    desk_a_form = patients.get_patient(receptionist_desk, patient.id)
    desk_b_form = patients.get_patient(receptionist_desk, patient.id)
    # Desk B changes the phone; desk A, opened before, changes only the address.
    patients.update_patient(
        receptionist_desk,
        patient.id,
        MARIA.model_copy(update={"phone": "773 555 0188"}),
        original=desk_b_form,
    )
    saved = patients.update_patient(
        receptionist_desk,
        patient.id,
        MARIA.model_copy(update={"address1": "5 Elm St"}),
        original=desk_a_form,
    )
    assert saved.phone == "(773) 555-0188" and saved.address1 == "5 Elm St"
    # Both changing the same field: the second is told, nothing is lost.
    with pytest.raises(Conflict, match="Someone else changed this patient's phone"):
        patients.update_patient(
            receptionist_desk,
            patient.id,
            MARIA.model_copy(update={"phone": "847 555 0100"}),
            original=desk_a_form,
        )
    assert patients.get_patient(receptionist_desk, patient.id).phone == "(773) 555-0188"


@pytest.mark.parametrize("field", ["notes", "alerts", "address1", "city", "email"])
def test_too_long_or_control_characters_are_refused_never_cut(
    receptionist_desk: Desk, field: str
) -> None:
    with pytest.raises(Invalid, match="at most"):
        _register(receptionist_desk, MARIA.model_copy(update={field: "x" * 501}))
    with pytest.raises(Invalid, match="cannot be printed"):
        _register(receptionist_desk, MARIA.model_copy(update={field: "a\x1b[2Jb"}))


def test_non_ascii_digits_are_not_a_zip_code(receptionist_desk: Desk) -> None:
    with pytest.raises(Invalid, match="ZIP"):
        _register(receptionist_desk, MARIA.model_copy(update={"postal_code": "٦٠٦١١"}))
