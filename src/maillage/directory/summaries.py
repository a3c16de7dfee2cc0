"""Result objects of the directory search: one structure or one page of structures.

:func:`structure_summary` and :func:`service_summary` turn model instances into the frozen
dataclasses of :mod:`.results`; the ``*_COLUMNS`` name the plain columns the search index
(:mod:`.search_index`) reads to build the same dataclasses without model instances.
"""

from __future__ import annotations

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
        conditions_acces=service.conditions_acces,
        publics_precisions=service.publics_precisions,
        frais_precisions=service.frais_precisions,
        modes_mobilisation=list(service.modes_mobilisation or []),
        mobilisable_par=list(service.mobilisable_par or []),
        mobilisation_precisions=service.mobilisation_precisions,
    )


INTERNAL_COLUMNS = ("note", "position_source")


def public_provenance(row: dict) -> dict:
    """A structure's columns as the public sees them (in place): the clean source line
    (``public_source``, else the source label) and no internal note (file numbers,
    « non vérifié », cross references), which coordinators and observers alone read."""
    row["source_label"] = row.get("public_source") or row.get("source_label") or ""
    for name in INTERNAL_COLUMNS:
        row[name] = ""
    return row


def structure_summary(s: Structure, *, public: bool = False) -> StructureSummary:
    """``public=True``: as the public sees it (see :func:`public_provenance`)."""
    t, org, commune = s.typology, s.organisation, s.commune
    summary = StructureSummary(
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
    if not public:
        return summary
    from dataclasses import replace

    row = public_provenance({"public_source": s.public_source, "source_label": s.source_label})
    row.pop("public_source")
    return replace(summary, **row)


STRUCTURE_COLUMNS = (
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
RELATED_COLUMNS = {
    "typology_code": "typology__code",
    "typology_label": "typology__label",
    "typology_family": "typology__family",
    "theme": "typology__theme",
    "organisation": "organisation__name",
    "organisation_kind": "organisation__kind",
    "commune_code": "commune__insee_code",
    "commune_name": "commune__name",
}
SERVICE_COLUMNS = tuple(f for f in ServiceSummary.__dataclass_fields__ if f != "id")
TYPOLOGY_COLUMNS = {
    "thematiques": "typology__thematiques",
    "publics": "typology__publics",
    "age_min": "typology__age_min",
    "age_max": "typology__age_max",
}
