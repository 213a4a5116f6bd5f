"""Anhang: district profiles, glossary, methods, sources and colophon.

The notebooks are executed with nbclient (once per data folder and notebook) on the
demo data and on ``tests/daten/zweitstadt``; the pure functions behind them are
checked against hand-computed values on small tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from pathlib import Path

import nbclient
import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

from helpers import anhang, steckbriefe
from helpers.daten import laden

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DEMO = ROOT / "data"
ZWEITSTADT = ROOT / "tests" / "daten" / "zweitstadt"
MINI = ROOT / "tests" / "daten" / "mini"


def ausfuehren(name: str, daten: Path, ausgabe: Path) -> dict[str, str]:
    """Execute ``notebooks/<name>.ipynb`` on ``daten``; return the text output per cell label."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    alt = {k: os.environ.get(k) for k in ("SOZIALBERICHT_DATEN", "SOZIALBERICHT_AUSGABE")}
    os.environ["SOZIALBERICHT_DATEN"] = str(daten)
    os.environ["SOZIALBERICHT_AUSGABE"] = str(ausgabe)
    try:
        nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    finally:
        for k, v in alt.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    out = {}
    for c in nb.cells:
        m = re.search(r"^#\|\s*label:\s*(\S+)", c.source, re.M) if c.cell_type == "code" else None
        if not m:
            continue
        teile = []
        for o in c.get("outputs", []):
            if o.get("output_type") == "stream":
                teile.append(o["text"])
            data = o.get("data", {})
            teile.append(data.get("text/markdown", ""))
            if "image/png" in data:
                teile.append("<PNG>")
        out[m.group(1)] = "".join(teile)
    return out


@pytest.fixture(scope="module")
def ausgabe(tmp_path_factory):
    return tmp_path_factory.mktemp("ausgabe")


@pytest.fixture(scope="module")
def steckbriefe_demo(ausgabe):
    return ausfuehren("anhang_steckbriefe", DEMO, ausgabe)


@pytest.fixture(scope="module")
def steckbriefe_zweitstadt(ausgabe):
    return ausfuehren("anhang_steckbriefe", ZWEITSTADT, ausgabe)


def namen(ordner: Path) -> list[str]:
    return pd.read_csv(ordner / "stadtteile.csv", sep=";", dtype=str)["name"].str.strip().tolist()


def profil_ueberschriften(text: str) -> list[str]:
    return re.findall(r"^## (.+?) \{#anhang-stadtteil-[a-z0-9-]+\}$", text, re.M)


# --------------------------------------------------------------------------- profiles


@pytest.mark.parametrize("ordner, fixture", [(DEMO, "steckbriefe_demo"), (ZWEITSTADT, "steckbriefe_zweitstadt")])
def test_ein_steckbrief_je_stadtteil_des_datenordners(ordner, fixture, request):
    out = request.getfixturevalue(fixture)
    text = out["txt-anhang-steckbriefe"]
    assert profil_ueberschriften(text) == namen(ordner)
    # each profile has its key-figure table with the district as a column and a caption
    for n in namen(ordner):
        assert f"| {n} | Gesamtstadt | Abweichung | Lage |" in text
        # the caption is a sentence: "in der Altstadt" where the district takes an article
        assert re.search(rf": Kernindikatoren in (?:der |dem )?{re.escape(n)} und in der Gesamtstadt am 31\.12\.", text), n
    assert "<PNG>" in out["fig-anhang-karten"] and "<PNG>" in out["fig-anhang-steckbriefe-trends"]


def test_zweitstadt_zeigt_nur_ihre_stadtteile(steckbriefe_zweitstadt):
    alles = "\n".join(steckbriefe_zweitstadt.values())
    for dorsten in set(namen(DEMO)) - set(namen(ZWEITSTADT)):
        assert dorsten not in alles
    assert "Beispielstadt" in steckbriefe_zweitstadt["txt-anhang-steckbriefe-lesehilfe"]


