"""Named logic of Handlungsfelder 3 to 5: Betreuung, Einschulungskinder, Schule.

- **Betreuung**: places per 100 children against a benchmark (``Richtwert``)
  configured in ``regeln/betreuung.yml`` – how many places a district has above
  or below the benchmark (:func:`versorgung`).
- **Schuleingangsuntersuchung**: all findings × districts as one matrix of
  shares of the examined children, suppressed cells kept as such
  (:func:`befundmatrix`, :func:`heatmap_befunde`).
- **Übergänge nach der Grundschule**: transitions by school type per district as
  shares summing to 100 % (school types in ``regeln/schulformen.yml``). The school
  types must be a declared sum of the catalog (``summen:`` in ``indikatoren.yml``);
  then the data layer's suppression already makes sure that no withheld count can be
  recovered as "all transitions minus the other school types", and this module only
  reads its ``gesperrt`` flags (:func:`uebergangszellen`, :func:`uebergangsanteile`,
  :func:`balken_uebergaenge`).

Rule files are looked up with :func:`helpers.regeln.regeldatei`: in
``<data folder>/regeln/`` and, if absent there, in ``<repo>/data/regeln/``. All functions are pure: DataFrames in,
DataFrames, figures or text out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml
from matplotlib.patches import Patch

from helpers import darstellung
from helpers import format as fmt
from helpers import grafik
from helpers.sozialindex import RegelFehler
from helpers.tabellen import STADT, auszug
from helpers.texte import fussnote, kurztitel, quellen  # noqa: F401  (fussnote: used as bildung.fussnote)

BETREUUNG = "betreuung.yml"
SCHULFORMEN = "schulformen.yml"
RICHTWERT_ARTEN = {
    "gesetzlich": "gesetzliche Vorgabe",
    "planung": "Planwert der örtlichen Bedarfsplanung",
    "orientierung": "Orientierungswert",
}

__all__ = [
    "RegelFehler", "lade_betreuung", "richtwert", "versorgung", "versorgung_saetze",
    "versorgung_markdown", "richtwert_linie", "befundmatrix", "heatmap_befunde", "befund_saetze",
    "lade_schulformen", "uebergangszellen", "uebergangsanteile", "uebergaenge_markdown",
    "balken_uebergaenge", "uebergang_saetze", "quelle_satz", "sperrgruende",
]


# --------------------------------------------------------------------------- rule files


def _lese_yaml(pfad: Path) -> object:
    try:
        return yaml.safe_load(Path(pfad).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise RegelFehler(f"{Path(pfad).name}: Datei nicht lesbar ({err}).") from err


def _ist_zahl(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and np.isfinite(x)


def _text(x) -> bool:
    return isinstance(x, str) and bool(x.strip())


def lade_betreuung(pfad: str | Path, katalog: pd.DataFrame | None = None) -> list[dict]:
    """Read and check ``betreuung.yml``: a list ``richtwerte`` of benchmarks.

    Each entry: ``indikator`` (catalog id), ``wert`` (> 0, in the indicator's unit),
    ``bezeichnung``, ``art`` (one of :data:`RICHTWERT_ARTEN`), ``quelle``; optional
    ``hinweis``. ``katalog`` (the catalog's indicator table) enables the id check.
    """
    pfad = Path(pfad)
    cfg = _lese_yaml(pfad)
    datei = pfad.name
    if not isinstance(cfg, Mapping) or not isinstance(cfg.get("richtwerte"), list) or not cfg["richtwerte"]:
        raise RegelFehler(f"{datei}: die Liste „richtwerte“ fehlt oder ist leer. "
                          "Beispiel: „richtwerte: [{indikator: betreuungsquote_u3, wert: 35, …}]“.")
    ids = set(katalog["id"]) if katalog is not None else None
    gesehen = set()
    for nr, r in enumerate(cfg["richtwerte"], start=1):
        name = r.get("indikator", "?") if isinstance(r, Mapping) else "?"

        def fehler(feld, wert, hinweis, nr=nr, name=name):
            return RegelFehler(f"{datei}, Richtwert {nr} ({name}), Feld „{feld}“: „{wert}“ – {hinweis}")

        if not isinstance(r, Mapping):
            raise fehler("-", r, "jeder Richtwert ist ein Eintrag mit den Feldern indikator, wert, "
                                 "bezeichnung, art und quelle.")
        if not _text(r.get("indikator")):
            raise fehler("indikator", r.get("indikator"), "die Id eines Indikators aus indikatoren.yml fehlt.")
        if ids is not None and r["indikator"] not in ids:
            raise fehler("indikator", r["indikator"], "diesen Indikator gibt es in indikatoren.yml nicht.")
        if r["indikator"] in gesehen:
            raise fehler("indikator", r["indikator"], "für diesen Indikator ist schon ein Richtwert eingetragen.")
        gesehen.add(r["indikator"])
        if not _ist_zahl(r.get("wert")) or r["wert"] <= 0:
            raise fehler("wert", r.get("wert"), "muss eine Zahl größer 0 in der Einheit des Indikators sein "
                                                "(z. B. Plätze je 100 Kinder: „wert: 35“).")
        for feld in ("bezeichnung", "quelle"):
            if not _text(r.get(feld)):
                raise fehler(feld, r.get(feld), "muss ein nicht leerer Text sein.")
        if r.get("art") not in RICHTWERT_ARTEN:
            raise fehler("art", r.get("art"), f"erlaubt sind {', '.join(RICHTWERT_ARTEN)}.")
    return [dict(r) for r in cfg["richtwerte"]]


def richtwert(richtwerte: Sequence[Mapping], indikator: str) -> dict | None:
    """The benchmark configured for ``indikator``, or ``None``."""
    for r in richtwerte:
        if r["indikator"] == indikator:
            return dict(r)
    return None


def quelle_satz(katalog_indikatoren: pd.DataFrame, ids: Sequence[str]) -> str:
    """``"Quelle: …"`` for the given indicators (see :func:`helpers.texte.quellen`)."""
    return quellen(katalog_indikatoren, ids)


# --------------------------------------------------------------------------- SGB II: children and all


def hantel_stadtteile(a: pd.DataFrame, b: pd.DataFrame, name_a: str, name_b: str, einheit: str,
                      titel: str | None = None):
    """Two values per district on one line (dumbbell), sorted by ``b``; city row last.

    ``a`` and ``b`` are district comparisons (:func:`helpers.tabellen.vergleich`) of two
    indicators in the same unit. Suppressed values are left out and marked "•".
    """
    t = a[["stadtteil", "wert", "gesperrt"]].merge(b[["stadtteil", "wert", "gesperrt"]], on="stadtteil",
                                                      suffixes=("_a", "_b"))
    t, rest = grafik.stadtteile_begrenzen(t, t.set_index("stadtteil")["wert_b"].where(~t.set_index("stadtteil")["gesperrt_b"]))
    t = t.sort_values("wert_b", ascending=True, na_position="first").reset_index(drop=True)
    stadt_a, stadt_b = float(a["stadt"].iloc[0]), float(b["stadt"].iloc[0])
    zeilen = [*t["stadtteil"], STADT]
    fig, ax = plt.subplots(figsize=(7.0, darstellung.hoehe(len(zeilen), 0.32, 1.5)))
    farbe_a, farbe_b = grafik.PALETTE[4], grafik.PALETTE[5]
    for y, r in t.iterrows():
        wa = np.nan if r["gesperrt_a"] else r["wert_a"]
        wb = np.nan if r["gesperrt_b"] else r["wert_b"]
        if pd.notna(wa) and pd.notna(wb):
            ax.plot([wa, wb], [y, y], color=grafik.FARBE_GRAU, linewidth=2.2, zorder=1)
        for w, f, m in ((wa, farbe_a, "o"), (wb, farbe_b, "D")):
            if pd.notna(w):
                ax.plot(w, y, marker=m, color=f, markersize=6.5, linestyle="none", zorder=3)
        if r["gesperrt_a"] or r["gesperrt_b"]:
            ax.annotate(f"{fmt.GESPERRT} gesperrt", xy=(0, y), xycoords=("axes fraction", "data"),
                        xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    y = len(t) + 0.4
    ax.plot([stadt_a, stadt_b], [y, y], color=grafik.FARBE_STADT, linewidth=2.2, zorder=1)
    ax.plot(stadt_a, y, marker="o", color=farbe_a, markersize=7.5, markeredgecolor=grafik.FARBE_STADT, zorder=3)
    ax.plot(stadt_b, y, marker="D", color=farbe_b, markersize=7.5, markeredgecolor=grafik.FARBE_STADT, zorder=3)
    ax.set_yticks([*range(len(t)), y], zeilen)
    ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.set_ylim(-0.7, y + 0.7)
    ax.set_xlim(left=0)
    grafik.deutsche_achse(ax, "x")
    ax.set_xlabel(einheit)
    ax.legend(handles=[plt.Line2D([], [], marker="o", color=farbe_a, linestyle="none", label=name_a),
                       plt.Line2D([], [], marker="D", color=farbe_b, linestyle="none", label=name_b)],
              loc="lower right", fontsize=8.5)
    if titel:
        ax.set_title(titel)
    fig.tight_layout()
    grafik.auswahl_hinweis(fig, rest, f"für „{name_b}“")
    return fig


def kinder_saetze(a: pd.DataFrame, b: pd.DataFrame, name_a: str, name_b: str, einheit: str) -> list[str]:
    """How the children's rate (``b``) compares with the overall rate (``a``), city and districts."""
    t = a[["stadtteil", "wert", "gesperrt"]].merge(b[["stadtteil", "wert", "gesperrt"]], on="stadtteil",
                                                      suffixes=("_a", "_b"))
    t = t[~t["gesperrt_a"] & ~t["gesperrt_b"] & t["wert_a"].notna() & t["wert_b"].notna()]
    sa, sb = float(a["stadt"].iloc[0]), float(b["stadt"].iloc[0])
    saetze = []
    if sa > 0:
        saetze.append(f"In der Gesamtstadt liegt die {name_b} mit {fmt.wert(sb, einheit)} beim "
                      f"{fmt.zahl(sb / sa, 1)}-Fachen der {name_a} ({fmt.wert(sa, einheit)}).")
    if len(t):
        hoeher = t[t["wert_b"] > t["wert_a"]]
        d = (t["wert_b"] - t["wert_a"])
        gr = t.loc[d.idxmax()]
        saetze.append(
            f"In {len(hoeher)} von {len(t)} Stadtteilen mit veröffentlichten Werten ist die {name_b} höher als die "
            f"{name_a}; am größten ist der Abstand in {gr['stadtteil']} "
            f"({fmt.punkte(gr['wert_b'] - gr['wert_a'], einheit, fmt.stellen_fuer(einheit))})."
        )
    return saetze


# --------------------------------------------------------------------------- Betreuung


def versorgung(
    ind: pd.DataFrame,
    indikator: str,
    jahr: int,
    richtwert_: float | None,
    reihenfolge: Sequence[str],
    faktor: float = 100,
) -> pd.DataFrame:
    """Coverage of each district (city last) against a benchmark.

    Columns: ``stadtteil``, ``plaetze`` (zaehler), ``kinder`` (nenner), ``wert``
    (places per ``faktor`` children), ``richtwert``, ``differenz`` (wert − richtwert,
    in the indicator's unit), ``bedarf`` (places the benchmark asks for:
    richtwert / faktor × kinder), ``saldo`` (plaetze − bedarf; negative = places
    missing), ``gesperrt``, ``unsicher``. Without a benchmark the last four
    columns are NaN. Suppressed rows keep NaN everywhere.
    """
    r = ind[(ind["indikator"] == indikator) & (ind["jahr"] == jahr)]
    if r.empty:
        raise KeyError(f"Für „{indikator}“ gibt es im Jahr {jahr} keine Werte in der Indikatorentabelle.")
    pos = {n: i for i, n in enumerate([*reihenfolge, STADT])}
    r = r.sort_values("stadtteil", key=lambda s: s.map(pos))
    rw = np.nan if richtwert_ is None else float(richtwert_)
    out = pd.DataFrame({
        "stadtteil": r["stadtteil"].to_numpy(),
        "plaetze": r["zaehler"].to_numpy(dtype=float),
        "kinder": r["nenner"].to_numpy(dtype=float),
        "wert": r["wert"].to_numpy(dtype=float),
        "gesperrt": r["gesperrt"].to_numpy(dtype=bool),
        "unsicher": r["unsicher"].to_numpy(dtype=bool),
    })
    out["richtwert"] = rw
    out["differenz"] = out["wert"] - rw
    out["bedarf"] = rw / faktor * out["kinder"]
    out["saldo"] = out["plaetze"] - out["bedarf"]
    out.loc[out["gesperrt"], ["differenz", "bedarf", "saldo"]] = np.nan
    return out[["stadtteil", "plaetze", "kinder", "wert", "richtwert", "differenz", "bedarf", "saldo",
                "gesperrt", "unsicher"]]


def _plaetze(n: float, dativ: bool = False) -> str:
    n = int(round(abs(n)))
    if n == 1:
        return "einem Platz" if dativ else "einen Platz"
    return f"{fmt.zahl(n)} {'Plätzen' if dativ else 'Plätze'}"


def versorgung_saetze(tab: pd.DataFrame, titel: str, einheit: str, regel: Mapping | None, jahr: int) -> list[str]:
    """Sentences on coverage against the benchmark: city balance, districts below, largest gap."""
    stadt = tab[tab["stadtteil"] == STADT].iloc[0]
    st = tab[(tab["stadtteil"] != STADT) & ~tab["gesperrt"] & tab["wert"].notna()]
    if regel is None:
        return [f"Für „{titel}“ ist kein Richtwert hinterlegt (Datei regeln/betreuung.yml); "
                "die Versorgung wird deshalb nur mit der Gesamtstadt verglichen."]
    rw = fmt.wert_dativ(regel["wert"], einheit, 0 if float(regel["wert"]).is_integer() else None)
    art = RICHTWERT_ARTEN[regel["art"]]
    saetze = []
    if pd.notna(stadt["saldo"]):
        kopf = (f"Gemessen am Richtwert von {rw} ({art} „{regel['bezeichnung']}“) "
                f"{'fehlten' if stadt['saldo'] < 0 else 'gab es'} in der Gesamtstadt am {fmt.stichtag(jahr)} "
                f"rechnerisch {_plaetze(stadt['saldo'])}")
        if stadt["saldo"] >= 0:
            kopf += " mehr, als der Richtwert verlangt"
        saetze.append(kopf + f"; der Versorgungsgrad betrug {fmt.wert(stadt['wert'], einheit)}.")
    unter = st[st["differenz"] < 0].sort_values("saldo")
    luecke = ""
    if len(unter):
        g = unter.iloc[0]
        luecke = (f"; die größte rechnerische Lücke hat {g['stadtteil']} mit {_plaetze(g['saldo'], dativ=True)} "
                  f"({fmt.wert(g['wert'], einheit)})")
    if unter.empty:
        saetze.append(f"Alle {len(st)} Stadtteile mit veröffentlichtem Wert erreichen den Richtwert.")
    elif len(unter) == len(st):
        saetze.append(f"Alle {len(st)} Stadtteile mit veröffentlichtem Wert liegen unter dem Richtwert{luecke}.")
    else:
        saetze.append(
            f"{len(unter)} von {len(st)} Stadtteilen mit veröffentlichtem Wert liegen unter dem Richtwert"
            f" ({fmt.aufzaehlung(unter['stadtteil'].tolist())}){luecke}."
        )
    saetze.append("Weil Plätze am Standort der Einrichtung zählen, gleichen sich Lücken und Überhänge "
                  "benachbarter Stadtteile teilweise aus; die Salden sind Hinweise für die Bedarfsplanung, "
                  "keine Zahl abgewiesener Kinder.")
    return saetze


def versorgung_markdown(tabs: Mapping[str, pd.DataFrame], kurztitel: Mapping[str, str], einheiten: Mapping[str, str]) -> str:
    """One table for several coverage indicators: value and balance to the benchmark per district."""
    erste = next(iter(tabs.values()))
    spalten: dict[str, list[str]] = {"Stadtteil": [
        f"**{s}**" if s == STADT else s for s in erste["stadtteil"]]}
    for ind, tab in tabs.items():
        t = tab.set_index("stadtteil").reindex(erste["stadtteil"])
        st = fmt.stellen_fuer(einheiten[ind])
        spalten[f"{kurztitel[ind]}: Wert"] = [
            fmt.zelle(w, g, u, st) for w, g, u in zip(t["wert"], t["gesperrt"], t["unsicher"])]
        if t["richtwert"].notna().any():
            spalten[f"{kurztitel[ind]}: Saldo"] = [
                fmt.GESPERRT if g else fmt.vorzeichen(s, 0) for s, g in zip(t["saldo"], t["gesperrt"])]
    # many districts: the highest and lowest coverage of the first indicator (a withheld value sorts nowhere)
    ind = next(iter(tabs))
    schluessel = erste.set_index("stadtteil")["wert"].mask(erste.set_index("stadtteil")["gesperrt"].astype(bool))
    return fmt.markdown_tabelle(auszug(pd.DataFrame(spalten), erste["stadtteil"], schluessel,
                                       f"„{kurztitel[ind]}: Wert“"))


FARBE_RICHTWERT = "#007A5A"  # Okabe–Ito bluish green, darkened for text contrast


def richtwert_linie(ax, wert: float, text: str | None = None, vertikal: bool = True):
    """A benchmark line, distinct from the city line (dotted, green); labelled if ``text`` is given.

    Returns the line (for a legend entry).
    """
    kw = dict(color=FARBE_RICHTWERT, linestyle=":", linewidth=2.0, zorder=3)
    if vertikal:
        linie = ax.axvline(wert, **kw)
        if text:
            ax.annotate(text, xy=(wert, 0.0), xycoords=("data", "axes fraction"), xytext=(3, 3),
                        textcoords="offset points", fontsize=8.5, color=FARBE_RICHTWERT, va="bottom")
    else:
        linie = ax.axhline(wert, **kw)
        if text:
            ax.annotate(text, xy=(0.0, wert), xycoords=("axes fraction", "data"), xytext=(2, 3),
                        textcoords="offset points", fontsize=8.5, color=FARBE_RICHTWERT, ha="left")
    return linie


def balken_versorgung(tab: pd.DataFrame, einheit: str, titel: str, regel: Mapping | None):
    """Bars per district sorted by coverage, with the city line and (if configured) the benchmark line.

    Districts below the benchmark are drawn in the highlight colour; the legend below the
    axis explains colours and the benchmark.
    """
    st = tab[tab["stadtteil"] != STADT]
    stadt = float(tab.loc[tab["stadtteil"] == STADT, "wert"].iloc[0])
    unter = st.loc[st["differenz"] < 0, "stadtteil"].tolist() if regel else []
    fig = grafik.balken_stadtteile(st, stadtwert=stadt, einheit=einheit, titel=titel, hervorheben=unter)
    ax = fig.axes[-1]  # the value axis (many districts: the lower of two panels)
    if regel:
        rw = float(regel["wert"])
        for weitere in fig.axes[:-1]:
            weitere.axvline(rw, color=FARBE_RICHTWERT, linestyle=":", linewidth=1.6, zorder=3)
        linie = richtwert_linie(ax, rw)
        linie.set_label(f"Richtwert: {regel['bezeichnung']}")
        ax.set_xlim(0, max(ax.get_xlim()[1], rw * 1.15))
        griffe = [linie, Patch(color=grafik.FARBE_AUFFAELLIG, label="unter dem Richtwert"),
                  Patch(color=grafik.FARBE_BALKEN, label="Richtwert erreicht")]
        ax.legend(handles=griffe, loc="upper center", bbox_to_anchor=(0.5, -0.16 if len(fig.axes) == 1 else -0.1),
                  ncol=3, fontsize=8.5, handlelength=1.8, columnspacing=1.2)
    if len(fig.axes) == 1:
        fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- Schuleingangsuntersuchung


def befundmatrix(ind: pd.DataFrame, ids: Sequence[str], jahr: int, reihenfolge: Sequence[str]) -> pd.DataFrame:
    """All findings × districts (city included) in one year, long.

    Columns: ``stadtteil``, ``indikator``, ``wert``, ``gesperrt``, ``unsicher``,
    ``stadt`` (city value of the finding), ``relativ`` (wert / stadt − 1, in %).
    Rows: districts in ``reihenfolge`` then the city, per finding in ``ids`` order.
    """
    ids = list(ids)
    t = ind[(ind["jahr"] == jahr) & ind["indikator"].isin(ids)]
    fehlend = [i for i in ids if i not in set(t["indikator"])]
    if fehlend:
        raise KeyError(f"Für {', '.join(fehlend)} gibt es im Jahr {jahr} keine Werte in der Indikatorentabelle.")
    stadt = t[t["stadtteil"] == STADT].set_index("indikator")["wert"]
    out = t[["stadtteil", "indikator", "wert", "gesperrt", "unsicher"]].copy()
    out["stadt"] = out["indikator"].map(stadt).astype(float)
    out["relativ"] = (out["wert"] / out["stadt"] - 1) * 100
    pos_s = {n: i for i, n in enumerate([*reihenfolge, STADT])}
    pos_i = {n: i for i, n in enumerate(ids)}
    out = out.assign(_i=out["indikator"].map(pos_i), _s=out["stadtteil"].map(pos_s))
    return out.sort_values(["_i", "_s"]).drop(columns=["_i", "_s"]).reset_index(drop=True)


def _textfarbe(farbe) -> str:
    r, g, b = mcolors.to_rgb(farbe)
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 else grafik.FARBE_TEXT


FARBSKALA_ABWEICHUNG = mcolors.LinearSegmentedColormap.from_list(
    "abweichung", ["#0072B2", "#F4F4F4", "#D55E00"])  # Okabe–Ito blue – grey – vermillion


def heatmap_befunde(matrix: pd.DataFrame, kurztitel: Mapping[str, str], einheit: str = "%"):
    """Findings (columns) × districts (rows, city last) as a table-like heatmap.

    Each cell shows the share; its colour shows the deviation from the city value
    of the same finding (relative, so that rare and common findings are comparable).
    Suppressed cells are hatched grey with "•", uncertain shares carry "°".
    """
    ids = list(dict.fromkeys(matrix["indikator"]))
    # many districts: those with the largest mean deviation, in their order (regeln/darstellung.yml)
    abweichung = matrix[~matrix["gesperrt"].astype(bool)].assign(a=lambda d: d["relativ"].abs()) \
        .groupby("stadtteil")["a"].mean()
    matrix, rest = grafik.stadtteile_begrenzen(matrix, abweichung)
    zeilen = list(dict.fromkeys(matrix["stadtteil"]))
    werte = matrix.pivot(index="stadtteil", columns="indikator", values="wert").reindex(index=zeilen, columns=ids)
    rel = matrix.pivot(index="stadtteil", columns="indikator", values="relativ").reindex(index=zeilen, columns=ids)
    gesp = matrix.pivot(index="stadtteil", columns="indikator", values="gesperrt").reindex(index=zeilen, columns=ids)
    uns = matrix.pivot(index="stadtteil", columns="indikator", values="unsicher").reindex(index=zeilen, columns=ids)
    grenze = np.nanmax(np.abs(rel.drop(index=STADT, errors="ignore").to_numpy(dtype=float)), initial=0)
    grenze = max(grenze, 1.0)
    norm = mcolors.TwoSlopeNorm(vmin=-grenze, vcenter=0, vmax=grenze)
    fig, ax = plt.subplots(figsize=(7.0, darstellung.hoehe(len(zeilen), 0.36, 1.9)))
    stellen = fmt.stellen_fuer(einheit)
    for yi, s in enumerate(zeilen):
        for xi, i in enumerate(ids):
            if bool(gesp.loc[s, i]):
                ax.add_patch(plt.Rectangle((xi - 0.5, yi - 0.5), 1, 1, facecolor="#EDEDED", hatch="///",
                                           edgecolor="#BDBDBD", linewidth=0))
                ax.text(xi, yi, fmt.GESPERRT, ha="center", va="center", fontsize=9, color=grafik.FARBE_TEXT)
                continue
            w = werte.loc[s, i]
            if s == STADT or np.isnan(rel.loc[s, i]):
                farbe = "#FFFFFF"
            else:
                farbe = FARBSKALA_ABWEICHUNG(norm(rel.loc[s, i]))
                if bool(uns.loc[s, i]):  # small denominator: paler, so noise does not dominate the picture
                    farbe = tuple(0.45 * np.array(mcolors.to_rgb(farbe)) + 0.55)
            ax.add_patch(plt.Rectangle((xi - 0.5, yi - 0.5), 1, 1, facecolor=farbe, edgecolor="white", linewidth=1.5))
            text = fmt.zahl(w, stellen) + (fmt.UNSICHER if bool(uns.loc[s, i]) else "")
            ax.text(xi, yi, text, ha="center", va="center", fontsize=8.5, color=_textfarbe(farbe),
                    fontweight="bold" if s == STADT else "normal")
    if STADT in zeilen:
        ax.axhline(zeilen.index(STADT) - 0.5, color=grafik.FARBE_STADT, linewidth=1.0)
    ax.set_xlim(-0.5, len(ids) - 0.5)
    ax.set_ylim(len(zeilen) - 0.5, -0.5)
    ax.set_xticks(range(len(ids)), [kurztitel.get(i, i) for i in ids], fontsize=8.5, rotation=30,
                  ha="left", rotation_mode="anchor")
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(zeilen)), zeilen)
    ax.tick_params(length=0)
    ax.grid(False)
    for sp in ax.spines.values():
        sp.set_visible(False)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=FARBSKALA_ABWEICHUNG)
    cb = fig.colorbar(sm, ax=ax, orientation="horizontal", fraction=0.04, pad=0.03, aspect=40)
    cb.set_label(f"Farbe: Abweichung vom Wert der Gesamtstadt (relativ, in %)\nZahl: Anteil in {einheit}; "
                 f"{fmt.UNSICHER} kleine Fallzahl (blasser dargestellt); {fmt.GESPERRT} gesperrt", fontsize=8.5)
    cb.ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, p: fmt.vorzeichen(x, 0) + " %"))
    cb.outline.set_visible(False)
    fig.tight_layout()
    grafik.auswahl_hinweis(fig, rest, "bei der mittleren Abweichung von der Gesamtstadt")
    return fig


