"""Spreadsheets in and out: CSV, XLSX and ODS, read and written one way for every import/export.

Reading validates size, encoding and structure and raises :class:`TableError` with a French
message naming the file, the sheet, the row, the cell and the field, and only that exception:
a malformed value, XML or archive is a :class:`TableError` too. Rows and columns are counted
before they are allocated: ODS repeats (``number-rows-repeated``…) are never expanded beyond
:class:`Limits` (rows, columns, and rows × columns), trailing empty cells and rows cost nothing
(see :mod:`.tabular_xml`). Writing protects spreadsheet users from formula
injection (a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR is prefixed by ``'``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import PurePath
from typing import Any

from django.http import HttpResponse

from .tabular_xlsx import xlsx_rows
from .tabular_xml import RawRow, ods_rows
from .tabular_xml import cell_text as _cell_text

MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 200
# Rows × header columns. A CSV cell takes at least 2 bytes, so no CSV under MAX_BYTES reaches
# 5 million; 2 million bounds what a small ODS may expand to (~100 Mo of rows at most).
MAX_CELLS = 2_000_000
FORMATS = ("csv", "xlsx", "ods")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Limits:
    """What a reader accepts: file size in bytes, data rows, header columns, and data rows ×
    header columns (``max_cells``, counted before any row is allocated).

    The defaults suit uploads through the web and the API; a caller reading trusted files from
    disk (the dataset loader) may pass wider limits.
    """

    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cells: int = MAX_CELLS


DEFAULT_LIMITS = Limits()


class TableError(ValueError):
    """A spreadsheet cannot be read; the message is French and says where.

    ``detail`` is the bare reason; :attr:`located_detail` prefixes it with the sheet and the
    cell, for callers that render the file and the row themselves.
    """

    def __init__(
        self,
        message: str,
        *,
        filename: str,
        row: int | None = None,
        field: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> None:
        self.filename, self.row, self.field, self.detail = filename, row, field, message
        self.sheet, self.cell = sheet, cell
        where = [f"Fichier « {filename} »"]
        if sheet is not None:
            where.append(f"feuille « {sheet} »")
        if row is not None:
            where.append(f"ligne {row}")
        if cell:
            where.append(f"cellule {cell}")
        if field:
            where.append(f"colonne « {field} »")
        super().__init__(f"{', '.join(where)} : {message}")

    @property
    def located_detail(self) -> str:
        where = [f"feuille « {self.sheet} »"] if self.sheet is not None else []
        where += [f"cellule {self.cell}"] if self.cell else []
        return f"{', '.join(where)} : {self.detail}" if where else self.detail


@dataclass(frozen=True)
class Table:
    """Rows of a spreadsheet: ``rows`` holds ``(line number, {column: text})`` pairs.

    ``header_line`` is the line of the header (the first non-empty line).
    """

    filename: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    encoding: str = ""
    header_line: int = 1


def _build(
    filename: str,
    raw_rows: Iterable[RawRow],
    encoding: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Rows (line, values, repeat) → :class:`Table`, every limit checked before allocating.

    A row repeated ``n`` times is kept once while reading; rows are expanded only at the end,
    once their count and their cells (rows × header columns) are known to fit ``limits``.
    Errors name the sheet when ``raw_rows`` is a workbook's :class:`.tabular_xml.SheetRows`.
    """

    def error(message: str, **where: Any) -> TableError:
        sheet = getattr(raw_rows, "sheet", None)
        return TableError(message, filename=filename, sheet=sheet, **where)

    iterator = iter(raw_rows)
    header: list[str] | None = None
    for line, values, times in iterator:
        texts = [_cell_text(v) for v in values]
        if any(texts):
            header, header_line, header_times = list(texts), line, times
            break
    if header is None:
        raise error("le fichier est vide (aucun en-tête).")
    while header and not header[-1]:
        header.pop()
    width = len(header)
    if width > limits.max_columns:
        raise error(f"trop de colonnes (plus de {limits.max_columns}).", row=header_line)
    seen = set()
    for name in header:
        if not name:
            raise error("une colonne de l'en-tête n'a pas de nom.", row=header_line)
        if name.lower() in seen:
            raise error("colonne en double.", row=header_line, field=name)
        seen.add(name.lower())
    kept: list[RawRow] = []
    count = cells = 0

    def keep(line: int, values: list[Any], repeat: int) -> None:
        nonlocal count, cells
        texts = [_cell_text(v) for v in values[:width]]
        extra = len(values) > width and any(_cell_text(v) for v in islice(values, width, None))
        if not extra and not any(texts):
            return
        if count + repeat > limits.max_rows:
            raise error(
                f"trop de lignes (plus de {limits.max_rows}).",
                row=line + limits.max_rows - count,
            )
        if extra:
            raise error("plus de valeurs que de colonnes dans l'en-tête.", row=line)
        cells += repeat * width
        if cells > limits.max_cells:
            raise error(
                f"trop de cellules (plus de {limits.max_cells} : lignes × colonnes de l'en-tête).",
                row=line,
            )
        count += repeat
        kept.append((line, texts, repeat))

    if header_times > 1:  # the header row itself repeated: its copies are data rows
        keep(header_line + 1, texts, header_times - 1)
    for line, values, repeat in iterator:
        keep(line, values, repeat)
    rows: list[Any] = []
    for line, texts, repeat in kept:
        texts += [""] * (width - len(texts))
        rows.extend((line + i, dict(zip(header, texts, strict=True))) for i in range(repeat))
    return Table(
        filename=filename, columns=header, rows=rows, encoding=encoding, header_line=header_line
    )


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        raise TableError("contenu binaire : ce n'est pas un fichier CSV.", filename=filename)
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TableError("encodage illisible.", filename=filename)  # pragma: no cover (latin-1)