def test_steckbrief_werte_stimmen_mit_indikatortabelle(steckbriefe_demo):
    d = laden(DEMO)
    kat = d.katalog.indikatoren
    kern = kat[kat["kern"].fillna(False).astype(bool) & kat["nenner"].notna()]
    i = kern.iloc[0]["id"]
    t = d.indikatoren[(d.indikatoren["indikator"] == i) & (d.indikatoren["jahr"] == d.bericht.berichtsjahr)]
    stadt = t[t["stadtteil"] == "Gesamtstadt"]["wert"].iloc[0]
    text = steckbriefe_demo["txt-anhang-steckbriefe"]
    for _, r in t[t["stadtteil"] != "Gesamtstadt"].iterrows():
        abschnitt = text.split(f"## {r['stadtteil']} {{#")[1].split("\n## ")[0]
        zeile = next(z for z in abschnitt.splitlines() if f"(glossar.qmd#ind-{i})" in z)
        zellen = [z.strip() for z in zeile.strip("|").split("|")]
        assert zellen[1].endswith(f" ({kern.iloc[0]['einheit']})") or zellen[1].endswith(f"; {kern.iloc[0]['einheit']})")
        if r["gesperrt"]:
            assert zellen[2] == "•" and zellen[4] == "•"
        else:
            assert zellen[2].rstrip("°") == f"{r['wert']:.1f}".replace(".", ",")
            assert zellen[3] == f"{stadt:.1f}".replace(".", ",")


def test_steckbrief_index_und_bedarfe_wenn_teil3_regeln_da(steckbriefe_demo):
    text = steckbriefe_demo["txt-anhang-steckbriefe"]
    assert anhang.regel_datei(DEMO, "sozialindex.yml") is not None
    assert text.count("Sozialindex: ") == len(namen(DEMO))
    assert "Handlungsbedarf" in text


def test_kennzahlen_von_hand(tmp_path):
    d = laden(MINI)
    tab = steckbriefe.kennzahlen(d.indikatoren, d.katalog.indikatoren, "Nordviertel", 2018)
    quote = tab.set_index("indikator").loc["sgb2_quote_kinder"]
    # Nordviertel 2018: 40 of 200 children; city: sum of numerators / sum of denominators
    ind = d.indikatoren.set_index(["stadtteil", "jahr", "indikator"])
    z, n = ind.loc[("Gesamtstadt", 2018, "sgb2_quote_kinder"), ["zaehler", "nenner"]]
    assert quote["wert"] == pytest.approx(20.0)
    assert quote["stadt"] == pytest.approx(z / n * 100)
    assert quote["differenz"] == pytest.approx(20.0 - z / n * 100)
    einwohner = tab.set_index("indikator").loc["einwohner"]
    assert np.isnan(einwohner["differenz"])  # absolute figure: no difference to the city total
    gesperrt = steckbriefe.kennzahlen(d.indikatoren, d.katalog.indikatoren, "Östrich", 2018)
    g = gesperrt.set_index("indikator").loc["sgb2_quote_kinder"]
    assert g["gesperrt"] and np.isnan(g["wert"]) and np.isnan(g["differenz"])


@pytest.mark.parametrize("differenz, richtung, sd, erwartet", [
    (3.0, "belastung", 1.0, "ungünstiger"),
    (3.0, "vorteil", 1.0, "günstiger"),
    (-3.0, "vorteil", 1.0, "ungünstiger"),
    (0.5, "belastung", 1.0, "ähnlich"),
    (3.0, "neutral", 1.0, "–"),
    (3.0, "belastung", np.nan, "–"),
])
def test_lage_nach_lesart_und_streuung(differenz, richtung, sd, erwartet):
    assert steckbriefe.lage_text(differenz, richtung, sd) == erwartet


def test_bedarfe_je_indikator_nur_hoechste_stufe():
    treffer = pd.DataFrame([
        ("A", 2, "z1", 1, "x", 1.0, 0.0, "Deutlich ungünstiger: x"),
        ("A", 2, "z2", 2, "x", 1.0, 0.0, "Sehr viel ungünstiger: x"),
        ("A", 2, "kl", 1, "", np.nan, np.nan, "Niedriger Status"),
        ("B", 5, "z1", 1, "y", 1.0, 0.0, "Deutlich ungünstiger: y"),
    ], columns=["stadtteil", "handlungsfeld", "regel", "stufe", "indikator", "wert", "vergleichswert", "begruendung"])
    hf = pd.DataFrame({"nr": [2, 5], "titel": ["Erwerb", "Bildung"]})
    text = steckbriefe.bedarfe_markdown(treffer, "A", hf)
    assert "**Erwerb:** hoher Handlungsbedarf" in text
    assert "Sehr viel ungünstiger: x" in text and "Deutlich ungünstiger: x" not in text
    assert "Niedriger Status" in text and "Bildung" not in text
    assert "kein Handlungsbedarf" in steckbriefe.bedarfe_markdown(treffer, "C", hf)


