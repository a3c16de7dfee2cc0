"""Geolocation (« Autour de moi ») and placing a structure « à localiser » on the map."""

from __future__ import annotations

import pytest
from django.test import Client
from factories import coordinator

from maillage.directory.models import Structure

pytestmark = pytest.mark.browser


def test_around_me_sorts_results_from_the_browser_position(live_data, browser):
    target = Structure.objects.get(territory__slug="armentieres", name="Collège Jean Rostand")
    context = browser.new_context(
        locale="fr-FR",
        geolocation={"latitude": target.lat, "longitude": target.lon},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        page.goto(live_data + "/territoire/armentieres/annuaire/")
        page.get_by_role("button", name="Autour de moi").click()
        page.wait_for_url(lambda url: "lat=" in url and "lon=" in url)
        page.wait_for_selector("#resultats .results-summary:has-text('triés par distance')")
        first = page.locator("#resultats .result h3").first.inner_text()
        assert first == "Collège Jean Rostand"
        assert "à 0 m" in page.locator("#resultats .result").first.inner_text()
    finally:
        context.close()


def test_coordinator_places_a_structure_by_clicking_the_map(live_data, browser):
    structure = (
        Structure.objects.filter(territory__slug="armentieres", x_l93__isnull=True)
        .order_by("pk")
        .first()
    )
    user = coordinator(structure.territory, username="coord", password="x-Secret-42")
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1000, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_data}]
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(e))
    try:
        page.goto(live_data + "/territoire/armentieres/qualite/")
        page.wait_for_selector("#carte-placement .leaflet-interactive")
        form = page.locator(f"#placer-{structure.pk}")
        form.get_by_role("button", name="Placer sur la carte").click()
        assert page.locator("#placement-courant").inner_text() == structure.name
        box = page.locator("#carte-placement").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        lat = form.get_by_label("Latitude (WGS84)").input_value()
        lon = form.get_by_label("Longitude (WGS84)").input_value()
        assert lat and lon
        page.wait_for_selector("#carte-placement .leaflet-marker-draggable")
        form.get_by_role("button", name="Enregistrer la position").click()
        page.wait_for_selector(".messages")
        assert structure.name in page.locator(".messages").inner_text()
        structure.refresh_from_db()
        assert (round(structure.lat, 6), round(structure.lon, 6)) == (float(lat), float(lon))
        assert structure.x_l93 is not None
        assert page.locator(f"#placer-{structure.pk}").count() == 0
        assert not errors
    finally:
        context.close()
