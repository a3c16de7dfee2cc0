"""Streaming reader of the first worksheet of an XLSX workbook (see :mod:`.tabular_xml`).

Rows and cells are sparse (``r="XFD1048576"``): the ``<dimension>`` element is ignored (it may
lie), a gap of missing rows costs nothing, a cell beyond the column limit is refused. Values
are those openpyxl's read-only reader gives (numbers, shared and inline strings, booleans,
ISO and serial dates by cell style, 1900 or 1904 calendar); a malformed one is a French error.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from .tabular_xml import (
    _CELL_REF,
    _INDEX,
    MAX_XLSX_COLUMN,
    MAX_XLSX_ROW,
    RawRow,
    SheetRows,
    _column_index,
    _local,
    _number,
    _Xml,
    cell_text,
    column_letter,
)


def _attributes_of(
    archive: zipfile.ZipFile, part: str, error: Callable[..., Exception], wanted: set[str]
) -> list[tuple[str, dict[str, str]]]:
    """(local name, attributes by local name) of the ``wanted`` elements of a small part."""
    found: list[tuple[str, dict[str, str]]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local in wanted:
            if len(found) >= 100_000:
                raise error(f"classeur refusé : « {part} » anormalement long.")
            found.append((local, {_local(k): v for k, v in attrs.items()}))

    xml = _Xml(archive, part, error)
    xml.parser.StartElementHandler = start
    xml.run()
    return found


def _relationships(
    archive: zipfile.ZipFile, part: str, error: Callable[..., Exception]
) -> dict[str, tuple[str, str]]:
    """Relationships of ``part``: id → (type's last segment, resolved target path)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in archive.NameToInfo:
        return {}
    out = {}
    for _, attrs in _attributes_of(archive, rels, error, {"Relationship"}):
        target = attrs.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out[attrs.get("Id", "")] = (
            attrs.get("Type", "").rsplit("/", 1)[-1],
            posixpath.normpath(path),
        )
    return out


def _shared_strings(
    archive: zipfile.ZipFile, part: str, error: Callable[..., Exception], limit: int
) -> list[str]:
    """Texts of ``sharedStrings.xml`` (plain and rich runs; phonetic guides left out)."""
    strings: list[str] = []
    stack: list[str] = []
    current: list[str] | None = None

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal current
        local = _local(name)
        stack.append(local)
        if local == "si":
            if len(strings) >= limit:
                raise error(f"trop de textes partagés (plus de {limit}).")
            current = []

    def text(data: str) -> None:
        if current is not None and len(stack) >= 2 and stack[-1] == "t":
            if stack[-2] == "si" or (stack[-2] == "r" and len(stack) >= 3 and stack[-3] == "si"):
                current.append(data)

    def end(_name: str) -> None:
        nonlocal current
        if stack.pop() == "si" and current is not None:
            strings.append("".join(current))
            current = None

    xml = _Xml(archive, part, error)
    xml.parser.StartElementHandler = start
    xml.parser.EndElementHandler = end
    xml.parser.CharacterDataHandler = text
    xml.run()
    return strings


def _date_styles(
    archive: zipfile.ZipFile, part: str | None, error: Callable[..., Exception]
) -> tuple[set[int], set[int]]:
    """Indexes of cell styles showing a date, and those showing a duration (as openpyxl)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    if part is None or part not in archive.NameToInfo:
        return set(), set()
    custom: dict[str, str] = {}
    styles: list[str] = []
    in_cell_xfs = False

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal in_cell_xfs
        local = _local(name)
        if local == "numFmt":
            custom[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            in_cell_xfs = True
        elif local == "xf" and in_cell_xfs:
            if len(styles) >= 100_000:
                raise error("classeur refusé : trop de styles.")
            styles.append(attrs.get("numFmtId", "0"))

    def end(name: str) -> None:
        nonlocal in_cell_xfs
        if _local(name) == "cellXfs":
            in_cell_xfs = False

    xml = _Xml(archive, part, error)
    xml.parser.StartElementHandler = start
    xml.parser.EndElementHandler = end
    xml.run()
    dates, durations = set(), set()
    for index, fmt_id in enumerate(styles):
        code = custom.get(fmt_id)
        if code is None and fmt_id.isdigit():
            code = BUILTIN_FORMATS.get(int(fmt_id))
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


class _XlsxSheet:
    """expat handlers collecting the rows of one worksheet (sparse: ``r`` references)."""

    def __init__(
        self,
        *,
        sheet: str,
        strings: list[str],
        dates: set[int],
        durations: set[int],
        epoch: dt.datetime,
        error: Callable[..., Exception],
        max_columns: int,
    ) -> None:
        self.sheet, self.strings, self.dates, self.durations = sheet, strings, dates, durations
        self.epoch, self.error, self.max_columns = epoch, error, max_columns
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.from_excel, self.from_iso = from_excel, from_ISO8601
        self.rows: deque[RawRow] = deque()
        self.row = 0
        self.in_row = False
        self.cells: dict[int, str] = {}
        self.column = 0
        self.cell: dict[str, str] | None = None
        self.stack: list[str] = []
        self.value: list[str] = []
        self.inline: list[str] = []
        self.has_inline = False

    def fail(self, message: str, *, row: int | None = None, cell: str | None = None):
        return self.error(message, sheet=self.sheet, row=row or self.row or None, cell=cell)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        self.stack.append(local)
        if local == "row" and len(self.stack) >= 2 and self.stack[-2] == "sheetData":
            self._row_start(attrs.get("r"))
        elif local == "c" and self.in_row and self.stack[-2] == "row":
            self._cell_start({_local(k): v for k, v in attrs.items()} if attrs else attrs)
        elif local == "is" and self.cell is not None:
            self.has_inline = True

    def text(self, data: str) -> None:
        if self.cell is None:
            return
        if self.stack[-1] == "v" and self.stack[-2] == "c":
            self.value.append(data)
        elif self.stack[-1] == "t" and (
            self.stack[-2] == "is" or (self.stack[-2] == "r" and self.stack[-3] == "is")
        ):
            self.inline.append(data)

    def end(self, _name: str) -> None:
        local = self.stack.pop()
        if local == "c" and self.cell is not None:
            self._cell_end()
        elif local == "row" and self.in_row:
            self.in_row = False
            if self.cells:
                values = [""] * max(self.cells)
                for column, text in self.cells.items():
                    values[column - 1] = text
                self.rows.append((self.row, values, 1))

    def _row_start(self, raw: str | None) -> None:
        if raw is None:
            number = self.row + 1
        elif _INDEX.fullmatch(raw) and 1 <= int(raw) <= MAX_XLSX_ROW:
            number = int(raw)
        else:
            raise self.fail(f"numéro de ligne invalide « {raw[:40]} ».", row=self.row + 1)
        if number <= self.row:
            raise self.fail(
                f"lignes dans le désordre (la ligne {number} suit la ligne {self.row}).",
                row=number,
            )
        if number > MAX_XLSX_ROW:
            raise self.fail(f"numéro de ligne invalide « {number} ».", row=self.row)
        self.row, self.in_row, self.cells, self.column = number, True, {}, 0

    def _cell_start(self, attrs: dict[str, str]) -> None:
        ref = attrs.get("r")
        if ref is None:
            self.column += 1
        else:
            match = _CELL_REF.fullmatch(ref)
            column = _column_index(match.group(1)) if match else 0
            if not match or int(match.group(2)) != self.row or column > MAX_XLSX_COLUMN:
                raise self.fail(f"référence de cellule invalide « {ref[:40]} ».")
            self.column = column
        self.cell = attrs
        self.value, self.inline, self.has_inline = [], [], False

    def _cell_end(self) -> None:
        attrs, self.cell = self.cell or {}, None
        ref = f"{column_letter(self.column)}{self.row}"
        text = cell_text(self._value(attrs, ref))
        if not text:
            return
        if self.column > self.max_columns:
            raise self.fail(f"trop de colonnes (plus de {self.max_columns}).", cell=ref)
        self.cells[self.column] = text

    def _value(self, attrs: dict[str, str], ref: str) -> Any:
        """The cell's value as openpyxl's read-only reader gives it, or a French error."""
        from_excel, from_iso = self.from_excel, self.from_iso
        kind = attrs.get("t", "n")
        if kind == "inlineStr":
            return "".join(self.inline) if self.has_inline else None
        raw = "".join(self.value) or None
        if raw is None:
            return None
        shown = raw[:40]
        if kind == "n":
            try:
                number = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
            except ValueError:
                raise self.fail(_number(shown), cell=ref) from None
            if isinstance(number, float) and not math.isfinite(number):
                raise self.fail(_number(shown), cell=ref)
            style = attrs.get("s", "0")
            style_id = int(style) if style.isdigit() else -1
            if style_id in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=style_id in self.durations)
                except (OverflowError, ValueError):
                    raise self.fail(f"date invalide, trouvé « {shown} ».", cell=ref) from None
            return number
        if kind == "s":
            if _INDEX.fullmatch(raw) and int(raw) < len(self.strings):
                return self.strings[int(raw)]
            raise self.fail(f"texte partagé n° {shown} absent du classeur.", cell=ref)
        if kind == "b":
            try:
                return bool(int(raw))
            except ValueError:
                raise self.fail(f"booléen attendu, trouvé « {shown} ».", cell=ref) from None
        if kind == "d":
            try:
                return from_iso(raw)
            except (ValueError, TypeError, OverflowError):
                raise self.fail(f"date attendue, trouvé « {shown} ».", cell=ref) from None
        return raw  # "str" (a formula's text), "e" (an error such as #N/A)


def xlsx_rows(
    archive: zipfile.ZipFile, *, error: Callable[..., Exception], max_columns: int, max_cells: int
) -> SheetRows:
    """The rows of the first worksheet of an XLSX (never a chartsheet), one by one."""
    return SheetRows(lambda out: _xlsx_rows(archive, out, error, max_columns, max_cells))


def _xlsx_rows(
    archive: zipfile.ZipFile,
    out: SheetRows,
    error: Callable[..., Exception],
    max_columns: int,
    max_cells: int,
) -> Iterator[RawRow]:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    workbook = "xl/workbook.xml"
    for kind, target in _relationships(archive, "", error).values():
        if kind == "officeDocument":
            workbook = target
    found = _attributes_of(archive, workbook, error, {"sheet", "workbookPr"})
    rels = _relationships(archive, workbook, error)
    by_kind = {kind: target for kind, target in reversed(list(rels.values()))}
    date1904 = any(
        k == "workbookPr" and a.get("date1904", "").lower() in ("1", "true") for k, a in found
    )
    sheet = next(
        (
            (attrs.get("name", ""), rels[attrs["id"]][1])
            for kind, attrs in found
            if kind == "sheet" and rels.get(attrs.get("id", ""), ("",))[0] == "worksheet"
        ),
        None,
    )
    if sheet is None:
        raise error("le classeur ne contient aucune feuille.")
    out.sheet = sheet[0]
    strings_part = by_kind.get("sharedStrings") or "xl/sharedStrings.xml"
    strings = (
        _shared_strings(archive, strings_part, error, max_cells)
        if strings_part in archive.NameToInfo
        else []
    )
    dates, durations = _date_styles(archive, by_kind.get("styles") or "xl/styles.xml", error)
    reader = _XlsxSheet(
        sheet=sheet[0],
        strings=strings,
        dates=dates,
        durations=durations,
        epoch=CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
        error=error,
        max_columns=max_columns,
    )
    xml = _Xml(archive, sheet[1], lambda m, **kw: error(m, sheet=sheet[0], **kw))
    xml.parser.StartElementHandler = reader.start
    xml.parser.EndElementHandler = reader.end
    xml.parser.CharacterDataHandler = reader.text
    for _ in xml.chunks():
        while reader.rows:
            yield reader.rows.popleft()
