"""Content-addressed caches of the build (like Quarto's ``freeze``), all under ``.cache/``.

``notebooks/<name>-<key>/``  an executed notebook and the files it wrote into
                              ``$SOZIALBERICHT_AUSGABE`` (e.g. ``sozialindex.csv``)
``daten/<key>/``             the checked data's downloads (``helpers.daten.export``)
``formate/<name>-<key>/``    a finished DOCX or PDF
``pandoc/<key>.txt``         a pandoc conversion to text (HTML fragment of a chapter, Typst source)

A notebook's key is a SHA-256 over (``notebook_key``):

- the notebook: its cells' sources and metadata and the notebook metadata; outputs,
  execution counts and timings are left out (they are what the cache stores);
- its path in the book (the kernel's working directory);
- the ``helpers`` package it imports: every file under ``src/helpers`` except ``build/``
  and ``__pycache__``. All files rather than the modules a notebook names, because
  helpers import each other (often inside functions), so a static import graph would
  miss edges; hashing ~1 MB of code takes milliseconds. ``build/`` is excluded because
  notebooks never import it: the build's own code does not change what a notebook computes;
- the data: every file of the data folder (``$SOZIALBERICHT_DATEN`` or ``data/``: bericht.yml,
  stadtteile.csv, bestand/**, indikatoren.yml, regeln/**, a geojson …) and the repository's
  ``data/indikatoren.yml`` and ``data/regeln/**``, which apply when the data folder has none;
  every notebook loads and validates the whole folder in ``helpers.setup()``;
- the software: Python version and every installed distribution with its version;
- the kernel environment: ``SOZIALBERICHT_DATEN`` (resolved path), ``PYTHONHASHSEED``,
  ``MPLBACKEND`` (the build's own paths ``SOZIALBERICHT_ROOT``/``_AUSGABE`` are left out:
  they differ between output folders, not between results);
- only for notebooks that print the build's state (their code, or a helpers module they
  import directly, mentions ``git_commit``, ``build_datum``, ``SOURCE_DATE_EPOCH``,
  ``date.today`` …, see ``READS_BUILD_STATE``): the git commit, whether the working tree
  differs from it, and ``SOURCE_DATE_EPOCH`` (or today's date). Other notebooks do not read
  them, so a commit does not re-run the whole book.

Contents, never modification times, go into keys: touching a file changes nothing.

With Quarto, its own ``freeze`` has nothing to do here: the chapters have no code cells
(``execute: enabled: false``) and Quarto never executes an embedded ``.ipynb``. The
pre-render step ``helpers.execute`` runs the notebooks through ``pipeline.execute_notebooks``
and so uses this same cache (``--fresh`` reaches it as ``SOZIALBERICHT_FRESH=1``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

VERSION = "1"  # bump when the layout of an entry or the meaning of a key changes
KEEP = 3       # entries kept per notebook / format (older ones are deleted)
ENTRY = "eintrag.json"
OUTPUTS = "ausgabe"
SCRATCH = ".laufend"

# Notebooks whose code mentions one of these print the build's state (commit, date).
READS_BUILD_STATE = re.compile(
    r"\b(git_commit|build_datum|SOURCE_DATE_EPOCH|date\.today|datetime\.now|datetime\.today|time\.time)\b")
# Notebooks whose code mentions this read the book's own sources (``helpers.verzeichnis``).
READS_BOOK = re.compile(r"\bverzeichnis\b")
HELPERS_IMPORT = re.compile(
    r"^\s*(?:from\s+helpers\.(?P<sub>\w+)|import\s+helpers\.(?P<imp>\w+)|from\s+helpers\s+import\s+(?P<names>\(?[^#\n]+))",
    re.M)
# Variables of the kernel environment that can change what a notebook computes.
KERNEL_ENV = ("PYTHONHASHSEED", "MPLBACKEND", "SOZIALBERICHT_BERICHTSJAHR")
# Names shown when a notebook runs again ("geändert: Daten, helpers-Code").
COMPONENT_NAMES = {
    "version": "Cache-Version", "notebook": "Notebook", "pfad": "Pfad", "helpers": "helpers-Code",
    "daten": "Daten", "software": "Python/Pakete", "umgebung": "Umgebung", "stand": "Git-Stand/Datum",
    "buch": "Kapitel/Notebooks/_quarto.yml",
}


# --- digests ----------------------------------------------------------------------------------

def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _skipped(name: str) -> bool:
    """Hidden files, Office lock files and byte code are never inputs."""
    return name.startswith((".", "~$")) or name == "__pycache__" or name.endswith((".pyc", ".pyo"))


def tree_files(folder: Path, exclude: Iterable[str] = ()) -> list[tuple[str, Path]]:
    """``(relative posix path, path)`` of every file below ``folder``, sorted; ``exclude``: top-level names."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    excluded = set(exclude)
    found = []
    for current, dirs, files in os.walk(folder):
        here = Path(current)
        dirs[:] = [d for d in dirs if not _skipped(d) and not (here == folder and d in excluded)]
        for name in files:
            if _skipped(name) or (here == folder and name in excluded):
                continue
            path = here / name
            found.append((path.relative_to(folder).as_posix(), path))
    return sorted(found)


