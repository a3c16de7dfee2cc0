"""The interop commands: exit codes and French messages."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from maillage.cli import main

pytestmark = pytest.mark.django_db


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_export_then_import_datainclusion(armentieres, tmp_path):
    out = run("export", "datainclusion", "--territory", "armentieres", "-o", str(tmp_path))
    assert out.exit_code == 0 and "schéma data·inclusion v1 vérifié" in out.output
    assert json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))
    out = run("import", "datainclusion", str(tmp_path), "--territory", "armentieres")
    assert out.exit_code == 0 and "inchangé" in out.output


def test_structures_template_then_bad_import_exits_with_the_report(armentieres, tmp_path):
    template = tmp_path / "modele.csv"
    out = run("import", "structures", "--template", "-o", str(template))
    assert out.exit_code == 0 and template.read_bytes().startswith(b"\xef\xbb\xbfSource;")
    bad = tmp_path / "lieux.csv"
    bad.write_text("Nom;Longitude;Latitude\nLieu;200;50\n", encoding="cp1252")
    out = run("import", "structures", str(bad), "--territory", "armentieres", "--dry-run")
    assert out.exit_code == 1
    assert "lieux.csv" in out.output and "ligne 2" in out.output


def test_dump_and_restore_commands(armentieres, tmp_path):
    archive = tmp_path / "armentieres.zip"
    assert run("dump", "--territory", "armentieres", "-o", str(archive)).exit_code == 0
    out = run("restore", str(archive))
    assert out.exit_code == 1 and "--replace" in out.output
    out = run("restore", str(archive), "--replace")
    assert out.exit_code == 0 and "restauré" in out.output


def test_geojson_export_to_stdout_and_unknown_territory(armentieres):
    out = run("export", "geojson", "--territory", "armentieres", "--layer", "zones")
    assert json.loads(out.output)["type"] == "FeatureCollection"
    out = run("export", "geojson", "--territory", "nulle-part")
    assert out.exit_code == 1 and "introuvable" in out.output
