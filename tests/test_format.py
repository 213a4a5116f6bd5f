import math

import pandas as pd
import pytest

from helpers import format as fmt


@pytest.mark.parametrize(
    "x, stellen, erwartet",
    [
        (13036, 0, "13.036"),
        (12.5, 1, "12,5"),
        (1234567.891, 2, "1.234.567,89"),
        (-0.04, 1, "0,0"),
        (-3.25, 1, "−3,2"),  # banker's rounding of binary 3.25 -> 3.2
        (0.125, 3, "0,125"),
        (float("nan"), 1, "–"),
        (None, 1, "–"),
    ],
)
def test_zahl_german(x, stellen, erwartet):
    assert fmt.zahl(x, stellen) == erwartet


def test_prozent_und_punkte():
    assert fmt.prozent(6.7) == "6,7 %"
    assert fmt.punkte(1.25, "%") == "+1,2 Pp."
    assert fmt.punkte(-2, "je 1.000") == "−2,0 je 1.000"
    assert fmt.punkte(0.0, "%") == "0,0 Pp."
    assert fmt.punkte(3.94, "‰") == "+3,9 ‰-Punkte"


def test_wert_uses_unit_default_decimals():
    assert fmt.wert(76383, "Personen") == "76.383"
    assert fmt.wert(46.94, "m²") == "46,9 m²"
    assert fmt.wert(math.nan, "%") == "–"


def test_zelle_marks_suppressed_and_uncertain():
    assert fmt.zelle(2.0, gesperrt=True) == "•"
    assert fmt.zelle(12.34, unsicher=True) == "12,3°"
    assert fmt.zelle(12.34) == "12,3"


def test_markdown_tabelle_alignment_and_escaping():
    df = pd.DataFrame({"Stadtteil": ["A|B"], "Wert": ["1,0"]})
    md = fmt.markdown_tabelle(df)
    assert md.splitlines()[1] == "|:----|---:|"  # A\|B is four characters wide
    assert "A\\|B" in md


def test_markdown_tabelle_dashes_follow_content_width():
    """Readable Markdown: dashes follow the longest cell (the book does not use them as widths)."""
    df = pd.DataFrame({"Indikator": ["Anteil der Kinder unter 18 Jahren", "x"], "Wert": ["12,5", "3"],
                       "Lang": ["y" * 80, "z"]})
    dashes = [len(c.strip(":")) for c in fmt.markdown_tabelle(df).splitlines()[1].strip("|").split("|")]
    assert dashes == [30, 4, 30]  # capped at 30, at least 3


def test_aufzaehlung():
    assert fmt.aufzaehlung(["A"]) == "A"
    assert fmt.aufzaehlung(["A", "B", "C"]) == "A, B und C"
    assert fmt.aufzaehlung([]) == ""


def test_anzahl_counts_with_article_gender_and_case():
    assert fmt.anzahl(0, "Stadtteil", "Stadtteile") == "kein Stadtteil"
    assert fmt.anzahl(1, "Bewertung", "Bewertungen", "f") == "eine Bewertung"
    assert fmt.anzahl(1, "Ziel", "Ziele", "n", "dat") == "einem Ziel"
    assert fmt.anzahl(1, "Stadtteil", "Stadtteile", "m", "akk") == "einen Stadtteil"
    assert fmt.anzahl(1234, "Fall", "Fälle") == "1.234 Fälle"
    assert fmt.anzahl(3, "Stadtteil", "Stadtteile", fall="dat", mehrzahl_dativ="Stadtteilen") == "3 Stadtteilen"
    with pytest.raises(ValueError):
        fmt.anzahl(2, "x", "y", "q")


def test_wert_dativ_declines_count_units_after_mit():
    assert fmt.wert_dativ(54.44, "Plätze je 100") == "54,4 Plätzen je 100"
    assert fmt.wert_dativ(12, "Kinder") == "12"  # counts are shown without their unit
    assert fmt.wert_dativ(12.5, "%") == "12,5 %"
    assert fmt.wert_dativ(None, "Plätze je 100") == fmt.FEHLT


def test_differences_come_from_the_displayed_values():
    # 15,52 % and 15,54 % are both shown as 15,5: the difference a reader can recompute is 0,0
    assert fmt.differenz(15.52, 15.54, 1) == 0.0
    assert fmt.punkte(fmt.differenz(46.64, 41.66, 1)) == "+4,9 Pp."  # 46,6 − 41,7, not 4,98 → 5,0
    assert math.isnan(fmt.differenz(None, 3.0, 1))


def test_spanne_never_breaks_after_its_dash():
    assert fmt.spanne(12.94, 16.21) == "12,9–\u206016,2"
    assert fmt.spanne(1, 2, 0).replace(fmt.BINDER, "") == "1–2"


def test_tabellenzellen_maskieren_spitze_klammern():
    """A "<" in a cell is escaped: pandoc would otherwise take it for the start of an HTML tag and
    search the whole rest of the book for its end (seconds per cell with many districts)."""
    md = fmt.markdown_tabelle(pd.DataFrame({"p": ["< 0,001"], "q": ["a|b"]}))
    assert md.splitlines()[-1] == "| \\< 0,001 | a\\|b |"
