import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import t3_testdaten as td
from helpers import statistik as st


@pytest.fixture
def xy():
    rng = np.random.default_rng(11)
    x = rng.normal(size=11)
    y = 0.6 * x + rng.normal(scale=0.8, size=11)
    return x, y


def test_r_kritisch_n11():
    r = st.r_kritisch(11)
    assert r == pytest.approx(0.602, abs=5e-4)
    # independent check: at r_crit the t test of scipy gives p = .05
    t = r * math.sqrt(9) / math.sqrt(1 - r * r)
    assert 2 * stats.t.sf(t, 9) == pytest.approx(0.05)
    assert st.r_kritisch(30) < r


@pytest.mark.parametrize("methode,ref", [("pearson", stats.pearsonr), ("spearman", stats.spearmanr)])
def test_koeffizient_wie_scipy(xy, methode, ref):
    x, y = xy
    y = np.round(y, 1)  # ties
    assert st.koeffizient(x, y, methode) == pytest.approx(ref(x, y).statistic)


def test_fisher_ci_wie_scipy(xy):
    x, y = xy
    r = st.koeffizient(x, y)
    ci = stats.pearsonr(x, y).confidence_interval(0.95)  # scipy uses the Fisher transformation
    assert st.fisher_ci(r, 11) == pytest.approx((ci.low, ci.high))


def test_bonett_wright_von_hand():
    rho, n = 0.5, 11
    se = math.sqrt((1 + rho ** 2 / 2) / (n - 3))
    z = math.atanh(rho)
    erwartet = (math.tanh(z - 1.959964 * se), math.tanh(z + 1.959964 * se))
    assert st.bonett_wright_ci(rho, n) == pytest.approx(erwartet, abs=1e-6)
    # wider than the Fisher interval for the same value
    assert st.bonett_wright_ci(rho, n)[0] < st.fisher_ci(rho, n)[0]


def test_permutation_exakt_wie_vollstaendige_aufzaehlung():
    x = np.array([1.0, 2.5, 2.0, 4.0, 3.0, 6.0, 5.5])
    y = np.array([2.0, 1.0, 3.5, 3.0, 5.0, 4.0, 7.0])
    r0 = abs(np.corrcoef(x, y)[0, 1])
    alle = [abs(np.corrcoef(np.array(p), y)[0, 1]) for p in itertools.permutations(x)]
    erwartet = np.mean(np.array(alle) >= r0 - 1e-12)
    res = st.permutation_p(x, y)
    assert res["exakt"] and res["n_permutationen"] == math.factorial(7)
    assert res["p"] == pytest.approx(erwartet)


def test_permutation_monte_carlo_reproduzierbar(xy):
    x, y = xy
    a = st.permutation_p(x, y, seed=1)
    b = st.permutation_p(x, y, seed=1)
    c = st.permutation_p(x, y, seed=2)
    assert not a["exakt"] and a["n_permutationen"] == 20_000
    assert a["p"] == b["p"]
    assert a["p"] != c["p"]
    # agrees with the t-based p-value up to Monte Carlo error
    assert a["p"] == pytest.approx(stats.pearsonr(x, y).pvalue, abs=0.02)


def test_permutation_spearman_nutzt_raenge(xy):
    x, y = xy
    p = st.permutation_p(x, y, "spearman", seed=3)["p"]
    p_r = st.permutation_p(stats.rankdata(x), stats.rankdata(y), "pearson", seed=3)["p"]
    assert p == p_r


def test_bootstrap_reproduzierbar_und_plausibel(xy):
    x, y = xy
    a = st.bootstrap_ci(x, y, seed=4)
    b = st.bootstrap_ci(x, y, seed=4)
    assert a == b
    r = st.koeffizient(x, y)
    assert a["unten"] < r < a["oben"]
    # percentile bootstrap of the same resamples, computed independently
    rng = np.random.default_rng(4)
    idx = rng.integers(0, 11, size=(st.N_BOOTSTRAP, 11))
    rs = np.array([np.corrcoef(x[i], y[i])[0, 1] for i in idx])
    rs = rs[np.isfinite(rs)]
    assert (a["unten"], a["oben"]) == pytest.approx(tuple(np.quantile(rs, [0.025, 0.975])))


