"""Kurzfassung and the appendix lists: computed from the same helpers as the chapters they summarise."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import nbtest
from nbtest import DATEN
from helpers import kurzfassung, verzeichnis
from helpers.build import cache
from helpers.daten.fehler import DatenFehler

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kurz(tmp_path_factory):
    """{folder: executed kurzfassung notebook}."""
    return {ordner: nbtest.ausfuehren("kurzfassung", pfad, tmp_path_factory.mktemp(f"kurz-{ordner}"))
            for ordner, pfad in DATEN.items()}


@pytest.mark.parametrize("ordner", list(DATEN))
def test_kurzfassung_repeats_the_computed_findings(kurz, ordner, tmp_path):
    """Three hops: the summary's findings are exactly the Fazit's and the needs chapter's sentences."""
    from helpers import auswertung, bedarfe, fazit
    from helpers.daten import laden
    from helpers.setup import Kontext

    ctx = Kontext(daten=laden(DATEN[ordner]), ausgabe=tmp_path)
    t3 = auswertung.teil3(ctx)
    out = nbtest.ausgaben(kurz[ordner])
    from helpers import sprache

    artikel = sprache.artikel_aus(ctx.stadtteile)  # the notebook prints through helpers.sprache
    assert nbtest.text(out["txt-kurz-ergebnisse"]) == sprache.satz(fazit.liste(fazit.aussagen(t3)), artikel) + "\n"
    assert nbtest.text(out["txt-kurz-bedarfe"]).startswith(sprache.satz(" ".join(bedarfe.befund(t3.uebersicht)), artikel))
    einleitung = nbtest.text(out["txt-kurz-einleitung"])
    assert ctx.bericht.stadt in einleitung and f"31.12.{ctx.bericht.berichtsjahr}" in einleitung
    assert f"{len(ctx.stadtteile)} Stadtteile" in einleitung
    assert "Beispieldaten" in nbtest.text(out["txt-kurz-datenhinweis"])
    for label in ("txt-kurz-gesamtstadt", "txt-kurz-bedarfe", "txt-kurz-wirkungsziele"):
        assert re.search(r"@sec-[\w-]+", nbtest.text(out[label])), f"{label} nennt sein Kapitel nicht"


def test_kurzfassung_chapter_embeds_every_cell():
    text = (ROOT / "chapters/kurzfassung.qmd").read_text(encoding="utf-8")
    labels = [nbtest.optionen(c.source).get("label") for c in nbtest.lesen("kurzfassung").cells
              if c.cell_type == "code"]
    embedded = set(re.findall(r"embed \.\./notebooks/kurzfassung\.ipynb#([\w-]+)", text))
    assert {x for x in labels if x} == embedded


def test_einleitung_counts_from_the_data():
    bericht = SimpleNamespace(stadt="Teststadt", berichtsjahr=2020)
    katalog = SimpleNamespace(handlungsfelder=pd.DataFrame({"nr": [1, 2]}), indikatoren=pd.DataFrame({"id": list("abc")}))
    satz = kurzfassung.einleitung(bericht, pd.DataFrame({"name": list("xyzw")}), katalog)
    assert "in Teststadt zum Stichtag 31.12.2020" in satz and "4 Stadtteile, in 2 Handlungsfeldern mit 3 Indikatoren" in satz
    assert kurzfassung.wirkungsziele([]).endswith("(@sec-wirkungsziele).")


# --- lists of figures, tables and abbreviations --------------------------------------------------

def test_lists_follow_the_book_order_and_the_captions():
    e = verzeichnis.eintraege(ROOT)
    assert e["label"].is_unique and set(e["art"]) == {"fig", "tbl"}
    # Book order: the first figure of Teil II comes before those of Teil III and the appendix.
    kapitel = list(dict.fromkeys(e["kapitel"]))
    assert kapitel.index("chapters/teil2/hf1-demografie.qmd") < kapitel.index("chapters/teil3/sozialindex.qmd")
    # Each title is the caption of the embedded cell.
    nb = json.loads((ROOT / "notebooks/t3_sozialindex.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        m = re.search(r"^#\| label: (fig-\S+)\n#\| fig-cap: \"(.*)\"$", source, re.M)
        if m:
            assert e.set_index("label").loc[m.group(1), "titel"] == m.group(2)
    liste = verzeichnis.liste(e, "fig")
    assert liste.splitlines()[0].startswith("- @fig-") and len(liste.splitlines()) == (e["art"] == "fig").sum()
    assert verzeichnis.ueberblick(e.iloc[:0]) == "Der Bericht enthält 0 Abbildungen und 0 Tabellen. Jeder Eintrag führt zur Stelle im Bericht."
    eins = pd.DataFrame([{"art": "fig", "label": "fig-a", "titel": "A", "kapitel": "k"}])
    assert verzeichnis.ueberblick(eins).startswith("Der Bericht enthält 1 Abbildung und 0 Tabellen.")


def test_an_embed_without_caption_is_named(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "_quarto.yml").write_text("book: {title: T, chapters: [index.qmd]}\n")
    (tmp_path / "index.qmd").write_text("# T\n\n{{< embed notebooks/n.ipynb#fig-x >}}\n")
    cell = {"cell_type": "code", "source": "#| label: fig-x\nplot()", "metadata": {}, "outputs": []}
    (tmp_path / "notebooks/n.ipynb").write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4}))
    with pytest.raises(ValueError, match="index.qmd: .*fig-x.*keine Beschriftung"):
        verzeichnis.eintraege(tmp_path)


