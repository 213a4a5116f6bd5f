"""Wirkungsziele (Teil IV): targets as data, status computed from the data.

A target in ``data/regeln/wirkungsziele.yml`` names an indicator, an ``ebene``
(``Gesamtstadt`` or ``Stadtteil`` = every district on its own) and a rule that
turns the baseline into a target value, so that no data figure is typed:

``relativ``        target = baseline × (1 + wert)            (wert = −0.2: a fifth lower)
``punkte``         target = baseline + wert                   (in the indicator's unit)
``absolut``        target = wert
``abstand_stadt``  target = baseline − wert × (baseline − city baseline) for districts
                   less favourable than the city; the others keep their baseline
                   (wert = 0.5: halve the gap to the city)

The baseline is the value in ``basisjahr`` (the Berichtsjahr in which the targets
were set; fixed in the file so that later reports keep it). The latest value is
the most recent year in the data, so a later report only adds a year of data.

Status, with the expected value on the straight path from baseline (basisjahr) to
target (zieljahr) and d = +1 if higher is better, −1 if lower is better (catalog
``richtung``):

- ``erreicht``: the latest value is at or beyond the target (target ≠ baseline);
- ``auf Kurs``: d × (latest − path value) ≥ −toleranz;
- ``nicht auf Kurs``: otherwise;
- ``Ausgangsjahr``: no year after the baseline yet; ``keine Angabe``: value missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.sozialindex import RegelFehler

STADT = "Gesamtstadt"
EBENEN = ("Gesamtstadt", "Stadtteil")
ARTEN = ("relativ", "punkte", "absolut", "abstand_stadt")
RICHTUNG = {"belastung": -1.0, "vorteil": 1.0}
SPALTEN = ["ziel", "titel", "indikator", "ebene", "stadtteil", "basisjahr", "basiswert", "zieljahr",
           "zielwert", "jahr_aktuell", "wert_aktuell", "pfadwert", "vorsprung", "status"]


def lade_ziele(pfad: str | Path, katalog: pd.DataFrame | None = None) -> dict:
    """Read ``wirkungsziele.yml`` and check it."""
    pfad = Path(pfad)
    try:
        cfg = yaml.safe_load(pfad.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise RegelFehler(f"{pfad.name}: Datei nicht lesbar ({err}).") from err
    pruefe_ziele(cfg, katalog, datei=pfad.name)
    return cfg


def pruefe_ziele(cfg: Mapping, katalog: pd.DataFrame | None = None, datei: str = "wirkungsziele.yml") -> None:
    """Raise :class:`RegelFehler` naming target, field and value for the first problem."""
    if not isinstance(cfg, Mapping) or not cfg.get("ziele"):
        raise RegelFehler(f"{datei}: die Liste „ziele“ fehlt oder ist leer.")
    for feld in ("basisjahr", "zieljahr"):
        if not isinstance(cfg.get(feld), int):
            raise RegelFehler(f"{datei}, Feld „{feld}“: „{cfg.get(feld)}“ ist kein Jahr (ganze Zahl).")
    if cfg["zieljahr"] <= cfg["basisjahr"]:
        raise RegelFehler(f"{datei}: „zieljahr“ ({cfg['zieljahr']}) muss nach „basisjahr“ ({cfg['basisjahr']}) liegen.")
    kat = katalog.set_index("id") if katalog is not None else None
    gesehen = set()
    for nr, z in enumerate(cfg["ziele"], start=1):
        name = z.get("id", "?")

        def fehler(feld, wert, hinweis):
            return RegelFehler(f"{datei}, Ziel {nr} ({name}), Feld „{feld}“: „{wert}“ – {hinweis}")

        for feld in ("id", "titel", "indikator", "ebene", "ziel"):
            if feld not in z:
                raise fehler(feld, "", "Pflichtfeld fehlt.")
        if z["id"] in gesehen:
            raise fehler("id", z["id"], "die id ist doppelt vergeben.")
        gesehen.add(z["id"])
        if z["ebene"] not in EBENEN:
            raise fehler("ebene", z["ebene"], f"erlaubt sind {', '.join(EBENEN)}.")
        art = z["ziel"].get("art") if isinstance(z["ziel"], Mapping) else None
        if art not in ARTEN:
            raise fehler("ziel.art", art, f"erlaubt sind {', '.join(ARTEN)}.")
        if not isinstance(z["ziel"].get("wert"), (int, float)):
            raise fehler("ziel.wert", z["ziel"].get("wert"), "eine Zahl angeben.")
        if art == "abstand_stadt" and z["ebene"] != "Stadtteil":
            raise fehler("ebene", z["ebene"], "„abstand_stadt“ gilt nur für die Ebene Stadtteil.")
        zj = z.get("zieljahr", cfg["zieljahr"])
        if not isinstance(zj, int) or zj <= cfg["basisjahr"]:
            raise fehler("zieljahr", zj, "ein Jahr nach dem Basisjahr angeben.")
        if kat is not None:
            if z["indikator"] not in kat.index:
                raise fehler("indikator", z["indikator"], "steht nicht in indikatoren.yml.")
            if kat.loc[z["indikator"], "richtung"] not in RICHTUNG:
                raise fehler("indikator", z["indikator"],
                             "der Indikator hat die Richtung „neutral“; ein Ziel braucht eine Richtung.")


def zielwert(art: str, wert: float, basis: float, stadt_basis: float, d: float) -> float:
    """Target value from the rule (see module doc). ``d``: +1 higher is better, −1 lower is better."""
    if art == "relativ":
        return basis * (1 + wert)
    if art == "punkte":
        return basis + wert
    if art == "absolut":
        return float(wert)
    if art == "abstand_stadt":
        luecke = basis - stadt_basis
        return basis - wert * luecke if d * luecke < 0 else basis
    raise ValueError(f"Unbekannte Zielart „{art}“.")


def pfadwert(basis: float, ziel: float, basisjahr: int, zieljahr: int, jahr: int) -> float:
    """Value on the straight line from (basisjahr, basis) to (zieljahr, ziel) in ``jahr``."""
    anteil = (jahr - basisjahr) / (zieljahr - basisjahr)
    return basis + (ziel - basis) * anteil


def status(basis: float, ziel: float, aktuell: float, pfad: float, d: float,
           basisjahr: int, jahr_aktuell: int | None, toleranz: float = 0.0) -> str:
    """Status of one target (see module doc)."""
    if jahr_aktuell is None or np.isnan(basis) or np.isnan(aktuell):
        return "keine Angabe"
    if jahr_aktuell <= basisjahr:
        return "Ausgangsjahr"
    if not np.isclose(ziel, basis) and d * (aktuell - ziel) >= 0:
        return "erreicht"
    return "auf Kurs" if d * (aktuell - pfad) >= -toleranz else "nicht auf Kurs"


def _werte(indikatoren: pd.DataFrame, indikator: str) -> pd.DataFrame:
    t = indikatoren[indikatoren["indikator"] == indikator]
    if t.empty:
        raise KeyError(f"Indikator „{indikator}“ fehlt in der Indikatorentabelle (wirkungsziele.yml prüfen).")
    return t.pivot(index="jahr", columns="stadtteil", values="wert").sort_index()


def bewerten(
    indikatoren: pd.DataFrame,
    katalog: pd.DataFrame,
    cfg: Mapping,
    reihenfolge: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per target and unit (the city, or every district) with baseline, target,
    latest value, path value and status. Columns :data:`SPALTEN`; ``vorsprung`` is
    d × (latest − path value): positive = ahead of the path, in the indicator's unit."""
    kat = katalog.set_index("id")
    basisjahr = int(cfg["basisjahr"])
    toleranz = float(cfg.get("toleranz", 0.0))
    zeilen = []
    for z in cfg["ziele"]:
        w = _werte(indikatoren, z["indikator"])
        if basisjahr not in w.index:
            raise KeyError(f"Ziel {z['id']}: für das Basisjahr {basisjahr} gibt es keine Werte von „{z['indikator']}“.")
        d = RICHTUNG[kat.loc[z["indikator"], "richtung"]]
        zieljahr = int(z.get("zieljahr", cfg["zieljahr"]))
        art, wert = z["ziel"]["art"], float(z["ziel"]["wert"])
        if z["ebene"] == STADT:
            einheiten = [STADT]
        else:
            einheiten = [s for s in (reihenfolge or w.columns) if s != STADT]
        stadt_basis = float(w.loc[basisjahr, STADT]) if STADT in w.columns else np.nan
        for e in einheiten:
            reihe = w[e].dropna() if e in w.columns else pd.Series(dtype=float)
            basis = float(w.loc[basisjahr, e]) if e in w.columns else np.nan
            ziel = zielwert(art, wert, basis, stadt_basis, d)
            if d * (ziel - basis) < -1e-12:
                raise RegelFehler(
                    f"wirkungsziele.yml, Ziel {z['id']}: der Zielwert läge für {e} ungünstiger als der "
                    f"Ausgangswert (Richtung „{kat.loc[z['indikator'], 'richtung']}“). Bitte „ziel.wert“ prüfen."
                )
            spaeter = reihe[reihe.index >= basisjahr]
            jahr_akt = int(spaeter.index.max()) if len(spaeter) else None
            akt = float(spaeter.loc[jahr_akt]) if jahr_akt is not None else np.nan
            pfad = pfadwert(basis, ziel, basisjahr, zieljahr, jahr_akt) if jahr_akt is not None else np.nan
            zeilen.append({
                "ziel": z["id"], "titel": z["titel"], "indikator": z["indikator"], "ebene": z["ebene"],
                "stadtteil": e, "basisjahr": basisjahr, "basiswert": basis, "zieljahr": zieljahr,
                "zielwert": ziel, "jahr_aktuell": jahr_akt, "wert_aktuell": akt, "pfadwert": pfad,
                "vorsprung": d * (akt - pfad) if jahr_akt is not None else np.nan,
                "status": status(basis, ziel, akt, pfad, d, basisjahr, jahr_akt, toleranz),
            })
    out = pd.DataFrame(zeilen, columns=SPALTEN)
    out["jahr_aktuell"] = out["jahr_aktuell"].astype("Int64")
    return out


