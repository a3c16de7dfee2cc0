"""Addresses of the Base Adresse Nationale for the communes of the territories, and the loads
that brought them (file, rows read and kept, when)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def _token() -> str:
    return uuid.uuid4().hex


class AddressLoad(models.Model):
    """One run of ``maillage adresses charger`` for a territory."""

    territory = models.ForeignKey(
        "territory.Territory",
        on_delete=models.CASCADE,
        related_name="address_loads",
        verbose_name=_("territoire"),
    )
    file_name = models.CharField(_("fichier"), max_length=300)
    insee_codes = models.JSONField(_("communes chargées (codes INSEE)"), default=list)
    rows_read = models.PositiveIntegerField(_("lignes lues"), default=0)
    rows_kept = models.PositiveIntegerField(_("adresses retenues"), default=0)
    loaded_at = models.DateTimeField(_("chargé le"), auto_now_add=True)
    # Changes at every load: the in-memory street index of the geocoder is keyed on it.
    token = models.CharField(_("jeton"), max_length=32, default=_token, editable=False)

    class Meta:
        verbose_name = _("chargement de la BAN")
        verbose_name_plural = _("chargements de la BAN")
        ordering = ["-loaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows_kept} adresses)"


class Address(models.Model):
    """One BAN address (« numéro + répétition + voie ») with its position (WGS84)."""

    load = models.ForeignKey(
        AddressLoad,
        on_delete=models.CASCADE,
        related_name="addresses",
        verbose_name=_("chargement"),
    )
    ban_id = models.CharField(_("identifiant BAN"), max_length=60)
    code_insee = models.CharField(_("code INSEE"), max_length=5)
    nom_commune = models.CharField(_("commune"), max_length=200)
    code_postal = models.CharField(_("code postal"), max_length=5, blank=True)
    numero = models.PositiveIntegerField(_("numéro"), null=True, blank=True)
    rep = models.CharField(_("indice de répétition"), max_length=20, blank=True)
    nom_voie = models.CharField(_("voie"), max_length=250)
    voie_key = models.CharField(_("voie (clé de recherche)"), max_length=250)
    lon = models.FloatField(_("longitude (WGS84)"))
    lat = models.FloatField(_("latitude (WGS84)"))

    class Meta:
        verbose_name = _("adresse (BAN)")
        verbose_name_plural = _("adresses (BAN)")
        indexes = [
            models.Index(fields=["code_insee", "voie_key", "numero"], name="address_street_idx")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        number = f"{self.numero}{' ' + self.rep if self.rep else ''} " if self.numero else ""
        return f"{number}{self.nom_voie} {self.code_postal} {self.nom_commune}".replace("  ", " ")
