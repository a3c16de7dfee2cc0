"""« Signaler une erreur » and « Proposer un lieu » (issue 19): an anonymous visitor's message
reaches the coordinator's queue, the fiche's partners are told, nothing public changes until
the coordinator decides, and the resident hears the outcome, after which their address is gone.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from accounts.roles import make_user, organisations
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.history import snapshot
from maillage.accounts.models import ChangeRecord
from maillage.contributions import services
from maillage.contributions.models import ResidentReport
from maillage.directory.models import Structure

from .helpers import post_place, post_report


@pytest.fixture
def people(armentieres):
    orgs = organisations(armentieres)
    return (
        orgs,
        make_user(armentieres, "coordinator", email="coordination@example.org"),
        make_user(armentieres, "partner", orgs.a, email="partenaire-a@example.org"),
        make_user(armentieres, "partner", orgs.b, email="partenaire-b@example.org"),
    )


def _public_page(territory, structure) -> str:
    url = reverse("web:structure", args=[territory.slug, structure.pk])
    return Client().get(url).content.decode()


def test_the_public_fiche_and_the_directory_link_to_the_forms(armentieres, people):
    orgs = people[0]
    page = _public_page(armentieres, orgs.structure_a)
    assert reverse("web:report-error", args=["armentieres", orgs.structure_a.pk]) in page
    directory = Client().get(reverse("web:directory", args=["armentieres"])).content.decode()
    assert reverse("web:propose-place", args=["armentieres"]) in directory
    form = Client().get(reverse("web:report-error", args=["armentieres", orgs.structure_a.pk]))
    assert form.status_code == 200
    assert 'name="started"' in form.content.decode()


def test_an_anonymous_report_waits_for_the_coordinator_and_changes_nothing_public(
    armentieres, people, mailoutbox, django_capture_on_commit_callbacks
):
    orgs, coordinator, partner_a, partner_b = people
    structure = orgs.structure_a
    before, history = snapshot(structure), ChangeRecord.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_report(Client(), armentieres, structure, contact_email="Hab@Example.org")
    assert response.status_code == 302
    assert response.url == reverse("web:contribution-thanks", args=["armentieres"])
    report = ResidentReport.objects.get()
    assert (report.status, report.structure, report.contact_email) == (
        "pending",
        structure,
        "hab@example.org",
    )
    # The coordinators and the fiche's partners are told; the other organisation is not.
    recipients = sorted(a for m in mailoutbox for a in m.to)
    assert recipients == ["coordination@example.org", "partenaire-a@example.org"]
    assert "fermé le mercredi" in mailoutbox[0].body
    # In the coordinator's queue, and nowhere public.
    client = Client()
    client.force_login(coordinator)
    queue = client.get(reverse("web:resident-reports", args=["armentieres"])).content.decode()
    assert reverse("web:resident-report", args=["armentieres", report.pk]) in queue
    assert "fermé le mercredi" not in _public_page(armentieres, structure)
    assert snapshot(Structure.objects.get(pk=structure.pk)) == before
    assert ChangeRecord.objects.count() == history
    # The coordinator takes it into account: still no change to the fiche by itself (it is
    # corrected through its edit form and history), the resident hears it, the address is gone.
    url = reverse("web:resident-report", args=["armentieres", report.pk])
    assert "structure-edit" not in url
    page = client.get(url).content.decode()
    assert reverse("web:structure-edit", args=["armentieres", structure.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "accept", "comment": "Merci, c'est corrigé."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted" and report.reviewed_by == coordinator
    assert (report.contact_email, report.outcome_sent_at is not None) == ("", True)
    outcome = mailoutbox[-1]
    assert outcome.to == ["hab@example.org"]
    assert "prise en compte" in outcome.body and "Merci, c'est corrigé." in outcome.body
    assert snapshot(Structure.objects.get(pk=structure.pk)) == before
    assert not ResidentReport.objects.filter(contact_email="hab@example.org").exists()


def test_a_partner_or_an_observer_cannot_see_or_decide(armentieres, people):
    orgs, _, partner_a, _ = people
    services.report_error(structure=orgs.structure_a, field="other", message="Texte")
    report = ResidentReport.objects.get()
    for user in (partner_a, make_user(armentieres, "observer")):
        client = Client()
        client.force_login(user)
        url = reverse("web:resident-report", args=["armentieres", report.pk])
        assert client.post(url, {"decision": "accept"}).status_code == 403
        assert client.get(reverse("web:resident-reports", args=["armentieres"])).status_code == 403
    report.refresh_from_db()
    assert report.status == "pending"


def test_an_unpublished_fiche_cannot_be_reported(armentieres, people):
    structure = people[0].structure_a
    Structure.objects.filter(pk=structure.pk).update(published=False)
    assert post_report(Client(), armentieres, structure).status_code == 404
    assert not ResidentReport.objects.exists()


def test_an_accepted_place_becomes_a_draft_to_locate_through_the_directory_services(
    armentieres, people, mailoutbox, django_capture_on_commit_callbacks
):
    _, coordinator, _, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post_place(Client(), armentieres, contact_email="voisin@example.org").status_code == 302
        )
    report = ResidentReport.objects.get(kind="place")
    assert [m.to for m in mailoutbox] == [["coordination@example.org"]]
    name = "Ludothèque du quartier (exemple fictif)"
    assert not Structure.objects.filter(name=name).exists()
    client = Client()
    client.force_login(coordinator)
    url = reverse("web:resident-report", args=["armentieres", report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "accept"})
    created = Structure.objects.get(name=name)
    assert response.status_code == 302
    assert response.url == reverse("web:structure-edit", args=["armentieres", created.pk])
    assert (created.published, created.located, created.territory) == (False, False, armentieres)
    assert created.address == "1 rue de l'Exemple fictif, Armentières"
    assert f"contribution n° {report.pk}" in created.note
    # Created by the service: recorded in the history, under the coordinator's name.
    record = ChangeRecord.objects.get(object_id=str(created.pk), action="create")
    assert record.user == coordinator
    # A draft: not public until the coordinator publishes it.
    public = Client().get(reverse("web:structure", args=["armentieres", created.pk]))
    assert public.status_code == 404
    space = client.get(reverse("web:partner-space", args=["armentieres"])).content.decode()
    assert name in space  # among the drafts
    report.refresh_from_db()
    assert (report.status, report.created_structure, report.contact_email) == (
        "accepted",
        created,
        "",
    )
    assert mailoutbox[-1].to == ["voisin@example.org"]
    assert "a été retenu" in mailoutbox[-1].body


def test_a_rejected_place_creates_nothing_and_the_resident_is_told(
    armentieres, people, mailoutbox, django_capture_on_commit_callbacks
):
    _, coordinator, _, _ = people
    post_place(Client(), armentieres, contact_email="voisin@example.org")
    report = ResidentReport.objects.get()
    structures = Structure.objects.count()
    client = Client()
    client.force_login(coordinator)
    url = reverse("web:resident-report", args=["armentieres", report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(url, {"decision": "reject", "comment": "Hors territoire."}).status_code
            == 302
        )
    assert Structure.objects.count() == structures
    report.refresh_from_db()
    assert (report.status, report.contact_email) == ("rejected", "")
    assert "n'a pas été retenu" in mailoutbox[-1].body
    # A decision is taken once.
    assert client.post(url, {"decision": "accept"}).status_code == 400
    assert Structure.objects.count() == structures


def test_contact_addresses_are_erased_after_the_keeping_period(armentieres, people):
    orgs = people[0]
    old = services.report_error(
        structure=orgs.structure_a, field="other", message="Ancien", contact_email="a@example.org"
    )
    new = services.report_error(
        structure=orgs.structure_a, field="other", message="Récent", contact_email="b@example.org"
    )
    ResidentReport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=services.KEEP_CONTACT_DAYS + 1)
    )
    assert services.contacts_purge() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.contact_email, old.contact_erased_at is not None) == ("", True)
    assert new.contact_email == "b@example.org"


def test_the_pending_page_tells_the_coordinator_how_many_reports_wait(armentieres, people):
    from maillage.accounts.services import propose_change

    orgs, coordinator, partner_a, _ = people
    change = propose_change(obj=orgs.structure_a, user=partner_a, fields={"phone": "0320000000"})
    services.report_error(structure=orgs.structure_a, field="other", message="Un")
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("web:pending-change", args=["armentieres", change.pk]))
    text = page.content.decode()
    assert "1 signalement d&#x27;habitant en attente" in text or "1 signalement d'habitant" in text
    assert reverse("web:resident-reports", args=["armentieres"]) in text
    partner = Client()
    partner.force_login(partner_a)
    own = partner.get(reverse("web:pending-change", args=["armentieres", change.pk]))
    assert reverse("web:resident-reports", args=["armentieres"]) not in own.content.decode()


def test_the_purge_command_erases_old_contact_addresses(armentieres, people):
    from click.testing import CliRunner

    from maillage.cli import main

    orgs = people[0]
    old = services.report_error(
        structure=orgs.structure_a, field="other", message="Ancien", contact_email="a@example.org"
    )
    ResidentReport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    result = CliRunner().invoke(main, ["contributions", "purge", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "1 adresse(s) électronique(s) effacée(s)." in result.output
    old.refresh_from_db()
    assert old.contact_email == ""


def test_a_mail_server_failure_is_no_error_page(
    armentieres, people, django_capture_on_commit_callbacks, monkeypatch
):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("serveur injoignable (exemple fictif)")

    monkeypatch.setattr(services, "send_mail", refuse)
    orgs, coordinator, _, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        sent = post_report(Client(), armentieres, orgs.structure_a, contact_email="h@example.org")
    assert sent.status_code == 302
    report = ResidentReport.objects.get()
    client = Client()
    client.force_login(coordinator)
    url = reverse("web:resident-report", args=["armentieres", report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"decision": "reject"}).status_code == 302
    report.refresh_from_db()
    # Not told yet: the address waits for the purge rather than being lost unsent.
    assert (report.status, report.contact_email, report.outcome_sent_at) == (
        "rejected",
        "h@example.org",
        None,
    )
