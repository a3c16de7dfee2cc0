"""Benchmark of « maillage territoire creer » and « maillage load » on a whole métropole.

In a throwaway SQLite database, each step runs in its own process (so that its peak memory is
its own, start-up of Django included):

1. ``maillage load armentieres`` — the peer: the hand-made dataset of one commune;
2. ``maillage territoire creer --epci 200093201`` (Métropole Européenne de Lille, 95 communes and
   their neighbours) from the national files of ``--sources``;
3. ``maillage load`` of the folder built in 2;
4. in one process: the diagnostic (``diagnostic_build``, uncached, with the accessibility
   computations) and the zones blanches (petite enfance, 1 000 m) of both territories, best of
   ``--repeat``.

Prints wall time and peak resident memory of each step, and the MEL / Armentières ratios; for
the computations also the CPU time of the process and the load average of the machine (on a
machine shared with other work, wall times swing: quote the ratios, which compare both
territories in the same run).
Goals (issue 17): build + load < 2 min, zones blanches < 1 s, diagnostic < 2 s uncached,
memory < 2 GB.

Usage::

    python benchmarks/territory_build.py --sources /path/to/data/national
    python benchmarks/territory_build.py --sources DIR --epci 200093201 --repeat 3
    python benchmarks/territory_build.py --sources DIR --communes 59512   # a single commune
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_AND_LOAD_GOAL_S = 120.0
WHITE_ZONES_GOAL_S = 1.0
DIAGNOSTIC_GOAL_S = 2.0
MEMORY_GOAL_MB = 2048.0

# Runs the maillage command given as arguments and prints its peak memory (kB) on stderr.
CLI = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
    " file=sys.stderr))\n"
    "from maillage.cli import main\n"
    "main(sys.argv[1:], prog_name='maillage')\n"
)

MEASURE = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
import django
django.setup()
from django.core.cache import cache
from maillage.diagnostic.selectors import diagnostic_build, white_zones
from maillage.territory.models import Territory

repeat = int(sys.argv[1])
out = {}
for slug in sys.argv[2:]:
    territory = Territory.objects.get(slug=slug)
    times = {"diagnostic": [], "white_zones": [], "diagnostic_cpu": [], "white_zones_cpu": []}
    for _ in range(repeat):
        for key, compute in (
            ("diagnostic", lambda: diagnostic_build(territory=territory, use_cache=False)),
            ("white_zones", lambda: white_zones(territory=territory, theme="petite-enfance")),
        ):
            cache.clear()
            t, cpu = time.perf_counter(), time.process_time()
            compute()
            times[key].append(time.perf_counter() - t)
            times[key + "_cpu"].append(time.process_time() - cpu)
    out[slug] = {k: min(v) for k, v in times.items()}
out["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(out))
"""


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``maillage ARGS``; return (seconds, peak MB, stdout)."""
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CLI, *args], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"Échec de « maillage {' '.join(args)} » :\n{proc.stdout}\n{proc.stderr}")
    peak = next(
        float(line.split()[1]) / 1024
        for line in proc.stderr.splitlines()
        if line.startswith("MAXRSS")
    )
    return seconds, peak, proc.stdout


def line(
    label: str, seconds: float, peak_mb: float | None = None, goal: float | None = None
) -> None:
    memory = f"{peak_mb:7.0f} Mo" if peak_mb is not None else " " * 10
    verdict = ""
    if goal is not None:
        verdict = "  OK" if seconds < goal else f"  AU-DELÀ DE L'OBJECTIF ({goal:g} s)"
    print(f"  {label:<52} {seconds:8.2f} s {memory}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sources", type=Path, required=True, help="dossier des fichiers nationaux"
    )
    parser.add_argument("--epci", default="200093201")
    parser.add_argument("--communes", default="")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="maillage-bench-territory-"))
    env = {**os.environ, "MAILLAGE_VAR_DIR": str(work / "var")}
    env.pop("MAILLAGE_DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    run(["init"], env)
    print(f"Base SQLite temporaire : {work / 'var'} ; {os.cpu_count()} cœur(s)")

    peer_s, peer_mb, _ = run(["load", "armentieres"], env)
    line("Pair : chargement d'Armentières (jeu fait main)", peer_s, peer_mb)

    out = work / "territoire"
    choice = ["--communes", args.communes] if args.communes else ["--epci", args.epci]
    build_s, build_mb, text = run(
        ["territoire", "creer", *choice, "--sources", str(args.sources), "-o", str(out)], env
    )
    print("  " + text.splitlines()[1])
    line("Construction (territoire creer)", build_s, build_mb)
    manifest = (out / "manifest.yaml").read_text(encoding="utf-8")
    slug = manifest.split("slug: ", 1)[1].split("\n", 1)[0].strip()

    load_s, load_mb, _ = run(["load", str(out)], env)
    line("Chargement (maillage load)", load_s, load_mb)
    line(
        "Construction + chargement", build_s + load_s, max(build_mb, load_mb), BUILD_AND_LOAD_GOAL_S
    )
    raw = sum(p.stat().st_size for p in (out / "raw").iterdir()) / 1e6
    print(f"  Extraits dans raw/ : {raw:.1f} Mo")

    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())  # before the measures
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, str(args.repeat), "armentieres", slug],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"Échec des mesures du diagnostic :\n{proc.stderr}")
    measured = json.loads(proc.stdout.strip().splitlines()[-1])
    print(
        f"Calculs (meilleur de {args.repeat}, cache vidé ; charge de la machine sur 1, 5 et "
        f"15 min : {load}) :"
    )
    for label, key, goal in (
        ("diagnostic (diagnostic_build, non caché)", "diagnostic", DIAGNOSTIC_GOAL_S),
        ("zones blanches (petite enfance, 1 000 m)", "white_zones", WHITE_ZONES_GOAL_S),
    ):
        print(f"  {label}")
        for name, key_slug, key_goal in (("Armentières", "armentieres", None), (slug, slug, goal)):
            line(f"  {name[:38]}", measured[key_slug][key], goal=key_goal)
            print(f"    dont temps processeur : {measured[key_slug][key + '_cpu']:.2f} s")
        ratio = measured[slug][key] / measured["armentieres"][key]
        cpu_ratio = measured[slug][key + "_cpu"] / measured["armentieres"][key + "_cpu"]
        print(
            f"    rapport {slug} / Armentières : {ratio:.1f} (temps processeur : {cpu_ratio:.1f})"
        )
    peak = max(build_mb, load_mb, measured["maxrss_kb"] / 1024)
    verdict = "OK" if peak < MEMORY_GOAL_MB else "AU-DELÀ DE L'OBJECTIF"
    print(f"Mémoire maximale d'une étape : {peak:.0f} Mo ({verdict}, objectif < 2 Go)")
    print(f"Rapport chargement {slug} / Armentières : {load_s / peer_s:.1f}")


if __name__ == "__main__":
    main()
