"""The data room: SQLite connection, schema and migrations, models, money and clock.

Knows SQL; knows nothing about screens (never imports textual).
"""

__all__ = ["clock", "db", "models", "money", "schema"]
