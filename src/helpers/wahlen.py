"""Elections (Handlungsfeld 9): which elections the data hold, turnout by district, and a
first look at turnout against the SGB II quota.

Turnout indicators are the catalog indicators of the Handlungsfeld (default 9). Their
Merkmale are not collected every year (``jaehrlich: false``): the indicator table has
rows only in election years, so "the elections in the data" are the (indicator, year)
pairs with a city row. For the report, the latest election of each type at or before
the Berichtsjahr counts (see ``indikatoren.yml``).

The relation to the SGB II quota is a first, descriptive look across few districts:
Pearson r with its Fisher-z 95 % interval (:mod:`helpers.statistik`), a scatter plot with
district labels, and a sentence that says what such a number can and cannot show
(no causality, ecological fallacy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from helpers import darstellung
from helpers import format as fmt
from helpers import grafik, statistik, tabellen, texte
from helpers.tabellen import STADT

HANDLUNGSFELD = 9
SOZIAL_INDIKATOR = "sgb2_quote"
MARKER = ["o", "s", "D", "^", "v", "P"]


# --------------------------------------------------------------------------- which elections


def wahl_indikatoren(katalog, handlungsfeld: int = HANDLUNGSFELD) -> pd.DataFrame:
    """Catalog rows of the turnout indicators (the indicators of the Handlungsfeld), in catalog order."""
    k = katalog.indikatoren
    out = k[k["handlungsfeld"] == handlungsfeld].reset_index(drop=True)
    if out.empty:
        raise KeyError(f"Im Katalog steht kein Indikator im Handlungsfeld {handlungsfeld} (Wahlbeteiligung).")
    return out


def bezeichnung(wahl: str, jahr) -> str:
    """``("Kommunalwahl", 2014) -> "Kommunalwahl 2014"``."""
    return f"{wahl} {int(jahr)}"


def wahlen(ind: pd.DataFrame, katalog, handlungsfeld: int = HANDLUNGSFELD) -> pd.DataFrame:
    """Every election in the data: one row per turnout indicator and election year.

    Columns: ``indikator``, ``wahl`` (short title, e.g. "Kommunalwahl"), ``jahr``,
    ``stadt`` (city turnout), ``n_stadtteile`` (districts with a published value).
    Sorted by catalog order, then year.
    """
    kat = wahl_indikatoren(katalog, handlungsfeld)
    zeilen = []
    for _, k in kat.iterrows():
        r = ind[ind["indikator"] == k["id"]]
        for jahr, g in r.groupby("jahr", sort=True):
            stadt = g.loc[g["stadtteil"] == STADT, "wert"]
            if stadt.empty:
                continue
            teile = g[g["stadtteil"] != STADT]
            zeilen.append({"indikator": k["id"], "wahl": k["kurztitel"], "jahr": int(jahr),
                           "stadt": float(stadt.iloc[0]),
                           "n_stadtteile": int((~teile["gesperrt"] & teile["wert"].notna()).sum())})
    return pd.DataFrame(zeilen, columns=["indikator", "wahl", "jahr", "stadt", "n_stadtteile"])


def letzte_wahlen(alle: pd.DataFrame, berichtsjahr: int) -> pd.DataFrame:
    """The latest election of each type at or before the Berichtsjahr, with the one before it.

    ``alle`` comes from :func:`wahlen`. Columns: ``indikator``, ``wahl``, ``jahr``,
    ``stadt``, ``vorjahr`` (year of the previous election of the same type, ``<NA>`` if
    none), ``stadt_vorher``, ``veraenderung`` (percentage points). Types without an
    election up to the Berichtsjahr are left out.
    """
    zeilen = []
    for indikator, g in alle[alle["jahr"] <= berichtsjahr].groupby("indikator", sort=False):
        g = g.sort_values("jahr")
        jetzt = g.iloc[-1]
        vorher = g.iloc[-2] if len(g) > 1 else None
        zeilen.append({
            "indikator": indikator, "wahl": jetzt["wahl"], "jahr": int(jetzt["jahr"]), "stadt": jetzt["stadt"],
            "vorjahr": int(vorher["jahr"]) if vorher is not None else pd.NA,
            "stadt_vorher": vorher["stadt"] if vorher is not None else np.nan,
        })
    out = pd.DataFrame(zeilen, columns=["indikator", "wahl", "jahr", "stadt", "vorjahr", "stadt_vorher"])
    out["vorjahr"] = out["vorjahr"].astype("Int64")
    out["stadt_vorher"] = out["stadt_vorher"].astype(float)
    out["veraenderung"] = out["stadt"] - out["stadt_vorher"]
    return out


def juengste(letzte: pd.DataFrame) -> pd.Series:
    """The most recent of the latest elections. The data know only the year; of two elections in the
    same year the later one in catalog order counts (the catalog lists them as they usually follow
    within a year: Landtag in spring, Bundestag in autumn)."""
    if letzte.empty:
        raise ValueError("Bis zum Berichtsjahr liegt keine Wahl in den Daten vor.")
    return letzte[letzte["jahr"] == letzte["jahr"].max()].iloc[-1]


# --------------------------------------------------------------------------- turnout by district


def beteiligung(ind: pd.DataFrame, letzte: pd.DataFrame, reihenfolge: Sequence[str] | None = None) -> pd.DataFrame:
    """Turnout by district at each election in ``letzte`` (long).

    Columns as :func:`helpers.tabellen.vergleich` (``stadtteil``, ``wert``, ``stadt``,
    ``differenz``, ``rang``, ``gesperrt``, ``unsicher``) plus ``indikator``, ``wahl``, ``jahr``.
    """
    teile = []
    for _, w in letzte.iterrows():
        t = tabellen.vergleich(ind, w["indikator"], int(w["jahr"]), reihenfolge)
        teile.append(t.assign(indikator=w["indikator"], wahl=w["wahl"], jahr=int(w["jahr"])))
    spalten = ["indikator", "wahl", "jahr", "stadtteil", "wert", "stadt", "differenz", "rang", "gesperrt", "unsicher"]
    if not teile:
        return pd.DataFrame(columns=spalten)
    return pd.concat(teile, ignore_index=True)[spalten]


def veraenderung_stadtteile(ind: pd.DataFrame, wahl: pd.Series) -> pd.DataFrame | None:
    """Change of each district's turnout against the previous election of the same type."""
    if pd.isna(wahl["vorjahr"]):
        return None
    return texte.veraenderungen(ind, wahl["indikator"], int(wahl["jahr"]), int(wahl["vorjahr"]), faktor=100.0)


