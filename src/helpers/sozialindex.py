"""Social index in the manner of Berlin's Monitoring Soziale Stadtentwicklung (MSS).

Method (configured in ``data/regeln/sozialindex.yml``):

Status index
    1. The core indicators of the Berichtsjahr are z-standardised across the
       districts: ``z = (x − mean) / sd`` (unweighted mean of the districts, sd with
       ddof = 1), as in the MSS since 2013.
    2. Each z is multiplied by the catalog direction (``belastung`` +1, ``vorteil``
       −1), so that a high value always means more disadvantage.
    3. The components are combined as a weighted mean with the configured weights.
    4. The weighted mean is z-standardised once more, so that the class thresholds
       are in standard deviations of the index whatever the number of components
       and their correlation (the MSS classifies the index by standard deviations).
    5. Classes (MSS): index ≤ −1 → ``hoch``; −1 < index ≤ +1 → ``mittel``;
       +1 < index ≤ +1,5 → ``niedrig``; index > +1,5 → ``sehr niedrig``
       (upper bounds inclusive; thresholds in the YAML file).

Dynamics index
    The change of the dynamics indicators in (percentage) points over
    ``dynamik.jahre`` years up to the Berichtsjahr, standardised, directed, weighted
    and standardised again like the status index. Classes: index ≤ −1 →
    ``positiv``, −1 < index ≤ +1 → ``stabil``, > +1 → ``negativ``. Like the MSS this
    is relative: "negativ" means a less favourable change than the other districts.

Type
    Status class and dynamics class together (e.g. "niedrig / negativ"), the 12
    combinations of the MSS "Gesamtindex Soziale Ungleichheit".

A district with a missing (suppressed) component gets no index (NaN, class
``keine Angabe``) rather than an index silently computed from fewer components.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.tabellen import auszug
from helpers.vergleich import matrix, vorzeichen

#: Where all rows of the shortened index tables are (many districts).
IM_DOWNLOAD = "Download sozialindex.csv"

KEINE_ANGABE = "keine Angabe"
STATUS_KLASSEN = ["hoch", "mittel", "niedrig", "sehr niedrig"]
DYNAMIK_KLASSEN = ["positiv", "stabil", "negativ"]
STANDARDISIERUNGEN = ("z", "rang", "minmax")


class RegelFehler(ValueError):
    """A rule file is malformed; the message names file, entry, field and value."""


# --------------------------------------------------------------------------- configuration


def lade_regeln(pfad: str | Path) -> dict:
    """Read ``sozialindex.yml`` and check its structure."""
    pfad = Path(pfad)
    try:
        cfg = yaml.safe_load(pfad.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise RegelFehler(f"{pfad.name}: Datei nicht lesbar ({err}).") from err
    pruefe_regeln(cfg, datei=pfad.name)
    return cfg


def _pruefe_klassen(klassen, datei: str, feld: str, namen: Sequence[str]) -> None:
    if not isinstance(klassen, list) or [k.get("klasse") for k in klassen] != list(namen):
        raise RegelFehler(
            f"{datei}, Feld „{feld}“: erwartet ist eine Liste der Klassen {', '.join(namen)} "
            "in dieser Reihenfolge, jeweils mit „klasse“ und „bis“."
        )
    grenzen = [k.get("bis") for k in klassen]
    if grenzen[-1] is not None or any(g is None for g in grenzen[:-1]):
        raise RegelFehler(f"{datei}, Feld „{feld}“: nur die letzte Klasse hat „bis: null“ (nach oben offen).")
    if any(b <= a for a, b in zip(grenzen[:-2], grenzen[1:-1])):
        raise RegelFehler(f"{datei}, Feld „{feld}“: die Grenzen „bis“ müssen aufsteigen, gefunden {grenzen[:-1]}.")


def pruefe_regeln(cfg: Mapping, datei: str = "sozialindex.yml", katalog: pd.DataFrame | None = None) -> None:
    """Check the structure of the index configuration (and the ids against the catalog)."""
    if not isinstance(cfg, Mapping):
        raise RegelFehler(f"{datei}: die Datei muss die Abschnitte „status“ und „dynamik“ enthalten.")
    for teil in ("status", "dynamik"):
        if teil not in cfg:
            raise RegelFehler(f"{datei}: Abschnitt „{teil}“ fehlt.")
        eintraege = cfg[teil].get("indikatoren")
        if not eintraege:
            raise RegelFehler(f"{datei}, Abschnitt „{teil}“: die Liste „indikatoren“ ist leer oder fehlt.")
        for nr, e in enumerate(eintraege, start=1):
            if "id" not in e:
                raise RegelFehler(f"{datei}, {teil}.indikatoren Eintrag {nr}: Feld „id“ fehlt.")
            g = e.get("gewicht", 1)
            if not isinstance(g, (int, float)) or g <= 0:
                raise RegelFehler(
                    f"{datei}, {teil}.indikatoren Eintrag {nr} ({e['id']}), Feld „gewicht“: "
                    f"„{g}“ ist keine positive Zahl."
                )
            if katalog is not None and e["id"] not in set(katalog["id"]):
                raise RegelFehler(
                    f"{datei}, {teil}.indikatoren Eintrag {nr}, Feld „id“: „{e['id']}“ steht nicht "
                    "in indikatoren.yml. Bitte die id aus dem Katalog übernehmen."
                )
    anteil = cfg["status"].get("mindestanteil", 1.0)
    if not isinstance(anteil, (int, float)) or isinstance(anteil, bool) or not 0 < anteil <= 1:
        raise RegelFehler(f"{datei}, Feld „status.mindestanteil“: „{anteil}“ ist keine Zahl über 0 und höchstens 1 "
                          "(Anteil des Gesamtgewichts, den die veröffentlichten Indikatoren eines Stadtteils tragen müssen).")
    _pruefe_klassen(cfg["status"].get("klassen"), datei, "status.klassen", STATUS_KLASSEN)
    _pruefe_klassen(cfg["dynamik"].get("klassen"), datei, "dynamik.klassen", DYNAMIK_KLASSEN)
    jahre = cfg["dynamik"].get("jahre")
    if not isinstance(jahre, int) or jahre < 1:
        raise RegelFehler(f"{datei}, Feld „dynamik.jahre“: „{jahre}“ ist keine positive ganze Zahl.")
    methode = cfg.get("standardisierung", "z")
    if methode not in STANDARDISIERUNGEN:
        raise RegelFehler(f"{datei}, Feld „standardisierung“: „{methode}“; erlaubt: {', '.join(STANDARDISIERUNGEN)}.")


def gewichte(cfg_teil: Mapping) -> pd.Series:
    """Weights per indicator id from a ``status`` or ``dynamik`` section."""
    return pd.Series({e["id"]: float(e.get("gewicht", 1)) for e in cfg_teil["indikatoren"]})


# --------------------------------------------------------------------------- pure computations


def standardisiere(m: pd.DataFrame, methode: str = "z") -> pd.DataFrame:
    """Standardise each column across the districts.

    ``z``: (x − mean) / sd; ``rang``: z-values of the ranks (average ranks for ties);
    ``minmax``: (x − min) / (max − min). NaN stays NaN.
    """
    if methode == "rang":
        m = m.rank(method="average")
    elif methode == "minmax":
        spanne = (m.max() - m.min())
        _konstant(spanne, m)
        return (m - m.min()) / spanne
    elif methode != "z":
        raise ValueError(f"Unbekannte Standardisierung „{methode}“; erlaubt: {', '.join(STANDARDISIERUNGEN)}.")
    sd = m.std(ddof=1)
    _konstant(sd, m)
    return (m - m.mean()) / sd


def _konstant(streuung: pd.Series, m: pd.DataFrame) -> None:
    null = streuung[~(streuung > 0)].index.tolist()
    if null:
        raise ValueError(
            f"Indikator(en) {', '.join(map(str, null))} haben in allen Stadtteilen denselben Wert "
            "(oder zu wenige Werte) und lassen sich nicht standardisieren. Bitte aus der Indexkonfiguration nehmen."
        )


def klassifizieren(index: pd.Series, klassen: Sequence[Mapping]) -> pd.Series:
    """Class names for index values by upper bounds (inclusive); NaN → ``keine Angabe``."""
    grenzen = [-np.inf] + [k["bis"] for k in klassen[:-1]] + [np.inf]
    namen = [k["klasse"] for k in klassen]
    out = pd.cut(index, bins=grenzen, labels=namen, right=True).astype(object)
    return out.where(index.notna(), KEINE_ANGABE).astype(str)


def verdichten(
    m: pd.DataFrame,
    gew: pd.Series,
    vz: pd.Series,
    methode: str = "z",
    mindestanteil: float = 1.0,
) -> pd.DataFrame:
    """Standardise, direct and combine the columns of ``m`` into one re-standardised index.

    Returns the directed components (``z_<id>``), ``summe`` (weighted mean of the available
    components), ``komponenten`` (how many were available) and ``index`` (``summe``
    z-standardised across the districts). A district whose available components carry less
    than ``mindestanteil`` of the total weight gets no index (1.0: every component needed);
    missing values are never imputed, the mean is taken over the others.
    """
    ids = list(gew.index)
    richt = vz.reindex(ids)
    falsch = richt[richt.isna() | (richt == 0)].index.tolist()
    if falsch:
        raise ValueError(f"Indikator(en) {', '.join(falsch)} haben keine Richtung (neutral) und taugen nicht für den Index.")
    komp = standardisiere(m[ids], methode) * vz.reindex(ids)
    w = gew.reindex(ids).astype(float)
    da = komp.notna()
    anteil = (da * w).sum(axis=1) / w.sum()
    summe = (komp * w).sum(axis=1, min_count=1) / (da * w).sum(axis=1)
    summe = summe.where(anteil >= mindestanteil - 1e-9)
    index = (summe - summe.mean()) / summe.std(ddof=1)
    out = komp.add_prefix("z_")
    out["summe"] = summe
    out["komponenten"] = da.sum(axis=1).astype(int)
    out["index"] = index
    return out


def mindestanteil(cfg_teil: Mapping) -> float:
    """Share of the weight a district's published components must carry for an index (default: all)."""
    return float(cfg_teil.get("mindestanteil", 1.0))


