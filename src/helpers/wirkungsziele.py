"""Wirkungsziele (Teil IV): targets as data, status computed from the data.

A target in ``data/regeln/wirkungsziele.yml`` names an indicator, an ``ebene``
(``Gesamtstadt`` or ``Stadtteil`` = every district on its own) and a rule that
turns the baseline into a target value, so that no data figure is typed:

``relativ``        target = baseline × (1 + wert)            (wert = −0.2: a fifth lower)
``punkte``         target = baseline + wert                   (in the indicator's unit)
``absolut``        target = wert
``abstand_stadt``  target = baseline − wert × (baseline − city baseline) for districts
                   less favourable than the city (wert = 0.5: halve the gap to the city);
                   for the others the target is not to become less favourable than the
                   city baseline – converging to the city is not penalised

The baseline is the value in ``basisjahr`` (the Berichtsjahr in which the targets
were set; fixed in the file so that later reports keep it). The latest value is
the most recent year in the data, so a later report only adds a year of data.

Status, with the expected value on the straight path from baseline (basisjahr) to
target (zieljahr) and d = +1 if higher is better, −1 if lower is better (catalog
``richtung``):

- ``erreicht``: the latest value is at or beyond the target (target ≠ baseline);
- ``auf Kurs``: d × (latest − path value) ≥ 0;
- ``knapp dahinter``: behind the path, but by no more than ``toleranz`` – a
  number in the indicator's unit or ``zufall``: 1,96 binomial standard errors of the
  latest value, sqrt(p (1 − p) / nenner) × faktor, for shares (faktor 100 or 1000), so
  that a small district is not called off track because of a few cases more or less;
- ``nicht auf Kurs``: further behind;
- ``Ausgangsjahr``: no year after the baseline in the data yet; ``keine Angabe``: the
  baseline or every later value of this unit is missing (suppressed).

Trend check (useful while only the baseline year is known): a straight line fitted
to the ``trendjahre`` years up to the baseline year, extrapolated to the target
year. ``trend_bewertung`` says whether the earlier trend, if it simply continued,
would reach the target – an extrapolation, not a forecast.
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
           "zielwert", "jahr_aktuell", "wert_aktuell", "pfadwert", "vorsprung", "toleranz", "status",
           "trend_steigung", "trend_prognose", "trend_bewertung", "grenze"]
TRENDJAHRE = 5
KNAPP = "knapp dahinter"
#: The one definition of each status, used by :func:`status`, the tables, the charts and the chapter text.
STATUS_DEFINITIONEN = {
    "erreicht": "der Wert am Stichtag liegt bereits auf oder jenseits des Zielwerts (auch vor dem Zieljahr); bei "
                "Zielen, die die Abhängigkeit vom Stadtteil verringern sollen, gilt ein Stadtteil, der günstiger als "
                "die Gesamtstadt liegt, als „erreicht“, solange er nicht ungünstiger als die Gesamtstadt wird; sein "
                "Zielwert ist eine Grenze („höchstens“ oder „mindestens“ der Wert der Gesamtstadt)",
    "auf Kurs": "der Wert am Stichtag liegt auf oder vor dem geraden Pfad vom Ausgangs- zum Zielwert",
    KNAPP: "der Wert am Stichtag liegt hinter dem Pfad, aber nicht weiter, als es die zufällige Schwankung bei der "
           "jeweiligen Fallzahl erwarten lässt (95-%-Schwankungsbreite)",
    "nicht auf Kurs": "der Wert am Stichtag liegt weiter hinter dem Pfad",
}
BEWERTET = tuple(STATUS_DEFINITIONEN)


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
    tol = cfg.get("toleranz", 0.0)
    if not (tol == "zufall" or (isinstance(tol, (int, float)) and tol >= 0)):
        raise RegelFehler(f"{datei}, Feld „toleranz“: „{tol}“ – eine Zahl ≥ 0 oder „zufall“ angeben.")
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
        # less favourable than the city: shrink the gap; otherwise: do not fall below the city
        # (converging to the city is what "less dependence on the district" means)
        return basis - wert * luecke if d * luecke < 0 else stadt_basis
    raise ValueError(f"Unbekannte Zielart „{art}“.")


def pfadwert(basis: float, ziel: float, basisjahr: int, zieljahr: int, jahr: int) -> float:
    """Value on the straight line from (basisjahr, basis) to (zieljahr, ziel) in ``jahr``."""
    anteil = (jahr - basisjahr) / (zieljahr - basisjahr)
    return basis + (ziel - basis) * anteil


def status(basis: float, ziel: float, aktuell: float, pfad: float, d: float,
           basisjahr: int, jahr_aktuell: int | None, toleranz: float = 0.0) -> str:
    """Status of one target (definitions: :data:`STATUS_DEFINITIONEN`).

    A target on the unfavourable side of the baseline (a floor, as for districts better
    than the city in ``abstand_stadt``) is "erreicht" while the value stays at or beyond it;
    ``pfad`` is then the floor itself.
    """
    if jahr_aktuell is None or np.isnan(basis) or np.isnan(aktuell):
        return "keine Angabe"
    if jahr_aktuell <= basisjahr:
        return "Ausgangsjahr"
    if not np.isclose(ziel, basis) and d * (aktuell - ziel) >= 0:
        return "erreicht"
    vorsprung = d * (aktuell - pfad)
    if vorsprung >= 0:
        return "auf Kurs"
    return KNAPP if vorsprung >= -toleranz else "nicht auf Kurs"


def zufallsband(wert: float, nenner: float, faktor: float, z: float = 1.96) -> float:
    """Half width of the binomial 95 % band of a share ``wert`` (in units of ``faktor``)."""
    if not (faktor in (100, 1000) and nenner and nenner > 0 and np.isfinite(wert)):
        return 0.0
    p = min(max(wert / faktor, 0.0), 1.0)
    return float(z * np.sqrt(p * (1 - p) / nenner) * faktor)


def trend(reihe: pd.Series, bis_jahr: int, jahre: int = TRENDJAHRE) -> tuple[float, float]:
    """Slope per year and intercept of a straight line through the values of the ``jahre``
    years up to ``bis_jahr`` (NaN if fewer than three values)."""
    r = reihe[(reihe.index <= bis_jahr) & (reihe.index > bis_jahr - jahre)].dropna()
    if len(r) < 3:
        return (np.nan, np.nan)
    steigung, achse = np.polyfit(r.index.to_numpy(float), r.to_numpy(float), 1)
    return (float(steigung), float(achse))


def trend_bewertung(prognose: float, ziel: float, basis: float, d: float) -> str:
    """Would the extrapolated earlier trend reach the target?"""
    if np.isnan(prognose):
        return "kein Trend berechenbar"
    if np.isclose(ziel, basis):
        return "Trend hält den Wert" if d * (prognose - basis) >= 0 else "Trend verschlechtert den Wert"
    return "Trend erreicht das Ziel" if d * (prognose - ziel) >= 0 else "Trend verfehlt das Ziel"


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
    toleranz_regel = cfg.get("toleranz", 0.0)
    zeilen = []
    for z in cfg["ziele"]:
        w = _werte(indikatoren, z["indikator"])
        nenner = indikatoren[indikatoren["indikator"] == z["indikator"]].pivot(
            index="jahr", columns="stadtteil", values="nenner").sort_index()
        faktor = float(kat.loc[z["indikator"], "faktor"])
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
            untergrenze = art == "abstand_stadt" and d * (basis - stadt_basis) >= 0
            if d * (ziel - basis) < -1e-12 and not untergrenze:
                raise RegelFehler(
                    f"wirkungsziele.yml, Ziel {z['id']}: der Zielwert läge für {e} ungünstiger als der "
                    f"Ausgangswert (Richtung „{kat.loc[z['indikator'], 'richtung']}“). Bitte „ziel.wert“ prüfen."
                )
            spaeter = reihe[reihe.index >= basisjahr]
            jahr_akt = int(spaeter.index.max()) if len(spaeter) else None
            akt = float(spaeter.loc[jahr_akt]) if jahr_akt is not None else np.nan
            pfad = (ziel if untergrenze else pfadwert(basis, ziel, basisjahr, zieljahr, jahr_akt)) \
                if jahr_akt is not None else np.nan
            if toleranz_regel == "zufall":
                n_akt = nenner.loc[jahr_akt, e] if jahr_akt is not None and e in nenner.columns else np.nan
                toleranz = zufallsband(akt, n_akt, faktor)
            else:
                toleranz = float(toleranz_regel)
            steigung, achse = trend(reihe, basisjahr, int(cfg.get("trendjahre", TRENDJAHRE)))
            prognose = steigung * zieljahr + achse
            zeilen.append({
                "ziel": z["id"], "titel": z["titel"], "indikator": z["indikator"], "ebene": z["ebene"],
                "stadtteil": e, "basisjahr": basisjahr, "basiswert": basis, "zieljahr": zieljahr,
                "zielwert": ziel, "jahr_aktuell": jahr_akt, "wert_aktuell": akt, "pfadwert": pfad,
                "vorsprung": d * (akt - pfad) if jahr_akt is not None else np.nan, "toleranz": toleranz,
                "status": ("keine Angabe" if jahr_akt == basisjahr and (w.index > basisjahr).any()
                           else status(basis, ziel, akt, pfad, d, basisjahr, jahr_akt, toleranz)),
                "trend_steigung": steigung, "trend_prognose": prognose,
                "trend_bewertung": trend_bewertung(prognose, ziel, basis, d),
                # a district better than the city keeps the city value as a limit, not as a goal
                "grenze": ("mindestens" if d > 0 else "höchstens") if untergrenze else "",
            })
    out = pd.DataFrame(zeilen, columns=SPALTEN)
    out["jahr_aktuell"] = out["jahr_aktuell"].astype("Int64")
    return out


def verlauf(indikatoren: pd.DataFrame, bewertung: pd.DataFrame, ziel: str, stadtteil: str = STADT,
            trendjahre: int = TRENDJAHRE) -> dict:
    """Series, target path and earlier trend of one target and unit, for a chart.

    Returns ``reihe`` (``jahr``, ``wert``: the trend years before the baseline and all
    years after it), ``pfad`` (baseline → target) and ``trend`` (the straight line of
    the years up to the baseline, extended to the target year; empty if not computable).
    """
    b = bewertung[(bewertung["ziel"] == ziel) & (bewertung["stadtteil"] == stadtteil)]
    if b.empty:
        raise KeyError(f"Ziel „{ziel}“ für „{stadtteil}“ ist nicht in der Bewertung.")
    b = b.iloc[0]
    start = int(b["basisjahr"]) - trendjahre + 1
    t = indikatoren[(indikatoren["indikator"] == b["indikator"]) & (indikatoren["stadtteil"] == stadtteil)
                    & (indikatoren["jahr"] >= start)].sort_values("jahr")
    trend_df = pd.DataFrame({"jahr": [], "wert": []})
    if pd.notna(b["trend_steigung"]):
        achse = b["trend_prognose"] - b["trend_steigung"] * b["zieljahr"]
        jahre = [start, int(b["zieljahr"])]
        trend_df = pd.DataFrame({"jahr": jahre, "wert": [achse + b["trend_steigung"] * j for j in jahre]})
    return {
        "reihe": t[["jahr", "wert"]].reset_index(drop=True),
        "pfad": pd.DataFrame({"jahr": [b["basisjahr"], b["zieljahr"]], "wert": [b["basiswert"], b["zielwert"]]}),
        "trend": trend_df,
    }


STATUS = ["erreicht", "auf Kurs", KNAPP, "nicht auf Kurs", "Ausgangsjahr", "keine Angabe"]


def zusammenfassung(bewertung: pd.DataFrame) -> pd.DataFrame:
    """Count of units per target and status (targets × status, statuses in a fixed order)."""
    t = bewertung.groupby(["ziel", "status"], sort=False).size().unstack(fill_value=0)
    return t.reindex(columns=[s for s in STATUS if s in t.columns])


# --------------------------------------------------------------------------- tables and sentences


def _wert(x, einheit: str) -> str:
    from helpers import format as fmt

    return fmt.wert(x, einheit)


def tabelle(bewertung: pd.DataFrame, katalog: pd.DataFrame) -> pd.DataFrame:
    """City-level targets as a German table."""
    kat = katalog.set_index("id")
    t = bewertung
    einheit = [kat.loc[i, "einheit"] for i in t["indikator"]]
    return pd.DataFrame({
        "Ziel": t["titel"],
        "Ausgangswert": [f"{_wert(w, e)} ({j})" for w, e, j in zip(t["basiswert"], einheit, t["basisjahr"])],
        "Zielwert": [f"{_wert(w, e)} ({j})" for w, e, j in zip(t["zielwert"], einheit, t["zieljahr"])],
        "Wert am Stichtag": [f"{_wert(w, e)} ({j})" if pd.notna(j) else "–"
                          for w, e, j in zip(t["wert_aktuell"], einheit, t["jahr_aktuell"])],
        "Status": t["status"],
        "Bisheriger Trend": t["trend_bewertung"],
    }).reset_index(drop=True)


def abstand(bewertung: pd.DataFrame) -> pd.Series:
    """How far each value at the Stichtag still is from its target, in the indicator's unit
    (positive = still to go, negative = beyond it). The direction is that of the target (from
    baseline to target), or the limit's for a district that only has to keep the city value."""
    b = bewertung
    d = np.sign(b["zielwert"] - b["basiswert"]).astype(float)
    grenze = b["grenze"] if "grenze" in b else pd.Series("", index=b.index)
    d = d.mask(grenze == "mindestens", 1.0).mask(grenze == "höchstens", -1.0)
    return d * (b["zielwert"] - b["wert_aktuell"])


