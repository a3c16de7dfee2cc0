"""Tests never use the network: the base map (IGN « Plan IGN » tiles) and the online geocoder
(IGN Géoplateforme), both on by default for users, are switched off for the whole suite before
any test runs. A test that needs them sets ``settings.TILE_URL`` / ``settings.GEOCODER_URL``
to a local fake server it starts itself (see ``tests/addresses/``).

At the project's root so that it applies to every test directory; Django's settings are
already loaded by pytest-django when this file is imported, hence the direct assignment (the
environment variables are also cleared for the subprocesses the tests start).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

OFFLINE = {"MAILLAGE_TILE_URL": "", "MAILLAGE_GEOCODER_URL": ""}


def pytest_configure(config) -> None:
    os.environ.update(OFFLINE)
    from django.conf import settings

    if settings.configured:
        settings.TILE_URL = ""
        settings.TILE_ATTRIBUTION = ""
        settings.GEOCODER_URL = ""
        # The indicator charts' file cache (shared by the server's processes and the worker):
        # a folder of this test process's own, emptied after each test (tests/conftest.py),
        # so that no chart nor « already asked » marker passes from one test, one xdist worker
        # or one run to another.
        charts = tempfile.mkdtemp(prefix="maillage-test-charts-")
        atexit.register(shutil.rmtree, charts, ignore_errors=True)
        settings.CACHES["charts"] = {**settings.CACHES["charts"], "LOCATION": charts}
