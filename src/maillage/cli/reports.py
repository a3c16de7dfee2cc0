"""``maillage report …``: documents built from result objects (bilan of the CTG, …).

Other areas add their own document as a subcommand of the same group::

    from maillage.cli.reports import report

    @report.command("diagnostic", help="…")
    def diagnostic_report(...): ...

(the module doing so is listed in ``COMMAND_MODULES``; the group is shared, so the order of
the modules does not matter).
"""

from __future__ import annotations

from pathlib import Path

import click

from maillage.reports.renderers import formats


@click.group(help="Documents de pilotage : bilan de la CTG (PDF, DOCX, XLSX)…")
def report() -> None:
    pass


@report.command(
    "bilan",
    help=(
        "Bilan de la CTG pour le comité de pilotage, par axe : indicateurs avec cibles et "
        "tendance, graphiques, activités derrière chaque valeur, carte des actions par quartier. "
        "Sans --year : toute la période de la convention."
    ),
)
@click.option("--territory", "slug", required=True, help="Identifiant du territoire.")
@click.option("--year", type=int, default=None, help="Année du bilan (défaut : toute la période).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats("bilan")),
    default="pdf",
    show_default=True,
    help="Format du document.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Fichier à écrire (défaut : bilan-ctg-<territoire>-<portée>.<format>).",
)
def bilan(slug: str, year: int | None, fmt: str, output: Path | None) -> None:
    from maillage.plan.bilan_build import BilanError, bilan_build
    from maillage.reports.bilan import bilan_render
    from maillage.territory.selectors import TerritoryNotFound, territory_get

    def progress(message: str) -> None:
        click.echo(f"  … {message}", err=True)

    try:
        territory = territory_get(slug=slug)
        result = bilan_build(territory=territory, year=year, progress=progress)
    except (TerritoryNotFound, BilanError) as exc:
        raise click.ClickException(str(exc)) from exc
    data = bilan_render(result, fmt=fmt, progress=progress)
    path = output or Path(f"{result.filename_stem}.{fmt}")
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"Impossible d'écrire « {path} » : {exc.strerror}.") from exc
    if result.includes_fictional:
        count = result.fictional_count
        click.echo(f"Attention : {count} activité(s) « exemple fictif ».", err=True)
    click.echo(
        f"Bilan {result.scope_label} écrit dans {path} ({len(data) // 1024} Kio, "
        f"{len(result.indicators)} indicateurs, {result.activity_count} activités)."
    )


@report.command(
    "copil",
    help=(
        "Diaporama du comité de pilotage (PPTX modifiable ou PDF, mêmes diapositives) : le "
        "territoire en quatre chiffres, une diapositive par axe (indicateurs, cible, tendance, "
        "statut, activités clés), carte des actions par quartier, zones blanches, décisions à "
        "prendre, prochaines échéances ; avec --comite, les suites des décisions du COPIL "
        "précédent. Mêmes chiffres que le bilan et le diagnostic."
    ),
)
@click.option("--territory", "slug", required=True, help="Identifiant du territoire.")
@click.option("--year", type=int, default=None, help="Année du bilan (défaut : toute la période).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats("copil")),
    default="pptx",
    show_default=True,
    help="Format du document.",
)
@click.option(
    "--comite",
    "meeting_id",
    type=int,
    default=None,
    help="Numéro du comité de pilotage enregistré (titre, date, ordre du jour, décisions).",
)
@click.option(
    "--decisions",
    "to_decide",
    default="",
    help="Décisions à prendre (une par ligne), ajoutées à celles du comité.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Fichier à écrire (défaut : copil-<territoire>-<date>.<format>).",
)
def copil(
    slug: str,
    year: int | None,
    fmt: str,
    meeting_id: int | None,
    to_decide: str,
    output: Path | None,
) -> None:
    from maillage.plan.copil import BilanError, copil_build, meeting_get
    from maillage.reports.copil import copil_render
    from maillage.territory.selectors import TerritoryNotFound, territory_get

    def progress(message: str) -> None:
        click.echo(f"  … {message}", err=True)

    try:
        territory = territory_get(slug=slug)
        meeting = None
        if meeting_id is not None:
            meeting = meeting_get(territory=territory, pk=meeting_id)
        result = copil_build(
            territory=territory, year=year, meeting=meeting, to_decide=to_decide, progress=progress
        )
    except (TerritoryNotFound, BilanError) as exc:
        raise click.ClickException(str(exc)) from exc
    data = copil_render(result, fmt=fmt, progress=progress)
    path = output or Path(f"{result.filename_stem}.{fmt}")
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"Impossible d'écrire « {path} » : {exc.strerror}.") from exc
    if result.bilan.includes_fictional:
        count = result.bilan.fictional_count
        click.echo(f"Attention : {count} activité(s) « exemple fictif ».", err=True)
    click.echo(
        f"Diaporama du COPIL écrit dans {path} ({len(data) // 1024} Kio, "
        f"{len(result.bilan.indicators)} indicateurs, {result.bilan.activity_count} activités)."
    )


commands = [report]
