"""District comparison (Teil III): every key indicator standardised against the city.

Two scales, both relative to the Gesamtstadt:

- ``index``: district value / city value × 100 (city = 100);
- ``z``: (district value − city value) / standard deviation of the district values
  (ddof = 1). Centring on the city value rather than on the unweighted mean of the
  districts keeps the z-values consistent with the index and with the rest of the
  report, where the city value is the reference.

``z_gerichtet`` multiplies ``z`` by the catalog direction (``belastung`` +1,
``vorteil`` −1), so that a positive value always reads "less favourable than the
city". ``neutral`` indicators get no directed value (NaN) and no rank.

All functions are pure: DataFrames in, DataFrames out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers import darstellung

STADT = "Gesamtstadt"
RICHTUNG_VORZEICHEN = {"belastung": 1.0, "vorteil": -1.0, "neutral": 0.0}


def vorzeichen(katalog: pd.DataFrame) -> pd.Series:
    """Sign per indicator id from the catalog's ``richtung`` (+1, −1, 0 for neutral)."""
    unbekannt = katalog.loc[~katalog["richtung"].isin(list(RICHTUNG_VORZEICHEN)), ["id", "richtung"]]
    if len(unbekannt):
        zeile = unbekannt.iloc[0]
        raise ValueError(
            f"indikatoren.yml, Indikator „{zeile['id']}“, Feld „richtung“: unbekannter Wert "
            f"„{zeile['richtung']}“. Erlaubt sind: {', '.join(RICHTUNG_VORZEICHEN)}."
        )
    return katalog.set_index("id")["richtung"].map(RICHTUNG_VORZEICHEN).astype(float)


def kurztitel(katalog: pd.DataFrame) -> dict[str, str]:
    """Short title per indicator id (``kurztitel``, else ``titel``)."""
    return dict(zip(katalog["id"], katalog["kurztitel"].fillna(katalog["titel"])))


def kern_quoten(katalog: pd.DataFrame) -> pd.DataFrame:
    """Catalog rows of the key indicators with a denominator (absolute figures are not compared)."""
    return katalog[katalog["kern"].fillna(False).astype(bool) & katalog["nenner"].notna()]


def gerichtete_kern_ids(katalog: pd.DataFrame) -> list[str]:
    """Ids compared in Teil III: key indicators with a denominator and a direction."""
    k = kern_quoten(katalog)
    return k.loc[k["richtung"] != "neutral", "id"].tolist()


def _pruefe_ids(indikatoren: pd.DataFrame, ids: Sequence[str]) -> None:
    vorhanden = set(indikatoren["indikator"].unique())
    fehlend = [i for i in ids if i not in vorhanden]
    if fehlend:
        raise KeyError(
            f"Indikator(en) {', '.join(fehlend)} fehlen in der Indikatorentabelle. "
            "Bitte die Regeldatei mit indikatoren.yml abgleichen."
        )


def datenjahre(indikatoren: pd.DataFrame, jahr: int, ids: Sequence[str], letzter_stand: bool = False) -> pd.Series:
    """The year whose values are used per indicator.

    Strict (default): ``jahr`` for every indicator, and a clear error if one has no
    values in that year. ``letzter_stand=True``: the latest year up to ``jahr`` – for
    indicators not collected every year (elections: "the last election up to the
    Berichtsjahr", see indikatoren.yml).
    """
    ids = list(ids)
    _pruefe_ids(indikatoren, ids)
    t = indikatoren[indikatoren["indikator"].isin(ids) & (indikatoren["jahr"] <= jahr) & indikatoren["wert"].notna()]
    letzte = t.groupby("indikator")["jahr"].max().reindex(ids)
    if letzter_stand:
        fehlend = letzte[letzte.isna()].index.tolist()
    else:
        fehlend = [i for i in ids if letzte.get(i) != jahr]
    if fehlend:
        raise KeyError(
            f"Für {', '.join(fehlend)} gibt es im Jahr {jahr} keine Werte"
            + (" (auch nicht in früheren Jahren)." if letzter_stand else
               ". Bitte die Daten ergänzen oder den Indikator aus der Regeldatei nehmen.")
        )
    return letzte.astype(int)


