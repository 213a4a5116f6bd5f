"""Teil III and IV computed once: data and rule files in, one frozen object out.

The notebooks of Teil III (Stadtteilvergleich, Sozialindex, Bildung und Armut,
Handlungsbedarfe, Fazit), Teil IV (Wirkungsziele) and the Steckbriefe in the Anhang
all start from the same steps: standardise the key indicators against the city,
read the rule files (``regeln/*.yml``, see :mod:`helpers.regeln`), compute the social
index and its sensitivity, the correlations and the needs. :func:`teil3` reads the
rule files; :class:`Teil3` holds the inputs and computes each result on first use
(``functools.cached_property``), so a notebook pays only for what it shows and every
notebook gets the same numbers from the same code::

    t3 = auswertung.teil3(ctx)
    t3.std, t3.lage, t3.index, t3.rob, t3.korrelation.pearson, t3.uebersicht, ...

All results are pure functions of the fields (data tables, catalog, year, district
order, parsed rule files).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from helpers import bedarfe, plausibilitaet, sozialindex, statistik, vergleich, wirkungsziele

# --------------------------------------------------------------------------- Bildung und Armut


@dataclass(frozen=True, eq=False)
class Korrelationen:
    """The correlation analysis of ``korrelationen.yml`` (built by :func:`korrelationen`).

    ``tabelle``: all pairs × methods in the Berichtsjahr (:func:`helpers.statistik.korrelationen`
    plus ``jahr``); ``tabelle_pool``: the same on values pooled over ``pool_jahre``
    (methods suffixed ``_gepoolt``), None when the data do not cover those years.
    """

    cfg: Mapping
    optionen: Mapping  # seed, n_resamples, n_bootstrap, mindest_n
    werte: pd.DataFrame  # district × indicator in the Berichtsjahr: published values, suppressed ones NaN
    tabelle: pd.DataFrame
    pool_jahre: tuple[int, ...]
    werte_pool: pd.DataFrame | None
    tabelle_pool: pd.DataFrame | None
    zeigbar: pd.DataFrame | None = None  # published district × indicator values (points that may be shown)

    @property
    def punkte(self) -> pd.DataFrame:
        """The values that may be shown as points: published values, suppressed ones NaN."""
        return self.werte if self.zeigbar is None else self.zeigbar.reindex_like(self.werte)

    @property
    def nicht_gezeigt(self) -> dict[tuple[str, str], list[str]]:
        """Per pair: districts in the coefficient but not shown as points (suppressed values)."""
        p = self.punkte
        return {(x, y): [s for s in self.werte.index if p.loc[s, [x, y]].isna().any()
                         and self.werte.loc[s, [x, y]].notna().all()] for x, y in self.paare}

    @property
    def paare(self) -> list[tuple[str, str]]:
        return statistik.paare(self.cfg)

    @property
    def n(self) -> int:
        """Number of districts (rows of the value table)."""
        return len(self.werte)

    @property
    def r_krit(self) -> float:
        """Critical |r| for all districts (two-sided, 5 %)."""
        return statistik.r_kritisch(self.n)

    @property
    def pearson(self) -> pd.DataFrame:
        return self.tabelle[self.tabelle["methode"] == "pearson"]

    @property
    def pearson_ok(self) -> pd.DataFrame:
        """Pearson rows that could be computed (enough published district values)."""
        return self.pearson[self.pearson["berechnet"]]

    @property
    def spearman(self) -> pd.DataFrame:
        return self.tabelle[self.tabelle["methode"] == "spearman"]

    @property
    def pearson_pool(self) -> pd.DataFrame | None:
        t = self.tabelle_pool
        return None if t is None else t[t["methode"] == "pearson_gepoolt"]

    @property
    def alle(self) -> pd.DataFrame:
        """Berichtsjahr and pooled rows together (the content of ``korrelationen.csv``)."""
        if self.tabelle_pool is None:
            return self.tabelle
        return pd.concat([self.tabelle, self.tabelle_pool], ignore_index=True)

    @cached_property
    def haupt(self) -> statistik.Paaranalyse:
        """The main pair (``hauptpaar``, else the first pair) analysed in detail."""
        x, y = self.cfg.get("hauptpaar", self.paare[0])
        return statistik.paaranalyse(self.werte, self.pearson, x, y)


def optionen(cfg: Mapping) -> dict:
    """Test settings of ``korrelationen.yml`` with the module defaults of :mod:`helpers.statistik`."""
    return dict(seed=cfg.get("seed", statistik.SEED), n_resamples=cfg.get("permutationen", statistik.N_PERMUTATIONEN),
                n_bootstrap=cfg.get("bootstrap", statistik.N_BOOTSTRAP),
                mindest_n=cfg.get("mindest_n", statistik.MINDEST_N))


def pool_jahre(cfg: Mapping, jahr: int) -> tuple[int, ...]:
    """The years pooled for the check of the correlations (``gepoolt.jahre`` up to ``jahr``)."""
    n = cfg.get("gepoolt", {}).get("jahre", 1)
    return tuple(range(jahr - n + 1, jahr + 1))


def korrelationen(indikatoren: pd.DataFrame, katalog: pd.DataFrame, cfg: Mapping, jahr: int,
                  reihenfolge: Sequence[str] | None = None) -> Korrelationen:
    """All configured pairs in ``jahr`` and, where the data reach back far enough, pooled over years.

    Computed on the published values only: with n districts and the other n − 1 values
    published, a coefficient, slope or leave-one-out r that included a suppressed value
    could be solved for it. A district with a suppressed value leaves the pair.
    """
    opt = optionen(cfg)
    methoden = cfg.get("methoden", list(statistik.METHODEN))
    ids = cfg["bildung"] + cfg["armut"]
    paare = statistik.paare(cfg)
    werte = vergleich.matrix(indikatoren, jahr, ids, reihenfolge)
    zeigbar = werte
    k = statistik.korrelationen(werte, paare, methoden, **opt).assign(jahr=str(jahr))
    jahre = pool_jahre(cfg, jahr)
    werte_pool = k_pool = None
    if len(jahre) > 1 and set(jahre) <= set(indikatoren["jahr"]):
        werte_pool = statistik.gepoolt(indikatoren, katalog, ids, jahre, reihenfolge)
        k_pool = statistik.korrelationen(werte_pool, paare, methoden, **opt)
        k_pool = k_pool.assign(methode=k_pool["methode"] + "_gepoolt", jahr=f"{jahre[0]}-{jahre[-1]}")
        # pooling must never evaluate fewer districts than the single year
        n_jahr = k.set_index(["x", "y", "methode"])["n"]
        n_pool = k_pool.assign(methode=k_pool["methode"].str.removesuffix("_gepoolt")).set_index(["x", "y", "methode"])["n"]
        if (n_pool < n_jahr.reindex(n_pool.index)).any():
            k_pool = None
            werte_pool = None
    return Korrelationen(cfg=cfg, optionen=opt, werte=werte, tabelle=k, pool_jahre=jahre,
                         werte_pool=werte_pool, tabelle_pool=k_pool, zeigbar=zeigbar)


# --------------------------------------------------------------------------- Teil III


@dataclass(frozen=True, eq=False)
class Teil3:
    """Inputs of Teil III and every result computed from them (each once, on first use).

    A rule set that is None (only with ``teil3(ctx, optional=True)``) leaves the
    results that need it None.
    """

    indikatoren: pd.DataFrame
    katalog: pd.DataFrame  # indicator catalog (``ctx.katalog.indikatoren``)
    handlungsfelder: pd.DataFrame
    jahr: int
    reihenfolge: tuple[str, ...]
    cfg_index: Mapping | None  # sozialindex.yml
    cfg_korrelation: Mapping | None  # korrelationen.yml
    regeln_bedarfe: Sequence[Mapping] | None  # bedarfe.yml: regeln
    schwerpunkt: tuple[int, ...] = field(default=())  # bedarfe.yml: bildung_handlungsfelder
    sicherungen: Mapping | None = None  # bedarfe.yml: sicherungen
    indikatoren_intern: pd.DataFrame | None = None  # without disclosure control: safe statistics only
    warnungen: pd.DataFrame | None = None  # plausibility warnings (helpers.plausibilitaet)

    # ----------------------------------------------------------------- names

    @cached_property
    def kurz(self) -> dict[str, str]:
        """Short title per indicator id."""
        return vergleich.kurztitel(self.katalog)

    @cached_property
    def titel(self) -> dict[str, str]:
        """Full title per indicator id."""
        return dict(zip(self.katalog["id"], self.katalog["titel"]))

    @cached_property
    def einheit(self) -> dict[str, str]:
        """Unit per indicator id."""
        return dict(zip(self.katalog["id"], self.katalog["einheit"]))

    @cached_property
    def hf_titel(self) -> dict[int, str]:
        """Title per Handlungsfeld number."""
        return dict(zip(self.handlungsfelder["nr"], self.handlungsfelder["titel"]))

    @property
    def hf_nummern(self) -> list[int]:
        return self.handlungsfelder["nr"].tolist()

    def _mit_regeln(self, rechnung, cfg):
        """``rechnung(indikatoren, katalog, cfg, jahr, reihenfolge)``, or None without the rule file."""
        return None if cfg is None else rechnung(self.indikatoren, self.katalog, cfg, self.jahr, self.reihenfolge)

    # ----------------------------------------------------------------- Stadtteilvergleich

    @cached_property
    def std(self) -> pd.DataFrame:
        """Directed key indicators of every district against the city (:func:`helpers.vergleich.standardisieren`)."""
        ids = vergleich.gerichtete_kern_ids(self.katalog)
        return vergleich.standardisieren(self.indikatoren, self.katalog, self.jahr, ids, self.reihenfolge)

    @cached_property
    def lage(self) -> pd.DataFrame:
        """Mean directed deviation and counts per district (:func:`helpers.vergleich.gesamtlage`)."""
        return vergleich.gesamtlage(self.std)

    # ----------------------------------------------------------------- Sozialindex

    @cached_property
    def index(self) -> pd.DataFrame | None:
        """Status and dynamics index in the Berichtsjahr (:func:`helpers.sozialindex.sozialindex`)."""
        return self._mit_regeln(sozialindex.sozialindex, self.cfg_index)

    @cached_property
    def reihe(self) -> pd.DataFrame | None:
        """The index for every complete year (content of ``sozialindex.csv``)."""
        if self.cfg_index is None:
            return None
        return sozialindex.zeitreihe(self.indikatoren, self.katalog, self.cfg_index, reihenfolge=self.reihenfolge)

    @cached_property
    def sens(self) -> pd.DataFrame | None:
        """Rank and class of every district under every variant of the sensitivity analysis."""
        return self._mit_regeln(sozialindex.sensitivitaet, self.cfg_index)

    @cached_property
    def rob(self) -> pd.DataFrame | None:
        """Robustness of each district's class over the variants."""
        return None if self.sens is None else sozialindex.robustheit(self.sens)

    @property
    def n_varianten(self) -> int:
        """Number of variants of the sensitivity analysis, base included."""
        return int(self.sens["variante"].nunique())

    @property
    def status_ids(self) -> list[str]:
        """Components of the status index ([] without index rules)."""
        return [] if self.cfg_index is None else [e["id"] for e in self.cfg_index["status"]["indikatoren"]]

    # ----------------------------------------------------------------- Bildung und Armut

    @cached_property
    def index_stabil(self) -> pd.DataFrame | None:
        """The index with the stability of each class (:func:`helpers.sozialindex.stabilitaet`)."""
        if self.index is None:
            return None
        return sozialindex.stabilitaet(self.index, self.rob, self.cfg_index)

    @cached_property
    def korrelation(self) -> Korrelationen | None:
        """The correlations of ``korrelationen.yml`` (on the published values)."""
        if self.cfg_korrelation is None:
            return None
        return korrelationen(self.indikatoren, self.katalog, self.cfg_korrelation, self.jahr, self.reihenfolge)

    # ----------------------------------------------------------------- Handlungsbedarfe

    @cached_property
    def std_bedarfe(self) -> pd.DataFrame | None:
        """The indicators the needs rules refer to, standardised against the city."""
        if self.regeln_bedarfe is None:
            return None
        ids = bedarfe.benoetigte_indikatoren(self.regeln_bedarfe, self.katalog)
        return vergleich.standardisieren(self.indikatoren, self.katalog, self.jahr, ids, self.reihenfolge)

    @cached_property
    def pool_bedarfe(self) -> pd.DataFrame | None:
        """Published counts pooled over ``poolen_jahre`` years for the rates of the needs rules."""
        if self.regeln_bedarfe is None:
            return None
        n = int((self.sicherungen or {}).get("poolen_jahre", 1))
        jahre = list(range(self.jahr - n + 1, self.jahr + 1))
        kat = self.katalog.set_index("id")
        ids = [i for i in bedarfe.benoetigte_indikatoren(self.regeln_bedarfe, self.katalog) if pd.notna(kat.loc[i, "nenner"])]
        if n < 2 or not ids or not set(jahre) <= set(self.indikatoren["jahr"]):
            return None
        return statistik.gepoolte_summen(self.indikatoren, self.katalog, ids, jahre)

    @property
    def auffaellig(self) -> set:
        """(district, indicator) pairs flagged by the plausibility checks in the Berichtsjahr."""
        return set() if self.warnungen is None else plausibilitaet.auffaellig(self.warnungen, self.jahr)

    @cached_property
    def treffer(self) -> pd.DataFrame | None:
        """One row per needs rule and district that fired or came close (:func:`helpers.bedarfe.anwenden`)."""
        if self.regeln_bedarfe is None or self.index is None:
            return None
        return bedarfe.anwenden(self.regeln_bedarfe, self.std_bedarfe, self.index_stabil, self.katalog,
                                self.sicherungen, self.pool_bedarfe, self.auffaellig)

    @cached_property
    def uebersicht(self) -> pd.DataFrame | None:
        """District × Handlungsfeld: highest level of need (0 none, 1 erhöht, 2 hoch)."""
        if self.treffer is None:
            return None
        return bedarfe.uebersicht(self.treffer, self.reihenfolge, self.hf_nummern)


