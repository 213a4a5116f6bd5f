"""Correlation statistics for few units (the 11 Stadtteile).

- Pearson r with a Fisher-z 95 % interval; Spearman rho with the Bonett–Wright
  (2000) interval, SE = sqrt((1 + rho²/2) / (n − 3)) on the Fisher-z scale.
- A seeded percentile bootstrap over districts as a check of both intervals.
- Permutation p-values with ``scipy.stats.permutation_test(permutation_type="pairings")``:
  exact (all n! pairings) when n! ≤ ``exakt_bis`` (default 40 320, i.e. n ≤ 8),
  otherwise a seeded Monte Carlo test with ``n_resamples`` pairings (default
  20 000; for n = 11 there are 11! ≈ 40 million). Two-sided means P(|r*| ≥ |r|).
  The Monte Carlo p-value counts the observed pairing, so it is never 0.
- Multiple testing: statsmodels ``multipletests`` with ``method="holm"`` and
  ``method="fdr_bh"`` named explicitly (its default would be Holm–Šidák).
- The critical |r| for a two-sided test at level alpha with n units
  (t distribution): r_crit = t / sqrt(n − 2 + t²); for n = 11 about 0.60.
- OLS with statsmodels, the 95 % confidence band of the mean, Cook's distance and
  leave-one-out stability of r.

All of this describes districts, not people (ecological fallacy) and shows
association, not causation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

METHODEN = ("pearson", "spearman")
SEED = 20181231
N_PERMUTATIONEN = 20_000
N_BOOTSTRAP = 5_000
EXAKT_BIS = math.factorial(8)
MINDEST_N = 8  # fewer complete pairs: no coefficient is reported (r_crit > 0,7, intervals nearly −1 to 1)


# --------------------------------------------------------------------------- proportions of a district


def wilson(zaehler, nenner, faktor=100.0, niveau: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the proportions ``zaehler / nenner`` in units of ``faktor``.

    Vectorised (statsmodels ``proportion_confint(method="wilson")``). NaN where the
    interval is not defined: missing or suppressed counts, a denominator ≤ 0, or a
    "rate" whose numerator may exceed its denominator (places per 100 children) – such a
    value is not a proportion of people and gets no binomial interval.
    """
    from statsmodels.stats.proportion import proportion_confint

    z = np.atleast_1d(np.asarray(zaehler, dtype=float))
    n = np.atleast_1d(np.asarray(nenner, dtype=float))
    f = np.broadcast_to(np.asarray(faktor, dtype=float), z.shape)
    ok = np.isfinite(z) & np.isfinite(n) & (n > 0) & (z >= 0) & (z <= n)
    unten = np.full(z.shape, np.nan)
    oben = np.full(z.shape, np.nan)
    if ok.any():
        u, o = proportion_confint(z[ok], n[ok], alpha=1 - niveau, method="wilson")
        # At 0 and 1 the formula returns the bound with a rounding error (1e-17 beyond p);
        # the interval must contain the estimate.
        p = z[ok] / n[ok]
        unten[ok] = np.minimum(np.asarray(u), p) * f[ok]
        oben[ok] = np.maximum(np.asarray(o), p) * f[ok]
    return unten, oben


def newcombe(zaehler1, nenner1, zaehler2, nenner2, faktor=100.0,
             niveau: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Interval of the difference p1 − p2 of two proportions (Newcombe 1998, method 10: hybrid
    of the two Wilson intervals), in units of ``faktor``. NaN where either Wilson interval is
    undefined. Treats the two years as independent samples, which is conservative for the same
    district's population in two years."""
    z1, n1, z2, n2 = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (zaehler1, nenner1, zaehler2, nenner2))
    l1, u1 = wilson(z1, n1, faktor, niveau)
    l2, u2 = wilson(z2, n2, faktor, niveau)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = z1 / n1 * faktor, z2 / n2 * faktor
    d = p1 - p2
    unten = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    oben = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return unten, oben


def lage_zur_stadt(ci_unten, ci_oben, stadtwert) -> np.ndarray:
    """"über" / "unter" when the district's interval lies entirely above / below the city value,
    "" when it contains it (no statement such as "deutlich über der Gesamtstadt" is supported)
    or when there is no interval."""
    u, o, s = (np.asarray(v, dtype=float) for v in (ci_unten, ci_oben, stadtwert))
    return np.where(u > s, "über", np.where(o < s, "unter", ""))


# --------------------------------------------------------------------------- basics


def r_kritisch(n: int, alpha: float = 0.05) -> float:
    """Smallest |r| with two-sided p < alpha in the t test of a correlation with n units."""
    if n < 3:
        raise ValueError(f"Für eine Korrelation werden mindestens 3 Einheiten gebraucht (n = {n}).")
    t = stats.t.ppf(1 - alpha / 2, n - 2)
    return float(t / math.sqrt(n - 2 + t * t))


def r_kritisch_korrigiert(n: int, m: int, alpha: float = 0.05) -> float:
    """Critical |r| for n units after correcting for ``m`` tests (Bonferroni level alpha / m, which
    is also the first – strictest – step of Holm's procedure)."""
    return r_kritisch(n, alpha / max(int(m), 1))


def _paar(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Complete pairs as float arrays (pairs with a missing value are left out, n shows it)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"x und y haben unterschiedlich viele Werte ({x.size} und {y.size}).")
    ok = ~(np.isnan(x) | np.isnan(y))
    return x[ok], y[ok]


