"""Handlungsfeld 1 (Demografie): age structure, population change, natural and
migration balance, dependency ratios and family households.

Inputs are the indicator table of the data layer (long: ``stadtteil``, ``jahr``,
``indikator``, ``wert``, ``zaehler``, ``nenner``, ``gesperrt``, ``unsicher``; city
rows named "Gesamtstadt") and the catalog. Suppression is inherited: a derived
figure (a balance, a sum of age groups) is withheld as soon as one of its parts is.
Functions ending in ``_abbildung`` return a matplotlib figure in the book's style.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colormaps

from helpers import darstellung
from helpers import format as fmt
from helpers import grafik
from helpers.tabellen import STADT, auszug, reihe
from helpers.texte import quellen

# Indicator ids of the catalog used by this Handlungsfeld (the notebook passes them on).
BEVOELKERUNG = "bevoelkerung"
SALDO_INDIKATOREN = {
    "geburten": "geburtenrate",
    "sterbefaelle": "sterberate",
    "zuzuege": "zuzugsrate",
    "fortzuege": "fortzugsrate",
}
JUGENDQUOTIENT = "jugendquotient"
ALTENQUOTIENT = "altenquotient"
HAUSHALTE_MIT_KINDERN = "anteil_haushalte_mit_kindern"
ALLEINERZIEHENDE = "anteil_alleinerziehende"

_ALTER = re.compile(r"^bev_(\d+)_(\d+|plus)$")


# --------------------------------------------------------------------------- general


def quelle(katalog, ids: Sequence[str]) -> str:
    """``"Quelle: Einwohnermelderegister; eigene Berechnung."`` (see :func:`helpers.texte.quellen`)."""
    return quellen(katalog.indikatoren, ids, zusatz=["eigene Berechnung"])


class Ausschnitt:
    """The notebook context with the indicator table restricted to some indicators.

    The kit's comparison year (:func:`helpers.tabellen.vergleichsjahr`) is taken from
    all years in the table; election rows bring years (e.g. 2013) in which annual
    indicators have no values. Handing the standard blocks a context restricted to
    the Handlungsfeld's indicators makes them compare with a year that has data.
    """

    def __init__(self, ctx, ids: Sequence[str]):
        self._ctx = ctx
        self.indikatoren = ctx.indikatoren[ctx.indikatoren["indikator"].isin(list(ids))]

    def __getattr__(self, name):
        return getattr(self._ctx, name)


def handlungsfeld(ctx, nr: int) -> Ausschnitt:
    """:class:`Ausschnitt` of the indicators of Handlungsfeld ``nr``."""
    k = ctx.katalog.indikatoren
    return Ausschnitt(ctx, k.loc[k["handlungsfeld"] == nr, "id"].tolist())


def _ordnen(df: pd.DataFrame, reihenfolge: Sequence[str] | None, stadt_zuletzt: bool = True) -> pd.DataFrame:
    """Rows in stadtteile.csv order, the city last."""
    if reihenfolge is None:
        reihenfolge = [s for s in dict.fromkeys(df["stadtteil"]) if s != STADT]
    pos = {n: i for i, n in enumerate([*reihenfolge, STADT])}
    out = df.sort_values("stadtteil", key=lambda s: s.map(pos), kind="stable")
    if not stadt_zuletzt:
        out = out[out["stadtteil"] != STADT]
    return out.reset_index(drop=True)


def _jahreswerte(ind: pd.DataFrame, indikator: str, jahr: int) -> pd.DataFrame:
    """One indicator in one year, districts and city: stadtteil, wert, zaehler, nenner, gesperrt."""
    r = reihe(ind, indikator)
    r = r[r["jahr"] == jahr]
    if r.empty:
        raise KeyError(f"Indikator „{indikator}“ hat im Jahr {jahr} keine Werte.")
    return r[["stadtteil", "wert", "zaehler", "nenner", "gesperrt"]].reset_index(drop=True)


# --------------------------------------------------------------------------- age structure


def altersgruppen(katalog_indikatoren: pd.DataFrame, bezug: str = "bev_gesamt") -> pd.DataFrame:
    """The finest complete partition of ages among the catalog's share indicators.

    Candidates are indicators ``zaehler / bezug`` whose zaehler is named
    ``bev_<von>_<bis>`` or ``bev_<von>_plus``. Starting at age 0, each step takes
    the narrowest group beginning where the previous one ended, until an open
    group ("plus") closes the chain; wider overlapping groups (``bev_65_plus`` next
    to ``bev_65_79``) are skipped. Columns: ``indikator``, ``merkmal``, ``von``,
    ``bis`` (``pd.NA`` for the open group), ``titel`` (the kurztitel).
    """
    kand = []
    for _, r in katalog_indikatoren.iterrows():
        m = _ALTER.match(str(r["zaehler"]))
        if m and r["nenner"] == bezug:
            kurz = r.get("kurztitel")
            kand.append({
                "indikator": r["id"], "merkmal": r["zaehler"], "von": int(m[1]),
                "bis": pd.NA if m[2] == "plus" else int(m[2]),
                "titel": kurz if isinstance(kurz, str) and kurz else r["titel"],
            })
    kette, alter = [], 0
    while True:
        ab = [c for c in kand if c["von"] == alter and (pd.isna(c["bis"]) or c["bis"] >= alter)]
        if not ab:
            vorhanden = ", ".join(f"{c['merkmal']} ({c['indikator']})" for c in kand) or "keine"
            raise ValueError(
                f"indikatoren.yml: Für die Altersstruktur fehlt ein Anteilsindikator für das Alter ab "
                f"{alter} Jahren (Zähler „bev_{alter}_<bis>“ oder „bev_{alter}_plus“, Nenner „{bezug}“). "
                f"Vorhandene Altersgruppen: {vorhanden}. Bitte die Altersgruppen lückenlos ab 0 Jahren "
                "bis zu einer offenen Gruppe („…_plus“) im Katalog anlegen."
            )
        geschlossen = [c for c in ab if not pd.isna(c["bis"])]
        wahl = min(geschlossen, key=lambda c: c["bis"]) if geschlossen else ab[0]
        kette.append(wahl)
        if pd.isna(wahl["bis"]):
            break
        alter = int(wahl["bis"]) + 1
    out = pd.DataFrame(kette)
    out["bis"] = out["bis"].astype("Int64")
    return out


def altersstruktur(ind: pd.DataFrame, gruppen: pd.DataFrame, jahre: Sequence[int],
                   stadtteil: str = STADT) -> pd.DataFrame:
    """Persons and share per age group in the given years, for the city or one district.

    Columns: ``jahr``, ``indikator``, ``titel``, ``von``, ``personen``, ``anteil`` (%),
    ``gesperrt``; groups in age order within each year.
    """
    teile = []
    for jahr in jahre:
        for _, g in gruppen.iterrows():
            r = _jahreswerte(ind, g["indikator"], jahr)
            r = r[r["stadtteil"] == stadtteil]
            if r.empty:
                raise KeyError(f"Indikator „{g['indikator']}“: kein Wert für {stadtteil} im Jahr {jahr}.")
            r = r.iloc[0]
            teile.append({"jahr": int(jahr), "indikator": g["indikator"], "titel": g["titel"],
                          "von": int(g["von"]), "personen": r["zaehler"], "anteil": r["wert"],
                          "gesperrt": bool(r["gesperrt"])})
    return pd.DataFrame(teile)


def altersveraenderung(struktur: pd.DataFrame, von: int, bis: int) -> pd.DataFrame:
    """Change of persons per age group between two years (from :func:`altersstruktur`).

    Columns: ``indikator``, ``titel``, ``personen_von``, ``personen_bis``,
    ``veraenderung`` (persons), ``veraenderung_prozent``, ``anteil_von``, ``anteil_bis``.
    """
    a = struktur[struktur["jahr"] == von].set_index("indikator")
    b = struktur[struktur["jahr"] == bis].set_index("indikator")
    out = pd.DataFrame({
        "titel": b["titel"],
        "personen_von": a["personen"].reindex(b.index),
        "personen_bis": b["personen"],
        "anteil_von": a["anteil"].reindex(b.index),
        "anteil_bis": b["anteil"],
    })
    out["veraenderung"] = out["personen_bis"] - out["personen_von"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["veraenderung_prozent"] = np.where(out["personen_von"] > 0,
                                               out["veraenderung"] / out["personen_von"] * 100, np.nan)
    return out.reset_index()


def altersanteile(ind: pd.DataFrame, gruppen: pd.DataFrame, jahr: int,
                  reihenfolge: Sequence[str] | None = None) -> pd.DataFrame:
    """Age-group shares by district (wide): one row per district, the city last.

    Columns: ``stadtteil``, one column per age-group indicator (share in %), and
    ``gesperrt`` (True if any group of the district is suppressed – then the whole
    row is withheld in the chart, because the missing group would follow from the rest).
    """
    teile = []
    for _, g in gruppen.iterrows():
        r = _jahreswerte(ind, g["indikator"], jahr)
        teile.append(r.assign(indikator=g["indikator"]))
    lang = pd.concat(teile, ignore_index=True)
    breit = lang.pivot(index="stadtteil", columns="indikator", values="wert")[list(gruppen["indikator"])]
    gesperrt = lang.groupby("stadtteil")["gesperrt"].any()
    out = breit.assign(gesperrt=gesperrt.reindex(breit.index).to_numpy()).reset_index()
    out.columns.name = None
    return _ordnen(out, reihenfolge)


def anteil_summe(anteile: pd.DataFrame, gruppen: pd.DataFrame, von: int | None = None,
                 unter: int | None = None) -> pd.Series:
    """Summed share of the age groups starting at ``von`` or more and ending below ``unter``.

    ``anteil_summe(a, g, unter=18)`` = share of under-18s; ``von=65`` = 65 and older.
    NaN where a part is suppressed. Raises ValueError if the bounds cut through a group.
    """
    g = gruppen
    auswahl = pd.Series(True, index=g.index)
    if von is not None:
        if not (g["von"] == von).any():
            raise ValueError(f"Keine Altersgruppe beginnt bei {von} Jahren; die Summe ist nicht bildbar.")
        auswahl &= g["von"] >= von
    if unter is not None:
        if not (g["bis"].fillna(-1) == unter - 1).any():
            raise ValueError(f"Keine Altersgruppe endet bei {unter - 1} Jahren; die Summe ist nicht bildbar.")
        auswahl &= g["bis"].notna() & (g["bis"].fillna(10**6) < unter)
    spalten = g.loc[auswahl, "indikator"].tolist()
    return anteile[spalten].sum(axis=1, min_count=len(spalten)).where(~anteile[spalten].isna().any(axis=1))


def _gruppen_farben(gruppen: pd.DataFrame) -> list:
    """Colours by life phase: children and youth blue, working age grey, older people orange."""
    def skala(name, n, a, b):
        return [colormaps[name](x) for x in (np.linspace(a, b, n) if n > 1 else [b])]

    jung = gruppen["von"] < 18
    alt = gruppen["von"] >= 65
    mitte = ~jung & ~alt
    farben = skala("Blues", int(jung.sum()), 0.3, 0.85) + skala("Greys", int(mitte.sum()), 0.22, 0.4) \
        + skala("Oranges", int(alt.sum()), 0.45, 0.8)
    return farben


def _textfarbe(rgba) -> str:
    r, g, b = rgba[:3]
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.55 else grafik.FARBE_TEXT


def altersaufbau_abbildung(struktur: pd.DataFrame, jahr_von: int, jahr_bis: int):
    """City age structure in two years: shares per age group and the change in persons.

    Left: grouped horizontal bars (share of the population), youngest group at the
    bottom like a population pyramid. Right: change in the number of persons per
    group between the two years, in percent.
    """
    ver = altersveraenderung(struktur, jahr_von, jahr_bis)
    n = len(ver)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(7.0, 0.42 * n + 1.6), sharey=True,
                                  gridspec_kw={"width_ratios": [1.35, 1], "wspace": 0.08})
    y = np.arange(n)
    h = 0.38
    farbe_von, farbe_bis = "#9CC3E0", grafik.FARBE_BALKEN
    for dy, spalte, farbe, jahr in ((h / 2, "anteil_von", farbe_von, jahr_von),
                                    (-h / 2, "anteil_bis", farbe_bis, jahr_bis)):
        werte = ver[spalte].to_numpy(dtype=float)
        ax.barh(y + dy, np.nan_to_num(werte), height=h, color=farbe, label=fmt.stichtag(jahr), zorder=2)
        for yi, w in zip(y + dy, werte):
            ax.annotate(fmt.GESPERRT if np.isnan(w) else fmt.zahl(w, 1), xy=(0 if np.isnan(w) else w, yi),
                        xytext=(2, 0), textcoords="offset points", va="center", fontsize=7.5,
                        color=grafik.FARBE_TEXT)
    ax.set_yticks(y, ver["titel"])
    ax.set_xlabel("Anteil an der Bevölkerung (%)")
    ax.margins(x=0.16)
    grafik.deutsche_achse(ax, "x")
    ax.set_title("Anteil der Altersgruppen")
    # legend in the order of the years, earlier year first
    griffe, texte = ax.get_legend_handles_labels()
    ax.legend(griffe, texte, loc="lower right", fontsize=8)

    d = ver["veraenderung_prozent"].to_numpy(dtype=float)
    farben = [grafik.FARBE_BALKEN if v >= 0 else grafik.FARBE_AUFFAELLIG for v in np.nan_to_num(d)]
    ax2.barh(y, np.nan_to_num(d), height=0.6, color=farben, zorder=2)
    grenze = np.nanmax(np.abs(d)) if np.isfinite(d).any() else 1
    grenze = grenze if grenze > 0 else 1
    for yi, v in zip(y, d):
        links = v < 0
        ax2.annotate(fmt.GESPERRT if np.isnan(v) else fmt.vorzeichen(v, 1) + " %", xy=(0 if np.isnan(v) else v, yi),
                     xytext=(-2 if links else 2, 0), textcoords="offset points", va="center",
                     ha="right" if links else "left", fontsize=7.5, color=grafik.FARBE_TEXT)
    ax2.axvline(0, color="#555555", linewidth=0.8, zorder=3)
    ax2.set_xlim(-grenze * 1.45, grenze * 1.45)
    ax2.set_xlabel(f"Veränderung {jahr_von}–{jahr_bis} (%)")
    grafik.deutsche_achse(ax2, "x")
    ax2.set_title("Veränderung der Personenzahl")
    ax2.tick_params(axis="y", length=0)
    fig.subplots_adjust(left=0.2, right=0.98, top=0.88, bottom=0.12)
    return fig


def altersanteile_abbildung(anteile: pd.DataFrame, gruppen: pd.DataFrame, jahr: int | None = None,
                            schwelle: float = 5.0):
    """Stacked horizontal bars of the age-group shares, districts in stadtteile.csv order.

    The city bar stands on top, set apart. An age group carries its values only if
    its segment is at least ``schwelle`` percent wide in every bar (labels either
    for the whole group or not at all). Districts with a suppressed group get "•"
    instead of a bar.
    """
    stadt = anteile[anteile["stadtteil"] == STADT]
    teile = anteile[anteile["stadtteil"] != STADT]
    erste = gruppen["indikator"].iloc[0] if len(gruppen) else None  # many districts: by the youngest group
    teile, rest = grafik.stadtteile_begrenzen(
        teile, teile.set_index("stadtteil")[erste].where(~teile.set_index("stadtteil")["gesperrt"]) if erste else
        pd.Series(dtype=float))
    zeilen = pd.concat([stadt, teile], ignore_index=True)
    n = len(zeilen)
    # the city on top with a gap below it
    y = np.array([0.0] + [1.0 + 0.35 + i for i in range(n - 1)]) if len(stadt) else np.arange(n, dtype=float)
    fig, ax = plt.subplots(figsize=(7.0, darstellung.hoehe(n, 0.34, 1.9)))
    farben = _gruppen_farben(gruppen)
    links = np.zeros(n)
    for farbe, (_, g) in zip(farben, gruppen.iterrows()):
        werte = zeilen[g["indikator"]].to_numpy(dtype=float)
        werte = np.where(zeilen["gesperrt"].to_numpy(dtype=bool), 0, np.nan_to_num(werte))
        ax.barh(y, werte, left=links, color=farbe, height=0.72, label=g["titel"], zorder=2,
                edgecolor="white", linewidth=0.4)
        sichtbar = werte[~zeilen["gesperrt"].to_numpy(dtype=bool)]
        beschriften = len(sichtbar) > 0 and bool((sichtbar >= schwelle).all())
        for yi, l, w in zip(y, links, werte):
            if beschriften and w > 0:
                ax.text(l + w / 2, yi, fmt.zahl(w, 0), ha="center", va="center", fontsize=7.2,
                        color=_textfarbe(farbe))
        links = links + werte
    for yi, gesperrt in zip(y, zeilen["gesperrt"]):
        if gesperrt:
            ax.text(1, yi, f"{fmt.GESPERRT} gesperrt", va="center", fontsize=8.5, color=grafik.FARBE_TEXT)
    beschriftung = [f"{s}" for s in zeilen["stadtteil"]]
    ax.set_yticks(y, beschriftung)
    if len(stadt):
        ax.get_yticklabels()[0].set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Anteil an der Bevölkerung (%)")
    grafik.deutsche_achse(ax, "x", stellen=0)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(4, len(gruppen)), fontsize=7.8,
              handlelength=1.2, columnspacing=1.0)
    if jahr is not None:
        ax.set_title(f"Altersgruppen am {fmt.stichtag(jahr)}", pad=34 if len(gruppen) > 4 else 20)
    fig.tight_layout()
    grafik.auswahl_hinweis(fig, rest, f"beim Anteil „{gruppen['titel'].iloc[0]}“" if len(gruppen) else "")
    return fig


def altersanteile_markdown(anteile: pd.DataFrame, gruppen: pd.DataFrame) -> str:
    """Age-group shares by district as a German table (city last, in bold)."""
    t = pd.DataFrame({"Stadtteil": [f"**{s}**" if s == STADT else s for s in anteile["stadtteil"]]})
    for _, g in gruppen.iterrows():
        t[f"{g['titel']} (%)"] = [
            # a withheld group would follow from 100 % minus the others: withhold the row
            fmt.GESPERRT if gesp else fmt.zahl(w, 1)
            for w, gesp in zip(anteile[g["indikator"]], anteile["gesperrt"])
        ]
    if len(gruppen):  # many districts: the highest and lowest share of the first (youngest) group
        erste = gruppen.iloc[0]
        t = auszug(t, anteile["stadtteil"], _schluessel(anteile, erste["indikator"], anteile["gesperrt"]),
                   f"„{erste['titel']}“")
    return fmt.markdown_tabelle(t)


def _schluessel(tab: pd.DataFrame, spalte: str, gesperrt) -> pd.Series:
    """Sort values per district for :func:`helpers.tabellen.auszug`; a withheld value sorts nowhere
    (its place among the others would tell what it is)."""
    return pd.Series(np.where(np.asarray(gesperrt, dtype=bool), np.nan, tab[spalte].to_numpy(dtype=float)),
                     index=tab["stadtteil"].to_numpy())


# --------------------------------------------------------------------------- population change


def entwicklung(ind: pd.DataFrame, indikator: str = BEVOELKERUNG, basisjahr: int | None = None) -> pd.DataFrame:
    """Population per district and year with an index (``basisjahr`` = 100; default: earliest year).

    Columns: ``stadtteil``, ``jahr``, ``wert``, ``index``. Suppressed values stay NaN.
    """
    r = reihe(ind, indikator)[["stadtteil", "jahr", "wert"]].copy()
    basisjahr = int(r["jahr"].min()) if basisjahr is None else basisjahr
    basis = r[r["jahr"] == basisjahr].set_index("stadtteil")["wert"]
    if basis.empty:
        raise KeyError(f"Indikator „{indikator}“ hat im Basisjahr {basisjahr} keine Werte.")
    with np.errstate(divide="ignore", invalid="ignore"):
        r["index"] = r["wert"] / r["stadtteil"].map(basis).astype(float) * 100
    return r.reset_index(drop=True)


def entwicklung_tabelle(ind: pd.DataFrame, von: int, bis: int, reihenfolge: Sequence[str] | None = None,
                        indikator: str = BEVOELKERUNG) -> pd.DataFrame:
    """Population in two years per district (city last) and the change.

    Columns: ``stadtteil``, ``wert_von``, ``wert_bis``, ``veraenderung``,
    ``veraenderung_prozent``, ``gesperrt`` (either year suppressed).
    """
    a = _jahreswerte(ind, indikator, von).set_index("stadtteil")
    b = _jahreswerte(ind, indikator, bis).set_index("stadtteil")
    out = pd.DataFrame({"wert_von": a["wert"].reindex(b.index), "wert_bis": b["wert"]})
    out["gesperrt"] = b["gesperrt"] | a["gesperrt"].reindex(b.index).fillna(False).astype(bool)
    out["veraenderung"] = out["wert_bis"] - out["wert_von"]
    out["veraenderung_prozent"] = out["veraenderung"] / out["wert_von"] * 100
    out = out.reset_index()[["stadtteil", "wert_von", "wert_bis", "veraenderung", "veraenderung_prozent",
                             "gesperrt"]]
    return _ordnen(out, reihenfolge)


def entwicklung_markdown(tab: pd.DataFrame, von: int, bis: int) -> str:
    """The population table in German: both years, change in persons and percent."""
    def zelle(x, g, stellen=0, vorz=False):
        if g:
            return fmt.GESPERRT
        return fmt.vorzeichen(x, stellen) if vorz else fmt.zahl(x, stellen)

    t = pd.DataFrame({
        "Stadtteil": [f"**{s}**" if s == STADT else s for s in tab["stadtteil"]],
        fmt.stichtag(von): [zelle(x, g) for x, g in zip(tab["wert_von"], tab["gesperrt"])],
        fmt.stichtag(bis): [zelle(x, g) for x, g in zip(tab["wert_bis"], tab["gesperrt"])],
        "Veränderung (Personen)": [zelle(x, g, 0, True) for x, g in zip(tab["veraenderung"], tab["gesperrt"])],
        "Veränderung (%)": [zelle(x, g, 1, True) for x, g in zip(tab["veraenderung_prozent"], tab["gesperrt"])],
    })
    t = auszug(t, tab["stadtteil"], _schluessel(tab, "veraenderung_prozent", tab["gesperrt"]), "Veränderung in %")
    return fmt.markdown_tabelle(t)


def entwicklung_abbildung(reihen: pd.DataFrame, jahr: int, n: int = 2, reihenfolge: Sequence[str] | None = None):
    """Index lines (earliest year = 100): city in black, the ``n`` fastest growing and
    ``n`` fastest shrinking districts up to ``jahr`` in colour, the rest grey; a
    dotted line marks ``jahr`` (the Berichtsjahr), as in the kit's trend charts.
    ``reihenfolge`` (the register order) fixes each district's colour, as in every chart."""
    idx = reihen.dropna(subset=["index"])
    jetzt = idx[(idx["jahr"] == jahr) & (idx["stadtteil"] != STADT)].sort_values("index")
    auswahl = list(dict.fromkeys(jetzt["stadtteil"].tail(n).tolist()[::-1] + jetzt["stadtteil"].head(n).tolist()))
    basisjahr = int(reihen["jahr"].min())
    fig = grafik.trend_linien(idx.rename(columns={"wert": "_wert", "index": "wert"})[["stadtteil", "jahr", "wert"]],
                              einheit=f"Index ({basisjahr} = 100)", hervorheben=auswahl,
                              register=reihenfolge)
    ax = fig.axes[0]
    # legend top to bottom in the order of the lines at the right edge
    letzte = idx[idx["jahr"] == idx["jahr"].max()].set_index("stadtteil")["index"]
    griffe, namen = ax.get_legend_handles_labels()
    paare = sorted(zip(griffe, namen), key=lambda p: -letzte.get(p[1], -np.inf))
    ax.legend([p[0] for p in paare], [p[1] for p in paare], loc="center left", bbox_to_anchor=(1.0, 0.5),
              fontsize=8.5)
    ax.axhline(100, color="#555555", linewidth=0.8, zorder=0)
    if reihen["jahr"].max() > jahr:
        ax.axvline(jahr, color=grafik.FARBE_GRAU, linewidth=0.8, linestyle=":")
    grafik.deutsche_achse(ax, "y", stellen=0)
    ax.set_title("Einwohnerzahl, Index")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- natural balance and migration


