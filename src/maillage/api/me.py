"""``GET /api/v1/me``: the token's account and its role on each territory (for scripts)."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from maillage.accounts import permissions
from maillage.accounts.api_auth import token_auth
from maillage.accounts.models import Role
from maillage.directory.models import Organisation
from maillage.territory.models import Territory

from .errors import ErrorOut

PREFIX = "/me"
router = Router(tags=["compte"])


class TerritoryRoleOut(Schema):
    territory: str
    name: str
    role: str
    role_label: str
    organisation: str | None
    can_view_drafts: bool
    is_coordinator: bool


class MeOut(Schema):
    username: str
    email: str
    first_name: str
    last_name: str
    territories: list[TerritoryRoleOut]


@router.get(
    "",
    response={200: MeOut, 401: ErrorOut},
    auth=token_auth,
    summary="Mon compte et mes rôles",
    description=(
        "Le compte du jeton (`Authorization: Bearer mlg_…`) et son rôle sur chaque territoire : "
        "coordinator (chargé de coopération), partner (rédacteur d'une organisation) ou "
        "observer. Les territoires sans rôle ne sont pas listés."
    ),
)
def me(request):
    user = request.auth
    labels = dict(Role.choices)
    rows: list[dict[str, Any]] = []
    for territory in Territory.objects.order_by("slug"):
        role = permissions.role_of(user, territory)
        if role is None:
            continue
        org_id = permissions.organisation_id_of(user, territory)
        org = Organisation.objects.filter(pk=org_id).first() if org_id else None
        rows.append(
            {
                "territory": territory.slug,
                "name": territory.name,
                "role": role,
                "role_label": str(labels.get(role, role)),
                "organisation": org.slug if org else None,
                "can_view_drafts": permissions.can_view_drafts(user, territory),
                "is_coordinator": permissions.is_coordinator(user, territory),
            }
        )
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "territories": rows,
    }
