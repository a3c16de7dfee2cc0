"""Documents prepared in the background (ADR 0010): the button answers at once, the worker
builds the document, who asked (or a member of the territory) downloads it; anyone else gets a
404. The immediate backend runs the task during the request; the database backend waits for
« maillage worker »."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse
from factories import partner

from maillage.jobs.models import Job
from maillage.jobs.services import job_run

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def jobs_dir(settings, tmp_path):
    settings.JOBS_DIR = tmp_path / "taches"
    return settings.JOBS_DIR


@pytest.fixture
def immediate(settings, jobs_dir):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def database(settings, jobs_dir):
    settings.TASKS = DATABASE


def start(client, name, fmt, **data):
    return client.post(reverse(f"web:{name}", args=["armentieres", fmt]), data)


def test_bilan_asked_on_the_web_is_downloaded_from_its_progress_page(
    client, armentieres, immediate
):
    response = start(client, "job-bilan", "xlsx", annee="2024")
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == reverse("web:job", args=["armentieres", job.pk])
    assert (job.kind, job.params, job.state) == ("bilan", {"fmt": "xlsx", "year": 2024}, "pret")

    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "prêt" in page
    status = client.get(reverse("web:job-status", args=["armentieres", job.pk])).json()
    assert status["etat"] == "pret" and status["pret"] and status["termine"]
    assert status["fichier"] == reverse("web:job-file", args=["armentieres", job.pk])
    assert status["fait"] == status["attendu"] >= 1

    download = client.get(status["fichier"])
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert "bilan-ctg-armentieres-2024.xlsx" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    assert data[:2] == b"PK"  # an XLSX (zip) file
    # The same document as the direct (synchronous) link.
    direct = client.get(reverse("web:plan-bilan", args=["armentieres", "xlsx"]) + "?annee=2024")
    assert len(direct.content) == pytest.approx(len(data), rel=0.05)


def test_database_backend_waits_for_the_worker_then_is_ready(client, armentieres, database):
    from maillage.cli import main

    response = start(client, "job-diagnostic", "pdf")
    job = Job.objects.get()
    status_url = reverse("web:job-status", args=["armentieres", job.pk])
    assert client.get(status_url).json()["etat"] == "attente"
    assert "en attente" in client.get(response["Location"]).content.decode()

    result = CliRunner().invoke(main, ["worker", "--batch"], catch_exceptions=False)
    assert result.exit_code == 0, result.output

    status = client.get(status_url).json()
    assert status["etat"] == "pret", status
    data = b"".join(client.get(status["fichier"]).streaming_content)
    assert data.startswith(b"%PDF")
    job.refresh_from_db()
    assert job.steps_done >= 1 and job.filename.endswith(".pdf")


def test_a_document_is_fetched_only_by_who_asked_or_the_territory_members(
    client, armentieres, immediate
):
    start(client, "job-bilan", "xlsx")
    job = Job.objects.get()
    urls = [
        reverse(name, args=["armentieres", job.pk])
        for name in ("web:job", "web:job-status", "web:job-file")
    ]
    stranger = Client()
    for url in urls:
        assert stranger.get(url).status_code == 404
    member = Client()
    member.force_login(partner(armentieres))
    for url in urls:
        answer = member.get(url)
        assert answer.status_code == 200
        answer.close()  # the file's handle
    # Another territory's URL does not reach it either.
    other = urls[0].replace("armentieres", "nulle-part")
    assert client.get(other).status_code == 404


def test_a_signed_in_visitor_finds_their_document_from_another_browser(armentieres, immediate):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("visiteur", password="x-Long-Pass-42")
    first = Client()
    first.force_login(user)
    start(first, "job-bilan", "xlsx")
    job = Job.objects.get()
    assert job.requested_by == user
    second = Client()
    second.force_login(user)
    assert second.get(reverse("web:job", args=["armentieres", job.pk])).status_code == 200
    assert Client().get(reverse("web:job", args=["armentieres", job.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "fmt", "data"),
    [
        ("job-bilan", "exe", {}),
        ("job-bilan", "pdf", {"annee": "2019"}),
        ("job-bilan", "pdf", {"annee": "deux mille"}),
        ("job-diagnostic", "exe", {}),
        ("job-diagnostic", "pdf", {"scenario": "abc"}),
        ("job-diagnostic", "pdf", {"scenario": "999999"}),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_queued(
    client, armentieres, database, name, fmt, data
):
    assert start(client, name, fmt, **data).status_code == 404
    assert not Job.objects.exists()


def test_starting_needs_a_post(client, armentieres, database):
    assert client.get(reverse("web:job-bilan", args=["armentieres", "pdf"])).status_code == 405
    assert not Job.objects.exists()


def test_guide_page_offers_quartier_and_theme_and_refuses_unknown_ones(
    client, armentieres, database
):
    url = reverse("web:job-guide", args=["armentieres"])
    page = client.get(url).content.decode()
    assert 'name="quartier"' in page and 'name="theme"' in page
    assert client.post(url, {"quartier": "nulle-part"}).status_code == 404
    assert client.post(url, {"theme": "pas-un-theme"}).status_code == 404
    assert not Job.objects.exists()
    response = client.post(url, {"theme": "petite-enfance"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.params["theme"] == "petite-enfance" and job.params["host"] == "testserver"


def test_guide_is_built_by_the_worker(client, armentieres, immediate):
    response = client.post(reverse("web:job-guide", args=["armentieres"]))
    job = Job.objects.get()
    assert job.state == "pret", job.message
    data = b"".join(
        client.get(reverse("web:job-file", args=["armentieres", job.pk])).streaming_content
    )
    assert data.startswith(b"%PDF")
    assert response.status_code == 302


def test_a_failed_job_says_why(client, armentieres, jobs_dir):
    job = Job.objects.create(
        territory=armentieres, kind="diagnostic", params={"fmt": "pdf", "scenario": 999999}
    )
    assert job_run(job_id=str(job.pk)) == "echec"
    job.refresh_from_db()
    assert job.state == "echec" and job.message == "Scénario introuvable."
    assert job_run(job_id=str(job.pk)) == "echec"  # run again (a retried task): unchanged
    assert not list(jobs_dir.glob("*")) if jobs_dir.exists() else True


def test_pages_post_to_the_background_jobs(client, armentieres):
    bilan = client.get(reverse("web:plan-bilan-page", args=["armentieres"])).content.decode()
    assert reverse("web:job-bilan", args=["armentieres", "pdf"]) in bilan
    assert 'name="annee"' in bilan
    territory = client.get(reverse("web:territory", args=["armentieres"])).content.decode()
    assert reverse("web:job-guide", args=["armentieres"]) in territory
