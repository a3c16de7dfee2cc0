"""Scenario pages: coordinators only, whole-scenario validation with field messages, nothing
written on error, before/after and comparison."""

from __future__ import annotations

from django.urls import reverse

from maillage.diagnostic.models import HousingProject, Scenario, ScenarioChange

from .conftest import SCRIPT, most_populated_iris


def url(name, *args):
    return reverse(f"web:{name}", args=["armentieres", *args])


BASE = {
    "name": "Crèche (exemple fictif)",
    "theme": "petite-enfance",
    "public": "0-2",
    "distance_m": "1000",
}


def _add(zone: str, **extra) -> dict:
    return {
        "c-action": "add",
        "c-name": "Crèche (exemple fictif)",
        "c-typology": "eaje-creche-collective",
        "c-places": "30",
        "c-zone": zone,
        **extra,
    }


def test_anonymous_and_non_coordinators_cannot_create(client, armentieres, django_user_model):
    data = {**BASE, **_add(most_populated_iris(armentieres))}
    response = client.post(url("diagnostic-scenarios"), data)
    assert response.status_code == 302 and "next=" in response["Location"]
    user = django_user_model.objects.create_user(username="partenaire", password="x-y-z-123456")
    client.force_login(user)
    assert client.post(url("diagnostic-scenarios"), data).status_code == 403
    assert not Scenario.objects.exists()


def test_coordinator_creates_a_creche_and_sees_the_iris_coverage_rise(
    coordinator_client, armentieres, childcare_located
):
    code = most_populated_iris(armentieres)
    response = coordinator_client.post(url("diagnostic-scenarios"), {**BASE, **_add(code)})
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.changes.get().places == 30
    page = coordinator_client.get(url("diagnostic-scenario", scenario.pk))
    assert page.status_code == 200
    s = page.context["s"]
    zone = s.zone(code)
    assert zone.after > (zone.before or 0)
    assert "delta-up" in page.content.decode()


def test_a_position_outside_the_territory_is_refused_on_the_field(coordinator_client):
    data = {**BASE, **_add("", **{"c-lon": "2.35", "c-lat": "48.85"})}
    response = coordinator_client.post(url("diagnostic-scenarios"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_c-lon_error"' in page
    assert "hors du territoire" in page
    assert not Scenario.objects.exists()


def test_bad_housing_and_unknown_structure_get_field_messages(coordinator_client, creche_scenario):
    edit = url("diagnostic-scenario-edit", creche_scenario.pk)
    response = coordinator_client.post(
        edit,
        {
            "op": "housing",
            "h-name": "Logements",
            "h-dwellings": "-3",
            "h-delivery_year": "2025",
            "h-zone": creche_scenario.iris_code,
        },
    )
    assert response.status_code == 400
    assert 'id="id_h-dwellings_error"' in response.content.decode()
    response = coordinator_client.post(
        edit,
        {"op": "housing", "h-name": "Logements", "h-dwellings": "40", "h-delivery_year": "2025"},
    )
    assert response.status_code == 400
    assert "position obligatoire" in response.content.decode()
    assert not HousingProject.objects.exists()
    response = coordinator_client.post(
        edit, {"op": "change", "c-action": "resize", "c-structure": "987654", "c-places": "3"}
    )
    assert response.status_code == 400
    assert ScenarioChange.objects.filter(scenario=creche_scenario).count() == 1


def test_housing_project_and_change_removal(coordinator_client, creche_scenario):
    edit = url("diagnostic-scenario-edit", creche_scenario.pk)
    response = coordinator_client.post(
        edit,
        {
            "op": "housing",
            "h-name": "Logements (exemple fictif)",
            "h-dwellings": "120",
            "h-delivery_year": "2025",
            "h-zone": creche_scenario.iris_code,
        },
    )
    assert response.status_code == 302
    project = HousingProject.objects.get(scenario=creche_scenario)
    assert project.dwellings == 120
    detail = coordinator_client.get(url("diagnostic-scenario", creche_scenario.pk))
    s = detail.context["s"]
    assert s.children_after > s.children_before
    change = creche_scenario.changes.get()
    coordinator_client.post(edit, {"op": "delete-change", "item": change.pk})
    assert not creche_scenario.changes.exists()


def test_scenario_names_are_escaped_and_compared(client, armentieres, creche_scenario):
    from maillage.diagnostic.scenarios import scenario_save, spec_from_file

    spec = spec_from_file(
        territory=armentieres,
        data={
            "territory": "armentieres",
            "name": SCRIPT,
            "changes": [
                {
                    "action": "add",
                    "name": SCRIPT,
                    "typology": "eaje-micro-creche",
                    "places": 10,
                    "zone": creche_scenario.iris_code,
                }
            ],
        },
    )
    other = scenario_save(spec=spec)
    for page in (
        client.get(url("diagnostic-scenarios")),
        client.get(url("diagnostic-scenario", other.pk)),
        client.get(url("diagnostic-scenario-compare"), {"s": [creche_scenario.pk, other.pk]}),
    ):
        assert page.status_code == 200
        assert SCRIPT not in page.content.decode()
    compare = client.get(url("diagnostic-scenario-compare"), {"s": [creche_scenario.pk, other.pk]})
    assert creche_scenario.name in compare.content.decode()
    assert len(compare.context["result"].comparisons) == 2
    assert client.get(url("diagnostic-scenario-compare"), {"s": [other.pk]}).status_code == 400


def test_scenario_map_has_the_white_zones_before_and_after(client, creche_scenario):
    after = client.get(url("diagnostic-scenario-geojson", creche_scenario.pk), {"quand": "après"})
    layers = {f["properties"]["layer"] for f in after.json()["features"]}
    assert "site" in layers and "commune" in layers
    before = client.get(url("diagnostic-scenario-geojson", creche_scenario.pk), {"quand": "avant"})
    assert before.status_code == 200


def test_coordinator_edits_the_parameters_with_field_messages(coordinator_client, creche_scenario):
    edit = url("diagnostic-scenario-edit", creche_scenario.pk)
    page = coordinator_client.get(edit)
    assert page.status_code == 200
    assert page.context["meta"].initial["distance_m"] == 1000
    data = {
        "op": "meta",
        "name": "Crèche à 800 m (exemple fictif)",
        "theme": "petite-enfance",
        "public": "0-2",
        "distance_m": "20000",
    }
    response = coordinator_client.post(edit, data)
    assert response.status_code == 400
    assert 'id="id_distance_m_error"' in response.content.decode()
    response = coordinator_client.post(edit, {**data, "distance_m": "800"})
    assert response.status_code == 302
    creche_scenario.refresh_from_db()
    assert creche_scenario.max_distance_m == 800
    assert creche_scenario.name == "Crèche à 800 m (exemple fictif)"
