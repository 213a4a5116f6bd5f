"""Generated parts of the Anhang: glossary, methods figures, sources, downloads, colophon.

Everything here is computed from the catalog, the report settings, the data and
the environment, so the Anhang stays true when any of them changes. The notebooks
``anhang_glossar``, ``anhang_methoden`` and ``anhang_quellen`` only call these
functions.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import format as fmt
from helpers.daten.export import ERLAEUTERUNG
from helpers.steckbriefe import anker
from helpers.tabellen import STADT
from helpers.texte import kurztitel

MONATE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember"]

RICHTUNG_TEXT = {
    "belastung": "Ein höherer Wert zeigt eine stärkere Belastung an.",
    "vorteil": "Ein höherer Wert ist günstiger.",
    "neutral": "Beschreibender Wert: ein höherer Wert ist weder günstiger noch ungünstiger.",
}
ART_TEXT = {"anzahl": "Anzahl (Geheimhaltung)", "betrag": "Betrag/Bestand"}


# --------------------------------------------------------------------------- glossary


def _leer(x) -> bool:
    return x is None or (isinstance(x, float) and np.isnan(x)) or (isinstance(x, str) and not x.strip())


def formel(k: Mapping, merkmale: pd.DataFrame) -> str:
    """The calculation in words: ``Zähler ÷ Nenner × Faktor`` with the Merkmal descriptions."""
    mm = merkmale.set_index("id")["beschreibung"]

    def teil(mid: str) -> str:
        return f"{mm.get(mid, mid)} (`{mid}`)"

    if _leer(k.get("nenner")):
        text = teil(k["zaehler"])
        if float(k["faktor"]) != 1:
            text += f" × {fmt.zahl(k['faktor'])}"
        return f"{text}; absolute Zahl"
    text = f"{teil(k['zaehler'])} ÷ {teil(k['nenner'])}"
    if float(k["faktor"]) != 1:
        stellen = 0 if float(k["faktor"]).is_integer() else 2
        text += f" × {fmt.zahl(k['faktor'], stellen)}"
    return text


def stadtwert_text(k: Mapping) -> str:
    """How the city value of this indicator is formed."""
    if _leer(k.get("nenner")):
        return "Summe der Stadtteile."
    return "Summe der Zähler aller Stadtteile ÷ Summe der Nenner (kein Mittelwert der Stadtteilwerte)."


def glossar_eintrag(k: Mapping, merkmale: pd.DataFrame, ebene: int = 3) -> str:
    """One glossary entry with the stable anchor ``{#ind-<id>}``."""
    zeilen = [f"{'#' * ebene} {k['titel']} {{#{anker(k['id'])} .unnumbered .unlisted}}", "",
              str(k["definition"]).strip(), ""]
    zeilen.append(f"- **Berechnung:** {formel(k, merkmale)}")
    zeilen.append(f"- **Gesamtstadt:** {stadtwert_text(k)}")
    zeilen.append(f"- **Einheit:** {k['einheit']}")
    zeilen.append(f"- **Lesart:** {RICHTUNG_TEXT.get(k['richtung'], k['richtung'])}")
    zeilen.append(f"- **Quelle:** {k['quelle']}")
    kennung = f"- **Kennung:** `{k['id']}`"
    if kurztitel(k) != k["titel"]:
        kennung += f"; Kurztitel in Grafiken: „{kurztitel(k)}“"
    if bool(k.get("kern")) and not _leer(k.get("kern")):
        kennung += "; Kernindikator des Handlungsfelds"
    zeilen.append(kennung)
    return "\n".join(zeilen) + "\n"


def glossar(katalog, kapitel_link: str | None = "../teil2/{kapitel}.qmd") -> str:
    """The glossary of every catalog indicator, grouped by Handlungsfeld (``##`` per field).

    ``kapitel_link`` (with ``{kapitel}`` from the catalog) links each field to its
    Teil II chapter; ``None`` leaves the links out.
    """
    teile = []
    ind = katalog.indikatoren
    for _, hf in katalog.handlungsfelder.sort_values("nr").iterrows():
        k = ind[ind["handlungsfeld"] == hf["nr"]]
        if k.empty:
            continue
        teile.append(f"## Handlungsfeld {hf['nr']}: {hf['titel']} {{#anhang-glossar-hf{hf['nr']}}}\n")
        n = len(k)
        satz = f"{n} {'Indikator' if n == 1 else 'Indikatoren'}"
        kap = hf.get("kapitel")
        if kapitel_link and isinstance(kap, str) and kap.strip():
            satz += f"; Auswertung im Kapitel [{hf['titel']}]({kapitel_link.format(kapitel=kap)})"
        teile.append(satz + ".\n")
        for _, r in k.iterrows():
            teile.append(glossar_eintrag(r, katalog.merkmale))
    return "\n".join(teile)


def glossar_ueberblick(katalog) -> str:
    """One sentence: how many indicators and Merkmale the catalog defines."""
    ind = katalog.indikatoren
    kern = int(ind["kern"].fillna(False).astype(bool).sum())
    return (f"Der Katalog definiert {len(ind)} Indikatoren in {ind['handlungsfeld'].nunique()} Handlungsfeldern, "
            f"davon {kern} Kernindikatoren, berechnet aus {len(katalog.merkmale)} Merkmalen.")


def merkmale_tabelle(katalog) -> str:
    """All Merkmale: id, description, unit, kind, source, and how many indicators use them."""
    ind = katalog.indikatoren
    benutzt = pd.concat([ind["zaehler"], ind["nenner"].dropna()]).value_counts()
    m = katalog.merkmale
    df = pd.DataFrame({
        "Merkmal": [f"`{i}`" for i in m["id"]],
        "Beschreibung": m["beschreibung"],
        "Einheit": m["einheit"],
        "Art": [ART_TEXT.get(a, a) for a in m["art"]],
        "Quelle": m["quelle"],
        "Indikatoren": [str(int(benutzt.get(i, 0))) for i in m["id"]],
    })
    from helpers.steckbriefe import mit_breiten

    return mit_breiten(fmt.markdown_tabelle(df, rechtsbuendig=["Indikatoren"]), [20, 34, 11, 13, 16, 6])


# --------------------------------------------------------------------------- methods


def jahre(ind: pd.DataFrame) -> list[int]:
    return sorted(int(j) for j in ind["jahr"].unique())


def zeitraum_text(bestand: pd.DataFrame, merkmale: pd.DataFrame) -> str:
    """"die Jahre 2014 bis 2018 (Wahlergebnisse ab 2009)": annual series and elections apart."""
    wahl = set(merkmale.loc[merkmale["jaehrlich"] == False, "id"])  # noqa: E712 (a column of bools)
    jaehrlich = bestand.loc[~bestand["merkmal"].isin(wahl), "jahr"]
    wahlen = bestand.loc[bestand["merkmal"].isin(wahl), "jahr"]
    if jaehrlich.empty:
        return f"die Wahljahre {int(wahlen.min())} bis {int(wahlen.max())}"
    text = f"die Jahre {int(jaehrlich.min())} bis {int(jaehrlich.max())}"
    if not wahlen.empty and wahlen.min() < jaehrlich.min():
        text += f" (Wahlergebnisse ab {int(wahlen.min())})"
    return text


def aggregationsbeispiel(ind: pd.DataFrame, katalog_ind: pd.DataFrame, jahr: int) -> dict | None:
    """The key rate indicator where the city value differs most from the mean of district rates.

    Returns ``indikator``, ``titel``, ``einheit``, ``stadt`` (sum of numerators / sum of
    denominators), ``mittel`` (unweighted mean of the published district values), or
    None when no key rate indicator has complete district values.
    """
    k = katalog_ind[katalog_ind["nenner"].notna() & katalog_ind["kern"].fillna(False).astype(bool)]
    bestes = None
    for _, r in k.iterrows():
        t = ind[(ind["indikator"] == r["id"]) & (ind["jahr"] == jahr)]
        d = t[t["stadtteil"] != STADT]
        s = t[t["stadtteil"] == STADT]
        if d.empty or s.empty or d["gesperrt"].any() or bool(s["gesperrt"].iloc[0]):
            continue
        stadt, mittel = float(s["wert"].iloc[0]), float(d["wert"].mean())
        if bestes is None or abs(stadt - mittel) > abs(bestes["stadt"] - bestes["mittel"]):
            bestes = {"indikator": r["id"], "titel": r["titel"], "einheit": r["einheit"],
                      "stadt": stadt, "mittel": mittel}
    return bestes


def stand(ind: pd.DataFrame, jahr: int) -> pd.DataFrame:
    """The rows of each indicator in its latest year up to ``jahr`` (elections: the last election)."""
    from helpers.steckbriefe import datenjahre

    jahre = datenjahre(ind, ind["indikator"].unique(), jahr)
    return ind[ind["jahr"] == ind["indikator"].map(jahre)]


def sperr_statistik(sperrungen: pd.DataFrame, ind: pd.DataFrame, jahr: int | None = None) -> dict:
    """Counts of suppressed cells (by reason) and of suppressed/uncertain indicator values.

    ``sperrungen``: every Merkmal cell with ``gesperrt`` and ``grund`` (``Datenbestand.sperrungen``);
    ``jahr`` restricts the cells to that year and the indicator values to the latest
    year up to it (:func:`stand`).
    """
    s = sperrungen if jahr is None else sperrungen[sperrungen["jahr"] == jahr]
    i = ind if jahr is None else stand(ind, jahr)
    d = i[i["stadtteil"] != STADT]
    return {
        "zellen": int(len(s)),
        "primaer": int((s["grund"] == "primär").sum()),
        "sekundaer": int((s["grund"] == "sekundär").sum()),
        "werte": int(len(d)),
        "gesperrt": int(d["gesperrt"].sum()),
        "unsicher": int((d["unsicher"] & ~d["gesperrt"]).sum()),
        "stadt_gesperrt": int(i.loc[i["stadtteil"] == STADT, "gesperrt"].sum()),
    }


def sperrungen_je_handlungsfeld(ind: pd.DataFrame, katalog, jahr: int) -> pd.DataFrame:
    """District indicator values per Handlungsfeld (latest year up to ``jahr``): all, suppressed, uncertain."""
    hf = katalog.indikatoren.set_index("id")["handlungsfeld"]
    d = stand(ind, jahr)
    d = d[d["stadtteil"] != STADT].copy()
    d["handlungsfeld"] = d["indikator"].map(hf)
    g = d.groupby("handlungsfeld")
    out = pd.DataFrame({
        "werte": g.size(),
        "gesperrt": g["gesperrt"].sum().astype(int),
        "unsicher": g.apply(lambda x: int((x["unsicher"] & ~x["gesperrt"]).sum()), include_groups=False),
    })
    titel = katalog.handlungsfelder.set_index("nr")["titel"]
    out = out.reindex(sorted(titel.index), fill_value=0)
    out.insert(0, "titel", titel.reindex(out.index))
    return out.rename_axis("handlungsfeld").reset_index()


def sperrungen_markdown(tab: pd.DataFrame) -> str:
    summe = tab[["werte", "gesperrt", "unsicher"]].sum()
    df = pd.DataFrame({
        "Handlungsfeld": [f"{n} {t}" for n, t in zip(tab["handlungsfeld"], tab["titel"])] + ["**Insgesamt**"],
        "Stadtteilwerte": [fmt.zahl(x) for x in tab["werte"]] + [f"**{fmt.zahl(summe['werte'])}**"],
        f"davon gesperrt ({fmt.GESPERRT})": [fmt.zahl(x) for x in tab["gesperrt"]]
        + [f"**{fmt.zahl(summe['gesperrt'])}**"],
        f"davon unsicher ({fmt.UNSICHER})": [fmt.zahl(x) for x in tab["unsicher"]]
        + [f"**{fmt.zahl(summe['unsicher'])}**"],
    })
    return fmt.markdown_tabelle(df)


def regel_datei(ordner: Path, name: str) -> Path | None:
    """The rule file ``regeln/<name>`` that applies to a data folder, or None.

    Same lookup as Teil III (:func:`helpers.regeln.regeldatei`: the data folder's own
    ``regeln/`` first, then the project's ``data/regeln/``), with one difference: the
    project's rules name ids of the project's catalog, so they are not used for a data
    folder that brings its own ``indikatoren.yml`` but no rules (None instead of an error).
    """
    from helpers.daten.ordner import KATALOG
    from helpers.regeln import regeldatei

    pfad = regeldatei(ordner, name)
    if not pfad.is_file():
        return None
    eigen = pfad.resolve().parent == (Path(ordner) / "regeln").resolve()
    if not eigen and (Path(ordner) / KATALOG).is_file():
        return None
    return pfad


def index_methode(cfg: Mapping, katalog_ind: pd.DataFrame) -> str:
    """The configured social index in words: components, weights, classes, dynamics."""
    titel = katalog_ind.set_index("id")["titel"]

    def liste(teil: str) -> list[str]:
        eintraege = cfg[teil]["indikatoren"]
        gleich = len({float(e.get("gewicht", 1)) for e in eintraege}) == 1
        out = []
        for e in eintraege:
            zeile = f"- [{titel.get(e['id'], e['id'])}](glossar.qmd#{anker(e['id'])})"
            if not gleich:
                zeile += f" (Gewicht {fmt.zahl(e.get('gewicht', 1), 2).rstrip('0').rstrip(',')})"
            out.append(zeile)
        return out

    def klassen(teil: str) -> str:
        kl = cfg[teil]["klassen"]
        teile, unten = [], None
        for k in kl:
            bis = k.get("bis")
            if unten is None:
                teile.append(f"„{k['klasse']}“ bis {fmt.vorzeichen(bis, 1)}")
            elif bis is None:
                teile.append(f"„{k['klasse']}“ über {fmt.vorzeichen(unten, 1)}")
            else:
                teile.append(f"„{k['klasse']}“ über {fmt.vorzeichen(unten, 1)} bis {fmt.vorzeichen(bis, 1)}")
            unten = bis
        return fmt.aufzaehlung(teile)

    methode = {"z": "z-Standardisierung (Abweichung vom Mittelwert der Stadtteile in Standardabweichungen)",
               "rang": "Standardisierung der Rangplätze", "minmax": "Min-Max-Skalierung"}
    std = cfg.get("standardisierung", "z")
    return "\n".join([
        f"Der Statusindex fasst {len(cfg['status']['indikatoren'])} Indikatoren zusammen:", "",
        *liste("status"), "",
        f"Verfahren: {methode.get(std, std)}, Ausrichtung nach der Lesart im Katalog (hoher Wert = "
        f"ungünstiger), gewichteter Mittelwert, erneute Standardisierung. Klassen des Statusindex "
        f"(Indexwert in Standardabweichungen): {klassen('status')}.", "",
        f"Der Dynamikindex misst die Veränderung über {cfg['dynamik']['jahre']} Jahre bis zum Berichtsjahr "
        f"für {len(cfg['dynamik']['indikatoren'])} Indikatoren:", "",
        *liste("dynamik"), "",
        f"Klassen des Dynamikindex: {klassen('dynamik')}.",
    ])


# --------------------------------------------------------------------------- sources


def quellen_tabelle(katalog) -> pd.DataFrame:
    """Per source (the catalog's ``quelle`` of the Merkmale): Merkmale, indicators, Handlungsfelder."""
    m = katalog.merkmale
    ind = katalog.indikatoren
    zeilen = []
    for quelle, g in m.groupby("quelle", sort=False):
        ids = set(g["id"])
        nutzt = ind[ind["zaehler"].isin(ids) | ind["nenner"].isin(ids)]
        zeilen.append({"quelle": quelle, "merkmale": len(g), "indikatoren": len(nutzt),
                       "handlungsfelder": sorted(int(h) for h in nutzt["handlungsfeld"].unique())})
    return pd.DataFrame(zeilen)


def quellen_markdown(tab: pd.DataFrame) -> str:
    df = pd.DataFrame({
        "Quelle": tab["quelle"],
        "Merkmale": [fmt.zahl(x) for x in tab["merkmale"]],
        "Indikatoren": [fmt.zahl(x) for x in tab["indikatoren"]],
        "Handlungsfelder": [", ".join(map(str, h)) or fmt.FEHLT for h in tab["handlungsfelder"]],
    })
    return fmt.markdown_tabelle(df, rechtsbuendig=["Merkmale", "Indikatoren"])


def abschnitt(markdown: str, titel_muster: str, ebene_neu: int = 3) -> str | None:
    """The section of a Markdown document whose heading matches ``titel_muster`` (regex, case-insensitive).

    Its headings are shifted so the section heading gets level ``ebene_neu``; the
    heading itself is dropped (the chapter supplies its own). Code blocks are skipped
    when looking for headings.
    """
    zeilen = markdown.splitlines()
    start = ebene = None
    im_code = False
    for i, z in enumerate(zeilen):
        if z.lstrip().startswith(("```", "~~~")):
            im_code = not im_code
        m = None if im_code else re.match(r"^(#{1,6})\s+(.*)$", z)
        if not m:
            continue
        if start is None and re.search(titel_muster, m.group(2), re.IGNORECASE):
            start, ebene = i, len(m.group(1))
        elif start is not None and len(m.group(1)) <= ebene:
            return _verschieben(zeilen[start + 1:i], ebene, ebene_neu)
    return None if start is None else _verschieben(zeilen[start + 1:], ebene, ebene_neu)


def _verschieben(zeilen: list[str], alt: int, neu: int) -> str:
    out, im_code = [], False
    for z in zeilen:
        if z.lstrip().startswith(("```", "~~~")):
            im_code = not im_code
        m = None if im_code else re.match(r"^(#{1,6})(\s+.*)$", z)
        if m:
            level = min(6, len(m.group(1)) - alt + neu)
            titel = m.group(2).rstrip()
            if "{" not in titel:
                titel += " {.unnumbered .unlisted}"
            z = "#" * level + titel
        out.append(z)
    return "\n".join(out).strip("\n")


# --------------------------------------------------------------------------- colophon


#: Characters per group when a checksum is printed (groups let long hashes wrap in the PDF).
HASH_GRUPPE = 16


def hash_gruppen(h: str, n: int = HASH_GRUPPE) -> str:
    """``"9c18…0735"`` in groups of ``n`` characters separated by spaces."""
    return " ".join(h[i:i + n] for i in range(0, len(h), n))


def manifest_markdown(manifest: pd.DataFrame) -> str:
    """The input files with rows, size and the full SHA-256 checksum (grouped, so it wraps)."""
    from helpers.steckbriefe import mit_breiten

    df = pd.DataFrame({
        "Datei": [f"`{d}`" for d in manifest["datei"]],
        "Zeilen": [fmt.FEHLT if pd.isna(z) else fmt.zahl(z) for z in manifest["zeilen"]],
        "Größe": [groesse(b) for b in manifest["bytes"]],
        "SHA-256": [f"`{hash_gruppen(h)}`" for h in manifest["sha256"]],
    })
    return mit_breiten(fmt.markdown_tabelle(df, rechtsbuendig=["Zeilen", "Größe"]), [30, 9, 11, 50])


def groesse(b) -> str:
    """File size in German: ``"512 Byte"``, ``"4,5 kB"``, ``"1,2 MB"`` (1 kB = 1.000 Byte)."""
    if pd.isna(b):
        return fmt.FEHLT
    b = float(b)
    if b < 1000:
        return f"{fmt.zahl(b)} Byte"
    if b < 1e6:
        return f"{fmt.zahl(b / 1e3, 1)} kB"
    return f"{fmt.zahl(b / 1e6, 1)} MB"


PAKETE = ["pandas", "numpy", "matplotlib", "scipy", "statsmodels", "pyyaml", "openpyxl", "nbclient",
          "ipykernel", "pypandoc-binary", "typst", "python-docx", "geopandas"]


def _version(paket: str) -> str | None:
    try:
        return importlib.metadata.version(paket)
    except importlib.metadata.PackageNotFoundError:
        return None


def pandoc_version() -> str | None:
    """Pandoc's version via pypandoc (the pandoc binary of pypandoc-binary), or None."""
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_version())
    except Exception:  # noqa: BLE001 – no pandoc is a fact to report, not an error
        return None


