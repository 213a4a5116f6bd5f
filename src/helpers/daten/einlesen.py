"""Reading CSV and XLSX files of the data folder, and turning Bestand files into long rows.

CSV variants accepted (as German and English Excel write them):

* encoding: UTF-8 with or without BOM; if the bytes are not valid UTF-8,
  Windows-1252. Bytes that are neither are an error (never guessed).
* separator: ``;``, ``,`` or tab – whichever occurs most often in the header line
  (``;`` if none does).
* numbers: see :func:`zahlen`.
* names and headers are compared after trimming white space (incl. non-breaking
  spaces) and Unicode NFC normalisation; headers also case-insensitively.
* completely empty rows are skipped (row numbers in messages stay those of Excel).

XLSX: the first worksheet is read (values, not formulas). Another worksheet whose
first row contains ``merkmal`` is reported as an error instead of being ignored.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.daten.fehler import Problem, aehnlichster
from helpers.daten.yamldatei import text_dekodieren

LANG = ("stadtteil", "jahr", "merkmal", "wert")
GESAMT = ("gesamt", "gesamtstadt", "insgesamt")

_DE = re.compile(r"[+-]?(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,\d+)?")
_EN = re.compile(r"[+-]?(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d+)?")
_GANZ = re.compile(r"[+-]?\d+")


@dataclass
class Tabelle:
    """A table as read from disk: header texts, cells (positional columns) and Excel row numbers."""

    datei: str
    kopf: list[str]
    zellen: pd.DataFrame  # columns 0..n-1; str (CSV) or Python objects (XLSX)
    texte: pd.DataFrame  # the same cells as trimmed, NFC-normalised text (categorical, '' = empty)
    zeilen: np.ndarray  # Excel row number of each row of ``zellen``
    trenner: str | None  # CSV separator, None for XLSX
    sha256: str
    bytes: int

    def spalte(self, name: str) -> int | None:
        """Position of a header (case-insensitive, trimmed), or None."""
        n = name.casefold()
        for i, k in enumerate(self.kopf):
            if k.casefold() == n:
                return i
        return None


def kategorie(werte: pd.Series) -> pd.Series:
    """Cell values as trimmed, NFC-normalised text, categorical ('' for empty; 2018.0 → '2018').

    Each distinct value is normalised once, so long columns with few distinct
    values (districts, years, Merkmale) cost one hashing pass.
    """
    if werte.dtype == object or not pd.api.types.is_string_dtype(werte):
        werte = werte.map(_zelltext).astype("str")
    codes, uniq = pd.factorize(werte, use_na_sentinel=True)
    norm = pd.Series(uniq, dtype="str").str.strip().str.normalize("NFC").tolist() + [""]
    codes2, kat = pd.factorize(pd.Series(norm, dtype="str"))
    return pd.Series(pd.Categorical.from_codes(codes2[codes], categories=pd.Index(kat, dtype="str")),
                     index=werte.index)


def text(werte: pd.Series) -> pd.Series:
    """Cell values as trimmed, NFC-normalised text ('' for empty; 2018.0 → '2018')."""
    return kategorie(werte).astype("str")


def _zelltext(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, bool):
        return "WAHR" if v else "FALSCH"
    return str(v)


def problem_datei(datei: str, meldung: str, hinweis: str, zeile: int | None = None) -> Problem:
    return Problem(datei, zeile, None, None, meldung, hinweis)


def lese_tabelle(pfad: Path, datei: str, probleme: list[Problem]) -> Tabelle | None:
    """Read a CSV or XLSX file into a :class:`Tabelle`; on failure append a Problem, return None."""
    try:
        roh = pfad.read_bytes()
    except OSError as e:
        probleme.append(problem_datei(datei, f"Datei kann nicht gelesen werden ({e.strerror}).",
                                      "Prüfen Sie, ob die Datei existiert und nicht in Excel geöffnet ist."))
        return None
    sha, n = hashlib.sha256(roh).hexdigest(), len(roh)
    if not roh.strip():
        probleme.append(problem_datei(datei, "Die Datei ist leer.",
                                      "Exportieren Sie die Daten erneut oder entfernen Sie die Datei."))
        return None
    if pfad.suffix.lower() == ".xlsx":
        teile = _lese_xlsx(roh, datei, probleme)
        trenner = None
    else:
        teile = _lese_csv(roh, datei, probleme)
        trenner = teile[2] if teile else None
    if teile is None:
        return None
    kopf, zellen = teile[0], teile[1]
    zeilen = np.arange(2, len(zellen) + 2)
    texte = pd.DataFrame({c: kategorie(zellen[c]) for c in zellen.columns}, index=zellen.index)
    # Completely empty rows carry no data (Excel leaves them between blocks).
    if len(zellen):
        leer = np.ones(len(zellen), dtype=bool)
        for c in texte.columns:
            leer &= (texte[c] == "").to_numpy()
        if leer.any():
            zellen, texte = zellen.loc[~leer].reset_index(drop=True), texte.loc[~leer].reset_index(drop=True)
            zeilen = zeilen[~leer]
    # Trailing separators produce unnamed, empty columns: drop those, keep the rest.
    behalten = []
    for i, k in enumerate(kopf):
        if k == "":
            if (texte[i] == "").all():
                continue
            probleme.append(Problem(datei, 1, f"Spalte {i + 1}", None, "Spalte ohne Überschrift enthält Werte.",
                                    "Geben Sie der Spalte eine Überschrift oder löschen Sie sie."))
            return None
        behalten.append(i)
    kopf = [kopf[i] for i in behalten]
    zellen, texte = zellen[behalten], texte[behalten]
    zellen.columns = texte.columns = range(len(behalten))
    gesehen: dict[str, int] = {}
    for i, k in enumerate(kopf):
        if k.casefold() in gesehen:
            probleme.append(Problem(datei, 1, k, k, f"Die Spaltenüberschrift „{k}“ kommt doppelt vor "
                                    f"(Spalten {gesehen[k.casefold()] + 1} und {i + 1}).",
                                    "Benennen Sie eine der Spalten um oder löschen Sie sie."))
            return None
        gesehen[k.casefold()] = i
    return Tabelle(datei, kopf, zellen, texte, zeilen, trenner, sha, n)


def _lese_csv(roh: bytes, datei: str, probleme: list[Problem]):
    try:
        inhalt, _ = text_dekodieren(roh)
    except UnicodeDecodeError as e:
        probleme.append(problem_datei(datei, f"Zeichenkodierung nicht erkannt (Byte {e.object[e.start]:#04x} "
                                      f"an Position {e.start}).",
                                      "Speichern Sie die Datei in Excel als „CSV UTF-8 (durch Trennzeichen "
                                      "getrennt)“."))
        return None
    erste = inhalt.lstrip("\r\n").splitlines()[0] if inhalt.strip() else ""
    zaehlung = {t: erste.count(t) for t in (";", ",", "\t")}
    trenner = max(zaehlung, key=zaehlung.get) if max(zaehlung.values()) else ";"
    try:
        df = pd.read_csv(io.StringIO(inhalt), sep=trenner, header=None, dtype=str, na_filter=False,
                         skip_blank_lines=False, quotechar='"', engine="c")
    except (pd.errors.ParserError, ValueError) as e:
        m = re.search(r"line (\d+)", str(e))
        zeile = int(m.group(1)) if m else None
        probleme.append(problem_datei(datei, "Die CSV-Datei kann nicht gelesen werden: eine Zeile hat mehr "
                                      "Felder als die Kopfzeile." if m else
                                      f"Die CSV-Datei kann nicht gelesen werden ({e}).",
                                      f"Prüfen Sie die Trennzeichen („{trenner}“) in dieser Zeile; Texte mit "
                                      "Trennzeichen müssen in Anführungszeichen stehen.", zeile))
        return None
    kopf = text(df.iloc[0]).tolist()
    zellen = df.iloc[1:].reset_index(drop=True)
    zellen.columns = range(zellen.shape[1])
    return kopf, zellen, trenner


def _lese_xlsx(roh: bytes, datei: str, probleme: list[Problem]):
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(roh), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        probleme.append(problem_datei(datei, f"Die Excel-Datei ist beschädigt oder keine .xlsx-Datei ({type(e).__name__}).",
                                      "Öffnen Sie sie in Excel und speichern Sie sie erneut als "
                                      "„Excel-Arbeitsmappe (*.xlsx)“ oder als CSV."))
        return None
    except Exception as e:  # openpyxl raises assorted errors on damaged archives
        probleme.append(problem_datei(datei, f"Die Excel-Datei kann nicht gelesen werden ({type(e).__name__}: {e}).",
                                      "Speichern Sie sie in Excel erneut als „Excel-Arbeitsmappe (*.xlsx)“."))
        return None
    try:
        blaetter = wb.worksheets
        zeilen = list(blaetter[0].iter_rows(values_only=True)) if blaetter else []
        for blatt in blaetter[1:]:
            erste = next(blatt.iter_rows(values_only=True, max_row=1), ())
            if any(_zelltext(v).strip().casefold() == "merkmal" for v in erste):
                probleme.append(problem_datei(
                    datei, f"Das Tabellenblatt „{blatt.title}“ enthält offenbar Daten, gelesen wird aber nur das "
                    f"erste Blatt („{blaetter[0].title}“).",
                    "Verschieben Sie die Daten in das erste Blatt oder speichern Sie jedes Blatt als eigene Datei."))
    finally:
        wb.close()
    if not zeilen or all(v is None for v in zeilen[0]):
        probleme.append(problem_datei(datei, "Die Excel-Datei hat im ersten Tabellenblatt keine Kopfzeile in Zeile 1.",
                                      "Die erste Zeile muss die Spaltenüberschriften enthalten "
                                      "(stadtteil, jahr, merkmal, wert).", 1))
        return None
    breite = max(len(z) for z in zeilen)
    kopf = [_zelltext(v).strip() for v in zeilen[0]] + [""] * (breite - len(zeilen[0]))
    kopf = [unicodedata.normalize("NFC", k) for k in kopf]
    zellen = pd.DataFrame([tuple(z) + (None,) * (breite - len(z)) for z in zeilen[1:]],
                          columns=range(breite), dtype=object)
    return kopf, zellen


def zahlen(werte: pd.Series, dezimalkomma_standard: bool,
           texte: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse numbers as German or English Excel writes them; never guess silently.

    Accepted: ``12``, ``12,5`` / ``12.5``, ``1.234,5`` / ``1,234.5``, ``-3``;
    numeric XLSX cells as they are. A value that fits only one convention is read
    by it. A value that fits both (``1.234``, ``1,234``) is read by the file's
    convention: the one used by its unambiguous values, else decimal comma for
    ``;``-separated files and XLSX, decimal point for ``,``-separated files. If a
    file uses both conventions, its ambiguous values are errors.

    Returns ``(wert, fehler)``: floats (NaN on error) and per value '' (fine),
    'leer', 'keine_zahl' or 'mehrdeutig'. ``texte`` may pass the column's
    :func:`kategorie` if already computed (text columns only).
    """
    n = len(werte)
    wert = np.full(n, np.nan)
    fehler = np.full(n, "", dtype=object)
    if werte.dtype == object:
        ist_num = werte.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                            and not (isinstance(v, float) and np.isnan(v))).to_numpy(dtype=bool)
        wert[ist_num] = werte[ist_num].astype(float).to_numpy()
        # numeric cells must not take part in choosing the file's convention
        t = kategorie(werte.where(~ist_num, None))
    else:
        ist_num = np.zeros(n, dtype=bool)
        t = kategorie(werte) if texte is None else texte
    # Parse each distinct text once: a column of counts has few distinct values.
    kat = pd.Series(t.cat.categories, dtype="str").str.replace("\u202f", "", regex=False)
    uw, uf = _text_zahlen(kat, dezimalkomma_standard)
    codes = t.cat.codes.to_numpy()
    tw, tf = uw[codes], uf[codes]
    wert[~ist_num] = tw[~ist_num]
    fehler[~ist_num] = tf[~ist_num]
    return pd.Series(wert, index=werte.index), pd.Series(fehler, index=werte.index, dtype="str")


