"""``maillage usage``: the audience of a territory's directory (aggregated daily counters)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

import click

from .output import FORMATS, emit

VIEWS = click.Choice(["totaux", "mois", "fiches", "recherches", "sans-reponse", "guides"])


def _territory(slug: str) -> Any:
    from maillage.territory.selectors import TerritoryNotFound, territory_get

    try:
        return territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise click.ClickException(str(exc)) from exc


def _rows(report: Any, view: str) -> list[dict[str, Any]]:
    from maillage.usage.models import CONTACT_KINDS, Kind

    if view == "totaux":
        return [{"mesure": r.label, "type": r.key, "nombre": r.count} for r in report.totals]
    if view == "mois":
        return [
            {"mois": month.strftime("%Y-%m"), **{k: c[k] for k in Kind.values}}
            for month, c in report.months
        ]
    if view == "fiches":
        return [
            {
                "structure": f.structure_id,
                "fiche": f.name,
                "vues": f.views,
                **{k.value: f.contacts[k.value] for k in CONTACT_KINDS},
            }
            for f in report.fiches
        ]
    if view == "recherches":
        return [
            {"critère": title, "valeur": r.label, "code": r.key, "recherches": r.count}
            for _name, title, rows in report.searches_by
            for r in rows
        ]
    if view == "sans-reponse":
        return [
            {"besoin": r.need, "quartier": r.quartier, "recherches sans résultat": r.count}
            for r in report.unanswered
        ]
    return [{"guide": r.label, "code": r.key, "téléchargements": r.count} for r in report.guides]


@click.command(
    name="usage",
    help=(
        "Audience de l'annuaire public d'un territoire : vues de fiches, recherches par "
        "critère, recherches sans résultat, guides téléchargés, clics « itinéraire », "
        "téléphone, courriel et site — des totaux par jour, sans cookie ni donnée personnelle. "
        "Sans --from/--to : le mois en cours et les onze précédents."
    ),
)
@click.option("--territory", "slug", required=True, help="Identifiant du territoire.")
@click.option(
    "--from",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Premier jour compté (AAAA-MM-JJ).",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Dernier jour compté (AAAA-MM-JJ).",
)
@click.option(
    "--view",
    "view",
    type=VIEWS,
    default="totaux",
    show_default=True,
    help="Ce qui est affiché en table ou CSV (le JSON contient tout).",
)
@click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Format de sortie."
)
def usage_command(
    slug: str, start: dt.datetime | None, end: dt.datetime | None, view: str, fmt: str
) -> None:
    from maillage.usage.selectors import usage_report

    territory = _territory(slug)
    try:
        report = usage_report(
            territory=territory,
            start=start.date() if start else None,
            end=end.date() if end else None,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--from/--to") from exc
    if fmt == "json":
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "table":
        click.echo(f"{report.territory_name} — du {report.start:%d/%m/%Y} au {report.end:%d/%m/%Y}")
        for note in report.notes:
            click.echo(note)
    emit(_rows(report, view), fmt=fmt)
    if fmt == "table":
        click.echo(f"Source : {report.source}.")


commands = [usage_command]
