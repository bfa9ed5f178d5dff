"""The rules of the front desk: plain Python over a database, no Textual.

Each module is one area of the practice. Services take a `Desk` (database, clock,
workstation and who is signed in) and plain values or models, return models, and raise
`frontdesk.errors.FrontDeskError` subclasses whose message a receptionist can read.
"""

__all__ = ["accounts", "audit", "auth", "context", "demo", "practice"]
