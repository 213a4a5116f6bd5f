"""District profiles (Stadtteilsteckbriefe) for the Anhang.

One profile per district of ``stadtteile.csv``, generated, so another data folder
gets its own: the key indicators (``kern: true``) against the city, the district's
social-index class and flagged needs when Teil III computed them, and trends
relative to the city. Everything is a pure function of the indicator table and the
catalog; the notebook ``anhang_steckbriefe`` only calls them.
"""

from __future__ import annotations

import math
import re
import textwrap
import unicodedata
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from helpers import darstellung
from helpers import format as fmt
from helpers import grafik
from helpers.tabellen import STADT
from helpers.texte import quellen_liste

GLOSSAR = "glossar.qmd"  # chapter file of the glossary, relative to the Steckbriefe chapter
ANKER_PRAEFIX = "ind-"
#: A district counts as "günstiger"/"ungünstiger" beyond this many standard deviations of the
#: district values (the same threshold as "deutlich" in the Teil II sentences).
SCHWELLE_SD = 1.0


# --------------------------------------------------------------------------- names and links


def anker(indikator: str) -> str:
    """Stable anchor of an indicator's glossary entry: ``ind-<id>``."""
    return f"{ANKER_PRAEFIX}{indikator}"


def glossar_link(indikator: str, text: str, glossar: str = GLOSSAR) -> str:
    """Markdown link from a table cell to the indicator's glossary entry."""
    return f"[{text}]({glossar}#{anker(indikator)})"


def slug(name: str) -> str:
    """ASCII identifier of a district name for heading anchors (``Östrich`` → ``oestrich``)."""
    text = name.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "stadtteil"


def abschnitt_id(name: str) -> str:
    """Heading id of a district's profile (``anhang-stadtteil-oestrich``)."""
    return f"anhang-stadtteil-{slug(name)}"


def _kurz(k) -> str:
    kurz = k.get("kurztitel")
    return str(kurz) if isinstance(kurz, str) and kurz.strip() else str(k["titel"])


def kern_katalog(katalog_ind: pd.DataFrame) -> pd.DataFrame:
    """Catalog rows of the key indicators, by Handlungsfeld, catalog order within."""
    kern = katalog_ind["kern"].fillna(False).astype(bool)
    k = katalog_ind[kern].copy()
    k["_pos"] = range(len(k))
    return k.sort_values(["handlungsfeld", "_pos"], kind="stable").drop(columns="_pos").reset_index(drop=True)


# --------------------------------------------------------------------------- key figures


def datenjahre(ind: pd.DataFrame, ids: Sequence[str], jahr: int) -> dict[str, int]:
    """The latest year up to ``jahr`` with values per indicator (elections are not held every year)."""
    t = ind[ind["indikator"].isin(list(ids)) & (ind["jahr"] <= jahr)]
    t = t[t["wert"].notna() | t["gesperrt"]]
    return {i: int(j) for i, j in t.groupby("indikator")["jahr"].max().items()}


def kennzahlen(ind: pd.DataFrame, katalog_ind: pd.DataFrame, stadtteil: str, jahr: int) -> pd.DataFrame:
    """The key indicators of one district against the city in ``jahr``.

    Columns: ``indikator``, ``titel``, ``kurztitel``, ``handlungsfeld``, ``einheit``,
    ``richtung``, ``jahr``, ``wert``, ``stadt``, ``differenz``, ``gesperrt``, ``unsicher``.
    Each indicator is taken in its latest year up to ``jahr`` (``jahr`` column), so
    that turnout enters with the last election. Suppressed district values are NaN
    with ``gesperrt`` True; indicators without a value are NaN with ``gesperrt`` False.
    Absolute figures (no denominator) get no ``differenz``: a district's count is
    not comparable with the city total.
    """
    k = kern_katalog(katalog_ind)
    jahre = datenjahre(ind, k["id"], jahr)
    t = ind[ind["indikator"].isin(k["id"])]
    t = t[t["jahr"] == t["indikator"].map(jahre)]
    d = t[t["stadtteil"] == stadtteil].set_index("indikator")
    s = t[t["stadtteil"] == STADT].set_index("indikator")
    zeilen = []
    for _, r in k.iterrows():
        i = r["id"]
        wert = float(d.at[i, "wert"]) if i in d.index else np.nan
        stadt = float(s.at[i, "wert"]) if i in s.index and not bool(s.at[i, "gesperrt"]) else np.nan
        gesperrt = bool(d.at[i, "gesperrt"]) if i in d.index else False
        absolut = pd.isna(r["nenner"])  # a district count is not comparable with the city total
        zeilen.append({
            "indikator": i, "titel": r["titel"], "kurztitel": _kurz(r), "handlungsfeld": int(r["handlungsfeld"]),
            "einheit": r["einheit"], "richtung": r["richtung"], "jahr": jahre.get(i, jahr),
            "wert": np.nan if gesperrt else wert, "stadt": stadt,
            "differenz": np.nan if gesperrt or absolut else wert - stadt, "gesperrt": gesperrt,
            "unsicher": bool(d.at[i, "unsicher"]) if i in d.index else False,
        })
    return pd.DataFrame(zeilen)


