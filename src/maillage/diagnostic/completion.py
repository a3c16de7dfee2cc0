"""Reads of « Compléter l'offre »: declared vs located supply by CTG theme, what each missing
record blocks, ordered by impact.

Everything is derived from the rule the diagnostic applies
(:func:`maillage.diagnostic.validity.supply_validity_for`, threshold
:data:`maillage.analysis.MIN_LOCATED_SHARE`) on the sites the diagnostic reads
(:func:`maillage.diagnostic.inputs.load_sites`, grouped records counted by
:mod:`maillage.directory.grouped`): nothing here decides on its own what is « calculable ».
(It lives in the diagnostic app, which reads the directory, not the other way round: the
writes are in :mod:`maillage.directory.completion_services`.)

For a theme that is not calculable, :func:`completion_overview` finds the fewest records
whose location makes it calculable (largest first — places, then lieux — each step checked
with the real rule), so the page can say « localiser ces 5 fiches rend calculable l'analyse
petite enfance ». A grouped record is fixed by splitting it into its places, not by a point.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.history import snapshot
from maillage.accounts.versioning import snapshot_version
from maillage.analysis import MIN_LOCATED_SHARE, supply_validity
from maillage.directory.grouped import grouped_shares
from maillage.directory.models import PositionProposal, Structure
from maillage.territory.models import Commune, Territory

from .inputs import SiteRow, load_sites
from .themes import PUBLICS, THEMES
from .validity import declared_supply, supply_validity_for


@dataclass(frozen=True)
class Measure:
    """One progress bar: ``located`` of ``declared`` (places or lieux)."""

    unit: str  # "places" or "lieux"
    declared: int
    located: int

    @property
    def percent(self) -> int:
        return round(100 * self.located / self.declared) if self.declared else 0

    @property
    def text(self) -> str:
        """« 127 places localisées sur 175 déclarées (73 %) », « 1 lieu localisé sur 4… »."""
        n, d = self.located, self.declared
        if self.unit == "places":
            located = ngettext("%(n)d place localisée", "%(n)d places localisées", n)
            declared = ngettext("sur %(d)d déclarée", "sur %(d)d déclarées", d)
        else:
            located = ngettext("%(n)d lieu localisé", "%(n)d lieux localisés", n)
            declared = ngettext("sur %(d)d déclaré", "sur %(d)d déclarés", d)
        return f"{located % {'n': n}} {declared % {'d': d}} ({self.percent} %)"

    @property
    def reached(self) -> bool:
        return bool(self.declared) and self.located / self.declared >= MIN_LOCATED_SHARE


@dataclass(frozen=True)
class ThemeProgress:
    slug: str
    label: str
    public_label: str
    computable: bool
    measures: tuple[Measure, ...]
    summary: str
    unlock_ids: tuple[int, ...]  # fewest records to fix for the theme to become calculable
    unlock_text: str  # « Localiser ces 5 fiches rend calculable l'analyse petite enfance »


@dataclass
class MissingItem:
    """A published record of the territory without a position (« à localiser »)."""

    structure: Structure
    version: str
    places: int | None
    lieux: int
    grouped: bool
    themes: list[str] = field(default_factory=list)  # theme labels it belongs to
    blocks: list[str] = field(default_factory=list)  # themes it is needed to unlock
    weight: float = 0.0  # sum over themes of its share of the declared supply
    proposals: list[PositionProposal] = field(default_factory=list)
    commune_name: str = ""

    @property
    def id(self) -> int:
        return self.structure.pk

    @property
    def address_line(self) -> str:
        s = self.structure
        return " ".join(p for p in (s.address, s.postcode, self.commune_name) if p)

    @property
    def has_address(self) -> bool:
        return bool(self.structure.address.strip())


@dataclass(frozen=True)
class GroupedCheck:
    """A grouped record and its parts: the CTG's declared total kept as a check."""

    structure: Structure
    version: str
    declared_places: int | None
    declared_lieux: int
    parts: tuple[Structure, ...]
    parts_places: int
    complete: bool

    @property
    def text(self) -> str:
        if self.declared_places is not None:
            return _("%(d)d places déclarées, %(p)d réparties") % {
                "d": self.declared_places,
                "p": self.parts_places,
            }
        return _("%(d)d lieux déclarés, %(p)d répartis") % {
            "d": self.declared_lieux,
            "p": len(self.parts),
        }