def kennzahlen_markdown(letzte: pd.DataFrame) -> str:
    """City turnout at the latest election of each type and at the one before it."""
    zeilen = pd.DataFrame({
        "Wahl": letzte["wahl"],
        "Jahr": letzte["jahr"].astype(str),
        "Wahlbeteiligung": [fmt.prozent(x) for x in letzte["stadt"]],
        "Vorherige Wahl": [fmt.FEHLT if pd.isna(j) else str(int(j)) for j in letzte["vorjahr"]],
        "Wahlbeteiligung vorher": [fmt.prozent(x) for x in letzte["stadt_vorher"]],
        "Veränderung": [fmt.punkte(x) for x in letzte["veraenderung"]],
    })
    return fmt.markdown_tabelle(zeilen)


def tabelle_markdown(bet: pd.DataFrame, letzte: pd.DataFrame, reihenfolge: Sequence[str]) -> str:
    """Districts × elections: turnout, suppressed as "•", city last."""
    spalten = {"Stadtteil": list(reihenfolge)}
    for _, w in letzte.iterrows():
        t = bet[bet["indikator"] == w["indikator"]].set_index("stadtteil")
        werte = []
        for name in reihenfolge:
            if name not in t.index:
                werte.append(fmt.FEHLT)
            else:
                r = t.loc[name]
                werte.append(fmt.zelle(r["wert"], bool(r["gesperrt"]), bool(r["unsicher"])))
        spalten[bezeichnung(w["wahl"], w["jahr"])] = werte
    tab = pd.DataFrame(spalten)
    tab.loc[len(tab)] = [f"**{STADT}**", *[f"**{fmt.zahl(x, 1)}**" for x in letzte["stadt"]]]
    if len(letzte):  # many districts: the highest and lowest turnout at the first election shown
        w = letzte.iloc[0]
        t = bet[(bet["indikator"] == w["indikator"]) & (bet["stadtteil"] != STADT)].set_index("stadtteil")
        tab = tabellen.auszug(tab, [*reihenfolge, STADT], t["wert"].mask(t["gesperrt"].astype(bool)),
                              f"der Beteiligung bei der {bezeichnung(w['wahl'], w['jahr'])}")
    return fmt.markdown_tabelle(tab)


