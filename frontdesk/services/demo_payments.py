"""The demo money history's payments, as payments.* posts them: how patients pay (cards,
cash with change, checks, gift cards, credit), payments on account from statements,
deposits held as credit and gift cards sold."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from frontdesk.services.demo_days import BACK, FRONT
from frontdesk.services.demo_receipts import Receipts, printed_tender
from frontdesk.services.demo_rows import Posting
from frontdesk.services.ledger import card_reference

if TYPE_CHECKING:
    from frontdesk.services.context import Desk
    from frontdesk.services.demo_days import Day

__all__ = ["Payments"]

# Card brands by how many patients carry them (cumulative percent).
_CARD_BRANDS = (("Visa", 50), ("Mastercard", 80), ("Amex", 92), ("Discover", 100))
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # as payments._GIFT_ALPHABET
_PAIRS = [a + b for a in _CODE_ALPHABET for b in _CODE_ALPHABET]

#: A tender as the services take it: method, amount, tendered (cash), check number, card
#: brand, last four digits, approval code, gift card code.
Tender = tuple


class Payments(Receipts):
    """Payments of the history; `gift_for` holds the visits a gift card is bought for
    (and, once sold, its code), `deposit_patients` who pays a deposit before a visit."""

    def __init__(self, desk: Desk, rng: random.Random, days: list[Day]) -> None:
        super().__init__(desk, rng, days)
        self.patient_count = max(self.names, default=0)
        self.cards: dict[int, tuple[str, str]] = {}
        self.card_codes: set[str] = set()
        self.card_ids: dict[str, int] = {}
        self.gift_for: dict[int, str | None] = {}
        self.deposit_patients: set[int] = set()

    # -- tenders ---------------------------------------------------------------------------------

    def _card(self, patient: int | None) -> Tender:
        """The patient's card (the same one each visit, mostly) and a terminal approval."""
        rng = self.rng
        card = self.cards.get(patient) if patient else None
        if card is None or rng.random() < 0.1:
            roll = rng.random() * 100
            brand = next(brand for brand, cut in _CARD_BRANDS if roll < cut)
            card = (brand, f"{rng.randrange(10_000):04d}")
            if patient:
                self.cards[patient] = card
        bits = rng.getrandbits(30)
        auth = _PAIRS[bits >> 20] + _PAIRS[(bits >> 10) & 1023] + _PAIRS[bits & 1023]
        return ("card", 0, None, "", card[0], card[1], auth, "")

    def _tenders(
        self,
        patient: int | None,
        amount: int,
        *,
        cash: float = 0.15,
        check: float = 0.0,
        split: float = 0.0,
    ) -> list[Tender]:
        """How `amount` is paid: by card mostly, some cash (handed over in bills, with
        change), some checks, some split between a card and cash."""
        rng = self.rng
        roll = rng.random()
        if roll < split and amount >= 4000:
            cash_part = max(1000, (amount * rng.randint(2, 6) // 10) // 500 * 500)
            if cash_part < amount:
                return [
                    *self._tenders(patient, cash_part, cash=1.0),
                    self._with(self._card(patient), amount - cash_part),
                ]
        roll = rng.random()
        if roll < cash:
            if rng.random() < 0.3:
                tendered = amount
            else:
                bill = 2000 if amount <= 6000 else 5000 if amount <= 20000 else 10000
                tendered = -(-amount // bill) * bill
            return [("cash", amount, tendered, "", "", "", "", "")]
        if roll < cash + check:
            return [self._check(amount)]
        return [self._with(self._card(patient), amount)]

    def _check(self, amount: int) -> Tender:
        return ("check", amount, None, str(self.rng.randint(1001, 9899)), "", "", "", "")

    @staticmethod
    def _with(tender: Tender, amount: int) -> Tender:
        return (tender[0], amount, *tender[2:])

    def _pay(
        self,
        p: Posting,
        n: int,
        tenders: list[Tender],
        *,
        kind: str = "payment",
        appointment: int = 0,
        encounter: int = 0,
        note: str = "",
        shown: list | None = None,
    ) -> tuple[int, list[int]]:
        """payments.post_tenders: each tender's entry (and what a gift card or credit
        gives up) after entry `n`; returns the last entry number and the payment
        entries' ids. Receipt lines of the tenders go to `shown`."""
        ids = []
        account = "patient" if kind == "payment" else "credit"
        held = self.balance if kind == "payment" else self.credit
        rows = self.rows["ledger"]
        patient, key, iso, stamp = p.patient, p.key, p.day.iso, p.stamp
        drawer = self.drawer_sessions.get((p.day.index, p.workstation), 0)
        for method, amount, tendered, check_no, brand, last4, auth, code in tenders:
            if method == "card":
                reference = card_reference(last4, auth)
            else:
                brand = ""
                reference = (
                    check_no if method == "check" else code.upper() if method == "gift_card" else ""
                )
            if method == "cash" and tendered is not None:
                change = tendered - amount
            else:
                tendered = change = -1
            n += 1
            entry = self.next["ledger"]
            self.next["ledger"] = entry + 1
            rows.append(
                (entry, p.id, f"{key}:{n}", kind, account, patient, 0, -amount, method,
                 reference, brand, tendered, change, encounter, 0, appointment, 0, 0, "", note,
                 0, iso, stamp, p.staff, p.workstation, p.approver,
                 drawer if method in ("cash", "check", "card") else 0)
            )  # fmt: skip
            held[patient] = held.get(patient, 0) - amount
            ids.append(entry)
            if shown is not None:
                shown.append(printed_tender(method, amount, reference, brand, tendered, change))
            if method == "gift_card":
                n += 1
                self._entry(
                    p, n, "gift_card_redeem", "gift_card", amount, gift_card=self.card_ids[code],
                    reference=str(entry), encounter=encounter, note=note,
                )  # fmt: skip
            elif method == "credit":
                n += 1
                self._entry(
                    p, n, "credit_applied", "credit", amount, reference=str(entry),
                    encounter=encounter, note=note,
                )  # fmt: skip
        return n, ids

    # -- what the desk posts ---------------------------------------------------------------------

    def _post_payment(
        self,
        day: Day,
        s: int,
        staff: int,
        workstation: str,
        patient: int,
        tenders: list[Tender],
        *,
        appointment: int = 0,
        note: str = "",
    ) -> list[int]:
        """payments.post_payment (a co-pay at check-in when `appointment`)."""
        p = self._posting("payment", day, s, staff, workstation, patient)
        self._record_posting("payment", p, patient, p.key, tenders, appointment, note)
        shown: list | None = [] if self.shown else None
        _, ids = self._pay(p, 0, tenders, appointment=appointment, note=note, shown=shown)
        if shown is not None:
            paid = sum(tender[1] for tender in tenders)
            text = "Co-pay" if appointment else "Payment on account"
            self._receipt("payment", p, lines=[(text, 1, paid, 0)], tenders=shown, subtotal=paid)
        return ids

    def _post_co_pay(self, day: Day, s: int, visit: tuple, tenders: list[Tender]) -> list[int]:
        """The co-pay of `visit`, taken at check-in."""
        patient, appointment = visit[1], visit[0]
        return self._post_payment(
            day, s, self.front, FRONT, patient, tenders, appointment=appointment, note="co-pay"
        )

    def _statement(self, day: Day, s: int, patient: int) -> None:
        """A balance paid from the statement: a mailed check or a card over the phone
        (sometimes half now, the rest later)."""
        rng = self.rng
        owed = self.balance.get(patient, 0)
        if owed <= 0:
            return
        amount = owed if owed < 4000 or rng.random() < 0.8 else owed // 200 * 100
        if rng.random() < 0.4:
            tenders = [self._check(amount)]
        else:
            tenders = [self._with(self._card(patient), amount)]
        self._post_payment(day, s, self.front, FRONT, patient, tenders)
        if amount < owed:
            self._in_days(day, 10, 30, self._statement, patient)

    def _deposit(self, day: Day, s: int, visit: tuple | None) -> tuple[int, int, int, Tender]:
        """payments.post_deposit ahead of the laser package of `visit` (applied there), or
        by someone whose credit no laser visit of the history uses. Returns the deposit's
        entry, amount, patient and tender."""
        rng = self.rng
        if visit is not None:
            patient = visit[1]
        else:
            patient = rng.randint(1, self.patient_count)
            while patient in self.deposit_patients:
                patient = rng.randint(1, self.patient_count)
        amount = rng.choice((20000, 30000, 50000))
        tender = self._with(self._card(patient), amount)
        note = "Laser package deposit"
        p = self._posting("deposit", day, s, self.front, FRONT, patient)
        self._record_posting("deposit", p, patient, p.key, [tender], note)
        shown: list = []
        _, (entry,) = self._pay(p, 0, [tender], kind="deposit", note=note, shown=shown)
        lines = [("Deposit (held as credit)", 1, amount, 0)]
        self._receipt("deposit", p, lines=lines, tenders=shown, subtotal=amount)
        return entry, amount, patient, tender

    def _gift_card_sale(self, day: Day, s: int, visit: tuple | None) -> None:
        """payments.sell_gift_card: for a patient's visit later on (redeemed there, often
        not all of it), or not yet used."""
        rng = self.rng
        purchaser = rng.randint(1, self.patient_count) if rng.random() < 0.75 else 0
        recipient = self.names[visit[1]][0] if visit is not None else ""
        amount = rng.choice((5000, 10000, 15000, 20000, 25000))
        code = self._new_card_code()
        if rng.random() < 0.8:
            tenders = [self._with(self._card(purchaser or None), amount)]
        else:
            tenders = [("cash", amount, -(-amount // 5000) * 5000, "", "", "", "", "")]
        staff = self.back
        card = self._id("gift_cards")
        self.card_ids[code] = card
        self.card_code_of[card] = code
        self.rows["gift_cards"].append((card, code, purchaser, recipient, day.stamp(s), staff))
        p = self._posting("gift_card_sale", day, s, staff, BACK, purchaser)
        self._record_posting(
            "gift_card_sale", p, purchaser, p.key, amount, tenders, recipient, code
        )
        shown = []
        for n, (method, part, tendered, _, brand, last4, auth, _) in enumerate(tenders, 1):
            reference = card_reference(last4, auth) if method == "card" else ""
            given = tendered if method == "cash" else -1
            change = tendered - part if method == "cash" and tendered else -1
            self._entry(
                p, n, "gift_card_sale", "gift_card", -part, gift_card=card, method=method,
                reference=reference, brand=brand, tendered=given, change=change,
            )  # fmt: skip
            shown.append(printed_tender(method, part, reference, brand, given, change))
        self._receipt("gift_card_sale", p, tenders=shown, subtotal=amount, gift_card=card)
        if visit is not None:
            self.gift_for[visit[0]] = code

    def _new_card_code(self) -> str:
        """A code no card has (as payments._new_code)."""
        while True:
            raw = "".join(_CODE_ALPHABET[self.rng.randrange(32)] for _ in range(8))
            code = f"GC-{raw[:4]}-{raw[4:]}"
            if code not in self.card_codes:
                self.card_codes.add(code)
                return code
