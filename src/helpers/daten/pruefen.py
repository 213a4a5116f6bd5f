"""Validation of the Bestand rows against districts, catalog and report settings.

All checks run on whole columns; only rows that fail are looped over to build
messages. Every problem names file, row (as Excel shows it), column and value,
and says how to fix it. Identical defects in many rows of one file (the same
unknown district name, say) are reported once with the affected rows listed.

Rules (each has a test in ``tests/test_daten_pruefen.py``):

* stadtteil: name or schluessel from stadtteile.csv (suggests the closest name);
* merkmal: an id from the catalog (suggests the closest id);
* jahr: a four-digit integer from 1990 to the current calendar year (years after the
  Berichtsjahr are kept: the monitoring and the Wirkungsziele follow them);
* wert: a number (see ``einlesen.zahlen``); for ``art: anzahl`` a non-negative integer;
* (stadtteil, jahr, merkmal) unique across all files (both rows named);
* for every indicator whose zaehler and nenner are both counts (``anzahl``) and
  that does not set ``zaehler_kann_nenner_uebersteigen: true``: zaehler <= nenner;
* for every Merkmal the catalog's indicators use: present at all, present in the
  Berichtsjahr (unless the Merkmal sets ``jaehrlich: false``), and in every year
  it is delivered, present for every district;
* every sum declared under ``summen`` in the catalog holds in every district and year
  (``geheimhaltung.pruefe_summen``; also: Merkmale of a sum complete per year, a
  Merkmal derived from a sum not negative).
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from helpers.daten.fehler import Problem, aehnlichster
from helpers.daten.geheimhaltung import pruefe_summen
from helpers.daten.stadtteile import RESERVIERT
from helpers.daten.stadtteile import vorschlag as stadtteil_vorschlag
from helpers.daten.stadtteile import zuordnung

JAHR_MIN = 1990
_ZEILEN_ANZEIGE = 8


def _je_kategorie(werte: pd.Series, funktion, dtype=object) -> np.ndarray:
    """Apply ``funktion`` to each distinct value only (few districts, years, Merkmale)."""
    kat = werte.astype("category")
    ergebnis = np.array([funktion(v) for v in kat.cat.categories], dtype=dtype)
    codes = kat.cat.codes.to_numpy()
    if len(ergebnis) == 0:
        return np.empty(len(werte), dtype=dtype)
    return ergebnis[codes]


def _zeilenliste(zeilen) -> str:
    z = sorted(int(x) for x in zeilen)
    text = ", ".join(map(str, z[:_ZEILEN_ANZEIGE]))
    return text + (" …" if len(z) > _ZEILEN_ANZEIGE else "")


def _melde(probleme, zeilen: pd.DataFrame, spalte: str, wert: str, meldung, hinweis) -> None:
    """One Problem per (file, column header, value); repeated rows are listed in the message.

    ``spalte``/``wert`` name the columns of ``zeilen`` holding the header text and the
    value; ``meldung``/``hinweis`` are callables of the value.
    """
    if zeilen.empty:
        return
    gruppen = zeilen.groupby(["datei", spalte, wert], observed=True, sort=False)["zeile"].agg(list)
    for (datei, sp, w), z in gruppen.items():
        m = meldung(w)
        if len(z) > 1:
            m = m.removesuffix(".") + f" (betrifft {len(z)} Zeilen: {_zeilenliste(z)})."
        probleme.append(Problem(str(datei), int(min(z)), str(sp), str(w), m, hinweis(w)))


def pruefe_bestand(roh: pd.DataFrame, stadtteile, katalog, bericht, probleme: list[Problem]) -> pd.DataFrame:
    """Check the raw long rows; append problems; return the clean Bestand.

    The result has the columns of the API (stadtteil canonical name, jahr int,
    merkmal, wert float, quelle, datei, zeile); rows with defects are left out,
    so the result is only meaningful when no problems were added.
    """
    n = len(roh)

    # --- stadtteil -------------------------------------------------------------
    if stadtteile is not None:
        abb = zuordnung(stadtteile)
        name = _je_kategorie(roh["stadtteil"], lambda v: abb.get(v))
        leer = (roh["stadtteil"] == "").to_numpy()
        unbekannt = pd.isna(name) & ~leer
        _melde(probleme, roh[leer], "sp_stadtteil", "stadtteil",
               lambda w: "Der Stadtteil fehlt.", lambda w: "Tragen Sie Name oder Schlüssel des Stadtteils ein.")
        def hinweis(w):
            if w.casefold() in RESERVIERT:
                return ("Die Gesamtstadt wird aus den Stadtteilen berechnet: löschen Sie diese Zeilen. (Im breiten "
                        "Format darf eine Spalte „Gesamt“ stehen; sie wird gegen die Summe geprüft.)")
            return stadtteil_vorschlag(w, stadtteile)

        _melde(probleme, roh[unbekannt], "sp_stadtteil", "stadtteil",
               lambda w: "Unbekannter Stadtteil.", hinweis)
        st_ok = ~(leer | unbekannt)
    else:
        name = roh["stadtteil"].to_numpy(dtype=object)
        st_ok = np.zeros(n, dtype=bool)

    # --- merkmal ---------------------------------------------------------------
    if katalog is not None:
        ids = katalog.merkmale["id"].tolist()
        art = dict(zip(katalog.merkmale["id"], katalog.merkmale["art"]))
        leer = (roh["merkmal"] == "").to_numpy()
        bekannt = _je_kategorie(roh["merkmal"], lambda v: v in art, dtype=bool)
        unbekannt = ~bekannt & ~leer

        def merkmal_hinweis(w):
            nah = aehnlichster(w, ids, cutoff=0.6)
            return ((f"Meinten Sie „{nah}“? " if nah else "")
                    + "Jedes Merkmal muss im Indikatorenkatalog (indikatoren.yml, Abschnitt merkmale) stehen; "
                    "ergänzen Sie es dort oder korrigieren Sie die Kennung.")

        _melde(probleme, roh[leer], "sp_merkmal", "merkmal", lambda w: "Das Merkmal fehlt.",
               lambda w: "Tragen Sie die Kennung des Merkmals aus indikatoren.yml ein.")
        _melde(probleme, roh[unbekannt], "sp_merkmal", "merkmal", lambda w: "Unbekanntes Merkmal.",
               merkmal_hinweis)
        mm_ok = bekannt
        ist_anzahl = _je_kategorie(roh["merkmal"], lambda v: art.get(v) == "anzahl", dtype=bool)
    else:
        mm_ok = np.zeros(n, dtype=bool)
        ist_anzahl = np.zeros(n, dtype=bool)

    # --- jahr ------------------------------------------------------------------
    # Data cannot come from the future; later years than the Berichtsjahr are welcome.
    obergrenze = _dt.date.today().year

    def als_jahr(v: str):
        return int(v) if len(v) == 4 and v.isascii() and v.isdigit() else -1

    jahr = _je_kategorie(roh["jahr"], als_jahr, dtype=np.int64)
    kein_jahr = jahr < 0
    _melde(probleme, roh[kein_jahr], "sp_jahr", "jahr",
           lambda w: "Das Jahr fehlt." if w == "" else "Das Jahr ist keine vierstellige ganze Zahl.",
           lambda w: "Tragen Sie das Jahr vierstellig ein, z. B. 2018 (Stichtag 31.12.).")
    unplausibel = ~kein_jahr & ((jahr < JAHR_MIN) | (jahr > obergrenze))
    _melde(probleme, roh[unplausibel], "sp_jahr", "jahr",
           lambda w: f"Unplausibles Jahr (erlaubt: {JAHR_MIN} bis "
                     f"{obergrenze}).",
           lambda w: "Prüfen Sie das Jahr (vierstellig, Stichtag 31.12. des Jahres); Jahre in der "
                     "Zukunft sind nicht möglich.")
    jahr_ok = ~kein_jahr & ~unplausibel

    # --- wert ------------------------------------------------------------------
    fehler = roh["wert_fehler"].to_numpy(dtype=object)
    texte = {
        "leer": ("Der Wert fehlt.", "Tragen Sie eine Zahl ein (0, wenn es keinen Fall gibt). Liegt kein Wert vor, "
                                    "löschen Sie die Zeile."),
        "keine_zahl": ("Der Wert ist keine Zahl.", "Tragen Sie eine Zahl ein, z. B. 1234 oder 12,5 "
                                                   "(ohne Einheit, Text oder Leerzeichen)."),
        "mehrdeutig": ("Der Wert ist mehrdeutig: Punkt und Komma werden in dieser Datei sowohl als Dezimal- "
                       "als auch als Tausendertrennzeichen verwendet.",
                       "Schreiben Sie Zahlen ohne Tausendertrennzeichen und einheitlich mit Dezimalkomma."),
    }
    for code, (m, h) in texte.items():
        sel = fehler == code
        for r in roh.loc[sel, ["datei", "zeile", "sp_wert", "wert_text"]].itertuples(index=False):
            probleme.append(Problem(str(r.datei), int(r.zeile), str(r.sp_wert), r.wert_text, m, h))
    wert = roh["wert"].to_numpy(dtype=float)
    zahl_ok = fehler == ""
    negativ = zahl_ok & ist_anzahl & (wert < 0)
    bruch = zahl_ok & ist_anzahl & ~negativ & (wert != np.round(wert))
    for sel, m, h in (
        (negativ, "Negative Anzahl", "Anzahlen (Personen, Fälle) können nicht negativ sein; prüfen Sie den Export."),
        (bruch, "Die Anzahl ist keine ganze Zahl",
         "Merkmale der Art „anzahl“ zählen Personen oder Fälle: tragen Sie eine ganze Zahl ein."),
    ):
        for r in roh.loc[sel, ["datei", "zeile", "sp_wert", "wert_text", "merkmal"]].itertuples(index=False):
            probleme.append(Problem(str(r.datei), int(r.zeile), str(r.sp_wert), r.wert_text,
                                    f"{m} (Merkmal „{r.merkmal}“).", h))
    wert_ok = zahl_ok & ~negativ & ~bruch

    schluessel_ok = st_ok & mm_ok & jahr_ok
    df = pd.DataFrame({
        "stadtteil": pd.Series(name, dtype="str"),
        "jahr": jahr,
        "merkmal": roh["merkmal"].to_numpy(),
        "wert": wert,
        "quelle": roh["quelle"].to_numpy(),
        "datei": roh["datei"].astype("str").to_numpy(),
        "zeile": roh["zeile"].to_numpy(dtype=np.int64),
    })
    df["merkmal"] = df["merkmal"].astype("str")
    df["quelle"] = df["quelle"].astype("str")
    schl = df[schluessel_ok]

    # --- duplicate keys --------------------------------------------------------
    key = ["stadtteil", "jahr", "merkmal"]
    dup = schl.duplicated(key, keep=False)
    if dup.any():
        d = schl[dup]
        erste = d.drop_duplicates(key, keep="first").set_index(key)[["datei", "zeile"]]
        spaeter = d[d.duplicated(key, keep="first")]
        sp_wert = roh["sp_wert"].astype("str").to_numpy()
        for idx, r in zip(spaeter.index, spaeter.itertuples(index=False)):
            e = erste.loc[(r.stadtteil, r.jahr, r.merkmal)]
            wo = f"Zeile {e.zeile}" if e.datei == r.datei else f"{e.datei}, Zeile {e.zeile}"
            probleme.append(Problem(r.datei, int(r.zeile), sp_wert[idx], roh["wert_text"].iat[idx],
                                    f"Doppelter Eintrag: {r.stadtteil}, {r.jahr}, Merkmal „{r.merkmal}“ steht "
                                    f"bereits in {wo}.",
                                    "Jede Kombination aus Stadtteil, Jahr und Merkmal darf nur einmal vorkommen: "
                                    "löschen Sie eine der beiden Zeilen."))

    if katalog is not None:
        _pruefe_vollstaendigkeit(df, mm_ok, mm_ok & jahr_ok, st_ok, stadtteile, katalog, bericht, probleme)
        gut = df[schluessel_ok & wert_ok & ~dup.reindex(df.index, fill_value=False).to_numpy()]
        _pruefe_zaehler_nenner(gut, roh, katalog, probleme)
        if stadtteile is not None and len(katalog.summen):
            sp_wert = roh["sp_wert"].astype("str").to_numpy()[gut.index.to_numpy()]
            pruefe_summen(gut.assign(sp_wert=sp_wert), katalog.summen, stadtteile["name"].tolist(), probleme,
                          set(genutzte_merkmale(katalog)))

    return df[schluessel_ok & wert_ok].reset_index(drop=True)


def genutzte_merkmale(katalog) -> dict[str, list[str]]:
    """Merkmal id → ids of the indicators that use it (as zaehler or nenner), catalog order."""
    out: dict[str, list[str]] = {}
    for r in katalog.indikatoren[["id", "zaehler", "nenner"]].itertuples(index=False):
        for m in (r.zaehler, r.nenner):
            if isinstance(m, str):
                out.setdefault(m, []).append(r.id)
    return out


def _liste(xs, n=4) -> str:
    xs = list(xs)
    return ", ".join(xs[:n]) + (f" und {len(xs) - n} weitere" if len(xs) > n else "")


def _pruefe_vollstaendigkeit(df, mm_ok, mj_ok, st_ok, stadtteile, katalog, bericht, probleme):
    genutzt = genutzte_merkmale(katalog)
    jaehrlich = dict(zip(katalog.merkmale["id"], katalog.merkmale["jaehrlich"]))
    vorhanden = set(df.loc[mm_ok, "merkmal"].unique())
    for m, inds in genutzt.items():
        if m not in vorhanden:
            probleme.append(Problem("bestand/", None, "merkmal", m,
                                    f"Das Merkmal „{m}“ fehlt in allen Dateien; der Katalog braucht es für "
                                    f"{_liste(inds)}.",
                                    "Liefern Sie das Merkmal in einer Datei unter bestand/ oder entfernen Sie diese "
                                    "Indikatoren aus dem Katalog (ein Datenordner darf ein eigenes "
                                    "indikatoren.yml mitbringen)."))
    # Berichtsjahr present for each used, yearly Merkmal.
    if bericht is not None:
        mit_jahr = df.loc[mj_ok & (df["jahr"] == bericht.berichtsjahr).to_numpy(), "merkmal"].unique()
        erste_datei = df.loc[mm_ok].drop_duplicates("merkmal").set_index("merkmal")["datei"]
        for m, inds in genutzt.items():
            if m in vorhanden and jaehrlich.get(m, True) and m not in set(mit_jahr):
                jahre = sorted(df.loc[mj_ok & (df["merkmal"] == m).to_numpy(), "jahr"].unique())
                probleme.append(Problem(erste_datei[m], None, "jahr", str(bericht.berichtsjahr),
                                        f"Für das Merkmal „{m}“ fehlt das Berichtsjahr {bericht.berichtsjahr} "
                                        f"(vorhanden: {_liste(map(str, jahre), 6)}).",
                                        "Liefern Sie die Werte zum Stichtag 31.12. des Berichtsjahres. Wird das "
                                        "Merkmal nicht jährlich erhoben (z. B. Wahlen), setzen Sie im Katalog "
                                        "beim Merkmal „jaehrlich: false“."))
    # Every district in every delivered year of a used Merkmal.
    if stadtteile is None:
        return
    namen = stadtteile["name"].tolist()
    genutzt_sel = df["merkmal"].isin(list(genutzt)).to_numpy()
    s = df.loc[mj_ok & st_ok & genutzt_sel, ["merkmal", "jahr", "stadtteil", "datei"]]
    s = s.drop_duplicates(["merkmal", "jahr", "stadtteil"])
    anzahl = s.groupby(["merkmal", "jahr"], observed=True)["stadtteil"].transform("size")
    luecken = s[anzahl < len(namen)]
    # A row with an unknown district may be the missing one: that row is reported
    # already, so its Merkmal and year are not reported as incomplete as well.
    unklar = set(df.loc[mj_ok & ~st_ok & genutzt_sel, ["merkmal", "jahr"]].itertuples(index=False, name=None))
    for (m, j), g in luecken.groupby(["merkmal", "jahr"], observed=True, sort=True):
        if (m, j) in unklar:
            continue
        fehlen = [x for x in namen if x not in set(g["stadtteil"])]
        probleme.append(Problem(g["datei"].iloc[0], None, "stadtteil", None,
                                f"Für das Merkmal „{m}“ im Jahr {j} fehlen Stadtteile: {_liste(fehlen, 11)}.",
                                "Ergänzen Sie für jeden Stadtteil eine Zeile (mit 0, wenn es keinen Fall gibt); "
                                "sonst wäre der Wert der Gesamtstadt unvollständig."))


def _pruefe_zaehler_nenner(gut: pd.DataFrame, roh: pd.DataFrame, katalog, probleme) -> None:
    ind = katalog.indikatoren
    art = dict(zip(katalog.merkmale["id"], katalog.merkmale["art"]))
    paare = ind[ind["nenner"].notna() & ~ind["zaehler_kann_nenner_uebersteigen"]]
    paare = paare[(paare["zaehler"].map(art) == "anzahl") & (paare["nenner"].map(art) == "anzahl")]
    if paare.empty:
        return
    paare = paare.groupby(["zaehler", "nenner"], sort=False)["id"].agg(list).reset_index()
    z = paare.merge(gut, left_on="zaehler", right_on="merkmal")
    nn = gut.rename(columns={"merkmal": "nenner", "wert": "n_wert", "datei": "n_datei", "zeile": "n_zeile"})
    z = z.merge(nn[["nenner", "stadtteil", "jahr", "n_wert", "n_datei", "n_zeile"]],
                on=["nenner", "stadtteil", "jahr"])
    zu_gross = z[z["wert"] > z["n_wert"]]
    if zu_gross.empty:
        return
    sp = {(d, zl): (s, t) for d, zl, s, t in
          roh.loc[:, ["datei", "zeile", "sp_wert", "wert_text"]].astype({"datei": "str", "sp_wert": "str"})
          .merge(zu_gross[["datei", "zeile"]].drop_duplicates(), on=["datei", "zeile"])
          .itertuples(index=False)}
    for r in zu_gross.itertuples(index=False):
        sp_wert, text = sp.get((r.datei, r.zeile), ("wert", str(r.wert)))
        wo = f"Zeile {r.n_zeile}" if r.n_datei == r.datei else f"{r.n_datei}, Zeile {r.n_zeile}"
        probleme.append(Problem(
            r.datei, int(r.zeile), sp_wert, text,
            f"Zähler größer als Nenner: „{r.zaehler}“ ({_zahl(r.wert)}) ist größer als „{r.nenner}“ "
            f"({_zahl(r.n_wert)}, {wo}) für {r.stadtteil} {r.jahr} (Indikator {_liste(r.id)}).",
            f"„{r.zaehler}“ ist eine Teilmenge von „{r.nenner}“ und kann nicht größer sein: prüfen Sie beide "
            "Werte (vertauschte Spalten, falscher Stichtag oder Gebietsstand?). Ist das fachlich richtig, setzen "
            "Sie beim Indikator „zaehler_kann_nenner_uebersteigen: true“."))


def _zahl(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x}".replace(".", ",")