def test_the_list_notebook_depends_on_the_book_sources(tmp_path, monkeypatch):
    """Changing a caption in any notebook re-runs the list notebook (and only that one)."""
    root = tmp_path / "buch"
    (root / "notebooks").mkdir(parents=True)
    (root / "chapters").mkdir()
    (root / "_quarto.yml").write_text("book: {title: T, chapters: [index.qmd]}\n")
    (root / "index.qmd").write_text("# T\n")

    def notebook(name: str, code: str) -> Path:
        path = root / "notebooks" / f"{name}.ipynb"
        cell = {"cell_type": "code", "source": code, "metadata": {}, "outputs": [], "execution_count": None}
        path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
        return path

    liste = notebook("liste", "from helpers import verzeichnis")
    andere = notebook("andere", "#| label: fig-a\n#| fig-cap: \"Alt\"\nplot()")
    inputs = cache.KeyInputs.collect(root)
    key_liste, key_andere = cache.notebook_key(liste, inputs)[0], cache.notebook_key(andere, inputs)[0]
    assert cache.notebook_key(andere, inputs)[1]["buch"] is None
    notebook("andere", "#| label: fig-a\n#| fig-cap: \"Neu\"\nplot()")
    assert cache.notebook_key(liste, inputs)[0] != key_liste
    assert cache.notebook_key(andere, inputs)[0] != key_andere  # its own source changed
    (root / "_quarto-entwurf.yml").write_text("book: {chapters: [index.qmd]}\n")
    before = cache.notebook_key(liste, inputs)[0]
    monkeypatch.setenv("QUARTO_PROFILE", "entwurf")
    assert cache.notebook_key(liste, cache.KeyInputs.collect(root))[0] != before


def test_abbreviations_come_from_the_catalog_and_are_used():
    from helpers.daten import laden

    katalog = laden(ROOT / "data").katalog
    t = katalog.abkuerzungen
    assert {"SGB II", "HzE", "OGS", "BuT"} <= set(t["kuerzel"])
    assert list(t["kuerzel"]) == sorted(t["kuerzel"], key=str.casefold)
    tabelle = verzeichnis.abkuerzungen_tabelle(katalog)
    assert "| SGB VIII" in tabelle and "Kinder- und Jugendhilfe" in tabelle
    # Every listed abbreviation appears in the book's texts (chapters, catalog, computed sentences,
    # the citation style, the bibliography); once is its own entry in the catalog.
    quellen = [*ROOT.glob("chapters/**/*.qmd"), ROOT / "data/indikatoren.yml", *ROOT.glob("src/helpers/*.py"),
               ROOT / "src/helpers/build/assets/sozialbericht.csl", ROOT / "data/literatur.bib"]
    texte = "\n".join(p.read_text(encoding="utf-8") for p in quellen)
    texte = texte.replace("abkuerzungen:", "")
    ungenutzt = [k for k in t["kuerzel"] for teil in [k.split(",")[0]]
                 if len(re.findall(rf"(?<!\w){re.escape(teil)}(?!\w)", texte)) < 2]
    assert not ungenutzt, f"im Bericht nicht verwendet: {ungenutzt}"


def test_a_broken_abbreviation_entry_names_file_and_key(tmp_path):
    import shutil

    folder = shutil.copytree(ROOT / "data", tmp_path / "daten")
    text = (folder / "indikatoren.yml").read_text(encoding="utf-8")
    (folder / "indikatoren.yml").write_text(text.replace("  - kuerzel: KI\n    bedeutung: Konfidenzintervall\n",
                                                         "  - kuerzel: KI\n"), encoding="utf-8")
    from helpers.daten import laden

    with pytest.raises(DatenFehler) as err:
        laden(folder)
    message = str(err.value)
    assert "indikatoren.yml" in message and "„KI“" in message and "bedeutung" in message
