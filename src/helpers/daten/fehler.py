"""Problems found in the input data and the exception that reports all of them at once."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

#: How many problems of one file ``str(DatenFehler)`` lists before summarising the rest.
MAX_PRO_DATEI = 50


@dataclass(frozen=True)
class Problem:
    """One defect in the input, located as the analyst sees it.

    ``datei`` is the path relative to the data folder (``bestand/sgb2.csv``),
    ``zeile`` the row number as Excel shows it (header = row 1; for YAML files the
    line number), ``spalte`` the column header as written in the file (for YAML:
    the key), ``wert`` the offending value as text. ``meldung`` says what is wrong,
    ``hinweis`` how to fix it. Fields that do not apply are ``None``.
    """

    datei: str
    zeile: int | None
    spalte: str | None
    wert: str | None
    meldung: str
    hinweis: str = ""

    def ort(self) -> str:
        teile = []
        if self.zeile is not None:
            teile.append(f"Zeile {self.zeile}")
        if self.spalte is not None:
            teile.append(f"Spalte „{self.spalte}“")
        if self.wert is not None:
            teile.append(f"Wert „{self.wert}“")
        return ", ".join(teile)

    def __str__(self) -> str:
        ort = self.ort()
        text = f"{ort}: {self.meldung}" if ort else self.meldung
        return f"{text}\n    → {self.hinweis}" if self.hinweis else text


def _anzahl(n: int) -> str:
    return "1 Problem" if n == 1 else f"{n} Probleme"


def _sortierschluessel(p: Problem):
    return (p.zeile if p.zeile is not None else -1, p.spalte or "", p.meldung)


class DatenFehler(Exception):
    """The input data violate the contract; ``probleme`` lists every defect found.

    ``str(err)`` is a German report grouped by file, with a count per file.
    """

    def __init__(self, probleme: list[Problem], ordner: Path | str | None = None):
        self.probleme = list(probleme)
        self.ordner = ordner
        super().__init__(self.bericht())

    def bericht(self, max_pro_datei: int = MAX_PRO_DATEI) -> str:
        nach_datei: dict[str, list[Problem]] = defaultdict(list)
        for p in self.probleme:
            nach_datei[p.datei].append(p)
        ort = f" im Datenordner {self.ordner}" if self.ordner else ""
        zeilen = [
            f"Die Eingabedaten{ort} enthalten {_anzahl(len(self.probleme))}. "
            "Es werden keine Ergebnisse erzeugt, bis alle behoben sind.",
        ]
        for datei in sorted(nach_datei):
            liste = sorted(nach_datei[datei], key=_sortierschluessel)
            zeilen += ["", f"{datei} – {_anzahl(len(liste))}:"]
            for p in liste[:max_pro_datei]:
                zeilen.append("  • " + str(p).replace("\n", "\n  "))
            if len(liste) > max_pro_datei:
                rest = len(liste) - max_pro_datei
                zeilen.append(f"  … und {_anzahl(rest)} mehr in dieser Datei (alle in DatenFehler.probleme).")
        return "\n".join(zeilen)

    def __str__(self) -> str:
        return self.bericht()


def _normalform(s: str) -> str:
    s = str(s).casefold()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return "".join(c for c in s if c.isalnum())


def aehnlichster(wert: str, kandidaten, cutoff: float = 0.5) -> str | None:
    """The closest candidate (difflib) – also across case, umlaut spelling and punctuation."""
    kandidaten = [k for k in kandidaten if isinstance(k, str)]
    nah = difflib.get_close_matches(str(wert), kandidaten, n=1, cutoff=max(cutoff, 0.6))
    if nah:
        return nah[0]
    norm: dict[str, str] = {}
    for k in kandidaten:
        norm.setdefault(_normalform(k), k)
    w = _normalform(wert)
    if not w:
        return None
    nah = difflib.get_close_matches(w, list(norm), n=1, cutoff=cutoff)
    return norm[nah[0]] if nah else None