def salden(ind: pd.DataFrame, jahr: int, reihenfolge: Sequence[str] | None = None,
           indikatoren: Mapping[str, str] = SALDO_INDIKATOREN) -> pd.DataFrame:
    """Births, deaths, moves and both balances per district (city last) in one year.

    ``indikatoren`` maps ``geburten``, ``sterbefaelle``, ``zuzuege``, ``fortzuege`` to
    rate indicators per population (their zaehler are the counts, their nenner the
    population). Moves across district borders inside the city count as Zuzug and
    Fortzug of the districts, so the district migration balances add up to the
    city's balance with the outside world.

    Columns: ``stadtteil``, the four counts, ``natuerlich``, ``wanderung``,
    ``bevoelkerung``, ``natuerlich_je_1000``, ``wanderung_je_1000``,
    ``natuerlich_gesperrt``, ``wanderung_gesperrt``.
    """
    teile = {}
    for name, indikator in indikatoren.items():
        teile[name] = _jahreswerte(ind, indikator, jahr).set_index("stadtteil")
    basis = teile["geburten"]
    out = pd.DataFrame(index=basis.index)
    for name, t in teile.items():
        out[name] = t["zaehler"].reindex(out.index)
        out[f"{name}_gesperrt"] = t["gesperrt"].reindex(out.index).fillna(True).astype(bool)
    out["bevoelkerung"] = basis["nenner"]
    out["natuerlich_gesperrt"] = out["geburten_gesperrt"] | out["sterbefaelle_gesperrt"]
    out["wanderung_gesperrt"] = out["zuzuege_gesperrt"] | out["fortzuege_gesperrt"]
    out["natuerlich"] = (out["geburten"] - out["sterbefaelle"]).where(~out["natuerlich_gesperrt"])
    out["wanderung"] = (out["zuzuege"] - out["fortzuege"]).where(~out["wanderung_gesperrt"])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["natuerlich_je_1000"] = out["natuerlich"] / out["bevoelkerung"] * 1000
        out["wanderung_je_1000"] = out["wanderung"] / out["bevoelkerung"] * 1000
    spalten = ["geburten", "sterbefaelle", "natuerlich", "zuzuege", "fortzuege", "wanderung", "bevoelkerung",
               "natuerlich_je_1000", "wanderung_je_1000", "geburten_gesperrt", "sterbefaelle_gesperrt",
               "zuzuege_gesperrt", "fortzuege_gesperrt", "natuerlich_gesperrt", "wanderung_gesperrt"]
    return _ordnen(out.reset_index()[["stadtteil", *spalten]], reihenfolge)