def befund_saetze(matrix: pd.DataFrame, kurztitel: Mapping[str, str]) -> list[str]:
    """Which districts lie above the city value in most findings, which in fewest."""
    st = matrix[(matrix["stadtteil"] != STADT) & ~matrix["gesperrt"] & matrix["wert"].notna()]
    if st.empty:
        return ["Für die Befunde der Schuleingangsuntersuchung liegen keine veröffentlichbaren Stadtteilwerte vor."]
    n_bef = matrix["indikator"].nunique()
    g = st.assign(ueber=st["wert"] > st["stadt"]).groupby("stadtteil", sort=False)
    zahl = pd.DataFrame({"ueber": g["ueber"].sum(), "n": g.size()})
    # only districts with at least half of the findings published are compared
    zahl = zahl[zahl["n"] * 2 >= n_bef]
    if zahl.empty:
        return ["Kein Stadtteil hat für mindestens die Hälfte der Befunde veröffentlichbare Werte."]
    zahl["anteil"] = zahl["ueber"] / zahl["n"]
    hoch = zahl[zahl["anteil"] == zahl["anteil"].max()]
    tief = zahl[zahl["anteil"] == zahl["anteil"].min()]

    def teil(df):
        return fmt.aufzaehlung([f"{s} ({int(r['ueber'])} von {int(r['n'])})" for s, r in df.iterrows()])

    saetze = [f"Unter den Stadtteilen, für die mindestens die Hälfte der {n_bef} Befunde veröffentlicht werden "
              f"kann, liegen die meisten Befunde über dem Wert der Gesamtstadt in {teil(hoch)}, "
              f"die wenigsten in {teil(tief)}."]
    gesperrt = matrix[(matrix["stadtteil"] != STADT) & matrix["gesperrt"]]
    if len(gesperrt):
        saetze.append("Ein Stadtteilwert ist" if len(gesperrt) == 1 else f"{len(gesperrt)} Stadtteilwerte sind")
        saetze[-1] += f" zum Schutz kleiner Fallzahlen gesperrt ({fmt.GESPERRT})."
    saetze.append("Die Befunde beschreiben Stadtteile, nicht einzelne Kinder: Dass mehrere Befunde in einem "
                  "Stadtteil gehäuft auftreten, heißt nicht, dass sie dieselben Kinder betreffen.")
    return saetze


