"""``maillage history purge``: old history entries and the stored files only they reference."""

from __future__ import annotations

import datetime as dt

import click


@click.group(name="history", help="Historique des modifications : purge des anciennes entrées.")
def history() -> None:
    pass


@history.command(
    name="purge",
    help=(
        "Supprime les entrées d'historique antérieures à une date, et les fichiers (boîte à "
        "outils, pièces jointes du journal) que plus aucune entrée ni fiche ne référence : "
        "après la purge, ces suppressions ne sont plus restaurables."
    ),
)
@click.option(
    "--before",
    "before",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date (AAAA-MM-JJ) : les entrées créées avant ce jour sont supprimées.",
)
@click.option(
    "--dry-run", is_flag=True, help="Affiche ce qui serait supprimé, sans rien supprimer."
)
def history_purge_command(before: dt.datetime, dry_run: bool) -> None:
    from maillage.accounts.history_purge import history_purge, purge_summary

    report = history_purge(before=before.date(), dry_run=dry_run)
    click.echo(purge_summary(report))


commands = [history]
