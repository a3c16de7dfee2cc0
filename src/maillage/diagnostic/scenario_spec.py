"""Scenario description (file or database) → validated :class:`ScenarioSpec`.

The file format (YAML or JSON) is documented in ``docs/scenarios.md``. Validation is complete
before anything runs: every error names its field (``changes[2].places``) in French, and
:class:`ScenarioError` carries them all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import yaml
from django.utils.translation import gettext as _

from maillage.directory.models import Typology
from maillage.territory.geo import geojson_to_l93, in_france, l93_to_lonlat, lonlat_to_l93
from maillage.territory.models import Territory

from .inputs import Demand, SiteRow
from .themes import PUBLICS, THEMES, ParameterError, distance_get, public_get, theme_get

FORMAT_VERSION = 1
BUFFER_M = 500.0
MAX_FILE_BYTES = 1_000_000
ACTIONS = ("add", "move", "close", "resize")
TOP_FIELDS = {
    "format",
    "territory",
    "name",
    "description",
    "theme",
    "public",
    "distance_m",
    "horizon",
    "changes",
    "housing",
}
CHANGE_FIELDS = {"action", "structure", "name", "typology", "places", "lon", "lat", "zone"}
HOUSING_FIELDS = {
    "name",
    "dwellings",
    "lon",
    "lat",
    "zone",
    "delivery_year",
    "persons_per_dwelling",
    "age_shares",
    "note",
}


class ScenarioError(ValueError):
    """Invalid scenario: ``errors`` lists ``(field, message)``; nothing was run nor saved."""

    def __init__(self, errors: list[tuple[str, str]], *, source: str = "") -> None:
        self.errors = errors
        self.source = source
        head = (
            _("Scénario refusé") + (f" ({source})" if source else "") + _(", rien n'a été calculé")
        )
        lines = "\n".join(f"  - « {f} » : {m}" for f, m in errors)
        super().__init__(f"{head} :\n{lines}")


@dataclass(frozen=True)
class Place:
    """A position: Lambert-93 metres and WGS84, with how it was given."""

    x: float
    y: float
    lon: float
    lat: float
    zone: str = ""


@dataclass(frozen=True)
class ChangeSpec:
    action: str
    structure: SiteRow | None = None
    name: str = ""
    typology: str = ""
    places: int | None = None
    place: Place | None = None


@dataclass(frozen=True)
class HousingSpec:
    name: str
    dwellings: int
    delivery_year: int
    place: Place
    persons_per_dwelling: float | None = None
    age_shares: dict[str, float] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True, eq=False)
class ScenarioSpec:
    territory: Territory
    name: str
    description: str
    theme: str
    public: str
    max_distance_m: float
    horizon_year: int | None
    changes: tuple[ChangeSpec, ...]
    housing: tuple[HousingSpec, ...]


def read_scenario_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML or JSON scenario file; :class:`ScenarioError` when unreadable."""
    p = Path(path)
    name = p.name
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ScenarioError([("fichier", _("lecture impossible (%s).") % exc.strerror)]) from exc
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError([("fichier", _("fichier trop gros (1 Mo au plus)."))], source=name)
    try:
        text = data.decode("utf-8-sig")
        parsed = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError(
            [("fichier", _("YAML ou JSON illisible : %s") % str(exc).splitlines()[0])],
            source=name,
        ) from exc
    if not isinstance(parsed, dict):
        raise ScenarioError([("fichier", _("un objet (clé : valeur) est attendu."))], source=name)
    return parsed


