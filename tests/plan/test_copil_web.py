"""The COPIL pages: members read, only the coordinator writes; a decision typed on the page
becomes an échéance of the schedule; the deck is downloaded from the bilan and meeting pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from factories import UserFactory, coordinator, observer, partner

from maillage.plan.copil import decision_add, meeting_save
from maillage.plan.models import CopilDecision, CopilMeeting, Milestone

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def meeting(armentieres):
    return meeting_save(
        territory=armentieres, date=dt.date(2025, 3, 14), title="COPIL de printemps"
    )


@pytest.fixture
def coordinator_client(client, armentieres):
    client.force_login(coordinator(armentieres, username="coord-copil"))
    return client


def _urls(slug: str, meeting: CopilMeeting, decision: CopilDecision) -> dict[str, str]:
    return {
        "new": reverse("web:plan-copil-new", args=[slug]),
        "edit": reverse("web:plan-copil-edit", args=[slug, meeting.pk]),
        "decision": reverse("web:plan-copil-decision-new", args=[slug, meeting.pk]),
        "milestone": reverse("web:plan-copil-decision-milestone", args=[slug, decision.pk]),
    }


@pytest.mark.parametrize("role", ["anonymous", "observer", "partner", "outsider"])
def test_only_the_coordinator_writes(client, armentieres, meeting, role):
    decision = decision_add(meeting=meeting, text="Une décision")
    if role == "observer":
        client.force_login(observer(armentieres, username="obs"))
    elif role == "partner":
        client.force_login(partner(armentieres, username="part"))
    elif role == "outsider":
        client.force_login(UserFactory(username="ailleurs"))
    data = {"date": "2025-04-01", "title": "x", "text": "y", "due_date": "2025-05-01"}
    for name, url in _urls(armentieres.slug, meeting, decision).items():
        response = client.post(url, data)
        if role == "anonymous":
            assert response.status_code == 302 and "/connexion" in response.url, name
        else:
            assert response.status_code == 403, (role, name)
    assert CopilMeeting.objects.count() == 1 and CopilDecision.objects.count() == 1
    assert not Milestone.objects.filter(copil_decisions__isnull=False).exists()
    page = client.get(reverse("web:plan-copil-meeting", args=[armentieres.slug, meeting.pk]))
    if role in ("observer", "partner"):  # members read
        assert page.status_code == 200
        assert "Transformer en échéance" not in page.content.decode()
    elif role == "anonymous":
        assert page.status_code == 302
    else:
        assert page.status_code == 403


def test_the_coordinator_records_a_meeting_and_a_decision_then_schedules_it(
    coordinator_client, armentieres
):
    slug = armentieres.slug
    response = coordinator_client.post(
        reverse("web:plan-copil-new", args=[slug]),
        {"date": "2025-12-05", "title": f"COPIL {SCRIPT}", "agenda": "Bilan\nSuites"},
    )
    assert response.status_code == 302
    meeting = CopilMeeting.objects.get()
    page = coordinator_client.get(response.url).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page  # escaped
    response = coordinator_client.post(
        reverse("web:plan-copil-decision-new", args=[slug, meeting.pk]),
        {"text": "Ouvrir une permanence", "owner": "CCAS", "due_date": ""},
    )
    assert response.status_code == 302
    decision = meeting.decisions.get()
    url = reverse("web:plan-copil-decision-milestone", args=[slug, decision.pk])
    response = coordinator_client.post(url, {"due_date": "", "owner": "CCAS"})
    assert response.status_code == 302
    assert not Milestone.objects.filter(title="Ouvrir une permanence").exists()
    response = coordinator_client.post(
        url, {"due_date": "2026-02-01", "owner": "CCAS"}, follow=True
    )
    assert "La décision est une étape de l&#x27;échéancier, pour le 01/02/2026." in (
        response.content.decode()
    )
    milestone = Milestone.objects.get(title="Ouvrir une permanence")
    assert (milestone.owner, milestone.due_date) == ("CCAS", dt.date(2026, 2, 1))
    schedule = coordinator_client.get(reverse("web:plan-schedule", args=[slug])).content.decode()
    assert "Ouvrir une permanence" in schedule and "Décision du comité de pilotage" in schedule


def test_the_list_shows_coming_and_past_meetings_to_members(client, armentieres, meeting):
    coming = meeting_save(territory=armentieres, date=dt.date(2099, 1, 9), title="COPIL à venir")
    decision_add(meeting=meeting, text="Une décision")
    client.force_login(observer(armentieres, username="obs-liste"))
    page = client.get(reverse("web:plan-copil", args=[armentieres.slug])).content.decode()
    upcoming, past = page.split('id="passes-titre"')
    assert coming.title in upcoming and meeting.title in past
    assert "Préparer un comité de pilotage" not in page  # observers do not write


def test_bad_input_answers_400_in_french_and_writes_nothing(
    coordinator_client, armentieres, meeting
):
    slug = armentieres.slug
    response = coordinator_client.post(
        reverse("web:plan-copil-new", args=[slug]), {"date": "31/02/2025", "title": ""}
    )
    assert response.status_code == 400
    assert "Le comité n'a pas été enregistré" in response.content.decode()
    response = coordinator_client.post(
        reverse("web:plan-copil-decision-new", args=[slug, meeting.pk]), {"text": " "}
    )
    assert response.status_code == 400
    assert CopilMeeting.objects.count() == 1 and not CopilDecision.objects.exists()
    other = reverse("web:plan-copil-meeting", args=[slug, meeting.pk + 1000])
    assert coordinator_client.get(other).status_code == 404


def test_the_deck_downloads_from_the_bilan_page_with_the_decisions_typed(
    coordinator_client, armentieres, meeting
):
    from pptx import Presentation

    bilan = coordinator_client.get(reverse("web:plan-bilan-page", args=[armentieres.slug]))
    assert "Télécharger le diaporama (PPTX)" in bilan.content.decode()
    url = reverse("web:plan-copil-deck", args=[armentieres.slug, "pptx"])
    response = coordinator_client.post(url, {"annee": "2025", "decisions": "Valider le plan"})
    assert response.status_code == 200
    assert response["Content-Type"].endswith("presentationml.presentation")
    deck = Presentation(io.BytesIO(response.content))
    texts = [s.text_frame.text for sl in deck.slides for s in sl.shapes if s.has_text_frame]
    assert "• Valider le plan" in texts
    response = coordinator_client.get(
        reverse("web:plan-copil-deck", args=[armentieres.slug, "pdf"]), {"comite": meeting.pk}
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert coordinator_client.get(url.replace("pptx", "odp")).status_code == 404
    assert coordinator_client.get(url, {"annee": "1999"}).status_code == 404
    assert coordinator_client.get(url, {"comite": "abc"}).status_code == 404


def test_the_deck_is_for_members_only(client, armentieres):
    url = reverse("web:plan-copil-deck", args=[armentieres.slug, "pptx"])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(username="ailleurs"))
    assert client.get(url).status_code == 403
    page = client.get(reverse("web:plan-bilan-page", args=[armentieres.slug]))
    assert page.status_code == 200
