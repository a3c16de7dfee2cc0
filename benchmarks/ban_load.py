"""Loading a département-size BAN file and geocoding on the loaded table.

Generates a BAN-format file (*exemple fictif*: invented streets, identifiers ``fictif_…``) of
1.5 M rows over 650 communes — the size of ``adresses-59.csv.gz`` — with the territory's
commune (59017) among them, then measures in the same run:

- ``maillage adresses charger`` (a subprocess): rows/s and peak memory (``ru_maxrss``), on the
  whole file and on a tenth of it — the peak must not grow with the file;
- the peer: plain streaming ``csv`` reading of the same gzip file (read, filter, no database);
- geocoding on the loaded table: p50/p95 per query (goal: < 20 ms p95) for typed forms of real
  rows of the table (abbreviated, capitals, no accents, « bis »), the share answered with the
  right address first, beside a naive peer (SQL ``LIKE`` on the street name).

    .venv/bin/python benchmarks/ban_load.py            # 1.5 M rows
    .venv/bin/python benchmarks/ban_load.py --quick    # 150 k rows, for CI
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TERRITORY = "banc-ban"
COMMUNES = 650
# A child process that runs one command and prints its peak resident memory (KiB) last:
# VmHWM of /proc/self/status, this process's own high-water mark (ru_maxrss would also count
# the parent's memory, kept across fork + exec on Linux).
MEASURED = """
import sys
{body}
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
print("MAXRSS", hwm)
"""
LOAD = f"""
from maillage.cli import main
main(["adresses", "charger", sys.argv[1], "--territory", "{TERRITORY}"], standalone_mode=False)
"""
PEER = """
import csv, gzip, io
kept = read = 0
with gzip.open(sys.argv[1], "rt", encoding="utf-8", newline="") as f:
    reader = csv.reader(f, delimiter=";")
    header = next(reader)
    insee = header.index("code_insee")
    for row in reader:
        read += 1
        if row[insee] == "59017":
            kept += 1
print(kept, "retenues sur", read)
"""


def generate(path: Path, rows: int) -> int:
    """Write about ``rows`` rows: 59017 gets ~13 000 addresses, 649 other communes share the
    rest. Returns the number of rows written."""
    from maillage.addresses.fictif import Commune, commune_rows, write_ban_file

    rng = random.Random(2026)
    territory = Commune("59017", "Armentières", "59280", 2.881, 50.688)
    big = 150  # streets of 59017, the same in every file: only the file's size changes
    others = [
        Commune(f"59{n:03d}", f"Commune fictive {n}", f"59{n % 900 + 100:03d}",
                2.4 + rng.random() * 1.6, 50.0 + rng.random() * 1.1)
        for n in range(1, COMMUNES + 1) if n != 17
    ]  # fmt: skip
    per_commune = max(1, (rows - big * 70 * 5 // 4) // len(others))
    streets = max(1, per_commune // 58)
    numbers = max(1, round(per_commune / streets / 1.25))
    count = 0

    def all_rows():
        nonlocal count
        half = len(others) // 2
        for commune in others[:half]:
            for row in commune_rows(commune, streets=streets, numbers=numbers):
                count += 1
                yield row
        for row in commune_rows(territory, streets=big, numbers=70):
            count += 1
            yield row
        for commune in others[half:]:
            for row in commune_rows(commune, streets=streets, numbers=numbers):
                count += 1
                yield row

    write_ban_file(path, all_rows())
    return count


def measured(body: str, *args: str) -> tuple[float, int, str]:
    """(seconds, peak KiB, output) of a child Python running ``body``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED.format(body=body), *args],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(done.stdout + done.stderr)
    lines = done.stdout.strip().splitlines()
    return seconds, int(lines[-1].split()[1]), "\n".join(lines[:-1])


def django_setup(var_dir: str) -> None:
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    os.environ["MAILLAGE_VAR_DIR"] = var_dir
    os.environ.pop("MAILLAGE_DATABASE_URL", None)
    os.environ["MAILLAGE_GEOCODER_URL"] = ""  # local answers only: no network in a benchmark
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from maillage.territory.models import Commune, Territory

    call_command("migrate", interactive=False, verbosity=0)
    commune, _ = Commune.objects.get_or_create(insee_code="59017", defaults={"name": "Armentières"})
    territory, _ = Territory.objects.get_or_create(
        slug=TERRITORY,
        defaults={"name": "Banc d'essai BAN (exemple fictif)", "period_start": 2026,
                  "period_end": 2026},
    )  # fmt: skip
    territory.communes.add(commune)


TYPED = {
    "Rue": "r", "Avenue": "av", "Boulevard": "bd", "Place": "pl", "Chemin": "chem",
    "Impasse": "imp", "Allée": "all", "Route": "rte", "Faubourg": "fg", "Square": "sq",
    "Quai": "quai",
}  # fmt: skip


