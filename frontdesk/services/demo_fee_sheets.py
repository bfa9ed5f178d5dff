"""What the demo money history's visits put on their fee sheets: a visit type's usual
codes (or a neighbouring level or product), units and syringes for injectables, the
procedures medical visits often add, products off the shelf; priced as
fee_sheets.price_line prices a line."""

from __future__ import annotations

import bisect
import itertools
import random
from typing import TYPE_CHECKING

from frontdesk.services.demo_money import FEE_CODES_BY_TYPE

if TYPE_CHECKING:
    from frontdesk.services.context import Desk

__all__ = ["FeeSheets", "Spec"]

#: A fee sheet line as check-out takes it: kind ("service" or "product"), fee code (or the
#: item's row), quantity, provider (0: the visit's), discount percent, discount reason.
Spec = list

# Retail SKUs by how often they sell (sunscreen most).
_SHELF = (
    ("850012410300", 9),
    ("850012410317", 6),
    ("850012410508", 8),
    ("850012410515", 6),
    ("850012410522", 4),
    ("300450021014", 4),
    ("850012412106", 3),
    ("850012412205", 2),
    ("850012413103", 4),
    ("850012413202", 3),
    ("850012414100", 5),
    ("850012414209", 3),
    ("850012415107", 4),
    ("850012415206", 3),
    ("850012416104", 5),
    ("850012417101", 2),
    ("850012418108", 5),
    ("850012419105", 2),
    ("850012420101", 3),
    ("850012420200", 2),
)
# Alternatives to a visit type's usual codes: (usual, [(instead, weight), ...]).
_INSTEAD = {
    "99203": (("99203", 60), ("99204", 25), ("99202", 15)),
    "99213": (("99213", 65), ("99214", 22), ("99212", 13)),
    "99212": (("99212", 70), ("99213", 30)),
    "11102": (("11102", 70), ("11104", 30)),
    "BOTOX-U": (("BOTOX-U", 60), ("DYSPORT-U", 25), ("XEOMIN-U", 15)),
    "JUVEDERM-SYR": (("JUVEDERM-SYR", 50), ("RESTYLANE-SYR", 35), ("RADIESSE-SYR", 15)),
    "PEEL-LIGHT": (("PEEL-LIGHT", 75), ("PEEL-MEDIUM", 25)),
    "LHR-SMALL": (("LHR-SMALL", 45), ("LHR-MEDIUM", 35), ("LHR-LARGE", 20)),
    "MICRONEEDLE": (("MICRONEEDLE", 75), ("MICRONEEDLE-PRP", 25)),
}
# How many of a code one line usually holds: (low, high, step).
_QUANTITY = {
    "BOTOX-U": (20, 64, 2),
    "DYSPORT-U": (50, 150, 10),
    "XEOMIN-U": (20, 60, 2),
    "JUVEDERM-SYR": (1, 2, 1),
    "RESTYLANE-SYR": (1, 2, 1),
    "RADIESSE-SYR": (1, 2, 1),
    "17312": (1, 3, 1),
    "17003": (1, 12, 1),
    "11103": (1, 3, 1),
    "11105": (1, 3, 1),
}
# Procedures added at a medical visit: (chance, codes), by visit type.
_EXTRAS = {
    "New patient visit": ((0.14, ("11102",)), (0.10, ("17000", "17003"))),
    "Follow-up": ((0.12, ("17000", "17003")), (0.05, ("17110",)), (0.04, ("11900",))),
    "Full-body skin check": ((0.45, ("17003",)), (0.22, ("11102", "11103"))),
    "Biopsy": ((0.35, ("11103",)), (0.20, ("99213",))),
    "Acne follow-up": ((0.12, ("11900",)),),
}


def _weighted(choices: tuple[tuple[str, int], ...], roll: float) -> str:
    total = sum(weight for _, weight in choices)
    point = roll * total
    for code, weight in choices:
        if point < weight:
            return code
        point -= weight
    return choices[-1][0]


