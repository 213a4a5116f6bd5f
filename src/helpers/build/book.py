"""From sources to numbered chapters, and from chapters to Markdown for each format.

``prepare`` does the format-independent work once: read each chapter, resolve embeds,
normalize callouts, number headings, figures and tables. ``page_markdown`` (HTML, one
page per chapter) and ``book_markdown`` (DOCX and PDF, one document) then resolve
references and links for their format.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from helpers.build import profile, callouts, crossref, shortcodes, zitate
from helpers.build.config import Book, ChapterEntry, chapter_title, read_chapter
from helpers.build.embed import find_embeds, resolve_embeds
from helpers.build.errors import BuildError
from helpers.build.markdown import Heading, headings, map_prose

# Figure paths in prepared Markdown start with this token; each format replaces it with
# the path from its output file to the book's output folder.
ROOT = "__BUCHWURZEL__"
FIGURES = "figures"


@dataclass
class Chapter:
    """A chapter ready for output: embeds resolved, headings and captions numbered."""

    entry: ChapterEntry
    number: str | None
    title: str
    anchor: str              # id of its level-1 heading
    body: str                # Markdown; references still unresolved
    headings: list[Heading]

    @property
    def label(self) -> str:
        """"3 Konzeption", "Anhang A — Glossar" or the bare title."""
        return crossref.chapter_label(self.number, self.title, self.entry.appendix)

    @property
    def html_path(self) -> str:
        return self.entry.html_path


def chapter_source(book: Book, entry: ChapterEntry) -> tuple[dict, str]:
    """Front matter and body of a chapter with its ``include`` shortcodes expanded."""
    meta, body = read_chapter(book, entry)
    body = shortcodes.expand_includes(body, book.source(entry).parent, entry.path)
    body = profile.apply(body, profile.active(), entry.path)
    shortcodes.check_supported(body, entry.path)
    return meta, body


def referenced_notebooks(book: Book) -> list[Path]:
    """Notebooks that chapters embed, in order of first use (resolved paths)."""
    found: dict[Path, None] = {}
    for entry in book.chapters:
        _, body = chapter_source(book, entry)
        for embed in find_embeds(body, book.source(entry).parent):
            found.setdefault(embed.notebook, None)
    return list(found)


def figure_sink(out: Path):
    """A ``FigureSink`` writing PNGs to ``<out>/figures/<notebook>/<label>.png``."""
    def write(notebook: Path, label: str, png: bytes) -> str:
        relative = PurePosixPath(FIGURES, notebook.stem, f"{label}.png")
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        return f"{ROOT}/{relative}"
    return write


def prepare(book: Book, notebooks: Mapping[Path, object], out: Path) -> tuple[list[Chapter], dict[str, crossref.Target]]:
    """Read, embed and number every chapter; return the chapters and all reference targets."""
    sources = []
    for entry in book.chapters:
        meta, body = chapter_source(book, entry)
        title = chapter_title(meta, body)
        if title is None:
            raise BuildError(f"{entry.path}: keine Kapitelüberschrift ('# Titel') und kein 'title' im YAML-Kopf.")
        if meta.get("title"):
            body = f"# {meta['title']}\n\n{body}"
        first = next(h for h in headings(body) if h.level == 1)
        numbered = entry.path != "index.qmd" and not first.attrs.unnumbered
        sources.append((entry, title, body, numbered))

    numbers = crossref.chapter_numbers((numbered, entry.appendix) for entry, _, _, numbered in sources)
    sink = figure_sink(out)
    taken: set[str] = set()
    chapters: list[Chapter] = []
    targets: list[crossref.Target] = []
    for (entry, title, body, _), number in zip(sources, numbers):
        body = resolve_embeds(body, chapter=entry.path, chapter_dir=book.source(entry).parent,
                              notebooks=notebooks, figures=sink)
        body = callouts.normalize(body)
        body, found, sections = crossref.number_headings(body, chapter=entry.path, number=number,
                                                         appendix=entry.appendix, taken=taken)
        body, floats = crossref.number_floats(body, chapter=entry.path, number=number)
        chapters.append(Chapter(entry, number, title, found[0].attrs.id, body, found))
        targets += sections + floats
    index = crossref.index_targets(targets)
    # Report every unresolved reference of the book at once, not just the first chapter's.
    missing = {c.entry.path: m for c in chapters if (m := crossref.missing_refs(c.body, index))}
    if missing:
        raise BuildError(crossref.unresolved_message(missing, index))
    zitate.check(book, ((c.entry.path, c.body) for c in chapters))
    return chapters, index


# --- HTML: one page per chapter ---------------------------------------------------------------

def relative_root(html_path: str) -> str:
    """"../../" for ``chapters/teil1/x.html``, "" for ``index.html``."""
    return "../" * (len(PurePosixPath(html_path).parts) - 1)


def relative_link(from_page: str, to_page: str, anchor: str = "") -> str:
    """Link from one page to another (and anchor); just ``#anchor`` on the same page."""
    if from_page == to_page and anchor:
        return f"#{anchor}"
    link = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return f"{link}#{anchor}" if anchor else link


