import numpy as np
import pandas as pd
import pytest

from helpers import tabellen, texte


def _ind(werte_2018, werte_2013, stadt=(10.0, 8.0), gesperrt=()):
    rows = []
    for jahr, werte, s in ((2018, werte_2018, stadt[0]), (2013, werte_2013, stadt[1])):
        for name, w in werte.items():
            g = name in gesperrt and jahr == 2018
            rows.append(dict(stadtteil=name, jahr=jahr, indikator="q", wert=np.nan if g else w,
                             zaehler=np.nan, nenner=1000.0, gesperrt=g, unsicher=False))
        rows.append(dict(stadtteil="Gesamtstadt", jahr=jahr, indikator="q", wert=s, zaehler=np.nan,
                         nenner=5000.0, gesperrt=False, unsicher=False))
    return pd.DataFrame(rows)


WERTE = {"A": 5.0, "B": 10.0, "C": 20.0, "D": 9.0, "E": 11.0}


def test_vergleich_differences_and_ranks():
    tab = tabellen.vergleich(_ind(WERTE, WERTE), "q", 2018, reihenfolge=list("EDCBA"))
    assert tab["stadtteil"].tolist() == list("EDCBA")
    c = tab.set_index("stadtteil").loc["C"]
    assert c["differenz"] == pytest.approx(10.0)
    assert c["rang"] == 1
    assert tab.set_index("stadtteil").loc["A", "rang"] == 5


def test_suppressed_district_gets_no_rank_and_shows_bullet():
    tab = tabellen.vergleich(_ind(WERTE, WERTE, gesperrt=("C",)), "q", 2018)
    assert pd.isna(tab.set_index("stadtteil").loc["C", "rang"])
    md = tabellen.vergleich_markdown(tab, "%")
    zeile_c = next(z for z in md.splitlines() if z.startswith("| C "))
    assert "•" in zeile_c and "20" not in zeile_c


def test_vergleichsjahr_prefers_five_years_back():
    ind = _ind(WERTE, WERTE)
    assert tabellen.vergleichsjahr(ind, 2018) == 2013
    assert tabellen.vergleichsjahr(ind[ind["jahr"] == 2018], 2018) is None


def test_auffaelligkeiten_follow_the_data():
    tab = tabellen.vergleich(_ind(WERTE, WERTE), "q", 2018)
    saetze = texte.auffaelligkeiten(tab, "Quote", "%")
    assert "höchsten Wert" in saetze[0] and "C mit 20,0 %" in saetze[0] and "A mit 5,0 %" in saetze[0]
    # permute the districts: the sentences must name the new extremes
    perm = dict(zip(WERTE, [WERTE[k] for k in "CBADE"]))
    tab2 = tabellen.vergleich(_ind(perm, perm), "q", 2018)
    saetze2 = texte.auffaelligkeiten(tab2, "Quote", "%")
    assert "A mit 20,0 %" in saetze2[0] and "C mit 5,0 %" in saetze2[0]


def test_auffaelligkeiten_never_names_suppressed():
    tab = tabellen.vergleich(_ind(WERTE, WERTE, gesperrt=("C",)), "q", 2018)
    text = " ".join(texte.auffaelligkeiten(tab, "Quote", "%"))
    assert "C " not in text and "20,0" not in text


def test_veraenderungen_and_largest_change_sentence():
    neu = dict(WERTE, B=16.0)
    ind = _ind(neu, WERTE)
    v = texte.veraenderungen(ind, "q", 2018, 2013)
    assert v.set_index("stadtteil").loc["B", "veraenderung"] == pytest.approx(6.0)
    tab = tabellen.vergleich(ind, "q", 2018)
    saetze = texte.auffaelligkeiten(tab, "Quote", "%", trend=v)
    assert "in B (+6,0 Pp.)" in saetze[-1]


def test_datenhinweis_only_for_demo_data():
    class B:  # minimal stand-in for helpers.daten.Bericht
        stadt = "Dorsten"
        beispieldaten = True

    assert "synthetische Beispieldaten" in texte.datenhinweis(B)
    B.beispieldaten = False
    assert texte.datenhinweis(B) == ""


