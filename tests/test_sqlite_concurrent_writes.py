"""Concurrent writers on SQLite, the default engine (issue 12 item 7): several API PATCHes sent at
the same instant to a real multi-process server (gunicorn) on a file database all succeed.

The pytest database cannot show this (one process, transactions rolled back), so the test builds
its own: a throwaway ``MAILLAGE_VAR_DIR`` with the default SQLite file, the real Armentières
dataset, a coordinator and a token (*exemple fictif*), served by gunicorn on a free port of
127.0.0.1. Each round, the writers wait on a barrier and send their PATCH together; rounds and
waits are bounded. Without WAL, ``transaction_mode=IMMEDIATE`` and a busy timeout, these
requests answered 500 « database is locked ».
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WRITERS = 3
ROUNDS = 10

SETUP = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from maillage.accounts.services import api_token_create, membership_set
from maillage.directory.models import Structure
from maillage.territory.models import Territory

territory = Territory.objects.get(slug="armentieres")
email = "coordination-concurrence@example.org"  # exemple fictif
user = get_user_model().objects.create_user(username=email, email=email, password=None)
membership_set(user=user, territory=territory, role="coordinator")
_, secret = api_token_create(user=user, name="test de concurrence")
ids = list(
    Structure.objects.filter(territory=territory, published=True)
    .order_by("pk")
    .values_list("pk", flat=True)[:%(writers)d]
)
print(json.dumps({"token": secret, "structures": ids}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, server: subprocess.Popen, log: Path, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    last = ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = repr(exc)
            time.sleep(0.2)
    pytest.fail(f"le serveur ne répond pas : {url} ({last}) ; {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not (BIN / "gunicorn").exists():
        pytest.fail("gunicorn manque dans l'environnement (extra [dev])")
    work = tmp_path_factory.mktemp("concurrence")
    env = {
        **os.environ,
        "MAILLAGE_ENV": "development",
        "MAILLAGE_DEBUG": "",
        "MAILLAGE_VAR_DIR": str(work),
        "MAILLAGE_GEOCODER_URL": "",
        "DJANGO_SETTINGS_MODULE": "maillage.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("MAILLAGE_DATABASE_URL", None)  # the default engine: SQLite, a file in the var dir
    for cmd in (["init"], ["load", "armentieres"]):
        done = subprocess.run(
            [str(BIN / "maillage"), *cmd], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"maillage {' '.join(cmd)} : {done.stderr[-2000:]}"
    facts = json.loads(
        subprocess.run(
            [sys.executable, "-c", SETUP % {"writers": WRITERS}],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    )
    assert len(facts["structures"]) == WRITERS
    port = _free_port()
    log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "maillage.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WRITERS),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=work,
        stderr=log,
    )
    host = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(f"{host}/api/v1/territories", server, work / "gunicorn.log")
        # Every worker imports the views on its first request: warm them all up.
        for _ in range(4 * WRITERS):
            with urllib.request.urlopen(f"{host}/api/v1/structures/{facts['structures'][0]}"):
                pass
        yield {"host": host, "work": work, **facts}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def _patch(host: str, token: str, structure_id: int, phone: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{host}/api/v1/structures/{structure_id}",
        data=json.dumps({"phone": phone}).encode(),
        method="PATCH",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")[:300]


def test_simultaneous_patches_on_the_default_sqlite_file_all_succeed(served):
    barrier = threading.Barrier(WRITERS, timeout=120)
    results: list[tuple[int, int, int, str]] = []
    lock = threading.Lock()

    def writer(index: int) -> None:
        structure_id = served["structures"][index]
        for round_ in range(ROUNDS):
            phone = f"03 20 00 {index:02d} {round_:02d}"  # exemple fictif
            try:
                barrier.wait()  # all writers send together
            except threading.BrokenBarrierError:
                status, body = -1, "barrière rompue (un autre écrivain a échoué)"
            else:
                status, body = _patch(served["host"], served["token"], structure_id, phone)
            with lock:
                results.append((round_, index, status, body))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not any(t.is_alive() for t in threads), "un écrivain est resté bloqué"

    assert len(results) == WRITERS * ROUNDS
    errors = [r[:3] for r in results if r[2] != 200]
    locked = (served["work"] / "gunicorn.log").read_text().count("database is locked")
    assert errors == [], (
        f"{len(errors)} échec(s) sur {len(results)} requêtes (round, écrivain, code) : "
        f"{errors[:10]} ; « database is locked » {locked} fois dans le journal du serveur"
    )
    # Every writer's last value is in the database.
    with sqlite3.connect(served["work"] / "maillage.sqlite3") as db:
        for index, structure_id in enumerate(served["structures"]):
            (phone,) = db.execute(
                "SELECT phone FROM directory_structure WHERE id = ?", (structure_id,)
            ).fetchone()
            assert phone == f"03 20 00 {index:02d} {ROUNDS - 1:02d}"


def test_the_default_sqlite_database_runs_in_wal_mode(served):
    with sqlite3.connect(served["work"] / "maillage.sqlite3") as db:
        (mode,) = db.execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal"
