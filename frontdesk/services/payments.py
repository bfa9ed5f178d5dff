"""Taking money: tenders (cash with change, check, card on the separate terminal, gift
card, credit on account), a payment on a balance or a co-pay, a deposit held as credit,
and gift cards (sold as a liability, redeemed with their balance checked in the same
transaction)."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING

from frontdesk.data.money import Money
from frontdesk.errors import BadAmount, Conflict, Invalid, NotFound, echo
from frontdesk.services import patients
from frontdesk.services.fields import looks_like_card_number, one_line
from frontdesk.services.ledger import (
    MONEY_ROLES,
    PostingWriter,
    balance,
    card_reference,
    check_key,
    credit,
    existing_posting,
    gift_card_balance,
)

if TYPE_CHECKING:
    from frontdesk.data.money_models import GiftCard, Tender
    from frontdesk.services.context import Desk

__all__ = [
    "CARD_BRANDS",
    "CHECK_NUMBER",
    "METHOD_WORDS",
    "check_tenders",
    "find_gift_card",
    "make_tender",
    "post_deposit",
    "post_payment",
    "post_tenders",
    "sell_gift_card",
]

CARD_BRANDS = ("Visa", "Mastercard", "Amex", "Discover", "Other")
METHOD_WORDS = {
    "cash": "Cash",
    "check": "Check",
    "card": "Card",
    "gift_card": "Gift card",
    "credit": "Credit on account",
}
CHECK_NUMBER = re.compile(r"[0-9A-Za-z-]{1,12}")
_AUTH_CODE = re.compile(r"[0-9A-Za-z]{4,12}")
_GIFT_CODE = re.compile(r"GC-[0-9A-Z]{4}-[0-9A-Z]{4}")
# No 0/O or 1/I: a code is read aloud and typed from a card.
_GIFT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _ceiling(desk: Desk) -> int:
    from frontdesk.services.practice import load_settings

    return load_settings(desk.db).amount_ceiling.cents


def make_tender(
    desk: Desk,
    method: str,
    amount: str,
    *,
    tendered: str = "",
    check_number: str = "",
    card_brand: str = "",
    card_last4: str = "",
    auth_code: str = "",
    gift_card_code: str = "",
) -> Tender:
    """A tender from what the payment form holds (text as typed), checked: Invalid or
    BadAmount saying what is wrong."""
    from frontdesk.data.money_models import Tender

    if method not in METHOD_WORDS:
        raise Invalid("Choose how the patient pays: cash, check, card, gift card or credit.")
    ceiling = _ceiling(desk)
    for text in (amount, tendered, check_number, card_last4, auth_code, gift_card_code):
        if looks_like_card_number(text):
            from frontdesk.services.fields import CARD_NUMBER_MESSAGE

            raise Invalid(CARD_NUMBER_MESSAGE)
    tender = Tender(
        method=method,
        amount=Money.parse(amount, ceiling=ceiling),
        tendered=Money.parse(tendered, ceiling=ceiling) if tendered.strip() else None,
        check_number=check_number.strip(),
        card_brand=card_brand.strip(),
        card_last4=card_last4.strip(),
        auth_code=auth_code.strip().upper(),
        gift_card_code=gift_card_code.strip().upper(),
    )
    return check_tenders(desk, (tender,))[0]


def check_tenders(desk: Desk, tenders: tuple[Tender, ...] | list[Tender]) -> list[Tender]:
    """Each tender's rules (amount above zero and under the ceiling; cash tendered at
    least the amount; a check number; a card's brand, last 4 and approval code; a gift
    card's code); returns them as given, or raises Invalid / BadAmount."""
    ceiling = _ceiling(desk)
    for tender in tenders:
        words = METHOD_WORDS.get(tender.method, tender.method)
        if tender.amount.cents <= 0:
            raise BadAmount(f"The {words.lower()} amount must be more than $0.00.")
        if tender.amount.cents > ceiling:
            raise BadAmount(f"{tender.amount} is over the largest amount allowed.")
        for text in (tender.check_number, tender.card_last4, tender.auth_code):
            if looks_like_card_number(text):
                from frontdesk.services.fields import CARD_NUMBER_MESSAGE

                raise Invalid(CARD_NUMBER_MESSAGE)
        if tender.method == "cash":
            if tender.tendered is not None and tender.tendered < tender.amount:
                raise BadAmount(
                    f"The cash handed over ({tender.tendered}) is less than the amount "
                    f"({tender.amount})."
                )
            if tender.tendered is not None and tender.tendered.cents > ceiling:
                raise BadAmount(f"{tender.tendered} is over the largest amount allowed.")
        elif tender.method == "check":
            if not CHECK_NUMBER.fullmatch(tender.check_number):
                raise Invalid("Enter the check number (up to 12 letters or digits).")
        elif tender.method == "card":
            if tender.card_brand not in CARD_BRANDS:
                raise Invalid("Choose the card brand: " + ", ".join(CARD_BRANDS) + ".")
            if not re.fullmatch(r"[0-9]{4}", tender.card_last4):
                raise Invalid("Enter the card's last 4 digits (exactly 4).")
            if not _AUTH_CODE.fullmatch(tender.auth_code):
                raise Invalid("Enter the terminal's approval code (4 to 12 letters or digits).")
        elif tender.method == "gift_card":
            if not _GIFT_CODE.fullmatch(tender.gift_card_code.upper()):
                raise Invalid("Enter the gift card's code, e.g. GC-7K3M-9Q2P.")
        elif tender.method != "credit":
            raise Invalid("Choose how the patient pays: cash, check, card, gift card or credit.")
    return list(tenders)