def test_anteile_sum_to_hundred_and_table_shows_city_total():
    werte = {"A": 100.0, "B": 300.0}
    ind = _ind(werte, werte, stadt=(400.0, 400.0))
    tab = tabellen.anteile(ind, "q", 2018, ["A", "B"])
    assert tab["anteil"].tolist() == pytest.approx([25.0, 75.0])
    md = tabellen.anteile_markdown(tab, 400.0)
    assert "| A | 100 | 25,0 % |" in md and "**400**" in md


def test_vergleichsjahr_ignores_years_without_the_indicator():
    ind = _ind(WERTE, WERTE)
    ind.loc[ind["jahr"] == 2013, "jahr"] = 2015  # annual indicator: 2015 and 2018
    wahl = ind[ind["jahr"] == 2018].assign(indikator="wahl", jahr=2013)  # an election year
    both = pd.concat([ind, wahl])
    assert tabellen.vergleichsjahr(both, 2018) == 2013
    assert tabellen.vergleichsjahr(both, 2018, indikatoren=["q"]) == 2015


def test_auffaelligkeiten_grammar_singular_and_plural():
    werte = {"A": 0.0, "B": 10.0, "C": 10.0, "D": 10.0, "E": 10.0, "F": 20.0}
    tab = tabellen.vergleich(_ind(werte, werte, stadt=(10.0, 10.0)), "q", 2018)
    text = " ".join(texte.auffaelligkeiten(tab, "Quote", "%"))
    assert "F liegt deutlich über dem Wert der Gesamtstadt" in text
    assert "A liegt deutlich unter dem Wert der Gesamtstadt" in text


def test_quellen_line_deduplicates():
    kat = pd.DataFrame({"id": ["a", "b"], "quelle": ["Jobcenter; Melderegister", "Melderegister"]})
    assert texte.quellen(kat, ["a", "b"]) == "Quelle: Jobcenter; Melderegister."


def test_auffaelligkeiten_counts_instead_of_naming_a_majority():
    # two big districts with low values pull the city down; four small ones lie far above
    werte = {"A": 2.0, "B": 2.0, "C": 20.0, "D": 20.0, "E": 20.0}
    tab = tabellen.vergleich(_ind(werte, werte, stadt=(5.0, 5.0)), "q", 2018)
    text = " ".join(texte.auffaelligkeiten(tab, "Quote", "%"))
    assert "3 von 5 Stadtteilen liegen deutlich über dem Wert der Gesamtstadt" in text


def test_household_size_has_two_decimals():
    from helpers import format as fmt

    assert fmt.wert(2.04, "Personen je Haushalt") == "2,04 Personen je Haushalt"
    assert fmt.wert(12, "Kinder") == "12"


def test_stadtteil_liste_follows_the_data_folder():
    text = texte.stadtteil_liste("Beispielstadt", ["Nord", "Süd", "Mitte", "West"])
    assert text.startswith("Beispielstadt gliedert sich in vier Stadtteile:")
    assert "- Nord\n- Süd\n- Mitte\n- West" in text


def test_kurztitel_falls_back_to_titel():
    assert texte.kurztitel({"titel": "Anteil der Kinder", "kurztitel": "Kinder"}) == "Kinder"
    assert texte.kurztitel({"titel": "Anteil der Kinder", "kurztitel": float("nan")}) == "Anteil der Kinder"
    assert texte.kurztitel(pd.Series({"titel": "T", "kurztitel": "  "})) == "T"


