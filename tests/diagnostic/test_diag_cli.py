"""``maillage analyse …`` and ``maillage scenario …``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from maillage.cli import main
from maillage.diagnostic.models import Scenario

EXAMPLE = str(Path(__file__).resolve().parents[2] / "docs" / "scenario-exemple.yaml")


def _run(*args):
    return CliRunner().invoke(main, list(args))


def test_couverture_table_and_json(armentieres):
    table = _run("analyse", "couverture", "--territory", "armentieres")
    assert table.exit_code == 0, table.output
    # An EAJE rate over the CAF allocataires' children, not the CNAF global rate (issue 14).
    assert (
        "Taux d'équipement en EAJE : places en EAJE pour 100 enfants de moins de 3 ans des "
        "foyers allocataires (CAF) : 16,7" in table.output
    )
    assert "CNAF" not in table.output
    assert "Bizet 1" in table.output
    data = json.loads(
        _run("analyse", "couverture", "--territory", "armentieres", "--format", "json").stdout
    )
    assert data["places_total"] == 175 and round(data["rate"], 1) == 16.7
    assert data["rate_label"].startswith("Taux d'équipement en EAJE")
    assert data["assumptions"]


def test_zones_blanches_geojson_warns_about_structures_to_locate(armentieres, locate_theme_supply):
    # Embedded data: non calculable, empty collection (see test_diag_validity); located:
    locate_theme_supply("petite-enfance")
    result = _run(
        "analyse", "zones-blanches", "--territory", "armentieres", "--theme", "petite-enfance",
        "--public", "0-2", "--distance-m", "500", "--format", "geojson",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["type"] == "FeatureCollection" and data["features"]
    assert all(f["properties"]["population"] > 0 for f in data["features"])
    assert data["validity"]["computable"] is True


def test_influence_and_accessibility(armentieres, locate_theme_supply):
    locate_theme_supply("parentalite")
    influence = _run(
        "analyse", "influence", "--territory", "armentieres", "--theme", "parentalite",
        "--format", "json",
    )  # fmt: skip
    assert influence.exit_code == 0
    assert json.loads(influence.stdout)["sites"]
    acc = _run("analyse", "accessibilite", "--territory", "armentieres", "--theme", "parentalite")
    assert acc.exit_code == 0 and "ratio QPV / hors QPV" in acc.output
    # Nothing declared in enfance: no ratio at all, the reason instead.
    none = _run("analyse", "accessibilite", "--territory", "armentieres", "--theme", "enfance")
    assert none.exit_code == 0 and "ratio QPV / hors QPV" not in none.output
    assert "Aucune structure déclarée en enfance" in none.output


def test_bad_parameters_and_territory(armentieres):
    bad = _run("analyse", "zones-blanches", "--territory", "armentieres", "--theme", "sport")
    assert bad.exit_code != 0 and "« theme »" in bad.output
    missing = _run("analyse", "couverture", "--territory", "atlantide")
    assert missing.exit_code != 0 and "introuvable" in missing.output


def test_scenario_run_file_table_json_and_save(armentieres):
    table = _run("scenario", "run", EXAMPLE)
    assert table.exit_code == 0, table.output
    assert "Taux d'équipement en EAJE : 16.7 →" in table.stdout
    assert "Crèche exemple fictif" in table.stdout
    data = json.loads(_run("scenario", "run", EXAMPLE, "--format", "json").stdout)
    assert data["coverage_after"] > data["coverage_before"]
    assert Scenario.objects.count() == 0
    saved = _run("scenario", "run", EXAMPLE, "--save")
    assert saved.exit_code == 0 and "Scénario enregistré" in saved.stderr
    assert Scenario.objects.count() == 1
    listed = _run("scenario", "list", "--territory", "armentieres")
    assert Scenario.objects.get().name in listed.output
    compared = _run("scenario", "compare", str(Scenario.objects.get().pk), EXAMPLE)
    assert compared.exit_code == 0 and compared.output.count("Exemple fictif") == 2


def test_scenario_file_errors_name_the_field(armentieres, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "territory: armentieres\nname: Exemple fictif\nhousing:\n"
        "  - {name: L, dwellings: -5, zone: '590170201', delivery_year: 2025}\n",
        encoding="utf-8",
    )
    result = _run("scenario", "run", str(path), "--save")
    assert result.exit_code != 0
    assert "« housing[0].dwellings »" in result.output and "rien n'a été calculé" in result.output
    assert Scenario.objects.count() == 0
