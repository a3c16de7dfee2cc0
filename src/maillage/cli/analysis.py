"""``maillage analyse …`` (couverture, zones blanches, zones d'influence, accessibilité) and
``maillage scenario …`` (run, compare, list). Thin: parse options, call one selector or
service of :mod:`maillage.diagnostic`, render the result object."""

from __future__ import annotations

import json
from typing import Any

import click

from .output import emit

OUT = click.Choice(["table", "json", "geojson"])
SCENARIO_OUT = click.Choice(["table", "json"])


def _territory(slug: str):
    from maillage.territory.selectors import TerritoryNotFound, territory_get

    try:
        return territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise click.ClickException(str(exc)) from exc


def _warn(result: Any) -> None:
    for line in result.warnings:
        click.echo(f"Attention : {line}", err=True)


def _validity_lines(validity: Any) -> list[str]:
    """The result's own validity, worded for the terminal (never decided here)."""
    if validity.computable:
        return [f"Validité : calculable — {validity.summary}"]
    lines = [f"Non calculable : {validity.reason}"]
    if validity.to_locate:
        lines.append("Structures à localiser :")
        lines += [f"  • {t.name} — {t.locate_path}" for t in validity.to_locate]
    if validity.fix_path:
        lines.append(f"Compléter l'offre : {validity.fix_path}")
    return lines


def _render(result: Any, fmt: str, *, title: str, untitled: str = "") -> None:
    _warn(result)
    validity = getattr(result, "validity", None)
    if fmt == "geojson":
        if not hasattr(result, "to_geojson"):
            raise click.UsageError("--format geojson : ce résultat n'est pas cartographique.")
        click.echo(json.dumps(result.to_geojson(), ensure_ascii=False))
        return
    rows = result.rows()
    if fmt == "table":
        computable = validity is None or validity.computable
        click.echo(title if computable or not untitled else untitled)
        for line in _validity_lines(validity) if validity is not None else []:
            click.echo(line)
        rows = [r for r in result.display_rows() if "validite" not in r]
    emit(rows, fmt=fmt, payload=result.as_dict())


def _options(func):
    func = click.option(
        "--format", "fmt", type=OUT, default="table", show_default=True, help="Format de sortie."
    )(func)
    func = click.option(
        "--distance-m",
        "distance_m",
        type=float,
        default=1000.0,
        show_default=True,
        help="Rayon à vol d'oiseau, en mètres.",
    )(func)
    func = click.option(
        "--public",
        default=None,
        help="Public : 0-2, 3-5, 6-10, 11-17, parents, tous (défaut : celui du thème).",
    )(func)
    func = click.option(
        "--theme",
        default="petite-enfance",
        show_default=True,
        help="Thème : petite-enfance, enfance, jeunesse, parentalite, vie-sociale, insertion.",
    )(func)
    return click.option("--territory", "slug", required=True, help="Identifiant du territoire.")(
        func
    )


def _run_selector(name: str, slug: str, **params: Any) -> Any:
    from maillage.diagnostic import selectors
    from maillage.diagnostic.themes import ParameterError

    try:
        return getattr(selectors, name)(territory=_territory(slug), **params)
    except ParameterError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(name="analyse", help="Analyses d'accessibilité : couverture, zones blanches…")
def analyse() -> None:
    pass


@analyse.command(
    name="couverture",
    help="Taux d'équipement en EAJE (places en EAJE pour 100 enfants de moins de 3 ans) et "
    "places accessibles par IRIS et QPV.",
)
@_options
def couverture(slug: str, theme: str, public: str | None, distance_m: float, fmt: str) -> None:
    r = _run_selector("coverage", slug, max_distance_m=distance_m)
    if fmt == "geojson":
        raise click.UsageError("--format geojson : utilisez « zones-blanches » ou « influence ».")
    rate = "—" if r.rate is None else f"{r.rate:.1f}".replace(".", ",")
    _render(
        r,
        fmt,
        title=f"{r.rate_label} : {rate} "
        f"({r.places_total} places, {r.children_under_3:.0f} enfants ; "
        f"{r.places_located} places localisées).",
        untitled=f"{r.rate_label} : {rate} "
        f"({r.places_total} places, {r.children_under_3:.0f} enfants) ; "
        "taux par IRIS et par QPV non calculable.",
    )


