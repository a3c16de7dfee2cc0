"""Spreadsheets that expand when read (repeated rows and columns, lying dimensions) and
malformed ones: refused in French, naming file, sheet, row and cell, with bounded memory.

Every file here is an *exemple fictif* built by code (tests/interop/spreadsheets.py). Memory is
measured with tracemalloc (peak of Python allocations while reading), never wall-clock time.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from maillage.interop.tabular import DEFAULT_LIMITS, TableError, read_table, write_table

from .spreadsheets import ods_bytes, ods_cell, ods_row, xlsx_bytes, xlsx_cell, xlsx_row

MB = 1024 * 1024
HEADER = ods_row(ods_cell("Date"), ods_cell("Titre"), ods_cell("Type"))
X_HEADER = xlsx_row(
    1,
    xlsx_cell("A1", "Date", t="inlineStr"),
    xlsx_cell("B1", "Titre", t="inlineStr"),
    xlsx_cell("C1", "Type", t="inlineStr"),
)


def _peak(data: bytes, filename: str):
    """Read ``data``; return (table or TableError, peak bytes allocated while reading)."""
    fmt = filename.rsplit(".", 1)[-1]  # warm up: imports are not counted
    read_table(write_table([{"a": 1}], columns=[("a", "A")], fmt=fmt), filename=f"w.{fmt}")
    tracemalloc.start()
    try:
        try:
            outcome = read_table(data, filename=filename)
        except TableError as exc:
            outcome = exc
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _row(i: int) -> str:
    return ods_row(ods_cell(f"2025-01-{i % 28 + 1:02d}"), ods_cell(f"Atelier {i}"), ods_cell("x"))


# --------------------------------------------------------------------------- item 3: bombs


def test_ods_repeated_rows_bomb_is_refused_before_expanding():
    # The file: 200 rows, each repeated 50 000 times (10 million rows once expanded).
    rows = [
        ods_row(ods_cell(f"2025-01-{i % 28 + 1:02d}"), ods_cell(f"A{i}"), repeat="50000")
        for i in range(200)
    ]
    data = ods_bytes(HEADER, *rows)
    assert len(data) < 4000
    outcome, peak = _peak(data, "bombe.ods")
    assert isinstance(outcome, TableError)
    assert "trop de lignes" in str(outcome) and "bombe.ods" in str(outcome)
    assert peak < 8 * MB


def test_ods_repeated_columns_bomb_is_refused_before_expanding():
    cell = ods_cell("x", number_columns_repeated="100000000")
    outcome, peak = _peak(ods_bytes(HEADER, ods_row(ods_cell("a"), cell)), "bombe.ods")
    assert isinstance(outcome, TableError) and "trop de colonnes" in str(outcome)
    assert "ligne 2" in str(outcome) and "feuille « Journal »" in str(outcome)
    assert peak < 2 * MB


def test_ods_rows_times_columns_over_the_cell_limit_is_refused_before_allocating():
    # 200 columns and 49 999 rows: each limit alone is respected, their product (10 million
    # cells) is not.
    header = ods_row(*(ods_cell(f"Colonne {i}") for i in range(200)))
    row = ods_row(ods_cell("x", number_columns_repeated="200"), repeat="49999")
    outcome, peak = _peak(ods_bytes(header, row), "large.ods")
    assert isinstance(outcome, TableError) and "trop de cellules" in str(outcome)
    assert peak < 4 * MB


def test_libreoffice_trailing_empty_cells_and_rows_are_neither_counted_nor_allocated():
    # What LibreOffice writes: every row padded to 1024 columns, a gap of empty rows, then the
    # rest of the sheet (1 048 576 rows) as one repeated empty row.
    pad = ods_cell(number_columns_repeated="1021")
    empty = ods_row(ods_cell(number_columns_repeated="1024"), repeat="5")
    rest = ods_row(ods_cell(number_columns_repeated="1024"), repeat="1048560")
    data = ods_bytes(
        ods_row(ods_cell("Date"), ods_cell("Titre"), ods_cell("Type"), pad),
        ods_row(ods_cell("2025-01-02"), ods_cell("Atelier"), ods_cell("x"), pad),
        empty,
        ods_row(ods_cell("2025-01-03"), ods_cell("Café"), ods_cell(number_columns_repeated="2")),
        rest,
    )
    table, peak = _peak(data, "libreoffice.ods")
    assert not isinstance(table, TableError), table
    assert table.columns == ["Date", "Titre", "Type"]
    assert [(line, row["Titre"]) for line, row in table.rows] == [(2, "Atelier"), (8, "Café")]
    assert peak < 2 * MB


def test_identical_rows_repeated_within_the_limits_are_all_read():
    data = ods_bytes(HEADER, ods_row(ods_cell("2025-01-02"), ods_cell("Atelier"), repeat="3"))
    table = read_table(data, filename="r.ods")
    assert [line for line, _ in table.rows] == [2, 3, 4]
    assert {row["Titre"] for _, row in table.rows} == {"Atelier"}


def test_a_row_repeated_up_to_the_row_limit_is_read_one_more_is_refused():
    limit = DEFAULT_LIMITS.max_rows
    ok = ods_bytes(HEADER, ods_row(ods_cell("d"), ods_cell("t"), repeat=str(limit)))
    assert len(read_table(ok, filename="r.ods").rows) == limit
    too_many = ods_bytes(HEADER, ods_row(ods_cell("d"), ods_cell("t"), repeat=str(limit + 1)))
    with pytest.raises(TableError, match=f"ligne {limit + 2}.*trop de lignes"):
        read_table(too_many, filename="r.ods")


def test_xlsx_lying_dimension_is_ignored():
    data = xlsx_bytes(
        X_HEADER,
        xlsx_row(
            2, xlsx_cell("A2", "2025-01-02", t="inlineStr"), xlsx_cell("B2", "Atelier", t="str")
        ),
        dimension="A1:XFD1048576",
    )
    table, peak = _peak(data, "dimension.xlsx")
    assert not isinstance(table, TableError), table
    assert table.rows == [(2, {"Date": "2025-01-02", "Titre": "Atelier", "Type": ""})]
    assert peak < 2 * MB


def test_xlsx_row_far_down_is_read_without_allocating_the_gap():
    data = xlsx_bytes(
        X_HEADER,
        xlsx_row(2, xlsx_cell("B2", "Atelier", t="inlineStr")),
        xlsx_row(1048576, xlsx_cell("B1048576", "Café", t="inlineStr")),
    )
    table, peak = _peak(data, "loin.xlsx")
    assert not isinstance(table, TableError), table
    assert [(line, row["Titre"]) for line, row in table.rows] == [(2, "Atelier"), (1048576, "Café")]
    assert peak < 2 * MB


def test_xlsx_cell_far_right_is_refused_without_allocating_the_row():
    data = xlsx_bytes(X_HEADER, xlsx_row(2, xlsx_cell("XFD2", "x", t="inlineStr")))
    outcome, peak = _peak(data, "droite.xlsx")
    assert isinstance(outcome, TableError) and "trop de colonnes" in str(outcome)
    assert "cellule XFD2" in str(outcome)
    assert peak < 2 * MB


def test_xlsx_many_cells_without_reference_in_one_row_are_refused():
    cells = '<c t="inlineStr"><is><t>x</t></is></c>' * 100_000
    outcome, peak = _peak(
        xlsx_bytes(X_HEADER, xlsx_row(2) + "", f'<row r="3">{cells}</row>'), "ligne.xlsx"
    )
    assert isinstance(outcome, TableError) and "trop de colonnes" in str(outcome)
    assert "ligne 3" in str(outcome)
    assert peak < 4 * MB


def test_csv_line_of_a_million_delimiters_is_refused_with_bounded_memory():
    data = b"Date;Titre\n" + b";" * 1_000_000 + b"x\n"
    outcome, peak = _peak(data, "large.csv")
    assert isinstance(outcome, TableError) and "ligne 2" in str(outcome)
    assert peak < 24 * MB


# --------------------------------------------------------------------------- item 4: malformed


ODS_MALFORMED = [
    (ods_cell(value_type="float", value="abc"), "cellule B2 : nombre attendu, trouvé « abc »"),
    (ods_cell(value_type="float", value="inf"), "cellule B2 : nombre attendu, trouvé « inf »"),
    (ods_cell(value_type="percentage"), "cellule B2 : nombre attendu, valeur absente"),
    (ods_cell(value_type="date", date_value="abc"), "cellule B2 : date attendue, trouvé « abc »"),
    (ods_cell("x", number_columns_repeated="abc"), "cellule B2 : nombre de répétitions"),
    (ods_cell("x", number_columns_repeated="-3"), "cellule B2 : nombre de répétitions"),
    (ods_cell("x", number_columns_repeated="0"), "cellule B2 : nombre de répétitions"),
    (ods_cell("x", number_columns_repeated="9" * 5000), "cellule B2 : nombre de répétitions"),
]


@pytest.mark.parametrize(("cell", "message"), ODS_MALFORMED)
def test_malformed_ods_cell_names_file_sheet_row_and_cell(cell, message):
    data = ods_bytes(HEADER, ods_row(ods_cell("2025-01-02"), cell))
    with pytest.raises(TableError) as excinfo:
        read_table(data, filename="x.ods")
    assert str(excinfo.value).startswith("Fichier « x.ods », feuille « Journal », ligne 2, ")
    assert message in str(excinfo.value)


@pytest.mark.parametrize("repeat", ["abc", "-1", "0", "1.5", "", "9" * 5000])
def test_malformed_ods_row_repeat_names_the_row(repeat):
    data = ods_bytes(HEADER, _row(1), ods_row(ods_cell("a"), repeat=repeat))
    with pytest.raises(TableError) as excinfo:
        read_table(data, filename="x.ods")
    assert "Fichier « x.ods », feuille « Journal », ligne 3" in str(excinfo.value)
    assert "nombre de répétitions" in str(excinfo.value)


def test_huge_repeat_of_an_empty_row_or_cell_is_harmless():
    data = ods_bytes(
        HEADER,
        ods_row(ods_cell("a"), ods_cell(number_columns_repeated="999999999999")),
        ods_row(ods_cell(), repeat="999999999999"),
    )
    assert read_table(data, filename="x.ods").rows == [(2, {"Date": "a", "Titre": "", "Type": ""})]


X_MALFORMED = [
    (xlsx_cell("B2", "abc", t="n"), "cellule B2 : nombre attendu, trouvé « abc »"),
    (xlsx_cell("B2", "abc"), "cellule B2 : nombre attendu, trouvé « abc »"),
    (xlsx_cell("B2", "7", t="s"), "cellule B2 : texte partagé n° 7 absent"),
    (xlsx_cell("B2", "abc", t="s"), "cellule B2 : texte partagé n° abc absent"),
    (xlsx_cell("B2", "-1", t="s"), "cellule B2 : texte partagé n° -1 absent"),
    (xlsx_cell("B2", "1e20", s=1), "cellule B2 : date invalide, trouvé « 1e20 »"),
    (xlsx_cell("B2", "abc", s=1), "cellule B2 : nombre attendu, trouvé « abc »"),
    (xlsx_cell("B2", "nan", s=1), "cellule B2 : nombre attendu, trouvé « nan »"),
    (xlsx_cell("B2", "abc", t="b"), "cellule B2 : booléen attendu, trouvé « abc »"),
    (xlsx_cell("B2", "abc", t="d"), "cellule B2 : date attendue, trouvé « abc »"),
    (xlsx_cell("B0", "x", t="str"), "référence de cellule invalide « B0 »"),
    (xlsx_cell("2B", "x", t="str"), "référence de cellule invalide « 2B »"),
    (xlsx_cell("B3", "x", t="str"), "référence de cellule invalide « B3 »"),
]


@pytest.mark.parametrize(("cell", "message"), X_MALFORMED)
def test_malformed_xlsx_cell_names_file_sheet_row_and_cell(cell, message):
    data = xlsx_bytes(
        X_HEADER, xlsx_row(2, xlsx_cell("A2", "d", t="str"), cell), shared=["a"], date_style=True
    )
    with pytest.raises(TableError) as excinfo:
        read_table(data, filename="x.xlsx")
    assert str(excinfo.value).startswith("Fichier « x.xlsx », feuille « Journal », ligne 2")
    assert message in str(excinfo.value)


@pytest.mark.parametrize("index", ["abc", "0", "-1", "1.5", "1048577"])
def test_malformed_xlsx_row_number_is_refused(index):
    data = xlsx_bytes(X_HEADER, xlsx_row(index, xlsx_cell(None, "x", t="str")))
    with pytest.raises(TableError) as excinfo:
        read_table(data, filename="x.xlsx")
    assert "Fichier « x.xlsx », feuille « Journal »" in str(excinfo.value)
    assert f"numéro de ligne invalide « {index} »" in str(excinfo.value)


def test_xlsx_rows_out_of_order_are_refused_not_dropped():
    data = xlsx_bytes(
        X_HEADER,
        xlsx_row(3, xlsx_cell("A3", "x", t="str")),
        xlsx_row(2, xlsx_cell("A2", "y", t="str")),
    )
    with pytest.raises(TableError, match="ligne 2.*dans le désordre"):
        read_table(data, filename="x.xlsx")


XML_BOMB = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>'


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_a_document_type_declaration_is_refused(fmt):
    if fmt == "ods":
        data = ods_bytes(HEADER, prolog=XML_BOMB)
    else:
        buffer = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(xlsx_bytes(X_HEADER))) as source,
            zipfile.ZipFile(buffer, "w") as target,
        ):
            for info in source.infolist():
                text = source.read(info)
                if info.filename == "xl/worksheets/sheet1.xml":
                    text = text.replace(b"?>", b"?>" + XML_BOMB.encode(), 1)
                target.writestr(info, text)
        data = buffer.getvalue()
    with pytest.raises(TableError, match="DTD"):
        read_table(data, filename=f"x.{fmt}")


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_broken_xml_is_refused_naming_the_file(fmt):
    good = write_table([{"a": "1"}], columns=[("a", "A")], fmt=fmt)
    part = "content.xml" if fmt == "ods" else "xl/worksheets/sheet1.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            text = source.read(info)
            target.writestr(info, text[: len(text) // 2] if info.filename == part else text)
    with pytest.raises(TableError, match=f"Fichier « x.{fmt} ».*(XML|illisible)"):
        read_table(buffer.getvalue(), filename=f"x.{fmt}")


def _lying_zip(good: bytes, part: str, how: str) -> bytes:
    """Corrupt ``part`` of a zip: flip a stored byte (CRC mismatch) or make the central
    directory lie about its unzipped size (10 bytes)."""
    data = bytearray(good)
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        info = archive.getinfo(part)
    if how == "crc":
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        data[start + info.compress_size // 2] ^= 0xFF
        return bytes(data)
    offset = 0
    while True:
        offset = data.find(b"PK\x01\x02", offset)
        name_len = int.from_bytes(data[offset + 28 : offset + 30], "little")
        if data[offset + 46 : offset + 46 + name_len] == part.encode():
            break
        offset += 4
    data[offset + 24 : offset + 28] = (10).to_bytes(4, "little")
    return bytes(data)


@pytest.mark.parametrize("how", ["crc", "size"])
@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_zip_with_lying_header_or_crc_mismatch_is_refused_in_french(fmt, how):
    good = write_table([{"a": "1"}] * 50, columns=[("a", "A")], fmt=fmt)
    part = "content.xml" if fmt == "ods" else "xl/worksheets/sheet1.xml"
    with pytest.raises(TableError) as excinfo:
        read_table(_lying_zip(good, part, how), filename=f"x.{fmt}")
    assert f"Fichier « x.{fmt} »" in str(excinfo.value)
    assert "corrompu" in str(excinfo.value)