def test_adjustierung_von_hand():
    p = np.array([0.01, 0.04, 0.03, 0.20])
    a = st.adjustieren(p)
    # Holm: sorted p × (m − i), cumulative max
    holm = np.maximum.accumulate(np.sort(p) * np.array([4, 3, 2, 1]))
    np.testing.assert_allclose(a["p_holm"].to_numpy()[np.argsort(p)], np.minimum(holm, 1))
    # Benjamini–Hochberg: sorted p × m / i, cumulative min from the top
    bh = np.minimum.accumulate((np.sort(p) * 4 / np.arange(1, 5))[::-1])[::-1]
    np.testing.assert_allclose(a["p_bh"].to_numpy()[np.argsort(p)], bh)


def test_korrelationen_tabelle():
    t = td.tabelle(seed=9)
    w = t[(t["jahr"] == 2018) & (t["stadtteil"] != "Gesamtstadt")].pivot(
        index="stadtteil", columns="indikator", values="wert")
    paare = [("sprache", "sgb2_u15"), ("gym", "sgb2_u15"), ("kita35", "alo")]
    k = st.korrelationen(w, paare, n_resamples=2000, n_bootstrap=500)
    assert len(k) == 6 and k["n"].eq(11).all()
    for _, z in k.iterrows():
        ref = stats.pearsonr if z["methode"] == "pearson" else stats.spearmanr
        assert z["r"] == pytest.approx(ref(w[z["x"]], w[z["y"]]).statistic)
        assert z["ci_unten"] < z["r"] < z["ci_oben"]
    for m, g in k.groupby("methode"):
        np.testing.assert_allclose(g["p_holm"], st.adjustieren(g["p"])["p_holm"])
    # gym is an advantage indicator: negative correlation with child poverty in this data
    assert k.query("x == 'gym' and methode == 'pearson'")["r"].item() < 0


def test_korrelationen_fehlende_werte_reduzieren_n():
    t = td.tabelle(seed=9)
    w = t[(t["jahr"] == 2018) & (t["stadtteil"] != "Gesamtstadt")].pivot(
        index="stadtteil", columns="indikator", values="wert")
    w.loc["Stadtteil A", "sprache"] = np.nan
    k = st.korrelationen(w, [("sprache", "alo")], methoden=["pearson"], n_resamples=500, n_bootstrap=200)
    assert k["n"].item() == 10


def test_csv_spalten():
    tab = pd.DataFrame([{c: 0 for c in st.CSV_SPALTEN + ["boot_unten"]}])
    assert st.csv_tabelle(tab).columns.tolist() == [
        "x", "y", "methode", "r", "ci_unten", "ci_oben", "p", "p_holm", "p_bh", "n", "jahr"]
    with pytest.raises(KeyError, match="jahr"):
        st.csv_tabelle(tab.drop(columns="jahr"))


