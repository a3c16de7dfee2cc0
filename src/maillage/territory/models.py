"""Territories (CTG perimeters), communes, zones, 200 m population cells and statistics.

Geometries are stored as GeoJSON (WGS84, lon/lat) in JSON fields; every area, overlay or
distance is computed in Lambert-93 (EPSG:2154) by :mod:`maillage.territory.geo`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Commune(models.Model):
    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    boundary = models.JSONField(_("contour (GeoJSON WGS84)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population légale"), null=True, blank=True)
    population_vintage = models.CharField(
        _("millésime de la population"), max_length=50, blank=True
    )
    population_source = models.CharField(_("source de la population"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"


class Territory(models.Model):
    """A CTG perimeter: one or several communes over a period."""

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    communes = models.ManyToManyField(
        Commune, related_name="territories", verbose_name=_("communes de la CTG")
    )
    neighbours = models.ManyToManyField(
        Commune, related_name="neighbour_of", blank=True, verbose_name=_("communes voisines")
    )
    period_start = models.PositiveSmallIntegerField(_("début de la période"))
    period_end = models.PositiveSmallIntegerField(_("fin de la période"))
    description = models.TextField(_("description"), blank=True)
    data_version = models.PositiveIntegerField(
        _("version des données"), default=0, help_text=_("Incrémentée à chaque modification.")
    )

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="territory_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.period_start}-{self.period_end})"


class DatasetSource(models.Model):
    """One file of a loaded dataset, as described by its manifest."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="sources", verbose_name=_("territoire")
    )
    path = models.CharField(_("fichier"), max_length=300)
    title = models.CharField(_("titre"), max_length=300)
    producer = models.CharField(_("producteur"), max_length=300, blank=True)
    source_url = models.CharField(_("URL de la source"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=200)
    vintage = models.CharField(_("millésime"), max_length=50, blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("source de données")
        verbose_name_plural = _("sources de données")
        ordering = ["territory", "path"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "path"], name="unique_source_per_territory"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Zone(models.Model):
    class Kind(models.TextChoices):
        IRIS = "iris", _("IRIS")
        QPV = "qpv", _("QPV")
        QUARTIER = "quartier", _("quartier")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("nom"), max_length=200)
    zone_type = models.CharField(
        _("sous-type"), max_length=20, blank=True, help_text=_("Ex. type d'IRIS : H, A, D.")
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="zones",
        verbose_name=_("commune"),
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="zones",
        verbose_name=_("territoire"),
        help_text=_("Renseigné pour les quartiers propres à un territoire."),
    )
    boundary = models.JSONField(_("contour (GeoJSON WGS84)"), null=True, blank=True)
    source = models.ForeignKey(
        DatasetSource, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="unique_zone_code")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} — {self.name}"


class PopulationCell(models.Model):
    """An INSEE 200 m carreau (Filosofi) with its population."""

    cell_id = models.CharField(_("identifiant INSEE"), max_length=60, unique=True)
    boundary = models.JSONField(_("contour (GeoJSON WGS84)"))
    x_l93 = models.FloatField(_("x du centre (Lambert-93, m)"))
    y_l93 = models.FloatField(_("y du centre (Lambert-93, m)"))
    population = models.FloatField(_("population"))
    imputed = models.BooleanField(_("valeurs imputées par l'INSEE"), default=False)
    poverty_share = models.FloatField(_("part de ménages pauvres"), null=True, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cells",
        verbose_name=_("commune du centre"),
    )
    zones = models.ManyToManyField(
        Zone, through="CellZone", related_name="cells", verbose_name=_("zones")
    )
    source = models.ForeignKey(
        DatasetSource, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("carreau de population")
        verbose_name_plural = _("carreaux de population")
        ordering = ["cell_id"]

    def __str__(self) -> str:
        return self.cell_id


class CellZone(models.Model):
    """Share of a cell's area inside a zone (computed in Lambert-93 at load time)."""

    cell = models.ForeignKey(PopulationCell, on_delete=models.CASCADE, verbose_name=_("carreau"))
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, verbose_name=_("zone"))
    share = models.FloatField(_("part de la surface du carreau"))

    class Meta:
        verbose_name = _("carreau dans une zone")
        verbose_name_plural = _("carreaux dans les zones")
        constraints = [models.UniqueConstraint(fields=["cell", "zone"], name="unique_cell_zone")]

    def __str__(self) -> str:
        return f"{self.cell_id} ∩ {self.zone_id} ({self.share:.0%})"


class Statistic(models.Model):
    """A figure about a territory, a commune or a zone, always with its source and vintage."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statistics",
        verbose_name=_("territoire"),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statistics",
        verbose_name=_("commune"),
    )
    zone = models.ForeignKey(
        Zone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statistics",
        verbose_name=_("zone"),
    )
    key = models.CharField(_("clé"), max_length=100)
    label = models.CharField(_("libellé"), max_length=300)
    theme = models.CharField(_("thème"), max_length=50, blank=True)
    value = models.FloatField(_("valeur"))
    unit = models.CharField(_("unité"), max_length=30)
    vintage = models.CharField(_("millésime"), max_length=50)
    source = models.CharField(_("source"), max_length=300)
    source_url = models.CharField(_("URL de la source"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    dataset = models.ForeignKey(
        DatasetSource, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("fichier")
    )

    class Meta:
        verbose_name = _("statistique")
        verbose_name_plural = _("statistiques")
        ordering = ["key", "vintage"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(territory__isnull=False, commune__isnull=True, zone__isnull=True)
                    | models.Q(territory__isnull=True, commune__isnull=False, zone__isnull=True)
                    | models.Q(territory__isnull=True, commune__isnull=True, zone__isnull=False)
                ),
                name="statistic_has_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} : {self.value} {self.unit} ({self.vintage})"

    @property
    def subject(self) -> Territory | Commune | Zone:
        subject = self.territory or self.commune or self.zone
        assert subject is not None  # the check constraint requires exactly one
        return subject