def quarto_version() -> str | None:
    """``quarto --version`` if Quarto is on the PATH, else None."""
    exe = shutil.which("quarto")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30, check=True)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def software(pakete: Sequence[str] = PAKETE) -> pd.DataFrame:
    """Versions of Python, the Python packages, Pandoc and Quarto used for this build.

    Packages that are not installed are left out (geopandas is optional); Quarto is
    listed as "nicht installiert" when absent, because the build then renders itself.
    """
    zeilen = [("Python", platform.python_version())]
    zeilen += [(p, v) for p in pakete if (v := _version(p))]
    zeilen.append(("Pandoc", pandoc_version() or "nicht gefunden"))
    zeilen.append(("Quarto", quarto_version() or "nicht installiert (Build mit Pandoc und Typst)"))
    return pd.DataFrame(zeilen, columns=["komponente", "version"])


def software_markdown(tab: pd.DataFrame) -> str:
    df = pd.DataFrame({"Komponente": tab["komponente"], "Version": tab["version"]})
    return fmt.markdown_tabelle(df, rechtsbuendig=[])


def build_datum(umgebung: Mapping[str, str] | None = None) -> dt.date:
    """The build date: ``SOURCE_DATE_EPOCH`` (UTC) if set, else today."""
    umgebung = os.environ if umgebung is None else umgebung
    epoche = umgebung.get("SOURCE_DATE_EPOCH")
    if epoche not in (None, ""):
        try:
            return dt.datetime.fromtimestamp(int(epoche), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError) as err:
            raise ValueError(f"SOURCE_DATE_EPOCH „{epoche}“ ist kein Unix-Zeitstempel (Sekunden seit 1970).") from err
    return dt.date.today()


