"""The demo money history's visits, as the check-in and check-out screens post them: a
co-pay at check-in, then check-out (visits.check_out: the fee sheet finalized, a charge
a line, stock out, the rest paid); a no-show's fee at the end of the day. What follows a
visit (a statement, a courtesy adjustment, a return) is put on a later day."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from frontdesk.services.demo_corrections import Corrections
from frontdesk.services.demo_days import BACK, FRONT, OFFICE
from frontdesk.services.demo_fee_sheets import FeeSheets, Spec

if TYPE_CHECKING:
    from frontdesk.services.context import Desk
    from frontdesk.services.demo_days import Day
    from frontdesk.services.demo_payments import Tender
    from frontdesk.services.demo_rows import Posting

__all__ = ["Visits"]

_CO_PAYS = (2000, 2500, 3000, 3500, 4000, 4000, 5000, 6000)


class Visits(Corrections):
    """The postings of the book's visits. The history picks the visits the rarer work
    goes with: `voided` (a co-pay on the wrong card), `courtesy` (an adjustment for a
    long wait), `returned` (a product brought back), `deposit_for` (a deposit applied)."""

    def __init__(self, desk: Desk, rng: random.Random, days: list[Day]) -> None:
        super().__init__(desk, rng, days)
        db = self.db
        self.sheets = FeeSheets(desk, rng)
        self.types = {
            row[0]: (row[1], bool(row[2]))
            for row in db.execute("SELECT id, name, cosmetic FROM appointment_types")
        }
        self.providers = {
            row[0] for row in db.execute("SELECT id FROM resources WHERE kind = 'provider'")
        }
        self.on_hand: dict[int, int] = {}
        self.voided: set[int] = set()
        self.courtesy: set[int] = set()
        self.returned: set[int] = set()
        self.deposit_for: dict[int, None] = {}

    def _co_pay(self, day: Day, s: int, visit: tuple) -> None:
        """A medical visit's co-pay; a voided one is run on the wrong card, voided a
        minute later and taken again."""
        rng = self.rng
        patient = visit[1]
        amount = _CO_PAYS[int(rng.random() * len(_CO_PAYS))]
        voided = visit[0] in self.voided
        if voided:
            tenders = [self._with(self._card(patient), amount)]
        else:
            tenders = self._tenders(patient, amount, cash=0.28)
        ids = self._post_co_pay(day, s, visit, tenders)
        if voided:
            self._soon(s + rng.randint(40, 120), self._void, (ids[0], visit, amount, tenders[0]))

    def _check_out(self, day: Day, s: int, visit: tuple) -> None:
        """visits.check_out, and what follows it on a later day."""
        rng = self.rng
        appointment, patient, resource, type_id = visit[:4]
        name, cosmetic = self.types[type_id]
        specs = self.sheets.lines(name, resource, cosmetic)
        returned = appointment in self.returned
        if returned:
            specs += self.sheets.products(1)
            specs[-1][2] = 1
        elif rng.random() < (0.22 if cosmetic else 0.13):
            specs += self.sheets.products(1 if rng.random() < 0.7 else 2)
        if specs[-1][0] == "product":
            self._restock(day, s, specs)
        priced = [self.sheets.price(spec) for spec in specs]
        manager = self.manager if any(line[15] for line in priced) else 0
        staff = self.back
        provider = resource if resource in self.providers else 0
        encounter = self._encounter(day, day.stamp(s), staff, patient, appointment, provider)
        p = self._posting(
            "checkout", day, s, staff, BACK, patient, encounter=encounter, approver=manager
        )
        n, sold = self._charges(p, priced, encounter, appointment, provider)
        owing = (
            not cosmetic and not returned and (appointment in self.courtesy or rng.random() < 0.15)
        )
        tenders = [] if owing else self._check_out_tenders(appointment, patient, cosmetic)
        self._record_posting("checkout", p, appointment, p.key, specs, tenders, manager)
        shown: list | None = [] if self.shown else None
        paid: list[int] = []
        if tenders:
            _, paid = self._pay(
                p, n, tenders, appointment=appointment, encounter=encounter, shown=shown
            )
        if shown is not None:
            gift = tenders[0][0] == "gift_card" if tenders else False
            self._receipt(
                "checkout",
                p,
                lines=[(line[5] or line[4], line[6], line[8], line[9]) for line in priced],
                tenders=shown,
                subtotal=sum(line[8] * line[6] for line in priced),
                discounts=sum(line[9] for line in priced),
                tax=sum(line[12] for line in priced),
                gift_card=self.card_ids[tenders[0][7]] if gift else 0,
            )
        if returned and sold and paid and tenders[-1][1] >= sold[2]:
            self._in_days(day, 2, 10, self._return, (sold, paid[-1], patient, tenders[-1]))
        if owing and self.balance.get(patient, 0) > 0:
            self._left_owing(day, appointment, patient)

    def _left_owing(self, day: Day, appointment: int, patient: int) -> None:
        """What becomes of a balance left at check-out: a courtesy adjustment a day or
        so later, collections months later, or (mostly) a statement paid."""
        rng = self.rng
        if appointment in self.courtesy:
            target = self._open_day_after(day.index, 1, 3)
            adjustment = (patient, "courtesy", "Long wait", rng.choice((1500, 2000, 2500)))
            self._later(target, self._adjust, adjustment)
        elif rng.random() < 0.03:
            collections = (patient, "bad_debt", "Sent to collections", 0)
            self._in_days(day, 120, 150, self._adjust, collections)
        else:
            self._in_days(day, 5, 30, self._statement, patient)

    def _restock(self, day: Day, s: int, specs: list[Spec]) -> None:
        """A delivery, the morning of the day, of what the shelf runs out of."""
        for spec in specs:
            if spec[0] != "product":
                continue
            item = spec[1]
            short = spec[2] - self.on_hand.get(item[0], 0)
            if short > 0:
                quantity = (24 if item[3] > 4000 else 36) + short
                at = min(8 * 3600, s - 60)
                self._record_call(
                    "receive", day.epoch0 + at, self.manager, OFFICE, item[0], quantity
                )
                self.rows["stock_moves"].append(
                    (self._id("stock_moves"), item[0], day.stamp(at), quantity, "receive", 0,
                     "Delivery", self.manager, OFFICE)
                )  # fmt: skip
                self.on_hand[item[0]] = self.on_hand.get(item[0], 0) + quantity

    def _charges(
        self, p: Posting, priced: list[tuple], encounter: int, appointment: int, provider: int
    ) -> tuple[int, tuple | None]:
        """The fee sheet's lines, a ledger charge each (billed to the line's provider, or
        `provider`) and the products off the shelf. Returns the last entry number and the
        last product sold: (charge, quantity, total, item)."""
        ids, rows = self.next, self.rows
        charges, entries, moves = rows["charges"], rows["ledger"], rows["stock_moves"]
        patient, key, iso, stamp, staff, workstation = (
            p.patient, p.key, p.day.iso, p.stamp, p.staff, p.workstation
        )  # fmt: skip
        approver = p.approver
        charge, entry = ids["charges"], ids["ledger"]
        n = 0
        sold = None
        owed = self.balance.get(patient, 0)
        for number, line in enumerate(priced, start=1):
            charges.append(
                (charge, encounter, number, *line[:15], approver if line[15] else 0, staff, stamp)
            )
            total = line[13]
            if total:
                n += 1
                entries.append(
                    (entry, p.id, f"{key}:{n}", "charge", "patient", patient, 0, total, "", "",
                     "", -1, -1, encounter, charge, appointment, 0, 0, "", "",
                     line[14] or provider, iso, stamp, staff, workstation, approver, 0)
                )  # fmt: skip
                entry += 1
                owed += total
            if line[2]:
                moves.append(
                    (ids["stock_moves"], line[2], stamp, -line[6], "sale", charge, "", staff,
                     workstation)
                )  # fmt: skip
                ids["stock_moves"] += 1
                self.on_hand[line[2]] -= line[6]
                sold = (charge, line[6], total, line[2])
            charge += 1
        ids["charges"], ids["ledger"] = charge, entry
        self.balance[patient] = owed
        return n, sold

    def _check_out_tenders(self, appointment: int, patient: int, cosmetic: bool) -> list[Tender]:
        """How what the patient owes is paid at check-out: a gift card bought for the
        visit, the deposit held, then a card, cash or a check (the card alone when a
        product is to be returned)."""
        due = max(self.balance.get(patient, 0), 0)
        tenders: list[Tender] = []
        if not due:
            return tenders
        code = self.gift_for.get(appointment)
        if code:
            use = min(-self.card_value[self.card_ids[code]], due)
            tenders.append(("gift_card", use, None, "", "", "", "", code))
            due -= use
        held = -self.credit.get(patient, 0) if appointment in self.deposit_for else 0
        if held > 0 and due:
            use = min(held, due)
            tenders.append(("credit", use, None, "", "", "", "", ""))
            due -= use
        if due and appointment in self.returned:
            tenders.append(self._with(self._card(patient), due))
        elif due:
            tenders += self._tenders(
                patient,
                due,
                cash=0.15 if cosmetic else 0.12,
                check=0.0 if cosmetic else 0.06,
                split=0.15 if cosmetic else 0.05,
            )
        return tenders

    def _no_show_fee(self, day: Day, s: int, visit: tuple) -> None:
        """corrections.post_no_show_fee at the end of the day; a few are waived later."""
        appointment, patient, resource = visit[:3]
        staff = self.front
        provider = resource if resource in self.providers else 0
        encounter = self._encounter(day, day.stamp(s), staff, patient, appointment, provider)
        p = self._posting("no_show_fee", day, s, staff, FRONT, patient, encounter=encounter)
        self._record_posting("no_show_fee", p, appointment, p.key)
        fee = self.sheets.price(["service", "NOSHOW", 1, 0, 0, ""])
        self._charges(p, [fee], encounter, appointment, 0)
        roll = self.rng.random()
        if roll < 0.25:
            self._in_days(day, 1, 5, self._adjust, (patient, "no_show_waived", "", fee[13]))
        elif roll < 0.85:
            self._in_days(day, 5, 30, self._statement, patient)
