"""Writes of the partners' space: groups, members, meetings (minutes feed the journal), toolbox,
structure checks and reminders.

Each function checks the user's right (``PermissionDenied``), validates (``ValidationError``
with French messages on the field) and writes nothing on failure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from maillage.accounts.actor import Actor, author
from maillage.accounts.history import record_change, snapshot
from maillage.accounts.permissions import (
    COORDINATOR,
    PARTNER,
    can_edit_structure,
    is_coordinator,
    role_of,
)
from maillage.accounts.versioning import check_version
from maillage.directory.models import Organisation, Structure
from maillage.territory.models import Territory

from .models import GroupMember, Meeting, ReminderSent, StructureCheck, ToolboxItem, WorkingGroup
from .uploads import UploadRefused, check_upload

# Webmail domains refused for members: the directory keeps professional addresses only.
PERSONAL_EMAIL_DOMAINS = frozenset(
    """gmail.com googlemail.com hotmail.com hotmail.fr live.fr live.com outlook.com outlook.fr
    msn.com yahoo.com yahoo.fr ymail.com icloud.com me.com mac.com orange.fr wanadoo.fr free.fr
    sfr.fr neuf.fr laposte.net aol.com aol.fr bbox.fr numericable.fr gmx.fr gmx.com
    protonmail.com proton.me""".split()
)


def _require_coordinator(user: Actor, territory: Territory) -> None:
    if not is_coordinator(user, territory):
        raise PermissionDenied("Action réservée au chargé de coopération du territoire.")


def _clean(text: str, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


# --------------------------------------------------------------------------- groups and members


@transaction.atomic
def group_create(
    *,
    territory: Territory,
    name: str,
    kind: str,
    user: Actor,
    theme: str = "",
    axes: list[Any] = (),  # type: ignore[assignment]
    description: str = "",
) -> WorkingGroup:
    _require_coordinator(user, territory)
    name = _clean(name, 200)
    errors = {}
    if not name:
        errors["name"] = "Nom du groupe obligatoire."
    elif WorkingGroup.objects.filter(territory=territory, name__iexact=name).exists():
        errors["name"] = f"Un groupe « {name} » existe déjà."
    if kind not in WorkingGroup.Kind.values:
        errors["kind"] = "Nature attendue : groupe de travail ou instance de coopération."
    axes = list(axes)
    if any(a.convention.territory_id != territory.pk for a in axes):
        errors["axes"] = "Axe d'une autre convention."
    if errors:
        raise ValidationError(errors)
    group = WorkingGroup.objects.create(
        territory=territory, name=name, kind=kind, theme=theme, description=description.strip()
    )
    group.axes.set(axes)
    record_change(obj=group, user=user, before=None, after=snapshot(group), action="create")
    return group


def check_professional_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": f"Adresse électronique invalide : « {email} »."}) from exc
    if email.rsplit("@", 1)[1] in PERSONAL_EMAIL_DOMAINS:
        raise ValidationError(
            {"email": "Indiquez une adresse professionnelle (pas de messagerie personnelle)."}
        )
    return email


@transaction.atomic
def member_add(
    *,
    group: WorkingGroup,
    name: str,
    user: Actor,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    role: str = "",
    email: str = "",
) -> GroupMember:
    """Add a professional to a group (name, organisation, role, professional e-mail only)."""
    _require_coordinator(user, group.territory)
    name = _clean(name, 150)
    if not name:
        raise ValidationError({"name": "Nom obligatoire."})
    if organisation is None and not _clean(organisation_name, 200):
        raise ValidationError({"organisation": "Indiquez l'organisation du membre."})
    member = GroupMember.objects.create(
        group=group,
        name=name,
        organisation=organisation,
        organisation_name="" if organisation else _clean(organisation_name, 200),
        role=_clean(role, 150),
        email=check_professional_email(email),
    )
    record_change(obj=member, user=user, before=None, after=snapshot(member), action="create")
    return member


@transaction.atomic
def member_remove(*, member: GroupMember, user: Actor) -> None:
    """Remove a member (their name and e-mail are deleted, not archived)."""
    _require_coordinator(user, member.group.territory)
    record_change(obj=member, user=user, before=snapshot(member), after=None, action="delete")
    member.delete()


# --------------------------------------------------------------------------- meetings


@transaction.atomic
def meeting_save(
    *,
    group: WorkingGroup,
    user: Actor,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
    agenda: str = "",
    meeting: Meeting | None = None,
    version: str | None = None,
) -> Meeting:
    """Create or change a meeting (each change bumps its iCalendar ``SEQUENCE``); ``version``:
    the state a change was made from (``check_version``: stale → refused, nothing written)."""
    _require_coordinator(user, group.territory)
    if meeting is not None:
        check_version(meeting, version or None)
    errors = {}
    if not _clean(title, 200):
        errors["title"] = "Titre obligatoire."
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        errors["ends_at"] = "La fin doit suivre le début."
    if errors:
        raise ValidationError(errors)
    before = None if meeting is None else snapshot(meeting)
    if meeting is None:
        meeting = Meeting(group=group)
    else:
        meeting.sequence += 1
    meeting.title, meeting.location = _clean(title, 200), _clean(location, 300)
    meeting.starts_at, meeting.ends_at, meeting.agenda = starts_at, ends_at, agenda.strip()
    meeting.save()
    action = "create" if before is None else "update"
    record_change(obj=meeting, user=user, before=before, after=snapshot(meeting), action=action)
    return meeting


@transaction.atomic
def meeting_record_minutes(
    *,
    meeting: Meeting,
    user: Actor,
    minutes: str,
    participants: int | None = None,
    version: str | None = None,
) -> Meeting:
    """Keep the minutes and record the meeting in the CTG journal (« groupe de travail » or
    « instance de coopération »), on the group's axes, with its members' organisations
    (``version`` as for :func:`meeting_save`)."""
    from maillage.plan.services import activity_delete, activity_record
    from maillage.plan.validation import PlanValidationError

    group = meeting.group
    _require_coordinator(user, group.territory)
    check_version(meeting, version or None)
    before = snapshot(meeting)
    if not (minutes or "").strip():
        raise ValidationError({"minutes": "Compte rendu vide."})
    axes = [a.number for a in group.axes.all()]
    if not axes:
        raise ValidationError(
            {"minutes": "Rattachez d'abord le groupe à un axe de la CTG (journal du plan)."}
        )
    if meeting.activity is not None:
        activity_delete(activity=meeting.activity)
    organisations = sorted(
        {m.organisation_label for m in group.members.all() if m.organisation_label}
    )
    try:
        activity = activity_record(
            territory=group.territory,
            date=timezone.localtime(meeting.starts_at).date(),
            kind=group.kind,
            title=f"{group.name} — {meeting.title}",
            axes=axes,
            description=minutes.strip(),
            partners=organisations,
            participants=participants,
            validated=True,
            author=user,
        )
    except PlanValidationError as exc:
        raise ValidationError({"minutes": " ; ".join(sum(exc.message_dict.values(), []))}) from exc
    meeting.minutes, meeting.participants, meeting.activity = (
        minutes.strip(),
        participants,
        activity,
    )
    meeting.save()
    record_change(obj=meeting, user=user, before=before, after=snapshot(meeting), action="update")
    return meeting


# --------------------------------------------------------------------------- toolbox


@transaction.atomic
def toolbox_add(
    *,
    territory: Territory,
    user: Actor,
    title: str,
    audience: str,
    theme: str,
    description: str = "",
    url: str = "",
    data: bytes | None = None,
    filename: str = "",
    published: bool = True,
) -> ToolboxItem:
    """Add a link or a document (checked by extension and content) to the toolbox."""
    if role_of(user, territory) not in (COORDINATOR, PARTNER):
        raise PermissionDenied("Dépôt réservé au chargé de coopération et aux partenaires.")
    errors: dict[str, str] = {}
    if not _clean(title, 200):
        errors["title"] = "Titre obligatoire."
    if audience not in ToolboxItem.Audience.values:
        errors["audience"] = "Public attendu : parents ou professionnels."
    from maillage.directory.models import CtgTheme

    if theme not in CtgTheme.values:
        errors["theme"] = "Thème CTG inconnu."
    url = (url or "").strip()
    if bool(url) == bool(data):
        errors["file"] = "Donnez soit un lien, soit un fichier."
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            errors["url"] = "Lien invalide (https://… attendu)."
    content_type = ""
    if data:
        try:
            content_type = check_upload(data=data, filename=filename)
        except UploadRefused as exc:
            errors["file"] = str(exc)
    if errors:
        raise ValidationError(errors)
    item = ToolboxItem(
        territory=territory,
        title=_clean(title, 200),
        description=description.strip(),
        audience=audience,
        theme=theme,
        url=url,
        published=published,
        uploaded_by=author(user),
    )
    if data:
        safe = get_valid_filename(filename.rsplit("/", 1)[-1])[:150] or "document"
        item.original_name, item.content_type, item.size = safe, content_type, len(data)
        item.file.save(safe, ContentFile(data), save=False)
    item.save()
    record_change(obj=item, user=user, before=None, after=snapshot(item), action="create")
    return item


@transaction.atomic
def toolbox_delete(*, item: ToolboxItem, user: Actor) -> None:
    uploader = author(user)  # an item without uploader (command line) is the coordinator's
    is_uploader = uploader is not None and item.uploaded_by_id == uploader.pk
    if not (is_coordinator(user, item.territory) or is_uploader):
        raise PermissionDenied("Suppression réservée au chargé de coopération et à l'auteur.")
    # The file stays in storage while the history references it (a restore brings the
    # document back); ``maillage history purge`` removes it with that history.
    record_change(obj=item, user=user, before=snapshot(item), after=None, action="delete")
    item.delete()


# --------------------------------------------------------------------------- checks and reminders


@transaction.atomic
def structure_confirm(*, structure: Structure, user: Actor) -> StructureCheck:
    """The partner (or coordinator) confirms the structure's data is up to date."""
    if not can_edit_structure(user, structure):
        raise PermissionDenied("Vous ne pouvez confirmer que les fiches de votre organisation.")
    return StructureCheck.objects.create(structure=structure, checked_by=author(user))


