"""API endpoints of the proposals waiting for validation (a partner's edit of published data).

``GET /api/v1/territories/{slug}/pending`` lists them (all of them for the coordinator and the
observers, one's own for a partner: :func:`maillage.accounts.selectors.pending_changes`); the
coordinator validates (applied, recorded in the history) or rejects one with
:func:`maillage.accounts.services.validate_change` / :func:`~.reject_change`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Path, Router, Schema
from pydantic import ConfigDict

from maillage.accounts import selectors as acc_selectors
from maillage.accounts import services as acc_services
from maillage.accounts.api_auth import token_auth
from maillage.accounts.models import PendingChange
from maillage.accounts.permissions import is_coordinator, is_member
from maillage.territory.models import Territory
from maillage.territory.selectors import TerritoryNotFound, territory_get
from maillage.web.params import parse_id

from .errors import ERRORS
from .inputs import IdText, text

PREFIX = "/territories"
router = Router(tags=["modifications à valider"])

CHANGE_ID = Path(
    ...,
    description="Identifiant numérique de la proposition.",
)


class PendingOut(Schema):
    id: int
    territory: str
    object_type: str = Field(description="« directory.structure » ou « directory.service »")
    object_id: str
    object_repr: str
    fields: list[str] = Field(description="Champs modifiés par la proposition.")
    before: dict[str, Any] = Field(description="Valeurs publiées au moment de la proposition.")
    changes: dict[str, Any] = Field(description="Valeurs proposées.")
    status: str = Field(description="pending, validated ou rejected.")
    status_label: str
    proposed_by: str
    created_at: dt.datetime
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    comment: str


if TYPE_CHECKING:
    Comment = str
else:
    Comment = text(2000, description="Commentaire pour l'auteur de la proposition.")


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    comment: Comment = ""


def pending_out(change: PendingChange) -> dict[str, Any]:
    return {
        "id": change.pk,
        "territory": change.territory.slug,
        "object_type": f"{change.content_type.app_label}.{change.content_type.model}",
        "object_id": change.object_id,
        "object_repr": change.object_repr,
        "fields": sorted(change.changes),
        "before": change.before,
        "changes": change.changes,
        "status": change.status,
        "status_label": str(change.get_status_display()),
        "proposed_by": change.proposed_by.get_username() if change.proposed_by else "",
        "created_at": change.created_at,
        "reviewed_by": change.reviewed_by.get_username() if change.reviewed_by else None,
        "reviewed_at": change.reviewed_at,
        "comment": change.comment,
    }


def _territory(slug: str) -> Territory:
    try:
        return territory_get(slug=slug)
    except TerritoryNotFound as exc:
        raise Http404(str(exc)) from exc


def _change(request: Any, slug: str, change_id: str) -> PendingChange:
    """The proposal to review: coordinator only (403), of this territory (404)."""
    territory = _territory(slug)
    if not is_coordinator(request.auth, territory):
        raise PermissionDenied("Validation réservée au chargé de coopération du territoire.")
    change = None
    if (pk := parse_id(change_id)) is not None and change_id.isdigit():
        change = acc_selectors.pending_change_get(territory=territory, user=request.auth, pk=pk)
    if change is None:
        raise Http404(f"Proposition « {change_id} » introuvable sur ce territoire.")
    return change


@router.get(
    "/{slug}/pending",
    response={200: list[PendingOut], **ERRORS},
    auth=token_auth,
    summary="Modifications en attente de validation",
    description=(
        "Les propositions de modification des partenaires sur des fiches publiées, en attente. "
        "Le chargé de coopération et les observateurs les voient toutes, un partenaire les "
        "siennes ; réservé aux membres du territoire (403 sinon)."
    ),
)
def pending_list(request, slug: str):
    territory = _territory(slug)
    if not is_member(request.auth, territory):
        raise PermissionDenied("Réservé aux membres du territoire.")
    changes = acc_selectors.pending_changes(territory=territory, user=request.auth)
    return [pending_out(c) for c in changes.select_related("territory", "reviewed_by")]


@router.post(
    "/{slug}/pending/{change_id}/validate",
    response={200: PendingOut, **ERRORS},
    auth=token_auth,
    summary="Valider une modification proposée",
    description=(
        "Le chargé de coopération accepte la proposition : elle est appliquée et inscrite dans "
        "l'historique (auteur et validateur). Refusée (422) si la proposition a déjà été "
        "examinée ou si la fiche a changé entre-temps sur les mêmes champs."
    ),
)
def pending_validate(
    request, slug: str, payload: ReviewIn | None = None, change_id: IdText = CHANGE_ID
):
    change = _change(request, slug, change_id)
    comment = payload.comment if payload else ""
    acc_services.validate_change(change=change, user=request.auth, comment=comment)
    change.refresh_from_db()
    return pending_out(change)


@router.post(
    "/{slug}/pending/{change_id}/reject",
    response={200: PendingOut, **ERRORS},
    auth=token_auth,
    summary="Refuser une modification proposée",
    description=(
        "Le chargé de coopération refuse la proposition : la fiche publiée reste inchangée. "
        "Refusée (422) si la proposition a déjà été examinée."
    ),
)
def pending_reject(
    request, slug: str, payload: ReviewIn | None = None, change_id: IdText = CHANGE_ID
):
    change = _change(request, slug, change_id)
    comment = payload.comment if payload else ""
    acc_services.reject_change(change=change, user=request.auth, comment=comment)
    change.refresh_from_db()
    return pending_out(change)
