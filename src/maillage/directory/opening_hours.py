"""A small parser for the common subset of the OpenStreetMap ``opening_hours`` syntax.

Supported: ``24/7``; rules separated by ``;``; day selectors (``Mo``…``Su``, ranges ``Mo-Fr``,
lists ``Mo,We,Fr``, ``PH`` for French public holidays); one or several time ranges
(``08:00-12:00,14:00-18:00``, ending at ``24:00`` or after midnight, ``22:00-02:00``);
``off``/``closed``. A later rule replaces the earlier ones for the days it names (OSM semantics).
Anything else (months, weeks, comments…) is refused with a French message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_LABELS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_TIME = r"(\d{2}):(\d{2})"
_RANGE_RE = re.compile(rf"^{_TIME}-{_TIME}$")
_DAY_TOKEN_RE = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")


class OpeningHoursError(ValueError):
    """The text is not valid (in the supported subset); the message is French."""


@dataclass(frozen=True)
class Rule:
    days: frozenset[int]  # 0 = Monday … 6 = Sunday; empty with holidays=False means every day
    holidays: bool  # the rule selects public holidays (PH)
    ranges: tuple[tuple[int, int], ...]  # minutes from midnight; end may exceed 1440
    off: bool

    def selects(self, day: date) -> bool:
        if self.holidays and is_public_holiday(day):
            return True
        if not self.days and not self.holidays:
            return True
        return day.weekday() in self.days


@dataclass(frozen=True)
class OpeningHours:
    text: str
    rules: tuple[Rule, ...]
    always: bool = False

    def _rule_for(self, day: date) -> Rule | None:
        found = None
        for rule in self.rules:
            if rule.selects(day):
                found = rule
        return found

    def is_open(self, at: datetime) -> bool:
        """Whether the place is open at ``at`` (naive or aware local time)."""
        if self.always:
            return True
        minute = at.hour * 60 + at.minute
        today = self._rule_for(at.date())
        if today and not today.off and any(s <= minute < e for s, e in today.ranges):
            return True
        yesterday = self._rule_for(at.date() - timedelta(days=1))
        return bool(
            yesterday
            and not yesterday.off
            and any(e > 1440 and minute < e - 1440 for _, e in yesterday.ranges)
        )


def _minutes(hours: str, minutes: str, *, text: str) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 48:
        raise OpeningHoursError(f"heure invalide dans « {text} ».")
    return h * 60 + m


def _parse_days(selector: str) -> tuple[frozenset[int], bool]:
    days: set[int] = set()
    holidays = False
    for token in selector.split(","):
        token = token.strip()
        if token == "PH":
            holidays = True
            continue
        match = _DAY_TOKEN_RE.match(token)
        if not match:
            raise OpeningHoursError(
                f"jour « {token} » non reconnu (attendu Mo, Tu, We, Th, Fr, Sa, Su ou PH)."
            )
        start = DAYS.index(match.group(1))
        end = DAYS.index(match.group(2)) if match.group(2) else start
        i = start
        while True:
            days.add(i)
            if i == end:
                break
            i = (i + 1) % 7
    return frozenset(days), holidays


def _parse_ranges(spec: str) -> tuple[tuple[int, int], ...]:
    ranges = []
    for part in spec.split(","):
        part = part.strip()
        match = _RANGE_RE.match(part)
        if not match:
            raise OpeningHoursError(f"plage horaire « {part} » invalide (attendu HH:MM-HH:MM).")
        start = _minutes(match.group(1), match.group(2), text=part)
        end = _minutes(match.group(3), match.group(4), text=part)
        if start >= 1440:
            raise OpeningHoursError(f"heure de début invalide dans « {part} ».")
        if end <= start:
            end += 1440  # crosses midnight, e.g. 22:00-02:00
        if end - start > 1440:
            raise OpeningHoursError(f"plage horaire « {part} » de plus de 24 heures.")
        ranges.append((start, end))
    return tuple(sorted(ranges))


def _parse_rule(text: str) -> Rule:
    tokens = text.split()
    if not tokens:
        raise OpeningHoursError("règle vide (deux « ; » de suite ?).")
    selector = None
    if re.match(r"^(Mo|Tu|We|Th|Fr|Sa|Su|PH)", tokens[0]):
        selector = tokens.pop(0)
    rest = " ".join(tokens)
    days, holidays = _parse_days(selector) if selector else (frozenset(), False)
    if not rest:
        raise OpeningHoursError(f"horaires manquants après « {selector} ».")
    if rest in ("off", "closed"):
        return Rule(days=days, holidays=holidays, ranges=(), off=True)
    if " " in rest.replace(", ", ","):
        raise OpeningHoursError(f"syntaxe non prise en charge : « {text} ».")
    return Rule(days=days, holidays=holidays, ranges=_parse_ranges(rest), off=False)


@lru_cache(maxsize=1024)
def parse(text: str) -> OpeningHours:
    """Parse an ``opening_hours`` value; raise :class:`OpeningHoursError` when invalid."""
    clean = text.strip()
    if not clean:
        raise OpeningHoursError("horaires vides.")
    if clean == "24/7":
        return OpeningHours(text=clean, rules=(), always=True)
    rules = tuple(_parse_rule(part.strip()) for part in clean.rstrip(";").split(";"))
    return OpeningHours(text=clean, rules=rules)


def validate(text: str) -> str | None:
    """Return a French error message, or ``None`` when ``text`` is valid (empty is valid)."""
    if not text or not text.strip():
        return None
    try:
        parse(text)
    except OpeningHoursError as exc:
        return f"Horaires invalides : {exc}"
    return None


def is_open(text: str, *, at: datetime) -> bool | None:
    """Whether ``text`` says open at ``at``; ``None`` when the hours are unknown or invalid."""
    if not text or validate(text):
        return None
    return parse(text).is_open(at)


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = ((h + l_ - 7 * m + 114) % 31) + 1
    return date(year, month, day)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """French public holidays (metropolitan France, without Alsace-Moselle's extra days)."""
    easter = _easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [easter + timedelta(days=n) for n in (1, 39, 50)]
    return frozenset([date(year, m, d) for m, d in fixed] + moving)


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)
