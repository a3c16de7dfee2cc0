"""docs/architecture.md stays true: every file or folder it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
# A path in backquotes: starts with a top-level folder of the repository.
PATH = re.compile(r"`((?:src|tests|docs|benchmarks)/[\w./-]+)`")


def named_paths() -> list[str]:
    return sorted(set(PATH.findall(DOC.read_text(encoding="utf-8"))))


def test_the_architecture_guide_names_files():
    assert len(named_paths()) >= 20


def test_every_path_named_in_the_architecture_guide_exists():
    missing = [p for p in named_paths() if not (ROOT / p).exists()]
    assert missing == [], f"chemins absents cités par docs/architecture.md : {missing}"
