"""Directory page tests: each test starts with an empty cache (search results are cached by
the territory's ``data_version``, which the per-test rollback also rolls back)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
