"""Writes of the accounts app: users and roles, invitations, API tokens, partner edits waiting
for validation (propose → validate or reject).

Every function validates before writing and raises ``ValidationError`` (French message on the
field) or ``PermissionDenied``; nothing is written on failure.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone

from maillage.territory.models import Territory

from . import permissions
from .actor import Actor, RequestUser, author
from .display import diff_rows
from .editable import editable_for
from .history import diff, record_change, recording, snapshot, snapshot_values
from .models import ApiToken, ChangeRecord, Invitation, Membership, PendingChange, Role
from .versioning import check_version

INVITATION_DAYS = 14
TOKEN_PREFIX = "mlg_"
# A token's last use is kept to the minute: at most one write per token and minute, not one
# per API request.
TOKEN_LAST_USE_RESOLUTION = timedelta(seconds=60)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- users and roles


def _check_manager(by: Actor, territory: Territory) -> None:
    if by is not None and not permissions.can_manage_users(by, territory):
        raise PermissionDenied("Gestion des comptes réservée au chargé de coopération.")


@transaction.atomic
def membership_set(
    *,
    user: Any,
    territory: Territory,
    role: str,
    organisation: models.Model | None = None,
    by: Actor = None,
) -> Membership:
    """Give ``user`` a role on ``territory`` (a partner needs an organisation: a
    :class:`maillage.directory.models.Organisation`)."""
    _check_manager(by, territory)
    if role not in Role.values:
        raise ValidationError(
            {"role": f"rôle « {role} » inconnu (coordinator, partner, observer)."}
        )
    if role == Role.PARTNER and organisation is None:
        raise ValidationError(
            {"organisation": "Un partenaire doit être rattaché à une organisation."}
        )
    existing = Membership.objects.filter(user=user, territory=territory).first()
    before = snapshot(existing) if existing else None
    membership, _ = Membership.objects.update_or_create(
        user=user,
        territory=territory,
        # by id: accounts imports no directory model (the organisation arrives as a Model)
        defaults={
            "role": role,
            "organisation_id": (
                organisation.pk if organisation is not None and role == Role.PARTNER else None
            ),
        },
    )
    permissions.forget_memberships(user)
    record_change(
        obj=membership,
        user=by,
        before=before,
        after=snapshot(membership),
        action="update" if before else "create",
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: RequestUser) -> None:
    """Withdraw a role; the account is deactivated when it has no role left anywhere."""
    _check_manager(by, membership.territory)
    if membership.user_id == by.pk:
        raise ValidationError("Vous ne pouvez pas retirer votre propre rôle.")
    user = membership.user
    record_change(obj=membership, user=by, before=snapshot(membership), after=None, action="delete")
    membership.delete()
    if not user.memberships.exists() and not user.is_superuser:
        user.is_active = False
        user.save(update_fields=["is_active"])
    permissions.forget_memberships(user)


@transaction.atomic
def user_invite(
    *,
    email: str,
    territory: Territory,
    role: str,
    organisation: models.Model | None = None,
    first_name: str = "",
    last_name: str = "",
    by: Actor = None,
) -> tuple[Any, str]:
    """Create (or find) the account of ``email``, give it the role, return ``(user, token)``.

    The token is the secret of the invitation link (``/invitation/<token>/``); only its hash is
    stored. The user sets a password through that link; until then the account has none.
    """
    _check_manager(by, territory)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": f"Adresse électronique invalide : « {email} »."}) from exc
    User = get_user_model()
    user = (
        User.objects.filter(email__iexact=email).first()
        or User.objects.filter(username__iexact=email).first()
    )
    if user is None:
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save()
    membership_set(user=user, territory=territory, role=role, organisation=organisation)
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        user=user,
        token_hash=hash_token(token),
        created_by=author(by),
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    return user, token


def invitation_send(*, user: Any, link: str, territory: Territory) -> None:
    """E-mail the invitation link (Django's mail API; console backend by default)."""
    send_mail(
        subject=f"Maillage — invitation à l'espace partenaires de {territory.name}",
        message=(
            f"Bonjour,\n\nVous êtes invité(e) à l'espace partenaires de la CTG {territory.name}.\n"
            f"Choisissez votre mot de passe avec ce lien (valable {INVITATION_DAYS} jours, "
            f"une seule fois) :\n{link}\n\nMaillage"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def invitation_get(*, token: str) -> Invitation | None:
    """The valid (not accepted, not expired) invitation of ``token``, or ``None``."""
    return (
        Invitation.objects.filter(
            token_hash=hash_token(token or ""),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("user")
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> Any:
    """Set the password of the invited user (Django's password validators apply)."""
    invitation = invitation_get(token=token)
    if invitation is None:
        raise ValidationError({"token": "Lien d'invitation invalide, déjà utilisé ou expiré."})
    user = invitation.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.is_active = True
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


# --------------------------------------------------------------------------- API tokens


def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token; return it with its secret (shown once, only the hash is kept)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Donnez un nom au jeton (ex. « import nocturne »)."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:8], token_hash=hash_token(secret)
    )
    return token, secret


def api_token_authenticate(*, secret: str) -> Any:
    """The active user of a valid, non-revoked token, or ``None``.

    The token's ``last_used_at`` is updated when it is empty or older than
    :data:`TOKEN_LAST_USE_RESOLUTION` (one write a minute at most, not one per request).
    """
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.filter(token_hash=hash_token(secret), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    stale = now - TOKEN_LAST_USE_RESOLUTION
    if token.last_used_at is None or token.last_used_at <= stale:
        # Conditional, so that concurrent requests of the same minute write once.
        ApiToken.objects.filter(
            models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lte=stale), pk=token.pk
        ).update(last_used_at=now)
    return token.user


def api_token_revoke(*, token: ApiToken, by: RequestUser) -> None:
    if by.pk != token.user_id and not by.is_superuser:
        raise PermissionDenied("Vous ne pouvez révoquer que vos propres jetons.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


# --------------------------------------------------------------------------- edits and validation


def _apply(obj: models.Model, fields: dict[str, Any], user: Actor) -> models.Model:
    """Apply ``fields`` through the owning app's service (validation, derived data, history):
    :mod:`maillage.accounts.editable`."""
    return editable_for(obj).apply(obj=obj, fields=dict(fields), user=user)


def _check(obj: models.Model, fields: dict[str, Any], user: Actor) -> None:
    """Refuse ``fields`` as the owning app's service would with ``user``'s rights (the same
    field permissions as a direct edit: provenance, publication, organisation); writes
    nothing (:mod:`maillage.accounts.editable`)."""
    editable_for(obj).validate(obj=obj, fields=dict(fields), user=user)


def _resolved(fields: dict[str, Any]) -> dict[str, Any]:
    """Field values as stored in a snapshot (related objects as their ids, JSON-safe)."""
    out = {k: v.pk if isinstance(v, models.Model) else v for k, v in fields.items()}
    resolved: dict[str, Any] = json.loads(json.dumps(out, cls=DjangoJSONEncoder))
    return resolved


@transaction.atomic
def propose_change(
    *, obj: models.Model, user: Actor, fields: dict[str, Any], version: str | None = None
) -> PendingChange:
    """Keep a partner's edit of published data until the coordinator validates it.

    The fields are validated now, with the proposer's rights (on a copy: nothing is written to
    ``obj``), so a proposal is refused at once with the same French messages as a direct edit
    — a field the partner may not change (provenance, publication, organisation) included.
    ``version``: the state the proposal was made from (stale → ``StaleVersion``).
    """
    if not permissions.can_edit(user, obj):
        raise PermissionDenied("Vous n'avez pas le droit de modifier cette fiche.")
    check_version(obj, version)
    before = snapshot(obj)
    _check(obj, fields, user)
    changes = {k: v for k, v in _resolved(fields).items() if before.get(k) != v}
    if not changes:
        raise ValidationError("Aucune modification par rapport à la fiche publiée.")
    territory = permissions.territory_of(obj)
    change = PendingChange.objects.create(
        territory=territory,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        proposed_by=author(user),
        organisation_id=permissions.organisation_id_of(user, territory),
        before={k: before.get(k) for k in changes},
        changes=changes,
    )
    transaction.on_commit(lambda: notify_coordinators(change=change))
    return change


def notify_coordinators(*, change: PendingChange) -> int:
    """E-mail the territory's coordinators that a proposal waits; returns the mails sent."""
    recipients = sorted(
        {
            m.user.email
            for m in Membership.objects.filter(
                territory=change.territory, role=Role.COORDINATOR, user__is_active=True
            ).select_related("user")
            if m.user.email
        }
    )
    if not recipients:
        return 0
    who = change.proposed_by.get_username() if change.proposed_by else "?"
    fields = ", ".join(sorted(change.changes))
    send_mail(
        subject=f"Maillage — modification à valider : {change.object_repr}",
        message=(
            f"Bonjour,\n\n{who} propose une modification de « {change.object_repr} » "
            f"(champs : {fields}).\nExaminez-la depuis l'espace partenaires, rubrique "
            "« Modifications à valider ».\n\nMaillage"
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)


@transaction.atomic
def edit_or_propose(
    *,
    obj: models.Model,
    user: Actor,
    fields: dict[str, Any],
    version: str | list[str] | None = None,
) -> tuple[models.Model | None, PendingChange | None]:
    """The one entry point for a user's edit of a structure or service.

    Refused without the right; refused (``StaleVersion``, nothing written) when ``version`` is
    not the stored state's (someone else changed it since the form was opened); a partner's
    edit of published data becomes a :class:`PendingChange`; otherwise the change is applied
    and recorded in the history. Returns ``(object, None)`` when applied, ``(None, pending)``
    when waiting.
    """
    if not permissions.can_edit(user, obj):
        raise PermissionDenied("Vous n'avez pas le droit de modifier cette fiche.")
    check_version(obj, version)
    if permissions.needs_validation(user, obj):
        return None, propose_change(obj=obj, user=user, fields=fields)
    with recording(obj=obj, user=user, action=ChangeRecord.Action.UPDATE):
        obj = _apply(obj, fields, user)
    return obj, None


def _object(change: PendingChange) -> models.Model:
    model = change.content_type.model_class()
    obj = model._default_manager.filter(pk=change.object_id).first() if model else None
    if obj is None:
        raise ValidationError("La fiche concernée n'existe plus.")
    return obj


@transaction.atomic
def validate_change(*, change: PendingChange, user: RequestUser, comment: str = "") -> models.Model:
    """The coordinator accepts a proposal: applied, recorded in the history (author and
    validator), the proposal closed. A field changed meanwhile by someone else is refused."""
    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    if not permissions.is_coordinator(user, change.territory):
        raise PermissionDenied("Validation réservée au chargé de coopération du territoire.")
    if change.status != PendingChange.Status.PENDING:
        raise ValidationError("Cette proposition a déjà été examinée.")
    obj = _object(change)
    before = snapshot(obj)
    moved = {k for k in change.changes if before.get(k) != change.before.get(k)}
    if moved:
        raise ValidationError(
            "La fiche a changé depuis la proposition (champs : "
            + ", ".join(sorted(moved))
            + ") : refusez-la et demandez une nouvelle proposition."
        )
    proposer = change.proposed_by
    if proposer is None or not permissions.can_edit(proposer, obj):
        raise ValidationError(
            "L'auteur de cette proposition n'a plus le droit de modifier cette fiche : refusez-la."
        )
    values = snapshot_values(type(obj), change.changes)
    try:  # re-checked with the proposer's rights (a proposal queued before a rule changed)
        _check(obj, values, proposer)
    except PermissionDenied as exc:
        raise ValidationError(
            f"Proposition hors des droits de son auteur : {exc} Refusez-la."
        ) from exc
    name = proposer.get_username()
    with recording(
        obj=obj,
        user=change.proposed_by,
        action=ChangeRecord.Action.VALIDATE,
        note=f"proposée par {name}, validée par {user.get_username()}",
        before=before,
    ):
        obj = _apply(obj, values, user)
    change.status = PendingChange.Status.VALIDATED
    change.reviewed_by, change.reviewed_at, change.comment = author(user), timezone.now(), comment
    change.save()
    return obj


@transaction.atomic
def reject_change(*, change: PendingChange, user: RequestUser, comment: str = "") -> PendingChange:
    """The coordinator refuses a proposal (the published data stays as it is)."""
    if not permissions.is_coordinator(user, change.territory):
        raise PermissionDenied("Validation réservée au chargé de coopération du territoire.")
    if change.status != PendingChange.Status.PENDING:
        raise ValidationError("Cette proposition a déjà été examinée.")
    change.status = PendingChange.Status.REJECTED
    change.reviewed_by, change.reviewed_at, change.comment = author(user), timezone.now(), comment
    change.save()
    return change


def pending_diff(change: PendingChange) -> dict[str, tuple[Any, Any]]:
    return diff(change.before, {**change.before, **change.changes})


def pending_rows(change: PendingChange) -> list[tuple[str, str, str]]:
    """``(field label, published, proposed)`` of a proposal, with names, labels, « oui/non »
    instead of ids and codes."""
    return diff_rows(change.content_type.model_class(), pending_diff(change))
