"""helpers.fazit: each statement of the Teil III Fazit follows the data it is computed from."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import t3_testdaten as td
from helpers import fazit, statistik
from test_auswertung import KOR, teil3

HF_TITEL = {3: "Betreuung", 4: "Gesundheit", 5: "Bildung"}
OHNE_POOL = KOR | {"gepoolt": {"jahre": 1}}  # the Fazit does not use the pooled check


def lage(werte: dict) -> pd.DataFrame:
    return pd.DataFrame({"stadtteil": list(werte), "z_mittel": list(werte.values())})


# --------------------------------------------------------------------------- single statements


def test_ungleiche_lebenslagen_nennt_die_extreme():
    satz = fazit.ungleiche_lebenslagen(lage({"A": 0.1, "B": 1.2, "C": -0.9, "D": 0.8, "E": -0.3}))
    assert satz == ("**Ungleiche Lebenslagen.** Über die Kernindikatoren gemittelt weichen B und D am stärksten "
                    "ungünstig von der Gesamtstadt ab, C und E am stärksten günstig (@sec-stadtteilvergleich).")


def test_ungleiche_lebenslagen_folgt_vertauschten_werten():
    a = fazit.ungleiche_lebenslagen(lage({"A": 2.0, "B": 1.0, "C": 0.0, "D": -1.0, "E": -2.0}))
    b = fazit.ungleiche_lebenslagen(lage({"A": -2.0, "B": -1.0, "C": 0.0, "D": 1.0, "E": 2.0}))
    assert "weichen A und B am stärksten ungünstig" in a and "E und D am stärksten günstig" in a
    assert "weichen E und D am stärksten ungünstig" in b and "A und B am stärksten günstig" in b


def test_ungleiche_lebenslagen_ohne_werte_zaehlt_nicht_als_guenstig():
    satz = fazit.ungleiche_lebenslagen(lage({"A": 1.0, "B": 0.5, "C": -0.5, "D": -1.0, "E": np.nan}))
    assert "D und C am stärksten günstig" in satz and "E" not in satz


def index_und_robustheit(klassen: dict, robust: set):
    idx = pd.DataFrame({"stadtteil": list(klassen), "klasse": list(klassen.values()),
                        "dynamik_klasse": "stabil"})
    rob = pd.DataFrame({"stadtteil": list(klassen), "robust": [s in robust for s in klassen]})
    return idx, rob


def test_sozialer_status_in_stadtteilreihenfolge_mit_robustheit():
    idx, rob = index_und_robustheit({"A": "mittel", "B": "sehr niedrig", "C": "niedrig", "D": "hoch"}, {"B", "D"})
    assert fazit.sozialer_status(idx, rob) == (
        "**Sozialer Status.** Einen niedrigen oder sehr niedrigen Status nach dem Sozialindex haben "
        "B (sehr niedrig, robust) und C (niedrig); „robust“ heißt, dass die Klasse in allen Varianten der "
        "Sensitivitätsanalyse gleich bleibt (@sec-sozialindex).")


def test_sozialer_status_ohne_stadtteil_mit_niedrigem_status():
    idx, rob = index_und_robustheit({"A": "mittel", "B": "hoch", "C": "keine Angabe"}, {"A"})
    assert fazit.sozialer_status(idx, rob) == (
        "**Sozialer Status.** Kein Stadtteil fällt nach dem Sozialindex in die Klassen niedrig oder "
        "sehr niedrig (@sec-sozialindex).")


def pearson(rs, berechnet=None, p_holm=None):
    n = len(rs)
    return pd.DataFrame({"x": [f"b{i}" for i in range(n)], "y": "a", "methode": "pearson", "r": rs,
                         "ci_unten": [r - 0.2 for r in rs], "ci_oben": [r + 0.2 for r in rs],
                         "p_holm": p_holm or [0.5] * n, "n": 11, "berechnet": berechnet or [True] * n})


KURZ = {"a": "Armut", "b0": "Bildung 0", "b1": "Bildung 1", "b2": "Bildung 2"}


def test_bildung_und_armut_staerkstes_paar_nach_betrag():
    satz = fazit.bildung_und_armut(pearson([0.3, -0.72, 0.5], p_holm=[0.5, 0.01, 0.04]), KURZ, 11)
    assert "„Bildung 1“ und „Armut“ zusammen (r = −0,72; 95-%-Konfidenzintervall −0,92 bis −0,52; n = 11)" in satz
    assert "Von 3 auswertbaren Paaren bleiben nach der Korrektur für mehrere Tests 2 auffällig" in satz
    assert "Bei 11 Stadtteilen gilt ein Zusammenhang erst ab einem Korrelationskoeffizienten von ±0,60" in satz
    assert f"nach der Korrektur für 3 Tests erst ab ±{statistik.r_kritisch(11, 0.05 / 3):.2f}".replace(".", ",") in satz
    assert "±0,60" in fazit.bildung_und_armut(pearson([0.3]), KURZ, 11)
    # the threshold follows the districts in the pairs (published values only), not the city's count
    satz8 = fazit.bildung_und_armut(pearson([0.3, 0.5]).assign(n=[8, 11]), KURZ, 11)
    assert "Bei 11 Stadtteilen" in satz8 and "bei Paaren mit weniger Stadtteilen liegt die Schwelle höher" in satz8


def test_bildung_und_armut_nennt_familienstruktur_nicht_als_armut():
    k = pd.concat([pearson([0.9]), pearson([0.5]).assign(x="b1", y="f")], ignore_index=True)
    satz = fazit.bildung_und_armut(k.iloc[::-1].reset_index(drop=True).assign(r=[0.5, 0.9], y=["a", "f"]),
                                   KURZ | {"f": "Alleinerziehende"}, 11, {"f": "Familienstruktur", "a": "Armut"})
    assert "„Alleinerziehende“ ist allerdings kein Armutsmaß, sondern beschreibt die Familienstruktur" in satz
    assert "Unter den Paaren mit einem Armutsindikator hängen am stärksten „Bildung 1“ und „Armut“" in satz


def test_bildung_und_armut_zaehlt_nur_berechnete_paare():
    satz = fazit.bildung_und_armut(pearson([0.9, 0.4], berechnet=[False, True], p_holm=[0.001, 0.5]), KURZ, 11)
    assert "„Bildung 1“" in satz and "Von 1 auswertbaren Paaren bleiben nach der Korrektur für mehrere Tests 0" in satz


def test_bildung_und_armut_ohne_auswertbares_paar():
    satz = fazit.bildung_und_armut(pearson([np.nan, np.nan], berechnet=[False, False]), KURZ, 2)
    assert satz == ("**Bildung und Armut.** Mit den veröffentlichten Stadtteilwerten lässt sich kein Paar "
                    "auswerten (@sec-bildung-armut).")


def uebersicht(zeilen: dict) -> pd.DataFrame:
    return pd.DataFrame.from_dict(zeilen, orient="index", columns=[2, 3, 4, 5])


def test_bildungsschwerpunkt_hoechste_stufe_ueber_die_felder():
    u = uebersicht({"A": [2, 0, 0, 1], "B": [0, 1, 0, 0], "C": [0, 0, 2, 1], "D": [0, 0, 0, 0]})
    assert fazit.bildungsschwerpunkt(u, [3, 4, 5], HF_TITEL) == (
        "**Bildung als Schwerpunkt.** In den bildungsnahen Handlungsfeldern „Betreuung“, „Gesundheit“ und „Bildung“ "
        "ergibt sich hoher Handlungsbedarf in C und erhöhter Bedarf in A und B (@sec-handlungsbedarfe).")
    # A's high need lies outside the education fields
    assert "hoher Handlungsbedarf in A" in fazit.bildungsschwerpunkt(u, [2, 5], {2: "Erwerb", 5: "Bildung"})


def test_bildungsschwerpunkt_ohne_bedarf_und_ohne_felder():
    u = uebersicht({"A": [2, 0, 0, 0], "B": [0, 0, 0, 0]})
    assert "ergibt sich in keinem Stadtteil hoher Handlungsbedarf (@sec-handlungsbedarfe)." in \
        fazit.bildungsschwerpunkt(u, [3, 4, 5], HF_TITEL)
    assert fazit.bildungsschwerpunkt(u, [], HF_TITEL) is None


def test_liste_und_grenzen():
    assert fazit.liste(["**A.** x", "**B.** y"]) == "- **A.** x\n- **B.** y"
    assert "Mit 7 Stadtteilen" in fazit.grenzen_text(7)


def test_stadtteil_tabelle():
    idx, rob = index_und_robustheit({"A": "niedrig", "B": "mittel", "C": "keine Angabe"}, {"B"})
    u = uebersicht({"A": [2, 2, 1, 0], "B": [0, 0, 0, 0], "C": [1, 0, 0, 0]})
    t = fazit.stadtteil_tabelle(["C", "A", "B"], lage({"A": 1.234, "B": -0.5, "C": np.nan}), idx, rob, u)
    assert t["Stadtteil"].tolist() == ["C", "A", "B"]
    assert t["Mittlere Abweichung (z)"].tolist() == ["–", "+1,23", "−0,50"]
    assert t["Statusklasse"].tolist() == ["keine Angabe", "niedrig (nicht robust)", "mittel"]
    assert t["HF mit hohem Bedarf"].tolist() == ["0", "2", "0"]
    assert t["HF mit erhöhtem Bedarf"].tolist() == ["1", "1", "0"]


# --------------------------------------------------------------------------- all statements from Teil III


def _umbenennen(text: str, abbildung: dict) -> str:
    muster = re.compile("|".join(re.escape(s) for s in sorted(abbildung, key=len, reverse=True)))
    return muster.sub(lambda m: abbildung[m.group(0)], text)


def test_aussagen_folgen_vertauschten_stadtteilen():
    tab = td.tabelle(seed=5, trend=1.0)
    perm, abb = td.permutiert(tab, seed=4)
    a = fazit.aussagen(teil3(tab, cfg_korrelation=OHNE_POOL))
    # same values under other names, listed in the same order: the statements must be the same up to the names
    b = fazit.aussagen(teil3(perm, reihenfolge=[abb[s] for s in td.STADTTEILE], cfg_korrelation=OHNE_POOL))
    zurueck = {neu: alt for alt, neu in abb.items()}
    assert [_umbenennen(s, zurueck) for s in b] == a
    assert a != b  # the names did change
    assert [s.split("**")[1] for s in a] == ["Ungleiche Lebenslagen.", "Sozialer Status.", "Bildung und Armut.",
                                            "Bildung als Schwerpunkt.", "Bildung als Schlüssel für Teilhabechancen."]


def test_aussagen_ohne_schwerpunkt_und_ohne_auswertbares_paar():
    tab = td.tabelle(seed=5, trend=1.0)
    k = teil3(tab, cfg_korrelation=OHNE_POOL | {"mindest_n": 12}, schwerpunkt=())
    punkte = fazit.aussagen(k)
    assert len(punkte) == 4 and "lässt sich kein Paar auswerten" in punkte[2]
    # the administration's conclusion stays, but without a supporting finding it says so
    assert "Einen belastbaren Zusammenhang" in punkte[3] and "fachliche Setzung" in punkte[3]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_aussagen_nennen_die_berechneten_stadtteile(seed):
    t = teil3(td.tabelle(seed=seed, trend=1.0), cfg_korrelation=OHNE_POOL)
    punkte = fazit.aussagen(t)
    extreme = t.lage.sort_values("z_mittel")["stadtteil"].tolist()
    assert f"weichen {extreme[-1]} und {extreme[-2]} am stärksten ungünstig" in punkte[0]
    niedrig = t.index.loc[t.index["klasse"].isin(["niedrig", "sehr niedrig"]), "stadtteil"].tolist()
    assert all(s in punkte[1] for s in niedrig) and ("Kein Stadtteil" in punkte[1]) == (not niedrig)
