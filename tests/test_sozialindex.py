import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import t3_testdaten as td
from helpers import sozialindex as si

REPO = Path(__file__).resolve().parents[1]

CFG = {
    "standardisierung": "z",
    "status": {
        "indikatoren": [{"id": "alo", "gewicht": 1}, {"id": "sgb2", "gewicht": 1},
                        {"id": "sgb2_u15", "gewicht": 2}, {"id": "gym", "gewicht": 1}],
        "klassen": [{"klasse": "hoch", "bis": -1.0}, {"klasse": "mittel", "bis": 1.0},
                    {"klasse": "niedrig", "bis": 1.5}, {"klasse": "sehr niedrig", "bis": None}],
    },
    "dynamik": {
        "jahre": 3,
        "indikatoren": [{"id": "alo"}, {"id": "sgb2"}, {"id": "sgb2_u15"}],
        "klassen": [{"klasse": "positiv", "bis": -1.0}, {"klasse": "stabil", "bis": 1.0},
                    {"klasse": "negativ", "bis": None}],
    },
}


@pytest.fixture
def tab():
    return td.tabelle(seed=5, trend=1.0)


def test_komponenten_sind_gerichtete_zwerte(tab):
    s = si.statusindex(tab, td.katalog(), CFG, 2018, td.STADTTEILE).set_index("stadtteil")
    for ind, vz in [("alo", 1), ("gym", -1)]:
        x = tab[(tab["jahr"] == 2018) & (tab["indikator"] == ind) & (tab["stadtteil"] != "Gesamtstadt")]
        x = x.set_index("stadtteil")["wert"].loc[td.STADTTEILE]
        np.testing.assert_allclose(s[f"z_{ind}"], vz * stats.zscore(x, ddof=1))


def test_index_gewichtet_und_neu_standardisiert(tab):
    s = si.statusindex(tab, td.katalog(), CFG, 2018, td.STADTTEILE)
    w = np.array([1, 1, 2, 1]) / 5
    summe = s[["z_alo", "z_sgb2", "z_sgb2_u15", "z_gym"]].to_numpy() @ w
    np.testing.assert_allclose(s["summe"], summe)
    np.testing.assert_allclose(s["index"], stats.zscore(summe, ddof=1))
    assert s["index"].mean() == pytest.approx(0, abs=1e-12)
    assert s["index"].std(ddof=1) == pytest.approx(1)
    # rank 1 = lowest status = highest index
    assert s.loc[s["rang"] == 1, "index"].item() == s["index"].max()


def test_gewichte_skalieren_nicht(tab):
    c2 = copy.deepcopy(CFG)
    for e in c2["status"]["indikatoren"]:
        e["gewicht"] = e["gewicht"] * 3
    a = si.statusindex(tab, td.katalog(), CFG, 2018)
    b = si.statusindex(tab, td.katalog(), c2, 2018)
    np.testing.assert_allclose(a["index"], b["index"])


@pytest.mark.parametrize("wert,klasse", [(-1.2, "hoch"), (-1.0, "hoch"), (-0.99, "mittel"), (1.0, "mittel"),
                                         (1.01, "niedrig"), (1.5, "niedrig"), (1.51, "sehr niedrig"),
                                         (np.nan, "keine Angabe")])
def test_klassengrenzen(wert, klasse):
    assert si.klassifizieren(pd.Series([wert]), CFG["status"]["klassen"]).iloc[0] == klasse


def test_klassen_folgen_den_stadtteilen_bei_permutation(tab):
    perm, abb = td.permutiert(tab)
    a = si.sozialindex(tab, td.katalog(), CFG, 2018).set_index("stadtteil")
    b = si.sozialindex(perm, td.katalog(), CFG, 2018).set_index("stadtteil")
    b.index = b.index.map({neu: alt for alt, neu in abb.items()})
    b = b.loc[a.index]
    np.testing.assert_allclose(a["index"], b["index"])
    assert (a["klasse"] == b["klasse"]).all() and (a["typ"] == b["typ"]).all()
    # and the classes really differ between districts (the test could fail)
    assert a["klasse"].nunique() >= 2


def test_fehlende_komponente_kein_index(tab):
    t = tab.copy()
    maske = (t["stadtteil"] == "Stadtteil B") & (t["indikator"] == "alo") & (t["jahr"] == 2018)
    t.loc[maske, ["wert", "zaehler"]] = np.nan
    t.loc[maske, "gesperrt"] = True
    s = si.statusindex(t, td.katalog(), CFG, 2018).set_index("stadtteil")
    assert np.isnan(s.loc["Stadtteil B", "index"])
    assert s.loc["Stadtteil B", "klasse"] == si.KEINE_ANGABE
    assert s["index"].notna().sum() == 10


