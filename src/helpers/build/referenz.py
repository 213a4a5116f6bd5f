"""The DOCX reference document: the report's Word styles, generated from code.

``referenz.docx`` (next to this file) is what pandoc (``--reference-doc``) and Quarto
(``format: docx: reference-doc:``) take the styles, page layout, header and footer
from. It is committed; rebuild it after changing ``STYLES`` with::

    python -m helpers.build.referenz

The file starts from pandoc's own default reference document (so every style pandoc
writes exists), then gets the report's fonts, sizes and colours, German language
settings, A4 pages, a running header (document title) and a footer "Seite N". The same
inputs give a byte-identical file (fixed core properties and zip timestamps).
"""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

REFERENZ = Path(__file__).with_name("referenz.docx")

FONT = "Arial"
TEXT = RGBColor(0x1F, 0x23, 0x28)       # as the HTML body text
AKZENT = RGBColor(0x0B, 0x53, 0x94)     # as the HTML accent colour (contrast 7.6:1 on white)
GRAU = RGBColor(0x55, 0x5E, 0x69)       # as the HTML muted text (contrast 6.4:1 on white)
HINWEIS_FLAECHE = "E8F0FA"
KOPF_FLAECHE = "E8F0FA"
LINIE = "8C959F"
# Fixed, so the file does not change when nothing but the time changes.
STAND = datetime(2020, 6, 24, 0, 0, 0)

PART_STYLE = "Teil"
CALLOUT_STYLE = "Hinweis"
TABLE_STYLE = "Table"


@dataclass(frozen=True)
class Stil:
    """Look of one paragraph style (None = inherit)."""

    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    color: RGBColor | None = None
    before: float | None = None      # space before, pt
    after: float | None = None       # space after, pt
    line: float | None = None        # line spacing factor
    keep_next: bool | None = None
    page_break: bool | None = None
    align: WD_ALIGN_PARAGRAPH | None = None
    outline: int | None = None       # outline level 0 = level 1 of Word's table of contents


# Paragraph styles pandoc and Quarto write (see quarto-notes.md), plus "Teil" and "Hinweis".
STYLES: dict[str, Stil] = {
    # No size on Normal: 11 pt is the document default, so the table style's smaller size
    # wins over it in table cells (Word applies a paragraph style's size over a table style's).
    "Normal": Stil(color=TEXT, after=6, line=1.2),
    "Body Text": Stil(before=0, after=8),
    "First Paragraph": Stil(),
    "Compact": Stil(before=2, after=2, line=1.0),
    "Title": Stil(size=26, bold=True, color=AKZENT, before=120, after=12, line=1.05, align=WD_ALIGN_PARAGRAPH.LEFT),
    "Subtitle": Stil(size=16, bold=False, color=TEXT, before=6, after=36, align=WD_ALIGN_PARAGRAPH.LEFT),
    "Author": Stil(size=12, bold=False, color=TEXT, after=4, align=WD_ALIGN_PARAGRAPH.LEFT),
    "Date": Stil(size=12, bold=True, color=TEXT, before=12, after=24, align=WD_ALIGN_PARAGRAPH.LEFT),
    "Abstract Title": Stil(size=11, bold=True, color=TEXT, before=24, after=4, align=WD_ALIGN_PARAGRAPH.LEFT),
    "Abstract": Stil(size=10, color=TEXT, after=12),
    PART_STYLE: Stil(size=28, bold=True, color=AKZENT, before=200, after=24, page_break=True, keep_next=True,
                     align=WD_ALIGN_PARAGRAPH.CENTER, outline=0),
    "Heading 1": Stil(size=20, bold=True, color=AKZENT, before=0, after=18, line=1.05, keep_next=True,
                      page_break=True, outline=0),
    "Heading 2": Stil(size=15, bold=True, color=AKZENT, before=18, after=6, keep_next=True, outline=1),
    "Heading 3": Stil(size=12.5, bold=True, color=TEXT, before=14, after=4, keep_next=True, outline=2),
    "Heading 4": Stil(size=11, bold=True, italic=False, color=TEXT, before=10, after=3, keep_next=True, outline=3),
    "Heading 5": Stil(size=11, bold=False, italic=True, color=TEXT, before=8, after=2, keep_next=True, outline=4),
    "TOC Heading": Stil(size=20, bold=True, color=AKZENT, before=0, after=18, page_break=True, outline=9),
    "Caption": Stil(size=9.5, bold=False, italic=False, color=TEXT, before=4, after=12),
    "Table Caption": Stil(bold=True, before=12, after=4, keep_next=True),
    "Image Caption": Stil(before=4, after=14),
    "Figure": Stil(before=6, after=2, align=WD_ALIGN_PARAGRAPH.LEFT),
    "Captioned Figure": Stil(keep_next=True),
    "Block Text": Stil(size=10.5, color=GRAU),
    "Footnote Text": Stil(size=9),
    CALLOUT_STYLE: Stil(size=10.5, color=TEXT, before=8, after=8),
    "Header": Stil(size=8.5, color=GRAU),
    "Footer": Stil(size=9, color=GRAU, align=WD_ALIGN_PARAGRAPH.CENTER),
    "toc 1": Stil(size=11, bold=True, before=8, after=2),
    "toc 2": Stil(size=10.5, before=0, after=1),
    "toc 3": Stil(size=10, before=0, after=0),
}

