"""Resolve ``{{< embed ../notebooks/x.ipynb#label >}}`` from executed notebooks.

Each embed becomes Pandoc Markdown, following Quarto's rules for cell outputs:

- a PNG image -> a figure ``![caption](file){#fig-x alt="…"}`` (``fig-cap``, ``fig-alt``);
- a ``text/markdown`` display value -> that Markdown; with a ``tbl-`` label and ``tbl-cap``
  the table gets Quarto's caption line ``: caption {#tbl-x}``;
- the printed output of a cell with ``output: asis`` -> raw Markdown.

Numbers ("Abbildung 3.1") are added later by ``crossref``.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from helpers.build.errors import BuildError
from helpers.build.markdown import map_prose, quote_attribute, segments
from helpers.build.notebooks import cell_label, cell_options, strip_ansi

EMBED_RE = re.compile(r"\{\{<\s*embed\s+(?P<target>[^\s>]+?)(?:\s+[^>]*)?\s*>\}\}")

# Receives (notebook path, label, PNG bytes) and returns the image path to write into Markdown.
FigureSink = Callable[[Path, str, bytes], str]


@dataclass(frozen=True)
class Embed:
    """One embed shortcode: the notebook (resolved path) and the cell label."""

    notebook: Path
    label: str
    written: str  # the shortcode as written, for messages


def find_embeds(text: str, chapter_dir: Path) -> list[Embed]:
    """All embed shortcodes outside code blocks, in order; paths relative to the chapter."""
    found: list[Embed] = []
    for is_code, chunk in segments(text):
        if is_code:
            continue
        for match in EMBED_RE.finditer(chunk):
            found.append(_embed(match, chapter_dir))
    return found


def _embed(match: re.Match, chapter_dir: Path) -> Embed:
    target = match.group("target")
    notebook, _, label = target.partition("#")
    if not notebook.endswith(".ipynb") or not label:
        raise BuildError(f"{match.group(0)}: erwartet wird {{{{< embed pfad/notebook.ipynb#label >}}}}.")
    return Embed(Path(chapter_dir, notebook).resolve(), label, match.group(0))


def resolve_embeds(
    text: str,
    *,
    chapter: str,
    chapter_dir: Path,
    notebooks: Mapping[Path, object],
    figures: FigureSink,
) -> str:
    """Replace every embed in ``text`` with the Markdown of the cell's output.

    ``notebooks`` maps resolved notebook paths to executed notebooks. Errors name the
    chapter, the notebook and the label.
    """
    def replace(match: re.Match) -> str:
        embed = _embed(match, chapter_dir)
        where = f"{chapter}: {embed.written}"
        nb = notebooks.get(embed.notebook)
        if nb is None:
            raise BuildError(f"{where}\nDas Notebook {embed.notebook.name} gibt es nicht "
                             f"(gesucht: {embed.notebook}). Der Pfad gilt relativ zum Kapitel"
                             f"{path_hint(embed.notebook.name, chapter_dir)}.")
        cell = find_cell(nb, embed.label)
        if cell is None:
            labels = ", ".join(all_labels(nb)) or "keine"
            raise BuildError(f"{where}\nIm Notebook {embed.notebook.name} hat keine Zelle das label "
                             f"'{embed.label}'. Vorhandene labels: {labels}.")
        try:
            markdown = render_cell(cell, embed.label, lambda png: figures(embed.notebook, embed.label, png))
        except BuildError as err:
            raise BuildError(f"{where}\nNotebook {embed.notebook.name}, label '{embed.label}': {err}") from None
        return f"\n\n{markdown.strip()}\n\n"

    return map_prose(text, lambda prose: EMBED_RE.sub(replace, prose))


def path_hint(name: str, chapter_dir: Path) -> str:
    """", richtig wäre: ../../notebooks/x.ipynb" when a ``notebooks/<name>`` exists further up."""
    for folder in (chapter_dir, *chapter_dir.parents):
        candidate = folder / "notebooks" / name
        if candidate.is_file():
            return f"; richtig wäre: {Path(os.path.relpath(candidate, chapter_dir)).as_posix()}"
    return ""


def find_cell(nb, label: str):
    """The code cell with ``#| label: <label>`` (or, as Quarto allows, that cell id or tag)."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    for matches in (lambda c: cell_label(c) == label,
                    lambda c: c.get("id") == label,
                    lambda c: label in c.get("metadata", {}).get("tags", [])):
        found = next((c for c in code if matches(c)), None)
        if found is not None:
            return found
    return None


