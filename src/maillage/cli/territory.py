"""``maillage init | load | serve | demo | diagnostic``."""

from __future__ import annotations

from pathlib import Path

import click

from .output import FORMATS, emit


@click.command(help="Crée la base de données ou la met à jour (migrations).")
def init() -> None:
    from django.core.management import call_command

    from maillage.settings import DATABASES

    name = DATABASES["default"]["NAME"]
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        from pathlib import Path

        Path(name).parent.mkdir(parents=True, exist_ok=True)
    click.echo(f"Base de données : {name}")
    call_command("migrate", interactive=False, verbosity=0)
    click.echo("Base à jour.")


def require_migrated_database() -> None:
    """Stop with a French message when the database is missing migrations."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise click.ClickException(
            "La base de données n'est pas à jour : lancez d'abord « maillage init »."
        )


@click.command(help="Charge un jeu de données (« armentieres » ou un dossier avec manifest.yaml).")
@click.argument("dataset")
@click.option("--dry-run", is_flag=True, help="Affiche ce qui changerait, sans rien écrire.")
def load(dataset: str, dry_run: bool) -> None:
    from maillage.territory.errors import DatasetError
    from maillage.territory.loader import load_dataset

    require_migrated_database()

    def progress(message: str) -> None:
        click.echo(f"  … {message}", err=True)

    try:
        report = load_dataset(dataset, dry_run=dry_run, progress=progress)
    except DatasetError as exc:
        raise click.ClickException(f"Chargement refusé, rien n'a été écrit. {exc}") from exc
    title = "Simulation (rien n'a été écrit)" if dry_run else "Chargement terminé"
    click.echo(f"{title} — territoire « {report.territory} » :")
    for line in report.lines():
        click.echo(f"  {line}")
    if not report.changed:
        click.echo("Aucun changement : la base est déjà à jour.")


@click.command(help="Sert la plateforme (par défaut http://127.0.0.1:8000).")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port d'écoute."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
def serve(port: int, host: str) -> None:
    from django.core.management import call_command

    click.echo(f"Maillage est servi sur http://{host}:{port}/ (Ctrl+C pour arrêter).")
    call_command("runserver", f"{host}:{port}", use_reloader=False)


@click.command(
    help="Démonstration : init, load armentieres, puis serve (avec le travailleur des documents)."
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port d'écoute."
)
@click.pass_context
def demo(ctx: click.Context, port: int) -> None:
    ctx.invoke(init)
    ctx.invoke(load, dataset="armentieres", dry_run=False)
    from .worker import worker_process

    with worker_process():  # the background documents' worker, stopped with the server
        ctx.invoke(serve, port=port, host="127.0.0.1")


@click.command(help="Chiffres du diagnostic d'un territoire, avec source et millésime.")
@click.option("--territory", "slug", required=True, help="Identifiant du territoire.")
@click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Format de sortie."
)
@click.option(
    "--audit",
    is_flag=True,
    help=(
        "Audit des chiffres : chaque chiffre affiché par le diagnostic avec sa source, son "
        "millésime, son périmètre et son dénominateur ; échoue (code 1) si l'un manque."
    ),
)
def diagnostic(slug: str, fmt: str, audit: bool) -> None:
    from maillage.diagnostic.selectors import diagnostic_build
    from maillage.territory.selectors import TerritoryNotFound, territory_get

    try:
        territory = territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise click.ClickException(str(exc)) from exc
    report = diagnostic_build(territory=territory, with_access=False)
    if audit:
        _audit(report, fmt)
        return
    result = report.diag
    rows = [
        {
            "sujet": f.subject,
            "indicateur": f.label,
            "valeur": f.value,
            "unité": f.unit,
            "millésime": f.vintage,
            "source": f.source,
        }
        for f in result.figures
    ] + [
        {
            "sujet": f"{z.kind.upper()} {z.code}",
            "indicateur": f"Population — {z.name}",
            "valeur": z.population_rp if z.population_rp is not None else z.cells_population,
            "unité": "habitants",
            "millésime": z.rp_vintage if z.population_rp is not None else result.cells_vintage,
            "source": "INSEE",
        }
        for z in result.zones
    ]
    payload = result.as_dict()
    rate = report.childcare_rate
    payload["taux_petite_enfance"] = rate.as_dict() if rate is not None else None
    payload["populations_de_reference"] = report.population_rows()
    if report.reconciliation is not None:
        payload["rapprochement_ctg_annuaire"] = report.reconciliation.as_rows()
    emit(rows, fmt=fmt, payload=payload)
    if fmt == "table" and rate is not None:
        value = "—" if rate.value is None else f"{rate.value:.1f}".replace(".", ",")
        click.echo(f"{rate.label} : {value} ({rate.denominator}).")
        click.echo(rate.official_line)


def _audit(report, fmt: str) -> None:  # noqa: ANN001 - a DiagnosticReport
    figures = report.audit()
    rows = [
        {
            "section": f.section,
            "chiffre": f.label,
            "valeur": f.value,
            "source": f.source,
            "millésime": f.vintage,
            "périmètre": f.perimeter,
            "dénominateur": f.denominator,
            "manque": ", ".join(f.problems),
        }
        for f in figures
    ]
    emit(rows, fmt=fmt, payload=[f.as_dict() for f in figures])
    bad = [f for f in figures if f.problems]
    if bad:
        raise click.ClickException(
            f"{len(bad)} chiffre(s) sans source, millésime, périmètre ou dénominateur : "
            + " ; ".join(f"{f.label} ({', '.join(f.problems)})" for f in bad)
            + "."
        )
    if fmt == "table":
        click.echo(
            f"Audit : {len(figures)} chiffres, tous avec source, millésime, périmètre "
            "et dénominateur."
        )


def _period(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    start, _, end = value.partition("-")
    if not (start.isdigit() and end.isdigit() and len(start) == 4 and len(end) == 4):
        raise click.BadParameter("deux années attendues, ex. 2025-2028.")
    if int(start) > int(end):
        raise click.BadParameter("la première année doit précéder la seconde.")
    return int(start), int(end)


@click.command(
    "creer",
    help=(
        "Crée le dossier de données d'un territoire depuis les fichiers nationaux (ADMIN EXPRESS, "
        "CONTOURS-IRIS, QPV, Filosofi, recensement par IRIS, Éducation nationale) tels qu'ils "
        "sont publiés : extraits dans raw/, manifest.yaml et SOURCES.md. Chargez-le ensuite avec "
        "« maillage load DOSSIER_SORTIE »."
    ),
)
@click.option(
    "--communes",
    default="",
    help="Codes INSEE des communes du territoire, séparés par des virgules (ex. 59512,59599).",
)
@click.option(
    "--epci", default="", help="SIREN de l'EPCI dont toutes les communes forment le territoire."
)
@click.option(
    "--sources",
    "sources",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des fichiers nationaux téléchargés (non modifiés).",
)
@click.option(
    "-o",
    "--sortie",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    help="Dossier à créer (absent ou vide).",
)
@click.option(
    "--voisins-km",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 50),
    help="Communes voisines gardées : à moins de N km du territoire (0 : celles qui le touchent).",
)
@click.option("--slug", default="", help="Identifiant du territoire (par défaut tiré de son nom).")
@click.option(
    "--nom", "name", default="", help="Nom du territoire (par défaut celui des communes)."
)
@click.option("--periode", default="", help="Période de la convention, ex. 2025-2028.")
def territory_create(
    communes: str,
    epci: str,
    sources: Path,
    output: Path,
    voisins_km: float,
    slug: str,
    name: str,
    periode: str,
) -> None:
    from maillage.jobs.territory_build import territory_create as create
    from maillage.territory.errors import DatasetError

    codes = [c.strip() for c in communes.split(",") if c.strip()]
    try:
        report = create(  # the same build as the page « Créer un territoire »
            sources=sources,
            output=output,
            communes=codes,
            epci=epci.strip(),
            neighbours_km=voisins_km,
            slug=slug,
            name=name,
            period=_period(periode),
            progress=lambda m: click.echo(f"  … {m}", err=True),
        ).build
    except DatasetError as exc:
        raise click.ClickException(f"Création refusée, rien n'a été écrit. {exc}") from exc
    click.echo(f"Dossier écrit : {report.output}")
    for line in report.lines():
        click.echo(line)
    click.echo(f"Chargez-le avec : maillage load {report.output}")


@click.command(
    "actualiser",
    help=(
        "Signale que les données d'un territoire ont changé hors de Maillage (SQL, shell) : "
        "texte de recherche refait, puis recherche, cartes et diagnostic recalculés à la "
        "requête suivante, dans chaque processus du serveur."
    ),
)
@click.argument("slug")
def territory_refresh(slug: str) -> None:
    from django.db import transaction

    from maillage.directory.derived import structure_reindex_territory
    from maillage.territory.models import Territory
    from maillage.territory.services import territory_touch

    require_migrated_database()
    found = Territory.objects.filter(slug=slug).first()
    if found is None:
        raise click.ClickException(f"Territoire « {slug} » inconnu.")
    with transaction.atomic():
        structure_reindex_territory(territory=found)  # search text from the stored fields
        territory_touch(territory=found)
    click.echo(f"Territoire « {found.name} » : données version {found.data_version}.")


@click.group(
    name="territoire",
    help="Territoires : créer un dossier de données depuis les fichiers nationaux.",
)
def territoire() -> None:
    pass


@click.group(
    name="territory", help="Alias anglais de « territoire » (territory create = territoire creer)."
)
def territory_alias() -> None:
    pass


territoire.add_command(territory_create, "creer")
territoire.add_command(territory_refresh, "actualiser")
territory_alias.add_command(territory_create, "create")
territory_alias.add_command(territory_refresh, "refresh")


commands = [init, load, serve, demo, diagnostic, territoire, territory_alias]
