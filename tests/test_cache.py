"""The build's execution cache (helpers.build.cache): what goes into a notebook's key, and what a hit restores.

No kernel runs here: the key is computed on small files in a temporary book, and the
notebook execution is replaced by a stand-in that writes a download file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.build import cache
from helpers.build import notebooks as nbexec
from helpers.build import pipeline
from helpers.build.errors import BuildError
from helpers.build.progress import Progress


def notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    for index, cell in enumerate(nb.cells):
        cell.id = f"zelle-{index}"  # stable ids: the same sources give the same file
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def book(tmp_path, monkeypatch):
    """A book root with a data folder, a chapter, a notebook and a small stand-in for ``src/helpers``."""
    root = tmp_path / "buch"
    (root / "data/bestand").mkdir(parents=True)
    (root / "data/regeln").mkdir()
    (root / "_quarto.yml").write_text("book:\n  title: T\n  chapters: [index.qmd]\n", encoding="utf-8")
    (root / "index.qmd").write_text("# Start\n", encoding="utf-8")
    (root / "data/bericht.yml").write_text("stadt: Teststadt\nberichtsjahr: 2018\n", encoding="utf-8")
    (root / "data/stadtteile.csv").write_text("schluessel;name\n01;Nord\n", encoding="utf-8")
    (root / "data/indikatoren.yml").write_text("merkmale: []\n", encoding="utf-8")
    (root / "data/bestand/wohnen.csv").write_text("stadtteil;jahr;merkmal;wert\nNord;2018;wohnungen;10\n",
                                                  encoding="utf-8")
    (root / "data/regeln/sozialindex.yml").write_text("gewichte: {}\n", encoding="utf-8")
    package = tmp_path / "paket"
    (package / "build").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "format.py").write_text("def zahl(x):\n    return str(x)\n", encoding="utf-8")
    (package / "anhang.py").write_text("def git_commit():\n    return 'abc'\n", encoding="utf-8")
    (package / "build" / "html.py").write_text("# build code\n", encoding="utf-8")
    monkeypatch.setattr(cache, "helpers_package", lambda: package)
    monkeypatch.delenv("SOZIALBERICHT_DATEN", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    nb = notebook(root / "notebooks/a.ipynb", "import helpers\nctx = helpers.setup()", "print(1)")
    return root, package, nb


def key(root: Path, nb: Path) -> str:
    return cache.notebook_key(nb, cache.KeyInputs.collect(root, {"PYTHONHASHSEED": "0"}))[0]


def test_key_changes_with_each_input(book, tmp_path, monkeypatch):
    root, package, nb = book
    seen = {key(root, nb)}

    def changes(what: str) -> None:
        new = key(root, nb)
        assert new not in seen, f"Schlüssel unverändert nach: {what}"
        seen.add(new)

    notebook(nb, "import helpers\nctx = helpers.setup()", "print(2)")
    changes("Notebook-Zelle")
    (package / "format.py").write_text("def zahl(x):\n    return f'{x}'\n", encoding="utf-8")
    changes("helpers-Datei")
    (package / "neu.py").write_text("X = 1\n", encoding="utf-8")
    changes("neue helpers-Datei")
    (root / "data/indikatoren.yml").write_text("merkmale: [] # neu\n", encoding="utf-8")
    changes("Katalog")
    (root / "data/bestand/wohnen.csv").write_text("stadtteil;jahr;merkmal;wert\nNord;2018;wohnungen;11\n",
                                                  encoding="utf-8")
    changes("Datendatei")
    (root / "data/regeln/sozialindex.yml").write_text("gewichte: {a: 1}\n", encoding="utf-8")
    changes("Regeldatei")
    (root / "data/bericht.yml").write_text("stadt: Teststadt\nberichtsjahr: 2019\n", encoding="utf-8")
    changes("bericht.yml")
    (root / "data/stadtteile.geojson").write_text("{}", encoding="utf-8")
    changes("neue Datei im Datenordner")
    other = tmp_path / "andere-daten"
    __import__("shutil").copytree(root / "data", other)
    monkeypatch.setenv("SOZIALBERICHT_DATEN", str(other))
    changes("SOZIALBERICHT_DATEN (gleicher Inhalt, anderer Ordner)")
    (other / "bestand/wohnen.csv").write_text("stadtteil;jahr;merkmal;wert\nNord;2018;wohnungen;12\n",
                                              encoding="utf-8")
    changes("Datendatei im Ordner aus SOZIALBERICHT_DATEN")
    assert cache.notebook_key(nb, cache.KeyInputs.collect(root, {"PYTHONHASHSEED": "1"}))[0] not in seen


def test_key_ignores_what_does_not_change_results(book):
    root, package, nb = book
    before = key(root, nb)
    os.utime(nb, (1, 1))  # touched only
    os.utime(root / "data/bestand/wohnen.csv", (1, 1))
    (root / "index.qmd").write_text("# Start\n\nEin neuer Satz.\n", encoding="utf-8")  # prose
    (package / "build" / "html.py").write_text("# build code, geändert\n", encoding="utf-8")  # the build's own code
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "format.cpython-311.pyc").write_bytes(b"\0")
    (root / "data/bestand/~$wohnen.xlsx").write_bytes(b"Sperrdatei von Excel")
    (root / ".cache").mkdir()
    executed = nbformat.read(nb, as_version=4)  # an executed copy in place (as Quarto's pre-render leaves it)
    executed.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    executed.cells[1].execution_count = 1
    nbformat.write(executed, nb)
    assert key(root, nb) == before


def test_build_state_only_for_notebooks_that_print_it(book, monkeypatch):
    """Commit and date are in the key only where a notebook shows them (here through helpers.anhang)."""
    root, _, plain = book
    quellen = notebook(root / "notebooks/quellen.ipynb", "from helpers import anhang\nprint(anhang.git_commit())")
    inputs = cache.KeyInputs.collect(root, {"SOURCE_DATE_EPOCH": "1700000000"})
    assert cache.notebook_key(plain, inputs)[1]["stand"] is None
    assert cache.notebook_key(quellen, inputs)[1]["stand"]["datum"] == "1700000000"
    later = cache.KeyInputs.collect(root, {"SOURCE_DATE_EPOCH": "1800000000"})
    assert cache.notebook_key(plain, later)[0] == cache.notebook_key(plain, inputs)[0]
    assert cache.notebook_key(quellen, later)[0] != cache.notebook_key(quellen, inputs)[0]


def test_imported_helpers_modules():
    code = ("import helpers\nfrom helpers import format as fmt, anhang\nfrom helpers import (t3grafik,\n"
            "    texte)\nfrom helpers.regeln import regeldatei\nimport helpers.karten\n")
    assert cache.imported_helpers_modules(code) == {"format", "anhang", "t3grafik", "regeln", "karten"}


# --- hits, misses and what they restore ----------------------------------------------------------

class FakeKernel:
    """Stands in for ``notebooks.execute``: writes ``<stem>.csv`` into $SOZIALBERICHT_AUSGABE."""

    def __init__(self):
        self.runs: list[str] = []

    def __call__(self, path, *, env=None, timeout=None):
        self.runs.append(Path(path).name)
        out = Path(env["SOZIALBERICHT_AUSGABE"])
        (out / f"{Path(path).stem}.csv").write_text(f"ergebnis von {Path(path).name}\n", encoding="utf-8")
        nb = nbformat.read(path, as_version=4)
        nb.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="ausgeführt\n")]
        return nb


def run(root: Path, paths: list[Path], downloads: Path, *, jobs: int = 1, fresh: bool = False):
    progress = Progress(stream=open(os.devnull, "w"))
    return pipeline.execute_notebooks(root, paths, {"SOZIALBERICHT_AUSGABE": str(downloads)}, jobs, progress,
                                      fresh=fresh)


def test_hit_restores_notebook_and_written_files(book, tmp_path, monkeypatch):
    root, _, nb = book
    kernel = FakeKernel()
    monkeypatch.setattr(nbexec, "execute", kernel)

    first = run(root, [nb], tmp_path / "eins")
    assert kernel.runs == ["a.ipynb"]
    assert (tmp_path / "eins/a.csv").read_text(encoding="utf-8") == "ergebnis von a.ipynb\n"

    second = run(root, [nb], tmp_path / "zwei")
    assert kernel.runs == ["a.ipynb"]  # not executed again
    assert (tmp_path / "zwei/a.csv").read_text(encoding="utf-8") == "ergebnis von a.ipynb\n"
    assert second[nb] == first[nb]
    entries = [p.name for p in (root / ".cache/notebooks").iterdir() if p.name.startswith("a-")]
    assert len(entries) == 1 and (root / ".cache/notebooks" / entries[0] / "ausgabe/a.csv").is_file()

    run(root, [nb], tmp_path / "drei", fresh=True)
    assert kernel.runs == ["a.ipynb"] * 2  # --fresh ignores the cache
    (root / "data/bestand/wohnen.csv").write_text("stadtteil;jahr;merkmal;wert\nNord;2018;wohnungen;99\n",
                                                  encoding="utf-8")
    run(root, [nb], tmp_path / "vier")
    assert kernel.runs == ["a.ipynb"] * 3  # data changed


def test_reason_for_running_names_the_changed_input(book, tmp_path, monkeypatch):
    root, _, nb = book
    monkeypatch.setattr(nbexec, "execute", FakeKernel())
    lines = []
    progress = Progress()
    progress.say = lines.append
    env = {"SOZIALBERICHT_AUSGABE": str(tmp_path / "aus")}
    pipeline.execute_notebooks(root, [nb], env, 1, progress)
    (root / "data/bestand/wohnen.csv").write_text("anders\n", encoding="utf-8")
    pipeline.execute_notebooks(root, [nb], env, 1, progress)
    pipeline.execute_notebooks(root, [nb], env, 1, progress)
    text = "\n".join(lines)
    assert "a.ipynb wird ausgeführt (nicht im Cache)" in text
    assert "a.ipynb wird ausgeführt (geändert: Daten)" in text
    assert "Notebook a.ipynb aus dem Cache" in text


def test_two_notebooks_writing_the_same_download_is_an_error(book, tmp_path, monkeypatch):
    root, _, nb = book
    twin = notebook(root / "anderswo/a.ipynb", "print('gleicher Name, andere Datei')")
    monkeypatch.setattr(nbexec, "execute", FakeKernel())
    with pytest.raises(BuildError, match="schreiben beide a.csv"):
        run(root, [nb, twin], tmp_path / "aus", jobs=2)


def test_entries_are_pruned_per_notebook(book, tmp_path, monkeypatch):
    root, _, nb = book
    monkeypatch.setattr(nbexec, "execute", FakeKernel())
    for value in range(cache.KEEP + 2):
        (root / "data/bestand/wohnen.csv").write_text(f"wert {value}\n", encoding="utf-8")
        run(root, [nb], tmp_path / f"aus{value}")
    entries = [p for p in (root / ".cache/notebooks").iterdir() if p.name.startswith("a-")]
    assert len(entries) == cache.KEEP


def test_pandoc_memo_converts_unchanged_markdown_once(tmp_path):
    calls = []

    def fake_run(markdown, args, *, what, cwd=None):
        calls.append(markdown)
        return markdown.upper()

    template = tmp_path / "vorlage.typ"
    template.write_text("v1", encoding="utf-8")
    memo = cache.PandocMemo(tmp_path / "pandoc", fake_run)
    assert memo("# eins", ["--to", "html5"], what="x") == "# EINS"
    assert memo("# eins", ["--to", "html5"], what="x") == "# EINS"
    assert memo("# eins", ["--to", "typst", "--template", str(template)], what="x") == "# EINS"
    template.write_text("v2", encoding="utf-8")
    memo("# eins", ["--to", "typst", "--template", str(template)], what="x")
    memo("# eins", ["--to", "docx", "--output", str(tmp_path / "x.docx")], what="x")
    memo("# eins", ["--to", "docx", "--output", str(tmp_path / "x.docx")], what="x")
    assert len(calls) == 5  # html once; typst per template content; files always
    memo.prune()
    assert len(list((tmp_path / "pandoc").glob("*.txt"))) == 3


def test_build_tools_start_without_pandas():
    """``import helpers`` is lazy: the command-line tools load neither pandas nor matplotlib."""
    code = ("import sys, helpers, helpers.build.__main__, helpers.execute, helpers.postrender\n"
            "print(json.dumps(sorted(m for m in ('pandas', 'matplotlib', 'numpy') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
    setup = subprocess.run([sys.executable, "-c", "import helpers.setup, helpers; print(callable(helpers.setup))"],
                           capture_output=True, text=True, check=True)
    assert setup.stdout.strip() == "True"


def test_fresh_reaches_the_quarto_pre_render_step_through_the_environment(book, tmp_path, monkeypatch):
    """``python -m helpers.build --fresh`` with Quarto: helpers.execute sees SOZIALBERICHT_FRESH=1."""
    root, _, nb = book
    kernel = FakeKernel()
    monkeypatch.setattr(nbexec, "execute", kernel)
    progress = Progress(stream=open(os.devnull, "w"))
    env = {"SOZIALBERICHT_AUSGABE": str(tmp_path / "aus")}
    pipeline.execute_notebooks(root, [nb], env, 1, progress)
    pipeline.execute_notebooks(root, [nb], env, 1, progress)
    assert len(kernel.runs) == 1
    monkeypatch.setenv(pipeline.FRESH_ENV, "1")
    pipeline.execute_notebooks(root, [nb], env, 1, progress)
    assert len(kernel.runs) == 2


def test_plausibility_warnings_are_printed_again_when_the_data_check_comes_from_the_cache(tmp_path, monkeypatch):
    """The analyst sees the same warnings on every build, not only on the one that checked the data."""
    import io
    import shutil

    monkeypatch.delenv("SOZIALBERICHT_DATEN", raising=False)
    repo = Path(__file__).resolve().parents[1]
    shutil.copytree(repo / "data", tmp_path / "data")
    printed = []
    for _ in range(2):
        stream = io.StringIO()
        pipeline.check_data(tmp_path, tmp_path / "daten", Progress(stream))
        printed.append([line for line in stream.getvalue().splitlines() if "Warnung: Plausibilität" in line])
    assert "aus dem Cache" in stream.getvalue()
    assert printed[0], "the demo data carry deliberate plausibility cases"
    assert printed[1] == printed[0]
