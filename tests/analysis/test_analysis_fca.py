"""2SFCA / E2SFCA: known answers, engine agreement, and equality with PySAL ``access``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from maillage.analysis import (
    DistanceTable,
    detect_regular_grid,
    gaussian_decay,
    synthetic_grid,
    two_step_fca,
)

X0, Y0 = 650_000.0, 6_860_000.0  # Lambert-93 offsets of every synthetic input (exemple fictif)
BANDS = [(1000.0, 1.0), (2000.0, 0.68), (3000.0, 0.22)]


def synthetic(seed: int, n_cells: int = 900, n_sites: int = 25, *, grid: bool = True):
    """Exemple fictif: seeded cells (200 m grid with holes, or scattered points) and sites."""
    rng = np.random.default_rng(seed)
    if grid:
        xy = synthetic_grid(n_cells=n_cells, fill=0.7, seed=seed)
    else:
        xy = np.column_stack([X0, Y0]) + rng.uniform(0, 7000, (n_cells, 2))
    demand = rng.gamma(2.0, 5.0, n_cells)
    demand[rng.random(n_cells) < 0.1] = 0.0
    lo, hi = xy.min(axis=0) - 2500, xy.max(axis=0) + 2500
    sxy = rng.uniform(lo, hi, (n_sites, 2))
    sxy[:3] = xy[rng.integers(0, n_cells, 3)]  # sites exactly on cell centres: boundary ties
    supply = rng.integers(0, 40, n_sites).astype(float)
    return xy, demand, sxy, supply


def test_catchment_covering_everything_gives_total_supply_over_total_demand():
    xy, demand, sxy, supply = synthetic(1)
    for engine in ("grid", "pairs"):
        res = two_step_fca(
            demand_xy=xy,
            demand=demand,
            supply_xy=sxy,
            supply=supply,
            max_distance_m=50_000,
            engine=engine,
        )
        np.testing.assert_allclose(res.values, supply.sum() / demand.sum(), rtol=1e-12)
        assert not res.unreached_mask.any()
        assert res.idle_sites.size == 0


def test_total_accessibility_weighted_by_demand_equals_served_supply():
    xy, demand, sxy, supply = synthetic(2)
    for weights in (None, BANDS):
        res = two_step_fca(
            demand_xy=xy,
            demand=demand,
            supply_xy=sxy,
            supply=supply,
            max_distance_m=3000,
            weights=weights,
        )
        served = np.setdiff1d(np.arange(supply.size), res.idle_sites)
        assert res.values @ demand == pytest.approx(supply[served].sum(), rel=1e-12)


def test_symmetric_layout_gives_symmetric_result():
    side = 31
    i, j = np.divmod(np.arange(side * side), side)
    xy = np.column_stack([X0 + j * 200.0, Y0 + i * 200.0])
    centre = np.array([X0, Y0]) + 15 * 200.0
    sxy = centre + np.array([[-1300.0, 0.0], [1300.0, 0.0], [0.0, -1300.0], [0.0, 1300.0]])
    demand = np.ones(xy.shape[0])
    for weights in (None, BANDS):
        res = two_step_fca(
            demand_xy=xy,
            demand=demand,
            supply_xy=sxy,
            supply=np.full(4, 10.0),
            max_distance_m=2500,
            weights=weights,
        )
        v = res.values.reshape(side, side)
        np.testing.assert_allclose(v, v[:, ::-1], rtol=1e-12)
        np.testing.assert_allclose(v, v[::-1, :], rtol=1e-12)
        np.testing.assert_allclose(v, v.T, rtol=1e-12)


def test_hand_computed_e2sfca_three_cells_two_sites():
    # Cells at x = 0, 1000, 2500 m; sites at x = 0 (6 places) and 3000 (9 places).
    # Bands: d <= 1000 m -> 1, 1000 < d <= 2000 m -> 0.5 (bounds included).
    # Site A: 10*1 + 20*1 = 30 -> R_A = 0.2 ; site B: 20*0.5 + 30*1 = 40 -> R_B = 0.225.
    # Cells: 0.2 ; 0.2 + 0.5*0.225 = 0.3125 ; 0.225.
    xy = np.array([[X0, Y0], [X0 + 1000, Y0], [X0 + 2500, Y0]])
    sxy = np.array([[X0, Y0], [X0 + 3000, Y0]])
    kwargs = dict(
        demand_xy=xy,
        demand=[10.0, 20.0, 30.0],
        supply_xy=sxy,
        supply=[6.0, 9.0],
        max_distance_m=2000,
        weights=[(1000, 1.0), (2000, 0.5)],
    )
    expected = [0.2, 0.3125, 0.225]
    res = two_step_fca(**kwargs)
    np.testing.assert_allclose(res.values, expected, rtol=1e-15)
    np.testing.assert_allclose(res.site_demand, [30.0, 40.0])
    np.testing.assert_array_equal(res.sites_in_reach, [1, 2, 1])
    assert res.method == "E2SFCA"
    grid = detect_regular_grid(xy, spacing_m=500.0)
    res_grid = two_step_fca(**kwargs, grid=grid, engine="grid")
    assert res_grid.engine == "grid"
    np.testing.assert_allclose(res_grid.values, expected, rtol=1e-15)


def test_unreached_cells_and_idle_sites_are_reported():
    xy = np.array([[X0, Y0], [X0 + 200, Y0], [X0 + 20_000, Y0]])
    sxy = np.array([[X0 + 100, Y0], [X0 + 50_000, Y0], [X0 + 20_000, Y0 + 100]])
    res = two_step_fca(
        demand_xy=xy,
        demand=[5.0, 5.0, 0.0],
        supply_xy=sxy,
        supply=[10.0, 3.0, 4.0],
        max_distance_m=1000,
    )
    np.testing.assert_allclose(res.values, [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(res.unreached_mask, [False, False, False])
    np.testing.assert_array_equal(res.idle_sites, [1, 2])  # none in reach; zero demand
    assert res.site_ratio[2] == 0.0 and np.isfinite(res.site_ratio).all()
    res2 = two_step_fca(
        demand_xy=xy,
        demand=[5.0, 5.0, 1.0],
        supply_xy=sxy[:1],
        supply=[10.0],
        max_distance_m=1000,
    )
    np.testing.assert_array_equal(res2.unreached_mask, [False, False, True])
    assert res2.values[2] == 0.0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), radius=st.sampled_from([350.0, 1000.0, 2600.0]))
def test_grid_engine_equals_pair_engine(seed, radius):
    xy, demand, sxy, supply = synthetic(seed, n_cells=400, n_sites=12)
    rng = np.random.default_rng(seed)
    bands = [(radius * 0.4, 1.0), (radius * 0.75, float(rng.uniform(0, 1))), (radius, 0.3)]
    for weights in (None, bands):
        for detour in (1.0, 1.3):
            kw = dict(
                demand_xy=xy,
                demand=demand,
                supply_xy=sxy,
                supply=supply,
                max_distance_m=radius,
                weights=weights,
                detour_factor=detour,
            )
            a, b = two_step_fca(**kw, engine="grid"), two_step_fca(**kw, engine="pairs")
            np.testing.assert_allclose(a.values, b.values, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(a.site_demand, b.site_demand, rtol=1e-9, atol=1e-9)
            np.testing.assert_array_equal(a.sites_in_reach, b.sites_in_reach)
            np.testing.assert_array_equal(a.idle_sites, b.idle_sites)


def test_distance_table_and_detour_factor():
    xy, demand, sxy, supply = synthetic(5, grid=False)
    d = cdist(xy, sxy) * 1.3
    i, j = np.nonzero(d <= 2000)
    table = DistanceTable.from_arrays(
        demand_index=i, supply_index=j, distance_m=d[i, j], n_demand=len(xy), n_supply=len(sxy)
    )
    a = two_step_fca(
        demand_xy=None,
        demand=demand,
        supply_xy=None,
        supply=supply,
        max_distance_m=2000,
        weights=BANDS,
        distance_table=table,
    )
    b = two_step_fca(
        demand_xy=xy,
        demand=demand,
        supply_xy=sxy,
        supply=supply,
        max_distance_m=2000,
        weights=BANDS,
        detour_factor=1.3,
    )
    np.testing.assert_allclose(a.values, b.values, rtol=1e-12, atol=1e-15)
    assert a.engine == "pairs"


# --- Against PySAL access -------------------------------------------------------------------

pytest.importorskip("access")


def pysal(xy, demand, sxy, supply, max_cost, weight_fn=None, enhanced=False):
    import pandas as pd
    from access import Access

    d = cdist(xy, sxy)  # independent distance computation: full table, small inputs only
    i, j = np.nonzero(d <= max_cost)
    a = Access(
        demand_df=pd.DataFrame({"geoid": np.arange(len(xy)), "pop": demand}),
        demand_index="geoid",
        demand_value="pop",
        supply_df=pd.DataFrame({"geoid": np.arange(len(sxy)), "places": supply}),
        supply_index="geoid",
        supply_value="places",
        cost_df=pd.DataFrame({"origin": i, "dest": j, "cost": d[i, j]}),
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    if enhanced:
        out = a.enhanced_two_stage_fca(max_cost=max_cost, weight_fn=weight_fn)
    else:
        out = a.two_stage_fca(max_cost=max_cost, weight_fn=weight_fn)
    return out.iloc[:, 0].reindex(np.arange(len(xy))).to_numpy()


def assert_matches_pysal(res, ref):
    np.testing.assert_array_equal(np.isnan(ref), res.unreached_mask)
    ok = ~np.isnan(ref)
    np.testing.assert_allclose(res.values[ok], ref[ok], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("grid", [True, False])
def test_2sfca_equals_pysal(seed, grid):
    xy, demand, sxy, supply = synthetic(seed, grid=grid)
    demand = demand + 0.5  # PySAL yields inf for a catchment without demand; see below
    res = two_step_fca(
        demand_xy=xy, demand=demand, supply_xy=sxy, supply=supply, max_distance_m=1500
    )
    assert res.engine == ("grid" if grid else "pairs")
    assert_matches_pysal(res, pysal(xy, demand, sxy, supply, 1500))


@pytest.mark.parametrize("seed", [10, 11, 12, 13, 14, 15])
@pytest.mark.parametrize("grid", [True, False])
def test_e2sfca_equals_pysal_step_fn(seed, grid):
    from access import weights

    xy, demand, sxy, supply = synthetic(seed, grid=grid)
    demand = demand + 0.5
    res = two_step_fca(
        demand_xy=xy,
        demand=demand,
        supply_xy=sxy,
        supply=supply,
        max_distance_m=3000,
        weights=BANDS,
    )
    ref = pysal(xy, demand, sxy, supply, 3000, weights.step_fn(dict(BANDS)), enhanced=True)
    assert_matches_pysal(res, ref)


def test_e2sfca_band_bounds_are_inclusive_like_pysal():
    from access import weights

    # Cells and sites on exact 200 m nodes: many distances fall exactly on band bounds.
    xy = synthetic_grid(n_cells=900)
    rng = np.random.default_rng(7)
    sxy = xy[rng.choice(900, 12, replace=False)]
    demand, supply = rng.uniform(1, 9, 900), rng.uniform(1, 9, 12)
    bands = [(1000.0, 1.0), (2000.0, 0.5)]
    ref = pysal(xy, demand, sxy, supply, 2000, weights.step_fn(dict(bands)), enhanced=True)
    for engine in ("grid", "pairs"):
        res = two_step_fca(
            demand_xy=xy,
            demand=demand,
            supply_xy=sxy,
            supply=supply,
            max_distance_m=2000,
            weights=bands,
            engine=engine,
        )
        assert_matches_pysal(res, ref)


@pytest.mark.parametrize("seed", [20, 21, 22])
def test_gaussian_decay_equals_pysal(seed):
    from access import weights

    xy, demand, sxy, supply = synthetic(seed, grid=False)
    demand = demand + 0.5
    res = two_step_fca(
        demand_xy=xy,
        demand=demand,
        supply_xy=sxy,
        supply=supply,
        max_distance_m=2500,
        weights=gaussian_decay(sigma_m=800.0),
    )
    assert res.method == "decay"
    assert_matches_pysal(res, pysal(xy, demand, sxy, supply, 2500, weights.gaussian(800.0)))


def test_idle_site_is_inf_in_pysal_and_reported_here():
    xy, demand, sxy, supply = synthetic(30, grid=False)
    sxy[0] = xy[0]
    near = cdist(xy, sxy[:1])[:, 0] <= 800
    demand[near] = 0.0  # every cell around site 0 is empty
    ref = pysal(xy, demand, sxy, supply, 800)
    res = two_step_fca(
        demand_xy=xy, demand=demand, supply_xy=sxy, supply=supply, max_distance_m=800
    )
    assert 0 in res.idle_sites
    assert np.isinf(ref[near]).any() if supply[0] > 0 else True
    assert np.isfinite(res.values).all()
