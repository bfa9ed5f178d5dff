"""The console's screens, one module per workflow; `registry` lists what each role opens."""

__all__ = ["registry"]
