"""Benchmark of the diagnostic services on the real Armentières data (same process, peers).

Measures, on a fresh database holding the embedded Armentières dataset:

1. the *dashboard* computation (coverage + zones blanches + zones d'influence + accessibility
   for petite enfance) uncached (cache cleared: reads the database and computes), against the
   same calls served from the Django cache — ratio uncached / cached;
2. a scenario run (``docs/scenario-exemple.yaml``) and a larger scenario generated here
   (*exemple fictif*: one 30-place crèche and one 100-dwelling project per IRIS, all made up),
   against the uncached dashboard — goal: a scenario run under 2 s.

Usage::

    python benchmarks/scenario.py              # temporary SQLite database, best of 5
    python benchmarks/scenario.py --repeat 10
    python benchmarks/scenario.py --existing   # use the configured database (already loaded)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _armentieres import ROOT, best, setup  # noqa: E402

GOAL_S = 2.0


def fictitious_scenario(territory: Any) -> dict[str, Any]:
    """Exemple fictif: one crèche and one housing project at the centre of every IRIS."""
    from maillage.diagnostic.selectors import current_inputs

    demand, _sites = current_inputs(territory=territory)
    iris = [z.code for j, z in enumerate(demand.zones) if z.kind == "iris"]
    iris = [c for c in iris if demand.zone_weights[:, [iris.index(c)]].nnz]
    return {
        "territory": territory.slug,
        "name": "Banc d'essai (exemple fictif)",
        "changes": [
            {
                "action": "add",
                "name": f"Crèche exemple fictif {k + 1}",
                "typology": "eaje-creche-collective",
                "places": 30,
                "zone": code,
            }
            for k, code in enumerate(iris)
        ],
        "housing": [
            {
                "name": f"Logements exemple fictif {k + 1}",
                "dwellings": 100,
                "zone": code,
                "delivery_year": 2026,
            }
            for k, code in enumerate(iris)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--existing", action="store_true")
    args = parser.parse_args()
    setup(args.existing)

    from django.core.cache import cache

    from maillage.diagnostic import selectors
    from maillage.diagnostic.scenario_spec import read_scenario_file
    from maillage.diagnostic.scenarios import scenario_run, spec_from_file
    from maillage.territory.selectors import territory_get

    territory = territory_get(slug="armentieres")

    def dashboard() -> None:
        kw = {"territory": territory, "theme": "petite-enfance", "public": "0-2"}
        selectors.coverage(territory=territory)
        selectors.white_zones(**kw)
        selectors.influence(**kw)
        selectors.accessibility_by_zone(**kw)

    uncached = best(dashboard, args.repeat, before=cache.clear)
    dashboard()
    cached = best(dashboard, args.repeat)
    cache.clear()
    t = time.perf_counter()
    selectors.current_inputs(territory=territory)
    inputs = time.perf_counter() - t

    example = spec_from_file(
        territory=territory, data=read_scenario_file(ROOT / "docs" / "scenario-exemple.yaml")
    )
    big = spec_from_file(territory=territory, data=fictitious_scenario(territory))
    dashboard()  # scenarios compare against the (cached) current situation
    run_example = best(lambda: scenario_run(scenario=example), args.repeat)
    run_big = best(lambda: scenario_run(scenario=big), args.repeat)
    cold_big = best(lambda: scenario_run(scenario=big), args.repeat, before=cache.clear)

    print(f"Meilleur de {args.repeat} exécutions, même processus :")
    rows = [
        ("lecture des entrées (carreaux, IRIS, structures)", inputs, ""),
        ("tableau de bord, sans cache", uncached, ""),
        ("tableau de bord, depuis le cache", cached, f"× {uncached / cached:,.0f} plus rapide"),
        ("scénario docs/scenario-exemple.yaml", run_example, "ratio"),
        (
            f"scénario exemple fictif ({len(big.changes)} crèches, {len(big.housing)} projets)",
            run_big,
            "ratio",
        ),
        ("même scénario, cache vidé avant chaque exécution", cold_big, "ratio"),
    ]
    for label, seconds, note in rows:
        if note == "ratio":
            note = f"{seconds / uncached:.2f} × le tableau de bord sans cache"
        print(f"  {label:<56} {seconds * 1000:8.1f} ms  {note}")
    worst = max(run_example, run_big, cold_big)
    verdict = "atteint" if worst < GOAL_S else "NON atteint"
    print(f"Objectif scénario < {GOAL_S:.0f} s : {verdict} (pire : {worst:.3f} s).")


if __name__ == "__main__":
    main()
