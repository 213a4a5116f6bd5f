"""What the title pages show besides ``_quarto.yml``: city, Stichtag, demo-data notice.

Read from the data folder's ``bericht.yml`` (``$SOZIALBERICHT_DATEN`` or ``<book>/data``,
the rule of the build's data check) with ``helpers.daten``, so the title page follows the
data: another city or another report year gives another title page. A book without a
data folder (e.g. the test book) gets none of these lines.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from helpers.build.errors import BuildError

HINWEIS = ("Dieser Bericht zeigt synthetische Beispieldaten für {stadt}. Die Zahlen sind keine amtlichen "
           "Werte und beschreiben nicht die tatsächliche Lage in den Stadtteilen.")


@dataclass(frozen=True)
class Titelei:
    """Lines of the title page that come from the data."""

    stadt: str | None = None
    berichtsjahr: int | None = None
    beispieldaten: bool = False

    @property
    def stand(self) -> str | None:
        """"Stand: 31.12.2018" (the Stichtag of the report year)."""
        return f"Stand: 31.12.{self.berichtsjahr}" if self.berichtsjahr else None

    @property
    def hinweis(self) -> str | None:
        """The demo-data notice, or None for real data."""
        return HINWEIS.format(stadt=self.stadt or "die Stadt") if self.beispieldaten else None


def data_folder(root: Path) -> Path | None:
    """``$SOZIALBERICHT_DATEN`` or ``<root>/data`` (as the build's data check); None if absent."""
    configured = os.environ.get("SOZIALBERICHT_DATEN")
    folder = Path(configured) if configured else root / "data"
    return folder if folder.is_dir() else None


def bericht(root: Path):
    """The settings of this edition (``bericht.yml`` with the Berichtsjahr set for the build), or None."""
    folder = data_folder(root)
    if folder is None or not (folder / "bericht.yml").is_file():
        return None
    from helpers.daten.bericht import lese_bericht
    from helpers.daten.datenbestand import berichtsjahr_vorgabe
    from helpers.daten.fehler import DatenFehler

    probleme: list = []
    gelesen = lese_bericht(folder / "bericht.yml", probleme)
    if probleme or gelesen is None:
        raise BuildError(f"bericht.yml in {folder} ist fehlerhaft:\n{DatenFehler(probleme, folder)}")
    try:
        jahr = berichtsjahr_vorgabe()
    except DatenFehler as err:
        raise BuildError(str(err)) from None
    return dataclasses.replace(gelesen, berichtsjahr=jahr) if jahr else gelesen


def titelei(root: Path) -> Titelei:
    """The title page lines for the book in ``root``."""
    b = bericht(root)
    if b is None:
        return Titelei()
    return Titelei(stadt=b.stadt, berichtsjahr=b.berichtsjahr, beispieldaten=bool(b.beispieldaten))
