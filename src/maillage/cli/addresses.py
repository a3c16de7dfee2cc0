"""``maillage adresses charger | chercher``: the local Base Adresse Nationale table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .output import FORMATS, emit


def _territory(slug: str | None) -> Any:
    from maillage.territory.models import Territory
    from maillage.territory.selectors import TerritoryNotFound, territory_get

    if slug:
        try:
            return territory_get(slug=slug)
        except TerritoryNotFound as exc:
            raise click.ClickException(str(exc)) from exc
    territories = list(Territory.objects.all()[:2])
    if len(territories) != 1:
        raise click.ClickException(
            "Précisez le territoire avec --territory (identifiant, ex. armentieres)."
            if territories
            else "Aucun territoire : chargez-en un d'abord (maillage load armentieres)."
        )
    return territories[0]


@click.group(
    name="adresses",
    help="Base Adresse Nationale : table locale des adresses, pour géocoder hors ligne.",
)
def adresses() -> None:
    pass


@adresses.command(
    name="charger",
    help="Charge le fichier CSV de la BAN (adresses-59.csv.gz d'un département, ou d'une "
    "commune ; gzip ou non) : seules les adresses des communes du territoire sont gardées, "
    "celles d'un chargement précédent sont remplacées ; rien n'est écrit en cas d'erreur.",
)
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--territory", "slug", default=None, help="Identifiant du territoire.")
def charger(fichier: Path, slug: str | None) -> None:
    from maillage.addresses.services import BanLoadError, ban_load

    from .territory import require_migrated_database

    require_migrated_database()
    territory = _territory(slug)
    if not fichier.is_file():
        raise click.ClickException(f"Fichier « {fichier} » introuvable.")
    size = fichier.stat().st_size
    try:
        if sys.stderr.isatty():
            with click.progressbar(
                length=size, label=f"Lecture de {fichier.name}", file=sys.stderr
            ) as bar:
                done = [0]

                def advance(position: int) -> None:
                    bar.update(max(0, position - done[0]))
                    done[0] = max(done[0], position)

                report = ban_load(territory=territory, path=fichier, progress=advance)
        else:
            report = ban_load(territory=territory, path=fichier)
    except BanLoadError as exc:
        raise click.ClickException(str(exc)) from exc
    communes = ", ".join(f"{code} : {n}" for code, n in report.communes.items())
    click.echo(
        f"{report.rows_kept} adresses retenues sur {report.rows_read} lignes lues "
        f"({communes}) en {report.seconds:.1f} s ; {report.replaced} adresses remplacées."
    )


@adresses.command(
    name="chercher",
    help="Géocode une adresse du territoire : table locale de la BAN d'abord, puis le service "
    "de la Géoplateforme (IGN) s'il est configuré ; candidats avec leur score (0 à 1).",
)
@click.argument("adresse")
@click.option("--territory", "slug", default=None, help="Identifiant du territoire.")
@click.option(
    "--limit",
    type=click.IntRange(1, 20),
    default=5,
    show_default=True,
    help="Nombre maximal de résultats.",
)
@click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Format de sortie."
)
def chercher(adresse: str, slug: str | None, limit: int, fmt: str) -> None:
    from maillage.addresses.selectors import geocode

    answer = geocode(territory=_territory(slug), query=adresse, limit=limit)
    if answer.error:
        raise click.ClickException(answer.error)
    rows = [
        {"adresse": c.label, "score": c.score, "lon": c.lon, "lat": c.lat, "source": c.source}
        for c in answer.candidates
    ]
    if fmt == "table":
        for row in rows:
            row["score"] = f"{row['score']:.2f}".replace(".", ",")
            row["lon"], row["lat"] = f"{row['lon']:.6f}", f"{row['lat']:.6f}"
    emit(rows, fmt=fmt)


commands = [adresses]
