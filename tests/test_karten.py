"""Maps: schematic tile map at the configured tiles, choropleth from a synthetic GeoJSON.

The GeoJSON is a tiny made-up city of squares ("Musterstadt"); no geometry of Dorsten
is invented anywhere.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import colors as mcolors
from matplotlib.patches import Rectangle

from helpers import karten

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _schliessen():
    yield
    plt.close("all")


def musterstadt() -> pd.DataFrame:
    return pd.DataFrame({
        "schluessel": ["01", "02", "03", "04"],
        "name": ["Nordheim", "Westend-Süd", "Mitte", "Am Bach/Ost"],
        "kachel_zeile": [0, 1, 1, 2],
        "kachel_spalte": [1, 0, 2, 1],
    })


def werte(namen, w, gesperrt=None, unsicher=None) -> pd.DataFrame:
    n = len(namen)
    return pd.DataFrame({"stadtteil": list(namen), "wert": [float(x) for x in w],
                         "gesperrt": gesperrt or [False] * n, "unsicher": unsicher or [False] * n})


def kacheln_in(ax) -> dict[str, Rectangle]:
    """District name → its tile, matched by the label text drawn at the tile centre."""
    rects = [p for p in ax.patches if isinstance(p, Rectangle)]
    out = {}
    for t in ax.texts:
        x, y = t.get_position()
        for r in rects:
            cx, cy = r.get_x() + r.get_width() / 2, r.get_y() + r.get_height() / 2
            if abs(cx - x) < 1e-9 and abs(cy - y) < 1e-9:
                out[t.get_text().split("\n")[0]] = (r, t)
    return out


def erste(name: str) -> str:
    """First line of a district's label on the map."""
    return karten.umbrechen(name).split("\n")[0]


def luminanz(farbe) -> float:
    r, g, b = mcolors.to_rgb(farbe)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# --------------------------------------------------------------------------- tile positions


def test_demo_stadtteile_jeder_stadtteil_auf_seiner_kachel():
    st = pd.read_csv(ROOT / "data" / "stadtteile.csv", sep=";", dtype=str)
    lage = karten.kacheln(st.assign(kachel_zeile=st["kachel_zeile"].astype(int),
                                    kachel_spalte=st["kachel_spalte"].astype(int)))
    assert not lage.automatisch
    erwartet = {n: (int(z), int(s)) for n, z, s in zip(st["name"], st["kachel_zeile"], st["kachel_spalte"])}
    assert {r.stadtteil: (r.zeile, r.spalte) for r in lage.lage.itertuples()} == erwartet


def test_kachelkarte_zeichnet_jeden_stadtteil_an_seine_position():
    st = musterstadt()
    fig = karten.kachelkarte(werte(st["name"], [1, 2, 3, 4]), st, einheit="%", titel="Test")
    ax = fig.axes[0]
    gefunden = kacheln_in(ax)
    assert len(gefunden) == 4
    for _, z in st.iterrows():
        rect, _ = gefunden[erste(z["name"])]
        cx, cy = rect.get_x() + rect.get_width() / 2, rect.get_y() + rect.get_height() / 2
        assert (cx, cy) == pytest.approx((z["kachel_spalte"], -z["kachel_zeile"]))


def test_kachelkarte_ist_als_schematisch_beschriftet():
    st = musterstadt()
    fig = karten.kachelkarte(werte(st["name"], [1, 2, 3, 4]), st)
    texte = " ".join(t.get_text() for t in fig.texts)
    assert karten.HINWEIS_SCHEMA in texte
    assert "keine Grenzen" in texte


def test_hoeherer_wert_dunklere_kachel_und_lesbare_schrift():
    st = musterstadt()
    fig = karten.kachelkarte(werte(st["name"], [10, 20, 30, 40]), st, einheit="%")
    g = kacheln_in(fig.axes[0])
    namen = [erste(n) for n in st["name"]]
    lum = [luminanz(g[n][0].get_facecolor()) for n in namen]
    assert lum == sorted(lum, reverse=True)
    # text colour: white on the darkest tile, dark on the lightest
    assert mcolors.to_hex(g[namen[-1]][1].get_color()) == "#ffffff"
    assert mcolors.to_hex(g[namen[0]][1].get_color()) != "#ffffff"


@pytest.mark.parametrize("richtung, dunkel_bei", [("belastung", "hoch"), ("neutral", "hoch"),
                                                 ("vorteil", "niedrig")])
