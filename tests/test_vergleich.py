import numpy as np
import pandas as pd
import pytest

import t3_testdaten as td
from helpers import vergleich as v

IDS = ["alo", "sgb2_u15", "gym", "auslaender"]


@pytest.fixture
def tab():
    return td.tabelle(seed=3)


def test_vorzeichen_aus_katalog():
    vz = v.vorzeichen(td.katalog())
    assert vz["alo"] == 1 and vz["gym"] == -1 and vz["auslaender"] == 0


def test_vorzeichen_unbekannte_richtung_meldet_indikator():
    k = td.katalog()
    k.loc[k["id"] == "gym", "richtung"] = "hoch"
    with pytest.raises(ValueError, match="gym.*richtung.*hoch"):
        v.vorzeichen(k)


def test_index_und_z_wie_von_hand(tab):
    std = v.standardisieren(tab, td.katalog(), 2018, IDS, td.STADTTEILE)
    t = tab[(tab["jahr"] == 2018) & (tab["indikator"] == "gym")]
    stadt = t.loc[t["stadtteil"] == "Gesamtstadt", "wert"].item()
    d = t[t["stadtteil"] != "Gesamtstadt"].set_index("stadtteil")["wert"]
    # city value = sum of numerators / sum of denominators, not the mean of the rates
    assert stadt == pytest.approx(t.loc[t["stadtteil"] != "Gesamtstadt", "zaehler"].sum()
                                  / t.loc[t["stadtteil"] != "Gesamtstadt", "nenner"].sum() * 100)
    s = std[std["indikator"] == "gym"].set_index("stadtteil")
    np.testing.assert_allclose(s["index"], d / stadt * 100)
    np.testing.assert_allclose(s["z"], (d - stadt) / d.std(ddof=1))
    # vorteil: the directed value flips the sign
    np.testing.assert_allclose(s["z_gerichtet"], -(d - stadt) / d.std(ddof=1))


def test_neutral_ohne_gerichteten_wert_und_rang(tab):
    std = v.standardisieren(tab, td.katalog(), 2018, IDS)
    n = std[std["indikator"] == "auslaender"]
    assert n["z"].notna().all()
    assert n["z_gerichtet"].isna().all() and n["rang"].isna().all()


def test_rang_eins_ist_unguenstigster(tab):
    std = v.standardisieren(tab, td.katalog(), 2018, IDS)
    alo = std[std["indikator"] == "alo"]
    gym = std[std["indikator"] == "gym"]
    assert alo.loc[alo["rang"] == 1, "wert"].item() == alo["wert"].max()
    assert gym.loc[gym["rang"] == 1, "wert"].item() == gym["wert"].min()


def test_gesperrte_werte_bleiben_leer_und_ohne_rang(tab):
    t = tab.copy()
    maske = (t["stadtteil"] == "Stadtteil C") & (t["indikator"] == "alo") & (t["jahr"] == 2018)
    t.loc[maske, ["wert", "zaehler"]] = np.nan
    t.loc[maske, "gesperrt"] = True
    std = v.standardisieren(t, td.katalog(), 2018, IDS)
    c = std[(std["stadtteil"] == "Stadtteil C") & (std["indikator"] == "alo")].iloc[0]
    assert np.isnan(c["wert"]) and np.isnan(c["z"]) and pd.isna(c["rang"])
    assert std[std["indikator"] == "alo"]["rang"].max() == 10


def test_unbekannter_indikator_klare_meldung(tab):
    with pytest.raises(KeyError, match="gibtsnicht"):
        v.standardisieren(tab, td.katalog(), 2018, ["alo", "gibtsnicht"])


def test_reihenfolge_wird_eingehalten(tab):
    rf = list(reversed(td.STADTTEILE))
    m = v.matrix(tab, 2018, IDS, rf)
    assert m.index.tolist() == rf and "Gesamtstadt" not in m.index


def test_profile_staerkste_abweichungen(tab):
    std = v.standardisieren(tab, td.katalog(), 2018, IDS, td.STADTTEILE)
    p = v.profile(std, n=2)
    assert set(p.groupby("stadtteil").size()) == {2}
    for name, g in p.groupby("stadtteil"):
        alle = std[(std["stadtteil"] == name)].dropna(subset=["z_gerichtet"])
        erwartet = alle["z_gerichtet"].abs().nlargest(2).to_numpy()
        np.testing.assert_allclose(g.sort_values("platz")["z_gerichtet"].abs().to_numpy(), erwartet)
        assert ((g["z_gerichtet"] > 0) == (g["lage"] == "ungünstiger")).all()


