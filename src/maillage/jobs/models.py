"""A document asked for on the web and built by the worker: who asked, its state, its file."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One background document (bilan, diagnostic, guide, journal import report) of a territory,
    or the creation of a territory from the national files (no territory when asked for: the
    territory it loaded, once done).

    The file lives under ``settings.JOBS_DIR`` (``<var>/taches/``), never in the static or media
    folders: it is served by the download view, which checks who may fetch it.
    """

    class Kind(models.TextChoices):
        BILAN = "bilan", _("Bilan de la CTG")
        DIAGNOSTIC = "diagnostic", _("Diagnostic territorial")
        GUIDE = "guide", _("Guide des lieux ressources")
        JOURNAL_IMPORT = "import-journal", _("Import du journal")
        COPIL = "copil", _("Diaporama du comité de pilotage")
        TERRITORY = "territoire", _("Création d'un territoire")

    class State(models.TextChoices):
        WAITING = "attente", _("en attente")
        RUNNING = "en_cours", _("en cours")
        READY = "pret", _("prêt")
        FAILED = "echec", _("échec")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    territory = models.ForeignKey(
        "territory.Territory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("territoire"),
        help_text=_("Vide pour la création d'un territoire, tant qu'il n'est pas chargé."),
    )
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demandé par"),
    )
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.WAITING)
    steps_done = models.PositiveIntegerField(_("étapes faites"), default=0)
    steps_expected = models.PositiveIntegerField(_("étapes attendues"), null=True, blank=True)
    step_label = models.CharField(_("étape en cours"), max_length=200, blank=True)
    message = models.TextField(_("message d'échec"), blank=True)
    summary = models.TextField(
        _("résultat"),
        blank=True,
        help_text=_("Ce qu'a fait une tâche réussie (un import : lignes créées)."),
    )
    filename = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    content_type = models.CharField(_("type du fichier"), max_length=120, blank=True)
    stored = models.CharField(_("fichier stocké"), max_length=200, blank=True)
    task_result_id = models.CharField(_("identifiant de la tâche"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("tâche en arrière-plan")
        verbose_name_plural = _("tâches en arrière-plan")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["territory", "kind", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.get_state_display()}"


class TerritoryClaim(models.Model):
    """A territory being loaded by « Créer un territoire »: one row per slug, at most.

    Taken (inserted, in its own committed transaction) before « does the territory exist? →
    load the folder », deleted once done: the unique ``slug`` makes the database refuse a
    second claim at once, on SQLite as on PostgreSQL, so two loads of the same territory never
    run together and never both create it (``maillage.jobs.territory_build.territory_claim``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("identifiant du territoire"), max_length=80, unique=True)
    job = models.ForeignKey(
        Job,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tâche"),
    )
    claimed_at = models.DateTimeField(_("pris le"), auto_now_add=True)

    class Meta:
        verbose_name = _("chargement de territoire en cours")
        verbose_name_plural = _("chargements de territoire en cours")

    def __str__(self) -> str:
        return self.slug


@receiver(post_delete, sender=Job)
def _job_deleted(sender: type[Job], instance: Job, **kwargs: object) -> None:
    """A pruned territory build takes its built folder with it (after the commit)."""
    from .territory_build import job_folder_prune

    job_folder_prune(instance)
