"""Rows of a plan spreadsheet (:mod:`maillage.plan.plan_io`): one row read and checked alone.

:class:`RowParser` turns a row into a :class:`PlanRow` (its element, code and cells) or refuses it
in :class:`PlanImportReport` with the file, the sheet, the row and the column; the whole plan is
assembled and checked by :mod:`.plan_io_parse`.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from maillage.interop.report import ImportReport
from maillage.interop.tabular import Limits, TableError
from maillage.interop.tabular_xlsx import xlsx_rows
from maillage.interop.tabular_xml import ods_rows
from maillage.text import fold

from .models import Convention
from .plan_io import (
    COL_CODE,
    COL_ELEMENT,
    COL_TEXT,
    COL_UNIT,
    COL_YEAR,
    ELEMENTS,
    PLAN_COLUMNS,
    Element,
)

# A plan is a few hundred rows (Armentières: about 330); the byte limit is the uploads' one.
PLAN_LIMITS = Limits(max_rows=5_000, max_columns=50)
MAX_TEXT = 5_000
MAX_RULE = 2_000
MAX_LISTED = 30  # problems printed; the report keeps them all
MAX_VALUE = 1e12
# Characters allowed in a model field, by (element, column).
MAX_LENGTHS = {
    "convention": 300,
    "référence de l'acte": 200,
    "sujet d'étude": 300,
    "intitulé des objectifs": 50,
    "axe": 300,
    "objectif": 300,
    "type d'activité": 150,
    COL_UNIT: 50,
}
ELEMENT_BY_KEY = {fold(e.name): e for e in ELEMENTS}
COLUMN_BY_KEY = {fold(label): label for _k, label in PLAN_COLUMNS}
STATUS_BY_KEY = {fold(v): v for v in Convention.Status.values} | {
    fold(str(label)): value for value, label in Convention.Status.choices
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER = re.compile(r"[0-9]{1,3}")
_CODE = re.compile(r"([0-9]{1,3})\.([0-9]{1,3})")


@dataclass
class PlanImportReport(ImportReport):
    """:class:`ImportReport` with the file's name, deletions and warnings."""

    filename: str = ""
    deleted: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> list[dict[str, Any]]:
        """One row per kind of element: created, updated, unchanged, deleted (the web table)."""
        buckets = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
        }
        names = sorted({name for counts in buckets.values() for name in counts})
        return [
            {"what": name} | {key: counts.get(name, 0) for key, counts in buckets.items()}
            for name in names
        ]

    def lines(self) -> list[str]:
        out = [_("Plan d'action lu dans « {name} ».").format(name=self.filename)]
        if self.problems:
            listed = super().lines()
            if len(self.problems) > MAX_LISTED:
                hidden = len(self.problems) - MAX_LISTED
                listed = listed[: MAX_LISTED + 1]
                listed.append(_("  … et {n} autre(s) erreur(s).").format(n=hidden))
            return out + listed
        if self.dry_run:
            out.append(_("Simulation : rien n'est enregistré. Ce qui changerait :"))
        labels = (
            ("created", _("créé(s)")),
            ("updated", _("modifié(s)")),
            ("unchanged", _("inchangé(s)")),
            ("deleted", _("supprimé(s)")),
        )
        for row in self.summary():
            parts = [f"{row[key]} {label}" for key, label in labels if row[key]]
            out.append(f"{row['what']} : {', '.join(parts)}")
        out += [_("Attention : {w}").format(w=w) for w in self.warnings]
        return out


@dataclass
class PlanRow:
    line: int
    element: Element
    code: str
    cells: dict[str, str]

    @property
    def text(self) -> str:
        return self.cells.get(COL_TEXT, "")


