"""End to end: a partner created by ``maillage users create`` logs in through the web form,
cannot change another organisation's structure, and their edit of a published service stays
off the public page until the coordinator validates it; the history shows both versions."""

from __future__ import annotations

import re

from click.testing import CliRunner
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import ChangeRecord, PendingChange
from maillage.cli import main
from maillage.directory.models import Service, Structure

from .roles import PASSWORD, make_user, organisations


def _csrf_post(client: Client, url: str, data: dict, *, form_url: str | None = None):
    """POST like a browser: fetch the form page first, send its CSRF token back."""
    page = client.get(form_url or url)
    assert page.status_code == 200, (form_url or url, page.status_code)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    return client.post(url, {**data, "csrfmiddlewaretoken": token.decode()})


def _create_partner_with_cli(organisation, email: str) -> str:
    result = CliRunner().invoke(
        main,
        [
            "users",
            "create",
            "--email",
            email,
            "--role",
            "partner",
            "--territory",
            "armentieres",
            "--organisation",
            organisation.slug,
        ],
    )
    assert result.exit_code == 0, result.output
    link = re.search(r"https?://\S+/invitation/\S+/", result.output).group(0)
    return link.split("localhost:8000", 1)[1]


def test_cli_partner_logs_in_and_cannot_edit_another_organisation(armentieres):
    orgs = organisations(armentieres)
    path = _create_partner_with_cli(orgs.a, "referente@example.org")
    browser = Client(enforce_csrf_checks=True)
    # The invitation link sets the password (Django's validators apply).
    weak = _csrf_post(browser, path, {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 400
    assert "entièrement numérique" in weak.content.decode()
    done = _csrf_post(browser, path, {"password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302
    # The link works once only.
    assert browser.get(path).status_code == 404
    browser.post(reverse("web:logout"), {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})

    login = _csrf_post(
        browser, reverse("web:login"), {"username": "referente@example.org", "password": PASSWORD}
    )
    assert login.status_code == 302
    space = browser.get(reverse("web:partner-space", args=["armentieres"]))
    assert orgs.structure_a.name in space.content.decode()

    target = orgs.structure_b
    before = Structure.objects.values().get(pk=target.pk)
    url = reverse("web:structure-edit", args=["armentieres", target.pk])
    assert browser.get(url).status_code == 403
    # Even with a valid CSRF token taken from the partner's own form.
    own_form = reverse("web:structure-edit", args=["armentieres", orgs.structure_a.pk])
    response = _csrf_post(
        browser, url, {"name": "Nom piraté", "description": "x"}, form_url=own_form
    )
    assert response.status_code == 403
    assert Structure.objects.values().get(pk=target.pk) == before
    assert not PendingChange.objects.filter(object_id=str(target.pk)).exists()


def test_partner_service_edit_waits_for_validation_and_history_keeps_both(armentieres):
    orgs = organisations(armentieres)
    partner = make_user(armentieres, "partner", orgs.a)
    coordinator = make_user(armentieres, "coordinator")
    service = orgs.service
    old = service.description
    new_text = "Accueil sans rendez-vous le mercredi matin (texte de test)."
    public_url = reverse("web:structure", args=["armentieres", service.structure_id])
    public = Client()
    assert new_text not in public.get(public_url).content.decode()

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(partner)
    edit_url = reverse("web:service-edit", args=["armentieres", service.pk])
    page = browser.get(edit_url)
    form = {
        k: v
        for k, v in {
            "name": service.name,
            "description": new_text,
            "conditions_acces": service.conditions_acces,
            "frais": service.frais,
            "frais_precisions": service.frais_precisions,
            "opening_hours": service.opening_hours,
            "capacity": service.capacity,
        }.items()
        if v is not None
    }
    assert "validation" in page.content.decode()
    response = _csrf_post(browser, edit_url, form)
    assert response.status_code == 302
    change = PendingChange.objects.get(object_id=str(service.pk), status="pending")
    assert change.changes == {"description": new_text}
    # Published data unchanged until validation.
    assert Service.objects.get(pk=service.pk).description == old
    assert new_text not in public.get(public_url).content.decode()

    reviewer = Client(enforce_csrf_checks=True)
    reviewer.force_login(coordinator)
    review_url = reverse("web:pending-change", args=["armentieres", change.pk])
    diff_page = reviewer.get(review_url).content.decode()
    assert new_text in diff_page and "<del>" in diff_page
    # The partner cannot validate their own proposal.
    refused = _csrf_post(browser, review_url, {"decision": "validate"})
    assert refused.status_code == 403
    assert _csrf_post(reviewer, review_url, {"decision": "validate"}).status_code == 302

    assert Service.objects.get(pk=service.pk).description == new_text
    assert new_text in public.get(public_url).content.decode()
    record = ChangeRecord.objects.get(object_id=str(service.pk), action="validate")
    assert record.before["description"] == old
    assert record.after["description"] == new_text
    assert record.user == partner
    history = reviewer.get(
        reverse("web:history", args=["armentieres", "directory.service", service.pk])
    ).content.decode()
    assert new_text in history
    if old:
        assert old[:40] in history


def test_coordinator_restores_the_previous_version(armentieres):
    orgs = organisations(armentieres)
    coordinator = make_user(armentieres, "coordinator")
    structure = orgs.structure_a
    old_phone = structure.phone
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)
    edit_url = reverse("web:structure-edit", args=["armentieres", structure.pk])
    fields = {
        f: getattr(structure, f) or ""
        for f in ("name", "description", "address", "postcode", "email", "website")
    }
    fields["opening_hours"] = structure.opening_hours
    response = _csrf_post(browser, edit_url, {**fields, "phone": "03 20 00 00 00"})
    assert response.status_code == 302
    assert Structure.objects.get(pk=structure.pk).phone == "03 20 00 00 00"  # applied at once
    record = ChangeRecord.objects.get(object_id=str(structure.pk), action="update")
    history_url = reverse("web:history", args=["armentieres", "directory.structure", structure.pk])
    restore_url = reverse("web:history-restore", args=["armentieres", record.pk])
    restored = _csrf_post(browser, restore_url, {"side": "before"}, form_url=history_url)
    assert restored.status_code == 302
    assert Structure.objects.get(pk=structure.pk).phone == old_phone
    assert ChangeRecord.objects.filter(object_id=str(structure.pk), action="restore").exists()
