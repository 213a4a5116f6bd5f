"""The one exception type for expected build failures."""

from __future__ import annotations


class BuildError(Exception):
    """An expected failure (bad data, failing notebook, bad embed or reference).

    The message is German, says what failed and how to fix it, and is shown to the
    user without a Python traceback.
    """
