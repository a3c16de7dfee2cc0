"""Load benchmark of the directory search: 50 concurrent users against gunicorn on 127.0.0.1.

What it does, in a throwaway folder (``MAILLAGE_VAR_DIR``, SQLite) removed at the end:

1. creates the database, loads the real Armentières dataset (zones for the map), then generates
   an *exemple fictif* directory of ``--services`` services (``benchmarks/_fictif.py``, seeded
   RNG, in its own territory ``exemple-fictif``; never mixed with the real data);
2. serves the project with gunicorn on a free port of 127.0.0.1;
3. runs locust headless, each pass measured for ``--duration`` seconds with ``--users`` users,
   once they have all arrived (over 5 s, not measured: the steady state), after a *warm-up*
   pass (``--warmup`` seconds, not reported: a server that has been up a while has its
   per-process caches filled). One *measurement* is: the *peer* pass requests
   ``/api/v1/territories`` without pause (a trivial Django view reading one table: the
   throughput ceiling of this server); right after it, the *search saturation* pass requests
   only the search page (free text, thématique, public, age, quartier, in random combinations
   drawn from the generated vocabulary), without pause; the *visitors* pass does the directory
   mix (search 3/4, structure pages 1/4) with a pause of 1 to 3 s between requests (people
   reading), for latency. The first measurement also runs, for information, the *htmx* pass
   (the same searches as the page's script sends after its first load, ``HX-Request``: results
   fragment only) and the *directory saturation* pass (the mix without pause).
   ``--repetitions N`` makes N measurements on the same server;
4. prints, for each measurement, p50/p95 latency and throughput per request type and the two
   goals: search p95 ≤ 50 ms (visitors pass) and search throughput ≥ 50 % of the peer's (search
   saturation), then in how many measurements both held (exit status 0 only if in all).

With ``--mel``, step 1 also builds the Métropole Européenne de Lille (EPCI 200093201, 95
communes) from the national files of ``--sources`` with ``maillage territoire creer`` and loads it
with ``maillage load`` (the commands that ``benchmarks/territory_build.py`` measures), beside
Armentières in the same database: the search then runs with the métropole's tables (zones,
cells, its 700 real structures) and its in-memory index in every worker (one warm-up request
builds it). ``--fictif-sur mel`` draws the *exemple fictif* directory over the MEL's communes
instead of Armentières' (the quartier filter then picks among the métropole's IRIS and QPV).

Traffic goes to 127.0.0.1 only. Usage::

    .venv/bin/python benchmarks/search_load.py              # 10 000 services, 50 users, 30 s
    .venv/bin/python benchmarks/search_load.py --services 2000 --duration 10
    .venv/bin/python benchmarks/search_load.py --mel        # the MEL in the same database
    .venv/bin/python benchmarks/search_load.py --repetitions 3 [--mel]
    .venv/bin/python benchmarks/search_load.py --mel --fictif-sur mel
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SLUG = "exemple-fictif"
PEER_PATH = "/api/v1/territories"
RAMP_S = 5  # seconds over which the users of a pass arrive, not measured
MEL_EPCI = "200093201"  # Métropole Européenne de Lille (SIREN)
NATIONAL = ROOT.parent / "shared" / "data" / "national"

# The exemple fictif directory over another territory's communes (benchmarks/_fictif.py).
FICTIF_OVER = """
import json, sys
from pathlib import Path
sys.path.insert(0, {benchmarks!r})
import _fictif
_fictif.setup_django()
facts = _fictif.generate(services={services}, seed={seed}, slug={slug!r}, source_slug={source!r})
Path({out!r}).write_text(json.dumps(facts), encoding="utf-8")
print(f"{{facts['structures']}} structures, {{facts['services']}} services ({{_fictif.LABEL}}).")
"""

LOCUSTFILE = """
import json, random
from locust import HttpUser, between, constant, task

SETUP = json.load(open({setup!r}, encoding="utf-8"))
SLUG = SETUP["slug"]
IDS = SETUP["structure_ids"]
WORDS = SETUP["words"]
THEMES = SETUP["themes"]
PUBLICS = SETUP["publics"]
QUARTIERS = SETUP["quartiers"]


class Peer(HttpUser):
    wait_time = constant(0)

    @task
    def trivial(self):
        self.client.get({peer!r}, name="pair : {peer}")


