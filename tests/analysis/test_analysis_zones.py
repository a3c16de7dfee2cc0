"""Catchments (zones d'influence), zones blanches, aggregation, equity, coverage, dasymetry."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import shapely

from maillage.analysis import (
    aggregate_to_zones,
    catchments,
    cell_squares,
    cell_zone_area_weights,
    cell_zone_index,
    coverage_rate,
    coverage_rate_by_zone,
    dasymetric_distribute,
    equity,
    synthetic_grid,
    weighted_gini,
    white_zones,
)

X0, Y0 = 650_000.0, 6_860_000.0


def strip(n=10):
    """A 1 × n row of 200 m cells (exemple fictif)."""
    return np.column_stack([X0 + 100 + 200.0 * np.arange(n), np.full(n, Y0 + 100)])


def test_catchments_nearest_partition_with_bands_and_qpv():
    xy = strip()
    pop = np.column_stack([np.ones(10), np.arange(10.0)])  # two age bands
    qpv = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0.5, 0.5])
    sites = np.array([[X0 + 100, Y0 + 100], [X0 + 1900, Y0 + 100]])
    res = catchments(cell_xy=xy, population=pop, site_xy=sites, max_distance_m=700, qpv=qpv)
    np.testing.assert_array_equal(res.cell_site, [0, 0, 0, 0, -1, -1, 1, 1, 1, 1])
    np.testing.assert_allclose(res.population, [[4, 6], [4, 30]])
    np.testing.assert_allclose(res.qpv_population, [[2, 1], [1, 8.5]])
    np.testing.assert_allclose(res.qpv_share, [3 / 10, 9.5 / 34])
    np.testing.assert_array_equal(res.cell_count, [4, 4])
    assert res.polygons[0].equals(shapely.box(X0, Y0, X0 + 800, Y0 + 200))
    assert res.polygons[0].area == pytest.approx(4 * 200 * 200)


def test_catchments_within_overlap_and_polygons_from_geometries():
    xy = strip()
    sites = np.array([[X0 + 900, Y0 + 100], [X0 + 1100, Y0 + 100]])
    res = catchments(
        cell_xy=xy,
        population=np.ones(10),
        site_xy=sites,
        max_distance_m=400,
        mode="within",
        cell_geometries=cell_squares(xy),
    )
    np.testing.assert_allclose(res.population, [5, 5])
    assert len(res.pairs) == 10 and res.cell_site is None
    assert res.polygons[1].equals(shapely.box(X0 + 600, Y0, X0 + 1600, Y0 + 200))
    np.testing.assert_allclose(res.qpv_share, [0.0, 0.0])  # qpv omitted: nobody in QPV


def test_white_zones_merge_and_rank_by_population():
    side = 12
    xy = synthetic_grid(n_cells=side * side)
    pop = np.ones(side * side)
    pop[np.arange(side)] = 3.0  # bottom row more populated
    site = xy[[side * 6 + 6]]
    res = white_zones(cell_xy=xy, population=pop, site_xy=site, max_distance_m=700)
    covered = np.hypot(*(xy - site).T) <= 700
    assert res.total_population == pytest.approx(pop[~covered].sum())
    assert res.polygons.size == 1  # the ring around the disc is one connected zone
    assert shapely.area(res.polygons[0]) == pytest.approx((~covered).sum() * 40_000)
    # Two separate zones: split the territory with a covered column.
    res2 = white_zones(
        cell_xy=xy,
        population=pop,
        accessibility=(xy[:, 0] == xy[5, 0]).astype(float),
        min_accessibility=0.5,
    )
    assert res2.polygons.size == 2
    assert res2.population[0] > res2.population[1]
    assert res2.cell_count.tolist() == [6 * side, 5 * side]  # columns 6-11, then 0-4
    assert (res2.cell_zone[xy[:, 0] == xy[5, 0]] == -1).all()
    # Arbitrary polygons: same answer via contact graph.
    res3 = white_zones(
        cell_xy=xy,
        population=pop,
        cell_geometries=cell_squares(xy),
        accessibility=(xy[:, 0] == xy[5, 0]).astype(float),
        min_accessibility=0.5,
    )
    np.testing.assert_allclose(res3.population, res2.population)


def test_aggregate_index_and_sparse_weights():
    v = np.array([1.0, 3.0, 10.0, 7.0])
    p = np.array([1.0, 3.0, 0.0, 2.0])
    agg = aggregate_to_zones(values=v, population=p, zone_index=[0, 0, 1, -1], n_zones=3)
    np.testing.assert_allclose(agg.values[0], 2.5)
    assert np.isnan(agg.values[1]) and np.isnan(agg.values[2])
    np.testing.assert_allclose(agg.population, [4.0, 0.0, 0.0])
    w = sp.csr_array(np.array([[1.0, 0], [0.5, 0.5], [0, 1], [0, 1]]))
    agg = aggregate_to_zones(values=v, population=p, zone_weights=w)
    np.testing.assert_allclose(agg.values, [(1 + 1.5 * 3) / 2.5, (1.5 * 3 + 14) / 3.5])


def test_weighted_gini_matches_pairwise_definition():
    rng = np.random.default_rng(4)
    x, w = rng.gamma(2, 1, 60), rng.uniform(0, 5, 60)
    pair = (w[:, None] * w[None, :] * np.abs(x[:, None] - x[None, :])).sum()
    expected = pair / (2 * w.sum() ** 2 * (w @ x / w.sum()))
    assert weighted_gini(values=x, weights=w) == pytest.approx(expected, rel=1e-12)
    assert weighted_gini(values=[2.0, 2.0], weights=[1.0, 5.0]) == pytest.approx(0.0)
    assert weighted_gini(values=[0.0, 1.0], weights=[1.0, 1.0]) == pytest.approx(0.5)


def test_equity_qpv_ratio():
    res = equity(values=[1.0, 1.0, 4.0], population=[2.0, 2.0, 4.0], qpv=[1, 1, 0])
    assert (res.qpv_mean, res.non_qpv_mean, res.qpv_ratio) == (1.0, 4.0, 0.25)
    assert (res.qpv_population, res.non_qpv_population) == (4.0, 4.0)
    assert 0 < res.gini < 1


def test_coverage_rate_territory_and_zones():
    assert coverage_rate(places=[10, 20], children_under_3=[40, 60]) == 30.0
    xy = synthetic_grid(n_cells=400)
    rng = np.random.default_rng(8)
    children = rng.uniform(0, 5, 400)
    sites = xy[[50, 210, 390]]
    places = np.array([12.0, 30.0, 8.0])
    zone = (xy[:, 0] > xy[:, 0].mean()).astype(np.int64)
    res = coverage_rate_by_zone(
        cell_xy=xy,
        children_under_3=children,
        site_xy=sites,
        places=places,
        max_distance_m=10_000,
        zone_index=zone,
    )
    total = coverage_rate(places=places, children_under_3=children)
    assert res.territory_rate == pytest.approx(total, rel=1e-12)
    np.testing.assert_allclose(res.zone_rate, total, rtol=1e-12)  # catchment covers all
    local = coverage_rate_by_zone(
        cell_xy=xy,
        children_under_3=children,
        site_xy=sites,
        places=places,
        max_distance_m=1500,
        zone_index=zone,
    )
    served = places[np.setdiff1d(np.arange(3), local.accessibility.idle_sites)].sum()
    assert local.territory_rate == pytest.approx(100 * served / children.sum(), rel=1e-12)
    pop = local.zones.population
    assert local.zone_rate @ pop / pop.sum() == pytest.approx(local.territory_rate, rel=1e-12)


def test_dasymetric_by_centre_and_by_area_preserves_totals():
    xy = strip(4)  # cells 0..3 from X0 to X0 + 800
    pop = np.array([1.0, 3.0, 0.0, 4.0])
    zones = [shapely.box(X0, Y0, X0 + 500, Y0 + 200), shapely.box(X0 + 500, Y0, X0 + 900, Y0 + 200)]
    idx = cell_zone_index(cell_xy=xy, zone_polygons=zones)
    np.testing.assert_array_equal(idx, [0, 0, 0, 1])  # border centre: lowest zone index
    totals = np.array([[8.0, 2.0], [40.0, 4.0]])  # two age bands
    res = dasymetric_distribute(zone_totals=totals, cell_population=pop, zone_index=idx)
    np.testing.assert_allclose(res.values, [[2, 0.5], [6, 1.5], [0, 0], [40, 4]])
    np.testing.assert_allclose(res.values.sum(axis=0), totals.sum(axis=0))
    w = cell_zone_area_weights(cell_xy=xy, zone_polygons=zones)
    np.testing.assert_allclose(w.toarray(), [[1, 0], [1, 0], [0.5, 0.5], [0, 1]])
    res = dasymetric_distribute(zone_totals=totals, cell_population=pop, zone_weights=w)
    np.testing.assert_allclose(res.values.sum(axis=0), totals.sum(axis=0))
    empty = dasymetric_distribute(
        zone_totals=[5.0, 7.0], cell_population=[0.0, 2.0], zone_index=[0, 1]
    )
    np.testing.assert_allclose(empty.values, [0.0, 7.0])
    np.testing.assert_allclose(empty.unallocated, [5.0, 0.0])
