"""Helpers for the Sozialbericht: data layer, analyses, charts and the book build.

Notebooks start with one shared setup call::

    import helpers
    ctx = helpers.setup()

``setup`` is imported on first use (module ``__getattr__``), so the build's command-line
tools (``python -m helpers.build``, ``helpers.execute``, ``helpers.postrender``) start
without loading pandas and matplotlib.
"""

from __future__ import annotations

import importlib
import sys
import types

__all__ = ["setup"]


class _Package(types.ModuleType):
    """Keeps ``helpers.setup`` the function even when the submodule ``helpers.setup`` is imported.

    The import system binds a loaded submodule to its name in the package; before the
    import became lazy, ``from helpers.setup import setup`` here rebound it to the function.
    """

    def __setattr__(self, name, value):
        if name == "setup" and isinstance(value, types.ModuleType) and callable(getattr(value, "setup", None)):
            value = value.setup
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str):
    if name == "setup":
        importlib.import_module("helpers.setup")  # binds helpers.setup (the function, see _Package)
        return globals()["setup"]
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "setup"})