def tree_digest(folder: Path, exclude: Iterable[str] = ()) -> str:
    """SHA-256 over the relative paths and contents of the files below ``folder``."""
    lines = [f"{rel}\0{file_digest(path)}" for rel, path in tree_files(folder, exclude)]
    return sha256("\n".join(lines))


def helpers_package() -> Path:
    """The folder of the ``helpers`` package this process (and its kernels) import."""
    import helpers

    return Path(helpers.__file__).resolve().parent


def helpers_digest(package: Path | None = None) -> str:
    """All of ``helpers`` except ``build/`` (see module docstring)."""
    return tree_digest(package or helpers_package(), exclude=("build",))


def build_code_digest(package: Path | None = None) -> str:
    """The build's own code, template and assets (``helpers/build/**``): part of format keys."""
    return tree_digest((package or helpers_package()) / "build")


@functools.cache
def software_digest() -> str:
    """Python and every installed distribution (name and version)."""
    from importlib import metadata

    dists = sorted({f"{(d.metadata['Name'] or '?').lower()}=={d.version}" for d in metadata.distributions()})
    return sha256("\n".join([sys.version, platform.machine(), *dists]))


def notebook_digest(path: Path) -> str:
    """The notebook without outputs, execution counts and timings: what is executed, not what came out."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
        if isinstance(cell.get("metadata"), dict):
            cell["metadata"].pop("execution", None)
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    return sha256(json.dumps(nb, sort_keys=True, ensure_ascii=False))


def notebook_code(path: Path) -> str:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    sources = [c.get("source", "") for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    return "\n".join("".join(s) if isinstance(s, list) else s for s in sources)


def imported_helpers_modules(code: str) -> set[str]:
    """Modules of ``helpers`` a notebook imports directly (``from helpers import a, b``, ``helpers.c``)."""
    names: set[str] = set()
    for match in HELPERS_IMPORT.finditer(code):
        if match.group("sub") or match.group("imp"):
            names.add(match.group("sub") or match.group("imp"))
        else:
            for item in match.group("names").strip("() ").split(","):
                name = item.split(" as ")[0].strip(" ()\\")
                if name.isidentifier():
                    names.add(name)
    return names


def reads_build_state(path: Path, package: Path | None = None, pattern: re.Pattern = READS_BUILD_STATE) -> bool:
    """Does the notebook print the commit or the build date (directly or through a helpers module it imports)?"""
    code = notebook_code(path)
    if pattern.search(code):
        return True
    package = package or helpers_package()
    for module in imported_helpers_modules(code):
        for candidate in (package / f"{module}.py", package / module / "__init__.py"):
            if candidate.is_file() and pattern.search(candidate.read_text(encoding="utf-8")):
                return True
    return False


def book_digest(root: Path, package: Path, profile: str | None) -> str:
    """What a list of figures and tables is made of: chapters, notebook sources, book configuration,
    the build code that reads them, and the active Quarto profiles."""
    root = Path(root)
    lines = [f"profil\0{profile or ''}", f"kapitel\0{tree_digest(root / 'chapters')}",
             f"build\0{tree_digest(package / 'build')}"]
    lines += [f"{p.name}\0{file_digest(p)}" for p in sorted(root.glob("_quarto*.yml")) + [root / "index.qmd"]
              if p.is_file()]
    lines += [f"{p.name}\0{notebook_digest(p)}" for p in sorted((root / "notebooks").glob("*.ipynb"))]
    return sha256("\n".join(lines))


def build_state(root: Path, epoch: str | None = None) -> dict:
    """Commit, "working tree differs" and date, as ``helpers.anhang`` reports them.

    ``epoch``: the ``SOURCE_DATE_EPOCH`` the kernels get; without it they use today's date.
    """
    def git(*args: str) -> subprocess.CompletedProcess | None:
        try:
            return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return None

    head = git("rev-parse", "HEAD")
    commit = head.stdout.strip() if head is not None and head.returncode == 0 else None
    dirty = None
    if commit:
        diff = git("diff", "--quiet", "HEAD", "--", ".", ":(exclude)notebooks")
        dirty = None if diff is None else diff.returncode == 1
    return {"commit": commit, "geaendert": dirty, "datum": epoch or dt.date.today().isoformat()}


# --- the inputs shared by all notebooks of a build --------------------------------------------

def data_folder(root: Path) -> Path | None:
    """``$SOZIALBERICHT_DATEN`` or ``<root>/data`` (None when neither exists)."""
    configured = os.environ.get("SOZIALBERICHT_DATEN")
    folder = Path(configured).expanduser() if configured else Path(root) / "data"
    return folder.resolve() if folder.is_dir() else None


def data_digest(root: Path, folder: Path | None) -> str:
    """The data folder and the repository's fallbacks (catalog, rules) it may use."""
    lines = [f"ordner\0{tree_digest(folder) if folder else '-'}"]
    repo_data = (Path(root) / "data").resolve()
    if folder is None or folder != repo_data:
        catalog = repo_data / "indikatoren.yml"
        lines.append(f"katalog\0{file_digest(catalog) if catalog.is_file() else '-'}")
        lines.append(f"regeln\0{tree_digest(repo_data / 'regeln')}")
    return sha256("\n".join(lines))


