"""The territory's childcare rate, named for what it sums (computed once, printed everywhere).

The CNAF *taux de couverture global* (PLFSS, indicateur 1.4.1 ; Cnaf, *Dossier d'étude* n° 203 ;
published per commune and EPCI on data.caf.fr as ``txcouv_pe_*``) is the number of places for
children under 3 over **all** children under 3 (INSEE), summing five parts:

1. places in EAJE financed by the PSU (prestation de service unique);
2. places in EAJE outside the PSU, PAJE micro-crèches included;
3. places offered by the assistant·e·s maternel·le·s in activity;
4. children kept at home by a salaried carer (garde à domicile);
5. two-year-olds at school (préscolarisation).

Each part is a territory statistic (``Statistic`` with source and vintage: entered by the
coordinator or a dataset, e.g. a data.caf.fr extract). The two EAJE parts may instead come
from the directory (places of the childcare fiches), undistinguished. The rate is called
« taux de couverture global (méthode CNAF) » only when the five parts and the INSEE count of
children are present; otherwise its label says what is summed and over which children, and
:attr:`ChildcareRate.missing` lists what is absent. Nothing is ever estimated to fill a gap.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maillage.territory.models import Statistic, Territory

# (part, statistic key, label)
CNAF_PARTS: tuple[tuple[str, str, str], ...] = (
    ("eaje_psu", "places_eaje_psu", "places en EAJE financées par la PSU"),
    (
        "eaje_hors_psu",
        "places_eaje_hors_psu",
        "places en EAJE hors PSU (dont micro-crèches PAJE)",
    ),
    (
        "assistants_maternels",
        "places_assistants_maternels",
        "places offertes par les assistant·e·s maternel·le·s en activité",
    ),
    ("garde_domicile", "enfants_garde_domicile", "enfants gardés à domicile (garde à domicile)"),
    ("prescolarisation", "enfants_2_ans_scolarises", "enfants de 2 ans préscolarisés"),
)
EAJE_PARTS = ("eaje_psu", "eaje_hors_psu")
CHILDREN_INSEE_KEY = "enfants_moins_3_ans"  # INSEE (recensement), every child under 3
CHILDREN_CAF_KEY = "enfants_0_2_ans"  # CAF: children of allocataire households only
OFFICIAL_KEY = "taux_couverture_global_officiel"  # data.caf.fr txcouv_pe_com / _epci
CNAF_LABEL = "Taux de couverture global (méthode CNAF)"
EAJE_LABEL = "Taux d'équipement en EAJE : places en EAJE pour 100 {children}"
PARTIAL_LABEL = "Taux de couverture partiel : {parts} pour 100 {children}"
CHILDREN_INSEE_LABEL = "enfants de moins de 3 ans"
CHILDREN_CAF_LABEL = "enfants de moins de 3 ans des foyers allocataires (CAF)"
OFFICIAL_MISSING = "Taux officiel (data.caf.fr, txcouv_pe_*) non renseigné."
NOT_STATED = "millésime non précisé"


def eaje_rate_label(children_source: str) -> str:
    """The label of an EAJE-only rate over the territory's children (the CAF count, or the
    census estimate when the territory has none: ``children_source`` is then « RP … »)."""
    census = children_source.startswith("RP ")
    children = (
        f"enfants de moins de 3 ans (estimation {children_source})"
        if census
        else (CHILDREN_CAF_LABEL)
    )
    return EAJE_LABEL.format(children=children)


@dataclass(frozen=True)
class CoverageComponent:
    """One summed part of the rate: ``covers`` names the CNAF parts it stands for."""

    key: str
    label: str
    covers: tuple[str, ...]
    value: float
    unit: str
    source: str
    vintage: str
    origin: str  # "statistique" | "annuaire"


@dataclass(frozen=True)
class OfficialRate:
    """The rate published by the CAF for the commune or EPCI (a territory statistic)."""

    value: float
    vintage: str
    source: str
    label: str


@dataclass(frozen=True)
class ChildcareRate:
    """Places for children under 3 per 100 children, labelled for what it sums.

    ``value`` = 100 × sum of ``components`` / ``children`` (``None`` without children);
    ``complete`` only when the five CNAF parts and the INSEE children are present — then
    ``label`` is « Taux de couverture global (méthode CNAF) ». ``missing`` lists, in French,
    the absent parts (and the INSEE denominator when the CAF count is used).
    """

    label: str
    value: float | None
    unit: str
    numerator: float
    components: list[CoverageComponent]
    missing: list[str]
    complete: bool
    children: float | None
    children_label: str
    children_source: str
    children_vintage: str
    official: OfficialRate | None
    official_line: str
    gap_points: float | None
    gap_explanation: list[str]
    perimeter: str
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return " ; ".join(dict.fromkeys(c.source for c in self.components)) or "—"

    @property
    def vintage(self) -> str:
        parts = [f"{c.label} : {c.vintage}" for c in self.components]
        if self.children is not None:
            parts.append(f"{self.children_label} : {self.children_vintage}")
        return " ; ".join(parts)

    @property
    def denominator(self) -> str:
        if self.children is None:
            return ""
        count = f"{self.children:,.0f}".replace(",", "\u202f")
        return f"{count} {self.children_label} ({self.children_source}, {self.children_vintage})"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(source=self.source, vintage=self.vintage, denominator=self.denominator)
        return data


def _stat(territory: Territory, key: str) -> Statistic | None:
    return territory.statistics.filter(key=key).order_by("-vintage", "-pk").first()


def _component(stat: Statistic, part: str, label: str) -> CoverageComponent:
    return CoverageComponent(
        key=stat.key,
        label=label,
        covers=(part,),
        value=float(stat.value),
        unit=stat.unit,
        source=stat.source,
        vintage=stat.vintage,
        origin="statistique",
    )


def _directory_eaje(territory: Territory) -> CoverageComponent | None:
    """The places of the directory's childcare fiches (EAJE, PSU or not: undistinguished)."""
    from maillage.directory.grouped import grouped_shares
    from maillage.directory.models import Service

    services = Service.objects.filter(
        structure__territory=territory,
        structure__published=True,
        published=True,
        structure__typology__childcare=True,
        structure__typology__family="EAJE",  # assistant·e·s maternel·le·s are another part
        capacity__isnull=False,
    ).select_related("structure__dataset")
    places, vintages, sources = 0, [], []
    # A grouped record split into parts counts only what its parts don't (directory.grouped).
    shares = grouped_shares(territory=territory)
    places -= sum(
        shares[pid].distributed_places for pid in {sv.structure_id for sv in services} & set(shares)
    )
    for sv in services:
        places += sv.capacity or 0  # the query keeps services with a capacity
        s = sv.structure
        sources.append(s.public_source or s.source_label or s.source)
        vintages.append((s.dataset.vintage if s.dataset is not None else "") or NOT_STATED)
    if not places:
        return None
    return CoverageComponent(
        key="places_eaje_annuaire",
        label="places en EAJE de l'annuaire (PSU et hors PSU, non distinguées)",
        covers=EAJE_PARTS,
        value=float(places),
        unit="places",
        source="Annuaire Maillage (" + " ; ".join(dict.fromkeys(sources)) + ")",
        vintage=" ; ".join(dict.fromkeys(vintages)),
        origin="annuaire",
    )


