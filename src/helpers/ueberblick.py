"""Teil II overview: every key indicator (``kern: true``) of all Handlungsfelder for the city.

For each key indicator: the city value on the Stichtag and five years before,
the change, how many districts lie above and below the city value, and whether
the change is favourable according to the catalog's ``richtung``.

Indicators whose Merkmale are not collected every year (``jaehrlich: false``,
e.g. elections) enter with their latest year up to the Berichtsjahr, compared
with their latest year up to the comparison year.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers import format as fmt
from helpers.tabellen import STADT, vergleichsjahr

GUENSTIGER = "günstiger"
UNGUENSTIGER = "ungünstiger"
UNVERAENDERT = "unverändert"
OHNE_WERTUNG = "ohne Wertung"
KEIN_VERGLEICH = "kein Vergleich"
#: An election held at or before the comparison date: its change does not fall into the period.
KEINE_NEUE_WAHL = "keine Wahl seit dem Vergleichsjahr"


def jaehrlich(katalog, indikator: str) -> bool:
    """True if all Merkmale of the indicator are collected every year."""
    k = katalog.indikator(indikator)
    m = katalog.merkmale.set_index("id")
    spalte = m["jaehrlich"] if "jaehrlich" in m else pd.Series(True, index=m.index)
    ids = [k["zaehler"]] + ([k["nenner"]] if isinstance(k["nenner"], str) else [])
    return all(bool(spalte.get(i, True)) for i in ids)


def vergleichsjahr_jaehrlich(ind: pd.DataFrame, katalog, jahr: int, abstand: int = 5) -> int | None:
    """The comparison year (``abstand`` years back, else the earliest later one), taken
    from the years of annually collected indicators only – election years such as
    2013 would otherwise become a comparison year without annual data."""
    ids = [i for i in katalog.indikatoren["id"] if jaehrlich(katalog, i)]
    return vergleichsjahr(ind[ind["indikator"].isin(ids)], jahr, abstand)


def _stadtjahre(ind: pd.DataFrame, indikator: str) -> list[int]:
    r = ind[(ind["indikator"] == indikator) & (ind["stadtteil"] == STADT) & ind["wert"].notna()]
    return sorted(int(j) for j in r["jahr"].unique())


def datenjahre(ind: pd.DataFrame, katalog, indikator: str, jahr: int,
               vergleich_jahr: int | None) -> tuple[int | None, int | None]:
    """(year of the current value, year of the comparison value) for one indicator.

    Annual indicators: ``jahr`` and ``vergleich_jahr``. Others: the latest year up
    to ``jahr`` and the latest year up to ``vergleich_jahr`` (else the one before
    the current year).
    """
    if jaehrlich(katalog, indikator):
        return jahr, vergleich_jahr
    jahre = _stadtjahre(ind, indikator)
    jetzt = max((j for j in jahre if j <= jahr), default=None)
    if jetzt is None:
        return None, None
    frueher = [j for j in jahre if j < jetzt]
    vorher = max((j for j in frueher if vergleich_jahr is not None and j <= vergleich_jahr),
                 default=max(frueher, default=None))
    return jetzt, vorher


def _wert(ind, indikator, stadtteil, jahr) -> float:
    if jahr is None:
        return np.nan
    r = ind[(ind["indikator"] == indikator) & (ind["stadtteil"] == stadtteil) & (ind["jahr"] == jahr)]
    return float(r["wert"].iloc[0]) if len(r) else np.nan


def bewertung(veraenderung: float, richtung: str, stellen: int = 1) -> str:
    """Whether a change is favourable, judged by the catalog's ``richtung``.

    A change that rounds to zero at the published precision counts as unchanged.
    """
    if richtung == "neutral":
        return OHNE_WERTUNG
    if veraenderung is None or np.isnan(veraenderung):
        return KEIN_VERGLEICH
    gerundet = round(float(veraenderung), stellen)
    if gerundet == 0:
        return UNVERAENDERT
    besser = gerundet < 0 if richtung == "belastung" else gerundet > 0
    return GUENSTIGER if besser else UNGUENSTIGER


def gesamtstadt(ind: pd.DataFrame, katalog, jahr: int, handlungsfelder: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per key indicator (catalog order) with the city values and the district spread.

    Columns: ``handlungsfeld``, ``indikator``, ``titel``, ``einheit``, ``richtung``,
    ``jaehrlich``, ``jahr``, ``jahr_vorher``, ``wert``, ``wert_vorher``, ``veraenderung``,
    ``ueber``, ``unter`` (districts above/below the city value, published values only;
    NaN for absolute figures, whose district values are parts of the city total),
    ``stadtteile`` (districts with a published value), ``bewertung``.
    """
    k = katalog.indikatoren
    kern = k["kern"].fillna(False).astype(bool) if "kern" in k else pd.Series(True, index=k.index)
    k = k[kern]
    if handlungsfelder is not None:
        k = k[k["handlungsfeld"].isin(list(handlungsfelder))]
    vj = vergleichsjahr_jaehrlich(ind, katalog, jahr)
    zeilen = []
    for _, r in k.iterrows():
        i = r["id"]
        j, jv = datenjahre(ind, katalog, i, jahr, vj)
        wert, vorher = _wert(ind, i, STADT, j), _wert(ind, i, STADT, jv)
        stellen = fmt.stellen_fuer(r["einheit"])
        absolut = not isinstance(r["nenner"], str)
        t = ind[(ind["indikator"] == i) & (ind["jahr"] == j) & (ind["stadtteil"] != STADT) & ~ind["gesperrt"]
                & ind["wert"].notna()]
        diff = (t["wert"] - wert).round(stellen)
        zeilen.append({
            "handlungsfeld": int(r["handlungsfeld"]), "indikator": i, "titel": r["titel"],
            "kurztitel": r["kurztitel"] if isinstance(r.get("kurztitel"), str) and r["kurztitel"] else r["titel"],
            "einheit": r["einheit"], "richtung": r["richtung"], "jaehrlich": jaehrlich(katalog, i),
            "jahr": j, "jahr_vorher": jv, "wert": wert, "wert_vorher": vorher,
            "veraenderung": wert - vorher,
            "ueber": np.nan if absolut else int((diff > 0).sum()),
            "unter": np.nan if absolut else int((diff < 0).sum()),
            "stadtteile": len(t),
            "bewertung": (KEINE_NEUE_WAHL if vj is not None and j is not None and jv is not None and j <= vj
                          and r["richtung"] != "neutral" else bewertung(wert - vorher, r["richtung"], stellen)),
        })
    return pd.DataFrame(zeilen)


