"""Reading the YAML files of the data folder with line numbers for error messages."""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.daten.fehler import Problem

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml if available: same results, faster


def text_dekodieren(roh: bytes) -> tuple[str, str]:
    """Decode file bytes: strict UTF-8 (BOM optional), else Windows-1252.

    Returns ``(text, encoding)``. Raises ``UnicodeDecodeError`` only for bytes that
    are neither (cp1252 leaves five byte values undefined).
    """
    try:
        return roh.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return roh.decode("cp1252"), "cp1252"


def _zeilen(knoten, pfad: tuple, out: dict) -> None:
    if isinstance(knoten, yaml.MappingNode):
        for k, v in knoten.value:
            p = (*pfad, k.value)
            out[p] = k.start_mark.line + 1
            _zeilen(v, p, out)
    elif isinstance(knoten, yaml.SequenceNode):
        for i, v in enumerate(knoten.value):
            p = (*pfad, i)
            out[p] = v.start_mark.line + 1
            _zeilen(v, p, out)


class YamlInhalt:
    """Parsed YAML plus a lookup of line numbers by key path (``("indikatoren", 3, "id")``)."""

    def __init__(self, daten, zeilen: dict):
        self.daten = daten
        self._zeilen = zeilen

    def zeile(self, *pfad) -> int | None:
        """Line of the deepest known prefix of ``pfad`` (so a missing key points at its item)."""
        while pfad:
            if pfad in self._zeilen:
                return self._zeilen[pfad]
            pfad = pfad[:-1]
        return None


def lese_yaml(pfad: Path, datei: str, probleme: list[Problem]) -> YamlInhalt | None:
    """Read a YAML file; on failure append a Problem and return ``None``."""
    try:
        roh = pfad.read_bytes()
    except OSError as e:
        probleme.append(Problem(datei, None, None, None, f"Datei kann nicht gelesen werden ({e.strerror}).",
                                "Prüfen Sie, ob die Datei existiert und lesbar ist."))
        return None
    try:
        text, _ = text_dekodieren(roh)
    except UnicodeDecodeError:
        probleme.append(Problem(datei, None, None, None, "Unbekannte Zeichenkodierung.",
                                "Speichern Sie die Datei als UTF-8."))
        return None
    try:
        # One parse gives both the node tree (line numbers) and the data.
        loader = _LOADER(text)
        try:
            knoten = loader.get_single_node()
            daten = loader.construct_document(knoten) if knoten is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        grund = getattr(e, "problem", None) or str(e)
        probleme.append(Problem(datei, mark.line + 1 if mark else None, None, None,
                                f"Ungültiges YAML: {grund}.",
                                "Prüfen Sie Einrückung, Doppelpunkte und Anführungszeichen in dieser Zeile "
                                "(Tabulatoren sind in YAML nicht erlaubt)."))
        return None
    if not text.strip():
        probleme.append(Problem(datei, None, None, None, "Die Datei ist leer.",
                                "Füllen Sie die Datei nach der Vorlage in data/README.md."))
        return None
    zeilen: dict = {}
    _zeilen(knoten, (), zeilen)
    return YamlInhalt(daten, zeilen)
