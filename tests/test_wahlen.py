"""helpers.wahlen on a small hand-made indicator table (no data folder needed)."""

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import grafik, wahlen
from helpers.daten.katalog import Katalog

NAMEN = ["Nord", "Mitte", "Süd", "Ost", "West", "Hafen"]


def _katalog():
    ind = pd.DataFrame([
        dict(id="wb_kw", titel="Wahlbeteiligung bei der Kommunalwahl", kurztitel="Kommunalwahl", handlungsfeld=9,
             einheit="%", quelle="Wahlamt; IT.NRW"),
        dict(id="wb_btw", titel="Wahlbeteiligung bei der Bundestagswahl", kurztitel="Bundestagswahl",
             handlungsfeld=9, einheit="%", quelle="Wahlamt"),
        dict(id="wb_ew", titel="Wahlbeteiligung bei der Europawahl", kurztitel="Europawahl", handlungsfeld=9,
             einheit="%", quelle="Wahlamt"),
        dict(id="sgb2", titel="SGB-II-Quote", kurztitel="SGB-II-Quote", handlungsfeld=2, einheit="%",
             quelle="Bundesagentur für Arbeit; Einwohnermelderegister"),
    ])
    return Katalog(pd.DataFrame({"nr": [2, 9], "titel": ["E", "W"]}), pd.DataFrame(), ind)


def _zeilen(indikator, jahr, werte: dict, gesperrt=()):
    """werte: name -> (zaehler, nenner); city = sums of the published and suppressed counts."""
    rows = []
    for name, (z, n) in werte.items():
        g = name in gesperrt
        rows.append(dict(stadtteil=name, jahr=jahr, indikator=indikator, wert=np.nan if g else z / n * 100,
                         zaehler=np.nan if g else z, nenner=n, gesperrt=g, unsicher=n < 100))
    z = sum(v[0] for v in werte.values())
    n = sum(v[1] for v in werte.values())
    rows.append(dict(stadtteil="Gesamtstadt", jahr=jahr, indikator=indikator, wert=z / n * 100, zaehler=z,
                     nenner=n, gesperrt=False, unsicher=False))
    return rows


# turnout (waehler, wahlberechtigte) and SGB II (leistungsbezieher, einwohner u65)
KW09 = {"Nord": (620, 1000), "Mitte": (450, 1000), "Süd": (560, 1000), "Ost": (400, 1000), "West": (700, 1000),
        "Hafen": (300, 1000)}
KW14 = {"Nord": (600, 1000), "Mitte": (420, 1000), "Süd": (580, 1000), "Ost": (380, 1000), "West": (690, 1000),
        "Hafen": (250, 1000)}
KW20 = {n: (500, 1000) for n in NAMEN}  # after the Berichtsjahr: must not count
BTW13 = {"Nord": (750, 1000), "Mitte": (640, 1000), "Süd": (700, 1000), "Ost": (600, 1000), "West": (820, 1000),
         "Hafen": (480, 1000)}
BTW17 = {"Nord": (780, 1000), "Mitte": (650, 1000), "Süd": (720, 1000), "Ost": (610, 1000), "West": (830, 1000),
         "Hafen": (500, 1000)}
SGB2 = {"Nord": (80, 1000), "Mitte": (150, 1000), "Süd": (100, 1000), "Ost": (170, 1000), "West": (50, 1000),
        "Hafen": (260, 1000)}


def _ind(sgb2_jahre=(2013, 2014, 2016, 2018), gesperrt_btw17=()):
    rows = (_zeilen("wb_kw", 2009, KW09) + _zeilen("wb_kw", 2014, KW14) + _zeilen("wb_kw", 2020, KW20)
            + _zeilen("wb_btw", 2013, BTW13) + _zeilen("wb_btw", 2017, BTW17, gesperrt_btw17)
            + _zeilen("wb_ew", 2019, KW20))
    for j in sgb2_jahre:
        rows += _zeilen("sgb2", j, SGB2)
    return pd.DataFrame(rows)