def test_dunkler_heisst_ungünstiger_und_die_farbleiste_sagt_es(richtung, dunkel_bei):
    st = musterstadt()
    fig = karten.kachelkarte(werte(st["name"], [10, 20, 30, 40]), st, einheit="%", richtung=richtung)
    g = kacheln_in(fig.axes[0])
    lum = [luminanz(g[erste(n)][0].get_facecolor()) for n in st["name"]]
    # higher value → darker for burdens and neutral indicators; for advantages the other way round
    assert lum == sorted(lum, reverse=dunkel_bei == "hoch") and lum[0] != lum[-1]
    leiste = fig.axes[1].get_xlabel()
    assert leiste == f"%; {karten.lesart(richtung)}"
    assert ("ungünstiger" in leiste) == (richtung != "neutral")


def test_gesperrt_punkt_statt_wert_und_keine_farbe_und_legende_deutsch():
    st = musterstadt()
    w = werte(st["name"], [12.5, 1e9, 1500.26, 2000.5], gesperrt=[False, True, False, False],
              unsicher=[False, False, True, False])
    w.loc[1, "wert"] = np.nan
    fig = karten.kachelkarte(w, st, einheit="je 1.000", stadtwert=1400.0)
    g = kacheln_in(fig.axes[0])
    rect, text = g[erste("Westend-Süd")]
    assert text.get_text().endswith("\n•")
    assert mcolors.to_hex(rect.get_facecolor()) == "#ffffff" and rect.get_hatch()
    assert g["Mitte"][1].get_text().endswith("1.500,3°")
    assert g["Nordheim"][1].get_text().endswith("12,5")
    hinweis = " ".join(t.get_text() for t in fig.texts)
    assert "• gesperrt" in hinweis and "° unsicher" in hinweis
    fig.canvas.draw()
    leiste = fig.axes[1]
    ticks = [t.get_text() for t in leiste.get_xticklabels() if t.get_text()]
    assert ticks and all(re.fullmatch(r"−?\d{1,3}(\.\d{3})*(,\d+)?", t) for t in ticks), ticks
    assert any("." in t for t in ticks), ticks  # thousands point
    assert any(a.get_text() == "Gesamtstadt" for a in leiste.texts)


@pytest.mark.parametrize("spalte, wert, meldung", [
    ("kachel_zeile", "x", "Wert „x“"),
    ("kachel_spalte", -1, "Wert „-1“"),
    ("kachel_zeile", 1.5, "Wert „1.5“"),
])
def test_ungueltige_kachelposition_nennt_zeile_spalte_wert(spalte, wert, meldung):
    st = musterstadt().astype({spalte: object})
    st.loc[2, spalte] = wert
    with pytest.raises(karten.KartenFehler) as e:
        karten.kacheln(st)
    text = str(e.value)
    assert "stadtteile.csv, Zeile 4 (Mitte)" in text and f"Spalte „{spalte}“" in text and meldung in text


def test_doppelte_kachel_und_fehlende_spalte():
    st = musterstadt()
    st.loc[3, ["kachel_zeile", "kachel_spalte"]] = [0, 1]
    with pytest.raises(karten.KartenFehler, match="Nordheim und Am Bach/Ost liegen auf derselben Kachel"):
        karten.kacheln(st)
    with pytest.raises(karten.KartenFehler, match="Spalte „kachel_spalte“ fehlt"):
        karten.kacheln(musterstadt().drop(columns="kachel_spalte"))


def test_ohne_kachelspalten_reihenfolge_der_datei_und_hinweis():
    st = musterstadt().drop(columns=["kachel_zeile", "kachel_spalte"])
    lage = karten.kacheln(st)
    assert lage.automatisch
    assert lage.lage[["zeile", "spalte"]].values.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    fig = karten.kachelkarte(werte(st["name"], [1, 2, 3, 4]), st)
    assert "Reihenfolge des Stadtteilverzeichnisses" in " ".join(t.get_text() for t in fig.texts)


def test_umbrechen_an_bindestrich_und_schraegstrich():
    assert karten.umbrechen("Altendorf-Ulfkotte") == "Altendorf-\nUlfkotte"
    assert karten.umbrechen("Wulfen/Barkenberg") == "Wulfen/\nBarkenberg"
    assert karten.umbrechen("Hervest") == "Hervest"


# --------------------------------------------------------------------------- boundaries


