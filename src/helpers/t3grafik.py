"""Charts of Teil III and IV (district comparison, social index, correlations, needs, targets).

Built on the book style of :mod:`helpers.grafik` (Okabe–Ito colours, German tick
labels). Every function returns a matplotlib figure and takes prepared tables from
the analysis modules; nothing here computes results. Heatmaps and scatter plots are
drawn with seaborn (on the same style); every chart follows the district-count rules of
:mod:`helpers.darstellung` (page height, labels and annotations only where they stay legible).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap, TwoSlopeNorm
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

import seaborn as sns

from helpers import darstellung
from helpers import format as fmt
from helpers import grafik

# Diverging map for "more favourable ↔ less favourable than the city": blue ↔ vermillion
# (both ends distinguishable with the common colour-vision deficiencies).
KARTE_ABWEICHUNG = "RdBu_r"
KLASSEN_FARBEN = {"hoch": "#0072B2", "mittel": "#B8B8B8", "niedrig": "#E69F00", "sehr niedrig": "#D55E00",
                  "keine Angabe": "#FFFFFF"}
STATUS_FARBEN = {"erreicht": "#009E73", "auf Kurs": "#0072B2", "knapp dahinter": "#E69F00",
                 "nicht auf Kurs": "#D55E00",
                 "Ausgangsjahr": "#B8B8B8", "keine Angabe": "#FFFFFF"}


def _textfarbe(wert: float, grenze: float) -> str:
    return "white" if abs(wert) > 0.6 * grenze else grafik.FARBE_TEXT


def abweichungs_heatmap(zmatrix: pd.DataFrame, beschriftung: Mapping[str, str], grenze: float = 2.5):
    """Heatmap of directed z-values: indicators in rows, districts in columns (order as given).

    Positive = less favourable than the city (red), negative = more favourable (blue).
    Missing (suppressed) cells are hatched and marked "•". Up to ``heatmap_zahlen_bis``
    districts each cell carries its value; with more than ``heatmap_max`` districts the
    heatmap shows the first and last ``heatmap_max / 2`` columns (in the order of
    :func:`helpers.vergleich.ordnung`: the least and the most favourable districts) with a
    gap column between them (``regeln/darstellung.yml``).
    """
    r = darstellung.regeln()
    n_z, n_s = zmatrix.shape
    weggelassen = 0
    if n_s > r.heatmap_max:
        k = r.heatmap_max // 2
        weggelassen = n_s - 2 * k
        luecke = pd.DataFrame({f"… {fmt.zahl(weggelassen)} weitere …": np.nan}, index=zmatrix.index)
        zmatrix = pd.concat([zmatrix.iloc[:, :k], luecke, zmatrix.iloc[:, -k:]], axis=1)
        n_s = zmatrix.shape[1]
    zahlen = n_s <= r.heatmap_zahlen_bis
    spalten_namen = [str(c) for c in zmatrix.columns]
    unten = 0.085 * max(len(c) for c in spalten_namen) + 0.4  # room for the rotated district names
    fig, ax = plt.subplots(figsize=(7.2, darstellung.hoehe(n_z, 0.3, 1.5 + unten)))
    werte = zmatrix.to_numpy(dtype=float)
    beschriftung_zellen = np.array([[fmt.zahl(w, 1) if not np.isnan(w) else "" for w in zeile] for zeile in werte])
    sns.heatmap(np.clip(werte, -grenze, grenze), ax=ax, cmap=KARTE_ABWEICHUNG, center=0, vmin=-grenze, vmax=grenze,
                annot=beschriftung_zellen if zahlen else False, fmt="", annot_kws={"fontsize": 6.8},
                cbar_kws={"shrink": 0.6, "pad": 0.02, "aspect": 30}, xticklabels=False, yticklabels=False)
    gap = weggelassen and r.heatmap_max // 2
    for i in range(n_z):
        for j in range(n_s):
            if np.isnan(werte[i, j]) and not (weggelassen and j == gap):
                ax.add_patch(Rectangle((j, i), 1, 1, fill=False, hatch="///", edgecolor="#999999", lw=0))
                if zahlen:
                    ax.text(j + 0.5, i + 0.5, fmt.GESPERRT, ha="center", va="center", fontsize=8,
                            color=grafik.FARBE_TEXT)
    schrift = 8 if n_s <= 30 else max(r.schrift_min_pt, 7)
    ax.set_xticks(np.arange(n_s) + 0.5, spalten_namen, rotation=45 if zahlen else 90,
                  ha="right" if zahlen else "center", rotation_mode="anchor" if zahlen else "default",
                  fontsize=schrift)
    if weggelassen:
        ax.get_xticklabels()[gap].set_style("italic")
    ax.set_yticks(np.arange(n_z) + 0.5, [beschriftung.get(c, c) for c in zmatrix.index], fontsize=8, rotation=0)
    ax.tick_params(length=0)
    ax.grid(False)
    leiste = ax.collections[0].colorbar
    leiste.set_label("← günstiger   z   ungünstiger →", fontsize=8)
    leiste.ax.tick_params(labelsize=7.5)
    leiste.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda x, p: fmt.zahl(x, 0)))
    if not zahlen:
        k = darstellung.zahlwort(r.heatmap_max // 2)
        ax.set_title(textwrap.fill(
            (f"Gezeigt: links die {k} Stadtteile mit der im Mittel ungünstigsten, rechts die {k} mit der "
             f"günstigsten Lage. " if weggelassen else "") + "Alle Werte stehen in den Downloads.", 90),
            fontsize=7.5, fontweight="normal", loc="left")
    fig.tight_layout()
    return fig


def index_balken(index: pd.DataFrame, klassen: Sequence[Mapping], spalte: str = "index",
                 klasse: str = "klasse", xlabel: str = "Statusindex (Standardabweichungen)"):
    """Horizontal bars of the index per district, sorted, coloured by class, with class thresholds."""
    t = index.sort_values(spalte, ascending=True, na_position="first")
    t, rest = grafik.kuerzen(t, spalte, absteigend=False)
    fig, ax = plt.subplots(figsize=(7.0, darstellung.hoehe(len(t) + bool(rest), 0.34, 1.5)))
    y = np.arange(len(t), dtype=float)
    if rest:
        n = darstellung.regeln().auswahl_abbildung
        y[n:] += 1
        grafik.luecke_markieren(ax, n, rest)
    farben = [KLASSEN_FARBEN.get(k, "#7F7F7F") for k in t[klasse]]
    ax.barh(y, t[spalte].fillna(0), color=farben, edgecolor="#555555", linewidth=0.5, height=0.7, zorder=2)
    for yi, (w, k) in zip(y, zip(t[spalte], t[klasse])):
        text = fmt.FEHLT if pd.isna(w) else fmt.vorzeichen(w, 2)
        ax.annotate(text, xy=(0 if pd.isna(w) else w, yi), xytext=(4 if (pd.isna(w) or w >= 0) else -4, 0),
                    textcoords="offset points", va="center", ha="left" if (pd.isna(w) or w >= 0) else "right",
                    fontsize=8)
    for k in klassen[:-1]:
        ax.axvline(k["bis"], color=grafik.FARBE_STADT, linestyle=":", linewidth=1)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(y, t["stadtteil"])
    ax.set_xlabel(xlabel)
    ax.margins(x=0.15)
    grafik.deutsche_achse(ax, "x", 1)
    namen = [k["klasse"] for k in klassen]
    ax.legend(handles=[Patch(facecolor=KLASSEN_FARBEN.get(n, "#7F7F7F"), edgecolor="#555555", label=n) for n in namen],
              loc="lower right", fontsize=8, title="Klasse", title_fontsize=8)
    fig.tight_layout()
    return fig


def status_dynamik(index: pd.DataFrame, status_klassen: Sequence[Mapping], dynamik_klassen: Sequence[Mapping]):
    """Scatter of status index against dynamics index, class thresholds as lines, districts labelled."""
    t = index.dropna(subset=["index", "dynamik_index"])
    fig, ax = plt.subplots(figsize=(7.0, 5.0))
    ax.scatter(t["index"], t["dynamik_index"], s=40, color=[KLASSEN_FARBEN.get(k, "#7F7F7F") for k in t["klasse"]],
               edgecolor="#333333", linewidth=0.6, zorder=3)
    beschriften_ohne_ueberlappung(ax, t["index"].to_numpy(float), t["dynamik_index"].to_numpy(float),
                                  t["stadtteil"].tolist(), nur=auffaellige_punkte(t["index"], t["dynamik_index"]))
    for k in status_klassen[:-1]:
        ax.axvline(k["bis"], color="#777777", linestyle=":", linewidth=1)
    for k in dynamik_klassen[:-1]:
        ax.axhline(k["bis"], color="#777777", linestyle=":", linewidth=1)
    ax.set_xlabel("Statusindex (höher = niedrigerer sozialer Status)")
    ax.set_ylabel("Dynamikindex (höher = ungünstigere Entwicklung)")
    ax.grid(True, axis="both")
    grafik.deutsche_achse(ax, "xy", 1)
    ax.margins(0.15)
    fig.tight_layout()
    return fig


def rangspannen(sens: pd.DataFrame, robust: pd.DataFrame):
    """Rank of each district under every sensitivity variant: base rank as a dot, range as a line."""
    r = robust.sort_values("rang_basis")
    # a district without an index has no base rank (NA): as NaN it is simply not drawn
    r = r.assign(**{c: r[c].astype(float) for c in ("rang_basis", "rang_min", "rang_max")})
    r, rest = grafik.kuerzen(r, "rang_basis", absteigend=False)
    fig, ax = plt.subplots(figsize=(7.0, darstellung.hoehe(len(r) + bool(rest), 0.36, 1.6)))
    ypos = np.arange(len(r), dtype=float)
    if rest:
        ypos[darstellung.regeln().auswahl_abbildung:] += 1
        grafik.luecke_markieren(ax, darstellung.regeln().auswahl_abbildung, rest)
    for y, (_, z) in zip(ypos, r.iterrows()):
        g = sens[sens["stadtteil"] == z["stadtteil"]]
        farbe = grafik.FARBE_BALKEN if z["robust"] else grafik.FARBE_AUFFAELLIG
        ax.plot([z["rang_min"], z["rang_max"]], [y, y], color=farbe, linewidth=2.2, alpha=0.6, zorder=2)
        ax.scatter(g["rang"].astype(float), [y] * len(g), s=14, color=farbe, alpha=0.5, zorder=3)
        ax.scatter([z["rang_basis"]], [y], s=55, color=farbe, edgecolor="black", zorder=4)
    ax.set_yticks(ypos, r["stadtteil"])
    ax.invert_yaxis()
    n = int(sens["rang"].max())
    ax.set_xticks(range(1, n + 1) if n <= 20 else np.unique(np.linspace(1, n, 8).round().astype(int)))
    ax.set_xlim(0.5, n + 0.5)
    ax.set_xlabel("Rang im Statusindex (1 = niedrigster Status)")
    ax.legend(handles=[
        Line2D([], [], marker="o", color=grafik.FARBE_BALKEN, markeredgecolor="black", label="Klasse in allen Varianten gleich"),
        Line2D([], [], marker="o", color=grafik.FARBE_AUFFAELLIG, markeredgecolor="black", label="Klasse wechselt"),
    ], loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8)
    fig.tight_layout()
    return fig


def korrelations_heatmap(k: pd.DataFrame, zeilen: Sequence[str], spalten: Sequence[str],
                         beschriftung: Mapping[str, str], methode: str = "pearson"):
    """Education (rows) × poverty (columns) correlations with 95 % intervals (seaborn heatmap).

    Solid frame: p (Holm) < 0,05; dashed frame: only p (Benjamini–Hochberg) < 0,05.
    """
    t = k[k["methode"] == methode].set_index(["x", "y"])
    fig, ax = plt.subplots(figsize=(1.9 * len(spalten) + 2.6, darstellung.hoehe(len(zeilen), 0.95, 1.8)))
    r = np.array([[t.loc[(a, b), "r"] for b in spalten] for a in zeilen], dtype=float)
    sns.heatmap(r, ax=ax, cmap="PuOr_r", vmin=-1, vmax=1, cbar_kws={"shrink": 0.8, "pad": 0.02},
                xticklabels=False, yticklabels=False)
    # seaborn's cell (i, j) spans [j, j+1] × [i, i+1]: annotations sit at the centre (j + 0,5, i + 0,5)
    for i, a in enumerate(zeilen):
        for j, b in enumerate(spalten):
            z = t.loc[(a, b)]
            x0, y0 = j + 0.5, i + 0.5
            if np.isnan(z["r"]):
                ax.add_patch(Rectangle((j, i), 1, 1, fill=False, hatch="///", edgecolor="#999999", lw=0))
                ax.text(x0, y0, f"nicht auswertbar\n(n = {int(z['n'])})", ha="center", va="center", fontsize=7.5,
                        color=grafik.FARBE_TEXT, bbox=dict(facecolor="white", edgecolor="none", pad=1.5))
                continue
            farbe = "white" if abs(z["r"]) > 0.6 else grafik.FARBE_TEXT
            ax.text(x0, y0 - 0.12, fmt.zahl(z["r"], 2), ha="center", va="center", fontsize=10, fontweight="bold",
                    color=farbe)
            ax.text(x0, y0 + 0.22, f"[{fmt.zahl(z['ci_unten'], 2)}; {fmt.zahl(z['ci_oben'], 2)}]", ha="center",
                    va="center", fontsize=7.5, color=farbe)
            if z["p_holm"] < 0.05:
                ax.add_patch(Rectangle((j + 0.03, i + 0.03), 0.94, 0.94, fill=False, lw=2.4, ec="black"))
            elif z["p_bh"] < 0.05:
                ax.add_patch(Rectangle((j + 0.03, i + 0.03), 0.94, 0.94, fill=False, lw=1.6, ec="black", ls="--"))
    ax.set_xticks(np.arange(len(spalten)) + 0.5, [beschriftung.get(s, s) for s in spalten])
    ax.set_yticks(np.arange(len(zeilen)) + 0.5, [beschriftung.get(s, s) for s in zeilen], rotation=0)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.grid(False)
    leiste = ax.collections[0].colorbar
    leiste.set_label("Korrelation r" if methode == "pearson" else "Rangkorrelation ρ")
    leiste.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda x, p: fmt.zahl(x, 1)))
    fig.tight_layout()
    return fig


def auffaellige_punkte(x, y, n: int | None = None) -> list[int] | None:
    """Positions of the points to label: all up to ``streu_namen_bis`` points, else the ``n``
    (``streu_namen_auswahl``) farthest from the centre in standard units (``regeln/darstellung.yml``)."""
    r = darstellung.regeln()
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) <= r.streu_namen_bis:
        return None
    n = n or r.streu_namen_auswahl

    def z(v):
        sd = np.nanstd(v)
        return (v - np.nanmean(v)) / sd if sd > 0 else v * 0

    abstand = np.nan_to_num(np.hypot(z(x), z(y)), nan=-1)
    return sorted(np.argsort(-abstand, kind="stable")[:n].tolist())


def beschriften_ohne_ueberlappung(ax, x, y, namen, schrift: float = 8, nur: Sequence[int] | None = None) -> None:
    """Label points; a label that would overlap an earlier one moves down line by line.

    ``nur``: positions of the points to label (all when None). Approximate (label size
    estimated from the text length), deterministic, no extra packages.
    """
    ax.figure.canvas.draw()  # fixes the data → pixel transform
    belegt: list[tuple[float, float, float, float]] = []
    hoehe = schrift * 1.5
    reihenfolge = np.argsort(-np.nan_to_num(np.asarray(y, float), nan=-np.inf), kind="stable")
    erlaubt = None if nur is None else set(int(i) for i in nur)
    for i in reihenfolge:
        if erlaubt is not None and int(i) not in erlaubt:
            continue
        xi, yi, n = x[i], y[i], str(namen[i])
        if np.isnan(xi) or np.isnan(yi):
            continue
        px, py = ax.transData.transform((xi, yi))
        breite = 0.62 * schrift * len(n) * ax.figure.dpi / 72
        h = hoehe * ax.figure.dpi / 72
        dy = 3.0
        for _ in range(12):
            box = (px + 4, py + dy * ax.figure.dpi / 72, px + 4 + breite, py + dy * ax.figure.dpi / 72 + h)
            if not any(b[0] < box[2] and box[0] < b[2] and b[1] < box[3] and box[1] < b[3] for b in belegt):
                break
            dy -= hoehe
        belegt.append(box)
        ax.annotate(n, (xi, yi), xytext=(4, dy), textcoords="offset points", fontsize=schrift,
                    arrowprops=dict(arrowstyle="-", color="#999999", lw=0.5) if dy < 0 else None)


def _ganze_schritte(ax, achse: str = "y") -> None:
    """Ticks in steps of 1, 2 or 5 (× 10^k), so that German labels need no hidden decimals."""
    from matplotlib.ticker import MaxNLocator

    loc = MaxNLocator(nbins=6, steps=[1, 2, 5, 10])
    (ax.yaxis if achse == "y" else ax.xaxis).set_major_locator(loc)


def _streu(ax, x, y, namen, fit, xlabel, ylabel, beschriften=True, schrift=8):
    # Points with seaborn; line and 95 % band are the OLS fit of helpers.statistik (the numbers the text
    # reports), not seaborn's own bootstrap, so figure and text cannot disagree.
    if fit is not None:
        band = fit["band"]
        ax.fill_between(band["x"], band["ci_unten"], band["ci_oben"], color=grafik.FARBE_BALKEN, alpha=0.15, lw=0)
        ax.plot(band["x"], band["fit"], color=grafik.FARBE_BALKEN, lw=1.6)
    else:
        ax.text(0.5, 0.95, "zu wenige Werte – nicht ausgewertet", transform=ax.transAxes, ha="center", va="top",
                fontsize=7, color=grafik.FARBE_TEXT)
    viele = len(x) > darstellung.regeln().streu_namen_bis
    sns.scatterplot(x=x, y=y, ax=ax, s=14 if viele else 26, color=grafik.FARBE_STADT, alpha=0.7 if viele else 1,
                    edgecolor="none", zorder=3, legend=False)
    if beschriften:
        beschriften_ohne_ueberlappung(ax, x, y, namen, schrift, nur=auffaellige_punkte(x, y))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, axis="both")
    _ganze_schritte(ax, "x")
    _ganze_schritte(ax, "y")
    grafik.deutsche_achse(ax, "xy")


def streudiagramm(x, y, namen, fit: Mapping, xlabel: str, ylabel: str):
    """One scatter plot with labelled districts, the OLS line and its 95 % confidence band."""
    fig, ax = plt.subplots(figsize=(7.0, 4.8))
    _streu(ax, np.asarray(x, float), np.asarray(y, float), list(namen), fit, xlabel, ylabel)
    ax.margins(0.12)
    fig.tight_layout()
    return fig


def streu_raster(werte: pd.DataFrame, paare_fits: Sequence[tuple[str, str, Mapping | None]],
                 beschriftung: Mapping[str, str], spalten: int = 3):
    """Small multiples of all pairs (x = poverty indicator, y = education indicator)."""
    n = len(paare_fits)
    zeilen = int(np.ceil(n / spalten))
    fig, axes = plt.subplots(zeilen, spalten, figsize=(7.2, darstellung.hoehe(zeilen, 2.35, 0.3)), squeeze=False)
    for ax, (b, a, fit) in zip(axes.flat, paare_fits):
        _streu(ax, werte[a].to_numpy(float), werte[b].to_numpy(float), werte.index, fit,
               beschriftung.get(a, a), beschriftung.get(b, b), beschriften=False)
        ax.xaxis.label.set_size(7.5)
        ax.yaxis.label.set_size(7.5)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def einfluss_grafik(einfluss: pd.DataFrame, r: float, n: int | None = None):
    """Cook's distance per district (with the 4/n line) and r when the district is left out."""
    t = einfluss
    n_alle = len(t)
    rest = 0
    if len(t) > darstellung.regeln().balken_bis:  # many districts: the most influential ones
        k = 2 * darstellung.regeln().auswahl_abbildung
        t = t.sort_values("cooks_d", ascending=False, kind="stable").head(k)
        rest = n_alle - len(t)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(7.2, darstellung.hoehe(len(t), 0.3, 1.6)), sharey=True)
    y = np.arange(len(t))
    farben = [grafik.FARBE_AUFFAELLIG if f else grafik.FARBE_BALKEN for f in t["auffaellig"]]
    a1.barh(y, t["cooks_d"], color=farben, height=0.65, zorder=2)
    a1.axvline(4 / (n or n_alle), color=grafik.FARBE_STADT, ls="--", lw=1)  # rule of thumb on all units of the fit
    if rest:
        a1.set_title(f"die {darstellung.zahlwort(len(t))} einflussreichsten von {fmt.zahl(n_alle)} Stadtteilen",
                     fontsize=8, fontweight="normal")
    a1.set_yticks(y, t["stadtteil"])
    a1.invert_yaxis()
    a1.set_xlabel("Cook-Distanz")
    grafik.deutsche_achse(a1, "x", 2)
    a2.scatter(t["r_ohne"], y, color=farben, s=28, zorder=3)
    a2.axvline(r, color=grafik.FARBE_STADT, ls="--", lw=1)
    a2.set_xlabel("r ohne diesen Stadtteil")
    grafik.deutsche_achse(a2, "x", 2)
    fig.tight_layout()
    return fig


