"""Services of the diagnostic app (HackSoft style: services write, selectors read).

The scenario engine lives in :mod:`maillage.diagnostic.scenarios`; it is exposed here so that
``maillage.diagnostic.services`` is the one place to look for it:

* :func:`scenario_save` — store a validated scenario (one transaction);
* :func:`scenario_run` — compute a scenario in memory (writes nothing);
* :func:`scenario_compare` — run several scenarios side by side.

The edits of a stored scenario (web pages, and any other surface) go through the services
below. Each one rebuilds the whole scenario as it will be after the edit, in the file format
of ``docs/scenarios.md``, and validates it with :func:`spec_from_file` **before** writing; on
error it raises :class:`ScenarioValidationError` and writes nothing. Each write runs in one
transaction and is kept in the change history (:func:`maillage.accounts.history.record_change`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from maillage.accounts.actor import Actor
from maillage.accounts.history import record_change, snapshot
from maillage.territory.models import Territory, Zone

from .models import HousingProject, Scenario, ScenarioChange
from .scenario_spec import FORMAT_VERSION, Place, ScenarioError, ScenarioSpec
from .scenarios import scenario_compare, scenario_run, scenario_save, spec_from_file

__all__ = [
    "ScenarioValidationError",
    "housing_project_add",
    "housing_project_delete",
    "scenario_change_add",
    "scenario_change_delete",
    "scenario_compare",
    "scenario_create",
    "scenario_data",
    "scenario_run",
    "scenario_save",
    "scenario_update",
    "spec_from_file",
]


class ScenarioValidationError(ValidationError):
    """A scenario edit was refused; nothing was written.

    ``message_dict`` maps each field, named by its path in the scenario file format
    (``name``, ``distance_m``, ``changes[2].places``, ``housing[0].zone``), to French messages.
    """

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        grouped: dict[str, list[str]] = {}
        for field, message in errors:
            grouped.setdefault(field, []).append(message)
        super().__init__(grouped)


def _validated(*, territory: Territory, data: dict[str, Any]) -> ScenarioSpec:
    try:
        return spec_from_file(territory=territory, data=data)
    except ScenarioError as exc:
        raise ScenarioValidationError(exc.errors) from exc


def _history(obj: models.Model, user: Actor, before: dict[str, Any] | None, action: str) -> None:
    after = None if action == "delete" else snapshot(obj)
    record_change(obj=obj, user=user, before=before, after=after, action=action)


def _place_data(obj: ScenarioChange | HousingProject) -> dict[str, Any]:
    if obj.zone is not None:
        return {"zone": obj.zone.code}
    if obj.lon is not None and obj.lat is not None:
        return {"lon": obj.lon, "lat": obj.lat}
    return {}


def _place_fields(place: Place | None) -> dict[str, Any]:
    """Model fields of a validated position: the zone, or lon/lat."""
    if place is None:
        return {"lon": None, "lat": None, "zone": None}
    if place.zone:
        return {"lon": None, "lat": None, "zone": Zone.objects.filter(code=place.zone).first()}
    return {"lon": place.lon, "lat": place.lat, "zone": None}


# --------------------------------------------------------------------------- read


def scenario_data(*, scenario: Scenario) -> dict[str, Any]:
    """A stored scenario in the file format of ``docs/scenarios.md`` (changes in order)."""
    changes = []
    for ch in scenario.changes.select_related("zone"):
        item: dict[str, Any] = {"action": ch.action}
        if ch.structure_id:
            item["structure"] = ch.structure_id
        if ch.action == "add":
            item.update(name=ch.name, typology=ch.typology)
        if ch.places is not None:
            item["places"] = ch.places
        if ch.action in ("add", "move"):
            item.update(_place_data(ch))
        changes.append(item)
    housing = []
    for h in scenario.housing_projects.select_related("zone"):
        item = {
            "name": h.name,
            "dwellings": h.dwellings,
            "delivery_year": h.delivery_year,
            **_place_data(h),
        }
        if h.persons_per_dwelling is not None:
            item["persons_per_dwelling"] = h.persons_per_dwelling
        if h.age_shares:
            item["age_shares"] = dict(h.age_shares)
        if h.note:
            item["note"] = h.note
        housing.append(item)
    data = {
        "format": FORMAT_VERSION,
        "territory": scenario.territory.slug,
        "name": scenario.name,
        "description": scenario.description,
        "theme": scenario.theme,
        "public": scenario.public,
        "distance_m": scenario.max_distance_m,
        "changes": changes,
        "housing": housing,
    }
    if scenario.horizon_year:
        data["horizon"] = scenario.horizon_year
    return data


# --------------------------------------------------------------------------- write


@transaction.atomic
def scenario_create(
    *,
    territory: Territory,
    name: str,
    description: str = "",
    theme: str = "petite-enfance",
    public: str | None = None,
    distance_m: float = 1000,
    horizon: int | None = None,
    changes: Sequence[dict[str, Any]] = (),
    housing: Sequence[dict[str, Any]] = (),
    author: Any = None,
) -> Scenario:
    """Create a scenario from its fields, changes and housing projects (file format items).

    Raises :class:`ScenarioValidationError` (nothing written) when the scenario is invalid.
    """
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "territory": territory.slug,
        "name": name,
        "description": description,
        "theme": theme,
        "public": public,
        "distance_m": distance_m,
        "changes": list(changes),
        "housing": list(housing),
    }
    if horizon:
        data["horizon"] = horizon
    scenario = scenario_save(spec=_validated(territory=territory, data=data), author=author)
    _history(scenario, author, None, "create")
    return scenario


@transaction.atomic
def scenario_update(
    *,
    scenario: Scenario,
    name: str,
    description: str,
    theme: str,
    public: str,
    distance_m: float,
    horizon: int | None = None,
    user: Actor = None,
) -> Scenario:
    """Change a scenario's name, description, theme, public, distance or horizon.

    The whole scenario (with its stored changes and projects) is re-validated first: raises
    :class:`ScenarioValidationError` and writes nothing when it would be invalid.
    """
    data = {
        **scenario_data(scenario=scenario),
        "name": name,
        "description": description,
        "theme": theme,
        "public": public,
        "distance_m": distance_m,
    }
    data.pop("horizon", None)
    if horizon:
        data["horizon"] = horizon
    spec = _validated(territory=scenario.territory, data=data)
    before = snapshot(scenario)
    scenario.name = spec.name
    scenario.description = spec.description
    scenario.theme = spec.theme
    scenario.public = spec.public
    scenario.max_distance_m = spec.max_distance_m
    scenario.horizon_year = spec.horizon_year
    scenario.save(
        update_fields=["name", "description", "theme", "public", "max_distance_m", "horizon_year"]
    )
    _history(scenario, user, before, "update")
    return scenario


@transaction.atomic
def scenario_change_add(
    *, scenario: Scenario, item: dict[str, Any], user: Actor = None
) -> ScenarioChange:
    """Append a change of the offer (``item``: one ``changes[i]`` of the file format).

    Errors name the new item's fields as ``changes[n].<field>`` (``n`` = number of changes
    before the edit); raises :class:`ScenarioValidationError` and writes nothing on error.
    """
    data = scenario_data(scenario=scenario)
    spec = _validated(
        territory=scenario.territory, data={**data, "changes": [*data["changes"], item]}
    )
    ch = spec.changes[-1]
    last = scenario.changes.aggregate(last=models.Max("position"))["last"]
    change = ScenarioChange.objects.create(
        scenario=scenario,
        position=0 if last is None else last + 1,
        action=ch.action,
        structure_id=ch.structure.id if ch.structure else None,
        name=ch.name,
        typology=ch.typology,
        places=ch.places,
        **_place_fields(ch.place),
    )
    _history(change, user, None, "create")
    return change


@transaction.atomic
def housing_project_add(
    *, scenario: Scenario, item: dict[str, Any], user: Actor = None
) -> HousingProject:
    """Add a housing project (``item``: one ``housing[i]`` of the file format).

    Errors name the new item's fields as ``housing[n].<field>``; raises
    :class:`ScenarioValidationError` and writes nothing on error.
    """
    data = scenario_data(scenario=scenario)
    spec = _validated(
        territory=scenario.territory, data={**data, "housing": [*data["housing"], item]}
    )
    h = spec.housing[-1]
    project = HousingProject.objects.create(
        scenario=scenario,
        name=h.name,
        dwellings=h.dwellings,
        delivery_year=h.delivery_year,
        persons_per_dwelling=h.persons_per_dwelling,
        age_shares=h.age_shares,
        note=h.note,
        **_place_fields(h.place),
    )
    _history(project, user, None, "create")
    return project


def _delete(obj: models.Model | None, user: Actor) -> bool:
    if obj is None:
        return False
    _history(obj, user, snapshot(obj), "delete")
    obj.delete()
    return True


@transaction.atomic
def scenario_change_delete(*, scenario: Scenario, change_id: int, user: Actor = None) -> bool:
    """Remove a change of ``scenario``; ``False`` when it has no change ``change_id``."""
    return _delete(ScenarioChange.objects.filter(scenario=scenario, pk=change_id).first(), user)


@transaction.atomic
def housing_project_delete(*, scenario: Scenario, project_id: int, user: Actor = None) -> bool:
    """Remove a housing project of ``scenario``; ``False`` when it has no such project."""
    return _delete(HousingProject.objects.filter(scenario=scenario, pk=project_id).first(), user)