def _reihenfolge_nach_wert(bet: pd.DataFrame, reihenfolge: Sequence[str]) -> list[str]:
    """Districts by mean published turnout over the elections shown (lowest at the bottom)."""
    mittel = bet[~bet["gesperrt"]].groupby("stadtteil")["wert"].mean()
    namen = [n for n in reihenfolge if n in set(bet["stadtteil"])]
    return sorted(namen, key=lambda n: (mittel.get(n, -np.inf) if pd.notna(mittel.get(n, np.nan)) else -np.inf))


def _leere_abbildung(text: str):
    fig, ax = plt.subplots(figsize=(7.0, 1.6))
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=10, color=grafik.FARBE_TEXT,
            transform=ax.transAxes)
    return fig


def punktdiagramm(bet: pd.DataFrame, letzte: pd.DataFrame, reihenfolge: Sequence[str]):
    """Dot plot: one row per district, one marker per election type, the city values as lines.

    Rows are sorted by mean turnout (highest at the top). Each election type has its own
    colour and marker shape; its city value is a dashed vertical line in the same colour.
    Uncertain values (small denominators) are drawn as open markers, suppressed ones not at all.
    """
    if bet.empty or letzte.empty:
        return _leere_abbildung("Für den Berichtszeitraum liegen keine Wahlergebnisse vor.")
    namen = _reihenfolge_nach_wert(bet, reihenfolge)
    mittel = bet[~bet["gesperrt"]].groupby("stadtteil")["wert"].mean()
    kurz, rest = grafik.stadtteile_begrenzen(pd.DataFrame({"stadtteil": namen}), mittel)
    namen = [n for n in namen if n in set(kurz["stadtteil"])]
    bet = bet[bet["stadtteil"].isin(namen) | (bet["stadtteil"] == STADT)]
    y = {n: i for i, n in enumerate(namen)}
    fig, ax = plt.subplots(figsize=(7.0, darstellung.hoehe(len(namen), 0.36, 1.9)))
    griffe = []
    # a light line per district from its lowest to its highest turnout: the spread between elections
    pub = bet[~bet["gesperrt"] & bet["wert"].notna()]
    for name, g in pub.groupby("stadtteil"):
        ax.plot([g["wert"].min(), g["wert"].max()], [y[name]] * 2, color=grafik.FARBE_GRAU,
                linewidth=2.2, solid_capstyle="round", zorder=1)
    for i, (_, w) in enumerate(letzte.iterrows()):
        farbe, marker = grafik.PALETTE[i % len(grafik.PALETTE)], MARKER[i % len(MARKER)]
        t = pub[pub["indikator"] == w["indikator"]]
        sicher = t[~t["unsicher"]]
        unsicher = t[t["unsicher"]]
        ax.scatter(sicher["wert"], sicher["stadtteil"].map(y), s=46, marker=marker, color=farbe,
                   edgecolor="white", linewidth=0.6, zorder=3)
        ax.scatter(unsicher["wert"], unsicher["stadtteil"].map(y), s=46, marker=marker, facecolor="white",
                   edgecolor=farbe, linewidth=1.2, zorder=3)
        ax.axvline(w["stadt"], color=farbe, linestyle="--", linewidth=1.3, zorder=2)
        griffe.append(Line2D([], [], color=farbe, marker=marker, markersize=7, linestyle="--", linewidth=1.3,
                             label=bezeichnung(w["wahl"], w["jahr"])))
    ax.set_yticks(range(len(namen)), namen)
    ax.set_ylim(-0.7, len(namen) - 0.3)
    ax.margins(x=0.08)
    grafik.deutsche_achse(ax, "x")
    ax.set_xlabel("Wahlbeteiligung (%)")
    ax.set_title("Wahlbeteiligung nach Stadtteilen")
    griffe.append(Line2D([], [], color=grafik.FARBE_STADT, linestyle="--", linewidth=1.3,
                         label="gestrichelt: Gesamtstadt"))
    ax.legend(handles=griffe, loc="upper center", bbox_to_anchor=(0.5, -0.14 - 0.5 / max(len(namen), 1)),
              ncol=min(len(griffe), 3), fontsize=8.5, handlelength=2.6)
    fig.tight_layout()
    grafik.auswahl_hinweis(fig, rest, "bei der mittleren Wahlbeteiligung")
    return fig


