"""The standard building blocks of a Teil II chapter, one indicator at a time.

Each function takes the notebook context (``ctx = helpers.setup()``) and an
indicator id from the catalog, and returns a figure or Markdown. A Handlungsfeld
notebook is then a sequence of short cells::

    monitoring.kennzahlen(ctx, 2)                 # table: key city figures
    monitoring.vergleich_abbildung(ctx, "sgb2_quote")
    monitoring.vergleich_tabelle(ctx, "sgb2_quote")
    monitoring.trend_abbildung(ctx, "sgb2_quote")
    monitoring.befund(ctx, "sgb2_quote")          # computed sentences
"""

from __future__ import annotations

from IPython.display import Markdown

from helpers import grafik, tabellen, texte
from helpers.texte import kurztitel


def _meta(ctx, indikator: str):
    return ctx.katalog.indikator(indikator)


def kern_indikatoren(ctx, handlungsfeld: int) -> list[str]:
    """Ids of the key indicators (``kern: true``) of a Handlungsfeld, in catalog order."""
    k = ctx.katalog.indikatoren
    kern = k["kern"].fillna(False).astype(bool) if "kern" in k else True
    return k[(k["handlungsfeld"] == handlungsfeld) & kern]["id"].tolist()


def kennzahlen(ctx, handlungsfeld: int, indikatoren: list[str] | None = None) -> Markdown:
    """City values of the key indicators on the Stichtag and five years before."""
    ids = indikatoren or kern_indikatoren(ctx, handlungsfeld)
    k = ctx.katalog.indikatoren.set_index("id").loc[ids].reset_index()
    vj = tabellen.vergleichsjahr(ctx.indikatoren, ctx.jahr, indikatoren=ids)
    tab = tabellen.kennzahlen(ctx.indikatoren, k, ctx.jahr, vj)
    return Markdown(tabellen.kennzahlen_markdown(tab, ctx.jahr, vj))


def vergleich(ctx, indikator: str, jahr: int | None = None):
    """District comparison table (DataFrame) for one indicator, with Wilson intervals for proportions."""
    return tabellen.vergleich(ctx.indikatoren, indikator, jahr or ctx.jahr, ctx.reihenfolge,
                              faktor=tabellen.intervall_faktor(_meta(ctx, indikator)))


def vergleich_abbildung(ctx, indikator: str, jahr: int | None = None):
    """Bars per district sorted by value, with the city line; far-off districts highlighted."""
    meta = _meta(ctx, indikator)
    tab = vergleich(ctx, indikator, jahr)
    return grafik.balken_stadtteile(
        tab,
        stadtwert=tab["stadt"].iloc[0],
        einheit=meta["einheit"],
        titel=kurztitel(meta),
        hervorheben=tabellen.abweichendste(tab, 2),
        intervall=("ci_unten", "ci_oben") if tab["ci_unten"].notna().any() else None,
    )


def vergleich_tabelle(ctx, indikator: str, jahr: int | None = None) -> Markdown:
    meta = _meta(ctx, indikator)
    return Markdown(tabellen.vergleich_markdown(vergleich(ctx, indikator, jahr), meta["einheit"]))


def trend_abbildung(ctx, indikator: str, n: int = 3):
    """City and the ``n`` districts farthest from it on the Stichtag, over all years."""
    meta = _meta(ctx, indikator)
    tab = vergleich(ctx, indikator)
    fig = grafik.trend_linien(
        tabellen.trendreihen(ctx.indikatoren, indikator),
        einheit=meta["einheit"],
        titel=kurztitel(meta),
        hervorheben=tabellen.abweichendste(tab, n),
        register=ctx.reihenfolge,
    )
    ax = fig.axes[0]
    ax.axvline(ctx.jahr, color=grafik.FARBE_GRAU, linewidth=0.8, linestyle=":")
    return fig


def befund(ctx, indikator: str) -> str:
    """Computed sentences: the city value and its change, extremes, strong deviations."""
    meta = _meta(ctx, indikator)
    ind = ctx.indikatoren
    vj = tabellen.vergleichsjahr(ind, ctx.jahr, indikatoren=[indikator])
    jetzt = tabellen.stadtwert(ind, indikator, ctx.jahr)
    vorher = tabellen.stadtwert(ind, indikator, vj) if vj else float("nan")
    saetze = [texte.wert_satz(meta["titel"], meta["einheit"], ctx.bericht.stadt,
                              ctx.jahr, jetzt, vj, vorher)]
    trend = texte.veraenderungen(ind, indikator, ctx.jahr, vj, tabellen.intervall_faktor(meta)) if vj else None
    saetze += texte.auffaelligkeiten(vergleich(ctx, indikator), kurztitel(meta), meta["einheit"], trend)
    return texte.absatz(saetze)



def befund_mit_fussnote(ctx, indikator: str) -> str:
    """:func:`befund` followed by the indicator's definition and source."""
    return befund(ctx, indikator) + "\n\n" + texte.fussnote(ctx.katalog.indikatoren, indikator)
