"""API endpoints of the directory: search the structures of a territory, read one structure.

Query parameters are read as text and checked here, so that an unknown or malformed parameter
gets a 400 with a French message (never a 500). Without a token these reads show published data;
with the token of a user who may see drafts (coordinator, observer: ``can_view_drafts``) they
show unpublished structures and services too, in a response that no cache may keep or share
(``Cache-Control: private, no-store``; ``Vary: Authorization``). A bad token is a 401.

Results come from :func:`maillage.directory.selectors.structure_search`, ordered by name (or
distance) then id, so that pages never skip nor repeat a structure.
"""

from __future__ import annotations

import math
from datetime import date

from django.db.models import Q
from django.http import HttpResponse
from ninja import Path, Router, Schema
from ninja.errors import HttpError

from maillage.accounts.api_auth import OPTIONAL_SECURITY, optional_token_auth
from maillage.accounts.permissions import can_view_drafts
from maillage.directory.models import Structure, Typology
from maillage.directory.selectors import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    StructureNotFound,
    structure_geojson,
    structure_get,
    structure_search,
)
from maillage.directory.vocabulary import PUBLICS, THEMATIQUE_CATEGORIES, THEMATIQUES
from maillage.territory.models import Territory
from maillage.territory.selectors import TerritoryNotFound, territory_get
from maillage.web import params

from .concurrency import set_etag
from .errors import ErrorOut
from .inputs import IdText

PREFIX = "/structures"
router = Router(tags=["structures"])

SEARCH_PARAMS = frozenset(
    {
        "territory",
        "q",
        "thematique",
        "public",
        "age",
        "commune",
        "bbox",
        "near",
        "radius_m",
        "typology",
        "quartier",
        "limit",
        "offset",
    }
)


class ServiceOut(Schema):
    id: int
    name: str
    description: str
    type: str
    thematiques: list[str]
    publics: list[str]
    frais: str
    modes_accueil: list[str]
    age_min: float | None
    age_max: float | None
    capacity: int | None
    places_open_to_public: int | None
    childcare_modes: list[str]
    insertion_places: int | None
    opening_hours: str
    source: str
    source_id: str
    source_label: str
    note: str
    conditions_acces: str
    publics_precisions: str
    frais_precisions: str
    modes_mobilisation: list[str]
    mobilisable_par: list[str]
    mobilisation_precisions: str


class StructureOut(Schema):
    id: int
    slug: str
    name: str
    typology_code: str
    typology_label: str
    theme: str
    organisation: str
    sector: str
    address: str
    postcode: str
    commune_code: str
    commune_name: str
    lon: float | None
    lat: float | None
    x_l93: float | None
    y_l93: float | None
    position_precision: str
    position_source: str
    located: bool
    opening_hours: str
    phone: str
    email: str
    website: str
    acceslibre_url: str
    uai: str
    siret: str
    finess: str
    source: str
    source_id: str
    source_label: str
    source_url: str
    data_updated_on: date | None
    grouped_count: int | None
    note: str
    published: bool
    zones: list[str]


class HitOut(Schema):
    structure: StructureOut
    services: list[ServiceOut]
    distance_m: float | None


class PageOut(Schema):
    total: int
    limit: int
    offset: int
    unlocated_excluded: int
    warnings: list[str]
    results: list[HitOut]


STRUCTURE_ID = Path(
    ...,
    description="Identifiant numérique de la structure.",
)
DRAFTS_NOTE = (
    " Avec un jeton d'API (`Authorization: Bearer mlg_…`) d'un compte coordinateur ou "
    "observateur du territoire, les structures et services non publiés sont inclus ; un jeton "
    "invalide ou révoqué est refusé (401)."
)


def published_only(request, territory: Territory, response: HttpResponse) -> bool:
    """Whether the caller sees published data only; drafts are never cacheable."""
    response["Vary"] = "Authorization"
    if can_view_drafts(request.auth, territory):
        response["Cache-Control"] = "private, no-store"
        return False
    if getattr(request.auth, "is_authenticated", False):
        response["Cache-Control"] = "private"
    return True


def _territory(slug: str | None) -> Territory:
    if slug:
        try:
            return territory_get(slug=slug)
        except TerritoryNotFound as exc:
            raise HttpError(404, str(exc)) from exc
    territories = list(Territory.objects.order_by("slug")[:2])
    if len(territories) != 1:
        raise HttpError(400, "Précisez le territoire : paramètre « territory » (ex. armentieres).")
    return territories[0]


