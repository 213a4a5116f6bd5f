import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import t3_testdaten as td
from helpers import wirkungsziele as wz
from helpers.sozialindex import RegelFehler

REPO = Path(__file__).resolve().parents[1]

CFG = {
    "basisjahr": 2018,
    "zieljahr": 2030,
    "ziele": [
        {"id": "sprache_stadt", "titel": "Sprachförderbedarf senken", "indikator": "sprache",
         "ebene": "Gesamtstadt", "ziel": {"art": "relativ", "wert": -0.2}},
        {"id": "gym_stadt", "titel": "Mehr Gymnasialübergänge", "indikator": "gym",
         "ebene": "Gesamtstadt", "ziel": {"art": "punkte", "wert": 5}},
        {"id": "sprache_st", "titel": "Abstand zur Stadt halbieren", "indikator": "sprache",
         "ebene": "Stadtteil", "ziel": {"art": "abstand_stadt", "wert": 0.5}},
    ],
}


def reihe(werte: dict[int, float], indikator="sprache", stadtteil="Gesamtstadt"):
    return pd.DataFrame({"stadtteil": stadtteil, "jahr": list(werte), "indikator": indikator,
                         "wert": list(werte.values()), "zaehler": np.nan, "nenner": np.nan,
                         "gesperrt": False, "unsicher": False})


def einzel(werte, art="relativ", wert=-0.2, indikator="sprache", zieljahr=2030):
    cfg = {"basisjahr": 2018, "zieljahr": zieljahr,
           "ziele": [{"id": "z", "titel": "t", "indikator": indikator, "ebene": "Gesamtstadt",
                      "ziel": {"art": art, "wert": wert}}]}
    return wz.bewerten(reihe(werte, indikator), td.katalog(), cfg).iloc[0]


def test_zielwerte():
    assert wz.zielwert("relativ", -0.2, 20.0, 0, -1) == pytest.approx(16.0)
    assert wz.zielwert("punkte", 5, 40.0, 0, 1) == 45.0
    assert wz.zielwert("absolut", 12, 40.0, 0, -1) == 12.0
    # burden 30 vs city 20, halve the gap -> 25; a district better than the city must not become worse
    # than the city (its floor is the city baseline: converging to the city is not penalised)
    assert wz.zielwert("abstand_stadt", 0.5, 30.0, 20.0, -1) == pytest.approx(25.0)
    assert wz.zielwert("abstand_stadt", 0.5, 15.0, 20.0, -1) == 20.0
    # advantage indicator below the city: move up
    assert wz.zielwert("abstand_stadt", 0.5, 30.0, 40.0, 1) == pytest.approx(35.0)


def test_pfadwert_linear():
    assert wz.pfadwert(20, 16, 2018, 2030, 2024) == pytest.approx(18.0)
    assert wz.pfadwert(20, 16, 2018, 2030, 2018) == 20


def test_status_auf_kurs_nicht_auf_kurs_erreicht():
    # baseline 20, target 16 in 2030; path in 2024 = 18
    assert einzel({2018: 20.0, 2024: 17.5})["status"] == "auf Kurs"
    assert einzel({2018: 20.0, 2024: 18.0})["status"] == "auf Kurs"
    assert einzel({2018: 20.0, 2024: 19.0})["status"] == "nicht auf Kurs"
    assert einzel({2018: 20.0, 2024: 15.0})["status"] == "erreicht"
    assert einzel({2018: 20.0})["status"] == "Ausgangsjahr"


def test_status_vorteil_richtung():
    # advantage indicator: +5 points; path in 2024 = 42.5
    assert einzel({2018: 40.0, 2024: 43.0}, "punkte", 5, "gym")["status"] == "auf Kurs"
    assert einzel({2018: 40.0, 2024: 41.0}, "punkte", 5, "gym")["status"] == "nicht auf Kurs"


def test_basiswert_aus_daten_und_neues_jahr_wird_aufgenommen():
    t = td.tabelle(seed=4, jahre=range(2016, 2021))
    a = wz.bewerten(t, td.katalog(), CFG, td.STADTTEILE)
    s = a[a["ziel"] == "sprache_stadt"].iloc[0]
    erwartet = t[(t["indikator"] == "sprache") & (t["jahr"] == 2018) & (t["stadtteil"] == "Gesamtstadt")]["wert"].item()
    assert s["basiswert"] == pytest.approx(erwartet) and s["zielwert"] == pytest.approx(0.8 * erwartet)
    assert s["jahr_aktuell"] == 2020
    # the next report only adds a year of data
    neu = pd.concat([t, td.tabelle(seed=4, jahre=[2021]).assign(jahr=2021)], ignore_index=True)
    b = wz.bewerten(neu, td.katalog(), CFG, td.STADTTEILE)
    assert b[b["ziel"] == "sprache_stadt"]["jahr_aktuell"].item() == 2021
    assert b[b["ziel"] == "sprache_stadt"]["basiswert"].item() == pytest.approx(erwartet)


