"""Themes and publics of the accessibility diagnostic, mapped to the directory's typologies.

A *theme* selects structures by CTG theme of their typology, typology code or data·inclusion
thématique; a *public* is an age band (years, maximum excluded) or a whole population.
These mappings are documented in ``docs/scenarios.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.directory.selectors import PARENTS
from maillage.text import fold


@dataclass(frozen=True)
class Theme:
    slug: str
    label: object
    ctg_themes: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    thematiques: tuple[str, ...] = ()
    default_public: str = "tous"


THEMES: dict[str, Theme] = {
    t.slug: t
    for t in (
        Theme("petite-enfance", _("Petite enfance"), ("petite-enfance",), default_public="0-2"),
        Theme("enfance", _("Enfance"), ("enfance",), ("clas",), default_public="6-10"),
        Theme(
            "jeunesse",
            _("Jeunesse"),
            (),
            ("alsh", "clas", "mission-locale", "e2c", "club-loisirs", "centre-social"),
            default_public="11-17",
        ),
        Theme(
            "parentalite",
            _("Parentalité"),
            ("parentalite",),
            thematiques=(PARENTS,),
            default_public="parents",
        ),
        Theme("vie-sociale", _("Animation de la vie sociale"), ("vie-sociale",)),
        Theme("insertion", _("Insertion"), ("insertion",)),
    )
}

# public → (label, age_min, age_max excluded); None bounds: no age filter.
PUBLICS: dict[str, tuple[object, float | None, float | None]] = {
    "0-2": (_("enfants de moins de 3 ans"), 0.0, 3.0),
    "3-5": (_("enfants de 3 à 5 ans"), 3.0, 6.0),
    "6-10": (_("enfants de 6 à 10 ans"), 6.0, 11.0),
    "11-17": (_("jeunes de 11 à 17 ans"), 11.0, 18.0),
    "parents": (_("personnes des ménages avec enfants"), None, None),
    "tous": (_("ensemble de la population"), None, None),
}
PUBLIC_ALIASES = {"0-3": "0-2", "3-6": "3-5", "6-11": "6-10", "all": "tous", "famille": "parents"}


class ParameterError(ValueError):
    """A bad parameter (theme, public, distance…), with a French message naming it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"« {field} » : {message}")


def theme_get(value: str) -> Theme:
    slug = fold(value).replace(" ", "-")
    if slug not in THEMES:
        raise ParameterError(
            "theme",
            gettext("thème « %(v)s » inconnu (attendu : %(all)s).")
            % {"v": value, "all": ", ".join(THEMES)},
        )
    return THEMES[slug]


def public_get(value: str | None, *, theme: Theme) -> str:
    if not value:
        return theme.default_public
    key = PUBLIC_ALIASES.get(value.strip().lower(), value.strip().lower())
    if key not in PUBLICS:
        raise ParameterError(
            "public",
            gettext("public « %(v)s » inconnu (attendu : %(all)s).")
            % {"v": value, "all": ", ".join(PUBLICS)},
        )
    return key


def distance_get(value: float | str | None, *, default: float = 1000.0) -> float:
    if value is None or value == "":
        return default
    try:
        d = float(value)
    except (TypeError, ValueError):
        raise ParameterError(
            "distance_m", gettext("« %s » n'est pas un nombre de mètres.") % value
        ) from None
    if not (50 <= d <= 50_000):
        raise ParameterError("distance_m", gettext("distance attendue entre 50 et 50 000 mètres."))
    return d


def uses_places(theme: Theme, public: str) -> bool:
    """Petite enfance for under-3s is measured in childcare places (CNAF); others in sites."""
    return theme.slug == "petite-enfance" and public == "0-2"


def site_matches(site, *, theme: Theme, public: str) -> bool:
    """Whether a :class:`~maillage.diagnostic.inputs.SiteRow` belongs to ``theme`` and
    serves ``public`` (age ranges overlap; a structure without age range serves everyone)."""
    if uses_places(theme, public):
        if not site.childcare:
            return False
    elif not (
        site.theme in theme.ctg_themes
        or site.typology in theme.codes
        or any(
            v == w or v.startswith(f"{w}--") for v in site.thematiques for w in theme.thematiques
        )
    ):
        return False
    _label, lo, hi = PUBLICS[public]
    if lo is None or hi is None or not site.age_ranges:
        return True
    return any(
        (a if a is not None else 0.0) < hi and (b if b is not None else 200.0) > lo
        for a, b in site.age_ranges
    )
