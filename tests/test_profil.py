"""Quarto profiles (issue 11.5): the published book without editors' notes, the draft with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.build import profile
from helpers.build.config import load_book
from helpers.build.errors import BuildError

REPO = Path(__file__).resolve().parents[1]

QUELLE = """Vorher.

:::: {.content-visible when-profile="entwurf"}
::: {.callout-note}
## Bearbeitbarer Text
Steht in `chapters/x.qmd`.
:::
::::

::: {.content-hidden when-profile="entwurf"}
Nur veröffentlicht.
:::

::: {.callout-tip}
Bleibt immer.
:::

```
::: {.content-visible when-profile="entwurf"}
im Code bleibt alles
```
Nachher.
"""


def test_published_book_drops_draft_divs_and_keeps_the_rest():
    out = profile.apply(QUELLE, frozenset())
    assert "Bearbeitbarer Text" not in out and "chapters/x.qmd" not in out
    assert "Nur veröffentlicht." in out and "content-hidden" not in out
    assert "::: {.callout-tip}\nBleibt immer.\n:::" in out
    assert "```\n::: {.content-visible when-profile=\"entwurf\"}\nim Code bleibt alles\n```" in out
    assert out.startswith("Vorher.") and out.rstrip().endswith("Nachher.")


def test_draft_shows_draft_divs_without_their_fences():
    out = profile.apply(QUELLE, frozenset({"entwurf"}))
    assert "::: {.callout-note}\n## Bearbeitbarer Text\nSteht in `chapters/x.qmd`.\n:::" in out
    assert "Nur veröffentlicht." not in out
    assert "::::" not in out


def test_unclosed_div_is_an_error_that_names_the_file():
    with pytest.raises(BuildError, match="kapitel.qmd.*nicht geschlossen"):
        profile.apply('::: {.content-visible when-profile="entwurf"}\nText\n', frozenset(), "kapitel.qmd")


def test_profiles_come_from_quarto_profile(monkeypatch):
    monkeypatch.setenv("QUARTO_PROFILE", "entwurf, intern")
    assert profile.active() == {"entwurf", "intern"}
    monkeypatch.delenv("QUARTO_PROFILE")
    assert profile.active() == frozenset()


def test_draft_profile_writes_to_its_own_folder(monkeypatch):
    """_quarto-entwurf.yml is merged as Quarto merges it: the draft never overwrites _book/."""
    monkeypatch.delenv("QUARTO_PROFILE", raising=False)
    assert load_book(REPO).output_dir == "_book"
    monkeypatch.setenv("QUARTO_PROFILE", "entwurf")
    assert load_book(REPO).output_dir == "_entwurf"


def test_every_editors_box_in_the_chapters_is_draft_only(monkeypatch):
    """No "Bearbeitbarer Text" box and no chapter path reaches the published sources."""
    from helpers.build.book import chapter_source

    monkeypatch.delenv("QUARTO_PROFILE", raising=False)
    book = load_book(REPO)
    for entry in book.chapters:
        _, body = chapter_source(book, entry)
        assert "Bearbeitbarer Text" not in body, entry.path
        # no office has supplied a Fachbeitrag: the project's drafts do not speak for the offices
        assert "## Fachbeitrag" not in body and "Fachbeitrag steht aus" not in body, entry.path
        # HTML comments reach the published HTML source: editors' notes go into the draft profile.
        for note in ("chapters/teil", "<!--", "data/regeln", ".yml"):
            assert note not in body, (entry.path, note)
    monkeypatch.setenv("QUARTO_PROFILE", "entwurf")
    entwurf = "".join(chapter_source(book, e)[1] for e in book.chapters)
    assert entwurf.count("Bearbeitbarer Text") >= 2 and "Entwurf für die Redaktion" in entwurf
    assert entwurf.count("## Fachbeitrag steht aus") == entwurf.count("## Fachbeitrag: ") == 9
