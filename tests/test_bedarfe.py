import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml

import t3_testdaten as td
from helpers import bedarfe as b
from helpers import sozialindex as si
from helpers import vergleich as v
from test_sozialindex import CFG

REPO = Path(__file__).resolve().parents[1]

REGELN = [
    {"id": "status", "art": "statusklasse", "klassen": ["niedrig", "sehr niedrig"], "handlungsfelder": [2, 5],
     "stufe": 2, "text": "Niedriger Sozialstatus"},
    {"id": "dyn", "art": "dynamikklasse", "klassen": ["negativ"], "handlungsfelder": [2], "stufe": 1,
     "text": "Ungünstige Entwicklung"},
    {"id": "kern_z", "art": "z", "indikatoren": "kern", "schwelle": 1.0, "stufe": 1, "text": "Deutlich ungünstiger"},
    {"id": "sprache", "art": "stadtfaktor", "indikator": "sprache", "vergleich": ">=", "faktor": 1.25, "stufe": 2,
     "text": "Sprachförderbedarf hoch"},
    {"id": "gym", "art": "schwelle", "indikator": "gym", "vergleich": "<=", "wert": 35, "stufe": 1,
     "text": "Wenige Gymnasialübergänge"},
]


def auswerten(tab, regeln=REGELN):
    k = td.katalog()
    ids = b.benoetigte_indikatoren(regeln, k)
    std = v.standardisieren(tab, k, 2018, ids, sorted(set(tab["stadtteil"]) - {"Gesamtstadt"}))
    idx = si.sozialindex(tab, k, CFG, 2018)
    return b.anwenden(regeln, std, idx, k), std, idx


@pytest.fixture
def tab():
    return td.tabelle(seed=5, trend=1.0)


def test_kern_wird_aus_katalog_erweitert():
    ids = b.benoetigte_indikatoren(REGELN, td.katalog())
    # key indicators with a direction, then the indicators of the other rules; neutral ones never
    assert ids == ["alo", "sgb2", "sgb2_u15", "sprache", "gym"]


def test_jede_regel_feuert_wie_von_hand(tab):
    t, std, idx = auswerten(tab)
    assert list(t.columns) == b.SPALTEN
    # status rule: every district of the classes, for both Handlungsfelder
    niedrig = set(idx.loc[idx["klasse"].isin(["niedrig", "sehr niedrig"]), "stadtteil"])
    assert niedrig, "test data must contain a low-status district"
    s = t[t["regel"] == "status"]
    assert set(s["stadtteil"]) == niedrig and len(s) == 2 * len(niedrig)
    # z rule: directed z ≥ 1 on key indicators, Handlungsfeld of the indicator
    z = t[t["regel"] == "kern_z"]
    erwartet = std[std["z_gerichtet"] >= 1.0]
    assert len(z) == len(erwartet)
    assert (z.loc[z["indikator"] == "sprache", "handlungsfeld"] == 4).all()
    # city factor: value ≥ 1.25 × city
    sp = std[std["indikator"] == "sprache"]
    assert set(t.loc[t["regel"] == "sprache", "stadtteil"]) == set(sp.loc[sp["wert"] >= 1.25 * sp["stadtwert"], "stadtteil"])
    # absolute threshold
    g = std[std["indikator"] == "gym"]
    assert set(t.loc[t["regel"] == "gym", "stadtteil"]) == set(g.loc[g["wert"] <= 35, "stadtteil"])
    assert t["begruendung"].str.len().gt(0).all()


def test_begruendung_nennt_werte_deutsch(tab):
    t, _, _ = auswerten(tab)
    z = t[t["regel"] == "sprache"]
    assert len(z) > 0
    assert "Gesamtstadt" in z["begruendung"].iloc[0] and "%" in z["begruendung"].iloc[0]
    assert "," in z["begruendung"].iloc[0]  # decimal comma


def test_uebersicht_hoechste_stufe(tab):
    t, _, idx = auswerten(tab)
    u = b.uebersicht(t, idx["stadtteil"], range(1, 10))
    assert u.shape == (11, 9)
    for (s, hf), g in t.groupby(["stadtteil", "handlungsfeld"]):
        assert u.loc[s, hf] == g["stufe"].max()
    assert u.to_numpy().sum() == t.groupby(["stadtteil", "handlungsfeld"])["stufe"].max().sum()
    assert (u[9] == 0).all()


