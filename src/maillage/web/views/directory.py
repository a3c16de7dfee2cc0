"""Directory pages: public search with map, structure page, parcours by age, professional view
with export, data quality (placing « à localiser » structures) and the printable guide.

Thin views: parse the request with a form, call one selector or service of
:mod:`maillage.directory`, render its result objects.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from maillage.accounts.permissions import coordinator_required, is_coordinator
from maillage.directory import opening_hours
from maillage.directory.models import CtgTheme, Service, Structure
from maillage.directory.results import SearchHit, SearchPage
from maillage.directory.selectors import (
    AGE_BANDS,
    StructureNotFound,
    data_quality,
    parcours,
    structure_get,
    structure_search,
)
from maillage.directory.vocabulary import (
    MOBILISABLE_PAR_LABELS,
    MODE_MOBILISATION_LABELS,
    PUBLIC_LABELS,
    THEMATIQUE_CATEGORIES,
    THEMATIQUE_LABELS,
)
from maillage.territory.geo import in_france
from maillage.territory.models import Territory
from maillage.territory.selectors import territory_zones

from .territory import _territory

log = logging.getLogger(__name__)
PAGE_SIZE = 20
EXPORT_LIMIT = 500


# --------------------------------------------------------------------------- search form


def _thematique_choices() -> list:
    groups: list = [("", _("Toutes les thématiques"))]
    for cat, label in THEMATIQUE_CATEGORIES.items():
        subs = [(slug, text) for slug, text in THEMATIQUE_LABELS.items() if slug.startswith(cat)]
        groups.append((label, [(cat, _g("%(label)s (tout)") % {"label": label}), *subs]))
    return groups


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Que cherchez-vous ?"), required=False, max_length=200)
    thematique = forms.ChoiceField(label=_("Thématique"), required=False)
    public = forms.ChoiceField(label=_("Public"), required=False)
    age = forms.IntegerField(
        label=_("Âge de l'enfant (en années)"), required=False, min_value=0, max_value=25
    )
    quartier = forms.ChoiceField(label=_("Quartier (IRIS ou QPV)"), required=False)
    adresse = forms.CharField(label=_("Près de l'adresse"), required=False, max_length=200)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["thematique"].choices = _thematique_choices()
        self.fields["public"].choices = [("", _("Tous les publics")), *PUBLIC_LABELS.items()]
        self.fields["quartier"].choices = [("", _("Tout le territoire"))] + [
            (z.code, f"{z.name} ({z.get_kind_display()})")
            for z in territory_zones(territory=territory)
            if z.kind != "iris" or z.zone_type in ("", "H")
        ]
        if not settings.GEOCODER_URL:
            del self.fields["adresse"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) or (lat is not None and not in_france(lon, lat)):
            raise ValidationError(_("Position reçue invalide : elle doit être en France."))
        if data.get("adresse") and lat is None:
            found = geocode(data["adresse"])
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
            "near": near,
        }


def geocode(address: str) -> tuple[float, float] | str:
    """(lon, lat) of ``address`` from the national address API, or a French error message."""
    url = settings.GEOCODER_URL + "?" + urllib.parse.urlencode({"q": address, "limit": 1})
    try:
        with urllib.request.urlopen(url, timeout=4) as response:  # noqa: S310 (configured URL)
            data = json.loads(response.read(1_000_000))
        lon, lat = data["features"][0]["geometry"]["coordinates"][:2]
        if not in_france(float(lon), float(lat)):
            return _g("Adresse introuvable en France.")
        return float(lon), float(lat)
    except (IndexError, KeyError, TypeError, ValueError):
        return _g("Adresse introuvable : précisez le numéro, la rue et la commune.")
    except OSError:
        log.warning("geocoder unavailable: %s", settings.GEOCODER_URL)
        return _g("Le service de recherche d'adresse ne répond pas ; réessayez plus tard.")


def _search(request: HttpRequest, territory: Territory, *, limit: int) -> tuple[SearchForm, Any]:
    form = SearchForm(request.GET or None, territory=territory)
    if request.GET and not form.is_valid():
        return form, None
    kwargs = form.search_kwargs() if form.is_bound else {}
    page = (form.cleaned_data.get("page") or 1) if form.is_bound else 1
    return form, structure_search(
        territory=territory, limit=limit, offset=(page - 1) * limit, **kwargs
    )


def _points(result: SearchPage | None, slug: str) -> list[dict[str, Any]]:
    return [
        {
            "id": h.structure.id,
            "name": h.structure.name,
            "lon": h.structure.lon,
            "lat": h.structure.lat,
            "url": reverse("web:structure", args=[slug, h.structure.id]),
        }
        for h in (result.results if result else [])
        if h.structure.located
    ]


def _page_links(request: HttpRequest, result: SearchPage | None) -> dict[str, str]:
    if result is None:
        return {}
    links = {}
    current = result.offset // max(result.limit, 1) + 1
    for key, number in (("previous", current - 1), ("next", current + 1)):
        if (key == "previous" and number >= 1) or (key == "next" and result.has_next):
            params = request.GET.copy()
            params["page"] = str(number)
            links[key] = "?" + params.urlencode()
    return links


def directory_search(request: HttpRequest, slug: str) -> HttpResponse:
    territory = _territory(slug)
    form, result = _search(request, territory, limit=PAGE_SIZE)
    context = {
        "territory": territory,
        "form": form,
        "result": result,
        "points": _points(result, slug),
        "pages": _page_links(request, result),
        "shown_to": result.offset + len(result.results) if result else 0,
    }
    template = "directory/_results.html" if request.headers.get("HX-Request") else None
    return render(request, template or "directory/search.html", context)


# --------------------------------------------------------------------------- structure page


@dataclass(frozen=True)
class DayHours:
    day: date
    label: str
    hours: str


def week_hours(text: str, *, start: date) -> list[DayHours] | None:
    """The next seven days' opening hours, from an OSM ``opening_hours`` text."""
    if not text or opening_hours.validate(text):
        return None
    parsed = opening_hours.parse(text)
    days = []
    for n in range(7):
        day = start + timedelta(days=n)
        label = opening_hours.DAY_LABELS[day.weekday()]
        if opening_hours.is_public_holiday(day):
            label += " " + _g("(jour férié)")
        if parsed.always:
            days.append(DayHours(day, label, _g("24 h sur 24")))
            continue
        rule = None
        for r in parsed.rules:
            if r.selects(day):
                rule = r
        if rule is None or rule.off:
            days.append(DayHours(day, label, _g("fermé")))
            continue
        spans = [
            f"{s // 60:02d} h {s % 60:02d} – {(e // 60) % 24:02d} h {e % 60:02d}"
            for s, e in rule.ranges
        ]
        days.append(DayHours(day, label, ", ".join(spans)))
    return days


