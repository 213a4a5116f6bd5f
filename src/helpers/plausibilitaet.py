"""Plausibility checks of the delivered data: warnings for the analyst, not errors.

The data check (:mod:`helpers.daten.pruefen`) stops the build for values that cannot be
right (negative counts, numerators above their denominator). The checks here find values
that *may* be wrong and should be looked at before they are interpreted:

``extremanteil``
    A proportion of exactly 0 % or 100 % on a sizeable denominator: at the city's rate at
    least ``mindest_erwartet`` cases (resp. non-cases) would be expected, so that a 0 is very
    unlikely to be chance (Poisson: P(0) = e^−10 for 10 expected cases); declared structural zeros (catalog ``strukturelle_null``) and rates that are no
    proportion (``zaehler_kann_nenner_uebersteigen``) are left out.
``sprung``
    A year-to-year change of a rate far beyond the series' variation – a possible series break
    (new definition, new delivery system, wrong file): the change differs from the median
    change of the indicator by more than ``faktor`` robust standard deviations
    (1,4826 × median absolute deviation over all districts and years) *and* by more than
    three binomial standard errors (small districts jump by chance).
``wahlbeteiligung``
    Turnout above ``hoechstens`` per cent.
``gleiche_werte``
    A Merkmal with the same value of at least ``mindestwert`` in at least
    ``mindest_stadtteile`` districts in one year (copied cells, placeholder values), unless
    that many equal counts are to be expected by chance: with many districts, counts of
    similar size coincide (birthday problem). The chance rate of one value is estimated from
    how many districts have counts nearby (within ±10 %, at least ±2); a coincidence is flagged
    only when its Poisson probability is below ``zufall`` divided by the number of distinct
    values of the Merkmal that year (Bonferroni; small counts are left out).

Settings: ``regeln/plausibilitaet.yml``. The checks run on the internal, unsuppressed
values; the report names indicator, district and year and shows a value only where it is
published. A flagged value is never silently used: the needs rules treat it as
"nicht bewertbar" (:mod:`helpers.bedarfe`), and the build prints every warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.sozialindex import RegelFehler

STADT = "Gesamtstadt"
STANDARD = {
    "extremanteil": {"mindest_erwartet": 10},
    "sprung": {"faktor": 5.0, "mindestnenner": 50},
    "wahlbeteiligung": {"indikatoren": [], "hoechstens": 90.0},
    "gleiche_werte": {"mindest_stadtteile": 4, "mindestwert": 20, "zufall": 0.001},
}
SPALTEN = ["pruefung", "indikator", "stadtteil", "jahr", "beschreibung"]
NAMEN = {"extremanteil": "Anteil 0 % oder 100 %", "sprung": "Sprung in der Zeitreihe",
         "wahlbeteiligung": "Wahlbeteiligung über der Obergrenze", "gleiche_werte": "gleicher Wert in vielen Stadtteilen"}


def lade(pfad: str | Path | None) -> dict:
    """Settings from ``plausibilitaet.yml`` (None: the defaults), each check merged with :data:`STANDARD`."""
    roh = {}
    if pfad is not None:
        pfad = Path(pfad)
        try:
            roh = yaml.safe_load(pfad.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise RegelFehler(f"{pfad.name}: Datei nicht lesbar ({err}).") from err
        for k, v in roh.items():
            if k not in STANDARD or not isinstance(v, Mapping):
                raise RegelFehler(f"{pfad.name}, Abschnitt „{k}“: unbekannt oder keine Felder; erlaubt sind "
                                  f"{', '.join(STANDARD)}.")
            for f in v:
                if f not in STANDARD[k]:
                    raise RegelFehler(f"{pfad.name}, {k}.{f}: unbekanntes Feld; erlaubt sind {', '.join(STANDARD[k])}.")
    return {k: {**STANDARD[k], **(roh.get(k) or {})} for k in STANDARD}


def _zeile(pruefung, indikator, stadtteil, jahr, beschreibung):
    return {"pruefung": pruefung, "indikator": indikator, "stadtteil": stadtteil, "jahr": int(jahr),
            "beschreibung": beschreibung}


def extremanteile(ind: pd.DataFrame, katalog: pd.DataFrame, mindest_erwartet: float) -> list[dict]:
    kat = katalog.set_index("id")
    anteil = [i for i in kat.index if pd.notna(kat.loc[i, "nenner"])
              and not bool(kat.loc[i].get("zaehler_kann_nenner_uebersteigen", False))]
    stadt = ind[ind["stadtteil"] == STADT].set_index(["indikator", "jahr"])
    p_stadt = (stadt["zaehler"] / stadt["nenner"]).to_dict()
    t = ind[ind["indikator"].isin(anteil) & (ind["stadtteil"] != STADT) & (ind["nenner"] > 0)]
    out = []
    for r in t.itertuples():
        p = p_stadt.get((r.indikator, r.jahr), np.nan)
        if not np.isfinite(p):
            continue
        if r.zaehler == 0 and p * r.nenner >= mindest_erwartet and not bool(kat.loc[r.indikator].get("strukturelle_null", False)):
            out.append(_zeile("extremanteil", r.indikator, r.stadtteil, r.jahr,
                              f"0 %, obwohl beim Anteil der Gesamtstadt etwa {p * r.nenner:.0f} Fälle zu erwarten wären"))
        elif r.zaehler == r.nenner and (1 - p) * r.nenner >= mindest_erwartet:
            out.append(_zeile("extremanteil", r.indikator, r.stadtteil, r.jahr,
                              f"100 %, obwohl beim Anteil der Gesamtstadt etwa {(1 - p) * r.nenner:.0f} Ausnahmen zu "
                              "erwarten wären"))
    return out


def spruenge(ind: pd.DataFrame, katalog: pd.DataFrame, faktor: float, mindestnenner: float) -> list[dict]:
    kat = katalog.set_index("id")
    quoten = kat.index[kat["nenner"].notna()]
    t = ind[(ind["stadtteil"] != STADT) & ind["wert"].notna() & ind["indikator"].isin(quoten)].sort_values(["indikator", "stadtteil", "jahr"])
    t = t.assign(delta=t.groupby(["indikator", "stadtteil"])["wert"].diff(),
                 vorjahr=t.groupby(["indikator", "stadtteil"])["jahr"].shift(),
                 vorwert=t.groupby(["indikator", "stadtteil"])["wert"].shift())
    t = t[t["delta"].notna() & (t["jahr"] - t["vorjahr"] == 1)]
    # a declared structural zero (facility closed or opened) is no series break
    null = t["indikator"].map(kat["strukturelle_null"]).fillna(False).astype(bool) if "strukturelle_null" in kat else False
    t = t[~(null & ((t["wert"] == 0) | (t["vorwert"] == 0)))]
    out = []
    for i, g in t.groupby("indikator", sort=False):
        med = g["delta"].median()
        streuung = 1.4826 * (g["delta"] - med).abs().median()
        if not streuung > 0:
            continue
        f = float(kat.loc[i, "faktor"]) if i in kat.index else 1.0
        p = (g["wert"] / f).clip(0, 1)
        se = np.sqrt(p * (1 - p) / g["nenner"]) * f
        # the change of two independent binomial shares has about sqrt(2) × their SE
        gross = (((g["delta"] - med).abs() > faktor * streuung) & (g["delta"].abs() > 3 * np.sqrt(2) * se.fillna(0))
                 & (g["nenner"] >= mindestnenner))
        for r in g[gross].itertuples():
            out.append(_zeile("sprung", i, r.stadtteil, r.jahr,
                              f"Veränderung zum Vorjahr {abs(r.delta) / streuung:.0f}-mal so groß wie die übliche "
                              "Schwankung der Reihe (möglicher Zeitreihenbruch)"))
    return out


def wahlbeteiligung(ind: pd.DataFrame, ids, hoechstens: float) -> list[dict]:
    t = ind[ind["indikator"].isin(list(ids)) & (ind["wert"] > hoechstens)]
    return [_zeile("wahlbeteiligung", r.indikator, r.stadtteil, r.jahr, f"Wahlbeteiligung über {hoechstens:g} %")
            for r in t.itertuples()]


def gleiche_werte(bestand: pd.DataFrame, mindest: int, mindestwert: float, zufall: float = 0.001) -> list[dict]:
    from scipy.stats import poisson

    t = bestand[(bestand["stadtteil"].astype(str) != STADT) & (bestand["wert"] >= mindestwert)]
    t = t.astype({"merkmal": str, "stadtteil": str})
    z = []
    for (merkmal, jahr), g in t.groupby(["merkmal", "jahr"], observed=True, sort=True):
        werte = g["wert"].to_numpy(dtype=float)
        zahlen, anzahl = np.unique(werte, return_counts=True)
        ganz = bool(np.all(werte == np.round(werte)))
        for v, k in zip(zahlen, anzahl):
            if k < mindest:
                continue
            rate = 0.0
            if ganz:  # equal counts happen by chance at the density of nearby counts
                w = max(2.0, np.floor(0.1 * v))
                nah = np.sum((np.abs(werte - v) <= w) & (werte != v))
                rate = nah / (2 * w)
            if poisson.sf(k - 1, rate) < zufall / len(zahlen):  # Bonferroni over the values of the year
                z.append(_zeile("gleiche_werte", merkmal, "", int(jahr),
                                f"derselbe Wert in {int(k)} Stadtteilen (kopierte Zellen oder Platzhalter?)"))
    return z


def pruefen(intern: pd.DataFrame, katalog: pd.DataFrame, bestand: pd.DataFrame | None, cfg: Mapping) -> pd.DataFrame:
    """All plausibility warnings (columns :data:`SPALTEN`), in a fixed order.

    ``intern``: indicators without disclosure control
    (:meth:`helpers.daten.Datenbestand.indikatoren_intern`); ``bestand``: the delivered Merkmale.
    """
    z = []
    z += extremanteile(intern, katalog, cfg["extremanteil"]["mindest_erwartet"])
    z += spruenge(intern, katalog, cfg["sprung"]["faktor"], cfg["sprung"]["mindestnenner"])
    z += wahlbeteiligung(intern, cfg["wahlbeteiligung"]["indikatoren"], cfg["wahlbeteiligung"]["hoechstens"])
    if bestand is not None:
        g = cfg["gleiche_werte"]
        z += gleiche_werte(bestand, g["mindest_stadtteile"], g["mindestwert"], g["zufall"])
    out = pd.DataFrame(z, columns=SPALTEN)
    return out.sort_values(["pruefung", "indikator", "jahr", "stadtteil"], kind="stable").reset_index(drop=True)


def auffaellig(warnungen: pd.DataFrame, jahr: int) -> set[tuple[str, str]]:
    """(district, indicator) pairs flagged in ``jahr`` (these never decide a need)."""
    t = warnungen[(warnungen["jahr"] == jahr) & (warnungen["stadtteil"] != "")]
    return set(zip(t["stadtteil"], t["indikator"]))


def meldungen(warnungen: pd.DataFrame) -> list[str]:
    """One line per warning, for the build log."""
    return [f"Plausibilität: {NAMEN[r.pruefung]} – {r.indikator}"
            + (f", {r.stadtteil}" if r.stadtteil else "") + f", {r.jahr}: {r.beschreibung}"
            for r in warnungen.itertuples()]


def fuer(daten) -> pd.DataFrame:
    """:func:`pruefen` for a :class:`helpers.daten.Datenbestand` with its rule file (data folder first)."""
    from helpers.anhang import regel_datei

    cfg = lade(regel_datei(daten.ordner, "plausibilitaet.yml"))
    return pruefen(daten.indikatoren_intern(), daten.katalog.indikatoren, daten.bestand, cfg)


def tabelle(warnungen: pd.DataFrame, oeffentlich: pd.DataFrame, kurz: Mapping[str, str]) -> pd.DataFrame:
    """The warnings for the appendix; the value only where it is published (else "•")."""
    from helpers import format as fmt

    if warnungen.empty:
        return pd.DataFrame({"Hinweis": ["Keine Auffälligkeiten gefunden."]})
    o = oeffentlich.set_index(["stadtteil", "indikator", "jahr"])["wert"]

    def wert(r):
        if not r.stadtteil:
            return ""
        w = o.get((r.stadtteil, r.indikator, r.jahr), np.nan)
        return fmt.GESPERRT if pd.isna(w) else fmt.zahl(w, 1)

    return pd.DataFrame({
        "Prüfung": [NAMEN[p] for p in warnungen["pruefung"]],
        "Indikator bzw. Merkmal": [kurz.get(i, i) for i in warnungen["indikator"]],
        "Stadtteil": warnungen["stadtteil"].replace("", "–"),
        "Jahr": warnungen["jahr"].astype(str),
        "Wert": [wert(r) for r in warnungen.itertuples()],
        "Befund": warnungen["beschreibung"],
    })


def befund(warnungen: pd.DataFrame, jahr: int) -> str:
    """The checks in one sentence for the appendix: how many warnings, how many concern district values
    of the Berichtsjahr (those never decide a need)."""
    n = len(warnungen)
    if not n:
        return "Die Prüfung findet in dieser Ausgabe keine Auffälligkeiten."
    n_s = len(auffaellig(warnungen, jahr))
    satz = (f"Die Prüfung findet in dieser Ausgabe {n} {'Auffälligkeit' if n == 1 else 'Auffälligkeiten'} in "
            f"{warnungen['indikator'].nunique()} Indikatoren bzw. Merkmalen")
    if n_s:
        satz += (f"; {n_s} davon {'betrifft einen Stadtteilwert' if n_s == 1 else 'betreffen Stadtteilwerte'} am "
                 f"Stichtag und {'begründet' if n_s == 1 else 'begründen'} keinen Handlungsbedarf, bevor "
                 f"{'er' if n_s == 1 else 'sie'} geprüft {'ist' if n_s == 1 else 'sind'}")
    else:
        satz += "; keine davon betrifft einen Stadtteilwert am Stichtag"
    return satz + ". @tbl-anhang-plausibilitaet listet sie."