def _im_datenjahr(indikatoren: pd.DataFrame, jahr: int, ids: Sequence[str], letzter_stand: bool) -> pd.DataFrame:
    """Rows of ``ids`` in their year of :func:`datenjahre` (districts and city)."""
    jahre = datenjahre(indikatoren, jahr, ids, letzter_stand)
    t = indikatoren[indikatoren["indikator"].isin(list(ids))]
    return t[t["jahr"] == t["indikator"].map(jahre)]


def matrix(
    indikatoren: pd.DataFrame,
    jahr: int,
    ids: Sequence[str],
    reihenfolge: Sequence[str] | None = None,
    letzter_stand: bool = False,
) -> pd.DataFrame:
    """Wide table of values: one row per district (city excluded), one column per indicator.

    Suppressed values stay NaN. Rows follow ``reihenfolge`` when given. The year per
    indicator is chosen by :func:`datenjahre`.
    """
    ids = list(ids)
    t = _im_datenjahr(indikatoren, jahr, ids, letzter_stand)
    t = t[t["stadtteil"] != STADT]
    m = t.pivot(index="stadtteil", columns="indikator", values="wert").astype(float)
    m = m.reindex(columns=ids)
    if reihenfolge is not None:
        m = m.reindex(list(reihenfolge))
    m.index.name = "stadtteil"
    m.columns.name = None
    return m


def stadtwerte(indikatoren: pd.DataFrame, jahr: int, ids: Sequence[str], letzter_stand: bool = False) -> pd.Series:
    """City values of the indicators (index: indicator id), years as in :func:`matrix`."""
    t = _im_datenjahr(indikatoren, jahr, ids, letzter_stand)
    t = t[t["stadtteil"] == STADT]
    return t.set_index("indikator")["wert"].astype(float).reindex(list(ids))


