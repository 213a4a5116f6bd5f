"""Citations: keys found in the prose, unknown keys stop the build, the book cites what it lists."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers.build import zitate
from helpers.build.config import load_book, read_chapter
from helpers.build.errors import BuildError

REPO = Path(__file__).resolve().parents[1]


def test_cited_keys_skip_cross_references_mail_addresses_and_code():
    body = ("Wie @robinson1950 zeigt [@fisher1921, S. 3; -@bonett2000]; siehe @fig-karte und @sec-a.\n"
            "Post an info@stadt.de, Code `@nicht` bleibt.\n\n```\n@auch_nicht\n```\n@robinson1950 wieder.")
    assert zitate.cited_keys(body) == ["robinson1950", "fisher1921", "bonett2000"]


def test_bibliography_keys_ignore_comments_and_strings(tmp_path):
    (tmp_path / "_quarto.yml").write_text("book: {title: T, chapters: [index.qmd]}\nbibliography: l.bib\n")
    (tmp_path / "index.qmd").write_text("# T\n")
    (tmp_path / "l.bib").write_text("@comment{x, y}\n@string{s = {a}}\n@Article{ a2000 ,\n title={T}}\n"
                                    "@online{b-2,\n}\n")
    assert zitate.bibliography_keys(load_book(tmp_path)) == {"a2000", "b-2"}


def test_unknown_key_names_the_chapter_and_a_close_match(tmp_path):
    (tmp_path / "_quarto.yml").write_text("book: {title: T, chapters: [index.qmd]}\nbibliography: l.bib\n")
    (tmp_path / "index.qmd").write_text("# T\n")
    (tmp_path / "l.bib").write_text("@article{robinson1950,\n title={T}}\n")
    book = load_book(tmp_path)
    assert zitate.check(book, [("a.qmd", "[@robinson1950]")]) == ["robinson1950"]
    with pytest.raises(BuildError) as err:
        zitate.check(book, [("kapitel/a.qmd", "Text [@robinson1905].")])
    message = str(err.value)
    assert "kapitel/a.qmd: @robinson1905" in message and "gemeint: @robinson1950" in message and "l.bib" in message


def test_missing_bibliography_file_is_named(tmp_path):
    (tmp_path / "_quarto.yml").write_text("book: {title: T, chapters: [index.qmd]}\nbibliography: fehlt.bib\n")
    (tmp_path / "index.qmd").write_text("# T\n")
    with pytest.raises(BuildError, match="bibliography: fehlt.bib"):
        load_book(tmp_path)


def test_page_references_hidden_and_linked_to_the_list_page():
    html = '<p><a href="#ref-a" role="doc-biblioref">A 2000</a></p>\n<div id="refs" class="references">x</div>'
    out = zitate.hide_page_references(html, "../anhang/literatur.html")
    assert 'href="../anhang/literatur.html#ref-a"' in out and '<div id="refs" style="display: none"' in out
    assert zitate.nocite_front_matter(["a", "b"]) == "---\nnocite: |\n  @a, @b\n---\n\n"
    assert zitate.nocite_front_matter([]) == ""


def test_pandoc_args_follow_the_configuration():
    book = load_book(REPO)
    args = zitate.pandoc_args(book)
    assert args[:1] == ["--citeproc"] and "link-citations=true" in args
    # Relative to the book root (pandoc runs there): absolute paths would end up in the DOCX.
    assert "data/literatur.bib" in args and book.csl in args and not any(a.startswith("/") for a in args)


# --- the real book ----------------------------------------------------------------------------

def _cited_in_book() -> tuple[list[str], set[str]]:
    book = load_book(REPO)
    cited = zitate.check(book, ((e.path, read_chapter(book, e)[1]) for e in book.chapters))
    return cited, zitate.bibliography_keys(book)


def test_every_bibliography_entry_is_cited_and_every_citation_listed():
    cited, known = _cited_in_book()
    assert set(cited) == known, f"nicht zitiert: {sorted(known - set(cited))}"
    assert {"robinson1950", "bonett2000", "mss2019", "ba-geheimhaltung", "stadt-dorsten-vorlage"} <= known


def test_no_appeal_to_studies_without_a_citation():
    """'Untersuchungen zeigen' and the like need a citation in the same sentence."""
    book = load_book(REPO)
    appeal = re.compile(r"(Untersuchungen|Studien|Forschung|Auswertungen)[^.]{0,80}\b(zeigen|belegen|zeigt|belegt)\b")
    offenders = []
    for entry in book.chapters:
        for sentence in re.split(r"(?<=[.!?])\s+", read_chapter(book, entry)[1]):
            if appeal.search(sentence) and not zitate.cited_keys(sentence):
                offenders.append(f"{entry.path}: {sentence[:90]}")
    assert not offenders, "\n".join(offenders)


def test_csl_style_is_german_author_date():
    book = load_book(REPO)
    root = ET.parse(REPO / book.csl).getroot()
    ns = {"c": "http://purl.org/net/xbiblio/csl"}
    assert root.get("default-locale") == "de-DE" and root.get("version") == "1.0"
    assert root.find("c:info/c:category", ns).get("citation-format") == "author-date"
    assert root.find("c:citation", ns) is not None and root.find("c:bibliography", ns) is not None
