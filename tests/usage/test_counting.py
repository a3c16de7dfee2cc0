"""Audience measurement: visiting the public pages increases the right counters, searches
without result are counted with their criteria, and who is not counted (robots, scripts,
signed-in accounts, visitors asking not to be followed, POST, prefetch) is not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import coordinator

from maillage.directory.models import Structure
from maillage.territory.models import Zone
from maillage.usage.models import DailyCount, Kind

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def visitor() -> Client:
    """An anonymous visitor with a real browser's User-Agent."""
    return Client(HTTP_USER_AGENT=BROWSER)


def counts(territory, kind: str) -> dict[str, int]:
    return dict(
        DailyCount.objects.filter(territory=territory, kind=kind).values_list("key", "count")
    )


def a_fiche(territory, **filters) -> Structure:
    return (
        Structure.objects.filter(territory=territory, published=True, declared_only=False)
        .filter(**filters)
        .order_by("pk")
        .first()
    )


def test_each_fiche_view_adds_one_to_that_fiche_today(visitor, armentieres):
    s1, s2 = Structure.objects.filter(
        territory=armentieres, published=True, declared_only=False
    ).order_by("pk")[:2]
    for s, times in ((s1, 3), (s2, 1)):
        for _ in range(times):
            assert visitor.get(reverse("web:structure", args=["armentieres", s.pk])).status_code
    assert counts(armentieres, Kind.FICHE) == {str(s1.pk): 3, str(s2.pk): 1}
    row = DailyCount.objects.get(territory=armentieres, kind=Kind.FICHE, key=str(s1.pk))
    assert row.day == timezone.localdate()


def test_an_unknown_fiche_is_not_counted(visitor, armentieres):
    assert visitor.get(reverse("web:structure", args=["armentieres", 999_999])).status_code == 404
    assert not DailyCount.objects.exists()


def test_a_search_is_counted_by_its_criteria_never_its_free_text(visitor, armentieres):
    url = reverse("web:directory", args=["armentieres"])
    visitor.get(url)  # the directory, no criteria: a visit
    visitor.get(url, {"thematique": "famille", "age": "4"})
    visitor.get(url, {"age": "4", "thematique": "famille"})  # same criteria, other order
    visitor.get(url, {"q": "Marie Dupont 06 12 34 56 78"})  # free text: only its presence
    visitor.get(url, {"thematique": "famille", "age": "4", "page": "2"})  # next page: no
    assert counts(armentieres, Kind.DIRECTORY) == {"": 1}
    assert counts(armentieres, Kind.SEARCH) == {"age=4&thematique=famille": 2, "texte=1": 1}
    stored = " ".join(DailyCount.objects.values_list("key", flat=True))
    assert "Dupont" not in stored and "06" not in stored


def test_a_search_without_result_is_counted_with_its_criteria(visitor, armentieres):
    quartier = (
        Zone.objects.filter(commune__in=armentieres.communes.all(), kind="qpv")
        .order_by("code")
        .first()
    )
    url = reverse("web:directory", args=["armentieres"])
    params = {"age": "25", "public": "seniors", "quartier": quartier.code}
    response = visitor.get(url, params)
    assert response.context["result"].total == 0
    key = f"age=25&public=seniors&quartier={quartier.code}"
    assert counts(armentieres, Kind.SEARCH) == {key: 1}
    assert counts(armentieres, Kind.SEARCH_EMPTY) == {key: 1}
    # A search that finds something is not a search without result.
    assert visitor.get(url, {"age": "4"}).context["result"].total > 0
    assert counts(armentieres, Kind.SEARCH_EMPTY) == {key: 1}


def test_an_invalid_search_is_not_counted(visitor, armentieres):
    url = reverse("web:directory", args=["armentieres"])
    assert visitor.get(url, {"age": "300"}).status_code == 200  # the form says what is wrong
    assert not DailyCount.objects.exists()


