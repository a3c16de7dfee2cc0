"""Validity of a spatial result: is enough of the declared supply located to compute it?

A zone blanche, a zone d'influence, a 2SFCA value per zone, a QPV / hors QPV ratio or a Gini
index computed on supply that is mostly « à localiser » is not a finding: it describes the
missing positions, not the territory. Every spatial result of the diagnostic therefore
carries a :class:`SupplyValidity` computed here, once, from the theme's **declared supply**
(every record of the theme in the CTG perimeter, « à localiser » and grouped records
included) and the part of it that has a position.

Rule (documented in ``docs/scenarios.md`` and in each result):

* the supply is measured in **places** when at least one declared record has a known
  capacity (share = located places / declared places of known capacity), and always in
  **lieux** (share = located lieux / declared lieux; a grouped record « 6 micro-crèches »
  counts as its 6 lieux, any other record as 1);
* the result is **calculable** only when every measure in use reaches
  :data:`MIN_LOCATED_SHARE` (80 %); otherwise it is « non calculable »: no percentage, no map
  of zones blanches, no equity ratio, no Gini — only the reason and the records to locate;
* nothing declared (no record of the theme in the CTG perimeter) is « non calculable » too.

Zones blanches smaller than :data:`MIN_WHITE_ZONE_POPULATION` person or made of fewer than
:data:`MIN_WHITE_ZONE_CELLS` cells (a single isolated 200 m cell) are not reported: they are
artefacts of the cell grid (a cell on the edge of the commune, a fraction of a person from
the dasymetric estimate), counted apart as « non retenues ».

Pure Python and numpy (no Django), like the rest of :mod:`maillage.analysis`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .errors import AnalysisInputError, check_length

__all__ = [
    "MIN_LOCATED_SHARE",
    "MIN_WHITE_ZONE_CELLS",
    "MIN_WHITE_ZONE_POPULATION",
    "SupplyValidity",
    "supply_validity",
]

#: Minimum share (0-1) of the declared supply (places and lieux) that must be located for a
#: spatial result to be computed. Below it the result is « non calculable ».
MIN_LOCATED_SHARE = 0.8

#: A zone blanche must hold at least this many people of the target public (persons).
MIN_WHITE_ZONE_POPULATION = 1.0

#: A zone blanche must be made of at least this many contiguous 200 m cells (a single
#: isolated cell is not reported).
MIN_WHITE_ZONE_CELLS = 2


@dataclass(frozen=True)
class SupplyValidity:
    """How much of a theme's declared supply is located, and whether that is enough.

    Attributes
    ----------
    computable : bool
        Every measure in use reaches ``min_share`` (and something is declared).
    unit : str
        ``"places"`` when capacities are known, else ``"lieux"``: the measure named first.
    share : float or None
        The binding share in [0, 1] (the lowest measure in use); ``None`` when nothing is
        declared.
    min_share : float
        Threshold applied (:data:`MIN_LOCATED_SHARE` by default).
    declared_places, located_places : int or None
        Places of the records of known capacity (``None`` when no capacity is known).
    declared_lieux, located_lieux : int
        Lieux (a grouped record counts its lieux).
    places_share, lieux_share : float or None
        Each measure on its own (``None`` when not defined).
    to_locate : tuple of int
        Indexes (into the input arrays) of the declared records without a position.
    """

    computable: bool
    unit: str
    share: float | None
    min_share: float
    declared_places: int | None
    located_places: int | None
    declared_lieux: int
    located_lieux: int
    places_share: float | None
    lieux_share: float | None
    to_locate: tuple[int, ...]


def supply_validity(
    *,
    located: ArrayLike,
    places: ArrayLike,
    lieux: ArrayLike | None = None,
    min_share: float = MIN_LOCATED_SHARE,
) -> SupplyValidity:
    """Validity of a result computed on a theme's declared supply.

    Parameters
    ----------
    located : array_like of bool, shape (n,)
        Whether each declared record has a position.
    places : array_like of float, shape (n,)
        Capacity of each record in places; NaN when unknown.
    lieux : array_like of int, shape (n,), optional
        Number of lieux each record stands for (grouped records); default 1 each.
    min_share : float
        Minimum located share in [0, 1] of each measure in use.

    Returns
    -------
    SupplyValidity
    """
    loc = np.asarray(located, dtype=bool).reshape(-1)
    n = loc.size
    try:
        cap = np.asarray(places, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise AnalysisInputError("places", "valeurs non numériques.") from exc
    check_length("places", cap, n, "located")
    if lieux is None:
        weight = np.ones(n, dtype=np.int64)
    else:
        raw = np.asarray(lieux, dtype=np.float64).reshape(-1)
        check_length("lieux", raw, n, "located")
        if n and (not np.isfinite(raw).all() or raw.min() < 1):
            raise AnalysisInputError("lieux", "nombre de lieux ≥ 1 attendu pour chaque fiche.")
        weight = raw.astype(np.int64)
    known = np.isfinite(cap)
    if known.any() and cap[known].min() < 0:
        raise AnalysisInputError("places", "valeurs négatives interdites.")
    if not 0 <= float(min_share) <= 1:
        raise AnalysisInputError("min_share", "part attendue entre 0 et 1.")

    declared_lieux = int(weight.sum())
    located_lieux = int(weight[loc].sum())
    lieux_share = located_lieux / declared_lieux if declared_lieux else None
    declared_places = located_places = None
    places_share = None
    if known.any():
        declared_places = int(round(cap[known].sum()))
        located_places = int(round(cap[known & loc].sum()))
        places_share = located_places / declared_places if declared_places else None
    shares = [s for s in (places_share, lieux_share) if s is not None]
    share = min(shares) if shares else None
    return SupplyValidity(
        computable=share is not None and share >= min_share,
        unit="places" if declared_places else "lieux",
        share=share,
        min_share=float(min_share),
        declared_places=declared_places,
        located_places=located_places,
        declared_lieux=declared_lieux,
        located_lieux=located_lieux,
        places_share=places_share,
        lieux_share=lieux_share,
        to_locate=tuple(int(i) for i in np.flatnonzero(~loc)),
    )
