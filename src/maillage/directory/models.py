"""Directory of the territory's offer: typologies, organisations, structures (places), services.

Fields follow the data·inclusion v1 schema (structures and services); our additions (CTG
typology, ages, capacity, childcare modes, Lambert-93 position) are extra fields, never renamings.
Positions are stored in WGS84 (``lon``/``lat``) and in Lambert-93 metres (``x_l93``/``y_l93``),
both null when no source locates the structure (« à localiser »).

Validation lives in :mod:`maillage.directory.validation` (called by ``clean()`` and the services).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.territory.models import Commune, DatasetSource, Territory, Zone


def _clean_fields_with(obj: Any, validate: Any, exclude: Any, base: Any) -> None:
    """Django's field checks plus ours, keeping only errors of the fields not excluded
    (a form showing some fields never gets an error it cannot display)."""
    errors: dict[str, list] = {}
    for check in (lambda: base(exclude=exclude), lambda: validate(obj)):
        try:
            check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if not exclude or field not in exclude:
                    errors.setdefault(field, []).extend(
                        m for m in messages if m not in errors.get(field, [])
                    )
    if errors:
        raise ValidationError(errors)


class HttpsURLField(models.URLField):
    """A URL field whose form field assumes ``https://`` when the scheme is missing."""

    def formfield(self, **kwargs):  # noqa: ANN001, ANN201 — Django's signature
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


class CtgTheme(models.TextChoices):
    PETITE_ENFANCE = "petite-enfance", _("Petite enfance")
    ENFANCE = "enfance", _("Enfance")
    JEUNESSE = "jeunesse", _("Jeunesse")
    PARENTALITE = "parentalite", _("Parentalité")
    VIE_SOCIALE = "vie-sociale", _("Animation de la vie sociale")
    INSERTION = "insertion", _("Insertion")
    EDUCATION = "education", _("Éducation")
    SANTE = "sante", _("Santé")
    ACCES_DROITS = "acces-droits", _("Accès aux droits")


