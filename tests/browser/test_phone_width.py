"""On a phone (390 px, the suite's default viewport) the territory and diagnostic pages fit the
screen: a wide table scrolls inside its own focusable box instead of widening the page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path",
    [
        "/territoire/armentieres/",
        "/territoire/armentieres/diagnostic/",
        "/territoire/armentieres/diagnostic/zones/",
    ],
)
def test_page_has_no_horizontal_overflow_on_a_phone(live_data, page, assert_accessible, path):
    page.goto(live_data + path)
    page.wait_for_load_state("networkidle")
    assert page.viewport_size["width"] == 390
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (
        f"{path} : page de {widths[0]} px pour un écran de {widths[1]} px"
    )
    # Every figures table is in a labelled, keyboard-reachable scrolling region.
    tables = page.locator("table.figures").count()
    assert page.locator(".table-scroll table.figures").count() == tables
    assert_accessible(page)
