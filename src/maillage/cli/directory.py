"""``maillage structures | quality | childcare``: the directory of a territory."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from .output import FORMATS, emit


def _territory(slug: str) -> Any:
    from maillage.territory.selectors import TerritoryNotFound, territory_get

    try:
        return territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise click.ClickException(str(exc)) from exc


def _lonlat(value: str | None) -> tuple[float, float] | None:
    if not value:
        return None
    try:
        lon, lat = (float(v) for v in value.split(","))
    except ValueError as exc:
        raise click.BadParameter(f"« {value} » : attendu lon,lat (ex. 2.877,50.688).") from exc
    return lon, lat


@click.command(help="Liste les structures de l'annuaire (recherche, filtres, distance).")
@click.option("--territory", "slug", required=True, help="Identifiant du territoire.")
@click.option("--q", default=None, help="Mots recherchés (sans tenir compte des accents).")
@click.option("--thematique", default=None, help="Thématique data·inclusion v1 (ou catégorie).")
@click.option("--public", default=None, help="Public data·inclusion v1 (ex. familles).")
@click.option("--age", type=click.FloatRange(min=0), default=None, help="Âge en années.")
@click.option("--commune", default=None, help="Code INSEE ou nom de la commune.")
@click.option("--typology", default=None, help="Code de typologie CTG ou famille (ex. EAJE).")
@click.option("--quartier", default=None, help="Code IRIS ou QPV.")
@click.option("--near", default=None, help="lon,lat (WGS84) : tri par distance en mètres.")
@click.option("--radius-m", type=click.FloatRange(min=0), default=None, help="Rayon (mètres).")
@click.option("--all", "show_all", is_flag=True, help="Inclut les fiches non publiées.")
@click.option(
    "--limit",
    type=click.IntRange(1, 500),
    default=500,
    show_default=True,
    help="Nombre maximal de résultats.",
)
@click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Format de sortie."
)
def structures(
    slug: str,
    q: str | None,
    thematique: str | None,
    public: str | None,
    age: float | None,
    commune: str | None,
    typology: str | None,
    quartier: str | None,
    near: str | None,
    radius_m: float | None,
    show_all: bool,
    limit: int,
    fmt: str,
) -> None:
    from maillage.directory.models import Structure
    from maillage.directory.selectors import structure_search

    page = structure_search(
        territory=_territory(slug),
        q=q,
        thematique=thematique,
        public=public,
        age=age,
        commune=commune,
        typology=typology,
        quartier=quartier,
        near=_lonlat(near),
        radius_m=radius_m,
        published_only=not show_all,
        limit=limit,
    )
    precisions = dict(Structure.Precision.choices)
    rows = [
        {
            "id": h.structure.id,
            "nom": h.structure.name,
            "typologie": h.structure.typology_label,
            "commune": h.structure.commune_name,
            "adresse": h.structure.address,
            "position": str(precisions.get(h.structure.position_precision, "")),
            "places": sum(s.capacity or 0 for s in h.services) or None,
            "distance_m": h.distance_m,
        }
        for h in page.results
    ]
    if near is None:
        for row in rows:
            row.pop("distance_m")
    emit(rows, fmt=fmt, payload=page.as_dict())
    if fmt == "table":
        click.echo(f"{page.total} structure(s).")
        for warning in page.warnings:
            click.echo(f"Attention : {warning}", err=True)


@click.command(help="Qualité des données de l'annuaire : positions, horaires, capacités, contacts.")
@click.option("--territory", "slug", required=True, help="Identifiant du territoire.")
@click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Format de sortie."
)
def quality(slug: str, fmt: str) -> None:
    from maillage.directory.selectors import data_quality

    report = data_quality(territory=_territory(slug), published_only=False)
    payload = {"counts": report.counts, **asdict(report)}
    if fmt == "table":
        click.echo(f"Annuaire : {report.total} structure(s).")
        labels = {
            "sans_position": "à localiser (sans position)",
            "sans_horaires": "sans horaires",
            "sans_capacite": "accueil du jeune enfant sans capacité",
            "sans_contact": "sans téléphone, courriel ni site",
            "fiches_regroupees": "fiches regroupant plusieurs lieux",
            "non_publiees": "non publiées",
        }
        for key, label in labels.items():
            click.echo(f"  {report.counts[key]:>4}  {label}")
        click.echo("")
    emit(report.rows(), fmt=fmt, payload=payload)


@click.command(
    help="Places d'accueil du jeune enfant (EAJE) et taux d'équipement ou de couverture, "
    "nommé d'après ce qu'il additionne."
)
@click.option("--territory", "slug", required=True, help="Identifiant du territoire.")
@click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Format de sortie."
)
def childcare(slug: str, fmt: str) -> None:
    from maillage.diagnostic.childcare import childcare_rate
    from maillage.directory.selectors import childcare_supply

    territory = _territory(slug)
    supply = childcare_supply(territory=territory)
    rate = childcare_rate(territory=territory)
    rows = [
        {
            "typologie": r.typology_label,
            "fiches": r.structures,
            "lieux": r.sites,
            "places": r.places_known,
        }
        for r in supply.by_typology
    ]
    payload = {**asdict(supply), "taux": rate.as_dict()}
    emit(rows, fmt=fmt, payload=payload)
    if fmt == "table":
        click.echo(f"Total : {supply.total_places} places ({supply.unlocated_places} à localiser).")
        if rate.value is not None:
            click.echo(
                f"{rate.label} : "
                + f"{rate.value:.1f}".replace(".", ",")
                + f" ({rate.denominator})."
            )
        if rate.missing:
            click.echo(
                "Manque pour le taux de couverture global (CNAF) : "
                + " ; ".join(rate.missing)
                + "."
            )
        click.echo(rate.official_line)


commands = [structures, quality, childcare]
