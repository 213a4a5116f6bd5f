"""helpers.auswertung (Teil III/IV computed once) and the table and text helpers moved out of the
Teil III/IV notebooks (vergleich, sozialindex, statistik, wirkungsziele, steckbriefe).

Synthetic tables from ``t3_testdaten`` for the logic; the demo data folder for the wiring of
:func:`teil3` / :func:`teil4` to the rule files.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import t3_testdaten as td
from helpers import auswertung, bedarfe, sozialindex, statistik, steckbriefe, vergleich, wirkungsziele
from test_bedarfe import REGELN
from test_sozialindex import CFG

ROOT = Path(__file__).resolve().parents[1]
HF = pd.DataFrame({"nr": [1, 2, 3, 4, 5], "titel": ["Demografie", "Erwerb", "Betreuung", "Gesundheit", "Bildung"]})
#: few permutations and resamples: these tests check the wiring, not the statistics
KOR = {"bildung": ["sprache", "gym"], "armut": ["sgb2_u15", "alo"], "methoden": ["pearson", "spearman"],
       "permutationen": 200, "bootstrap": 100, "seed": 5, "gepoolt": {"jahre": 3}}


def teil3(tab=None, reihenfolge=td.STADTTEILE, **kw) -> auswertung.Teil3:
    felder = dict(indikatoren=td.tabelle(seed=5, trend=1.0) if tab is None else tab, katalog=td.katalog(),
                  handlungsfelder=HF, jahr=2018, reihenfolge=tuple(reihenfolge), cfg_index=CFG, cfg_korrelation=KOR,
                  regeln_bedarfe=REGELN, schwerpunkt=(4, 5))
    return auswertung.Teil3(**(felder | kw))


@pytest.fixture(scope="module")
def t3():
    return teil3()


# --------------------------------------------------------------------------- Teil3


def test_verglichen_werden_gerichtete_kernindikatoren_mit_nenner():
    kat = td.katalog()
    # kita35 is no key indicator, auslaender is neutral; an absolute key indicator has no denominator
    kat.loc[kat["id"] == "alo", "nenner"] = None
    assert vergleich.gerichtete_kern_ids(kat) == ["sgb2", "sgb2_u15", "sprache", "gym"]


def test_teil3_rechnet_wie_die_einzelnen_helfer(t3):
    tab, kat, r = t3.indikatoren, t3.katalog, list(t3.reihenfolge)
    std = vergleich.standardisieren(tab, kat, 2018, ["alo", "sgb2", "sgb2_u15", "sprache", "gym"], r)
    pd.testing.assert_frame_equal(t3.std, std)
    pd.testing.assert_frame_equal(t3.lage, vergleich.gesamtlage(std))
    idx = sozialindex.sozialindex(tab, kat, CFG, 2018, r)
    pd.testing.assert_frame_equal(t3.index, idx)
    pd.testing.assert_frame_equal(t3.rob, sozialindex.robustheit(sozialindex.sensitivitaet(tab, kat, CFG, 2018, r)))
    std_b = vergleich.standardisieren(tab, kat, 2018, bedarfe.benoetigte_indikatoren(REGELN, kat), r)
    idx_s = sozialindex.stabilitaet(idx, t3.rob, CFG)
    treffer = bedarfe.anwenden(REGELN, std_b, idx_s, kat)
    pd.testing.assert_frame_equal(t3.uebersicht, bedarfe.uebersicht(treffer, r, [1, 2, 3, 4, 5]))
    assert t3.n_varianten == len(sozialindex.varianten(CFG))
    assert t3.status_ids == ["alo", "sgb2", "sgb2_u15", "gym"]
    assert t3.kurz["sprache"] == "Sprache" and t3.hf_titel[5] == "Bildung" and t3.einheit["gym"] == "%"


def test_jedes_ergebnis_wird_einmal_berechnet(monkeypatch):
    aufrufe = []
    original = sozialindex.sozialindex
    monkeypatch.setattr(sozialindex, "sozialindex", lambda *a, **k: aufrufe.append(1) or original(*a, **k))
    t = teil3()
    assert t.index is t.index
    t.uebersicht  # the needs reuse the index
    assert len(aufrufe) == 1


def test_teil3_ist_unveraenderlich(t3):
    with pytest.raises(dataclasses.FrozenInstanceError):
        t3.jahr = 2017


def test_ohne_regeln_bleiben_index_und_bedarfe_leer():
    t = teil3(cfg_index=None, regeln_bedarfe=None, cfg_korrelation=None)
    assert t.index is None and t.treffer is None and t.uebersicht is None and t.status_ids == []
    assert t.reihe is None and t.sens is None and t.rob is None and t.korrelation is None and t.std_bedarfe is None
    assert len(t.std)  # the district comparison needs no rule file
    # needs rules without index rules: the class rules could not be applied, so no needs at all
    assert teil3(cfg_index=None).treffer is None


# --------------------------------------------------------------------------- Korrelationen


def test_korrelationen_wie_statistik_und_gepoolt(t3):
    k = t3.korrelation
    werte = vergleich.matrix(t3.indikatoren, 2018, ["sprache", "gym", "sgb2_u15", "alo"], td.STADTTEILE)
    erwartet = statistik.korrelationen(werte, statistik.paare(KOR), ["pearson", "spearman"], seed=5,
                                       n_resamples=200, n_bootstrap=100, mindest_n=statistik.MINDEST_N)
    pd.testing.assert_frame_equal(k.tabelle.drop(columns="jahr"), erwartet)
    assert set(k.tabelle["jahr"]) == {"2018"} and k.n == 11 and k.r_krit == pytest.approx(statistik.r_kritisch(11))
    assert k.pool_jahre == (2016, 2017, 2018)
    assert set(k.tabelle_pool["methode"]) == {"pearson_gepoolt", "spearman_gepoolt"}
    assert set(k.tabelle_pool["jahr"]) == {"2016-2018"}
    assert len(k.alle) == 2 * len(k.tabelle) and len(k.pearson_pool) == len(k.pearson) == 4
    assert statistik.csv_tabelle(k.alle).columns.tolist() == statistik.CSV_SPALTEN


def test_keine_gepoolte_auswertung_ohne_die_jahre():
    k = teil3(cfg_korrelation=KOR | {"gepoolt": {"jahre": 9}}).korrelation
    assert k.tabelle_pool is None and k.pearson_pool is None and k.alle is k.tabelle
    assert "reichen die Daten nicht aus" in statistik.gepoolt_text(None, k.pearson_ok, k.pool_jahre, k.n)
    assert statistik.gepoolt_tabelle(None, {}).columns.tolist() == ["Hinweis"]


def test_hauptpaar_aus_der_konfiguration_sonst_erstes_paar(t3):
    assert (t3.korrelation.haupt.x, t3.korrelation.haupt.y) == ("sprache", "sgb2_u15")
    h = teil3(cfg_korrelation=KOR | {"hauptpaar": ["gym", "alo"]}).korrelation.haupt
    assert (h.x, h.y) == ("gym", "alo") and h.berechnet and h.ohne_wert == []
    assert h.fit["n"] == 11 and len(h.einfluss) == 11


# --------------------------------------------------------------------------- correlation texts and tables


def _mit_sperre(tab, indikator, stadtteile):
    t = tab.copy()
    m = (t["indikator"] == indikator) & (t["jahr"] == 2018) & t["stadtteil"].isin(stadtteile)
    t.loc[m, ["wert", "zaehler"]] = np.nan
    t.loc[m, "gesperrt"] = True
    return t


def test_paar_mit_gesperrten_werten_nennt_sie_und_nicht_auswertbares_paar():
    tab = td.tabelle(seed=5, trend=1.0)
    kurz = vergleich.kurztitel(td.katalog())
    einheit = dict(zip(td.KATALOG["id"], td.KATALOG["einheit"]))
    h = teil3(_mit_sperre(tab, "sprache", ["Stadtteil B"])).korrelation.haupt
    assert h.berechnet and h.ohne_wert == ["Stadtteil B"] and h.fit["n"] == 10
    text = statistik.paar_text(h, kurz, einheit)
    assert "Nicht enthalten ist Stadtteil B, dessen Wert gesperrt ist." in text
    # a suppressed value on either side leaves the district out
    h = teil3(_mit_sperre(_mit_sperre(tab, "sprache", ["Stadtteil B"]), "sgb2_u15", ["Stadtteil C"])).korrelation.haupt
    assert h.ohne_wert == ["Stadtteil B", "Stadtteil C"] and h.fit["n"] == 9
    text = statistik.paar_text(h, kurz, einheit)
    assert "Nicht enthalten sind Stadtteil B und Stadtteil C, deren Werte gesperrt sind." in text
    assert "Je Prozentpunkt mehr bei „SGB II u15“ liegt „Sprache“ im Mittel um" in text
    # four suppressed districts: 7 < mindest_n = 8 pairs, nothing is computed
    k = teil3(_mit_sperre(tab, "sprache", ["Stadtteil A", "Stadtteil B", "Stadtteil C", "Stadtteil D"])).korrelation
    h = k.haupt
    assert not h.berechnet and h.fit is None
    assert statistik.paar_text(h, kurz, einheit) == statistik.paar_hinweis(h, kurz)
    assert "Nur 7 Stadtteile" in statistik.paar_hinweis(h, kurz)
    t = statistik.tabelle(k.pearson, kurz)
    assert (t.loc[t["Bildung"] == "Sprache", "r"] == "nicht auswertbar").all()
    assert (t.loc[t["Bildung"] == "Sprache", "95-%-KI"] == "–").all()
    assert [f is None for _, _, f in statistik.ols_je_paar(k.werte, k.pearson)] == [True, True, False, False]
    assert statistik.stabilitaet_tabelle(k.werte, k.pearson, kurz)["Bildung"].tolist() == ["Gymnasium"] * 2


def test_befund_staerkste_paare_und_spearman_gegenrichtung():
    kurz = {"b": "B", "c": "C", "a": "A"}

    def zeile(x, r, methode="pearson", berechnet=True, p=0.5):
        return {"x": x, "y": "a", "methode": methode, "r": r, "ci_unten": r - 0.3, "ci_oben": r + 0.3, "p": p,
                "p_holm": p, "p_bh": p, "n": 11, "r_krit": 0.6, "berechnet": berechnet}

    k = pd.DataFrame([zeile("b", 0.2), zeile("c", -0.7, p=0.01), zeile("b", -0.3, "spearman"),
                      zeile("c", -0.6, "spearman")])
    absaetze = statistik.befund(k, kurz, n=1)
    assert absaetze[0].startswith("Zwischen „C“ und „A“") and "ein starker negativer" in absaetze[0]
    assert "Von 2 ausgewerteten Paaren erreichen 1 die kritische Schwelle" in absaetze[1]
    assert "nach der Holm-Korrektur bleiben 1, nach Benjamini–Hochberg 1 auffällig" in absaetze[1]
    assert absaetze[2].endswith("bei „B“ × „A“ in die Gegenrichtung – diese Zusammenhänge hängen an einzelnen Werten.")
    nichts = statistik.befund(k.assign(berechnet=False), kurz)
    assert nichts == ["Mit den veröffentlichten Stadtteilwerten lässt sich kein Paar auswerten."]


def test_korrelationstabelle_deutsch():
    k = pd.DataFrame([{"x": "b", "y": "a", "r": -0.456, "ci_unten": -0.8, "ci_oben": 0.1, "boot_unten": -0.85,
                       "boot_oben": 0.2, "p": 0.0004, "p_holm": 0.0012, "p_bh": 0.3, "n": 11, "berechnet": True}])
    t = statistik.tabelle(k, {"a": "A", "b": "B"}, zeichen="ρ")
    assert t.iloc[0].tolist() == ["B", "A", "−0,46", "−0,80 bis 0,10", "−0,85 bis 0,20", "< 0,001", "0,001",
                                  "0,300", "11"]
    assert set(t.columns) - {"Bildung", "Armut"} <= set(statistik.TABELLE_RECHTS)


# --------------------------------------------------------------------------- Sozialindex and Vergleich tables


def test_robustheit_ohne_index_gibt_na_statt_fehler():
    sens = pd.DataFrame({
        "variante": ["Basis", "Basis", "ohne x", "ohne x"], "stadtteil": ["A", "B", "A", "B"],
        "index": [np.nan, 0.5, 1.0, -1.0], "rang": pd.array([pd.NA, 1, 1, 2], dtype="Int64"),
        "klasse": ["keine Angabe", "mittel", "sehr niedrig", "mittel"],
        "rang_basis": pd.array([pd.NA, 1, pd.NA, 1], dtype="Int64"),
        "verschiebung": pd.array([pd.NA, 0, pd.NA, 1], dtype="Int64"),
    })
    rob = sozialindex.robustheit(sens)
    assert rob["max_verschiebung"].tolist()[1] == 1 and pd.isna(rob.loc[0, "max_verschiebung"])
    assert not rob.loc[0, "robust"]
    tab = sozialindex.robustheit_tabelle(rob)
    assert tab["Rang (Basis)"].tolist() == ["1", "–"] and tab["Rangspanne"].tolist() == ["1–2", "1"]
    satz = sozialindex.befund(pd.DataFrame({"stadtteil": ["A", "B"], "index": [np.nan, 0.5],
                                            "klasse": ["keine Angabe", "mittel"]}), rob, 2, "31.12.2018")
    assert "Die größte Rangverschiebung zwischen den Varianten beträgt 1 Platz (B)." in satz


def test_index_tabelle_nach_index_mit_komponenten(t3):
    tab = sozialindex.index_tabelle(t3.index, t3.kurz)
    assert tab.columns.tolist() == ["Stadtteil", "Index", "Klasse", "Arbeitslose", "SGB II", "SGB II u15", "Gymnasium",
                                    "Dynamik", "Dynamikklasse"]
    assert tab["Stadtteil"].iloc[0] == t3.index.loc[t3.index["index"].idxmax(), "stadtteil"]
    assert set(sozialindex.INDEX_TABELLE_TEXT) < set(tab.columns)
    assert "Mit 11 Stadtteilen" in sozialindex.grenzen_text(11)


def test_vergleich_texte_und_tabellen(t3):
    text = vergleich.umfang_text(t3.katalog, t3.std, 2018, t3.kurz)
    assert text.startswith("Verglichen werden 5 Kernindikatoren aus 3 Handlungsfeldern am 31.12.2018. "
                           "1 beschreibende Kernindikatoren ohne Wertung (Nichtdeutsche)")
    assert "letzten Wahl" not in text
    # an indicator whose latest year is earlier (election) is named
    tab = t3.indikatoren[~((t3.indikatoren["indikator"] == "gym") & (t3.indikatoren["jahr"] == 2018))]
    std = vergleich.standardisieren(tab, t3.katalog, 2018, ["alo", "gym"])
    assert "Für Gymnasium gilt der Stand der letzten Wahl" in vergleich.umfang_text(t3.katalog, std, 2018, t3.kurz)
    g = vergleich.geordnet(t3.std)
    assert g.shape == (5, 11) and g.columns[0] == t3.lage.loc[t3.lage["z_mittel"].idxmax(), "stadtteil"]
    assert vergleich.beschriftungen(t3.katalog)["sprache"] == "Sprache (HF 4)"
    it = vergleich.index_tabelle(t3.std, t3.katalog, t3.kurz)
    assert it.columns[-1] == "Gesamtstadt" and it["Gesamtstadt"].str.endswith("%").all()
    assert "der 11 Stadtteile" in vergleich.grenzen_text(11)


# --------------------------------------------------------------------------- Teil4, Steckbriefe, demo data


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    from helpers.daten import laden
    from helpers.setup import Kontext

    return Kontext(daten=laden(ROOT / "data"), ausgabe=tmp_path_factory.mktemp("ausgabe"))


def test_teil3_liest_die_regeldateien(ctx):
    t = auswertung.teil3(ctx)
    assert t.cfg_index == sozialindex.lade_regeln(ROOT / "data" / "regeln" / "sozialindex.yml")
    assert t.schwerpunkt == tuple(bedarfe.schwerpunkt(ROOT / "data" / "regeln" / "bedarfe.yml"))
    assert t.reihenfolge == tuple(ctx.reihenfolge) and t.jahr == ctx.jahr
    assert t.uebersicht.index.tolist() == ctx.reihenfolge


def test_teil3_ohne_passende_regeln(tmp_path):
    from helpers.daten import laden
    from helpers.setup import Kontext
    from helpers.sozialindex import RegelFehler

    mini = Kontext(daten=laden(ROOT / "tests" / "daten" / "mini"), ausgabe=tmp_path)
    t = auswertung.teil3(mini, optional=True)  # own catalog, no own rules: Steckbriefe without Teil III
    assert t.cfg_index is None and t.index is None and t.treffer is None and t.status_ids == []
    with pytest.raises(RegelFehler, match="steht nicht in indikatoren.yml"):
        auswertung.teil3(mini)


def test_teil4_teilt_stadt_und_stadtteile(ctx):
    t4 = auswertung.teil4(ctx)
    assert len(t4.stadt) + len(t4.teile) == len(t4.bewertung)
    assert (t4.stadt["stadtteil"] == "Gesamtstadt").all() and (t4.teile["stadtteil"] != "Gesamtstadt").all()
    verl = wirkungsziele.verlaeufe(t4.indikatoren, t4.bewertung, t4.einheit)
    assert [v[0] for v in verl] == t4.stadt["titel"].tolist() and [v[3] for v in verl] == t4.stadt["status"].tolist()
    tab = wirkungsziele.status_tabelle(t4.teile)
    assert tab.iloc[:, 1:].astype(int).sum(axis=1).tolist() == [len(ctx.reihenfolge)] * len(tab)
    erstes = t4.teile["ziel"].iloc[0]
    assert (wirkungsziele.ziel_auswahl(t4.teile, "gibt es nicht")["ziel"] == erstes).all()
    assert f"Basisjahr {t4.cfg['basisjahr']}" in wirkungsziele.grenzen_text(t4.cfg)


def test_steckbrief_texte(ctx):
    kat = ctx.katalog.indikatoren
    ohne = steckbriefe.lesehilfe_text("Musterstadt", 4, 2018, 7, 100, schwelle=1.5)
    assert ohne.startswith("Die folgenden 4 Steckbriefe beschreiben jeden Stadtteil von Musterstadt am 31.12.2018 "
                           "mit den 7 Kernindikatoren")
    assert "um mehr als 1,5 Standardabweichung" in ohne and "Sozialindex" not in ohne
    assert "Klasse im Sozialindex angegeben (Verfahren: Teil III)." in steckbriefe.lesehilfe_text(
        "M", 4, 2018, 7, 100, mit_index=True)
    assert "markierten Handlungsbedarfe" in steckbriefe.lesehilfe_text("M", 4, 2018, 7, 100, True, True)
    ids = ["sgb2_quote_u15", "sprachfoerderbedarf"]
    titel = kat.set_index("id")["titel"]
    karten = steckbriefe.karten_text(kat, ids, 2018, "ART.", mit_index=True)
    assert karten.startswith(f"Die Karten zeigen „{titel[ids[0]]}“ und „{titel[ids[1]]}“ am 31.12.2018. "
                             "Ausgewählt sind Bestandteile des Sozialindex")
    assert " ART. " in karten and karten.endswith("; eigene Berechnungen.")
    assert "schematisch" in steckbriefe.kartenart_satz(ctx.ordner, ctx.stadtteile)
    assert "Reihenfolge der Stadtteile, nicht nach ihrer Lage" in steckbriefe.kartenart_satz(None, ctx.stadtteile[["schluessel", "name"]])
    jahre = steckbriefe.trend_jahre(ctx.indikatoren, ids, bis=ctx.jahr)
    assert f"die Jahre {jahre[0]} bis {jahre[-1]}" in steckbriefe.trends_text(ctx.indikatoren, kat, ids, ctx.jahr)
