"""The bilan as an editable DOCX (python-docx): real headings, tables and figures."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.utils.translation import gettext as _

from .bilan import FICTIONAL_LABEL, Bilan, fr_number
from .bilan_figures import axes_chart, bilan_map, indicator_trend
from .bilan_gaps import gap_columns, gap_note, gap_rows


def _table(document, header: list[str], rows: list[list[str]], *, caption: str):  # noqa: ANN001
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


def bilan_docx(bilan: Bilan, *, progress: Callable[[str], None] = lambda m: None) -> bytes:
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.core_properties.title = _("Bilan %(title)s — %(name)s") % {
        "title": bilan.title,
        "name": bilan.territory_name,
    }
    document.core_properties.language = "fr-FR"
    document.add_heading(f"{bilan.title} — {bilan.territory_name}", level=0)
    document.add_paragraph(
        _(
            "Bilan pour le comité de pilotage — %(scope)s. Édité le %(date)s à partir du "
            "journal de la CTG (%(count)s activité(s) retenue(s))."
        )
        % {
            "scope": bilan.scope_label,
            "date": f"{bilan.generated_on:%d/%m/%Y}",
            "count": bilan.activity_count,
        }
    )
    if bilan.includes_fictional:
        warning = document.add_paragraph()
        warning.add_run(bilan.fictional_warning).bold = True
    document.add_paragraph(bilan.journal_note)
    for note in bilan.notes:
        document.add_paragraph(note)

    if bilan.study_subjects:
        document.add_heading(_("Les sujets d'étude de la convention"), level=1)
        document.add_paragraph(
            _("Texte de la convention signée, qui précède les tableaux du plan d'action.")
        )
        for text in bilan.study_intro:
            document.add_paragraph(text)
        for subject in bilan.study_subjects:
            document.add_heading(subject.title, level=2)
            for text in subject.description:
                document.add_paragraph(text)
            if subject.objectives_label:
                head = document.add_paragraph()
                head.add_run(subject.objectives_label).bold = True
                if subject.objectives_intro:
                    head.add_run(f" {subject.objectives_intro}")
            for text in subject.objectives:
                document.add_paragraph(text, style="List Bullet")

    document.add_heading(_("Activités du journal"), level=1)
    document.add_picture(io.BytesIO(axes_chart(bilan, fmt="png")), width=Cm(13))
    _table(
        document,
        [_("Axe"), _("Activités")],
        [[f"{n}. {title}", str(count)] for n, title, count in bilan.activities_by_axis],
        caption=_("Activités par axe — %(scope)s") % {"scope": bilan.scope_label},
    )
    if bilan.activities_by_kind:
        _table(
            document,
            [_("Type d'activité"), _("Activités")],
            [[kind, str(count)] for kind, count in bilan.activities_by_kind],
            caption=_("Activités par type"),
        )

    document.add_heading(_("Synthèse des indicateurs"), level=1)
    _table(
        document,
        ["Code", _("Indicateur"), *map(str, bilan.years), _("Valeur"), _("Cible"), _("Statut")],
        [
            [
                line.result.code,
                line.result.label,
                *line.display_by_year,
                line.display,
                fr_number(line.target),
                line.status,
            ]
            for line in bilan.indicators
        ],
        caption=_("Indicateurs d'évaluation, valeur et cible — %(scope)s")
        % {"scope": bilan.scope_label},
    )

    _table(
        document,
        [_("Mode de calcul"), _("Méthode")],
        [[label, doc] for label, doc in bilan.kind_docs],
        caption=_("Modes de calcul des indicateurs"),
    )

    progress(_("carte des actions par quartier"))
    document.add_heading(_("Carte des actions par quartier"), level=1)
    document.add_picture(io.BytesIO(bilan_map(bilan, fmt="png")), width=Cm(15))
    _table(
        document,
        [_("Zone"), _("Type"), _("Activités")],
        [[f"{z.name} ({z.code})", z.kind.upper(), str(z.count)] for z in bilan.zone_counts],
        caption=_("Activités du journal par zone"),
    )

    if bilan.gap_effects:
        document.add_heading(_("Les actions et les manques qu'elles comblent"), level=1)
        _table(
            document,
            gap_columns(),
            [g.cells for g in gap_rows(bilan)],
            caption=_(
                "Manques du diagnostic auxquels répondent les actions, avec les chiffres avant "
                "et après"
            ),
        )
        document.add_paragraph(gap_note())

    progress(_("graphiques et activités par axe"))
    for axis in bilan.axes:
        document.add_heading(
            _("Axe %(n)s — %(title)s") % {"n": axis.number, "title": axis.title}, level=1
        )
        for line in axis.indicators:
            r = line.result
            document.add_heading(f"{r.code} {r.label}", level=2)
            unit = (" — " + _("unité : %(unit)s") % {"unit": r.unit}) if r.unit else ""
            document.add_paragraph(f"{r.kind_label}{unit}.")
            document.add_paragraph(_("Méthode : %(method)s") % {"method": r.method})
            target = _("non fixée") if line.target is None else fr_number(line.target)
            document.add_paragraph(
                _("Valeur : %(value)s ; cible : %(target)s ; statut : %(status)s.")
                % {"value": line.display, "target": target, "status": line.status}
            )
            if line.has_chart:
                chart = indicator_trend(line, fmt="png")
                document.add_picture(io.BytesIO(chart), width=Cm(12))
            else:
                document.add_paragraph(_("Pas de graphique : aucune valeur ni cible."))
            for note in r.notes:
                document.add_paragraph(note)
            if line.evidence:
                document.add_paragraph(_("Ce qui fonde la valeur :"))
                for e in line.evidence_shown:
                    when = f"{e.date:%d/%m/%Y} — " if e.date else ""
                    detail = f" ({e.detail})" if e.detail else ""
                    fictional = f" [{FICTIONAL_LABEL}]" if e.is_fictional else ""
                    document.add_paragraph(
                        f"{when}{e.label}{detail}{fictional}", style="List Bullet"
                    )
                if line.evidence_hidden:
                    document.add_paragraph(
                        _(
                            "… et %(n)s autre(s) élément(s) (liste complète dans le classeur "
                            "XLSX, feuille « Éléments »)."
                        )
                        % {"n": line.evidence_hidden}
                    )
            else:
                document.add_paragraph(_("Aucune activité ni donnée derrière cette valeur."))
        document.add_heading(_("Activités de l'axe %(n)s") % {"n": axis.number}, level=2)
        if axis.activities:
            _table(
                document,
                [
                    _("Date"),
                    _("Activité"),
                    _("Type"),
                    _("Quartiers"),
                    _("Partenaires"),
                    _("Participants"),
                ],
                [
                    [
                        f"{a.date:%d/%m/%Y}",
                        a.title + (f" [{FICTIONAL_LABEL}]" if a.is_fictional else ""),
                        a.kind,
                        ", ".join(a.zones),
                        ", ".join(a.partners),
                        "—" if a.participants is None else str(a.participants),
                    ]
                    for a in axis.activities
                ],
                caption=_("Journal de l'axe %(n)s — %(scope)s")
                % {"n": axis.number, "scope": bilan.scope_label},
            )
        else:
            document.add_paragraph(_("Aucune activité au journal pour cet axe."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