class Visitor(HttpUser):
    wait_time = constant(0)

    @task(3)
    def search(self):
        params = {{}}
        if random.random() < 0.6:
            params["q"] = random.choice(WORDS)
        if random.random() < 0.4:
            params["thematique"] = random.choice(THEMES)
        if random.random() < 0.3:
            params["public"] = random.choice(PUBLICS)
        if random.random() < 0.3:
            params["age"] = random.randint(0, 17)
        if random.random() < 0.2:
            params["quartier"] = random.choice(QUARTIERS)
        self.client.get(f"/territoire/{{SLUG}}/annuaire/", params=params, name="recherche")

    @task(1)
    def structure(self):
        sid = random.choice(IDS)
        self.client.get(f"/territoire/{{SLUG}}/structures/{{sid}}/", name="fiche structure")


class Searcher(HttpUser):
    wait_time = constant(0)
    search = Visitor.search
    tasks = [search]


class HtmxSearcher(HttpUser):
    # The search as the page's script sends it after the first load (results fragment).

    wait_time = constant(0)

    @task
    def search(self):
        self.client.headers["HX-Request"] = "true"
        Visitor.search(self)


class Browsing(Visitor):
    wait_time = between({think_min}, {think_max})
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict[str, str]) -> None:
    shown = ("<script>" if "\n" in str(c) else str(c) for c in cmd)
    print("  $", " ".join(shown), flush=True)
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)


def wait_ready(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 (127.0.0.1 only)
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"Le serveur ne répond pas : {url}")


def warm_up(urls: list[str], *, rounds: int) -> None:
    """Each gunicorn worker imports the views on its first request (seconds): send enough
    concurrent requests that every worker has served every kind of page before measuring."""
    from concurrent.futures import ThreadPoolExecutor

    def get(url: str) -> None:
        with urllib.request.urlopen(url, timeout=60) as r:  # noqa: S310 (127.0.0.1 only)
            r.read()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(get, urls * rounds))


def locust_run(
    *,
    user_class: str,
    host: str,
    setup: Path,
    work: Path,
    users: int,
    duration_s: int,
    env: dict,
    think_s: tuple[float, float],
    ramp_s: int = RAMP_S,
) -> dict[str, dict[str, float]]:
    """Run locust headless; return {request name: {p50_ms, p95_ms, rps, requests, failures}}.

    The users arrive over ``ramp_s`` seconds and the statistics start once they are all there
    (``--reset-stats``), for ``duration_s`` seconds: what is measured is the steady state, not
    the queue of ``users`` first requests sent in the same instant (with 50 visitors pausing
    1 to 3 s, that burst alone was 7 % of a pass's requests, and its wait made the p95). A
    request that failed during the arrival is not counted either (a server failing every
    request fails the measured part too).
    """
    locustfile = work / "locustfile.py"
    locustfile.write_text(
        LOCUSTFILE.format(
            setup=str(setup), peer=PEER_PATH, think_min=think_s[0], think_max=think_s[1]
        ),
        encoding="utf-8",
    )
    prefix = work / f"stats_{user_class}"
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(locustfile),
        "--headless",
        "--host",
        host,
        "-u",
        str(users),
        "-r",
        f"{users / max(ramp_s, 1):g}",
        "-t",
        f"{duration_s + ramp_s}s",
        "--reset-stats",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        user_class,
    ]
    print("  $", " ".join(cmd), flush=True)
    subprocess.run(cmd, env=env, cwd=work, check=False, stdout=subprocess.DEVNULL)
    out: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Name"] == "Aggregated":
                continue
            out[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "rps": float(row["Requests/s"]),
            }
    return out


