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
from pathlib import Path

import dataset_state
import pytest
from hypothesis import HealthCheck, settings

import maillage

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


def pytest_terminal_summary(terminalreporter, config) -> None:
    """Print the order's seed at the end too: ``-q`` (make test) hides pytest-randomly's header,
    and a failure that depends on the order is replayed with that seed."""
    seed = getattr(config.option, "randomly_seed", None)
    if config.pluginmanager.has_plugin("randomly") and isinstance(seed, int):
        terminalreporter.write_line(
            f"Ordre des tests tiré au hasard : --randomly-seed={seed} pour le rejouer "
            "(-p no:randomly pour l'ordre des fichiers)."
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real Armentières dataset once into the test database."""
    from maillage.territory.loader import load_dataset

    with django_db_blocker.unblock():
        load_dataset("armentieres")
        dataset_state.remember()


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


@pytest.fixture(scope="session", autouse=True)
def _template_vars_checked_in_maillage_templates(_fail_for_invalid_template_variable):
    """With ``--fail-on-template-vars`` (set in pyproject.toml), an undefined variable fails the
    test — in Maillage's own templates. Third-party templates (Django's admin, django-ninja's
    API docs page) are not ours to fix: there the variable renders as Django renders it, ``""``.

    The check is also given to template engines created before this fixture ran (an engine
    copies ``string_if_invalid`` when it is built)."""
    from django.conf import settings as dj_settings
    from django.template import engines

    options = dj_settings.TEMPLATES[0]["OPTIONS"]
    strict = options.get("string_if_invalid")
    if not hasattr(strict, "fail"):  # run without --fail-on-template-vars
        yield
        return
    ours = str(Path(maillage.__file__).resolve().parent) + os.sep

    class InMaillageTemplates(type(strict)):
        def __mod__(self, var: str) -> str:
            origin = self._get_origin()
            name = str(getattr(origin, "name", origin) or "")
            if os.path.isabs(name) and not name.startswith(ours):
                return self.origin_value
            return super().__mod__(var)

    scoped = InMaillageTemplates(origin_value=strict.origin_value)
    options["string_if_invalid"] = scoped
    for engine in engines.all():
        engine.engine.string_if_invalid = scoped
    yield
    options["string_if_invalid"] = strict


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached computations must not leak from one (rolled-back) test to the next."""
    from django.core.cache import cache

    from maillage.directory import search_index
    from maillage.reports.chart_cache import chart_cache

    def clear() -> None:
        cache.clear()
        chart_cache().clear()
        search_index.clear()

    clear()
    yield
    clear()


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
