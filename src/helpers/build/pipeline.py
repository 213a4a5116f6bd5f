"""The build steps: find the book, check the data, run notebooks, write formats, swap atomically."""

from __future__ import annotations

import importlib
import os
import secrets
import shutil
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import nbformat

from helpers.build import notebooks as nbexec
from helpers.build.book import prepare, referenced_notebooks
from helpers.build.config import Book
from helpers.build.docx import write_docx
from helpers.build.errors import BuildError
from helpers.build.html import write_site
from helpers.build.progress import Progress
from helpers.build.typst import write_pdf

CACHE = ".cache"


def find_root(start: Path | None = None) -> Path:
    """The book root: the nearest folder with ``_quarto.yml`` from ``start`` (cwd) upwards."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "_quarto.yml").is_file():
            return folder
    raise BuildError(f"Kein _quarto.yml in {start} oder darüber: bitte im Buchverzeichnis aufrufen.")


def notebook_env(root: Path, downloads: Path) -> dict[str, str]:
    """Environment for notebook kernels (see CONTEXT: SOZIALBERICHT_*)."""
    env = {
        "SOZIALBERICHT_ROOT": str(root),
        "SOZIALBERICHT_AUSGABE": str(downloads),
        # Figures must come back as PNG outputs, even if the caller set MPLBACKEND=Agg (as CI often does).
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    # String hashing is randomised per process; fix it so set/dict orders repeat across builds.
    env.setdefault("PYTHONHASHSEED", os.environ.get("PYTHONHASHSEED", "0"))
    return env


def data_folder(root: Path) -> Path | None:
    """``$SOZIALBERICHT_DATEN`` or ``<root>/data``; None when neither is there (e.g. a test book)."""
    configured = os.environ.get("SOZIALBERICHT_DATEN")
    if configured:
        return Path(configured)
    folder = root / "data"
    return folder if folder.is_dir() else None


def check_data(root: Path, downloads: Path, progress: Progress) -> None:
    """Validate the data with ``helpers.daten.laden`` and write the downloads (if available)."""
    folder = data_folder(root)
    if folder is None:
        progress.say("  Kein Datenordner (data/ oder $SOZIALBERICHT_DATEN): Datenprüfung übersprungen.")
        return
    try:
        daten = importlib.import_module("helpers.daten")
    except ModuleNotFoundError as err:
        if err.name in ("helpers.daten", "helpers"):
            raise BuildError("Die Datenschicht helpers.daten fehlt (src/helpers/daten/). Ohne sie kann der Build "
                             "die Daten nicht prüfen.") from None
        raise
    with progress.step(f"Daten prüfen ({folder})"):
        try:
            bestand = daten.laden(folder)
        except daten.DatenFehler as err:
            raise BuildError(f"Die Daten in {folder} sind fehlerhaft:\n{err}") from None
    try:
        export = importlib.import_module("helpers.daten.export")
    except ModuleNotFoundError as err:
        if err.name != "helpers.daten.export":
            raise
        export = None
    write = getattr(export, "schreibe_downloads", None)
    if write is None:
        progress.say("  helpers.daten.export.schreibe_downloads fehlt noch: keine Downloads geschrieben.")
        return
    with progress.step("Downloads schreiben (daten/)"):
        write(bestand, downloads)


def cached_copy(root: Path, notebook: Path) -> Path:
    """Where the executed copy of a notebook is kept: ``.cache/notebooks/<path in book>``."""
    try:
        relative = notebook.resolve().relative_to(root.resolve())
    except ValueError:
        relative = Path(notebook.name)
    return root / CACHE / "notebooks" / relative


def execute_notebooks(root: Path, paths: list[Path], env: Mapping[str, str], jobs: int, progress: Progress) -> dict:
    """Run the notebooks in fresh kernels; keep executed copies in ``.cache/notebooks``."""
    missing = [p for p in paths if not p.is_file()]
    if missing:
        # Reported by the embed step with chapter and label; nothing to execute for them.
        paths = [p for p in paths if p.is_file()]

    def run(path: Path, env=None):
        progress.say(f"  Notebook {path.name} wird ausgeführt …")
        nb = nbexec.execute(path, env=env)
        copy = cached_copy(root, path)
        copy.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, copy)
        return nb

    return nbexec.execute_all(paths, jobs=jobs, env=env, run=run,
                              on_done=lambda path, took: progress.done(f"Notebook {path.name}", took))


def build_python(book: Book, out: Path, *, jobs: int, progress: Progress) -> None:
    """The build without Quarto: everything into ``out`` (a fresh, empty folder)."""
    downloads = out / "daten"
    downloads.mkdir(parents=True, exist_ok=True)
    check_data(book.root, downloads, progress)
    executed = execute_notebooks(book.root, referenced_notebooks(book), notebook_env(book.root, downloads),
                                 jobs, progress)
    with progress.step("Kapitel: Einbettungen, Nummern, Verweise"):
        chapters, targets = prepare(book, executed, out)
    with progress.step(f"HTML ({len(chapters)} Seiten)"):
        write_site(book, chapters, targets, out, jobs=max(jobs, 2))
    with progress.step(f"DOCX ({book.output_file}.docx)"):
        write_docx(book, chapters, targets, out, out / f"{book.output_file}.docx")
    with progress.step(f"PDF ({book.output_file}.pdf)"):
        write_pdf(book, chapters, targets, out, out / f"{book.output_file}.pdf",
                  keep=book.root / CACHE / "build" / f"{book.output_file}.typ")
    if not any(downloads.iterdir()):
        downloads.rmdir()


# --- atomic output ----------------------------------------------------------------------------

@contextmanager
def staging(out: Path):
    """Yield a fresh sibling folder ``<out>.tmp-…``; on success it replaces ``out``.

    On any failure the temporary folder is removed and ``out`` stays as it was.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out)
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}-{secrets.token_hex(3)}")
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap(tmp, out)


def swap(new: Path, out: Path) -> None:
    """Replace ``out`` by ``new`` with two renames (the old book is deleted afterwards)."""
    if out.exists():
        old = out.with_name(f"{out.name}.tmp-alt-{os.getpid()}-{secrets.token_hex(3)}")
        out.rename(old)
        new.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(out)


def remove_stale(out: Path) -> None:
    """Remove ``<out>.tmp-<pid>-…`` folders left by builds that no longer run (e.g. killed)."""
    if os.name != "posix":  # os.kill(pid, 0) would send Ctrl-C on Windows; `make clean` removes them
        return
    for folder in out.parent.glob(f"{out.name}.tmp-*"):
        pid = folder.name.removeprefix(f"{out.name}.tmp-").removeprefix("alt-").split("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
