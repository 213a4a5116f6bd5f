"""The real Quarto build of the real book, compared with the Python engine's build.

Both engines render the same sources and must give the same book: the same pages, chapter
titles, figure and table captions (so the same numbering and cross-reference targets), the
same numbers in the text, the same DOCX headings (Teil I–IV, "Anhang A — …") and the same
figures in the PDF. Quarto comes from ``../shared/tools/quarto/install.sh`` (see .ci/run);
without it the tests skip on a developer's machine and fail in CI.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import yaml

import buchvergleich as bv
from test_build import REPO, check_book, run_build

pytestmark = pytest.mark.slow

CONFIG = yaml.safe_load((REPO / "_quarto.yml").read_text(encoding="utf-8"))["book"]
OUTPUT_FILE = CONFIG["output-file"]


def require_quarto() -> None:
    if shutil.which("quarto"):
        return
    message = "quarto ist nicht auf dem PATH (bash ../shared/tools/quarto/install.sh ~/.local/quarto)"
    if os.environ.get("CI"):
        pytest.fail(message + ": in CI muss der Quarto-Build laufen.")
    pytest.skip(message)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """``{"quarto": folder, "python": folder}``: the real book built by both engines."""
    require_quarto()
    out, seconds = {}, {}
    for engine in ("quarto", "python"):
        folder = tmp_path_factory.mktemp(engine) / "_book"
        start = time.perf_counter()
        result = run_build(REPO, "--engine", engine, "--output", str(folder))
        seconds[engine] = time.perf_counter() - start
        assert result.returncode == 0, f"{engine}:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
        out[engine] = folder
    print(f"\nBuildzeit Quarto {seconds['quarto']:.0f} s, Python-Engine {seconds['python']:.0f} s "
          "(Notebooks aus dem Zwischenspeicher, wenn unverändert)")
    return out


def test_quarto_book_passes_the_book_checks(books):
    """HTML, PDF and DOCX exist; every part and chapter title in every format; alt texts; no
    unresolved embeds or references; every link resolves."""
    check_book(REPO, books["quarto"], OUTPUT_FILE)


def test_same_pages_titles_captions_and_numbers_in_html(books):
    quarto, python = bv.html_pages(books["quarto"]), bv.html_pages(books["python"])
    assert sorted(quarto) == sorted(python)
    title = bv.normalize(CONFIG["title"])
    for page in sorted(quarto):
        q, p = quarto[page], python[page]
        # Quarto's start page carries the book title as a heading; the Python engine's title block does not.
        assert [h for h in q.headings if h != title] == p.headings, page
        assert q.figures == p.figures, page
        assert q.tables == p.tables, page
        assert q.numbers == p.numbers, f"{page}: nur Quarto {q.numbers - p.numbers}, nur Python {p.numbers - q.numbers}"
    assert sum(len(p.figures) for p in quarto.values()) > 50
    assert sum(len(p.tables) for p in quarto.values()) > 50


def test_same_docx_headings_parts_and_captions(books):
    quarto = bv.docx_headings(books["quarto"] / f"{OUTPUT_FILE}.docx")
    python = bv.docx_headings(books["python"] / f"{OUTPUT_FILE}.docx")
    assert quarto == python
    parts = [c["part"] for c in CONFIG["chapters"] if isinstance(c, dict)]
    assert [h for h in quarto if h.startswith("Teil ")] == parts
    assert any(h.startswith("Anhang A — ") for h in quarto) and not any("Appendix" in h for h in quarto)
    captions = bv.docx_captions(books["quarto"] / f"{OUTPUT_FILE}.docx")
    assert captions == bv.docx_captions(books["python"] / f"{OUTPUT_FILE}.docx") and len(captions) > 100


def test_same_figures_in_pdf(books):
    counts = {engine: bv.pdf_image_count(folder / f"{OUTPUT_FILE}.pdf") for engine, folder in books.items()}
    assert counts["quarto"] == counts["python"] > 50
    text = bv.pdf_text(books["quarto"] / f"{OUTPUT_FILE}.pdf")
    assert "Kapitel 7" in text and "Abbildung 7.1" in text  # German running heads and references (HF 1)


def test_same_downloads(books):
    names = {engine: sorted(p.relative_to(folder).as_posix() for p in (folder / "daten").rglob("*") if p.is_file())
             for engine, folder in books.items()}
    assert names["quarto"] == names["python"] and names["quarto"]
    for name in names["quarto"]:
        if name.endswith(".csv"):
            assert (books["quarto"] / name).read_bytes() == (books["python"] / name).read_bytes(), name


def test_notebooks_left_without_outputs(books):
    """pre-render executes the notebooks in place; post-render must put the stripped ones back."""
    import nbformat

    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        assert not any(c.get("outputs") for c in cells if c.cell_type == "code"), path.name


def test_quarto_html_passes_axe(books):
    """Quarto's pages (cosmo theme, its navigation) have no serious or critical axe violation,
    at desktop and phone width, like the Python engine's pages (test_barrierefreiheit.py)."""
    from a11y import audit, require_browser, serious

    require_browser()
    found = serious(audit(books["quarto"]))
    assert not found, f"{len(found)} ernste oder kritische axe-Verstöße:\n" + "\n".join(map(str, found))
