"""Quarto ``pre-render`` step: execute the embedded notebooks in place.

Quarto embeds only outputs stored in a notebook and never executes an ``.ipynb`` for an
embed (see quarto-notes.md), so this step runs before ``quarto render``::

    project:
      pre-render: python -m helpers.execute

It checks the data, writes the downloads, executes every notebook that a chapter embeds
(in a fresh kernel, like the build without Quarto) and writes the executed notebooks back
only when all of them succeeded. The original files are kept in ``.cache/prerender/``;
``helpers.postrender`` (or the build, when Quarto fails) puts them back byte for byte.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from helpers.build.book import referenced_notebooks
from helpers.build.config import load_book
from helpers.build.errors import BuildError
from helpers.build.pipeline import CACHE, check_data, execute_notebooks, find_root, notebook_env
from helpers.build.progress import Progress, seconds
from helpers.build.titelei import schreibe_ausgabe


def downloads_folder(root: Path) -> Path:
    """``$SOZIALBERICHT_AUSGABE`` or ``<root>/.cache/ausgabe/daten`` (copied into the book by post-render)."""
    configured = os.environ.get("SOZIALBERICHT_AUSGABE")
    return Path(configured) if configured else root / CACHE / "ausgabe" / "daten"


def originals_folder(root: Path) -> Path:
    return root / CACHE / "prerender"


def write_in_place(root: Path, executed: dict) -> None:
    """Keep each original notebook, then overwrite it with its executed version."""
    for path, nb in executed.items():
        keep = originals_folder(root) / path.resolve().relative_to(root.resolve())
        keep.parent.mkdir(parents=True, exist_ok=True)
        if not keep.exists():  # an earlier run that was not restored still holds the true original
            shutil.copyfile(path, keep)
        nbformat.write(nb, path)


def restore_notebooks(root: Path, paths: list[Path]) -> None:
    """Put the original notebooks back; strip executed ones without a kept original; touch no other."""
    for path in paths:
        keep = originals_folder(root) / path.resolve().relative_to(root.resolve())
        if keep.is_file():
            shutil.copyfile(keep, path)
            keep.unlink()
        elif path.is_file() and any(c.get("outputs") for c in nbformat.read(path, as_version=4).cells):
            # the same tool (and cell ids kept) as the git filter set up by ``make venv``
            subprocess.run([sys.executable, "-m", "nbstripout", "--keep-id", str(path)], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.execute", description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    progress = Progress()
    try:
        root = find_root()
        os.environ["SOZIALBERICHT_ROOT"] = str(root)
        # Title and edition from bericht.yml; Quarto re-reads _quarto.yml (metadata-files) after this step.
        schreibe_ausgabe(root)
        book = load_book(root)
        downloads = downloads_folder(root)
        if downloads.resolve().is_relative_to((root / CACHE).resolve()):
            shutil.rmtree(downloads, ignore_errors=True)  # no stale files from an earlier build
        downloads.mkdir(parents=True, exist_ok=True)
        check_data(root, downloads, progress)
        executed = execute_notebooks(root, referenced_notebooks(book), notebook_env(root, downloads),
                                     max(1, args.jobs), progress)
    except BuildError as err:
        print(f"\nFEHLER: {err}", file=sys.stderr)
        return 1
    write_in_place(root, executed)
    progress.say(f"{len(executed)} Notebooks ausgeführt ({seconds(progress.elapsed())}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