def _ind_zaehler(faelle_2018, faelle_2013, nenner):
    """Districts with counts: {name: numerator} over the same denominators {name: n}."""
    rows = []
    for jahr, faelle in ((2018, faelle_2018), (2013, faelle_2013)):
        for name, z in faelle.items():
            n = nenner[name]
            rows.append(dict(stadtteil=name, jahr=jahr, indikator="q", wert=100 * z / n, zaehler=float(z),
                             nenner=float(n), gesperrt=False, unsicher=False))
        z, n = sum(faelle.values()), sum(nenner.values())
        rows.append(dict(stadtteil="Gesamtstadt", jahr=jahr, indikator="q", wert=100 * z / n, zaehler=float(z),
                         nenner=float(n), gesperrt=False, unsicher=False))
    return pd.DataFrame(rows)


def test_vergleich_wilson_interval_only_for_proportions_and_never_for_suppressed():
    from statsmodels.stats.proportion import proportion_confint

    ind = _ind_zaehler({"A": 30, "B": 5}, {"A": 30, "B": 5}, {"A": 200, "B": 50})
    tab = tabellen.vergleich(ind, "q", 2018, faktor=100.0).set_index("stadtteil")
    lo, hi = proportion_confint(30, 200, method="wilson")
    assert tab.loc["A", ["ci_unten", "ci_oben"]].tolist() == pytest.approx([100 * lo, 100 * hi])
    assert tabellen.vergleich(ind, "q", 2018)["ci_unten"].isna().all()  # no factor: no interval
    ind.loc[ind["stadtteil"] == "B", "gesperrt"] = True
    gesperrt = tabellen.vergleich(ind, "q", 2018, faktor=100.0).set_index("stadtteil")
    assert gesperrt.loc["B", ["ci_unten", "ci_oben"]].isna().all()
    md = tabellen.vergleich_markdown(gesperrt.reset_index(), "%")
    assert "95-%-Intervall" in md.splitlines()[0]
    assert next(z for z in md.splitlines() if z.startswith("| B ")).count("•") == 4


def test_intervall_faktor_from_catalog_entry():
    assert tabellen.intervall_faktor({"nenner": "einwohner", "faktor": 100}) == 100.0
    assert tabellen.intervall_faktor({"nenner": "kinder", "faktor": 100,
                                      "zaehler_kann_nenner_uebersteigen": True}) is None
    assert tabellen.intervall_faktor({"nenner": float("nan"), "faktor": 1}) is None


def test_far_district_is_not_deutlich_when_its_interval_contains_the_city_value():
    # C (25 %) is far above the others by the spread of the values, but has only 8 people
    faelle = {"A": 100, "B": 100, "C": 2, "D": 100, "E": 100}
    nenner = {"A": 1000, "B": 1000, "C": 8, "D": 1000, "E": 1000}
    tab = tabellen.vergleich(_ind_zaehler(faelle, faelle, nenner), "q", 2018, faktor=100.0)
    text = " ".join(texte.auffaelligkeiten(tab, "Quote", "%"))
    assert "C liegt deutlich" not in text and "Kein Stadtteil weicht deutlich" in text
    # the same share on 1,200 people is beyond chance
    faelle["C"], nenner["C"] = 300, 1200
    tab = tabellen.vergleich(_ind_zaehler(faelle, faelle, nenner), "q", 2018, faktor=100.0)
    assert "C liegt deutlich über dem Wert der Gesamtstadt" in " ".join(texte.auffaelligkeiten(tab, "Quote", "%"))


def test_largest_change_is_called_strongest_only_beyond_chance():
    nenner = {"A": 20, "B": 2000, "C": 2000}
    ind = _ind_zaehler({"A": 8, "B": 500, "C": 200}, {"A": 4, "B": 400, "C": 200}, nenner)
    v = texte.veraenderungen(ind, "q", 2018, 2013, faktor=100.0)
    assert v.set_index("stadtteil").loc["A", "veraenderung"] == pytest.approx(20.0)
    tab = tabellen.vergleich(ind, "q", 2018, faktor=100.0)
    satz = texte.auffaelligkeiten(tab, "Quote", "%", trend=v)[-1]
    # A changed most (+20 points on 20 people) but within chance; B (+5 points on 2,000) is beyond it
    assert "über die Zufallsschwankung hinaus – in B (+5,0 Pp." in satz
    assert "größere Veränderung in A (+20,0 Pp." in satz and "zufällig" in satz
    ruhig = _ind_zaehler({"A": 8, "B": 401, "C": 200}, {"A": 4, "B": 400, "C": 200}, nenner)
    satz = texte.auffaelligkeiten(tab, "Quote", "%", trend=texte.veraenderungen(ruhig, "q", 2018, 2013, 100.0))[-1]
    assert satz.startswith("Keine Veränderung in einem Stadtteil geht über die Zufallsschwankung hinaus")


