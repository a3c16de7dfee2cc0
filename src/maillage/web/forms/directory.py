"""Forms of the directory: public search (map, parcours), professional search with the CTG
typology, placing a structure « à localiser »."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from maillage.addresses.selectors import geocoding_available, locate
from maillage.directory.models import Structure, Typology
from maillage.directory.vocabulary import (
    PUBLIC_LABELS,
    THEMATIQUE_CATEGORIES,
    THEMATIQUE_LABELS,
)
from maillage.territory.geo import in_france
from maillage.territory.models import Territory
from maillage.territory.selectors import territory_zones

from .. import widgets
from .fields import form_field

SEARCH_CACHE_S = 600


def _thematique_choices() -> list:
    """Categories, each with the thématiques the CTG typologies use (the relevant ones)."""
    used = {t for values in Typology.objects.values_list("thematiques", flat=True) for t in values}
    groups: list = [("", _g("Toutes les thématiques"))]
    for cat, label in THEMATIQUE_CATEGORIES.items():
        subs = [(slug, THEMATIQUE_LABELS[slug]) for slug in sorted(used) if slug.startswith(cat)]
        groups.append((label, [(cat, _g("%(label)s (tout)") % {"label": label}), *subs]))
    return groups


def _typology_choices() -> list:
    """CTG typology families, each with its types (a family selects all of them)."""
    groups: dict[str, list] = {}
    for code, label, family in Typology.objects.order_by("family", "label").values_list(
        "code", "label", "family"
    ):
        groups.setdefault(family or _g("Autres"), []).append((code, label))
    options: list = [("", _g("Tous les types"))]
    for family, types in groups.items():
        options.append((family, [(family, _g("%(family)s (tout)") % {"family": family}), *types]))
    return options


def _choices(territory: Territory) -> dict[str, widgets.Options]:
    """Options of the thématique, public, quartier and typology fields, built once per version
    of the territory's data."""
    key = f"directory-choices:{territory.pk}:{territory.data_version}"
    found = cache.get(key)
    if found is None:
        quartiers = [("", _g("Tout le territoire"))] + [
            (z.code, f"{z.name} ({z.get_kind_display()})")
            for z in territory_zones(territory=territory)
            if z.kind != "iris" or z.zone_type in ("", "H")
        ]
        publics = [("", _g("Tous les publics")), *((k, str(v)) for k, v in PUBLIC_LABELS.items())]
        found = {
            name: widgets.Options.of(options)
            for name, options in (
                ("thematique", _thematique_choices()),
                ("public", publics),
                ("quartier", quartiers),
                ("typology", _typology_choices()),
            )
        }
        cache.set(key, found, SEARCH_CACHE_S)
    return found


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Que cherchez-vous ?"), required=False, max_length=200, widget=widgets.TextInput
    )
    thematique = widgets.OptionsField(label=_("Thématique"), required=False)
    public = widgets.OptionsField(label=_("Public"), required=False)
    age = forms.IntegerField(
        label=_("Âge de l'enfant (en années)"),
        required=False,
        min_value=0,
        max_value=25,
        widget=widgets.NumberInput,
    )
    quartier = widgets.OptionsField(label=_("Quartier (IRIS ou QPV)"), required=False)
    adresse = forms.CharField(
        label=_("Près de l'adresse"), required=False, max_length=200, widget=widgets.TextInput
    )
    lat = forms.FloatField(required=False, widget=widgets.HiddenInput)
    lon = forms.FloatField(required=False, widget=widgets.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, widget=widgets.HiddenInput)

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.territory = territory
        for name, options in _choices(territory).items():
            if name in self.fields:
                form_field(self, name, widgets.OptionsField).set_options(options)
        if not geocoding_available(territory=territory):
            del self.fields["adresse"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) or (
            lat is not None and lon is not None and not in_france(lon, lat)
        ):
            raise ValidationError(_("Position reçue invalide : elle doit être en France."))
        if data.get("adresse") and lat is None:
            found = locate(territory=self.territory, query=data["adresse"])
            if isinstance(found, str):
                self.add_error("adresse", found)
            else:
                data["lon"], data["lat"] = found
        return data

    def search_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        near = (d["lon"], d["lat"]) if d.get("lat") is not None else None
        return {
            "q": d.get("q") or None,
            "thematique": d.get("thematique") or None,
            "public": d.get("public") or None,
            "age": d.get("age"),
            "quartier": d.get("quartier") or None,
            "typology": d.get("typology") or None,
            "near": near,
        }


class ProSearchForm(SearchForm):
    """The public search, plus the CTG typology (a type, or a whole family such as EAJE)."""

    typology = widgets.OptionsField(label=_("Type de structure"), required=False)


class PlaceForm(forms.Form):
    lat = forms.FloatField(label=_("Latitude (WGS84)"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude (WGS84)"), min_value=-180, max_value=180)
    position_precision = forms.ChoiceField(
        label=_("Précision"),
        choices=[
            (Structure.Precision.EXACT, _("exacte (bâtiment)")),
            (Structure.Precision.APPROXIMATE, _("approchée (rue, quartier)")),
        ],
    )
    position_source = forms.CharField(
        label=_("Source de la position"),
        max_length=300,
        initial=_("Placement sur la carte par le chargé de coopération"),
    )
