"""Distances between cells and sites: sparse pair tables, nearest site, threshold shares.

Distances are in **metres**, computed in **Lambert-93 (EPSG:2154)**: Euclidean by default,
multiplied by an optional ``detour_factor`` (e.g. 1.3, a common rule of thumb for the ratio of
street-network to straight-line distance), or read from a precomputed network table
(:class:`DistanceTable`). Memory grows with the pairs inside the catchment, never with
cells × sites.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from .errors import AnalysisInputError, as_values, as_xy, check_length, positive

__all__ = [
    "DistanceTable",
    "NearestSite",
    "ThresholdShares",
    "minutes_to_metres",
    "nearest_site",
    "pairs_within",
    "population_within",
]


@dataclass(frozen=True, eq=False)
class DistanceTable:
    """Sparse table of demand → supply distances (e.g. from a street-network router).

    Attributes
    ----------
    demand_index, supply_index : numpy.ndarray of int64
        Row indices into the demand (cell) and supply (site) arrays.
    distance_m : numpy.ndarray of float64
        Distance in metres for each pair (network or detoured Euclidean).
    n_demand, n_supply : int
        Sizes of the demand and supply arrays the indices refer to.
    """

    demand_index: NDArray[np.int64]
    supply_index: NDArray[np.int64]
    distance_m: NDArray[np.float64]
    n_demand: int
    n_supply: int

    @classmethod
    def from_arrays(
        cls,
        *,
        demand_index: ArrayLike,
        supply_index: ArrayLike,
        distance_m: ArrayLike,
        n_demand: int,
        n_supply: int,
    ) -> DistanceTable:
        """Validate and build a table from three parallel arrays (one row per pair)."""
        d = as_values("distance_m", distance_m, allow_empty=True)
        out = []
        for name, idx, n in (
            ("demand_index", demand_index, n_demand),
            ("supply_index", supply_index, n_supply),
        ):
            arr = np.asarray(idx)
            if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
                raise AnalysisInputError(name, "tableau d'indices entiers attendu.")
            check_length(name, arr, d.size, "distance_m")
            arr = arr.astype(np.int64)
            if arr.size and (arr.min() < 0 or arr.max() >= n):
                raise AnalysisInputError(name, f"indices attendus entre 0 et {n - 1}.")
            out.append(arr)
        return cls(out[0], out[1], d, int(n_demand), int(n_supply))

    def __len__(self) -> int:
        return int(self.distance_m.size)

    def within(self, max_distance_m: float) -> DistanceTable:
        """Pairs whose distance is at most ``max_distance_m`` metres (bound included)."""
        keep = self.distance_m <= max_distance_m
        return DistanceTable(
            self.demand_index[keep],
            self.supply_index[keep],
            self.distance_m[keep],
            self.n_demand,
            self.n_supply,
        )


def pairs_within(
    *,
    demand_xy: ArrayLike,
    supply_xy: ArrayLike,
    max_distance_m: float,
    detour_factor: float = 1.0,
    check_crs: bool = True,
) -> DistanceTable:
    """All (cell, site) pairs within ``max_distance_m`` metres, via a k-d tree.

    Parameters
    ----------
    demand_xy, supply_xy : array_like, shape (n, 2) and (m, 2)
        Cell and site coordinates, metres, Lambert-93 (EPSG:2154).
    max_distance_m : float
        Catchment radius in metres, bound included (``distance <= max_distance_m``).
    detour_factor : float
        Euclidean distances are multiplied by this factor (1.0 = straight line).
    check_crs : bool
        Reject coordinates outside the Lambert-93 extent of metropolitan France.

    Returns
    -------
    DistanceTable
        Sorted by demand index; ``distance_m`` is the detoured distance.
    """
    dxy = as_xy("demand_xy", demand_xy, check_crs=check_crs)
    sxy = as_xy("supply_xy", supply_xy, check_crs=check_crs)
    r = positive("max_distance_m", max_distance_m)
    f = positive("detour_factor", detour_factor)
    radius = r / f
    tree_d, tree_s = cKDTree(dxy), cKDTree(sxy)
    sp = tree_d.sparse_distance_matrix(tree_s, radius * (1 + 1e-9) + 1e-9, output_type="coo_matrix")
    di = sp.row.astype(np.int64)
    si = sp.col.astype(np.int64)
    # Recompute distances the same way everywhere (hypot of coordinate differences).
    d = np.hypot(dxy[di, 0] - sxy[si, 0], dxy[di, 1] - sxy[si, 1])
    if f != 1.0:
        d *= f
    keep = d <= r
    order = np.lexsort((si[keep], di[keep]))
    return DistanceTable(
        di[keep][order], si[keep][order], d[keep][order], dxy.shape[0], sxy.shape[0]
    )


@dataclass(frozen=True, eq=False)
class NearestSite:
    """Nearest site per cell: ``distance_m`` (metres, ``inf`` when none within reach) and
    ``site_index`` (-1 when none)."""

    distance_m: NDArray[np.float64]
    site_index: NDArray[np.int64]


def nearest_site(
    *,
    cell_xy: ArrayLike | None = None,
    site_xy: ArrayLike | None = None,
    detour_factor: float = 1.0,
    max_distance_m: float | None = None,
    distance_table: DistanceTable | None = None,
    check_crs: bool = True,
) -> NearestSite:
    """Distance from each cell to its nearest site (any set of sites).

    Parameters
    ----------
    cell_xy, site_xy : array_like, shape (n, 2) and (m, 2)
        Coordinates, metres, Lambert-93 (EPSG:2154). Not needed with ``distance_table``.
    detour_factor : float
        Multiplies Euclidean distances (ignored with ``distance_table``).
    max_distance_m : float, optional
        Search radius in metres; cells farther from every site get ``inf`` and index -1.
    distance_table : DistanceTable, optional
        Precomputed (network) distances; the nearest site is the one with the smallest entry.
    check_crs : bool
        Reject coordinates outside the Lambert-93 extent.

    Returns
    -------
    NearestSite
    """
    if distance_table is not None:
        t = distance_table
        if max_distance_m is not None:
            t = t.within(positive("max_distance_m", max_distance_m))
        if t.n_supply == 0:
            raise AnalysisInputError("distance_table", "aucun site (ensemble vide).")
        dist = np.full(t.n_demand, np.inf)
        idx = np.full(t.n_demand, -1, dtype=np.int64)
        order = np.lexsort((t.distance_m, t.demand_index))
        first = np.ones(order.size, dtype=bool)
        first[1:] = t.demand_index[order][1:] != t.demand_index[order][:-1]
        sel = order[first]
        dist[t.demand_index[sel]] = t.distance_m[sel]
        idx[t.demand_index[sel]] = t.supply_index[sel]
        return NearestSite(dist, idx)
    if cell_xy is None or site_xy is None:
        raise AnalysisInputError("site_xy", "coordonnées des carreaux et des sites requises.")
    cxy = as_xy("cell_xy", cell_xy, check_crs=check_crs)
    sxy = as_xy("site_xy", site_xy, check_crs=check_crs)
    f = positive("detour_factor", detour_factor)
    bound = np.inf
    if max_distance_m is not None:
        bound = positive("max_distance_m", max_distance_m) / f * (1 + 1e-12)
    d, i = cKDTree(sxy).query(cxy, k=1, distance_upper_bound=bound)
    found = np.isfinite(d)
    i = np.where(found, i, -1).astype(np.int64)
    d = np.where(found, d * f, np.inf)
    if max_distance_m is not None:
        far = d > max_distance_m
        d[far], i[far] = np.inf, -1
    return NearestSite(d, i)


def minutes_to_metres(minutes: ArrayLike, *, speed_kmh: float) -> NDArray[np.float64]:
    """Convert travel times (minutes) to distances (metres) at ``speed_kmh`` km/h.

    E.g. 15 min of walking at 4.5 km/h is 1 125 m. The speed must always be stated.
    """
    v = positive("speed_kmh", speed_kmh)
    m = as_values("minutes", np.atleast_1d(minutes), allow_empty=True)
    out = m * (v * 1000.0 / 60.0)
    return out if np.ndim(minutes) else out.reshape(())


@dataclass(frozen=True, eq=False)
class ThresholdShares:
    """Population living within each distance threshold.

    ``population[k]`` is the population at distance ``<= thresholds_m[k]`` (per band when the
    population is 2-D), ``share[k]`` that population divided by ``total`` (NaN when the total
    is 0).
    """

    thresholds_m: NDArray[np.float64]
    population: NDArray[np.float64]
    total: NDArray[np.float64]
    share: NDArray[np.float64]


def population_within(
    *, distance_m: ArrayLike, population: ArrayLike, thresholds_m: ArrayLike
) -> ThresholdShares:
    """Share of a target population living within given distance thresholds.

    Parameters
    ----------
    distance_m : array_like, shape (n,)
        Distance to the nearest site per cell, metres (``inf`` allowed: no site).
    population : array_like, shape (n,) or (n, n_bands)
        Target population per cell (e.g. children under 3), possibly by age band.
    thresholds_m : array_like, shape (k,)
        Thresholds in metres, bound included (e.g. ``[500, 1000, 2000]``, or
        :func:`minutes_to_metres` of walking times at a stated speed).

    Returns
    -------
    ThresholdShares
    """
    d = np.asarray(distance_m, dtype=np.float64)
    if d.ndim != 1 or np.isnan(d).any() or (d < 0).any():
        raise AnalysisInputError("distance_m", "distances positives ou nulles (ou inf) attendues.")
    pop = as_values("population", population, ndim=(1, 2))
    check_length("population", pop, d.size, "distance_m")
    t = as_values("thresholds_m", np.atleast_1d(thresholds_m))
    within = d[None, :] <= t[:, None]  # (k, n) booleans: cheap for a few thresholds
    popw = within.astype(np.float64) @ pop
    total = pop.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, popw / np.where(total > 0, total, 1.0), np.nan)
    share = np.minimum(share, 1.0)  # a matmul and a sum may round apart: never 100.0000001 %
    return ThresholdShares(t, popw, np.asarray(total, dtype=np.float64), share)