def wert_mit_jahr(wert: float, jahr, soll: int | None, stellen: int) -> str:
    """A table value with its data year in brackets when that differs from the column's Stichtag."""
    text = fmt.zahl(wert, stellen)
    anders = jahr is not None and not pd.isna(jahr) and jahr != soll and text != fmt.FEHLT
    return f"{text} ({int(jahr)})" if anders else text


def gesamtstadt_markdown(tab: pd.DataFrame, katalog, jahr: int, vergleich_jahr: int | None) -> str:
    """The overview as a German table, one bold heading row per Handlungsfeld.

    Values of indicators from another year than the column's Stichtag carry their
    year in brackets (elections: the latest election up to that Stichtag).
    """
    hf = katalog.handlungsfelder.set_index("nr")["titel"]
    kopf = ["Kernindikator", "Einheit", fmt.stichtag(jahr),
            fmt.stichtag(vergleich_jahr) if vergleich_jahr else "Vergleichswert",
            "Veränderung", "Stadtteile darüber / darunter", "Entwicklung"]
    zeilen = []
    for nr, gruppe in tab.groupby("handlungsfeld", sort=False):
        zeilen.append([f"**{nr} {hf.get(nr, '')}**", "", "", "", "", "", ""])
        for _, r in gruppe.iterrows():
            stellen = fmt.stellen_fuer(r["einheit"])

            def mit_jahr(w, j, soll):
                return wert_mit_jahr(w, j, soll, stellen)

            spread = fmt.FEHLT if pd.isna(r["ueber"]) else f"{int(r['ueber'])} / {int(r['unter'])}"
            zeilen.append([
                r["titel"], r["einheit"], mit_jahr(r["wert"], r["jahr"], jahr),
                mit_jahr(r["wert_vorher"], r["jahr_vorher"], vergleich_jahr),
                fmt.punkte(fmt.differenz(r["wert"], r["wert_vorher"], stellen), r["einheit"], stellen),
                spread, r["bewertung"],
            ])
    return fmt.markdown_tabelle(pd.DataFrame(zeilen, columns=kopf), rechtsbuendig=kopf[2:6])


def bilanz(tab: pd.DataFrame) -> dict[str, list[str]]:
    """Short titles of the key indicators per assessment (``günstiger``, ``ungünstiger``, …)."""
    return {b: tab.loc[tab["bewertung"] == b, "kurztitel"].tolist()
            for b in (GUENSTIGER, UNGUENSTIGER, UNVERAENDERT, OHNE_WERTUNG, KEIN_VERGLEICH)}