def statusindex(
    indikatoren: pd.DataFrame,
    katalog: pd.DataFrame,
    cfg: Mapping,
    jahr: int,
    reihenfolge: Sequence[str] | None = None,
    methode: str | None = None,
    gew: pd.Series | None = None,
) -> pd.DataFrame:
    """Status index of the districts in ``jahr``.

    Columns: ``stadtteil``, ``jahr``, ``z_<id>`` per component, ``summe``, ``index``,
    ``rang`` (1 = lowest status, i.e. highest index), ``klasse``.
    """
    gew = gewichte(cfg["status"]) if gew is None else gew
    methode = methode or cfg.get("standardisierung", "z")
    m = matrix(indikatoren, jahr, list(gew.index), reihenfolge)
    out = verdichten(m, gew, vorzeichen(katalog), methode, mindestanteil(cfg["status"]))
    out["rang"] = out["index"].rank(ascending=False, method="min").astype("Int64")
    out["klasse"] = klassifizieren(out["index"], cfg["status"]["klassen"])
    out.insert(0, "jahr", int(jahr))
    return out.reset_index()


def veraenderung(
    indikatoren: pd.DataFrame,
    ids: Sequence[str],
    jahr: int,
    jahre: int,
    reihenfolge: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Change of each indicator value over ``jahre`` years up to ``jahr`` (in points)."""
    start = jahr - jahre
    if not (indikatoren["jahr"] == start).any():
        raise KeyError(
            f"Für den Dynamikindex {start}–{jahr} fehlen Werte des Jahres {start}. "
            "Bitte in sozialindex.yml „dynamik.jahre“ verkürzen oder die Daten ergänzen."
        )
    return matrix(indikatoren, jahr, ids, reihenfolge) - matrix(indikatoren, start, ids, reihenfolge)


def dynamikindex(
    indikatoren: pd.DataFrame,
    katalog: pd.DataFrame,
    cfg: Mapping,
    jahr: int,
    reihenfolge: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Dynamics index: columns ``stadtteil``, ``d_<id>`` (change in points), ``dz_<id>``,
    ``dynamik_summe``, ``dynamik_index``, ``dynamik_klasse``."""
    gew = gewichte(cfg["dynamik"])
    k = int(cfg["dynamik"]["jahre"])
    d = veraenderung(indikatoren, list(gew.index), jahr, k, reihenfolge)
    v = verdichten(d, gew, vorzeichen(katalog), cfg.get("standardisierung", "z"))
    out = d.add_prefix("d_")
    out = out.join(v.rename(columns=lambda c: "d" + c if c.startswith("z_") else "dynamik_" + c))
    out["dynamik_klasse"] = klassifizieren(out["dynamik_index"], cfg["dynamik"]["klassen"])
    return out.reset_index()


def sozialindex(
    indikatoren: pd.DataFrame,
    katalog: pd.DataFrame,
    cfg: Mapping,
    jahr: int,
    reihenfolge: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Status index, dynamics index and type of each district in ``jahr``.

    The dynamics columns are NaN / ``keine Angabe`` when the start year of the
    dynamics period is not in the data.
    """
    s = statusindex(indikatoren, katalog, cfg, jahr, reihenfolge)
    try:
        d = dynamikindex(indikatoren, katalog, cfg, jahr, reihenfolge)
    except KeyError:
        d = pd.DataFrame({"stadtteil": s["stadtteil"], "dynamik_index": np.nan,
                          "dynamik_klasse": KEINE_ANGABE})
    out = s.merge(d, on="stadtteil", how="left", validate="one_to_one")
    out["typ"] = out["klasse"] + " / " + out["dynamik_klasse"]
    return out


def zeitreihe(
    indikatoren: pd.DataFrame,
    katalog: pd.DataFrame,
    cfg: Mapping,
    jahre: Sequence[int] | None = None,
    reihenfolge: Sequence[str] | None = None,
) -> pd.DataFrame:
    """:func:`sozialindex` for every year (each year standardised on its own)."""
    ids = list(gewichte(cfg["status"]).index)
    if jahre is None:
        t = indikatoren[indikatoren["indikator"].isin(ids)]
        vollstaendig = t.groupby("jahr")["indikator"].nunique()
        jahre = sorted(int(j) for j in vollstaendig[vollstaendig == len(ids)].index)
    return pd.concat([sozialindex(indikatoren, katalog, cfg, j, reihenfolge) for j in jahre],
                     ignore_index=True)


#: Columns of ``sozialindex.csv`` from the sensitivity analysis (filled for the Stichtag only).
CSV_ROBUSTHEIT = ("rang_min", "rang_max", "klassen", "robust", "grenznah", "stabil")


def csv_tabelle(index: pd.DataFrame, stabil: pd.DataFrame | None = None,
                robust: pd.DataFrame | None = None) -> pd.DataFrame:
    """The published ``sozialindex.csv``: stadtteil, jahr, index, klasse, then the components;
    with ``robust`` (:func:`robustheit`) and ``stabil`` (:func:`stabilitaet`, whose year is the
    Stichtag) also the robustness of each class at the Stichtag (the chapter table shows only some
    districts when there are many)."""
    vorne = ["stadtteil", "jahr", "index", "klasse"]
    rest = [c for c in index.columns if c.startswith("z_")] + ["summe", "rang"]
    rest += [c for c in ("dynamik_index", "dynamik_klasse", "typ") if c in index.columns]
    out = index[vorne + rest]
    if stabil is None or robust is None:
        return out
    jahr = int(stabil["jahr"].iloc[0]) if "jahr" in stabil else int(index["jahr"].max())
    r = robust.set_index("stadtteil")
    st = stabil.set_index("stadtteil")
    extra = pd.DataFrame({
        "rang_min": r["rang_min"], "rang_max": r["rang_max"], "klassen": r["klassen"],
        "robust": r["robust"].map({True: "ja", False: "nein"}),
        "grenznah": st["status_grenznah"].reindex(r.index).map({True: "ja", False: "nein"}),
        "stabil": st["klasse_stabil"].reindex(r.index).map({True: "ja", False: "nein"}),
    }).reset_index().assign(jahr=jahr)
    return out.merge(extra, on=["stadtteil", "jahr"], how="left")


# --------------------------------------------------------------------------- sensitivity


def varianten(cfg: Mapping) -> list[dict]:
    """The sensitivity variants: base, equal weights, leave one out, other standardisations."""
    gew = gewichte(cfg["status"])
    basis = cfg.get("standardisierung", "z")
    out = [{"variante": "Basis", "gewichte": gew, "methode": basis}]
    out.append({"variante": "gleiche Gewichte", "gewichte": gew * 0 + 1.0, "methode": basis})
    if len(gew) > 1:
        for i in gew.index:
            out.append({"variante": f"ohne {i}", "gewichte": gew.drop(i), "methode": basis})
    for m in STANDARDISIERUNGEN:
        if m != basis:
            out.append({"variante": f"Standardisierung {m}", "gewichte": gew, "methode": m})
    return out


def sensitivitaet(
    indikatoren: pd.DataFrame,
    katalog: pd.DataFrame,
    cfg: Mapping,
    jahr: int,
    reihenfolge: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Index, rank and class of every district under every variant (long table).

    Columns: ``variante``, ``stadtteil``, ``index``, ``rang``, ``klasse``,
    ``rang_basis``, ``verschiebung`` (rang − rang_basis).
    """
    teile = []
    for v in varianten(cfg):
        s = statusindex(indikatoren, katalog, cfg, jahr, reihenfolge, methode=v["methode"], gew=v["gewichte"])
        teile.append(s[["stadtteil", "index", "rang", "klasse"]].assign(variante=v["variante"]))
    out = pd.concat(teile, ignore_index=True)
    basis = out[out["variante"] == "Basis"].set_index("stadtteil")["rang"]
    out["rang_basis"] = out["stadtteil"].map(basis).astype("Int64")
    out["verschiebung"] = (out["rang"] - out["rang_basis"]).astype("Int64")
    return out[["variante", "stadtteil", "index", "rang", "klasse", "rang_basis", "verschiebung"]]


def robustheit(sens: pd.DataFrame) -> pd.DataFrame:
    """Per district: base rank and class, rank range over the variants, and whether the class is robust.

    Columns: ``stadtteil``, ``rang_basis``, ``rang_min``, ``rang_max``,
    ``max_verschiebung`` (largest absolute rank shift), ``klasse_basis``,
    ``klassen`` (all classes seen, in class order), ``anteil_gleich`` (share of
    variants with the base class), ``robust`` (same class in every variant).
    """
    reihen = list(dict.fromkeys(sens["stadtteil"]))
    ordnung = {k: i for i, k in enumerate(STATUS_KLASSEN + [KEINE_ANGABE])}
    zeilen = []
    for name in reihen:
        g = sens[sens["stadtteil"] == name]
        basis = g[g["variante"] == "Basis"].iloc[0]
        klassen = sorted(set(g["klasse"]), key=lambda k: ordnung.get(k, 99))
        gleich = float((g["klasse"] == basis["klasse"]).mean())
        raenge = g["rang"].dropna()
        verschiebung = g["verschiebung"].dropna()
        zeilen.append({
            "stadtteil": name,
            "rang_basis": basis["rang"],
            "rang_min": raenge.min() if len(raenge) else pd.NA,
            "rang_max": raenge.max() if len(raenge) else pd.NA,
            "max_verschiebung": verschiebung.abs().max() if len(verschiebung) else pd.NA,
            "klasse_basis": basis["klasse"],
            "klassen": " / ".join(klassen),
            "anteil_gleich": gleich,
            # a district without an index is never "robust": there is nothing to be robust
            "robust": gleich == 1.0 and basis["klasse"] != KEINE_ANGABE,
        })
    # nullable integers: a district without an index has no base rank (NA), the others keep ints
    ganz = ["rang_basis", "rang_min", "rang_max", "max_verschiebung"]
    return pd.DataFrame(zeilen).astype(dict.fromkeys(ganz, "Int64"))


# --------------------------------------------------------------------------- stability of the classes

#: Default half width of the tolerance band at the class borders (in standard deviations of the index).
TOLERANZBAND = 0.1


def grenznah(werte: pd.Series, klassen: Sequence[Mapping], band: float) -> pd.Series:
    """True where an index value lies within ± ``band`` of a class border (NaN → False)."""
    grenzen = np.array([k["bis"] for k in klassen[:-1]], dtype=float)
    w = werte.to_numpy(dtype=float)
    abstand = np.abs(w[:, None] - grenzen[None, :]).min(axis=1) if len(grenzen) else np.full(len(w), np.inf)
    return pd.Series(np.where(np.isfinite(w), abstand < band, False), index=werte.index)


def stabilitaet(index: pd.DataFrame, robust: pd.DataFrame, cfg: Mapping) -> pd.DataFrame:
    """The index with ``status_grenznah``, ``klasse_stabil`` (same class in every sensitivity variant
    and outside the tolerance band ``status.toleranzband`` at the class borders), ``dynamik_grenznah`` and
    ``dynamik_stabil`` (outside ``dynamik.toleranzband``). A district without index, or with an index
    from fewer than all components (a suppressed value), is not stable."""
    out = index.copy()
    b_s = float(cfg["status"].get("toleranzband", TOLERANZBAND))
    b_d = float(cfg["dynamik"].get("toleranzband", TOLERANZBAND))
    out["status_grenznah"] = grenznah(out["index"], cfg["status"]["klassen"], b_s)
    rob = out["stadtteil"].map(robust.set_index("stadtteil")["robust"]).fillna(False).astype(bool)
    n_komp = sum(1 for c in out.columns if c.startswith("z_"))
    vollstaendig = out["komponenten"] == n_komp if "komponenten" in out else True
    out["klasse_stabil"] = rob & ~out["status_grenznah"] & out["index"].notna() & vollstaendig
    if "dynamik_index" in out:
        out["dynamik_grenznah"] = grenznah(out["dynamik_index"], cfg["dynamik"]["klassen"], b_d)
        out["dynamik_stabil"] = ~out["dynamik_grenznah"] & out["dynamik_index"].notna()
    return out


def kleine_nenner_gewichte(cfg: Mapping, indikatoren: pd.DataFrame, jahr: int, mindestnenner: float) -> list[str]:
    """Status components with weight > 1 whose district values rest on denominators below
    ``mindestnenner`` in ``jahr`` (such an indicator must not be weighted double: its noise would
    drive the index)."""
    gew = gewichte(cfg["status"])
    t = indikatoren[(indikatoren["jahr"] == jahr) & (indikatoren["stadtteil"] != "Gesamtstadt")]
    klein = set(t.loc[t["nenner"] < mindestnenner, "indikator"])
    return [i for i, w in gew.items() if w > 1 and i in klein]


def pruefe_gewichte(cfg: Mapping, indikatoren: pd.DataFrame, jahr: int, mindestnenner: float,
                    datei: str = "sozialindex.yml") -> None:
    """Raise :class:`RegelFehler` when :func:`kleine_nenner_gewichte` finds an indicator."""
    falsch = kleine_nenner_gewichte(cfg, indikatoren, jahr, mindestnenner)
    if falsch:
        raise RegelFehler(
            f"{datei}, status.indikatoren: {', '.join(falsch)} hat ein Gewicht über 1, aber Stadtteilwerte mit einer "
            f"Bezugsgröße unter {mindestnenner:g} im Jahr {jahr}. Kleine Fallzahlen würden den Index so doppelt "
            "bestimmen; bitte „gewicht: 1“ setzen.")


# --------------------------------------------------------------------------- sentences and tables


def _gross(text: str) -> str:
    return text[:1].upper() + text[1:]


def befund(index: pd.DataFrame, robust: pd.DataFrame, n_varianten: int, stichtag: str) -> list[str]:
    """Computed sentences on the status and dynamics classes and their robustness.

    ``n_varianten`` counts all variants of the sensitivity analysis including the base.
    """
    from helpers import format as fmt

    saetze = []
    anz = index["klasse"].value_counts()
    adjektiv = {"hoch": "hohem", "mittel": "mittlerem", "niedrig": "niedrigem", "sehr niedrig": "sehr niedrigem"}
    teile = [f"{fmt.anzahl(int(anz.get(k, 0)), 'Stadtteil', 'Stadtteile', 'm', 'akk')} mit {adjektiv[k]}"
             for k in STATUS_KLASSEN]
    saetze.append(f"Nach dem Statusindex gibt es am {stichtag} in den vorliegenden Daten "
                  f"{fmt.aufzaehlung(teile)} sozialem Status.")
    t = index.dropna(subset=["index"]).sort_values("index", ascending=False)
    if len(t):
        saetze.append(f"Den niedrigsten Status hat {t.iloc[0]['stadtteil']} (Index {fmt.vorzeichen(t.iloc[0]['index'], 2)}), "
                      f"den höchsten {t.iloc[-1]['stadtteil']} ({fmt.vorzeichen(t.iloc[-1]['index'], 2)}).")
    if "dynamik_klasse" in index and (index["dynamik_klasse"] != KEINE_ANGABE).any():
        neg = index.loc[index["dynamik_klasse"] == "negativ", "stadtteil"].tolist()
        pos = index.loc[index["dynamik_klasse"] == "positiv", "stadtteil"].tolist()
        teil = []
        if neg:
            teil.append(f"eine im Vergleich ungünstige Entwicklung (Dynamik „negativ“) zeigt {fmt.aufzaehlung(neg)}")
        if pos:
            teil.append(f"eine günstige (Dynamik „positiv“) {fmt.aufzaehlung(pos)}")
        saetze.append((_gross("; ".join(teil)) if teil else
                       "Kein Stadtteil entwickelt sich deutlich anders als die übrigen (alle Dynamik „stabil“)") + ".")
        kritisch = index[index["klasse"].isin(["niedrig", "sehr niedrig"]) & (index["dynamik_klasse"] == "negativ")]
        if len(kritisch):
            saetze.append(f"Niedriger Status und ungünstige Entwicklung treffen in {fmt.aufzaehlung(kritisch['stadtteil'].tolist())} "
                          "zusammen.")
    stabil = robust[robust["robust"]]
    wechsel = robust[~robust["robust"]]
    satz = (f"In allen {n_varianten} Berechnungsvarianten (Basis und {n_varianten - 1} Abwandlungen) bleibt die "
            f"Klasse von {len(stabil)} der {len(robust)} Stadtteile gleich")
    if len(wechsel):
        satz += "; sie wechselt bei " + fmt.aufzaehlung(
            [f"{r.stadtteil} ({r.klassen})" for r in wechsel.itertuples()])
    saetze.append(satz + ".")
    if robust["max_verschiebung"].notna().any():
        m = robust.loc[robust["max_verschiebung"].astype(float).idxmax()]
        if int(m["max_verschiebung"]) == 0:
            saetze.append("Die Rangfolge der Stadtteile ist in allen Varianten gleich.")
        else:
            saetze.append(f"Die größte Rangverschiebung zwischen den Varianten beträgt {int(m['max_verschiebung'])} "
                          f"{'Platz' if int(m['max_verschiebung']) == 1 else 'Plätze'} ({m['stadtteil']}).")
    return saetze


def methode_text(cfg: Mapping, katalog: pd.DataFrame) -> str:
    """The index configuration in words (components, weights, dynamics period, thresholds)."""
    from helpers import format as fmt

    titel = katalog.set_index("id")["titel"]
    gew = gewichte(cfg["status"])
    gleich = gew.nunique() == 1
    teile = [f"„{titel.get(i, i)}“" + ("" if gleich else f" (Gewicht {fmt.zahl(w, 0 if float(w).is_integer() else 1)})")
             for i, w in gew.items()]
    g = [k["bis"] for k in cfg["status"]["klassen"][:-1]]
    dyn = [f"„{titel.get(i, i)}“" for i in gewichte(cfg["dynamik"]).index]
    return (
        f"Der Statusindex fasst {len(gew)}{' gleich gewichtete' if gleich else ''} Indikatoren zusammen: "
        f"{fmt.aufzaehlung(teile)}. "
        f"Die Klassen folgen den Standardabweichungen des Index: „hoch“ bis {fmt.vorzeichen(g[0], 1)}, "
        f"„mittel“ bis {fmt.vorzeichen(g[1], 1)}, „niedrig“ bis {fmt.vorzeichen(g[2], 1)}, darüber „sehr niedrig“. "
        f"Der Dynamikindex beruht auf der Veränderung der Indikatoren {fmt.aufzaehlung(dyn)} über "
        f"{cfg['dynamik']['jahre']} Jahre bis zum Berichtsjahr."
    )


def variante_name(variante: str, kurz: Mapping[str, str]) -> str:
    """A readable name for a sensitivity variant (indicator ids replaced by short titles)."""
    if variante.startswith("ohne "):
        i = variante[5:]
        return f"ohne „{kurz.get(i, i)}“"
    return {"Standardisierung rang": "Rang-Standardisierung",
            "Standardisierung minmax": "Min-Max-Standardisierung",
            "Standardisierung z": "z-Standardisierung"}.get(variante, variante)


def varianten_text(sens: pd.DataFrame, kurz: Mapping[str, str]) -> str:
    """Which variants the sensitivity analysis checked, in words."""
    from helpers import format as fmt

    namen = [variante_name(v, kurz) for v in dict.fromkeys(sens["variante"]) if v != "Basis"]
    return f"Geprüft wurden {len(namen)} Varianten neben der Basis: {fmt.aufzaehlung(namen)}."


def _rang(x) -> str:
    return "–" if pd.isna(x) else str(int(x))


def index_tabelle(index: pd.DataFrame, kurz: Mapping[str, str]) -> pd.DataFrame:
    """Status index, class, the directed components, dynamics index and class per district,
    highest index (lowest status) first, as German strings."""
    from helpers import format as fmt

    t = index.sort_values("index", ascending=False).reset_index(drop=True)
    n_komp = sum(1 for c in t.columns if c.startswith("z_"))
    # an index from fewer components than configured is marked: "+0,84¹" (see the table note)
    teil = ["" if "komponenten" not in t or pd.isna(x) or k == n_komp else TEILINDEX
            for x, k in zip(t["index"], t.get("komponenten", [n_komp] * len(t)))]
    tab = {"Stadtteil": t["stadtteil"], "Index": [fmt.vorzeichen(x, 2) + m for x, m in zip(t["index"], teil)],
           "Klasse": t["klasse"]}
    tab.update({kurz.get(c[2:], c[2:]): [fmt.vorzeichen(x, 1) for x in t[c]] for c in t.columns if c.startswith("z_")})
    tab.update({"Dynamik": [fmt.vorzeichen(x, 2) for x in t["dynamik_index"]], "Dynamikklasse": t["dynamik_klasse"]})
    return auszug(pd.DataFrame(tab), t["stadtteil"], t.set_index("stadtteil")["index"], "Statusindex", IM_DOWNLOAD)


#: Mark of an index computed without one of its components (a suppressed value), see :func:`teilindex_satz`.
TEILINDEX = "¹"


def teilindex_satz(index: pd.DataFrame) -> str:
    """Which districts got their index from fewer components (empty when none)."""
    from helpers import format as fmt

    n_komp = sum(1 for c in index.columns if c.startswith("z_"))
    if "komponenten" not in index:
        return ""
    teil = index[index["index"].notna() & (index["komponenten"] < n_komp)]
    if teil.empty:
        return ""
    namen = [f"{r.stadtteil} ({r.komponenten} von {n_komp})" for r in teil.itertuples()]
    if len(namen) == 1:
        return (f"{TEILINDEX} Der Index von {namen[0]} beruht auf weniger Indikatoren, weil ein Wert aus Gründen "
                "des Datenschutzes gesperrt ist; er ist der Mittelwert der übrigen, die Einstufung gilt deshalb "
                "nicht als stabil.")
    return (f"{TEILINDEX} Die Indizes von {fmt.aufzaehlung(namen)} beruhen auf weniger Indikatoren, weil Werte aus "
            "Gründen des Datenschutzes gesperrt sind; sie sind die Mittelwerte der übrigen, die Einstufungen gelten "
            "deshalb nicht als stabil.")


#: Text columns of :func:`index_tabelle` (the others are right-aligned numbers).
INDEX_TABELLE_TEXT = ("Stadtteil", "Klasse", "Dynamikklasse")


def robustheit_tabelle(robust: pd.DataFrame, stabil: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`robustheit` for the reader, by base rank ("–" for a district without index); with
    ``stabil`` (:func:`stabilitaet`) also whether the index lies in the tolerance band at a class border
    and whether the class is stable (robust and outside the band) – only a stable class decides a need."""
    r = robust.sort_values("rang_basis")
    if stabil is not None:
        st = stabil.set_index("stadtteil")
        extra = {"An einer Klassengrenze": ["ja" if st.loc[s, "status_grenznah"] else "nein" for s in r["stadtteil"]],
                 "Einstufung stabil": ["ja" if st.loc[s, "klasse_stabil"] else "nein" for s in r["stadtteil"]]}
    else:
        extra = {}
    tab = pd.DataFrame({
        "Stadtteil": r["stadtteil"],
        "Rang (Basis)": [_rang(x) for x in r["rang_basis"]],
        "Rangspanne": [_rang(a) if pd.isna(a) or a == b else f"{int(a)}–{int(b)}"
                       for a, b in zip(r["rang_min"], r["rang_max"])],
        "Klasse (Basis)": r["klasse_basis"],
        "Klassen in allen Varianten": r["klassen"],
        "Einstufung robust": ["ja" if x else "nein" for x in r["robust"]],
        **extra,
    })
    return auszug(tab, r["stadtteil"], -r.set_index("stadtteil")["rang_basis"], "Statusindex", IM_DOWNLOAD)


def stabil_satz(stabil: pd.DataFrame, cfg: Mapping) -> str:
    """How many classes are stable (robust and outside the tolerance band), naming the others."""
    from helpers import format as fmt

    mit = stabil[stabil["index"].notna()]
    nicht = mit.loc[~mit["klasse_stabil"].astype(bool), "stadtteil"].tolist()
    band = float(cfg["status"].get("toleranzband", TOLERANZBAND))
    satz = (f"Stabil eingestuft – in allen Varianten dieselbe Klasse und mehr als {fmt.zahl(band, 1)} "
            f"Standardabweichungen von der nächsten Klassengrenze entfernt – sind {len(mit) - len(nicht)} der "
            f"{len(mit)} Stadtteile")
    if nicht:
        satz += f"; nicht stabil eingestuft {'ist' if len(nicht) == 1 else 'sind'} {fmt.aufzaehlung(nicht)}"
    return satz + ". Nur eine stabile Einstufung begründet für sich einen Handlungsbedarf."


def grenzen_text(n_stadtteile: int) -> str:
    """What the relative index cannot show, with the number of districts."""
    return (
        "Der Index ist relativ: Er ordnet die Stadtteile im Verhältnis zueinander und zeigt nicht, ob die Lage "
        "absolut gut oder schlecht ist; auch bei insgesamt sinkender Armut gibt es immer Stadtteile über dem Mittel. "
        f"Mit {n_stadtteile} Stadtteilen beruhen Mittelwert und Standardabweichung auf wenigen Werten, "
        "sodass ein Stadtteil nahe einer Klassengrenze schon bei kleinen Änderungen der Daten die Klasse wechseln kann. "
        "Die Sensitivitätsanalyse zeigt, welche Einstufungen davon unberührt bleiben."
    )
