"""The diagnostic as an editable DOCX (python-docx): real headings, tables and images."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from .bilan_docx import _table
from .diagnostic import DiagnosticReport, fr_number
from .diagnostic_figures import figure

if TYPE_CHECKING:
    from maillage.diagnostic.report_access import ScenarioSection


def _picture(document, report: DiagnosticReport, name: str, *, caption: str, **kw) -> None:  # noqa: ANN001
    from docx.shared import Cm

    width = Cm(13) if name in ("couverture", "zones-blanches") else Cm(15)
    document.add_picture(io.BytesIO(figure(report, name, fmt="png", **kw)), width=width)
    document.add_paragraph(caption, style="Caption")


def _series(document, series, *, caption: str) -> None:  # noqa: ANN001
    if not series:
        return
    years = series[0].years
    _table(
        document,
        ["Indicateur", *map(str, years), "Évolution"],
        [
            [
                s.label,
                *(fr_number(v) for _, v in s.points),
                "—" if s.change is None else f"{fr_number(s.change)} %",
            ]
            for s in series
        ],
        caption=caption,
    )
    document.add_paragraph(f"Source : {series[0].source}")


def diagnostic_docx(
    report: DiagnosticReport, *, progress: Callable[[str], None] = lambda m: None
) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = report.title
    document.core_properties.language = "fr-FR"
    document.add_heading(report.title, level=0)
    start, end = report.period
    document.add_paragraph(
        f"Convention Territoriale Globale {start}-{end} — document pour le comité de pilotage. "
        f"Édité le {report.generated_on:%d/%m/%Y}. Chaque chiffre est donné avec sa source et "
        "son millésime."
    )
    if report.scenario:
        document.add_paragraph().add_run(
            f"Ce document présente aussi le scénario « {report.scenario.name} » : une "
            "simulation, qui ne modifie pas les données réelles."
        ).bold = True

    progress("chiffres clés")
    document.add_heading("Chiffres clés", level=1)
    _table(
        document,
        ["Indicateur", "Valeur", "Millésime", "Source"],
        [[f.label, f"{fr_number(f.value)} {f.unit}", f.vintage, f.source] for f in report.headline],
        caption="Chiffres clés du territoire",
    )
    _table(
        document,
        ["Indicateur", report.territory_name, "QPV", "Millésime", "Source"],
        [
            [
                r.label,
                f"{fr_number(r.territory)} {r.unit}",
                "—" if r.qpv is None else f"{fr_number(r.qpv)} {r.unit}",
                r.vintage,
                r.source + (f" — calcul : {r.denominator}" if r.denominator else ""),
            ]
            for r in report.qpv
        ],
        caption="Quartiers prioritaires (QPV) et ensemble du territoire",
    )
    document.add_heading("Populations de référence", level=2)
    _table(
        document,
        ["Population", "Valeur", "Millésime", "Source", "Utilisée pour"],
        [
            [p.label, fr_number(p.value), p.vintage, p.source, p.used_for]
            for p in report.populations
        ],
        caption="Populations utilisées par le diagnostic",
    )

    progress("évolutions")
    document.add_heading("Évolution de la population et des familles", level=1)
    if report.ages:
        _picture(document, report, "ages", caption="Population par tranche d'âge (recensements)")
        _series(document, report.ages, caption="Population par tranche d'âge")
    if report.families:
        _picture(document, report, "familles", caption="Ménages selon leur composition")
        _series(document, report.families, caption="Ménages selon leur composition")

    progress("petite enfance")
    c = report.childcare
    document.add_heading("Petite enfance : offre d'accueil et enfants de moins de 3 ans", level=1)
    rate = report.childcare_rate
    if rate is not None:
        document.add_paragraph().add_run(
            f"{rate.label} : {fr_number(rate.value)} {rate.unit} "
            f"({fr_number(rate.numerator)} places pour {rate.denominator})."
        ).bold = True
        if rate.missing:
            document.add_paragraph(
                "Ce taux n'est pas le taux de couverture global de la CNAF : il y manque "
                + " ; ".join(rate.missing)
                + "."
            )
        document.add_paragraph(" ".join([rate.official_line, *rate.gap_explanation]))
    rec = report.reconciliation
    if rec is not None:
        _table(
            document,
            ["Type d'accueil", "Lieux (CTG)", "Places (CTG)", "Lieux (annuaire)", "État"],
            [
                [
                    r.typology_label,
                    str(r.ctg_places_lieux),
                    fr_number(r.ctg_capacity),
                    str(r.directory_lieux),
                    " — ".join([r.status, *r.extra]),
                ]
                for r in rec.rows
            ],
            caption=(
                f"Rapprochement : {rec.ctg_total} lieux cités par la CTG, "
                f"{rec.directory_total} dans l'annuaire, dont {rec.extra_total} hors de la "
                "liste de la CTG"
            ),
        )
    if c.by_typology:
        _picture(document, report, "accueil", caption="Places d'accueil du jeune enfant par type")
    _table(
        document,
        ["Type d'accueil", "Fiches", "Lieux", "Places connues"],
        [
            [t.typology_label, str(t.structures), str(t.sites), str(t.places_known)]
            for t in c.by_typology
        ],
        caption="Places d'accueil du jeune enfant par type",
    )
    cov = report.access.coverage if report.access else None
    if cov is not None and not cov.validity.computable:
        document.add_heading("Couverture par IRIS (2SFCA)", level=2)
        document.add_paragraph(_not_computable(cov.validity))
        document.add_paragraph(" ".join(cov.assumptions))
    elif cov is not None:
        document.add_heading("Couverture par IRIS (2SFCA)", level=2)
        for w in cov.warnings:
            document.add_paragraph(w)
        _picture(document, report, "couverture", caption="Couverture petite enfance par IRIS")
        _table(
            document,
            ["Zone", "Enfants de moins de 3 ans (estimés)", "Places pour 100 enfants"],
            [
                [
                    f"{z.kind.upper()} {z.name} ({z.code})",
                    fr_number(round(z.target_population)),
                    fr_number(None if z.value is None else round(z.value, 1)),
                ]
                for z in cov.zones
            ],
            caption=f"Places accessibles à moins de {int(cov.max_distance_m)} m pour 100 enfants "
            "de moins de 3 ans",
        )
        document.add_paragraph(" ".join(cov.assumptions))

    progress("équipements et zones blanches")
    document.add_heading("Équilibre des équipements", level=1)
    if report.equipment:
        _picture(document, report, "equipements", caption="Structures pour 1 000 habitants")
    _table(
        document,
        ["Thème", "Structures", "Localisées", "Pour 1 000 habitants", "Communes voisines"],
        [
            [
                e.theme_label,
                str(e.structures),
                str(e.located),
                fr_number(e.per_1000),
                str(e.neighbours),
            ]
            for e in report.equipment
        ],
        caption=(
            "Structures des communes de la CTG par thème, rapportées à "
            f"{report.equipment[0].denominator if report.equipment else '—'} ; communes "
            "voisines à part (hors ratio)"
        ),
    )
    access = report.access
    if access is not None:
        document.add_heading("Zones blanches", level=1)
        _table(
            document,
            ["Thème", "Public", "Zones blanches", "Population concernée"],
            [
                [
                    t.theme_label,
                    t.white.target_label,
                    str(len(t.white.zones)),
                    fr_number(_rounded(t.white.concerned_population), missing="inconnu"),
                ]
                if t.white and t.white.validity.computable
                else [
                    t.theme_label,
                    t.white.target_label,
                    "non calculable",
                    _not_computable(t.white.validity),
                ]
                if t.white
                else [t.theme_label, t.error, "—", "—"]
                for t in access.themes
            ],
            caption=f"Population cible sans structure du thème à moins de "
            f"{int(access.max_distance_m)} m",
        )
        main = access.main_white
        if main is not None and main.white is not None:
            document.add_heading(access.white_zones_title, level=2)
            _picture(document, report, "zones-blanches", caption=access.white_zones_title)
            _table(
                document,
                ["Rang", "Population cible concernée", "Dont en QPV", "IRIS / QPV touchés"],
                [
                    [
                        str(z.rank),
                        fr_number(round(z.population)),
                        fr_number(round(z.qpv_population)),
                        ", ".join(z.zones),
                    ]
                    for z in main.white.zones
                ],
                caption="Zones blanches, de la plus peuplée à la moins peuplée",
            )
        if access.excluded:
            document.add_paragraph(
                "Structures « à localiser » ou sans capacité, exclues des calculs "
                "d'accessibilité : " + " ; ".join(e.name for e in access.excluded) + "."
            )

    if report.scenario is not None:
        progress("scénario")
        _scenario(document, report, report.scenario)

    q = report.quality
    document.add_heading("Qualité des données", level=1)
    document.add_paragraph(
        f"{len(q.to_locate)} structure(s) à localiser"
        + (f" : {' ; '.join(q.to_locate)}." if q.to_locate else "."),
        style="List Bullet",
    )
    document.add_paragraph(
        f"{q.services_without_hours} services sur {q.services} sans horaires.", style="List Bullet"
    )
    document.add_paragraph(
        f"{len(q.childcare_structures_without_capacity)} structure(s) d'accueil du jeune enfant "
        "sans capacité connue.",
        style="List Bullet",
    )
    old = [*q.old_sources, *q.old_figures]
    if old:
        _table(
            document,
            ["Donnée", "Millésime", "Âge (ans)"],
            [[o.label, o.vintage, str(o.age_years)] for o in old],
            caption=f"Données dont le millésime a plus de cinq ans en {q.reference_year}",
        )
    document.add_heading("Sources et licences", level=1)
    _table(
        document,
        ["Donnée", "Producteur", "Millésime", "Licence"],
        [[s.title, s.producer, s.vintage, s.licence] for s in report.diag.sources],
        caption="Fichiers de données utilisés",
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _not_computable(validity) -> str:  # noqa: ANN001
    """A result's own « non calculable » notice, with the records to locate (printed)."""
    text = f"Non calculable : {validity.reason}"
    if validity.to_locate:
        text += " Structures à localiser : " + " ; ".join(t.name for t in validity.to_locate)
        text += " (page « Qualité des données » de la plateforme)."
    return text


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def _scenario(document, report: DiagnosticReport, scenario: ScenarioSection) -> None:  # noqa: ANN001
    s = scenario.comparison
    document.add_heading(f"Scénario « {scenario.name} »", level=1)
    if s.description:
        document.add_paragraph(s.description)
    for change in s.changes:
        document.add_paragraph(change, style="List Bullet")
    for w in s.warnings:
        document.add_paragraph(w)
    if not s.validity.computable:
        document.add_paragraph(_not_computable(s.validity))

    def nc(v: float | None) -> str:  # an unknown figure is never printed as 0
        return fr_number(v, missing="inconnu" if s.validity.computable else "non calculable")

    _table(
        document,
        ["Mesure", "Avant", "Après"],
        [
            [
                "Taux d'équipement en EAJE (places en EAJE pour 100 enfants de moins de 3 ans)",
                fr_number(s.coverage_before),
                fr_number(s.coverage_after),
            ],
            [
                "Enfants de moins de 3 ans",
                fr_number(round(s.children_before)),
                fr_number(round(s.children_after)),
            ],
            [s.value_label, nc(s.territory_before), nc(s.territory_after)],
            [
                "Population en zone blanche",
                nc(_rounded(s.white_population_before)),
                nc(_rounded(s.white_population_after)),
            ],
        ],
        caption="Avant / après le scénario, pour le territoire",
    )
    if s.validity.computable:
        _picture(document, report, "couverture", caption="Avant le scénario", when="avant")
        _picture(document, report, "couverture", caption="Après le scénario", when="apres")

    def r(v: float | None) -> str:  # two decimals, as in the PDF and on the web page
        if v is None:
            return "inconnu" if s.validity.computable else "non calculable"
        return f"{v:,.2f}".replace(",", "\u202f").replace(".", ",")

    _table(
        document,
        ["Zone", "Avant", "Après", "Écart"],
        [
            [f"{z.kind.upper()} {z.name} ({z.code})", r(z.before), r(z.after), r(z.delta)]
            for z in s.zones
        ],
        caption=f"{s.value_label}, par zone, avant et après",
    )
    if s.assumptions:
        document.add_paragraph(" ".join(s.assumptions))
