"""Abuse protection of the residents' forms without a third-party captcha: a per-address limit
shared by every server process (database, keyed hash, never the address), a honeypot, a
minimum fill time carried by a signed timestamp, size limits — French answers, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from accounts.roles import organisations
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.contributions import ratelimit
from maillage.contributions.forms import HONEYPOT, MAX_FORM_AGE_SECONDS, started_token
from maillage.contributions.models import ResidentReport, SubmissionMark

from .helpers import IP, post_place, post_report, shown_ago


@pytest.fixture
def structure(armentieres):
    return organisations(armentieres).structure_a


def test_twenty_reports_in_a_minute_from_one_address_are_refused_after_the_limit(
    armentieres, structure
):
    answers = [post_report(Client(), armentieres, structure).status_code for _ in range(20)]
    limit = ratelimit.MAX_PER_ADDRESS
    assert limit < 20
    assert answers == [302] * limit + [429] * (20 - limit)
    assert ResidentReport.objects.count() == limit
    refused = post_report(Client(), armentieres, structure)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(ratelimit.WINDOW_MINUTES * 60)
    text = refused.content.decode()
    assert "Trop de messages envoyés depuis votre connexion" in text
    assert "fermé le mercredi" in text  # the visitor's text is kept in the form
    # The limit holds on the other form too, and another address is not blocked.
    assert post_place(Client(), armentieres).status_code == 429
    assert post_report(Client(), armentieres, structure, ip="198.51.100.7").status_code == 302


def test_the_limit_ends_after_its_window(armentieres, structure):
    for _ in range(ratelimit.MAX_PER_ADDRESS):
        post_report(Client(), armentieres, structure)
    assert post_report(Client(), armentieres, structure).status_code == 429
    SubmissionMark.objects.update(
        created_at=timezone.now() - timedelta(minutes=ratelimit.WINDOW_MINUTES + 1)
    )
    assert post_report(Client(), armentieres, structure).status_code == 302
    assert SubmissionMark.objects.count() == 1  # the expired marks are purged


def test_no_address_is_stored_only_a_keyed_hash(armentieres, structure, settings):
    post_report(Client(), armentieres, structure, contact_email="")
    tables = [SubmissionMark._meta.db_table, ResidentReport._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (our own table names)
            for row in cursor.fetchall():
                assert not any(IP in str(value) for value in row), (table, row)
    key = SubmissionMark.objects.get().address_key
    assert len(key) == 64
    settings.SECRET_KEY = "une-autre-cle-secrete-pour-ce-test-exemple-fictif-0123456789"
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR=IP)
    assert ratelimit.address_key(request) != key  # keyed: not the bare hash of the address


def test_a_filled_honeypot_is_answered_like_a_success_and_keeps_nothing(
    armentieres, structure, mailoutbox
):
    response = post_report(Client(), armentieres, structure, **{HONEYPOT: "http://spam.example"})
    assert response.status_code == 302
    assert response.url == reverse("web:contribution-thanks", args=["armentieres"])
    assert not ResidentReport.objects.exists() and mailoutbox == []
    assert SubmissionMark.objects.count() == 1  # a robot uses up its address's allowance


def test_the_honeypot_is_hidden_from_people(armentieres, structure):
    page = Client().get(reverse("web:report-error", args=["armentieres", structure.pk]))
    text = page.content.decode()
    assert f'name="{HONEYPOT}"' in text
    assert '<div class="contribution-trap" aria-hidden="true">' in text
    assert 'tabindex="-1"' in text


@pytest.mark.parametrize(
    ("started", "message"),
    [
        (lambda: started_token(), "Envoi trop rapide"),
        (lambda: "forged:token", "Envoi trop rapide"),
        (lambda: "", "Envoi trop rapide"),
        (lambda: shown_ago(MAX_FORM_AGE_SECONDS + 60), "Le formulaire a expiré"),
    ],
    ids=["too-fast", "forged", "missing", "expired"],
)
def test_a_form_sent_too_fast_or_with_a_bad_time_is_refused_with_a_message(
    armentieres, structure, started, message
):
    response = post_report(Client(), armentieres, structure, started=started())
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and "rien n'a été enregistré" in text
    assert not ResidentReport.objects.exists()
    # The refused form carries a new start time: sent again a few seconds later, it is kept.
    assert 'name="started"' in text


def test_size_limits(armentieres, structure):
    response = post_report(Client(), armentieres, structure, message="x" * 2001)
    assert response.status_code == 400
    assert "2000 caractères" in response.content.decode()
    response = post_place(Client(), armentieres, place_name="L" * 201)
    assert response.status_code == 400
    assert not ResidentReport.objects.exists()
    huge = post_report(Client(), armentieres, structure, message="x" * 200_000)
    assert huge.status_code == 400


def test_bad_input_is_a_french_message_never_a_500(armentieres, structure):
    cases = [
        {"field": "nimporte"},
        {"message": ""},
        {"contact_email": "pas-une-adresse"},
    ]
    for extra in cases:
        response = post_report(Client(), armentieres, structure, **extra)
        assert response.status_code == 400, extra
    assert post_place(Client(), armentieres, place_name="<b>Lieu</b>").status_code == 400
    assert not ResidentReport.objects.exists()
