"""The published downloads: indikatoren.csv/.xlsx and manifest.csv."""

from __future__ import annotations

import hashlib

import numpy as np
import openpyxl
import pandas as pd
import pytest
from daten.fixtur import MINI

from helpers.daten import laden, schreibe_downloads

SPALTEN = ["stadtteil", "jahr", "indikator", "wert", "zaehler", "nenner", "gesperrt", "unsicher"]


@pytest.fixture(scope="module")
def ausgabe(tmp_path_factory):
    d = laden(MINI)
    ordner = tmp_path_factory.mktemp("daten")
    pfade = schreibe_downloads(d, ordner)
    return d, ordner, pfade


def test_dateien(ausgabe):
    _, ordner, pfade = ausgabe
    assert sorted(p.name for p in pfade) == ["indikatoren.csv", "indikatoren.xlsx", "manifest.csv"]
    assert sorted(p.name for p in ordner.iterdir()) == ["indikatoren.csv", "indikatoren.xlsx", "manifest.csv"]


def test_csv_format(ausgabe):
    d, ordner, _ = ausgabe
    roh = (ordner / "indikatoren.csv").read_bytes()
    assert roh.startswith(b"\xef\xbb\xbf") and b"\r\n" not in roh
    zeilen = roh[3:].decode("utf-8").splitlines()
    assert zeilen[0] == ";".join(SPALTEN)
    assert len(zeilen) == len(d.indikatoren) + 1
    assert "Nordviertel;2018;anteil_kinder;20;200;1000;false;false" in zeilen
    assert "Südfeld;2018;wohnflaeche_je_ew;45,000833;27000,5;600;false;false" in zeilen
    # suppressed: wert and zaehler blank, nenner published, flagged
    assert "Östrich;2018;sgb2_quote_kinder;;;50;true;true" in zeilen
    assert "Gesamtstadt;2018;sgb2_quote_kinder;18;72;400;false;false" in zeilen
    assert "Nordviertel;2018;einwohner;1000;1000;;false;false" in zeilen  # absolute: no nenner


def test_csv_liest_sich_zurueck(ausgabe):
    d, ordner, _ = ausgabe
    t = pd.read_csv(ordner / "indikatoren.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert list(t.columns) == SPALTEN
    assert t["gesperrt"].tolist() == d.indikatoren["gesperrt"].tolist()
    np.testing.assert_allclose(t["wert"], d.indikatoren["wert"], atol=1e-6)
    np.testing.assert_array_equal(t["zaehler"], d.indikatoren["zaehler"])
    assert t.loc[t["gesperrt"], "wert"].isna().all()


def test_xlsx_wie_csv(ausgabe):
    d, ordner, _ = ausgabe
    wb = openpyxl.load_workbook(ordner / "indikatoren.xlsx")
    assert wb.sheetnames == ["indikatoren", "erlaeuterung"]
    zeilen = list(wb["indikatoren"].iter_rows(values_only=True))
    assert list(zeilen[0]) == SPALTEN and len(zeilen) == len(d.indikatoren) + 1
    i = d.indikatoren.index[(d.indikatoren.stadtteil == "Östrich") & (d.indikatoren.jahr == 2018)
                            & (d.indikatoren.indikator == "sgb2_quote_kinder")][0]
    assert zeilen[i + 1] == ("Östrich", 2018, "sgb2_quote_kinder", None, None, 50, True, True)
    x = pd.read_excel(ordner / "indikatoren.xlsx", sheet_name="indikatoren")
    np.testing.assert_allclose(x["wert"], d.indikatoren["wert"], atol=1e-6)


def test_xlsx_byte_gleich_bei_gleichen_daten(ausgabe, tmp_path):
    d, ordner, _ = ausgabe
    schreibe_downloads(d, tmp_path)
    for name in ("indikatoren.csv", "indikatoren.xlsx", "manifest.csv"):
        assert (tmp_path / name).read_bytes() == (ordner / name).read_bytes(), name


def test_manifest_pruefsummen(ausgabe):
    d, ordner, _ = ausgabe
    m = pd.read_csv(ordner / "manifest.csv", sep=";", encoding="utf-8-sig", dtype={"sha256": str})
    assert list(m.columns) == ["datei", "sha256", "bytes", "zeilen"]
    assert len(m) == 6
    for r in m.itertuples():
        roh = (MINI / r.datei).read_bytes()
        assert r.sha256 == hashlib.sha256(roh).hexdigest() and r.bytes == len(roh)
