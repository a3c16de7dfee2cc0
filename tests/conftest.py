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

    from maillage.directory import search_index

    cache.clear()
    search_index.clear()
    yield
    cache.clear()
    search_index.clear()


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """Closing a streamed response (``response.close()``) fires ``request_finished``, whose
    ``close_old_connections`` would drop PostgreSQL's connection in the middle of a test's
    transaction (Django's test client only detaches it during its own requests). A connection
    inside an atomic block is kept; other connections (live server threads) behave as usual."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    original = BaseDatabaseWrapper.close_if_unusable_or_obsolete

    def close_unless_in_transaction(self):
        if not self.in_atomic_block:
            original(self)

    monkeypatch.setattr(
        BaseDatabaseWrapper, "close_if_unusable_or_obsolete", close_unless_in_transaction
    )