def bedarfs_matrix(uebersicht: pd.DataFrame, hf_titel: Mapping[int, str]):
    """District × Handlungsfeld grid: empty, erhöht (light), hoch (dark), with the word in each cell."""
    m = uebersicht
    r = darstellung.regeln()
    rest = 0
    if len(m) > r.heatmap_max:  # many districts: those with the most (and highest) needs
        summe = m.sum(axis=1)
        reihen = summe.sort_values(ascending=False, kind="stable").index[: r.heatmap_max]
        rest = len(m) - r.heatmap_max
        ohne = int((summe == 0).sum())
        m = m.loc[list(reihen)]
    fig, ax = plt.subplots(figsize=(7.2, darstellung.hoehe(len(m), 0.42 if len(m) <= 20 else 0.17, 2.6)))
    karte = ListedColormap(["#FFFFFF", "#F3C98B", "#D55E00"])
    sns.heatmap(m.to_numpy(dtype=float), ax=ax, cmap=karte, norm=BoundaryNorm([-0.5, 0.5, 1.5, 2.5], 3),
                cbar=False, xticklabels=False, yticklabels=False)
    mit_text = len(m) <= 20
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            w = int(m.iat[i, j])
            if w and mit_text:
                ax.text(j + 0.5, i + 0.5, "hoch" if w == 2 else "erhöht", ha="center", va="center", fontsize=7,
                        color="white" if w == 2 else grafik.FARBE_TEXT)
    if not mit_text:
        ax.legend(handles=[Patch(facecolor="#F3C98B", label="erhöhter Bedarf"),
                           Patch(facecolor="#D55E00", label="hoher Bedarf")],
                  loc="upper left", bbox_to_anchor=(0, -0.035 if rest else -0.01), ncol=2, fontsize=7.5)
    if rest:
        ax.set_xlabel(f"Gezeigt: die {fmt.zahl(len(m))} Stadtteile mit den meisten Handlungsbedarfen; "
                      f"{fmt.zahl(rest)} weitere nicht gezeigt" + (f", davon {fmt.zahl(ohne)} ohne Bedarf" if ohne else ""),
                      fontsize=7.5)
    ax.set_xticks(np.arange(m.shape[1]) + 0.5, [textwrap.fill(f"{h} {hf_titel.get(h, '')}", 22) for h in m.columns],
                  rotation=90, fontsize=7.5)
    ax.set_yticks(np.arange(m.shape[0]) + 0.5, m.index, rotation=0, fontsize=8 if mit_text else 7)
    if rest:
        ax.xaxis.set_label_position("bottom")
        ax.xaxis.tick_top()
    ax.set_xticks(np.arange(0, m.shape[1] + 1), minor=True)
    ax.set_yticks(np.arange(0, m.shape[0] + 1), minor=True)
    ax.grid(which="minor", color="#DDDDDD", linewidth=0.8)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="minor", length=0)
    fig.tight_layout()
    return fig


