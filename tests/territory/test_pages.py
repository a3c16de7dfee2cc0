"""The territory's first page: figures with source and vintage, and a map without tiles."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def client():
    return Client()


def test_home_lists_the_territory(armentieres, client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Armentières" in response.content.decode()


def test_territory_page_shows_figures_with_source_and_vintage(armentieres, client):
    html = client.get("/territoire/armentieres/").content.decode()
    digits = html.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    assert "24882habitants" in digits and "7410foyers" in digits
    assert "Observatoire 2020 de la CAF" in html
    assert "Attargette - Chanzy" in html
    assert 'lang="fr"' in html
    # Leaflet is served locally, never from a CDN.
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_map_layers_are_served_as_geojson(armentieres, client):
    data = client.get("/territoire/armentieres/carte.geojson").json()
    layers = {(f["properties"]["layer"], f["properties"].get("role")) for f in data["features"]}
    assert ("commune", "ctg") in layers and ("qpv", None) in layers and ("iris", None) in layers
    assert sum(f["properties"]["layer"] == "iris" for f in data["features"]) == 12


def test_leaflet_assets_are_shipped(client, db):
    response = client.get("/static/vendor/leaflet/leaflet.js")
    try:
        assert response.status_code == 200
        assert b"Leaflet" in b"".join(response.streaming_content)[:2000]
    finally:
        response.close()


def test_sources_page_shows_the_manifest(armentieres, client):
    html = client.get("/territoire/armentieres/sources/").content.decode()
    assert "Licence Ouverte" in html and "Filosofi 2017" in html


def test_unknown_territory_is_404(db, client):
    assert client.get("/territoire/nulle-part/").status_code == 404


def test_api_lists_figures(armentieres, client):
    figures = client.get("/api/v1/territories/armentieres/figures").json()
    by_key = {f["key"]: f for f in figures}
    assert by_key["foyers_allocataires"]["value"] == 7410
    assert client.get("/api/v1/territories/nope/figures").status_code == 404


def test_territory_page_links_every_area(armentieres, client):
    html = client.get("/territoire/armentieres/").content.decode()
    for path in (
        "annuaire/",
        "parcours/",
        "diagnostic/",
        "plan/",
        "indicateurs/",
        "journal/",
        "echeancier/",
        "boite-a-outils/",
        "espace/",
    ):
        assert f'href="/territoire/armentieres/{path}"' in html, path


def test_api_docs_use_only_local_assets(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html.split("<body")[0]