def standardisieren(
    indikatoren: pd.DataFrame,
    katalog: pd.DataFrame,
    jahr: int,
    ids: Sequence[str],
    reihenfolge: Sequence[str] | None = None,
    letzter_stand: bool = True,
) -> pd.DataFrame:
    """Long table of each district × indicator against the city.

    By default each indicator is taken in its latest year up to ``jahr`` (column
    ``jahr``), so that election turnout enters with the last election.

    Columns: ``stadtteil``, ``indikator``, ``jahr``, ``richtung``, ``wert``, ``stadtwert``,
    ``index`` (city = 100), ``z``, ``z_gerichtet`` (positive = less favourable; NaN
    for neutral indicators), ``rang`` (1 = least favourable district; no rank for
    neutral indicators or missing values), ``gesperrt`` and ``unsicher`` (flags of the
    data layer: suppressed value; rate on a small denominator).
    """
    m = matrix(indikatoren, jahr, ids, reihenfolge, letzter_stand)
    stadt = stadtwerte(indikatoren, jahr, ids, letzter_stand)
    jahre = datenjahre(indikatoren, jahr, ids, letzter_stand)
    sd = m.std(ddof=1)
    z = (m - stadt) / sd.replace(0, np.nan)
    idx = m / stadt.replace(0, np.nan) * 100
    vz = vorzeichen(katalog).reindex(list(ids))
    if vz.isna().any():
        raise KeyError(f"Indikator(en) {', '.join(vz[vz.isna()].index)} fehlen in indikatoren.yml.")
    zg = z * vz.replace(0, np.nan)
    rang = zg.rank(ascending=False, method="min")

    def lang(df: pd.DataFrame, name: str) -> pd.Series:
        df = df.rename_axis(index="stadtteil", columns="indikator")
        return df.stack().rename(name)  # pandas 3: keeps NaN cells

    out = pd.concat([lang(m, "wert"), lang(idx, "index"), lang(z, "z"), lang(zg, "z_gerichtet"),
                     lang(rang, "rang")], axis=1).reset_index()
    out["stadtwert"] = out["indikator"].map(stadt)
    out["jahr"] = out["indikator"].map(jahre).astype(int)
    markierung = indikatoren[indikatoren["indikator"].isin(list(ids))].set_index(["stadtteil", "indikator", "jahr"])
    schluessel = pd.MultiIndex.from_arrays([out["stadtteil"], out["indikator"], out["jahr"]])
    for spalte in ("gesperrt", "unsicher"):
        werte = markierung[spalte].reindex(schluessel) if spalte in markierung else pd.Series(False, index=schluessel)
        out[spalte] = werte.fillna(False).astype(bool).to_numpy()
    for spalte in ("zaehler", "nenner"):
        werte = markierung[spalte].reindex(schluessel) if spalte in markierung else pd.Series(np.nan, index=schluessel)
        out[spalte] = werte.astype(float).to_numpy()
    kat = katalog.set_index("id")
    faktor = out["indikator"].map(kat["faktor"]).astype(float)
    uebersteigt = kat["zaehler_kann_nenner_uebersteigen"] if "zaehler_kann_nenner_uebersteigen" in kat else pd.Series(
        False, index=kat.index)
    anteil = ~out["indikator"].map(uebersteigt).fillna(False).astype(bool)
    from helpers.statistik import wilson

    unten, oben = wilson(out["zaehler"].where(anteil), out["nenner"], faktor.to_numpy())
    out["ci_unten"], out["ci_oben"] = unten, oben
    # the interval on the z scale (same centring and scale as z)
    sd_i = out["indikator"].map(sd.replace(0, np.nan))
    out["z_unten"] = (out["ci_unten"] - out["stadtwert"]) / sd_i
    out["z_oben"] = (out["ci_oben"] - out["stadtwert"]) / sd_i
    out["richtung"] = out["indikator"].map(kat["richtung"])
    out["rang"] = out["rang"].astype("Int64")
    return out[["stadtteil", "indikator", "jahr", "richtung", "wert", "stadtwert", "index", "z",
                "z_gerichtet", "rang", "gesperrt", "unsicher", "zaehler", "nenner", "ci_unten", "ci_oben",
                "z_unten", "z_oben"]]


def breit(std: pd.DataFrame, spalte: str = "z_gerichtet") -> pd.DataFrame:
    """One column of :func:`standardisieren` as a district × indicator matrix (input order kept)."""
    zeilen = list(dict.fromkeys(std["stadtteil"]))
    spalten = list(dict.fromkeys(std["indikator"]))
    return std.pivot(index="stadtteil", columns="indikator", values=spalte).reindex(
        index=zeilen, columns=spalten)