def verlauf_abbildung(ind: pd.DataFrame, alle: pd.DataFrame, berichtsjahr: int | None = None):
    """Turnout over all elections in the data: the city per election type (line with markers)
    and the range of the districts at each election (vertical bar from the lowest to the
    highest published district value). As in the kit's trend charts, a dotted line marks
    the Berichtsjahr; elections after it stay visible.

    Elections of different types in the same year (e.g. Kommunal- and Europawahl on one day)
    are set slightly apart so that both stay visible.
    """
    if alle.empty:
        return _leere_abbildung("In den Daten sind keine Wahlergebnisse enthalten.")
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    typen = list(dict.fromkeys(alle["indikator"]))
    versatz = np.linspace(-0.2, 0.2, len(typen)) if len(typen) > 1 else [0.0]
    for i, indikator in enumerate(typen):
        g = alle[alle["indikator"] == indikator].sort_values("jahr")
        farbe, marker = grafik.PALETTE[i % len(grafik.PALETTE)], MARKER[i % len(MARKER)]
        x = g["jahr"].to_numpy() + versatz[i]
        for xi, jahr in zip(x, g["jahr"]):
            r = ind[(ind["indikator"] == indikator) & (ind["jahr"] == jahr) & (ind["stadtteil"] != STADT)
                    & ~ind["gesperrt"]]["wert"].dropna()
            if len(r):
                ax.plot([xi, xi], [r.min(), r.max()], color=farbe, alpha=0.45, linewidth=3.2,
                        solid_capstyle="butt", zorder=1)
        ax.plot(x, g["stadt"], color=farbe, marker=marker, markersize=6, linewidth=1.8,
                label=g["wahl"].iloc[0], zorder=3)
    ax.plot([], [], color=grafik.FARBE_GRAU, linewidth=3.2, label="Spanne der Stadtteile")
    jahre = sorted(alle["jahr"].unique())
    ax.set_xlim(jahre[0] - 0.8, jahre[-1] + 0.8)
    if berichtsjahr is not None and jahre[0] <= berichtsjahr < jahre[-1]:
        ax.axvline(berichtsjahr + 0.5, color=grafik.FARBE_GRAU, linewidth=0.8, linestyle=":")
        ax.annotate("Berichtsjahr", xy=(berichtsjahr + 0.5, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(-3, -2), textcoords="offset points", ha="right", va="top", fontsize=8,
                    color="#666666")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, p: str(int(v))))
    ax.grid(axis="y")
    ax.grid(axis="x", visible=False)
    grafik.deutsche_achse(ax, "y")
    ax.set_ylabel("Wahlbeteiligung (%)")
    ax.set_title("Wahlbeteiligung der Gesamtstadt und Spanne der Stadtteile")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8.5)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- computed text


def befund(ind: pd.DataFrame, wahl: pd.Series, stadt: str, reihenfolge: Sequence[str]) -> str:
    """Sentences on one election: city turnout and change, extremes, spread, strong deviations."""
    name = bezeichnung(wahl["wahl"], wahl["jahr"])
    satz = f"Bei der {name} lag die Wahlbeteiligung in {stadt} bei {fmt.prozent(wahl['stadt'])}"
    if pd.notna(wahl["vorjahr"]) and pd.notna(wahl["stadt_vorher"]):
        satz += (f" ({bezeichnung(wahl['wahl'], wahl['vorjahr'])}: {fmt.prozent(wahl['stadt_vorher'])}; "
                 f"Veränderung {fmt.punkte(wahl['veraenderung'])})")
    saetze = [satz + "."]
    # turnout is a proportion of the electorate: "deutlich" needs the Wilson interval as elsewhere
    tab = tabellen.vergleich(ind, wahl["indikator"], int(wahl["jahr"]), reihenfolge, faktor=100.0)
    saetze += texte.auffaelligkeiten(tab, f"Wahlbeteiligung {name}", "%", veraenderung_stadtteile(ind, wahl))
    pub = tab[~tab["gesperrt"] & tab["wert"].notna()]
    if len(pub) >= 2:
        saetze.append(f"Zwischen dem Stadtteil mit der höchsten und dem mit der niedrigsten Beteiligung "
                      f"liegen {fmt.zahl(pub['wert'].max() - pub['wert'].min(), 1)} Prozentpunkte.")
    return texte.absatz(saetze)


