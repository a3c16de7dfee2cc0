"""The national files cut to Roubaix (``data/national_roubaix``, real, see ``data/SOURCES.md``)
and a helper that runs ``maillage territoire creer`` on them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from maillage.cli import main

DATA = Path(__file__).resolve().parent / "data"
NATIONAL = DATA / "national_roubaix"


def creer(*args: str) -> Result:
    return CliRunner().invoke(main, ["territoire", "creer", *args], prog_name="maillage")


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of the Roubaix national files that a test may spoil."""
    folder = tmp_path / "sources"
    shutil.copytree(NATIONAL, folder)
    return folder


@pytest.fixture(scope="session")
def roubaix_folder(tmp_path_factory) -> Path:
    """The Roubaix dataset folder, built once from the national files."""
    out = tmp_path_factory.mktemp("built") / "roubaix"
    result = creer(
        "--communes", "59512", "--sources", str(NATIONAL), "-o", str(out), "--periode", "2025-2028"
    )
    assert result.exit_code == 0, result.output
    return out
