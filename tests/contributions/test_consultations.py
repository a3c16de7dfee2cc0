"""The residents' consultation (issue 19, « espace de concertation »): the coordinator publishes
a questionnaire, residents answer anonymously (same protections as the other forms), results
are counted by quartier (small groups added together), and the consultation becomes a journal
activity of kind « concertation des habitants »."""

from __future__ import annotations

import pytest
from accounts.roles import make_user
from django.test import Client
from django.urls import reverse

from maillage.contributions import consultations as cons
from maillage.contributions import ratelimit
from maillage.contributions.forms import HONEYPOT
from maillage.contributions.models import Consultation, ConsultationAnswer
from maillage.plan.models import Activity

from .helpers import shown_ago

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.fixture
def coordinator(armentieres):
    return make_user(armentieres, "coordinator", email="coordination@example.org")


def _publish(client: Client, **extra: str):
    data = {
        "title": "Horaires des accueils du samedi (exemple fictif)",
        "intro": "",
        "zone": "",
        "q1_text": "Le samedi matin vous conviendrait-il ?",
        "q1_kind": "single",
        "q1_choices": "Oui\nNon\nSans avis",
        "q2_text": "Quelles activités ?",
        "q2_kind": "multiple",
        "q2_choices": "Jeux\nLecture\nSport",
        "q3_text": "Une idée ?",
        "q3_kind": "text",
        "q3_choices": "",
    }
    for i in range(4, cons.MAX_QUESTIONS + 1):
        data |= {f"q{i}_text": "", f"q{i}_kind": "single", f"q{i}_choices": ""}
    data.update(extra)
    return client.post(reverse("web:consultations", args=["armentieres"]), data)


def _answer(consultation, ip: str, **values: object):
    q1, q2, q3 = consultation.questions.order_by("position")
    data: dict[str, object] = {"started": shown_ago(), HONEYPOT: ""}
    data |= {f"q{q1.pk}": values.get("q1", "Oui"), f"q{q2.pk}": values.get("q2", ["Jeux"])}
    data |= {f"q{q3.pk}": values.get("q3", ""), "quartier": values.get("quartier", "")}
    url = reverse("web:consultation-answer", args=["armentieres", consultation.pk])
    return Client().post(url, data, REMOTE_ADDR=ip)


def test_a_consultation_from_publication_to_the_journal(armentieres, coordinator):
    client = Client()
    client.force_login(coordinator)
    response = _publish(client)
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert [q.kind for q in consultation.questions.order_by("position")] == [
        "single",
        "multiple",
        "text",
    ]
    page = Client().get(reverse("web:consultation-answer", args=["armentieres", consultation.pk]))
    assert page.status_code == 200 and "contact_email" not in page.content.decode()
    zones = cons.quartiers(territory=armentieres)
    big, small = zones[0], zones[1]
    for i in range(cons.MIN_GROUP):
        assert _answer(consultation, f"192.0.2.{i}", quartier=str(big.pk)).status_code == 302
    assert _answer(consultation, "192.0.2.50", q1="Non", quartier=str(small.pk)).status_code == 302
    assert _answer(consultation, "192.0.2.51", q1="Non", q3=HOSTILE).status_code == 302
    answers = list(ConsultationAnswer.objects.all())
    assert len(answers) == cons.MIN_GROUP + 2
    assert {a.zone for a in answers} == {big, small, None}
    results = cons.consultation_results(consultation=consultation)
    # The quartier with enough answers has its own column; the small one and the unsaid are
    # added together, so that no answer can be traced to a small group.
    assert [name for name, _ in results.groups] == [big.name, cons.OTHERS]
    assert [n for _, n in results.groups] == [cons.MIN_GROUP, 2]
    yes, no, no_opinion = results.questions[0].rows
    assert (yes.total, yes.by_group, no.total, no.by_group) == (5, [5, 0], 2, [0, 2])
    assert no_opinion.total == 0
    assert results.questions[1].rows[0].total == 7  # « Jeux »
    # Results page: hostile free text escaped.
    page = client.get(reverse("web:consultation-results", args=["armentieres", consultation.pk]))
    text = page.content.decode()
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # Close, then to the journal, once.
    url = reverse("web:consultation-results", args=["armentieres", consultation.pk])
    assert client.post(url, {"action": "close"}).status_code == 302
    closed = _answer(consultation, "192.0.2.99")
    assert closed.status_code == 410
    axis = armentieres.convention.axes.order_by("number").first()
    assert client.post(url, {"action": "journal", "axis": axis.pk}).status_code == 302
    activity = Activity.objects.get(title__startswith="Concertation des habitants")
    assert activity.kind.name == "concertation des habitants"
    assert activity.participants == 7 and list(activity.axes.all()) == [axis]
    assert "Oui : 5" in activity.description
    assert client.post(url, {"action": "journal", "axis": axis.pk}).status_code == 400
    assert Activity.objects.filter(title__startswith="Concertation des habitants").count() == 1


