"""Helpers for the Sozialbericht: data layer, analyses, charts and the book build.

Notebooks start with one shared setup call::

    import helpers
    ctx = helpers.setup()
"""

from helpers.setup import setup

__all__ = ["setup"]
