"""Reusable pieces of the console: header, form rows, money input, dialogs."""

__all__ = ["dialogs", "form", "header"]
