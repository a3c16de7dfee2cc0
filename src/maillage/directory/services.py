"""Writes of the directory: structures and services, validated, then the territory is touched.

Every function validates with :mod:`maillage.directory.validation` (French messages on the
field, raised as :class:`django.core.exceptions.ValidationError`) and writes nothing when the
input is invalid. When ``user`` is given, :func:`maillage.accounts.permissions.can_edit` must
allow the change (``PermissionDenied`` otherwise); ``user=None`` is for trusted callers (imports).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from shapely import STRtree
from shapely.geometry import Point
from shapely.ops import unary_union

from maillage.accounts.history import record_change, snapshot
from maillage.accounts.permissions import can_edit, can_publish, creates_drafts
from maillage.accounts.versioning import check_version
from maillage.territory.geo import geojson_to_l93, lonlat_to_l93
from maillage.territory.models import Commune, Territory, Zone
from maillage.territory.services import territory_touch

from .models import Organisation, Service, Structure, Typology
from .search_text import refresh_search_text
from .validation import validate_service, validate_structure

NEAR_TERRITORY_M = 20_000  # a placed structure must lie within 20 km of the territory

STRUCTURE_FIELDS = frozenset(
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
SERVICE_FIELDS = frozenset(
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


def _check_user(user: Any, obj: Any) -> None:
    if user is not None and not can_edit(user, obj):
        raise PermissionDenied("Vous n'avez pas le droit de modifier cette fiche.")


# Where a fiche's data come from: set by the coordinator (or an import), never by a partner,
# who could otherwise attribute their text to another body (« CAF du Nord »).
PROVENANCE_FIELDS = frozenset({"source_label", "source_url", "grouped_count"})


def _check_publication(user: Any, obj: Structure | Service, fields: dict[str, Any]) -> None:
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
    others = Structure.objects.filter(territory=territory).exclude(pk=exclude)
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _sync_position(structure: Structure) -> None:
    if structure.lon is None or structure.lat is None:
        structure.x_l93 = structure.y_l93 = None
        structure.position_precision = Structure.Precision.UNKNOWN
        return
    x, y = lonlat_to_l93(structure.lon, structure.lat)
    structure.x_l93, structure.y_l93 = round(float(x), 2), round(float(y), 2)
    if structure.position_precision == Structure.Precision.UNKNOWN:
        structure.position_precision = Structure.Precision.APPROXIMATE


def _zone_index(territory: Territory) -> tuple[list[int], STRtree | None]:
    codes = list(territory.communes.values_list("insee_code", flat=True))
    codes += list(territory.neighbours.values_list("insee_code", flat=True))
    zones = [
        z
        for z in Zone.objects.filter(Q(commune__insee_code__in=codes) | Q(territory=territory))
        if z.boundary
    ]
    geoms = [geojson_to_l93(z.boundary) for z in zones]
    return [z.pk for z in zones], (STRtree(geoms) if geoms else None)


def _sync_zones(structure: Structure, index: tuple[list[int], Any] | None = None) -> None:
    if not structure.located:
        structure.zones.clear()
        return
    ids, tree = index or _zone_index(structure.territory)
    point = Point(structure.x_l93, structure.y_l93)
    hits = [] if tree is None else tree.query(point, predicate="intersects")
    structure.zones.set([ids[i] for i in hits])


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


def _record(obj: Structure | Service, user: Any, before: dict[str, Any] | None) -> None:
    action = "create" if before is None else "update"
    record_change(obj=obj, user=user, before=before, after=snapshot(obj), action=action)


def _after_write(structure: Structure) -> None:
    refresh_search_text(structure)
    territory_touch(territory=structure.territory)


@transaction.atomic
def structure_create(
    *,
    territory: Territory,
    name: str,
    user: Any = None,
    source: str = "maillage",
    source_id: str = "",
    **fields: Any,
) -> Structure:
    """Create a structure (``typology`` as a code, ``commune`` as an INSEE code accepted).

    ``source``/``source_id`` keep a producer's data·inclusion identifiers (imports); by
    default the structure is ours (``maillage``) and its id is its slug.
    """
    _check_fields(fields, STRUCTURE_FIELDS)
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
    _sync_position(structure)
    structure.save()
    _sync_zones(structure)
    _after_write(structure)
    _record(structure, user, None)
    return structure


@transaction.atomic
def structure_update(
    *, structure: Structure, user: Any = None, version: str | None = None, **fields: Any
) -> Structure:
    """Change some fields of a structure; the position is re-projected when it changes.
    ``version``: the state the change was made from (``check_version``; ``None``: no check)."""
    _check_user(user, structure)
    _check_fields(fields, STRUCTURE_FIELDS)
    _check_publication(user, structure, fields)
    check_version(structure, version)
    before = _before(structure)
    fields = _resolve(fields)
    for key, value in fields.items():
        setattr(structure, key, value)
    if user is not None and not can_edit(user, structure):  # moved to another organisation
        structure.refresh_from_db()
        raise PermissionDenied("Une fiche ne passe pas à une autre organisation que la vôtre.")
    _validate_or_reset(structure, validate_structure)
    if user is not None and {"lon", "lat"} & set(fields):
        _validate_or_reset(structure, check_near_territory)  # a user's position, as on the map
    _sync_position(structure)
    structure.save()
    if {"lon", "lat"} & set(fields):
        _sync_zones(structure)
    _after_write(structure)
    _record(structure, user, before)
    return structure


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
    user: Any = None,
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
    _sync_position(structure)
    structure.save()
    _sync_zones(structure)
    _after_write(structure)
    _record(structure, user, before)
    return structure


@transaction.atomic
def service_create(
    *,
    structure: Structure,
    name: str,
    user: Any = None,
    source: str = "maillage",
    source_id: str = "",
    **fields: Any,
) -> Service:
    """Create a service of ``structure`` (``source``/``source_id`` as for structures)."""
    _check_user(user, structure)
    _check_fields(fields, SERVICE_FIELDS)
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
    *, service: Service, user: Any = None, version: str | None = None, **fields: Any
) -> Service:
    """Change some fields of a service (``version`` as for :func:`structure_update`)."""
    _check_user(user, service.structure)
    _check_fields(fields, SERVICE_FIELDS)
    _check_publication(user, service, fields)
    check_version(service, version)
    before = _before(service)
    for key, value in fields.items():
        setattr(service, key, value)
    _validate_or_reset(service, validate_service)
    service.save()
    _after_write(service.structure)
    _record(service, user, before)
    return service


def structure_reindex_territory(*, territory: Territory) -> int:
    """Rebuild the search text, sort name, Lambert-93 position and zones of every structure of
    ``territory`` (after bulk writes that bypassed these services); return how many changed."""
    changed = 0
    structures = Structure.objects.filter(territory=territory).select_related(
        "typology", "organisation", "commune"
    )
    index = _zone_index(territory)
    with transaction.atomic():
        for structure in structures.prefetch_related("services", "zones"):
            before = (structure.x_l93, structure.y_l93, structure.position_precision)
            _sync_position(structure)
            if before != (structure.x_l93, structure.y_l93, structure.position_precision):
                Structure.objects.filter(pk=structure.pk).update(
                    x_l93=structure.x_l93,
                    y_l93=structure.y_l93,
                    position_precision=structure.position_precision,
                )
                _sync_zones(structure, index)
                changed += 1
            changed += refresh_search_text(structure)
        if changed:
            territory_touch(territory=territory)
    return changed


# --------------------------------------------------------------------------- writes made elsewhere


def _refresh(structure: Structure) -> None:
    """Re-project the position (and re-place in zones when it moved), rebuild the search text."""
    stored = (structure.x_l93, structure.y_l93, structure.position_precision)
    _sync_position(structure)
    if stored != (structure.x_l93, structure.y_l93, structure.position_precision):
        Structure.objects.filter(pk=structure.pk).update(
            x_l93=structure.x_l93,
            y_l93=structure.y_l93,
            position_precision=structure.position_precision,
        )
        _sync_zones(structure)
    refresh_search_text(structure)


@contextmanager
def structures_refreshed(
    *,
    structure_ids: Iterable[int | None] = (),
    typology_ids: Iterable[int | None] = (),
    organisation_ids: Iterable[int | None] = (),
) -> Iterator[None]:
    """Keep the directory's derived data right around writes that bypass these services (the
    Django admin edits or deletes models directly).

    After the block: each structure of ``structure_ids`` still stored gets its Lambert-93
    position from lon/lat (and its zones, when the position moved; zones picked by hand are
    kept otherwise), its search text and sort name; every territory that held structures of
    ``typology_ids`` or ``organisation_ids`` before the block is reindexed
    (:func:`structure_reindex_territory`: a typology's label, ages and publics, an
    organisation's name are read by the search); every territory concerned, including those of
    deleted structures, is touched, so the search index (keyed on ``data_version``) and the
    cached pages are rebuilt at once.
    """
    structures = {pk for pk in structure_ids if pk is not None}
    typologies = {pk for pk in typology_ids if pk is not None}
    organisations = {pk for pk in organisation_ids if pk is not None}
    related = Structure.objects.filter(
        Q(typology_id__in=typologies) | Q(organisation_id__in=organisations)
    )
    reindexed = set(related.values_list("territory_id", flat=True))
    touched = reindexed | set(
        Structure.objects.filter(pk__in=structures).values_list("territory_id", flat=True)
    )
    yield
    with transaction.atomic():
        for structure in Structure.objects.filter(pk__in=structures).select_related(
            "territory", "typology", "organisation", "commune"
        ):
            _refresh(structure)
            touched.add(structure.territory_id)  # also the territory a structure moved to
        for territory in Territory.objects.filter(pk__in=touched).order_by("pk"):
            if territory.pk in reindexed:
                structure_reindex_territory(territory=territory)
            territory_touch(territory=territory)
