"""The web fuzzer (scripts/fuzz_web.py, run in full by .ci/run) in a reduced run: every URL
pattern of the site with its valid values and the first hostile values of each parameter, as
each role; no 5xx. And the fuzzer itself reports a view that parses integers without bounds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from django.test import Client

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fuzz_web.py"


@pytest.fixture(scope="module")
def fuzz_web():
    spec = importlib.util.spec_from_file_location("fuzz_web", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_web"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules["fuzz_web"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.fuzz
@pytest.mark.django_db
def test_every_url_answers_without_server_error_to_hostile_values(fuzz_web, armentieres):
    clients = fuzz_web.prepare()
    report = fuzz_web.fuzz(
        clients=clients,
        samples=fuzz_web.samples_from_database(),
        # the valid URL as each role, then one round of hostile path and query values
        per_route=len(clients) + 3,
        max_requests=4000,
        seconds=240,
    )
    assert report.server_errors == 0, "\n".join(report.errors)
    assert len(report.covered) == report.routes > 250  # the site's web and admin patterns
    assert report.statuses[200] > 100  # real pages were reached, not only redirections


@pytest.mark.django_db
def test_the_fuzzer_reports_an_unbounded_integer(fuzz_web, settings):
    settings.ROOT_URLCONF = "tests.web_fuzz.broken_urls"
    report = fuzz_web.fuzz(
        clients={"anonyme": Client()},
        samples=fuzz_web.Samples(slug="armentieres", ids={}),
        max_requests=200,
        seconds=60,
    )
    assert report.routes == 1
    assert report.server_errors > 0
    assert any("casse/1/?nombre=" in error and "ValueError" in error for error in report.errors)
