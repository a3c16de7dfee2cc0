"""Journal attachments: downloadable by the territory's members only, served from storage as a
download (never rendered by the browser), with a safe file name."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from maillage.plan.models import ATTACHMENT_EXTENSIONS, Activity, ActivityAttachment, ActivityKind
from maillage.plan.services import activity_record
from maillage.web.views.plan_attachments import ATTACHMENT_CONTENT_TYPES, attachment_filename

from .roles import make_user

PDF = b"%PDF-1.4\n% exemple fictif : compte rendu de test\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _record(territory, *files):
    return activity_record(
        territory=territory,
        date=dt.date(2024, 5, 14),
        kind="groupe de travail",
        title="Groupe de travail AVS",
        axes=[1],
        attachments=list(files),
        is_fictional=True,
    )


@pytest.fixture
def attachment(armentieres):
    activity = _record(armentieres, SimpleUploadedFile("compte-rendu.pdf", PDF))
    return activity.attachments.get()


def _url(attachment, slug="armentieres"):
    return reverse("web:plan-attachment", args=[slug, attachment.pk])


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _get(client, url):
    """GET ``url``; a file response is read and closed, its bytes in ``response.body``."""
    response = client.get(url)
    if response.streaming:
        response.body = b"".join(response.streaming_content)
        response.close()
    return response


@pytest.mark.parametrize("role", ["coordinator", "partner_a", "partner_b", "observer"])
def test_every_member_of_the_territory_downloads_the_file(roles, attachment, role):
    response = _get(_client(getattr(roles, role)), _url(attachment))
    assert response.status_code == 200
    assert response.body == PDF


def test_a_signed_in_user_without_a_role_on_the_territory_is_refused(roles, attachment):
    response = _get(_client(roles.outsider), _url(attachment))
    assert response.status_code == 403
    assert b"%PDF" not in response.content


def test_anonymous_visitors_are_sent_to_the_login_page(armentieres, attachment):
    url = _url(attachment)
    response = _get(_client(), url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))
    assert "next=" in response.url and unquote(response.url).endswith(url)


def test_the_file_is_a_download_never_rendered_by_the_browser(roles, attachment):
    response = _get(_client(roles.observer), _url(attachment))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="compte-rendu.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"
    assert int(response["Content-Length"]) == len(PDF)


def test_the_view_only_answers_get(roles, attachment):
    response = _client(roles.coordinator).post(_url(attachment))
    assert response.status_code == 405
    assert ActivityAttachment.objects.filter(pk=attachment.pk).exists()


def test_unknown_id_is_not_found(roles, attachment):
    missing = ActivityAttachment.objects.order_by("-pk").first().pk + 1
    response = _get(
        _client(roles.coordinator), reverse("web:plan-attachment", args=["armentieres", missing])
    )
    assert response.status_code == 404


def test_an_attachment_of_another_territory_is_not_found(armentieres, attachment):
    from maillage.territory.models import Territory

    other = Territory.objects.create(
        slug="exemple-fictif", name="Territoire exemple fictif", period_start=2023, period_end=2026
    )
    theirs = ActivityAttachment.objects.create(
        activity=Activity.objects.create(
            territory=other,
            date=dt.date(2024, 1, 1),
            kind=ActivityKind.objects.first(),
            title="[exemple fictif] Réunion",
            is_fictional=True,
        ),
        file=ContentFile(PDF, name="cr.pdf"),
        name="cr.pdf",
    )
    their_coordinator = make_user(other, "coordinator", email="coord-autre@example.org")
    # Their member asks for our attachment through their territory, and ours for theirs.
    assert _get(_client(their_coordinator), _url(attachment, "exemple-fictif")).status_code == 404
    ours = make_user(armentieres, "coordinator", email="coord-armentieres@example.org")
    assert _get(_client(ours), _url(theirs, "armentieres")).status_code == 404
    # A superuser is a member everywhere, yet the id must match the territory of the URL.
    admin = make_user(None, None, email="admin@example.org", is_superuser=True)
    assert _get(_client(admin), _url(theirs, "armentieres")).status_code == 404
    assert _get(_client(admin), _url(theirs, "exemple-fictif")).status_code == 200


def test_a_file_missing_from_storage_is_not_found_not_an_error(roles, attachment):
    attachment.file.storage.delete(attachment.file.name)
    response = _get(_client(roles.coordinator), _url(attachment))
    assert response.status_code == 404


def test_a_hostile_upload_name_is_stored_and_offered_safely(roles, armentieres, media):
    """Uploaded through the entry form, as a browser would, by a partner."""
    hostile = SimpleUploadedFile("..\\..\\CR; réunion d'été\u202egpj.exe.pdf", PDF)
    form = {
        "date": "2024-05-14",
        "kind": str(ActivityKind.objects.get(name="groupe de travail").pk),
        "title": "Groupe de travail AVS",
        "axes": ["1"],
        "attachments": [hostile],
    }
    new = reverse("web:plan-activity-new", args=["armentieres"])
    assert _client(roles.partner_a).post(new, form).status_code == 302
    stored = ActivityAttachment.objects.get(activity__title="Groupe de travail AVS")
    # The file lands in the territory's journal folder, whatever its name.
    path = (media / stored.file.name).resolve()
    assert path.is_relative_to((media / "journal" / "armentieres").resolve())
    assert path.read_bytes() == PDF
    response = _get(_client(roles.partner_b), _url(stored))
    assert response.status_code == 200
    assert response.body == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    offered = unquote(disposition.split("''", 1)[1])
    assert offered == "CR réunion d'étégpj.exe.pdf"
    assert not any(c in offered for c in '/\\";\u202e')


def test_a_renamed_attachment_keeps_the_stored_extension(roles, attachment):
    """A name changed afterwards (admin, import) cannot inject headers nor change the type."""
    ActivityAttachment.objects.filter(pk=attachment.pk).update(
        name='rapport.html"\r\nSet-Cookie: x=1'
    )
    response = _get(_client(roles.coordinator), _url(attachment))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="rapport.html Set-Cookie x=1.pdf"'
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("compte-rendu.pdf", "compte-rendu.pdf"),
        ("CR.PDF", "CR.pdf"),
        ("   .pdf", "piece-jointe.pdf"),
        ("a/b/c.pdf", "c.pdf"),
        ("ligne\u2028séparée.pdf", "ligne séparée.pdf"),
    ],
)
def test_offered_file_names(name, expected):
    attachment = ActivityAttachment(name=name)
    attachment.file.name = "journal/armentieres/1/fichier.pdf"
    assert attachment_filename(attachment) == expected


def test_every_accepted_extension_has_its_content_type():
    assert set(ATTACHMENT_EXTENSIONS) <= set(ATTACHMENT_CONTENT_TYPES)


def test_members_get_links_and_the_public_only_a_count(roles, attachment, client):
    pages = [
        reverse("web:plan-activity", args=["armentieres", attachment.activity_id]),
        reverse("web:plan-journal", args=["armentieres"]),
    ]
    link = _url(attachment)
    for page in pages:
        assert link in _get(_client(roles.observer), page).content.decode()
        public = client.get(page).content.decode()
        assert link not in public and "compte-rendu.pdf" not in public
    public_entry = client.get(pages[0]).content.decode()
    assert "une pièce jointe, réservée aux partenaires du territoire" in public_entry
    assert reverse("web:login") in public_entry
    assert link not in _get(_client(roles.outsider), pages[0]).content.decode()