def lage_text(differenz: float, richtung: str, sd: float | None, schwelle: float = SCHWELLE_SD) -> str:
    """"günstiger" / "ungünstiger" / "ähnlich" from the difference to the city and the direction.

    Only deviations beyond ``schwelle`` standard deviations ``sd`` of the district values
    count. Neutral indicators, and indicators without a usable ``sd`` (NaN: too few
    published values), get "–".
    """
    if richtung not in ("belastung", "vorteil") or differenz is None or not np.isfinite(differenz):
        return fmt.FEHLT
    if sd is None or not np.isfinite(sd) or sd <= 0:
        return fmt.FEHLT
    if abs(differenz) <= schwelle * sd:
        return "ähnlich"
    ungunst = differenz > 0 if richtung == "belastung" else differenz < 0
    return "ungünstiger" if ungunst else "günstiger"


MIN_WERTE_STREUUNG = 3  # fewer published district values give no usable standard deviation


def streuung(ind: pd.DataFrame, ids: Sequence[str], jahr: int) -> pd.Series:
    """Standard deviation (ddof = 1) of the published district values per indicator (years as in :func:`kennzahlen`).

    NaN when fewer than :data:`MIN_WERTE_STREUUNG` district values are published.
    """
    jahre = datenjahre(ind, ids, jahr)
    t = ind[ind["indikator"].isin(list(ids)) & (ind["stadtteil"] != STADT) & ~ind["gesperrt"] & ind["wert"].notna()]
    t = t[t["jahr"] == t["indikator"].map(jahre)]
    g = t.groupby("indikator")["wert"]
    return g.std(ddof=1).where(g.count() >= MIN_WERTE_STREUUNG)


def kennzahlen_markdown(tab: pd.DataFrame, stadtteil: str, sd: pd.Series,
                        glossar: str | None = GLOSSAR, jahr: int | None = None, schwelle: float = SCHWELLE_SD,
                        mit_stadt: bool = True) -> str:
    """A district's key figures as a German table (suppressed "•", uncertain "°").

    Columns: Handlungsfeld, Indikator with its unit (linked to the glossary; "Stand <year>"
    when older than ``jahr``), district value, city value (not with ``mit_stadt=False``: many
    districts, see :func:`mit_stadtspalte`), difference (percentage points for shares) and the
    reading against the direction of the indicator (:func:`lage_text` with the standard deviations ``sd``).
    """
    zeilen = []
    for _, r in tab.iterrows():
        stellen = fmt.stellen_fuer(r["einheit"])
        zusatz = ([f"Stand {r['jahr']}"] if jahr is not None and r["jahr"] != jahr else []) \
            + ([r["einheit"]] if r["einheit"] else [])
        zeilen.append({
            "HF": str(r["handlungsfeld"]),
            "Indikator": indikator_zelle(r["titel"], zusatz, glossar_link(r["indikator"], "{}", glossar)
                                         if glossar else "{}"),
            stadtteil: fmt.zelle(r["wert"], r["gesperrt"], r["unsicher"], stellen),
            STADT: fmt.zahl(r["stadt"], stellen),
            **_abweichung_lage(r, stellen, sd, schwelle),
        })
    spalten = ["HF", "Indikator", stadtteil, *([STADT] if mit_stadt else []), "Abweichung", "Lage"]
    df = pd.DataFrame(zeilen, columns=spalten)
    return fmt.markdown_tabelle(df, rechtsbuendig=[stadtteil, STADT, "Abweichung"])


def indikator_zelle(titel: str, zusatz: Sequence[str], link: str = "{}") -> str:
    """The indicator title with its year and unit in parentheses; a title that already ends with
    one gets them inside it ("SGB-II-Quote (Personen unter 65 Jahren; %)"). ``link`` is a format
    string for the title text (the glossary link)."""
    if not zusatz:
        return link.format(titel)
    if titel.endswith(")"):
        return link.format(titel[:-1]) + f"; {'; '.join(zusatz)})"
    return link.format(titel) + f" ({'; '.join(zusatz)})"


