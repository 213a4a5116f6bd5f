"""One plotting style for the whole book.

- Okabe–Ito colours (safe for colour-blind readers), dark text for WCAG contrast.
- German tick labels (decimal comma, thousands point).
- The city value is always drawn the same way (:func:`stadt_linie`).
- Districts keep the order of ``stadtteile.csv`` unless a chart is sorted by value.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

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
    """Apply the book's matplotlib style (called by :func:`helpers.setup`)."""
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
):
    """Horizontal bars per district, sorted by value, with the city line.

    ``tab`` has columns ``stadtteil``, ``wert``, ``gesperrt``, ``unsicher``
    (as from :func:`helpers.tabellen.vergleich`). Suppressed districts appear
    with "•" instead of a bar; uncertain rates are drawn hatched.
    """
    daten = tab.sort_values("wert", ascending=True, na_position="first")
    fig, ax = plt.subplots(figsize=(7.0, 0.32 * len(daten) + 1.2))
    y = np.arange(len(daten))
    farben = [FARBE_AUFFAELLIG if s in hervorheben else FARBE_BALKEN for s in daten["stadtteil"]]
    werte = daten["wert"].fillna(0).to_numpy()
    bars = ax.barh(y, werte, color=farben, height=0.68, zorder=2)
    for bar, unsicher in zip(bars, daten["unsicher"].fillna(False)):
        if unsicher:
            bar.set_hatch("////")
            bar.set_alpha(0.55)
    stellen = fmt.stellen_fuer(einheit)
    for yi, (_, row) in zip(y, daten.iterrows()):
        if row["gesperrt"]:
            label = f"{fmt.GESPERRT} gesperrt"
        elif pd.isna(row["wert"]):
            label = fmt.FEHLT
        else:
            label = fmt.zahl(row["wert"], stellen) + (fmt.UNSICHER if row["unsicher"] else "")
        ax.annotate(label, xy=(max(row["wert"], 0) if pd.notna(row["wert"]) else 0, yi),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=8.5,
                    color=FARBE_TEXT, zorder=5,
                    # white box: the dashed city line must not cross the value label
                    bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none"))
    ax.set_yticks(y, daten["stadtteil"])
    ax.set_ylim(-0.6, len(daten) - 0.4)
    ax.margins(x=0.12)
    stadt_linie(ax, stadtwert, stadt_text)
    deutsche_achse(ax, "x")
    if einheit:
        ax.set_xlabel(einheit)
    if titel:
        ax.set_title(titel)
    fig.tight_layout()
    return fig


def trend_linien(
    reihen: pd.DataFrame,
    einheit: str = "",
    titel: str | None = None,
    hervorheben: Sequence[str] = (),
):
    """Lines over the years: the city in black, highlighted districts in colour, the rest grey.

    ``reihen`` is long: ``stadtteil``, ``jahr``, ``wert`` (city rows named "Gesamtstadt").
    """
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    farben = dict(zip(hervorheben, PALETTE))
    for name, g in reihen.groupby("stadtteil", sort=False):
        g = g.sort_values("jahr")
        if name == "Gesamtstadt":
            ax.plot(g["jahr"], g["wert"], color=FARBE_STADT, linewidth=2.6, label=name, zorder=4)
        elif name in farben:
            ax.plot(g["jahr"], g["wert"], color=farben[name], linewidth=1.8, marker="o",
                    markersize=3, label=name, zorder=3)
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


def stadtteil_farben(namen: Sequence[str]) -> dict[str, str]:
    """A stable colour per district, in the order given (stadtteile.csv order)."""
    farben = PALETTE + ["#7F7F7F", "#8C564B", "#17BECF", "#9467BD"]
    return {n: farben[i % len(farben)] for i, n in enumerate(namen)}
