"""Disclosure control: primary and secondary suppression, and what the downloads reveal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from daten.fixtur import MINI, ersetze, fehler, finde, kopie

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


# =====================================================================================
# Declared sums (summen:) – catalog, data check, suppression across Merkmale
# =====================================================================================

def _gleichungen(maske: pd.DataFrame, anzahl: set, summen) -> dict:
    """Per year every equation a reader knows: lists of (row index of ``maske``, coefficient).

    Columns: districts − city = 0 for every count Merkmal; rows: parts − whole = 0 for every
    declared sum and place (district or city) where all its Merkmale exist.
    """
    m = maske.reset_index(drop=True)
    schluessel = {k: i for i, k in enumerate(zip(m["merkmal"], m["jahr"], m["stadtteil"]))}
    out = {}
    for jahr, g in m.groupby("jahr"):
        gl = []
        for _, h in g[g["merkmal"].isin(anzahl)].groupby("merkmal"):
            stadt = h.index[h["stadtteil"] == STADT]
            gl.append([(i, 1.0) for i in h.index if i not in set(stadt)] + [(int(stadt[0]), -1.0)])
        for ganzes, teile in summen:
            for ort in g["stadtteil"].unique():
                ks = [schluessel.get((x, jahr, ort)) for x in (*teile, ganzes)]
                if None not in ks:
                    gl.append([(k, 1.0) for k in ks[:-1]] + [(ks[-1], -1.0)])
        out[jahr] = gl
    return out


def _verraet_eine_gleichung(maske: pd.DataFrame, gl: dict, mindest: int = 3) -> list:
    """Equations that give a suppressed count away: exactly one suppressed cell, or only small
    ones although a positive published cell is left that could have protected them."""
    m = maske.reset_index(drop=True)
    g, w = m["gesperrt"].to_numpy(), m["wert"].to_numpy()
    schlecht = []
    for jahr, liste in gl.items():
        for e in liste:
            s = [i for i, _ in e if g[i]]
            frei = [i for i, _ in e if not g[i] and w[i] > 0]
            if len(s) == 1 or (len(s) > 1 and all(w[i] < mindest for i in s) and frei):
                schlecht.append((jahr, [tuple(m.loc[i, ["merkmal", "stadtteil"]]) for i in s]))
    return schlecht


def _bestimmt_reell(maske: pd.DataFrame, gl: dict) -> list:
    """Suppressed cells that the equations of their year determine uniquely (over the reals)."""
    m = maske.reset_index(drop=True)
    g = m["gesperrt"].to_numpy()
    raus = []
    for jahr, liste in gl.items():
        unbek = sorted({i for e in liste for i, _ in e if g[i]})
        if not unbek:
            continue
        pos = {i: k for k, i in enumerate(unbek)}
        A = np.zeros((len(liste), len(unbek)))
        for z, e in enumerate(liste):
            for i, c in e:
                if g[i]:
                    A[z, pos[i]] += c
        _, s, vt = np.linalg.svd(A[np.abs(A).sum(axis=1) > 0])
        rang = int((s > 1e-9).sum())
        for i, p in zip(unbek, (vt[:rang] ** 2).sum(axis=0)):
            if p > 1 - 1e-7:
                raus.append((jahr, tuple(m.loc[i, ["merkmal", "stadtteil"]])))
    return raus


def _lp_spanne(maske: pd.DataFrame, gl: dict, zellen=None) -> dict:
    """Integer range of suppressed cells an LP attacker derives from all equations of the year,
    knowing that a suppressed count is at least 1 (zeros are published). ``zellen``: row
    indices to attack (default: all suppressed)."""
    from scipy.optimize import linprog

    m = maske.reset_index(drop=True)
    g, w = m["gesperrt"].to_numpy(), m["wert"].to_numpy()
    ziel = set(np.flatnonzero(g)) if zellen is None else set(zellen)
    out = {}
    for jahr, liste in gl.items():
        unbek = sorted({i for e in liste for i, _ in e if g[i]})
        if not ziel & set(unbek):
            continue
        pos = {i: k for k, i in enumerate(unbek)}
        A, b = [], []
        for e in liste:
            zeile, rest = np.zeros(len(unbek)), 0.0
            for i, c in e:
                if g[i]:
                    zeile[pos[i]] += c
                else:
                    rest -= c * w[i]
            if zeile.any():
                A.append(zeile)
                b.append(rest)
        for i in ziel & set(unbek):
            e = np.zeros(len(unbek))
            e[pos[i]] = 1
            lo = linprog(e, A_eq=A, b_eq=b, bounds=(1, None)).fun
            hi = linprog(-e, A_eq=A, b_eq=b, bounds=(1, None))
            hi = np.inf if hi.status == 3 else -hi.fun
            out[(jahr, m.loc[i, "merkmal"], m.loc[i, "stadtteil"])] = (np.ceil(lo - 1e-7), np.floor(hi + 1e-7), w[i])
    return out


def _bestand(tabelle: dict[str, dict[str, float]], jahr: int = 2020) -> pd.DataFrame:
    return pd.DataFrame([(m, jahr, s, float(w)) for s, d in tabelle.items() for m, w in d.items()],
                        columns=["merkmal", "jahr", "stadtteil", "wert"])


def _summen(*rel) -> pd.DataFrame:
    return pd.DataFrame({"ganzes": [g for g, _ in rel], "teile": [tuple(t) for _, t in rel]})


MM_SUMMEN = pd.DataFrame({"id": ["alle", "a", "b", "c", "u2", "u3", "m", "n", "k"], "art": "anzahl"})


def _tabelle(zeilen: dict[str, list[float]], teile=("a", "b", "c")) -> dict:
    return {s: {**dict(zip(teile, ws)), "alle": sum(ws)} for s, ws in zeilen.items()}


# --- catalog -----------------------------------------------------------------------------

def test_katalog_des_projekts_erklaert_die_summen():
    from helpers.daten.katalog import lese_katalog

    probleme = []
    k = lese_katalog(MINI.parents[2] / "data" / "indikatoren.yml", "indikatoren.yml", probleme)
    assert probleme == []
    assert k.teile_von("uebergaenge_gesamt") == [("uebergaenge_gymnasium", "uebergaenge_realschule",
                                                   "uebergaenge_gesamtschule", "uebergaenge_hauptschule",
                                                   "uebergaenge_sonstige")]
    assert k.teile_von("hze_gesamt") == [("hze_ambulant", "hze_stationaer")]
    assert len(k.teile_von("bev_gesamt")[0]) == 9 and k.teile_von("bev_65_plus") == [("bev_65_79", "bev_80_plus")]
    art = dict(zip(k.merkmale["id"], k.merkmale["art"]))
    assert all(art[m] == "anzahl" for g, t in zip(k.summen["ganzes"], k.summen["teile"]) for m in (g, *t))
    assert k.teile_von("bev_nichtdeutsch") == []


def _katalog_mit(tmp_path, anhang: str):
    from helpers.daten.katalog import lese_katalog

    text = (MINI / "indikatoren.yml").read_text(encoding="utf-8") + anhang
    pfad = tmp_path / "indikatoren.yml"
    pfad.write_text(text, encoding="utf-8")
    probleme = []
    return lese_katalog(pfad, "indikatoren.yml", probleme), probleme, text.splitlines()


def _zeile_von(zeilen: list[str], teil: str, nach: int = 0) -> int:
    return next(i + 1 for i, z in enumerate(zeilen) if i >= nach and teil in z)


@pytest.mark.parametrize("summen, wert, stueck, meldung, hinweis", [
    ("  - ganzes: bev\n    teile: [kinder, kindr]\n", "kindr", "kindr", "unbekannte Merkmal „kindr“", "Meinten Sie „kinder“?"),
    ("  - ganzes: bevv\n    teile: [kinder, sgb2_kinder]\n", "bevv", "bevv", "unbekannte Merkmal „bevv“", "„bev“"),
    ("  - ganzes: bev\n    teile: [kinder, kinder]\n", "kinder", "kinder, kinder", "„kinder“ steht zweimal", "doppelten"),
    ("  - ganzes: bev\n    teile: [bev, kinder]\n", "bev", "[bev, kinder]", "Ganze dieser Summe", "Entfernen"),
    ("  - ganzes: bev\n    teile: [kinder]\n", "['kinder']", "[kinder]", "mindestens zwei", "teile:"),
    ("  - ganzes: bev\n    teile: [kinder, wohnflaeche]\n", "wohnflaeche", "wohnflaeche", "ist ein Betrag", "anzahl"),
    ("  - ganzes: bev\n    teil: [kinder, sgb2_kinder]\n", None, "teil:", "Unbekannter Schlüssel „teil“", "„teile“"),
])
def test_katalog_summen_fehler_nennen_zeile_und_wert(tmp_path, summen, wert, stueck, meldung, hinweis):
    k, probleme, zeilen = _katalog_mit(tmp_path, "summen:\n" + summen)
    beginn = _zeile_von(zeilen, "summen:")
    p = next(p for p in probleme if meldung in p.meldung)
    assert p.datei == "indikatoren.yml" and p.zeile == _zeile_von(zeilen, stueck, beginn)
    assert p.wert == wert and hinweis in p.hinweis
    assert k.summen.empty  # a faulty sum is not used


def test_katalog_summen_doppelt_und_im_kreis(tmp_path):
    _, probleme, zeilen = _katalog_mit(tmp_path, "summen:\n"
                                       "  - ganzes: bev\n    teile: [kinder, sgb2_kinder]\n"
                                       "  - ganzes: bev\n    teile: [sgb2_kinder, kinder]\n")
    (p,) = probleme
    erste = _zeile_von(zeilen, "- ganzes: bev")
    assert "bereits erklärt" in p.meldung and f"Zeile {erste}" in p.meldung
    assert p.zeile == _zeile_von(zeilen, "- ganzes: bev", erste)
    _, probleme, _ = _katalog_mit(tmp_path, "summen:\n"
                                  "  - ganzes: bev\n    teile: [kinder, sgb2_kinder]\n"
                                  "  - ganzes: kinder\n    teile: [bev, hze_faelle]\n")
    assert len(probleme) == 2 and all("Kreis" in p.meldung for p in probleme)


def test_katalog_summen_keine_liste_und_tippfehler_im_abschnitt(tmp_path):
    _, probleme, zeilen = _katalog_mit(tmp_path, "summen: bev\n")
    (p,) = probleme
    assert "keine Liste" in p.meldung and p.zeile == _zeile_von(zeilen, "summen: bev")
    _, probleme, zeilen = _katalog_mit(tmp_path, "summe:\n  - ganzes: bev\n    teile: [kinder, sgb2_kinder]\n")
    (p,) = probleme
    assert "Unbekannter Abschnitt „summe“" in p.meldung and "„summen“" in p.hinweis
    assert p.zeile == _zeile_von(zeilen, "summe:")


# --- data check and suppression in a data folder ----------------------------------------

TEILE_KINDER = """\
stadtteil;jahr;merkmal;wert
Nordviertel;2017;kinder_a;188
Östrich;2017;kinder_a;53
Südfeld;2017;kinder_a;140
Nordviertel;2018;kinder_a;198
Östrich;2018;kinder_a;50
Südfeld;2018;kinder_a;148
Nordviertel;2017;kinder_b;2
Östrich;2017;kinder_b;2
Südfeld;2017;kinder_b;5
Nordviertel;2018;kinder_b;2
Östrich;2018;kinder_b;0
Südfeld;2018;kinder_b;2
"""

MERKMALE_KINDER = """\
  - id: kinder_a
    beschreibung: Kinder unter 15, Gruppe A
    einheit: Personen
    quelle: Melderegister
    art: anzahl
  - id: kinder_b
    beschreibung: Kinder unter 15, Gruppe B
    einheit: Personen
    quelle: Melderegister
    art: anzahl