def page_markdown(chapter: Chapter, chapters: list[Chapter], targets: Mapping[str, crossref.Target]) -> str:
    """The chapter's Markdown for its HTML page: links between pages, figure paths, callouts."""
    pages = {c.entry.path: c for c in chapters}
    here = chapter.html_path

    def target_href(target: crossref.Target) -> str:
        return relative_link(here, pages[target.chapter].html_path, target.label)

    def chapter_href(path: str, fragment: str) -> str | None:
        other = pages.get(path)
        return relative_link(here, other.html_path, fragment) if other else None

    body = crossref.resolve_refs(chapter.body, targets, target_href, chapter=chapter.entry.path)
    body = crossref.rewrite_chapter_links(body, chapter=chapter.entry.path, href=chapter_href)
    body = body.replace(f"{ROOT}/", relative_root(here))
    return callouts.render(shortcodes.render_pagebreaks(body, "html"), "html")


# --- DOCX and PDF: the whole book in one document ---------------------------------------------

def book_markdown(chapters: list[Chapter], targets: Mapping[str, crossref.Target], fmt: str) -> str:
    """The whole book as one Markdown document for ``fmt`` ("docx" or "typst").

    A part title is inserted before the first chapter of each part; references become
    links to anchors in the same document; figure paths are relative to the output folder.
    """
    pages = {c.entry.path: c for c in chapters}

    def chapter_href(path: str, fragment: str) -> str | None:
        other = pages.get(path)
        return f"#{fragment or other.anchor}" if other else None

    blocks: list[str] = []
    part: str | None = None
    for chapter in chapters:
        if chapter.entry.part and chapter.entry.part != part:
            part = chapter.entry.part
            blocks.append(part_markdown(part, fmt))
        body = crossref.resolve_refs(chapter.body, targets, lambda t: f"#{t.label}", chapter=chapter.entry.path)
        body = crossref.rewrite_chapter_links(body, chapter=chapter.entry.path, href=chapter_href)
        body = root_file_links(body, chapter.entry.path)
        body = body.replace(f"{ROOT}/", "")
        blocks.append(callouts.render(shortcodes.render_landscape(shortcodes.render_pagebreaks(body, fmt), fmt), fmt))
    return "\n\n".join(b.strip("\n") for b in blocks) + "\n"


# A link target that is a relative path, not a URL, anchor or chapter: "](../../daten/x.csv)".
# Matched from "](" on, as ``crossref.QMD_LINK_RE``: the link text may hold inline code.
FILE_LINK_RE = re.compile(r"\]\((?P<target>(?![A-Za-z][A-Za-z0-9+.-]*:|#|/)[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")


def root_file_links(body: str, chapter: str) -> str:
    """Links to files, relative to the chapter, made relative to the book root.

    The DOCX and the PDF lie in the book's output folder, next to ``daten/``: a chapter's
    ``../../daten/indikatoren.csv`` becomes ``daten/indikatoren.csv``, which opens the
    download next to the file (and on the website, next to the published PDF).
    """
    base = PurePosixPath(chapter).parent

    def replace(match: re.Match) -> str:
        target = match.group("target")
        if target.startswith(f"{ROOT}/") or target.endswith(".qmd") or ".qmd#" in target:
            return match.group(0)
        path, _, fragment = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(base.as_posix(), path))
        if resolved.startswith("../") or resolved == "..":
            return match.group(0)  # outside the book: leave it as written
        new = resolved + (f"#{fragment}" if fragment else "")
        return f"]({new}{match.group('title') or ''})"

    return map_prose(body, lambda prose: FILE_LINK_RE.sub(replace, prose))


def part_markdown(title: str, fmt: str) -> str:
    """A part title: a paragraph in the "Teil" style (DOCX) or a part page (Typst)."""
    if fmt == "typst":
        return f"```{{=typst}}\n#teil(\"{typst_string(title)}\")\n```"
    return f'::: {{custom-style="Teil"}}\n{title}\n:::'


def typst_string(text: str) -> str:
    """Escape ``text`` for a Typst string literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"')
