"""Reproducible builds: parallel = serial, another folder = the same book, a cached rebuild = a fresh one.

The fixture book (tests/buchtest) gets a second notebook with a figure, a computed sentence
and a download file, so two kernels run side by side. (test_build.py checks that a fresh
rebuild of the fixture is byte-identical.)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

FIXTURE = Path(__file__).resolve().parent / "buchtest"
FIXED_TIME = {"SOURCE_DATE_EPOCH": "1700000000"}

SECOND = [
    "import os\nfrom pathlib import Path\nimport matplotlib.pyplot as plt\n"
    "werte = {'Ost': 4, 'West': 11}\n"
    "Path(os.environ['SOZIALBERICHT_AUSGABE'], 'zweites.csv').write_text('bezirk;wert\\nOst;4\\nWest;11\\n')",
    "#| label: fig-zweites\n#| fig-cap: \"Zweites Notebook\"\n#| fig-alt: \"Zwei Balken für Ost und West.\"\n"
    "fig, ax = plt.subplots(figsize=(4, 2))\nax.bar(list(werte), list(werte.values()))\nplt.show()",
    "#| label: txt-zweites\n#| output: asis\nprint(f'Ost und West zählen zusammen **{sum(werte.values())}** Fälle.')",
]


def book(target: Path) -> Path:
    """The fixture book plus ``notebooks/zweites.ipynb``, embedded in chapter 3."""
    root = shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("_book*", ".cache"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in SECOND])
    for index, cell in enumerate(nb.cells):
        cell.id = f"zweites-{index}"
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, root / "notebooks/zweites.ipynb")
    chapter = root / "kapitel/drei.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8")
                       + "\n## Zweites Notebook\n\n{{< embed ../notebooks/zweites.ipynb#fig-zweites >}}\n\n"
                         "{{< embed ../notebooks/zweites.ipynb#txt-zweites >}}\n", encoding="utf-8")
    return root


def build(root: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "helpers.build", "--engine", "python", "--output", str(out), *args],
                            cwd=root, capture_output=True, text=True, env={**os.environ, **FIXED_TIME}, timeout=600)
    assert result.returncode == 0, result.stderr
    return result


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(a: dict, b: dict) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


@pytest.fixture(scope="module")
def parallel(tmp_path_factory):
    """The two-notebook book built fresh with two kernels at a time."""
    root = book(tmp_path_factory.mktemp("parallel") / "buch")
    result = build(root, root / "aus", "--fresh", "--jobs", "2")
    return root, root / "aus", result


def test_parallel_build_equals_serial_build_in_another_folder(parallel, tmp_path):
    root, out, result = parallel
    assert "Notebook beispiel.ipynb" in result.stderr and "Notebook zweites.ipynb" in result.stderr
    assert (out / "daten/zweites.csv").read_text(encoding="utf-8") == "bezirk;wert\nOst;4\nWest;11\n"
    other = book(tmp_path / "woanders" / "buch")
    build(other, other / "aus", "--fresh", "--jobs", "1")
    serial = snapshot(other / "aus")
    assert not differences(snapshot(out), serial)
    assert any(name.endswith(".docx") for name in serial) and any(name.endswith(".pdf") for name in serial)


def test_cached_rebuild_equals_fresh_build(parallel):
    root, out, _ = parallel
    result = build(root, root / "aus-cache")
    for name in ("beispiel.ipynb", "zweites.ipynb"):
        assert f"Notebook {name} aus dem Cache" in result.stderr
    assert "DOCX (testbuch.docx) aus dem Cache" in result.stderr
    assert not differences(snapshot(out), snapshot(root / "aus-cache"))


def test_prose_edit_reuses_notebooks_and_changes_only_its_page(parallel):
    root, out, _ = parallel
    chapter = root / "kapitel/zwei.qmd"
    original = chapter.read_text(encoding="utf-8")
    chapter.write_text(original + "\nEin angefügter Satz.\n", encoding="utf-8")
    try:
        result = build(root, root / "aus-text")
    finally:
        chapter.write_text(original, encoding="utf-8")
    assert "Notebook beispiel.ipynb aus dem Cache" in result.stderr
    assert "aus dem Cache" not in next(line for line in result.stderr.splitlines() if "] DOCX" in line)
    changed = differences(snapshot(out), snapshot(root / "aus-text"))
    html = [name for name in changed if name.endswith(".html")]
    assert html == ["kapitel/zwei.html"]
    assert "Ein angefügter Satz." in (root / "aus-text/kapitel/zwei.html").read_text(encoding="utf-8")
