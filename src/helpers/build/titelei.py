"""What the title pages show of this edition: title, edition and Stichtag, publisher, demo notice.

Read from the data folder's ``bericht.yml`` (``$SOZIALBERICHT_DATEN`` or ``<book>/data``,
the rule of the build's data check) with ``helpers.daten``, so the title page follows the
data: another city or another report year gives another title page. A book without a
data folder (e.g. the test book) keeps the title of ``_quarto.yml``.

Both engines read the title through ``_quarto.yml``: its ``metadata-files`` names
:data:`AUSGABE_DATEI`, which :func:`schreibe_ausgabe` writes before rendering (the Python
build first thing, Quarto's ``pre-render`` step too; Quarto re-reads the project
configuration after ``pre-render``).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from helpers.build.errors import BuildError

#: Generated metadata file of the edition (named in ``_quarto.yml`` under ``metadata-files``).
AUSGABE_DATEI = "_ausgabe.yml"
ORDINALE = ("Erster", "Zweiter", "Dritter", "Vierter", "Fünfter", "Sechster", "Siebter", "Achter", "Neunter",
            "Zehnter")

HINWEIS = ("Dieser Bericht zeigt synthetische Beispieldaten für {stadt}. Die Zahlen sind keine amtlichen "
           "Werte und beschreiben nicht die tatsächliche Lage in den Stadtteilen.")


@dataclass(frozen=True)
class Titelei:
    """Lines of the title page that come from the data."""

    stadt: str | None = None
    berichtsjahr: int | None = None
    beispieldaten: bool = False
    titel: str | None = None
    herausgeber: str | None = None
    nummer: int | None = None  # which edition (1 = first report), None when bericht.yml lists none

    @property
    def untertitel(self) -> str | None:
        """"Erster Sozialbericht · Stand: 31.12.2018": the edition and its Stichtag (not the build date)."""
        if not self.berichtsjahr:
            return None
        if self.nummer is None:
            ausgabe = "Sozialbericht"
        elif self.nummer <= len(ORDINALE):
            ausgabe = f"{ORDINALE[self.nummer - 1]} Sozialbericht"
        else:
            ausgabe = f"{self.nummer}. Sozialbericht"
        return f"{ausgabe} · {self.stand}"

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
    nummer = None
    if b.ausgaben:
        nummer = 1 + sum(1 for j in b.ausgaben if j < b.berichtsjahr)
    return Titelei(stadt=b.stadt, berichtsjahr=b.berichtsjahr, beispieldaten=bool(b.beispieldaten),
                   titel=b.titel_text, herausgeber=b.herausgeber or f"Stadt {b.stadt}",
                   nummer=nummer)


def ausgabe_metadaten(lines: Titelei) -> dict:
    """The book metadata of this edition for ``_quarto.yml``'s ``metadata-files`` ({} without data)."""
    if not lines.titel:
        return {}
    return {"book": {"title": lines.titel, "subtitle": lines.untertitel, "author": lines.herausgeber}}


def schreibe_ausgabe(root: Path) -> Path:
    """Write :data:`AUSGABE_DATEI` for the edition being built (an empty mapping without a data folder)."""
    import yaml

    inhalt = ausgabe_metadaten(titelei(root))
    text = ("# Geschrieben von jedem Build aus bericht.yml (Stadt, Berichtsjahr, ausgaben, titel, herausgeber):\n"
            "# Titel, Ausgabe mit Stichtag und Herausgeber dieser Ausgabe. Änderungen hier gehen verloren;\n"
            "# bitte bericht.yml ändern.\n"
            + yaml.safe_dump(inhalt, allow_unicode=True, sort_keys=False, width=200))
    pfad = root / AUSGABE_DATEI
    if not pfad.is_file() or pfad.read_text(encoding="utf-8") != text:
        pfad.write_text(text, encoding="utf-8")
    return pfad