def _abweichung_lage(r, stellen: int, sd: pd.Series, schwelle: float) -> dict[str, str]:
    if r["gesperrt"]:
        return {"Abweichung": fmt.GESPERRT, "Lage": fmt.GESPERRT}
    abweichung = fmt.vorzeichen(fmt.differenz(r["wert"], r["stadt"], stellen) if np.isfinite(r["differenz"])
                                else np.nan, stellen)
    if r["einheit"] in fmt.PUNKTE and abweichung != fmt.FEHLT:
        abweichung += f" {fmt.PUNKTE[r['einheit']]}"
    return {"Abweichung": abweichung, "Lage": lage_text(r["differenz"], r["richtung"], sd.get(r["indikator"], np.nan),
                                                        schwelle)}


#: Relative column widths (%) of the key-figure table, with and without the city column. They go
#: into the caption as Quarto's ``tbl-colwidths`` (the Python build applies them the same way,
#: ``build/assets/spaltenbreiten.lua``): fixed widths read better than widths from the content
#: and cost Typst much less memory with many profiles.
BREITEN_KENNZAHLEN = {True: [5, 42, 12, 12, 15, 14], False: [5, 52, 13, 16, 14]}


def mit_stadtspalte(n_stadtteile: int) -> bool:
    """Whether each profile repeats the city values: up to ``tabelle_bis`` districts; beyond, the
    city values stand once in Teil II (they would be the same column in every profile)."""
    return n_stadtteile <= darstellung.regeln().tabelle_bis


def tabellen_titel(stadtteil: str, jahr: int, mit_stadt: bool = True) -> str:
    """The caption line of a profile's table, with its column widths."""
    breiten = ",".join(str(b) for b in BREITEN_KENNZAHLEN[mit_stadt])
    text = (f"Kernindikatoren in {stadtteil} und in der Gesamtstadt am {fmt.stichtag(jahr)}" if mit_stadt else
            f"Kernindikatoren in {stadtteil} am {fmt.stichtag(jahr)} und Abweichung von der Gesamtstadt")
    return f': {text} {{tbl-colwidths="[{breiten}]"}}'


def mit_breiten(tabelle: str, breiten: Sequence[int]) -> str:
    """Set the relative column widths of a pipe table by the number of dashes per column."""
    zeilen = tabelle.split("\n")
    teile = zeilen[1].strip("|").split("|")
    if len(teile) != len(breiten):
        raise ValueError(f"{len(breiten)} Breiten für {len(teile)} Spalten.")
    neu = []
    for t, b in zip(teile, breiten):
        links, rechts = t.startswith(":"), t.endswith(":")
        neu.append((":" if links else "") + "-" * max(3, b) + (":" if rechts else ""))
    zeilen[1] = "|" + "|".join(neu) + "|"
    return "\n".join(zeilen)


# --------------------------------------------------------------------------- choice of indicators


def auswahl(ind: pd.DataFrame, katalog_ind: pd.DataFrame, jahr: int, n: int = 4,
            bevorzugt: Sequence[str] = ()) -> list[str]:
    """Rate indicators for maps and trend panels, at most one per Handlungsfeld.

    Candidates are the key indicators with a denominator and a direction (else any
    indicator with a denominator, for catalogs without such key indicators) that
    have district values in ``jahr``. ``bevorzugt`` ids (e.g. the components of the
    social index) come first. The rest are ordered: complete indicators (no suppressed
    district value) before incomplete ones, then by how much the districts differ
    (coefficient of variation of the published values).
    """
    nenner = katalog_ind["nenner"].notna()
    kern = katalog_ind["kern"].fillna(False).astype(bool)
    gerichtet = katalog_ind["richtung"] != "neutral"
    t = ind[(ind["jahr"] == jahr) & (ind["stadtteil"] != STADT)]
    veroeffentlicht = t[~t["gesperrt"] & t["wert"].notna()].groupby("indikator")["wert"]
    cv = (veroeffentlicht.std(ddof=1) / veroeffentlicht.mean().abs()).replace([np.inf, -np.inf], np.nan)
    gesperrt = t.groupby("indikator")["gesperrt"].sum()
    for maske in (nenner & kern & gerichtet, nenner & gerichtet, nenner):
        k = katalog_ind[maske]
        kandidaten = [i for i in k["id"] if veroeffentlicht.size().get(i, 0) >= 2]
        if kandidaten:
            break
    else:
        return []
    hf = katalog_ind.set_index("id")["handlungsfeld"]
    vorne = [i for i in bevorzugt if i in kandidaten]
    rest = sorted((i for i in kandidaten if i not in vorne),
                  key=lambda i: (gesperrt.get(i, 0) > 0, -np.nan_to_num(cv.get(i, np.nan), nan=-1.0)))
    gewaehlt: list[str] = []
    felder: set[int] = set()
    for i in vorne + rest:
        if hf[i] in felder:
            continue
        gewaehlt.append(i)
        felder.add(hf[i])
        if len(gewaehlt) == n:
            break
    return gewaehlt


