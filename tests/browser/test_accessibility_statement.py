"""The accessibility statement crawled by axe-core (WCAG 2.1 A/AA) at 1280 and 390 px, reached
from the footer, without horizontal scrolling on a phone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_statement_has_no_wcag_violation(live_data, browser, assert_accessible, width, tmp_path):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_data + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibilité : non conforme").click()
    page.wait_for_url("**/accessibilite/")
    assert page.locator("h1").inner_text() == "Déclaration d'accessibilité"
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page de {widths[0]} px pour un écran de {widths[1]} px"
    page.screenshot(path=str(tmp_path / f"accessibilite-{width}.png"), full_page=True)
    assert_accessible(page)
    context.close()
