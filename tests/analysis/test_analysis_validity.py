"""Validity of a spatial result (share of the declared supply located) and the minimum size
of a zone blanche, on small synthetic arrays (exemple fictif) with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.analysis import (
    MIN_LOCATED_SHARE,
    MIN_WHITE_ZONE_CELLS,
    MIN_WHITE_ZONE_POPULATION,
    AnalysisInputError,
    supply_validity,
    white_zones,
)

X0, Y0 = 650_000.0, 6_860_000.0
NAN = float("nan")


def test_threshold_is_documented_and_eighty_percent():
    assert MIN_LOCATED_SHARE == 0.8
    assert MIN_WHITE_ZONE_POPULATION == 1.0 and MIN_WHITE_ZONE_CELLS == 2


def test_no_place_located_is_not_computable_and_lists_every_record():
    # Four childcare records of 15, 55, 72 and 33 places, none located (175 places).
    v = supply_validity(located=[False] * 4, places=[15, 55, 72, 33])
    assert not v.computable
    assert v.unit == "places"
    assert (v.declared_places, v.located_places) == (175, 0)
    assert v.share == 0.0
    assert v.to_locate == (0, 1, 2, 3)


def test_share_is_in_places_when_capacities_are_known():
    # 140 of 175 places located = 80 % exactly; 3 lieux of 4.
    v = supply_validity(located=[True, False, True, True], places=[55, 35, 15, 70])
    assert v.places_share == pytest.approx(140 / 175)
    assert v.lieux_share == pytest.approx(0.75)
    # The binding measure is the lower one: 75 % of the lieux < 80 %.
    assert v.share == pytest.approx(0.75) and not v.computable


@pytest.mark.parametrize(
    ("located_places", "computable"), [(79, False), (80, True), (81, True), (100, True)]
)
def test_threshold_boundary_on_places(located_places, computable):
    # Ten records of ten places; the unlocated one holds the remaining places (exemple fictif).
    places = [located_places / 9] * 9 + [100 - located_places]
    located = [True] * 9 + [False]
    v = supply_validity(located=located, places=places, lieux=[1] * 10, min_share=0.8)
    assert v.places_share == pytest.approx(located_places / 100)
    assert v.lieux_share == pytest.approx(0.9)
    assert v.computable is computable


def test_records_are_counted_when_no_capacity_is_known_grouped_records_by_their_lieux():
    # A grouped record « 6 lieux » unlocated, four single records located: 4 of 10 lieux.
    v = supply_validity(
        located=[False, True, True, True, True], places=[NAN] * 5, lieux=[6, 1, 1, 1, 1]
    )
    assert v.unit == "lieux"
    assert v.declared_places is None and v.places_share is None
    assert (v.declared_lieux, v.located_lieux) == (10, 4)
    assert v.share == pytest.approx(0.4) and not v.computable
    assert v.to_locate == (0,)
    all_located = supply_validity(located=[True] * 5, places=[NAN] * 5, lieux=[6, 1, 1, 1, 1])
    assert all_located.computable and all_located.share == 1.0


def test_nothing_declared_is_not_computable():
    v = supply_validity(located=[], places=[])
    assert not v.computable and v.share is None and v.declared_lieux == 0


def test_bad_input_names_the_argument():
    with pytest.raises(AnalysisInputError, match="places"):
        supply_validity(located=[True], places=[-1])
    with pytest.raises(AnalysisInputError, match="lieux"):
        supply_validity(located=[True], places=[NAN], lieux=[0])
    with pytest.raises(AnalysisInputError, match="places"):
        supply_validity(located=[True, False], places=[1])


def _row(n: int, y: float = Y0 + 100) -> np.ndarray:
    return np.column_stack([X0 + 100 + 200.0 * np.arange(n), np.full(n, y)])


def test_single_cell_and_under_one_person_zones_are_not_reported():
    # A row of 9 cells; cells 3 and 6 are served (accessibility 1), splitting the others
    # into zones {0,1,2}, {4,5} and {7,8}; plus a lone cell far away (exemple fictif).
    xy = np.vstack([_row(9), [[X0 + 100, Y0 + 2100]]])
    pop = np.array([5, 5, 5, 0, 0.3, 0.4, 0, 2, 2, 50.0])
    access = np.array([0, 0, 0, 1, 0, 0, 1, 0, 0, 0.0])
    raw = white_zones(cell_xy=xy, population=pop, accessibility=access, min_accessibility=0.5)
    assert raw.population.tolist() == pytest.approx([50, 15, 4, 0.7])
    kept = white_zones(
        cell_xy=xy,
        population=pop,
        accessibility=access,
        min_accessibility=0.5,
        min_population=MIN_WHITE_ZONE_POPULATION,
        min_cells=MIN_WHITE_ZONE_CELLS,
    )
    # The lone cell (50 people, one isolated cell) and the 0.7-person zone are dropped.
    assert kept.population.tolist() == pytest.approx([15, 4])
    assert kept.cell_count.tolist() == [3, 2]
    assert (kept.dropped_count, kept.dropped_population) == (2, pytest.approx(50.7))
    assert kept.total_population == pytest.approx(19)
    assert kept.cell_zone.tolist() == [0, 0, 0, -1, -1, -1, -1, 1, 1, -1]
    assert len(kept.polygons) == 2
