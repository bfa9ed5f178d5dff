"""Fee sheets: the fee schedule and retail catalogue, pricing a line (quantity, price
override, discount, sales tax on taxable retail), and a visit's draft fee sheet.

A price override always needs a manager; a discount does when it is over the practice's
limit. A fee sheet is a draft until check-out finalizes it; a finalized one never
changes (the database refuses it): a mistake is voided or adjusted on the account.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from frontdesk.data.money import Money
from frontdesk.errors import BadAmount, Conflict, Invalid, NotFound, echo
from frontdesk.services import audit
from frontdesk.services.ledger import MONEY_ROLES, ensure_open_day, manager_approval

if TYPE_CHECKING:
    from frontdesk.data.models import Actor, PracticeSettings
    from frontdesk.data.money_models import FeeCode, FeeLine, FeeSheet, Item, PricedLine
    from frontdesk.services.context import Desk

__all__ = [
    "DISCOUNT_WORDS",
    "approval_needed",
    "fee_sheet",
    "find_code",
    "find_sku",
    "price_line",
    "price_lines",
    "save_fee_sheet",
    "search_catalogue",
    "write_lines",
]

DISCOUNT_WORDS = {
    "courtesy": "courtesy",
    "employee": "employee",
    "package": "package",
    "promotion": "promotion",
}
_MAX_QUANTITY = 9999
_FEE_COLUMNS = "id, code, description, receipt_text, kind, unit, price_cents, active"
_ITEM_COLUMNS = "i.id, i.sku, i.name, i.kind, i.price_cents, i.cost_cents, i.taxable, i.active"
_ON_HAND = "(SELECT coalesce(sum(quantity), 0) FROM stock_moves m WHERE m.item_id = i.id)"


def _fee(row: tuple) -> FeeCode:
    from frontdesk.data.money_models import FeeCode

    return FeeCode(
        id=row[0],
        code=row[1],
        description=row[2],
        receipt_text=row[3],
        kind=row[4],
        unit=row[5],
        price=Money(row[6]),
        active=bool(row[7]),
    )


def _item(row: tuple) -> Item:
    from frontdesk.data.money_models import Item

    return Item(
        id=row[0],
        sku=row[1],
        name=row[2],
        kind=row[3],
        price=Money(row[4]),
        cost=Money(row[5]),
        taxable=bool(row[6]),
        active=bool(row[7]),
        on_hand=row[8] if len(row) > 8 else 0,
    )


# -- the catalogue -----------------------------------------------------------------------------


def search_catalogue(desk: Desk, text: str, *, limit: int = 30) -> list[FeeCode | Item]:
    """Services and retail products matching `text`: a code or SKU (exact first, then
    its beginning) or words of the description, in any order. Active ones only."""
    words = [w for w in re.split(r"\s+", (text or "").strip().lower()) if w][:6]
    if not words:
        return []
    found: list[FeeCode | Item] = []
    exact = find_code(desk, text, missing_ok=True)
    if exact is not None:
        found.append(exact)
    sku = find_sku(desk, text, missing_ok=True)
    if sku is not None:
        found.append(sku)
    like = [f"%{w}%" for w in words]
    fee_where = " AND ".join("(lower(description) LIKE ? OR lower(code) LIKE ?)" for _ in words)
    for row in desk.db.execute(
        f"SELECT {_FEE_COLUMNS} FROM fee_schedule WHERE active = 1 AND {fee_where}"
        " ORDER BY kind = 'fee', code LIMIT ?",
        (*[p for w in like for p in (w, w)], limit),
    ):
        if not any(getattr(f, "code", None) == row[1] for f in found):
            found.append(_fee(row))
    item_where = " AND ".join("(lower(i.name) LIKE ? OR i.sku LIKE ?)" for _ in words)
    for row in desk.db.execute(
        f"SELECT {_ITEM_COLUMNS}, {_ON_HAND} FROM items i WHERE i.active = 1"
        f" AND i.kind = 'retail' AND {item_where} ORDER BY i.name LIMIT ?",
        (*[p for w in like for p in (w, w)], limit),
    ):
        if not any(getattr(f, "sku", None) == row[1] for f in found):
            found.append(_item(row))
    return found[:limit]


def find_code(desk: Desk, code: str, *, missing_ok: bool = False) -> FeeCode | None:
    """The active fee-schedule service with exactly this code (any case)."""
    row = desk.db.execute(
        f"SELECT {_FEE_COLUMNS} FROM fee_schedule WHERE code = ? AND active = 1",
        ((code or "").strip(),),
    ).fetchone()
    if row is None:
        if missing_ok:
            return None
        raise NotFound(f"There is no service '{echo(code or '')}' on the fee schedule.")
    return _fee(row)


def find_sku(desk: Desk, sku: str, *, missing_ok: bool = False, stock: bool = True) -> Item | None:
    """The active product with exactly this SKU (what a barcode scanner types), with
    what is on the shelf unless `stock` is False (pricing does not need it)."""
    columns = f"{_ITEM_COLUMNS}, {_ON_HAND}" if stock else _ITEM_COLUMNS
    row = desk.db.execute(
        f"SELECT {columns} FROM items i WHERE i.sku = ? AND i.active = 1 AND i.kind = 'retail'",
        ((sku or "").strip(),),
    ).fetchone()
    if row is None:
        if missing_ok:
            return None
        raise NotFound(f"There is no product with SKU '{echo(sku or '')}'.")
    return _item(row)


# -- pricing ---------------------------------------------------------------------------------


def _percent_of(amount: int, basis_points: int) -> int:
    """`amount` cents times basis points / 10000, rounded half up (cents are whole)."""
    return (amount * basis_points + 5000) // 10000


def price_line(desk: Desk, line: FeeLine, settings: PracticeSettings | None = None) -> PricedLine:
    """A line priced by the fee schedule or catalogue: the override or list price times
    the quantity, less the discount, plus sales tax when the product is taxable
    (services are never taxed). Says in `needs_approval` why a manager must approve it.
    Raises NotFound for an unknown code, Invalid or BadAmount for a bad quantity,
    override or discount."""
    from frontdesk.data.money_models import PricedLine
    from frontdesk.services.practice import load_settings

    settings = settings or load_settings(desk.db)
    if isinstance(line.quantity, bool) or not 1 <= line.quantity <= _MAX_QUANTITY:
        raise Invalid(f"The quantity is a whole number from 1 to {_MAX_QUANTITY}.")
    if line.kind == "service":
        fee = find_code(desk, line.code)
        fee_id, item_id, code, description = fee.id, None, fee.code, fee.description
        receipt_text, list_price, taxable = fee.receipt_text, fee.price, False
    else:
        item = find_sku(desk, line.code, stock=False)
        fee_id, item_id, code, description = None, item.id, item.sku, item.name
        receipt_text, list_price, taxable = "", item.price, item.taxable
    why: list[str] = []
    unit = list_price
    if line.unit_price is not None and line.unit_price != list_price:
        if line.unit_price.cents < 0:
            raise BadAmount("A price cannot be below $0.00.")
        if line.unit_price > settings.amount_ceiling:
            raise BadAmount(f"{line.unit_price} is over the largest amount allowed.")
        unit = line.unit_price
        why.append(f"price of {code} changed from {list_price} to {unit}")
    gross = unit * line.quantity
    if gross > settings.amount_ceiling:
        raise BadAmount(f"{code}: {gross} is over the largest amount allowed on one line.")
    discount = Money(0)
    if line.discount_amount is not None and line.discount_percent is not None:
        raise Invalid("Give the discount as an amount or a percent, not both.")
    if line.discount_amount is not None:
        discount = line.discount_amount
        if discount.cents <= 0:
            raise BadAmount("A discount must be more than $0.00.")
    elif line.discount_percent is not None:
        if isinstance(line.discount_percent, bool) or not 1 <= line.discount_percent <= 100:
            raise Invalid("A discount percent is a whole number from 1 to 100.")
        discount = Money(_percent_of(gross.cents, line.discount_percent * 100))
    if discount:
        if discount > gross:
            raise BadAmount(f"The discount ({discount}) is more than the line ({gross}).")
        if line.discount_reason not in DISCOUNT_WORDS:
            raise Invalid("Choose the discount's reason: courtesy, employee, package or promotion.")
        if discount > settings.discount_limit:
            why.append(f"discount of {discount} on {code} (over {settings.discount_limit})")
    tax = Money(_percent_of((gross - discount).cents, settings.sales_tax_basis_points))
    if not taxable:
        tax = Money(0)
    return PricedLine(
        kind=line.kind,
        fee_id=fee_id,
        item_id=item_id,
        code=code,
        description=description,
        receipt_text=receipt_text,
        quantity=line.quantity,
        provider_id=line.provider_id,
        list_price=list_price,
        unit_price=unit,
        discount=discount,
        discount_reason=line.discount_reason if discount else None,
        taxable=taxable,
        tax=tax,
        total=gross - discount + tax,
        needs_approval="; ".join(why),
    )


def price_lines(desk: Desk, lines: tuple[FeeLine, ...] | list[FeeLine]) -> list[PricedLine]:
    from frontdesk.services.practice import load_settings

    settings = load_settings(desk.db)
    if len(lines) > 99:
        raise Invalid("A fee sheet has at most 99 lines.")
    return [price_line(desk, line, settings) for line in lines]


def approval_needed(lines: list[PricedLine]) -> str:
    """Why a manager must approve these lines ("" when no manager is needed)."""
    return "; ".join(line.needs_approval for line in lines if line.needs_approval)


# -- a visit's fee sheet ----------------------------------------------------------------------


def _visit(desk: Desk, appointment_id: int) -> tuple:
    row = desk.db.execute(
        "SELECT a.patient_id, a.resource_id, r.kind, a.status, a.starts_at FROM appointments a"
        " JOIN resources r ON r.id = a.resource_id WHERE a.id = ?",
        (appointment_id,),
    ).fetchone()
    if row is None:
        raise NotFound("That appointment is not on the book.")
    return row


def _lines_of(desk: Desk, encounter_id: int) -> tuple[PricedLine, ...]:
    from frontdesk.data.money_models import PricedLine

    rows = desk.db.execute(
        "SELECT kind, fee_id, item_id, code, description, receipt_text, quantity,"
        " provider_id, list_price_cents, unit_price_cents, discount_cents, discount_reason,"
        " taxable, tax_cents, total_cents FROM charges WHERE encounter_id = ? ORDER BY line_no",
        (encounter_id,),
    ).fetchall()
    return tuple(
        PricedLine(
            kind=r[0],
            fee_id=r[1],
            item_id=r[2],
            code=r[3],
            description=r[4],
            receipt_text=r[5],
            quantity=r[6],
            provider_id=r[7],
            list_price=Money(r[8]),
            unit_price=Money(r[9]),
            discount=Money(r[10]),
            discount_reason=r[11] or None,
            taxable=bool(r[12]),
            tax=Money(r[13]),
            total=Money(r[14]),
        )
        for r in rows
    )


def fee_sheet(desk: Desk, appointment_id: int) -> FeeSheet:
    """The visit's fee sheet: the saved draft or the finalized one, or a new empty one
    (its provider the appointment's provider column, if it is one)."""
    from frontdesk.data.money_models import FeeSheet

    desk.require_role(MONEY_ROLES, "open fee sheets")
    patient_id, resource_id, resource_kind, _status, starts_at = _visit(desk, appointment_id)
    row = desk.db.execute(
        "SELECT id, provider_id, business_date, status, no_charge_reason FROM encounters"
        " WHERE appointment_id = ?",
        (appointment_id,),
    ).fetchone()
    if row is None:
        return FeeSheet(
            patient_id=patient_id,
            appointment_id=appointment_id,
            provider_id=resource_id if resource_kind == "provider" else None,
            business_date=desk.clock.local(starts_at).date(),
        )
    return FeeSheet(
        id=row[0],
        patient_id=patient_id,
        appointment_id=appointment_id,
        provider_id=row[1],
        business_date=dt.date.fromisoformat(row[2]),
        status=row[3],
        lines=_lines_of(desk, row[0]),
        no_charge_reason=row[4],
    )


def _encounter_for(
    desk: Desk, appointment_id: int, provider_id: int | None, *, audited: bool = True
) -> int:
    """The visit's open encounter (made now if it has none, audited unless the caller's
    own audit row covers it); Conflict once finalized."""
    patient_id, resource_id, resource_kind, _status, _starts = _visit(desk, appointment_id)
    row = desk.db.execute(
        "SELECT id, status FROM encounters WHERE appointment_id = ?", (appointment_id,)
    ).fetchone()
    if row is not None:
        if row[1] == "finalized":
            raise Conflict(
                "This visit's fee sheet is already finalized; correct it on the account "
                "(void or adjust)."
            )
        if provider_id is not None:
            desk.db.execute(
                "UPDATE encounters SET provider_id = ? WHERE id = ?", (provider_id, row[0])
            )
        return row[0]
    if provider_id is None and resource_kind == "provider":
        provider_id = resource_id
    encounter_id = desk.db.execute(
        "INSERT INTO encounters (patient_id, appointment_id, provider_id, business_date,"
        " opened_by, opened_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            patient_id,
            appointment_id,
            provider_id,
            desk.clock.business_date().isoformat(),
            desk.actor.staff_id if desk.actor else None,
            desk.clock.stamp(),
        ),
    ).lastrowid
    if audited:
        audit.record(desk, "fee sheet opened", "encounters", encounter_id, f"appt {appointment_id}")
    return encounter_id


