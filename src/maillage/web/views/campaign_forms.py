"""Forms of the update campaigns: the coordinator's launch form, and the partner's short form
(one sub-form per place and per service, prefixed ``s<id>`` / ``v<id>``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from maillage.accounts.versioning import version_of
from maillage.directory.models import Organisation, Service, Structure
from maillage.network.campaigns import DEFAULT_DAYS, MAX_DAYS, Edit

from ..forms.concurrency import VERSION, version_field
from ..forms.fields import form_field
from ..opening_hours_widget import OpeningHoursWidget


class OrganisationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        """« Name (n fiche(s)) »: ``places`` is annotated by ``campaign_organisations``."""
        return _g("%(name)s (%(n)s fiche(s))") % {
            "name": obj.name,
            "n": getattr(obj, "places", "?"),
        }


class LaunchForm(forms.Form):
    title = forms.CharField(label=_("Titre de la campagne"), max_length=200)
    days = forms.IntegerField(
        label=_("Liens valables pendant (jours)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
    )
    message = forms.CharField(
        label=_("Message aux partenaires (facultatif, repris dans le courriel)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    organisations = OrganisationsField(
        label=_("Organisations invitées"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Toutes sont cochées : décochez celles à ne pas solliciter."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "organisations", OrganisationsField).queryset = organisations
        if not self.is_bound:
            self.initial.setdefault("organisations", list(organisations))
            self.initial.setdefault(
                "title",
                _g("Mise à jour de l'annuaire — %(month)s")
                % {"month": date_format(timezone.localdate(), "F Y")},
            )


class RespondentForm(forms.Form):
    respondent_name = forms.CharField(
        label=_("Votre nom et votre fonction"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Ex. « Claire Martin, directrice ». Le chargé de coopération le verra."),
    )


class _EditForm(forms.ModelForm):
    """A sub-form of one object: the instance is a copy (a form mutates its instance)."""

    def __init__(self, data: QueryDict | None = None, *, obj: Any, **kwargs: Any) -> None:
        self.obj = obj
        copy = type(obj)._default_manager.get(pk=obj.pk)
        initial = {VERSION: version_of(obj), **self.extra_initial(obj)}
        super().__init__(data, instance=copy, initial=initial, **kwargs)
        # The editor shows the syntax itself (OpeningHoursWidget).
        self.fields["opening_hours"].help_text = ""

    def extra_initial(self, obj: Any) -> dict[str, Any]:
        return {}

    def changed(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in (self._meta.fields or ()) and name in self.cleaned_data
        }

    def edit(self) -> Edit:
        return Edit(obj=self.obj, fields=self.changed(), version=self.cleaned_data.get(VERSION))


class PlaceForm(_EditForm):
    """A place: address and position, contacts, opening hours (with the editor)."""

    lat = forms.FloatField(label=_("Latitude (WGS84)"), required=False)
    lon = forms.FloatField(label=_("Longitude (WGS84)"), required=False)
    position_precision = forms.ChoiceField(
        label=_("Précision de la position"),
        choices=[
            (Structure.Precision.EXACT, _("exacte (bâtiment)")),
            (Structure.Precision.APPROXIMATE, _("approchée (rue, quartier)")),
        ],
        required=False,
    )
    website = forms.URLField(
        label=_("Site web"), max_length=300, required=False, assume_scheme="https"
    )
    version = version_field()

    class Meta:
        model = Structure
        fields = ["address", "postcode", "phone", "email", "website", "opening_hours"]
        widgets = {"opening_hours": OpeningHoursWidget()}

    def extra_initial(self, obj: Structure) -> dict[str, Any]:
        precision = obj.position_precision
        if precision == Structure.Precision.UNKNOWN:
            precision = Structure.Precision.EXACT
        return {"lat": obj.lat, "lon": obj.lon, "position_precision": precision}

    def clean_postcode(self) -> str:
        value = (self.cleaned_data.get("postcode") or "").strip()
        if value and not (len(value) == 5 and value.isdigit()):
            raise forms.ValidationError(_g("Le code postal compte 5 chiffres."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) and not (self.has_error("lat") or self.has_error("lon")):
            self.add_error(
                "lon" if lon is None else "lat", _g("Longitude et latitude vont ensemble.")
            )
        return data

    def changed(self) -> dict[str, Any]:
        fields = super().changed()
        if {"lat", "lon"} & set(self.changed_data):
            d = self.cleaned_data
            fields.update(
                lat=d.get("lat"),
                lon=d.get("lon"),
                position_precision=(
                    d.get("position_precision") or Structure.Precision.APPROXIMATE
                    if d.get("lat") is not None
                    else Structure.Precision.UNKNOWN
                ),
                position_source=_g("Déclaration du partenaire (campagne de mise à jour)"),
            )
        elif "position_precision" in self.changed_data and self.obj.located:
            fields["position_precision"] = self.cleaned_data["position_precision"]
        return fields


class ServiceForm(_EditForm):
    """A service: places and ages, conditions, fees, hours."""

    version = version_field()

    class Meta:
        model = Service
        fields = [
            "capacity",
            "age_min",
            "age_max",
            "conditions_acces",
            "frais",
            "frais_precisions",
            "opening_hours",
        ]
        widgets = {
            "conditions_acces": forms.Textarea(attrs={"rows": 2}),
            "frais_precisions": forms.Textarea(attrs={"rows": 2}),
            "opening_hours": OpeningHoursWidget(),
        }


AnswerForms = list[tuple[PlaceForm, list[ServiceForm]]]


def answer_forms(data: QueryDict | None, *, places: list[Structure]) -> AnswerForms:
    """One place form and its services' forms per place of the invitation."""
    return [
        (
            PlaceForm(data, obj=s, prefix=f"s{s.pk}"),
            [ServiceForm(data, obj=v, prefix=f"v{v.pk}") for v in s.services.all()],
        )
        for s in places
    ]