# --------------------------------------------------------------------------- trends


def trend_jahre(ind: pd.DataFrame, ids: Sequence[str], bis: int | None = None) -> list[int]:
    """The years in which the trend panels have values (up to ``bis``)."""
    v = verhaeltnisse(ind, ids, bis)
    return sorted(int(j) for j in v.loc[v["index"].notna(), "jahr"].unique())


def verhaeltnisse(ind: pd.DataFrame, ids: Sequence[str], bis: int | None = None) -> pd.DataFrame:
    """District value / city value × 100 per year (city = 100); suppressed values are NaN.

    Columns: ``stadtteil``, ``jahr``, ``indikator``, ``index``, ``unsicher``. Years
    after ``bis`` (the Berichtsjahr) are left out.
    """
    t = ind[ind["indikator"].isin(list(ids))]
    if bis is not None:
        t = t[t["jahr"] <= bis]
    stadt = t[(t["stadtteil"] == STADT) & ~t["gesperrt"]].set_index(["jahr", "indikator"])["wert"]
    d = t[t["stadtteil"] != STADT].copy()
    bezug = pd.MultiIndex.from_frame(d[["jahr", "indikator"]]).map(stadt.to_dict().get)
    bezug = pd.Series(bezug, index=d.index, dtype=float)
    d["index"] = (d["wert"].where(~d["gesperrt"]) / bezug.where(bezug != 0)) * 100
    d["unsicher"] = d["unsicher"].fillna(False).astype(bool) & d["index"].notna()
    return d[["stadtteil", "jahr", "indikator", "index", "unsicher"]].reset_index(drop=True)