def muster_text(bet: pd.DataFrame, letzte: pd.DataFrame) -> str:
    """Whether the same districts have the lowest and highest turnout at every election shown."""
    pub = bet[~bet["gesperrt"] & bet["wert"].notna()]
    if pub.empty or letzte.empty:
        return "Für den Berichtszeitraum liegen keine veröffentlichbaren Wahlergebnisse der Stadtteile vor."
    ordnung = {k: i for i, k in enumerate(letzte["indikator"])}

    def extrem(welche: str) -> pd.DataFrame:
        idx = getattr(pub.groupby("indikator")["wert"], welche)()
        t = pub.loc[idx, ["indikator", "wahl", "jahr", "stadtteil"]]
        return t.sort_values("indikator", key=lambda s: s.map(ordnung))

    tief, hoch = extrem("idxmin"), extrem("idxmax")
    n = len(letzte)
    wahlen_text = fmt.aufzaehlung([bezeichnung(w, j) for w, j in zip(letzte["wahl"], letzte["jahr"])])
    saetze = [f"Betrachtet werden die jeweils letzten Wahlen bis zum Berichtsjahr: {wahlen_text}."]
    if n == 1:
        return saetze[0]
    for art, t in (("niedrigste", tief), ("höchste", hoch)):
        namen = t["stadtteil"].unique().tolist()
        if len(namen) == 1:
            bei = "bei beiden Wahlen" if n == 2 else f"bei allen {_zahlwort(n)} Wahlen"
            saetze.append(f"Die {art} Wahlbeteiligung hatte {bei} {namen[0]}.")
        else:
            teile = [f"{bezeichnung(w, j)}: {s}" for w, j, s in zip(t["wahl"], t["jahr"], t["stadtteil"])]
            saetze.append(f"Die {art} Wahlbeteiligung wechselt zwischen den Stadtteilen ({'; '.join(teile)}).")
    # the same order of districts across elections? mean Spearman correlation of the ranks
    breit = pub.pivot_table(index="stadtteil", columns="indikator", values="wert")
    if breit.shape[1] >= 2 and len(breit.dropna()) >= 4:
        rho = breit.dropna().rank().corr().to_numpy()
        mittel = rho[np.triu_indices_from(rho, k=1)].mean()
        if mittel >= 0.7:
            saetze.append(f"Die Rangfolge der Stadtteile ist bei {'beiden' if n == 2 else 'allen'} Wahlarten "
                          "ähnlich: Wo bei einer Wahl "
                          "wenige Menschen wählen, sind es meist auch bei den anderen Wahlen wenige.")
        elif mittel >= 0.3:
            saetze.append("Die Rangfolge der Stadtteile ähnelt sich zwischen den Wahlarten nur teilweise.")
        else:
            saetze.append("Die Rangfolge der Stadtteile unterscheidet sich zwischen den Wahlarten deutlich.")
    return " ".join(saetze)


def verlauf_text(alle: pd.DataFrame, berichtsjahr: int) -> str:
    """Per election type: city turnout at its first and its latest election up to the Berichtsjahr;
    elections after the Berichtsjahr are only named."""
    spaeter = alle[alle["jahr"] > berichtsjahr].sort_values(["jahr"], kind="stable")
    alle = alle[alle["jahr"] <= berichtsjahr]
    jahre = sorted(alle["jahr"].unique())
    if not jahre:
        return "In den Daten sind keine Wahlergebnisse bis zum Berichtsjahr enthalten."
    saetze = [f"Die Daten enthalten {len(alle)} {'Wahl' if len(alle) == 1 else 'Wahlen'} aus den Jahren "
              f"{jahre[0]} bis {jahre[-1]}." if len(jahre) > 1 else
              f"Die Daten enthalten Wahlergebnisse aus dem Jahr {jahre[0]}."]
    for _, g in alle.groupby("indikator", sort=False):
        g = g.sort_values("jahr")
        a, b = g.iloc[0], g.iloc[-1]
        if len(g) == 1:
            saetze.append(f"Für die {a['wahl']} liegt nur das Ergebnis von {a['jahr']} vor "
                          f"({fmt.prozent(a['stadt'])}).")
            continue
        d = b["stadt"] - a["stadt"]
        wie = ("blieb die Beteiligung nahezu gleich" if abs(d) < 0.5 else
               "stieg die Beteiligung" if d > 0 else "sank die Beteiligung")
        saetze.append(f"Bei der {a['wahl']} {wie}: von {fmt.prozent(a['stadt'])} ({a['jahr']}) auf "
                      f"{fmt.prozent(b['stadt'])} ({b['jahr']}; {fmt.punkte(d)}).")
    if len(spaeter):
        namen = fmt.aufzaehlung([bezeichnung(w, j) for w, j in zip(spaeter["wahl"], spaeter["jahr"])])
        saetze.append(f"Nach dem Berichtsjahr enthalten die Daten außerdem: {namen}; diese Wahlen zeigt die "
                      "Abbildung rechts der gepunkteten Linie, in die Auswertungen dieses Kapitels gehen sie nicht ein.")
    return " ".join(saetze)


