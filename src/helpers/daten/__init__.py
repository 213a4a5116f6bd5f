"""The data layer: load a data folder, validate it, compute indicators, protect small counts.

::

    from helpers.daten import laden, DatenFehler
    d = laden()            # $SOZIALBERICHT_DATEN or <repo>/data; raises DatenFehler
    d.bericht              # Bericht: stadt, berichtsjahr, mindestfallzahl, mindestnenner, beispieldaten, quelle
    d.stadtteile           # schluessel, name, extra columns – in file order
    d.katalog              # Katalog: handlungsfelder, merkmale, indikatoren; .indikator(id)
    d.bestand              # stadtteil, jahr, merkmal, wert, quelle, datei, zeile
    d.indikatoren          # stadtteil, jahr, indikator, wert, zaehler, nenner, gesperrt, unsicher
    d.manifest             # datei, sha256, bytes, zeilen
    d.sperrungen           # every cell (city included) with gesperrt and grund (primär/sekundär)

    from helpers.daten.export import schreibe_downloads
    schreibe_downloads(d, "_book/daten")

Modules: ``ordner`` (where things are), ``einlesen`` (CSV/XLSX variants, wide
layout), ``pruefen`` (validation rules), ``geheimhaltung`` (disclosure control),
``indikatoren`` (computation), ``export`` (downloads).
"""

from helpers.daten.bericht import Bericht
from helpers.daten.datenbestand import Datenbestand, laden
from helpers.daten.export import schreibe_downloads
from helpers.daten.fehler import DatenFehler, Problem
from helpers.daten.geheimhaltung import STADT
from helpers.daten.katalog import Katalog

__all__ = ["laden", "DatenFehler", "Problem", "Bericht", "Katalog", "Datenbestand", "schreibe_downloads",
           "STADT"]