"""


def _ordner_mit_summe(tmp_path, teile: str | None = TEILE_KINDER):
    d = kopie(tmp_path)
    ersetze(d / "indikatoren.yml", "indikatoren:\n", MERKMALE_KINDER.rstrip("\n").join(["", ""])
            .join(["", "\nsummen:\n  - ganzes: kinder\n    teile: [kinder_a, kinder_b]\n\nindikatoren:\n"]))
    if teile is not None:
        (d / "bestand" / "kinder_teile.csv").write_text(teile, encoding="utf-8")
    return d


def test_summe_im_datenordner_schuetzt_die_teile(tmp_path):
    d = laden(_ordner_mit_summe(tmp_path))
    s = d.sperrungen
    gl = _gleichungen(s, {"bev", "kinder", "kinder_a", "kinder_b", "sgb2_kinder", "hze_faelle"},
                      [("kinder", ("kinder_a", "kinder_b"))])
    assert _verraet_eine_gleichung(s, gl) == []
    g = s[s["jahr"] == 2018].set_index(["stadtteil", "merkmal"])["grund"]
    assert g[("Nordviertel", "kinder_b")] == PRIMAER
    # kinder − kinder_a would give kinder_b away: one of them is withheld too
    assert g[("Nordviertel", "kinder_a")] == SEKUNDAER or g[("Nordviertel", "kinder")] == SEKUNDAER
    # the indicator on kinder follows the cells
    r = d.indikatoren[(d.indikatoren.indikator == "anteil_kinder") & (d.indikatoren.jahr == 2018)].set_index("stadtteil")
    gk = s[(s["jahr"] == 2018) & (s["merkmal"] == "kinder")].set_index("stadtteil")["gesperrt"]
    assert r["gesperrt"].to_dict() == gk.to_dict()


def test_summe_die_nicht_aufgeht_wird_mit_datei_zeile_und_differenz_gemeldet(tmp_path):
    ordner = _ordner_mit_summe(tmp_path, TEILE_KINDER.replace("Südfeld;2018;kinder_b;2", "Südfeld;2018;kinder_b;4"))
    (p,) = finde(fehler(ordner), text="stimmt für Südfeld 2018 nicht")
    assert p.datei == "bestand/bevoelkerung.csv" and p.zeile == 13 and p.spalte == "wert" and p.wert == "150"
    assert "„kinder“ ist 150, die Teile ergeben 152" in p.meldung and "Differenz −2" in p.meldung
    assert "„kinder_a“ 148, „kinder_b“ 4" in p.meldung and "summen" in p.hinweis


def test_summe_teil_fehlt_fuer_einen_stadtteil(tmp_path):
    ordner = _ordner_mit_summe(tmp_path, TEILE_KINDER.replace("Östrich;2017;kinder_b;2\n", ""))
    (p,) = finde(fehler(ordner), text="„kinder_b“ im Jahr 2017 fehlen Stadtteile: Östrich")
    assert p.datei == "bestand/kinder_teile.csv" and "„kinder“ = „kinder_a“ + „kinder_b“" in p.meldung


def test_nicht_gelieferter_teil_wird_abgeleitet_und_geschuetzt(tmp_path):
    ohne_b = "\n".join(z for z in TEILE_KINDER.splitlines() if "kinder_b" not in z) + "\n"
    d = laden(_ordner_mit_summe(tmp_path, ohne_b))
    s = d.sperrungen
    b = s[s["merkmal"] == "kinder_b"].set_index(["jahr", "stadtteil"])
    assert b["abgeleitet"].all() and b.loc[(2018, "Nordviertel"), "wert"] == 2
    assert b.loc[(2018, STADT), "wert"] == 4 and b.loc[(2018, "Nordviertel"), "grund"] == PRIMAER
    assert not s.loc[s["merkmal"] != "kinder_b", "abgeleitet"].any()
    gl = _gleichungen(s, {"kinder", "kinder_a", "kinder_b"}, [("kinder", ("kinder_a", "kinder_b"))])
    assert _verraet_eine_gleichung(s, gl) == []
    assert "kinder_b" not in set(d.bestand["merkmal"])  # derived cells are not data
    # a derived part below zero is a data error
    kaputt = ohne_b.replace("Südfeld;2018;kinder_a;148", "Südfeld;2018;kinder_a;151")
    (p,) = finde(fehler(_ordner_mit_summe(tmp_path / "b", kaputt)), text="ergibt sich aus der Summe")
    assert "für Südfeld 2018 als −1" in p.meldung and p.datei == "bestand/bevoelkerung.csv" and p.zeile == 13
    assert p.wert == "150" and "größer als das Ganze" in p.meldung


# --- suppression rule on hand-made tables ---------------------------------------------------

def _gruende2(m: pd.DataFrame) -> dict:
    return {(s, mm): g for s, mm, g in zip(m["stadtteil"], m["merkmal"], m["grund"]) if g}


def test_zeile_mit_einem_gesperrten_teil_bekommt_den_kleinsten_positiven_teil_dazu():
    tab = _tabelle({"A": [30, 2, 7], "B": [40, 20, 30], "C": [50, 25, 35], "D": [45, 30, 7]})
    m = sperrmaske(_bestand(tab), MM_SUMMEN, 3, list(tab), _summen(("alle", "abc")))
    # row A: smallest positive published part (c = 7, not a = 30, not the whole); column b: the
    # smallest other district (B, 20); then column c (D, 7 – equal to A's 7, A is taken), row B
    # (c = 30 < a = 40) and row D (b = 30 < a = 45) until every line holds two
    assert _gruende2(m) == {("A", "b"): PRIMAER, ("A", "c"): SEKUNDAER, ("B", "b"): SEKUNDAER,
                            ("D", "c"): SEKUNDAER, ("B", "c"): SEKUNDAER, ("D", "b"): SEKUNDAER}
    gl = _gleichungen(m, set(MM_SUMMEN["id"]), [("alle", ("a", "b", "c"))])
    assert _verraet_eine_gleichung(m, gl) == [] and _bestimmt_reell(m, gl) == []
    # without the declared sum only the column is protected: row A would give b away as 39 − 30 − 7
    ohne = _gruende2(sperrmaske(_bestand(tab), MM_SUMMEN, 3, list(tab)))
    assert ohne == {("A", "b"): PRIMAER, ("B", "b"): SEKUNDAER}


def test_ohne_positiven_teil_wird_das_ganze_gesperrt():
    tab = {"A": {"a": 0.0, "b": 4.0, "c": 0.0, "alle": 4.0}, "B": {"a": 1.0, "b": 20.0, "c": 30.0, "alle": 51.0},
           "C": {"a": 50.0, "b": 25.0, "c": 35.0, "alle": 110.0}}
    m = sperrmaske(_bestand(tab), MM_SUMMEN, 3, list(tab), _summen(("alle", "abc")))
    g = _gruende2(m)
    # B/a = 1: column a takes C/a, row B takes B/b (20 < 30); column b then takes A/b (4), and
    # row A has no other positive part left: its whole is withheld
    assert g[("B", "a")] == PRIMAER and g[("C", "a")] == SEKUNDAER and g[("B", "b")] == SEKUNDAER
    assert g[("A", "b")] == SEKUNDAER and g[("A", "alle")] == SEKUNDAER


def test_teile_vor_dem_ganzen():
    tab = {"A": {"a": 0.0, "b": 2.0, "c": 4.0, "alle": 6.0}, "B": {"a": 40.0, "b": 20.0, "c": 30.0, "alle": 90.0},
           "C": {"a": 50.0, "b": 25.0, "c": 35.0, "alle": 110.0}}
    m = sperrmaske(_bestand(tab), MM_SUMMEN, 3, list(tab), _summen(("alle", "abc")))
    g = _gruende2(m)
    assert g[("A", "b")] == PRIMAER and g[("A", "c")] == SEKUNDAER  # a part, although the whole is small too
    assert ("A", "alle") not in g


def test_ein_fixpunkt_fuer_zeilen_und_spalten():
    # row A adds A/c, column b adds B/b; column c then holds A/c alone and adds B/c, which also
    # completes row B – rows and columns are repeated until every line is safe
    tab = _tabelle({"A": [30, 1, 9], "B": [40, 50, 10], "C": [50, 60, 70], "D": [60, 70, 80]})
    m = sperrmaske(_bestand(tab), MM_SUMMEN, 3, list(tab), _summen(("alle", "abc")))
    assert _gruende2(m) == {("A", "b"): PRIMAER, ("A", "c"): SEKUNDAER, ("B", "b"): SEKUNDAER,
                            ("B", "c"): SEKUNDAER}
    gl = _gleichungen(m, set(MM_SUMMEN["id"]), [("alle", ("a", "b", "c"))])
    assert _verraet_eine_gleichung(m, gl) == []


def test_verschachtelte_summen_differenz_zweier_ganzer():
    # u3 = a + b + c and u2 = a + b: c = u3 − u2 although each row alone has two suppressed cells
    tab = {s: {"a": a, "b": b, "c": c, "u2": a + b, "u3": a + b + c}
           for s, (a, b, c) in {"A": (40.0, 30.0, 1.0), "B": (50.0, 45.0, 20.0), "C": (60.0, 35.0, 25.0)}.items()}
    summen = _summen(("u3", "abc"), ("u2", "ab"))
    m = sperrmaske(_bestand(tab), MM_SUMMEN, 3, list(tab), summen)
    g = _gruende2(m)
    assert g[("A", "c")] == PRIMAER
    assert g.get(("A", "u2")) == SEKUNDAER or g.get(("A", "u3")) == SEKUNDAER
    gl = _gleichungen(m, set(MM_SUMMEN["id"]), [("u3", ("a", "b", "c")), ("u2", ("a", "b"))])
    assert _verraet_eine_gleichung(m, gl) == []
    assert ("A" not in {o for _, (mm, o) in _bestimmt_reell(m, gl)})


def test_eigenschaft_zufallstabellen_keine_gleichung_verraet_einen_wert():
    rng = np.random.default_rng(11)
    rel = [("alle", ("a", "b", "c")), ("k", ("m", "n"))]
    for _ in range(40):
        n = int(rng.integers(2, 9))
        orte = [f"S{i}" for i in range(n)]
        tab = {}
        for s in orte:
            a, b, c, mm, nn = (float(x) for x in rng.poisson([15, 3, 1.2, 6, 1.5]))
            tab[s] = {"a": a, "b": b, "c": c, "alle": a + b + c, "m": mm, "n": nn, "k": mm + nn}
        m = sperrmaske(_bestand(tab), MM_SUMMEN, 3, orte, _summen(*rel))
        gl = _gleichungen(m, set(MM_SUMMEN["id"]), rel)
        assert _verraet_eine_gleichung(m, gl) == [], tab
        assert _bestimmt_reell(m, gl) == [], tab
    # combining equations with the bound "≥ 1": tests/test_bildung.py (random tables) and the
    # demo data below


# --- the demo data ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo():
    d = laden(MINI.parents[2] / "data", berichtsjahr=2023)  # all years of the demo folder
    anzahl = set(d.katalog.merkmale.loc[d.katalog.merkmale["art"] == "anzahl", "id"])
    summen = list(zip(d.katalog.summen["ganzes"], d.katalog.summen["teile"]))
    return d, _gleichungen(d.sperrungen, anzahl, summen), summen


def test_demodaten_keine_gleichung_verraet_einen_wert(demo):
    d, gl, summen = demo
    assert {g for g, _ in summen} >= {"uebergaenge_gesamt", "hze_gesamt", "bev_gesamt"}
    assert _verraet_eine_gleichung(d.sperrungen, gl) == []
    assert _bestimmt_reell(d.sperrungen, gl) == []  # not even by combining equations (no bounds)
    # before declared sums, many district-years of school transitions leaked: the rule acts here
    s = d.sperrungen
    uebergaenge = s[s["merkmal"].str.startswith("uebergaenge_")]
    assert (uebergaenge["grund"] == SEKUNDAER).sum() > 50


def test_demodaten_kleine_werte_der_tabellen_nicht_eindeutig(demo):
    d, gl, _ = demo
    s = d.sperrungen.reset_index(drop=True)
    tabellen = s["merkmal"].str.startswith(("uebergaenge_", "hze_")).to_numpy()
    klein = np.flatnonzero(tabellen & (s["grund"] == PRIMAER).to_numpy())
    spanne = _lp_spanne(s, {j: [e for e in liste if tabellen[e[0][0]]] for j, liste in gl.items()}, klein)
    assert len(spanne) == len(klein) > 100
    assert [k for k, (lo, hi, _) in spanne.items() if hi <= lo] == []


def test_demodaten_download_zeigt_nur_veroeffentlichte_zellen(demo):
    d, _, _ = demo
    ind, kat = d.indikatoren, d.katalog.indikatoren.set_index("id")
    zellen = d.sperrungen.set_index(["merkmal", "jahr", "stadtteil"])["gesperrt"]
    for spalte in ("zaehler", "nenner"):
        sichtbar = ind[ind[spalte].notna()]
        schl = list(zip(sichtbar["indikator"].map(kat[spalte]), sichtbar["jahr"], sichtbar["stadtteil"]))
        assert not zellen.reindex(schl).fillna(False).astype(bool).any()
    # wert without zaehler would give it away through the published nenner
    assert ind.loc[ind["gesperrt"], "wert"].isna().all()


def test_sperrungen_fuer_den_methodenanhang(demo):
    d, _, _ = demo
    s = d.sperrungen
    assert {"merkmal", "jahr", "stadtteil", "wert", "gesperrt", "grund", "abgeleitet"} <= set(s.columns)
    assert set(s["grund"]) == {"", PRIMAER, SEKUNDAER} and not s["abgeleitet"].any()
    z = zusammenfassung(s).set_index("merkmal")
    assert z["primaer"].sum() == (s["grund"] == PRIMAER).sum()
