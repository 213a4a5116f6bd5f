"""Helpers for the data-layer tests: copy the mini data folder, rewrite files, find problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.daten import DatenFehler, laden

MINI = Path(__file__).parent / "mini"


def kopie(tmp_path: Path, name: str = "daten") -> Path:
    """A fresh copy of tests/daten/mini to modify."""
    ziel = tmp_path / name
    shutil.copytree(MINI, ziel)
    return ziel


def schreibe(pfad: Path, text: str, encoding: str = "utf-8") -> Path:
    pfad.parent.mkdir(parents=True, exist_ok=True)
    pfad.write_bytes(text.encode(encoding))
    return pfad


def ersetze(pfad: Path, alt: str, neu: str) -> None:
    text = pfad.read_text(encoding="utf-8")
    assert alt in text, f"{alt!r} not in {pfad}"
    pfad.write_text(text.replace(alt, neu, 1), encoding="utf-8")


def fehler(ordner: Path) -> DatenFehler:
    with pytest.raises(DatenFehler) as info:
        laden(ordner)
    return info.value


def finde(err: DatenFehler, *, datei=None, zeile=None, spalte=None, wert=None, text=None):
    """The problems matching all given fields (``text``: substring of the message)."""
    treffer = [p for p in err.probleme
               if (datei is None or p.datei == datei)
               and (zeile is None or p.zeile == zeile)
               and (spalte is None or p.spalte == spalte)
               and (wert is None or p.wert == wert)
               and (text is None or text in p.meldung)]
    assert treffer, f"kein Problem mit {datei=}, {zeile=}, {spalte=}, {wert=}, {text=}:\n{err}"
    return treffer


def xlsx(pfad: Path, zeilen: list[list]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for z in zeilen:
        ws.append(z)
    pfad.parent.mkdir(parents=True, exist_ok=True)
    wb.save(pfad)
    return pfad
