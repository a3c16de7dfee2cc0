"""OpenStreetMap ``opening_hours`` values, read by ``opening-hours-py`` (the Rust implementation
of the whole grammar: comments, ``open``/``unknown``, months, weeks, ``SH``, ``||``…) with the
French calendars Maillage owns: public holidays (``PH``) from ``holidays`` for the place's
département (Alsace-Moselle's Good Friday and 26 December, overseas abolition days) and school
holidays (``SH``) by zone from ``vacances-scolaires-france`` (the ministry's calendar file, shipped
in the package). The library is given no country: before evaluating a day, the ``PH``/``SH``
tokens are replaced by that day's weekday when our calendars say it is a holiday (left as they
are otherwise, which never matches), so both calendars are ours (see ADR 0008).

« Ouvert maintenant » is evaluated on the place's time zone (``settings.TIME_ZONE``, the overseas
départements' own zones). When the school calendar is unknown (Corse, overseas, years outside the
file) and the answer depends on it, the answer is ``None`` (« inconnu »), never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.conf import settings
from django.utils.translation import gettext as _
from opening_hours import OpeningHours, State
from vacances_scolaires_france import SchoolHolidayDates, UnsupportedYearException

from .school_zones import school_zone

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_LABELS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

# Outside a quoted comment: a "…" comment, or a holiday token (with an optional offset, which
# we leave to the library: « PH +1 day » then never matches).
_TOKEN_RE = re.compile(
    r'"[^"]*"'
    r"|\b(?P<hol>PH|SH)\b(?P<offset>\s*[+-]\s*\d+\s+days?\b)?"
    r"(?P<and>\s+(?P<wd>(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?"
    r"(?:,(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?)*)(?![\[\w]))?"
)
_COMMENT_RE = re.compile(r'"[^"]*"')
_TIME_OR_STATE_RE = re.compile(
    r"\d{1,2}:\d{2}|\b(?:sunrise|sunset|dawn|dusk|open|closed|off|unknown)\b|24/7"
)
_OVERSEAS_ZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
}
# ``holidays`` subdivisions of France (Alsace: the Collectivité européenne d'Alsace, 6AE).
_HOLIDAY_SUBDIVS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "975": "PM",
    "976": "976",
    "977": "BL",
    "978": "MF",
}


class OpeningHoursError(ValueError):
    """The text is not a valid ``opening_hours`` value; the message is French."""


# --------------------------------------------------------------------------- calendars


def departement(commune: str) -> str:
    """The département code of an INSEE commune code (``59017`` → ``59``, ``97209`` → ``972``)."""
    code = (commune or "").strip().upper()
    return code[:3] if code.startswith("97") else code[:2]


def time_zone(*, commune: str = "") -> ZoneInfo:
    dep = departement(commune)
    name = _OVERSEAS_ZONES.get(dep) or getattr(settings, "TIME_ZONE", None) or "Europe/Paris"
    return ZoneInfo(str(name))


@lru_cache(maxsize=64)
def _public_holidays(subdiv: str | None, year: int) -> holidays_lib.HolidayBase:
    return holidays_lib.country_holidays("FR", subdiv=subdiv, years=year, language="fr")


def public_holiday_name(day: date, *, commune: str = "") -> str | None:
    """The French name of the public holiday on ``day`` where ``commune`` is, or ``None``."""
    found = _public_holidays(_HOLIDAY_SUBDIVS.get(departement(commune)), day.year).get(day)
    return str(found) if found else None


def is_public_holiday(day: date, *, commune: str = "") -> bool:
    return public_holiday_name(day, commune=commune) is not None


@cache
def _school_calendar() -> SchoolHolidayDates:
    return SchoolHolidayDates()


def is_school_holiday(day: date, *, commune: str = "") -> bool | None:
    """Whether ``day`` is in the school holidays of ``commune``'s zone; ``None`` when unknown
    (no zone A/B/C: Corse, overseas, unknown commune; or a year outside the calendar file)."""
    zone = school_zone(departement(commune))
    if zone is None:
        return None
    try:
        return bool(_school_calendar().is_holiday_for_zone(day, zone))
    except UnsupportedYearException:
        return None


# --------------------------------------------------------------------------- parsing


def _french_error(text: str, detail: str) -> str:
    """A French message for the library's parse error (``detail`` is its English message)."""
    where = re.search(r"-->\s*\d+:(\d+)", detail)
    col = int(where.group(1)) - 1 if where else 0
    token = text[col:].split(" ")[0].split(";")[0] or text[col : col + 1]
    if "unexpected normal_rule_separator" in detail or text[col : col + 1] == ";":
        return "règle vide (deux « ; » de suite ?)."
    if re.match(r"^\d{1,2}h", token):
        return f"plage horaire « {token} » invalide (attendu HH:MM-HH:MM)."
    span = re.match(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})", text[col:])
    if span and int(span.group(1)) > 24:
        return f"heure de début invalide dans « {span.group(0)} »."
    if "expected minute" in detail or "expected hour" in detail:
        spans = [m for m in re.finditer(r"\d{1,2}:\d{1,2}-\d{1,2}:\d{1,2}", text)]
        around = [m.group(0) for m in spans if m.start() <= col <= m.end()]
        return f"heure invalide dans « {around[0] if around else token} »."
    if re.match(r"^[A-Za-zÀ-ÿ]{2}", token) and (col == 0 or "small_range" in detail):
        return (
            f"jour « {token} » non reconnu (attendu Mo, Tu, We, Th, Fr, Sa, Su, "
            "PH jours fériés ou SH vacances scolaires)."
        )
    if text.count('"') % 2:
        return "guillemet non refermé dans le commentaire."
    return f"syntaxe non reconnue à partir de « {text[col : col + 20]} » (caractère {col + 1})."


