"""The set-up commands end to end, on a fresh SQLite database in a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def maillage(*args: str, var_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env["MAILLAGE_VAR_DIR"] = str(var_dir)
    return subprocess.run(
        [sys.executable, "-c", "from maillage.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


def test_init_load_twice_and_diagnostic_on_a_fresh_database(tmp_path):
    refused = maillage("load", "armentieres", var_dir=tmp_path)
    assert refused.returncode != 0
    assert "lancez d'abord « maillage init »" in refused.stderr

    assert maillage("init", var_dir=tmp_path).returncode == 0
    assert (tmp_path / "maillage.sqlite3").is_file()

    dry = maillage("load", "armentieres", "--dry-run", var_dir=tmp_path)
    assert dry.returncode == 0 and "Simulation (rien n'a été écrit)" in dry.stdout
    empty = maillage("diagnostic", "--territory", "armentieres", var_dir=tmp_path)
    assert empty.returncode != 0 and "introuvable" in empty.stderr

    first = maillage("load", "armentieres", var_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "créé" in first.stdout
    second = maillage("load", "armentieres", var_dir=tmp_path)
    assert second.returncode == 0
    assert "Aucun changement : la base est déjà à jour." in second.stdout

    diag = maillage(
        "diagnostic", "--territory", "armentieres", "--format", "json", var_dir=tmp_path
    )
    figures = {f["key"]: f["value"] for f in json.loads(diag.stdout)["figures"]}
    assert figures["population_ctg"] == 24882 and figures["enfants_0_2_ans"] == 1048