def _text_zahlen(t: pd.Series, dezimalkomma_standard: bool) -> tuple[np.ndarray, np.ndarray]:
    n = len(t)
    wert = np.full(n, np.nan)
    fehler = np.full(n, "", dtype=object)
    leer = (t == "").to_numpy()
    de = t.str.fullmatch(_DE).to_numpy(dtype=bool)
    en = t.str.fullmatch(_EN).to_numpy(dtype=bool)
    ganz = t.str.fullmatch(_GANZ).to_numpy(dtype=bool)
    nur_de, nur_en = de & ~en, en & ~de
    beide = de & en & ~ganz
    if nur_de.any() and nur_en.any():
        fehler[beide] = "mehrdeutig"
        beide_de = np.zeros(n, dtype=bool)
    else:
        komma = nur_de.any() or (not nur_en.any() and dezimalkomma_standard)
        beide_de = beide if komma else np.zeros(n, dtype=bool)
    als_de = nur_de | beide_de | ganz
    als_en = (nur_en | (beide & ~beide_de)) & (fehler == "")
    tt = t.to_numpy(dtype=object)
    if als_de.any():
        s = pd.Series(tt[als_de], dtype="str").str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        wert[als_de] = s.astype(float).to_numpy()
    if als_en.any():
        s = pd.Series(tt[als_en], dtype="str").str.replace(",", "", regex=False)
        wert[als_en] = s.astype(float).to_numpy()
    fehler[leer] = "leer"
    fehler[~(leer | de | en)] = "keine_zahl"
    return wert, fehler