def stadtteil_tabelle(bewertung: pd.DataFrame, katalog: pd.DataFrame) -> pd.DataFrame:
    """District-level targets: one row per district and target (the year of the latest
    value is named where it is not the latest year of the data, e.g. after suppression).
    Many districts: per target those furthest from and closest to (or beyond) their target;
    all in the download ``wirkungsziele.csv``."""
    from helpers import tabellen

    kat = katalog.set_index("id")
    t = bewertung.reset_index(drop=True)
    letztes = t["jahr_aktuell"].max()
    einheit = [kat.loc[i, "einheit"] for i in t["indikator"]]
    tab = pd.DataFrame({
        "Ziel": t["titel"],
        "Stadtteil": t["stadtteil"],
        "Ausgangswert": [_wert(w, e) for w, e in zip(t["basiswert"], einheit)],
        "Zielwert": [f"{g} {_wert(w, e)}".strip() for w, e, g in zip(t["zielwert"], einheit,
                                                                    t.get("grenze", [""] * len(t)))],
        "Wert am Stichtag": [_wert(w, e) + (f" ({j})" if pd.notna(j) and j != letztes else "")
                          for w, e, j in zip(t["wert_aktuell"], einheit, t["jahr_aktuell"])],
        "Status": t["status"],
    })
    weite = abstand(t)
    teile = [tabellen.auszug(tab[t["ziel"] == z], t.loc[t["ziel"] == z, "stadtteil"],
                             weite[t["ziel"] == z].set_axis(t.loc[t["ziel"] == z, "stadtteil"]),
                             "Abstand zum Zielwert", "Download wirkungsziele.csv")
             for z in t["ziel"].unique()]
    return pd.concat(teile, ignore_index=True) if teile else tab


