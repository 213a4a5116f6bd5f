"""Selections from the indicator table and the standard tables of Teil II.

The indicator table is long (``stadtteil``, ``jahr``, ``indikator``, ``wert``,
``zaehler``, ``nenner``, ``gesperrt``, ``unsicher``); city rows are named
:data:`STADT`. Every function here is pure: DataFrame in, DataFrame or text out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers import darstellung
from helpers import format as fmt

STADT = "Gesamtstadt"


def reihe(ind: pd.DataFrame, indikator: str) -> pd.DataFrame:
    """All rows of one indicator (every district and year, city included)."""
    out = ind[ind["indikator"] == indikator]
    if out.empty:
        raise KeyError(f"Indikator „{indikator}“ ist nicht in der Indikatorentabelle.")
    return out


def stadtwert(ind: pd.DataFrame, indikator: str, jahr: int) -> float:
    """The city value of an indicator in a year (NaN if missing or suppressed)."""
    r = reihe(ind, indikator)
    r = r[(r["stadtteil"] == STADT) & (r["jahr"] == jahr)]
    return float(r["wert"].iloc[0]) if len(r) else float("nan")


def vergleichsjahr(
    ind: pd.DataFrame, jahr: int, abstand: int = 5, indikatoren: Sequence[str] | None = None
) -> int | None:
    """The year ``abstand`` years before ``jahr`` or, if absent, the earliest year after it.

    Only years in which all given ``indikatoren`` have values count, so that elections
    (every few years) do not pull annual indicators to a year without data.
    """
    if indikatoren is not None:
        teil = ind[ind["indikator"].isin(list(indikatoren))]
        je = teil.groupby("indikator")["jahr"].agg(lambda s: set(int(j) for j in s))
        jahre = sorted(set.intersection(*je.tolist())) if len(je) else []
    else:
        jahre = sorted(int(j) for j in ind["jahr"].unique())
    jahre = [j for j in jahre if j < jahr]
    if not jahre:
        return None
    ziel = jahr - abstand
    kandidaten = [j for j in jahre if j >= ziel]
    return kandidaten[0] if kandidaten else jahre[0]


def vergleich(
    ind: pd.DataFrame,
    indikator: str,
    jahr: int,
    reihenfolge: Sequence[str] | None = None,
    faktor: float | None = None,
) -> pd.DataFrame:
    """Each district against the city in one year.

    Columns: ``stadtteil``, ``wert``, ``stadt``, ``differenz`` (wert − stadt, in the
    indicator's unit, i.e. percentage points for shares), ``rang`` (1 = highest
    value; suppressed districts get no rank), ``gesperrt``, ``unsicher``, ``ci_unten``,
    ``ci_oben``. The 95 % Wilson interval is computed when ``faktor`` is given (the
    indicator is a proportion of people, see :func:`intervall_faktor`); suppressed
    districts never get one, since its bounds would reveal the count.
    Rows follow ``reihenfolge`` (the stadtteile.csv order) when given.
    """
    r = reihe(ind, indikator)
    r = r[(r["jahr"] == jahr) & (r["stadtteil"] != STADT)]
    out = r[["stadtteil", "wert", "gesperrt", "unsicher"]].copy()
    out["stadt"] = stadtwert(ind, indikator, jahr)
    out["differenz"] = out["wert"] - out["stadt"]
    out["rang"] = out["wert"].rank(ascending=False, method="min").astype("Int64")
    out["ci_unten"], out["ci_oben"] = _intervall(r, faktor)
    if reihenfolge is not None:
        pos = {n: i for i, n in enumerate(reihenfolge)}
        out = out.sort_values("stadtteil", key=lambda s: s.map(pos))
    return out[["stadtteil", "wert", "stadt", "differenz", "rang", "gesperrt", "unsicher",
                "ci_unten", "ci_oben"]].reset_index(drop=True)


def intervall_faktor(meta) -> float | None:
    """The catalog factor of an indicator whose values are proportions of people (Wilson interval
    defined), ``None`` for rates that can exceed their denominator (places per 100 children) and
    for values without numerator and denominator."""
    def gesetzt(x) -> bool:
        return x is not None and not (isinstance(x, float) and np.isnan(x)) and x != ""

    nenner, uebersteigt, f = (meta.get(k) for k in ("nenner", "zaehler_kann_nenner_uebersteigen", "faktor"))
    if not gesetzt(nenner) or (gesetzt(uebersteigt) and bool(uebersteigt)) or not gesetzt(f):
        return None
    return float(f)


def _intervall(r: pd.DataFrame, faktor: float | None) -> tuple[np.ndarray, np.ndarray]:
    leer = np.full(len(r), np.nan)
    if faktor is None or "zaehler" not in r or "nenner" not in r:
        return leer, leer.copy()
    from helpers.statistik import wilson

    gesperrt = r["gesperrt"].to_numpy(dtype=bool)
    zaehler = r["zaehler"].to_numpy(dtype=float).copy()
    zaehler[gesperrt] = np.nan
    return wilson(zaehler, r["nenner"].to_numpy(dtype=float), faktor)


def vergleich_markdown(tab: pd.DataFrame, einheit: str, titel_wert: str = "Wert") -> str:
    """The district comparison as a German table, city last, sorted by rank."""
    stellen = fmt.stellen_fuer(einheit)
    t = tab.sort_values(["rang", "stadtteil"], na_position="last")
    t, weggelassen = kuerzen(t)
    zeilen = pd.DataFrame(
        {
            "Stadtteil": t["stadtteil"],
            f"{titel_wert} ({einheit})" if einheit else titel_wert: [
                fmt.zelle(w, g, u, stellen) for w, g, u in zip(t["wert"], t["gesperrt"], t["unsicher"])
            ],
            "Abweichung von der Gesamtstadt": [
                fmt.GESPERRT if g else fmt.punkte(fmt.differenz(w, s, stellen), einheit, stellen)
                for w, s, g in zip(t["wert"], t["stadt"], t["gesperrt"])
            ],
            "Rang": [fmt.GESPERRT if g else (fmt.FEHLT if pd.isna(r) else str(int(r))) for r, g in zip(t["rang"], t["gesperrt"])],
        }
    )
    mit_intervall = "ci_unten" in t and t["ci_unten"].notna().any()
    if mit_intervall:
        # after the value: the reader sees at once how far the value may be off by chance
        zeilen.insert(2, "95-%-Intervall", [
            fmt.GESPERRT if g else intervall_text(u, o, stellen)
            for u, o, g in zip(t["ci_unten"], t["ci_oben"], t["gesperrt"])])
    stadt = tab["stadt"].iloc[0] if len(tab) else np.nan
    zeilen = luecke_einfuegen(zeilen, weggelassen)
    zeilen.loc[len(zeilen)] = [f"**{STADT}**", f"**{fmt.zahl(stadt, stellen)}**"] + [""] * (zeilen.shape[1] - 2)
    return fmt.markdown_tabelle(zeilen)


def intervall_text(unten: float, oben: float, stellen: int = 1) -> str:
    """``"12,9–16,2"`` (95 % interval of a value), "–" when there is none."""
    if pd.isna(unten) or pd.isna(oben):
        return fmt.FEHLT
    return fmt.spanne(unten, oben, stellen)


def kuerzen(t: pd.DataFrame, n: int | None = None) -> tuple[pd.DataFrame, int]:
    """A district table (already in display order) cut to its first and last ``n`` rows.

    Only when it has more than ``tabelle_bis`` rows (``regeln/darstellung.yml``); the full
    table is in the downloads. Returns the rows kept and how many were left out.
    """
    r = darstellung.regeln()
    n = n or r.auswahl_tabelle
    if len(t) <= r.tabelle_bis or len(t) <= 2 * n:
        return t, 0
    return pd.concat([t.head(n), t.tail(n)]), len(t) - 2 * n


#: Where the rows of a shortened Teil II table are (the long indicator download).
IM_DOWNLOAD = "Download indikatoren.csv"
#: Where the rows of a shortened Teil III overview are: every district's profile, class and needs.
IN_STECKBRIEFEN = "Stadtteilsteckbriefe im Anhang"


def luecke_zeile(spalten, weggelassen: int, wonach: str | None = None, wo: str = IM_DOWNLOAD) -> pd.DataFrame:
    """The row "… N weitere Stadtteile …" of a shortened table: how it is sorted and where the rest is."""
    sortiert = f"absteigend nach {wonach}; " if wonach else ""
    text = f"*… {fmt.zahl(weggelassen)} weitere Stadtteile ({sortiert}alle: {wo}) …*"
    return pd.DataFrame([[text, *[""] * (len(spalten) - 1)]], columns=spalten)


def luecke_einfuegen(zeilen: pd.DataFrame, weggelassen: int, n: int | None = None) -> pd.DataFrame:
    """Insert the row "… N weitere Stadtteile …" after the first ``n`` rows of a shortened table."""
    if not weggelassen:
        return zeilen
    n = n or darstellung.regeln().auswahl_tabelle
    return pd.concat([zeilen.iloc[:n], luecke_zeile(zeilen.columns, weggelassen), zeilen.iloc[n:]],
                     ignore_index=True)


def auszug(zeilen: pd.DataFrame, namen: Sequence[str], schluessel, wonach: str, wo: str = IM_DOWNLOAD,
           n: int | None = None) -> pd.DataFrame:
    """A formatted table with rows per district, shortened for many districts.

    ``namen``: the district of each row (:data:`STADT` for city rows; a district may have
    several rows); ``schluessel``: the sort value per district (Series or mapping). Up to
    ``tabelle_bis`` districts (``regeln/darstellung.yml``) the table is unchanged. Above, it
    keeps the rows of the ``auswahl_tabelle`` districts with the highest and the lowest
    value (highest first), the row "… N weitere Stadtteile …" between them, which names
    ``wonach`` and ``wo`` the full table is, and the city rows at the end.
    Districts without a value (e.g. suppressed) are among the ones left out.
    """
    r = darstellung.regeln()
    namen = pd.Series(list(namen), index=zeilen.index)
    bezirke = [s for s in dict.fromkeys(namen) if s != STADT]
    n = n or r.auswahl_tabelle
    if len(bezirke) <= r.tabelle_bis or len(bezirke) <= 2 * n:
        return zeilen
    k = pd.Series(schluessel, dtype=float).reindex(bezirke).dropna().sort_values(ascending=False, kind="stable")
    oben, unten = list(k.index[:n]), list(k.index[max(n, len(k) - n):])
    teil = [zeilen[namen == s] for s in oben]
    teil.append(luecke_zeile(zeilen.columns, len(bezirke) - len(oben) - len(unten), wonach, wo))
    teil += [zeilen[namen == s] for s in unten]
    teil.append(zeilen[namen == STADT])
    return pd.concat(teil, ignore_index=True)


def kennzahlen(
    ind: pd.DataFrame,
    katalog_indikatoren: pd.DataFrame,
    jahr: int,
    vergleich_jahr: int | None,
) -> pd.DataFrame:
    """City values of the given catalog indicators in ``jahr`` and ``vergleich_jahr``.

    Columns: ``indikator``, ``titel``, ``einheit``, ``wert``, ``wert_vorher``, ``veraenderung``.
    """
    zeilen = []
    for _, k in katalog_indikatoren.iterrows():
        jetzt = stadtwert(ind, k["id"], jahr)
        vorher = stadtwert(ind, k["id"], vergleich_jahr) if vergleich_jahr else np.nan
        zeilen.append(
            {"indikator": k["id"], "titel": k["titel"], "einheit": k["einheit"],
             "wert": jetzt, "wert_vorher": vorher, "veraenderung": jetzt - vorher}
        )
    return pd.DataFrame(zeilen)


def kennzahlen_markdown(tab: pd.DataFrame, jahr: int, vergleich_jahr: int | None) -> str:
    """Key city figures as a German table."""
    spalten = {
        "Indikator": tab["titel"],
        "Einheit": tab["einheit"],
        f"{fmt.stichtag(jahr)}": [fmt.zahl(w, fmt.stellen_fuer(e)) for w, e in zip(tab["wert"], tab["einheit"])],
    }
    if vergleich_jahr:
        spalten[f"{fmt.stichtag(vergleich_jahr)}"] = [
            fmt.zahl(w, fmt.stellen_fuer(e)) for w, e in zip(tab["wert_vorher"], tab["einheit"])
        ]
        spalten["Veränderung"] = [
            fmt.punkte(fmt.differenz(w, v, fmt.stellen_fuer(e)), e, fmt.stellen_fuer(e))
            for w, v, e in zip(tab["wert"], tab["wert_vorher"], tab["einheit"])
        ]
    return fmt.markdown_tabelle(pd.DataFrame(spalten), rechtsbuendig=list(spalten)[2:])


def trendreihen(ind: pd.DataFrame, indikator: str) -> pd.DataFrame:
    """Values of one indicator over all years (``stadtteil``, ``jahr``, ``wert``).

    Suppressed years stay in as NaN, so lines break there instead of bridging them.
    """
    r = reihe(ind, indikator)
    return r[["stadtteil", "jahr", "wert"]].reset_index(drop=True)


def abweichendste(tab: pd.DataFrame, n: int = 3) -> list[str]:
    """The ``n`` districts farthest from the city value (published values only)."""
    t = tab[~tab["gesperrt"] & tab["wert"].notna()]
    return t.reindex(t["differenz"].abs().sort_values(ascending=False).index)["stadtteil"].head(n).tolist()


def anteile(ind: pd.DataFrame, indikator: str, jahr: int, reihenfolge: Sequence[str] | None = None) -> pd.DataFrame:
    """District values of an absolute indicator and their share of the city total (in %)."""
    tab = vergleich(ind, indikator, jahr, reihenfolge)
    out = tab[["stadtteil", "wert", "gesperrt"]].copy()
    out["anteil"] = out["wert"] / tab["stadt"] * 100
    return out


def anteile_markdown(tab: pd.DataFrame, stadt: float) -> str:
    """Districts with count and share of the city, city total last (many districts: the largest
    and smallest, see :func:`kuerzen`)."""
    kurz, weggelassen = kuerzen(tab.sort_values("wert", ascending=False, kind="stable"))
    tab = kurz if weggelassen else tab
    zeilen = pd.DataFrame(
        {
            "Stadtteil": tab["stadtteil"],
            "Einwohnerinnen und Einwohner": [fmt.zelle(w, g, stellen=0) for w, g in zip(tab["wert"], tab["gesperrt"])],
            "Anteil an der Gesamtstadt": [fmt.GESPERRT if g else fmt.prozent(a) for a, g in zip(tab["anteil"], tab["gesperrt"])],
        }
    )
    zeilen = luecke_einfuegen(zeilen, weggelassen)
    zeilen.loc[len(zeilen)] = [f"**{STADT}**", f"**{fmt.zahl(stadt)}**", f"**{fmt.prozent(100)}**"]
    return fmt.markdown_tabelle(zeilen)
