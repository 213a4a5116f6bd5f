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

The result is a tidy table with one row per fired rule, so every flag can be
explained, and an overview district × Handlungsfeld with the highest level.
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

ARTEN = ("statusklasse", "dynamikklasse", "z", "stadtfaktor", "schwelle")
VERGLEICHE = {">=": operator.ge, "<=": operator.le}
STUFEN = {1: "erhöht", 2: "hoch"}
SPALTEN = ["stadtteil", "handlungsfeld", "regel", "stufe", "indikator", "wert", "vergleichswert", "begruendung"]


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


def _kurz(k: pd.Series) -> str:
    kurz = k.get("kurztitel")
    return str(kurz) if isinstance(kurz, str) and kurz.strip() else str(k["titel"])


def _zeile(stadtteil, hf, r, indikator="", wert=np.nan, vergleichswert=np.nan, begruendung=""):
    return {"stadtteil": stadtteil, "handlungsfeld": int(hf), "regel": r["id"], "stufe": int(r["stufe"]),
            "indikator": indikator, "wert": wert, "vergleichswert": vergleichswert, "begruendung": begruendung}


def anwenden(
    regeln: Sequence[Mapping],
    std: pd.DataFrame,
    index: pd.DataFrame,
    katalog: pd.DataFrame,
) -> pd.DataFrame:
    """Apply the rules.

    ``std``: district × indicator table from :func:`helpers.vergleich.standardisieren`
    (``stadtteil``, ``indikator``, ``wert``, ``stadtwert``, ``z_gerichtet``) covering
    :func:`benoetigte_indikatoren`; ``index``: social index with ``stadtteil``,
    ``klasse``, ``dynamik_klasse``. Returns one row per fired rule (columns
    :data:`SPALTEN`), in district order of ``index``.
    """
    kat = katalog.set_index("id")
    zeilen = []
    for r in regeln:
        art = r["art"]
        if art in ("statusklasse", "dynamikklasse"):
            spalte = "klasse" if art == "statusklasse" else "dynamik_klasse"
            for _, s in index[index[spalte].isin(r["klassen"])].iterrows():
                for hf in r["handlungsfelder"]:
                    zeilen.append(_zeile(s["stadtteil"], hf, r,
                                         begruendung=f"{r['text']} (Klasse „{s[spalte]}“)"))
        elif art == "z":
            ids = benoetigte_indikatoren([r], katalog)
            t = std[std["indikator"].isin(ids) & (std["z_gerichtet"] >= r["schwelle"])]
            for _, s in t.iterrows():
                k = kat.loc[s["indikator"]]
                zeilen.append(_zeile(
                    s["stadtteil"], k["handlungsfeld"], r, s["indikator"], s["wert"], s["stadtwert"],
                    f"{r['text']}: {_kurz(k)} {fmt.wert(s['wert'], k['einheit'])} "
                    f"(Gesamtstadt {fmt.wert(s['stadtwert'], k['einheit'])}; "
                    f"z = {fmt.vorzeichen(s['z_gerichtet'], 1)})"))
        else:
            i = r["indikator"]
            k = kat.loc[i]
            t = std[std["indikator"] == i]
            if t.empty:
                raise KeyError(f"Regel {r['id']}: Indikator „{i}“ fehlt in der Vergleichstabelle.")
            op = VERGLEICHE[r["vergleich"]]
            grenze = t["stadtwert"] * r["faktor"] if art == "stadtfaktor" else pd.Series(float(r["wert"]), index=t.index)
            treffer = t[t["wert"].notna() & op(t["wert"], grenze)]
            for j, s in treffer.iterrows():
                bezug = (f"{fmt.zahl(r['faktor'], 2)} × Gesamtstadt = {fmt.wert(grenze[j], k['einheit'])}"
                         if art == "stadtfaktor" else fmt.wert(grenze[j], k["einheit"]))
                zeilen.append(_zeile(
                    s["stadtteil"], k["handlungsfeld"], r, i, s["wert"], grenze[j],
                    f"{r['text']}: {_kurz(k)} {fmt.wert(s['wert'], k['einheit'])} "
                    f"{'≥' if r['vergleich'] == '>=' else '≤'} {bezug}"))
    out = pd.DataFrame(zeilen, columns=SPALTEN)
    pos = {n: i for i, n in enumerate(index["stadtteil"])}
    out = out.sort_values(["stadtteil", "handlungsfeld", "stufe", "regel"],
                          key=lambda s: s.map(pos) if s.name == "stadtteil" else s,
                          ascending=[True, True, False, True], kind="stable")
    return out.reset_index(drop=True)


def uebersicht(treffer: pd.DataFrame, stadtteile: Sequence[str], handlungsfelder: Sequence[int]) -> pd.DataFrame:
    """District × Handlungsfeld matrix of the highest level that fired (0 = none)."""
    m = (treffer.groupby(["stadtteil", "handlungsfeld"])["stufe"].max().unstack(fill_value=0)
         if len(treffer) else pd.DataFrame())
    m = m.reindex(index=list(stadtteile), columns=list(handlungsfelder), fill_value=0).fillna(0).astype(int)
    m.index.name = "stadtteil"
    m.columns.name = "handlungsfeld"
    return m


def begruendungen(treffer: pd.DataFrame, stadtteil: str, handlungsfeld: int) -> list[str]:
    """The explanations for one cell of the overview."""
    t = treffer[(treffer["stadtteil"] == stadtteil) & (treffer["handlungsfeld"] == handlungsfeld)]
    return t["begruendung"].tolist()
