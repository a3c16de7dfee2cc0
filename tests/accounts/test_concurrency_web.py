"""Lost updates on the web edit forms of the directory (issue 12, item 6): two people open the
same form; the second save, made from the stale form, is refused with a French message naming
the other person's change, nothing is overwritten, the form comes back with the user's input;
a fresh save works, and saving again once warned is a deliberate choice that works too."""

from __future__ import annotations

import html
import re

from django.test import Client
from django.urls import reverse

from maillage.accounts.models import PendingChange
from maillage.directory.models import Service, Structure

from .roles import make_user, organisations


def _form_page(client: Client, url: str) -> tuple[str, str]:
    """The CSRF token and the version token of the form page (as a browser would send)."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    text = page.content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    version = re.search(r'<input type="hidden" name="version" value="([^"]*)"', text)
    return csrf, version.group(1) if version else ""


def _structure_fields(structure) -> dict:
    return {
        f: getattr(structure, f) or ""
        for f in (
            "name",
            "description",
            "address",
            "postcode",
            "phone",
            "email",
            "website",
            "opening_hours",
        )
    }


def _service_fields(service) -> dict:
    values = {
        f: getattr(service, f)
        for f in (
            "name",
            "description",
            "conditions_acces",
            "frais",
            "frais_precisions",
            "opening_hours",
            "capacity",
        )
    }
    return {k: v for k, v in values.items() if v is not None}


def _browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_stale_structure_form_is_refused_with_the_other_change(armentieres):
    structure = organisations(armentieres).structure_a
    first = make_user(armentieres, "coordinator", email="premiere@example.org")
    second = make_user(armentieres, "coordinator", email="seconde@example.org")
    url = reverse("web:structure-edit", args=["armentieres", structure.pk])
    a, b = _browser(first), _browser(second)
    csrf_a, version_a = _form_page(a, url)
    csrf_b, version_b = _form_page(b, url)
    assert version_a == version_b
    original = _structure_fields(structure)

    fresh = a.post(
        url,
        {
            **original,
            "phone": "03 20 11 22 33",
            "version": version_a,
            "csrfmiddlewaretoken": csrf_a,
        },
    )
    assert fresh.status_code == 302  # a fresh save works
    assert Structure.objects.get(pk=structure.pk).phone == "03 20 11 22 33"

    stale_text = "Texte saisi depuis un formulaire périmé (test)."
    stale = b.post(
        url,
        {
            **original,
            "description": stale_text,
            "version": version_b,
            "csrfmiddlewaretoken": csrf_b,
        },
    )
    assert stale.status_code == 400
    page = html.unescape(stale.content.decode())
    assert "Cette fiche a été modifiée par premiere@example.org le" in page
    assert "pendant que vous la modifiiez" in page
    assert "téléphone" in page and "03 20 11 22 33" in page
    assert stale_text in page  # the user's input is kept
    stored = Structure.objects.get(pk=structure.pk)
    assert stored.phone == "03 20 11 22 33"  # the first change is not reverted
    assert stored.description == structure.description  # nothing written

    # Once warned, the form carries the current version: saving again is deliberate.
    version_now = re.search(r'name="version" value="([^"]*)"', page).group(1)
    assert version_now != version_b
    again = b.post(
        url,
        {
            **original,
            "phone": "03 20 11 22 33",
            "description": stale_text,
            "version": version_now,
            "csrfmiddlewaretoken": csrf_b,
        },
    )
    assert again.status_code == 302
    stored = Structure.objects.get(pk=structure.pk)
    assert (stored.phone, stored.description) == ("03 20 11 22 33", stale_text)


def test_stale_service_form_is_refused(armentieres):
    service = organisations(armentieres).service
    first = make_user(armentieres, "coordinator", email="premiere@example.org")
    second = make_user(armentieres, "coordinator", email="seconde@example.org")
    url = reverse("web:service-edit", args=["armentieres", service.pk])
    a, b = _browser(first), _browser(second)
    csrf_a, version = _form_page(a, url)
    csrf_b, _same = _form_page(b, url)
    original = _service_fields(service)
    first_text = "Conditions changées par la première (test)."
    response = a.post(
        url,
        {
            **original,
            "conditions_acces": first_text,
            "version": version,
            "csrfmiddlewaretoken": csrf_a,
        },
    )
    assert response.status_code == 302
    stale = b.post(
        url,
        {
            **original,
            "name": "Nom périmé (test)",
            "version": version,
            "csrfmiddlewaretoken": csrf_b,
        },
    )
    assert stale.status_code == 400
    page = html.unescape(stale.content.decode())
    assert "a été modifiée par premiere@example.org" in page
    assert "conditions d'accès" in page and first_text in page
    stored = Service.objects.get(pk=service.pk)
    assert (stored.name, stored.conditions_acces) == (service.name, first_text)


def test_stale_partner_proposal_is_refused(armentieres):
    """A partner's edit of a published fiche is a proposal: from a stale form it is refused
    too, and no proposal is queued."""
    orgs = organisations(armentieres)
    service = orgs.service
    coordinator = make_user(armentieres, "coordinator", email="coordination@example.org")
    partner = make_user(armentieres, "partner", orgs.a)
    url = reverse("web:service-edit", args=["armentieres", service.pk])
    c, p = _browser(coordinator), _browser(partner)
    csrf_p, version = _form_page(p, url)
    csrf_c, _same = _form_page(c, url)
    original = _service_fields(service)
    assert (
        c.post(
            url,
            {
                **original,
                "frais_precisions": "Tarif revu (test)",
                "version": version,
                "csrfmiddlewaretoken": csrf_c,
            },
        ).status_code
        == 302
    )
    stale = p.post(
        url,
        {
            **original,
            "description": "Proposition périmée (test)",
            "version": version,
            "csrfmiddlewaretoken": csrf_p,
        },
    )
    assert stale.status_code == 400
    assert "coordination@example.org" in html.unescape(stale.content.decode())
    assert not PendingChange.objects.filter(object_id=str(service.pk)).exists()
    # From the fresh form, the proposal is queued.
    csrf_p, version = _form_page(p, url)
    fresh = p.post(
        url,
        {
            **original,
            "frais_precisions": "Tarif revu (test)",
            "description": "Proposition à jour (test)",
            "version": version,
            "csrfmiddlewaretoken": csrf_p,
        },
    )
    assert fresh.status_code == 302
    assert PendingChange.objects.get(object_id=str(service.pk)).changes == {
        "description": "Proposition à jour (test)"
    }
