"""Streaming readers of the first sheet of an ODS (here) or XLSX (:mod:`.tabular_xlsx`)
workbook, for :mod:`.tabular`, and what they share.

Both parse the package's XML with expat, chunk by chunk, and never build a document tree, so
memory follows the rows kept, not the file's expanded size:

- ODS ``number-rows-repeated`` / ``number-columns-repeated`` are counted, never expanded here:
  a row comes out once with its repeat count (:mod:`.tabular` checks rows × columns against its
  limits before it allocates anything), trailing empty cells and empty rows — LibreOffice pads
  every row to 1 024 columns and ends a sheet with a million-row empty repeat — cost nothing;
- XLSX rows and cells are sparse (``r="XFD1048576"``): the ``<dimension>`` element is ignored
  (it may lie), a gap of missing rows costs nothing, a cell beyond the column limit is refused.

A document type declaration (hence any entity) is refused. Every malformed value — a number,
date, boolean, shared-string index, repeat count, row number or cell reference — raises
:class:`~maillage.interop.tabular.TableError` naming file, sheet, row and cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any
from xml.parsers import expat

CHUNK = 64 * 1024
MAX_XLSX_ROW = 1_048_576
MAX_XLSX_COLUMN = 16_384
_REPEAT = re.compile(r"[0-9]{1,12}")
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_INDEX = re.compile(r"[0-9]{1,9}")

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_S = " "  # expat namespace separator: names arrive as "<namespace> <local name>"

# One row as the readers give it: (line number, cell texts, how many times it repeats).
RawRow = tuple[int, list[str], int]


class SheetRows:
    """The rows of a workbook's first sheet; ``sheet`` is its name once parsing has found it."""

    def __init__(self, rows: Callable[[SheetRows], Iterator[RawRow]]) -> None:
        self.sheet: str | None = None
        self._rows = rows(self)

    def __iter__(self) -> Iterator[RawRow]:
        return self._rows


def _column_index(letters: str) -> int:
    """``A`` → 1, ``AB`` → 28 (``letters`` are 1 to 3 capitals)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def column_letter(index: int) -> str:
    """``1`` → ``A``, ``28`` → ``AB`` (any positive index)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


_LOCAL: dict[str, str] = {}


def _local(name: str) -> str:
    """``"<namespace> row"`` → ``"row"`` (cached: a document has few distinct names)."""
    local = _LOCAL.get(name)
    if local is None:
        local = name.rsplit(_S, 1)[-1]
        if len(_LOCAL) < 10_000:  # a hostile file's made-up names do not fill memory
            _LOCAL[name] = local
    return local


