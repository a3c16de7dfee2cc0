"""Spreadsheets in and out: CSV, XLSX and ODS, read and written one way for every import/export.

Reading validates size, encoding and structure and raises :class:`TableError` with a French
message naming the file, the row and the field. Writing protects spreadsheet users from formula
injection (a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR is prefixed by ``'``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.http import HttpResponse

MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 200
FORMATS = ("csv", "xlsx", "ods")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Limits:
    """What a reader accepts: file size in bytes, data rows, header columns.

    The defaults suit uploads through the web and the API; a caller reading trusted files from
    disk (the dataset loader) may pass wider limits.
    """

    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS


DEFAULT_LIMITS = Limits()


class TableError(ValueError):
    """A spreadsheet cannot be read; the message is French and says where."""

    def __init__(
        self, message: str, *, filename: str, row: int | None = None, field: str | None = None
    ) -> None:
        self.filename, self.row, self.field, self.detail = filename, row, field, message
        where = [f"Fichier « {filename} »"]
        if row is not None:
            where.append(f"ligne {row}")
        if field:
            where.append(f"colonne « {field} »")
        super().__init__(f"{', '.join(where)} : {message}")


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


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _build(
    filename: str,
    raw_rows: Iterable[tuple[int, list[Any]]],
    encoding: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    iterator = iter(raw_rows)
    header: list[str] | None = None
    for line, values in iterator:
        if any(_cell_text(v) for v in values):
            header = [_cell_text(v) for v in values]
            header_line = line
            break
    if header is None:
        raise TableError("le fichier est vide (aucun en-tête).", filename=filename)
    while header and not header[-1]:
        header.pop()
    if len(header) > limits.max_columns:
        raise TableError(
            f"trop de colonnes (plus de {limits.max_columns}).", filename=filename, row=header_line
        )
    seen = set()
    for name in header:
        if not name:
            raise TableError(
                "une colonne de l'en-tête n'a pas de nom.", filename=filename, row=header_line
            )
        if name.lower() in seen:
            raise TableError("colonne en double.", filename=filename, row=header_line, field=name)
        seen.add(name.lower())
    rows = []
    for line, values in iterator:
        texts = [_cell_text(v) for v in values]
        if not any(texts):
            continue
        if len(rows) >= limits.max_rows:
            raise TableError(
                f"trop de lignes (plus de {limits.max_rows}).", filename=filename, row=line
            )
        extra = texts[len(header) :]
        if any(extra):
            raise TableError(
                "plus de valeurs que de colonnes dans l'en-tête.", filename=filename, row=line
            )
        texts += [""] * (len(header) - len(texts))
        rows.append((line, dict(zip(header, texts, strict=False))))
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
    try:
        raw = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise TableError(f"CSV mal formé ({exc}).", filename=filename, row=reader.line_num) from exc
    return _build(filename, raw, encoding, limits)


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


def _read_xlsx(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Table:
    from openpyxl import load_workbook

    _check_zip(data, filename)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on corrupt files
        raise TableError(
            f"classeur XLSX illisible ({type(exc).__name__}).", filename=filename
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        raw = [(i, list(row)) for i, row in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        workbook.close()
    return _build(filename, raw, limits=limits)


def _read_ods(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Table:
    from odf.opendocument import load
    from odf.table import Table as OdsTable
    from odf.table import TableCell, TableRow

    _check_zip(data, filename)
    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises many types on corrupt files
        raise TableError(
            f"classeur ODS illisible ({type(exc).__name__}).", filename=filename
        ) from exc
    sheets = document.spreadsheet.getElementsByType(OdsTable)
    if not sheets:
        raise TableError("le classeur ne contient aucune feuille.", filename=filename)
    raw = []
    line = 0
    for row in sheets[0].getElementsByType(TableRow):
        repeat_rows = min(int(row.getAttribute("numberrowsrepeated") or 1), limits.max_rows)
        values: list[Any] = []
        for cell in row.getElementsByType(TableCell):
            repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
            text = _ods_cell(cell)
            if repeat > limits.max_columns:
                if text:
                    raise TableError("trop de colonnes.", filename=filename, row=line + 1)
                continue
            values.extend([text] * repeat)
        for _ in range(repeat_rows):
            line += 1
            raw.append((line, values))
            if not any(values):
                break
    return _build(filename, raw, limits=limits)


def _ods_cell(cell: Any) -> str:
    value_type = cell.getAttribute("valuetype")
    if value_type == "date":
        return str(cell.getAttribute("datevalue"))[:10]
    if value_type in ("float", "percentage", "currency"):
        return _cell_text(float(cell.getAttribute("value")))
    return "\n".join(str(p) for p in cell.childNodes if p.qname[1] == "p").strip()


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