def _comment_rules_unknown(text: str) -> str:
    """A rule made of a selector and a comment only (``Sa "sur rendez-vous"``) says nothing about
    the state: the library would call it open, we call it unknown (as opening_hours.js does)."""
    out = []
    for rule in re.split(r'(;|\|\|)(?=(?:[^"]*"[^"]*")*[^"]*$)', text):
        if rule in (";", "||"):
            out.append(rule)
            continue
        bare = _COMMENT_RE.sub("", rule)
        if _COMMENT_RE.search(rule) and not _TIME_OR_STATE_RE.search(bare):
            rule = _COMMENT_RE.sub(lambda m: "unknown " + m.group(0), rule, count=1)
        out.append(rule)
    return "".join(out)


@lru_cache(maxsize=4096)
def _compile(text: str) -> OpeningHours:
    try:
        return OpeningHours(text)
    except Exception as exc:  # the library raises its own ParserError (or SyntaxError)
        raise OpeningHoursError(_french_error(text, str(exc))) from exc


@lru_cache(maxsize=2048)
def parse(text: str) -> str:
    """Check ``text``; return it ready for evaluation (comment-only rules made unknown).
    Raise :class:`OpeningHoursError` (French) when invalid."""
    clean = text.strip()
    if not clean:
        raise OpeningHoursError("horaires vides.")
    _compile(clean)
    prepared = _comment_rules_unknown(clean)
    _compile(prepared)
    return prepared


def validate(text: str) -> str | None:
    """Return a French error message, or ``None`` when ``text`` is valid (empty is valid)."""
    if not text or not text.strip():
        return None
    try:
        parse(text)
    except OpeningHoursError as exc:
        return f"Horaires invalides : {exc}"
    return None


# --------------------------------------------------------------------------- evaluation


def _weekdays(sequence: str) -> set[int]:
    out: set[int] = set()
    for part in sequence.split(","):
        first, _, last = part.partition("-")
        i, end = DAYS.index(first), DAYS.index(last or first)
        while True:
            out.add(i)
            if i == end:
                break
            i = (i + 1) % 7
    return out


def _codes(days: set[int]) -> str:
    return ",".join(DAYS[i] for i in sorted(days))


def _for_days(prepared: str, *, ph: set[int], sh: set[int]) -> str:
    """``prepared`` with PH/SH replaced by the weekdays (of the evaluated day and the one before)
    that are public/school holidays; tokens standing for no holiday are kept (never match)."""

    def swap(match: re.Match[str]) -> str:
        hol = match.group("hol")
        if not hol or match.group("offset"):
            return match.group(0)
        days = ph if hol == "PH" else sh
        if match.group("and"):  # « SH Mo-Fr »: school-holiday days that are Monday to Friday
            both = days & _weekdays(match.group("wd"))
            return _codes(both) if both else hol
        return _codes(days) if days else hol

    return _TOKEN_RE.sub(swap, prepared)