def datum_deutsch(d: dt.date) -> str:
    """``2025-11-24`` → ``"24. November 2025"``."""
    return f"{d.day}. {MONATE[d.month - 1]} {d.year}"


def git_commit(wurzel: Path | None = None) -> str:
    """Short hash of the checked-out commit, with a note if tracked files differ; else "unbekannt".

    Notebooks are left out of the comparison: the build executes them in place.
    """
    from helpers.daten.ordner import repo_root

    wurzel = Path(wurzel) if wurzel else repo_root()
    git = shutil.which("git")
    if not git:
        return "unbekannt"
    try:
        out = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=wurzel, capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "unbekannt"
    commit = out.stdout.strip()
    if out.returncode != 0 or not re.fullmatch(r"[0-9a-f]{4,40}", commit):
        return "unbekannt"
    try:
        diff = subprocess.run([git, "diff", "--quiet", "HEAD", "--", ".", ":(exclude)notebooks"], cwd=wurzel,
                              capture_output=True, timeout=60)
        if diff.returncode == 1:
            commit += " (mit nicht eingecheckten Änderungen)"
    except (OSError, subprocess.SubprocessError):
        pass
    return commit


# --------------------------------------------------------------------------- downloads

#: Published files in ``daten/`` with their columns (file → (description, {column: meaning})).
DOWNLOADS: dict[str, tuple[str, dict[str, str]]] = {
    "indikatoren.csv": (
        "Alle Indikatoren für alle Stadtteile, die Gesamtstadt und alle Jahre im Langformat "
        "(eine Zeile je Stadtteil, Jahr und Indikator); Semikolon als Trennzeichen, Dezimalkomma, "
        "UTF-8 (öffnet sich in Excel per Doppelklick).",
        dict(ERLAEUTERUNG),
    ),
    "indikatoren.xlsx": ("Dieselbe Tabelle als Excel-Arbeitsmappe, mit einem Blatt „erlaeuterung“ zu den Spalten.", {}),
    "manifest.csv": (
        "Verzeichnis der Eingabedateien, aus denen dieser Bericht berechnet wurde.",
        {
            "datei": "Pfad der Datei im Datenordner",
            "sha256": "SHA-256-Prüfsumme (zum Nachweis, dass die Datei unverändert ist)",
            "bytes": "Dateigröße in Byte",
            "zeilen": "Zahl der Datenzeilen",
        },
    ),
    "sozialindex.csv": (
        "Sozialindex der Stadtteile je Jahr (Teil III).",
        {
            "stadtteil": "Name des Stadtteils",
            "jahr": "Jahr",
            "index": "Statusindex (in Standardabweichungen; hoch = niedriger sozialer Status)",
            "klasse": "Statusklasse",
            "z_<indikator>": "standardisierter, nach der Lesart ausgerichteter Bestandteil des Index",
            "summe": "gewichteter Mittelwert der Bestandteile vor der erneuten Standardisierung",
            "rang": "Rang des Stadtteils (1 = niedrigster Status)",
            "dynamik_index": "Dynamikindex",
            "dynamik_klasse": "Dynamikklasse",
            "typ": "Kombination aus Status- und Dynamikklasse",
            "rang_min": "kleinster Rang über alle Varianten der Sensitivitätsanalyse (nur am Stichtag)",
            "rang_max": "größter Rang über alle Varianten der Sensitivitätsanalyse (nur am Stichtag)",
            "klassen": "Statusklassen, die in den Varianten vorkommen (nur am Stichtag)",
            "robust": "ja, wenn der Stadtteil in allen Varianten dieselbe Statusklasse hat (nur am Stichtag)",
            "grenznah": "ja, wenn der Index im Toleranzband an einer Klassengrenze liegt (nur am Stichtag)",
            "stabil": "ja, wenn die Einstufung robust ist und nicht an einer Klassengrenze liegt; nur eine "
                      "stabile Einstufung begründet einen Handlungsbedarf (nur am Stichtag)",
        },
    ),
    "handlungsbedarfe.csv": (
        "Jede Prüfung der Regeln für Handlungsbedarfe (Teil III): auch die grenzwertigen und die nicht "
        "bewertbaren Fälle, die das Kapitel bei vielen Stadtteilen nur zählt.",
        {
            "stadtteil": "Name des Stadtteils",
            "handlungsfeld": "Nummer des Handlungsfelds",
            "regel": "Kennung der Regel",
            "stufe": "Stufe, die die Regel auslöst (1 = erhöht, 2 = hoch)",
            "bewertung": "Ergebnis: erhöhter Bedarf, hoher Bedarf, grenzwertig oder nicht bewertbar",
            "indikator": "Kennung des Indikators (leer bei Regeln zum Sozialindex)",
            "wert": "Wert des Stadtteils (bei zusammengefassten Jahren deren Wert)",
            "schwelle": "Schwelle der Regel in der Einheit des Indikators",
            "zaehler": "Zahl der Betroffenen (bei Anteilen von Personen)",
            "nenner": "Bezugsgröße",
            "ci_unten": "untere Grenze des 95-%-Konfidenzintervalls (Wilson)",
            "ci_oben": "obere Grenze des 95-%-Konfidenzintervalls (Wilson)",
            "jahre": "Jahr oder zusammengefasste Jahre",
            "hinweis": "warum grenzwertig oder nicht bewertbar",
        },
    ),
    "korrelationen.csv": (
        "Zusammenhänge zwischen Kernindikatoren über die Stadtteile (Teil III).",
        {
            "x": "erster Indikator",
            "y": "zweiter Indikator",
            "methode": "pearson oder spearman",
            "r": "Korrelationskoeffizient",
            "ci_unten": "untere Grenze des 95-%-Intervalls",
            "ci_oben": "obere Grenze des 95-%-Intervalls",
            "p": "p-Wert des Permutationstests",
            "p_holm": "p-Wert nach Holm korrigiert (multiples Testen)",
            "p_bh": "p-Wert nach Benjamini-Hochberg korrigiert (Falscherkennungsrate)",
            "n": "Zahl der Stadtteile mit Werten",
            "jahr": "Jahr",
        },
    ),
    "wirkungsziele.csv": (
        "Jedes Wirkungsziel (Teil IV) für die Gesamtstadt und jeden Stadtteil mit Ausgangs-, Ziel- und "
        "Stichtagswert und Status; das Kapitel zeigt bei vielen Stadtteilen nur eine Auswahl.",
        {
            "ziel": "Kennung des Ziels",
            "titel": "Bezeichnung des Ziels",
            "indikator": "Kennung des Indikators",
            "ebene": "Gesamtstadt oder Stadtteil (Ziel für jeden Stadtteil einzeln)",
            "stadtteil": "Name des Stadtteils (bei gesamtstädtischen Zielen: Gesamtstadt)",
            "basisjahr": "Basisjahr",
            "basiswert": "Ausgangswert im Basisjahr",
            "zieljahr": "Zieljahr",
            "zielwert": "Zielwert",
            "grenze": "„höchstens“ oder „mindestens“, wenn der Wert der Gesamtstadt nur als Grenze gilt",
            "jahr_aktuell": "Jahr des Werts am Stichtag (früher, wenn ein Wert gesperrt ist)",
            "wert_aktuell": "Wert am Stichtag",
            "status": "Status des Ziels",
            "trend_bewertung": "Einordnung des Trends der Jahre vor dem Basisjahr",
        },
    ),
}


