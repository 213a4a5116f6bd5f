"""laden(): the API, folder resolution, caching and the manifest."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from daten.fixtur import MINI, ersetze, kopie

from helpers.daten import Bericht, Datenbestand, DatenFehler, Katalog, Problem, laden
from helpers.daten.ordner import daten_ordner, repo_root


def test_api():
    d = laden(MINI)
    assert isinstance(d, Datenbestand) and d.ordner == MINI.resolve()
    assert d.bericht == Bericht("Teststadt", 2018, 3, 100, True, "Handgemachte Testdaten",
                                titel="Testbuch für den Build", herausgeber="Stadt Teststadt – Sozialplanung")
    assert d.stadtteile["name"].tolist() == ["Nordviertel", "Östrich", "Südfeld"]
    assert d.stadtteile["schluessel"].tolist() == ["01", "02", "03"]
    assert d.stadtteile["flaeche_km2"].tolist() == [2.5, 10.0, 4.0]
    assert isinstance(d.katalog, Katalog)
    assert d.katalog.handlungsfelder["nr"].tolist() == [1, 2, 6, 7, 9]
    i = d.katalog.indikator("sgb2_quote_kinder")
    assert i["zaehler"] == "sgb2_kinder" and i["faktor"] == 100 and bool(i["kern"])
    assert i.get("kurztitel") == i["titel"]  # defaults to titel
    assert d.katalog.indikator("anteil_kinder")["kurztitel"] == "Kinder unter 15"
    assert not d.katalog.indikator("anteil_kinder")["kern"]
    assert d.katalog.merkmal("wohnflaeche")["art"] == "betrag"
    with pytest.raises(KeyError, match="Meinten Sie „sgb2_quote_kinder“"):
        d.katalog.indikator("sgb2_quote_kind")
    assert list(d.bestand.columns) == ["stadtteil", "jahr", "merkmal", "wert", "quelle", "datei", "zeile"]
    assert len(d.bestand) == 18 + 12 + 6
    r = d.bestand[(d.bestand.merkmal == "sgb2_kinder") & (d.bestand.jahr == 2018) & (d.bestand.stadtteil == "Östrich")]
    assert r[["wert", "datei", "zeile"]].values.tolist() == [[2.0, "bestand/sgb2_hze.csv", 6]]
    assert r["quelle"].isna().all()  # file without quelle column
    assert d.bestand.loc[d.bestand.merkmal == "bev", "quelle"].eq("Melderegister").all()


def test_datenfehler_api():
    p = Problem("bestand/a.csv", 3, "wert", "abc", "Der Wert ist keine Zahl.", "Zahl eintragen.")
    e = DatenFehler([p])
    assert e.probleme == [p] and isinstance(e, Exception)
    assert str(e).splitlines()[-2:] == ["  • Zeile 3, Spalte „wert“, Wert „abc“: Der Wert ist keine Zahl.",
                                        "      → Zahl eintragen."]


def test_umgebungsvariable(tmp_path, monkeypatch):
    d = kopie(tmp_path)
    ersetze(d / "bericht.yml", "stadt: Teststadt", "stadt: Andere Stadt")
    monkeypatch.setenv("SOZIALBERICHT_DATEN", str(d))
    assert daten_ordner() == d.resolve()
    assert laden().bericht.stadt == "Andere Stadt"


def test_repo_wurzel(tmp_path, monkeypatch):
    monkeypatch.delenv("SOZIALBERICHT_ROOT", raising=False)
    monkeypatch.delenv("SOZIALBERICHT_DATEN", raising=False)
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "_quarto.yml").write_text("project: {}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "a" / "b")
    assert repo_root() == tmp_path.resolve()
    assert daten_ordner() == (tmp_path / "data").resolve()
    monkeypatch.setenv("SOZIALBERICHT_ROOT", str(tmp_path / "a"))
    assert repo_root() == (tmp_path / "a").resolve()


def test_cache_und_unabhaengige_kopien(tmp_path, monkeypatch):
    from helpers.daten import datenbestand

    aufrufe = []
    echt = datenbestand._laden
    monkeypatch.setattr(datenbestand, "_laden", lambda *a: aufrufe.append(a) or echt(*a))
    d = kopie(tmp_path)
    a = laden(d)
    b = laden(d)
    assert len(aufrufe) == 1
    pd.testing.assert_frame_equal(a.indikatoren, b.indikatoren)
    b.indikatoren.loc[0, "wert"] = -1  # a notebook scribbling on its copy …
    assert laden(d).indikatoren.loc[0, "wert"] == 990  # … does not change the next caller's
    assert a.indikatoren.loc[0, "wert"] == 990


def test_cache_erkennt_geaenderte_dateien(tmp_path):
    d = kopie(tmp_path)
    assert laden(d).indikatoren.loc[0, "wert"] == 990
    ersetze(d / "bestand/bevoelkerung.csv", "Nordviertel;2017;bev;990", "Nordviertel;2017;bev;991")
    assert laden(d).indikatoren.loc[0, "wert"] == 991
    (d / "bestand/extra.csv").write_text("stadtteil;jahr;merkmal;wert\nNirgendwo;2018;bev;1\n", encoding="utf-8")
    with pytest.raises(DatenFehler):
        laden(d)


def test_manifest(tmp_path):
    d = laden(MINI)
    m = d.manifest
    assert list(m.columns) == ["datei", "sha256", "bytes", "zeilen"]
    assert m["datei"].tolist() == ["bericht.yml", "indikatoren.yml", "stadtteile.csv", "bestand/bevoelkerung.csv",
                                   "bestand/sgb2_hze.csv", "bestand/wahl.csv"]
    for r in m.itertuples():
        roh = (MINI / r.datei).read_bytes()
        assert r.sha256 == hashlib.sha256(roh).hexdigest() and r.bytes == len(roh)
    assert m.set_index("datei").loc["bestand/bevoelkerung.csv", "zeilen"] == 18
    assert m.set_index("datei").loc["stadtteile.csv", "zeilen"] == 3


def test_repo_daten_laden_wenn_vorhanden():
    """The repository's own data folder (demo data) passes all checks."""
    ordner = repo_root() / "data"
    d = laden(ordner)
    assert len(d.stadtteile) == 11
    assert set(d.indikatoren["stadtteil"]) == {*d.stadtteile["name"], "Gesamtstadt"}
    assert d.bericht.berichtsjahr in set(d.indikatoren["jahr"])
