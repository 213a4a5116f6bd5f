"""The HTML book: one page per chapter, sidebar by part, page TOC, navigation, offline search."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from html import escape
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from helpers.build import pandoc, zitate
from helpers.build.book import Chapter, page_markdown, relative_link, relative_root
from helpers.build.config import Book
from helpers.build.crossref import Target
from helpers.build.markdown import plain_text
from helpers.build.titelei import Titelei, titelei

ASSETS = Path(__file__).parent / "assets"
LIBS = "site_libs"
# --columns: pipe tables get no fixed column widths (from their dashes); the browser sizes them.
PANDOC_ARGS = ["--to", "html5", "--section-divs", "--mathml", "--wrap=none", "--syntax-highlighting=none",
               "--columns=100000"]
ASSET_FILES = ("sozialbericht.css", "suche.js", "tabellen.js")


def write_site(book: Book, chapters: list[Chapter], targets: Mapping[str, Target], out: Path, jobs: int = 4) -> list[Path]:
    """Write all pages, assets and the search index into ``out``; return the page paths."""
    cited = zitate.check(book, ((c.entry.path, c.body) for c in chapters))
    refs_page = next((c for c in chapters if zitate.has_refs_div(c.body)), None)
    citeproc = zitate.pandoc_args(book) if cited else []

    def render(chapter: Chapter) -> str:
        markdown = page_markdown(chapter, chapters, targets)
        if chapter is refs_page:
            # The list page cites nothing itself: it lists what the whole book cites.
            markdown = zitate.nocite_front_matter(cited) + markdown
        html = pandoc.run(markdown, [*PANDOC_ARGS, *citeproc], what=f"HTML von {chapter.entry.path}", cwd=book.root)
        if citeproc and refs_page is not None and chapter is not refs_page:
            html = zitate.hide_page_references(html, relative_link(chapter.html_path, refs_page.html_path))
        return html

    # pandoc runs as a subprocess per chapter, so threads overlap them.
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        fragments = list(pool.map(render, chapters))

    pages: list[Path] = []
    search: list[dict] = []
    lines = titelei(book.root)
    for index, (chapter, fragment) in enumerate(zip(chapters, fragments)):
        previous = chapters[index - 1] if index > 0 else None
        following = chapters[index + 1] if index + 1 < len(chapters) else None
        page = out / chapter.html_path
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(page_html(book, chapters, chapter, fragment, previous, following, lines), encoding="utf-8")
        pages.append(page)
        search += search_entries(chapter, fragment)

    (out / LIBS).mkdir(parents=True, exist_ok=True)
    for asset in ASSET_FILES:
        shutil.copyfile(ASSETS / asset, out / LIBS / asset)
    index_json = json.dumps(search, ensure_ascii=False, indent=None)
    (out / "search.json").write_text(index_json, encoding="utf-8")
    # A script, not fetch(): browsers block fetch() for pages opened from disk (file://).
    (out / LIBS / "suchindex.js").write_text(f"window.SUCHINDEX = {index_json};\n", encoding="utf-8")
    return pages


def page_html(
    book: Book,
    chapters: list[Chapter],
    chapter: Chapter,
    fragment: str,
    previous: Chapter | None,
    following: Chapter | None,
    lines: Titelei = Titelei(),
) -> str:
    """A complete page around the chapter's HTML fragment."""
    root = relative_root(chapter.html_path)
    title_block = _title_block(book, lines) if chapter.html_path == "index.html" else ""
    return f"""<!DOCTYPE html>
<html lang="{escape(book.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(chapter.label)} – {escape(book.title)}</title>
<link rel="stylesheet" href="{root}{LIBS}/sozialbericht.css">
<script src="{root}{LIBS}/suchindex.js" defer></script>
<script src="{root}{LIBS}/suche.js" defer></script>
<script src="{root}{LIBS}/tabellen.js" defer></script>
</head>
<body data-root="{root}">
<a class="sprungmarke" href="#inhalt">Zum Inhalt springen</a>
<header class="kopfzeile">
<a class="buchtitel" href="{root}index.html">{escape(book.title)}</a>
{top_links(chapters, chapter)}<div class="suche" role="search">
<label for="suchfeld" class="nur-vorlesen">Im Bericht suchen</label>
<input id="suchfeld" type="search" placeholder="Suchen …" autocomplete="off" aria-describedby="suchhinweis">
<span id="suchhinweis" class="nur-vorlesen">Ergebnisse erscheinen unter dem Suchfeld.</span>
<div id="suchergebnisse" class="suchergebnisse" aria-live="polite"></div>
</div>
</header>
<div class="rahmen">
<nav class="seitenleiste" aria-label="Inhaltsverzeichnis">
{sidebar(book, chapters, chapter)}
</nav>
<main id="inhalt">
{title_block}{fragment}
{pager(chapter, previous, following)}
</main>
{page_toc(chapter)}
</div>
<footer class="fusszeile"><p>{escape(' · '.join(book.authors))}</p></footer>
</body>
</html>
"""


