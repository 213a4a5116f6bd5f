"""District maps: a schematic tile map, or a choropleth when the data folder brings boundaries.

Tile map (always available)
    One square per district at the tile position given by the columns
    ``kachel_zeile`` (0 = top, i.e. north) and ``kachel_spalte`` (0 = left, west) of
    ``stadtteile.csv``. The map says on its face that it is schematic and shows no
    boundaries. Without these columns the tiles are laid out in file order
    (row by row), and the note says so.

Choropleth (only with ``stadtteile.geojson`` in the data folder)
    A GeoJSON FeatureCollection whose features carry the district ``name`` or
    ``schluessel`` in their properties. Drawn with geopandas, which is imported only
    here, so the book builds without geopandas as long as no boundaries are present.
    Geometry is never invented: no file, no choropleth.

Both use one sequential colour scale (ColorBrewer "Blues", a single-hue lightness
ramp that colour-blind readers can order), a colour bar with German numbers and
the city value marked, "•" on suppressed districts and "°" on uncertain rates.
Darker always means more burden: for an indicator where a high value is an advantage
(catalog ``richtung: vorteil``) the scale is reversed, and the colour bar says which
way it reads (:func:`skala`, :func:`lesart`).
"""

from __future__ import annotations

import difflib
import json
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from helpers import darstellung
from helpers import format as fmt
from helpers import grafik

GEOJSON = "stadtteile.geojson"
STADTTEILE = "stadtteile.csv"
SPALTE_ZEILE = "kachel_zeile"
SPALTE_SPALTE = "kachel_spalte"
HINWEIS_SCHEMA = "Schematische Darstellung, keine Grenzen"
GEOPANDAS_VERSION = "1.2.0"  # the version tested with (see README)

# Blues without its near-white end, so the lowest value still differs from the background.
FARBSKALA = mcolors.LinearSegmentedColormap.from_list(
    "sozialbericht_blau", plt.get_cmap("Blues")(np.linspace(0.15, 0.95, 256))
)
FARBE_GESPERRT = "#FFFFFF"
LESART = {"belastung": "dunkler = ungünstiger (höher)", "vorteil": "dunkler = ungünstiger (niedriger)",
          "neutral": "dunkler = höher"}
FARBE_RAND = "#FFFFFF"
FARBE_GESPERRT_RAND = "#8A8A8A"
TEXT_DUNKEL = grafik.FARBE_TEXT
TEXT_HELL = "#FFFFFF"


class KartenFehler(ValueError):
    """Tile positions or boundaries are unusable; the message says where and how to fix it."""


# --------------------------------------------------------------------------- tile positions


@dataclass(frozen=True)
class Kacheln:
    """Tile positions per district: ``lage`` has ``stadtteil``, ``zeile``, ``spalte``."""

    lage: pd.DataFrame
    automatisch: bool  # True: no tile columns in stadtteile.csv, laid out in file order

    @property
    def zeilen(self) -> int:
        return int(self.lage["zeile"].max()) + 1

    @property
    def spalten(self) -> int:
        return int(self.lage["spalte"].max()) + 1


def _ganzzahl(wert) -> int | None:
    """A non-negative whole number from a CSV cell (``3``, ``"3"``, ``3.0``), else None."""
    if isinstance(wert, bool) or wert is None:
        return None
    if isinstance(wert, (int, np.integer)):
        return int(wert) if wert >= 0 else None
    if isinstance(wert, (float, np.floating)):
        return int(wert) if math.isfinite(wert) and wert >= 0 and float(wert).is_integer() else None
    text = str(wert).strip()
    return int(text) if re.fullmatch(r"\d+", text) else None


