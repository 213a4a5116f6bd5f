"""Teil V of a Fortschreibung: what changed since the previous edition of the report.

Both editions are computed from the same data folder, each at its own Stichtag
(:func:`helpers.setup.vorbericht`), so the previous edition's figures are exactly the ones
that edition published. Compared are

- the key figures of the city (``ueberblick.gesamtstadt`` of both editions),
- the levels of need per district and Handlungsfeld (``Teil3.uebersicht``),
- the status classes of the social index (``Teil3.index``).

The index is standardised over the districts of each edition, so a class change says that a
district moved relative to the others, not that its situation changed in absolute terms. A
class change counts as established only if the class was robust in both editions
(``klasse_stabil``: same class in all variants of the sensitivity analysis).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import format as fmt
from helpers import ueberblick
from helpers.sozialindex import KEINE_ANGABE

STUFEN = {0: "kein", 1: "erhöht", 2: "hoch"}
NEU, ENTFALLEN, HOEHER, NIEDRIGER = "neu", "entfallen", "höher", "niedriger"
GESICHERT, NICHT_GESICHERT, GLEICH = "gesichert", "nicht gesichert", "gleich"


# --------------------------------------------------------------------------- key figures


def kennzahlen(jetzt: pd.DataFrame, vorher: pd.DataFrame) -> pd.DataFrame:
    """Key figures of both editions side by side, one row per key indicator of the current one.

    ``jetzt``, ``vorher``: :func:`helpers.ueberblick.gesamtstadt` of the two editions.
    Columns: ``handlungsfeld``, ``indikator``, ``titel``, ``einheit``, ``jahr_vorher``,
    ``wert_vorher``, ``jahr``, ``wert``, ``veraenderung``, ``bewertung``.
    """
    alt = vorher.set_index("indikator")
    zeilen = []
    for _, r in jetzt.iterrows():
        i = r["indikator"]
        wv = float(alt.loc[i, "wert"]) if i in alt.index else np.nan
        jv = alt.loc[i, "jahr"] if i in alt.index else None
        stellen = fmt.stellen_fuer(r["einheit"])
        # Differences from the displayed values, so a reader can recompute them from the table.
        diff = (fmt.gerundet(r["wert"], stellen) - fmt.gerundet(wv, stellen)
                if not (pd.isna(r["wert"]) or pd.isna(wv)) else np.nan)
        zeilen.append({"handlungsfeld": r["handlungsfeld"], "indikator": i, "titel": r["titel"],
                       "kurztitel": r["kurztitel"], "einheit": r["einheit"], "jahr_vorher": jv,
                       "wert_vorher": wv, "jahr": r["jahr"], "wert": r["wert"], "veraenderung": diff,
                       "bewertung": ueberblick.bewertung(diff, r["richtung"], stellen)})
    return pd.DataFrame(zeilen)


def kennzahlen_tabelle(tab: pd.DataFrame, jahr_vorher: int, jahr: int) -> pd.DataFrame:
    """The key-figure comparison as formatted German table cells."""
    kopf_v, kopf = f"Bericht {fmt.stichtag(jahr_vorher)}", f"Bericht {fmt.stichtag(jahr)}"
    mit_jahr = ueberblick.wert_mit_jahr
    zeilen = []
    for _, r in tab.iterrows():
        s = fmt.stellen_fuer(r["einheit"])
        zeilen.append({"Kernindikator": r["titel"], "Einheit": r["einheit"],
                       kopf_v: mit_jahr(r["wert_vorher"], r["jahr_vorher"], jahr_vorher, s),
                       kopf: mit_jahr(r["wert"], r["jahr"], jahr, s),
                       "Veränderung": fmt.punkte(r["veraenderung"], r["einheit"], s),
                       "Entwicklung": r["bewertung"]})
    return pd.DataFrame(zeilen)


def kennzahlen_text(tab: pd.DataFrame, stadt: str, jahr_vorher: int, jahr: int) -> str:
    """How many key figures developed favourably or unfavourably between the editions."""
    n = tab["bewertung"].value_counts()
    besser, schlechter = int(n.get(ueberblick.GUENSTIGER, 0)), int(n.get(ueberblick.UNGUENSTIGER, 0))
    gleich = int(n.get(ueberblick.UNVERAENDERT, 0))
    gewertet = besser + schlechter + gleich
    if gewertet == 0:
        return (f"Für die Kernindikatoren liegen keine vergleichbaren Werte beider Berichte vor; ein Vergleich "
                f"der Gesamtstadt {stadt} zwischen dem {fmt.stichtag(jahr_vorher)} und dem "
                f"{fmt.stichtag(jahr)} ist daher nicht möglich.")
    satz = (f"Von {fmt.zahl(gewertet)} Kernindikatoren mit Wertungsrichtung und Werten in beiden Berichten haben "
            f"sich in der Gesamtstadt {stadt} zwischen dem {fmt.stichtag(jahr_vorher)} und dem "
            f"{fmt.stichtag(jahr)} {fmt.zahl(besser)} günstiger und {fmt.zahl(schlechter)} ungünstiger entwickelt")
    satz += f"; {fmt.zahl(gleich)} blieben bei der veröffentlichten Genauigkeit unverändert." if gleich else "."
    schlechtere = tab.loc[tab["bewertung"] == ueberblick.UNGUENSTIGER, "kurztitel"].tolist()
    if schlechtere:
        satz += f" Ungünstiger entwickelt haben sich: {fmt.aufzaehlung(schlechtere)}."
    return satz + (" Eine Veränderung der Kennzahl ist nicht schon die Wirkung einer Maßnahme; äußere Einflüsse "
                   "wie Zuwanderung, Konjunktur oder geänderte Gesetze wirken mit.")


# --------------------------------------------------------------------------- needs


def bedarfswechsel(jetzt: pd.DataFrame, vorher: pd.DataFrame) -> pd.DataFrame:
    """Cells (district × Handlungsfeld) whose level of need differs between the editions.

    ``jetzt``, ``vorher``: ``Teil3.uebersicht`` (0 none, 1 erhöht, 2 hoch). Districts or
    Handlungsfelder missing in one edition count as level 0 there. Columns: ``stadtteil``,
    ``handlungsfeld``, ``vorher``, ``jetzt``, ``wechsel`` (neu, entfallen, höher, niedriger);
    in the order of the current edition's districts.
    """
    alt = vorher.reindex(index=jetzt.index, columns=jetzt.columns, fill_value=0)
    zeilen = []
    for st in jetzt.index:
        for hf in jetzt.columns:
            a, b = int(alt.loc[st, hf]), int(jetzt.loc[st, hf])
            if a == b:
                continue
            wechsel = NEU if a == 0 else ENTFALLEN if b == 0 else HOEHER if b > a else NIEDRIGER
            zeilen.append({"stadtteil": st, "handlungsfeld": int(hf), "vorher": a, "jetzt": b, "wechsel": wechsel})
    return pd.DataFrame(zeilen, columns=["stadtteil", "handlungsfeld", "vorher", "jetzt", "wechsel"])


def bedarfe_tabelle(wechsel: pd.DataFrame, hf_titel: dict, jahr_vorher: int, jahr: int) -> pd.DataFrame:
    """The changed needs as formatted table cells (one row saying so when nothing changed)."""
    if wechsel.empty:
        return pd.DataFrame({"Stadtteil": ["alle"], "Handlungsfeld": ["alle"],
                             f"Bericht {fmt.stichtag(jahr_vorher)}": [fmt.FEHLT],
                             f"Bericht {fmt.stichtag(jahr)}": [fmt.FEHLT], "Veränderung": ["keine"]})
    return pd.DataFrame({
        "Stadtteil": wechsel["stadtteil"],
        "Handlungsfeld": [f"{hf} {hf_titel.get(hf, '')}".strip() for hf in wechsel["handlungsfeld"]],
        f"Bericht {fmt.stichtag(jahr_vorher)}": [STUFEN[v] for v in wechsel["vorher"]],
        f"Bericht {fmt.stichtag(jahr)}": [STUFEN[v] for v in wechsel["jetzt"]],
        "Veränderung": wechsel["wechsel"],
    })


def bedarfe_text(wechsel: pd.DataFrame, jetzt: pd.DataFrame, vorher: pd.DataFrame,
                 jahr_vorher: int, jahr: int) -> str:
    """Counts of needs in both editions and of the cells that changed."""
    n_alt, n_neu = int((vorher > 0).to_numpy().sum()), int((jetzt > 0).to_numpy().sum())
    satz = (f"Nach denselben Regeln ergaben sich im Bericht zum {fmt.stichtag(jahr_vorher)} "
            f"{fmt.anzahl(n_alt, 'Kombination', 'Kombinationen', 'f')} aus Stadtteil und Handlungsfeld mit erhöhtem oder "
            f"hohem Handlungsbedarf, im Bericht zum {fmt.stichtag(jahr)} {fmt.zahl(n_neu)}.")
    if wechsel.empty:
        return satz + " Die Einstufungen sind in beiden Berichten gleich."
    z = wechsel["wechsel"].value_counts()
    teile = [f"{fmt.anzahl(int(z[w]), 'Bedarf', 'Bedarfe')} {text}" for w, text in
             ((NEU, "kam hinzu" if z.get(NEU, 0) == 1 else "kamen hinzu"),
              (ENTFALLEN, "entfiel" if z.get(ENTFALLEN, 0) == 1 else "entfielen"),
              (HOEHER, "wurde höher eingestuft" if z.get(HOEHER, 0) == 1 else "wurden höher eingestuft"),
              (NIEDRIGER, "wurde niedriger eingestuft" if z.get(NIEDRIGER, 0) == 1 else "wurden niedriger eingestuft"))
             if z.get(w, 0)]
    liste = fmt.aufzaehlung(teile)
    return (satz + f" {liste[0].upper()}{liste[1:]}. Ein neuer oder entfallener "
            "Bedarf zeigt, dass ein Wert eine Schwelle der Regeln überschritten oder wieder unterschritten hat; wie "
            "weit, steht in den Belegen der Einstufung in Teil III.")


# --------------------------------------------------------------------------- index classes


def klassenwechsel(jetzt: pd.DataFrame, vorher: pd.DataFrame) -> pd.DataFrame:
    """Status class and rank of each district in both editions.

    ``jetzt``, ``vorher``: ``Teil3.index``. Columns: ``stadtteil``, ``klasse_vorher``,
    ``rang_vorher``, ``klasse``, ``rang``, ``wechsel`` (gleich; gesichert = the class changed
    and was robust in both editions; nicht gesichert = changed, but at least one class lay in
    the tolerance band of a class boundary or changed between variants). Districts without an
    index in one edition keep ``NaN`` there and ``wechsel`` None.
    """
    alt = vorher.set_index("stadtteil")
    zeilen = []
    for _, r in jetzt.iterrows():
        st = r["stadtteil"]
        a = alt.loc[st] if st in alt.index else None
        kv = a["klasse"] if a is not None and a["klasse"] != KEINE_ANGABE else None
        k = r["klasse"] if r["klasse"] != KEINE_ANGABE else None
        if not isinstance(kv, str) or not isinstance(k, str):
            wechsel = None
        elif kv == k:
            wechsel = GLEICH
        else:
            robust = bool(r.get("klasse_stabil", False)) and bool(a.get("klasse_stabil", False))
            wechsel = GESICHERT if robust else NICHT_GESICHERT
        zeilen.append({"stadtteil": st, "klasse_vorher": kv, "rang_vorher": a["rang"] if a is not None else np.nan,
                       "klasse": k, "rang": r["rang"], "wechsel": wechsel})
    return pd.DataFrame(zeilen)


def klassen_tabelle(wechsel: pd.DataFrame, jahr_vorher: int, jahr: int) -> pd.DataFrame:
    """Status class and rank of both editions as formatted table cells."""
    def text(x):
        return x if isinstance(x, str) else fmt.FEHLT

    return pd.DataFrame({
        "Stadtteil": wechsel["stadtteil"],
        f"Klasse {jahr_vorher}": [text(x) for x in wechsel["klasse_vorher"]],
        f"Rang {jahr_vorher}": [fmt.zahl(x) for x in wechsel["rang_vorher"]],
        f"Klasse {jahr}": [text(x) for x in wechsel["klasse"]],
        f"Rang {jahr}": [fmt.zahl(x) for x in wechsel["rang"]],
        "Klassenwechsel": [{GLEICH: "nein", GESICHERT: "ja", NICHT_GESICHERT: "ja, nicht gesichert"}.get(w, fmt.FEHLT)
                           for w in wechsel["wechsel"]],
    })


def klassen_text(wechsel: pd.DataFrame, jahr_vorher: int, jahr: int, max_namen: int = 8) -> str:
    """Which districts changed their status class, and how firm the change is."""
    gesichert = wechsel[wechsel["wechsel"] == GESICHERT]
    unsicher = wechsel[wechsel["wechsel"] == NICHT_GESICHERT]
    ohne = wechsel[wechsel["wechsel"].isna()]
    gleich = int((wechsel["wechsel"] == GLEICH).sum())
    saetze = [f"Im Statusindex {'blieb' if gleich in (0, 1) else 'blieben'} {fmt.anzahl(gleich, 'Stadtteil', 'Stadtteile')} zwischen dem {fmt.stichtag(jahr_vorher)} und "
              f"dem {fmt.stichtag(jahr)} in derselben Klasse."]

    def namen(df: pd.DataFrame) -> str:
        if len(df) > max_namen:
            return fmt.anzahl(len(df), 'Stadtteil', 'Stadtteile')
        return fmt.aufzaehlung([f"{r.stadtteil} ({r.klasse_vorher} → {r.klasse})" for r in df.itertuples()])

    if len(gesichert):
        saetze.append(f"Einen gesicherten Klassenwechsel – die Klasse war in beiden Berichten in allen Varianten der "
                      f"Sensitivitätsanalyse gleich – zeigen: {namen(gesichert)}.")
    if len(unsicher):
        saetze.append(f"Die Klasse gewechselt, aber nicht gesichert (nahe einer Klassengrenze oder je nach Variante "
                      f"verschieden), haben: {namen(unsicher)}. Diese Wechsel werden nicht als Veränderung der Lage "
                      "gewertet.")
    if len(ohne):
        saetze.append(f"Ohne Indexwert in einem der beiden Berichte: {fmt.aufzaehlung(ohne['stadtteil'].tolist())}.")
    saetze.append("Der Index ist in jedem Bericht über die Stadtteile standardisiert: Ein Klassenwechsel zeigt, dass "
                  "sich ein Stadtteil gegenüber den anderen verschoben hat, nicht, dass sich seine Lage absolut "
                  "verändert hat.")
    return " ".join(saetze)