def _q(werte):
    return {n: z / n_ * 100 for n, (z, n_) in werte.items()}


def test_wahlen_lists_every_election_with_city_turnout():
    alle = wahlen.wahlen(_ind(), _katalog())
    assert list(zip(alle["wahl"], alle["jahr"])) == [
        ("Kommunalwahl", 2009), ("Kommunalwahl", 2014), ("Kommunalwahl", 2020),
        ("Bundestagswahl", 2013), ("Bundestagswahl", 2017), ("Europawahl", 2019)]
    kw14 = alle[(alle["indikator"] == "wb_kw") & (alle["jahr"] == 2014)].iloc[0]
    # city = summed voters / summed electorate, not the mean of district rates
    assert kw14["stadt"] == pytest.approx(2920 / 6000 * 100)
    assert kw14["n_stadtteile"] == 6


def test_latest_election_of_each_type_at_or_before_berichtsjahr():
    letzte = wahlen.letzte_wahlen(wahlen.wahlen(_ind(), _katalog()), 2018)
    # the Kommunalwahl after the Berichtsjahr does not count; the Europawahl has none up to 2018
    assert list(zip(letzte["wahl"], letzte["jahr"], letzte["vorjahr"])) == [
        ("Kommunalwahl", 2014, 2009), ("Bundestagswahl", 2017, 2013)]
    kw = letzte.iloc[0]
    assert kw["veraenderung"] == pytest.approx(2920 / 60 - 3030 / 60)
    assert wahlen.juengste(letzte)["wahl"] == "Bundestagswahl"
    # with a later Berichtsjahr the newer elections count
    spaeter = wahlen.letzte_wahlen(wahlen.wahlen(_ind(), _katalog()), 2020)
    assert spaeter.set_index("wahl")["jahr"].to_dict() == {"Kommunalwahl": 2020, "Bundestagswahl": 2017,
                                                           "Europawahl": 2019}
    assert pd.isna(spaeter.set_index("wahl").loc["Europawahl", "vorjahr"])


def test_kennzahlen_and_district_table_are_german_and_suppress():
    ind = _ind(gesperrt_btw17=("Hafen",))
    letzte = wahlen.letzte_wahlen(wahlen.wahlen(ind, _katalog()), 2018)
    md = wahlen.kennzahlen_markdown(letzte)
    assert "| Kommunalwahl | 2014 | 48,7 % | 2009 | 50,5 % | −1,8 Pp. |" in md
    bet = wahlen.beteiligung(ind, letzte, NAMEN)
    tab = wahlen.tabelle_markdown(bet, letzte, NAMEN)
    assert "| Stadtteil | Kommunalwahl 2014 | Bundestagswahl 2017 |" in tab
    assert "| Hafen | 25,0 | • |" in tab
    assert tab.splitlines()[-1].startswith("| **Gesamtstadt** |")


def test_zusammenhang_is_pearson_with_fisher_interval_on_published_pairs():
    ind = _ind(gesperrt_btw17=("Hafen",))
    z = wahlen.zusammenhang(ind, "wb_btw", 2017, "sgb2", reihenfolge=NAMEN)
    # SGB II has no 2017 values: the nearest year is taken (2016 and 2018 tie -> earlier)
    assert z.x_jahr == 2016
    assert z.ausgelassen == ("Hafen",) and z.n == 5
    x = [_q(SGB2)[n] for n in NAMEN if n != "Hafen"]
    y = [_q(BTW17)[n] for n in NAMEN if n != "Hafen"]
    r = stats.pearsonr(x, y).statistic
    assert z.r == pytest.approx(r)
    h = 1.959963984540054 / math.sqrt(5 - 3)
    assert (z.ci_unten, z.ci_oben) == pytest.approx((math.tanh(math.atanh(r) - h), math.tanh(math.atanh(r) + h)))
    assert z.r < 0


