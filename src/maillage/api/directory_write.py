"""API writes of the directory: create and change structures and services (token required).

Thin endpoints: parse the body (:mod:`.inputs`), call one service, render the same result
objects as the reads. The rules live in the services and :mod:`maillage.accounts.permissions`:

- creating: :func:`maillage.directory.services.structure_create` / ``service_create`` — the
  coordinator of the territory, or a partner for their own organisation, whose new structure or
  service is a draft (unpublished) until the coordinator publishes it;
- changing: :func:`maillage.accounts.services.edit_or_propose` — applied at once (200) for the
  coordinator and for a partner's drafts; a partner's edit of published data waits for the
  coordinator's validation (202, a pending change).

The create and change operations of structures share the read router's paths
(``/api/v1/structures``); ``router`` here serves ``/api/v1/services``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from ninja import Field, Path, Router, Status
from pydantic import BaseModel as PydanticModel

from maillage.accounts.api_auth import token_auth
from maillage.accounts.permissions import is_member
from maillage.accounts.services import edit_or_propose
from maillage.directory.models import Service, Structure
from maillage.directory.selectors import service_summary, structure_get
from maillage.directory.services import (
    EDITABLE_SERVICE_FIELDS,
    EDITABLE_STRUCTURE_FIELDS,
    resolve_references,
    service_create,
    structure_create,
)
from maillage.territory.models import Territory

from . import directory as reads
from .concurrency import IF_MATCH_NOTE, STALE, if_match, set_etag
from .directory import STRUCTURE_ID, HitOut, ServiceOut, parse_id
from .errors import ERRORS
from .inputs import IdText, Slug, check_model_validators, given, model_input
from .pending import PendingOut, pending_out

PREFIX = "/services"
router = Router(tags=["services (écriture)"])
TAGS = ["structures (écriture)"]

SERVICE_ID = Path(
    ...,
    description="Identifiant numérique du service.",
)

if TYPE_CHECKING:  # request bodies built at run time from the models' fields
    StructureCreateIn = PydanticModel
    StructurePatchIn = PydanticModel
    ServiceCreateIn = PydanticModel
    ServicePatchIn = PydanticModel
else:
    StructureCreateIn = model_input(
        "StructureCreateIn",
        Structure,
        EDITABLE_STRUCTURE_FIELDS,
        required=frozenset({"name"}),
        extra_fields={
            "territory": (
                Slug | None,
                Field(
                    None,
                    description="Identifiant du territoire (ex. armentieres) ; facultatif s'il "
                    "n'y a qu'un territoire.",
                ),
            ),
        },
        doc="Une nouvelle structure : son territoire, son nom et les champs connus.",
    )
    StructurePatchIn = model_input(
        "StructurePatchIn",
        Structure,
        EDITABLE_STRUCTURE_FIELDS,
        doc="Les champs à modifier (les autres restent inchangés).",
    )
    ServiceCreateIn = model_input(
        "ServiceCreateIn",
        Service,
        EDITABLE_SERVICE_FIELDS,
        required=frozenset({"name"}),
        doc="Un nouveau service de la structure : son nom et les champs connus.",
    )
    ServicePatchIn = model_input(
        "ServicePatchIn",
        Service,
        EDITABLE_SERVICE_FIELDS,
        doc="Les champs à modifier (les autres restent inchangés).",
    )


class ServiceWriteOut(ServiceOut):
    structure_id: int
    published: bool


RULES = (
    " Rôles : le chargé de coopération du territoire ; un partenaire pour les fiches de sa "
    "propre organisation. Jeton obligatoire (`Authorization: Bearer mlg_…`)."
)


def _structure(structure_id: str, user: Any) -> Structure:
    """The structure, or 404 — also when ``user`` has no role on its territory, so that a
    token never learns whether another territory's draft exists."""
    structure = (
        Structure.objects.filter(pk=parse_id(structure_id, "structure"))
        .select_related("territory")
        .first()
    )
    if structure is None or not is_member(user, structure.territory):
        raise Http404(f"Structure « {structure_id} » introuvable.")
    return structure


def _service(service_id: str, user: Any) -> Service:
    service = (
        Service.objects.filter(pk=parse_id(service_id, "service"))
        .select_related("structure__territory")
        .first()
    )
    if service is None or not is_member(user, service.structure.territory):
        raise Http404(f"Service « {service_id} » introuvable.")
    return service


def _changes(body: PydanticModel, model: type) -> dict[str, Any]:
    """The fields sent, checked with the model's validators, references resolved."""
    values = given(body)
    if not values:
        raise ValidationError({"body": ["aucun champ à modifier."]})
    check_model_validators(model, values)
    return resolve_references(fields=values) if model is Structure else values


def structure_out(structure: Structure) -> Any:
    """The structure as the reads show it, drafts included (its editor sees them)."""
    return structure_get(territory=structure.territory, id=structure.pk, published_only=False)


def service_out(service: Service) -> dict[str, Any]:
    return {
        **asdict(service_summary(service)),
        "structure_id": service.structure_id,
        "published": service.published,
    }