def _quantity(code: str, rng: random.Random) -> int:
    rule = _QUANTITY.get(code)
    if rule is None:
        return 1
    low, high, step = rule
    return low + step * int(rng.random() * ((high - low) // step + 1))


class FeeSheets:
    """The fee schedule and the shelf, and the lines a visit of each type usually has."""

    def __init__(self, desk: Desk, rng: random.Random) -> None:
        from frontdesk.services import practice

        db = desk.db
        self.rng = rng
        settings = practice.load_settings(db)
        self.tax_bp = settings.sales_tax_basis_points
        self.discount_limit = settings.discount_limit.cents
        self.fees = {
            row[1]: row
            for row in db.execute(
                "SELECT id, code, description, receipt_text, price_cents FROM fee_schedule"
                " WHERE active = 1"
            )
        }
        items = {
            row[1]: row
            for row in db.execute(
                "SELECT id, sku, name, price_cents, taxable FROM items"
                " WHERE kind = 'retail' AND active = 1"
            )
        }
        shelf = [(items[sku], weight) for sku, weight in _SHELF if sku in items]
        self.shelf = [item for item, _ in shelf]
        self.shelf_weights = list(itertools.accumulate(weight for _, weight in shelf))
        by_name = dict(db.execute("SELECT short_name, id FROM resources").fetchall())
        self.laser_room = by_name.get("Laser room")
        # Injections are given by the nurse practitioner: her column bills them.
        self.injector = {by_name.get("Injectables"): by_name.get("Lindqvist NP")}

    def lines(self, name: str, resource: int, cosmetic: bool) -> list[Spec]:
        """The fee sheet a visit of type `name` in column `resource` usually has; now and
        then a cosmetic one has a promotion or package price."""
        rng = self.rng
        provider = self.injector.get(resource) or 0
        specs: list[Spec] = []
        for code in FEE_CODES_BY_TYPE.get(name, ()):
            instead = _INSTEAD.get(code)
            if instead:
                code = _weighted(instead, rng.random())
            specs.append(["service", code, _quantity(code, rng), provider, 0, ""])
        for chance, codes in _EXTRAS.get(name, ()):
            if rng.random() < chance:
                have = {spec[1] for spec in specs}
                specs += [
                    ["service", code, _quantity(code, rng), provider, 0, ""]
                    for code in codes
                    if code not in have
                ]
        if cosmetic and specs:
            roll = rng.random()
            if roll < 0.04:
                specs[0][4:] = [10, "promotion"]
            elif roll < 0.06 and resource == self.laser_room:
                specs[0][4:] = [15, "package"]
        return specs

    def products(self, count: int) -> list[Spec]:
        """Up to `count` different products off the shelf, the best sellers most often."""
        rng = self.rng
        chosen: list[Spec] = []
        total = self.shelf_weights[-1]
        for _ in range(count):
            item = self.shelf[bisect.bisect_right(self.shelf_weights, rng.random() * total)]
            if all(spec[1] is not item for spec in chosen):
                chosen.append(["product", item, 1 if rng.random() < 0.88 else 2, 0, 0, ""])
        return chosen

    def price(self, spec: Spec) -> tuple:
        """fee_sheets.price_line: the charge row's columns from kind to provider, and
        whether its discount needs a manager's approval."""
        kind, code, quantity, provider, percent, reason = spec
        if kind == "service":
            fee_id, code, description, receipt_text, unit = self.fees[code]
            item_id, taxable = 0, 0
        else:
            item_id, code, description, unit, taxable = code
            fee_id, receipt_text = 0, ""
        gross = unit * quantity
        discount = (gross * percent * 100 + 5000) // 10000 if percent else 0
        tax = ((gross - discount) * self.tax_bp + 5000) // 10000 if taxable else 0
        return (kind, fee_id, item_id, code, description, receipt_text, quantity, unit, unit,
                discount, reason if discount else "", taxable, tax, gross - discount + tax,
                provider, discount > self.discount_limit)  # fmt: skip