def _r(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    """Pearson r along ``axis`` (vectorised; NaN for a constant vector)."""
    xm = x - x.mean(axis=axis, keepdims=True)
    ym = y - y.mean(axis=axis, keepdims=True)
    nenner = np.sqrt((xm * xm).sum(axis=axis) * (ym * ym).sum(axis=axis))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (xm * ym).sum(axis=axis) / nenner


def _raenge(a: np.ndarray, axis: int = -1) -> np.ndarray:
    return stats.rankdata(a, axis=axis)  # average ranks for ties, as in spearmanr


def koeffizient(x, y, methode: str = "pearson") -> float:
    """Pearson r or Spearman rho of the complete pairs."""
    x, y = _paar(x, y)
    if methode == "spearman":
        x, y = _raenge(x), _raenge(y)
    elif methode != "pearson":
        raise ValueError(f"Unbekannte Methode „{methode}“; erlaubt: {', '.join(METHODEN)}.")
    return float(_r(x, y))


def fisher_ci(r: float, n: int, niveau: float = 0.95) -> tuple[float, float]:
    """Fisher-z interval for Pearson r."""
    return _z_intervall(r, 1 / math.sqrt(n - 3), niveau)


def bonett_wright_ci(rho: float, n: int, niveau: float = 0.95) -> tuple[float, float]:
    """Bonett–Wright interval for Spearman rho: SE = sqrt((1 + rho²/2) / (n − 3)) on the z scale."""
    return _z_intervall(rho, math.sqrt((1 + rho * rho / 2) / (n - 3)), niveau)


def _z_intervall(r: float, se: float, niveau: float) -> tuple[float, float]:
    if not np.isfinite(r):
        return (math.nan, math.nan)
    q = stats.norm.ppf(0.5 + niveau / 2)
    z = math.atanh(max(min(r, 1 - 1e-15), -1 + 1e-15))
    return (math.tanh(z - q * se), math.tanh(z + q * se))


# --------------------------------------------------------------------------- resampling


def bootstrap_ci(
    x, y, methode: str = "pearson", n_resamples: int = N_BOOTSTRAP, seed: int = SEED, niveau: float = 0.95,
) -> dict:
    """Seeded percentile bootstrap of r over the units (pairs drawn with replacement).

    Resamples in which x or y is constant have no correlation and are not counted;
    ``n_gueltig`` says how many resamples were usable.
    """
    x, y = _paar(x, y)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(n_resamples, len(x)))
    xb, yb = x[idx], y[idx]
    if methode == "spearman":
        xb, yb = _raenge(xb, axis=1), _raenge(yb, axis=1)
    r = _r(xb, yb, axis=1)
    r = r[np.isfinite(r)]
    a = (1 - niveau) / 2
    unten, oben = (np.quantile(r, [a, 1 - a]) if len(r) else (math.nan, math.nan))
    return {"unten": float(unten), "oben": float(oben), "n_gueltig": int(len(r))}


def permutation_p(
    x, y, methode: str = "pearson", n_resamples: int = N_PERMUTATIONEN, seed: int = SEED,
    exakt_bis: int = EXAKT_BIS,
) -> dict:
    """Two-sided permutation p-value of r under random pairing of x and y: P(|r*| ≥ |r|).

    Uses ``scipy.stats.permutation_test`` with ``permutation_type="pairings"``,
    permuting x against fixed y. Exact when n! ≤ ``exakt_bis``, else a seeded
    Monte Carlo test with ``n_resamples`` random pairings.
    Returns ``p``, ``exakt`` (bool) and ``n_permutationen``.
    """
    x, y = _paar(x, y)
    if methode == "spearman":
        x, y = _raenge(x), _raenge(y)
    elif methode != "pearson":
        raise ValueError(f"Unbekannte Methode „{methode}“; erlaubt: {', '.join(METHODEN)}.")
    exakt = math.factorial(len(x)) <= exakt_bis

    # Two-sided as P(|r*| ≥ |r|): the statistic is |r| and the alternative "greater".
    # (scipy's alternative="two-sided" doubles the smaller tail instead, which differs
    # from the usual definition when the null distribution is not symmetric.)
    def statistik(xp, axis=-1):
        return np.abs(_r(xp, np.broadcast_to(y, xp.shape), axis=axis))

    res = stats.permutation_test(
        (x,), statistik, permutation_type="pairings", vectorized=True,
        n_resamples=exakt_bis if exakt else n_resamples,
        alternative="greater", rng=np.random.default_rng(seed),
    )
    return {"p": float(res.pvalue), "exakt": exakt, "n_permutationen": int(len(res.null_distribution))}


# --------------------------------------------------------------------------- one pair, many pairs


def korrelation(x, y, methode: str = "pearson", seed: int = SEED,
                n_resamples: int = N_PERMUTATIONEN, n_bootstrap: int = N_BOOTSTRAP,
                mindest_n: int = MINDEST_N) -> dict:
    """Coefficient, analytic 95 % interval, bootstrap interval and permutation p of one pair.

    Keys: ``methode``, ``r``, ``ci_unten``, ``ci_oben`` (Fisher z for Pearson,
    Bonett–Wright for Spearman), ``boot_unten``, ``boot_oben``, ``p``, ``p_exakt``,
    ``p_asymptotisch`` (scipy's t-based p, for comparison only), ``n``,
    ``berechnet``. With fewer than ``mindest_n`` complete pairs (e.g. because
    district values are suppressed) nothing is computed: the values are NaN and
    ``berechnet`` is False.
    """
    xa, ya = _paar(x, y)
    n = len(xa)
    if n < max(mindest_n, 4):
        leer = dict.fromkeys(["r", "ci_unten", "ci_oben", "boot_unten", "boot_oben", "p", "p_asymptotisch"], math.nan)
        return {"methode": methode, **leer, "p_exakt": False, "n": n, "berechnet": False}
    r = koeffizient(xa, ya, methode)
    ci = fisher_ci(r, n) if methode == "pearson" else bonett_wright_ci(r, n)
    boot = bootstrap_ci(xa, ya, methode, n_bootstrap, seed)
    perm = permutation_p(xa, ya, methode, n_resamples, seed)
    asym = stats.pearsonr(xa, ya) if methode == "pearson" else stats.spearmanr(xa, ya)
    return {
        "methode": methode, "r": r, "ci_unten": ci[0], "ci_oben": ci[1],
        "boot_unten": boot["unten"], "boot_oben": boot["oben"],
        "p": perm["p"], "p_exakt": perm["exakt"], "p_asymptotisch": float(asym.pvalue), "n": n,
        "berechnet": True,
    }