def salden_zeitreihe(ind: pd.DataFrame, indikatoren: Mapping[str, str] = SALDO_INDIKATOREN,
                     stadtteil: str = STADT) -> pd.DataFrame:
    """Both balances of the city (or one district) for every year with data.

    Columns: ``jahr``, ``natuerlich``, ``wanderung``, ``gesamt`` (NaN where suppressed).
    """
    jahre = sorted(set.intersection(*[set(reihe(ind, i)["jahr"].unique()) for i in indikatoren.values()]))
    zeilen = []
    for jahr in jahre:
        s = salden(ind, int(jahr), indikatoren=indikatoren)
        s = s[s["stadtteil"] == stadtteil].iloc[0]
        zeilen.append({"jahr": int(jahr), "natuerlich": s["natuerlich"], "wanderung": s["wanderung"]})
    out = pd.DataFrame(zeilen)
    out["gesamt"] = out["natuerlich"] + out["wanderung"]
    return out


def salden_markdown(tab: pd.DataFrame) -> str:
    """Births, deaths, moves and balances per district as a German table (city last)."""
    def z(x, g, vorz=False, stellen=0):
        if g:
            return fmt.GESPERRT
        return fmt.vorzeichen(x, stellen) if vorz else fmt.zahl(x, stellen)

    t = pd.DataFrame({
        "Stadtteil": [f"**{s}**" if s == STADT else s for s in tab["stadtteil"]],
        "Geburten": [z(x, g) for x, g in zip(tab["geburten"], tab["geburten_gesperrt"])],
        "Sterbefälle": [z(x, g) for x, g in zip(tab["sterbefaelle"], tab["sterbefaelle_gesperrt"])],
        "Natürlicher Saldo": [z(x, g, True) for x, g in zip(tab["natuerlich"], tab["natuerlich_gesperrt"])],
        "je 1.000": [z(x, g, True, 1) for x, g in zip(tab["natuerlich_je_1000"], tab["natuerlich_gesperrt"])],
        "Zuzüge": [z(x, g) for x, g in zip(tab["zuzuege"], tab["zuzuege_gesperrt"])],
        "Fortzüge": [z(x, g) for x, g in zip(tab["fortzuege"], tab["fortzuege_gesperrt"])],
        "Wanderungssaldo": [z(x, g, True) for x, g in zip(tab["wanderung"], tab["wanderung_gesperrt"])],
        "je 1.000 ": [z(x, g, True, 1) for x, g in zip(tab["wanderung_je_1000"], tab["wanderung_gesperrt"])],
    })
    t = auszug(t, tab["stadtteil"], _schluessel(tab, "wanderung_je_1000", tab["wanderung_gesperrt"]),
               "Wanderungssaldo je 1.000")
    return fmt.markdown_tabelle(t)


