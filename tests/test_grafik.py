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
