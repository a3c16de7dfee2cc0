"""Read time and peak memory of the spreadsheet reader, on an *exemple fictif* table.

A table of ``--rows`` rows (journal-like columns, made up by a seeded generator and labelled
« exemple fictif ») is written once as CSV, XLSX and ODS with ``interop.tabular.write_table``,
then read back with ``read_table``. The peer, in the same process, is the CSV read of the same
rows; with ``--ref <commit>`` the reader of that commit (``git show``) is measured too, on the
same bytes, to compare before/after a change. Peak memory is tracemalloc's (Python allocations),
measured in a separate pass from the timing (tracemalloc slows code down)::

    python benchmarks/tabular_read.py --rows 50000 --ref cac145a~1
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

LABEL = "exemple fictif"
ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    import django

    django.setup()


def _rows(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    kinds = ("Atelier", "Réunion", "Permanence", "Sortie", "Formation")
    start = dt.date(2024, 1, 1)
    return [
        {
            "date": start + dt.timedelta(days=rng.randrange(700)),
            "type": rng.choice(kinds),
            "titre": f"[{LABEL}] {rng.choice(kinds)} n° {i}",
            "axe": str(rng.randint(1, 4)),
            "participants": rng.randint(0, 60),
            "duree": round(rng.uniform(0.5, 4), 1),
            "description": f"{LABEL} " + "x" * rng.randint(0, 40),
            "partenaires": "; ".join(rng.sample(("CAF", "CCAS", "Centre social", "PMI"), 2)),
        }
        for i in range(count)
    ]


def _reader_at(commit: str):
    """The ``read_table`` of ``interop/tabular.py`` at ``commit``, loaded as its own module."""
    source = subprocess.run(
        ["git", "show", f"{commit}:src/maillage/interop/tabular.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source.replace("from .tabular_xml", "from maillage.interop.tabular_xml"))
    spec = importlib.util.spec_from_file_location("tabular_ref", handle.name)
    module = importlib.util.module_from_spec(spec)
    sys.modules["tabular_ref"] = module
    spec.loader.exec_module(module)
    return module.read_table


def _measure(read, data: bytes, filename: str, repeat: int) -> tuple[float, float, int]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        table = read(data, filename=filename)
        times.append(time.perf_counter() - began)
    tracemalloc.start()
    read(data, filename=filename)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20, len(table.rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ref", help="also measure the reader of this git commit")
    args = parser.parse_args()
    _setup()
    from maillage.interop.tabular import read_table, write_table

    columns = [(k, k.capitalize()) for k in _rows(1, 0)[0]]
    rows = _rows(args.rows, args.seed)
    files = {fmt: write_table(rows, columns=columns, fmt=fmt) for fmt in ("csv", "xlsx", "ods")}
    readers = {"actuel": read_table}
    if args.ref:
        readers[args.ref] = _reader_at(args.ref)
    print(f"{args.rows} lignes × {len(columns)} colonnes ({LABEL}), médiane de {args.repeat}")
    peer = None
    for name, read in readers.items():
        for fmt, data in files.items():
            seconds, peak, count = _measure(read, data, f"journal.{fmt}", args.repeat)
            assert count == args.rows, (name, fmt, count)
            if peer is None:
                peer = (seconds, peak)
            print(
                f"{name:>12} {fmt:>4} {len(data) / 2**20:6.1f} Mo : {seconds:6.2f} s "
                f"({seconds / peer[0]:4.1f} × CSV actuel), pic {peak:6.1f} Mo "
                f"({peak / peer[1]:4.1f} × CSV actuel)"
            )


if __name__ == "__main__":
    main()
