"""The build steps: find the book, check the data, run notebooks, write formats, swap atomically.

Everything expensive is cached by content (``helpers.build.cache``): the data check and its
downloads, each executed notebook with the files it wrote, each chapter's pandoc
conversion, and the finished DOCX and PDF. ``fresh=True`` (``--fresh``) reads none of these
caches and refills them.
"""

from __future__ import annotations

import importlib
import os
import secrets
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import nbformat

from helpers.build import cache
from helpers.build import notebooks as nbexec
from helpers.build.book import book_markdown, prepare, referenced_notebooks
from helpers.build.config import Book
from helpers.build.docx import write_docx
from helpers.build.errors import BuildError
from helpers.build.html import write_site
from helpers.build.progress import Progress
from helpers.build.typst import write_pdf

CACHE = ".cache"
FRESH_ENV = "SOZIALBERICHT_FRESH"  # set by `--fresh` for the Quarto pre-render step


def find_root(start: Path | None = None) -> Path:
    """The book root: the nearest folder with ``_quarto.yml`` from ``start`` (cwd) upwards."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "_quarto.yml").is_file():
            return folder
    raise BuildError(f"Kein _quarto.yml in {start} oder darüber: bitte im Buchverzeichnis aufrufen.")


def default_jobs() -> int:
    """One kernel per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def source_date_epoch(root: Path) -> str | None:
    """``$SOURCE_DATE_EPOCH``, else the time of the last commit (reproducible-builds.org), else None."""
    configured = os.environ.get("SOURCE_DATE_EPOCH")
    if configured:
        return configured
    try:
        proc = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True,
                              timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    value = proc.stdout.strip()
    return value if proc.returncode == 0 and value.isdigit() else None


def notebook_env(root: Path, downloads: Path) -> dict[str, str]:
    """Environment for notebook kernels (see CONTEXT: SOZIALBERICHT_*)."""
    env = {
        "SOZIALBERICHT_ROOT": str(root),
        "SOZIALBERICHT_AUSGABE": str(downloads),
        # Figures must come back as PNG outputs, even if the caller set MPLBACKEND=Agg (as CI often does).
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        # String hashing is randomised per process; fix it so set/dict orders repeat across builds.
        "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0"),
    }
    # "Erstellt am" and the like: the sources' date, not today's, so rebuilds are identical.
    epoch = source_date_epoch(root)
    if epoch:
        env["SOURCE_DATE_EPOCH"] = epoch
    return env


def is_fresh(fresh: bool | None) -> bool:
    """``fresh`` if given, else ``$SOZIALBERICHT_FRESH`` (how ``--fresh`` reaches the pre-render step)."""
    if fresh is not None:
        return fresh
    return os.environ.get(FRESH_ENV, "") not in ("", "0")


def data_folder(root: Path) -> Path | None:
    """``$SOZIALBERICHT_DATEN`` or ``<root>/data``; None when neither is there (e.g. a test book)."""
    configured = os.environ.get("SOZIALBERICHT_DATEN")
    if configured:
        return Path(configured)
    folder = root / "data"
    return folder if folder.is_dir() else None


def check_data(root: Path, downloads: Path, progress: Progress, *, fresh: bool | None = None) -> None:
    """Validate the data with ``helpers.daten.laden`` and write the downloads (if available).

    Cached: the same data, ``helpers`` code and software give the same downloads, so an
    unchanged data folder is neither read nor checked again.
    """
    folder = data_folder(root)
    if folder is None:
        progress.say("  Kein Datenordner (data/ oder $SOZIALBERICHT_DATEN): Datenprüfung übersprungen.")
        return
    inputs = cache.KeyInputs.collect(root)
    key = cache.format_key(art="daten", helpers=inputs.helpers, daten=inputs.daten, software=inputs.software,
                           ordner=inputs.umgebung["SOZIALBERICHT_DATEN"],
                           berichtsjahr=inputs.umgebung["SOZIALBERICHT_BERICHTSJAHR"],
                           epoch=os.environ.get("SOURCE_DATE_EPOCH"))
    store = cache.Store(root / CACHE / "daten")
    what = f"Daten prüfen ({folder})"
    if not is_fresh(fresh) and (entry := store.lookup("daten", key)) is not None:
        with progress.step(f"{what} aus dem Cache"):
            cache.copy_outputs(entry / cache.OUTPUTS, downloads)
        # The analyst sees the plausibility warnings on every build, not only the first.
        if (warnings := store.lookup(PLAUSIBILITAET, key)) is not None:
            _say_warnings(_read_warnings(warnings), progress)
        return
    daten = _data_layer()
    with progress.step(what):
        try:
            bestand = daten.laden(folder)
        except daten.DatenFehler as err:
            raise BuildError(f"Die Daten in {folder} sind fehlerhaft:\n{err}") from None
    _remember_warnings(store, key, _plausibilitaet(bestand, progress))
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
        cache.cached_files(store, "daten", key, downloads, lambda scratch: write(bestand, scratch), fresh=True)


