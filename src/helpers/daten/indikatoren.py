"""Indicator computation: one row per indicator × Stadtteil × Jahr, city included.

``wert = zaehler / nenner × faktor`` (``zaehler × faktor`` for absolute figures,
i.e. ``nenner: null``). The city row ("Gesamtstadt") uses the summed counts of
all districts – never the mean of district rates. Rows exist for every year in
which the zaehler (and the nenner, if any) is delivered. A nenner of 0 gives
``wert`` NaN (not suppressed: there is nothing to compute).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.daten.geheimhaltung import STADT

SPALTEN = ["stadtteil", "jahr", "indikator", "wert", "zaehler", "nenner", "gesperrt", "unsicher"]


def berechne(maske: pd.DataFrame, indikatoren: pd.DataFrame, mindestnenner: float,
             reihenfolge: list[str]) -> pd.DataFrame:
    """The indicator table with disclosure control applied.

    ``maske`` comes from :func:`helpers.daten.geheimhaltung.sperrmaske` (cells with
    ``wert`` and ``gesperrt``, city cells included), ``indikatoren`` is the catalog
    table, ``reihenfolge`` the district order. Sorted by catalog order, jahr,
    district order with the city last.
    """
    zellen = maske[["merkmal", "stadtteil", "jahr", "wert", "gesperrt"]]
    ind = indikatoren[["id", "zaehler", "nenner", "faktor"]].rename(columns={"id": "indikator"})
    z = ind.merge(zellen.rename(columns={"merkmal": "zaehler", "wert": "z", "gesperrt": "z_gesperrt"}),
                  on="zaehler")
    absolut = z["nenner"].isna().to_numpy()
    rel = z[~absolut].merge(
        zellen.rename(columns={"merkmal": "nenner", "wert": "n", "gesperrt": "n_gesperrt"}),
        on=["nenner", "stadtteil", "jahr"])
    ab = z[absolut].assign(n=np.nan, n_gesperrt=False)
    t = pd.concat([rel, ab], ignore_index=True)

    zz, nn, f = (t[c].to_numpy(dtype=float) for c in ("z", "n", "faktor"))
    with np.errstate(divide="ignore", invalid="ignore"):
        wert = np.where(np.isnan(nn), zz * f, np.where(nn > 0, zz / nn * f, np.nan))
    n_gesperrt = t["n_gesperrt"].to_numpy(dtype=bool)
    gesperrt = t["z_gesperrt"].to_numpy(dtype=bool) | n_gesperrt
    out = pd.DataFrame({
        "stadtteil": t["stadtteil"].astype("str"),
        "jahr": t["jahr"].astype("int64"),
        "indikator": t["indikator"].astype("str"),
        "wert": np.where(gesperrt, np.nan, wert),
        "zaehler": np.where(gesperrt, np.nan, zz),
        "nenner": np.where(n_gesperrt, np.nan, nn),
        "gesperrt": gesperrt,
        "unsicher": ~np.isnan(nn) & (nn < mindestnenner),
    })
    rang_ind = {k: i for i, k in enumerate(indikatoren["id"])}
    rang_st = {k: i for i, k in enumerate([*reihenfolge, STADT])}
    ordnung = np.lexsort((out["stadtteil"].map(rang_st).to_numpy(), out["jahr"].to_numpy(),
                          out["indikator"].map(rang_ind).to_numpy()))
    return out.iloc[ordnung].reset_index(drop=True)[SPALTEN]
