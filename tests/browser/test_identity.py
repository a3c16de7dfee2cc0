"""Maillage's visual identity in Chromium (issue 20), at 1280 px and 390 px.

The pages a visitor meets first — home, directory with its map, a fiche, the territory, the
diagnostic — fit the screen, pass axe-core, and show each CTG theme with its pictogram and its
name in text; on the map every structure is a theme marker (shape + pictogram, so the map reads
without colour), titled with the structure's name, with a legend of the themes. Screenshots go
to ``var/screenshots/identity/`` (not committed), for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "identity"
T = "/territoire/armentieres"


def _open(browser, base: str, path: str, width: int):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    return context, page


def _check(page, assert_accessible, name: str, width: int) -> None:
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert scroll <= inner, f"{page.url} : page de {scroll} px pour un écran de {inner} px"
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_directory_cards_and_map_markers_show_the_theme(
    live_data, browser, assert_accessible, width
):
    context, page = _open(browser, live_data, f"{T}/annuaire/?age=2", width)
    try:
        page.wait_for_selector(".leaflet-marker-icon.theme-marker, .marker-cluster")
        card = page.locator(".result").first
        theme = card.get_attribute("data-theme")
        assert theme
        label = card.locator(".theme")
        assert label.inner_text().strip()  # the theme's name in text
        icon = label.locator("img.theme-icon")
        assert icon.get_attribute("aria-hidden") == "true" and icon.get_attribute("alt") == ""
        assert page.evaluate(
            "() => [...document.querySelectorAll('img.theme-icon')]"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )
        # « Voir sur la carte » opens the clusters: the structure is a theme marker titled by
        # its name, with its popup.
        located = page.locator(".result:has([data-show-on-map]:visible)").first
        name = located.locator("h3").inner_text().strip()
        located.locator("[data-show-on-map]").click()
        marker = page.locator(f'.leaflet-marker-icon.theme-marker[title="{name}"]')
        marker.wait_for()
        assert marker.locator("img").get_attribute("aria-hidden") == "true"
        page.wait_for_selector(".leaflet-popup")
        assert page.locator(".theme-legend li").count() == 9  # every theme, named in text
        _check(page, assert_accessible, "annuaire", width)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_fiche_shows_its_theme_and_a_theme_marker(live_data, browser, assert_accessible, width):
    from maillage.directory.models import Structure

    s = (
        Structure.objects.filter(
            territory__slug="armentieres", lon__isnull=False, typology__isnull=False
        )
        .order_by("pk")
        .first()
    )
    assert s is not None
    context, page = _open(browser, live_data, f"{T}/structures/{s.pk}/", width)
    try:
        page.wait_for_selector("#carte-structure .theme-marker")
        assert page.locator("h1 + .result-theme .theme").inner_text().strip()
        assert page.locator(f"#carte-structure .theme-{s.typology.theme}").count() == 1
        _check(page, assert_accessible, "fiche", width)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("accueil", "/"),
        ("territoire", f"{T}/"),
        ("parcours", f"{T}/parcours/"),
        ("diagnostic", f"{T}/diagnostic/"),
    ],
)
def test_first_pages_fit_and_pass_axe(live_data, browser, assert_accessible, name, path, width):
    context, page = _open(browser, live_data, path, width)
    try:
        assert page.locator(".brand img").get_attribute("aria-hidden") == "true"
        _check(page, assert_accessible, name, width)
    finally:
        context.close()
