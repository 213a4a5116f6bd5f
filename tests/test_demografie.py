"""Handlungsfeld 1 logic (helpers.demografie) on small hand-made indicator tables."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
import pytest
import yaml

from helpers import demografie as dg

ROOT = Path(__file__).resolve().parents[1]
STADT = "Gesamtstadt"


def zeilen(indikator, jahr, werte, faktor=100, gesperrt=()):
    """Indicator rows like the data layer's: districts (zaehler, nenner) plus the city sum."""
    rows = []
    for name, (z, n) in werte.items():
        g = name in gesperrt
        rows.append(dict(stadtteil=name, jahr=jahr, indikator=indikator,
                         wert=np.nan if g else (z / n * faktor if n is not None else z * faktor),
                         zaehler=np.nan if g else float(z), nenner=np.nan if n is None else float(n),
                         gesperrt=g, unsicher=False))
    z = sum(v[0] for v in werte.values())
    n = None if any(v[1] is None for v in werte.values()) else sum(v[1] for v in werte.values())
    rows.append(dict(stadtteil=STADT, jahr=jahr, indikator=indikator,
                     wert=z / n * faktor if n is not None else z * faktor, zaehler=float(z),
                     nenner=np.nan if n is None else float(n), gesperrt=False, unsicher=False))
    return rows


def tabelle(*teile):
    return pd.DataFrame([r for t in teile for r in t])


def katalog_indikatoren():
    y = yaml.safe_load((ROOT / "data" / "indikatoren.yml").read_text(encoding="utf-8"))
    k = pd.DataFrame(y["indikatoren"])
    k["kurztitel"] = k["kurztitel"].fillna(k["titel"]) if "kurztitel" in k else k["titel"]
    return k


# ---------------------------------------------------------------- age groups


def test_altersgruppen_takes_the_finest_complete_chain_from_the_catalog():
    g = dg.altersgruppen(katalog_indikatoren())
    assert g["indikator"].tolist() == ["anteil_0_2", "anteil_3_5", "anteil_6_9", "anteil_10_14", "anteil_15_17",
                                       "anteil_18_64", "anteil_65_79", "anteil_80_plus"]
    # anteil_65_plus overlaps 65-79 and 80+ and is skipped; the chain ends with the open group
    assert g["von"].tolist() == [0, 3, 6, 10, 15, 18, 65, 80]
    assert pd.isna(g["bis"].iloc[-1]) and g["bis"].iloc[-2] == 79


def test_altersgruppen_reports_a_gap_in_german():
    k = katalog_indikatoren()
    k = k[k["id"] != "anteil_6_9"]
    with pytest.raises(ValueError, match=r"ab 6 Jahren.*bev_6_<bis>"):
        dg.altersgruppen(k)


GRUPPEN = pd.DataFrame({
    "indikator": ["a_jung", "a_mitte", "a_alt"], "merkmal": ["bev_0_17", "bev_18_64", "bev_65_plus"],
    "von": [0, 18, 65], "bis": pd.array([17, 64, pd.NA], dtype="Int64"), "titel": ["0–17", "18–64", "65+"],
})


def alters_tabelle(gesperrt_2018=()):
    bev13 = {"Nord": 1000, "Süd": 500}
    bev18 = {"Nord": 1000, "Süd": 400}
    t = []
    for ind, a13, a18 in (("a_jung", {"Nord": 200, "Süd": 100}, {"Nord": 150, "Süd": 100}),
                          ("a_mitte", {"Nord": 600, "Süd": 300}, {"Nord": 600, "Süd": 200}),
                          ("a_alt", {"Nord": 200, "Süd": 100}, {"Nord": 250, "Süd": 100})):
        t.append(zeilen(ind, 2013, {s: (a13[s], bev13[s]) for s in bev13}))
        t.append(zeilen(ind, 2018, {s: (a18[s], bev18[s]) for s in bev18},
                        gesperrt=gesperrt_2018 if ind == "a_jung" else ()))
    return tabelle(*t)


def test_altersstruktur_and_change_use_counts_of_the_city():
    s = dg.altersstruktur(alters_tabelle(), GRUPPEN, [2013, 2018])
    v = dg.altersveraenderung(s, 2013, 2018).set_index("indikator")
    assert v.loc["a_jung", "personen_von"] == 300 and v.loc["a_jung", "personen_bis"] == 250
    assert v.loc["a_alt", "veraenderung"] == 50
    assert v.loc["a_alt", "veraenderung_prozent"] == pytest.approx(50 / 300 * 100)
    assert v.loc["a_mitte", "anteil_bis"] == pytest.approx(800 / 1400 * 100)


