"""The CTG action plan: convention, axes, objectives, modalities, indicators, milestones, journal.

The plan itself (convention, axes, objectives, modalities, indicators, activity kinds) is data,
loaded from the territory's dataset (file kind ``ctg_plan``). Targets, milestones, journal
activities and manual indicator values are entered in the tool.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.territory.models import DatasetSource, Territory, Zone

from .indicator_kinds.base import NAME_MAX_LENGTH, KindChoices, kind_choices


class Convention(models.Model):
    class Status(models.TextChoices):
        DRAFT = "projet", _("en projet")
        SIGNED = "signee", _("signée")
        ENDED = "terminee", _("terminée")

    territory = models.OneToOneField(
        Territory, on_delete=models.CASCADE, related_name="convention", verbose_name=_("territoire")
    )
    title = models.CharField(_("titre"), max_length=300)
    period_start = models.PositiveSmallIntegerField(_("première année"))
    period_end = models.PositiveSmallIntegerField(_("dernière année"))
    signatories = models.JSONField(_("signataires"), default=list, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices)
    reference = models.CharField(_("référence de l'acte"), max_length=200, blank=True)
    transmitted_on = models.DateField(_("reçue en préfecture le"), null=True, blank=True)
    study_intro = models.JSONField(_("thématiques de travail (texte)"), default=list, blank=True)
    source = models.ForeignKey(
        DatasetSource, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="convention_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start, self.period_end + 1))


class StudySubject(models.Model):
    """A « sujet d'étude » of the convention, with its objectives, quoted word for word.

    The signed text sets these four subjects (and their objectives) before the plan tables;
    the axes of the plan develop them.
    """

    convention = models.ForeignKey(
        Convention,
        on_delete=models.CASCADE,
        related_name="study_subjects",
        verbose_name=_("convention"),
    )
    number = models.PositiveSmallIntegerField(_("ordre"))
    title = models.CharField(_("titre"), max_length=300)
    description = models.JSONField(_("présentation"), default=list, blank=True)
    objectives_label = models.CharField(_("intitulé des objectifs"), max_length=50, blank=True)
    objectives_intro = models.TextField(_("introduction des objectifs"), blank=True)
    objectives = models.JSONField(_("objectifs"), default=list, blank=True)

    class Meta:
        verbose_name = _("sujet d'étude")
        verbose_name_plural = _("sujets d'étude")
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"], name="unique_study_subject_number"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Axis(models.Model):
    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="axes", verbose_name=_("convention")
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=300)
    target_public = models.JSONField(_("public cible"), default=list, blank=True)
    lead = models.TextField(_("responsable de l'action"), blank=True)
    services = models.TextField(_("services mobilisés"), blank=True)
    partners_intro = models.JSONField(_("partenaires sollicités (texte)"), default=list, blank=True)
    partners = models.JSONField(_("partenaires sollicités (liste)"), default=list, blank=True)
    expected_results = models.JSONField(_("résultats attendus"), default=list, blank=True)
    schedule_note = models.TextField(_("échéances de réalisation"), blank=True)

    class Meta:
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="unique_axis_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Objective(models.Model):
    """An operational objective, numbered within its axis, with its sub-points."""

    axis = models.ForeignKey(
        Axis, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("axe")
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=300)
    description = models.TextField(_("précision"), blank=True)
    sub_points = models.JSONField(_("sous-points"), default=list, blank=True)

    class Meta:
        verbose_name = _("objectif opérationnel")
        verbose_name_plural = _("objectifs opérationnels")
        ordering = ["axis", "number"]
        constraints = [
            models.UniqueConstraint(fields=["axis", "number"], name="unique_objective_number")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"{self.axis.number}.{self.number}"


class Modality(models.Model):
    """A « modalité de mise en œuvre » of an axis."""

    axis = models.ForeignKey(
        Axis, on_delete=models.CASCADE, related_name="modalities", verbose_name=_("axe")
    )
    number = models.PositiveSmallIntegerField(_("ordre"))
    text = models.TextField(_("modalité"))

    class Meta:
        verbose_name = _("modalité de mise en œuvre")
        verbose_name_plural = _("modalités de mise en œuvre")
        ordering = ["axis", "number"]
        constraints = [
            models.UniqueConstraint(fields=["axis", "number"], name="unique_modality_number")
        ]

    def __str__(self) -> str:
        return self.text


class Indicator(models.Model):
    """An evaluation indicator and the rule that computes it (see ``plan.indicators``)."""

    # The registered kinds (plan/indicator_kinds/): Kind.MANUAL, Kind.values, Kind("document")…
    Kind = KindChoices()

    axis = models.ForeignKey(
        Axis, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("axe")
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    label = models.TextField(_("libellé"))
    kind = models.CharField(_("mode de calcul"), max_length=NAME_MAX_LENGTH, choices=kind_choices)
    rule = models.JSONField(_("règle de calcul"), default=dict, blank=True)
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    method = models.TextField(
        _("précision de méthode"),
        blank=True,
        help_text=_(
            "Complète la méthode déduite du mode de calcul et de la règle (ex. source d'une "
            "valeur saisie)."
        ),
    )
    baseline_value = models.FloatField(_("valeur de référence"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        _("année de la valeur de référence"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("indicateur d'évaluation")
        verbose_name_plural = _("indicateurs d'évaluation")
        ordering = ["axis", "number"]
        constraints = [
            models.UniqueConstraint(fields=["axis", "number"], name="unique_indicator_number")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def code(self) -> str:
        return f"{self.axis.number}.{self.number}"


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicateur")
    )
    year = models.PositiveSmallIntegerField(_("année"))
    value = models.FloatField(_("valeur cible"))

    class Meta:
        verbose_name = _("cible annuelle")
        verbose_name_plural = _("cibles annuelles")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="unique_target_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} : {self.value}"


class IndicatorValue(models.Model):
    """A value entered by hand, with its justification: the yearly value of a ``manual``
    indicator, or the oui (1) / non (0) of a ``document`` one (the justification then names
    the document)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicateur")
    )
    year = models.PositiveSmallIntegerField(_("année"))
    value = models.FloatField(_("valeur"))
    justification = models.TextField(_("justification"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("auteur"),
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("valeur saisie d'indicateur")
        verbose_name_plural = _("valeurs saisies d'indicateurs")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="unique_value_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} : {self.value}"


class Milestone(models.Model):
    """A step of the schedule (échéancier), set once the coordinator is recruited."""

    class Status(models.TextChoices):
        PLANNED = "prevu", _("prévu")
        IN_PROGRESS = "en_cours", _("en cours")
        DONE = "realise", _("réalisé")
        POSTPONED = "reporte", _("reporté")
        CANCELLED = "abandonne", _("abandonné")

    #: The statuses of a step still to do: past its date, it is « en retard » (échéancier,
    #: frise, tableau de bord, portefeuille, COPIL). A postponed step has no date to be late on.
    OPEN_STATUSES = frozenset({Status.PLANNED, Status.IN_PROGRESS})

    convention = models.ForeignKey(
        Convention,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("convention"),
    )
    axis = models.ForeignKey(
        Axis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("axe"),
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("objectif opérationnel"),
    )
    title = models.CharField(_("étape"), max_length=300)
    owner = models.CharField(_("qui"), max_length=300, blank=True)
    due_date = models.DateField(_("échéance"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("étape de l'échéancier")
        verbose_name_plural = _("étapes de l'échéancier")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.due_date:%d/%m/%Y} {self.title}"

    def is_late(self, today: dt.date) -> bool:
        """Still to do and past its date: the one rule of « en retard »."""
        return self.status in self.OPEN_STATUSES and self.due_date < today


class ActivityKind(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=150, unique=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("type d'activité")
        verbose_name_plural = _("types d'activité")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A partner named in the journal (free text; linked to the directory later)."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="plan_partners",
        verbose_name=_("territoire"),
    )
    name = models.CharField(_("nom"), max_length=300)

    class Meta:
        verbose_name = _("partenaire du journal")
        verbose_name_plural = _("partenaires du journal")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="unique_plan_partner")
        ]

    def __str__(self) -> str:
        return self.name


class ZoneBlanche(models.Model):
    """A zone flagged as « zone blanche » (no or too little offer), with its justification."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="zones_blanches",
        verbose_name=_("territoire"),
    )
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, verbose_name=_("zone"))
    justification = models.TextField(_("justification"))

    class Meta:
        verbose_name = _("zone blanche")
        verbose_name_plural = _("zones blanches")
        constraints = [
            models.UniqueConstraint(fields=["territory", "zone"], name="unique_zone_blanche")
        ]

    def __str__(self) -> str:
        return str(self.zone)


class Activity(models.Model):
    """A journal entry: what was done, when, for which axes/objectives, where, with whom.

    Aggregates only: never personal data about residents.
    """

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="activities", verbose_name=_("territoire")
    )
    date = models.DateField(_("date"))
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, verbose_name=_("type"))
    title = models.CharField(_("titre"), max_length=300)
    body = models.CharField(
        _("instance réunie"),
        max_length=200,
        blank=True,
        help_text=_(
            "Nom du groupe de travail, de l'instance ou de la commission qui s'est réunie : "
            "les indicateurs « Nombre de … » comptent les instances distinctes, pas les réunions."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    axes = models.ManyToManyField(Axis, related_name="activities", verbose_name=_("axes"))
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="activities", verbose_name=_("objectifs opérationnels")
    )
    partners = models.ManyToManyField(
        Partner, blank=True, related_name="activities", verbose_name=_("partenaires")
    )
    zones = models.ManyToManyField(
        Zone, blank=True, related_name="plan_activities", verbose_name=_("quartiers")
    )
    lon = models.FloatField(_("longitude (WGS84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS84)"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("nombre de participants"), null=True, blank=True)
    publics = models.CharField(_("publics"), max_length=300, blank=True)
    validated = models.BooleanField(
        _("document validé"),
        default=False,
        help_text=_("Pour un écrit partagé : le document a été validé par les partenaires."),
    )
    is_fictional = models.BooleanField(_("exemple fictif"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("auteur"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("activité du journal")
        verbose_name_plural = _("activités du journal")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["territory", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lon__isnull=True, lat__isnull=True)
                | models.Q(lon__isnull=False, lat__isnull=False),
                name="activity_position_complete",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.title}"


class JournalYear(models.Model):
    """A year whose journal the coordinator declared complete.

    Until then the journal's counts for that year read « non renseigné »: an empty or partial
    journal is not a zero.
    """

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="journal_years",
        verbose_name=_("territoire"),
    )
    year = models.PositiveSmallIntegerField(_("année"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("déclaré par"),
    )
    declared_at = models.DateTimeField(_("déclaré complet le"), auto_now_add=True)
    is_fictional = models.BooleanField(_("exemple fictif"), default=False)

    class Meta:
        verbose_name = _("année du journal déclarée complète")
        verbose_name_plural = _("années du journal déclarées complètes")
        ordering = ["territory", "year"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "year"], name="unique_journal_year")
        ]

    def __str__(self) -> str:
        return f"{self.territory} {self.year}"


ATTACHMENT_EXTENSIONS = tuple(
    "pdf odt ods odp doc docx xls xlsx ppt pptx txt csv png jpg jpeg".split()
)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def validate_attachment_size(file) -> None:
    if file.size is not None and file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("Fichier trop volumineux (10 Mo au plus)."))


def _attachment_path(instance: ActivityAttachment, filename: str) -> str:
    from .validation import attachment_basename

    name = attachment_basename(filename) or "piece-jointe"
    return f"journal/{instance.activity.territory.slug}/{instance.activity_id}/{name}"


class ActivityAttachment(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("activité")
    )
    file = models.FileField(
        _("fichier"),
        upload_to=_attachment_path,
        max_length=300,
        validators=[
            FileExtensionValidator(list(ATTACHMENT_EXTENSIONS)),
            validate_attachment_size,
        ],
    )
    name = models.CharField(_("nom"), max_length=200)
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["activity", "pk"]

    def __str__(self) -> str:
        return self.name


class CopilMeeting(models.Model):
    """A comité de pilotage of the CTG: when, who, the agenda, what is to be decided, notes.

    Its decisions (:class:`CopilDecision`) may become échéances of the schedule; the next
    meeting's deck shows what became of each.
    """

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="copil_meetings",
        verbose_name=_("territoire"),
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("intitulé"), max_length=300)
    participants = models.TextField(_("participants"), blank=True)
    agenda = models.TextField(_("ordre du jour"), blank=True, help_text=_("Un point par ligne."))
    to_decide = models.TextField(
        _("décisions à prendre"),
        blank=True,
        help_text=_("Saisies avant la réunion, un point par ligne : elles figurent au diaporama."),
    )
    notes = models.TextField(_("compte rendu"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("comité de pilotage")
        verbose_name_plural = _("comités de pilotage")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["territory", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.title}"


class CopilDecision(models.Model):
    """A decision taken in a COPIL: what, who carries it, by when, and the échéance it became."""

    class Status(models.TextChoices):
        OPEN = "a_faire", _("à faire")
        IN_PROGRESS = "en_cours", _("en cours")
        DONE = "realisee", _("réalisée")
        DROPPED = "abandonnee", _("abandonnée")

    meeting = models.ForeignKey(
        CopilMeeting,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("comité de pilotage"),
    )
    text = models.TextField(_("décision"))
    owner = models.CharField(_("qui"), max_length=300, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copil_decisions",
        verbose_name=_("étape de l'échéancier"),
    )

    class Meta:
        verbose_name = _("décision du comité de pilotage")
        verbose_name_plural = _("décisions du comité de pilotage")
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class GapLink(models.Model):
    """What a journal activity or an échéance answers in the diagnostic: a zone blanche (a
    theme of the diagnostic and a zone of the territory), a QPV, or a scenario.

    Validated by :func:`maillage.plan.gaps.gap_link_add` (the zone is one of the territory's,
    the theme one of the diagnostic's, the scenario one of the territory's)."""

    class Kind(models.TextChoices):
        ZONE_BLANCHE = "zone_blanche", _("zone blanche")
        QPV = "qpv", _("quartier prioritaire (QPV)")
        SCENARIO = "scenario", _("scénario du diagnostic")

    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="gap_links",
        verbose_name=_("activité du journal"),
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="gap_links",
        verbose_name=_("étape de l'échéancier"),
    )
    kind = models.CharField(_("manque"), max_length=12, choices=Kind.choices)
    theme = models.CharField(_("thème"), max_length=20, blank=True)
    zone = models.ForeignKey(
        Zone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zone"),
    )
    scenario = models.ForeignKey(
        "diagnostic.Scenario",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="gap_links",
        verbose_name=_("scénario"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lié par"),
    )
    created_at = models.DateTimeField(_("lié le"), auto_now_add=True)

    class Meta:
        verbose_name = _("lien vers un manque du diagnostic")
        verbose_name_plural = _("liens vers des manques du diagnostic")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(activity__isnull=False, milestone__isnull=True)
                | models.Q(activity__isnull=True, milestone__isnull=False),
                name="gap_link_one_parent",
            )
        ]

    def __str__(self) -> str:
        from .gaps import link_label

        return link_label(self)

    @property
    def territory(self) -> Territory | None:
        """The territory of the activity or échéance linked (for the history and the rights)."""
        if self.activity_id is not None:
            return self.activity.territory  # type: ignore[union-attr]
        if self.milestone_id is not None:
            return self.milestone.convention.territory  # type: ignore[union-attr]
        return None


class WhiteZoneSnapshot(models.Model):
    """The zones blanches of one theme as the diagnostic stated them on a day (« instantané »),
    so that the next COPIL shows their evolution. ``population`` ``None``: non calculable (or
    unknown), with ``reason``."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="white_zone_snapshots",
        verbose_name=_("territoire"),
    )
    taken_on = models.DateField(_("relevé le"))
    theme = models.CharField(_("thème"), max_length=20)
    theme_label = models.CharField(_("libellé du thème"), max_length=100)
    public = models.CharField(_("public"), max_length=200, blank=True)
    computable = models.BooleanField(_("calculable"), default=False)
    zones = models.PositiveIntegerField(_("nombre de zones blanches"), null=True, blank=True)
    population = models.FloatField(_("population concernée"), null=True, blank=True)
    reason = models.TextField(_("raison"), blank=True)
    max_distance_m = models.FloatField(_("rayon (m)"), null=True, blank=True)
    data_version = models.PositiveIntegerField(_("version des données"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("relevé des zones blanches")
        verbose_name_plural = _("relevés des zones blanches")
        ordering = ["territory", "-taken_on", "theme"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "taken_on", "theme"], name="unique_white_zone_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.taken_on:%d/%m/%Y} {self.theme_label}"
