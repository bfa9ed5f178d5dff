"""The demo money history's corrections, as corrections.* posts them, each approved by
the office manager: a co-pay voided (run on the wrong card), balance adjustments
(courtesy, waived no-show fees, bad debt), products returned and payments refunded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.services.demo_days import BACK, FRONT, OFFICE
from frontdesk.services.demo_payments import Payments
from frontdesk.services.demo_receipts import printed_tender
from frontdesk.services.ledger import card_reference

if TYPE_CHECKING:
    from frontdesk.services.demo_days import Day

__all__ = ["Corrections"]


class Corrections(Payments):
    """Corrections of the history's postings."""

    def _void(self, day: Day, s: int, data: tuple) -> None:
        """corrections.void_entry of a co-pay, then the co-pay taken again on the right
        card."""
        entry, visit, amount, tender = data
        appointment, patient = visit[0], visit[1]
        manager = self.manager
        p = self._posting("void", day, s, self.front, FRONT, patient, approver=manager)
        reason = "Wrong card"
        self._record_posting("void", p, entry, reason, p.key)
        reference, brand = card_reference(tender[5], tender[6]), tender[4]
        self._entry(
            p, 1, "reversal", "patient", amount, method="card", reference=reference,
            brand=brand, appointment=appointment, reverses=entry, reason=reason,
        )  # fmt: skip
        shown = [printed_tender("card", -amount, reference, brand)]
        self._receipt("void", p, tenders=shown, total=amount, reason=reason)
        again = self._with(self._card(None), amount)
        self._soon(s + self.rng.randint(30, 90), self._pay_again, (visit, again))

    def _pay_again(self, day: Day, s: int, data: tuple) -> None:
        visit, tender = data
        self._post_co_pay(day, s, visit, [tender])

    def _adjust(self, day: Day, s: int, data: tuple) -> None:
        """corrections.adjust_balance by the office manager of at most `most` of what the
        patient owes (0: the whole balance)."""
        patient, reason, note, most = data
        owed = self.balance.get(patient, 0)
        if owed <= 0:
            return
        amount = min(owed, most) if most else owed
        manager = self.manager
        p = self._posting("adjustment", day, s, manager, OFFICE, patient, approver=manager)
        self._record_posting("adjustment", p, patient, amount, reason, p.key, note)
        self._entry(p, 1, "adjustment", "patient", -amount, reason=reason, note=note)

    def _cancelled_deposit(self, day: Day, s: int, _: None) -> None:
        """A deposit the patient cancels a few days later: refunded to the card."""
        entry, amount, patient, tender = self._deposit(day, s, None)
        refund = (entry, amount, patient, "credit", tender, "Package cancelled")
        self._in_days(day, 2, 10, self._refund, refund)

    def _return(self, day: Day, s: int, data: tuple) -> None:
        """corrections.return_product (back to stock), then the money back on the card."""
        (charge, quantity, total, item), payment, patient, tender = data
        staff, manager = self.back, self.manager
        p = self._posting("adjustment", day, s, staff, BACK, patient, approver=manager)
        self._record_posting("return", p, charge, quantity, p.key)
        value = total  # the whole line comes back
        self._entry(p, 1, "adjustment", "patient", -value, charge=charge, reason="returned")
        self.rows["stock_moves"].append(
            (self._id("stock_moves"), item, p.stamp, quantity, "return", charge, "", staff, BACK)
        )
        refund = (payment, value, patient, "patient", tender, "Product returned")
        self._soon(s + self.rng.randint(60, 300), self._refund, refund)

    def _refund(self, day: Day, s: int, data: tuple) -> None:
        """corrections.refund_payment back on the original card."""
        entry, amount, patient, account, tender, reason = data
        approval = f"RF{self.rng.randrange(10_000):04d}"
        p = self._posting("refund", day, s, self.back, BACK, patient, approver=self.manager)
        self._record_posting("refund", p, entry, amount, reason, p.key, approval)
        reference, brand = card_reference(tender[5], approval), tender[4]
        self._entry(
            p, 1, "refund", account, amount, method="card", reference=reference, brand=brand,
            refunds=entry, reason=reason,
        )  # fmt: skip
        shown = [printed_tender("card", -amount, reference, brand, refund=True)]
        # The money handed back, whichever account it came off (a deposit's is credit).
        self._receipt("refund", p, tenders=shown, total=amount, reason=reason)
