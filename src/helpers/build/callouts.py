"""Quarto callouts (``::: {.callout-note}``) for HTML, DOCX and Typst.

Quarto takes a callout's first heading as its title. ``normalize`` moves that heading
into a ``title`` attribute before headings are numbered (so it neither gets a number nor
lands in the table of contents); ``render`` then writes each callout for one format.
"""

from __future__ import annotations

import re

from helpers.build.markdown import parse_attributes, parse_heading, segments

OPEN_RE = re.compile(r"^(?P<colons>:{3,})\s*(?:\{(?P<attrs>[^{}]*)\}|(?P<cls>[\w-]+))\s*$")
CLOSE_RE = re.compile(r"^:{3,}\s*$")
KIND_RE = re.compile(r"^callout-(?P<kind>\w+)$")

# Quarto's German titles (lang: de) for callouts without their own title.
DEFAULT_TITLES = {
    "note": "Hinweis",
    "warning": "Warnung",
    "important": "Wichtig",
    "tip": "Tipp",
    "caution": "Vorsicht",
}


def callout_kind(line: str) -> str | None:
    """"note", "warning", … if ``line`` opens a callout div."""
    match = OPEN_RE.match(line)
    if not match:
        return None
    classes = parse_attributes(match.group("attrs")).classes if match.group("attrs") else [match.group("cls")]
    kinds = [m.group("kind") for m in map(KIND_RE.match, classes) if m]
    return kinds[0] if kinds else None


def normalize(body: str) -> str:
    """Rewrite each callout's opening as ``::: {.callout-KIND title="…"}``.

    The title is the callout's first heading (removed from the body), its ``title``
    attribute, or Quarto's German default.
    """
    out: list[str] = []
    for is_code, chunk in segments(body):
        if is_code:
            out.append(chunk)
            continue
        lines = chunk.split("\n")
        result: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            kind = callout_kind(line)
            if kind is None:
                result.append(line)
                i += 1
                continue
            match = OPEN_RE.match(line)
            attrs = parse_attributes(match.group("attrs") or f".{match.group('cls')}")
            title = attrs.values.pop("title", None)
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            heading = parse_heading(lines[j]) if j < len(lines) else None
            if heading is not None:
                title = title or heading.text
                i = j  # drop the heading line
            attrs.values["title"] = title or DEFAULT_TITLES.get(kind, kind.capitalize())
            result.append(f"{match.group('colons')} {attrs.render()}")
            i += 1
        out.append("\n".join(result))
    return "".join(out)


def render(body: str, fmt: str) -> str:
    """Write every (normalized) callout for ``fmt``: "html", "docx" or "typst"."""
    out: list[str] = []
    for is_code, chunk in segments(body):
        if is_code:
            out.append(chunk)
            continue
        result: list[str] = []
        stack: list[str | None] = []  # open divs: callout kind or None for other divs
        for line in chunk.split("\n"):
            kind = callout_kind(line)
            if kind is not None:
                match = OPEN_RE.match(line)
                title = parse_attributes(match.group("attrs")).values.get("title", "")
                stack.append(kind)
                result += _open(kind, title, fmt)
            elif OPEN_RE.match(line):
                stack.append(None)
                result.append(line)
            elif CLOSE_RE.match(line) and stack:
                kind = stack.pop()
                result += _close(fmt) if kind is not None else [line]
            else:
                result.append(line)
        out.append("\n".join(result))
    return "".join(out)


def _open(kind: str, title: str, fmt: str) -> list[str]:
    if fmt == "html":
        return ["", f'::: {{.callout .callout-{kind} role="note"}}', "::: callout-titel", title, ":::", ""]
    if fmt == "typst":
        return ["", "```{=typst}", f'#callout(art: "{kind}")[', "```", "", f"**{title}**", ""]
    return ["", '::: {custom-style="Hinweis"}', f"**{title}**", ""]


def _close(fmt: str) -> list[str]:
    if fmt == "typst":
        return ["", "```{=typst}", "]", "```", ""]
    return ["", ":::", ""]
