"""Forms of the diagnostic: the zones page (theme, public, distance) and scenarios (the
scenario, a change of the supply, a housing project)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from maillage.diagnostic import report_access as access_mod
from maillage.diagnostic.models import ScenarioChange
from maillage.diagnostic.themes import PUBLICS, THEMES
from maillage.territory.models import Territory

from .fields import form_field


class ZonesForm(forms.Form):
    theme = forms.ChoiceField(
        label=_("Thème"), choices=[(c, lbl) for c, lbl, _p in access_mod.THEMES]
    )
    public = forms.ChoiceField(label=_("Public"), choices=[], required=False)
    distance_m = forms.IntegerField(
        label=_("Distance maximale (mètres)"),
        min_value=access_mod.MIN_DISTANCE_M,
        max_value=access_mod.MAX_DISTANCE_M,
        help_text=_("À vol d'oiseau, entre 100 et 10 000 m."),
        error_messages={
            "min_value": _("La distance doit être d'au moins %(limit_value)s m."),
            "max_value": _("La distance ne peut dépasser %(limit_value)s m."),
            "invalid": _("Saisissez un nombre entier de mètres."),
            "required": _("Indiquez une distance en mètres."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "public", forms.ChoiceField).choices = [
            ("", _("Public par défaut du thème")),
            *publics(),
        ]

    def params(self) -> dict[str, Any]:
        d = self.cleaned_data
        default = next(p for c, _l, p in access_mod.THEMES if c == d["theme"])
        return {
            "theme": d["theme"],
            "public": d["public"] or default,
            "max_distance_m": float(d["distance_m"]),
        }


def publics() -> list[tuple[str, str]]:
    from maillage.diagnostic.themes import PUBLICS

    return [(code, str(label).capitalize()) for code, (label, _lo, _hi) in PUBLICS.items()]


ACTIONS = [(a, lbl) for a, lbl in ScenarioChange.Action.choices]


def _zone_choices(territory: Territory) -> list[tuple[str, str | Promise]]:
    from maillage.territory.selectors import territory_zones

    return [("", _("— (position en lon/lat)"))] + [
        (z.code, f"{z.get_kind_display()} {z.name} ({z.code})")
        for z in territory_zones(territory=territory)
        if z.kind in ("iris", "qpv")
    ]


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Nom du scénario"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    theme = forms.ChoiceField(
        label=_("Thème"), choices=[(t.slug, t.label) for t in THEMES.values()]
    )
    public = forms.ChoiceField(
        label=_("Public"), choices=[(k, str(v[0]).capitalize()) for k, v in PUBLICS.items()]
    )
    distance_m = forms.IntegerField(
        label=_("Distance maximale (mètres)"), min_value=100, max_value=10_000, initial=1000
    )
    horizon = forms.IntegerField(
        label=_("Année d'horizon des logements"), min_value=2000, max_value=2100, required=False
    )


class ChangeForm(forms.Form):
    action = forms.ChoiceField(label=_("Changement"), choices=ACTIONS)
    structure = forms.ChoiceField(label=_("Structure existante"), required=False)
    name = forms.CharField(label=_("Nom de la structure ajoutée"), max_length=200, required=False)
    typology = forms.ChoiceField(label=_("Type de structure ajoutée"), required=False)
    places = forms.IntegerField(label=_("Places"), min_value=0, max_value=10_000, required=False)
    zone = forms.ChoiceField(label=_("Zone (centre de ses carreaux habités)"), required=False)
    lon = forms.FloatField(label=_("Longitude (WGS84)"), required=False)
    lat = forms.FloatField(label=_("Latitude (WGS84)"), required=False)

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        from maillage.directory.models import Structure, Typology

        super().__init__(*args, **kwargs)
        form_field(self, "structure", forms.ChoiceField).choices = [("", "—")] + [
            (str(s.pk), s.name)
            for s in Structure.objects.filter(territory=territory, published=True).order_by("name")
        ]
        form_field(self, "typology", forms.ChoiceField).choices = [("", "—")] + [
            (t.code, t.label) for t in Typology.objects.order_by("position", "label")
        ]
        form_field(self, "zone", forms.ChoiceField).choices = _zone_choices(territory)

    def item(self) -> dict[str, Any]:
        d = self.cleaned_data
        keys = {
            "add": ("name", "typology", "places", "zone", "lon", "lat"),
            "move": ("structure", "zone", "lon", "lat"),
            "close": ("structure",),
            "resize": ("structure", "places"),
        }[d["action"]]
        return {"action": d["action"], **{k: d[k] for k in keys if d.get(k) not in (None, "")}}


class HousingForm(forms.Form):
    name = forms.CharField(label=_("Nom du projet"), max_length=200)
    dwellings = forms.IntegerField(label=_("Logements"), min_value=0, max_value=100_000)
    delivery_year = forms.IntegerField(
        label=_("Année de livraison"), min_value=2000, max_value=2100
    )
    zone = forms.ChoiceField(label=_("Zone (centre de ses carreaux habités)"), required=False)
    lon = forms.FloatField(label=_("Longitude (WGS84)"), required=False)
    lat = forms.FloatField(label=_("Latitude (WGS84)"), required=False)
    persons_per_dwelling = forms.FloatField(
        label=_("Personnes par logement"), min_value=0.5, max_value=10, required=False
    )
    share_0_2 = forms.FloatField(
        label=_("Part des moins de 3 ans (0 à 1)"), min_value=0, max_value=1, required=False
    )
    note = forms.CharField(label=_("Hypothèses (texte libre)"), required=False)

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        from maillage.diagnostic.scenarios import household_size

        super().__init__(*args, **kwargs)
        form_field(self, "zone", forms.ChoiceField).choices = _zone_choices(territory)
        try:
            size, source = household_size(territory=territory)
            self.fields["persons_per_dwelling"].help_text = _(
                "Vide : %(v)s personnes par ménage (%(s)s)."
            ) % {"v": f"{size:.2f}".replace(".", ","), "s": source}
        except (ValueError, LookupError):
            pass
        self.fields["share_0_2"].help_text = _(
            "Vide : part estimée pour le territoire (recensement, répartition par IRIS)."
        )

    def item(self) -> dict[str, Any]:
        d = self.cleaned_data
        item = {
            k: d[k]
            for k in (
                "name",
                "dwellings",
                "delivery_year",
                "zone",
                "lon",
                "lat",
                "persons_per_dwelling",
                "note",
            )
            if d.get(k) not in (None, "")
        }
        if d.get("share_0_2") is not None:
            item["age_shares"] = {"0-2": d["share_0_2"]}
        return item