def _hit(territory: Territory, pk: int) -> SearchHit:
    try:
        return structure_get(territory=territory, id=pk)
    except StructureNotFound as exc:
        raise Http404(str(exc)) from exc


def _service_details(hits: list[SearchHit]) -> dict[int, dict[str, Any]]:
    """Orientation fields the selector's summaries do not carry (conditions, mobilisation)."""
    ids = [sv.id for h in hits for sv in h.services]
    rows = Service.objects.filter(pk__in=ids).values(
        "pk",
        "conditions_acces",
        "modes_mobilisation",
        "mobilisable_par",
        "mobilisation_precisions",
        "publics_precisions",
        "frais_precisions",
    )
    out = {}
    for r in rows:
        r["modes_mobilisation"] = [
            MODE_MOBILISATION_LABELS.get(m, m) for m in r["modes_mobilisation"] or []
        ]
        r["mobilisable_par"] = [
            MOBILISABLE_PAR_LABELS.get(m, m) for m in r["mobilisable_par"] or []
        ]
        out[r.pop("pk")] = r
    return out


@dataclass(frozen=True)
class ServiceRow:
    """A service with its orientation details and French labels, ready to render."""

    service: Any
    publics: list[str]
    thematiques: list[str]
    conditions: str
    mobilisation: list[str]
    mobilisable_par: list[str]
    precisions: str


def _service_rows(hits: list[SearchHit]) -> dict[int, list[ServiceRow]]:
    details = _service_details(hits)
    return {
        h.structure.id: [
            ServiceRow(
                service=sv,
                publics=[PUBLIC_LABELS.get(p, p) for p in sv.publics],
                thematiques=[THEMATIQUE_LABELS.get(t, t) for t in sv.thematiques],
                conditions=details.get(sv.id, {}).get("conditions_acces", ""),
                mobilisation=details.get(sv.id, {}).get("modes_mobilisation", []),
                mobilisable_par=details.get(sv.id, {}).get("mobilisable_par", []),
                precisions=details.get(sv.id, {}).get("mobilisation_precisions", ""),
            )
            for sv in h.services
        ]
        for h in hits
    }