PLAUSIBILITAET = "plausibilitaet"


def _plausibilitaet(bestand, progress: Progress) -> list[str] | None:
    """Print and return the plausibility warnings (helpers.plausibilitaet): warnings, not errors."""
    try:
        from helpers import plausibilitaet
        zeilen = plausibilitaet.meldungen(plausibilitaet.fuer(bestand))
    except Exception as err:  # noqa: BLE001 - a warning step must not stop the build
        progress.say(f"  Plausibilitätsprüfung nicht möglich: {err}")
        return None
    _say_warnings(zeilen, progress)
    return zeilen


def _say_warnings(zeilen: list[str], progress: Progress) -> None:
    for z in zeilen:
        progress.say(f"  Warnung: {z}")


def _remember_warnings(store, key: str, zeilen: list[str] | None) -> None:
    """Keep the warnings with the data check's cache entry (a failed check is not kept)."""
    if zeilen is None:
        return
    scratch = store.scratch(PLAUSIBILITAET)
    (scratch / cache.OUTPUTS).mkdir()
    (scratch / cache.OUTPUTS / "meldungen.txt").write_text("".join(f"{z}\n" for z in zeilen), encoding="utf-8")
    store.commit(scratch, PLAUSIBILITAET, key, {"quelle": PLAUSIBILITAET})


def _read_warnings(entry: Path) -> list[str]:
    return (entry / cache.OUTPUTS / "meldungen.txt").read_text(encoding="utf-8").splitlines()


def _data_layer():
    try:
        return importlib.import_module("helpers.daten")
    except ModuleNotFoundError as err:
        if err.name in ("helpers.daten", "helpers"):
            raise BuildError("Die Datenschicht helpers.daten fehlt (src/helpers/daten/). Ohne sie kann der Build "
                             "die Daten nicht prüfen.") from None
        raise


def cached_copy(root: Path, notebook: Path) -> Path:
    """The latest executed copy of a notebook, to look at: ``.cache/notebooks/<path in book>``."""
    try:
        relative = notebook.resolve().relative_to(root.resolve())
    except ValueError:
        relative = Path(notebook.name)
    return root / CACHE / "notebooks" / relative


class Downloads:
    """Collects the files notebooks write into ``$SOZIALBERICHT_AUSGABE``; two writers of one file are an error.

    Each kernel writes into a folder of its own, so the cache knows which notebook wrote
    what, and parallel kernels cannot overwrite each other unnoticed.
    """

    def __init__(self, root: Path, target: Path):
        self.root = Path(root)
        self.target = Path(target)
        self.owners: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, notebook: Path, source: Path) -> None:
        name = cache.relative_name(self.root, notebook)
        with self._lock:
            for rel, _ in cache.tree_files(source):
                owner = self.owners.setdefault(rel, name)
                if owner != name:
                    raise BuildError(f"Die Notebooks {owner} und {name} schreiben beide "
                                     f"{rel} in den Download-Ordner; bitte einen der Dateinamen ändern.")
            cache.copy_outputs(source, self.target)


def execute_notebooks(root: Path, paths: list[Path], env: Mapping[str, str], jobs: int, progress: Progress,
                      *, fresh: bool | None = None) -> dict:
    """Run the notebooks in fresh kernels, ``jobs`` at a time, or take them from the cache.

    A notebook whose key (``cache.notebook_key``) is in ``.cache/notebooks`` is not run: its
    executed copy and the files it wrote into ``$SOZIALBERICHT_AUSGABE`` are restored.
    """
    fresh = is_fresh(fresh)
    missing = [p for p in paths if not p.is_file()]
    if missing:
        # Reported by the embed step with chapter and label; nothing to execute for them.
        paths = [p for p in paths if p.is_file()]
    downloads = Path(env.get("SOZIALBERICHT_AUSGABE") or root / CACHE / "ausgabe" / "daten")
    downloads.mkdir(parents=True, exist_ok=True)
    collected = Downloads(root, downloads)
    notebooks = cache.NotebookCache(root, cache.KeyInputs.collect(root, env))
    from_cache: set[Path] = set()

    def run(path: Path, env=None):
        key, components = notebooks.key(path)
        entry = None if fresh else notebooks.lookup(path, key)
        if entry is not None:
            nb = notebooks.notebook(entry, path)
            from_cache.add(path)
        else:
            reason = "--fresh" if fresh else notebooks.why(path, components)
            progress.say(f"  Notebook {path.name} wird ausgeführt ({reason}) …")
            private = notebooks.scratch(path)
            try:
                nb = nbexec.execute(path, env={**(env or {}), "SOZIALBERICHT_AUSGABE": str(private)})
                entry = notebooks.save(path, key, components, nb, private)
            finally:
                shutil.rmtree(private, ignore_errors=True)
        collected.add(path, notebooks.outputs(entry))
        copy = cached_copy(root, path)
        copy.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, copy)
        return nb

    def done(path: Path, took: float) -> None:
        progress.done(f"Notebook {path.name}" + (" aus dem Cache" if path in from_cache else ""), took)

    return nbexec.execute_all(paths, jobs=jobs, env=env, run=run, on_done=done)


