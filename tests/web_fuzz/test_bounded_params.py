"""Integers from the query string, a form field or the URL are parsed within bounds: a hostile
value answers 4xx, never 500 (issue 12, item 10)."""

from __future__ import annotations

import pytest
from django.test import Client

from maillage.web.params import MAX_ID, parse_id, parse_ids, parse_int

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("+3", 3),
        (5, 5),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (HUGE, None),
        ("-1", None),
        ("0", None),
        ("abc", None),
        ("1.5", None),
        ("1e3", None),
        ("²", None),  # str.isdigit() says yes, int() raises ValueError
        ("١٢", None),  # Arabic-Indic digits: int() accepts them, an id never has them
        ("", None),
        (None, None),
        (True, None),
        ("1\x00", None),
        ("9" * 5000, None),
    ],
)
def test_parse_id_accepts_only_plain_bounded_numbers(value, expected):
    assert parse_id(value) == expected


def test_parse_int_bounds_and_default():
    assert parse_int("2024", minimum=2023, maximum=2026) == 2024
    assert parse_int("2030", minimum=2023, maximum=2026, default=2023) == 2023
    assert parse_int("-4", minimum=-10, maximum=10) == -4


def test_parse_ids_drops_invalid_and_duplicates_and_is_bounded():
    assert parse_ids(["3", HUGE, "abc", "3", "²", "4"]) == [3, 4]
    assert len(parse_ids([str(i) for i in range(1, 1000)], limit=50)) == 50


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, str(MAX_ID + 1), "²", "-1"])
def test_scenario_compare_with_a_hostile_id_is_a_clear_400(armentieres, value):
    response = Client().get(
        "/territoire/armentieres/diagnostic/scenarios/comparer/", {"s": [value, "1"]}
    )
    assert response.status_code == 400
    assert "Choisissez au moins deux scénarios" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("object_id", ["abc", HUGE, "-1", "1.5", "%C2%B2"])
def test_history_of_a_non_numeric_object_id_is_not_found(armentieres, object_id):
    from django.contrib.auth import get_user_model

    from maillage.accounts.services import membership_set

    user = get_user_model().objects.create_user(username="coord-h5@example.org")
    membership_set(user=user, territory=armentieres, role="coordinator")
    client = Client()
    client.force_login(user)
    response = client.get(f"/territoire/armentieres/historique/directory.structure/{object_id}/")
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/territoire/armentieres/structures/{HUGE}/",
        f"/territoire/armentieres/indicateurs/{MAX_ID + 1}/",
        f"/territoire/armentieres/diagnostic/scenarios/{HUGE}/carte.geojson",
        f"/territoire/armentieres/journal/{HUGE}/",
    ],
)
def test_a_path_id_beyond_64_bits_is_not_found(armentieres, path):
    assert Client().get(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, "²", "abc"])
def test_report_scenario_parameter_is_bounded(armentieres, value):
    response = Client().get("/territoire/armentieres/diagnostic.pdf", {"scenario": value})
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/plan/armentieres/journal?objective=1.%C2%B2",
        "/api/v1/plan/armentieres/journal?objective=%C2%B2.1",
        "/api/v1/structures/%C2%B2",
    ],
)
def test_api_unicode_digits_are_a_client_error(armentieres, url):
    response = Client(raise_request_exception=False).get(url)
    assert 400 <= response.status_code < 500
