"""Every accepted file variant gives the same indicators; the wide layout; number parsing."""

from __future__ import annotations

import pandas as pd
import pytest
from daten.fixtur import MINI, fehler, finde, kopie, schreibe, xlsx

from helpers.daten import laden
from helpers.daten.einlesen import zahlen

BEV = "bestand/bevoelkerung.csv"


def _zeilen():
    """The rows of mini's bevoelkerung.csv as lists (header first)."""
    text = (MINI / BEV).read_text(encoding="utf-8")
    return [z.split(";") for z in text.splitlines()]


@pytest.fixture(scope="module")
def referenz():
    return laden(MINI).indikatoren


def _gleich(ordner, referenz):
    pd.testing.assert_frame_equal(laden(ordner).indikatoren, referenz)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_kodierungen(tmp_path, referenz, encoding):
    d = kopie(tmp_path)
    schreibe(d / BEV, (MINI / BEV).read_text(encoding="utf-8"), encoding)
    if encoding == "cp1252":
        assert "Östrich".encode("cp1252") in (d / BEV).read_bytes()
    _gleich(d, referenz)


def test_komma_getrennt_mit_dezimalpunkt(tmp_path, referenz):
    d = kopie(tmp_path)
    text = "\n".join(",".join(z).replace("27000,5", "27000.5") for z in _zeilen())
    schreibe(d / BEV, text + "\n")
    _gleich(d, referenz)


def test_komma_getrennt_mit_dezimalkomma_in_anfuehrungszeichen(tmp_path, referenz):
    d = kopie(tmp_path)
    text = "\n".join(",".join(f'"{x}"' if "," in x else x for x in z) for z in _zeilen())
    assert '"27000,5"' in text
    schreibe(d / BEV, text + "\n")
    _gleich(d, referenz)


def test_tausenderpunkte_windows_zeilenenden_und_leerzeilen(tmp_path, referenz):
    d = kopie(tmp_path)
    text = (MINI / BEV).read_text(encoding="utf-8")
    text = text.replace(";1000;", ";1.000;").replace("27000,5", "27.000,5").replace("\n", "\r\n")
    text = text.replace("Melderegister\r\nNordviertel;2018", "Melderegister\r\n\r\n;;;;\r\nNordviertel;2018")
    schreibe(d / BEV, text, "cp1252")
    _gleich(d, referenz)
    b = laden(d).bestand
    # row numbers stay those of Excel: two empty rows pushed this one down
    assert b.loc[(b.merkmal == "bev") & (b.jahr == 2018) & (b.stadtteil == "Nordviertel"), "zeile"].item() == 7


def test_tabulator_getrennt(tmp_path, referenz):
    d = kopie(tmp_path)
    schreibe(d / BEV, "\n".join("\t".join(z) for z in _zeilen()) + "\n")
    _gleich(d, referenz)


def test_mehrdeutige_werte_folgen_dem_trennzeichen(tmp_path):
    # "1.000" means 1000 in a ;-file (German Excel), 1.0 in a ,-file
    d = kopie(tmp_path)
    zeilen = ["stadtteil;jahr;merkmal;wert", "Nordviertel;2016;wohnflaeche;1.000", "Östrich;2016;wohnflaeche;7",
              "Südfeld;2016;wohnflaeche;8"]
    schreibe(d / "bestand/extra.csv", "\n".join(zeilen) + "\n")
    b = laden(d).bestand
    assert b.loc[b.jahr == 2016, "wert"].tolist() == [1000, 7, 8]
    schreibe(d / "bestand/extra.csv", "\n".join(z.replace(";", ",") for z in zeilen) + "\n")
    b = laden(d).bestand
    assert b.loc[b.jahr == 2016, "wert"].tolist() == [1.0, 7, 8]


@pytest.mark.parametrize("als_text", [False, True])
def test_xlsx(tmp_path, referenz, als_text):
    d = kopie(tmp_path)
    (d / BEV).unlink()
    zeilen = _zeilen()
    daten = [zeilen[0]] + [
        [z[0], int(z[1]), z[2], z[3] if als_text else float(z[3].replace(",", ".")), z[4]] for z in zeilen[1:]]
    xlsx(d / "bestand/bevoelkerung.xlsx", daten)
    _gleich(d, referenz)


def test_xlsx_mit_zahlen_als_stadtteilschluessel(tmp_path, referenz):
    d = kopie(tmp_path)
    (d / "bestand/sgb2_hze.csv").unlink()
    zeilen = [z.split(";") for z in (MINI / "bestand/sgb2_hze.csv").read_text(encoding="utf-8").splitlines()]
    xlsx(d / "bestand/sgb2_hze.xlsx", [zeilen[0]] + [[int(z[0]), int(z[1]), z[2], int(z[3])] for z in zeilen[1:]])
    _gleich(d, referenz)


# --- wide layout ---------------------------------------------------------------------------------

