"""Strip outputs and execution counts from a notebook (git clean filter and CLI).

As a git filter (configured by ``make venv``) it reads the notebook on stdin and
writes the stripped notebook to stdout; with file arguments it strips in place.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return ``nb`` without outputs, execution counts and volatile metadata."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


def strip_text(text: str) -> str:
    nb = nbformat.reads(text, as_version=4)
    return nbformat.writes(strip(nb)) + "\n"


def main(argv: list[str]) -> int:
    if not argv:
        sys.stdout.write(strip_text(sys.stdin.read()))
        return 0
    for name in argv:
        path = Path(name)
        path.write_text(strip_text(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