def verlauf(indikatoren: pd.DataFrame, bewertung: pd.DataFrame, ziel: str, stadtteil: str = STADT) -> dict:
    """Observed series from the baseline year on and the target path of one target and unit.

    Returns ``reihe`` (DataFrame ``jahr``, ``wert``) and ``pfad`` (``jahr``, ``wert``:
    baseline → target) for a chart.
    """
    b = bewertung[(bewertung["ziel"] == ziel) & (bewertung["stadtteil"] == stadtteil)]
    if b.empty:
        raise KeyError(f"Ziel „{ziel}“ für „{stadtteil}“ ist nicht in der Bewertung.")
    b = b.iloc[0]
    t = indikatoren[(indikatoren["indikator"] == b["indikator"]) & (indikatoren["stadtteil"] == stadtteil)
                    & (indikatoren["jahr"] >= b["basisjahr"])].sort_values("jahr")
    return {
        "reihe": t[["jahr", "wert"]].reset_index(drop=True),
        "pfad": pd.DataFrame({"jahr": [b["basisjahr"], b["zieljahr"]], "wert": [b["basiswert"], b["zielwert"]]}),
    }


def zusammenfassung(bewertung: pd.DataFrame) -> pd.DataFrame:
    """Count of units per target and status (targets × status)."""
    return (bewertung.groupby(["ziel", "status"], sort=False).size().unstack(fill_value=0))
