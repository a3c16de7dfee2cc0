"""Scenario edit services: whole-scenario validation before any write, French errors named by
their field path, one transaction, every write kept in the change history."""

from __future__ import annotations

import pytest

from maillage.accounts.models import ChangeRecord
from maillage.diagnostic.models import HousingProject, Scenario, ScenarioChange
from maillage.diagnostic.services import (
    ScenarioValidationError,
    housing_project_add,
    housing_project_delete,
    scenario_change_add,
    scenario_change_delete,
    scenario_create,
    scenario_data,
    scenario_run,
    scenario_update,
)
from maillage.directory.models import Structure

IRIS = "590170201"  # an IRIS of Armentières (embedded dataset)


def _creche(zone: str = IRIS, places: int = 30) -> dict:
    return {
        "action": "add",
        "name": "Crèche (exemple fictif)",
        "typology": "eaje-creche-collective",
        "places": places,
        "zone": zone,
    }


def _housing(**extra) -> dict:
    return {
        "name": "Logements (exemple fictif)",
        "dwellings": 120,
        "delivery_year": 2026,
        "zone": IRIS,
        **extra,
    }


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user(username="coordination", password="x-y-z-12345")


@pytest.fixture
def scenario(armentieres, user):
    return scenario_create(
        territory=armentieres,
        name="Crèche de 30 places (exemple fictif)",
        changes=[_creche()],
        author=user,
    )


def _records(obj, action: str):
    return ChangeRecord.objects.filter(
        content_type__model=obj._meta.model_name, object_id=str(obj.pk), action=action
    )


def _counts() -> tuple[int, int, int, int]:
    return (
        Scenario.objects.count(),
        ScenarioChange.objects.count(),
        HousingProject.objects.count(),
        ChangeRecord.objects.count(),
    )


def test_create_stores_the_scenario_and_its_change_and_keeps_it_in_the_history(scenario, user):
    change = scenario.changes.get()
    assert (change.action, change.places, change.zone.code) == ("add", 30, IRIS)
    assert (change.lon, change.lat) == (None, None)
    assert scenario.author == user and scenario.max_distance_m == 1000
    record = _records(scenario, "create").get()
    assert record.user == user and record.territory.slug == "armentieres"
    assert scenario_run(scenario=scenario).coverage_delta > 0


def test_invalid_creation_writes_nothing_and_names_each_field(armentieres, user):
    before = _counts()
    with pytest.raises(ScenarioValidationError) as exc:
        scenario_create(
            territory=armentieres,
            name="",
            distance_m=10,
            changes=[_creche(zone="999999999"), {"action": "close", "structure": "inconnue"}],
            author=user,
        )
    errors = exc.value.message_dict
    assert set(errors) == {"name", "distance_m", "changes[0].zone", "changes[1].structure"}
    assert "zone « 999999999 » inconnue" in errors["changes[0].zone"][0]
    assert "champ obligatoire" in errors["name"][0]
    assert _counts() == before


def test_add_a_change_appends_it_after_the_others_and_records_it(scenario, user):
    structure = Structure.objects.get(slug="creche-municipale")
    change = scenario_change_add(
        scenario=scenario, item={"action": "resize", "structure": structure.pk, "places": 40}
    )
    assert [c.action for c in scenario.changes.all()] == ["add", "resize"]
    assert change.position == scenario.changes.get(action="add").position + 1
    assert change.structure == structure and change.places == 40
    assert scenario_data(scenario=scenario)["changes"][1] == {
        "action": "resize",
        "structure": structure.pk,
        "places": 40,
    }
    assert _records(change, "create").get().after["places"] == 40


def test_an_invalid_change_writes_nothing_and_is_named_after_its_position(scenario, user):
    before = _counts()
    with pytest.raises(ScenarioValidationError) as exc:
        scenario_change_add(
            scenario=scenario,
            item={
                "action": "add",
                "name": "Crèche",
                "typology": "eaje-creche-collective",
                "lon": 2.35,
                "lat": 48.85,
            },  # Paris: outside the CTG
            user=user,
        )
    assert list(exc.value.message_dict) == ["changes[1].lon"]
    assert "hors du territoire" in exc.value.message_dict["changes[1].lon"][0]
    assert _counts() == before


