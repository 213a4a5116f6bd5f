import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from helpers import grafik


def test_noetige_stellen():
    assert grafik.noetige_stellen([0, 10, 20]) == 0
    assert grafik.noetige_stellen([30, 32.5, 35]) == 1
    assert grafik.noetige_stellen([0.25, 0.5]) == 2


def test_deutsche_achse_shows_decimal_comma():
    fig, ax = plt.subplots()
    ax.plot([30, 35], [0, 1])
    ax.set_xticks([30, 32.5, 35])
    grafik.deutsche_achse(ax, "x")
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["30,0", "32,5", "35,0"]
    plt.close(fig)


def _linien(fig) -> dict[str, tuple[str, str]]:
    """Legend label → (colour, marker) of the drawn lines."""
    from matplotlib.colors import to_hex
    return {l.get_label(): (to_hex(l.get_color()).upper(), l.get_marker())
            for l in fig.axes[0].get_lines() if not l.get_label().startswith("_")}


def _reihen(namen):
    import pandas as pd
    return pd.DataFrame([{"stadtteil": n, "jahr": j, "wert": float(k + j - 2015)}
                         for k, n in enumerate(["Gesamtstadt", *namen]) for j in (2015, 2016, 2017)])


def test_district_keeps_its_look_whichever_others_are_highlighted():
    register = [f"Stadtteil {k}" for k in range(11)]
    # the rows come in another order than the register: the register decides, not the data
    reihen = _reihen(register[::-1])
    a = _linien(grafik.trend_linien(reihen, hervorheben=["Stadtteil 4", "Stadtteil 9"], register=register))
    b = _linien(grafik.trend_linien(reihen, hervorheben=["Stadtteil 9", "Stadtteil 1", "Stadtteil 4"],
                                    register=register))
    plt.close("all")
    assert a["Stadtteil 9"] == b["Stadtteil 9"] and a["Stadtteil 4"] == b["Stadtteil 4"]
    assert a["Stadtteil 9"] == grafik.stadtteil_stile(register)["Stadtteil 9"]
    assert len({a["Stadtteil 4"], a["Stadtteil 9"], b["Stadtteil 1"]}) == 3
    assert a["Gesamtstadt"][0] == grafik.FARBE_STADT.upper()


def test_district_looks_are_distinct_up_to_36_and_never_shared_within_a_chart():
    stile = grafik.stadtteil_stile([f"S{k}" for k in range(40)])
    assert len(set(list(stile.values())[:36])) == 36
    assert stile["S36"] == stile["S0"]  # beyond 36 the looks repeat in the register ...
    fig = grafik.trend_linien(_reihen([f"S{k}" for k in range(40)]), hervorheben=["S0", "S36"],
                              register=[f"S{k}" for k in range(40)])
    linien = _linien(fig)
    plt.close(fig)
    assert linien["S0"] == stile["S0"] and linien["S36"] != linien["S0"]  # ... but not within one chart
    # colour-blind safe and visible on white: no yellow, no black (the city's colour)
    assert "#F0E442" not in grafik.FARBEN_STADTTEIL and "#000000" not in grafik.FARBEN_STADTTEIL


def test_bars_start_at_zero_even_when_a_helper_cut_the_axis():
    fig, (a, b, c) = plt.subplots(1, 3)
    a.barh([0, 1], [12.0, 20.0])
    a.set_xlim(10, 22)  # would make 20 look almost twice 12... (it is 1.7 times)
    b.bar([0, 1], [-8.0, -3.0])
    b.set_ylim(-9, -2)
    b.invert_yaxis()
    c.barh([0, 1], [-4.0, 6.0])  # divergent: contains zero already
    vorher_c = c.get_xlim()
    grafik.nullpunkt(fig)
    assert a.get_xlim() == (0.0, 22.0)
    assert b.get_ylim() == (0.0, -9.0)  # still inverted, now reaching zero
    assert c.get_xlim() == vorher_c
    plt.close(fig)


def test_abbildungen_ohne_alphakanal_auf_weiss():
    """Figures are PNG without the unused alpha channel (a quarter less memory for Typst), on white,
    with the same size and 200 dpi."""
    import io

    from PIL import Image

    from helpers.setup import ohne_alpha

    fig, ax = plt.subplots(figsize=(2, 1))
    fig.patch.set_alpha(0.0)  # a transparent background must come out white, not black
    ax.bar([0], [1], color="#0072B2")
    roh = io.BytesIO()
    fig.savefig(roh, format="png", dpi=200)
    plt.close(fig)
    bild = Image.open(io.BytesIO(ohne_alpha(roh.getvalue())))
    assert bild.mode == "RGB" and bild.size == Image.open(roh).size
    assert bild.getpixel((0, 0)) == (255, 255, 255)
    assert round(bild.info["dpi"][0]) == 200
    assert ohne_alpha(ohne_alpha(roh.getvalue())) == ohne_alpha(roh.getvalue())