# --- formats ---------------------------------------------------------------------------------

def format_parts(book: Book, out: Path) -> dict:
    """What every format's output depends on besides its Markdown (see ``build_python``)."""
    inputs = cache.KeyInputs.collect(book.root)
    return {
        "build": cache.build_code_digest(), "software": inputs.software, "daten": inputs.daten,
        "buch": [book.title, book.subtitle, list(book.authors), book.lang, book.output_file, book.appendix_title],
        "quarto": cache.file_digest(book.root / "_quarto.yml"),
        "abbildungen": cache.tree_digest(out / "figures"),
        "epoch": source_date_epoch(book.root),  # the DOCX's document dates (docx.source_time)
    }


def build_python(book: Book, out: Path, *, jobs: int, progress: Progress, fresh: bool = False) -> None:
    """The build without Quarto: everything into ``out`` (a fresh, empty folder).

    HTML, DOCX and PDF are written side by side (pandoc and typst run outside the GIL).
    DOCX and PDF are taken from ``.cache/formate`` when their Markdown, the figures, the
    build code, the data and the software are unchanged; HTML pages re-run pandoc only for
    chapters whose Markdown changed (``cache.pandoc_memo``).
    """
    downloads = out / "daten"
    downloads.mkdir(parents=True, exist_ok=True)
    check_data(book.root, downloads, progress, fresh=fresh)
    executed = execute_notebooks(book.root, referenced_notebooks(book), notebook_env(book.root, downloads),
                                 jobs, progress, fresh=fresh)
    with progress.step("Kapitel: Einbettungen, Nummern, Verweise"):
        chapters, targets = prepare(book, executed, out)
    del executed  # the notebooks' outputs are in the chapters now; Typst's peak comes later
    parts = format_parts(book, out)
    store = cache.Store(book.root / CACHE / "formate", keep=2)

    def html() -> None:
        with progress.step(f"HTML ({len(chapters)} Seiten)"):
            write_site(book, chapters, targets, out, jobs=max(jobs, 2))

    def single(fmt: str, label: str, suffix: str, write: Callable[[Path], object]) -> Callable[[], None]:
        target = out / f"{book.output_file}.{suffix}"
        key = cache.format_key(art=fmt, markdown=cache.sha256(book_markdown(chapters, targets, fmt)), **parts)

        def produce() -> None:
            progress.say(f"  {label} ({target.name}) …")
            started = progress.elapsed()
            hit = cache.cached_file(store, key, target, write, fresh=fresh)
            progress.done(f"{label} ({target.name})" + (" aus dem Cache" if hit else ""), progress.elapsed() - started)
        return produce

    def docx(path: Path) -> None:
        write_docx(book, chapters, targets, out, path)

    def pdf(path: Path) -> None:
        write_pdf(book, chapters, targets, out, path, keep=book.root / CACHE / "build" / f"{book.output_file}.typ")

    steps = [html, single("docx", "DOCX", "docx", docx), single("typst", "PDF", "pdf", pdf)]
    with cache.pandoc_memo(book.root / CACHE / "pandoc", fresh=fresh) as memo:
        run_side_by_side(steps, parallel=jobs > 1)
    memo.prune()
    if not any(downloads.iterdir()):
        downloads.rmdir()


def run_side_by_side(steps: list[Callable[[], None]], *, parallel: bool) -> None:
    """Run ``steps`` in threads (or one after the other); the first error is raised after all ended."""
    if not parallel:
        for step in steps:
            step()
        return
    with ThreadPoolExecutor(max_workers=len(steps)) as pool:
        futures = [pool.submit(step) for step in steps]
    for future in futures:
        future.result()


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
