"""Fixtures of the diagnostic pages, documents and scenario tests."""

from __future__ import annotations

import pytest
from factories import coordinator as make_coordinator

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def coordinator(armentieres):
    return make_coordinator(
        armentieres, username="coordination", password="un-mot-de-passe-solide-42"
    )


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def report(armentieres):
    from maillage.diagnostic.selectors import diagnostic_build

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


@pytest.fixture
def childcare_located(armentieres):
    """Place the CTG's four childcare records with places (175) at IRIS population centres
    with the services layer (exemple fictif: positions made up by code inside the commune,
    only in the test database), so that the spatial analyses become computable."""
    from maillage.diagnostic.inputs import load_demand
    from maillage.directory.models import Structure
    from maillage.directory.services import structure_place
    from maillage.territory.geo import l93_to_lonlat
    from maillage.territory.services import territory_touch

    demand = load_demand(territory=armentieres)
    slugs = [
        "creche-municipale",
        "multi-accueil-municipal-2-lieux",
        "creche-dentreprise-de-lepsm",
        "micro-creches-privees-6-lieux",
    ]
    for slug, code in zip(slugs, ["590170103", "590170202", "590170301", "590170402"], strict=True):
        j = [z.code for z in demand.zones].index(code)
        w = demand.zone_weights[:, [j]].toarray().ravel() * demand.population
        lon, lat = l93_to_lonlat(*((w @ demand.xy) / w.sum()))
        structure_place(
            structure=Structure.objects.get(territory=armentieres, slug=slug),
            lon=float(lon),
            lat=float(lat),
            precision=Structure.Precision.APPROXIMATE,
            source="exemple fictif (test)",
        )
    territory_touch(territory=armentieres)
    return slugs