def _zahlwort(n: int) -> str:
    return {3: "drei", 4: "vier", 5: "fünf", 6: "sechs"}.get(n, str(n))


# --------------------------------------------------------------------------- turnout vs. SGB II quota


@dataclass(frozen=True)
class Zusammenhang:
    """Pearson r between two district indicators, with its Fisher-z 95 % interval."""

    daten: pd.DataFrame  # stadtteil, x, y (complete, published pairs only)
    x_indikator: str
    y_indikator: str
    x_jahr: int
    y_jahr: int
    x_stadt: float
    y_stadt: float
    r: float
    ci_unten: float
    ci_oben: float
    n: int
    ausgelassen: tuple[str, ...]  # districts without a published value of x or y

    @property
    def intervall_schliesst_null_ein(self) -> bool:
        return bool(self.ci_unten <= 0 <= self.ci_oben)


def naechstes_jahr(ind: pd.DataFrame, indikator: str, jahr: int) -> int:
    """``jahr`` if the indicator has values then, else the nearest year with values (earlier wins ties)."""
    jahre = sorted(int(j) for j in tabellen.reihe(ind, indikator)["jahr"].unique())
    return min(jahre, key=lambda j: (abs(j - jahr), j))


def zusammenhang(ind: pd.DataFrame, y_indikator: str, y_jahr: int, x_indikator: str = SOZIAL_INDIKATOR,
                 x_jahr: int | None = None, reihenfolge: Sequence[str] | None = None) -> Zusammenhang:
    """Turnout (y) against a social indicator (x, default the SGB II quota) across districts.

    ``x_jahr`` defaults to the election year (or the nearest year with values). Districts
    with a suppressed or missing value of either indicator are left out (listed in
    ``ausgelassen``); r and its interval need at least four complete pairs, else NaN.
    """
    x_jahr = naechstes_jahr(ind, x_indikator, y_jahr) if x_jahr is None else x_jahr
    x = tabellen.vergleich(ind, x_indikator, x_jahr, reihenfolge)
    y = tabellen.vergleich(ind, y_indikator, y_jahr, reihenfolge)
    t = x[["stadtteil", "wert", "gesperrt"]].merge(y[["stadtteil", "wert", "gesperrt"]], on="stadtteil",
                                                    how="outer", suffixes=("_x", "_y"), sort=False)
    ok = t["wert_x"].notna() & t["wert_y"].notna() & ~t["gesperrt_x"].fillna(True).astype(bool) \
        & ~t["gesperrt_y"].fillna(True).astype(bool)
    daten = t.loc[ok, ["stadtteil", "wert_x", "wert_y"]].rename(columns={"wert_x": "x", "wert_y": "y"})
    if reihenfolge is not None:
        pos = {n: i for i, n in enumerate(reihenfolge)}
        daten = daten.sort_values("stadtteil", key=lambda s: s.map(pos))
    daten = daten.reset_index(drop=True)
    n = len(daten)
    if n >= 4:
        r = statistik.koeffizient(daten["x"], daten["y"], "pearson")
        unten, oben = statistik.fisher_ci(r, n)
    else:
        r = unten = oben = float("nan")
    return Zusammenhang(
        daten=daten, x_indikator=x_indikator, y_indikator=y_indikator, x_jahr=int(x_jahr), y_jahr=int(y_jahr),
        x_stadt=float(x["stadt"].iloc[0]) if len(x) else float("nan"),
        y_stadt=float(y["stadt"].iloc[0]) if len(y) else float("nan"),
        r=float(r), ci_unten=float(unten), ci_oben=float(oben), n=n,
        ausgelassen=tuple(t.loc[~ok, "stadtteil"].tolist()),
    )


def staerke(r: float) -> str:
    """A German word for the size of |r| (descriptive convention, not a test)."""
    a = abs(r)
    if a < 0.1:
        return "kaum"
    if a < 0.3:
        return "schwach"
    if a < 0.5:
        return "mäßig"
    if a < 0.7:
        return "deutlich"
    return "stark"


def r_text(z: Zusammenhang) -> str:
    """``"r = −0,62 (95-%-Konfidenzintervall nach Fisher-z: −0,89 bis −0,03)"``."""
    return (f"r = {fmt.zahl(z.r, 2)} (95-%-Konfidenzintervall nach Fisher-z: "
            f"{fmt.zahl(z.ci_unten, 2)} bis {fmt.zahl(z.ci_oben, 2)})")