def test_stadtteilziele_je_stadtteil():
    t = td.tabelle(seed=4, jahre=range(2016, 2021))
    a = wz.bewerten(t, td.katalog(), CFG, td.STADTTEILE)
    st = a[a["ziel"] == "sprache_st"]
    assert st["stadtteil"].tolist() == td.STADTTEILE
    stadt = a[a["ziel"] == "sprache_stadt"]["basiswert"].item()
    schlechter = st[st["basiswert"] > stadt]
    np.testing.assert_allclose(schlechter["zielwert"], schlechter["basiswert"] - 0.5 * (schlechter["basiswert"] - stadt))
    besser = st[st["basiswert"] <= stadt]
    np.testing.assert_allclose(besser["zielwert"], stadt)
    assert set(a["status"]) <= {"erreicht", "auf Kurs", "knapp dahinter", "nicht auf Kurs"}
    assert list(a.columns) == wz.SPALTEN


def test_verlauf_fuer_grafik():
    t = td.tabelle(seed=4, jahre=range(2016, 2021))
    a = wz.bewerten(t, td.katalog(), CFG)
    v = wz.verlauf(t, a, "gym_stadt")
    # the trend years before the baseline (2014–2018, data from 2016) and all years after it
    assert v["reihe"]["jahr"].tolist() == [2016, 2017, 2018, 2019, 2020]
    assert v["pfad"]["jahr"].tolist() == [2018, 2030]
    b = a[a["ziel"] == "gym_stadt"].iloc[0]
    assert v["trend"]["wert"].iloc[-1] == pytest.approx(b["trend_prognose"])


def test_verschlechterndes_ziel_wird_abgelehnt():
    with pytest.raises(RegelFehler, match="ungünstiger"):
        einzel({2018: 20.0, 2024: 17.5}, "punkte", 2)


@pytest.mark.parametrize("aendern,meldung", [
    (lambda c: c.update(basisjahr="2018"), "basisjahr"),
    (lambda c: c.update(zieljahr=2010), "zieljahr"),
    (lambda c: c["ziele"][0].update(ebene="Kreis"), "Ziel 1 .*ebene.*Kreis"),
    (lambda c: c["ziele"][1]["ziel"].update(art="viel"), "Ziel 2 .*ziel.art"),
    (lambda c: c["ziele"][0].update(ebene="Gesamtstadt", ziel={"art": "abstand_stadt", "wert": 0.5}), "abstand_stadt"),
    (lambda c: c["ziele"][2].update(indikator="auslaender"), "neutral"),
    (lambda c: c["ziele"][2].update(indikator="sprach"), "sprach.*indikatoren.yml"),
    (lambda c: c["ziele"][2].update(id="gym_stadt"), "doppelt"),
])
def test_pruefung(aendern, meldung):
    c = copy.deepcopy(CFG)
    aendern(c)
    with pytest.raises(RegelFehler, match=meldung):
        wz.pruefe_ziele(c, td.katalog())


def test_zieldatei_des_projekts_ist_gueltig():
    pfad = REPO / "data" / "regeln" / "wirkungsziele.yml"
    kat_pfad = REPO / "data" / "indikatoren.yml"
    kat = pd.DataFrame(yaml.safe_load(kat_pfad.read_text(encoding="utf-8"))["indikatoren"]) if kat_pfad.exists() else None
    wz.lade_ziele(pfad, kat)


def test_trend_vor_dem_basisjahr():
    # falling by one point a year from 2014 to 2018: 24 … 20 -> extrapolated to 2030: 8
    r = einzel({2014: 24.0, 2015: 23.0, 2016: 22.0, 2017: 21.0, 2018: 20.0})
    assert r["status"] == "Ausgangsjahr"
    assert r["trend_steigung"] == pytest.approx(-1.0) and r["trend_prognose"] == pytest.approx(8.0)
    assert r["trend_bewertung"] == "Trend erreicht das Ziel"
    steigend = einzel({2014: 18.0, 2015: 18.5, 2016: 19.0, 2017: 19.5, 2018: 20.0})
    assert steigend["trend_bewertung"] == "Trend verfehlt das Ziel"
    kurz = einzel({2017: 21.0, 2018: 20.0})
    assert kurz["trend_bewertung"] == "kein Trend berechenbar"