def test_auswahl_eines_je_handlungsfeld_vollstaendige_zuerst():
    d = laden(DEMO)
    ids = steckbriefe.auswahl(d.indikatoren, d.katalog.indikatoren, d.bericht.berichtsjahr, n=4)
    kat = d.katalog.indikatoren.set_index("id")
    assert len(ids) == 4
    assert kat.loc[ids, "handlungsfeld"].is_unique
    assert kat.loc[ids, "nenner"].notna().all() and (kat.loc[ids, "richtung"] != "neutral").all()
    bevorzugt = steckbriefe.auswahl(d.indikatoren, d.katalog.indikatoren, d.bericht.berichtsjahr, n=2,
                                    bevorzugt=["uebergang_gymnasium"])
    assert bevorzugt[0] == "uebergang_gymnasium"


def test_anker_und_slug():
    assert steckbriefe.abschnitt_id("Östrich") == "anhang-stadtteil-oestrich"
    assert steckbriefe.abschnitt_id("Wulfen/Barkenberg") == "anhang-stadtteil-wulfen-barkenberg"
    assert steckbriefe.glossar_link("sgb2_quote", "SGB II") == "[SGB II](glossar.qmd#ind-sgb2_quote)"


# --------------------------------------------------------------------------- glossary


@pytest.fixture(scope="module")
def glossar_demo(ausgabe):
    return ausfuehren("anhang_glossar", DEMO, ausgabe)


def test_glossar_listet_jeden_katalogindikator(glossar_demo):
    kat = yaml.safe_load((DEMO / "indikatoren.yml").read_text(encoding="utf-8"))
    text = glossar_demo["txt-anhang-glossar"]
    anker = re.findall(r"^### (.+?) \{#ind-(\S+) \.unnumbered \.unlisted\}$", text, re.M)
    assert [a[1] for a in anker] == sorted(
        [i["id"] for i in kat["indikatoren"]],
        key=lambda i: (next(k["handlungsfeld"] for k in kat["indikatoren"] if k["id"] == i),
                       [k["id"] for k in kat["indikatoren"]].index(i)))
    for i in kat["indikatoren"]:
        eintrag = text.split(f"{{#ind-{i['id']} ")[1].split("\n### ")[0]
        assert i["definition"].strip() in eintrag
        assert i["quelle"] in eintrag
        assert f"(`{i['zaehler']}`)" in eintrag
        if i.get("nenner"):
            assert "÷ " in eintrag and f"(`{i['nenner']}`)" in eintrag
    merkmale = glossar_demo["tbl-anhang-merkmale"]
    for m in kat["merkmale"]:
        assert f"| `{m['id']}` |" in merkmale


def test_glossar_formel_und_lesart():
    merkmale = pd.DataFrame({"id": ["a", "b"], "beschreibung": ["Fälle", "Kinder"]})
    assert anhang.formel({"zaehler": "a", "nenner": "b", "faktor": 1000}, merkmale) == \
        "Fälle (`a`) ÷ Kinder (`b`) × 1.000"
    assert anhang.formel({"zaehler": "a", "nenner": None, "faktor": 1}, merkmale) == "Fälle (`a`); absolute Zahl"
    eintrag = anhang.glossar_eintrag({"id": "q", "titel": "Quote", "kurztitel": "Q", "definition": "Def.",
                                      "zaehler": "a", "nenner": "b", "faktor": 100, "einheit": "%",
                                      "richtung": "vorteil", "quelle": "Amt", "kern": True}, merkmale)
    assert eintrag.startswith("### Quote {#ind-q .unnumbered .unlisted}")
    assert "höherer Wert ist günstiger" in eintrag and "Kernindikator" in eintrag