def adjustieren(p: Sequence[float]) -> pd.DataFrame:
    """Holm and Benjamini–Hochberg adjusted p-values (statsmodels, methods named explicitly).

    Missing p-values (pairs not computed) stay missing and do not count as tests.
    """
    p = np.asarray(p, dtype=float)
    out = pd.DataFrame({"p_holm": np.full(len(p), np.nan), "p_bh": np.full(len(p), np.nan)})
    ok = ~np.isnan(p)
    if ok.any():
        out.loc[ok, "p_holm"] = multipletests(p[ok], method="holm")[1]
        out.loc[ok, "p_bh"] = multipletests(p[ok], method="fdr_bh")[1]
    return out


def korrelationen(
    werte: pd.DataFrame,
    paare: Sequence[tuple[str, str]],
    methoden: Sequence[str] = METHODEN,
    seed: int = SEED,
    n_resamples: int = N_PERMUTATIONEN,
    n_bootstrap: int = N_BOOTSTRAP,
    mindest_n: int = MINDEST_N,
) -> pd.DataFrame:
    """All pairs × methods for one wide table (rows = districts, columns = indicators).

    p-values are adjusted per method across all computed pairs (one family of tests
    per method: Pearson and Spearman are two analyses of the same hypotheses, not
    additional ones). Columns: ``x``, ``y``, ``methode``, ``r``, ``ci_unten``,
    ``ci_oben``, ``boot_unten``, ``boot_oben``, ``p``, ``p_exakt``,
    ``p_asymptotisch``, ``p_holm``, ``p_bh``, ``n``, ``r_krit`` (critical |r| for the
    pair's n), ``berechnet``.
    """
    zeilen = []
    for m in methoden:
        for x, y in paare:
            for spalte in (x, y):
                if spalte not in werte.columns:
                    raise KeyError(f"Indikator „{spalte}“ fehlt in der Wertetabelle (korrelationen.yml prüfen).")
            zeilen.append({"x": x, "y": y, **korrelation(werte[x], werte[y], m, seed, n_resamples, n_bootstrap,
                                                         mindest_n)})
    out = pd.DataFrame(zeilen)
    teile = []
    for _, g in out.groupby("methode", sort=False):
        teile.append(pd.concat([g.reset_index(drop=True), adjustieren(g["p"])], axis=1))
    out = pd.concat(teile, ignore_index=True)
    out["r_krit"] = [r_kritisch(n) if n >= 3 else math.nan for n in out["n"]]
    return out[["x", "y", "methode", "r", "ci_unten", "ci_oben", "boot_unten", "boot_oben",
                "p", "p_exakt", "p_asymptotisch", "p_holm", "p_bh", "n", "r_krit", "berechnet"]]


CSV_SPALTEN = ["x", "y", "methode", "r", "ci_unten", "ci_oben", "p", "p_holm", "p_bh", "n", "jahr"]


def csv_tabelle(tab: pd.DataFrame) -> pd.DataFrame:
    """The published ``korrelationen.csv`` (columns :data:`CSV_SPALTEN`)."""
    fehlend = [c for c in CSV_SPALTEN if c not in tab.columns]
    if fehlend:
        raise KeyError(f"Für korrelationen.csv fehlen die Spalten {', '.join(fehlend)}.")
    return tab[CSV_SPALTEN]


# --------------------------------------------------------------------------- regression and influence


def ols(x, y, niveau: float = 0.95, punkte: int = 50) -> dict:
    """OLS fit y ~ x with statsmodels and the confidence band of the mean.

    Returns ``steigung``, ``achsenabschnitt``, ``r2``, ``n`` and ``band`` (DataFrame with
    ``x``, ``fit``, ``ci_unten``, ``ci_oben`` on a grid over the range of x).
    """
    import statsmodels.api as sm

    x, y = _paar(x, y)
    res = sm.OLS(y, sm.add_constant(x)).fit()
    gitter = np.linspace(x.min(), x.max(), punkte)
    pred = res.get_prediction(sm.add_constant(gitter)).summary_frame(alpha=1 - niveau)
    band = pd.DataFrame({"x": gitter, "fit": pred["mean"].to_numpy(),
                         "ci_unten": pred["mean_ci_lower"].to_numpy(),
                         "ci_oben": pred["mean_ci_upper"].to_numpy()})
    return {"achsenabschnitt": float(res.params[0]), "steigung": float(res.params[1]),
            "r2": float(res.rsquared), "n": int(res.nobs), "band": band}


def einfluss(x, y, namen: Sequence[str]) -> pd.DataFrame:
    """Influence of each unit on the OLS fit and on Pearson r.

    Columns: ``stadtteil``, ``cooks_d``, ``hebel`` (hat value), ``stud_resid``
    (externally studentised residual), ``r_ohne`` (Pearson r without this unit),
    ``auffaellig`` (Cook's D > 4/n, a common rule of thumb). Units with a missing
    value are not part of the fit and are not listed.
    """
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import OLSInfluence

    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    ok = ~(np.isnan(xa) | np.isnan(ya))
    namen = np.asarray(list(namen), dtype=object)[ok]
    xa, ya = xa[ok], ya[ok]
    res = sm.OLS(ya, sm.add_constant(xa)).fit()
    inf = OLSInfluence(res)
    n = len(xa)
    r_ohne = [float(_r(np.delete(xa, i), np.delete(ya, i))) for i in range(n)]
    cooks = inf.cooks_distance[0]
    return pd.DataFrame({
        "stadtteil": namen, "cooks_d": cooks, "hebel": inf.hat_matrix_diag,
        "stud_resid": inf.resid_studentized_external, "r_ohne": r_ohne, "auffaellig": cooks > 4 / n,
    })