# --------------------------------------------------------------------------- Übergänge nach Klasse 4


def lade_schulformen(pfad: str | Path, merkmale: pd.DataFrame | None = None) -> dict:
    """Read and check ``schulformen.yml``: ``gesamt`` (Merkmal of all transitions) and
    ``schulformen`` (list of ``merkmal``, ``name``, optional ``hervorheben: true``) in
    chart order.

    The school types must partition the transitions: their counts add up to ``gesamt``
    (declared under ``summen`` in the catalog, checked by the data layer; see
    :func:`uebergangszellen`).
    """
    pfad = Path(pfad)
    cfg = _lese_yaml(pfad)
    datei = pfad.name
    if not isinstance(cfg, Mapping):
        raise RegelFehler(f"{datei}: erwartet werden die Einträge „gesamt“ und „schulformen“.")
    ids = set(merkmale["id"]) if merkmale is not None else None
    if not _text(cfg.get("gesamt")) or (ids is not None and cfg["gesamt"] not in ids):
        raise RegelFehler(f"{datei}, Feld „gesamt“: „{cfg.get('gesamt')}“ – die Id des Merkmals aller "
                          "Übergänge aus indikatoren.yml (z. B. „gesamt: uebergaenge_gesamt“).")
    sf = cfg.get("schulformen")
    if not isinstance(sf, list) or len(sf) < 2:
        raise RegelFehler(f"{datei}, Feld „schulformen“: mindestens zwei Schulformen mit merkmal und name angeben.")
    gesehen = set()
    for nr, s in enumerate(sf, start=1):
        if not isinstance(s, Mapping):
            raise RegelFehler(f"{datei}, Schulform {nr}: „{s}“ – ein Eintrag mit den Feldern merkmal und name.")
        m = s.get("merkmal")
        if not _text(m) or (ids is not None and m not in ids):
            raise RegelFehler(f"{datei}, Schulform {nr}, Feld „merkmal“: „{m}“ – dieses Merkmal gibt es in "
                              "indikatoren.yml nicht.")
        if m in gesehen or m == cfg["gesamt"]:
            raise RegelFehler(f"{datei}, Schulform {nr}, Feld „merkmal“: „{m}“ – doppelt oder gleich „gesamt“.")
        gesehen.add(m)
        if not _text(s.get("name")):
            raise RegelFehler(f"{datei}, Schulform {nr} ({m}), Feld „name“: „{s.get('name')}“ – Text fehlt.")
        if not isinstance(s.get("hervorheben", False), bool):
            raise RegelFehler(f"{datei}, Schulform {nr} ({m}), Feld „hervorheben“: „{s.get('hervorheben')}“ – "
                              "true oder false.")
    if sum(bool(s.get("hervorheben", False)) for s in sf) > 1:
        raise RegelFehler(f"{datei}, Feld „hervorheben“: höchstens eine Schulform darf „hervorheben: true“ haben.")
    return {"gesamt": cfg["gesamt"], "schulformen": [dict(s) for s in sf]}