def test_altersanteile_withholds_the_whole_district_row_when_one_group_is_suppressed():
    a = dg.altersanteile(alters_tabelle(gesperrt_2018=("Süd",)), GRUPPEN, 2018, ["Süd", "Nord"])
    assert a["stadtteil"].tolist() == ["Süd", "Nord", STADT]
    assert a["gesperrt"].tolist() == [True, False, False]
    md = dg.altersanteile_markdown(a, GRUPPEN)
    sued = next(z for z in md.splitlines() if z.startswith("| Süd"))
    # 18–64 of Süd is published in the data, but with 0–17 withheld it would give 0–17 away
    assert sued.count("•") == 3
    assert "| **Gesamtstadt** | 17,9 | 57,1 | 25,0 |" in md


def test_anteil_summe_builds_broad_groups_and_refuses_cut_groups():
    a = dg.altersanteile(alters_tabelle(), GRUPPEN, 2018)
    jung = dg.anteil_summe(a, GRUPPEN, unter=18)
    alt = dg.anteil_summe(a, GRUPPEN, von=65)
    assert jung.iloc[0] == pytest.approx(15.0) and alt.iloc[0] == pytest.approx(25.0)
    assert dg.anteil_summe(a, GRUPPEN, von=18).iloc[0] == pytest.approx(85.0)
    with pytest.raises(ValueError, match="endet bei 14"):
        dg.anteil_summe(a, GRUPPEN, unter=15)


def test_altersanteile_abbildung_draws_city_on_top_then_districts_in_file_order():
    a = dg.altersanteile(alters_tabelle(gesperrt_2018=("Süd",)), GRUPPEN, 2018, ["Süd", "Nord"])
    fig = dg.altersanteile_abbildung(a, GRUPPEN, 2018)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [STADT, "Süd", "Nord"]
    # the suppressed district has no visible bar segments
    sued_y = ax.get_yticks()[1]
    breiten = [p.get_width() for p in ax.patches if abs(p.get_y() + p.get_height() / 2 - sued_y) < 1e-6]
    assert breiten and all(b == 0 for b in breiten)
    assert any("gesperrt" in t.get_text() for t in ax.texts)
    matplotlib.pyplot.close(fig)


# ---------------------------------------------------------------- population change


def bev_tabelle():
    return tabelle(
        zeilen("bevoelkerung", 2013, {"Nord": (1000, None), "Süd": (500, None)}, faktor=1),
        zeilen("bevoelkerung", 2016, {"Nord": (1050, None), "Süd": (450, None)}, faktor=1),
        zeilen("bevoelkerung", 2018, {"Nord": (1100, None), "Süd": (400, None)}, faktor=1),
    )


def test_entwicklung_indexes_on_the_earliest_year():
    e = dg.entwicklung(bev_tabelle())
    i = e.set_index(["stadtteil", "jahr"])["index"]
    assert i[("Nord", 2013)] == 100 and i[("Nord", 2018)] == pytest.approx(110)
    assert i[("Süd", 2018)] == pytest.approx(80) and i[(STADT, 2018)] == pytest.approx(100)


def test_entwicklung_tabelle_and_markdown():
    t = dg.entwicklung_tabelle(bev_tabelle(), 2013, 2018, ["Süd", "Nord"])
    assert t["stadtteil"].tolist() == ["Süd", "Nord", STADT]
    assert t["veraenderung"].tolist() == [-100, 100, 0]
    assert t["veraenderung_prozent"].iloc[0] == pytest.approx(-20)
    md = dg.entwicklung_markdown(t, 2013, 2018)
    assert "| Nord | 1.000 | 1.100 | +100 | +10,0 |" in md
    assert "| Süd | 500 | 400 | −100 | −20,0 |" in md


def test_entwicklung_abbildung_highlights_fastest_growth_and_decline():
    fig = dg.entwicklung_abbildung(dg.entwicklung(bev_tabelle()), 2018, n=1)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[:1] == [STADT] or STADT in labels
    assert "Nord" in labels and "Süd" in labels
    matplotlib.pyplot.close(fig)


# ---------------------------------------------------------------- balances


def salden_tabelle(gesperrt_geburten=()):
    bev = {"Nord": 1000, "Süd": 500}
    return tabelle(
        zeilen("geburtenrate", 2018, {"Nord": (12, 1000), "Süd": (2, 500)}, 1000, gesperrt=gesperrt_geburten),
        zeilen("sterberate", 2018, {"Nord": (10, 1000), "Süd": (9, 500)}, 1000),
        zeilen("zuzugsrate", 2018, {"Nord": (50, 1000), "Süd": (40, 500)}, 1000),
        zeilen("fortzugsrate", 2018, {"Nord": (60, 1000), "Süd": (20, 500)}, 1000),
    ).pipe(lambda t: t[t["stadtteil"].isin([*bev, STADT])])


