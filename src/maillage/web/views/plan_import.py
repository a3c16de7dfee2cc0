"""« Importer un plan »: the coordinator uploads the plan spreadsheet, reads the simulation's
report (what would be created, changed, deleted; every refused row with sheet, row and column),
then confirms; and the plan's template and export downloads.

Thin: the form checks the upload, :func:`maillage.plan.plan_io_import.plan_import` does the rest
(``dry_run`` for the simulation). The uploaded file waits for the confirmation under the var dir,
named by a random token kept in the session (as the journal import's does).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from maillage.interop.tabular import CONTENT_TYPES, MAX_BYTES
from maillage.plan.models import Axis, Convention
from maillage.plan.plan_io import plan_export, plan_template
from maillage.plan.plan_io_import import PlanImportReport, plan_import
from maillage.territory.models import Territory

from ..decorators import COORDINATOR, territory_view
from .plan_forms import import_path

SESSION_KEY = "plan_file_import"


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier du plan (XLSX, ODS ou CSV du modèle)"),
        help_text=_(
            "Une ligne par élément : convention, axe, objectif, sous-point, modalité, indicateur, "
            "cible… (voir la feuille « Mode d'emploi » du modèle)."
        ),
    )
    replace = forms.BooleanField(
        label=_("Remplacer le plan existant"),
        required=False,
        help_text=_(
            "Les éléments sont mis à jour par leur numéro ; ce qui sert encore (journal, "
            "échéancier, valeurs saisies) n'est jamais supprimé."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Fichier trop volumineux (%(max)s Mo au plus).")
                % {"max": MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _forget(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        import_path(pending["token"]).unlink(missing_ok=True)


def _has_plan(territory: Territory) -> bool:
    return Axis.objects.filter(convention__territory=territory).exists()


@territory_view(role=COORDINATOR)
def plan_import_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    """Upload → simulation with its report → confirmation (nothing written before)."""
    confirming = request.method == "POST" and "confirm" in request.POST
    form = PlanImportForm(
        None if confirming else (request.POST or None), None if confirming else request.FILES
    )
    report: PlanImportReport | None = None
    error, token = "", ""
    if confirming:
        pending = request.session.get(SESSION_KEY) or {}
        token = request.POST.get("token", "")
        if not pending or pending.get("token") != token or pending.get("slug") != territory.slug:
            error = _g("Import expiré : déposez à nouveau le fichier.")
        else:
            try:
                data = import_path(token).read_bytes()
            except OSError:
                error = _g("Import expiré : déposez à nouveau le fichier.")
            else:
                report = plan_import(
                    territory=territory,
                    data=data,
                    filename=pending["filename"],
                    replace=bool(pending.get("replace")),
                    user=request.user,
                )
            _forget(request)
            token = ""
            if report is not None and report.written:
                messages.success(request, _g("Plan d'action importé."))
                return redirect("web:plan", slug=territory.slug)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        replace = form.cleaned_data["replace"]
        report = plan_import(
            territory=territory, data=data, filename=upload.name, dry_run=True, replace=replace
        )
        if report.ok:
            _forget(request)
            token = str(uuid.uuid4())
            path = import_path(token)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            request.session[SESSION_KEY] = {
                "token": token,
                "slug": territory.slug,
                "filename": report.filename,
                "replace": replace,
            }
    failed = bool(error or form.errors or (report is not None and report.problems))
    return render(
        request,
        "plan/plan_import.html",
        {
            "territory": territory,
            "form": form,
            "report": report,
            "error": error,
            "token": token,
            "has_plan": _has_plan(territory),
        },
        status=400 if request.method == "POST" and failed else 200,
    )


def _download(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@territory_view
def plan_template_download(request: HttpRequest, territory: Territory, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404(_g("Format inconnu (csv, xlsx ou ods)."))
    return _download(plan_template(fmt=fmt), fmt, "modele-plan-ctg")


@territory_view
def plan_export_download(request: HttpRequest, territory: Territory, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404(_g("Format inconnu (csv, xlsx ou ods)."))
    if not Convention.objects.filter(territory=territory).exists():
        raise Http404(_g("Ce territoire n'a pas encore de plan d'action."))
    return _download(plan_export(territory=territory, fmt=fmt), fmt, f"plan-{territory.slug}")