def _rate_label(components: list[CoverageComponent], children_label: str, full: bool) -> str:
    if full:
        return CNAF_LABEL
    covered = {p for c in components for p in c.covers}
    if covered <= set(EAJE_PARTS):
        return EAJE_LABEL.format(children=children_label)
    return PARTIAL_LABEL.format(
        parts=" + ".join(c.label for c in components), children=children_label
    )


def childcare_rate(*, territory: Territory) -> ChildcareRate:
    """The childcare rate of ``territory`` (see the module docstring)."""
    stats = {part: _stat(territory, key) for part, key, _label in CNAF_PARTS}
    labels = {part: label for part, _key, label in CNAF_PARTS}
    components: list[CoverageComponent] = []
    notes: list[str] = []
    if stats["eaje_psu"] is None and stats["eaje_hors_psu"] is None:
        eaje = _directory_eaje(territory)
        if eaje is not None:
            components.append(eaje)
            notes.append(
                "Places en EAJE comptées sur les fiches de l'annuaire : l'annuaire ne distingue "
                "pas les places financées par la PSU des autres."
            )
    for part, _key, label in CNAF_PARTS:
        stat = stats[part]
        if stat is not None:
            components.append(_component(stat, part, label))
    covered = {p for c in components for p in c.covers}
    missing = [labels[p] for p, _k, _l in CNAF_PARTS if p not in covered]

    insee, caf = _stat(territory, CHILDREN_INSEE_KEY), _stat(territory, CHILDREN_CAF_KEY)
    children = insee or caf
    children_label = CHILDREN_INSEE_LABEL if insee else CHILDREN_CAF_LABEL
    if children is None:
        missing.append("nombre d'enfants de moins de 3 ans (INSEE)")
    elif insee is None:
        missing.append(
            "nombre d'enfants de moins de 3 ans de l'INSEE (dénominateur de la CNAF) : le taux "
            "est rapporté aux seuls enfants des foyers allocataires (CAF)"
        )
    complete = not missing
    numerator = sum(c.value for c in components)
    value = (
        round(100 * numerator / children.value, 1)
        if children is not None and children.value > 0 and components
        else None
    )
    official_stat = _stat(territory, OFFICIAL_KEY)
    official = (
        OfficialRate(
            value=float(official_stat.value),
            vintage=official_stat.vintage,
            source=official_stat.source,
            label=official_stat.label,
        )
        if official_stat is not None
        else None
    )
    gap, explanation = _gap(value, official, components, missing, children)
    return ChildcareRate(
        label=_rate_label(components, children_label, complete),
        value=value,
        unit="places pour 100 enfants",
        numerator=numerator,
        components=components,
        missing=missing,
        complete=complete,
        children=float(children.value) if children is not None else None,
        children_label=children_label,
        children_source=children.source if children is not None else "",
        children_vintage=children.vintage if children is not None else "",
        official=official,
        official_line=_official_line(official, gap),
        gap_points=gap,
        gap_explanation=explanation,
        perimeter=_perimeter(territory),
        notes=notes,
    )


