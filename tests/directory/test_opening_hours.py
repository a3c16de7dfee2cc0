"""OSM ``opening_hours`` values (opening-hours-py): real-world values accepted, mistakes refused in
French, « ouvert maintenant » on public holidays (by département) and in school holidays."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.directory import opening_hours

WEEKDAY_HOURS = "Mo-Fr 08:00-12:00,13:30-18:00; Sa 09:00-12:00; PH off"
ARMENTIERES = "59017"  # Nord, zone B
METZ = "57463"  # Moselle: Good Friday and 26 December are public holidays
STRASBOURG = "67482"
FORT_DE_FRANCE = "97209"  # Martinique: no school calendar in the package, own time zone


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
        # Refused by the former hand-written subset; found in data·inclusion, DORA and OSM:
        'Mo 09:00-12:00 "Sur rendez-vous"',
        '"sur rendez-vous"',
        "open",
        "Mo-Fr 09:00-12:00; SH off",
        "Mo-Fr 09:00-12:00; SH Mo-Fr 10:00-12:00; PH off",
        "Jan-Mar Mo 10:00-12:00",
        'Mo-Fr 08:30-12:00,13:30-17:00; We 08:30-12:00 "permanence téléphonique l\'après-midi"',
        'Mo-Fr 09:00-12:00 || "sur rendez-vous"',
        "Mo-Fr 09:00-17:00; Aug off",
    ],
)
def test_real_world_values_are_accepted(text):
    assert opening_hours.validate(text) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Mo-Fr 8h-18h", "plage horaire « 8h-18h » invalide"),
        ("Lu-Ve 08:00-18:00", "jour « Lu-Ve » non reconnu"),
        ("Mo-Fr 08:00-18:61", "heure invalide dans « 08:00-18:61 »"),
        ("Mo-Fr 08:00-18:00;; Sa 09:00-12:00", "règle vide"),
        ("Mo 25:00-26:00", "heure de début invalide"),
        ('Mo 09:00-12:00 "sur rendez-vous', "guillemet non refermé"),
        ("Mo-Fr 10:00-12:00 off off", "syntaxe non reconnue à partir de « off »"),
    ],
)
def test_invalid_values_get_a_french_message(text, fragment):
    message = opening_hours.validate(text)
    assert message is not None and message.startswith("Horaires invalides")
    assert fragment in message


def test_is_open_follows_days_and_time_ranges():
    def at(*args):
        return opening_hours.is_open(WEEKDAY_HOURS, at=datetime(*args), commune=ARMENTIERES)

    assert at(2026, 11, 27, 8, 0)  # Friday, opening minute included
    assert not at(2026, 11, 27, 12, 0)  # closing minute excluded
    assert not at(2026, 11, 27, 12, 45)  # lunch break
    assert at(2026, 11, 27, 17, 59)
    assert at(2026, 11, 28, 11, 0)  # Saturday morning
    assert not at(2026, 11, 28, 14, 0)
    assert not at(2026, 11, 29, 10, 0)  # Sunday: no rule


def test_public_holidays_override_the_weekday_rule():
    def at(day, commune=ARMENTIERES):
        return opening_hours.is_open(WEEKDAY_HOURS, at=datetime(*day, 10, 0), commune=commune)

    assert not at((2026, 7, 14))  # Tuesday, fête nationale
    assert not at((2026, 4, 6))  # Easter Monday 2026
    assert at((2026, 4, 7))
    assert not at((2026, 5, 14))  # Ascension 2026


def test_alsace_moselle_and_overseas_holidays_follow_the_departement():
    # 26 December 2026 is a Saturday: open in Nord, a public holiday in Moselle and Alsace.
    saturday = datetime(2026, 12, 26, 10, 0)
    assert opening_hours.is_open(WEEKDAY_HOURS, at=saturday, commune=ARMENTIERES) is True
    assert opening_hours.is_open(WEEKDAY_HOURS, at=saturday, commune=METZ) is False
    assert opening_hours.is_open(WEEKDAY_HOURS, at=saturday, commune=STRASBOURG) is False
    # Good Friday (3 April 2026) in Moselle only.
    good_friday = datetime(2026, 4, 3, 10, 0)
    assert opening_hours.is_open(WEEKDAY_HOURS, at=good_friday, commune=ARMENTIERES) is True
    assert opening_hours.is_open(WEEKDAY_HOURS, at=good_friday, commune=METZ) is False
    # Abolition of slavery in Martinique, 22 May 2026 (a Friday), at 10:00 local time.
    local = datetime(2026, 5, 22, 10, 0, tzinfo=ZoneInfo("America/Martinique"))
    assert opening_hours.is_open(WEEKDAY_HOURS, at=local, commune=FORT_DE_FRANCE) is False
    assert opening_hours.is_open(WEEKDAY_HOURS, at=local, commune=ARMENTIERES) is True
    assert opening_hours.public_holiday_name(date(2026, 12, 26), commune=METZ)
    assert opening_hours.public_holiday_name(date(2026, 12, 26), commune=ARMENTIERES) is None


def test_school_holidays_by_zone():
    text = "Mo-Fr 14:00-18:00; SH off"  # an accueil de loisirs périscolaire, exemple fictif
    in_holidays = datetime(2026, 10, 27, 15, 0)  # Tuesday, Toussaint 2026 in zone B
    school_week = datetime(2026, 11, 10, 15, 0)
    assert opening_hours.is_open(text, at=in_holidays, commune=ARMENTIERES) is False
    assert opening_hours.is_open(text, at=school_week, commune=ARMENTIERES) is True
    # « SH Mo-Fr »: Monday to Friday during school holidays only (intersection, not union).
    text = "SH Mo-Fr 09:00-12:00"
    assert opening_hours.is_open(text, at=datetime(2026, 10, 27, 10, 0), commune=ARMENTIERES)
    assert not opening_hours.is_open(text, at=datetime(2026, 11, 10, 10, 0), commune=ARMENTIERES)
    assert not opening_hours.is_open(text, at=datetime(2026, 10, 24, 10, 0), commune=ARMENTIERES)
    assert opening_hours.is_school_holiday(date(2026, 10, 27), commune=ARMENTIERES) is True


def test_unknown_school_calendar_makes_the_answer_unknown_only_when_it_matters():
    text = "Mo-Fr 14:00-18:00; SH off"
    tuesday = datetime(2026, 10, 27, 15, 0, tzinfo=ZoneInfo("America/Martinique"))
    assert opening_hours.is_school_holiday(tuesday.date(), commune=FORT_DE_FRANCE) is None
    assert opening_hours.is_open(text, at=tuesday, commune=FORT_DE_FRANCE) is None
    # The morning is closed whether or not it is a school holiday: known.
    morning = tuesday.replace(hour=9)
    assert opening_hours.is_open(text, at=morning, commune=FORT_DE_FRANCE) is False
    # Beyond the calendar file (2028 is its last year): unknown too.
    assert opening_hours.is_school_holiday(date(2031, 10, 28), commune=ARMENTIERES) is None


def test_comments_and_appointments():
    text = 'Mo 09:00-12:00 "Sur rendez-vous"'
    now = opening_hours.state(text, at=datetime(2026, 11, 30, 10, 0), commune=ARMENTIERES)
    assert now.open is True and now.comment == "Sur rendez-vous"
    # A comment alone says nothing about the state: unknown, not « ouvert ».
    now = opening_hours.state('"sur rendez-vous"', at=datetime(2026, 11, 30, 10, 0))
    assert now.open is None and now.comment == "sur rendez-vous"
    now = opening_hours.state('Sa "sur rendez-vous"', at=datetime(2026, 11, 28, 10, 0))
    assert now.open is None
    assert opening_hours.is_open("open", at=datetime(2026, 12, 25, 3, 0)) is True


def test_open_now_uses_the_places_time_zone():
    # 07:30 UTC on a Monday is 08:30 in Paris (winter) and 03:30 in Martinique.
    utc = datetime(2026, 11, 30, 7, 30, tzinfo=ZoneInfo("UTC"))
    assert opening_hours.is_open("Mo-Fr 08:00-12:00", at=utc, commune=ARMENTIERES) is True
    assert opening_hours.is_open("Mo-Fr 08:00-12:00", at=utc, commune=FORT_DE_FRANCE) is False


def test_ranges_past_midnight_open_the_next_morning():
    def at(*args):
        return opening_hours.is_open("Sa 20:00-02:00", at=datetime(*args))

    assert at(2026, 11, 28, 23, 0)
    assert at(2026, 11, 29, 1, 30)  # Sunday night, from Saturday's rule
    assert not at(2026, 11, 29, 2, 0)
    assert not at(2026, 11, 28, 1, 30)  # Saturday night before


def test_week_lists_holidays_and_comments():
    week = opening_hours.week(
        'Mo-Fr 09:00-12:00 "sur rendez-vous"; PH off', start=date(2026, 12, 24), commune=METZ
    )
    assert [d.label for d in week[:3]] == [
        "jeudi",
        "vendredi (jour férié)",
        "samedi (jour férié)",
    ]
    assert week[0].hours == "09 h 00 – 12 h 00 (sur rendez-vous)"
    assert week[1].hours == "fermé"
    week = opening_hours.week(
        "Mo-Fr 14:00-18:00; SH off", start=date(2026, 10, 26), commune=ARMENTIERES
    )
    assert week[1].label == "mardi (vacances scolaires)" and week[1].hours == "fermé"


def test_always_open_and_unknown_hours():
    assert opening_hours.is_open("24/7", at=datetime(2026, 12, 25, 3, 0)) is True
    assert opening_hours.is_open("", at=datetime(2026, 12, 25, 3, 0)) is None
    assert opening_hours.is_open("n'importe quoi", at=datetime(2026, 12, 25, 3, 0)) is None


@given(st.text(alphabet='MoTuWeThFrSaPHSH0123456789:-,; off/"', max_size=40))
@settings(max_examples=300, deadline=None)
def test_any_text_is_either_valid_or_refused_in_french(text):
    message = opening_hours.validate(text)
    if message is None and text.strip():
        assert opening_hours.is_open(text, at=datetime(2026, 11, 27, 10, 0)) in (True, False, None)
        assert opening_hours.week(text, start=date(2026, 11, 27)) is not None
    else:
        assert message is None or message.startswith("Horaires invalides")
