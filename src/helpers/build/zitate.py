"""Citations: ``[@key]`` and ``@key`` in the chapters, formatted by pandoc's citeproc.

Quarto passes ``bibliography`` and ``csl`` to pandoc's citeproc; the Python engine does
the same for every format (``pandoc_args``). Before that, ``check`` stops the build on a
key that is not in the bibliography, because citeproc would only print "(key?)".
In HTML each chapter page gets its references hidden (as Quarto does, for the pop-ups)
and links to the one page that shows the list: the chapter with the ``::: {#refs}`` div.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

from helpers.build.config import Book
from helpers.build.errors import BuildError
from helpers.build.markdown import map_prose

# A pandoc citation key after "@" (not an e-mail address or a @fig-/@tbl-/@sec- reference):
# letters, digits and "_", with internal punctuation, ending in a letter or digit.
KEY = r"[A-Za-z0-9_](?:[\w:.#$%&+?<>~/-]*[A-Za-z0-9_])?"
CITE_RE = re.compile(rf"(?<![\w.@/\\-])-?@(?P<key>{KEY})")
CROSSREF_RE = re.compile(r"(?:fig|tbl|sec)-")
BIB_KEY_RE = re.compile(r"^\s*@(?!comment\b|string\b|preamble\b)\w+\s*\{\s*(?P<key>[^,\s]+)\s*,", re.M | re.I)
REFS_DIV_RE = re.compile(r"^:::+\s*\{\s*#refs\b[^}]*\}\s*$", re.M)


def bibliography_keys(book: Book) -> set[str]:
    """All keys of the book's bibliography files (BibTeX/BibLaTeX)."""
    keys: set[str] = set()
    for name in book.bibliography:
        keys |= {m.group("key") for m in BIB_KEY_RE.finditer((book.root / name).read_text(encoding="utf-8"))}
    return keys


def cited_keys(body: str) -> list[str]:
    """Citation keys in ``body`` in order of first use, outside code."""
    found: list[str] = []

    def collect(prose: str) -> str:
        found.extend(m.group("key") for m in CITE_RE.finditer(prose) if not CROSSREF_RE.match(m.group("key")))
        return prose

    map_prose(body, collect)
    return list(dict.fromkeys(found))


def has_refs_div(body: str) -> bool:
    return bool(REFS_DIV_RE.search(body))


def check(book: Book, bodies: Iterable[tuple[str, str]]) -> list[str]:
    """Keys cited in ``(chapter path, body)`` pairs, in order; a BuildError for unknown keys."""
    known = bibliography_keys(book)
    cited: dict[str, None] = {}
    unknown: list[str] = []
    for path, body in bodies:
        for key in cited_keys(body):
            cited.setdefault(key, None)
            if key not in known:
                close = difflib.get_close_matches(key, sorted(known), n=1)
                unknown.append(f"  {path}: @{key}" + (f" (gemeint: @{close[0]}?)" if close else ""))
    if unknown:
        where = ", ".join(book.bibliography) or "(keine Datei unter 'bibliography:' in _quarto.yml)"
        raise BuildError("Zitierungen ohne Eintrag im Literaturverzeichnis:\n" + "\n".join(unknown)
                         + f"\nJede Zitierung [@schlüssel] braucht einen Eintrag mit diesem Schlüssel in {where}.")
    return list(cited)


def pandoc_args(book: Book) -> list[str]:
    """citeproc options for pandoc, as Quarto sets them; none without a bibliography.

    The paths are relative to the book root, so pandoc must run there (``cwd=book.root``):
    the DOCX keeps them among its document properties, and an absolute path would make
    the same book differ between two folders.
    """
    if not book.bibliography:
        return []
    args = ["--citeproc", "--metadata", "link-citations=true"]
    for name in book.bibliography:
        args += ["--bibliography", name]
    if book.csl:
        args += ["--csl", book.csl]
    return args


def nocite_front_matter(keys: Iterable[str]) -> str:
    """YAML front matter listing ``keys`` under ``nocite`` (for the references page)."""
    keys = list(keys)
    if not keys:
        return ""
    return "---\nnocite: |\n  " + ", ".join(f"@{k}" for k in keys) + "\n---\n\n"


def hide_page_references(html: str, refs_href: str) -> str:
    """A chapter page: its reference list hidden, its citation links pointing to ``refs_href``."""
    html = re.sub(r'<div id="refs"', '<div id="refs" style="display: none"', html, count=1)
    return html.replace('href="#ref-', f'href="{refs_href}#ref-')
