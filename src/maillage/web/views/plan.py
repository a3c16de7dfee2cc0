"""Plan pages: the plan tree, indicator dashboard and drill-down, journal (filters, map, entry
form, import), échéancier and the bilan downloads.

Thin views: parse the request with a form, call one selector or service of :mod:`maillage.plan`
(or :mod:`maillage.reports`), render its result objects.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from maillage.accounts.permissions import (
    can_edit,
    is_coordinator,
    is_member,
)
from maillage.interop.tabular import CONTENT_TYPES, TableError, table_response
from maillage.plan.bilan_build import bilan_build
from maillage.plan.models import Activity, Indicator, Milestone
from maillage.plan.selectors import (
    PlanNotFound,
    activities_by_zone,
    indicator_result,
    indicator_results,
    journal_queryset,
    journal_years,
    milestones,
    plan_tree,
)
from maillage.reports import bilan as bilan_report
from maillage.territory.models import Territory

from ..csp import SVG_CSP
from ..decorators import COORDINATOR, territory_view
from ..journal_import_document import BACKGROUND_ROWS
from ..params import parse_int
from . import plan_forms as pf

PAGE_SIZE = 50
#: The plan template's formats offered on ``plan/no_plan.html``: XLSX first (its « Mode d'emploi »).
TEMPLATE_FORMATS = ("xlsx", "ods", "csv")


class NoPlan(Http404):
    """The territory has no plan yet: a 404 naming it (downloads, feeds), which the pages
    decorated by :func:`no_plan_page` turn into ``plan/no_plan.html``."""

    def __init__(self, territory: Territory) -> None:
        super().__init__(str(PlanNotFound(territory)))
        self.territory = territory


def _tree(territory: Territory) -> Any:
    """The territory's plan (convention, axes, indicators), or :class:`NoPlan` (a 404)."""
    try:
        return plan_tree(territory=territory)
    except PlanNotFound as exc:
        raise NoPlan(territory) from exc


