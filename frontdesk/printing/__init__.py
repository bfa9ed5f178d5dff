"""Receipts on ESC/POS thermal printers: layout to text lines, lines to ESC/POS bytes,
bytes to a printer through a queue that never blocks a screen.

python-escpos is imported only when something is printed (its import costs start-up time).
"""

__all__: list[str] = []