def ist_bestand_breit(kopf: list[str]) -> bool:
    """Wide layout rule: a ``merkmal`` column, but neither ``wert`` nor ``stadtteil``.

    A wide file has one row per Merkmal and year: the columns ``merkmal`` and
    ``jahr`` (required), optionally ``quelle`` and a total column ``Gesamt``
    (also ``Gesamtstadt``/``Insgesamt``), and one column per district headed by
    its name or schluessel. Every other column must be a district.
    """
    k = {x.casefold() for x in kopf}
    return "merkmal" in k and "wert" not in k and "stadtteil" not in k


def lese_bestand(tab: Tabelle, kennung, vorschlag, probleme: list[Problem]) -> pd.DataFrame | None:
    """Turn a Bestand table (long or wide) into raw long rows.

    ``kennung(text) -> canonical name or None`` and ``vorschlag(text) -> str``
    identify districts (needed for wide headers). Columns of the result:
    stadtteil, jahr, merkmal (trimmed text), wert (float, NaN on error),
    wert_text, wert_fehler, quelle, datei, zeile, sp_stadtteil, sp_jahr,
    sp_merkmal, sp_wert (headers as written in the file).
    """
    datei = tab.datei
    kopf_cf = [k.casefold() for k in tab.kopf]
    if not set(kopf_cf) & set(LANG):
        probleme.append(Problem(datei, 1, None, "; ".join(tab.kopf)[:80],
                                "Keine Kopfzeile erkannt: Zeile 1 enthält keine der Spalten stadtteil, jahr, "
                                "merkmal, wert.",
                                "Die erste Zeile muss die Spaltenüberschriften enthalten (langes Format: "
                                "stadtteil, jahr, merkmal, wert; breites Format: merkmal, jahr und je Stadtteil "
                                "eine Spalte). Titelzeilen über der Kopfzeile bitte löschen."))
        return None
    if not len(tab.zellen):
        probleme.append(Problem(datei, None, None, None, "Die Datei enthält keine Datenzeilen, nur die Kopfzeile.",
                                "Exportieren Sie die Daten erneut oder entfernen Sie die Datei."))
        return None
    breit = ist_bestand_breit(tab.kopf)
    pflicht = ("merkmal", "jahr") if breit else LANG
    fehlen = [p for p in pflicht if p not in kopf_cf]
    for p in fehlen:
        nah = aehnlichster(p, [k for k in tab.kopf if k.casefold() not in pflicht], cutoff=0.6)
        hinweis = (f"Meinten Sie die Spalte „{nah}“? Benennen Sie sie in „{p}“ um."
                   if nah else f"Ergänzen Sie die Spalte „{p}“.")
        if breit and p == "jahr":
            hinweis += (" Im breiten Format (eine Spalte je Stadtteil) braucht jede Zeile ein Jahr in der "
                        "Spalte „jahr“.")
        probleme.append(Problem(datei, 1, p, None, f"Die Spalte „{p}“ fehlt (vorhanden: {', '.join(tab.kopf)}).",
                                hinweis))
    if fehlen:
        return None
    dezimalkomma = tab.trenner != ","
    sp = {name: tab.spalte(name) for name in ("stadtteil", "jahr", "merkmal", "wert", "quelle")}
    z, tx = tab.zellen, tab.texte
    quelle = tx[sp["quelle"]].astype("str").replace("", pd.NA) if sp["quelle"] is not None else None

    if not breit:
        wert, fehler = zahlen(z[sp["wert"]], dezimalkomma, tx[sp["wert"]])
        out = pd.DataFrame({
            "stadtteil": tx[sp["stadtteil"]],
            "jahr": tx[sp["jahr"]],
            "merkmal": tx[sp["merkmal"]],
            "wert": wert,
            "wert_text": tx[sp["wert"]],
            "wert_fehler": fehler,
            "quelle": quelle if quelle is not None else pd.Series(pd.NA, index=z.index, dtype="str"),
            "zeile": tab.zeilen,
        })
        out["sp_stadtteil"] = tab.kopf[sp["stadtteil"]]
        out["sp_wert"] = tab.kopf[sp["wert"]]
    else:
        out = _breit_zu_lang(tab, sp, quelle, kennung, vorschlag, dezimalkomma, probleme)
        if out is None:
            return None
    out["datei"] = datei
    out["sp_jahr"] = tab.kopf[sp["jahr"]]
    out["sp_merkmal"] = tab.kopf[sp["merkmal"]]
    for c in ("datei", "sp_stadtteil", "sp_wert", "sp_jahr", "sp_merkmal"):
        out[c] = out[c].astype("category")
    return out


