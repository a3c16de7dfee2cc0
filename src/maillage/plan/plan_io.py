"""The action plan in a spreadsheet (CSV, XLSX or ODS): the template's layout, export and template.

One sheet, « Plan », one row per element of the plan. The column ``élément`` says what a row is
(an axis, one of its partners, an objective, a sub-point, an indicator, a yearly target…), ``code``
where it belongs (« 2 » for axis 2, « 2.1 » for its objective or indicator 1), ``texte`` its text;
an indicator also fills ``mode de calcul``, ``règle`` (JSON), ``unité`` and ``précision``; a target
or a baseline fills ``année`` and ``valeur``. Rows of a list (sub-points, partners…) keep the
order of the file. XLSX and ODS templates carry a second sheet, « Mode d'emploi », which the
import ignores (it reads the first sheet only).

The import is :mod:`maillage.plan.plan_io_import`; an export re-imports into an identical plan.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from maillage.interop.tabular import safe_cell, write_table
from maillage.territory.models import Territory

from .evidence_sources import DATA_SOURCES
from .indicator_kinds import registered_kinds
from .indicator_kinds.journal import ZONE_FILTERS
from .models import ActivityKind, Axis, Convention, IndicatorTarget, StudySubject

SHEET = "Plan"
NOTICE_SHEET = "Mode d'emploi"

COL_ELEMENT, COL_CODE, COL_TEXT = "élément", "code", "texte"
COL_KIND, COL_RULE, COL_UNIT = "mode de calcul", "règle", "unité"
COL_YEAR, COL_VALUE, COL_DETAIL = "année", "valeur", "précision"
PLAN_COLUMNS: list[tuple[str, str]] = [
    (c, c)
    for c in (
        COL_ELEMENT,
        COL_CODE,
        COL_TEXT,
        COL_KIND,
        COL_RULE,
        COL_UNIT,
        COL_YEAR,
        COL_VALUE,
        COL_DETAIL,
    )
]
REQUIRED_COLUMNS = (COL_ELEMENT, COL_CODE, COL_TEXT)


@dataclass(frozen=True)
class Element:
    """One kind of row: what its code names (``level``), which columns it fills, whether the
    parent holds several of them (a list, in file order) or one."""

    name: str
    level: str  # "convention", "subject", "axis", "objective", "indicator"
    columns: tuple[str, ...]
    many: bool
    doc: str
    required: tuple[str, ...] = (COL_TEXT,)


E = Element
ELEMENTS: tuple[Element, ...] = (
    E("convention", "convention", (COL_TEXT,), False, "Titre de la convention (une ligne)."),
    E("période", "convention", (COL_TEXT,), False, "Années de la convention, ex. « 2023-2026 »."),
    E("statut", "convention", (COL_TEXT,), False, "en projet, signée ou terminée."),
    E("référence de l'acte", "convention", (COL_TEXT,), False, "Référence de la délibération."),
    E("reçue en préfecture le", "convention", (COL_TEXT,), False, "Date JJ/MM/AAAA."),
    E("signataire", "convention", (COL_TEXT,), True, "Un signataire par ligne."),
    E("thématiques de travail", "convention", (COL_TEXT,), True, "Un paragraphe par ligne."),
    E(
        "type d'activité",
        "convention",
        (COL_TEXT, COL_CODE),
        True,
        "Type d'activité du journal (texte) ; code : identifiant facultatif.",
    ),
    E("sujet d'étude", "subject", (COL_TEXT,), False, "Titre du sujet d'étude n° code."),
    E("présentation du sujet", "subject", (COL_TEXT,), True, "Un paragraphe par ligne."),
    E("intitulé des objectifs", "subject", (COL_TEXT,), False, "Ex. « Objectifs : »."),
    E("introduction des objectifs", "subject", (COL_TEXT,), False, "Phrase avant la liste."),
    E("objectif du sujet", "subject", (COL_TEXT,), True, "Un objectif du sujet par ligne."),
    E("axe", "axis", (COL_TEXT,), False, "Titre de l'axe n° code."),
    E("public cible", "axis", (COL_TEXT,), True, "Un paragraphe par ligne."),
    E("responsable", "axis", (COL_TEXT,), False, "Responsable de l'action."),
    E("services mobilisés", "axis", (COL_TEXT,), False, "Services mobilisés."),
    E("présentation des partenaires", "axis", (COL_TEXT,), True, "Texte avant la liste."),
    E("partenaire", "axis", (COL_TEXT,), True, "Un partenaire sollicité par ligne."),
    E("résultat attendu", "axis", (COL_TEXT,), True, "Un résultat attendu par ligne."),
    E("échéances", "axis", (COL_TEXT,), False, "Échéances de réalisation."),
    E("modalité", "axis", (COL_TEXT,), True, "Une modalité de mise en œuvre par ligne."),
    E(
        "objectif",
        "objective",
        (COL_TEXT, COL_DETAIL),
        False,
        "Objectif opérationnel n° code (ex. 1.2) ; précision facultative.",
    ),
    E("sous-point", "objective", (COL_TEXT,), True, "Un sous-point de l'objectif par ligne."),
    E(
        "indicateur",
        "indicator",
        (COL_TEXT, COL_KIND, COL_RULE, COL_UNIT, COL_DETAIL),
        False,
        "Indicateur n° code (ex. 1.3) : libellé, mode de calcul, règle (JSON), unité, "
        "précision de méthode.",
        (COL_TEXT, COL_KIND),
    ),
    E(
        "valeur de référence",
        "indicator",
        (COL_YEAR, COL_VALUE),
        False,
        "Valeur de référence de l'indicateur et l'année qu'elle décrit.",
        (COL_YEAR, COL_VALUE),
    ),
    E(
        "cible",
        "indicator",
        (COL_YEAR, COL_VALUE),
        True,
        "Cible annuelle de l'indicateur : année et valeur (une ligne par année).",
        (COL_YEAR, COL_VALUE),
    ),
)
del E
LEVEL_CODES = {
    "convention": "vide",
    "subject": "numéro du sujet d'étude, ex. 1",
    "axis": "numéro de l'axe, ex. 2",
    "objective": "axe.objectif, ex. 2.1",
    "indicator": "axe.indicateur, ex. 2.3",
}
STATUS_LABELS = {"projet": "en projet", "signee": "signée", "terminee": "terminée"}


def _rule_text(rule: dict) -> str:
    return json.dumps(rule, ensure_ascii=False) if rule else ""


def plan_rows(*, territory: Territory) -> list[dict[str, Any]]:
    """The territory's plan as rows of the template (an export re-imports unchanged).

    Raises ``Convention.DoesNotExist`` when the territory has no plan.
    """
    conv = Convention.objects.get(territory=territory)
    rows: list[dict[str, Any]] = []

    def add(element: str, text: Any = "", code: str = "", **extra: Any) -> None:
        rows.append({COL_ELEMENT: element, COL_CODE: code, COL_TEXT: text, **extra})

    add("convention", conv.title)
    add("période", f"{conv.period_start}-{conv.period_end}")
    add("statut", STATUS_LABELS.get(conv.status, conv.status))
    if conv.reference:
        add("référence de l'acte", conv.reference)
    if conv.transmitted_on:
        add("reçue en préfecture le", conv.transmitted_on.strftime("%d/%m/%Y"))
    for text in conv.signatories:
        add("signataire", text)
    for text in conv.study_intro:
        add("thématiques de travail", text)
    for kind in ActivityKind.objects.order_by("order", "name"):
        add("type d'activité", kind.name, kind.slug)
    for s in StudySubject.objects.filter(convention=conv).order_by("number"):
        code = str(s.number)
        add("sujet d'étude", s.title, code)
        for text in s.description:
            add("présentation du sujet", text, code)
        if s.objectives_label:
            add("intitulé des objectifs", s.objectives_label, code)
        if s.objectives_intro:
            add("introduction des objectifs", s.objectives_intro, code)
        for text in s.objectives:
            add("objectif du sujet", text, code)
    targets: dict[int, list[IndicatorTarget]] = {}
    for t in IndicatorTarget.objects.filter(indicator__axis__convention=conv).order_by("year"):
        targets.setdefault(t.indicator_id, []).append(t)
    axes = Axis.objects.filter(convention=conv).prefetch_related(
        "objectives", "modalities", "indicators"
    )
    for a in axes.order_by("number"):
        code = str(a.number)
        add("axe", a.title, code)
        for element, values in (
            ("public cible", a.target_public),
            ("responsable", [a.lead] if a.lead else []),
            ("services mobilisés", [a.services] if a.services else []),
            ("présentation des partenaires", a.partners_intro),
            ("partenaire", a.partners),
            ("résultat attendu", a.expected_results),
            ("échéances", [a.schedule_note] if a.schedule_note else []),
            ("modalité", [m.text for m in a.modalities.all()]),
        ):
            for text in values:
                add(element, text, code)
        for o in a.objectives.all():
            add("objectif", o.title, o.code, **{COL_DETAIL: o.description})
            for text in o.sub_points:
                add("sous-point", text, o.code)
        for i in a.indicators.all():
            icode = f"{a.number}.{i.number}"
            add(
                "indicateur",
                i.label,
                icode,
                **{
                    COL_KIND: i.kind,
                    COL_RULE: _rule_text(i.rule),
                    COL_UNIT: i.unit,
                    COL_DETAIL: i.method,
                },
            )
            if i.baseline_value is not None:
                add(
                    "valeur de référence",
                    code=icode,
                    **{COL_YEAR: i.baseline_year, COL_VALUE: i.baseline_value},
                )
            for t in targets.get(i.pk, []):
                add("cible", code=icode, **{COL_YEAR: t.year, COL_VALUE: t.value})
    return rows


def notice_rows() -> list[list[str]]:
    """The « Mode d'emploi » sheet: every element and every indicator kind, in French."""
    out = [
        [
            _(
                "Feuille « Plan » : une ligne par élément du plan ; l'import ne lit que cette "
                "feuille."
            )
        ],
        [
            _(
                "Colonnes : {columns}. Les lignes d'une liste (sous-points, partenaires…) gardent "
                "l'ordre du fichier ; les numéros se suivent (1, 2, 3…)."
            ).format(columns=", ".join(label for _k, label in PLAN_COLUMNS))
        ],
        [],
        [_("élément"), _("code"), _("colonnes remplies"), _("plusieurs lignes"), _("description")],
    ]
    for e in ELEMENTS:
        out.append(
            [
                e.name,
                LEVEL_CODES[e.level] if e.name != "type d'activité" else _("identifiant"),
                ", ".join(e.columns),
                _("oui") if e.many else _("non"),
                e.doc,
            ]
        )
    out += [
        [],
        [
            _(
                "Modes de calcul (colonne « mode de calcul » d'un indicateur) ; la règle est un "
                'objet JSON, ex. {"kinds": ["groupe de travail"], "axis": 1}.'
            )
        ],
    ]
    out += [[k.name, str(k.label), "", "", str(k.doc)] for k in registered_kinds()]
    out += [
        [],
        [_("Clés de la règle")],
        [
            "kinds",
            _("types d'activité comptés (liste de lignes « type d'activité »)"),
            "activity_count, body_count, document",
        ],
        [
            "axis",
            _("numéro de l'axe des activités comptées"),
            "activity_count, body_count, document",
        ],
        [
            "objectives",
            _('codes d\'objectifs, ex. ["1.2"]'),
            "activity_count, body_count, document",
        ],
        ["zone", " ou ".join(ZONE_FILTERS), "activity_count, body_count, document"],
        ["theme", _("thème du diagnostic, avec zone_blanche"), "activity_count"],
        ["source", ", ".join(sorted(DATA_SOURCES)), "data"],
    ]
    return out