def test_glossar_anderer_katalog():
    d = laden(MINI)
    text = anhang.glossar(d.katalog)
    assert set(re.findall(r"\{#ind-(\S+) ", text)) == set(d.katalog.indikatoren["id"])


# --------------------------------------------------------------------------- sources and colophon


@pytest.fixture(scope="module")
def quellen_demo(ausgabe):
    return ausfuehren("anhang_quellen", DEMO, ausgabe)


def test_kolophon_zeigt_pruefsummen_der_eingabedateien(quellen_demo):
    tab = quellen_demo["tbl-anhang-manifest"]
    dateien = [DEMO / "bericht.yml", DEMO / "stadtteile.csv", DEMO / "indikatoren.yml",
               *sorted((DEMO / "bestand").glob("*.csv"))]
    for p in dateien:
        sha = hashlib.sha256(p.read_bytes()).hexdigest()
        rel = p.relative_to(DEMO).as_posix()
        zeile = next(z for z in tab.splitlines() if z.startswith(f"| `{rel}` |"))
        assert zeile.rsplit("|", 2)[1].strip().strip("`").replace(" ", "") == sha, rel
    build = quellen_demo["txt-anhang-build"]
    assert re.search(r"\*\*Erstellt am:\*\* \d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}", build)
    assert re.search(r"Git-Commit\):\*\* `([0-9a-f]{4,40}|unbekannt)", build)
    assert "| Pandoc |" in quellen_demo["tbl-anhang-software"]


def test_kalibrierung_und_downloads(quellen_demo):
    kal = quellen_demo["txt-anhang-kalibrierung"]
    assert "synthetisch" in kal
    readme = (DEMO / "README.md")
    if readme.is_file():
        # The cell prints what the helper makes of the README's calibration table, nothing else.
        d = laden(DEMO)
        namen = dict(zip(d.katalog.merkmale["id"], d.katalog.merkmale["beschreibung"]))
        assert kal.strip() == anhang.kalibrierung(readme.read_text(encoding="utf-8"), d.bericht.stadt, d.bericht.berichtsjahr,
                                                  namen).strip()
    dl = quellen_demo["txt-anhang-downloads"]
    for datei in ("indikatoren.csv", "indikatoren.xlsx", "manifest.csv"):
        assert f"[`{datei}`](../../daten/{datei})" in dl
    n = len(laden(DEMO).indikatoren)
    assert f"{n:,}".replace(",", ".") + " Zeilen" in dl


def test_build_datum_source_date_epoch_und_deutsch():
    assert anhang.build_datum({"SOURCE_DATE_EPOCH": "1546214400"}) == dt.date(2018, 12, 31)
    assert anhang.datum_deutsch(dt.date(2018, 3, 5)) == "5. März 2018"
    assert anhang.build_datum({}) == dt.date.today()
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        anhang.build_datum({"SOURCE_DATE_EPOCH": "gestern"})


def test_commit_unbekannt_ausserhalb_von_git(tmp_path):
    assert anhang.git_commit(tmp_path) == "unbekannt"
    assert re.fullmatch(r"[0-9a-f]{4,40}( \(mit nicht eingecheckten Änderungen\))?|unbekannt",
                        anhang.git_commit(ROOT))


def test_abschnitt_aus_readme():
    md = "# T\n\n## Kalibrierung: Quellen\n\nText\n\n### Unter\n\nmehr\n\n```\n# kein Titel\n```\n\n## Weiter\n\nnicht"
    teil = anhang.abschnitt(md, anhang.KALIBRIERUNG_MUSTER, ebene_neu=3)
    assert teil.startswith("Text") and "#### Unter {.unnumbered .unlisted}" in teil
    assert "# kein Titel" in teil and "nicht" not in teil
    assert anhang.abschnitt("# T\n\nnichts", anhang.KALIBRIERUNG_MUSTER) is None


def test_regeldatei_nur_passend_zum_katalog(tmp_path):
    assert anhang.regel_datei(DEMO, "sozialindex.yml") == DEMO / "regeln" / "sozialindex.yml"
    # a folder with its own catalog does not get the project's rules ...
    assert anhang.regel_datei(MINI, "sozialindex.yml") is None
    # ... unless it brings its own
    eigen = tmp_path / "d"
    shutil.copytree(MINI, eigen)
    (eigen / "regeln").mkdir()
    (eigen / "regeln" / "sozialindex.yml").write_text("status: {}\n", encoding="utf-8")
    assert anhang.regel_datei(eigen, "sozialindex.yml") == eigen / "regeln" / "sozialindex.yml"


