"""Accounts: roles per territory and organisation, invitations, API tokens, change history and
partner edits waiting for the coordinator's validation.

Django's ``auth.User`` is the account; a :class:`Membership` gives it a role on one territory
(and, for a partner editor, one organisation of the directory). Secrets (invitation and API
tokens) are stored as SHA-256 hashes only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.territory.models import Territory


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("chargé de coopération")
    PARTNER = "partner", _("partenaire (rédacteur)")
    OBSERVER = "observer", _("observateur")
    ADVISER = "adviser", _("conseiller CAF")


class Membership(models.Model):
    """A user's role on a territory; a partner editor also belongs to an organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("utilisateur"),
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("territoire"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "directory.Organisation",  # by name: the accounts app imports no directory module
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
        help_text=_("Obligatoire pour un partenaire : les fiches qu'il peut modifier."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rôle sur un territoire")
        verbose_name_plural = _("rôles sur les territoires")
        ordering = ["territory", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "territory"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.territory.slug})"


class Invitation(models.Model):
    """A one-time link to set a password; only the SHA-256 of the token is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("utilisateur"),
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%d/%m/%Y})"


class ApiToken(models.Model):
    """A personal API token; shown once at creation, stored as its SHA-256 hash."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("utilisateur"),
    )
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(_("début du jeton"), max_length=8, editable=False)
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ChangeRecord(models.Model):
    """One change of an object: who, when, what, before/after as JSON; restorable."""

    class Action(models.TextChoices):
        CREATE = "create", _("création")
        UPDATE = "update", _("modification")
        DELETE = "delete", _("suppression")
        RESTORE = "restore", _("restauration")
        VALIDATE = "validate", _("validation d'une proposition")

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_records",
        verbose_name=_("territoire"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("type d'objet")
    )
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, db_index=True)
    object_repr = models.CharField(_("objet"), max_length=300)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    before = models.JSONField(_("avant"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("après"), null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("modification enregistrée")
        verbose_name_plural = _("historique des modifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="change_object")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.object_repr}"

    @property
    def object_label(self) -> str:
        """``"app_label.model"`` of the object, as used in the history URL."""
        return f"{self.content_type.app_label}.{self.content_type.model}"


class PendingChange(models.Model):
    """A partner's edit of published data, waiting for the coordinator's validation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        VALIDATED = "validated", _("validée")
        REJECTED = "rejected", _("refusée")

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="pending_changes",
        verbose_name=_("territoire"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("type d'objet")
    )
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, db_index=True)
    object_repr = models.CharField(_("objet"), max_length=300)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposed_changes",
        verbose_name=_("proposée par"),
    )
    organisation = models.ForeignKey(
        "directory.Organisation",  # by name: the accounts app imports no directory module
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    before = models.JSONField(_("valeurs actuelles"), default=dict, encoder=DjangoJSONEncoder)
    changes = models.JSONField(_("valeurs proposées"), default=dict, encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("examinée par"),
    )
    reviewed_at = models.DateTimeField(_("examinée le"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("modification à valider")
        verbose_name_plural = _("modifications à valider")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.object_repr} ({self.get_status_display()})"


class LoginAttempt(models.Model):
    """A failed login (IP and user name), kept for the audit and the rate limit window."""

    username = models.CharField(_("identifiant saisi"), max_length=150)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("échec de connexion")
        verbose_name_plural = _("échecs de connexion")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.username} ({self.created_at:%d/%m/%Y %H:%M})"
