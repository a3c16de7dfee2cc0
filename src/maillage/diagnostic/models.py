"""Models of the diagnostic app: « what if » scenarios and housing projects.

A scenario never changes the real data: :func:`maillage.diagnostic.scenarios.scenario_run`
applies its changes in memory and compares before/after.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Structure
from maillage.territory.models import Territory, Zone

from .themes import PUBLICS, THEMES


class Scenario(models.Model):
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="scenarios", verbose_name=_("territoire")
    )
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scenarios",
        verbose_name=_("auteur"),
    )
    created = models.DateTimeField(_("créé le"), auto_now_add=True)
    theme = models.CharField(
        _("thème"),
        max_length=20,
        choices=[(t.slug, t.label) for t in THEMES.values()],
        default="petite-enfance",
    )
    public = models.CharField(
        _("public"),
        max_length=10,
        choices=[(k, v[0]) for k, v in PUBLICS.items()],
        default="0-2",
    )
    max_distance_m = models.FloatField(
        _("rayon (m)"),
        default=1000.0,
        validators=[MinValueValidator(50), MaxValueValidator(50_000)],
    )
    horizon_year = models.PositiveSmallIntegerField(
        _("année d'horizon"),
        null=True,
        blank=True,
        help_text=_("Seuls les projets de logements livrés au plus tard cette année comptent."),
    )

    class Meta:
        verbose_name = _("scénario")
        verbose_name_plural = _("scénarios")
        ordering = ["territory", "-created", "pk"]

    def __str__(self) -> str:
        return self.name


class ScenarioChange(models.Model):
    """One change of the offer: add, move, close or resize a structure."""

    class Action(models.TextChoices):
        ADD = "add", _("ajouter une structure")
        MOVE = "move", _("déplacer une structure")
        CLOSE = "close", _("fermer une structure")
        RESIZE = "resize", _("changer le nombre de places")

    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="changes", verbose_name=_("scénario")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    structure = models.ForeignKey(
        Structure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("structure existante"),
    )
    name = models.CharField(_("nom de la structure ajoutée"), max_length=200, blank=True)
    typology = models.CharField(_("typologie CTG"), max_length=60, blank=True)
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    lon = models.FloatField(_("longitude (WGS84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS84)"), null=True, blank=True)
    zone = models.ForeignKey(
        Zone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zone (centre de ses carreaux peuplés)"),
    )

    class Meta:
        verbose_name = _("changement de scénario")
        verbose_name_plural = _("changements de scénario")
        ordering = ["scenario", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.structure or self.name}"


class HousingProject(models.Model):
    """New dwellings, turned into children by age with stated, editable assumptions."""

    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.CASCADE,
        related_name="housing_projects",
        verbose_name=_("scénario"),
    )
    name = models.CharField(_("nom"), max_length=200)
    dwellings = models.PositiveIntegerField(_("logements"))
    lon = models.FloatField(_("longitude (WGS84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS84)"), null=True, blank=True)
    zone = models.ForeignKey(
        Zone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zone"),
    )
    delivery_year = models.PositiveSmallIntegerField(_("année de livraison"))
    persons_per_dwelling = models.FloatField(
        _("personnes par logement"),
        null=True,
        blank=True,
        help_text=_("Vide : taille moyenne des ménages de la commune (recensement)."),
    )
    age_shares = models.JSONField(
        _("parts par âge"),
        default=dict,
        blank=True,
        help_text=_('Ex. {"0-2": 0.04} ; vide : parts estimées pour le territoire.'),
    )
    note = models.TextField(_("hypothèses"), blank=True)

    class Meta:
        verbose_name = _("projet de logements")
        verbose_name_plural = _("projets de logements")
        ordering = ["scenario", "delivery_year", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.dwellings} logements, {self.delivery_year})"
