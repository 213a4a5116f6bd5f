"""The Fazit of Teil III: one function per statement, each computed from the results of the chapters.

Every statement names the chapter it comes from (``@sec-…``) and follows the data:
other districts, other classes or no evaluable pair give other sentences.
:func:`aussagen` collects them from a :class:`helpers.auswertung.Teil3`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers import format as fmt
from helpers import statistik, tabellen

NIEDRIGER_STATUS = ("niedrig", "sehr niedrig")


def ungleiche_lebenslagen(lage: pd.DataFrame) -> str:
    """The two least and the two most favourable districts by mean directed z (:func:`helpers.vergleich.gesamtlage`)."""
    t = lage.dropna(subset=["z_mittel"]).sort_values("z_mittel", ascending=False)
    schlecht = t["stadtteil"].head(2).tolist()
    gut = t["stadtteil"].tail(2).iloc[::-1].tolist()
    return (f"**Ungleiche Lebenslagen.** Über die Kernindikatoren gemittelt weichen {fmt.aufzaehlung(schlecht)} am "
            f"stärksten ungünstig von der Gesamtstadt ab, {fmt.aufzaehlung(gut)} am stärksten günstig "
            "(@sec-stadtteilvergleich).")


def sozialer_status(index: pd.DataFrame, robust: pd.DataFrame) -> str:
    """Districts with low or very low status (district order), each marked robust where its class
    is the same in every variant of the sensitivity analysis – and, when ``index`` carries
    ``klasse_stabil`` (:func:`helpers.sozialindex.stabilitaet`), stable where it is also outside the
    tolerance band at the class borders."""
    niedrig = index[index["klasse"].isin(NIEDRIGER_STATUS)]
    if niedrig.empty:
        return ("**Sozialer Status.** Kein Stadtteil fällt nach dem Sozialindex in die Klassen niedrig oder "
                "sehr niedrig (@sec-sozialindex).")
    if "klasse_stabil" in index:
        stabil = set(index.loc[index["klasse_stabil"].astype(bool), "stadtteil"])
        teile = [f"{r.stadtteil} ({r.klasse}{', stabil eingestuft' if r.stadtteil in stabil else ', nicht stabil eingestuft'})"
                 for r in niedrig.itertuples()]
        return (f"**Sozialer Status.** Einen niedrigen oder sehr niedrigen Status nach dem Sozialindex haben "
                f"{fmt.aufzaehlung(teile)}; „stabil eingestuft“ heißt, dass die Klasse in allen Varianten der "
                "Sensitivitätsanalyse gleich bleibt und der Index nicht im Toleranzband an einer Klassengrenze liegt "
                "(@sec-sozialindex).")
    stabil = set(robust.loc[robust["robust"], "stadtteil"])
    teile = [f"{r.stadtteil} ({r.klasse}{', robust' if r.stadtteil in stabil else ''})" for r in niedrig.itertuples()]
    return (f"**Sozialer Status.** Einen niedrigen oder sehr niedrigen Status nach dem Sozialindex haben "
            f"{fmt.aufzaehlung(teile)}; „robust“ heißt, dass die Klasse in allen Varianten der "
            "Sensitivitätsanalyse gleich bleibt (@sec-sozialindex).")


def _ist_armut(einordnung: Mapping[str, str], i: str) -> bool:
    return str(einordnung.get(i, "Armut")).startswith("Armut")


def bildung_und_armut(pearson: pd.DataFrame, kurz: Mapping[str, str], n_stadtteile: int,
                      einordnung: Mapping[str, str] | None = None) -> str:
    """The strongest Pearson pair with its interval (and, if its second indicator is not classified as
    poverty, the strongest pair with a poverty indicator), how many pairs stay notable after Holm, and
    the critical |r| for ``n_stadtteile`` without and after the correction; a notice when no pair
    could be computed."""
    einordnung = einordnung or {}
    ok = pearson[pearson["berechnet"]]
    if ok.empty:
        return ("**Bildung und Armut.** Mit den veröffentlichten Stadtteilwerten lässt sich kein Paar auswerten "
                "(@sec-bildung-armut).")

    def paar(z) -> str:
        return (f"„{kurz[z['x']]}“ und „{kurz[z['y']]}“ zusammen (r = {fmt.zahl(z['r'], 2)}; 95-%-Konfidenzintervall "
                f"{fmt.zahl(z['ci_unten'], 2)} bis {fmt.zahl(z['ci_oben'], 2)}; n = {int(z['n'])})")

    s = ok.loc[ok["r"].abs().idxmax()]
    satz = f"**Bildung und Armut.** Am stärksten hängen in den vorliegenden Daten {paar(s)}"
    if not _ist_armut(einordnung, s["y"]):
        armut = ok[[_ist_armut(einordnung, y) for y in ok["y"]]]
        satz += (f"; „{kurz[s['y']]}“ ist allerdings kein Armutsmaß, sondern beschreibt die "
                 f"{einordnung[s['y']]}")
        if len(armut):
            satz += f". Unter den Paaren mit einem Armutsindikator hängen am stärksten {paar(armut.loc[armut['r'].abs().idxmax()])}"
    n_holm = int((ok["p_holm"] < 0.05).sum())
    n = int(ok["n"].max())
    satz += (f". Von {len(ok)} auswertbaren Paaren bleiben nach der Korrektur für mehrere Tests {n_holm} auffällig. "
             f"Bei {n} Stadtteilen gilt ein Zusammenhang erst ab einem Korrelationskoeffizienten von "
             f"±{fmt.zahl(statistik.r_kritisch(n), 2)} als statistisch auffällig")
    if len(ok) > 1:
        satz += (f", nach der Korrektur für {len(ok)} Tests erst ab "
                 f"±{fmt.zahl(statistik.r_kritisch_korrigiert(n, len(ok)), 2)}")
    if int(ok["n"].min()) < n:
        satz += "; bei Paaren mit weniger Stadtteilen liegt die Schwelle höher"
    return satz + " (@sec-bildung-armut)."


def bildungsschwerpunkt(uebersicht: pd.DataFrame, schwerpunkt: Sequence[int],
                        hf_titel: Mapping[int, str]) -> str | None:
    """Districts with high and raised need in the education-related Handlungsfelder (``schwerpunkt``,
    highest level over those fields); None when no such fields are configured."""
    if not len(schwerpunkt):
        return None
    stufe = uebersicht[list(schwerpunkt)].max(axis=1)
    hoch = stufe[stufe == 2].index.tolist()
    erh = stufe[stufe == 1].index.tolist()
    return (
        "**Bildung als Schwerpunkt.** In den bildungsnahen Handlungsfeldern "
        f"{fmt.aufzaehlung(['„' + hf_titel[h] + '“' for h in schwerpunkt])} ergibt sich "
        + (f"hoher Handlungsbedarf in {fmt.aufzaehlung(hoch)}" if hoch else "in keinem Stadtteil hoher Handlungsbedarf")
        + (f" und erhöhter Bedarf in {fmt.aufzaehlung(erh)}" if erh else "")
        + " (@sec-handlungsbedarfe)."
    )


VERBOTEN = ("bestätig", "beweis", "belegt eindeutig")


def bildung_schluessel(pearson: pd.DataFrame, kurz: Mapping[str, str], cfg: Mapping, n_stadtteile: int) -> str:
    """The administration's conclusion "Bildung als Schlüssel für Teilhabechancen" and the named findings
    (education × poverty pairs, each with its interval) that support it – or do not – and what the data
    cannot show. Only pairs whose poverty indicator is classified as poverty (``einordnung`` starting with
    "Armut") and whose education indicator is an education outcome count as support."""
    e = cfg.get("einordnung", {})
    ok = pearson[pearson["berechnet"]]
    ok = ok.loc[np.array([str(e.get(y, "Armut")).startswith("Armut") and str(e.get(x, "Bildung")).startswith("Bildung")
                          for x, y in zip(ok["x"], ok["y"])], dtype=bool)]
    stuetzt = ok[(ok["ci_unten"] > 0) | (ok["ci_oben"] < 0)].reindex(
        ok["r"].abs().sort_values(ascending=False).index).dropna(subset=["r"])
    stuetzt = stuetzt[(stuetzt["ci_unten"] > 0) | (stuetzt["ci_oben"] < 0)]
    offen = ok[~ok.index.isin(stuetzt.index)]

    def befund(z) -> str:
        return (f"„{kurz[z['x']]}“ und „{kurz[z['y']]}“ (r = {fmt.zahl(z['r'], 2)}; 95-%-Konfidenzintervall "
                f"{fmt.zahl(z['ci_unten'], 2)} bis {fmt.zahl(z['ci_oben'], 2)}; n = {int(z['n'])})")

    satz = ("**Bildung als Schlüssel für Teilhabechancen.** Die Verwaltung zieht aus dem Bericht den Schluss, "
            "Bildung als Schlüssel für Teilhabechancen in den Mittelpunkt der kommunalen Strategie zu stellen "
            "(@sec-strategien). ")
    if len(stuetzt):
        satz += ("Die Daten zeigen, dass Bildungs- und Armutsindikatoren über die Stadtteile hinweg "
                 "zusammenhängen: Bei " + fmt.aufzaehlung([befund(z) for _, z in stuetzt.head(3).iterrows()])
                 + " schließt das 95-%-Intervall null aus. ")
    else:
        satz += ("Einen belastbaren Zusammenhang zwischen Bildungs- und Armutsindikatoren zeigen die Daten dieses "
                 "Berichts nicht; der Schluss bleibt eine fachliche Setzung. ")
    if len(offen):
        satz += ("Nicht belegt ist ein Zusammenhang bei " + fmt.aufzaehlung(
            [f"„{kurz[z['x']]}“ und „{kurz[z['y']]}“" for _, z in offen.head(3).iterrows()])
                 + ": Dort schließt das Intervall null ein. ")
    satz += (f"Was die Daten nicht zeigen können: Sie beschreiben {n_stadtteile} Stadtteile, nicht einzelne Kinder "
             "(ökologischer Fehlschluss), und einen Zusammenhang, keine Wirkung – ob Bildung der Schlüssel ist und "
             "Bildungsangebote die Folgen von Armut ausgleichen, muss die Evaluation der Maßnahmen zeigen "
             "(@sec-fortschreibung).")
    return satz


def aussagen(t3) -> list[str]:
    """All statements of the Fazit from a :class:`helpers.auswertung.Teil3`, in chapter order."""
    k = t3.korrelation
    punkte = [
        ungleiche_lebenslagen(t3.lage),
        sozialer_status(t3.index_stabil, t3.rob),
        bildung_und_armut(k.pearson, t3.kurz, k.n, k.cfg.get("einordnung")),
        bildungsschwerpunkt(t3.uebersicht, t3.schwerpunkt, t3.hf_titel),
        bildung_schluessel(k.pearson, t3.kurz, k.cfg, k.n),
    ]
    return [p for p in punkte if p is not None]


def liste(punkte: Sequence[str]) -> str:
    """Statements as a Markdown bullet list."""
    return "\n".join(f"- {p}" for p in punkte)


def stadtteil_tabelle(reihenfolge: Sequence[str], lage: pd.DataFrame, index: pd.DataFrame,
                      robust: pd.DataFrame, uebersicht: pd.DataFrame) -> pd.DataFrame:
    """One row per district: mean directed z, status class (marked when not robust), dynamics class and
    the number of Handlungsfelder with high and with raised need."""
    lg = lage.set_index("stadtteil")
    ix = index.set_index("stadtteil")
    rb = robust.set_index("stadtteil")

    def klasse(s: str) -> str:
        k = ix.loc[s, "klasse"]
        # a district without index has nothing to be robust about
        return k if rb.loc[s, "robust"] or k == "keine Angabe" else f"{k} (nicht robust)"

    tab = pd.DataFrame({
        "Stadtteil": list(reihenfolge),
        "Mittlere Abweichung (z)": [fmt.vorzeichen(lg.loc[s, "z_mittel"], 2) for s in reihenfolge],
        "Statusklasse": [klasse(s) for s in reihenfolge],
        "Dynamik": [ix.loc[s, "dynamik_klasse"] for s in reihenfolge],
        "HF mit hohem Bedarf": [str(int((uebersicht.loc[s] == 2).sum())) for s in reihenfolge],
        "HF mit erhöhtem Bedarf": [str(int((uebersicht.loc[s] == 1).sum())) for s in reihenfolge],
    })
    # many districts: the largest and smallest mean deviation; every district has its Steckbrief
    return tabellen.auszug(tab, list(reihenfolge), lg["z_mittel"], "mittlerer Abweichung", tabellen.IN_STECKBRIEFEN)


def grenzen_text(n_stadtteile: int) -> str:
    """What the statements of Teil III can and cannot carry."""
    return (
        "Alle Aussagen dieses Teils beschreiben Stadtteile, nicht einzelne Menschen, und Zusammenhänge, nicht "
        f"Ursachen. Mit {n_stadtteile} Stadtteilen sind Unterschiede zwischen ähnlich eingestuften "
        "Stadtteilen oft nicht belastbar; die Intervalle und die Sensitivitätsanalyse zeigen, wie sicher eine "
        "Aussage ist. Die Handlungsbedarfe folgen aus Regeln, die die Sozialplanung festgelegt hat; ein Bedarf gilt "
        "nur, wo der Beleg die Schwelle klar überschreitet, Werte nahe der Schwelle heißen grenzwertig. Die Regeln "
        "ersetzen nicht die fachliche Prüfung vor Ort."
    )