def test_a_quartier_consultation_keeps_its_quartier_and_asks_none(armentieres, coordinator):
    client = Client()
    client.force_login(coordinator)
    zone = cons.quartiers(territory=armentieres)[0]
    _publish(client, zone=str(zone.pk))
    consultation = Consultation.objects.get()
    page = Client().get(reverse("web:consultation-answer", args=["armentieres", consultation.pk]))
    assert 'name="quartier"' not in page.content.decode()
    assert _answer(consultation, "192.0.2.1").status_code == 302
    assert ConsultationAnswer.objects.get().zone == zone


def test_answers_are_rate_limited_and_protected(armentieres, coordinator):
    client = Client()
    client.force_login(coordinator)
    _publish(client)
    consultation = Consultation.objects.get()
    limit = ratelimit.MAX_ANSWERS_PER_ADDRESS
    codes = [_answer(consultation, "192.0.2.7").status_code for _ in range(limit + 3)]
    assert codes == [302] * limit + [429] * 3
    assert ConsultationAnswer.objects.count() == limit
    q1 = consultation.questions.order_by("position").first()
    url = reverse("web:consultation-answer", args=["armentieres", consultation.pk])
    trap = Client().post(
        url, {"started": shown_ago(), HONEYPOT: "x", f"q{q1.pk}": "Oui"}, REMOTE_ADDR="192.0.2.8"
    )
    assert trap.status_code == 302
    empty = Client().post(url, {"started": shown_ago(), HONEYPOT: ""}, REMOTE_ADDR="192.0.2.9")
    assert empty.status_code == 400 and "au moins une question" in empty.content.decode()
    assert ConsultationAnswer.objects.count() == limit


def test_a_bad_questionnaire_is_refused_in_french(armentieres, coordinator):
    client = Client()
    client.force_login(coordinator)
    response = _publish(client, q1_choices="Oui", q2_text="", q3_text="")
    assert response.status_code == 400
    assert "Question 1 : donnez de 2 à 10 réponses possibles" in response.content.decode()
    assert not Consultation.objects.exists()
    partner = Client()
    partner.force_login(make_user(armentieres, "observer"))
    assert _publish(partner).status_code == 403


def test_the_directory_invites_to_open_consultations_only(armentieres, coordinator):
    url = reverse("web:directory", args=["armentieres"])
    assert "Donnez votre avis" not in Client().get(url).content.decode()  # box read, none open
    client = Client()
    client.force_login(coordinator)
    _publish(client)
    consultation = Consultation.objects.get()
    answer = reverse("web:consultation-answer", args=["armentieres", consultation.pk])
    assert answer in Client().get(url).content.decode()  # seen at once, not after a delay
    cons.consultation_close(consultation=consultation, user=coordinator)
    assert answer not in Client().get(url).content.decode()


def test_a_consultation_deleted_in_the_admin_leaves_the_directory_at_once(armentieres, coordinator):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(coordinator)
    _publish(client)
    consultation = Consultation.objects.get()
    url = reverse("web:directory", args=["armentieres"])
    answer = reverse("web:consultation-answer", args=["armentieres", consultation.pk])
    assert answer in Client().get(url).content.decode()
    admin = get_user_model().objects.create_superuser("admin@example.org")
    client.force_login(admin)
    delete = reverse("admin:contributions_consultation_delete", args=[consultation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Consultation.objects.exists()
    assert answer not in Client().get(url).content.decode()
