"""axe-core (WCAG 2.1 A/AA) on the diagnostic pages, in a real Chromium.

Reuses the harness of ``tests/browser`` (Playwright + Debian Chromium + axe-core). The live
server empties the database after each test, so this module reloads the Armentières dataset
(and clears the computation cache, whose keys hold database ids) once it is done.
"""

from __future__ import annotations

from collections.abc import Iterator

import dataset_state
import pytest
from browser import conftest as harness

# The harness's fixtures, made visible to this module's tests (used by name).
page = harness.page
live_data = harness.live_data
assert_accessible = harness.assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest) -> Iterator:
    """The Chromium of ``tests/browser`` when it already runs in this session (Playwright's sync
    API allows one per thread), else one for this module, closed at its end."""
    manager = request._fixturemanager
    candidates = list(getattr(manager, "_arg2fixturedefs", {}).get("browser", ()))  # pytest < 9
    for defs in getattr(manager, "_arg2node2fixturedefs", {}).get("browser", {}).values():
        candidates.extend(defs)  # pytest ≥ 9
    for fixturedef in candidates:
        cached = getattr(fixturedef, "cached_result", None)
        if cached is not None and cached[0] is not None:  # the harness's, already running
            yield cached[0]
            return
    import os

    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(harness.CHROMIUM), args=harness.CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module", autouse=True)
def _reload_dataset_after(django_db_setup, django_db_blocker) -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
    with django_db_blocker.unblock():
        dataset_state.restore()


# The CTG's childcare records with places: none is located in the embedded data, so every
# spatial analysis is « non calculable » there and its map is not drawn (a notice is shown).
CTG_CHILDCARE = {
    "creche-municipale": "590170103",
    "creche-dentreprise-de-lepsm": "590170202",
    "micro-creches-privees-6-lieux": "590170301",
    "multi-accueil-municipal-2-lieux": "590170402",
}
FICTIF = "exemple fictif (test) : position générée dans la commune"


def _locate_ctg_childcare() -> None:
    """Place the CTG's childcare records at the population centre of an IRIS each, in the test
    database only (positions made up by code: exemple fictif), so the analyses are computable."""
    from django.core.cache import cache

    from maillage.diagnostic.inputs import load_demand
    from maillage.directory.models import Structure
    from maillage.directory.services import structure_place
    from maillage.territory.geo import l93_to_lonlat
    from maillage.territory.models import Territory
    from maillage.territory.services import territory_touch

    territory = Territory.objects.get(slug="armentieres")
    demand = load_demand(territory=territory)
    codes = [z.code for z in demand.zones]
    for slug, code in CTG_CHILDCARE.items():
        w = demand.zone_weights[:, [codes.index(code)]].toarray().ravel() * demand.population
        lon, lat = l93_to_lonlat(*((w @ demand.xy) / w.sum()))
        structure_place(
            structure=Structure.objects.get(territory=territory, slug=slug),
            lon=float(lon),
            lat=float(lat),
            precision=Structure.Precision.APPROXIMATE,
            source=FICTIF,
        )
    territory_touch(territory=territory)
    cache.clear()


def _expect_not_computable(page, map_id: str) -> None:
    """The page as a user sees it on the embedded data: the notice, and no map."""
    page.wait_for_selector(".warning.validity", timeout=30_000)
    assert "Non calculable" in page.locator(".warning.validity").first.inner_text()
    assert page.locator(f"#{map_id}").count() == 0


def test_dashboard_has_no_wcag_violation(live_data, page, assert_accessible):
    url = live_data + "/territoire/armentieres/diagnostic/"
    page.goto(url, timeout=60_000)
    _expect_not_computable(page, "carte-couverture")
    assert_accessible(page)
    # Once the supply is located, the coverage map is drawn: checked with it.
    _locate_ctg_childcare()
    page.goto(url, timeout=60_000)
    page.wait_for_selector("#carte-couverture .leaflet-interactive", timeout=30_000)
    assert_accessible(page)


def test_zones_page_with_a_field_error_has_no_wcag_violation(
    live_data,
    page,
    assert_accessible,
):
    page.goto(live_data + "/territoire/armentieres/diagnostic/zones/?theme=enfance&distance_m=5")
    assert page.locator("#id_distance_m_error").is_visible()
    assert_accessible(page)
    url = live_data + "/territoire/armentieres/diagnostic/zones/?theme=petite-enfance"
    page.goto(url, timeout=60_000)
    _expect_not_computable(page, "carte-zones")
    assert_accessible(page)
    # Once the supply is located, the zones map is drawn: checked with it.
    _locate_ctg_childcare()
    page.goto(url, timeout=60_000)
    page.wait_for_selector("#carte-zones .leaflet-interactive", timeout=30_000)
    assert_accessible(page)


def test_quality_and_scenario_pages_have_no_wcag_violation(
    live_data,
    page,
    assert_accessible,
):
    from maillage.diagnostic.scenarios import scenario_save, spec_from_file
    from maillage.territory.models import Territory

    territory = Territory.objects.get(slug="armentieres")
    spec = spec_from_file(
        territory=territory,
        data={
            "territory": "armentieres",
            "name": "Crèche (exemple fictif)",
            "changes": [
                {
                    "action": "add",
                    "name": "Crèche (exemple fictif)",
                    "typology": "eaje-creche-collective",
                    "places": 30,
                    "zone": "590170201",
                }
            ],
        },
    )
    scenario = scenario_save(spec=spec)
    for path in (
        "diagnostic/qualite/",
        "diagnostic/scenarios/",
        f"diagnostic/scenarios/{scenario.pk}/",
    ):
        page.goto(f"{live_data}/territoire/armentieres/{path}", timeout=60_000)
        assert_accessible(page)
