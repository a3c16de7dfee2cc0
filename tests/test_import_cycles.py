"""No import cycle between Maillage's Django apps (issue 13, item 2).

Every module of ``src/maillage`` is parsed (``ast``): every ``import`` counts, at the top of the
module or inside a function, so a cycle hidden in a function-level import is found too.

Cycles that existed when this test was written and are not fixed yet are listed in
:data:`KNOWN_CYCLES`, each with the import that closes it; the test fails on any other cycle
between Django apps, and when a listed one is gone (remove it from the list then). Cycles
through packages that are not Django apps (``interop`` ↔ ``plan``, ``interop`` ↔ ``territory``
when this was written) are not checked here.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

import maillage

SRC = Path(maillage.__file__).resolve().parent
DJANGO_APPS = frozenset(
    app.split(".")[1] for app in settings.INSTALLED_APPS if app.startswith("maillage.")
)
# The cycles not fixed yet: {apps: the import that closes the cycle}.
KNOWN_CYCLES = {
    frozenset({"accounts", "territory"}): (
        "territory/admin.py imports accounts.admin_history (HistoryAdminMixin), while accounts "
        "uses territory's models and services"
    ),
}


def _module_name(path: Path) -> tuple[str, bool]:
    parts = ["maillage", *path.relative_to(SRC).with_suffix("").parts]
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _imports(path: Path, name: str, is_package: bool) -> list[tuple[str, int]]:
    """``(imported module or name, line)`` for every import statement of the file."""
    package = name.split(".") if is_package else name.split(".")[:-1]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((module, node.lineno))
            found += [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _graph() -> tuple[set[str], dict[str, dict[str, int]]]:
    """Modules of ``src/maillage`` (migrations aside) and their imports of one another:
    ``{module: {imported module: line}}``."""
    files = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name, is_package = _module_name(path)
        files[name] = (path, is_package)
    edges: dict[str, dict[str, int]] = defaultdict(dict)
    for name, (path, is_package) in files.items():
        for target, line in _imports(path, name, is_package):
            if target in files and target != name:
                edges[name].setdefault(target, line)
    return set(files), edges


MODULES, EDGES = _graph()


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def _where(module: str, target: str) -> str:
    return f"{module.removeprefix('maillage.').replace('.', '/')}.py:{EDGES[module][target]}"


def _path(start: str, goal_app: str) -> list[str] | None:
    """A chain of imports from ``start`` to a module of ``goal_app`` (``None`` when none)."""
    parent: dict[str, str] = {}
    stack, seen = [start], {start}
    while stack:
        module = stack.pop()
        for target in EDGES.get(module, {}):
            if target in seen:
                continue
            seen.add(target)
            parent[target] = module
            if _app(target) == goal_app:
                chain = [target]
                while chain[-1] != start:
                    chain.append(parent[chain[-1]])
                return chain[::-1]
            stack.append(target)
    return None


def _app_cycles() -> list[frozenset[str]]:
    """The strongly connected groups (more than one app) of the graph of Django apps."""
    graph: dict[str, set[str]] = defaultdict(set)
    for module, targets in EDGES.items():
        for target in targets:
            a, b = _app(module), _app(target)
            if a != b and a in DJANGO_APPS and b in DJANGO_APPS:
                graph[a].add(b)
    reach = {a: _reachable(graph, a) for a in DJANGO_APPS}
    groups = {frozenset({a} | {b for b in reach[a] if a in reach[b]}) for a in DJANGO_APPS}
    return sorted((g for g in groups if len(g) > 1), key=sorted)


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for nxt in graph[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _closing_imports(group: frozenset[str]) -> list[str]:
    return sorted(
        f"{_where(module, target)} → {target}"
        for module, targets in EDGES.items()
        for target in targets
        if _app(module) in group and _app(target) in group and _app(module) != _app(target)
    )


def test_the_walker_sees_function_level_imports():
    # accounts.history imports territory.services inside restore_change_report().
    assert "maillage.territory.services" in EDGES["maillage.accounts.history"]
    assert "maillage.directory.models" in EDGES["maillage.directory.services"]  # relative
    assert {"accounts", "directory", "territory", "plan", "network"} <= DJANGO_APPS


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if _app(m) == "accounts"), ids=lambda m: m
)
def test_accounts_reaches_no_directory_module(module):
    """The directory imports the accounts (permissions, history, versioning, the editable
    registry): the accounts never import the directory, even through another package."""
    chain = _path(module, "directory")
    assert chain is None, " → ".join(
        [*(_where(a, b) for a, b in zip(chain, chain[1:], strict=False)), chain[-1]]
    )


def test_no_import_cycle_between_django_apps_but_the_known_ones():
    cycles = _app_cycles()
    unknown = [g for g in cycles if g not in KNOWN_CYCLES]
    assert not unknown, "\n".join(
        " ↔ ".join(sorted(g)) + ":\n  " + "\n  ".join(_closing_imports(g)) for g in unknown
    )


def test_the_known_cycles_are_still_there():
    """A known cycle that is gone leaves the list (so that it cannot come back unseen)."""
    gone = [", ".join(sorted(g)) for g in KNOWN_CYCLES if g not in _app_cycles()]
    assert not gone, f"plus de cycle entre {gone} : retirez-le de KNOWN_CYCLES"