def kacheln(stadtteile: pd.DataFrame) -> Kacheln:
    """Tile positions from ``stadtteile.csv`` (columns ``kachel_zeile``, ``kachel_spalte``).

    Without both columns the districts are placed row by row in file order on a
    near-square grid. Raises :class:`KartenFehler` (naming row, column and value)
    for a missing column of the pair, a value that is not a whole number ≥ 0, or two
    districts on the same tile.
    """
    namen = stadtteile["name"].astype(str).tolist()
    hat = [c in stadtteile.columns for c in (SPALTE_ZEILE, SPALTE_SPALTE)]
    if not any(hat):
        breite = math.ceil(math.sqrt(len(namen)))
        lage = pd.DataFrame({"stadtteil": namen,
                             "zeile": [i // breite for i in range(len(namen))],
                             "spalte": [i % breite for i in range(len(namen))]})
        return Kacheln(lage, automatisch=True)
    if not all(hat):
        fehlt = SPALTE_SPALTE if hat[0] else SPALTE_ZEILE
        raise KartenFehler(
            f"{STADTTEILE}: Spalte „{fehlt}“ fehlt. Für die Kachelkarte braucht jede Zeile "
            f"„{SPALTE_ZEILE}“ und „{SPALTE_SPALTE}“ (ganze Zahlen ab 0; Zeile 0 = Norden, "
            "Spalte 0 = Westen). Ergänzen Sie die Spalte oder entfernen Sie beide."
        )
    probleme = []
    zeilen, spalten = [], []
    for i, (name, z, s) in enumerate(zip(namen, stadtteile[SPALTE_ZEILE], stadtteile[SPALTE_SPALTE])):
        for spalte, roh, ziel in ((SPALTE_ZEILE, z, zeilen), (SPALTE_SPALTE, s, spalten)):
            wert = _ganzzahl(roh)
            if wert is None:
                probleme.append(
                    f"{STADTTEILE}, Zeile {i + 2} ({name}), Spalte „{spalte}“, Wert „{roh}“: "
                    "keine ganze Zahl ab 0. → Tragen Sie die Kachelposition als ganze Zahl ein "
                    "(Zeile 0 = Norden, Spalte 0 = Westen)."
                )
            ziel.append(wert)
    lage = pd.DataFrame({"stadtteil": namen, "zeile": zeilen, "spalte": spalten})
    if not probleme:
        doppelt = lage[lage.duplicated(["zeile", "spalte"], keep=False)]
        for (z, s), g in doppelt.groupby(["zeile", "spalte"], sort=True):
            probleme.append(
                f"{STADTTEILE}, Spalten „{SPALTE_ZEILE}“/„{SPALTE_SPALTE}“, Wert „{z}/{s}“: "
                f"{fmt.aufzaehlung(g['stadtteil'].tolist())} liegen auf derselben Kachel. "
                "→ Geben Sie jedem Stadtteil eine eigene Position."
            )
    if probleme:
        raise KartenFehler("Die Kachelpositionen sind nicht verwendbar:\n" + "\n".join(probleme))
    lage["zeile"] = lage["zeile"].astype(int)
    lage["spalte"] = lage["spalte"].astype(int)
    return Kacheln(lage, automatisch=False)


# --------------------------------------------------------------------------- values and colours


def _werte(werte: pd.DataFrame, namen: Sequence[str]) -> pd.DataFrame:
    """``stadtteil``, ``wert``, ``gesperrt``, ``unsicher`` for every district in ``namen``."""
    t = werte.copy()
    for spalte, standard in (("gesperrt", False), ("unsicher", False)):
        if spalte not in t:
            t[spalte] = standard
    t = t[t["stadtteil"].isin(namen)].set_index("stadtteil")
    t = t.reindex(list(namen))
    t["gesperrt"] = t["gesperrt"].fillna(False).astype(bool)
    t["unsicher"] = t["unsicher"].fillna(False).astype(bool)
    t["wert"] = t["wert"].astype(float)
    return t.rename_axis("stadtteil").reset_index()[["stadtteil", "wert", "gesperrt", "unsicher"]]


def normierung(werte: pd.Series) -> mcolors.Normalize:
    """Colour range from the smallest to the largest published value."""
    w = werte.dropna().astype(float)
    if w.empty:
        return mcolors.Normalize(0, 1)
    lo, hi = float(w.min()), float(w.max())
    if hi - lo < 1e-12:
        lo, hi = lo - 1, hi + 1
    return mcolors.Normalize(lo, hi)


def skala(richtung: str | None = None) -> mcolors.Colormap:
    """The colour scale for an indicator: dark = burden, so reversed when high is an advantage."""
    return FARBSKALA.reversed() if richtung == "vorteil" else FARBSKALA


def lesart(richtung: str | None = None) -> str:
    """How the colour bar reads, printed under it (``belastung`` when the direction is unknown)."""
    return LESART.get(richtung or "neutral", LESART["neutral"])


def textfarbe(farbe) -> str:
    """White or dark text, whichever contrasts more with the fill (WCAG relative luminance)."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in mcolors.to_rgb(farbe))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    kontrast_weiss = 1.05 / (lum + 0.05)
    dunkel = mcolors.to_rgb(TEXT_DUNKEL)
    lum_d = sum(k * (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
                for k, c in zip((0.2126, 0.7152, 0.0722), dunkel))
    kontrast_dunkel = (lum + 0.05) / (lum_d + 0.05)
    return TEXT_HELL if kontrast_weiss > kontrast_dunkel else TEXT_DUNKEL


def umbrechen(name: str, breite: int = 11) -> str:
    """Break long district names after a hyphen or slash (``Altendorf-\\nUlfkotte``)."""
    if len(name) <= breite:
        return name
    teile = re.split(r"(?<=[-/ ])", name)
    zeilen, aktuell = [], ""
    for t in teile:
        if aktuell and len(aktuell + t) > breite:
            zeilen.append(aktuell.rstrip())
            aktuell = t
        else:
            aktuell += t
    zeilen.append(aktuell.rstrip())
    return "\n".join(zeilen)


def wert_text(zeile, einheit: str) -> str:
    """The value printed on a district: number, "•" when suppressed, "°" when uncertain."""
    if zeile["gesperrt"]:
        return fmt.GESPERRT
    return fmt.zelle(zeile["wert"], False, zeile["unsicher"], fmt.stellen_fuer(einheit))


def _farbleiste(fig, ax, norm, einheit: str, stadtwert: float | None, richtung: str | None = None) -> None:
    """Horizontal colour bar under the map, German ticks, the city value marked, and how it reads."""
    sm = plt.cm.ScalarMappable(norm=norm, cmap=skala(richtung))
    cb = fig.colorbar(sm, ax=ax, orientation="horizontal", fraction=0.05, pad=0.03, aspect=28)
    cb.ax.xaxis.set_major_locator(MaxNLocator(4))
    grafik.deutsche_achse(cb.ax, "x")
    cb.ax.tick_params(labelsize=7.5, length=2)
    cb.outline.set_visible(False)
    teile = [einheit] if einheit and einheit not in ("Personen", "Fälle", "Anzahl") else []
    cb.set_label("; ".join(teile + [lesart(richtung)]), fontsize=7.5, labelpad=1)
    if stadtwert is not None and np.isfinite(stadtwert) and norm.vmin <= stadtwert <= norm.vmax:
        cb.ax.axvline(stadtwert, color=grafik.FARBE_STADT, linewidth=1.6)
        cb.ax.annotate("Gesamtstadt", xy=(stadtwert, 1.0), xycoords=("data", "axes fraction"),
                       xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                       fontsize=7, color=grafik.FARBE_STADT)


def _texte_einpassen(fig, paare: list[tuple], breite_daten: float, start: float = 7.5,
                     minimum: float = 6.5) -> None:
    """Shrink the tile labels so that the widest fits into ``breite_daten`` (data units).

    ``paare``: (axes, texts). One draw measures all labels; text width scales with the
    font size, so one common size follows without redrawing (keeps the figure fast).
    """
    paare = [(ax, t) for ax, t in paare if t]
    if not paare:
        return
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    faktor = 1.0
    for ax, texte in paare:
        verfuegbar = abs(ax.transData.transform((breite_daten, 0))[0] - ax.transData.transform((0, 0))[0])
        breitest = max(t.get_window_extent(renderer).width for t in texte)
        if breitest > 0:
            faktor = min(faktor, verfuegbar / breitest)
    groesse = max(minimum, min(start, start * faktor))
    for _, texte in paare:
        for t in texte:
            t.set_fontsize(groesse)


# --------------------------------------------------------------------------- tile map


def kachelkarte_zeichnen(
    ax,
    werte: pd.DataFrame,
    lage: Kacheln,
    einheit: str = "",
    titel: str | None = None,
    stadtwert: float | None = None,
    norm: mcolors.Normalize | None = None,
    schluessel: dict | None = None,
    richtung: str | None = None,
) -> list:
    """Draw the tile map into ``ax``; returns the label texts (for fitting).

    ``schluessel`` (district → key): label the tiles with the key only (many districts,
    see :func:`kachelkarten`), else with name and value. ``richtung`` (catalog) orients
    the scale so that darker means more burden.
    """
    t = _werte(werte, lage.lage["stadtteil"]).merge(lage.lage, on="stadtteil")
    norm = norm or normierung(t.loc[~t["gesperrt"], "wert"])
    kante = 0.94
    texte = []
    for _, z in t.iterrows():
        x, y = z["spalte"], -z["zeile"]
        leer = z["gesperrt"] or pd.isna(z["wert"])
        farbe = FARBE_GESPERRT if leer else skala(richtung)(norm(z["wert"]))
        ax.add_patch(Rectangle((x - kante / 2, y - kante / 2), kante, kante, facecolor=farbe,
                               edgecolor=FARBE_GESPERRT_RAND if leer else FARBE_RAND,
                               hatch="////" if z["gesperrt"] else None, linewidth=0.8))
        inhalt = (str(schluessel.get(z["stadtteil"], "")) if schluessel is not None else
                  f"{umbrechen(z['stadtteil'])}\n{wert_text(z, einheit)}")
        texte.append(ax.text(x, y, inhalt,
                             ha="center", va="center", fontsize=7.5, linespacing=1.05,
                             color=TEXT_DUNKEL if leer else textfarbe(farbe),
                             fontweight="normal"))
    ax.set_xlim(-0.55, lage.spalten - 0.45)
    ax.set_ylim(-(lage.zeilen - 0.45), 0.55)
    ax.set_aspect("equal")
    ax.axis("off")
    if titel:
        ax.set_title(titel, fontsize=9, loc="left")
    _farbleiste(ax.figure, ax, norm, einheit, stadtwert, richtung)
    return texte


def kachelkarte(
    werte: pd.DataFrame,
    stadtteile: pd.DataFrame,
    einheit: str = "",
    titel: str | None = None,
    stadtwert: float | None = None,
    richtung: str | None = None,
):
    """One schematic tile map of one indicator (``werte``: stadtteil, wert, gesperrt, unsicher)."""
    return kachelkarten([{"werte": werte, "einheit": einheit, "titel": titel, "stadtwert": stadtwert,
                          "richtung": richtung}], stadtteile, spalten=1)


def _hinweis(lage: Kacheln | None, gesperrt: bool, unsicher: bool) -> str:
    if lage is None:
        teile = ["Stadtteilgrenzen nach den Geodaten der Stadt"]
    elif lage.automatisch:
        teile = [f"{HINWEIS_SCHEMA}; Anordnung in der Reihenfolge des Stadtteilverzeichnisses, nicht nach Lage"]
    else:
        teile = [f"{HINWEIS_SCHEMA}; Lage der Kacheln nur ungefähr"]
    if gesperrt:
        teile.append(f"{fmt.GESPERRT} gesperrt (Geheimhaltung)")
    if unsicher:
        teile.append(f"{fmt.UNSICHER} unsicher (kleiner Nenner)")
    return ". ".join(teile) + "."


def _leer():
    """A small figure saying there is nothing to map (the figure cell must still show a figure)."""
    fig, ax = plt.subplots(figsize=(7.0, 1.0))
    ax.axis("off")
    ax.text(0, 0.5, "Für diesen Datenstand gibt es keinen Indikator mit Stadtteilwerten, der sich als Karte "
            "zeigen ließe.", fontsize=9, va="center", color=grafik.FARBE_TEXT)
    return fig


def _raster(n: int, spalten: int, breite: float, panel_hoehe: float):
    spalten = max(1, min(spalten, n))
    reihen = math.ceil(n / spalten)
    fig, axes = plt.subplots(reihen, spalten, figsize=(breite, panel_hoehe * reihen + 0.35), squeeze=False)
    for ax in axes.flat[n:]:
        ax.axis("off")
    return fig, list(axes.flat[:n])


def kachelkarten(panels: Sequence[dict], stadtteile: pd.DataFrame, spalten: int = 2, breite: float = 7.0,
                 hoehe_max: float = 8.5):
    """Small multiples of tile maps, one panel per indicator.

    Each panel is a dict with ``werte`` (stadtteil, wert, gesperrt, unsicher),
    ``einheit``, ``titel`` and optionally ``stadtwert`` and ``richtung``. Each panel has its own
    colour bar; the note "Schematische Darstellung, keine Grenzen" is printed under
    the maps.
    """
    lage = kacheln(stadtteile)
    if not panels:
        return _leer()
    # many districts: the tiles carry the district key (Schlüssel, as in the profiles), not name and value
    schluessel = (dict(zip(stadtteile["name"].astype(str), stadtteile["schluessel"].astype(str)))
                  if len(lage.lage) > darstellung.regeln().karte_namen_bis and "schluessel" in stadtteile else None)
    spalten = max(1, min(spalten, len(panels)))
    reihen = math.ceil(len(panels) / spalten)
    # tile edge in inches: as wide as the panel allows, but the figure fits an A4 page
    kachel = min((breite / spalten - 0.3) / lage.spalten, ((hoehe_max - 0.35) / reihen - 1.0) / lage.zeilen)
    fig, axes = _raster(len(panels), spalten, breite, kachel * lage.zeilen + 1.0)
    gesperrt = unsicher = False
    paare: list[tuple] = []  # (axes, label texts) for fitting the font size
    for ax, p in zip(axes, panels):
        texte = kachelkarte_zeichnen(ax, p["werte"], lage, p.get("einheit", ""), p.get("titel"),
                                     p.get("stadtwert"), schluessel=schluessel, richtung=p.get("richtung"))
        w = _werte(p["werte"], lage.lage["stadtteil"])
        gesperrt |= bool(w["gesperrt"].any())
        unsicher |= bool((w["unsicher"] & ~w["gesperrt"]).any())
        paare.append((ax, texte))
    hinweis = _hinweis(lage, gesperrt, unsicher)
    if schluessel is not None:
        hinweis += " Die Zahl auf jeder Kachel ist der Schlüssel des Stadtteils (siehe Steckbriefe)."
    fig.text(0.0, 0.0, textwrap.fill(hinweis, 120), fontsize=7.5, color=grafik.FARBE_TEXT,
             ha="left", va="bottom", style="italic")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    _texte_einpassen(fig, paare, 0.88, minimum=darstellung.regeln().schrift_min_pt)
    return fig


# --------------------------------------------------------------------------- boundaries (geojson)


def grenzen_datei(ordner: str | Path) -> Path | None:
    """``<data folder>/stadtteile.geojson`` if the data folder brings boundaries, else None."""
    pfad = Path(ordner) / GEOJSON
    return pfad if pfad.is_file() else None


def _geopandas():
    """Import geopandas only when boundaries are to be drawn."""
    try:
        import geopandas
    except ImportError as err:
        raise KartenFehler(
            f"Der Datenordner enthält {GEOJSON}, aber das Python-Paket geopandas ist nicht installiert. "
            f"→ Installieren Sie es mit „.venv/bin/pip install geopandas=={GEOPANDAS_VERSION}“ "
            f"oder entfernen Sie {GEOJSON}, dann zeigt der Bericht die schematische Kachelkarte."
        ) from err
    return geopandas


def _schluessel_text(x) -> str:
    text = str(x).strip()
    return (text.lstrip("0") or "0") if text.isdigit() else text


def lade_grenzen(pfad: str | Path, stadtteile: pd.DataFrame):
    """Read ``stadtteile.geojson`` and match each feature to a district.

    A feature is matched by its property ``name`` (after trimming) or else
    ``schluessel`` (leading zeros ignored). Every district of ``stadtteile.csv``
    needs exactly one feature. Returns a GeoDataFrame with the canonical district
    name in ``stadtteil``, in the order of ``stadtteile.csv``.
    """
    pfad = Path(pfad)
    datei = pfad.name
    try:
        inhalt = json.loads(pfad.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise KartenFehler(f"{datei}: Datei ist kein lesbares GeoJSON ({err}). "
                           "→ Speichern Sie die Grenzen als GeoJSON (UTF-8) neu.") from err
    if not isinstance(inhalt, dict) or inhalt.get("type") != "FeatureCollection" \
            or not isinstance(inhalt.get("features"), list):
        raise KartenFehler(f"{datei}: erwartet wird eine GeoJSON-„FeatureCollection“ mit einer Liste "
                           "„features“. → Exportieren Sie die Stadtteilgrenzen als FeatureCollection.")
    namen = stadtteile["name"].astype(str).str.strip().tolist()
    nach_schluessel = {_schluessel_text(s): n for s, n in zip(stadtteile["schluessel"], namen)}
    zuordnung: list[str] = []
    probleme: list[str] = []
    for nr, f in enumerate(inhalt["features"], start=1):
        props = (f or {}).get("properties") or {}
        geom = (f or {}).get("geometry")
        name = str(props.get("name", "")).strip()
        schl = props.get("schluessel")
        if name in namen:
            zuordnung.append(name)
        elif schl is not None and _schluessel_text(schl) in nach_schluessel:
            zuordnung.append(nach_schluessel[_schluessel_text(schl)])
        else:
            nah = difflib.get_close_matches(name, namen, n=1) if name else []
            tipp = f" Meinten Sie „{nah[0]}“?" if nah else ""
            probleme.append(f"{datei}, Feature {nr}, Eigenschaft „name“/„schluessel“, Wert "
                            f"„{name or schl}“: kein Stadtteil aus {STADTTEILE}.{tipp}")
            zuordnung.append("")
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            probleme.append(f"{datei}, Feature {nr}: Geometrie fehlt oder ist kein (Multi-)Polygon.")
    gezaehlt = pd.Series([z for z in zuordnung if z]).value_counts()
    for name in gezaehlt[gezaehlt > 1].index:
        probleme.append(f"{datei}: Stadtteil „{name}“ kommt in mehreren Features vor. "
                        "→ Fassen Sie seine Flächen zu einem MultiPolygon zusammen.")
    fehlend = [n for n in namen if n not in set(zuordnung)]
    if fehlend:
        probleme.append(f"{datei}: keine Grenze für {fmt.aufzaehlung(fehlend)}. "
                        "→ Ergänzen Sie je Stadtteil ein Feature mit der Eigenschaft „name“ oder „schluessel“.")
    if probleme:
        raise KartenFehler("Die Stadtteilgrenzen sind nicht verwendbar:\n" + "\n".join(probleme))
    gpd = _geopandas()
    crs = ((inhalt.get("crs") or {}).get("properties") or {}).get("name")
    gdf = gpd.GeoDataFrame.from_features(inhalt["features"], crs=crs)
    gdf["stadtteil"] = zuordnung
    pos = {n: i for i, n in enumerate(namen)}
    gdf = gdf.sort_values("stadtteil", key=lambda s: s.map(pos)).reset_index(drop=True)
    return gdf[["stadtteil", "geometry"]]


def choroplethe_zeichnen(
    ax,
    werte: pd.DataFrame,
    grenzen,
    einheit: str = "",
    titel: str | None = None,
    stadtwert: float | None = None,
    richtung: str | None = None,
) -> list:
    """Draw a choropleth of one indicator into ``ax``; returns the label texts (darker = more burden)."""
    t = grenzen.merge(_werte(werte, grenzen["stadtteil"]), on="stadtteil", how="left")
    offen = ~t["gesperrt"] & t["wert"].notna()
    norm = normierung(t.loc[offen, "wert"])
    farben = [mcolors.to_rgba(skala(richtung)(norm(w)) if o else FARBE_GESPERRT) for w, o in zip(t["wert"], offen)]
    t.plot(ax=ax, color=farben, edgecolor="#FFFFFF", linewidth=0.8)
    if (~offen).any():
        t[~offen].plot(ax=ax, facecolor="none", edgecolor=FARBE_GESPERRT_RAND, hatch="////", linewidth=0.8)
    texte = []
    for (_, z), farbe, o in zip(t.iterrows(), farben, offen):
        if len(t) > darstellung.regeln().karte_namen_bis:
            break  # many small areas: the values are in the profiles' tables, labels would overlap
        p = z.geometry.representative_point()
        texte.append(ax.text(p.x, p.y, f"{umbrechen(z['stadtteil'])}\n{wert_text(z, einheit)}",
                             ha="center", va="center", fontsize=6.5, linespacing=1.05,
                             color=textfarbe(farbe) if o else TEXT_DUNKEL))
    ax.set_axis_off()
    if titel:
        ax.set_title(titel, fontsize=9, loc="left")
    _farbleiste(ax.figure, ax, norm, einheit, stadtwert, richtung)
    return texte


def choroplethen(panels: Sequence[dict], grenzen, spalten: int = 2, breite: float = 7.0,
                 hoehe_max: float = 8.5):
    """Small multiples of choropleth maps (panels as in :func:`kachelkarten`)."""
    if not panels:
        return _leer()
    x0, y0, x1, y1 = grenzen.total_bounds
    verhaeltnis = (y1 - y0) / (x1 - x0) if x1 > x0 else 1.0
    if grenzen.crs is not None and grenzen.crs.is_geographic:
        verhaeltnis /= math.cos(math.radians((y0 + y1) / 2))
    spalten = max(1, min(spalten, len(panels)))
    reihen = math.ceil(len(panels) / spalten)
    karte_hoehe = min((breite / spalten - 0.3) * verhaeltnis, (hoehe_max - 0.35) / reihen - 1.0)
    fig, axes = _raster(len(panels), spalten, breite, karte_hoehe + 1.0)
    gesperrt = unsicher = False
    for ax, p in zip(axes, panels):
        choroplethe_zeichnen(ax, p["werte"], grenzen, p.get("einheit", ""), p.get("titel"), p.get("stadtwert"),
                             p.get("richtung"))
        w = _werte(p["werte"], grenzen["stadtteil"])
        gesperrt |= bool(w["gesperrt"].any())
        unsicher |= bool((w["unsicher"] & ~w["gesperrt"]).any())
    fig.text(0.0, 0.0, _hinweis(None, gesperrt, unsicher), fontsize=7.5, color=grafik.FARBE_TEXT,
             ha="left", va="bottom", style="italic")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def karten(panels: Sequence[dict], stadtteile: pd.DataFrame, ordner: str | Path | None = None,
           spalten: int = 2, breite: float = 7.0, hoehe_max: float = 8.5):
    """Choropleths when ``ordner`` holds ``stadtteile.geojson``, else schematic tile maps."""
    pfad = grenzen_datei(ordner) if ordner is not None else None
    if pfad is None:
        return kachelkarten(panels, stadtteile, spalten, breite, hoehe_max)
    return choroplethen(panels, lade_grenzen(pfad, stadtteile), spalten, breite, hoehe_max)


def kartenart(ordner: str | Path | None) -> str:
    """``"grenzen"`` when the data folder brings boundaries, else ``"kacheln"``."""
    return "grenzen" if ordner is not None and grenzen_datei(ordner) is not None else "kacheln"
