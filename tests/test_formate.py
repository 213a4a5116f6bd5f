"""PDF and DOCX as a city's publication (issue 6): reference document, styles, title page,
table of contents, page numbers, PDF/UA, links to the downloads.

The fixture book ``tests/buchtest`` is built once, with the small data folder
``tests/daten/mini`` (Teststadt, Stichtag 31.12.2018, demo data), so the title pages have
their data lines. The test marked ``slow`` checks the real book.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pypdf
import pytest
from docx.oxml.ns import qn

from helpers.build import referenz
from helpers.build.book import root_file_links
from helpers.build.docx import REFERENCE_DOC, column_widths
from helpers.build.titelei import Titelei, titelei

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).resolve().parent / "buchtest"
MINI = Path(__file__).resolve().parent / "daten" / "mini"
ENV = {"SOURCE_DATE_EPOCH": "1700000000", "SOZIALBERICHT_DATEN": str(MINI)}
PARTS = ["Teil I Grundlagen", "Teil II Ergebnisse", "Anhang"]


def build(root: Path, out: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpers.build", "--engine", "python", "--output", str(out)],
                          cwd=root, capture_output=True, text=True, env={**os.environ, **env}, timeout=1800)


@pytest.fixture(scope="module")
def buch(tmp_path_factory) -> Path:
    """The fixture book built with the mini data folder; returns the output folder."""
    root = tmp_path_factory.mktemp("formate") / "buchtest"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("_book*", ".cache"))
    result = build(root, root / "ausgabe", ENV)
    assert result.returncode == 0, result.stderr[-4000:]
    return root / "ausgabe"


@functools.cache
def echtes_buch() -> Path:
    """The real book, built once per test run (shared with test_barrierefreiheit)."""
    folder = Path(tempfile.mkdtemp(prefix="sozialbericht-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    result = build(REPO, folder / "_book", {})
    assert result.returncode == 0, result.stderr[-5000:]
    return folder / "_book"


def page_texts(pdf: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(str(pdf)).pages]


# --- the reference document -------------------------------------------------------------------

def test_reference_doc_is_reproducible_from_code(tmp_path):
    """The committed referenz.docx is exactly what ``python -m helpers.build.referenz`` writes."""
    again = referenz.build(tmp_path / "referenz.docx")
    assert again.read_bytes() == REFERENCE_DOC.read_bytes(), (
        "referenz.docx ist veraltet: python -m helpers.build.referenz ausführen und die Datei committen")


def test_reference_doc_defines_the_report_styles():
    document = docx.Document(str(REFERENCE_DOC))
    names = {s.name for s in document.styles}
    for name in ["Title", "Subtitle", "Date", "Heading 1", "Heading 2", "Heading 3", "Teil", "Hinweis",
                 "Table Caption", "Image Caption", "TOC Heading", "Body Text", "First Paragraph", "Table"]:
        assert name in names, name
    assert style_font(document, "Heading 1") == ("Arial", 40)
    assert document.styles["Teil"].paragraph_format.page_break_before
    assert document.styles["Table Caption"].paragraph_format.keep_with_next
    table = document.styles["Table"].element
    first_row = table.find(qn("w:tblStylePr"))
    assert first_row.get(qn("w:type")) == "firstRow" and first_row.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
    languages = {e.get(qn("w:val")) for e in document.styles.element.iter(qn("w:lang"))}
    assert languages == {"de-DE"}
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("Seite") and "PAGE" in footer._p.xml


def style_font(document, name: str) -> tuple[str | None, int | None]:
    """Font name and size (half points) written in the style itself."""
    rpr = next(s for s in document.styles if s.name == name).element.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    size = rpr.find(qn("w:sz")) if rpr is not None else None
    return (fonts.get(qn("w:ascii")) if fonts is not None else None,
            int(size.get(qn("w:val"))) if size is not None else None)


# --- DOCX -------------------------------------------------------------------------------------

def test_docx_applies_the_reference_styles(buch):
    document = docx.Document(str(buch / "testbuch.docx"))
    paragraphs = [(p.style.name, " ".join(p.text.split())) for p in document.paragraphs]
    styles = {name for name, _ in paragraphs}
    assert ("Teil", "Teil I Grundlagen") in paragraphs and ("Teil", "Anhang") in paragraphs
    assert ("Heading 1", "1 Erstes Kapitel") in paragraphs
    assert ("Heading 2", "1.1 Ein Abschnitt") in paragraphs
    assert any(s == "Image Caption" and t.startswith("Abbildung 1.1:") for s, t in paragraphs)
    assert any(s == "Table Caption" and t.startswith("Tabelle 1.1:") for s, t in paragraphs)
    assert document.tables and all(t.style.name == "Table" for t in document.tables)
    assert "Body Text" in styles or "First Paragraph" in styles
    # Every table fills the text width with fixed column widths.
    for table in document.tables:
        width = table._tbl.tblPr.find(qn("w:tblW"))
        assert width.get(qn("w:type")) == "dxa" and int(width.get(qn("w:w"))) == 9072

    # The style definitions are the reference document's, not pandoc's defaults.
    reference = docx.Document(str(REFERENCE_DOC))
    for name in ["Heading 1", "Heading 2", "Teil", "Table Caption", "Image Caption", "Title"]:
        assert style_font(document, name) == style_font(reference, name), name
    assert style_font(document, "Heading 1") == ("Arial", 40)
    assert document.sections[0].page_width == reference.sections[0].page_width  # A4


def test_docx_title_page_has_stichtag_and_demo_notice(buch):
    document = docx.Document(str(buch / "testbuch.docx"))
    first = [(p.style.name, p.text) for p in document.paragraphs[:6]]
    assert first[0] == ("Title", "Testbuch für den Build")
    # The edition and its Stichtag (not the build date) as subtitle, from bericht.yml, as in Quarto's DOCX
    assert first[1] == ("Subtitle", "Sozialbericht · Stand: 31.12.2018")
    assert not any(style == "Date" for style, _ in first)
    assert any(style == "Abstract" and "synthetische Beispieldaten für Teststadt" in text for style, text in first)
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("Seite") and "PAGE" in footer._p.xml


def test_docx_table_of_contents_is_filled_with_parts_and_headings(buch):
    """The TOC field carries entries (for LibreOffice and viewers) and stays a field Word refreshes."""
    document = docx.Document(str(buch / "testbuch.docx"))
    body = document.element.body
    gallery = next(g for g in body.iter(qn("w:docPartGallery")) if g.get(qn("w:val")) == "Table of Contents")
    sdt = next(a for a in gallery.iterancestors() if a.tag == qn("w:sdt"))

    def style(p) -> str:
        found = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        return "" if found is None else found.get(qn("w:val"))

    entries = [("".join(t.text for t in p.iter(qn("w:t"))), style(p)) for p in sdt.iter(qn("w:p"))
               if style(p) in ("TOC1", "TOC2")]
    headings = [" ".join(p.text.split()) for p in document.paragraphs
                if p.style.name in ("Teil", "Heading 1", "Heading 2") and p.text.strip()]
    assert [" ".join(text.split()) for text, _ in entries] == headings and len(headings) > 5
    assert ("Teil I Grundlagen", "TOC1") in entries and ("1.1 Ein Abschnitt", "TOC2") in entries
    kinds = [f.get(qn("w:fldCharType")) for f in sdt.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]  # one field around the entries


def test_column_widths_share_the_width_and_keep_words_whole():
    rows = [["Indikator", "Altstadt", "Hardt"], ["Anteil der Alleinerziehenden", "12,5 %", "9,8 %"]]
    widths = column_widths(rows, 9000, 100)
    assert sum(widths) == pytest.approx(9000, abs=3)
    assert widths[0] > widths[1] and widths[0] > widths[2]
    assert min(widths) >= len("12,5") * 100  # the longest word of a number column fits


# --- PDF --------------------------------------------------------------------------------------

def test_pdf_title_page_with_city_title_and_stichtag(buch):
    first = page_texts(buch / "testbuch.pdf")[0]
    for text in ["Stadt Teststadt", "Testbuch für den Build", "Sozialbericht · Stand: 31.12.2018",
                 "Beispieldaten", "synthetische Beispieldaten für Teststadt"]:
        assert text in first, text
    assert first.count("31.12.2018") == 1  # once, in the subtitle
    assert "Seite" not in first


def test_pdf_table_of_contents_lists_parts_with_their_pages(buch):
    pages = page_texts(buch / "testbuch.pdf")
    toc = pages[1]
    assert toc.startswith("Inhaltsverzeichnis")
    for title in PARTS + ["1 Erstes Kapitel", "3 Drittes Kapitel"]:
        assert re.search(rf"{re.escape(title)}[ .]*\d+", toc), title
    # The page number in the table of contents is the one printed on that page.
    listed = int(re.search(r"1 Erstes Kapitel[ .]*(\d+)", toc).group(1))
    start = next(i for i, text in enumerate(pages) if i > 1 and text.startswith("1 Erstes Kapitel"))
    assert f"Seite {listed}" in pages[start]


def test_pdf_content_pages_are_numbered(buch):
    pages = page_texts(buch / "testbuch.pdf")
    numbers = []
    for text in pages[1:]:
        found = re.findall(r"Seite (\d+)", text)
        if found:
            numbers.append(int(found[-1]))
        else:
            assert any(part == text.strip() for part in PARTS), f"Seite ohne Seitenzahl: {text[:80]}"
    assert numbers[0] == 1 and numbers == sorted(numbers) and len(numbers) >= 4
    # Part pages sit between numbered pages: the count goes on across them.
    assert numbers[-1] == len(pages) - 1


def test_pdf_is_tagged_pdf_ua_with_title_and_language(buch):
    reader = pypdf.PdfReader(str(buch / "testbuch.pdf"))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "de-DE" or str(root["/Lang"]).startswith("de")
    assert reader.metadata.title == "Testbuch für den Build"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    figures = [e for e in struct_elements(root["/StructTreeRoot"]) if e.get("/S") == "/Figure"]
    assert figures and all(str(e.get("/Alt", "")).strip() for e in figures), "Abbildung ohne Alternativtext"


def struct_elements(node, seen=None):
    """All structure elements below ``node`` (the PDF's tag tree)."""
    seen = set() if seen is None else seen
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        if hasattr(kid, "get_object"):
            ref = (kid.idnum, kid.generation) if hasattr(kid, "idnum") else None
            kid = kid.get_object()
            if ref in seen:
                continue
            seen.add(ref)
        if isinstance(kid, dict) and "/S" in kid:
            yield kid
            yield from struct_elements(kid, seen)


def test_title_page_lines_come_from_bericht_yml(tmp_path, monkeypatch):
    monkeypatch.setenv("SOZIALBERICHT_DATEN", str(REPO / "tests/daten/zweitstadt"))
    lines = titelei(tmp_path)
    assert (lines.stadt, lines.stand, lines.beispieldaten) == ("Beispielstadt", "Stand: 31.12.2020", True)
    assert "Beispielstadt" in lines.hinweis
    monkeypatch.delenv("SOZIALBERICHT_DATEN")
    assert titelei(tmp_path) == Titelei()  # no data folder: no data lines
    assert Titelei(stadt="X", berichtsjahr=2018, beispieldaten=False).hinweis is None


def test_file_links_point_next_to_pdf_and_docx():
    body = ("[`indikatoren.csv`](../../daten/indikatoren.csv) [Web](https://example.org/a.csv) "
            "[Anker](#sec-x) [außerhalb](../../../x.csv) [Datei](bild.pdf \"Titel\")")
    linked = root_file_links(body, "chapters/anhang/downloads.qmd")
    assert "(daten/indikatoren.csv)" in linked
    assert "(https://example.org/a.csv)" in linked and "(#sec-x)" in linked and "(../../../x.csv)" in linked
    assert '(chapters/anhang/bild.pdf "Titel")' in linked


# --- the real book ----------------------------------------------------------------------------

@pytest.mark.slow
def test_real_book_formats():
    out = echtes_buch()
    pages = page_texts(out / "sozialbericht.pdf")
    assert "Stadt Dorsten" in pages[0] and "Erster Sozialbericht · Stand: 31.12.2018" in pages[0]
    toc = " ".join(pages[1:6])
    for part in ["Teil I Allgemeiner Teil", "Teil II Datenmonitoring", "Teil III Zentrale Ergebnisse",
                 "Teil IV Ausblick"]:
        assert re.search(rf"{part}[ .]*\d+", toc), part
    reader = pypdf.PdfReader(str(out / "sozialbericht.pdf"))
    uris = [a.get_object()["/A"].get("/URI") for page in reader.pages for a in page.get("/Annots", [])
            if "/A" in a.get_object()]
    files = [u for u in uris if u and "daten/" in u and not u.startswith("http")]
    assert files and all(u.startswith("daten/") and (out / u).is_file() for u in files), files
    document = docx.Document(str(out / "sozialbericht.docx"))
    assert all(t.style.name == "Table" for t in document.tables)
    # Links to the downloads (relative "daten/…"), not web addresses that happen to contain "daten/".
    targets = [r.target_ref for r in document.part.rels.values()
               if "daten/" in r.target_ref and not re.match(r"[a-z]+://", r.target_ref)]
    assert targets and all(t.startswith("daten/") and (out / t).is_file() for t in targets), targets
    assert zipfile.ZipFile(out / "sozialbericht.docx").testzip() is None
    # Tables with one column per district sit on landscape pages, where no district name is hyphenated.
    quer = [i for i, p in enumerate(reader.pages) if p.mediabox.width > p.mediabox.height]
    assert quer and any("Kernindikatoren nach Stadtteilen als Index" in pages[i] for i in quer), quer
    namen = pd.read_csv(REPO / "data" / "stadtteile.csv", sep=";", dtype=str)["name"]
    roh = [reader.pages[i].extract_text() or "" for i in quer]
    for name in namen:
        getrennt = re.compile("\u00ad?\\s*".join(re.escape(c) for c in name))
        assert all("\u00ad" not in m.group(0) for t in roh for m in getrennt.finditer(t)), name
    assert [s.orientation for s in document.sections].count(1) >= 2  # WD_ORIENT.LANDSCAPE
    assert {(s.page_width, s.page_height) for s in document.sections if s.orientation == 0} == \
        {(document.sections[0].page_width, document.sections[0].page_height)}