_HINTERGRUND = dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none")


def _divergierend(ax, namen, werte, gesperrt, stadtwert, titel, grenze, stellen=1):
    """Diverging bars (gains blue, losses vermillion) in the given row order, top to bottom.

    ``grenze`` is the largest absolute value to show (shared by panels that are compared).
    """
    y = np.arange(len(namen))
    w = np.asarray(werte, dtype=float)
    g = np.asarray(gesperrt, dtype=bool)
    farben = [grafik.FARBE_BALKEN if v >= 0 else grafik.FARBE_AUFFAELLIG for v in np.nan_to_num(w)]
    ax.barh(y, np.where(g, 0, np.nan_to_num(w)), color=farben, height=0.66, zorder=2)
    for yi, v, gs in zip(y, w, g):
        if gs or np.isnan(v):
            ax.annotate(f"{fmt.GESPERRT} gesperrt" if gs else fmt.FEHLT, xy=(0, yi), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=8, color=grafik.FARBE_TEXT)
            continue
        links = v < 0
        # labels sit above the city line (white backing) so that both stay readable
        ax.annotate(fmt.vorzeichen(v, stellen), xy=(v, yi), xytext=(-3 if links else 3, 0),
                    textcoords="offset points", va="center", ha="right" if links else "left",
                    fontsize=8, color=grafik.FARBE_TEXT, bbox=_HINTERGRUND, zorder=5)
    ax.axvline(0, color="#555555", linewidth=0.8, zorder=1)
    ax.set_xlim(-grenze * 1.5, grenze * 1.5)
    ax.set_yticks(y, namen)
    ax.set_ylim(len(namen) - 0.4, -0.9)  # first row on top, room for the city label
    grafik.stadt_linie(ax, stadtwert)
    grafik.deutsche_achse(ax, "x")
    ax.set_title(titel, pad=16)


