"""Update campaigns: the coordinator asks partner organisations to check and complete their
fiches; each organisation answers through a link (e-mailed or printed) to a short form.

- A link's token is random (256 bits), only its SHA-256 is stored (as for account invitations),
  and it expires with the campaign. A link opens its own organisation's places and nothing else.
- Answers are edits made with the organisation's *campaign account* (a partner of that
  organisation only, without password or e-mail: nobody logs in with it), through
  :func:`maillage.accounts.services.edit_or_propose`: a change to published data waits for
  the coordinator's validation, a draft changes at once, exactly as for a partner's own edit.
- Reminders are throttled: an organisation is not e-mailed twice within
  :data:`REMIND_AFTER`.

Services raise ``ValidationError`` (French) or ``PermissionDenied`` and write nothing on
failure; e-mails go through Django's mail API after the data is committed.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from maillage.accounts.actor import Actor, author
from maillage.accounts.models import Membership, PendingChange, Role
from maillage.accounts.permissions import PARTNER, forget_memberships, is_coordinator
from maillage.accounts.services import edit_or_propose, hash_token, membership_set
from maillage.directory.models import Organisation, Service, Structure
from maillage.territory.models import Territory

from .models import Campaign, CampaignAnswer, CampaignInvitation, CampaignLink, StructureCheck

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30
MAX_DAYS = 180
REMIND_AFTER = timedelta(hours=24)
RESPONDENT_PREFIX = "campagne."

# Builds the absolute link of a token (the web layer passes one using MAILLAGE_SITE_URL).
LinkBuilder = Callable[[str], str]


def _require_coordinator(user: Actor, territory: Territory) -> None:
    if not is_coordinator(user, territory):
        raise PermissionDenied("Campagnes réservées au chargé de coopération du territoire.")


# --------------------------------------------------------------------------- reads


def campaign_organisations(*, territory: Territory) -> models.QuerySet[Organisation]:
    """Organisations running at least one fiche here (the CTG's declared-only supply aside),
    with ``places``: how many."""
    mine = models.Q(structures__territory=territory, structures__declared_only=False)
    return (
        Organisation.objects.filter(mine)
        .annotate(places=models.Count("structures", filter=mine, distinct=True))
        .order_by("name")
    )


def places_without_organisation(*, territory: Territory) -> int:
    """Fiches no campaign reaches: without an organisation, no partner may edit them."""
    return Structure.objects.filter(
        territory=territory, organisation__isnull=True, declared_only=False
    ).count()


def invitation_places(*, invitation: CampaignInvitation) -> models.QuerySet[Structure]:
    """The fiches a link opens: its organisation's, on the campaign's territory."""
    return (
        Structure.objects.filter(
            territory=invitation.campaign.territory,
            organisation=invitation.organisation,
            declared_only=False,
        )
        .prefetch_related(models.Prefetch("services", queryset=Service.objects.order_by("name")))
        .order_by("name", "pk")
    )


def recipients_of(*, organisation: Organisation, territory: Territory) -> list[str]:
    """Who receives the e-mail: the organisation's partner accounts, then its fiches'
    contact addresses (sorted, without duplicates)."""
    members = Membership.objects.filter(
        territory=territory, organisation=organisation, role=Role.PARTNER, user__is_active=True
    ).exclude(user__username__startswith=RESPONDENT_PREFIX)
    emails = {m.user.email.strip().lower() for m in members.select_related("user") if m.user.email}
    emails |= {
        e.strip().lower()
        for e in Structure.objects.filter(
            territory=territory, organisation=organisation, declared_only=False
        ).values_list("email", flat=True)
        if e and e.strip()
    }
    return sorted(emails)


def invitation_for_token(*, token: str) -> CampaignInvitation | None:
    """The invitation of a valid, unexpired link, or ``None`` (forged, unknown or expired)."""
    if not token or len(token) > 100:
        return None
    link = (
        CampaignLink.objects.filter(
            token_hash=hash_token(token), invitation__campaign__expires_at__gt=timezone.now()
        )
        .select_related(
            "invitation__campaign__territory", "invitation__organisation", "invitation__respondent"
        )
        .first()
    )
    return link.invitation if link else None


def token_expired(*, token: str) -> bool:
    """Whether ``token`` is a real link whose campaign has ended (to say so to its holder)."""
    return bool(token) and CampaignLink.objects.filter(token_hash=hash_token(token)).exists()


@dataclass(frozen=True)
class ChangeLine:
    change: PendingChange
    fields: list[str]  # French labels of the changed fields


def _labels(change: PendingChange) -> list[str]:
    model = change.content_type.model_class()
    return sorted({_label(model, name) for name in change.changes})


def _label(model: type[models.Model] | None, name: str) -> str:
    """The French label of field ``name`` of ``model`` (``name`` itself for a field removed
    since the proposal, or anything without a label)."""
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 — a field removed since the proposal
        return name
    return str(getattr(field, "verbose_name", name))


@dataclass(frozen=True)
class InvitationRow:
    invitation: CampaignInvitation
    answers: int
    pending: list[ChangeLine]
    validated: int
    rejected: int
    applied: int
    confirmed: int
    next_reminder_at: Any  # datetime or None (« relancer » possible now)


@dataclass(frozen=True)
class CampaignSummary:
    campaign: Campaign
    rows: list[InvitationRow]
    invited: int
    answered: int
    proposed: int
    waiting: int
    applied: int
    confirmed: int


def next_reminder_at(invitation: CampaignInvitation) -> Any:
    """When the organisation may be e-mailed again (``None``: now)."""
    last = max((t for t in (invitation.sent_at, invitation.reminded_at) if t), default=None)
    if last is None:
        return None
    at = last + REMIND_AFTER
    return at if at > timezone.now() else None


def campaign_summary(*, campaign: Campaign) -> CampaignSummary:
    """Who answered and what changed, organisation by organisation (one query per table)."""
    invitations = list(
        campaign.invitations.select_related("organisation").order_by("organisation__name")
    )
    answers = list(
        CampaignAnswer.objects.filter(invitation__campaign=campaign).prefetch_related(
            "changes__content_type", "confirmed"
        )
    )
    by_invitation: dict[int, list[CampaignAnswer]] = {}
    for answer in answers:
        by_invitation.setdefault(answer.invitation_id, []).append(answer)
    rows = []
    for inv in invitations:
        mine = by_invitation.get(inv.pk, [])
        changes = {c.pk: c for a in mine for c in a.changes.all()}.values()
        rows.append(
            InvitationRow(
                invitation=inv,
                answers=len(mine),
                pending=[
                    ChangeLine(change=c, fields=_labels(c))
                    for c in sorted(changes, key=lambda c: c.pk)
                    if c.status == PendingChange.Status.PENDING
                ],
                validated=sum(c.status == PendingChange.Status.VALIDATED for c in changes),
                rejected=sum(c.status == PendingChange.Status.REJECTED for c in changes),
                applied=sum(len(a.applied) for a in mine),
                confirmed=len({s.pk for a in mine for s in a.confirmed.all()}),
                next_reminder_at=next_reminder_at(inv),
            )
        )
    return CampaignSummary(
        campaign=campaign,
        rows=rows,
        invited=len(rows),
        answered=sum(1 for r in rows if r.answers),
        proposed=sum(len(r.pending) + r.validated + r.rejected for r in rows),
        waiting=sum(len(r.pending) for r in rows),
        applied=sum(r.applied for r in rows),
        confirmed=sum(r.confirmed for r in rows),
    )


# --------------------------------------------------------------------------- launch and links


def _respondent(*, organisation: Organisation, territory: Territory, by: Actor) -> Any:
    """The organisation's campaign account: partner of this organisation only, no password,
    no e-mail (nobody logs in with it; answers made through a link are recorded under it)."""
    User = get_user_model()
    username = (RESPONDENT_PREFIX + organisation.slug)[:150]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name="Campagne de mise à jour",
            last_name=organisation.name[:150],
            is_active=True,
        )
        user.set_unusable_password()
        user.save()
    membership = Membership.objects.filter(user=user, territory=territory).first()
    if membership is None:
        membership_set(
            user=user, territory=territory, role=PARTNER, organisation=organisation, by=by
        )
    elif membership.role != PARTNER or membership.organisation_id != organisation.pk:
        raise ValidationError(
            f"Le compte « {username} » a un autre rôle sur ce territoire : il ne peut pas "
            f"répondre pour « {organisation.name} »."
        )
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    forget_memberships(user)
    return user


def new_link(*, invitation: CampaignInvitation, channel: str) -> str:
    """Create a link of ``invitation`` and return its token (shown once, never stored)."""
    token = secrets.token_urlsafe(32)
    CampaignLink.objects.create(
        invitation=invitation, token_hash=hash_token(token), channel=channel
    )
    return token


def _mail(*, invitation: CampaignInvitation, link: str, reminder: bool) -> bool:
    campaign = invitation.campaign
    territory = campaign.territory
    places = invitation_places(invitation=invitation).count()
    intro = (
        "Petit rappel : nous n'avons pas encore reçu votre mise à jour."
        if reminder
        else f"La CTG {territory.name} met à jour l'annuaire des lieux et services du territoire."
    )
    message = (
        f"Bonjour,\n\n{intro}\n\n"
        + (f"{campaign.message.strip()}\n\n" if campaign.message.strip() else "")
        + f"Pouvez-vous vérifier et compléter les {places} fiche(s) de « "
        f"{invitation.organisation.name} » (adresse et position, horaires, places et âges, "
        f"contacts, services) avec ce lien, valable jusqu'au "
        f"{timezone.localtime(campaign.expires_at):%d/%m/%Y} :\n{link}\n\n"
        "Vos modifications seront publiées après validation par le chargé de coopération.\n\n"
        "Maillage"
    )
    try:
        send_mail(
            subject=("Rappel — " if reminder else "")
            + f"Maillage — {campaign.title} ({territory.name})",
            message=message,
            from_email=None,
            recipient_list=list(invitation.recipients),
        )
    except (OSError, smtplib.SMTPException):
        log.warning("campaign mail to %s failed", invitation.recipients, exc_info=True)
        return False
    return True


@dataclass(frozen=True)
class LaunchReport:
    campaign: Campaign
    emailed: int
    to_print: int
    failed: int


def campaign_launch(
    *,
    territory: Territory,
    title: str,
    by: Actor,
    organisations: Iterable[Organisation] | None = None,
    days: int = DEFAULT_DAYS,
    message: str = "",
    link_for: LinkBuilder,
) -> LaunchReport:
    """Launch a campaign for ``organisations`` (default: all the territory's) and e-mail each
    one that has an address; the others get a link to print from the campaign page."""
    _require_coordinator(by, territory)
    title = " ".join((title or "").split())[:200]
    if not title:
        raise ValidationError({"title": "Donnez un titre à la campagne."})
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"Durée entre 1 et {MAX_DAYS} jours."})
    allowed = {o.pk: o for o in campaign_organisations(territory=territory)}
    chosen = list(allowed.values()) if organisations is None else list(organisations)
    outside = [o.name for o in chosen if o.pk not in allowed]
    if outside:
        raise ValidationError(
            {"organisations": "Organisation sans fiche sur ce territoire : " + ", ".join(outside)}
        )
    if not chosen:
        raise ValidationError({"organisations": "Choisissez au moins une organisation."})
    to_send: list[tuple[CampaignInvitation, str]] = []
    with transaction.atomic():
        campaign = Campaign.objects.create(
            territory=territory,
            title=title,
            message=(message or "").strip()[:5000],
            created_by=author(by),
            expires_at=timezone.now() + timedelta(days=days),
        )
        for org in sorted({o.pk: o for o in chosen}.values(), key=lambda o: o.name):
            invitation = CampaignInvitation.objects.create(
                campaign=campaign,
                organisation=org,
                respondent=_respondent(organisation=org, territory=territory, by=by),
                recipients=recipients_of(organisation=org, territory=territory),
            )
            if invitation.recipients:
                token = new_link(invitation=invitation, channel=CampaignLink.Channel.EMAIL)
                to_send.append((invitation, link_for(token)))
    emailed = failed = 0
    for invitation, link in to_send:
        if _mail(invitation=invitation, link=link, reminder=False):
            emailed += 1
            CampaignInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
        else:
            failed += 1
    return LaunchReport(
        campaign=campaign,
        emailed=emailed,
        to_print=campaign.invitations.count() - len(to_send),
        failed=failed,
    )


def campaign_remind(
    *, invitation: CampaignInvitation, by: Actor, link_for: LinkBuilder
) -> CampaignInvitation:
    """E-mail the organisation again with a new link; refused within 24 h of the last e-mail,
    without an address, or once the campaign has ended."""
    _require_coordinator(by, invitation.campaign.territory)
    with transaction.atomic():
        invitation = CampaignInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.campaign.expires_at <= timezone.now():
            raise ValidationError("La campagne est terminée : ses liens ne sont plus valables.")
        if not invitation.recipients:
            raise ValidationError(
                f"« {invitation.organisation.name} » n'a pas d'adresse électronique : "
                "imprimez son lien depuis la page de la campagne."
            )
        again = next_reminder_at(invitation)
        if again is not None:
            last = timezone.localtime(again - REMIND_AFTER)
            raise ValidationError(
                f"« {invitation.organisation.name} » a déjà reçu un courriel le "
                f"{last:%d/%m/%Y à %H:%M} : nouvelle relance possible à partir du "
                f"{timezone.localtime(again):%d/%m/%Y à %H:%M}."
            )
        token = new_link(invitation=invitation, channel=CampaignLink.Channel.REMINDER)
        invitation.reminded_at = timezone.now()
        invitation.reminders += 1
        invitation.save(update_fields=["reminded_at", "reminders"])
    if not _mail(invitation=invitation, link=link_for(token), reminder=True):
        raise ValidationError(
            "Le courriel de relance n'a pas pu être envoyé (serveur de courriel injoignable)."
        )
    return invitation


def campaign_print_links(
    *, campaign: Campaign, by: Actor, invitations: Iterable[CampaignInvitation] | None = None
) -> list[tuple[CampaignInvitation, str]]:
    """New links to print (one per organisation): ``(invitation, token)`` pairs."""
    _require_coordinator(by, campaign.territory)
    if campaign.expires_at <= timezone.now():
        raise ValidationError("La campagne est terminée : ses liens ne sont plus valables.")
    chosen = list(invitations) if invitations is not None else list(campaign.invitations.all())
    with transaction.atomic():
        return [
            (inv, new_link(invitation=inv, channel=CampaignLink.Channel.PRINT))
            for inv in sorted(chosen, key=lambda i: i.organisation.name)
            if inv.campaign_id == campaign.pk
        ]


def invitation_opened(*, invitation: CampaignInvitation) -> None:
    """Remember the first time a link of the invitation was opened."""
    CampaignInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
        opened_at=timezone.now()
    )


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class Edit:
    """The changed fields of one fiche or service, with the version the form was opened on."""

    obj: Structure | Service
    fields: dict[str, Any]
    version: str | None


class AnswerRefused(ValidationError):
    """Some edits of an answer were refused; nothing was written. ``by_object`` maps
    ``(model label, pk)`` to the refusal of that object (a ``ValidationError``, possibly a
    ``StaleVersion``), so that the form shows each message next to its place or service."""

    def __init__(self, by_object: dict[tuple[str, int], ValidationError]) -> None:
        messages = [m for exc in by_object.values() for m in exc.messages]
        super().__init__(messages or ["Réponse refusée."])
        self.by_object = by_object


@transaction.atomic
def campaign_answer(
    *, invitation: CampaignInvitation, respondent_name: str, edits: list[Edit]
) -> CampaignAnswer:
    """Record an answer: each edit goes through ``edit_or_propose`` with the organisation's
    campaign account (published data → a proposal waiting for validation; drafts at once);
    the fiches without any change are confirmed up to date. One transaction: a refused edit
    (:class:`AnswerRefused`, naming each object) leaves nothing written."""
    name = " ".join((respondent_name or "").split())[:150]
    if not name:
        raise ValidationError({"respondent_name": "Indiquez votre nom et votre fonction."})
    if invitation.campaign.expires_at <= timezone.now():
        raise ValidationError("La campagne est terminée : ce lien n'est plus valable.")
    user = invitation.respondent
    if user is None or not user.is_active:
        raise PermissionDenied(
            "Le compte de campagne de votre organisation a été retiré : contactez le chargé "
            "de coopération."
        )
    places = {s.pk: s for s in invitation_places(invitation=invitation)}
    answer = CampaignAnswer.objects.create(invitation=invitation, respondent_name=name)
    touched: set[int] = set()
    applied: list[dict[str, Any]] = []
    refused: dict[tuple[str, int], ValidationError] = {}
    for edit in edits:
        structure = edit.obj if isinstance(edit.obj, Structure) else edit.obj.structure
        if structure.pk not in places:  # another organisation's fiche: never through this link
            raise PermissionDenied(
                "Ce lien ne permet de modifier que les fiches de votre organisation."
            )
        if not edit.fields:
            continue
        touched.add(structure.pk)
        try:
            done, pending = edit_or_propose(
                obj=edit.obj, user=user, fields=dict(edit.fields), version=edit.version
            )
        except ValidationError as exc:  # each edit runs in its own savepoint
            refused[(edit.obj._meta.label_lower, edit.obj.pk)] = exc
            continue
        if pending is not None:
            answer.changes.add(pending)
        else:
            applied.append(
                {
                    "label": str(done)[:300],
                    "model": edit.obj._meta.label_lower,
                    "id": edit.obj.pk,
                    "fields": sorted(edit.fields),
                }
            )
    if refused:
        raise AnswerRefused(refused)
    for pk, structure in places.items():
        if pk not in touched:
            StructureCheck.objects.create(structure=structure, checked_by=user)
            answer.confirmed.add(structure)
    answer.applied = applied
    answer.save(update_fields=["applied"])
    CampaignInvitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now())
    return answer
