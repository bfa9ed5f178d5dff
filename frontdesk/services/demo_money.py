"""The demo practice's catalogue: its fee schedule (self-pay prices of a US dermatology
and cosmetic practice), the retail shelf and supply closet with their opening stock, and
the fee codes each demo visit type puts on a fee sheet.

Receipts print a line's receipt text, not its clinical description (minimum necessary):
every cosmetic line reads "Cosmetic service". The catalogue is a few dozen rows at any
scale.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from frontdesk.services.context import Desk
    from frontdesk.services.demo import DemoPlan

__all__ = ["CATALOGUE_STEPS", "FEE_CODES_BY_TYPE"]

_VISIT = "Office visit"
_PROCEDURE = "Skin procedure"
_SERVICE = "Dermatology service"
_COSMETIC = "Cosmetic service"

# Each group's lines: code, description, unit (what a quantity counts), price in cents.
_Lines = tuple[tuple[str, str, str, int], ...]
_OFFICE_VISITS: _Lines = (
    ("99202", "New patient office visit, straightforward", "", 12_000),
    ("99203", "New patient office visit, low complexity", "", 17_500),
    ("99204", "New patient office visit, moderate complexity", "", 26_500),
    ("99205", "New patient office visit, high complexity", "", 34_500),
    ("99212", "Established patient visit, straightforward", "", 8_500),
    ("99213", "Established patient visit, low complexity", "", 13_000),
    ("99214", "Established patient visit, moderate complexity", "", 19_000),
    ("99215", "Established patient visit, high complexity", "", 26_000),
)
_PROCEDURES: _Lines = (
    ("11102", "Tangential biopsy of skin, first lesion", "", 16_500),
    ("11103", "Tangential biopsy of skin, each additional lesion", "lesion", 8_500),
    ("11104", "Punch biopsy of skin, first lesion", "", 19_500),
    ("11105", "Punch biopsy of skin, each additional lesion", "lesion", 9_500),
    ("17000", "Destruction of premalignant lesion (AK), first", "", 11_000),
    ("17003", "Destruction of premalignant lesions, 2-14, each", "lesion", 1_500),
    ("17004", "Destruction of premalignant lesions, 15 or more", "", 32_500),
    ("17110", "Destruction of benign lesions (warts), up to 14", "", 15_500),
    ("17111", "Destruction of benign lesions (warts), 15 or more", "", 21_000),
    ("11300", "Shave removal, trunk/arms/legs, 0.5 cm or less", "", 13_500),
    ("11301", "Shave removal, trunk/arms/legs, 0.6-1.0 cm", "", 17_000),
    ("11305", "Shave removal, scalp/neck/hands/feet, 0.5 cm or less", "", 15_000),
    ("11310", "Shave removal, face/ears/nose/lips, 0.5 cm or less", "", 16_500),
    ("11311", "Shave removal, face/ears/nose/lips, 0.6-1.0 cm", "", 20_000),
    ("11400", "Excision, benign lesion, trunk/arms/legs, 0.5 cm or less", "", 26_000),
    ("11401", "Excision, benign lesion, trunk/arms/legs, 0.6-1.0 cm", "", 30_000),
    ("11402", "Excision, benign lesion, trunk/arms/legs, 1.1-2.0 cm", "", 34_000),
    ("11403", "Excision, benign lesion, trunk/arms/legs, 2.1-3.0 cm", "", 39_000),
    ("10060", "Incision and drainage of abscess, simple", "", 21_000),
    ("11900", "Intralesional injection, up to 7 lesions", "", 9_500),
    ("17311", "Mohs surgery, head/neck/hands/feet, first stage", "", 125_000),
    ("17312", "Mohs surgery, head/neck/hands/feet, each added stage", "stage", 65_000),
)
_SERVICES: _Lines = (
    ("95044", "Patch testing, per allergen", "allergen", 1_200),
    ("96910", "Phototherapy, UVB with tar or petrolatum", "session", 9_500),
)
_COSMETIC_SERVICES: _Lines = (
    ("COSCONSULT", "Cosmetic consultation", "", 10_000),
    ("BOTOX-U", "Botox Cosmetic (onabotulinumtoxinA)", "unit", 1_400),
    ("DYSPORT-U", "Dysport (abobotulinumtoxinA)", "unit", 500),
    ("XEOMIN-U", "Xeomin (incobotulinumtoxinA)", "unit", 1_200),
    ("JUVEDERM-SYR", "Juvederm hyaluronic acid filler", "syringe", 75_000),
    ("RESTYLANE-SYR", "Restylane hyaluronic acid filler", "syringe", 70_000),
    ("RADIESSE-SYR", "Radiesse calcium hydroxylapatite filler", "syringe", 85_000),
    ("PEEL-LIGHT", "Chemical peel, light (glycolic or salicylic)", "", 15_000),
    ("PEEL-MEDIUM", "Chemical peel, medium depth (TCA)", "", 40_000),
    ("LHR-SMALL", "Laser hair removal, small area (lip, chin, underarms)", "session", 15_000),
    ("LHR-MEDIUM", "Laser hair removal, medium area (bikini, full face)", "session", 25_000),
    ("LHR-LARGE", "Laser hair removal, large area (legs, back)", "session", 45_000),
    ("IPL-FACE", "IPL photofacial, full face", "session", 40_000),
    ("MICRONEEDLE", "Microneedling, full face", "session", 35_000),
    ("MICRONEEDLE-PRP", "Microneedling with PRP, full face", "session", 65_000),
    ("TATTOO", "Laser tattoo removal, per session", "session", 25_000),
)


def _as(lines: _Lines, receipt_text: str, kind: str) -> list[tuple[str, str, str, str, str, int]]:
    return [(code, text, receipt_text, kind, unit, cents) for code, text, unit, cents in lines]


# code, description, receipt text, kind, unit, price in cents: the whole fee schedule.
_FEES = [
    *_as(_OFFICE_VISITS, _VISIT, "medical"),
    *_as(_PROCEDURES, _PROCEDURE, "medical"),
    *_as(_SERVICES, _SERVICE, "medical"),
    *_as(_COSMETIC_SERVICES, _COSMETIC, "cosmetic"),
    ("NOSHOW", "Missed appointment (no-show)", "No-show fee", "fee", "", 5_000),
    ("LATECANCEL", "Late cancellation, under 24 hours", "Late cancellation fee", "fee", "", 3_500),
]

# SKU (a UPC-A barcode, so a scanner types it), name, kind, price and cost in cents
_ITEMS: tuple[tuple[str, str, str, int, int], ...] = (
    ("850012410300", "Mineral Sunscreen SPF 30, untinted, 3 oz", "retail", 3_200, 1_400),
    ("850012410317", "Mineral Sunscreen SPF 30, tinted, 3 oz", "retail", 3_400, 1_500),
    ("850012410508", "Mineral Sunscreen SPF 50, untinted, 3 oz", "retail", 3_600, 1_600),
    ("850012410515", "Mineral Sunscreen SPF 50, tinted, 1.7 oz", "retail", 3_800, 1_700),
    ("850012410522", "Mineral Sunscreen Face Stick SPF 50", "retail", 2_400, 1_000),
    ("300450021014", "Adapalene Gel 0.1% (OTC retinoid), 45 g", "retail", 1_599, 850),
    ("850012412106", "Retinol Night Serum 0.5%, 1 oz", "retail", 5_800, 2_400),
    ("850012412205", "Retinoid Renewal Cream, 1 oz", "retail", 5_200, 2_200),
    ("850012413103", "Vitamin C 15% Antioxidant Serum, 1 oz", "retail", 7_900, 3_300),
    ("850012413202", "Hyaluronic Acid Hydrating Serum, 1 oz", "retail", 4_500, 1_800),
    ("850012414100", "Gentle Hydrating Cleanser, 8 oz", "retail", 2_200, 875),
    ("850012414209", "Foaming Facial Cleanser, 8 oz", "retail", 2_200, 875),
    ("850012415107", "Daily Facial Moisturizer, 1.7 oz", "retail", 3_400, 1_350),
    ("850012415206", "Ceramide Barrier Repair Cream, 1.7 oz", "retail", 4_200, 1_700),
    ("850012416104", "Lip Balm SPF 30, 0.15 oz", "retail", 900, 325),
    ("850012417101", "Urea 20% Body Lotion, 12 oz", "retail", 2_600, 1_000),
    ("850012418108", "Post-Procedure Healing Ointment, 1.75 oz", "retail", 1_400, 500),
    ("850012419105", "Peptide Eye Cream, 0.5 oz", "retail", 5_500, 2_100),
    ("850012420101", "Salicylic Acid 2% Acne Cleanser, 6 oz", "retail", 2_400, 900),
    ("850012420200", "Benzoyl Peroxide 4% Foaming Wash, 5.5 oz", "retail", 1_900, 700),
    ("617224002019", "Gauze Sponges 2x2 in, sterile, 200 ct", "supply", 0, 950),
    ("617224003504", "Nitrile Exam Gloves, medium, 100 ct", "supply", 0, 800),
    ("617224008103", "Adhesive Bandages 1x3 in, 100 ct", "supply", 0, 600),
)

#: The fee codes a visit of each demo appointment type usually puts on its fee sheet.
FEE_CODES_BY_TYPE: dict[str, tuple[str, ...]] = {
    "New patient visit": ("99203",),
    "Follow-up": ("99213",),
    "Full-body skin check": ("99213", "17000"),
    "Biopsy": ("11102",),
    "Mohs surgery": ("17311", "17312"),
    "Acne follow-up": ("99212",),
    "Cosmetic consult": ("COSCONSULT",),
    "Neurotoxin": ("BOTOX-U",),
    "Filler": ("JUVEDERM-SYR",),
    "Chemical peel": ("PEEL-LIGHT",),
    "Laser hair removal": ("LHR-SMALL",),
    "IPL photofacial": ("IPL-FACE",),
    "Microneedling": ("MICRONEEDLE",),
}


def _fee_schedule(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    now = desk.clock.stamp()
    desk.db.conn.executemany(
        "INSERT INTO fee_schedule (code, description, receipt_text, kind, unit, price_cents,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(*fee, now, now) for fee in _FEES],
    )


def _items(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    """The shelf and the supply closet, each item with the delivery that stocked it."""
    db = desk.db
    now = desk.clock.stamp()
    db.conn.executemany(
        "INSERT INTO items (sku, name, kind, price_cents, cost_cents, taxable, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (sku, name, kind, price, cost, int(kind == "retail"), now, now)
            for sku, name, kind, price, cost in _ITEMS
        ],
    )
    manager = db.execute("SELECT id FROM staff WHERE role = 'manager' ORDER BY id").fetchone()
    db.conn.executemany(
        "INSERT INTO stock_moves (item_id, at, quantity, reason, note, staff_id, workstation)"
        " VALUES (?, ?, ?, 'receive', 'Opening stock', ?, ?)",
        [
            (item_id, now, rng.randint(12, 60), manager[0] if manager else None, desk.workstation)
            for (item_id,) in db.execute("SELECT id FROM items ORDER BY id").fetchall()
        ],
    )


def _visit_fee_codes(desk: Desk, plan: DemoPlan, rng: random.Random) -> None:
    desk.db.conn.executemany(
        "UPDATE appointment_types SET default_fee_codes = ? WHERE name = ?",
        [(",".join(codes), name) for name, codes in FEE_CODES_BY_TYPE.items()],
    )


CATALOGUE_STEPS = [_fee_schedule, _items, _visit_fee_codes]
