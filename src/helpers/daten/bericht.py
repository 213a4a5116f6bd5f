"""``bericht.yml``: the report settings of a data folder."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from helpers.daten.fehler import Problem
from helpers.daten.yamldatei import lese_yaml

DATEI = "bericht.yml"
#: Title of the report when bericht.yml gives none (the title of Dorsten's first report, for any city).
STANDARD_TITEL = "Lebenslagen der Kinder und Jugendlichen und ihrer Familien in {stadt}"
MINDESTNENNER_STANDARD = 100


@dataclass(frozen=True)
class Bericht:
    """Settings of one report (``bericht.yml``)."""

    stadt: str
    berichtsjahr: int  # Stichtag 31.12. of this year
    mindestfallzahl: int  # counts 1 … mindestfallzahl-1 are suppressed
    mindestnenner: int  # rates on smaller denominators are "unsicher"
    beispieldaten: bool
    quelle: str
    weitere: dict = field(default_factory=dict)  # further top-level keys, kept as written
    ausgaben: tuple = ()  # Stichtag years of the editions published so far (the first report first)
    titel: str | None = None        # title of the report (title page, page heads); None: the default
    herausgeber: str | None = None  # publisher on the title page; None: "Stadt <stadt>"

    @property
    def titel_text(self) -> str:
        """The report's title: ``titel`` or the standard title with the city."""
        return self.titel or STANDARD_TITEL.format(stadt=self.stadt)

    @property
    def vorbericht(self) -> int | None:
        """Stichtag year of the previous edition, ``None`` for the first report."""
        frueher = [j for j in self.ausgaben if j < self.berichtsjahr]
        return max(frueher) if frueher else None

    @property
    def erstbericht(self) -> int:
        """Stichtag year of the first edition (the baseline of the Fortschreibung)."""
        return min([*self.ausgaben, self.berichtsjahr])