#: Columns of the download ``wirkungsziele.csv``.
CSV_SPALTEN = ["ziel", "titel", "indikator", "ebene", "stadtteil", "basisjahr", "basiswert", "zieljahr", "zielwert",
               "grenze", "jahr_aktuell", "wert_aktuell", "status", "trend_bewertung"]


def csv_tabelle(bewertung: pd.DataFrame) -> pd.DataFrame:
    """The published ``wirkungsziele.csv``: every target of the city and of every district."""
    return bewertung[CSV_SPALTEN].reset_index(drop=True)


def befund(bewertung: pd.DataFrame) -> list[str]:
    """Computed sentences: how many targets are on track, or (no year after the baseline yet) what
    the earlier trend says. Districts without a value ("keine Angabe") are not counted either way."""
    from helpers import format as fmt

    stadt = bewertung[bewertung["ebene"] == STADT]
    saetze = []
    anz = bewertung.groupby("status").size()
    gesamt = int(sum(anz[s] for s in BEWERTET if s in anz))
    if gesamt == 0:
        if "Ausgangsjahr" not in anz:
            return ["Für keines der Wirkungsziele liegen Werte vor, an denen sich ein Fortschritt messen ließe."]
        jahr = int(bewertung["basisjahr"].iloc[0])
        saetze.append(f"Der Stichtag dieses Berichts liegt im Basisjahr {jahr} der Wirkungsziele; ob sie erreicht "
                      "werden, lässt sich erst mit der nächsten Ausgabe messen. Bis dahin zeigt der Bericht "
                      "die Ausgangs- und Zielwerte.")
        if len(stadt):
            gut = stadt.loc[stadt["trend_bewertung"] == "Trend erreicht das Ziel", "titel"].tolist()
            schlecht = stadt.loc[stadt["trend_bewertung"] == "Trend verfehlt das Ziel", "titel"].tolist()
            if gut:
                saetze.append(f"Setzte sich der Trend der Jahre vor dem Basisjahr einfach fort, würden in den vorliegenden "
                              f"Daten {fmt.zahl(len(gut))} der {fmt.zahl(len(stadt))} gesamtstädtischen Ziele "
                              f"erreicht ({fmt.aufzaehlung(['„' + s + '“' for s in gut])}).")
            if schlecht:
                saetze.append(f"Für {fmt.aufzaehlung(['„' + s + '“' for s in schlecht])} reicht der bisherige Trend nicht aus; "
                              "hier braucht es eine Trendwende.")
        return saetze
    teile = [f"{fmt.zahl(int(anz[s]))} „{s}“" for s in BEWERTET if s in anz]
    ziele = bewertung.loc[bewertung["status"].isin(BEWERTET), "ziel"].nunique()
    jahr = int(bewertung["jahr_aktuell"].max())
    saetze.append(f"Zum Stichtag {fmt.stichtag(jahr)} lassen sich in den vorliegenden Daten "
                  f"{fmt.anzahl(ziele, 'Ziel', 'Ziele', 'n')} für die Gesamtstadt und die Stadtteile bewerten, "
                  f"zusammen {fmt.anzahl(gesamt, 'Bewertung', 'Bewertungen', 'f')}: {fmt.aufzaehlung(teile)}.")
    nicht = stadt.loc[stadt["status"] == "nicht auf Kurs", "titel"].tolist()
    if nicht:
        saetze.append(f"Auf gesamtstädtischer Ebene nicht auf Kurs: {fmt.aufzaehlung(['„' + s + '“' for s in nicht])}.")
    return saetze


