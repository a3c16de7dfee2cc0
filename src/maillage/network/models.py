"""Partners' space: working groups and their members, meetings (agenda, minutes), the shared
toolbox (documents and links for parents and professionals) and structure check reminders.

Members are professionals of partner organisations: name, organisation, role and professional
e-mail only. No personal data about residents anywhere.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import CtgTheme, Organisation, Structure
from maillage.plan.models import Activity, Axis
from maillage.territory.models import Territory


class WorkingGroup(models.Model):
    class Kind(models.TextChoices):
        WORKING_GROUP = "groupe de travail", _("groupe de travail")
        COOPERATION = "instance de coopération", _("instance de coopération")

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="working_groups",
        verbose_name=_("territoire"),
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature"), max_length=30, choices=Kind.choices)
    theme = models.CharField(_("thème CTG"), max_length=20, choices=CtgTheme.choices, blank=True)
    axes = models.ManyToManyField(
        Axis, blank=True, related_name="working_groups", verbose_name=_("axes de la CTG")
    )
    description = models.TextField(_("objet"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="unique_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """A professional taking part in a group (professional e-mail only)."""

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("groupe")
    )
    name = models.CharField(_("nom"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_members",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(
        _("organisation (si absente de l'annuaire)"), max_length=200, blank=True
    )
    role = models.CharField(_("fonction"), max_length=150, blank=True)
    email = models.EmailField(_("courriel professionnel"), blank=True)

    class Meta:
        verbose_name = _("membre d'un groupe")
        verbose_name_plural = _("membres des groupes")
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation_label})"

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation else self.organisation_name


class Meeting(models.Model):
    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("groupe")
    )
    uid = models.UUIDField(_("identifiant iCalendar"), default=uuid.uuid4, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    location = models.CharField(_("lieu"), max_length=300, blank=True)
    agenda = models.TextField(_("ordre du jour"), blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)
    participants = models.PositiveIntegerField(_("nombre de participants"), null=True, blank=True)
    activity = models.OneToOneField(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting",
        verbose_name=_("activité du journal"),
    )
    sequence = models.PositiveIntegerField(_("version iCalendar"), default=0)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%d/%m/%Y} {self.title}"


class ToolboxItem(models.Model):
    """A document or a link of the shared toolbox."""

    class Audience(models.TextChoices):
        PARENTS = "parents", _("parents")
        PROFESSIONALS = "professionnels", _("professionnels")

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="toolbox", verbose_name=_("territoire")
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("public"), max_length=20, choices=Audience.choices)
    theme = models.CharField(_("thème CTG"), max_length=20, choices=CtgTheme.choices)
    url = models.URLField(_("lien"), max_length=500, blank=True)
    file = models.FileField(
        _("fichier"),
        upload_to="toolbox/%Y/%m",
        max_length=300,
        blank=True,
        help_text=_("Stocké sous MEDIA_ROOT (hors des fichiers statiques), servi par une vue."),
    )
    original_name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    content_type = models.CharField(_("type de fichier"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), null=True, blank=True)
    published = models.BooleanField(
        _("public"), default=True, help_text=_("Sinon visible des seuls partenaires du territoire.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("ressource de la boîte à outils")
        verbose_name_plural = _("boîte à outils")
        ordering = ["theme", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="") | ~models.Q(file=""), name="toolbox_file_or_url"
            )
        ]

    def __str__(self) -> str:
        return self.title


class StructureCheck(models.Model):
    """A partner (or the coordinator) confirmed that a structure's data is up to date."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="checks", verbose_name=_("structure")
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vérifiée par"),
    )
    checked_at = models.DateTimeField(_("vérifiée le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("vérification d'une fiche")
        verbose_name_plural = _("vérifications des fiches")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.structure} ({self.checked_at:%d/%m/%Y})"


class ReminderSent(models.Model):
    """A reminder e-mail sent to a partner (so a partner is not reminded twice too soon)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("destinataire"),
    )
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, verbose_name=_("territoire"))
    structures = models.ManyToManyField(Structure, verbose_name=_("fiches à vérifier"))
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("relance envoyée")
        verbose_name_plural = _("relances envoyées")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.sent_at:%d/%m/%Y})"


# --------------------------------------------------------------------------- update campaigns


class Campaign(models.Model):
    """« Campagne de mise à jour »: the coordinator asks partner organisations to check and
    complete their own fiches (positions, hours, capacity, contacts, services)."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("territoire")
    )
    title = models.CharField(_("titre"), max_length=200)
    message = models.TextField(_("message aux partenaires"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lancée par"),
    )
    created_at = models.DateTimeField(_("lancée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("liens valables jusqu'au"))

    class Meta:
        verbose_name = _("campagne de mise à jour")
        verbose_name_plural = _("campagnes de mise à jour")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class CampaignInvitation(models.Model):
    """One organisation invited to a campaign. Its answers are proposed under ``respondent``,
    the organisation's campaign account (partner of that organisation only), so they go
    through the coordinator's validation like any partner's edit."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("campagne")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("compte de réponse"),
    )
    recipients = models.JSONField(_("destinataires"), default=list, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("dernière relance"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("relances"), default=0)
    opened_at = models.DateTimeField(_("ouverte le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("dernière réponse"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation invitée")
        verbose_name_plural = _("organisations invitées")
        ordering = ["campaign", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="unique_campaign_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.campaign}"


class CampaignLink(models.Model):
    """A link of an invitation (e-mail, reminder or printed sheet); only the SHA-256 of its
    token is stored, so every sending creates a new link and earlier ones stay valid."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("courriel")
        REMINDER = "reminder", _("relance")
        PRINT = "print", _("lien imprimé")

    invitation = models.ForeignKey(
        CampaignInvitation,
        on_delete=models.CASCADE,
        related_name="links",
        verbose_name=_("invitation"),
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("lien de campagne")
        verbose_name_plural = _("liens de campagne")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.invitation} ({self.get_channel_display()})"


class CampaignAnswer(models.Model):
    """One submission of the campaign form: who answered, the proposals it made (waiting for
    validation), the drafts changed at once and the fiches confirmed unchanged."""

    invitation = models.ForeignKey(
        CampaignInvitation,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("invitation"),
    )
    respondent_name = models.CharField(_("répondu par"), max_length=150)
    submitted_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    changes = models.ManyToManyField(
        "accounts.PendingChange", blank=True, related_name="+", verbose_name=_("propositions")
    )
    applied = models.JSONField(_("brouillons modifiés"), default=list, blank=True)
    confirmed = models.ManyToManyField(
        Structure, blank=True, related_name="+", verbose_name=_("fiches confirmées à jour")
    )

    class Meta:
        verbose_name = _("réponse à une campagne")
        verbose_name_plural = _("réponses aux campagnes")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.invitation} ({self.respondent_name})"