def test_zusammenhang_text_names_r_interval_limits_and_ecological_fallacy():
    z = wahlen.zusammenhang(_ind(), "wb_kw", 2014, "sgb2", reihenfolge=NAMEN)
    text = wahlen.zusammenhang_text(z, "die Wahlbeteiligung bei der Kommunalwahl 2014", "SGB-II-Quote")
    assert f"Pearson r = {wahlen.fmt.zahl(z.r, 2)} (95-%-Konfidenzintervall nach Fisher-z: " in text
    assert "Über die 6 Stadtteile hinweg" in text and "stark negativ" in text
    assert "höherer SGB-II-Quote war die Wahlbeteiligung tendenziell niedriger" in text
    assert "keinen ursächlichen Zusammenhang" in text and "ökologischer Fehlschluss" in text
    assert "schließt null ein" not in text  # strong r: the interval excludes zero here
    assert z.ci_oben < 0


def test_zusammenhang_text_when_interval_includes_zero_and_when_too_few():
    # reorder the SGB II values so that the relation is weak
    schwach = dict(zip(NAMEN, [SGB2[n] for n in ["Hafen", "Nord", "West", "Mitte", "Süd", "Ost"]]))
    ind = pd.DataFrame(_zeilen("wb_kw", 2014, KW14) + _zeilen("sgb2", 2014, schwach))
    z = wahlen.zusammenhang(ind, "wb_kw", 2014, "sgb2")
    assert z.intervall_schliesst_null_ein
    assert "schließt null ein" in wahlen.zusammenhang_text(z, "die Wahlbeteiligung", "SGB-II-Quote")
    drei = {n: KW14[n] for n in NAMEN[:3]}
    ind3 = pd.DataFrame(_zeilen("wb_kw", 2014, drei) + _zeilen("sgb2", 2014, {n: SGB2[n] for n in NAMEN[:3]}))
    z3 = wahlen.zusammenhang(ind3, "wb_kw", 2014, "sgb2")
    assert math.isnan(z3.r) and z3.n == 3
    assert "reicht für keine Aussage" in wahlen.zusammenhang_text(z3, "die Wahlbeteiligung", "SGB-II-Quote")


def test_befund_names_extremes_change_and_follows_the_data():
    ind = _ind()
    letzte = wahlen.letzte_wahlen(wahlen.wahlen(ind, _katalog()), 2018)
    kw = letzte.iloc[0]
    text = wahlen.befund(ind, kw, "Musterstadt", NAMEN)
    assert text.startswith("Bei der Kommunalwahl 2014 lag die Wahlbeteiligung in Musterstadt bei 48,7 % "
                           "(Kommunalwahl 2009: 50,5 %; Veränderung −1,8 Pp.).")
    assert "hat West mit 69,0 %" in text and "den niedrigsten Hafen mit 25,0 %" in text
    assert "liegen 44,0 Prozentpunkte" in text
    # swap two districts' results: the sentences follow
    getauscht = dict(KW14, West=KW14["Hafen"], Hafen=KW14["West"])
    ind2 = pd.DataFrame(_zeilen("wb_kw", 2009, KW09) + _zeilen("wb_kw", 2014, getauscht))
    text2 = wahlen.befund(ind2, wahlen.letzte_wahlen(wahlen.wahlen(ind2, _katalog()), 2018).iloc[0],
                          "Musterstadt", NAMEN)
    assert "hat Hafen mit 69,0 %" in text2 and "den niedrigsten West mit 25,0 %" in text2
    assert text2 != text


def test_muster_text_sees_the_same_lowest_district():
    ind = _ind()
    letzte = wahlen.letzte_wahlen(wahlen.wahlen(ind, _katalog()), 2018)
    text = wahlen.muster_text(wahlen.beteiligung(ind, letzte, NAMEN), letzte)
    assert "Kommunalwahl 2014 und Bundestagswahl 2017" in text
    assert "Die niedrigste Wahlbeteiligung hatte bei beiden Wahlen Hafen." in text
    assert "Die höchste Wahlbeteiligung hatte bei beiden Wahlen West." in text
    assert "Rangfolge der Stadtteile ist bei beiden Wahlarten ähnlich" in text