def test_dynamik_veraenderung_in_punkten(tab):
    d = si.dynamikindex(tab, td.katalog(), CFG, 2018, td.STADTTEILE).set_index("stadtteil")
    w = tab[(tab["indikator"] == "sgb2") & (tab["stadtteil"] == "Stadtteil D")].set_index("jahr")["wert"]
    assert d.loc["Stadtteil D", "d_sgb2"] == pytest.approx(w[2018] - w[2015])
    np.testing.assert_allclose(d["dz_alo"], stats.zscore(d["d_alo"], ddof=1))
    erwartet = si.klassifizieren(d["dynamik_index"], CFG["dynamik"]["klassen"])
    assert (d["dynamik_klasse"] == erwartet).all()
    assert set(d["dynamik_klasse"]) <= set(si.DYNAMIK_KLASSEN)


def test_dynamik_ohne_startjahr_klare_meldung(tab):
    with pytest.raises(KeyError, match="2012"):
        si.dynamikindex(tab, td.katalog(), CFG, 2015)
    s = si.sozialindex(tab, td.katalog(), CFG, 2015)
    assert (s["dynamik_klasse"] == si.KEINE_ANGABE).all()


def test_typ_und_csv_spalten(tab):
    z = si.zeitreihe(tab, td.katalog(), CFG, reihenfolge=td.STADTTEILE)
    assert sorted(z["jahr"].unique()) == [2014, 2015, 2016, 2017, 2018]
    csv = si.csv_tabelle(z)
    assert csv.columns[:4].tolist() == ["stadtteil", "jahr", "index", "klasse"]
    assert {"z_alo", "z_sgb2", "z_sgb2_u15", "z_gym", "dynamik_index", "dynamik_klasse", "typ"} <= set(csv.columns)
    z18 = z[z["jahr"] == 2018]
    assert (z18["typ"] == z18["klasse"] + " / " + z18["dynamik_klasse"]).all()


def test_sensitivitaet_varianten(tab):
    sens = si.sensitivitaet(tab, td.katalog(), CFG, 2018, td.STADTTEILE)
    varianten = list(dict.fromkeys(sens["variante"]))
    assert varianten == ["Basis", "gleiche Gewichte", "ohne alo", "ohne sgb2", "ohne sgb2_u15", "ohne gym",
                         "Standardisierung rang", "Standardisierung minmax"]
    basis = sens[sens["variante"] == "Basis"]
    assert (basis["verschiebung"] == 0).all()
    # leave-one-out really drops the indicator: equals an index built without it
    c = copy.deepcopy(CFG)
    c["status"]["indikatoren"] = [e for e in c["status"]["indikatoren"] if e["id"] != "gym"]
    ohne = si.statusindex(tab, td.katalog(), c, 2018, td.STADTTEILE)
    np.testing.assert_allclose(sens[sens["variante"] == "ohne gym"]["index"], ohne["index"])
    # rank standardisation = z of ranks
    rang = sens[sens["variante"] == "Standardisierung rang"].set_index("stadtteil")["index"]
    d = tab[(tab["jahr"] == 2018) & (tab["stadtteil"] != "Gesamtstadt")]
    m = d.pivot(index="stadtteil", columns="indikator", values="wert").loc[td.STADTTEILE]
    komp = [vz * w * stats.zscore(stats.rankdata(m[i]), ddof=1)
            for i, vz, w in [("alo", 1, 1), ("sgb2", 1, 1), ("sgb2_u15", 1, 2), ("gym", -1, 1)]]
    np.testing.assert_allclose(rang, stats.zscore(np.sum(komp, axis=0), ddof=1), atol=1e-12)


def test_robustheit():
    sens = pd.DataFrame({
        "variante": ["Basis", "v1", "v2"] * 2,
        "stadtteil": ["A"] * 3 + ["B"] * 3,
        "index": [2.0, 1.9, 1.2, 0.1, 0.0, 0.2],
        "rang": [1, 1, 2, 2, 2, 1],
        "klasse": ["sehr niedrig", "sehr niedrig", "niedrig", "mittel", "mittel", "mittel"],
    })
    sens["rang_basis"] = [1, 1, 1, 2, 2, 2]
    sens["verschiebung"] = sens["rang"] - sens["rang_basis"]
    r = si.robustheit(sens).set_index("stadtteil")
    assert not r.loc["A", "robust"] and r.loc["B", "robust"]
    assert r.loc["A", "klassen"] == "niedrig / sehr niedrig"
    assert r.loc["A", "anteil_gleich"] == pytest.approx(2 / 3)
    assert r.loc["B", "max_verschiebung"] == 1