# Column widths (characters) of the « Plan » sheet: élément, code, texte… précision.
XLSX_WIDTHS = (26, 8, 80, 16, 44, 14, 8, 10, 50)


def _xlsx(main: list[list[Any]], notice: list[list[Any]] | None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, matrix in ((SHEET, main), (NOTICE_SHEET, notice)):
        if matrix is None:
            continue
        sheet = workbook.create_sheet(name)
        widths = XLSX_WIDTHS if name == SHEET else (28, 24, 28, 12, 90)
        for letter, width in zip("ABCDEFGHI", widths, strict=False):
            sheet.column_dimensions[letter].width = width
        if name == SHEET:
            sheet.freeze_panes = "A2"  # the header stays in view
        for values in matrix:
            sheet.append([safe_cell(v) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ods(main: list[list[Any]], notice: list[list[Any]] | None) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table as OdsTable
    from odf.table import TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, matrix in ((SHEET, main), (NOTICE_SHEET, notice)):
        if matrix is None:
            continue
        table = OdsTable(name=name)
        for values in matrix:
            row = TableRow()
            for value in map(safe_cell, values):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cell = TableCell(valuetype="float", value=value)
                else:
                    cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
                row.addElement(cell)
            table.addElement(row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def plan_workbook(rows: list[dict[str, Any]], *, fmt: str, notice: bool = True) -> bytes:
    """``rows`` in the template's columns as CSV (one sheet), XLSX or ODS (« Plan », and
    « Mode d'emploi » when ``notice``)."""
    if fmt == "csv":
        return write_table(rows, columns=PLAN_COLUMNS, fmt="csv")
    if fmt not in ("xlsx", "ods"):
        raise ValueError(f"Format « {fmt} » inconnu (csv, xlsx ou ods).")
    main = [[label for _k, label in PLAN_COLUMNS]] + [
        [row.get(key, "") for key, _l in PLAN_COLUMNS] for row in rows
    ]
    writer = _xlsx if fmt == "xlsx" else _ods
    return writer(main, notice_rows() if notice else None)


def plan_template(*, fmt: str = "xlsx") -> bytes:
    """An empty plan spreadsheet: the header, and the « Mode d'emploi » sheet (XLSX, ODS)."""
    return plan_workbook([], fmt=fmt)


def plan_export(*, territory: Territory, fmt: str = "xlsx") -> bytes:
    """The territory's plan in the template (``Convention.DoesNotExist`` without a plan)."""
    return plan_workbook(plan_rows(territory=territory), fmt=fmt)
