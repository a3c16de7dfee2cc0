"""Writes of the directory: structures and services, validated, then the territory is touched.

Every function validates with :mod:`maillage.directory.validation` (French messages on the
field, raised as :class:`django.core.exceptions.ValidationError`) and writes nothing when the
input is invalid. When ``user`` is given, :func:`maillage.accounts.permissions.can_edit` must
allow the change (``PermissionDenied`` otherwise); ``user=None`` is for trusted callers (imports).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from shapely.geometry import Point
from shapely.ops import unary_union

from maillage.accounts.actor import Actor
from maillage.accounts.history import record_change, snapshot
from maillage.accounts.permissions import can_edit, can_publish, creates_drafts
from maillage.accounts.versioning import check_version
from maillage.territory.geo import geojson_to_l93, lonlat_to_l93
from maillage.territory.models import Commune, Territory

from .derived import (
    prepare_position,
    structure_derived,
    structure_reindex_territory,
    structures_refreshed,
)
from .models import Organisation, Service, Structure, Typology
from .validation import validate_service, validate_structure

__all__ = [  # the derived-data writers are defined in .derived, re-exported for callers
    "structure_reindex_territory",
    "structures_refreshed",
]

NEAR_TERRITORY_M = 20_000  # a placed structure must lie within 20 km of the territory

# The fields a caller of these services may set (the API's and the forms' inputs, what a
# restore or a proposal may change); the rest is identity, provenance kept by the loader, or
# derived (:mod:`.derived`).
EDITABLE_STRUCTURE_FIELDS = frozenset(
    {
        "name",
        "organisation",
        "typology",
        "sector",
        "description",
        "address",
        "postcode",
        "commune",
        "lon",
        "lat",
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
        "source_label",
        "source_url",
        "data_updated_on",
        "note",
        "grouped_count",
        "published",
    }
)
EDITABLE_SERVICE_FIELDS = frozenset(
    {
        "name",
        "description",
        "type",
        "thematiques",
        "publics",
        "publics_precisions",
        "conditions_acces",
        "frais",
        "frais_precisions",
        "modes_accueil",
        "zone_eligibilite",
        "modes_mobilisation",
        "mobilisable_par",
        "mobilisation_precisions",
        "opening_hours",
        "age_min",
        "age_max",
        "capacity",
        "places_open_to_public",
        "childcare_modes",
        "insertion_places",
        "source_label",
        "data_updated_on",
        "note",
        "published",
    }
)


def _check_user(user: Actor, obj: Any) -> None:
    if user is not None and not can_edit(user, obj):
        raise PermissionDenied("Vous n'avez pas le droit de modifier cette fiche.")


# Where a fiche's data come from: set by the coordinator (or an import), never by a partner,
# who could otherwise attribute their text to another body (« CAF du Nord »).
PROVENANCE_FIELDS = frozenset({"source_label", "source_url", "grouped_count"})


def _check_publication(user: Actor, obj: Structure | Service, fields: dict[str, Any]) -> None:
    """A partner's new structure or service is a draft; only the coordinator publishes or
    withdraws one (:func:`maillage.accounts.permissions.can_publish`), or states its
    provenance (:data:`PROVENANCE_FIELDS`)."""
    if user is None or can_publish(user, obj):
        return
    territory = obj.territory if isinstance(obj, Structure) else obj.structure.territory
    if obj.pk is None and creates_drafts(user, territory):
        if fields.get("published"):
            raise PermissionDenied(
                "La fiche d'un partenaire est créée en brouillon : "
                "le chargé de coopération la publie."
            )
        obj.published = False
    elif "published" in fields and bool(fields["published"]) != obj.published:
        raise PermissionDenied("Publier ou retirer une fiche revient au chargé de coopération.")
    provenance = sorted(PROVENANCE_FIELDS & set(fields))
    if provenance:
        raise PermissionDenied(
            "La provenance d'une fiche (source, adresse de la source, regroupement) est "
            "renseignée par le chargé de coopération : " + ", ".join(provenance) + "."
        )


def _check_fields(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({k: "Champ inconnu ou non modifiable." for k in unknown})


def _resolve(fields: dict[str, Any]) -> dict[str, Any]:
    """Accept a typology code, an organisation slug and a commune INSEE code."""
    out = dict(fields)
    if isinstance(out.get("typology"), str):
        typology = Typology.objects.filter(code=out["typology"]).first()
        if typology is None:
            raise ValidationError({"typology": f"Typologie « {out['typology']} » inconnue."})
        out["typology"] = typology
    if isinstance(out.get("organisation"), str):
        org = Organisation.objects.filter(slug=out["organisation"]).first()
        if org is None:
            raise ValidationError({"organisation": "Organisation inconnue."})
        out["organisation"] = org
    if isinstance(out.get("commune"), str):
        commune = Commune.objects.filter(insee_code=out["commune"]).first()
        if commune is None:
            raise ValidationError({"commune": f"Commune « {out['commune']} » inconnue."})
        out["commune"] = commune
    return out


def resolve_references(*, fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` with a typology code, an organisation slug or a commune INSEE code turned
    into the objects (``ValidationError`` on the field when unknown), for callers that keep
    the values before applying them (:func:`maillage.accounts.services.propose_change`)."""
    return _resolve(fields)