def test_ordnung_zeilen_nach_mittlerem_z(tab):
    std = v.standardisieren(tab, td.katalog(), 2018, IDS, td.STADTTEILE)
    zm = v.breit(std)
    zeilen, spalten = v.ordnung(zm)
    mittel = zm.mean(axis=1).loc[zeilen].to_numpy()
    assert (np.diff(mittel) <= 1e-12).all()
    assert spalten[-1] == "auslaender"  # neutral last
    assert sorted(spalten) == sorted(IDS)


def test_permutierte_stadtteile_werte_folgen(tab):
    perm, abb = td.permutiert(tab)
    a = v.standardisieren(tab, td.katalog(), 2018, IDS).set_index(["stadtteil", "indikator"])
    b = v.standardisieren(perm, td.katalog(), 2018, IDS)
    b["stadtteil"] = b["stadtteil"].map({neu: alt for alt, neu in abb.items()})
    b = b.set_index(["stadtteil", "indikator"]).loc[a.index]
    np.testing.assert_allclose(a["z_gerichtet"].astype(float), b["z_gerichtet"].astype(float))
    assert (a["rang"].fillna(0) == b["rang"].fillna(0)).all()


def test_gesamtlage_zaehlt(tab):
    std = v.standardisieren(tab, td.katalog(), 2018, IDS, td.STADTTEILE)
    g = v.gesamtlage(std).set_index("stadtteil")
    s = std[std["stadtteil"] == "Stadtteil A"].dropna(subset=["z_gerichtet"])
    assert g.loc["Stadtteil A", "n_unguenstig"] == (s["z_gerichtet"] >= 1).sum()
    assert g.loc["Stadtteil A", "z_mittel"] == pytest.approx(s["z_gerichtet"].mean())
    assert g.loc["Stadtteil A", "n"] == 3


def test_nicht_jaehrliche_indikatoren_mit_letztem_stand(tab):
    # an election indicator only has values in 2014 and 2017
    wahl = tab[(tab["indikator"] == "gym") & tab["jahr"].isin([2014, 2017])].assign(indikator="wahl")
    t = pd.concat([tab, wahl], ignore_index=True)
    k = pd.concat([td.katalog(), td.katalog().query("id == 'gym'").assign(id="wahl")], ignore_index=True)
    std = v.standardisieren(t, k, 2018, ["alo", "wahl"])
    w = std[std["indikator"] == "wahl"]
    assert (w["jahr"] == 2017).all() and (std.loc[std["indikator"] == "alo", "jahr"] == 2018).all()
    erwartet = wahl[(wahl["jahr"] == 2017) & (wahl["stadtteil"] == "Stadtteil A")]["wert"].item()
    assert w.loc[w["stadtteil"] == "Stadtteil A", "wert"].item() == pytest.approx(erwartet)
    # strict mode (used by the index) refuses to substitute another year
    with pytest.raises(KeyError, match="wahl.*2018"):
        v.matrix(t, 2018, ["alo", "wahl"])


def test_markierungen_der_datenschicht_werden_uebernommen(tab):
    t = tab.copy()
    m = (t["stadtteil"] == "Stadtteil D") & (t["indikator"] == "gym") & (t["jahr"] == 2018)
    t.loc[m, "unsicher"] = True
    std = v.standardisieren(t, td.katalog(), 2018, IDS)
    d = std.set_index(["stadtteil", "indikator"])
    assert d.loc[("Stadtteil D", "gym"), "unsicher"] and not d.loc[("Stadtteil D", "alo"), "unsicher"]
    assert std["unsicher"].sum() == 1 and not std["gesperrt"].any()


def test_tabellen_und_befund(tab):
    std = v.standardisieren(tab, td.katalog(), 2018, IDS, td.STADTTEILE)
    kurz = dict(zip(td.KATALOG["id"], td.KATALOG["kurztitel"]))
    w = v.wert_tabelle(std, "index", kurz)
    assert w["Indikator"].tolist() == ["Arbeitslose", "SGB II u15", "Gymnasium", "Nichtdeutsche"]
    assert w.columns[1:].tolist() == td.STADTTEILE
    a = std[(std["stadtteil"] == "Stadtteil A") & (std["indikator"] == "alo")]["index"].item()
    assert w.loc[0, "Stadtteil A"] == f"{a:.0f}"
    lage = v.gesamtlage(std)
    p = v.profil_tabelle(lage, v.profile(std, n=2, schwelle=1.0), kurz)
    assert p["Stadtteil"].iloc[0] == lage.loc[lage["z_mittel"].idxmax(), "stadtteil"]
    saetze = v.befund(lage, std, kurz)
    oben = lage.sort_values("z_mittel", ascending=False)["stadtteil"]
    assert oben.iloc[0] in saetze[0] and oben.iloc[-1] in saetze[0] and "vorliegenden Daten" in saetze[0]
