"""Lists of figures and tables (Abbildungs- und Tabellenverzeichnis), in book order.

Read from the book's sources, not from executed notebooks: the chapters in ``_quarto.yml``
(with the active Quarto profiles), their embeds, and each embedded cell's ``fig-cap`` or
``tbl-cap``. Each entry is a cross-reference (``@fig-…``), so Quarto and the Python build
number and link it themselves. The build cache knows that a notebook calling this module
depends on the book's sources (``helpers.build.cache.READS_BOOK``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers.build.book import chapter_source
from helpers.build.config import load_book
from helpers.build.embed import find_embeds
from helpers.build.notebooks import cell_options

ARTEN = {"fig": "Abbildung", "tbl": "Tabelle"}
PLURAL = {"fig": "Abbildungen", "tbl": "Tabellen"}


def _captions(notebook: Path) -> dict[str, str]:
    """``{label: caption}`` of the notebook's figure and table cells."""
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    out: dict[str, str] = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        if isinstance(cell.get("source"), list):
            cell = {**cell, "source": "".join(cell["source"])}
        options = cell_options(cell)
        label = str(options.get("label") or "")
        kind = label.split("-", 1)[0]
        if kind in ARTEN and options.get(f"{kind}-cap"):
            out[label] = " ".join(str(options[f"{kind}-cap"]).split())
    return out


def eintraege(root: Path | None = None) -> pd.DataFrame:
    """One row per embedded figure or table: ``art`` (fig/tbl), ``label``, ``titel``, ``kapitel``.

    ``root``: the book's folder (default: the repository the notebook runs in).
    """
    from helpers.daten.ordner import repo_root

    book = load_book(Path(root) if root is not None else repo_root())
    captions: dict[Path, dict[str, str]] = {}
    rows = []
    for entry in book.chapters:
        _, body = chapter_source(book, entry)
        for embed in find_embeds(body, book.source(entry).parent):
            kind = embed.label.split("-", 1)[0]
            if kind not in ARTEN:
                continue
            if embed.notebook not in captions:
                captions[embed.notebook] = _captions(embed.notebook)
            titel = captions[embed.notebook].get(embed.label)
            if titel is None:
                raise ValueError(f"{entry.path}: {embed.written} hat keine Beschriftung ({kind}-cap) im Notebook.")
            rows.append({"art": kind, "label": embed.label, "titel": titel, "kapitel": entry.path})
    return pd.DataFrame(rows, columns=["art", "label", "titel", "kapitel"]).drop_duplicates("label")


def liste(eintraege: pd.DataFrame, art: str) -> str:
    """The Markdown list of one kind: ``- @fig-x: Beschriftung`` per entry."""
    zeilen = eintraege[eintraege["art"] == art]
    if zeilen.empty:
        return f"Der Bericht enthält keine {PLURAL[art]}."
    return "\n".join(f"- @{z.label}: {z.titel}" for z in zeilen.itertuples())


def ueberblick(eintraege: pd.DataFrame) -> str:
    """One sentence with the counts."""
    from helpers import format as fmt

    def anzahl(n: int, art: str) -> str:
        return f"{fmt.zahl(n)} {ARTEN[art] if n == 1 else PLURAL[art]}"

    n_fig = int((eintraege["art"] == "fig").sum())
    n_tbl = int((eintraege["art"] == "tbl").sum())
    return (f"Der Bericht enthält {anzahl(n_fig, 'fig')} und {anzahl(n_tbl, 'tbl')}. "
            "Jeder Eintrag führt zur Stelle im Bericht.")


def abkuerzungen_tabelle(katalog) -> str:
    """The abbreviations of the catalog (section ``abkuerzungen``) as a Markdown table."""
    from helpers import format as fmt
    from helpers.steckbriefe import mit_breiten

    t = katalog.abkuerzungen
    df = pd.DataFrame({"Abkürzung": t["kuerzel"].tolist(), "Bedeutung": t["bedeutung"].tolist()})
    return mit_breiten(fmt.markdown_tabelle(df, rechtsbuendig=[]), [18, 82])
