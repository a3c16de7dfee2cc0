"""Helpers shared by the accounts and network tests: users with a role on a territory."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth import get_user_model

# A password that passes Django's validators (length, not common, not numeric).
PASSWORD = "Tilleul-Ecluse-47-Brique"


def make_user(territory, role=None, organisation=None, email=None, **extra):
    """A user with ``role`` (coordinator, partner, observer or None) on ``territory``."""
    from maillage.accounts.services import membership_set

    email = email or f"{role or 'public'}-{organisation.slug if organisation else 'x'}@example.org"
    user = get_user_model().objects.create_user(
        username=email, email=email, password=PASSWORD, **extra
    )
    if role:
        membership_set(user=user, territory=territory, role=role, organisation=organisation)
    return user


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
