"""The validity of every spatial result of the diagnostic, computed once per theme and public.

:func:`supply_validity_for` selects the theme's **declared supply** — every published record
of the theme and public whose commune is one of the CTG's (or unknown), « à localiser » and
grouped records included; structures of neighbouring communes serve residents but are not
the CTG's supply — and hands it to the pure :func:`maillage.analysis.supply_validity`
(threshold :data:`~maillage.analysis.MIN_LOCATED_SHARE`). This module only words the verdict
in French and attaches the links where the inputs are completed.

The links go to :data:`FIX_SUPPLY_URL_NAME`, the coordinator's « Compléter l'offre » page
(:mod:`maillage.web.views.directory_completion`), with one anchor per record.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.analysis import MIN_LOCATED_SHARE, supply_validity

from .inputs import SiteRow
from .results import RecordToLocate, Validity
from .themes import PUBLICS, THEMES, Theme, site_matches

#: URL name of the page where the declared supply is located (one anchor per record).
FIX_SUPPLY_URL_NAME = "web:complete-offer"
#: Anchor of a record on that page (``{id}`` = structure id).
FIX_SUPPLY_ANCHOR = "#a-localiser-{id}"

STATUS_OK = "calculable"
STATUS_KO = "non calculable"


def _pct(share: float) -> str:
    return f"{100 * share:.0f} %"


def _fix_path(territory: str) -> str:
    try:
        return reverse(FIX_SUPPLY_URL_NAME, args=[territory])
    except NoReverseMatch:  # pragma: no cover - the web app is always installed
        return ""


def rule_text() -> str:
    """The documented rule, in French (shown with every result)."""
    return _(
        "Un résultat spatial (zones blanches, zones d'influence, accessibilité par zone, "
        "ratio QPV / hors QPV, indice de Gini, écarts d'un scénario) n'est calculé que si au "
        "moins %(min)s de l'offre déclarée du thème dans le périmètre de la CTG est localisée : "
        "%(min)s des places quand des capacités sont connues, et %(min)s des lieux (une fiche "
        "regroupant plusieurs lieux compte pour ses lieux). En dessous, il est « non "
        "calculable »."
    ) % {"min": _pct(MIN_LOCATED_SHARE)}


def declared_supply(sites: Sequence[SiteRow], *, theme: Theme, public: str) -> list[SiteRow]:
    """The theme's declared records in the CTG perimeter (located or not)."""
    return [s for s in sites if s.in_perimeter and site_matches(s, theme=theme, public=public)]


def supply_validity_for(
    *, sites: Sequence[SiteRow], theme: Theme, public: str, territory: str
) -> Validity:
    """Validity of the spatial results of ``theme`` for ``public`` on these sites."""
    declared = declared_supply(sites, theme=theme, public=public)
    v = supply_validity(
        located=[s.located for s in declared],
        places=[float("nan") if s.places is None else float(s.places) for s in declared],
        lieux=[max(1, s.lieux) for s in declared],
    )
    label = str(theme.label).lower()
    parts = []
    if v.declared_places:
        parts.append(
            ngettext(
                "%(n)d des %(total)d places déclarées en %(theme)s est localisée (%(pct)s)",
                "%(n)d des %(total)d places déclarées en %(theme)s sont localisées (%(pct)s)",
                1 if v.located_places == 1 else 2,
            )
            % {
                "n": v.located_places,
                "total": v.declared_places,
                "theme": label,
                "pct": _pct(v.places_share or 0.0),
            }
        )
    if v.declared_lieux:
        parts.append(
            ngettext(
                "%(n)d des %(total)d lieux déclarés en %(theme)s est localisé (%(pct)s)",
                "%(n)d des %(total)d lieux déclarés en %(theme)s sont localisés (%(pct)s)",
                1 if v.located_lieux == 1 else 2,
            )
            % {
                "n": v.located_lieux,
                "total": v.declared_lieux,
                "theme": label,
                "pct": _pct(v.lieux_share or 0.0),
            }
        )
    if parts:
        summary = " ; ".join(parts) + "."
        reason = (
            ""
            if v.computable
            else summary[:-1]
            + _(" : il en faut au moins %(min)s pour calculer ce résultat.")
            % {"min": _pct(v.min_share)}
        )
    else:
        summary = reason = _(
            "Aucune structure déclarée en %(theme)s (%(public)s) dans le périmètre de la CTG : "
            "rien à analyser."
        ) % {"theme": label, "public": PUBLICS[public][0]}
    fix = _fix_path(territory)
    to_locate = [
        RecordToLocate(
            id=s.id,
            slug=s.slug,
            name=s.public_name,
            places=s.places,
            lieux=max(1, s.lieux),
            locate_path=f"{fix}{FIX_SUPPLY_ANCHOR.format(id=s.id)}" if fix else "",
        )
        for s in (declared[i] for i in v.to_locate)
        if not s.fictitious
    ]
    return Validity(
        computable=v.computable,
        status=STATUS_OK if v.computable else STATUS_KO,
        theme=theme.slug,
        unit=v.unit,
        share=v.share,
        min_share=v.min_share,
        declared_places=v.declared_places,
        located_places=v.located_places,
        declared_lieux=v.declared_lieux,
        located_lieux=v.located_lieux,
        summary=summary,
        reason=reason,
        to_locate=to_locate,
        fix_path=fix,
        rule=rule_text(),
    )


def combined(*validities: Validity) -> Validity:
    """The validity of a figure made of several results (a scenario delta): the first one
    that is not computable, else the first one."""
    for v in validities:
        if not v.computable:
            return v
    return validities[0]


def coverage_validity(*, sites: Sequence[SiteRow], territory: str) -> Validity:
    """Validity of the childcare coverage by zone (petite enfance, under-3s, in places)."""
    return supply_validity_for(
        sites=sites, theme=THEMES["petite-enfance"], public="0-2", territory=territory
    )
