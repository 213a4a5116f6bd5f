"""Run the pandoc binary that ships with ``pypandoc-binary``."""

from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from helpers.build.errors import BuildError

# Pandoc Markdown without citations: a stray "@name" stays text instead of becoming a
# citation nobody resolves (all @fig-/@tbl-/@sec- references are resolved before pandoc).
# With --citeproc (a book with a bibliography) citations are read; ``zitate.check`` has
# made sure that every key is in the bibliography.
READER = "markdown-citations"
CITING_READER = "markdown"


@functools.cache
def executable() -> str:
    try:
        import pypandoc
        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as err:
        raise BuildError(f"pandoc wurde nicht gefunden ({err}). Ist pypandoc-binary installiert (make venv)?") from None


# Quarto's per-table ``tbl-colwidths`` caption attribute, which pandoc alone reads but ignores.
SPALTENBREITEN = Path(__file__).parent / "assets" / "spaltenbreiten.lua"


def run(markdown: str, args: Sequence[str], *, what: str, cwd: Path | None = None) -> str:
    """Convert ``markdown`` with ``pandoc --from markdown <args>``; return stdout.

    Pandoc's warnings go to stderr; a failure is a ``BuildError`` naming ``what``.
    """
    filters = ["--lua-filter", str(SPALTENBREITEN)] if "tbl-colwidths" in markdown else []
    proc = subprocess.run(
        [executable(), "--from", CITING_READER if "--citeproc" in args else READER, *filters, *args],
        input=markdown.encode("utf-8"),
        capture_output=True,
        cwd=cwd,
    )
    stderr = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        raise BuildError(f"pandoc ist bei {what} fehlgeschlagen:\n{stderr}")
    if stderr:
        print(f"  pandoc ({what}): {stderr}", file=sys.stderr)
    return proc.stdout.decode("utf-8")
