"""Static checks over all notebooks and all embeds (nothing is executed).

- every ``fig-`` cell has a non-empty ``fig-cap`` and ``fig-alt``, every ``tbl-`` cell a ``tbl-cap``;
- cross-referenceable labels (``fig-``, ``tbl-``) are unique across all notebooks, every label
  is unique within its notebook (``txt-datenhinweis`` may recur: embeds name the notebook);
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
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
QMD = sorted([ROOT / "index.qmd", *(ROOT / "chapters").rglob("*.qmd")])
# Quarto shortcode; ``{{{< … >}}}`` is an escaped (literal) shortcode and is skipped.
EMBED = re.compile(r"(?<!\{)\{\{<\s*embed\s+(?P<ziel>[^\s>]+)(?P<rest>[^>]*)>\}\}(?!\})")
CROSSREF = ("fig-", "tbl-")


def _quelle(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def optionen(source: str) -> dict:
    """Quarto cell options: the leading ``#|`` lines of a code cell, read as YAML."""
    zeilen = []
    for zeile in source.splitlines():
        if zeile.startswith("#|"):
            zeilen.append(zeile[2:].removeprefix(" "))
        else:
            break
    if not zeilen:
        return {}
    daten = yaml.safe_load("\n".join(zeilen))
    return daten if isinstance(daten, dict) else {}


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


def test_es_gibt_notebooks():
    assert NOTEBOOKS, "Im Ordner notebooks/ liegt kein Notebook."


def _leer(x) -> bool:
    return x is None or not str(x).strip()


@pytest.mark.parametrize("pfad", NOTEBOOKS, ids=lambda p: p.name)
def test_abbildungen_und_tabellen_haben_beschriftung(pfad):
    fehler = []
    for label, opt, _ in zellen_mit_label(pfad):
        if label.startswith("fig-"):
            for key in ("fig-cap", "fig-alt"):
                if _leer(opt.get(key)):
                    fehler.append(f"{label}: „#| {key}:“ fehlt oder ist leer")
        elif label.startswith("tbl-") and _leer(opt.get("tbl-cap")):
            fehler.append(f"{label}: „#| tbl-cap:“ fehlt oder ist leer")
    assert not fehler, f"{_rel(pfad)}:\n" + "\n".join(fehler)


@pytest.mark.parametrize("pfad", NOTEBOOKS, ids=lambda p: p.name)
def test_labels_im_notebook_eindeutig(pfad):
    labels = [label for label, _, _ in zellen_mit_label(pfad)]
    doppelt = sorted({x for x in labels if labels.count(x) > 1})
    assert not doppelt, f"{_rel(pfad)}: Label mehrfach vergeben: {', '.join(doppelt)}"


def test_querverweis_labels_im_ganzen_buch_eindeutig():
    wo = defaultdict(list)
    for pfad in NOTEBOOKS:
        for label, _, _ in zellen_mit_label(pfad):
            if label.startswith(CROSSREF):
                wo[label].append(pfad.name)
    doppelt = {k: v for k, v in wo.items() if len(v) > 1}
    assert not doppelt, "Labels in mehreren Notebooks (Querverweise wären mehrdeutig): " + "; ".join(
        f"{k} in {', '.join(v)}" for k, v in sorted(doppelt.items()))


@pytest.mark.parametrize("pfad", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ohne_ausgaben_gespeichert(pfad):
    mit = [i for i, c in enumerate(_laden(pfad)["cells"])
           if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not mit, (f"{_rel(pfad)} enthält Ausgaben oder Ausführungszähler (Zellen {mit}); "
                     f"bereinigen mit: python -m helpers.nbstrip {_rel(pfad)}")


@pytest.mark.parametrize("pfad", NOTEBOOKS, ids=lambda p: p.name)
def test_erste_codezelle_ruft_setup(pfad):
    code = _code_zellen(_laden(pfad))
    assert code, f"{_rel(pfad)} hat keine Codezelle."
    erste = _quelle(code[0])
    assert re.search(r"^import helpers\b", erste, re.M) and re.search(r"\bhelpers\.setup\(", erste), (
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
