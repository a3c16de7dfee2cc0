"""``maillage plan [modele|exporter|importer] | indicators | journal import|export|template|demo``:
the CTG action plan and its spreadsheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .output import FORMATS, emit


def _territory(slug: str) -> Any:
    from maillage.territory.selectors import TerritoryNotFound, territory_get

    try:
        return territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise click.ClickException(str(exc)) from exc


def _plan_tree(territory: Any) -> Any:
    from maillage.plan.selectors import PlanNotFound, plan_tree

    try:
        return plan_tree(territory=territory)
    except PlanNotFound as exc:
        raise click.ClickException(str(exc)) from exc


territory_option = click.option(
    "--territory", "slug", required=True, help="Identifiant du territoire (ex. armentieres)."
)
format_option = click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Format de sortie."
)


class _AliasedGroup(click.Group):
    """A group whose French subcommands also answer to their English names (not listed)."""

    aliases = {"template": "modele", "export": "exporter", "import": "importer"}

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))


@click.group(
    name="plan",
    cls=_AliasedGroup,
    invoke_without_command=True,
    help=(
        "Plan d'action de la CTG : axes, objectifs, indicateurs (avec --territory) ; modèle, "
        "export et import du plan en tableur (alias anglais : template, export, import)."
    ),
)
@click.option(
    "--territory", "slug", default=None, help="Identifiant du territoire (ex. armentieres)."
)
@format_option
@click.pass_context
def plan_show(ctx: click.Context, slug: str | None, fmt: str) -> None:
    if ctx.invoked_subcommand is not None:
        return
    if slug is None:
        raise click.UsageError("option --territory obligatoire pour afficher le plan.")
    tree = _plan_tree(_territory(slug))
    subjects = [
        {"axe": "", "code": f"S{s.number}", "élément": "sujet d'étude", "texte": text}
        for s in tree.study_subjects
        for text in [
            s.title,
            *s.description,
            *filter(None, [" ".join(filter(None, [s.objectives_label, s.objectives_intro]))]),
            *(f"- {o}" for o in s.objectives),
        ]
    ]
    rows = [
        {"axe": a.number, "code": o.code, "élément": "objectif", "texte": o.title}
        for a in tree.axes
        for o in a.objectives
    ] + [
        {"axe": a.number, "code": i.code, "élément": "indicateur", "texte": i.label}
        for a in tree.axes
        for i in a.indicators
    ]
    rows.sort(key=lambda r: (r["axe"], r["élément"] != "objectif", r["code"]))
    emit(subjects + rows, fmt=fmt, payload=tree.as_dict())


def _num(value: float | None) -> float | str:
    return "" if value is None else value


@click.command(help="Indicateurs de la CTG calculés, par année et sur la période, avec preuves.")
@territory_option
@click.option("--year", type=int, default=None, help="Une année de la convention (ex. 2025).")
@click.option(
    "--code", default=None, help="Un indicateur (ex. 1.1) : affiche les preuves de ses valeurs."
)
@format_option
def indicators(slug: str, year: int | None, code: str | None, fmt: str) -> None:
    from maillage.plan.selectors import indicator_results

    territory = _territory(slug)
    tree = _plan_tree(territory)
    if year is not None and not tree.period[0] <= year <= tree.period[1]:
        raise click.BadParameter(
            f"{year} est hors de la convention ({tree.period[0]}-{tree.period[1]}).",
            param_hint="--year",
        )
    results = indicator_results(territory=territory)
    if code is not None:
        _evidence(results, code=code, year=year, fmt=fmt)
        return
    rows = []
    for r in results:
        row: dict[str, Any] = {"code": r.code, "indicateur": r.label, "calcul": r.kind}
        if year is not None:
            row |= {
                "valeur": r.display_by_year[year],
                "cible": _num(r.target_by_year[year]),
                "statut": r.status_by_year[year],
                "preuves": len(r.evidence_by_year[year]),
            }
        else:
            row |= {str(y): r.display_by_year[y] for y in r.years}
            row |= {"période": r.total_display, "cible": _num(r.target_total), "statut": r.status}
        rows.append(row)
    by_axis: dict[int, list] = {}
    for r in results:
        by_axis.setdefault(r.axis_number, []).append(r.as_dict())
    payload = {
        "territory": tree.territory,
        "convention": tree.title,
        "period": list(tree.period),
        "year": year,
        "axes": [
            {
                "number": a.number,
                "title": a.title,
                "objectives": [
                    {"code": o.code, "title": o.title, "sub_points": o.sub_points}
                    for o in a.objectives
                ],
                "indicators": by_axis.get(a.number, []),
            }
            for a in tree.axes
        ],
    }
    emit(rows, fmt=fmt, payload=payload)
    if fmt == "table" and any(r.includes_fictional for r in results):
        click.echo("Attention : des activités « exemple fictif » sont comptées.", err=True)


def _evidence(results: list, *, code: str, year: int | None, fmt: str) -> None:
    result = next((r for r in results if r.code == code), None)
    if result is None:
        raise click.BadParameter(
            f"indicateur « {code} » inconnu (codes : {', '.join(r.code for r in results)}).",
            param_hint="--code",
        )
    years = [year] if year is not None else result.years
    rows = [
        {
            "année": y,
            "preuve": e.kind,
            "libellé": e.label,
            "date": e.date.isoformat() if e.date else "",
            "participants ou valeur": _num(e.value),
            "détail": e.detail,
            "fictif": "oui" if e.is_fictional else "",
        }
        for y in years
        for e in result.evidence_by_year[y]
    ]
    if fmt == "table":
        click.echo(f"{result.code} {result.label} — {result.kind_label}")
        click.echo(f"Méthode : {result.method}")
        click.echo(f"Mode de calcul : {result.kind_doc}")
        for note in result.notes:
            click.echo(f"Note : {note}")
        values = ", ".join(f"{y} : {result.display_by_year[y]}" for y in years)
        total = result.total_display
        click.echo(f"Valeurs : {values} ; période : {total} ({result.status})")
    emit(rows, fmt=fmt, payload=result.as_dict())


@click.group(help="Journal des activités de la CTG : import, export, modèle, démonstration.")
def journal() -> None:
    pass


@journal.command(
    name="import",
    help="Importe un journal (CSV, XLSX ou ODS) ; rien n'est écrit si une ligne est refusée.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@territory_option
@click.option("--dry-run", is_flag=True, help="Vérifie et affiche ce qui serait créé, sans écrire.")
@click.option(
    "--valid-only", is_flag=True, help="Importe les lignes valides même si d'autres sont refusées."
)
def journal_import_command(file: Path, slug: str, dry_run: bool, valid_only: bool) -> None:
    from maillage.interop.tabular import TableError
    from maillage.plan.journal import journal_import

    territory = _territory(slug)
    _plan_tree(territory)
    try:
        report = journal_import(
            territory=territory,
            data=file.read_bytes(),
            filename=file.name,
            dry_run=dry_run,
            valid_only=valid_only,
        )
    except TableError as exc:
        raise click.ClickException(f"Import refusé, rien n'a été écrit. {exc}") from exc
    for line in report.lines():
        click.echo(line)
    if report.refused and not report.written and not dry_run:
        raise SystemExit(1)


@journal.command(name="template", help="Écrit un modèle de journal vide (CSV, XLSX ou ODS).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Fichier à écrire ; le format suit l'extension (.csv, .xlsx, .ods).",
)
def journal_template_command(output: Path) -> None:
    from maillage.plan.journal import journal_template

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx", "ods"):
        raise click.BadParameter("extension .csv, .xlsx ou .ods attendue.", param_hint="-o")
    output.write_bytes(journal_template(fmt=fmt))
    click.echo(f"Modèle écrit : {output}")


@journal.command(name="export", help="Exporte le journal (mêmes colonnes que l'import).")
@territory_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Fichier à écrire ; le format suit l'extension (.csv, .xlsx, .ods).",
)
def journal_export_command(slug: str, output: Path) -> None:
    from maillage.interop.tabular import write_table
    from maillage.plan.journal import JOURNAL_COLUMNS, journal_rows

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx", "ods"):
        raise click.BadParameter("extension .csv, .xlsx ou .ods attendue.", param_hint="-o")
    rows = journal_rows(territory=_territory(slug))
    output.write_bytes(write_table(rows, columns=JOURNAL_COLUMNS, fmt=fmt))
    click.echo(f"{len(rows)} activité(s) exportée(s) : {output}")


@journal.command(
    name="demo",
    help="Charge (ou retire avec --remove) un journal « exemple fictif » pour démonstration.",
)
@territory_option
@click.option("--remove", is_flag=True, help="Retire toutes les activités « exemple fictif ».")
@click.option(
    "--count",
    type=click.IntRange(1, 5000),
    default=80,
    show_default=True,
    help="Nombre d'activités.",
)
@click.option("--seed", type=int, default=20230214, show_default=True, help="Graine du tirage.")
def journal_demo_command(slug: str, remove: bool, count: int, seed: int) -> None:
    from maillage.plan.fictif import demo_journal_load, demo_journal_remove

    territory = _territory(slug)
    _plan_tree(territory)
    if remove:
        n = demo_journal_remove(territory=territory)
        click.echo(f"{n} activité(s) « exemple fictif » retirée(s).")
        return
    report = demo_journal_load(territory=territory, count=count, seed=seed)
    click.echo(
        f"{report.created} activité(s) « exemple fictif » chargée(s) "
        f"({report.removed} ancienne(s) remplacée(s)). Retrait : maillage journal demo "
        f"--territory {slug} --remove"
    )


@journal.command(
    name="complete",
    help=(
        "Déclare complet le journal d'une année (ses décomptes deviennent des chiffres, 0 "
        "compris) ; --withdraw retire la déclaration (« non renseigné »)."
    ),
)
@territory_option
@click.option("--year", type=int, required=True, help="Année de la convention (ex. 2024).")
@click.option("--withdraw", is_flag=True, help="Retire la déclaration.")
def journal_complete_command(slug: str, year: int, withdraw: bool) -> None:
    from maillage.plan.services import journal_year_declare_complete, journal_year_withdraw
    from maillage.plan.validation import PlanValidationError

    territory = _territory(slug)
    _plan_tree(territory)
    try:
        if withdraw:
            done = journal_year_withdraw(territory=territory, year=year)
            click.echo(
                f"Journal {year} : déclaration retirée (« non renseigné »)."
                if done
                else f"Journal {year} : n'était pas déclaré complet."
            )
        else:
            journal_year_declare_complete(territory=territory, year=year)
            click.echo(f"Journal {year} déclaré complet.")
    except PlanValidationError as exc:
        messages = "; ".join(m for ms in exc.message_dict.values() for m in ms)
        raise click.BadParameter(messages, param_hint="--year") from exc


def _spreadsheet_format(output: Path) -> str:
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx", "ods"):
        raise click.BadParameter("extension .csv, .xlsx ou .ods attendue.", param_hint="-o")
    return fmt


output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Fichier à écrire ; le format suit l'extension (.xlsx, .ods ou .csv).",
)


@plan_show.command(
    name="modele",
    help=(
        "Écrit un modèle de plan vide (XLSX ou ODS : feuille « Plan » et « Mode d'emploi » ; "
        "CSV : l'en-tête seul). Une ligne par élément : convention, axe, objectif, sous-point, "
        "modalité, indicateur (mode de calcul, règle), cible, résultat attendu, partenaire…"
    ),
)
@output_option
def plan_template_command(output: Path) -> None:
    from maillage.plan.plan_io import plan_template

    output.write_bytes(plan_template(fmt=_spreadsheet_format(output)))
    click.echo(f"Modèle de plan écrit : {output}")


@plan_show.command(
    name="exporter", help="Exporte le plan du territoire dans le modèle (réimportable tel quel)."
)
@territory_option
@output_option
def plan_export_command(slug: str, output: Path) -> None:
    from maillage.plan.plan_io import plan_export, plan_rows

    territory = _territory(slug)
    _plan_tree(territory)
    fmt = _spreadsheet_format(output)
    output.write_bytes(plan_export(territory=territory, fmt=fmt))
    click.echo(f"{len(plan_rows(territory=territory))} ligne(s) de plan exportée(s) : {output}")


@plan_show.command(
    name="importer",
    help=(
        "Importe un plan (XLSX, ODS ou CSV du modèle) ; tout est vérifié d'abord, rien n'est "
        "écrit si une ligne est refusée. Un plan qui a déjà des axes n'est remplacé qu'avec "
        "--remplacer (chaque changement est gardé dans l'historique)."
    ),
)
@click.argument(
    "file", metavar="FICHIER", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@territory_option
@click.option("--dry-run", is_flag=True, help="Vérifie et affiche ce qui changerait, sans écrire.")
@click.option(
    "--remplacer",
    "--replace",
    "replace",
    is_flag=True,
    help="Remplace le plan existant (axes, objectifs, indicateurs absents du fichier supprimés "
    "s'ils ne servent nulle part).",
)
def plan_import_command(file: Path, slug: str, dry_run: bool, replace: bool) -> None:
    from maillage.plan.plan_io_import import plan_import

    territory = _territory(slug)
    if file.stat().st_size > 10 * 1024 * 1024:
        raise click.ClickException(
            f"Import refusé, rien n'a été écrit. Fichier « {file.name} » : fichier trop "
            "volumineux (plus de 10 Mo)."
        )
    report = plan_import(
        territory=territory,
        data=file.read_bytes(),
        filename=file.name,
        dry_run=dry_run,
        replace=replace,
    )
    for line in report.lines():
        click.echo(line)
    if report.problems:
        raise SystemExit(1)


commands = [plan_show, indicators, journal]
