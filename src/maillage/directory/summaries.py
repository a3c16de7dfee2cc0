"""Result objects of the directory search: one structure or one page of structures.

:func:`structure_summary` and :func:`service_summary` turn model instances into the frozen
dataclasses of :mod:`.results`; :func:`page_summaries` builds a whole page from three plain
queries (no model instances), which keeps the search fast on large directories.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from .models import Service, Structure
from .results import ServiceSummary, StructureSummary


def service_summary(service: Service) -> ServiceSummary:
    return ServiceSummary(
        id=service.pk,
        name=service.name,
        description=service.description,
        type=service.type,
        thematiques=list(service.thematiques or []),
        publics=list(service.publics or []),
        frais=service.frais,
        modes_accueil=list(service.modes_accueil or []),
        age_min=service.age_min,
        age_max=service.age_max,
        capacity=service.capacity,
        places_open_to_public=service.places_open_to_public,
        childcare_modes=list(service.childcare_modes or []),
        insertion_places=service.insertion_places,
        opening_hours=service.opening_hours,
        source=service.source,
        source_id=service.source_id,
        source_label=service.source_label,
        note=service.note,
    )


def structure_summary(s: Structure) -> StructureSummary:
    t, org, commune = s.typology, s.organisation, s.commune
    return StructureSummary(
        id=s.pk,
        slug=s.slug,
        name=s.name,
        typology_code=t.code if t else "",
        typology_label=t.label if t else "",
        typology_family=t.family if t else "",
        theme=t.theme if t else "",
        organisation=org.name if org else "",
        organisation_kind=org.kind if org else "",
        sector=s.sector,
        address=s.address,
        postcode=s.postcode,
        commune_code=commune.insee_code if commune else "",
        commune_name=commune.name if commune else "",
        lon=s.lon,
        lat=s.lat,
        x_l93=s.x_l93,
        y_l93=s.y_l93,
        position_precision=s.position_precision,
        position_source=s.position_source,
        opening_hours=s.opening_hours,
        phone=s.phone,
        email=s.email,
        website=s.website,
        acceslibre_url=s.acceslibre_url,
        uai=s.uai,
        siret=s.siret,
        finess=s.finess,
        source=s.source,
        source_id=s.source_id,
        source_label=s.source_label,
        source_url=s.source_url,
        data_updated_on=s.data_updated_on,
        grouped_count=s.grouped_count,
        note=s.note,
        published=s.published,
        zones=[z.code for z in s.zones.all()],
    )


_STRUCTURE_COLUMNS = (
    "pk",
    "slug",
    "name",
    "sector",
    "address",
    "postcode",
    "lon",
    "lat",
    "x_l93",
    "y_l93",
    "position_precision",
    "position_source",
    "opening_hours",
    "phone",
    "email",
    "website",
    "acceslibre_url",
    "uai",
    "siret",
    "finess",
    "source",
    "source_id",
    "source_label",
    "source_url",
    "data_updated_on",
    "grouped_count",
    "note",
    "published",
)
_RELATED_COLUMNS = {
    "typology_code": "typology__code",
    "typology_label": "typology__label",
    "typology_family": "typology__family",
    "theme": "typology__theme",
    "organisation": "organisation__name",
    "organisation_kind": "organisation__kind",
    "commune_code": "commune__insee_code",
    "commune_name": "commune__name",
}
_SERVICE_COLUMNS = tuple(f for f in ServiceSummary.__dataclass_fields__ if f != "id")
_TYPOLOGY_COLUMNS = {
    "thematiques": "typology__thematiques",
    "publics": "typology__publics",
    "age_min": "typology__age_min",
    "age_max": "typology__age_max",
}


def page_summaries(
    ids: list[int],
    *,
    published_only: bool,
    thematique: str | None,
    public: str | None,
    age: float | None,
    matches: Callable[..., bool],
) -> dict[int, tuple[StructureSummary, list[ServiceSummary]]]:
    """Result objects for one page, read with three plain queries (no model instances)."""
    columns = (*_STRUCTURE_COLUMNS, *_RELATED_COLUMNS.values(), *_TYPOLOGY_COLUMNS.values())
    rows = {r["pk"]: r for r in Structure.objects.filter(pk__in=ids).values(*columns)}
    zones: dict[int, list[str]] = {pk: [] for pk in ids}
    through = Structure.zones.through.objects.filter(structure_id__in=ids)
    for structure_id, code in through.order_by("zone__kind", "zone__code").values_list(
        "structure_id", "zone__code"
    ):
        zones[structure_id].append(code)
    services: dict[int, list[Any]] = {pk: [] for pk in ids}
    qs = Service.objects.filter(structure_id__in=ids).order_by("name", "pk")
    if published_only:
        qs = qs.filter(published=True)
    for sv in qs.values("pk", "structure_id", *_SERVICE_COLUMNS):
        services[sv["structure_id"]].append(SimpleNamespace(**sv))
    filtering = thematique is not None or public is not None or age is not None
    page = {}
    for pk in ids:
        r = rows[pk]
        typology = None
        if r["typology__code"]:
            typology = SimpleNamespace(**{k: r[v] for k, v in _TYPOLOGY_COLUMNS.items()})
        summary = StructureSummary(
            id=pk,
            **{k: r[k] for k in _STRUCTURE_COLUMNS if k != "pk"},
            **{k: r[v] or "" for k, v in _RELATED_COLUMNS.items()},
            zones=zones[pk],
        )
        matching = [
            sv
            for sv in services[pk]
            if not filtering or matches(sv, typology, thematique=thematique, public=public, age=age)
        ]
        page[pk] = (
            summary,
            [
                ServiceSummary(id=sv.pk, **{k: getattr(sv, k) for k in _SERVICE_COLUMNS})
                for sv in matching
            ],
        )
    return page
