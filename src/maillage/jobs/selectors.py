"""Reads of the background jobs: the job a visitor may see, and its state for the progress page."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts import permissions as perms
from maillage.territory.models import Territory

from .models import Job
from .services import jobs_dir

#: Session key holding the ids of the jobs this browser asked for (anonymous visitors too).
SESSION_KEY = "maillage_jobs"
SESSION_LIMIT = 30
#: After this long still « en attente », the page says that no worker seems to run.
NO_WORKER_AFTER = dt.timedelta(seconds=20)


def remember(session: Any, job: Job) -> None:
    """Note in the visitor's session that ``job`` is theirs (newest first, bounded)."""
    ids = [str(job.pk)] + [i for i in session.get(SESSION_KEY, []) if i != str(job.pk)]
    session[SESSION_KEY] = ids[:SESSION_LIMIT]


def job_for_visitor(
    *, territory: Territory, job_id: uuid.UUID, user: Any, session: Any
) -> Job | None:
    """The job, when this visitor may see it: they asked for it (account or session), or they
    are a member of its territory. Otherwise ``None`` (answered as « introuvable »).

    A territory build is never reached through a territory's pages, even once it has loaded
    that territory: it is the site administrators' (:func:`territory_build_job`)."""
    job = (
        Job.objects.filter(pk=job_id, territory=territory).exclude(kind=Job.Kind.TERRITORY).first()
    )
    if job is None:
        return None
    if user.is_authenticated and job.requested_by_id == user.pk:
        return job
    if str(job.pk) in session.get(SESSION_KEY, []):
        return job
    if perms.is_member(user, territory):
        return job
    return None


def territory_build_job(*, job_id: uuid.UUID) -> Job | None:
    """A territory build (for the site administrators' pages, who all see every build)."""
    return (
        Job.objects.select_related("territory", "requested_by")
        .filter(pk=job_id, kind=Job.Kind.TERRITORY)
        .first()
    )


def territory_builds_recent(*, limit: int = 10) -> list[Job]:
    """The latest territory builds, newest first."""
    return list(
        Job.objects.select_related("territory", "requested_by")
        .filter(kind=Job.Kind.TERRITORY)
        .order_by("-created_at")[:limit]
    )


def _sync_with_backend(job: Job) -> Job:
    """A job still waiting or running whose task the backend reports failed (worker killed,
    import error…) is marked failed, so the page does not wait forever."""
    if job.state not in (Job.State.WAITING, Job.State.RUNNING) or not job.task_result_id:
        return job
    from django_tasks import TaskResultStatus, default_task_backend
    from django_tasks.exceptions import TaskResultDoesNotExist

    if not default_task_backend.supports_get_result:
        return job
    try:
        result = default_task_backend.get_result(job.task_result_id)
    except TaskResultDoesNotExist:
        return job
    if result.status == TaskResultStatus.FAILED:
        from .services import UNEXPECTED

        Job.objects.filter(pk=job.pk, state=job.state).update(
            state=Job.State.FAILED, message=_(UNEXPECTED), finished_at=timezone.now()
        )
        job.refresh_from_db()
    return job


@dataclass(frozen=True)
class JobStatus:
    """What the progress page shows."""

    state: str
    label: str
    step: str
    done: int
    expected: int | None
    message: str
    summary: str
    ready: bool
    finished: bool
    no_worker: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "etat": self.state,
            "libelle": self.label,
            "etape": self.step,
            "fait": self.done,
            "attendu": self.expected,
            "message": self.message,
            "resultat": self.summary,
            "pret": self.ready,
            "termine": self.finished,
            "sans_travailleur": self.no_worker,
        }


def job_status(*, job: Job) -> JobStatus:
    job = _sync_with_backend(job)
    ready = job.state == Job.State.READY
    expected = job.steps_expected
    done = job.steps_done
    if ready:
        done = expected = max(done, expected or 0, 1)
    elif expected is not None:
        # Never « full » before the file is written (this run may take more steps).
        expected = max(expected, done + 1)
    no_worker = job.state == Job.State.WAITING and timezone.now() - job.created_at > NO_WORKER_AFTER
    return JobStatus(
        state=str(job.state),
        label=str(job.get_state_display()),
        step=job.step_label,
        done=done,
        expected=expected,
        message=job.message,
        summary=job.summary if ready else "",
        ready=ready,
        finished=job.state in (Job.State.READY, Job.State.FAILED),
        no_worker=no_worker,
    )


def job_file(*, job: Job) -> Path | None:
    """The stored file of a ready job, or ``None`` (not ready, pruned or missing)."""
    if job.state != Job.State.READY or not job.stored:
        return None
    path = jobs_dir() / job.stored
    return path if path.is_file() else None