def trend_raster(ind: pd.DataFrame, katalog_ind: pd.DataFrame, ids: Sequence[str],
                 reihenfolge: Sequence[str], bis: int | None = None, spalten: int = 4, breite: float = 7.0):
    """Small multiples: one panel per district, the chosen indicators relative to the city.

    Each line is the district value divided by the city value (city = 100, the dashed
    line) up to ``bis``; all panels share one y axis, so districts can be compared.
    Uncertain values (small denominator) are drawn as hollow markers, suppressed
    values leave gaps. The legend sits in the first free panel or under the grid.
    """
    import seaborn as sns

    v = verhaeltnisse(ind, ids, bis)
    kat = katalog_ind.set_index("id")
    namen = list(reihenfolge)
    weggelassen = 0
    if len(namen) > darstellung.regeln().felder_max:
        namen, weggelassen = trend_auswahl(v, namen, darstellung.regeln().felder_max)
    reihen = math.ceil(len(namen) / spalten)
    frei = reihen * spalten - len(namen)
    unten = 0 if frei else 0.5  # room for the legend under the grid
    fig, axes = plt.subplots(reihen, spalten, figsize=(breite, 1.55 * reihen + unten),
                             sharex=True, sharey=True, squeeze=False)
    farben = dict(zip(ids, grafik.PALETTE))
    marker = dict(zip(ids, ["o", "s", "^", "D", "v", "P"]))
    werte = v["index"].dropna()
    lo = min(float(werte.min()) if len(werte) else 100, 100)
    hi = max(float(werte.max()) if len(werte) else 100, 100)
    rand = (hi - lo) * 0.08 or 10
    jahre = sorted(v.loc[v["index"].notna(), "jahr"].unique())
    for ax, name in zip(axes.flat, namen):
        g = v[v["stadtteil"] == name]
        ax.axhline(100, color=grafik.FARBE_STADT, linestyle="--", linewidth=1.0, zorder=1)
        for i in ids:
            r = g[g["indikator"] == i].sort_values("jahr")
            sns.lineplot(x=r["jahr"].to_numpy(), y=r["index"].to_numpy(), ax=ax, color=farben[i], linewidth=1.5,
                         marker=marker[i], markersize=2.8, markeredgewidth=0, zorder=3, legend=False)
            u = r[r["unsicher"]]
            if len(u):
                ax.plot(u["jahr"], u["index"], linestyle="none", marker=marker[i], markersize=3.6,
                        markerfacecolor="white", markeredgecolor=farben[i], markeredgewidth=1.0, zorder=4)
        ax.set_title(name, fontsize=8.5, loc="left", fontweight="bold")
        ax.grid(axis="y")
        ax.grid(axis="x", visible=False)
        ax.tick_params(labelsize=7)
    for ax in axes.flat[len(namen):]:
        ax.axis("off")
    # panels without a panel below them get year labels too
    for k, ax in enumerate(axes.flat[:len(namen)]):
        if k + spalten >= len(namen):
            ax.xaxis.set_tick_params(labelbottom=True)
    ax0 = axes.flat[0]
    ax0.set_ylim(lo - rand, hi + rand)
    ax0.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    for ax in axes.flat:
        grafik.deutsche_achse(ax, "y", 0)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _p: str(int(round(x)))))
    for ax in axes[:, 0]:
        ax.set_ylabel("Gesamtstadt = 100", fontsize=7)
    handles = [plt.Line2D([], [], color=farben[i], marker=marker[i], markersize=3.5, linewidth=1.5,
                          label=_kurz(kat.loc[i])) for i in ids]
    handles.append(plt.Line2D([], [], color=grafik.FARBE_STADT, linestyle="--", linewidth=1.0,
                              label="Gesamtstadt"))
    if v["unsicher"].any():
        handles.append(plt.Line2D([], [], linestyle="none", marker="o", markersize=3.6, markerfacecolor="white",
                                  markeredgecolor=grafik.FARBE_TEXT, label=f"unsicher ({fmt.UNSICHER})"))
    if frei:
        leg_ax = axes.flat[len(namen)]
        leg_ax.legend(handles=handles, loc="center left", fontsize=7.5, frameon=False,
                      title="Indikator", title_fontsize=7.5, alignment="left")
        fig.tight_layout(h_pad=0.8, w_pad=0.6)
    else:
        fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 3), fontsize=7.5, frameon=False,
                   bbox_to_anchor=(0.5, 0.0))
        fig.tight_layout(rect=(0, unten / (1.55 * reihen + unten), 1, 1), h_pad=0.8, w_pad=0.6)
    if len(jahre) > 1:
        ax0.set_xlim(jahre[0] - 0.4, jahre[-1] + 0.4)
    if weggelassen:
        fig.text(0.01, -0.005, textwrap.fill(
                 f"Gezeigt: die {darstellung.zahlwort(len(namen))} Stadtteile, die am Ende des Zeitraums "
                 f"im Mittel am weitesten von der Gesamtstadt abweichen; {fmt.zahl(weggelassen)} weitere Stadtteile "
                 "in den Steckbriefen und in den Downloads.", int(breite * 16)), ha="left", va="top", fontsize=7.5, style="italic",
                 color=grafik.FARBE_TEXT)
    return fig


def trend_auswahl(v: pd.DataFrame, namen: Sequence[str], n: int) -> tuple[list[str], int]:
    """The ``n`` districts whose latest values lie farthest from the city (mean |index − 100| over the
    indicators), in the order of ``namen``; and how many were left out."""
    letzte = v.dropna(subset=["index"]).sort_values("jahr").groupby(["stadtteil", "indikator"]).tail(1)
    abstand = (letzte["index"] - 100).abs().groupby(letzte["stadtteil"]).mean()
    wahl = set(abstand.sort_values(ascending=False, kind="stable").index[:n])
    return [x for x in namen if x in wahl], len(namen) - len(wahl)


# --------------------------------------------------------------------------- index and needs


def index_satz(si: pd.DataFrame | None, stadtteil: str) -> str | None:
    """Sentence on the district's social-index class (from :func:`helpers.sozialindex.sozialindex`)."""
    if si is None:
        return None
    z = si[si["stadtteil"] == stadtteil]
    if z.empty:
        return None
    z = z.iloc[0]
    n = int(si["index"].notna().sum())
    if pd.isna(z["index"]):
        return ("Sozialindex: keine Angabe (mindestens ein Bestandteil des Index ist für diesen Stadtteil "
                "gesperrt oder fehlt).")
    satz = (f"Sozialindex: Statusklasse „{z['klasse']}“ (Indexwert {fmt.vorzeichen(z['index'], 2)}, "
            f"Rang {int(z['rang'])} von {n}; Rang 1 = niedrigster sozialer Status)")
    dk = z.get("dynamik_klasse")
    if isinstance(dk, str) and dk and dk != "keine Angabe":
        satz += f", Dynamikklasse „{dk}“"
    return satz + "."


