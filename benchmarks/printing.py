"""Receipts: from the receipt model to ESC/POS bytes (layout, then python-escpos)."""

import statistics
import time

from benchmarks.harness import Result, benchmark

ROUNDS = 200
WARMUP = 10


def _receipt():
    """A busy check-out's receipt: eight lines, a discount, tax and a split payment."""
    from frontdesk.data.money import Money
    from frontdesk.data.money_models import Receipt, ReceiptLine, ReceiptTender

    lines = tuple(
        ReceiptLine(text=text, quantity=q, unit_price=Money(p), amount=Money(p * q))
        for text, q, p in (
            ("Office visit, established", 1, 14500),
            ("Destruction, premalignant lesion", 1, 11000),
            ("Each additional lesion", 4, 1200),
            ("Cosmetic service", 40, 1200),
            ("Mineral Sunscreen SPF 30", 2, 3200),
            ("Lip Balm SPF 30", 1, 900),
            ("Vitamin C Serum 15%", 1, 7800),
            ("Gentle Foaming Cleanser", 1, 2400),
        )
    )
    subtotal = sum((line.amount for line in lines), Money(0))
    return Receipt(
        kind="payment",
        number="R0123456",
        practice_name="Lakeside Dermatology & Laser",
        practice_address="1200 N Lake Shore Dr, Suite 300\nChicago, IL 60611",
        practice_phone="(312) 555-0100",
        at="11/24/2026 4:12 PM",
        cashier="Ashley Nguyen",
        workstation="FRONT-2",
        patient="Siobhán P.",
        account_no="100051",
        lines=lines,
        subtotal=subtotal,
        tax=Money(1563),
        total=subtotal + Money(1563),
        tenders=(
            ReceiptTender(method="card", amount=Money(80000), detail="Visa ****4242"),
            ReceiptTender(
                method="cash",
                amount=subtotal + Money(1563) - Money(80000),
                tendered=Money(40000),
                change=Money(40000) - (subtotal + Money(1563) - Money(80000)),
            ),
        ),
        balance_after=Money(0),
    )


@benchmark("receipt_render", budget=10.0, unit="ms")
def receipt_render() -> Result:
    """Median time from a receipt model to its ESC/POS bytes at 42 columns (layout and
    python-escpos' Dummy printer, with the QR code, cut and drawer pulse); budget 10 ms.
    Baseline: the same lines joined and encoded to the printer's code page by hand."""
    from frontdesk.printing.escpos_bytes import receipt_bytes
    from frontdesk.printing.layout import receipt_lines

    receipt = _receipt()
    times, raw = [], []
    for n in range(ROUNDS + WARMUP):
        started = time.perf_counter()
        data = receipt_bytes(receipt, 42, drawer_pin=2)
        elapsed = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        plain = "\n".join(receipt_lines(receipt, 42)).encode("cp437", "replace")
        by_hand = (time.perf_counter() - started) * 1000
        if n >= WARMUP:
            times.append(elapsed)
            raw.append(by_hand)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"  receipt_render: p95 {p95:.2f} ms, {len(data)} bytes ({len(plain)} of text)")
    return Result(statistics.median(times), "ms", baseline=statistics.median(raw))
