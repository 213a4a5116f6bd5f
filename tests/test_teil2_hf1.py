"""Teil II, Handlungsfeld 1 and the overview: notebooks, generated text, overview logic.

- both notebooks (``hf1_demografie``, ``t2_ueberblick``) execute on the demo data and on
  ``tests/daten/zweitstadt`` (each notebook twice, no more), and every figure, table and
  text cell yields its output;
- every figure and table cell carries a label, a caption and alt text without typed numbers;
- the generated sentences follow the data: with the district names permuted in a copy
  of the data folder they name the new extremes;
- ``helpers.ueberblick``: comparison years for elections, the assessment by ``richtung``,
  districts above and below the city value.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

import helpers
from helpers import demografie as dg
from helpers import monitoring, tabellen, ueberblick
from helpers.daten.katalog import Katalog
import nbtest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EIGENE = ["hf1_demografie", "t2_ueberblick"]
ZWEITSTADT = ROOT / "tests" / "daten" / "zweitstadt"
DEMO = ROOT / "data"


# ---------------------------------------------------------------- cell options (static)


optionen = nbtest.optionen


def zellen(name: str) -> list[tuple[dict, nbformat.NotebookNode]]:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    return [(optionen(c.source), c) for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("name", EIGENE)
def test_every_figure_and_table_cell_has_label_caption_and_alt_text(name):
    praefix = "hf1" if name.startswith("hf1") else "t2"
    gesehen = []
    for opt, c in zellen(name):
        label = opt.get("label")
        if "plt." in c.source or "_abbildung(" in c.source:
            assert label and label.startswith("fig-"), f"{name}: Abbildungszelle ohne fig-Label:\n{c.source[:200]}"
        if "Markdown(" in c.source or "vergleich_tabelle(" in c.source or "kennzahlen(" in c.source:
            assert label and label.startswith("tbl-"), f"{name}: Tabellenzelle ohne tbl-Label:\n{c.source[:200]}"
        if not label:
            continue
        gesehen.append(label)
        if label != "txt-datenhinweis":
            assert label.split("-")[1] == praefix, f"{label}: Label ohne Präfix „{praefix}“ (Buch-weit eindeutig)"
        if label.startswith("fig-"):
            for feld in ("fig-cap", "fig-alt"):
                assert str(opt.get(feld, "")).strip(), f"{label}: {feld} fehlt"
                assert not re.search(r"\d", opt[feld]), f"{label}: {feld} enthält eine getippte Zahl"
            assert len(opt["fig-alt"]) > 60, f"{label}: Alternativtext zu knapp"
        elif label.startswith("tbl-"):
            assert str(opt.get("tbl-cap", "")).strip(), f"{label}: tbl-cap fehlt"
            assert not re.search(r"\d", opt["tbl-cap"]), f"{label}: tbl-cap enthält eine getippte Zahl"
        else:
            assert opt.get("output") == "asis", f"{label}: Textzelle braucht output: asis"
    assert len(gesehen) == len(set(gesehen)), "doppelte Labels"
    assert "txt-datenhinweis" in gesehen


def test_chapters_cross_reference_every_figure_and_table_they_embed():
    for qmd, nb in (("hf1-demografie.qmd", "hf1_demografie"), ("ueberblick.qmd", "t2_ueberblick")):
        text = (ROOT / "chapters" / "teil2" / qmd).read_text(encoding="utf-8")
        labels = [o["label"] for o, _ in zellen(nb) if o.get("label")]
        for label in labels:
            assert f"{nb}.ipynb#{label}>" in text.replace(" >", ">"), f"{qmd}: {label} nicht eingebettet"
            if label.startswith(("fig-", "tbl-")):
                assert f"@{label}" in text, f"{qmd}: @{label} wird im Text nicht referenziert"
        # no data figures in the prose; list numbering and the fixed Stichtag "31. Dezember" are not data
        prosa = re.sub(r"\{\{<.*?>\}\}|\{#[^}]*\}|@\S+|`[^`]*`|^\d+\. |31\. Dezember", "", text, flags=re.M)
        assert not re.search(r"\d", prosa), f"{qmd}: getippte Zahl im Kapiteltext"
    hf1 = (ROOT / "chapters" / "teil2" / "hf1-demografie.qmd").read_text(encoding="utf-8")
    assert "{{< include _fachbeitrag-hf1.qmd >}}" in hf1
    beitrag = (ROOT / "chapters" / "teil2" / "_fachbeitrag-hf1.qmd").read_text(encoding="utf-8")
    assert beitrag.startswith('::::: {.content-visible when-profile="entwurf"}\n## Fachbeitrag:') and "_fachbeitrag-hf1.qmd" in beitrag and ".callout-note" in beitrag
    assert not re.search(r"\d", re.sub(r"`[^`]*`|\{#[^}]*\}", "", beitrag))


# ---------------------------------------------------------------- execution (each notebook twice)


def ausfuehren(name: str, daten: Path, ausgabe: Path) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOZIALBERICHT_DATEN", str(daten))
        mp.setenv("SOZIALBERICHT_AUSGABE", str(ausgabe))
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


@pytest.fixture(scope="module", params=[("demo", DEMO), ("zweitstadt", ZWEITSTADT)], ids=["demo", "zweitstadt"])
def ausgefuehrt(request, tmp_path_factory):
    art, daten = request.param
    ausgabe = tmp_path_factory.mktemp(f"ausgabe_{art}")
    return art, {name: ausfuehren(name, daten, ausgabe) for name in EIGENE}


def ausgaben(nb) -> dict[str, list]:
    out = {}
    for c in nb.cells:
        if c.cell_type == "code":
            label = optionen(c.source).get("label")
            if label:
                out[label] = c.get("outputs", [])
    return out


def text_von(outputs) -> str:
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.get("name") == "stdout")


def test_notebooks_give_every_embedded_output(ausgefuehrt):
    art, nbs = ausgefuehrt
    stadt = "Dorsten" if art == "demo" else "Beispielstadt"
    for name, nb in nbs.items():
        for label, outs in ausgaben(nb).items():
            assert not [o for o in outs if o.output_type == "error"], f"{name}#{label}: Fehler"
            if label.startswith("fig-"):
                bilder = [o for o in outs if "data" in o and "image/png" in o["data"]]
                assert len(bilder) == 1, f"{name}#{label}: erwartet genau eine Abbildung, gefunden {len(bilder)}"
            elif label.startswith("tbl-"):
                md = [o["data"]["text/markdown"] for o in outs if "data" in o and "text/markdown" in o["data"]]
                assert md and md[0].count("\n|") >= 3, f"{name}#{label}: keine Markdown-Tabelle"
                assert not re.search(r"\bnan\b|None", md[0]), f"{name}#{label}: nan in der Tabelle"
            else:
                text = text_von(outs)
                assert text.strip(), f"{name}#{label}: kein Text"
                assert not re.search(r"\bnan\b|\bNaN\b|None", text), f"{name}#{label}: {text}"
                if label.startswith("txt-hf1-") and label != "txt-hf1-altersgruppen":
                    assert "Quelle: " in text, f"{name}#{label}: Quellenangabe fehlt"
    hf1 = ausgaben(nbs["hf1_demografie"])
    assert stadt in text_von(hf1["txt-hf1-bevoelkerung"])
    assert stadt in text_von(nbs["t2_ueberblick"].cells[-1].outputs)


def test_overview_lists_every_key_indicator_once(ausgefuehrt):
    art, nbs = ausgefuehrt
    md = ausgaben(nbs["t2_ueberblick"])["tbl-t2-gesamtstadt"][0]["data"]["text/markdown"]
    katalog = yaml.safe_load((ROOT / "data" / "indikatoren.yml").read_text(encoding="utf-8"))
    kern = [i["titel"] for i in katalog["indikatoren"] if i.get("kern")]
    for titel in kern:
        assert md.count(f"| {titel} |") == 1, titel
    assert md.count("\n| **") == len(katalog["handlungsfelder"])  # one heading row per Handlungsfeld


# ---------------------------------------------------------------- generated sentences follow the data


def permutierte_kopie(quelle: Path, ziel: Path) -> dict[str, str]:
    """Copy a data folder and move every district's data to the next district name (cyclically)."""
    shutil.copytree(quelle, ziel)
    namen = pd.read_csv(ziel / "stadtteile.csv", sep=";", dtype=str)["name"].tolist()
    abbildung = dict(zip(namen, namen[1:] + namen[:1]))
    for datei in (ziel / "bestand").glob("*.csv"):
        with datei.open(encoding="utf-8", newline="") as f:
            zeilen = list(csv.reader(f, delimiter=";"))
        kopf = zeilen[0]
        if "stadtteil" in kopf:  # long layout: rename the column values
            i = kopf.index("stadtteil")
            for z in zeilen[1:]:
                z[i] = abbildung.get(z[i], z[i])
        else:  # wide layout: rename the district columns
            zeilen[0] = [abbildung.get(k, k) for k in kopf]
        with datei.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter=";").writerows(zeilen)
    return abbildung


