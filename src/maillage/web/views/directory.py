"""Directory pages: public search with map, structure page, parcours by age, professional view
with export, data quality (placing « à localiser » structures) and the printable guide.

Thin views: parse the request with a form, call one selector or service of
:mod:`maillage.directory`, render its result objects.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from maillage.accounts.permissions import can_view_drafts
from maillage.directory import opening_hours
from maillage.directory.models import Structure
from maillage.directory.results import SearchHit, SearchPage
from maillage.directory.selectors import (
    AGE_BANDS,
    StructureNotFound,
    parcours,
    structure_get,
    structure_search,
)
from maillage.directory.vocabulary import (
    MOBILISABLE_PAR_LABELS,
    MODE_MOBILISATION_LABELS,
    PUBLIC_LABELS,
    THEMATIQUE_LABELS,
)
from maillage.territory.models import Territory
from maillage.usage import services as usage
from maillage.usage.models import Kind as UsageKind

from ..decorators import territory_view
from ..forms.directory import SearchForm
from ..templatetags.directory_cards import (
    DISTANCE_SLOT,
    SERVICES_SLOT,
    distance_html,
    services_html,
)

log = logging.getLogger(__name__)
PAGE_SIZE = 20
EXPORT_LIMIT = 500


# --------------------------------------------------------------------------- search form


def _search(
    request: HttpRequest,
    territory: Territory,
    *,
    limit: int,
    form_class: type[SearchForm] | None = None,
) -> tuple[SearchForm, Any]:
    form = (form_class or SearchForm)(request.GET or None, territory=territory)
    if request.GET and not form.is_valid():
        return form, None
    kwargs = form.search_kwargs() if form.is_bound else {}
    kwargs["published_only"] = not can_view_drafts(request.user, territory)
    page = (form.cleaned_data.get("page") or 1) if form.is_bound else 1
    return form, structure_search(
        territory=territory, limit=limit, offset=(page - 1) * limit, **kwargs
    )


def _points(result: SearchPage | None, slug: str) -> list[dict[str, Any]]:
    prefix = reverse("web:structure", args=[slug, 0]).removesuffix("0/")  # one reverse a page
    return [
        {
            "id": h.structure.id,
            "name": h.structure.name,
            "lon": h.structure.lon,
            "lat": h.structure.lat,
            "url": f"{prefix}{h.structure.id}/",
        }
        for h in (result.results if result else [])
        if h.structure.located
    ]


CARD_CACHE_S = 3600


CARD_TEMPLATE = "directory/_card.html"


def result_cards(request: HttpRequest, territory: Territory, hits: list[SearchHit]) -> list[str]:
    """The HTML of each hit (``directory/_card.html``), from a cached rendering per structure.

    A card depends on its structure, and on the search only through the distance and the
    services shown (``templatetags/directory_cards.py``): the template is rendered once per
    structure and version of the territory's data with those two parts left as slots, kept in
    the Django cache, and the slots are filled for each hit. Before, a card was cached per
    (structure, services shown, distance): a search with other criteria showing other services
    rendered it again (≈ 0,9 ms a card, 20 a page).

    A card is rendered from its own context only (territory, structure), without the request's
    context processors (user, messages, site settings): it is the same for every visitor.
    """
    lang = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    keys = [
        f"directory-card:{territory.pk}:{territory.data_version}:{lang}:{h.structure.id}"
        for h in hits
    ]
    found = cache.get_many(keys)
    missing: dict[str, tuple[str, ...]] = {}
    template = None
    cards: list[str] = []
    for key, hit in zip(keys, hits, strict=True):
        parts = found[key] if key in found else missing.get(key)
        if parts is None:
            template = template or get_template(CARD_TEMPLATE)
            context = {"territory": territory, "hit": hit, "s": hit.structure, "card_slots": True}
            # () when a slot marker is in the structure's own text: rendered whole, each time
            parts = _card_parts(template.render(context)) or ()
            missing[key] = parts
        if parts:
            head, middle, tail = parts
            html = head + distance_html(hit) + middle + services_html(hit) + tail
        else:
            template = template or get_template(CARD_TEMPLATE)
            html = template.render({"territory": territory, "hit": hit, "s": hit.structure})
        cards.append(mark_safe(html))  # noqa: S308 (rendered by the template, escaped parts)
    if missing:
        cache.set_many(missing, CARD_CACHE_S)
    return cards


def _card_parts(shell: str) -> tuple[str, str, str] | None:
    """``(head, middle, tail)`` around the distance and services slots of a rendered card."""
    if shell.count(DISTANCE_SLOT) != 1 or shell.count(SERVICES_SLOT) != 1:
        return None
    head, rest = shell.split(DISTANCE_SLOT)
    middle, tail = rest.split(SERVICES_SLOT)
    return head, middle, tail


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


@territory_view
def directory_search(request: HttpRequest, territory: Territory) -> HttpResponse:
    form, result = _search(request, territory, limit=PAGE_SIZE)
    usage.count_search(request, territory, form, result)
    context = {
        "territory": territory,
        "form": form,
        "result": result,
        "points": _points(result, territory.slug),
        "cards": result_cards(request, territory, result.results) if result else [],
        "pages": _page_links(request, result),
        "shown_to": result.offset + len(result.results) if result else 0,
    }
    # htmx asks for the results only, except when it restores a page from history (it then
    # needs the whole page); caches must keep the two answers apart.
    fragment = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    if fragment:
        response = render(request, "directory/_results.html", context)
    else:
        response = HttpResponse(_search_page(request, territory, context))
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


SEARCH_TEMPLATE = "directory/search.html"
FORM_SLOT = "\x00search-form\x00"
RESULTS_SLOT = "\x00search-results\x00"
SHELL_CACHE_S = 3600


def _search_page(request: HttpRequest, territory: Territory, context: dict[str, Any]) -> str:
    """The whole search page: its form and results rendered for this request, inside the rest
    of the page (layout, navigation, map, « Donnez votre avis », scripts).

    For an anonymous visitor without pending messages, the rest of the page depends only on the
    territory (and its data version), the language and the base map's settings: it is rendered
    once with two slots and kept in the cache, as the result cards are; the form and the
    results are filled in for each search. Anyone else gets the page rendered whole. A test
    checks both give the same bytes.
    """
    action = reverse("web:directory", args=[territory.slug])
    form_html = render_to_string(
        "directory/_search_form.html",
        {"form": context["form"], "action": action, "htmx": True},
        request,
    )
    results_html = render_to_string("directory/_results.html", context, request)
    if request.user.is_authenticated or _has_messages(request):
        return _whole_page(request, context, form_html, results_html)
    lang = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    base_map = hashlib.sha256(f"{settings.TILE_URL}\n{settings.TILE_ATTRIBUTION}".encode())
    version = f"{territory.pk}:{territory.data_version}:{lang}:{base_map.hexdigest()[:16]}"
    key = f"directory-shell:{version}"
    parts: tuple[str, ...] | None = cache.get(key)
    if parts is None:
        shell = _whole_page(request, context, FORM_SLOT, RESULTS_SLOT)
        if shell.count(FORM_SLOT) == 1 and shell.count(RESULTS_SLOT) == 1:
            head, rest = shell.split(FORM_SLOT)
            middle, tail = rest.split(RESULTS_SLOT)
            parts = (head, middle, tail)
        else:  # a slot marker in the territory's own text: the page rendered whole, each time
            parts = ()
        cache.set(key, parts, SHELL_CACHE_S)
    if not parts:
        return _whole_page(request, context, form_html, results_html)
    head, middle, tail = parts
    return head + form_html + middle + results_html + tail


def _whole_page(
    request: HttpRequest, context: dict[str, Any], form_html: str, results_html: str
) -> str:
    """``directory/search.html`` around the (already escaped) form and results."""
    page = {**context, "form_html": mark_safe(form_html), "results_html": mark_safe(results_html)}  # noqa: S308
    return render_to_string(SEARCH_TEMPLATE, page, request)


def _has_messages(request: HttpRequest) -> bool:
    """Whether messages wait for this request (counted without marking them as read, as the
    layout's ``{% if messages %}`` does)."""
    from django.contrib.messages import get_messages

    return len(get_messages(request)) > 0


# --------------------------------------------------------------------------- structure page


DayHours = opening_hours.DayHours


def week_hours(text: str, *, start: date, commune: str = "") -> list[DayHours] | None:
    """The next seven days' opening hours, from an OSM ``opening_hours`` text."""
    return opening_hours.week(text, start=start, commune=commune)


def _hit(territory: Territory, pk: int, *, published_only: bool = True) -> SearchHit:
    try:
        return structure_get(territory=territory, id=pk, published_only=published_only)
    except StructureNotFound as exc:
        raise Http404(str(exc)) from exc


def _service_details(hits: list[SearchHit]) -> dict[int, dict[str, Any]]:
    """Orientation fields of the hits' services, with French labels for the coded lists."""
    return {
        sv.id: {
            "conditions_acces": sv.conditions_acces,
            "modes_mobilisation": [
                MODE_MOBILISATION_LABELS.get(m, m) for m in sv.modes_mobilisation
            ],
            "mobilisable_par": [MOBILISABLE_PAR_LABELS.get(m, m) for m in sv.mobilisable_par],
            "mobilisation_precisions": sv.mobilisation_precisions,
            "publics_precisions": sv.publics_precisions,
            "frais_precisions": sv.frais_precisions,
        }
        for h in hits
        for sv in h.services
    }


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

    @cached_property
    def facts(self) -> list[tuple[str, str, bool]]:
        """(label, text, is_code) lines of the structure page, in French, known facts only."""
        sv, out = self.service, []
        if sv.age_min is not None or sv.age_max is not None:
            ages = []
            if sv.age_min is not None:
                ages.append(_g("à partir de %(a)s ans") % {"a": floatformat(sv.age_min, -1)})
            if sv.age_max is not None:
                ages.append(_g("avant %(b)s ans") % {"b": floatformat(sv.age_max, -1)})
            out.append((_g("Âges"), " ".join(ages), False))
        if self.publics:
            out.append((_g("Publics"), ", ".join(self.publics), False))
        if self.thematiques:
            out.append((_g("Thématiques"), ", ".join(self.thematiques), False))
        if sv.capacity is not None:
            places = ngettext("%(n)d place", "%(n)d places", sv.capacity) % {"n": sv.capacity}
            out.append((_g("Capacité"), places, False))
        if sv.frais:
            out.append((_g("Frais"), sv.frais, False))
        if sv.opening_hours:
            out.append((_g("Horaires du service"), sv.opening_hours, True))
        if self.conditions:
            out.append((_g("Conditions d'accès"), self.conditions, False))
        if self.mobilisation:
            out.append((_g("Comment y accéder"), ", ".join(self.mobilisation), False))
        return out


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


@territory_view
def structure_detail(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    internal = can_view_drafts(request.user, territory)
    hit = _hit(territory, pk, published_only=not internal)
    usage.count(request, territory, UsageKind.FICHE, str(pk))
    now = timezone.localtime()
    s = hit.structure
    return render(
        request,
        "directory/structure.html",
        {
            "territory": territory,
            "hit": hit,
            "s": s,
            # Coordinators and observers see internal notes: their cached body is kept apart.
            "audience": "interne" if internal else "public",
            # The model instance, for the history and edit links of signed-in users only.
            "structure_obj": (
                Structure.objects.get(pk=s.id) if request.user.is_authenticated else None
            ),
            "open_now": opening_hours.is_open(s.opening_hours, at=now, commune=s.commune_code),
            "today": now.date(),
            # Computed only when the page's cached body is rendered again (see the template).
            "week": SimpleLazyObject(
                lambda: week_hours(s.opening_hours, start=now.date(), commune=s.commune_code)
            ),
            "services": SimpleLazyObject(lambda: _service_rows([hit])[s.id]),
        },
    )


# --------------------------------------------------------------------------- parcours

TRANSITIONS = {
    "3-6": _("Entrée à l'école maternelle (3 ans) : première séparation durable avec les parents."),
    "6-11": _("Entrée à l'école élémentaire (CP, 6 ans) : changement de cadre scolaire."),
    "11-17": _("Entrée au collège (11 ans), puis au lycée (15 ans)."),
}


@territory_view
def parcours_view(request: HttpRequest, territory: Territory) -> HttpResponse:
    steps = [
        (parcours(territory=territory, age_band=band), TRANSITIONS.get(band)) for band in AGE_BANDS
    ]
    return render(request, "directory/parcours.html", {"territory": territory, "steps": steps})