def structure_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    territory = _territory(slug)
    hit = _hit(territory, pk)
    now = timezone.localtime()
    s = hit.structure
    return render(
        request,
        "directory/structure.html",
        {
            "territory": territory,
            "hit": hit,
            "s": s,
            "open_now": opening_hours.is_open(s.opening_hours, at=now),
            "week": week_hours(s.opening_hours, start=now.date()),
            "services": _service_rows([hit])[s.id],
        },
    )


# --------------------------------------------------------------------------- parcours

TRANSITIONS = {
    "3-6": _("Entrée à l'école maternelle (3 ans) : première séparation durable avec les parents."),
    "6-11": _("Entrée à l'école élémentaire (CP, 6 ans) : changement de cadre scolaire."),
    "11-17": _("Entrée au collège (11 ans), puis au lycée (15 ans)."),
}


def parcours_view(request: HttpRequest, slug: str) -> HttpResponse:
    territory = _territory(slug)
    steps = [
        (parcours(territory=territory, age_band=band), TRANSITIONS.get(band)) for band in AGE_BANDS
    ]
    return render(request, "directory/parcours.html", {"territory": territory, "steps": steps})


# --------------------------------------------------------------------------- professional view

EXPORT_COLUMNS = [
    ("structure", _("Structure")),
    ("typologie", _("Typologie")),
    ("adresse", _("Adresse")),
    ("commune", _("Commune")),
    ("telephone", _("Téléphone")),
    ("courriel", _("Courriel")),
    ("site", _("Site web")),
    ("service", _("Service")),
    ("publics", _("Publics")),
    ("conditions", _("Conditions d'accès")),
    ("mobilisation", _("Modes de mobilisation")),
    ("mobilisable_par", _("Mobilisable par")),
    ("precisions", _("Précisions sur la mobilisation")),
    ("horaires", _("Horaires")),
    ("position", _("Position")),
    ("fiche", _("Fiche en ligne")),
]


def _export_rows(request: HttpRequest, slug: str, hits: list[SearchHit]) -> list[dict]:
    details = _service_details(hits)
    rows = []
    for h in hits:
        s = h.structure
        base = {
            "structure": s.name,
            "typologie": s.typology_label,
            "adresse": " ".join(p for p in (s.address, s.postcode) if p),
            "commune": s.commune_name,
            "telephone": s.phone,
            "courriel": s.email,
            "site": s.website,
            "horaires": s.opening_hours,
            "position": _g("connue") if s.located else _g("à localiser"),
            "fiche": request.build_absolute_uri(reverse("web:structure", args=[slug, s.id])),
        }
        for sv in h.services or [None]:
            d = details.get(sv.id, {}) if sv else {}
            rows.append(
                {
                    **base,
                    "service": sv.name if sv else "",
                    "publics": ", ".join(PUBLIC_LABELS.get(p, p) for p in sv.publics) if sv else "",
                    "conditions": d.get("conditions_acces", ""),
                    "mobilisation": ", ".join(d.get("modes_mobilisation", [])),
                    "mobilisable_par": ", ".join(d.get("mobilisable_par", [])),
                    "precisions": d.get("mobilisation_precisions", ""),
                    "horaires": (sv.opening_hours if sv else "") or base["horaires"],
                }
            )
    return rows


def pro_directory(request: HttpRequest, slug: str) -> HttpResponse:
    from maillage.interop.tabular import table_response

    territory = _territory(slug)
    fmt = request.GET.get("format", "")
    form, result = _search(request, territory, limit=EXPORT_LIMIT if fmt else PAGE_SIZE)
    if fmt in ("csv", "xlsx", "ods") and result is not None:
        rows = _export_rows(request, slug, result.results)
        return table_response(
            rows,
            columns=[(k, str(label)) for k, label in EXPORT_COLUMNS],
            fmt=fmt,
            filename=f"annuaire-{territory.slug}",
        )
    hits = result.results if result else []
    rows = _service_rows(hits)
    params = request.GET.copy()
    params.pop("page", None)
    exports = {}
    for f in ("csv", "xlsx"):
        params["format"] = f
        exports[f] = "?" + params.urlencode()
    return render(
        request,
        "directory/pro.html",
        {
            "territory": territory,
            "form": form,
            "result": result,
            "entries": [(h, rows[h.structure.id]) for h in hits],
            "pages": _page_links(request, result),
            "exports": exports,
        },
    )


