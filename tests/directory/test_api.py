"""GET /api/v1/structures: search, pagination, and French 4xx for bad parameters."""

from __future__ import annotations

import pytest

URL = "/api/v1/structures"


def _get(client, **params):
    return client.get(URL, params)


def test_search_college_finds_the_four_colleges(client, armentieres):
    response = _get(client, q="college", commune="59017")
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 4
    assert {r["structure"]["uai"] for r in data["results"]} == {
        "0593246H",
        "0594397J",
        "0592946G",
        "0595382E",
    }


@pytest.mark.parametrize("q", ["ROSTAND", "rostand"])
def test_rostand_any_case(client, armentieres, q):
    data = _get(client, q=q).json()
    assert [r["structure"]["name"] for r in data["results"]] == ["Collège Jean Rostand"]


def test_age_one_gives_childcare_places_not_lycees(client, armentieres):
    data = _get(client, age="1", limit="500").json()
    typologies = {r["structure"]["typology_code"] for r in data["results"]}
    assert "lycee" not in typologies
    places = sum(s["capacity"] or 0 for r in data["results"] for s in r["services"])
    assert places == 175 - 72  # the CTG's 6 unnamed micro-crèches are no public fiche


def test_near_gives_metres_and_a_warning(client, armentieres):
    data = _get(client, near="2.8668,50.6878", limit="3").json()
    assert data["results"][0]["structure"]["name"] == "Collège Jean Rostand"
    assert data["results"][0]["distance_m"] < 20
    assert data["unlocated_excluded"] > 0 and data["warnings"]


def test_pagination_is_stable(client, armentieres):
    total = _get(client, limit="500").json()["total"]
    ids = []
    for offset in range(0, total, 10):
        ids += [
            r["structure"]["id"]
            for r in _get(client, limit="10", offset=str(offset)).json()["results"]
        ]
    assert len(ids) == total == len(set(ids))


def test_detail_and_unknown_structure(client, armentieres):
    first = _get(client, q="rostand").json()["results"][0]["structure"]
    response = client.get(f"{URL}/{first['id']}")
    assert response.status_code == 200
    assert response.json()["structure"]["uai"] == "0594397J"
    missing = client.get(f"{URL}/999999")
    assert missing.status_code == 404 and "introuvable" in missing.json()["detail"]
    assert client.get(f"{URL}/abc").status_code == 400
    assert client.get(f"{URL}/{'9' * 30}").status_code == 400


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"age": "abc"}, "age"),
        ({"age": "-1"}, "age"),
        ({"bbox": "1,2"}, "bbox"),
        ({"bbox": "2.9,50.7,2.8,50.6"}, "bbox"),
        ({"near": "foo"}, "near"),
        ({"near": "2.8,nan"}, "near"),
        ({"near": "500,50"}, "near"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"offset": "x"}, "offset"),
        ({"radius_m": "100"}, "near"),
        ({"colour": "red"}, "inconnu"),
        ({"territory": "nulle-part"}, "introuvable"),
        ({"thematique": "garde"}, "thematique"),
        ({"public": "enfants"}, "public"),
        ({"typology": "creche"}, "typology"),
        ({"commune": "59017\x00"}, "commune"),
        ({"q": "x" * 600}, "q"),
        ({"offset": "9" * 40}, "offset"),
    ],
)
def test_malformed_parameters_get_a_french_4xx(client, armentieres, params, fragment):
    response = _get(client, **params)
    assert 400 <= response.status_code < 500
    assert fragment in response.json()["detail"]


def test_openapi_documents_the_search(client, armentieres):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/structures"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "thematique", "public", "age", "commune", "bbox", "near", "typology"} <= names
    assert "/api/v1/structures/{structure_id}" in schema["paths"]


def test_geojson_endpoint_uses_the_same_filters(client, armentieres):
    response = client.get(f"{URL}/geojson", {"typology": "college", "commune": "59017"})
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 4 and data["unlocated"] == 0
    eaje = client.get(f"{URL}/geojson", {"typology": "EAJE"}).json()
    assert eaje["unlocated"] > 0  # the CTG's crèches are « à localiser »
    assert client.get(f"{URL}/geojson", {"near": "x,y"}).status_code == 400


def test_known_vocabulary_is_accepted(client, armentieres):
    for params in (
        {"thematique": "famille"},
        {"thematique": "famille--garde-denfants"},
        {"public": "familles"},
        {"typology": "eaje-micro-creche"},
        {"typology": "eaje"},
    ):
        assert _get(client, **params).status_code == 200, params


def test_orientation_fields_reach_the_api_and_the_pro_view(client, armentieres):
    from maillage.directory.models import Service
    from maillage.directory.services import service_update

    service = Service.objects.get(structure__source_id="creche-entreprise-epsm")
    service_update(
        service=service,
        conditions_acces="Enfants du personnel en priorité",
        modes_mobilisation=["envoyer-un-courriel"],
        mobilisable_par=["professionnels"],
    )
    detail = client.get(f"{URL}/{service.structure_id}").json()
    shown = detail["services"][0]
    assert shown["conditions_acces"] == "Enfants du personnel en priorité"
    assert shown["modes_mobilisation"] == ["envoyer-un-courriel"]
    assert shown["mobilisable_par"] == ["professionnels"]
    pro = client.get("/territoire/armentieres/pro/annuaire/", {"q": "epsm"}).content.decode()
    assert "Enfants du personnel en priorité" in pro and "Envoyer un courriel" in pro