def find_gift_card(desk: Desk, code: str) -> GiftCard:
    """The gift card with `code` and its balance, or NotFound."""
    from frontdesk.data.money_models import GiftCard

    row = desk.db.execute(
        "SELECT id, code, purchaser_id, recipient, sold_at FROM gift_cards WHERE code = ?",
        ((code or "").strip().upper(),),
    ).fetchone()
    if row is None:
        shown = echo((code or "").strip().upper())
        raise NotFound(f"There is no gift card {shown or 'with that code'}.")
    return GiftCard(
        id=row[0],
        code=row[1],
        purchaser_id=row[2],
        recipient=row[3],
        sold_at=row[4],
        balance=gift_card_balance(desk, row[0]),
    )


def post_tenders(
    writer: PostingWriter,
    patient_id: int,
    tenders: list[Tender],
    *,
    kind: str = "payment",
    appointment_id: int | None = None,
) -> None:
    """The entries of `tenders` paid on the patient's account (inside the posting's
    transaction). A gift card's balance and the patient's credit are checked here, in
    the same transaction that uses them; Conflict when they fall short."""
    desk = writer.desk
    for tender in tenders:
        method = tender.method
        reference = {
            "check": tender.check_number,
            "card": card_reference(tender.card_last4, tender.auth_code),
            "gift_card": tender.gift_card_code.upper(),
        }.get(method, "")
        gift_card_id = None
        if method == "gift_card":
            card = find_gift_card(desk, tender.gift_card_code)
            if card.balance < tender.amount:
                raise Conflict(
                    f"Gift card {card.code} has {card.balance} left, less than {tender.amount}."
                )
            gift_card_id = card.id
        if method == "credit":
            held = credit(desk, patient_id)
            if held < tender.amount:
                raise Conflict(
                    f"The patient has {held} of credit on account, less than {tender.amount}."
                )
        change = tender.change if method == "cash" and tender.tendered is not None else None
        payment_id = writer.add(
            kind,
            "patient" if kind == "payment" else "credit",
            -tender.amount,
            patient_id=patient_id,
            method=method,
            reference=reference,
            card_brand=tender.card_brand if method == "card" else "",
            tendered=tender.tendered if method == "cash" else None,
            change=change,
            appointment_id=appointment_id,
        )
        if gift_card_id is not None:
            writer.add(
                "gift_card_redeem",
                "gift_card",
                tender.amount,
                gift_card_id=gift_card_id,
                patient_id=patient_id,
                reference=str(payment_id),
            )
        if method == "credit":
            writer.add(
                "credit_applied",
                "credit",
                tender.amount,
                patient_id=patient_id,
                reference=str(payment_id),
            )


def _tendered_total(tenders: list[Tender]) -> Money:
    return sum((t.amount for t in tenders), Money(0))


def _note(note: str) -> str:
    return one_line(note, "note", max_length=120)


def post_payment(
    desk: Desk,
    patient_id: int,
    tenders: list[Tender] | tuple[Tender, ...],
    key: str,
    *,
    appointment_id: int | None = None,
    note: str = "",
):
    """A payment on the patient's balance (no visit), or a co-pay collected at check-in
    (`appointment_id`, held against the visit's fee sheet). A payment on a balance
    cannot be more than the balance (take the rest as a deposit). Returns the Posting;
    the same `key` again returns the first one."""
    from frontdesk.services.receipts import finish_posting, posting_result

    desk.require_role(MONEY_ROLES, "take payments")
    key = check_key(key)
    tenders = check_tenders(desk, tenders)
    if not tenders:
        raise Invalid("Add how the patient pays.")
    note = _note(note)
    with desk.writing():
        found = existing_posting(desk, key)
        if found is not None:
            return posting_result(desk, found, replayed=True)
        patients.require_active(desk, patient_id, "take a payment")
        total = _tendered_total(tenders)
        if appointment_id is None:
            owed = balance(desk, patient_id)
            if total > owed:
                raise Conflict(
                    f"{total} is more than the balance ({max(owed, Money(0))}); take the "
                    "rest as a deposit."
                )
        elif _visit_of(desk, appointment_id, patient_id) not in (
            "booked",
            "confirmed",
            "arrived",
            "roomed",
            "with_provider",
            "ready_checkout",
        ):
            raise Conflict("A co-pay is taken for a visit that is booked or in the office.")
        writer = PostingWriter(desk, "payment", key, patient_id=patient_id, note=note)
        writer.open()
        post_tenders(writer, patient_id, tenders, appointment_id=appointment_id)
        writer.audit("payment posted", f"patient {patient_id}: {total.cents} cents")
        return finish_posting(desk, writer)