def typed_forms(address, rng: random.Random) -> str:
    """A form a coordinator might type for a real row of the table."""
    from maillage.text import fold

    number = f"{address.numero}{' ' + address.rep if address.rep else ''}"
    kind, _, rest = address.nom_voie.partition(" ")
    form = rng.randrange(4)
    if form == 0:
        return f"{number} {address.nom_voie} {address.code_postal} {address.nom_commune}"
    if form == 1:
        return f"{number} {TYPED.get(kind, kind)} {rest}"
    if form == 2:
        return f"{number} {address.nom_voie}".upper()
    return fold(f"{number} {TYPED.get(kind, kind)} {rest}")


def geocoding(queries: int) -> dict[str, float]:
    from maillage.addresses.models import Address
    from maillage.addresses.selectors import geocode
    from maillage.territory.models import Territory

    territory = Territory.objects.get(slug=TERRITORY)
    rng = random.Random(15)
    ids = list(Address.objects.values_list("pk", flat=True))
    targets = [Address.objects.get(pk=pk) for pk in rng.sample(ids, min(queries, len(ids)))]
    started = time.perf_counter()
    geocode(territory=territory, query="1 rue")  # builds the street index once
    index_s = time.perf_counter() - started
    times, right = [], 0
    for target in targets:
        text = typed_forms(target, rng)
        t = time.perf_counter()
        answer = geocode(territory=territory, query=text)
        times.append((time.perf_counter() - t) * 1000)
        best = answer.best
        right += bool(best and (best.lon, best.lat) == (target.lon, target.lat))
    peer = []
    for target in targets[: max(20, queries // 10)]:
        name = target.nom_voie.split(" ", 1)[-1]
        t = time.perf_counter()
        list(
            Address.objects.filter(nom_voie__icontains=name, numero=target.numero)[:5]
        )  # no accents/abbreviations handled: the peer only bounds the cost of a scan
        peer.append((time.perf_counter() - t) * 1000)
    q = statistics.quantiles(times, n=20)
    return {
        "index_s": index_s,
        "p50": statistics.median(times),
        "p95": q[18],
        "max": max(times),
        "right": right / len(targets),
        "queries": len(targets),
        "peer_p95": statistics.quantiles(peer, n=20)[18],
        "rows": len(ids),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="150 000 rows, 200 queries (CI)")
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    rows = args.rows or (150_000 if args.quick else 1_500_000)
    queries = 200 if args.quick else 1000
    work = Path(tempfile.mkdtemp(prefix="maillage-ban-"))
    print(f"Fichier BAN généré (exemple fictif) dans {work}")
    files = {}
    for label, n in (("entier", rows), ("dixième", rows // 10)):
        t = time.perf_counter()
        path = work / f"adresses-59-fictif-{n}.csv.gz"
        written = generate(path, n)
        files[label] = (path, written)
        size = path.stat().st_size / 1e6
        print(
            f"  {written:>9} lignes, {size:.0f} Mo gzip, généré en {time.perf_counter() - t:.0f} s"
        )
    django_setup(str(work / "var"))
    env_var = str(work / "var")
    os.environ["MAILLAGE_VAR_DIR"] = env_var

    print("\nChargement (« maillage adresses charger », processus séparé) :")
    results = {}
    for label in ("dixième", "entier"):
        path, written = files[label]
        seconds, peak, out = measured(LOAD, str(path))
        load_s = float(re.search(r"en ([0-9.]+) s", out).group(1))  # the service's own time
        results[label] = (load_s, peak)
        print(f"  {label:8} {written:>9} lignes : {load_s:6.1f} s, {written / load_s:>9,.0f} "
              f"lignes/s, pic mémoire {peak / 1024:.0f} Mo (commande entière : {seconds:.1f} s, "
              f"démarrage compris)")  # fmt: skip
        print(f"           {out.splitlines()[-1][:95]}")
    path, written = files["entier"]
    seconds, peak, out = measured(PEER, str(path))
    print(
        f"  pair : lecture csv seule (gzip, même fichier) : {seconds:.1f} s, "
        f"{written / seconds:,.0f} lignes/s, pic mémoire {peak / 1024:.0f} Mo ({out})"
    )
    load_s, load_peak = results["entier"]
    small_peak = results["dixième"][1]
    print(
        f"  chargement / lecture seule : {load_s / seconds:.2f} × le temps ; "
        f"pic mémoire fichier entier / dixième : {load_peak / small_peak:.2f}"
    )

    g = geocoding(queries)
    print(
        f"\nGéocodage local sur la table chargée ({g['rows']} adresses de 59017, "
        f"{g['queries']} requêtes) :"
    )
    print(f"  index des voies construit en {g['index_s'] * 1000:.0f} ms (une fois par chargement)")
    print(
        f"  p50 {g['p50']:.1f} ms, p95 {g['p95']:.1f} ms (objectif < 20 ms), max {g['max']:.1f} ms"
    )
    print(f"  bonne adresse en premier : {g['right']:.1%}")
    print(
        f"  pair : LIKE SQL sur le nom de voie (sans accents ni abréviations) p95 "
        f"{g['peer_p95']:.1f} ms"
    )
    ok = g["p95"] < 20 and load_peak / small_peak < 1.5
    print("\nObjectifs " + ("atteints." if ok else "NON atteints."))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