class Typology(models.Model):
    """A CTG structure type (EAJE, RPE, LAEP, école…), loaded from ``typology.yaml``."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("libellé"), max_length=150)
    family = models.CharField(
        _("famille"), max_length=80, blank=True, help_text=_("Ex. EAJE, École, Accès aux droits.")
    )
    theme = models.CharField(_("thème CTG"), max_length=20, choices=CtgTheme.choices)
    thematiques = models.JSONField(
        _("thématiques data·inclusion"), default=list, blank=True, help_text=_("Slugs v1.")
    )
    publics = models.JSONField(
        _("publics data·inclusion par défaut"), default=list, blank=True, help_text=_("Slugs v1.")
    )
    age_min = models.FloatField(_("âge minimum par défaut (ans)"), null=True, blank=True)
    age_max = models.FloatField(_("âge maximum par défaut (ans)"), null=True, blank=True)
    childcare = models.BooleanField(
        _("accueil du jeune enfant"),
        default=False,
        help_text=_(
            "Compte dans le taux de couverture (places pour 100 enfants de moins de 3 ans)."
        ),  # noqa: E501
    )
    keywords = models.CharField(
        _("mots-clés de recherche"),
        max_length=300,
        blank=True,
        help_text=_("Synonymes trouvés par la recherche (ex. « crèche » pour un multi-accueil)."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("typologie CTG")
        verbose_name_plural = _("typologies CTG")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label


class Organisation(models.Model):
    """A partner (commune service, CAF, association…) that runs one or several structures."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Service municipal")
        CAF = "caf", _("CAF")
        DEPARTEMENT = "departement", _("Département")
        ETAT = "etat", _("État")
        ETABLISSEMENT_PUBLIC = "etablissement-public", _("Établissement public")
        ASSOCIATION = "association", _("Association")
        ENTREPRISE = "entreprise", _("Entreprise")
        AUTRE = "autre", _("Autre")

    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature"), max_length=30, choices=Kind.choices, default=Kind.AUTRE)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    website = HttpsURLField(_("site web"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Structure(models.Model):
    """A place where services are offered (data·inclusion *structure*)."""

    class Precision(models.TextChoices):
        EXACT = "exact", _("exacte")
        APPROXIMATE = "approximate", _("approchée")
        UNKNOWN = "unknown", _("inconnue (à localiser)")

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="structures", verbose_name=_("territoire")
    )
    slug = models.SlugField(_("identifiant"), max_length=120)
    name = models.CharField(_("nom"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="structures",
        verbose_name=_("organisation"),
    )
    typology = models.ForeignKey(
        Typology,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="structures",
        verbose_name=_("typologie CTG"),
    )
    sector = models.CharField(_("secteur"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Address and position
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="structures",
        verbose_name=_("commune"),
    )
    lon = models.FloatField(_("longitude (WGS84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS84)"), null=True, blank=True)
    x_l93 = models.FloatField(_("x (Lambert-93, m)"), null=True, blank=True)
    y_l93 = models.FloatField(_("y (Lambert-93, m)"), null=True, blank=True)
    position_precision = models.CharField(
        _("précision de la position"),
        max_length=12,
        choices=Precision.choices,
        default=Precision.UNKNOWN,
    )
    position_source = models.CharField(_("source de la position"), max_length=300, blank=True)
    zones = models.ManyToManyField(
        Zone,
        blank=True,
        related_name="structures",
        verbose_name=_("zones (IRIS, QPV, quartiers)"),
    )
    # Contact
    opening_hours = models.CharField(
        _("horaires d'ouverture"),
        max_length=500,
        blank=True,
        help_text=_("Syntaxe OpenStreetMap, ex. « Mo-Fr 08:00-18:00; Sa 09:00-12:00; PH off »."),
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = HttpsURLField(_("site web"), max_length=300, blank=True)
    acceslibre_url = HttpsURLField(_("fiche Acceslibre"), max_length=300, blank=True)
    # Identifiers and provenance
    uai = models.CharField(_("UAI"), max_length=8, blank=True, db_index=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    finess = models.CharField(_("FINESS"), max_length=9, blank=True, db_index=True)
    source = models.CharField(
        _("source (data·inclusion)"), max_length=60, help_text=_("Producteur, ex. « ctg ».")
    )
    source_id = models.CharField(_("identifiant chez la source"), max_length=120)
    source_label = models.CharField(_("source"), max_length=300, blank=True)
    source_url = models.CharField(_("URL de la source"), max_length=1000, blank=True)
    dataset = models.ForeignKey(
        DatasetSource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("fichier du jeu de données"),
    )
    data_updated_on = models.DateField(_("date de mise à jour des données"), null=True, blank=True)
    note = models.TextField(_("note sur les données"), blank=True)
    # Grouped records: several places known only by a total (e.g. « 6 micro-crèches, 72 places »)
    grouped_count = models.PositiveSmallIntegerField(
        _("nombre de lieux regroupés"),
        null=True,
        blank=True,
        help_text=_("Renseigné quand la fiche regroupe plusieurs lieux connus par un total."),
    )
    # A fiche split out of a grouped record (« Micro-crèches privées (6 lieux) » → one fiche per
    # real place): the grouped record keeps the CTG's declared total as a check, and counts
    # only what is not yet distributed to its parts (:mod:`maillage.directory.grouped`).
    part_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("lieu réparti depuis la fiche regroupée"),
    )
    published = models.BooleanField(_("publiée"), default=True)
    # Provenance shown to the public (« Source : CTG 2023-2026 »); ``source_label``, ``note``
    # and ``position_source`` are internal (coordinators and observers only).
    public_source = models.CharField(_("source affichée au public"), max_length=300, blank=True)
    # Supply the CTG declares without naming it (« 6 micro-crèches », « 2 centres sociaux ») :
    # counted by the diagnostic, listed for the coordinator, never a public fiche.
    declared_only = models.BooleanField(
        _("offre déclarée sans fiche publique"),
        default=False,
        help_text=_(
            "Offre citée par la CTG sans nom ni adresse : comptée dans le diagnostic, "
            "absente de l'annuaire public."
        ),
    )
    search_text = models.TextField(_("texte de recherche"), blank=True, editable=False)
    sort_name = models.CharField(
        _("nom pour le tri"), max_length=200, blank=True, editable=False, db_index=True
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="unique_structure_slug"),
            models.UniqueConstraint(
                fields=["territory", "source", "source_id"], name="unique_structure_source_id"
            ),
        ]
        indexes = [models.Index(fields=["x_l93", "y_l93"], name="structure_l93")]

    def __str__(self) -> str:
        return self.name

    @property
    def located(self) -> bool:
        return self.x_l93 is not None and self.y_l93 is not None

    @property
    def is_grouped(self) -> bool:
        return bool(self.grouped_count and self.grouped_count > 1)

    @property
    def data_inclusion_id(self) -> str:
        return f"{self.source}--{self.source_id}"

    def clean_fields(self, exclude: Any = None) -> None:
        from .validation import validate_structure

        _clean_fields_with(self, validate_structure, exclude, super().clean_fields)


class Service(models.Model):
    """A service offered at a structure (data·inclusion v1 *service* plus CTG additions)."""

    class Type(models.TextChoices):
        ACCOMPAGNEMENT = "accompagnement", _("accompagnement")
        AIDE_FINANCIERE = "aide-financiere", _("aide financière")
        AIDE_MATERIELLE = "aide-materielle", _("aide matérielle")
        ATELIER = "atelier", _("atelier")
        FORMATION = "formation", _("formation")
        INFORMATION = "information", _("information")

    class Frais(models.TextChoices):
        GRATUIT = "gratuit", _("gratuit")
        PAYANT = "payant", _("payant")

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="services", verbose_name=_("structure")
    )
    name = models.CharField(_("nom"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, blank=True)
    thematiques = models.JSONField(_("thématiques"), default=list, blank=True)
    publics = models.JSONField(_("publics"), default=list, blank=True)
    publics_precisions = models.TextField(_("précisions sur les publics"), blank=True)
    conditions_acces = models.TextField(_("conditions d'accès"), blank=True)
    frais = models.CharField(_("frais"), max_length=10, choices=Frais.choices, blank=True)
    frais_precisions = models.TextField(_("précisions sur les frais"), blank=True)
    modes_accueil = models.JSONField(_("modes d'accueil"), default=list, blank=True)
    zone_eligibilite = models.JSONField(
        _("zone d'éligibilité"), default=list, blank=True, help_text=_("Codes INSEE.")
    )
    modes_mobilisation = models.JSONField(_("modes de mobilisation"), default=list, blank=True)
    mobilisable_par = models.JSONField(_("mobilisable par"), default=list, blank=True)
    mobilisation_precisions = models.TextField(_("précisions sur la mobilisation"), blank=True)
    opening_hours = models.CharField(
        _("horaires d'accueil"), max_length=500, blank=True, help_text=_("Syntaxe OpenStreetMap.")
    )
    # CTG additions
    age_min = models.FloatField(_("âge minimum (ans)"), null=True, blank=True)
    age_max = models.FloatField(
        _("âge maximum (ans)"), null=True, blank=True, help_text=_("Exclu : 0-3 = avant 3 ans.")
    )
    capacity = models.IntegerField(_("capacité (places)"), null=True, blank=True)
    places_open_to_public = models.IntegerField(
        _("places ouvertes aux extérieurs"),
        null=True,
        blank=True,
        help_text=_("Ex. places d'une crèche d'entreprise ouvertes aux familles extérieures."),
    )
    childcare_modes = models.JSONField(
        _("modes d'accueil du jeune enfant"), default=list, blank=True
    )
    insertion_places = models.IntegerField(
        _("places à vocation d'insertion professionnelle"), null=True, blank=True
    )
    source = models.CharField(_("source (data·inclusion)"), max_length=60)
    source_id = models.CharField(_("identifiant chez la source"), max_length=120)
    source_label = models.CharField(_("source"), max_length=300, blank=True)
    data_updated_on = models.DateField(_("date de mise à jour des données"), null=True, blank=True)
    note = models.TextField(_("note sur les données"), blank=True)
    published = models.BooleanField(_("publié"), default=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["structure", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "source", "source_id"], name="unique_service_source_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.structure}"

    def clean_fields(self, exclude: Any = None) -> None:
        from .validation import validate_service

        _clean_fields_with(self, validate_service, exclude, super().clean_fields)


class PositionProposal(models.Model):
    """A position proposed for a structure by a geocoder (« Compléter l'offre »): never applied
    until the coordinator accepts it (:mod:`maillage.directory.completion_services`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("à examiner")
        ACCEPTED = "accepted", _("acceptée")
        REJECTED = "rejected", _("rejetée")

    structure = models.ForeignKey(
        Structure,
        on_delete=models.CASCADE,
        related_name="position_proposals",
        verbose_name=_("structure"),
    )
    query = models.CharField(_("adresse cherchée"), max_length=300)
    label = models.CharField(_("adresse trouvée"), max_length=300)
    lon = models.FloatField(_("longitude (WGS84)"))
    lat = models.FloatField(_("latitude (WGS84)"))
    score = models.FloatField(_("score (0 à 1)"))
    source = models.CharField(_("source"), max_length=40, help_text=_("BAN ou Géoplateforme."))
    kind = models.CharField(
        _("type de réponse"),
        max_length=20,
        blank=True,
        help_text=_("« housenumber » : un numéro de la voie ; « street » : la voie seule."),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demandée par"),
    )
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("examinée par"),
    )
    decided_at = models.DateTimeField(_("examinée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposition de position")
        verbose_name_plural = _("propositions de position")
        ordering = ["structure", "-score", "pk"]

    def __str__(self) -> str:
        return f"{self.structure} — {self.label}"