def test_punktdiagramm_one_row_per_district_and_a_city_line_per_election():
    ind = _ind(gesperrt_btw17=("Hafen",))
    letzte = wahlen.letzte_wahlen(wahlen.wahlen(ind, _katalog()), 2018)
    fig = wahlen.punktdiagramm(wahlen.beteiligung(ind, letzte, NAMEN), letzte, NAMEN)
    ax = fig.axes[0]
    zeilen = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(zeilen) == sorted(NAMEN)
    assert zeilen[0] == "Hafen" and zeilen[-1] == "West"  # sorted by mean turnout, highest on top
    senkrecht = [l.get_xdata()[0] for l in ax.lines if len(set(l.get_xdata())) == 1 and l.get_linestyle() == "--"]
    assert sorted(senkrecht) == pytest.approx(sorted(letzte["stadt"]))
    # the suppressed Bundestagswahl value of Hafen is not drawn: 6 + 5 markers
    assert sum(len(c.get_offsets()) for c in ax.collections) == 11
    plt.close("all")


def test_verlauf_and_leere_daten():
    ind = _ind()
    alle = wahlen.wahlen(ind, _katalog())
    fig = wahlen.verlauf_abbildung(ind, alle, 2018)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    # elections after the Berichtsjahr stay visible, right of the dotted Berichtsjahr line
    assert labels == ["Kommunalwahl", "Bundestagswahl", "Europawahl", "Spanne der Stadtteile"]
    assert any(l.get_linestyle() == ":" and l.get_xdata()[0] == 2018.5 for l in fig.axes[0].lines)
    leer = wahlen.letzte_wahlen(alle.iloc[0:0], 2018)
    assert leer.empty
    fig2 = wahlen.punktdiagramm(wahlen.beteiligung(ind, leer, NAMEN), leer, NAMEN)
    assert "keine Wahlergebnisse" in fig2.axes[0].texts[0].get_text()
    with pytest.raises(ValueError, match="keine Wahl"):
        wahlen.juengste(leer)
    plt.close("all")


def test_labels_in_scatter_do_not_overlap():
    grafik.stil()  # the book's font sizes (as after helpers.setup())
    z = wahlen.zusammenhang(_ind(), "wb_kw", 2014, "sgb2", reihenfolge=NAMEN)
    fig = wahlen.streudiagramm(z, "SGB-II-Quote", "Wahlbeteiligung")
    ax = fig.axes[0]
    r = fig.canvas.get_renderer()
    namen = [t for t in ax.texts if t.get_text() in NAMEN]
    assert sorted(t.get_text() for t in namen) == sorted(NAMEN)
    boxen = [t.get_window_extent(r) for t in namen]
    for i in range(len(boxen)):
        for j in range(i + 1, len(boxen)):
            assert not boxen[i].overlaps(boxen[j]), (namen[i].get_text(), namen[j].get_text())
    assert "Pearson r = " in ax.get_title(loc="left")
    plt.close("all")


def test_verlauf_text_per_type_up_to_berichtsjahr():
    text = wahlen.verlauf_text(wahlen.wahlen(_ind(), _katalog()), 2018)
    assert text.startswith("Die Daten enthalten 4 Wahlen aus den Jahren 2009 bis 2017.")
    assert "Bei der Kommunalwahl sank die Beteiligung: von 50,5 % (2009) auf 48,7 % (2014; −1,8 Pp.)." in text
    assert "Bei der Bundestagswahl stieg die Beteiligung: von 66,5 % (2013) auf 68,2 % (2017; +1,7 Pp.)." in text
    # elections after the Berichtsjahr are only named
    assert text.endswith("Nach dem Berichtsjahr enthalten die Daten außerdem: Europawahl 2019 und Kommunalwahl 2020; "
                         "diese Wahlen zeigt die Abbildung rechts der gepunkteten Linie, in die Auswertungen dieses "
                         "Kapitels gehen sie nicht ein.")
