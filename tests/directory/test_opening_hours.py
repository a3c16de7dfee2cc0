"""The OSM ``opening_hours`` subset: accepted, refused, and « ouvert maintenant »."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.directory import opening_hours

WEEKDAY_HOURS = "Mo-Fr 08:00-12:00,13:30-18:00; Sa 09:00-12:00; PH off"


@pytest.mark.parametrize(
    "text",
    [
        "24/7",
        "Mo-Fr 08:00-18:00",
        "Mo-Fr 08:00-18:00; Sa 09:00-12:00; PH off",
        "Mo,We,Fr 09:00-11:30",
        "Mo-Fr 08:00-12:00, 14:00-17:00",
        "Fr-Mo 10:00-16:00",
        "Sa 20:00-02:00",
        "Su off",
        "08:00-20:00",
    ],
)
def test_common_values_are_accepted(text):
    assert opening_hours.validate(text) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Mo-Fr 8h-18h", "8h-18h"),
        ("Lu-Ve 08:00-18:00", "Lu-Ve"),
        ("Mo-Fr 08:00-18:61", "heure invalide"),
        ("Mo-Fr", "horaires manquants"),
        ("Mo-Fr 08:00-18:00;; Sa 09:00-12:00", "règle vide"),
        ("Jan-Mar Mo 10:00-12:00", "non prise en charge"),
        ("Mo 25:00-26:00", "heure de début"),
    ],
)
def test_invalid_values_get_a_french_message(text, fragment):
    message = opening_hours.validate(text)
    assert message is not None and message.startswith("Horaires invalides")
    assert fragment in message


def test_is_open_follows_days_and_time_ranges():
    hours = opening_hours.parse(WEEKDAY_HOURS)
    friday = date(2026, 11, 27)
    assert hours.is_open(datetime(2026, 11, 27, 8, 0))  # opening minute included
    assert not hours.is_open(datetime(2026, 11, 27, 12, 0))  # closing minute excluded
    assert not hours.is_open(datetime(2026, 11, 27, 12, 45))  # lunch break
    assert hours.is_open(datetime(2026, 11, 27, 17, 59))
    assert friday.weekday() == 4
    assert hours.is_open(datetime(2026, 11, 28, 11, 0))  # Saturday morning
    assert not hours.is_open(datetime(2026, 11, 28, 14, 0))
    assert not hours.is_open(datetime(2026, 11, 29, 10, 0))  # Sunday: no rule


def test_public_holidays_override_the_weekday_rule():
    hours = opening_hours.parse(WEEKDAY_HOURS)
    assert not hours.is_open(datetime(2026, 7, 14, 10, 0))  # Tuesday, fête nationale
    assert not hours.is_open(datetime(2026, 4, 6, 10, 0))  # Easter Monday 2026
    assert hours.is_open(datetime(2026, 4, 7, 10, 0))
    assert not hours.is_open(datetime(2026, 5, 14, 10, 0))  # Ascension 2026 (Easter + 39)


def test_ranges_past_midnight_open_the_next_morning():
    hours = opening_hours.parse("Sa 20:00-02:00")
    assert hours.is_open(datetime(2026, 11, 28, 23, 0))
    assert hours.is_open(datetime(2026, 11, 29, 1, 30))  # Sunday night, from Saturday's rule
    assert not hours.is_open(datetime(2026, 11, 29, 2, 0))
    assert not hours.is_open(datetime(2026, 11, 28, 1, 30))  # Saturday night before


def test_always_open_and_unknown_hours():
    assert opening_hours.is_open("24/7", at=datetime(2026, 12, 25, 3, 0)) is True
    assert opening_hours.is_open("", at=datetime(2026, 12, 25, 3, 0)) is None
    assert opening_hours.is_open("n'importe quoi", at=datetime(2026, 12, 25, 3, 0)) is None


@given(st.text(alphabet="MoTuWeThFrSaPH0123456789:-,; off/", max_size=40))
@settings(max_examples=300, deadline=None)
def test_any_text_is_either_valid_or_refused_in_french(text):
    message = opening_hours.validate(text)
    if message is None and text.strip():
        hours = opening_hours.parse(text)
        assert hours.is_open(datetime(2026, 11, 27, 10, 0)) in (True, False)
    else:
        assert message is None or message.startswith("Horaires invalides")
