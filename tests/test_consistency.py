"""Consistency: French verbose names, documented CLI commands, no missing migration."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import click
import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command

from maillage.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
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
