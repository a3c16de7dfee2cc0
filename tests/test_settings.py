"""Settings: every MAILLAGE_* variable documented; production refuses unsafe configurations."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from maillage.settings import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
GOOD_KEY = "k" * 20 + "Zq9#fL2@xV7!pR4$wN8^mT1&bH5*cJ3("


def run_django(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MAILLAGE_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "maillage.manage", *args],
        capture_output=True,
        text=True,
        env=clean,
        cwd=ROOT,
        timeout=120,
    )


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in REGISTRY:
        assert re.search(rf"^\| `{setting.name}` \|", readme, re.M), setting.name


def test_every_maillage_variable_read_by_the_code_is_registered():
    names = {s.name for s in REGISTRY}
    used = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"[\"'](MAILLAGE_[A-Z0-9_]+)[\"']", text))
    assert used <= names, used - names


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAILLAGE_ALLOWED_HOSTS": "ctg.example.org"}, "MAILLAGE_SECRET_KEY"),
        ({"MAILLAGE_SECRET_KEY": GOOD_KEY}, "MAILLAGE_ALLOWED_HOSTS"),
        ({"MAILLAGE_SECRET_KEY": GOOD_KEY, "MAILLAGE_ALLOWED_HOSTS": "*"}, "sans « * »"),
    ],
)
def test_production_refuses_to_start_without_secret_and_hosts(env, message):
    result = run_django("check", MAILLAGE_ENV="production", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_django(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        MAILLAGE_ENV="production",
        MAILLAGE_SECRET_KEY=GOOD_KEY,
        MAILLAGE_ALLOWED_HOSTS="ctg.example.org",
        MAILLAGE_SITE_URL="https://ctg.example.org",  # unset: warning maillage.W001
        MAILLAGE_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_unknown_environment_is_refused():
    result = run_django("check", MAILLAGE_ENV="prod")
    assert result.returncode != 0 and "MAILLAGE_ENV" in result.stderr
