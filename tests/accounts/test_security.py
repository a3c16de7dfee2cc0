"""Security, tested: login rate limit, no object reachable by guessing its id (IDOR), user text
escaped everywhere, production cookie flags, safe redirects after login."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.urls import reverse

from maillage.accounts.models import PendingChange
from maillage.accounts.ratelimit import MAX_FAILURES
from maillage.accounts.services import propose_change

from .roles import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]


def _login(client: Client, username: str, password: str, ip: str = "192.0.2.10"):
    return client.post(
        reverse("web:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_is_rate_limited_per_ip_and_user_name(armentieres):
    user = make_user(armentieres, "observer", email="observatrice@example.org")
    client = Client()
    for _ in range(MAX_FAILURES):
        response = _login(client, user.username, "mauvais-mot-de-passe")
        assert response.status_code == 200
        assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    # Even the right password is refused now, with a French message.
    blocked = _login(client, user.username, PASSWORD)
    assert blocked.status_code == 200
    assert "Trop de tentatives" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not blocked.
    assert _login(Client(), user.username, PASSWORD, ip="198.51.100.7").status_code == 302


def test_login_redirect_never_leaves_the_site(armentieres):
    make_user(armentieres, "observer", email="obs2@example.org")
    response = Client().post(
        reverse("web:login") + "?next=https://evil.example.com/",
        {"username": "obs2@example.org", "password": PASSWORD, "next": "https://evil.example.com/"},
    )
    assert response.status_code == 302
    assert not response.url.startswith("https://evil.example.com")


def test_partner_cannot_reach_another_organisation_s_objects_by_id(roles):
    orgs = roles.orgs
    change = propose_change(
        obj=orgs.structure_a, user=roles.partner_a, fields={"phone": "03 20 11 22 33"}
    )
    b = Client()
    b.force_login(roles.partner_b)
    urls = {
        reverse("web:pending-change", args=["armentieres", change.pk]): 404,
        reverse("web:structure-edit", args=["armentieres", orgs.structure_a.pk]): 403,
        reverse("web:service-edit", args=["armentieres", orgs.service.pk]): 403,
        reverse(
            "web:history", args=["armentieres", "directory.structure", orgs.structure_a.pk]
        ): 403,
    }
    for url, expected in urls.items():
        assert b.get(url).status_code == expected, url
    # The author and the coordinator see the proposal.
    a = Client()
    a.force_login(roles.partner_a)
    assert a.get(reverse("web:pending-change", args=["armentieres", change.pk])).status_code == 200
    # Objects of another territory are not reachable through this territory's URLs.
    from maillage.territory.models import Territory

    Territory.objects.create(slug="autre", name="Autre", period_start=2023, period_end=2026)
    c = Client()
    c.force_login(roles.coordinator)
    other = reverse("web:pending-change", args=["autre", change.pk])
    assert c.get(other).status_code in (403, 404)


def test_history_of_an_unknown_or_non_maillage_type_is_404(roles):
    client = Client()
    client.force_login(roles.coordinator)
    for label in ("auth.user", "sessions.session", "directory.inexistant", "nimporte"):
        url = reverse("web:history", args=["armentieres", label, "1"])
        assert client.get(url).status_code == 404, label


def test_stored_script_is_escaped_on_every_page(roles):
    script = "<script>alert('xss')</script>"
    propose_change(obj=roles.orgs.structure_a, user=roles.partner_a, fields={"description": script})
    change = PendingChange.objects.get(object_id=str(roles.orgs.structure_a.pk))
    from maillage.network.services import group_create

    group = group_create(
        territory=roles.orgs.structure_a.territory,
        name=f"Groupe {script}",
        kind="groupe de travail",
        user=roles.coordinator,
    )
    client = Client()
    client.force_login(roles.coordinator)
    pages = [
        reverse("web:pending-change", args=["armentieres", change.pk]),
        reverse("web:partner-space", args=["armentieres"]),
        reverse("web:groups", args=["armentieres"]),
        reverse("web:group", args=["armentieres", group.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert script not in body, url
    body = client.get(pages[0]).content.decode()
    assert "&lt;script&gt;" in body


def _production_settings(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_")}
    env.update(
        MAILLAGE_ENV="production",
        MAILLAGE_SECRET_KEY="k" * 20 + "Zq9#fL2@xV7!pR4$wN8^mT1&bH5*cJ3(",
        MAILLAGE_ALLOWED_HOSTS="ctg.example.org",
        MAILLAGE_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="maillage.settings",
    )
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.X_FRAME_OPTIONS,"
        " s.SECURE_CONTENT_TYPE_NOSNIFF, s.DEBUG)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_production_cookies_and_headers_are_strict(tmp_path):
    flags = _production_settings(tmp_path)
    assert flags == ["True", "True", "True", "True", "True", "DENY", "True", "False"]


def test_session_cookie_is_httponly_and_samesite(armentieres):
    make_user(armentieres, "observer", email="obs3@example.org")
    client = Client()
    response = _login(client, "obs3@example.org", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
