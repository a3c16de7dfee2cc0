"""The documents a job builds: one function per :class:`~maillage.jobs.models.Job.Kind`.

Each builder calls the same build and render functions as the synchronous download (and the
CLI), so a document made in the background is the one the direct link gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.territory.models import Territory

Progress = Callable[[str], None]


class JobError(Exception):
    """A document that cannot be built, with a French message for the visitor."""


@dataclass(frozen=True)
class Document:
    data: bytes
    filename: str
    content_type: str
    #: What the job did, shown on its progress page when it is ready (an import: rows created).
    summary: str = ""
    #: The territory the job created (a territory build that loaded its folder), else ``None``.
    territory: Territory | None = None


def build_bilan(*, territory: Territory, params: dict[str, Any], progress: Progress) -> Document:
    from maillage.plan.bilan_build import bilan_build
    from maillage.reports import bilan as bilan_report

    fmt = params["fmt"]
    result = bilan_build(
        territory=territory,
        year=params.get("year"),
        today=timezone.localdate(),
        progress=progress,
    )
    data = bilan_report.bilan_render(result, fmt=fmt, progress=progress)
    return Document(data, f"{result.filename_stem}.{fmt}", bilan_report.CONTENT_TYPES[fmt])


def build_diagnostic(
    *, territory: Territory, params: dict[str, Any], progress: Progress
) -> Document:
    from maillage.diagnostic.models import Scenario
    from maillage.diagnostic.selectors import diagnostic_build
    from maillage.reports import diagnostic as report_mod

    fmt = params["fmt"]
    scenario = None
    if params.get("scenario") is not None:
        scenario = Scenario.objects.filter(territory=territory, pk=params["scenario"]).first()
        if scenario is None:
            raise JobError(_("Scénario introuvable."))
    report = diagnostic_build(territory=territory, scenario=scenario, progress=progress)
    data = report_mod.diagnostic_render(report, fmt=fmt, progress=progress)
    return Document(data, f"{report.filename_stem}.{fmt}", report_mod.CONTENT_TYPES[fmt])


def build_copil(*, territory: Territory, params: dict[str, Any], progress: Progress) -> Document:
    from maillage.plan.copil import copil_build
    from maillage.plan.models import CopilMeeting
    from maillage.reports import copil as copil_report

    fmt = params["fmt"]
    meeting = None
    if params.get("meeting") is not None:
        meeting = CopilMeeting.objects.filter(territory=territory, pk=params["meeting"]).first()
        if meeting is None:
            raise JobError(_("Comité de pilotage introuvable pour ce territoire."))
    result = copil_build(
        territory=territory,
        year=params.get("year"),
        meeting=meeting,
        to_decide=params.get("to_decide", ""),
        progress=progress,
    )
    data = copil_report.copil_render(result, fmt=fmt, progress=progress)
    return Document(data, f"{result.filename_stem}.{fmt}", copil_report.CONTENT_TYPES[fmt])


#: One builder per job kind. The printed guide's and the journal import's are registered by the
#: web app (``maillage.web.guide_document``, ``maillage.web.journal_import_document``, imported by
#: ``WebConfig.ready``): the guide is made by a web view, the import reads the web upload.
BUILDERS: dict[str, Callable[..., Document]] = {
    "bilan": build_bilan,
    "diagnostic": build_diagnostic,
    "copil": build_copil,
}


def register(kind: str, builder: Callable[..., Document]) -> None:
    """Declare the builder of the jobs of ``kind`` (one of :class:`Job.Kind`)."""
    BUILDERS[kind] = builder


def expected_errors() -> tuple[type[BaseException], ...]:
    """The errors that end a job with their own French message (not a crash)."""
    from maillage.plan.bilan_build import BilanError
    from maillage.reports.diagnostic import DiagnosticError

    return (JobError, BilanError, DiagnosticError, Http404)
