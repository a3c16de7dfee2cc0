"""``/api/v1/analyse/{territory}/…``."""

from __future__ import annotations

import pytest


def test_couverture(client, armentieres):
    response = client.get("/api/v1/analyse/armentieres/couverture")
    assert response.status_code == 200
    data = response.json()
    assert data["places_total"] == 175 and round(data["rate"], 1) == 16.7
    assert {z["kind"] for z in data["zones"]} == {"iris", "qpv"}


def test_zones_blanches_geojson(client, armentieres, locate_theme_supply):
    locate_theme_supply("petite-enfance")
    response = client.get(
        "/api/v1/analyse/armentieres/zones-blanches",
        {"theme": "petite-enfance", "public": "0-2", "distance_m": "500"},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert all(f["properties"]["population"] > 0 for f in data["features"])
    assert data["features"] and data["validity"]["computable"] is True


def test_influence_geojson(client, armentieres, locate_theme_supply):
    locate_theme_supply("parentalite")
    response = client.get("/api/v1/analyse/armentieres/influence", {"theme": "parentalite"})
    assert response.status_code == 200
    assert response.json()["features"][0]["properties"]["population"] > 0


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ({"theme": "sport"}, "theme"),
        ({"public": "vieux"}, "public"),
        ({"distance_m": "loin"}, "distance_m"),
        ({"distance_m": "1e9"}, "distance_m"),
        ({"rayon": "3"}, "inconnu"),
    ],
)
def test_bad_parameters_get_a_400_in_french(client, armentieres, query, word):
    response = client.get("/api/v1/analyse/armentieres/zones-blanches", query)
    assert response.status_code == 400
    assert word in response.json()["detail"]


def test_unknown_territory_is_404(client, armentieres):
    assert client.get("/api/v1/analyse/atlantide/couverture").status_code == 404