def verlaeufe(indikatoren: pd.DataFrame, bewertung: pd.DataFrame,
              einheit: Mapping[str, str]) -> list[tuple[str, str, dict, str]]:
    """(title, unit, :func:`verlauf`, status) for every city-level target, for :func:`helpers.t3grafik.ziel_verlaeufe`."""
    stadt = bewertung[bewertung["ebene"] == STADT]
    return [(z["titel"], einheit[z["indikator"]], verlauf(indikatoren, bewertung, z["ziel"]), z["status"])
            for _, z in stadt.iterrows()]


def status_tabelle(teile: pd.DataFrame) -> pd.DataFrame:
    """District-level targets: number of districts per status (columns) and target (rows)."""
    z = zusammenfassung(teile)
    tab = pd.DataFrame({"Ziel": [teile.loc[teile["ziel"] == i, "titel"].iloc[0] for i in z.index]})
    for s in z.columns:
        tab[s] = [str(int(v)) for v in z[s]]
    return tab


def ziel_auswahl(teile: pd.DataFrame, bevorzugt: str) -> pd.DataFrame:
    """The district rows of target ``bevorzugt``, else of the first district-level target."""
    ziele = list(dict.fromkeys(teile["ziel"]))
    ziel = bevorzugt if bevorzugt in ziele else ziele[0]
    return teile[teile["ziel"] == ziel]


def status_liste() -> str:
    """The status definitions as a Markdown list (the chapter text uses this, so text, tables and
    charts share one definition)."""
    return "\n".join(f"- **{k}** – {v};" if i < len(STATUS_DEFINITIONEN) - 1 else f"- **{k}** – {v}."
                     for i, (k, v) in enumerate(STATUS_DEFINITIONEN.items()))


def grenzen_text(cfg: Mapping) -> str:
    """What the status of a target can and cannot say, with the years of the target file."""
    return (
        f"Die Ziele beziehen sich auf das Basisjahr {cfg['basisjahr']} und das Zieljahr {cfg['zieljahr']}. "
        "Der Status vergleicht den Wert am Stichtag mit einem geraden Pfad vom Ausgangs- zum Zielwert; "
        "das ist eine einfache Richtschnur, keine Prognose. Ob eine Veränderung auf Maßnahmen der Stadt "
        "zurückgeht, kann der Vergleich nicht zeigen – dafür braucht es die Evaluation einzelner Angebote."
    )
