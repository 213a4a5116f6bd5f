"""Where the repository and the data folder are.

Resolution order (documented in the README of the data folder):

* repository root: ``$SOZIALBERICHT_ROOT``; else the nearest folder above the
  current working directory that holds ``_quarto.yml``; else the checkout this
  package was installed from (``src/helpers/daten`` → three levels up).
* data folder: an explicit argument; else ``$SOZIALBERICHT_DATEN``; else
  ``<repo>/data``.
* catalog: ``<data folder>/indikatoren.yml`` if present, else
  ``<repo>/data/indikatoren.yml`` (a data folder may bring its own catalog).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATEN = "SOZIALBERICHT_DATEN"
ENV_ROOT = "SOZIALBERICHT_ROOT"
KATALOG = "indikatoren.yml"


def repo_root() -> Path:
    """The repository root (see module docstring for the order of lookups)."""
    env = os.environ.get(ENV_ROOT)
    if env:
        return Path(env).expanduser().resolve()
    here = Path.cwd().resolve()
    for kandidat in (here, *here.parents):
        if (kandidat / "_quarto.yml").is_file():
            return kandidat
    return Path(__file__).resolve().parents[3]


def daten_ordner(ordner: str | os.PathLike | None = None) -> Path:
    """The data folder: ``ordner``, else ``$SOZIALBERICHT_DATEN``, else ``<repo>/data``."""
    if ordner is None:
        ordner = os.environ.get(ENV_DATEN) or (repo_root() / "data")
    return Path(ordner).expanduser().resolve()


def katalog_pfad(ordner: Path) -> Path:
    """The catalog used for ``ordner``: its own ``indikatoren.yml`` or the repository's."""
    eigen = ordner / KATALOG
    return eigen if eigen.is_file() else repo_root() / "data" / KATALOG