def _local(at: datetime, *, commune: str) -> datetime:
    if at.tzinfo is None:
        return at
    return at.astimezone(time_zone(commune=commune)).replace(tzinfo=None)


def _day_variants(prepared: str, day: date, *, commune: str) -> list[OpeningHours]:
    """The evaluations of ``day`` (and the night before): one, or two when the school calendar
    is unknown and the text uses SH (SH on and off)."""
    pair = (day - timedelta(days=1), day)
    ph = {d.weekday() for d in pair if is_public_holiday(d, commune=commune)}
    uses_sh = "SH" in _COMMENT_RE.sub("", prepared)
    school = [is_school_holiday(d, commune=commune) for d in pair] if uses_sh else [False, False]
    if None in school:
        variants = [set(), {d.weekday() for d in pair}]
    else:
        variants = [{d.weekday() for d, on in zip(pair, school, strict=True) if on}]
    out = []
    for sh in variants:
        rewritten = _for_days(prepared, ph=ph, sh=sh)
        try:
            out.append(_compile(rewritten))
        except OpeningHoursError:
            out.append(_compile(prepared))
    return out


@dataclass(frozen=True)
class Now:
    open: (
        bool | None
    )  # None: unknown (the text says « unknown », or depends on an unknown calendar)
    comment: str  # e.g. « sur rendez-vous »; empty when none


def state(text: str, *, at: datetime, commune: str = "") -> Now:
    """The state of ``text`` at ``at`` where ``commune`` is (aware ``at`` converted to its zone)."""
    if not text or validate(text):
        return Now(None, "")
    local = _local(at, commune=commune)
    answers = set()
    for hours in _day_variants(parse(text), local.date(), commune=commune):
        current, comment = hours.state(local)
        opened = {State.OPEN: True, State.CLOSED: False}.get(current)
        answers.add((opened, comment))
    if len(answers) > 1:
        return Now(None, "")
    opened, comment = answers.pop()
    return Now(opened, comment)


def is_open(text: str, *, at: datetime, commune: str = "") -> bool | None:
    """Whether ``text`` says open at ``at``; ``None`` when the hours are unknown or invalid."""
    return state(text, at=at, commune=commune).open


# --------------------------------------------------------------------------- week view


@dataclass(frozen=True)
class DayHours:
    day: date
    label: str
    hours: str


def _clock(moment: datetime) -> str:
    return f"{moment.hour:02d} h {moment.minute:02d}"


def _day_text(hours: OpeningHours, day: date) -> str:
    start = datetime.combine(day, time())
    end = start + timedelta(days=1)
    parts = []
    for begin, finish, current, comment in hours.intervals(start - timedelta(days=1), end):
        if current == State.CLOSED or finish <= start:
            continue
        whole_day = begin <= start and finish >= end
        if not whole_day and not start <= begin < end:
            continue  # the end of the previous night's range
        if whole_day:
            span = _("24 h sur 24") if current == State.OPEN else ""
        else:
            span = f"{_clock(begin)} – {_clock(finish)}"
        if current == State.UNKNOWN:
            note = comment or _("horaires incertains")
            parts.append(f"{span} ({note})" if span else note)
        else:
            parts.append(f"{span} ({comment})" if comment else span)
    return ", ".join(parts) or _("fermé")


def week(text: str, *, start: date, commune: str = "", days: int = 7) -> list[DayHours] | None:
    """The next ``days`` days' opening hours in French; ``None`` when unknown or invalid."""
    if not text or validate(text):
        return None
    prepared = parse(text)
    uses_sh = "SH" in _COMMENT_RE.sub("", prepared)
    out = []
    for n in range(days):
        day = start + timedelta(days=n)
        label = DAY_LABELS[day.weekday()]
        if is_public_holiday(day, commune=commune):
            label += " " + _("(jour férié)")
        school = is_school_holiday(day, commune=commune) if uses_sh else False
        if school:
            label += " " + _("(vacances scolaires)")
        texts = [_day_text(v, day) for v in _day_variants(prepared, day, commune=commune)]
        hours = texts[0]
        if len(set(texts)) > 1:
            hours += _(" hors vacances scolaires (calendrier scolaire inconnu ici)")
        out.append(DayHours(day, label, hours))
    return out