@dataclass(frozen=True)
class CompletionOverview:
    themes: tuple[ThemeProgress, ...]
    items: tuple[MissingItem, ...]  # records some analysis depends on, by impact
    others: tuple[MissingItem, ...]  # unlocated records no analysis depends on
    grouped: tuple[GroupedCheck, ...]
    geocodable: int  # unlocated records with an address and no pending proposal
    pending: int  # proposals waiting for the coordinator
    min_share: float = MIN_LOCATED_SHARE


def _version(structure: Structure) -> str:
    """The version token of a structure just read (as :func:`~maillage.accounts.versioning.
    version_of`, without reading it again)."""
    return snapshot_version(snapshot(structure))


def _unlock(declared: list[SiteRow]) -> tuple[int, ...]:
    """Fewest unlocated records (largest first) whose location makes ``declared`` calculable,
    checked with the diagnostic's rule; ``()`` when already calculable or nothing declared."""

    def verdict(rows: list[SiteRow]) -> bool:
        return supply_validity(
            located=[r.located for r in rows],
            places=[float("nan") if r.places is None else float(r.places) for r in rows],
            lieux=[max(1, r.lieux) for r in rows],
        ).computable

    if not declared or verdict(declared):
        return ()
    missing = sorted(
        (r for r in declared if not r.located),
        key=lambda r: (-(r.places or 0), -max(1, r.lieux), r.name),
    )
    rows = list(declared)
    chosen: list[int] = []
    for r in missing:
        chosen.append(r.id)
        rows = [replace(x, x=0.0, y=0.0) if x.id == r.id else x for x in rows]
        if verdict(rows):
            break
    return tuple(chosen)


def _unlock_text(n: int, theme: str, grouped: int) -> str:
    verb = _("Localiser ou répartir") if grouped else _("Localiser")
    return ngettext(
        "%(verb)s cette fiche rend calculable l'analyse %(theme)s.",
        "%(verb)s ces %(n)d fiches rend calculable l'analyse %(theme)s.",
        n,
    ) % {"verb": verb, "n": n, "theme": theme}


