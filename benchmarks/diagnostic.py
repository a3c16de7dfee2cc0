"""Benchmark of the diagnostic pages and report on the real Armentières data (same process).

Measures, on a fresh database holding the embedded Armentières dataset:

1. the dashboard page ``/territoire/armentieres/diagnostic/`` rendered with an empty cache
   (reads the database, runs the accessibility computations, draws nothing: charts are separate
   requests) against the same page served after the first computation (cached) — goal < 1 s;
   peer: the territory page ``/territoire/armentieres/`` (no computation) in the same run;
2. the diagnostic PDF, cold (empty cache: computations, charts and maps, layout) and warm
   (figures cached: layout only) — goal < 10 s; peer: the DOCX of the same report;
3. the same PDF with the scenario ``docs/scenario-exemple.yaml`` (*exemple fictif*).

Usage::

    python benchmarks/diagnostic.py              # temporary SQLite database, best of 3
    python benchmarks/diagnostic.py --repeat 5
    python benchmarks/diagnostic.py --existing   # use the configured database (already loaded)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _armentieres import ROOT, best, setup  # noqa: E402

DASHBOARD_GOAL_S = 1.0
PDF_GOAL_S = 10.0


def line(label: str, seconds: float, goal: float | None = None) -> None:
    verdict = ""
    if goal is not None:
        verdict = "  OK" if seconds < goal else f"  AU-DELÀ DE L'OBJECTIF ({goal:.0f} s)"
    print(f"  {label:<58} {seconds * 1000:9.0f} ms{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--existing", action="store_true")
    args = parser.parse_args()
    setup(args.existing)

    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from maillage.diagnostic.scenario_spec import read_scenario_file
    from maillage.diagnostic.scenarios import spec_from_file
    from maillage.diagnostic.selectors import diagnostic_build
    from maillage.reports.diagnostic import diagnostic_render
    from maillage.territory.selectors import territory_get

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    territory = territory_get(slug="armentieres")
    r = args.repeat

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    print(f"\nTableau de bord (meilleur de {r})")
    cold = best(lambda: get("/territoire/armentieres/diagnostic/"), r, before=cache.clear)
    warm = best(lambda: get("/territoire/armentieres/diagnostic/"), r)
    peer = best(lambda: get("/territoire/armentieres/"), r)
    line("premier calcul (cache vide)", cold)
    line("après le premier calcul (cache)", warm, DASHBOARD_GOAL_S)
    line("pair : page du territoire (sans calcul)", peer)
    print(f"  ratio premier calcul / cache : {cold / warm:.1f}×")
    print(f"  ratio cache / page du territoire : {warm / peer:.2f}×")

    def pdf() -> bytes:
        return diagnostic_render(diagnostic_build(territory=territory), fmt="pdf")

    def docx() -> bytes:
        return diagnostic_render(diagnostic_build(territory=territory), fmt="docx")

    print(f"\nRapport de diagnostic (meilleur de {r})")
    pdf_cold = best(pdf, r, before=cache.clear)
    pdf_warm = best(pdf, r)
    docx_warm = best(docx, r)
    size = len(pdf())
    line("PDF, cache vide (calculs, graphiques, cartes, mise en page)", pdf_cold, PDF_GOAL_S)
    line("PDF, figures en cache (mise en page seule)", pdf_warm, PDF_GOAL_S)
    line("pair : DOCX, figures en cache", docx_warm)
    print(f"  ratio PDF cache vide / PDF en cache : {pdf_cold / pdf_warm:.1f}×")
    print(f"  ratio PDF / DOCX : {pdf_warm / docx_warm:.1f}× (PDF de {size // 1024} Kio)")

    example = read_scenario_file(ROOT / "docs" / "scenario-exemple.yaml")

    def scenario_pdf() -> bytes:
        spec = spec_from_file(territory=territory, data=example, source="exemple")
        return diagnostic_render(diagnostic_build(territory=territory, scenario=spec), fmt="pdf")

    print("\nRapport avec le scénario docs/scenario-exemple.yaml (exemple fictif)")
    sc_cold = best(scenario_pdf, r, before=cache.clear)
    line("PDF avec scénario, cache vide", sc_cold, PDF_GOAL_S)
    print(f"  ratio PDF avec scénario / sans scénario (cache vide) : {sc_cold / pdf_cold:.1f}×")


if __name__ == "__main__":
    main()