def uebergangszellen(sperrungen: pd.DataFrame, cfg: Mapping, summen: pd.DataFrame) -> pd.DataFrame:
    """The transition cells of all years, suppressed by the data layer.

    ``sperrungen`` is the data layer's cell table (``Datenbestand.sperrungen``: ``merkmal``,
    ``jahr``, ``stadtteil``, ``wert``, ``gesperrt``, ``grund``; a school type that is not
    delivered is derived there from the declared sum). ``summen`` is the catalog's
    ``Katalog.summen``: the school types must be declared as the parts of ``gesamt`` –
    only then does the suppression protect them against "all minus the others" (the data
    layer also checks that they add up).
    """
    teile = [s["merkmal"] for s in cfg["schulformen"]]
    gesamt = cfg["gesamt"]
    erklaert = any(g == gesamt and set(t) == set(teile) for g, t in zip(summen["ganzes"], summen["teile"]))
    if not erklaert:
        raise RegelFehler(
            f"{SCHULFORMEN}: Die Schulformen ({', '.join(teile)}) ergeben zusammen „{gesamt}“, diese Summe ist in "
            "indikatoren.yml aber nicht unter „summen“ erklärt. Ergänzen Sie dort „- ganzes: "
            f"{gesamt}“ mit „teile: [{', '.join(teile)}]“: Nur dann prüft die Datenschicht die Summe und "
            "sperrt so, dass sich keine gesperrte Schulform als Differenz berechnen lässt.")
    z = sperrungen[sperrungen["merkmal"].isin([*teile, gesamt])]
    fehlend = [m for m in [*teile, gesamt] if m not in set(z["merkmal"])]
    if fehlend:
        raise KeyError(f"Übergänge: Die Merkmale {', '.join(fehlend)} fehlen im Datenbestand "
                       "(regeln/schulformen.yml mit den gelieferten Daten abgleichen).")
    return z.reset_index(drop=True)


