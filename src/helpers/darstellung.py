"""Rules for how figures, tables and sentences adapt to the number of districts.

The thresholds live in ``regeln/darstellung.yml`` (the data folder's own, else the
project's ``data/regeln/darstellung.yml``). :func:`helpers.setup` loads them once, like
the plot style; the plotting and table kit (:mod:`helpers.grafik`, :mod:`helpers.tabellen`,
:mod:`helpers.t3grafik`, :mod:`helpers.karten`, :mod:`helpers.steckbriefe`,
:mod:`helpers.texte`) reads them through :func:`regeln`. Notebooks set no thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

DATEI = "darstellung.yml"


@dataclass(frozen=True)
class Regeln:
    hoehe_max_zoll: float = 9.0
    schrift_min_pt: float = 6.5
    balken_bis: int = 30
    auswahl_abbildung: int = 10
    tabelle_bis: int = 30
    auswahl_tabelle: int = 5
    aufzaehlung_bis: int = 6
    auswahl_satz: int = 5
    linien_hervorheben: int = 3
    heatmap_zahlen_bis: int = 15
    heatmap_max: int = 40
    karte_namen_bis: int = 30
    felder_max: int = 20
    streu_namen_bis: int = 20
    streu_namen_auswahl: int = 8
    glossar_links_bis: int = 30


_aktuell: Regeln | None = None


def lade(pfad: str | Path) -> Regeln:
    """Read ``darstellung.yml``; an unknown key or a value that is not a positive number is an error."""
    import yaml

    pfad = Path(pfad)
    try:
        inhalt = yaml.safe_load(pfad.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ValueError(f"{pfad.name}: ungültiges YAML ({err}). → Prüfen Sie Einrückung und Doppelpunkte.") from err
    if not isinstance(inhalt, dict):
        raise ValueError(f"{pfad.name}: erwartet werden die Abschnitte „seite“ und „stadtteile“.")
    werte = {}
    erlaubt = {f.name: f.type for f in fields(Regeln)}
    for abschnitt in ("seite", "stadtteile"):
        for schluessel, wert in (inhalt.get(abschnitt) or {}).items():
            if schluessel not in erlaubt:
                raise ValueError(f"{pfad.name}, Abschnitt „{abschnitt}“, Schlüssel „{schluessel}“: unbekannt. "
                                 f"Erlaubt sind: {', '.join(erlaubt)}.")
            typ = float if erlaubt[schluessel] in (float, "float") else int
            if isinstance(wert, bool) or not isinstance(wert, (int, float)) or wert <= 0 \
                    or (typ is int and float(wert) != int(wert)):
                raise ValueError(f"{pfad.name}, Abschnitt „{abschnitt}“, Schlüssel „{schluessel}“, Wert „{wert}“: "
                                 f"erwartet wird eine {'ganze ' if typ is int else ''}Zahl größer als 0.")
            werte[schluessel] = typ(wert)
    return Regeln(**werte)


def datei(ordner: str | Path | None = None) -> Path:
    """The rule file for the data folder ``ordner`` (its own ``regeln/darstellung.yml`` or the project's)."""
    from helpers.daten.ordner import daten_ordner
    from helpers.regeln import regeldatei

    return regeldatei(daten_ordner(ordner), DATEI)


def setzen(r: Regeln) -> None:
    """Make ``r`` the rules of this session (called by :func:`helpers.setup`)."""
    global _aktuell
    _aktuell = r


def regeln() -> Regeln:
    """The rules of this session: as set by :func:`helpers.setup`, else the project's file."""
    global _aktuell
    if _aktuell is None:
        pfad = datei()
        _aktuell = lade(pfad) if pfad.is_file() else Regeln()
    return _aktuell


# --------------------------------------------------------------------------- shared helpers


def hoehe(zeilen: int, je_zeile: float, rand: float) -> float:
    """Figure height for ``zeilen`` rows, never taller than one page (``hoehe_max_zoll``)."""
    return min(je_zeile * zeilen + rand, regeln().hoehe_max_zoll)


def auswahl(tab: pd.DataFrame, spalte: str, n: int, gueltig: pd.Series | None = None) -> tuple[pd.DataFrame, int]:
    """The ``n`` rows with the highest and the ``n`` with the lowest ``spalte`` (sorted descending).

    ``gueltig`` marks the rows that may be chosen (e.g. not suppressed). Returns the
    chosen rows and how many valid rows were left out in between.
    """
    t = tab if gueltig is None else tab[gueltig]
    t = t[t[spalte].notna()].sort_values(spalte, ascending=False, kind="stable")
    if len(t) <= 2 * n:
        return t, 0
    return pd.concat([t.head(n), t.tail(n)]), len(t) - 2 * n


ZAHLWORT = {1: "ein", 2: "zwei", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs", 7: "sieben", 8: "acht",
            9: "neun", 10: "zehn", 11: "elf", 12: "zwölf"}


def zahlwort(n: int) -> str:
    """German number word up to twelve (Duden: small numbers in words), else digits."""
    from helpers import format as fmt

    return ZAHLWORT.get(int(n), fmt.zahl(n))
