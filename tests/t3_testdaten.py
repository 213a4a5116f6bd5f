"""Synthetic indicator tables for the Teil III tests (contract of helpers.daten, no files).

One latent "disadvantage" score per district drives the burden indicators up and
the advantage indicators down, with seeded noise; city rows are sums of the
district numerators and denominators, as in the data layer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STADTTEILE = [f"Stadtteil {c}" for c in "ABCDEFGHIJK"]

KATALOG = pd.DataFrame([
    # id, titel, kurztitel, handlungsfeld, richtung, faktor, einheit, kern, basis, ladung
    ("alo", "Arbeitslosenquote", "Arbeitslose", 2, "belastung", 100, "%", True, 6.0, 2.0),
    ("sgb2", "SGB-II-Quote", "SGB II", 2, "belastung", 100, "%", True, 10.0, 4.0),
    ("sgb2_u15", "SGB-II-Quote unter 15", "SGB II u15", 2, "belastung", 100, "%", True, 18.0, 7.0),
    ("sprache", "Sprachförderbedarf Einschulung", "Sprache", 4, "belastung", 100, "%", True, 20.0, 5.0),
    ("gym", "Übergänge aufs Gymnasium", "Gymnasium", 5, "vorteil", 100, "%", True, 40.0, -8.0),
    ("kita35", "Betreuungsquote 3–5", "Kita 3–5", 3, "vorteil", 100, "%", False, 92.0, -2.0),
    ("auslaender", "Anteil nichtdeutscher Einwohner", "Nichtdeutsche", 1, "neutral", 100, "%", True, 9.0, 2.0),
], columns=["id", "titel", "kurztitel", "handlungsfeld", "richtung", "faktor", "einheit", "kern", "basis", "ladung"])
KATALOG["nenner"] = KATALOG["id"] + "_nenner"
KATALOG["zaehler"] = KATALOG["id"] + "_zaehler"


def latent(seed: int = 1, n: int = len(STADTTEILE)) -> np.ndarray:
    z = np.random.default_rng(seed).normal(size=n)
    return (z - z.mean()) / z.std(ddof=1)


def tabelle(
    seed: int = 1,
    jahre=range(2014, 2019),
    stadtteile=STADTTEILE,
    trend: float = 0.0,
    rauschen: float = 0.6,
) -> pd.DataFrame:
    """Long indicator table (districts and Gesamtstadt) with the columns of the contract."""
    rng = np.random.default_rng(seed + 100)
    lat = latent(seed, len(stadtteile))
    nenner_basis = rng.integers(800, 4000, size=len(stadtteile))
    zeilen = []
    for j_i, jahr in enumerate(jahre):
        drift = rng.normal(scale=0.3, size=len(stadtteile)) * j_i * trend
        for _, k in KATALOG.iterrows():
            rate = k["basis"] + k["ladung"] * (lat + drift) + rng.normal(scale=rauschen, size=len(stadtteile))
            rate = np.clip(rate, 0.5, 99.5)
            nenner = nenner_basis + rng.integers(-50, 50, size=len(stadtteile))
            zaehler = np.round(rate / 100 * nenner)
            for s, z, nn in zip(stadtteile, zaehler, nenner):
                zeilen.append((s, jahr, k["id"], z, float(nn)))
            zeilen.append(("Gesamtstadt", jahr, k["id"], zaehler.sum(), float(nenner.sum())))
    t = pd.DataFrame(zeilen, columns=["stadtteil", "jahr", "indikator", "zaehler", "nenner"])
    t["wert"] = t["zaehler"] / t["nenner"] * 100
    t["gesperrt"] = False
    t["unsicher"] = False
    t["jahr"] = t["jahr"].astype(int)
    return t[["stadtteil", "jahr", "indikator", "wert", "zaehler", "nenner", "gesperrt", "unsicher"]]


def permutiert(t: pd.DataFrame, seed: int = 7) -> tuple[pd.DataFrame, dict]:
    """Same table with the district labels shuffled (city rows unchanged). Returns (table, old→new)."""
    namen = [s for s in dict.fromkeys(t["stadtteil"]) if s != "Gesamtstadt"]
    neu = list(np.random.default_rng(seed).permutation(namen))
    abbildung = dict(zip(namen, neu))
    out = t.copy()
    out["stadtteil"] = out["stadtteil"].map(lambda s: abbildung.get(s, s))
    return out, abbildung


def katalog() -> pd.DataFrame:
    return KATALOG.drop(columns=["basis", "ladung"]).copy()