def _territory_field(slug: str | None) -> Territory:
    """The territory named in the body, or the only one (as the reads do)."""
    if slug:
        found = Territory.objects.filter(slug=slug).first()
        message = f"territoire « {slug} » introuvable."
    else:
        territories = list(Territory.objects.order_by("slug")[:2])
        found = territories[0] if len(territories) == 1 else None
        message = "précisez le territoire (ex. armentieres)."
    if found is None:
        raise ValidationError({"territory": [message]})
    return found


@reads.router.post(
    "",
    response={201: HitOut, **ERRORS},
    auth=token_auth,
    tags=TAGS,
    summary="Créer une structure",
    description=(
        "Crée une structure dans l'annuaire d'un territoire (`name` obligatoire, `territory` "
        "aussi s'il y a plusieurs territoires ; "
        "`typology` en code CTG, `organisation` en identifiant, `commune` en code INSEE). "
        "Une structure créée par un partenaire (pour sa propre organisation seulement, "
        "`organisation` obligatoire) est un brouillon non publié : le chargé de coopération la "
        "publie (`published: true`)." + RULES
    ),
)
def structure_create_endpoint(request, payload: StructureCreateIn):
    values = given(payload)
    territory = _territory_field(values.pop("territory", None))
    check_model_validators(Structure, values)
    structure = structure_create(territory=territory, user=request.auth, **values)
    return Status(201, structure_out(structure))


@reads.router.patch(
    "/{structure_id}",
    response={200: HitOut, 202: PendingOut, **ERRORS, **STALE},
    auth=token_auth,
    tags=TAGS,
    summary="Modifier une structure",
    description=(
        "Modifie les champs envoyés. 200 : modification appliquée (chargé de coopération, ou "
        "brouillon d'un partenaire), la structure est renvoyée. 202 : modification d'une fiche "
        "publiée par un partenaire, en attente de validation par le chargé de coopération ; la "
        "proposition est renvoyée (voir `/api/v1/territories/{slug}/pending`). Publier ou "
        "retirer une fiche, ou la rattacher à une autre organisation, revient au chargé de "
        "coopération." + RULES + IF_MATCH_NOTE
    ),
)
def structure_patch(
    request,
    response: HttpResponse,
    payload: StructurePatchIn,
    structure_id: IdText = STRUCTURE_ID,
):
    structure = _structure(structure_id, request.auth)
    fields = _changes(payload, Structure)
    applied, pending = edit_or_propose(
        obj=structure, user=request.auth, fields=fields, version=if_match(request)
    )
    set_etag(response, structure)
    if pending is not None:
        return Status(202, pending_out(pending))
    assert isinstance(applied, Structure)  # no proposal: the structure as written
    return Status(200, structure_out(applied))


@reads.router.post(
    "/{structure_id}/services",
    response={201: ServiceWriteOut, **ERRORS},
    auth=token_auth,
    tags=TAGS,
    summary="Ajouter un service à une structure",
    description=(
        "Crée un service de la structure (`name` obligatoire ; thématiques et publics en "
        "slugs data·inclusion v1). Un service créé par un partenaire est un brouillon non "
        "publié : le chargé de coopération le publie." + RULES
    ),
)
def service_create_endpoint(request, payload: ServiceCreateIn, structure_id: IdText = STRUCTURE_ID):
    structure = _structure(structure_id, request.auth)
    values = given(payload)
    check_model_validators(Service, values)
    service = service_create(structure=structure, user=request.auth, **values)
    return Status(201, service_out(service))


@router.get(
    "/{service_id}",
    response={200: ServiceWriteOut, **ERRORS},
    auth=token_auth,
    summary="Un service (avant de le modifier)",
    description=(
        "Le service tel que son éditeur le voit (brouillon compris), avec l'en-tête `ETag` : "
        "sa version, à renvoyer dans `If-Match` pour le modifier. Réservé aux membres du "
        "territoire (jeton obligatoire)."
    ),
)
def service_detail(request, response: HttpResponse, service_id: IdText = SERVICE_ID):
    service = _service(service_id, request.auth)
    set_etag(response, service)
    return Status(200, service_out(service))


@router.patch(
    "/{service_id}",
    response={200: ServiceWriteOut, 202: PendingOut, **ERRORS, **STALE},
    auth=token_auth,
    summary="Modifier un service",
    description=(
        "Modifie les champs envoyés, avec les mêmes règles que pour une structure : 200 si la "
        "modification est appliquée, 202 si elle attend la validation du chargé de "
        "coopération (service publié, ou service d'une structure publiée, modifié par un "
        "partenaire)." + RULES + IF_MATCH_NOTE
    ),
)
def service_patch(
    request, response: HttpResponse, payload: ServicePatchIn, service_id: IdText = SERVICE_ID
):
    service = _service(service_id, request.auth)
    fields = _changes(payload, Service)
    applied, pending = edit_or_propose(
        obj=service, user=request.auth, fields=fields, version=if_match(request)
    )
    set_etag(response, service)
    if pending is not None:
        return Status(202, pending_out(pending))
    assert isinstance(applied, Service)  # no proposal: the service as written
    return Status(200, service_out(applied))
