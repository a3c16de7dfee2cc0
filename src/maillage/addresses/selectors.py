"""Geocoding for a territory: :func:`geocode` (candidates with a score) and :func:`locate`
(the best position or a French message).

The local BAN table answers first when it holds addresses of the territory's communes
(loaded with ``maillage adresses charger``); otherwise — or when it finds nothing — the IGN
Géoplateforme answers when ``MAILLAGE_GEOCODER_URL`` is set (the default), filtered on the
territory's communes, within 3 s.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.core.cache import cache
from django.utils.translation import gettext as _

from maillage.integrations import geoplateforme
from maillage.territory.models import Territory

from .matching import Street, StreetIndex
from .models import Address, AddressLoad
from .normalize import parse_query, rep_match

Source = Literal["BAN", "Géoplateforme"]
MIN_SCORE = 0.5  # below, a local answer is not proposed
STREETS = 3  # streets whose numbers are looked at, best first


@dataclass(frozen=True)
class Candidate:
    """A proposed position for an address: the coordinator confirms one."""

    label: str
    lon: float
    lat: float
    score: float  # 0..1
    source: Source
    citycode: str = ""
    kind: str = ""  # housenumber, street…


@dataclass(frozen=True)
class GeocodeAnswer:
    candidates: list[Candidate] = field(default_factory=list)
    error: str | None = None  # French, when the online service is unreachable
    outside: int = 0  # answers dropped because outside France

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def territory_insee_codes(territory: Territory) -> list[str]:
    """INSEE codes of the territory's communes, read once per version of its data."""
    key = f"addresses-codes:{territory.pk}:{territory.data_version}"
    codes: list[str] | None = cache.get(key)
    if codes is None:
        codes = sorted(territory.communes.values_list("insee_code", flat=True))
        cache.set(key, codes, 3600)
    return codes


def local_available(*, territory: Territory) -> bool:
    """Whether the BAN table holds addresses of the territory's communes (asked by every
    directory search): read once per version of the territory's data — a BAN load bumps the
    version of every territory whose communes it covers (:func:`..services.ban_load`)."""
    key = f"addresses-local:{territory.pk}:{territory.data_version}"
    found: bool | None = cache.get(key)
    if found is None:
        found = Address.objects.filter(code_insee__in=territory_insee_codes(territory)).exists()
        cache.set(key, found, 3600)
    return found


def online_available() -> bool:
    return bool(geoplateforme.configured_url())


def geocoding_available(*, territory: Territory) -> bool:
    """Whether an address can be turned into a position (locally or online)."""
    return online_available() or local_available(territory=territory)


# --------------------------------------------------------------------------- local index

_INDEXES: dict[tuple[str, tuple[str, ...]], StreetIndex] = {}
_LOCK = threading.Lock()


def _street_index(codes: list[str]) -> StreetIndex:
    """The streets of the communes ``codes``, built once per load of the BAN (any load
    changes the newest token, so a reload is seen by every process)."""
    token = AddressLoad.objects.order_by("-pk").values_list("token", flat=True).first() or ""
    key = (token, tuple(codes))
    found = _INDEXES.get(key)
    if found is not None:
        return found
    rows = (
        Address.objects.filter(code_insee__in=codes)
        .order_by("code_insee", "voie_key", "numero", "rep", "pk")
        .values_list(
            "code_insee",
            "voie_key",
            "nom_voie",
            "code_postal",
            "nom_commune",
            "numero",
            "rep",
            "lon",
            "lat",
        )  # fmt: skip
        .iterator(chunk_size=5000)
    )
    streets = []
    current: tuple[str, str] | None = None
    head: tuple[str, str, str, str, str] = ("", "", "", "", "")
    numbers: list[tuple[int | None, str, float, float]] = []
    for code, key_, name, postcode, commune, numero, rep, lon, lat in rows:
        if (code, key_) != current:
            if current is not None:
                streets.append(Street(*head, addresses=tuple(numbers)))
            current, head, numbers = (code, key_), (code, key_, name, postcode, commune), []
        numbers.append((numero, rep, lon, lat))
    if current is not None:
        streets.append(Street(*head, addresses=tuple(numbers)))
    index = StreetIndex.build(streets)
    with _LOCK:
        for old in [k for k in _INDEXES if k[0] != token]:
            del _INDEXES[old]
        _INDEXES[key] = index
    return index


def _number_factor(numero: int | None, rep: str, found: int | None, found_rep: str) -> float:
    if numero is None:
        return 0.7
    if found == numero:
        match = rep_match(rep, found_rep)
        if match:
            return match
        return 0.85 if rep and not found_rep else 0.8
    gap = abs((found or 0) - numero)
    same_side = (found or 0) % 2 == numero % 2
    return max(0.4, (0.65 if same_side else 0.55) - 0.02 * gap)


