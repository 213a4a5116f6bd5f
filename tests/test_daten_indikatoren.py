"""Indicator arithmetic against values computed by hand from tests/daten/mini."""

from __future__ import annotations

import math

import pytest
from daten.fixtur import MINI, ersetze, kopie

from helpers.daten import STADT, laden


@pytest.fixture(scope="module")
def t():
    return laden(MINI).indikatoren


def _w(t, indikator, jahr):
    r = t[(t.indikator == indikator) & (t.jahr == jahr)]
    return dict(zip(r.stadtteil, r.wert))


def test_anteil_und_stadtwert_aus_summen(t):
    w = _w(t, "anteil_kinder", 2018)
    assert w == {"Nordviertel": 20.0, "Östrich": 12.5, "Südfeld": 25.0, STADT: 20.0}
    # the mean of the district rates would be 19.17 – the city value is 400 / 2000
    assert w[STADT] != pytest.approx((20 + 12.5 + 25) / 3)
    w17 = _w(t, "anteil_kinder", 2017)
    assert w17[STADT] == pytest.approx(390 / 1990 * 100)
    assert w17["Östrich"] == pytest.approx(55 / 410 * 100)


def test_zaehler_und_nenner_der_stadt_sind_summen(t):
    r = t[(t.indikator == "anteil_kinder") & (t.jahr == 2018) & (t.stadtteil == STADT)].iloc[0]
    assert (r.zaehler, r.nenner) == (400, 2000)


def test_betrag_je_einwohner(t):
    w = _w(t, "wohnflaeche_je_ew", 2018)
    assert w["Südfeld"] == pytest.approx(27000.5 / 600)
    assert w[STADT] == pytest.approx(92000.5 / 2000)


def test_faktor_1000_und_zaehler_ueber_nenner(t):
    w = _w(t, "hze_je_1000", 2018)
    assert w == pytest.approx({"Nordviertel": 25.0, "Östrich": 0.0, "Südfeld": 4 / 150 * 1000, STADT: 22.5})
    w17 = _w(t, "hze_je_1000", 2017)
    assert w17[STADT] == pytest.approx(10 / 390 * 1000)  # includes the suppressed cells


def test_quote_mit_sperrung_stadtwert_bleibt(t):
    w = _w(t, "sgb2_quote_kinder", 2018)
    assert w["Nordviertel"] == 20.0 and math.isnan(w["Östrich"]) and math.isnan(w["Südfeld"])
    assert w[STADT] == pytest.approx(72 / 400 * 100)


def test_absolute_zahl(t):
    r = t[(t.indikator == "einwohner") & (t.jahr == 2018)].set_index("stadtteil")
    assert r["wert"].to_dict() == {"Nordviertel": 1000, "Östrich": 400, "Südfeld": 600, STADT: 2000}
    assert r["nenner"].isna().all() and (r["zaehler"] == r["wert"]).all()


def test_nur_jahre_mit_daten(t):
    assert set(t.loc[t.indikator == "wahlbeteiligung", "jahr"]) == {2017}
    w = _w(t, "wahlbeteiligung", 2017)
    assert w == pytest.approx({"Nordviertel": 70.0, "Östrich": 75.0, "Südfeld": 60.0, STADT: 920 / 1380 * 100})


def test_form_der_tabelle(t):
    assert list(t.columns) == ["stadtteil", "jahr", "indikator", "wert", "zaehler", "nenner", "gesperrt", "unsicher"]
    assert str(t["jahr"].dtype) == "int64" and t["gesperrt"].dtype == bool and t["unsicher"].dtype == bool
    assert t["wert"].dtype == float and t["zaehler"].dtype == float and t["nenner"].dtype == float
    # one row per indicator × district × year, catalog order, district order, city last
    assert not t.duplicated(["stadtteil", "jahr", "indikator"]).any()
    assert list(t.indikator.drop_duplicates()) == ["einwohner", "anteil_kinder", "sgb2_quote_kinder", "hze_je_1000",
                                                   "wohnflaeche_je_ew", "wahlbeteiligung"]
    assert t.stadtteil.iloc[:4].tolist() == ["Nordviertel", "Östrich", "Südfeld", STADT]
    assert len(t) == 6 * 2 * 4 - 4  # wahlbeteiligung only 2017


def test_nenner_null_gibt_keinen_wert(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / "bestand/bevoelkerung.csv", "Östrich;2018;kinder;50;", "Östrich;2018;kinder;0;")
    ersetze(d / "bestand/sgb2_hze.csv", "02;2018;sgb2_kinder;2", "02;2018;sgb2_kinder;0")
    t = laden(d).indikatoren
    r = t[(t.indikator == "sgb2_quote_kinder") & (t.jahr == 2018)].set_index("stadtteil")
    assert math.isnan(r.loc["Östrich", "wert"]) and not r.loc["Östrich", "gesperrt"]
    assert r.loc["Östrich", "zaehler"] == 0 and r.loc["Östrich", "nenner"] == 0
