"""Small text helpers for Pandoc Markdown: code-aware splitting, headings, attributes.

The build edits chapter Markdown as text (embeds, numbers, references) before Pandoc
reads it. These helpers keep those edits away from code blocks and inline code, where
``@fig-x`` or ``{{< embed >}}`` must stay literal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

FENCE_RE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})")
INLINE_CODE_RE = re.compile(r"(`+)(?:.|\n)+?\1")
HEADING_RE = re.compile(r"^(?P<marks>#{1,6})[ \t]+(?P<text>.*?)[ \t]*(?:\{(?P<attrs>[^{}]*)\})?[ \t]*$")
ATTR_TOKEN_RE = re.compile(r"""#(?P<id>[^\s"'#.]+)|\.(?P<cls>[^\s"'#.]+)|(?P<key>[\w:-]+)=(?:"(?P<qval>(?:[^"\\]|\\.)*)"|(?P<val>[^\s"]+))|(?P<dash>-)(?=\s|$)""")


def segments(text: str) -> Iterator[tuple[bool, str]]:
    """Split ``text`` into ``(is_code, chunk)`` pieces by fenced code blocks.

    Raw blocks such as ```` ```{=typst} ```` count as code too, so nothing edits them.
    """
    chunk: list[str] = []
    closing: re.Pattern[str] | None = None  # pattern of the fence that closes the open block
    for line in text.splitlines(keepends=True):
        if closing is None:
            match = FENCE_RE.match(line)
            if match:
                if chunk:
                    yield False, "".join(chunk)
                fence = match.group("fence")
                closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
                chunk = []
            chunk.append(line)
        else:
            chunk.append(line)
            if closing.match(line):
                yield True, "".join(chunk)
                chunk, closing = [], None
    if chunk:
        yield closing is not None, "".join(chunk)


def map_prose(text: str, fn: Callable[[str], str]) -> str:
    """Apply ``fn`` to every piece of ``text`` outside fenced and inline code."""
    out: list[str] = []
    for is_code, chunk in segments(text):
        if is_code:
            out.append(chunk)
            continue
        last = 0
        for match in INLINE_CODE_RE.finditer(chunk):
            out.append(fn(chunk[last:match.start()]))
            out.append(match.group(0))
            last = match.end()
        out.append(fn(chunk[last:]))
    return "".join(out)


def map_prose_lines(text: str, fn: Callable[[str], str]) -> str:
    """Apply ``fn`` to every line outside fenced code (line ending not included)."""
    out: list[str] = []
    for is_code, chunk in segments(text):
        if is_code:
            out.append(chunk)
            continue
        for line in chunk.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            out.append(fn(body) + line[len(body):])
    return "".join(out)


@dataclass
class Attributes:
    """Pandoc attributes ``{#id .class key="value"}``."""

    id: str = ""
    classes: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)

    @property
    def unnumbered(self) -> bool:
        return "unnumbered" in self.classes

    def render(self) -> str:
        """``{#id .class key="value"}``, or an empty string when there is nothing to say."""
        parts = [f"#{self.id}"] if self.id else []
        parts += [f".{c}" for c in self.classes]
        parts += [f'{k}="{quote_attribute(v)}"' for k, v in self.values.items()]
        return "{" + " ".join(parts) + "}" if parts else ""


def quote_attribute(value: str) -> str:
    """Escape a value for a double-quoted Pandoc attribute."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def parse_attributes(text: str | None) -> Attributes:
    """Parse the inside of ``{…}`` (``-`` is Pandoc's short form of ``.unnumbered``)."""
    attrs = Attributes()
    for match in ATTR_TOKEN_RE.finditer(text or ""):
        if match.group("id"):
            attrs.id = match.group("id")
        elif match.group("cls"):
            attrs.classes.append(match.group("cls"))
        elif match.group("dash"):
            attrs.classes.append("unnumbered")
        elif match.group("key"):
            value = match.group("qval")
            value = re.sub(r"\\(.)", r"\1", value) if value is not None else match.group("val")
            attrs.values[match.group("key")] = value
    return attrs


@dataclass
class Heading:
    """An ATX heading of a chapter."""

    level: int
    text: str                # Markdown inline text without attributes
    attrs: Attributes
    number: str | None = None  # "3.2", "A.1"; None when unnumbered


def parse_heading(line: str) -> Heading | None:
    """Return the heading on ``line`` or None."""
    match = HEADING_RE.match(line)
    if not match:
        return None
    text = re.sub(r"[ \t]+#+$", "", match.group("text"))  # optional closing hashes
    return Heading(len(match.group("marks")), text, parse_attributes(match.group("attrs")))


def headings(text: str) -> list[Heading]:
    """All ATX headings outside code blocks, in order."""
    found: list[Heading] = []
    for is_code, chunk in segments(text):
        if not is_code:
            found += [h for h in map(parse_heading, chunk.splitlines()) if h]
    return found


def plain_text(inline: str) -> str:
    """Markdown inline text as plain text (for titles in navigation, search and messages)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", inline)      # links, images
    text = re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", text)          # spans
    text = re.sub(r"(\*\*|__|\*|_|`|~~)(.+?)\1", r"\2", text)      # emphasis, code
    text = re.sub(r"\\(.)", r"\1", text)                            # escapes
    return " ".join(text.split())


def slugify(text: str) -> str:
    """An identifier like Pandoc's ``auto_identifiers`` would make."""
    text = plain_text(text).lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " _-." or unicodedata.category(ch) == "Mn")
    text = re.sub(r"\s+", "-", text.strip())
    text = re.sub(r"^[^a-zäöüß]+", "", text)  # identifiers start with a letter
    return text or "abschnitt"
