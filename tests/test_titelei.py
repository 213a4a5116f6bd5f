"""Title, edition and Stichtag of the book: from bericht.yml, through _quarto.yml's metadata-files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from helpers.build.config import load_book
from helpers.build.errors import BuildError
from helpers.build.titelei import AUSGABE_DATEI, Titelei, ausgabe_metadaten, schreibe_ausgabe, titelei
from helpers.daten.bericht import lese_bericht

REPO = Path(__file__).resolve().parents[1]


def test_subtitle_names_the_edition_and_its_stichtag_not_the_build_date():
    assert Titelei(berichtsjahr=2018, nummer=1).untertitel == "Erster Sozialbericht · Stand: 31.12.2018"
    assert Titelei(berichtsjahr=2023, nummer=2).untertitel == "Zweiter Sozialbericht · Stand: 31.12.2023"
    assert Titelei(berichtsjahr=2040, nummer=12).untertitel == "12. Sozialbericht · Stand: 31.12.2040"
    assert Titelei(berichtsjahr=2020).untertitel == "Sozialbericht · Stand: 31.12.2020"  # no ausgaben listed
    assert Titelei().untertitel is None


def test_edition_number_follows_ausgaben(monkeypatch):
    monkeypatch.setenv("SOZIALBERICHT_DATEN", str(REPO / "data"))
    monkeypatch.delenv("SOZIALBERICHT_BERICHTSJAHR", raising=False)
    erste = titelei(REPO)
    assert (erste.nummer, erste.berichtsjahr) == (1, 2018)
    monkeypatch.setenv("SOZIALBERICHT_BERICHTSJAHR", "2023")
    zweite = titelei(REPO)
    assert zweite.untertitel == "Zweiter Sozialbericht · Stand: 31.12.2023"
    assert zweite.titel == erste.titel and "Dorsten" in zweite.titel


def test_another_city_gets_its_own_title_and_publisher(monkeypatch, tmp_path):
    monkeypatch.setenv("SOZIALBERICHT_DATEN", str(REPO / "tests/daten/zweitstadt"))
    monkeypatch.delenv("SOZIALBERICHT_BERICHTSJAHR", raising=False)
    meta = ausgabe_metadaten(titelei(tmp_path))["book"]
    assert meta == {"title": "Lebenslagen der Kinder und Jugendlichen und ihrer Familien in Beispielstadt",
                    "subtitle": "Sozialbericht · Stand: 31.12.2020", "author": "Stadt Beispielstadt"}
    assert "Dorsten" not in str(meta)


def test_both_engines_read_the_written_edition_through_metadata_files(monkeypatch, tmp_path):
    """load_book merges metadata-files as Quarto does; a missing file is skipped (Quarto skips it too)."""
    shutil.copytree(REPO / "tests/buchtest", tmp_path / "buch")
    root = tmp_path / "buch"
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config["metadata-files"] = [AUSGABE_DATEI]
    (root / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    ohne = load_book(root)
    assert ohne.title == config["book"]["title"]

    monkeypatch.setenv("SOZIALBERICHT_DATEN", str(REPO / "tests/daten/zweitstadt"))
    monkeypatch.delenv("SOZIALBERICHT_BERICHTSJAHR", raising=False)
    pfad = schreibe_ausgabe(root)
    assert pfad.name == AUSGABE_DATEI and pfad.read_text(encoding="utf-8").startswith("# Geschrieben")
    mit = load_book(root)
    assert mit.title.endswith("in Beispielstadt")
    assert mit.subtitle == "Sozialbericht · Stand: 31.12.2020" and mit.authors == ("Stadt Beispielstadt",)
    assert [c.path for c in mit.chapters] == [c.path for c in ohne.chapters]  # only the title changed

    pfad.write_text("book: [kaputt", encoding="utf-8")
    with pytest.raises(BuildError, match=AUSGABE_DATEI):
        load_book(root)


def test_the_real_config_names_the_edition_file():
    config = yaml.safe_load((REPO / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["metadata-files"] == [AUSGABE_DATEI]
    assert AUSGABE_DATEI in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_titel_and_herausgeber_in_bericht_yml_are_checked(tmp_path):
    pfad = tmp_path / "bericht.yml"
    pfad.write_text("stadt: X\nberichtsjahr: 2018\ngeheimhaltung: {mindestfallzahl: 3}\nbeispieldaten: true\n"
                    "quelle: q\ntitel: [1, 2]\nherausgeber: \"  Stadt   X  \"\n", encoding="utf-8")
    probleme: list = []
    b = lese_bericht(pfad, probleme)
    assert len(probleme) == 1 and probleme[0].spalte == "titel" and probleme[0].zeile == 6
    assert b.herausgeber == "Stadt X" and b.titel is None
