"""Pages of the partners' space render for each role, in French, with a label on every field and
headings in order; password reset by e-mail works end to end."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.services import propose_change
from maillage.network.services import group_create, meeting_save

from .roles import PASSWORD


class _Form(HTMLParser):
    """Collects fields, labels and headings of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict] = []
        self.labels: set[str] = set()
        self.headings: list[int] = []
        self.lang = None
        self.fieldset_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "fieldset":
            self.fieldset_depth += 1
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.fields.append({**a, "_in_fieldset": self.fieldset_depth > 0})

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.fieldset_depth -= 1


def check_accessible(html: str) -> None:
    page = _Form()
    page.feed(html)
    assert page.lang == "fr"
    for field in page.fields:
        labelled = field.get("id") in page.labels or field.get("aria-label")
        assert labelled or field["_in_fieldset"], field
    assert page.headings and page.headings[0] == 1, page.headings
    for previous, current in zip(page.headings, page.headings[1:], strict=False):
        assert current <= previous + 1, page.headings


@pytest.fixture
def objects(roles, armentieres):
    group = group_create(
        territory=armentieres,
        name="Comité de pilotage (test)",
        kind="instance de coopération",
        user=roles.coordinator,
    )
    start = timezone.make_aware(dt.datetime(2025, 6, 3, 9, 30))
    meeting = meeting_save(
        group=group,
        user=roles.coordinator,
        title="Bilan annuel",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    change = propose_change(
        obj=roles.orgs.structure_a, user=roles.partner_a, fields={"phone": "03 20 99 88 77"}
    )
    return {"group": group, "meeting": meeting, "change": change}


def _pages(roles, objects):
    s = "armentieres"
    return {
        "coordinator": [
            reverse("web:partner-space", args=[s]),
            reverse("web:users", args=[s]),
            reverse("web:groups", args=[s]),
            reverse("web:group", args=[s, objects["group"].pk]),
            reverse("web:meeting", args=[s, objects["meeting"].pk]),
            reverse("web:toolbox", args=[s]),
            reverse("web:pending-change", args=[s, objects["change"].pk]),
            reverse("web:structure-edit", args=[s, roles.orgs.structure_a.pk]),
            reverse("web:history", args=[s, "directory.structure", roles.orgs.structure_a.pk]),
        ],
        "partner_a": [
            reverse("web:partner-space", args=[s]),
            reverse("web:structure-edit", args=[s, roles.orgs.structure_a.pk]),
            reverse("web:service-edit", args=[s, roles.orgs.service.pk]),
            reverse("web:toolbox", args=[s]),
            reverse("web:pending-change", args=[s, objects["change"].pk]),
        ],
        "observer": [
            reverse("web:partner-space", args=[s]),
            reverse("web:groups", args=[s]),
            reverse("web:history", args=[s, "directory.structure", roles.orgs.structure_a.pk]),
        ],
        None: [
            reverse("web:login"),
            reverse("web:password-reset"),
            reverse("web:rgpd"),
            reverse("web:toolbox", args=[s]),
        ],
    }


def test_pages_render_for_each_role_and_are_labelled(roles, objects):
    for role, urls in _pages(roles, objects).items():
        client = Client()
        if role:
            client.force_login(getattr(roles, role))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            check_accessible(response.content.decode())


def test_partner_space_lists_own_structures_and_pending(roles, objects):
    client = Client()
    client.force_login(roles.partner_a)
    body = client.get(reverse("web:partner-space", args=["armentieres"])).content.decode()
    assert roles.orgs.structure_a.name in body
    assert roles.orgs.structure_b.name not in body
    assert reverse("web:pending-change", args=["armentieres", objects["change"].pk]) in body


def test_password_reset_by_e_mail(roles):
    client = Client()
    response = client.post(reverse("web:password-reset"), {"email": roles.observer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = PASSWORD + "-bis"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    roles.observer.refresh_from_db()
    assert roles.observer.check_password(new)


def test_unknown_address_gives_the_same_answer(roles):
    response = Client().post(reverse("web:password-reset"), {"email": "personne@example.org"})
    assert response.status_code == 302 and not mail.outbox


def test_account_page_leads_to_the_territory(roles):
    client = Client()
    client.force_login(roles.partner_a)
    response = client.get(reverse("web:account"))
    assert response.status_code == 302
    assert response.url == reverse("web:partner-space", args=["armentieres"])
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_user(username="admin-x", is_superuser=True)
    client.force_login(admin)
    body = client.get(reverse("web:account")).content.decode()
    assert reverse("web:partner-space", args=["armentieres"]) in body
    client.force_login(roles.outsider)
    assert "aucun territoire" in client.get(reverse("web:account")).content.decode()


def test_only_a_site_administrator_finds_territory_creation_on_the_account_page(roles):
    from django.contrib.auth import get_user_model

    create = reverse("web:territory-create")
    client = Client()
    client.force_login(roles.outsider)
    assert create not in client.get(reverse("web:account")).content.decode()
    staff = get_user_model().objects.create_user(username="equipe-x", is_staff=True)
    client.force_login(staff)
    body = client.get(reverse("web:account")).content.decode()
    assert f'href="{create}"' in body and "Créer un territoire" in body
