"""« Créer un territoire » (site administrators only): the web form of ``maillage territoire
creer``, run in the background (ADR 0010).

The administrator gives the communes (INSEE codes) or an EPCI (SIREN), the server folder of the
national files and, optionally, the territory's name; the page queues the build
(:func:`maillage.jobs.territory_build.territory_job_start`) and redirects to its progress page.
When ready, that page says what was built (communes, files, warnings), links to the territory
when it was loaded (« charger ensuite ») and offers the built folder as a ZIP.

Who: an active account with Django's « équipe » flag (``is_staff``) or a superuser. Anonymous
visitors are sent to the login page, other accounts get a 403. Every administrator sees every
territory build (as in Django's admin).
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from maillage.accounts.permissions import site_admin_required
from maillage.jobs.models import Job
from maillage.jobs.selectors import (
    job_status,
    territory_build_job,
    territory_builds_recent,
)
from maillage.jobs.territory_build import territory_job_start

from .tasks import job_file_response

COMMUNE_CODE = re.compile(r"\d[\dAB]\d{3}")
EPCI_SIREN = re.compile(r"\d{9}")
MAX_COMMUNES = 500


class TerritoryCreateForm(forms.Form):
    communes = forms.CharField(
        label=gettext_lazy("Communes (codes INSEE)"),
        required=False,
        max_length=MAX_COMMUNES * 6,
        help_text=gettext_lazy(
            "Séparés par des virgules ou des espaces, ex. 59512, 59599. Ou bien l'EPCI ci-dessous."
        ),
    )
    epci = forms.CharField(
        label=gettext_lazy("ou EPCI (SIREN)"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("9 chiffres : toutes les communes de l'EPCI forment le territoire."),
    )
    sources = forms.CharField(
        label=gettext_lazy("Dossier des fichiers nationaux, sur le serveur"),
        max_length=1000,
        help_text=gettext_lazy(
            "Chemin absolu d'un dossier du serveur où sont déposés les fichiers nationaux "
            "téléchargés, non modifiés (ADMIN EXPRESS, CONTOURS-IRIS, QPV, Filosofi, recensement "
            "par IRIS, Éducation nationale)."
        ),
    )
    name = forms.CharField(
        label=gettext_lazy("Nom du territoire"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Facultatif : par défaut, le nom des communes ou de l'EPCI."),
    )
    load = forms.BooleanField(
        label=gettext_lazy("Charger ensuite le territoire dans la base"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "Sinon, le dossier est seulement construit (à charger plus tard avec « maillage "
            "load »). Un territoire qui existe déjà n'est jamais remplacé depuis cette page."
        ),
    )

    def clean_communes(self) -> list[str]:
        raw = self.cleaned_data.get("communes", "")
        codes = [c.upper() for c in re.split(r"[\s,;]+", raw) if c]
        bad = [c for c in codes if not COMMUNE_CODE.fullmatch(c)]
        if bad:
            raise forms.ValidationError(
                _("« %(code)s » n'est pas un code commune INSEE (5 caractères, ex. 59512).")
                % {"code": bad[0][:20]}
            )
        if len(codes) > MAX_COMMUNES:
            raise forms.ValidationError(
                _("Au plus %(n)d communes : pour un territoire plus grand, donnez son EPCI.")
                % {"n": MAX_COMMUNES}
            )
        return list(dict.fromkeys(codes))

    def clean_epci(self) -> str:
        siren = self.cleaned_data.get("epci", "").replace(" ", "")
        if siren and not EPCI_SIREN.fullmatch(siren):
            raise forms.ValidationError(
                _("« %(s)s » n'est pas un SIREN d'EPCI (9 chiffres, ex. 245900410).")
                % {"s": siren[:20]}
            )
        return siren

    def clean_sources(self) -> Path:
        """An existing, readable folder inside ``settings.NATIONAL_SOURCES`` (symbolic links
        resolved): the page never reads, lists or copies files from elsewhere on the server."""
        raw = self.cleaned_data.get("sources", "").strip()
        path = Path(raw)
        if not path.is_absolute():
            raise forms.ValidationError(
                _("Donnez le chemin absolu du dossier sur le serveur (il commence par « / »).")
            )
        root = Path(settings.NATIONAL_SOURCES)
        try:
            resolved = path.resolve()
            inside = resolved.is_relative_to(root.resolve())
        except (OSError, RuntimeError, ValueError):  # loop of links, NUL…
            inside = False
        if not inside:
            raise forms.ValidationError(
                _(
                    "Le dossier doit se trouver dans celui des fichiers nationaux du serveur, "
                    "« %(root)s » (réglage NATIONAL_SOURCES)."
                )
                % {"root": str(root)[:300]}
            )
        try:
            found = resolved.is_dir()
            readable = found and os.access(resolved, os.R_OK | os.X_OK)
        except (OSError, ValueError):  # a name too long for the file system…
            found = readable = False
        if not found:
            raise forms.ValidationError(
                _("Dossier « %(path)s » introuvable sur le serveur.") % {"path": raw[:300]}
            )
        if not readable:
            raise forms.ValidationError(
                _("Le dossier « %(path)s » n'est pas lisible par le serveur.") % {"path": raw[:300]}
            )
        return resolved

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "communes" in data and "epci" in data and bool(data["communes"]) == bool(data["epci"]):
            raise forms.ValidationError(
                _("Indiquez soit les codes des communes, soit le SIREN d'un EPCI (pas les deux).")
            )
        return data


@site_admin_required
def territory_create_page(request: HttpRequest) -> HttpResponse:
    """The form (GET) and the queued build (POST, then redirect to its progress page)."""
    if request.method == "POST":
        form = TerritoryCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            job = territory_job_start(
                sources=data["sources"],
                communes=data["communes"],
                epci=data["epci"],
                name=data["name"].strip(),
                load=data["load"],
                user=request.user,
            )
            return redirect("web:territory-job", job.pk)
    elif request.method in ("GET", "HEAD"):
        form = TerritoryCreateForm(initial={"sources": str(settings.NATIONAL_SOURCES)})
    else:
        return HttpResponse(status=405)
    return render(
        request,
        "jobs/territory_create.html",
        {"form": form, "recent": territory_builds_recent()},
    )


def breakable(text: str) -> SafeString:
    """``text`` escaped, with a line-break opportunity after each ``/`` and ``_``: a server
    path or a long file name wraps on a phone instead of widening the page."""
    html = escape(text).replace("/", "/<wbr>").replace("_", "_<wbr>")
    return mark_safe(html)  # noqa: S308 - escaped just above


@dataclass(frozen=True)
class Section:
    title: SafeString
    lines: list[SafeString]


def summary_sections(summary: str) -> list[Section]:
    """A territory build's summary (``TerritoryCreated.lines``, blocks separated by an empty
    line, each a title then its lines) as sections to render; the first block has no title."""
    blocks = [b.splitlines() for b in summary.split("\n\n") if b.strip()]
    sections = [Section(SafeString(""), [breakable(x) for x in blocks[0]])] if blocks else []
    sections += [
        Section(breakable(b[0].rstrip(" :")), [breakable(x) for x in b[1:]]) for b in blocks[1:]
    ]
    return sections


def _job(job_id: uuid.UUID) -> Job:
    job = territory_build_job(job_id=job_id)
    if job is None:
        raise Http404(_("Création de territoire introuvable."))
    return job


@require_safe
@site_admin_required
def territory_job_page(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The build's progress page (``tasks.js``), then what was built."""
    job = _job(job_id)
    return render(
        request,
        "jobs/territory_job.html",
        {
            "job": job,
            "status": job_status(job=job),
            "status_url": reverse("web:territory-job-status", args=[job.pk]),
            "file_url": reverse("web:territory-job-file", args=[job.pk]),
            # A job that failed after its load keeps what was built, and its territory.
            "summary": summary_sections(job.summary)
            if job.state in (Job.State.READY, Job.State.FAILED)
            else None,
            "sources": breakable(str(job.params.get("sources", ""))),
            "message_html": breakable(job.message),
        },
    )


@require_safe
@site_admin_required
def territory_job_status(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job(job_id)
    payload = job_status(job=job).as_dict()
    payload["fichier"] = (
        reverse("web:territory-job-file", args=[job.pk]) if payload["pret"] else None
    )
    response = JsonResponse(payload)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@site_admin_required
def territory_job_download(request: HttpRequest, job_id: uuid.UUID) -> FileResponse:
    return job_file_response(
        _job(job_id), missing=_("Cette archive n'est pas (ou plus) disponible.")
    )
