"""What the diagnostic's figures rest on: reference populations and the CTG-vs-directory
reconciliation of the places d'accueil (the figures audit is :mod:`.report_audit`).

Computed once in :func:`maillage.diagnostic.selectors.diagnostic_build`; the dashboard, PDF, DOCX
and the command line print these objects.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maillage.territory.models import Territory
    from maillage.territory.selectors import Diagnostic


@dataclass(frozen=True)
class ReferencePopulation:
    """One population figure the product uses, and what for."""

    key: str
    label: str
    value: float
    source: str
    vintage: str
    perimeter: str
    used_for: str


def reference_populations(diag: Diagnostic) -> list[ReferencePopulation]:
    """Every population figure of the product, each with source, year and use."""
    out: list[ReferencePopulation] = []
    ctg_names = ", ".join(c.name for c in diag.communes if c.role == "CTG")
    ctg = diag.figure("population_ctg")
    if ctg:
        out.append(
            ReferencePopulation(
                "population_ctg",
                "Habitants cités par la CTG",
                ctg.value,
                ctg.source,
                ctg.vintage,
                ctg_names,
                "dénominateur des équipements « pour 1 000 habitants » et de la part en QPV",
            )
        )
    rp = [f for f in diag.figures if f.key == "population_ensemble" and f.unit == "habitants"]
    for f in sorted(rp, key=lambda f: f.vintage, reverse=True)[:1]:
        out.append(
            ReferencePopulation(
                "population_rp",
                f"Population municipale ({f.vintage})",
                f.value,
                f.source,
                f.vintage,
                ctg_names,
                "évolution de la population et des ménages (recensements 2011, 2016, 2022)",
            )
        )
    if diag.iris_rp_total:
        # The census named as the dataset gives it (« RP 2019 » for a file of P19_ columns).
        census = diag.rp_vintage
        year = census.removeprefix("RP ").strip()
        out.append(
            ReferencePopulation(
                # « population_iris_rp2016 » for the RP 2016, as before; the year in the key.
                "population_iris_" + census.lower().replace(" ", ""),
                f"Population des IRIS (somme des tranches d'âge, {census})",
                round(diag.iris_rp_total, 0),
                f"INSEE, base infracommunale « Évolution et structure de la population » {year}",
                census,
                ctg_names,
                "structure par âge de chaque IRIS, répartie sur les carreaux (publics des calculs "
                "d'accessibilité)",
            )
        )
    source, vintage = diag.cells_source()
    for c in diag.communes:
        if c.role == "CTG" and c.cells:
            out.append(
                ReferencePopulation(
                    f"population_carreaux_{c.insee_code}",
                    f"Population des carreaux de 200 m ({c.name})",
                    c.cells_population,
                    source,
                    vintage,
                    c.name,
                    "demande des zones blanches, zones d'influence et de l'accessibilité 2SFCA",
                )
            )
    for c in diag.communes:
        if c.role == "CTG" and c.population is not None:
            out.append(
                ReferencePopulation(
                    f"population_legale_{c.insee_code}",
                    f"Population légale ({c.name})",
                    c.population,
                    c.population_source,
                    c.population_vintage,
                    c.name,
                    "population légale affichée par commune (page du territoire)",
                )
            )
    qpv = diag.figure("population_qpv")
    if qpv:
        out.append(
            ReferencePopulation(
                "population_qpv",
                "Habitants des QPV cités par la CTG",
                qpv.value,
                qpv.source,
                qpv.vintage,
                "QPV de la CTG",
                "part de la population résidant en QPV",
            )
        )
    qpv_cells = sum(z.cells_population for z in diag.zones if z.kind == "qpv")
    if qpv_cells:
        out.append(
            ReferencePopulation(
                "population_qpv_carreaux",
                "Population des QPV estimée par les carreaux (part de surface)",
                round(qpv_cells, 0),
                source,
                vintage,
                "QPV de la CTG",
                "moyennes QPV / hors QPV des calculs d'accessibilité",
            )
        )
    children = diag.figure("enfants_0_2_ans")
    if children:
        out.append(
            ReferencePopulation(
                "enfants_0_2_ans",
                children.label,
                children.value,
                children.source,
                children.vintage,
                ctg_names,
                "dénominateur du taux d'équipement en EAJE ; total auquel sont recalés les 0-2 ans "
                "des carreaux",
            )
        )
    return out


# --------------------------------------------------------------------------- reconciliation


@dataclass(frozen=True)
class ReconciliationRow:
    """One typology of the CTG's places d'accueil: what the CTG lists and what the directory
    holds (``ctg_*`` from the CTG's own records; ``directory_*`` every fiche of the CTG's
    communes, declared-only supply included)."""

    typology: str
    typology_label: str
    ctg_places_lieux: int
    ctg_capacity: int | None
    directory_fiches: int
    directory_lieux: int
    directory_capacity: int | None
    status: str
    extra: list[str]  # directory fiches the CTG does not list


@dataclass(frozen=True)
class Reconciliation:
    rows: list[ReconciliationRow]
    ctg_total: int
    directory_total: int
    extra_total: int

    def as_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "type": r.typology_label,
                "ctg_lieux": r.ctg_places_lieux,
                "ctg_places": r.ctg_capacity,
                "annuaire_fiches": r.directory_fiches,
                "annuaire_lieux": r.directory_lieux,
                "annuaire_places": r.directory_capacity,
                "etat": r.status,
                "hors_liste_ctg": " ; ".join(r.extra),
            }
            for r in self.rows
        ]


def reconciliation(*, territory: Territory) -> Reconciliation:
    """The CTG's places d'accueil petite enfance (its own records, ``source = "ctg"``) against
    the directory's fiches of the same kinds and of every EAJE kind, in the CTG's communes."""
    from django.db.models import Q

    from maillage.directory.models import Structure

    qs = (
        Structure.objects.filter(territory=territory, published=True)
        .filter(Q(commune__in=territory.communes.all()) | Q(commune__isnull=True))
        .select_related("typology")
        .prefetch_related("services")
    )
    structures = [(s, s.typology) for s in qs if s.typology is not None]
    ctg_kinds = {
        t.code
        for s, t in structures
        if s.source == "ctg"
        and t.theme in ("petite-enfance", "parentalite")
        and (t.childcare or t.code in ("rpe", "laep"))
    }
    kinds = ctg_kinds | {t.code for _s, t in structures if t.family == "EAJE"}
    data: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"ctg": 0, "ctg_cap": None, "fiches": 0, "lieux": 0, "cap": None, "extra": []}
    )
    labels, order = {}, {}
    for s, t in sorted(structures, key=lambda st: (st[1].position, st[0].name, st[0].pk)):
        code = t.code
        if code not in kinds:
            continue
        labels[code], order[code] = t.label, t.position
        row = data[code]
        lieux = s.grouped_count or 1
        caps = [sv.capacity for sv in s.services.all() if sv.published and sv.capacity]
        cap = sum(caps) if caps else None
        row["fiches"] += 1
        row["lieux"] += lieux
        if cap is not None:
            row["cap"] = (row["cap"] or 0) + cap
        if s.source == "ctg":
            row["ctg"] += lieux
            if cap is not None:
                row["ctg_cap"] = (row["ctg_cap"] or 0) + cap
        else:
            row["extra"].append(s.name)
    rows = []
    for code in sorted(data, key=lambda c: order[c]):
        r = data[code]
        if r["ctg"] == r["lieux"] and r["ctg_cap"] == r["cap"]:
            status = "concorde"
        elif r["ctg"] == 0:
            status = "absent de la liste de la CTG"
        else:
            status = "écart"
        rows.append(
            ReconciliationRow(
                typology=code,
                typology_label=labels[code],
                ctg_places_lieux=r["ctg"],
                ctg_capacity=r["ctg_cap"],
                directory_fiches=r["fiches"],
                directory_lieux=r["lieux"],
                directory_capacity=r["cap"],
                status=status,
                extra=r["extra"],
            )
        )
    return Reconciliation(
        rows=rows,
        ctg_total=sum(r.ctg_places_lieux for r in rows),
        directory_total=sum(r.directory_lieux for r in rows),
        extra_total=sum(len(r.extra) for r in rows),
    )