def _unique_slug(territory: Territory, name: str, *, exclude: int | None = None) -> str:
    base = slugify(name)[:100] or "structure"
    slug, n = base, 1
    others = Structure.objects.filter(territory=territory)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _validate_or_reset(obj: Any, validate: Any) -> None:
    """Validate ``obj``; on failure reload it, so the caller never keeps invalid values."""
    try:
        validate(obj)
    except ValidationError:
        obj.refresh_from_db()
        raise


def _before(obj: Structure | Service) -> dict[str, Any]:
    """The stored state of ``obj`` (before the caller's in-memory changes), for the history."""
    return snapshot(type(obj).objects.get(pk=obj.pk))


def _record(obj: Structure | Service, user: Actor, before: dict[str, Any] | None) -> None:
    action = "create" if before is None else "update"
    record_change(obj=obj, user=user, before=before, after=snapshot(obj), action=action)


def _after_write(structure: Structure, *, place: bool = False) -> None:
    """The structure is saved (or one of its services): its derived data and the territory's
    data version follow (:func:`maillage.directory.derived.structure_derived`)."""
    structure_derived(structure, place=place, touch=True)


@transaction.atomic
def structure_create(
    *,
    territory: Territory,
    name: str,
    user: Actor = None,
    source: str = "maillage",
    source_id: str = "",
    **fields: Any,
) -> Structure:
    """Create a structure (``typology`` as a code, ``commune`` as an INSEE code accepted).

    ``source``/``source_id`` keep a producer's data·inclusion identifiers (imports); by
    default the structure is ours (``maillage``) and its id is its slug.
    """
    _check_fields(fields, EDITABLE_STRUCTURE_FIELDS)
    structure = Structure(territory=territory, name=name, **_resolve(fields))
    if user is not None and not can_edit(user, structure):
        raise PermissionDenied(
            "Création réservée au chargé de coopération, ou à un partenaire pour sa propre "
            "organisation."
        )
    _check_publication(user, structure, fields)
    validate_structure(structure)
    if user is not None:
        check_near_territory(structure)
    structure.slug = _unique_slug(territory, name)
    structure.source = (source or "maillage")[:60]
    structure.source_id = (source_id or structure.slug)[:120]
    if Structure.objects.filter(
        territory=territory, source=structure.source, source_id=structure.source_id
    ).exists():
        raise ValidationError(
            {"source_id": f"Identifiant « {structure.source_id} » déjà utilisé pour cette source."}
        )
    prepare_position(structure)
    structure.save()
    _after_write(structure, place=True)
    _record(structure, user, None)
    return structure


@transaction.atomic
def structure_update(
    *, structure: Structure, user: Actor = None, version: str | None = None, **fields: Any
) -> Structure:
    """Change some fields of a structure; the position is re-projected when it changes.
    ``version``: the state the change was made from (``check_version``; ``None``: no check)."""
    _check_structure_request(structure, user, fields)
    check_version(structure, version)
    before = _before(structure)
    fields = _resolve(fields)
    try:
        _change_structure(structure, user, fields)
    except (ValidationError, PermissionDenied):
        structure.refresh_from_db()  # the caller never keeps refused values
        raise
    prepare_position(structure)
    structure.save()
    _after_write(structure, place=bool({"lon", "lat"} & set(fields)))
    _record(structure, user, before)
    return structure


def structure_update_check(*, structure: Structure, user: Actor = None, **fields: Any) -> None:
    """Refuse, as :func:`structure_update` would, the change of ``fields`` by ``user`` — the
    same ``ValidationError`` and ``PermissionDenied`` — without writing anything: the change is
    made on a copy of the stored structure, never saved (a partner's proposal is checked so)."""
    copy = Structure.objects.select_related("territory").get(pk=structure.pk)
    _check_structure_request(copy, user, fields)
    _change_structure(copy, user, _resolve(fields))


def _check_structure_request(structure: Structure, user: Actor, fields: dict[str, Any]) -> None:
    """The checks of a change that need no value applied: rights, known fields, publication."""
    _check_user(user, structure)
    _check_fields(fields, EDITABLE_STRUCTURE_FIELDS)
    _check_publication(user, structure, fields)


