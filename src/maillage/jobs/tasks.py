"""The django-tasks task that runs a job (enqueued by :func:`maillage.jobs.services.job_start`)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: str) -> str:
    """Build the document of job ``job_id``; returns its final state (``pret`` or ``echec``)."""
    from .services import job_run

    return job_run(job_id=job_id)
