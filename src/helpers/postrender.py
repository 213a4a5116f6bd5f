"""Quarto ``post-render`` step: fix the DOCX, add the downloads, strip the notebooks again.

Run by ``quarto render`` after all formats (``project: post-render: python -m helpers.postrender``):

1. DOCX: Quarto drops part titles from DOCX books and titles appendices "Appendix A — …"
   even with ``lang: de`` (quarto-notes.md). Insert "Teil I …"–"Teil IV …" (and "Anhang")
   before the first chapter of each part and write "Anhang A — …"; chapter numbers without
   the trailing dot and tables laid out as in the Python engine's DOCX (callouts excepted).
2. HTML: the accessibility fixes the Python engine's pages have built in (tests/a11y.py):
   pagination links lose an ``aria-label`` that differs from their visible text, and
   ``tabellen.js`` (sortable tables, scrolling table wrappers as focusable regions) is added.
3. Copy the data downloads (written by ``helpers.execute``) into ``<output>/daten/``.
4. Put back the notebooks that ``helpers.execute`` executed in place.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import docx as python_docx

from helpers.build.book import referenced_notebooks
from helpers.build.config import Book, chapter_title, load_book, read_chapter
from helpers.build.docx import (chapter_numbers_as_in_html, complete_sections, fill_toc, fit_tables,
                                germanize_appendix, insert_part_titles, update_fields_on_open)
from helpers.build.errors import BuildError
from helpers.build.pipeline import find_root
from helpers.execute import downloads_folder, restore_notebooks


def output_folder(book: Book) -> Path:
    """Quarto passes the output folder relative to the project in ``QUARTO_PROJECT_OUTPUT_DIR``."""
    return book.root / os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", book.output_dir)


def first_chapters(book: Book) -> list[tuple[str, str]]:
    """``(part title, title of its first chapter)`` in book order."""
    pairs: list[tuple[str, str]] = []
    for part in book.parts:
        entry = next(e for e in book.chapters if e.part == part)
        title = chapter_title(*read_chapter(book, entry))
        if title is None:
            raise BuildError(f"{entry.path}: kein Kapiteltitel gefunden.")
        pairs.append((part, title))
    return pairs


def fix_docx(book: Book, path: Path) -> None:
    """Part titles and German appendix titles in the DOCX that Quarto wrote."""
    document = python_docx.Document(str(path))
    germanize_appendix(document)
    chapter_numbers_as_in_html(document)
    # the same page layout of landscape pages, table layout and TOC refresh as the Python engine's DOCX
    complete_sections(document)
    fit_tables(document)
    update_fields_on_open(document)
    missing = insert_part_titles(document, first_chapters(book))
    if missing:
        raise BuildError(f"{path.name}: keine Kapitelüberschrift gefunden für die Teile: {', '.join(missing)}.")
    fill_toc(document)
    document.save(str(path))


ASSETS = Path(__file__).parent / "build" / "assets"
SCRIPT_FOLDER = Path("site_libs") / "sozialbericht"
# Quarto names "previous/next chapter" links by the title alone while their text also shows the
# chapter number: axe's label-content-name-mismatch. Without the label the text is the name.
PAGINATION_LABEL = re.compile(r'(<a\b[^>]*class="pagination-link"[^>]*?)\s+aria-label="[^"]*"')


def patch_html_page(html: str, script_src: str) -> str:
    """One Quarto page with the pagination labels dropped and ``tabellen.js`` loaded."""
    html = PAGINATION_LABEL.sub(r"\1", html)
    tag = f'<script src="{script_src}" defer></script>'
    if tag not in html:
        # Quarto's pages have a head; a bare page gets the script at its end
        html = html.replace("</head>", f"{tag}\n</head>", 1) if "</head>" in html else f"{html}\n{tag}\n"
    return html


def patch_html(out: Path) -> int:
    """Patch every HTML page below ``out``; return how many."""
    target = out / SCRIPT_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ASSETS / "tabellen.js", target / "tabellen.js")
    pages = sorted(out.rglob("*.html"))
    for page in pages:
        src = Path(os.path.relpath(target / "tabellen.js", page.parent)).as_posix()
        text = page.read_text(encoding="utf-8")
        page.write_text(patch_html_page(text, src), encoding="utf-8")
    return len(pages)


def copy_downloads(source: Path, target: Path) -> int:
    """Copy the download files into the book; return how many."""
    if not source.is_dir():
        return 0
    shutil.copytree(source, target, dirs_exist_ok=True)
    return sum(1 for p in target.rglob("*") if p.is_file())


def main() -> int:
    try:
        root = find_root()
        book = load_book(root)
        out = output_folder(book)
        document = out / f"{book.output_file}.docx"
        if document.exists():
            fix_docx(book, document)
            print(f"post-render: {document.name}: Teile und Anhang-Titel ergänzt.", file=sys.stderr)
        if (out / "index.html").exists():
            pages = patch_html(out)
            print(f"post-render: {pages} HTML-Seiten barrierearm ergänzt.", file=sys.stderr)
        count = copy_downloads(downloads_folder(root), out / "daten")
        print(f"post-render: {count} Dateien nach daten/ kopiert.", file=sys.stderr)
    except BuildError as err:
        print(f"\nFEHLER (post-render): {err}", file=sys.stderr)
        return 1
    finally:
        # Leave no executed notebooks behind, whatever happened above.
        try:
            root = find_root()
            restore_notebooks(root, referenced_notebooks(load_book(root)))
        except BuildError:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
