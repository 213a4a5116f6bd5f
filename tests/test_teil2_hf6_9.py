"""Teil II, Handlungsfelder 6–9: notebooks, chapters, Fachbeiträge and the helpers they use.

- every notebook executes on the demo data and on the second data folder (one kernel per
  notebook and folder, run concurrently), with a figure, table or text in every labelled cell
  and no warnings;
- every displayed output comes from a labelled cell with caption and alt text;
- the computed sentences follow the data: the notebook code is run once more, in-process,
  on a copy of the demo data in which the districts' data are passed on cyclically to the
  next district name, and the sentences must name the new extremes;
- each chapter embeds and cross-references all of its notebook's outputs, contains no typed
  numbers and ends with its Fachbeitrag partial.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import shutil
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pandas as pd
import pytest
from nbclient import NotebookClient

from helpers import teil2
from helpers.daten import laden

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
KAPITEL_DIR = ROOT / "chapters" / "teil2"
NOTEBOOKS = {
    "hf6_erziehung": ("hf6-erziehung", 6),
    "hf7_wohnen": ("hf7-wohnen", 7),
    "hf8_teilhabe": ("hf8-teilhabe", 8),
    "hf9_wahlbeteiligung": ("hf9-wahlbeteiligung", 9),
}
from nbtest import DATEN
import nbtest
MAX_SEKUNDEN = 90  # per notebook on a loaded machine; typically a few seconds


_optionen = nbtest.optionen


def _zellen(nb) -> list[tuple[dict, object]]:
    return [(_optionen(c.source), c) for c in nb.cells if c.cell_type == "code"]


def _quelle_nb(name: str):
    return nbformat.read(NB_DIR / f"{name}.ipynb", as_version=4)


# --------------------------------------------------------------------------- executed notebooks


async def _ausfuehren(name: str, ordner: Path, ausgabe: Path, sem: asyncio.Semaphore):
    nb = _quelle_nb(name)
    env = {**os.environ, "SOZIALBERICHT_DATEN": str(ordner), "SOZIALBERICHT_AUSGABE": str(ausgabe),
           "SOZIALBERICHT_ROOT": str(ROOT)}
    async with sem:
        t = time.perf_counter()
        try:
            client = NotebookClient(nb, timeout=120, kernel_name="python3",
                                    resources={"metadata": {"path": str(NB_DIR)}})
            await client.async_execute(env=env)
            fehler = None
        except Exception as err:  # reported by the test of this notebook and folder
            fehler = err
        return nb, time.perf_counter() - t, fehler


@pytest.fixture(scope="module")
def ausgefuehrt(tmp_path_factory):
    """(notebook, data folder) -> (executed notebook, seconds, exception or None)."""
    ausgabe = tmp_path_factory.mktemp("ausgabe")
    paare = [(n, d) for d in DATEN for n in NOTEBOOKS]

    async def alle():
        sem = asyncio.Semaphore(4)
        return await asyncio.gather(*(_ausfuehren(n, DATEN[d], ausgabe, sem) for n, d in paare))

    return dict(zip(paare, asyncio.run(alle())))


FALL = [(n, d) for d in DATEN for n in NOTEBOOKS]


@pytest.mark.parametrize("name,daten", FALL, ids=[f"{n}-{d}" for n, d in FALL])
def test_notebook_laeuft_und_fuellt_jede_zelle(ausgefuehrt, name, daten):
    nb, sekunden, fehler = ausgefuehrt[(name, daten)]
    assert fehler is None, f"{name} auf {daten}: {fehler}"
    assert sekunden < MAX_SEKUNDEN
    for opt, c in _zellen(nb):
        label = opt.get("label")
        stderr = [o.text for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]
        assert not stderr, f"{name}/{label or 'ohne Label'}: Warnung oder Fehlerausgabe: {stderr}"
        if not label:
            continue
        daten_ = [o.data for o in c.outputs if o.output_type in ("display_data", "execute_result")]
        text = "".join(o.text for o in c.outputs if o.output_type == "stream")
        if label.startswith("fig-"):
            assert sum("image/png" in d for d in daten_) == 1, f"{label}: genau eine Abbildung erwartet"
        elif label.startswith("tbl-"):
            md = [d["text/markdown"] for d in daten_ if "text/markdown" in d]
            assert len(md) == 1 and re.search(r"^\|[-:|]+\|$", md[0], re.M), f"{label}: keine Tabelle"
            assert not re.search(r"\bnan\b|\bNone\b|\binf\b", md[0]), f"{label}: {md[0]}"
        elif label != "txt-datenhinweis":
            assert text.strip(), f"{label}: kein Text"
            assert not re.search(r"\bnan\b|\bNaN\b|\bNone\b|\binf\b", text), f"{label}: {text}"
            # German numbers only: no decimal point before a unit
            assert not re.search(r"\d\.\d+ ?(%|‰|m²)", text), f"{label}: {text}"


@pytest.mark.parametrize("name,daten", FALL, ids=[f"{n}-{d}" for n, d in FALL])
def test_ausgaben_nur_aus_beschrifteten_zellen(ausgefuehrt, name, daten):
    """Figures come from fig- cells, Markdown tables from tbl- cells, printed text from
    labelled ``output: asis`` cells: nothing the book shows is unlabelled."""
    nb, _, fehler = ausgefuehrt[(name, daten)]
    if fehler is not None:
        pytest.skip("Notebook lief nicht (siehe test_notebook_laeuft_und_fuellt_jede_zelle)")
    for opt, c in _zellen(nb):
        label = opt.get("label") or ""
        for o in c.outputs:
            if o.output_type in ("display_data", "execute_result") and "image/png" in o.data:
                assert label.startswith("fig-"), f"Abbildung aus Zelle ohne fig-Label: {c.source[:60]}"
            if o.output_type in ("display_data", "execute_result") and "text/markdown" in o.data:
                assert label.startswith("tbl-"), f"Tabelle aus Zelle ohne tbl-Label: {c.source[:60]}"
            if o.output_type == "stream" and o.name == "stdout":
                assert label and opt.get("output") == "asis", f"Text ohne Label/asis: {c.source[:60]}"
    plt.close("all")


# --------------------------------------------------------------------------- static checks


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_zellen_haben_label_beschriftung_und_alternativtext(name):
    kapitel, hf = NOTEBOOKS[name]
    zellen = _zellen(_quelle_nb(name))
    labels = [o["label"] for o, _ in zellen if o.get("label")]
    assert len(labels) == len(set(labels))
    assert "txt-datenhinweis" in labels and f"tbl-hf{hf}-kennzahlen" in labels
    for opt, _ in zellen:
        label = opt.get("label")
        if not label or label == "txt-datenhinweis":
            continue
        assert re.match(rf"(fig|tbl|txt)-hf{hf}-", label), f"{label}: Präfix fig-/tbl-/txt-hf{hf}- erwartet"
        felder = {"fig": ("fig-cap", "fig-alt"), "tbl": ("tbl-cap",), "txt": ()}[label[:3]]
        for f in felder:
            wert = str(opt.get(f) or "")
            assert len(wert) > 20, f"{label}: {f} fehlt oder ist zu knapp"
            assert not re.search(r"\d", wert), f"{label}: {f} enthält eine getippte Zahl: {wert}"
        if label.startswith("fig-"):
            assert opt["fig-alt"] != opt["fig-cap"], f"{label}: Alternativtext wiederholt nur die Bildunterschrift"
        if label.startswith("txt-"):
            assert opt.get("output") == "asis", f"{label}: „#| output: asis“ fehlt"


def _prosa(text: str) -> str:
    """Chapter text without shortcodes, cross-references, citations, section ids, code and paths."""
    from helpers.build.zitate import CITE_RE

    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"\{\{<.*?>\}\}", "", text)
    text = re.sub(r"@(fig|tbl|sec)-[\w-]+", "", text)
    text = CITE_RE.sub("", text)  # a citation key like @schaefer2013 is not a typed number
    text = re.sub(r"\{#[\w-]+\}", "", text)
    return re.sub(r"`[^`]*`", "", text)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_kapitel_bettet_alles_ein_und_verweist(name):
    kapitel, hf = NOTEBOOKS[name]
    pfad = KAPITEL_DIR / f"{kapitel}.qmd"
    text = pfad.read_text(encoding="utf-8")
    labels = [o["label"] for o, _ in _zellen(_quelle_nb(name)) if o.get("label")]
    eingebettet = re.findall(r"\{\{< embed ([^#\s]+)#([\w-]+) >\}\}", text)
    assert {p for p, _ in eingebettet} == {f"../../notebooks/{name}.ipynb"}
    assert [lab for _, lab in eingebettet if lab in labels] == [lab for _, lab in eingebettet]
    assert set(labels) <= {lab for _, lab in eingebettet}, f"nicht eingebettet: {set(labels) - {l for _, l in eingebettet}}"
    for lab in labels:
        if lab.startswith(("fig-", "tbl-")):
            assert f"@{lab}" in text, f"{kapitel}: kein Querverweis auf @{lab}"
    # the demo-data notice comes right after the first section heading
    nach = text.split("\n## ", 1)[1].split("\n", 1)[1].lstrip()
    assert nach.startswith(f"{{{{< embed ../../notebooks/{name}.ipynb#txt-datenhinweis >}}}}")
    assert text.rstrip().endswith(f"{{{{< include _fachbeitrag-hf{hf}.qmd >}}}}")
    assert (KAPITEL_DIR / f"_fachbeitrag-hf{hf}.qmd").is_file()
    assert text.startswith("# ") and f"{{#sec-hf{hf}}}" in text.splitlines()[0]
    treffer = re.findall(r"[^\n]*\d[^\n]*", _prosa(text))
    assert not treffer, f"{kapitel}: getippte Zahlen im Text: {treffer}"


@pytest.mark.parametrize("hf", [6, 7, 8, 9])
def test_fachbeitrag_ist_markiert_und_ohne_zahlen_oder_zitate(hf):
    pfad = KAPITEL_DIR / f"_fachbeitrag-hf{hf}.qmd"
    text = pfad.read_text(encoding="utf-8")
    # draft-only until the office supplies its text: the whole section sits in one draft div
    assert text.startswith('::::: {.content-visible when-profile="entwurf"}\n## Fachbeitrag: ')
    assert text.rstrip().endswith("\n:::::") and text.splitlines().count(":::::") == 1 and "Fachbeitrag steht aus" in text
    kopf = text.split("\n## Stimmen", 1)[0]
    assert "::: {.callout-note}" in kopf and f"`chapters/teil2/_fachbeitrag-hf{hf}.qmd`" in kopf
    assert not re.findall(r"[^\n]*\d[^\n]*", _prosa(text)), "Zahlen gehören in die berechneten Texte"
    assert "Platzhalter" not in text and "Lorem" not in text
    if "## Stimmen aus der qualitativen Befragung" in text:
        stimmen = text.split("## Stimmen aus der qualitativen Befragung", 1)[1]
        assert "Beispielstruktur" in stimmen and "keine Zitate" in stimmen
        assert not re.search(r"[„“”\"»«]", stimmen), "keine (erfundenen) Zitate"


# --------------------------------------------------------------------------- sentences follow the data


def _verschieben(quelle: Path, ziel: Path) -> dict[str, str]:
    """Copy a data folder and pass each district's data on to the next district name (cyclic).

    The names in stadtteile.csv stay in place; in every bestand file each district name
    (as a value or a column header) is replaced by its successor. Returns old -> new name.
    """
    shutil.copytree(quelle, ziel)
    namen = laden(quelle).stadtteile["name"].tolist()
    nach = {a: namen[(i + 1) % len(namen)] for i, a in enumerate(namen)}
    muster = re.compile(r'(?<=[;,"\n])(' + "|".join(re.escape(n) for n in sorted(namen, key=len, reverse=True))
                        + r')(?=[;,"\r\n])')
    for f in (ziel / "bestand").glob("*.csv"):
        text = "\n" + f.read_text(encoding="utf-8")
        f.write_text(muster.sub(lambda m: nach[m.group(1)], text)[1:], encoding="utf-8")
    assert not list((ziel / "bestand").glob("*.xlsx")), "Verschieben unterstützt nur CSV-Dateien"
    return nach


def _inprozess(name: str, ordner: Path, ausgabe: Path, monkeypatch) -> dict[str, str]:
    """Run the notebook's code cells in this process; printed text per label."""
    monkeypatch.setenv("SOZIALBERICHT_DATEN", str(ordner))
    monkeypatch.setenv("SOZIALBERICHT_AUSGABE", str(ausgabe))
    monkeypatch.chdir(NB_DIR)
    ns: dict = {}
    texte = {}
    for opt, c in _zellen(_quelle_nb(name)):
        puffer = io.StringIO()
        with contextlib.redirect_stdout(puffer):
            exec(compile(c.source, f"{name}:{opt.get('label', 'zelle')}", "exec"), ns)
        if opt.get("label"):
            texte[opt["label"]] = puffer.getvalue()
    plt.close("all")
    return texte