#: Downloads that exist only when Teil III or IV computes them (file → rule file that switches it on).
DOWNLOADS_REGEL = {"sozialindex.csv": "sozialindex.yml", "korrelationen.csv": "korrelationen.yml",
                   "handlungsbedarfe.csv": "bedarfe.yml", "wirkungsziele.csv": "wirkungsziele.yml"}


def verfuegbare_downloads(ordner: Path, downloads: Mapping = DOWNLOADS) -> dict:
    """The downloads of this build: Teil III files only when their rule file applies to the data folder."""
    return {d: v for d, v in downloads.items()
            if d not in DOWNLOADS_REGEL or regel_datei(ordner, DOWNLOADS_REGEL[d]) is not None}


def downloads_markdown(downloads: Mapping = DOWNLOADS, basis: str = "../../daten/",
                       zeilen: Mapping[str, int] | None = None) -> str:
    """The download list with links (relative to the chapter page) and the columns of each file."""
    teile = []
    for datei, (beschreibung, spalten) in downloads.items():
        text = f"- [`{datei}`]({basis}{datei}): {beschreibung}"
        if zeilen and datei in zeilen:
            text += f" {fmt.zahl(zeilen[datei])} Zeilen."
        teile.append(text)
        for spalte, bedeutung in spalten.items():
            teile.append(f"    - `{spalte}`: {bedeutung}")
    return "\n".join(teile)