# Quarto writes these with its own style ids; built-in names are lower case in Word ("heading 1").
_BUILTIN = {f"Heading {n}": f"heading {n}" for n in range(1, 10)}


def pandoc_default_reference() -> bytes:
    """Pandoc's own reference.docx (the pandoc that ships with pypandoc-binary)."""
    from helpers.build import pandoc

    proc = subprocess.run([pandoc.executable(), "--print-default-data-file", "reference.docx"],
                          capture_output=True, check=True)
    return proc.stdout


def build(target: Path = REFERENZ) -> Path:
    """Write the reference document to ``target``."""
    from helpers.build.docx import fix_zip_times

    document = docx.Document(io.BytesIO(pandoc_default_reference()))
    german(document)
    defaults(document)
    for name, stil in STYLES.items():
        apply(paragraph_style(document, name), stil)
    table_style(document)
    callout_style(document)
    hyperlink_style(document)
    page_layout(document)
    sample_body(document)
    properties(document)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))
    fix_zip_times(target, STAND)
    return target


# --- styles -----------------------------------------------------------------------------------

def paragraph_style(document, name: str):
    """The paragraph style ``name`` (created, based on Normal, if pandoc's reference lacks it)."""
    styles = document.styles
    wanted = {name, _BUILTIN.get(name, name)}
    found = next((s for s in styles if s.type == WD_STYLE_TYPE.PARAGRAPH and s.name in wanted), None)
    if found is not None:
        return found
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.quick_style = True
    return style


def apply(style, stil: Stil) -> None:
    """Set the font and paragraph properties of ``stil`` on ``style``."""
    fonts(style.element.get_or_add_rPr(), FONT)
    font = style.font
    if stil.size is not None:
        font.size = Pt(stil.size)
    if stil.bold is not None:
        font.bold = stil.bold
    if stil.italic is not None:
        font.italic = stil.italic
    if stil.color is not None:
        rpr = style.element.get_or_add_rPr()
        for old in rpr.findall(qn("w:color")):
            rpr.remove(old)
        font.color.rgb = stil.color
    fmt = style.paragraph_format
    if stil.before is not None:
        fmt.space_before = Pt(stil.before)
    if stil.after is not None:
        fmt.space_after = Pt(stil.after)
    if stil.line is not None:
        fmt.line_spacing = stil.line
    if stil.keep_next is not None:
        fmt.keep_with_next = stil.keep_next
    if stil.page_break is not None:
        fmt.page_break_before = stil.page_break
    if stil.align is not None:
        fmt.alignment = stil.align
    if stil.outline is not None:
        outline_level(style, stil.outline)