def _texte(nb) -> dict[str, str]:
    return {o["label"]: "".join(x.text for x in c.outputs if x.output_type == "stream")
            for o, c in _zellen(nb) if str(o.get("label", "")).startswith("txt-")}


# The district without the article helpers.sprache puts before some names in the notebook ("die Hardt").
HOECHSTER = re.compile(r"Den höchsten Wert für „([^“]+)“ hat (?:der |die |das )?(.+?) mit ")


@pytest.fixture(scope="module")
def verschoben(tmp_path_factory):
    basis = tmp_path_factory.mktemp("verschoben")
    nach = _verschieben(DATEN["demo"], basis / "daten")
    return basis / "daten", nach


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_saetze_folgen_den_daten(ausgefuehrt, verschoben, name, monkeypatch, tmp_path):
    nb, _, fehler = ausgefuehrt[(name, "demo")]
    assert fehler is None
    vorher = _texte(nb)
    ordner, nach = verschoben
    nachher = _inprozess(name, ordner, tmp_path, monkeypatch)
    geprueft = 0
    for label, alt in vorher.items():
        if label == "txt-datenhinweis":
            assert nachher[label] == alt  # no district names in the notice
            continue
        neu = nachher[label]
        alt_hoch = HOECHSTER.findall(alt)
        if alt_hoch:
            assert neu != alt, f"{label}: Text ändert sich nicht, obwohl die Daten andere Stadtteile betreffen"
            # the same value now belongs to the next district: the sentence names it
            erwartet = [(t, nach[s]) for t, s in alt_hoch]
            assert HOECHSTER.findall(neu) == erwartet, f"{label}:\nvorher: {alt}\nnachher: {neu}"
            geprueft += 1
    if name == "hf6_erziehung":
        alt = re.findall(r"bei „([^“]+)“ (.+?) \(", vorher["txt-hf6-hilfearten"])
        assert alt and re.findall(r"bei „([^“]+)“ (.+?) \(", nachher["txt-hf6-hilfearten"]) == \
            [(t, nach[s]) for t, s in alt]
    assert geprueft >= 1