# --------------------------------------------------------------------------- data quality


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


def quality(request: HttpRequest, slug: str, *, forms_by_id: dict | None = None) -> HttpResponse:
    territory = _territory(slug)
    report = data_quality(territory=territory)
    coordinator = is_coordinator(request.user, territory)
    place_forms = forms_by_id or {}
    items = [
        (item, place_forms.get(item.id) or PlaceForm(prefix=f"s{item.id}"))
        for item in report.missing_position
    ]
    status = 400 if forms_by_id else 200
    return render(
        request,
        "directory/quality.html",
        {"territory": territory, "report": report, "items": items, "coordinator": coordinator},
        status=status,
    )


@require_POST
@coordinator_required
def structure_place_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    from maillage.directory.services import structure_place

    territory = _territory(slug)
    structure = Structure.objects.filter(territory=territory, pk=pk).first()
    if structure is None:
        raise Http404(_g("Structure introuvable."))
    form = PlaceForm(request.POST, prefix=f"s{pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            structure_place(
                structure=structure,
                lon=d["lon"],
                lat=d["lat"],
                precision=d["position_precision"],
                source=d["position_source"],
                user=request.user,
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"lat": exc.messages}
            for field, messages_ in errors.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(
                request, _g("Position de « %(name)s » enregistrée.") % {"name": structure.name}
            )
            return redirect("web:quality", slug)
    return quality(request, slug, forms_by_id={pk: form})


# --------------------------------------------------------------------------- printable guide


def _structure_url(slug: str, hit: SearchHit) -> str:
    return reverse("web:structure", args=[slug, hit.structure.id])


def _inline_svg(svg: bytes | str) -> str:
    """SVG markup without its XML prolog, to inline in HTML (no URL fetch by WeasyPrint)."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def _qr(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=1)
    return _inline_svg(image.to_string())


def guide_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    from maillage.reports.charts import MapPoint, MapZone, static_map
    from maillage.reports.pdf import render_pdf

    territory = _territory(slug)
    quartier = request.GET.get("quartier") or None
    theme = request.GET.get("theme") or None
    zones = {z.code: z for z in territory_zones(territory=territory)}
    if quartier and quartier not in zones:
        raise Http404(_g("Quartier « %(q)s » inconnu.") % {"q": quartier})
    if theme and theme not in CtgTheme.values:
        raise Http404(_g("Thème « %(t)s » inconnu.") % {"t": theme})
    page = structure_search(territory=territory, quartier=quartier, limit=EXPORT_LIMIT)
    hits = [h for h in page.results if not theme or h.structure.theme == theme]
    order = list(CtgTheme.values)
    by_theme: dict[str, list[SearchHit]] = {}
    for h in sorted(
        hits, key=lambda h: order.index(h.structure.theme) if h.structure.theme in order else 99
    ):
        by_theme.setdefault(h.structure.theme, []).append(h)
    groups = [
        (
            CtgTheme(t).label if t in order else _g("Autres"),
            [(h, _qr(request.build_absolute_uri(_structure_url(slug, h)))) for h in items],
        )
        for t, items in by_theme.items()
    ]
    outline = [zones[quartier]] if quartier else [z for z in zones.values() if z.kind == "qpv"]
    svg = static_map(
        territory=territory,
        points=[
            MapPoint(lon=h.structure.lon, lat=h.structure.lat, label=h.structure.name)
            for h in hits
            if h.structure.located
        ],
        zones=[MapZone(geometry=z.boundary, label=z.name) for z in outline if z.boundary],
        show_neighbours=False,
        fmt="svg",
    )
    pdf = render_pdf(
        "directory/guide_pdf.html",
        {
            "territory": territory,
            "groups": groups,
            "count": len(hits),
            "unlocated": sum(1 for h in hits if not h.structure.located),
            "quartier": zones.get(quartier) if quartier else None,
            "theme": CtgTheme(theme).label if theme else None,
            "map_svg": _inline_svg(svg),
            "today": timezone.localdate(),
            "site_url": request.build_absolute_uri(reverse("web:directory", args=[slug])),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="guide-{territory.slug}.pdf"'
    return response
