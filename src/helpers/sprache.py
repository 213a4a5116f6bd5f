"""District names in generated German sentences: the article where German uses one.

German says "die Altstadt", "in der Feldmark", "für die Hardt", but "Hervest" and "in
Hervest". Which districts take an article is data: the optional column ``artikel`` of
``stadtteile.csv`` (``der``, ``die``, ``das`` or empty). :func:`satz` puts the article in
front of such a name in the case its context asks for:

- after a dative preposition (in, aus, bei, mit, nach, von, zu, seit, gegenüber) and after the
  two-way prepositions that locate (an, auf, neben, vor, hinter) the dative, with the usual
  contractions ("im", "zur", "vom", "beim", "am");
- after an accusative preposition (für, durch, gegen, ohne, um) the accusative;
- otherwise the nominative, capitalised at the start of a sentence.

A preposition governs the whole enumeration that follows it ("in Hervest, der Feldmark
und der Hardt"). Names that already have an article or determiner, names inside links,
labels, tables, headings and compounds ("Feldmark-Süd") stay as they are.
:func:`helpers.setup` applies :func:`satz` to everything a notebook prints, so no text
helper has to know the register.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

ARTIKEL = ("der", "die", "das")
# Definite article by gender (given as the nominative article) and case.
FORMEN = {
    "der": {"nom": "der", "akk": "den", "dat": "dem"},
    "die": {"nom": "die", "akk": "die", "dat": "der"},
    "das": {"nom": "das", "akk": "das", "dat": "dem"},
}
DATIV = ("in", "aus", "bei", "mit", "nach", "von", "zu", "seit", "gegenüber", "außer", "zwischen",
         # two-way prepositions: in a report's sentences they locate ("auf der Hardt"), so dative
         "an", "auf", "neben", "vor", "hinter")
AKKUSATIV = ("für", "durch", "gegen", "ohne", "um")
ZUSAMMEN = {("in", "dem"): "im", ("zu", "der"): "zur", ("zu", "dem"): "zum", ("von", "dem"): "vom",
            ("bei", "dem"): "beim", ("an", "dem"): "am"}
# Words before a name that already determine it (no article then).
BESTIMMT = re.compile(r"(?:\b(?:der|die|das|dem|den|des|im|zum|zur|vom|beim|ins|am)\s+)$", re.I)
# Between two items of an enumeration, an item's value in parentheses allowed: "in A (3 %) und B".
LISTE = re.compile(r"^(?:\s*\([^()]*\))?(?:,\s*|\s+(?:und|oder|sowie)\s+)$")
# Headings, table rows, images and HTML stay as they are; a table caption (": Werte in …") is a sentence.
SKIP_LINE = re.compile(r"^\s*(?:#|\||!\[|<)")


def artikel_aus(stadtteile) -> dict[str, str]:
    """``{name: article}`` for every district (empty article for names without one), from the
    column ``artikel`` of ``stadtteile.csv``; empty when the column is missing or blank."""
    if stadtteile is None or "artikel" not in getattr(stadtteile, "columns", []):
        return {}
    out = {str(n): (str(a).strip() if str(a).strip() in ARTIKEL else "")
           for n, a in zip(stadtteile["name"], stadtteile["artikel"])}
    return out if any(out.values()) else {}


def mit_artikel(name: str, artikel: str, fall: str = "nom", praeposition: str | None = None) -> str:
    """``name`` with its article in ``fall`` (nom/akk/dat), merged with ``praeposition`` if German does."""
    form = FORMEN[artikel][fall]
    if praeposition is None:
        return f"{form} {name}"
    zusammen = ZUSAMMEN.get((praeposition.lower(), form))
    if zusammen:
        return f"{praeposition[0] + zusammen[1:] if praeposition[0].isupper() else zusammen} {name}"
    return f"{praeposition} {form} {name}"


def satz(text: str, artikel: Mapping[str, str]) -> str:
    """``text`` with articles before the district names that take one (see the module docstring).

    ``artikel``: every district name with its article, "" for names without (:func:`artikel_aus`);
    names without an article still carry a preposition's case on to the next item of a list.
    """
    if not artikel or not any(artikel.values()) or not text:
        return text
    muster = re.compile(r"(?<![\w\-\[„])(" + "|".join(re.escape(n) for n in sorted(artikel, key=len, reverse=True))
                        + r")(?![\w\-]|\]\(|\s*\{#)")
    return "\n".join(line if SKIP_LINE.match(line) else _zeile(line, artikel, muster) for line in text.split("\n"))


PRAEP = re.compile(r"(?:^|(?<=[\s(]))(" + "|".join(DATIV + AKKUSATIV) + r")\s+$", re.I)


def _zeile(line: str, artikel: Mapping[str, str], muster: re.Pattern) -> str:
    out: list[str] = []
    last = 0
    fall: str | None = None      # case of the enumeration in progress
    ende: int | None = None      # end of the previous name of that enumeration
    for m in muster.finditer(line):
        name, davor = m.group(1), line[:m.start()]
        before = line[last:m.start()]
        art = artikel.get(name, "")
        if BESTIMMT.search(davor) or _in_link_or_label(line, m.start()):
            out.append(before + name)
            fall, ende = None, None
        elif re.search(r"\(\s*$", davor) or re.fullmatch(r"\s*(?:[-*+]|\d+\.)\s+", davor):
            # A bare name list in parentheses or a list item that is just the name: no article,
            # as in a table ("bis 68,0 % (Hardt)").
            out.append(before + name)
            fall, ende = "ohne", m.end()
        elif (prep := PRAEP.search(davor)) and prep.start(1) >= last:
            wort = prep.group(1)
            fall, start = ("dat" if wort.lower() in DATIV else "akk"), prep.start(1) - last
            out.append(before[:start] + (mit_artikel(name, art, fall, wort) if art else f"{wort} {name}"))
            ende = m.end()
        elif fall is not None and ende is not None and LISTE.match(line[ende:m.start()]):
            out.append(before + (mit_artikel(name, art, fall) if art and fall != "ohne" else name))
            ende = m.end()
        else:
            fall, ende = None, None
            form = mit_artikel(name, art, "nom") if art else name
            if art and re.search(r"(?:^|[.!?:]\s+|\*\*\s*)$", davor):
                form = form[0].upper() + form[1:]
            out.append(before + form)
        last = m.end()
    out.append(line[last:])
    return "".join(out)


def _in_link_or_label(line: str, pos: int) -> bool:
    """Inside ``[link text]`` or a ``{#id}``."""
    return line.rfind("[", 0, pos) > line.rfind("]", 0, pos) or line.rfind("{", 0, pos) > line.rfind("}", 0, pos)


class Ausgabe:
    """A text stream that puts the articles into what is written to it (``print`` in a notebook)."""

    def __init__(self, stream, artikel: Mapping[str, str]):
        self.stream, self.artikel = stream, dict(artikel)

    def write(self, text: str) -> int:
        return self.stream.write(satz(text, self.artikel))

    def __getattr__(self, name):
        return getattr(self.stream, name)


def einschalten(artikel: Mapping[str, str]) -> None:
    """Route ``sys.stdout`` through :class:`Ausgabe` (once; a new call replaces the register)."""
    import sys

    stream = sys.stdout.stream if isinstance(sys.stdout, Ausgabe) else sys.stdout
    sys.stdout = Ausgabe(stream, artikel) if artikel and any(artikel.values()) else stream