# --------------------------------------------------------------------------- methods


def test_methoden_schwellen_aus_bericht_yml(tmp_path, ausgabe):
    ordner = tmp_path / "daten"
    shutil.copytree(MINI, ordner)
    bericht = ordner / "bericht.yml"
    bericht.write_text(bericht.read_text(encoding="utf-8").replace("mindestfallzahl: 3", "mindestfallzahl: 4")
                       .replace("mindestnenner: 100", "mindestnenner: 250"), encoding="utf-8")
    out = ausfuehren("anhang_methoden", ordner, ausgabe)
    text = out["txt-anhang-methoden-geheimhaltung"]
    assert "Mindestfallzahl 4" in text and "Mindestnenner 250" in text and "von 1 bis 3" in text
    d = laden(ordner)
    s = anhang.sperr_statistik(d.sperrungen, d.indikatoren)
    assert f"{s['primaer']} von {s['zellen']} Zellen" in text
    assert "| **Insgesamt** |" in out["tbl-anhang-sperrungen"]
    assert "kein Sozialindex festgelegt" in out["txt-anhang-methoden-index"]
    assert "Mit 3 Stadtteilen" in out["txt-anhang-methoden-statistik"]


def test_sperr_statistik_von_hand():
    sperr = pd.DataFrame({"jahr": [2018, 2018, 2018, 2017], "grund": ["primär", "sekundär", "", "primär"]})
    ind = pd.DataFrame({
        "stadtteil": ["A", "B", "Gesamtstadt", "A"], "jahr": [2018, 2018, 2018, 2018],
        "indikator": ["x", "x", "x", "y"], "wert": [np.nan, 1.0, 2.0, 3.0],
        "gesperrt": [True, False, False, False], "unsicher": [True, True, False, False]})
    s = anhang.sperr_statistik(sperr, ind, 2018)
    assert s == {"zellen": 3, "primaer": 1, "sekundaer": 1, "werte": 3, "gesperrt": 1, "unsicher": 1,
                 "stadt_gesperrt": 0}


def test_aggregationsbeispiel_summen_statt_mittelwert():
    kat = pd.DataFrame({"id": ["q"], "titel": ["Q"], "einheit": ["%"], "nenner": ["n"], "kern": [True]})
    ind = pd.DataFrame({"stadtteil": ["A", "B", "Gesamtstadt"], "jahr": [2018] * 3, "indikator": ["q"] * 3,
                        "wert": [50.0, 10.0, 100 * (5 + 90) / (10 + 900)], "gesperrt": [False] * 3})
    b = anhang.aggregationsbeispiel(ind, kat, 2018)
    assert b["mittel"] == pytest.approx(30.0) and b["stadt"] == pytest.approx(100 * 95 / 910)


def test_neuer_indikator_nur_im_katalog_erscheint_in_glossar_und_steckbrief(tmp_path):
    """The README promises: a catalog entry is enough for the glossary and (kern) the profiles."""
    ordner = tmp_path / "daten"
    shutil.copytree(MINI, ordner)
    katalog = ordner / "indikatoren.yml"
    y = yaml.safe_load(katalog.read_text(encoding="utf-8"))
    y["indikatoren"].append({
        "id": "hze_je_100_ew", "titel": "Hilfen zur Erziehung je 100 Einwohner", "handlungsfeld": 6,
        "zaehler": "hze_faelle", "nenner": "bev", "faktor": 100, "einheit": "%", "richtung": "belastung",
        "definition": "Neu ergänzter Testindikator.", "quelle": "Jugendamt", "kern": True,
        "zaehler_kann_nenner_uebersteigen": False})
    katalog.write_text(yaml.safe_dump(y, allow_unicode=True, sort_keys=False), encoding="utf-8")
    d = laden(ordner)
    assert "{#ind-hze_je_100_ew .unnumbered .unlisted}" in anhang.glossar(d.katalog)
    text = steckbriefe.steckbriefe(d.indikatoren, d.katalog, d.stadtteile, d.bericht.berichtsjahr)
    assert text.count("(glossar.qmd#ind-hze_je_100_ew)") == len(d.stadtteile)