def saetze(ctx) -> dict[str, str]:
    hf = dg.handlungsfeld(ctx, 1)
    ind, jahr = hf.indikatoren, ctx.jahr
    erstes = int(ind["jahr"].min())
    vj = tabellen.vergleichsjahr(ind, jahr)
    gruppen = dg.altersgruppen(ctx.katalog.indikatoren)
    salden = dg.salden(ind, jahr, ctx.reihenfolge)
    return {
        "bevoelkerung": dg.entwicklung_text(dg.entwicklung_tabelle(ind, erstes, jahr, ctx.reihenfolge),
                                            ctx.bericht.stadt, erstes, jahr),
        "altersgruppen": dg.altersgruppen_text(dg.altersanteile(ind, gruppen, jahr, ctx.reihenfolge), gruppen),
        "salden": dg.salden_text(salden, dg.salden_zeitreihe(ind), ctx.bericht.stadt, jahr),
        "quotienten": dg.quotienten_text(dg.quotienten(ind, jahr, vj, ctx.reihenfolge), ctx.bericht.stadt, jahr, vj),
        "nichtdeutsch": monitoring.befund(hf, "anteil_nichtdeutsch"),
        "alleinerziehende": monitoring.befund(hf, "anteil_alleinerziehende"),
    }


def extreme(tab: pd.DataFrame, spalte: str) -> tuple[str, str]:
    t = tab[(tab["stadtteil"] != "Gesamtstadt")].dropna(subset=[spalte])
    return t.loc[t[spalte].idxmax(), "stadtteil"], t.loc[t[spalte].idxmin(), "stadtteil"]