def bedarfe_markdown(treffer: pd.DataFrame | None, stadtteil: str, handlungsfelder: pd.DataFrame) -> str | None:
    """The district's flagged needs per Handlungsfeld with their reasons, or a sentence when there are none.

    When several rules fire for the same indicator (e.g. "deutlich" and "sehr viel
    ungünstiger"), only the reason of the highest level is listed.
    """
    from helpers import bedarfe

    if treffer is None:
        return None
    alle = treffer[treffer["stadtteil"] == stadtteil]
    # Only needs are listed; borderline and not assessable rows are no need (Teil III shows them).
    t = bedarfe.beduerfnisse(alle)
    titel = handlungsfelder.set_index("nr")["titel"]
    grenz = (sorted(set(alle.loc[alle["bewertung"] == bedarfe.GRENZWERTIG, "handlungsfeld"]) - set(t["handlungsfeld"]))
             if "bewertung" in alle else [])
    zusatz = ("" if not grenz else
              " Grenzwertig (nahe an einer Schwelle, kein Bedarf): "
              + ", ".join(str(titel.get(hf, f"Handlungsfeld {hf}")) for hf in grenz) + ".")
    if t.empty:
        return ("Handlungsbedarf: Nach dem Regelwerk in Teil III ist für diesen Stadtteil kein Handlungsbedarf "
                "markiert." + zusatz)
    zeilen = ["Handlungsbedarf nach dem Regelwerk in Teil III:", ""]
    for hf, g in t.groupby("handlungsfeld", sort=True):
        stufe = "hoher" if int(g["stufe"].max()) >= 2 else "erhöhter"
        g = g.sort_values("stufe", ascending=False, kind="stable")
        mit = g[g["indikator"].astype(str) != ""].drop_duplicates("indikator")
        ohne = g[g["indikator"].astype(str) == ""]
        zeilen.append(f"- **{titel.get(hf, f'Handlungsfeld {hf}')}:** {stufe} Handlungsbedarf")
        for b in dict.fromkeys(pd.concat([ohne, mit])["begruendung"].astype(str)):
            zeilen.append(f"    - {b}")
    if zusatz:
        zeilen += ["", zusatz.strip()]
    return "\n".join(zeilen)


# --------------------------------------------------------------------------- the profiles


def steckbrief(
    ind: pd.DataFrame,
    katalog,
    stadtteile: pd.DataFrame,
    stadtteil: str,
    jahr: int,
    bevoelkerung: str | None = None,
    si: pd.DataFrame | None = None,
    treffer: pd.DataFrame | None = None,
    glossar: str | None = GLOSSAR,
    ebene: int = 2,
    schwelle: float = SCHWELLE_SD,
    mit_stadt: bool = True,
) -> str:
    """The Markdown profile of one district: heading, key data, index, needs, table."""
    zeile = stadtteile[stadtteile["name"] == stadtteil].iloc[0]
    teile = [f"{'#' * ebene} {stadtteil} {{#{abschnitt_id(stadtteil)}}}", ""]
    fakten = [f"Schlüssel {zeile['schluessel']}"]
    if bevoelkerung is not None:
        b = ind[(ind["indikator"] == bevoelkerung) & (ind["jahr"] == jahr)].set_index("stadtteil")
        if stadtteil in b.index and STADT in b.index:
            if bool(b.at[stadtteil, "gesperrt"]):
                fakten.append(f"Einwohnerinnen und Einwohner am {fmt.stichtag(jahr)}: {fmt.GESPERRT}")
            else:
                w, s = b.at[stadtteil, "wert"], b.at[STADT, "wert"]
                fakten.append(f"{fmt.zahl(w)} Einwohnerinnen und Einwohner am {fmt.stichtag(jahr)} "
                              f"({fmt.prozent(w / s * 100)} der Gesamtstadt)")
    teile += ["; ".join(fakten) + ".", ""]
    satz = index_satz(si, stadtteil)
    if satz:
        teile += [satz, ""]
    bedarf = bedarfe_markdown(treffer, stadtteil, katalog.handlungsfelder)
    if bedarf:
        teile += [bedarf, ""]
    tab = kennzahlen(ind, katalog.indikatoren, stadtteil, jahr)
    sd = streuung(ind, tab["indikator"], jahr)
    teile += [kennzahlen_markdown(tab, stadtteil, sd, glossar, jahr, schwelle, mit_stadt), "",
              tabellen_titel(stadtteil, jahr, mit_stadt), ""]
    return "\n".join(teile)