def test_bedarfe_folgen_den_stadtteilen_bei_permutation(tab):
    perm, abb = td.permutiert(tab)
    a, _, _ = auswerten(tab)
    p, _, _ = auswerten(perm)
    p["stadtteil"] = p["stadtteil"].map({neu: alt for alt, neu in abb.items()})
    schluessel = ["stadtteil", "handlungsfeld", "regel", "indikator"]
    a = a.sort_values(schluessel).reset_index(drop=True)
    p = p.sort_values(schluessel).reset_index(drop=True)
    pd.testing.assert_frame_equal(a[schluessel + ["stufe"]], p[schluessel + ["stufe"]])
    assert a["stadtteil"].nunique() >= 2


def test_leere_treffer_geben_leere_uebersicht(tab):
    regeln = [{"id": "nie", "art": "schwelle", "indikator": "gym", "vergleich": ">=", "wert": 1000, "stufe": 1,
               "text": "nie"}]
    t, _, idx = auswerten(tab, regeln)
    assert t.empty
    assert (b.uebersicht(t, idx["stadtteil"], [1, 2]).to_numpy() == 0).all()


@pytest.mark.parametrize("aendern,meldung", [
    (lambda r: r[0].update(art="gefuehl"), "Regel 1 .*art.*gefuehl"),
    (lambda r: r[0].update(klassen=["arm"]), "klassen"),
    (lambda r: r[0].update(handlungsfelder=[12]), "handlungsfelder"),
    (lambda r: r[2].update(schwelle="hoch"), "Regel 3 .*schwelle"),
    (lambda r: r[3].update(vergleich=">"), "vergleich"),
    (lambda r: r[3].update(indikator="sprach"), "sprach.*indikatoren.yml"),
    (lambda r: r[4].pop("text"), "Regel 5 .*text"),
    (lambda r: r[4].update(id="status"), "doppelt"),
    (lambda r: r[4].update(stufe=3), "stufe"),
])
def test_regelpruefung(aendern, meldung):
    r = copy.deepcopy(REGELN)
    aendern(r)
    with pytest.raises(si.RegelFehler, match=meldung):
        b.pruefe_regeln(r, td.katalog(), range(1, 10))


def test_regeldatei_des_projekts_ist_gueltig():
    pfad = REPO / "data" / "regeln" / "bedarfe.yml"
    kat_pfad = REPO / "data" / "indikatoren.yml"
    if kat_pfad.exists():
        kat = yaml.safe_load(kat_pfad.read_text(encoding="utf-8"))
        b.lade_regeln(pfad, pd.DataFrame(kat["indikatoren"]), [h["nr"] for h in kat["handlungsfelder"]])
    else:
        b.lade_regeln(pfad)


def test_unsichere_werte_werden_in_der_begruendung_markiert(tab):
    t = tab.copy()
    t.loc[t["indikator"] == "sprache", "unsicher"] = True
    treffer, _, _ = auswerten(t)
    sp = treffer[treffer["indikator"] == "sprache"]
    assert len(sp) and sp["begruendung"].str.contains("unsicher").all()
    assert not treffer.loc[treffer["indikator"] == "alo", "begruendung"].str.contains("unsicher").any()


def test_verdichten_behaelt_hoechste_stufe_je_indikator():
    t = pd.DataFrame({
        "stadtteil": ["A", "A", "A", "B"], "handlungsfeld": [2, 2, 2, 2], "regel": ["z1", "z15", "status", "z1"],
        "stufe": [1, 2, 1, 1], "indikator": ["alo", "alo", "", "alo"], "wert": 0.0, "vergleichswert": 0.0,
        "begruendung": ["a", "b", "c", "d"],
    })
    v2 = b.verdichten(t)
    assert v2["begruendung"].tolist() == ["b", "c", "d"]


def test_schwerpunkt(tmp_path):
    p = tmp_path / "b.yml"
    p.write_text("bildung_handlungsfelder: [3, 5]\nregeln: []\n", encoding="utf-8")
    assert b.schwerpunkt(p) == [3, 5]
    p.write_text("bildung_handlungsfelder: drei\n", encoding="utf-8")
    with pytest.raises(si.RegelFehler, match="bildung_handlungsfelder"):
        b.schwerpunkt(p)


