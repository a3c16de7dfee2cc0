"""Links that leave the page (campaign and invitation e-mails, printed sheets, QR codes) carry
the configured public address ``MAILLAGE_SITE_URL``, not the host the server sees."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from maillage.cli import main
from maillage.web.site_url import absolute_url

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "Zq9#fL2@xV7!pR4$wN8^mT1&bH5*cJ3("


def test_absolute_url_prefers_the_configured_site_to_the_request_host(settings):
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
    settings.SITE_URL = "https://ctg.example.org"
    assert (
        absolute_url("/campagne/abc/", request=request) == "https://ctg.example.org/campagne/abc/"
    )
    settings.SITE_URL = ""
    assert absolute_url("/campagne/abc/", request=request) == "http://127.0.0.1:8000/campagne/abc/"
    with pytest.raises(ImproperlyConfigured):
        absolute_url("/campagne/abc/")
    with pytest.raises(ValueError):
        absolute_url("//evil.example/x", request=request)


def test_cli_invitation_link_uses_the_site_url(armentieres, settings):
    settings.SITE_URL = "https://ctg.example.org"
    result = CliRunner().invoke(
        main,
        ["users", "create", "--email", "obs@example.org", "--role", "observer"]
        + ["--territory", "armentieres"],
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"https://ctg\.example\.org/invitation/\S+/", result.output)


def _check(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_")}
    clean.update(
        MAILLAGE_ENV="production",
        MAILLAGE_SECRET_KEY=GOOD_KEY,
        MAILLAGE_ALLOWED_HOSTS="ctg.example.org",
        MAILLAGE_VAR_DIR=os.environ.get("MAILLAGE_VAR_DIR", "var"),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "maillage.manage", "check"],
        capture_output=True,
        text=True,
        env=clean,
        cwd=ROOT,
        timeout=120,
    )


def test_production_check_warns_when_the_site_url_is_unset():
    unset = _check()
    assert "maillage.W001" in unset.stdout + unset.stderr
    assert "MAILLAGE_SITE_URL" in unset.stdout + unset.stderr
    configured = _check(MAILLAGE_SITE_URL="https://ctg.example.org")
    assert configured.returncode == 0
    assert "maillage.W001" not in configured.stdout + configured.stderr


@pytest.mark.parametrize("value", ["ctg.example.org", "ftp://ctg.example.org", "https://x.org/a"])
def test_a_malformed_site_url_is_refused_at_start_in_french(value):
    result = _check(MAILLAGE_SITE_URL=value)
    assert result.returncode != 0
    assert "MAILLAGE_SITE_URL doit être une adresse" in result.stderr


def test_the_users_page_invitation_link_uses_the_site_url(armentieres, roles, settings):
    from django.core import mail
    from django.test import Client
    from django.urls import reverse

    settings.SITE_URL = "https://ctg.example.org"
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(roles.coordinator)
    url = reverse("web:users", args=[armentieres.slug])
    response = client.post(url, {"email": "nouvelle@example.org", "role": "observer"})
    assert response.status_code in (200, 302)
    body = next(m.body for m in mail.outbox if "nouvelle@example.org" in m.to)
    assert "https://ctg.example.org/invitation/" in body and "127.0.0.1" not in body


def test_the_space_home_leads_the_coordinator_to_the_campaigns_and_not_a_partner(
    armentieres, roles
):
    from django.test import Client
    from django.urls import reverse

    space = reverse("web:partner-space", args=[armentieres.slug])
    campaigns = reverse("web:campaigns", args=[armentieres.slug])
    coordinator, partner = Client(), Client()
    coordinator.force_login(roles.coordinator)
    partner.force_login(roles.partner_a)
    assert f'href="{campaigns}"' in coordinator.get(space).content.decode()
    assert f'href="{campaigns}"' not in partner.get(space).content.decode()