def test_ols_band_von_hand(xy):
    x, y = xy
    o = st.ols(x, y)
    b1, b0 = np.polyfit(x, y, 1)
    assert o["steigung"] == pytest.approx(b1) and o["achsenabschnitt"] == pytest.approx(b0)
    assert o["r2"] == pytest.approx(stats.pearsonr(x, y).statistic ** 2)
    band = o["band"]
    res = y - (b0 + b1 * x)
    s = math.sqrt((res ** 2).sum() / 9)
    se = s * np.sqrt(1 / 11 + (band["x"] - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum())
    tq = stats.t.ppf(0.975, 9)
    np.testing.assert_allclose(band["ci_oben"] - band["fit"], tq * se)
    np.testing.assert_allclose(band["fit"] - band["ci_unten"], tq * se)


def test_einfluss_cooks_und_loo(xy):
    x, y = xy
    namen = [f"S{i}" for i in range(11)]
    e = st.einfluss(x, y, namen)
    X = np.column_stack([np.ones(11), x])
    h = np.diag(X @ np.linalg.inv(X.T @ X) @ X.T)
    b = np.linalg.lstsq(X, y, rcond=None)[0]
    res = y - X @ b
    s2 = (res ** 2).sum() / 9
    cooks = res ** 2 / (2 * s2) * h / (1 - h) ** 2
    np.testing.assert_allclose(e["cooks_d"], cooks)
    np.testing.assert_allclose(e["hebel"], h)
    assert e.loc[3, "r_ohne"] == pytest.approx(stats.pearsonr(np.delete(x, 3), np.delete(y, 3)).statistic)
    loo = st.loo_stabilitaet(x, y, namen)
    assert loo["r_min"] == pytest.approx(e["r_ohne"].min()) and loo["r_max"] == pytest.approx(e["r_ohne"].max())
    assert loo["r_min"] <= loo["r_ohne_einflussreichsten"] <= loo["r_max"]


def test_einfluss_ausreisser_wird_erkannt():
    x = np.arange(11, dtype=float)
    y = x.copy() + np.random.default_rng(0).normal(scale=0.3, size=11)
    y[10] = -5.0  # a single district against the pattern
    e = st.einfluss(x, y, [f"S{i}" for i in range(11)])
    assert e["cooks_d"].idxmax() == 10 and bool(e.loc[10, "auffaellig"])


def test_gepoolt_summe_zaehler_durch_summe_nenner():
    t = td.tabelle(seed=2)
    p = st.gepoolt(t, td.katalog(), ["sprache"], [2016, 2017, 2018], td.STADTTEILE)
    g = t[(t["indikator"] == "sprache") & (t["stadtteil"] == "Stadtteil E") & t["jahr"].isin([2016, 2017, 2018])]
    assert p.loc["Stadtteil E", "sprache"] == pytest.approx(g["zaehler"].sum() / g["nenner"].sum() * 100)
    with pytest.raises(KeyError, match="2010"):
        st.gepoolt(t, td.katalog(), ["sprache"], [2010, 2018])


def test_gepoolt_gesperrtes_jahr_gibt_keinen_wert():
    t = td.tabelle(seed=2)
    m = (t["indikator"] == "sprache") & (t["stadtteil"] == "Stadtteil E") & (t["jahr"] == 2017)
    t.loc[m, ["wert", "zaehler"]] = np.nan
    t.loc[m, "gesperrt"] = True
    p = st.gepoolt(t, td.katalog(), ["sprache"], [2016, 2017, 2018])
    assert np.isnan(p.loc["Stadtteil E", "sprache"]) and p["sprache"].notna().sum() == 10


@pytest.mark.parametrize("r,wort", [(0.05, "kein nennenswerter"), (-0.2, "ein schwacher"),
                                    (0.35, "ein mittelstarker"), (-0.8, "ein starker")])
def test_staerke(r, wort):
    assert st.staerke(r) == wort


def test_befund_satz_folgt_den_zahlen():
    z = {"methode": "pearson", "r": 0.72, "ci_unten": 0.21, "ci_oben": 0.92, "p": 0.012, "p_holm": 0.03, "n": 11}
    s = st.befund_paar(z, "A", "B")
    assert "starker positiver" in s and "0,72" in s and "0,21 bis 0,92" in s and "schließt null aus" in s
    assert "bleibt nach der Holm-Korrektur" in s and "vorliegenden Daten" in s
    z2 = dict(z, r=-0.4, ci_unten=-0.8, ci_oben=0.25, p=0.2, p_holm=0.9, methode="spearman")
    s2 = st.befund_paar(z2, "A", "B")
    assert "mittelstarker negativer" in s2 and "ρ = −0,40" in s2 and "schließt null ein" in s2
    assert "nicht auffällig" in s2 and "p = 0,900" in s2
    s3 = st.befund_paar(dict(z, p=0.00005, p_holm=0.0004), "A", "B")
    assert "p \\< 0,001" in s3  # Markdown: an escaped "<"


def test_grenzen_text_nennt_berechnetes_r_krit():
    s = st.grenzen_text(11, st.r_kritisch(11))
    assert "11 Stadtteile" in s and "0,60" in s and "ökologischer Fehlschluss" in s
    assert "0,55" in st.grenzen_text(13, st.r_kritisch(13))


def test_konfiguration(tmp_path):
    p = tmp_path / "k.yml"
    p.write_text("bildung: [sprache, gym]\narmut: [sgb2_u15]\nhauptpaar: [gym, sgb2_u15]\n", encoding="utf-8")
    cfg = st.lade_konfiguration(p, td.katalog())
    assert st.paare(cfg) == [("sprache", "sgb2_u15"), ("gym", "sgb2_u15")]
    p.write_text("bildung: [sprache, gymm]\narmut: [sgb2_u15]\n", encoding="utf-8")
    from helpers.sozialindex import RegelFehler
    with pytest.raises(RegelFehler, match="gymm"):
        st.lade_konfiguration(p, td.katalog())
    p.write_text("bildung: [sprache]\narmut: [sgb2_u15]\nhauptpaar: [sgb2_u15, sprache]\n", encoding="utf-8")
    with pytest.raises(RegelFehler, match="hauptpaar"):
        st.lade_konfiguration(p, td.katalog())


def test_konfiguration_des_projekts_ist_gueltig():
    from pathlib import Path

    import yaml
    root = Path(__file__).resolve().parents[1]
    kat = pd.DataFrame(yaml.safe_load((root / "data" / "indikatoren.yml").read_text(encoding="utf-8"))["indikatoren"])
    st.lade_konfiguration(root / "data" / "regeln" / "korrelationen.yml", kat)


def test_zu_wenige_paare_werden_nicht_berechnet_und_nicht_adjustiert():
    t = td.tabelle(seed=9)
    w = t[(t["jahr"] == 2018) & (t["stadtteil"] != "Gesamtstadt")].pivot(
        index="stadtteil", columns="indikator", values="wert")
    w.loc[["Stadtteil A", "Stadtteil B", "Stadtteil C", "Stadtteil D"], "sprache"] = np.nan  # 7 left
    paare = [("sprache", "alo"), ("gym", "alo"), ("kita35", "alo")]
    k = st.korrelationen(w, paare, methoden=["pearson"], n_resamples=500, n_bootstrap=200)
    s = k.set_index("x")
    assert not s.loc["sprache", "berechnet"] and s.loc["sprache", "n"] == 7 and np.isnan(s.loc["sprache", "r"])
    assert np.isnan(s.loc["sprache", "p_holm"])
    # the other two form the family of tests: Holm over two p-values
    np.testing.assert_allclose(s.loc[["gym", "kita35"], "p_holm"], st.adjustieren(s.loc[["gym", "kita35"], "p"])["p_holm"])
    assert st.adjustieren([0.01, np.nan, 0.04])["p_holm"].tolist()[0] == pytest.approx(0.02)


def _k(ns, berechnet):
    return pd.DataFrame({"x": ["a", "a", "b"], "y": ["u", "v", "u"], "n": ns, "berechnet": berechnet})


def test_methoden_text():
    kurz = {"a": "A", "b": "B", "u": "U", "v": "V"}
    s = st.methoden_text(_k([11, 11, 11], [True] * 3), 11, kurz, "31.12.2018")
    assert "3 Paare aus 2 Bildungs- und 2 Armutsindikatoren" in s and "**0,60**" in s
    assert "20.000 zufälligen Zuordnungen" in s and "39.916.800" in s and "exakt" not in s
    s = st.methoden_text(_k([11, 8, 4], [True, True, False]), 11, kurz, "31.12.2018")
    assert "bei 8 Stadtteilen auf 0,71" in s and "„B“ × „U“ (n = 4)" in s
    assert "höchstens 8 Stadtteilen exakt" in s and "verzerren" in s
    s = st.methoden_text(_k([4, 4, 4], [False] * 3), 4, kurz, "31.12.2020")
    assert "nicht belastbar" in s and "**" not in s


def test_wilson_interval_contains_zero_and_full_proportions():
    """At 0 of n and n of n the bound equals the estimate exactly (no rounding beyond it),
    so error bars never get a negative length."""
    from helpers.statistik import wilson

    for n in (3, 7, 29, 40, 113, 1000):
        unten, oben = wilson([0, n], [n, n])
        assert unten[0] == 0 and oben[0] > 0
        assert oben[1] == 100 and unten[1] < 100
