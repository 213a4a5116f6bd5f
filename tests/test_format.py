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
    # A\|B is four characters wide; "Stadtteil" and "Wert" are bold header words of 9 and 4 letters
    assert md.splitlines()[1] == "|:-----------|-----:|"
    assert "A\\|B" in md


def test_markdown_tabelle_gives_a_long_district_name_room_up_to_its_hyphen():
    df = pd.DataFrame({"Indikator": ["SGB-II-Quote"], "Altendorf-Ulfkotte": ["35"], "Wulfen/Barkenberg": ["7"]})
    trenner = fmt.markdown_tabelle(df).splitlines()[1]
    # "Altendorf-" and "Barkenberg" (10 bold letters each): the name breaks at "-" or "/", not inside a word
    assert trenner == "|:------------|------------:|------------:|"


def test_markdown_tabelle_dashes_follow_content_width():
    """Pandoc (and so Quarto's PDF) takes relative column widths from the dashes."""
    df = pd.DataFrame({"Indikator": ["Anteil der Kinder unter 18 Jahren", "x"], "Wert": ["12,5", "3"],
                       "Lang": ["y" * 80, "z"]})
    dashes = [len(c.strip(":")) for c in fmt.markdown_tabelle(df).splitlines()[1].strip("|").split("|")]
    assert dashes == [30, 5, 30]  # capped at 30; "Wert" as a bold header word needs 5


def test_aufzaehlung():
    assert fmt.aufzaehlung(["A"]) == "A"
    assert fmt.aufzaehlung(["A", "B", "C"]) == "A, B und C"
    assert fmt.aufzaehlung([]) == ""
