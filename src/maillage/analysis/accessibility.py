"""Floating catchment accessibility (2SFCA, E2SFCA, any distance decay) and CNAF coverage.

Units: distances in metres, coordinates in Lambert-93 (EPSG:2154). Accessibility is expressed
in supply units per demand unit (e.g. places per child); × 100 gives places per 100 children.

Method (Luo & Wang 2003, 2SFCA; Luo & Qi 2009, E2SFCA), with weight ``w(d)`` applied in both
steps, as in PySAL ``access`` (``access.fca.two_stage_fca``):

* step 1, for each site *j*: ``R_j = S_j / sum_{i : d_ij <= d0} w(d_ij) D_i``;
* step 2, for each cell *i*: ``A_i = sum_{j : d_ij <= d0} w(d_ij) R_j``.

Classic 2SFCA uses ``w = 1``; E2SFCA uses step weights given as bands
``[(upper_bound_m, weight), ...]``: a pair at distance *d* takes the weight of the first band
with ``d <= upper_bound_m`` (bound included, as ``access.weights.step_fn``) and 0 beyond the
last band.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ._kernels import grid_step_fca, pairs_fca
from .aggregate import ZoneAggregate, aggregate_to_zones
from .distance import DistanceTable, pairs_within
from .errors import AnalysisInputError, as_values, as_xy, check_length, positive
from .geometry import RegularGrid, detect_regular_grid

__all__ = [
    "AccessibilityResult",
    "CoverageResult",
    "coverage_rate",
    "coverage_rate_by_zone",
    "gaussian_decay",
    "gravity_decay",
    "two_step_fca",
]

Weights = Sequence[tuple[float, float]] | Callable[[NDArray[np.float64]], ArrayLike] | None


@dataclass(frozen=True, eq=False)
class AccessibilityResult:
    """Result of :func:`two_step_fca`.

    Attributes
    ----------
    values : numpy.ndarray, shape (n_cells,)
        Accessibility per demand point, supply units per demand unit (e.g. places per child).
        0 where no site is within reach (see ``unreached_mask``), never NaN.
    unreached_mask : numpy.ndarray of bool, shape (n_cells,)
        True for cells with no site within reach (PySAL ``access`` returns NaN there).
    idle_sites : numpy.ndarray of int64
        Indices of sites whose catchment holds no (weighted) demand: they contribute nothing
        (PySAL ``access`` returns an infinite ratio there).
    site_demand : numpy.ndarray, shape (n_sites,)
        Weighted demand inside each site's catchment (step 1 denominator).
    site_ratio : numpy.ndarray, shape (n_sites,)
        Supply / weighted demand per site (0 for idle sites).
    sites_in_reach : numpy.ndarray of int64, shape (n_cells,)
        Number of sites within reach of each cell.
    method : str
        ``"2SFCA"``, ``"E2SFCA"`` or ``"decay"`` (callable weights).
    engine : str
        ``"grid"`` (regular lattice, exact run-length sums) or ``"pairs"`` (sparse pair table).
    max_distance_m, detour_factor : float
        Catchment radius (metres) and detour factor used.
    """

    values: NDArray[np.float64]
    unreached_mask: NDArray[np.bool_]
    idle_sites: NDArray[np.int64]
    site_demand: NDArray[np.float64]
    site_ratio: NDArray[np.float64]
    sites_in_reach: NDArray[np.int64]
    method: str
    engine: str
    max_distance_m: float
    detour_factor: float

    @property
    def n_pairs(self) -> int:
        """Number of (cell, site) pairs within reach."""
        return int(self.sites_in_reach.sum())


def _parse_bands(
    weights: Sequence[tuple[float, float]], max_distance_m: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    try:
        arr = np.asarray([(float(b), float(w)) for b, w in weights], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AnalysisInputError(
            "weights", "suite de couples (borne_supérieure_m, poids) attendue."
        ) from exc
    if arr.shape[0] == 0:
        raise AnalysisInputError("weights", "au moins une tranche (borne_m, poids) attendue.")
    bounds, w = arr[:, 0], arr[:, 1]
    if not np.isfinite(arr).all() or (w < 0).any() or (bounds <= 0).any():
        raise AnalysisInputError("weights", "bornes > 0 et poids ≥ 0 finis attendus.")
    if (np.diff(bounds) <= 0).any():
        raise AnalysisInputError("weights", "bornes supérieures strictement croissantes attendues.")
    # Bands beyond the catchment radius are cut at max_distance_m.
    n = int(np.searchsorted(bounds, max_distance_m, side="left")) + 1
    bounds, w = bounds[:n].copy(), w[:n]
    bounds[-1] = min(bounds[-1], max_distance_m)
    return bounds, w


def _band_weight_fn(
    bounds: NDArray[np.float64], w: NDArray[np.float64]
) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    table = np.append(w, 0.0)

    def fn(d: NDArray[np.float64]) -> NDArray[np.float64]:
        return table[np.searchsorted(bounds, d, side="left")]

    return fn


def two_step_fca(
    *,
    demand_xy: ArrayLike | None,
    demand: ArrayLike,
    supply_xy: ArrayLike | None,
    supply: ArrayLike,
    max_distance_m: float,
    weights: Weights = None,
    detour_factor: float = 1.0,
    distance_table: DistanceTable | None = None,
    grid: RegularGrid | None = None,
    engine: str = "auto",
    check_crs: bool = True,
) -> AccessibilityResult:
    """Two-step floating catchment area accessibility (2SFCA, E2SFCA, distance decay).

    Parameters
    ----------
    demand_xy : array_like, shape (n, 2)
        Demand points (e.g. 200 m cell centres), metres, Lambert-93 (EPSG:2154). May be
        ``None`` with ``distance_table``.
    demand : array_like, shape (n,)
        Demand per point (e.g. children under 3), ≥ 0.
    supply_xy : array_like, shape (m, 2)
        Sites, metres, Lambert-93. May be ``None`` with ``distance_table``.
    supply : array_like, shape (m,)
        Supply per site (e.g. places), ≥ 0.
    max_distance_m : float
        Catchment radius in metres, bound included.
    weights : None, sequence of (upper_bound_m, weight), or callable
        ``None``: classic 2SFCA (weight 1). Bands: E2SFCA step weights, bound included, weight
        0 beyond the last band (e.g. ``[(1000, 1.0), (2000, 0.68), (3000, 0.22)]``). Callable:
        any vectorised decay ``f(distance_m) -> weight`` (see :func:`gaussian_decay`).
        Weights apply in both steps.
    detour_factor : float
        Euclidean distances are multiplied by this factor (e.g. 1.3).
    distance_table : DistanceTable, optional
        Precomputed (network) distances in metres, used instead of coordinates.
    grid : RegularGrid, optional
        Precomputed lattice of ``demand_xy`` (skips detection).
    engine : {"auto", "grid", "pairs"}
        ``auto`` uses the exact lattice engine for step weights on a regular grid, else pairs.
    check_crs : bool
        Reject coordinates outside the Lambert-93 extent (e.g. degrees passed as metres).

    Returns
    -------
    AccessibilityResult

    Notes
    -----
    Equal to PySAL ``access`` (``Access.two_stage_fca`` / ``enhanced_two_stage_fca`` with
    ``weights.step_fn``) to 1e-9, except that unreached cells get 0 (flagged) instead of NaN
    and idle sites contribute nothing instead of ``inf``.
    """
    r = positive("max_distance_m", max_distance_m)
    f = positive("detour_factor", detour_factor)
    dem = as_values("demand", demand)
    sup = as_values("supply", supply, allow_empty=True)
    if sup.size == 0:
        raise AnalysisInputError("supply", "aucun site fourni (ensemble vide).")
    if engine not in ("auto", "grid", "pairs"):
        raise AnalysisInputError("engine", "valeur attendue : « auto », « grid » ou « pairs ».")

    weight_fn: Callable[[NDArray[np.float64]], NDArray[np.float64]] | None
    bounds: NDArray[np.float64] | None
    bw: NDArray[np.float64] | None
    if weights is None:
        method, bounds, bw, weight_fn = "2SFCA", np.array([r]), np.array([1.0]), None
    elif callable(weights):
        method, bounds, bw = "decay", None, None
        user_fn = weights

        def checked_fn(d: NDArray[np.float64]) -> NDArray[np.float64]:
            w = np.asarray(user_fn(d), dtype=np.float64)
            if w.shape != d.shape or not np.isfinite(w).all() or (w < 0).any():
                raise AnalysisInputError("weights", "la fonction doit rendre des poids ≥ 0 finis.")
            return w

        weight_fn = checked_fn
    else:
        method = "E2SFCA"
        bounds, bw = _parse_bands(weights, r)
        weight_fn = _band_weight_fn(bounds, bw)

    if distance_table is not None:
        if not isinstance(distance_table, DistanceTable):
            raise AnalysisInputError("distance_table", "DistanceTable attendue.")
        check_length("demand", dem, distance_table.n_demand, "distance_table.n_demand")
        check_length("supply", sup, distance_table.n_supply, "distance_table.n_supply")
        reach = r if bounds is None else bounds[-1]
        table = distance_table.within(reach)
        values, site_demand, reach_count = pairs_fca(table, dem, sup, weight_fn)
        used = "pairs"
    else:
        if demand_xy is None or supply_xy is None:
            raise AnalysisInputError("supply_xy", "coordonnées requises sans distance_table.")
        dxy = as_xy("demand_xy", demand_xy, check_crs=check_crs)
        sxy = as_xy("supply_xy", supply_xy, check_crs=check_crs)
        check_length("demand", dem, dxy.shape[0], "demand_xy")
        check_length("supply", sup, sxy.shape[0], "supply_xy")
        if grid is not None:
            check_length("grid.col", grid.col, dxy.shape[0], "demand_xy")
        use_grid = bounds is not None and engine != "pairs"
        if use_grid and grid is None:
            grid = detect_regular_grid(dxy)
        if use_grid and grid is not None and bounds is not None and bw is not None:
            values, site_demand, reach_count = grid_step_fca(grid, dem, sxy, sup, bounds / f, bw)
            used = "grid"
        else:
            if engine == "grid":
                raise AnalysisInputError(
                    "engine",
                    "moteur « grid » impossible : carreaux hors grille régulière "
                    "ou poids non étagés.",
                )
            reach = r if bounds is None else bounds[-1]
            table = pairs_within(
                demand_xy=dxy,
                supply_xy=sxy,
                max_distance_m=reach,
                detour_factor=f,
                check_crs=False,
            )
            values, site_demand, reach_count = pairs_fca(table, dem, sup, weight_fn)
            used = "pairs"

    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(site_demand > 0, sup / site_demand, 0.0)
    return AccessibilityResult(
        values=values,
        unreached_mask=reach_count == 0,
        idle_sites=np.flatnonzero(site_demand <= 0).astype(np.int64),
        site_demand=site_demand,
        site_ratio=ratio,
        sites_in_reach=reach_count,
        method=method,
        engine=used,
        max_distance_m=r,
        detour_factor=f,
    )


def gaussian_decay(*, sigma_m: float) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """Gaussian decay ``exp(-d² / (2 σ²))`` (``f(0) = 1``, as ``access.weights.gaussian``)."""
    s = positive("sigma_m", sigma_m)
    return lambda d: np.exp(-0.5 * (np.asarray(d) / s) ** 2)


def gravity_decay(
    *, scale_m: float, beta: float = 1.0
) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """Gravity decay ``(1 + d / scale_m) ** -beta`` (finite at d = 0)."""
    sc = positive("scale_m", scale_m)
    b = positive("beta", beta)
    return lambda d: (1.0 + np.asarray(d) / sc) ** -b


def coverage_rate(*, places: ArrayLike, children_under_3: ArrayLike) -> float:
    """CNAF coverage rate of a territory: places per 100 children under 3.

    ``100 * sum(places) / sum(children_under_3)`` (CNAF « taux de couverture » of formal
    childcare, computed here from the places and children passed in; NaN-free: raises when
    there is no child).
    """
    p = as_values("places", np.atleast_1d(places), allow_empty=True)
    c = as_values("children_under_3", np.atleast_1d(children_under_3))
    total = float(c.sum())
    if total <= 0:
        raise AnalysisInputError("children_under_3", "aucun enfant de moins de 3 ans (total nul).")
    return 100.0 * float(p.sum()) / total


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """Coverage rate per zone through 2SFCA.

    ``zone_rate[z]`` is ``100 ×`` the 2SFCA accessibility (places per child) averaged over the
    cells of zone *z* weighted by children under 3 (NaN for zones without children);
    ``territory_rate`` is the same over all cells.
    """

    territory_rate: float
    zones: ZoneAggregate
    accessibility: AccessibilityResult

    @property
    def zone_rate(self) -> NDArray[np.float64]:
        return self.zones.values


def coverage_rate_by_zone(
    *,
    cell_xy: ArrayLike | None,
    children_under_3: ArrayLike,
    site_xy: ArrayLike | None,
    places: ArrayLike,
    max_distance_m: float,
    zone_index: ArrayLike | None = None,
    zone_weights: sp.sparray | sp.spmatrix | None = None,
    n_zones: int | None = None,
    weights: Weights = None,
    detour_factor: float = 1.0,
    distance_table: DistanceTable | None = None,
    check_crs: bool = True,
) -> CoverageResult:
    """CNAF coverage rate (places per 100 children under 3) per zone, through 2SFCA.

    Parameters
    ----------
    cell_xy, children_under_3 : cells (metres, Lambert-93) and children under 3 per cell.
    site_xy, places : childcare sites (metres, Lambert-93) and their places.
    max_distance_m, weights, detour_factor, distance_table, check_crs : see :func:`two_step_fca`.
    zone_index, zone_weights, n_zones : cell → zone mapping, see
        :func:`maillage.analysis.aggregate.aggregate_to_zones`.

    Returns
    -------
    CoverageResult
        Accessibility × 100, aggregated weighted by children under 3. When every site serves
        someone, the territory value equals :func:`coverage_rate` of the served places.
    """
    acc = two_step_fca(
        demand_xy=cell_xy,
        demand=children_under_3,
        supply_xy=site_xy,
        supply=places,
        max_distance_m=max_distance_m,
        weights=weights,
        detour_factor=detour_factor,
        distance_table=distance_table,
        check_crs=check_crs,
    )
    children = as_values("children_under_3", children_under_3)
    zones = aggregate_to_zones(
        values=acc.values * 100.0,
        population=children,
        zone_index=zone_index,
        zone_weights=zone_weights,
        n_zones=n_zones,
    )
    total = float(children.sum())
    territory = float(acc.values @ children) * 100.0 / total if total > 0 else float("nan")
    return CoverageResult(territory, zones, acc)