def load_mel(*, work: Path, sources: Path, env: dict[str, str]) -> str:
    """Build the MEL's dataset folder from the national files and load it; return its slug."""
    if not sources.is_dir():
        raise SystemExit(f"Dossier des fichiers nationaux introuvable : {sources}")
    out = work / "mel"
    t0 = time.perf_counter()
    maillage = str(BIN / "maillage")
    creer = [maillage, "territoire", "creer", "--epci", MEL_EPCI, "--sources", str(sources)]
    print("  $", " ".join([*creer, "-o", str(out)]), flush=True)
    subprocess.run(
        [*creer, "-o", str(out)], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    print("  $", maillage, "load", str(out), flush=True)
    subprocess.run(
        [maillage, "load", str(out)], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    manifest = (out / "manifest.yaml").read_text(encoding="utf-8")
    slug = manifest.split("slug: ", 1)[1].split("\n", 1)[0].strip()
    print(f"   Métropole Européenne de Lille (« {slug} ») : {time.perf_counter() - t0:.1f} s")
    return slug


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=30, help="secondes par passe")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--warmup", type=int, default=10, help="secondes de mise en route")
    parser.add_argument("--think-min", type=float, default=1.0, help="pause mini (s)")
    parser.add_argument("--think-max", type=float, default=3.0, help="pause maxi (s)")
    parser.add_argument("--keep", action="store_true", help="garde le dossier temporaire")
    parser.add_argument(
        "--repetitions",
        type=int,
        default=1,
        help="mesures successives (pair, recherche, visiteurs) sur le même serveur",
    )
    parser.add_argument(
        "--mel",
        action="store_true",
        help="construit et charge aussi la Métropole Européenne de Lille dans la même base",
    )
    parser.add_argument(
        "--sources", type=Path, default=NATIONAL, help="dossier des fichiers nationaux (--mel)"
    )
    parser.add_argument(
        "--fictif-sur",
        choices=["armentieres", "mel"],
        default="armentieres",
        help="communes sur lesquelles l'annuaire fictif est tiré (mel : implique --mel)",
    )
    args = parser.parse_args(argv)
    if args.fictif_sur == "mel":
        args.mel = True

    work = Path(tempfile.mkdtemp(prefix="maillage-bench-"))
    env = {
        **os.environ,
        "MAILLAGE_ENV": "development",
        "MAILLAGE_DEBUG": "",
        "MAILLAGE_VAR_DIR": str(work),
        "MAILLAGE_DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "MAILLAGE_GEOCODER_URL": "",
        "DJANGO_SETTINGS_MODULE": "maillage.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    server = None
    try:
        print(f"Dossier temporaire : {work}")
        print("1. Base, données réelles d'Armentières, annuaire fictif")
        run([str(BIN / "maillage"), "init"], env)
        run([str(BIN / "maillage"), "load", "armentieres"], env)
        mel_slug = load_mel(work=work, sources=args.sources, env=env) if args.mel else None
        setup = work / "setup.json"
        t0 = time.perf_counter()
        source = mel_slug if args.fictif_sur == "mel" and mel_slug else "armentieres"
        script = FICTIF_OVER.format(
            benchmarks=str(ROOT / "benchmarks"),
            services=args.services,
            seed=args.seed,
            slug=SLUG,
            source=source,
            out=str(setup),
        )
        run([sys.executable, "-c", script], env)
        print(f"   génération : {time.perf_counter() - t0:.1f} s (communes de « {source} »)")
        facts = json.loads(setup.read_text(encoding="utf-8"))

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        print(f"2. gunicorn, {args.workers} processus, {host}")
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "maillage.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=work,
        )
        wait_ready(host + PEER_PATH)
        sid = facts["structure_ids"][0]
        warm = [
            host + PEER_PATH,
            f"{host}/territoire/{SLUG}/annuaire/",
            f"{host}/territoire/{SLUG}/structures/{sid}/",
        ]
        if mel_slug:  # every worker holds the métropole's index too, as a real server would
            warm.append(f"{host}/territoire/{mel_slug}/annuaire/")
        warm_up(warm, rounds=4 * args.workers)

        load_before = " / ".join(f"{v:.1f}" for v in os.getloadavg())
        print(f"3. locust : {args.users} utilisateurs, {args.duration} s par passe")
        common = dict(
            host=host,
            setup=setup,
            work=work,
            users=args.users,
            duration_s=args.duration,
            env=env,
            think_s=(args.think_min, args.think_max),
        )
        if args.warmup:
            locust_run(user_class="Visitor", **{**common, "duration_s": args.warmup})
        runs = []
        for repetition in range(args.repetitions):
            # The peer right before the search it is compared with: a change of the machine's
            # load between the two passes moves the ratio as little as possible.
            passes = {"pair, saturation (sans pause)": locust_run(user_class="Peer", **common)}
            passes["recherche seule, saturation (sans pause)"] = locust_run(
                user_class="Searcher", **common
            )
            if repetition == 0:  # for information, once
                passes["recherche htmx (fragment), saturation (sans pause)"] = locust_run(
                    user_class="HtmxSearcher", **common
                )
                passes["annuaire, saturation (sans pause)"] = locust_run(
                    user_class="Visitor", **common
                )
            visitors = (
                f"annuaire, {args.users} visiteurs (pause {args.think_min}-{args.think_max} s)"
            )
            passes[visitors] = locust_run(user_class="Browsing", **common)
            runs.append((passes, " / ".join(f"{v:.1f}" for v in os.getloadavg())))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    if mel_slug:
        print(
            f"Base : Armentières et la Métropole Européenne de Lille (« {mel_slug} », construite "
            f"depuis {args.sources}) ; annuaire fictif sur les communes de « {source} »."
        )
    print(
        f"Annuaire fictif : {facts['services']} services, {facts['structures']} structures "
        f"(exemple fictif, graine {args.seed}) ; {args.users} utilisateurs simultanés, "
        f"{args.duration} s par passe, gunicorn {args.workers} processus, {os.cpu_count()} CPU ; "
        f"charge au début des passes : {load_before}."
    )
    held = 0
    failures = 0
    for number, (passes, load_after) in enumerate(runs, start=1):
        ok, failed = report(passes, number=number, users=args.users, load_after=load_after)
        held += ok
        failures += failed
    print()
    print(f"Objectifs tenus dans {held} mesure(s) sur {len(runs)}.")
    if failures:
        print(f"{failures} requêtes en échec.")
    return 0 if held == len(runs) and not failures else 1


def report(
    passes: dict[str, dict[str, dict[str, float]]], *, number: int, users: int, load_after: str
) -> tuple[bool, int]:
    """Print one measurement's table and goals; return (both goals held, failed requests)."""
    print()
    print(f"Mesure {number}")
    print(
        f"{'passe / requête':<64}{'requêtes':>9}{'échecs':>7}{'p50 ms':>8}{'p95 ms':>8}{'req/s':>8}"
    )
    for title, stats in passes.items():
        for name, st in stats.items():
            print(
                f"{title + ' — ' + name:<64}{st['requests']:>9}{st['failures']:>7}"
                f"{st['p50_ms']:>8.0f}{st['p95_ms']:>8.0f}{st['rps']:>8.1f}"
            )
    titles = list(passes)
    peer, searching, browsing = passes[titles[0]], passes[titles[1]], passes[titles[-1]]
    ceiling = sum(st["rps"] for st in peer.values())
    search = browsing.get("recherche")
    failures = sum(int(st["failures"]) for stats in passes.values() for st in stats.values())
    if not search or not ceiling or "recherche" not in searching:
        print("Mesure incomplète.")
        return False, failures
    # Saturation: the server's search throughput against the trivial peer on the same server,
    # in the same run, the pass just before.
    ratio = searching["recherche"]["rps"] / ceiling
    ok_p95 = search["p95_ms"] <= 50
    ok_ratio = ratio >= 0.5
    print(
        f"Objectif p95 recherche ≤ 50 ms ({users} visiteurs, régime établi) : "
        f"{search['p95_ms']:.0f} ms — "
        f"{'atteint' if ok_p95 else 'NON atteint'}"
    )
    print(
        f"Objectif débit de recherche à saturation ≥ 50 % du pair ({PEER_PATH}) : {ratio:.0%} — "
        f"{'atteint' if ok_ratio else 'NON atteint'}"
    )
    for title, label in (
        ("annuaire, saturation (sans pause)", "débit du mélange annuaire (recherche + fiches)"),
        (
            "recherche htmx (fragment), saturation (sans pause)",
            "débit de la recherche htmx (fragment de résultats, comme l'envoie la page après "
            "son premier affichage)",
        ),
    ):
        if title in passes:
            rps = sum(st["rps"] for st in passes[title].values())
            print(f"Pour information, {label} : {rps / ceiling:.0%}")
    print(f"Charge de la machine à la fin de la mesure (1, 5, 15 min) : {load_after}")
    return ok_p95 and ok_ratio and not failures, failures


if __name__ == "__main__":
    raise SystemExit(main())