def test_guide_downloads_are_counted_with_their_quartier_and_theme(visitor, armentieres):
    url = reverse("web:guide-pdf", args=["armentieres"])
    assert visitor.get(url, {"theme": "petite-enfance"}).status_code == 200
    assert counts(armentieres, Kind.GUIDE) == {"theme=petite-enfance": 1}


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        (Kind.PHONE, "phone"),
        (Kind.EMAIL, "email"),
        (Kind.WEBSITE, "website"),
        (Kind.DIRECTIONS, "lat"),
    ],
)
def test_a_contact_click_is_counted_for_a_contact_the_fiche_shows(
    visitor, armentieres, kind, field
):
    s = a_fiche(armentieres, **{f"{field}__isnull": False}) if field == "lat" else None
    s = s or a_fiche(armentieres, **{f"{field}__gt": ""})
    page = visitor.get(reverse("web:structure", args=["armentieres", s.pk])).content.decode()
    beacon = reverse("web:usage-click", args=["armentieres", kind, s.pk])
    assert f'data-usage-url="{beacon}"' in page  # the link the page's script reports
    response = visitor.get(beacon)
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    assert counts(armentieres, kind) == {str(s.pk): 1}


def test_a_click_is_refused_for_a_contact_the_fiche_does_not_have(visitor, armentieres):
    s = a_fiche(armentieres, website="")
    beacon = reverse("web:usage-click", args=["armentieres", Kind.WEBSITE, s.pk])
    assert visitor.get(beacon).status_code == 404
    unknown = reverse("web:usage-click", args=["armentieres", "fiche", s.pk])
    assert visitor.get(unknown).status_code == 404  # only contact clicks go through here
    assert (
        visitor.post(reverse("web:usage-click", args=["armentieres", "site", s.pk])).status_code
        == 405
    )
    assert not DailyCount.objects.exists()


def test_a_click_sent_from_another_site_is_not_counted(visitor, armentieres):
    s = a_fiche(armentieres, phone__gt="")
    beacon = reverse("web:usage-click", args=["armentieres", Kind.PHONE, s.pk])
    assert visitor.get(beacon, HTTP_SEC_FETCH_SITE="cross-site").status_code == 204
    assert not DailyCount.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no User-Agent: a script
        {
            "HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        },
        {"HTTP_USER_AGENT": "python-requests/2.32"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_SEC_GPC": "1"},  # Global Privacy Control
        {"HTTP_USER_AGENT": BROWSER, "HTTP_DNT": "1"},  # « Ne pas me pister »
        {"HTTP_USER_AGENT": BROWSER, "HTTP_SEC_PURPOSE": "prefetch"},
    ],
    ids=["sans-user-agent", "robot", "script", "gpc", "dnt", "prefetch"],
)
def test_robots_scripts_and_objections_are_not_counted(armentieres, headers):
    s = a_fiche(armentieres)
    client = Client(**headers)
    assert client.get(reverse("web:structure", args=["armentieres", s.pk])).status_code == 200
    assert client.get(reverse("web:directory", args=["armentieres"]), {"age": "4"}).status_code
    assert not DailyCount.objects.exists()


def test_signed_in_accounts_are_not_counted(armentieres):
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.force_login(coordinator(armentieres))
    s = a_fiche(armentieres)
    assert client.get(reverse("web:structure", args=["armentieres", s.pk])).status_code == 200
    assert not DailyCount.objects.exists()


def test_a_post_or_head_is_not_a_page_view(visitor, armentieres):
    s = a_fiche(armentieres)
    url = reverse("web:structure", args=["armentieres", s.pk])
    visitor.head(url)
    visitor.post(url)
    assert not DailyCount.objects.exists()


def test_a_guide_asked_in_the_background_can_be_counted_once(armentieres, rf):
    from django.contrib.auth.models import AnonymousUser

    from maillage.usage.services import count_guide_job

    request = rf.post("/territoire/armentieres/documents/guide/", HTTP_USER_AGENT=BROWSER)
    request.user = AnonymousUser()
    count_guide_job(request, armentieres, quartier=None, theme="petite-enfance")
    robot = rf.post("/territoire/armentieres/documents/guide/")  # no browser: not counted
    robot.user = AnonymousUser()
    count_guide_job(robot, armentieres, quartier=None, theme="petite-enfance")
    assert counts(armentieres, Kind.GUIDE) == {"theme=petite-enfance": 1}