def test_verschieben_gibt_die_daten_weiter(verschoben):
    ordner, nach = verschoben
    alt = laden(DATEN["demo"]).indikatoren
    neu = laden(ordner).indikatoren
    a = alt[(alt["indikator"] == "hze_quote") & (alt["jahr"] == 2016)].set_index("stadtteil")["nenner"]
    b = neu[(neu["indikator"] == "hze_quote") & (neu["jahr"] == 2016)].set_index("stadtteil")["nenner"]
    for name, wert in a.items():
        assert b[nach.get(name, name)] == wert


# --------------------------------------------------------------------------- helpers.teil2


class _Katalog:
    def __init__(self, df):
        self.indikatoren = df

    def indikator(self, id_):
        return self.indikatoren.set_index("id").loc[id_].to_dict() | {"id": id_}


def _zeilen(indikator, werte: dict, jahr=2018, gesperrt=(), nenner=1000.0, faktor=1000):
    rows = []
    for name, z in werte.items():
        g = name in gesperrt
        rows.append(dict(stadtteil=name, jahr=jahr, indikator=indikator, wert=np.nan if g else z / nenner * faktor,
                         zaehler=np.nan if g else z, nenner=nenner, gesperrt=g, unsicher=False))
    rows.append(dict(stadtteil="Gesamtstadt", jahr=jahr, indikator=indikator,
                     wert=sum(werte.values()) / (nenner * len(werte)) * faktor, zaehler=sum(werte.values()),
                     nenner=nenner * len(werte), gesperrt=False, unsicher=False))
    return rows