def _lade(ctx, optional: bool) -> dict:
    """Read the rule files of Teil III for ``ctx`` (see :func:`teil3`)."""
    from helpers.anhang import regel_datei
    from helpers.regeln import regeldatei

    kat = ctx.katalog.indikatoren

    def pfad(name: str) -> Path | None:
        return regel_datei(ctx.ordner, name) if optional else regeldatei(ctx.ordner, name)

    out = {"cfg_index": None, "cfg_korrelation": None, "regeln_bedarfe": None, "schwerpunkt": ()}
    if (p := pfad("sozialindex.yml")) is not None:
        out["cfg_index"] = sozialindex.lade_regeln(p)
        sozialindex.pruefe_regeln(out["cfg_index"], p.name, kat)
        sozialindex.pruefe_gewichte(out["cfg_index"], ctx.indikatoren, ctx.jahr, ctx.bericht.mindestnenner, p.name)
    if (p := pfad("korrelationen.yml")) is not None:
        out["cfg_korrelation"] = statistik.lade_konfiguration(p, kat)
    if (p := pfad("bedarfe.yml")) is not None:
        out["regeln_bedarfe"] = bedarfe.lade_regeln(p, kat, ctx.katalog.handlungsfelder["nr"].tolist())
        out["schwerpunkt"] = tuple(bedarfe.schwerpunkt(p))
        out["sicherungen"] = bedarfe.sicherungen(p)
    return out


