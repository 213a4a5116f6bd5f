"""Quarto shortcodes other than ``embed`` (``include``, ``pagebreak``) and landscape pages.

``{{< include _teil.qmd >}}`` pastes another file in (path relative to the including
file, recursively), as Quarto does before anything else. Any other shortcode is a build
error rather than text left in the book.

``::: {.landscape}`` puts its content on landscape pages in the PDF and the DOCX, as
Quarto's landscape filter does (the same raw Typst and OpenXML blocks); the web pages
are unaffected. The book uses it for tables with one column per district.
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers.build.config import split_front_matter
from helpers.build.errors import BuildError
from helpers.build.markdown import map_prose

SHORTCODE_RE = re.compile(r"\{\{<\s*(?P<name>[\w-]+)(?P<args>[^>]*?)\s*>\}\}")
INCLUDE_RE = re.compile(r"\{\{<\s*include\s+(?P<path>[^\s>]+)\s*>\}\}")
SUPPORTED = {"embed", "include", "pagebreak"}
PAGEBREAK = {
    "html": "",
    "docx": '```{=openxml}\n<w:p><w:r><w:br w:type="page"/></w:r></w:p>\n```',
    "typst": "```{=typst}\n#pagebreak(weak: true)\n```",
}


def expand_includes(body: str, base: Path, where: str, depth: int = 0) -> str:
    """Replace ``{{< include file >}}`` with the file's Markdown (front matter removed)."""
    if depth > 10:
        raise BuildError(f"{where}: include-Shortcodes sind zu tief verschachtelt (Zyklus?).")

    def replace(match: re.Match) -> str:
        path = (base / match.group("path")).resolve()
        if not path.is_file():
            raise BuildError(f"{where}: {match.group(0)} – die Datei {path} gibt es nicht.")
        _, text = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        return expand_includes(text, path.parent, where, depth + 1)

    return map_prose(body, lambda prose: INCLUDE_RE.sub(replace, prose))


def check_supported(body: str, where: str) -> None:
    """Fail on shortcodes the build cannot render (instead of leaving ``{{<`` in the book)."""
    unknown: list[str] = []
    map_prose(body, lambda prose: unknown.extend(m.group(0) for m in SHORTCODE_RE.finditer(prose)
                                                 if m.group("name") not in SUPPORTED) or prose)
    if unknown:
        raise BuildError(f"{where}: diese Shortcodes unterstützt der Build ohne Quarto nicht: "
                         + ", ".join(dict.fromkeys(unknown)))


LANDSCAPE_RE = re.compile(r"^(?P<colons>:{3,})\s*\{[^}]*(?<![\w-])\.landscape(?![\w-])[^}]*\}\s*$")
FENCE_RE = re.compile(r"^:{3,}\s*(\{[^}]*\}|[\w-]+)?\s*$")
CODE_RE = re.compile(r"^(```|~~~)")
# Quarto 1.10, quarto-post/landscape.lua: what goes before and after the content.
LANDSCAPE = {
    "typst": ("```{=typst}\n#set page(flipped: true)\n```", "```{=typst}\n#set page(flipped: false)\n```"),
    "docx": ("```{=openxml}\n<w:p><w:pPr><w:sectPr></w:sectPr></w:pPr></w:p>\n```",
             '```{=openxml}\n<w:p><w:pPr><w:sectPr><w:pgSz w:h="11906" w:w="16838" w:orient="landscape" />'
             "</w:sectPr></w:pPr></w:p>\n```"),
}


def render_landscape(body: str, fmt: str) -> str:
    """``::: {.landscape}`` divs for ``fmt``: raw page blocks around the content (PDF, DOCX), the
    div unchanged for the web pages."""
    if fmt not in LANDSCAPE:
        return body
    start, end = LANDSCAPE[fmt]
    out: list[str] = []
    stack: list[bool] = []  # open divs: is it a landscape div?
    in_code = False
    for line in body.splitlines(keepends=True):
        if CODE_RE.match(line.lstrip()):
            in_code = not in_code
        bare = line.rstrip("\r\n")
        if not in_code and LANDSCAPE_RE.match(bare):
            stack.append(True)
            out.append(f"\n{start}\n\n")
            continue
        if not in_code and FENCE_RE.match(bare):
            if bare.strip(": ") == "":  # a closing fence closes the innermost div
                if stack and stack.pop():
                    out.append(f"\n{end}\n\n")
                    continue
            else:
                stack.append(False)
        out.append(line)
    return "".join(out)


def render_pagebreaks(body: str, fmt: str) -> str:
    """``{{< pagebreak >}}`` for ``fmt`` ("html", "docx", "typst")."""
    return map_prose(body, lambda prose: re.sub(r"\{\{<\s*pagebreak\s*>\}\}", PAGEBREAK[fmt], prose))
