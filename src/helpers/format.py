"""German number formatting for tables, captions and generated text.

Everything the reader sees goes through these functions, so the whole book
uses the decimal comma, the thousands point and the same symbols.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

GESPERRT = "•"  # value withheld by disclosure control
FEHLT = "–"  # no value in the data
UNSICHER = "°"  # rate on a small denominator (see Anhang „Methoden“)


def _ist_leer(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def gerundet(x, stellen: int = 0) -> float:
    """The value as :func:`zahl` displays it (same rounding). Differences stated in the report are
    computed from displayed values, so a reader can recompute them from the tables."""
    return float(f"{float(x):.{stellen}f}")


def differenz(a, b, stellen: int = 0) -> float:
    """``a − b`` from the values as displayed (see :func:`gerundet`); NaN when either is missing."""
    if _ist_leer(a) or _ist_leer(b):
        return math.nan
    return gerundet(gerundet(a, stellen) - gerundet(b, stellen), stellen)


def zahl(x, stellen: int = 0) -> str:
    """Format a number the German way: ``13036 -> "13.036"``, ``12.5 -> "12,5"``."""
    if _ist_leer(x):
        return FEHLT
    text = f"{float(x):,.{stellen}f}"
    # swap separators: 13,036.5 -> 13.036,5
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if text.startswith("-"):
        text = "−" + text[1:]  # typographic minus
    if text in ("−0", "−0," + "0" * stellen):
        text = text[1:]
    return text


def prozent(x, stellen: int = 1) -> str:
    """``12.5 -> "12,5 %"`` (x is already in percent)."""
    return FEHLT if _ist_leer(x) else f"{zahl(x, stellen)} %"


def vorzeichen(x, stellen: int = 1) -> str:
    """Signed number: ``1.25 -> "+1,3"``, ``-0.4 -> "−0,4"``, zero without sign."""
    if _ist_leer(x):
        return FEHLT
    text = zahl(x, stellen)
    return text if text.startswith("−") or set(text) <= set("0,") else "+" + text


# A difference of two shares is not a share: 12 % − 10 % = 2 Prozentpunkte (Pp.), likewise for ‰.
PUNKTE = {"%": "Pp.", "‰": "‰-Punkte"}


def punkte(x, einheit: str = "%", stellen: int = 1) -> str:
    """A difference between two values of an indicator, in its own unit.

    Percent and per-mille values differ by percentage / per-mille points ("Pp.", "‰-Punkte"),
    all others by their unit.
    """
    if _ist_leer(x):
        return FEHLT
    suffix = PUNKTE.get(einheit, einheit)
    return f"{vorzeichen(x, stellen)} {suffix}".rstrip()


ZAEHLEINHEITEN = ("Personen", "Fälle", "Anzahl", "Kinder", "Haushalte", "Plätze", "Wohnungen",
                  "Schüler/innen", "Bedarfsgemeinschaften", "")


def stellen_fuer(einheit: str) -> int:
    """Default number of decimals for an indicator unit (counts 0, averages per household 2)."""
    if einheit in ZAEHLEINHEITEN:
        return 0
    return 2 if "je Haushalt" in einheit else 1


def wert(x, einheit: str = "", stellen: int | None = None) -> str:
    """A value with its unit: ``wert(12.5, "%") -> "12,5 %"``, ``wert(3.2, "je 1.000")``."""
    if _ist_leer(x):
        return FEHLT
    stellen = stellen_fuer(einheit) if stellen is None else stellen
    text = zahl(x, stellen)
    if einheit in ZAEHLEINHEITEN:
        return text
    return f"{text} {einheit}"


# Dative plural of the count nouns the catalog uses as units ("mit 54,4 Plätzen je 100").
DATIV_PLURAL = {"Plätze": "Plätzen", "Kinder": "Kindern", "Fälle": "Fällen", "Haushalte": "Haushalten"}


def wert_dativ(x, einheit: str = "", stellen: int | None = None) -> str:
    """:func:`wert` after a dative preposition: the unit's first noun in the dative plural."""
    text = wert(x, einheit, stellen)
    if _ist_leer(x):
        return text
    erstes = einheit.split(" ", 1)[0] if einheit else ""
    if erstes in DATIV_PLURAL and abs(float(x)) != 1:
        text = text.replace(f" {erstes}", f" {DATIV_PLURAL[erstes]}", 1)
    return text