def _read_csv(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Table:
    text, encoding = _decode(data, filename)
    first = text.lstrip().split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[RawRow]:
        try:
            for row in reader:
                yield reader.line_num, row, 1
        except csv.Error as exc:
            raise TableError(
                f"CSV mal formé ({exc}).", filename=filename, row=reader.line_num
            ) from exc

    return _build(filename, rows(), encoding, limits)


def _check_zip(data: bytes, filename: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise TableError(
            "fichier tronqué ou corrompu (archive illisible).", filename=filename
        ) from exc
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNZIPPED_BYTES or len(archive.infolist()) > 10_000:
        raise TableError("fichier refusé : contenu décompressé trop volumineux.", filename=filename)
    return archive


def _reader_error(filename: str) -> Callable[..., TableError]:
    def error(message: str, **where: Any) -> TableError:
        return TableError(message, filename=filename, **where)

    return error


def _read_xlsx(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Table:
    with _check_zip(data, filename) as archive:
        rows = xlsx_rows(
            archive,
            error=_reader_error(filename),
            max_columns=limits.max_columns,
            max_cells=limits.max_cells,
        )
        return _build(filename, rows, limits=limits)


def _read_ods(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Table:
    with _check_zip(data, filename) as archive:
        rows = ods_rows(archive, error=_reader_error(filename), max_columns=limits.max_columns)
        return _build(filename, rows, limits=limits)


def read_table(data: bytes, *, filename: str, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read a CSV, XLSX or ODS file (chosen by its extension) into a :class:`Table`.

    ``limits`` bounds the size, rows and columns accepted (default: :data:`DEFAULT_LIMITS`).
    """
    name = PurePath(filename).name or "fichier"
    if len(data) > limits.max_bytes:
        raise TableError(
            f"fichier trop volumineux (plus de {limits.max_bytes // 1024 // 1024} Mo).",
            filename=name,
        )
    if not data.strip():
        raise TableError("le fichier est vide.", filename=name)
    ext = PurePath(name).suffix.lower().lstrip(".")
    readers = {"csv": _read_csv, "txt": _read_csv, "xlsx": _read_xlsx, "ods": _read_ods}
    if ext not in readers:
        raise TableError("format non pris en charge (CSV, XLSX ou ODS attendu).", filename=name)
    return readers[ext](data, name, limits)


# --------------------------------------------------------------------------- writing


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text cells; numbers and dates pass unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | dt.date):
        return value
    text = str(value)
    return "'" + text if text.startswith(_DANGEROUS_PREFIXES) else text


def write_table(
    rows: Iterable[Mapping[str, Any]], *, columns: list[tuple[str, str]], fmt: str
) -> bytes:
    """Write rows as CSV (UTF-8 with BOM, ``;``), XLSX or ODS; ``columns`` = (key, header)."""
    if fmt not in FORMATS:
        raise ValueError(f"Format « {fmt} » inconnu (csv, xlsx ou ods).")
    matrix = [[str(label) for _, label in columns]] + [
        [safe_cell(row.get(key)) for key, _ in columns] for row in rows
    ]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(matrix)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Données")
        for values in matrix:
            sheet.append(values)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    return _write_ods(matrix)


def _write_ods(matrix: list[list[Any]]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table as OdsTable
    from odf.table import TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = OdsTable(name="Données")
    for values in matrix:
        row = TableRow()
        for value in values:
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell = TableCell(valuetype="float", value=value)
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def table_response(
    rows: Iterable[Mapping[str, Any]], *, columns: list[tuple[str, str]], fmt: str, filename: str
) -> HttpResponse:
    """An HTTP download of ``rows`` in ``fmt`` (``filename`` without extension)."""
    response = HttpResponse(
        write_table(rows, columns=columns, fmt=fmt), content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
