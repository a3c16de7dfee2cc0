"""Documents prepared in the background (ADR 0010): the button answers at once with a progress
page; the worker builds the document; the visitor downloads it when it is ready.

Who may see a job and fetch its file: the visitor who asked for it (account or browser session)
and the members of its territory — the documents themselves are public, as their direct links
(``guide.pdf``, ``bilan.<fmt>``, ``diagnostic.<fmt>``), which keep working unchanged.
"""

from __future__ import annotations

import uuid

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from maillage.directory.models import CtgTheme
from maillage.jobs.models import Job
from maillage.jobs.selectors import job_file, job_for_visitor, job_status, remember
from maillage.jobs.services import job_start
from maillage.territory.models import Territory
from maillage.territory.selectors import territory_zones
from maillage.usage.services import count_guide_job

from ..decorators import MEMBER, territory_view
from ..params import parse_id, parse_int


def _started(request: HttpRequest, territory: Territory, kind: str, params: dict) -> HttpResponse:
    job = job_start(territory=territory, kind=kind, params=params, user=request.user)
    remember(request.session, job)
    return redirect("web:job", territory.slug, job.pk)


def _job(request: HttpRequest, territory: Territory, job_id: uuid.UUID) -> Job:
    job = job_for_visitor(
        territory=territory, job_id=job_id, user=request.user, session=request.session
    )
    if job is None:
        raise Http404(_("Document introuvable (ou demandé par quelqu'un d'autre)."))
    return job


@require_POST
@territory_view
def bilan_start(request: HttpRequest, territory: Territory, fmt: str) -> HttpResponse:
    """The bilan of the CTG in ``fmt``, for the period or the year ``annee`` (POST)."""
    from maillage.plan.selectors import PlanNotFound, plan_tree
    from maillage.reports import bilan as bilan_report

    try:
        tree = plan_tree(territory=territory)
    except PlanNotFound as exc:
        raise Http404(str(exc)) from exc
    if fmt not in bilan_report.FORMATS:
        raise Http404(_("Format inconnu (pdf, docx ou xlsx)."))
    raw = request.POST.get("annee", "").strip()
    year = None
    if raw:
        year = parse_int(raw, minimum=tree.period[0], maximum=tree.period[1])
        if year is None:
            raise Http404(_("Année hors de la période de la convention."))
    return _started(request, territory, Job.Kind.BILAN, {"fmt": fmt, "year": year})


@require_POST
@territory_view
def diagnostic_start(request: HttpRequest, territory: Territory, fmt: str) -> HttpResponse:
    """The diagnostic document in ``fmt``, compared with the scenario ``scenario`` if given."""
    from maillage.diagnostic.models import Scenario
    from maillage.reports import diagnostic as report_mod

    if fmt not in report_mod.FORMATS:
        raise Http404(_("Format inconnu."))
    scenario = None
    raw = request.POST.get("scenario", "")
    if raw:
        scenario = parse_id(raw)
        if (
            scenario is None
            or not Scenario.objects.filter(territory=territory, pk=scenario).exists()
        ):
            raise Http404(_("Scénario introuvable."))
    return _started(request, territory, Job.Kind.DIAGNOSTIC, {"fmt": fmt, "scenario": scenario})


@require_POST
@territory_view(role=MEMBER)
def copil_start(request: HttpRequest, territory: Territory, fmt: str) -> HttpResponse:
    """The COPIL deck in ``fmt`` (members only: it carries the COPIL's decisions), from the
    bilan page's form — the same parameters as the direct download."""
    from .copil import deck_params

    return _started(request, territory, Job.Kind.COPIL, deck_params(request, territory, fmt))


def _guide_choices(territory: Territory) -> tuple[list, list]:
    zones = [z for z in territory_zones(territory=territory) if z.kind != "iris"]
    zones.sort(key=lambda z: (z.kind, z.name))
    return zones, list(CtgTheme.choices)


@territory_view
def guide_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    """The printed guide: choose the quartier and the theme (or the whole territory), then
    prepare it in the background (POST)."""
    zones, themes = _guide_choices(territory)
    if request.method == "POST":
        quartier = request.POST.get("quartier", "")
        theme = request.POST.get("theme", "")
        if quartier and quartier not in {z.code for z in zones}:
            raise Http404(_("Quartier « %(q)s » inconnu.") % {"q": quartier[:50]})
        if theme and theme not in CtgTheme.values:
            raise Http404(_("Thème « %(t)s » inconnu.") % {"t": theme[:50]})
        count_guide_job(request, territory, quartier=quartier or None, theme=theme or None)
        params = {
            "fmt": "pdf",
            "quartier": quartier,
            "theme": theme,
            "host": request.get_host(),
            "secure": request.is_secure(),
        }
        return _started(request, territory, Job.Kind.GUIDE, params)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return render(
        request,
        "jobs/guide.html",
        {"territory": territory, "zones": zones, "themes": themes},
    )


@require_safe
@territory_view
def job_page(request: HttpRequest, territory: Territory, job_id: uuid.UUID) -> HttpResponse:
    """The progress page: « en attente / en cours / prêt / échec », updated by ``tasks.js``."""
    job = _job(request, territory, job_id)
    return render(
        request,
        "jobs/job.html",
        {
            "territory": territory,
            "job": job,
            "status": job_status(job=job),
            "status_url": reverse("web:job-status", args=[territory.slug, job.pk]),
            "file_url": reverse("web:job-file", args=[territory.slug, job.pk]),
        },
    )


@require_safe
@territory_view
def job_status_json(request: HttpRequest, territory: Territory, job_id: uuid.UUID) -> HttpResponse:
    job = _job(request, territory, job_id)
    payload = job_status(job=job).as_dict()
    payload["fichier"] = (
        reverse("web:job-file", args=[territory.slug, job.pk]) if payload["pret"] else None
    )
    response = JsonResponse(payload)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@territory_view
def job_download(request: HttpRequest, territory: Territory, job_id: uuid.UUID) -> FileResponse:
    job = _job(request, territory, job_id)
    return job_file_response(
        job, missing=_("Ce document n'est pas (ou plus) disponible : demandez-le à nouveau.")
    )


def job_file_response(job: Job, *, missing: str) -> FileResponse:
    """The file of a ready job as a private download; 404 with ``missing`` when it is gone."""
    path = job_file(job=job)
    if path is None:
        raise Http404(missing)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=job.filename, content_type=job.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
