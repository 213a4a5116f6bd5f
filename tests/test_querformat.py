"""Landscape pages for tables with one column per district (issue 11, item 7): the
``.landscape`` div of Quarto, rendered the same way by the Python engine, and DOCX sections
that keep the book's page layout."""

from __future__ import annotations

import re

import docx
from docx.oxml.ns import qn

from helpers.build import pandoc, shortcodes
from helpers.build.docx import REFERENCE_DOC, TEXT_WIDTH, complete_sections, fit_tables

BODY = """Vorher.

::: {.landscape}

| Indikator | Altendorf-Ulfkotte | Holsterhausen |
|---|---|---|
| SGB-II-Quote | 35 | 73 |

::: {.callout-note}
Innen.
:::

:::

```
::: {.landscape}
```

Danach.
"""


def test_typst_gets_flipped_pages_around_the_content_only():
    out = shortcodes.render_landscape(BODY, "typst")
    start, end = shortcodes.LANDSCAPE["typst"]
    assert out.count(start) == 1 and out.count(end) == 1
    assert out.index(start) < out.index("| SGB-II-Quote") < out.index("Innen.") < out.index(end) < out.index("Danach")
    assert "::: {.callout-note}" in out and out.count(":::\n") == 1  # the inner div keeps its fences
    assert "```\n::: {.landscape}\n```" in out  # code is left alone
    assert shortcodes.render_landscape(BODY, "html") == BODY


def _docx(tmp_path, body: str):
    path = tmp_path / "t.docx"
    pandoc.run(shortcodes.render_landscape(body, "docx"),
               ["--to", "docx", "--output", str(path), "--reference-doc", str(REFERENCE_DOC)], what="DOCX")
    return docx.Document(str(path))


def test_docx_landscape_section_keeps_the_book_layout_and_gets_the_wide_table(tmp_path):
    document = _docx(tmp_path, "| a | b |\n|---|---|\n| 1 | 2 |\n\n" + BODY)
    assert complete_sections(document) == 2
    fit_tables(document)
    hoch, quer, danach = document.sections
    assert (quer.page_width, quer.page_height) == (hoch.page_height, hoch.page_width)
    assert quer.orientation == 1 and hoch.orientation == danach.orientation == 0
    assert (danach.page_width, danach.page_height) == (hoch.page_width, hoch.page_height)
    assert quer.left_margin == hoch.left_margin and quer.top_margin == hoch.top_margin
    # only the first section keeps the separate (empty) title page header
    assert hoch.different_first_page_header_footer and not quer.different_first_page_header_footer
    assert not danach.different_first_page_header_footer
    assert all(s._sectPr.find(qn("w:headerReference")) is not None for s in document.sections)
    breiten = [int(t._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) for t in document.tables]
    quer_breite = quer.page_width.twips - quer.left_margin.twips - quer.right_margin.twips
    assert breiten == [TEXT_WIDTH, quer_breite] and quer_breite > 1.4 * TEXT_WIDTH


def test_docx_without_landscape_pages_is_unchanged(tmp_path):
    document = _docx(tmp_path, "Nur Text.\n")
    vorher = document.element.body.xml
    assert complete_sections(document) == 0
    assert document.element.body.xml == vorher


def test_spaltenbreiten_wie_quarto():
    """The Python build applies Quarto's per-table ``tbl-colwidths`` (per cent; the last width
    repeated; scaled down above 100) in HTML and Typst, and the attribute never reaches the text."""
    tabelle = "| a | b | c |\n|---|---|--:|\n| x | y | 1 |\n\n: Titel {tbl-colwidths=\"[50,25]\"}\n"
    typ = pandoc.run(tabelle, ["--to", "typst"], what="Test")
    assert "columns: (50%, 25%, 25%)," in typ and "tbl-colwidths" not in typ and "[Titel]" in typ
    html = pandoc.run(tabelle.replace("[50,25]", "[100,60,40]"), ["--to", "html"], what="Test")
    assert re.findall(r'width: (\d+)%', html) == ["50", "30", "20"] and "tbl-colwidths" not in html
    ohne = pandoc.run(tabelle.replace(' {tbl-colwidths="[50,25]"}', ""), ["--to", "typst"], what="Test")
    assert "columns: 3," in ohne
