"""A city with 40 districts (issue 13): figures fit a page and read, tables and sentences stay short.

The figures come from the same helpers the notebooks call, on a synthetic city from
``helpers.beispieldaten``; the rules are those of ``data/regeln/darstellung.yml``.
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import helpers  # noqa: E402
from helpers import (auswertung, beispieldaten, bildung, darstellung, karten, monitoring,  # noqa: E402
                     steckbriefe, t3grafik, tabellen, texte, vergleich)
from helpers import demografie as dg  # noqa: E402

N = 40
BREITE_MAX = 8.5  # inches; the PDF scales 7-inch figures to the A4 text width


@pytest.fixture(scope="module")
def ctx(tmp_path_factory, monkeypatch_module):
    ordner = tmp_path_factory.mktemp("grossstadt")
    beispieldaten.schreiben(beispieldaten.erzeugen(stadt="Großstadt", stadtteile=N), ordner)
    monkeypatch_module.setenv("SOZIALBERICHT_AUSGABE", str(tmp_path_factory.mktemp("ausgabe")))
    return helpers.setup(ordner)


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture(scope="module")
def abbildungen(ctx):
    t3 = auswertung.teil3(ctx)
    k = t3.korrelation
    kat = ctx.katalog.indikatoren
    auswahl = steckbriefe.auswahl(ctx.indikatoren, kat, ctx.jahr, n=4, bevorzugt=t3.status_ids)
    hf1 = dg.handlungsfeld(ctx, 1).indikatoren  # as the HF 1 notebook: years of its own indicators
    vj = tabellen.vergleichsjahr(hf1, ctx.jahr)
    figs = {
        "vergleich": monitoring.vergleich_abbildung(ctx, "sgb2_quote"),
        "trend": monitoring.trend_abbildung(ctx, "sgb2_quote"),
        "hantel": bildung.hantel_stadtteile(monitoring.vergleich(ctx, "sgb2_quote"),
                                            monitoring.vergleich(ctx, "sgb2_quote_u15"), "alle", "Kinder", "%"),
        "quotienten": dg.quotienten_abbildung(dg.quotienten(hf1, ctx.jahr, vj, ctx.reihenfolge)),
        "heatmap": t3grafik.abweichungs_heatmap(vergleich.geordnet(t3.std), vergleich.beschriftungen(t3.katalog)),
        "index": t3grafik.index_balken(t3.index, t3.cfg_index["status"]["klassen"]),
        "status_dynamik": t3grafik.status_dynamik(t3.index, t3.cfg_index["status"]["klassen"],
                                                  t3.cfg_index["dynamik"]["klassen"]),
        "rangspannen": t3grafik.rangspannen(t3.sens, t3.rob),
        "bedarfe": t3grafik.bedarfs_matrix(t3.uebersicht, t3.hf_titel),
        "streu": t3grafik.paar_streu(k.haupt, t3.kurz, t3.einheit),
        "einfluss": t3grafik.paar_einfluss(k.haupt, t3.kurz),
        "karten": karten.karten(steckbriefe.karten_panels(ctx.indikatoren, kat, auswahl, ctx.jahr),
                                ctx.stadtteile, ctx.ordner),
        "intervalle": t3grafik.intervall_punkte(t3.std, vergleich.intervall_ids(t3.std)[:4], t3.kurz),
        "trends": steckbriefe.trend_raster(ctx.indikatoren, kat, auswahl[:3], ctx.reihenfolge, bis=ctx.jahr),
    }
    yield figs
    for f in figs.values():
        plt.close(f)


def _texte(fig):
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_der_generator_erzeugt_die_verlangte_zahl_von_stadtteilen(ctx):
    assert len(ctx.reihenfolge) == N
    assert ctx.bericht.beispieldaten  # still marked as synthetic
    assert len(beispieldaten.stadtteil_namen(200)) == len(set(beispieldaten.stadtteil_namen(200))) == 200
    with pytest.raises(ValueError, match="zwischen 2 und 200"):
        beispieldaten.stadtteil_namen(201)


def test_keine_abbildung_ist_hoeher_als_eine_seite(abbildungen):
    r = darstellung.regeln()
    for name, fig in abbildungen.items():
        fig.canvas.draw()
        box = fig.get_tightbbox(fig.canvas.get_renderer())  # inches, as saved with bbox_inches="tight"
        assert box.height <= r.hoehe_max_zoll + 0.5, (name, box.height)
        assert box.width <= BREITE_MAX, (name, box.width)


def test_schrift_bleibt_lesbar(abbildungen):
    minimum = darstellung.regeln().schrift_min_pt
    for name, fig in abbildungen.items():
        klein = [(t.get_text(), t.get_fontsize()) for t in _texte(fig) if t.get_fontsize() < minimum]
        assert not klein, (name, klein[:5])


def test_achsenbeschriftungen_ueberlappen_nicht(abbildungen):
    for name, fig in abbildungen.items():
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            for achse in (ax.xaxis, ax.yaxis):
                boxen = [t.get_window_extent(renderer) for t in achse.get_ticklabels()
                         if t.get_visible() and t.get_text().strip()]
                for a, b in itertools.combinations(boxen, 2):
                    ueber_x = min(a.x1, b.x1) - max(a.x0, b.x0)
                    ueber_y = min(a.y1, b.y1) - max(a.y0, b.y0)
                    assert not (ueber_x > 0.5 and ueber_y > 0.5), (name, achse.axis_name)


def test_vergleich_zeigt_verteilung_und_extreme_statt_jedes_stadtteils(abbildungen):
    fig = abbildungen["vergleich"]
    r = darstellung.regeln()
    unten = fig.axes[-1]
    namen = [t.get_text() for t in unten.get_yticklabels() if t.get_text()]
    assert len(namen) == 2 * r.auswahl_abbildung
    assert any("weitere Stadtteile" in t.get_text() for t in _texte(fig))


def test_heatmap_ohne_zahlen_in_den_zellen_ab_der_schwelle(abbildungen):
    ax = abbildungen["heatmap"].axes[0]
    zahlen = [t for t in ax.texts if any(c.isdigit() for c in t.get_text())]
    assert N > darstellung.regeln().heatmap_zahlen_bis and not zahlen


def test_kacheln_tragen_den_schluessel(ctx, abbildungen):
    texte_ = {t.get_text() for t in abbildungen["karten"].axes[0].texts}
    assert set(ctx.stadtteile["schluessel"].astype(str)) <= texte_


def test_tabellen_zeigen_die_hoechsten_und_niedrigsten_werte(ctx):
    md = monitoring.vergleich_tabelle(ctx, "sgb2_quote").data
    zeilen = [z for z in md.splitlines()[2:]]
    n = darstellung.regeln().auswahl_tabelle
    assert len(zeilen) == 2 * n + 2  # extremes, gap row, city
    assert f"{N - 2 * n} weitere Stadtteile" in md


def test_intervalle_in_teil3_zaehlen_statt_eine_spalte_je_stadtteil(ctx, abbildungen):
    """The Teil III interval table counts districts per side instead of 40 columns; the chart shows
    the extremes per indicator and says how many it leaves out; the sentences name at most a few."""
    t3 = auswertung.teil3(ctx)
    ids = vergleich.intervall_ids(t3.std)
    tab = vergleich.intervall_tabelle(t3.std, t3.katalog, t3.kurz, ids)
    assert len(tab.columns) == 6 and len(tab) == len(ids)
    r = darstellung.regeln()
    for satz in vergleich.deutlich_saetze(t3.std, t3.kurz, ids):
        # per side all names up to aufzaehlung_bis, beyond that a count and auswahl_satz names
        assert sum(n in satz for n in ctx.reihenfolge) <= 2 * max(r.aufzaehlung_bis, r.auswahl_satz), satz
    fig = abbildungen["intervalle"]
    achse = fig.axes[0]
    assert len(achse.get_yticklabels()) == 2 * darstellung.regeln().auswahl_abbildung
    assert "nicht gezeigt" in achse.get_xlabel()


def test_saetze_zaehlen_statt_aufzuzaehlen(ctx):
    namen = ctx.reihenfolge[:12]
    satz = texte.nennung(namen)
    assert satz.startswith("12 Stadtteile (am weitesten ") and namen[5] not in satz
    assert texte.nennung(namen[:3]) == f"{namen[0]}, {namen[1]} und {namen[2]}"
    tab = monitoring.vergleich(ctx, "sgb2_quote")
    assert texte.spitze(tab).startswith("die fünf Stadtteile mit den höchsten Werten (")
    befund = monitoring.befund(ctx, "sgb2_quote")
    assert sum(n in befund for n in ctx.reihenfolge) <= 2 + 2 * darstellung.regeln().auswahl_satz + 1
    assert "- " not in texte.stadtteil_liste("Großstadt", ctx.reihenfolge)  # no list of 40 names


def test_wenige_stadtteile_behalten_einen_balken_je_stadtteil():
    tab = pd.DataFrame({"stadtteil": list("ABCDEFGHIJK"), "wert": range(11), "gesperrt": False, "unsicher": False})
    from helpers import grafik

    fig = grafik.balken_stadtteile(tab, 5.0, "%")
    assert len(fig.axes) == 1 and len(fig.axes[0].patches) == 11
    plt.close(fig)


def test_darstellungsregeln_kommen_aus_der_datei(tmp_path):
    (tmp_path / "darstellung.yml").write_text("stadtteile:\n  balken_bis: 12\n", encoding="utf-8")
    assert darstellung.lade(tmp_path / "darstellung.yml").balken_bis == 12
    (tmp_path / "falsch.yml").write_text("stadtteile:\n  balkenbis: 12\n", encoding="utf-8")
    with pytest.raises(ValueError, match="falsch.yml.*balkenbis"):
        darstellung.lade(tmp_path / "falsch.yml")
    (tmp_path / "null.yml").write_text("seite:\n  hoehe_max_zoll: 0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="hoehe_max_zoll.*größer als 0"):
        darstellung.lade(tmp_path / "null.yml")


@pytest.fixture(scope="module")
def bezirkstabellen(ctx):
    """Every chapter table with one row per district, built as its notebook builds it (Markdown)."""
    from helpers import fazit, regeln, sozialindex, teil2, wahlen, wirkungsziele
    from helpers import format as fmt

    hf1 = dg.handlungsfeld(ctx, 1).indikatoren
    vj = tabellen.vergleichsjahr(hf1, ctx.jahr)
    erstes = int(hf1["jahr"].min())
    gruppen = dg.altersgruppen(ctx.katalog.indikatoren)
    kat = ctx.katalog.indikatoren
    betreuung = bildung.lade_betreuung(regeln.regeldatei(ctx.ordner, bildung.BETREUUNG), kat)
    schulformen = bildung.lade_schulformen(regeln.regeldatei(ctx.ordner, bildung.SCHULFORMEN), ctx.katalog.merkmale)
    zellen = bildung.uebergangszellen(ctx.daten.sperrungen, schulformen, ctx.katalog.summen)
    befunde = kat.loc[kat["handlungsfeld"] == 4, "id"].tolist()
    arten = teil2.verwandte(ctx.katalog, "hze_quote")
    letzte = wahlen.letzte_wahlen(wahlen.wahlen(ctx.indikatoren, ctx.katalog), ctx.jahr)
    t3 = auswertung.teil3(ctx)
    t4 = auswertung.teil4(ctx)
    md = fmt.markdown_tabelle
    return {
        "bevoelkerung": dg.entwicklung_markdown(dg.entwicklung_tabelle(hf1, erstes, ctx.jahr, ctx.reihenfolge),
                                                erstes, ctx.jahr),
        "altersgruppen": dg.altersanteile_markdown(dg.altersanteile(hf1, gruppen, ctx.jahr, ctx.reihenfolge), gruppen),
        "salden": dg.salden_markdown(dg.salden(hf1, ctx.jahr, ctx.reihenfolge)),
        "quotienten": dg.quotienten_markdown(dg.quotienten(hf1, ctx.jahr, vj, ctx.reihenfolge), vj),
        "betreuung": bildung.versorgung_tabelle_markdown(ctx, betreuung, ["betreuungsquote_u3", "kita_quote_3_5"]),
        "befunde": teil2.mehrere_markdown(bildung.befundmatrix(ctx.indikatoren, befunde, ctx.jahr, ctx.reihenfolge),
                                          {i: ctx.katalog.indikator(i)["kurztitel"] for i in befunde}, "%",
                                          ctx.reihenfolge),
        "uebergaenge": bildung.uebergaenge_markdown(
            bildung.uebergangsanteile(zellen, schulformen, ctx.jahr, ctx.reihenfolge), schulformen),
        "hilfearten": teil2.mehrere_markdown(teil2.vergleich_mehrere(ctx.indikatoren, arten, ctx.jahr, ctx.reihenfolge),
                                             {i: ctx.katalog.indikator(i)["kurztitel"] for i in arten}, "‰",
                                             ctx.reihenfolge),
        "wahlen": wahlen.tabelle_markdown(wahlen.beteiligung(ctx.indikatoren, letzte, ctx.reihenfolge), letzte,
                                          ctx.reihenfolge),
        "profile": md(vergleich.profil_tabelle(t3.lage, vergleich.profile(t3.std, n=3, schwelle=1.0), t3.kurz)),
        "sozialindex": md(sozialindex.index_tabelle(t3.index, t3.kurz)),
        "robustheit": md(sozialindex.robustheit_tabelle(t3.rob, t3.index_stabil)),
        "fazit": md(fazit.stadtteil_tabelle(t3.reihenfolge, t3.lage, t3.index, t3.rob, t3.uebersicht)),
        "wirkungsziele": md(wirkungsziele.stadtteil_tabelle(t4.teile, t4.katalog)),
    }


def _zeilen(markdown: str) -> list[list[str]]:
    return [[c.strip() for c in z.strip().strip("|").split("|")] for z in markdown.splitlines()[2:]]


def test_jede_stadtteiltabelle_zeigt_die_extreme_und_sagt_wo_alle_stehen(ctx, bezirkstabellen):
    """Issue 13: a chapter table with one row per district shows, above ``tabelle_bis`` districts, the
    ``auswahl_tabelle`` highest and lowest, a row that says how many are left out, by what the table is
    sorted and where all are (a download or the profiles), and the city last."""
    r = darstellung.regeln()
    n = r.auswahl_tabelle
    assert N > r.tabelle_bis
    for name, md in bezirkstabellen.items():
        zeilen = _zeilen(md)
        luecken = [z for z in zeilen if "weitere Stadtteile" in z[0]]
        assert len(luecken) == (2 if name == "wirkungsziele" else 1), name  # one gap per target
        assert "absteigend nach" in luecken[0][0] and "alle: " in luecken[0][0], name
        bezirke = [z for z in zeilen if z[0] in ctx.reihenfolge or (len(z) > 1 and z[1] in ctx.reihenfolge)]
        assert len(bezirke) <= len(luecken) * 2 * n, (name, len(bezirke))
        if "**Gesamtstadt**" in md:
            assert zeilen[-1][0] == "**Gesamtstadt**", name


def test_auszug_sortiert_nach_dem_genannten_wert(ctx, bezirkstabellen):
    """The rows above the gap have higher values than those below (here: the population change)."""
    zeilen = _zeilen(bezirkstabellen["bevoelkerung"])
    luecke = next(i for i, z in enumerate(zeilen) if "weitere" in z[0])
    wert = [float(z[-1].replace("−", "-").replace(",", ".")) for z in zeilen if z[0] in ctx.reihenfolge]
    assert "Veränderung in %" in zeilen[luecke][0]
    assert wert == sorted(wert, reverse=True) and len(wert) == 2 * darstellung.regeln().auswahl_tabelle


def test_steckbriefe_ohne_stadtspalte_mit_festen_spaltenbreiten(ctx):
    """Above ``tabelle_bis`` districts the profiles leave out the city column (the same in every profile;
    Teil II shows it once) and every table gets fixed column widths (Typst needs less memory for them)."""
    text = steckbriefe.steckbriefe(ctx.indikatoren, ctx.katalog, ctx.stadtteile, ctx.jahr)
    assert text.count('{tbl-colwidths="[5,52,13,16,14]"}') == N
    assert "| Gesamtstadt |" not in text and "Abweichung von der Gesamtstadt" in text
    lesehilfe = steckbriefe.lesehilfe_text("Großstadt", N, ctx.jahr, 27, 100)
    assert "Gesamtstadt auf einen Blick" in lesehilfe