def zelle(x, gesperrt: bool = False, unsicher: bool = False, stellen: int = 1) -> str:
    """A table cell: suppressed values as "•", uncertain ones marked with "°"."""
    if gesperrt:
        return GESPERRT
    text = zahl(x, stellen)
    return f"{text}{UNSICHER}" if unsicher and text != FEHLT else text


#: Word joiner (U+2060): no line break after the dash of a range in a narrow table column.
BINDER = "\u2060"


def spanne(unten, oben, stellen: int = 1) -> str:
    """``"12,9–16,2"``, a range that a table column never breaks after its dash."""
    return f"{zahl(unten, stellen)}–{BINDER}{zahl(oben, stellen)}"


def stichtag(jahr: int) -> str:
    return f"31.12.{int(jahr)}"


def markdown_tabelle(
    df: pd.DataFrame,
    rechtsbuendig: Sequence[str] | None = None,
) -> str:
    """A pipe table from already formatted (string) cells.

    Columns listed in ``rechtsbuendig`` (default: all but the first) are right-aligned.
    """
    spalten = [str(c) for c in df.columns]
    rechts = set(spalten[1:] if rechtsbuendig is None else rechtsbuendig)

    def esc(text) -> str:
        # "<" escaped: pandoc would look for the end of an HTML tag in the whole rest of the book
        # for each "< 0,001" (seconds per cell in a book with many districts)
        return str(text).replace("|", "\\|").replace("\n", " ").replace("<", "\\<")

    kopf = "| " + " | ".join(esc(c) for c in spalten) + " |"
    zellen = [[esc(v) for v in row] for row in df.astype(str).itertuples(index=False)]
    # Pandoc would take the relative column widths of a long table from its dashes; the book
    # turns that off (_quarto.yml: tbl-colwidths: false; the Python build: --columns), so the
    # dashes only keep the Markdown readable: in proportion to the longest cell.
    breiten = [min(max((len(r[i]) for r in zellen), default=0), 30) for i in range(len(spalten))]
    trenner = "|" + "|".join((f"{'-' * max(b, 3)}:" if c in rechts else f":{'-' * max(b, 3)}")
                             for c, b in zip(spalten, breiten)) + "|"
    zeilen = ["| " + " | ".join(r) + " |" for r in zellen]
    return "\n".join([kopf, trenner, *zeilen])


# "ein"/"kein" by gender and case, for counts of one and none.
_EIN = {("m", "nom"): "ein", ("m", "akk"): "einen", ("m", "dat"): "einem",
        ("f", "nom"): "eine", ("f", "akk"): "eine", ("f", "dat"): "einer",
        ("n", "nom"): "ein", ("n", "akk"): "ein", ("n", "dat"): "einem"}


def anzahl(n: int, einzahl: str, mehrzahl: str, genus: str = "m", fall: str = "nom",
           mehrzahl_dativ: str | None = None) -> str:
    """A count with its noun in German: "kein Stadtteil", "eine Bewertung", "3 Ziele".

    ``genus`` m/f/n, ``fall`` nom/akk/dat; ``mehrzahl_dativ`` for nouns whose dative plural
    differs ("in 3 Stadtteilen").
    """
    if (genus, fall) not in _EIN:
        raise ValueError(f"genus {genus!r} / fall {fall!r}")
    n = int(n)
    if n == 0:
        return f"k{_EIN[genus, fall]} {einzahl}"
    if n == 1:
        return f"{_EIN[genus, fall]} {einzahl}"
    return f"{zahl(n)} {mehrzahl_dativ if fall == 'dat' and mehrzahl_dativ else mehrzahl}"


def aufzaehlung(namen: Sequence[str]) -> str:
    """German enumeration: ``["A", "B", "C"] -> "A, B und C"``."""
    namen = list(namen)
    if not namen:
        return ""
    if len(namen) == 1:
        return namen[0]
    return ", ".join(namen[:-1]) + " und " + namen[-1]
