"""Territory pages: home, key figures with source and vintage, boundaries as GeoJSON."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.territory.models import Territory
from maillage.territory.selectors import territory_diagnostic, territory_zones

from ..decorators import StrOrPromise, territory_view
from ..forms.directory import SearchForm

# The resident's main needs on the home page: (words, directory filters). The filters are
# data·inclusion thématiques; « activités » leads to the parcours by age instead.
NEEDS: list[tuple[StrOrPromise, str, dict[str, str]]] = [
    (_("Faire garder mon enfant"), "web:directory", {"thematique": "famille--garde-denfants"}),
    (_("Activités pour mon enfant"), "web:parcours", {}),
    (
        _("Être accompagné comme parent"),
        "web:directory",
        {"thematique": "famille--soutien-a-la-parentalite-et-a-leducation"},
    ),
    (
        _("Aide aux démarches"),
        "web:directory",
        {"thematique": "difficultes-administratives-ou-juridiques"},
    ),
    (_("Un lieu près de chez moi"), "web:directory", {}),
]


def home(request: HttpRequest) -> HttpResponse:
    """With one territory, its residents' « Je cherche… »; with several, the list of them."""
    territories = list(Territory.objects.order_by("name"))
    if len(territories) != 1:
        return render(request, "web/home.html", {"territories": territories})
    territory = territories[0]
    needs = [
        (
            label,
            reverse(name, args=[territory.slug]) + (f"?{urlencode(params)}" if params else ""),
        )
        for label, name, params in NEEDS
    ]
    return render(
        request,
        "web/home.html",
        {
            "territories": territories,
            "territory": territory,
            "needs": needs,
            "form": SearchForm(territory=territory),
        },
    )


# Units that count people: a theme's headline figure is its first count of people.
PEOPLE_UNITS = {"habitants", "enfants", "foyers", "personnes", "élèves", "familles", "ménages"}


def key_figures(themes: dict[str, list]) -> list:
    """One figure per theme for the page's « en quelques chiffres »: the theme's first count
    of people, else its first figure. The complete tables stay behind « détails »."""
    chosen = []
    for figures in themes.values():
        people = [f for f in figures if (f.unit or "").lower() in PEOPLE_UNITS]
        chosen.append((people or figures)[0])
    return chosen


@territory_view
def territory_detail(request: HttpRequest, territory: Territory) -> HttpResponse:
    diag = territory_diagnostic(territory=territory)
    themes: dict[str, list] = {}
    for f in diag.figures:
        if f.subject == "territoire":
            themes.setdefault(f.theme or "autres", []).append(f)
    return render(
        request,
        "web/territory.html",
        {
            "territory": territory,
            "diag": diag,
            "themes": themes,
            "key_figures": key_figures(themes),
            "rp_figures": [f for f in diag.figures if f.subject != "territoire"],
        },
    )


@territory_view
def territory_sources(request: HttpRequest, territory: Territory) -> HttpResponse:
    return render(
        request, "web/sources.html", {"territory": territory, "sources": territory.sources.all()}
    )


@territory_view
def territory_geojson(request: HttpRequest, territory: Territory) -> JsonResponse:
    features = []
    for role, qs in (("ctg", territory.communes.all()), ("voisine", territory.neighbours.all())):
        for c in qs:
            features.append(
                {
                    "type": "Feature",
                    "geometry": c.boundary,
                    "properties": {
                        "layer": "commune",
                        "role": role,
                        "code": c.insee_code,
                        "name": c.name,
                    },
                }
            )
    for z in territory_zones(territory=territory):
        features.append(
            {
                "type": "Feature",
                "geometry": z.boundary,
                "properties": {"layer": z.kind, "code": z.code, "name": z.name},
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})
