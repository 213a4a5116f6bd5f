"""The Quarto engine: ``quarto render`` with our pre- and post-render steps.

Quarto executes nothing itself here: ``_quarto.yml`` runs ``python -m helpers.execute``
before rendering and ``python -m helpers.postrender`` after it. Both must use this
virtual environment, so its ``bin`` folder goes first on ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers.build.config import Book
from helpers.build.errors import BuildError


def available() -> str | None:
    """Path of the ``quarto`` binary, or None."""
    return shutil.which("quarto")


def output_dir_argument(root: Path, out: Path) -> str:
    """``--output-dir`` is project-relative in Quarto; use an absolute path outside the project."""
    try:
        return os.path.relpath(out.resolve(), root.resolve()) if out.resolve().is_relative_to(root.resolve()) else str(out.resolve())
    except ValueError:  # other drive on Windows
        return str(out.resolve())


def render(book: Book, out: Path, env: dict[str, str]) -> None:
    """Run ``quarto render --output-dir <out>`` in the book root; output streams through."""
    quarto = available()
    if quarto is None:
        raise BuildError("quarto wurde nicht gefunden (PATH). Mit --engine python geht es ohne Quarto.")
    venv_bin = Path(sys.executable).parent
    full_env = {**os.environ, **env, "PATH": os.pathsep.join([str(venv_bin), os.environ.get("PATH", "")])}
    command = [quarto, "render", "--output-dir", output_dir_argument(book.root, out)]
    try:
        proc = subprocess.run(command, cwd=book.root, env=full_env)
    finally:
        # post-render restores the notebooks, but it does not run when rendering fails.
        from helpers.build.book import referenced_notebooks
        from helpers.execute import restore_notebooks

        restore_notebooks(book.root, referenced_notebooks(book))
    if proc.returncode != 0:
        raise BuildError(f"quarto render ist fehlgeschlagen (Exit-Code {proc.returncode}); "
                         "die Meldungen von Quarto stehen oben.")
    expected = [out / "index.html", out / f"{book.output_file}.pdf", out / f"{book.output_file}.docx"]
    missing = [p.name for p in expected if not p.exists()]
    if missing:
        raise BuildError(f"quarto render hat nicht alles geschrieben; es fehlen: {', '.join(missing)}.")
