"""Shared set-up of the benchmarks that run on the real Armentières data.

``setup(existing=False)`` loads the dataset into a throwaway SQLite database (or uses the configured
one with ``existing=True``); ``best`` times a function, best of ``repeat`` runs.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def best(fn: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None) -> float:
    """Smallest wall time in seconds of ``fn`` over ``repeat`` runs (``before`` is not timed)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def setup(existing: bool) -> None:
    """Set Django up; unless ``existing``, on a temporary SQLite database with Armentières."""
    if not existing:
        os.environ["MAILLAGE_VAR_DIR"] = tempfile.mkdtemp(prefix="maillage-bench-")
        os.environ.pop("MAILLAGE_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    import django

    django.setup()
    if not existing:
        from django.core.management import call_command

        from maillage.territory.loader import load_dataset

        call_command("migrate", interactive=False, verbosity=0)
        t = time.perf_counter()
        load_dataset("armentieres")
        print(f"Jeu de données Armentières chargé en {time.perf_counter() - t:.1f} s")
