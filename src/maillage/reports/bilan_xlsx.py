"""The bilan as an XLSX workbook: indicators (one row each), activities, zones, about."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from maillage.interop.tabular import safe_cell

from .bilan import FICTIONAL_LABEL, Bilan
from .bilan_gaps import gap_columns, gap_note, gap_row


def indicator_rows(bilan: Bilan) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the indicators sheet: one row per indicator of the plan."""
    scope = {"scope": bilan.scope_label}
    header = [_("Axe"), "Code", _("Indicateur"), _("Mode de calcul"), _("Unité")]
    header += [_("Valeur %(year)s") % {"year": y} for y in bilan.years]
    header += [_("Lecture %(year)s") % {"year": y} for y in bilan.years]
    header += [_("Cible %(year)s") % {"year": y} for y in bilan.years]
    header += [_("Valeur (%(scope)s)") % scope, _("Lecture (%(scope)s)") % scope]
    header += [_("Cible (%(scope)s)") % scope, _("Statut")]
    header += [_("Éléments justificatifs"), _("Inclut un exemple fictif"), _("Notes")]
    header += [_("Méthode")]
    rows = []
    for line in bilan.indicators:
        r = line.result
        rows.append(
            [
                r.axis_number,
                r.code,
                r.label,
                r.kind_label,
                r.unit,
                *(r.values_by_year.get(y) for y in bilan.years),
                *(r.display_by_year.get(y) for y in bilan.years),
                *(r.target_by_year.get(y) for y in bilan.years),
                line.value,
                line.display,
                line.target,
                line.status,
                len(line.evidence),
                any(e.is_fictional for e in line.evidence),
                " ".join(r.notes),
                r.method,
            ]
        )
    return header, rows


def bilan_xlsx(bilan: Bilan, *, progress: Callable[[str], None] = lambda m: None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    progress(_("écriture du classeur"))

    workbook = Workbook()
    sheets: list[tuple[str, list[str], list[list[Any]]]] = []
    header, rows = indicator_rows(bilan)
    sheets.append((_("Indicateurs"), header, rows))
    sheets.append(
        (
            _("Méthodes"),
            [
                "Code",
                _("Indicateur"),
                _("Mode de calcul"),
                _("Méthode"),
                _("Mode de calcul, en détail"),
            ],
            [
                [
                    line.result.code,
                    line.result.label,
                    line.result.kind_label,
                    line.result.method,
                    line.result.kind_doc,
                ]
                for line in bilan.indicators
            ],
        )
    )
    sheets.append(
        (
            _("Sujets d'étude"),
            [_("Sujet d'étude"), _("Rubrique"), _("Texte de la convention")],
            [[_("Thématiques de travail"), "", text] for text in bilan.study_intro]
            + [
                [subject.title, rubric, text]
                for subject in bilan.study_subjects
                for rubric, text in [
                    *((_("présentation"), t) for t in subject.description),
                    *(
                        [(subject.objectives_label, subject.objectives_intro)]
                        if subject.objectives_intro
                        else []
                    ),
                    *((_("objectif"), t) for t in subject.objectives),
                ]
            ],
        )
    )
    activities = {a.id: a for axis in bilan.axes for a in axis.activities}
    sheets.append(
        (
            _("Activités"),
            [
                _("Date"),
                _("Activité"),
                _("Type"),
                _("Axes"),
                _("Objectifs"),
                _("Quartiers"),
                _("Partenaires"),
                _("Participants"),
                FICTIONAL_LABEL.capitalize(),
            ],
            [
                [
                    a.date,
                    a.title,
                    a.kind,
                    ", ".join(map(str, a.axes)),
                    ", ".join(a.objectives),
                    ", ".join(a.zones),
                    ", ".join(a.partners),
                    a.participants,
                    a.is_fictional,
                ]
                for a in sorted(activities.values(), key=lambda a: (a.date, a.id))
            ],
        )
    )
    sheets.append(
        (
            _("Éléments"),
            [
                _("Code"),
                _("Indicateur"),
                _("Nature"),
                _("Date"),
                _("Élément"),
                _("Valeur"),
                _("Précision"),
                FICTIONAL_LABEL.capitalize(),
            ],
            [
                [
                    line.result.code,
                    line.result.label,
                    e.kind,
                    e.date,
                    e.label,
                    e.value,
                    e.detail,
                    e.is_fictional,
                ]
                for line in bilan.indicators
                for e in line.evidence
            ],
        )
    )
    sheets.append(
        (
            _("Quartiers"),
            [_("Type"), "Code", _("Zone"), _("Activités")],
            [[z.kind.upper(), z.code, z.name, z.count] for z in bilan.zone_counts],
        )
    )
    if bilan.gap_effects:
        gap_body: list[list[Any]] = []
        for effect in bilan.gap_effects:
            row = gap_row(effect)
            # figures stay numbers in the spreadsheet; « non calculable » stays its text
            before = effect.before if effect.before is not None and not effect.reason else None
            after = effect.after if effect.after is not None and not effect.reason else None
            gap_body.append(
                [
                    row.actions,
                    row.gap,
                    before if before is not None else row.before,
                    after if after is not None else row.after,
                ]
            )
        gap_body.append([_("Note"), gap_note(), "", ""])
        sheets.append((_("Manques"), gap_columns(), gap_body))
    about: list[list[Any]] = [
        [_("Territoire"), bilan.territory_name],
        [_("Convention"), bilan.title],
        [_("Portée"), bilan.scope_label],
        [_("Édité le"), bilan.generated_on],
        [_("Activités retenues"), bilan.activity_count],
        [_("Dont exemple fictif"), bilan.fictional_count],
        [_("Journal"), bilan.journal_note],
    ]
    if bilan.includes_fictional:
        about.append([_("Avertissement"), bilan.fictional_warning])
    about += [[_("Note"), n] for n in bilan.notes]
    sheets.append((_("À propos"), [_("Rubrique"), _("Valeur")], about))

    workbook.remove(workbook.active)
    for title, head, body in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(head)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in body:
            sheet.append([safe_cell(v) if v is not None else None for v in values])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, width + 2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
