"""The plan commands: indicators, journal import/template/export/demo."""

from __future__ import annotations

import json

from click.testing import CliRunner

from maillage.cli import main
from maillage.plan.models import Activity

from .conftest import gt_row


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_indicators_json_lists_24_indicators_over_4_axes_and_15_objectives(armentieres):
    _run("journal", "demo", "--territory", "armentieres", "--count", "20")
    result = _run("indicators", "--territory", "armentieres", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["axes"]) == 4
    assert sum(len(a["objectives"]) for a in data["axes"]) == 15
    indicators = [i for a in data["axes"] for i in a["indicators"]]
    assert len(indicators) == 24
    kinds = {"activity_count", "body_count", "document", "data", "manual"}
    assert all(i["kind"] in kinds for i in indicators)
    assert [i["code"] for i in data["axes"][0]["indicators"]] == [f"1.{n}" for n in range(1, 7)]
    evidence = [e for i in indicators for e in i["evidence"] if e["kind"] == "activité"]
    assert evidence and all(e["is_fictional"] and len(e["date"]) == 10 for e in evidence)


def test_indicators_for_a_year_and_bad_year(armentieres):
    result = _run("indicators", "--territory", "armentieres", "--year", "2025", "--format", "csv")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "code,indicateur,calcul,valeur,cible,statut,preuves"
    assert len(result.output.splitlines()) == 25
    bad = CliRunner().invoke(main, ["indicators", "--territory", "armentieres", "--year", "2019"])
    assert bad.exit_code == 2 and "hors de la convention" in bad.output
    unknown = CliRunner().invoke(main, ["indicators", "--territory", "nulle-part"])
    assert unknown.exit_code == 1 and "introuvable" in unknown.output


def test_journal_import_command_refuses_then_imports_valid_only(
    armentieres, journal_bytes, tmp_path
):
    path = tmp_path / "journal.xlsx"
    path.write_bytes(journal_bytes([gt_row("OK"), gt_row("KO", axe="9")], "xlsx"))
    refused = CliRunner().invoke(
        main, ["journal", "import", str(path), "--territory", "armentieres"]
    )
    assert refused.exit_code == 1
    assert "Ligne 3, colonne « axe »" in refused.output and "Rien n'a été écrit" in refused.output
    assert not Activity.objects.filter(territory=armentieres).exists()
    args = ["journal", "import", str(path), "--territory", "armentieres", "--valid-only"]
    dry = _run(*args, "--dry-run")
    assert "Simulation" in dry.output and not Activity.objects.exists()
    ok = _run(*args)
    assert ok.exit_code == 0 and "1 activité(s) créée(s)" in ok.output
    assert list(Activity.objects.values_list("title", flat=True)) == ["OK"]


def test_journal_template_and_export(armentieres, tmp_path):
    from maillage.interop.tabular import read_table

    out = tmp_path / "modele.ods"
    assert _run("journal", "template", "-o", str(out)).exit_code == 0
    assert read_table(out.read_bytes(), filename="modele.ods").columns[0] == "date"
    bad = CliRunner().invoke(main, ["journal", "template", "-o", str(tmp_path / "m.pdf")])
    assert bad.exit_code == 2
    exp = tmp_path / "journal.csv"
    assert (
        "0 activité(s) exportée(s)"
        in _run("journal", "export", "--territory", "armentieres", "-o", str(exp)).output
    )


def test_demo_journal_is_fictional_labelled_and_removable(armentieres):
    result = _run("journal", "demo", "--territory", "armentieres", "--count", "30")
    assert result.exit_code == 0, result.output
    acts = Activity.objects.filter(territory=armentieres)
    assert acts.count() == 30
    assert all(a.is_fictional and a.title.startswith("[exemple fictif]") for a in acts)
    first = sorted(acts.values_list("title", "date"))
    _run("journal", "demo", "--territory", "armentieres", "--count", "30")
    assert sorted(acts.values_list("title", "date")) == first  # seeded: same journal
    removed = _run("journal", "demo", "--territory", "armentieres", "--remove")
    assert "30 activité(s)" in removed.output
    assert not Activity.objects.filter(territory=armentieres).exists()


def test_plan_command_shows_objectives_and_indicators(armentieres):
    data = json.loads(_run("plan", "--territory", "armentieres", "--format", "json").output)
    assert data["title"] == "Convention Territoriale Globale 2023/2026"
    assert data["axes"][2]["objectives"][0]["description"].startswith("Quel offre")


def test_indicator_evidence_lists_the_activities_behind_a_value(
    armentieres, journal_bytes, tmp_path
):
    path = tmp_path / "journal.csv"
    path.write_bytes(
        journal_bytes(
            [
                gt_row("GT mars", "2025-03-01", instance="GT AVS"),
                gt_row("GT 2024", "2024-05-02", instance="GT AVS"),
            ]
        )
    )
    _run("journal", "import", str(path), "--territory", "armentieres")
    for year in ("2023", "2024", "2025"):
        _run("journal", "complete", "--territory", "armentieres", "--year", year)
    args = ["indicators", "--territory", "armentieres", "--code", "1.1"]
    table = _run(*args, "--year", "2025")
    assert "Nombre de groupes de travail dédié" in table.output
    assert "GT mars" in table.output and "GT 2024" not in table.output
    data = json.loads(_run(*args, "--format", "json").output)
    # Issue 14: 2026's journal is not declared complete: null, not 0.
    assert data["values_by_year"] == {"2023": 0.0, "2024": 1.0, "2025": 1.0, "2026": None}
    assert data["total"] == 1.0  # the same group met in 2024 and 2025: one group
    bad = CliRunner().invoke(main, ["indicators", "--territory", "armentieres", "--code", "9.9"])
    assert bad.exit_code == 2 and "inconnu" in bad.output
