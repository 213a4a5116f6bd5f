"""Additions for the Teil II chapters beyond the kit's standard blocks (:mod:`helpers.monitoring`).

- :func:`quelle` – the computed "Quelle: …" line from the catalog;
- several related indicators side by side per district, e.g. Hilfen zur Erziehung by
  type: :func:`verwandte`, :func:`vergleich_mehrere`, :func:`balken_gruppiert`,
  :func:`mehrere_markdown`, :func:`mehrere_text`. Types that add up to a total (ambulant +
  stationär = Hilfen zur Erziehung) are protected by the data layer (declared sums in the
  catalog, :mod:`helpers.daten.geheimhaltung`); the tables here show its ``gesperrt`` flags.

Candidates for the kit (generic, no Handlungsfeld-specific logic).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from helpers import darstellung
from helpers import format as fmt
from helpers import grafik, tabellen
from helpers.tabellen import STADT
from helpers.texte import quellen


ZAHLWORT = {3: "drei", 4: "vier", 5: "fünf", 6: "sechs", 7: "sieben", 8: "acht", 9: "neun", 10: "zehn"}


def quelle(katalog, ids: Sequence[str]) -> str:
    """``"Quelle: Jugendamt; Einwohnermelderegister."`` (see :func:`helpers.texte.quellen`)."""
    return quellen(katalog.indikatoren, ids)


def verwandte(katalog, indikator: str) -> list[str]:
    """Indicators of the same Handlungsfeld with the same denominator (e.g. the types of a total).

    For ``hze_quote`` (Hilfen zur Erziehung je 1.000 unter 21) these are the rates by type
    that the catalog holds, in catalog order; the indicator itself is not included.
    """
    k = katalog.indikatoren
    meta = katalog.indikator(indikator)
    if pd.isna(meta["nenner"]):
        raise ValueError(f"Indikator „{indikator}“ hat keinen Nenner; verwandte Quoten gibt es nicht.")
    t = k[(k["handlungsfeld"] == meta["handlungsfeld"]) & (k["nenner"] == meta["nenner"]) & (k["id"] != indikator)]
    return t["id"].tolist()


def vergleich_mehrere(ind: pd.DataFrame, ids: Sequence[str], jahr: int,
                      reihenfolge: Sequence[str] | None = None) -> pd.DataFrame:
    """District comparisons of several indicators in one long table (``indikator`` + the
    columns of :func:`helpers.tabellen.vergleich`)."""
    teile = [tabellen.vergleich(ind, i, jahr, reihenfolge).assign(indikator=i) for i in ids]
    return pd.concat(teile, ignore_index=True)


def balken_gruppiert(
    tab: pd.DataFrame,
    bezeichnungen: Mapping[str, str],
    einheit: str = "",
    titel: str | None = None,
    sortierung: Mapping[str, float] | None = None,
):
    """Grouped horizontal bars: one group per district, one bar per indicator, the city as
    the last group (bold, set apart by a line).

    ``tab`` from :func:`vergleich_mehrere`; ``bezeichnungen`` maps indicator ids to legend
    labels (and fixes their order). Districts are sorted by ``sortierung`` (e.g. the total
    rate; highest on top, districts without a value at the bottom), else by the sum of
    the shown rates. Suppressed values show "•", uncertain ones are hatched and marked "°".
    """
    ids = list(bezeichnungen)
    breit = tab.pivot(index="stadtteil", columns="indikator", values="wert")
    gesperrt = tab.pivot(index="stadtteil", columns="indikator", values="gesperrt")
    unsicher = tab.pivot(index="stadtteil", columns="indikator", values="unsicher")
    stadt = tab.groupby("indikator")["stadt"].first()
    schluessel = (pd.Series(sortierung, dtype=float).reindex(breit.index) if sortierung is not None
                  else breit[ids].sum(axis=1, min_count=1))
    namen = schluessel.sort_values(ascending=True, na_position="first").index.tolist()
    # k bars per district: as many districts as fit a page with readable bars
    je_seite = int((darstellung.regeln().hoehe_max_zoll - 1.3) / (0.14 * len(ids) + 0.12)) - 1
    kurz, rest = grafik.stadtteile_begrenzen(pd.DataFrame({"stadtteil": namen}), schluessel,
                                             n=max(2, min(darstellung.regeln().auswahl_abbildung, je_seite // 2)))
    namen = [n for n in namen if n in set(kurz["stadtteil"])]
    zeilen = [STADT, *namen]  # bottom to top: city at the bottom
    k = len(ids)
    hoehe = 0.8 / k
    fig, ax = plt.subplots(figsize=(7.0, darstellung.hoehe(len(zeilen), 0.14 * k + 0.12, 1.3)))
    stellen = fmt.stellen_fuer(einheit)
    for j, i in enumerate(ids):
        farbe = grafik.PALETTE[j % len(grafik.PALETTE)]
        for y, name in enumerate(zeilen):
            # first indicator on top within its group
            yy = y + (k - 1 - j - (k - 1) / 2) * hoehe
            if name == STADT:
                w, g, u = stadt.get(i, np.nan), False, False
            else:
                w, g, u = breit.at[name, i], bool(gesperrt.at[name, i]), bool(unsicher.at[name, i])
            if g:
                label = f"{fmt.GESPERRT} gesperrt"
                x = 0.0
            elif pd.isna(w):
                label = fmt.FEHLT
                x = 0.0
            else:
                bar = ax.barh(yy, w, height=hoehe * 0.92, color=farbe, zorder=2,
                              edgecolor=grafik.FARBE_STADT if name == STADT else "none",
                              linewidth=0.8)[0]
                if u:
                    bar.set_hatch("////")
                    bar.set_alpha(0.55)
                label = fmt.zahl(w, stellen) + (fmt.UNSICHER if u else "")
                x = w
            ax.annotate(label, xy=(x, yy), xytext=(2, 0), textcoords="offset points", va="center",
                        fontsize=7, color=grafik.FARBE_TEXT)
    ax.axhline(0.5, color="#777777", linewidth=0.8)
    ax.set_yticks(range(len(zeilen)), zeilen)
    ax.get_yticklabels()[0].set_fontweight("bold")
    ax.set_ylim(-0.6, len(zeilen) - 0.4)
    ax.margins(x=0.1)
    grafik.deutsche_achse(ax, "x")
    if einheit:
        ax.set_xlabel(einheit)
    griffe = [Patch(color=grafik.PALETTE[j % len(grafik.PALETTE)], label=bezeichnungen[i]) for j, i in enumerate(ids)]
    # legend between title and bars, in the order of the bars within each group
    ax.legend(handles=griffe, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=min(k, 3), fontsize=8.5,
              borderaxespad=0.3, handlelength=1.2, columnspacing=1.2)
    if titel:
        ax.set_title(titel, pad=24)
    fig.tight_layout()
    grafik.auswahl_hinweis(fig, rest, "beim Sortierwert" if sortierung is not None else "bei der Summe der Anteile",
                           n=(len(zeilen) - 1) // 2)
    return fig


def mehrere_markdown(tab: pd.DataFrame, bezeichnungen: Mapping[str, str], einheit: str,
                     reihenfolge: Sequence[str]) -> str:
    """Districts (rows, in ``reihenfolge``) × indicators (columns); "•" suppressed, city last."""
    stellen = fmt.stellen_fuer(einheit)
    spalten: dict[str, list[str]] = {"Stadtteil": list(reihenfolge)}
    for i, titel in bezeichnungen.items():
        t = tab[tab["indikator"] == i].set_index("stadtteil")
        kopf = f"{titel} ({einheit})" if einheit else titel
        spalten[kopf] = [fmt.zelle(t.at[n, "wert"], bool(t.at[n, "gesperrt"]), bool(t.at[n, "unsicher"]), stellen)
                         if n in t.index else fmt.FEHLT for n in reihenfolge]
    out = pd.DataFrame(spalten)
    stadt = tab.groupby("indikator")["stadt"].first()
    out.loc[len(out)] = [f"**{STADT}**", *[f"**{fmt.zahl(stadt.get(i, np.nan), stellen)}**" for i in bezeichnungen]]
    # many districts: the highest and lowest values of the first indicator (a withheld value sorts nowhere)
    erste, titel = next(iter(bezeichnungen.items()))
    e = tab[(tab["indikator"] == erste) & (tab["stadtteil"] != STADT)].set_index("stadtteil")
    out = tabellen.auszug(out, [*reihenfolge, STADT], e["wert"].mask(e["gesperrt"].astype(bool)), f"„{titel}“")
    return fmt.markdown_tabelle(out)


def mehrere_text(tab: pd.DataFrame, bezeichnungen: Mapping[str, str], einheit: str) -> str:
    """Sentences: the highest district per indicator, and districts above the city in all of them."""
    saetze, hoechste = [], []
    tab = tab[tab["indikator"].isin(list(bezeichnungen))]
    pub = tab[~tab["gesperrt"] & tab["wert"].notna()]
    for i, titel in bezeichnungen.items():
        t = pub[pub["indikator"] == i]
        if t.empty:
            continue
        h = t.loc[t["wert"].idxmax()]
        hoechste.append(f"bei „{titel}“ {h['stadtteil']} ({fmt.wert(h['wert'], einheit)}; "
                        f"Gesamtstadt {fmt.wert(h['stadt'], einheit)})")
    if hoechste:
        saetze.append("Die höchsten Werte hat " + "; ".join(hoechste) + ".")
    ueber = pub[pub["differenz"] > 0].groupby("stadtteil")["indikator"].nunique()
    alle = [n for n, k in ueber.items() if k == len(bezeichnungen)]
    if len(bezeichnungen) > 1:
        if alle:
            reihen = [n for n in tab["stadtteil"].unique() if n in alle]
            verb = "liegt" if len(reihen) == 1 else "liegen"
            n = len(bezeichnungen)
            alle_arten = "bei beiden Arten" if n == 2 else f"bei allen {ZAHLWORT.get(n, str(n))} Arten"
            saetze.append(f"Über dem Wert der Gesamtstadt {verb} {alle_arten} {fmt.aufzaehlung(reihen)}.")
        else:
            saetze.append("Kein Stadtteil liegt bei allen Arten über dem Wert der Gesamtstadt.")
    n_gesperrt = int(tab["gesperrt"].sum())
    if n_gesperrt == 1:
        saetze.append("Ein Einzelwert ist aus Gründen des Datenschutzes gesperrt (•).")
    elif n_gesperrt:
        saetze.append(f"{n_gesperrt} Einzelwerte sind aus Gründen des Datenschutzes gesperrt (•).")
    return " ".join(saetze)


def konzentration(ind: pd.DataFrame, indikator: str, jahr: int, schwelle: float = 50.0) -> pd.DataFrame:
    """The fewest districts that together hold at least ``schwelle`` % of the city's numerator.

    Columns: ``stadtteil``, ``anteil_zaehler`` and ``anteil_nenner`` (each in % of the city),
    largest numerator first. Suppressed districts are never selected.
    """
    r = tabellen.reihe(ind, indikator)
    r = r[r["jahr"] == jahr]
    stadt = r[r["stadtteil"] == STADT].iloc[0]
    t = r[(r["stadtteil"] != STADT) & ~r["gesperrt"] & r["zaehler"].notna()]
    t = t.assign(anteil_zaehler=t["zaehler"] / stadt["zaehler"] * 100,
                 anteil_nenner=t["nenner"] / stadt["nenner"] * 100).sort_values("anteil_zaehler", ascending=False)
    n = int(np.searchsorted(t["anteil_zaehler"].cumsum().to_numpy(), schwelle) + 1)
    return t.head(n)[["stadtteil", "anteil_zaehler", "anteil_nenner"]].reset_index(drop=True)


def konzentration_text(ind: pd.DataFrame, indikator: str, jahr: int, zaehler_was: str,
                       nenner_was: str = "der Bezugsgröße", schwelle: float = 50.0) -> str:
    """``"Auf A und B entfallen 62,0 % der öffentlich geförderten Wohnungen, aber nur 31,0 % des …"``."""
    k = konzentration(ind, indikator, jahr, schwelle)
    if k.empty or k["anteil_zaehler"].sum() < schwelle:
        return ""
    z, n = k["anteil_zaehler"].sum(), k["anteil_nenner"].sum()
    verb = "entfällt" if len(k) == 1 else "entfallen"
    satz = f"Auf {fmt.aufzaehlung(k['stadtteil'].tolist())} {verb} {fmt.prozent(z)} {zaehler_was}"
    if pd.notna(n):
        satz += f", {'aber nur' if n < z else 'und'} {fmt.prozent(n)} {nenner_was}"
    return satz + "."