def all_labels(nb) -> list[str]:
    return [label for label in map(cell_label, nb.cells) if label]


def render_cell(cell, label: str, write_png: Callable[[bytes], str]) -> str:
    """Markdown for the outputs of one executed cell (see module docstring)."""
    options = cell_options(cell)
    outputs = cell.get("outputs", [])
    stdout = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stdout")
    rich = [o.get("data", {}) for o in outputs if o.get("output_type") in ("display_data", "execute_result")]
    markdown = next((d["text/markdown"] for d in rich if "text/markdown" in d), None)
    images = [d["image/png"] for d in rich if "image/png" in d]

    if str(options.get("output", "")).lower() == "asis":
        if not stdout.strip():
            raise BuildError("die Zelle hat 'output: asis', aber nichts ausgegeben (print fehlt?).")
        return strip_ansi(_text(stdout))
    if label.startswith("fig-"):
        if not images:
            raise BuildError("die Zelle hat keine Abbildung ausgegeben (PNG). Zeigt sie eine matplotlib-Grafik?")
        if len(images) > 1:
            raise BuildError(f"die Zelle hat {len(images)} Abbildungen ausgegeben; eingebettet werden kann genau eine "
                             "(doppelte Anzeige? z. B. plt.show() und die Figur als letzter Ausdruck).")
        src = write_png(base64.b64decode(_text(images[0])))
        return figure_markdown(label, src, options)
    if markdown is not None:
        return table_markdown(label, _text(markdown), options)
    if label.startswith("tbl-"):
        raise BuildError("die Zelle hat keine Markdown-Ausgabe. Tabellen werden als "
                         "IPython.display.Markdown(tabelle) ausgegeben (z. B. mit helpers.format.markdown_tabelle).")
    if images:
        src = write_png(base64.b64decode(_text(images[0])))
        return f"![]({src}){{alt=\"{quote_attribute(_one_line(options.get('fig-alt', '')))}\"}}"
    text = stdout or next((d["text/plain"] for d in rich if "text/plain" in d), "")
    if not _text(text).strip():
        raise BuildError("die Zelle hat keine Ausgabe. Wurde das Notebook ausgeführt, und gibt die Zelle etwas aus?")
    return "```\n" + strip_ansi(_text(text)).rstrip() + "\n```"


def figure_markdown(label: str, src: str, options: dict) -> str:
    """A Pandoc figure with id, caption and alt text (caption as alt text when fig-alt is missing)."""
    caption = _one_line(options.get("fig-cap", ""))
    alt = _one_line(options.get("fig-alt") or caption)
    return f'![{caption}]({src}){{#{label} alt="{quote_attribute(alt)}"}}'


def table_markdown(label: str, markdown: str, options: dict) -> str:
    """The cell's Markdown; a ``tbl-`` label adds Quarto's caption line after the table.

    The caption goes directly after the pipe table, before a note that follows it (such as
    the "Beispieldaten" line): pandoc attaches a caption only to an adjacent table.
    """
    markdown = markdown.strip()
    if not label.startswith("tbl-"):
        return markdown
    caption = _one_line(options.get("tbl-cap", ""))
    lines = markdown.splitlines()
    last = max((i for i, line in enumerate(lines) if line.lstrip().startswith("|")), default=len(lines) - 1)
    table, note = "\n".join(lines[:last + 1]), "\n".join(lines[last + 1:]).strip()
    return f"{table}\n\n: {caption} {{#{label}}}" + (f"\n\n{note}" if note else "")


def _text(value) -> str:
    """Notebook JSON stores multi-line strings as a string or a list of lines."""
    return "".join(value) if isinstance(value, list) else str(value)


def _one_line(value) -> str:
    return " ".join(str(value).split())