class RowParser:
    """Reads the rows into the plan's normalised dict, refusing with file, sheet, row, column."""

    def __init__(self, report: PlanImportReport, filename: str, sheet: str | None) -> None:
        self.report, self.filename = report, filename
        self.row_label = _("feuille « {sheet} », ligne").format(sheet=sheet) if sheet else "ligne"

    def refuse(self, line: int | None, column: str, message: str) -> None:
        self.report.refuse(
            file=self.filename,
            row=line,
            field=column,
            message=message,
            row_label=self.row_label if line is not None else "ligne",
        )

    # ------------------------------------------------------------------ one row

    def row(self, line: int, cells: dict[str, str]) -> PlanRow | None:
        name = cells.get(COL_ELEMENT, "")
        element = ELEMENT_BY_KEY.get(fold(name))
        if element is None:
            known = ", ".join(f"« {e.name} »" for e in ELEMENTS)
            message = (
                _("élément « {name} » inconnu (connus : {known}).").format(name=name, known=known)
                if name
                else _("élément obligatoire (connus : {known}).").format(known=known)
            )
            self.refuse(line, COL_ELEMENT, message)
            return None
        ok = True
        used = {COL_ELEMENT, COL_CODE, *element.columns}
        for column, value in cells.items():
            if value and column not in used:
                self.refuse(
                    line,
                    column,
                    _("colonne non utilisée par un élément « {e} » : laissez-la vide.").format(
                        e=element.name
                    ),
                )
                ok = False
            elif len(value) > MAX_TEXT:
                self.refuse(
                    line, column, _("texte trop long ({n} caractères au plus).").format(n=MAX_TEXT)
                )
                ok = False
            elif _CONTROL.search(value):
                self.refuse(line, column, _("caractère de contrôle (invisible) dans le texte."))
                ok = False
        for column in element.required:
            if not cells.get(column):
                self.refuse(
                    line,
                    column,
                    _("obligatoire pour un élément « {e} ».").format(e=element.name),
                )
                ok = False
        limit = MAX_LENGTHS.get(element.name)
        if limit and len(cells.get(COL_TEXT, "")) > limit:
            self.refuse(
                line, COL_TEXT, _("texte trop long ({n} caractères au plus).").format(n=limit)
            )
            ok = False
        code = self._code(line, element, cells.get(COL_CODE, ""))
        if code is None:
            ok = False
        return PlanRow(line, element, code, cells) if ok and code is not None else None

    def _code(self, line: int, element: Element, code: str) -> str | None:
        """The row's code, numbers without leading zeros (« 02.1 » → « 2.1 »), or ``None``."""
        level = element.level
        if level == "convention":
            if code and element.name != "type d'activité":
                self.refuse(line, COL_CODE, _("laissez le code vide pour cet élément."))
                return None
            return code
        pattern = _NUMBER if level in ("subject", "axis") else _CODE
        match = pattern.fullmatch(code)
        numbers = [int(g) for g in (match.groups() or [match.group()])] if match else []
        if not numbers or 0 in numbers:
            example = {"subject": "1", "axis": "2", "objective": "2.1", "indicator": "2.3"}[level]
            self.refuse(
                line,
                COL_CODE,
                _("code « {code} » invalide (ex. « {example} »).").format(
                    code=code, example=example
                ),
            )
            return None
        return ".".join(map(str, numbers))

    # ------------------------------------------------------------------ values

    def number(self, line: int, column: str, text: str) -> float | None:
        cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
        try:
            value = float(cleaned)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or abs(value) > MAX_VALUE:
            self.refuse(line, column, _("nombre attendu, trouvé « {t} ».").format(t=text))
            return None
        return value

    def year(self, line: int, text: str, lo: int, hi: int) -> int | None:
        if not (text.isascii() and text.isdigit()) or not lo <= int(text) <= hi:
            self.refuse(
                line,
                COL_YEAR,
                _("année de {lo} à {hi} attendue, trouvé « {t} ».").format(lo=lo, hi=hi, t=text),
            )
            return None
        return int(text)


def first_sheet_name(data: bytes, filename: str) -> str | None:
    """The name of the sheet the reader took (XLSX, ODS), to name it in messages."""
    if not filename.lower().endswith((".xlsx", ".ods")):
        return None

    def error(message: str, **_where: Any) -> Exception:
        return TableError(message, filename=filename)

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if filename.lower().endswith(".xlsx"):
                rows = xlsx_rows(
                    archive, error=error, max_columns=50, max_cells=PLAN_LIMITS.max_cells
                )
            else:
                rows = ods_rows(archive, error=error, max_columns=50)
            next(iter(rows), None)
            return rows.sheet
    except (TableError, zipfile.BadZipFile, KeyError, ValueError):
        return None