def _number(name: str, value: str, *, minimum: float | None = None) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or (minimum is not None and number < minimum):
        bound = f" supérieur ou égal à {minimum:g}" if minimum is not None else ""
        raise HttpError(400, f"Paramètre « {name} » : nombre{bound} attendu, reçu « {value} ».")
    return number


def _integer(name: str, value: str | None, *, default: int, maximum: int | None = None) -> int:
    if value is None or value == "":
        return default
    number = params.parse_int(value) if len(value) <= 18 else None
    if number is None or not value.isdigit():  # no sign nor blanks either
        raise HttpError(
            400, f"Paramètre « {name} » : entier positif ou nul attendu, reçu « {value} »."
        )
    if maximum is not None and number > maximum:
        raise HttpError(400, f"Paramètre « {name} » : au plus {maximum}, reçu {number}.")
    return number


def _numbers(name: str, value: str, count: int, example: str) -> list[float]:
    parts = value.split(",")
    if len(parts) != count:
        raise HttpError(
            400,
            f"Paramètre « {name} » : {count} nombres séparés par des virgules attendus "
            f"(ex. {example}), reçu « {value} ».",
        )
    return [_number(name, p.strip()) for p in parts]


@router.get(
    "",
    response={200: PageOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    auth=optional_token_auth,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Rechercher des structures",
    description=(
        "Recherche dans l'annuaire d'un territoire. Paramètres (tous facultatifs) : "
        "`territory` (identifiant, ex. armentieres ; facultatif s'il n'y a qu'un territoire), "
        "`q` (mots, sans tenir compte des accents ni des majuscules), `thematique` (slug "
        "data·inclusion v1 ou catégorie, ex. famille--garde-denfants), `public` (slug "
        "data·inclusion v1, ex. familles), `age` (âge en années, ex. 1 ou 2.5), `commune` (code "
        "INSEE ou nom), `typology` (code de typologie CTG ou famille, ex. eaje-micro-creche ou "
        "EAJE), `quartier` (code IRIS ou QPV), `bbox` (lon_min,lat_min,lon_max,lat_max en "
        "WGS84), `near` (lon,lat en WGS84 : tri par distance en mètres, calculée en "
        "Lambert-93), `radius_m` (avec near, rayon en mètres), `limit` (1 à 500, défaut 50), "
        "`offset`. Les structures « à localiser » sont exclues des recherches par position et "
        "comptées dans `unlocated_excluded`." + DRAFTS_NOTE
    ),
)
def structures_search(
    request,
    response: HttpResponse,
    territory: str | None = None,
    q: str | None = None,
    thematique: str | None = None,
    public: str | None = None,
    age: str | None = None,
    commune: str | None = None,
    bbox: str | None = None,
    near: str | None = None,
    radius_m: str | None = None,
    typology: str | None = None,
    quartier: str | None = None,
    limit: str | None = None,
    offset: str | None = None,
):
    filters = _search_filters(request)
    return structure_search(
        **filters, published_only=published_only(request, filters["territory"], response)
    )


def _check_vocabulary(get) -> None:
    """Refuse a thématique, public or typology that does not exist (instead of no result)."""
    thematique, public, typology = get.get("thematique"), get.get("public"), get.get("typology")
    if thematique and thematique not in THEMATIQUES and thematique not in THEMATIQUE_CATEGORIES:
        raise HttpError(
            400,
            f"Paramètre « thematique » : « {thematique} » n'est pas une thématique "
            "data·inclusion v1 (ex. famille--garde-denfants, ou la catégorie famille).",
        )
    if public and public not in PUBLICS:
        raise HttpError(
            400,
            f"Paramètre « public » : « {public} » inconnu "
            f"(attendu : {', '.join(sorted(PUBLICS))}).",
        )
    if (
        typology
        and not Typology.objects.filter(Q(code=typology) | Q(family__iexact=typology)).exists()
    ):
        raise HttpError(
            400, f"Paramètre « typology » : « {typology} » n'est ni un code ni une famille connue."
        )


def _search_filters(request) -> dict:
    """Check the query string and turn it into keyword arguments of ``structure_search``."""
    get = request.GET
    unknown = sorted(set(get) - SEARCH_PARAMS)
    if unknown:
        raise HttpError(
            400,
            f"Paramètre(s) inconnu(s) : {', '.join(unknown)}. "
            f"Paramètres acceptés : {', '.join(sorted(SEARCH_PARAMS))}.",
        )
    age, bbox, near = get.get("age", ""), get.get("bbox", ""), get.get("near", "")
    radius_m = get.get("radius_m", "")
    bbox_value = None
    if bbox:
        lo_lon, lo_lat, hi_lon, hi_lat = _numbers("bbox", bbox, 4, "2.85,50.67,2.91,50.70")
        if lo_lon > hi_lon or lo_lat > hi_lat:
            raise HttpError(400, "Paramètre « bbox » : attendu lon_min,lat_min,lon_max,lat_max.")
        bbox_value = (lo_lon, lo_lat, hi_lon, hi_lat)
    near_value = None
    if near:
        lon, lat = _numbers("near", near, 2, "2.8770,50.6880")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise HttpError(400, "Paramètre « near » : longitude,latitude en degrés attendues.")
        near_value = (lon, lat)
    radius = _number("radius_m", radius_m, minimum=0) if radius_m else None
    if radius is not None and near_value is None:
        raise HttpError(400, "Paramètre « radius_m » : il faut aussi « near » (lon,lat).")
    size = _integer("limit", get.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    if size == 0:
        raise HttpError(400, f"Paramètre « limit » : entre 1 et {MAX_LIMIT}.")
    for key, value in get.items():
        if any(ord(c) < 32 for c in value) or len(value) > 500:
            raise HttpError(
                400,
                f"Paramètre « {key} » : valeur invalide (caractères de contrôle "
                "ou plus de 500 caractères).",
            )
    _check_vocabulary(get)
    return {
        "territory": _territory(get.get("territory")),
        "q": get.get("q") or None,
        "thematique": get.get("thematique") or None,
        "public": get.get("public") or None,
        "age": _number("age", age, minimum=0) if age else None,
        "commune": get.get("commune") or None,
        "bbox": bbox_value,
        "near": near_value,
        "radius_m": radius,
        "typology": get.get("typology") or None,
        "quartier": get.get("quartier") or None,
        "limit": size,
        "offset": _integer("offset", get.get("offset"), default=0),
    }


@router.get(
    "/geojson",
    response={200: dict, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    auth=optional_token_auth,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Structures localisées (GeoJSON)",
    description=(
        "FeatureCollection (points WGS84) des structures localisées correspondant aux mêmes "
        "paramètres que la recherche (sans limit ni offset) ; `unlocated` compte les structures "
        "« à localiser » correspondantes, absentes de la carte." + DRAFTS_NOTE
    ),
)
def structures_geojson(
    request,
    response: HttpResponse,
    territory: str | None = None,
    q: str | None = None,
    thematique: str | None = None,
    public: str | None = None,
    age: str | None = None,
    commune: str | None = None,
    bbox: str | None = None,
    near: str | None = None,
    radius_m: str | None = None,
    typology: str | None = None,
    quartier: str | None = None,
):
    filters = _search_filters(request)
    filters.pop("limit")
    filters.pop("offset")
    return structure_geojson(
        **filters, published_only=published_only(request, filters["territory"], response)
    )


@router.get(
    "/{structure_id}",
    response={200: HitOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    auth=optional_token_auth,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Une structure et ses services",
    description="La fiche d'une structure et de ses services publiés (en-tête `ETag` : sa "
    "version, à renvoyer dans `If-Match` pour la modifier)." + DRAFTS_NOTE,
)
def structures_detail(
    request,
    response: HttpResponse,
    structure_id: IdText = STRUCTURE_ID,
    territory: str | None = None,
):
    pk = parse_id(structure_id, "structure")
    place = _territory(territory)
    try:
        found = structure_get(
            territory=place, id=pk, published_only=published_only(request, place, response)
        )
    except StructureNotFound as exc:
        raise HttpError(404, str(exc)) from exc
    set_etag(response, Structure(pk=pk))  # the version to send back in If-Match
    return found


def parse_id(value: str, what: str) -> int:
    """A numeric identifier of the path (400 in French otherwise)."""
    number = params.parse_id(value) if value.isdigit() and len(value) <= 18 else None
    if number is None:
        raise HttpError(400, f"Identifiant de {what} invalide : « {value} ».")
    return number
