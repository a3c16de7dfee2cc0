"""Reads of the accounts app: members of a territory, pending changes, history."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from maillage.accounts.actor import RequestUser
from maillage.territory.models import Territory

from . import permissions
from .models import ChangeRecord, Membership, PendingChange


def memberships(*, territory: Territory) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(territory=territory)
        .select_related("user", "organisation")
        .order_by("role", "user__email")
    )


def pending_changes(*, territory: Territory, user: RequestUser) -> QuerySet[PendingChange]:
    """Proposals waiting: all of them for the coordinator, one's own for a partner."""
    qs = PendingChange.objects.filter(
        territory=territory, status=PendingChange.Status.PENDING
    ).select_related("proposed_by", "content_type")
    if permissions.can_view_drafts(user, territory):
        return qs
    return qs.filter(proposed_by=user) if user.is_authenticated else qs.none()


def pending_change_get(*, territory: Territory, user: RequestUser, pk: int) -> PendingChange | None:
    """A proposal of the territory the user may see (coordinator, observer or its author)."""
    qs = PendingChange.objects.filter(territory=territory, pk=pk)
    if not permissions.can_view_drafts(user, territory):
        qs = qs.filter(proposed_by=user) if user.is_authenticated else qs.none()
    return qs.select_related("proposed_by", "content_type").first()


def recent_changes(*, territory: Territory, limit: int = 30) -> list[ChangeRecord]:
    return list(
        ChangeRecord.objects.filter(territory=territory).select_related("user", "content_type")[
            :limit
        ]
    )


def content_type_get(*, label: str) -> ContentType | None:
    """``"directory.structure"`` → its ContentType (``None`` for an unknown label)."""
    app_label, _, model = (label or "").partition(".")
    if not app_label or not model:
        return None
    return ContentType.objects.filter(app_label=app_label, model=model).first()


# --------------------------------------------------------------------------- API tokens


def api_tokens(*, user: Any) -> QuerySet[Any]:
    """The user's own API tokens, newest first (revoked ones included, marked by their date)."""
    from .models import ApiToken

    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_of(*, user: Any, pk: int) -> Any:
    """One of the user's own active tokens, or ``None`` (another user's token is not found)."""
    return api_tokens(user=user).filter(pk=pk, revoked_at__isnull=True).first()


def api_tokens_matching(*, user: Any, ref: str) -> list[Any]:
    """The user's active tokens designated by ``ref``: their name (case folded), their start as
    listed (``mlg_…``, 8 characters), or the whole secret."""
    from django.db.models import Q

    from .models import ApiToken
    from .services import hash_token

    ref = (ref or "").strip()
    if not ref:
        return []
    q = Q(name__iexact=ref) | Q(token_hash=hash_token(ref))
    if len(ref) == 8:
        q |= Q(prefix=ref)
    return list(
        ApiToken.objects.filter(q, user=user, revoked_at__isnull=True).order_by("created_at", "pk")
    )
