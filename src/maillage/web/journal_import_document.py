"""A large journal import run by the worker (ADR 0010), registered with :mod:`maillage.jobs`.

The web import is a dry run first (``web.views.plan.journal_import``): the uploaded file is kept
under ``<var>/imports`` with a token, and the visitor confirms. A confirmed import of more than
:data:`BACKGROUND_ROWS` rows is queued instead of being written during the request; the job
imports the kept file with the same service as the CLI (``maillage journal import``), writes
nothing if the file no longer validates, and leaves a report (CSV: every refused row, field and
reason) to download, with its summary on the progress page.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from maillage.interop.tabular import TableError
from maillage.jobs.documents import Document, JobError, Progress, register
from maillage.territory.models import Territory

#: A confirmed import with more rows than this runs in the background.
BACKGROUND_ROWS = 1_000


def summary_lines(report: Any) -> list[str]:
    """The report's first line (rows read, valid, refused) and its last (what was written)."""
    lines = report.lines()
    return [lines[0], lines[-1]]


def report_csv(report: Any) -> bytes:
    """The import report as a CSV a spreadsheet opens: summary lines, then one row per problem."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for line in summary_lines(report):
        writer.writerow([line])
    writer.writerow([])
    writer.writerow([_("ligne"), _("colonne"), _("problème")])
    for problem in report.refused:
        writer.writerow([problem.line, problem.field, problem.message])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel reads it as UTF-8


def build_journal_import(
    *, territory: Territory, params: dict[str, Any], progress: Progress
) -> Document:
    from maillage.accounts.permissions import can_edit
    from maillage.plan.journal import journal_import
    from maillage.plan.models import Activity

    from .views.plan_forms import import_path

    path = import_path(str(params.get("token", "")))
    try:
        author_id = params.get("author")
        users = get_user_model().objects
        author = users.filter(pk=author_id).first() if author_id is not None else None
        if author is None or not can_edit(author, Activity(territory=territory)):
            raise JobError(_("Import refusé : ce compte ne peut plus saisir dans ce journal."))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise JobError(_("Import expiré : déposez à nouveau le fichier.")) from exc
        progress(_("lecture et contrôle des lignes"))
        try:
            report = journal_import(
                territory=territory,
                data=data,
                filename=str(params.get("filename", "")),
                valid_only=bool(params.get("valid_only")),
                author=author,
            )
        except TableError as exc:
            raise JobError(str(exc)) from exc
        progress(_("rapport"))
    finally:
        path.unlink(missing_ok=True)
    summary = " ".join(summary_lines(report))
    return Document(
        report_csv(report),
        f"rapport-import-journal-{territory.slug}.csv",
        "text/csv; charset=utf-8",
        summary=summary,
    )


register("import-journal", build_journal_import)