def _perimeter(territory: Territory) -> str:
    names = [c.name for c in territory.communes.order_by("name")]
    return "Communes de la CTG : " + ", ".join(names) if names else territory.name


def _fr(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _official_line(official: OfficialRate | None, gap: float | None) -> str:
    if official is None:
        return OFFICIAL_MISSING
    line = f"Taux officiel publié : {_fr(official.value)} ({official.source}, {official.vintage})"
    if gap is not None:
        sign = "+" if gap > 0 else ""
        line += f" ; écart du taux calculé ici : {sign}{_fr(gap)} points"
    return line + "."


def _gap(
    value: float | None,
    official: OfficialRate | None,
    components: list[CoverageComponent],
    missing: list[str],
    children: Statistic | None,
) -> tuple[float | None, list[str]]:
    if official is None or value is None:
        return None, []
    gap = round(value - official.value, 1)
    why = []
    if missing:
        why.append("Le taux calculé ici ne compte pas : " + " ; ".join(missing) + ".")
    ours = {c.vintage for c in components} | ({children.vintage} if children else set())
    if ours != {official.vintage}:
        why.append(
            f"Millésimes différents : ici {', '.join(sorted(ours))} ; taux officiel "
            f"{official.vintage}."
        )
    if any(c.origin == "annuaire" for c in components):
        why.append(
            "Les places en EAJE viennent des fiches de l'annuaire, pas des places agréées "
            "recensées par la CAF."
        )
    if not why:
        why.append("Mêmes composantes et même millésime : l'écart tient aux arrondis.")
    return gap, why
