"""Pure accessibility engine of Maillage (no Django): distances, catchments, 2SFCA/E2SFCA,
zones blanches, aggregation to zones, equity, dasymetric distribution.

Conventions: coordinates in Lambert-93 (EPSG:2154), distances in metres, arrays in and
frozen dataclasses of numpy arrays out. Invalid input raises :class:`AnalysisInputError`
(a ``ValueError``) with a French message naming the argument.
"""

from .accessibility import (
    AccessibilityResult,
    CoverageResult,
    coverage_rate,
    coverage_rate_by_zone,
    gaussian_decay,
    gravity_decay,
    two_step_fca,
)
from .aggregate import (
    DasymetricResult,
    EquityResult,
    ZoneAggregate,
    aggregate_to_zones,
    cell_zone_area_weights,
    cell_zone_index,
    dasymetric_distribute,
    equity,
    weighted_gini,
)
from .catchment import Catchments, WhiteZones, catchments, white_zones
from .distance import (
    DistanceTable,
    NearestSite,
    ThresholdShares,
    minutes_to_metres,
    nearest_site,
    pairs_within,
    population_within,
)
from .errors import AnalysisInputError
from .geometry import (
    LAMBERT93,
    WGS84,
    RegularGrid,
    cell_squares,
    detect_regular_grid,
    lambert93_to_lonlat,
    lonlat_to_lambert93,
    synthetic_grid,
)
from .validity import (
    MIN_LOCATED_SHARE,
    MIN_WHITE_ZONE_CELLS,
    MIN_WHITE_ZONE_POPULATION,
    SupplyValidity,
    supply_validity,
)

__all__ = [
    "LAMBERT93",
    "MIN_LOCATED_SHARE",
    "MIN_WHITE_ZONE_CELLS",
    "MIN_WHITE_ZONE_POPULATION",
    "WGS84",
    "AccessibilityResult",
    "AnalysisInputError",
    "Catchments",
    "CoverageResult",
    "DasymetricResult",
    "DistanceTable",
    "EquityResult",
    "NearestSite",
    "RegularGrid",
    "SupplyValidity",
    "ThresholdShares",
    "WhiteZones",
    "ZoneAggregate",
    "aggregate_to_zones",
    "catchments",
    "cell_squares",
    "cell_zone_area_weights",
    "cell_zone_index",
    "coverage_rate",
    "coverage_rate_by_zone",
    "dasymetric_distribute",
    "detect_regular_grid",
    "equity",
    "gaussian_decay",
    "gravity_decay",
    "lambert93_to_lonlat",
    "lonlat_to_lambert93",
    "minutes_to_metres",
    "nearest_site",
    "pairs_within",
    "population_within",
    "supply_validity",
    "synthetic_grid",
    "two_step_fca",
    "weighted_gini",
    "white_zones",
]
