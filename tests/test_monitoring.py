"""The Teil II building blocks on a small fake context."""

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd

from helpers import monitoring


class _Katalog:
    def __init__(self, df):
        self.indikatoren = df

    def indikator(self, id_):
        return self.indikatoren.set_index("id").loc[id_].to_dict() | {"id": id_}


def _ctx(werte_2018: dict, werte_2013: dict):
    rows = []
    for jahr, werte in ((2018, werte_2018), (2013, werte_2013)):
        for name, (z, n) in werte.items():
            rows.append(dict(stadtteil=name, jahr=jahr, indikator="q", wert=z / n * 100, zaehler=z,
                             nenner=n, gesperrt=False, unsicher=False))
        z = sum(v[0] for v in werte.values()); n = sum(v[1] for v in werte.values())
        rows.append(dict(stadtteil="Gesamtstadt", jahr=jahr, indikator="q", wert=z / n * 100, zaehler=z,
                         nenner=n, gesperrt=False, unsicher=False))
    kat = pd.DataFrame([dict(id="q", titel="Quote der Beispiele", kurztitel="Quote", handlungsfeld=2,
                             einheit="%", richtung="belastung", kern=True)])
    return SimpleNamespace(
        indikatoren=pd.DataFrame(rows), katalog=_Katalog(kat), jahr=2018,
        reihenfolge=list(werte_2018), bericht=SimpleNamespace(stadt="Musterstadt"),
    )


W18 = {"Nord": (10, 100), "Mitte": (30, 100), "Süd": (16, 200)}
W13 = {"Nord": (10, 100), "Mitte": (20, 100), "Süd": (20, 200)}


def test_befund_names_city_value_change_and_extremes():
    text = monitoring.befund(_ctx(W18, W13), "q")
    # city value from summed counts: 56/400 = 14 %, not the mean of rates (16 %)
    assert "In Musterstadt betrug der Wert am 31.12.2018 14,0 %" in text
    assert "31.12.2013: 12,5 %" in text and "+1,5 Pp." in text
    assert "Den höchsten Wert für „Quote“ hat Mitte mit 30,0 %" in text
    assert "Am stärksten verändert hat sich der Wert in Mitte (+10,0 Pp.)" in text


def test_kennzahlen_table_has_both_stichtage():
    md = monitoring.kennzahlen(_ctx(W18, W13), 2).data
    assert "31.12.2018" in md and "31.12.2013" in md and "| Quote der Beispiele | % | 14,0 | 12,5 | +1,5 Pp. |" in md


def test_figures_are_drawn_with_city_line():
    ctx = _ctx(W18, W13)
    fig = monitoring.vergleich_abbildung(ctx, "q")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Süd", "Nord", "Mitte"]  # sorted by value
    assert any(np.isclose(line.get_xdata()[0], 14.0) for line in ax.lines)
    fig2 = monitoring.trend_abbildung(ctx, "q", n=1)
    labels = [t.get_text() for t in fig2.axes[0].get_legend().get_texts()]
    assert "Gesamtstadt" in labels and "Mitte" in labels


def test_befund_mit_fussnote_appends_definition_and_source():
    ctx = _ctx(W18, W13)
    ctx.katalog.indikatoren["definition"] = "Zähler je Nenner."
    ctx.katalog.indikatoren["quelle"] = "Jobcenter"
    text = monitoring.befund_mit_fussnote(ctx, "q")
    assert text.startswith(monitoring.befund(ctx, "q"))
    assert text.endswith("*Definition:* Zähler je Nenner. *Quelle:* Jobcenter.")
