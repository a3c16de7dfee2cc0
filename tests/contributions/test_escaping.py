"""Hostile text sent by an anonymous visitor is shown as text everywhere: the coordinator's
queue, the report page, the pending page, and the mails (plain text only, no HTML part,
subjects without the visitor's text)."""

from __future__ import annotations

from accounts.roles import make_user, organisations
from django.test import Client
from django.urls import reverse

from maillage.contributions.models import ResidentReport

from .helpers import post_place, post_report

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_hostile_text_is_escaped_in_pages_and_inert_in_mails(
    armentieres, mailoutbox, django_capture_on_commit_callbacks
):
    orgs = organisations(armentieres)
    coordinator = make_user(armentieres, "coordinator", email="coordination@example.org")
    make_user(armentieres, "partner", orgs.a, email="partenaire-a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post_report(Client(), armentieres, orgs.structure_a, message=HOSTILE).status_code == 302
        )
        assert (
            post_place(
                Client(),
                armentieres,
                ip="198.51.100.9",
                place_address=HOSTILE[:300],
                place_offer=HOSTILE,
            ).status_code
            == 302
        )
    client = Client()
    client.force_login(coordinator)
    pages = [client.get(reverse("web:resident-reports", args=["armentieres"]))]
    pages += [
        client.get(reverse("web:resident-report", args=["armentieres", r.pk]))
        for r in ResidentReport.objects.all()
    ]
    for response in pages:
        text = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text or "&lt;script&gt;alert(1" in text
    assert len(mailoutbox) == 3  # coordinator and partner for the fiche; coordinator for the place
    for mail in mailoutbox:
        assert mail.content_subtype == "plain" and not getattr(mail, "alternatives", [])
        assert "\n" not in mail.subject and "<script>" not in mail.subject
        assert HOSTILE in mail.body  # as text, in a text-only mail


def test_hostile_text_in_the_form_shown_again_is_escaped(armentieres):
    structure = organisations(armentieres).structure_a
    response = post_report(Client(), armentieres, structure, message=HOSTILE, started="bad")
    text = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
