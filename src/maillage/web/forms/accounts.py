"""Forms of the partners' space: login with rate limit, password, structure/service edits,
new places and services, review of a proposal, invitation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from maillage.accounts.backends import ThrottledLoginMixin
from maillage.accounts.models import Role
from maillage.directory.models import Organisation, Service, Structure
from maillage.directory.vocabulary import (
    CHILDCARE_MODE_LABELS,
    PUBLIC_LABELS,
    THEMATIQUE_CATEGORIES,
    THEMATIQUE_LABELS,
)
from maillage.territory.models import Commune, Territory

from ..opening_hours_widget import OpeningHoursWidget
from .concurrency import version_field
from .fields import form_field


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """Django's login form; the rate limit is the authentication backend's
    (:class:`maillage.accounts.backends.ThrottledModelBackend`), shared with the admin."""

    username = forms.CharField(
        label=_("Adresse électronique ou identifiant"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Identifiant ou mot de passe incorrect (attention aux majuscules)."),
    }


class PasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 8 caractères, pas uniquement des chiffres, pas trop courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _g("Les deux mots de passe diffèrent."))
        return data


class StructureEditForm(forms.ModelForm):
    website = forms.URLField(
        label=_("site web"), max_length=300, required=False, assume_scheme="https"
    )
    version = version_field()

    class Meta:
        model = Structure
        fields = [
            "name",
            "description",
            "address",
            "postcode",
            "phone",
            "email",
            "website",
            "opening_hours",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "opening_hours": OpeningHoursWidget(),
        }


class ServiceEditForm(forms.ModelForm):
    version = version_field()

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "conditions_acces",
            "frais",
            "frais_precisions",
            "opening_hours",
            "capacity",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "conditions_acces": forms.Textarea(attrs={"rows": 3}),
            "frais_precisions": forms.Textarea(attrs={"rows": 2}),
            "opening_hours": OpeningHoursWidget(),
        }


def _grouped_checkboxes() -> forms.CheckboxSelectMultiple:
    """Checkboxes whose groups are fieldsets with a legend (Django's default renders a bare
    ``<label>`` for a group); ``widget_type`` stays ``checkboxselectmultiple``."""
    widget = forms.CheckboxSelectMultiple()
    widget.template_name = "accounts/widgets/grouped_checkboxes.html"
    return widget


def _thematique_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """data·inclusion thématiques grouped by their category (``categorie--thematique``)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for slug, label in THEMATIQUE_LABELS.items():
        groups.setdefault(slug.split("--", 1)[0], []).append((slug, label))
    return [(THEMATIQUE_CATEGORIES.get(cat, cat), items) for cat, items in groups.items()]


