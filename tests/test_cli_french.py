"""The ``maillage`` command speaks French: Click's own texts (usage, help option, errors, defaults)
come from Maillage's catalog, and every command and option has a French help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from maillage.cli import main

ENGLISH = (
    "Show this message",
    "Usage:",
    "Error:",
    "[default:",
    "[required]",
    "Show the version",
    "Try '",
)


def _commands(command: click.Command, path: list[str]):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, [*path, name])


def test_every_help_page_is_french():
    runner = CliRunner()
    for path, command in _commands(main, []):
        result = runner.invoke(main, [*path, "--help"], prog_name="maillage")
        assert result.exit_code == 0, (path, result.output)
        assert result.output.startswith("Utilisation : maillage"), (path, result.output[:80])
        assert "Affiche cette aide et quitte." in result.output
        for english in ENGLISH:
            assert english not in result.output, (path, english)
        assert command.help, path
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, (path, param.opts)


def test_errors_are_french_whatever_the_shell_locale():
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    env.pop("LANGUAGE", None)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("maillage")), "structures", "--limit", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Erreur : Valeur invalide pour '--limit'" in result.stderr
    assert "Essayez « maillage structures --help » pour l'aide." in result.stderr
    unknown = CliRunner().invoke(main, ["nulle-part"], prog_name="maillage")
    assert "Erreur : Commande 'nulle-part' inconnue." in unknown.output