def uebergangsanteile(zellen: pd.DataFrame, cfg: Mapping, jahr: int, reihenfolge: Sequence[str]) -> pd.DataFrame:
    """Shares of the school types per district (city last) in one year, summing to 100 %.

    Long: ``stadtteil``, ``schulform`` (name), ``merkmal``, ``anzahl``, ``anteil`` (%),
    ``gesperrt``, ``insgesamt`` (all transitions; NaN if withheld). Withheld school
    types of a district are pooled in one row ``schulform == "gesperrt"`` holding
    the remaining share (NaN if the district's total is withheld), so each bar
    still sums to 100 % without revealing any single withheld count.
    """
    z = zellen[zellen["jahr"] == jahr]
    if z.empty:
        raise KeyError(f"Für das Jahr {jahr} gibt es keine Übergangszahlen.")
    namen = {s["merkmal"]: s["name"] for s in cfg["schulformen"]}
    zeilen = []
    for st in [*[s for s in reihenfolge if s in set(z["stadtteil"])], STADT]:
        d = z[z["stadtteil"] == st].set_index("merkmal")
        tot_gesperrt = bool(d.loc[cfg["gesamt"], "gesperrt"])
        tot = np.nan if tot_gesperrt else float(d.loc[cfg["gesamt"], "wert"])
        rest = 100.0
        for m, name in namen.items():
            g = bool(d.loc[m, "gesperrt"]) or tot_gesperrt
            anzahl = np.nan if g else float(d.loc[m, "wert"])
            anteil = np.nan if g or not tot else anzahl / tot * 100
            if not np.isnan(anteil):
                rest -= anteil
            zeilen.append(dict(stadtteil=st, schulform=name, merkmal=m, anzahl=anzahl, anteil=anteil,
                               gesperrt=g, insgesamt=tot))
        if any(r["gesperrt"] for r in zeilen if r["stadtteil"] == st):
            zeilen.append(dict(stadtteil=st, schulform="gesperrt", merkmal="", anzahl=np.nan,
                               anteil=np.nan if tot_gesperrt else max(rest, 0.0), gesperrt=True, insgesamt=tot))
    return pd.DataFrame(zeilen)


