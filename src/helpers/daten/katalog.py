"""``indikatoren.yml``: Handlungsfelder, Merkmale (raw counts/amounts) and indicators.

Schema: see CONTEXT/data README. Optional keys beyond the documented schema:

* Merkmal ``jaehrlich: false`` – not collected every year (e.g. election turnout):
  the Berichtsjahr is then not required for it.
* Indikator ``zaehler_kann_nenner_uebersteigen: true`` – switches off the check
  zaehler <= nenner (e.g. cases per 1,000 residents).
* Indikator ``kern`` (default false), ``kurztitel`` (default: ``titel``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.daten.fehler import Problem, aehnlichster
from helpers.daten.yamldatei import YamlInhalt, lese_yaml

ARTEN = ("anzahl", "betrag")
RICHTUNGEN = ("belastung", "vorteil", "neutral")


@dataclass(frozen=True)
class Katalog:
    """The indicator catalog as three tables (columns as in the YAML, defaults filled in)."""

    handlungsfelder: pd.DataFrame
    merkmale: pd.DataFrame
    indikatoren: pd.DataFrame

    def indikator(self, id: str) -> pd.Series:
        """The catalog row of one indicator (dict-like: ``row["titel"]``, ``row.get("kern")``)."""
        return _zeile(self.indikatoren, id, "Indikator")

    def merkmal(self, id: str) -> pd.Series:
        """The catalog row of one Merkmal."""
        return _zeile(self.merkmale, id, "Merkmal")

    def handlungsfeld(self, nr: int) -> pd.Series:
        """The catalog row of one Handlungsfeld."""
        t = self.handlungsfelder
        treffer = t[t["nr"] == nr]
        if treffer.empty:
            raise KeyError(f"Handlungsfeld {nr} steht nicht im Katalog.")
        return treffer.iloc[0]

    def kopie(self) -> "Katalog":
        return Katalog(self.handlungsfelder.copy(deep=False), self.merkmale.copy(deep=False),
                       self.indikatoren.copy(deep=False))


def _zeile(t: pd.DataFrame, id: str, art: str) -> pd.Series:
    treffer = t[t["id"] == id]
    if treffer.empty:
        nah = difflib.get_close_matches(str(id), t["id"].tolist(), n=1)
        tipp = f" Meinten Sie „{nah[0]}“?" if nah else ""
        raise KeyError(f"{art} „{id}“ steht nicht im Katalog.{tipp}")
    return treffer.iloc[0]


def _ist_text(v) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _ist_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _ist_zahl(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class _Pruefer:
    def __init__(self, datei: str, inhalt: YamlInhalt, probleme: list[Problem]):
        self.datei, self.inhalt, self.probleme = datei, inhalt, probleme

    def fehler(self, pfad, wert, meldung, hinweis):
        self.probleme.append(Problem(self.datei, self.inhalt.zeile(*pfad), str(pfad[-1]) if pfad else None,
                                     None if wert is None else str(wert), meldung, hinweis))

    def liste(self, y: dict, abschnitt: str) -> list:
        v = y.get(abschnitt)
        if not isinstance(v, list) or not v:
            self.fehler((abschnitt,), None, f"Der Abschnitt „{abschnitt}“ fehlt oder ist keine Liste.",
                        f"Schreiben Sie „{abschnitt}:“ und darunter je Eintrag eine Zeile "
                        f"„- {'nr' if abschnitt == 'handlungsfelder' else 'id'}: …“.")
            return []
        return v

    def eintraege(self, abschnitt: str, liste: list, felder: dict, schluessel: str) -> list[dict]:
        """Check each entry against ``felder`` = {key: (required, test, expectation, default)}."""
        gut, gesehen = [], {}
        for i, e in enumerate(liste):
            if not isinstance(e, dict):
                self.fehler((abschnitt, i), e, f"Eintrag {i + 1} in „{abschnitt}“ ist keine Zuordnung.",
                            "Jeder Eintrag beginnt mit „- id: …“ und hat darunter eingerückte Schlüssel.")
                continue
            ok = True
            for k, (pflicht, test, erwartet, standard) in felder.items():
                wert = e.get(k)
                if wert is None:
                    if pflicht:
                        name = e.get(schluessel, f"Nr. {i + 1}")
                        self.fehler((abschnitt, i, k), None, f"Im Eintrag „{name}“ unter „{abschnitt}“ fehlt „{k}“.",
                                    f"Ergänzen Sie „{k}:“ ({erwartet}).")
                        ok = False
                    continue
                if not test(wert):
                    self.fehler((abschnitt, i, k), wert, f"„{k}“ muss {erwartet} sein.",
                                f"Korrigieren Sie den Wert ({erwartet}).")
                    ok = False
            for k in e:
                # Extra keys are kept as columns; one that looks like a typo of a known key is an error.
                nah = difflib.get_close_matches(str(k), list(felder), n=1, cutoff=0.8) if k not in felder else []
                if nah:
                    self.fehler((abschnitt, i, k), None, f"Unbekannter Schlüssel „{k}“ unter „{abschnitt}“.",
                                f"Meinten Sie „{nah[0]}“?")
                    ok = False
            key = e.get(schluessel)
            if key is not None and not isinstance(key, (dict, list)):
                if key in gesehen:
                    self.fehler((abschnitt, i, schluessel), key,
                                f"„{key}“ kommt in „{abschnitt}“ doppelt vor "
                                f"(zuerst in Zeile {self.inhalt.zeile(abschnitt, gesehen[key])}).",
                                "Jede Kennung darf nur einmal vorkommen: löschen oder umbenennen.")
                    ok = False
                else:
                    gesehen[key] = i
            if ok:
                voll = {k: (e.get(k) if e.get(k) is not None else v[3]) for k, v in felder.items()}
                voll.update({k: v for k, v in e.items() if k not in felder})
                voll["_index"] = i
                gut.append(voll)
        return gut


def _kennung(v) -> bool:
    return isinstance(v, str) and bool(v) and not any(c.isspace() for c in v)


def lese_katalog(pfad: Path, datei: str, probleme: list[Problem]) -> Katalog | None:
    """Read and check the catalog; problems are appended.

    Returns ``None`` if the file is unusable as a whole. If problems were found in
    single entries, the returned catalog holds only the valid ones (so the data can
    still be checked against them); the caller must not use it for results then.

    ``datei`` is the name used in messages. Checks: required keys and types, unique
    ids, Handlungsfeld 1–9 and listed, zaehler/nenner refer to defined Merkmale,
    art and richtung from their fixed lists.
    """
    if not pfad.is_file():
        probleme.append(Problem(datei, None, None, None, "Der Indikatorenkatalog indikatoren.yml fehlt.",
                                "Legen Sie indikatoren.yml in den Datenordner oder nach data/ im Repository."))
        return None
    inhalt = lese_yaml(pfad, datei, probleme)
    if inhalt is None:
        return None
    y = inhalt.daten
    pr = _Pruefer(datei, inhalt, probleme)
    if not isinstance(y, dict):
        pr.fehler((), None, "Der Katalog muss die Abschnitte handlungsfelder, merkmale und indikatoren haben.",
                  "Vorlage: data/indikatoren.yml im Repository.")
        return None
    n_vorher = len(probleme)

    hf = pr.eintraege("handlungsfelder", pr.liste(y, "handlungsfelder"), {
        "nr": (True, lambda v: _ist_int(v) and 1 <= v <= 9, "eine ganze Zahl von 1 bis 9", None),
        "titel": (True, _ist_text, "ein Text", None),
        "kapitel": (False, _ist_text, "ein Text (Kapitelkürzel)", None),
    }, "nr")
    mm = pr.eintraege("merkmale", pr.liste(y, "merkmale"), {
        "id": (True, _kennung, "eine Kennung ohne Leerzeichen", None),
        "beschreibung": (True, _ist_text, "ein Text", None),
        "einheit": (True, _ist_text, "ein Text", None),
        "quelle": (True, _ist_text, "ein Text", None),
        "art": (True, lambda v: v in ARTEN, "„anzahl“ (Personen/Fälle, Geheimhaltung) oder „betrag“", None),
        "jaehrlich": (False, lambda v: isinstance(v, bool), "true oder false", True),
    }, "id")
    # Merkmale that failed their own checks still count as defined (without their
    # faulty fields), so one typo does not cascade into "unknown Merkmal" errors.
    roh_mm = y.get("merkmale") if isinstance(y.get("merkmale"), list) else []
    definiert = {e.get("id") for e in roh_mm if isinstance(e, dict) and isinstance(e.get("id"), str)}
    gute = {m["id"] for m in mm}
    for i, e in enumerate(roh_mm):
        if isinstance(e, dict) and e.get("id") in definiert - gute:
            gute.add(e["id"])
            mm.append({"id": e["id"], "beschreibung": None, "einheit": None, "quelle": None, "art": None,
                       "jaehrlich": True, "_index": i})
    hf_nr = {h["nr"] for h in hf}

    ind = pr.eintraege("indikatoren", pr.liste(y, "indikatoren"), {
        "id": (True, _kennung, "eine Kennung ohne Leerzeichen", None),
        "titel": (True, _ist_text, "ein Text", None),
        "kurztitel": (False, _ist_text, "ein Text", None),
        "handlungsfeld": (True, lambda v: _ist_int(v) and 1 <= v <= 9, "eine ganze Zahl von 1 bis 9", None),
        "zaehler": (True, _kennung, "die id eines Merkmals unter „merkmale“", None),
        "nenner": (False, _kennung, "die id eines Merkmals unter „merkmale“ oder leer (null)", None),
        "faktor": (True, lambda v: _ist_zahl(v) and v > 0, "eine positive Zahl (100, 1000 oder 1)", None),
        "einheit": (True, _ist_text, "ein Text", None),
        "richtung": (True, lambda v: v in RICHTUNGEN, "belastung, vorteil oder neutral", None),
        "definition": (True, _ist_text, "ein Text", None),
        "quelle": (True, _ist_text, "ein Text", None),
        "kern": (False, lambda v: isinstance(v, bool), "true oder false", False),
        "zaehler_kann_nenner_uebersteigen": (False, lambda v: isinstance(v, bool), "true oder false", False),
    }, "id")
    # Sharper messages for references, with a suggestion.
    roh_ind = y.get("indikatoren") if isinstance(y.get("indikatoren"), list) else []
    for i, e in enumerate(roh_ind):
        if not isinstance(e, dict):
            continue
        for k in ("zaehler", "nenner"):
            v = e.get(k)
            if isinstance(v, str) and v not in definiert:
                nah = aehnlichster(v, definiert, cutoff=0.6)
                pr.fehler(("indikatoren", i, k), v,
                          f"Indikator „{e.get('id')}“ verweist auf das unbekannte Merkmal „{v}“.",
                          (f"Meinten Sie „{nah}“? " if nah else "")
                          + "Jedes Merkmal in zaehler/nenner muss unter „merkmale“ definiert sein.")
        h = e.get("handlungsfeld")
        if hf_nr and _ist_int(h) and 1 <= h <= 9 and h not in hf_nr:
            pr.fehler(("indikatoren", i, "handlungsfeld"), h,
                      f"Handlungsfeld {h} ist unter „handlungsfelder“ nicht aufgeführt.",
                      "Ergänzen Sie das Handlungsfeld oder korrigieren Sie die Nummer.")

    def tabelle(eintraege: list[dict], erste: list[str]) -> pd.DataFrame:
        if not eintraege:
            return pd.DataFrame(columns=erste)
        t = pd.DataFrame(eintraege).sort_values("_index").drop(columns="_index").reset_index(drop=True)
        return t[erste + [c for c in t.columns if c not in erste]]

    handlungsfelder = tabelle(hf, ["nr", "titel", "kapitel"])
    handlungsfelder["nr"] = handlungsfelder["nr"].astype(int)
    merkmale = tabelle(mm, ["id", "beschreibung", "einheit", "quelle", "art", "jaehrlich"])
    merkmale["jaehrlich"] = merkmale["jaehrlich"].astype(bool)
    merkmale["art"] = merkmale["art"].astype("str")
    indikatoren = tabelle(ind, ["id", "titel", "kurztitel", "handlungsfeld", "zaehler", "nenner", "faktor",
                                "einheit", "richtung", "definition", "quelle", "kern"])
    indikatoren["kurztitel"] = indikatoren["kurztitel"].fillna(indikatoren["titel"])
    indikatoren["handlungsfeld"] = indikatoren["handlungsfeld"].astype(int)
    indikatoren["faktor"] = indikatoren["faktor"].astype(float)
    indikatoren["kern"] = indikatoren["kern"].astype(bool)
    indikatoren["zaehler_kann_nenner_uebersteigen"] = indikatoren["zaehler_kann_nenner_uebersteigen"].astype(bool)
    return Katalog(handlungsfelder, merkmale, indikatoren)
