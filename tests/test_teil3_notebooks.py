"""Teil III/IV notebooks: they execute on the demo data and on the second data folder, every
labelled cell produces output, the published CSVs have the stated columns and agree with the
helpers, and the chapters embed the cells.

Each notebook is executed once per data folder (the six notebooks of a folder side by side).
Statistics and permutations are checked in-process on the same helpers (tests of the modules),
so no further executions are needed.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

import nbtest
from nbtest import DATEN
from nbtest import optionen as _optionen

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks"
NOTEBOOKS = ["t3_vergleich", "t3_sozialindex", "t3_bildung_armut", "t3_bedarfe", "t3_fazit", "t4_wirkungsziele"]
KAPITEL = {
    "t3_vergleich": "teil3/stadtteilvergleich.qmd", "t3_sozialindex": "teil3/sozialindex.qmd",
    "t3_bildung_armut": "teil3/bildung-armut.qmd", "t3_bedarfe": "teil3/handlungsbedarfe.qmd",
    "t3_fazit": "teil3/fazit.qmd", "t4_wirkungsziele": "teil4/wirkungsziele.qmd",
}


@pytest.fixture(scope="module")
def ergebnisse(tmp_path_factory):
    """{folder: ({notebook: executed notebook}, output folder)}."""
    out = {}
    for ordner, pfad in DATEN.items():
        ausgabe = tmp_path_factory.mktemp(f"t3-{ordner}")
        out[ordner] = (nbtest.ausfuehren_alle(NOTEBOOKS, pfad, ausgabe), ausgabe)
    return out


_ausgaben = nbtest.ausgaben
_text = nbtest.text


@pytest.mark.parametrize("ordner", list(DATEN))
def test_jede_markierte_zelle_hat_ausgabe(ergebnisse, ordner):
    nbs, _ = ergebnisse[ordner]
    fehler = []
    for name, nb in nbs.items():
        for label, outputs in _ausgaben(nb).items():
            if label == "txt-datenhinweis":
                continue
            if label.startswith("fig-"):
                ok = any("image/png" in o.get("data", {}) for o in outputs)
            else:
                ok = bool(_text(outputs).strip())
            if not ok:
                fehler.append(f"{name}#{label}")
    assert not fehler, "Zellen ohne passende Ausgabe: " + ", ".join(fehler)


@pytest.mark.parametrize("ordner", list(DATEN))
def test_sozialindex_csv(ergebnisse, ordner):
    from helpers import sozialindex
    from helpers.daten import laden
    from helpers.regeln import regeldatei

    _, ausgabe = ergebnisse[ordner]
    roh = (ausgabe / "sozialindex.csv").read_bytes()
    # one CSV convention for all downloads (as indikatoren.csv): BOM, semicolon, decimal comma
    assert roh.startswith(b"\xef\xbb\xbf") and b";" in roh.splitlines()[0] and b"," not in roh.splitlines()[0]
    csv = pd.read_csv(ausgabe / "sozialindex.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert csv.columns[:4].tolist() == ["stadtteil", "jahr", "index", "klasse"]
    assert any(c.startswith("z_") for c in csv.columns)
    d = laden(DATEN[ordner])
    assert set(csv["stadtteil"]) == set(d.stadtteile["name"])
    cfg = sozialindex.lade_regeln(regeldatei(d.ordner, "sozialindex.yml"))
    jahr = d.bericht.berichtsjahr
    erwartet = sozialindex.statusindex(d.indikatoren, d.katalog.indikatoren, cfg, jahr).set_index("stadtteil")
    b = csv[csv["jahr"] == jahr].set_index("stadtteil").loc[erwartet.index]
    np.testing.assert_allclose(b["index"], erwartet["index"])
    assert (b["klasse"] == erwartet["klasse"]).all()


@pytest.mark.parametrize("ordner", list(DATEN))
def test_korrelationen_csv(ergebnisse, ordner):
    from scipy import stats

    from helpers import statistik, vergleich
    from helpers.daten import laden
    from helpers.regeln import regeldatei

    _, ausgabe = ergebnisse[ordner]
    csv = pd.read_csv(ausgabe / "korrelationen.csv", sep=";", decimal=",", encoding="utf-8-sig", dtype={"jahr": str})
    assert csv.columns.tolist() == ["x", "y", "methode", "r", "ci_unten", "ci_oben", "p", "p_holm", "p_bh", "n", "jahr"]
    d = laden(DATEN[ordner])
    cfg = statistik.lade_konfiguration(regeldatei(d.ordner, "korrelationen.yml"), d.katalog.indikatoren)
    assert len(csv[csv["jahr"] == str(d.bericht.berichtsjahr)]) == len(statistik.paare(cfg)) * len(cfg["methoden"])
    # every computed coefficient agrees with scipy on the published values (a suppressed one leaves the pair)
    w = vergleich.matrix(d.indikatoren, d.bericht.berichtsjahr, cfg["bildung"] + cfg["armut"])
    for _, z in csv[csv["methode"].isin(["pearson", "spearman"]) & csv["r"].notna()].iterrows():
        ok = w[[z["x"], z["y"]]].dropna()
        ref = stats.pearsonr if z["methode"] == "pearson" else stats.spearmanr
        assert z["r"] == pytest.approx(ref(ok[z["x"]], ok[z["y"]]).statistic)
        assert z["n"] == len(ok) and z["ci_unten"] <= z["r"] <= z["ci_oben"]


def test_demobuch_wertet_jedes_paar_auf_seinen_veroeffentlichten_werten_aus(ergebnisse):
    """End to end: every configured pair in the Berichtsjahr, each on the districts whose two values
    are published (never on a suppressed value), and the pooled pairs never on fewer districts."""
    from helpers import statistik, vergleich
    from helpers.daten import laden
    from helpers.regeln import regeldatei

    _, ausgabe = ergebnisse["demo"]
    csv = pd.read_csv(ausgabe / "korrelationen.csv", sep=";", decimal=",", encoding="utf-8-sig", dtype={"jahr": str})
    d = laden(DATEN["demo"])
    cfg = statistik.lade_konfiguration(regeldatei(d.ordner, "korrelationen.yml"), d.katalog.indikatoren)
    jahr = csv[csv["jahr"] == str(d.bericht.berichtsjahr)]
    assert len(jahr) == len(statistik.paare(cfg)) * len(cfg["methoden"])
    w = vergleich.matrix(d.indikatoren, d.bericht.berichtsjahr, cfg["bildung"] + cfg["armut"])
    for _, z in jahr.iterrows():
        assert z["n"] == len(w[[z["x"], z["y"]]].dropna()) <= len(d.stadtteile)
    assert (jahr["n"] < len(d.stadtteile)).any()  # the demo data suppress values in small districts
    gepoolt = csv[csv["jahr"] != str(d.bericht.berichtsjahr)]
    if len(gepoolt):
        n_jahr = jahr.set_index(["x", "y", "methode"])["n"]
        n_pool = gepoolt.assign(methode=gepoolt["methode"].str.removesuffix("_gepoolt")).set_index(["x", "y", "methode"])["n"]
        assert (n_pool >= n_jahr.reindex(n_pool.index)).all()


def test_demobuch_kein_bedarf_aus_struktureller_null_oder_standort(ergebnisse):
    """End to end (issue 10): no need is flagged from a declared structural zero or location-based
    indicator – in the computed needs and in the published evidence table."""
    import helpers
    from helpers import auswertung, bedarfe

    nbs, _ = ergebnisse["demo"]
    ctx = helpers.setup(DATEN["demo"])
    t3 = auswertung.teil3(ctx)
    kat = ctx.katalog.indikatoren.set_index("id")
    erklaert = set(kat.index[kat["standortbezogen"] | kat["strukturelle_null"]])
    assert "ogs_quote" in erklaert
    tr = t3.treffer
    assert not len(tr[(tr["bewertung"] == bedarfe.BEDARF) & tr["indikator"].isin(erklaert)])
    # the structural zeros of the demo data reach the rules and are shown as not assessable
    null = tr[(tr["indikator"] == "ogs_quote") & (tr["wert"] == 0)]
    assert len(null) and (null["bewertung"] == bedarfe.NICHT_BEWERTBAR).all()
    tabelle = _text(_ausgaben(nbs["t3_bedarfe"])["tbl-bedarfe-begruendung"])
    zeilen = [z for z in tabelle.splitlines() if "OGS-Plätze" in z]
    assert zeilen and all("nicht bewertbar" in z for z in zeilen)
    # every need in the table shows its evidence: value, cases and threshold
    for z in tabelle.splitlines():
        if "Bedarf |" in z and "(Klasse" not in z:
            zellen = [c.strip() for c in z.strip("|").split("|")]
            assert zellen[4] and zellen[7], z


def test_befunde_nennen_was_die_analyse_nicht_zeigt(ergebnisse):
    nbs, _ = ergebnisse["demo"]
    text = _text(_ausgaben(nbs["t3_bildung_armut"])["txt-korrelation-grenzen"])
    assert "ökologischer Fehlschluss" in text and "keine Ursache" in text and "0,60" in text
    assert "**0,60**" in _text(_ausgaben(nbs["t3_bildung_armut"])["txt-korrelation-rkrit"])
    for name in NOTEBOOKS:
        hinweis = _text(_ausgaben(nbs[name])["txt-datenhinweis"])
        assert "Beispieldaten" in hinweis, name


def test_saetze_folgen_den_daten(ergebnisse):
    demo = _text(_ausgaben(ergebnisse["demo"][0]["t3_sozialindex"])["txt-sozialindex-befund"])
    zweit = _text(_ausgaben(ergebnisse["zweitstadt"][0]["t3_sozialindex"])["txt-sozialindex-befund"])
    assert demo != zweit
    namen = pd.read_csv(DATEN["zweitstadt"] / "stadtteile.csv", sep=";")["name"]
    assert any(n in zweit for n in namen)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_kapitel_bettet_alle_markierten_zellen_ein(name):
    text = (ROOT / "chapters" / KAPITEL[name]).read_text(encoding="utf-8")
    nb = nbformat.read(NB / f"{name}.ipynb", as_version=4)
    labels = [_optionen(c.source).get("label") for c in nb.cells if c.cell_type == "code"]
    eingebettet = set(re.findall(rf"embed \.\./\.\./notebooks/{name}\.ipynb#([\w-]+)", text))
    fehlend = [x for x in labels if x and x not in eingebettet]
    assert not fehlend, f"{KAPITEL[name]} bettet nicht ein: {fehlend}"
    for ref in re.findall(r"@((?:fig|tbl)-[\w-]+)", text):
        assert ref in labels or any(ref in (ROOT / "notebooks").joinpath(n + ".ipynb").read_text(encoding="utf-8")
                                    for n in NOTEBOOKS), ref


@pytest.mark.parametrize("ordner", list(DATEN))
def test_fazit_kommt_aus_den_helfern(ergebnisse, ordner, tmp_path):
    """Three hops: the embedded Fazit is exactly what helpers.fazit computes from helpers.auswertung."""
    from helpers import auswertung, fazit
    from helpers.daten import laden
    from helpers.setup import Kontext

    t3 = auswertung.teil3(Kontext(daten=laden(DATEN[ordner]), ausgabe=tmp_path))
    nbs, _ = ergebnisse[ordner]
    from helpers import sprache

    artikel = sprache.artikel_aus(laden(DATEN[ordner]).stadtteile)  # the notebook prints through helpers.sprache
    assert _text(_ausgaben(nbs["t3_fazit"])["txt-fazit"]) == sprache.satz(fazit.liste(fazit.aussagen(t3)), artikel) + "\n"
