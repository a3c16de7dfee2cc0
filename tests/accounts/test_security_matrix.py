"""Security matrix: every URL of the site (found by walking the URL resolver, so new write views
are covered automatically) × every role without the right to write there.

A POST by an unauthorised role must answer 302-to-login, 403, 404 or 405 — or, for a read page
that treats POST like GET, what its GET answers — and must issue no SQL write (INSERT, UPDATE,
DELETE) besides the session and the login-failure log; a digest of every table
(``roles.fingerprint``) is also compared at the end. Every POST without a CSRF token is
refused. The dataset's real objects are used as targets.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .roles import fingerprint, make_user, organisations, sql_writes

# Views where an anonymous POST is the normal use (they write no CTG data).
PUBLIC_POST = {"web:login", "web:logout", "web:password-reset", "web:password-reset-confirm"}
# Asking for a public document (bilan, diagnostic, printed guide: public pages) prepared in the
# background writes only its job row, no CTG data (tests/jobs: who may fetch the result).
PUBLIC_POST |= {"web:job-bilan", "web:job-diagnostic", "web:job-guide"}
# Residents' reports, proposed places and consultation answers: anonymous by design, kept for
# the coordinator, nothing public changes (tests/contributions).
PUBLIC_POST |= {"web:report-error", "web:propose-place", "web:consultation-answer"}
# Views whose POST is allowed to every partner of the territory (not organisation-bound): a
# partner may declare a new place for their own organisation (a draft, see creates_drafts).
PARTNER_POST = {
    "web:toolbox",
    "web:plan-activity-new",
    "web:plan-journal-import",
    "web:structure-new",
    # A communication support recorded in the journal: a new journal activity, as
    # plan-activity-new (tests/usage/test_supports_journal.py).
    "web:usage-support-journal",
}
# Views where any logged-in user writes to their own account only (their own API tokens;
# another user's token is not found: see tests/accounts/test_tokens.py).
SELF_SERVICE_POST = {"web:tokens"}
# Site administrators only (``is_staff`` or superuser): « Créer un territoire » and its builds
# (tests/jobs/test_territory_build_job.py); every role of the matrix is refused.
SITE_ADMIN = {"web:territory-create", "web:territory-job", "web:territory-job-status"}
SITE_ADMIN |= {"web:territory-job-file"}
# Bookkeeping a refused web POST may write (no API token is used on the web pages).
WEB_BOOKKEEPING = ("django_session", "accounts_loginattempt")


def _walk(resolver, prefix="", namespace=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", prefix + str(p.pattern)


# Downloads (``.pdf``, ``.svg``, ``.geojson``, ``.<fmt>``…) are renderings of read selectors,
# some slow (PDF); they are left out of the POST matrix (the CSRF test still covers them).
DOWNLOAD = re.compile(r"\.(?:\w+|<[^>]+>)$")


def web_patterns(*, downloads: bool = True) -> list[tuple[str, str]]:
    found = {(n, r) for n, r in _walk(get_resolver()) if n.startswith("web:")}
    return sorted((n, r) for n, r in found if downloads or not DOWNLOAD.search(r))


def _targets(territory):
    """Real objects to aim at: those of organisation A (the victim)."""
    orgs = organisations(territory)
    return orgs, {
        "slug": territory.slug,
        "content_type": "directory.structure",
        "object_id": str(orgs.structure_a.pk),
        "token": "jeton-invalide",
        "uidb64": "MQ",
        "job_id": "00000000-0000-4000-8000-000000000000",  # a document that does not exist
        "kind": "telephone",  # the audience beacon of a fiche's phone link (GET only)
    }


def _url(name: str, route: str, kwargs: dict, pk: int) -> str:
    wanted = re.findall(r"<(?:\w+:)?(\w+)>", route)
    values = {k: (pk if k == "pk" else kwargs.get(k, "1")) for k in wanted}
    return reverse(name, kwargs=values)


# Service views whose ``pk`` is the structure (« add a service to this structure »).
SERVICE_OF_STRUCTURE = {"web:service-new"}


def _pk_for(name: str, orgs) -> int:
    """The id of an organisation-A object matching the view (structure by default)."""
    if "service" in name and name not in SERVICE_OF_STRUCTURE:
        return orgs.service.pk
    return orgs.structure_a.pk


ROLES = ["anonymous", "observer", "partner_b", "outsider"]


@pytest.mark.parametrize("role", ROLES)
def test_unauthorised_posts_are_refused_and_change_nothing(armentieres, role):
    orgs, kwargs = _targets(armentieres)
    client = Client()
    if role == "observer":
        client.force_login(make_user(armentieres, "observer"))
    elif role == "partner_b":
        client.force_login(make_user(armentieres, "partner", orgs.b))
    elif role == "outsider":
        client.force_login(make_user(armentieres, None))
    checked = []
    before = fingerprint()
    for name, route in web_patterns(downloads=False):
        if name in PUBLIC_POST or (name in PARTNER_POST and role == "partner_b"):
            continue
        if name in SELF_SERVICE_POST and role != "anonymous":
            continue
        url = _url(name, route, kwargs, _pk_for(name, orgs))
        data = {"name": "x", "description": "<script>alert(1)</script>", "decision": "validate"}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        writes = sql_writes(queries, allowed=WEB_BOOKKEEPING)
        assert not writes, (role, name, writes)
        status = response.status_code
        if status == 302:
            assert response.url.startswith(reverse("web:login")), (role, name, response.url)
            assert role == "anonymous", (role, name)
        else:
            assert status in (200, 400, 403, 404, 405), (role, name, status)
        if status in (200, 400):
            # Only a read page may process a POST: it answers the GET the same way.
            assert client.get(url).status_code == status, (role, name, status)
        checked.append(name)
    assert fingerprint() == before
    assert "web:structure-edit" in checked and "web:pending-change" in checked


def test_every_post_without_csrf_token_is_refused(armentieres):
    orgs, kwargs = _targets(armentieres)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(armentieres, "coordinator"))
    before = fingerprint()
    for name, route in web_patterns():
        url = _url(name, route, kwargs, _pk_for(name, orgs))
        response = client.post(url, {"name": "x", "decision": "validate"})
        assert response.status_code == 403, (name, response.status_code)
    assert fingerprint() == before


def test_coordinator_is_allowed_where_partners_are_refused(armentieres):
    """The matrix is not vacuous: the same write views work for the right role."""
    orgs, _ = _targets(armentieres)
    coordinator = Client()
    coordinator.force_login(make_user(armentieres, "coordinator"))
    partner_a = Client()
    partner_a.force_login(make_user(armentieres, "partner", orgs.a))
    url = reverse("web:structure-confirm", args=["armentieres", orgs.structure_a.pk])
    assert coordinator.post(url).status_code == 302
    assert partner_a.post(url).status_code == 302
    from maillage.network.models import StructureCheck

    assert StructureCheck.objects.filter(structure=orgs.structure_a).count() == 2


@pytest.mark.parametrize("name", sorted(SITE_ADMIN))
def test_site_administrator_pages_refuse_every_territory_role(armentieres, name):
    _, kwargs = _targets(armentieres)
    url = _url(name, dict(web_patterns())[name], kwargs, 1)
    answer = Client().get(url)
    assert answer.status_code == 302 and answer.url.startswith(reverse("web:login"))
    coordinator = Client()
    coordinator.force_login(make_user(armentieres, "coordinator"))
    assert coordinator.get(url).status_code == 403
    staff = Client()
    staff.force_login(make_user(armentieres, None, is_staff=True))
    assert staff.get(url).status_code == (200 if name == "web:territory-create" else 404)