def fonts(rpr, name: str) -> None:
    """Explicit fonts for all scripts; theme fonts (which would win in Word) are removed."""
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    element = OxmlElement("w:rFonts")
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        element.set(qn(key), name)
    rpr.insert(0, element)


def outline_level(style, level: int) -> None:
    from helpers.build.docx import insert_ppr_child

    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(old)
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    insert_ppr_child(ppr, element)


def german(document) -> None:
    """German language for spelling and hyphenation; German decimal and list separators."""
    settings = document.settings.element
    for tag, value in (("w:themeFontLang", "de-DE"), ("w:decimalSymbol", ","), ("w:listSeparator", ";")):
        element = settings.find(qn(tag))
        if element is not None:
            element.set(qn("w:val"), value)
    if settings.find(qn("w:autoHyphenation")) is None:
        from helpers.build.docx import insert_settings_child

        hyphenation = OxmlElement("w:autoHyphenation")
        hyphenation.set(qn("w:val"), "true")
        insert_settings_child(settings, hyphenation)


def defaults(document) -> None:
    """Document defaults: Arial 11 pt, German."""
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts(rpr, FONT)
    for tag, value in (("w:sz", "22"), ("w:szCs", "22")):
        element = rpr.find(qn(tag))
        element.set(qn("w:val"), value)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "de-DE")
    lang.set(qn("w:eastAsia"), "de-DE")


def table_style(document) -> None:
    """The "Table" style pandoc gives every table: header row bold on a light band, thin row lines."""
    style = document.styles[TABLE_STYLE]
    element = style.element
    for old in element.findall(qn("w:tblStylePr")) + element.findall(qn("w:rPr")) + element.findall(qn("w:pPr")):
        element.remove(old)
    fonts(style.element.get_or_add_rPr(), FONT)
    style.font.size = Pt(9.5)
    ppr = style.element.get_or_add_pPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "20")
    spacing.set(qn("w:after"), "20")
    ppr.append(spacing)
    # pPr and rPr must precede tblPr in a table style.
    tblpr = element.find(qn("w:tblPr"))
    tblpr.addprevious(ppr)
    tblpr.addprevious(style.element.get_or_add_rPr())
    for old in tblpr.findall(qn("w:tblBorders")):
        tblpr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for side, size, color in (("top", "8", "1F2328"), ("bottom", "8", "1F2328"), ("insideH", "4", LINIE)):
        borders.append(_border(side, size, color))
    margins = tblpr.find(qn("w:tblCellMar"))
    margins.addprevious(borders)
    for side in ("top", "bottom"):
        margins.find(qn(f"w:{side}")).set(qn("w:w"), "28")

    header = OxmlElement("w:tblStylePr")
    header.set(qn("w:type"), "firstRow")
    header_ppr = OxmlElement("w:pPr")
    header_ppr.append(OxmlElement("w:keepNext"))
    header_rpr = OxmlElement("w:rPr")
    header_rpr.append(OxmlElement("w:b"))
    header_rpr.append(OxmlElement("w:bCs"))
    header_tblpr = OxmlElement("w:tblPr")
    header_trpr = OxmlElement("w:trPr")
    repeat = OxmlElement("w:tblHeader")  # header row repeats on every page of a long table
    header_trpr.append(repeat)
    header_tcpr = OxmlElement("w:tcPr")
    cell_borders = OxmlElement("w:tcBorders")
    cell_borders.append(_border("bottom", "12", "1F2328"))
    header_tcpr.append(cell_borders)
    shading = OxmlElement("w:shd")
    for key, value in {"w:val": "clear", "w:color": "auto", "w:fill": KOPF_FLAECHE}.items():
        shading.set(qn(key), value)
    header_tcpr.append(shading)
    valign = OxmlElement("w:vAlign")
    valign.set(qn("w:val"), "bottom")
    header_tcpr.append(valign)
    for child in (header_ppr, header_rpr, header_tblpr, header_trpr, header_tcpr):
        header.append(child)
    element.append(header)


