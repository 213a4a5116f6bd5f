"""District names with their article in generated sentences ("in der Feldmark", "die Hardt")."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import sprache
from helpers.daten.fehler import DatenFehler

ROOT = Path(__file__).resolve().parents[1]
ARTIKEL = {"Altstadt": "die", "Feldmark": "die", "Hardt": "die", "Hervest": "", "Deuten": "", "Rhade": "",
           "Altendorf-Ulfkotte": "", "Kamp": "der"}


@pytest.mark.parametrize("roh, soll", [
    ("Hoher Bedarf in Hervest, Feldmark und Hardt.", "Hoher Bedarf in Hervest, der Feldmark und der Hardt."),
    ("Ohne Bedarf sind Altendorf-Ulfkotte, Altstadt und Rhade.", "Ohne Bedarf sind Altendorf-Ulfkotte, die Altstadt und Rhade."),
    ("Feldmark hat die meisten.", "Die Feldmark hat die meisten."),
    ("Die meisten hat Hardt (7 von 9).", "Die meisten hat die Hardt (7 von 9)."),
    ("Das gilt für Altstadt.", "Das gilt für die Altstadt."),
    ("von Hardt bis zu Altstadt", "von der Hardt bis zur Altstadt"),
    ("Zwischen Hervest und Altstadt", "Zwischen Hervest und der Altstadt"),
    ("in Hervest (3 %) und Feldmark (5 %)", "in Hervest (3 %) und der Feldmark (5 %)"),
    ("Kamp liegt vorn; in Kamp wohnen viele, für Kamp gilt das.", "Der Kamp liegt vorn; im Kamp wohnen viele, für den Kamp gilt das."),
    ("Am höchsten in Hervest; Feldmark folgt.", "Am höchsten in Hervest; die Feldmark folgt."),
    ("**Feldmark.** Text", "**Die Feldmark.** Text"),
])
def test_article_in_the_case_the_context_asks_for(roh, soll):
    assert sprache.satz(roh, ARTIKEL) == soll


@pytest.mark.parametrize("text", [
    "in der Feldmark schon", "die Hardt und die Altstadt", "| Feldmark | 3 |", "## Feldmark {#st-04}",
    "Siehe [Steckbrief Feldmark](#x).", "Altstadt-Nord und Feldmarker Straße", "bis 68,0 % (Hardt).",
    "in 3 Stadtteilen (Feldmark, Hervest und Altstadt)", "- Altstadt", ": Werte der Feldmark {#tbl-x}",
])
def test_names_that_are_determined_labelled_or_in_tables_stay(text):
    assert sprache.satz(text, ARTIKEL) == text


def test_without_articles_nothing_changes():
    assert sprache.satz("in Feldmark", {"Feldmark": ""}) == "in Feldmark"
    assert sprache.artikel_aus(pd.DataFrame({"name": ["A"], "artikel": [""]})) == {}
    assert sprache.artikel_aus(pd.DataFrame({"name": ["A"]})) == {}
    assert sprache.artikel_aus(pd.DataFrame({"name": ["A", "B"], "artikel": ["die", ""]})) == {"A": "die", "B": ""}


def test_printing_in_a_notebook_goes_through_the_register(capsys):
    import sys

    before = sys.stdout
    try:
        sprache.einschalten(ARTIKEL)
        print("Bedarf in Feldmark.")
        sprache.einschalten(ARTIKEL)  # a second setup() does not wrap twice
        assert isinstance(sys.stdout, sprache.Ausgabe) and not isinstance(sys.stdout.stream, sprache.Ausgabe)
        sprache.einschalten({})
        print("Bedarf in Feldmark.")
    finally:
        sys.stdout = before
    assert capsys.readouterr().out == "Bedarf in der Feldmark.\nBedarf in Feldmark.\n"


def test_the_register_names_the_articles_and_rejects_other_words(tmp_path):
    from helpers.daten import laden

    st = laden(ROOT / "data").stadtteile
    assert sprache.artikel_aus(st)["Feldmark"] == "die" and sprache.artikel_aus(st)["Hervest"] == ""
    folder = shutil.copytree(ROOT / "data", tmp_path / "daten")
    text = (folder / "stadtteile.csv").read_text(encoding="utf-8")
    (folder / "stadtteile.csv").write_text(text.replace("05;Hardt;3;2;die", "05;Hardt;3;2;Die Hardt"), encoding="utf-8")
    with pytest.raises(DatenFehler) as err:
        laden(folder)
    message = str(err.value)
    assert "stadtteile.csv" in message and "Zeile 6" in message and "artikel" in message and "„Die Hardt“" in message


# --- a corpus of generated sentences --------------------------------------------------------------

DATIV_OHNE_ARTIKEL = r"\b(?:in|aus|bei|mit|nach|von|zu|seit|zwischen)\s+(?:{namen})\b"
SCHABLONEN = [r"\b1-mal\b", r"\bAbweichung zur Gesamtstadt\b", r"\bam stärksten (?:un)?günstiger\b",
              r"\bein Stadtteile\b", r"\b1 Stadtteile\b", r"\b1 Handlungsfelder\b",
              # a count noun after "mit" in the nominative ("mit 54,4 Plätze je 100")
              r"\bmit [\d.,]+ (?:Plätze|Kinder|Fälle|Haushalte)\b",
              # broken template output: an empty enumeration, a count of nothing, "Handlungsfelder 2"
              r" [.;,]", r"\bvon 0 Bewertungen\b", r"\bHandlungsfelder \d(?![\d.,]| und| bis)",
              r"\bneueste[nr]? (?:Datenstand|Wert)\b"]


def corpus_problems(text: str, artikel: dict[str, str]) -> list[str]:
    """Template phrases and district names without their article after a dative preposition."""
    namen = "|".join(re.escape(n) for n, a in artikel.items() if a)
    found = [m.group(0) for m in re.finditer(DATIV_OHNE_ARTIKEL.format(namen=namen), text)] if namen else []
    for pattern in SCHABLONEN:
        found += [m.group(0) for m in re.finditer(pattern, text)]
    return found


def test_corpus_check_finds_what_it_is_meant_to_find():
    assert corpus_problems("Bedarf in Feldmark und 1-mal „erreicht“", ARTIKEL) == ["in Feldmark", "1-mal"]
    assert corpus_problems("Bedarf in der Feldmark, Abweichung von der Gesamtstadt", ARTIKEL) == []
    assert corpus_problems("hat die Altstadt mit 54,4 Plätze je 100 und (…) .", ARTIKEL) == ["mit 54,4 Plätze", " ."]
    assert corpus_problems("hat die Altstadt mit 54,4 Plätzen je 100; Handlungsfelder 2, 3 und 5.", ARTIKEL) == []


def test_table_captions_are_sentences_too():
    artikel = {"Altstadt": "die", "Hervest": ""}
    assert sprache.satz(": Kernindikatoren in Altstadt und in der Gesamtstadt {#tbl-x}", artikel) == \
        ": Kernindikatoren in der Altstadt und in der Gesamtstadt {#tbl-x}"
    assert sprache.satz("| Altstadt | 3 |", artikel) == "| Altstadt | 3 |"


def test_two_way_prepositions_locate_in_the_dative():
    artikel = {"Hardt": "die", "Lindenhof": "der"}
    assert sprache.satz("Auf Hardt leben mehr Kinder.", artikel) == "Auf der Hardt leben mehr Kinder."
    assert sprache.satz("Die Schule an Lindenhof", artikel) == "Die Schule am Lindenhof"