FARBEN_SCHULFORM = ["#E69F00", "#009E73", "#CC79A7", "#8C8C8C", "#56B4E9", "#F0E442"]
FARBE_HERVORGEHOBEN = grafik.FARBE_BALKEN


def _farben(cfg: Mapping) -> dict[str, str]:
    andere = iter(FARBEN_SCHULFORM)
    return {s["name"]: (FARBE_HERVORGEHOBEN if s.get("hervorheben") else next(andere)) for s in cfg["schulformen"]}


def balken_uebergaenge(anteile: pd.DataFrame, cfg: Mapping, titel: str | None = None, min_beschriftung: float = 7.0):
    """100 % stacked bars: one per district in ``anteile`` order, the city last.

    The highlighted school type (``hervorheben: true``) is drawn first and in the
    strong colour; withheld school types form one hatched segment "•".
    Segments narrower than ``min_beschriftung`` percent stay unlabelled.
    """
    farben = _farben(cfg)
    hervor = [s["name"] for s in cfg["schulformen"] if s.get("hervorheben")]
    schluessel = anteile[anteile["schulform"].isin(hervor[:1]) & ~anteile["gesperrt"]].set_index("stadtteil")["anteil"]
    anteile, weggelassen = grafik.stadtteile_begrenzen(anteile, schluessel)
    namen = list(dict.fromkeys(anteile["stadtteil"]))
    y = {n: i + (0.6 if n == STADT else 0) for i, n in enumerate(namen)}
    fig, ax = plt.subplots(figsize=(7.0, darstellung.hoehe(len(namen), 0.36, 1.9)))
    for st in namen:
        d = anteile[anteile["stadtteil"] == st]
        links = 0.0
        if d["insgesamt"].isna().all():
            ax.barh(y[st], 100, left=0, color="#EDEDED", hatch="///", edgecolor="#BDBDBD", linewidth=0, height=0.7)
            ax.text(50, y[st], f"{fmt.GESPERRT} gesperrt", ha="center", va="center", fontsize=8.5)
            continue
        for _, r in d.iterrows():
            if r["schulform"] == "gesperrt":
                continue
            if r["gesperrt"]:
                continue
            farbe = farben[r["schulform"]]
            ax.barh(y[st], r["anteil"], left=links, color=farbe, height=0.7, edgecolor="white", linewidth=0.6,
                    zorder=2)
            if r["anteil"] >= min_beschriftung or (r["schulform"] in hervor and r["anteil"] > 0):
                ax.text(links + r["anteil"] / 2, y[st], fmt.zahl(r["anteil"], 0), ha="center", va="center",
                        fontsize=8 if r["schulform"] not in hervor else 8.5, color=_textfarbe(farbe),
                        fontweight="bold" if r["schulform"] in hervor else "normal", zorder=3)
            links += r["anteil"]
        rest = d[d["schulform"] == "gesperrt"]
        if len(rest) and rest["anteil"].iloc[0] > 0:
            ax.barh(y[st], rest["anteil"].iloc[0], left=links, color="#EDEDED", hatch="///", edgecolor="#9E9E9E",
                    linewidth=0, height=0.7, zorder=2)
    ax.set_yticks([y[n] for n in namen], [f"{n}" for n in namen])
    for lab in ax.get_yticklabels():
        if lab.get_text() == STADT:
            lab.set_fontweight("bold")
    ax.set_ylim(max(y.values()) + 0.6, -0.6)
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 20))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, p: f"{fmt.zahl(x)} %"))
    ax.grid(axis="x", zorder=0)
    ax.set_axisbelow(True)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    griffe = [Patch(color=farben[s["name"]], label=s["name"]) for s in cfg["schulformen"]]
    if anteile["gesperrt"].any():
        griffe.append(Patch(facecolor="#EDEDED", hatch="///", edgecolor="#9E9E9E", label=f"gesperrt ({fmt.GESPERRT})"))
    ax.legend(handles=griffe, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(len(griffe), 3), fontsize=8.5,
              handlelength=1.2, columnspacing=1.0)
    if titel:
        ax.set_title(titel, pad=10 + 14 * int(np.ceil(len(griffe) / 3)))
    fig.tight_layout()
    grafik.auswahl_hinweis(fig, weggelassen, f"beim Anteil „{hervor[0]}“" if hervor else "")
    return fig