def test_download_beschreibung_deckt_spalten_der_dateien():
    """Column descriptions come from the code that writes the files, or are checked against it."""
    from helpers import sozialindex, statistik
    from helpers.daten.export import SPALTEN_CSV

    assert set(anhang.DOWNLOADS["indikatoren.csv"][1]) == set(SPALTEN_CSV)
    assert set(anhang.DOWNLOADS["korrelationen.csv"][1]) == set(statistik.CSV_SPALTEN)
    d = laden(DEMO)
    cfg = sozialindex.lade_regeln(anhang.regel_datei(DEMO, "sozialindex.yml"))
    idx = sozialindex.sozialindex(d.indikatoren, d.katalog.indikatoren, cfg, d.bericht.berichtsjahr)
    rob = sozialindex.robustheit(sozialindex.sensitivitaet(d.indikatoren, d.katalog.indikatoren, cfg,
                                                           d.bericht.berichtsjahr))
    csv = sozialindex.csv_tabelle(idx, sozialindex.stabilitaet(idx, rob, cfg), rob)
    spalten = {("z_<indikator>" if c.startswith("z_") else c) for c in csv.columns}
    assert spalten == set(anhang.DOWNLOADS["sozialindex.csv"][1])
    # the robustness of each class at the Stichtag, as in the chapter's table
    assert csv["stabil"].isin(["ja", "nein"]).all() and len(csv) == len(idx)
    from helpers import wirkungsziele

    assert set(wirkungsziele.CSV_SPALTEN) == set(anhang.DOWNLOADS["wirkungsziele.csv"][1])
    from helpers import bedarfe

    leer = pd.DataFrame(columns=bedarfe.SPALTEN)
    assert set(bedarfe.csv_tabelle(leer).columns) == set(anhang.DOWNLOADS[bedarfe.DOWNLOAD][1])


def test_steckbrief_listet_nur_bedarfe_nicht_grenzwertiges_oder_nicht_bewertbares():
    """The profile agrees with Teil III: a structural zero or a borderline value is no need."""
    from helpers import bedarfe

    treffer = pd.DataFrame([
        ("A", 3, "z2", 2, "ogs", 0.0, 11.8, "Sehr viel ungünstiger: OGS", bedarfe.NICHT_BEWERTBAR),
        ("A", 7, "z1", 1, "wohn", 42.4, 42.4, "Deutlich ungünstiger: Wohnfläche", bedarfe.GRENZWERTIG),
        ("B", 2, "z1", 1, "alo", 9.0, 6.0, "Deutlich ungünstiger: Arbeitslose", bedarfe.BEDARF),
        ("B", 5, "z1", 1, "abg", 9.0, 6.0, "Deutlich ungünstiger: Abgänger", bedarfe.NICHT_BEWERTBAR),
    ], columns=["stadtteil", "handlungsfeld", "regel", "stufe", "indikator", "wert", "vergleichswert",
                "begruendung", "bewertung"])
    hf = pd.DataFrame({"nr": [2, 3, 5, 7], "titel": ["Erwerb", "Betreuung", "Bildung", "Wohnen"]})
    a = steckbriefe.bedarfe_markdown(treffer, "A", hf)
    assert a.startswith("Handlungsbedarf: Nach dem Regelwerk in Teil III ist für diesen Stadtteil kein")
    assert "OGS" not in a and "Betreuung" not in a
    assert "Grenzwertig (nahe an einer Schwelle, kein Bedarf): Wohnen." in a
    b = steckbriefe.bedarfe_markdown(treffer, "B", hf)
    assert "**Erwerb:** erhöhter Handlungsbedarf" in b and "Bildung" not in b and "Abgänger" not in b


# --- calibration of the demo data (issue 11, item 6) --------------------------------------------