def reminders_send(
    *, territory: Territory, months: int, min_days_between: int = 30, dry_run: bool = False
) -> list[tuple[Any, list[Structure]]]:
    """E-mail each partner whose structures were not checked for ``months`` months.

    A partner already reminded less than ``min_days_between`` days ago is skipped. Returns
    the ``(user, structures)`` pairs reminded (or that would be, with ``dry_run``).
    """
    from .selectors import structures_due

    since = timezone.now() - dt.timedelta(days=min_days_between)
    sent = []
    for user, structures in structures_due(territory=territory, months=months):
        if ReminderSent.objects.filter(user=user, territory=territory, sent_at__gte=since).exists():
            continue
        sent.append((user, structures))
        if dry_run or not user.email:
            continue
        names = "\n".join(f"- {s.name}" for s in structures)
        send_mail(
            subject=f"Maillage — {len(structures)} fiche(s) à vérifier ({territory.name})",
            message=(
                "Bonjour,\n\nCes fiches de l'annuaire n'ont pas été vérifiées depuis "
                f"{months} mois :\n{names}\n\nMerci de les confirmer ou de les mettre à jour "
                "depuis votre espace partenaire (rubrique « Mes fiches »).\n\nMaillage"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        record = ReminderSent.objects.create(user=user, territory=territory)
        record.structures.set(structures)
    return sent
