"""Benchmark of maillage.analysis.two_step_fca against PySAL ``access`` (same process, same input).

Input: a seeded synthetic 200 m grid at realistic Lambert-93 offsets (*exemple fictif*), random
demand per cell and random sites with random supply. PySAL ``access`` is fed only the in-range
(cell, site) pairs (its fastest use); our timing includes the neighbour search.

Usage::

    python benchmarks/accessibility.py                # département + région cases
    python benchmarks/accessibility.py --quick        # small sizes, < 20 s (CI)
    python benchmarks/accessibility.py --cells 100000 --sites 2000 --radius-m 3000
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from maillage.analysis import pairs_within, synthetic_grid, two_step_fca  # noqa: E402

E2SFCA_BANDS = [(1000.0, 1.0), (2000.0, 0.68), (3000.0, 0.22)]  # Luo & Qi weights, metres


def scaled_bands(radius_m: float) -> list[tuple[float, float]]:
    return [(radius_m * b / 3000.0, w) for b, w in E2SFCA_BANDS]


def make_input(n_cells: int, n_sites: int, seed: int) -> dict[str, Any]:
    """Exemple fictif: seeded grid, demand and sites (nothing here is real data)."""
    rng = np.random.default_rng(seed)
    xy = synthetic_grid(n_cells=n_cells, fill=0.8, seed=seed)
    demand = rng.gamma(2.0, 5.0, n_cells)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    site_xy = rng.uniform(lo, hi, (n_sites, 2))
    supply = rng.integers(5, 60, n_sites).astype(np.float64)
    return {"demand_xy": xy, "demand": demand, "supply_xy": site_xy, "supply": supply}


def best_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def peak_mb(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def pysal_peer(inp: dict[str, Any], radius_m: float) -> dict[str, Any]:
    import pandas as pd
    from access import Access, weights

    t = time.perf_counter()
    tab = pairs_within(
        demand_xy=inp["demand_xy"], supply_xy=inp["supply_xy"], max_distance_m=radius_m
    )
    t_pairs = time.perf_counter() - t
    n, m = inp["demand"].size, inp["supply"].size
    dem = pd.DataFrame({"geoid": np.arange(n), "demand": inp["demand"]})
    sup = pd.DataFrame({"geoid": np.arange(m), "supply": inp["supply"]})
    cost = pd.DataFrame(
        {"origin": tab.demand_index, "dest": tab.supply_index, "cost": tab.distance_m}
    )

    def make() -> Any:
        return Access(
            demand_df=dem,
            demand_index="geoid",
            demand_value="demand",
            supply_df=sup,
            supply_index="geoid",
            supply_value="supply",
            cost_df=cost,
            cost_origin="origin",
            cost_dest="dest",
            cost_name="cost",
        )

    step = weights.step_fn(dict(scaled_bands(radius_m)))
    runs = {
        "2SFCA": lambda: make().two_stage_fca(max_cost=radius_m)["2sfca_supply"],
        "E2SFCA": lambda: make().enhanced_two_stage_fca(max_cost=radius_m, weight_fn=step)[
            "e2sfca_supply"
        ],
    }
    return {"pairs_s": t_pairs, "n_pairs": len(tab), "runs": runs, "n": n}


def run_case(
    label: str, n_cells: int, n_sites: int, radius_m: float, *, peer: bool, repeat: int, seed: int
) -> list[dict[str, Any]]:
    inp = make_input(n_cells, n_sites, seed)
    rows = []
    ref = pysal_peer(inp, radius_m) if peer else None
    for method, w in (("2SFCA", None), ("E2SFCA", scaled_bands(radius_m))):

        def ours(w: Any = w) -> Any:
            return two_step_fca(**inp, max_distance_m=radius_m, weights=w)

        t_ours, res = best_time(ours, repeat)
        row = {
            "case": label,
            "method": method,
            "cells": n_cells,
            "sites": n_sites,
            "radius_m": radius_m,
            "pairs": res.n_pairs,
            "ours_s": t_ours,
            "ours_mb": peak_mb(ours),
            "engine": res.engine,
        }
        if ref is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t_ref, series = best_time(ref["runs"][method], max(1, min(repeat, 2)))
                ref_mb = peak_mb(ref["runs"][method])
            v = series.reindex(np.arange(ref["n"])).to_numpy()
            same_nan = bool((np.isnan(v) == res.unreached_mask).all())
            row.update(
                pysal_s=t_ref,
                pysal_mb=ref_mb,
                ratio=t_ref / t_ours,
                max_diff=float(np.nanmax(np.abs(v - res.values))),
                nan_match=same_nan,
                pairs_s=ref["pairs_s"],
            )
        rows.append(row)
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    print("Exemple fictif — grille synthétique 200 m (Lambert-93), données aléatoires graine fixe")
    head = (
        f"{'cas':<12}{'méthode':<8}{'carreaux':>10}{'sites':>7}{'paires':>11}"
        f"{'Maillage':>11}{'Mo':>7}{'PySAL':>10}{'Mo':>8}{'ratio':>8}{'écart max':>11}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        peer = (
            f"{r['pysal_s']:>9.3f}s{r['pysal_mb']:>8.0f}{r['ratio']:>7.0f}×{r['max_diff']:>11.1e}"
            if "pysal_s" in r
            else f"{'—':>10}{'—':>8}{'—':>8}{'—':>11}"
        )
        print(
            f"{r['case']:<12}{r['method']:<8}{r['cells']:>10}{r['sites']:>7}{r['pairs']:>11}"
            f"{r['ours_s'] * 1e3:>9.1f}ms{r['ours_mb']:>7.0f}{peer}"
        )
    for r in rows:
        if "pairs_s" in r and r["method"] == "2SFCA":
            print(
                f"({r['case']}: recherche des paires pour PySAL (k-d tree, hors chronométrage "
                f"PySAL) {r['pairs_s']:.2f} s ; NaN PySAL = cellules non desservies : "
                f"{r['nan_match']})"
            )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cells", type=int)
    p.add_argument("--sites", type=int)
    p.add_argument("--radius-m", type=float, default=3000.0)
    p.add_argument("--quick", action="store_true", help="small sizes, < 20 s")
    p.add_argument("--no-pysal", action="store_true")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--seed", type=int, default=20240601)
    a = p.parse_args(argv)
    peer = not a.no_pysal
    rows: list[dict[str, Any]] = []
    if a.cells or a.sites:
        rows += run_case(
            "custom",
            a.cells or 100_000,
            a.sites or 2_000,
            a.radius_m,
            peer=peer,
            repeat=a.repeat,
            seed=a.seed,
        )
    elif a.quick:
        rows += run_case("quick", 20_000, 400, a.radius_m, peer=peer, repeat=3, seed=a.seed)
    else:
        rows += run_case(
            "département", 100_000, 2_000, a.radius_m, peer=peer, repeat=a.repeat, seed=a.seed
        )
        rows += run_case(
            "région", 1_000_000, 20_000, a.radius_m, peer=False, repeat=a.repeat, seed=a.seed
        )
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
