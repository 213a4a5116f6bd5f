"""Disclosure control (statistische Geheimhaltung) for counts.

Applies to Merkmale of ``art: anzahl`` only (amounts such as m² are not about
persons). A *cell* is one value of a Merkmal for one district (or the city) in
one year; the city cell is the sum of the district cells.

**Tables and their equations.** A reader who sees the published cells knows two
kinds of equations and can subtract:

* *columns*: for every Merkmal and year, city = sum of the districts;
* *rows*: for every sum declared in the catalog (``summen:`` in ``indikatoren.yml``,
  e.g. ``hze_gesamt = hze_ambulant + hze_stationaer``), in every district and in
  the city, the whole = the sum of its parts.

So each declared sum spans a two-dimensional table – districts × parts, with the
district totals and the city values as margins – and Merkmale without a declared
sum are one-column tables.

**The rule.**

1. *Primary suppression.* A cell with a value from 1 to ``mindestfallzahl − 1``
   is suppressed, the city cell included. Zero is published (no one to protect).
2. *Secondary suppression.* Every row and every column that contains a suppressed
   cell must contain at least two, and at least one of them must not be a small
   count (a value of ``mindestfallzahl`` or more). Otherwise "total − published
   cells" gives the suppressed count away: with one suppressed cell directly, with
   only small ones through the bounds (with a threshold of 3, two suppressed cells
   adding up to 2 are both 1). As long as some line breaks this, one more cell of
   that line is suppressed: the smallest positive published *part* (in a column a
   district, in a row a part of the sum; ties: ``stadtteile.csv`` order, resp. the
   order of the parts in the catalog), and only if there is none, the line's total
   (city value, resp. the whole). Rows and columns are repeated until nothing
   changes (a fixpoint), because a cell added for a row may break its column and
   vice versa.
3. *Nested sums.* Where several declared sums share Merkmale (age groups: ``bev_u15``,
   ``bev_u18``, ``bev_gesamt`` …) the difference of two rows is again an equation
   (``bev_15_17 = bev_u18 − bev_u15``). For each district and year the system of all
   its rows is therefore checked for suppressed cells that it determines uniquely
   (linear algebra over the rows of that district, rank test); such a cell gets a
   further suppressed cell of the same district, chosen like above among the cells
   that actually make it undetermined.
4. *Rows and columns combined.* Who combines several rows and columns of a table and
   uses that a suppressed count is at least 1 (zeros are published) can sometimes pin
   a small count down exactly – e.g. two districts each with a small and a larger
   suppressed school type, linked through one column. For every two-dimensional table
   (a declared sum that shares no Merkmal with another one) and year the data layer
   computes which suppressed cells such an attacker can pin down: one linear program
   for many tables finds the bounds that are tight in every solution, and with those
   fixed, a cell is pinned if it lies on no cycle of suppressed cells. For every
   pinned small count one more cell is suppressed – from its row and column first –
   choosing the first in the usual order that leaves fewer small counts pinned.

Steps 2 to 4 are repeated until nothing changes. The result is the same on every run
(no randomness); the cost grows about linearly with the number of cells.

**Merkmale that are not delivered.** If exactly one Merkmal of a declared sum is
missing in a year (e.g. ``uebergaenge_sonstige``), it is derived as whole − parts
(or as the sum of the parts), protected like a delivered one and listed in the cell
table with ``abgeleitet = True`` (so that charts can show it); indicators use
delivered cells only. If more are missing, the missing ones count as unknown in
step 3.

**Data check.** :func:`pruefe_summen` verifies every declared sum in the delivered
data (and that derived Merkmale are not negative); a sum that does not hold is a
data error naming file, row, district, year and the difference.

**Limits.** No suppressed count can be read off a single row or column, nor off the
rows of one district, nor – in two-dimensional tables – be pinned down exactly by
combining rows, columns and the bound ≥ 1. Not prevented: *narrowing down* a value
(an attacker may learn that a suppressed cell lies between, say, 1 and 4: range
inference); exact recovery by combining nested sums (age groups) across districts
through their columns; relations that are not declared sums (e.g. the population
balance births − deaths + moves between two years, or a part without its
complementary part); differences between years or between overlapping tables.
A cell suppression with protection intervals optimised over all declared tables
(linear programming as in τ-ARGUS) would be the next step should real data
require it.

Indicators: a row is ``gesperrt`` if its zaehler or nenner cell is suppressed;
then ``wert`` and ``zaehler`` are withheld, and ``nenner`` too if its own cell is
suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.daten.fehler import Problem

STADT = "Gesamtstadt"
PRIMAER = "primär"
SEKUNDAER = "sekundär"
_TOL = 1e-9
_VERSUCHE = 12  # candidate cells tried per pinned small count (step 4) before taking the first
_LP_ZELLEN = 3000  # table cells per LP in step 4


# --------------------------------------------------------------------------- declared sums


def _relationen(summen: pd.DataFrame | None) -> list[tuple[str, tuple[str, ...]]]:
    if summen is None or len(summen) == 0:
        return []
    return [(str(g), tuple(t)) for g, t in zip(summen["ganzes"], summen["teile"])]


def _werte_je_merkmal_jahr(bestand: pd.DataFrame, merkmale: set, orte: list[str]) -> dict:
    """``{(merkmal, jahr): array over orte}`` (NaN where a district is missing) for the given Merkmale."""
    b = bestand.loc[bestand["merkmal"].isin(list(merkmale)), ["merkmal", "jahr", "stadtteil", "wert"]]
    if b.empty:
        return {}
    w = b.pivot_table(index=["merkmal", "jahr"], columns="stadtteil", values="wert", aggfunc="first",
                      observed=True).reindex(columns=orte)
    arr = w.to_numpy(dtype=float)
    return {(str(m), int(j)): arr[i] for i, (m, j) in enumerate(w.index)}


def _ableiten(werte: dict, relationen, jahre) -> list[tuple[int, str, int, np.ndarray]]:
    """Merkmale missing in a year that a declared sum determines: ``(relation, merkmal, jahr, values)``.

    A Merkmal counts as available in a year if it is delivered for every district.
    Repeated until nothing more can be derived (nested sums). ``werte`` is extended.
    """
    verfuegbar = {k for k, v in werte.items() if not np.isnan(v).any()}
    geliefert = set(werte)
    out = []
    neu = True
    while neu:
        neu = False
        for r, (g, teile) in enumerate(relationen):
            for j in jahre:
                fehlt = [m for m in (*teile, g) if (m, j) not in verfuegbar]
                if len(fehlt) != 1 or (fehlt[0], j) in geliefert:
                    continue  # nothing or too much missing; partly delivered is a data error
                m = fehlt[0]
                if m == g:
                    v = sum(werte[(t, j)] for t in teile)
                else:
                    v = werte[(g, j)] - sum(werte[(t, j)] for t in teile if t != m)
                werte[(m, j)] = v
                verfuegbar.add((m, j))
                geliefert.add((m, j))
                out.append((r, m, j, v))
                neu = True
    return out


def abgeleitete_zellen(bestand: pd.DataFrame, summen: pd.DataFrame | None, orte: Sequence[str]) -> pd.DataFrame:
    """District cells of Merkmale that are not delivered but follow from a declared sum.

    Columns ``merkmal``, ``jahr``, ``stadtteil``, ``wert``; empty if nothing is derived.
    """
    relationen = _relationen(summen)
    leer = pd.DataFrame({"merkmal": pd.Series(dtype="str"), "jahr": pd.Series(dtype="int64"),
                         "stadtteil": pd.Series(dtype="str"), "wert": pd.Series(dtype=float)})
    if not relationen:
        return leer
    orte = list(orte)
    werte = _werte_je_merkmal_jahr(bestand, {m for g, t in relationen for m in (g, *t)}, orte)
    jahre = sorted({int(j) for j in pd.unique(bestand["jahr"])})
    teile = [pd.DataFrame({"merkmal": m, "jahr": j, "stadtteil": orte, "wert": v})
             for _, m, j, v in _ableiten(werte, relationen, jahre)]
    if not teile:
        return leer
    out = pd.concat(teile, ignore_index=True)
    return out.astype({"merkmal": "str", "jahr": "int64", "stadtteil": "str", "wert": float})


def _zahl(x: float) -> str:
    if x < 0:
        return "−" + _zahl(-x)
    return str(int(x)) if float(x).is_integer() else f"{x}".replace(".", ",")


def _differenz(x: float) -> str:
    return ("+" if x > 0 else "−") + _zahl(abs(x))


def pruefe_summen(bestand: pd.DataFrame, summen: pd.DataFrame | None, orte: Sequence[str],
                  probleme: list[Problem], genutzt: set | frozenset = frozenset()) -> None:
    """Check the declared sums in the delivered data; append a Problem per defect.

    ``bestand``: clean long rows (``stadtteil``, ``jahr``, ``merkmal``, ``wert``, ``datei``,
    ``zeile``, optionally ``sp_wert`` = header of the value column). ``orte``: all
    districts. ``genutzt``: Merkmale whose completeness is checked elsewhere.

    Reported: a whole that differs from the sum of its parts (file and row of the whole,
    district, year, both values and the difference); a Merkmal of a sum that is delivered
    for some districts of a year but not all (its missing values would follow from the
    sum); a derived Merkmal that would be negative.
    """
    relationen = _relationen(summen)
    if not relationen or bestand.empty:
        return
    orte = list(orte)
    mitglieder = {m for g, t in relationen for m in (g, *t)}
    werte = _werte_je_merkmal_jahr(bestand, mitglieder, orte)
    jahre = sorted({j for _, j in werte})
    b = bestand[bestand["merkmal"].isin(list(mitglieder))]
    ort = b.set_index(["merkmal", "jahr", "stadtteil"]).sort_index()
    hat_sp = "sp_wert" in b.columns

    def stelle(m, j, s):
        r = ort.loc[(m, j, s)]
        if isinstance(r, pd.DataFrame):
            r = r.iloc[0]
        return str(r["datei"]), int(r["zeile"]), (str(r["sp_wert"]) if hat_sp else "wert")

    def summe_text(g, teile):
        return f"„{g}“ = " + " + ".join(f"„{t}“" for t in teile)

    # partly delivered Merkmale of a sum
    zu_summe = {}
    for g, t in relationen:
        for m in (g, *t):
            zu_summe.setdefault(m, summe_text(g, t))
    for (m, j), v in sorted(werte.items()):
        luecke = np.isnan(v)
        if luecke.any() and not luecke.all() and m not in genutzt:
            da = orte[int(np.flatnonzero(~luecke)[0])]
            fehlen = [o for o, x in zip(orte, luecke) if x]
            probleme.append(Problem(
                stelle(m, j, da)[0], None, "stadtteil", None,
                f"Für das Merkmal „{m}“ im Jahr {j} fehlen Stadtteile: {', '.join(fehlen)}. Es gehört zur Summe "
                f"{zu_summe[m]} (indikatoren.yml, „summen“); ein fehlender Wert ließe sich aus ihr berechnen "
                "und wäre nicht geschützt.",
                "Ergänzen Sie für jeden Stadtteil eine Zeile (mit 0, wenn es keinen Fall gibt)."))

    abgeleitet = {}
    for r, m, j, v in _ableiten(werte, relationen, jahre):
        g, teile = relationen[r]
        abgeleitet[(m, j)] = r
        for k in np.flatnonzero(v < 0):
            s = orte[k]
            quelle = g if m != g else teile[0]
            geliefert = (quelle, j) not in abgeleitet
            datei, zeile, sp = stelle(quelle, j, s) if geliefert else ("bestand/", None, None)
            probleme.append(Problem(
                datei, zeile, sp, _zahl(werte[(quelle, j)][k]) if geliefert else None,
                f"„{m}“ wird nicht geliefert und ergibt sich aus der Summe {summe_text(g, teile)} für {s} {j} "
                f"als {_zahl(v[k])}: Die gelieferten Teile sind größer als das Ganze.",
                "Prüfen Sie die Werte dieser Summe (gleicher Stichtag und Gebietsstand) oder liefern Sie "
                f"„{m}“ mit."))

    for r, (g, teile) in enumerate(relationen):
        for j in jahre:
            glieder = (g, *teile)
            if any((m, j) not in werte for m in glieder) or all((m, j) in abgeleitet for m in glieder):
                continue
            if any(abgeleitet.get((m, j)) == r for m in glieder):
                continue  # derived from this very sum: holds by construction
            ganz = werte[(g, j)]
            summe = np.sum([werte[(t, j)] for t in teile], axis=0)
            diff = ganz - summe
            for k in np.flatnonzero(np.abs(np.nan_to_num(diff)) > _TOL):
                s = orte[k]
                ort_m = next((m for m in glieder if (m, j) not in abgeleitet), g)
                datei, zeile, sp = stelle(ort_m, j, s)
                herkunft = [m for m in glieder if (m, j) in abgeleitet]
                zusatz = (f" („{'“, „'.join(herkunft)}“ ist nicht geliefert und aus einer anderen Summe abgeleitet.)"
                          if herkunft else "")
                teile_text = ", ".join(f"„{t}“ {_zahl(werte[(t, j)][k])}" for t in teile)
                probleme.append(Problem(
                    datei, zeile, sp, _zahl(werte[(ort_m, j)][k]),
                    f"Die Summe {summe_text(g, teile)} stimmt für {s} {j} nicht: „{g}“ ist {_zahl(ganz[k])}, "
                    f"die Teile ergeben {_zahl(summe[k])} ({teile_text}); Differenz {_differenz(diff[k])}."
                    + zusatz,
                    "Prüfen Sie diese Werte (gleicher Stichtag, gleicher Gebietsstand, keine fehlende Teilgruppe). "
                    "Gilt die Summe fachlich nicht, entfernen Sie sie aus „summen“ in indikatoren.yml."))


# --------------------------------------------------------------------------- cells


def zellen(bestand: pd.DataFrame) -> pd.DataFrame:
    """District cells plus city cells (sum of districts): merkmal, jahr, stadtteil, wert."""
    d = bestand[["merkmal", "jahr", "stadtteil", "wert"]]
    stadt = d.groupby(["merkmal", "jahr"], sort=False, observed=True)["wert"].sum().reset_index()
    stadt.insert(2, "stadtteil", STADT)
    return pd.concat([d, stadt], ignore_index=True)


class _Tabelle:
    """All cells as arrays, with a dense lookup (merkmal, jahr, ort) -> cell index."""

    def __init__(self, z: pd.DataFrame, orte: list[str]):
        m, self.merkmale = pd.factorize(z["merkmal"].astype("str"))
        self.merkmale = list(self.merkmale)
        self.jahre = sorted({int(j) for j in pd.unique(z["jahr"])})
        self.orte = [*orte, STADT]
        self.m = m.astype(np.int64)
        self.j = np.searchsorted(np.array(self.jahre), z["jahr"].to_numpy(dtype=np.int64))
        self.o = pd.Categorical(z["stadtteil"].astype("str"), categories=self.orte).codes.astype(np.int64)
        m_code = {mm: i for i, mm in enumerate(self.merkmale)}
        self.w = z["wert"].to_numpy(dtype=float)
        self.index = np.full((len(self.merkmale), len(self.jahre), len(self.orte)), -1, dtype=np.int64)
        self.index[self.m, self.j, self.o] = np.arange(len(z))
        self.code = m_code


def _linien(t: _Tabelle, ist_anzahl: np.ndarray, relationen) -> tuple[np.ndarray, ...]:
    """The equations as entries (line, cell), sorted by line and preference, and the number of lines.

    Columns: every anzahl Merkmal and year, districts + city (total: city, tie: district
    order). Rows: every declared sum, year and place (district or city) where all its
    Merkmale exist: parts + whole (total: whole, tie: order of the parts).
    """
    n_o = len(t.orte)
    sel = np.flatnonzero(ist_anzahl)
    sp_linie = t.m[sel] * len(t.jahre) + t.j[sel]
    _, sp_linie = np.unique(sp_linie, return_inverse=True)
    linie, zelle = [sp_linie], [sel]
    total, rang = [t.o[sel] == n_o - 1], [t.o[sel]]
    n_linien = int(sp_linie.max()) + 1 if len(sel) else 0
    for g, teile in relationen:
        glieder = [*teile, g]
        if not all(m in t.code for m in glieder):
            continue
        idx = t.index[[t.code[m] for m in glieder]]            # (k+1, jahre, orte)
        idx = idx.reshape(len(glieder), -1).T                   # (jahre*orte, k+1)
        idx = idx[(idx >= 0).all(axis=1)]
        k = len(glieder)
        linie.append(np.repeat(np.arange(len(idx)) + n_linien, k))
        zelle.append(idx.ravel())
        total.append(np.tile(np.arange(k) == k - 1, len(idx)))
        rang.append(np.tile(np.arange(k), len(idx)))
        n_linien += len(idx)
    linie, zelle, total, rang = (np.concatenate(x) for x in (linie, zelle, total, rang))
    # preference within a line: parts before the total, then smallest value, then order
    w = t.w[zelle]
    schluessel = np.where(total, w + (w.max() if len(w) else 0) + 1, w)
    ordnung = np.lexsort((rang, schluessel, linie))
    return linie[ordnung], zelle[ordnung], n_linien


def _zeilen_und_spalten(linie, zelle, n_linien, w, gesperrt, mindestfallzahl) -> np.ndarray:
    """Step 2 until stable (``gesperrt`` is updated in place); returns the cells added (bool)."""
    neu = np.zeros_like(gesperrt)
    gross = w >= mindestfallzahl
    while True:
        g = gesperrt[zelle]
        n = np.bincount(linie, weights=g, minlength=n_linien)
        n_gross = np.bincount(linie, weights=g & gross[zelle], minlength=n_linien)
        braucht = (n >= 1) & ((n == 1) | (n_gross == 0))
        if not braucht.any():
            return neu
        kand = braucht[linie] & ~g & (w[zelle] > 0)
        pos = np.flatnonzero(kand)
        if not len(pos):
            return neu
        # entries are sorted by line and preference: the first candidate of each line wins
        erste = pos[np.r_[True, linie[pos[1:]] != linie[pos[:-1]]]]
        wahl = np.unique(zelle[erste])
        wahl = wahl[~gesperrt[wahl]]
        if not len(wahl):
            return neu
        gesperrt[wahl] = True
        neu[wahl] = True


def _bloecke(relationen) -> list[list[int]]:
    """Groups of declared sums that share Merkmale (only groups of two or more matter)."""
    gruppe = list(range(len(relationen)))

    def wurzel(i):
        while gruppe[i] != i:
            gruppe[i] = gruppe[gruppe[i]]
            i = gruppe[i]
        return i

    for a in range(len(relationen)):
        for b in range(a):
            ma = {relationen[a][0], *relationen[a][1]}
            if ma & {relationen[b][0], *relationen[b][1]}:
                gruppe[wurzel(a)] = wurzel(b)
    out: dict[int, list[int]] = {}
    for i in range(len(relationen)):
        out.setdefault(wurzel(i), []).append(i)
    return [v for v in out.values() if len(v) > 1]


def _bestimmt(A: np.ndarray, unbekannt: np.ndarray) -> np.ndarray:
    """For stacked systems: which unknowns the rows ``A`` determine uniquely.

    ``A``: (rows, vars); ``unbekannt``: (n, vars) bool. Unknown i is determined iff the
    unit vector e_i lies in the row space of A restricted to the unknowns.
    """
    M = A[None, :, :] * unbekannt[:, None, :]
    _, s, vt = np.linalg.svd(M, full_matrices=True)
    rang = (s > 1e-9 * max(1.0, float(np.abs(A).max()))).sum(axis=1)
    drin = np.arange(vt.shape[1])[None, :] < rang[:, None]           # (n, k): rows of vt in the row space
    projektion = np.einsum("nk,nki->ni", drin.astype(float), vt ** 2)
    return unbekannt & (projektion > 1 - 1e-7)


def _verschachtelt(t: _Tabelle, relationen, bloecke, gesperrt: np.ndarray) -> np.ndarray:
    """Step 3: per place and year, suppressed cells that the nested sums determine; returns cells added.

    A Merkmal that is missing (not delivered, or not in that year) is an unknown that
    can never be published.
    """
    neu = np.zeros_like(gesperrt)
    for block in bloecke:
        ms = list(dict.fromkeys(m for r in block for m in (*relationen[r][1], relationen[r][0])))
        spalte = {m: i for i, m in enumerate(ms)}
        A = np.zeros((len(block), len(ms)))
        for z, r in enumerate(block):
            g, teile = relationen[r]
            A[z, spalte[g]] = 1.0
            A[z, [spalte[x] for x in teile]] = -1.0
        ist_ganzes = np.array([any(relationen[r][0] == m for r in block) for m in ms])
        fehlt = np.full(len(t.jahre) * len(t.orte), -1, dtype=np.int64)
        idx = np.stack([t.index[t.code[m]].ravel() if m in t.code else fehlt for m in ms], axis=1)  # (fälle, k)
        da = idx >= 0
        sicher = np.where(da, idx, 0)

        def lage(f):
            """(unknown, determined suppressed cells) of one place-year."""
            u = ~da[f] | gesperrt[sicher[f]]
            return u, _bestimmt(A, u[None])[0] & da[f]

        g = da & gesperrt[sicher]
        faelle = np.flatnonzero(g.any(axis=1))
        if not len(faelle):
            continue
        best = _bestimmt(A, ~da[faelle] | g[faelle]) & g[faelle]
        for f in faelle[best.any(axis=1)]:
            u, bestimmt = lage(f)
            while bestimmt.any():
                kand = [i for i in range(len(ms)) if da[f, i] and not u[i] and t.w[idx[f, i]] > 0]
                if not kand:
                    break
                kand.sort(key=lambda i: (ist_ganzes[i], t.w[idx[f, i]], i))
                wahl = kand[0]
                for i in kand:  # the first candidate that leaves fewer cells determined
                    u2 = u.copy()
                    u2[i] = True
                    if (_bestimmt(A, u2[None])[0] & da[f]).sum() < bestimmt.sum():
                        wahl = i
                        break
                gesperrt[idx[f, wahl]] = neu[idx[f, wahl]] = True
                u, bestimmt = lage(f)
    return neu


def _bruecken(n_knoten: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Edges (a[i], b[i]) of an undirected simple graph that lie on no cycle (bridges)."""
    nachbarn: list[list[tuple[int, int]]] = [[] for _ in range(n_knoten)]
    for e, (x, y) in enumerate(zip(a.tolist(), b.tolist())):
        nachbarn[x].append((y, e))
        nachbarn[y].append((x, e))
    tiefe = [-1] * n_knoten
    tief = [0] * n_knoten
    bruecke = np.zeros(len(a), dtype=bool)
    for start in range(n_knoten):
        if tiefe[start] >= 0:
            continue
        tiefe[start] = tief[start] = 0
        stapel = [(start, -1, iter(nachbarn[start]))]
        while stapel:
            v, kante, it = stapel[-1]
            weiter = False
            for u, e in it:
                if e == kante:
                    continue
                if tiefe[u] < 0:
                    tiefe[u] = tief[u] = tiefe[v] + 1
                    stapel.append((u, e, iter(nachbarn[u])))
                    weiter = True
                    break
                tief[v] = min(tief[v], tiefe[u])
            if weiter:
                continue
            stapel.pop()
            if stapel:
                eltern = stapel[-1][0]
                tief[eltern] = min(tief[eltern], tief[v])
                if tief[v] > tiefe[eltern]:
                    bruecke[kante] = True
    return bruecke


