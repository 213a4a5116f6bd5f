"""Static checks over all notebooks and all embeds (nothing is executed).

- every ``fig-`` cell has a non-empty ``fig-cap`` and ``fig-alt``, every ``tbl-`` cell a ``tbl-cap``;
- labels are unique across all notebooks; the one exception is ``txt-datenhinweis``, the
  demo-data notice that every data notebook carries by convention (embeds name the notebook);
- every ``{{< embed … >}}`` in ``index.qmd`` and ``chapters/**/*.qmd`` names an existing notebook
  and a label (or cell id) in it;
- notebooks are stored without outputs and execution counts;
- the first code cell calls ``helpers.setup()``.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest
import nbtest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
QMD = sorted([ROOT / "index.qmd", *(ROOT / "chapters").rglob("*.qmd")])
# Quarto shortcode; ``{{{< … >}}}`` is an escaped (literal) shortcode and is skipped.
EMBED = re.compile(r"(?<!\{)\{\{<\s*embed\s+(?P<ziel>[^\s>]+)(?P<rest>[^>]*)>\}\}(?!\})")
#: Labels that every data notebook carries by convention (the demo-data notice).
GEMEINSAM = {"txt-datenhinweis"}


def _quelle(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


optionen = nbtest.optionen


def _laden(pfad: Path) -> dict:
    return json.loads(pfad.read_text(encoding="utf-8"))


def _code_zellen(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _rel(pfad: Path) -> str:
    return pfad.relative_to(ROOT).as_posix()


def zellen_mit_label(pfad: Path) -> list[tuple[str, dict, dict]]:
    """(label, options, cell) for every labelled code cell of a notebook."""
    out = []
    for c in _code_zellen(_laden(pfad)):
        opt = optionen(_quelle(c))
        if opt.get("label") is not None:
            out.append((str(opt["label"]), opt, c))
    return out


def _leer(x) -> bool:
    return x is None or not str(x).strip()


def fehlende_beschriftungen(pfad: Path) -> list[str]:
    """fig- cells without fig-cap/fig-alt, tbl- cells without tbl-cap."""
    fehler = []
    for label, opt, _ in zellen_mit_label(pfad):
        if label.startswith("fig-"):
            fehler += [f"{label}: „#| {k}:“ fehlt oder ist leer" for k in ("fig-cap", "fig-alt") if _leer(opt.get(k))]
        elif label.startswith("tbl-") and _leer(opt.get("tbl-cap")):
            fehler.append(f"{label}: „#| tbl-cap:“ fehlt oder ist leer")
    return fehler


def doppelte_labels(pfade: list[Path]) -> dict[str, list[str]]:
    """Labels used more than once (within a notebook or across notebooks), except :data:`GEMEINSAM`."""
    wo = defaultdict(list)
    for pfad in pfade:
        labels = [lab for lab, _, _ in zellen_mit_label(pfad)]
        for label in labels:
            if label not in GEMEINSAM or labels.count(label) > 1:
                wo[label].append(pfad.name)
    return {k: v for k, v in wo.items() if len(v) > 1}


def zellen_mit_ausgaben(pfad: Path) -> list[int]:
    return [i for i, c in enumerate(_laden(pfad)["cells"])
            if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)]


def ruft_setup(pfad: Path) -> bool:
    code = _code_zellen(_laden(pfad))
    erste = _quelle(code[0]) if code else ""
    return bool(re.search(r"^import helpers\b", erste, re.M) and re.search(r"\bhelpers\.setup\(", erste))


def test_es_gibt_notebooks():
    assert NOTEBOOKS, "Im Ordner notebooks/ liegt kein Notebook."


@pytest.mark.parametrize("pfad", NOTEBOOKS, ids=lambda p: p.name)
def test_abbildungen_und_tabellen_haben_beschriftung(pfad):
    fehler = fehlende_beschriftungen(pfad)
    assert not fehler, f"{_rel(pfad)}:\n" + "\n".join(fehler)


def test_labels_im_ganzen_buch_eindeutig():
    doppelt = doppelte_labels(NOTEBOOKS)
    assert not doppelt, ("Label mehrfach vergeben (Querverweise wären mehrdeutig; Präfix wie "
                         "fig-hf2-… verwenden): " + "; ".join(f"{k} in {', '.join(sorted(v))}"
                                                             for k, v in sorted(doppelt.items())))


@pytest.mark.parametrize("pfad", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ohne_ausgaben_gespeichert(pfad):
    mit = zellen_mit_ausgaben(pfad)
    assert not mit, (f"{_rel(pfad)} enthält Ausgaben oder Ausführungszähler (Zellen {mit}); "
                     "bereinigen: make venv (richtet den Git-Filter nbstripout ein), dann git add")


@pytest.mark.parametrize("pfad", NOTEBOOKS, ids=lambda p: p.name)
def test_erste_codezelle_ruft_setup(pfad):
    assert ruft_setup(pfad), (
        f"{_rel(pfad)}: Die erste Codezelle muss „import helpers“ und „ctx = helpers.setup()“ enthalten.")


def einbettungen(pfad: Path) -> list[tuple[int, str, str | None]]:
    """(line, notebook path as written, label or None) of every embed shortcode in a .qmd file."""
    out = []
    for nr, zeile in enumerate(pfad.read_text(encoding="utf-8").splitlines(), start=1):
        for m in EMBED.finditer(zeile):
            ziel = m.group("ziel").strip("\"'")
            nb, _, label = ziel.partition("#")
            out.append((nr, nb, label or None))
    return out


def test_einbettungen_zeigen_auf_vorhandene_zellen():
    fehler, anzahl = [], 0
    for qmd in QMD:
        for nr, nb, label in einbettungen(qmd):
            anzahl += 1
            ort = f"{_rel(qmd)}, Zeile {nr}"
            if Path(nb).is_absolute():
                fehler.append(f"{ort}: absoluter Pfad „{nb}“ – bitte relativ zur .qmd-Datei angeben")
                continue
            # Quarto resolves the path relative to the directory of the .qmd file
            # (quarto-cli src/core/jupyter/jupyter-embed.ts, resolveNbPath)
            ziel = (qmd.parent / nb).resolve()
            if not ziel.is_file():
                richtig = Path(os.path.relpath(ROOT / "notebooks" / Path(nb).name, qmd.parent)).as_posix()
                fehler.append(f"{ort}: Notebook „{nb}“ gibt es nicht (Pfade sind relativ zur .qmd-Datei; "
                              f"von {_rel(qmd.parent)}/ aus „{richtig}“)")
                continue
            if label is None:
                continue
            nb_json = _laden(ziel)
            vorhanden = {lab for lab, _, _ in zellen_mit_label(ziel)}
            vorhanden |= {c.get("id") for c in nb_json["cells"]}
            vorhanden |= {t for c in nb_json["cells"] for t in c.get("metadata", {}).get("tags", [])}
            if label not in vorhanden:
                fehler.append(f"{ort}: Label „{label}“ gibt es in {nb} nicht")
    assert anzahl, "Kein Kapitel bettet eine Notebook-Zelle ein – stimmt das Suchmuster noch?"
    assert not fehler, "\n".join(fehler)


# ---- the checks themselves must be able to fail


def test_optionen_werden_gelesen():
    src = '#| label: fig-x\n#| fig-cap: "Titel: mit Doppelpunkt"\n#| fig-alt: ""\nplot()\n#| label: nicht-mehr'
    opt = optionen(src)
    assert opt == {"label": "fig-x", "fig-cap": "Titel: mit Doppelpunkt", "fig-alt": ""}
    assert _leer(opt["fig-alt"]) and not _leer(opt["fig-cap"])


def test_einbettungs_muster(tmp_path):
    q = tmp_path / "k.qmd"
    q.write_text("a {{< embed ../notebooks/x.ipynb#fig-a >}} b\n"
                 "{{< embed ../notebooks/y.ipynb >}}\n"
                 "{{{< embed ../notebooks/z.ipynb#fig-z >}}}\n"
                 "{{< embed ../notebooks/w.ipynb#tbl-w echo=true >}}\n", encoding="utf-8")
    assert einbettungen(q) == [(1, "../notebooks/x.ipynb", "fig-a"), (2, "../notebooks/y.ipynb", None),
                               (4, "../notebooks/w.ipynb", "tbl-w")]


def _nb(pfad: Path, *quellen: str, ausgaben: bool = False) -> Path:
    import nbformat

    zellen = [nbformat.v4.new_code_cell(q) for q in quellen]
    if ausgaben:
        zellen[-1].outputs = [nbformat.v4.new_output("stream", text="x")]
        zellen[-1].execution_count = 3
    nbformat.write(nbformat.v4.new_notebook(cells=zellen), pfad)
    return pfad


def test_pruefungen_finden_fehler(tmp_path):
    setup = "import helpers\nctx = helpers.setup()"
    a = _nb(tmp_path / "a.ipynb", setup, '#| label: fig-a\n#| fig-cap: "Titel"\nfig = 1',
            '#| label: tbl-a\nx = 1', "#| label: txt-datenhinweis\nprint()", ausgaben=True)
    b = _nb(tmp_path / "b.ipynb", "x = 1\nimport helpers", '#| label: tbl-a\n#| tbl-cap: "T"\nx',
            "#| label: txt-datenhinweis\nprint()")
    assert fehlende_beschriftungen(a) == ["fig-a: „#| fig-alt:“ fehlt oder ist leer",
                                          "tbl-a: „#| tbl-cap:“ fehlt oder ist leer"]
    assert doppelte_labels([a, b]) == {"tbl-a": ["a.ipynb", "b.ipynb"]}
    assert zellen_mit_ausgaben(a) == [3] and zellen_mit_ausgaben(b) == []
    assert ruft_setup(a) and not ruft_setup(b)
