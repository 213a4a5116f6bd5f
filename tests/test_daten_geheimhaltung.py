"""Disclosure control: primary and secondary suppression, and what the downloads reveal."""

from __future__ import annotations

import numpy as np
import pandas as pd
from daten.fixtur import MINI, ersetze, kopie

from helpers.daten import laden
from helpers.daten.geheimhaltung import PRIMAER, SEKUNDAER, STADT, sperrmaske, zusammenfassung

MERKMALE = pd.DataFrame({"id": ["faelle", "flaeche"], "art": ["anzahl", "betrag"]})
ORTE = ["A", "B", "C", "D"]


def _maske(werte: dict[str, list[float]], mindestfallzahl: int = 3, jahr: int = 2018) -> pd.DataFrame:
    zeilen = [(m, jahr, s, float(w)) for m, ws in werte.items() for s, w in zip(ORTE, ws)]
    bestand = pd.DataFrame(zeilen, columns=["merkmal", "jahr", "stadtteil", "wert"])
    return sperrmaske(bestand, MERKMALE, mindestfallzahl, ORTE)


def _gruende(maske, merkmal="faelle") -> dict[str, str]:
    m = maske[maske["merkmal"] == merkmal]
    return dict(zip(m["stadtteil"], m["grund"]))


def test_primaer_nur_1_bis_mindestfallzahl_minus_1():
    g = _gruende(_maske({"faelle": [0, 1, 2, 3]}))
    assert g["A"] == "" and g["B"] == PRIMAER and g["C"] == PRIMAER
    assert g["D"] == SEKUNDAER  # 3 itself is publishable, but must protect B and C


def test_betraege_werden_nicht_gesperrt():
    g = _gruende(_maske({"flaeche": [1, 2, 50, 60]}), "flaeche")
    assert set(g.values()) == {""}


def test_sekundaer_kleinste_positive_zelle():
    g = _gruende(_maske({"faelle": [40, 2, 0, 30]}))
    assert g == {"A": "", "B": PRIMAER, "C": "", "D": SEKUNDAER, STADT: ""}


def test_sekundaer_bei_gleichstand_erster_in_der_reihenfolge():
    g = _gruende(_maske({"faelle": [5, 1, 5, 9]}))
    assert g == {"A": SEKUNDAER, "B": PRIMAER, "C": "", "D": "", STADT: ""}


def test_stadtsumme_minus_veroeffentlichte_ergibt_gesperrten_wert_nicht():
    werte = [40, 2, 0, 30]
    m = _maske({"faelle": werte})
    bez = m[m["stadtteil"] != STADT]
    stadt = m.loc[m["stadtteil"] == STADT, "wert"].item()
    assert not m.loc[m["stadtteil"] == STADT, "gesperrt"].item()  # city total is published
    rest = stadt - bez.loc[~bez["gesperrt"], "wert"].sum()
    assert rest == 32 and rest != 2  # the difference is B + D, not B
    assert bez["gesperrt"].sum() == 2


def test_zwei_primaere_zellen_bekommen_trotzdem_eine_sekundaere():
    # without a third cell, city − published = 2 would reveal that both suppressed cells are 1
    g = _gruende(_maske({"faelle": [1, 1, 50, 60]}))
    assert g == {"A": PRIMAER, "B": PRIMAER, "C": SEKUNDAER, "D": "", STADT: ""}


def test_ohne_positive_restzelle_wird_die_stadtsumme_gesperrt():
    # 2 + 2 = 4 ≥ 3 would be published and reveal both values
    g = _gruende(_maske({"faelle": [2, 2, 0, 0]}))
    assert g == {"A": PRIMAER, "B": PRIMAER, "C": "", "D": "", STADT: SEKUNDAER}


def test_kleine_stadtsumme_ist_primaer_gesperrt():
    g = _gruende(_maske({"faelle": [1, 0, 0, 0]}))
    assert g == {"A": PRIMAER, "B": "", "C": "", "D": "", STADT: PRIMAER}


def test_mindestfallzahl_ist_konfigurierbar():
    g = _gruende(_maske({"faelle": [4, 5, 20, 30]}, mindestfallzahl=5))
    assert g["A"] == PRIMAER and g["B"] == SEKUNDAER


