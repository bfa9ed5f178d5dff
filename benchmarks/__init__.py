"""Performance budgets of frontdesk (DESIGN.md section 6): `python -m benchmarks --help`."""
