"""One time frame per edition, the Fortschreibung from the same data folder, and its comparison chapter."""

from __future__ import annotations

import pandas as pd
import pytest
from daten.fixtur import ersetze, fehler, finde, kopie

from helpers import fortschreibung as fs
from helpers.build import config, profile
from helpers.build.__main__ import edition_profile
from helpers.daten import DatenFehler, laden
from helpers.daten.datenbestand import BERICHTSJAHR_ENV, berichtsjahr_vorgabe
from helpers.daten.ordner import repo_root


def test_an_edition_shows_data_up_to_its_stichtag_only(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / "bericht.yml", "berichtsjahr: 2018", "berichtsjahr: 2017")
    b = laden(d)
    assert b.bericht.berichtsjahr == 2017
    assert set(b.bestand["jahr"]) == {2017} and set(b.indikatoren["jahr"]) == {2017}
    assert set(b.sperrungen["jahr"]) == {2017}
    # the same folder at its own Stichtag keeps the later year
    assert 2018 in set(laden(d, berichtsjahr=2018).indikatoren["jahr"])


def test_later_years_are_still_checked(tmp_path):
    """Cutting happens after validation: an error in a year after the Stichtag stops the build."""
    d = kopie(tmp_path)
    ersetze(d / "bericht.yml", "berichtsjahr: 2018", "berichtsjahr: 2017")
    ersetze(d / "bestand" / "bevoelkerung.csv", "Nordviertel;2018;bev;", "Nordviertel;2018;bev;-")
    finde(fehler(d), datei="bestand/bevoelkerung.csv", spalte="wert")


def test_project_editions_agree_before_the_first_stichtag():
    erst, fort = laden(berichtsjahr=2018), laden(berichtsjahr=2023)
    assert erst.indikatoren["jahr"].max() == 2018 and fort.indikatoren["jahr"].max() == 2023
    assert (erst.bericht.vorbericht, fort.bericht.vorbericht) == (None, 2018)
    assert fort.bericht.erstbericht == 2018
    a = erst.indikatoren.set_index(["indikator", "stadtteil", "jahr"])["wert"].sort_index()
    b = fort.indikatoren.set_index(["indikator", "stadtteil", "jahr"])["wert"]
    pd.testing.assert_series_equal(a, b.loc[a.index], check_names=False)


def test_berichtsjahr_from_the_environment(monkeypatch):
    monkeypatch.setenv(BERICHTSJAHR_ENV, "2023")
    assert berichtsjahr_vorgabe() == 2023
    assert laden().bericht.berichtsjahr == 2023
    monkeypatch.setenv(BERICHTSJAHR_ENV, "zwanzig")
    with pytest.raises(DatenFehler, match="SOZIALBERICHT_BERICHTSJAHR"):
        berichtsjahr_vorgabe()


def test_a_berichtsjahr_without_data_names_the_files(tmp_path):
    err = fehler_mit(tmp_path, 2019)
    finde(err, spalte="jahr", wert="2019")


def fehler_mit(tmp_path, jahr):
    d = kopie(tmp_path)
    with pytest.raises(DatenFehler) as info:
        laden(d, berichtsjahr=jahr)
    return info.value


def test_ausgaben_must_be_a_list_of_years(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / "bericht.yml", "berichtsjahr: 2018", "berichtsjahr: 2018\nausgaben: 2018")
    finde(fehler(d), datei="bericht.yml", spalte="ausgaben")


def test_fortschreibung_profile_follows_ausgaben(tmp_path, monkeypatch):
    monkeypatch.delenv(BERICHTSJAHR_ENV, raising=False)
    monkeypatch.delenv("SOZIALBERICHT_DATEN", raising=False)
    assert edition_profile(repo_root()) is False  # 2018: the first edition
    monkeypatch.setenv(BERICHTSJAHR_ENV, "2023")
    assert edition_profile(repo_root()) is True
    assert profile.with_profile("entwurf", "fortschreibung") == "entwurf,fortschreibung"
    assert profile.with_profile("fortschreibung", "fortschreibung") == "fortschreibung"


def test_profile_lists_are_appended_as_quarto_does():
    base = {"book": {"chapters": ["index.qmd", {"part": "Teil I", "chapters": ["a.qmd"]}], "title": "T"}}
    extra = {"book": {"chapters": [{"part": "Teil V", "chapters": ["e.qmd"]}, "index.qmd"], "title": "U"}}
    out = config._merge(base, extra)
    assert out["book"]["chapters"] == ["index.qmd", {"part": "Teil I", "chapters": ["a.qmd"]},
                                       {"part": "Teil V", "chapters": ["e.qmd"]}]
    assert out["book"]["title"] == "U"


def test_the_fortschreibung_book_has_part_five(monkeypatch):
    monkeypatch.setenv(profile.ENV, "fortschreibung")
    book = config.load_book(repo_root())
    assert "Teil V Fortschreibung" in book.parts
    assert "chapters/teil5/entwicklung.qmd" in [c.path for c in book.chapters]
    monkeypatch.delenv(profile.ENV)
    assert "Teil V Fortschreibung" not in config.load_book(repo_root()).parts


