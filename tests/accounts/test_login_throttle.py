"""One throttled login for every password path (issue 12 item 5, issue 16): /connexion/ and
/admin/login/ share the same counters, kept in the database (shared by all server processes),
keyed on the account and on the address; a lock expires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse

from maillage.accounts import ratelimit
from maillage.accounts.models import LoginAttempt

from .roles import PASSWORD, make_user

IP = "192.0.2.20"
THROTTLED = "Trop de tentatives"


def _connexion(client: Client, username: str, password: str, ip: str = IP):
    return client.post(
        reverse("web:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _admin(client: Client, username: str, password: str, ip: str = IP):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def staff(armentieres):
    """A coordinator who is staff, so the admin would let them in (*exemple fictif*)."""
    return make_user(
        armentieres, "coordinator", email="coordinatrice-staff@example.org", is_staff=True
    )


def test_a_lock_from_connexion_holds_on_the_admin_login(staff):
    for _ in range(ratelimit.MAX_FAILURES):
        assert "incorrect" in _connexion(Client(), staff.username, "faux").content.decode()
    client = Client()
    response = _admin(client, staff.username, PASSWORD)
    assert response.status_code == 200  # the form again, not the redirect into the admin
    assert THROTTLED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lock_from_the_admin_login_holds_on_connexion(staff):
    for _ in range(ratelimit.MAX_FAILURES):
        response = _admin(Client(), staff.username, "faux")
        assert response.status_code == 200
        assert THROTTLED not in response.content.decode()
    client = Client()
    response = _connexion(client, staff.username, PASSWORD)
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_still_lets_staff_in_with_the_right_password(staff):
    client = Client()
    response = _admin(client, staff.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_every_password_path_goes_through_the_throttle(staff):
    """Any code calling ``django.contrib.auth.authenticate`` (an API password path, a future
    form) meets the same limit, since the throttle lives in the authentication backend."""
    request = RequestFactory().post("/", REMOTE_ADDR=IP)
    for _ in range(ratelimit.MAX_FAILURES):
        assert authenticate(request, username=staff.username, password="faux") is None
    assert authenticate(request, username=staff.username, password=PASSWORD) is None
    assert LoginAttempt.objects.filter(username=staff.username).count() == ratelimit.MAX_FAILURES


def test_the_account_is_one_key_whether_typed_by_email_or_in_capitals(armentieres):
    user = make_user(armentieres, "observer", email="Observateur.Casse@example.org")
    typed = ["OBSERVATEUR.CASSE@EXAMPLE.ORG", "observateur.casse@example.org"]
    for i in range(ratelimit.MAX_FAILURES):
        _connexion(Client(), typed[i % 2], "faux")
    assert THROTTLED in _connexion(Client(), user.username, PASSWORD).content.decode()


def test_the_account_is_locked_from_every_address_after_a_distributed_attack(armentieres):
    user = make_user(armentieres, "observer", email="cible@example.org")
    per_address = ratelimit.MAX_FAILURES - 1  # never enough to lock one address
    n = 0
    while n < ratelimit.MAX_FAILURES_ACCOUNT:
        ip = f"198.51.100.{n // per_address + 1}"
        _connexion(Client(), user.username, "faux", ip=ip)
        n += 1
    fresh_address = "203.0.113.99"
    response = _connexion(Client(), user.username, PASSWORD, ip=fresh_address)
    assert THROTTLED in response.content.decode()


def test_one_address_spraying_many_accounts_is_locked(armentieres):
    users = [make_user(armentieres, "observer", email=f"spray{i}@example.org") for i in range(5)]
    tries = 0
    for user in users:  # a few tries per account, under the per-account limit
        for _ in range(ratelimit.MAX_FAILURES - 1):
            if tries < ratelimit.MAX_FAILURES_ADDRESS:
                _connexion(Client(), user.username, "faux")
                tries += 1
    assert tries == ratelimit.MAX_FAILURES_ADDRESS
    # A sixth account, never tried, is refused from that address even with its password ...
    other = make_user(armentieres, "observer", email="spray-autre@example.org")
    assert THROTTLED in _connexion(Client(), other.username, PASSWORD).content.decode()
    # ... and accepted from another one.
    assert _connexion(Client(), other.username, PASSWORD, ip="203.0.113.5").status_code == 302


def test_a_lock_expires_after_the_window(staff):
    for _ in range(ratelimit.MAX_FAILURES):
        _connexion(Client(), staff.username, "faux")
    assert THROTTLED in _connexion(Client(), staff.username, PASSWORD).content.decode()
    past = LoginAttempt.objects.all()[0].created_at - timedelta(
        minutes=ratelimit.WINDOW_MINUTES, seconds=1
    )
    LoginAttempt.objects.update(created_at=past)
    client = Client()
    assert _admin(client, staff.username, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_a_refused_attempt_while_locked_does_not_extend_the_lock(staff):
    for _ in range(ratelimit.MAX_FAILURES):
        _connexion(Client(), staff.username, "faux")
    for _ in range(3):
        _connexion(Client(), staff.username, "faux")
    assert LoginAttempt.objects.count() == ratelimit.MAX_FAILURES


def test_a_password_reset_lifts_the_lock_as_the_message_promises(staff):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    for _ in range(ratelimit.MAX_FAILURES):
        _connexion(Client(), staff.username, "faux")
    locked = _connexion(Client(), staff.username, PASSWORD).content.decode()
    assert "réinitialisez votre mot de passe" in locked
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(staff.pk))
    url = reverse(
        "web:password-reset-confirm", args=[uid, default_token_generator.make_token(staff)]
    )
    form_url = client.get(url).url  # Django moves the token to the session, then redirects
    new = "Nouveau-Tilleul-58-Brique"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302, done.content.decode()[:500]
    assert _connexion(Client(), staff.username, new).status_code == 302