def test_toleranz_zufall_schuetzt_kleine_stadtteile():
    t = reihe({2018: 20.0, 2024: 19.0})
    t["nenner"] = 100.0  # 100 children: binomial half width 1,96 × sqrt(0,19 × 0,81 / 100) × 100 ≈ 7,7 points
    cfg = {"basisjahr": 2018, "zieljahr": 2030, "toleranz": "zufall",
           "ziele": [{"id": "z", "titel": "t", "indikator": "sprache", "ebene": "Gesamtstadt",
                      "ziel": {"art": "relativ", "wert": -0.2}}]}
    r = wz.bewerten(t, td.katalog(), cfg).iloc[0]
    assert r["toleranz"] == pytest.approx(1.96 * math.sqrt(0.19 * 0.81 / 100) * 100)
    assert r["status"] == "knapp dahinter"  # behind the path (18) by 1 point, but within the noise
    t["nenner"] = 100000.0
    assert wz.bewerten(t, td.katalog(), cfg).iloc[0]["status"] == "nicht auf Kurs"
    with pytest.raises(RegelFehler, match="toleranz"):
        wz.pruefe_ziele(dict(cfg, toleranz="viel"))


def test_gesperrte_spaetere_werte_sind_keine_angabe_nicht_ausgangsjahr():
    r = einzel({2018: 20.0, 2024: np.nan})
    # 2024 exists in the data but is suppressed for this unit: nothing can be said
    assert r["status"] == "keine Angabe"


def test_zusammenfassung_und_tabellen():
    t = td.tabelle(seed=4, jahre=range(2016, 2021))
    a = wz.bewerten(t, td.katalog(), CFG, td.STADTTEILE)
    z = wz.zusammenfassung(a[a["ebene"] == "Stadtteil"])
    assert list(z.columns) == [s for s in wz.STATUS if s in z.columns]
    assert z.to_numpy().sum() == 11  # one district-level target × 11 districts
    tab = wz.tabelle(a[a["ebene"] == "Gesamtstadt"], td.katalog())
    assert tab["Ausgangswert"].str.endswith("(2018)").all() and tab["Zielwert"].str.endswith("(2030)").all()
    assert tab["Wert am Stichtag"].str.contains(r"\(2020\)").all() and tab["Ausgangswert"].str.contains(",").all()
    st_tab = wz.stadtteil_tabelle(a[a["ebene"] == "Stadtteil"], td.katalog())
    assert not st_tab["Wert am Stichtag"].str.contains(r"\(").any()  # all from the latest year: no year shown


def test_befund_saetze():
    t = td.tabelle(seed=4, jahre=range(2014, 2019))
    a = wz.bewerten(t, td.katalog(), CFG, td.STADTTEILE)
    s = " ".join(wz.befund(a))
    assert "Basisjahr 2018" in s and "nächsten Ausgabe" in s
    # districts without a value ("keine Angabe") do not turn the baseline year into "0 Bewertungen"
    b0 = a.copy()
    b0.loc[b0.index[-1], "status"] = "keine Angabe"
    assert " ".join(wz.befund(b0)) == s
    assert wz.befund(b0.assign(status="keine Angabe")) == [
        "Für keines der Wirkungsziele liegen Werte vor, an denen sich ein Fortschritt messen ließe."]
    t2 = td.tabelle(seed=4, jahre=range(2016, 2021))
    b = wz.bewerten(t2, td.katalog(), CFG, td.STADTTEILE)
    s2 = " ".join(wz.befund(b))
    anz = b["status"].value_counts()
    assert "Zum Stichtag 31.12.2020" in s2 and "-mal" not in s2 and "neuesten" not in s2
    gezaehlt = sum(anz[st] for st in ("erreicht", "auf Kurs", "knapp dahinter", "nicht auf Kurs") if st in anz)
    assert f"zusammen {gezaehlt} Bewertungen:" in s2 and " ." not in s2
    for st in ("erreicht", "auf Kurs", "knapp dahinter", "nicht auf Kurs"):
        if st in anz:
            assert f"{anz[st]} „{st}“" in s2


def test_zufallsband():
    assert wz.zufallsband(50.0, 100, 100) == pytest.approx(1.96 * 0.05 * 100)
    assert wz.zufallsband(40.0, 0, 100) == 0.0 and wz.zufallsband(40.0, 100, 1) == 0.0


def test_abstand_zum_zielwert_in_richtung_des_ziels():
    """Positive = still to go, negative = beyond the target; a district that only has to keep the
    city value (``grenze``) counts from that limit in the limit's direction."""
    b = pd.DataFrame({"basiswert": [30.0, 10.0, 5.0], "zielwert": [20.0, 15.0, 19.0],
                      "wert_aktuell": [25.0, 16.0, 4.0], "grenze": ["", "", "höchstens"]})
    assert wz.abstand(b).tolist() == pytest.approx([5.0, -1.0, -15.0])
