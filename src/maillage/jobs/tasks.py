"""The django-tasks task that runs a job (enqueued by :func:`maillage.jobs.services.job_start`)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: str) -> str:
    """Build the document of job ``job_id``; returns its final state (``pret`` or ``echec``).

    A territory build runs :func:`maillage.jobs.territory_build.territory_job_run` (its ZIP
    written on disk, the territory kept linked when a step after its load fails)."""
    from .models import Job
    from .services import job_run
    from .territory_build import territory_job_run

    if Job.objects.filter(pk=job_id, kind=Job.Kind.TERRITORY).exists():
        return territory_job_run(job_id=job_id)
    return job_run(job_id=job_id)
