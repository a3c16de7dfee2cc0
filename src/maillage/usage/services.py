"""Writes of the audience measurement: one counter incremented per event, nothing else.

A request is counted only when it is a plain page view by a person: a ``GET`` (a ``POST``,
``HEAD`` or a browser's prefetch is not), from a browser (a request without ``User-Agent`` or
whose ``User-Agent`` names a robot, a script or a headless browser is not), by an anonymous
visitor (partners and the coordination checking fiches would inflate the figures), who has not
asked not to be followed (``Sec-GPC: 1`` or ``DNT: 1``: the visitor's objection, as the CNIL
asks). The ``User-Agent`` is read to decide and never stored; nothing about the visitor is.

The increment is atomic on SQLite and PostgreSQL: ``UPDATE … SET count = count + 1`` on the
row, or its creation, retried as an update when another request created it first (the unique
constraint decides). A failure is logged and never breaks the page being served.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from .models import DailyCount, Kind

log = logging.getLogger(__name__)

KEY_MAX_LENGTH = DailyCount._meta.get_field("key").max_length or 300
ROBOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|preview|headless|lighthouse"
    r"|curl|wget|python|httpx|aiohttp|go-http|java/|libwww|okhttp|scrapy|node-fetch|axios",
    re.IGNORECASE,
)
#: Criteria of a directory search that are counted, each a value chosen from the form's lists
#: (codes, an age in years); free text and positions are never stored, only their presence.
SEARCH_CRITERIA = ("thematique", "public", "age", "quartier", "typology")
SEARCH_FLAGS = (("q", "texte"), ("lat", "position"))


def is_counted(request: HttpRequest, *, method: str = "GET") -> bool:
    """Whether ``request`` is a page view (or, with ``method="POST"``, a form sent) by a
    person who did not object (see the module)."""
    if request.method != method:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    headers = request.headers
    agent = headers.get("User-Agent", "")
    if not agent or ROBOT.search(agent):
        return False
    if headers.get("Sec-GPC") == "1" or headers.get("DNT") == "1":
        return False
    purpose = f"{headers.get('Sec-Purpose', '')} {headers.get('Purpose', '')}".lower()
    return "prefetch" not in purpose and "prerender" not in purpose


def record(*, territory: Any, kind: str, key: str = "", day: dt.date | None = None) -> None:
    """Add one to the counter of ``kind``/``key`` of ``territory`` for ``day`` (today)."""
    if kind not in Kind.values:
        raise ValueError(f"unknown usage kind {kind!r}")
    fields = {
        "territory_id": territory.pk,
        "day": day or timezone.localdate(),
        "kind": kind,
        "key": key[:KEY_MAX_LENGTH],
    }
    try:
        with transaction.atomic():
            rows = DailyCount.objects.filter(**fields)
            if rows.update(count=F("count") + 1):
                return
            try:
                with transaction.atomic():
                    DailyCount.objects.create(**fields, count=1)
            except IntegrityError:  # created by a concurrent request since the update
                rows.update(count=F("count") + 1)
    except DatabaseError:
        log.warning("Mesure d'audience : compte %s non enregistré", kind, exc_info=True)


def count(request: HttpRequest, territory: Any, kind: str, key: str = "") -> None:
    """Count ``kind`` once for ``request`` if it is counted (:func:`is_counted`)."""
    if is_counted(request):
        record(territory=territory, kind=kind, key=key)


def search_key(data: dict[str, Any]) -> str:
    """The stored key of a search: its criteria chosen from lists (sorted ``name=value``
    pairs) and whether it had free text or a position — never the text or the position."""
    pairs = [
        (name, str(data[name])) for name in SEARCH_CRITERIA if data.get(name) not in (None, "")
    ]
    pairs += [(flag, "1") for name, flag in SEARCH_FLAGS if data.get(name) not in (None, "")]
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def parse_key(key: str) -> dict[str, str]:
    """The criteria of a search key (:func:`search_key`) as a dict."""
    return dict(part.split("=", 1) for part in key.split("&") if "=" in part)


def count_search(request: HttpRequest, territory: Any, form: Any, result: Any) -> None:
    """Count a directory search: a visit without criteria, a search (first page only, not an
    htmx history restore) and, when nothing matched, a search without result."""
    if result is None or request.headers.get("HX-History-Restore-Request"):
        return
    if not form.is_bound:
        count(request, territory, Kind.DIRECTORY)
        return
    data = form.cleaned_data
    if (data.get("page") or 1) > 1 or not is_counted(request):
        return
    key = search_key(data)
    if not key:
        record(territory=territory, kind=Kind.DIRECTORY)
        return
    record(territory=territory, kind=Kind.SEARCH, key=key)
    if result.total == 0:
        record(territory=territory, kind=Kind.SEARCH_EMPTY, key=key)


def guide_key(*, quartier: str | None, theme: str | None) -> str:
    """The key of a guide download: its quartier and theme (both chosen from lists)."""
    return "&".join(f"{n}={v}" for n, v in (("quartier", quartier), ("theme", theme)) if v)


def count_guide(
    request: HttpRequest, territory: Any, *, quartier: str | None, theme: str | None
) -> None:
    """Count a download of the printed guide, with its quartier and theme."""
    count(request, territory, Kind.GUIDE, guide_key(quartier=quartier, theme=theme))


def count_guide_job(
    request: HttpRequest, territory: Any, *, quartier: str | None, theme: str | None
) -> None:
    """Count a printed guide asked for in the background (the visitor's ``POST``; the job's own
    rebuilt request has no browser and is never counted)."""
    if is_counted(request, method="POST"):
        record(territory=territory, kind=Kind.GUIDE, key=guide_key(quartier=quartier, theme=theme))