def test_delete_a_change_only_in_its_own_scenario(armentieres, scenario, user):
    other = scenario_create(
        territory=armentieres, name="Autre (exemple fictif)", changes=[_creche(places=10)]
    )
    foreign = other.changes.get()
    assert scenario_change_delete(scenario=scenario, change_id=foreign.pk, user=user) is False
    assert ScenarioChange.objects.filter(pk=foreign.pk).exists()
    change = scenario.changes.get()
    assert scenario_change_delete(scenario=scenario, change_id=change.pk, user=user) is True
    assert not scenario.changes.exists()
    record = ChangeRecord.objects.get(
        object_id=str(change.pk), action="delete", content_type__model="scenariochange"
    )
    assert record.before["places"] == 30 and record.after is None and record.user == user


def test_add_then_delete_a_housing_project(scenario, user):
    project = housing_project_add(
        scenario=scenario, item=_housing(age_shares={"0-2": 0.05}, note="Hypothèse"), user=user
    )
    project.refresh_from_db()
    assert (project.dwellings, project.delivery_year, project.zone.code) == (120, 2026, IRIS)
    assert project.age_shares == {"0-2": 0.05} and project.persons_per_dwelling is None
    result = scenario_run(scenario=scenario)
    assert result.children_after > result.children_before
    assert _records(project, "create").get().user == user
    assert housing_project_delete(scenario=scenario, project_id=project.pk, user=user) is True
    assert not scenario.housing_projects.exists()
    assert housing_project_delete(scenario=scenario, project_id=project.pk, user=user) is False


def test_an_invalid_housing_project_writes_nothing(scenario, user):
    before = _counts()
    with pytest.raises(ScenarioValidationError) as exc:
        housing_project_add(scenario=scenario, item=_housing(dwellings=-3, zone=None), user=user)
    errors = exc.value.message_dict
    assert set(errors) == {"housing[0].dwellings", "housing[0].lon"}
    assert "position obligatoire" in errors["housing[0].lon"][0]
    assert _counts() == before


def test_update_revalidates_the_whole_scenario_and_records_the_difference(scenario, user):
    fields = {
        "name": "Crèche (exemple fictif)",
        "description": "",
        "theme": "petite-enfance",
        "public": "0-2",
        "horizon": None,
    }
    with pytest.raises(ScenarioValidationError) as exc:
        scenario_update(scenario=scenario, distance_m=20, user=user, **fields)
    assert list(exc.value.message_dict) == ["distance_m"]
    scenario.refresh_from_db()
    assert scenario.max_distance_m == 1000 and not _records(scenario, "update").exists()
    scenario_update(scenario=scenario, distance_m=800, user=user, **{**fields, "horizon": 2030})
    scenario.refresh_from_db()
    assert (scenario.max_distance_m, scenario.horizon_year) == (800, 2030)
    record = _records(scenario, "update").get()
    assert record.before["max_distance_m"] == 1000 and record.after["max_distance_m"] == 800
    assert record.user == user


def test_update_is_refused_when_a_stored_change_no_longer_holds(armentieres, scenario, user):
    from maillage.territory.services import territory_touch

    structure = Structure.objects.get(slug="creche-municipale")
    scenario_change_add(scenario=scenario, item={"action": "close", "structure": structure.pk})
    structure.published = False
    structure.save(update_fields=["published"])
    territory_touch(territory=armentieres)  # as the directory services do after a write
    with pytest.raises(ScenarioValidationError) as exc:
        scenario_update(
            scenario=scenario,
            name="Nouveau nom",
            description="",
            theme="petite-enfance",
            public="0-2",
            distance_m=1000,
        )
    assert "changes[1].structure" in exc.value.message_dict
    scenario.refresh_from_db()
    assert scenario.name == "Crèche de 30 places (exemple fictif)"
