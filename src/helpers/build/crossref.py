"""Numbering and cross-references like Quarto's, in German.

- Chapters are numbered consecutively across parts; ``index.qmd`` and chapters whose
  heading is ``{.unnumbered}`` stay unnumbered; appendices are lettered A, B, ….
- Sections are numbered within their chapter (3.1, 3.1.1; appendix A.1).
- Figures and tables are numbered per chapter ("Abbildung 3.2", "Tabelle A.1") and their
  captions get that prefix.
- ``@fig-x``, ``@tbl-x``, ``@sec-x`` become links with German text; ``[-@fig-x]`` gives
  the bare number. A reference without target is a build error.

All functions work on Markdown text and return new text; nothing is changed in place
except the ``taken`` set of identifiers passed in by the caller.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from helpers.build.errors import BuildError
from helpers.build.markdown import (
    Attributes,
    Heading,
    map_prose,
    parse_attributes,
    parse_heading,
    plain_text,
    segments,
    slugify,
)

PREFIX = {"fig": "Abbildung", "tbl": "Tabelle", "chapter": "Kapitel", "appendix": "Anhang", "section": "Abschnitt"}
LABEL = r"(?:fig|tbl|sec)-[\w-]*\w"
BRACKET_REF_RE = re.compile(rf"\[(?P<minus>-?)@(?P<label>{LABEL})\]")
REF_RE = re.compile(rf"(?<![\w.@/\\-])(?P<minus>-?)@(?P<label>{LABEL})")
FIGURE_RE = re.compile(r"^!\[(?P<cap>.*)\]\((?P<src>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)\{(?P<attrs>[^{}]*)\}\s*$")
TABLE_CAPTION_RE = re.compile(r"^(?:Table)?:\s+(?P<cap>.*?)\s*\{(?P<attrs>[^{}]*)\}\s*$")
QMD_LINK_RE = re.compile(r"\]\((?P<target>(?![A-Za-z][A-Za-z0-9+.-]*:|#|/)[^)\s]+?\.qmd)(?P<frag>#[^)\s]*)?(?P<title>\s+\"[^\"]*\")?\)")


@dataclass(frozen=True)
class Target:
    """Something a reference can point at."""

    label: str           # "fig-x", "tbl-y", "sec-z"
    kind: str            # "fig", "tbl", "chapter", "appendix", "section"
    number: str | None   # "3.1", "A", None when unnumbered
    title: str           # plain caption or heading text
    chapter: str         # source path of the chapter that holds it


# --- chapters ---------------------------------------------------------------------------------

def chapter_numbers(chapters: Iterable[tuple[bool, bool]]) -> list[str | None]:
    """Numbers for ``(numbered, appendix)`` pairs in book order: "1", "2", …; "A", "B", …; None."""
    numbers: list[str | None] = []
    main = appendix = 0
    for numbered, is_appendix in chapters:
        if not numbered:
            numbers.append(None)
        elif is_appendix:
            numbers.append(letters(appendix))
            appendix += 1
        else:
            main += 1
            numbers.append(str(main))
    return numbers


def letters(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA" (like spreadsheet columns)."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def chapter_label(number: str | None, title: str, appendix: bool) -> str:
    """How a chapter is titled: "3 Konzeption", "Anhang A — Glossar", or just the title."""
    if number is None:
        return title
    return f"{PREFIX['appendix']} {number} — {title}" if appendix else f"{number} {title}"


# --- headings ---------------------------------------------------------------------------------

def number_headings(
    body: str,
    *,
    chapter: str,
    number: str | None,
    appendix: bool,
    taken: set[str],
) -> tuple[str, list[Heading], list[Target]]:
    """Number the headings of one chapter and give each a unique id.

    The chapter's single level-1 heading gets the chapter number (``number`` None = unnumbered);
    lower levels are numbered within it. ``taken`` holds ids already used in the book and
    is updated, so generated ids are unique across the whole book (one DOCX/PDF file).
    Returns the new body, the headings (with numbers and ids) and the ``sec-`` targets.
    """
    found: list[Heading] = []
    targets: list[Target] = []
    counters = [0] * 7

    def rewrite(line: str) -> str:
        heading = parse_heading(line)
        if heading is None:
            return line
        if heading.level == 1 and any(h.level == 1 for h in found):
            raise BuildError(f"{chapter}: mehr als eine Überschrift der Ebene 1 ('# …'). Ein Kapitel hat genau "
                             "eine; Abschnitte beginnen mit '##'.")
        if heading.level > 1 and not found:
            raise BuildError(f"{chapter}: vor '{line.strip()}' fehlt die Kapitelüberschrift ('# Titel').")
        attrs = heading.attrs
        if not attrs.id:
            base = slugify(heading.text) if heading.level > 1 else "kapitel-" + slugify(chapter.removesuffix(".qmd").replace("/", "-"))
            attrs.id = unique_id(base, taken)
        elif attrs.id in taken:
            raise BuildError(f"{chapter}: die Kennung #{attrs.id} kommt im Buch mehrfach vor.")
        taken.add(attrs.id)
        if heading.level == 1:
            heading.number = number
            text = heading.text if number is None else (
                f"[{PREFIX['appendix']} {number}]{{.chapter-number}} — {heading.text}" if appendix
                else f"[{number}]{{.chapter-number}} {heading.text}")
            kind = "appendix" if appendix else "chapter"
        else:
            counters[heading.level] += 0 if attrs.unnumbered or number is None else 1
            counters[heading.level + 1:] = [0] * (6 - heading.level)
            if number is not None and not attrs.unnumbered:
                heading.number = ".".join([number] + [str(c) for c in counters[2:heading.level + 1]])
            text = heading.text if heading.number is None else f"[{heading.number}]{{.header-section-number}} {heading.text}"
            kind = "section"
        if heading.number is None and "unnumbered" not in attrs.classes:
            attrs.classes.append("unnumbered")
        found.append(heading)
        if attrs.id.startswith("sec-"):
            targets.append(Target(attrs.id, kind, heading.number, plain_text(heading.text), chapter))
        return f"{'#' * heading.level} {text} {attrs.render()}"

    out = []
    for is_code, chunk in segments(body):
        out.append(chunk if is_code else "".join(_map_lines(chunk, rewrite)))
    if not any(h.level == 1 for h in found):
        raise BuildError(f"{chapter}: keine Kapitelüberschrift ('# Titel') und kein 'title' im YAML-Kopf.")
    return "".join(out), found, targets


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-1``, ``base-2``, … if taken (Pandoc's rule)."""
    candidate, n = base, 0
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _map_lines(chunk: str, fn: Callable[[str], str]) -> list[str]:
    out = []
    for line in chunk.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append(fn(body) + line[len(body):])
    return out


