"""The published downloads: ``indikatoren.csv``, ``indikatoren.xlsx`` and ``manifest.csv``.

CSV dialect (both CSV files), chosen so that German Excel opens them with a
double click and programs read them without guessing:

* UTF-8 with BOM (Excel then shows umlauts correctly), ``\\n`` line ends;
* separator ``;``, decimal comma, no thousands separator (``12,345678``);
* ``wert`` rounded to 6 decimal places; counts as integers;
* suppressed values are empty cells with ``gesperrt`` = ``true``; booleans are
  written ``true``/``false``.

In R: ``read.csv2(f, fileEncoding = "UTF-8-BOM")``; in pandas:
``pd.read_csv(f, sep=";", decimal=",", encoding="utf-8-sig")``.

Files are written atomically, and the XLSX carries fixed timestamps
(``$SOURCE_DATE_EPOCH`` or the Stichtag 31.12. of the Berichtsjahr), so the same
data give byte-identical downloads.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.daten.xlsx import xlsx_bytes

SPALTEN_CSV = ["stadtteil", "jahr", "indikator", "wert", "zaehler", "nenner", "gesperrt", "unsicher"]
NACHKOMMA = 6

ERLAEUTERUNG = [
    ("stadtteil", "Name des Stadtteils; „Gesamtstadt“ für die ganze Stadt (aus den Summen der Stadtteile)."),
    ("jahr", "Jahr (Stichtag 31.12.)."),
    ("indikator", "Kennung des Indikators im Indikatorenkatalog (Anhang des Berichts)."),
    ("wert", "Wert des Indikators = zaehler / nenner × Faktor (bei absoluten Zahlen: zaehler × Faktor). "
             "Leer, wenn gesperrt."),
    ("zaehler", "Zählergröße (Anzahl bzw. Betrag). Leer, wenn gesperrt."),
    ("nenner", "Nennergröße; leer bei absoluten Zahlen oder wenn der Nenner selbst gesperrt ist."),
    ("gesperrt", "true: Wert aus Gründen der statistischen Geheimhaltung nicht veröffentlicht "
                 "(Fallzahl unter der Mindestfallzahl oder Sekundärsperrung)."),
    ("unsicher", "true: Nenner kleiner als die Mindestnennergröße; der Wert ist statistisch unsicher."),
]


def _zahltext(werte: pd.Series, nachkomma: int | None = None) -> pd.Series:
    """Numbers as German text without thousands separator; NaN → ''."""
    x = werte.to_numpy(dtype=float)
    if nachkomma is not None:
        x = np.round(x, nachkomma) + 0.0  # + 0.0 turns -0.0 into 0.0
    # %.15g: exact for our magnitudes, no trailing zeros, integers without ",0".
    # A comprehension is the fastest way to format floats in Python (linear, ~1 µs per value).
    txt = [("%.15g" % v).replace(".", ",") if v == v else "" for v in x.tolist()]
    return pd.Series(txt, index=werte.index, dtype="str")


def _bool_text(werte: pd.Series) -> pd.Series:
    return pd.Series(np.where(werte.to_numpy(dtype=bool), "true", "false"), index=werte.index, dtype="str")


def indikatoren_csv_text(tabelle: pd.DataFrame) -> str:
    """The CSV text (without BOM) of the indicator table."""
    t = pd.DataFrame({
        "stadtteil": tabelle["stadtteil"],
        "jahr": tabelle["jahr"].astype("int64").astype("str"),
        "indikator": tabelle["indikator"],
        "wert": _zahltext(tabelle["wert"], NACHKOMMA),
        "zaehler": _zahltext(tabelle["zaehler"]),
        "nenner": _zahltext(tabelle["nenner"]),
        "gesperrt": _bool_text(tabelle["gesperrt"]),
        "unsicher": _bool_text(tabelle["unsicher"]),
    })
    return t.to_csv(sep=";", index=False, lineterminator="\n")


def csv_bytes(df: pd.DataFrame) -> bytes:
    """Any published table in the downloads' one CSV convention: UTF-8 with BOM, ``;``, decimal comma."""
    return ("\ufeff" + df.to_csv(sep=";", decimal=",", index=False, lineterminator="\n")).encode("utf-8")


def manifest_csv_text(manifest: pd.DataFrame) -> str:
    """The CSV text (without BOM) of the input manifest (datei, sha256, bytes, zeilen)."""
    return manifest[["datei", "sha256", "bytes", "zeilen"]].to_csv(sep=";", index=False, lineterminator="\n")


def _atomar(ziel: Path, inhalt: bytes) -> None:
    ziel.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{ziel.name}.", dir=ziel.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(inhalt)
        os.replace(tmp, ziel)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _zeitstempel(berichtsjahr: int) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime(berichtsjahr, 12, 31)


def indikatoren_xlsx_bytes(tabelle: pd.DataFrame, berichtsjahr: int) -> bytes:
    """The XLSX file: sheet „indikatoren“ as the CSV, sheet „erlaeuterung“ describing the columns."""
    t = tabelle[SPALTEN_CSV].copy()
    t["wert"] = t["wert"].round(NACHKOMMA)
    erl = pd.DataFrame(ERLAEUTERUNG, columns=["spalte", "bedeutung"])
    return xlsx_bytes({"indikatoren": t, "erlaeuterung": erl}, _zeitstempel(berichtsjahr))


def schreibe_downloads(d, ordner: str | os.PathLike) -> list[Path]:
    """Write ``indikatoren.csv``, ``indikatoren.xlsx`` and ``manifest.csv`` for ``laden()``'s result.

    Returns the paths written. See the module docstring for the CSV dialect.
    """
    ordner = Path(ordner)
    ziele = {
        "indikatoren.csv": ("\ufeff" + indikatoren_csv_text(d.indikatoren)).encode("utf-8"),
        "indikatoren.xlsx": indikatoren_xlsx_bytes(d.indikatoren, d.bericht.berichtsjahr),
        "manifest.csv": ("\ufeff" + manifest_csv_text(d.manifest)).encode("utf-8"),
    }
    pfade = []
    for name, inhalt in ziele.items():
        _atomar(ordner / name, inhalt)
        pfade.append(ordner / name)
    return pfade
