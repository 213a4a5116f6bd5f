"""One plotting style for the whole book.

- Okabe–Ito colours (safe for colour-blind readers), dark text for WCAG contrast.
- German tick labels (decimal comma, thousands point).
- The city value is always drawn the same way (:func:`stadt_linie`).
- Bars start at zero (:func:`nullpunkt`, applied to every figure a notebook shows).
- Districts keep the order of ``stadtteile.csv`` unless a chart is sorted by value, and a
  highlighted district keeps one colour and marker in every chart (:func:`stadtteil_stile`).
- Charts adapt to the number of districts by the rules of :mod:`helpers.darstellung`
  (``regeln/darstellung.yml``): no figure is taller than a page, and above a threshold a
  chart shows the distribution of all districts and labels only the extremes.
- seaborn draws the statistical graphics (heatmaps, scatter plots, distributions, small
  multiples) on the same matplotlib rc: :func:`stil` is the only place a look is set.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from helpers import darstellung
from helpers import format as fmt

# Okabe & Ito (2008), "Color Universal Design".
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FARBE_BALKEN = "#0072B2"
FARBE_AUFFAELLIG = "#D55E00"
FARBE_STADT = "#222222"
FARBE_GRAU = "#B8B8B8"
FARBE_TEXT = "#222222"

RC = {
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 110,
    "savefig.dpi": 200,
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelcolor": FARBE_TEXT,
    "axes.edgecolor": "#555555",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "x",
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.8,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "xtick.color": FARBE_TEXT,
    "ytick.color": FARBE_TEXT,
    "legend.frameon": False,
    "svg.hashsalt": "sozialbericht",  # deterministic ids in SVG output
    "pdf.compression": 6,
}


def stil() -> None:
    """Apply the book's style (called by :func:`helpers.setup`).

    seaborn reads matplotlib's rc, so setting :data:`RC` once gives seaborn charts the same
    look; :func:`seaborn.set_theme` is not called, because its themes would replace fonts,
    sizes and grid of the book style. The palette is the same Okabe–Ito cycle.
    """
    mpl.rcParams.update(RC)


def deutsch(x, _pos=None, stellen: int = 0) -> str:
    return fmt.zahl(x, stellen)


def noetige_stellen(werte, hoechstens: int = 3) -> int:
    """The fewest decimals that show every value exactly (up to ``hoechstens``)."""
    for n in range(hoechstens + 1):
        if all(abs(w * 10**n - round(w * 10**n)) < 1e-6 for w in werte):
            return n
    return hoechstens


def deutsche_achse(ax, achse: str = "y", stellen: int | None = None) -> None:
    """German tick labels on one axis (``"x"``, ``"y"`` or ``"xy"``)."""

    def formatter(axis):
        if stellen is not None:
            return FuncFormatter(lambda x, p: fmt.zahl(x, stellen))
        # as many decimals as the tick values need (2,5-steps need one, 0,25-steps two)
        def f(x, p):
            return fmt.zahl(x, noetige_stellen(axis.get_majorticklocs()))

        return FuncFormatter(f)

    if "x" in achse:
        ax.xaxis.set_major_formatter(formatter(ax.xaxis))
    if "y" in achse:
        ax.yaxis.set_major_formatter(formatter(ax.yaxis))


def stadt_linie(ax, wert: float, text: str = "Gesamtstadt", vertikal: bool = True) -> None:
    """The city reference line, styled the same in every chart."""
    if wert is None or np.isnan(wert):
        return
    kw = dict(color=FARBE_STADT, linestyle="--", linewidth=1.3, zorder=3)
    if vertikal:
        ax.axvline(wert, **kw)
        ax.annotate(text, xy=(wert, 1.0), xycoords=("data", "axes fraction"), xytext=(3, 2),
                    textcoords="offset points", fontsize=8.5, color=FARBE_STADT, va="bottom")
    else:
        ax.axhline(wert, **kw)
        ax.annotate(text, xy=(1.0, wert), xycoords=("axes fraction", "data"), xytext=(-2, 3),
                    textcoords="offset points", fontsize=8.5, color=FARBE_STADT, ha="right")


def balken_stadtteile(
    tab: pd.DataFrame,
    stadtwert: float,
    einheit: str = "",
    titel: str | None = None,
    hervorheben: Sequence[str] = (),
    stadt_text: str = "Gesamtstadt",
    intervall: tuple[str, str] | None = None,
):
    """Horizontal bars per district, sorted by value, with the city line.

    ``tab`` has columns ``stadtteil``, ``wert``, ``gesperrt``, ``unsicher``
    (as from :func:`helpers.tabellen.vergleich`). Suppressed districts appear
    with "•" instead of a bar; uncertain rates are drawn hatched. ``intervall`` names
    two columns of ``tab`` (lower, upper bound) drawn as error bars.
    Above ``balken_bis`` districts (``regeln/darstellung.yml``) the chart becomes
    :func:`punkte_auswahl`.
    """
    if len(tab) > darstellung.regeln().balken_bis:
        return punkte_auswahl(tab, stadtwert, einheit, titel, stadt_text, intervall)
    daten = tab.sort_values("wert", ascending=True, na_position="first")
    fig, ax = plt.subplots(figsize=(7.0, darstellung.hoehe(len(daten), 0.32, 1.2)))
    y = np.arange(len(daten))
    farben = [FARBE_AUFFAELLIG if s in hervorheben else FARBE_BALKEN for s in daten["stadtteil"]]
    werte = daten["wert"].fillna(0).to_numpy()
    bars = ax.barh(y, werte, color=farben, height=0.68, zorder=2)
    for bar, unsicher in zip(bars, daten["unsicher"].fillna(False)):
        if unsicher:
            bar.set_hatch("////")
            bar.set_alpha(0.55)
    if intervall is not None:
        _fehlerbalken(ax, daten, y, intervall)
    stellen = fmt.stellen_fuer(einheit)
    for yi, (_, row) in zip(y, daten.iterrows()):
        ende = max(row["wert"], 0) if pd.notna(row["wert"]) else 0
        if intervall is not None and pd.notna(row[intervall[1]]):
            ende = max(ende, row[intervall[1]])  # the label must not cover the interval's whisker
        ax.annotate(_wert_text(row, stellen),
                    xy=(ende, yi),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=8.5,
                    color=FARBE_TEXT, zorder=5,
                    # white box: the dashed city line must not cross the value label
                    bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none"))
    ax.set_yticks(y, daten["stadtteil"])
    ax.set_ylim(-0.6, len(daten) - 0.4)
    ax.margins(x=0.12)
    stadt_linie(ax, stadtwert, stadt_text)
    deutsche_achse(ax, "x")
    ax.set_xlabel(achsentext(einheit, intervall is not None))
    if titel:
        ax.set_title(titel)
    fig.tight_layout()
    return fig


def achsentext(einheit: str, mit_intervall: bool) -> str:
    """The x axis label; says what the error bars are, so that no legend is needed."""
    if not mit_intervall:
        return einheit
    return f"{einheit} (Linien: 95-%-Intervall nach Wilson)".strip()


def _wert_text(row, stellen: int) -> str:
    if row["gesperrt"]:
        return f"{fmt.GESPERRT} gesperrt"
    if pd.isna(row["wert"]):
        return fmt.FEHLT
    return fmt.zahl(row["wert"], stellen) + (fmt.UNSICHER if row.get("unsicher", False) else "")


def _fehlerbalken(ax, daten: pd.DataFrame, y, intervall: tuple[str, str]) -> None:
    unten, oben = (daten[c].to_numpy(dtype=float) for c in intervall)
    mitte = daten["wert"].to_numpy(dtype=float)
    ok = ~(np.isnan(unten) | np.isnan(oben) | np.isnan(mitte))
    ax.errorbar(mitte[ok], np.asarray(y)[ok], xerr=[mitte[ok] - unten[ok], oben[ok] - mitte[ok]], fmt="none",
                ecolor=FARBE_STADT, elinewidth=0.9, capsize=2, zorder=4)


def punkte_auswahl(
    tab: pd.DataFrame,
    stadtwert: float,
    einheit: str = "",
    titel: str | None = None,
    stadt_text: str = "Gesamtstadt",
    intervall: tuple[str, str] | None = None,
    n: int | None = None,
):
    """The district comparison for many districts: the distribution and the extremes.

    Top: every published district value as a point (seaborn strip plot) with the city
    line, so the spread of all districts stays visible. Below: the ``n`` districts with the
    highest and the ``n`` with the lowest values as a labelled dot plot (``n`` from
    ``auswahl_abbildung`` in ``regeln/darstellung.yml``). The full list is in the table.
    """
    import seaborn as sns

    n = n or darstellung.regeln().auswahl_abbildung
    offen = ~tab["gesperrt"].astype(bool) & tab["wert"].notna()
    wahl, rest = darstellung.auswahl(tab, "wert", n, offen)
    zeilen = len(wahl) + (1 if rest else 0)
    hoehe = darstellung.hoehe(zeilen, 0.25, 2.6)
    fig, (oben, unten) = plt.subplots(2, 1, figsize=(7.0, hoehe), sharex=True,
                                      gridspec_kw={"height_ratios": [1.1, hoehe - 2.2], "hspace": 0.08})
    alle = tab.loc[offen, "wert"].astype(float)
    zustand = np.random.get_state()  # seaborn jitters with numpy's global generator: same chart every run
    np.random.seed(20181231)
    try:
        sns.stripplot(x=alle.to_numpy(), ax=oben, orient="h", color=FARBE_GRAU, size=3.2, jitter=0.3,
                      alpha=0.85, zorder=2)
    finally:
        np.random.set_state(zustand)
    gewaehlt = set(wahl["stadtteil"])
    extrem = tab.loc[offen & tab["stadtteil"].isin(gewaehlt), "wert"].astype(float)
    oben.scatter(extrem, np.zeros(len(extrem)), s=14, color=FARBE_AUFFAELLIG, zorder=3)
    oben.set_yticks([0], [f"alle {fmt.zahl(int(offen.sum()))} Stadtteile"])
    oben.set_ylim(0.5, -0.5)
    gesperrt = int(tab["gesperrt"].astype(bool).sum())
    if gesperrt:
        oben.annotate(f"{fmt.GESPERRT} {fmt.zahl(gesperrt)} gesperrt", xy=(1.0, 0.02), xycoords="axes fraction",
                      ha="right", va="bottom", fontsize=7.5, color=FARBE_TEXT)
    stadt_linie(oben, stadtwert, stadt_text)
    if titel:
        oben.set_title(titel, pad=14)
    # the extremes: highest on top, a gap row between the two groups
    y = np.arange(len(wahl), dtype=float)
    if rest:
        y[n:] += 1
    farben = [FARBE_AUFFAELLIG if d > 0 else FARBE_BALKEN for d in (wahl["wert"] - stadtwert)]
    unten.hlines(y, stadtwert, wahl["wert"], color=farben, linewidth=1.2, zorder=2)
    # uncertain rates (small denominator) as hollow points
    fuellung = ["white" if u else f for u, f in zip(wahl["unsicher"].fillna(False), farben)]
    unten.scatter(wahl["wert"], y, facecolors=fuellung, edgecolors=farben, s=30, linewidths=1.2, zorder=3)
    if intervall is not None:
        _fehlerbalken(unten, wahl, y, intervall)
    stellen = fmt.stellen_fuer(einheit)
    for yi, (_, row) in zip(y, wahl.iterrows()):
        rechts = row["wert"] >= stadtwert
        unten.annotate(_wert_text(row, stellen), xy=(row["wert"], yi), xytext=(5 if rechts else -5, 0),
                       textcoords="offset points", va="center", ha="left" if rechts else "right",
                       fontsize=8, color=FARBE_TEXT, zorder=5,
                       bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none"))
    unten.set_yticks(y, wahl["stadtteil"], fontsize=8)
    if rest:
        unten.annotate(f"… {fmt.zahl(rest)} weitere Stadtteile …", xy=(0.5, n), xycoords=("axes fraction", "data"),
                       ha="center", va="center", fontsize=8, color=FARBE_TEXT, style="italic", zorder=6,
                       bbox=dict(boxstyle="square,pad=0.2", facecolor="white", edgecolor="none"))
    unten.set_ylim(y.max() + 0.7, -0.7)
    unten.margins(x=0.14)
    stadt_linie(unten, stadtwert, "")
    deutsche_achse(unten, "x")
    unten.set_xlabel(achsentext(einheit, intervall is not None))
    unten.annotate(f"die {darstellung.zahlwort(n)} höchsten und niedrigsten Werte", xy=(0, 1), xycoords="axes fraction",
                   xytext=(0, 3), textcoords="offset points", fontsize=8, color=FARBE_TEXT, va="bottom")
    fig.subplots_adjust(left=0.24, right=0.97, top=1 - 0.45 / hoehe, bottom=0.55 / hoehe)
    return fig


def kuerzen(t: pd.DataFrame, spalte: str, absteigend: bool = True) -> tuple[pd.DataFrame, int]:
    """Rows of a one-row-per-district chart: all up to ``balken_bis`` districts, else the
    ``auswahl_abbildung`` highest and lowest by ``spalte`` (``regeln/darstellung.yml``).

    Returns the rows (descending, or ascending with ``absteigend=False``) and how many
    districts were left out (rows without a value included).
    """
    r = darstellung.regeln()
    if len(t) <= r.balken_bis:
        return t, 0
    wahl, rest = darstellung.auswahl(t, spalte, r.auswahl_abbildung)
    rest += int(t[spalte].isna().sum())
    return (wahl if absteigend else wahl.iloc[::-1]), rest


def positionen(n_zeilen: int, rest: int) -> np.ndarray:
    """Row positions 0, 1, … with one free row after the first group when rows were left out."""
    y = np.arange(n_zeilen, dtype=float)
    if rest:
        y[darstellung.regeln().auswahl_abbildung:] += 1
    return y


def luecke_markieren(ax, y: float, rest: int) -> None:
    """The note "… N weitere Stadtteile …" in the free row ``y`` of a shortened chart."""
    ax.annotate(f"… {fmt.zahl(rest)} weitere Stadtteile …", xy=(0.5, y), xycoords=("axes fraction", "data"),
                ha="center", va="center", fontsize=8, style="italic", color=FARBE_TEXT, zorder=6,
                bbox=dict(boxstyle="square,pad=0.2", facecolor="white", edgecolor="none"))


def stadtteile_begrenzen(tab: pd.DataFrame, schluessel: pd.Series, spalte: str = "stadtteil",
                         stadt: str = "Gesamtstadt", n: int | None = None) -> tuple[pd.DataFrame, int]:
    """``tab`` restricted to the districts with the highest and lowest ``schluessel`` (index: district).

    For charts with one row (or bar group) per district that cannot switch to
    :func:`punkte_auswahl`: up to ``balken_bis`` districts nothing changes; above, the
    ``auswahl_abbildung`` highest and lowest stay (rows of the city always stay). Returns the
    rows and the number of districts left out; :func:`auswahl_hinweis` says so on the figure.
    """
    r = darstellung.regeln()
    namen = [n for n in dict.fromkeys(tab[spalte]) if n != stadt]
    if len(namen) <= r.balken_bis:
        return tab, 0
    k = pd.Series(schluessel, dtype=float).reindex(namen).dropna().sort_values(ascending=False, kind="stable")
    n = n or r.auswahl_abbildung
    behalten = set(k.index[:n]) | set(k.index[-n:]) if len(k) > 2 * n else set(k.index)
    return tab[tab[spalte].isin(behalten) | (tab[spalte] == stadt)], len(namen) - len(behalten)


def auswahl_hinweis(fig, rest: int, was: str, n: int | None = None) -> None:
    """Under the figure: which districts a shortened chart shows (``was``: by which value)."""
    if not rest:
        return
    n = darstellung.zahlwort(n or darstellung.regeln().auswahl_abbildung)
    # below the canvas: the notebook saves with bbox_inches="tight", so the note is kept
    text = (f"Gezeigt: die {n} Stadtteile mit den höchsten und die {n} mit den niedrigsten Werten {was}; "
            f"{fmt.zahl(rest)} weitere Stadtteile nicht gezeigt (alle Werte: Downloads im Anhang).")
    fig.text(0.01, -0.005, textwrap.fill(text, int(fig.get_figwidth() * 16)),
             ha="left", va="top", fontsize=7.5, style="italic", color=FARBE_TEXT)


# One look per district for the whole book: the colour (Okabe–Ito without the city's black
# and the low-contrast yellow) and a marker, so that six colours give 36 distinct looks and
# a highlighted district is the same line in every chart, whichever others are highlighted.
FARBEN_STADTTEIL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
MARKER_STADTTEIL = ["o", "s", "^", "D", "v", "P"]


def stadtteil_stile(register: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker per district, fixed by its place in the register (stadtteile.csv).

    The k-th district gets colour ``k mod 6`` and marker ``(k div 6) mod 6``: unique for
    up to 36 districts; larger cities repeat looks (see :func:`trend_linien`).
    """
    n, m = len(FARBEN_STADTTEIL), len(MARKER_STADTTEIL)
    return {name: (FARBEN_STADTTEIL[k % n], MARKER_STADTTEIL[(k // n) % m]) for k, name in enumerate(register)}


def _stile_fuer(hervorheben: Sequence[str], stile: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The register looks of the highlighted districts; a look already taken in this chart
    (only possible beyond 36 districts) gives way to the next free one, so lines stay apart."""
    alle = [(f, mk) for mk in MARKER_STADTTEIL for f in FARBEN_STADTTEIL]
    vergeben: dict[str, tuple[str, str]] = {}
    for name in hervorheben:
        stil = stile.get(name) or alle[len(vergeben) % len(alle)]
        if stil in vergeben.values():
            stil = next((s for s in alle if s not in vergeben.values()), stil)
        vergeben[name] = stil
    return vergeben


def nullpunkt(fig) -> None:
    """Bar charts start at zero: every axes with bars gets its value axis extended to 0.

    Applied to each figure when a notebook shows it (:func:`helpers.setup`), so no chart
    helper can cut a bar's length by an axis that starts above zero. Divergent bars
    (negative and positive) already contain zero; inverted axes stay inverted.
    """
    from matplotlib.container import BarContainer

    for ax in fig.axes:
        for c in ax.containers:
            if not isinstance(c, BarContainer) or not len(c):
                continue
            horizontal = getattr(c, "orientation", None) == "horizontal"
            get, set_ = (ax.get_xlim, ax.set_xlim) if horizontal else (ax.get_ylim, ax.set_ylim)
            a, b = get()
            lo, hi = min(a, b), max(a, b)
            if lo <= 0 <= hi:
                continue
            lo, hi = (0.0, hi) if lo > 0 else (lo, 0.0)
            set_((hi, lo) if a > b else (lo, hi))


def trend_linien(
    reihen: pd.DataFrame,
    einheit: str = "",
    titel: str | None = None,
    hervorheben: Sequence[str] = (),
    register: Sequence[str] | None = None,
):
    """Lines over the years: the city in black, highlighted districts in colour, the rest grey.

    ``reihen`` is long: ``stadtteil``, ``jahr``, ``wert`` (city rows named "Gesamtstadt").
    ``register`` is the district order of stadtteile.csv; it fixes each district's colour
    and marker (:func:`stadtteil_stile`) so that a district looks the same in every chart.
    Without it the order of ``reihen`` is used.
    """
    if register is None:
        register = [n for n in dict.fromkeys(reihen["stadtteil"]) if n != "Gesamtstadt"]
    stile = _stile_fuer(hervorheben, stadtteil_stile(register))
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    for name, g in reihen.groupby("stadtteil", sort=False):
        g = g.sort_values("jahr")
        if name == "Gesamtstadt":
            ax.plot(g["jahr"], g["wert"], color=FARBE_STADT, linewidth=2.6, label=name, zorder=4)
        elif name in stile:
            farbe, marker = stile[name]
            ax.plot(g["jahr"], g["wert"], color=farbe, linewidth=1.8, marker=marker,
                    markersize=3.5, label=name, zorder=3)
        else:
            ax.plot(g["jahr"], g["wert"], color=FARBE_GRAU, linewidth=0.9, zorder=1)
    if len(reihen["stadtteil"].unique()) > len(hervorheben) + 1:
        ax.plot([], [], color=FARBE_GRAU, linewidth=0.9, label="übrige Stadtteile")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y")
    ax.grid(axis="x", visible=False)
    deutsche_achse(ax, "y")
    if einheit:
        ax.set_ylabel(einheit)
    if titel:
        ax.set_title(titel)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8.5)
    fig.tight_layout()
    return fig
