"""The national address geocoder of the IGN Géoplateforme (``/geocodage/search``).

The former API Adresse (``api-adresse.data.gouv.fr``) was shut down in early 2026; its
successor keeps the same query parameters (``q``, ``limit``, ``type``, ``postcode``,
``citycode``…) and the same GeoJSON answer: a ``FeatureCollection`` whose features carry a
point and the properties ``label``, ``score`` (0..1), ``citycode``, ``type`` (``housenumber``,
``street``, ``locality``, ``municipality``)…

``citycode`` takes one INSEE code per request (addok filter), so a territory of several
communes is asked once per commune, the requests running side by side under one deadline
(:data:`TIMEOUT_S`, ≤ 3 s): a page never waits longer, whatever the service does.

Plain ``urllib`` on purpose: one GET, no session, no dependency.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from maillage.territory.geo import in_france

log = logging.getLogger(__name__)

DEFAULT_URL = "https://data.geopf.fr/geocodage/search"
TIMEOUT_S = 3.0
MAX_BYTES = 1_000_000
MAX_COMMUNES = 20  # requests sent side by side for one query (the service allows 50/s)
SOURCE = "Géoplateforme"


@dataclass(frozen=True)
class Found:
    """The hits of a query, best first, and how many answers were dropped as outside France."""

    hits: list[Hit]
    outside: int = 0


@dataclass(frozen=True)
class Hit:
    """One answer of the service: a point (WGS84) with its label and score."""

    label: str
    lon: float
    lat: float
    score: float
    citycode: str = ""
    kind: str = ""


class GeocoderUnavailable(Exception):
    """The service did not answer in time, refused the request or sent something unreadable.

    ``str(exc)`` is a French sentence for the user."""


def unreachable_message() -> str:
    return _(
        "Le service de recherche d'adresse de la Géoplateforme (IGN) ne répond pas ; "
        "réessayez plus tard ou placez la fiche en cliquant sur la carte."
    )


def configured_url() -> str:
    """The configured service address (``MAILLAGE_GEOCODER_URL``), ``""`` when disabled."""
    return (getattr(settings, "GEOCODER_URL", "") or "").strip()


def _request_url(base: str, query: str, *, citycode: str | None, limit: int) -> str:
    params = {"q": query}
    if citycode:
        params["citycode"] = citycode
    params["limit"] = str(limit)
    separator = "&" if "?" in base else "?"
    return base + separator + urllib.parse.urlencode(params)


def _hits(payload: object) -> list[Hit]:
    """The features of a GeoJSON answer as hits; a feature without a usable point is skipped."""
    if not isinstance(payload, dict) or not isinstance(payload.get("features"), list):
        raise ValueError("not a FeatureCollection")
    hits = []
    for feature in payload["features"]:
        try:
            lon, lat = (float(v) for v in feature["geometry"]["coordinates"][:2])
        except (KeyError, TypeError, ValueError):
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            props = {}
        try:
            score = min(max(float(props.get("score", 0.0)), 0.0), 1.0)
        except (TypeError, ValueError):
            score = 0.0
        hits.append(
            Hit(
                label=str(props.get("label") or ""),
                lon=lon,
                lat=lat,
                score=score,
                citycode=str(props.get("citycode") or ""),
                kind=str(props.get("type") or ""),
            )
        )
    return hits


def _fetch(url: str, *, timeout_s: float) -> list[Hit]:
    with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 (configured)
        return _hits(json.loads(response.read(MAX_BYTES)))


def search(
    query: str,
    *,
    citycodes: Sequence[str] = (),
    limit: int = 5,
    url: str | None = None,
    timeout_s: float | None = None,
) -> Found:
    """Hits for ``query``, best first, at most ``limit``, inside France only.

    With ``citycodes``, one request per commune (filter ``citycode``), all within one deadline
    of ``timeout_s`` seconds; a hit of another commune is dropped. Raises
    :class:`GeocoderUnavailable` (French message) when the service is not configured, does not
    answer in time, answers an HTTP error or something that is not GeoJSON.
    """
    base = configured_url() if url is None else url.strip()
    timeout_s = TIMEOUT_S if timeout_s is None else min(timeout_s, TIMEOUT_S)
    query = " ".join((query or "").split())[:200]
    if not base:
        raise GeocoderUnavailable(_("Aucun service de recherche d'adresse n'est configuré."))
    if len(query) < 3:
        return Found(hits=[])
    codes = list(dict.fromkeys(c for c in citycodes if c))[:MAX_COMMUNES]
    urls = [
        _request_url(base, query, citycode=c, limit=limit) for c in (codes if codes else [None])
    ]
    pool = ThreadPoolExecutor(max_workers=len(urls), thread_name_prefix="geocoder")
    try:
        futures = [pool.submit(_fetch, u, timeout_s=timeout_s) for u in urls]
        done, pending = wait(futures, timeout=timeout_s, return_when=FIRST_EXCEPTION)
        failed = [f for f in done if f.exception() is not None]
        if pending or failed:
            reason = failed[0].exception() if failed else TimeoutError(f"> {timeout_s} s")
            log.warning("geocoder unavailable (%s): %s", base, reason)
            raise GeocoderUnavailable(unreachable_message())
        hits = [h for f in futures for h in f.result()]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    wanted = {c for c in codes if c}
    inside = [h for h in hits if in_france(h.lon, h.lat)]
    kept = [h for h in inside if not wanted or not h.citycode or h.citycode in wanted]
    kept = list({(h.label, h.lon, h.lat): h for h in kept}.values())  # one per place
    kept.sort(key=lambda h: -h.score)
    return Found(hits=kept[:limit], outside=len(hits) - len(inside))
