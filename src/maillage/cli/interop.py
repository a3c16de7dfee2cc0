"""``maillage export …``, ``maillage import …``, ``maillage dump``, ``maillage restore``:
open data formats (data·inclusion, HSDS, GeoJSON, spreadsheets) and whole-territory archives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

SHEET_FORMATS = click.Choice(["csv", "xlsx", "ods"])


def _territory(slug: str) -> Any:
    from maillage.territory.selectors import TerritoryNotFound, territory_get

    try:
        return territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise click.ClickException(str(exc)) from exc


territory_option = click.option(
    "--territory", "slug", required=True, help="Identifiant du territoire (ex. armentieres)."
)
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Simulation : tout vérifier, ne rien enregistrer."
)


def _report(report: Any) -> None:
    for line in report.lines():
        click.echo(line, err=not report.ok)
    if not report.ok:
        raise SystemExit(1)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"Fichier « {path} » illisible : {exc.strerror}.") from exc


# --------------------------------------------------------------------------- export


@click.group(name="export", help="Exporte les données ouvertes d'un territoire.")
def export_group() -> None:
    pass


@export_group.command(
    name="datainclusion",
    help="Structures et services au schéma data·inclusion v1 (structures.json, services.json).",
)
@territory_option
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Dossier.")
def export_datainclusion(slug: str, output: Path) -> None:
    from maillage.interop.datainclusion import datainclusion_write

    export = datainclusion_write(territory=_territory(slug), directory=output)
    click.echo(
        f"{len(export.structures)} structures et {len(export.services)} services écrits "
        f"dans {output} (schéma data·inclusion v1 vérifié)."
    )
    for line in export.omitted:
        click.echo(f"  valeur omise (refusée par le schéma) : {line}", err=True)
    from maillage.interop.datainclusion_score import score_services

    for line in score_services(export.services).lines():
        click.echo(line)


@export_group.command(
    name="hsds",
    help="Structures et services au format HSDS 3.1 (Open Referral) : un fichier JSON par "
    "table, ou (--format csv) la forme tabulaire, datapackage.json et un CSV par table, dans "
    "un dossier ou une archive .zip.",
)
@territory_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json : un fichier par table ; csv : datapackage.json + un CSV par table.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Dossier, ou archive .zip (avec --format csv).",
)
def export_hsds(slug: str, fmt: str, output: Path) -> None:
    from maillage.interop.hsds import hsds_datapackage, hsds_write

    territory = _territory(slug)
    archive = output.suffix.lower() == ".zip"
    if archive and fmt != "csv":
        raise click.UsageError("Une archive .zip n'existe qu'au format csv (--format csv).")
    try:
        if archive:
            package = hsds_datapackage(territory=territory)
            output.write_bytes(package.zip())
            counts = package.counts
        else:
            counts = hsds_write(territory=territory, directory=output, fmt=fmt)
    except OSError as exc:
        raise click.ClickException(
            f"Écriture impossible dans « {output} » : {exc.strerror or exc}."
        ) from exc
    click.echo(", ".join(f"{n} : {c}" for n, c in counts.items()) + f" — écrits dans {output}.")


@export_group.command(
    name="geojson",
    help="Couche GeoJSON (WGS84) : structures, zones, influence ou zones-blanches.",
)
@territory_option
@click.option(
    "--layer",
    type=click.Choice(["structures", "zones", "influence", "zones-blanches"]),
    default="structures",
    show_default=True,
    help="Couche à exporter.",
)
@click.option("--kind", type=click.Choice(["iris", "qpv", "quartier"]), help="Type de zones.")
@click.option("--theme", help="Thème (influence, zones-blanches), ex. petite-enfance.")
@click.option("--public", help="Public (influence, zones-blanches), ex. 0-2.")
@click.option("--distance", "max_distance_m", type=float, help="Distance maximale en mètres.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Fichier (sinon : écran).")
def export_geojson(slug: str, layer: str, output: Path | None, **options: Any) -> None:
    from maillage.interop.geojson import LayerError, export_layer

    options = {k: v for k, v in options.items() if v is not None}
    try:
        collection = export_layer(territory=_territory(slug), layer=layer, **options)
    except LayerError as exc:
        raise click.ClickException(str(exc)) from exc
    text = json.dumps(collection, ensure_ascii=False)
    if output is None:
        click.echo(text)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"{len(collection['features'])} objets écrits dans {output}.")


@export_group.command(
    name="structures", help="Liste des structures et services (CSV, XLSX ou ODS), réimportable."
)
@territory_option
@click.option(
    "--format",
    "fmt",
    type=SHEET_FORMATS,
    default="xlsx",
    show_default=True,
    help="Format de sortie.",
)
@click.option("--published-only", is_flag=True, help="Seulement les fiches publiées.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Fichier.")
def export_structures(slug: str, fmt: str, published_only: bool, output: Path) -> None:
    from maillage.interop.structures_sheet import structures_table

    data = structures_table(territory=_territory(slug), fmt=fmt, published_only=published_only)
    output.write_bytes(data)
    click.echo(f"Liste écrite dans {output}.")


@export_group.command(
    name="liste",
    help="Une liste du territoire en tableur (CSV, XLSX, ODS) : structures, zones, chiffres, "
    "indicateurs, echeancier.",
)
@click.argument(
    "name", type=click.Choice(["structures", "zones", "chiffres", "indicateurs", "echeancier"])
)
@territory_option
@click.option(
    "--format",
    "fmt",
    type=SHEET_FORMATS,
    default="xlsx",
    show_default=True,
    help="Format de sortie.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Fichier.")
def export_list(name: str, slug: str, fmt: str, output: Path) -> None:
    from maillage.interop.lists import list_table

    output.write_bytes(list_table(territory=_territory(slug), name=name, fmt=fmt))
    click.echo(f"Liste « {name} » écrite dans {output}.")


# --------------------------------------------------------------------------- import


@click.group(name="import", help="Importe des structures, services ou quartiers.")
def import_group() -> None:
    pass


@import_group.command(
    name="datainclusion",
    help="Importe structures.json (et services.json) au schéma data·inclusion v1 "
    "(export Maillage, DORA, Soliguide…). Sans doublon : relançable.",
)
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@territory_option
@dry_run_option
def import_datainclusion(directory: Path, slug: str, dry_run: bool) -> None:
    from maillage.interop.datainclusion_import import datainclusion_import_dir

    _report(
        datainclusion_import_dir(territory=_territory(slug), directory=directory, dry_run=dry_run)
    )


@import_group.command(
    name="structures",
    help="Importe un tableur (CSV, XLSX, ODS) de structures et services. Sans doublon : "
    "relançable. --template écrit le modèle vide.",
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), required=False)
@click.option("--territory", "slug", help="Identifiant du territoire (ex. armentieres).")
@dry_run_option
@click.option("--template", is_flag=True, help="Écrire le modèle de tableur (avec -o).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Fichier du modèle.")
def import_structures(
    file: Path | None, slug: str | None, dry_run: bool, template: bool, output: Path | None
) -> None:
    from maillage.interop import structures_sheet

    if template:
        if output is None:
            raise click.UsageError("--template demande -o FICHIER (.csv, .xlsx ou .ods).")
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx", "ods"):
            raise click.UsageError("Extension attendue : .csv, .xlsx ou .ods.")
        output.write_bytes(structures_sheet.template(fmt=fmt))
        click.echo(f"Modèle écrit dans {output}.")
        return
    if file is None or not slug:
        raise click.UsageError("Indiquez le fichier et --territory.")
    _report(
        structures_sheet.structures_import(
            territory=_territory(slug), data=_read(file), filename=file.name, dry_run=dry_run
        )
    )


@import_group.command(
    name="zones",
    help="Importe les quartiers dessinés par la ville (GeoJSON WGS84, propriétés nom et code).",
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@territory_option
@dry_run_option
def import_zones(file: Path, slug: str, dry_run: bool) -> None:
    from maillage.interop.geojson import zones_import

    _report(
        zones_import(
            territory=_territory(slug), data=_read(file), filename=file.name, dry_run=dry_run
        )
    )


# --------------------------------------------------------------------------- dump / restore


@click.command(
    name="dump",
    help="Sauvegarde tout un territoire (données, plan, journal, documents) dans une archive "
    "zip versionnée, restaurable par « maillage restore » (y compris vers PostgreSQL).",
)
@territory_option
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="Archive.")
@click.option(
    "--include-passwords",
    is_flag=True,
    help="Inclure les mots de passe chiffrés des comptes (sinon : à redéfinir).",
)
def dump(slug: str, output: Path, include_passwords: bool) -> None:
    from maillage.interop.dump import dump_territory

    result = dump_territory(
        territory=_territory(slug), output=output, include_passwords=include_passwords
    )
    total = sum(result.counts.values())
    click.echo(f"{total} enregistrements et {len(result.media)} fichiers écrits dans {output}.")
    for name in result.missing_media:
        click.echo(f"  fichier absent du stockage, non sauvegardé : {name}", err=True)


@click.command(name="restore", help="Restaure une archive de « maillage dump ».")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--replace", is_flag=True, help="Remplacer le territoire s'il existe déjà.")
def restore(file: Path, replace: bool) -> None:
    from maillage.interop.dump import DumpError
    from maillage.interop.restore import restore_territory

    try:
        result = restore_territory(source=file, replace=replace)
    except DumpError as exc:
        raise click.ClickException(str(exc)) from exc
    created = sum(result.created.values())
    matched = sum(result.matched.values())
    click.echo(
        f"Territoire « {result.territory} » restauré : {created} enregistrements créés, "
        f"{matched} données de référence déjà présentes, {result.media} fichiers."
    )


commands = [export_group, import_group, dump, restore]