def test_generated_sentences_name_the_new_extremes_after_permuting_districts(tmp_path, monkeypatch):
    monkeypatch.setenv("SOZIALBERICHT_AUSGABE", str(tmp_path / "ausgabe"))
    vorher_ctx = helpers.setup(ZWEITSTADT)
    abbildung = permutierte_kopie(ZWEITSTADT, tmp_path / "permutiert")
    nachher_ctx = helpers.setup(tmp_path / "permutiert")
    vorher, nachher = saetze(vorher_ctx), saetze(nachher_ctx)
    for schluessel in vorher:
        assert vorher[schluessel] != nachher[schluessel], f"{schluessel}: Text ändert sich nicht mit den Daten"

    # the districts named as extremes move with their data
    for ctx, text in ((vorher_ctx, vorher), (nachher_ctx, nachher)):
        ind = dg.handlungsfeld(ctx, 1).indikatoren
        bev = dg.entwicklung_tabelle(ind, int(ind["jahr"].min()), ctx.jahr, ctx.reihenfolge)
        hoch, tief = extreme(bev, "veraenderung_prozent")
        assert re.search(rf"{re.escape(hoch)} am (stärksten gewachsen|wenigsten geschrumpft)", text["bevoelkerung"])
        assert re.search(rf"{re.escape(tief)} am (stärksten geschrumpft|wenigsten gewachsen)", text["bevoelkerung"])
        nd = tabellen.vergleich(ind, "anteil_nichtdeutsch", ctx.jahr, ctx.reihenfolge)
        hoch, tief = extreme(nd, "wert")
        assert f"hat {hoch} mit" in text["nichtdeutsch"] and f"den niedrigsten {tief} mit" in text["nichtdeutsch"]
    ind = dg.handlungsfeld(vorher_ctx, 1).indikatoren
    hoch_vorher = extreme(tabellen.vergleich(ind, "anteil_nichtdeutsch", vorher_ctx.jahr), "wert")[0]
    assert f"hat {abbildung[hoch_vorher]} mit" in nachher["nichtdeutsch"]

    # the overview sentences do not depend on district names, but its counts come from the data
    t = ueberblick.gesamtstadt(nachher_ctx.indikatoren, nachher_ctx.katalog, nachher_ctx.jahr)
    assert (t["ueber"].fillna(0) + t["unter"].fillna(0) <= t["stadtteile"]).all()


# ---------------------------------------------------------------- overview logic


def kleiner_katalog() -> Katalog:
    hf = pd.DataFrame({"nr": [1, 2], "titel": ["Eins", "Zwei"], "kapitel": ["a", "b"]})
    mm = pd.DataFrame({"id": ["z", "n", "w", "wb"], "jaehrlich": [True, True, False, False],
                       "art": "anzahl", "beschreibung": "", "einheit": "Personen", "quelle": "Q"})
    ik = pd.DataFrame({
        "id": ["last", "vort", "neut", "wahl"], "titel": ["Belastung", "Vorteil", "Neutral", "Wahl"],
        "kurztitel": ["B", "V", "N", "W"], "handlungsfeld": [1, 1, 2, 2], "zaehler": ["z", "z", "z", "w"],
        "nenner": ["n", "n", "n", "wb"], "faktor": 100, "einheit": "%",
        "richtung": ["belastung", "vorteil", "neutral", "vorteil"], "kern": True,
        "quelle": ["Amt A", "Amt A", "Amt B; Amt A", "Wahlamt"],
    })
    return Katalog(hf, mm, ik)