class StructureCreateForm(forms.ModelForm):
    """« Déclarer un nouveau lieu ». The position is optional (without it the place is
    « à localiser »); :func:`maillage.directory.services.structure_place` checks it."""

    website = forms.URLField(
        label=_("site web"), max_length=300, required=False, assume_scheme="https"
    )
    lat = forms.FloatField(label=_("Latitude (WGS84)"), required=False)
    lon = forms.FloatField(label=_("Longitude (WGS84)"), required=False)
    position_precision = forms.ChoiceField(
        label=_("Précision de la position"),
        choices=[
            (Structure.Precision.APPROXIMATE, _("approchée (rue, quartier)")),
            (Structure.Precision.EXACT, _("exacte (bâtiment)")),
        ],
        required=False,
    )

    class Meta:
        model = Structure
        fields = [
            "name",
            "typology",
            "description",
            "address",
            "postcode",
            "commune",
            "phone",
            "email",
            "website",
            "opening_hours",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opening_hours": OpeningHoursWidget(),
        }

    def __init__(
        self,
        *args: Any,
        territory: Territory,
        organisations: QuerySet[Organisation] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["typology"].required = True
        self.fields["commune"].required = True
        form_field(self, "commune", forms.ModelChoiceField).queryset = (
            Commune.objects.filter(Q(territories=territory) | Q(neighbour_of=territory))
            .distinct()
            .order_by("name")
        )
        self.fields["postcode"].help_text = _("5 chiffres, ex. 59280.")
        if organisations is not None:  # the coordinator chooses; a partner's is their own
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation"), queryset=organisations, required=False
            )

    def clean_postcode(self) -> str:
        value = (self.cleaned_data.get("postcode") or "").strip()
        if value and not (len(value) == 5 and value.isdigit()):
            raise ValidationError(_g("Le code postal compte 5 chiffres."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) and not (self.has_error("lat") or self.has_error("lon")):
            missing = "lon" if lon is None else "lat"
            self.add_error(missing, _g("Longitude et latitude vont ensemble."))
        return data

    def structure_fields(self) -> dict[str, Any]:
        """The fields :func:`structure_create` takes (position apart)."""
        fields = {k: self.cleaned_data[k] for k in self.Meta.fields if k != "name"}
        if "organisation" in self.fields:
            fields["organisation"] = self.cleaned_data.get("organisation")
        return fields

    def position(self) -> dict[str, Any] | None:
        """The arguments of :func:`structure_place`, or ``None`` without a position."""
        d = self.cleaned_data
        if d.get("lat") is None or d.get("lon") is None:
            return None
        return {
            "lat": d["lat"],
            "lon": d["lon"],
            "precision": d.get("position_precision") or "",
            "source": _g("Déclaration du partenaire (placement sur la carte)"),
        }


class ServiceCreateForm(ServiceEditForm):
    """« Ajouter un service » to a structure: the edit form's fields plus what describes who
    the service is for; thématiques, publics and ages default to the structure's typology."""

    thematiques = forms.MultipleChoiceField(
        label=_("Thématiques (data·inclusion)"),
        choices=_thematique_choices,
        required=False,
        widget=_grouped_checkboxes(),
    )
    publics = forms.MultipleChoiceField(
        label=_("Publics"),
        choices=list(PUBLIC_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    childcare_modes = forms.MultipleChoiceField(
        label=_("Modes d'accueil du jeune enfant"),
        choices=list(CHILDCARE_MODE_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # a new service has no version yet: Django drops an inherited declared field set to None,
    # which the stubs do not know
    version = None  # type: ignore[assignment]

    class Meta(ServiceEditForm.Meta):
        fields = [
            "name",
            "type",
            "description",
            "thematiques",
            "publics",
            "age_min",
            "age_max",
            "capacity",
            "childcare_modes",
            "conditions_acces",
            "frais",
            "frais_precisions",
            "opening_hours",
        ]

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, structure: Structure, **kwargs: Any
    ) -> None:
        typology = structure.typology
        if typology is not None and data is None:
            kwargs["initial"] = {
                "thematiques": [t for t in typology.thematiques if t in THEMATIQUE_LABELS],
                "publics": [p for p in typology.publics if p in PUBLIC_LABELS],
                "age_min": typology.age_min,
                "age_max": typology.age_max,
                **kwargs.get("initial", {}),
            }
        kwargs.setdefault("instance", Service(structure=structure))
        super().__init__(data, **kwargs)

    def service_fields(self) -> dict[str, Any]:
        """The fields :func:`service_create` takes (``name`` apart)."""
        return {k: self.cleaned_data[k] for k in self.Meta.fields if k != "name"}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("validate", _("Valider")), ("reject", _("Refuser"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique professionnelle"))
    role = forms.ChoiceField(
        label=_("Rôle"),
        # Every role, in the order a coordinator invites them (labels from the model).
        choices=[
            (r.value, r.label)
            for r in (Role.PARTNER, Role.OBSERVER, Role.ADVISER, Role.COORDINATOR)
        ],
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation (pour un partenaire)"),
        queryset=Organisation.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = form_field(self, "organisation", forms.ModelChoiceField)
        organisation.queryset = Organisation.objects.filter(
            structures__territory=territory
        ).distinct()