def quadrate(stadtteile: pd.DataFrame, mit_schluessel: bool = True) -> dict:
    """A FeatureCollection of unit squares in a local metric grid (a made-up city)."""
    feats = []
    for i, (s, n, z, sp) in enumerate(stadtteile[["schluessel", "name", "kachel_zeile", "kachel_spalte"]]
                                      .itertuples(index=False)):
        x0, y0 = sp * 1000.0, -z * 1000.0
        ring = [[x0, y0], [x0 + 1000, y0], [x0 + 1000, y0 + 1000], [x0, y0 + 1000], [x0, y0]]
        props = {"schluessel": int(s)} if mit_schluessel and i % 2 else {"name": f"  {n} "}
        feats.append({"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}})
    feats.reverse()  # file order must not matter
    return {"type": "FeatureCollection", "features": feats}


@pytest.fixture
def grenzordner(tmp_path):
    st = musterstadt()
    (tmp_path / karten.GEOJSON).write_text(json.dumps(quadrate(st)), encoding="utf-8")
    return tmp_path, st


def test_lade_grenzen_ordnet_name_und_schluessel_zu(grenzordner):
    ordner, st = grenzordner
    g = karten.lade_grenzen(ordner / karten.GEOJSON, st)
    assert g["stadtteil"].tolist() == st["name"].tolist()
    # Mitte (schluessel 3, matched by name) is the square at column 2, row 1
    mitte = g.set_index("stadtteil").loc["Mitte", "geometry"]
    assert mitte.bounds == (2000.0, -1000.0, 3000.0, 0.0)
    westend = g.set_index("stadtteil").loc["Westend-Süd", "geometry"]  # matched by schluessel 2
    assert westend.bounds == (0.0, -1000.0, 1000.0, 0.0)


def test_choroplethe_faerbt_flaechen_nach_wert(grenzordner):
    ordner, st = grenzordner
    panels = [{"werte": werte(st["name"], [10, 20, 30, 40], gesperrt=[False, False, False, True]),
               "einheit": "%", "titel": "Test", "stadtwert": 22.0}]
    fig = karten.karten(panels, st, ordner)
    ax = fig.axes[0]
    hinweis = " ".join(t.get_text() for t in fig.texts)
    assert "Geodaten der Stadt" in hinweis and "geojson" not in hinweis and karten.HINWEIS_SCHEMA not in hinweis
    beschriftung = {t.get_text().split("\n")[0]: t for t in ax.texts}
    assert beschriftung[erste("Am Bach/Ost")].get_text().endswith("•")
    farben = ax.collections[0].get_facecolor()
    assert len(farben) == 4
    lum = [luminanz(f[:3]) for f in farben[:3]]
    assert lum == sorted(lum, reverse=True)  # Nordheim < Westend-Süd < Mitte: darker with higher values
    assert mcolors.to_hex(farben[3][:3]) == "#ffffff"


def test_geojson_fehler_nennen_feature_und_vorschlag(tmp_path):
    st = musterstadt()
    fc = quadrate(st, mit_schluessel=False)
    fc["features"][0]["properties"]["name"] = "Am Bach/Os"  # typo, feature 1 after reversal
    pfad = tmp_path / karten.GEOJSON
    pfad.write_text(json.dumps(fc), encoding="utf-8")
    with pytest.raises(karten.KartenFehler) as e:
        karten.lade_grenzen(pfad, st)
    text = str(e.value)
    assert "Feature 1" in text and "Meinten Sie „Am Bach/Ost“?" in text
    assert "keine Grenze für Am Bach/Ost" in text
    pfad.write_text('{"type": "Feature"}', encoding="utf-8")
    with pytest.raises(karten.KartenFehler, match="FeatureCollection"):
        karten.lade_grenzen(pfad, st)


def test_ohne_geopandas_klare_meldung_nur_wenn_grenzen_da(grenzordner, monkeypatch):
    ordner, st = grenzordner
    monkeypatch.setitem(sys.modules, "geopandas", None)  # import geopandas -> ImportError
    panels = [{"werte": werte(st["name"], [1, 2, 3, 4]), "einheit": "%"}]
    with pytest.raises(karten.KartenFehler, match="geopandas ist nicht installiert"):
        karten.karten(panels, st, ordner)
    (ordner / karten.GEOJSON).unlink()
    fig = karten.karten(panels, st, ordner)  # no boundaries: tile map, no geopandas needed
    assert karten.HINWEIS_SCHEMA in " ".join(t.get_text() for t in fig.texts)


def test_karten_modul_importiert_geopandas_nicht():
    import subprocess

    code = "import sys, helpers.karten; print('geopandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