# --------------------------------------------------------------------------- comparisons


def _uebersicht(werte: dict) -> pd.DataFrame:
    return pd.DataFrame(werte, index=pd.Index(["A", "B"], name="stadtteil")).rename_axis(
        columns="handlungsfeld")


def test_bedarfswechsel_names_each_changed_cell():
    vorher = _uebersicht({1: [0, 2], 2: [1, 1]})
    jetzt = _uebersicht({1: [1, 1], 2: [0, 1]})
    w = fs.bedarfswechsel(jetzt, vorher)
    assert w[["stadtteil", "handlungsfeld", "wechsel"]].values.tolist() == [
        ["A", 1, fs.NEU], ["A", 2, fs.ENTFALLEN], ["B", 1, fs.NIEDRIGER]]
    text = fs.bedarfe_text(w, jetzt, vorher, 2018, 2023)
    assert "31.12.2018 3 Kombinationen" in text and "31.12.2023 3." in text
    assert "Ein Bedarf kam hinzu, ein Bedarf entfiel und ein Bedarf wurde niedriger eingestuft." in text
    same = fs.bedarfswechsel(vorher, vorher)
    assert same.empty and "gleich" in fs.bedarfe_text(same, vorher, vorher, 2018, 2023)
    assert fs.bedarfe_tabelle(same, {}, 2018, 2023)["Veränderung"].tolist() == ["keine"]


def _index(klassen, stabil, raenge):
    return pd.DataFrame({"stadtteil": ["A", "B", "C"], "klasse": klassen, "klasse_stabil": stabil,
                         "rang": pd.array(raenge, dtype="Int64")})


def test_a_class_change_counts_only_when_robust_in_both_editions():
    vorher = _index(["mittel", "mittel", "hoch"], [True, False, True], [2, 1, 3])
    jetzt = _index(["niedrig", "niedrig", "keine Angabe"], [True, True, False], [1, 2, None])
    w = fs.klassenwechsel(jetzt, vorher)
    assert w["wechsel"].tolist()[:2] == [fs.GESICHERT, fs.NICHT_GESICHERT] and pd.isna(w["wechsel"].iloc[2])
    text = fs.klassen_text(w, 2018, 2023)
    assert "gesicherten Klassenwechsel" in text and "A (mittel → niedrig)" in text
    assert "nicht gesichert" in text and "B (mittel → niedrig)" in text
    assert "Ohne Indexwert in einem der beiden Berichte: C." in text
    assert "blieb kein Stadtteil" in text
    tab = fs.klassen_tabelle(w, 2018, 2023)
    assert tab["Klassenwechsel"].tolist() == ["ja", "ja, nicht gesichert", "–"]
    assert tab["Rang 2023"].tolist() == ["1", "2", "–"]


def test_kennzahlen_compare_the_published_values():
    def tab(wert, jahr):
        return pd.DataFrame({"handlungsfeld": [2, 9], "indikator": ["q", "w"], "titel": ["Quote", "Wahl"],
                             "kurztitel": ["Quote", "Wahl"], "einheit": ["%", "%"],
                             "richtung": ["belastung", "chance"], "wert": wert, "jahr": jahr})
    k = fs.kennzahlen(tab([10.04, 60.0], [2023, 2020]), tab([10.96, 61.0], [2018, 2017]))
    # 10,0 − 11,0 as displayed: −1,0 Pp., not −0,92
    assert k["veraenderung"].round(6).tolist() == [-1.0, -1.0]
    assert k["bewertung"].tolist() == ["günstiger", "ungünstiger"]
    t = fs.kennzahlen_tabelle(k, 2018, 2023)
    assert t["Bericht 31.12.2023"].tolist() == ["10,0", "60,0 (2020)"]
    assert t["Veränderung"].tolist() == ["−1,0 Pp.", "−1,0 Pp."]
    text = fs.kennzahlen_text(k, "Teststadt", 2018, 2023)
    assert "Von 2 Kernindikatoren" in text and "1 günstiger und 1 ungünstiger" in text
    assert "Ungünstiger entwickelt haben sich: Wahl." in text


def test_entwicklung_notebook_in_the_2023_edition(tmp_path, monkeypatch):
    """The chapter's notebook runs on the demo data at 2023 and fills every embedded cell."""
    import nbtest

    monkeypatch.setenv(BERICHTSJAHR_ENV, "2023")
    nb = nbtest.ausfuehren("t5_entwicklung", nbtest.DATEN["demo"], tmp_path)
    out = nbtest.ausgaben(nb)
    assert out and all(out.values()), [k for k, v in out.items() if not v]
    einleitung = nbtest.text(out["txt-entwicklung-einleitung"])
    assert "Bericht zum 31.12.2018 fort" in einleitung
    tabelle = nbtest.text(out["tbl-entwicklung-kennzahlen"])
    assert "Bericht 31.12.2018" in tabelle and "Bericht 31.12.2023" in tabelle
    chapter = (repo_root() / "chapters" / "teil5" / "entwicklung.qmd").read_text(encoding="utf-8")
    assert all(f"#{label} >}}}}" in chapter for label in out), "every labelled cell is embedded"
