"""Shared fixtures: the test database is created once with the embedded Armentières dataset.

Each test runs in a transaction rolled back at its end, so tests may change or delete data.
Unit tests that need a small territory of their own use ``fictif`` (*exemple fictif*, built by
``tests/fictif.py``) and the factories of ``tests/factories.py``; integration tests keep the real
Armentières dataset (``armentieres``).

Hypothesis profiles (chosen by ``HYPOTHESIS_PROFILE``; ``ci`` by default when ``CI`` is set):

- ``dev`` (default): random examples, remembered in ``.hypothesis/`` so a failure comes back;
- ``ci``: the same examples on every run (``derandomize=True``, no example database), so a red
  CI run is reproduced by running it again, and a green one does not turn red by chance.

Neither has a per-example deadline, nor the « too slow » health check: both measure time, which a
loaded 2-core machine does not give reliably; timed goals live in ``benchmarks/``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


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


@pytest.fixture(scope="session")
def fictif_dataset(tmp_path_factory):
    """The fictive territory's dataset folder, written once (same seed, same files)."""
    from fictif import write_dataset

    return write_dataset(tmp_path_factory.mktemp("fictif"))


@pytest.fixture
def fictif(db, fictif_dataset):
    """A tiny synthetic territory (*exemple fictif*): 2 communes and a neighbour, 4 IRIS, a QPV,
    200 m cells and 6 structures, loaded in this test's transaction (see ``tests/fictif.py``)."""
    from fictif import load

    return load(fictif_dataset)


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