def _breit_zu_lang(tab, sp, quelle, kennung, vorschlag, dezimalkomma, probleme):
    datei, z, tx = tab.datei, tab.zellen, tab.texte
    fest = {sp["merkmal"], sp["jahr"]} | ({sp["quelle"]} if sp["quelle"] is not None else set())
    gesamt = [i for i, k in enumerate(tab.kopf) if k.casefold() in GESAMT]
    if len(gesamt) > 1:
        probleme.append(Problem(datei, 1, tab.kopf[gesamt[1]], None, "Mehr als eine Gesamt-Spalte.",
                                "Behalten Sie höchstens eine Spalte „Gesamt“."))
        return None
    bezirke, teile = [], []
    summe = np.zeros(len(z))
    summe_ok = np.ones(len(z), dtype=bool)
    for i, k in enumerate(tab.kopf):
        if i in fest or i in gesamt:
            continue
        wert, fehler = zahlen(z[i], dezimalkomma, tx[i])
        summe += np.nan_to_num(wert.to_numpy())
        summe_ok &= (fehler == "").to_numpy()
        name = kennung(k)
        if name is None:
            probleme.append(Problem(datei, 1, k, k, f"Die Spalte „{k}“ ist weder ein Stadtteil aus stadtteile.csv "
                                    "noch merkmal, jahr, quelle oder Gesamt.",
                                    vorschlag(k) + " Im breiten Format steht über jeder Stadtteil-Spalte "
                                    "der Name oder Schlüssel des Stadtteils."))
            continue
        bezirke.append(i)
        teile.append(pd.DataFrame({
            "stadtteil": k, "jahr": tx[sp["jahr"]], "merkmal": tx[sp["merkmal"]],
            "wert": wert, "wert_text": tx[i], "wert_fehler": fehler,
            "quelle": quelle if quelle is not None else pd.Series(pd.NA, index=z.index, dtype="str"),
            "zeile": tab.zeilen, "sp_stadtteil": k, "sp_wert": k,
        }))
    if gesamt:
        g = gesamt[0]
        gwert, gfehler = zahlen(z[g], dezimalkomma, tx[g])
        gtext = tx[g].astype("str")
        for j in np.flatnonzero((gfehler != "").to_numpy() & (gfehler != "leer").to_numpy()):
            probleme.append(Problem(datei, int(tab.zeilen[j]), tab.kopf[g], gtext.iloc[j],
                                    "Der Gesamtwert ist keine Zahl.",
                                    "Tragen Sie die Summe als Zahl ein oder lassen Sie die Zelle leer."))
        # Rounding in the source is tolerated only at the level of floating-point noise.
        gv = gwert.to_numpy()
        abw = summe_ok & ~np.isnan(gv) & ~np.isclose(gv, summe, rtol=1e-9, atol=1e-6)
        for j in np.flatnonzero(abw):
            d = gv[j] - summe[j]
            probleme.append(Problem(datei, int(tab.zeilen[j]), tab.kopf[g], gtext.iloc[j],
                                    f"Der Gesamtwert weicht von der Summe der Stadtteile ({_fmt(summe[j])}) um "
                                    f"{'+' if d > 0 else ''}{_fmt(d)} ab (Merkmal „{tx[sp['merkmal']].iloc[j]}“, "
                                    f"Jahr {tx[sp['jahr']].iloc[j]}).",
                                    "Prüfen Sie die Stadtteilwerte und die Gesamtsumme dieser Zeile (fehlt ein "
                                    "Stadtteil, oder enthält Gesamt Fälle ohne Stadtteilzuordnung?). Die "
                                    "Gesamtstadt wird ohnehin aus den Stadtteilen berechnet; die Spalte Gesamt "
                                    "darf auch entfallen."))
    if not teile:
        if not bezirke:
            probleme.append(Problem(datei, 1, None, None, "Die Datei im breiten Format hat keine Stadtteil-Spalte.",
                                    "Legen Sie je Stadtteil eine Spalte an, überschrieben mit Name oder Schlüssel."))
        return None
    return pd.concat(teile, ignore_index=True)


def _fmt(x: float) -> str:
    """German number for messages (no thousands separator, up to 6 decimals)."""
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") if s not in ("-0", "") else "0"
