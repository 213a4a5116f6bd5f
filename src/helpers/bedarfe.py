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
from helpers.texte import kurztitel

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
                    f"{r['text']}: {kurztitel(k)} {fmt.wert(s['wert'], k['einheit'])}{_unsicher(s)} "
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
                    f"{r['text']}: {kurztitel(k)} {fmt.wert(s['wert'], k['einheit'])}{_unsicher(s)} "
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


# --------------------------------------------------------------------------- tables and sentences


def verdichten(treffer: pd.DataFrame) -> pd.DataFrame:
    """For the reader: where several rules fire on the same indicator in the same cell
    (e.g. z ≥ 1 and z ≥ 1,5), keep only the one with the highest level."""
    if treffer.empty:
        return treffer
    t = treffer.assign(_schluessel=treffer["indikator"].where(treffer["indikator"] != "", treffer["regel"]))
    hoechste = t.groupby(["stadtteil", "handlungsfeld", "_schluessel"])["stufe"].transform("max")
    t = t[t["stufe"] == hoechste].drop_duplicates(["stadtteil", "handlungsfeld", "_schluessel", "stufe"])
    return t.drop(columns="_schluessel").reset_index(drop=True)


def uebersicht_tabelle(uebersicht: pd.DataFrame) -> pd.DataFrame:
    """The overview as strings: "hoch", "erhöht" or "–", columns "HF 1" … ."""
    out = uebersicht.apply(lambda s: s.map(lambda w: STUFEN.get(int(w), "–")))
    out.columns = [f"HF {h}" for h in uebersicht.columns]
    out.insert(0, "Stadtteil", uebersicht.index)
    return out.reset_index(drop=True)


def begruendung_tabelle(treffer: pd.DataFrame, hf_titel: Mapping[int, str]) -> pd.DataFrame:
    """One row per fired rule: district, Handlungsfeld, level and the reason."""
    return pd.DataFrame({
        "Stadtteil": treffer["stadtteil"],
        "Handlungsfeld": [f"{h} {hf_titel.get(h, '')}".strip() for h in treffer["handlungsfeld"]],
        "Stufe": [STUFEN[int(s)] for s in treffer["stufe"]],
        "Begründung": treffer["begruendung"],
    }).reset_index(drop=True)


def regel_tabelle(regeln: Sequence[Mapping], titel: Mapping[str, str]) -> pd.DataFrame:
    """The rule set in words (for the book: which rule flags what)."""
    zeilen = []
    for r in regeln:
        art = r["art"]
        if art == "statusklasse":
            bedingung = f"Statusklasse {' oder '.join(r['klassen'])}; Handlungsfelder {', '.join(map(str, r['handlungsfelder']))}"
        elif art == "dynamikklasse":
            bedingung = f"Dynamikklasse {' oder '.join(r['klassen'])}; Handlungsfelder {', '.join(map(str, r['handlungsfelder']))}"
        elif art == "z":
            welche = "jeder Kernindikator" if r["indikatoren"] == "kern" else ", ".join(titel.get(i, i) for i in r["indikatoren"])
            bedingung = f"{welche}: z gegenüber der Gesamtstadt ≥ {fmt.zahl(r['schwelle'], 1)} (ungünstiger)"
        elif art == "stadtfaktor":
            bedingung = (f"{titel.get(r['indikator'], r['indikator'])} {'≥' if r['vergleich'] == '>=' else '≤'} "
                         f"{fmt.zahl(r['faktor'], 2)} × Gesamtstadt")
        else:
            bedingung = (f"{titel.get(r['indikator'], r['indikator'])} {'≥' if r['vergleich'] == '>=' else '≤'} "
                         f"{fmt.zahl(r['wert'], 1)}")
        zeilen.append({"Regel": r["text"], "Bedingung": bedingung, "Stufe": STUFEN[int(r["stufe"])]})
    return pd.DataFrame(zeilen)


def je_handlungsfeld(uebersicht: pd.DataFrame, hf_titel: Mapping[int, str]) -> list[str]:
    """One Markdown list item per Handlungsfeld naming the districts with high and raised need."""
    zeilen = []
    for h in uebersicht.columns:
        hoch = uebersicht.index[uebersicht[h] == 2].tolist()
        erh = uebersicht.index[uebersicht[h] == 1].tolist()
        teile = []
        if hoch:
            teile.append(f"hoher Handlungsbedarf in {fmt.aufzaehlung(hoch)}")
        if erh:
            teile.append(f"erhöhter Handlungsbedarf in {fmt.aufzaehlung(erh)}")
        text = "; ".join(teile) if teile else "nach den Regeln in keinem Stadtteil ein Handlungsbedarf"
        zeilen.append(f"- **{h} {hf_titel.get(h, '')}:** {text}.")
    return zeilen


def befund(uebersicht: pd.DataFrame) -> list[str]:
    """Computed sentences on the overview."""
    n_zellen = int((uebersicht > 0).to_numpy().sum())
    n_hoch = int((uebersicht == 2).to_numpy().sum())
    saetze = [f"Nach den Regeln ergibt sich in den vorliegenden Daten für {n_zellen} der "
              f"{uebersicht.size} Kombinationen aus Stadtteil und Handlungsfeld ein Handlungsbedarf, "
              f"davon {n_hoch} mit hohem Bedarf."]
    je = (uebersicht > 0).sum(axis=1).sort_values(ascending=False, kind="stable")
    if je.iloc[0] > 0:
        spitze = je[je == je.iloc[0]].index.tolist()
        saetze.append(f"Die meisten Handlungsfelder mit Bedarf {'hat' if len(spitze) == 1 else 'haben'} {fmt.aufzaehlung(spitze)} "
                      f"({int(je.iloc[0])} von {uebersicht.shape[1]}).")
    ohne = je[je == 0].index.tolist()
    if ohne:
        saetze.append(f"Ohne Handlungsbedarf nach diesen Regeln {'ist' if len(ohne) == 1 else 'sind'} {fmt.aufzaehlung(ohne)}.")
    return saetze