def _border(side: str, size: str, color: str):
    border = OxmlElement(f"w:{side}")
    for key, value in {"w:val": "single", "w:sz": size, "w:space": "0", "w:color": color}.items():
        border.set(qn(key), value)
    return border


def callout_style(document) -> None:
    """Callouts ("Hinweis"): a coloured bar on the left and a light background."""
    from helpers.build.docx import insert_ppr_child

    style = document.styles[CALLOUT_STYLE]
    style.paragraph_format.left_indent = Pt(12)
    style.paragraph_format.right_indent = Pt(6)
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:shd"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    border = OxmlElement("w:pBdr")
    left = _border("left", "24", "0B5394")
    left.set(qn("w:space"), "8")
    border.append(left)
    shading = OxmlElement("w:shd")
    for key, value in {"w:val": "clear", "w:color": "auto", "w:fill": HINWEIS_FLAECHE}.items():
        shading.set(qn(key), value)
    insert_ppr_child(ppr, border)
    insert_ppr_child(ppr, shading)


def hyperlink_style(document) -> None:
    style = document.styles["Hyperlink"]
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:color")):
        rpr.remove(old)
    style.font.color.rgb = AKZENT
    style.font.underline = True


# --- page, header, footer ---------------------------------------------------------------------

def page_layout(document) -> None:
    """A4, margins as in the PDF, header with the document title, footer "Seite N"."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.3)
    section.header_distance, section.footer_distance = Cm(1.2), Cm(1.1)
    # The title page has no header and footer.
    section.different_first_page_header_footer = True

    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    field(header, "TITLE", "")

    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.add_run("Seite ")
    field(footer, "PAGE", "1")


def field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (``PAGE``, ``TITLE``) with ``shown`` as its last known result."""
    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run(shown)
    char("end")


# --- a sample of every style (pandoc ignores the body; Word users see the styles) ---------------

def sample_body(document) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    add = document.add_paragraph
    add("Lebenslagen der Kinder und Jugendlichen und ihrer Familien", "Title")
    add("Sozialbericht – Formatvorlage", "Subtitle")
    add("Stadt – Integrierte Strategische Sozialplanung", "Author")
    add("Stand: 31.12.", "Date")
    add("Inhaltsverzeichnis", "TOC Heading")
    add("Teil I Allgemeiner Teil", PART_STYLE)
    add("1 Überschrift eines Kapitels", paragraph_style(document, "Heading 1").name)
    add("Der erste Absatz nach einer Überschrift.", "First Paragraph")
    add("Fließtext des Berichts mit deutscher Silbentrennung; Zahlen mit Dezimalkomma (12,5) "
        "und Tausenderpunkt (13.036).", "Body Text")
    add("1.1 Abschnitt", paragraph_style(document, "Heading 2").name)
    add("1.1.1 Unterabschnitt", paragraph_style(document, "Heading 3").name)
    add("Hinweis: ein hervorgehobener Kasten.", CALLOUT_STYLE)
    add("Tabelle 1.1: Beschriftung über der Tabelle", "Table Caption")
    table = document.add_table(rows=3, cols=3)
    table.style = document.styles[TABLE_STYLE]
    for r, row in enumerate([["Stadtteil", "Anzahl", "Anteil"], ["Altstadt", "1.234", "12,5 %"],
                             ["Hardt", "987", "9,8 %"]]):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = document.styles["Compact"]
    add("Abbildung 1.1: Beschriftung unter der Abbildung", "Image Caption")
    add("Zitat oder eingerückter Text.", "Block Text")


def properties(document) -> None:
    core = document.core_properties
    core.title = "Sozialbericht – Formatvorlage"
    core.subject = "Formatvorlage (reference-doc) für pandoc und Quarto"
    core.author = ""
    core.keywords = ""
    core.language = "de-DE"
    core.created = core.modified = STAND
    core.last_modified_by = ""
    core.revision = 1


def main() -> int:
    path = build()
    print(f"{path} geschrieben.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
