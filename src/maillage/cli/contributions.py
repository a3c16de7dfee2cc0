"""``maillage contributions purge``: erase the residents' contact addresses kept too long."""

from __future__ import annotations

import click


@click.group(
    name="contributions",
    help="Contributions des habitants (signalements, lieux proposés) : données personnelles.",
)
def contributions() -> None:
    pass


@contributions.command(
    name="purge",
    help=(
        "Efface les adresses électroniques laissées par les habitants depuis plus de N jours "
        "(90 par défaut), même sans réponse envoyée ; à lancer chaque jour (cron)."
    ),
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Durée de conservation en jours (par défaut : celle de Maillage, 90 jours).",
)
def contributions_purge_command(days: int | None) -> None:
    from maillage.contributions.services import KEEP_CONTACT_DAYS, contacts_purge

    erased = contacts_purge(days=days or KEEP_CONTACT_DAYS)
    click.echo(f"{erased} adresse(s) électronique(s) effacée(s).")


commands = [contributions]