def test_konstanter_indikator_klare_meldung(tab):
    t = tab.copy()
    t.loc[t["indikator"] == "alo", "wert"] = 5.0
    with pytest.raises(ValueError, match="alo"):
        si.statusindex(t, td.katalog(), CFG, 2018)


def test_neutraler_indikator_nicht_im_index(tab):
    c = copy.deepcopy(CFG)
    c["status"]["indikatoren"].append({"id": "auslaender"})
    with pytest.raises(ValueError, match="auslaender"):
        si.statusindex(tab, td.katalog(), c, 2018)


@pytest.mark.parametrize("aendern,meldung", [
    (lambda c: c["status"].pop("indikatoren"), "indikatoren"),
    (lambda c: c["status"]["indikatoren"][0].update(gewicht=-1), "gewicht"),
    (lambda c: c["status"]["klassen"].reverse(), "status.klassen"),
    (lambda c: c["dynamik"].update(jahre=0), "dynamik.jahre"),
    (lambda c: c.update(standardisierung="log"), "standardisierung"),
])
def test_regelpruefung(aendern, meldung):
    c = copy.deepcopy(CFG)
    aendern(c)
    with pytest.raises(si.RegelFehler, match=meldung):
        si.pruefe_regeln(c)


def test_regelpruefung_gegen_katalog():
    c = copy.deepcopy(CFG)
    c["status"]["indikatoren"][0]["id"] = "alq"
    with pytest.raises(si.RegelFehler, match="alq.*indikatoren.yml"):
        si.pruefe_regeln(c, katalog=td.katalog())


def test_konfiguration_des_projekts_ist_gueltig():
    pfad = REPO / "data" / "regeln" / "sozialindex.yml"
    cfg = si.lade_regeln(pfad)
    katalog = REPO / "data" / "indikatoren.yml"
    if katalog.exists():
        import yaml
        k = pd.DataFrame(yaml.safe_load(katalog.read_text(encoding="utf-8"))["indikatoren"])
        si.pruefe_regeln(cfg, katalog=k)


def test_robustheit_mit_fehlendem_index(tab):
    t = tab.copy()
    maske = (t["stadtteil"] == "Stadtteil B") & (t["indikator"] == "alo") & (t["jahr"] == 2018)
    t.loc[maske, ["wert", "zaehler"]] = np.nan
    t.loc[maske, "gesperrt"] = True
    sens = si.sensitivitaet(t, td.katalog(), CFG, 2018, td.STADTTEILE)
    r = si.robustheit(sens).set_index("stadtteil")
    # "ohne alo" gives Stadtteil B an index, the other variants do not
    assert r.loc["Stadtteil B", "klasse_basis"] == si.KEINE_ANGABE and not r.loc["Stadtteil B", "robust"]
    assert pd.notna(r.loc["Stadtteil A", "rang_basis"])


def test_texte(tab):
    idx = si.sozialindex(tab, td.katalog(), CFG, 2018, td.STADTTEILE)
    sens = si.sensitivitaet(tab, td.katalog(), CFG, 2018, td.STADTTEILE)
    rob = si.robustheit(sens)
    s = " ".join(si.befund(idx, rob, sens["variante"].nunique(), "31.12.2018"))
    top = idx.loc[idx["index"].idxmax(), "stadtteil"]
    assert f"Den niedrigsten Status hat {top}" in s
    anz = idx["klasse"].value_counts()
    assert f"{anz['mittel']} Stadtteile mit mittlerem" in s and "sozialem Status." in s
    assert f"bleibt die Klasse von {int(rob['robust'].sum())} der 11 Stadtteile gleich" in s
    kurz = dict(zip(td.KATALOG["id"], td.KATALOG["kurztitel"]))
    v = si.varianten_text(sens, kurz)
    assert "ohne „Gymnasium“" in v and "Rang-Standardisierung" in v and v.startswith("Geprüft wurden 7 Varianten")
    m = si.methode_text(CFG, td.katalog())
    assert "4 Indikatoren" in m and "(Gewicht 2)" in m and "über 3 Jahre" in m and "+1,5" in m