@analyse.command(name="zones-blanches", help="Zones blanches : population sans structure proche.")
@_options
def zones_blanches(slug: str, theme: str, public: str | None, distance_m: float, fmt: str) -> None:
    r = _run_selector("white_zones", slug, theme=theme, public=public, max_distance_m=distance_m)
    head = f"Zones blanches ({r.theme}, {r.target_label}, {r.max_distance_m:.0f} m)"
    if r.validity.computable:
        share = "inconnu" if r.share is None else f"{100 * r.share:.1f} %".replace(".", ",")
        title = f"{head} : {r.concerned_population:.0f} personnes concernées ({share})."
    else:
        title = f"{head} : non calculable."
    _render(r, fmt, title=title)


@analyse.command(name="influence", help="Zones d'influence des structures localisées.")
@_options
def influence(slug: str, theme: str, public: str | None, distance_m: float, fmt: str) -> None:
    r = _run_selector("influence", slug, theme=theme, public=public, max_distance_m=distance_m)
    head = f"Zones d'influence ({r.theme}, {r.target_label}, {r.max_distance_m:.0f} m)"
    if r.validity.computable and r.unserved_population is not None:
        title = (
            f"{head} : {len(r.sites)} structure(s) ; "
            f"{r.unserved_population:.0f} personnes hors de portée."
        )
    else:
        title = f"{head} : non calculable."
    _render(r, fmt, title=title)


@analyse.command(name="accessibilite", help="Accessibilité 2SFCA par IRIS et QPV, équité.")
@_options
def accessibilite(slug: str, theme: str, public: str | None, distance_m: float, fmt: str) -> None:
    r = _run_selector(
        "accessibility_by_zone", slug, theme=theme, public=public, max_distance_m=distance_m
    )
    if fmt == "geojson":
        raise click.UsageError("--format geojson : utilisez « zones-blanches » ou « influence ».")
    head = f"Accessibilité ({r.theme}, {r.target_label})"
    if r.validity.computable:
        value = "inconnu" if r.territory_value is None else f"{r.territory_value:.2f}"
        ratio = "inconnu" if r.equity.qpv_ratio is None else f"{r.equity.qpv_ratio:.2f}"
        value, ratio = value.replace(".", ","), ratio.replace(".", ",")
        shares = ", ".join(
            f"≤ {d.threshold_m:.0f} m : "
            f"{'inconnu' if d.share is None else f'{100 * d.share:.0f} %'}"
            for d in r.distance_shares
        )
        title = (
            f"{head} : {value} {r.value_label} ; ratio QPV / hors QPV : {ratio} ; "
            f"structure la plus proche {shares}."
        )
    else:
        title = f"{head} : non calculable (ni valeur par zone, ni ratio QPV, ni indice de Gini)."
    _render(r, fmt, title=title)


@click.group(
    name="scenario", help="Scénarios « et si… » : offre et logements, calculés en mémoire."
)
def scenario() -> None:
    pass


def _load_spec(path: str, slug: str | None):
    from maillage.diagnostic.scenario_spec import ScenarioError, read_scenario_file
    from maillage.diagnostic.scenarios import spec_from_file

    try:
        data = read_scenario_file(path)
        t = data.get("territory") if isinstance(data.get("territory"), str) else None
        chosen = slug or t
        if not chosen:
            raise ScenarioError([("territory", "champ obligatoire (ou --territory).")])
        return spec_from_file(territory=_territory(chosen), data=data, source=path)
    except ScenarioError as exc:
        raise click.ClickException(str(exc)) from exc