def loo_stabilitaet(x, y, namen: Sequence[str]) -> dict:
    """Range of Pearson r when each unit is left out once, and which unit moves r most."""
    e = einfluss(x, y, namen)
    r = koeffizient(x, y)
    i = (e["r_ohne"] - r).abs().idxmax()
    return {"r": r, "r_min": float(e["r_ohne"].min()), "r_max": float(e["r_ohne"].max()),
            "einflussreichster": e.loc[i, "stadtteil"], "r_ohne_einflussreichsten": float(e.loc[i, "r_ohne"])}


# --------------------------------------------------------------------------- pooled values


def gepoolte_summen(indikatoren: pd.DataFrame, katalog: pd.DataFrame, ids: Sequence[str],
                    jahre: Sequence[int]) -> pd.DataFrame:
    """Σ zaehler and Σ nenner per district and indicator over ``jahre`` (long table).

    Columns ``stadtteil``, ``indikator``, ``zaehler``, ``nenner``, ``wert``
    (Σ zaehler / Σ nenner × faktor), ``jahre`` (the years with data, "2016–2018"). A district with a suppressed
    year gets NaN (its pooled value could reveal the suppressed count).
    """
    kat = katalog.set_index("id")
    t = indikatoren[indikatoren["indikator"].isin(list(ids)) & indikatoren["jahr"].isin(list(jahre))
                    & (indikatoren["stadtteil"] != "Gesamtstadt")]
    fehlende_jahre = sorted(set(jahre) - set(t["jahr"]))
    if fehlende_jahre:
        raise KeyError(f"Für die gepoolte Auswertung fehlen die Jahre {', '.join(map(str, fehlende_jahre))}.")
    teile = []
    for i in ids:
        if pd.isna(kat.loc[i, "nenner"]):
            raise ValueError(f"Indikator „{i}“ hat keinen Nenner und kann nicht über Jahre gepoolt werden.")
        g = t[t["indikator"] == i].groupby("stadtteil", sort=False)
        gesperrt = g["gesperrt"].any() if "gesperrt" in t else False
        z = g["zaehler"].sum(min_count=1).where(~gesperrt)
        nn = g["nenner"].sum(min_count=1)
        mit = t[(t["indikator"] == i) & t["nenner"].notna()].groupby("stadtteil", sort=False)["jahr"]
        von, bis = mit.min().reindex(z.index), mit.max().reindex(z.index)
        teile.append(pd.DataFrame({"stadtteil": z.index, "indikator": i, "zaehler": z.to_numpy(),
                                   "nenner": nn.reindex(z.index).to_numpy(),
                                   "jahre": [("" if pd.isna(a) else str(int(a)) if a == b else f"{int(a)}–{int(b)}")
                                             for a, b in zip(von, bis)]}))
    out = pd.concat(teile, ignore_index=True) if teile else pd.DataFrame(
        columns=["stadtteil", "indikator", "zaehler", "nenner", "jahre"])
    out["wert"] = out["zaehler"] / out["nenner"] * out["indikator"].map(kat["faktor"]).astype(float)
    return out


def gepoolt(indikatoren: pd.DataFrame, katalog: pd.DataFrame, ids: Sequence[str],
            jahre: Sequence[int], reihenfolge: Sequence[str] | None = None) -> pd.DataFrame:
    """Pooled district rates over several years: Σ zaehler / Σ nenner × faktor (district × indicator).

    Pooling years per district (rather than stacking district-years as if they were
    independent units) keeps n = number of districts and smooths small counts
    (:func:`gepoolte_summen`).
    """
    s = gepoolte_summen(indikatoren, katalog, ids, jahre)
    out = s.pivot(index="stadtteil", columns="indikator", values="wert").reindex(columns=list(ids))
    out.columns.name = None
    if reihenfolge is not None:
        out = out.reindex(list(reihenfolge))
    out.index.name = "stadtteil"
    return out


# --------------------------------------------------------------------------- configuration


