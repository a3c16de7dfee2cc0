"""Residents' contributions, sent without an account: « Signaler une erreur » on a public fiche
and « Proposer un lieu » on the directory. Nothing public changes until the coordinator accepts
one (:mod:`maillage.contributions.services`).

The optional contact address is personal data: it is erased once the outcome is sent, or after
:data:`maillage.contributions.services.KEEP_CONTACT_DAYS` days. The rate limit never keeps a
visitor's address: only a keyed hash of it, for
:data:`~maillage.contributions.ratelimit.WINDOW_MINUTES` minutes (:class:`SubmissionMark`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.territory.models import Territory


class ReportField(models.TextChoices):
    """What is wrong on a fiche (« Signaler une erreur »)."""

    ADDRESS = "address", _("L'adresse")
    HOURS = "hours", _("Les horaires")
    CONTACT = "contact", _("Le téléphone ou le courriel")
    WEBSITE = "website", _("Le site web")
    SERVICES = "services", _("Les services proposés")
    CLOSED = "closed", _("Le lieu a fermé ou déménagé")
    OTHER = "other", _("Autre chose")


class ResidentReport(models.Model):
    """A resident's report of an error on a fiche, or a place they propose."""

    class Kind(models.TextChoices):
        ERROR = "error", _("signalement d'une erreur")
        PLACE = "place", _("proposition d'un lieu")

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        ACCEPTED = "accepted", _("pris en compte")
        REJECTED = "rejected", _("non retenu")

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="resident_reports",
        verbose_name=_("territoire"),
    )
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    structure = models.ForeignKey(
        "directory.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident_reports",
        verbose_name=_("fiche concernée"),
    )
    structure_name = models.CharField(_("nom de la fiche"), max_length=200, blank=True)
    field = models.CharField(
        _("ce qui est inexact"), max_length=20, choices=ReportField.choices, blank=True
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    # « Proposer un lieu »
    place_name = models.CharField(_("nom du lieu proposé"), max_length=200, blank=True)
    place_address = models.CharField(_("adresse du lieu proposé"), max_length=300, blank=True)
    place_offer = models.TextField(_("ce que le lieu propose"), max_length=2000, blank=True)
    contact_email = models.EmailField(_("courriel de contact (facultatif)"), blank=True)
    created_at = models.DateTimeField(_("reçu le"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("examiné par"),
    )
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    comment = models.TextField(_("réponse du chargé de coopération"), max_length=2000, blank=True)
    created_structure = models.ForeignKey(
        "directory.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fiche créée (brouillon)"),
    )
    outcome_sent_at = models.DateTimeField(_("réponse envoyée le"), null=True, blank=True)
    contact_erased_at = models.DateTimeField(_("courriel effacé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("contribution d'un habitant")
        verbose_name_plural = _("contributions des habitants")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["territory", "status"], name="report_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.subject}"

    @property
    def subject(self) -> str:
        """The fiche reported on, or the place proposed."""
        return self.structure_name if self.kind == self.Kind.ERROR else self.place_name


class SubmissionMark(models.Model):
    """One contribution sent from an address, for the rate limit: a keyed hash of the address
    (HMAC with the site's secret key), never the address itself; purged after the window."""

    address_key = models.CharField(_("empreinte de l'adresse"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("envoi récent (limite par adresse)")
        verbose_name_plural = _("envois récents (limite par adresse)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.address_key[:8]}… ({self.created_at:%d/%m/%Y %H:%M})"


class Consultation(models.Model):
    """A short questionnaire the coordinator puts to the residents of a quartier or of the
    whole territory (« espace de concertation »); answers are anonymous."""

    class Status(models.TextChoices):
        OPEN = "open", _("ouverte")
        CLOSED = "closed", _("close")

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("territoire"),
    )
    title = models.CharField(_("titre"), max_length=200)
    intro = models.TextField(_("présentation"), max_length=2000, blank=True)
    zone = models.ForeignKey(
        "territory.Zone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quartier concerné (vide : tout le territoire)"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    activity = models.ForeignKey(
        "plan.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activité du journal"),
    )

    class Meta:
        verbose_name = _("concertation des habitants")
        verbose_name_plural = _("concertations des habitants")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ConsultationQuestion(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("choix unique")
        MULTIPLE = "multiple", _("choix multiples")
        TEXT = "text", _("texte libre")

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("concertation"),
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type de réponse"), max_length=10, choices=Kind.choices)
    choices = models.JSONField(_("réponses proposées"), default=list, blank=True)

    class Meta:
        verbose_name = _("question d'une concertation")
        verbose_name_plural = _("questions des concertations")
        ordering = ["consultation", "position"]

    def __str__(self) -> str:
        return self.text


class ConsultationAnswer(models.Model):
    """One resident's anonymous answers: their quartier (chosen by them, optional), the day,
    and the answers by question id. No address, no name, no time of day."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("concertation"),
    )
    zone = models.ForeignKey(
        "territory.Zone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quartier du répondant"),
    )
    answered_on = models.DateField(_("date de réponse"))
    values = models.JSONField(_("réponses"), default=dict)

    class Meta:
        verbose_name = _("réponse à une concertation")
        verbose_name_plural = _("réponses aux concertations")
        ordering = ["consultation", "pk"]

    def __str__(self) -> str:
        return f"{self.consultation} ({self.answered_on:%d/%m/%Y})"