def write_lines(
    desk: Desk, encounter_id: int, lines: list[PricedLine], approver_id: int | None
) -> list[int]:
    """Replace a draft's lines with `lines` (inside the caller's transaction); returns
    the new lines' ids in order."""
    desk.db.execute("DELETE FROM charges WHERE encounter_id = ?", (encounter_id,))
    staff_id = desk.actor.staff_id if desk.actor else None
    now = desk.clock.stamp()
    ids = []
    for number, line in enumerate(lines, start=1):
        ids.append(
            desk.db.execute(
                "INSERT INTO charges (encounter_id, line_no, kind, fee_id, item_id, code,"
                " description, receipt_text, quantity, list_price_cents, unit_price_cents,"
                " discount_cents, discount_reason, taxable, tax_cents, total_cents,"
                " provider_id, approver_id, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    encounter_id,
                    number,
                    line.kind,
                    line.fee_id,
                    line.item_id,
                    line.code,
                    line.description,
                    line.receipt_text,
                    line.quantity,
                    line.list_price.cents,
                    line.unit_price.cents,
                    line.discount.cents,
                    line.discount_reason or "",
                    int(line.taxable),
                    line.tax.cents,
                    line.total.cents,
                    line.provider_id,
                    approver_id if line.needs_approval else None,
                    staff_id,
                    now,
                ),
            ).lastrowid
        )
    return ids


