"""Audience measurement pages: the contact-click beacon of the public fiches, and the
coordination's audience page (« Audience de l'annuaire ») with its charts.

Thin views: the beacon checks the click against the fiche and calls
:func:`maillage.usage.services.count`; the page renders
:func:`maillage.usage.selectors.usage_report`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_POST, require_safe

from maillage.plan import supports
from maillage.territory.models import Territory
from maillage.usage import selectors, services
from maillage.usage.forms import GuideSupportForm, PeriodForm
from maillage.usage.models import CONTACT_KINDS, PLURALS, Kind

from ..csp import SVG_CSP, WIDGET_CSP
from ..decorators import EDITOR, READERS, has_role, territory_view
from ..site_url import absolute_url

#: Who sees the audience page: the coordination and the observers (CAF).
CHART_CACHE_S = 600
CHART_ROWS = 15


@require_GET
@territory_view
def contact_click(request: HttpRequest, territory: Territory, kind: str, pk: int) -> HttpResponse:
    """``usage.js`` tells a click on a fiche's phone, e-mail, website or « itinéraire »: 204.

    Counted only for a contact the published fiche has, from a page of the site itself
    (``Sec-Fetch-Site``), under the rules of :func:`maillage.usage.services.is_counted`.
    """
    if not selectors.has_contact(territory=territory, structure_id=pk, kind=kind):
        raise Http404("Contact inconnu.")
    if request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin":
        services.count(request, territory, kind, str(pk))
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


def _support_forms(request: HttpRequest, territory: Territory) -> dict[str, Any]:
    """The « Inscrire ce support au journal » forms of the audience page: shown to who may
    write the journal, for a territory whose plan has an axis 4 (indicator 4.2)."""
    from ..forms.directory import SearchForm

    if supports.journal_axis(territory=territory) is None or not supports.can_record(
        request.user, territory
    ):
        return {"can_record": False}
    return {
        "can_record": True,
        "widget_form": SearchForm(prefix="widget", territory=territory),
        "guide_form": GuideSupportForm(prefix="guide", territory=territory),
        "recorded": supports.recorded_today(territory=territory),
    }


@require_safe
@territory_view(role=READERS)
def audience_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    start, end = PeriodForm(request.GET or None).period()
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    report = selectors.usage_report(territory=territory, start=start, end=end)
    query = f"?start={start.isoformat()}&end={end.isoformat()}"
    widget_url = absolute_url(
        reverse("web:directory-widget", args=[territory.slug]), request=request
    )
    return render(
        request,
        "usage/audience.html",
        {
            "territory": territory,
            "form": form,
            "report": report,
            "query": query,
            "contact_labels": [PLURALS[k] for k in CONTACT_KINDS],
            "fiches": report.fiches[:50],
            "months": [(m, [c[k] for k in Kind.values]) for m, c in report.months],
            "kinds": [PLURALS[k] for k in Kind],
            "need_rows": report.searches_for("thematique"),
            "widget_url": widget_url,
            **_support_forms(request, territory),
        },
    )


def _support(request: HttpRequest, territory: Territory) -> supports.Support:
    """The support a « Inscrire ce support au journal » form names (``ValidationError``)."""
    from django.core.exceptions import ValidationError

    from maillage.directory.selectors import StructureNotFound, structure_get

    from ..forms.directory import SearchForm

    what = request.POST.get("support")
    slug = territory.slug
    if what == "affiche":
        raw = request.POST.get("structure", "")
        try:
            hit = structure_get(
                territory=territory, id=int(raw) if raw.isdigit() else 0, published_only=True
            )
        except StructureNotFound as exc:
            raise ValidationError("Affiche : lieu inconnu ou non publié.") from exc
        s = hit.structure
        return supports.Support(
            title=f"Affiche — {s.name}",
            url=absolute_url(reverse("web:structure-poster", args=[slug, s.id]), request=request),
            what="Affiche A4 imprimable du lieu, avec QR code vers sa fiche.",
        )
    if what == "widget":
        form = SearchForm(request.POST, prefix="widget", territory=territory)
        if not form.is_valid():
            raise ValidationError("Widget : filtres inconnus (thématique ou quartier).")
        key = services.search_key({k: form.cleaned_data.get(k) for k in ("thematique", "quartier")})
        criteria = selectors.Labels(territory).criteria(key)
        url = absolute_url(reverse("web:directory-widget", args=[slug]), request=request)
        return supports.Support(
            title="Widget de l'annuaire" + (f" — {criteria}" if criteria else ""),
            url=url + (f"?{key}" if key else ""),
            what="Annuaire intégrable au site d'un partenaire ou de la ville (une ligne).",
        )
    if what == "guide":
        guide = GuideSupportForm(request.POST, prefix="guide", territory=territory)
        if not guide.is_valid():
            raise ValidationError("Guide : quartier ou thème inconnu.")
        data = guide.cleaned_data
        labels = dict(guide.fields["quartier"].choices), dict(guide.fields["theme"].choices)  # type: ignore[attr-defined]
        parts = [
            f"quartier {labels[0][data['quartier']]}" if data["quartier"] else "tout le territoire"
        ]
        if data["theme"]:
            parts.append(f"thème {labels[1][data['theme']]}")
        params = urlencode({k: data[k] for k in ("quartier", "theme") if data[k]})
        url = absolute_url(reverse("web:guide-pdf", args=[slug]), request=request)
        return supports.Support(
            title="Guide imprimable — " + " — ".join(parts),
            url=url + (f"?{params}" if params else ""),
            what="Guide imprimable des lieux ressources (PDF, avec QR codes).",
        )
    raise ValidationError("Support inconnu.")


@require_POST
@territory_view(role=EDITOR)
def support_journal(request: HttpRequest, territory: Territory) -> HttpResponse:
    """« Inscrire ce support au journal »: one activity « support de communication » on
    axis 4 (indicator 4.2); back to the audience page with the message."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if not supports.can_record(request.user, territory):
        raise PermissionDenied("Inscription au journal réservée au chargé de coopération.")
    try:
        support = _support(request, territory)
        activity = supports.support_to_journal(
            territory=territory, user=request.user, support=support
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"« {activity.title} » inscrit au journal (support de communication, axe 4) : "
            f"il compte pour l'indicateur des supports de communication. Adresse : {support.url}",
        )
    back = reverse("web:usage-audience", args=[territory.slug])
    if has_role(request.user, territory, READERS):
        return redirect(back + "#supports")
    return redirect("web:plan-journal", territory.slug)


