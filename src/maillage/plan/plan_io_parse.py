"""The plan spreadsheet read and checked as a whole: elements grouped by parent, numbering,
references, convention, activity kinds, indicator kinds, rules and targets.

:func:`plan_parse` returns the normalised plan (the shape of the ``ctg_plan`` loader's) or ``None``
with every problem in the report; it writes nothing (:mod:`.plan_io_import` writes).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.interop.tabular import TableError, read_table
from maillage.territory.models import Territory
from maillage.text import fold

from .indicators import rule_problem
from .journal import _unprotect, parse_date
from .models import ActivityKind, Convention, Indicator
from .plan_io import (
    COL_CODE,
    COL_DETAIL,
    COL_ELEMENT,
    COL_KIND,
    COL_RULE,
    COL_TEXT,
    COL_UNIT,
    COL_VALUE,
    COL_YEAR,
    PLAN_COLUMNS,
    REQUIRED_COLUMNS,
)
from .plan_io_rows import (
    COLUMN_BY_KEY,
    MAX_LENGTHS,
    MAX_RULE,
    PLAN_LIMITS,
    STATUS_BY_KEY,
    PlanImportReport,
    PlanRow,
    RowParser,
    first_sheet_name,
)


def plan_parse(
    *, territory: Territory, data: bytes, filename: str, report: PlanImportReport
) -> dict[str, Any] | None:
    """Validate a plan spreadsheet; the normalised plan, or ``None`` (problems in ``report``)."""
    try:
        table = read_table(data, filename=filename, limits=PLAN_LIMITS)
    except TableError as exc:
        report.refuse(
            file=exc.filename, row=exc.row, field=exc.field or "", message=exc.located_detail
        )
        return None
    report.filename = table.filename
    parser = RowParser(report, table.filename, first_sheet_name(data, table.filename))
    mapping: dict[str, str] = {}
    for column in table.columns:
        label = COLUMN_BY_KEY.get(fold(column))
        if label is None:
            parser.refuse(
                table.header_line,
                column,
                _("colonne inconnue (colonnes du modèle : {known}).").format(
                    known=", ".join(label for _k, label in PLAN_COLUMNS)
                ),
            )
        else:
            mapping[column] = label
    for label in REQUIRED_COLUMNS:
        if label not in mapping.values():
            parser.refuse(
                table.header_line,
                label,
                _("colonne obligatoire absente de l'en-tête (voir : maillage plan modele)."),
            )
    if report.problems:
        return None
    rows = [
        row
        for line, raw in table.rows
        if (row := parser.row(line, {mapping[c]: _unprotect(v) for c, v in raw.items()}))
        is not None
    ]
    plan = _assemble(parser, rows, territory)
    report.problems.sort(key=lambda p: -1 if p.row is None else p.row)
    return None if report.problems else plan


def _assemble(parser: RowParser, rows: list[PlanRow], territory: Territory) -> dict[str, Any]:
    """Group the rows by element and parent; check numbering, references, kinds and rules."""
    heads: dict[tuple[str, str], PlanRow] = {}  # (level, code) → the row that opens it
    scalars: dict[tuple[str, str, str], PlanRow] = {}
    lists: dict[tuple[str, str, str], list[PlanRow]] = {}
    heading = {"sujet d'étude", "axe", "objectif", "indicateur"}
    for row in rows:
        e = row.element
        if e.name in heading:
            key = (e.level, row.code)
            if key in heads:
                parser.refuse(
                    row.line,
                    COL_CODE,
                    _("« {e} » {code} en double (déjà ligne {line}).").format(
                        e=e.name, code=row.code, line=heads[key].line
                    ),
                )
            heads.setdefault(key, row)
        elif e.many:
            # A convention-level list (activity kinds) keeps its code in the row (the slug).
            parent = "" if e.level == "convention" else row.code
            lists.setdefault((e.level, parent, e.name), []).append(row)
        else:
            key3 = (e.level, row.code, e.name)
            if key3 in scalars:
                parser.refuse(
                    row.line,
                    COL_ELEMENT,
                    _("« {e} » déjà donné ligne {line} (une seule ligne attendue).").format(
                        e=e.name, line=scalars[key3].line
                    ),
                )
            scalars.setdefault(key3, row)
    # Every child needs its parent; numbers follow each other (1, 2, 3…).
    parents = {"subject": "sujet d'étude", "axis": "axe", "objective": "objectif"}
    parents["indicator"] = "indicateur"
    missing: dict[tuple[str, str], list[int]] = {}
    for row in [*scalars.values(), *(r for rs in lists.values() for r in rs), *heads.values()]:
        level = row.element.level
        if level == "convention":
            continue
        if (level, row.code) not in heads:
            missing.setdefault((parents[level], row.code), []).append(row.line)
        elif level in ("objective", "indicator") and row.element.name in heading:
            axis_code = row.code.split(".")[0]
            if ("axis", axis_code) not in heads:
                missing.setdefault(("axe", axis_code), []).append(row.line)
    for (parent, code), lines in missing.items():
        more = len(lines) - 1
        parser.refuse(
            min(lines),
            COL_CODE,
            _("aucune ligne « {p} » de code {code} dans le fichier{more}.").format(
                p=parent,
                code=code,
                more=_(" (et {n} autre(s) ligne(s) qui s'y rattachent)").format(n=more)
                if more
                else "",
            ),
        )
    _check_numbering(parser, heads)

    def text(level: str, code: str, name: str) -> str:
        row = scalars.get((level, code, name))
        return row.text if row else ""

    def texts(level: str, code: str, name: str) -> list[str]:
        return [r.text for r in lists.get((level, code, name), [])]

    convention = _convention(parser, scalars, territory, text, texts)
    kinds = _activity_kinds(parser, lists.get(("convention", "", "type d'activité"), []))
    kind_names = {k.name for k in ActivityKind.objects.all()} | {k["name"] for k in kinds}
    axis_codes = sorted((int(c) for lv, c in heads if lv == "axis"))
    objective_codes = {c for lv, c in heads if lv == "objective"}
    if not axis_codes:
        parser.refuse(None, COL_ELEMENT, _("le plan n'a aucune ligne « axe »."))
    subjects = [
        {
            "number": n,
            "title": heads[("subject", str(n))].text,
            "description": texts("subject", str(n), "présentation du sujet"),
            "objectives_label": text("subject", str(n), "intitulé des objectifs"),
            "objectives_intro": text("subject", str(n), "introduction des objectifs"),
            "objectives": texts("subject", str(n), "objectif du sujet"),
        }
        for n in sorted(int(c) for lv, c in heads if lv == "subject")
    ]
    period = (convention["period_start"], convention["period_end"])
    axes = []
    for a in axis_codes:
        code = str(a)
        axis: dict[str, Any] = {
            "number": a,
            "title": heads[("axis", code)].text,
            "target_public": texts("axis", code, "public cible"),
            "lead": text("axis", code, "responsable"),
            "services": text("axis", code, "services mobilisés"),
            "partners_intro": texts("axis", code, "présentation des partenaires"),
            "partners": texts("axis", code, "partenaire"),
            "expected_results": texts("axis", code, "résultat attendu"),
            "schedule_note": text("axis", code, "échéances"),
            "modalities": texts("axis", code, "modalité"),
            "objectives": [],
            "indicators": [],
        }
        for (level, ocode), row in sorted(heads.items(), key=lambda kv: _code_key(kv[0][1])):
            if level not in ("objective", "indicator") or ocode.split(".")[0] != code:
                continue
            number = int(ocode.split(".")[1])
            if level == "objective":
                axis["objectives"].append(
                    {
                        "number": number,
                        "title": row.text,
                        "description": row.cells.get(COL_DETAIL, ""),
                        "sub_points": texts("objective", ocode, "sous-point"),
                    }
                )
            elif level == "indicator":
                indicator = _indicator(
                    parser,
                    row,
                    kind_names=kind_names,
                    axis_numbers=set(axis_codes),
                    objective_codes=objective_codes,
                    period=period,
                    baseline=scalars.get(("indicator", ocode, "valeur de référence")),
                    targets=lists.get(("indicator", ocode, "cible"), []),
                )
                indicator["number"] = number
                axis["indicators"].append(indicator)
        axes.append(axis)
    return {
        "convention": convention,
        "study_subjects": subjects,
        "activity_kinds": kinds,
        "axes": axes,
    }


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) for p in code.split("."))


def _check_numbering(parser: RowParser, heads: dict[tuple[str, str], PlanRow]) -> None:
    groups: dict[tuple[str, str], list[tuple[int, PlanRow]]] = {}
    for (level, code), row in heads.items():
        parent, _sep, digits = code.rpartition(".")
        groups.setdefault((level, parent), []).append((int(digits), row))
    for (_level, parent), numbered in groups.items():
        for expected, (number, row) in enumerate(sorted(numbered, key=lambda x: x[0]), start=1):
            if number != expected:
                wanted = f"{parent}.{expected}" if parent else str(expected)
                parser.refuse(
                    row.line,
                    COL_CODE,
                    _(
                        "« {e} » {code} : numéro {wanted} attendu (les numéros se suivent : "
                        "1, 2, 3…)."
                    ).format(e=row.element.name, code=row.code, wanted=wanted),
                )
                break


def _convention(
    parser: RowParser, scalars: dict, territory: Territory, text: Any, texts: Any
) -> dict[str, Any]:
    period = (territory.period_start, territory.period_end)
    title_row = scalars.get(("convention", "", "convention"))
    if title_row is None:
        parser.refuse(None, COL_ELEMENT, _("ligne « convention » (titre) absente."))
    period_row = scalars.get(("convention", "", "période"))
    if period_row is None:
        parser.refuse(None, COL_ELEMENT, _("ligne « période » absente (ex. « 2023-2026 »)."))
    else:
        match = re.fullmatch(r"\s*([0-9]{4})\s*[-–àa ]+\s*([0-9]{4})\s*", period_row.text)
        found = (int(match.group(1)), int(match.group(2))) if match else None
        if found != period:
            parser.refuse(
                period_row.line,
                COL_TEXT,
                _("période « {text} » différente de celle du territoire ({start}-{end}).").format(
                    text=period_row.text, start=period[0], end=period[1]
                ),
            )
    status = Convention.Status.DRAFT.value
    if status_row := scalars.get(("convention", "", "statut")):
        status = STATUS_BY_KEY.get(fold(status_row.text), "")
        if not status:
            parser.refuse(
                status_row.line,
                COL_TEXT,
                _("statut « {t} » inconnu (en projet, signée ou terminée).").format(
                    t=status_row.text
                ),
            )
    transmitted = None
    if date_row := scalars.get(("convention", "", "reçue en préfecture le")):
        try:
            transmitted = parse_date(date_row.text)
        except ValueError as exc:
            parser.refuse(date_row.line, COL_TEXT, str(exc))
    return {
        "title": title_row.text if title_row else "",
        "period_start": period[0],
        "period_end": period[1],
        "signatories": texts("convention", "", "signataire"),
        "status": status,
        "reference": text("convention", "", "référence de l'acte"),
        "transmitted_on": transmitted,
        "study_intro": texts("convention", "", "thématiques de travail"),
    }


def _activity_kinds(parser: RowParser, rows: list[PlanRow]) -> list[dict[str, Any]]:
    """The file's activity kinds; an existing kind (same name) is kept as it is."""
    existing = list(ActivityKind.objects.all())
    by_name = {fold(k.name): k for k in existing}
    by_slug = {k.slug: k for k in existing}
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    new_slugs: dict[str, int] = {}
    for row in rows:
        name = " ".join(row.text.split())
        slug = row.code or slugify(name)[:80]
        if fold(name) in seen:
            parser.refuse(
                row.line,
                COL_TEXT,
                _("type d'activité en double (déjà ligne {line}).").format(line=seen[fold(name)]),
            )
            continue
        seen[fold(name)] = row.line
        known = by_name.get(fold(name))
        if known is None and slug in by_slug:
            parser.refuse(
                row.line,
                COL_CODE,
                _("identifiant « {slug} » déjà pris par le type « {other} ».").format(
                    slug=slug, other=by_slug[slug].name
                ),
            )
            continue
        if not slug or slugify(slug) != slug or len(slug) > 80:
            parser.refuse(
                row.line,
                COL_CODE,
                _(
                    "identifiant « {slug} » invalide (80 lettres, chiffres ou tirets au plus)."
                ).format(slug=slug),
            )
            continue
        if known is None and slug in new_slugs:
            parser.refuse(
                row.line,
                COL_CODE,
                _("identifiant « {slug} » déjà donné ligne {line}.").format(
                    slug=slug, line=new_slugs[slug]
                ),
            )
            continue
        if known is None:
            new_slugs[slug] = row.line
        out.append({"name": known.name if known else name, "slug": known.slug if known else slug})
    return out