def salden_abbildung(tab: pd.DataFrame, jahr: int | None = None):
    """Natural balance and migration balance per 1,000 residents by district (two panels).

    Districts in the order of ``tab`` (stadtteile.csv order), the city value as a
    dashed line in both panels.
    """
    teile = tab[tab["stadtteil"] != STADT]
    stadt = tab[tab["stadtteil"] == STADT]
    t_ = teile.set_index("stadtteil")
    teile, rest = grafik.stadtteile_begrenzen(teile, t_["natuerlich_je_1000"] + t_["wanderung_je_1000"])
    sw = lambda c: float(stadt[c].iloc[0]) if len(stadt) else np.nan  # noqa: E731
    # one scale for both panels, so that natural and migration balance compare by length
    sichtbar = np.concatenate([
        teile.loc[~teile["natuerlich_gesperrt"], "natuerlich_je_1000"].to_numpy(dtype=float),
        teile.loc[~teile["wanderung_gesperrt"], "wanderung_je_1000"].to_numpy(dtype=float),
        [sw("natuerlich_je_1000"), sw("wanderung_je_1000")],
    ])
    grenze = np.nanmax(np.abs(sichtbar)) if np.isfinite(sichtbar).any() else 1.0
    grenze = grenze if grenze > 0 else 1.0
    hoehe = darstellung.hoehe(len(teile), 0.34, 1.5)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.0, hoehe), sharey=True, gridspec_kw={"wspace": 0.12})
    _divergierend(ax1, teile["stadtteil"].tolist(), teile["natuerlich_je_1000"], teile["natuerlich_gesperrt"],
                  sw("natuerlich_je_1000"), "Natürlicher Saldo", grenze)
    _divergierend(ax2, teile["stadtteil"].tolist(), teile["wanderung_je_1000"], teile["wanderung_gesperrt"],
                  sw("wanderung_je_1000"), "Wanderungssaldo", grenze)
    ax2.tick_params(axis="y", length=0)
    for ax in (ax1, ax2):
        ax.set_xlabel("je 1.000 Einwohner/innen")
    if jahr is not None:
        ax1.set_title(f"Natürlicher Saldo {jahr}", pad=16)
        ax2.set_title(f"Wanderungssaldo {jahr}", pad=16)
    fig.subplots_adjust(left=0.2, right=0.98, top=1 - 0.55 / hoehe, bottom=0.6 / hoehe)
    grafik.auswahl_hinweis(fig, rest, "beim Saldo aus natürlicher Bevölkerungsbewegung und Wanderung")
    return fig


