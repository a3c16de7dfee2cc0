"""Fixtures of the diagnostic tests.

The Django cache (local memory) outlives each test's rolled-back transaction: it is cleared
around every test so that a result computed from a test's changes never leaks to another.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def locate():
    """Give a structure a WGS84 position (and its Lambert-93 projection), as a loader would."""
    from maillage.directory.models import Structure
    from maillage.territory.geo import lonlat_to_l93

    def _locate(slug: str, lon: float, lat: float) -> None:
        x, y = (float(v) for v in lonlat_to_l93(lon, lat))
        Structure.objects.filter(slug=slug).update(lon=lon, lat=lat, x_l93=x, y_l93=y)

    return _locate


@pytest.fixture
def iris_centre(armentieres):
    """WGS84 centre (population-weighted cells) of an IRIS of the territory."""
    from maillage.diagnostic.inputs import load_demand
    from maillage.territory.geo import l93_to_lonlat

    demand = load_demand(territory=armentieres)

    def _centre(code: str) -> tuple[float, float]:
        j = [z.code for z in demand.zones].index(code)
        w = demand.zone_weights[:, [j]].toarray().ravel() * demand.population
        x, y = (w @ demand.xy) / w.sum()
        lon, lat = l93_to_lonlat(x, y)
        return float(lon), float(lat)

    return _centre


@pytest.fixture
def locate_theme_supply(armentieres, locate, iris_centre):
    """Position every declared record of a theme in the CTG perimeter (« à localiser » ones
    included) at IRIS population centres, in turn (exemple fictif: positions made up by code
    inside the commune, only in the test database), then bump the data version."""
    from maillage.diagnostic.inputs import load_sites
    from maillage.diagnostic.themes import THEMES
    from maillage.diagnostic.validity import declared_supply
    from maillage.territory.services import territory_touch

    codes = ["590170103", "590170202", "590170301", "590170402", "590170201", "590170304"]

    def _locate_all(theme: str, public: str | None = None) -> list[str]:
        t = THEMES[theme]
        rows = declared_supply(
            load_sites(territory=armentieres), theme=t, public=public or t.default_public
        )
        slugs = [s.slug for s in rows if not s.located]
        for k, slug in enumerate(slugs):
            locate(slug, *iris_centre(codes[k % len(codes)]))
        territory_touch(territory=armentieres)
        return slugs

    return _locate_all
