"""Numbering and German cross-references (helpers.build.crossref)."""

from __future__ import annotations

import pytest

from helpers.build import crossref
from helpers.build.crossref import Target
from helpers.build.errors import BuildError


def test_chapters_numbered_across_parts_index_unnumbered_appendices_lettered():
    chapters = [(False, False), (True, False), (True, False), (False, False), (True, False),
                (True, True), (True, True)]
    assert crossref.chapter_numbers(chapters) == [None, "1", "2", None, "3", "A", "B"]


def test_letters_continue_after_z():
    assert [crossref.letters(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def number(body, number="3", appendix=False, taken=None):
    return crossref.number_headings(body, chapter="chapters/k.qmd", number=number, appendix=appendix,
                                    taken=set() if taken is None else taken)


def test_headings_numbered_within_chapter_with_ids():
    body = ("# Konzeption {#sec-konz}\n\nText\n\n## Stichtag\n\n### Genauer {#sec-genauer}\n\n"
            "## Ohne Nummer {.unnumbered}\n\n## Stadtteile {#sec-st}\n\n```\n## kein Titel\n```\n")
    out, headings, targets = number(body)
    assert "# [3]{.chapter-number} Konzeption {#sec-konz}" in out
    assert "## [3.1]{.header-section-number} Stichtag {#stichtag}" in out
    assert "### [3.1.1]{.header-section-number} Genauer {#sec-genauer}" in out
    assert "## Ohne Nummer {#ohne-nummer .unnumbered}" in out
    assert "## [3.2]{.header-section-number} Stadtteile {#sec-st}" in out
    assert "```\n## kein Titel\n```" in out  # code stays as is
    assert [(h.level, h.number) for h in headings] == [(1, "3"), (2, "3.1"), (3, "3.1.1"), (2, None), (2, "3.2")]
    assert {t.label: (t.kind, t.number) for t in targets} == {
        "sec-konz": ("chapter", "3"), "sec-genauer": ("section", "3.1.1"), "sec-st": ("section", "3.2")}


def test_appendix_chapter_is_titled_anhang_and_sections_lettered():
    out, _, targets = number("# Glossar {#sec-glossar}\n\n## Begriffe {#sec-begriffe}\n", number="A", appendix=True)
    assert "# [Anhang A]{.chapter-number} — Glossar {#sec-glossar}" in out
    assert "## [A.1]{.header-section-number} Begriffe {#sec-begriffe}" in out
    assert [(t.kind, t.number) for t in targets] == [("appendix", "A"), ("section", "A.1")]


def test_unnumbered_chapter_has_no_numbers():
    out, headings, _ = number("# Vorwort {.unnumbered}\n\n## Aufbau\n", number=None)
    assert "# Vorwort {#kapitel-chapters-k .unnumbered}" in out
    assert all(h.number is None for h in headings)


def test_generated_ids_are_unique_across_the_book():
    taken: set[str] = set()
    number("# Eins\n\n## Einleitung\n", taken=taken)
    out, _, _ = crossref.number_headings("# Zwei\n\n## Einleitung\n", chapter="chapters/zwei.qmd",
                                         number="4", appendix=False, taken=taken)
    assert "{#einleitung-1}" in out


def test_chapter_needs_exactly_one_level_one_heading():
    with pytest.raises(BuildError, match="mehr als eine"):
        number("# Eins\n\n# Zwei\n")
    with pytest.raises(BuildError, match="keine Kapitelüberschrift"):
        number("Nur Text.\n")


def test_figures_and_tables_numbered_per_chapter_with_german_captions():
    body = ("![Bevölkerung](figures/a.png){#fig-bev alt=\"Balken\"}\n\nText\n\n"
            "| A | B |\n|---|---|\n| 1 | 2 |\n\n: Einwohner {#tbl-ew}\n\n"
            "![Zweite](figures/b.png){#fig-zwei}\n\n![kein Float](x.png)\n")
    out, targets = crossref.number_floats(body, chapter="chapters/k.qmd", number="3")
    assert '![Abbildung 3.1: Bevölkerung](figures/a.png){#fig-bev alt="Balken"}' in out
    assert "![Abbildung 3.2: Zweite](figures/b.png){#fig-zwei}" in out
    assert "::: {#tbl-ew .quarto-table}\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n: Tabelle 3.1: Einwohner\n:::" in out
    assert "![kein Float](x.png)" in out
    assert [(t.label, t.number) for t in targets] == [("fig-bev", "3.1"), ("tbl-ew", "3.1"), ("fig-zwei", "3.2")]


def test_appendix_and_unnumbered_float_numbers():
    out, _ = crossref.number_floats("![K](a.png){#fig-k}\n", chapter="a.qmd", number="A")
    assert "Abbildung A.1: K" in out
    out, _ = crossref.number_floats("![K](a.png){#fig-k}\n", chapter="index.qmd", number=None)
    assert "Abbildung 1: K" in out


def test_table_caption_without_table_is_an_error():
    with pytest.raises(BuildError, match="keine Tabelle"):
        crossref.number_floats(": Verwaist {#tbl-x}\n", chapter="k.qmd", number="1")


TARGETS = {t.label: t for t in [
    Target("fig-bev", "fig", "3.2", "Bevölkerung", "chapters/teil1/konzeption.qmd"),
    Target("tbl-ew", "tbl", "A.1", "Einwohner", "chapters/anhang/glossar.qmd"),
    Target("sec-konz", "chapter", "3", "Konzeption", "chapters/teil1/konzeption.qmd"),
    Target("sec-glossar", "appendix", "A", "Glossar", "chapters/anhang/glossar.qmd"),
    Target("sec-stichtag", "section", "3.2", "Stichtag", "chapters/teil1/konzeption.qmd"),
    Target("sec-vorwort", "chapter", None, "Zu diesem Bericht", "index.qmd"),
]}


def resolve(text):
    return crossref.resolve_refs(text, TARGETS, lambda t: f"{t.chapter}#{t.label}", chapter="chapters/k.qmd")


def test_references_become_german_links():
    out = resolve("Siehe @fig-bev und @tbl-ew, @sec-konz, @sec-glossar, @sec-stichtag und @sec-vorwort.")
    assert out == ("Siehe [Abbildung 3.2](chapters/teil1/konzeption.qmd#fig-bev) und "
                   "[Tabelle A.1](chapters/anhang/glossar.qmd#tbl-ew), "
                   "[Kapitel 3](chapters/teil1/konzeption.qmd#sec-konz), "
                   "[Anhang A](chapters/anhang/glossar.qmd#sec-glossar), "
                   "[Abschnitt 3.2](chapters/teil1/konzeption.qmd#sec-stichtag) und "
                   "[Zu diesem Bericht](index.qmd#sec-vorwort).")


def test_bracketed_and_number_only_references():
    assert resolve("([-@fig-bev])") == "([3.2](chapters/teil1/konzeption.qmd#fig-bev))"
    assert resolve("[@tbl-ew]") == "[Tabelle A.1](chapters/anhang/glossar.qmd#tbl-ew)"


def test_code_and_email_addresses_are_left_alone():
    text = "Mail an info@fig-bev.de, Code `@fig-bev`, Block:\n\n```\n@tbl-ew\n```\n"
    assert resolve(text) == text


def test_unresolved_reference_names_chapter_label_and_suggests():
    with pytest.raises(BuildError) as err:
        resolve("Siehe @fig-bevoelkerung und @tbl-fehlt.")
    message = str(err.value)
    assert "chapters/k.qmd" in message
    assert "@fig-bevoelkerung" in message and "@tbl-fehlt" in message
    assert "gemeint: @fig-bev?" in message


def test_label_defined_twice_is_an_error():
    twice = [Target("fig-a", "fig", "1.1", "", "a.qmd"), Target("fig-a", "fig", "2.1", "", "b.qmd")]
    with pytest.raises(BuildError, match="a.qmd.*b.qmd"):
        crossref.index_targets(twice)


def test_links_to_chapter_files_are_rewritten():
    def href(path, fragment):
        return {"chapters/anhang/methoden.qmd": "../anhang/methoden.html"}.get(path, None) and \
            "../anhang/methoden.html" + (f"#{fragment}" if fragment else "")

    out = crossref.rewrite_chapter_links("Siehe [Methoden](../anhang/methoden.qmd#sec-m) und [Web](https://x.de/a.qmd).",
                                         chapter="chapters/teil1/k.qmd", href=href)
    assert out == "Siehe [Methoden](../anhang/methoden.html#sec-m) und [Web](https://x.de/a.qmd)."
    with pytest.raises(BuildError, match="gibtsnicht.qmd"):
        crossref.rewrite_chapter_links("[x](gibtsnicht.qmd)", chapter="chapters/teil1/k.qmd", href=href)