def completion_overview(*, territory: Territory) -> CompletionOverview:
    """What the coordinator has to complete, theme by theme, and record by record."""
    sites = load_sites(territory=territory)
    site_of = {s.id: s for s in sites}
    structures = {
        s.pk: s
        for s in Structure.objects.filter(territory=territory, published=True)
        .select_related("typology")
        .prefetch_related("parts")
    }
    communes = dict(
        Commune.objects.filter(structures__territory=territory).values_list("pk", "name")
    )
    themes: list[ThemeProgress] = []
    weights: dict[int, float] = {}
    blocks: dict[int, list[str]] = {}
    member: dict[int, list[str]] = {}
    for theme in THEMES.values():
        public = theme.default_public
        label = str(theme.label).lower()
        v = supply_validity_for(sites=sites, theme=theme, public=public, territory=territory.slug)
        declared = declared_supply(sites, theme=theme, public=public)
        measures = []
        if v.declared_places:
            measures.append(Measure("places", v.declared_places, v.located_places or 0))
        if v.declared_lieux:
            measures.append(Measure("lieux", v.declared_lieux, v.located_lieux))
        unlock = _unlock(declared)
        grouped = sum(1 for i in unlock if site_of[i].lieux > 1)
        for r in declared:
            if r.located:
                continue
            member.setdefault(r.id, []).append(str(theme.label))
            parts = []
            if v.declared_places and r.places:
                parts.append(r.places / v.declared_places)
            if v.declared_lieux:
                parts.append(max(1, r.lieux) / v.declared_lieux)
            weights[r.id] = weights.get(r.id, 0.0) + max(parts, default=0.0)
        for i in unlock:
            blocks.setdefault(i, []).append(str(theme.label))
        themes.append(
            ThemeProgress(
                slug=theme.slug,
                label=str(theme.label),
                public_label=str(PUBLICS[public][0]),
                computable=v.computable,
                measures=tuple(measures),
                summary=v.summary,
                unlock_ids=unlock,
                unlock_text=_unlock_text(len(unlock), label, grouped) if unlock else "",
            )
        )

    proposals: dict[int, list[PositionProposal]] = {}
    for p in PositionProposal.objects.filter(
        structure__territory=territory, status=PositionProposal.Status.PENDING
    ).order_by("structure", "-score", "pk"):
        proposals.setdefault(p.structure_id, []).append(p)
    items: list[MissingItem] = []
    others: list[MissingItem] = []
    for s in structures.values():
        row = site_of.get(s.pk)
        if s.located or row is None:  # located, or a grouped record fully distributed
            continue
        item = MissingItem(
            structure=s,
            version=_version(s),
            places=row.places,
            lieux=max(1, row.lieux),
            grouped=bool(s.grouped_count and s.grouped_count > 1),
            themes=member.get(s.pk, []),
            blocks=blocks.get(s.pk, []),
            weight=weights.get(s.pk, 0.0),
            proposals=proposals.get(s.pk, []),
            commune_name=communes.get(s.commune_id, "") if s.commune_id is not None else "",
        )
        (items if item.themes else others).append(item)
    items.sort(key=lambda i: (-len(i.blocks), -i.weight, -(i.places or 0), i.structure.name))
    others.sort(key=lambda i: i.structure.name)

    shares = grouped_shares(territory=territory)
    checks = []
    for s in structures.values():
        if not (s.grouped_count and s.grouped_count > 1) and s.pk not in shares:
            continue
        share = shares.get(s.pk)
        declared_places = share.declared_places if share else site_of[s.pk].places
        checks.append(
            GroupedCheck(
                structure=s,
                version=_version(s),
                declared_places=declared_places,
                declared_lieux=max(1, s.grouped_count or 1),
                parts=tuple(p for p in s.parts.all() if p.published),
                parts_places=share.parts_places if share else 0,
                complete=bool(share and share.complete),
            )
        )
    checks.sort(key=lambda c: c.structure.name)
    geocodable = sum(
        1 for i in (*items, *others) if i.has_address and not i.grouped and not i.proposals
    )
    return CompletionOverview(
        themes=tuple(themes),
        items=tuple(items),
        others=tuple(others),
        grouped=tuple(checks),
        geocodable=geocodable,
        pending=sum(len(v) for v in proposals.values()),
    )


def located_records(*, territory: Territory) -> list[dict[str, Any]]:
    """Located records of the territory (id, name, address, lon, lat), by name: the choices of
    « même lieu que … » and the points of the placing map."""
    return [
        {"id": pk, "name": name, "address": address, "lon": lon, "lat": lat}
        for pk, name, address, lon, lat in Structure.objects.filter(
            territory=territory, x_l93__isnull=False
        )
        .order_by("name", "pk")
        .values_list("pk", "name", "address", "lon", "lat")
    ]


def same_place_choices(
    *, territory: Territory, located: list[dict[str, Any]] | None = None
) -> list[tuple[int, str]]:
    """Choices of « même lieu que … »: (id, « nom — adresse »)."""
    rows = located if located is not None else located_records(territory=territory)
    return [(r["id"], f"{r['name']} — {r['address']}" if r["address"] else r["name"]) for r in rows]
