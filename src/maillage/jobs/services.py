"""Writes of the background jobs: ask for a document, run it (in the worker), prune old ones."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maillage.accounts.actor import Actor
from maillage.territory.models import Territory

from .documents import BUILDERS, expected_errors
from .models import Job

logger = logging.getLogger(__name__)

#: Results (rows and files) are kept this long, then pruned when a new job is asked for.
KEEP_DAYS = 7
#: A job's summary is cut to this many characters (a territory build lists its files).
SUMMARY_CHARS = 8000
UNEXPECTED = (
    "Erreur inattendue pendant la préparation du document : réessayez, ou prévenez "
    "l'administrateur du site si elle se reproduit."
)


def jobs_dir() -> Path:
    return Path(settings.JOBS_DIR)


def job_start(
    *, territory: Territory | None, kind: str, params: dict[str, Any], user: Actor = None
) -> Job:
    """Record a job and enqueue its task; returns the job (already done with the immediate
    backend, waiting for the worker with the database backend).

    ``territory`` is ``None`` only for a territory build (the territory does not exist yet)."""
    from .tasks import run_job

    if kind not in BUILDERS and kind != Job.Kind.TERRITORY:  # a territory build: territory_build
        raise ValueError(f"unknown job kind {kind!r}")
    job_prune()
    last = (
        Job.objects.filter(territory=territory, kind=kind, state=Job.State.READY)
        .filter(params__fmt=params.get("fmt"))
        .order_by("-finished_at")
        .first()
    )
    job = Job.objects.create(
        territory=territory,
        kind=kind,
        params=params,
        requested_by=user if user is not None and user.is_authenticated else None,
        steps_expected=last.steps_done if last is not None else None,
    )
    result = run_job.enqueue(job_id=str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))
    job.refresh_from_db()
    return job


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.FAILED, message=message[:2000], finished_at=timezone.now()
    )


def job_begin(job: Job) -> Callable[[str], None] | None:
    """Mark ``job`` running and return its progress callback (one step per message), or
    ``None`` when it is already finished (a job is run once)."""
    if job.state in (Job.State.READY, Job.State.FAILED):
        return None
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, started_at=timezone.now(), steps_done=0, step_label=""
    )

    def progress(message: str) -> None:
        Job.objects.filter(pk=job.pk).update(
            steps_done=F("steps_done") + 1, step_label=str(message)[:200]
        )

    return progress


def job_run(*, job_id: str) -> str:
    """Build the job's document and store it under ``settings.JOBS_DIR`` (called by the task).

    Idempotent: a job already finished is left as it is. An expected error (unknown scenario,
    no plan…) ends the job with its French message; anything else too, with a generic message,
    and is raised again so that the worker records it.
    """
    job = Job.objects.select_related("territory").filter(pk=job_id).first()
    if job is None:
        return "absent"
    if job.kind == Job.Kind.TERRITORY:  # its ZIP written on disk, the territory kept linked
        from .territory_build import territory_job_run

        return territory_job_run(job_id=job_id)
    progress = job_begin(job)
    if progress is None:
        return str(job.state)

    with translation.override(settings.LANGUAGE_CODE):
        try:
            document = BUILDERS[job.kind](
                territory=job.territory, params=job.params, progress=progress
            )
        except expected_errors() as exc:
            _fail(job, str(exc))
            return str(Job.State.FAILED)
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            _fail(job, _(UNEXPECTED))
            raise
    folder = jobs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(document.filename).suffix.lower()
    stored = f"{job.pk}{suffix}"
    partial = folder / f".{stored}.partial"
    partial.write_bytes(document.data)
    os.replace(partial, folder / stored)  # the download never sees half a file
    done = Job.objects.get(pk=job.pk).steps_done
    created = {"territory": document.territory} if document.territory is not None else {}
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.READY,
        filename=document.filename[:200],
        content_type=document.content_type,
        stored=stored,
        summary=document.summary[:SUMMARY_CHARS],
        steps_expected=done,
        finished_at=timezone.now(),
        **created,
    )
    return str(Job.State.READY)


def job_prune(*, older_than: dt.timedelta = dt.timedelta(days=KEEP_DAYS)) -> int:
    """Delete the jobs asked for before ``older_than`` ago, and their files."""
    old = Job.objects.filter(created_at__lt=timezone.now() - older_than)
    folder = jobs_dir()
    for stored in old.exclude(stored="").values_list("stored", flat=True):
        (folder / stored).unlink(missing_ok=True)
    count, _by_model = old.delete()
    return count
