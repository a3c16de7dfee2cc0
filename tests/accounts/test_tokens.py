"""Revoking API tokens without the Django admin: ``maillage users token --revoke`` and the
« Mes jetons » page (each user sees and revokes only their own tokens)."""

from __future__ import annotations

import re

from click.testing import CliRunner
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import ApiToken
from maillage.accounts.services import api_token_create
from maillage.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _me(client: Client, secret: str):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")


# --------------------------------------------------------------------------- CLI


def test_cli_revoke_by_name_then_the_token_gets_401(roles):
    _, secret = api_token_create(user=roles.partner_a, name="import nocturne")
    kept, kept_secret = api_token_create(user=roles.partner_a, name="tableau de bord")
    assert _me(Client(), secret).status_code == 200
    result = _run("users", "token", "--email", roles.partner_a.email, "--revoke", "import nocturne")
    assert result.exit_code == 0, result.output
    assert "Jeton « import nocturne »" in result.output and "révoqué" in result.output
    assert _me(Client(), secret).status_code == 401
    assert _me(Client(), kept_secret).status_code == 200  # the other token still works


def test_cli_revoke_by_prefix(roles):
    token, secret = api_token_create(user=roles.partner_a, name="script")
    result = _run("users", "token", "--email", roles.partner_a.email, "--revoke", token.prefix)
    assert result.exit_code == 0, result.output
    assert _me(Client(), secret).status_code == 401


def test_cli_revoke_refuses_an_ambiguous_or_unknown_reference_and_revokes_nothing(roles):
    api_token_create(user=roles.partner_a, name="script")
    api_token_create(user=roles.partner_a, name="script")
    result = _run("users", "token", "--email", roles.partner_a.email, "--revoke", "script")
    assert result.exit_code != 0
    assert "2 jetons" in result.output
    result = _run("users", "token", "--email", roles.partner_a.email, "--revoke", "inconnu")
    assert result.exit_code != 0 and "Aucun jeton actif" in result.output
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_cli_revoke_never_touches_another_account_s_token(roles):
    _, secret = api_token_create(user=roles.partner_b, name="script b")
    result = _run("users", "token", "--email", roles.partner_a.email, "--revoke", "script b")
    assert result.exit_code != 0
    assert _me(Client(), secret).status_code == 200


def test_cli_list_shows_creation_and_last_use(roles):
    _, secret = api_token_create(user=roles.partner_a, name="script")
    _me(Client(), secret)
    result = _run("users", "token", "--email", roles.partner_a.email, "--list")
    assert result.exit_code == 0, result.output
    assert "script" in result.output and secret[:8] in result.output
    assert secret not in result.output  # never the secret itself


def test_cli_create_still_needs_a_name(roles):
    result = _run("users", "token", "--email", roles.partner_a.email)
    assert result.exit_code != 0 and "--name" in result.output


def test_users_create_prints_the_french_role_label(armentieres):
    result = _run(
        "users",
        "create",
        "--email",
        "nouvelle-coordination@example.org",
        "--role",
        "coordinator",
        "--territory",
        "armentieres",
    )
    assert result.exit_code == 0, result.output
    assert "chargé de coopération sur armentieres" in result.output
    assert "coordinator" not in result.output


# --------------------------------------------------------------------------- « Mes jetons »


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_tokens_page_lists_only_the_user_s_own_tokens(roles):
    api_token_create(user=roles.partner_a, name="jeton de A")
    api_token_create(user=roles.partner_b, name="jeton de B")
    response = _client(roles.partner_a).get(reverse("web:tokens"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "jeton de A" in body and "jeton de B" not in body
    assert "Révoquer" in body


def test_tokens_page_needs_a_login(roles):
    response = Client().get(reverse("web:tokens"))
    assert response.status_code == 302 and "/connexion/" in response.url


def test_revoke_from_the_page_asks_confirmation_then_the_token_gets_401(roles):
    token, secret = api_token_create(user=roles.partner_a, name="script")
    client = _client(roles.partner_a)
    url = reverse("web:token-revoke", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "script" in confirm.content.decode()
    assert _me(Client(), secret).status_code == 200  # a GET revokes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert _me(Client(), secret).status_code == 401
    page = client.get(reverse("web:tokens")).content.decode()
    assert "révoqué le" in page


def test_one_user_cannot_revoke_another_s_token(roles):
    token, secret = api_token_create(user=roles.partner_b, name="script b")
    attacker = _client(roles.partner_a)
    url = reverse("web:token-revoke", args=[token.pk])
    assert attacker.get(url).status_code == 404
    assert attacker.post(url).status_code == 404
    assert _me(Client(), secret).status_code == 200
    # Even the territory's coordinator cannot revoke a partner's token from this page.
    assert _client(roles.coordinator).post(url).status_code == 404
    assert _me(Client(), secret).status_code == 200


def test_revoke_needs_the_csrf_token(roles):
    token, secret = api_token_create(user=roles.partner_a, name="script")
    client = Client(enforce_csrf_checks=True)
    client.force_login(roles.partner_a)
    assert client.post(reverse("web:token-revoke", args=[token.pk])).status_code == 403
    assert _me(Client(), secret).status_code == 200


def test_create_from_the_page_shows_the_secret_once(roles):
    client = _client(roles.partner_a)
    response = client.post(reverse("web:tokens"), {"name": "tableur"})
    assert response.status_code == 200
    match = re.search(r"mlg_[A-Za-z0-9_-]{20,}", response.content.decode())
    assert match, "le jeton créé est affiché"
    assert _me(Client(), match.group(0)).status_code == 200
    assert response.headers["Cache-Control"].startswith("max-age=0")
    assert match.group(0) not in client.get(reverse("web:tokens")).content.decode()


def test_create_from_the_page_without_a_name_is_refused_in_french(roles):
    response = _client(roles.partner_a).post(reverse("web:tokens"), {"name": "  "})
    assert response.status_code == 400
    assert "Donnez un nom au jeton" in response.content.decode()
    assert not ApiToken.objects.filter(user=roles.partner_a).exists()


def test_the_account_menu_links_to_the_tokens_page(roles):
    response = _client(roles.partner_a).get(reverse("web:partner-space", args=["armentieres"]))
    assert reverse("web:tokens") in response.content.decode()
