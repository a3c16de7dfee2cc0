"""A scenario's change notes name things as a reader knows them — the typology's label and
the zone's name and kind — on the page, in ``maillage scenario run`` and in the diagnostic
PDF, all from the one text written by :mod:`maillage.diagnostic.scenarios`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from django.urls import reverse

from maillage.cli import main
from maillage.diagnostic.scenarios import scenario_run, spec_from_file
from maillage.territory.models import Zone

from .conftest import creche

EXAMPLE = str(Path(__file__).resolve().parents[2] / "docs" / "scenario-exemple.yaml")


def test_cli_run_names_the_typology_and_the_zones(armentieres):
    result = CliRunner().invoke(main, ["scenario", "run", EXAMPLE])
    assert result.exit_code == 0, result.output
    bizet = Zone.objects.get(code="590170201").name
    assert f"(Crèche collective, 30 places) dans le quartier {bizet} (IRIS)." in result.stdout
    notes = result.stdout.split("Taux d'équipement")[0]  # the zone table has a code column
    assert "eaje-creche-collective" not in notes
    assert "590170201" not in notes and "590170202" not in notes


def test_a_qpv_is_named_with_its_kind(armentieres):
    qpv = Zone.objects.filter(kind=Zone.Kind.QPV, code="QP059070").get()
    spec = spec_from_file(
        territory=armentieres,
        data={
            "territory": "armentieres",
            "name": "QPV (exemple fictif)",
            "changes": [creche(qpv.code)],
        },
    )
    (note,) = scenario_run(scenario=spec).changes
    assert note == (
        f"Ajout : Crèche (exemple fictif) (Crèche collective, 30 places) "
        f"dans le quartier {qpv.name} (QPV)."
    )


def test_the_scenario_page_shows_names_not_codes(coordinator_client, creche_scenario):
    page = coordinator_client.get(
        reverse("web:diagnostic-scenario", args=["armentieres", creche_scenario.pk])
    ).content.decode()
    zone = Zone.objects.filter(code=creche_scenario.iris_code).first()
    assert zone is not None
    assert f"Crèche collective, 30 places) dans le quartier {zone.name} (IRIS)." in page
    assert f"zone {creche_scenario.iris_code}" not in page
    assert "eaje-creche-collective," not in page
