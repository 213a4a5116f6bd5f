"""Demo data generator (helpers.beispieldaten): determinism, consistency, calibration, contract."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
import yaml

from helpers import beispieldaten as bd

REPO = Path(__file__).resolve().parents[1]
DATEN = REPO / "data"
ZWEITSTADT = REPO / "tests" / "daten" / "zweitstadt"
ZWEITSTADT_ARGS = dict(stadt="Beispielstadt", stadtteile=4, von=2015, bis=2020)


@pytest.fixture(scope="module")
def dorsten() -> bd.Ergebnis:
    return bd.erzeugen()


@pytest.fixture(scope="module")
def zweit() -> bd.Ergebnis:
    return bd.erzeugen(**ZWEITSTADT_ARGS)


@pytest.fixture(scope="module")
def katalog() -> dict:
    return yaml.safe_load((DATEN / "indikatoren.yml").read_text(encoding="utf-8"))


def stadt(e: bd.Ergebnis, merkmal: str, jahr: int) -> int:
    return int(e.werte[merkmal][:, list(e.jahre).index(jahr)].sum())


def wahl_quote(e: bd.Ergebnis, art: str, jahr: int) -> float:
    return e.wahlen[(f"waehler_{art}", jahr)].sum() / e.wahlen[(f"wahlberechtigte_{art}", jahr)].sum()


# --------------------------------------------------------------------------- determinism


def test_gleiche_saat_gleiche_bytes():
    a = bd.dateien(bd.erzeugen(seed=11))
    b = bd.dateien(bd.erzeugen(seed=11))
    assert a == b


def test_andere_saat_andere_werte():
    a = bd.dateien(bd.erzeugen(seed=11))
    b = bd.dateien(bd.erzeugen(seed=12))
    assert a["jobcenter.csv"] != b["jobcenter.csv"]
    assert a.keys() == b.keys()


def test_eingecheckte_dateien_entsprechen_dem_generator(dorsten, zweit):
    """data/bestand and the second city are exactly what the generator writes (regenerate if not)."""
    for ergebnis, ordner in ((dorsten, DATEN), (zweit, ZWEITSTADT)):
        soll = bd.dateien(ergebnis)
        ist = {p.name: p.read_bytes() for p in (ordner / "bestand").iterdir()}
        assert ist.keys() == soll.keys(), ordner
        for name in soll:
            assert ist[name] == soll[name], f"{ordner}/bestand/{name} veraltet: python -m helpers.beispieldaten …"
    assert bd.stadtteile_csv(dorsten) == (DATEN / "stadtteile.csv").read_bytes()
    assert bd.stadtteile_csv(zweit) == (ZWEITSTADT / "stadtteile.csv").read_bytes()


# --------------------------------------------------------------------------- consistency


def test_altersgruppen_ergeben_die_bevoelkerung(dorsten, zweit):
    for e in (dorsten, zweit):
        summe = sum(e.werte[g] for g in bd.ALTERSGRUPPEN)
        assert np.array_equal(summe, e.werte["bev_gesamt"])
        for aggregat, teile in bd.SUMMEN.items():
            assert np.array_equal(e.werte[aggregat], sum(e.werte[g] for g in teile)), aggregat


def test_keine_negativen_werte(dorsten, zweit):
    for e in (dorsten, zweit):
        for m, w in e.werte.items():
            assert (w >= 0).all(), m
        for k, w in e.wahlen.items():
            assert (w >= 0).all(), k


@pytest.mark.parametrize("teil, ganzes", [
    ("hze_stationaer", "hze_gesamt"), ("hze_ambulant", "hze_gesamt"), ("sgb2_u15", "sgb2_u65"),
    ("arbeitslose_sgb2", "sgb2_u65"), ("arbeitslose", "bev_15_64"), ("haushalte", "bev_gesamt"),
    ("haushalte_mit_kindern", "haushalte"), ("haushalte_mit_kindern", "bev_u18"),
    ("haushalte_alleinerziehend", "haushalte_mit_kindern"), ("bev_nichtdeutsch", "bev_gesamt"),
    ("wohnungen_gefoerdert", "wohnungen"), ("but_teilnehmende", "but_berechtigte"),
])
def test_teilmengen_hoechstens_gesamt(dorsten, zweit, teil, ganzes):
    for e in (dorsten, zweit):
        assert (e.werte[teil] <= e.werte[ganzes]).all()


def test_zaehler_hoechstens_nenner_laut_katalog(dorsten, katalog):
    """Every indicator without zaehler_kann_nenner_uebersteigen keeps zaehler <= nenner."""
    for ind in katalog["indikatoren"]:
        if not ind.get("nenner") or ind.get("zaehler_kann_nenner_uebersteigen"):
            continue
        z, n = ind["zaehler"], ind["nenner"]
        if z in dorsten.werte:
            assert (dorsten.werte[z] <= dorsten.werte[n]).all(), ind["id"]
        else:  # elections
            for (m, jahr), w in dorsten.wahlen.items():
                if m == z:
                    assert (w <= dorsten.wahlen[(n, jahr)]).all(), (ind["id"], jahr)


def test_teile_ergeben_das_ganze(dorsten):
    w = dorsten.werte
    assert np.array_equal(w["hze_ambulant"] + w["hze_stationaer"], w["hze_gesamt"])
    assert np.array_equal(w["kita_plaetze_u3"] + w["tagespflege_plaetze_u3"], w["betreuungsplaetze_u3"])
    assert np.array_equal(sum(w[f] for f in bd.SCHULFORMEN), w["uebergaenge_gesamt"])
    assert (w["abgaenger_ohne_abschluss"] + w["abgaenger_hochschulreife"] <= w["abgaenger_gesamt"]).all()


def test_bevoelkerungsbilanz_geht_auf(dorsten):
    """Bev(t) − Bev(t−1) = Geburten − Sterbefälle + Zuzüge − Fortzüge, per district and for the city."""
    w = dorsten.werte
    delta = np.diff(w["bev_gesamt"], axis=1)
    bilanz = (w["geburten"] - w["sterbefaelle"] + w["zuzuege"] - w["fortzuege"])[:, 1:]
    assert np.array_equal(delta, bilanz)


def test_wahlberechtigte_hoechstens_einwohner(dorsten):
    for (m, jahr), w in dorsten.wahlen.items():
        j = min(max(jahr, 2014), 2023) - 2014
        assert (w <= dorsten.werte["bev_gesamt"][:, j]).all(), (m, jahr)


# --------------------------------------------------------------------------- calibration


def test_einwohner_treffen_die_belegten_zahlen(dorsten):
    # city register (hz_2016, dorsten_live_2025): exact
    assert stadt(dorsten, "bev_gesamt", 2014) == 76326
    assert stadt(dorsten, "bev_gesamt", 2015) == 76459
    assert stadt(dorsten, "bev_gesamt", 2023) == 77294
    # 31.12.2018: 76.383 (IT.NRW, other counting basis) – within 1 %
    assert stadt(dorsten, "bev_gesamt", 2018) == pytest.approx(76383, rel=0.01)
    # district anchors in their year are kept exactly (city register 2015, via the press)
    i = dorsten.stadtteile.index
    for name, wert in (("Hervest", 12986), ("Deuten", 1692), ("Altstadt", 4233), ("Rhade", 5560)):
        assert dorsten.werte["bev_gesamt"][i(name), 2015 - 2014] == wert, name
    assert dorsten.werte["bev_gesamt"][i("Deuten")].max() < 1800  # small district: ~1.700


def test_belegte_eckwerte_2018(dorsten):
    assert stadt(dorsten, "bev_80_plus", 2018) == 5036
    assert stadt(dorsten, "bev_3_5", 2018) == 1913
    assert stadt(dorsten, "bev_6_9", 2018) + stadt(dorsten, "bev_10_14", 2018) == 5848
    assert stadt(dorsten, "bev_nichtdeutsch", 2018) == 5627
    assert stadt(dorsten, "arbeitslose", 2018) == 2663
    assert stadt(dorsten, "arbeitslose_langzeit", 2018) == 1278
    assert stadt(dorsten, "kita_plaetze_u3", 2018) == 448
    assert stadt(dorsten, "kita_plaetze_3_5", 2018) == 1902
    assert stadt(dorsten, "hze_gesamt", 2017) == 386
    assert stadt(dorsten, "hze_gesamt", 2018) == 491
    assert 100 <= stadt(dorsten, "hze_stationaer", 2018) <= 120


def test_belegte_quoten(dorsten):
    assert stadt(dorsten, "bev_nichtdeutsch", 2023) / stadt(dorsten, "bev_gesamt", 2023) == pytest.approx(0.10, abs=0.005)
    sgb2 = stadt(dorsten, "sgb2_u65", 2018) / stadt(dorsten, "bev_u65", 2018)
    assert sgb2 == pytest.approx(0.11, abs=0.005)
    wfl = stadt(dorsten, "wohnflaeche", 2022) / stadt(dorsten, "bev_gesamt", 2022)
    assert wfl == pytest.approx(47.6, abs=0.05)
    hh = stadt(dorsten, "bev_gesamt", 2014) / stadt(dorsten, "haushalte", 2014)
    assert hh == pytest.approx(2.0, abs=0.05)
    assert stadt(dorsten, "wohnungen", 2022) == 37849
    sprache = stadt(dorsten, "seu_sprache", 2014) / stadt(dorsten, "seu_untersucht", 2014)
    assert 0.17 <= sprache <= 0.19  # Delfin 4: 17,2 % (2010), 18,8 % (2011)


def test_wahlbeteiligung(dorsten):
    assert wahl_quote(dorsten, "kw", 2014) == pytest.approx(0.511, abs=0.0005)
    assert wahl_quote(dorsten, "ltw", 2017) == pytest.approx(0.6641, abs=0.0005)
    assert wahl_quote(dorsten, "btw", 2017) == pytest.approx(0.768, abs=0.0005)
    assert dorsten.wahlen[("wahlberechtigte_kw", 2014)].sum() == 63675
    assert dorsten.wahlen[("waehler_kw", 2014)].sum() == 32536
    assert dorsten.wahlen[("waehler_ltw", 2022)].sum() == 33121
    # only election years, no values in other years
    assert sorted(j for (m, j) in dorsten.wahlen if m == "waehler_kw") == [2009, 2014, 2020]


def test_alle_anzahl_anker_im_zeitraum_werden_exakt_getroffen(dorsten):
    for m, anker in bd.KALIBRIERUNG.items():
        if m.startswith("_") or m.startswith("wahl") or m.startswith("waehler"):
            continue
        for a in anker:
            if a.art == "anzahl" and 2014 <= a.jahr <= 2023:
                assert stadt(dorsten, m, a.jahr) == a.wert, (m, a.jahr)


# --------------------------------------------------------------------------- social structure


def _quote(e, z, n, jahr=2018):
    j = list(e.jahre).index(jahr)
    return dict(zip(e.stadtteile, e.werte[z][:, j] / e.werte[n][:, j]))


def test_soziale_struktur_wie_beschrieben(dorsten):
    sgb2 = _quote(dorsten, "sgb2_u65", "bev_u65")
    stadtwert = stadt(dorsten, "sgb2_u65", 2018) / stadt(dorsten, "bev_u65", 2018)
    hoechste = sorted(sgb2, key=sgb2.get, reverse=True)[:2]
    assert set(hoechste) == {"Hervest", "Wulfen/Barkenberg"}
    for laendlich in ("Lembeck", "Rhade", "Deuten", "Östrich", "Altendorf-Ulfkotte"):
        assert sgb2[laendlich] < stadtwert / 2, laendlich
    nd = _quote(dorsten, "bev_nichtdeutsch", "bev_gesamt")
    nd_stadt = stadt(dorsten, "bev_nichtdeutsch", 2018) / stadt(dorsten, "bev_gesamt", 2018)
    assert nd["Altstadt"] > nd_stadt and nd["Hervest"] > nd_stadt
    assert max(nd["Deuten"], nd["Östrich"], nd["Rhade"]) < nd_stadt / 2
    kw = {s: w / b for s, w, b in zip(dorsten.stadtteile, dorsten.wahlen[("waehler_kw", 2014)],
                                       dorsten.wahlen[("wahlberechtigte_kw", 2014)])}
    assert kw["Hervest"] < 0.511 and kw["Wulfen/Barkenberg"] < 0.511


def test_bildung_haengt_mit_armut_zusammen_aber_nicht_perfekt(dorsten):
    from scipy.stats import spearmanr

    arm = _quote(dorsten, "sgb2_u15", "bev_u15")
    gym = _quote(dorsten, "uebergaenge_gymnasium", "uebergaenge_gesamt")
    sprache = _quote(dorsten, "seu_sprache", "seu_untersucht")
    r_gym = spearmanr([arm[s] for s in arm], [gym[s] for s in arm]).statistic
    r_sprache = spearmanr([arm[s] for s in arm], [sprache[s] for s in arm]).statistic
    assert -0.95 < r_gym < -0.5
    assert 0.5 < r_sprache < 0.97


def test_kleine_fallzahlen_fuer_die_geheimhaltung(dorsten):
    """Deuten (~1.700 Einwohner) must produce counts of 1–2 that disclosure control has to suppress."""
    i = dorsten.stadtteile.index("Deuten")
    klein = [m for m in ("hze_stationaer", "abgaenger_ohne_abschluss", "inobhutnahmen", "seu_sprache")
             if np.isin(dorsten.werte[m][i], [1, 2]).any()]
    assert len(klein) >= 2, klein


# --------------------------------------------------------------------------- files and contract


def _lies(inhalt: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(inhalt.decode("utf-8")), delimiter=";"))


def test_dateiformat(dorsten):
    dateien = bd.dateien(dorsten)
    assert set(dateien) >= {"einwohner.csv", "jobcenter.csv", "jugendamt.csv", "gesundheitsamt.csv",
                            "schulen.csv", "wahlen.csv", "wohnen.csv", "teilhabe.csv"}
    for name, inhalt in dateien.items():
        assert not inhalt.startswith(b"\xef\xbb\xbf") and b"\r" not in inhalt
        zeilen = _lies(inhalt)
        kopf = zeilen[0]
        assert "quelle" in kopf and all(z[kopf.index("quelle")].startswith(bd.PRAEFIX_QUELLE) for z in zeilen[1:])
        if name == "wahlen.csv":
            continue
        assert kopf == ["stadtteil", "jahr", "merkmal", "wert", "quelle"]
        for z in zeilen[1:]:
            assert z[3].isdigit(), (name, z)  # plain non-negative integers


def test_breite_datei_mit_gesamtspalte(dorsten):
    zeilen = _lies(bd.dateien(dorsten)["wahlen.csv"])
    kopf = zeilen[0]
    assert kopf == ["merkmal", "jahr", *dorsten.stadtteile, "Gesamt", "quelle"]
    n = len(dorsten.stadtteile)
    for z in zeilen[1:]:
        assert sum(int(v) for v in z[2:2 + n]) == int(z[2 + n])


def test_jedes_katalogmerkmal_wird_genau_einmal_geliefert(dorsten, katalog):
    geliefert = []
    for name, inhalt in bd.dateien(dorsten).items():
        zeilen = _lies(inhalt)
        spalte = zeilen[0].index("merkmal")
        geliefert += sorted({z[spalte] for z in zeilen[1:]})
    ids = [m["id"] for m in katalog["merkmale"]]
    assert sorted(geliefert) == sorted(ids)


def test_katalog_deckt_die_vorgaben_ab(katalog):
    ind = katalog["indikatoren"]
    assert len(ind) >= 40
    assert {i["handlungsfeld"] for i in ind} == set(range(1, 10))
    for hf in range(1, 10):
        kern = [i for i in ind if i["handlungsfeld"] == hf and i.get("kern")]
        assert 2 <= len(kern) <= 4, hf
    ids = {i["id"] for i in ind}
    assert {"anteil_0_2", "anteil_3_5", "anteil_6_9", "anteil_10_14", "anteil_15_17", "anteil_18_64",
            "anteil_65_79", "anteil_80_plus", "sgb2_quote", "sgb2_quote_u15", "hze_quote",
            "wahlbeteiligung_kw", "wahlbeteiligung_ltw", "wahlbeteiligung_btw"} <= ids
    richtung = {i["id"]: i["richtung"] for i in ind}
    assert richtung["uebergang_gymnasium"] == "vorteil" and richtung["wahlbeteiligung_kw"] == "vorteil"
    assert richtung["anteil_80_plus"] == "neutral" and richtung["sgb2_quote"] == "belastung"
    wahl_merkmale = {m["id"] for m in katalog["merkmale"] if m.get("jaehrlich") is False}
    assert wahl_merkmale == {f"{x}_{a}" for x in ("wahlberechtigte", "waehler") for a in bd.WAHLARTEN}


def test_readme_nennt_alle_verwendeten_quellen():
    readme = (DATEN / "README.md").read_text(encoding="utf-8")
    benutzt = {a.quelle for anker in [*bd.KALIBRIERUNG.values(), *bd.BEVOELKERUNG_STADTTEILE.values(),
                                      bd.BEVOELKERUNG_STADT] for a in anker} - {bd.ANNAHME}
    fehlen = [q for q in benutzt if bd.QUELLEN[q].fundstelle not in readme or bd.QUELLEN[q].urheber not in readme]
    assert not fehlen, f"data/README.md nennt diese Quellen nicht: {fehlen} (python -m helpers.beispieldaten --kalibrierung)"
    assert "synthetisch" in readme.lower()
    # only originators, never Wikipedia, copies of it or private wikis and lexica (issue 11, item 6)
    from helpers.anhang import ungeeignet

    assert not [q for q in bd.QUELLEN.values() if ungeeignet(q.fundstelle)]
    assert bd.kalibrierung_markdown() in readme


# --------------------------------------------------------------------------- command line


def test_kommandozeile_andere_stadt(tmp_path):
    assert bd.main(["--ziel", str(tmp_path), "--stadt", "Musterstadt", "--stadtteile", "3",
                    "--von", "2016", "--bis", "2018", "--seed", "5"]) == 0
    assert sorted(p.name for p in (tmp_path / "bestand").iterdir()) == sorted([*bd.DATEIEN, bd.WAHL_DATEI])
    bericht = yaml.safe_load((tmp_path / "bericht.yml").read_text(encoding="utf-8"))
    assert bericht["stadt"] == "Musterstadt" and bericht["beispieldaten"] is True
    assert bericht["berichtsjahr"] == 2018
    namen = [z[1] for z in _lies((tmp_path / "stadtteile.csv").read_bytes())[1:]]
    assert len(namen) == 3 and "Dorsten" not in (tmp_path / "bestand" / "einwohner.csv").read_text("utf-8")
    jahre = {z[1] for z in _lies((tmp_path / "bestand" / "einwohner.csv").read_bytes())[1:]}
    assert jahre == {"2016", "2017", "2018"}


def test_kommandozeile_lehnt_stadtteile_fuer_dorsten_ab(tmp_path):
    with pytest.raises(SystemExit):
        bd.main(["--ziel", str(tmp_path), "--stadtteile", "4"])


# --------------------------------------------------------------------------- loading through the data layer


def _laden():
    from helpers.daten import DatenFehler, laden

    return laden, DatenFehler


@pytest.mark.parametrize("ordner", [DATEN, ZWEITSTADT], ids=["dorsten", "zweitstadt"])
def test_ordner_laedt_ohne_datenfehler(ordner):
    laden, DatenFehler = _laden()
    try:
        d = laden(ordner)
    except DatenFehler as err:  # show the German report in the failure
        pytest.fail(str(err))
    erwartet = [z[1] for z in _lies((ordner / "stadtteile.csv").read_bytes())[1:]]
    assert set(d.indikatoren["stadtteil"]) == set(erwartet) | {"Gesamtstadt"}
    assert d.indikatoren["gesperrt"].any()  # small counts exist and are suppressed
