"""Computation kernels of the floating catchment methods (private).

Two engines compute the same sums:

* ``grid_step_fca``: cells on a regular lattice, step weights (2SFCA / E2SFCA). For every site,
  each lattice row crossed by a band's disc holds one contiguous run of cells ``[jlo, jhi]``,
  found exactly (square root, then an exact ``dx² + dy² <= r²`` check on both ends). Step 1
  reads row prefix sums of the demand raster at the run ends; step 2 scatters ``+w`` / ``-w``
  at the run ends and takes a cumulative sum along rows. Work grows with
  sites × rows × bands plus the lattice size, not with the pairs.
* ``pairs_fca``: any sparse pair table (k-d tree, network distances), two ``np.bincount`` passes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from .distance import DistanceTable
from .geometry import RegularGrid

FloatArray = NDArray[np.float64]


def grid_step_fca(
    grid: RegularGrid,
    demand: FloatArray,
    site_xy: FloatArray,
    supply: FloatArray,
    radii_m: FloatArray,
    band_weights: FloatArray,
) -> tuple[FloatArray, FloatArray, NDArray[np.int64]]:
    """Step-weighted 2SFCA on a regular lattice.

    ``radii_m`` are increasing Euclidean radii (metres) and ``band_weights`` the weight of the
    ring ``radii_m[k-1] < d <= radii_m[k]``. Returns ``(values, site_demand, sites_in_reach)``.
    """
    s = grid.spacing_m
    nrows, ncols = grid.nrows, grid.ncols
    h = int(np.floor(radii_m[-1] / s + 0.5)) + 1  # row / column reach, in cells
    pad = 2 * h + 2
    n_r, width = nrows + 2 * pad, ncols + 2 * pad + 1
    cell_pos = (grid.row + pad) * width + (grid.col + pad)

    # Row prefix sums of the demand raster: pex[r, j] = sum of demand in columns < j.
    raster = np.zeros(n_r * width)
    raster[cell_pos + 1] = demand
    pex = np.cumsum(raster.reshape(n_r, width), axis=1).ravel()
    del raster

    fx = site_xy[:, 0] - grid.x0
    fy = site_xy[:, 1] - grid.y0
    sc = np.rint(fx / s).astype(np.int64)
    sr = np.rint(fy / s).astype(np.int64)
    kept = np.flatnonzero((sr >= -h) & (sr <= nrows - 1 + h) & (sc >= -h) & (sc <= ncols - 1 + h))
    fx, fy, sr = fx[kept, None], fy[kept, None], sr[kept, None]
    rows = sr + np.arange(-h, h + 1)[None, :]  # (m, 2h+1) lattice rows
    dy2 = rows * s - fy
    dy2 *= dy2
    row_base = (rows + pad) * width + pad

    coef = band_weights - np.append(band_weights[1:], 0.0)  # weight of disc k
    site_dem = np.zeros(kept.size)
    spans: list[tuple[NDArray[np.int64], NDArray[np.int64], float]] = []
    for radius, c in zip(radii_m, coef, strict=True):
        hk = int(np.floor(radius / s + 0.5)) + 1  # rows this disc can cross
        dy2_k = dy2[:, h - hk : h + hk + 1]
        r2 = radius * radius
        half = np.sqrt(np.maximum(r2 - dy2_k, 0.0))
        jlo = np.ceil((fx - half) / s).astype(np.int64)
        jhi = np.floor((fx + half) / s).astype(np.int64)

        def inside(
            j: NDArray[np.int64], r2: float = r2, dy2_k: FloatArray = dy2_k
        ) -> NDArray[np.bool_]:
            dx = j * s - fx
            dx *= dx
            dx += dy2_k
            return dx <= r2

        # Exact ends: the square root may be off by one ulp; the test dx² + dy² <= r² decides.
        jlo += ~inside(jlo)
        jlo -= inside(jlo - 1)
        jhi -= ~inside(jhi)
        jhi += inside(jhi + 1)
        base = row_base[:, h - hk : h + hk + 1]
        p_lo = base + jlo
        p_hi = base + np.maximum(jhi + 1, jlo)  # empty run: p_hi == p_lo
        p_hi = np.where(dy2_k <= r2, p_hi, p_lo)
        site_dem += c * (pex[p_hi] - pex[p_lo]).sum(axis=1)
        spans.append((p_lo, p_hi, c))

    site_demand = np.zeros(supply.size)
    site_demand[kept] = site_dem
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(site_dem > 0, supply[kept] / site_dem, 0.0)

    # Step 2: +w at each run start, -w just after its end, then running sums along rows.
    size = n_r * width
    pos = np.concatenate([a.ravel() for p_lo, p_hi, _ in spans for a in (p_lo, p_hi)])
    wts = np.concatenate(
        [np.repeat(sign * c * ratio, p_lo.shape[1]) for p_lo, _, c in spans for sign in (1.0, -1.0)]
    )
    acc = np.bincount(pos, weights=wts, minlength=size)
    values = np.cumsum(acc.reshape(n_r, width), axis=1).ravel()[cell_pos]
    p_lo, p_hi, _ = spans[-1]
    count = np.bincount(p_lo.ravel(), minlength=size) - np.bincount(p_hi.ravel(), minlength=size)
    reach = np.cumsum(count.reshape(n_r, width), axis=1).ravel()[cell_pos]
    # Rounding in the running sums may leave ~1e-20 where the exact value is 0.
    values = np.where(reach > 0, np.maximum(values, 0.0), 0.0)
    return values, site_demand, reach.astype(np.int64)


def pairs_fca(
    table: DistanceTable,
    demand: FloatArray,
    supply: FloatArray,
    weight_fn: Callable[[FloatArray], FloatArray] | None,
) -> tuple[FloatArray, FloatArray, NDArray[np.int64]]:
    """2SFCA over a sparse pair table already limited to the catchment radius.

    ``weight_fn`` maps distances (metres) to weights; ``None`` means weight 1.
    Returns ``(values, site_demand, sites_in_reach)``.
    """
    di, si = table.demand_index, table.supply_index
    w = None if weight_fn is None else weight_fn(table.distance_m)
    dem = demand[di] if w is None else w * demand[di]
    site_demand = np.asarray(np.bincount(si, weights=dem, minlength=table.n_supply), np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(site_demand > 0, supply / site_demand, 0.0)
    contrib = ratio[si] if w is None else w * ratio[si]
    values = np.asarray(np.bincount(di, weights=contrib, minlength=table.n_demand), np.float64)
    reach = np.bincount(di, minlength=table.n_demand).astype(np.int64)
    return values, site_demand, reach