def test_newcombe_interval_matches_the_published_examples():
    from helpers.statistik import newcombe

    # Newcombe (1998), Statistics in Medicine 17, 873-890, Table II, method 10, examples (a) and (b)
    assert np.concatenate(newcombe(56, 70, 48, 80, 1.0)) == pytest.approx([0.0524, 0.3339], abs=1e-4)
    assert np.concatenate(newcombe(9, 10, 3, 10, 1.0)) == pytest.approx([0.1705, 0.8090], abs=1e-4)


@pytest.fixture
def wenige_zeilen(monkeypatch):
    """Rules under which a table with more than 4 districts is shortened to the 2 highest and lowest."""
    from helpers import darstellung

    monkeypatch.setattr(darstellung, "_aktuell", darstellung.Regeln(tabelle_bis=4, auswahl_tabelle=2))


def _zeilen(namen):
    return pd.DataFrame({"Stadtteil": [f"**{n}**" if n == "Gesamtstadt" else n for n in namen],
                         "Wert": [str(i) for i in range(len(namen))]})


def test_auszug_keeps_highest_and_lowest_and_the_city_last(wenige_zeilen):
    namen = ["A", "B", "C", "D", "E", "F", "G", "Gesamtstadt"]
    werte = {"A": 3.0, "B": 7.0, "C": 1.0, "D": 9.0, "E": 5.0, "F": 2.0, "G": 8.0}
    out = tabellen.auszug(_zeilen(namen), namen, werte, "Wert")
    assert out["Stadtteil"].tolist()[:2] == ["D", "G"] and out["Stadtteil"].tolist()[3:5] == ["F", "C"]
    assert out["Stadtteil"].iloc[2] == "*… 3 weitere Stadtteile (absteigend nach Wert; alle: Download indikatoren.csv) …*"
    assert out["Stadtteil"].iloc[-1] == "**Gesamtstadt**" and len(out) == 6
    # the other cells of a kept row travel with it
    assert out.set_index("Stadtteil").loc["D", "Wert"] == "3"


def test_auszug_never_sorts_a_withheld_value(wenige_zeilen):
    """A suppressed district's value is NaN in the key: it must not appear among the highest, where
    its position would tell what it is; it is counted among the districts left out."""
    namen = list("ABCDEF")
    werte = pd.Series({"A": np.nan, "B": 7.0, "C": 1.0, "D": 9.0, "E": 5.0, "F": 2.0})
    out = tabellen.auszug(_zeilen(namen), namen, werte, "Wert")
    assert "A" not in out["Stadtteil"].tolist()
    assert "2 weitere Stadtteile" in out["Stadtteil"].iloc[2]


def test_auszug_keeps_every_row_of_a_district_and_leaves_few_districts_alone(wenige_zeilen):
    namen = ["A", "A", "B", "B", "C", "C", "D", "D", "E", "E"]
    werte = {"A": 1.0, "B": 2.0, "C": 3.0, "D": 4.0, "E": 5.0}
    out = tabellen.auszug(_zeilen(namen), namen, werte, "Wert", n=1, wo="Download x.csv")
    assert out["Stadtteil"].tolist()[:2] == ["E", "E"] and out["Stadtteil"].tolist()[-2:] == ["A", "A"]
    assert out["Stadtteil"].iloc[2].endswith("alle: Download x.csv) …*")
    vier = ["A", "B", "C", "D", "Gesamtstadt"]
    assert tabellen.auszug(_zeilen(vier), vier, werte, "Wert").equals(_zeilen(vier))