def test_unfit_sources_are_recognised_by_their_host():
    assert anhang.ungeeignet("https://de.wikipedia.org/wiki/Hervest")
    assert anhang.ungeeignet("http://de.wikipedia.org./wiki/Lembeck")
    assert anhang.ungeeignet("https://de.wiki.li/Hervest") and anhang.ungeeignet("https://ixistenz.ch//?arg=x")
    assert anhang.ungeeignet("http://dorsten-lexikon.de/dorsten-in-zahlen")
    assert anhang.ungeeignet("https://wulfen-wiki.de/index.php?diff=1")
    assert not anhang.ungeeignet("https://wahlergebnisse.nrw/kommunalwahlen/2020/x.shtml")
    assert not anhang.ungeeignet("https://www.ruhrnachrichten.de/dorsten/x")


README_ALT = """# Daten

## Kalibrierung

| Merkmal | Jahr | Wert | Art | Hinweis | Urheber | Fundstelle |
|---|---|---|---|---|---|---|
| bev_gesamt (Stadt) | 2014 | 76.326 | Anzahl |  | Stadt X, Melderegister | <https://www.zeitung.de/a> |
| bev_gesamt (Nord) | 2013 | 2.037 | Anzahl | 30.06.2013 | Stadt X, Planungsamt | <https://www.zeitung.de/b> |
| bev_gesamt (Süd) | 2016 | 1.969 | Anzahl |  | Stadt X | <https://de.wiki.li/Sued> |
| geburten | 2015 | 569 | Anzahl |  |  | <https://www.zeitung.de/c> |
| sgb2_u65 | 2023 | 11 % | Quote |  | Bundesagentur für Arbeit | <https://www.zeitung.de/d> |
"""


def test_calibration_appendix_names_originators_only_up_to_the_stichtag():
    text = anhang.kalibrierung(README_ALT, "X", 2018, {"bev_gesamt": "Einwohnerinnen und Einwohner"})
    zeilen = [z for z in text.splitlines() if z.startswith("| Einwohner")]
    # shown: the two figures with an originator up to 2018; not the wiki copy, not the one without
    # originator, not the one after the Stichtag
    assert len(zeilen) == 2 and "| Gesamtstadt | 2014 | 76.326 | Stadt X, Melderegister | [zeitung.de](https://www.zeitung.de/a) |" in text
    assert "| Nord | 2013 |" in text and "wiki.li" not in text and "| 2023 |" not in text
    assert "nur die 2 Werte der folgenden Tabelle – Einwohnerzahlen für einen Stadtteil und ein Eckwert der Gesamtstadt;" in text
    assert "2 weitere Werte ohne belegten Urheber sind nicht aufgeführt." in text
    assert "bev_gesamt" not in text and "Wikipedia" in text  # labels, and the sentence on what is not used


def test_calibration_appendix_of_the_demo_data_shows_figures_not_the_readme_prose():
    from helpers.anhang import kalibrierung

    readme = (Path(__file__).resolve().parents[1] / "data/README.md").read_text(encoding="utf-8")
    d = laden(DEMO)
    namen = dict(zip(d.katalog.merkmale["id"], d.katalog.merkmale["beschreibung"]))
    text = kalibrierung(readme, "Dorsten", d.bericht.berichtsjahr, namen)
    assert "| Merkmal | Gebiet | Jahr | Wert | Urheber | Fundstelle | Hinweis |" in text
    # No file names or code identifiers from the README's maintainer prose.
    assert "beispieldaten.py" not in text and "KALIBRIERUNG" not in text and "README" not in text
    assert not re.search(r"\| [a-z]+_[a-z0-9_]+ \|", text)  # Merkmal ids are shown by their label
    zeilen = [z for z in text.splitlines() if z.startswith("| ") and not z.startswith("| Merkmal")]
    assert f"nur die {len(zeilen)} Werte der folgenden Tabelle" in text
    assert all(int(z.split("|")[3]) <= d.bericht.berichtsjahr for z in zeilen)
    assert not any(anhang.ungeeignet(u) for u in re.findall(r"\]\((http[^)]+)\)", text))
    assert kalibrierung(None, "Beispielstadt").startswith("Die Beispieldaten sind synthetisch. Zu ihrer Erzeugung")
    assert kalibrierung("# Daten\n\nNur Text.\n", "X").startswith("Die Beispieldaten sind synthetisch. Zu ihrer")
