"""Diagnostic pages: dashboard, zones d'influence / zones blanches, data quality, downloads.

Thin views: they call :func:`maillage.diagnostic.selectors.diagnostic_build` (cached per data
version) or one selector of :mod:`maillage.diagnostic`, and render its result objects.
Scenario pages live in :mod:`maillage.web.views.diagnostic_scenarios`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from maillage.diagnostic import report_access as access_mod
from maillage.diagnostic.selectors import diagnostic_build
from maillage.interop.tabular import FORMATS as TABLE_FORMATS
from maillage.interop.tabular import table_response
from maillage.reports import diagnostic as report_mod
from maillage.reports import diagnostic_figures as figures_mod
from maillage.reports.charts import SEQUENTIAL
from maillage.territory.models import Territory

from ..csp import SVG_CSP
from ..decorators import territory_view
from ..forms.diagnostic import ZonesForm
from ..params import parse_id

FIGURE_ALTS = {
    "ages": _(
        "Graphique : population par tranche d'âge aux recensements ; données dans le tableau"
    ),
    "familles": _("Graphique : ménages selon leur composition ; données dans le tableau"),
    "accueil": _("Graphique : places d'accueil du jeune enfant par type ; données dans le tableau"),
    "equipements": _(
        "Graphique : structures pour 1 000 habitants par thème ; données dans le tableau"
    ),
}


def _report(territory: Territory, **kw: Any) -> report_mod.DiagnosticReport:
    return diagnostic_build(territory=territory, **kw)


def classes(values: list[float], *, n: int = 5) -> list[tuple[float, float, str]]:
    """Equal-interval classes ``(low, high, colour)`` from 0 to the largest value."""
    top = max(values, default=0)
    if top <= 0:
        return [(0.0, 0.0, SEQUENTIAL[0])]
    step = top / n
    palette = SEQUENTIAL[1:]
    return [
        (round(i * step, 1), round((i + 1) * step, 1), palette[i % len(palette)]) for i in range(n)
    ]


def colour_for(value: float | None, bins: list[tuple[float, float, str]]) -> str:
    if value is None:
        return "#ffffff"
    for _low, high, colour in bins:
        if value <= high:
            return colour
    return bins[-1][2]


# --------------------------------------------------------------------------- dashboard


@territory_view
def dashboard(request: HttpRequest, territory: Territory) -> HttpResponse:
    report = _report(territory)
    values = list(report.access.zone_coverage.values()) if report.access else []
    return render(
        request,
        "diagnostic/dashboard.html",
        {
            "territory": territory,
            "report": report,
            "bins": classes(values),
            "table_formats": ("csv", "xlsx"),
            "alts": FIGURE_ALTS,
        },
    )


@territory_view
def quality(request: HttpRequest, territory: Territory) -> HttpResponse:
    report = _report(territory)
    return render(
        request,
        "diagnostic/quality.html",
        {"territory": territory, "report": report, "q": report.quality},
    )


@territory_view
def table_download(request: HttpRequest, territory: Territory, name: str, fmt: str) -> HttpResponse:
    if fmt not in TABLE_FORMATS:
        raise Http404(_("Format inconnu."))
    if name in ZONE_TABLES:
        return _zone_table(request, territory, name, fmt)
    report = _report(territory)
    try:
        rows, columns = report_mod.table_for(report, name)
    except KeyError as exc:
        raise Http404(_("Tableau inconnu.")) from exc
    return table_response(
        rows, columns=columns, fmt=fmt, filename=f"diagnostic-{territory.slug}-{name}"
    )


@territory_view
def figure_svg(request: HttpRequest, territory: Territory, name: str) -> HttpResponse:
    if name not in figures_mod.FIGURES:
        raise Http404(_("Figure inconnue."))
    report = _report(territory)
    data = figures_mod.figure(report, name, fmt="svg")
    response = HttpResponse(data, content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SVG_CSP
    return response


@territory_view
def coverage_geojson(request: HttpRequest, territory: Territory) -> JsonResponse:
    """IRIS with their 2SFCA childcare coverage and a fill colour (the legend's classes)."""
    report = _report(territory)
    values = report.access.zone_coverage if report.access else {}
    bins = classes(list(values.values()))
    features = _commune_features(territory)
    for z in report.zones:
        if z.kind != "iris" or not z.geometry:
            continue
        value = values.get(z.code)
        features.append(
            {
                "type": "Feature",
                "geometry": z.geometry,
                "properties": {
                    "layer": "choropleth",
                    "code": z.code,
                    "name": z.name,
                    "value": value,
                    "label": "—" if value is None else report_mod.fr_number(value),
                    "fill": colour_for(value, bins),
                },
            }
        )
    for z in report.zones:
        if z.kind == "qpv" and z.geometry:
            features.append(
                {
                    "type": "Feature",
                    "geometry": z.geometry,
                    "properties": {"layer": "qpv", "code": z.code, "name": z.name},
                }
            )
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _commune_features(territory: Territory) -> list[dict]:
    return [
        {
            "type": "Feature",
            "geometry": c.boundary,
            "properties": {"layer": "commune", "role": "ctg", "code": c.insee_code, "name": c.name},
        }
        for c in territory.communes.all()
        if c.boundary
    ]


# --------------------------------------------------------------------------- zones


def _zones_form(request: HttpRequest) -> ZonesForm:
    data = request.GET.copy()
    data.setdefault("theme", access_mod.THEMES[0][0])
    data.setdefault("distance_m", str(access_mod.DEFAULT_DISTANCE_M))
    return ZonesForm(data)


def _zone_results(territory: Territory, params: dict[str, Any]) -> dict[str, Any]:
    from maillage.diagnostic import selectors

    out: dict[str, Any] = {"error": ""}
    try:
        out["white"] = selectors.white_zones(territory=territory, **params)
        out["influence"] = selectors.influence(territory=territory, **params)
        out["accessibility"] = selectors.accessibility_by_zone(territory=territory, **params)
    except ValueError as exc:
        out["error"] = str(exc)
    return out


@territory_view
def zones_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = _zones_form(request)
    context: dict[str, Any] = {"territory": territory, "form": form}
    status = 200
    if form.is_valid():
        params = form.params()
        context.update(_zone_results(territory, params))
        white = context.get("white")
        if white is not None and white.concerned_population is not None:
            context["white_qpv"] = sum(z.qpv_population for z in white.zones)
            context["white_non_qpv"] = white.concerned_population - context["white_qpv"]
        context["params"] = params
        context["geojson_query"] = request.GET.urlencode()
        context["zone_tables"] = [
            ("zones-blanches-choix", _("zones blanches")),
            ("zones-influence", _("zones d'influence")),
            ("accessibilite", _("accessibilité par zone")),
        ]
    else:
        status = 400
    return render(request, "diagnostic/zones.html", context, status=status)


@territory_view
def zones_geojson(request: HttpRequest, territory: Territory) -> JsonResponse:
    form = _zones_form(request)
    if not form.is_valid():
        errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
        return JsonResponse({"erreurs": errors}, status=400)
    results = _zone_results(territory, form.params())
    if results["error"]:
        return JsonResponse({"erreurs": {"__all__": [results["error"]]}}, status=400)
    features = _commune_features(territory)
    for f in results["influence"].to_geojson()["features"]:
        f["properties"]["layer"] = "influence"
        features.append(f)
    for f in results["white"].to_geojson()["features"]:
        f["properties"]["layer"] = "white"
        features.append(f)
    for s in results["influence"].sites:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                "properties": {"layer": "site", "name": s.name},
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


ZONE_TABLES = {
    "zones-blanches-choix": (
        "white",
        [
            ("rang", "Rang"),
            ("population", "Population cible concernée"),
            ("en_qpv", "Dont en QPV"),
            ("carreaux", "Carreaux de 200 m"),
            ("km2", "Surface (km²)"),
            ("zones", "IRIS / QPV touchés"),
        ],
    ),
    "zones-influence": (
        "influence",
        [
            ("structure", "Structure"),
            ("places", "Places"),
            ("population", "Population rattachée"),
            ("en_qpv", "Dont en QPV"),
            ("part_qpv", "Part en QPV (%)"),
            ("carreaux", "Carreaux de 200 m"),
        ],
    ),
    "accessibilite": (
        "accessibility",
        [
            ("zone", "Type de zone"),
            ("code", "Code"),
            ("nom", "Nom"),
            ("population", "Population cible (estimée)"),
            ("valeur", "Valeur"),
        ],
    ),
}


def _zone_table(request: HttpRequest, territory: Territory, name: str, fmt: str) -> HttpResponse:
    """A table of the zones page, for the theme, public and distance of the query string."""
    form = _zones_form(request)
    if not form.is_valid():
        errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
        return JsonResponse({"erreurs": errors}, status=400)
    params = form.params()
    results = _zone_results(territory, params)
    if results["error"]:
        return JsonResponse({"erreurs": {"__all__": [results["error"]]}}, status=400)
    key, columns = ZONE_TABLES[name]
    stem = f"diagnostic-{territory.slug}-{name}-{params['theme']}-{int(params['max_distance_m'])}m"
    rows = results[key].display_rows(columns[0][0])  # « non calculable » from the result
    return table_response(rows, columns=columns, fmt=fmt, filename=stem)


# --------------------------------------------------------------------------- documents


@territory_view
def report_download(request: HttpRequest, territory: Territory, fmt: str) -> HttpResponse:
    if fmt not in report_mod.FORMATS:
        raise Http404(_("Format inconnu."))
    scenario = None
    scenario_id = request.GET.get("scenario", "")
    if scenario_id:
        from maillage.diagnostic.models import Scenario

        scenario_pk = parse_id(scenario_id)
        if scenario_pk is None:
            raise Http404(_("Scénario introuvable."))
        scenario = Scenario.objects.filter(territory=territory, pk=scenario_pk).first()
        if scenario is None:
            raise Http404(_("Scénario introuvable."))
    try:
        report = _report(territory, scenario=scenario)
    except report_mod.DiagnosticError as exc:
        return render(
            request,
            "diagnostic/error.html",
            {"territory": territory, "message": str(exc)},
            status=400,
        )
    data = report_mod.diagnostic_render(report, fmt=fmt)
    response = HttpResponse(data, content_type=report_mod.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report.filename_stem}.{fmt}"'
    return response
