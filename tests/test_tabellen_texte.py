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
    assert "3 von 5 Stadtteilen liegen über dem Wert der Gesamtstadt" in text


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
