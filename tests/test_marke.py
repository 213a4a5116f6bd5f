"""The "Beispieldaten" mark: on every figure and table of a notebook while the data are synthetic."""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from PIL import Image

import nbtest
from helpers import marke
from helpers.build.embed import table_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_figure_mark_sits_below_the_axes_once():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    marke.figur(fig)
    marke.figur(fig)
    texts = [t for t in fig.texts if t.get_text() == marke.TEXT]
    assert len(texts) == 1
    x, y = texts[0].get_position()
    assert texts[0].get_va() == "top" and y <= 0 and x > 0.9  # below the figure's lower edge, right
    plt.close(fig)


def test_table_note_follows_a_pipe_table_only():
    tabelle = "| a | b |\n|---|--:|\n| x | 1 |"
    assert marke.tabelle(tabelle).endswith(f"\n\n{marke.NOTIZ}\n")
    assert marke.tabelle(marke.tabelle(tabelle)).count(marke.NOTIZ) == 1
    assert marke.tabelle("Nur ein Satz.") == "Nur ein Satz."


def test_caption_stays_with_the_table_before_the_note():
    md = table_markdown("tbl-x", marke.tabelle("| a |\n|---|\n| 1 |"), {"tbl-cap": "Werte"})
    assert md == f"| a |\n|---|\n| 1 |\n\n: Werte {{#tbl-x}}\n\n{marke.NOTIZ}"


def _png_height(outputs) -> int:
    data = next(o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {}))
    return Image.open(io.BytesIO(base64.b64decode(data))).size[1]


@pytest.fixture(scope="module")
def hf7(tmp_path_factory):
    """The HF 7 notebook on the demo data and on a copy with ``beispieldaten: false``."""
    echt = shutil.copytree(ROOT / "data", tmp_path_factory.mktemp("echt") / "daten")
    yml = (echt / "bericht.yml").read_text(encoding="utf-8")
    assert "beispieldaten: true" in yml
    (echt / "bericht.yml").write_text(yml.replace("beispieldaten: true", "beispieldaten: false"), encoding="utf-8")
    return {name: nbtest.ausgaben(nbtest.ausfuehren("hf7_wohnen", pfad, tmp_path_factory.mktemp(name)))
            for name, pfad in {"demo": ROOT / "data", "echt": echt}.items()}


def test_every_table_and_figure_of_a_notebook_is_marked_with_demo_data_only(hf7):
    demo, echt = hf7["demo"], hf7["echt"]
    tabellen = [k for k in demo if k.startswith("tbl-")]
    figuren = [k for k in demo if k.startswith("fig-")]
    assert tabellen and figuren
    for label in tabellen:
        assert marke.NOTIZ in nbtest.text(demo[label]), label
        assert marke.NOTIZ not in nbtest.text(echt[label]), label
    for label in figuren:
        # The mark adds a line of text below the figure, so the PNG is taller.
        assert _png_height(demo[label]) > _png_height(echt[label]), label