def test_salden_computes_balances_per_1000_and_district_sums_equal_the_city():
    s = dg.salden(salden_tabelle(), 2018, ["Nord", "Süd"]).set_index("stadtteil")
    assert s.loc["Nord", "natuerlich"] == 2 and s.loc["Süd", "natuerlich"] == -7
    assert s.loc["Nord", "wanderung"] == -10 and s.loc["Süd", "wanderung"] == 20
    assert s.loc["Süd", "wanderung_je_1000"] == pytest.approx(40)
    assert s.loc[STADT, "natuerlich"] == s.loc[["Nord", "Süd"], "natuerlich"].sum()
    assert s.loc[STADT, "wanderung"] == s.loc[["Nord", "Süd"], "wanderung"].sum()


def test_salden_inherits_suppression_and_shows_it():
    s = dg.salden(salden_tabelle(gesperrt_geburten=("Süd",)), 2018, ["Nord", "Süd"])
    sued = s.set_index("stadtteil").loc["Süd"]
    assert sued["natuerlich_gesperrt"] and np.isnan(sued["natuerlich"]) and np.isnan(sued["natuerlich_je_1000"])
    assert not sued["wanderung_gesperrt"]
    md = dg.salden_markdown(s)
    zeile = next(z for z in md.splitlines() if z.startswith("| Süd"))
    assert zeile.split("|")[2].strip() == "•" and zeile.split("|")[4].strip() == "•"
    fig = dg.salden_abbildung(s, 2018)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Nord", "Süd"]
    assert any("gesperrt" in t.get_text() for t in ax.texts)
    # gains blue, losses vermillion in the migration panel
    farben = [matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.axes[1].patches]
    assert farben == [dg.grafik.FARBE_AUFFAELLIG.lower(), dg.grafik.FARBE_BALKEN.lower()]
    matplotlib.pyplot.close(fig)


def test_salden_zeitreihe_per_year():
    t = pd.concat([salden_tabelle(), salden_tabelle().assign(jahr=2017)], ignore_index=True)
    z = dg.salden_zeitreihe(t)
    assert z["jahr"].tolist() == [2017, 2018]
    assert z["gesamt"].tolist() == [5, 5]  # natural −5, migration +10


# ---------------------------------------------------------------- dependency ratios, households


def test_quotienten_sum_and_change():
    t = tabelle(
        zeilen("jugendquotient", 2013, {"Nord": (30, 100), "Süd": (20, 100)}),
        zeilen("altenquotient", 2013, {"Nord": (30, 100), "Süd": (40, 100)}),
        zeilen("jugendquotient", 2018, {"Nord": (25, 100), "Süd": (20, 100)}),
        zeilen("altenquotient", 2018, {"Nord": (35, 100), "Süd": (50, 100)}),
    )
    q = dg.quotienten(t, 2018, 2013, ["Nord", "Süd"]).set_index("stadtteil")
    assert q.loc["Nord", "gesamt"] == pytest.approx(60)
    assert q.loc["Süd", "alt_diff"] == pytest.approx(10)
    assert q.loc[STADT, "jung"] == pytest.approx(22.5)
    md = dg.quotienten_markdown(q.reset_index(), 2013)
    assert "| Süd | 20,0 | 50,0 | 70,0 | 0,0 | +10,0 |" in md


def test_familienhaushalte_counts_and_shares():
    t = tabelle(
        zeilen("anteil_haushalte_mit_kindern", 2018, {"Nord": (100, 500), "Süd": (50, 400)}),
        zeilen("anteil_alleinerziehende", 2018, {"Nord": (20, 100), "Süd": (15, 50)}),
    )
    f = dg.familienhaushalte(t, 2018, ["Nord", "Süd"]).set_index("stadtteil")
    assert f.loc[STADT, "haushalte"] == 900 and f.loc[STADT, "mit_kindern"] == 150
    assert f.loc["Süd", "anteil_alleinerziehend"] == pytest.approx(30)


def test_quelle_lists_each_source_once():
    class K:
        indikatoren = pd.DataFrame({"id": ["a", "b"], "quelle": ["Melderegister", "Melderegister; Statistik"]})

    assert dg.quelle(K, ["a", "b"]) == "Quelle: Melderegister; Statistik; eigene Berechnung."
