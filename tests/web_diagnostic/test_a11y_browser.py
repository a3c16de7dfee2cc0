"""axe-core (WCAG 2.1 A/AA) on the diagnostic pages, in a real Chromium.

Reuses the harness of ``tests/browser`` (Playwright + Debian Chromium + axe-core). The live
server empties the database after each test, so this module reloads the Armentières dataset
(and clears the computation cache, whose keys hold database ids) once it is done.
"""

from __future__ import annotations

from collections.abc import Iterator

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
    from maillage.territory.loader import load_dataset
    from maillage.territory.models import Territory

    cache.clear()
    with django_db_blocker.unblock():
        if not Territory.objects.filter(slug="armentieres").exists():
            load_dataset("armentieres")


def test_dashboard_has_no_wcag_violation(live_data, page, assert_accessible):
    page.goto(live_data + "/territoire/armentieres/diagnostic/", timeout=60_000)
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
    page.goto(live_data + "/territoire/armentieres/diagnostic/zones/?theme=petite-enfance")
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