NAMEN = ["Nord", "Mitte", "Süd"]


def _hze(amb, stat, eh, ges_gesperrt=(), amb_gesperrt=(), stat_gesperrt=()):
    ges = {n: amb[n] + stat[n] for n in NAMEN}
    return pd.DataFrame(_zeilen("ges", ges, gesperrt=ges_gesperrt) + _zeilen("amb", amb, gesperrt=amb_gesperrt)
                        + _zeilen("stat", stat, gesperrt=stat_gesperrt) + _zeilen("eh", eh))


def test_hilfearten_sind_gegen_rueckrechnung_aus_dem_gesamtwert_geschuetzt():
    # ambulant + stationär = insgesamt is a declared sum: the data layer's flags already protect
    # the types, so the table by type never shows a single withheld type next to a published total
    d = laden(DATEN["demo"])
    assert ("hze_ambulant", "hze_stationaer") in d.katalog.teile_von("hze_gesamt")
    arten = ["hze_ambulant_quote", "hze_stationaer_quote"]
    gesehen = 0
    for jahr in sorted(d.indikatoren.loc[d.indikatoren["indikator"] == "hze_quote", "jahr"].unique()):
        tab = teil2.vergleich_mehrere(d.indikatoren, [*arten, "hze_quote"], int(jahr))
        g = tab.pivot(index="stadtteil", columns="indikator", values="gesperrt")
        # a row (district: types + total): none or at least two withheld
        assert not (g.sum(axis=1) == 1).any(), g[g.sum(axis=1) == 1]
        gesehen += int(g[arten].any(axis=1).sum())
    assert gesehen, "Die Demodaten sollen gesperrte Hilfearten zeigen"
    md = teil2.mehrere_markdown(teil2.vergleich_mehrere(d.indikatoren, arten, 2023, d.stadtteile["name"].tolist()),
                                {"hze_ambulant_quote": "ambulant", "hze_stationaer_quote": "stationär"}, "‰",
                                d.stadtteile["name"].tolist())
    assert md.splitlines()[-1].startswith("| **Gesamtstadt** |")