def salden_zeitreihe_abbildung(reihe_: pd.DataFrame, jahr: int | None = None):
    """City balances per year: natural and migration balance as bars, their sum as a line."""
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    x = reihe_["jahr"].to_numpy()
    b = 0.38
    ax.bar(x - b / 2, reihe_["natuerlich"], width=b, color=grafik.PALETTE[1], label="Natürlicher Saldo", zorder=2)
    ax.bar(x + b / 2, reihe_["wanderung"], width=b, color=grafik.PALETTE[0], label="Wanderungssaldo", zorder=2)
    ax.plot(x, reihe_["gesamt"], color=grafik.FARBE_STADT, marker="o", markersize=4, linewidth=1.6,
            label="Summe beider Salden", zorder=3)
    ax.axhline(0, color="#555555", linewidth=0.8)
    if jahr is not None and x.max() > jahr:
        ax.axvline(jahr + 0.5, color=grafik.FARBE_GRAU, linewidth=0.8, linestyle=":")
    ax.set_xticks(x, [str(j) for j in x])
    ax.grid(axis="y")
    ax.grid(axis="x", visible=False)
    grafik.deutsche_achse(ax, "y", stellen=0)
    ax.set_ylabel("Personen")
    ax.set_title("Gesamtstadt: natürlicher Saldo und Wanderungssaldo")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- dependency ratios


def quotienten(ind: pd.DataFrame, jahr: int, vergleich_jahr: int | None = None,
               reihenfolge: Sequence[str] | None = None, jung: str = JUGENDQUOTIENT,
               alt: str = ALTENQUOTIENT) -> pd.DataFrame:
    """Youth and old-age dependency ratios per district (city last).

    The definitions come from the catalog (e.g. under-18s resp. 65+ per 100 aged
    18–64). ``gesamt`` = sum of both (dependants per 100 of working age).
    Columns: ``stadtteil``, ``jung``, ``alt``, ``gesamt``, ``jung_vorher``,
    ``alt_vorher``, ``jung_diff``, ``alt_diff``, ``gesperrt``.
    """
    def werte(i, j):
        t = _jahreswerte(ind, i, j).set_index("stadtteil")
        return t["wert"], t["gesperrt"]

    j, jg = werte(jung, jahr)
    a, ag = werte(alt, jahr)
    out = pd.DataFrame({"jung": j, "alt": a.reindex(j.index)})
    out["gesperrt"] = jg | ag.reindex(j.index).fillna(True).astype(bool)
    out["gesamt"] = out["jung"] + out["alt"]
    if vergleich_jahr is not None:
        out["jung_vorher"] = werte(jung, vergleich_jahr)[0].reindex(out.index)
        out["alt_vorher"] = werte(alt, vergleich_jahr)[0].reindex(out.index)
    else:
        out["jung_vorher"] = np.nan
        out["alt_vorher"] = np.nan
    out["jung_diff"] = out["jung"] - out["jung_vorher"]
    out["alt_diff"] = out["alt"] - out["alt_vorher"]
    out = out.reset_index()[["stadtteil", "jung", "alt", "gesamt", "jung_vorher", "alt_vorher", "jung_diff",
                             "alt_diff", "gesperrt"]]
    return _ordnen(out, reihenfolge)


def quotienten_markdown(tab: pd.DataFrame, vergleich_jahr: int | None = None) -> str:
    """Dependency ratios as a German table: both ratios, their sum and the change."""
    def z(x, g, vorz=False):
        if g:
            return fmt.GESPERRT
        return fmt.vorzeichen(x, 1) if vorz else fmt.zahl(x, 1)

    g = tab["gesperrt"]
    t = pd.DataFrame({
        "Stadtteil": [f"**{s}**" if s == STADT else s for s in tab["stadtteil"]],
        "Jugendquotient": [z(x, s) for x, s in zip(tab["jung"], g)],
        "Altenquotient": [z(x, s) for x, s in zip(tab["alt"], g)],
        "Gesamtquotient": [z(x, s) for x, s in zip(tab["gesamt"], g)],
    })
    if vergleich_jahr is not None:
        t[f"Jugendquotient seit {vergleich_jahr}"] = [z(x, s, True) for x, s in zip(tab["jung_diff"], g)]
        t[f"Altenquotient seit {vergleich_jahr}"] = [z(x, s, True) for x, s in zip(tab["alt_diff"], g)]
    t = auszug(t, tab["stadtteil"], _schluessel(tab, "gesamt", g), "Gesamtquotient")
    return fmt.markdown_tabelle(t)


# --------------------------------------------------------------------------- family households


def familienhaushalte(ind: pd.DataFrame, jahr: int, reihenfolge: Sequence[str] | None = None,
                      mit_kindern: str = HAUSHALTE_MIT_KINDERN,
                      alleinerziehend: str = ALLEINERZIEHENDE) -> pd.DataFrame:
    """Households, households with children and single-parent households per district (city last).

    ``mit_kindern`` is the share of households with children among all households,
    ``alleinerziehend`` the share of single parents among households with children.
    Columns: ``stadtteil``, ``haushalte``, ``mit_kindern``, ``anteil_mit_kindern``,
    ``alleinerziehend``, ``anteil_alleinerziehend``, ``gesperrt_kinder``,
    ``gesperrt_allein``.
    """
    k = _jahreswerte(ind, mit_kindern, jahr).set_index("stadtteil")
    a = _jahreswerte(ind, alleinerziehend, jahr).set_index("stadtteil").reindex(k.index)
    out = pd.DataFrame({
        "haushalte": k["nenner"],
        "mit_kindern": k["zaehler"],
        "anteil_mit_kindern": k["wert"],
        "alleinerziehend": a["zaehler"],
        "anteil_alleinerziehend": a["wert"],
        "gesperrt_kinder": k["gesperrt"].astype(bool),
        "gesperrt_allein": a["gesperrt"].fillna(True).astype(bool),
    }).reset_index()
    return _ordnen(out, reihenfolge)


def quotienten_abbildung(tab: pd.DataFrame):
    """Youth and old-age dependency ratio per district side by side (stadtteile.csv order),
    each with the city value as the dashed reference line."""
    teile = tab[tab["stadtteil"] != STADT]
    stadt = tab[tab["stadtteil"] == STADT]
    t_ = teile.set_index("stadtteil")
    teile, rest = grafik.stadtteile_begrenzen(teile, (t_["jung"] + t_["alt"]).where(~t_["gesperrt"]))
    n = len(teile)
    fig, axes = plt.subplots(1, 2, figsize=(7.0, darstellung.hoehe(n, 0.34, 1.6)), sharey=True, gridspec_kw={"wspace": 0.1})
    y = np.arange(n)
    grenze = np.nanmax(teile[["jung", "alt"]].to_numpy(dtype=float)) if n else 1.0
    for ax, spalte, titel, farbe in ((axes[0], "jung", "Jugendquotient", grafik.PALETTE[0]),
                                     (axes[1], "alt", "Altenquotient", grafik.PALETTE[1])):
        werte = teile[spalte].to_numpy(dtype=float)
        gesperrt = teile["gesperrt"].to_numpy(dtype=bool)
        ax.barh(y, np.where(gesperrt, 0, np.nan_to_num(werte)), color=farbe, height=0.66, zorder=2)
        for yi, w, g in zip(y, werte, gesperrt):
            text = f"{fmt.GESPERRT} gesperrt" if g else fmt.zahl(w, 1)
            ax.annotate(text, xy=(0 if g or np.isnan(w) else w, yi), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8, color=grafik.FARBE_TEXT, bbox=_HINTERGRUND, zorder=5)
        ax.set_xlim(0, grenze * 1.22)
        ax.set_ylim(n - 0.4, -0.9)
        grafik.stadt_linie(ax, float(stadt[spalte].iloc[0]) if len(stadt) else np.nan)
        grafik.deutsche_achse(ax, "x", stellen=0)
        ax.set_xlabel("je 100 Personen im Erwerbsalter")
        ax.set_title(titel, pad=16)
    axes[0].set_yticks(y, teile["stadtteil"])
    axes[1].tick_params(axis="y", length=0)
    fig.subplots_adjust(left=0.2, right=0.98, top=0.86, bottom=0.14)
    grafik.auswahl_hinweis(fig, rest, "beim Gesamtquotienten")
    return fig


