"""Accessibility audit of built HTML in a real browser: axe-core in headless Chromium.

::

    from a11y import audit, serious
    violations = audit(Path("_book"))          # every *.html page below _book/
    assert serious(violations) == []

or from the shell (any HTML folder, e.g. Quarto's output)::

    .venv/bin/python tests/a11y.py _book

Needs Chromium (``chromium`` on PATH or ``$CHROMIUM``) and the pinned npm packages in
``tools/a11y`` (``make a11y`` = ``npm ci --prefix tools/a11y``). The pages are served from
127.0.0.1; no other network is used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "a11y"
RUNNER = TOOLS / "axe.mjs"
SERIOUS = ("serious", "critical")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


class Unavailable(RuntimeError):
    """Chromium, node or the npm packages are missing."""


@dataclass(frozen=True)
class Violation:
    """One axe rule that fails on one page in one window size, with the elements that fail it."""

    page: str
    viewport: str                        # "1280x900" (desktop) or "390x844" (phone)
    rule: str
    impact: str
    help: str
    url: str
    nodes: tuple[tuple[str, str], ...]   # (CSS selector, HTML snippet)

    def __str__(self) -> str:
        where = "; ".join(f"{sel} {html[:120]}" for sel, html in self.nodes[:3])
        more = f" (+{len(self.nodes) - 3})" if len(self.nodes) > 3 else ""
        return f"{self.page} ({self.viewport}): [{self.impact}] {self.rule}: {self.help} – {where}{more} ({self.url})"


def chromium() -> str | None:
    return (os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
            or shutil.which("google-chrome"))


def missing(axe: bool = True) -> str | None:
    """Why the audit (``axe``) or just the browser cannot run here, or None."""
    if chromium() is None:
        return "Chromium fehlt (Debian: apt-get install chromium)"
    if not axe:
        return None
    if not RUNNER.is_file():
        return f"{RUNNER} fehlt"
    if shutil.which("node") is None:
        return "node.js fehlt"
    if not (TOOLS / "node_modules" / "axe-core").is_dir() or not (TOOLS / "node_modules" / "playwright-core").is_dir():
        return "axe-core fehlt (make a11y, d. h. npm ci --prefix tools/a11y)"
    return None


def require_browser(axe: bool = True) -> str:
    """The Chromium to use (and with ``axe`` the audit); skips the test without, fails it in CI."""
    reason = missing(axe)
    if reason:
        if IN_CI:
            pytest.fail(f"{reason}: in CI müssen die Browsertests laufen (.ci/run installiert beides)")
        pytest.skip(reason)
    return chromium()


def audit(html_dir: Path, pages: list[str] | None = None, timeout: int = 900) -> list[Violation]:
    """Every axe-core violation (all impacts) of the HTML pages below ``html_dir``, each page
    audited in a desktop and a phone-sized window.

    ``pages`` limits the audit to these paths relative to ``html_dir``.
    """
    reason = missing()
    if reason:
        raise Unavailable(reason)
    result = subprocess.run(["node", str(RUNNER), str(html_dir), chromium(), *(pages or [])],
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"axe-Lauf fehlgeschlagen:\n{result.stderr[-4000:]}")
    report = json.loads(result.stdout)
    return [Violation(page, size, v["id"], v["impact"], v["help"], v["helpUrl"],
                      tuple((" ".join(map(str, n["target"])), n["html"]) for n in v["nodes"]))
            for page, sizes in report["pages"].items() for size, found in sizes.items() for v in found]


def serious(violations: list[Violation]) -> list[Violation]:
    """The violations axe rates serious or critical."""
    return [v for v in violations if v.impact in SERIOUS]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("Aufruf: python tests/a11y.py HTML-ORDNER", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    violations = audit(folder)
    print(f"{len(list(folder.rglob('*.html')))} Seiten geprüft (axe-core in Chromium {chromium()})")
    for v in sorted(violations, key=lambda v: (v.impact not in SERIOUS, v.page, v.rule)):
        print(v)
    print(f"{len(violations)} Verstöße, davon {len(serious(violations))} ernst oder kritisch")
    return 1 if serious(violations) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