def _chart_rows(report: selectors.UsageReport, name: str) -> tuple[list[str], list[float], str]:
    """Labels, values and unit of one chart of the audience page (``Http404``: unknown)."""
    if name == "mois":
        labels = [formats.date_format(m, "F Y") for m, _c in report.months]
        return labels, [c[Kind.FICHE] for _m, c in report.months], "vues de fiches"
    if name == "fiches":
        fiches = report.fiches[:CHART_ROWS]
        return [f.name[:60] for f in fiches], [f.views for f in fiches], "vues"
    if name == "besoins":
        rows = report.searches_for("thematique")[:CHART_ROWS]
        return [r.label[:60] for r in rows], [r.count for r in rows], "recherches"
    if name == "sans-reponse":
        unanswered = report.unanswered[:CHART_ROWS]
        labels = [f"{r.need[:45]} — {r.quartier[:25]}" for r in unanswered]
        return labels, [r.count for r in unanswered], "recherches sans résultat"
    raise Http404("Graphique inconnu.")


@require_safe
@territory_view(role=READERS)
def audience_chart(request: HttpRequest, territory: Territory, name: str) -> HttpResponse:
    """One chart of the audience page as SVG (the same figures are in its tables)."""
    from maillage.reports.charts import bar_chart

    start, end = PeriodForm(request.GET or None).period()
    key = f"usage-chart:{territory.pk}:{name}:{start}:{end}"
    svg: Any = cache.get(key)
    if svg is None:
        report = selectors.usage_report(territory=territory, start=start, end=end)
        labels, values, unit = _chart_rows(report, name)
        svg = bar_chart(labels=labels, values=values, unit=unit, fmt="svg", width_in=7.0)
        cache.set(key, svg, CHART_CACHE_S)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SVG_CSP
    return response


# --------------------------------------------------------------------------- A4 poster


@require_safe
@territory_view
def structure_poster(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """A printable A4 poster of a published fiche: name, services, address, contacts, the
    opening hours of the coming week and a QR code to the fiche online (a communication
    support for the place's door, a notice board, a partner's desk)."""
    import datetime as dt

    from django.utils import timezone

    from maillage.directory import opening_hours
    from maillage.directory.selectors import StructureNotFound, structure_get
    from maillage.reports.pdf import render_pdf

    from ..guide_build import qr_svg

    try:
        hit = structure_get(territory=territory, id=pk, published_only=True)
    except StructureNotFound as exc:
        raise Http404(str(exc)) from exc
    s = hit.structure
    today = timezone.localdate()
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7)
    url = absolute_url(reverse("web:structure", args=[territory.slug, s.id]), request=request)
    pdf = render_pdf(
        "usage/poster_pdf.html",
        {
            "territory": territory,
            "hit": hit,
            "s": s,
            "week": opening_hours.week(s.opening_hours, start=monday, commune=s.commune_code),
            "monday": monday,
            "qr": qr_svg(url),
            "url": url,
            "today": today,
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="affiche-{s.slug or s.id}.pdf"'
    return response


# --------------------------------------------------------------------------- embeddable widget

WIDGET_LIMIT = 50


@require_safe
@xframe_options_exempt
@territory_view
def directory_widget(request: HttpRequest, territory: Territory) -> HttpResponse:
    """The directory, filtered by thématique, public, âge or quartier, for a partner's or the
    city's website: ``<iframe src="…/widget/?thematique=famille" …>`` (one line)."""
    from maillage.directory.selectors import structure_search

    from ..forms.directory import SearchForm

    form = SearchForm(request.GET or None, territory=territory)
    if form.is_bound and not form.is_valid():
        raise Http404("Critères inconnus.")
    data = form.cleaned_data if form.is_bound else {}
    page = structure_search(
        territory=territory,
        thematique=data.get("thematique") or None,
        public=data.get("public") or None,
        quartier=data.get("quartier") or None,
        age=data.get("age"),
        limit=WIDGET_LIMIT,
    )
    services.count(request, territory, Kind.WIDGET, services.search_key(data))
    directory = absolute_url(reverse("web:directory", args=[territory.slug]), request=request)
    prefix = absolute_url(reverse("web:structure", args=[territory.slug, 0]), request=request)
    response = render(
        request,
        "usage/widget.html",
        {
            "territory": territory,
            "page": page,
            "prefix": prefix.removesuffix("0/"),
            "directory": directory + ("?" + request.GET.urlencode() if request.GET else ""),
            "filters": selectors.Labels(territory).criteria(services.search_key(data)),
        },
    )
    response["Content-Security-Policy"] = WIDGET_CSP
    return response
