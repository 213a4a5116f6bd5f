"""The PDF book: pandoc's Typst writer with our template, compiled by the ``typst`` package.

The PDF is tagged and checked as PDF/UA-1 by Typst itself (``PDF_STANDARDS``): Typst refuses
to write it when an image lacks alt text, the document lacks a title or the tag structure is
invalid, so an inaccessible PDF fails the build instead of being published.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from helpers.build import pandoc, zitate
from helpers.build.book import Chapter, book_markdown, typst_string
from helpers.build.config import Book
from helpers.build.crossref import Target
from helpers.build.errors import BuildError
from helpers.build.markdown import parse_attributes
from helpers.build.titelei import Titelei, titelei

TEMPLATE = Path(__file__).with_name("template.typ")
# Table rules shared with the Quarto build (_quarto.yml: include-in-header).
TABELLEN = Path(__file__).parent / "assets" / "tabellen.typ"
FIGURE_LINE_RE = re.compile(r"^!\[.*\]\((?P<src>[^)\s]+)[^)]*\)\{(?P<attrs>[^{}]*)\}\s*$", re.M)
IMAGE_CALL_RE = re.compile(r'image\("(?P<src>(?:[^"\\]|\\.)*)"')
PDF_STANDARDS = ["ua-1"]
# Pipe tables wider than pandoc's --columns get widths from their dashes (equal columns for
# our generated tables); with a large value Typst sizes the columns by their content.
COLUMNS = "--columns=100000"


def write_pdf(book: Book, chapters: list[Chapter], targets: Mapping[str, Target], out: Path, path: Path,
              keep: Path | None = None) -> Path:
    """Write the book to ``path``; the Typst source is written to ``keep`` (for debugging) if given.

    The ``.typ`` file is compiled from inside ``out`` so figure paths resolve, and is
    removed from there afterwards.
    """
    markdown = book_markdown(chapters, targets, "typst")
    args = [*typst_args(book, titelei(book.root)), *zitate.pandoc_args(book)]
    source = pandoc.run(markdown, args, what="Typst (PDF)", cwd=book.root)
    source = add_alt_text(source, alt_texts(markdown))
    typ = out / f"{path.stem}.typ"
    typ.write_text(source, encoding="utf-8")
    try:
        compile_pdf(typ, path, root=out)
    finally:
        if keep is not None:
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(typ, keep)
        typ.unlink()
    return path


def typst_args(book: Book, lines: Titelei = Titelei()) -> list[str]:
    """Pandoc options: template, heading shift, title page metadata."""
    args = ["--to", "typst", "--template", str(TEMPLATE), "--include-in-header", str(TABELLEN),
            "--shift-heading-level-by=1", "--wrap=preserve",
            COLUMNS, "--metadata", f"title={book.title}"]
    if book.subtitle:
        args += ["--metadata", f"subtitle={book.subtitle}"]
    for author in book.authors:
        args += ["--metadata", f"author={author}", "--variable", f"autor={typst_string(author)}"]
    for key, value in (("stadt", lines.stadt), ("stand", lines.stand), ("beispieldaten", lines.hinweis)):
        if value:
            args += ["--metadata", f"{key}={value}"]
    return args


def alt_texts(markdown: str) -> dict[str, str]:
    """``{image path: alt text}`` for the figures in the book's Markdown."""
    return {m.group("src"): alt for m in FIGURE_LINE_RE.finditer(markdown)
            if (alt := parse_attributes(m.group("attrs")).values.get("alt"))}


def add_alt_text(source: str, alts: Mapping[str, str]) -> str:
    """Add ``alt:`` to Typst ``image(...)`` calls (pandoc's Typst writer leaves it out)."""
    def replace(match: re.Match) -> str:
        alt = alts.get(match.group("src"))
        if not alt or "alt:" in source[match.end():match.end() + 200].split(")")[0]:
            return match.group(0)
        return f'{match.group(0)}, alt: "{typst_string(alt)}"'
    return IMAGE_CALL_RE.sub(replace, source)


def compile_pdf(typ: Path, pdf: Path, *, root: Path) -> None:
    """Compile with the bundled fonts only, so every machine produces the same PDF.

    Typst runs in a child process: its memory (most of the build's peak for a city with many
    districts) is returned when it ends instead of staying with the build process.
    """
    import subprocess
    import sys

    code = ("import sys, typst\n"
            "try:\n"
            "    typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3], ignore_system_fonts=True,\n"
            "                  pdf_standards=sys.argv[4:])\n"
            "except Exception as err:\n"
            "    sys.stderr.write(str(err))\n"
            "    sys.exit(1)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(typ), str(pdf), str(root), *PDF_STANDARDS],
                          capture_output=True, text=True, encoding="utf-8", errors="replace")
    if proc.returncode != 0:  # typst's own message (with hints and trace) comes on stderr
        err = proc.stderr.strip() or f"Exit-Code {proc.returncode}"
        hint = ("\nDas PDF wird als barrierefreies PDF/UA-1 erzeugt: jede Abbildung braucht einen "
                "Alternativtext (fig-alt in der Notebook-Zelle, alt=\"…\" an Bildern im Kapitel)."
                if "PDF/UA" in err else "")
        raise BuildError(f"Typst konnte das PDF nicht erzeugen:\n{err}{hint}\n"
                         f"(Typst-Quelle zum Nachsehen: .cache/build/{typ.name})") from None