def test_tabellen_und_saetze(tab):
    t, std, idx = auswerten(tab)
    ueb = b.uebersicht(t, idx["stadtteil"], range(1, 10))
    u = b.uebersicht_tabelle(ueb)
    assert u.columns.tolist() == ["Stadtteil"] + [f"HF {h}" for h in range(1, 10)]
    assert set(u.iloc[:, 1:].to_numpy().ravel()) <= {"hoch", "erhöht", "–"}
    hf_titel = {h: f"Feld {h}" for h in range(1, 10)}
    zeilen = b.je_handlungsfeld(ueb, hf_titel)
    assert len(zeilen) == 9 and zeilen[8].endswith("in keinem Stadtteil ein Handlungsbedarf.")
    hoch2 = ueb.index[ueb[2] == 2].tolist()
    assert all(s in zeilen[1] for s in hoch2)
    s = " ".join(b.befund(ueb))
    assert f"für {int((ueb > 0).to_numpy().sum())} der 99 Kombinationen" in s
    r = b.regel_tabelle(REGELN, dict(zip(td.KATALOG["id"], td.KATALOG["titel"])))
    assert len(r) == len(REGELN) and "1,25 × Gesamtstadt" in r.loc[3, "Bedingung"]
    bg = b.begruendung_tabelle(b.verdichten(t), hf_titel)
    assert bg.columns.tolist() == b.BEGRUENDUNG_SPALTEN


def test_demodaten_permutiert_bedarfe_folgen_den_stadtteilen():
    from helpers.daten import laden

    d = laden(REPO / "data")
    kat = d.katalog.indikatoren
    hf = d.katalog.handlungsfelder["nr"].tolist()
    regeln = b.lade_regeln(REPO / "data" / "regeln" / "bedarfe.yml", kat, hf)
    cfg = si.lade_regeln(REPO / "data" / "regeln" / "sozialindex.yml")
    jahr = d.bericht.berichtsjahr

    def rechnen(ind):
        std = v.standardisieren(ind, kat, jahr, b.benoetigte_indikatoren(regeln, kat))
        idx = si.sozialindex(ind, kat, cfg, jahr)
        return b.uebersicht(b.anwenden(regeln, std, idx, kat), sorted(d.stadtteile["name"]), hf)

    a = rechnen(d.indikatoren)
    perm, abb = td.permutiert(d.indikatoren, seed=3)
    p = rechnen(perm).rename(index={neu: alt for alt, neu in abb.items()}).loc[a.index]
    pd.testing.assert_frame_equal(a, p)
    assert (a.to_numpy() > 0).any() and (a.to_numpy() == 0).any()


def test_many_districts_shorten_the_needs_tables_and_keep_every_need():
    """Above tabelle_bis the chapter shows the districts and rows with a need; the rest is counted
    and left to the download (issue 13)."""
    from helpers import bedarfe as bd, darstellung

    n = darstellung.regeln().tabelle_bis + 10
    namen = [f"S{i:02d}" for i in range(n)]
    ueb = pd.DataFrame({"Stadtteil": namen, "HF 1": ["hoch" if i % 7 == 0 else "–" for i in range(n)],
                        "HF 2": ["grenzwertig" if i % 5 == 0 else "–" for i in range(n)]})
    kurz = bd.uebersicht_kuerzen(ueb)
    mit = sum(1 for i in range(n) if i % 7 == 0)
    assert len(kurz) == mit + 1 and kurz.iloc[-1, 0].startswith(f"*… {n - mit} weitere Stadtteile ohne")
    assert bd.DOWNLOAD in kurz.iloc[-1, 0]
    assert bd.uebersicht_kuerzen(ueb.head(5)).equals(ueb.head(5))  # few districts: unchanged
    beg = pd.DataFrame({c: [""] * 3 for c in bd.BEGRUENDUNG_SPALTEN})
    beg["Bewertung"] = ["hoher Bedarf", "grenzwertig", "nicht bewertbar"]
    kurz = bd.begruendung_kuerzen(beg, n)
    assert kurz["Bewertung"].tolist()[:1] == ["hoher Bedarf"] and "2 weitere Prüfungen" in kurz.iloc[-1, 0]
    assert bd.begruendung_kuerzen(beg, 11).equals(beg)
    betr = pd.DataFrame({"Stadtteil": namen, "X: Anzahl": [str(i) for i in range(n)], "X: Quote": ["1,0"] * n})
    kurz = bd.betroffene_kuerzen(betr)
    top = 2 * darstellung.regeln().auswahl_tabelle
    assert kurz["Stadtteil"].tolist()[:top] == namen[::-1][:top] and "weitere Stadtteile" in kurz.iloc[-1, 0]