def zusammenhang_text(z: Zusammenhang, y_titel: str, x_titel: str) -> str:
    """Computed sentences on the relation across districts, with what it cannot show.

    ``y_titel`` names the turnout (e.g. "die Wahlbeteiligung bei der Kommunalwahl 2014"),
    ``x_titel`` the social indicator as a noun (e.g. "SGB-II-Quote").
    """
    if not np.isfinite(z.r):
        return (f"Für einen Vergleich von {y_titel} mit der {x_titel} liegen nur für {z.n} Stadtteile "
                "veröffentlichbare Werte vor; das reicht für keine Aussage über einen Zusammenhang.")
    wort = staerke(z.r)
    wie = "kaum" if wort == "kaum" else f"{wort} {'negativ' if z.r < 0 else 'positiv'}"
    saetze = [f"Über die {z.n} Stadtteile hinweg hängen {y_titel} und die {x_titel} ({z.x_jahr}) {wie} "
              f"zusammen: Pearson {r_text(z)}."]
    if wort != "kaum":
        saetze.append(f"In Stadtteilen mit höherer {x_titel} war die Wahlbeteiligung tendenziell "
                      f"{'niedriger' if z.r < 0 else 'höher'}.")
    if z.intervall_schliesst_null_ein:
        saetze.append("Das Intervall schließt null ein: Mit den Daten ist auch kein oder ein umgekehrter "
                      "Zusammenhang vereinbar.")
    saetze.append(
        f"Bei nur {z.n} Stadtteilen ist dieser Wert eine beschreibende erste Annäherung, und er ist unsicher, "
        "wie die Breite des Intervalls zeigt. Er belegt keinen ursächlichen Zusammenhang: Beide Größen können "
        "von weiteren Merkmalen der Stadtteile abhängen, etwa von Alter, Staatsangehörigkeit oder Bildung der "
        "Bevölkerung. Und er beschreibt Stadtteile, nicht Menschen: Ob Menschen, die Leistungen nach dem "
        "SGB II beziehen, seltener wählen, lässt sich daraus nicht ablesen (ökologischer Fehlschluss)."
    )
    if z.ausgelassen:
        saetze.append("Nicht einbezogen, weil ein Wert fehlt oder gesperrt ist: "
                      f"{fmt.aufzaehlung(list(z.ausgelassen))}.")
    return " ".join(saetze)


def zusammenhaenge(ind: pd.DataFrame, letzte: pd.DataFrame, x_indikator: str = SOZIAL_INDIKATOR,
                   reihenfolge: Sequence[str] | None = None) -> pd.DataFrame:
    """r with its Fisher-z interval for the latest election of each type (one row each)."""
    zeilen = []
    for _, w in letzte.iterrows():
        z = zusammenhang(ind, w["indikator"], int(w["jahr"]), x_indikator, None, reihenfolge)
        zeilen.append({"indikator": w["indikator"], "wahl": bezeichnung(w["wahl"], w["jahr"]),
                       "x_jahr": z.x_jahr, "n": z.n, "r": z.r, "ci_unten": z.ci_unten, "ci_oben": z.ci_oben})
    return pd.DataFrame(zeilen, columns=["indikator", "wahl", "x_jahr", "n", "r", "ci_unten", "ci_oben"])


def zusammenhaenge_markdown(tab: pd.DataFrame, x_titel: str) -> str:
    zeilen = pd.DataFrame({
        "Wahl": tab["wahl"],
        f"{x_titel} (Jahr)": tab["x_jahr"].astype(str),
        "Stadtteile": tab["n"].astype(str),
        "Pearson r": [fmt.zahl(r, 2) for r in tab["r"]],
        "95-%-Konfidenzintervall": [fmt.FEHLT if np.isnan(u) else f"{fmt.zahl(u, 2)} bis {fmt.zahl(o, 2)}"
                                    for u, o in zip(tab["ci_unten"], tab["ci_oben"])],
    })
    return fmt.markdown_tabelle(zeilen)


