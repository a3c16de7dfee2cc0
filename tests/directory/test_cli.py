"""``maillage structures`` and ``maillage quality``."""

from __future__ import annotations

import json

from click.testing import CliRunner

from maillage.cli import main


def _run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def test_structures_search_as_json(armentieres):
    result = _run("structures", "--territory", "armentieres", "--q", "ROSTAND", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [r["structure"]["name"] for r in data["results"]] == ["Collège Jean Rostand"]


def test_structures_table_and_csv(armentieres):
    table = _run("structures", "--territory", "armentieres", "--typology", "EAJE")
    # (the CTG's unnamed micro-crèches are declared supply, not a public fiche: issue 14)
    assert table.exit_code == 0 and "Multi-accueil municipal (2 lieux)" in table.output
    assert "à localiser" in table.output
    csv_out = _run("structures", "--territory", "armentieres", "--q", "college", "--format", "csv")
    assert csv_out.output.splitlines()[0].startswith("id,nom,typologie")


def test_quality_report(armentieres):
    result = _run("quality", "--territory", "armentieres")
    assert result.exit_code == 0
    assert "à localiser (sans position)" in result.output
    assert "Crèche d'entreprise de l'EPSM" in result.output
    data = json.loads(_run("quality", "--territory", "armentieres", "--format", "json").output)
    assert data["counts"]["sans_position"] == len(data["missing_position"]) > 0


def test_childcare_and_unknown_territory(armentieres):
    result = _run("childcare", "--territory", "armentieres")
    assert "Total : 175 places" in result.output
    bad = CliRunner().invoke(main, ["structures", "--territory", "nulle-part"])
    assert bad.exit_code != 0 and "introuvable" in bad.output


def test_json_output_of_a_school_with_its_update_date(armentieres):
    result = _run("structures", "--territory", "armentieres", "--q", "jean mace", "--format=json")
    assert result.exit_code == 0
    schools = json.loads(result.output)["results"]
    assert {s["structure"]["data_updated_on"] for s in schools} == {"2026-08-20"}