def ordnung(zmatrix: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Row and column order for the heatmap, so that patterns are visible.

    Districts: by their mean directed z (least favourable first). Indicators: by
    their correlation with that district score (indicators that go with the overall
    pattern first); columns without a directed value (neutral) go last.
    """
    score = zmatrix.mean(axis=1, skipna=True)
    zeilen = score.sort_values(ascending=False, kind="stable").index.tolist()
    gerichtet = [c for c in zmatrix.columns if zmatrix[c].notna().sum() >= 3]
    kor = zmatrix[gerichtet].corrwith(score).fillna(0)
    spalten = kor.sort_values(ascending=False, kind="stable").index.tolist()
    spalten += [c for c in zmatrix.columns if c not in spalten]
    return zeilen, spalten


def raenge(std: pd.DataFrame) -> pd.DataFrame:
    """Rank of each district per indicator (1 = least favourable), district × indicator."""
    return breit(std, "rang")


def profile(std: pd.DataFrame, n: int = 3, schwelle: float = 0.0) -> pd.DataFrame:
    """Each district's ``n`` strongest deviations from the city (by |directed z|).

    Only deviations with ``|z_gerichtet| ≥ schwelle`` are listed. Columns:
    ``stadtteil``, ``platz``, ``indikator``, ``z_gerichtet``, ``wert``, ``stadtwert``,
    ``index``, ``lage`` ("ungünstiger" / "günstiger" als die Gesamtstadt).
    """
    t = std.dropna(subset=["z_gerichtet"])
    t = t[t["z_gerichtet"].abs() >= schwelle].copy()
    t["_abs"] = t["z_gerichtet"].abs()
    reihen = list(dict.fromkeys(std["stadtteil"]))
    teile = []
    for name in reihen:
        g = t[t["stadtteil"] == name].sort_values(["_abs", "indikator"], ascending=[False, True]).head(n)
        g = g.assign(platz=range(1, len(g) + 1))
        teile.append(g)
    out = pd.concat(teile, ignore_index=True) if teile else t.iloc[0:0].assign(platz=[])
    out["lage"] = np.where(out["z_gerichtet"] > 0, "ungünstiger", "günstiger")
    return out[["stadtteil", "platz", "indikator", "z_gerichtet", "wert", "stadtwert", "index", "lage"]]


def gesamtlage(std: pd.DataFrame) -> pd.DataFrame:
    """Summary per district: mean directed z and counts of clearly unfavourable/favourable values.

    Columns: ``stadtteil``, ``z_mittel``, ``n_unguenstig`` (z_gerichtet ≥ 1),
    ``n_guenstig`` (z_gerichtet ≤ −1), ``n`` (directed values available).
    """
    t = std.dropna(subset=["z_gerichtet"])
    reihen = list(dict.fromkeys(std["stadtteil"]))
    g = t.groupby("stadtteil", sort=False)["z_gerichtet"]
    out = pd.DataFrame({
        "z_mittel": g.mean(),
        "n_unguenstig": g.apply(lambda s: int((s >= 1).sum())),
        "n_guenstig": g.apply(lambda s: int((s <= -1).sum())),
        "n": g.count(),
    }).reindex(reihen)
    out.index.name = "stadtteil"
    return out.reset_index()


# --------------------------------------------------------------------------- tables and sentences


def _name(kurz: Mapping[str, str], i: str) -> str:
    return kurz.get(i, i)


def wert_tabelle(std: pd.DataFrame, spalte: str, kurz: Mapping[str, str], stellen: int = 0) -> pd.DataFrame:
    """Indicators (rows) × districts (columns) of one column of :func:`standardisieren`, as
    formatted strings; missing values (suppressed) as "•"."""
    from helpers import format as fmt

    m = breit(std, spalte).T
    out = m.apply(lambda s: s.map(lambda x: fmt.GESPERRT if pd.isna(x) else fmt.zahl(x, stellen)))
    out.insert(0, "Indikator", [_name(kurz, i) for i in m.index])
    return out.reset_index(drop=True)


def profil_tabelle(lage: pd.DataFrame, prof: pd.DataFrame, kurz: Mapping[str, str]) -> pd.DataFrame:
    """Compact profile per district, least favourable first: mean directed z, number of
    clearly unfavourable / favourable indicators and the strongest deviations."""
    from helpers import format as fmt
    from helpers import tabellen

    t = lage.sort_values("z_mittel", ascending=False, kind="stable")
    texte = {
        name: ", ".join(f"{_name(kurz, r['indikator'])} ({fmt.vorzeichen(r['z_gerichtet'], 1)})"
                        for _, r in g.sort_values("platz").iterrows())
        for name, g in prof.groupby("stadtteil", sort=False)
    }
    out = pd.DataFrame({
        "Stadtteil": t["stadtteil"],
        "Mittlere Abweichung (z)": [fmt.vorzeichen(x, 2) for x in t["z_mittel"]],
        "ungünstiger (z ≥ 1)": [str(int(x)) for x in t["n_unguenstig"]],
        "günstiger (z ≤ −1)": [str(int(x)) for x in t["n_guenstig"]],
        "Stärkste Abweichungen": [texte.get(s, "keine ab |z| ≥ 1") for s in t["stadtteil"]],
    }).reset_index(drop=True)
    return tabellen.auszug(out, t["stadtteil"], t.set_index("stadtteil")["z_mittel"], "mittlerer Abweichung",
                           tabellen.IN_STECKBRIEFEN)


def befund(lage: pd.DataFrame, std: pd.DataFrame, kurz: Mapping[str, str], n: int = 2) -> list[str]:
    """Computed sentences on the district comparison (which districts stand out overall)."""
    from helpers import format as fmt

    t = lage.dropna(subset=["z_mittel"]).sort_values("z_mittel", ascending=False, kind="stable")
    n_ind = std["indikator"].nunique()
    schlecht, gut = t.head(n), t.tail(n).iloc[::-1]
    saetze = [
        f"Über alle {n_ind} gerichteten Kernindikatoren gemittelt weichen in den vorliegenden Daten "
        f"{fmt.aufzaehlung([f'{r.stadtteil} ({fmt.vorzeichen(r.z_mittel, 2)})' for r in schlecht.itertuples()])} "
        f"am deutlichsten ungünstig von der Gesamtstadt ab, "
        f"{fmt.aufzaehlung([f'{r.stadtteil} ({fmt.vorzeichen(r.z_mittel, 2)})' for r in gut.itertuples()])} "
        "am deutlichsten günstig (mittlere Abweichung in Standardabweichungen)."
    ]
    top = t.sort_values("n_unguenstig", ascending=False, kind="stable").iloc[0]
    if top["n_unguenstig"] > 0:
        saetze.append(
            f"Am häufigsten um mindestens eine Standardabweichung ungünstiger ist "
            f"{top['stadtteil']}: bei {int(top['n_unguenstig'])} von {int(top['n'])} Kernindikatoren."
        )
    ohne = t.loc[t["n_unguenstig"] == 0, "stadtteil"].tolist()
    if ohne:
        saetze.append(f"Ohne einen Wert, der um mindestens eine Standardabweichung ungünstiger ist, {'ist' if len(ohne) == 1 else 'sind'} "
                      f"{fmt.aufzaehlung(ohne)}.")
    return saetze


def umfang_text(katalog: pd.DataFrame, std: pd.DataFrame, jahr: int, kurz: Mapping[str, str]) -> str:
    """What the comparison covers: directed key indicators, the descriptive ones left out and
    the indicators that enter with an earlier year (elections).

    ``std``: :func:`standardisieren` of the directed key indicators with a denominator.
    """
    from helpers import format as fmt

    kern = kern_quoten(katalog)
    gerichtet = kern[kern["richtung"] != "neutral"]
    ohne = kern[kern["richtung"] == "neutral"]
    frueher = std.loc[std["jahr"] < jahr, "indikator"].unique()
    satz = (
        f"Verglichen werden {len(gerichtet)} Kernindikatoren aus {gerichtet['handlungsfeld'].nunique()} "
        f"Handlungsfeldern am {fmt.stichtag(jahr)}. {len(ohne)} beschreibende Kernindikatoren ohne "
        f"Wertung ({fmt.aufzaehlung([_name(kurz, i) for i in ohne['id']])}) sind nicht enthalten, ebenso absolute Zahlen."
    )
    if len(frueher):
        satz += (f" Für {fmt.aufzaehlung([_name(kurz, i) for i in frueher])} gilt der Stand der letzten Wahl "
                 "bis zum Berichtsjahr.")
    return satz


def beschriftungen(katalog: pd.DataFrame) -> dict[str, str]:
    """Row labels of the heatmap: short title and Handlungsfeld (``"SGB-II-Quote (HF 2)"``)."""
    kurz = kurztitel(katalog)
    return {i: f"{kurz[i]} (HF {h})" for i, h in zip(katalog["id"], katalog["handlungsfeld"])}


def geordnet(std: pd.DataFrame) -> pd.DataFrame:
    """Directed z-values as indicators × districts in the order of :func:`ordnung` (for the heatmap)."""
    zm = breit(std)
    zeilen, spalten = ordnung(zm)
    return zm.loc[zeilen, spalten].T


def index_tabelle(std: pd.DataFrame, katalog: pd.DataFrame, kurz: Mapping[str, str]) -> pd.DataFrame:
    """Indicators × districts as index (city = 100), with the city value in its unit as last column."""
    from helpers import format as fmt

    tab = wert_tabelle(std, "index", kurz)
    stadt = std.drop_duplicates("indikator").set_index("indikator")["stadtwert"]
    einheit = katalog.set_index("id")["einheit"]
    tab["Gesamtstadt"] = [fmt.wert(stadt[i], einheit[i]) for i in breit(std).columns]
    return tab


def grenzen_text(n_stadtteile: int) -> str:
    """What the z-values of the comparison can and cannot say."""
    return (
        "Die z-Werte beschreiben die Lage eines Stadtteils relativ zur Gesamtstadt und zur Streuung der "
        f"{n_stadtteile} Stadtteile; sie sagen nichts darüber, ob ein Wert absolut hoch oder niedrig ist. "
        "Wo wenige Fälle zugrunde liegen, können einzelne Fälle einen Stadtteilwert deutlich verschieben. "
        "Eine Abweichung beschreibt den Stadtteil, nicht die einzelnen Menschen, die dort leben."
    )


# --------------------------------------------------------------------------- intervals of district proportions


def intervall_ids(std: pd.DataFrame) -> list[str]:
    """Indicators of ``std`` that are proportions with a Wilson interval for at least one district."""
    t = std.dropna(subset=["ci_unten"]) if "ci_unten" in std else std.iloc[0:0]
    return list(dict.fromkeys(t["indikator"]))


def intervall_tabelle(std: pd.DataFrame, katalog: pd.DataFrame, kurz: Mapping[str, str],
                      ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Indicators (rows) × districts (columns): value and 95 % Wilson interval, "▲"/"▼" when the
    interval lies entirely above/below the city value; "•" for suppressed values; last column the city."""
    from helpers import format as fmt
    from helpers.statistik import lage_zur_stadt

    ids = list(ids) if ids is not None else intervall_ids(std)
    t = std[std["indikator"].isin(ids)].copy()
    t["lage"] = lage_zur_stadt(t["ci_unten"], t["ci_oben"], t["stadtwert"])
    stellen = 1
    if t["stadtteil"].nunique() > darstellung.regeln().tabelle_bis:
        return _intervall_zaehlung(t, kurz, ids)

    def zelle(r) -> str:
        if pd.isna(r["wert"]):
            return fmt.GESPERRT
        if pd.isna(r["ci_unten"]):
            return fmt.zahl(r["wert"], stellen)
        # The marker sticks to the value (no-break space); a narrow column breaks the cell only
        # before the interval: "8,7 ▼" over "(5,5–13,5)".
        mark = {"über": "\u00a0▲", "unter": "\u00a0▼"}.get(r["lage"], "")
        return f"{fmt.zahl(r['wert'], stellen)}{mark} ({fmt.spanne(r['ci_unten'], r['ci_oben'], stellen)})"

    t["zelle"] = t.apply(zelle, axis=1)
    m = t.pivot(index="indikator", columns="stadtteil", values="zelle").reindex(
        index=ids, columns=list(dict.fromkeys(std["stadtteil"])))
    m.insert(0, "Indikator", [_name(kurz, i) for i in ids])
    stadt = std.drop_duplicates("indikator").set_index("indikator")["stadtwert"]
    m["Gesamtstadt"] = [fmt.zahl(stadt[i], stellen) for i in ids]
    return m.reset_index(drop=True)


def _intervall_zaehlung(t: pd.DataFrame, kurz: Mapping[str, str], ids: Sequence[str]) -> pd.DataFrame:
    """Many districts: per indicator how many lie entirely above / below the city or cannot be told
    apart from it, with the ``auswahl_satz`` furthest named (one column per district would not fit)."""
    from helpers import format as fmt

    n = darstellung.regeln().auswahl_satz
    zeilen = []
    for i in ids:
        g = t[t["indikator"] == i]
        stadt = g["stadtwert"].dropna()

        def seite(lage: str, absteigend: bool) -> str:
            s = g[g["lage"] == lage].sort_values("wert", ascending=not absteigend, kind="stable")
            if s.empty:
                return "0"
            namen = s["stadtteil"].head(n).tolist()
            return f"{fmt.zahl(len(s))} (am weitesten {fmt.aufzaehlung(namen)})" if len(s) > n else \
                f"{fmt.zahl(len(s))} ({fmt.aufzaehlung(namen)})"

        gesperrt = int(g["wert"].isna().sum())
        gezeigt = g["wert"].notna() & g["lage"].isin(["über", "unter"])
        zeilen.append({"Indikator": _name(kurz, i),
                       "Stadtteile mit Intervall ganz über der Gesamtstadt (▲)": seite("über", True),
                       "ganz unter der Gesamtstadt (▼)": seite("unter", False),
                       "nicht unterscheidbar": fmt.zahl(int((g["wert"].notna() & ~gezeigt).sum())),
                       "gesperrt (•)": fmt.zahl(gesperrt),
                       "Gesamtstadt": fmt.zahl(stadt.iloc[0], 1) if len(stadt) else fmt.GESPERRT})
    return pd.DataFrame(zeilen)


def deutlich_saetze(std: pd.DataFrame, kurz: Mapping[str, str], ids: Sequence[str] | None = None) -> list[str]:
    """Which districts lie above or below the city beyond chance (95 % interval entirely on one side),
    per indicator. ("deutlich" in Teil II asks for this and a distance of more than one standard
    deviation of the district values; see :func:`helpers.texte.auffaelligkeiten`.)"""
    from helpers import format as fmt
    from helpers.statistik import lage_zur_stadt

    from helpers.texte import nennung

    ids = list(ids) if ids is not None else intervall_ids(std)
    t = std[std["indikator"].isin(ids)].copy()
    t["lage"] = lage_zur_stadt(t["ci_unten"], t["ci_oben"], t["stadtwert"])
    saetze = []
    for i in ids:
        g = t[t["indikator"] == i]
        # furthest first, so that a long list shortened to a count names the extremes
        ueber = g[g["lage"] == "über"].sort_values("wert", ascending=False, kind="stable")["stadtteil"].tolist()
        unter = g[g["lage"] == "unter"].sort_values("wert", kind="stable")["stadtteil"].tolist()
        n_ci = int(g["ci_unten"].notna().sum())
        teile = []
        if ueber:
            teile.append(f"mit dem ganzen Intervall über der Gesamtstadt {'liegt' if len(ueber) == 1 else 'liegen'} "
                         f"{nennung(ueber)}")
        if unter:
            teile.append(f"darunter {nennung(unter)}")
        rest = n_ci - len(ueber) - len(unter)
        if rest:
            teile.append(f"bei {rest} von {n_ci} Stadtteilen schließt das Intervall den Wert der Gesamtstadt ein")
        saetze.append(f"- **{_name(kurz, i)}:** " + ("; ".join(teile) if teile else "keine Intervalle") + ".")
    return saetze
