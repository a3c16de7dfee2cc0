"""`reports/` only renders: it builds no result and reads no database (issue 13, item 3).

The diagnostic is built by ``maillage.diagnostic.selectors.diagnostic_build`` and the bilan by
``maillage.plan.bilan_build.bilan_build``; every module of ``maillage.reports`` lays a result
object out. These tests walk the source (``ast``) so that the rule stays true: a report module
that imports an ORM model, ``django.db``, a selector or a service, or calls a query method, fails
here, and so does a module it imports from another app that does.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

import maillage

SRC = Path(maillage.__file__).parent
REPORTS = sorted((SRC / "reports").glob("*.py"))
# Modules whose job is to read the database (or write it): never imported by a renderer.
READING_MODULES = ("models", "selectors", "services", "loader", "loading", "bilan_build")
QUERY_METHODS = {
    "objects",
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "values_list",
    "refresh_from_db",
    "raw",
    "aggregate",
}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(absolute module imported, line, only for type checking) of every import in ``path``."""
    package = "maillage." + ".".join(path.relative_to(SRC).with_suffix("").parts[:-1])
    return _imports_of(path.read_text(encoding="utf-8"), package=package.rstrip("."))


def _imports_of(source: str, *, package: str) -> list[tuple[str, int, bool]]:
    """Module-level and function-level imports alike; relative imports resolved; for
    ``from a import b`` both ``a`` and ``a.b`` (``b`` may be a module)."""
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.body:
                    visit_one(sub, True)
                for sub in child.orelse:
                    visit_one(sub, typing_only)
            else:
                visit_one(child, typing_only)

    def visit_one(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend((a.name, node.lineno, typing_only) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = importlib.util.resolve_name("." * node.level + base, package)
            found.append((base, node.lineno, typing_only))
            found.extend((f"{base}.{a.name}", node.lineno, typing_only) for a in node.names)
        visit(node, typing_only)

    visit(ast.parse(source), False)
    return found


def _orm_module(name: str) -> bool:
    return name == "django.db" or name.startswith("django.db.") or name.endswith(".models")


def _reading_module(name: str) -> bool:
    return name.startswith("maillage.") and name.rsplit(".", 1)[-1] in READING_MODULES


def _module_path(name: str) -> Path | None:
    parts = name.split(".")[1:]
    for candidate in (SRC.joinpath(*parts).with_suffix(".py"), SRC.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def test_the_walk_sees_the_imports_it_must_refuse():
    """The checker itself: a model imported in a function, ``django.db``, a selector under
    ``TYPE_CHECKING`` and ``from … import selectors`` are all seen (else the tests below could
    never fail)."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from maillage.plan.selectors import ZoneCount\n"
        "def f():\n"
        "    from ..directory.models import Structure\n"
        "    from django.db.models import Q\n"
        "    from maillage.diagnostic import selectors\n"
        "    return Structure.objects.filter(Q())\n"
    )
    found = _imports_of(source, package="maillage.reports")
    assert ("maillage.plan.selectors", 3, True) in found
    assert ("maillage.directory.models", 5, False) in found
    assert ("django.db.models", 6, False) in found
    assert ("maillage.diagnostic.selectors", 7, False) in found
    assert [n for n, _l, _t in found if _orm_module(n)] == [
        "maillage.directory.models",
        "django.db.models",
        "django.db.models.Q",
    ]
    assert [n for n, _l, t in found if not t and _reading_module(n)] == [
        "maillage.directory.models",
        "maillage.diagnostic.selectors",
    ]


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_a_report_module_imports_no_orm_model_nor_django_db(path):
    bad = [f"{name} (ligne {line})" for name, line, _t in _imports(path) if _orm_module(name)]
    assert bad == [], f"reports/{path.name} importe l'ORM : {bad}"


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_a_report_module_calls_no_selector_service_nor_builder(path):
    """Types of result objects may be named for type checking; nothing that reads is called."""
    bad = [
        f"{name} (ligne {line})"
        for name, line, typing_only in _imports(path)
        if not typing_only and _reading_module(name)
    ]
    assert bad == [], f"reports/{path.name} lit la base : {bad}"


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_a_report_module_runs_no_query(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [
        f".{node.attr} (ligne {node.lineno})"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in QUERY_METHODS
    ]
    assert bad == [], f"reports/{path.name} interroge la base : {bad}"


def test_what_reports_import_from_other_apps_reads_nothing_either():
    """A result module imported by a renderer (``diagnostic.report``, ``plan.bilan``…) is data
    only: were it to import a model or a selector, `reports/` would query through it."""
    imported = {
        name
        for path in REPORTS
        for name, _line, typing_only in _imports(path)
        if not typing_only
        and name.startswith("maillage.")
        and not name.startswith("maillage.reports")
    }
    assert {"maillage.diagnostic.report", "maillage.plan.bilan"} <= imported
    bad = []
    for name in sorted(imported):
        path = _module_path(name)
        if path is None:  # a name imported from a module, not a module
            continue
        bad += [
            f"{name} → {dep} (ligne {line})"
            for dep, line, typing_only in _imports(path)
            if not typing_only and (_orm_module(dep) or _reading_module(dep))
        ]
    assert bad == [], f"modules importés par reports/ qui lisent la base : {bad}"