def steckbriefe(ind: pd.DataFrame, katalog, stadtteile: pd.DataFrame, jahr: int, **kw) -> str:
    """The profiles of all districts in the order of ``stadtteile.csv`` (indicator titles linked to the
    glossary up to ``glossar_links_bis`` districts, see :func:`glossar_links`)."""
    if not glossar_links(len(stadtteile)):
        kw["glossar"] = None
    kw.setdefault("mit_stadt", mit_stadtspalte(len(stadtteile)))
    return "\n".join(steckbrief(ind, katalog, stadtteile, n, jahr, **kw) for n in stadtteile["name"])


def glossar_links(n_stadtteile: int) -> bool:
    """Whether the profiles' tables link each indicator to the glossary (``darstellung.yml``)."""
    from helpers import darstellung

    return n_stadtteile <= darstellung.regeln().glossar_links_bis


def karten_panels(ind: pd.DataFrame, katalog_ind: pd.DataFrame, ids: Sequence[str], jahr: int) -> list[dict]:
    """One map panel per indicator (values of ``jahr``, unit, short title, city value, direction)
    for :mod:`helpers.karten`."""
    kat = katalog_ind.set_index("id")
    panels = []
    for i in ids:
        t = ind[(ind["indikator"] == i) & (ind["jahr"] == jahr)]
        stadt = t[(t["stadtteil"] == STADT) & ~t["gesperrt"]]["wert"]
        panels.append({"werte": t[t["stadtteil"] != STADT], "einheit": kat.at[i, "einheit"],
                       "titel": _kurz(kat.loc[i]), "stadtwert": float(stadt.iloc[0]) if len(stadt) else None,
                       "richtung": kat.at[i, "richtung"]})
    return panels


def bevoelkerungs_indikator(katalog_ind: pd.DataFrame) -> str | None:
    """The population indicator for the profiles' first line.

    ``bevoelkerung`` if the catalog has it, else the first key indicator without a
    denominator counting persons in the lowest Handlungsfeld (the demography field).
    """
    if (katalog_ind["id"] == "bevoelkerung").any():
        return "bevoelkerung"
    k = kern_katalog(katalog_ind)
    k = k[k["nenner"].isna() & (k["einheit"] == "Personen")]
    return None if k.empty else str(k.iloc[0]["id"])


def quellen_text(katalog_ind: pd.DataFrame, ids: Sequence[str]) -> str:
    """The sources of some indicators, each named once (``"A; B; C"``)."""
    return "; ".join(quellen_liste(katalog_ind, ids))


# --------------------------------------------------------------------------- reading aids


def _titel_zitiert(katalog_ind: pd.DataFrame, ids: Sequence[str]) -> str:
    """``„Titel A“, „Titel B“ und „Titel C“``."""
    titel = katalog_ind.set_index("id")["titel"]
    return fmt.aufzaehlung([f"„{titel[i]}“" for i in ids])


def lesehilfe_text(stadt: str, n_stadtteile: int, jahr: int, n_kern: int, mindestnenner: float,
                   mit_index: bool = False, mit_bedarfen: bool = False, schwelle: float = SCHWELLE_SD) -> str:
    """How to read the profiles: columns, the reading "günstiger/ungünstiger/ähnlich", the markers, and
    whether index class (``mit_index``) and flagged needs (``mit_bedarfen``) are given."""
    teile = [
        f"Die folgenden {n_stadtteile} Steckbriefe beschreiben jeden Stadtteil von {stadt} am "
        f"{fmt.stichtag(jahr)} mit den {n_kern} Kernindikatoren des Katalogs, geordnet nach Handlungsfeld "
        "(Spalte „HF“), mit der Einheit in Klammern. "
        + ("Jede Tabelle zeigt den Wert des Stadtteils, den Wert der Gesamtstadt und die Abweichung "
           "(bei Anteilen in Prozentpunkten). " if mit_stadtspalte(n_stadtteile) else
           "Jede Tabelle zeigt den Wert des Stadtteils und seine Abweichung vom Wert der Gesamtstadt (bei Anteilen "
           "in Prozentpunkten); die Werte der Gesamtstadt selbst stehen einmal im Abschnitt „Gesamtstadt auf einen "
           "Blick“ am Anfang von Teil II. ")
        + "Die Spalte „Lage“ ordnet die Abweichung nach der Lesart des Indikators ein: „ungünstiger“ oder "
        f"„günstiger“ heißt, dass der Stadtteil um mehr als "
        f"{'eine' if schwelle == 1 else fmt.zahl(schwelle, 1)} Standardabweichung der Stadtteilwerte vom Wert "
        "der Gesamtstadt abweicht, sonst „ähnlich“; bei absoluten Zahlen wird keine Abweichung berechnet, und "
        "beschreibende Indikatoren ohne Lesart erhalten „–“. "
        f"„{fmt.GESPERRT}“ kennzeichnet Werte, die wegen kleiner Fallzahlen gesperrt sind, „{fmt.UNSICHER}“ Anteile "
        f"auf kleiner Basis (Nenner unter {fmt.zahl(mindestnenner)}). "
        + ("Die Titel der Indikatoren führen zu ihrer Definition im Glossar." if glossar_links(n_stadtteile) else
           "Die Definition jedes Indikators steht im Glossar im Anhang.")
    ]
    if mit_index:
        teile.append(
            "Zu jedem Stadtteil sind außerdem seine Klasse im Sozialindex und die nach dem Regelwerk markierten "
            "Handlungsbedarfe angegeben (Verfahren: Teil III und Anhang „Methoden“)."
            if mit_bedarfen else
            "Zu jedem Stadtteil ist außerdem seine Klasse im Sozialindex angegeben (Verfahren: Teil III)."
        )
    return " ".join(teile)


