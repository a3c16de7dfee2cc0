"""The COPIL deck asked for on the bilan page is prepared by the worker like the bilan: the
button answers with the progress page, the file is the deck the direct download gives, and only
members of the territory may ask for it (it carries the COPIL's decisions)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from factories import UserFactory, coordinator

from maillage.jobs.models import Job

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate(settings, tmp_path):
    settings.JOBS_DIR = tmp_path / "taches"
    settings.TASKS = IMMEDIATE


def _start(client, fmt="pptx", **data):
    return client.post(reverse("web:job-copil", args=["armentieres", fmt]), data)


def test_the_bilan_page_deck_is_prepared_in_the_background(client, armentieres, immediate):
    from pptx import Presentation

    client.force_login(coordinator(armentieres))
    page = client.get(reverse("web:plan-bilan-page", args=["armentieres"])).content.decode()
    assert reverse("web:job-copil", args=["armentieres", "pptx"]) in page
    response = _start(client, annee="2025", decisions="Valider le plan")
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:job", args=["armentieres", job.pk])
    assert (job.kind, job.state) == ("copil", "pret")
    assert job.params == {
        "fmt": "pptx",
        "year": 2025,
        "meeting": None,
        "to_decide": "Valider le plan",
    }
    download = client.get(reverse("web:job-file", args=["armentieres", job.pk]))
    deck = Presentation(io.BytesIO(b"".join(download.streaming_content)))
    texts = [s.text_frame.text for sl in deck.slides for s in sl.shapes if s.has_text_frame]
    assert "• Valider le plan" in texts


def test_only_members_ask_for_the_deck_and_bad_requests_queue_nothing(
    client, armentieres, immediate
):
    assert _start(client).status_code == 302  # anonymous: to the login page
    client.force_login(UserFactory(username="ailleurs"))
    assert _start(client).status_code == 403
    client.force_login(coordinator(armentieres))
    assert _start(client, fmt="odp").status_code == 404
    assert _start(client, annee="1999").status_code == 404
    assert _start(client, comite="abc").status_code == 404
    assert client.get(reverse("web:job-copil", args=["armentieres", "pptx"])).status_code == 405
    assert not Job.objects.exists()