# --------------------------------------------------------------------------- computed sentences


def _von(k: int, n: int, einheit: str) -> str:
    """``"in 3 von 11 Stadtteilen"``, ``"in allen 11 Stadtteilen"``, ``"in keinem der 11 Stadtteile"``."""
    if k == n:
        return f"in allen {fmt.zahl(n)} {einheit[1]}"
    if k == 0:
        return f"in keinem der {fmt.zahl(n)} {einheit[0]}"
    return f"in {fmt.zahl(k)} von {fmt.zahl(n)} {einheit[1]}"


STADTTEILE = ("Stadtteile", "Stadtteilen")
JAHRE = ("Jahre", "Jahren")


def _richtung(p: float, auf: str, ab: str, gleich: str = "unverändert") -> str:
    r = round(float(p), 1)
    return auf if r > 0 else (ab if r < 0 else gleich)


def entwicklung_text(tab: pd.DataFrame, stadt: str, von: int, bis: int) -> str:
    """The city's population and its change since ``von``; fastest growing and shrinking districts."""
    c = tab[tab["stadtteil"] == STADT].iloc[0]
    diff, pct = c["veraenderung"], c["veraenderung_prozent"]
    if round(diff) == 0:
        vergleich = f"genauso viele wie am {fmt.stichtag(von)}"
    else:
        vergleich = (f"{fmt.zahl(abs(diff))} {'mehr' if diff > 0 else 'weniger'} als am {fmt.stichtag(von)} "
                     f"({fmt.vorzeichen(pct, 1)} %)")
    saetze = [f"Am {fmt.stichtag(bis)} lebten in {stadt} {fmt.zahl(c['wert_bis'])} Menschen mit Hauptwohnsitz, "
              f"{vergleich}."]
    t = tab[(tab["stadtteil"] != STADT) & ~tab["gesperrt"]].dropna(subset=["veraenderung_prozent"])
    if len(t) >= 2:
        t = t.sort_values("veraenderung_prozent")
        hoch, tief = t.iloc[-1], t.iloc[0]
        hoch_text = _richtung(hoch["veraenderung_prozent"], "am stärksten gewachsen", "am wenigsten geschrumpft",
                              "am günstigsten entwickelt")
        tief_text = _richtung(tief["veraenderung_prozent"], "am wenigsten gewachsen", "am stärksten geschrumpft",
                              "am ungünstigsten entwickelt")
        saetze.append(f"Seit dem {fmt.stichtag(von)} ist {hoch['stadtteil']} {hoch_text} "
                      f"({fmt.vorzeichen(hoch['veraenderung_prozent'], 1)} %), {tief['stadtteil']} {tief_text} "
                      f"({fmt.vorzeichen(tief['veraenderung_prozent'], 1)} %).")
        r = t["veraenderung_prozent"].round(1)
        auf, ab = int((r > 0).sum()), int((r < 0).sum())
        if auf == len(t) or ab == len(t):
            saetze.append(f"Die Einwohnerzahl ist in allen {fmt.zahl(len(t))} Stadtteilen "
                          f"{'gestiegen' if auf else 'gesunken'}.")
        else:
            saetze.append(f"Die Einwohnerzahl ist in {fmt.zahl(auf)} der {fmt.zahl(len(t))} Stadtteile gestiegen "
                          f"und in {fmt.zahl(ab) if ab else 'keinem'} gesunken.")
    return " ".join(saetze)


def altersstruktur_text(struktur: pd.DataFrame, gruppen: pd.DataFrame, stadt: str, von: int, bis: int,
                        jung_unter: int = 18, alt_ab: int = 65) -> str:
    """Shares of the young and the old in both years; the age groups that grew and shrank most."""
    saetze = []
    breit = struktur.pivot(index="jahr", columns="indikator", values="anteil")
    try:
        jung = anteil_summe(breit, gruppen, unter=jung_unter)
        alt = anteil_summe(breit, gruppen, von=alt_ab)
    except ValueError:  # the catalog's age groups do not end at these bounds
        jung = alt = None
    if jung is not None:
        saetze.append(
            f"Am {fmt.stichtag(bis)} waren in {stadt} {fmt.prozent(jung[bis])} der Einwohnerinnen und Einwohner "
            f"jünger als {jung_unter} Jahre und {fmt.prozent(alt[bis])} {alt_ab} Jahre oder älter "
            f"({fmt.stichtag(von)}: {fmt.prozent(jung[von])} und {fmt.prozent(alt[von])})."
        )
    ver = altersveraenderung(struktur, von, bis).dropna(subset=["veraenderung_prozent"])
    if len(ver) >= 2:
        ver = ver.sort_values("veraenderung_prozent")
        hoch, tief = ver.iloc[-1], ver.iloc[0]
        hoch_text = _richtung(hoch["veraenderung_prozent"], "am stärksten gestiegen", "am wenigsten gesunken")
        tief_text = _richtung(tief["veraenderung_prozent"], "am wenigsten gestiegen", "am stärksten gesunken")
        saetze.append(
            f"Seit dem {fmt.stichtag(von)} ist die Zahl der Menschen in der Altersgruppe „{hoch['titel']}“ "
            f"{hoch_text} ({fmt.vorzeichen(hoch['veraenderung_prozent'], 1)} %), in der Gruppe „{tief['titel']}“ "
            f"{tief_text} ({fmt.vorzeichen(tief['veraenderung_prozent'], 1)} %)."
        )
    return " ".join(saetze)