def kartenart_satz(ordner, stadtteile: pd.DataFrame) -> str:
    """What the maps show of the geography: boundaries from ``stadtteile.geojson`` or schematic tiles."""
    from helpers import karten

    if karten.kartenart(ordner) != "kacheln":
        return "Die Karten zeigen die Grenzen der Stadtteile."
    if karten.kacheln(stadtteile).automatisch:
        return ("Die Karten sind schematisch: Jeder Stadtteil ist eine gleich große Kachel; die Kacheln stehen "
                "in der Reihenfolge der Stadtteile, nicht nach ihrer Lage.")
    return ("Die Karten sind schematisch: Jeder Stadtteil ist eine gleich große Kachel in ungefährer Lage; "
            "sie zeigen keine Grenzen und keine Flächengrößen.")


def karten_text(katalog_ind: pd.DataFrame, ids: Sequence[str], jahr: int, kartenart: str,
                mit_index: bool = False) -> str:
    """The maps in words: which indicators and why, the colour scales, ``kartenart`` (:func:`kartenart_satz`)
    and the sources. ``mit_index``: the components of the social index were preferred."""
    return (
        f"Die Karten zeigen {_titel_zitiert(katalog_ind, ids)} am {fmt.stichtag(jahr)}. "
        + ("Ausgewählt sind Bestandteile des Sozialindex und, wo sie nicht reichen, " if mit_index else
           "Ausgewählt sind ")
        + "Kernindikatoren mit Nenner, bei denen sich die Stadtteile am stärksten unterscheiden "
        "(Variationskoeffizient), höchstens einer je Handlungsfeld und vorrangig solche ohne gesperrte "
        "Stadtteilwerte. "
        "Jede Karte hat ihre eigene Farbskala vom niedrigsten zum höchsten Stadtteilwert. Dunkler heißt "
        "ungünstiger: Wo ein hoher Wert günstig ist, ist die Skala umgekehrt; die Farbleiste unter jeder "
        f"Karte sagt, wie sie zu lesen ist. {kartenart} "
        "Die Werte hinter den Karten stehen in den Tabellen der Steckbriefe unten.\n\n"
        f"Quelle: {quellen_text(katalog_ind, ids)}; eigene Berechnungen."
    )


def trends_text(ind: pd.DataFrame, katalog_ind: pd.DataFrame, ids: Sequence[str], bis: int) -> str:
    """How to read the trend panels (:func:`trend_raster`), with their indicators and years."""
    jahre = trend_jahre(ind, ids, bis=bis)
    return (
        f"Die Diagramme zeigen für {_titel_zitiert(katalog_ind, ids)} "
        f"die Jahre {jahre[0]} bis {jahre[-1]}. Dargestellt ist der Wert des Stadtteils in Prozent des Werts der "
        "Gesamtstadt im selben Jahr: Eine Linie bei der gestrichelten Bezugslinie heißt, der Stadtteil liegt "
        "genau im städtischen Durchschnitt; eine Linie doppelt so hoch heißt, der Wert ist doppelt so hoch wie "
        "in der Gesamtstadt. Ob ein höherer Wert günstig oder ungünstig ist, sagt die Lesart des Indikators im "
        f"Glossar. Lücken sind gesperrte Werte; hohle Symbole markieren unsichere Werte auf kleiner Basis "
        f"({fmt.UNSICHER}), die von Jahr zu Jahr stark schwanken können. Die Werte aller Jahre stehen in der "
        "Datei `indikatoren.csv` ([Downloads](downloads.qmd))."
    )
