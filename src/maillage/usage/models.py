"""One model: a counter per territory, day, kind of event and key (no row per visit)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What is counted. ``key`` says which fiche, criteria or guide (never who)."""

    DIRECTORY = "annuaire", _("visite de l'annuaire")
    FICHE = "fiche", _("vue de fiche")
    SEARCH = "recherche", _("recherche")
    SEARCH_EMPTY = "recherche_vide", _("recherche sans résultat")
    GUIDE = "guide", _("téléchargement du guide")
    DIRECTIONS = "itineraire", _("clic « itinéraire »")
    PHONE = "telephone", _("clic sur le téléphone")
    EMAIL = "courriel", _("clic sur le courriel")
    WEBSITE = "site", _("clic sur le site web")
    WIDGET = "widget", _("vue du widget (site partenaire)")


#: How a total of each kind reads (« 484 vues de fiches »).
PLURALS = {
    Kind.DIRECTORY: _("visites de l'annuaire"),
    Kind.FICHE: _("vues de fiches"),
    Kind.SEARCH: _("recherches"),
    Kind.SEARCH_EMPTY: _("recherches sans résultat"),
    Kind.GUIDE: _("téléchargements du guide"),
    Kind.DIRECTIONS: _("clics « itinéraire »"),
    Kind.PHONE: _("clics sur le téléphone"),
    Kind.EMAIL: _("clics sur le courriel"),
    Kind.WEBSITE: _("clics sur le site web"),
    Kind.WIDGET: _("vues du widget sur d'autres sites"),
}

#: Clicks on a fiche's contact (the « sollicitations » of indicator 1.5).
CONTACT_KINDS = (Kind.DIRECTIONS, Kind.PHONE, Kind.EMAIL, Kind.WEBSITE)


class DailyCount(models.Model):
    """How many times ``kind`` happened on ``day`` for ``key`` in ``territory``.

    ``key``: the structure id (fiche views, contact clicks), the search criteria as sorted
    ``name=value`` pairs chosen from the form's lists (``age=4&quartier=…&thematique=…``; free
    text is never stored, only that there was some: ``texte=1``), or the guide's quartier and
    theme; empty for a visit of the directory.
    """

    territory = models.ForeignKey(
        "territory.Territory",
        on_delete=models.CASCADE,
        related_name="daily_counts",
        verbose_name=_("territoire"),
    )
    day = models.DateField(_("jour"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("clé"), max_length=300, blank=True, default="")
    count = models.PositiveIntegerField(_("nombre"), default=0)

    class Meta:
        verbose_name = _("compte quotidien d'audience")
        verbose_name_plural = _("comptes quotidiens d'audience")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "day", "kind", "key"], name="usage_dailycount_unique"
            )
        ]
        indexes = [models.Index(fields=["territory", "kind", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.key}: {self.count}"