#: Headings of the data README that describe the calibration of the demo data.
KALIBRIERUNG_MUSTER = r"kalibrier|öffentlich|quellen der beispieldaten"


#: Hosts that are no evidence for a figure: Wikipedia, copies of it, private wikis and lexica.
UNGEEIGNET = r"(^|\.)(wikipedia\.org\.?|wiki\.li|ixistenz\.ch|wikipedia\.ddns\.net)$|wiki|lexikon"
#: Internal quantities of the demo-data generator, by the name a reader understands.
INTERNE_MERKMALE = {"_zuzuege_extern": "Zuzüge von außerhalb der Stadt",
                    "_umzuege_intern": "Umzüge zwischen Stadtteilen"}


def ungeeignet(url: str) -> bool:
    """True for a source that cannot carry a figure (:data:`UNGEEIGNET`)."""
    from urllib.parse import urlsplit

    return bool(re.search(UNGEEIGNET, (urlsplit(url).hostname or "").lower()))


def _fundstelle(url: str) -> str:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or url).lower().removeprefix("www.").removeprefix("old.").rstrip(".")
    return f"[{host}]({url})"


def _merkmal_gebiet(merkmal: str, namen: Mapping[str, str], stadt: str) -> tuple[str, str]:
    """``"bev_gesamt (Hervest)"`` → (label, "Hervest"); a plain id is a value of the whole city."""
    m = re.fullmatch(r"(\S+)\s*\((.+)\)", merkmal.strip())
    mid, gebiet = (m.group(1), m.group(2)) if m else (merkmal.strip(), STADT)
    gebiet = STADT if gebiet in ("Stadt", stadt) else gebiet
    return namen.get(mid) or INTERNE_MERKMALE.get(mid, mid), gebiet


