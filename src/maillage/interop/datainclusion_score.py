"""The data·inclusion quality score (``score_qualite``) of the exported services, computed by the
official package (``data_inclusion.schema.v1.score_qualite.score``), not by Maillage.

The package scores one service from 0 to 1: the mean of its applicable criteria (address when
received on site, phone or e-mail when that is how one is referred, update less than 6 months ago,
description of 200 to 2 000 characters, fees, audiences, themes, contact, referral modes). Here
the services are those of :func:`maillage.interop.datainclusion.datainclusion_export` (published
ones), so the score is the one a data·inclusion consumer computes on the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data_inclusion.schema import v1 as schema
from data_inclusion.schema.v1.score_qualite import CRITERES, score

#: French label of each criterion of the official package (same order as ``CRITERES``).
CRITERIA_LABELS = {
    "adresse_bien_definie": "Adresse renseignée (accueil sur place)",
    "modes_mobilisation_bien_definis": "Modes de mobilisation et « mobilisable par » renseignés",
    "au_moins_un_public": "Au moins un public",
    "au_moins_une_thematique": "Au moins une thématique",
    "au_moins_un_moyen_de_contact": "Au moins un moyen de contact",
    "courriel_bien_defini": "Courriel (quand on s'adresse au service par courriel)",
    "date_maj_recente": "Mise à jour récente (moins de 6 mois ; 0 après 2 ans)",
    "frais_bien_definis": "Frais précisés",
    "description_bien_definie": "Description de 200 à 2 000 caractères",
    "telephone_bien_defini": "Téléphone (quand on s'adresse au service par téléphone)",
}
WORST = 5


@dataclass(frozen=True)
class CriterionScore:
    name: str
    label: str
    applicable: int  # services the criterion applies to
    mean: float | None  # None: applies to none (« non applicable »)


@dataclass(frozen=True)
class ServiceScore:
    id: str
    name: str
    score: float
    failed: tuple[str, ...]  # labels of the criteria at 0


@dataclass(frozen=True)
class ScoreReport:
    """The official ``score_qualite`` over the exported services."""

    services: int
    mean: float | None  # None when there is no service (« non calculable »)
    criteria: tuple[CriterionScore, ...]
    worst: tuple[ServiceScore, ...]
    package_version: str

    def lines(self) -> list[str]:
        """French summary for the command line."""
        if self.mean is None:
            return ["Score qualité data·inclusion : non calculable (aucun service exporté)."]
        out = [
            f"Score qualité data·inclusion (paquet officiel {self.package_version}) : "
            f"{fr(self.mean)} sur 1, moyenne de {self.services} services."
        ]
        for c in self.criteria:
            value = (
                "non applicable" if c.mean is None else f"{fr(c.mean)} ({c.applicable} services)"
            )
            out.append(f"  - {c.label} : {value}")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "services": self.services,
            "score_qualite_moyen": self.mean,
            "criteres": {
                c.name: {"moyenne": c.mean, "services_concernes": c.applicable}
                for c in self.criteria
            },
            "version_du_paquet": self.package_version,
        }


def fr(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _package_version() -> str:
    from importlib.metadata import version

    return version("data-inclusion-schema")


def score_services(records: list[dict[str, Any]]) -> ScoreReport:
    """Score each data·inclusion service record with the official package; aggregate."""
    per_criterion: dict[str, list[float]] = {c.__name__: [] for c in CRITERES}
    scored: list[ServiceScore] = []
    for record in records:
        service = schema.Service.model_validate(record)
        value, details = score(service)
        for name, result in details.items():
            if result is not None:
                per_criterion.setdefault(name, []).append(result)
        scored.append(
            ServiceScore(
                id=str(record.get("id")),
                name=str(record.get("nom") or ""),
                score=value,
                failed=tuple(
                    CRITERIA_LABELS.get(name, name) for name, r in details.items() if r == 0
                ),
            )
        )
    criteria = tuple(
        CriterionScore(
            name=name,
            label=CRITERIA_LABELS.get(name, name),
            applicable=len(values),
            mean=round(sum(values) / len(values), 2) if values else None,
        )
        for name, values in per_criterion.items()
    )
    mean = round(sum(s.score for s in scored) / len(scored), 2) if scored else None
    worst = tuple(sorted(scored, key=lambda s: (s.score, s.name))[:WORST])
    return ScoreReport(
        services=len(scored),
        mean=mean,
        criteria=criteria,
        worst=worst,
        package_version=_package_version(),
    )


def territory_score(*, territory: Any) -> ScoreReport:
    """The score of the territory's data·inclusion export (cached per data version)."""
    from django.core.cache import cache

    from .datainclusion import datainclusion_export

    key = f"datainclusion-score:{territory.pk}:{territory.data_version}"
    report = cache.get(key)
    if report is None:
        report = score_services(datainclusion_export(territory=territory).services)
        cache.set(key, report, 3600)
    return report
