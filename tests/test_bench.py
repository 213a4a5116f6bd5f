"""The benchmark's building blocks (helpers.bench) on tiny inputs; the benchmark itself is `make bench`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import bench

REPO = Path(__file__).resolve().parents[1]
MINI = Path(__file__).resolve().parent / "daten" / "mini"


def test_german_numbers():
    assert bench.de(13036, 0) == "13.036"
    assert bench.de(12.5) == "12,5"
    assert bench.sekunden(61.25) == "61,2 s" or bench.sekunden(61.25) == "61,3 s"
    assert bench.megabyte(3 * 1024 ** 3) == "3,00 GB" and bench.megabyte(None) == "–"
    assert bench.parse_seconds("5,2 s") == 5.2 and bench.parse_seconds("1 min 03 s") == 63


def test_fit_exponent_recovers_power_laws():
    sizes = [1e3, 1e4, 1e5]
    b, r2 = bench.fit_exponent(sizes, [2e-6 * n for n in sizes])
    assert b == pytest.approx(1.0) and r2 == pytest.approx(1.0)
    b, _ = bench.fit_exponent(sizes, [1e-9 * n * n for n in sizes])
    assert b == pytest.approx(2.0)


def test_synthetic_folder_passes_validation_and_scales(tmp_path):
    from helpers.daten import laden

    source = laden(MINI)
    districts, years = len(source.stadtteile), source.bestand["jahr"].nunique()
    rows = bench.synthetic_folder(MINI, tmp_path / "gross", 3 * districts, years, base=source)
    assert rows == 3 * len(source.bestand)
    big = laden(tmp_path / "gross")  # raises DatenFehler if the synthetic data were inconsistent
    assert len(big.stadtteile) == 3 * districts
    assert len(big.bestand) == rows
    timing = bench.time_pipeline(shutil.copytree(tmp_path / "gross", tmp_path / "kopie"))  # not from laden's memo
    assert timing["gesamt"] >= timing["geheimhaltung"] + timing["indikatoren"] > 0
    assert timing["indikatorzeilen"] == len(big.indikatoren)


def test_change_data_value_keeps_the_demo_data_valid(tmp_path):
    from helpers.daten import laden

    data = shutil.copytree(REPO / "data", tmp_path / "data")
    before = (data / "bestand/wohnen.csv").read_text(encoding="utf-8")
    row, new, merkmal = bench.change_data_value(data)
    after = (data / "bestand/wohnen.csv").read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.split("\n"), after.split("\n")) if a != b]
    assert len(changed) == 1 and changed[0][0] == row and f";{merkmal};{new};" in changed[0][1]
    laden(data)  # still valid


def test_copy_repo_leaves_out_environment_caches_and_books(tmp_path):
    root = tmp_path / "repo"
    for name in ("chapters/a.qmd", ".venv/bin/python", ".cache/x", "_book/index.html", "_book.tmp-1/x",
                 "src/helpers/__pycache__/x.pyc", "src/helpers/x.py", ".git/HEAD"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")
    copy = bench.copy_repo(root, tmp_path / "kopie")
    files = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    assert files == [".git/HEAD", "chapters/a.qmd", "src/helpers/x.py"]
    env = bench.bench_env(copy)
    assert env["SOZIALBERICHT_ROOT"] == str(copy) and env["PYTHONPATH"].startswith(str(copy / "src"))
    assert "SOZIALBERICHT_DATEN" not in env


def test_edit_prose_appends_to_a_chapter_copy(tmp_path):
    root = shutil.copytree(REPO / "tests/buchtest", tmp_path / "buch")
    path = bench.edit_prose(root, 2)
    assert path == root / "kapitel/eins.qmd"
    assert path.read_text(encoding="utf-8").endswith("(Durchgang 2).\n")


def test_notebook_timings_from_cell_metadata(tmp_path):
    def cell(start, end, label=None):
        source = (f"#| label: {label}\n" if label else "") + "x = 1"
        return {"cell_type": "code", "source": source, "outputs": [], "metadata": {"execution": {
            "iopub.execute_input": f"2025-01-01T00:00:{start:06.3f}Z", "shell.execute_reply": f"2025-01-01T00:00:{end:06.3f}Z"}}}

    folder = tmp_path / ".cache/notebooks/notebooks"
    folder.mkdir(parents=True)
    nb = {"cells": [cell(0, 1.5), {"cell_type": "markdown", "source": "Text", "metadata": {}},
                    cell(2, 2.25), cell(3, 5, "fig-gross")]}
    (folder / "demo.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    rows = bench.notebook_timings(tmp_path, "  [    6,1 s] Notebook demo.ipynb\n")
    assert rows == [{"notebook": "demo.ipynb", "wand": 6.1, "zellen": pytest.approx(3.75), "setup": 1.5,
                     "rest": pytest.approx(2.25), "langsamste": (4, "fig-gross", 2.0)}]


def test_report_is_german_and_judges_the_targets():
    runs = [bench.Lauf("a", "Kaltstart", 100.0, 2e9, 4e8, 1.0, cpu=150.0),
            bench.Lauf("b", "ohne Änderung", 4.0, 1e9, 2e8, 1.0, cpu=3.0, wiederholungen=[3.9, 4.0, 4.2]),
            bench.Lauf("c", "Textänderung", 25.0, 1e9, 2e8, 1.0, cpu=15.0)]
    pipeline = [{"stadtteile": n, "jahre": 20, "zeilen": 1000 * n, "gesamt": 0.001 * n, "einlesen": 0.0005 * n,
                 "geheimhaltung": 0.0003 * n, "indikatoren": 0.0002 * n} for n in (50, 100, 200)]
    text = bench.report(runs, [], pipeline, "Testrechner.")
    assert "| a) Kaltstart | 100,0 s | 100,0 % |" in text
    assert "| 15,0 s | 10,0 % |" in text  # CPU seconds and their share of the cold build
    assert "< 10 % ✓" in text and "< 20 % ✗" in text
    assert "Median aus 3,9, 4,0, 4,2" in text
    assert "b = 1,00" in text and "linear" in text


def test_run_build_measures_time_cpu_and_memory_of_the_fixture_book(tmp_path):
    root = shutil.copytree(REPO / "tests/buchtest", tmp_path / "buch")
    env = {**bench.bench_env(root), "SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(REPO / "src")}
    run = bench.run_build(root, tmp_path / "aus", env, name="a", beschreibung="Test")
    assert (tmp_path / "aus/testbuch.pdf").is_file()
    assert run.sekunden > 0 and run.cpu > 0 and run.speicher_prozess > 10 * 1024 ** 2
    assert "Notebook beispiel.ipynb" in run.protokoll
    rows = bench.notebook_timings(root, run.protokoll)
    assert [r["notebook"] for r in rows] == ["beispiel.ipynb"] and rows[0]["wand"] > 0
    with pytest.raises(RuntimeError, match="Build fehlgeschlagen"):
        bench.run_build(tmp_path, tmp_path / "nichts", env, name="x")  # no _quarto.yml there


def test_report_judges_the_150_district_build():
    a = bench.Lauf("a", "Kaltstart", 100.0, 2e9, 4e8, 1.0, stadtteile=11)
    f = bench.Lauf("f", "150 Stadtteile", 150.0, 1.5 * 1024 ** 3, 8e8, 1.0, stadtteile=150)
    text = bench.report([a, f], [], [], "Testrechner.")
    assert "| f) 150 Stadtteile | 150,0 s | 150,0 % | < 200 % ✓ |" in text
    assert "1,50-Fache der Zeit (Ziel < 2: ✓)" in text and "b = 0,16" in text and "(Ziel < 2 GB: ✓)" in text
    f.speicher_summe = 3 * 1024 ** 3
    assert "(Ziel < 2 GB: ✗)" in bench.report([a, f], [], [], "Testrechner.")