def _festgelegt(tabellen: list[tuple[np.ndarray, np.ndarray]], w: np.ndarray) -> list[np.ndarray]:
    """Suppressed cells of two-dimensional tables that an attacker can pin down exactly.

    Each table is a pair (cell indices, suppressed) of arrays places × members, the last
    place the city, the last member the whole. The attacker knows every published cell, all row and
    column equations and that a suppressed count is at least 1 (zeros are published).
    A cell is pinned if it has the same value in every solution: either its bound is
    tight in every solution – found for all tables with one homogenised LP that
    maximises the slack of all bounds at once (``x − τ ≥ s``, ``0 ≤ s ≤ 1``, ``τ ≥ 1``;
    at the optimum ``s = 0`` exactly for the always-tight bounds) – or, those fixed, it
    lies on no cycle of suppressed cells (a bridge of the graph rows–columns).
    Returns one bool array per table.
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    teile, n, n_eq = [], 0, 0
    for idx, g in tabellen:
        n_z, n_s = idx.shape
        zeile, spalte = np.nonzero(g)
        # rows: parts − whole = 0; columns: districts − city = 0
        k_zeile = np.where(np.arange(n_s) == n_s - 1, -1.0, 1.0)[None, :].repeat(n_z, axis=0)
        k_spalte = np.where(np.arange(n_z) == n_z - 1, -1.0, 1.0)[:, None].repeat(n_s, axis=1)
        wert = np.where(g, 0.0, w[idx])
        b = np.r_[-(k_zeile * wert).sum(axis=1), -(k_spalte * wert).sum(axis=0)]
        teile.append(dict(zeile=zeile, spalte=spalte, x0=n, eq0=n_eq, b=b, kz=k_zeile[zeile, spalte],
                          ks=k_spalte[zeile, spalte], n_z=n_z, n_s=n_s))
        n += len(zeile)
        n_eq += n_z + n_s
    ergebnis = [np.zeros(idx.shape, dtype=bool) for idx, _ in tabellen]
    if n == 0:
        return ergebnis
    # variables x (n), s (n), tau
    tau, i = 2 * n, np.arange(n)
    zeilen, spalten, werte = [], [], []
    for tb in teile:
        x = tb["x0"] + np.arange(len(tb["zeile"]))
        nb = np.flatnonzero(tb["b"])
        zeilen += [tb["eq0"] + tb["zeile"], tb["eq0"] + tb["n_z"] + tb["spalte"], tb["eq0"] + nb]
        spalten += [x, x, np.full(len(nb), tau)]
        werte += [tb["kz"], tb["ks"], -tb["b"][nb]]
    A_eq = csr_matrix((np.concatenate(werte), (np.concatenate(zeilen), np.concatenate(spalten))),
                      shape=(n_eq, 2 * n + 1))
    A_ub = csr_matrix((np.r_[-np.ones(n), np.ones(n), np.ones(n)], (np.r_[i, i, i], np.r_[i, n + i, np.full(n, tau)])),
                      shape=(n, 2 * n + 1))
    c = np.r_[np.zeros(n), -np.ones(n), 0.0]
    grenzen = np.r_[np.tile([0.0, np.inf], (n, 1)), np.tile([0.0, 1.0], (n, 1)), [[1.0, np.inf]]]
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(n), A_eq=A_eq, b_eq=np.zeros(n_eq), bounds=grenzen, method="highs")
    for tb, out in zip(teile, ergebnis):
        zeile, spalte = tb["zeile"], tb["spalte"]
        if res.status != 0:  # only for inconsistent data (checked before); then protect by assuming the worst
            out[zeile, spalte] = True
            continue
        eng = res.x[n + tb["x0"]:n + tb["x0"] + len(zeile)] < 0.5
        frei = ~eng
        brueck = _bruecken(tb["n_z"] + tb["n_s"], zeile[frei], tb["n_z"] + spalte[frei])
        fest = eng.copy()
        fest[np.flatnonzero(frei)[brueck]] = True
        out[zeile[fest], spalte[fest]] = True
    return ergebnis


def _stapelweise(tabellen: list[tuple[np.ndarray, np.ndarray]], w: np.ndarray) -> list[np.ndarray]:
    """:func:`_festgelegt` with many small tables per LP (few calls), but no huge LP (superlinear)."""
    out, stapel, groesse = [], [], 0
    for tb in tabellen:
        if stapel and groesse + tb[0].size > _LP_ZELLEN:
            out += _festgelegt(stapel, w)
            stapel, groesse = [], 0
        stapel.append(tb)
        groesse += tb[0].size
    if stapel:
        out += _festgelegt(stapel, w)
    return out


def _tabellen_2d(t: _Tabelle, relationen, bloecke, gesperrt: np.ndarray, primaer: np.ndarray) -> np.ndarray:
    """Step 4: in each two-dimensional table (a declared sum that shares no Merkmal with another)
    and year, no small count may be pinned down by combining rows, columns and the bound ≥ 1.

    For a pinned small cell one more cell is suppressed: from its row and column first,
    then from the rest of the table, in the usual preference (parts before totals,
    smallest value, order) the first that leaves fewer small cells pinned (at most
    ``_VERSUCHE`` tried), else the first. Returns the cells added.
    """
    neu = np.zeros_like(gesperrt)
    in_block = {r for bl in bloecke for r in bl}
    tabellen = []
    for r, (g, teile) in enumerate(relationen):
        if r in in_block or not all(m in t.code for m in (g, *teile)):
            continue
        codes = [t.code[m] for m in (*teile, g)]
        for j in range(len(t.jahre)):
            idx = t.index[codes, j, :].T                                   # (places, members)
            if not (idx < 0).any() and (primaer[idx] & gesperrt[idx]).any():
                tabellen.append(idx)
    w = t.w
    alle_fest = _stapelweise([(idx, gesperrt[idx]) for idx in tabellen], w)
    for idx, fest in zip(tabellen, alle_fest):
        klein = primaer[idx]
        fest = fest & klein
        while fest.any():
            z, sp = np.argwhere(fest)[0]
            frei = [(i, k) for i, k in np.argwhere(~gesperrt[idx] & (w[idx] > 0))]
            if not frei:
                break
            # its row and column first, then the rest of the table; within: usual preference
            frei.sort(key=lambda c: (c[0] != z and c[1] != sp, c[1] == idx.shape[1] - 1 or c[0] == idx.shape[0] - 1,
                                     w[idx[c]], c[0], c[1]))
            versuche = []
            for c in frei[:_VERSUCHE]:
                g = gesperrt[idx].copy()
                g[c] = True
                versuche.append((idx, g))
            # all trials in one LP: the first that leaves fewer small counts pinned, else the first
            ergebnis = [f & klein for f in _stapelweise(versuche, w)]
            k = next((k for k, f in enumerate(ergebnis) if f.sum() < fest.sum()), 0)
            wahl = tuple(frei[k])
            gesperrt[idx[wahl]] = neu[idx[wahl]] = True
            fest = ergebnis[k]
    return neu


def sperrmaske(bestand: pd.DataFrame, merkmale: pd.DataFrame, mindestfallzahl: int,
               reihenfolge: list[str] | None = None, summen: pd.DataFrame | None = None) -> pd.DataFrame:
    """Suppression of every cell, with the reason (see the module docstring).

    ``merkmale`` is the catalog table (``id``, ``art``); ``reihenfolge`` the district
    order for ties (default: order of first appearance); ``summen`` the declared sums
    (``Katalog.summen``: ``ganzes``, ``teile``). Returns the cells of :func:`zellen`
    plus derived cells, with ``gesperrt`` (bool), ``grund`` ('primär', 'sekundär' or
    '') and ``abgeleitet`` (bool: not delivered, follows from a declared sum).
    """
    # districts in the given order, then any others in order of appearance
    orte = list(dict.fromkeys([*(reihenfolge or []), *pd.unique(bestand["stadtteil"].astype("str"))]))
    orte = [s for s in orte if s != STADT]
    relationen = _relationen(summen)
    basis = bestand[["merkmal", "jahr", "stadtteil", "wert"]]
    abgeleitet = abgeleitete_zellen(basis, summen, orte)
    n_geliefert = len(basis)
    if len(abgeleitet):
        basis = pd.concat([basis.astype({"merkmal": "str", "stadtteil": "str"}), abgeleitet], ignore_index=True)
    z = zellen(basis)
    ist_abgeleitet = np.zeros(len(z), dtype=bool)
    if len(abgeleitet):
        ist_abgeleitet[n_geliefert:len(basis)] = True
        paare = set(zip(abgeleitet["merkmal"], abgeleitet["jahr"]))
        stadt = z.iloc[len(basis):]
        ist_abgeleitet[len(basis):] = [(m, j) in paare for m, j in zip(stadt["merkmal"], stadt["jahr"])]

    anzahl = set(merkmale.loc[merkmale["art"] == "anzahl", "id"])
    relationen = [r for r in relationen if all(m in anzahl for m in (r[0], *r[1]))]
    ist_anzahl = z["merkmal"].isin(anzahl).to_numpy()
    w = z["wert"].to_numpy(dtype=float)
    primaer = ist_anzahl & (w >= 1) & (w < mindestfallzahl)
    gesperrt = primaer.copy()

    t = _Tabelle(z, orte)
    linie, zelle, n_linien = _linien(t, ist_anzahl, relationen)
    bloecke = _bloecke(relationen)
    while True:
        _zeilen_und_spalten(linie, zelle, n_linien, w, gesperrt, mindestfallzahl)
        if bloecke and _verschachtelt(t, relationen, bloecke, gesperrt).any():
            continue
        if not _tabellen_2d(t, relationen, bloecke, gesperrt, primaer).any():
            break

    grund = np.where(primaer, PRIMAER, np.where(gesperrt, SEKUNDAER, ""))
    out = z.assign(gesperrt=gesperrt, grund=grund, abgeleitet=ist_abgeleitet)
    out["grund"] = out["grund"].astype("str")
    return out


def zusammenfassung(maske: pd.DataFrame) -> pd.DataFrame:
    """Suppressed cells per Merkmal and reason (for the methods chapter).

    Columns: merkmal, zellen (all cells), primaer, sekundaer (district and city cells).
    """
    g = maske.groupby("merkmal", sort=False, observed=True)
    return pd.DataFrame({
        "zellen": g.size(),
        "primaer": g["grund"].agg(lambda s: int((s == PRIMAER).sum())),
        "sekundaer": g["grund"].agg(lambda s: int((s == SEKUNDAER).sum())),
    }).reset_index()
