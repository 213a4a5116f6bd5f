"""Disclosure control (statistische Geheimhaltung) for counts.

Applies to Merkmale of ``art: anzahl`` only (amounts such as m² are not about
persons). A *cell* is one value of a Merkmal for one district (or the city) in
one year; the city cell is the sum of the district cells.

1. **Primary suppression.** A cell with a value from 1 to ``mindestfallzahl − 1``
   is suppressed. This includes the city cell. Zero is published (no one to protect).
2. **Secondary suppression.** For each Merkmal and year whose city cell is
   published and that has at least one primarily suppressed district cell, one
   further district cell is suppressed: the smallest remaining positive one (ties:
   first in ``stadtteile.csv`` order). If there is none (all positive district
   cells are already suppressed) the city cell is suppressed instead.

Why this is enough against recovery by subtraction from the city total: after
step 2 the difference "city total − published districts" is the sum of at least
two suppressed cells, at least one of which is not bounded above by the rule
(a secondarily suppressed cell is at least ``mindestfallzahl``). With only one
unknown the difference would *be* the suppressed count. Why step 2 also applies
when two or more cells are already primarily suppressed: their values are known
to lie between 1 and ``mindestfallzahl − 1``, so the difference can still give
them away (with a threshold of 3, two suppressed cells whose difference is 2 are
both 1, a difference of 4 means both are 2). One added cell that is not bounded
above closes that gap.

Not covered (documented in the methods chapter): relations *between* Merkmale
(e.g. an age group = total minus the other age groups) and differences between
overlapping tables; full protection against those needs a linear-programming
cell suppression (e.g. τ-ARGUS) over declared table relations.

Indicators: a row is ``gesperrt`` if its zaehler or nenner cell is suppressed;
then ``wert`` and ``zaehler`` are withheld, and ``nenner`` too if its own cell is
suppressed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STADT = "Gesamtstadt"
PRIMAER = "primär"
SEKUNDAER = "sekundär"


def zellen(bestand: pd.DataFrame) -> pd.DataFrame:
    """District cells plus city cells (sum of districts): merkmal, jahr, stadtteil, wert."""
    d = bestand[["merkmal", "jahr", "stadtteil", "wert"]]
    stadt = d.groupby(["merkmal", "jahr"], sort=False, observed=True)["wert"].sum().reset_index()
    stadt.insert(2, "stadtteil", STADT)
    return pd.concat([d, stadt], ignore_index=True)


def sperrmaske(bestand: pd.DataFrame, merkmale: pd.DataFrame, mindestfallzahl: int,
               reihenfolge: list[str] | None = None) -> pd.DataFrame:
    """Suppression of every cell, with the reason.

    ``merkmale`` is the catalog table (``id``, ``art``); ``reihenfolge`` the district
    order for ties (default: order of first appearance). Returns the cells of
    :func:`zellen` with ``gesperrt`` (bool) and ``grund`` ('primär', 'sekundär' or '').
    """
    z = zellen(bestand)
    anzahl = set(merkmale.loc[merkmale["art"] == "anzahl", "id"])
    ist_anzahl = z["merkmal"].isin(anzahl).to_numpy()
    w = z["wert"].to_numpy(dtype=float)
    primaer = ist_anzahl & (w >= 1) & (w < mindestfallzahl)
    ist_stadt = (z["stadtteil"] == STADT).to_numpy()
    grund = np.where(primaer, PRIMAER, "").astype(object)

    key = ["merkmal", "jahr"]
    bez = z.loc[~ist_stadt, key].assign(p=primaer[~ist_stadt])
    n_prim = bez.groupby(key, sort=False, observed=True)["p"].sum().rename("n_prim")
    stadt = z.loc[ist_stadt, key].assign(stadt_prim=primaer[ist_stadt], idx=np.flatnonzero(ist_stadt))
    stadt = stadt.merge(n_prim.reset_index(), on=key, how="left")
    braucht = stadt[(stadt["n_prim"] > 0) & ~stadt["stadt_prim"]]

    if not braucht.empty:
        kand = z.loc[~ist_stadt & ~primaer & (w > 0), key + ["stadtteil", "wert"]]
        kand = kand.assign(idx=kand.index).merge(braucht[key], on=key)
        if reihenfolge is None:
            reihenfolge = list(dict.fromkeys(bestand["stadtteil"]))
        rang = {s: i for i, s in enumerate(reihenfolge)}
        kand["rang"] = kand["stadtteil"].map(rang)
        wahl = kand.sort_values(key + ["wert", "rang"], kind="stable").drop_duplicates(key, keep="first")
        grund[wahl["idx"].to_numpy()] = SEKUNDAER
        ohne = braucht.merge(wahl[key], on=key, how="left", indicator=True)
        ohne = ohne[ohne["_merge"] == "left_only"]
        grund[ohne["idx"].to_numpy()] = SEKUNDAER

    out = z.assign(gesperrt=grund != "", grund=grund)
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
