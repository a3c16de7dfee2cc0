"""Counter increments never lose a count: the path where another request created the row
between our update and our insert, sequential upserts, and threads writing the same counter
at once on a real SQLite file (the default engine: WAL, ``IMMEDIATE`` transactions)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from django.db.models.query import QuerySet

from maillage.usage.models import DailyCount
from maillage.usage.services import record

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 3, 2)


def test_sequential_upserts_add_up_per_key(armentieres):
    for _ in range(7):
        record(territory=armentieres, kind="fiche", key="1", day=DAY)
    for _ in range(3):
        record(territory=armentieres, kind="fiche", key="2", day=DAY)
    record(territory=armentieres, kind="fiche", key="1", day=DAY + dt.timedelta(days=1))
    got = DailyCount.objects.filter(territory=armentieres).values_list("day", "key", "count")
    assert sorted(got) == [(DAY, "1", 7), (DAY, "2", 3), (DAY + dt.timedelta(days=1), "1", 1)]


def test_a_row_created_meanwhile_by_another_request_is_incremented_not_lost(
    armentieres, monkeypatch
):
    record(territory=armentieres, kind="fiche", key="1", day=DAY)  # the other request's row
    real_update = QuerySet.update
    calls = []

    def update_missing_the_row_once(self, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:  # our first UPDATE ran before the other request's INSERT
            return 0
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_missing_the_row_once)
    record(territory=armentieres, kind="fiche", key="1", day=DAY)  # INSERT conflicts → UPDATE
    assert len(calls) == 2
    assert DailyCount.objects.get(territory=armentieres, key="1").count == 2


SCRIPT = """
import threading
import django
django.setup()
from django.core.management import call_command
call_command("migrate", "usage", verbosity=0)
from django.db import connection
from maillage.territory.models import Territory
from maillage.usage.models import DailyCount
from maillage.usage.services import record

territory = Territory.objects.create(
    slug="fictif-concurrence", name="Territoire fictif (exemple fictif)",
    period_start=2023, period_end=2026,
)
THREADS, EACH = %(threads)d, %(each)d
barrier = threading.Barrier(THREADS)
failures = []

def work():
    try:
        barrier.wait()
        for _ in range(EACH):
            record(territory=territory, kind="fiche", key="1")
    except Exception as exc:  # reported below
        failures.append(repr(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=work) for _ in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(DailyCount.objects.get(territory=territory).count, len(failures))
"""


def test_threads_counting_at_once_on_a_sqlite_file_lose_nothing(tmp_path, caplog):
    threads, each = 4, 50
    env = {
        **os.environ,
        "MAILLAGE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "maillage.settings",
    }
    env.pop("MAILLAGE_DATABASE_URL", None)  # the default engine: SQLite in the var dir
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT % {"threads": threads, "each": each}],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "non enregistré" not in done.stderr  # no increment given up (lock timeout)
    count, failures = done.stdout.split()
    assert (int(count), int(failures)) == (threads * each, 0)