def _breit(gesamt_falsch: bool = False) -> str:
    kopf = "merkmal;jahr;01;Östrich;Südfeld;Gesamt;quelle"
    zeilen = [
        "bev;2017;990;410;590;1990;Melderegister",
        "bev;2018;1000;400;600;2000;Melderegister",
        "kinder;2017;190;55;145;390;Melderegister",
        "kinder;2018;200;50;150;400;Melderegister",
        "wohnflaeche;2017;44000;20500;26000;90500;Kataster",
        f"wohnflaeche;2018;45000;20000;27000,5;{'92000' if gesamt_falsch else '92000,5'};Kataster",
    ]
    return "\n".join([kopf, *zeilen]) + "\n"


def test_breites_format_gibt_dieselben_indikatoren(tmp_path, referenz):
    d = kopie(tmp_path)
    (d / BEV).unlink()
    schreibe(d / "bestand/bevoelkerung_breit.csv", _breit())
    _gleich(d, referenz)
    b = laden(d).bestand
    r = b[(b.merkmal == "kinder") & (b.jahr == 2018) & (b.stadtteil == "Östrich")]
    assert r[["datei", "zeile", "wert", "quelle"]].values.tolist() == [
        ["bestand/bevoelkerung_breit.csv", 5, 50.0, "Melderegister"]]


def test_breites_format_falsche_gesamtsumme(tmp_path):
    d = kopie(tmp_path)
    (d / BEV).unlink()
    schreibe(d / "bestand/bevoelkerung_breit.csv", _breit(gesamt_falsch=True))
    (p,) = finde(fehler(d), datei="bestand/bevoelkerung_breit.csv", zeile=7, spalte="Gesamt", wert="92000",
                 text="weicht von der Summe der Stadtteile (92000,5) um -0,5 ab")
    assert "wohnflaeche" in p.meldung and "2018" in p.meldung


def test_breites_format_ohne_jahr(tmp_path):
    d = kopie(tmp_path)
    schreibe(d / "bestand/breit.csv", "merkmal;Nordviertel;Östrich;Südfeld\nbev;1;2;3\n")
    (p,) = finde(fehler(d), datei="bestand/breit.csv", zeile=1, spalte="jahr", text="„jahr“ fehlt")
    assert "breiten Format" in p.hinweis


def test_breites_format_unbekannte_spalte(tmp_path):
    d = kopie(tmp_path)
    schreibe(d / "bestand/breit.csv", "merkmal;jahr;Nordviertel;Oestrich;Südfeld\nbev;2016;1;2;3\n")
    (p,) = finde(fehler(d), datei="bestand/breit.csv", zeile=1, spalte="Oestrich", wert="Oestrich",
                 text="weder ein Stadtteil")
    assert "Meinten Sie „Östrich“?" in p.hinweis


def test_breites_format_xlsx_mit_zahlenschluesseln(tmp_path, referenz):
    d = kopie(tmp_path)
    (d / BEV).unlink()
    zeilen = [z.split(";") for z in _breit().splitlines()]
    kopf = ["merkmal", "jahr", 1, 2, 3, "Gesamt", "quelle"]
    daten = [[z[0], int(z[1]), *[float(x.replace(",", ".")) for x in z[2:6]], z[6]] for z in zeilen[1:]]
    xlsx(d / "bestand/breit.xlsx", [kopf, *daten])
    _gleich(d, referenz)


# --- number parsing --------------------------------------------------------------------------------

def _z(werte, komma=True):
    w, f = zahlen(pd.Series(werte, dtype="str"), komma)
    return w.tolist(), f.tolist()


def test_zahlen_deutsch_und_englisch():
    w, f = _z(["12", "12,5", "1.234,5", "-3", " 7 ", "0,125"])
    assert w == [12, 12.5, 1234.5, -3, 7, 0.125] and f == [""] * 6
    w, f = _z(["12.5", "1,234.5", "0.125"])
    assert w == [12.5, 1234.5, 0.125] and f == [""] * 3


def test_zahlen_mehrdeutig_nach_dateikonvention():
    assert _z(["1.234", "5"], komma=True)[0] == [1234, 5]
    assert _z(["1.234", "5"], komma=False)[0] == [1.234, 5]
    assert _z(["1.234", "2,5"], komma=False)[0] == [1234, 2.5]  # the file uses decimal commas
    assert _z(["1,234", "2.5"], komma=True)[0] == [1234, 2.5]  # the file uses decimal points
    w, f = _z(["1.234", "2,5", "2.5"])
    assert f == ["mehrdeutig", "", ""] and w[1:] == [2.5, 2.5]


def test_zahlen_nie_still_umgedeutet():
    w, f = _z(["abc", "", "12 %", "1e3", "1.2.3", "12,5,6", "--1"])
    assert f == ["keine_zahl", "leer", "keine_zahl", "keine_zahl", "keine_zahl", "keine_zahl", "keine_zahl"]
    assert all(x != x for x in w)  # all NaN


def test_zahlen_aus_excel_zellen():
    w, f = zahlen(pd.Series([3, 2.5, "1.234,5", None, True], dtype=object), True)
    assert w.tolist()[:3] == [3, 2.5, 1234.5] and f.tolist() == ["", "", "", "leer", "keine_zahl"]
