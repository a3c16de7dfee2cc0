"""What the audience measurement stores and sends: every column of its tables (nothing about
the visitor), the values written after real visits (no IP address, no user agent, no free
text), and the responses (no cookie set for an anonymous visitor, nothing stored by the
script in the browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

import maillage
from maillage.directory.models import Structure

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 MarqueurH7"
IP = "203.0.113.77"  # TEST-NET-3 (documentation range)
ROBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
ALLOWED_COLUMNS = {"id", "territory_id", "day", "kind", "key", "count"}
SCRIPT = Path(maillage.__file__).parent / "usage" / "static" / "usage" / "usage.js"


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def usage_tables() -> list[str]:
    return [m._meta.db_table for m in apps.get_app_config("usage").get_models()]


def test_every_column_of_the_usage_tables_is_an_aggregate_never_the_visitor(db):
    tables = usage_tables()
    assert tables == ["usage_dailycount"]
    with connection.cursor() as cursor:
        for table in tables:
            columns = {
                c.name for c in connection.introspection.get_table_description(cursor, table)
            }
            assert columns == ALLOWED_COLUMNS, table
    model = apps.get_model("usage", "DailyCount")
    assert {f.column for f in model._meta.concrete_fields} == ALLOWED_COLUMNS


def _visit_everything(client: Client, territory) -> list:
    s = (
        Structure.objects.filter(territory=territory, published=True)
        .exclude(phone="")
        .order_by("pk")
        .first()
    )
    directory = reverse("web:directory", args=[territory.slug])
    return [
        client.get(directory),
        client.get(directory, {"q": "Lucie Martin 1 rue des Lilas", "age": "3"}),
        client.get(directory, {"age": "25", "public": "seniors"}),  # nothing found
        client.get(reverse("web:structure", args=[territory.slug, s.pk])),
        client.get(reverse("web:usage-click", args=[territory.slug, "telephone", s.pk])),
    ]


def test_real_visits_store_no_ip_no_user_agent_no_free_text(armentieres):
    client = Client(HTTP_USER_AGENT=UA, REMOTE_ADDR=IP, HTTP_REFERER="https://example.org/x")
    for response in _visit_everything(client, armentieres):
        assert response.status_code in (200, 204)
    model = apps.get_model("usage", "DailyCount")
    rows = list(model.objects.values_list())
    assert len(rows) >= 5  # visit, 2 searches, 1 without result, fiche, click
    stored = repr(rows)
    for secret in (IP, "MarqueurH7", "Firefox", "Lucie", "Lilas", "example.org"):
        assert secret not in stored, secret


def test_the_measurement_sets_no_cookie_for_an_anonymous_visitor(armentieres):
    counted = _visit_everything(Client(HTTP_USER_AGENT=UA), armentieres)
    assert apps.get_model("usage", "DailyCount").objects.exists()  # they were counted
    uncounted = _visit_everything(Client(HTTP_USER_AGENT=ROBOT), armentieres)
    for with_measure, without in zip(counted, uncounted, strict=True):
        names = set(with_measure.cookies)
        assert names == set(without.cookies)  # counting adds no cookie
        assert names <= {"csrftoken"}  # and no page sets a session or tracking cookie
    assert not counted[-1].cookies and "Set-Cookie" not in counted[-1].headers  # the beacon


def test_the_script_keeps_nothing_in_the_browser():
    code = SCRIPT.read_text(encoding="utf-8")
    for api in ("document.cookie", "localStorage.", "sessionStorage.", "indexedDB"):
        assert api not in code, api
    assert 'credentials: "same-origin"' in code  # never sent to another site
