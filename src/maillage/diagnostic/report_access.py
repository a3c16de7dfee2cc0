"""The accessibility part of the diagnostic, read from :mod:`maillage.diagnostic` selectors.

Coverage (CNAF rate and 2SFCA by IRIS), zones blanches and accessibility by zone for each CTG
theme, and the before/after comparison of a scenario. This module only gathers the selectors'
cached result objects and shapes them for rendering; it computes nothing itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maillage.territory.models import Territory

    from .report_sections import ZonePopulation
    from .results import (
        Accessibility,
        Coverage,
        ScenarioComparison,
        WhiteZones,
    )


def _themes() -> tuple[tuple[str, str, str], ...]:
    """The six themes of the CTG as (slug, French label, default public)."""
    from .themes import THEMES as DIAG_THEMES

    return tuple((t.slug, str(t.label), t.default_public) for t in DIAG_THEMES.values())


THEMES = _themes()
THEME_LABELS = {code: label for code, label, _ in THEMES}
DEFAULT_DISTANCE_M = 1000
MIN_DISTANCE_M = 100
MAX_DISTANCE_M = 10_000


@dataclass(frozen=True)
class ThemeAccess:
    """Zones blanches and accessibility of one theme (or why they could not be computed)."""

    theme: str
    theme_label: str
    public: str
    white: WhiteZones | None
    accessibility: Accessibility | None
    error: str = ""


def _concerned_population(theme: ThemeAccess) -> float:
    """The target population a theme's zones blanches concern (0 when not computed)."""
    if theme.white is None:
        return 0.0
    return theme.white.concerned_population or 0.0


@dataclass(frozen=True)
class AccessSection:
    coverage: Coverage | None
    coverage_error: str
    themes: list[ThemeAccess]
    max_distance_m: float

    @property
    def zone_coverage(self) -> dict[str, float]:
        if self.coverage is None:
            return {}
        return {z.code: z.value for z in self.coverage.zones if z.value is not None}

    @property
    def main_white(self) -> ThemeAccess | None:
        """The theme whose zones blanches concern the largest target population."""
        with_white = [
            t
            for t in self.themes
            if t.white is not None and t.white.validity.computable and t.white.zones
        ]
        return max(with_white, key=_concerned_population, default=None)

    @property
    def white_zone_geometries(self) -> list[tuple[dict, str]]:
        main = self.main_white
        if main is None or main.white is None:
            return []
        return [(z.geometry, f"{z.rank}") for z in main.white.zones]

    @property
    def white_zones_title(self) -> str:
        main = self.main_white
        if main is None or main.white is None:
            return "Zones blanches"
        return (
            f"Zones blanches — {main.theme_label} ({main.white.target_label}, "
            f"{int(main.white.max_distance_m)} m)"
        )

    @property
    def excluded(self) -> list:
        """Structures left out of at least one computation (« à localiser »…), once each."""
        seen: dict[int, Any] = {}
        results = [self.coverage] + [t.white for t in self.themes]
        for r in results:
            for e in getattr(r, "excluded", None) or []:
                seen.setdefault(e.id, e)
        return sorted(seen.values(), key=lambda e: e.name)

    def table(self, name: str) -> tuple[list[dict], list[tuple[str, str]]]:
        if name == "couverture":
            rows = self.coverage.display_rows("zone") if self.coverage else []
            return rows, [
                ("zone", "Type de zone"),
                ("code", "Code"),
                ("nom", "Nom"),
                ("enfants_0_2", "Enfants de moins de 3 ans (estimés)"),
                ("taux", "Places pour 100 enfants"),
            ]
        rows = []
        for t in self.themes:
            if t.white is None:
                continue
            # display_rows: a non calculable theme gets one row with its reason, not « 0 ».
            for r in t.white.display_rows("rang"):
                rows.append({"theme": t.theme_label, "public": t.white.target_label, **r})
        return rows, [
            ("theme", "Thème"),
            ("public", "Public"),
            ("rang", "Rang"),
            ("population", "Population cible concernée"),
            ("en_qpv", "Dont en QPV"),
            ("carreaux", "Carreaux de 200 m"),
            ("km2", "Surface (km²)"),
            ("zones", "IRIS / QPV touchés"),
        ]


@dataclass(frozen=True)
class ScenarioSection:
    """A scenario's before/after comparison, as shown next to the current diagnostic."""

    name: str
    slug: str  # stable cache token: scenario id (or file name) + a hash of its comparison
    comparison: ScenarioComparison
    zone_before: dict[str, float] = field(default_factory=dict)
    zone_after: dict[str, float] = field(default_factory=dict)


def access_section(
    *, territory: Territory, zones: list[ZonePopulation], max_distance_m: float | None = None
) -> AccessSection:
    from . import selectors

    distance = float(max_distance_m or DEFAULT_DISTANCE_M)
    coverage, coverage_error = None, ""
    try:
        coverage = selectors.coverage(territory=territory, max_distance_m=distance)
    except ValueError as exc:
        coverage_error = str(exc)
    themes = []
    for code, label, public in THEMES:
        white = accessibility = None
        error = ""
        try:
            white = selectors.white_zones(
                territory=territory, theme=code, public=public, max_distance_m=distance
            )
            accessibility = selectors.accessibility_by_zone(
                territory=territory, theme=code, public=public, max_distance_m=distance
            )
        except ValueError as exc:
            error = str(exc)
        themes.append(
            ThemeAccess(
                theme=code,
                theme_label=label,
                public=public,
                white=white,
                accessibility=accessibility,
                error=error,
            )
        )
    return AccessSection(
        coverage=coverage, coverage_error=coverage_error, themes=themes, max_distance_m=distance
    )


def scenario_section(*, scenario: Any, zones: list[ZonePopulation]) -> ScenarioSection:
    """Run ``scenario`` (a saved scenario or one read from a file) and keep its comparison."""
    from .scenarios import scenario_run

    comparison = scenario_run(scenario=scenario)
    digest = hashlib.sha1(
        json.dumps(comparison.as_dict(), sort_keys=True, default=str).encode()
    ).hexdigest()[:12]
    ident = getattr(scenario, "pk", None) or "fichier"
    return ScenarioSection(
        name=comparison.scenario,
        slug=f"{ident}-{digest}",
        comparison=comparison,
        zone_before={z.code: z.before for z in comparison.zones if z.before is not None},
        zone_after={z.code: z.after for z in comparison.zones if z.after is not None},
    )
