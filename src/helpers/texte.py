"""Generated German sentences: what stands out in the data.

The sentences depend only on the data passed in, so other data gives other
sentences. Suppressed values are never named.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import darstellung
from helpers import format as fmt
from helpers.tabellen import STADT

HINWEIS_BEISPIELDATEN = (
    "::: {{.callout-warning}}\n"
    "## Beispieldaten\n\n"
    "Dieser Bericht zeigt **synthetische Beispieldaten** für {stadt}. "
    "Nur die Einwohnerzahlen und einige Eckwerte der Gesamtstadt sind an veröffentlichten Zahlen "
    "ausgerichtet; alle übrigen Werte, insbesondere die der Stadtteile, sind erfunden und beschreiben nicht "
    "die tatsächliche Lage. Aussagen in diesem Kapitel sind Beispiele dafür, "
    "was der Bericht mit echten Daten zeigen würde, und keine Befunde über {stadt}.\n"
    ":::\n"
)


def datenhinweis(bericht) -> str:
    """The demo-data notice as a callout, or an empty string for real data."""
    return HINWEIS_BEISPIELDATEN.format(stadt=bericht.stadt) if bericht.beispieldaten else ""


def einleitung(bericht, n_stadtteile: int) -> str:
    """The first sentences of the preface: the report, its city and its districts."""
    return (f"Der Sozialbericht „{bericht.titel_text}“ beschreibt, unter welchen Bedingungen junge Menschen in den "
            f"{fmt.zahl(n_stadtteile)} Stadtteilen von {bericht.stadt} aufwachsen.")


def ausgabe_satz(bericht) -> str:
    """Which edition this is: its Stichtag and, for a Fortschreibung, the edition it continues."""
    satz = (f"Dieser Bericht beschreibt die Lage zum Stichtag {fmt.stichtag(bericht.berichtsjahr)}; alle Kennzahlen, "
            "Entwicklungen und Bewertungen beziehen sich auf Daten bis zu diesem Tag.")
    if bericht.vorbericht is not None:
        satz += (f" Er schreibt den Bericht zum {fmt.stichtag(bericht.vorbericht)} fort und stellt im Teil "
                 "„Fortschreibung“ die Ergebnisse beider Ausgaben gegenüber.")
    return satz


def wert_satz(titel: str, einheit: str, stadt: str, jahr: int, wert: float,
              vergleich_jahr: int | None = None, wert_vorher: float = np.nan) -> str:
    """``"„SGB-II-Quote“: In Dorsten betrug der Wert am 31.12.2018 11,2 % (31.12.2013: …)."``"""
    # "betrug" keeps the unit in the nominative ("36,0 Plätze je 100", not "bei … Plätze")
    satz = f"„{titel}“: In {stadt} betrug der Wert am {fmt.stichtag(jahr)} {fmt.wert(wert, einheit)}"
    if vergleich_jahr and not np.isnan(wert_vorher):
        stellen = fmt.stellen_fuer(einheit)
        satz += (f" ({fmt.stichtag(vergleich_jahr)}: {fmt.wert(wert_vorher, einheit)}; "
                 f"Veränderung {fmt.punkte(fmt.differenz(wert, wert_vorher, stellen), einheit, stellen)})")
    return satz + "."


def auffaelligkeiten(
    tab: pd.DataFrame,
    titel: str,
    einheit: str,
    trend: pd.DataFrame | None = None,
    schwelle_sd: float = 1.0,
) -> list[str]:
    """Sentences on the highest and lowest district, strong deviations and the largest change.

    ``tab`` is a district comparison (:func:`helpers.tabellen.vergleich`); ``trend``
    optionally holds ``stadtteil`` and ``veraenderung`` over the comparison period.
    A district counts as far from the city when it deviates by more than
    ``schwelle_sd`` standard deviations of the district values.
    """
    stellen = fmt.stellen_fuer(einheit)
    t = tab[~tab["gesperrt"] & tab["wert"].notna()].sort_values("wert")
    if t.empty:
        return [f"Für „{titel}“ liegen keine veröffentlichbaren Stadtteilwerte vor."]
    saetze = []
    hoch, tief = t.iloc[-1], t.iloc[0]
    saetze.append(
        f"Den höchsten Wert für „{titel}“ hat {hoch['stadtteil']} mit {fmt.wert_dativ(hoch['wert'], einheit)}, "
        f"den niedrigsten {tief['stadtteil']} mit {fmt.wert_dativ(tief['wert'], einheit)} "
        f"(Gesamtstadt: {fmt.wert(hoch['stadt'], einheit)})."
    )
    sd = t["wert"].std(ddof=1)
    mit_ci = "ci_unten" in t and t["ci_unten"].notna().any()
    if len(t) >= 3 and sd > 0:
        weit = t.reindex(t["differenz"].abs().sort_values(ascending=False, kind="stable").index)
        # far from the city by the spread of the districts, and - for proportions - beyond chance:
        # the district's 95 % interval lies entirely on one side of the city value
        ueber = weit["differenz"] > schwelle_sd * sd
        unter = weit["differenz"] < -schwelle_sd * sd
        if mit_ci:
            ueber &= weit["ci_unten"] > weit["stadt"]
            unter &= weit["ci_oben"] < weit["stadt"]
        ueber, unter = weit[ueber]["stadtteil"].tolist(), weit[unter]["stadtteil"].tolist()  # farthest first
        teile = [_abweichung_satzteil(namen, richtung, len(t), erstes=not teile_davor)
                 for teile_davor, (namen, richtung) in enumerate(((ueber, "über"), (unter, "unter"))) if namen]
        teile = [t_ for t_ in teile if t_]
        sd_text = ("eine Standardabweichung" if schwelle_sd == 1 else
                   f"{fmt.zahl(schwelle_sd, 1 if schwelle_sd % 1 else 0)} Standardabweichungen")
        kriterium = (f"Abstand zur Gesamtstadt größer als {sd_text} der Stadtteilwerte"
                     + (" und 95-%-Intervall ganz auf einer Seite des städtischen Werts" if mit_ci else ""))
        if teile:
            saetze.append("; ".join(teile) + f" ({kriterium}).")
        else:
            saetze.append(f"Kein Stadtteil weicht deutlich vom Wert der Gesamtstadt ab ({kriterium}).")
    if trend is not None:
        saetze += _veraenderung_saetze(trend, einheit, stellen)
    return saetze


def _veraenderung_saetze(trend: pd.DataFrame, einheit: str, stellen: int) -> list[str]:
    """The largest change among the districts; with intervals only a change beyond chance is
    called the strongest, and a larger one within chance is named as such."""
    tr = trend.dropna(subset=["veraenderung"])
    tr = tr[tr["stadtteil"] != STADT]
    if tr.empty:
        return []
    groesste = tr.loc[tr["veraenderung"].abs().idxmax()]
    wert = fmt.punkte(groesste["veraenderung"], einheit, stellen)
    if "ci_unten" not in tr or not tr["ci_unten"].notna().any():
        return [f"Am stärksten verändert hat sich der Wert in {groesste['stadtteil']} ({wert})."]

    def ki(r) -> str:
        return f"95-%-Intervall {fmt.punkte(r['ci_unten'], einheit, stellen)} bis {fmt.punkte(r['ci_oben'], einheit, stellen)}"

    sicher = tr[(tr["ci_unten"] > 0) | (tr["ci_oben"] < 0)]
    if sicher.empty:
        return [f"Keine Veränderung in einem Stadtteil geht über die Zufallsschwankung hinaus (das 95-%-Intervall "
                f"schließt jeweils null ein); die rechnerisch größte Veränderung zeigt {groesste['stadtteil']} ({wert})."]
    s = sicher.loc[sicher["veraenderung"].abs().idxmax()]
    satz = (f"Am stärksten verändert hat sich der Wert – über die Zufallsschwankung hinaus – in {s['stadtteil']} "
            f"({fmt.punkte(s['veraenderung'], einheit, stellen)}; {ki(s)}).")
    if groesste["stadtteil"] != s["stadtteil"]:
        satz += (f" Die rechnerisch größere Veränderung in {groesste['stadtteil']} ({wert}; {ki(groesste)}) "
                 "kann auch zufällig sein.")
    return [satz]


def _abweichung_satzteil(namen: list[str], richtung: str, n: int, erstes: bool) -> str:
    """"Hervest liegt deutlich über …" – or a count when most districts deviate the same way.

    When big districts pull the city value to one side, most small ones can lie on the
    other side; naming eight districts as "deutlich" would then mislead.
    """
    verb = "liegt" if len(namen) == 1 else "liegen"
    wo = "über" if richtung == "über" else "unter"
    if len(namen) > n / 2:
        return (f"{len(namen)} von {n} Stadtteilen liegen deutlich {wo} dem Wert der Gesamtstadt, "
                "der stark von den großen Stadtteilen geprägt ist")
    return f"{nennung(namen)} {verb} deutlich {wo} dem Wert der Gesamtstadt"


def nennung(namen: list[str], am: str = "am weitesten") -> str:
    """Districts in a sentence: all names up to ``aufzaehlung_bis``, else a count and the first few.

    ``namen`` come most relevant first: ``"42 Stadtteile (am weitesten A, B, C, D und E)"``.
    The count takes a plural verb, like an enumeration of several names.
    """
    r = darstellung.regeln()
    if len(namen) <= r.aufzaehlung_bis:
        return fmt.aufzaehlung(namen)
    return f"{fmt.zahl(len(namen))} Stadtteile ({am} {fmt.aufzaehlung(namen[:r.auswahl_satz])})"


def spitze(tab: pd.DataFrame, spalte: str = "wert", hoch: bool = True, n: int | None = None) -> str:
    """``"die fünf Stadtteile mit den höchsten Werten (A, B, C, D und E)"`` from a district table."""
    n = n or darstellung.regeln().auswahl_satz
    t = tab[tab[spalte].notna()].sort_values(spalte, ascending=not hoch, kind="stable").head(n)
    wort = "höchsten" if hoch else "niedrigsten"
    return (f"die {darstellung.zahlwort(len(t))} Stadtteile mit den {wort} Werten "
            f"({fmt.aufzaehlung(t['stadtteil'].tolist())})")


def veraenderungen(ind: pd.DataFrame, indikator: str, jahr: int, vergleich_jahr: int,
                   faktor: float | None = None) -> pd.DataFrame:
    """Change of each district's published value between two years (``stadtteil``, ``veraenderung``).

    With ``faktor`` (a proportion, see :func:`helpers.tabellen.intervall_faktor`) also the 95 %
    interval of the change (``ci_unten``, ``ci_oben``; Newcombe's hybrid score interval).
    """
    from helpers.statistik import newcombe

    r = ind[(ind["indikator"] == indikator) & ~ind["gesperrt"]]
    a = r[r["jahr"] == jahr].set_index("stadtteil")
    b = r[r["jahr"] == vergleich_jahr].set_index("stadtteil")
    d = (a["wert"] - b["wert"]).dropna()
    out = pd.DataFrame({"stadtteil": d.index, "veraenderung": d.to_numpy()})
    if faktor is not None and {"zaehler", "nenner"} <= set(r.columns):
        a, b = a.reindex(d.index), b.reindex(d.index)
        out["ci_unten"], out["ci_oben"] = newcombe(a["zaehler"], a["nenner"], b["zaehler"], b["nenner"], faktor)
    return out


def stadtteil_liste(stadt: str, namen: list[str]) -> str:
    """The districts of the data folder as a sentence and a list (order of stadtteile.csv)."""
    anzahl = darstellung.zahlwort(len(namen))
    if len(namen) > darstellung.regeln().tabelle_bis:
        return (f"{stadt} gliedert sich in {anzahl} Stadtteile. Jeder Stadtteil hat im Anhang einen eigenen "
                "Steckbrief; die Liste aller Stadtteile mit ihren Werten steht in den Downloads.\n")
    return f"{stadt} gliedert sich in {anzahl} Stadtteile:\n\n" + "\n".join(f"- {n}" for n in namen) + "\n"


def absatz(saetze: list[str]) -> str:
    return " ".join(saetze)


def kurztitel(eintrag) -> str:
    """The short title of a catalog indicator (``kurztitel``, else ``titel``) for charts and lists."""
    kurz = eintrag.get("kurztitel")
    return str(kurz) if isinstance(kurz, str) and kurz.strip() else str(eintrag["titel"])


def quellen_liste(katalog_indikatoren: pd.DataFrame, ids) -> list[str]:
    """The catalog sources (``quelle``) of the given indicators, split at ";", each named once."""
    k = katalog_indikatoren.set_index("id")
    teile = [q.strip() for i in ids for q in str(k.loc[i, "quelle"]).split(";")]
    return list(dict.fromkeys(q for q in teile if q))


def quellen(katalog_indikatoren: pd.DataFrame, ids, zusatz=()) -> str:
    """A "Quelle: …" line from the catalog's ``quelle`` fields of the given indicators."""
    teile = quellen_liste(katalog_indikatoren, ids) + [z for z in zusatz if z]
    return f"Quelle: {'; '.join(teile)}." if teile else ""


def fussnote(katalog_indikatoren: pd.DataFrame, indikator: str) -> str:
    """``"*Definition:* … *Quelle:* …"`` for one indicator, from the catalog."""
    k = katalog_indikatoren.set_index("id").loc[indikator]
    definition = k.get("definition")
    teile = [f"*Definition:* {definition}"] if isinstance(definition, str) and definition.strip() else []
    teile.append("*" + quellen(katalog_indikatoren, [indikator]).replace("Quelle:", "Quelle:*", 1))
    return " ".join(teile)