def test_balken_gruppiert_zeigt_gesperrte_werte_und_die_gesamtstadt():
    ind = _hze({"Nord": 20, "Mitte": 30, "Süd": 9}, {"Nord": 2, "Mitte": 8, "Süd": 5}, {"Nord": 4, "Mitte": 6, "Süd": 3},
               stat_gesperrt=("Nord",))
    tab = teil2.vergleich_mehrere(ind, ["amb", "stat", "eh"], 2018, NAMEN)
    fig = teil2.balken_gruppiert(tab, {"amb": "ambulant", "stat": "stationär", "eh": "Eingliederungshilfe"}, "‰",
                                 sortierung={"Nord": 22, "Mitte": 38, "Süd": 14})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Gesamtstadt", "Süd", "Nord", "Mitte"]
    assert len(ax.patches) == 4 * 3 - 1  # one suppressed bar is not drawn
    assert sum(t.get_text() == "• gesperrt" for t in ax.texts) == 1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["ambulant", "stationär", "Eingliederungshilfe"]
    text = teil2.mehrere_text(tab, {"amb": "ambulant", "stat": "stationär"}, "‰")
    assert "bei „ambulant“ Mitte (30,0 ‰; Gesamtstadt 19,7 ‰)" in text
    assert "Über dem Wert der Gesamtstadt liegt bei beiden Arten Mitte." in text
    assert text.endswith("Ein Einzelwert ist aus Gründen des Datenschutzes gesperrt (•).")
    plt.close("all")


def test_konzentration_text():
    ind = pd.DataFrame(
        [dict(stadtteil=n, jahr=2018, indikator="sw", zaehler=z, nenner=w, wert=z / w * 100, gesperrt=False,
              unsicher=False) for n, z, w in [("Nord", 10, 1000), ("Mitte", 60, 1000), ("Süd", 30, 2000)]]
        + [dict(stadtteil="Gesamtstadt", jahr=2018, indikator="sw", zaehler=100, nenner=4000, wert=2.5,
                gesperrt=False, unsicher=False)])
    assert teil2.konzentration_text(ind, "sw", 2018, "der geförderten Wohnungen", "des Wohnungsbestands") == \
        "Auf Mitte entfällt 60,0 % der geförderten Wohnungen, aber nur 25,0 % des Wohnungsbestands."
    assert teil2.konzentration(ind, "sw", 2018, schwelle=80)["stadtteil"].tolist() == ["Mitte", "Süd"]


def test_quelle_und_verwandte_aus_dem_katalog():
    kat = laden(DATEN["demo"]).katalog
    arten = teil2.verwandte(kat, "hze_quote")
    assert "hze_ambulant_quote" in arten and "hze_stationaer_quote" in arten and "hze_quote" not in arten
    assert all(kat.indikator(i)["nenner"] == "bev_u21" for i in arten)
    assert teil2.quelle(_Katalog(pd.DataFrame([dict(id="a", quelle="Jugendamt; Einwohnermelderegister"),
                                               dict(id="b", quelle="Einwohnermelderegister")])), ["a", "b"]) == \
        "Quelle: Jugendamt; Einwohnermelderegister."