class _Checker:
    """Collects errors while reading fields."""

    def __init__(self, territory: Territory, demand: Demand, sites: tuple[SiteRow, ...]) -> None:
        self.errors: list[tuple[str, str]] = []
        self.territory = territory
        self.demand = demand
        self.by_slug = {s.slug: s for s in sites}
        self.by_id = {s.id: s for s in sites}
        self.zone_codes = {z.code: j for j, z in enumerate(demand.zones)}
        self._area = None

    def error(self, name: str, message: str) -> None:
        self.errors.append((name, message))

    def unknown(self, data: dict, allowed: set[str], prefix: str) -> None:
        for key in data:
            if key not in allowed:
                self.error(
                    f"{prefix}{key}",
                    _("champ inconnu (attendus : %s).") % ", ".join(sorted(allowed)),
                )

    def text(self, data: dict, key: str, name: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error(name, _("champ obligatoire."))
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.error(name, _("texte attendu."))
            return ""
        return str(value).strip()[:200]

    def integer(self, data: dict, key: str, name: str, *, lo: int, hi: int, required: bool):
        value = data.get(key)
        if value is None:
            if required:
                self.error(name, _("champ obligatoire."))
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            self.error(name, _("nombre entier attendu, reçu « %s ».") % value)
            return None
        if not lo <= value <= hi:
            self.error(
                name,
                _("valeur attendue entre %(lo)d et %(hi)d, reçu %(v)s.")
                % {"lo": lo, "hi": hi, "v": value},
            )
            return None
        return int(value)

    def number(self, data: dict, key: str, name: str, *, lo: float, hi: float):
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
            self.error(name, _("nombre attendu, reçu « %s ».") % value)
            return None
        if not lo <= value <= hi:
            self.error(
                name,
                _("valeur attendue entre %(lo)s et %(hi)s, reçu %(v)s.")
                % {"lo": lo, "hi": hi, "v": value},
            )
            return None
        return float(value)

    def structure(self, data: dict, name: str) -> SiteRow | None:
        ref = data.get("structure")
        if ref is None or ref == "":
            self.error(name, _("champ obligatoire (identifiant ou numéro de la structure)."))
            return None
        site = self.by_id.get(ref) if isinstance(ref, int) else self.by_slug.get(str(ref))
        if site is None and isinstance(ref, str) and ref.isdigit():
            site = self.by_id.get(int(ref))
        if site is None:
            self.error(
                name, _("structure « %s » inconnue (ou non publiée) sur ce territoire.") % ref
            )
        return site

    def area(self):
        if self._area is None:
            shapes = [
                geojson_to_l93(c.boundary) for c in self.territory.communes.all() if c.boundary
            ]
            if shapes:
                self._area = shapely.union_all(shapes).buffer(BUFFER_M)
            else:  # no boundary: the cells' extent
                xy = self.demand.xy
                self._area = shapely.box(*xy.min(axis=0), *xy.max(axis=0)).buffer(BUFFER_M)
        return self._area

    def place(self, data: dict, prefix: str, *, required: bool) -> Place | None:
        has_zone = data.get("zone") not in (None, "")
        has_pos = data.get("lon") is not None or data.get("lat") is not None
        if has_zone and has_pos:
            self.error(f"{prefix}zone", _("donner soit une zone, soit lon/lat, pas les deux."))
            return None
        if has_zone:
            code = str(data["zone"]).strip()
            if code not in self.zone_codes:
                self.error(
                    f"{prefix}zone",
                    _("zone « %(code)s » inconnue (codes IRIS ou QPV du territoire : %(codes)s).")
                    % {"code": code, "codes": ", ".join(self.zone_codes)},
                )
                return None
            return self.zone_centre(code, prefix)
        if not has_pos:
            if required:
                self.error(f"{prefix}lon", _("position obligatoire : lon et lat, ou zone."))
            return None
        lon = self.number(data, "lon", f"{prefix}lon", lo=-180, hi=180)
        lat = self.number(data, "lat", f"{prefix}lat", lo=-90, hi=90)
        for key in ("lon", "lat"):
            if data.get(key) is None:
                self.error(f"{prefix}{key}", _("lon et lat vont ensemble (degrés WGS84)."))
        if lon is None or lat is None:
            return None
        if not in_france(lon, lat):
            self.error(f"{prefix}lon", _("position hors de France (lon/lat en degrés WGS84 ?)."))
            return None
        x, y = (float(v) for v in lonlat_to_l93(lon, lat))
        if not self.area().contains(shapely.Point(x, y)):
            self.error(
                f"{prefix}lon",
                _(
                    "position (%(lon)s, %(lat)s) hors du territoire "
                    "(communes de la CTG + %(b).0f m)."
                )
                % {"lon": lon, "lat": lat, "b": BUFFER_M},
            )
            return None
        return Place(x, y, lon, lat)

    def zone_centre(self, code: str, prefix: str) -> Place | None:
        j = self.zone_codes[code]
        col = self.demand.zone_weights[:, [j]].toarray().ravel()
        w = col * (self.demand.population > 0)
        if w.sum() <= 0:
            self.error(f"{prefix}zone", _("la zone « %s » n'a aucun carreau peuplé.") % code)
            return None
        x, y = (w @ self.demand.xy) / w.sum()
        lon, lat = (float(v) for v in l93_to_lonlat(x, y))
        return Place(float(x), float(y), lon, lat, zone=code)


def _change(c: _Checker, data: Any, k: int) -> ChangeSpec | None:
    prefix = f"changes[{k}]."
    if not isinstance(data, dict):
        c.error(f"changes[{k}]", _("un objet (action, structure…) est attendu."))
        return None
    c.unknown(data, CHANGE_FIELDS, prefix)
    action = c.text(data, "action", f"{prefix}action", required=True)
    if action and action not in ACTIONS:
        c.error(
            f"{prefix}action",
            _("action « %(a)s » inconnue (attendu : %(all)s).")
            % {"a": action, "all": ", ".join(ACTIONS)},
        )
        return None
    if action == "add":
        name = c.text(data, "name", f"{prefix}name", required=True)
        typology = c.text(data, "typology", f"{prefix}typology", required=True)
        if typology and not Typology.objects.filter(code=typology).exists():
            c.error(f"{prefix}typology", _("typologie « %s » inconnue.") % typology)
        places = c.integer(data, "places", f"{prefix}places", lo=0, hi=10_000, required=False)
        place = c.place(data, prefix, required=True)
        return ChangeSpec("add", None, name, typology, places, place)
    if action in ("move", "close", "resize"):
        site = c.structure(data, f"{prefix}structure")
        places = place = None
        if action == "move":
            place = c.place(data, prefix, required=True)
        if action == "resize":
            places = c.integer(data, "places", f"{prefix}places", lo=0, hi=10_000, required=True)
        return ChangeSpec(action, site, places=places, place=place)
    return None


def _housing(c: _Checker, data: Any, k: int) -> HousingSpec | None:
    prefix = f"housing[{k}]."
    if not isinstance(data, dict):
        c.error(f"housing[{k}]", _("un objet (name, dwellings…) est attendu."))
        return None
    c.unknown(data, HOUSING_FIELDS, prefix)
    name = c.text(data, "name", f"{prefix}name", required=True)
    dwellings = c.integer(data, "dwellings", f"{prefix}dwellings", lo=0, hi=100_000, required=True)
    year = c.integer(
        data, "delivery_year", f"{prefix}delivery_year", lo=2000, hi=2100, required=True
    )
    ppd = c.number(data, "persons_per_dwelling", f"{prefix}persons_per_dwelling", lo=0.5, hi=10)
    shares: dict[str, float] = {}
    raw = data.get("age_shares") or {}
    if not isinstance(raw, dict):
        c.error(f"{prefix}age_shares", _('objet attendu, ex. {"0-2": 0.04}.'))
        raw = {}
    for public in raw:
        if public not in PUBLICS or public == "tous":
            c.error(
                f"{prefix}age_shares.{public}",
                _("public inconnu (attendu : %s).") % ", ".join(p for p in PUBLICS if p != "tous"),
            )
            continue
        v = c.number(raw, public, f"{prefix}age_shares.{public}", lo=0.0, hi=1.0)
        if v is not None:
            shares[public] = v
    note = c.text(data, "note", f"{prefix}note")
    place = c.place(data, prefix, required=True)
    if dwellings is None or year is None or place is None or not name:
        return None
    return HousingSpec(name, dwellings, year, place, ppd, shares, note)


def parse_scenario(
    data: dict[str, Any],
    *,
    territory: Territory,
    demand: Demand,
    sites: tuple[SiteRow, ...],
    source: str = "",
) -> ScenarioSpec:
    """Validate a scenario description against the territory; raise :class:`ScenarioError`."""
    c = _Checker(territory, demand, sites)
    c.unknown(data, TOP_FIELDS, "")
    fmt = data.get("format", FORMAT_VERSION)
    if fmt != FORMAT_VERSION:
        c.error(
            "format",
            _("version %(v)s non prise en charge (attendu : %(f)d).")
            % {"v": fmt, "f": FORMAT_VERSION},
        )
    slug = data.get("territory")
    if slug not in (None, territory.slug):
        c.error(
            "territory",
            _("« %(s)s » ne correspond pas au territoire « %(t)s ».")
            % {"s": slug, "t": territory.slug},
        )
    name = c.text(data, "name", "name", required=True)
    description = str(data.get("description") or "")[:5000]
    theme = public = ""
    distance = 0.0
    try:
        theme = theme_get(str(data.get("theme") or "petite-enfance")).slug
        public = public_get(data.get("public"), theme=THEMES[theme])
    except ParameterError as exc:
        c.error(exc.field, str(exc).split(" : ", 1)[-1])
    try:
        distance = distance_get(data.get("distance_m"))
    except ParameterError as exc:
        c.error("distance_m", str(exc).split(" : ", 1)[-1])
    horizon = c.integer(data, "horizon", "horizon", lo=2000, hi=2100, required=False)
    lists = {}
    for key in ("changes", "housing"):
        value = data.get(key) or []
        if not isinstance(value, list):
            c.error(key, _("liste attendue."))
            value = []
        lists[key] = value
    changes = [_change(c, item, k) for k, item in enumerate(lists["changes"])]
    housing = [_housing(c, item, k) for k, item in enumerate(lists["housing"])]
    if not lists["changes"] and not lists["housing"]:
        c.error("changes", _("aucun changement ni projet de logements."))
    if c.errors:
        raise ScenarioError(c.errors, source=source)
    return ScenarioSpec(
        territory=territory,
        name=name,
        description=description,
        theme=theme,
        public=public,
        max_distance_m=distance,
        horizon_year=horizon,
        changes=tuple(x for x in changes if x is not None),
        housing=tuple(x for x in housing if x is not None),
    )