def lade_konfiguration(pfad, katalog: pd.DataFrame | None = None) -> dict:
    """Read ``korrelationen.yml`` and check it (ids against the catalog when given)."""
    from pathlib import Path

    import yaml

    from helpers.sozialindex import RegelFehler

    pfad = Path(pfad)
    try:
        cfg = yaml.safe_load(pfad.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise RegelFehler(f"{pfad.name}: Datei nicht lesbar ({err}).") from err
    if not isinstance(cfg, Mapping):
        raise RegelFehler(f"{pfad.name}: erwartet sind die Felder „bildung“ und „armut“.")
    ids = set(katalog["id"]) if katalog is not None else None
    for feld in ("bildung", "armut"):
        werte = cfg.get(feld)
        if not isinstance(werte, list) or not werte:
            raise RegelFehler(f"{pfad.name}, Feld „{feld}“: eine Liste von Indikator-ids angeben.")
        for i in werte:
            if ids is not None and i not in ids:
                raise RegelFehler(f"{pfad.name}, Feld „{feld}“: „{i}“ steht nicht in indikatoren.yml.")
    for m in cfg.get("methoden", METHODEN):
        if m not in METHODEN:
            raise RegelFehler(f"{pfad.name}, Feld „methoden“: „{m}“; erlaubt: {', '.join(METHODEN)}.")
    haupt = cfg.get("hauptpaar")
    if haupt is not None and (len(haupt) != 2 or haupt[0] not in cfg["bildung"] or haupt[1] not in cfg["armut"]):
        raise RegelFehler(f"{pfad.name}, Feld „hauptpaar“: „{haupt}“ – ein Bildungs- und ein Armutsindikator "
                          "aus den Listen oben.")
    einordnung = cfg.get("einordnung", {})
    if not isinstance(einordnung, Mapping) or any(i not in cfg["bildung"] + cfg["armut"] for i in einordnung):
        raise RegelFehler(f"{pfad.name}, Feld „einordnung“: je Indikator aus „bildung“ oder „armut“ eine "
                          "Einordnung angeben (z. B. „anteil_alleinerziehende: Familienstruktur“).")
    for feld in ("permutationen", "bootstrap", "seed", "mindest_n"):
        if feld in cfg and (not isinstance(cfg[feld], int) or cfg[feld] < 1):
            raise RegelFehler(f"{pfad.name}, Feld „{feld}“: „{cfg[feld]}“ ist keine positive ganze Zahl.")
    jahre = cfg.get("gepoolt", {}).get("jahre", 1)
    if not isinstance(jahre, int) or jahre < 1:
        raise RegelFehler(f"{pfad.name}, Feld „gepoolt.jahre“: „{jahre}“ ist keine positive ganze Zahl.")
    return cfg


def paare(cfg: Mapping) -> list[tuple[str, str]]:
    """All (bildung, armut) pairs of the configuration."""
    return [(b, a) for b in cfg["bildung"] for a in cfg["armut"]]


# --------------------------------------------------------------------------- sentences


def p_text(p: float) -> str:
    """A p-value for the reader: three decimals, "< 0,001" below that."""
    from helpers import format as fmt

    return "< 0,001" if p < 0.001 else fmt.zahl(p, 3)


#: Size of |r| in words, by upper bound (Cohen's conventions 0,1 / 0,3 / 0,5).
STAERKEN = ((0.1, "kein nennenswerter"), (0.3, "ein schwacher"), (0.5, "ein mittelstarker"))


def staerke(r: float) -> str:
    """Size of a correlation in words (:data:`STAERKEN`; from 0,5 on "ein starker")."""
    return next((wort for grenze, wort in STAERKEN if abs(r) < grenze), "ein starker")


def befund_paar(z: Mapping, titel_x: str, titel_y: str) -> str:
    """One plain German sentence on a correlation with its interval and tests.

    ``z`` is a row of :func:`korrelationen` (``r``, ``ci_unten``, ``ci_oben``, ``p``,
    ``p_holm``, ``n``, ``methode``).
    """
    from helpers import format as fmt

    zeichen = "r" if z["methode"] == "pearson" else "ρ"
    art = staerke(z["r"])
    richtung = "" if art == "kein nennenswerter" else ("positiver " if z["r"] > 0 else "negativer ")
    satz = (f"Zwischen „{titel_x}“ und „{titel_y}“ zeigt sich in den vorliegenden Daten {art} "
            f"{richtung}Zusammenhang ({zeichen} = {fmt.zahl(z['r'], 2)}; 95-%-Konfidenzintervall "
            f"{fmt.zahl(z['ci_unten'], 2)} bis {fmt.zahl(z['ci_oben'], 2)}; n = {int(z['n'])}). ")
    if z["ci_unten"] > 0 or z["ci_oben"] < 0:
        satz += "Das Intervall schließt null aus, "
    else:
        satz += "Das Intervall schließt null ein – auch kein oder ein gegenläufiger Zusammenhang ist mit den Daten vereinbar –, "
    def gleich(p):
        t = p_text(p)
        # Markdown: "\<" is a plain "<" (an unescaped one sends pandoc looking for an HTML tag)
        return f"p \\{t}" if t.startswith("<") else f"p = {t}"

    satz += f"der Permutationstest ergibt {gleich(z['p'])}"
    if z["p_holm"] < 0.05:
        satz += f", und der Zusammenhang bleibt nach der Holm-Korrektur für mehrere Tests auffällig ({gleich(z['p_holm'])})."
    else:
        satz += f"; nach der Holm-Korrektur für mehrere Tests ist er nicht auffällig ({gleich(z['p_holm'])})."
    return satz


def grenzen_text(n: int, r_krit: float) -> str:
    """What the correlation analysis cannot show, with the computed critical |r|."""
    from helpers import format as fmt

    return (
        f"**Was diese Auswertung nicht zeigen kann.** Verglichen werden {n} Stadtteile, nicht einzelne "
        f"Kinder oder Familien. Ein Zusammenhang zwischen Stadtteilen erlaubt keinen Schluss darauf, "
        f"dass dieselben Kinder arm sind und schlechtere Bildungschancen haben (ökologischer Fehlschluss). "
        f"Eine Korrelation belegt auch keine Ursache: Beide Merkmale können von Dritten abhängen, etwa von "
        f"der Wohnungs- und Bebauungsstruktur eines Stadtteils. Bei nur {n} Stadtteilen sind die Intervalle "
        f"breit; ein Koeffizient ist erst ab einem Betrag von {fmt.zahl(r_krit, 2)} zweiseitig auf dem "
        f"Fünf-Prozent-Niveau von null verschieden. Ein einzelner Stadtteil kann das Ergebnis spürbar "
        f"verschieben – deshalb zeigt der Bericht, wie sich der Koeffizient ändert, wenn jeweils ein "
        f"Stadtteil herausgenommen wird."
    )


def methoden_text(k: pd.DataFrame, n_stadtteile: int, kurz: Mapping[str, str], stichtag: str,
                  mindest_n: int = MINDEST_N, n_resamples: int = N_PERMUTATIONEN,
                  exakt_bis: int = EXAKT_BIS) -> str:
    """What was tested, the critical |r| for the number of districts and which pairs could not be evaluated.

    ``k``: Pearson rows of :func:`korrelationen` for one year.
    """
    from helpers import format as fmt

    paare = k[["x", "y"]].drop_duplicates()
    n_bildung, n_armut = paare["x"].nunique(), paare["y"].nunique()
    saetze = [f"Untersucht werden {len(paare)} Paare aus {n_bildung} Bildungs- und {n_armut} Armutsindikatoren "
              f"über die {n_stadtteile} Stadtteile am {stichtag}."]
    if n_stadtteile < max(mindest_n, 4):
        saetze.append(f"Mit {n_stadtteile} Stadtteilen ist eine Korrelationsanalyse nicht belastbar; ausgewertet wird "
                      f"erst ab {mindest_n} Stadtteilen mit veröffentlichten Werten.")
        return " ".join(saetze)
    r_krit = r_kritisch(n_stadtteile)
    saetze.append(
        f"Bei {n_stadtteile} Stadtteilen ist ein Korrelationskoeffizient erst ab einem Betrag von "
        f"**{fmt.zahl(r_krit, 2)}** zweiseitig auf dem Fünf-Prozent-Niveau von null verschieden (t-Verteilung mit "
        f"{n_stadtteile - 2} Freiheitsgraden); schwächere Zusammenhänge können allein durch Zufall entstehen.")
    m = int(k["berechnet"].sum())
    n_voll = int(k.loc[k["berechnet"], "n"].min()) if m else n_stadtteile
    if m > 1 and n_voll >= 3:
        saetze.append(
            f"Weil {m} Paare zugleich geprüft werden, muss nach der Korrektur für mehrere Tests das stärkste Paar "
            f"mindestens einen Betrag von **{fmt.zahl(r_kritisch_korrigiert(n_voll, m), 2)}** erreichen "
            f"(Niveau 5 % geteilt durch {m}, erster Schritt des Verfahrens nach Holm, bei n = {n_voll}).")
    if m and (k.loc[k["berechnet"], "n"] == n_stadtteile).all():
        saetze.append(
            f"Alle Koeffizienten beruhen auf allen {n_stadtteile} Stadtteilen.")
    kleiner = k[k["berechnet"] & (k["n"] < n_stadtteile)]
    if len(kleiner):
        n_min = int(kleiner["n"].min())
        saetze.append(
            f"Wo Stadtteilwerte aus Gründen des Datenschutzes gesperrt sind, gehen weniger Stadtteile ein und die "
            f"Schwelle steigt – bei {n_min} Stadtteilen auf {fmt.zahl(r_kritisch(n_min), 2)}. Gesperrt werden "
            "Stadtteile mit sehr wenigen Fällen, also eher solche mit niedrigen Werten; fehlen sie, kann das den "
            "Zusammenhang verzerren.")
    nicht = k[~k["berechnet"]]
    if len(nicht):
        saetze.append(
            f"Nicht ausgewertet {'wird' if len(nicht) == 1 else 'werden'} "
            f"{'das Paar' if len(nicht) == 1 else 'die Paare'} mit weniger als {mindest_n} veröffentlichten "
            "Stadtteilwerten: " + fmt.aufzaehlung(
                [f"„{kurz.get(x, x)}“ × „{kurz.get(y, y)}“ (n = {int(n)})"
                 for x, y, n in zip(nicht["x"], nicht["y"], nicht["n"])]) + ".")
    ok = k[k["berechnet"]]
    if len(ok):
        exakt = ok["n"].map(lambda n: math.factorial(int(n)) <= exakt_bis)
        teile = []
        if (~exakt).any():
            n_gross = int(ok.loc[~exakt, "n"].max())
            teile.append(f"für Paare mit mehr Stadtteilen aus {fmt.zahl(n_resamples)} zufälligen Zuordnungen (alle "
                         f"{fmt.zahl(math.factorial(n_gross))} möglichen Zuordnungen bei {n_gross} Stadtteilen "
                         "durchzurechnen wäre zu aufwendig)")
        if exakt.any():
            teile.insert(0, f"für Paare mit höchstens {max(n for n in range(1, 13) if math.factorial(n) <= exakt_bis)} "
                            "Stadtteilen exakt aus allen möglichen Zuordnungen")
        saetze.append("Die p-Werte stammen aus einem Permutationstest – " + " und ".join(teile)
                      + " – und werden für die Zahl der Tests nach Holm und nach Benjamini–Hochberg korrigiert.")
    return " ".join(saetze)


# --------------------------------------------------------------------------- tables and sentences on a whole analysis


#: Right-aligned columns of :func:`tabelle` (either coefficient sign).
TABELLE_RECHTS = ["r", "ρ", "95-%-KI", "Bootstrap-KI", "p", "p (Holm)", "p (BH)", "n"]


def _intervall(a: float, b: float) -> str:
    from helpers import format as fmt

    return "–" if math.isnan(a) else f"{fmt.zahl(a, 2)} bis {fmt.zahl(b, 2)}"


def _p_zelle(p: float) -> str:
    return "–" if math.isnan(p) else p_text(p)


def tabelle(k: pd.DataFrame, kurz: Mapping[str, str], zeichen: str = "r") -> pd.DataFrame:
    """Rows of :func:`korrelationen` (one method) as a German table; ``zeichen`` names the coefficient column."""
    from helpers import format as fmt

    return pd.DataFrame({
        "Bildung": [kurz[x] for x in k["x"]], "Armut": [kurz[y] for y in k["y"]],
        zeichen: [fmt.zahl(v, 2) if b else "nicht auswertbar" for v, b in zip(k["r"], k["berechnet"])],
        "95-%-KI": [_intervall(a, b) for a, b in zip(k["ci_unten"], k["ci_oben"])],
        "Bootstrap-KI": [_intervall(a, b) for a, b in zip(k["boot_unten"], k["boot_oben"])],
        "p": [_p_zelle(v) for v in k["p"]], "p (Holm)": [_p_zelle(v) for v in k["p_holm"]],
        "p (BH)": [_p_zelle(v) for v in k["p_bh"]], "n": [str(v) for v in k["n"]],
    })


def einordnung_tabelle(cfg: Mapping, kurz: Mapping[str, str]) -> pd.DataFrame:
    """What each indicator of the analysis measures (``einordnung`` of korrelationen.yml)."""
    e = cfg.get("einordnung", {})
    ids = list(cfg["bildung"]) + list(cfg["armut"])
    return pd.DataFrame({"Indikator": [kurz.get(i, i) for i in ids],
                         "Achse": ["Bildung/Betreuung"] * len(cfg["bildung"]) + ["Soziale Lage"] * len(cfg["armut"]),
                         "Was er misst": [e.get(i, "Bildung" if i in cfg["bildung"] else "Armut") for i in ids]})


def gepoolt_tabelle(pool: pd.DataFrame | None, kurz: Mapping[str, str]) -> pd.DataFrame:
    """:func:`tabelle` of the pooled Pearson rows, or a one-cell notice when there is no pooled analysis."""
    if pool is None:
        return pd.DataFrame({"Hinweis": ["Keine gepoolte Auswertung möglich."]})
    return tabelle(pool, kurz)


def befund(k: pd.DataFrame, kurz: Mapping[str, str], n: int = 3) -> list[str]:
    """Paragraphs on the correlations of one year: the ``n`` strongest Pearson pairs, how many pass the
    critical |r| and the corrections for multiple tests, and whether Spearman points the same way.

    ``k``: :func:`korrelationen` with both methods.
    """
    from helpers import format as fmt

    pe_ok = k[(k["methode"] == "pearson") & k["berechnet"]]
    staerkste = pe_ok.reindex(pe_ok["r"].abs().sort_values(ascending=False).index)
    absaetze = [befund_paar(z, kurz[z["x"]], kurz[z["y"]]) for _, z in staerkste.head(n).iterrows()]
    if len(pe_ok):
        n_holm = int((pe_ok["p_holm"] < 0.05).sum())
        n_bh = int((pe_ok["p_bh"] < 0.05).sum())
        n_krit = int((pe_ok["r"].abs() >= pe_ok["r_krit"]).sum())
        absaetze.append(
            f"Von {len(pe_ok)} ausgewerteten Paaren erreichen {n_krit} die kritische Schwelle für ihre Zahl an "
            f"Stadtteilen; nach der Holm-Korrektur bleiben {n_holm}, nach Benjamini–Hochberg {n_bh} auffällig."
        )
    else:
        absaetze.append("Mit den veröffentlichten Stadtteilwerten lässt sich kein Paar auswerten.")
    sp = k[(k["methode"] == "spearman") & k["berechnet"]].set_index(["x", "y"])["r"]
    gegen = [f"„{kurz[x]}“ × „{kurz[y]}“" for (x, y), r in pe_ok.set_index(["x", "y"])["r"].items()
             if (x, y) in sp.index and (r > 0) != (sp[(x, y)] > 0) and abs(r) >= 0.1]
    if len(sp):
        absaetze.append("Die Rangkorrelationen nach Spearman weisen " + (
            "bei allen Paaren mit nennenswertem Zusammenhang in dieselbe Richtung." if not gegen else
            f"bei {fmt.aufzaehlung(gegen)} in die Gegenrichtung – diese Zusammenhänge hängen an einzelnen Werten."))
    return absaetze


def gepoolt_text(pool: pd.DataFrame | None, pe_ok: pd.DataFrame, jahre: Sequence[int], n_stadtteile: int) -> str:
    """The pooled check in words: how many pairs, agreement with the Berichtsjahr, Holm.

    ``pool``: pooled Pearson rows (None: no pooled analysis); ``pe_ok``: computed Pearson
    rows of the Berichtsjahr; ``n_stadtteile``: rows of the pooled value table.
    """
    from helpers import format as fmt

    if pool is None:
        return "Für eine gepoolte Auswertung über mehrere Jahre reichen die Daten nicht aus."
    pp = pool.set_index(["x", "y"])
    beide = pp[pp["berechnet"]].join(pe_ok.set_index(["x", "y"])["r"].rename("r_jahr"), how="inner")
    satz = (f"Gepoolt über die Jahre {jahre[0]} bis {jahre[-1]} (je Stadtteil die Summe der Fälle durch "
            f"die Summe der Bezugsgrößen, also weiterhin höchstens {n_stadtteile} Stadtteile) lassen sich "
            f"{int(pp['berechnet'].sum())} von {len(pp)} Paaren auswerten.")
    if len(beide):
        satz += (f" Von den {len(beide)} Paaren, die in beiden Auswertungen vorliegen, weisen "
                 f"{int(((beide['r'] > 0) == (beide['r_jahr'] > 0)).sum())} in dieselbe Richtung wie im Berichtsjahr; "
                 f"die größte Abweichung der Koeffizienten beträgt "
                 f"{fmt.zahl(max(abs(fmt.gerundet(a, 2) - fmt.gerundet(b, 2)) for a, b in zip(beide['r'], beide['r_jahr'])), 2)}.")
    satz += f" Nach der Holm-Korrektur bleiben gepoolt {int((pp['p_holm'] < 0.05).sum())} Paare auffällig."
    return satz + (" Ein Stadtteil, dessen Wert in einem der Jahre gesperrt ist, erhält keinen gepoolten Wert, "
                   "weil sich der gesperrte Wert sonst zurückrechnen ließe.")


def ols_je_paar(werte: pd.DataFrame, pearson: pd.DataFrame) -> list[tuple[str, str, dict | None]]:
    """(education id, poverty id, :func:`ols` of education on poverty or None if not computed) per Pearson row."""
    return [(b, a, ols(werte[a], werte[b]) if ok else None)
            for b, a, ok in zip(pearson["x"], pearson["y"], pearson["berechnet"])]


def stabilitaet_tabelle(werte: pd.DataFrame, pearson: pd.DataFrame, kurz: Mapping[str, str]) -> pd.DataFrame:
    """Per computed Pearson pair: r, its range when one district is left out, the most influential
    district and the largest Cook's distance (a one-cell notice when no pair is computed)."""
    from helpers import format as fmt

    zeilen = []
    for b, a in pearson.loc[pearson["berechnet"], ["x", "y"]].itertuples(index=False):
        loo = loo_stabilitaet(werte[a], werte[b], werte.index)
        e = einfluss(werte[a], werte[b], werte.index)
        zeilen.append({"Bildung": kurz[b], "Armut": kurz[a], "r": fmt.zahl(loo["r"], 2),
                       "r ohne je einen Stadtteil": f"{fmt.zahl(loo['r_min'], 2)} bis {fmt.zahl(loo['r_max'], 2)}",
                       "Stadtteil mit der größten Änderung von r": loo["einflussreichster"],
                       "Größte Cook-Distanz (Stadtteil)": f"{fmt.zahl(e['cooks_d'].max(), 2)} "
                                                          f"({e.loc[e['cooks_d'].idxmax(), 'stadtteil']})"})
    return pd.DataFrame(zeilen) if zeilen else pd.DataFrame({"Hinweis": ["Kein Paar auswertbar."]})


# --------------------------------------------------------------------------- one pair in detail


@dataclass(frozen=True, eq=False)
class Paaranalyse:
    """One pair in detail: regression of the education indicator ``x`` on the poverty
    indicator ``y``, influence of each district and leave-one-out range of r
    (``fit``, ``einfluss``, ``loo`` are None when the pair could not be computed)."""

    x: str
    y: str
    zeile: pd.Series  # the Pearson row of :func:`korrelationen`
    werte: pd.DataFrame  # district × indicator
    fit: dict | None = None
    einfluss: pd.DataFrame | None = None
    loo: dict | None = None

    @property
    def berechnet(self) -> bool:
        return bool(self.zeile["berechnet"])

    @property
    def ohne_wert(self) -> list[str]:
        """Districts left out because one of the two values is suppressed."""
        return [s for s in self.werte.index if self.werte.loc[s, [self.x, self.y]].isna().any()]


def paaranalyse(werte: pd.DataFrame, pearson: pd.DataFrame, x: str, y: str) -> Paaranalyse:
    """:class:`Paaranalyse` of the pair (``x`` education, ``y`` poverty) from the Pearson rows of :func:`korrelationen`."""
    zeile = pearson.set_index(["x", "y"]).loc[(x, y)]
    if not zeile["berechnet"]:
        return Paaranalyse(x, y, zeile, werte)
    return Paaranalyse(x, y, zeile, werte, fit=ols(werte[y], werte[x]),
                       einfluss=einfluss(werte[y], werte[x], werte.index),
                       loo=loo_stabilitaet(werte[y], werte[x], werte.index))


def paar_hinweis(pa: Paaranalyse, kurz: Mapping[str, str]) -> str:
    """Why the pair cannot be analysed."""
    return (f"Das Paar „{kurz[pa.x]}“ × „{kurz[pa.y]}“ lässt sich nicht auswerten: Nur {int(pa.zeile['n'])} "
            "Stadtteile haben veröffentlichte Werte.")


def paar_text(pa: Paaranalyse, kurz: Mapping[str, str], einheit: Mapping[str, str],
              nicht_gezeigt: Sequence[str] = ()) -> str:
    """The pair in words: correlation, districts left out, slope and R², leave-one-out range and
    influential districts (or :func:`paar_hinweis`). ``nicht_gezeigt``: districts in the coefficient
    whose (suppressed) values are not drawn as points."""
    from helpers import format as fmt

    if not pa.berechnet:
        return paar_hinweis(pa, kurz)
    x, y, fit, loo = pa.x, pa.y, pa.fit, pa.loo
    auff = pa.einfluss.loc[pa.einfluss["auffaellig"], "stadtteil"].tolist()
    ohne = pa.ohne_wert
    gezeigt_satz = (f"{fmt.aufzaehlung(list(nicht_gezeigt))} {'geht' if len(nicht_gezeigt) == 1 else 'gehen'} in die "
                    f"Berechnung ein, {'wird' if len(nicht_gezeigt) == 1 else 'werden'} in der Abbildung aber nicht als "
                    f"Punkt gezeigt, weil {'sein Wert' if len(nicht_gezeigt) == 1 else 'ihre Werte'} aus Gründen des "
                    f"Datenschutzes gesperrt {'ist' if len(nicht_gezeigt) == 1 else 'sind'}. ") if nicht_gezeigt else ""
    je = "Je Prozentpunkt mehr bei" if einheit[y] == "%" else f"Je Einheit ({einheit[y]}) mehr bei"
    um = "Prozentpunkte" if einheit[x] == "%" else f"Einheiten ({einheit[x]})"
    return (
        befund_paar(pa.zeile.to_dict() | {"methode": "pearson"}, kurz[x], kurz[y]) + " "
        + (f"Nicht enthalten {'ist' if len(ohne) == 1 else 'sind'} {fmt.aufzaehlung(ohne)}, "
           + ("dessen Wert gesperrt ist. " if len(ohne) == 1 else "deren Werte gesperrt sind. ") if ohne else "")
        + gezeigt_satz
        + f"{je} „{kurz[y]}“ liegt „{kurz[x]}“ im Mittel um {fmt.zahl(abs(fit['steigung']), 2)} {um} "
        f"{'höher' if fit['steigung'] > 0 else 'niedriger'} (Bestimmtheitsmaß R² = {fmt.zahl(fit['r2'], 2)}). "
        f"Lässt man jeweils einen Stadtteil weg, liegt r zwischen {fmt.zahl(loo['r_min'], 2)} und "
        f"{fmt.zahl(loo['r_max'], 2)}; am stärksten verändert ihn {loo['einflussreichster']} "
        f"(ohne diesen Stadtteil r = {fmt.zahl(loo['r_ohne_einflussreichsten'], 2)}). "
        + (f"Einen großen Einfluss auf die Gerade (Cook-Distanz über 4/n) hat {fmt.aufzaehlung(auff)}."
           if auff else "Kein Stadtteil hat einen übergroßen Einfluss auf die Gerade (Cook-Distanz über 4/n).")
    )