def uebergaenge_markdown(anteile: pd.DataFrame, cfg: Mapping) -> str:
    """Shares per school type per district (city last), withheld as "•", with the number of transitions."""
    spalten: dict[str, list[str]] = {"Stadtteil": [], "Übergänge": []}
    namen = [s["name"] for s in cfg["schulformen"]]
    for n in namen:
        spalten[f"{n} (%)"] = []
    for st, d in anteile.groupby("stadtteil", sort=False):
        d = d.set_index("schulform")
        fett = st == STADT
        spalten["Stadtteil"].append(f"**{st}**" if fett else st)
        tot = d["insgesamt"].iloc[0]
        spalten["Übergänge"].append(fmt.GESPERRT if np.isnan(tot) else fmt.zahl(tot))
        for n in namen:
            spalten[f"{n} (%)"].append(fmt.GESPERRT if bool(d.loc[n, "gesperrt"]) else fmt.zahl(d.loc[n, "anteil"], 1))
    # many districts: the highest and lowest share of the highlighted school type
    form = next((s["name"] for s in cfg["schulformen"] if s.get("hervorheben")), namen[0])
    f = anteile[anteile["schulform"] == form].drop_duplicates("stadtteil").set_index("stadtteil")
    schluessel = f["anteil"].mask(f["gesperrt"].astype(bool))
    return fmt.markdown_tabelle(auszug(pd.DataFrame(spalten), list(anteile["stadtteil"].drop_duplicates()),
                                       schluessel, f"„{form} (%)“"))


def _wilson(k: float, n: float, niveau: float = 0.95) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(int(k), int(n), alpha=1 - niveau, method="wilson")
    return lo * 100, hi * 100


def uebergang_saetze(anteile: pd.DataFrame, cfg: Mapping) -> list[str]:
    """Sentences: most frequent school type per district, spread and uncertainty of the highlighted type.

    A district's most frequent school type is named only if its published share
    exceeds the pooled withheld share (otherwise a withheld type could be larger).
    """
    st = anteile[anteile["stadtteil"] != STADT]
    saetze = []
    sicher, offen = {}, []
    for name, d in st.groupby("stadtteil", sort=False):
        pub = d[(d["schulform"] != "gesperrt") & ~d["gesperrt"] & d["anteil"].notna()]
        rest = d.loc[d["schulform"] == "gesperrt", "anteil"]
        rest = float(rest.iloc[0]) if len(rest) and pd.notna(rest.iloc[0]) else (np.inf if d["gesperrt"].all() else 0.0)
        if pub.empty or pub["anteil"].max() <= rest:
            offen.append(name)
            continue
        top = pub.loc[pub["anteil"].idxmax()]
        if (pub["anteil"] == top["anteil"]).sum() > 1:
            offen.append(name)
            continue
        sicher.setdefault(top["schulform"], []).append(name)
    if sicher:
        teile = [f"„{k}“ in {len(v)} {'Stadtteil' if len(v) == 1 else 'Stadtteilen'} ({fmt.aufzaehlung(v)})"
                 for k, v in sorted(sicher.items(), key=lambda kv: -len(kv[1]))]
        satz = "Die häufigste Schulform nach der Grundschule ist " + fmt.aufzaehlung(teile) + "."
        if offen:
            satz += (f" In {fmt.aufzaehlung(offen)} ist sie wegen gesperrter oder gleich großer Anteile "
                     "nicht eindeutig zu bestimmen.")
        saetze.append(satz)
    hervor = [s for s in cfg["schulformen"] if s.get("hervorheben")]
    if hervor:
        name = hervor[0]["name"]
        h = st[(st["schulform"] == name) & ~st["gesperrt"] & st["anteil"].notna()]
        if len(h) >= 2:
            klein = h.loc[h["insgesamt"].idxmin()]
            lo, hi = _wilson(klein["anzahl"], klein["insgesamt"])
            saetze.append(
                f"Der Anteil der Übergänge auf die Schulform „{name}“ reicht in den Stadtteilen mit "
                f"veröffentlichtem Wert von {fmt.prozent(h['anteil'].min())} "
                f"({h.loc[h['anteil'].idxmin(), 'stadtteil']}) bis {fmt.prozent(h['anteil'].max())} "
                f"({h.loc[h['anteil'].idxmax(), 'stadtteil']}). "
                f"Die Jahrgänge sind klein: In {klein['stadtteil']} mit {fmt.zahl(klein['insgesamt'])} Übergängen "
                f"reicht das 95-%-Konfidenzintervall (Wilson) dieses Anteils von {fmt.prozent(lo)} bis "
                f"{fmt.prozent(hi)}; Unterschiede von wenigen Prozentpunkten sind deshalb nicht belastbar."
            )
    return saetze