def zeile(ind, st, j, w):
    return dict(stadtteil=st, jahr=j, indikator=ind, wert=w, zaehler=np.nan, nenner=np.nan,
                gesperrt=np.isnan(w), unsicher=False)


def kleine_tabelle() -> pd.DataFrame:
    rows = []
    for j in range(2013, 2019):
        d = j - 2013
        for ind, stadt, teile in (("last", 10 - d, [8, 10 - d, np.nan]),
                                  ("vort", 50 + d, [40, 60, 50 + d]),
                                  ("neut", 5.0, [5.0, 5.04, 4.0])):
            rows += [zeile(ind, s, j, w) for s, w in zip(["A", "B", "C"], teile)]
            rows.append(zeile(ind, "Gesamtstadt", j, stadt))
    for j, w in ((2009, 55.0), (2014, 52.0), (2017, 60.0), (2020, 61.0)):  # elections, also one after the Stichtag
        rows += [zeile("wahl", s, j, w + k) for k, s in enumerate(["A", "B", "C"])]
        rows.append(zeile("wahl", "Gesamtstadt", j, w))
    return pd.DataFrame(rows)


def test_overview_years_values_and_assessment():
    kat, ind = kleiner_katalog(), kleine_tabelle()
    t = ueberblick.gesamtstadt(ind, kat, 2018).set_index("indikator")
    # comparison year five years back among annual indicators; elections: latest up to the Stichtag
    assert t.loc["last", "jahr_vorher"] == 2013 and t.loc["last", "veraenderung"] == pytest.approx(-5)
    assert (t.loc["wahl", "jahr"], t.loc["wahl", "jahr_vorher"]) == (2017, 2009)
    assert t.loc["wahl", "veraenderung"] == pytest.approx(5)
    assert t.loc["last", "bewertung"] == ueberblick.GUENSTIGER  # burden fell
    assert t.loc["vort", "bewertung"] == ueberblick.GUENSTIGER  # advantage rose
    assert t.loc["neut", "bewertung"] == ueberblick.OHNE_WERTUNG
    # suppressed C is counted neither above nor below, nor is B, which equals the city
    assert (t.loc["last", "ueber"], t.loc["last", "unter"], t.loc["last", "stadtteile"]) == (1, 0, 2)
    assert (t.loc["neut", "ueber"], t.loc["neut", "unter"]) == (0, 1)  # B is off by less than the rounding


def test_bewertung_rounds_to_the_published_precision():
    assert ueberblick.bewertung(0.04, "belastung") == ueberblick.UNVERAENDERT
    assert ueberblick.bewertung(0.06, "belastung") == ueberblick.UNGUENSTIGER
    assert ueberblick.bewertung(-0.06, "vorteil") == ueberblick.UNGUENSTIGER
    assert ueberblick.bewertung(np.nan, "vorteil") == ueberblick.KEIN_VERGLEICH
    assert ueberblick.bewertung(3.0, "neutral") == ueberblick.OHNE_WERTUNG


def test_overview_markdown_and_sentences():
    kat, ind = kleiner_katalog(), kleine_tabelle()
    t = ueberblick.gesamtstadt(ind, kat, 2018)
    md = ueberblick.gesamtstadt_markdown(t, kat, 2018, 2013)
    assert "| **1 Eins** |" in md and "| **2 Zwei** |" in md
    assert "| Wahl | % | 60,0 (2017) | 55,0 (2009) | +5,0 Pp. | 2 / 0 | günstiger |" in md
    assert "| Belastung | % | 5,0 | 10,0 | −5,0 Pp. | 1 / 0 | günstiger |" in md
    text = ueberblick.bilanz_text(t, "Musterstadt", 2018, 2013)
    assert "Von den 4 Kernindikatoren aus 2 Handlungsfeldern haben 3 eine Wertungsrichtung" in text
    assert "bei 3 davon günstiger und bei 0 ungünstiger" in text and "„N“" in text
    hinweis = ueberblick.hinweise_text(t, 2018, 2013, kat)
    assert "(W)" in hinweis and hinweis.endswith("Quelle: Amt A; Amt B; Wahlamt; eigene Berechnung.")
    # worse data gives other sentences
    schlechter = ind.assign(wert=np.where(ind["indikator"] == "vort", 100 - ind["wert"], ind["wert"]))
    t2 = ueberblick.gesamtstadt(schlechter, kat, 2018)
    text2 = ueberblick.bilanz_text(t2, "Musterstadt", 2018, 2013)
    assert "bei 2 davon günstiger und bei 1 ungünstiger" in text2 and "Ungünstiger entwickelt haben sich: V." in text2
