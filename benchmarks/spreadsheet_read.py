"""Maillage's streaming XLSX/ODS reader beside python-calamine, on an *exemple fictif* table, and
what calamine does with an ODS « repeat bomb » (why it is not the reader of uploads yet).

A table of ``--rows`` rows (made up by ``tabular_read._rows``, seeded, labelled « exemple
fictif ») is written as XLSX and ODS with ``write_table``. Both readers run in the same process on
the same bytes: ``read_table`` (expat, streaming, limits checked before allocating) and calamine
(Rust: ``CalamineWorkbook.from_filelike`` + ``to_python``) followed by the same ``Table`` build,
so the ratio compares like with like. Then, in a child process each, both read a 4 Kio ODS whose
20 rows are each repeated 50 000 times; the child's peak resident memory (VmHWM of
/proc/self/status, which sees Rust's allocations, unlike tracemalloc) is printed::

    python benchmarks/spreadsheet_read.py --rows 50000
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "interop"))

from tabular_read import LABEL, _rows, _setup  # noqa: E402

BOMB_CHILD = """
import io, sys
sys.path.insert(0, {tests!r})
from spreadsheets import ods_bytes, ods_cell, ods_row
header = ods_row(ods_cell("Date"), ods_cell("Titre"), ods_cell("Type"))
rows = [ods_row(ods_cell("2025-01-01"), ods_cell(f"A{{i}}"), repeat="50000") for i in range(20)]
data = ods_bytes(header, *rows)
outcome = ""
if {which!r} == "calamine":
    import python_calamine
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    outcome = f"{{sheet.height}} lignes chargées"
else:
    import os
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    import django
    django.setup()
    from maillage.interop.tabular import TableError, read_table
    try:
        read_table(data, filename="bombe.ods")
    except TableError as exc:
        outcome = "refusé : " + exc.detail
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(len(data), int(peak) // 1024, outcome)
"""


def _calamine_reader():
    import python_calamine

    from maillage.interop.tabular import Limits, _build

    def read(data: bytes, *, filename: str, limits: Limits):
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        values = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        return _build(filename, ((i + 1, row, 1) for i, row in enumerate(values)), limits=limits)

    return read


def _median(read, data: bytes, filename: str, repeat: int, limits) -> tuple[float, object]:
    times, table = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        table = read(data, filename=filename, limits=limits)
        times.append(time.perf_counter() - began)
    return statistics.median(times), table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    _setup()
    from maillage.interop.tabular import Limits, read_table, write_table

    limits = Limits(max_rows=max(args.rows, 50_000), max_cells=args.rows * 20)
    columns = [(k, k.capitalize()) for k in _rows(1, 0)[0]]
    rows = _rows(args.rows, args.seed)
    calamine = _calamine_reader()
    print(f"{args.rows} lignes × {len(columns)} colonnes ({LABEL}), médiane de {args.repeat}")
    for fmt in ("xlsx", "ods"):
        data = write_table(rows, columns=columns, fmt=fmt)
        ours, table = _median(read_table, data, f"journal.{fmt}", args.repeat, limits)
        theirs, other = _median(calamine, data, f"journal.{fmt}", args.repeat, limits)
        same = table.rows == other.rows
        print(
            f"{fmt:>4} {len(data) / 2**20:5.1f} Mo : lecteur Maillage {ours:5.2f} s, "
            f"calamine {theirs:5.2f} s → calamine {ours / theirs:4.1f} × plus rapide "
            f"(tables identiques : {'oui' if same else 'non'})"
        )
    tests = str(HERE.parent / "tests" / "interop")
    for which in ("maillage", "calamine"):
        code = BOMB_CHILD.format(tests=tests, which=which)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split(" ", 2)
        print(
            f"bombe ODS ({out[0]} octets, 20 lignes × 50 000 répétitions) : {which} — "
            f"mémoire résidente max {out[1]} Mo, {out[2].strip()}"
        )


if __name__ == "__main__":
    main()