def test_eigenschaft_kein_gesperrter_wert_aus_stadtsumme_rekonstruierbar():
    rng = np.random.default_rng(7)
    zeilen = []
    for jahr in range(2000, 2200):
        for s, w in zip(ORTE, rng.choice([0, 1, 2, 3, 4, 8, 40], size=4)):
            zeilen.append(("faelle", jahr, s, float(w)))
    m = sperrmaske(pd.DataFrame(zeilen, columns=["merkmal", "jahr", "stadtteil", "wert"]), MERKMALE, 3, ORTE)
    for _, g in m.groupby("jahr"):
        stadt = g[g["stadtteil"] == STADT].iloc[0]
        bez = g[g["stadtteil"] != STADT]
        if stadt["gesperrt"] or not (bez["grund"] == PRIMAER).any():
            continue
        # at least two unknowns, at least one of them not bounded above by the rule
        assert bez["gesperrt"].sum() >= 2
        assert (bez["grund"] == SEKUNDAER).any()


def test_indikatoren_des_mini_ordners():
    t = laden(MINI).indikatoren
    r = t[(t.indikator == "sgb2_quote_kinder") & (t.jahr == 2018)].set_index("stadtteil")
    assert r["gesperrt"].to_dict() == {"Nordviertel": False, "Östrich": True, "Südfeld": True, STADT: False}
    assert r.loc["Östrich", ["wert", "zaehler"]].isna().all() and r.loc["Östrich", "nenner"] == 50
    # what a reader of the download can compute: city minus published districts
    rest = r.loc[STADT, "zaehler"] - r.loc["Nordviertel", "zaehler"]
    assert rest == 32  # Östrich (2) + Südfeld (30): the suppressed 2 cannot be recovered
    # the same cell is suppressed wherever it appears
    h = t[(t.indikator == "hze_je_1000") & (t.jahr == 2017)].set_index("stadtteil")
    assert h["gesperrt"].to_dict() == {"Nordviertel": False, "Östrich": True, "Südfeld": True, STADT: False}
    # zero is published
    h18 = t[(t.indikator == "hze_je_1000") & (t.jahr == 2018)].set_index("stadtteil")
    assert h18.loc["Östrich", "wert"] == 0 and not h18.loc["Östrich", "gesperrt"]


def test_gesperrter_nenner_wird_nicht_veroeffentlicht(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / "bestand/bevoelkerung.csv", "Östrich;2018;kinder;50;", "Östrich;2018;kinder;2;")
    ersetze(d / "bestand/sgb2_hze.csv", "02;2018;sgb2_kinder;2", "02;2018;sgb2_kinder;0")
    t = laden(d).indikatoren
    r = t[(t.indikator == "sgb2_quote_kinder") & (t.jahr == 2018)].set_index("stadtteil")
    assert r.loc["Östrich", "gesperrt"] and np.isnan(r.loc["Östrich", "nenner"])
    # secondary suppression of kinder hits Südfeld (150 < 200): its nenner is withheld too
    assert r.loc["Südfeld", "gesperrt"] and np.isnan(r.loc["Südfeld", "nenner"])
    assert not r.loc["Nordviertel", "gesperrt"] and r.loc["Nordviertel", "nenner"] == 200
    a = t[(t.indikator == "anteil_kinder") & (t.jahr == 2018)].set_index("stadtteil")
    assert a.loc[["Östrich", "Südfeld"], "gesperrt"].all() and a.loc["Östrich", "nenner"] == 400


def test_sperrungen_und_zusammenfassung_fuer_das_methodenkapitel():
    d = laden(MINI)
    s = d.sperrungen
    assert set(s.columns) >= {"merkmal", "jahr", "stadtteil", "wert", "gesperrt", "grund"}
    z = zusammenfassung(s).set_index("merkmal")
    assert z.loc["sgb2_kinder", ["primaer", "sekundaer"]].tolist() == [1, 1]
    assert z.loc["hze_faelle", ["primaer", "sekundaer"]].tolist() == [1, 1]
    assert z.loc["bev", ["primaer", "sekundaer"]].tolist() == [0, 0]
    assert z.loc["bev", "zellen"] == 8  # 3 districts + city, 2 years


def test_unsicher_bei_kleinem_nenner():
    t = laden(MINI).indikatoren
    r = t[(t.indikator == "sgb2_quote_kinder") & (t.jahr == 2017)].set_index("stadtteil")
    assert r["unsicher"].to_dict() == {"Nordviertel": False, "Östrich": True, "Südfeld": False, STADT: False}
    assert not r.loc["Östrich", "gesperrt"] and r.loc["Östrich", "wert"] == 5 / 55 * 100
    w = t[t.indikator == "wahlbeteiligung"].set_index("stadtteil")
    assert w["unsicher"].to_dict() == {"Nordviertel": False, "Östrich": True, "Südfeld": False, STADT: False}
    assert not t.loc[t.indikator == "einwohner", "unsicher"].any()  # absolute figures have no nenner
