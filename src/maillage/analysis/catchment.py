"""Zones d'influence (catchments of sites) and zones blanches (cells without service).

Coordinates and polygons are in Lambert-93 (EPSG:2154), distances in metres. Cells are either
squares of ``cell_size_m`` metres (INSEE 200 m cells) given by their centres, or arbitrary
shapely polygons (``cell_geometries``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import shapely
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage
from scipy.sparse.csgraph import connected_components

from .distance import DistanceTable, nearest_site, pairs_within
from .errors import AnalysisInputError, as_values, as_xy, check_length, positive
from .geometry import detect_regular_grid

__all__ = ["Catchments", "WhiteZones", "catchments", "white_zones"]


class _Cells:
    """Cell shapes: squares around centres, or given polygons; unions of subsets."""

    def __init__(
        self, xy: NDArray[np.float64] | None, size_m: float, geometries: ArrayLike | None
    ) -> None:
        self.xy, self.size = xy, size_m
        self.geoms = None if geometries is None else np.asarray(geometries, dtype=object)

    def union(self, members: NDArray[np.int64]) -> shapely.Geometry:
        if members.size == 0:
            return shapely.Polygon()
        if self.geoms is not None:
            return shapely.union_all(self.geoms[members])
        # Merge squares of a row into rectangles first: far fewer shapes to union.
        assert self.xy is not None  # _cells() gives centres whenever geometries are absent
        xy = self.xy[members]
        order = np.lexsort((xy[:, 0], xy[:, 1]))
        x, y = xy[order, 0], xy[order, 1]
        tol = self.size * 1e-6
        brk = np.ones(x.size, dtype=bool)
        brk[1:] = (np.abs(y[1:] - y[:-1]) > tol) | (np.abs(x[1:] - x[:-1] - self.size) > tol)
        start = np.flatnonzero(brk)
        end = np.append(start[1:], x.size) - 1
        h = self.size / 2
        boxes = shapely.box(x[start] - h, y[start] - h, x[end] + h, y[start] + h)
        return shapely.union_all(boxes)


def _cells(
    cell_xy: ArrayLike | None, cell_size_m: float, cell_geometries: ArrayLike | None, n: int
) -> _Cells:
    if cell_geometries is not None:
        geoms = np.asarray(cell_geometries, dtype=object)
        check_length("cell_geometries", geoms, n, "population")
        return _Cells(None, 0.0, geoms)
    if cell_xy is None:
        raise AnalysisInputError("cell_xy", "cell_xy ou cell_geometries requis.")
    return _Cells(np.asarray(cell_xy, dtype=np.float64), positive("cell_size_m", cell_size_m), None)


def _groups(labels: NDArray[np.int64], n_groups: int) -> list[NDArray[np.int64]]:
    """Indices of items per label (labels < 0 dropped)."""
    valid = np.flatnonzero(labels >= 0)
    order = valid[np.argsort(labels[valid], kind="stable")]
    bounds = np.searchsorted(labels[order], np.arange(n_groups + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(n_groups)]


@dataclass(frozen=True, eq=False)
class Catchments:
    """Zones d'influence of sites.

    Attributes
    ----------
    polygons : numpy.ndarray of shapely geometries, shape (n_sites,)
        Union of the cells served by each site (Lambert-93); empty polygon when none.
    population : numpy.ndarray, shape (n_sites,) or (n_sites, n_bands)
        Population served per site (by age band when the population is 2-D).
    qpv_population : numpy.ndarray, same shape as ``population``
        Part of it living in QPV.
    qpv_share : numpy.ndarray, shape (n_sites,)
        Share of the served population (all bands) living in QPV; NaN when none served.
    cell_count : numpy.ndarray of int64, shape (n_sites,)
    cell_site : numpy.ndarray of int64 or None
        ``mode="nearest"``: site serving each cell (-1 when none within reach).
    pairs : DistanceTable or None
        ``mode="within"``: the (cell, site) pairs within reach.
    mode : str
    """

    polygons: NDArray[np.object_]
    population: NDArray[np.float64]
    qpv_population: NDArray[np.float64]
    qpv_share: NDArray[np.float64]
    cell_count: NDArray[np.int64]
    cell_site: NDArray[np.int64] | None
    pairs: DistanceTable | None
    mode: str


def catchments(
    *,
    cell_xy: ArrayLike | None,
    population: ArrayLike,
    site_xy: ArrayLike | None,
    max_distance_m: float,
    qpv: ArrayLike | None = None,
    mode: str = "nearest",
    cell_size_m: float = 200.0,
    cell_geometries: ArrayLike | None = None,
    detour_factor: float = 1.0,
    distance_table: DistanceTable | None = None,
    with_polygons: bool = True,
    check_crs: bool = True,
) -> Catchments:
    """Zones d'influence: the cells each site serves, their polygon and population.

    Parameters
    ----------
    cell_xy : array_like, shape (n, 2)
        Cell centres, metres, Lambert-93 (EPSG:2154).
    population : array_like, shape (n,) or (n, n_bands)
        Population per cell, possibly by age band.
    site_xy : array_like, shape (m, 2)
        Sites, metres, Lambert-93.
    max_distance_m : float
        Catchment radius in metres (bound included).
    qpv : array_like of bool or float in [0, 1], shape (n,), optional
        Share of each cell's population living in a QPV.
    mode : {"nearest", "within"}
        ``nearest``: each cell is served by its nearest site within reach (a partition, like
        Voronoi cells cut at the radius). ``within``: every cell within reach of a site
        (catchments overlap; a cell counts for each site).
    cell_size_m, cell_geometries : cell squares (metres) or arbitrary cell polygons.
    detour_factor, distance_table : see :func:`maillage.analysis.accessibility.two_step_fca`.
    with_polygons : bool
        Build the shapely polygons (skip for speed when only populations are needed).
    check_crs : bool
        Reject coordinates outside the Lambert-93 extent.

    Returns
    -------
    Catchments
    """
    pop = as_values("population", population, ndim=(1, 2))
    n = pop.shape[0]
    pop2 = pop[:, None] if pop.ndim == 1 else pop
    q = np.zeros(n) if qpv is None else as_values("qpv", np.asarray(qpv, dtype=np.float64))
    check_length("qpv", q, n, "population")
    if q.size and q.max() > 1:
        raise AnalysisInputError("qpv", "part en QPV attendue entre 0 et 1.")
    r = positive("max_distance_m", max_distance_m)
    if mode not in ("nearest", "within"):
        raise AnalysisInputError("mode", "valeur attendue : « nearest » ou « within ».")
    cxy: NDArray[np.float64] | None
    if distance_table is None:
        if cell_xy is None or site_xy is None:
            raise AnalysisInputError("site_xy", "coordonnées requises sans distance_table.")
        cxy = as_xy("cell_xy", cell_xy, check_crs=check_crs)
        sxy = as_xy("site_xy", site_xy, check_crs=check_crs)
        check_length("population", pop, cxy.shape[0], "cell_xy")
        n_sites = sxy.shape[0]
    else:
        cxy = None if cell_xy is None else as_xy("cell_xy", cell_xy, check_crs=check_crs)
        check_length("population", pop, distance_table.n_demand, "distance_table.n_demand")
        n_sites = distance_table.n_supply
        if n_sites == 0:
            raise AnalysisInputError("distance_table", "aucun site (ensemble vide).")

    cell_site = pairs = None
    if mode == "nearest":
        near = nearest_site(
            cell_xy=cxy,
            site_xy=None if distance_table else sxy,
            detour_factor=detour_factor,
            max_distance_m=r,
            distance_table=distance_table,
            check_crs=False,
        )
        cell_site = near.site_index
        has = cell_site >= 0
        m = sp.csr_array(
            (np.ones(int(has.sum())), (cell_site[has], np.flatnonzero(has))), shape=(n_sites, n)
        )
    else:
        if distance_table is not None:
            pairs = distance_table.within(r)
        else:
            assert cxy is not None  # given whenever distance_table is absent (checked above)
            pairs = pairs_within(
                demand_xy=cxy,
                supply_xy=sxy,
                max_distance_m=r,
                detour_factor=detour_factor,
                check_crs=False,
            )
        m = sp.csr_array(
            (np.ones(len(pairs)), (pairs.supply_index, pairs.demand_index)), shape=(n_sites, n)
        )
    served = m @ pop2
    served_q = m @ (pop2 * q[:, None])
    tot, tot_q = served.sum(axis=1), served_q.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(tot > 0, tot_q / np.where(tot > 0, tot, 1.0), np.nan)
    counts = np.diff(m.indptr).astype(np.int64)

    polygons = np.empty(n_sites, dtype=object)
    if with_polygons:
        cells = _cells(cxy, cell_size_m, cell_geometries, n)
        for j in range(n_sites):
            polygons[j] = cells.union(m.indices[m.indptr[j] : m.indptr[j + 1]])
    if pop.ndim == 1:
        served, served_q = served.ravel(), served_q.ravel()
    return Catchments(polygons, served, served_q, share, counts, cell_site, pairs, mode)


@dataclass(frozen=True, eq=False)
class WhiteZones:
    """Zones blanches, ranked by population concerned (largest first).

    Attributes
    ----------
    polygons : numpy.ndarray of shapely geometries, shape (k,)
        Merged cells of each zone (Lambert-93).
    population : numpy.ndarray, shape (k,)
        Target population without service in each zone.
    cell_count : numpy.ndarray of int64, shape (k,)
    cell_zone : numpy.ndarray of int64, shape (n_cells,)
        Rank of the zone holding each cell, -1 for cells with service or without population.
    total_population : float
        Target population without service in the zones kept.
    share : float
        ``total_population`` / total target population (NaN when the latter is 0).
    dropped_count, dropped_population : int, float
        Zones below ``min_population`` or ``min_cells`` (not reported) and their population.
    """

    polygons: NDArray[np.object_]
    population: NDArray[np.float64]
    cell_count: NDArray[np.int64]
    cell_zone: NDArray[np.int64]
    total_population: float
    share: float
    dropped_count: int = 0
    dropped_population: float = 0.0


def white_zones(
    *,
    population: ArrayLike,
    cell_xy: ArrayLike | None = None,
    site_xy: ArrayLike | None = None,
    max_distance_m: float | None = None,
    accessibility: ArrayLike | None = None,
    min_accessibility: float | None = None,
    cell_size_m: float = 200.0,
    cell_geometries: ArrayLike | None = None,
    detour_factor: float = 1.0,
    distance_table: DistanceTable | None = None,
    check_crs: bool = True,
    min_population: float = 0.0,
    min_cells: int = 1,
) -> WhiteZones:
    """Zones blanches: populated cells without service, merged into contiguous zones.

    A cell is *without service* when no site lies within ``max_distance_m`` metres (sites
    ``site_xy`` or ``distance_table``), or, alternatively, when its ``accessibility`` is below
    ``min_accessibility`` (e.g. 2SFCA places per child). Only cells with a positive target
    population count. Cells sharing an edge (200 m squares: 4-neighbours on the lattice; other
    polygons: any contact) form one zone.

    Parameters
    ----------
    population : array_like, shape (n,)
        Target population per cell (e.g. children under 3).
    cell_xy : array_like, shape (n, 2)
        Cell centres, metres, Lambert-93 (EPSG:2154).
    site_xy, max_distance_m : distance criterion (metres).
    accessibility, min_accessibility : accessibility criterion (strictly below = without).
    cell_size_m, cell_geometries : cell squares (metres) or arbitrary polygons.
    detour_factor, distance_table, check_crs : see :func:`catchments`.
    min_population, min_cells : zones with less target population (persons) or fewer cells
        are dropped (counted in ``dropped_*``); the diagnostic passes
        :data:`~maillage.analysis.validity.MIN_WHITE_ZONE_POPULATION` and
        :data:`~maillage.analysis.validity.MIN_WHITE_ZONE_CELLS`.

    Returns
    -------
    WhiteZones
    """
    pop = as_values("population", population)
    n = pop.size
    by_distance = max_distance_m is not None
    if by_distance == (min_accessibility is not None):
        raise AnalysisInputError(
            "max_distance_m", "fournir soit max_distance_m (et les sites), soit min_accessibility."
        )
    cxy = None if cell_xy is None else as_xy("cell_xy", cell_xy, check_crs=check_crs)
    if cxy is not None:
        check_length("population", pop, cxy.shape[0], "cell_xy")
    if by_distance:
        near = nearest_site(
            cell_xy=cxy,
            site_xy=site_xy,
            detour_factor=detour_factor,
            max_distance_m=max_distance_m,
            distance_table=distance_table,
            check_crs=check_crs,
        )
        check_length("population", pop, near.site_index.size, "cell_xy")
        without = near.site_index < 0
    else:
        if accessibility is None or min_accessibility is None:
            raise AnalysisInputError("accessibility", "requis avec min_accessibility.")
        acc = as_values("accessibility", accessibility)
        check_length("accessibility", acc, n, "population")
        without = acc < float(min_accessibility)
    white = np.flatnonzero(without & (pop > 0))
    cells = _cells(cxy, cell_size_m, cell_geometries, n)

    labels = np.full(n, -1, dtype=np.int64)
    n_comp = 0
    grid = None
    if cells.geoms is None and cxy is not None and white.size:
        grid = detect_regular_grid(cxy[white], spacing_m=cells.size, tol_m=cells.size * 1e-6)
    if grid is not None:
        raster = np.zeros((grid.nrows, grid.ncols), dtype=bool)
        raster[grid.row, grid.col] = True
        lab, n_comp = ndimage.label(raster)  # 4-connectivity
        labels[white] = lab[grid.row, grid.col] - 1
    elif white.size:
        geoms = cells.geoms[white] if cells.geoms is not None else _square_geoms(cells, white)
        a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
        adj = sp.csr_array((np.ones(a.size), (a, b)), shape=(white.size, white.size))
        n_comp, lab = connected_components(adj, directed=False)
        labels[white] = lab
    comp_pop = np.asarray(
        np.bincount(labels[white], weights=pop[white], minlength=n_comp), dtype=np.float64
    )
    comp_cells = np.bincount(labels[white], minlength=n_comp)
    small = (comp_pop < float(min_population)) | (comp_cells < int(min_cells))
    dropped_count, dropped_population = int(small.sum()), float(comp_pop[small].sum())
    if dropped_count:
        keep = np.flatnonzero(~small)
        renumber = np.full(n_comp, -1, dtype=np.int64)
        renumber[keep] = np.arange(keep.size)
        labels[white] = renumber[labels[white]]
        white = white[labels[white] >= 0]
        comp_pop, n_comp = comp_pop[keep], keep.size
    rank = np.argsort(-comp_pop, kind="stable")
    new_label = np.empty(n_comp, dtype=np.int64)
    new_label[rank] = np.arange(n_comp)
    labels[white] = new_label[labels[white]]
    groups = _groups(labels, n_comp)
    polygons = np.empty(n_comp, dtype=object)
    for k, members in enumerate(groups):
        polygons[k] = cells.union(members)
    total = float(pop.sum())
    concerned = float(pop[white].sum())
    return WhiteZones(
        polygons,
        comp_pop[rank],
        np.array([g.size for g in groups], dtype=np.int64),
        labels,
        concerned,
        concerned / total if total > 0 else float("nan"),
        dropped_count,
        dropped_population,
    )


def _square_geoms(cells: _Cells, members: NDArray[np.int64]) -> NDArray[np.object_]:
    assert cells.xy is not None  # squares are built from centres
    xy, h = cells.xy[members], cells.size / 2
    boxes: NDArray[np.object_] = shapely.box(xy[:, 0] - h, xy[:, 1] - h, xy[:, 0] + h, xy[:, 1] + h)
    return boxes