@dataclass
class KeyInputs:
    """What every notebook's key contains, computed once per build."""

    root: Path
    helpers: str
    daten: str
    software: str
    umgebung: dict
    package: Path
    epoch: str | None = None
    profil: str | None = None   # QUARTO_PROFILE: the chapters a list of figures sees
    _state: dict | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def collect(cls, root: Path, env: Mapping[str, str] | None = None) -> KeyInputs:
        root = Path(root).resolve()
        env = {**os.environ, **(env or {})}
        folder = data_folder(root)
        package = helpers_package()
        umgebung = {name: env.get(name) for name in KERNEL_ENV}
        umgebung["SOZIALBERICHT_DATEN"] = str(folder) if os.environ.get("SOZIALBERICHT_DATEN") else None
        return cls(root=root, helpers=helpers_digest(package), daten=data_digest(root, folder),
                   software=software_digest(), umgebung=umgebung, package=package,
                   epoch=env.get("SOURCE_DATE_EPOCH") or None, profil=env.get("QUARTO_PROFILE") or None)

    def state(self) -> dict:
        """Git commit and date, computed once and only if a notebook needs them."""
        with self._lock:
            if self._state is None:
                self._state = build_state(self.root, self.epoch)
            return self._state


def relative_name(root: Path, path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def notebook_key(path: Path, inputs: KeyInputs) -> tuple[str, dict]:
    """``(key, components)`` of one notebook: the key is the SHA-256 over the components."""
    components = {
        "version": VERSION,
        "notebook": notebook_digest(path),
        "pfad": relative_name(inputs.root, path),
        "helpers": inputs.helpers,
        "daten": inputs.daten,
        "software": inputs.software,
        "umgebung": inputs.umgebung,
        "stand": inputs.state() if reads_build_state(path, inputs.package) else None,
        "buch": (book_digest(inputs.root, inputs.package, inputs.profil)
                 if reads_build_state(path, inputs.package, READS_BOOK) else None),
    }
    return sha256(json.dumps(components, sort_keys=True)), components


def changed(old: Mapping, new: Mapping) -> list[str]:
    """German names of the components that differ (for the progress line)."""
    return [COMPONENT_NAMES.get(k, k) for k in new if old.get(k) != new.get(k)]


# --- entries ------------------------------------------------------------------------------------

def short(key: str) -> str:
    return key[:16]


def copy_outputs(source: Path, target: Path) -> list[str]:
    """Copy the files below ``source`` into ``target``; return their relative paths."""
    copied = []
    for rel, path in tree_files(source):
        destination = target / rel
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        copied.append(rel)
    return copied


class Store:
    """Entries ``<folder>/<name>-<key>/`` written atomically (scratch folder + rename)."""

    def __init__(self, folder: Path, keep: int = KEEP):
        self.folder = Path(folder)
        self.keep = keep

    def entry(self, name: str, key: str) -> Path:
        return self.folder / f"{name}-{short(key)}"

    def lookup(self, name: str, key: str) -> Path | None:
        """The complete entry for ``key``, or None (a half-written or foreign entry counts as missing)."""
        entry = self.entry(name, key)
        try:
            meta = json.loads((entry / ENTRY).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("key") != key:
            return None
        try:
            os.utime(entry / ENTRY)  # most recently used: kept longest
        except OSError:
            pass
        return entry

    def scratch(self, name: str) -> Path:
        """A fresh folder to fill, on the same file system as the entries."""
        path = self.folder / SCRATCH / f"{name}-{os.getpid()}-{secrets.token_hex(4)}"
        path.mkdir(parents=True)
        return path

    def commit(self, scratch: Path, name: str, key: str, meta: Mapping) -> Path:
        """Turn a filled scratch folder into the entry for ``key`` (another build may have won the race)."""
        (scratch / ENTRY).write_text(json.dumps({**meta, "key": key}, sort_keys=True, indent=1), encoding="utf-8")
        entry = self.entry(name, key)
        old = None
        if entry.exists():  # --fresh, or a parallel build got here first: replace it by renaming
            old = self.folder / SCRATCH / f"alt-{entry.name}-{os.getpid()}-{secrets.token_hex(4)}"
            try:
                entry.rename(old)
            except OSError:
                old = None
        try:
            scratch.rename(entry)
        except OSError:
            shutil.rmtree(scratch, ignore_errors=True)
            if self.lookup(name, key) is None:
                raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        self.prune(name, meta.get("quelle"))
        return entry

    def entries(self, name: str) -> list[tuple[float, Path, dict]]:
        """``(last use, folder, metadata)`` of the entries for ``name``, newest first."""
        found = []
        for folder in self.folder.glob(f"{name}-*"):
            if not re.fullmatch(re.escape(name) + r"-[0-9a-f]{16}", folder.name):
                continue
            try:
                found.append(((folder / ENTRY).stat().st_mtime, folder,
                              json.loads((folder / ENTRY).read_text(encoding="utf-8"))))
            except (OSError, ValueError):
                continue
        return sorted(found, key=lambda item: item[0], reverse=True)

    def latest(self, name: str, source: str | None = None) -> dict | None:
        for _, _, meta in self.entries(name):
            if source is None or meta.get("quelle") == source:
                return meta
        return None

    def prune(self, name: str, source: str | None = None) -> None:
        """Keep the ``keep`` most recently used entries of this source."""
        mine = [folder for _, folder, meta in self.entries(name) if source is None or meta.get("quelle") == source]
        for folder in mine[self.keep:]:
            shutil.rmtree(folder, ignore_errors=True)


# --- notebooks -------------------------------------------------------------------------------

class NotebookCache:
    """Executed notebooks and the files they wrote, by key (see module docstring)."""

    def __init__(self, root: Path, inputs: KeyInputs, folder: Path | None = None):
        self.root = Path(root)
        self.inputs = inputs
        self.store = Store(folder or self.root / ".cache" / "notebooks")

    def key(self, path: Path) -> tuple[str, dict]:
        return notebook_key(path, self.inputs)

    def lookup(self, path: Path, key: str) -> Path | None:
        return self.store.lookup(Path(path).stem, key)

    def why(self, path: Path, components: Mapping) -> str:
        """Why the notebook runs: "neu" or the changed components."""
        old = self.store.latest(Path(path).stem, components["pfad"])
        if old is None:
            return "nicht im Cache"
        names = changed(old.get("bestandteile", {}), components)
        return "geändert: " + ", ".join(names) if names else "nicht im Cache"

    def scratch(self, path: Path) -> Path:
        return self.store.scratch(Path(path).stem)

    def save(self, path: Path, key: str, components: Mapping, executed, written: Path) -> Path:
        """Store the executed notebook and the files the kernel wrote into ``written``."""
        import nbformat

        scratch = self.store.scratch(Path(path).stem)
        try:
            nbformat.write(executed, scratch / Path(path).name)
            if Path(written).is_dir():
                shutil.copytree(written, scratch / OUTPUTS)
            return self.store.commit(scratch, Path(path).stem, key,
                                     {"quelle": components["pfad"], "bestandteile": dict(components)})
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise

    @staticmethod
    def notebook(entry: Path, path: Path):
        import nbformat

        return nbformat.read(entry / Path(path).name, as_version=4)

    @staticmethod
    def outputs(entry: Path) -> Path:
        return entry / OUTPUTS


# --- files (data downloads, DOCX, PDF) --------------------------------------------------------

def format_key(**parts) -> str:
    """Key of a finished output from named parts (strings, or anything JSON can write)."""
    return sha256(json.dumps({"version": VERSION, **parts}, sort_keys=True, default=str))


def cached_files(store: Store, name: str, key: str, target: Path, produce: Callable[[Path], None],
                 *, fresh: bool = False) -> bool:
    """Fill folder ``target`` from the cache entry ``name``/``key``, or with ``produce(scratch)`` and store it.

    ``produce`` writes into the folder it is given. Returns True on a cache hit.
    """
    target.mkdir(parents=True, exist_ok=True)
    entry = None if fresh else store.lookup(name, key)
    if entry is not None:
        copy_outputs(entry / OUTPUTS, target)
        return True
    scratch = store.scratch(name)
    try:
        (scratch / OUTPUTS).mkdir()
        produce(scratch / OUTPUTS)
        copy_outputs(scratch / OUTPUTS, target)
        store.commit(scratch, name, key, {"quelle": name})
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return False


def cached_file(store: Store, key: str, target: Path, produce: Callable[[Path], object], *,
                fresh: bool = False) -> bool:
    """Like ``cached_files`` for one file: ``produce(path)`` writes ``path`` (named like ``target``)."""
    def write(folder: Path) -> None:
        produce(folder / target.name)

    return cached_files(store, target.name, key, target.parent, write, fresh=fresh)


# --- pandoc conversions -----------------------------------------------------------------------

class PandocMemo:
    """Text conversions by ``helpers.build.pandoc.run``, looked up by content hash.

    The key covers pandoc's version (``software_digest``), the arguments, the contents of
    files named in them (e.g. ``--template``) and the Markdown. Calls that write a file
    (``--output``) pass through. Used keys are remembered so ``prune`` keeps only those.
    """

    def __init__(self, folder: Path, run: Callable[..., str], *, fresh: bool = False):
        self.folder = Path(folder)
        self.run = run
        self.fresh = fresh
        self.used: set[str] = set()
        self.hits = self.misses = 0
        self._lock = threading.Lock()

    def key(self, markdown: str, args, cwd) -> str:
        named = []
        for arg in args:
            value = str(arg).split("=", 1)[-1]
            try:
                if len(value) < 4096 and Path(value).is_file():
                    named.append(f"{value}\0{file_digest(Path(value))}")
            except OSError:
                continue
        return sha256(json.dumps([VERSION, software_digest(), list(map(str, args)), named,
                                  str(cwd) if cwd else None, sha256(markdown)]))

    def __call__(self, markdown: str, args, *, what: str, cwd: Path | None = None) -> str:
        if any(str(a) == "--output" or str(a).startswith(("--output=", "-o")) for a in args):
            return self.run(markdown, args, what=what, cwd=cwd)
        key = self.key(markdown, args, cwd)
        path = self.folder / f"{key}.txt"
        with self._lock:
            self.used.add(key)
        if not self.fresh and path.is_file():
            with self._lock:
                self.hits += 1
            return path.read_text(encoding="utf-8")
        text = self.run(markdown, args, what=what, cwd=cwd)
        self.folder.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{key}-{os.getpid()}-{secrets.token_hex(3)}")
        scratch.write_text(text, encoding="utf-8")
        os.replace(scratch, path)
        with self._lock:
            self.misses += 1
        return text

    def prune(self) -> None:
        """Delete conversions this build did not use (e.g. the old version of an edited chapter)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*.txt"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


@contextmanager
def pandoc_memo(folder: Path, *, fresh: bool = False):
    """Within the block, ``helpers.build.pandoc.run`` answers unchanged text conversions from ``folder``.

    ``html.py`` and ``typst.py`` call ``pandoc.run`` through the module, so replacing the
    module attribute is enough; they need not know about the cache.
    """
    from helpers.build import pandoc

    original = pandoc.run
    memo = PandocMemo(folder, original, fresh=fresh)
    pandoc.run = memo
    try:
        yield memo
    finally:
        pandoc.run = original
