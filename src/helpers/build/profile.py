"""Quarto profiles: the published book and the draft (``entwurf``) from the same sources.

As in Quarto (quarto.org, "Project Profiles" and "Conditional Content"), the active profiles
come from ``--profile`` or the environment variable ``QUARTO_PROFILE`` (comma-separated), and
a chapter marks draft-only content with a fenced div::

    ::: {.content-visible when-profile="entwurf"}
    Editors' note: where this text lives, what is still missing.
    :::

``.content-hidden when-profile="…"`` is the opposite. The Python engine applies these divs
itself; Quarto does it natively. The published book is the build without a profile.
"""

from __future__ import annotations

import os
import re

from helpers.build.errors import BuildError

ENV = "QUARTO_PROFILE"
DRAFT = "entwurf"
#: A Fortschreibung (an edition after the first): adds the chapter comparing it with the previous one.
FORTSCHREIBUNG = "fortschreibung"
FENCE_RE = re.compile(r"^(?P<colons>:{3,})\s*(?P<attrs>\{[^}]*\}|[\w-]+)?\s*$")
CODE_RE = re.compile(r"^(```|~~~)")
CONDITION_RE = re.compile(r"\.(?P<kind>content-visible|content-hidden)\b")
PROFILE_ATTR_RE = re.compile(r'when-profile\s*=\s*"(?P<names>[^"]*)"')


def with_profile(value: str, name: str) -> str:
    """``QUARTO_PROFILE`` value ``value`` with ``name`` added (kept once, order kept)."""
    names = [p.strip() for p in value.split(",") if p.strip()]
    return ",".join(names if name in names else [*names, name])


def active(env: dict | None = None) -> frozenset[str]:
    """The active profiles from ``QUARTO_PROFILE``."""
    value = (env if env is not None else os.environ).get(ENV, "")
    return frozenset(p.strip() for p in value.split(",") if p.strip())


def _visible(attrs: str, profiles: frozenset[str]) -> bool | None:
    """True/False for a profile condition div, None for any other div."""
    kind = CONDITION_RE.search(attrs)
    names = PROFILE_ATTR_RE.search(attrs)
    if not kind or not names:
        return None
    hit = bool(profiles & {n.strip() for n in names.group("names").split(",")})
    return hit if kind.group("kind") == "content-visible" else not hit


def apply(body: str, profiles: frozenset[str], where: str = "") -> str:
    """``body`` with the profile-conditional divs kept (without their fences) or removed."""
    out: list[str] = []
    stack: list[tuple[int, bool | None]] = []  # (fence length, condition) of the open divs
    in_code = False
    for number, line in enumerate(body.splitlines(keepends=True), start=1):
        hidden = any(c is False for _, c in stack)
        if CODE_RE.match(line.lstrip()):
            in_code = not in_code
        fence = None if in_code else FENCE_RE.match(line.rstrip("\r\n"))
        if fence and fence.group("attrs"):
            condition = _visible(fence.group("attrs"), profiles)
            stack.append((len(fence.group("colons")), condition))
            if condition is None and not hidden:
                out.append(line)
            continue
        if fence:  # a closing fence closes the innermost open div
            if not stack:
                out.append(line)
                continue
            _, condition = stack.pop()
            if condition is None and not hidden:
                out.append(line)
            continue
        if not hidden:
            out.append(line)
    if stack:
        raise BuildError(f"{where}: ein Block „:::“ wird nicht geschlossen (es fehlt eine Zeile „:::“).")
    return "".join(out)
