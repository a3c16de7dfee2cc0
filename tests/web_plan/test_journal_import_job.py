"""A large journal import (more than BACKGROUND_ROWS rows) is written by the worker: the confirm
button answers at once with the progress page, nothing is written before the worker runs, the page
then shows what was created and offers the report of refused rows; small imports stay immediate."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.interop.tabular import write_table
from maillage.jobs.models import Job
from maillage.plan.journal import JOURNAL_COLUMNS
from maillage.plan.models import Activity
from maillage.web.journal_import_document import BACKGROUND_ROWS

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
URL = reverse("web:plan-journal-import", args=["armentieres"])


def _rows(count: int) -> list[dict[str, str]]:
    """Journal rows generated for the test (exemple fictif), one of them refused (axe 9)."""
    rows = [
        {
            "date": f"{1 + i % 28:02d}/{1 + i % 12:02d}/2025",
            "type": "atelier collectif",
            "titre": f"Atelier n° {i} (exemple fictif)",
            "axe": str(1 + i % 4),
        }
        for i in range(count - 1)
    ]
    rows.append({"date": "04/03/2025", "type": "atelier collectif", "titre": "Refusé", "axe": "9"})
    return rows


@pytest.fixture
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.JOBS_DIR = tmp_path / "taches"
    return tmp_path


def _upload_and_confirm(client, count: int):
    data = write_table(_rows(count), columns=JOURNAL_COLUMNS, fmt="csv")
    upload = SimpleUploadedFile("journal.csv", data, content_type="text/csv")
    dry = client.post(URL, {"file": upload})
    assert dry.status_code == 200 and "Simulation" in dry.content.decode()
    assert not Activity.objects.exists()
    token = dry.context["token"]
    return client.post(URL, {"confirm": "1", "token": token, "valid_only": "1"})


def test_a_large_import_waits_for_the_worker_then_reports(coordinator_client, var, settings):
    from maillage.cli import main

    settings.TASKS = DATABASE
    count = BACKGROUND_ROWS + 1
    response = _upload_and_confirm(coordinator_client, count)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:job", args=["armentieres", job.pk])
    assert job.kind == "import-journal" and job.state == "attente"
    assert not Activity.objects.exists()  # nothing written before the worker runs
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "Import du journal" in page and "en attente" in page

    result = CliRunner().invoke(main, ["worker", "--batch"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert Activity.objects.count() == count - 1
    status_url = reverse("web:job-status", args=["armentieres", job.pk])
    status = coordinator_client.get(status_url).json()
    assert status["pret"]
    assert f"{count} ligne(s) lue(s)" in status["resultat"]
    assert f"{count - 1} activité(s) créée(s)." in status["resultat"]
    page = coordinator_client.get(response["Location"]).content.decode()
    assert f"{count - 1} activité(s) créée(s)." in page and "Voir le journal" in page

    download = coordinator_client.get(status["fichier"])
    assert download["Content-Type"].startswith("text/csv")
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    problems = rows[rows.index(["ligne", "colonne", "problème"]) + 1 :]
    assert len(problems) == 1 and problems[0][0] == str(count + 1)  # header is line 1
    assert "axe « 9 » inconnu" in problems[0][2]
    assert not list((var / "imports").glob("*.bin"))  # the kept upload is removed


def test_a_small_import_is_still_written_at_once(coordinator_client, var, settings):
    settings.TASKS = DATABASE
    response = _upload_and_confirm(coordinator_client, 20)
    assert response.status_code == 200
    assert "19 activité(s) créée(s)." in response.content.decode()
    assert not Job.objects.exists() and Activity.objects.count() == 19


def test_an_author_without_the_right_writes_nothing(coordinator_client, coordinator, var, settings):
    settings.TASKS = DATABASE
    _upload_and_confirm(coordinator_client, BACKGROUND_ROWS + 1)
    coordinator.memberships.all().delete()  # no longer coordinator when the worker runs

    from maillage.jobs.services import job_run

    job = Job.objects.get()
    assert job_run(job_id=str(job.pk)) == "echec"
    job.refresh_from_db()
    assert "ne peut plus saisir" in job.message
    assert not Activity.objects.exists()
    assert not list((var / "imports").glob("*.bin"))