def _indicator(
    parser: RowParser,
    row: PlanRow,
    *,
    kind_names: set[str],
    axis_numbers: set[int],
    objective_codes: set[str],
    period: tuple[int, int],
    baseline: PlanRow | None,
    targets: list[PlanRow],
) -> dict[str, Any]:
    kind = row.cells.get(COL_KIND, "").strip()
    rule: Any = {}
    if kind not in Indicator.Kind.values:
        parser.refuse(
            row.line,
            COL_KIND,
            _("mode de calcul « {kind} » inconnu (connus : {known}).").format(
                kind=kind, known=", ".join(Indicator.Kind.values)
            ),
        )
    else:
        rule = _rule(parser, row, kind, kind_names, axis_numbers, objective_codes)
    out: dict[str, Any] = {
        "label": row.text,
        "kind": kind,
        "rule": rule,
        "unit": row.cells.get(COL_UNIT, ""),
        "method": row.cells.get(COL_DETAIL, ""),
        "baseline_value": None,
        "baseline_year": None,
        "targets": {},
    }
    if len(out["unit"]) > MAX_LENGTHS[COL_UNIT]:
        parser.refuse(row.line, COL_UNIT, _("unité trop longue (50 caractères au plus)."))
    if baseline is not None:
        out["baseline_year"] = parser.year(baseline.line, baseline.cells[COL_YEAR], 1990, period[1])
        out["baseline_value"] = parser.number(baseline.line, COL_VALUE, baseline.cells[COL_VALUE])
    seen: dict[int, int] = {}
    for target in targets:
        year = parser.year(target.line, target.cells[COL_YEAR], *period)
        value = parser.number(target.line, COL_VALUE, target.cells[COL_VALUE])
        if value is not None and value < 0:
            parser.refuse(target.line, COL_VALUE, _("valeur cible positive ou nulle attendue."))
        if year is not None and year in seen:
            parser.refuse(
                target.line,
                COL_YEAR,
                _("cible {year} déjà donnée ligne {line}.").format(year=year, line=seen[year]),
            )
        elif year is not None and value is not None:
            seen[year] = target.line
            out["targets"][year] = value
    return out


def _rule(
    parser: RowParser,
    row: PlanRow,
    kind: str,
    kind_names: set[str],
    axis_numbers: set[int],
    objective_codes: set[str],
) -> dict[str, Any]:
    text = row.cells.get(COL_RULE, "").strip()
    if len(text) > MAX_RULE:
        parser.refuse(
            row.line, COL_RULE, _("règle trop longue ({n} caractères au plus).").format(n=MAX_RULE)
        )
        return {}
    try:
        rule = json.loads(text) if text else {}
    except (ValueError, RecursionError):
        parser.refuse(
            row.line,
            COL_RULE,
            _('règle illisible : objet JSON attendu, ex. {"kinds": ["groupe de travail"]}.'),
        )
        return {}
    # Every kind answers any JSON rule with a problem or None
    # (tests/plan/test_indicator_rule_property.py).
    problem = rule_problem(
        kind=kind,
        rule=rule,
        kind_names=kind_names,
        axis_numbers=axis_numbers,
        objective_codes=objective_codes,
    )
    if problem:
        parser.refuse(row.line, COL_RULE, problem)
        return {}
    return rule