def teil3(ctx, optional: bool = False) -> Teil3:
    """Teil III for a notebook context: the data of ``ctx`` and its rule files, read and checked.

    Rule files come from the data folder's ``regeln/`` first, else from the project's
    ``data/regeln/`` (:func:`helpers.regeln.regeldatei`); a missing or malformed file
    is an error. ``optional=True`` (Steckbriefe) uses :func:`helpers.anhang.regel_datei`
    instead: a rule file that is absent, or that belongs to the project's catalog while
    the data folder brings its own, is None.
    """
    return Teil3(indikatoren=ctx.indikatoren, katalog=ctx.katalog.indikatoren,
                 handlungsfelder=ctx.katalog.handlungsfelder, jahr=ctx.jahr,
                 reihenfolge=tuple(ctx.reihenfolge), indikatoren_intern=ctx.indikatoren_intern,
                 warnungen=plausibilitaet.fuer(ctx.daten), **_lade(ctx, optional))


# --------------------------------------------------------------------------- Teil IV


@dataclass(frozen=True, eq=False)
class Teil4:
    """The Wirkungsziele of ``wirkungsziele.yml`` assessed on the data."""

    indikatoren: pd.DataFrame
    katalog: pd.DataFrame
    cfg: Mapping
    bewertung: pd.DataFrame  # :func:`helpers.wirkungsziele.bewerten`

    @property
    def stadt(self) -> pd.DataFrame:
        """Targets for the city."""
        return self.bewertung[self.bewertung["ebene"] == wirkungsziele.STADT].reset_index(drop=True)

    @property
    def teile(self) -> pd.DataFrame:
        """Targets for the districts (one row per target and district)."""
        return self.bewertung[self.bewertung["ebene"] == "Stadtteil"].reset_index(drop=True)

    @property
    def einheit(self) -> dict[str, str]:
        """Unit per indicator id."""
        return dict(zip(self.katalog["id"], self.katalog["einheit"]))


def teil4(ctx) -> Teil4:
    """Read ``wirkungsziele.yml`` (data folder first) and assess every target on the data of ``ctx``."""
    from helpers.regeln import regeldatei

    kat = ctx.katalog.indikatoren
    cfg = wirkungsziele.lade_ziele(regeldatei(ctx.ordner, "wirkungsziele.yml"), kat)
    return Teil4(indikatoren=ctx.indikatoren, katalog=kat, cfg=cfg,
                 bewertung=wirkungsziele.bewerten(ctx.indikatoren, kat, cfg, ctx.reihenfolge))

