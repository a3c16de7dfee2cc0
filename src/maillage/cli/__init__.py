"""The ``maillage`` command. Thin: each subcommand parses its options and calls one service.

Each area adds its subcommands in its own module of this package (``COMMAND_MODULES``), as a
list ``commands`` of click commands or groups.
"""

from __future__ import annotations

import importlib
import os

import click

from .i18n import use_french_messages

use_french_messages()

COMMAND_MODULES = (
    "territory",
    "directory",
    "analysis",
    "plan",
    "reports",
    "diagnostic",
    "interop",
    "accounts",
    "history",
    "addresses",
    "worker",
    "usage",
    "contributions",
)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    import django

    django.setup()


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    help="Maillage — pilotage d'une Convention Territoriale Globale (CTG).",
)
@click.version_option(package_name="maillage", message="Maillage %(version)s")
def main() -> None:
    setup_django()


for _name in COMMAND_MODULES:
    _module = importlib.import_module(f"maillage.cli.{_name}")
    for _command in getattr(_module, "commands", ()):
        main.add_command(_command)
