"""Bad input raises AnalysisInputError (a ValueError) naming the argument, in French."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from maillage.analysis import (
    AnalysisInputError,
    DistanceTable,
    aggregate_to_zones,
    catchments,
    coverage_rate,
    dasymetric_distribute,
    equity,
    lonlat_to_lambert93,
    minutes_to_metres,
    nearest_site,
    population_within,
    two_step_fca,
    white_zones,
)

X0, Y0 = 650_000.0, 6_860_000.0
CELLS = np.array([[X0, Y0], [X0 + 200, Y0], [X0 + 400, Y0]])
SITES = np.array([[X0 + 100, Y0 + 50]])


def fca(**over):
    kw = dict(
        demand_xy=CELLS,
        demand=[1.0, 2.0, 3.0],
        supply_xy=SITES,
        supply=[4.0],
        max_distance_m=1000,
    )
    kw.update(over)
    return two_step_fca(**kw)


@pytest.mark.parametrize(
    ("over", "argument", "words"),
    [
        ({"demand": [1.0, np.nan, 3.0]}, "demand", "manquantes"),
        ({"demand": [1.0, -2.0, 3.0]}, "demand", "négatives"),
        ({"supply": [np.inf]}, "supply", "infinies"),
        ({"supply": [-1.0]}, "supply", "négatives"),
        ({"demand": [1.0, 2.0]}, "demand", "longueur"),
        ({"supply": [1.0, 2.0]}, "supply", "longueur"),
        ({"supply_xy": np.empty((0, 2)), "supply": []}, "supply", "aucun site"),
        ({"demand_xy": [[2.35, 48.85], [2.36, 48.85], [2.37, 48.86]]}, "demand_xy", "degrés"),
        ({"supply_xy": [[3.06, 50.68]]}, "supply_xy", "Lambert-93"),
        ({"supply_xy": [[X0, np.nan]]}, "supply_xy", "manquantes"),
        ({"demand_xy": CELLS[:, :1]}, "demand_xy", "(n, 2)"),
        ({"max_distance_m": 0}, "max_distance_m", "positif"),
        ({"max_distance_m": np.nan}, "max_distance_m", "positif"),
        ({"detour_factor": -1.3}, "detour_factor", "positif"),
        ({"weights": [(2000, 1.0), (1000, 0.5)]}, "weights", "croissantes"),
        ({"weights": [(1000, -1.0)]}, "weights", "poids"),
        ({"weights": []}, "weights", "tranche"),
        ({"weights": lambda d: -d}, "weights", "poids"),
        ({"engine": "fast"}, "engine", "auto"),
    ],
)
def test_two_step_fca_rejects_bad_input(over, argument, words):
    with pytest.raises(AnalysisInputError, match=f"« {argument} »") as info:
        fca(**over)
    assert words in str(info.value)
    assert isinstance(info.value, ValueError)
    assert info.value.argument == argument


def test_check_crs_can_be_disabled_for_synthetic_metres():
    res = fca(demand_xy=CELLS - [X0, Y0], supply_xy=SITES - [X0, Y0], check_crs=False)
    assert res.values.shape == (3,)


def test_grid_engine_refused_for_scattered_cells():
    with pytest.raises(AnalysisInputError, match="« engine »"):
        fca(demand_xy=CELLS + [[0, 0], [0, 37.5], [3, 0]], engine="grid")


def test_distance_table_validation():
    with pytest.raises(AnalysisInputError, match="« supply_index »"):
        DistanceTable.from_arrays(
            demand_index=[0], supply_index=[3], distance_m=[10.0], n_demand=3, n_supply=1
        )
    with pytest.raises(AnalysisInputError, match="« distance_m »"):
        DistanceTable.from_arrays(
            demand_index=[0], supply_index=[0], distance_m=[-1.0], n_demand=3, n_supply=1
        )
    table = DistanceTable.from_arrays(
        demand_index=[0], supply_index=[0], distance_m=[10.0], n_demand=2, n_supply=1
    )
    with pytest.raises(AnalysisInputError, match="« demand »"):
        fca(distance_table=table)


def test_other_functions_reject_bad_input():
    with pytest.raises(AnalysisInputError, match="« lonlat »"):
        lonlat_to_lambert93([[650_000.0, 6_860_000.0]])
    with pytest.raises(AnalysisInputError, match="« site_xy »"):
        nearest_site(cell_xy=CELLS, site_xy=np.empty((0, 2)))
    with pytest.raises(AnalysisInputError, match="« population »"):
        population_within(distance_m=[1.0, 2.0], population=[1.0], thresholds_m=[500])
    with pytest.raises(AnalysisInputError, match="« speed_kmh »"):
        minutes_to_metres(10, speed_kmh=0)
    with pytest.raises(AnalysisInputError, match="« children_under_3 »"):
        coverage_rate(places=[10.0], children_under_3=[0.0])
    with pytest.raises(AnalysisInputError, match="« zone_index »"):
        aggregate_to_zones(values=[1.0, 2.0], population=[1.0, 1.0], zone_index=[0])
    with pytest.raises(AnalysisInputError, match="« zone_index »"):
        aggregate_to_zones(values=[1.0, 2.0], population=[1.0, 1.0], zone_index=[0.0, 1.0])
    with pytest.raises(AnalysisInputError, match="« zone_weights »"):
        aggregate_to_zones(
            values=[1.0, 2.0], population=[1.0, 1.0], zone_weights=sp.csr_array(np.ones((3, 1)))
        )
    with pytest.raises(AnalysisInputError, match="« values »"):
        aggregate_to_zones(values=[np.nan, 2.0], population=[1.0, 1.0], zone_index=[0, 0])
    with pytest.raises(AnalysisInputError, match="« qpv »"):
        equity(values=[1.0, 2.0], population=[1.0, 1.0], qpv=[0.0, 2.0])
    with pytest.raises(AnalysisInputError, match="« zone_totals »"):
        dasymetric_distribute(zone_totals=[[1.0, -1.0]], cell_population=[1.0], zone_index=[0])
    with pytest.raises(AnalysisInputError, match="« qpv »"):
        catchments(
            cell_xy=CELLS,
            population=[1.0, 1.0, 1.0],
            site_xy=SITES,
            max_distance_m=500,
            qpv=[0, 1],
        )
    with pytest.raises(AnalysisInputError, match="« max_distance_m »"):
        white_zones(cell_xy=CELLS, population=[1.0, 1.0, 1.0])
