"""Projections and grids: WGS84 ↔ Lambert-93, regular 200 m grids, cell squares.

All planar computations of :mod:`maillage.analysis` use **Lambert-93 (EPSG:2154)** in
**metres**; storage is WGS84 lon/lat (EPSG:4326). Never compute distances in degrees.

This module holds the project's only pyproj transformers, one per direction and cached
(:func:`wgs84_to_lambert93_transformer`, :func:`lambert93_to_wgs84_transformer`):
:mod:`maillage.territory.geo` projects its points and GeoJSON geometries with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer

from .errors import AnalysisInputError, as_xy, positive

__all__ = [
    "LAMBERT93",
    "WGS84",
    "RegularGrid",
    "cell_squares",
    "detect_regular_grid",
    "inspire_cell_corners",
    "inspire_cell_squares",
    "lambert93_bbox_to_laea",
    "lambert93_to_lonlat",
    "lambert93_to_wgs84_transformer",
    "lonlat_to_lambert93",
    "synthetic_grid",
    "wgs84_to_lambert93_transformer",
]

LAMBERT93 = "EPSG:2154"
WGS84 = "EPSG:4326"
LAEA_EUROPE = "EPSG:3035"  # ETRS89-LAEA, the grid of the INSEE (INSPIRE) 200 m cells
_INSPIRE_ID = re.compile(r"CRS3035RES(\d+)mN(\d+)E(\d+)")


@lru_cache(maxsize=1)
def wgs84_to_lambert93_transformer() -> Transformer:
    """The cached pyproj transformer WGS84 lon/lat degrees → Lambert-93 x/y metres.

    ``always_xy=True``: longitude first, then latitude. One instance for the whole project.
    """
    return Transformer.from_crs(WGS84, LAMBERT93, always_xy=True)


@lru_cache(maxsize=1)
def lambert93_to_wgs84_transformer() -> Transformer:
    """The cached pyproj transformer Lambert-93 x/y metres → WGS84 lon/lat degrees."""
    return Transformer.from_crs(LAMBERT93, WGS84, always_xy=True)


@lru_cache(maxsize=1)
def laea_to_lambert93_transformer() -> Transformer:
    """The cached pyproj transformer ETRS89-LAEA (EPSG:3035) metres → Lambert-93 metres."""
    return Transformer.from_crs(LAEA_EUROPE, LAMBERT93, always_xy=True)


@lru_cache(maxsize=1)
def lambert93_to_laea_transformer() -> Transformer:
    """The cached pyproj transformer Lambert-93 metres → ETRS89-LAEA (EPSG:3035) metres."""
    return Transformer.from_crs(LAMBERT93, LAEA_EUROPE, always_xy=True)


def lambert93_bbox_to_laea(
    bbox_m: tuple[float, float, float, float], *, margin_m: float = 0.0
) -> tuple[float, float, float, float]:
    """A Lambert-93 box ``(xmin, ymin, xmax, ymax)`` (metres) as the EPSG:3035 box that holds it
    (from 11 points along each edge), widened by ``margin_m`` metres."""
    x0, y0, x1, y1 = bbox_m
    t = np.linspace(0.0, 1.0, 11)
    xs = np.concatenate([x0 + (x1 - x0) * t, np.full(11, x1), x0 + (x1 - x0) * t, np.full(11, x0)])
    ys = np.concatenate([np.full(11, y0), y0 + (y1 - y0) * t, np.full(11, y1), y0 + (y1 - y0) * t])
    ex, ny = lambert93_to_laea_transformer().transform(xs, ys)
    return (
        float(np.min(ex)) - margin_m,
        float(np.min(ny)) - margin_m,
        float(np.max(ex)) + margin_m,
        float(np.max(ny)) + margin_m,
    )


def lonlat_to_lambert93(lonlat: ArrayLike) -> NDArray[np.float64]:
    """Project WGS84 longitudes/latitudes to Lambert-93.

    Parameters
    ----------
    lonlat : array_like, shape (n, 2)
        Longitude and latitude in decimal degrees (EPSG:4326), in that order.

    Returns
    -------
    numpy.ndarray, shape (n, 2)
        x, y in metres, Lambert-93 (EPSG:2154). The pyproj transformer is cached.
    """
    arr = as_xy("lonlat", lonlat, check_crs=False, allow_empty=True)
    if arr.size and (np.abs(arr[:, 0]).max() > 180 or np.abs(arr[:, 1]).max() > 90):
        raise AnalysisInputError(
            "lonlat", "longitude/latitude en degrés attendues (|lon| ≤ 180, |lat| ≤ 90)."
        )
    x, y = wgs84_to_lambert93_transformer().transform(arr[:, 0], arr[:, 1])
    return np.column_stack([x, y])


def lambert93_to_lonlat(xy: ArrayLike) -> NDArray[np.float64]:
    """Project Lambert-93 metres (EPSG:2154) back to WGS84 lon/lat degrees (EPSG:4326).

    Parameters
    ----------
    xy : array_like, shape (n, 2)
        x, y in metres, Lambert-93.

    Returns
    -------
    numpy.ndarray, shape (n, 2)
        Longitude, latitude in decimal degrees.
    """
    arr = as_xy("xy", xy, allow_empty=True)
    lon, lat = lambert93_to_wgs84_transformer().transform(arr[:, 0], arr[:, 1])
    return np.column_stack([lon, lat])


@dataclass(frozen=True, eq=False)
class RegularGrid:
    """Cells whose centres lie on a common square lattice.

    The centre of cell ``k`` is ``(x0 + col[k] * spacing_m, y0 + row[k] * spacing_m)``
    (metres, Lambert-93); ``col`` and ``row`` are in ``[0, ncols)`` and ``[0, nrows)``.
    """

    x0: float
    y0: float
    spacing_m: float
    col: NDArray[np.int64]
    row: NDArray[np.int64]
    ncols: int
    nrows: int


def detect_regular_grid(
    xy: NDArray[np.float64],
    *,
    spacing_m: float | None = None,
    tol_m: float = 1e-6,
    max_lattice_size: int = 16_000_000,
) -> RegularGrid | None:
    """Detect whether cell centres lie on one square lattice (e.g. INSEE 200 m cells).

    Parameters
    ----------
    xy : numpy.ndarray, shape (n, 2)
        Cell centres, metres, Lambert-93.
    spacing_m : float, optional
        Lattice spacing in metres; guessed from the coordinates when omitted.
    tol_m : float
        Largest accepted gap, in metres, between a centre and its lattice node.
    max_lattice_size : int
        Largest accepted ``nrows * ncols`` (bounding box in cells), to bound memory.

    Returns
    -------
    RegularGrid or None
        ``None`` when the centres are not on a lattice, repeat a node, or span too large a box.
    """
    n = xy.shape[0]
    if n == 0:
        return None
    x, y = xy[:, 0], xy[:, 1]
    x0, y0 = float(x.min()), float(y.min())
    if spacing_m is not None:
        s = float(spacing_m)
    else:
        steps = [np.abs(np.diff(v)) for v in (x, y)]
        steps = [st[st > tol_m] for st in steps]
        s = min((float(st.min()) for st in steps if st.size), default=200.0)
    if not s > 0:
        return None
    out = []
    for v, v0 in ((x, x0), (y, y0)):
        u = v - v0
        u *= 1.0 / s
        k = np.rint(u)
        u -= k
        if np.abs(u).max() * s > tol_m:
            return None
        out.append(k.astype(np.int64))
    col, row = out
    ncols, nrows = int(col.max()) + 1, int(row.max()) + 1
    if ncols * nrows > max_lattice_size:
        return None
    flat = row * ncols + col
    if np.bincount(flat, minlength=ncols * nrows).max() > 1:
        return None  # two cells on one node
    return RegularGrid(x0, y0, s, col, row, ncols, nrows)


def cell_squares(xy: ArrayLike, *, cell_size_m: float = 200.0) -> NDArray[np.object_]:
    """Square polygons (shapely, Lambert-93) of side ``cell_size_m`` metres around centres."""
    arr = as_xy("cell_xy", xy, check_crs=False)
    h = positive("cell_size_m", cell_size_m) / 2.0
    boxes: NDArray[np.object_] = shapely.box(
        arr[:, 0] - h, arr[:, 1] - h, arr[:, 0] + h, arr[:, 1] + h
    )
    return boxes


def inspire_cell_corners(cell_ids: list[str]) -> tuple[NDArray[np.float64], float]:
    """South-west corners (EPSG:3035 metres) and side of INSEE / INSPIRE grid cells.

    Parameters
    ----------
    cell_ids : list of str
        Identifiers such as ``CRS3035RES200mN2029800E4252400`` (``Idcar_200m`` of Filosofi):
        side 200 m, northing 2 029 800 m, easting 4 252 400 m of the cell's **south-west
        corner** in ETRS89-LAEA (EPSG:3035). All cells must have the same side.

    Returns
    -------
    (numpy.ndarray of shape (n, 2), float)
        x (easting), y (northing) of each south-west corner, metres, EPSG:3035; the side, metres.
    """
    corners = np.empty((len(cell_ids), 2), dtype=np.float64)
    side = 0.0
    for i, cell_id in enumerate(cell_ids):
        match = _INSPIRE_ID.fullmatch(str(cell_id).strip())
        if match is None:
            raise AnalysisInputError(
                "cell_ids",
                f"identifiant de carreau n° {i + 1} « {str(cell_id)[:60]} » illisible "
                "(attendu : CRS3035RES200mN…E…).",
            )
        res = float(match.group(1))
        if side and res != side:
            raise AnalysisInputError(
                "cell_ids", f"carreau n° {i + 1} de {res:g} m parmi des carreaux de {side:g} m."
            )
        side = res
        corners[i] = (float(match.group(3)), float(match.group(2)))
    return corners, side


def inspire_cell_squares(cell_ids: list[str]) -> NDArray[np.object_]:
    """The squares of INSEE / INSPIRE grid cells, as Lambert-93 (EPSG:2154) polygons.

    Each square is built in EPSG:3035 from its identifier (:func:`inspire_cell_corners`) and its
    four corners are projected to Lambert-93: the INSEE cells are squares in EPSG:3035, slightly
    turned in Lambert-93 (as in the GeoPackages GDAL writes from them).
    """
    corners, side = inspire_cell_corners(cell_ids)
    if not len(corners):
        return np.empty(0, dtype=object)
    x0, y0 = corners[:, 0], corners[:, 1]
    xs = np.column_stack([x0, x0 + side, x0 + side, x0, x0])
    ys = np.column_stack([y0, y0, y0 + side, y0 + side, y0])
    lx, ly = laea_to_lambert93_transformer().transform(xs.ravel(), ys.ravel())
    rings = np.stack([np.reshape(lx, xs.shape), np.reshape(ly, ys.shape)], axis=-1)
    squares: NDArray[np.object_] = shapely.polygons(rings)
    return squares


def synthetic_grid(
    *,
    n_cells: int,
    spacing_m: float = 200.0,
    origin_m: tuple[float, float] = (650_100.0, 6_860_100.0),
    fill: float = 1.0,
    seed: int = 0,
) -> NDArray[np.float64]:
    """Cell centres of a synthetic grid (*exemple fictif*) at realistic Lambert-93 offsets.

    Parameters
    ----------
    n_cells : int
        Number of cells returned.
    spacing_m : float
        Lattice spacing, metres.
    origin_m : tuple of float
        Centre of the south-west cell, metres, Lambert-93 (default near Paris).
    fill : float
        Share of lattice nodes kept (``< 1`` leaves seeded random holes, like unpopulated cells).
    seed : int
        Random seed (only used when ``fill < 1``).

    Returns
    -------
    numpy.ndarray, shape (n_cells, 2)
        Cell centres, metres, Lambert-93, ordered row by row.
    """
    if n_cells <= 0 or not 0 < fill <= 1:
        raise AnalysisInputError(
            "n_cells", "nombre de carreaux positif et fill dans ]0, 1] requis."
        )
    nodes = int(np.ceil(n_cells / fill))
    side = int(np.ceil(np.sqrt(nodes)))
    keep = np.arange(side * side)
    if fill < 1:
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(side * side, size=n_cells, replace=False))
    keep = keep[:n_cells]
    return np.column_stack(
        [origin_m[0] + (keep % side) * spacing_m, origin_m[1] + (keep // side) * spacing_m]
    )
