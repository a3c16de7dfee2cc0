"""Cells → zones: population-weighted aggregation, equity measures, dasymetric distribution.

Zones are IRIS, QPV, quartiers or communes. The cell → zone link is either an index array
(``zone_index[c]`` = zone of cell *c*, -1 outside every zone; e.g. by cell centre, see
:func:`cell_zone_index`) or a sparse ``(n_cells, n_zones)`` weight matrix (e.g. the share of
each cell's area inside each zone, see :func:`cell_zone_area_weights`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import shapely
from numpy.typing import ArrayLike, NDArray

from .errors import AnalysisInputError, as_index, as_values, as_xy, check_length, positive
from .geometry import cell_squares

__all__ = [
    "DasymetricResult",
    "EquityResult",
    "ZoneAggregate",
    "aggregate_to_zones",
    "cell_zone_area_weights",
    "cell_zone_index",
    "dasymetric_distribute",
    "equity",
    "weighted_gini",
]


def _zone_matrix(
    n_cells: int,
    zone_index: ArrayLike | None,
    zone_weights: sp.sparray | sp.spmatrix | None,
    n_zones: int | None,
) -> sp.csr_array:
    """Sparse (n_cells, n_zones) membership matrix from either representation."""
    if (zone_index is None) == (zone_weights is None):
        raise AnalysisInputError("zone_index", "fournir zone_index ou zone_weights (un seul).")
    if zone_weights is not None:
        m = sp.csr_array(zone_weights, dtype=np.float64)
        if m.shape[0] != n_cells:
            raise AnalysisInputError(
                "zone_weights", f"{m.shape[0]} lignes au lieu de {n_cells} (une par carreau)."
            )
        if m.nnz and (not np.isfinite(m.data).all() or m.data.min() < 0):
            raise AnalysisInputError("zone_weights", "poids ≥ 0 finis attendus.")
        return m
    raw = np.asarray(zone_index)
    nz = int(n_zones) if n_zones is not None else (int(raw.max()) + 1 if raw.size else 0)
    idx = as_index("zone_index", raw, n=n_cells, reference="values", upper=max(nz, 1))
    inside = idx >= 0
    rows = np.flatnonzero(inside)
    return sp.csr_array(
        (np.ones(rows.size), (rows, idx[inside])), shape=(n_cells, nz), dtype=np.float64
    )


@dataclass(frozen=True, eq=False)
class ZoneAggregate:
    """Population-weighted zone means.

    ``values[z] = sum_c w_cz p_c v_c / sum_c w_cz p_c`` (NaN for a zone without population),
    ``population[z] = sum_c w_cz p_c``.
    """

    values: NDArray[np.float64]
    population: NDArray[np.float64]


def aggregate_to_zones(
    *,
    values: ArrayLike,
    population: ArrayLike,
    zone_index: ArrayLike | None = None,
    zone_weights: sp.sparray | sp.spmatrix | None = None,
    n_zones: int | None = None,
) -> ZoneAggregate:
    """Aggregate any per-cell result to zones, weighted by population.

    Parameters
    ----------
    values : array_like, shape (n_cells,)
        Per-cell result (e.g. accessibility, distance in metres).
    population : array_like, shape (n_cells,)
        Weighting population per cell (e.g. children under 3), ≥ 0.
    zone_index : array_like of int, shape (n_cells,), optional
        Zone of each cell, -1 for none.
    zone_weights : scipy sparse matrix, shape (n_cells, n_zones), optional
        Weight of each cell in each zone (e.g. area share).
    n_zones : int, optional
        Number of zones with ``zone_index`` (default: max index + 1).

    Returns
    -------
    ZoneAggregate
    """
    v = as_values("values", values, nonnegative=False)
    p = as_values("population", population)
    check_length("population", p, v.size, "values")
    m = _zone_matrix(v.size, zone_index, zone_weights, n_zones)
    pop = m.T @ p
    num = m.T @ (p * v)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(pop > 0, num / np.where(pop > 0, pop, 1.0), np.nan)
    return ZoneAggregate(out, pop)


def weighted_gini(*, values: ArrayLike, weights: ArrayLike) -> float:
    """Population-weighted Gini coefficient of non-negative values.

    ``G = sum_i sum_j w_i w_j |x_i - x_j| / (2 W² mean)`` with ``W = sum w`` and the weighted
    mean; computed in O(n log n) from the Lorenz curve. 0 = equal, → 1 = concentrated.
    NaN when the weighted mean is 0.
    """
    x = as_values("values", values)
    w = as_values("weights", weights)
    check_length("weights", w, x.size, "values")
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    total_w = w.sum()
    mass = w * x
    total_mass = mass.sum()
    if total_w <= 0 or total_mass <= 0:
        return float("nan")
    cum_mass = np.cumsum(mass)
    prev = cum_mass - mass
    # 1 - sum over the Lorenz trapezoids.
    return float(1.0 - np.sum(w * (prev + cum_mass)) / (total_w * total_mass))


@dataclass(frozen=True, eq=False)
class EquityResult:
    """Equity between QPV and the rest of the territory, and overall Gini.

    ``qpv_ratio = qpv_mean / non_qpv_mean`` (below 1: QPV residents are worse off; NaN when
    undefined). Means are population-weighted; QPV membership may be fractional.
    """

    qpv_mean: float
    non_qpv_mean: float
    qpv_ratio: float
    qpv_population: float
    non_qpv_population: float
    gini: float


def equity(*, values: ArrayLike, population: ArrayLike, qpv: ArrayLike) -> EquityResult:
    """QPV vs non-QPV population-weighted means, their ratio, and the weighted Gini.

    Parameters
    ----------
    values : array_like, shape (n,)
        Per-cell (or per-zone) result, ≥ 0 (e.g. accessibility).
    population : array_like, shape (n,)
        Population per cell (or zone).
    qpv : array_like of bool or float in [0, 1], shape (n,)
        Share of each cell's population living in a QPV.
    """
    v = as_values("values", values)
    p = as_values("population", population)
    q = as_values("qpv", np.asarray(qpv, dtype=np.float64))
    check_length("population", p, v.size, "values")
    check_length("qpv", q, v.size, "values")
    if q.max() > 1:
        raise AnalysisInputError("qpv", "part en QPV attendue entre 0 et 1.")
    pq, pn = p * q, p * (1.0 - q)
    a, b = float(pq.sum()), float(pn.sum())
    qm = float(pq @ v) / a if a > 0 else float("nan")
    nm = float(pn @ v) / b if b > 0 else float("nan")
    ratio = qm / nm if (np.isfinite(qm) and np.isfinite(nm) and nm > 0) else float("nan")
    return EquityResult(qm, nm, ratio, a, b, weighted_gini(values=v, weights=p))


def cell_zone_index(*, cell_xy: ArrayLike, zone_polygons: ArrayLike) -> NDArray[np.int64]:
    """Zone of each cell by its centre (metres, Lambert-93); -1 outside every zone.

    A centre on a shared border goes to the zone with the lowest index.
    """
    xy = as_xy("cell_xy", cell_xy, check_crs=False)
    zones = np.asarray(zone_polygons, dtype=object)
    out = np.full(xy.shape[0], -1, dtype=np.int64)
    if zones.size == 0:
        return out
    tree = shapely.STRtree(zones)
    cell_i, zone_i = tree.query(shapely.points(xy), predicate="intersects")
    order = np.lexsort((-zone_i, cell_i))  # last write wins: lowest zone index per cell
    out[cell_i[order]] = zone_i[order]
    return out


def cell_zone_area_weights(
    *,
    zone_polygons: ArrayLike,
    cell_xy: ArrayLike | None = None,
    cell_size_m: float = 200.0,
    cell_geometries: ArrayLike | None = None,
) -> sp.csr_array:
    """Share of each cell's area inside each zone, as a sparse ``(n_cells, n_zones)`` matrix.

    Cells are squares of ``cell_size_m`` metres around ``cell_xy`` or arbitrary polygons
    (``cell_geometries``), in Lambert-93. Rows sum to 1 for cells fully inside the zones.
    """
    if cell_geometries is not None:
        cells = np.asarray(cell_geometries, dtype=object)
    elif cell_xy is not None:
        cells = cell_squares(cell_xy, cell_size_m=positive("cell_size_m", cell_size_m))
    else:
        raise AnalysisInputError("cell_xy", "cell_xy ou cell_geometries requis.")
    zones = np.asarray(zone_polygons, dtype=object)
    tree = shapely.STRtree(zones)
    ci, zi = tree.query(cells, predicate="intersects")
    area = shapely.area(shapely.intersection(cells[ci], zones[zi]))
    cell_area = shapely.area(cells)
    if (cell_area <= 0).any():
        raise AnalysisInputError("cell_geometries", "carreaux d'aire nulle.")
    share = area / cell_area[ci]
    keep = share > 0
    return sp.csr_array(
        (share[keep], (ci[keep], zi[keep])), shape=(cells.size, zones.size), dtype=np.float64
    )


@dataclass(frozen=True, eq=False)
class DasymetricResult:
    """Zone totals distributed on cells.

    ``values`` has shape (n_cells, n_bands); ``unallocated`` (n_zones, n_bands) holds totals of
    zones containing no populated cell (not distributed, never silently lost).
    """

    values: NDArray[np.float64]
    unallocated: NDArray[np.float64]


def dasymetric_distribute(
    *,
    zone_totals: ArrayLike,
    cell_population: ArrayLike,
    zone_index: ArrayLike | None = None,
    zone_weights: sp.sparray | sp.spmatrix | None = None,
) -> DasymetricResult:
    """Distribute zone counts (e.g. IRIS population by age band) on cells by cell population.

    Dasymetric method with the cells' total population as ancillary variable:
    ``value[c, b] = sum_z T[z, b] * a[c, z] p[c] / sum_c' a[c', z] p[c']``, where ``T`` are the
    zone totals by band (census, by IRIS), ``p`` the cell population (e.g. INSEE Filosofi 200 m
    cells) and ``a[c, z]`` the cell → zone link: 1 when the cell's centre lies in *z*
    (``zone_index``) or the share of the cell's area in *z* (``zone_weights``). Each zone's
    totals are preserved exactly; each cell inherits its zone's age structure.

    Parameters
    ----------
    zone_totals : array_like, shape (n_zones,) or (n_zones, n_bands)
    cell_population : array_like, shape (n_cells,)
    zone_index, zone_weights : see :func:`aggregate_to_zones`.

    Returns
    -------
    DasymetricResult
    """
    t = as_values("zone_totals", zone_totals, ndim=(1, 2))
    t2 = t[:, None] if t.ndim == 1 else t
    p = as_values("cell_population", cell_population)
    m = _zone_matrix(p.size, zone_index, zone_weights, t2.shape[0])
    if m.shape[1] != t2.shape[0]:
        raise AnalysisInputError(
            "zone_totals",
            f"{t2.shape[0]} zones au lieu de {m.shape[1]} (colonnes de zone_weights).",
        )
    mp = m.multiply(p[:, None]).tocsr()  # a[c, z] p[c]
    denom = np.asarray(mp.sum(axis=0)).ravel()
    ok = denom > 0
    scale = np.where(ok, 1.0 / np.where(ok, denom, 1.0), 0.0)
    values = mp @ (t2 * scale[:, None])
    unallocated = np.where(ok[:, None], 0.0, t2)
    if t.ndim == 1:
        values, unallocated = values.ravel(), unallocated.ravel()
    return DasymetricResult(np.asarray(values), unallocated)
