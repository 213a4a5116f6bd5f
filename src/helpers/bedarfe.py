"""Handlungsbedarf per district and Handlungsfeld from a transparent rule set.

The rules live in ``data/regeln/bedarfe.yml``; this module only applies them.
Each rule has an ``id``, an ``art``, a ``stufe`` (1 = erhöhter, 2 = hoher
Handlungsbedarf), a short ``text`` and, depending on its kind:

``statusklasse`` / ``dynamikklasse``
    ``klassen`` (list of social-index classes) and ``handlungsfelder`` (list of
    numbers) — fires for every listed Handlungsfeld of a district in those classes.
``z``
    ``indikatoren`` (list of ids, or ``kern`` for every key indicator of the
    catalog) and ``schwelle`` — fires when the directed z-value against the city
    (positive = less favourable) is ≥ schwelle; the Handlungsfeld is the indicator's.
``stadtfaktor``
    ``indikator``, ``vergleich`` (``">="`` or ``"<="``) and ``faktor`` — fires when
    the district value compares so with city value × faktor.
``schwelle``
    ``indikator``, ``vergleich`` and ``wert`` — an absolute threshold.

Safeguards (``sicherungen`` in bedarfe.yml, overridable per rule):

``intervall``
    A rate decides a need only when its 95 % Wilson interval lies entirely beyond the
    threshold; without an interval (rates that are no proportion) its value must clear
    the threshold by the tolerance.
``toleranz`` / ``toleranz_z``
    Tolerance band around a threshold: a fraction of the threshold value (stadtfaktor,
    schwelle) or z units (z rules). A value beyond the threshold without clear evidence,
    or inside the band, is ``grenzwertig``: reported, but neither a need nor "fine".
``mindestzaehler`` / ``mindestnenner``
    Minimum cases: a rate on fewer than ``mindestnenner`` in the denominator is replaced
    by the value pooled over ``poolen_jahre`` years (Σ counts / Σ denominators) and never
    decides alone; with fewer cases even then (or fewer than ``mindestzaehler`` people
    concerned for a rule on too high values) it is ``nicht bewertbar``.
Catalog flags ``standortbezogen`` and ``strukturelle_null`` (indikatoren.yml)
    Supply counted at a facility's location, and structural zeros, never produce a need
    (``nicht bewertbar``); nor does a value flagged by the plausibility checks
    (:mod:`helpers.plausibilitaet`).
Class rules
    A status class gives a need only if it is stable (same class in every variant of the
    sensitivity analysis and outside the tolerance band at the class borders,
    :func:`helpers.sozialindex.stabilitaet`); otherwise ``grenzwertig``.

The result is a tidy table with one row per rule and district that fired or came close
(column ``bewertung``: ``Bedarf``, ``grenzwertig``, ``nicht bewertbar``) with its evidence
(value, counts, interval, threshold, years), and an overview district × Handlungsfeld with
the highest level of the needs.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers import format as fmt
from helpers.sozialindex import DYNAMIK_KLASSEN, STATUS_KLASSEN, RegelFehler
from helpers.texte import kurztitel

ARTEN = ("statusklasse", "dynamikklasse", "z", "stadtfaktor", "schwelle")
VERGLEICHE = {">=": operator.ge, "<=": operator.le}
STUFEN = {1: "erhöht", 2: "hoch"}
SPALTEN = ["stadtteil", "handlungsfeld", "regel", "stufe", "indikator", "wert", "vergleichswert", "begruendung",
           "bewertung", "zaehler", "nenner", "ci_unten", "ci_oben", "jahre", "hinweis"]
BEDARF, GRENZWERTIG, NICHT_BEWERTBAR = "Bedarf", "grenzwertig", "nicht bewertbar"
BEDARF_STUFEN = {1: "erhöhter Bedarf", 2: "hoher Bedarf"}
#: Safeguards when a rule set brings none (plain threshold comparison, e.g. in tests).
OHNE_SICHERUNGEN = {"intervall": False, "toleranz": 0.0, "toleranz_z": 0.0, "mindestzaehler": 0,
                    "mindestnenner": 0, "poolen_jahre": 1}
SICHERUNGEN = tuple(OHNE_SICHERUNGEN)


def lade_regeln(pfad: str | Path, katalog: pd.DataFrame | None = None,
                handlungsfelder: Sequence[int] | None = None) -> list[dict]:
    """Read ``bedarfe.yml`` and check every rule."""
    pfad = Path(pfad)
    try:
        cfg = yaml.safe_load(pfad.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise RegelFehler(f"{pfad.name}: Datei nicht lesbar ({err}).") from err
    if not isinstance(cfg, Mapping) or not cfg.get("regeln"):
        raise RegelFehler(f"{pfad.name}: die Liste „regeln“ fehlt oder ist leer.")
    pruefe_regeln(cfg["regeln"], katalog, handlungsfelder, datei=pfad.name)
    return cfg["regeln"]


def pruefe_regeln(regeln: Sequence[Mapping], katalog: pd.DataFrame | None = None,
                  handlungsfelder: Sequence[int] | None = None, datei: str = "bedarfe.yml") -> None:
    """Raise :class:`RegelFehler` naming rule, field and value for the first malformed rule."""
    ids = set(katalog["id"]) if katalog is not None else None
    ids_gesehen = set()

    def fehler(nr, r, feld, wert, hinweis):
        name = r.get("id", "?") if isinstance(r, Mapping) else "?"
        return RegelFehler(f"{datei}, Regel {nr} ({name}), Feld „{feld}“: „{wert}“ – {hinweis}")

    for nr, r in enumerate(regeln, start=1):
        if not isinstance(r, Mapping):
            raise fehler(nr, r, "-", r, "jede Regel ist ein Eintrag mit Feldern (id, art, stufe, …).")
        for feld in ("id", "art", "stufe", "text"):
            if feld not in r:
                raise fehler(nr, r, feld, "", "Pflichtfeld fehlt.")
        if r["id"] in ids_gesehen:
            raise fehler(nr, r, "id", r["id"], "die id ist doppelt vergeben.")
        ids_gesehen.add(r["id"])
        if r["art"] not in ARTEN:
            raise fehler(nr, r, "art", r["art"], f"erlaubt sind {', '.join(ARTEN)}.")
        if r["stufe"] not in STUFEN:
            raise fehler(nr, r, "stufe", r["stufe"], "erlaubt sind 1 (erhöht) und 2 (hoch).")
        pruefe_sicherungen({k: v for k, v in r.items() if k in SICHERUNGEN}, f"{datei}, Regel {nr} ({r['id']})")
        if r["art"] in ("statusklasse", "dynamikklasse"):
            erlaubt = STATUS_KLASSEN if r["art"] == "statusklasse" else DYNAMIK_KLASSEN
            kl = r.get("klassen")
            if not kl or any(k not in erlaubt for k in kl):
                raise fehler(nr, r, "klassen", kl, f"erlaubt sind {', '.join(erlaubt)}.")
            hf = r.get("handlungsfelder")
            if not hf or (handlungsfelder is not None and any(h not in set(handlungsfelder) for h in hf)):
                raise fehler(nr, r, "handlungsfelder", hf, "Liste der Nummern aus indikatoren.yml angeben.")
        if r["art"] == "z":
            if not isinstance(r.get("schwelle"), (int, float)):
                raise fehler(nr, r, "schwelle", r.get("schwelle"), "eine Zahl (Standardabweichungen) angeben.")
            ind = r.get("indikatoren")
            if ind != "kern" and not isinstance(ind, list):
                raise fehler(nr, r, "indikatoren", ind, "„kern“ oder eine Liste von Indikator-ids angeben.")
            if ids is not None and isinstance(ind, list):
                for i in ind:
                    if i not in ids:
                        raise fehler(nr, r, "indikatoren", i, "steht nicht in indikatoren.yml.")
        if r["art"] in ("stadtfaktor", "schwelle"):
            if r.get("vergleich") not in VERGLEICHE:
                raise fehler(nr, r, "vergleich", r.get("vergleich"), "erlaubt sind \">=\" und \"<=\".")
            feld = "faktor" if r["art"] == "stadtfaktor" else "wert"
            if not isinstance(r.get(feld), (int, float)):
                raise fehler(nr, r, feld, r.get(feld), "eine Zahl angeben.")
            if ids is not None and r.get("indikator") not in ids:
                raise fehler(nr, r, "indikator", r.get("indikator"), "steht nicht in indikatoren.yml.")


def sicherungen(pfad: str | Path) -> dict:
    """The safeguards of bedarfe.yml (``sicherungen``), checked, with :data:`OHNE_SICHERUNGEN` as defaults."""
    pfad = Path(pfad)
    cfg = yaml.safe_load(pfad.read_text(encoding="utf-8")) or {}
    roh = cfg.get("sicherungen", {}) or {}
    pruefe_sicherungen(roh, f"{pfad.name}, Abschnitt „sicherungen“")
    return {**OHNE_SICHERUNGEN, **roh}


def pruefe_sicherungen(roh: Mapping, wo: str) -> None:
    """Raise :class:`RegelFehler` for an unknown or malformed safeguard."""
    if not isinstance(roh, Mapping):
        raise RegelFehler(f"{wo}: erwartet sind Felder wie „toleranz: 0.05“.")
    for k, v in roh.items():
        if k not in SICHERUNGEN:
            raise RegelFehler(f"{wo}, Feld „{k}“: unbekannt; erlaubt sind {', '.join(SICHERUNGEN)}.")
        if k == "intervall":
            if not isinstance(v, bool):
                raise RegelFehler(f"{wo}, Feld „intervall“: „{v}“ – true oder false angeben.")
        elif not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0 or (k == "poolen_jahre" and v < 1):
            raise RegelFehler(f"{wo}, Feld „{k}“: „{v}“ – eine Zahl ≥ 0 angeben (poolen_jahre ≥ 1).")


def schwerpunkt(pfad: str | Path) -> list[int]:
    """The Handlungsfelder of the education focus (``bildung_handlungsfelder`` in bedarfe.yml)."""
    cfg = yaml.safe_load(Path(pfad).read_text(encoding="utf-8")) or {}
    hf = cfg.get("bildung_handlungsfelder", [])
    if not isinstance(hf, list) or not all(isinstance(h, int) for h in hf):
        raise RegelFehler(f"{Path(pfad).name}, Feld „bildung_handlungsfelder“: „{hf}“ – Liste von Nummern angeben.")
    return hf


def benoetigte_indikatoren(regeln: Sequence[Mapping], katalog: pd.DataFrame) -> list[str]:
    """Indicator ids the rules refer to (``kern`` expanded from the catalog)."""
    ids: list[str] = []
    for r in regeln:
        if r["art"] == "z":
            ind = r["indikatoren"]
            ids += (katalog.loc[katalog["kern"].fillna(False).astype(bool)
                                & (katalog["richtung"] != "neutral"), "id"].tolist() if ind == "kern" else list(ind))
        elif r["art"] in ("stadtfaktor", "schwelle"):
            ids.append(r["indikator"])
    return list(dict.fromkeys(ids))


def _unsicher(s: pd.Series) -> str:
    """Marker for a rate on a small denominator (the flag of the data layer)."""
    return f"{fmt.UNSICHER} (kleine Bezugsgröße, unsicher)" if bool(s.get("unsicher", False)) else ""


def _zeile(stadtteil, hf, r, indikator="", wert=np.nan, vergleichswert=np.nan, begruendung="",
           bewertung=BEDARF, zaehler=np.nan, nenner=np.nan, ci_unten=np.nan, ci_oben=np.nan, jahre="", hinweis=""):
    return {"stadtteil": stadtteil, "handlungsfeld": int(hf), "regel": r["id"], "stufe": int(r["stufe"]),
            "indikator": indikator, "wert": wert, "vergleichswert": vergleichswert, "begruendung": begruendung,
            "bewertung": bewertung, "zaehler": zaehler, "nenner": nenner, "ci_unten": ci_unten, "ci_oben": ci_oben,
            "jahre": jahre, "hinweis": hinweis}


def entscheiden(wert: float, ci_unten: float, ci_oben: float, grenze: float, vergleich: str,
                toleranz: float, intervall: bool = True) -> str | None:
    """Need, borderline or nothing for one value against one threshold (see module doc).

    ``toleranz``: half width of the band around ``grenze`` (in the indicator's unit).
    ``Bedarf`` when the interval lies beyond the threshold (``intervall`` and an interval
    exists), else when the value clears ``grenze`` by ``toleranz``; ``grenzwertig`` when
    the value is beyond ``grenze − toleranz`` (resp. ``+``) without that evidence; else None.
    """
    if not np.isfinite(wert) or not np.isfinite(grenze):
        return None
    vz = 1.0 if vergleich == ">=" else -1.0
    if intervall and np.isfinite(ci_unten) and np.isfinite(ci_oben):
        klar = (ci_unten >= grenze) if vz > 0 else (ci_oben <= grenze)
    else:
        klar = vz * (wert - grenze) >= toleranz and (toleranz > 0 or vz * (wert - grenze) >= 0)
    if klar:
        return BEDARF
    if vz * (wert - grenze) >= -toleranz:
        return GRENZWERTIG
    return None


def _sich(r: Mapping, sicherungen: Mapping) -> dict:
    return {k: r.get(k, sicherungen.get(k, OHNE_SICHERUNGEN[k])) for k in SICHERUNGEN}


def _flag(kat: pd.DataFrame, i: str, name: str) -> bool:
    return bool(kat.loc[i, name]) if name in kat.columns and pd.notna(kat.loc[i, name]) else False


def _bereich(ci_unten, ci_oben, einheit) -> str:
    return "" if not np.isfinite(ci_unten) else f"{fmt.wert(ci_unten, einheit)} bis {fmt.wert(ci_oben, einheit)}"


def anwenden(
    regeln: Sequence[Mapping],
    std: pd.DataFrame,
    index: pd.DataFrame,
    katalog: pd.DataFrame,
    sicherungen: Mapping | None = None,
    pool: pd.DataFrame | None = None,
    auffaellig: set | None = None,
) -> pd.DataFrame:
    """Apply the rules with their safeguards.

    ``std``: district × indicator table from :func:`helpers.vergleich.standardisieren`
    covering :func:`benoetigte_indikatoren`; ``index``: social index with ``stadtteil``,
    ``klasse``, ``dynamik_klasse`` and optionally ``klasse_stabil``/``dynamik_stabil``
    (:func:`helpers.sozialindex.stabilitaet`; missing = stable); ``sicherungen``: see the
    module doc (None = :data:`OHNE_SICHERUNGEN`); ``pool``: pooled counts per district and
    indicator (:func:`helpers.statistik.gepoolte_summen` with ``stadtteil``, ``indikator``,
    ``zaehler``, ``nenner``, ``jahre``) for rates on small denominators; ``auffaellig``:
    (district, indicator) pairs flagged by the plausibility checks.
    Returns one row per rule and district that fired or came close (columns :data:`SPALTEN`),
    in district order of ``index``; only rows with ``bewertung == "Bedarf"`` are needs.
    """
    sicherungen = {**OHNE_SICHERUNGEN, **(sicherungen or {})}
    auffaellig = auffaellig or set()
    kat = katalog.set_index("id")
    pool_idx = pool.set_index(["stadtteil", "indikator"]) if pool is not None and len(pool) else None
    zeilen = []
    for r in regeln:
        art = r["art"]
        sich = _sich(r, sicherungen)
        if art in ("statusklasse", "dynamikklasse"):
            spalte = "klasse" if art == "statusklasse" else "dynamik_klasse"
            stabil = "klasse_stabil" if art == "statusklasse" else "dynamik_stabil"
            for _, s in index[index[spalte].isin(r["klassen"])].iterrows():
                ok = bool(s.get(stabil, True)) if pd.notna(s.get(stabil, True)) else True
                wert = s.get("index" if art == "statusklasse" else "dynamik_index", np.nan)
                for hf in r["handlungsfelder"]:
                    zeilen.append(_zeile(
                        s["stadtteil"], hf, r, wert=wert,
                        begruendung=f"{r['text']} (Klasse „{s[spalte]}“, Index {fmt.vorzeichen(wert, 2)})",
                        bewertung=BEDARF if ok else GRENZWERTIG,
                        hinweis="" if ok else "Klasse nicht stabil (wechselt in der Sensitivitätsanalyse oder liegt "
                                              "im Toleranzband an einer Klassengrenze)"))
            continue
        if art == "z":
            ids = benoetigte_indikatoren([r], katalog)
            kandidaten = std[std["indikator"].isin(ids)]
        else:
            kandidaten = std[std["indikator"] == r["indikator"]]
            if kandidaten.empty:
                raise KeyError(f"Regel {r['id']}: Indikator „{r['indikator']}“ fehlt in der Vergleichstabelle.")
        for _, s in kandidaten.iterrows():
            i = s["indikator"]
            k = kat.loc[i]
            if pd.isna(s["wert"]):
                continue
            wert, z, n, cu, co = (float(s.get(c, np.nan)) for c in ("wert", "zaehler", "nenner", "ci_unten", "ci_oben"))
            jahre = str(int(s["jahr"]))
            # threshold in the indicator's unit
            if art == "z":
                vz = float(vorzeichen_katalog(k["richtung"]))
                if vz == 0 or pd.isna(s["z"]) or s["z"] == 0:
                    sd = np.nan
                else:
                    sd = (s["wert"] - s["stadtwert"]) / s["z"]
                if not np.isfinite(sd) or sd <= 0:
                    continue
                grenze = s["stadtwert"] + vz * r["schwelle"] * sd
                vergleich = ">=" if vz > 0 else "<="
                tol = sich["toleranz_z"] * sd
                bezug = (f"z ≥ {fmt.zahl(r['schwelle'], 1)}, d. h. {'≥' if vz > 0 else '≤'} "
                         f"{fmt.wert(grenze, k['einheit'])}")
            else:
                vergleich = r["vergleich"]
                grenze = float(s["stadtwert"]) * r["faktor"] if art == "stadtfaktor" else float(r["wert"])
                tol = sich["toleranz"] * abs(grenze)
                bezug = (f"{'≥' if vergleich == '>=' else '≤'} {fmt.zahl(r['faktor'], 2)} × Gesamtstadt = "
                         f"{fmt.wert(grenze, k['einheit'])}" if art == "stadtfaktor"
                         else f"{'≥' if vergleich == '>=' else '≤'} {fmt.wert(grenze, k['einheit'])}")
            hinweis = []
            # small denominators: pool years first
            if np.isfinite(n) and n < sich["mindestnenner"] and pool_idx is not None and (s["stadtteil"], i) in pool_idx.index:
                p = pool_idx.loc[(s["stadtteil"], i)]
                if np.isfinite(p["zaehler"]) and np.isfinite(p["nenner"]) and p["nenner"] > 0:
                    z, n = float(p["zaehler"]), float(p["nenner"])
                    wert = z / n * float(k["faktor"])
                    if np.isfinite(cu):
                        from helpers.statistik import wilson

                        u, o = wilson(z, n, float(k["faktor"]))
                        cu, co = float(u[0]), float(o[0])
                    jahre = str(p["jahre"])
                    hinweis.append(f"Bezugsgröße im Berichtsjahr unter {fmt.zahl(sich['mindestnenner'])}: "
                                   f"Werte der Jahre {jahre} zusammengefasst")
            bew = entscheiden(wert, cu, co, grenze, vergleich, tol, sich["intervall"])
            if bew is None:
                continue
            if _flag(kat, i, "standortbezogen"):
                bew = NICHT_BEWERTBAR
                hinweis.append("am Standort der Einrichtungen gezählt, nicht am Wohnort: beschreibt das Angebot im "
                               "Stadtteil, keinen Bedarf seiner Bewohnerinnen und Bewohner")
            elif _flag(kat, i, "strukturelle_null") and wert == 0:
                bew = NICHT_BEWERTBAR
                hinweis.append("strukturelle Null (im Stadtteil gibt es die Einrichtung nicht)")
            elif (s["stadtteil"], i) in auffaellig:
                bew = NICHT_BEWERTBAR
                hinweis.append("Wert in der Plausibilitätsprüfung auffällig; vor einer Bewertung prüfen")
            elif np.isfinite(n) and n < sich["mindestnenner"]:
                bew = NICHT_BEWERTBAR
                hinweis.append(f"zu wenige Fälle (Bezugsgröße {'auch zusammengefasst nur' if hinweis else ''} "
                               f"{fmt.zahl(n)}, nötig sind {fmt.zahl(sich['mindestnenner'])})".replace("  ", " "))
            elif vergleich == ">=" and k["richtung"] == "belastung" and np.isfinite(z) and z < sich["mindestzaehler"]:
                bew = NICHT_BEWERTBAR
                hinweis.append(f"zu wenige Betroffene ({fmt.zahl(z)} unter {fmt.zahl(sich['mindestzaehler'])})")
            elif bew == GRENZWERTIG:
                hinweis.append("Intervall oder Toleranzband reicht über die Schwelle")
            zeilen.append(_zeile(
                s["stadtteil"], k["handlungsfeld"], r, i, wert, grenze,
                f"{r['text']}: {kurztitel(k)} {fmt.wert(wert, k['einheit'])}{_unsicher(s)} (Schwelle: {bezug})",
                bew, z, n, cu, co, jahre, "; ".join(hinweis)))
    out = pd.DataFrame(zeilen, columns=SPALTEN)
    pos = {n: i for i, n in enumerate(index["stadtteil"])}
    out = out.sort_values(["stadtteil", "handlungsfeld", "stufe", "regel"],
                          key=lambda s: s.map(pos) if s.name == "stadtteil" else s,
                          ascending=[True, True, False, True], kind="stable")
    return out.reset_index(drop=True)


def vorzeichen_katalog(richtung: str) -> float:
    """+1 belastung, −1 vorteil, 0 neutral."""
    return {"belastung": 1.0, "vorteil": -1.0}.get(richtung, 0.0)


def beduerfnisse(treffer: pd.DataFrame) -> pd.DataFrame:
    """Only the rows that are needs (``bewertung == "Bedarf"``)."""
    return treffer[treffer["bewertung"] == BEDARF] if "bewertung" in treffer else treffer


def uebersicht(treffer: pd.DataFrame, stadtteile: Sequence[str], handlungsfelder: Sequence[int]) -> pd.DataFrame:
    """District × Handlungsfeld matrix of the highest level of need (0 = none; borderline rows do not count)."""
    treffer = beduerfnisse(treffer)
    m = (treffer.groupby(["stadtteil", "handlungsfeld"])["stufe"].max().unstack(fill_value=0)
         if len(treffer) else pd.DataFrame())
    m = m.reindex(index=list(stadtteile), columns=list(handlungsfelder), fill_value=0).fillna(0).astype(int)
    m.index.name = "stadtteil"
    m.columns.name = "handlungsfeld"
    return m


def begruendungen(treffer: pd.DataFrame, stadtteil: str, handlungsfeld: int) -> list[str]:
    """The explanations for one cell of the overview."""
    t = beduerfnisse(treffer)
    t = t[(t["stadtteil"] == stadtteil) & (t["handlungsfeld"] == handlungsfeld)]
    return t["begruendung"].tolist()


# --------------------------------------------------------------------------- tables and sentences


def verdichten(treffer: pd.DataFrame) -> pd.DataFrame:
    """For the reader: where several rules fire on the same indicator in the same cell
    (e.g. z ≥ 1 and z ≥ 1,5), keep one row – a need before a borderline case before a value that
    cannot be assessed, and then the highest level."""
    if treffer.empty:
        return treffer
    rang = {BEDARF: 0, GRENZWERTIG: 1, NICHT_BEWERTBAR: 2}
    t = treffer.assign(_schluessel=treffer["indikator"].where(treffer["indikator"] != "", treffer["regel"]),
                       _rang=treffer["bewertung"].map(rang).fillna(0) if "bewertung" in treffer else 0,
                       _ord=range(len(treffer)))
    t = t.sort_values(["_rang", "stufe"], ascending=[True, False], kind="stable")
    t = t.drop_duplicates(["stadtteil", "handlungsfeld", "_schluessel"]).sort_values("_ord")
    return t.drop(columns=["_schluessel", "_rang", "_ord"]).reset_index(drop=True)


def uebersicht_tabelle(uebersicht: pd.DataFrame, treffer: pd.DataFrame | None = None) -> pd.DataFrame:
    """The overview as strings: "hoch", "erhöht", "grenzwertig" (only borderline evidence in that
    cell, when ``treffer`` is given) or "–", columns "HF 1" … ."""
    grenz = set()
    if treffer is not None and len(treffer):
        g = treffer[treffer["bewertung"] == GRENZWERTIG]
        grenz = set(zip(g["stadtteil"], g["handlungsfeld"]))
    out = pd.DataFrame({f"HF {h}": [STUFEN.get(int(uebersicht.loc[s, h]),
                                               GRENZWERTIG if (s, h) in grenz else "–") for s in uebersicht.index]
                        for h in uebersicht.columns})
    out.insert(0, "Stadtteil", list(uebersicht.index))
    return out.reset_index(drop=True)


def _faelle(z, n) -> str:
    """"Betroffene von Bezugsgröße" for a share of people; empty for other rates (m² per person)."""
    if not np.isfinite(n) or (np.isfinite(z) and z > n):
        return ""
    return f"{fmt.zahl(z)} von {fmt.zahl(n)}" if np.isfinite(z) else f"– von {fmt.zahl(n)}"


#: Columns of :func:`begruendung_tabelle`.
BEGRUENDUNG_SPALTEN = ["Stadtteil", "Handlungsfeld", "Bewertung", "Regel", "Wert", "Fälle", "95-%-KI", "Schwelle",
                       "Jahre", "Hinweis"]
BEGRUENDUNG_RECHTS = ["Wert", "Fälle", "95-%-KI", "Schwelle"]


def begruendung_tabelle(treffer: pd.DataFrame, hf_titel: Mapping[int, str],
                        katalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per rule and district that fired or came close, with the evidence: value, cases of
    the denominator (the absolute number of people concerned), 95 % interval, threshold, years and
    why a row is borderline or not assessable."""
    ein = katalog.set_index("id")["einheit"] if katalog is not None else pd.Series(dtype=str)
    kurz = katalog.set_index("id")["kurztitel"] if katalog is not None else pd.Series(dtype=str)
    bew = [BEDARF_STUFEN[int(st)] if b == BEDARF else b
           for b, st in zip(treffer.get("bewertung", [BEDARF] * len(treffer)), treffer["stufe"])]
    regel = [f"{txt.split(':')[0]}" + (f" ({kurz.get(i, i)})" if i else "")
             for txt, i in zip(treffer["begruendung"], treffer["indikator"])]

    def wert(w, i):
        if not i:
            return fmt.vorzeichen(w, 2) if np.isfinite(w) else ""
        return fmt.wert(w, ein.get(i, "")) if np.isfinite(w) else ""

    return pd.DataFrame({
        "Stadtteil": treffer["stadtteil"],
        "Handlungsfeld": [f"{h} {hf_titel.get(h, '')}".strip() for h in treffer["handlungsfeld"]],
        "Bewertung": bew,
        "Regel": regel,
        "Wert": [wert(w, i) for w, i in zip(treffer["wert"], treffer["indikator"])],
        "Fälle": [_faelle(z, n) if i and not _flag(katalog.set_index("id"), i, "zaehler_kann_nenner_uebersteigen")
                  and not (katalog is not None and ein.get(i, "") not in ("%", "‰")) else ""
                  for z, n, i in zip(treffer.get("zaehler", np.nan), treffer.get("nenner", np.nan), treffer["indikator"])]
        if katalog is not None else [_faelle(z, n) for z, n in zip(treffer.get("zaehler", np.nan),
                                                                    treffer.get("nenner", np.nan))],
        "95-%-KI": [_bereich(u, o, ein.get(i, "")) if i else ""
                    for u, o, i in zip(treffer.get("ci_unten", np.nan), treffer.get("ci_oben", np.nan),
                                       treffer["indikator"])],
        # the comparison that applies is the last one in the reason ("z ≥ 1,0, d. h. ≤ 32,0 %")
        "Schwelle": [("" if not i else ("≥ " if t.rfind("≥") > t.rfind("≤") else "≤ ") + fmt.wert(g, ein.get(i, "")))
                     if np.isfinite(g) else "Klasse" for g, i, t in
                     zip(treffer["vergleichswert"], treffer["indikator"], treffer["begruendung"])],
        "Jahre": treffer.get("jahre", ""),
        "Hinweis": treffer.get("hinweis", ""),
    }).reset_index(drop=True)


def _felder(nummern) -> str:
    """"Handlungsfeld 2" or "Handlungsfelder 2, 3 und 5"."""
    nummern = [str(n) for n in nummern]
    return f"Handlungsfeld {nummern[0]}" if len(nummern) == 1 else f"Handlungsfelder {fmt.aufzaehlung(nummern)}"


def regel_tabelle(regeln: Sequence[Mapping], titel: Mapping[str, str],
                  sicherungen: Mapping | None = None) -> pd.DataFrame:
    """The rule set in words (for the book: which rule flags what, with its safeguards)."""
    sicherungen = {**OHNE_SICHERUNGEN, **(sicherungen or {})}
    zeilen = []
    for r in regeln:
        art = r["art"]
        sich = _sich(r, sicherungen)
        if art == "statusklasse":
            bedingung = f"Statusklasse {' oder '.join(r['klassen'])}; {_felder(r['handlungsfelder'])}"
            absicherung = "nur wenn die Klasse stabil ist (Sensitivitätsanalyse, Toleranzband an den Klassengrenzen)"
        elif art == "dynamikklasse":
            bedingung = f"Dynamikklasse {' oder '.join(r['klassen'])}; {_felder(r['handlungsfelder'])}"
            absicherung = "nur außerhalb des Toleranzbands an der Klassengrenze"
        else:
            if art == "z":
                welche = ("jeder Kernindikator" if r["indikatoren"] == "kern"
                          else ", ".join(titel.get(i, i) for i in r["indikatoren"]))
                bedingung = f"{welche}: z gegenüber der Gesamtstadt ≥ {fmt.zahl(r['schwelle'], 1)} (ungünstiger)"
                band = f"Toleranzband ± {fmt.zahl(sich['toleranz_z'], 2)} z"
            elif art == "stadtfaktor":
                bedingung = (f"{titel.get(r['indikator'], r['indikator'])} {'≥' if r['vergleich'] == '>=' else '≤'} "
                             f"{fmt.zahl(r['faktor'], 2)} × Gesamtstadt")
                band = f"Toleranzband ± {fmt.prozent(sich['toleranz'] * 100, 0)} der Schwelle"
            else:
                bedingung = (f"{titel.get(r['indikator'], r['indikator'])} {'≥' if r['vergleich'] == '>=' else '≤'} "
                             f"{fmt.zahl(r['wert'], 1)}")
                band = f"Toleranzband ± {fmt.prozent(sich['toleranz'] * 100, 0)} der Schwelle"
            teile = (["95-%-Intervall ganz jenseits der Schwelle"] if sich["intervall"] else []) + [band]
            if sich["mindestnenner"]:
                teile.append(f"Bezugsgröße ≥ {fmt.zahl(sich['mindestnenner'])} (sonst {sich['poolen_jahre']} Jahre "
                             "zusammengefasst)")
            if sich["mindestzaehler"]:
                teile.append(f"mindestens {fmt.zahl(sich['mindestzaehler'])} Betroffene")
            absicherung = "; ".join(teile)
        zeilen.append({"Regel": r["text"], "Bedingung": bedingung, "Stufe": STUFEN[int(r["stufe"])],
                       "Absicherung": absicherung})
    return pd.DataFrame(zeilen)


def _nur_grenzwertig(uebersicht: pd.DataFrame, treffer: pd.DataFrame | None) -> set:
    """(district, Handlungsfeld) cells without a need but with borderline evidence."""
    if treffer is None or treffer.empty:
        return set()
    g = treffer[treffer["bewertung"] == GRENZWERTIG]
    return {(s, h) for s, h in zip(g["stadtteil"], g["handlungsfeld"])
            if s in uebersicht.index and h in uebersicht.columns and uebersicht.loc[s, h] == 0}


def je_handlungsfeld(uebersicht: pd.DataFrame, hf_titel: Mapping[int, str],
                     treffer: pd.DataFrame | None = None) -> list[str]:
    """One Markdown list item per Handlungsfeld naming the districts with high and raised need
    (and, with ``treffer``, those with only borderline evidence)."""
    grenz = _nur_grenzwertig(uebersicht, treffer)
    zeilen = []
    for h in uebersicht.columns:
        hoch = uebersicht.index[uebersicht[h] == 2].tolist()
        erh = uebersicht.index[uebersicht[h] == 1].tolist()
        gw = [s for s in uebersicht.index if (s, h) in grenz]
        teile = []
        if hoch:
            teile.append(f"hoher Handlungsbedarf in {fmt.aufzaehlung(hoch)}")
        if erh:
            teile.append(f"erhöhter Handlungsbedarf in {fmt.aufzaehlung(erh)}")
        if gw:
            teile.append(f"grenzwertig (nicht eindeutig) in {fmt.aufzaehlung(gw)}")
        text = "; ".join(teile) if teile else "nach den Regeln in keinem Stadtteil ein Handlungsbedarf"
        zeilen.append(f"- **{h} {hf_titel.get(h, '')}:** {text}.")
    return zeilen


def befund(uebersicht: pd.DataFrame, treffer: pd.DataFrame | None = None) -> list[str]:
    """Computed sentences on the overview (with ``treffer``: also the borderline cells)."""
    n_zellen = int((uebersicht > 0).to_numpy().sum())
    n_hoch = int((uebersicht == 2).to_numpy().sum())
    saetze = [f"Nach den Regeln ergibt sich in den vorliegenden Daten für {n_zellen} der "
              f"{uebersicht.size} Kombinationen aus Stadtteil und Handlungsfeld ein Handlungsbedarf, "
              f"davon {n_hoch} mit hohem Bedarf."]
    grenz = _nur_grenzwertig(uebersicht, treffer)
    if grenz:
        saetze.append(f"In {len(grenz)} weiteren Kombinationen liegt ein Wert nahe an einer Schwelle oder sein "
                      "Intervall reicht über sie hinweg; sie gelten als grenzwertig – weder als Bedarf noch als "
                      "unauffällig.")
    je = (uebersicht > 0).sum(axis=1).sort_values(ascending=False, kind="stable")
    if je.iloc[0] > 0:
        spitze = je[je == je.iloc[0]].index.tolist()
        saetze.append(f"Die meisten Handlungsfelder mit Bedarf {'hat' if len(spitze) == 1 else 'haben'} {fmt.aufzaehlung(spitze)} "
                      f"({int(je.iloc[0])} von {uebersicht.shape[1]}).")
    ohne = je[je == 0].index.tolist()
    if ohne:
        saetze.append(f"Ohne Handlungsbedarf nach diesen Regeln {'ist' if len(ohne) == 1 else 'sind'} {fmt.aufzaehlung(ohne)}.")
    return saetze


# --------------------------------------------------------------------------- absolute numbers


def betroffene_tabelle(std: pd.DataFrame, ids: Sequence[str], kurz: Mapping[str, str]) -> pd.DataFrame:
    """Per district the number of people concerned (published numerator) and the rate of each
    indicator in ``ids``, so that a large district with many people concerned but an average
    rate is visible next to a small district with a high rate ("•": suppressed)."""
    t = std[std["indikator"].isin(list(ids))]
    reihen = list(dict.fromkeys(std["stadtteil"]))
    out = pd.DataFrame({"Stadtteil": reihen})
    for i in ids:
        g = t[t["indikator"] == i].set_index("stadtteil").reindex(reihen)
        out[f"{kurz.get(i, i)}: Anzahl"] = [fmt.GESPERRT if pd.isna(z) else fmt.zahl(z) for z in g["zaehler"]]
        out[f"{kurz.get(i, i)}: Quote"] = [fmt.GESPERRT if pd.isna(w) else fmt.zahl(w, 1) for w in g["wert"]]
    return out


def betroffene_satz(std: pd.DataFrame, i: str, kurz: Mapping[str, str], einheit: str = "") -> str:
    """The district with the most people concerned for ``i`` and where its rate stands against the city."""
    from helpers.statistik import lage_zur_stadt

    g = std[(std["indikator"] == i) & std["zaehler"].notna()]
    if g.empty:
        return ""
    g = g.assign(lage=lage_zur_stadt(g["ci_unten"], g["ci_oben"], g["stadtwert"]))
    top = g.sort_values("zaehler", ascending=False, kind="stable").iloc[0]
    zweit = g.sort_values("zaehler", ascending=False, kind="stable").iloc[1] if len(g) > 1 else None
    stadt = fmt.wert(top["stadtwert"], einheit)

    def lage(x):
        return {"über": f"über der Gesamtstadt mit {stadt}, auch unter Berücksichtigung der Zufallsschwankung",
                "unter": f"unter der Gesamtstadt mit {stadt}, auch unter Berücksichtigung der Zufallsschwankung"
                }.get(x, f"vom Wert der Gesamtstadt ({stadt}) nicht sicher verschieden")

    satz = (f"Bei „{kurz.get(i, i)}“ leben die meisten Betroffenen in {top['stadtteil']} ({fmt.zahl(top['zaehler'])}; "
            f"Quote {fmt.wert(top['wert'], einheit)}, {lage(top['lage'])})")
    if zweit is not None:
        satz += (f", gefolgt von {zweit['stadtteil']} ({fmt.zahl(zweit['zaehler'])}; Quote "
                 f"{fmt.wert(zweit['wert'], einheit)}, {lage(zweit['lage'])})")
    return satz + "."


# --------------------------------------------------------------------------- many districts

#: The download with every check of the rules (the chapter shortens its tables for many districts).
DOWNLOAD = "handlungsbedarfe.csv"


def csv_tabelle(treffer: pd.DataFrame) -> pd.DataFrame:
    """Every check of the rules, machine-readable (content of :data:`DOWNLOAD`)."""
    spalten = ["stadtteil", "handlungsfeld", "regel", "stufe", "bewertung", "indikator", "wert", "vergleichswert",
               "zaehler", "nenner", "ci_unten", "ci_oben", "jahre", "hinweis"]
    t = treffer.reindex(columns=spalten).copy()
    t["bewertung"] = [BEDARF_STUFEN.get(int(s), b) if b == BEDARF else b for b, s in zip(t["bewertung"], t["stufe"])]
    return t.rename(columns={"vergleichswert": "schwelle"}).reset_index(drop=True)


def _hinweiszeile(tab: pd.DataFrame, text: str) -> pd.DataFrame:
    return pd.concat([tab, pd.DataFrame([[f"*{text}*", *[""] * (tab.shape[1] - 1)]], columns=tab.columns)],
                     ignore_index=True)


def uebersicht_kuerzen(tab: pd.DataFrame) -> pd.DataFrame:
    """:func:`uebersicht_tabelle` for many districts (above ``tabelle_bis``): only districts with a need."""
    from helpers import darstellung

    if len(tab) <= darstellung.regeln().tabelle_bis:
        return tab
    felder = tab.columns[1:]
    mit = tab[tab[felder].isin(list(STUFEN.values())).any(axis=1)]
    rest = len(tab) - len(mit)
    return _hinweiszeile(mit, f"… {fmt.anzahl(rest, 'weiterer Stadtteil', 'weitere Stadtteile')} ohne "
                              f"Handlungsbedarf (alle Prüfungen: Downloads, {DOWNLOAD}) …") if rest else mit


def begruendung_kuerzen(tab: pd.DataFrame, n_stadtteile: int) -> pd.DataFrame:
    """:func:`begruendung_tabelle` for many districts: the rows that establish a need; the borderline
    and not assessable checks are counted and left to the download."""
    from helpers import darstellung

    if n_stadtteile <= darstellung.regeln().tabelle_bis:
        return tab
    mit = tab[tab["Bewertung"].isin(list(BEDARF_STUFEN.values()))]
    rest = len(tab) - len(mit)
    return _hinweiszeile(mit, f"… {fmt.anzahl(rest, 'weitere Prüfung', 'weitere Prüfungen', 'f')} (grenzwertig "
                              f"oder nicht bewertbar): Downloads, {DOWNLOAD} …") if rest else mit


def betroffene_kuerzen(tab: pd.DataFrame) -> pd.DataFrame:
    """:func:`betroffene_tabelle` for many districts: those with the most people concerned (first indicator)."""
    from helpers import darstellung

    r = darstellung.regeln()
    if len(tab) <= r.tabelle_bis:
        return tab
    anzahl = pd.to_numeric(tab.iloc[:, 1].str.replace(".", "", regex=False), errors="coerce")
    oben = tab.loc[anzahl.sort_values(ascending=False, kind="stable").index[:2 * r.auswahl_tabelle]]
    rest = len(tab) - len(oben)
    return _hinweiszeile(oben, f"… {fmt.anzahl(rest, 'weiterer Stadtteil', 'weitere Stadtteile')} mit weniger "
                               "Betroffenen (alle Werte: Downloads, indikatoren.csv) …")
