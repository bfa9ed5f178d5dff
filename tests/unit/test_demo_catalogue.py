"""The demo practice's catalogue: fee schedule, retail shelf and stock, visit fee codes."""

import random
import time
from pathlib import Path

from frontdesk.data.db import write
from frontdesk.data.schema import open_database
from frontdesk.services import demo, practice
from frontdesk.services.context import Desk
from frontdesk.services.demo_book import BOOK_STEPS
from frontdesk.services.demo_money import CATALOGUE_STEPS, FEE_CODES_BY_TYPE
from tests.conftest import FakeClock


def _fees(desk: Desk) -> list[tuple[str, str, str, int]]:
    return desk.db.execute(
        "SELECT code, kind, receipt_text, price_cents FROM fee_schedule ORDER BY code"
    ).fetchall()


def test_the_fee_schedule_has_each_code_once_with_a_price(desk: Desk) -> None:
    fees = _fees(desk)
    codes = [code.upper() for code, *_ in fees]
    assert len(codes) == len(set(codes)) >= 40
    assert all(price > 0 for *_, price in fees)
    assert {"99203", "99213", "11102", "17000", "17003", "17110", "96910"} <= set(codes)
    assert {"BOTOX-U", "DYSPORT-U", "XEOMIN-U", "JUVEDERM-SYR", "RADIESSE-SYR"} <= set(codes)


def test_every_cosmetic_line_prints_as_cosmetic_service(desk: Desk) -> None:
    cosmetic = [(code, text) for code, kind, text, _ in _fees(desk) if kind == "cosmetic"]
    assert len(cosmetic) >= 10
    assert {text for _, text in cosmetic} == {"Cosmetic service"}


def test_medical_lines_print_a_plain_receipt_text(desk: Desk) -> None:
    texts = {text for _, kind, text, _ in _fees(desk) if kind == "medical"}
    assert texts == {"Office visit", "Skin procedure", "Dermatology service"}


def test_the_no_show_and_late_cancel_fees_are_on_the_schedule(desk: Desk) -> None:
    fees = {code: (kind, text, price) for code, kind, text, price in _fees(desk)}
    assert fees["NOSHOW"] == ("fee", "No-show fee", 5000)
    assert fees["LATECANCEL"] == ("fee", "Late cancellation fee", 3500)


def test_neurotoxin_is_priced_per_unit_and_filler_per_syringe(desk: Desk) -> None:
    units = dict(desk.db.execute("SELECT code, unit FROM fee_schedule").fetchall())
    assert units["BOTOX-U"] == units["DYSPORT-U"] == units["XEOMIN-U"] == "unit"
    assert units["JUVEDERM-SYR"] == units["RESTYLANE-SYR"] == units["RADIESSE-SYR"] == "syringe"


def _upc_check_digit_holds(sku: str) -> bool:
    digits = [int(ch) for ch in sku]
    return (sum(digits[0::2]) * 3 + sum(digits[1::2])) % 10 == 0


def test_every_sku_is_a_twelve_digit_barcode(desk: Desk) -> None:
    skus = [row[0] for row in desk.db.execute("SELECT sku FROM items")]
    assert len(skus) >= 20
    assert all(len(sku) == 12 and sku.isascii() and sku.isdigit() for sku in skus)
    assert all(_upc_check_digit_holds(sku) for sku in skus)


def test_retail_is_taxable_and_supplies_are_not(desk: Desk) -> None:
    rows = desk.db.execute("SELECT kind, taxable, price_cents, cost_cents FROM items").fetchall()
    retail = [row for row in rows if row[0] == "retail"]
    supplies = [row for row in rows if row[0] == "supply"]
    assert len(retail) >= 18 and len(supplies) == 3
    assert all(taxable == 1 and price > cost > 0 for _, taxable, price, cost in retail)
    assert all(taxable == 0 for _, taxable, _, _ in supplies)


def test_every_item_has_stock_on_hand_from_its_moves(desk: Desk) -> None:
    on_hand = desk.db.execute(
        "SELECT items.id, coalesce(sum(stock_moves.quantity), 0) FROM items"
        " LEFT JOIN stock_moves ON stock_moves.item_id = items.id GROUP BY items.id"
    ).fetchall()
    assert on_hand and all(quantity > 0 for _, quantity in on_hand)
    # Each item came in with one opening delivery (the money history adds sales,
    # returns and later deliveries).
    opening = desk.db.execute(
        "SELECT item_id, reason, quantity FROM stock_moves WHERE note = 'Opening stock'"
    ).fetchall()
    assert sorted(item for item, *_ in opening) == sorted(item for item, _ in on_hand)
    assert all(reason == "receive" and 12 <= quantity <= 60 for _, reason, quantity in opening)


def test_each_demo_visit_type_has_its_fee_codes_on_the_schedule(desk: Desk) -> None:
    types = dict(desk.db.execute("SELECT name, default_fee_codes FROM appointment_types"))
    assert set(types) == set(FEE_CODES_BY_TYPE)
    codes = {row[0] for row in desk.db.execute("SELECT code FROM fee_schedule")}
    for name, wanted in FEE_CODES_BY_TYPE.items():
        assert types[name] == ",".join(wanted)
        assert set(wanted) <= codes, name


def test_the_demo_charges_chicago_sales_tax(desk: Desk) -> None:
    assert practice.load_settings(desk.db).sales_tax_basis_points == 1025


def test_the_catalogue_comes_after_the_book_in_the_demo_steps() -> None:
    first = demo.STEPS.index(CATALOGUE_STEPS[0])
    assert demo.STEPS[first : first + len(CATALOGUE_STEPS)] == CATALOGUE_STEPS
    assert all(demo.STEPS.index(step) < first for step in BOOK_STEPS)


def test_the_large_demo_has_the_same_small_catalogue(desk: Desk, tmp_path: Path) -> None:
    # The catalogue never loops over patients or bookings: at the large scale it is the
    # same few dozen rows, made in well under a second.
    db = open_database(tmp_path / "catalogue.db")
    large = Desk(db=db, clock=FakeClock(), workstation="SETUP", shell=True)
    rng = random.Random(7)
    started = time.perf_counter()
    with write(db):
        for step in CATALOGUE_STEPS:
            step(large, demo.plan("large", 7), rng)
    assert time.perf_counter() - started < 1.0
    for sql in (
        "SELECT count(*) FROM fee_schedule",
        "SELECT count(*) FROM items",
        "SELECT count(*) FROM stock_moves WHERE note = 'Opening stock'",
    ):
        assert db.execute(sql).fetchone() == desk.db.execute(sql).fetchone()
    db.close()