def altersgruppen_text(anteile: pd.DataFrame, gruppen: pd.DataFrame, jung_unter: int = 18,
                       alt_ab: int = 65) -> str:
    """The districts with the highest and lowest share of the young and of the old."""
    t = anteile[(anteile["stadtteil"] != STADT) & ~anteile["gesperrt"]].reset_index(drop=True)
    if len(t) < 2:
        return "Für einen Vergleich der Altersstruktur liegen zu wenige veröffentlichbare Stadtteilwerte vor."
    saetze = []
    for maske, beschreibung in (
        (dict(unter=jung_unter), f"junger Menschen unter {jung_unter} Jahren"),
        (dict(von=alt_ab), f"älterer Menschen ab {alt_ab} Jahren"),
    ):
        try:
            werte = anteil_summe(t, gruppen, **maske)
        except ValueError:
            continue
        hoch, tief = werte.idxmax(), werte.idxmin()
        saetze.append(
            f"Den höchsten Anteil {beschreibung} hat {t.loc[hoch, 'stadtteil']} ({fmt.prozent(werte[hoch])}), "
            f"den niedrigsten {t.loc[tief, 'stadtteil']} ({fmt.prozent(werte[tief])})."
        )
    return " ".join(saetze)


def salden_text(tab: pd.DataFrame, reihe_: pd.DataFrame, stadt: str, jahr: int) -> str:
    """Births, deaths and moves of the city in ``jahr``; districts with gains and losses;
    the sign of the city's balances over the years up to ``jahr``."""
    c = tab[tab["stadtteil"] == STADT].iloc[0]
    saetze = []
    if not c["natuerlich_gesperrt"]:
        saetze.append(
            f"Im Jahr {jahr} wurden in {stadt} {fmt.zahl(c['geburten'])} Kinder geboren, und "
            f"{fmt.zahl(c['sterbefaelle'])} Menschen starben; der natürliche Saldo betrug "
            f"{fmt.vorzeichen(c['natuerlich'], 0)} Personen ({fmt.vorzeichen(c['natuerlich_je_1000'], 1)} je "
            "1.000 Einwohnerinnen und Einwohner)."
        )
    if not c["wanderung_gesperrt"]:
        saetze.append(
            f"Den {fmt.zahl(c['zuzuege'])} Zuzügen standen {fmt.zahl(c['fortzuege'])} Fortzüge gegenüber; der "
            f"Wanderungssaldo lag bei {fmt.vorzeichen(c['wanderung'], 0)} Personen "
            f"({fmt.vorzeichen(c['wanderung_je_1000'], 1)} je 1.000)."
        )
    t = tab[tab["stadtteil"] != STADT]
    nat = t[~t["natuerlich_gesperrt"]]
    plus = nat.loc[nat["natuerlich"] > 0, "stadtteil"].tolist()
    if len(nat):
        if plus:
            saetze.append(f"Mehr Geburten als Sterbefälle hatte{'n' if len(plus) > 1 else ''} "
                          f"{fmt.aufzaehlung(plus)}.")
        else:
            saetze.append("In keinem Stadtteil gab es mehr Geburten als Sterbefälle.")
    w = t[~t["wanderung_gesperrt"]].dropna(subset=["wanderung_je_1000"]).sort_values("wanderung_je_1000")
    if len(w) >= 2:
        hoch, tief = w.iloc[-1], w.iloc[0]
        teil1 = (f"den höchsten Wanderungsgewinn je 1.000 Einwohnerinnen und Einwohner hatte {hoch['stadtteil']}"
                 if hoch["wanderung_je_1000"] > 0 else
                 f"den geringsten Wanderungsverlust je 1.000 Einwohnerinnen und Einwohner hatte {hoch['stadtteil']}")
        teil2 = (f"den höchsten Verlust {tief['stadtteil']}" if tief["wanderung_je_1000"] < 0 else
                 f"den geringsten Gewinn {tief['stadtteil']}")
        saetze.append(f"{teil1[0].upper() + teil1[1:]} ({fmt.vorzeichen(hoch['wanderung_je_1000'], 1)}), "
                      f"{teil2} ({fmt.vorzeichen(tief['wanderung_je_1000'], 1)}).")
    r = reihe_[reihe_["jahr"] <= jahr].dropna(subset=["natuerlich", "wanderung"])
    if len(r) >= 2:
        j0, j1 = int(r["jahr"].min()), int(r["jahr"].max())
        saetze.append(
            f"Von {j0} bis {j1} war der natürliche Saldo der Gesamtstadt "
            f"{_von(int((r['natuerlich'] < 0).sum()), len(r), JAHRE)} negativ, der Wanderungssaldo "
            f"{_von(int((r['wanderung'] > 0).sum()), len(r), JAHRE)} positiv."
        )
    return " ".join(saetze)


def quotienten_text(tab: pd.DataFrame, stadt: str, jahr: int, vergleich_jahr: int | None) -> str:
    """City dependency ratios and their change; districts with the highest ratios."""
    c = tab[tab["stadtteil"] == STADT].iloc[0]
    satz = (f"Am {fmt.stichtag(jahr)} lag der Jugendquotient in {stadt} bei {fmt.zahl(c['jung'], 1)}, der "
            f"Altenquotient bei {fmt.zahl(c['alt'], 1)}")
    if vergleich_jahr is not None and not np.isnan(c["jung_vorher"]):
        satz += (f" ({fmt.stichtag(vergleich_jahr)}: {fmt.zahl(c['jung_vorher'], 1)} und "
                 f"{fmt.zahl(c['alt_vorher'], 1)})")
    saetze = [satz + "."]
    t = tab[(tab["stadtteil"] != STADT) & ~tab["gesperrt"]].dropna(subset=["jung", "alt"])
    if len(t) >= 2:
        j, a = t.loc[t["jung"].idxmax()], t.loc[t["alt"].idxmax()]
        if j["stadtteil"] == a["stadtteil"]:
            saetze.append(f"{j['stadtteil']} hat sowohl den höchsten Jugendquotienten ({fmt.zahl(j['jung'], 1)}) "
                          f"als auch den höchsten Altenquotienten ({fmt.zahl(a['alt'], 1)}).")
        else:
            saetze.append(f"Den höchsten Jugendquotienten hat {j['stadtteil']} ({fmt.zahl(j['jung'], 1)}), "
                          f"den höchsten Altenquotienten {a['stadtteil']} ({fmt.zahl(a['alt'], 1)}).")
        mehr_alt = int((t["alt"] > t["jung"]).sum())
        satz = (f"{_von(mehr_alt, len(t), STADTTEILE)} kommen auf die Bevölkerung im Erwerbsalter mehr Ältere "
                "als Junge.")
        saetze.append(satz[0].upper() + satz[1:])
    return " ".join(saetze)


def haushalte_text(tab: pd.DataFrame, stadt: str, jahr: int) -> str:
    """City counts of households, households with children and single parents."""
    c = tab[tab["stadtteil"] == STADT].iloc[0]
    if c["gesperrt_kinder"] or c["gesperrt_allein"]:
        return ""
    return (f"Am {fmt.stichtag(jahr)} gab es in {stadt} {fmt.zahl(c['haushalte'])} private Haushalte, davon "
            f"{fmt.zahl(c['mit_kindern'])} mit minderjährigen Kindern ({fmt.prozent(c['anteil_mit_kindern'])}). "
            f"{fmt.zahl(c['alleinerziehend'])} dieser Haushalte waren Haushalte von Alleinerziehenden "
            f"({fmt.prozent(c['anteil_alleinerziehend'])} der Haushalte mit Kindern).")
