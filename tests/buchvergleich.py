"""What a reader sees of a built book, in a form that two engines' outputs can be compared by.

Used by tests/test_quarto.py to compare the Quarto build with the Python engine's build:
chapter titles, figure and table captions (with their numbers), the numbers in the text of
every page, the DOCX headings and the PDF's figures. Layout, scripts and navigation differ
between the engines by design and are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import docx
import pypdf

# A number as the book prints it: 76.722 / 12,5 / 2018 / −3,4 (signs are left out: Quarto and
# pandoc typeset the minus sign alike, but keeping it adds nothing to the comparison).
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def normalize(text: str) -> str:
    text = re.sub(r"[„“”\"]", '"', text).replace("’", "'").replace("\u00ad", "").replace("\u00a0", " ")
    return " ".join(text.split())


@dataclass
class Page:
    headings: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    numbers: Counter = field(default_factory=Counter)


SKIPPED = ("script", "style", "nav")


class _Reader(HTMLParser):
    """h1 headings, captions and the numbers of the text inside <main>.

    Numbers leave out headings and the title block (``<header>``), which Quarto and the Python
    engine lay out differently (Quarto puts the chapter title and the book title there)."""

    def __init__(self):
        super().__init__()
        self.page = Page()
        self._h1 = self._caption = None
        self._main = self._skip = self._header = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skip += 1
        elif tag == "main":
            self._main += 1
        elif tag == "header":
            self._header += 1
        elif tag == "h1":
            self._h1 = []
        elif tag in ("figcaption", "caption"):  # Quarto: <figcaption> for tables too
            self._caption = []

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self._skip -= 1
        elif tag == "main":
            self._main -= 1
        elif tag == "header":
            self._header -= 1
        elif tag == "h1" and self._h1 is not None:
            self.page.headings.append(normalize("".join(self._h1)))
            self._h1 = None
        elif tag in ("figcaption", "caption") and self._caption is not None:
            caption, self._caption = normalize("".join(self._caption)), None
            if caption.startswith("Abbildung"):
                self.page.figures.append(caption)
            elif caption.startswith("Tabelle"):
                self.page.tables.append(caption)

    def handle_data(self, data):
        if self._skip:
            return
        for part in (self._h1, self._caption):
            if part is not None:
                part.append(data)
        if self._main and not self._header and self._h1 is None:
            self._text.append(data)

    def close(self):
        super().close()
        self.page.numbers = Counter(NUMBER.findall(normalize(" ".join(self._text))))


def html_pages(out: Path) -> dict[str, Page]:
    """Every chapter page of the HTML book by its path (without Quarto's support folders)."""
    pages = {}
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith("site_libs/") or "_files/" in rel:
            continue
        reader = _Reader()
        reader.feed(path.read_text(encoding="utf-8"))
        reader.close()
        pages[rel] = reader.page
    return pages


def docx_headings(path: Path) -> list[str]:
    """Part titles and chapter headings (level 1) of the DOCX, in order."""
    document = docx.Document(str(path))
    wanted = {"Heading 1", "Teil"}
    return [normalize(p.text) for p in document.paragraphs if p.style is not None and p.style.name in wanted
            and p.text.strip()]


CAPTION = re.compile(r"^(Abbildung|Tabelle) [A-Z0-9.]+:")


def docx_captions(path: Path) -> list[str]:
    """Figure and table captions of the DOCX in order (Quarto puts figures into layout tables)."""
    from docx.oxml.ns import qn

    body = docx.Document(str(path)).element.body
    texts = (normalize("".join(t.text or "" for t in p.iter(qn("w:t")))) for p in body.iter(qn("w:p")))
    return [t for t in texts if CAPTION.match(t)]


def pdf_image_count(path: Path) -> int:
    return sum(len(page.images) for page in pypdf.PdfReader(str(path)).pages)


def pdf_text(path: Path) -> str:
    return normalize(" ".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages))
