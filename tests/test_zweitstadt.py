"""The whole book for another city: SOZIALBERICHT_DATEN points to tests/daten/zweitstadt.

Another municipality must be able to copy the project: with its own data folder the book
shows only that folder's districts, in every format and in the downloads.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import docx
import pypdf
import pytest

from test_build import REPO, run_build

ZWEITSTADT = REPO / "tests" / "daten" / "zweitstadt"
DORSTEN_STADTTEILE = [
    row.split(";")[1]
    for row in (REPO / "data" / "stadtteile.csv").read_text(encoding="utf-8").splitlines()[1:]
]


def _namen(ordner: Path) -> list[str]:
    with (ordner / "stadtteile.csv").open(encoding="utf-8-sig") as f:
        return [r["name"] for r in csv.DictReader(f, delimiter=";")]


def _html_text(book: Path) -> str:
    return "\n".join(re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8")) for p in book.rglob("*.html"))


@pytest.mark.slow
def test_book_for_a_second_city_shows_only_its_districts(tmp_path):
    out = tmp_path / "_book"
    result = run_build(REPO, "--engine", "python", "--output", str(out),
                       env={"SOZIALBERICHT_DATEN": str(ZWEITSTADT)})
    assert result.returncode == 0, result.stderr[-5000:]

    eigene = _namen(ZWEITSTADT)
    html = _html_text(out)
    pdf = "\n".join(page.extract_text() for page in pypdf.PdfReader(out / "sozialbericht.pdf").pages)
    word = "\n".join(p.text for p in docx.Document(out / "sozialbericht.docx").paragraphs)
    assert "Beispielstadt" in html and "Beispielstadt" in word
    for name in eigene:
        assert name in html and name in pdf and name in word, name
    for name in DORSTEN_STADTTEILE:
        for fmt_name, text in (("HTML", html), ("PDF", pdf), ("DOCX", word)):
            assert name not in text, f"{name} im {fmt_name} der Beispielstadt"

    with (out / "daten" / "indikatoren.csv").open(encoding="utf-8-sig") as f:
        stadtteile = {r["stadtteil"] for r in csv.DictReader(f, delimiter=";")}
    assert stadtteile == set(eigene) | {"Gesamtstadt"}
