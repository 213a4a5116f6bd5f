"""Notebooks in tests: cell options, execution on a data folder, and their outputs.

One place for what the Teil II/III notebook tests share, so they read the cell options
exactly as the build does (``helpers.build.notebooks.cell_options``).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbclient
import nbformat

from helpers.build.notebooks import cell_options

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks"
DATEN = {"demo": ROOT / "data", "zweitstadt": ROOT / "tests" / "daten" / "zweitstadt"}


def optionen(source: str) -> dict:
    """Quarto cell options of a code cell's source (the leading ``#|`` lines)."""
    return cell_options({"source": source})


def lesen(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NB / f"{name}.ipynb", as_version=4)


def ausfuehren(name: str, daten: Path, ausgabe: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Execute ``notebooks/<name>.ipynb`` in a fresh kernel on the data folder ``daten``."""
    nb = lesen(name)
    env = {**os.environ, "SOZIALBERICHT_DATEN": str(daten), "SOZIALBERICHT_AUSGABE": str(ausgabe),
           "SOZIALBERICHT_ROOT": str(ROOT)}
    # env goes to the kernel process only, so parallel runs on different folders don't mix
    nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(NB)}}).execute(env=env)
    return nb


def ausfuehren_alle(namen, daten: Path, ausgabe: Path, parallel: int = 3) -> dict[str, nbformat.NotebookNode]:
    """Several notebooks on one data folder, ``parallel`` kernels at a time."""
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return dict(zip(namen, pool.map(lambda n: ausfuehren(n, daten, ausgabe), namen)))


def ausgaben(nb) -> dict[str, list]:
    """Outputs of every labelled cell: ``{label: outputs}``."""
    out = {}
    for c in nb.cells:
        if c.cell_type == "code" and (label := optionen(c.source).get("label")):
            out[label] = c.get("outputs", [])
    return out


def text(outputs) -> str:
    """Printed and Markdown output of a cell, joined (streams may arrive in pieces)."""
    teile = []
    for o in outputs:
        if o.get("output_type") == "stream":
            teile.append(o["text"])
        elif "text/markdown" in o.get("data", {}):
            teile.append(o["data"]["text/markdown"])
    return "".join(teile)