def _title_block(book: Book, titel: Titelei = Titelei()) -> str:
    lines = ['<header class="titelblock">', f'<p class="titel">{escape(book.title)}</p>']
    if book.subtitle:
        lines.append(f'<p class="untertitel">{escape(book.subtitle)}</p>')
    if book.authors:
        lines.append(f'<p class="autor">{escape(", ".join(book.authors))}</p>')
    lines.append("</header>\n")
    return "\n".join(lines)


# Chapters linked from the page header on every page (by file name), with their link text.
TOP_LINKS = {"downloads": "Daten zum Herunterladen"}


def top_links(chapters: list[Chapter], here: Chapter) -> str:
    """Links in the page header, e.g. to the downloads chapter when the book has one."""
    links = []
    for stem, text in TOP_LINKS.items():
        target = next((c for c in chapters if PurePosixPath(c.entry.path).stem == stem), None)
        if target is not None:
            current = ' aria-current="page"' if target is here else ""
            links.append(f'<a href="{relative_link(here.html_path, target.html_path)}"{current}>{escape(text)}</a>')
    return f'<nav class="kopflinks" aria-label="Schnellzugriff">{"".join(links)}</nav>\n' if links else ""


def chapter_link(here: Chapter, chapter: Chapter) -> str:
    """Sidebar/pager link text with the chapter number set apart."""
    current = ' aria-current="page"' if here is chapter else ""
    number = ""
    if chapter.number is not None:
        shown = f"Anhang {chapter.number}" if chapter.entry.appendix else chapter.number
        number = f'<span class="nummer">{escape(shown)}</span> '
    href = relative_link(here.html_path, chapter.html_path)
    return f'<a href="{href}"{current}>{number}{escape(chapter.title)}</a>'


def sidebar(book: Book, chapters: list[Chapter], here: Chapter) -> str:
    """Table of contents grouped by part, in book order."""
    lines = ['<ul class="toc">']
    part: str | None = None
    for chapter in chapters:
        if chapter.entry.part != part:
            if part is not None:
                lines.append("</ul></li>")
            part = chapter.entry.part
            if part is not None:
                lines.append(f'<li class="teil"><span class="teil-titel">{escape(part)}</span><ul>')
        lines.append(f"<li>{chapter_link(here, chapter)}</li>")
    if part is not None:
        lines.append("</ul></li>")
    lines.append("</ul>")
    return "\n".join(lines)


def page_toc(chapter: Chapter) -> str:
    """"Auf dieser Seite": the chapter's sections (levels 2 and 3)."""
    items = []
    for heading in chapter.headings:
        # Glossary entries and the like are marked {.unlisted}: in no table of contents.
        if heading.level not in (2, 3) or "unlisted" in heading.attrs.classes:
            continue
        number = f'<span class="nummer">{escape(heading.number)}</span> ' if heading.number else ""
        items.append(f'<li class="ebene-{heading.level}"><a href="#{escape(heading.attrs.id)}">'
                     f"{number}{escape(plain_text(heading.text))}</a></li>")
    if not items:
        return ""
    return ('<aside class="seiten-toc" aria-labelledby="seiten-toc-titel">\n'
            '<h2 id="seiten-toc-titel">Auf dieser Seite</h2>\n<ul>\n' + "\n".join(items) + "\n</ul>\n</aside>")


def pager(chapter: Chapter, previous: Chapter | None, following: Chapter | None) -> str:
    """Links to the previous and next chapter."""
    links = []
    if previous:
        links.append(f'<a class="zurueck" rel="prev" href="{relative_link(chapter.html_path, previous.html_path)}">'
                     f'<span class="richtung">Zurück</span> {escape(previous.label)}</a>')
    if following:
        links.append(f'<a class="weiter" rel="next" href="{relative_link(chapter.html_path, following.html_path)}">'
                     f'<span class="richtung">Weiter</span> {escape(following.label)}</a>')
    return '<nav class="blaettern" aria-label="Kapitel blättern">\n' + "\n".join(links) + "\n</nav>"


# --- search -----------------------------------------------------------------------------------

class _SectionText(HTMLParser):
    """Collects the text of a page fragment per section (Pandoc's ``--section-divs``)."""

    SKIP = {"script", "style", "math"}

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[dict] = [{"id": "", "titel": "", "text": []}]
        self.pending_id = ""
        self.in_heading = False
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "section" and attrs.get("id"):
            self.pending_id = attrs["id"]
        elif tag in ("h1", "h2", "h3", "h4"):
            self.sections.append({"id": attrs.get("id") or self.pending_id, "titel": "", "text": []})
            self.in_heading = True

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("h1", "h2", "h3", "h4"):
            self.in_heading = False

    def handle_data(self, data):
        if self.skipping:
            return
        section = self.sections[-1]
        if self.in_heading:
            section["titel"] += data
        else:
            section["text"].append(data)


def search_entries(chapter: Chapter, fragment: str) -> list[dict]:
    """Search index entries for one page: one per section with its plain text."""
    parser = _SectionText()
    parser.feed(fragment)
    entries = []
    for section in parser.sections:
        text = " ".join(" ".join(section["text"]).split())
        title = " ".join(section["titel"].split())
        if not text and not title:
            continue
        href = chapter.html_path + (f"#{section['id']}" if section["id"] else "")
        entries.append({"kapitel": chapter.label, "titel": title or chapter.label, "href": href, "text": text})
    return entries