def ziel_verlaeufe(verlaeufe: Sequence[tuple[str, str, Mapping, str]], spalten: int = 2):
    """Small multiples, one per city target: observed values, the target path and the target.

    ``verlaeufe``: (title, unit, result of :func:`helpers.wirkungsziele.verlauf`, status).
    """
    n = len(verlaeufe)
    zeilen = int(np.ceil(n / spalten))
    fig, axes = plt.subplots(zeilen, spalten, figsize=(7.2, 2.5 * zeilen + 0.4), squeeze=False)
    for ax, (titel, einheit, v, status) in zip(axes.flat, verlaeufe):
        p = v["pfad"]
        ax.plot(p["jahr"], p["wert"], color="#777777", ls="--", lw=1.2, label="Zielpfad")
        ax.scatter(p["jahr"].iloc[-1:], p["wert"].iloc[-1:], marker="*", s=90, color=grafik.FARBE_STADT, zorder=4,
                   label="Zielwert")
        tr = v.get("trend")
        if tr is not None and len(tr):
            ax.plot(tr["jahr"], tr["wert"], color="#999999", ls=":", lw=1.2, label="bisheriger Trend, fortgeschrieben")
        r = v["reihe"]
        ax.plot(r["jahr"], r["wert"], color=grafik.FARBE_BALKEN, lw=2, marker="o", markersize=3, label="Werte")
        ax.axvline(p["jahr"].iloc[0], color="#BBBBBB", lw=0.8)
        ax.set_title(textwrap.fill(titel, 40) + f"\n({status})", fontsize=8.5)
        ax.set_ylabel(einheit, fontsize=8)
        ax.tick_params(labelsize=7.5)
        ax.grid(True, axis="y")
        _ganze_schritte(ax, "y")
        grafik.deutsche_achse(ax, "y")
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=7.5, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def ziel_stadtteile(bewertung: pd.DataFrame, einheit: str):
    """Per district: baseline (open circle), latest value (filled, coloured by status) and target (star)."""
    t = bewertung.reset_index(drop=True)
    n_alle, rest = len(t), 0
    if len(t) > darstellung.regeln().balken_bis:  # many districts: the farthest from their target
        k = 2 * darstellung.regeln().auswahl_abbildung
        abstand = (t["wert_aktuell"] - t["zielwert"]).abs()
        t = t.loc[abstand.sort_values(ascending=False, kind="stable").index[:k]].reset_index(drop=True)
        rest = n_alle - len(t)
    fig, ax = plt.subplots(figsize=(7.0, darstellung.hoehe(len(t), 0.36, 1.7)))
    if rest:
        ax.set_title(f"die {darstellung.zahlwort(len(t))} von {fmt.zahl(n_alle)} Stadtteilen, die am weitesten "
                     "vom Zielwert entfernt sind", fontsize=8, fontweight="normal")
    y = np.arange(len(t))
    for yi, (_, z) in zip(y, t.iterrows()):
        ax.plot([z["basiswert"], z["wert_aktuell"]], [yi, yi], color="#999999", lw=1)
    ax.scatter(t["basiswert"], y, facecolor="white", edgecolor="#333333", s=30, zorder=3, label="Ausgangswert")
    ax.scatter(t["wert_aktuell"], y, color=[STATUS_FARBEN.get(s, "#777777") for s in t["status"]], s=34, zorder=4,
               label="Wert am Stichtag")
    ax.scatter(t["zielwert"], y, marker="*", color=grafik.FARBE_STADT, s=60, zorder=5, label="Zielwert")
    ax.set_yticks(y, t["stadtteil"])
    ax.invert_yaxis()
    ax.set_xlabel(einheit)
    grafik.deutsche_achse(ax, "x")
    handles = ax.get_legend_handles_labels()[0]
    handles += [Patch(color=STATUS_FARBEN[s], label=s)
                for s in STATUS_FARBEN if s in set(t["status"])]
    ax.legend(handles=handles, fontsize=7.5, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    return fig


def hinweis_abbildung(text: str):
    """A figure that only carries a notice (when an analysis is not possible with the data at hand)."""
    fig, ax = plt.subplots(figsize=(7.0, 1.6))
    ax.axis("off")
    ax.text(0.5, 0.5, textwrap.fill(text, 80), ha="center", va="center", fontsize=9, color=grafik.FARBE_TEXT,
            transform=ax.transAxes)
    return fig


def paar_streu(pa, kurz: Mapping[str, str], einheit: Mapping[str, str], punkte: pd.DataFrame | None = None):
    """Scatter plot of one pair (:class:`helpers.statistik.Paaranalyse`): poverty across,
    education up, with the OLS line; a notice figure when the pair cannot be analysed.
    ``punkte``: the values that may be shown (suppressed values NaN: not drawn); default ``pa.werte``."""
    from helpers import statistik

    if not pa.berechnet:
        return hinweis_abbildung(statistik.paar_hinweis(pa, kurz))
    w = pa.werte if punkte is None else punkte.reindex_like(pa.werte)
    return streudiagramm(w[pa.y], w[pa.x], w.index, pa.fit,
                         f"{kurz[pa.y]} ({einheit[pa.y]})", f"{kurz[pa.x]} ({einheit[pa.x]})")


def paar_einfluss(pa, kurz: Mapping[str, str], ohne: Sequence[str] = ()):
    """:func:`einfluss_grafik` of one pair, or a notice figure when it cannot be analysed.
    ``ohne``: districts whose per-district statistics are not shown (suppressed values: residuals and
    influence of a single district are not safe outputs)."""
    from helpers import statistik

    if not pa.berechnet:
        return hinweis_abbildung(statistik.paar_hinweis(pa, kurz))
    e = pa.einfluss[~pa.einfluss["stadtteil"].isin(list(ohne))].reset_index(drop=True)
    return einfluss_grafik(e, pa.zeile["r"], n=len(pa.einfluss))


def intervall_punkte(std: pd.DataFrame, ids: Sequence[str], kurz: Mapping[str, str], spalten: int = 2):
    """Small multiples, one per indicator: each district's value with its 95 % Wilson interval as an
    error bar and the city value as a dashed line; districts whose interval lies entirely above or
    below the city are drawn in vermillion or blue, the others grey. Suppressed values are left out.

    Above ``balken_bis`` districts each panel shows the ``auswahl_abbildung`` highest and lowest
    values only and says how many it leaves out (the full list is in the downloads)."""
    r = darstellung.regeln()
    ids = list(ids)
    zeilen = int(np.ceil(len(ids) / spalten)) or 1
    reihen = list(dict.fromkeys(std["stadtteil"]))
    gross = len(reihen) > r.balken_bis
    je_feld = min(len(reihen), 2 * r.auswahl_abbildung) if gross else len(reihen)
    fig, achsen = plt.subplots(zeilen, spalten, figsize=(7.2, darstellung.hoehe(je_feld * zeilen, 0.24, 1.2 * zeilen)),
                               squeeze=False)
    for ax, i in zip(achsen.flat, ids):
        g = std[std["indikator"] == i].set_index("stadtteil").reindex(reihen)
        ausgelassen = 0
        if gross:
            g, ausgelassen = darstellung.auswahl(g.reset_index(), "wert", r.auswahl_abbildung)
            g = g.set_index("stadtteil")
        namen = list(g.index)
        y = np.arange(len(namen))[::-1]
        stadt = float(g["stadtwert"].dropna().iloc[0]) if g["stadtwert"].notna().any() else np.nan
        for yy, (name, row) in zip(y, g.iterrows()):
            if pd.isna(row["wert"]):
                continue
            farbe = "#B8B8B8"
            if pd.notna(row["ci_unten"]) and row["ci_unten"] > stadt:
                farbe = "#D55E00"
            elif pd.notna(row["ci_oben"]) and row["ci_oben"] < stadt:
                farbe = "#0072B2"
            if pd.notna(row["ci_unten"]):
                ax.plot([row["ci_unten"], row["ci_oben"]], [yy, yy], color=farbe, linewidth=2, solid_capstyle="butt")
            ax.plot(row["wert"], yy, "o", color=farbe if farbe != "#B8B8B8" else grafik.FARBE_TEXT, markersize=4)
        grafik.stadt_linie(ax, stadt)
        ax.set_yticks(y, namen, fontsize=7.5)
        ax.set_title(textwrap.fill(kurz.get(i, i), 34), fontsize=9, loc="left", pad=16)  # room for the city label
        if ausgelassen:
            ax.set_xlabel(f"{fmt.zahl(ausgelassen)} Stadtteile mit mittleren Werten nicht gezeigt", fontsize=7.5)
        grafik.deutsche_achse(ax, "x")
        ax.grid(axis="y", visible=False)
    for ax in list(achsen.flat)[len(ids):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig
