"""The one setup call every notebook starts with (like R4DS's ``_common.R``).

::

    import helpers
    ctx = helpers.setup()

It fixes the random seed, applies the plot style and German number display,
and loads and validates the data folder (``$SOZIALBERICHT_DATEN`` or ``data/``).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import format as fmt
from helpers import grafik

SEED = 20181231


@dataclass(frozen=True)
class Kontext:
    """What a notebook works with: the validated data and where to publish downloads."""

    daten: object  # helpers.daten.Datenbestand
    ausgabe: Path

    @property
    def bericht(self):
        return self.daten.bericht

    @property
    def katalog(self):
        return self.daten.katalog

    @property
    def stadtteile(self) -> pd.DataFrame:
        return self.daten.stadtteile

    @property
    def bestand(self) -> pd.DataFrame:
        return self.daten.bestand

    @property
    def indikatoren(self) -> pd.DataFrame:
        return self.daten.indikatoren

    @property
    def indikatoren_intern(self) -> pd.DataFrame:
        """Indicators without disclosure control, for safe statistics only (never publish values)."""
        return self.daten.indikatoren_intern()

    @property
    def manifest(self) -> pd.DataFrame:
        return self.daten.manifest

    @property
    def ordner(self) -> Path:
        return self.daten.ordner

    @property
    def jahr(self) -> int:
        """The Berichtsjahr (Stichtag 31.12.)."""
        return int(self.daten.bericht.berichtsjahr)

    @property
    def reihenfolge(self) -> list[str]:
        """District names in the order of stadtteile.csv (the order of all charts and tables)."""
        return self.daten.stadtteile["name"].tolist()


def vorbericht(ctx: Kontext) -> Kontext:
    """The previous edition (``ausgaben`` in bericht.yml) from the same data folder, at its own Stichtag.

    Raises ``ValueError`` for the first edition, which has no previous one.
    """
    from helpers.daten import laden

    jahr = ctx.bericht.vorbericht
    if jahr is None:
        raise ValueError(f"Der Bericht zum 31.12.{ctx.jahr} ist die erste Ausgabe: bericht.yml nennt unter "
                         "„ausgaben“ kein früheres Berichtsjahr.")
    return Kontext(daten=laden(ctx.ordner, berichtsjahr=jahr), ausgabe=ctx.ausgabe)


def ausgabe_ordner() -> Path:
    """Folder for published downloads: ``$SOZIALBERICHT_AUSGABE`` (set by the build)."""
    from helpers.daten.ordner import repo_root

    ordner = os.environ.get("SOZIALBERICHT_AUSGABE")
    return Path(ordner) if ordner else repo_root() / ".cache" / "ausgabe" / "daten"


PNG = {"dpi": 200, "bbox_inches": "tight", "metadata": {"Software": None}}


def ohne_alpha(png: bytes) -> bytes:
    """The PNG on white without its alpha channel (same pixels, same 200 dpi).

    Every figure has a white background; the unused alpha channel costs Typst a quarter of the
    memory it needs for an image (70 figures of a city with 150 districts: 0,14 GB).
    """
    import io

    from PIL import Image

    bild = Image.open(io.BytesIO(png))
    if bild.mode != "RGBA":
        return png
    weiss = Image.new("RGB", bild.size, "white")
    weiss.paste(bild, mask=bild.getchannel("A"))
    aus = io.BytesIO()
    weiss.save(aus, "PNG", dpi=bild.info.get("dpi", (PNG["dpi"], PNG["dpi"])))
    return aus.getvalue()


def _notebook_anzeige(beispieldaten: bool = False, stadtteile=None) -> None:
    """Figures as PNG without volatile metadata, so rebuilds are byte-identical, with bars from
    zero (:func:`helpers.grafik.nullpunkt`); with
    ``beispieldaten`` every figure and table carries the mark (:mod:`helpers.marke`); printed
    sentences get the districts' articles from ``stadtteile`` (:mod:`helpers.sprache`)."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python (tests)
        return
    ip = get_ipython()
    if ip is None:
        return
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    from helpers import marke, sprache

    set_matplotlib_formats("png", **PNG)
    # rules every shown figure obeys, whichever helper drew it
    schritte = [grafik.nullpunkt] + ([marke.figur] if beispieldaten else [])

    def png(fig):
        for schritt in schritte:
            schritt(fig)
        return ohne_alpha(print_figure(fig, "png", **PNG))

    ip.display_formatter.formatters["image/png"].for_type(Figure, png)
    sprache.einschalten(sprache.artikel_aus(stadtteile))
    if beispieldaten:
        marke.einschalten(ip)


def setup(ordner: str | Path | None = None, marke: bool = True) -> Kontext:
    """Seed, plot style, layout rules (``regeln/darstellung.yml``), German number display; load and
    validate the data folder.

    ``marke``: with synthetic data (``beispieldaten: true``) mark every figure and table as
    such; ``False`` for notebooks that show no data values (sources, abbreviations)."""
    from helpers.daten import laden

    from helpers import darstellung

    random.seed(SEED)
    np.random.seed(SEED)
    grafik.stil()
    regel = darstellung.datei(ordner)
    darstellung.setzen(darstellung.lade(regel) if regel.is_file() else darstellung.Regeln())
    pd.set_option("display.float_format", lambda x: fmt.zahl(x, 2))
    pd.set_option("display.max_columns", 30)
    ausgabe = ausgabe_ordner()
    ausgabe.mkdir(parents=True, exist_ok=True)
    ctx = Kontext(daten=laden(ordner), ausgabe=ausgabe)
    _notebook_anzeige(beispieldaten=marke and bool(ctx.bericht.beispieldaten), stadtteile=ctx.stadtteile)
    return ctx