def streudiagramm(z: Zusammenhang, x_titel: str, y_titel: str):
    """Scatter of the districts with name labels, the city values as reference lines and r [CI]."""
    fig, ax = plt.subplots(figsize=(7.0, 4.8))
    if z.n == 0:
        plt.close(fig)
        return _leere_abbildung("Keine Stadtteile mit veröffentlichbaren Werten beider Größen.")
    ax.scatter(z.daten["x"], z.daten["y"], s=42, color=grafik.FARBE_BALKEN, edgecolor="white",
               linewidth=0.6, zorder=4)
    if z.n >= 3 and z.daten["x"].nunique() > 1:
        steigung, achse = np.polyfit(z.daten["x"], z.daten["y"], 1)
        xs = np.linspace(z.daten["x"].min(), z.daten["x"].max(), 2)
        ax.plot(xs, achse + steigung * xs, color=grafik.FARBE_BALKEN, linewidth=1.0, alpha=0.6, zorder=2)
    grafik.stadt_linie(ax, z.x_stadt, "Gesamtstadt", vertikal=True)
    grafik.stadt_linie(ax, z.y_stadt, "Gesamtstadt", vertikal=False)
    ax.margins(x=0.14, y=0.12)
    ax.grid(axis="both")
    grafik.deutsche_achse(ax, "xy")
    ax.set_xlabel(f"{x_titel} ({z.x_jahr}, %)")
    ax.set_ylabel(f"{y_titel} (%)")
    if np.isfinite(z.r):
        ax.set_title(f"Pearson r = {fmt.zahl(z.r, 2)}, 95-%-KI {fmt.zahl(z.ci_unten, 2)} bis "
                     f"{fmt.zahl(z.ci_oben, 2)} (n = {z.n})", pad=16)
    fig.tight_layout()
    beschriften(ax, z.daten["x"].to_numpy(float), z.daten["y"].to_numpy(float), z.daten["stadtteil"].tolist())
    return fig


def beschriften(ax, x: np.ndarray, y: np.ndarray, namen: Sequence[str], fontsize: float = 8.0) -> None:
    """Name each point, choosing for each label the free position nearest to its point.

    Greedy: labels are placed one after another (points in dense areas first); of eight
    candidate positions around the point, the first that overlaps neither a placed label
    nor a point nor the axes border is taken, else the one with the least overlap.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    punkte = ax.transData.transform(np.column_stack([x, y]))
    achse = ax.get_window_extent(renderer)
    abstand = 5.0
    kandidaten = [(1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
                  (0, -1, "center", "top"), (1, 1, "left", "bottom"), (-1, 1, "right", "bottom"),
                  (1, -1, "left", "top"), (-1, -1, "right", "top")]
    belegt: list = []
    # sample points along every drawn line (reference lines, trend line) in display coordinates
    linien = []
    for line in ax.lines:
        xy = line.get_transform().transform(line.get_xydata())
        for a, b in zip(xy[:-1], xy[1:]):
            t = np.linspace(0, 1, 60)[:, None]
            linien.append(a + (b - a) * t)
    linien = np.vstack(linien) if linien else np.empty((0, 2))
    # crowded points first: they have the fewest good positions
    d = np.linalg.norm(punkte[:, None, :] - punkte[None, :, :], axis=2) + np.eye(len(punkte)) * 1e9
    for i in np.argsort(d.min(axis=1) if len(punkte) > 1 else [0]):
        bester, beste_kosten = None, np.inf
        for dx, dy, ha, va in kandidaten:
            t = ax.annotate(namen[i], (x[i], y[i]), xytext=(dx * abstand, dy * abstand), textcoords="offset points",
                            ha=ha, va=va, fontsize=fontsize, color=grafik.FARBE_TEXT, zorder=5,
                            # readable where a label crosses a reference or trend line
                            bbox=dict(boxstyle="square,pad=0.08", facecolor="white", edgecolor="none", alpha=0.85))
            bb = t.get_window_extent(renderer).expanded(1.04, 1.1)
            kosten = sum(_ueberlappung(bb, b) for b in belegt)
            kosten += sum(4.0 for j, p in enumerate(punkte) if j != i and bb.contains(*p))
            if len(linien):
                kosten += 1.0 * bool(np.any((linien[:, 0] > bb.x0) & (linien[:, 0] < bb.x1)
                                            & (linien[:, 1] > bb.y0) & (linien[:, 1] < bb.y1)))
            kosten += 0 if (bb.x0 >= achse.x0 and bb.x1 <= achse.x1 and bb.y0 >= achse.y0 and bb.y1 <= achse.y1) \
                else 50.0
            if kosten < beste_kosten:
                if bester is not None:
                    bester[0].remove()
                bester, beste_kosten = (t, bb), kosten
            else:
                t.remove()
            if kosten == 0:
                break
        belegt.append(bester[1])


def _ueberlappung(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(w, 0) * max(h, 0) / 100.0 if w > 0 and h > 0 else 0.0
