"""frontdesk: the front-desk console of a dermatology practice."""

__all__ = ["__version__"]

__version__ = "0.1.0"