# --- figures and tables -----------------------------------------------------------------------

def float_number(chapter_number: str | None, index: int) -> str:
    """"3.2" within chapter 3; "2" in an unnumbered chapter."""
    return f"{chapter_number}.{index}" if chapter_number else str(index)


def number_floats(body: str, *, chapter: str, number: str | None) -> tuple[str, list[Target]]:
    """Prefix figure and table captions with "Abbildung 3.1: " / "Tabelle 3.1: ".

    Figures are images with a ``#fig-`` id alone on a line; tables are Quarto's caption line
    ``: caption {#tbl-x}`` below a table. Each table is wrapped in a div with its id, so a
    link can point at it in every format.
    """
    targets: list[Target] = []
    counts = {"fig": 0, "tbl": 0}
    out: list[str] = []
    for is_code, chunk in segments(body):
        if is_code:
            out.append(chunk)
            continue
        lines = chunk.splitlines()
        result: list[str] = []
        for line in lines:
            figure = FIGURE_RE.match(line)
            caption = TABLE_CAPTION_RE.match(line)
            if figure and parse_attributes(figure.group("attrs")).id.startswith("fig-"):
                attrs = parse_attributes(figure.group("attrs"))
                counts["fig"] += 1
                num = float_number(number, counts["fig"])
                cap = _prefixed("fig", num, figure.group("cap"))
                targets.append(Target(attrs.id, "fig", num, plain_text(figure.group("cap")), chapter))
                result.append(f"![{cap}]({figure.group('src')}{figure.group('title') or ''}){attrs.render()}")
            elif caption and parse_attributes(caption.group("attrs")).id.startswith("tbl-"):
                attrs = parse_attributes(caption.group("attrs"))
                counts["tbl"] += 1
                num = float_number(number, counts["tbl"])
                targets.append(Target(attrs.id, "tbl", num, plain_text(caption.group("cap")), chapter))
                start = _table_start(result)
                if start is None:
                    raise BuildError(f"{chapter}: über der Tabellenbeschriftung '{line.strip()}' steht keine Tabelle.")
                div = Attributes(attrs.id, ["quarto-table"] + attrs.classes, attrs.values)
                result[start:start] = [f"::: {div.render()}", ""]
                result += [f": {_prefixed('tbl', num, caption.group('cap'))}", ":::"]
            else:
                result.append(line)
        out.append("\n".join(result) + ("\n" if chunk.endswith("\n") else ""))
    return "".join(out), targets