def no_plan_page(page: str | Promise) -> Callable[[Callable[..., HttpResponse]], Any]:
    """A page of the plan (``page``: its name in the menu) that, for a territory without a
    plan, says so and how to create it (``plan/no_plan.html``) instead of a 404: 200 on a read,
    409 on a form sent (nothing can be written without a plan). Place it under
    :func:`~maillage.web.decorators.territory_view`, which checks the role first."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, territory: Territory, **kw: Any) -> Any:
            try:
                return view(request, *args, territory=territory, **kw)
            except NoPlan:
                pass  # rendered outside the except block: no chained traceback kept
            return render(
                request,
                "plan/no_plan.html",
                {
                    "territory": territory,
                    "page": page,
                    "coordinator": is_coordinator(request.user, territory),
                    "template_formats": TEMPLATE_FORMATS,
                },
                status=200 if request.method in ("GET", "HEAD") else 409,
            )

        return wrapper

    return decorate


def _ctx(territory: Territory, tree: Any, request: HttpRequest, **extra: Any) -> dict:
    return {
        "territory": territory,
        "tree": tree,
        "coordinator": is_coordinator(request.user, territory),
        **extra,
    }


# --------------------------------------------------------------------------- plan and indicators


@territory_view
@no_plan_page(_("Plan d'action"))
def plan_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    tree = _tree(territory)
    return render(request, "plan/tree.html", _ctx(territory, tree, request))


@require_safe  # a read-only page (its visit may ask the worker to draw the charts)
@territory_view
@no_plan_page(_("Indicateurs"))
def indicators_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    from maillage.jobs.charts import charts_warm_request
    from maillage.reports.chart_cache import charts_missing

    tree = _tree(territory)
    results = indicator_results(territory=territory)
    if charts_missing(results):  # the worker draws them while this visitor's requests do too
        charts_warm_request(territory)
    axes = [
        {
            "axis": axis,
            "results": [r for r in results if r.axis_number == axis.number],
            "glance": pf.status_counts(r for r in results if r.axis_number == axis.number),
        }
        for axis in tree.axes
    ]
    return render(
        request,
        "plan/indicators.html",
        _ctx(
            territory,
            tree,
            request,
            axes=axes,
            years=list(range(tree.period[0], tree.period[1] + 1)),
            glance=pf.status_counts(results),
            includes_fictional=any(r.includes_fictional for r in results),
        ),
    )


def _result(territory: Territory, pk: int) -> Any:
    result = indicator_result(territory=territory, indicator_id=pk)
    if result is None:
        raise Http404(_g("Indicateur introuvable dans ce plan."))
    return result


@territory_view
@no_plan_page(_("Indicateurs"))
def indicator_page(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    tree = _tree(territory)
    result = _result(territory, pk)
    return render(
        request,
        "plan/indicator.html",
        _ctx(territory, tree, request, r=result, years=pf.year_rows(result)),
    )


@territory_view(role=COORDINATOR)
@no_plan_page(_("Indicateurs"))
def indicator_edit(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """Targets and baseline of an indicator; yearly value of a ``manual`` one."""
    tree = _tree(territory)
    indicator = (
        Indicator.objects.filter(axis__convention__territory=territory, pk=pk)
        .select_related("axis__convention")
        .prefetch_related("targets")
        .first()
    )
    if indicator is None:
        raise Http404(_g("Indicateur introuvable dans ce plan."))
    years = list(range(tree.period[0], tree.period[1] + 1))
    post = request.POST if request.method == "POST" else None
    targets = pf.TargetsForm(
        post if post and "targets" in post else None, indicator=indicator, years=years
    )
    manual = None
    if indicator.kind in (Indicator.Kind.MANUAL, Indicator.Kind.DOCUMENT):
        manual = pf.ManualValueForm(
            post if post and "manual" in post else None, indicator=indicator, years=years
        )
    if post and "targets" in post and targets.is_valid() and targets.save(user=request.user):
        return redirect("web:plan-indicator", slug=territory.slug, pk=pk)
    if post and manual is not None and "manual" in post:
        if manual.is_valid() and manual.save(author=request.user):
            return redirect("web:plan-indicator", slug=territory.slug, pk=pk)
    return render(
        request,
        "plan/indicator_edit.html",
        _ctx(territory, tree, request, indicator=indicator, targets=targets, manual=manual),
        status=400 if post else 200,
    )


@territory_view
def indicator_chart(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """The trend of an indicator as SVG, drawn once for the figures it shows."""
    from maillage.reports.chart_cache import trend_svg

    # Drawn small (3.0 × 1.8 in): shown 14rem wide in the indicators table, its text keeps a
    # readable size there (issue 20: the sparklines were too small to read). From the cache shared
    # with the worker, keyed by what is drawn (reports/chart_cache.py), else drawn now.
    svg = trend_svg(_result(territory, pk))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SVG_CSP
    return response


# --------------------------------------------------------------------------- journal


def _journal_filters(request: HttpRequest, territory: Territory, tree: Any) -> pf.JournalFilter:
    form = pf.JournalFilter(request.GET or None, territory=territory, tree=tree)
    form.is_valid()
    return form


@territory_view
@no_plan_page(_("Journal"))
def journal_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    tree = _tree(territory)
    form = _journal_filters(request, territory, tree)
    qs = journal_queryset(territory=territory, **form.selector_kwargs())
    activities = list(qs)  # one evaluation for the counts, the map table and the page
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    zone_counts = activities_by_zone(territory=territory, activities=activities)
    query = form.querystring()
    return render(
        request,
        "plan/journal.html",
        _ctx(
            territory,
            tree,
            request,
            form=form,
            page=page,
            total=len(activities),
            fictional=sum(1 for a in activities if a.is_fictional),
            zone_counts=zone_counts,
            query=query,
            geojson_url=reverse("web:plan-journal-geojson", args=[territory.slug]) + f"?{query}",
            can_record=can_edit(request.user, Activity(territory=territory)),
            can_download=is_member(request.user, territory),
            journal_years=journal_years(territory=territory),
        ),
    )


@territory_view
def journal_geojson(request: HttpRequest, territory: Territory) -> JsonResponse:
    """Filtered journal per zone (``count`` property) and located activities, for map.js."""
    tree = _tree(territory)
    form = _journal_filters(request, territory, tree)
    activities = list(journal_queryset(territory=territory, **form.selector_kwargs()))
    features = pf.journal_features(territory, activities)
    return JsonResponse({"type": "FeatureCollection", "features": features})


@territory_view
def journal_export(request: HttpRequest, territory: Territory, fmt: str) -> HttpResponse:
    """The filtered journal with the import columns (an export re-imports unchanged)."""
    from maillage.plan.journal import JOURNAL_COLUMNS, journal_rows

    tree = _tree(territory)
    if fmt not in CONTENT_TYPES:
        raise Http404(_g("Format inconnu (csv, xlsx ou ods)."))
    form = _journal_filters(request, territory, tree)
    rows = journal_rows(territory=territory, **form.selector_kwargs())
    return table_response(
        rows, columns=JOURNAL_COLUMNS, fmt=fmt, filename=f"journal-ctg-{territory.slug}"
    )


@territory_view
@no_plan_page(_("Journal"))
def activity_page(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    tree = _tree(territory)
    activity = journal_queryset(territory=territory).filter(pk=pk).first()
    if activity is None:
        raise Http404(_g("Activité introuvable dans ce journal."))
    return render(
        request,
        "plan/activity.html",
        _ctx(
            territory,
            tree,
            request,
            a=activity,
            can_delete=can_edit(request.user, activity),
            can_download=is_member(request.user, territory),
        ),
    )


def _require_editor(request: HttpRequest, territory: Territory) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_edit(request.user, Activity(territory=territory)):
        raise PermissionDenied(_g("Saisie réservée au chargé de coopération et aux partenaires."))
    return None


@territory_view
@no_plan_page(_("Journal"))
def activity_new(request: HttpRequest, territory: Territory) -> HttpResponse:
    tree = _tree(territory)
    if denied := _require_editor(request, territory):
        return denied
    form = pf.ActivityForm(
        request.POST or None, request.FILES or None, territory=territory, tree=tree
    )
    if request.method == "POST" and form.is_valid():
        activity = form.save(author=request.user)
        if activity is not None:
            messages.success(
                request,
                _g("Activité « %(title)s » enregistrée au journal.") % {"title": activity.title},
            )
            return redirect("web:plan-activity", slug=territory.slug, pk=activity.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "plan/activity_form.html", _ctx(territory, tree, request, form=form), status=status
    )


@territory_view
@no_plan_page(_("Journal"))
def activity_edit(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """Change a journal entry (coordinator, or the partner who wrote it)."""
    tree = _tree(territory)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    activity = journal_queryset(territory=territory).filter(pk=pk).first()
    if activity is None:
        raise Http404(_g("Activité introuvable dans ce journal."))
    if not can_edit(request.user, activity):
        raise PermissionDenied(_g("Modification réservée au chargé de coopération et à l'auteur."))
    form = pf.ActivityForm(
        request.POST or None,
        request.FILES or None,
        territory=territory,
        tree=tree,
        activity=activity,
    )
    if request.method == "POST" and form.is_valid() and form.save(author=request.user):
        messages.success(
            request, _g("Modifications de « %(title)s » enregistrées.") % {"title": activity.title}
        )
        return redirect("web:plan-activity", slug=territory.slug, pk=pk)
    return render(
        request,
        "plan/activity_form.html",
        _ctx(territory, tree, request, form=form, activity=activity),
        status=400 if request.method == "POST" else 200,
    )


@territory_view
def activity_delete(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """Delete a journal entry (coordinator, or the partner who wrote it); POST only."""

    from maillage.plan.services import activity_delete as delete_service

    _tree(territory)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("web:plan-activity", args=[territory.slug, pk]))
    activity = Activity.objects.filter(territory=territory, pk=pk).first()
    if activity is None:
        raise Http404(_g("Activité introuvable dans ce journal."))
    if request.method != "POST" or not can_edit(request.user, activity):
        raise PermissionDenied(_g("Suppression réservée au chargé de coopération et à l'auteur."))
    title = activity.title
    delete_service(activity=activity, user=request.user)
    messages.success(request, _g("Activité « %(title)s » supprimée du journal.") % {"title": title})
    return redirect("web:plan-journal", slug=territory.slug)


@territory_view
@no_plan_page(_("Journal"))
def journal_import(request: HttpRequest, territory: Territory) -> HttpResponse:
    """Upload → dry run showing refused rows → confirm (valid rows only, on request)."""
    from maillage.plan.journal import journal_import as import_service

    tree = _tree(territory)
    if denied := _require_editor(request, territory):
        return denied
    confirming = request.method == "POST" and "confirm" in request.POST
    form = pf.ImportForm(
        None if confirming else (request.POST or None), None if confirming else request.FILES
    )
    report, error, token = None, "", ""
    if confirming:
        pending = request.session.get("plan_import") or {}
        token = request.POST.get("token", "")
        if not pending or pending.get("token") != token or pending.get("slug") != territory.slug:
            error = _g("Import expiré : déposez à nouveau le fichier.")
        elif pending.get("rows", 0) > BACKGROUND_ROWS:
            # A large file: the worker writes it (same service), the visitor follows its progress.
            from maillage.jobs.selectors import remember
            from maillage.jobs.services import job_start

            request.session.pop("plan_import", None)
            job = job_start(
                territory=territory,
                kind="import-journal",
                params={
                    "token": token,
                    "filename": pending["filename"],
                    "valid_only": request.POST.get("valid_only") == "1",
                    "author": request.user.pk,
                },
                user=request.user,
            )
            remember(request.session, job)
            return redirect("web:job", territory.slug, job.pk)
        else:
            path = pf.import_path(token)
            try:
                report = import_service(
                    territory=territory,
                    data=path.read_bytes(),
                    filename=pending["filename"],
                    valid_only=request.POST.get("valid_only") == "1",
                    author=request.user,
                )
            except (OSError, TableError) as exc:
                error = str(exc)
            path.unlink(missing_ok=True)
            request.session.pop("plan_import", None)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            # Dry run of the valid rows: the refused ones are listed, the rest counted.
            report = import_service(
                territory=territory, data=data, filename=upload.name, dry_run=True, valid_only=True
            )
        except TableError as exc:
            error = str(exc)
        else:
            if report.created:
                pf.forget_pending_import(request)
                token = str(uuid.uuid4())
                path = pf.import_path(token)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                request.session["plan_import"] = {
                    "token": token,
                    "slug": territory.slug,
                    "filename": upload.name,
                    "rows": report.rows,
                }
    status = 400 if request.method == "POST" and (error or form.errors) else 200
    return render(
        request,
        "plan/journal_import.html",
        _ctx(territory, tree, request, form=form, report=report, error=error, token=token),
        status=status,
    )


@territory_view
def journal_template(request: HttpRequest, territory: Territory, fmt: str) -> HttpResponse:
    from maillage.plan.journal import journal_template as template_service

    _tree(territory)
    if fmt not in CONTENT_TYPES:
        raise Http404(_g("Format inconnu (csv, xlsx ou ods)."))
    response = HttpResponse(template_service(fmt=fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="modele-journal-ctg.{fmt}"'
    return response


# --------------------------------------------------------------------------- échéancier


@territory_view
@no_plan_page(_("Échéancier"))
def schedule_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    tree = _tree(territory)
    steps, today = milestones(territory=territory), timezone.localdate()
    return render(
        request,
        "plan/schedule.html",
        _ctx(
            territory,
            tree,
            request,
            groups=pf.schedule_groups(steps, today),
            summary=pf.schedule_summary(steps, today),
        ),
    )


@territory_view(role=COORDINATOR)
@no_plan_page(_("Échéancier"))
def milestone_edit(
    request: HttpRequest, territory: Territory, pk: int | None = None
) -> HttpResponse:
    tree = _tree(territory)
    milestone = None
    if pk is not None:
        milestone = Milestone.objects.filter(convention__territory=territory, pk=pk).first()
        if milestone is None:
            raise Http404(_g("Étape introuvable dans cet échéancier."))
    form = pf.MilestoneForm(
        request.POST or None, territory=territory, tree=tree, milestone=milestone
    )
    if request.method == "POST" and form.is_valid() and form.save(user=request.user) is not None:
        return redirect("web:plan-schedule", slug=territory.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "plan/milestone_form.html",
        _ctx(territory, tree, request, form=form, milestone=milestone),
        status=status,
    )


# --------------------------------------------------------------------------- bilan


def _bilan_year(request: HttpRequest, tree: Any) -> int | None:
    raw = request.GET.get("annee", "").strip()
    if not raw:
        return None
    year = parse_int(raw, minimum=tree.period[0], maximum=tree.period[1])
    if year is None:
        raise Http404(_g("Année hors de la période de la convention."))
    return year


@territory_view
@no_plan_page(_("Bilan"))
def bilan_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    tree = _tree(territory)
    return render(
        request,
        "plan/bilan.html",
        _ctx(
            territory,
            tree,
            request,
            years=list(range(tree.period[0], tree.period[1] + 1)),
            formats=bilan_report.FORMATS,
        ),
    )


@territory_view
def bilan_download(request: HttpRequest, territory: Territory, fmt: str) -> HttpResponse:
    tree = _tree(territory)
    if fmt not in bilan_report.FORMATS:
        raise Http404(_g("Format inconnu (pdf, docx ou xlsx)."))
    year = _bilan_year(request, tree)
    today = timezone.localdate()
    # The same document until the territory's data change (or the day changes).
    key = f"plan-bilan:{territory.pk}:{territory.data_version}:{today}:{year}:{fmt}"
    cached = cache.get(key)
    if cached is None:
        result = bilan_build(territory=territory, year=year, today=today)
        cached = (result.filename_stem, bilan_report.bilan_render(result, fmt=fmt))
        cache.set(key, cached, 3600)
    stem, data = cached
    response = HttpResponse(data, content_type=bilan_report.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
