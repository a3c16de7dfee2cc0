"""A scenario's changes and housing projects are kept in their territory's history."""

from __future__ import annotations

import pytest

from maillage.accounts.models import ChangeRecord
from maillage.accounts.selectors import recent_changes
from maillage.diagnostic.services import (
    housing_project_add,
    housing_project_delete,
    scenario_change_add,
    scenario_create,
)

IRIS = "590170201"  # an IRIS of Armentières (embedded dataset)


def _creche() -> dict:
    return {
        "action": "add",
        "name": "Crèche (exemple fictif)",
        "typology": "eaje-creche-collective",
        "places": 30,
        "zone": IRIS,
    }


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user(username="coordination", password="x-y-z-12345")


@pytest.fixture
def scenario(armentieres, user):
    return scenario_create(
        territory=armentieres, name="Scénario (exemple fictif)", changes=[_creche()], author=user
    )


def _record(obj, action: str) -> ChangeRecord:
    return ChangeRecord.objects.get(
        content_type__model=obj._meta.model_name, object_id=str(obj.pk), action=action
    )


def test_an_added_change_is_recorded_on_the_scenario_territory(armentieres, scenario, user):
    change = scenario_change_add(
        scenario=scenario,
        item=_creche(),
        user=user,
    )
    record = _record(change, "create")
    assert record.territory == armentieres
    assert record in recent_changes(territory=armentieres)


def test_a_housing_project_added_then_deleted_is_recorded_on_the_territory(
    armentieres, scenario, user
):
    project = housing_project_add(
        scenario=scenario,
        item={
            "name": "Logements (exemple fictif)",
            "dwellings": 120,
            "delivery_year": 2026,
            "zone": IRIS,
        },
        user=user,
    )
    created = _record(project, "create")
    assert housing_project_delete(scenario=scenario, project_id=project.pk, user=user)
    deleted = ChangeRecord.objects.get(
        content_type__model="housingproject", object_id=str(created.object_id), action="delete"
    )
    assert created.territory == armentieres and deleted.territory == armentieres
    history = recent_changes(territory=armentieres)
    assert created in history and deleted in history
