"""``laden()``: read, validate and compute everything a report needs from one data folder."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.daten import geheimhaltung, indikatoren
from helpers.daten.bericht import Bericht, lese_bericht
from helpers.daten.einlesen import lese_bestand, lese_tabelle
from helpers.daten.fehler import DatenFehler, Problem
from helpers.daten.katalog import Katalog, lese_katalog
from helpers.daten.ordner import daten_ordner, katalog_pfad, repo_root
from helpers.daten.pruefen import pruefe_bestand
from helpers.daten.stadtteile import lese_stadtteile, vorschlag, zuordnung

BESTAND = "bestand"
#: Builds the edition of another Stichtag from the same data folder (``--berichtsjahr``).
BERICHTSJAHR_ENV = "SOZIALBERICHT_BERICHTSJAHR"
ENDUNGEN = (".csv", ".xlsx")
#: Spreadsheet formats that are recognisably data but cannot be read: an error, not ignored.
NICHT_UNTERSTUETZT = (".xls", ".xlsm", ".xlsb", ".ods", ".tsv", ".txt")
_CACHE: OrderedDict = OrderedDict()
_CACHE_GROESSE = 8


@dataclass(frozen=True)
class Datenbestand:
    """Everything loaded from one data folder (see ``helpers.daten`` for the columns)."""

    ordner: Path
    bericht: Bericht
    stadtteile: pd.DataFrame
    katalog: Katalog
    bestand: pd.DataFrame
    indikatoren: pd.DataFrame
    manifest: pd.DataFrame
    sperrungen: pd.DataFrame  # every cell with gesperrt, grund (primär/sekundär), abgeleitet; city included

    def indikatoren_intern(self) -> pd.DataFrame:
        """The indicator table WITHOUT disclosure control (internal use only, never published).

        Disclosure control protects what is published, not what is analysed: statistics whose
        output is safe (correlation coefficients, intervals, p-values) are computed on all
        districts from these values; only the values that may be shown are published
        (see the methods appendix, output checking).
        """
        zellen = self.sperrungen[~self.sperrungen["abgeleitet"]].assign(gesperrt=False)
        return indikatoren.berechne(zellen, self.katalog.indikatoren, self.bericht.mindestnenner,
                            self.stadtteile["name"].tolist())

    def kopie(self) -> "Datenbestand":
        """Independent tables (copy-on-write: cheap until someone modifies them)."""
        return Datenbestand(self.ordner, self.bericht, self.stadtteile.copy(deep=False), self.katalog.kopie(),
                            self.bestand.copy(deep=False), self.indikatoren.copy(deep=False),
                            self.manifest.copy(deep=False), self.sperrungen.copy(deep=False))


def bestand_dateien(ordner: Path) -> tuple[list[Path], list[Path]]:
    """(data files, unsupported spreadsheet files) in ``<ordner>/bestand``, sorted by name.

    Read: ``*.csv`` and ``*.xlsx`` directly in ``bestand/`` (not in subfolders).
    Skipped: hidden files and Excel lock files (``~$…``), and other files such as
    README.md. Spreadsheets in formats that cannot be read (.xls, .ods, …) are errors.
    """
    b = ordner / BESTAND
    if not b.is_dir():
        return [], []
    gut, schlecht = [], []
    for p in sorted(b.iterdir(), key=lambda p: p.name):
        if not p.is_file() or p.name.startswith((".", "~$")):
            continue
        if p.suffix.lower() in ENDUNGEN:
            gut.append(p)
        elif p.suffix.lower() in NICHT_UNTERSTUETZT:
            schlecht.append(p)
    return gut, schlecht


def _name(pfad: Path, ordner: Path) -> str:
    """Path as shown in messages and the manifest: relative to the data folder, else to the repo."""
    for basis in (ordner, repo_root()):
        try:
            return pfad.relative_to(basis).as_posix()
        except ValueError:
            continue
    return str(pfad)


def _signatur(ordner: Path, katalog: Path) -> tuple:
    dateien = [ordner / "bericht.yml", ordner / "stadtteile.csv", katalog]
    b = ordner / BESTAND
    if b.is_dir():
        dateien += sorted(b.iterdir())
    sig = []
    for p in dateien:
        try:
            st = p.stat()
            sig.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            sig.append((str(p), None, None))
    return tuple(sig)


def berichtsjahr_vorgabe() -> int | None:
    """The Berichtsjahr set for this build (``$SOZIALBERICHT_BERICHTSJAHR``), else ``None``."""
    wert = os.environ.get(BERICHTSJAHR_ENV, "").strip()
    if not wert:
        return None
    if not (wert.isdigit() and 1990 <= int(wert) <= 2100):
        raise DatenFehler([Problem(BERICHTSJAHR_ENV, None, None, wert,
                                   f"Das Berichtsjahr „{wert}“ ist keine Jahreszahl.",
                                   "Geben Sie ein Jahr an, z. B. „--berichtsjahr 2023“ oder "
                                   "„make book BERICHTSJAHR=2023“.")])
    return int(wert)


def laden(ordner: str | os.PathLike | None = None, berichtsjahr: int | None = None) -> Datenbestand:
    """Load and validate a data folder; compute indicators with disclosure control.

    ``ordner``: the data folder; ``None`` means ``$SOZIALBERICHT_DATEN`` or
    ``<repo>/data``. ``berichtsjahr`` replaces the one in bericht.yml (``None``:
    ``$SOZIALBERICHT_BERICHTSJAHR`` or bericht.yml). The edition shows data up to its
    Stichtag only: later years in the folder are not part of it.
    Raises :class:`DatenFehler` listing *all* problems found.
    Results are cached per folder and file modification times, so repeated calls
    in one process are cheap; each call returns its own (copy-on-write) tables.
    """
    pfad = daten_ordner(ordner)
    if not pfad.is_dir():
        raise DatenFehler([Problem(str(pfad), None, None, None, "Der Datenordner existiert nicht.",
                                   "Prüfen Sie den Pfad bzw. die Umgebungsvariable SOZIALBERICHT_DATEN.")], pfad)
    kat = katalog_pfad(pfad)
    if berichtsjahr is None:
        berichtsjahr = berichtsjahr_vorgabe()
    schluessel = (str(pfad), str(kat), _signatur(pfad, kat), berichtsjahr)
    if schluessel in _CACHE:
        _CACHE.move_to_end(schluessel)
        return _CACHE[schluessel].kopie()
    d = _laden(pfad, kat, berichtsjahr)
    _CACHE[schluessel] = d
    while len(_CACHE) > _CACHE_GROESSE:
        _CACHE.popitem(last=False)
    return d.kopie()


def _laden(ordner: Path, katalog_datei: Path, berichtsjahr: int | None = None) -> Datenbestand:
    probleme: list[Problem] = []
    manifest: list[dict] = []

    def yaml_manifest(p: Path):
        if p.is_file():
            roh = p.read_bytes()
            manifest.append({"datei": _name(p, ordner), "sha256": hashlib.sha256(roh).hexdigest(),
                             "bytes": len(roh), "zeilen": len(roh.splitlines())})

    bericht = lese_bericht(ordner / "bericht.yml", probleme)
    if bericht is not None and berichtsjahr is not None:
        bericht = dataclasses.replace(bericht, berichtsjahr=berichtsjahr)
    yaml_manifest(ordner / "bericht.yml")
    katalog = lese_katalog(katalog_datei, _name(katalog_datei, ordner), probleme)
    yaml_manifest(katalog_datei)
    stadtteile, st_tab = lese_stadtteile(ordner / "stadtteile.csv", probleme)
    if st_tab is not None:
        manifest.append({"datei": "stadtteile.csv", "sha256": st_tab.sha256, "bytes": st_tab.bytes,
                         "zeilen": len(st_tab.zellen)})

    dateien, schlecht = bestand_dateien(ordner)
    for p in schlecht:
        probleme.append(Problem(_name(p, ordner), None, None, None,
                                f"Das Dateiformat „{p.suffix}“ wird nicht gelesen.",
                                "Speichern Sie die Tabelle in Excel als „Excel-Arbeitsmappe (*.xlsx)“ oder als "
                                "„CSV UTF-8“."))
    if not dateien:
        probleme.append(Problem(f"{BESTAND}/", None, None, None,
                                "Der Ordner bestand/ fehlt oder enthält keine .csv- oder .xlsx-Dateien.",
                                "Legen Sie die Bestandsdaten als CSV oder XLSX in den Ordner bestand/."))
    if stadtteile is not None:
        abb = zuordnung(stadtteile)
        kennung, tipp = abb.get, (lambda w: vorschlag(w, stadtteile))
    else:
        kennung, tipp = (lambda w: w), (lambda w: "")
    teile = []
    for p in dateien:
        tab = lese_tabelle(p, _name(p, ordner), probleme)
        if tab is None:
            continue
        manifest.append({"datei": tab.datei, "sha256": tab.sha256, "bytes": tab.bytes, "zeilen": len(tab.zellen)})
        roh = lese_bestand(tab, kennung, tipp, probleme)
        if roh is not None:
            teile.append(roh)

    bestand = None
    if teile:
        roh = pd.concat(teile, ignore_index=True)
        # Few distinct values: categorical keeps the checks fast on long inputs.
        for c in ("stadtteil", "jahr", "merkmal", "datei", "sp_stadtteil", "sp_wert", "sp_jahr", "sp_merkmal"):
            if not isinstance(roh[c].dtype, pd.CategoricalDtype):
                roh[c] = roh[c].astype("str").astype("category")
        bestand = pruefe_bestand(roh, stadtteile, katalog, bericht, probleme)
    if probleme:
        raise DatenFehler(probleme, ordner)
    # One time frame per edition: years after the Stichtag belong to a later edition. Cut after
    # the checks (errors in any year are reported) and before disclosure control.
    bestand = bestand[bestand["jahr"] <= bericht.berichtsjahr].reset_index(drop=True)

    reihenfolge = stadtteile["name"].tolist()
    maske = geheimhaltung.sperrmaske(bestand, katalog.merkmale, bericht.mindestfallzahl, reihenfolge,
                                     katalog.summen)
    # Indicators only from delivered cells; derived ones (from declared sums) serve the charts.
    tabelle = indikatoren.berechne(maske[~maske["abgeleitet"]], katalog.indikatoren, bericht.mindestnenner,
                                   reihenfolge)
    return Datenbestand(
        ordner=ordner, bericht=bericht, stadtteile=stadtteile, katalog=katalog, bestand=bestand,
        indikatoren=tabelle,
        manifest=pd.DataFrame(manifest, columns=["datei", "sha256", "bytes", "zeilen"]).astype(
            {"bytes": "int64", "zeilen": "int64"}),
        sperrungen=maske,
    )
