"""The DOCX book: one file via pandoc, then part and callout styles with python-docx.

The style helpers are also used by ``helpers.postrender`` to fix a DOCX written by
Quarto, which drops part titles and says "Appendix" (see quarto-notes.md).
"""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from helpers.build import pandoc
from helpers.build.book import Chapter, book_markdown
from helpers.build.config import Book
from helpers.build.crossref import Target

PART_STYLE = "Teil"
CALLOUT_STYLE = "Hinweis"
APPENDIX_RE = re.compile(r"\bAppendix(?=\s+[A-Z]{1,2}\b)")


def write_docx(book: Book, chapters: list[Chapter], targets: Mapping[str, Target], out: Path, path: Path) -> Path:
    """Write the whole book to ``path`` (figures are read from ``out``)."""
    markdown = book_markdown(chapters, targets, "docx")
    args = ["--to", "docx", "--output", str(path), "--resource-path", str(out), "--toc", "--toc-depth=2",
            *metadata_args(book)]
    pandoc.run(markdown, args, what="DOCX")
    document = docx.Document(str(path))
    style_parts(document)
    style_callouts(document)
    update_fields_on_open(document)
    stamp = source_time(book.root)
    document.core_properties.created = document.core_properties.modified = stamp
    document.save(str(path))
    fix_zip_times(path, stamp)
    return path


def source_time(root: Path) -> datetime:
    """When the sources were made: ``$SOURCE_DATE_EPOCH``, else the last commit, else now.

    Used instead of the build time, so the same sources give a byte-identical DOCX.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        try:
            epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True,
                                   text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            epoch = ""
    stamp = datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    return stamp.replace(microsecond=0, tzinfo=None)


def fix_zip_times(path: Path, stamp: datetime) -> None:
    """Give every member of the DOCX (a zip) the same timestamp; python-docx writes the current time."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=max(stamp, datetime(1980, 1, 1)).timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def update_fields_on_open(document) -> None:
    """Ask Word to fill in the table of contents when the file is opened (pandoc leaves it empty)."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    # Word insists on the schema order of w:settings children: insert before the first successor.
    successors = {qn(f"w:{tag}") for tag in _SETTINGS_AFTER_UPDATE_FIELDS}
    following = next((child for child in settings if child.tag in successors), None)
    if following is None:
        settings.append(element)
    else:
        following.addprevious(element)


_SETTINGS_AFTER_UPDATE_FIELDS = [
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
]


def metadata_args(book: Book) -> list[str]:
    """Title page and language for pandoc (also used by the Typst writer)."""
    args = ["--metadata", f"title={book.title}", "--metadata", f"lang={'de-DE' if book.lang == 'de' else book.lang}",
            "--metadata", "toc-title=Inhaltsverzeichnis"]
    if book.subtitle:
        args += ["--metadata", f"subtitle={book.subtitle}"]
    for author in book.authors:
        args += ["--metadata", f"author={author}"]
    return args


def part_style(document):
    """The "Teil" paragraph style (created if missing): large, own page, level 1 in the TOC."""
    styles = document.styles
    style = styles[PART_STYLE] if PART_STYLE in [s.name for s in styles] else styles.add_style(PART_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Title"] if "Title" in [s.name for s in styles] else None
    style.font.size = Pt(26)
    style.font.bold = True
    style.paragraph_format.page_break_before = True
    style.paragraph_format.space_before = Pt(180)
    style.paragraph_format.space_after = Pt(24)
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _outline_level(style, 0)  # Word's TOC field (\u switch) lists the parts
    return style


def style_parts(document) -> None:
    """Give the "Teil" paragraphs pandoc wrote their look; chapters start on a new page."""
    if PART_STYLE in [s.name for s in document.styles]:
        part_style(document)
    document.styles["Heading 1"].paragraph_format.page_break_before = True


def style_callouts(document) -> None:
    """Callouts: a coloured bar on the left and a light background."""
    if CALLOUT_STYLE not in [s.name for s in document.styles]:
        return
    style = document.styles[CALLOUT_STYLE]
    style.paragraph_format.left_indent = Pt(12)
    style.font.color.rgb = RGBColor(0x1F, 0x23, 0x28)
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:shd"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    border = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in {"w:val": "single", "w:sz": "24", "w:space": "8", "w:color": "0B5394"}.items():
        left.set(qn(key), value)
    border.append(left)
    shading = OxmlElement("w:shd")
    for key, value in {"w:val": "clear", "w:color": "auto", "w:fill": "E8F0FA"}.items():
        shading.set(qn(key), value)
    _insert_ppr_child(ppr, border)
    _insert_ppr_child(ppr, shading)


def _outline_level(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(old)
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    _insert_ppr_child(ppr, element)


# Word rejects a pPr whose children are out of schema order; these are the ones we touch.
_PPR_ORDER = ["w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
              "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
              "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
              "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"]


def _insert_ppr_child(ppr, element) -> None:
    rank = _PPR_ORDER.index(element.tag.replace(qn("w:"), "w:")) if element.tag.startswith(qn("w:")) else len(_PPR_ORDER)
    for index, child in enumerate(ppr):
        tag = "w:" + child.tag.split("}")[1]
        if tag in _PPR_ORDER and _PPR_ORDER.index(tag) > rank:
            ppr.insert(index, element)
            return
    ppr.append(element)


# --- fixing a Quarto DOCX ---------------------------------------------------------------------

def insert_part_titles(document, parts: Sequence[tuple[str, str]]) -> list[str]:
    """Insert a "Teil" paragraph before the heading of the first chapter of each part.

    ``parts`` lists ``(part title, title of its first chapter)`` in book order. Headings
    are matched in order by their text ending with the chapter title (Quarto puts the
    chapter number in front). Returns the part titles that found no heading.
    """
    style = part_style(document)
    paragraphs = [p for p in document.paragraphs if p.style is not None and p.style.name in ("Heading 1", "heading 1")]
    missing: list[str] = []
    position = 0
    for part, first_title in parts:
        wanted = _normalized(first_title)
        for index in range(position, len(paragraphs)):
            if _normalized(paragraphs[index].text).endswith(wanted):
                paragraphs[index].insert_paragraph_before(part, style=style)
                position = index + 1
                break
        else:
            missing.append(part)
    return missing


def germanize_appendix(document) -> int:
    """Replace "Appendix A" by "Anhang A"; return the number of paragraphs changed."""
    count = 0
    for paragraph in _all_paragraphs(document):
        if not APPENDIX_RE.search(paragraph.text):
            continue
        # The letter may sit in the next run, so replace the word run by run.
        for run in paragraph.runs:
            run.text = re.sub(r"\bAppendix\b", "Anhang", run.text)
        count += 1
    return count


def _all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _normalized(text: str) -> str:
    return " ".join(text.split())