def sperrgruende(sperrungen: pd.DataFrame, katalog_indikatoren: pd.DataFrame, tab: pd.DataFrame,
                 indikator: str, jahr: int) -> dict[str, list[str]]:
    """Why the suppressed districts of a comparison table are suppressed.

    Returns ``{"klein": [...], "ergaenzend": [...]}``: districts whose zaehler or nenner
    count is itself small (primary suppression), and districts withheld only so that
    small counts cannot be recovered by subtraction (secondary suppression, also across
    declared sums).
    """
    k = katalog_indikatoren.set_index("id").loc[indikator]
    zellen = sperrungen[(sperrungen["jahr"] == jahr) & sperrungen["merkmal"].isin([k["zaehler"], k["nenner"]])]
    primaer = set(zellen.loc[zellen["grund"] == "primär", "stadtteil"])
    out: dict[str, list[str]] = {"klein": [], "ergaenzend": []}
    for s in tab.loc[tab["gesperrt"], "stadtteil"]:
        out["klein" if s in primaer else "ergaenzend"].append(s)
    return out


# --------------------------------------------------------------------------- HF3 per indicator
# The blocks of the Betreuung chapter, like helpers.monitoring but measured against the
# configured Richtwerte (regeln/betreuung.yml).


def versorgung_ctx(ctx, indikator: str, richtwerte: Sequence[Mapping]) -> pd.DataFrame:
    """:func:`versorgung` for one indicator on the Stichtag, with its Richtwert if configured."""
    rw = richtwert(richtwerte, indikator)
    return versorgung(ctx.indikatoren, indikator, ctx.jahr, rw["wert"] if rw else None,
                      ctx.reihenfolge, float(ctx.katalog.indikator(indikator)["faktor"]))


def versorgung_abbildung(ctx, indikator: str, richtwerte: Sequence[Mapping]):
    """Bars per district against the city value and the Richtwert."""
    meta = ctx.katalog.indikator(indikator)
    return balken_versorgung(versorgung_ctx(ctx, indikator, richtwerte), meta["einheit"], kurztitel(meta),
                             richtwert(richtwerte, indikator))


def versorgung_trend(ctx, indikator: str, richtwerte: Sequence[Mapping]):
    """The standard trend chart plus the Richtwert as a horizontal line."""
    from helpers import monitoring

    fig = monitoring.trend_abbildung(ctx, indikator)
    rw = richtwert(richtwerte, indikator)
    if rw:
        richtwert_linie(fig.axes[0], float(rw["wert"]), f"Richtwert: {rw['bezeichnung']}", vertikal=False)
    return fig


def versorgung_befund(ctx, indikator: str, richtwerte: Sequence[Mapping]) -> str:
    """Computed text: the standard findings, the balance against the Richtwert, a footnote."""
    from helpers import monitoring

    meta = ctx.katalog.indikator(indikator)
    saetze = versorgung_saetze(versorgung_ctx(ctx, indikator, richtwerte), kurztitel(meta), meta["einheit"],
                               richtwert(richtwerte, indikator), ctx.jahr)
    return (monitoring.befund(ctx, indikator) + "\n\n" + " ".join(saetze) + "\n\n"
            + fussnote(ctx.katalog.indikatoren, indikator))


def richtwerte_markdown(ctx, richtwerte: Sequence[Mapping], ids: Sequence[str]) -> str:
    """The Richtwerte the coverage is measured against, with kind and origin."""
    zeilen = []
    for i in ids:
        rw = richtwert(richtwerte, i)
        meta = ctx.katalog.indikator(i)
        zeilen.append({
            "Indikator": kurztitel(meta),
            "Richtwert": fmt.wert(rw["wert"], meta["einheit"], 0) if rw else fmt.FEHLT,
            "Art": RICHTWERT_ARTEN[rw["art"]] if rw else "kein Richtwert hinterlegt",
            "Bezeichnung und Herkunft": f"**{rw['bezeichnung']}.** {rw['quelle'].strip()}" if rw else fmt.FEHLT,
        })
    return fmt.markdown_tabelle(pd.DataFrame(zeilen), rechtsbuendig=["Richtwert"])


def versorgung_tabelle_markdown(ctx, richtwerte: Sequence[Mapping], ids: Sequence[str]) -> str:
    """Coverage and balance to the Richtwert of several indicators side by side."""
    metas = {i: ctx.katalog.indikator(i) for i in ids}
    return versorgung_markdown({i: versorgung_ctx(ctx, i, richtwerte) for i in ids},
                               {i: kurztitel(m) for i, m in metas.items()},
                               {i: m["einheit"] for i, m in metas.items()})


def versorgung_erlaeuterung(ctx, richtwerte: Sequence[Mapping], ids: Sequence[str]) -> str:
    """How to read the balance, the notes on the Richtwerte, and the sources."""
    hinweise = [f"{kurztitel(ctx.katalog.indikator(i))}: {rw['hinweis'].strip()}" for i in ids
                if (rw := richtwert(richtwerte, i)) and rw.get("hinweis")]
    return ("Der Saldo ist die Zahl der Plätze im Stadtteil abzüglich der Plätze, die der Richtwert für die dort "
            "lebenden Kinder vorsieht; ein negativer Saldo ist eine rechnerische Lücke. "
            f"Mit „{fmt.UNSICHER}“ markierte Quoten beruhen auf weniger als {fmt.zahl(ctx.bericht.mindestnenner)} "
            "Kindern. " + (f"Zu den Richtwerten: {' '.join(hinweise)}" if hinweise else "") + "\n\n"
            + quelle_satz(ctx.katalog.indikatoren, ids))
