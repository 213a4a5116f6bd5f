"""Where the rule files of Teil III/IV (``regeln/*.yml``) come from.

A data folder may bring its own ``regeln/`` (like its own ``indikatoren.yml``);
otherwise the project's ``data/regeln/`` applies.
"""

from __future__ import annotations

from pathlib import Path


def regeldatei(ordner: str | Path, name: str) -> Path:
    """``<data folder>/regeln/<name>`` if it exists, else ``<repo>/data/regeln/<name>``."""
    from helpers.daten.ordner import repo_root

    eigene = Path(ordner) / "regeln" / name
    return eigene if eigene.exists() else repo_root() / "data" / "regeln" / name
