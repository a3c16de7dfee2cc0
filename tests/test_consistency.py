"""Consistency: French verbose names, documented CLI commands, no missing migration, and (as
datasette does for its plugin hooks) every dataset kind, every file of the Armentières dataset and
every indicator kind documented in the README or in ``docs/``."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import click
import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command

from maillage.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# The user documentation: the README and every page of docs/ (ADRs included).
DOCS = "\n".join(
    [README, *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md")))]
)
MAILLAGE_MODELS = [m for m in apps.get_models() if m.__module__.startswith("maillage.")]


@pytest.mark.parametrize("model", MAILLAGE_MODELS, ids=lambda m: m._meta.label)
def test_every_model_has_a_french_verbose_name_and_an_admin(model):
    declared = model._meta.original_attrs
    assert "verbose_name" in declared and "verbose_name_plural" in declared, model._meta.label
    is_through = any(
        f.remote_field and getattr(f.remote_field, "through", None) is model
        for other in MAILLAGE_MODELS
        for f in other._meta.many_to_many
    )
    assert admin.site.is_registered(model) or is_through, model._meta.label


def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


@pytest.mark.parametrize("name", [n for n, _ in _commands(main)])
def test_every_cli_command_has_french_help_and_is_in_the_readme(name):
    command = dict(_commands(main))[name]
    assert command.help and len(command.help) > 10, name
    assert f"maillage {name}" in README, f"« maillage {name} » absent du README"


@pytest.mark.django_db
def test_no_missing_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def _documented(name: str) -> bool:
    """Cited as code (`name`) somewhere in the README or docs/: a bare word (« data »,
    « document ») would be found in any text."""
    return f"`{name}`" in DOCS


def _dataset_kinds() -> list[str]:
    from maillage.territory.loader import known_kinds

    return known_kinds()


def _armentieres_files() -> list[str]:
    from maillage.territory.loader import read_manifest, resolve_dataset

    return [spec.path for spec in read_manifest(resolve_dataset("armentieres")).files]


def _indicator_kinds() -> list[str]:
    """The registered indicator kinds (``plan.indicator_kinds``), or the model's choices where
    the registry does not exist."""
    try:
        from maillage.plan.indicator_kinds import registered_kinds
    except ImportError:
        from maillage.plan.models import Indicator

        return list(Indicator.Kind.values)
    return [kind.name for kind in registered_kinds()]


@pytest.mark.parametrize("kind", _dataset_kinds())
def test_every_dataset_kind_is_documented(kind):
    assert _documented(kind), f"type de fichier « {kind} » absent du README et de docs/"


@pytest.mark.parametrize("path", _armentieres_files())
def test_every_file_of_the_armentieres_dataset_is_documented(path):
    assert _documented(path), f"fichier « {path} » du manifeste absent du README et de docs/"


@pytest.mark.parametrize("kind", _indicator_kinds())
def test_every_indicator_kind_is_documented(kind):
    assert _documented(kind), f"mode de calcul « {kind} » absent du README et de docs/"


def test_the_documentation_lists_are_not_empty():
    """A registry read too early (or renamed) would make the tests above vanish, not fail."""
    assert len(_dataset_kinds()) >= 10
    assert len(_armentieres_files()) >= 20
    assert len(_indicator_kinds()) >= 5
