"""Projections, grid detection, nearest site, threshold shares."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.analysis import (
    DistanceTable,
    detect_regular_grid,
    lambert93_to_lonlat,
    lonlat_to_lambert93,
    minutes_to_metres,
    nearest_site,
    pairs_within,
    population_within,
    synthetic_grid,
)

X0, Y0 = 650_000.0, 6_860_000.0


def test_projection_reference_point_and_round_trip():
    # Lambert-93 is defined with its false origin at (3°E, 46.5°N) -> (700 000, 6 600 000).
    xy = lonlat_to_lambert93([[3.0, 46.5], [2.35, 48.85], [3.06, 50.68]])
    np.testing.assert_allclose(xy[0], [700_000.0, 6_600_000.0], atol=1e-3)
    back = lambert93_to_lonlat(xy)
    np.testing.assert_allclose(back, [[3.0, 46.5], [2.35, 48.85], [3.06, 50.68]], atol=1e-9)
    assert lonlat_to_lambert93(np.empty((0, 2))).shape == (0, 2)


def test_detect_regular_grid():
    xy = synthetic_grid(n_cells=500, fill=0.6, seed=3)
    g = detect_regular_grid(xy)
    assert g is not None and g.spacing_m == 200.0
    np.testing.assert_allclose(g.x0 + g.col * 200.0, xy[:, 0])
    np.testing.assert_allclose(g.y0 + g.row * 200.0, xy[:, 1])
    assert detect_regular_grid(xy + np.r_[[[0.0, 0.0]] * 499, [[3.0, 0.0]]]) is None
    assert detect_regular_grid(np.vstack([xy, xy[:1]])) is None  # duplicate node


def test_nearest_site_kdtree_and_table_and_detour():
    xy = np.array([[X0, Y0], [X0 + 1000, Y0], [X0 + 5000, Y0]])
    sites = np.array([[X0 + 300, Y0 + 400], [X0 + 1000, Y0 + 100]])
    near = nearest_site(cell_xy=xy, site_xy=sites)
    np.testing.assert_allclose(near.distance_m, [500.0, 100.0, np.hypot(4000, 100)])
    np.testing.assert_array_equal(near.site_index, [0, 1, 1])
    near = nearest_site(cell_xy=xy, site_xy=sites, detour_factor=1.3, max_distance_m=1000)
    np.testing.assert_allclose(near.distance_m, [650.0, 130.0, np.inf])
    np.testing.assert_array_equal(near.site_index, [0, 1, -1])
    table = pairs_within(demand_xy=xy, supply_xy=sites, max_distance_m=1000)
    assert isinstance(table, DistanceTable) and len(table) == 3
    near = nearest_site(distance_table=table)
    np.testing.assert_allclose(near.distance_m, [500.0, 100.0, np.inf])
    np.testing.assert_array_equal(near.site_index, [0, 1, -1])


def test_population_within_thresholds_and_walking_time():
    d = np.array([100.0, 600.0, 1500.0, np.inf])
    pop = np.array([[1.0, 2.0], [3.0, 0.0], [5.0, 1.0], [1.0, 1.0]])
    res = population_within(distance_m=d, population=pop, thresholds_m=[500, 1000, 2000])
    np.testing.assert_allclose(res.population, [[1, 2], [4, 2], [9, 3]])
    np.testing.assert_allclose(res.share, [[0.1, 0.5], [0.4, 0.5], [0.9, 0.75]])
    assert float(minutes_to_metres(15, speed_kmh=4.5)) == pytest.approx(1125.0)
    np.testing.assert_allclose(minutes_to_metres([10, 20], speed_kmh=6), [1000.0, 2000.0])
