"""Professional directory (orientation details, CSV/XLSX export) and data quality, where a
coordinator places the structures « à localiser » (thin views over :mod:`maillage.directory`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from maillage.accounts.permissions import can_view_drafts, is_coordinator
from maillage.directory.models import Structure
from maillage.directory.results import SearchHit, ServiceSummary
from maillage.directory.selectors import data_quality
from maillage.directory.vocabulary import PUBLIC_LABELS
from maillage.territory.models import Territory

from ..decorators import COORDINATOR, territory_view
from ..form_errors import service_errors_to_form
from ..forms.directory import PlaceForm, ProSearchForm
from .directory import (
    EXPORT_LIMIT,
    PAGE_SIZE,
    _page_links,
    _search,
    _service_details,
    _service_rows,
)

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
    ("places", _("Places")),
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
    unknown = _g("non renseigné")
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
        services: list[ServiceSummary | None] = list(h.services) or [None]
        for sv in services:
            d = details.get(sv.id, {}) if sv else {}
            rows.append(
                {
                    **base,
                    "service": sv.name if sv else "",
                    "publics": ", ".join(PUBLIC_LABELS.get(p, p) for p in sv.publics) if sv else "",
                    # Unknown is said, never left blank or written 0.
                    "places": sv.capacity if sv and sv.capacity is not None else unknown,
                    "conditions": d.get("conditions_acces", ""),
                    "mobilisation": ", ".join(d.get("modes_mobilisation", [])) or unknown,
                    "mobilisable_par": ", ".join(d.get("mobilisable_par", [])) or unknown,
                    "precisions": d.get("mobilisation_precisions", ""),
                    "horaires": (sv.opening_hours if sv else "") or base["horaires"],
                }
            )
    return rows


@territory_view
def pro_directory(request: HttpRequest, territory: Territory) -> HttpResponse:
    from maillage.interop.tabular import table_response

    fmt = request.GET.get("format", "")
    form, result = _search(
        request, territory, limit=EXPORT_LIMIT if fmt else PAGE_SIZE, form_class=ProSearchForm
    )
    if fmt in ("csv", "xlsx", "ods") and result is not None:
        return table_response(
            _export_rows(request, territory.slug, result.results),
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


@territory_view
def quality(request: HttpRequest, territory: Territory) -> HttpResponse:
    return _quality(request, territory)


def _quality(
    request: HttpRequest, territory: Territory, *, forms_by_id: dict | None = None
) -> HttpResponse:
    report = data_quality(
        territory=territory, published_only=not can_view_drafts(request.user, territory)
    )
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
@territory_view(role=COORDINATOR)
def structure_place_view(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    from maillage.directory.services import structure_place

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
            # A refusal without a field is about the position: shown on the latitude.
            keyed = exc if hasattr(exc, "error_dict") else ValidationError({"lat": exc.messages})
            service_errors_to_form(form, keyed)
        else:
            messages.success(
                request, _g("Position de « %(name)s » enregistrée.") % {"name": structure.name}
            )
            return redirect("web:quality", territory.slug)
    return _quality(request, territory, forms_by_id={pk: form})