def _change_structure(structure: Structure, user: Actor, fields: dict[str, Any]) -> None:
    """Set the (resolved) ``fields`` on ``structure`` in memory and check the result."""
    for key, value in fields.items():
        setattr(structure, key, value)
    if user is not None and not can_edit(user, structure):  # moved to another organisation
        raise PermissionDenied("Une fiche ne passe pas à une autre organisation que la vôtre.")
    validate_structure(structure)
    if user is not None and {"lon", "lat"} & set(fields):
        check_near_territory(structure)  # a user's position, as on the map


def check_near_territory(structure: Structure) -> None:
    """Refuse a position farther than ``NEAR_TERRITORY_M`` metres from the territory's communes
    and neighbours (a typo in a longitude, a place of another département). Users' edits and
    placements are checked; imports of a producer's file are not (their rows keep their own
    positions)."""
    if structure.lon is None or structure.lat is None:
        return
    x, y = lonlat_to_l93(structure.lon, structure.lat)
    territory = structure.territory
    shapes = [
        geojson_to_l93(c.boundary)
        for c in list(territory.communes.all()) + list(territory.neighbours.all())
        if c.boundary
    ]
    if not shapes:
        return
    distance = unary_union(shapes).distance(Point(float(x), float(y)))
    if distance > NEAR_TERRITORY_M:
        raise ValidationError(
            {
                "lat": f"Position à {distance / 1000:.0f} km du territoire : vérifiez "
                "la longitude et la latitude."
            }
        )


@transaction.atomic
def structure_place(
    *,
    structure: Structure,
    lon: float,
    lat: float,
    precision: str,
    source: str,
    user: Actor = None,
) -> Structure:
    """Place a structure (typically « à localiser ») on the map.

    ``lon``/``lat`` in WGS84 degrees; refused outside France or farther than
    ``NEAR_TERRITORY_M`` metres from the territory's communes and neighbours.
    """
    _check_user(user, structure)
    before = _before(structure)
    errors: dict[str, str] = {}
    if precision not in (Structure.Precision.EXACT, Structure.Precision.APPROXIMATE):
        errors["position_precision"] = "Précision attendue : exacte ou approchée."
    if not (source or "").strip():
        errors["position_source"] = "Indiquez la source de la position (ex. visite, plan)."
    if errors:
        raise ValidationError(errors)
    structure.lon, structure.lat = float(lon), float(lat)
    _validate_or_reset(structure, validate_structure)
    try:
        check_near_territory(structure)
    except ValidationError:
        structure.refresh_from_db()
        raise
    structure.position_precision = precision
    structure.position_source = source.strip()[:300]
    prepare_position(structure)
    structure.save()
    _after_write(structure, place=True)
    _record(structure, user, before)
    return structure


@transaction.atomic
def service_create(
    *,
    structure: Structure,
    name: str,
    user: Actor = None,
    source: str = "maillage",
    source_id: str = "",
    **fields: Any,
) -> Service:
    """Create a service of ``structure`` (``source``/``source_id`` as for structures)."""
    _check_user(user, structure)
    _check_fields(fields, EDITABLE_SERVICE_FIELDS)
    service = Service(structure=structure, name=name, **fields)
    _check_publication(user, service, fields)
    validate_service(service)
    service.source = (source or "maillage")[:60]
    same = Service.objects.filter(structure=structure, source=service.source)
    if source_id:
        if same.filter(source_id=source_id).exists():
            raise ValidationError(
                {"source_id": f"Identifiant « {source_id} » déjà utilisé pour cette source."}
            )
    else:
        base = slugify(name)[:100] or "service"
        source_id, n = base, 1
        while same.filter(source_id=source_id).exists():
            n += 1
            source_id = f"{base}-{n}"
    service.source_id = source_id[:120]
    service.save()
    _after_write(structure)
    _record(service, user, None)
    return service


@transaction.atomic
def service_update(
    *, service: Service, user: Actor = None, version: str | None = None, **fields: Any
) -> Service:
    """Change some fields of a service (``version`` as for :func:`structure_update`)."""
    _check_service_request(service, user, fields)
    check_version(service, version)
    before = _before(service)
    for key, value in fields.items():
        setattr(service, key, value)
    _validate_or_reset(service, validate_service)
    service.save()
    _after_write(service.structure)
    _record(service, user, before)
    return service


def service_update_check(*, service: Service, user: Actor = None, **fields: Any) -> None:
    """Refuse, as :func:`service_update` would, the change of ``fields`` by ``user``, without
    writing anything (on a copy of the stored service, never saved)."""
    copy = Service.objects.select_related("structure__territory").get(pk=service.pk)
    _check_service_request(copy, user, fields)
    for key, value in fields.items():
        setattr(copy, key, value)
    validate_service(copy)


def _check_service_request(service: Service, user: Actor, fields: dict[str, Any]) -> None:
    _check_user(user, service.structure)
    _check_fields(fields, EDITABLE_SERVICE_FIELDS)
    _check_publication(user, service, fields)
