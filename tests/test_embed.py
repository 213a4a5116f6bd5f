"""Embed resolution (helpers.build.embed) on small in-memory notebooks."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from helpers.build.embed import find_embeds, resolve_embeds
from helpers.build.errors import BuildError
from helpers.build.notebooks import cell_options
from helpers.build.shortcodes import check_supported, expand_includes

PNG = b"\x89PNG\r\n\x1a\nnot really a png"
CHAPTERS = Path("/buch/chapters/teil1")
NOTEBOOK = Path("/buch/notebooks/demo.ipynb")


def cell(source: str, *outputs):
    c = new_code_cell(source)
    c.outputs = list(outputs)
    return c


def notebook():
    return new_notebook(cells=[
        cell("import x"),
        cell('#| label: fig-bev\n#| fig-cap: "Einwohner nach Stadtteil"\n#| fig-alt: "Balken je Stadtteil, \\"Altstadt\\" vorn."\nplot()',
             new_output("display_data", data={"image/png": base64.b64encode(PNG).decode(), "text/plain": "<Figure>"})),
        cell('#| label: tbl-bev\n#| tbl-cap: "Einwohner"\nMarkdown(t)',
             new_output("execute_result", data={"text/markdown": "| A | B |\n|---|--:|\n| x | 13.036 |\n",
                                                 "text/plain": "<Markdown>"}, execution_count=3)),
        cell("#| label: txt-satz\n#| output: asis\nprint(s)",
             new_output("stream", name="stdout", text="In Dorsten lebten **74.000** Menschen.\n"),
             new_output("stream", name="stderr", text="Warnung, die nicht ins Buch gehört\n")),
        cell("#| label: fig-leer\nplot()"),
        cell("#| label: tbl-dataframe\ndf",
             new_output("execute_result", data={"text/html": "<table></table>", "text/plain": "   a\n0  1"},
                        execution_count=5)),
        cell("#| label: txt-leer\n#| output: asis\nx = 1"),
    ])


def resolve(text: str, written: list | None = None) -> str:
    def sink(nb_path: Path, label: str, png: bytes) -> str:
        if written is not None:
            written.append((nb_path, label, png))
        return f"figures/{nb_path.stem}/{label}.png"

    return resolve_embeds(text, chapter="chapters/teil1/konzeption.qmd", chapter_dir=CHAPTERS,
                          notebooks={NOTEBOOK: notebook()}, figures=sink)


def test_cell_options_are_the_yaml_comment_lines_at_the_top():
    c = new_code_cell('#| label: fig-a\n#| fig-cap: "Ein: Titel"\nx = 1\n#| label: not-an-option')
    assert cell_options(c) == {"label": "fig-a", "fig-cap": "Ein: Titel"}
    assert cell_options(new_code_cell("x = 1")) == {}


def test_figure_becomes_pandoc_figure_with_caption_alt_text_and_id():
    written: list = []
    out = resolve("Text\n\n{{< embed ../../notebooks/demo.ipynb#fig-bev >}}\n", written)
    assert '![Einwohner nach Stadtteil](figures/demo/fig-bev.png){#fig-bev alt="Balken je Stadtteil, \\"Altstadt\\" vorn."}' in out
    assert written == [(NOTEBOOK, "fig-bev", PNG)]
    assert "{{<" not in out


def test_markdown_table_gets_quarto_caption_line_with_label():
    out = resolve("{{< embed ../../notebooks/demo.ipynb#tbl-bev >}}")
    table, caption = out.strip().split("\n\n")
    assert table.splitlines()[0] == "| A | B |"
    assert "| x | 13.036 |" in table
    assert caption == ": Einwohner {#tbl-bev}"


def test_asis_cell_inserts_printed_markdown_and_ignores_stderr():
    out = resolve("Vorher.\n\n{{< embed ../../notebooks/demo.ipynb#txt-satz >}}\n\nNachher.")
    assert "In Dorsten lebten **74.000** Menschen." in out
    assert "Warnung" not in out
    assert out.index("Vorher.") < out.index("74.000") < out.index("Nachher.")


def test_missing_label_names_chapter_notebook_and_label():
    with pytest.raises(BuildError) as err:
        resolve("{{< embed ../../notebooks/demo.ipynb#fig-gibtsnicht >}}")
    message = str(err.value)
    assert "chapters/teil1/konzeption.qmd" in message
    assert "demo.ipynb" in message
    assert "fig-gibtsnicht" in message
    assert "fig-bev" in message  # lists the labels that exist


def test_unknown_notebook_is_an_error():
    with pytest.raises(BuildError, match="andere.ipynb"):
        resolve("{{< embed ../../notebooks/andere.ipynb#fig-bev >}}")


@pytest.mark.parametrize("label, hint", [("fig-leer", "keine Abbildung"), ("txt-leer", "nichts ausgegeben"),
                                         ("tbl-dataframe", "IPython.display.Markdown")])
def test_cell_without_output_is_an_error(label, hint):
    with pytest.raises(BuildError) as err:
        resolve(f"{{{{< embed ../../notebooks/demo.ipynb#{label} >}}}}")
    assert hint in str(err.value)
    assert label in str(err.value)


def test_embeds_in_code_blocks_stay_literal():
    text = "```\n{{< embed ../../notebooks/demo.ipynb#fig-gibtsnicht >}}\n```\n"
    assert resolve(text) == text
    assert find_embeds(text, CHAPTERS) == []


def test_find_embeds_resolves_paths_relative_to_the_chapter():
    embeds = find_embeds("{{< embed ../../notebooks/demo.ipynb#tbl-bev >}} und "
                         "{{< embed ../../notebooks/demo.ipynb#fig-bev >}}", CHAPTERS)
    assert [(e.notebook, e.label) for e in embeds] == [(NOTEBOOK, "tbl-bev"), (NOTEBOOK, "fig-bev")]


def test_include_pastes_the_file_without_front_matter(tmp_path):
    (tmp_path / "_teil.qmd").write_text("---\ntitle: x\n---\nEingebunden.\n", encoding="utf-8")
    out = expand_includes("Vorher\n\n{{< include _teil.qmd >}}\n", tmp_path, "k.qmd")
    assert out == "Vorher\n\nEingebunden.\n\n"
    with pytest.raises(BuildError, match="fehlt.qmd"):
        expand_includes("{{< include fehlt.qmd >}}", tmp_path, "k.qmd")


def test_unsupported_shortcode_is_an_error():
    check_supported("{{< embed a.ipynb#x >}} {{< pagebreak >}}", "k.qmd")
    with pytest.raises(BuildError, match="meta"):
        check_supported("{{< meta title >}}", "k.qmd")
