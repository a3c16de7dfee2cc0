"""Helpers shared by the accounts and network tests: users with a role on a territory."""

from __future__ import annotations

import hashlib
import re
from types import SimpleNamespace

from factories import PASSWORD as PASSWORD  # re-exported: tests log in with it
from factories import TerritoryFactory, UserFactory


def make_user(territory, role=None, organisation=None, email=None, **extra):
    """A user with ``role`` (coordinator, partner, observer or None) on ``territory``: a real
    membership (``tests/factories.py``), never a Django flag."""
    email = email or f"{role or 'public'}-{organisation.slug if organisation else 'x'}@example.org"
    return UserFactory(
        username=email,
        email=email,
        password=PASSWORD,
        role=role,
        territory=territory,
        organisation=organisation,
        **extra,
    )


def organisations(territory):
    """Two real organisations of the dataset: ``a`` runs a published service, ``b`` another."""
    from maillage.directory.models import Organisation, Service, Structure

    service = (
        Service.objects.filter(
            structure__territory=territory,
            published=True,
            structure__published=True,
            structure__organisation__isnull=False,
        )
        .select_related("structure__organisation")
        .order_by("pk")
        .first()
    )
    org_a = service.structure.organisation
    org_b = (
        Organisation.objects.filter(structures__territory=territory)
        .exclude(pk=org_a.pk)
        .distinct()
        .order_by("pk")
        .first()
    )
    return SimpleNamespace(
        a=org_a,
        b=org_b,
        service=service,
        structure_a=service.structure,
        structure_b=Structure.objects.filter(territory=territory, organisation=org_b)
        .order_by("pk")
        .first(),
    )


def people(territory):
    orgs = organisations(territory)
    return SimpleNamespace(
        orgs=orgs,
        coordinator=make_user(territory, "coordinator"),
        partner_a=make_user(territory, "partner", orgs.a),
        partner_b=make_user(territory, "partner", orgs.b),
        observer=make_user(territory, "observer"),
        outsider=make_user(territory, None),
    )


# --------------------------------------------------------------------------- no-write checks

WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)
# Bookkeeping a refused request may write: the session, the login-failure log, and the
# last-use date of a valid API token (the token is right, the role is not).
BOOKKEEPING_TABLES = ("django_session", "accounts_loginattempt", "accounts_apitoken")


def fingerprint() -> str:
    """A digest of every row of every Maillage model and of the accounts tables (territory
    tables by count; users without their last login; tokens without their last use)."""
    from django.apps import apps

    h = hashlib.sha256()
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in ("sessions", "admin", "contenttypes"):
            continue
        if label == "accounts.LoginAttempt":
            continue
        if not (model.__module__.startswith("maillage.") or model._meta.app_label == "auth"):
            continue
        manager = model._default_manager.order_by("pk")
        if label.startswith("territory."):
            h.update(f"{label}:{manager.count()}".encode())
            continue
        if label == "auth.User":
            rows = manager.values_list(
                "pk", "password", "is_active", "is_staff", "is_superuser", "email"
            )
        elif label == "accounts.ApiToken":
            rows = manager.values_list("pk", "user_id", "token_hash", "revoked_at")
        else:
            rows = manager.values_list()
        h.update(label.encode())
        h.update(repr(list(rows)).encode())
    return h.hexdigest()


def sql_writes(queries, allowed=BOOKKEEPING_TABLES) -> list[str]:
    """SQL writes captured by ``CaptureQueriesContext``, except the bookkeeping tables."""
    return [
        q["sql"][:160]
        for q in queries.captured_queries
        if WRITE_SQL.match(q["sql"]) and not any(t in q["sql"] for t in allowed)
    ]


# --------------------------------------------------------------------------- API callers


def bearer(user, name="tests"):
    """The ``Authorization`` header of a new API token of ``user``."""
    from maillage.accounts.services import api_token_create

    _, secret = api_token_create(user=user, name=name)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def other_territory():
    """A second territory (exemple fictif: no commune, no data), for cross-territory checks."""
    return TerritoryFactory(slug="autre-territoire", name="Autre territoire (exemple fictif)")