def cell_text(value: Any) -> str:
    """A cell's value as the text a :class:`~maillage.interop.tabular.Table` holds."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Xml:
    """Feed one zip member to expat chunk by chunk; errors become :class:`TableError`."""

    def __init__(self, archive: zipfile.ZipFile, part: str, error: Callable[..., Exception]):
        self.archive, self.part, self.error = archive, part, error
        self.parser = expat.ParserCreate(namespace_separator=_S)
        self.parser.buffer_text = True
        self.parser.StartDoctypeDeclHandler = self._refuse_dtd
        self.parser.EntityDeclHandler = self._refuse_dtd

    def _refuse_dtd(self, *_args: Any) -> None:
        raise self.error(f"déclaration DTD refusée dans « {self.part} » (entités interdites).")

    def chunks(self) -> Iterator[None]:
        """Parse the member; yield after each chunk so the caller can drain finished rows."""
        try:
            stream = self.archive.open(self.part)
        except KeyError as exc:
            raise self.error(f"classeur incomplet : « {self.part} » absent.") from exc
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError) as exc:
            raise self.error("fichier tronqué ou corrompu (archive illisible).") from exc
        with stream:
            while True:
                try:
                    chunk = stream.read(CHUNK)
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                    raise self.error("fichier tronqué ou corrompu (archive illisible).") from exc
                try:
                    self.parser.Parse(chunk, not chunk)
                except expat.ExpatError as exc:
                    raise self.error(
                        f"XML mal formé dans « {self.part} » (ligne {exc.lineno} du XML)."
                    ) from exc
                yield
                if not chunk:
                    return

    def run(self) -> None:
        for _ in self.chunks():
            pass


def _repeat(raw: str | None, fail: Callable[[str], Exception]) -> int:
    if raw is None:
        return 1
    if not _REPEAT.fullmatch(raw) or int(raw) == 0:
        raise fail(f"nombre de répétitions invalide « {raw[:40]} » (entier positif attendu).")
    return int(raw)


# --------------------------------------------------------------------------- ODS


class _OdsSheet:
    """expat handlers collecting the rows of the first table of an ODS ``content.xml``."""

    def __init__(self, error: Callable[..., Exception], max_columns: int) -> None:
        self.error, self.max_columns = error, max_columns
        self.depth = 0
        self.parent: list[str] = []
        self.sheet: str | None = None
        self.sheet_depth = 0
        self.done = False
        self.line = 0
        self.rows: deque[RawRow] = deque()
        self.row_depth = 0  # 0: not in a row
        self.cell_depth = 0
        self.para: list[str] | None = None
        self.para_depth = 0

    def fail(self, message: str, *, column: int | None = None) -> Exception:
        cell = f"{column_letter(column)}{self.line + 1}" if column is not None else None
        return self.error(message, sheet=self.sheet, row=self.line + 1, cell=cell)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        parent = self.parent[-1] if self.parent else ""
        self.parent.append(name)
        if self.done:
            return
        if self.sheet is None:
            if name == TABLE + _S + "table" and parent == OFFICE + _S + "spreadsheet":
                self.sheet = attrs.get(TABLE + _S + "name", "")
                self.sheet_depth = self.depth
            return
        if name == TABLE + _S + "table-row" and not self.row_depth:
            self.row_depth = self.depth
            self.row_repeat = _repeat(attrs.get(TABLE + _S + "number-rows-repeated"), self.fail)
            self.values: list[str] = []
            self.pending = 0  # empty cells not yet written (trailing ones never are)
        elif self.row_depth and self.depth == self.row_depth + 1:
            local = name.rsplit(_S, 1)[-1]
            if local in ("table-cell", "covered-table-cell") and name.startswith(TABLE):
                self.cell_depth = self.depth
                self.cell_attrs = attrs
                self.cell_covered = local == "covered-table-cell"
                self.paras: list[str] = []
        elif self.cell_depth and self.depth == self.cell_depth + 1 and name == TEXT + _S + "p":
            self.para, self.para_depth = [], self.depth

    def text(self, data: str) -> None:
        if self.para is not None:
            self.para.append(data)

    def end(self, _name: str) -> None:
        depth = self.depth
        self.depth -= 1
        self.parent.pop()
        if self.done or self.sheet is None:
            return
        if self.para is not None and depth == self.para_depth:
            self.paras.append("".join(self.para))
            self.para = None
        elif self.cell_depth and depth == self.cell_depth:
            self.cell_depth = 0
            self._cell()
        elif self.row_depth and depth == self.row_depth:
            self.row_depth = 0
            first = self.line + 1
            self.line += self.row_repeat
            if self.values:
                self.rows.append((first, self.values, self.row_repeat))
        elif depth == self.sheet_depth:
            self.done = True

    def _cell(self) -> None:
        column = len(self.values) + self.pending + 1
        attrs = self.cell_attrs
        repeat = _repeat(
            attrs.get(TABLE + _S + "number-columns-repeated"),
            lambda m: self.fail(m, column=column),
        )
        text = "" if self.cell_covered else self._cell_text(attrs, column)
        if not text:
            self.pending += repeat
            return
        if column - 1 + repeat > self.max_columns:
            raise self.fail(f"trop de colonnes (plus de {self.max_columns}).", column=column)
        self.values.extend([""] * self.pending)
        self.pending = 0
        self.values.extend([text] * repeat)

    def _cell_text(self, attrs: dict[str, str], column: int) -> str:
        value_type = attrs.get(OFFICE + _S + "value-type")
        if value_type == "date":
            raw = attrs.get(OFFICE + _S + "date-value", "")
            try:
                dt.date.fromisoformat(raw[:10])
            except ValueError:
                raise self.fail(f"date attendue, trouvé « {raw[:40]} ».", column=column) from None
            return raw[:10]
        if value_type in ("float", "percentage", "currency"):
            raw = attrs.get(OFFICE + _S + "value", "")
            return number_text(raw, lambda: self.fail(_number(raw), column=column))
        return "\n".join(self.paras).strip()


def _number(raw: str) -> str:
    return f"nombre attendu, trouvé « {raw[:40]} »." if raw else "nombre attendu, valeur absente."


def number_text(raw: str, fail: Callable[[], Exception]) -> str:
    """An ODS ``office:value`` as text (``3.0`` → ``3``); a finite number or ``fail()``."""
    try:
        value = float(raw)
    except ValueError:
        raise fail() from None
    if not math.isfinite(value):
        raise fail()
    return str(int(value)) if value.is_integer() else str(value)


def ods_rows(
    archive: zipfile.ZipFile, *, error: Callable[..., Exception], max_columns: int
) -> SheetRows:
    """The rows of the first sheet of an ODS, each once with its repeat count."""

    def rows(out: SheetRows) -> Iterator[RawRow]:
        sheet = _OdsSheet(error, max_columns)
        xml = _Xml(archive, "content.xml", error)
        xml.parser.StartElementHandler = sheet.start
        xml.parser.EndElementHandler = sheet.end
        xml.parser.CharacterDataHandler = sheet.text
        for _ in xml.chunks():
            out.sheet = sheet.sheet
            while sheet.rows:
                yield sheet.rows.popleft()
            if sheet.done:
                return
        if sheet.sheet is None:
            raise error("le classeur ne contient aucune feuille.")

    return SheetRows(rows)