def _visit_of(desk: Desk, appointment_id: int, patient_id: int) -> str:
    row = desk.db.execute(
        "SELECT patient_id, status FROM appointments WHERE id = ?", (appointment_id,)
    ).fetchone()
    if row is None:
        raise NotFound("That appointment is not on the book.")
    if row[0] != patient_id:
        raise Invalid("That appointment is another patient's.")
    return row[1]


def post_deposit(
    desk: Desk,
    patient_id: int,
    tenders: list[Tender] | tuple[Tender, ...],
    key: str,
    *,
    note: str = "",
):
    """A deposit ahead of a procedure: held as the patient's credit (not revenue) and
    applied at a later check-out as "credit on account". Cash, check or card only."""
    from frontdesk.services.receipts import finish_posting, posting_result

    desk.require_role(MONEY_ROLES, "take deposits")
    key = check_key(key)
    tenders = check_tenders(desk, tenders)
    if not tenders:
        raise Invalid("Add how the patient pays the deposit.")
    if any(t.method not in ("cash", "check", "card") for t in tenders):
        raise Invalid("A deposit is taken in cash, by check or by card.")
    note = _note(note)
    with desk.writing():
        found = existing_posting(desk, key)
        if found is not None:
            return posting_result(desk, found, replayed=True)
        patients.require_active(desk, patient_id, "take a deposit")
        writer = PostingWriter(desk, "deposit", key, patient_id=patient_id, note=note)
        writer.open()
        post_tenders(writer, patient_id, tenders, kind="deposit")
        total = _tendered_total(tenders)
        writer.audit("deposit taken", f"patient {patient_id}: {total.cents} cents")
        return finish_posting(desk, writer)


def _new_code(desk: Desk) -> str:
    while True:
        raw = "".join(secrets.choice(_GIFT_ALPHABET) for _ in range(8))
        code = f"GC-{raw[:4]}-{raw[4:]}"
        if not desk.db.execute("SELECT 1 FROM gift_cards WHERE code = ?", (code,)).fetchone():
            return code


def sell_gift_card(
    desk: Desk,
    amount: Money,
    tenders: list[Tender] | tuple[Tender, ...],
    key: str,
    *,
    purchaser_id: int | None = None,
    recipient: str = "",
):
    """Sell a gift card of `amount`, paid by `tenders` (cash, check or card, adding up
    to the amount): a liability of the practice until redeemed, not revenue. Returns
    the Posting; the card's code is on its receipt."""
    from frontdesk.services.receipts import finish_posting, posting_result

    desk.require_role(MONEY_ROLES, "sell gift cards")
    key = check_key(key)
    if amount.cents <= 0:
        raise BadAmount("A gift card's amount must be more than $0.00.")
    if amount.cents > _ceiling(desk):
        raise BadAmount(f"{amount} is over the largest amount allowed.")
    tenders = check_tenders(desk, tenders)
    if any(t.method not in ("cash", "check", "card") for t in tenders):
        raise Invalid("A gift card is paid in cash, by check or by card.")
    if _tendered_total(tenders) != amount:
        raise BadAmount(
            f"The payments ({_tendered_total(tenders)}) must add up to the card's {amount}."
        )
    recipient = one_line(recipient, "recipient", max_length=60)
    with desk.writing():
        found = existing_posting(desk, key)
        if found is not None:
            return posting_result(desk, found, replayed=True)
        if purchaser_id is not None:
            patients.require_active(desk, purchaser_id, "sell them a gift card")
        code = _new_code(desk)
        card_id = desk.db.execute(
            "INSERT INTO gift_cards (code, purchaser_id, recipient, sold_at, sold_by)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                code,
                purchaser_id,
                recipient,
                desk.clock.stamp(),
                desk.actor.staff_id if desk.actor else None,
            ),
        ).lastrowid
        writer = PostingWriter(desk, "gift_card_sale", key, patient_id=purchaser_id)
        writer.open()
        for tender in tenders:
            writer.add(
                "gift_card_sale",
                "gift_card",
                -tender.amount,
                gift_card_id=card_id,
                patient_id=purchaser_id,
                method=tender.method,
                reference={
                    "check": tender.check_number,
                    "card": card_reference(tender.card_last4, tender.auth_code),
                }.get(tender.method, ""),
                card_brand=tender.card_brand if tender.method == "card" else "",
                tendered=tender.tendered if tender.method == "cash" else None,
                change=tender.change if tender.method == "cash" and tender.tendered else None,
            )
        writer.audit("gift card sold", f"gift card {card_id}: {amount.cents} cents")
        return finish_posting(desk, writer)
