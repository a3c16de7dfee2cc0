"""Shared fixtures: the test database is created once with the embedded Armentières dataset.

Each test runs in a transaction rolled back at its end, so tests may change or delete data.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real Armentières dataset once into the test database."""
    from maillage.territory.loader import load_dataset

    with django_db_blocker.unblock():
        load_dataset("armentieres")


@pytest.fixture
def armentieres(db):
    from maillage.territory.models import Territory

    return Territory.objects.get(slug="armentieres")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached computations must not leak from one (rolled-back) test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