def test_demodaten_permutiert_klassen_folgen_den_stadtteilen():
    from helpers.daten import laden

    d = laden(REPO / "data")
    cfg = si.lade_regeln(REPO / "data" / "regeln" / "sozialindex.yml")
    kat = d.katalog.indikatoren
    a = si.sozialindex(d.indikatoren, kat, cfg, d.bericht.berichtsjahr).set_index("stadtteil")
    perm, abb = td.permutiert(d.indikatoren, seed=3)
    b = si.sozialindex(perm, kat, cfg, d.bericht.berichtsjahr).set_index("stadtteil")
    b.index = b.index.map({neu: alt for alt, neu in abb.items()})
    b = b.loc[a.index]
    np.testing.assert_allclose(a["index"], b["index"])
    assert (a["klasse"] == b["klasse"]).all() and (a["dynamik_klasse"] == b["dynamik_klasse"]).all()
    assert a["index"].notna().all(), "every district gets an index on the demo data (mindestanteil)"


def test_regeldatei_aus_datenordner_oder_projekt(tmp_path, monkeypatch):
    from helpers.regeln import regeldatei

    monkeypatch.setenv("SOZIALBERICHT_ROOT", str(REPO))
    assert regeldatei(tmp_path, "sozialindex.yml") == REPO / "data" / "regeln" / "sozialindex.yml"
    (tmp_path / "regeln").mkdir()
    (tmp_path / "regeln" / "sozialindex.yml").write_text("x: 1\n", encoding="utf-8")
    assert regeldatei(tmp_path, "sozialindex.yml") == tmp_path / "regeln" / "sozialindex.yml"


def test_index_from_the_published_components_when_they_carry_enough_weight():
    m = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 1.0, np.nan, 3.0], "c": [0.0, 1.0, 5.0, np.nan]},
                     index=list("WXYZ"))
    gew = pd.Series({"a": 1.0, "b": 1.0, "c": 2.0})
    vz = pd.Series({"a": 1, "b": 1, "c": 1})
    alle = si.verdichten(m, gew, vz)  # default: every component needed
    assert alle["index"].isna().tolist() == [False, False, True, True]
    teil = si.verdichten(m, gew, vz, mindestanteil=0.7)
    # Y lacks b (weight 1 of 4: 75 % left), Z lacks c (weight 2 of 4: 50 % left)
    assert teil["index"].notna().tolist() == [True, True, True, False]
    assert teil.loc["Y", "komponenten"] == 2 and teil.loc["W", "komponenten"] == 3
    z = teil.filter(like="z_")
    assert teil.loc["Y", "summe"] == pytest.approx((z.loc["Y", "z_a"] + 2 * z.loc["Y", "z_c"]) / 3)


def test_a_partial_index_is_marked_and_never_stable():
    idx = pd.DataFrame({"stadtteil": ["A", "B"], "index": [1.2, -0.4], "komponenten": [4, 5],
                        "z_a": [1, 1], "z_b": [1, 1], "z_c": [1, 1], "z_d": [1, 1], "z_e": [np.nan, 1],
                        "klasse": ["niedrig", "mittel"], "dynamik_index": [np.nan, np.nan],
                        "dynamik_klasse": ["keine Angabe"] * 2})
    tab = si.index_tabelle(idx, {})
    assert tab["Index"].tolist() == ["+1,20" + si.TEILINDEX, "−0,40"]
    assert si.teilindex_satz(idx).startswith(f"{si.TEILINDEX} Der Index von A (4 von 5) beruht")
    rob = pd.DataFrame({"stadtteil": ["A", "B"], "robust": [True, True]})
    cfg = {"status": {"klassen": [{"klasse": "hoch", "bis": -1.0}, {"klasse": "mittel", "bis": 1.0},
                                  {"klasse": "niedrig", "bis": None}]}, "dynamik": {"klassen": []}}
    stabil = si.stabilitaet(idx.drop(columns=["dynamik_index"]), rob, cfg)
    assert stabil["klasse_stabil"].tolist() == [False, True]


def test_mindestanteil_is_checked():
    cfg = si.lade_regeln(REPO / "data" / "regeln" / "sozialindex.yml")
    cfg["status"]["mindestanteil"] = 1.5
    with pytest.raises(si.RegelFehler, match="mindestanteil"):
        si.pruefe_regeln(cfg)