def _label(street: Street, numero: int | None, rep: str) -> str:
    number = f"{numero} {rep}".strip() if numero else ""
    return " ".join(
        p for p in (number, street.nom_voie, street.code_postal, street.nom_commune) if p
    )


AddressRow = tuple[int | None, str, float, float]  # (numero, rep, lon, lat)


def _nearest(addresses: Sequence[AddressRow], numero: int, rep: str) -> list[AddressRow]:
    """The two addresses of a street that best answer « numero rep »: the same number (the
    right index first), else the nearest numbers."""
    same = [a for a in addresses if a[0] == numero]
    same.sort(key=lambda a: -_number_factor(numero, rep, a[0], a[1]))
    if len(same) >= 2:
        return same[:2]
    others = sorted(
        (a for a in addresses if a[0] != numero), key=lambda a: abs((a[0] or 0) - numero)
    )[:4]
    others.sort(key=lambda a: -_number_factor(numero, rep, a[0], a[1]))
    return [*same, *others][:2]


def geocode_local(
    *, territory: Territory, query: str, limit: int = 5, index: StreetIndex | None = None
) -> list[Candidate]:
    """Candidates from the BAN table for ``query`` in the territory's communes."""
    if index is None:
        index = _street_index(territory_insee_codes(territory))
    if not len(index):
        return []
    parsed = parse_query(query, commune_names=index.commune_names)
    wanted = {s.code_insee for s in index.streets if parsed.postcode == s.code_postal} or None
    out: list[Candidate] = []
    for street, street_score in index.search(parsed.street, codes=wanted, limit=STREETS):
        if street_score < MIN_SCORE or not street.addresses:
            continue
        if parsed.numero is None:
            numero, rep, lon, lat = street.addresses[len(street.addresses) // 2]
            label = _("%(voie)s %(cp)s %(commune)s (milieu de la voie)") % {
                "voie": street.nom_voie,
                "cp": street.code_postal,
                "commune": street.nom_commune,
            }
            picks = [(0.7, label, lon, lat, "street")]
        else:
            ranked = _nearest(street.addresses, parsed.numero, parsed.rep)
            picks = [
                (
                    _number_factor(parsed.numero, parsed.rep, numero, rep),
                    _label(street, numero, rep),
                    lon,
                    lat,
                    "housenumber",
                )
                for numero, rep, lon, lat in ranked
            ]
        for factor, label, lon, lat, kind in picks:
            out.append(
                Candidate(
                    label=label,
                    lon=lon,
                    lat=lat,
                    score=round(street_score * factor, 3),
                    source="BAN",
                    citycode=street.code_insee,
                    kind=kind,
                )
            )
    out = [c for c in out if c.score >= MIN_SCORE * 0.8]
    out.sort(key=lambda c: -c.score)
    unique: dict[str, Candidate] = {}
    for c in out:
        unique.setdefault(c.label, c)
    return list(unique.values())[:limit]


# --------------------------------------------------------------------------- the contract


def geocode(*, territory: Territory, query: str, limit: int = 5) -> GeocodeAnswer:
    """Positions proposed for the address ``query`` in the territory, best first.

    Local BAN table first when it holds the territory's communes; the Géoplateforme (filter
    ``citycode`` on each commune of the CTG) when the table is not loaded or finds nothing and
    the service is configured. ``error`` is a French message when the service is unreachable
    (never raised: the page goes on).
    """
    query = (query or "").strip()[:200]
    if not query:
        return GeocodeAnswer()
    codes = territory_insee_codes(territory)
    index = _street_index(codes)
    if len(index):  # the BAN table holds the territory's communes
        local = geocode_local(territory=territory, query=query, limit=limit, index=index)
        if local or not online_available():
            return GeocodeAnswer(candidates=local)
    if not online_available():
        return GeocodeAnswer()
    try:
        found = geoplateforme.search(query, citycodes=territory_insee_codes(territory), limit=limit)
    except geoplateforme.GeocoderUnavailable as exc:
        return GeocodeAnswer(error=str(exc))
    return GeocodeAnswer(
        candidates=[
            Candidate(
                label=h.label or query,
                lon=h.lon,
                lat=h.lat,
                score=h.score,
                source="Géoplateforme",
                citycode=h.citycode,
                kind=h.kind,
            )
            for h in found.hits
        ],
        outside=found.outside,
    )


def locate(*, territory: Territory, query: str) -> tuple[float, float] | str:
    """(lon, lat) of the best candidate for ``query``, or a French message saying why not."""
    answer = geocode(territory=territory, query=query, limit=1)
    if answer.error:
        return answer.error
    if answer.best is None:
        if answer.outside:
            return _("Adresse introuvable en France.")
        return _("Adresse introuvable : précisez le numéro, la rue et la commune.")
    return answer.best.lon, answer.best.lat
