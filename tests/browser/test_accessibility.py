"""axe-core (WCAG 2.1 A/AA) on the public pages, in a real Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_home_page_has_no_wcag_violation(live_data, page, assert_accessible):
    page.goto(live_data + "/")
    assert page.locator("h1").first.is_visible()
    assert_accessible(page)


def test_territory_page_has_no_wcag_violation(live_data, page, assert_accessible):
    page.goto(live_data + "/territoire/armentieres/")
    page.wait_for_selector(".map .leaflet-interactive")
    assert_accessible(page)


def test_axe_reports_an_unlabelled_field(page):
    """The harness itself: a form field without a label must be reported, readably."""
    from .conftest import axe_violations, format_violations

    page.set_content(
        '<!DOCTYPE html><html lang="fr"><head><title>t</title></head>'
        '<body><main><h1>t</h1><input type="text"></main></body></html>'
    )
    violations = axe_violations(page)
    assert "label" in {v["id"] for v in violations}
    assert "input" in format_violations(violations)


@pytest.mark.parametrize(
    "path",
    [
        "/territoire/armentieres/annuaire/",
        "/territoire/armentieres/annuaire/?q=ecole&age=4",
        "/territoire/armentieres/parcours/",
        "/territoire/armentieres/pro/annuaire/?thematique=famille",
        "/territoire/armentieres/qualite/",
    ],
)
def test_directory_pages_have_no_wcag_violation(live_data, page, assert_accessible, path):
    page.goto(live_data + path)
    page.wait_for_load_state("networkidle")
    assert_accessible(page)


def test_structure_pages_have_no_wcag_violation(live_data, page, assert_accessible):
    from maillage.directory.models import Structure

    located = Structure.objects.filter(territory__slug="armentieres", x_l93__isnull=False)
    unlocated = Structure.objects.filter(territory__slug="armentieres", x_l93__isnull=True)
    for s in (located.order_by("pk").first(), unlocated.order_by("pk").first()):
        page.goto(f"{live_data}/territoire/armentieres/structures/{s.pk}/")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == s.name
        assert_accessible(page)
