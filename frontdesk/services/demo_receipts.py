"""The demo money history's receipts, as receipts.queue_receipt queues them: the payload
receipts.build_receipt makes (balance after included), printed a few seconds later.
Old days' receipts are long printed and gone from the queue (`Day.kept`)."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from frontdesk.services.demo_rows import Posting, Rows
from frontdesk.services.ledger import card_parts

if TYPE_CHECKING:
    from frontdesk.services.context import Desk
    from frontdesk.services.demo_days import Day

__all__ = ["Receipts", "printed_tender"]

# What receipts.build_receipt calls each printed posting's receipt.
_RECEIPT_KIND = {
    "checkout": "payment",
    "payment": "payment",
    "deposit": "payment",
    "gift_card_sale": "gift_card",
    "refund": "refund",
    "void": "void",
}


def _short_name(first: str, last: str) -> str:
    """receipts._short_name: "Maria P."."""
    return f"{first} {last[:1]}.".strip() if last else first


def _js(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _jn(value: int | None) -> str:
    return "null" if value is None else str(value)


def _detail(method: str, reference: str, brand: str, refund: bool) -> str:
    """receipts._detail: what a receipt prints for a tender."""
    if method == "card":
        last4, code = card_parts(reference)
        card = f"{brand} ****{last4}".strip() if last4 else brand
        return f"{card} refund {code}".strip() if refund else card
    if method == "check":
        return f"#{reference}" if reference else ""
    if method == "gift_card":
        return reference
    return ""


def printed_tender(
    method: str,
    amount: int,
    reference: str,
    brand: str,
    tendered: int = -1,
    change: int = -1,
    *,
    refund: bool = False,
) -> tuple:
    """A tender as a receipt lists it: method, amount, detail, tendered, change."""
    return (
        method,
        amount,
        _detail(method, reference, brand, refund),
        tendered if tendered >= 0 else None,
        change if change >= 0 else None,
    )


class Receipts(Rows):
    """Receipts of the history's postings; `shown` says whether the day being posted
    keeps its receipts (when not, nobody builds their lines)."""

    def __init__(self, desk: Desk, rng: random.Random, days: list[Day]) -> None:
        from frontdesk.services import practice

        super().__init__(desk, rng, days)
        db = self.db
        settings = practice.load_settings(db)
        self.practice_json = (
            f',"practice_name":{_js(settings.name)},"practice_address":'
            f'{_js(settings.address)},"practice_phone":{_js(settings.phone)}'
        )
        self.cashier = {}
        for staff_id, full_name in db.execute("SELECT id, full_name FROM staff"):
            first, _, last = full_name.partition(" ")
            self.cashier[staff_id] = _js(_short_name(first, last))
        # What the generator needs of the patients (it never touches the database).
        self.names: dict[int, tuple[str, str, str]] = {
            row[0]: row[1:]
            for row in db.execute("SELECT id, first_name, last_name, account_no FROM patients")
        }
        self.patients: dict[int, tuple[str, str]] = {}  # as a receipt prints them
        self.card_code_of: dict[int, str] = {}
        self.shown = True

    def _receipt(
        self,
        kind: str,
        p: Posting,
        *,
        lines: Sequence[tuple[str, int, int, int]] = (),
        tenders: Sequence[tuple] = (),
        subtotal: int = 0,
        discounts: int = 0,
        tax: int = 0,
        total: int | None = None,
        gift_card: int = 0,
        reason: str = "",
    ) -> None:
        """receipts.queue_receipt of posting `p`; `lines` are (text, quantity, unit
        price, discount), `tenders` as `printed_tender` makes them."""
        day = p.day
        if not day.kept:
            return
        if total is None:
            total = subtotal - discounts + tax
        patient = p.patient
        if patient:
            names = self.patients.get(patient)
            if names is None:
                first, last, account_no = self.names[patient]
                names = self.patients[patient] = (_js(_short_name(first, last)), _js(account_no))
            balance_after = str(self.balance.get(patient, 0))
            held = -self.credit.get(patient, 0)
            credit_after = str(held) if held else "null"
        else:
            names, balance_after, credit_after = ('""', '""'), "null", "null"
        code = '""'
        card_balance = "null"
        if gift_card:
            code = _js(self.card_code_of[gift_card])
            card_balance = str(-self.card_value.get(gift_card, 0))
        line_json = ",".join(
            f'{{"text":{_js(text)},"quantity":{quantity},"unit_price":{unit},'
            f'"amount":{unit * quantity},"discount":{discount}}}'
            for text, quantity, unit, discount in lines
        )
        tender_json = ",".join(
            f'{{"method":"{method}","amount":{amount},"detail":{_js(detail)},'
            f'"tendered":{_jn(tendered)},"change":{_jn(change)}}}'
            for method, amount, detail, tendered, change in tenders
        )
        payload = (
            f'{{"kind":"{_RECEIPT_KIND[kind]}","number":"R{p.id:07d}"{self.practice_json},'
            f'"at":"{day.printed(p.s)}","cashier":{self.cashier[p.staff]},'
            f'"workstation":{_js(p.workstation)},"patient":{names[0]},"account_no":{names[1]},'
            f'"lines":[{line_json}],"subtotal":{subtotal},"discounts":{discounts},'
            f'"tax":{tax},"total":{total},"tenders":[{tender_json}],'
            f'"balance_after":{balance_after},"credit_after":{credit_after},'
            f'"gift_card_code":{code},"gift_card_balance":{card_balance},'
            f'"reason":{_js(reason)},"reprint":false}}'
        )
        printed = day.stamp(p.s + 3)
        self.rows["print_jobs"].append(
            (self._id("print_jobs"), "", p.workstation, "receipt", p.id, payload, "printed", 0,
             1, "", p.stamp, printed, int(any(t[0] == "cash" and t[1] for t in tenders)))
        )  # fmt: skip
        self._record_call("printed", printed)