def kalibrierung(readme: str | None, stadt: str, jahr: int | None = None,
                 namen: Mapping[str, str] | None = None) -> str:
    """The calibration of the demo data for the book: what is real, what is invented, and the figures.

    ``readme``: the data folder's README (its calibration section holds the table the
    generator wrote); None or a README without that section gives one sentence. Shown are
    figures up to the Stichtag ``jahr`` whose originator (column ``Urheber``: the city, an
    official statistic or a scientific publication) is named, never figures resting on
    Wikipedia, copies of it or private lexica. ``namen``: Merkmal id → label (catalog).
    The README's own prose is for the people who maintain the data and is not copied.
    """
    teil = abschnitt(readme, KALIBRIERUNG_MUSTER, ebene_neu=3) if readme else None
    zeilen = [z for z in (teil or "").splitlines() if z.lstrip().startswith("|")]
    if len(zeilen) < 3:
        return (f"Die Beispieldaten sind synthetisch. Zu ihrer Erzeugung liegen keine Angaben vor, an welchen "
                f"veröffentlichten Zahlen zu {stadt} sie ausgerichtet sind.")
    kopf = [c.strip() for c in zeilen[0].strip("|").split("|")]
    df = pd.DataFrame([[c.strip() for c in z.strip("|").split("|")] for z in zeilen[2:]], columns=kopf)
    if "Fundstelle" not in df:
        df["Fundstelle"] = df.get("Quelle", "")
    df["Fundstelle"] = df["Fundstelle"].str.strip("<>")
    if "Urheber" not in df:
        df["Urheber"] = ""
    df["Jahr"] = pd.to_numeric(df["Jahr"], errors="coerce")
    if jahr is not None:
        df = df[df["Jahr"] <= jahr]
    belegt = df[(df["Urheber"] != "") & ~df["Fundstelle"].map(ungeeignet)]
    ohne = len(df) - len(belegt)
    if belegt.empty:
        return ("Die Beispieldaten sind synthetisch. Keine ihrer Zahlen beruht auf einer veröffentlichten Angabe "
                f"mit genanntem Urheber; alle Werte für {stadt} und ihre Stadtteile sind erfunden.")
    paare = [_merkmal_gebiet(m, namen or {}, stadt) for m in belegt["Merkmal"]]
    gebiete = {g for _, g in paare if g != STADT}
    eckwerte = {m for m, g in paare if g == STADT}
    teile = [f"Einwohnerzahlen für {fmt.anzahl(len(gebiete), 'Stadtteil', 'Stadtteile', fall='akk')}" if gebiete else "",
             fmt.anzahl(len(eckwerte), "Eckwert", "Eckwerte") + " der Gesamtstadt" if eckwerte else ""]
    saetze = [
        f"Die Beispieldaten sind synthetisch. An veröffentlichten Zahlen zu {stadt} ausgerichtet sind nur die "
        f"{fmt.zahl(len(belegt))} Werte der folgenden Tabelle – {fmt.aufzaehlung([t for t in teile if t])}; "
        "alle übrigen Werte, insbesondere die Verteilung der Fälle auf die Stadtteile, sind erfunden.",
        "Jede Zeile nennt den Urheber der Zahl – die Stadt, eine amtliche Statistik oder eine wissenschaftliche "
        "Veröffentlichung – und die Fundstelle, an der sie veröffentlicht ist; meist ist das ein Pressebericht, "
        "der die Zahl wiedergibt. Angaben aus Wikipedia und anderen Nachschlagewerken sind nicht verwendet.",
    ]
    if ohne:
        satz = (f"{fmt.anzahl(ohne, 'weiterer Wert', 'weitere Werte')} ohne belegten Urheber "
                f"{'ist' if ohne == 1 else 'sind'} nicht aufgeführt.")
        saetze.append(satz[0].upper() + satz[1:])
    tabelle = pd.DataFrame({
        "Merkmal": [m for m, _ in paare], "Gebiet": [g for _, g in paare],
        "Jahr": belegt["Jahr"].astype(int).astype(str).to_numpy(), "Wert": belegt["Wert"].to_numpy(),
        "Urheber": belegt["Urheber"].to_numpy(), "Fundstelle": [_fundstelle(u) for u in belegt["Fundstelle"]],
        "Hinweis": belegt.get("Hinweis", pd.Series([""] * len(belegt))).to_numpy(),
    })
    return " ".join(saetze) + "\n\n" + fmt.markdown_tabelle(tabelle, rechtsbuendig=["Jahr", "Wert"])
