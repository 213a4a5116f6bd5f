"""``stadtteile.csv``: the districts, their keys and the canonical order."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.daten.einlesen import lese_tabelle, zahlen
from helpers.daten.fehler import Problem, aehnlichster

DATEI = "stadtteile.csv"
STADT = "Gesamtstadt"
RESERVIERT = {"gesamtstadt", "gesamt", "insgesamt"}


def lese_stadtteile(pfad: Path, probleme: list[Problem]) -> tuple[pd.DataFrame | None, object]:
    """Read and check ``stadtteile.csv``.

    Returns ``(stadtteile, tabelle)``: the districts (``schluessel``, ``name``, extra
    columns; numeric extra columns converted) in file order, or None on problems.
    """
    if not pfad.is_file():
        probleme.append(Problem(DATEI, None, None, None, "Die Datei stadtteile.csv fehlt im Datenordner.",
                                "Legen Sie stadtteile.csv mit den Spalten schluessel und name an "
                                "(eine Zeile je Stadtteil)."))
        return None, None
    n_vorher = len(probleme)
    tab = lese_tabelle(pfad, DATEI, probleme)
    if tab is None:
        return None, None
    fehlen = [s for s in ("schluessel", "name") if tab.spalte(s) is None]
    for s in fehlen:
        probleme.append(Problem(DATEI, 1, s, None, f"Die Spalte „{s}“ fehlt (vorhanden: {', '.join(tab.kopf)}).",
                                f"Ergänzen Sie die Spalte „{s}“ oder benennen Sie die passende Spalte um."))
    if fehlen:
        return None, tab
    if not len(tab.zellen):
        probleme.append(Problem(DATEI, None, None, None, "stadtteile.csv enthält keine Stadtteile.",
                                "Tragen Sie je Stadtteil eine Zeile mit schluessel und name ein."))
        return None, tab
    df = pd.DataFrame({"schluessel": tab.texte[tab.spalte("schluessel")].astype("str"),
                       "name": tab.texte[tab.spalte("name")].astype("str")})
    for i, k in enumerate(tab.kopf):
        if k.casefold() in ("schluessel", "name"):
            continue
        if k.casefold() == "artikel":  # the article German uses with the name (helpers.sprache)
            df["artikel"] = tab.texte[i].astype("str").str.strip()
            for j, a in enumerate(df["artikel"]):
                if a not in ("", "der", "die", "das"):
                    probleme.append(Problem(DATEI, int(tab.zeilen[j]), k, a,
                                            f"„{a}“ ist kein bestimmter Artikel.",
                                            "Tragen Sie „der“, „die“ oder „das“ ein, wenn man im Deutschen "
                                            "„die Altstadt“ sagt, sonst lassen Sie die Zelle leer."))
            continue
        werte = tab.texte[i].astype("str")
        zahl, fehler = zahlen(tab.zellen[i], tab.trenner != ",", tab.texte[i])
        if (fehler == "").all():  # a fully numeric extra column (tile position, area) becomes numbers
            df[k] = zahl.astype("int64") if (zahl == zahl.round()).all() else zahl
        else:
            df[k] = werte
    zeilen = tab.zeilen
    for spalte in ("schluessel", "name"):
        leer = df[spalte] == ""
        for j in leer[leer].index:
            probleme.append(Problem(DATEI, int(zeilen[j]), spalte, "", f"„{spalte}“ ist leer.",
                                    f"Tragen Sie {'den Schlüssel' if spalte == 'schluessel' else 'den Namen'} ein."))
        doppelt = df[spalte].duplicated(keep=False) & ~leer
        erste: dict[str, int] = {}
        for j in doppelt[doppelt].index:
            w = df.at[j, spalte]
            if w in erste:
                probleme.append(Problem(DATEI, int(zeilen[j]), spalte, w,
                                        f"Der Stadtteil-{'Schlüssel' if spalte == 'schluessel' else 'Name'} "
                                        f"„{w}“ kommt doppelt vor (auch in Zeile {erste[w]}).",
                                        "Jeder Stadtteil darf nur einmal vorkommen, mit eindeutigem Schlüssel "
                                        "und Namen: löschen Sie die doppelte Zeile oder korrigieren Sie sie."))
            else:
                erste[w] = int(zeilen[j])
    namen = set(df["name"])
    for j, (s, n) in enumerate(zip(df["schluessel"], df["name"])):
        if n.casefold() in RESERVIERT:
            probleme.append(Problem(DATEI, int(zeilen[j]), "name", n, f"„{n}“ ist als Stadtteilname reserviert.",
                                    "Die Gesamtstadt wird aus den Stadtteilen berechnet; löschen Sie diese Zeile."))
        if s in namen and s != n:
            probleme.append(Problem(DATEI, int(zeilen[j]), "schluessel", s,
                                    f"Der Schlüssel „{s}“ ist zugleich Name eines anderen Stadtteils.",
                                    "Verwenden Sie Schlüssel, die nicht mit Namen verwechselt werden können."))
    if len(probleme) > n_vorher:
        return None, tab
    return df.reset_index(drop=True), tab


def zuordnung(stadtteile: pd.DataFrame) -> dict[str, str]:
    """Text → canonical name, for names, keys and keys without leading zeros ('1' for '01').

    Excel turns the key "01" into the number 1; accepting "1" is safe as long as it
    is unambiguous, which is checked here.
    """
    m = dict(zip(stadtteile["name"], stadtteile["name"]))
    m.update(zip(stadtteile["schluessel"], stadtteile["name"]))
    ohne_null: dict[str, set] = {}
    for s, n in zip(stadtteile["schluessel"], stadtteile["name"]):
        if s.isdigit():
            ohne_null.setdefault(str(int(s)), set()).add(n)
    for k, ns in ohne_null.items():
        if k not in m and len(ns) == 1:
            m[k] = next(iter(ns))
    return m


def vorschlag(wert: str, stadtteile: pd.DataFrame) -> str:
    """German hint naming the closest district name (difflib), if any."""
    nah = aehnlichster(wert, stadtteile["name"].tolist())
    tipp = f"Meinten Sie „{nah}“? " if nah else ""
    return tipp + "Erlaubt sind Name oder Schlüssel eines Stadtteils aus stadtteile.csv."
