"""Fixtures of the diagnostic pages, documents and scenario tests."""

from __future__ import annotations

import pytest

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def coordinator(db, django_user_model):
    return django_user_model.objects.create_user(
        username="coordination", password="un-mot-de-passe-solide-42", is_staff=True
    )


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def report(armentieres):
    from maillage.reports.diagnostic import diagnostic_build

    return diagnostic_build(territory=armentieres)


def creche(zone: str, places: int = 30, name: str = "Crèche (exemple fictif)") -> dict:
    return {
        "action": "add",
        "name": name,
        "typology": "eaje-creche-collective",
        "places": places,
        "zone": zone,
    }


def most_populated_iris(territory) -> str:
    """The IRIS with the most estimated children under 3 (read from the coverage result)."""
    from maillage.diagnostic.selectors import coverage

    zones = [z for z in coverage(territory=territory).zones if z.kind == "iris"]
    return max(zones, key=lambda z: z.target_population).code


@pytest.fixture
def creche_scenario(armentieres, coordinator):
    """A saved scenario adding a 30-place crèche in the IRIS with the most young children."""
    from maillage.diagnostic.scenarios import scenario_save, spec_from_file

    code = most_populated_iris(armentieres)
    spec = spec_from_file(
        territory=armentieres,
        data={
            "territory": "armentieres",
            "name": "Crèche de 30 places (exemple fictif)",
            "changes": [creche(code)],
        },
    )
    scenario = scenario_save(spec=spec, author=coordinator)
    scenario.iris_code = code
    return scenario