def _prefixed(kind: str, number: str, caption: str) -> str:
    return f"{PREFIX[kind]} {number}: {caption}" if caption.strip() else f"{PREFIX[kind]} {number}"


def _table_start(lines: list[str]) -> int | None:
    """Index of the first line of the table block that ends just above the caption."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and lines[start - 1].strip():
        start -= 1
    return start if end > start else None


# --- references -------------------------------------------------------------------------------

def index_targets(targets: Iterable[Target]) -> dict[str, Target]:
    """``{label: target}``; a label defined twice is an error naming both chapters."""
    index: dict[str, Target] = {}
    for target in targets:
        if target.label in index:
            first = index[target.label]
            raise BuildError(f"Das label '{target.label}' ist doppelt vergeben: in {first.chapter} und in "
                             f"{target.chapter}. Labels müssen im ganzen Buch eindeutig sein.")
        index[target.label] = target
    return index


def ref_text(target: Target, bare: bool = False) -> str:
    """German reference text: "Abbildung 3.1", "Kapitel 3", "Anhang A", "Abschnitt 3.2"."""
    if target.number is None:
        return target.title
    return target.number if bare else f"{PREFIX[target.kind]} {target.number}"


def resolve_refs(
    body: str,
    targets: Mapping[str, Target],
    href: Callable[[Target], str],
    *,
    chapter: str,
) -> str:
    """Replace ``@fig-x``/``@tbl-x``/``@sec-x`` (also ``[@…]``, ``[-@…]``) with German links.

    ``href`` gives the link target for a target (page and anchor in HTML, ``#label`` in a
    single-file book). All unresolved references are reported together.
    """
    missing = missing_refs(body, targets)
    if missing:
        raise BuildError(unresolved_message({chapter: missing}, targets))

    def link(match: re.Match) -> str:
        target = targets[match.group("label")]
        return f"[{ref_text(target, bare=bool(match.group('minus')))}]({href(target)})"

    return map_prose(body, lambda prose: REF_RE.sub(link, BRACKET_REF_RE.sub(link, prose)))


def missing_refs(body: str, targets: Mapping[str, Target]) -> list[str]:
    """Labels referenced in ``body`` that have no target, in order, each once."""
    found: list[str] = []
    map_prose(body, lambda prose: found.extend(m.group("label") for m in REF_RE.finditer(prose)) or prose)
    return [label for label in dict.fromkeys(found) if label not in targets]


def unresolved_message(missing: Mapping[str, list[str]], targets: Mapping[str, Target]) -> str:
    """German report of unresolved references per chapter, with a guess for typos."""
    lines = ["Verweise ohne Ziel:"]
    for chapter, labels in missing.items():
        for label in labels:
            close = difflib.get_close_matches(label, list(targets), n=1)
            lines.append(f"  {chapter}: @{label}" + (f" (gemeint: @{close[0]}?)" if close else ""))
    lines.append("Jedes @fig-/@tbl-/@sec-Label braucht eine Abbildung, Tabelle oder Überschrift mit diesem label.")
    return "\n".join(lines)


def rewrite_chapter_links(
    body: str,
    *,
    chapter: str,
    href: Callable[[str, str], str | None],
) -> str:
    """Rewrite links to other chapters (``../teil2/x.qmd#anker``) with ``href(path, fragment)``.

    ``path`` is relative to the book root; ``href`` returns None for an unknown chapter,
    which is a build error.
    """
    base = PurePosixPath(chapter).parent

    def replace(match: re.Match) -> str:
        path = _normalize(base / match.group("target"))
        new = href(path, (match.group("frag") or "")[1:])
        if new is None:
            raise BuildError(f"{chapter}: der Link auf '{match.group('target')}' zeigt auf kein Kapitel des Buchs.")
        return f"]({new}{match.group('title') or ''})"

    return map_prose(body, lambda prose: QMD_LINK_RE.sub(replace, prose))


def _normalize(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)
