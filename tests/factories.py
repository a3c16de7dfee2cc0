"""factory-boy factories for unit tests: users with a real role, territories, places.

Every value is *exemple fictif*: names say so, e-mails are on ``example.org``, codes start with
``FIC`` or ``999`` (no real commune, IRIS or QPV has them). Structures and services go through
the directory services (``structure_create`` / ``service_create``), so their derived data
(Lambert-93 position, zones, search text, data version) come from the one writer the code uses.

Roles are real :class:`~maillage.accounts.models.Membership` rows — never ``is_staff``::

    chargee = coordinator(territory)            # or UserFactory(role="coordinator", territory=…)
    redacteur = partner(territory, organisation)
    caf = observer(territory)
"""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from maillage.accounts.models import Membership, Role
from maillage.directory.models import Organisation, Service, Structure
from maillage.territory.models import Commune, Territory, Zone

# Passes Django's validators (length, not common, not numeric); tests log in with it.
PASSWORD = "Tilleul-Ecluse-47-Brique"
FICTIF = "exemple fictif"


# --------------------------------------------------------------------------- territory


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee_code",)

    insee_code = factory.Sequence(lambda n: f"999{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Commune fictive n° {n} ({FICTIF})")
    population = None
    population_source = FICTIF


class TerritoryFactory(DjangoModelFactory):
    """A CTG perimeter; ``communes=[…]`` links communes (none by default)."""

    class Meta:
        model = Territory
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"territoire-fictif-{n}")
    name = factory.Sequence(lambda n: f"Territoire fictif n° {n} ({FICTIF})")
    period_start = 2023
    period_end = 2026
    description = f"Territoire de test ({FICTIF})."

    @factory.post_generation
    def communes(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.communes.add(*extracted)


class ZoneFactory(DjangoModelFactory):
    class Meta:
        model = Zone

    kind = Zone.Kind.IRIS
    code = factory.Sequence(lambda n: f"FIC{n:06d}")
    name = factory.Sequence(lambda n: f"Zone fictive n° {n} ({FICTIF})")
    commune = factory.SubFactory(CommuneFactory)
    boundary = None


# --------------------------------------------------------------------------- accounts


class UserFactory(DjangoModelFactory):
    """A user; ``role="coordinator"|"partner"|"observer"`` with ``territory=`` (and
    ``organisation=`` for a partner) gives them that role through a :class:`Membership`."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne-{n}@example.org")
    email = factory.LazyAttribute(lambda u: u.username)
    # No name by default, as ``create_user``: pages then show the e-mail (tests look for it).
    first_name = ""
    last_name = ""
    password = factory.django.Password(PASSWORD)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        role = kwargs.pop("role", None)
        territory = kwargs.pop("territory", None)
        organisation = kwargs.pop("organisation", None)
        user = super()._create(model_class, *args, **kwargs)
        if role:
            MembershipFactory(user=user, territory=territory, role=role, organisation=organisation)
        return user


class MembershipFactory(DjangoModelFactory):
    """A role on a territory, written as an existing state (no history record, no check of who
    grants it: tests of granting roles call ``accounts.services.membership_set``)."""

    class Meta:
        model = Membership
        django_get_or_create = ("user", "territory")

    user = factory.SubFactory(UserFactory)
    territory = factory.SubFactory(TerritoryFactory)
    role = Role.COORDINATOR
    organisation = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("role") == Role.PARTNER and kwargs.get("organisation") is None:
            kwargs["organisation"] = OrganisationFactory()
        if kwargs.get("role") != Role.PARTNER:
            kwargs["organisation"] = None
        membership = super()._create(model_class, *args, **kwargs)
        from maillage.accounts.permissions import forget_memberships

        forget_memberships(membership.user)
        return membership


def coordinator(territory: Territory, **kwargs):
    """A user coordinating ``territory`` (chargé de coopération), by a real membership."""
    return UserFactory(role=Role.COORDINATOR, territory=territory, **kwargs)


def partner(territory: Territory, organisation: Organisation | None = None, **kwargs):
    """A partner editor of ``organisation`` (a new fictive one by default) on ``territory``."""
    return UserFactory(
        role=Role.PARTNER,
        territory=territory,
        organisation=organisation or OrganisationFactory(),
        **kwargs,
    )


def observer(territory: Territory, **kwargs):
    return UserFactory(role=Role.OBSERVER, territory=territory, **kwargs)


# --------------------------------------------------------------------------- directory


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"organisation-fictive-{n}")
    name = factory.Sequence(lambda n: f"Association fictive n° {n} ({FICTIF})")
    kind = Organisation.Kind.ASSOCIATION
    source = FICTIF


class StructureFactory(DjangoModelFactory):
    """A structure created by ``directory.services.structure_create`` (``typology`` as a code,
    ``commune`` as an INSEE code; ``lon``/``lat`` give a position, zones follow)."""

    class Meta:
        model = Structure

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Lieu fictif n° {n}")
    source_label = FICTIF

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from maillage.directory.services import structure_create

        territory = kwargs.pop("territory")
        name = kwargs.pop("name")
        for key, value in list(kwargs.items()):
            if isinstance(value, Commune):
                kwargs[key] = value.insee_code
            elif key == "typology" and hasattr(value, "code"):
                kwargs[key] = value.code
        return structure_create(territory=territory, name=name, **kwargs)


class ServiceFactory(DjangoModelFactory):
    """A service created by ``directory.services.service_create``."""

    class Meta:
        model = Service

    structure = factory.SubFactory(StructureFactory)
    name = factory.Sequence(lambda n: f"Service fictif n° {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from maillage.directory.services import service_create

        return service_create(**kwargs)
