"""``maillage report diagnostic``: the territorial diagnostic as PDF or DOCX (added to the shared
``report`` group of :mod:`maillage.cli.reports`)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from maillage.reports.renderers import formats

from .reports import report


@report.command(
    "diagnostic",
    help=(
        "Diagnostic territorial pour le comité de pilotage : chiffres clés avec source et "
        "millésime, évolutions (recensements), offre petite enfance et taux de couverture, "
        "équipements, zones blanches, qualité des données ; avec --scenario, la comparaison "
        "avant / après d'un scénario (numéro d'un scénario enregistré ou fichier YAML/JSON)."
    ),
)
@click.option("--territory", "slug", required=True, help="Identifiant du territoire.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats("diagnostic")),
    default="pdf",
    show_default=True,
    help="Format du document (DOCX : modifiable).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Fichier à écrire (défaut : diagnostic-<territoire>.<format>).",
)
@click.option(
    "--scenario",
    "scenario_ref",
    default=None,
    help="Scénario à comparer : numéro d'un scénario enregistré, ou fichier YAML/JSON.",
)
def diagnostic_report(slug: str, fmt: str, output: Path | None, scenario_ref: str | None) -> None:
    from maillage.diagnostic.selectors import DiagnosticError, diagnostic_build
    from maillage.reports.diagnostic import diagnostic_render
    from maillage.territory.selectors import TerritoryNotFound, territory_get

    def progress(message: str) -> None:
        click.echo(f"  … {message}", err=True)

    start = time.perf_counter()
    try:
        territory = territory_get(slug=slug)
        scenario = _scenario(territory, scenario_ref) if scenario_ref else None
        result = diagnostic_build(territory=territory, scenario=scenario, progress=progress)
    except (TerritoryNotFound, DiagnosticError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    data = diagnostic_render(result, fmt=fmt, progress=progress)
    path = output or Path(f"{result.filename_stem}.{fmt}")
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"Impossible d'écrire « {path} » : {exc.strerror}.") from exc
    excluded = len(result.access.excluded) if result.access else 0
    if excluded:
        click.echo(
            f"Attention : {excluded} structure(s) « à localiser » ou sans capacité exclue(s) "
            "des calculs d'accessibilité (voir la section « Qualité des données »).",
            err=True,
        )
    click.echo(
        f"Diagnostic écrit dans {path} ({len(data) // 1024} Kio, "
        f"{time.perf_counter() - start:.1f} s)."
    )


def _scenario(territory, ref: str):  # noqa: ANN001, ANN202
    """A saved scenario (by number) or a scenario file, validated (``ValueError`` in French)."""
    from maillage.diagnostic.models import Scenario

    if ref.isdigit() and not Path(ref).exists():
        scenario = Scenario.objects.filter(territory=territory, pk=int(ref)).first()
        if scenario is None:
            raise ValueError(
                f"Scénario n° {ref} introuvable sur le territoire « {territory.slug} »."
            )
        return scenario
    from maillage.diagnostic.scenario_spec import read_scenario_file
    from maillage.diagnostic.scenarios import spec_from_file

    path = Path(ref)
    if not path.is_file():
        raise ValueError(f"Fichier de scénario « {ref} » introuvable.")
    return spec_from_file(territory=territory, data=read_scenario_file(path), source=path.name)


commands: list = []