def _ist_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def lese_bericht(pfad: Path, probleme: list[Problem]) -> Bericht | None:
    """Read and check ``bericht.yml``; problems are appended.

    Returns ``None`` if unusable. If problems were found but ``berichtsjahr`` is
    valid, a partial Bericht (invalid fields ``None``) is returned for further checks.
    """
    if not pfad.is_file():
        probleme.append(Problem(DATEI, None, None, None, "Die Datei bericht.yml fehlt im Datenordner.",
                                "Legen Sie bericht.yml mit stadt, berichtsjahr, geheimhaltung "
                                "(mindestfallzahl), beispieldaten und quelle an (Vorlage: data/bericht.yml)."))
        return None
    inhalt = lese_yaml(pfad, DATEI, probleme)
    if inhalt is None:
        return None
    y = inhalt.daten
    if not isinstance(y, dict):
        probleme.append(Problem(DATEI, 1, None, None, "bericht.yml muss aus Schlüssel-Wert-Paaren bestehen.",
                                "Schreiben Sie z. B. „stadt: Dorsten“ je Zeile (Vorlage: data/bericht.yml)."))
        return None
    n_vorher = len(probleme)

    def fehler(pfad_, wert, meldung, hinweis):
        probleme.append(Problem(DATEI, inhalt.zeile(*pfad_), ".".join(map(str, pfad_)),
                                None if wert is None else str(wert), meldung, hinweis))

    def pflicht(schluessel, pruef, erwartet, beispiel, quelle=y, pfad_=()):
        p = (*pfad_, schluessel)
        if schluessel not in quelle or quelle[schluessel] is None:
            fehler(p, None, f"Der Eintrag „{'.'.join(p)}“ fehlt.", f"Ergänzen Sie ihn, z. B. „{beispiel}“.")
            return None
        wert = quelle[schluessel]
        if not pruef(wert):
            fehler(p, wert, f"„{'.'.join(p)}“ muss {erwartet} sein.", f"Beispiel: „{beispiel}“.")
            return None
        return wert

    stadt = pflicht("stadt", lambda v: isinstance(v, str) and v.strip(), "ein Text (Name der Stadt)",
                    "stadt: Dorsten")
    jahr = pflicht("berichtsjahr", lambda v: _ist_int(v) and 1990 <= v <= 2100,
                   "eine ganze Jahreszahl (Stichtag 31.12.)", "berichtsjahr: 2018")
    beispiel = pflicht("beispieldaten", lambda v: isinstance(v, bool), "true oder false",
                       "beispieldaten: false")
    quelle = pflicht("quelle", lambda v: isinstance(v, str) and v.strip(), "ein Text",
                     "quelle: Stadt Dorsten, Einwohnermelderegister; Bundesagentur für Arbeit")
    gh = y.get("geheimhaltung")
    mindestfallzahl = mindestnenner = None
    if not isinstance(gh, dict):
        fehler(("geheimhaltung",), gh, "Der Abschnitt „geheimhaltung“ fehlt oder ist keine Zuordnung.",
               "Ergänzen Sie „geheimhaltung: {mindestfallzahl: 3, mindestnenner: 100}“.")
    else:
        mindestfallzahl = pflicht("mindestfallzahl", lambda v: _ist_int(v) and v >= 1,
                                  "eine ganze Zahl ab 1", "mindestfallzahl: 3", gh, ("geheimhaltung",))
        if gh.get("mindestnenner") is None:
            mindestnenner = MINDESTNENNER_STANDARD
        else:
            mindestnenner = pflicht("mindestnenner", lambda v: _ist_int(v) and v >= 0,
                                    "eine ganze Zahl ab 0", "mindestnenner: 100", gh, ("geheimhaltung",))
        for k in gh:
            if k not in ("mindestfallzahl", "mindestnenner"):
                nah = difflib.get_close_matches(str(k), ["mindestfallzahl", "mindestnenner"], n=1)
                fehler(("geheimhaltung", k), None, f"Unbekannter Eintrag „geheimhaltung.{k}“.",
                       f"Meinten Sie „{nah[0]}“?" if nah else
                       "Erlaubt sind mindestfallzahl und mindestnenner.")
    ausgaben = y.get("ausgaben", [])
    if ausgaben is None:
        ausgaben = []
    if not (isinstance(ausgaben, list) and all(_ist_int(a) and 1990 <= a <= 2100 for a in ausgaben)):
        fehler(("ausgaben",), ausgaben, "„ausgaben“ muss eine Liste von Jahreszahlen sein.",
               "Beispiel: „ausgaben: [2018, 2023]“ (die Stichtage der erschienenen Berichte).")
        ausgaben = []
    texte = {}
    for schluessel, muster in (("titel", "titel: Lebenslagen der Kinder und Jugendlichen in Dorsten"),
                               ("herausgeber", "herausgeber: Stadt Dorsten – Sozialplanung")):
        wert = y.get(schluessel)
        if wert is not None and not (isinstance(wert, str) and wert.strip()):
            fehler((schluessel,), wert, f"„{schluessel}“ muss ein Text sein.",
                   f"Beispiel: „{muster}“, oder den Eintrag weglassen.")
        elif wert is not None:
            texte[schluessel] = " ".join(wert.split())
    if len(probleme) > n_vorher and jahr is None:
        return None
    # With problems but a valid berichtsjahr, the partial settings still allow the
    # year checks of the Bestand; the caller raises before using them otherwise.
    bekannt = {"stadt", "berichtsjahr", "geheimhaltung", "beispieldaten", "quelle", "ausgaben", "titel", "herausgeber"}
    return Bericht(stadt=stadt.strip() if stadt else stadt, berichtsjahr=jahr, mindestfallzahl=mindestfallzahl,
                   mindestnenner=mindestnenner, beispieldaten=beispiel, quelle=quelle.strip() if quelle else quelle,
                   weitere={k: v for k, v in y.items() if k not in bekannt},
                   ausgaben=tuple(sorted(set(ausgaben))), **texte)
