"""Kurzfassung: the report's main results on two to three pages, computed like the chapters.

Each paragraph comes from the helper that computes the same statement in its chapter
(overview, Fazit, needs, Wirkungsziele) and names that chapter, so the summary cannot
drift from the report it summarises.
"""

from __future__ import annotations

import pandas as pd

from helpers import format as fmt


def einleitung(bericht, stadtteile: pd.DataFrame, katalog) -> str:
    """What the report covers: city, Stichtag, districts, fields and indicators."""
    n_hf = len(katalog.handlungsfelder)
    n_ind = len(katalog.indikatoren)
    return (f"Der Bericht beschreibt die Lebenslagen von Kindern, Jugendlichen und ihren Familien in {bericht.stadt} "
            f"zum Stichtag {fmt.stichtag(bericht.berichtsjahr)}: für die Gesamtstadt und ihre "
            f"{fmt.zahl(len(stadtteile))} Stadtteile, in {fmt.zahl(n_hf)} Handlungsfeldern mit "
            f"{fmt.zahl(n_ind)} Indikatoren. Diese Kurzfassung nennt die wichtigsten Ergebnisse; jede Aussage "
            "verweist auf das Kapitel, in dem sie hergeleitet und mit ihren Grenzen beschrieben ist.")


def gesamtstadt(bilanz: str) -> str:
    """The city's overall balance (``ueberblick.bilanz_text``) with its chapter."""
    return f"{bilanz.rstrip()} Einzelheiten nennt @sec-ueberblick-gesamtstadt."


def bedarfe(saetze: list[str]) -> str:
    """The needs (``bedarfe.befund``) as one paragraph with its chapter."""
    return " ".join(saetze) + " Die Regeln und ihre Belege stehen in @sec-handlungsbedarfe."


def wirkungsziele(saetze: list[str]) -> str:
    """The Wirkungsziele status (``wirkungsziele.befund``) with its chapter."""
    if not saetze:
        return "Für die Wirkungsziele liegen noch keine Bewertungen vor (@sec-wirkungsziele)."
    return " ".join(saetze) + " Ziele, Pfade und Status je Stadtteil zeigt @sec-wirkungsziele."