@scenario.command(name="run", help="Calcule un scénario décrit dans un fichier YAML ou JSON.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--territory", "slug", default=None, help="Territoire (défaut : celui du fichier).")
@click.option(
    "--format",
    "fmt",
    type=SCENARIO_OUT,
    default="table",
    show_default=True,
    help="Format de sortie.",
)
@click.option("--save", is_flag=True, help="Enregistre aussi le scénario dans la base.")
def scenario_run_cmd(file: str, slug: str | None, fmt: str, save: bool) -> None:
    from maillage.diagnostic.scenarios import scenario_run, scenario_save

    spec = _load_spec(file, slug)
    result = scenario_run(scenario=spec)
    if fmt == "table":
        click.echo(f"Scénario : {result.scenario}")
        for line in result.changes:
            click.echo(f"  • {line}")
        if result.coverage_before is not None and result.coverage_after is not None:
            click.echo(
                f"Taux d'équipement en EAJE : {result.coverage_before:.1f} → "
                f"{result.coverage_after:.1f} places en EAJE pour 100 enfants de moins de 3 ans."
            )

        def people(v: float | None) -> str:
            return "non calculable" if v is None else f"{v:.0f} personnes concernées"

        before, after = result.white_population_before, result.white_population_after
        click.echo(
            f"Zones blanches ({result.max_distance_m:.0f} m) : "
            + (
                "non calculable."
                if before is None and after is None
                else f"{people(before)} → {people(after)}."
            )
        )
        for line in _validity_lines(result.validity):
            click.echo(line)
        click.echo(f"Valeurs par zone ({result.value_label}) :")
    _warn(result)
    rows = result.display_rows() if fmt == "table" else result.rows()
    emit([r for r in rows if "validite" not in r], fmt=fmt, payload=result.as_dict())
    if save:
        saved = scenario_save(spec=spec)
        click.echo(f"Scénario enregistré (n° {saved.pk}).", err=True)


@scenario.command(name="compare", help="Compare des scénarios enregistrés (numéros) ou fichiers.")
@click.argument("refs", nargs=-1, required=True)
@click.option("--territory", "slug", default=None, help="Territoire des fichiers.")
@click.option(
    "--format",
    "fmt",
    type=SCENARIO_OUT,
    default="table",
    show_default=True,
    help="Format de sortie.",
)
def scenario_compare_cmd(refs: tuple[str, ...], slug: str | None, fmt: str) -> None:
    from maillage.diagnostic.models import Scenario
    from maillage.diagnostic.scenario_spec import ScenarioError
    from maillage.diagnostic.scenarios import scenario_compare

    items = []
    for ref in refs:
        if ref.isdigit():
            found = Scenario.objects.filter(pk=int(ref)).first()
            if found is None:
                raise click.BadParameter(f"scénario n° {ref} introuvable.")
            items.append(found)
        else:
            items.append(_load_spec(ref, slug))
    try:
        result = scenario_compare(scenarios=items)
    except ScenarioError as exc:
        raise click.ClickException(str(exc)) from exc
    emit(result.rows(), fmt=fmt, payload=result.as_dict())


@scenario.command(name="list", help="Liste les scénarios enregistrés d'un territoire.")
@click.option("--territory", "slug", required=True, help="Identifiant du territoire.")
@click.option(
    "--format",
    "fmt",
    type=SCENARIO_OUT,
    default="table",
    show_default=True,
    help="Format de sortie.",
)
def scenario_list_cmd(slug: str, fmt: str) -> None:
    from maillage.diagnostic.models import Scenario

    rows = [
        {
            "numero": s.pk,
            "nom": s.name,
            "theme": s.theme,
            "public": s.public,
            "rayon_m": s.max_distance_m,
            "cree_le": s.created.strftime("%Y-%m-%d %H:%M"),
        }
        for s in Scenario.objects.filter(territory=_territory(slug))
    ]
    emit(rows, fmt=fmt)


commands = [analyse, scenario]
