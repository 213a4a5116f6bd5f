"""``indikatoren.yml``: Handlungsfelder, Merkmale (raw counts/amounts) and indicators.

Schema: see CONTEXT/data README. Optional keys beyond the documented schema:

* Merkmal ``jaehrlich: false`` – not collected every year (e.g. election turnout):
  the Berichtsjahr is then not required for it.
* Indikator ``zaehler_kann_nenner_uebersteigen: true`` – switches off the check
  zaehler <= nenner (e.g. cases per 1,000 residents).
* Indikator ``kern`` (default false), ``kurztitel`` (default: ``titel``).
* Indikator ``standortbezogen: true`` – counted where the facility is (places in Kitas,
  Offener Ganztag), not where the people live; such values describe supply at a location
  and never decide a Handlungsbedarf (helpers.bedarfe).
* Indikator ``strukturelle_null: true`` – a value of 0 can be structural (e.g. a district
  without a primary school has no OGS places); such zeros are not findings, never decide a
  need and are not plausibility warnings.
* Top-level ``summen`` (optional): additive relations between Merkmale of
  ``art: anzahl`` that hold exactly in every district and year, e.g.
  ``{ganzes: hze_gesamt, teile: [hze_ambulant, hze_stationaer]}``. The data check
  verifies them (:func:`helpers.daten.geheimhaltung.pruefe_summen`) and the
  disclosure control protects the parts against recovery as "whole − other parts"
  (:mod:`helpers.daten.geheimhaltung`). Declare only relations that hold exactly.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.daten.fehler import Problem, aehnlichster
from helpers.daten.yamldatei import YamlInhalt, lese_yaml

ARTEN = ("anzahl", "betrag")
ABSCHNITTE = ("handlungsfelder", "merkmale", "indikatoren", "summen", "abkuerzungen")
RICHTUNGEN = ("belastung", "vorteil", "neutral")


@dataclass(frozen=True)
class Katalog:
    """The indicator catalog as three tables (columns as in the YAML, defaults filled in)."""

    handlungsfelder: pd.DataFrame
    merkmale: pd.DataFrame
    indikatoren: pd.DataFrame
    #: declared additive relations: ``ganzes`` (Merkmal id), ``teile`` (tuple of Merkmal ids)
    summen: pd.DataFrame = field(default_factory=lambda: leere_summen())
    #: abbreviations used in the report (``kuerzel``, ``bedeutung``), for its list of abbreviations
    abkuerzungen: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["kuerzel", "bedeutung"]))

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
                       self.indikatoren.copy(deep=False), self.summen.copy(deep=False),
                       self.abkuerzungen.copy(deep=False))

    def teile_von(self, ganzes: str) -> list[tuple[str, ...]]:
        """The declared part lists of ``ganzes`` (empty if it is nobody's sum)."""
        return [t for g, t in zip(self.summen["ganzes"], self.summen["teile"]) if g == ganzes]


def leere_summen() -> pd.DataFrame:
    return pd.DataFrame({"ganzes": pd.Series(dtype="str"), "teile": pd.Series(dtype=object)})


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
        "standortbezogen": (False, lambda v: isinstance(v, bool), "true oder false", False),
        "strukturelle_null": (False, lambda v: isinstance(v, bool), "true oder false", False),
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

    abk_roh = y.get("abkuerzungen", [])
    if not isinstance(abk_roh, list):
        pr.fehler(("abkuerzungen",), None, "Der Abschnitt „abkuerzungen“ ist keine Liste.",
                  "Schreiben Sie je Abkürzung eine Zeile „- kuerzel: SGB II“ und darunter „bedeutung: …“.")
        abk_roh = []
    abk = pr.eintraege("abkuerzungen", abk_roh, {
        "kuerzel": (True, _ist_text, "ein Text (die Abkürzung, wie sie im Bericht steht)", None),
        "bedeutung": (True, _ist_text, "ein Text (die ausgeschriebene Bedeutung)", None),
    }, "kuerzel")
    art_roh = {e["id"]: e.get("art") for e in roh_mm if isinstance(e, dict) and isinstance(e.get("id"), str)}
    summen = _summen(y, pr, definiert, art_roh)
    for k in y:
        nah = difflib.get_close_matches(str(k), ABSCHNITTE, n=1, cutoff=0.75) if k not in ABSCHNITTE else []
        if nah:
            pr.fehler((k,), None, f"Unbekannter Abschnitt „{k}“ im Katalog.", f"Meinten Sie „{nah[0]}“?")

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
    indikatoren["standortbezogen"] = indikatoren["standortbezogen"].astype(bool)
    indikatoren["strukturelle_null"] = indikatoren["strukturelle_null"].astype(bool)
    st = leere_summen()
    if summen:
        st = pd.DataFrame({"ganzes": pd.Series([e["ganzes"] for e in summen], dtype="str"),
                           "teile": pd.Series([e["teile"] for e in summen], dtype=object)})
    abkuerzungen = tabelle(abk, ["kuerzel", "bedeutung"])
    abkuerzungen = abkuerzungen.sort_values("kuerzel", key=lambda s: s.str.casefold()).reset_index(drop=True)
    return Katalog(handlungsfelder, merkmale, indikatoren, st, abkuerzungen)


SUMMEN_SCHLUESSEL = ("ganzes", "teile", "beschreibung")
_SUMMEN_HINWEIS = ("Form: „- ganzes: hze_gesamt“ und darunter „teile: [hze_ambulant, hze_stationaer]“ "
                   "(Merkmal-Kennungen aus „merkmale“).")


def _summen(y: dict, pr: _Pruefer, definiert: set, art: dict) -> list[dict]:
    """Check the optional section ``summen``; return the valid relations (``ganzes``, ``teile`` tuple).

    Rules: ``ganzes`` and every part are defined Merkmale of ``art: anzahl``; at least two
    parts; no part twice or equal to ``ganzes``; no relation twice; no circle (a Merkmal
    that is, through declared sums, a part of itself).
    """
    roh = y.get("summen")
    if roh is None:
        return []
    if not isinstance(roh, list):
        pr.fehler(("summen",), None, "Der Abschnitt „summen“ ist keine Liste.", _SUMMEN_HINWEIS)
        return []

    def merkmal_ok(pfad, v, rolle) -> bool:
        if not _kennung(v):
            pr.fehler(pfad, v, f"„{rolle}“ muss die Kennung eines Merkmals sein.", _SUMMEN_HINWEIS)
            return False
        if v not in definiert:
            nah = aehnlichster(v, definiert, cutoff=0.6)
            pr.fehler(pfad, v, f"Die Summe verweist auf das unbekannte Merkmal „{v}“.",
                      (f"Meinten Sie „{nah}“? " if nah else "") + "Jedes Merkmal einer Summe muss unter "
                      "„merkmale“ definiert sein.")
            return False
        if art.get(v) in ARTEN and art.get(v) != "anzahl":
            pr.fehler(pfad, v, f"Das Merkmal „{v}“ ist ein Betrag (art: {art.get(v)}); Summen werden nur für "
                      "Anzahlen erklärt.",
                      "Summen dienen dem Schutz kleiner Fallzahlen, der nur für „art: anzahl“ gilt: "
                      "entfernen Sie das Merkmal aus der Summe.")
            return False
        return True

    gut, gesehen = [], {}
    for i, e in enumerate(roh):
        if not isinstance(e, dict):
            pr.fehler(("summen", i), e, f"Eintrag {i + 1} in „summen“ ist keine Zuordnung.", _SUMMEN_HINWEIS)
            continue
        ok = True
        for k in e:
            if k not in SUMMEN_SCHLUESSEL:
                nah = difflib.get_close_matches(str(k), SUMMEN_SCHLUESSEL, n=1, cutoff=0.6)
                pr.fehler(("summen", i, k), None, f"Unbekannter Schlüssel „{k}“ unter „summen“.",
                          f"Meinten Sie „{nah[0]}“?" if nah else "Erlaubt sind ganzes, teile und beschreibung.")
                ok = False
        g = e.get("ganzes")
        if g is None:
            pr.fehler(("summen", i), None, f"Im Eintrag {i + 1} unter „summen“ fehlt „ganzes“.", _SUMMEN_HINWEIS)
            ok = False
        else:
            ok &= merkmal_ok(("summen", i, "ganzes"), g, "ganzes")
        teile = e.get("teile")
        if not isinstance(teile, list) or len(teile) < 2:
            pr.fehler(("summen", i, "teile"), None if teile is None else teile,
                      f"Die Summe „{g}“ braucht unter „teile“ eine Liste mit mindestens zwei Merkmalen.",
                      _SUMMEN_HINWEIS)
            ok = False
            teile = []
        erste: dict = {}
        for j, t in enumerate(teile):
            pfad = ("summen", i, "teile", j)
            if not merkmal_ok(pfad, t, "teile"):
                ok = False
            elif t == g:
                pr.fehler(pfad, t, f"„{t}“ ist das Ganze dieser Summe und kann nicht zugleich ein Teil sein.",
                          "Entfernen Sie es aus „teile“.")
                ok = False
            elif t in erste:
                pr.fehler(pfad, t, f"Der Teil „{t}“ steht zweimal in der Summe „{g}“.",
                          "Jeder Teil darf nur einmal vorkommen: löschen Sie den doppelten Eintrag.")
                ok = False
            else:
                erste[t] = j
        if not ok:
            continue
        schluessel = (g, frozenset(teile))
        if schluessel in gesehen:
            pr.fehler(("summen", i, "ganzes"), g,
                      f"Die Summe „{g}“ mit diesen Teilen ist bereits erklärt "
                      f"(Zeile {pr.inhalt.zeile('summen', gesehen[schluessel])}).",
                      "Löschen Sie den doppelten Eintrag.")
            continue
        gesehen[schluessel] = i
        gut.append({"ganzes": g, "teile": tuple(teile), "_index": i})

    # A circle (A = B + …, B = A + …) forces all other parts to zero: a declaration error.
    kinder: dict[str, set] = {}
    for e in gut:
        kinder.setdefault(e["ganzes"], set()).update(e["teile"])

    def erreichbar(start: str) -> set:
        seen, stapel = set(), list(kinder.get(start, ()))
        while stapel:
            m = stapel.pop()
            if m not in seen:
                seen.add(m)
                stapel.extend(kinder.get(m, ()))
        return seen

    ohne_kreis = []
    for e in gut:
        if e["ganzes"] in erreichbar(e["ganzes"]):
            pr.fehler(("summen", e["_index"], "ganzes"), e["ganzes"],
                      f"Die Summen bilden einen Kreis: „{e['ganzes']}“ ist über erklärte Summen ein Teil von sich "
                      "selbst.", "Jedes Merkmal darf nur in einer Richtung Teil eines anderen sein: korrigieren "
                      "Sie „ganzes“ oder „teile“.")
        else:
            ohne_kreis.append(e)
    return ohne_kreis
