"""A printed guide asked for on the guide page (prepared in the background) is counted once,
with its theme: the visitor's request counts, the worker's own rebuilt request does not."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from maillage.usage.models import DailyCount, Kind

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_guide_prepared_in_the_background_is_counted_once(armentieres, settings, tmp_path):
    settings.JOBS_DIR = tmp_path / "taches"
    settings.TASKS = IMMEDIATE  # the worker's build runs inside this request
    visitor = Client(HTTP_USER_AGENT=BROWSER)
    url = reverse("web:job-guide", args=["armentieres"])
    assert visitor.post(url, {"theme": "petite-enfance"}).status_code == 302
    rows = DailyCount.objects.filter(territory=armentieres, kind=Kind.GUIDE)
    assert {r.key: r.count for r in rows} == {"theme=petite-enfance": 1}