def bilanz_text(tab: pd.DataFrame, stadt: str, jahr: int, vergleich_jahr: int | None) -> str:
    """Computed sentences: how many key indicators developed favourably or unfavourably."""
    b = bilanz(tab)
    gewertet = len(b[GUENSTIGER]) + len(b[UNGUENSTIGER]) + len(b[UNVERAENDERT])
    if not vergleich_jahr or gewertet == 0:
        return (f"Für {stadt} liegen {fmt.zahl(len(tab))} Kernindikatoren vor; ein Vergleich mit einem "
                "früheren Stichtag ist mit den vorhandenen Daten nicht möglich.")
    saetze = [
        f"Von den {fmt.zahl(len(tab))} Kernindikatoren aus {fmt.zahl(tab['handlungsfeld'].nunique())} "
        "Handlungsfeldern haben "
        f"{fmt.zahl(gewertet)} eine Wertungsrichtung und einen Vergleichswert. Gegenüber dem "
        f"{fmt.stichtag(vergleich_jahr)} hat sich die Gesamtstadt {stadt} bei "
        f"{fmt.zahl(len(b[GUENSTIGER]))} davon günstiger und bei {fmt.zahl(len(b[UNGUENSTIGER]))} "
        "ungünstiger entwickelt."
    ]
    n = len(b[UNVERAENDERT])
    if n:
        saetze.append(f"{'Einer' if n == 1 else fmt.zahl(n)} {'blieb' if n == 1 else 'blieben'} bei der "
                      "veröffentlichten Genauigkeit unverändert.")
    if b[UNGUENSTIGER]:
        saetze.append(f"Ungünstiger entwickelt haben sich: {fmt.aufzaehlung(b[UNGUENSTIGER])}.")
    if b[GUENSTIGER]:
        saetze.append(f"Günstiger entwickelt haben sich: {fmt.aufzaehlung(b[GUENSTIGER])}.")
    if b[OHNE_WERTUNG]:
        saetze.append(
            f"{fmt.zahl(len(b[OHNE_WERTUNG]))} Kernindikatoren beschreiben die Lage ohne Wertungsrichtung "
            f"(zum Beispiel „{b[OHNE_WERTUNG][0]}“) und werden nicht als günstig oder ungünstig gezählt."
            if len(b[OHNE_WERTUNG]) > 1 else
            f"Der Kernindikator „{b[OHNE_WERTUNG][0]}“ beschreibt die Lage ohne Wertungsrichtung und wird "
            "nicht als günstig oder ungünstig gezählt."
        )
    if b[KEIN_VERGLEICH]:
        saetze.append(f"Ohne Vergleichswert: {fmt.aufzaehlung(b[KEIN_VERGLEICH])}.")
    return " ".join(saetze)


def hinweise_text(tab: pd.DataFrame, jahr: int, vergleich_jahr: int | None, katalog=None) -> str:
    """Reading notes for the overview table that depend on the data, and the sources."""
    saetze = []
    anders = tab[~tab["jaehrlich"]]
    if len(anders):
        saetze.append(
            f"Nicht jährlich erhobene Kernindikatoren ({fmt.aufzaehlung(anders['kurztitel'].tolist())}) "
            f"gehen mit ihrem letzten Stand bis zum {fmt.stichtag(jahr)} ein und werden mit "
            f"dem letzten früheren Stand bis zum "
            f"{fmt.stichtag(vergleich_jahr) if vergleich_jahr else 'Vergleichsjahr'} verglichen; weicht das Jahr "
            "vom Stichtag der Spalte ab, steht es in Klammern."
        )
    absolut = tab[tab["ueber"].isna()]
    if len(absolut):
        saetze.append(
            f"Bei absoluten Zahlen ({fmt.aufzaehlung(absolut['kurztitel'].tolist())}) sind die Stadtteilwerte Teile "
            "der Summe der Gesamtstadt; ein Vergleich über und unter dem Stadtwert entfällt dort (–)."
        )
    saetze.append("Gesperrte Stadtteilwerte zählen weder über noch unter dem Wert der Gesamtstadt.")
    text = " ".join(saetze)
    if katalog is not None:
        k = katalog.indikatoren.set_index("id")
        quellen: list[str] = []
        for i in tab["indikator"]:
            for teil in str(k.loc[i, "quelle"]).split(";"):
                teil = teil.strip()
                if teil and teil not in quellen:
                    quellen.append(teil)
        text += f"\n\nQuelle: {'; '.join(quellen + ['eigene Berechnung'])}."
    return text