def open_encounter(
    desk: Desk,
    appointment_id: int,
    lines: list[PricedLine],
    *,
    provider_id: int | None = None,
    approver: Actor | None = None,
    audited: bool = True,
) -> int:
    """Write the visit's draft with `lines` inside the caller's transaction (a manager's
    approval checked for any line that needs one); returns the encounter's id. A new
    encounter is audited unless `audited` is False (a check-out's own row covers it)."""
    ensure_open_day(desk, desk.clock.business_date())
    why = approval_needed(lines)
    approver_id = manager_approval(desk, approver, why) if why else None
    encounter_id = _encounter_for(desk, appointment_id, provider_id, audited=audited)
    write_lines(desk, encounter_id, lines, approver_id)
    return encounter_id


def save_fee_sheet(
    desk: Desk,
    appointment_id: int,
    lines: tuple[FeeLine, ...] | list[FeeLine],
    *,
    provider_id: int | None = None,
    approver: Actor | None = None,
    approval_reason: str = "",
) -> FeeSheet:
    """Save the visit's fee sheet as a draft (check-out finalizes it). Conflict once it
    is finalized; NeedsApproval for an override or a discount over the limit (the
    manager's reason is kept in the audit trail)."""
    from frontdesk.services.fields import one_line

    desk.require_role(MONEY_ROLES, "enter fee sheets")
    priced = price_lines(desk, lines)
    approval_reason = one_line(approval_reason, "reason for the approval", max_length=80)
    with desk.writing():
        encounter_id = open_encounter(
            desk, appointment_id, priced, provider_id=provider_id, approver=approver
        )
        why = approval_needed(priced)
        audit.record(
            desk,
            "fee sheet saved",
            "encounters",
            encounter_id,
            f"{len(priced)} lines"
            + (f"; approved: {approval_reason}" if why and approval_reason else ""),
        )
    return fee_sheet(desk, appointment_id)
