"""National CSV files read line by line and cut to a perimeter, lines kept byte for byte.

A national CSV (INSEE base infracommunale, Éducation nationale files) is streamed: the header
line and every line whose commune column is in the perimeter are copied unchanged (encoding,
BOM, separators and line ends included), so that an extract is the source file minus lines.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from maillage.territory.errors import DatasetError

DELIMITERS = (";", ",", "\t")


@dataclass(frozen=True)
class CsvHeader:
    path: Path
    encoding: str
    delimiter: str
    columns: list[str]
    raw: bytes  # the header line as in the file (BOM and line end included)


def _decode(raw: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def read_header(path: Path) -> CsvHeader | None:
    """The header of a CSV file, or ``None`` when the first line is not a delimited header."""
    with path.open("rb") as handle:
        raw = handle.readline(1_000_000)
    text, encoding = _decode(raw)
    text = text.rstrip("\r\n")
    counts = {d: text.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        return None
    columns = [c.strip() for c in next(csv.reader([text], delimiter=delimiter))]
    return CsvHeader(path=path, encoding=encoding, delimiter=delimiter, columns=columns, raw=raw)


def require(header: CsvHeader, *columns: str) -> list[int]:
    """Indexes of ``columns`` in the header; a French error naming the first missing one."""
    missing = [c for c in columns if c not in header.columns]
    if missing:
        raise DatasetError(
            "colonne absente de l'en-tête.",
            file=header.path.name,
            location="ligne 1",
            field=", ".join(missing),
        )
    return [header.columns.index(c) for c in columns]


def rows(header: CsvHeader) -> Iterator[tuple[int, bytes, list[str]]]:
    """``(line number, raw line, values)`` of every data line (blank lines skipped)."""
    with header.path.open("rb") as handle:
        handle.readline(1_000_000)
        for number, raw in enumerate(handle, start=2):
            text = raw.decode(
                header.encoding if header.encoding != "utf-8-sig" else "utf-8", "replace"
            )
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            yield number, raw, next(csv.reader([text], delimiter=header.delimiter))


def unnamed_columns(header: CsvHeader) -> list[str]:
    """Names given to the header's empty column names (``_sans_nom_1``…), in order."""
    return [f"_sans_nom_{n}" for n in range(1, 1 + sum(1 for c in header.columns if not c))]


def header_line(header: CsvHeader) -> bytes:
    """The header as in the file; empty column names (a spreadsheet or pandas index column)
    are named ``_sans_nom_1``… since the loader refuses an unnamed column."""
    raw = header.raw if header.raw.endswith(b"\n") else header.raw + b"\n"
    if all(header.columns):
        return raw
    names = iter(unnamed_columns(header))
    columns = [c or next(names) for c in header.columns]
    ending = b"\r\n" if raw.endswith(b"\r\n") else b"\n"
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    codec = "utf-8" if header.encoding == "utf-8-sig" else header.encoding
    return bom + header.delimiter.join(columns).encode(codec) + ending


def extract(
    header: CsvHeader,
    target: Path,
    *,
    column: str,
    keep: Callable[[str], bool],
) -> tuple[int, int]:
    """Copy the header and the lines whose ``column`` value passes ``keep`` into ``target``;
    return ``(lines kept, lines read)``."""
    (index,) = require(header, column)
    kept = read = 0
    with target.open("wb") as out:
        out.write(header_line(header))
        for number, raw, values in rows(header):
            read += 1
            if index >= len(values):
                raise DatasetError(
                    f"ligne trop courte ({len(values)} champs pour {len(header.columns)}).",
                    file=header.path.name,
                    location=f"ligne {number}",
                    field=column,
                )
            if keep(values[index].strip()):
                out.write(raw if raw.endswith(b"\n") else raw + b"\n")
                kept += 1
    return kept, read
